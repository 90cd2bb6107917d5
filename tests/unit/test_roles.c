/* Roles: a form says which of its questions play gonha's parts (the
 * person roster, a person's name, birth year or age, sex, relation with
 * its codes mapped, CCCD; the household's address and visit) in the
 * survey's gonha::role column and the choices' gonha::code column; the
 * screen's model keeps them in the record's columns whatever the
 * questions are named; a form that binds none still loads and is entered;
 * each misplaced role is a problem at its cell. */
#include "testlib.h"
#include "unit_fixtures.h"
#include "../../src/ui/ui_model.h"
#include "gonha/domain/answers.h"
#include "gonha/forms/census.h"
#include "gonha/forms/validate.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/ward.h"

#include <stdlib.h>
#include <sys/stat.h>

/* A household of the ward's first TDP, not saved yet. */
static void new_household(gn_ctx *ctx, gn_household *hh)
{
	gn_tdp tdp;
	gn_err err = { 0 };
	memset(hh, 0, sizeof *hh);
	if (gn_tdp_find(ctx, "01", &tdp, &err) != GN_OK)
		exit(2);
	snprintf(hh->tdp_id, sizeof hh->tdp_id, "%s", tdp.id);
	snprintf(hh->visit_status, sizeof hh->visit_status, "%s", GN_VISIT_NOT_VISITED);
}

static const char *make_form(const char *name, const char *survey, const char *choices)
{
	static char dir[512];
	snprintf(dir, sizeof dir, "%s/%s", gn_test_tmpdir(), name);
	mkdir(dir, 0700);
	gn_test_write_file(dir, "survey.csv", survey);
	gn_test_write_file(dir, "choices.csv", choices);
	gn_test_write_file(dir, "settings.csv", "form_id,version,form_title\nho_dan,2024.3,Phiếu hộ dân\n");
	return dir;
}

/* Another ward's form: its own names, codes 1..3 for the relation, the age
 * asked instead of the birth year. */
#define SURVEY \
	"type,name,label,required,relevant,gonha::role\n" \
	"text,so_nha,Số nhà,yes,,house_no\n" \
	"text,duong,Đường,,,street\n" \
	"select_one kq,ket_qua,Kết quả,yes,,visit_status\n" \
	"begin repeat,nguoi,Người trong hộ,,,roster\n" \
	"text,ten,Họ tên,yes,,full_name\n" \
	"integer,tuoi,Tuổi,yes,,age\n" \
	"select_one gt,gioi,Giới tính,,,sex\n" \
	"select_one qh,quan_he,Quan hệ,yes,,relation\n" \
	"text,nghe,Nghề,,${tuoi} >= 15,\n" \
	"end repeat,nguoi,,,,\n" \
	"begin repeat,vat_nuoi,Vật nuôi,,,\n" \
	"text,loai,Loài,,,\n" \
	"end repeat,vat_nuoi,,,,\n"
#define CHOICES \
	"list_name,name,label,gonha::code\n" \
	"kq,1,Đã khảo sát,done\nkq,2,Chưa đến,not_visited\nkq,3,Hẹn lại,revisit\n" \
	"gt,m,Nam,male\ngt,f,Nữ,female\n" \
	"qh,1,Chủ hộ,head\nqh,2,Vợ/chồng,spouse\nqh,3,Con,child\nqh,9,Người ở nhờ,other\n"

static void a_form_binds_its_own_names(void)
{
	gn_ctx ctx;
	gn_unit_ward(&ctx, 1, NULL);
	gn_form *form = NULL;
	gn_form_problems problems = { 0 };
	gn_err err = { 0 };
	REQUIRE(gn_form_load(make_form("ho_dan", SURVEY, CHOICES), ctx.db, &form, &problems, &err) == GN_OK);
	CHECK_EQ_INT(problems.errors, 0);
	CHECK_STR(form->fields[gn_form_role(form, GN_QROLE_FULL_NAME)].name, "ten");
	CHECK_STR(form->fields[gn_form_role(form, GN_QROLE_ROSTER)].name, "nguoi");
	CHECK_EQ_INT(gn_form_role(form, GN_QROLE_BIRTH_YEAR), -1);
	CHECK_EQ_INT(gn_form_role(form, GN_QROLE_CCCD), -1);
	CHECK_STR(form->fields[gn_form_field_of(form, "full_name")].name, "ten");
	CHECK_STR(form->fields[gn_form_field_of(form, "nghe")].name, "nghe");
	CHECK(gn_form_has_roster(form));
	CHECK(gn_form_in_roster(form, &form->fields[gn_form_find(form, "nghe")]));
	CHECK(!gn_form_in_roster(form, &form->fields[gn_form_find(form, "loai")]));
	CHECK_STR(gn_form_code_to_gonha(form, GN_QROLE_RELATION, "1"), "head");
	CHECK_STR(gn_form_code_from_gonha(form, GN_QROLE_RELATION, "child"), "3");
	CHECK_STR(gn_form_code_to_gonha(form, GN_QROLE_SEX, "f"), "female");
	CHECK_STR(gn_form_title(form), "Phiếu hộ dân");

	/* the screen's model: the roles' values in the record's columns */
	gn_i18n_init("vi");
	gn_household hh;
	new_household(&ctx, &hh);
	gn_household_add_member(&hh);
	uf_model *h = ui_form_model_new(form, "admin", "admin", &hh, false, 0);
	uf_model *p = ui_form_model_new(form, "admin", "admin", &hh, true, 0);
	REQUIRE(h && p);
	CHECK_STR(h->get(h, h->find(h, "ket_qua")), "2"); /* not_visited, in the form's code */
	CHECK_OK(h->set(h, h->find(h, "so_nha"), "12A", &err));
	CHECK_OK(h->set(h, h->find(h, "ket_qua"), "1", &err));
	CHECK_STR(hh.house_no, "12A");
	CHECK_STR(hh.visit_status, "done");
	/* the person form is the roster's questions, not the other repeat's */
	CHECK(p->find(p, "ten") != (size_t)-1);
	CHECK(p->find(p, "loai") == (size_t)-1);
	CHECK(h->find(h, "loai") == (size_t)-1);
	CHECK_OK(p->set(p, p->find(p, "ten"), "Nguyễn Văn Hùng", &err));
	CHECK_OK(p->set(p, p->find(p, "tuoi"), "40", &err));
	CHECK_OK(p->set(p, p->find(p, "quan_he"), "1", &err));
	CHECK_OK(p->set(p, p->find(p, "gioi"), "m", &err));
	CHECK_OK(p->set(p, p->find(p, "nghe"), "Thợ may", &err));
	CHECK_STR(hh.members[0].full_name, "Nguyễn Văn Hùng");
	CHECK_EQ_INT(hh.members[0].birth_year, 1986); /* GONHA_NOW is 2026 */
	CHECK_STR(hh.members[0].relation, "head");
	CHECK_STR(hh.members[0].sex, "male");
	CHECK(p->relevant(p, p->find(p, "nghe")));
	char *job = gn_answers_get(ctx.db, hh.members[0].answers, "nghe");
	CHECK_STR(job, "Thợ may");
	free(job);
	/* read back as the form's codes */
	ui_model_free(p);
	p = ui_form_model_new(form, "admin", "admin", &hh, true, 0);
	CHECK_STR(p->get(p, p->find(p, "quan_he")), "1");
	CHECK_STR(p->get(p, p->find(p, "tuoi")), "40");
	/* a second head is the domain's rule, at the form's question */
	gn_household_add_member(&hh);
	uf_model *q = ui_form_model_new(form, "admin", "admin", &hh, true, 1);
	REQUIRE(q);
	CHECK_OK(q->set(q, q->find(q, "quan_he"), "1", &err));
	CHECK_EQ_INT(q->check(q, q->find(q, "quan_he"), &err), GN_ERR_INVALID);
	CHECK_STR(err.field, "quan_he");
	ui_model_free(q);
	ui_model_free(h);
	ui_model_free(p);
	gn_household_free(&hh);

	/* column mode reads the columns in the form's codes */
	gn_strbuf sql = { 0 };
	CHECK(gn_form_column_sql(form, &form->fields[gn_form_find(form, "quan_he")], "person", &sql));
	CHECK(strstr(gn_sb_str(&sql), "WHEN 'head' THEN '1'") != NULL);
	gn_sb_free(&sql);
	gn_form_free(form);
	gn_form_problems_free(&problems);
	gn_unit_ward_free(&ctx, NULL);
}

static bool has_problem(const gn_form_problems *p, const char *cell, const char *want)
{
	for (size_t i = 0; i < p->n; i++)
		if (!p->items[i].warning && strcmp(p->items[i].cell, cell) == 0 && strstr(p->items[i].msg, want))
			return true;
	fprintf(stderr, "  no problem at %s with '%s'; got:\n", cell, want);
	for (size_t i = 0; i < p->n; i++)
		fprintf(stderr, "    %s %s\n", p->items[i].cell, p->items[i].msg);
	return false;
}

static void misplaced_roles_are_named_at_their_cell(void)
{
	gn_ctx ctx;
	gn_unit_ward(&ctx, 1, NULL);
	gn_i18n_init("en");
	gn_form *form = NULL;
	gn_form_problems problems = { 0 };
	gn_err err = { 0 };
	const char *survey = "type,name,label,gonha::role\n"
	                     "text,ten_ho,Tên,full_name\n"          /* a person's role outside the roster */
	                     "text,x,X,nobody\n"                    /* no such role */
	                     "begin repeat,nguoi,Người,roster\n"
	                     "text,ten,Họ tên,full_name\n"
	                     "text,ten2,Tên khác,full_name\n"       /* twice */
	                     "text,sinh,Năm sinh,birth_year\n"      /* not a number */
	                     "select_one qh,quan_he,Quan hệ,relation\n" /* codes not mapped */
	                     "end repeat,nguoi,,\n";
	const char *choices = "list_name,name,label\nqh,1,Chủ hộ\nqh,2,Con\n";
	CHECK(gn_form_load(make_form("bad_roles", survey, choices), ctx.db, &form, &problems, &err) == GN_ERR_INVALID);
	CHECK(form == NULL);
	CHECK(has_problem(&problems, "survey!D2", "is a person's"));
	CHECK(has_problem(&problems, "survey!D3", "nobody"));
	CHECK(has_problem(&problems, "survey!D6", "already played by ten"));
	CHECK(has_problem(&problems, "survey!D7", "type text"));
	CHECK(has_problem(&problems, "survey!D8", "choice 1 of list qh"));
	gn_form_problems_free(&problems);
	gn_unit_ward_free(&ctx, NULL);
	gn_i18n_init("vi");
}

/* A form that binds no role: it loads, its questions are the household's
 * answers, and it has no roster. */
static void a_form_without_roles_is_entered(void)
{
	gn_ctx ctx;
	gn_unit_ward(&ctx, 1, NULL);
	gn_form *form = NULL;
	gn_form_problems problems = { 0 };
	gn_err err = { 0 };
	const char *survey = "type,name,label\ntext,chu_ho,Chủ hộ\ninteger,so_nguoi,Số người\n"
	                     "begin repeat,nguoi,Người\ntext,ten,Tên\nend repeat,nguoi,\n";
	REQUIRE(gn_form_load(make_form("no_roles", survey, "list_name,name,label\n"), ctx.db, &form, &problems, &err) ==
	        GN_OK);
	CHECK(!gn_form_has_roster(form));
	for (int r = 1; r < GN_QROLE_COUNT; r++)
		CHECK_EQ_INT(gn_form_role(form, (gn_qrole)r), -1);
	gn_household hh;
	new_household(&ctx, &hh);
	hh.house_no = strdup("");
	hh.street = strdup("");
	uf_model *h = ui_form_model_new(form, "admin", "admin", &hh, false, 0);
	REQUIRE(h);
	CHECK_OK(h->set(h, h->find(h, "chu_ho"), "Trần Thị Lan", &err));
	CHECK_OK(h->set(h, h->find(h, "so_nguoi"), "4", &err));
	CHECK(h->find(h, "ten") == (size_t)-1);
	ui_model_free(h);
	CHECK_OK(gn_household_save(&ctx, &hh, &err));
	gn_household back;
	REQUIRE(gn_household_load(&ctx, hh.id, &back, &err) == GN_OK);
	char *who = gn_answers_get(ctx.db, back.answers, "chu_ho");
	CHECK_STR(who, "Trần Thị Lan");
	free(who);
	gn_household_free(&back);
	gn_household_free(&hh);
	gn_form_free(form);
	gn_form_problems_free(&problems);
	gn_unit_ward_free(&ctx, NULL);
}

GN_TESTS(T(a_form_binds_its_own_names), T(misplaced_roles_are_named_at_their_cell), T(a_form_without_roles_is_entered))
