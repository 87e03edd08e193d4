/*
 * The AWS client suites' way to the emulator that dbfixture runs: its
 * endpoint, its admin API, and drh clients of its fixture profiles through
 * the real credential chain (on the real clock: the emulator checks request
 * times).
 */
#ifndef DRH_TEST_EMUCLIENT_H
#define DRH_TEST_EMUCLIENT_H
#include "aws/client.h"
#include "json.h"
#include "testenv.h"

struct emu_client {
    struct testenv *t;
    struct aws_creds_provider *cp;
    struct aws_client *c;
};

/* The endpoint of the emulator dbfixture_start() started; "" before. */
const char *emu_endpoint(void);
/* METHOD /_emulator<path> with a JSON body (NULL: none): 0 on HTTP 200,
 * with the answer's JSON in *reply when reply is not NULL (caller frees);
 * else -1, the cause printed on stderr. */
int emu_admin(const char *method, const char *path, const char *body, struct json **reply);
/* A client of a fixture profile ("production", "dr") in region, retrying
 * up to 5 attempts without sleeping. 0 on success, else -1 (printed). */
int emu_client_open(struct emu_client *e, const char *profile, const char *region);
void emu_client_close(struct emu_client *e);

#endif
