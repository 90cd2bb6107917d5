/* gonha export --format xlsx and gonha import of workbooks, with the real
 * binary: every cell of an XLSX export is the CSV export's cell (text
 * cells text, years and counts numbers), files are 0600 and the private
 * temporary folder is gone afterwards, persons past a sheet's rows go on
 * further sheets with a note, and workbooks come back in as "unchanged";
 * a cell a spreadsheet made a date is refused at its sheet row. */
#include "e2e_fixtures.h"
#include "testlib.h"
#include "gonha/interchange/xlsx.h"

#include <csv.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <zip.h>

#define run(args) gn_e2e_run("admin", args)
#define out_text gn_e2e_out
#define err_text gn_e2e_err
#define path_of gn_e2e_path
#define same_files gn_e2e_same_files
#define sql1 gn_e2e_sql1
#define fingerprint gn_e2e_fingerprint
#define demo(db) REQUIRE(gn_e2e_demo(db))

static int files_in(const char *dir)
{
	DIR *d = opendir(path_of(dir));
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* ---- a CSV file and a workbook as tables of cells ---- */

typedef struct table {
	char ***rows;   /* rows[r][c] */
	size_t *n;      /* cells per row */
	int *kind;      /* XLSX: kind of cell of the row, packed per row */
	gn_xlsx_kind **kinds;
	size_t n_rows, cap;
	char **cur;
	size_t n_cur;
	gn_xlsx_kind *cur_kind;
} table;

static void push_row(table *t)
{
	if (t->n_rows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->rows = realloc(t->rows, t->cap * sizeof *t->rows);
		t->n = realloc(t->n, t->cap * sizeof *t->n);
		t->kinds = realloc(t->kinds, t->cap * sizeof *t->kinds);
	}
	t->rows[t->n_rows] = t->cur;
	t->n[t->n_rows] = t->n_cur;
	t->kinds[t->n_rows] = t->cur_kind;
	t->n_rows++;
	t->cur = NULL;
	t->cur_kind = NULL;
	t->n_cur = 0;
}

static void push_cell(table *t, const char *s, size_t len, gn_xlsx_kind kind)
{
	t->cur = realloc(t->cur, (t->n_cur + 1) * sizeof *t->cur);
	t->cur_kind = realloc(t->cur_kind, (t->n_cur + 1) * sizeof *t->cur_kind);
	t->cur[t->n_cur] = strndup(s, len);
	t->cur_kind[t->n_cur++] = kind;
}

static void on_cell(void *data, size_t len, void *arg)
{
	const char *s = data ? data : "";
	if (len && s[0] == '\'') /* the CSV's formula guard */
		s++, len--;
	push_cell(arg, s, len, GN_XLSX_TEXT);
}

static void on_end(int c, void *arg)
{
	(void)c;
	push_row(arg);
}

static void read_csv(const char *name, table *t)
{
	memset(t, 0, sizeof *t);
	FILE *f = fopen(path_of(name), "rb");
	if (!f)
		return;
	struct csv_parser p;
	csv_init(&p, CSV_APPEND_NULL);
	char buf[4096];
	size_t n;
	bool first = true;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		const char *b = buf;
		if (first && n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
			b += 3, n -= 3;
		first = false;
		csv_parse(&p, b, n, on_cell, on_end, t);
	}
	csv_fini(&p, on_cell, on_end, t);
	csv_free(&p);
	fclose(f);
}

static gn_status on_xrow(void *arg, const gn_xlsx_row *r, gn_err *err)
{
	(void)err;
	table *t = arg;
	for (size_t i = 0; i < r->n; i++)
		push_cell(t, r->cells[i].text, r->cells[i].len, r->cells[i].kind);
	push_row(t);
	return GN_OK;
}

static bool read_sheet(const char *name, size_t sheet, table *t)
{
	memset(t, 0, sizeof *t);
	gn_xlsx *x = NULL;
	gn_err err = { 0 };
	if (gn_xlsx_open(path_of(name), NULL, &x, &err) != GN_OK) {
		fprintf(stderr, "  %s: %s\n", name, err.msg);
		return false;
	}
	gn_status st = gn_xlsx_read_sheet(x, sheet, on_xrow, t, &err);
	gn_xlsx_close(x);
	return st == GN_OK;
}

static void free_table(table *t)
{
	for (size_t r = 0; r < t->n_rows; r++) {
		for (size_t c = 0; c < t->n[r]; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
		free(t->kinds[r]);
	}
	free(t->rows);
	free(t->n);
	free(t->kinds);
	memset(t, 0, sizeof *t);
}

static int col_of(const table *t, const char *name)
{
	for (size_t c = 0; t->n_rows && c < t->n[0]; c++)
		if (strcmp(t->rows[0][c], name) == 0)
			return (int)c;
	return -1;
}

static const char *cell(const table *t, size_t r, int c)
{
	return c >= 0 && r < t->n_rows && (size_t)c < t->n[r] ? t->rows[r][c] : "";
}

static gn_xlsx_kind kind_of(const table *t, size_t r, int c)
{
	return c >= 0 && r < t->n_rows && (size_t)c < t->n[r] ? t->kinds[r][c] : GN_XLSX_EMPTY;
}

/* Every cell of the sheet is the CSV's cell; says how many rows differ. */
static long differing_rows(const table *csv, const table *xl)
{
	long bad = 0;
	for (size_t r = 0; r < csv->n_rows || r < xl->n_rows; r++) {
		size_t n = r < csv->n_rows ? csv->n[r] : 0;
		bool same = r < csv->n_rows && r < xl->n_rows && xl->n[r] <= n;
		for (size_t c = 0; same && c < n; c++)
			same = strcmp(cell(csv, r, (int)c), cell(xl, r, (int)c)) == 0;
		if (!same && bad++ < 3)
			fprintf(stderr, "  row %zu differs\n", r + 1);
	}
	return bad;
}

static void persons_and_households_as_workbooks(void)
{
	demo("a.db");
	/* a phone with its leading zero, and a text that looks like a formula */
	char args[1024];
	snprintf(args, sizeof args,
	         "sqlite3 '%s' \"UPDATE person SET answers = json_set(answers, '$.notes', '=1+1') WHERE rowid = 2\"",
	         path_of("a.db"));
	if (system("command -v sqlite3 >/dev/null 2>&1") == 0)
		CHECK(system(args) == 0);
	CHECK_EQ_INT(run("export --db a.db --what persons --out p.csv --with-ids"), 0);
	CHECK_EQ_INT(run("export --db a.db --what households --out h.csv --with-ids"), 0);
	CHECK_EQ_INT(run("export --db a.db --what persons --out p.xlsx --with-ids"), 0); /* by the name */
	CHECK(strstr(err_text, "108 rows written to p.xlsx") != NULL);
	CHECK_EQ_INT(run("export --db a.db --what households --format xlsx --out h.xl --with-ids"), 0);
	struct stat sb;
	CHECK(stat(path_of("p.xlsx"), &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK(stat(path_of("h.xl"), &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK(stat(path_of("p.xlsx.part"), &sb) != 0);
	CHECK_EQ_INT(files_in("tmp"), 0); /* libxlsxwriter's folder is gone */
	CHECK(gn_xlsx_is_zip(path_of("h.xl")));

	table csv, xl;
	read_csv("p.csv", &csv);
	REQUIRE(read_sheet("p.xlsx", 0, &xl));
	CHECK_EQ_INT(csv.n_rows, 109);
	CHECK_EQ_INT(xl.n_rows, 109);
	CHECK_EQ_INT(differing_rows(&csv, &xl), 0);
	int cccd = col_of(&xl, "cccd"), year = col_of(&xl, "birth_year"), version = col_of(&xl, "version"),
	    tdp = col_of(&xl, "tdp_code"), age = col_of(&xl, "age");
	REQUIRE(cccd >= 0 && year >= 0 && version >= 0 && tdp >= 0 && age >= 0);
	bool zero_kept = false;
	for (size_t r = 1; r < xl.n_rows; r++) {
		CHECK(kind_of(&xl, r, year) == GN_XLSX_NUMBER || kind_of(&xl, r, year) == GN_XLSX_EMPTY);
		CHECK(kind_of(&xl, r, age) == GN_XLSX_NUMBER || kind_of(&xl, r, age) == GN_XLSX_EMPTY);
		CHECK_EQ_INT(kind_of(&xl, r, tdp), GN_XLSX_TEXT);
		CHECK_EQ_INT(kind_of(&xl, r, version), GN_XLSX_TEXT);
		CHECK(kind_of(&xl, r, cccd) == GN_XLSX_TEXT || kind_of(&xl, r, cccd) == GN_XLSX_EMPTY);
		if (cell(&xl, r, cccd)[0] == '0')
			zero_kept = true;
	}
	CHECK(zero_kept);
	CHECK_STR(cell(&xl, 1, tdp), "01");
	free_table(&csv);
	free_table(&xl);

	read_csv("h.csv", &csv);
	REQUIRE(read_sheet("h.xl", 0, &xl));
	CHECK_EQ_INT(xl.n_rows, 37);
	CHECK_EQ_INT(differing_rows(&csv, &xl), 0);
	int phone = col_of(&xl, "phone"), members = col_of(&xl, "member_count"), walk = col_of(&xl, "walk_order");
	REQUIRE(members >= 0 && walk >= 0);
	CHECK_EQ_INT(kind_of(&xl, 1, members), GN_XLSX_NUMBER);
	CHECK_EQ_INT(kind_of(&xl, 1, walk), GN_XLSX_TEXT); /* "1.0" stays "1.0" */
	if (phone >= 0)
		for (size_t r = 1; r < xl.n_rows; r++)
			if (*cell(&xl, r, phone))
				CHECK(cell(&xl, r, phone)[0] == '0' && kind_of(&xl, r, phone) == GN_XLSX_TEXT);
	free_table(&csv);
	free_table(&xl);

	/* back into the same ward: nothing changes */
	char before[1 << 14];
	snprintf(before, sizeof before, "%s", fingerprint("a.db"));
	CHECK_EQ_INT(run("import h.xl --db a.db"), 0);
	CHECK(strstr(out_text, "36 rows; added 0, updated 0, kept 0 of ours as newer, 36 unchanged") != NULL);
	CHECK_EQ_INT(run("import p.xlsx --db a.db"), 0);
	CHECK(strstr(out_text, "108 rows; added 0, updated 0, kept 0 of ours as newer, 108 unchanged") != NULL);
	CHECK_STR(fingerprint("a.db"), before);
	CHECK_EQ_INT(files_in("tmp"), 0); /* the temporary CSV is gone too */

	/* into an empty ward, and out again as the same CSV */
	CHECK_EQ_INT(run("--lang vi init --db b.db --ward 'Phường Vạn Xuân' --tdps 3"), 0);
	CHECK_EQ_INT(run("import h.xl --db b.db"), 0);
	CHECK(strstr(out_text, "added 36") != NULL);
	CHECK_EQ_INT(run("import p.xlsx --db b.db"), 0);
	CHECK(strstr(out_text, "added 108") != NULL);
	CHECK_EQ_INT(run("export --db b.db --what persons --out p2.csv --with-ids"), 0);
	CHECK_EQ_INT(run("export --db b.db --what households --out h2.csv --with-ids"), 0);
	CHECK(same_files("p.csv", "p2.csv"));
	CHECK(same_files("h.csv", "h2.csv"));
	/* the audit names the workbook */
	CHECK_STR(sql1("b.db", "SELECT min(json_extract(changes, '$.file')) FROM audit_log WHERE action = 'import_add' "
	                       "AND table_name = 'person'"),
	          "p.xlsx");
	CHECK_EQ_INT(run("check --db b.db"), 0);
	/* an export never replaces a file, workbook or not */
	CHECK_EQ_INT(run("export --db a.db --what persons --out p.xlsx"), 2);
}

static void labels_coverage_and_the_report(void)
{
	demo("a.db");
	CHECK_EQ_INT(run("export --db a.db --what persons --out l.xlsx --labels"), 0);
	table xl;
	REQUIRE(read_sheet("l.xlsx", 0, &xl));
	CHECK(col_of(&xl, "Họ và tên") >= 0);
	CHECK(col_of(&xl, "Năm sinh") >= 0);
	CHECK(col_of(&xl, "full_name") < 0);
	free_table(&xl);

	CHECK_EQ_INT(run("export --db a.db --what coverage --out c.csv"), 0);
	CHECK_EQ_INT(run("export --db a.db --what coverage --out c.xlsx"), 0);
	table csv;
	read_csv("c.csv", &csv);
	REQUIRE(read_sheet("c.xlsx", 0, &xl));
	CHECK_EQ_INT(xl.n_rows, 5); /* header, 3 TDPs, the ward */
	CHECK_EQ_INT(xl.n_rows, csv.n_rows);
	/* the same cells; percentages as numbers ("80.0" is 80 shown 80.0) */
	for (size_t r = 0; r < xl.n_rows; r++) {
		CHECK(xl.n[r] <= csv.n[r]); /* empty cells at the end are not written */
		for (size_t c = 0; c < csv.n[r]; c++) {
			if (kind_of(&xl, r, (int)c) == GN_XLSX_NUMBER)
				CHECK(strtod(cell(&xl, r, (int)c), NULL) == strtod(cell(&csv, r, (int)c), NULL));
			else
				CHECK_STR(cell(&xl, r, (int)c), cell(&csv, r, (int)c));
		}
	}
	CHECK_EQ_INT(kind_of(&xl, 1, 2), GN_XLSX_NUMBER);
	CHECK_EQ_INT(kind_of(&xl, 1, 0), GN_XLSX_TEXT);
	free_table(&xl);

	CHECK_EQ_INT(run("report --db a.db --format xlsx"), 2); /* a workbook needs --out */
	CHECK(strstr(err_text, "--out FILE.xlsx") != NULL);
	CHECK_EQ_INT(run("report --db a.db --format xlsx --out r.xlsx"), 0);
	struct stat sb;
	CHECK(stat(path_of("r.xlsx"), &sb) == 0 && (sb.st_mode & 0777) == 0600);
	gn_xlsx *x = NULL;
	gn_err err = { 0 };
	REQUIRE(gn_xlsx_open(path_of("r.xlsx"), NULL, &x, &err) == GN_OK);
	CHECK_STR(gn_xlsx_sheet_name(x, 0), "Tiến độ");
	gn_xlsx_close(x);
	REQUIRE(read_sheet("r.xlsx", 0, &xl));
	CHECK_STR(cell(&xl, 0, 0), "Mã tổ dân phố");
	CHECK_EQ_INT(xl.n_rows, csv.n_rows);
	for (size_t r = 1; r < xl.n_rows; r++)
		for (int c = 2; c < 8; c++)
			CHECK_STR(cell(&xl, r, c), cell(&csv, r, c));
	free_table(&xl);
	free_table(&csv);
	CHECK_EQ_INT(files_in("tmp"), 0);
}

/* With 50 rows a sheet, 108 persons take three sheets (each with the
 * header) and a note; they come back in as one file. */
static void persons_go_on_further_sheets(void)
{
	demo("a.db");
	CHECK_EQ_INT(run("export --db a.db --what persons --out m.xlsx --with-ids --sheet-rows 50"), 0);
	CHECK_EQ_INT(run("export --db a.db --what persons --out m1.xlsx --sheet-rows 1"), 2);
	CHECK(strstr(err_text, "--sheet-rows") != NULL);
	gn_xlsx *x = NULL;
	gn_err err = { 0 };
	REQUIRE(gn_xlsx_open(path_of("m.xlsx"), NULL, &x, &err) == GN_OK);
	CHECK_EQ_INT(gn_xlsx_sheet_count(x), 4);
	CHECK_STR(gn_xlsx_sheet_name(x, 0), "Nhân khẩu");
	CHECK_STR(gn_xlsx_sheet_name(x, 1), "Nhân khẩu (2)");
	CHECK_STR(gn_xlsx_sheet_name(x, 2), "Nhân khẩu (3)");
	CHECK_STR(gn_xlsx_sheet_name(x, 3), "Ghi chú");
	gn_xlsx_close(x);
	table s[3], note;
	long data = 0;
	for (int k = 0; k < 3; k++) {
		REQUIRE(read_sheet("m.xlsx", (size_t)k, &s[k]));
		CHECK_STR(cell(&s[k], 0, 0), "person_id");
		CHECK(s[k].n_rows <= 50);
		data += (long)s[k].n_rows - 1;
	}
	CHECK_EQ_INT(s[0].n_rows, 50);
	CHECK_EQ_INT(data, 108);
	REQUIRE(read_sheet("m.xlsx", 3, &note));
	CHECK(strstr(cell(&note, 0, 0), "108") != NULL && strstr(cell(&note, 0, 0), "3 trang") != NULL);
	free_table(&note);
	for (int k = 0; k < 3; k++)
		free_table(&s[k]);

	char before[1 << 14];
	snprintf(before, sizeof before, "%s", fingerprint("a.db"));
	CHECK_EQ_INT(run("import m.xlsx --db a.db"), 0);
	CHECK(strstr(out_text, "108 rows; added 0, updated 0, kept 0 of ours as newer, 108 unchanged") != NULL);
	CHECK_STR(fingerprint("a.db"), before);
}

/* Replaces the first `from` in a part of a zip with `to`. */
static bool edit_part(const char *file, const char *part, const char *from, const char *to)
{
	int ze = 0;
	zip_t *z = zip_open(path_of(file), 0, &ze);
	if (!z)
		return false;
	zip_int64_t i = zip_name_locate(z, part, 0);
	zip_stat_t st;
	zip_file_t *f = i >= 0 && zip_stat_index(z, (zip_uint64_t)i, 0, &st) == 0 ? zip_fopen_index(z, (zip_uint64_t)i, 0)
	                                                                         : NULL;
	if (!f) {
		zip_discard(z);
		return false;
	}
	char *data = malloc(st.size + 1);
	zip_int64_t got = zip_fread(f, data, st.size);
	zip_fclose(f);
	data[got > 0 ? got : 0] = '\0';
	char *at = strstr(data, from);
	if (!at) {
		free(data);
		zip_discard(z);
		return false;
	}
	size_t nl = strlen(data) - strlen(from) + strlen(to);
	char *out = malloc(nl + 1);
	size_t head = (size_t)(at - data);
	memcpy(out, data, head);
	strcpy(out + head, to);
	strcat(out + head, at + strlen(from));
	free(data);
	zip_source_t *s = zip_source_buffer(z, out, strlen(out), 1);
	bool ok = s && zip_file_replace(z, (zip_uint64_t)i, s, 0) == 0;
	return zip_close(z) == 0 && ok;
}

/* A spreadsheet turned a full name on the second sheet into a date and a
 * house number into an error: both refused at their sheet row, the
 * import's own problem (a bad CCCD) reported with them, nothing changed. */
static void dates_a_spreadsheet_made_are_refused_at_their_row(void)
{
	demo("a.db");
	CHECK_EQ_INT(run("export --db a.db --what persons --out m.xlsx --with-ids --sheet-rows 50"), 0);
	REQUIRE(edit_part("m.xlsx", "xl/styles.xml", "<cellXfs count=\"3\">", "<cellXfs count=\"4\">"));
	REQUIRE(edit_part("m.xlsx", "xl/styles.xml", "</cellXfs>", "<xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" "
	                                                             "borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>"));
	/* sheet 2, row 5: the full name (column E) becomes a date; a CCCD
	 * (column I) further down gets a 13th digit */
	table s2;
	REQUIRE(read_sheet("m.xlsx", 1, &s2));
	char old[512], repl[512];
	snprintf(old, sizeof old, "<c r=\"E5\" s=\"2\" t=\"inlineStr\"><is><t>%s</t></is></c>", cell(&s2, 4, 4));
	REQUIRE(edit_part("m.xlsx", "xl/worksheets/sheet2.xml", old, "<c r=\"E5\" s=\"3\"><v>46346</v></c>"));
	size_t bad = 0;
	for (size_t r = 6; r < s2.n_rows && !bad; r++)
		if (strlen(cell(&s2, r, 8)) == 12)
			bad = r;
	REQUIRE(bad);
	snprintf(old, sizeof old, "<c r=\"I%zu\" s=\"2\" t=\"inlineStr\"><is><t>%s</t>", bad + 1, cell(&s2, bad, 8));
	snprintf(repl, sizeof repl, "<c r=\"I%zu\" s=\"2\" t=\"inlineStr\"><is><t>9%s</t>", bad + 1, cell(&s2, bad, 8));
	free_table(&s2);
	REQUIRE(edit_part("m.xlsx", "xl/worksheets/sheet2.xml", old, repl));
	char want[128];
	snprintf(want, sizeof want, "m.xlsx:%zu: sheet Nhân khẩu (2): ", bad + 1);
	char before[1 << 14];
	snprintf(before, sizeof before, "%s", fingerprint("a.db"));
	CHECK_EQ_INT(run("import m.xlsx --db a.db"), 2);
	CHECK(strstr(err_text, "m.xlsx:5: sheet Nhân khẩu (2): column full_name: the spreadsheet made this cell a date "
	                       "(46346)") != NULL);
	CHECK(strstr(err_text, want) != NULL);
	CHECK(strstr(err_text, "rows refused: nothing was imported") != NULL);
	CHECK_STR(fingerprint("a.db"), before);
	CHECK_EQ_INT(files_in("tmp"), 0);
	if (gn_test_failed)
		fprintf(stderr, "%s", err_text);
}

static void not_a_workbook(void)
{
	demo("a.db");
	FILE *f = fopen(path_of("x.xlsx"), "wb");
	REQUIRE(f);
	fputs("PK\3\4 but nothing after", f);
	fclose(f);
	CHECK_EQ_INT(run("import x.xlsx --db a.db"), 2);
	CHECK(strstr(err_text, "not a zip file") != NULL);
	/* a CSV named .xlsx is read as the CSV it is */
	CHECK_EQ_INT(run("export --db a.db --what households --out h.csv --format csv"), 0);
	CHECK(rename(path_of("h.csv"), path_of("h-named.xlsx")) == 0);
	CHECK_EQ_INT(run("import h-named.xlsx --db a.db"), 0);
	CHECK(strstr(out_text, "36 unchanged") != NULL);
}

GN_TESTS(T(persons_and_households_as_workbooks), T(labels_coverage_and_the_report), T(persons_go_on_further_sheets),
         T(dates_a_spreadsheet_made_are_refused_at_their_row), T(not_a_workbook))
