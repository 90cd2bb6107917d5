/* Who entered what (issue 16): the entry stamped by the save that first
 * records a visit, the form's time, corrections after save, the operator
 * figures per user and day, the PC stamps, and reviews (approve, send back,
 * the revisit list, append-only). Against an in-memory database. */
#include "testlib.h"
#include "unit_fixtures.h"
#include "gonha/storage/db.h"
#include "gonha/domain/household.h"
#include "gonha/domain/coverage.h"
#include "gonha/domain/household_list.h"
#include "gonha/domain/operators.h"
#include "gonha/domain/review.h"
#include "gonha/domain/ward.h"

#include <stdlib.h>

static gn_ctx ctx;
static gn_tdp tdp1;
static char *saved_tz; /* the TZ before setup, put back by teardown */

static void setup(void)
{
	gn_err err = { 0 };
	gn_unit_ward(&ctx, 2, NULL);
	saved_tz = gn_unit_hanoi_clock(GN_UNIT_NOW);
	const char *codes[] = { "01", NULL };
	gn_user_create(ctx.db, "leader1", "Leader", GN_ROLE_TDP_LEADER, "pw-leader", NULL, codes, "admin", &err);
	gn_user_create(ctx.db, "tech1", "Tech", GN_ROLE_TECH_TEAM, "pw-tech1", NULL, codes, "admin", &err);
	gn_sign_in(&ctx, "leader1", "pw-leader", &err);
	gn_tdp_find(&ctx, "01", &tdp1, &err);
}

static void teardown(void)
{
	gn_unit_ward_free(&ctx, NULL);
	gn_unit_clock_back(saved_tz);
}

static long count(const char *sql)
{
	sqlite3_stmt *st = NULL;
	long n = -1;
	if (sqlite3_prepare_v2(ctx.db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void household(gn_household *hh, const char *status)
{
	memset(hh, 0, sizeof *hh);
	snprintf(hh->tdp_id, sizeof hh->tdp_id, "%s", tdp1.id);
	hh->house_no = strdup("7");
	hh->alley = strdup("ngõ 3");
	hh->street = strdup("Hoàng Văn Thụ");
	snprintf(hh->visit_status, sizeof hh->visit_status, "%s", status);
	if (strcmp(status, GN_VISIT_NOT_VISITED) != 0)
		hh->visit_date = strdup("2026-11-20");
	gn_person *p = gn_household_add_member(hh);
	p->full_name = strdup("Lò Văn Páo");
	p->birth_year = 1970;
	snprintf(p->sex, sizeof p->sex, "male");
	snprintf(p->relation, sizeof p->relation, "head");
}

static void sign_in(const char *user, const char *password)
{
	gn_err err = { 0 };
	REQUIRE(gn_sign_in(&ctx, user, password, &err) == GN_OK);
}

static const gn_operator_row *row_of(const gn_operator_row *rows, size_t n, const char *user, const char *day)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].user_login, user) == 0 && strcmp(rows[i].day, day) == 0)
			return &rows[i];
	return NULL;
}

/* The first save with a visit outcome is the entry: who, when, and the
 * form's time from opening to saving; a later change is a correction. */
static void entry_is_stamped_and_corrections_counted(void)
{
	setup();
	gn_err err = { 0 };
	gn_household hh;
	household(&hh, GN_VISIT_DONE);
	snprintf(hh.opened_at, sizeof hh.opened_at, "2026-11-20T08:55:30Z"); /* 4 min 30 s of typing */
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE entered_by = 'leader1' AND "
	                   "entered_at = '2026-11-20T09:00:00Z' AND entered_pc IS NULL AND entry_seconds = 270"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM entry_time WHERE user_login = 'leader1' AND seconds = 270 AND "
	                   "correction = 0 AND persons = 1"), 1);
	CHECK_STR(hh.opened_at, "2026-11-20T09:00:00Z"); /* the next session starts at the save */

	/* saving again unchanged: no correction */
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM entry_time"), 1);

	/* the ward officer corrects it the next day: a correction, and the
	 * entry stays the leader's */
	sign_in("admin", "secret1");
	setenv("GONHA_NOW", "2026-11-21T03:00:00Z", 1);
	gn_household again;
	REQUIRE(gn_household_load(&ctx, hh.id, &again, &err) == GN_OK);
	free(again.house_no);
	again.house_no = strdup("7A");
	CHECK_EQ_INT(gn_household_save(&ctx, &again, &err), GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE entered_by = 'leader1' AND updated_by = 'admin'"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM entry_time WHERE user_login = 'admin' AND correction = 1"), 1);

	gn_operator_row *rows = NULL;
	size_t n = 0;
	REQUIRE(gn_operator_figures(&ctx, true, NULL, &rows, &n, &err) == GN_OK);
	const gn_operator_row *l = row_of(rows, n, "leader1", "2026-11-20"); /* 09:00 UTC is 16:00 in Hà Nội */
	const gn_operator_row *a = row_of(rows, n, "admin", "2026-11-21");
	REQUIRE(l && a);
	CHECK_EQ_INT(l->households, 1);
	CHECK_EQ_INT(l->persons, 1);
	CHECK_EQ_INT(l->timed, 1);
	CHECK_EQ_INT(gn_operator_seconds_each(l), 270);
	CHECK(gn_operator_per_hour(l) > 13.3 && gn_operator_per_hour(l) < 13.4);
	CHECK_EQ_INT(l->corrections, 0);
	CHECK_EQ_INT(a->households, 0);
	CHECK_EQ_INT(a->corrections, 1);
	free(rows);
	/* up to the first day: the correction is not there yet */
	REQUIRE(gn_operator_figures(&ctx, false, "2026-11-20", &rows, &n, &err) == GN_OK);
	CHECK(row_of(rows, n, "admin", "") == NULL);
	CHECK(row_of(rows, n, "leader1", "") != NULL);
	free(rows);
	gn_household_free(&again);
	gn_household_free(&hh);
	teardown();
}

/* A household listed before the round is entered when its visit is. */
static void a_listed_household_is_entered_at_its_visit(void)
{
	setup();
	gn_err err = { 0 };
	gn_household hh;
	household(&hh, GN_VISIT_NOT_VISITED);
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE entered_at IS NULL"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM entry_time"), 0);
	sign_in("admin", "secret1");
	snprintf(hh.visit_status, sizeof hh.visit_status, "%s", GN_VISIT_DONE);
	hh.visit_date = strdup("2026-11-20");
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE entered_by = 'admin' AND entered_at IS NOT NULL"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM entry_time WHERE correction = 0"), 1);
	gn_household_free(&hh);
	teardown();
}

/* A record whose last change came from another PC is this PC's again
 * once it is edited here; an import may write another PC's stamp. */
static void a_local_edit_takes_the_pc_stamp_back(void)
{
	setup();
	gn_err err = { 0 };
	gn_household hh;
	household(&hh, GN_VISIT_DONE);
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_OK);
	REQUIRE(gn_db_exec(ctx.db, "INSERT INTO meta(key, value) VALUES ('pc_stamps_from_file', '1');"
	                   "UPDATE household SET updated_pc = 'pc-b', updated_at = '2026-11-19T00:00:00Z';"
	                   "DELETE FROM meta WHERE key = 'pc_stamps_from_file'", &err) == GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE updated_pc = 'pc-b'"), 1);
	gn_provenance pv;
	REQUIRE(gn_household_provenance(&ctx, hh.id, &pv, &err) == GN_OK);
	CHECK(pv.updated_other_pc);
	CHECK(!pv.entered_other_pc);
	CHECK_STR(pv.entered_by, "leader1");
	/* the same stamp with a new time, not from a file: a write here */
	REQUIRE(gn_db_exec(ctx.db, "UPDATE household SET updated_at = '2026-11-19T01:00:00Z'", &err) == GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE updated_pc IS NULL"), 1);
	REQUIRE(gn_db_exec(ctx.db, "INSERT INTO meta(key, value) VALUES ('pc_stamps_from_file', '1');"
	                   "UPDATE household SET updated_pc = 'pc-b';"
	                   "DELETE FROM meta WHERE key = 'pc_stamps_from_file'", &err) == GN_OK);
	gn_household again;
	REQUIRE(gn_household_load(&ctx, hh.id, &again, &err) == GN_OK);
	free(again.street);
	again.street = strdup("Phan Đình Phùng");
	CHECK_EQ_INT(gn_household_save(&ctx, &again, &err), GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE updated_pc IS NULL"), 1);
	gn_household_free(&again);
	gn_household_free(&hh);
	teardown();
}

/* On the TDP's revisit list, and the list's length is the one count the
 * TDP screen's filter, the home screen and the report (the coverage rows)
 * show. */
static bool on_revisit_list(const char *id, bool sent_back)
{
	gn_err err = { 0 };
	gn_hh_row *rows = NULL;
	size_t n = 0, counted = 0, n_rows = 0;
	bool found = false;
	gn_cov_set none = { 0 };
	gn_cov_row one, *ward = NULL, total;
	if (gn_hh_list(&ctx, tdp1.id, GN_HH_REVISIT, NULL, 0, 100, &rows, &n, &err) != GN_OK)
		return false;
	CHECK_EQ_INT(gn_hh_count(&ctx, tdp1.id, GN_HH_REVISIT, NULL, &counted, &err), GN_OK);
	CHECK_EQ_INT((int)counted, (int)n);
	CHECK_EQ_INT(gn_cov_tdp(&ctx, &none, tdp1.id, &one, &err), GN_OK);
	CHECK_EQ_INT((int)one.revisit, (int)n);
	CHECK_EQ_INT(gn_cov_ward(&ctx, &none, &ward, &n_rows, &total, &err), GN_OK);
	CHECK_EQ_INT((int)total.revisit, (int)n);
	free(ward);
	for (size_t i = 0; i < n; i++)
		found |= strcmp(rows[i].id, id) == 0 && rows[i].sent_back == sent_back;
	free(rows);
	return found;
}

/* Sent back with a reason: still visited, on the revisit list with its
 * reason, until a later review approves it. Bad input changes nothing. */
static void a_review_sends_back_and_approves(void)
{
	setup();
	gn_err err = { 0 };
	gn_household hh, listed, nobody_home;
	household(&hh, GN_VISIT_DONE);
	household(&listed, GN_VISIT_NOT_VISITED);
	household(&nobody_home, GN_VISIT_REVISIT);
	REQUIRE(gn_household_save(&ctx, &hh, &err) == GN_OK);
	REQUIRE(gn_household_save(&ctx, &listed, &err) == GN_OK);
	REQUIRE(gn_household_save(&ctx, &nobody_home, &err) == GN_OK);

	CHECK_EQ_INT(gn_review_add(&ctx, hh.id, GN_REVIEW_SENT_BACK, "   ", &err), GN_ERR_INVALID);
	CHECK_STR(err.field, "reason");
	CHECK_EQ_INT(gn_review_add(&ctx, listed.id, GN_REVIEW_APPROVED, "", &err), GN_ERR_INVALID);
	char long_reason[GN_REVIEW_REASON_MAX + 2];
	memset(long_reason, 'x', sizeof long_reason - 1);
	long_reason[sizeof long_reason - 1] = '\0';
	CHECK_EQ_INT(gn_review_add(&ctx, hh.id, GN_REVIEW_SENT_BACK, long_reason, &err), GN_ERR_INVALID);
	sign_in("tech1", "pw-tech1");
	CHECK_EQ_INT(gn_review_add(&ctx, hh.id, GN_REVIEW_APPROVED, "", &err), GN_ERR_DENIED);
	CHECK_EQ_INT(count("SELECT count(*) FROM household_review"), 0);

	sign_in("leader1", "pw-leader");
	CHECK(!on_revisit_list(hh.id, false));
	CHECK(on_revisit_list(nobody_home.id, false));
	CHECK_EQ_INT(gn_review_add(&ctx, hh.id, GN_REVIEW_SENT_BACK, "Thiếu  năm sinh\tcủa vợ", &err), GN_OK);
	gn_review r;
	REQUIRE(gn_review_latest(&ctx, hh.id, &r, &err) == GN_OK);
	CHECK_EQ_INT(r.decision, GN_REVIEW_SENT_BACK);
	CHECK_STR(r.reason, "Thiếu năm sinh của vợ");
	CHECK_STR(r.by_login, "leader1");
	CHECK(on_revisit_list(hh.id, true));
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE visit_status = 'done'"), 1); /* still visited */
	CHECK_EQ_INT(count("SELECT done FROM tdp_stats WHERE tdp_id = (SELECT id FROM tdp WHERE code = '01')"), 1);
	gn_review_counts c;
	REQUIRE(gn_review_count(&ctx, NULL, NULL, &c, &err) == GN_OK);
	CHECK_EQ_INT(c.visited, 1);
	CHECK_EQ_INT(c.sent_back, 1);
	CHECK_EQ_INT(c.approved, 0);
	CHECK_EQ_INT(count("SELECT count(*) FROM audit_log WHERE action = 'review'"), 1);

	/* the same second: the one written later is the latest */
	sign_in("admin", "secret1");
	CHECK_EQ_INT(gn_review_add(&ctx, hh.id, GN_REVIEW_APPROVED, NULL, &err), GN_OK);
	REQUIRE(gn_review_latest(&ctx, hh.id, &r, &err) == GN_OK);
	CHECK_EQ_INT(r.decision, GN_REVIEW_APPROVED);
	CHECK(!on_revisit_list(hh.id, true));
	REQUIRE(gn_review_count(&ctx, tdp1.id, NULL, &c, &err) == GN_OK);
	CHECK_EQ_INT(c.approved, 1);
	CHECK_EQ_INT(c.sent_back, 0);

	/* append-only */
	CHECK(gn_db_exec(ctx.db, "UPDATE household_review SET reason = 'x'", &err) != GN_OK);
	CHECK(gn_db_exec(ctx.db, "DELETE FROM household_review", &err) != GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM household_review"), 2);
	gn_household_free(&hh);
	gn_household_free(&listed);
	gn_household_free(&nobody_home);
	teardown();
}

/* Times SQL writes (conflicts detected and resolved, form versions) come
 * from the one clock, so GONHA_NOW fixes them too. */
static void sql_times_are_the_one_clock(void)
{
	setup();
	sqlite3_stmt *q = NULL;
	REQUIRE(sqlite3_prepare_v2(ctx.db, "SELECT gn_now_utc()", -1, &q, NULL) == SQLITE_OK);
	REQUIRE(sqlite3_step(q) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(q, 0), "2026-11-20T09:00:00Z");
	sqlite3_finalize(q);
	teardown();
}

GN_TESTS(T(sql_times_are_the_one_clock), T(entry_is_stamped_and_corrections_counted), T(a_listed_household_is_entered_at_its_visit),
         T(a_local_edit_takes_the_pc_stamp_back), T(a_review_sends_back_and_approves))
