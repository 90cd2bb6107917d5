/* The form screen's model over the loaded census questionnaire: fields in
 * form order, core columns in the record's members and everything else in
 * its answers JSON (unknown keys kept), relevant hiding the CCCD below 14,
 * the age calculated live, the form's messages, defaults, and the domain
 * checks (one head, CCCD against birth year and sex). */
#include "testlib.h"
#include "unit_fixtures.h"
#include "../../src/ui/ui_model.h"
#include "gonha/domain/answers.h"
#include "gonha/forms/census.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/ward.h"

#include <stdlib.h>

static gn_ctx ctx;
static gn_census census;

static void setup(void)
{
	gn_i18n_init("vi");
	gn_unit_ward(&ctx, 1, &census);
}

static void teardown(void)
{
	gn_unit_ward_free(&ctx, &census);
}

#define at gn_unit_model_at
#define set gn_unit_model_set

static const char *get(uf_model *m, const char *name)
{
	size_t i = at(m, name);
	return i == (size_t)-1 ? NULL : m->get(m, i);
}

#define shown gn_unit_model_shown
#define check gn_unit_model_check

/* A household of the TDP with one member not saved yet. */
static void new_household(gn_household *hh)
{
	gn_tdp tdp;
	gn_err err = { 0 };
	memset(hh, 0, sizeof *hh);
	gn_tdp_find(&ctx, "01", &tdp, &err);
	snprintf(hh->tdp_id, sizeof hh->tdp_id, "%s", tdp.id);
	snprintf(hh->visit_status, sizeof hh->visit_status, "%s", GN_VISIT_NOT_VISITED);
	gn_household_add_member(hh);
}

static void fields_follow_the_form(void)
{
	setup();
	gn_household hh;
	new_household(&hh);
	uf_model *h = ui_form_model_new(census.form, "admin", "admin", &hh, false, 0);
	uf_model *p = ui_form_model_new(census.form, "admin", "admin", &hh, true, 0);
	REQUIRE(h && p);
	/* the household: its level-0 questions in survey order, group headings */
	const uf_field *f0 = h->field(h, 0);
	CHECK_EQ_INT(f0->kind, UF_HEADING);
	CHECK_STR(f0->label, "Địa chỉ hộ");
	CHECK_STR(h->field(h, 1)->name, "house_no");
	CHECK_STR(h->field(h, 1)->label, "Số nhà");
	CHECK(h->field(h, 1)->hint && strstr(h->field(h, 1)->hint, "biển số nhà"));
	CHECK(at(h, "poor_household") != (size_t)-1);
	CHECK(h->find(h, "full_name") == (size_t)-1);
	/* the person: the repeat's fields, the age read-only, a note */
	CHECK_STR(p->field(p, 0)->name, "full_name");
	CHECK_EQ_INT(p->field(p, at(p, "age"))->kind, UF_CALCULATE);
	CHECK_EQ_INT(p->field(p, at(p, "skills_note"))->kind, UF_NOTE);
	const uf_field *sex = p->field(p, at(p, "sex"));
	CHECK_EQ_INT(sex->kind, UF_SELECT_ONE);
	CHECK_EQ_INT(sex->n_choices, 2);
	CHECK_STR(sex->choices[1].label, "Nữ");
	CHECK_EQ_INT(p->field(p, at(p, "needs_help"))->kind, UF_SELECT_MULTIPLE);
	CHECK(p->find(p, "members[0].cccd") == at(p, "cccd"));
	/* defaults of a new household: the form's, and the signed-in user */
	CHECK_STR(get(h, "visit_status"), "not_visited");
	CHECK(!shown(h, "visited_by"));
	CHECK_OK(set(h, "visit_status", "done"));
	CHECK(shown(h, "visited_by"));
	CHECK_STR(get(h, "visited_by"), "admin");
	CHECK_STR(hh.visited_by, "admin");
	CHECK_STR(hh.visit_status, "done");
	/* dates typed and shown dd/mm/yyyy, stored ISO */
	CHECK_OK(set(h, "visit_date", "18/11/2026"));
	CHECK_STR(hh.visit_date, "2026-11-18");
	CHECK_STR(get(h, "visit_date"), "18/11/2026");
	gn_err err = { 0 };
	CHECK_OK(check(h, "visit_date", &err));
	CHECK_OK(set(h, "visit_date", "31/02/2026"));
	CHECK_EQ_INT(check(h, "visit_date", &err), GN_ERR_INVALID);
	CHECK_OK(set(h, "visit_date", "20/11/2030"));
	CHECK_EQ_INT(check(h, "visit_date", &err), GN_ERR_INVALID);
	CHECK_STR(err.msg, "Ngày đến hộ không được sau hôm nay");
	ui_model_free(h);
	ui_model_free(p);
	gn_household_free(&hh);
	teardown();
}

static void relevant_hides_the_cccd_below_14_and_age_is_live(void)
{
	setup();
	gn_household hh;
	new_household(&hh);
	uf_model *p = ui_form_model_new(census.form, "admin", "admin", &hh, true, 0);
	REQUIRE(p);
	CHECK_STR(get(p, "age"), "");
	CHECK_OK(set(p, "birth_year", "2016"));
	CHECK_EQ_INT(hh.members[0].birth_year, 2016);
	CHECK_STR(get(p, "age"), "10");
	CHECK(!shown(p, "cccd"));
	CHECK(!shown(p, "vneid_level"));
	CHECK(!shown(p, "bank_account"));
	CHECK_OK(set(p, "birth_year", "2012"));
	CHECK_STR(get(p, "age"), "14");
	CHECK(shown(p, "cccd"));
	CHECK(!shown(p, "bank_account"));
	CHECK_OK(set(p, "birth_year", "1990"));
	CHECK_STR(get(p, "age"), "36");
	CHECK(shown(p, "bank_account"));
	/* a number that does not parse gives no age (and hides what needs one) */
	CHECK_OK(set(p, "birth_year", "19x0"));
	CHECK_STR(get(p, "age"), "");
	CHECK_EQ_INT(hh.members[0].birth_year, 0);
	/* vneid_confirmed only once the course is completed */
	CHECK(!shown(p, "vneid_confirmed"));
	CHECK_OK(set(p, "course_done", "completed"));
	CHECK(shown(p, "vneid_confirmed"));
	/* a hidden answer is dropped before a save (prune) */
	CHECK_OK(set(p, "birth_year", "1990"));
	CHECK_OK(set(p, "cccd", "001090000001"));
	CHECK_OK(set(p, "birth_year", "2016"));
	CHECK_STR(hh.members[0].cccd, "001090000001");
	p->prune(p);
	CHECK_STR(hh.members[0].cccd, "");
	CHECK_STR(get(p, "cccd"), "");
	ui_model_free(p);
	gn_household_free(&hh);
	teardown();
}

static void constraint_and_required_messages(void)
{
	setup();
	gn_household hh;
	new_household(&hh);
	uf_model *p = ui_form_model_new(census.form, "admin", "admin", &hh, true, 0);
	REQUIRE(p);
	gn_err err = { 0 };
	CHECK_EQ_INT(check(p, "full_name", &err), GN_ERR_INVALID);
	CHECK_STR(err.msg, "Cần ghi họ và tên");
	CHECK_STR(err.field, "full_name");
	CHECK_OK(set(p, "birth_year", "1800"));
	CHECK_EQ_INT(check(p, "birth_year", &err), GN_ERR_INVALID);
	CHECK_STR(err.msg, "Năm sinh phải từ 1900 đến năm nay");
	CHECK_OK(set(p, "birth_year", "2030"));
	CHECK_EQ_INT(check(p, "birth_year", &err), GN_ERR_INVALID);
	CHECK_STR(err.msg, "Năm sinh phải từ 1900 đến năm nay");
	CHECK_OK(set(p, "birth_year", "19x5"));
	memset(&err, 0, sizeof err);
	CHECK_EQ_INT(check(p, "birth_year", &err), GN_ERR_INVALID);
	CHECK_STR(err.field, "birth_year");
	CHECK_OK(set(p, "birth_year", "1985"));
	CHECK_OK(check(p, "birth_year", &err));
	CHECK_OK(set(p, "sex", "male"));
	/* the form's constraint on the CCCD, then the domain's own check */
	CHECK_OK(set(p, "cccd", "12345"));
	CHECK_EQ_INT(check(p, "cccd", &err), GN_ERR_INVALID);
	CHECK_STR(err.msg, "Số CCCD phải gồm đúng 12 chữ số");
	CHECK_OK(set(p, "cccd", "001185000001")); /* says female, born 1985 */
	CHECK_EQ_INT(check(p, "cccd", &err), GN_ERR_INVALID);
	CHECK_STR(err.field, "cccd");
	CHECK_OK(set(p, "cccd", "001085000001"));
	CHECK_OK(check(p, "cccd", &err));
	/* one head per household */
	CHECK_OK(set(p, "relation", "head"));
	CHECK_OK(check(p, "relation", &err));
	gn_household_add_member(&hh);
	uf_model *q = ui_form_model_new(census.form, "admin", "admin", &hh, true, 1);
	REQUIRE(q);
	CHECK_OK(set(q, "full_name", "Đỗ Thị Lan"));
	CHECK_OK(set(q, "relation", "head"));
	CHECK_EQ_INT(check(q, "relation", &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "Đỗ") == NULL); /* names the other head, not her */
	/* a phone, when given, as the form's regex wants it */
	uf_model *h = ui_form_model_new(census.form, "admin", "admin", &hh, false, 0);
	REQUIRE(h);
	CHECK_OK(set(h, "phone", "12345"));
	CHECK_EQ_INT(check(h, "phone", &err), GN_ERR_INVALID);
	CHECK_STR(err.msg, "Số điện thoại gồm 10 hoặc 11 chữ số, bắt đầu bằng số 0");
	CHECK_OK(set(h, "phone", "0912345678"));
	CHECK_OK(check(h, "phone", &err));
	ui_model_free(h);
	ui_model_free(q);
	ui_model_free(p);
	gn_household_free(&hh);
	teardown();
}

static void answers_of_unknown_keys_survive_a_save(void)
{
	setup();
	gn_household hh;
	gn_err err = { 0 };
	new_household(&hh);
	hh.answers = strdup("{\"old_question\":\"kept\",\"phone\":\"0900000000\"}");
	gn_person *pp = &hh.members[0];
	pp->answers = strdup("{\"from_v0\":42,\"smartphone\":\"no\"}");
	pp->id[0] = '\0';
	uf_model *h = ui_form_model_new(census.form, "admin", "admin", &hh, false, 0);
	uf_model *p = ui_form_model_new(census.form, "admin", "admin", &hh, true, 0);
	REQUIRE(h && p);
	CHECK_STR(get(h, "phone"), "0900000000");
	CHECK_STR(get(p, "smartphone"), "no");
	CHECK_OK(set(h, "house_no", "12A"));
	CHECK_OK(set(h, "street", "Lương Ngọc Quyến"));
	CHECK_OK(set(h, "phone", ""));                  /* removed: that key only */
	CHECK_OK(set(h, "poor_household", "yes"));
	CHECK_OK(set(p, "full_name", "Nguyễn Văn An"));
	CHECK_OK(set(p, "birth_year", "1970"));
	CHECK_OK(set(p, "sex", "male"));
	CHECK_OK(set(p, "relation", "head"));
	CHECK_OK(set(p, "smartphone", "yes"));
	CHECK_OK(set(p, "needs_help", "vneid ai"));
	CHECK_OK(set(p, "notes", "Nhà có chó"));
	h->prune(h);
	p->prune(p);
	ui_model_free(h);
	ui_model_free(p);
	CHECK_OK(gn_household_save(&ctx, &hh, &err));
	if (err.msg[0])
		fprintf(stderr, "  save: %s (%s)\n", err.msg, err.field);
	char id[37];
	snprintf(id, sizeof id, "%s", hh.id);
	gn_household_free(&hh);

	gn_household back;
	memset(&back, 0, sizeof back);
	CHECK_OK(gn_household_load(&ctx, id, &back, &err));
	REQUIRE(back.n_members == 1);
	char *v = gn_answers_get(ctx.db, back.answers, "old_question");
	CHECK_STR(v, "kept");
	free(v);
	v = gn_answers_get(ctx.db, back.answers, "phone");
	CHECK(v == NULL);
	free(v);
	v = gn_answers_get(ctx.db, back.answers, "poor_household");
	CHECK_STR(v, "yes");
	free(v);
	v = gn_answers_get(ctx.db, back.members[0].answers, "from_v0");
	CHECK_STR(v, "42");
	free(v);
	CHECK_STR(back.house_no, "12A");
	CHECK_EQ_INT(back.members[0].birth_year, 1970);
	/* reopened: the answers are there */
	uf_model *p2 = ui_form_model_new(census.form, "admin", "admin", &back, true, 0);
	REQUIRE(p2);
	CHECK_STR(get(p2, "smartphone"), "yes");
	CHECK_STR(get(p2, "needs_help"), "vneid ai");
	CHECK_STR(get(p2, "notes"), "Nhà có chó");
	CHECK_STR(get(p2, "age"), "56");
	CHECK_STR(get(p2, "full_name"), "Nguyễn Văn An");
	ui_model_free(p2);
	gn_household_free(&back);
	teardown();
}

GN_TESTS(T(fields_follow_the_form), T(relevant_hides_the_cccd_below_14_and_age_is_live),
         T(constraint_and_required_messages), T(answers_of_unknown_keys_survive_a_save))
