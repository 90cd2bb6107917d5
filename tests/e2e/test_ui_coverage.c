/* The coverage screens end to end: the real binary on a pseudo-terminal
 * (term.h) over a small demo ward; every number looked for on the screen
 * is counted independently here with plain SQL over person and household,
 * not from gonha's kept counters. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"
#include "term.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define bin gn_e2e_bin
#define db gn_ui_db()
#define make_demo(name) gn_ui_demo(name, 2, 20)
#define sign_in(t, user) gn_ui_sign_in(t, user, "demo", "Số người")
#define query_int gn_ui_query_int
#define query_text gn_ui_query_text
#define quit gn_ui_quit

static char export_env[600];

static gn_term *start(void)
{
	snprintf(export_env, sizeof export_env, "GONHA_EXPORT_DIR=%s", gn_test_tmpdir());
	return gn_ui_start(24, 80, NULL, export_env);
}

#define WAIT(t, text) CHECK_EQ_INT(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, text) REQUIRE(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS) == 0)


/* What is awaited may be on screen before the rest of the same redraw:
 * before reading a row, wait until the program has stopped writing. */
static void settled(gn_term *t)
{
	CHECK_EQ_INT(gn_term_wait_quiet(t, 150, GN_TERM_WAIT_MS), 0);
}

/* The plan's indicator c, written out in plain SQL over one TDP's persons
 * (tdp = '' for every TDP): the adults, and those with a smartphone, safety
 * online, and online services or cashless payment. */
#define PERSONS(tdp) "FROM person p JOIN household h ON h.id = p.household_id JOIN tdp t ON t.id = h.tdp_id " \
	"WHERE p.deleted = 0 AND h.deleted = 0 AND ('" tdp "' = '' OR t.code = '" tdp "') "
#define ADULT " AND 2026 - p.birth_year >= 18"
#define SKILLED " AND json_extract(p.answers, '$.smartphone') = 'yes' AND json_extract(p.answers, '$.digital_safety') = 'yes'" \
	" AND (json_extract(p.answers, '$.online_services') = 'yes' OR json_extract(p.answers, '$.cashless') = 'yes')"

/* "78,8%" as the screen shows it. */
static void pct_vi(long num, long den, char *out, size_t size)
{
	snprintf(out, size, "%.1f%%", 100.0 * (double)num / (double)den);
	for (char *p = out; *p; p++)
		if (*p == '.')
			*p = ',';
}

static void tdp_coverage_matches_a_plain_count(void)
{
	make_demo("cov.db");
	gn_term *t = start();
	REQUIRE(t);
	REQUIRE(sign_in(t, "admin") == 0);
	/* from the TDP's household list, one key */
	gn_term_type(t, "j"); /* down (the driver's arrows are not the terminal's keypad ones) */
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "20 hộ");
	gn_term_type(t, "c");
	REQUIRE_WAIT(t, "Độ phủ · Tổ dân phố 2 (02)");
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "20 hộ");
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "Số người");
	/* from home, on TDP 1 */
	gn_term_type(t, "k");
	gn_term_type(t, "c");
	REQUIRE_WAIT(t, "Độ phủ · Tổ dân phố 1 (01)");

	char want[256];
	long listed = query_int("SELECT count(*) FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE t.code = '01' AND h.deleted = 0");
	long visited = query_int("SELECT count(*) FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE t.code = '01' AND h.deleted = 0 "
	                         "AND h.visit_status IN ('done', 'refused', 'moved')");
	long revisit = query_int("SELECT count(*) FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE t.code = '01' AND h.deleted = 0 "
	                         "AND h.visit_status = 'revisit'");
	long refused = query_int("SELECT count(*) FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE t.code = '01' AND h.deleted = 0 "
	                         "AND h.visit_status = 'refused'");
	snprintf(want, sizeof want, "Hộ: %ld đã lập · %ld đã thăm · %ld hẹn lại · %ld từ chối", listed, visited, revisit, refused);
	WAIT(t, want);
	long adults = query_int("SELECT count(*) " PERSONS("01") ADULT);
	long skilled = query_int("SELECT count(*) " PERSONS("01") ADULT SKILLED);
	REQUIRE(adults > 0);
	snprintf(want, sizeof want, "Người từ 18 tuổi: %ld", adults);
	WAIT(t, want);
	char pct[32];
	pct_vi(skilled, adults, pct, sizeof pct);
	snprintf(want, sizeof want, "%ld/%ld", skilled, adults);
	WAIT(t, want);
	WAIT(t, pct);
	/* 2026's target for c is 100%: everybody not counted is short */
	if (skilled < adults)
		snprintf(want, sizeof want, "chỉ tiêu 100%% · còn thiếu %ld người", adults - skilled);
	else
		snprintf(want, sizeof want, "chỉ tiêu 100%% · đã đạt");
	WAIT(t, want);
	/* the bank account has no target: said so, never 0% */
	WAIT(t, "không có chỉ tiêu");
	char *screen = gn_term_screen(t);
	CHECK(screen && strstr(screen, "chỉ tiêu 0%") == NULL);
	free(screen);
	quit(t);
}

static void ward_dashboard_sorts(void)
{
	make_demo("dash.db");
	gn_term *t = start();
	REQUIRE(t);
	REQUIRE(sign_in(t, "admin") == 0);
	gn_term_type(t, "w");
	REQUIRE_WAIT(t, "Bảng theo dõi");
	WAIT(t, "xếp: Tổ dân phố ▲");
	char want[128];
	long adults = query_int("SELECT count(*) " PERSONS("") ADULT);
	long skilled = query_int("SELECT count(*) " PERSONS("") ADULT SKILLED);
	snprintf(want, sizeof want, "%ld/%ld", skilled, adults);
	WAIT(t, want);
	settled(t);
	char *row = gn_term_row(t, 3);
	CHECK(row && strstr(row, "Toàn phường") && strstr(row, want));
	free(row);
	settled(t);
	row = gn_term_row(t, 5);
	CHECK(row && strncmp(row, " 01 ", 4) == 0);
	free(row);

	/* sort by c's percent, largest first (o: households, visited, revisit,
	 * refused, adults, reached, %) */
	for (int i = 0; i < 7; i++)
		gn_term_type(t, "o");
	REQUIRE_WAIT(t, "xếp: % ▼");
	long a1 = query_int("SELECT count(*) " PERSONS("01") ADULT), s1 = query_int("SELECT count(*) " PERSONS("01") ADULT SKILLED);
	long a2 = query_int("SELECT count(*) " PERSONS("02") ADULT), s2 = query_int("SELECT count(*) " PERSONS("02") ADULT SKILLED);
	double p1 = 100.0 * (double)s1 / (double)a1, p2 = 100.0 * (double)s2 / (double)a2;
	const char *first = p1 >= p2 ? " 01 " : " 02 ", *second = p1 >= p2 ? " 02 " : " 01 ";
	if (fabs(p1 - p2) < 1e-9) /* a tie keeps the ward's order */
		first = " 01 ", second = " 02 ";
	settled(t);
	row = gn_term_row(t, 5);
	CHECK(row && strncmp(row, first, 4) == 0);
	free(row);
	gn_term_type(t, "r");
	REQUIRE_WAIT(t, "xếp: % ▲");
	settled(t);
	row = gn_term_row(t, 5);
	if (fabs(p1 - p2) >= 1e-9)
		CHECK(row && strncmp(row, second, 4) == 0);
	free(row);
	/* the next indicator (→ or l), and Enter opens the TDP under the cursor */
	gn_term_type(t, "l");
	WAIT(t, "◂ 2/6 ▸");
	gn_term_key(t, "Enter");
	WAIT(t, "Độ phủ · Tổ dân phố");
	quit(t);

	/* a TDP leader sees only their TDP, and "your TDPs" as the total */
	t = start();
	REQUIRE(t);
	REQUIRE(sign_in(t, "tdp02") == 0);
	gn_term_type(t, "w");
	REQUIRE_WAIT(t, "Các tổ của bạn");
	WAIT(t, "02 Tổ dân phố 2");
	CHECK_EQ_INT(gn_term_wait_gone(t, "Tổ dân phố 1", GN_TERM_WAIT_MS), 0);
	quit(t);
}

static void missing_people_listed_and_exported(void)
{
	make_demo("todo.db");
	gn_term *t = start();
	REQUIRE(t);
	REQUIRE(sign_in(t, "admin") == 0);
	gn_term_type(t, "c");
	REQUIRE_WAIT(t, "Độ phủ · Tổ dân phố 1 (01)");
	gn_term_key(t, "Enter"); /* on c, the first indicator */
	REQUIRE_WAIT(t, "Chưa đạt: c.");
	long missing = query_int("SELECT count(*) " PERSONS("01") ADULT " AND NOT coalesce((1" SKILLED "), 0)");
	REQUIRE(missing > 0);
	char want[256], name[160];
	snprintf(want, sizeof want, "%ld người chưa đạt, theo thứ tự đi", missing);
	WAIT(t, want);
	/* the first in walking order */
	query_text("SELECT p.full_name " PERSONS("01") ADULT " AND NOT coalesce((1" SKILLED "), 0) ORDER BY h.walk_order, p.position LIMIT 1",
	           name, sizeof name);
	settled(t);
	char *row = gn_term_row(t, 3);
	CHECK(row && strstr(row, name));
	free(row);

	gn_term_type(t, "e");
	char path[1024];
	snprintf(path, sizeof path, "%s/thieu-c_basic_skills-01-20261120-090000.csv", gn_test_tmpdir());
	REQUIRE_WAIT(t, "Đã ghi (");
	WAIT(t, "thieu-c_basic_skills-01-20261120-090000.csv");
	struct stat sb;
	REQUIRE(stat(path, &sb) == 0);
	CHECK_EQ_INT(sb.st_mode & 0777, 0600);
	FILE *f = fopen(path, "rb");
	REQUIRE(f);
	static char buf[1 << 20];
	size_t len = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[len] = '\0';
	CHECK(strncmp(buf, "\xef\xbb\xbf\"no\",", 8) == 0);
	long lines = 0;
	for (char *p = buf; (p = strstr(p, "\r\n")); p += 2)
		lines++;
	CHECK_EQ_INT(lines, missing + 1);
	CHECK(strstr(buf, name) != NULL);
	/* no CCCD of anybody in the ward */
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int leaked = 0, checked = 0;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, "SELECT cccd FROM person WHERE cccd IS NOT NULL AND cccd <> ''", -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW) {
			checked++;
			if (strstr(buf, (const char *)sqlite3_column_text(st, 0)))
				leaked++;
		}
	sqlite3_finalize(st);
	sqlite3_close(h);
	CHECK(checked > 0);
	CHECK_EQ_INT(leaked, 0);

	/* the sheet to print: a PDF (tests/e2e/test_sheets.c reads it whole) */
	gn_term_type(t, "p");
	REQUIRE_WAIT(t, "Đã ghi phiếu (");
	REQUIRE(stat(gn_e2e_path("thieu-c_basic_skills-01-20261120.pdf"), &sb) == 0);
	CHECK_EQ_INT(sb.st_mode & 0777, 0600);
	char *text = gn_e2e_pdf_text("thieu-c_basic_skills-01-20261120.pdf");
	REQUIRE(text);
	snprintf(want, sizeof want, "%ld người", missing);
	CHECK(strstr(text, want) != NULL);
	CHECK(strstr(text, name) != NULL);
	CHECK(strstr(text, "Còn thiếu") != NULL);
	free(text);
	/* a second export never replaces the first */
	gn_term_type(t, "e");
	WAIT(t, "090000-2.csv");
	/* the list is read a page at a time: End shows the last in walking
	 * order, numbered as in the files, and Home the first again */
	char last[160];
	query_text("SELECT p.full_name " PERSONS("01") ADULT " AND NOT coalesce((1" SKILLED "), 0) "
	           "ORDER BY h.walk_order DESC, p.position DESC LIMIT 1", last, sizeof last);
	gn_term_key(t, "End");
	snprintf(want, sizeof want, "%s còn thiếu:", last); /* the chosen person's line */
	REQUIRE_WAIT(t, want);
	char number[32];
	snprintf(number, sizeof number, "%ld ", missing);
	settled(t);
	bool found = false;
	for (int r = 3; r < 22 && !found; r++) {
		char *line = gn_term_row(t, r);
		found = line && strstr(line, last) && strstr(line, number);
		free(line);
	}
	CHECK(found);
	gn_term_key(t, "Home");
	settled(t);
	row = gn_term_row(t, 3);
	CHECK(row && strstr(row, name) && strstr(row, "  1 "));
	free(row);
	quit(t);
}

/* The same list without the screen: gonha report --missing. */
static void report_writes_the_missing_list_headless(void)
{
	make_demo("headless.db");
	char out[1024], cmd[3072];
	snprintf(out, sizeof out, "%s/missing-01.csv", gn_test_tmpdir());
	snprintf(cmd, sizeof cmd, "GONHA_NOW=2026-11-20T09:00:00Z GONHA_USER=admin GONHA_PASSWORD=demo '%s' report --db '%s' "
	         "--missing c_basic_skills --tdp 01 --format csv --out '%s' 2>/dev/null", bin(), db, out);
	int rc = system(cmd);
	CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
	struct stat sb;
	REQUIRE(stat(out, &sb) == 0);
	CHECK_EQ_INT(sb.st_mode & 0777, 0600);
	FILE *f = fopen(out, "rb");
	REQUIRE(f);
	static char buf[1 << 20];
	size_t len = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[len] = '\0';
	long lines = 0;
	for (char *p = buf; (p = strstr(p, "\r\n")); p += 2)
		lines++;
	CHECK_EQ_INT(lines, query_int("SELECT count(*) " PERSONS("01") ADULT " AND NOT coalesce((1" SKILLED "), 0)") + 1);
	/* names of people written out: a bulk read in the log, with how many */
	CHECK_EQ_INT(query_int("SELECT count(*) FROM audit_log WHERE action = 'bulk_read' AND json_extract(changes, "
	                       "'$.what') = 'missing_list' AND json_extract(changes, '$.file') LIKE '%missing-01.csv'"), 1);
	CHECK_EQ_INT(query_int("SELECT json_extract(changes, '$.records') FROM audit_log WHERE action = 'bulk_read' "
	                       "ORDER BY id DESC LIMIT 1"), lines - 1);
	/* a TDP leader of 01 may not list TDP 02 */
	snprintf(cmd, sizeof cmd, "GONHA_USER=tdp01 GONHA_PASSWORD=demo '%s' report --db '%s' --missing c_basic_skills --tdp 02 "
	         ">/dev/null 2>&1", bin(), db);
	rc = system(cmd);
	CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) != 0);
}

GN_TESTS(T(report_writes_the_missing_list_headless), T(tdp_coverage_matches_a_plain_count), T(ward_dashboard_sorts), T(missing_people_listed_and_exported))
