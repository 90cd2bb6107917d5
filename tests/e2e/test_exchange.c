/* gonha export / import / conflicts, run as the ward office would: the real
 * binary on real files. Round trips byte for byte, merges of two PCs, a
 * conflict kept and resolved, and every nasty file refused at its line
 * with the database left exactly as it was. */
#include "e2e_fixtures.h"
#include "testlib.h"

#include <csv.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define run gn_e2e_run
#define out_text gn_e2e_out
#define err_text gn_e2e_err
#define path_of gn_e2e_path
#define read_file gn_e2e_read
#define write_file gn_e2e_write
#define same_files gn_e2e_same_files
#define sql1 gn_e2e_sql1
#define fingerprint gn_e2e_fingerprint
#define demo(db) REQUIRE(gn_e2e_demo(db))

static void round_trip_is_byte_identical(void)
{
	demo("a.db");
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h1.csv --with-ids"), 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out p1.csv --with-ids"), 0);
	CHECK(strstr(err_text, "rows written to p1.csv") != NULL);
	struct stat sb;
	CHECK(stat(path_of("p1.csv"), &sb) == 0 && (sb.st_mode & 0777) == 0600);
	size_t len;
	char *p1 = read_file("p1.csv", &len);
	REQUIRE(p1);
	CHECK(memcmp(p1, "\xef\xbb\xbfperson_id,household_id,tdp_code", 33) == 0); /* BOM, names */
	CHECK(strstr(p1, "\r\n") != NULL);
	free(p1);
	CHECK_EQ_INT(run("admin", "--lang vi init --db b.db --ward 'Phường Vạn Xuân' --tdps 3"), 0);
	CHECK_EQ_INT(run("admin", "import h1.csv --db b.db"), 0);
	CHECK(strstr(out_text, "added 36") != NULL);
	CHECK_EQ_INT(run("admin", "import p1.csv --db b.db"), 0);
	CHECK_EQ_INT(run("admin", "export --db b.db --what households --out h2.csv --with-ids"), 0);
	CHECK_EQ_INT(run("admin", "export --db b.db --what persons --out p2.csv --with-ids"), 0);
	CHECK(same_files("h1.csv", "h2.csv"));
	CHECK(same_files("p1.csv", "p2.csv"));
	/* saved again by a spreadsheet: "01" became 1, CCCD lost its leading 0 */
	{
		size_t n2;
		char *p = read_file("p1.csv", &n2), *out = malloc(n2 + 1), *o = out;
		for (char *c = p; *c; c++) {
			if (strncmp(c, ",01,", 4) == 0) {
				memcpy(o, ",1,", 3), o += 3, c += 3;
				continue;
			}
			if (strncmp(c, ",0", 2) == 0 && strspn(c + 1, "0123456789") == 12 && c[13] == ',') {
				*o++ = ',', c++; /* drop the zero */
				continue;
			}
			*o++ = *c;
		}
		*o = '\0';
		write_file("p-calc.csv", out, strlen(out));
		free(p);
		free(out);
		CHECK_EQ_INT(run("admin", "import p-calc.csv --db b.db --dry-run"), 0);
		CHECK(strstr(out_text, "would add 0, update 0") != NULL);
	}
	/* the same file twice changes nothing */
	char before[1 << 14];
	snprintf(before, sizeof before, "%s", fingerprint("b.db"));
	CHECK_EQ_INT(run("admin", "import p1.csv --db b.db"), 0);
	CHECK(strstr(out_text, "added 0, updated 0") != NULL);
	CHECK_STR(fingerprint("b.db"), before);
	/* and the coverage of both agrees */
	CHECK_EQ_INT(run("admin", "export --db a.db --what coverage --out c1.csv"), 0);
	CHECK_EQ_INT(run("admin", "export --db b.db --what coverage --out c2.csv"), 0);
	CHECK(same_files("c1.csv", "c2.csv"));
	CHECK_EQ_INT(run("admin", "check --db b.db"), 0);
	/* an export never replaces a file */
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out p1.csv"), 2);
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A persons file into a ward with nobody in it goes in by the fast path
 * (indexes and triggers made again at the end): a person named twice is
 * refused at the second line with the first named, nothing changes; the
 * good file leaves every index, trigger and count as before, and the audit
 * says per TDP how many came. */
static void a_ward_with_nobody_takes_a_file_in_one_go(void)
{
	demo("a.db");
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h.csv --with-ids"), 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out p.csv --with-ids"), 0);
	CHECK_EQ_INT(run("admin", "--lang vi init --db b.db --ward 'Phường Vạn Xuân' --tdps 3"), 0);
	CHECK_EQ_INT(run("admin", "import h.csv --db b.db"), 0);
	const char *schema = "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE "
	                     "tbl_name = 'person' ORDER BY name)";
	char names[1024];
	snprintf(names, sizeof names, "%s", sql1("b.db", schema));
	CHECK(strstr(names, "person_id") && strstr(names, "person_ind_insert") && strstr(names, "person_name_key"));
	char before[1 << 14];
	snprintf(before, sizeof before, "%s", fingerprint("b.db"));

	/* the third person again at the end of the file */
	size_t len;
	char *data = read_file("p.csv", &len);
	REQUIRE(data);
	char *third = data;
	for (int i = 0; i < 3; i++)
		third = strstr(third, "\r\n") + 2;
	char *end = strstr(third, "\r\n") + 2;
	char *twice = malloc(len + (size_t)(end - third) + 1);
	memcpy(twice, data, len);
	memcpy(twice + len, third, (size_t)(end - third));
	write_file("twice.csv", twice, len + (size_t)(end - third));
	long lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += data[i] == '\n';
	CHECK_EQ_INT(run("admin", "import twice.csv --db b.db"), 2);
	char want[128];
	snprintf(want, sizeof want, "twice.csv:%ld: person_id", lines + 1);
	CHECK(strstr(err_text, want) != NULL);
	CHECK(strstr(err_text, "is already on line 4 of this file") != NULL);
	CHECK_STR(fingerprint("b.db"), before);
	CHECK_STR(sql1("b.db", schema), names);
	free(twice);
	free(data);

	/* more than one batch of rows, the last one short */
	CHECK(atoi(sql1("a.db", "SELECT count(*) FROM person")) > 64);
	CHECK(atoi(sql1("a.db", "SELECT count(*) FROM person")) % 64 != 0);
	CHECK_EQ_INT(run("admin", "import p.csv --db b.db"), 0);
	CHECK_STR(sql1("b.db", schema), names);
	CHECK_STR(sql1("b.db", "SELECT count(*) FROM person"), sql1("a.db", "SELECT count(*) FROM person"));
	CHECK_STR(sql1("b.db", "SELECT group_concat(tdp_id || '=' || den || '/' || num) FROM (SELECT * FROM tdp_indicator "
	                       "ORDER BY tdp_id, bit)"),
	          sql1("a.db", "SELECT group_concat(tdp_id || '=' || den || '/' || num) FROM (SELECT * FROM tdp_indicator "
	                       "ORDER BY tdp_id, bit)"));
	/* the search words, gathered as the rows went in (import_bulk.c), are
	 * the ones the triggers made in the ward the file came from */
	const char *words = "SELECT count(*) || ' ' || sum(length(word)) || ' ' || sum(length(name_key)) || ' ' || "
	                    "sum(unicode(word) * length(household_id)) FROM household_word";
	CHECK(atoi(sql1("a.db", "SELECT count(*) FROM household_word")) > 0);
	CHECK_STR(sql1("b.db", words), sql1("a.db", words));
	CHECK_STR(sql1("b.db", "PRAGMA journal_mode"), "wal"); /* back after the bulk load */
	CHECK_STR(sql1("b.db", "SELECT sum(ind_pop) || ' ' || sum(ind_num) FROM person"),
	          sql1("a.db", "SELECT sum(ind_pop) || ' ' || sum(ind_num) FROM person"));
	CHECK_STR(sql1("b.db", "SELECT count(*) FROM meta WHERE key = 'counters_paused'"), "0");
	snprintf(want, sizeof want, "3 %s p.csv", sql1("a.db", "SELECT count(*) FROM person")); /* one per TDP */
	CHECK_STR(sql1("b.db", "SELECT count(*) || ' ' || sum(json_extract(changes, '$.added')) || ' ' || "
	                       "min(json_extract(changes, '$.file')) FROM audit_log WHERE action = 'import_add' AND "
	                       "table_name = 'person'"),
	          want);
	CHECK_EQ_INT(run("admin", "check --db b.db"), 0);

	/* the same rows in the order of their ids, no longer grouped by TDP:
	 * the words are written as often as the TDP changes, the same words */
	data = read_file("p.csv", &len);
	REQUIRE(data);
	char *body = strstr(data, "\r\n") + 2, **rows = calloc((size_t)lines, sizeof *rows);
	REQUIRE(rows);
	size_t n = 0;
	for (char *at = body, *eol; (eol = strstr(at, "\r\n")) != NULL; at = eol + 2) {
		eol[0] = '\0';
		rows[n++] = at;
	}
	qsort(rows, n, sizeof *rows, by_text);
	FILE *mixed = fopen(path_of("mixed.csv"), "wb");
	REQUIRE(mixed);
	fwrite(data, 1, (size_t)(body - data), mixed);
	for (size_t i = 0; i < n; i++)
		fprintf(mixed, "%s\r\n", rows[i]);
	fclose(mixed);
	free(rows);
	free(data);
	CHECK_EQ_INT(run("admin", "--lang vi init --db c.db --ward 'Phường Vạn Xuân' --tdps 3"), 0);
	CHECK_EQ_INT(run("admin", "import h.csv --db c.db"), 0);
	CHECK_EQ_INT(run("admin", "import mixed.csv --db c.db"), 0);
	CHECK_STR(sql1("c.db", "SELECT count(*) FROM person"), sql1("a.db", "SELECT count(*) FROM person"));
	CHECK_STR(sql1("c.db", words), sql1("a.db", words));
	CHECK_EQ_INT(run("admin", "check --db c.db"), 0);

	/* other_answers holding an answer an indicator reads, other than the
	 * file's own column (kept from a form that had it) and first in the
	 * stored answers: the bits that go in with the rows count what the
	 * stored answers say, as gonha check counts them again */
	gn_csv_table t;
	REQUIRE(gn_csv_read("p.csv", &t));
	int c_other = gn_csv_col(&t, "other_answers"), c_phone = gn_csv_col(&t, "smartphone");
	REQUIRE(c_other >= 0 && c_phone >= 0);
	for (size_t r = 1; r < t.rows; r += 2)
		gn_csv_set(&t, r, c_other, strcmp(gn_csv_cell(&t, r, c_phone), "yes") == 0 ? "{\"smartphone\":\"no\",\"old_q\":1}"
		                                                                          : "{\"smartphone\":\"yes\",\"old_q\":1}");
	gn_csv_write(&t, "other.csv", ',', false, true, true);
	gn_csv_free(&t);
	CHECK_EQ_INT(run("admin", "--lang vi init --db d.db --ward 'Phường Vạn Xuân' --tdps 3"), 0);
	CHECK_EQ_INT(run("admin", "import h.csv --db d.db"), 0);
	CHECK_EQ_INT(run("admin", "import other.csv --db d.db"), 0);
	CHECK_STR(sql1("d.db", "SELECT count(*) FROM person WHERE json_extract(answers, '$.old_q') = 1"),
	          sql1("a.db", "SELECT (count(*) + 1) / 2 FROM person"));
	char counted[64];
	snprintf(counted, sizeof counted, "%s", sql1("d.db", "SELECT sum(num) FROM tdp_indicator"));
	CHECK(strcmp(counted, sql1("a.db", "SELECT sum(num) FROM tdp_indicator")) != 0);
	CHECK_EQ_INT(run("admin", "check --db d.db"), 0);
}

static void labels_plain_and_masked_files_come_back(void)
{
	demo("a.db");
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h.csv --plain"), 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out p.csv --labels"), 0);
	char *p = read_file("p.csv", NULL);
	REQUIRE(p);
	CHECK(strstr(p, "Họ và tên") != NULL && strstr(p, "Năm sinh") != NULL);
	CHECK(strstr(p, ",Nam,") != NULL || strstr(p, ",Nữ,") != NULL);
	CHECK(strstr(p, "******") != NULL); /* CCCD masked */
	free(p);
	char *h = read_file("h.csv", NULL);
	REQUIRE(h);
	CHECK(strncmp(h, "household_id,", 13) == 0 && !strstr(h, "\r\n"));
	free(h);
	CHECK_EQ_INT(run("admin", "--lang vi init --db b.db --ward 'Phường Vạn Xuân' --tdps 3"), 0);
	CHECK_EQ_INT(run("admin", "import h.csv --db b.db"), 0);
	/* a labels file is for reading: refused whole, with what to import instead */
	CHECK_EQ_INT(run("admin", "import p.csv --db b.db"), 2);
	CHECK(strstr(err_text, "p.csv:1: this file was exported with --labels") != NULL);
	CHECK(strstr(err_text, "Import the same export made without --labels") != NULL);
	CHECK_STR(sql1("b.db", "SELECT count(*) FROM person"), "0");
	CHECK_EQ_INT(run("admin", "import p.csv --db a.db"), 2); /* back into the ward it came from: nothing */
	CHECK_STR(sql1("a.db", "SELECT count(*) FROM audit_log WHERE action LIKE 'import%'"), "0");
	/* the same people in a machine file, CCCDs masked */
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out pm.csv"), 0);
	CHECK_EQ_INT(run("admin", "import pm.csv --db b.db"), 0);
	/* same people, same answers; CCCD not carried by a masked file */
	CHECK_STR(sql1("b.db", "SELECT count(*) FROM person WHERE cccd IS NOT NULL"), "0");
	char a[1 << 14];
	snprintf(a, sizeof a, "%s", sql1("a.db", "SELECT group_concat(full_name || sex || relation || (SELECT json_group_object(key, value) FROM "
	                                         "json_each(answers) WHERE value <> ''), '|') FROM "
	                                         "(SELECT * FROM person ORDER BY id)"));
	CHECK_STR(sql1("b.db", "SELECT group_concat(full_name || sex || relation || (SELECT json_group_object(key, value) FROM "
	                                         "json_each(answers) WHERE value <> ''), '|') FROM "
	                       "(SELECT * FROM person ORDER BY id)"), a);
	/* a TDP leader may not ask for whole IDs */
	CHECK_EQ_INT(run("tdp01", "export --db a.db --what persons --out ids.csv --with-ids"), 2);
	CHECK(read_file("ids.csv", NULL) == NULL);
	CHECK_EQ_INT(run("tdp01", "export --db a.db --what persons --out mine.csv"), 0);
	char *mine = read_file("mine.csv", NULL);
	REQUIRE(mine);
	CHECK(strstr(mine, ",01,") != NULL && strstr(mine, ",02,") == NULL);
	free(mine);
	/* and may not import into another TDP: nothing changes */
	char before[1 << 14];
	snprintf(before, sizeof before, "%s", fingerprint("a.db"));
	CHECK_EQ_INT(run("tdp02", "import mine.csv --db a.db"), 2);
	CHECK(strstr(err_text, "mine.csv:2: TDP 01 is not yours") != NULL);
	CHECK_STR(fingerprint("a.db"), before);
}

/* Exports db's households, sets one cell of one household as Excel would,
 * and imports the file back into db. */
static void edit_cell(const char *db, const char *file, const char *id, const char *column, const char *value)
{
	char args[512];
	remove(path_of(file));
	snprintf(args, sizeof args, "export --db %s --what households --out %s --plain", db, file);
	REQUIRE(run("admin", args) == 0);
	char *data = read_file(file, NULL);
	REQUIRE(data);
	/* which cell: the header's column number */
	int col = 0;
	const char *c = strstr(data, column);
	REQUIRE(c);
	for (const char *p = data; p < c; p++)
		col += *p == ',';
	char *line = strstr(data, id);
	REQUIRE(line);
	char *start = line;
	for (int k = 0; k < col; k++)
		start = strchr(start, ',') + 1;
	char *end = strchr(start, ',');
	size_t n = (size_t)(start - data);
	char out[1 << 16];
	int len = snprintf(out, sizeof out, "%.*s%s%s", (int)n, data, value, end);
	write_file(file, out, (size_t)len);
	free(data);
	snprintf(args, sizeof args, "import %s --db %s", file, db);
	CHECK_EQ_INT(run("admin", args), 0);
	CHECK(strstr(out_text, "updated 1") != NULL);
}

static void two_pcs_merge_and_a_conflict_is_kept(void)
{
	demo("a.db");
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h0.csv --with-ids"), 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out p0.csv --with-ids"), 0);
	CHECK_EQ_INT(run("admin", "--lang vi init --db b.db --ward 'Phường Vạn Xuân' --tdps 3"), 0);
	CHECK_EQ_INT(run("admin", "import h0.csv --db b.db"), 0);
	CHECK_EQ_INT(run("admin", "import p0.csv --db b.db"), 0);
	/* PC a changes household 1 and 3, PC b household 2 and 3 */
	char ids[3][37];
	for (int i = 0; i < 3; i++) {
		char q[256];
		snprintf(q, sizeof q, "SELECT id FROM household ORDER BY id LIMIT 1 OFFSET %d", i);
		snprintf(ids[i], sizeof ids[i], "%s", sql1("a.db", q));
	}
	/* edits made in Excel and imported back: the file's version is the
	 * stored one, its content differs, so the edit is taken */
	char sql[1024];
	edit_cell("a.db", "ea.csv", ids[0], "house_no", "1A");
	edit_cell("a.db", "ea.csv", ids[2], "house_no", "from a");
	edit_cell("b.db", "eb.csv", ids[1], "street", "Phố B");
	edit_cell("b.db", "eb.csv", ids[2], "house_no", "from b");
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out ha.csv"), 0);
	CHECK_EQ_INT(run("admin", "import ha.csv --db b.db --dry-run"), 0);
	CHECK(strstr(out_text, "would add 0, update 1") != NULL);
	CHECK_EQ_INT(run("admin", "import ha.csv --db b.db"), 0);
	CHECK(strstr(out_text, "updated 1") != NULL && strstr(out_text, "1 in conflict") != NULL);
	snprintf(sql, sizeof sql, "SELECT house_no FROM household WHERE id = '%s'", ids[0]);
	CHECK_STR(sql1("b.db", sql), "1A");               /* a's change arrived */
	snprintf(sql, sizeof sql, "SELECT street FROM household WHERE id = '%s'", ids[1]);
	CHECK_STR(sql1("b.db", sql), "Phố B");            /* b's change stayed */
	snprintf(sql, sizeof sql, "SELECT house_no FROM household WHERE id = '%s'", ids[2]);
	CHECK_STR(sql1("b.db", sql), "from b");           /* the conflict: ours stays... */
	snprintf(sql, sizeof sql, "SELECT json_extract(incoming_data, '$.house_no') FROM merge_conflict WHERE record_id = '%s'",
	         ids[2]);
	CHECK_STR(sql1("b.db", sql), "from a");           /* ...and theirs is kept */
	/* the audit has the change with old and new values */
	snprintf(sql, sizeof sql, "SELECT changes FROM audit_log WHERE record_id = '%s' AND action = 'import_update'", ids[0]);
	CHECK(strstr(sql1("b.db", sql), "\"house_no\":[") != NULL);
	/* the other way: b's change reaches a */
	CHECK_EQ_INT(run("admin", "export --db b.db --what households --out hb.csv"), 0);
	CHECK_EQ_INT(run("admin", "import hb.csv --db a.db"), 0);
	snprintf(sql, sizeof sql, "SELECT street FROM household WHERE id = '%s'", ids[1]);
	CHECK_STR(sql1("a.db", sql), "Phố B");
	/* a ward officer resolves b's conflict, taking a's version */
	CHECK_EQ_INT(run("tdp01", "conflicts --db b.db"), 2);
	CHECK_EQ_INT(run("admin", "conflicts --db b.db"), 0);
	CHECK(strstr(out_text, ids[2]) != NULL);
	CHECK_EQ_INT(run("admin", "conflicts resolve 1 --keep incoming --db b.db"), 0);
	snprintf(sql, sizeof sql, "SELECT house_no FROM household WHERE id = '%s'", ids[2]);
	CHECK_STR(sql1("b.db", sql), "from a");
	CHECK_EQ_INT(run("admin", "conflicts --db b.db"), 0);
	CHECK(strstr(out_text, "No open conflicts") != NULL);
	CHECK_EQ_INT(run("admin", "check --db b.db"), 0);
}

static void formula_cells_and_awkward_text_survive(void)
{
	demo("a.db");
	sqlite3 *h;
	REQUIRE(sqlite3_open(path_of("a.db"), &h) == SQLITE_OK);
	CHECK(sqlite3_exec(h, "UPDATE person SET answers = json_set(answers, '$.notes', '=HYPERLINK(\"http://x\",\"y\")') "
	                      "WHERE rowid = 1; UPDATE person SET answers = json_set(answers, '$.notes', "
	                      "'she said \"hi\", then left' || char(10) || 'line two') WHERE rowid = 2;"
	                      "UPDATE person SET answers = json_set(answers, '$.notes', '''quoted') WHERE rowid = 3;"
	                      "UPDATE household SET house_no = '-5' WHERE rowid = 1",
	                      NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h.csv --with-ids"), 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out p.csv --with-ids"), 0);
	char *p = read_file("p.csv", NULL);
	REQUIRE(p);
	CHECK(strstr(p, ",'=HYPERLINK") != NULL || strstr(p, ",\"'=HYPERLINK") != NULL);
	CHECK(strstr(p, "\"she said \"\"hi\"\", then left\nline two\"") != NULL);
	free(p);
	char *hh = read_file("h.csv", NULL);
	CHECK(hh && strstr(hh, ",'-5,") != NULL);
	free(hh);
	CHECK_EQ_INT(run("admin", "--lang vi init --db b.db --ward 'Phường Vạn Xuân' --tdps 3"), 0);
	CHECK_EQ_INT(run("admin", "import h.csv --db b.db"), 0);
	CHECK_EQ_INT(run("admin", "import p.csv --db b.db"), 0);
	char a[8192];
	snprintf(a, sizeof a, "%s", sql1("a.db", "SELECT group_concat(json_extract(answers, '$.notes'), '|') FROM person "
	                                         "WHERE json_extract(answers, '$.notes') IS NOT NULL"));
	CHECK_STR(sql1("b.db", "SELECT group_concat(json_extract(answers, '$.notes'), '|') FROM person "
	                       "WHERE json_extract(answers, '$.notes') IS NOT NULL"), a);
	CHECK_STR(sql1("b.db", "SELECT count(*) FROM household WHERE house_no = '-5'"), "1");
}

/* Each bad file: exit 2, the line named, the database untouched. */
static void refused(const char *name, const char *data, size_t len, const char *says)
{
	char before[1 << 14], args[512];
	snprintf(before, sizeof before, "%s", fingerprint("a.db"));
	write_file(name, data, len);
	snprintf(args, sizeof args, "import %s --db a.db", name);
	int rc = run("admin", args);
	CHECK_EQ_INT(rc, 2);
	if (!strstr(err_text, says)) {
		fprintf(stderr, "  %s: expected \"%s\" in:\n%s\n", name, says, err_text);
		gn_test_failed = 1;
	}
	CHECK_STR(fingerprint("a.db"), before);
}

static void nasty_files_are_refused_at_their_line(void)
{
	demo("a.db");
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out p.csv --with-ids --plain"), 0);
	size_t len;
	char *good = read_file("p.csv", &len);
	REQUIRE(good);
	char *second = strchr(good, '\n') + 1;     /* the first data row */
	char *third = strchr(second, '\n') + 1;
	size_t head_len = (size_t)(second - good), row_len = (size_t)(third - second);
	char buf[1 << 16];
	int n;

	refused("empty.csv", "", 0, "empty.csv:1: the file is empty");
	/* header only: fine, nothing to do */
	write_file("header.csv", good, head_len);
	CHECK_EQ_INT(run("admin", "import header.csv --db a.db"), 0);
	CHECK(strstr(out_text, "0 rows") != NULL);
	/* a ragged row on line 3 */
	n = snprintf(buf, sizeof buf, "%.*s%.*s%s\n", (int)head_len, good, (int)row_len, second, "a,b,c");
	refused("ragged.csv", buf, (size_t)n, "ragged.csv:3: the row has 3 cells but the header has");
	/* an unterminated quote at the end */
	n = snprintf(buf, sizeof buf, "%.*s%.*s\"%s", (int)head_len, good, (int)row_len, second, "Nguyễn, no end");
	refused("unterminated.csv", buf, (size_t)n, "unterminated.csv:3: a quoted cell is not closed");
	/* a NUL byte in line 2 */
	memcpy(buf, good, head_len + row_len);
	buf[head_len + 40] = '\0';
	refused("nul.csv", buf, head_len + row_len, "nul.csv:2: the line has a NUL byte");
	/* TCVN3 (the old Vietnamese 8-bit encoding): "Nguyễn" is 4E 67 75 79 D5 6E */
	n = snprintf(buf, sizeof buf, "tdp_code,street,head_name\n01,Ph\xe8 Hu\xa8,Ngu\xd5n V\xa8n A\n");
	refused("tcvn3.csv", buf, (size_t)n, "tcvn3.csv:2: the text is not UTF-8 (perhaps TCVN3");
	/* a 1 MB cell */
	size_t big = 1 << 20;
	char *huge = malloc(head_len + big + row_len + 64);
	memcpy(huge, good, head_len);
	memset(huge + head_len, 'x', big);       /* the person_id cell, 1 MB long */
	const char *rest = strchr(second, ',');
	memcpy(huge + head_len + big, rest, (size_t)(third - rest));
	refused("huge.csv", huge, head_len + big + (size_t)(third - rest), "huge.csv:2: column 1 holds 1048576 bytes");
	free(huge);
	/* bad values: unknown TDP, bad CCCD, unknown choice, all reported at once */
	char *row = strndup(second, row_len);
	char *tdp = strstr(row, ",01,");
	REQUIRE(tdp);
	n = snprintf(buf, sizeof buf, "%.*s%.*s,99,%s", (int)head_len, good, (int)(tdp - row), row, tdp + 4);
	/* line 3: a choice that does not exist */
	char *sex = strstr(row, ",male,") ? strstr(row, ",male,") : strstr(row, ",female,");
	REQUIRE(sex);
	n += snprintf(buf + n, sizeof buf - (size_t)n, "%.*s,alien,%s", (int)(sex - row), row,
	              strchr(sex + 1, ',') + 1);
	refused("values.csv", buf, (size_t)n, "values.csv:2: there is no TDP with code \"99\"");
	CHECK(strstr(err_text, "values.csv:3: sex \"alien\": is not one of the choices") != NULL);
	CHECK(strstr(err_text, "2 rows refused: nothing was imported") != NULL);
	free(row);
	/* a CCCD that disagrees with the birth year */
	const char *bad_list = "tdp_code,house_no,alley,street,head_name,head_birth_year,head_sex,head_cccd\n"
	                       "01,5,ngõ 3,Lương Ngọc Quyến,Nguyễn Văn Bình,1970,Nam,001099000001\n";
	refused("list-bad.csv", bad_list, strlen(bad_list), "list-bad.csv:2: head_cccd \"001099000001\": ");
	/* not a gonha file at all */
	refused("other.csv", "a,b\n1,2\n", 8, "other.csv:1: this is not a gonha export nor a household list");
	free(good);
}

static void a_household_list_fills_the_walk(void)
{
	demo("a.db");
	/* NFD "Nguyễn" as macOS or some keyboards write it, CRLF, BOM, labels */
	const char *list = "\xef\xbb\xbftdp_code,Số nhà,alley,street,head_name,head_birth_year,head_sex,phone\r\n"
	                   "02,101,ngõ 9,Lương Ngọc Quyến,Nguye\xcc\x82\xcc\x83n Văn Tâm,1961,Nam,0912345678\r\n"
	                   "02,103,ngõ 9,Lương Ngọc Quyến,Trần Thị Hoa,,Nữ,\r\n";
	write_file("list.csv", list, strlen(list));
	CHECK_EQ_INT(run("admin", "import list.csv --db a.db"), 0);
	CHECK(strstr(out_text, "added 2") != NULL);
	/* in the log, with its TDP: the households and their heads */
	CHECK_STR(sql1("a.db", "SELECT json_extract(changes, '$.added') || ' ' || json_extract(changes, '$.heads_added') "
	                       "|| ' ' || (SELECT code FROM tdp WHERE id = audit_log.tdp_id) FROM audit_log "
	                       "WHERE action = 'import_add' ORDER BY id DESC LIMIT 1"), "2 2 02");
	CHECK_EQ_INT(run("admin", "import list.csv --db a.db"), 0);
	CHECK(strstr(out_text, "added 0") != NULL && strstr(out_text, "2 unchanged") != NULL);
	CHECK_STR(sql1("a.db", "SELECT count(*) FROM person WHERE full_name = 'Nguyễn Văn Tâm' AND relation = 'head'"), "1");
	CHECK_EQ_INT(run("tdp02", "list --db a.db --tdp 02 --filter not_visited --search nguyen --format tsv"), 0);
	CHECK(strstr(out_text, "101\tngõ 9\tLương Ngọc Quyến\tnot_visited\tNguyễn Văn Tâm\t1") != NULL);
	CHECK_EQ_INT(run("tdp01", "import list.csv --db a.db"), 2);
	CHECK(strstr(err_text, "list.csv:2: TDP 02 is not yours") != NULL);
	CHECK_EQ_INT(run("admin", "check --db a.db"), 0);
}

/* ---- the coverage numbers against a count made from the persons export ---- */

typedef struct table {
	char **cells; /* row-major */
	size_t cols, rows, n, cap;
} table;

static void on_cell(void *data, size_t len, void *arg)
{
	table *t = arg;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->cells = realloc(t->cells, t->cap * sizeof *t->cells);
	}
	t->cells[t->n++] = strndup(data ? data : "", len);
}

static void on_end(int c, void *arg)
{
	(void)c;
	table *t = arg;
	if (t->rows == 0)
		t->cols = t->n;
	t->rows++;
}

static void read_table(const char *name, table *t)
{
	size_t len;
	char *data = read_file(name, &len);
	struct csv_parser p;
	memset(t, 0, sizeof *t);
	csv_init(&p, CSV_APPEND_NULL);
	csv_parse(&p, data, len, on_cell, on_end, t);
	csv_fini(&p, on_cell, on_end, t);
	csv_free(&p);
	free(data);
}

static const char *cell(const table *t, size_t row, const char *column)
{
	for (size_t c = 0; c < t->cols; c++)
		if (strcmp(t->cells[c], column) == 0)
			return t->cells[row * t->cols + c];
	return "";
}

static void free_table(table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
}

static bool yes(const table *t, size_t r, const char *column)
{
	return strcmp(cell(t, r, column), "yes") == 0;
}

static void coverage_agrees_with_the_persons_export(void)
{
	demo("a.db");
	char args[256];
	snprintf(args, sizeof args, "rm -f '%s'/a.db*", gn_test_tmpdir());
	REQUIRE(system(args) == 0);
	REQUIRE(run("admin", "demo --db a.db --tdps 4 --households 40 --seed 11") == 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out p.csv --plain"), 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what coverage --out c.csv --plain"), 0);
	table p, c;
	read_table("p.csv", &p);
	read_table("c.csv", &c);
	REQUIRE(p.rows > 100 && c.rows == 6); /* header, 4 TDPs, the ward */
	static const char *const names[] = { "c_basic_skills", "d_vneid_confirmed", "dd_enterprise_skills",
		                                 "a_public_sector", "vneid_level2", "bank_account" };
	for (size_t k = 0; k < 6; k++) {
		for (size_t row = 1; row < c.rows; row++) {
			const char *code = cell(&c, row, "tdp_code");
			long num = 0, den = 0, adults = 0;
			for (size_t r = 1; r < p.rows; r++) {
				if (strcmp(code, "*") != 0 && strcmp(cell(&p, r, "tdp_code"), code) != 0)
					continue;
				int age = atoi(cell(&p, r, "age"));
				const char *group = cell(&p, r, "group");
				bool basic = yes(&p, r, "smartphone") && yes(&p, r, "digital_safety") &&
				             (yes(&p, r, "online_services") || yes(&p, r, "cashless"));
				bool in = false, counted = false;
				adults += age >= 18;
				switch (k) {
				case 0: in = age >= 18; counted = basic; break;
				case 1: in = age >= 18; counted = yes(&p, r, "vneid_confirmed"); break;
				case 2: in = age >= 18 && strcmp(group, "enterprise_worker") == 0; counted = basic; break;
				case 3:
					in = age >= 18 && strcmp(group, "public_sector") == 0;
					counted = yes(&p, r, "online_services") && strcmp(cell(&p, r, "vneid_level"), "level2") == 0;
					break;
				case 4: in = age >= 16; counted = strcmp(cell(&p, r, "vneid_level"), "level2") == 0; break;
				case 5: in = age >= 16; counted = yes(&p, r, "bank_account"); break;
				}
				den += in;
				num += in && counted;
			}
			char col[64];
			snprintf(col, sizeof col, "%s_num", names[k]);
			CHECK_EQ_INT(atol(cell(&c, row, col)), num);
			snprintf(col, sizeof col, "%s_den", names[k]);
			CHECK_EQ_INT(atol(cell(&c, row, col)), den);
			CHECK_EQ_INT(atol(cell(&c, row, "adults")), adults);
		}
	}
	free_table(&p);
	free_table(&c);
}

GN_TESTS(T(round_trip_is_byte_identical), T(a_ward_with_nobody_takes_a_file_in_one_go),
         T(labels_plain_and_masked_files_come_back),
         T(two_pcs_merge_and_a_conflict_is_kept), T(formula_cells_and_awkward_text_survive),
         T(nasty_files_are_refused_at_their_line), T(a_household_list_fills_the_walk),
         T(coverage_agrees_with_the_persons_export))
