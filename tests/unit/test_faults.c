/* Faults injected into SQLite, as SQLite's own tests do (Debian's library
 * has no test hooks): an authorizer that refuses every statement (so each
 * prepare fails) and a progress handler that interrupts every step. Each
 * domain module's calls must then report a database error as what it is,
 * never as "not found", "no such TDP", "wrong password" or success. */
#include "testlib.h"
#include "unit_fixtures.h"
#include "gonha/domain/audit.h"
#include "gonha/forms/census.h"
#include "gonha/domain/check.h"
#include "gonha/domain/coverage.h"
#include "gonha/storage/db.h"
#include "gonha/domain/draft.h"
#include "gonha/interchange/exchange.h"
#include "gonha/domain/household.h"
#include "gonha/domain/household_list.h"
#include "gonha/domain/session.h"
#include "gonha/domain/users.h"
#include "gonha/domain/ward.h"

#include <stdlib.h>
#include <string.h>

static gn_ctx ctx;
static gn_census census;
static char tdp_id[37], household_id[37];

static void setup(void)
{
	gn_err err = { 0 };
	gn_unit_ward(&ctx, 2, &census);
	gn_tdp *tdps = NULL;
	size_t n = 0;
	if (gn_tdp_list(&ctx, &tdps, &n, &err) != GN_OK || n < 1)
		exit(2);
	snprintf(tdp_id, sizeof tdp_id, "%s", tdps[0].id);
	free(tdps);
	gn_household hh = { 0 };
	snprintf(hh.tdp_id, sizeof hh.tdp_id, "%s", tdp_id);
	hh.house_no = strdup("12");
	hh.street = strdup("Lương Ngọc Quyến");
	gn_person *p = gn_household_add_member(&hh);
	p->full_name = strdup("Nguyễn Văn A");
	p->birth_year = 1970;
	snprintf(p->sex, sizeof p->sex, "male");
	snprintf(p->relation, sizeof p->relation, "head");
	if (gn_household_save(&ctx, &hh, &err) != GN_OK)
		exit(2);
	snprintf(household_id, sizeof household_id, "%s", hh.id);
	gn_household_free(&hh);
}

static void teardown(void)
{
	gn_unit_ward_free(&ctx, &census);
}

/* ---- the operations, one per domain module ------------------------------- */

static gn_status op_household_load(gn_err *err)
{
	gn_household hh;
	gn_status st = gn_household_load(&ctx, household_id, &hh, err);
	if (st == GN_OK)
		gn_household_free(&hh);
	return st;
}

static gn_status op_household_save(gn_err *err)
{
	gn_household hh = { 0 };
	snprintf(hh.tdp_id, sizeof hh.tdp_id, "%s", tdp_id);
	hh.house_no = strdup("14");
	hh.street = strdup("Lương Ngọc Quyến");
	gn_status st = gn_household_save(&ctx, &hh, err);
	gn_household_free(&hh);
	return st;
}

static gn_status op_household_list(gn_err *err)
{
	gn_hh_row *rows = NULL;
	size_t n = 0;
	gn_status st = gn_hh_list(&ctx, tdp_id, GN_HH_ALL, NULL, 0, 50, &rows, &n, err);
	free(rows);
	return st;
}

static gn_status op_tdp_find(gn_err *err)
{
	gn_tdp t;
	return gn_tdp_find(&ctx, "01", &t, err);
}

static gn_status op_sign_in_wrong(gn_err *err)
{
	gn_ctx other = { .db = ctx.db };
	return gn_sign_in(&other, "admin", "not-the-password", err);
}

static gn_status op_users(gn_err *err)
{
	gn_user_info *users = NULL;
	size_t n = 0;
	gn_status st = gn_user_list(&ctx, &users, &n, err);
	free(users);
	return st;
}

static gn_status op_audit(gn_err *err)
{
	gn_audit_filter f = { 0 };
	gn_audit_entry *e = NULL;
	size_t n = 0;
	long total = 0;
	gn_status st = gn_audit_query(&ctx, &f, &e, &n, &total, err);
	if (st == GN_OK)
		gn_audit_entries_free(e, n);
	return st;
}

static gn_status op_coverage(gn_err *err)
{
	gn_cov_row row;
	gn_status st = gn_cov_tdp(&ctx, &census.coverage, tdp_id, &row, err);
	return st;
}

static gn_status op_draft(gn_err *err)
{
	gn_draft d;
	gn_status st = gn_draft_latest(&ctx, "household", &d, err);
	if (st == GN_OK)
		gn_draft_free(&d);
	return st;
}

static void no_report(void *arg, const char *rule, const char *table, const char *id, const char *detail)
{
	(void)arg;
	(void)rule;
	(void)table;
	(void)id;
	(void)detail;
}

static gn_status op_check(gn_err *err)
{
	long problems = 0;
	return gn_check_run(ctx.db, &census.coverage, no_report, NULL, &problems, err);
}

static gn_status op_import(gn_err *err)
{
	const char *list = "tdp_code,street,head_name\n01,Lương Ngọc Quyến,Trần Thị B\n";
	gn_import_report rep;
	gn_status st = gn_import_buffer(&ctx, &census, list, strlen(list), NULL, &rep, err);
	gn_import_report_free(&rep);
	return st;
}

static gn_status op_conflict(gn_err *err)
{
	return gn_conflict_resolve(&ctx, &census, 1, false, err);
}

static const struct {
	const char *name;
	gn_status (*run)(gn_err *err);
} ops[] = {
	{ "household load", op_household_load }, { "household save", op_household_save },
	{ "household list", op_household_list }, { "tdp find", op_tdp_find },
	{ "sign-in, wrong password", op_sign_in_wrong }, { "users", op_users },
	{ "audit", op_audit },                   { "coverage", op_coverage },
	{ "drafts", op_draft },                  { "check", op_check },
	{ "import", op_import },                 { "conflict", op_conflict },
};

/* ---- the injectors -------------------------------------------------------- */

static int deny_all(void *arg, int action, const char *a, const char *b, const char *c, const char *d)
{
	(void)arg;
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	return action == SQLITE_TRANSACTION || action == SQLITE_SAVEPOINT ? SQLITE_OK : SQLITE_DENY;
}

static int interrupt(void *arg)
{
	(void)arg;
	return 1;
}

static void each_op_reports(const char *injector, void (*inject)(void), void (*clear)(void))
{
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
		setup();
		gn_err err = { 0 };
		inject();
		gn_status st = ops[i].run(&err);
		clear();
		if (st != GN_ERR_DB) {
			fprintf(stderr, "  %s under %s: status %d (%s), expected a database error\n", ops[i].name, injector,
			        (int)st, err.msg);
			gn_test_failed = 1;
		} else if (!err.msg[0]) {
			fprintf(stderr, "  %s under %s: no message\n", ops[i].name, injector);
			gn_test_failed = 1;
		}
		/* and nothing was left half-done: the file is whole and consistent */
		gn_err e = { 0 };
		long problems = -1;
		CHECK(gn_check_run(ctx.db, &census.coverage, no_report, NULL, &problems, &e) == GN_OK && problems == 0);
		CHECK(sqlite3_get_autocommit(ctx.db));
		teardown();
	}
}

static void deny(void) { sqlite3_set_authorizer(ctx.db, deny_all, NULL); }
static void undeny(void) { sqlite3_set_authorizer(ctx.db, NULL, NULL); }
static void interrupting(void) { sqlite3_progress_handler(ctx.db, 1, interrupt, NULL); }
static void uninterrupting(void) { sqlite3_progress_handler(ctx.db, 0, NULL, NULL); }

static void a_refused_prepare_is_a_database_error(void)
{
	each_op_reports("a refused prepare", deny, undeny);
}

static void an_interrupted_step_is_a_database_error(void)
{
	each_op_reports("an interrupted step", interrupting, uninterrupting);
}

/* One statement refused, not all: the failed sign-in counter cannot be
 * written. Refusing the sign-in as a plain wrong password would let the
 * delay never grow. */
static int deny_users_update(void *arg, int action, const char *a, const char *b, const char *c, const char *d)
{
	(void)arg;
	(void)b;
	(void)c;
	(void)d;
	return action == SQLITE_UPDATE && a && strcmp(a, "users") == 0 ? SQLITE_DENY : SQLITE_OK;
}

static void a_failed_sign_in_that_cannot_be_counted_says_so(void)
{
	setup();
	gn_ctx other = { .db = ctx.db };
	gn_err err = { 0 };
	sqlite3_set_authorizer(ctx.db, deny_users_update, NULL);
	CHECK_EQ_INT(gn_sign_in(&other, "admin", "not-the-password", &err), GN_ERR_DB);
	/* and the right password, whose clearing of the counter fails, does not
	 * sign in half-way */
	sqlite3_set_authorizer(ctx.db, NULL, NULL);
	CHECK_EQ_INT(gn_sign_in(&other, "admin", "wrong-again", &err), GN_ERR_DENIED);
	sqlite3_set_authorizer(ctx.db, deny_users_update, NULL);
	gn_ctx third = { .db = ctx.db };
	setenv("GONHA_NOW", "2026-11-20T10:00:00Z", 1); /* after the delay */
	CHECK_EQ_INT(gn_sign_in(&third, "admin", "secret1", &err), GN_ERR_DB);
	CHECK_STR(third.user.login, "");
	sqlite3_set_authorizer(ctx.db, NULL, NULL);
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	teardown();
}

/* An expression of the form that SQLite cannot run is not "this answer
 * is not allowed" nor "hidden": the check says what failed, and the
 * relevance that could not be known shows the field and keeps the error. */
static void a_form_expression_that_cannot_run_says_so(void)
{
	setup();
	gn_form *form = census.form;
	int phone = gn_form_find(form, "phone"), date = gn_form_find(form, "visit_date");
	int status = gn_form_find(form, "visit_status");
	REQUIRE(phone >= 0 && date >= 0 && status >= 0);
	const char **vals = calloc(form->n_fields, sizeof *vals);
	REQUIRE(vals);
	vals[phone] = "0912345678";
	vals[status] = "done";
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_form_check_value(form, (size_t)phone, vals, &err), GN_OK);
	sqlite3_progress_handler(ctx.db, 1, interrupt, NULL);
	CHECK_EQ_INT(gn_form_check_value(form, (size_t)phone, vals, &err), GN_ERR_DB);
	CHECK(strstr(err.msg, "interrupt") != NULL);
	gn_err_clear(&form->eval_error);
	CHECK(gn_form_relevant(form, (size_t)date, vals));
	CHECK_EQ_INT(form->eval_error.status, GN_ERR_DB);
	sqlite3_progress_handler(ctx.db, 0, NULL, NULL);
	free(vals);
	teardown();
}

GN_TESTS(T(a_refused_prepare_is_a_database_error), T(an_interrupted_step_is_a_database_error),
         T(a_failed_sign_in_that_cannot_be_counted_says_so), T(a_form_expression_that_cannot_run_says_so))
