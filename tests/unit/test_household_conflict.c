/* No lost updates: a household saved over a version that changed in the
 * database since it was opened is refused (GN_ERR_STALE) with the
 * differences as data; the choices merge and save; or both are kept as a
 * merge conflict. Against an in-memory database. */
#include "testlib.h"
#include "unit_fixtures.h"
#include "gonha/storage/db.h"
#include "gonha/domain/draft.h"
#include "gonha/interchange/exchange.h"
#include "gonha/domain/household.h"
#include "gonha/domain/household_conflict.h"
#include "gonha/domain/ward.h"

#include <stdlib.h>

static gn_ctx ctx;
static gn_tdp tdp1;
static char hh_id[37];

static long count(const char *sql)
{
	sqlite3_stmt *st = NULL;
	long n = -1;
	if (sqlite3_prepare_v2(ctx.db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void exec(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(ctx.db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "exec %s: %s\n", sql, msg);
		sqlite3_free(msg);
		exit(2);
	}
}

static gn_person *add_person(gn_household *hh, const char *name, int year, const char *sex, const char *relation)
{
	gn_person *p = gn_household_add_member(hh);
	p->full_name = strdup(name);
	p->birth_year = year;
	snprintf(p->sex, sizeof p->sex, "%s", sex);
	snprintf(p->relation, sizeof p->relation, "%s", relation);
	return p;
}

/* A ward, and one household of three saved in it. */
static void setup(void)
{
	gn_err err = { 0 };
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	memset(&ctx, 0, sizeof ctx);
	if (gn_db_open_memory(&ctx.db, &err) != GN_OK ||
	    gn_ward_init(ctx.db, "Phường Thử", 2, "admin", "secret1", NULL, &err) != GN_OK ||
	    gn_sign_in(&ctx, "admin", "secret1", &err) != GN_OK || gn_tdp_find(&ctx, "01", &tdp1, &err) != GN_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(2);
	}
	gn_household hh = { 0 };
	snprintf(hh.tdp_id, sizeof hh.tdp_id, "%s", tdp1.id);
	hh.house_no = strdup("12");
	hh.street = strdup("Lương Ngọc Quyến");
	hh.answers = strdup("{\"phone\":\"0912345678\"}");
	add_person(&hh, "Nguyễn Văn An", 1980, "male", "head");
	add_person(&hh, "Trần Thị Bình", 1983, "female", "spouse");
	add_person(&hh, "Nguyễn Minh Châu", 2012, "female", "child");
	if (gn_household_save(&ctx, &hh, &err) != GN_OK) {
		fprintf(stderr, "setup save: %s\n", err.msg);
		exit(2);
	}
	snprintf(hh_id, sizeof hh_id, "%s", hh.id);
	gn_household_free(&hh);
}

static void teardown(void)
{
	gn_db_close(ctx.db);
	ctx.db = NULL;
}

static void set(char **place, const char *v)
{
	free(*place);
	*place = strdup(v);
}

static const gn_change *change_of(const gn_hh_conflict *c, const char *person_id, const char *field)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->changes[i].person_id, person_id) == 0 && strcmp(c->changes[i].field, field) == 0)
			return &c->changes[i];
	return NULL;
}

/* Opened, changed by an import-like UPDATE, saved: refused, nothing
 * written; the differences say opened / now / typed; merged and saved,
 * both the import's and the user's changes are there. */
static void a_save_over_a_changed_household_is_refused(void)
{
	setup();
	gn_err err = { 0 };
	gn_household mine;
	REQUIRE(gn_household_load(&ctx, hh_id, &mine, &err) == GN_OK);
	REQUIRE(mine.opened);
	/* another writer, the way the import writes */
	exec("UPDATE household SET street = 'Hoàng Văn Thụ', answers = json_set(answers, '$.phone', '0987654321'), "
	     "rev = rev + 1");
	long audits = count("SELECT count(*) FROM audit_log");
	set(&mine.house_no, "12B");
	CHECK_EQ_INT(gn_household_save(&ctx, &mine, &err), GN_ERR_STALE);
	CHECK(strstr(err.msg, "changed elsewhere") != NULL);
	/* nothing written: the import's values stay, the audit too */
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE house_no = '12' AND street = 'Hoàng Văn Thụ'"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM audit_log"), audits);

	gn_hh_conflict c;
	REQUIRE(gn_household_conflict(&ctx, &mine, &c, &err) == GN_OK);
	const gn_change *street = change_of(&c, "", "street");
	REQUIRE(street);
	CHECK_STR(street->opened, "Lương Ngọc Quyến");
	CHECK_STR(street->now, "Hoàng Văn Thụ");
	CHECK_STR(street->typed, "Lương Ngọc Quyến");
	CHECK(!street->mine); /* only the database changed it: take it */
	const gn_change *phone = change_of(&c, "", "phone");
	REQUIRE(phone);
	CHECK(phone->answer);
	CHECK_STR(phone->now, "0987654321");
	CHECK_STR(phone->typed, "0912345678");
	CHECK(change_of(&c, "", "house_no") == NULL); /* only typed: no question */
	CHECK_EQ_INT(c.n, 2);

	gn_household merged;
	REQUIRE(gn_household_merge(&ctx, &mine, &c, &merged, &err) == GN_OK);
	CHECK_STR(merged.house_no, "12B");
	CHECK_STR(merged.street, "Hoàng Văn Thụ");
	CHECK_EQ_INT(merged.n_members, 3);
	CHECK_EQ_INT(gn_household_save(&ctx, &merged, &err), GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE house_no = '12B' AND street = 'Hoàng Văn Thụ' AND "
	                   "json_extract(answers, '$.phone') = '0987654321'"), 1);
	/* saved again straight away: its own save is no conflict */
	set(&merged.alley, "ngõ 3");
	CHECK_EQ_INT(gn_household_save(&ctx, &merged, &err), GN_OK);
	gn_household_free(&merged);
	gn_hh_conflict_free(&c);
	gn_household_free(&mine);
	teardown();
}

/* The same field changed on both sides: mine by default, and either
 * choice is what gets saved. */
static void both_changed_the_field_the_user_chooses(void)
{
	setup();
	gn_err err = { 0 };
	for (int take_mine = 0; take_mine < 2; take_mine++) {
		gn_household mine;
		REQUIRE(gn_household_load(&ctx, hh_id, &mine, &err) == GN_OK);
		exec(take_mine ? "UPDATE person SET full_name = 'Trần Thị Bé', rev = rev + 1 WHERE relation = 'spouse'"
		               : "UPDATE person SET full_name = 'Trần Thị Bảo', rev = rev + 1 WHERE relation = 'spouse'");
		set(&mine.members[1].full_name, take_mine ? "Trần Thị Bông" : "Trần Thị Bích");
		CHECK_EQ_INT(gn_household_save(&ctx, &mine, &err), GN_ERR_STALE);
		gn_hh_conflict c;
		REQUIRE(gn_household_conflict(&ctx, &mine, &c, &err) == GN_OK);
		CHECK_EQ_INT(c.n, 1);
		gn_change *name = (gn_change *)change_of(&c, mine.members[1].id, "full_name");
		REQUIRE(name);
		CHECK(name->mine);
		CHECK_STR(name->who, take_mine ? "Trần Thị Bông" : "Trần Thị Bích");
		CHECK_STR(name->now, take_mine ? "Trần Thị Bé" : "Trần Thị Bảo");
		name->mine = take_mine;
		gn_household merged;
		REQUIRE(gn_household_merge(&ctx, &mine, &c, &merged, &err) == GN_OK);
		CHECK_EQ_INT(gn_household_save(&ctx, &merged, &err), GN_OK);
		CHECK_EQ_INT(count(take_mine ? "SELECT count(*) FROM person WHERE full_name = 'Trần Thị Bông' AND deleted = 0"
		                             : "SELECT count(*) FROM person WHERE full_name = 'Trần Thị Bảo' AND deleted = 0"), 1);
		gn_household_free(&merged);
		gn_hh_conflict_free(&c);
		gn_household_free(&mine);
	}
	teardown();
}

/* A member added and one removed by another save meanwhile: the roster
 * check sees both; the merge keeps the new member and asks about the
 * removed one (kept, because it was edited here). */
static void roster_changes_elsewhere_are_seen(void)
{
	setup();
	gn_err err = { 0 };
	gn_household mine, other;
	REQUIRE(gn_household_load(&ctx, hh_id, &mine, &err) == GN_OK);
	REQUIRE(gn_household_load(&ctx, hh_id, &other, &err) == GN_OK);
	/* the other: drops the child, adds a grandparent */
	gn_person_free(&other.members[2]);
	other.n_members = 2;
	add_person(&other, "Nguyễn Văn Cả", 1950, "male", "parent");
	REQUIRE(gn_household_save(&ctx, &other, &err) == GN_OK);
	/* mine: edits the child */
	mine.members[2].birth_year = 2013;
	CHECK_EQ_INT(gn_household_save(&ctx, &mine, &err), GN_ERR_STALE);
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE deleted = 0"), 3);
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE birth_year = 2013"), 0);

	gn_hh_conflict c;
	REQUIRE(gn_household_conflict(&ctx, &mine, &c, &err) == GN_OK);
	CHECK_EQ_INT(c.n, 2);
	bool added = false, removed = false;
	for (size_t i = 0; i < c.n; i++) {
		if (c.changes[i].kind == GN_CHANGE_MEMBER_ADDED) {
			added = true;
			CHECK_STR(c.changes[i].now, "Nguyễn Văn Cả");
			CHECK(!c.changes[i].mine);
		}
		if (c.changes[i].kind == GN_CHANGE_MEMBER_REMOVED) {
			removed = true;
			CHECK_STR(c.changes[i].typed, "Nguyễn Minh Châu");
			CHECK(c.changes[i].mine);
		}
	}
	CHECK(added && removed);
	gn_household merged;
	REQUIRE(gn_household_merge(&ctx, &mine, &c, &merged, &err) == GN_OK);
	CHECK_EQ_INT(merged.n_members, 4);
	CHECK_EQ_INT(gn_household_save(&ctx, &merged, &err), GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE deleted = 0"), 4);
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE deleted = 0 AND birth_year = 2013 AND "
	                   "full_name = 'Nguyễn Minh Châu'"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE deleted = 0 AND full_name = 'Nguyễn Văn Cả'"), 1);
	gn_household_free(&merged);
	gn_hh_conflict_free(&c);

	/* a member dropped here that did not change there: no question */
	gn_household_free(&mine);
	REQUIRE(gn_household_load(&ctx, hh_id, &mine, &err) == GN_OK);
	gn_person_free(&mine.members[3]);
	mine.n_members = 3;
	CHECK_EQ_INT(gn_household_save(&ctx, &mine, &err), GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE deleted = 0"), 3);
	gn_household_free(&mine);
	gn_household_free(&other);
	teardown();
}

/* The revisions moved but nothing differs (another save of the same):
 * stale, no differences, and the merge saves. */
static void a_change_with_nothing_different(void)
{
	setup();
	gn_err err = { 0 };
	gn_household mine;
	REQUIRE(gn_household_load(&ctx, hh_id, &mine, &err) == GN_OK);
	exec("UPDATE household SET rev = rev + 1");
	CHECK_EQ_INT(gn_household_save(&ctx, &mine, &err), GN_ERR_STALE);
	gn_hh_conflict c;
	REQUIRE(gn_household_conflict(&ctx, &mine, &c, &err) == GN_OK);
	CHECK_EQ_INT(c.n, 0);
	gn_household merged;
	REQUIRE(gn_household_merge(&ctx, &mine, &c, &merged, &err) == GN_OK);
	CHECK_EQ_INT(gn_household_save(&ctx, &merged, &err), GN_OK);
	gn_household_free(&merged);
	gn_hh_conflict_free(&c);
	gn_household_free(&mine);
	teardown();
}

/* Keep both: the database's version stays, what was typed is an open
 * merge conflict (the import's form), the draft goes; the officer's
 * "keep incoming" then applies what was typed. */
static void kept_for_the_ward_officer(void)
{
	setup();
	gn_err err = { 0 };
	gn_household mine;
	REQUIRE(gn_household_load(&ctx, hh_id, &mine, &err) == GN_OK);
	exec("UPDATE household SET street = 'Hoàng Văn Thụ', rev = rev + 1");
	set(&mine.house_no, "12B");
	set(&mine.members[0].full_name, "Nguyễn Văn Ân");
	char *json = NULL;
	REQUIRE(gn_household_to_json(&mine, &json, &err) == GN_OK);
	REQUIRE(gn_draft_put(&ctx, GN_DRAFT_HOUSEHOLD, hh_id, tdp1.id, json, &err) == GN_OK);
	free(json);
	CHECK_EQ_INT(gn_household_save_clearing_draft(&ctx, &mine, hh_id, &err), GN_ERR_STALE);
	CHECK_EQ_INT(count("SELECT count(*) FROM draft"), 1);
	gn_hh_conflict c;
	REQUIRE(gn_household_conflict(&ctx, &mine, &c, &err) == GN_OK);
	size_t stored = 0;
	ctx.form_id = "ho_dan"; /* what was typed was entered with this form */
	ctx.form_version = "7";
	CHECK_EQ_INT(gn_household_keep_conflict(&ctx, &mine, &c, hh_id, &stored, &err), GN_OK);
	CHECK_EQ_INT(stored, 2); /* the household row and the head */
	CHECK_EQ_INT(count("SELECT count(*) FROM merge_conflict WHERE json_extract(incoming_data, '$.form_id') = 'ho_dan' "
	                   "AND json_extract(incoming_data, '$.form_version') = '7' "
	                   "AND json_extract(local_data, '$.form_id') IS NULL"), 2);
	CHECK_EQ_INT(count("SELECT count(*) FROM draft"), 0);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE house_no = '12' AND street = 'Hoàng Văn Thụ'"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM merge_conflict WHERE resolved_at IS NULL AND table_name = 'household' "
	                   "AND json_extract(incoming_data, '$.house_no') = '12B' "
	                   "AND json_extract(incoming_data, '$.street') = 'Hoàng Văn Thụ' " /* not reverted */
	                   "AND json_extract(local_data, '$.house_no') = '12' "
	                   "AND json_extract(local_data, '$.street') = 'Hoàng Văn Thụ'"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM merge_conflict WHERE table_name = 'person' "
	                   "AND json_extract(incoming_data, '$.full_name') = 'Nguyễn Văn Ân'"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM audit_log WHERE action = 'keep_as_conflict'"), 2);

	/* the ward officer takes the typed household */
	gn_conflict *list = NULL;
	size_t n = 0;
	REQUIRE(gn_conflicts_list(&ctx, &list, &n, &err) == GN_OK);
	CHECK_EQ_INT(n, 2);
	gn_census census = { 0 };
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].table_name, "household") == 0)
			CHECK_OK(gn_conflict_resolve(&ctx, &census, list[i].id, true, &err));
	gn_conflicts_free(list, n);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE house_no = '12B' AND street = 'Hoàng Văn Thụ' "
	                   "AND deleted = 0 AND form_id = 'ho_dan' AND form_version = '7'"), 1);
	ctx.form_id = ctx.form_version = NULL;
	gn_hh_conflict_free(&c);
	gn_household_free(&mine);
	teardown();
}

/* A draft carries what it was started from: resumed after a change
 * elsewhere, it is not dropped and its save is checked. */
static void a_resumed_draft_is_checked(void)
{
	setup();
	gn_err err = { 0 };
	gn_household mine;
	REQUIRE(gn_household_load(&ctx, hh_id, &mine, &err) == GN_OK);
	set(&mine.members[0].full_name, "Nguyễn Văn Ân");
	char *json = NULL;
	REQUIRE(gn_household_to_json(&mine, &json, &err) == GN_OK);
	REQUIRE(gn_draft_put(&ctx, GN_DRAFT_HOUSEHOLD, hh_id, tdp1.id, json, &err) == GN_OK);
	free(json);
	gn_household_free(&mine);
	/* later: an import changes the household (its updated_at later) */
	exec("UPDATE household SET street = 'Hoàng Văn Thụ', updated_at = '2026-11-21T10:00:00Z', rev = rev + 1");

	gn_draft d;
	REQUIRE(gn_draft_latest(&ctx, GN_DRAFT_HOUSEHOLD, &d, &err) == GN_OK);
	gn_household back;
	REQUIRE(gn_household_from_json(ctx.db, d.data, &back, &err) == GN_OK);
	REQUIRE(back.opened);
	CHECK_STR(back.opened->members[0].full_name, "Nguyễn Văn An");
	CHECK_STR(back.members[0].full_name, "Nguyễn Văn Ân");
	CHECK_EQ_INT(gn_household_check_current(&ctx, &back, &err), GN_ERR_STALE);
	CHECK_EQ_INT(gn_household_save_clearing_draft(&ctx, &back, d.record_id, &err), GN_ERR_STALE);
	CHECK_EQ_INT(count("SELECT count(*) FROM draft"), 1);
	gn_hh_conflict c;
	REQUIRE(gn_household_conflict(&ctx, &back, &c, &err) == GN_OK);
	const gn_change *street = change_of(&c, "", "street");
	REQUIRE(street);
	CHECK_STR(street->opened, "Lương Ngọc Quyến");
	gn_household merged;
	REQUIRE(gn_household_merge(&ctx, &back, &c, &merged, &err) == GN_OK);
	CHECK_EQ_INT(gn_household_save_clearing_draft(&ctx, &merged, d.record_id, &err), GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM draft"), 0);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE street = 'Hoàng Văn Thụ'"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE full_name = 'Nguyễn Văn Ân'"), 1);

	/* a draft the database already has everything of is stale */
	REQUIRE(gn_household_to_json(&merged, &json, &err) == GN_OK);
	exec("UPDATE household SET updated_at = '2026-11-22T10:00:00Z'");
	REQUIRE(gn_draft_put(&ctx, GN_DRAFT_HOUSEHOLD, hh_id, tdp1.id, json, &err) == GN_OK);
	free(json);
	exec("UPDATE household SET updated_at = '2026-11-23T10:00:00Z'");
	gn_draft_free(&d);
	CHECK_EQ_INT(gn_draft_latest(&ctx, GN_DRAFT_HOUSEHOLD, &d, &err), GN_ERR_NOT_FOUND);
	gn_household_free(&merged);
	gn_hh_conflict_free(&c);
	gn_household_free(&back);
	gn_draft_free(&d);
	teardown();
}

/* Nothing changed in the database since it was opened: saved, twice in
 * a row, with nothing asked. */
static void nothing_changed_in_the_database_saves(void)
{
	setup();
	gn_err err = { 0 };
	gn_household mine;
	REQUIRE(gn_household_load(&ctx, hh_id, &mine, &err) == GN_OK);
	set(&mine.street, "Hoàng Văn Thụ");
	gn_person_free(&mine.members[2]);
	mine.n_members = 2;
	add_person(&mine, "Nguyễn Văn Cả", 1950, "male", "parent");
	CHECK_OK(gn_household_check_current(&ctx, &mine, &err));
	CHECK_OK(gn_household_save(&ctx, &mine, &err));
	set(&mine.members[2].full_name, "Nguyễn Văn Cải");
	CHECK_OK(gn_household_save(&ctx, &mine, &err));
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE deleted = 0 AND full_name = 'Nguyễn Văn Cải'"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE deleted = 0"), 3);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE street = 'Hoàng Văn Thụ'"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM merge_conflict"), 0);
	gn_household_free(&mine);
	teardown();
}

/* A member removed here that was changed elsewhere meanwhile: asked; the
 * database's choice keeps the member with the other side's change. */
static void removed_here_changed_there(void)
{
	setup();
	gn_err err = { 0 };
	gn_household mine;
	REQUIRE(gn_household_load(&ctx, hh_id, &mine, &err) == GN_OK);
	exec("UPDATE person SET birth_year = 2011, rev = rev + 1 WHERE relation = 'child'");
	gn_person_free(&mine.members[2]);
	mine.n_members = 2;
	CHECK_EQ_INT(gn_household_save(&ctx, &mine, &err), GN_ERR_STALE);
	gn_hh_conflict c;
	REQUIRE(gn_household_conflict(&ctx, &mine, &c, &err) == GN_OK);
	REQUIRE(c.n == 1);
	CHECK_EQ_INT(c.changes[0].kind, GN_CHANGE_MEMBER_DROPPED);
	CHECK(c.changes[0].mine);
	c.changes[0].mine = false;
	gn_household merged;
	REQUIRE(gn_household_merge(&ctx, &mine, &c, &merged, &err) == GN_OK);
	CHECK_OK(gn_household_save(&ctx, &merged, &err));
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE deleted = 0 AND birth_year = 2011"), 1);
	gn_household_free(&merged);
	gn_hh_conflict_free(&c);
	gn_household_free(&mine);
	teardown();
}

/* A conflict on a household of a TDP on ona-household: its differences
 * in that form's words (its own question, a repeat's answer by its path),
 * not census's columns. */
static void a_conflict_shows_its_forms_questions(void)
{
	setup();
	gn_err err = { 0 };
	/* the base form: what a TDP of no other choice enters (gn_tdp_forms) */
	gn_census ona = { .form = gn_unit_shared_form(ctx.db, "ona-household") };
	REQUIRE(ona.form);
	gn_conflict c = { .id = 1, .table_name = "household" };
	snprintf(c.record_id, sizeof c.record_id, "%s", hh_id);
	/* the census answer a TDP kept from before its form changed: a column
	 * on this PC's side, in other_answers on the other's (read with its
	 * TDP's form), the same value: no difference */
	c.local_data = strdup("{\"household_id\":\"x\",\"phone\":\"0912345678\",\"number_of_members\":\"2\",\"other_answers\":"
	                      "\"{\\\"woman[1]/child[1]/name\\\":\\\"Na\\\",\\\"man[1]/name\\\":\\\"Ba\\\"}\"}");
	c.incoming_data = strdup("{\"household_id\":\"x\",\"phone\":null,\"number_of_members\":\"3\",\"other_answers\":"
	                         "\"{\\\"phone\\\":\\\"0912345678\\\",\\\"woman[1]/child[1]/name\\\":\\\"Nà\\\",\\\"man[1]/name\\\":\\\"Ba\\\"}\"}");
	gn_conflict_field *f = NULL;
	size_t n = 0;
	CHECK_OK(gn_conflict_differences(&ona, ctx.db, &c, &f, &n, &err));
	REQUIRE(n == 2);
	static const char *const want[2][4] = { { "number_of_members", "Number of Members", "2", "3" },
		                                    { "woman[1]/child[1]/name", "Woman 1 › Child 1 › Name", "Na", "Nà" } };
	for (size_t i = 0; i < 2; i++) {
		const char *got[4] = { f[i].name, f[i].label, f[i].local, f[i].incoming };
		for (size_t k = 0; k < 4; k++)
			CHECK_STR(got[k], want[i][k]);
	}
	gn_conflict_fields_free(f, n);
	free(c.local_data);
	free(c.incoming_data);
	gn_form_free(ona.form);
	teardown();
}

GN_TESTS(T(a_conflict_shows_its_forms_questions), T(a_save_over_a_changed_household_is_refused), T(both_changed_the_field_the_user_chooses),
         T(roster_changes_elsewhere_are_seen), T(a_change_with_nothing_different), T(kept_for_the_ward_officer),
         T(a_resumed_draft_is_checked), T(nothing_changed_in_the_database_saves), T(removed_here_changed_there))
