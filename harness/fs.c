/* File system helpers (fs.h). */
#include "fs.h"
#include "mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum drh_status fs_mkdirs(const char *path, mode_t mode, const char *what, struct drh_err *err)
{
    enum drh_status st = DRH_OK;
    char *p = xstrdup(path);
    for (char *s = p + 1;; s++) {
        char c = *s;
        if (c != '/' && c != '\0')
            continue;
        *s = '\0';
        if (mkdir(p, mode) != 0 && errno != EEXIST) {
            if (strcmp(p, path) == 0)
                st = drh_err_set(err, DRH_E_IO, "cannot create %s '%s': %s", what, path,
                                 strerror(errno));
            else
                st = drh_err_set(err, DRH_E_IO, "cannot create %s '%s': '%s': %s", what, path, p,
                                 strerror(errno));
            break;
        }
        *s = c;
        if (c == '\0')
            break;
    }
    free(p);
    return st;
}
