/*
 * A drill file, loaded and validated: the model every later step reads.
 * drill_load() refuses unknown keys, wrong types and bad values with
 * "FILE:LINE:COL: message" and a hint (DRH_E_INPUT, exit code 2), so a drill
 * that loads is complete: defaults are filled in and every enum is known.
 * docs/drill-format.md documents every key.
 *
 * All strings are owned by the drill (NUL-terminated, never NULL unless the
 * field says "NULL: ..."). Caller frees with drill_free().
 */
#ifndef DRH_DRILL_H
#define DRH_DRILL_H
#include "err.h"
#include <stdbool.h>
#include <stddef.h>

/* Defaults from the seeds: RTO <= 12 h, RPO <= 24 h. */
#define DRILL_DEFAULT_RTO (12L * 3600)
#define DRILL_DEFAULT_RPO (24L * 3600)

/* One side of a drill: where the backups are (source) or where the restore
 * happens (target). Credentials: the profile's chain, then, when role_arn is
 * set, AssumeRole into it (with external_id when set). */
struct drill_side {
    char *account;         /* 12 digits */
    char *region;          /* "us-east-1" */
    char *profile;         /* NULL: the default chain (AWS_PROFILE, env, ...) */
    char *role_arn;        /* NULL: use the profile's credentials as they are */
    char *external_id;     /* NULL: none; only with role_arn */
    char *vault;           /* backup vault name; NULL: none (snapshot path) */
    char *staging_vault;   /* target only: vault in the target account and the
                            * source's region, for RDS/Aurora copies that change
                            * account and region (two hops, as AWS requires);
                            * NULL when not needed */
    char *backup_role_arn; /* IAM role AWS Backup uses for copy/restore jobs;
                            * default arn:<partition>:iam::<account>:role/
                            * service-role/AWSBackupDefaultServiceRole */
    char *kms_key;         /* target only: key for snapshot copies (re-encryption),
                            * "alias/...", a key id, or a key or alias ARN of
                            * the target's region; NULL: none */
    bool allow_production; /* target only: the target may be the source's (production)
                            * account; drill_load() refuses the same account without it */
};

/* Where restored things run: named (db_subnet_group, subnet,
 * security_groups), or with create built by drh in the target account and
 * region before any restore and removed after every resource's teardown: a
 * VPC without an internet gateway, a private subnet in each of two
 * availability zones, a security group admitting only allow_from, a DB
 * subnet group over both subnets (harness/run/isolation.c). */
struct drill_isolation {
    bool create;
    char *vpc_cidr;         /* create: the VPC's IPv4 CIDR; default "10.213.0.0/16" (two /24s
                             * from it become the subnets) */
    char *allow_from;       /* create: the CIDR the runner reaches restored resources from
                             * (required with create) */
    char *db_subnet_group;  /* RDS / Aurora; NULL when create or no database resource */
    char *subnet;           /* "subnet-...": EC2 instances and EFS mount targets;
                             * NULL when create or no such resource */
    char **security_groups; /* n_security_groups entries */
    size_t n_security_groups;
};

/* check: no backup of its own; its probes (command, http with url) test the
 * restored stack after the resources it runs after, through their outputs. */
enum drill_resource_type { DRILL_RDS, DRILL_AURORA, DRILL_EFS, DRILL_S3, DRILL_EC2, DRILL_CHECK };
enum drill_engine { DRILL_POSTGRES, DRILL_MYSQL, DRILL_AURORA_POSTGRESQL, DRILL_AURORA_MYSQL };
/* Which backup a drill restores: by AWS Backup recovery point, by a manual
 * snapshot shared with the target account (rds, aurora), by the newest
 * AMI carrying a tag (ec2), or to a point in time of the source's
 * continuous backup (rds, aurora: Restore...ToPointInTime, in the source's
 * own account and region, so the target must be the source with
 * allow_production). */
enum drill_path { DRILL_PATH_BACKUP, DRILL_PATH_SNAPSHOT, DRILL_PATH_TAG, DRILL_PATH_PITR };
enum drill_select {
    DRILL_SELECT_LATEST,  /* newest COMPLETED recovery point / shared snapshot */
    DRILL_SELECT_RANDOM,  /* uniformly among those within within_days */
    DRILL_SELECT_DR_VAULT /* newest copy already in the target's DR vault: no copy */
};

enum probe_kind {
    PROBE_SQL,       /* query + expect */
    PROBE_TABLES,    /* tables exist with >= min_rows rows */
    PROBE_SCHEMA,    /* fingerprint of tables, columns, indexes equals a saved one */
    PROBE_CHECKSUM,  /* per-table content hash equals the manifest's */
    PROBE_CANARY,    /* newest canary row gives the data-level RPO */
    PROBE_INTEGRITY, /* amcheck (PostgreSQL) / CHECK TABLE (MySQL) */
    PROBE_MANIFEST,  /* efs: every file of a saved manifest, with its size and SHA-256 */
    PROBE_FILES,     /* efs: paths exist, file count, newest modification time */
    PROBE_HTTP,      /* ec2: a health URL answers with a status and a body */
    PROBE_TCP,       /* ec2: a port accepts connections */
    PROBE_STATUS,    /* ec2: both status checks (system, instance) ok */
    PROBE_COMMAND    /* check: a command template exits 0 (and its output matches) */
};
enum probe_op { PROBE_EQUALS, PROBE_GE, PROBE_LE, PROBE_REGEX, PROBE_NON_EMPTY };

struct drill_table {
    char *name;         /* "orders" or "schema.orders" */
    long long min_rows; /* tables probe: default 1 */
};

struct drill_probe {
    /* [A-Za-z0-9-]{1,40}, unique within the resource; default "<kind>", or
     * "<kind>-<n>" (n counting that kind's probes from 1) when it repeats */
    char *name;
    enum probe_kind kind;
    long timeout; /* seconds; default 60 */
    /* sql */
    char *query;
    enum probe_op op;
    char *expect; /* the value compared (text); NULL for non-empty */
    /* tables, checksum, integrity (optional for the last two: NULL list = all) */
    struct drill_table *tables;
    size_t n_tables;
    /* checksum: tables hashed at a time, each over its own connection
     * (default 4; 1: one connection) */
    int jobs;
    /* schema, checksum: the file drh manifest wrote (relative to the drill
     * file's directory when not absolute) */
    char *manifest;
    /* canary (databases) */
    char *canary_table;  /* default "drh_canary" */
    char *canary_column; /* default "written_at" */
    /* canary (efs): a file whose first line is its write time (ISO 8601 UTC
     * or epoch seconds), else its modification time; or the chain drh canary
     * writes */
    char *canary_file; /* relative to the restored tree; default ".drh-canary" */
    /* canary (all): whose chain drh canary wrote, the drill's and the
     * resource's names (filled in by the loader: each hash covers them);
     * NULL: the probe checks links and seqs, not hashes */
    char *chain_drill;
    char *chain_resource;
    /* files (efs); manifest uses manifest above */
    char **paths; /* relative to the restored tree; each must exist */
    size_t n_paths;
    long long min_files; /* at least this many regular files; default 1 */
    long max_age;        /* the newest file is at most this old at T0 (seconds); 0: unchecked */
    /* http, tcp (ec2) */
    int port;         /* http: default 80; tcp: required */
    char *http_path;  /* http: default "/" */
    int http_status;  /* http: default 200 */
    char *body_regex; /* http: POSIX ERE the body must match; NULL: any body */
    /* http (check): the URL, a template over earlier resources' outputs
     * ({db.endpoint}); NULL on ec2, where port and http_path apply */
    char *url;
    /* command (check): a /bin/sh -c template over earlier resources' outputs,
     * placeholders replaced by shell-quoted values; each output is also in
     * the environment as DRH_<RESOURCE>_<KEY> (upper case, '-' -> '_'), and
     * a database's password only there (DRH_<RESOURCE>_PASSWORD) */
    char *command;
    char *output_regex; /* command: POSIX ERE its standard output must match; NULL: any */
};

/* How probes log in to the restored database. The password comes from an
 * environment variable or a file the drill names, never from the drill file.
 * With neither, drh sets a fresh random master password on the restored copy
 * (ModifyDBInstance / ModifyDBCluster) and logs in as the master user. */
enum drill_tls { DRILL_TLS_PREFER, DRILL_TLS_REQUIRE, DRILL_TLS_VERIFY_FULL, DRILL_TLS_DISABLE };
struct drill_db_login {
    char *database;      /* database to probe; NULL: the engine's default */
    char *user;          /* NULL: the restored copy's master user */
    char *password_env;  /* NULL: not from the environment */
    char *password_file; /* NULL: not from a file */
    enum drill_tls tls;  /* default prefer */
    char *ca_bundle;     /* for verify-full; NULL: the system's */
};

/* EFS: where the restore goes and how drh reads it. drh reads the restored
 * tree under mount_point after running the mount command (and runs the
 * unmount command after the probes). Command templates run with /bin/sh -c;
 * their placeholders {file_system_id}, {mount_point}, {region},
 * {mount_target_ip} are replaced by shell-quoted values. */
struct drill_efs {
    bool existing;      /* restore.into "existing": into file_system, where AWS
                         * places the files in aws-backup-restore_<timestamp>/;
                         * default "new": a new file system */
    char *file_system;  /* existing: "fs-..." of the target; else NULL */
    char *mount_point;  /* restore.mount.point: an absolute folder */
    char *mount_cmd;    /* restore.mount.mount */
    char *unmount_cmd;  /* restore.mount.unmount */
    long mount_timeout; /* restore.mount.timeout seconds; default 120 */
};

/* S3 cross-account replication: the source bucket is the resource's source,
 * its replica a bucket of the target account. */
struct drill_s3 {
    char *replica_bucket;   /* replica.bucket (required) */
    char *replication_role; /* replica.role_arn: the role the rule must use; NULL: any */
    bool lifecycle_source;  /* posture.lifecycle includes "source": rules must exist there */
    bool lifecycle_replica; /* ... includes "replica" */
    bool canary;            /* live.canary: write a canary object and time its arrival
                             * (default true) */
    long max_lag;           /* live.max_lag: the canary must arrive within; default 15m */
    char *prefix;           /* compare.prefix: the keys compared; "" (default): all */
    bool compare;           /* compare.enabled (default true) */
    bool restore;           /* a restore section is present */
    char *restore_prefix;   /* restore.prefix: the keys restored; "" (default): all */
    double restore_at;      /* restore.at as an ISO 8601 time (epoch seconds); 0: none */
    long restore_ago;       /* restore.at as a duration before T0 ("2h"); 0 with
                             * restore_at 0: T0 itself */
};

/* EC2: the AMI path and the instance drh launches from it. */
struct drill_ec2 {
    char *tag_key;       /* path "tag": image.tag.key */
    char *tag_value;     /* path "tag": image.tag.value */
    char *instance_type; /* restore.instance_type; default "t3.micro" */
    char *tunnel;        /* reach.tunnel: a command template ({instance_id},
                          * {private_ip}, {port}) that prints "HOST:PORT" on its
                          * first line and keeps a tunnel open until killed;
                          * NULL: probes reach the private IP directly */
};

/* rds / aurora path pitr: the moment restored to. */
struct drill_pitr {
    double at;   /* pitr.at as an ISO 8601 time (epoch seconds); 0: not given */
    long ago;    /* pitr.at as a duration before T0 ("15m"); 0: not given */
    bool latest; /* pitr.latest, or neither given: the latest restorable time */
};

/* canary: where `drh canary` writes this resource's canaries in production
 * (harness/canary/canary.h); the resource's canary probe reads them back.
 * Every field is optional except mount for efs. */
struct drill_canary {
    bool present;
    /* rds / aurora: production's "host:port" (NULL: the source's endpoint from
     * DescribeDBClusters / DescribeDBInstances); user, password and database
     * from the resource's login unless given here */
    char *endpoint;
    char *user;
    char *password_env;
    char *password_file;
    char *database;
    char *mount;  /* efs: where production's file system is mounted on the writer's host */
    char *prefix; /* s3: key prefix of the canary objects; default "drh-canary/chain/"
                   * (an s3 resource with this section gets a "canary" case reading
                   * them back from its restored bucket, else from its replica) */
    long keep;    /* canaries kept (older ones pruned); default 1000 */
};

struct drill_resource {
    /* [A-Za-z0-9-]{1,30}, unique in the drill, for reports and identifiers;
     * default: the last field of source, cut to 30 characters */
    char *name;
    enum drill_resource_type type;
    enum drill_engine engine; /* rds, aurora only */
    /* The production resource: an RDS ARN or DB identifier; "fs-..." or an
     * EFS ARN; a bucket name or arn:aws:s3:::NAME; "i-..." or an EC2
     * instance ARN */
    char *source;
    enum drill_path path;     /* default backup */
    enum drill_select select; /* default latest */
    int within_days;          /* random: the window; default 7 */
    bool copy;                /* copy into the target (default: true unless
                               * select is dr-vault) */
    char *instance_class;     /* restore override; NULL: "db.t3.medium" */
    struct drill_pitr pitr;   /* path pitr */
    /* after: names of earlier resources this one starts after (each must have
     * ended its probes; a failed one skips this one). Their outputs may be used
     * in this resource's templates as {NAME.KEY}. */
    char **after;
    size_t n_after;
    struct drill_db_login login; /* rds, aurora */
    struct drill_efs efs;
    struct drill_s3 s3;
    struct drill_ec2 ec2;
    struct drill_probe *probes;
    size_t n_probes;
    struct drill_canary canary;
};

enum drill_teardown { DRILL_TEARDOWN_ALWAYS, DRILL_TEARDOWN_ON_SUCCESS, DRILL_TEARDOWN_NEVER };

/* Posture: the backup plan and the copies the drill depends on, checked with
 * read-only calls (drh posture, and a step of drh run when the section is
 * present). */
struct drill_posture_rule {
    char *name;          /* matched case-insensitively as a part of the plan's RuleName */
    long retention_days; /* the rule's Lifecycle.DeleteAfterDays must be at least this */
};
struct drill_posture_copy {
    char *account; /* destination vault's account */
    char *region;  /* destination vault's region */
    char *vault;   /* destination vault name; NULL: any vault there */
};
struct drill_posture {
    bool present; /* the drill has a posture section (drh run runs it) */
    char *plan;   /* backup plan name; NULL: the plans whose selections name a resource */
    /* default: daily 7, weekly 28 and monthly 2555 days (84 months), as seed 004 */
    struct drill_posture_rule *rules;
    size_t n_rules;
    /* default: the target's vault when it differs from the source in account or region */
    struct drill_posture_copy *copies;
    size_t n_copies;
    char **resources; /* more protected resource ARNs whose newest backup is checked */
    size_t n_resources;
    bool check_copies; /* also the newest copy in the target's vault (default true when
                        * the target has a vault) */
};

/* schedule: when `drh due` / `drh run --due` run the drill
 * (harness/sched/schedule.h). */
struct drill_schedule {
    bool present;
    char *expression;  /* "cron(0 2 ? * SUN *)", "rate(7 days)" or a 5-field cron line */
    char *timezone;    /* IANA zone the expression is read in; default "UTC" */
    long start_window; /* seconds after a scheduled time in which the drill may still
                        * start; default 8h (never longer than until the next one) */
    double start;      /* schedule.start (epoch seconds): no scheduled time before it;
                        * rate: its times are start + k * period; 0: none */
};

/* notify: who hears about a run's result (harness/notify/notify.h). A failing
 * notifier is reported and never changes the verdict. */
enum drill_notify_on { DRILL_NOTIFY_FAILURE, DRILL_NOTIFY_ALWAYS };
struct drill_notify {
    bool present;
    enum drill_notify_on on; /* default failure (a drill that did not pass) */
    char *sns_topic_arn;     /* arn:aws:sns:REGION:ACCOUNT:NAME; NULL: none */
    char *webhook_url;       /* a Slack-compatible incoming webhook; NULL: none */
    char *webhook_url_env;   /* the variable holding the URL (it is a secret:
                              * Slack's carry a token); NULL: none */
    long timeout;            /* seconds per notifier; default 10 */
};

/* timeouts: how long drh waits. Each wait of a step ends by the step's
 * timeout (counted from the step's start) and by the drill's (counted from
 * the run's start); teardown has its own, counted from its start, so it
 * still runs after the drill's has passed. Seconds. */
struct drill_timeouts {
    long drill;     /* default: objectives.rto (waiting past it cannot pass) */
    long copy;      /* a copy job, an AMI copy; default 6h */
    long restore;   /* a restore job, a launch; default 6h */
    long available; /* the restored thing coming up: available, mounted, a login; default 2h */
    long teardown;  /* the whole teardown of a resource or of the stack; default 1h */
};
#define DRILL_DEFAULT_STEP_TIMEOUT (6L * 3600)
#define DRILL_DEFAULT_AVAILABLE_TIMEOUT (2L * 3600)
#define DRILL_DEFAULT_TEARDOWN_TIMEOUT (1L * 3600)

/* drill.controls[i]: a control of a framework that this drill evidences,
 * carried into the evidence for auditors. */
struct drill_control {
    char *framework; /* "ISO 27001:2022", "SOC 2" */
    char *control;   /* "A.8.13", "A1.2" */
    char *title;     /* NULL when absent */
};

struct drill {
    char *path; /* the file it came from */
    char *text; /* its bytes as parsed (NUL-terminated), for the evidence bundle */
    size_t text_len;
    char sha256[65];   /* lowercase hex SHA-256 of text */
    char *dir;         /* its directory, for relative paths */
    char *name;        /* [A-Za-z0-9-]{1,40}: goes into identifiers */
    char *description; /* "" when absent */
    char *owner;       /* "" when absent */
    long rto;          /* seconds */
    long rpo;          /* seconds */
    struct drill_side source;
    struct drill_side target;
    struct drill_isolation isolation;
    struct drill_resource *resources; /* at least one */
    size_t n_resources;
    enum drill_teardown teardown;
    struct drill_posture posture;
    struct drill_schedule schedule;
    struct drill_notify notify;
    struct drill_timeouts timeouts;
    struct drill_control *controls; /* drill.controls */
    size_t n_controls;
    /* reports: paths as written (relative to the drill's folder: drill_resolve) */
    char *junit;            /* reports.junit; NULL: none unless --junit */
    char *evidence;         /* reports.evidence dir; NULL: none unless --evidence */
    char *html;             /* reports.html dir; NULL: none unless --html */
    char *metrics;          /* reports.metrics file (*.prom); NULL: none unless --metrics */
    char *summary;          /* reports.summary file (Markdown); NULL: none unless --summary */
    char *signing_key_file; /* reports.signing_key_file; NULL: --signing-key or $DRH_SIGNING_KEY */
};

/* Reads and validates one drill file (at most 1 MiB). Every error has code
 * DRH_E_INPUT: "cannot read drill file 'X': <cause>", or
 * "FILE:LINE:COL: <message>" for a syntax error or a bad key or value (the
 * first in the file), each with a hint. *out is written only on success. */
enum drh_status drill_load(const char *path, struct drill **out, struct drh_err *err);
/* NULL is a no-op. */
void drill_free(struct drill *d);
/* Frees a side's strings and zeroes it (the ledger keeps sides of its own). */
void drill_side_clean_up(struct drill_side *s);

/* A path relative to the drill file's folder (a probe's manifest) as the
 * process can open it: absolute ones as they are, relative ones joined to
 * d->dir. NULL for NULL; caller frees. */
char *drill_resolve(const struct drill *d, const char *path);
/* A database password as a drill names it: the variable env, else the
 * first line of file (relative to the drill's folder), into out (size
 * bytes). key ("login", "canary") and resource name them in messages, which
 * never hold the password. DRH_E_CONFIG when the variable is unset or
 * empty, the file cannot be read, or neither is given. */
enum drh_status drill_password(const struct drill *d, const char *resource, const char *key,
                               const char *env, const char *file, char *out, size_t size,
                               struct drh_err *err);

/* "90s", "30m", "12h", "7d", "1h30m" -> seconds: a positive sum of <n>d,
 * <n>h, <n>m, <n>s, largest unit first, each once, at most 3650d. false on
 * anything else (*seconds untouched). */
bool drill_parse_duration(const char *text, long *seconds);
/* The inverse, for messages: 45000 -> "12h30m". Writes at most size bytes. */
void drill_format_duration(long seconds, char *out, size_t size);

const char *drill_engine_name(enum drill_engine e); /* "aurora-postgresql", ... */
/* The outputs a resource of type t gives the resources that run after it
 * ({NAME.KEY} in their templates), NULL-terminated: rds and aurora
 * endpoint, port, identifier, arn, database, user; efs file_system_id,
 * mount_target_ip, restore_dir; s3 replica_bucket, restore_bucket; ec2
 * instance_id, private_ip, image_id; check none. */
const char *const *drill_outputs(enum drill_resource_type t);
/* Whether a resource restores into the target's network (a database, an
 * instance, a new file system), and whether any of the drill's does: then
 * target.isolation is required. */
bool drill_resource_needs_network(const struct drill_resource *r);
bool drill_needs_network(const struct drill *d);
bool drill_engine_is_postgres(enum drill_engine e);
const char *probe_kind_name(enum probe_kind k); /* "sql", "tables", ... */
const char *drill_teardown_name(enum drill_teardown t);
/* The drill file's spelling of the other enums: "rds", "snapshot",
 * "dr-vault", "verify-full", ">=". */
const char *drill_resource_type_name(enum drill_resource_type t);
const char *drill_path_name(enum drill_path p);
const char *drill_select_name(enum drill_select s);
const char *drill_tls_name(enum drill_tls t);
const char *probe_op_name(enum probe_op op);

#endif
