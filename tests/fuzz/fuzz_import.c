/* libFuzzer target: arbitrary bytes as a file given to `gonha import`, on a
 * small demo ward, as a dry run (so every input meets the same database).
 * Whatever the bytes, the import must return a status and a report, never
 * crash, leak or leave a transaction open. Run by `make fuzz`. */
#include "gonha/census.h"
#include "gonha/db.h"
#include "gonha/demo.h"
#include "gonha/exchange.h"
#include "gonha/i18n.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static sqlite3 *db;
static gn_census census;
static gn_ctx ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db) {
		gn_err err = { 0 };
		gn_form_problems problems = { 0 };
		gn_i18n_init("en");
		setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
		gn_demo_options opt;
		gn_demo_defaults(&opt);
		opt.tdps = 2;
		opt.households = 5;
		long hh = 0, persons = 0;
		if (gn_db_open_memory(&db, &err) != GN_OK || gn_demo_build(db, &opt, &hh, &persons, &err) != GN_OK ||
		    gn_census_load(db, NULL, &census, &problems, &err) != GN_OK)
			abort();
		gn_form_problems_free(&problems);
		ctx.db = db;
		ctx.coverage = &census.coverage;
		strcpy(ctx.user.login, "admin");
		ctx.user.role = GN_ROLE_WARD_OFFICER;
	}
	gn_import_options opt = { .dry_run = true };
	gn_import_report rep;
	gn_err err = { 0 };
	gn_import_buffer(&ctx, &census, (const char *)data, size, &opt, &rep, &err);
	gn_import_report_free(&rep);
	if (!sqlite3_get_autocommit(db))
		abort(); /* a transaction was left open */
	return 0;
}
