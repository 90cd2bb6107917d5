/* The census as gonha runs it: the questionnaire in forms/census and its
 * indicators, loaded on a database and with the coverage counters brought
 * up to date. The UI and the commands start from here. */
#ifndef GONHA_CENSUS_H
#define GONHA_CENSUS_H

#include "gonha/domain/coverage.h"
#include "gonha/forms/form.h"

typedef struct gn_census {
	gn_form *form;        /* owned */
	gn_cov_set coverage;  /* owned */
} gn_census;

/* Loads forms/<name> (name NULL = "census"; a name with a '/' is a
 * folder) from gn_forms_dir() on db and
 * syncs the coverage counters. A broken form is refused: its problems are
 * in *problems, to be shown as `form check` shows them. */
gn_status gn_census_load(sqlite3 *db, const char *name, gn_census *out, gn_form_problems *problems, gn_err *err);
void gn_census_free(gn_census *c);

#endif
