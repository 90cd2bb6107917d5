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
	/* census, the form a TDP enters until the ward chooses another
	 * (gn_tdp_forms): no environment stands for the ward's choice */
	if (name && strchr(name, '/'))
		snprintf(dir, sizeof dir, "%s", name);
	else
		snprintf(dir, sizeof dir, "%s/%s", gn_forms_dir(base, sizeof base), name ? name : "census");
	gn_status st = gn_form_load(dir, db, &out->form, problems, err);
	if (st == GN_OK)
		st = gn_form_migrate_answers(db, out->form, problems, err);
	if (st == GN_OK)
		st = gn_form_indicators(out->form, &out->coverage, problems, err);
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
