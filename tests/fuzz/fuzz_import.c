/* libFuzzer target: arbitrary bytes as a file given to `gonha import`, on a
 * small demo ward, as a dry run (so every input meets the same database).
 * Whatever the bytes, the import must return a status and a report, never
 * crash, leak or leave a transaction open. Run by `make fuzz`. */
#include "gonha/forms/census.h"
#include "gonha/storage/db.h"
#include "gonha/domain/demo.h"
#include "gonha/interchange/exchange.h"
#include "gonha/core/i18n.h"

#include "fuzz_ward.h"

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
		db = fuzz_demo_ward();
		if (gn_census_load(db, NULL, &census, &problems, &err) != GN_OK)
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
