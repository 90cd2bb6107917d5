/* The form id and version of every record (issues 16, 17): a ward made
 * before they were kept opens, is migrated and exports the same, apart
 * from the two new columns at the end, empty (not known, never guessed);
 * a save from then on writes the form it was entered with on the
 * household and on each person it wrote, the export carries them, and an
 * import into another ward keeps them. */
#include "testlib.h"
#include "unit_fixtures.h"
#include "gonha/domain/demo.h"
#include "gonha/domain/household.h"
#include "gonha/domain/session.h"
#include "gonha/forms/census.h"
#include "gonha/interchange/exchange.h"
#include "gonha/storage/db.h"

#include <stdlib.h>

static char *path_in_tmp(const char *name)
{
	static char buf[512];
	snprintf(buf, sizeof buf, "%s/%s", gn_test_tmpdir(), name);
	return buf;
}

static char *export_of(gn_ctx *ctx, const gn_census *census, gn_ex_what what)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	gn_export_options opt = { .what = what, .plain = true, .with_ids = true };
	gn_err err = { 0 };
	long rows = 0;
	gn_status st = gn_export_stream(ctx, census, &opt, out, &rows, &err);
	fclose(out);
	if (st != GN_OK) {
		fprintf(stderr, "  export: %s\n", err.msg);
		free(buf);
		return NULL;
	}
	return buf;
}


/* Each line without its last two fields (the new columns; the demo's
 * cells hold no comma in those two). */
static char *without_last_two(const char *csv)
{
	size_t n = strlen(csv);
	char *out = malloc(n + 1), *w = out;
	for (const char *line = csv; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		size_t cut = len;
		for (int k = 0; k < 2 && cut > 0; k++)
			while (cut > 0 && line[--cut] != ',')
				;
		memcpy(w, line, cut);
		w += cut;
		*w++ = '\n';
		line += len + (end != NULL);
	}
	*w = '\0';
	return out;
}

static bool sign_in(const char *path, gn_ctx *ctx, gn_census *census)
{
	gn_err err = { 0 };
	gn_form_problems problems = { 0 };
	memset(ctx, 0, sizeof *ctx);
	bool ok = gn_db_open(path, 0, &ctx->db, &err) == GN_OK && gn_sign_in(ctx, "admin", GN_DEMO_PASSWORD, &err) == GN_OK &&
	          gn_census_load(ctx->db, NULL, census, &problems, &err) == GN_OK;
	gn_form_problems_free(&problems);
	if (!ok)
		fprintf(stderr, "  open %s: %s\n", path, err.msg);
	ctx->coverage = ok ? &census->coverage : NULL;
	return ok;
}

static void a_ward_from_before_exports_the_same(void)
{
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	const char *path = path_in_tmp("before.db");
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	gn_demo_options opt;
	gn_demo_defaults(&opt);
	opt.tdps = 2;
	opt.households = 20;
	REQUIRE(gn_db_open(path, GN_DB_CREATE, &db, &err) == GN_OK);
	REQUIRE(gn_demo_build(db, &opt, NULL, NULL, &err) == GN_OK);
	gn_db_close(db);

	gn_ctx ctx;
	gn_census census;
	REQUIRE(sign_in(path, &ctx, &census));
	char *persons_now = export_of(&ctx, &census, GN_EX_PERSONS);
	char *households_now = export_of(&ctx, &census, GN_EX_HOUSEHOLDS);
	REQUIRE(persons_now && households_now);
	/* the file as it was before the change: without the columns, at
	 * schema version 18 (migration 19 added them), and without what later
	 * migrations made (20: entry_time's uid and pc; 21: import_undo_person;
	 * 22: household_word and its triggers; 23: account_key's signin_tag),
	 * since they run again */
	char sql[1200];
	snprintf(sql, sizeof sql,
	         "DROP INDEX entry_time_uid; DROP INDEX entry_time_correction; ALTER TABLE entry_time DROP COLUMN uid;"
	         "ALTER TABLE entry_time DROP COLUMN pc;"
	         "ALTER TABLE tdp DROP COLUMN form_id; ALTER TABLE household DROP COLUMN form_id; ALTER TABLE person DROP COLUMN form_id;"
	         "ALTER TABLE person DROP COLUMN form_version; DROP TABLE import_undo_person;"
	         "DROP TRIGGER person_words_insert; DROP TRIGGER person_words_update; DROP TRIGGER person_words_delete;"
	         "DROP TABLE household_word; ALTER TABLE account_key DROP COLUMN signin_tag; PRAGMA user_version = %d;", 18);
	CHECK_OK(gn_db_exec(ctx.db, sql, &err));
	gn_census_free(&census);
	gn_db_close(ctx.db);

	REQUIRE(sign_in(path, &ctx, &census));
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT user_version FROM pragma_user_version"), gn_db_latest_version());
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM household WHERE form_id IS NOT NULL OR form_version IS NOT NULL"), 0);
	char *persons = export_of(&ctx, &census, GN_EX_PERSONS);
	char *households = export_of(&ctx, &census, GN_EX_HOUSEHOLDS);
	REQUIRE(persons && households);
	CHECK_STR(persons, persons_now);
	CHECK_STR(households, households_now);
	/* the new columns are the last two, and empty */
	CHECK(strstr(persons, ",form_id,form_version\n") != NULL);
	CHECK(strstr(households, ",form_id,form_version\n") != NULL);
	char *p_cut = without_last_two(persons), *h_cut = without_last_two(households);
	CHECK(strstr(p_cut, "form_id") == NULL && strstr(h_cut, "form_version") == NULL);
	CHECK(strstr(persons, ",,\n") != NULL);
	free(p_cut);
	free(h_cut);

	/* a save writes the form it was entered with */
	ctx.form_id = census.form->id;
	ctx.form_version = census.form->version;
	char id[37] = "";
	sqlite3_stmt *st = NULL;
	REQUIRE(sqlite3_prepare_v2(ctx.db, "SELECT id FROM household WHERE deleted = 0 AND "
	                           "(SELECT count(*) FROM person WHERE household_id = household.id) >= 2 LIMIT 1",
	                           -1, &st, NULL) == SQLITE_OK);
	REQUIRE(sqlite3_step(st) == SQLITE_ROW);
	snprintf(id, sizeof id, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	gn_household hh;
	REQUIRE(gn_household_load(&ctx, id, &hh, &err) == GN_OK);
	free(hh.members[0].full_name);
	hh.members[0].full_name = strdup("Đặng Thị Thu Hà");
	CHECK_OK(gn_household_save(&ctx, &hh, &err));
	gn_household_free(&hh);
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM household WHERE form_id = 'census' AND form_version = '1'"), 1);
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM person WHERE form_id = 'census' AND form_version = '1' "
	                        "AND full_name = 'Đặng Thị Thu Hà'"), 1);
	/* a member the save did not change keeps what it had (not known) */
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM person WHERE form_id IS NOT NULL"), 1);
	free(persons);
	persons = export_of(&ctx, &census, GN_EX_PERSONS);
	REQUIRE(persons);
	CHECK(strstr(persons, ",census,1\n") != NULL);

	/* an import into another ward keeps the record's own form */
	gn_ctx other;
	gn_census other_census;
	const char *other_path = path_in_tmp("other.db");
	REQUIRE(gn_db_open(other_path, GN_DB_CREATE, &db, &err) == GN_OK);
	REQUIRE(gn_demo_build(db, &opt, NULL, NULL, &err) == GN_OK);
	CHECK_OK(gn_db_exec(db, "DELETE FROM person; DELETE FROM household;", &err));
	gn_db_close(db);
	REQUIRE(sign_in(other_path, &other, &other_census));
	gn_import_options iopt = { 0 };
	gn_import_report rep = { 0 };
	CHECK_OK(gn_import_buffer(&other, &other_census, households, strlen(households), &iopt, &rep, &err));
	gn_import_report_free(&rep);
	memset(&rep, 0, sizeof rep);
	CHECK_OK(gn_import_buffer(&other, &other_census, persons, strlen(persons), &iopt, &rep, &err));
	gn_import_report_free(&rep);
	CHECK_EQ_INT(gn_unit_count(other.db, "SELECT count(*) FROM person WHERE form_id = 'census' AND form_version = '1'"), 1);
	CHECK_EQ_INT(gn_unit_count(other.db, "SELECT count(*) FROM person WHERE form_id IS NULL"),
	             gn_unit_count(other.db, "SELECT count(*) FROM person") - 1);
	char *again = export_of(&other, &other_census, GN_EX_PERSONS);
	CHECK(again && strstr(again, ",census,1\n") != NULL);
	free(again);
	gn_census_free(&other_census);
	gn_db_close(other.db);

	free(persons);
	free(households);
	free(persons_now);
	free(households_now);
	gn_census_free(&census);
	gn_db_close(ctx.db);
}

GN_TESTS(T(a_ward_from_before_exports_the_same))
