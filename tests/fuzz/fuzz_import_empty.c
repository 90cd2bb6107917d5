/* libFuzzer target: arbitrary bytes imported for real into a ward that has
 * its households and nobody in it: the path that drops the person indexes
 * and triggers, appends the rows and builds everything again at the end.
 * Each input starts from a fresh copy of that ward. Whatever the bytes:
 * - a refused file changes nothing (no person, the schema as it was);
 * - an accepted one leaves a database `gonha check` finds no fault in, with
 *   every index and trigger back and foreign keys on;
 * - no transaction is left open. Run by `make fuzz`. */
#include "gonha/forms/census.h"
#include "gonha/domain/check.h"
#include "gonha/storage/db.h"
#include "gonha/domain/demo.h"
#include "gonha/interchange/exchange.h"
#include "gonha/core/i18n.h"

#include "fuzz_ward.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static sqlite3 *ward;       /* the empty ward every input starts from */
static char *ward_schema;   /* its schema, to compare with */

static char *text_of(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q = NULL;
	char *out = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		out = strdup(sqlite3_column_text(q, 0) ? (const char *)sqlite3_column_text(q, 0) : "");
	sqlite3_finalize(q);
	if (!out)
		abort();
	return out;
}

static const char schema_sql[] =
	"SELECT group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), char(10)) FROM "
	"(SELECT * FROM sqlite_schema ORDER BY type, name)";

static void count_fault(void *arg, const char *rule, const char *table, const char *record_id, const char *detail)
{
	(void)rule, (void)table, (void)record_id, (void)detail;
	++*(long *)arg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gn_err err = { 0 };
	if (!ward) {
		ward = fuzz_demo_ward();
		if (gn_db_exec(ward, "DELETE FROM person", &err) != GN_OK) /* the audit log stays: nothing may empty it */
			abort();
		ward_schema = text_of(ward, schema_sql);
	}
	sqlite3 *db = NULL;
	if (gn_db_open_memory(&db, &err) != GN_OK)
		abort();
	sqlite3_backup *copy = sqlite3_backup_init(db, "main", ward, "main");
	if (!copy || sqlite3_backup_step(copy, -1) != SQLITE_DONE || sqlite3_backup_finish(copy) != SQLITE_OK)
		abort();

	gn_census census;
	gn_form_problems problems = { 0 };
	if (gn_census_load(db, NULL, &census, &problems, &err) != GN_OK)
		abort();
	gn_form_problems_free(&problems);
	gn_ctx ctx = { .db = db, .coverage = &census.coverage };
	strcpy(ctx.user.login, "admin");
	ctx.user.role = GN_ROLE_WARD_OFFICER;

	gn_import_options opt = { .dry_run = false };
	gn_import_report rep;
	gn_status st = gn_import_buffer(&ctx, &census, (const char *)data, size, &opt, &rep, &err);
	gn_import_report_free(&rep);
	if (!sqlite3_get_autocommit(db))
		abort(); /* a transaction was left open */
	char *keys = text_of(db, "PRAGMA foreign_keys");
	if (strcmp(keys, "1") != 0)
		abort(); /* foreign keys left off */
	free(keys);
	char *schema = text_of(db, schema_sql);
	if (strcmp(schema, ward_schema) != 0)
		abort(); /* an index or trigger not made again */
	free(schema);
	if (st != GN_OK) {
		char *n = text_of(db, "SELECT count(*) FROM person");
		if (strcmp(n, "0") != 0)
			abort(); /* a refused file changed something */
		free(n);
	} else {
		long reported = 0, faults = 0;
		if (gn_check_run(db, &census.coverage, count_fault, &reported, &faults, &err) != GN_OK || faults || reported)
			abort(); /* an accepted file left the database wrong */
	}
	gn_census_free(&census);
	gn_db_close(db);
	return 0;
}
