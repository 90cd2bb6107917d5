/* Where the files gonha writes for people go: the screens' exports, the
 * audit log's CSV, the lists to carry (the commands write where --out
 * says). One rule, so that the user finds every file in one place. */
#ifndef GONHA_OUTDIR_H
#define GONHA_OUTDIR_H

#include <stddef.h>

#include "gonha/core/status.h"

/* The folder: $GONHA_EXPORT_DIR when it is set (a USB stick, a shared
 * folder), else the folder of the database db_path (NULL or "" for none:
 * the current directory), as an absolute path when it exists: the screen
 * shows the whole path, the user has to find the file. */
void gn_output_dir(const char *db_path, char *out, size_t size);

/* A path in the folder dir (from gn_output_dir) that names no file yet:
 * "<dir>/<stem>.<ext>", else "<dir>/<stem>-2.<ext>", "-3" ... (a file is
 * never replaced). GN_ERR_IO when the name does not fit, GN_ERR_CONFLICT
 * after 999 tries. */
gn_status gn_output_path(const char *dir, const char *stem, const char *ext, char *out, size_t size,
                         gn_err *err);

#endif
