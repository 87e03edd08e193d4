/*
 * The run ledger: what a run is about to create, has created and has
 * deleted, appended as JSON lines to <state>/runs/<run-id>/ledger.jsonl and
 * fsync'd before the caller moves on. An "intent" line is written before
 * each create call, so a crash (kill -9) at any point leaves enough for
 * `drh teardown --run ID` to find and delete what the run made. Teardown
 * deletes only what the ledger names, and only after checking the
 * resource's drh:run-id tag.
 *
 * Line shapes (one JSON object per line):
 *   {"op":"run", "run_id", "drill", "file", "started", "expires", "teardown_timeout",
 *    "source":{side}, "target":{side}}
 *   {"op":"intent"|"created"|"deleted"|"gone", "kind", "side", "region", "id",
 *    "arn"?, "vault"?, "job"?, "at"}
 *   {"op":"detail", "kind", "id", "detail", "at"}
 *   {"op":"ended", "how", "left", "kept"?, "at"}: the run (or a later drh teardown
 *    or sweep) ended;
 *    left = entries not gone. The ledger is closed when the last such line
 *    has left 0.
 * A side holds account, region, profile, role_arn, external_id (no secrets).
 */
#ifndef DRH_LEDGER_H
#define DRH_LEDGER_H
#include "drill/drill.h"
#include "err.h"
#include "json.h"
#include <stdbool.h>
#include <stddef.h>

/* The tags every thing a run creates carries (res_tags(), the isolated
 * stack): teardown deletes only what carries its run's id; drh sweep finds
 * runs' leftovers by them. */
#define LEDGER_TAG_RUN "drh:run-id"
#define LEDGER_TAG_DRILL "drh:drill"
#define LEDGER_TAG_EXPIRES "drh:expires"

/* What a run can create; teardown deletes in this order, newest first within a kind. */
enum ledger_kind {
    LEDGER_EC2_INSTANCE,     /* a launched instance (terminated, then confirmed terminated) */
    LEDGER_EC2_IMAGE,        /* an AMI copy (deregistered; its snapshots are LEDGER_EC2_SNAPSHOT) */
    LEDGER_EC2_SNAPSHOT,     /* an EBS snapshot of an AMI copy */
    LEDGER_EFS_MOUNT_TARGET, /* a mount target of a restored file system */
    LEDGER_EFS_FILE_SYSTEM,  /* a file system a restore job created */
    LEDGER_EFS_RESTORE_DIR,  /* id "fs-id/aws-backup-restore_...": a restore into an existing
                              * file system; detail holds how to mount it */
    LEDGER_S3_OBJECT,        /* id "bucket/key", detail the version id: a canary object */
    LEDGER_S3_BUCKET,        /* a restore bucket: every version deleted, then the bucket */
    LEDGER_RDS_INSTANCE,
    LEDGER_RDS_CLUSTER,
    LEDGER_RDS_SNAPSHOT,
    LEDGER_RDS_CLUSTER_SNAPSHOT,
    LEDGER_RECOVERY_POINT, /* a copy in a DR / staging vault (id = copy job id until known) */
    /* The isolated stack drh builds (resource ISOLATION_RESOURCE, run/isolation.h), torn
     * down after everything that ran in it. Until its create call answers, an EC2 entry's
     * id is its Name tag; then its "vpc-", "subnet-", "sg-" id. */
    LEDGER_RDS_SUBNET_GROUP, /* id: the group's name */
    LEDGER_EC2_SECURITY_GROUP,
    LEDGER_EC2_SUBNET,
    LEDGER_EC2_VPC,
    LEDGER_KIND_COUNT
};

struct ledger_entry {
    enum ledger_kind kind;
    char *side;    /* "source" or "target" */
    char *region;
    char *id;      /* identifier (RDS) or recovery point ARN */
    char *arn;     /* NULL until known */
    char *vault;   /* recovery points: the vault */
    char *job;     /* the copy / restore job that made it; NULL when none */
    char *resource; /* the drill resource it belongs to */
    char *detail;  /* what a kind needs to delete it (ledger_detail()); NULL when none */
    bool created;  /* a "created" line was seen (else only the intent) */
    bool gone;     /* deleted and confirmed gone */
};

struct ledger;

/* The state folder: $DRH_STATE_DIR, else $XDG_STATE_HOME/drh, else
 * $HOME/.local/state/drh. Caller frees. */
char *ledger_state_dir(void);

/* Creates <state>/runs/<run_id>/ and its ledger with the "run" line. */
enum drh_status ledger_create(const char *state_dir, const char *run_id, const struct drill *d,
                              struct ledger **out, struct drh_err *err);
/* Opens an existing run's ledger (for teardown) and reads its entries. */
enum drh_status ledger_open(const char *state_dir, const char *run_id, struct ledger **out,
                            struct drh_err *err);
void ledger_close(struct ledger *l);

const char *ledger_run_id(const struct ledger *l);
const char *ledger_drill_name(const struct ledger *l);
const char *ledger_dir(const struct ledger *l);
/* The drill's sides as recorded (strings owned by the ledger; vault and
 * kms fields are not recorded). */
const struct drill_side *ledger_side(const struct ledger *l, bool target);

/* Appends a line and fsyncs. intent: before the create call; created: after
 * (arn may then be known); deleted: the delete call was accepted; gone:
 * confirmed absent. Entries are matched by kind + id. */
enum drh_status ledger_intent(struct ledger *l, enum ledger_kind kind, const char *side,
                              const char *region, const char *id, const char *vault,
                              const char *job, const char *resource, struct drh_err *err);
enum drh_status ledger_created(struct ledger *l, enum ledger_kind kind, const char *id,
                               const char *arn, const char *job, struct drh_err *err);
/* Records what teardown needs beyond the id (a version id, how to mount a
 * file system): free text, no secrets. */
enum drh_status ledger_detail(struct ledger *l, enum ledger_kind kind, const char *id,
                              const char *detail, struct drh_err *err);
/* Renames an entry's id (a copied recovery point: job id -> its ARN). */
enum drh_status ledger_resolved(struct ledger *l, enum ledger_kind kind, const char *old_id,
                                const char *new_id, struct drh_err *err);
enum drh_status ledger_gone(struct ledger *l, enum ledger_kind kind, const char *id,
                            struct drh_err *err);

/* The entries in the order they were first written. */
size_t ledger_count(const struct ledger *l);
const struct ledger_entry *ledger_at(const struct ledger *l, size_t i);
/* Entries not yet gone. */
size_t ledger_pending(const struct ledger *l);

const char *ledger_kind_name(enum ledger_kind k);

/* Appends an "ended" line: how ("passed", "failed", "error", "interrupted",
 * "teardown", "sweep"), how many entries are not gone, and kept: the
 * drill's teardown policy kept them on purpose (teardown "never", or
 * "on-success" after a failure). */
enum drh_status ledger_end(struct ledger *l, const char *how, bool kept, struct drh_err *err);
/* The how of the last "ended" line; NULL while the run has not ended (it
 * runs, or it crashed). */
const char *ledger_ended(const struct ledger *l);
/* Whether the last "ended" line says the teardown policy kept what is left
 * (drh sweep then waits for the run to expire). */
bool ledger_kept(const struct ledger *l);
/* When the run expires (epoch seconds): started + timeouts.drill +
 * timeouts.teardown; after it, drh sweep deletes what is left. 0: unknown
 * (a ledger of an older drh). */
double ledger_expires(const struct ledger *l);
/* The drill's timeouts.teardown (seconds), as the run recorded it. */
long ledger_teardown_timeout(const struct ledger *l);

#endif
