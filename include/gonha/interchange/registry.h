/* The ward's forms (issue 17): questionnaires installed beside the
 * database (DB.forms/<form_id>/, never the read-only package folder), and
 * which one each TDP enters. gonha's own form, census, is always there
 * (forms/census in the package) and is what a TDP enters until the ward
 * officer chooses another (gonha form use). */
#ifndef GONHA_REGISTRY_H
#define GONHA_REGISTRY_H

#include <limits.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "gonha/core/status.h"
#include "gonha/domain/session.h"
#include "gonha/domain/ward.h" /* GN_FORM_CENSUS, GN_SQL_TDP_FORM */
#include "gonha/forms/form.h"


/* A form from a folder of CSV sheets, an .xlsx or an .xls, as `gonha form
 * check` reads it. *book says whether it was a workbook. */
gn_status gn_form_load_any(const char *path, sqlite3 *db, gn_form **out, bool *book, gn_form_problems *problems,
                           gn_err *err);

/* The ward's forms folder: db_path with ".forms" after it. */
gn_status gn_registry_dir(const char *db_path, char *out, size_t size, gn_err *err);

/* Installs the form at src (a folder, .xlsx or .xls) for the ward (ward
 * officer only, audited) after the same check as `form check`: a form
 * with problems (in *problems) or whose media files (select_one_from_file)
 * are not beside it (named in the message) is refused and nothing is
 * changed. Installing a form id again replaces it. id gets its id. */
gn_status gn_registry_add(gn_ctx *ctx, const char *db_path, const char *src, gn_form_problems *problems,
                          char id[64], char version[64], gn_err *err);

typedef struct gn_reg_form {
	char id[64], version[64], title[256];
	char tdps[512];       /* the codes of the TDPs that enter it, "01 02" ("" none) */
	bool loads;           /* false: it no longer loads (its problem in tdps' place is not kept) */
} gn_reg_form;

/* census first, then the installed forms by id. */
gn_status gn_registry_list(gn_ctx *ctx, const char *db_path, gn_reg_form **out, size_t *n, gn_err *err);

/* The TDP (by code), or every TDP when tdp_code is NULL, enters form_id
 * from now on (ward officer only; one audit entry per TDP changed). The
 * form must be census or installed. *changed: how many TDPs changed. */
gn_status gn_registry_use(gn_ctx *ctx, const char *db_path, const char *form_id, const char *tdp_code,
                          long *changed, gn_err *err);

/* The form id a TDP (by id) enters: census unless another was chosen. */
gn_status gn_registry_form_of_tdp(sqlite3 *db, const char *tdp_id, char id[64], gn_err *err);

/* Loads the ward's form form_id (census: the package's) on db. */
gn_status gn_registry_load(sqlite3 *db, const char *db_path, const char *form_id, gn_form **out,
                           gn_form_problems *problems, gn_err *err);

/* The loaded form of each TDP, for one run (the one place the screen and
 * every command learn which form a TDP's records are read with): each
 * form loaded once, on first use. base (borrowed) is the form loaded at
 * start, census's. No environment variable stands for the ward's choice:
 * tests install their forms (gonha form add, gonha form use) as a ward
 * does. */
typedef struct gn_tdp_form_slot {
	char id[64];
	gn_form *form; /* owned */
} gn_tdp_form_slot;
typedef struct gn_tdp_forms {
	sqlite3 *db;
	char db_path[PATH_MAX];
	gn_form *base;
	gn_tdp_form_slot *slots; /* owned */
	size_t n;
} gn_tdp_forms;

void gn_tdp_forms_init(gn_tdp_forms *c, sqlite3 *db, const char *db_path, gn_form *base);
/* The form the TDP (by id) enters; a form that does not load is an error
 * naming it. */
gn_status gn_tdp_forms_of(gn_tdp_forms *c, const char *tdp_id, gn_form **out, gn_err *err);
/* The form form_id (census: base), loaded once. */
gn_status gn_tdp_forms_by_id(gn_tdp_forms *c, const char *form_id, gn_form **out, gn_err *err);
/* The forms the ward's TDPs enter, each once (census first when used);
 * *ids owned, free() it. */
gn_status gn_tdp_forms_used(gn_tdp_forms *c, char (**ids)[64], size_t *n, gn_err *err);
/* true when form measures the plan's indicators (census). */
bool gn_tdp_forms_measures(const gn_tdp_forms *c, const gn_form *form);
void gn_tdp_forms_free(gn_tdp_forms *c);

#endif
