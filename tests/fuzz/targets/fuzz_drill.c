/*
 * Fuzz target: the drill-file loader. drill_load() takes a path and has no
 * entry point from memory, so the bytes go to a temporary file made once
 * per process and unlinked at once (nothing is left behind, even by a
 * crash), and are loaded through /proc/self/fd: the whole path of
 * `drh validate drill.json` after the open, JSON with positions, every
 * section's parser and the rules between keys.
 *
 * Invariants: a refused drill has a one-line "FILE:LINE:COL: message" with
 * DRH_E_INPUT; a loaded one keeps the exact text it was read from.
 */
#include "fuzz_targets.h"

#include "drill/drill.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_NAME "drill"

static int s_fd = -1;
static char s_path[64]; /* "/proc/self/fd/N" */

static const char *s_file(void)
{
    if (s_fd >= 0)
        return s_path;
    const char *tmp = getenv("TMPDIR");
    char *name = xasprintf("%s/drh-fuzz-drill-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    s_fd = mkstemp(name);
    if (s_fd < 0) {
        perror("fuzz drill: mkstemp");
        abort();
    }
    unlink(name);
    free(name);
    snprintf(s_path, sizeof s_path, "/proc/self/fd/%d", s_fd);
    return s_path;
}

static void s_write(const uint8_t *data, size_t size)
{
    if (ftruncate(s_fd, 0) != 0 || (size && pwrite(s_fd, data, size, 0) != (ssize_t)size)) {
        perror("fuzz drill: writing the drill file");
        abort();
    }
}

int fuzz_drill(const uint8_t *data, size_t size)
{
    const char *path = s_file();
    s_write(data, size);
    struct drill *d = NULL;
    struct drh_err err = {0};
    enum drh_status st = drill_load(path, &d, &err);
    if (st == DRH_OK) {
        FUZZ_CHECK(S_NAME, d != NULL);
        FUZZ_CHECK(S_NAME, d->text_len == size && memcmp(d->text, data, size) == 0);
        drill_free(d);
    } else {
        FUZZ_CHECK(S_NAME, st == DRH_E_INPUT && err.code == DRH_E_INPUT);
        FUZZ_CHECK(S_NAME, err.msg[0] != '\0' && !strpbrk(err.msg, "\r\n"));
        FUZZ_CHECK(S_NAME, strncmp(err.msg, path, strlen(path)) == 0 ||
                               strstr(err.msg, "larger than 1 MiB"));
    }
    return 0;
}
