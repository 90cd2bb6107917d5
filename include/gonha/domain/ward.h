/* The ward and its TDPs (tổ dân phố). */
#ifndef GONHA_WARD_H
#define GONHA_WARD_H

#include <stddef.h>

#include "gonha/domain/session.h"

/* gonha's own form, what a TDP enters until the ward officer chooses
 * another (gonha form use; gonha/interchange/registry.h). */
#define GN_FORM_CENSUS "census"
/* In SQL: the form id the TDP tdp_id (an SQL expression) enters. */
#define GN_SQL_TDP_FORM(tdp_id) \
	"coalesce((SELECT tdp_f.form_id FROM tdp AS tdp_f WHERE tdp_f.id = " tdp_id "), '" GN_FORM_CENSUS "')"

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

/* What the quarterly report, as an administrative document (Nghị định
 * 30/2020/NĐ-CP), says of who issues it: kept in meta as report_<name>,
 * set with `gonha config --report-<name> TEXT` by a ward officer. */
typedef enum gn_doc_key {
	GN_DOC_PARENT,       /* the body above the issuer: "UBND PHƯỜNG VẠN XUÂN" */
	GN_DOC_ISSUER,       /* "PHÒNG VĂN HÓA - XÃ HỘI" */
	GN_DOC_NUMBER,       /* what follows "Số: ": "12/BC-VHXH" */
	GN_DOC_PLACE,        /* the place of "Vạn Xuân, ngày ..." */
	GN_DOC_SIGNER_TITLE, /* "TRƯỞNG PHÒNG" */
	GN_DOC_SIGNER,       /* the signer's name */
	GN_DOC_RECIPIENTS,   /* "Nơi nhận", separated by ';' */
	GN_DOC_KEYS
} gn_doc_key;

/* "parent", "issuer", ... (the option is --report-<name>). */
const char *gn_doc_key_name(gn_doc_key k);
/* The value kept, or the default made from the ward's name (malloc'd;
 * NULL only when out of memory). */
char *gn_doc_setting(sqlite3 *db, gn_doc_key k);
/* Sets one (ward officer; cleaned text of at most 300 bytes, "" to go back
 * to the default); audited {"report_<name>": [old, new]}. */
gn_status gn_doc_setting_set(gn_ctx *ctx, gn_doc_key k, const char *value, gn_err *err);

#endif
