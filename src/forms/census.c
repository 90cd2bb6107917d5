#include "gonha/forms/census.h"
#include "gonha/core/i18n.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gn_status gn_census_load(sqlite3 *db, const char *name, gn_census *out, gn_form_problems *problems, gn_err *err)
{
	char base[PATH_MAX], dir[PATH_MAX + 64];
	memset(out, 0, sizeof *out);
	/* GONHA_FORM: the form every screen and command uses, a folder of CSV
	 * sheets (a path) or a form's name in the forms folder; until a ward
	 * chooses a form per TDP */
	const char *chosen = getenv("GONHA_FORM");
	bool every_tdp = !name && chosen && *chosen;
	if (every_tdp)
		name = chosen;
	if (name && strchr(name, '/'))
		snprintf(dir, sizeof dir, "%s", name);
	else
		snprintf(dir, sizeof dir, "%s/%s", gn_forms_dir(base, sizeof base), name ? name : "census");
	gn_status st = gn_form_load(dir, db, &out->form, problems, err);
	if (st == GN_OK)
		st = gn_form_migrate_answers(db, out->form, problems, err);
	if (st == GN_OK)
		st = gn_form_indicators(out->form, &out->coverage, problems, err);
	out->coverage.every_tdp = every_tdp; /* else census's indicators, for the TDPs entering it */
	if (st == GN_OK)
		st = gn_cov_sync(db, &out->coverage, err);
	if (st != GN_OK)
		gn_census_free(out);
	return st;
}

void gn_census_free(gn_census *c)
{
	gn_form_free(c->form);
	gn_cov_free(&c->coverage);
	memset(c, 0, sizeof *c);
}
