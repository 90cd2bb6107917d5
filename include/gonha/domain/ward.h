/* The ward and its TDPs (tổ dân phố). */
#ifndef GONHA_WARD_H
#define GONHA_WARD_H

#include <stddef.h>

#include "gonha/domain/session.h"

typedef struct gn_tdp {
	char id[37];
	char code[16];    /* "01", "02", ... as the ward numbers them */
	char name[128];   /* "Tổ dân phố 1" */
	int sort_order;
} gn_tdp;

/* Sets up an empty ward in a freshly created database: the ward's name, n
 * TDPs coded 01..n, and the ward officer `admin_login`. One transaction.
 * Also stores meta ward_id, a new UUID naming this ward (a restore refuses
 * another ward's file, see backup.h). The ward's CCCDs are encrypted from
 * the start (wardkey.h): recovery_code (GN_RECOVERY_CODE_SIZE bytes, may be
 * NULL) gets the code to show the officer once. */
gn_status gn_ward_init(sqlite3 *db, const char *ward_name, int n_tdps,
                       const char *admin_login, const char *admin_password, char *recovery_code,
                       gn_err *err);

/* Adds one TDP (ward officer only); audited with its code and name. */
gn_status gn_tdp_create(gn_ctx *ctx, const char *code, const char *name, gn_tdp *out, gn_err *err);

/* Renames a TDP (ward officer only); audited {"name": [old, new]}. */
gn_status gn_tdp_rename(gn_ctx *ctx, const char *code_or_id, const char *name, gn_err *err);

/* The TDPs the signed-in user may see, in the ward's order. *out is a
 * malloc'd array (caller frees), *n its length. */
gn_status gn_tdp_list(gn_ctx *ctx, gn_tdp **out, size_t *n, gn_err *err);

/* One TDP by code or id, if the user may see it. */
gn_status gn_tdp_find(gn_ctx *ctx, const char *code_or_id, gn_tdp *out, gn_err *err);

/* The ward's name (malloc'd) or NULL. */
char *gn_ward_name(sqlite3 *db);

#endif
