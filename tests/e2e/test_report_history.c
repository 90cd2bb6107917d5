/* The report as it stood on a past day, through the real binary with the
 * clock fixed (GONHA_NOW): a report made on day D, the data changed on day
 * D+1 (a person erased), and `--as-of D` asked on day D+2 give the figures
 * of the first report; a date before the census began is refused with a
 * message and changes nothing; before the snapshots began, the visits come
 * from their visit dates and the indicators are left empty (not 0); the
 * review and verification figures of `--as-of D` are those of day D too
 * (reviews made, second keyings finished and differences resolved on D+1
 * not seen). */
#include "e2e_fixtures.h"
#include "testlib.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_D "GONHA_USER=admin GONHA_PASSWORD=demo GONHA_NOW=2026-11-20T09:00:00Z"
#define DAY_D1 "GONHA_USER=admin GONHA_PASSWORD=demo GONHA_NOW=2026-11-21T08:00:00Z"
#define DAY_D2 "GONHA_USER=admin GONHA_PASSWORD=demo GONHA_NOW=2026-11-22T10:00:00Z"

/* The CSV report of `when` (an env), optionally --as-of a date; malloc'd. */
static char *report_csv(const char *when, const char *as_of)
{
	char args[256];
	snprintf(args, sizeof args, "report --db w.db --format csv --plain%s%s", as_of ? " --as-of " : "",
	         as_of ? as_of : "");
	if (gn_e2e_run_env(when, args) != 0) {
		fprintf(stderr, "  report failed: %s\n", gn_e2e_err);
		return NULL;
	}
	return strdup(gn_e2e_out);
}

static void as_of_a_past_day_gives_that_days_figures(void)
{
	REQUIRE(gn_e2e_demo("w.db"));
	char *on_d = report_csv(DAY_D, NULL);
	REQUIRE(on_d);
	/* on D+1: one person counted in c_basic_skills erased */
	const char *who = gn_e2e_sql1("w.db", "SELECT p.id FROM person p, indicator_bit b WHERE b.name = "
	                                      "'c_basic_skills' AND p.deleted = 0 AND (p.ind_num >> b.bit) & 1 "
	                                      "ORDER BY p.id LIMIT 1");
	REQUIRE(*who);
	char args[256];
	snprintf(args, sizeof args, "erase --db w.db --person %s --yes", who);
	REQUIRE(gn_e2e_run_env(DAY_D1, args) == 0);
	char *on_d1 = report_csv(DAY_D1, NULL);
	REQUIRE(on_d1);
	CHECK(strcmp(on_d, on_d1) != 0); /* the change shows */
	/* on D+2: as of D and as of D+1 */
	char *d_asked_later = report_csv(DAY_D2, "2026-11-20");
	char *d1_asked_later = report_csv(DAY_D2, "2026-11-21");
	CHECK(d_asked_later && strcmp(d_asked_later, on_d) == 0);
	CHECK(d1_asked_later && strcmp(d1_asked_later, on_d1) == 0);
	if (d_asked_later && strcmp(d_asked_later, on_d) != 0)
		fprintf(stderr, "  on D:\n%s\n  as of D on D+2:\n%s\n", on_d, d_asked_later);
	/* one row a TDP a day it changed: D for all three, D+1 for one */
	CHECK_STR(gn_e2e_sql1("w.db", "SELECT group_concat(day || ':' || n) FROM (SELECT day, count(*) AS n FROM "
	                              "coverage_day_stats GROUP BY day ORDER BY day)"),
	          "2026-11-20:3,2026-11-21:1");
	free(on_d);
	free(on_d1);
	free(d_asked_later);
	free(d1_asked_later);
}

static void a_date_before_the_census_is_refused(void)
{
	REQUIRE(gn_e2e_demo("w.db"));
	char before[4096];
	snprintf(before, sizeof before, "%s", gn_e2e_fingerprint("w.db"));
	const char *first = gn_e2e_sql1("w.db", "SELECT min(visit_date) FROM household WHERE visit_date <> ''");
	REQUIRE(*first);
	CHECK_EQ_INT(gn_e2e_run_env(DAY_D2, "report --db w.db --as-of 2020-01-01"), 2);
	CHECK(gn_e2e_has(gn_e2e_err, "there are no figures for 2020-01-01: the census began on "));
	CHECK(gn_e2e_has(gn_e2e_err, first));
	CHECK_STR(gn_e2e_out, "");
	CHECK_EQ_INT(gn_e2e_run_env(DAY_D2, "report --db w.db --as-of 2026-02-30"), 2);
	CHECK(gn_e2e_has(gn_e2e_err, "YYYY-MM-DD"));
	CHECK_STR(gn_e2e_fingerprint("w.db"), before);
}

static void before_the_snapshots_the_visits_come_from_their_dates(void)
{
	REQUIRE(gn_e2e_demo("w.db"));
	/* a day after the first visit, before the demo was made (the snapshots
	 * began on D) */
	const char *first = gn_e2e_sql1("w.db", "SELECT date(min(visit_date), '+10 days') FROM household "
	                                        "WHERE visit_date <> ''");
	char day[11];
	snprintf(day, sizeof day, "%s", first);
	REQUIRE(strcmp(day, "2026-11-20") < 0);
	char *csv = report_csv(DAY_D2, day);
	REQUIRE(csv);
	/* counted independently: households of TDP 01 visited by then */
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE t.code = '01' "
	         "AND h.deleted = 0 AND h.visit_status IN ('done', 'refused', 'moved') AND h.visit_date <= '%s'", day);
	char want[256];
	snprintf(want, sizeof want, "\"01\",\"Tổ dân phố 1\",12,%s,", gn_e2e_sql1("w.db", sql));
	CHECK(gn_e2e_has(csv, want));
	/* the indicators are not known that early: empty cells, not 0 */
	const char *row = strstr(csv, "\"01\",");
	REQUIRE(row);
	CHECK(gn_e2e_has(row, ",,,,100,"));
	free(csv);
	/* the text says so */
	char args[128];
	snprintf(args, sizeof args, "report --db w.db --as-of %s", day);
	CHECK_EQ_INT(gn_e2e_run_env(DAY_D2, args), 0);
	CHECK(gn_e2e_has(gn_e2e_out, "not known"));
}

/* SQL written into the test's ward as the UI's screens would (a review, a
 * second keying finished): 0 done */
static int sql_exec(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	char *msg = NULL;
	int rc = sqlite3_open(gn_e2e_path(db), &h) == SQLITE_OK ? sqlite3_exec(h, sql, NULL, NULL, &msg) : -1;
	if (rc != SQLITE_OK)
		fprintf(stderr, "  sql: %s: %s\n", sql, msg ? msg : sqlite3_errmsg(h));
	sqlite3_free(msg);
	sqlite3_close(h);
	return rc;
}

/* The reviews and the verification CSV sections of `when`, --as-of a date
 * or not, one after the other; malloc'd. */
static char *sections_csv(const char *when, const char *as_of)
{
	char *both = NULL;
	size_t len = 0;
	static const char *const secs[] = { "reviews", "verification" };
	for (int i = 0; i < 2; i++) {
		char args[256];
		snprintf(args, sizeof args, "report --db w.db --format csv --plain --section %s%s%s", secs[i],
		         as_of ? " --as-of " : "", as_of ? as_of : "");
		if (gn_e2e_run_env(when, args) != 0) {
			fprintf(stderr, "  report failed: %s\n", gn_e2e_err);
			free(both);
			return NULL;
		}
		size_t add = strlen(gn_e2e_out);
		char *more = realloc(both, len + add + 1);
		if (!more) {
			free(both);
			return NULL;
		}
		both = more;
		memcpy(both + len, gn_e2e_out, add + 1);
		len += add;
	}
	return both;
}

static void reviews_and_verification_as_they_stood(void)
{
	REQUIRE(gn_e2e_demo("w.db"));
	/* day D: a sample of TDP 01 drawn, one household keyed again with a
	 * difference not yet resolved, one household approved */
	REQUIRE(gn_e2e_run_env(DAY_D, "verify sample --db w.db --tdp 01 --count 2 --seed 16") == 0);
	REQUIRE(sql_exec("w.db",
	                 "UPDATE verify_item SET state = 'done', verifier = 'tdp02', updated_at = '2026-11-20T09:00:00Z' "
	                 "WHERE household_id = (SELECT min(household_id) FROM verify_item);"
	                 "INSERT INTO verify_field(pass_id, household_id, member, field, kind, first, second, differs) "
	                 "SELECT pass_id, household_id, -1, 'house_no', 'column', '12', '21', 1 FROM verify_item "
	                 "WHERE state = 'done';"
	                 "INSERT INTO verify_field(pass_id, household_id, member, field, kind, first, second, differs) "
	                 "SELECT pass_id, household_id, -1, 'street', 'column', 'A', 'A', 0 FROM verify_item "
	                 "WHERE state = 'done';"
	                 "INSERT INTO household_review(id, household_id, tdp_id, decision, at, by_login) "
	                 "SELECT 'r1', id, tdp_id, 'approved', '2026-11-20T09:00:00Z', 'admin' FROM household "
	                 "WHERE visit_status = 'done' AND deleted = 0 ORDER BY id LIMIT 1;") == 0);
	char *on_d = sections_csv(DAY_D, NULL);
	REQUIRE(on_d);
	CHECK(gn_e2e_has(on_d, "\"total\",\"\",1,1,2,1,"));
	/* day D+1: the difference resolved, the other household keyed, that
	 * household sent back and another approved */
	REQUIRE(gn_e2e_run_env(DAY_D1, "verify resolve 1 --db w.db --keep second") == 0);
	REQUIRE(sql_exec("w.db",
	                 "UPDATE verify_item SET state = 'done', verifier = 'tdp02', updated_at = '2026-11-21T08:00:00Z' "
	                 "WHERE state <> 'done';"
	                 "INSERT INTO household_review(id, household_id, tdp_id, decision, reason, at, by_login) "
	                 "SELECT 'r2', household_id, tdp_id, 'sent_back', 'thiếu người', '2026-11-21T08:00:00Z', 'admin' "
	                 "FROM household_review WHERE id = 'r1';"
	                 "INSERT INTO household_review(id, household_id, tdp_id, decision, at, by_login) "
	                 "SELECT 'r3', id, tdp_id, 'approved', '2026-11-21T08:00:00Z', 'admin' FROM household "
	                 "WHERE visit_status = 'done' AND deleted = 0 ORDER BY id LIMIT 1 OFFSET 1;") == 0);
	char *on_d1 = sections_csv(DAY_D1, NULL);
	REQUIRE(on_d1);
	CHECK(strcmp(on_d, on_d1) != 0); /* the change shows */
	/* on D+2, as of D: the figures of D */
	char *d_asked_later = sections_csv(DAY_D2, "2026-11-20");
	CHECK(d_asked_later && strcmp(d_asked_later, on_d) == 0);
	if (d_asked_later && strcmp(d_asked_later, on_d) != 0)
		fprintf(stderr, "  on D:\n%s\n  as of D on D+2:\n%s\n", on_d, d_asked_later);
	char *d1_asked_later = sections_csv(DAY_D2, "2026-11-21");
	CHECK(d1_asked_later && strcmp(d1_asked_later, on_d1) == 0);
	free(on_d);
	free(on_d1);
	free(d_asked_later);
	free(d1_asked_later);
}

GN_TESTS(T(as_of_a_past_day_gives_that_days_figures), T(a_date_before_the_census_is_refused),
         T(before_the_snapshots_the_visits_come_from_their_dates), T(reviews_and_verification_as_they_stood))
