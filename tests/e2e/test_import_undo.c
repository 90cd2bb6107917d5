/* gonha import history / undo N (issue 13), the real binary on real files:
 * an import undone leaves the ward exactly as it was (every table the
 * import wrote and the counters, compared row by row, and the exports);
 * one that a later edit touched is refused with the record named and
 * nothing changed. These replace what the sign-out snapshot protected
 * (docs/accounts.md, "What protects against a bad import now"): the next
 * user's bad persons file, a bad household list, a conflict resolved the
 * wrong way, each put back by a ward officer alone. */
#include "e2e_fixtures.h"
#include "testlib.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define run gn_e2e_run
#define out_text gn_e2e_out
#define err_text gn_e2e_err
#define path_of gn_e2e_path
#define sql1 gn_e2e_sql1
#define demo(db) REQUIRE(gn_e2e_demo(db))

/* Every row of the tables an import writes or moves, in a fixed order,
 * all columns: what "the ward exactly as it was" means. */
static char *ward_dump(const char *db)
{
	static const char *const queries[] = {
		"SELECT * FROM person ORDER BY id",
		"SELECT * FROM household ORDER BY id",
		"SELECT * FROM tdp ORDER BY id",
		"SELECT * FROM tdp_stats ORDER BY tdp_id",
		"SELECT * FROM tdp_indicator ORDER BY tdp_id, bit",
		"SELECT * FROM merge_conflict ORDER BY id",
	};
	sqlite3 *h = NULL;
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);
	if (!out || sqlite3_open_v2(path_of(db), &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		abort();
	out[0] = '\0';
	for (size_t k = 0; k < sizeof queries / sizeof *queries; k++) {
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(h, queries[k], -1, &q, NULL) != SQLITE_OK)
			abort();
		while (sqlite3_step(q) == SQLITE_ROW) {
			for (int i = 0; i < sqlite3_column_count(q); i++) {
				char *cell = sqlite3_mprintf("%s%s", i ? "\t" : "",
				                             sqlite3_column_type(q, i) == SQLITE_BLOB ? "<blob>"
				                             : sqlite3_column_text(q, i) ? (const char *)sqlite3_column_text(q, i) : "NULL");
				size_t n = strlen(cell);
				if (len + n + 2 > cap) {
					cap = 2 * (len + n + 2);
					if (!(out = realloc(out, cap)))
						abort();
				}
				memcpy(out + len, cell, n + 1);
				len += n;
				sqlite3_free(cell);
			}
			out[len++] = '\n';
			out[len] = '\0';
		}
		sqlite3_finalize(q);
	}
	sqlite3_close(h);
	return out;
}

/* the three exports with whole numbers, into NAME-p.csv, -h.csv, -c.csv */
static void export_all(const char *db, const char *name)
{
	char args[512];
	snprintf(args, sizeof args, "rm -f %s-p.csv %s-h.csv %s-c.csv", path_of(name), path_of(name), path_of(name));
	REQUIRE(system(args) == 0);
	snprintf(args, sizeof args, "export --db %s --what persons --with-ids --out %s-p.csv", db, name);
	CHECK_EQ_INT(run("admin", args), 0);
	snprintf(args, sizeof args, "export --db %s --what households --out %s-h.csv", db, name);
	CHECK_EQ_INT(run("admin", args), 0);
	snprintf(args, sizeof args, "export --db %s --what coverage --out %s-c.csv", db, name);
	CHECK_EQ_INT(run("admin", args), 0);
}

static void same_exports(const char *a, const char *b)
{
	const char *kinds[] = { "p", "h", "c" };
	for (int i = 0; i < 3; i++) {
		char fa[64], fb[64];
		snprintf(fa, sizeof fa, "%s-%s.csv", a, kinds[i]);
		snprintf(fb, sizeof fb, "%s-%s.csv", b, kinds[i]);
		CHECK(gn_e2e_same_files(fa, fb));
	}
}

/* A persons file gone wrong: names, notes and smartphone answers
 * edited (coverage bits move), a person moved to another household of
 * another TDP, and a person added. */
static void bad_persons_file(const char *from, const char *to)
{
	gn_csv_table t;
	REQUIRE(gn_csv_read(from, &t));
	int name = gn_csv_col(&t, "full_name"), notes = gn_csv_col(&t, "notes"), phone = gn_csv_col(&t, "smartphone");
	int hh = gn_csv_col(&t, "household_id"), tdp = gn_csv_col(&t, "tdp_code");
	REQUIRE(name >= 0 && notes >= 0 && phone >= 0 && hh >= 0 && tdp >= 0 && t.rows > 40);
	for (size_t r = 1; r <= 8; r++) {
		char v[256];
		snprintf(v, sizeof v, "%s Sai", gn_csv_cell(&t, r, name));
		gn_csv_set(&t, r, name, v);
		gn_csv_set(&t, r, notes, "nhập nhầm");
		gn_csv_set(&t, r, phone, strcmp(gn_csv_cell(&t, r, phone), "yes") == 0 ? "no" : "yes");
	}
	/* the last person into the first row's household (another TDP) */
	char moved_hh[64], moved_tdp[16];
	snprintf(moved_hh, sizeof moved_hh, "%s", gn_csv_cell(&t, 1, hh));
	snprintf(moved_tdp, sizeof moved_tdp, "%s", gn_csv_cell(&t, 1, tdp));
	gn_csv_set(&t, t.rows - 1, hh, moved_hh);
	gn_csv_set(&t, t.rows - 1, tdp, moved_tdp);
	gn_csv_write(&t, to, ',', false, true, true);
	gn_csv_free(&t);
	/* and one person more, into the same household */
	size_t len;
	char *body = gn_e2e_read(to, &len);
	REQUIRE(body);
	char *first = strstr(body, "\r\n") + 2, *end = strstr(first, "\r\n");
	REQUIRE(first && end);
	char row[8192];
	snprintf(row, sizeof row, "%.*s", (int)(end - first), first);
	/* a new id in place of the first 36 characters, a version of its own */
	memcpy(row, "0a0a0a0a-0000-4000-8000-00000000beef", 36);
	char *v = strstr(row, ",v");
	while (v && strstr(v + 1, ",v"))
		v = strstr(v + 1, ",v");
	REQUIRE(v);
	memcpy(v + 1, "v0000000000000abc", 17);
	char *out = malloc(len + strlen(row) + 8);
	REQUIRE(out);
	snprintf(out, len + strlen(row) + 8, "%s%s\r\n", body, row);
	gn_e2e_write(to, out, strlen(out));
	free(out);
	free(body);
}

static void undo_puts_the_ward_back_exactly(void)
{
	demo("w.db");
	export_all("w.db", "before");
	char *before = ward_dump("w.db");
	bad_persons_file("before-p.csv", "bad.csv");
	/* the next user's import (the file spans TDPs: a ward officer's) */
	CHECK_EQ_INT(run("admin", "import bad.csv --db w.db"), 0);
	if (!strstr(out_text, "added 1, updated 9"))
		fprintf(stderr, "  %s%s", out_text, err_text);
	CHECK(strstr(out_text, "added 1, updated 9") != NULL);
	CHECK(strstr(out_text, "gonha import undo 1") != NULL);
	char *after = ward_dump("w.db");
	CHECK(strcmp(before, after) != 0);
	free(after);
	CHECK_EQ_INT(run("admin", "import history --db w.db"), 0);
	CHECK(strstr(out_text, "1\t") == out_text && strstr(out_text, "bad.csv") && strstr(out_text, "can be undone"));
	/* only a ward officer */
	CHECK_EQ_INT(run("tdp01", "import undo 1 --db w.db"), 2);
	CHECK_EQ_INT(run("admin", "import undo 1 --db w.db"), 0);
	CHECK(strstr(out_text, "Import 1 undone") != NULL);
	char *undone = ward_dump("w.db");
	CHECK_STR(undone, before);
	free(undone);
	export_all("w.db", "undone");
	same_exports("before", "undone");
	/* the counters agree with a fresh count, and the audit says it */
	CHECK_EQ_INT(run("admin", "check --db w.db"), 0);
	CHECK_STR(sql1("w.db", "SELECT count(*) || ' ' || json_extract(changes, '$.import') || ' ' || "
	                       "json_extract(changes, '$.file') FROM audit_log WHERE action = 'import_undo'"), "1 1 bad.csv");
	/* and not twice */
	CHECK_EQ_INT(run("admin", "import undo 1 --db w.db"), 2);
	CHECK(strstr(err_text, "already undone") != NULL);
	CHECK_EQ_INT(run("admin", "import history --db w.db"), 0);
	CHECK(strstr(out_text, "\tundone") != NULL);
	CHECK_EQ_INT(run("admin", "import undo 7 --db w.db"), 2);
	CHECK(strstr(err_text, "no import number 7") != NULL);
	/* a dry run records nothing */
	CHECK_EQ_INT(run("admin", "import bad.csv --db w.db --dry-run"), 0);
	CHECK_STR(sql1("w.db", "SELECT count(*) FROM import_undo"), "1");
	/* an erasure lets go of every import's recorded rows (they hold the
	 * person as they were) */
	CHECK_EQ_INT(run("admin", "import bad.csv --db w.db"), 0);
	CHECK_STR(sql1("w.db", "SELECT count(DISTINCT import_id) FROM (SELECT import_id FROM import_undo_part "
	                       "UNION ALL SELECT import_id FROM import_undo_person)"), "1");
	/* person's rows kept set-based: the 9 it changed as they were, the
	 * one it added by its id alone, each with its digest as it left it */
	CHECK_STR(sql1("w.db", "SELECT group_concat(n, ' ') FROM (SELECT added || ':' || count(*) || ':' || "
	                       "count(full_name) || ':' || count(after) AS n FROM import_undo_person GROUP BY added "
	                       "ORDER BY added)"), "0:9:9:9 1:1:0:1");
	char args[128];
	snprintf(args, sizeof args, "erase --person %s --yes --db w.db",
	         sql1("w.db", "SELECT id FROM person WHERE full_name LIKE '% Sai' LIMIT 1"));
	CHECK_EQ_INT(run("admin", args), 0);
	CHECK_STR(sql1("w.db", "SELECT (SELECT count(*) FROM import_undo_part) + (SELECT count(*) FROM import_undo_person)"),
	          "0");
	CHECK_EQ_INT(run("admin", "import undo 2 --db w.db"), 2);
	CHECK(strstr(err_text, "can no longer be undone") != NULL);
	free(before);
}

static void a_later_edit_blocks_the_undo(void)
{
	demo("w.db");
	export_all("w.db", "before");
	bad_persons_file("before-p.csv", "bad.csv");
	CHECK_EQ_INT(run("admin", "import bad.csv --db w.db"), 0);
	/* someone edits one of the persons the import changed, on another PC */
	export_all("w.db", "mid");
	gn_csv_table t;
	REQUIRE(gn_csv_read("mid-p.csv", &t));
	int name = gn_csv_col(&t, "full_name"), notes = gn_csv_col(&t, "notes");
	size_t r = 1;
	while (r < t.rows && !strstr(gn_csv_cell(&t, r, name), " Sai"))
		r++;
	REQUIRE(r < t.rows && notes >= 0);
	char who[256];
	snprintf(who, sizeof who, "%s", gn_csv_cell(&t, r, name));
	gn_csv_set(&t, r, notes, "gọi lại sau");
	gn_csv_write(&t, "mid-edit.csv", ',', false, true, true);
	gn_csv_free(&t);
	CHECK_EQ_INT(run("admin", "import mid-edit.csv --db w.db"), 0);
	CHECK(strstr(out_text, "updated 1") != NULL);
	char *blocked = ward_dump("w.db");
	CHECK_EQ_INT(run("admin", "--lang vi import undo 1 --db w.db"), 2);
	CHECK(strstr(err_text, "không hoàn tác được") != NULL);
	CHECK(strstr(err_text, who) != NULL);
	CHECK(strstr(err_text, "đã bị sửa sau lần nhập") != NULL);
	/* nothing changed */
	char *still = ward_dump("w.db");
	CHECK_STR(still, blocked);
	free(still);
	free(blocked);
	CHECK_EQ_INT(run("admin", "import history --db w.db"), 0);
	CHECK(strstr(out_text, "can be undone") != NULL);
	/* the later edit undone first, then the import: back to the start */
	CHECK_EQ_INT(run("admin", "import undo 2 --db w.db"), 0);
	CHECK_EQ_INT(run("admin", "import undo 1 --db w.db"), 0);
	export_all("w.db", "undone");
	same_exports("before", "undone");
	CHECK_EQ_INT(run("admin", "check --db w.db"), 0);
}

/* What the sign-out snapshot protected, one by one. A TDP leader's bad
 * household list: its households and heads go, the walk as it was. */
static void a_bad_household_list_is_undone(void)
{
	demo("w.db");
	char *before = ward_dump("w.db");
	const char *list = "tdp_code,house_no,alley,street,head_name,head_birth_year,head_sex,phone\n"
	                   "02,999,ngõ 1,Sai Phố,Nguyễn Văn Nhầm,1961,male,0912345678\n"
	                   "02,998,ngõ 1,Sai Phố,Trần Thị Lẫn,,female,\n";
	gn_e2e_write("list.csv", list, strlen(list));
	CHECK_EQ_INT(run("tdp02", "import list.csv --db w.db"), 0);
	CHECK(strstr(out_text, "added 2") != NULL);
	CHECK_EQ_INT(run("admin", "import undo 1 --db w.db"), 0);
	char *undone = ward_dump("w.db");
	CHECK_STR(undone, before);
	free(undone);
	free(before);
	CHECK_EQ_INT(run("admin", "check --db w.db"), 0);
}

/* A conflict resolved the wrong way (--keep incoming): undone, the
 * conflict open again and our version back. */
static void a_wrong_resolution_is_undone(void)
{
	demo("w.db");
	export_all("w.db", "base");
	/* the same person edited here and in the file from another PC */
	gn_csv_table t;
	REQUIRE(gn_csv_read("base-p.csv", &t));
	int notes = gn_csv_col(&t, "notes");
	gn_csv_set(&t, 1, notes, "ghi chú ở máy này");
	gn_csv_write(&t, "ours.csv", ',', false, true, true);
	gn_csv_set(&t, 1, notes, "ghi chú ở máy kia");
	int version = gn_csv_col(&t, "version"), base = gn_csv_col(&t, "base_version");
	char v[64];
	snprintf(v, sizeof v, "%s", gn_csv_cell(&t, 1, version));
	gn_csv_set(&t, 1, base, v);
	gn_csv_set(&t, 1, version, "v00000000000000cd");
	gn_csv_write(&t, "theirs.csv", ',', false, true, true);
	gn_csv_free(&t);
	CHECK_EQ_INT(run("admin", "import ours.csv --db w.db"), 0);
	/* our edit is now newer than the base the other PC worked from */
	CHECK_STR(sql1("w.db", "SELECT count(*) FROM person WHERE answers LIKE '%máy này%'"), "1");
	CHECK_EQ_INT(run("admin", "import theirs.csv --db w.db"), 0);
	REQUIRE(strstr(out_text, "1 in conflict") != NULL);
	char *open = ward_dump("w.db");
	CHECK_EQ_INT(run("admin", "conflicts resolve 1 --keep incoming --db w.db"), 0);
	CHECK_STR(sql1("w.db", "SELECT count(*) FROM merge_conflict WHERE resolved_at IS NULL"), "0");
	CHECK_EQ_INT(run("admin", "import history --db w.db"), 0);
	long last = atol(out_text);
	char args[64];
	snprintf(args, sizeof args, "import undo %ld --db w.db", last);
	CHECK_EQ_INT(run("admin", args), 0);
	char *back = ward_dump("w.db");
	CHECK_STR(back, open);
	free(back);
	free(open);
	CHECK_STR(sql1("w.db", "SELECT count(*) FROM merge_conflict WHERE resolved_at IS NULL"), "1");
	CHECK_EQ_INT(run("admin", "check --db w.db"), 0);
}

GN_TESTS(T(undo_puts_the_ward_back_exactly), T(a_later_edit_blocks_the_undo), T(a_bad_household_list_is_undone),
         T(a_wrong_resolution_is_undone))
