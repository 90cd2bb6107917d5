/* Each rule in one place, and the places agree: the C value lists, the
 * schema's CHECKs and the shipped form's choices; the one date parser;
 * what spreadsheets do to cells; the form's rules run set-based over
 * stored rows with the meaning the form screen gives them. */
#include "testlib.h"
#include "unit_fixtures.h"
#include "../../src/interchange/spreadsheet.h"
#include "gonha/domain/cccd.h"
#include "gonha/forms/census.h"
#include "gonha/core/date.h"
#include "gonha/storage/db.h"
#include "gonha/domain/household.h"
#include "gonha/domain/session.h"
#include "gonha/forms/validate.h"
#include "gonha/domain/ward.h"

#include <stdlib.h>
#include <time.h>
#include <string.h>

static gn_ctx ctx;
static gn_census census;

static void setup(void)
{
	gn_unit_ward(&ctx, 1, &census);
}

static void teardown(void)
{
	gn_unit_ward_free(&ctx, &census);
}

static const gn_choice_list *list_of(const char *field)
{
	int i = gn_form_find(census.form, field);
	return i >= 0 ? census.form->fields[i].list : NULL;
}

/* Would the schema take this relation / sex / visit outcome? */
static bool schema_takes(const char *sql, const char *value)
{
	sqlite3_exec(ctx.db, "SAVEPOINT probe", NULL, NULL, NULL);
	sqlite3_stmt *q = NULL;
	bool ok = sqlite3_prepare_v2(ctx.db, sql, -1, &q, NULL) == SQLITE_OK;
	if (ok) {
		sqlite3_bind_text(q, 1, value, -1, SQLITE_STATIC);
		ok = sqlite3_step(q) == SQLITE_DONE;
	}
	sqlite3_finalize(q);
	sqlite3_exec(ctx.db, "ROLLBACK TO probe; RELEASE probe", NULL, NULL, NULL);
	return ok;
}

static const char *const insert_household =
	"INSERT INTO household(id, tdp_id, walk_order, house_no, alley, street, address_key, visit_status, entered_by, "
	"created_at, created_by, updated_at, updated_by) SELECT 'h-probe', id, 1, '1', '', 'X', '1 x', ?1, 'admin', "
	"'2026-11-20T09:00:00Z', 'admin', '2026-11-20T09:00:00Z', 'admin' FROM tdp LIMIT 1";

static void value_lists_agree(void)
{
	setup();
	const gn_choice_list *relation = list_of("relation"), *sex = list_of("sex"), *visit = list_of("visit_status");
	REQUIRE(relation && sex && visit);
	const char *person_sql = "INSERT INTO person(id, household_id, tdp_id, full_name, name_key, relation, created_at, "
	                         "created_by, updated_at, updated_by) SELECT 'p-probe', 'h-probe', tdp_id, 'A', 'a', ?1, "
	                         "'t', 'u', 't', 'u' FROM household WHERE id = 'h-probe'";
	REQUIRE(schema_takes(insert_household, GN_VISIT_NOT_VISITED));
	sqlite3_exec(ctx.db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	CHECK(sqlite3_exec(ctx.db, "INSERT INTO household(id, tdp_id, walk_order, house_no, alley, street, address_key, "
	                           "visit_status, entered_by, created_at, created_by, updated_at, updated_by) VALUES "
	                           "('h-probe', 't', 1, '1', '', 'X', '1 x', 'not_visited', 'a', 't', 'u', 't', 'u')",
	                   NULL, NULL, NULL) == SQLITE_OK);
	/* every choice of the form is known to the C code and taken by the schema */
	for (size_t i = 0; i < relation->n; i++) {
		CHECK(gn_relation_known(relation->items[i].name));
		CHECK(schema_takes(person_sql, relation->items[i].name));
	}
	for (size_t i = 0; i < visit->n; i++)
		CHECK(gn_visit_status_known(visit->items[i].name));
	for (size_t i = 0; i < sex->n; i++)
		CHECK(gn_sex_from_name(sex->items[i].name) != GN_SEX_UNKNOWN);
	/* and nothing more: what C knows, the form offers */
	static const char *const c_relations[] = { "head", "spouse", "child", "parent", "grandchild", "sibling", "other" };
	for (size_t i = 0; i < sizeof c_relations / sizeof *c_relations; i++)
		CHECK(gn_choice_find(relation, c_relations[i]) != NULL);
	CHECK_EQ_INT(relation->n, sizeof c_relations / sizeof *c_relations);
	CHECK_EQ_INT(visit->n, 5);
	CHECK(!gn_relation_known("cousin") && !schema_takes(person_sql, "cousin"));
	CHECK(!gn_visit_status_known("maybe"));
	teardown();
}

static void one_date_parser(void)
{
	int y, m, d;
	CHECK(gn_date_parse("2024-02-29", &y, &m, &d) && y == 2024 && m == 2 && d == 29);
	CHECK(!gn_date_parse("2026-02-29", NULL, NULL, NULL));
	CHECK(!gn_date_parse("2026-04-31", NULL, NULL, NULL));
	CHECK(!gn_date_parse("2026-4-01", NULL, NULL, NULL));
	CHECK(!gn_date_parse("2026-04-01x", NULL, NULL, NULL));
	CHECK(!gn_date_parse("+026-04-01", NULL, NULL, NULL));
	CHECK(gn_date_parse("1850-01-01", NULL, NULL, NULL) && !gn_date_valid("1850-01-01"));
	char iso[32];
	gn_date_from_dmy("5/7/2026", iso, sizeof iso);
	CHECK_STR(iso, "2026-07-05");
	gn_date_from_dmy("hôm qua", iso, sizeof iso);
	CHECK_STR(iso, "hôm qua");
	char *shown = gn_date_to_dmy("2026-02-30");
	CHECK_STR(shown, "30/02/2026"); /* shown as typed, refused by the check */
	free(shown);
}

static void what_spreadsheets_do(void)
{
	ex_col phone = { .name = "phone", .kind = EXC_ANSWER }, house = { .name = "house_no", .kind = EXC_CORE };
	ex_col walk = { .name = "walk_order", .kind = EXC_CORE }, cccd = { .name = "cccd", .kind = EXC_CORE };
	ex_col note = { .name = "notes", .kind = EXC_ANSWER };
	CHECK(ex_sheet_exponent("1.23457E+11") && ex_sheet_exponent("9.0689548789226E+015") &&
	      ex_sheet_exponent("1,79769313486232E+308"));
	CHECK(!ex_sheet_exponent("90026665552e3822") && !ex_sheet_exponent("12") && !ex_sheet_exponent("1E5"));
	CHECK(ex_sheet_same_token("9068954878922600", "9.0689548789226E+015"));
	CHECK(!ex_sheet_same_token("9068954878932600", "9.0689548789226E+015"));
	CHECK(!ex_sheet_same_token("v068954878922600", "9.0689548789226E+015"));
	CHECK(ex_sheet_same_token("9068954878922605", "9,0689548789226E+015")); /* Calc in Vietnamese */
	CHECK(ex_sheet_same_token("9068954878922605", "9.06895E+15"));          /* Excel */
	CHECK(ex_sheet_same_token("8499253764802547", "8499253764802550"));     /* 15 digits kept */
	CHECK(!ex_sheet_same_token("8499253764802547", "8499253764802560"));
	CHECK(ex_sheet_same_token("90026665552e3822", "1.79769313486232E+308")); /* beyond a double */
	CHECK(ex_sheet_same_token("12345678901234e5", "1.2345678901234E+018"));
	char *r = ex_sheet_restore(&phone, "470986282", NULL, false);
	CHECK_STR(r, "0470986282");
	free(r);
	CHECK(ex_sheet_restore(&phone, "0470986282", NULL, false) == NULL);
	CHECK(ex_sheet_restore(&phone, "12345", NULL, false) == NULL); /* not certain: left for the form's rule */
	r = ex_sheet_restore(&note, "7", "007", false);               /* certain given what is stored */
	CHECK_STR(r, "007");
	free(r);
	r = ex_sheet_restore(&cccd, "19088000123", NULL, false);
	CHECK_STR(r, "019088000123");
	free(r);
	r = ex_sheet_restore(&walk, "2,5", NULL, true);
	CHECK_STR(r, "2.5");
	free(r);
	CHECK(ex_sheet_same(&walk, "1.0", "1") && !ex_sheet_same(&walk, "1.0", "2") && !ex_sheet_same(&note, "1.0", "1"));
	CHECK(ex_sheet_damage(&house, "03/12/2026", NULL, false) && ex_sheet_damage(&house, "12-Mar", "12/3", false) && ex_sheet_damage(&house, "12/03/26", "12/3", false));
	CHECK(!ex_sheet_damage(&house, "12/3", NULL, false) && !ex_sheet_damage(&house, "5-7", NULL, false) &&
	      !ex_sheet_damage(&house, "12A", NULL, false));
	CHECK(!ex_sheet_damage(&house, "2/9/2026", "2/9/2026", false)); /* stored so: not the spreadsheet's doing */
	CHECK(ex_sheet_damage(&house, "1.2", "1,2", true) && !ex_sheet_damage(&house, "1.2", "1,2", false));
	CHECK(ex_sheet_damage(&cccd, "1.23457E+11", NULL, false) && ex_sheet_damage(&phone, "9.12345678E+08", NULL, false));
	CHECK(!ex_sheet_damage(&note, "xin chào", NULL, false));
}

static int found_constraint, found_required;
static char found_field[64];

static void on_violation(void *arg, long long key, const char *id, const gn_field *f, gn_rule_kind kind,
                         const char *value)
{
	(void)arg;
	(void)key;
	(void)id;
	(void)value;
	if (kind == GN_RULE_KIND_CONSTRAINT)
		found_constraint++;
	else
		found_required++;
	snprintf(found_field, sizeof found_field, "%s", f->name);
}

static void form_rules_over_stored_rows(void)
{
	setup();
	gn_household hh = { 0 };
	char tdp[37];
	sqlite3_stmt *q = NULL;
	REQUIRE(sqlite3_prepare_v2(ctx.db, "SELECT id FROM tdp LIMIT 1", -1, &q, NULL) == SQLITE_OK &&
	        sqlite3_step(q) == SQLITE_ROW);
	snprintf(tdp, sizeof tdp, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	snprintf(hh.tdp_id, sizeof hh.tdp_id, "%s", tdp);
	hh.house_no = strdup("12");
	hh.street = strdup("Lương Ngọc Quyến");
	hh.answers = strdup("{\"phone\":\"0912345678\"}");
	gn_person *p = gn_household_add_member(&hh);
	p->full_name = strdup("Nguyễn Văn A");
	p->birth_year = 2015; /* 11: no CCCD asked */
	snprintf(p->sex, sizeof p->sex, "male");
	snprintf(p->relation, sizeof p->relation, "head");
	gn_err err = { 0 };
	REQUIRE(gn_household_save(&ctx, &hh, &err) == GN_OK);
	gn_rule_rows households = { .level = 0, .from = "household", .key = "rowid" };
	gn_rule_rows persons = { .level = 1, .from = "person", .key = "rowid", .required_too = true };
	long n = -1;
	CHECK(gn_form_check_rows(census.form, ctx.db, &households, on_violation, NULL, &n, &err) == GN_OK && n == 0);
	/* a phone that breaks the form's regex, stored by another tool */
	sqlite3_exec(ctx.db, "UPDATE household SET answers = json_set(answers, '$.phone', '12345')", NULL, NULL, NULL);
	found_constraint = found_required = 0;
	CHECK(gn_form_check_rows(census.form, ctx.db, &households, on_violation, NULL, &n, &err) == GN_OK);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(found_constraint, 1);
	CHECK_STR(found_field, "phone");
	/* a CCCD for an 11-year-old is not relevant: its constraint is not asked
	 * (the domain's CCCD rule still is) */
	sqlite3_exec(ctx.db, "UPDATE person SET cccd = 'abc'", NULL, NULL, NULL);
	found_constraint = found_required = 0;
	CHECK(gn_form_check_rows(census.form, ctx.db, &persons, on_violation, NULL, &n, &err) == GN_OK);
	CHECK_EQ_INT(found_constraint, 0);
	sqlite3_exec(ctx.db, "UPDATE person SET birth_year = 1980", NULL, NULL, NULL);
	found_constraint = found_required = 0;
	CHECK(gn_form_check_rows(census.form, ctx.db, &persons, on_violation, NULL, &n, &err) == GN_OK);
	CHECK_EQ_INT(found_constraint, 1);
	CHECK_STR(found_field, "cccd");
	/* required: a sex left empty is incomplete, reported as such */
	sqlite3_exec(ctx.db, "UPDATE person SET cccd = NULL, sex = NULL", NULL, NULL, NULL);
	found_constraint = found_required = 0;
	CHECK(gn_form_check_rows(census.form, ctx.db, &persons, on_violation, NULL, &n, &err) == GN_OK);
	CHECK_EQ_INT(found_constraint, 0);
	CHECK_EQ_INT(found_required, 1);
	CHECK_STR(found_field, "sex");
	gn_household_free(&hh);
	teardown();
}

/* "Today" is the ward's date: at 04:22 on 2 December in Hà Nội (21:22
 * UTC on the 1st), a visit of the 2nd is not in the future. */
static void today_is_the_wards_date(void)
{
	char *tz = gn_unit_hanoi_clock("2026-12-01T21:22:00Z");
	char today[11];
	gn_today_iso(today);
	CHECK_STR(today, "2026-12-02");
	gn_household h = { .visit_date = "2026-12-02" };
	snprintf(h.visit_status, sizeof h.visit_status, "done");
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_household_validate_visit(&h, &err), GN_OK);
	h.visit_date = "2026-12-03";
	CHECK_EQ_INT(gn_household_validate_visit(&h, &err), GN_ERR_INVALID);
	setenv("GONHA_NOW", "2026-12-31T17:30:00Z", 1); /* 00:30 on 1 January there */
	CHECK_EQ_INT(gn_this_year(), 2027);
	gn_unit_clock_back(tz);
}

GN_TESTS(T(today_is_the_wards_date), T(value_lists_agree), T(one_date_parser), T(what_spreadsheets_do), T(form_rules_over_stored_rows))
