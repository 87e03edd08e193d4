/*
 * drh due and drh history (cli_due.c), and what drh run shares with them:
 * loading drill files (folders give their *.json), the history store of
 * --store / $DRH_STORE / the state folder, and picking the drills a run
 * starts: with --due only those due now, and always only those this runner
 * could claim (another runner holding one skips it). Claims are kept until
 * cli_due_pick_clean_up(), after the run.
 */
#ifndef DRH_CLI_DUE_H
#define DRH_CLI_DUE_H
#include "cli_util.h"
#include "drill/drill.h"
#include "history/history.h"
#include "sched/due.h"

#include <stdbool.h>
#include <time.h>

extern const struct cli_command cli_due_commands[];
extern const int cli_due_command_count;

/* Loads args (dirs: also folders, read for *.json sorted by name); reports
 * each bad file, and two drills of one name. Returns 0 or an exit code;
 * *out always allocated (cli_drills_free). */
int cli_load_drills(char *const *args, size_t n_args, bool dirs, struct drill ***out, size_t *n);
void cli_drills_free(struct drill **v, size_t n);
/* Opens url (NULL: $DRH_STORE, else the local store of state_dir or the
 * default state folder). 0 or the exit code of the printed error. */
int cli_history_open(const char *url, const char *state_dir, struct history_store **out);
/* text NULL: now; else an ISO 8601 UTC time. false when it is not one. */
bool cli_parse_now(const char *text, time_t *now);
/* Whether d is due at now, from its schedule and its newest run in h. A
 * drill without a schedule is never due. */
enum drh_status cli_due_judge(struct history_store *h, const struct drill *d, time_t now,
                              struct due_result *out, struct drh_err *err);

struct due_pick_options {
    struct history_store *history;
    bool due_only;      /* run --due: only drills due at now */
    time_t now;
    const char *run_id; /* names the claim's holder */
};
struct due_pick {
    struct drill **drills; /* claimed, in the order given */
    time_t *scheduled_for; /* per drill: the scheduled time it runs for; 0: manual */
    struct history_claim **claims;
    size_t n;
    size_t n_skipped; /* held by another runner */
};
/* Takes every drill of v (v's slots are NULLed; those not picked are
 * freed). Returns 0 or the exit code of an error (the picks so far stay in
 * out, to be cleaned up). */
int cli_due_pick(struct drill **v, size_t n, const struct due_pick_options *o, struct due_pick *out);
void cli_due_pick_clean_up(struct due_pick *p);

#endif
