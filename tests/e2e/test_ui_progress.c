/* The progress chart on the dashboard, end to end on a pseudo-terminal at
 * 80x24: the weeks' bars are the snapshots' percentages (three past weeks
 * written here with known figures, and today's, counted independently with
 * plain SQL over person), in block elements, under this year's target
 * line; a year with no target shows no line and says so. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAIT(t, text) CHECK_EQ_INT(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, text) REQUIRE(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS) == 0)

/* rows of the chart at 24 lines: 100% on row 3, 0% on row 18 (16 rows of
 * eight eighths); the bars two columns wide from column 8, one apart */
#define TOP 3
#define BOTTOM 18
#define BAR_X(w) (8 + 3 * (w))

/* The past weeks of indicator c for every TDP: num of den 100 each. */
static void past_weeks(void)
{
	char sql[2048];
	snprintf(sql, sizeof sql,
	         "sqlite3 '%s' \"INSERT INTO coverage_day_stats SELECT tdp_id, d, listed, listed, 0, 0, 0, 0 FROM tdp_stats, "
	         "(SELECT '2026-10-30' AS d UNION ALL SELECT '2026-11-06' UNION ALL SELECT '2026-11-13'); "
	         "INSERT INTO coverage_day SELECT t.id, 'c_basic_skills', x.d, x.n, 100 FROM tdp t, "
	         "(SELECT '2026-10-30' AS d, 25 AS n UNION ALL SELECT '2026-11-06', 50 UNION ALL SELECT '2026-11-13', 75) x; "
	         "UPDATE meta SET value = '2026-10-30' WHERE key = 'snapshots_began'\"",
	         gn_ui_db());
	REQUIRE(system(sql) == 0);
}

/* The column (in characters) of the screen row's cell x: the row as text. */
static const char *cell(const char *row, int x, char out[8])
{
	/* walk UTF-8 characters: one per column on these rows */
	const unsigned char *p = (const unsigned char *)row;
	for (int col = 0; *p && col < x; col++) {
		p++;
		while ((*p & 0xc0) == 0x80)
			p++;
	}
	size_t n = 1;
	while (p[n] && (p[n] & 0xc0) == 0x80)
		n++;
	snprintf(out, 8, "%.*s", (int)n, (const char *)p);
	return out;
}

static void the_chart_shows_each_week_against_the_target(void)
{
	gn_ui_demo("progress.db", 2, 20);
	past_weeks();
	gn_term *t = gn_ui_start(24, 80, NULL, NULL);
	REQUIRE(t);
	REQUIRE(gn_ui_sign_in(t, "admin", "demo", "Số người") == 0);
	gn_term_type(t, "w");
	REQUIRE_WAIT(t, "Bảng theo dõi");
	WAIT(t, "t Tuần");
	gn_term_type(t, "t");
	REQUIRE_WAIT(t, "Tiến độ theo tuần");
	WAIT(t, "c. Người trưởng thành");
	WAIT(t, "chỉ tiêu 100%");
	WAIT(t, "30/10");
	CHECK_EQ_INT(gn_term_wait_quiet(t, 150, GN_TERM_WAIT_MS), 0);
	/* today's figure, counted here */
	long adults = gn_ui_query_int("SELECT count(*) FROM person p JOIN household h ON h.id = p.household_id "
	                              "WHERE p.deleted = 0 AND h.deleted = 0 AND 2026 - p.birth_year >= 18");
	long skilled = gn_ui_query_int("SELECT count(*) FROM person p JOIN household h ON h.id = p.household_id "
	                               "WHERE p.deleted = 0 AND h.deleted = 0 AND 2026 - p.birth_year >= 18 AND "
	                               "json_extract(p.answers, '$.smartphone') = 'yes' AND "
	                               "json_extract(p.answers, '$.digital_safety') = 'yes' AND "
	                               "(json_extract(p.answers, '$.online_services') = 'yes' OR "
	                               "json_extract(p.answers, '$.cashless') = 'yes')");
	REQUIRE(adults > 0);
	char want[128], pct[32];
	snprintf(pct, sizeof pct, "%.1f%%", 100.0 * (double)skilled / (double)adults);
	for (char *c = pct; *c; c++)
		if (*c == '.')
			*c = ',';
	snprintf(want, sizeof want, "Tuần đến 20/11: %s (%ld/%ld)", pct, skilled, adults);
	WAIT(t, want);
	/* the bars: 25% is 4 full rows, 50% 8, 75% 12; today's as counted */
	int full[4] = { 4, 8, 12, 0 };
	int eighths = (int)(100.0 * (double)skilled / (double)adults * 128 / 100.0 + 0.5);
	full[3] = eighths / 8;
	for (int w = 0; w < 4; w++) {
		char got[8];
		char *row = gn_term_row(t, BOTTOM - full[w] + 1); /* the bar's top full row */
		CHECK(row && strcmp(cell(row, BAR_X(w), got), "█") == 0 && strcmp(cell(row, BAR_X(w) + 1, got), "█") == 0);
		free(row);
		if (w < 3) { /* the row above is empty (whole rows; trailing spaces trimmed) */
			row = gn_term_row(t, BOTTOM - full[w]);
			CHECK(row && (strcmp(cell(row, BAR_X(w), got), " ") == 0 || !got[0]));
			free(row);
		}
	}
	/* the target line across the top row (100%), no braille anywhere */
	char *row = gn_term_row(t, TOP);
	CHECK(row && strstr(row, "100%") && strstr(row, "┄┄┄┄"));
	free(row);
	char *screen = gn_term_screen(t);
	CHECK(screen && strstr(screen, "\xe2\xa3") == NULL && strstr(screen, "\xe2\xa2") == NULL);
	free(screen);
	/* the bank account has no target for 2026: no line, said so */
	for (int k = 0; k < 5; k++)
		gn_term_type(t, "l");
	WAIT(t, "6/6");
	WAIT(t, "không có chỉ tiêu năm 2026");
	CHECK_EQ_INT(gn_term_wait_quiet(t, 150, GN_TERM_WAIT_MS), 0);
	screen = gn_term_screen(t);
	CHECK(screen && strstr(screen, "┄") == NULL && strstr(screen, "chỉ tiêu 0%") == NULL);
	free(screen);
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "Bảng theo dõi");
	gn_ui_quit(t);
}

GN_TESTS(T(the_chart_shows_each_week_against_the_target))
