/* The demo ward is deterministic and consistent; `check` catches each
 * inconsistency it names. */
#include "testlib.h"
#include "unit_fixtures.h"
#include "gonha/domain/check.h"
#include "gonha/storage/db.h"
#include "gonha/domain/demo.h"
#include "gonha/forms/census.h"
#include "gonha/text/text.h"

#include <stdlib.h>

static sqlite3 *demo_db(uint64_t seed)
{
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	gn_demo_options opt;
	gn_demo_defaults(&opt);
	opt.tdps = 3;
	opt.households = 40;
	opt.seed = seed;
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	if (gn_db_open_memory(&db, &err) != GN_OK || gn_demo_build(db, &opt, NULL, NULL, &err) != GN_OK) {
		fprintf(stderr, "demo: %s\n", err.msg);
		exit(2);
	}
	return db;
}

/* Everything in the census tables, as one string. */
static char *content(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	char *out = NULL;
	const char *sql =
		"SELECT (SELECT group_concat(x, char(10)) FROM (SELECT json_array(id, code, name, created_at) AS x FROM tdp ORDER BY id))"
		" || (SELECT group_concat(x, char(10)) FROM (SELECT json_array(id, tdp_id, walk_order, house_no, alley, street,"
		"      visit_status, visit_date, answers, entered_at) AS x FROM household ORDER BY id))"
		" || (SELECT group_concat(x, char(10)) FROM (SELECT json_array(id, household_id, full_name, birth_year, sex,"
		"      relation, gn_cccd_open(cccd), answers) AS x FROM person ORDER BY id))"
		" || (SELECT group_concat(x, char(10)) FROM (SELECT json_array(login, role) AS x FROM users ORDER BY login))";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

#define count gn_unit_count /* unit_fixtures.h */

static void demo_is_deterministic(void)
{
	sqlite3 *a = demo_db(7), *b = demo_db(7), *c = demo_db(8);
	char *ca = content(a), *cb = content(b), *cc = content(c);
	REQUIRE(ca && cb && cc);
	CHECK(strlen(ca) > 10000);
	CHECK(strcmp(ca, cb) == 0);
	CHECK(strcmp(ca, cc) != 0);
	free(ca); free(cb); free(cc);
	gn_db_close(a); gn_db_close(b); gn_db_close(c);
}

static void demo_is_realistic(void)
{
	sqlite3 *db = demo_db(1);
	CHECK_EQ_INT(gn_unit_count(db, "SELECT count(*) FROM tdp"), 3);
	CHECK_EQ_INT(gn_unit_count(db, "SELECT count(*) FROM household"), 120);
	CHECK(gn_unit_count(db, "SELECT count(*) FROM person") > 200);
	CHECK_EQ_INT(gn_unit_count(db, "SELECT count(*) FROM users"), 4); /* admin + tdp01..03 */
	CHECK(gn_unit_count(db, "SELECT count(DISTINCT visit_status) FROM household") >= 4);
	CHECK(gn_unit_count(db, "SELECT count(*) FROM person WHERE full_name LIKE 'Nguyễn %'") > 20);
	CHECK(gn_unit_count(db, "SELECT count(*) FROM household WHERE alley LIKE 'ngõ %'") == 120);
	CHECK(gn_unit_count(db, "SELECT count(*) FROM person WHERE json_extract(answers, '$.smartphone') = 'yes'") > 50);
	/* Every visited household has a date; not visited ones none. */
	CHECK_EQ_INT(gn_unit_count(db, "SELECT count(*) FROM household WHERE (visit_status = 'not_visited') = (visit_date IS NOT NULL)"), 0);
	/* Entered on the evening of the visit, over the days the round took
	 * (the operators' figures by day), never after now. */
	CHECK_EQ_INT(gn_unit_count(db, "SELECT count(*) FROM household WHERE (entered_at IS NULL) <> (visit_status = 'not_visited')"), 0);
	CHECK_EQ_INT(gn_unit_count(db, "SELECT count(*) FROM household WHERE entered_at IS NOT NULL AND "
	                               "(date(entered_at, '+7 hours') IS NOT visit_date OR entered_at >= '" GN_UNIT_NOW "' OR "
	                               "time(entered_at, '+7 hours') NOT BETWEEN '17:00:00' AND '20:59:59')"), 0);
	CHECK(gn_unit_count(db, "SELECT count(DISTINCT date(entered_at)) FROM household") > 20);
	/* made when entered, with their members: the operators' figures count
	 * a day's households and its persons on the same day */
	CHECK_EQ_INT(gn_unit_count(db, "SELECT count(*) FROM household WHERE entered_at IS NOT NULL AND "
	                               "(created_at IS NOT entered_at OR updated_at IS NOT entered_at)"), 0);
	CHECK_EQ_INT(gn_unit_count(db, "SELECT count(*) FROM person p JOIN household h ON h.id = p.household_id "
	                               "WHERE h.entered_at IS NOT NULL AND p.created_at IS NOT h.entered_at"), 0);
	gn_db_close(db);
}

static void demo_names_are_nfc(void)
{
	sqlite3 *db = demo_db(3);
	sqlite3_stmt *st = NULL;
	int bad = 0, rows = 0;
	CHECK(sqlite3_prepare_v2(db, "SELECT full_name FROM person UNION ALL SELECT street FROM household",
	                         -1, &st, NULL) == SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		char *nfc = NULL;
		rows++;
		if (gn_text_nfc(s, &nfc) != GN_OK || strcmp(s, nfc) != 0)
			bad++;
		free(nfc);
	}
	sqlite3_finalize(st);
	CHECK(rows > 200);
	CHECK_EQ_INT(bad, 0);
	gn_db_close(db);
}

typedef struct found { char rules[1024]; char details[2048]; } found;

static void collect(void *arg, const char *rule, const char *table, const char *id, const char *detail)
{
	found *f = arg;
	(void)table; (void)id;
	if (strlen(f->rules) + strlen(rule) + 2 < sizeof f->rules) {
		strcat(f->rules, rule);
		strcat(f->rules, " ");
	}
	if (detail && strlen(f->details) + strlen(detail) + 2 < sizeof f->details) {
		strcat(f->details, detail);
		strcat(f->details, "|");
	}
}

/* The citizen ID's own rules: one number on two persons (copied whole,
 * with the birth year and sex it fits, so nothing else is wrong), and a
 * masked form that is not the number's (changed outside gonha). */
static void check_finds_a_number_twice_and_a_wrong_masked_form(void)
{
	sqlite3 *db = demo_db(5);
	gn_err err = { 0 };
	found f = { "", "" };
	long problems = -1;
	CHECK_EQ_INT(gn_check_run(db, NULL, collect, &f, &problems, &err), GN_OK);
	CHECK_EQ_INT(problems, 0);
	CHECK_EQ_INT(gn_db_exec(db, "CREATE TEMP TABLE a AS SELECT * FROM person WHERE cccd IS NOT NULL AND relation = "
	                            "'head' ORDER BY rowid LIMIT 2;"
	                            "UPDATE person SET (cccd, cccd_masked, birth_year, sex) = (SELECT cccd, "
	                            "cccd_masked, birth_year, sex FROM temp.a ORDER BY rowid LIMIT 1) WHERE id = "
	                            "(SELECT id FROM temp.a ORDER BY rowid LIMIT 1 OFFSET 1)", &err), GN_OK);
	CHECK_EQ_INT(gn_check_run(db, NULL, collect, &f, &problems, &err), GN_OK);
	CHECK_EQ_INT(problems, 1);
	CHECK(strstr(f.rules, GN_RULE_CCCD) != NULL);
	CHECK(strstr(f.details, "the same CCCD as person") != NULL);
	f.rules[0] = f.details[0] = '\0';
	CHECK_EQ_INT(gn_db_exec(db, "UPDATE person SET cccd_masked = '001******000' WHERE id = "
	                            "(SELECT id FROM person WHERE cccd IS NOT NULL ORDER BY rowid DESC LIMIT 1)", &err), GN_OK);
	CHECK_EQ_INT(gn_check_run(db, NULL, collect, &f, &problems, &err), GN_OK);
	CHECK(strstr(f.details, "masked form is not the number") != NULL);
	gn_db_close(db);
}

/* Breaks the demo with `sql` and expects `rule` to be reported. */
static void expect_rule(const char *sql, const char *rule)
{
	sqlite3 *db = demo_db(5);
	gn_err err = { 0 };
	found f = { "", "" };
	long problems = -1;
	/* the indicators, as gonha check loads them: each person's bits too */
	gn_census census;
	gn_form_problems form_problems = { 0 };
	REQUIRE(gn_census_load(db, NULL, &census, &form_problems, &err) == GN_OK);
	gn_form_problems_free(&form_problems);
	CHECK_EQ_INT(gn_check_run(db, &census.coverage, collect, &f, &problems, &err), GN_OK);
	CHECK_EQ_INT(problems, 0);
	CHECK_EQ_INT(gn_db_exec(db, sql, &err), GN_OK);
	f.rules[0] = '\0';
	CHECK_EQ_INT(gn_check_run(db, &census.coverage, collect, &f, &problems, &err), GN_OK);
	gn_census_free(&census);
	if (!strstr(f.rules, rule)) {
		fprintf(stderr, "  expected rule %s after: %s\n  got: %s\n", rule, sql, f.rules);
		gn_test_failed = 1;
	}
	CHECK(problems >= 1);
	gn_db_close(db);
}

static void check_catches_each_rule(void)
{
	expect_rule("UPDATE person SET relation = 'head' WHERE relation = 'spouse' AND rowid = "
	            "(SELECT min(rowid) FROM person WHERE relation = 'spouse')", GN_RULE_ONE_HEAD);
	expect_rule("UPDATE person SET relation = 'other' WHERE relation = 'head' AND rowid = "
	            "(SELECT min(rowid) FROM person WHERE relation = 'head')", GN_RULE_ONE_HEAD);
	expect_rule("UPDATE person SET birth_year = birth_year + 1 WHERE rowid = "
	            "(SELECT min(rowid) FROM person WHERE cccd IS NOT NULL)", GN_RULE_CCCD);
	expect_rule("UPDATE person SET cccd = '003085000001' WHERE rowid = "
	            "(SELECT min(rowid) FROM person WHERE cccd IS NOT NULL)", GN_RULE_CCCD);
	expect_rule("UPDATE person SET full_name = 'Nguye' || char(770, 771) || 'n Va' || char(774) || 'n Z', "
	            "name_key = 'nguyen van z' WHERE rowid = 1", GN_RULE_NFC);
	expect_rule("UPDATE person SET name_key = 'someone else' WHERE rowid = 1", GN_RULE_SEARCH_KEY);
	expect_rule("UPDATE person SET tdp_id = (SELECT id FROM tdp WHERE code = '03') WHERE rowid = "
	            "(SELECT min(p.rowid) FROM person p JOIN tdp t ON t.id = p.tdp_id WHERE t.code = '01')",
	            GN_RULE_PERSON_TDP);
	expect_rule("UPDATE household SET deleted = 1 WHERE rowid = 1", GN_RULE_PERSON_HOUSEHOLD);
	expect_rule("PRAGMA foreign_keys = OFF; UPDATE household SET tdp_id = 'gone' WHERE rowid = 1",
	            GN_RULE_HOUSEHOLD_TDP);
	expect_rule("PRAGMA foreign_keys = OFF; UPDATE household SET tdp_id = 'gone' WHERE rowid = 1",
	            GN_RULE_FOREIGN_KEY);
	expect_rule("UPDATE tdp_stats SET done = done + 1", GN_RULE_COUNTERS);
	expect_rule("UPDATE tdp_indicator SET num = num + 1 WHERE bit = 0 AND tdp_id = (SELECT min(id) FROM tdp)",
	            GN_RULE_COUNTERS);
	/* the search table (household_word) apart from its persons: a word
	 * gone, a word no member has */
	expect_rule("DELETE FROM household_word WHERE (tdp_id, word, household_id, name_key) = "
	            "(SELECT tdp_id, word, household_id, name_key FROM household_word WHERE name_key <> '' LIMIT 1)",
	            GN_RULE_SEARCH_WORDS);
	expect_rule("INSERT INTO household_word SELECT tdp_id, 'zzz', household_id, name_key FROM person LIMIT 1",
	            GN_RULE_SEARCH_WORDS);
	/* a person's bits wrong, the sums moved with them by the triggers */
	expect_rule("UPDATE person SET ind_num = 0 WHERE rowid = (SELECT min(rowid) FROM person WHERE ind_num <> 0 "
	            "AND deleted = 0)", GN_RULE_COUNTERS);
}

GN_TESTS(T(check_finds_a_number_twice_and_a_wrong_masked_form), T(demo_is_deterministic), T(demo_is_realistic), T(demo_names_are_nfc), T(check_catches_each_rule))
