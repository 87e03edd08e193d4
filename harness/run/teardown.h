/*
 * Inside teardown (teardown.c walks the ledger; each kind deletes its own
 * ledger kinds: rds_teardown.c, efs_teardown.c, s3_teardown.c,
 * ec2_teardown.c, and the isolated stack's isolation_teardown.c). A
 * deleter deletes one entry only when it is this run's (td_owned), waits
 * until AWS confirms it gone (td_wait_gone), and then marks it gone
 * (td_gone). Internal to the runner.
 */
#ifndef DRH_RUN_TEARDOWN_H
#define DRH_RUN_TEARDOWN_H
#include "aws/client.h"
#include "buf.h"
#include "run/ledger.h"
#include "run/side.h"

struct td {
    struct ledger *l;
    struct side *src, *tgt;
    struct buf notes;
    int deleted, refused, failed;
    double deadline;    /* progress_elapsed() by which every wait of the teardown
                         * ends: its start + the run's timeouts.teardown */
    char limit[64];     /* "timeouts.teardown (1h)", for hints */
};

/* Deletes one ledger entry with c, the client of the entry's side and
 * region. DRH_OK when it is gone (or was never made), or when it was
 * refused (td_owned noted it). */
typedef enum drh_status (*td_delete_fn)(struct td *t, const struct ledger_entry *e,
                                        struct aws_client *c, struct drh_err *err);
enum drh_status rds_teardown_entry(struct td *t, const struct ledger_entry *e,
                                   struct aws_client *c, struct drh_err *err);
enum drh_status efs_teardown_entry(struct td *t, const struct ledger_entry *e,
                                   struct aws_client *c, struct drh_err *err);
enum drh_status s3_teardown_entry(struct td *t, const struct ledger_entry *e,
                                  struct aws_client *c, struct drh_err *err);
enum drh_status ec2_teardown_entry(struct td *t, const struct ledger_entry *e,
                                   struct aws_client *c, struct drh_err *err);
enum drh_status isolation_teardown_entry(struct td *t, const struct ledger_entry *e,
                                         struct aws_client *c, struct drh_err *err);
/* How long isolation_teardown_entry retries a delete AWS refuses because
 * something still uses the thing (seconds; 600). Tests shorten it. */
extern double td_busy_wait;

/* Adds "; "-separated text to the summary. */
void td_note(struct td *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether the thing may be deleted: its drh:run-id tag (tag, NULL: none)
 * names this run, or, untagged, this run's own job made it (job_arn equals
 * arn). Notes and counts a refusal. */
bool td_owned(struct td *t, const char *arn, const char *tag, const char *job_arn);
/* The ARN an AWS Backup job of this run made (e->job "side:region:job-id";
 * restore: CreatedResourceArn, copy: DestinationRecoveryPointArn), waiting
 * for the job to end. NULL if none. */
char *td_job_result(struct td *t, const struct ledger_entry *e, struct drh_err *err);
/* One look at a thing being deleted: DRH_E_NOTFOUND once it is gone;
 * DRH_OK with a short status ("deleting") while it is not. A thing whose
 * state says it is gone (an instance "terminated") returns DRH_E_NOTFOUND. */
typedef enum drh_status (*td_look_fn)(void *ctx, struct buf *status, struct drh_err *err);
/* Polls look until the thing is gone (30 minutes at most), with heartbeats. */
enum drh_status td_wait_gone(struct td *t, const struct ledger_entry *e, td_look_fn look,
                             void *ctx, struct drh_err *err);
/* Counts the entry deleted and writes its "gone" line. */
enum drh_status td_gone(struct td *t, const struct ledger_entry *e, struct drh_err *err);
/* A progress line "deleting <kind> <id>". */
void td_progress(struct td *t, const struct ledger_entry *e, const char *what);

#endif
