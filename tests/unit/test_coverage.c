/* Coverage numbers against a count made independently in the test. A small
 * ward is built by hand; every number of every TDP is checked. */
#include "testlib.h"
#include "gonha/domain/coverage.h"
#include "gonha/storage/db.h"
#include "gonha/domain/household.h"
#include "gonha/domain/ward.h"
#include "gonha/interchange/report.h"
#include "gonha/interchange/todo_sheet.h"

#include "gonha/domain/privacy.h"
#include "gonha/domain/check.h"
#include "gonha/domain/demo.h"
#include "gonha/forms/census.h"
#include "gonha/interchange/exchange.h"
#include "gonha/domain/household_list.h"
#include "unit_fixtures.h"

#include <sys/stat.h>
#include <unistd.h>

#include <math.h>
#include <stdlib.h>

/* The plan's indicators as the forms engine would translate them. */
#define AGE "(CAST(substr(gn_today(), 1, 4) AS INTEGER) - birth_year)"
#define YES(f) "(json_extract(answers, '$." f "') = 'yes')"
#define SKILLS "(" YES("smartphone") " AND " YES("digital_safety") " AND (" YES("online_services") " OR " YES("cashless") "))"

static void plan_indicators(gn_cov_set *set)
{
	gn_err err = { 0 };
	gn_cov_add(set, "c_basic_skills", "Kỹ năng số cơ bản", "Basic digital skills", AGE " >= 18", SKILLS, false, &err);
	/* what a person lacks, as the forms engine makes it from the parts of
	 * the XLSForm condition (test_form: conjuncts_say_what_is_lacking) */
	gn_cov_set_lacks(set, "c_basic_skills",
	                 "('' || (CASE WHEN coalesce(" YES("smartphone") ", 0) THEN '' ELSE 'smartphone;' END)"
	                 " || (CASE WHEN coalesce(" YES("digital_safety") ", 0) THEN '' ELSE 'digital_safety;' END)"
	                 " || (CASE WHEN coalesce((" YES("online_services") " OR " YES("cashless") "), 0) THEN '' "
	                 "ELSE 'online_services/cashless;' END))", &err);
	gn_cov_add(set, "d_vneid_confirmed", "Xác nhận trên VNeID", "Confirmed on VNeID", AGE " >= 18",
	           YES("vneid_confirmed"), false, &err);
	gn_cov_add(set, "vneid_level2", "VNeID mức 2", "VNeID level 2", AGE " >= 16",
	           "json_extract(answers, '$.vneid_level') = 'level2'", false, &err);
	gn_cov_add(set, "bank_account", "Tài khoản số", "Digital bank account", AGE " >= 16", YES("bank_account"), false, &err);
	gn_cov_set_target(set, "c_basic_skills", 2025, 90, &err);
	gn_cov_set_target(set, "c_basic_skills", 2026, 100, &err);
	gn_cov_set_target(set, "d_vneid_confirmed", 2026, 95, &err);
	gn_cov_set_target(set, "vneid_level2", 2026, 100, &err);
}

/* The test's own record of who is where. */
typedef struct who {
	int tdp;        /* 1 or 2 */
	int birth_year;
	const char *answers;
	const char *status;
} who;

static const who people[] = {
	{ 1, 1980, "{\"smartphone\":\"yes\",\"digital_safety\":\"yes\",\"online_services\":\"yes\",\"vneid_confirmed\":\"yes\",\"vneid_level\":\"level2\",\"bank_account\":\"yes\"}", "done" },
	{ 1, 1985, "{\"smartphone\":\"yes\",\"digital_safety\":\"no\",\"cashless\":\"yes\",\"vneid_level\":\"level1\"}", "done" },
	{ 1, 2009, "{\"smartphone\":\"yes\",\"digital_safety\":\"yes\",\"cashless\":\"yes\",\"vneid_level\":\"level2\"}", "done" }, /* 17: not adult, 16+ */
	{ 1, 2015, "{}", "done" },
	{ 1, 1950, "{\"smartphone\":\"no\",\"vneid_level\":\"level2\",\"bank_account\":\"no\"}", "revisit" },
	{ 2, 1990, "{\"smartphone\":\"yes\",\"digital_safety\":\"yes\",\"cashless\":\"yes\",\"vneid_confirmed\":\"yes\",\"bank_account\":\"yes\"}", "done" },
	{ 2, 2008, "{\"smartphone\":\"yes\",\"digital_safety\":\"yes\",\"online_services\":\"yes\"}", "done" }, /* 18 in 2026 */
	{ 2, 1970, "{}", "not_visited" },
};
#define N_PEOPLE (sizeof people / sizeof *people)

static bool has(const char *answers, const char *key, const char *value)
{
	char pat[96];
	snprintf(pat, sizeof pat, "\"%s\":\"%s\"", key, value);
	return strstr(answers, pat) != NULL;
}

/* The independent count: plain C over the table above. */
static void expected(int tdp, int year, const char *indicator, long *num, long *den)
{
	*num = *den = 0;
	for (size_t i = 0; i < N_PEOPLE; i++) {
		const who *w = &people[i];
		if (tdp && w->tdp != tdp)
			continue;
		int age = year - w->birth_year;
		bool in = false, counted = false;
		if (strcmp(indicator, "c_basic_skills") == 0) {
			in = age >= 18;
			counted = has(w->answers, "smartphone", "yes") && has(w->answers, "digital_safety", "yes") &&
			          (has(w->answers, "online_services", "yes") || has(w->answers, "cashless", "yes"));
		} else if (strcmp(indicator, "d_vneid_confirmed") == 0) {
			in = age >= 18;
			counted = has(w->answers, "vneid_confirmed", "yes");
		} else if (strcmp(indicator, "vneid_level2") == 0) {
			in = age >= 16;
			counted = has(w->answers, "vneid_level", "level2");
		} else if (strcmp(indicator, "bank_account") == 0) {
			in = age >= 16;
			counted = has(w->answers, "bank_account", "yes");
		}
		*den += in;
		*num += in && counted;
	}
}

static gn_ctx ctx;
static gn_cov_set set;
static gn_tdp tdps[3];

/* Two TDPs with the people above (one household per person, so the visit
 * outcomes are theirs), and an empty third TDP. */
static void build(void)
{
	gn_err err = { 0 };
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	memset(&ctx, 0, sizeof ctx);
	memset(&set, 0, sizeof set);
	if (gn_db_open_memory(&ctx.db, &err) || gn_ward_init(ctx.db, "Phường Thử", 3, "admin", "pw12", NULL, &err) ||
	    gn_sign_in(&ctx, "admin", "pw12", &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(2);
	}
	gn_tdp_find(&ctx, "01", &tdps[0], &err);
	gn_tdp_find(&ctx, "02", &tdps[1], &err);
	gn_tdp_find(&ctx, "03", &tdps[2], &err);
	plan_indicators(&set);
	if (gn_cov_sync(ctx.db, &set, &err)) {
		fprintf(stderr, "sync: %s\n", err.msg);
		exit(2);
	}
	ctx.coverage = &set;
	for (size_t i = 0; i < N_PEOPLE; i++) {
		gn_household hh = { 0 };
		snprintf(hh.tdp_id, sizeof hh.tdp_id, "%s", tdps[people[i].tdp - 1].id);
		hh.house_no = strdup("1");
		snprintf(hh.visit_status, sizeof hh.visit_status, "%s", people[i].status);
		hh.visit_date = strcmp(people[i].status, "not_visited") ? strdup("2026-11-01") : NULL;
		gn_person *p = gn_household_add_member(&hh);
		p->full_name = strdup("Người Thử");
		p->birth_year = people[i].birth_year;
		snprintf(p->relation, sizeof p->relation, "head");
		p->answers = strdup(people[i].answers);
		if (gn_household_save(&ctx, &hh, &err)) {
			fprintf(stderr, "save: %s (%s)\n", err.msg, err.field);
			exit(2);
		}
		gn_household_free(&hh);
	}
}

static void teardown(void)
{
	gn_db_close(ctx.db);
	gn_cov_free(&set);
}

static void check_rows(const gn_cov_row *rows, size_t n, const gn_cov_row *total, int year)
{
	for (size_t r = 0; r < n; r++)
		for (size_t i = 0; i < set.n; i++) {
			long num, den;
			expected((int)r + 1 <= 2 ? (int)r + 1 : 99, year, set.defs[i].name, &num, &den);
			CHECK_EQ_INT(rows[r].ind[i].num, num);
			CHECK_EQ_INT(rows[r].ind[i].den, den);
		}
	for (size_t i = 0; i < set.n; i++) {
		long num, den;
		expected(0, year, set.defs[i].name, &num, &den);
		CHECK_EQ_INT(total->ind[i].num, num);
		CHECK_EQ_INT(total->ind[i].den, den);
	}
}

static void ward_numbers_match_an_independent_count(void)
{
	build();
	gn_err err = { 0 };
	gn_cov_row *rows = NULL, total;
	size_t n = 0;
	CHECK_OK(gn_cov_ward(&ctx, &set, &rows, &n, &total, &err));
	REQUIRE(n == 3);
	check_rows(rows, n, &total, 2026);
	CHECK_EQ_INT(rows[0].listed, 5);
	CHECK_EQ_INT(rows[0].done, 4);
	CHECK_EQ_INT(rows[0].revisit, 1);
	CHECK_EQ_INT(rows[1].not_visited, 1);
	CHECK_EQ_INT(rows[2].listed, 0);
	CHECK_EQ_INT(total.listed, 8);
	free(rows);
	/* The same from a fresh count as of the same date... */
	CHECK_OK(gn_cov_ward_as_of(&ctx, &set, "2026-11-20", &rows, &n, &total, &err));
	check_rows(rows, n, &total, 2026);
	free(rows);
	/* ...a day before the census began (the visits of 2026-11-01) is
	 * refused... */
	CHECK_EQ_INT(gn_cov_ward_as_of(&ctx, &set, "2025-06-30", &rows, &n, &total, &err), GN_ERR_INVALID);
	CHECK(rows == NULL && n == 0);
	CHECK(strstr(err.msg, "2026-11-01") != NULL);
	/* ...and before the snapshots began (today, 2026-11-20), the visits by
	 * their date and the indicators not known */
	CHECK_OK(gn_cov_ward_as_of(&ctx, &set, "2026-11-10", &rows, &n, &total, &err));
	REQUIRE(n == 3);
	CHECK_EQ_INT(rows[0].done, 4);
	CHECK_EQ_INT(rows[0].listed, 5);
	CHECK(rows[0].ind_unknown && total.ind_unknown);
	free(rows);
	teardown();
}

static void counters_follow_edits_and_removals(void)
{
	build();
	gn_err err = { 0 };
	gn_cov_row row;
	/* Find TDP 2's 1990 person and take away her skills. */
	sqlite3_stmt *st = NULL;
	char id[37] = "";
	sqlite3_prepare_v2(ctx.db, "SELECT household_id FROM person WHERE birth_year = 1990", -1, &st, NULL);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(id, sizeof id, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	gn_household hh;
	REQUIRE(gn_household_load(&ctx, id, &hh, &err) == GN_OK);
	free(hh.members[0].answers);
	hh.members[0].answers = strdup("{\"smartphone\":\"no\"}");
	CHECK_OK(gn_household_save(&ctx, &hh, &err));
	gn_household_free(&hh);
	CHECK_OK(gn_cov_tdp(&ctx, &set, tdps[1].id, &row, &err));
	CHECK_EQ_INT(row.ind[0].num, 1); /* only the 2008 one now */
	CHECK_EQ_INT(row.ind[0].den, 3);
	CHECK_OK(gn_household_remove(&ctx, id, &err));
	CHECK_OK(gn_cov_tdp(&ctx, &set, tdps[1].id, &row, &err));
	CHECK_EQ_INT(row.ind[0].den, 2);
	CHECK_EQ_INT(row.listed, 2);
	teardown();
}

static void recomputes_when_the_year_turns(void)
{
	build();
	gn_err err = { 0 };
	gn_cov_row row;
	CHECK_OK(gn_cov_tdp(&ctx, &set, tdps[0].id, &row, &err));
	CHECK_EQ_INT(row.ind[0].den, 3);
	setenv("GONHA_NOW", "2027-01-02T08:00:00Z", 1);
	CHECK_OK(gn_cov_sync(ctx.db, &set, &err)); /* the 2009 one turns 18 */
	CHECK_OK(gn_cov_tdp(&ctx, &set, tdps[0].id, &row, &err));
	CHECK_EQ_INT(row.ind[0].den, 4);
	teardown();
}

/* What an import into an empty ward does: triggers paused, the sums it
 * counted itself added, the triggers back. */
static void sums_counted_elsewhere_are_added(void)
{
	build();
	gn_err err = { 0 };
	gn_cov_row before, after;
	CHECK_OK(gn_cov_tdp(&ctx, &set, tdps[0].id, &before, &err));
	CHECK_OK(gn_db_meta_set(ctx.db, "counters_paused", "1", &err));
	long long den[64] = { 0 }, num[64] = { 0 };
	den[0] = 5;
	num[0] = 2;
	den[1] = 7;
	CHECK_OK(gn_cov_add_sums(ctx.db, tdps[0].id, den, num, set.n, &err));
	CHECK_OK(gn_cov_resume(ctx.db, &err));
	CHECK_OK(gn_cov_tdp(&ctx, &set, tdps[0].id, &after, &err));
	CHECK_EQ_INT(after.ind[0].den, before.ind[0].den + 5);
	CHECK_EQ_INT(after.ind[0].num, before.ind[0].num + 2);
	CHECK_EQ_INT(after.ind[1].den, before.ind[1].den + 7);
	CHECK_EQ_INT(after.ind[1].num, before.ind[1].num);
	char *paused = gn_db_meta_get(ctx.db, "counters_paused");
	CHECK(paused == NULL);
	free(paused);
	teardown();
}

static void empty_tdp_and_missing_targets(void)
{
	build();
	gn_err err = { 0 };
	gn_cov_row row;
	double pct = -1, target = -1;
	CHECK_OK(gn_cov_tdp(&ctx, &set, tdps[2].id, &row, &err));
	CHECK(!gn_cov_pct(row.ind[0], &pct)); /* shown as "—", no division by zero */
	CHECK(gn_cov_gap(row.ind[0], true, 100) == -1);
	CHECK(!gn_cov_target(&set.defs[3], 2026, &target)); /* bank_account: no target */
	CHECK(gn_cov_target(&set.defs[0], 2025, &target) && target == 90);
	CHECK(!gn_cov_target(&set.defs[0], 2027, &target));
	gn_cov_count c = { 9, 10 };
	CHECK(gn_cov_pct(c, &pct) && fabs(pct - 90) < 1e-9);
	CHECK_EQ_INT(gn_cov_gap(c, true, 90), 0);
	CHECK_EQ_INT(gn_cov_gap(c, true, 95), 1);
	gn_cov_count big = { 100, 137 };
	CHECK_EQ_INT(gn_cov_gap(big, true, 100), 37);
	teardown();
}

static void a_broken_indicator_is_named(void)
{
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	gn_cov_set bad = { 0 };
	CHECK_OK(gn_db_open_memory(&db, &err));
	gn_cov_add(&bad, "ok_one", "", "", "1", "1", false, &err);
	gn_cov_add(&bad, "broken", "", "", "birth_year >= 18", "no_such_function(answers)", false, &err);
	CHECK_EQ_INT(gn_cov_sync(db, &bad, &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "broken") != NULL);
	gn_cov_free(&bad);
	gn_db_close(db);
}

typedef struct seen { int n; char names[8][64]; } seen;

static bool collect(void *arg, const gn_cov_person *p)
{
	seen *s = arg;
	if (s->n < 8)
		snprintf(s->names[s->n], 64, "%d", p->birth_year);
	s->n++;
	return true;
}

static void missing_people_in_walking_order(void)
{
	build();
	gn_err err = { 0 };
	seen s = { 0 };
	CHECK_OK(gn_cov_missing(&ctx, &set, 0, tdps[0].id, collect, &s, &err));
	/* TDP 1 adults without the skills: 1985 (no safety), 1950 (no phone). */
	CHECK_EQ_INT(s.n, 2);
	CHECK_STR(s.names[0], "1985");
	CHECK_STR(s.names[1], "1950");
	teardown();
}

/* The report carries the same numbers: CSV cells and the text's lines. */
static void report_matches_the_count(void)
{
	build();
	gn_err err = { 0 };
	gn_cov_add(&set, "adults", "", "", AGE " >= 18", "1", true, &err);
	CHECK_OK(gn_cov_sync(ctx.db, &set, &err));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	gn_report_options opt = { .format = GN_REPORT_CSV, .csv_plain = 1 };
	CHECK_OK(gn_report_write(&ctx, &set, &opt, f, &err));
	fclose(f);
	long num, den;
	expected(0, 2026, "c_basic_skills", &num, &den);
	char line[512];
	/* the ward total: 8 listed, 6 visited (done, refused, moved; the revisit waits), 1 revisit, adults = c's population */
	snprintf(line, sizeof line, "\"*\",\"Whole ward\",8,6,1,0,0,%ld,%ld,%ld,%.1f,100,", den, num, den,
	         100.0 * (double)num / (double)den);
	CHECK(strstr(buf, line) != NULL);
	if (!strstr(buf, line))
		fprintf(stderr, "  wanted %s  in:\n%s", line, buf);
	CHECK(strncmp(buf, "tdp_code,tdp_name,households_listed,households_visited,revisits,refused,moved,adults,"
	              "c_basic_skills_num,c_basic_skills_den,c_basic_skills_pct,c_basic_skills_target", 160) == 0);
	/* bank_account has no target: an empty cell, not 0 */
	CHECK(strstr(buf, "bank_account_target\n") != NULL);
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	opt.format = GN_REPORT_TEXT;
	opt.as_of = "2026-11-20";
	CHECK_OK(gn_report_write(&ctx, &set, &opt, f, &err));
	fclose(f);
	CHECK(strstr(buf, "Quarter 4 of 2026") != NULL);
	CHECK(strstr(buf, "No target set for 2026") != NULL); /* bank account */
	CHECK(strstr(buf, "TDP 3") != NULL);
	CHECK(strstr(buf, "—") != NULL); /* the empty TDP */
	free(buf);

	/* at 04:00 on 1 January in Hà Nội (21:00 UTC on 31 December) the
	 * report is of the new year's first quarter, the local one */
	char *tz = gn_unit_hanoi_clock("2026-12-31T21:00:00Z");
	buf = NULL;
	f = open_memstream(&buf, &len);
	opt.as_of = NULL;
	CHECK_OK(gn_report_write(&ctx, &set, &opt, f, &err));
	fclose(f);
	CHECK(strstr(buf, "Quarter 1 of 2027 (figures as of 2027-01-01)") != NULL);
	free(buf);
	gn_unit_clock_back(tz);
	teardown();
}

typedef struct lacked { int n; char what[8][128]; } lacked;

static bool collect_lacks(void *arg, const gn_cov_person *p)
{
	lacked *l = arg;
	if (l->n < 8)
		snprintf(l->what[l->n], 128, "%d:%s", p->birth_year, p->lacks);
	l->n++;
	return true;
}

/* What a missing person lacks: the failing parts of the condition. */
static void says_what_each_person_lacks(void)
{
	build();
	gn_err err = { 0 };
	lacked l = { 0 };
	CHECK_OK(gn_cov_missing(&ctx, &set, 0, NULL, collect_lacks, &l, &err));
	/* c: 1985 lacks digital safety only; 1950 lacks phone, safety and
	 * (online or cashless); 1970 (nothing answered) lacks all of it. */
	REQUIRE(l.n == 3);
	CHECK_STR(l.what[0], "1985:digital_safety;");
	CHECK_STR(l.what[1], "1950:smartphone;digital_safety;online_services/cashless;");
	CHECK_STR(l.what[2], "1970:smartphone;digital_safety;online_services/cashless;");
	char text[256];
	gn_todo_lacks_text(NULL, "smartphone;online_services/cashless;", text, sizeof text);
	CHECK_STR(text, "smartphone; online_services or cashless");
	/* an indicator the forms engine said nothing about names nothing */
	gn_cov_def d = { .condition_sql = "1" };
	char *sql = gn_cov_lacks_sql(&d);
	CHECK_STR(sql, "''");
	free(sql);
	teardown();
}

static void sorts_the_dashboard_by_any_column(void)
{
	build();
	gn_err err = { 0 };
	gn_cov_row *rows = NULL, total;
	size_t n = 0;
	CHECK_OK(gn_cov_ward(&ctx, &set, &rows, &n, &total, &err));
	REQUIRE(n == 3);
	/* c: TDP 1 1/3 (33%), TDP 2 2/3 (67%), TDP 3 empty ("—") */
	gn_cov_sort(&set, rows, n, GN_COV_BY_PCT, 0, 2026, true);
	CHECK_STR(rows[0].code, "02");
	CHECK_STR(rows[1].code, "01");
	CHECK_STR(rows[2].code, "03");
	gn_cov_sort(&set, rows, n, GN_COV_BY_PCT, 0, 2026, false);
	CHECK_STR(rows[0].code, "03");
	CHECK_STR(rows[2].code, "02");
	gn_cov_sort(&set, rows, n, GN_COV_BY_LISTED, 0, 2026, true); /* 5, 3, 0 */
	CHECK_STR(rows[0].code, "01");
	CHECK_STR(rows[1].code, "02");
	/* the gap to 100%: TDP 1 short 2, TDP 2 short 1, TDP 3 none to count */
	CHECK_EQ_INT(gn_cov_sort_value(&set, &rows[0], GN_COV_BY_GAP, 0, 2026), 2);
	CHECK_EQ_INT(gn_cov_sort_value(&set, &rows[1], GN_COV_BY_GAP, 0, 2026), 1);
	CHECK_EQ_INT(gn_cov_sort_value(&set, &rows[2], GN_COV_BY_GAP, 0, 2026), -1);
	gn_cov_sort(&set, rows, n, GN_COV_BY_CODE, 0, 2026, true);
	CHECK_STR(rows[0].code, "03");
	CHECK_STR(rows[2].code, "01");
	free(rows);
	teardown();
}

/* The to-do list as CSV and as a sheet, and the file written for it. */
static void writes_the_to_do_list(void)
{
	build();
	gn_err err = { 0 };
	gn_todo_list list;
	CHECK_OK(gn_todo_load(&ctx, &set, 0, tdps[0].id, &list, &err));
	REQUIRE(list.n == 2);
	CHECK_STR(list.items[0].full_name, "Người Thử");
	CHECK_EQ_INT(list.items[0].age, 41);
	CHECK_STR(list.tdp_code, "01");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CHECK_OK(gn_todo_write(&ctx, &set, NULL, &list, GN_TODO_CSV, f, &err));
	fclose(f);
	CHECK(strncmp(buf, "\xef\xbb\xbf\"no\",\"tdp_code\",\"full_name\"", 30) == 0);
	CHECK(strstr(buf, "\"lacks_fields\"\r\n1,\"01\",\"Người Thử\",1985,41,\"1\",\"\",\"\",\"digital_safety\",\"digital_safety;\"\r\n") != NULL);
	CHECK(strstr(buf, "\r\n2,\"01\",\"Người Thử\",1950,76,") != NULL);
	CHECK(strstr(buf, "cccd") == NULL);
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK_OK(gn_todo_write(&ctx, &set, NULL, &list, GN_TODO_TEXT, f, &err));
	fclose(f);
	CHECK(strstr(buf, "Basic digital skills") != NULL);
	CHECK(strstr(buf, "2 people") != NULL);
	CHECK(strstr(buf, "[ ]   1. Người Thử (41 years)") != NULL);
	CHECK(strstr(buf, "lacks: smartphone; digital_safety; online_services or cashless") != NULL);
	free(buf);

	/* files: mode 0600, never replacing one; a second export gets -2 */
	char path[4096], path2[4096];
	CHECK_OK(gn_todo_export(&ctx, &set, NULL, &list, GN_TODO_CSV, gn_test_tmpdir(), path, sizeof path, &err));
	CHECK(strstr(path, "/thieu-c_basic_skills-01-20261120-090000.csv") != NULL);
	struct stat sb;
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK_OK(gn_todo_export(&ctx, &set, NULL, &list, GN_TODO_CSV, gn_test_tmpdir(), path2, sizeof path2, &err));
	CHECK(strstr(path2, "-090000-2.csv") != NULL);
	CHECK_OK(gn_todo_export(&ctx, &set, NULL, &list, GN_TODO_TEXT, gn_test_tmpdir(), path, sizeof path, &err));
	CHECK(strstr(path, ".txt") != NULL);
	char part[4200];
	gn_private_part_path(path, part, sizeof part);
	CHECK(access(part, F_OK) != 0);
	/* a long "lacks" is wrapped: a printed line stays within 80 columns */
	free(list.items[0].lacks);
	list.items[0].lacks = strdup("smartphone_with_a_very_long_name;digital_safety_with_a_very_long_name;"
	                             "online_services_with_a_long_name/cashless_with_an_even_longer_name;");
	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK_OK(gn_todo_write(&ctx, &set, NULL, &list, GN_TODO_TEXT, f, &err));
	fclose(f);
	int longest = 0;
	for (char *line = buf; line && *line;) {
		char *end = strchr(line, '\n');
		int w = end ? (int)(end - line) : (int)strlen(line);
		if (w > longest && !strstr(line, "Người") && !strstr(line, "Phường"))
			longest = w;
		line = end ? end + 1 : NULL;
	}
	CHECK(longest <= 80);
	CHECK(strstr(buf, "cashless_with_an_even_longer_name") != NULL);
	free(buf);
	gn_todo_list_free(&list);

	/* scope: a TDP leader of 02 cannot list 01 */
	CHECK_OK(gn_user_create(ctx.db, "lead2", "Tổ trưởng 2", GN_ROLE_TDP_LEADER, "pw12pw12", NULL,
	                        (const char *const[]){ "02", NULL }, "admin", &err));
	gn_ctx lead = { .db = ctx.db, .coverage = &set };
	CHECK_OK(gn_sign_in(&lead, "lead2", "pw12pw12", &err));
	CHECK_EQ_INT(gn_todo_load(&lead, &set, 0, tdps[0].id, &list, &err), GN_ERR_DENIED);
	CHECK_OK(gn_todo_load(&lead, &set, 0, NULL, &list, &err));
	CHECK_EQ_INT(list.n, 1); /* the 1970 one of TDP 2 */
	gn_todo_list_free(&list);
	gn_cov_row *rows = NULL, total;
	size_t n = 0;
	CHECK_OK(gn_cov_ward(&lead, &set, &rows, &n, &total, &err));
	CHECK_EQ_INT(n, 1);
	free(rows);
	teardown();
}

/* ---- counters kept by the work that changes them -------------------------
 * Two PCs with the same demo ward (the shipped questionnaire and its
 * indicators): one edits, the other merges its file. Each time the kept
 * counters must be what a fresh count gives, and TDPs the work did not
 * touch must keep their counters as they were: one of them is put off by
 * 7 on purpose beforehand, and must stay off (a recount of the whole ward
 * would have mended it), so that gonha check still finds it. */

typedef struct pc {
	gn_ctx ctx;
	gn_census census;
} pc;

static void pc_open(pc *p, sqlite3 *from)
{
	gn_err err = { 0 };
	gn_form_problems problems = { 0 };
	memset(p, 0, sizeof *p);
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	if (gn_db_open_memory(&p->ctx.db, &err) != GN_OK)
		exit(2);
	if (from) {
		sqlite3_backup *copy = sqlite3_backup_init(p->ctx.db, "main", from, "main");
		if (!copy || sqlite3_backup_step(copy, -1) != SQLITE_DONE || sqlite3_backup_finish(copy) != SQLITE_OK)
			exit(2);
	} else {
		gn_demo_options opt;
		gn_demo_defaults(&opt);
		opt.tdps = 4;
		opt.households = 12;
		opt.seed = 11;
		if (gn_demo_build(p->ctx.db, &opt, NULL, NULL, &err) != GN_OK)
			exit(2);
	}
	if (gn_census_load(p->ctx.db, NULL, &p->census, &problems, &err) != GN_OK ||
	    gn_sign_in(&p->ctx, "admin", GN_DEMO_PASSWORD, &err) != GN_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(2);
	}
	gn_form_problems_free(&problems);
	p->ctx.coverage = &p->census.coverage;
}

static void pc_close(pc *p)
{
	gn_census_free(&p->census);
	gn_db_close(p->ctx.db);
}

static long long one_number(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static char *one_text(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = NULL;
	char *out = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (arg)
			sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			out = strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return out;
}

/* The TDPs (by code) whose kept sums differ from a fresh count written
 * plainly here, one correlated count per (TDP, bit): "01 04 " */
static char *tdps_off(sqlite3 *db)
{
	char *s = one_text(db, "SELECT coalesce(group_concat(code || ' ', ''), '') FROM (SELECT DISTINCT t.code FROM "
	                   "tdp_indicator c JOIN tdp t ON t.id = c.tdp_id WHERE (c.den, c.num) IS NOT ("
	                   "SELECT count(*) FILTER (WHERE (p.ind_pop >> c.bit) & 1), count(*) FILTER (WHERE "
	                   "(p.ind_num >> c.bit) & 1) FROM person p WHERE p.tdp_id = c.tdp_id AND p.deleted = 0) ORDER BY t.code)",
	                   NULL);
	return s ? s : strdup("?");
}

/* Live persons whose kept bits are not those their answers give today. */
static long long persons_off(pc *p)
{
	char *sql = sqlite3_mprintf("SELECT count(*) FROM person WHERE deleted = 0 AND (ind_pop, ind_num) IS NOT ((%s), (%s))",
	                            p->census.coverage.pop_sql, p->census.coverage.num_sql);
	long long n = one_number(p->ctx.db, sql);
	sqlite3_free(sql);
	return n;
}

/* A TDP's kept sums as one string, to see that they did not move. */
static char *sums_of(sqlite3 *db, const char *code)
{
	char *s = one_text(db, "SELECT group_concat(bit || ':' || den || '/' || num, ' ') FROM (SELECT c.bit, c.den, c.num "
	                   "FROM tdp_indicator c JOIN tdp t ON t.id = c.tdp_id WHERE t.code = ?1 ORDER BY c.bit)", code);
	return s ? s : strdup("?");
}

static void put_off(sqlite3 *db, const char *code)
{
	char *sql = sqlite3_mprintf("UPDATE tdp_indicator SET num = num + 7 WHERE bit = 0 AND tdp_id = "
	                            "(SELECT id FROM tdp WHERE code = %Q)", code);
	gn_err err = { 0 };
	CHECK_OK(gn_db_exec(db, sql, &err));
	sqlite3_free(sql);
}

/* The households of TDP `code`, in walking order. */
static size_t households_of(sqlite3 *db, const char *code, char ids[][37], size_t max)
{
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	sqlite3_prepare_v2(db, "SELECT h.id FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE t.code = ?1 AND "
	                   "h.deleted = 0 AND EXISTS (SELECT 1 FROM person p WHERE p.household_id = h.id AND p.deleted = 0) "
	                   "ORDER BY h.walk_order", -1, &st, NULL);
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		snprintf(ids[n++], 37, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return n;
}

/* Every member of a household given these answers (a save, as the form
 * screen does it). */
static void edit_household(pc *p, const char *household_id, const char *answers)
{
	gn_err err = { 0 };
	gn_household hh;
	REQUIRE(gn_household_load(&p->ctx, household_id, &hh, &err) == GN_OK);
	for (size_t i = 0; i < hh.n_members; i++) {
		free(hh.members[i].answers);
		hh.members[i].answers = strdup(answers);
	}
	CHECK_OK(gn_household_save(&p->ctx, &hh, &err));
	gn_household_free(&hh);
}

static char *export_of(pc *p, gn_ex_what what)
{
	gn_err err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	gn_export_options opt = { .what = what, .plain = true, .with_ids = true };
	long rows = 0;
	CHECK_OK(gn_export_stream(&p->ctx, &p->census, &opt, f, &rows, &err));
	fclose(f);
	return buf;
}

static void import_into(pc *p, const char *csv)
{
	gn_err err = { 0 };
	gn_import_report rep;
	gn_status st = gn_import_buffer(&p->ctx, &p->census, csv, strlen(csv), NULL, &rep, &err);
	if (st != GN_OK)
		fprintf(stderr, "  import: %s %s\n", err.msg, rep.n_problems ? rep.problems[0].msg : "");
	CHECK_OK(st);
	gn_import_report_free(&rep);
}

#define SKILLED "{\"group\":\"resident\",\"smartphone\":\"yes\",\"digital_safety\":\"yes\",\"online_services\":\"yes\"," \
                "\"vneid_level\":\"level2\",\"vneid_confirmed\":\"yes\",\"bank_account\":\"yes\"}"
#define UNSKILLED "{\"group\":\"resident\",\"smartphone\":\"no\",\"vneid_level\":\"none\",\"bank_account\":\"no\"}"

static void merge_recounts_only_what_it_touched(void)
{
	pc a, b;
	pc_open(&a, NULL);
	pc_open(&b, a.ctx.db);
	char ids[8][37];
	/* on PC b: TDP 01's first three households edited, one more in 02 */
	REQUIRE(households_of(b.ctx.db, "01", ids, 3) == 3);
	edit_household(&b, ids[0], SKILLED);
	edit_household(&b, ids[1], UNSKILLED);
	edit_household(&b, ids[2], SKILLED);
	gn_household hh = { 0 };
	char *tdp02 = one_text(b.ctx.db, "SELECT id FROM tdp WHERE code = '02'", NULL);
	REQUIRE(tdp02 != NULL);
	snprintf(hh.tdp_id, sizeof hh.tdp_id, "%s", tdp02);
	free(tdp02);
	hh.house_no = strdup("99");
	hh.street = strdup("Hoàng Văn Thụ");
	gn_person *m = gn_household_add_member(&hh);
	m->full_name = strdup("Lê Thị Mới");
	m->birth_year = 1988;
	snprintf(m->sex, sizeof m->sex, "female");
	snprintf(m->relation, sizeof m->relation, "head");
	m->answers = strdup(SKILLED);
	gn_err err = { 0 };
	CHECK_OK(gn_household_save(&b.ctx, &hh, &err));
	gn_household_free(&hh);
	char *households = export_of(&b, GN_EX_HOUSEHOLDS), *persons = export_of(&b, GN_EX_PERSONS);

	/* on PC a: TDP 04 put off beforehand; then b's files merged */
	put_off(a.ctx.db, "04");
	char *before01 = sums_of(a.ctx.db, "01"), *before03 = sums_of(a.ctx.db, "03"), *before04 = sums_of(a.ctx.db, "04");
	char *off = tdps_off(a.ctx.db);
	CHECK_STR(off, "04 ");
	free(off);
	import_into(&a, households);
	import_into(&a, persons);
	CHECK_EQ_INT(one_number(a.ctx.db, "SELECT count(*) FROM person WHERE full_name = 'Lê Thị Mới'"), 1);
	off = tdps_off(a.ctx.db);
	CHECK_STR(off, "04 "); /* 01 and 02 exactly a fresh count; 04 not recounted */
	free(off);
	CHECK_EQ_INT(persons_off(&a), 0);
	char *after03 = sums_of(a.ctx.db, "03"), *after04 = sums_of(a.ctx.db, "04");
	CHECK_STR(after03, before03);
	CHECK_STR(after04, before04);
	/* the same numbers as the whole ward counted afresh (04 mended by it) */
	char *after01 = sums_of(a.ctx.db, "01"), *after02 = sums_of(a.ctx.db, "02");
	CHECK_OK(gn_db_begin(a.ctx.db, &err));
	CHECK_OK(gn_cov_recount(a.ctx.db, &err));
	CHECK_OK(gn_db_commit(a.ctx.db, &err));
	char *fresh01 = sums_of(a.ctx.db, "01"), *fresh02 = sums_of(a.ctx.db, "02");
	CHECK(strcmp(after01, before01) != 0); /* the edits counted */
	CHECK_STR(after01, fresh01);
	CHECK_STR(after02, fresh02);
	off = tdps_off(a.ctx.db);
	CHECK_STR(off, "");
	free(off);

	/* a household list: new households with their heads, into 03 only */
	put_off(a.ctx.db, "04");
	free(before04);
	before04 = sums_of(a.ctx.db, "04");
	import_into(&a, "tdp_code,street,head_name\n03,Phan Đình Phùng,Trần Văn Lập\n");
	off = tdps_off(a.ctx.db);
	CHECK_STR(off, "04 ");
	free(off);
	CHECK_EQ_INT(persons_off(&a), 0);
	free(after04);
	after04 = sums_of(a.ctx.db, "04");
	CHECK_STR(after04, before04);

	free(households); free(persons);
	free(before01); free(before03); free(before04); free(after03); free(after04);
	free(after01); free(after02); free(fresh01); free(fresh02);
	pc_close(&b);
	pc_close(&a);
}

/* A person changed on both PCs is a conflict; taking the incoming version
 * recounts that person's TDP alone. */
static void resolved_conflict_recounts_its_tdp(void)
{
	pc a, b;
	pc_open(&a, NULL);
	pc_open(&b, a.ctx.db);
	char ids[1][37];
	REQUIRE(households_of(a.ctx.db, "02", ids, 1) == 1);
	edit_household(&a, ids[0], UNSKILLED);
	edit_household(&b, ids[0], SKILLED);
	char *persons = export_of(&b, GN_EX_PERSONS);
	import_into(&a, persons);
	long long id = one_number(a.ctx.db, "SELECT min(id) FROM merge_conflict WHERE resolved_at IS NULL AND "
	                          "table_name = 'person'");
	REQUIRE(id > 0);
	char *off = tdps_off(a.ctx.db);
	CHECK_STR(off, "");
	free(off);
	put_off(a.ctx.db, "04");
	char *before04 = sums_of(a.ctx.db, "04"), *before02 = sums_of(a.ctx.db, "02");
	gn_err err = { 0 };
	CHECK_OK(gn_conflict_resolve(&a.ctx, &a.census, (long)id, true, &err));
	char *after02 = sums_of(a.ctx.db, "02"), *after04 = sums_of(a.ctx.db, "04");
	CHECK(strcmp(after02, before02) != 0); /* the skilled version counted */
	CHECK_STR(after04, before04);
	off = tdps_off(a.ctx.db);
	CHECK_STR(off, "04 ");
	free(off);
	CHECK_EQ_INT(persons_off(&a), 0);
	free(persons); free(before04); free(before02); free(after02); free(after04);
	pc_close(&b);
	pc_close(&a);
}

typedef struct problems_seen {
	char tables[512];
	long n;
} problems_seen;

static void note_problem(void *arg, const char *rule, const char *table, const char *id, const char *detail)
{
	problems_seen *s = arg;
	(void)id;
	(void)detail;
	if (strcmp(rule, GN_RULE_COUNTERS) == 0 && strlen(s->tables) + strlen(table) + 2 < sizeof s->tables) {
		strcat(s->tables, table);
		strcat(s->tables, " ");
	}
	s->n++;
}

/* gonha check finds a person whose kept bits are not their answers' (even
 * with the sums moved along by the triggers, so they agree with the bits),
 * and a kept sum that is not a fresh count. */
static void check_finds_wrong_bits_and_wrong_sums(void)
{
	pc a;
	pc_open(&a, NULL);
	gn_err err = { 0 };
	problems_seen saw = { "", 0 };
	long problems = -1;
	CHECK_OK(gn_check_run(a.ctx.db, &a.census.coverage, note_problem, &saw, &problems, &err));
	CHECK_EQ_INT(problems, 0);
	/* a wrong incremental update: one person's bits, the triggers on */
	CHECK_OK(gn_db_exec(a.ctx.db, "UPDATE person SET ind_num = 0 WHERE rowid = (SELECT min(rowid) FROM person "
	                    "WHERE deleted = 0 AND ind_num <> 0)", &err));
	char *off = tdps_off(a.ctx.db);
	CHECK_STR(off, ""); /* the sums agree with the bits ... */
	free(off);
	CHECK_OK(gn_check_run(a.ctx.db, &a.census.coverage, note_problem, &saw, &problems, &err));
	CHECK_STR(saw.tables, "person "); /* ... and the bits not with the answers */
	CHECK_EQ_INT(problems, 1);
	/* without the indicators, only the sums can be compared */
	saw = (problems_seen){ "", 0 };
	CHECK_OK(gn_check_run(a.ctx.db, NULL, note_problem, &saw, &problems, &err));
	CHECK_EQ_INT(problems, 0);
	/* the bits mended, a sum put off */
	CHECK_OK(gn_db_exec(a.ctx.db, "DELETE FROM meta WHERE key = 'coverage_signature'", &err));
	CHECK_OK(gn_cov_sync(a.ctx.db, &a.census.coverage, &err));
	put_off(a.ctx.db, "03");
	saw = (problems_seen){ "", 0 };
	CHECK_OK(gn_check_run(a.ctx.db, &a.census.coverage, note_problem, &saw, &problems, &err));
	CHECK_STR(saw.tables, "tdp_indicator ");
	CHECK_EQ_INT(problems, 1);
	/* a (TDP, bit) with no kept row at all is found too */
	CHECK_OK(gn_db_exec(a.ctx.db, "DELETE FROM tdp_indicator WHERE bit = 1 AND tdp_id = (SELECT id FROM tdp WHERE code = '01')",
	                    &err));
	saw = (problems_seen){ "", 0 };
	CHECK_OK(gn_check_run(a.ctx.db, &a.census.coverage, note_problem, &saw, &problems, &err));
	CHECK_STR(saw.tables, "tdp_indicator tdp_indicator ");
	pc_close(&a);
}

/* The home screen's people: the kept den of an indicator over everyone
 * (the shipped needs_help's population is true()), equal to a count. */
static void people_counted_by_an_indicator_over_everyone(void)
{
	build();
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_cov_everyone(&set), -1); /* the plan's indicators: none over everyone */
	CHECK_OK(gn_cov_add(&set, "everyone", "Mọi người", "Everyone", "(1)", "0", true, &err));
	int e = gn_cov_everyone(&set);
	CHECK_EQ_INT(e, (int)set.n - 1);
	CHECK_OK(gn_cov_sync(ctx.db, &set, &err)); /* a new set: recounted */
	for (int round = 0; round < 2; round++) {
		for (int t = 0; t < 3; t++) {
			gn_cov_row row;
			long counted = -1;
			CHECK_OK(gn_cov_tdp(&ctx, &set, tdps[t].id, &row, &err));
			CHECK_OK(gn_tdp_person_count(&ctx, tdps[t].id, &counted, &err));
			CHECK_EQ_INT(row.ind[e].den, counted);
		}
		/* a household removed: its people leave the count */
		sqlite3_stmt *st = NULL;
		char id[37] = "";
		sqlite3_prepare_v2(ctx.db, "SELECT household_id FROM person WHERE birth_year = 1985", -1, &st, NULL);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(id, sizeof id, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (round == 0)
			CHECK_OK(gn_household_remove(&ctx, id, &err));
	}
	teardown();

	gn_ctx c2;
	gn_census census;
	gn_unit_ward(&c2, 1, &census);
	CHECK(gn_cov_find(&census.coverage, "needs_help") >= 0);
	CHECK_EQ_INT(gn_cov_everyone(&census.coverage), gn_cov_find(&census.coverage, "needs_help"));
	gn_unit_ward_free(&c2, &census);
}

/* The missing list a page at a time (the screen) is the whole list
 * (what is written out), whatever the page and from either end, and its
 * length is the kept counters'. */
static void missing_list_read_a_page_at_a_time(void)
{
	gn_err err = { 0 };
	gn_demo_options opt;
	gn_demo_defaults(&opt);
	opt.tdps = 2;
	opt.households = 30;
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	gn_ctx c = { 0 };
	gn_census census;
	gn_form_problems problems = { 0 };
	REQUIRE(gn_db_open_memory(&c.db, &err) == GN_OK && gn_demo_build(c.db, &opt, NULL, NULL, &err) == GN_OK);
	REQUIRE(gn_census_load(c.db, NULL, &census, &problems, &err) == GN_OK);
	gn_form_problems_free(&problems);
	c.coverage = &census.coverage;
	REQUIRE(gn_sign_in(&c, "admin", GN_DEMO_PASSWORD, &err) == GN_OK);
	gn_tdp tdp;
	REQUIRE(gn_tdp_find(&c, "02", &tdp, &err) == GN_OK);
	int pages = 0;
	for (size_t i = 0; i < census.coverage.n; i++) {
		gn_todo_list all, page;
		size_t total = 0;
		CHECK_OK(gn_todo_load(&c, &census.coverage, (int)i, tdp.id, &all, &err));
		CHECK_OK(gn_todo_count(&c, &census.coverage, (int)i, tdp.id, &total, &err));
		CHECK_EQ_INT(total, all.n);
		static const size_t limits[] = { 1, 7, 18 };
		for (size_t l = 0; l < sizeof limits / sizeof *limits; l++)
			for (size_t at = 0; at <= total; at++) {
				CHECK_OK(gn_todo_load_page(&c, &census.coverage, (int)i, tdp.id, total, at, limits[l], &page, &err));
				size_t want = total - at < limits[l] ? total - at : limits[l];
				CHECK_EQ_INT(page.n, want);
				CHECK_STR(page.tdp_code, "02");
				for (size_t k = 0; k < page.n && k < want; k++) {
					CHECK_STR(page.items[k].person_id, all.items[at + k].person_id);
					CHECK_STR(page.items[k].lacks, all.items[at + k].lacks);
				}
				gn_todo_list_free(&page);
				pages++;
			}
		gn_todo_list_free(&all);
	}
	CHECK(pages > 100);
	gn_census_free(&census);
	gn_db_close(c.db);
}

/* A day's snapshot is written with the change, from the kept counters:
 * one row a TDP a day its counters changed, the day's last state; a later
 * day leaves the earlier one as it was, and the weeks read them. */
static void snapshots_kept_each_day_the_counters_change(void)
{
	build();
	gn_err err = { 0 };
	sqlite3_stmt *st = NULL;
	/* day D: every TDP's row equals its counters */
	REQUIRE(sqlite3_prepare_v2(ctx.db, "SELECT count(*) FROM coverage_day_stats d JOIN tdp_stats s "
	                           "ON s.tdp_id = d.tdp_id AND d.day = '2026-11-20' AND (d.listed, d.done, d.revisit) = "
	                           "(s.listed, s.done, s.revisit)", -1, &st, NULL) == SQLITE_OK);
	REQUIRE(sqlite3_step(st) == SQLITE_ROW);
	CHECK_EQ_INT(sqlite3_column_int(st, 0), 3);
	sqlite3_finalize(st);
	gn_cov_row *rows = NULL, total_d, total;
	size_t n = 0;
	CHECK_OK(gn_cov_ward(&ctx, &set, &rows, &n, &total_d, &err));
	free(rows);
	/* day D+1: TDP 2's 1990 person loses her skills */
	setenv("GONHA_NOW", "2026-11-21T03:00:00Z", 1);
	char id[37] = "";
	REQUIRE(sqlite3_prepare_v2(ctx.db, "SELECT household_id FROM person WHERE birth_year = 1990", -1, &st, NULL) ==
	        SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(id, sizeof id, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	gn_household hh;
	REQUIRE(gn_household_load(&ctx, id, &hh, &err) == GN_OK);
	free(hh.members[0].answers);
	hh.members[0].answers = strdup("{\"smartphone\":\"no\"}");
	CHECK_OK(gn_household_save(&ctx, &hh, &err));
	gn_household_free(&hh);
	REQUIRE(sqlite3_prepare_v2(ctx.db, "SELECT group_concat(day || ':' || (tdp_id = ?1), ',') FROM "
	                           "(SELECT day, tdp_id FROM coverage_day_stats ORDER BY day, tdp_id = ?1)", -1, &st,
	                           NULL) == SQLITE_OK);
	sqlite3_bind_text(st, 1, tdps[1].id, -1, SQLITE_STATIC);
	REQUIRE(sqlite3_step(st) == SQLITE_ROW);
	/* D: three TDPs; D+1: TDP 2 alone */
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "2026-11-20:0,2026-11-20:0,2026-11-20:1,2026-11-21:1");
	sqlite3_finalize(st);
	REQUIRE(sqlite3_prepare_v2(ctx.db, "SELECT count(*) FROM coverage_touched", -1, &st, NULL) == SQLITE_OK);
	REQUIRE(sqlite3_step(st) == SQLITE_ROW);
	CHECK_EQ_INT(sqlite3_column_int(st, 0), 0); /* the notes emptied at the commit */
	sqlite3_finalize(st);
	/* as of D, asked on D+2: D's figures */
	setenv("GONHA_NOW", "2026-11-22T03:00:00Z", 1);
	CHECK_OK(gn_cov_ward_as_of(&ctx, &set, "2026-11-20", &rows, &n, &total, &err));
	REQUIRE(n == 3);
	CHECK(!total.ind_unknown);
	for (size_t i = 0; i < set.n; i++) {
		CHECK_EQ_INT(total.ind[i].num, total_d.ind[i].num);
		CHECK_EQ_INT(total.ind[i].den, total_d.ind[i].den);
	}
	CHECK_STR(rows[1].day, "2026-11-20");
	free(rows);
	CHECK_OK(gn_cov_ward_as_of(&ctx, &set, "2026-11-21", &rows, &n, &total, &err));
	CHECK_EQ_INT(total.ind[0].num, total_d.ind[0].num - 1);
	CHECK_STR(rows[1].day, "2026-11-21");
	CHECK_STR(rows[0].day, "2026-11-20");
	free(rows);
	/* the weeks: the one ending D+2 (the last snapshots), the one before
	 * ends before the snapshots began and is left out */
	gn_cov_week *weeks = NULL;
	CHECK_OK(gn_cov_weekly(&ctx, &set, NULL, 10, &weeks, &n, &err));
	REQUIRE(n == 1);
	CHECK_STR(weeks[0].day, "2026-11-22");
	CHECK(weeks[0].known);
	CHECK_EQ_INT(weeks[0].ind[0].num, total_d.ind[0].num - 1);
	CHECK_EQ_INT(weeks[0].listed, total_d.listed);
	free(weeks);
	/* until D: the week ending D */
	CHECK_OK(gn_cov_weekly(&ctx, &set, "2026-11-20", 10, &weeks, &n, &err));
	REQUIRE(n == 1);
	CHECK_STR(weeks[0].day, "2026-11-20");
	CHECK_EQ_INT(weeks[0].ind[0].num, total_d.ind[0].num);
	free(weeks);
	teardown();
}


static bool count_by_tdp(void *arg, const gn_cov_person *p)
{
	long *by = arg;
	by[strcmp(p->tdp_code, "02") == 0]++;
	return true;
}

/* A TDP entering another form (gonha form use): not measured by the plan's
 * indicators, so left out of the indicator totals and said so, never a
 * 0 %; its visits still count. Given census again, it is measured again. */
static void a_tdp_on_another_form_is_left_out(void)
{
	build();
	gn_err err = { 0 };
	CHECK_OK(gn_db_exec(ctx.db, "UPDATE tdp SET form_id = 'ho_dan' WHERE code = '02'", &err));
	gn_cov_row *rows = NULL, total;
	size_t n = 0;
	CHECK_OK(gn_cov_ward(&ctx, &set, &rows, &n, &total, &err));
	REQUIRE(n == 3);
	CHECK(!rows[0].not_measured && rows[1].not_measured && !rows[2].not_measured);
	CHECK_STR(rows[1].form_id, "ho_dan");
	CHECK_STR(rows[0].form_id, "census");
	CHECK_EQ_INT(total.tdps_not_measured, 1);
	CHECK_EQ_INT(total.listed, (long)N_PEOPLE); /* the visits of every TDP */
	int c = gn_cov_find(&set, "c_basic_skills");
	long num, den;
	expected(1, 2026, "c_basic_skills", &num, &den); /* TDP 1 alone (3 is empty) */
	CHECK_EQ_INT(total.ind[c].num, num);
	CHECK_EQ_INT(total.ind[c].den, den);
	CHECK_EQ_INT(rows[1].ind[c].den, 0);
	free(rows);

	/* the report says it, in the text and in the CSV (empty, not 0) */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	gn_report_options opt = { .format = GN_REPORT_TEXT };
	CHECK_OK(gn_report_write(&ctx, &set, &opt, f, &err));
	fclose(f);
	CHECK(strstr(buf, "1 TDP enters another form") != NULL);
	CHECK(strstr(buf, "TDP 2 (02): form ho_dan") != NULL);
	CHECK(strstr(buf, "TDP 2                          ×            ×         ×            ×\n") != NULL);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	opt.format = GN_REPORT_CSV;
	opt.csv_plain = 1;
	CHECK_OK(gn_report_write(&ctx, &set, &opt, f, &err));
	fclose(f);
	char line[256];
	snprintf(line, sizeof line, "\"02\",\"TDP 2\",3,2,0,0,0,,,,,100,");
	CHECK(strstr(buf, line) != NULL);
	if (!strstr(buf, line))
		fprintf(stderr, "  wanted %s  in:\n%s", line, buf);
	free(buf);

	/* nobody of TDP 2 is "missing"; asked for it alone, its form is named */
	long by[2] = { 0, 0 };
	CHECK_OK(gn_cov_missing(&ctx, &set, c, NULL, count_by_tdp, by, &err));
	CHECK(by[0] > 0);
	CHECK_EQ_INT(by[1], 0);
	CHECK_EQ_INT(gn_cov_missing(&ctx, &set, c, tdps[1].id, count_by_tdp, by, &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "ho_dan") != NULL);

	/* back on census: every TDP measured */
	CHECK_OK(gn_db_exec(ctx.db, "UPDATE tdp SET form_id = NULL WHERE code = '02'", &err));
	CHECK_OK(gn_cov_ward(&ctx, &set, &rows, &n, &total, &err));
	expected(0, 2026, "c_basic_skills", &num, &den);
	CHECK_EQ_INT(total.tdps_not_measured, 0);
	CHECK_EQ_INT(total.ind[c].num, num);
	CHECK_EQ_INT(total.ind[c].den, den);
	free(rows);
	teardown();
}

GN_TESTS(T(a_tdp_on_another_form_is_left_out), T(missing_list_read_a_page_at_a_time), T(people_counted_by_an_indicator_over_everyone), T(says_what_each_person_lacks), T(sorts_the_dashboard_by_any_column), T(writes_the_to_do_list),
         T(report_matches_the_count), T(ward_numbers_match_an_independent_count), T(counters_follow_edits_and_removals),
         T(recomputes_when_the_year_turns), T(sums_counted_elsewhere_are_added), T(empty_tdp_and_missing_targets), T(a_broken_indicator_is_named),
         T(missing_people_in_walking_order), T(merge_recounts_only_what_it_touched),
         T(resolved_conflict_recounts_its_tdp), T(check_finds_wrong_bits_and_wrong_sums),
         T(snapshots_kept_each_day_the_counters_change))
