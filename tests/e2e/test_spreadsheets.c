/* Files that went through a spreadsheet and came back, and the one
 * validation path: what Excel and LibreOffice Calc do to a gonha export is
 * undone where it is certain (the file imports back as unchanged) and
 * refused at its line where it is not; every rule of the form and of the
 * domain is met by import as by the form screen; `gonha check` finds
 * stored records that break them. (The round trip through a real
 * LibreOffice is `make check-office`.) */
#include "e2e_fixtures.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define run gn_e2e_run
#define sql1 gn_e2e_sql1

#define has gn_e2e_has

/* What a spreadsheet does to a file nobody edited, all at once: leading
 * zeros of phones dropped, walk_order 1.0 shown as 1, an all-digit version
 * token (made by an older gonha) in exponent form, ';' as separator (Excel
 * where the decimal mark is a comma), every cell quoted, no BOM, LF. */
static void a_spreadsheet_save_comes_back_unchanged(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	/* tokens of the old, all-digit form, as other PCs still send them */
	REQUIRE(run("admin", "check --db a.db") == 0);
	char sql[512];
	snprintf(sql, sizeof sql, "sqlite3 '%s' \"UPDATE household SET version = '9068954878922600' WHERE rowid = 2; "
	         "UPDATE person SET version = '1234567890123456' WHERE rowid = 3\"", gn_e2e_path("a.db"));
	REQUIRE(system(sql) == 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h.csv"), 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out p.csv"), 0);
	gn_csv_table h, p;
	REQUIRE(gn_csv_read("h.csv", &h) && gn_csv_read("p.csv", &p));
	int phone = gn_csv_col(&h, "phone"), walk = gn_csv_col(&h, "walk_order"), hv = gn_csv_col(&h, "version");
	int pv = gn_csv_col(&p, "version");
	REQUIRE(phone >= 0 && walk >= 0 && hv >= 0 && pv >= 0);
	int phones = 0, mangled = 0;
	for (size_t r = 1; r < h.rows; r++) {
		char *v = gn_csv_cell(&h, r, phone);
		if (v[0] == '0') {
			gn_csv_set(&h, r, phone, v + 1);
			phones++;
		}
		char *w = gn_csv_cell(&h, r, walk), *dot = strstr(w, ".0");
		if (dot && dot[2] == '\0') {
			*dot = '\0';
		}
		if (strcmp(gn_csv_cell(&h, r, hv), "9068954878922600") == 0) {
			gn_csv_set(&h, r, hv, "9.0689548789226E+015");
			mangled++;
		}
	}
	for (size_t r = 1; r < p.rows; r++)
		if (strcmp(gn_csv_cell(&p, r, pv), "1234567890123456") == 0) {
			gn_csv_set(&p, r, pv, "1.23456789012346E+015");
			mangled++;
		}
	CHECK(phones > 5);
	CHECK_EQ_INT(mangled, 2);
	gn_csv_write(&h, "h-calc.csv", ';', true, false, false);
	gn_csv_write(&p, "p-calc.csv", ';', true, false, false);
	char before[1 << 14];
	snprintf(before, sizeof before, "%s", gn_e2e_fingerprint("a.db"));
	CHECK_EQ_INT(run("admin", "import h-calc.csv --db a.db"), 0);
	CHECK(has(gn_e2e_out, "updated 0") && has(gn_e2e_out, "36 unchanged"));
	CHECK_EQ_INT(run("admin", "import p-calc.csv --db a.db"), 0);
	CHECK(has(gn_e2e_out, "added 0, updated 0"));
	CHECK_STR(gn_e2e_fingerprint("a.db"), before);
	/* the phones kept their 0 */
	CHECK_STR(sql1("a.db", "SELECT count(*) FROM household WHERE json_extract(answers, '$.phone') NOT LIKE '0%'"), "0");
	/* an edit made in that spreadsheet is taken, its phone with its 0 */
	for (size_t r = 1; r < h.rows; r++)
		if (strcmp(gn_csv_cell(&h, r, hv), "9.0689548789226E+015") != 0) {
			gn_csv_set(&h, r, gn_csv_col(&h, "house_no"), "12B");
			gn_csv_set(&h, r, phone, "912345678");
			break;
		}
	gn_csv_write(&h, "h-edit.csv", ';', false, true, true);
	CHECK_EQ_INT(run("admin", "import h-edit.csv --db a.db"), 0);
	CHECK(has(gn_e2e_out, "updated 1"));
	CHECK_STR(sql1("a.db", "SELECT json_extract(answers, '$.phone') FROM household WHERE house_no = '12B'"),
	          "0912345678");
	CHECK_EQ_INT(run("admin", "check --db a.db"), 0);
	gn_csv_free(&h);
	gn_csv_free(&p);
}

/* An edited record whose version a spreadsheet turned into a number: gonha
 * cannot tell which version it was made from, so the line is refused. */
static void an_edit_with_a_mangled_version_is_refused(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	char sql[512];
	snprintf(sql, sizeof sql, "sqlite3 '%s' \"UPDATE household SET version = '9068954878922600' WHERE rowid = 2\"",
	         gn_e2e_path("a.db"));
	REQUIRE(system(sql) == 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h.csv"), 0);
	/* meanwhile the record changes here, so the mangled token matches nothing */
	snprintf(sql, sizeof sql, "sqlite3 '%s' \"UPDATE household SET version = '1111111111111111' WHERE rowid = 2\"",
	         gn_e2e_path("a.db"));
	REQUIRE(system(sql) == 0);
	gn_csv_table h;
	REQUIRE(gn_csv_read("h.csv", &h));
	int hv = gn_csv_col(&h, "version"), house = gn_csv_col(&h, "house_no");
	size_t line = 0;
	for (size_t r = 1; r < h.rows && !line; r++)
		if (strcmp(gn_csv_cell(&h, r, hv), "9068954878922600") == 0) {
			gn_csv_set(&h, r, hv, "9.0689548789226E+015");
			gn_csv_set(&h, r, house, "99");
			line = r + 1;
		}
	REQUIRE(line);
	gn_csv_write(&h, "h-bad.csv", ',', false, true, true);
	char before[1 << 14], want[128];
	snprintf(before, sizeof before, "%s", gn_e2e_fingerprint("a.db"));
	CHECK_EQ_INT(run("admin", "import h-bad.csv --db a.db"), 2);
	snprintf(want, sizeof want, "h-bad.csv:%zu: version \"9.0689548789226E+015\": the spreadsheet turned", line);
	CHECK(has(gn_e2e_err, want));
	CHECK_STR(gn_e2e_fingerprint("a.db"), before);
	gn_csv_free(&h);
}

/* What Excel does that cannot be undone for certain, each refused at its
 * line, all in one go, naming the column and what happened; nothing
 * changes. */
static void spreadsheet_damage_is_refused_at_its_line(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h.csv"), 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out p.csv --with-ids"), 0);
	gn_csv_table h, p;
	REQUIRE(gn_csv_read("h.csv", &h) && gn_csv_read("p.csv", &p));
	int date = gn_csv_col(&h, "visit_date"), house = gn_csv_col(&h, "house_no");
	size_t dated = 0;
	for (size_t r = 1; r < h.rows && !dated; r++)
		if (*gn_csv_cell(&h, r, date))
			dated = r;
	REQUIRE(dated && dated + 2 < h.rows);
	gn_csv_set(&h, dated, date, "20/10/2026");    /* a dd/mm/yyyy locale date */
	gn_csv_set(&h, dated + 1, house, "03/12/2026"); /* house number 12/3 taken for a date */
	gn_csv_set(&h, dated + 2, house, "5-Jul");      /* 5-7 taken for a date */
	gn_csv_write(&h, "h-excel.csv", ',', false, true, true);
	char before[1 << 14], want[256];
	snprintf(before, sizeof before, "%s", gn_e2e_fingerprint("a.db"));
	CHECK_EQ_INT(run("admin", "import h-excel.csv --db a.db"), 2);
	snprintf(want, sizeof want, "h-excel.csv:%zu: visit_date \"20/10/2026\": the spreadsheet rewrote this date", dated + 1);
	CHECK(has(gn_e2e_err, want));
	snprintf(want, sizeof want, "h-excel.csv:%zu: house_no \"03/12/2026\": the spreadsheet turned this house number",
	         dated + 2);
	CHECK(has(gn_e2e_err, want));
	snprintf(want, sizeof want, "h-excel.csv:%zu: house_no \"5-Jul\"", dated + 3);
	CHECK(has(gn_e2e_err, want));
	CHECK(has(gn_e2e_err, "3 rows refused: nothing was imported"));
	CHECK_STR(gn_e2e_fingerprint("a.db"), before);
	/* a 12-digit CCCD shown as 1.23457E+11 */
	int cccd = gn_csv_col(&p, "cccd");
	size_t with = 0;
	for (size_t r = 1; r < p.rows && !with; r++)
		if (*gn_csv_cell(&p, r, cccd))
			with = r;
	REQUIRE(with);
	gn_csv_set(&p, with, cccd, "1.23457E+11");
	gn_csv_write(&p, "p-excel.csv", ',', false, true, true);
	CHECK_EQ_INT(run("admin", "import p-excel.csv --db a.db"), 2);
	snprintf(want, sizeof want, "p-excel.csv:%zu: cccd \"1.23457E+11\": the spreadsheet turned this number into exponent form",
	         with + 1);
	CHECK(has(gn_e2e_err, want));
	CHECK_STR(gn_e2e_fingerprint("a.db"), before);
	/* "CSV (Comma delimited)" of a Vietnamese Windows: Windows-1258 */
	const char *cp1258 = "tdp_code,street,head_name\r\n01,L\xd2\x6eg,Nguy\xd2n V\xe3n A\r\n02,Ph\xd2,Tr\xe2n B\r\n";
	gn_e2e_write("list-1258.csv", cp1258, strlen(cp1258));
	CHECK_EQ_INT(run("admin", "import list-1258.csv --db a.db"), 2);
	CHECK(has(gn_e2e_err, "list-1258.csv:2: the text is not UTF-8 (perhaps TCVN3, VNI or Windows-1258)"));
	CHECK(has(gn_e2e_err, "list-1258.csv:3: the text is not UTF-8"));
	CHECK_STR(gn_e2e_fingerprint("a.db"), before);
	gn_csv_free(&h);
	gn_csv_free(&p);
}

/* The import meets the form's constraints and the domain's rules, the
 * same the form screen meets: each refused at its line. */
static void import_checks_what_the_form_checks(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h.csv"), 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out p.csv"), 0);
	gn_csv_table h, p;
	REQUIRE(gn_csv_read("h.csv", &h) && gn_csv_read("p.csv", &p));
	int date = gn_csv_col(&h, "visit_date"), phone = gn_csv_col(&h, "phone"), status = gn_csv_col(&h, "visit_status");
	gn_csv_set(&h, 1, status, "done");
	gn_csv_set(&h, 1, date, "1850-01-01");
	gn_csv_set(&h, 2, status, "done");
	gn_csv_set(&h, 2, date, "2099-05-05");
	gn_csv_set(&h, 3, phone, "12345");
	gn_csv_set(&h, 4, status, "done");
	gn_csv_set(&h, 4, date, "");
	gn_csv_write(&h, "h-bad.csv", ',', false, true, true);
	char before[1 << 14];
	snprintf(before, sizeof before, "%s", gn_e2e_fingerprint("a.db"));
	CHECK_EQ_INT(run("admin", "import h-bad.csv --db a.db"), 2);
	CHECK(has(gn_e2e_err, "h-bad.csv:2: visit_date \"1850-01-01\""));
	CHECK(has(gn_e2e_err, "h-bad.csv:3: visit_date \"2099-05-05\": the visit date is in the future"));
	CHECK(has(gn_e2e_err, "h-bad.csv:4: phone \"12345\": A phone number is 10 or 11 digits starting with 0"));
	CHECK(has(gn_e2e_err, "h-bad.csv:5: visit_date: the visit date is required once the household was visited"));
	CHECK_STR(gn_e2e_fingerprint("a.db"), before);

	char long_name[100], long_note[520];
	memset(long_name, 'A', 81);
	long_name[81] = '\0';
	memset(long_note, 'x', 501);
	long_note[501] = '\0';
	gn_csv_set(&p, 1, gn_csv_col(&p, "full_name"), long_name);
	gn_csv_set(&p, 2, gn_csv_col(&p, "notes"), long_note);
	gn_csv_set(&p, 3, gn_csv_col(&p, "birth_year"), "1850");
	gn_csv_set(&p, 4, gn_csv_col(&p, "sex"), "alien");
	gn_csv_set(&p, 5, gn_csv_col(&p, "smartphone"), "maybe");
	gn_csv_write(&p, "p-bad.csv", ',', false, true, true);
	CHECK_EQ_INT(run("admin", "import p-bad.csv --db a.db"), 2);
	CHECK(has(gn_e2e_err, "p-bad.csv:2: full_name \"AAAA"));
	CHECK(has(gn_e2e_err, "The name is too long (at most 80 characters)"));
	CHECK(has(gn_e2e_err, "p-bad.csv:3: notes \"xxxx"));
	CHECK(has(gn_e2e_err, "The note is too long (at most 500 characters)"));
	CHECK(has(gn_e2e_err, "p-bad.csv:4: birth_year \"1850\": the birth year must be between 1900 and 2026"));
	CHECK(has(gn_e2e_err, "p-bad.csv:5: sex \"alien\": is not one of the choices"));
	CHECK(has(gn_e2e_err, "p-bad.csv:6: smartphone \"maybe\": is not one of the choices"));
	CHECK(has(gn_e2e_err, "5 rows refused"));
	CHECK_STR(gn_e2e_fingerprint("a.db"), before);
	gn_csv_free(&h);
	gn_csv_free(&p);
}

/* A household list (before the round) is checked like a save: the head's
 * values and the phone by the form's rule; what the round has not answered
 * yet is reported, not refused. */
static void a_household_list_is_checked_like_a_save(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	const char *bad = "tdp_code,house_no,alley,street,head_name,head_birth_year,head_sex,phone\n"
	                  "02,7,ngõ 9,Lương Ngọc Quyến,Nguyễn Văn Tâm,1961,Nam,12345\n"
	                  "02,9,ngõ 9,Lương Ngọc Quyến,Trần Thị Hoa,1850,Nữ,\n";
	gn_e2e_write("list-bad.csv", bad, strlen(bad));
	CHECK_EQ_INT(run("admin", "import list-bad.csv --db a.db"), 2);
	CHECK(has(gn_e2e_err, "list-bad.csv:2: phone \"12345\": A phone number is 10 or 11 digits starting with 0"));
	CHECK(has(gn_e2e_err, "list-bad.csv:3: head_birth_year \"1850\": the birth year must be between 1900 and 2026"));
	/* a phone that lost its 0 in Excel gets it back; no house number yet */
	const char *good = "tdp_code,house_no,alley,street,head_name,head_birth_year,head_sex,phone\n"
	                   "2,,ngõ 9,Lương Ngọc Quyến,Nguyễn Văn Tâm,1961,Nam,912345678\n";
	gn_e2e_write("list.csv", good, strlen(good));
	CHECK_EQ_INT(run("admin", "import list.csv --db a.db"), 0);
	CHECK(has(gn_e2e_out, "added 1"));
	CHECK(has(gn_e2e_out, "still empty (the first: line 2, house_no)"));
	CHECK_STR(sql1("a.db", "SELECT json_extract(h.answers, '$.phone') FROM household h JOIN person p ON "
	                       "p.household_id = h.id WHERE p.full_name = 'Nguyễn Văn Tâm'"),
	          "0912345678");
}

/* Data that got in before a rule existed (or by another tool) is found. */
static void check_finds_records_that_break_a_rule(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	CHECK_EQ_INT(run("admin", "check --db a.db"), 0);
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "sqlite3 '%s' \"UPDATE household SET answers = json_set(answers, '$.phone', '12345') WHERE rowid = 3; "
	         "UPDATE household SET visit_status = 'done', visit_date = '2099-01-01' WHERE rowid = 4; "
	         "UPDATE person SET answers = json_set(answers, '$.notes', printf('%%.*c', 600, 'x')) WHERE rowid = 5\"",
	         gn_e2e_path("a.db"));
	REQUIRE(system(sql) == 0);
	char id3[64], id4[64], id5[64], want[256];
	snprintf(id3, sizeof id3, "%s", sql1("a.db", "SELECT id FROM household WHERE rowid = 3"));
	snprintf(id4, sizeof id4, "%s", sql1("a.db", "SELECT id FROM household WHERE rowid = 4"));
	snprintf(id5, sizeof id5, "%s", sql1("a.db", "SELECT id FROM person WHERE rowid = 5"));
	CHECK_EQ_INT(run("admin", "check --db a.db"), 1);
	snprintf(want, sizeof want, "form\thousehold\t%s\tphone: A phone number is 10 or 11 digits", id3);
	CHECK(has(gn_e2e_out, want));
	snprintf(want, sizeof want, "values\thousehold\t%s\tvisit_date: the visit date is in the future", id4);
	CHECK(has(gn_e2e_out, want));
	snprintf(want, sizeof want, "form\tperson\t%s\tnotes: The note is too long", id5);
	CHECK(has(gn_e2e_out, want));
	CHECK(!strstr(gn_e2e_out, "xxxx")); /* names records, never their data */
}

GN_TESTS(T(a_spreadsheet_save_comes_back_unchanged), T(an_edit_with_a_mangled_version_is_refused),
         T(spreadsheet_damage_is_refused_at_its_line), T(import_checks_what_the_form_checks),
         T(a_household_list_is_checked_like_a_save), T(check_finds_records_that_break_a_rule))
