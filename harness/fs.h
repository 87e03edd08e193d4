/*
 * File system helpers shared by the modules that write drh's own files
 * (the ledger, reports).
 */
#ifndef DRH_FS_H
#define DRH_FS_H
#include "err.h"
#include <sys/types.h>

/* mkdir -p with mode for every folder it creates. On failure err says
 * "cannot create WHAT 'PATH': ['COMPONENT': ]reason" (DRH_E_IO); the caller
 * adds its hint. */
enum drh_status fs_mkdirs(const char *path, mode_t mode, const char *what, struct drh_err *err);

#endif
