/* Files a person picks instead of typing a whole path: the files of the
 * usual folders (newest first), and the completion of a path being typed,
 * as a shell's Tab does. Only names ending in one of the extensions given
 * (and folders, for completion) are offered. */
#ifndef GONHA_PATHPICK_H
#define GONHA_PATHPICK_H

#include <stddef.h>

#include "gonha/core/status.h"

typedef struct gn_paths {
	char **items;   /* malloc'd, each malloc'd */
	size_t n;
} gn_paths;

void gn_paths_free(gn_paths *p);

/* The files directly in each of dirs (NULL-terminated; a missing folder is
 * skipped, a glob pattern such as "/mnt/c/Users/x/Downloads" too) whose
 * names end in one of exts (".csv", case-insensitive), newest first, each
 * once, at most max. Hidden files are left out. */
gn_status gn_paths_recent(const char *const *dirs, const char *const *exts, size_t max, gn_paths *out,
                          gn_err *err);

/* What `typed` may complete to: the entries of its folder (the part up to
 * its last '/', "~/" for $HOME, the current folder without one) whose
 * names begin with the rest, folders with a '/' after them, files only
 * with one of exts; sorted; hidden ones only when the rest begins with
 * '.'. Each is typed's folder as typed, then the entry's name. */
gn_status gn_paths_complete(const char *typed, const char *const *exts, gn_paths *out, gn_err *err);

/* The longest beginning all of p's items share (malloc'd; "" for none). */
char *gn_paths_common(const gn_paths *p);

#endif
