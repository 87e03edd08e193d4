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
};

/* Where restored databases run. create: drh builds (and removes) a VPC,
 * subnets, a DB subnet group and a security group (issue 6); until then
 * drill_load() accepts it and the runner refuses it with a clear error. */
struct drill_isolation {
    bool create;
    char *db_subnet_group;  /* NULL when create */
    char **security_groups; /* n_security_groups entries */
    size_t n_security_groups;
};

enum drill_resource_type { DRILL_RDS, DRILL_AURORA };
enum drill_engine { DRILL_POSTGRES, DRILL_MYSQL, DRILL_AURORA_POSTGRESQL, DRILL_AURORA_MYSQL };
/* Which backup a drill restores: by AWS Backup recovery point, or by a
 * manual snapshot shared with the target account. */
enum drill_path { DRILL_PATH_BACKUP, DRILL_PATH_SNAPSHOT };
enum drill_select {
    DRILL_SELECT_LATEST,  /* newest COMPLETED recovery point / shared snapshot */
    DRILL_SELECT_RANDOM,  /* uniformly among those within within_days */
    DRILL_SELECT_DR_VAULT /* newest copy already in the target's DR vault: no copy */
};

enum probe_kind {
    PROBE_SQL,      /* query + expect */
    PROBE_TABLES,   /* tables exist with >= min_rows rows */
    PROBE_SCHEMA,   /* fingerprint of tables, columns, indexes equals a saved one */
    PROBE_CHECKSUM, /* per-table content hash equals the manifest's */
    PROBE_CANARY,   /* newest canary row gives the data-level RPO */
    PROBE_INTEGRITY /* amcheck (PostgreSQL) / CHECK TABLE (MySQL) */
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
    /* schema, checksum: the file drh manifest wrote (relative to the drill
     * file's directory when not absolute) */
    char *manifest;
    /* canary */
    char *canary_table;  /* default "drh_canary" */
    char *canary_column; /* default "written_at" */
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

struct drill_resource {
    /* [A-Za-z0-9-]{1,30}, unique in the drill, for reports and identifiers;
     * default: the last field of source, cut to 30 characters */
    char *name;
    enum drill_resource_type type;
    enum drill_engine engine;
    char *source;             /* ARN or identifier of the production cluster/instance */
    enum drill_path path;     /* default backup */
    enum drill_select select; /* default latest */
    int within_days;          /* random: the window; default 7 */
    bool copy;                /* copy into the target (default: true unless
                               * select is dr-vault) */
    char *instance_class;     /* restore override; NULL: "db.t3.medium" */
    struct drill_db_login login;
    struct drill_probe *probes;
    size_t n_probes;
};

enum drill_teardown { DRILL_TEARDOWN_ALWAYS, DRILL_TEARDOWN_ON_SUCCESS, DRILL_TEARDOWN_NEVER };

struct drill {
    char *path;        /* the file it came from */
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
    char *junit;    /* reports.junit; NULL: none unless --junit */
    char *evidence; /* reports.evidence dir; NULL: none unless --evidence */
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

/* "90s", "30m", "12h", "7d", "1h30m" -> seconds: a positive sum of <n>d,
 * <n>h, <n>m, <n>s, largest unit first, each once, at most 3650d. false on
 * anything else (*seconds untouched). */
bool drill_parse_duration(const char *text, long *seconds);
/* The inverse, for messages: 45000 -> "12h30m". Writes at most size bytes. */
void drill_format_duration(long seconds, char *out, size_t size);

const char *drill_engine_name(enum drill_engine e); /* "aurora-postgresql", ... */
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
