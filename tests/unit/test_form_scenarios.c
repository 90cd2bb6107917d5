/* Scenarios on forms that are not gonha's census, through the form
 * screen's model (what the screen shows and checks): answers in, the
 * form's relevant, required, constraint, choice_filter and repeat_count
 * results out, written from each form's own logic; and where the answers
 * of its repeats are kept (by path in the household's answers).
 *   - ../shared/real-forms/pyxform-tutorial (pyxform's tutorial: a member
 *     repeat with skip logic and constraints on the ages)
 *   - ../shared/real-forms/ona-household (the same name in three repeats,
 *     one nested)
 *   - tests/forms/cascade (gonha's own: province -> district, ${...} in
 *     labels, metadata, a repeat_count, geopoint, media)
 *   - tests/forms/bilingual (gonha's own: its texts in two languages, the
 *     one shown chosen apart from the UI's) */
#include "testlib.h"
#include "unit_fixtures.h"
#include "../../src/ui/ui_model.h"
#include "gonha/domain/answers.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gn_ctx ctx;

static const char *shared(void)
{
	const char *s = getenv("GONHA_SHARED");
	return s && *s ? s : "../shared";
}

/* The form at dir (the test stops when it does not load: the forms must
 * be there, as CI has them). */
static gn_form *load(const char *dir)
{
	gn_form *form = NULL;
	gn_form_problems problems = { 0 };
	gn_err err = { 0 };
	gn_i18n_init("vi");
	gn_unit_ward(&ctx, 1, NULL);
	if (gn_form_load(dir, ctx.db, &form, &problems, &err) != GN_OK) {
		fprintf(stderr, "  %s does not load: %s\n", dir, err.msg);
		for (size_t i = 0; i < problems.n; i++)
			fprintf(stderr, "    %s:%d: %s\n", problems.items[i].file, problems.items[i].line, problems.items[i].msg);
	}
	gn_form_problems_free(&problems);
	return form;
}

/* One of the real forms in ../shared. */
static gn_form *load_shared(const char *name)
{
	char dir[512];
	snprintf(dir, sizeof dir, "%s/real-forms/%s", shared(), name);
	return load(dir);
}

static void done(gn_form *form, gn_household *hh)
{
	gn_form_free(form);
	gn_household_free(hh);
	gn_unit_ward_free(&ctx, NULL);
}

#define at gn_unit_model_at
#define set gn_unit_model_set

#define shown gn_unit_model_shown
#define check gn_unit_model_check

/* The repeat line named: a line of kind UF_REPEAT, what it is in *rep. */
static bool repeat_line(uf_model *m, const char *name, uf_repeat *rep)
{
	size_t i = at(m, name);
	return i != (size_t)-1 && m->field(m, i)->kind == UF_REPEAT && m->repeat(m, i, rep);
}

static const char *stored(gn_household *hh, const char *key, char *buf, size_t size)
{
	char *v = gn_answers_get(ctx.db, hh->answers, key);
	snprintf(buf, size, "%s", v ? v : "(none)");
	free(v);
	return buf;
}

/* pyxform's tutorial: the age asked in months below five, in years above,
 * each with its constraint; literacy and pregnancy only for women of
 * 15-49. */
static void tutorial_member_skip_logic(void)
{
	char buf[128];
	gn_form *form = load_shared("pyxform-tutorial");
	REQUIRE(form);
	gn_household hh = { 0 };
	int member = gn_form_find(form, "member");
	REQUIRE(member >= 0);
	CHECK_EQ_INT(ui_form_person_repeat(form), -1); /* not gonha's person roster */
	/* the household level shows the repeat as a line */
	uf_model *h = ui_form_model_new(form, "admin", "admin", &hh, false, 0);
	REQUIRE(h);
	uf_repeat rep;
	REQUIRE(repeat_line(h, "member", &rep));
	CHECK_STR(rep.path, "member");
	CHECK_EQ_INT((int)rep.fixed, -1);
	CHECK_EQ_INT(gn_repeat_set_count(ctx.db, &hh.answers, "member", 2, &(gn_err){ 0 }), GN_OK);
	CHECK_STR(h->get(h, at(h, "member")), "2 mục");

	uf_model *m = ui_entry_model_new(form, "admin", "admin", &hh, member, "member[2]");
	REQUIRE(m);
	gn_err err = { 0 };
	CHECK(!shown(m, "age_in_months") || !shown(m, "age_in_years")); /* nothing answered: cannot say both */
	CHECK_OK(set(m, "older_than_five", "no"));
	CHECK(shown(m, "age_in_months"));
	CHECK(!shown(m, "age_in_years"));
	CHECK_OK(set(m, "age_in_months", "80"));
	CHECK_EQ_INT(check(m, "age_in_months", &err), GN_ERR_INVALID); /* . <= 72 */
	CHECK_OK(set(m, "age_in_months", "72"));
	CHECK_OK(check(m, "age_in_months", &err));
	CHECK_OK(set(m, "older_than_five", "yes"));
	CHECK(!shown(m, "age_in_months"));
	CHECK(shown(m, "age_in_years"));
	CHECK_OK(set(m, "age_in_years", "3"));
	CHECK_EQ_INT(check(m, "age_in_years", &err), GN_ERR_INVALID); /* . >= 5 */
	CHECK_OK(set(m, "age_in_years", "30"));
	CHECK_OK(check(m, "age_in_years", &err));
	CHECK_OK(set(m, "sex", "male"));
	CHECK(!shown(m, "literate"));
	CHECK_OK(set(m, "sex", "female"));
	CHECK(shown(m, "literate"));
	CHECK(shown(m, "pregnant"));
	CHECK_OK(set(m, "age_in_years", "50"));
	CHECK(!shown(m, "pregnant"));
	/* a choice that is not in the list */
	CHECK_OK(set(m, "resident", "maybe"));
	CHECK_EQ_INT(check(m, "resident", &err), GN_ERR_INVALID);
	/* before a save the hidden answer is dropped, as ODK does */
	m->prune(m);
	CHECK_STR(stored(&hh, "member[2]/age_in_months", buf, sizeof buf), "(none)");
	CHECK_STR(stored(&hh, "member[2]/age_in_years", buf, sizeof buf), "50");
	CHECK_STR(stored(&hh, "member[2]/sex", buf, sizeof buf), "female");
	ui_model_free(m);
	ui_model_free(h);
	done(form, &hh);
}

/* ona-household: "name" in man, woman and woman's child, each kept by its
 * own path; an entry's model sees its own answers only. */
static void ona_household_names_by_path(void)
{
	char buf[128];
	gn_form *form = load_shared("ona-household");
	REQUIRE(form);
	gn_household hh = { 0 };
	int man = gn_form_find(form, "man"), woman = gn_form_find(form, "woman"), child = gn_form_find(form, "child");
	REQUIRE(man >= 0 && woman >= 0 && child >= 0);
	uf_model *m1 = ui_entry_model_new(form, "admin", "admin", &hh, man, "man[1]");
	uf_model *w2 = ui_entry_model_new(form, "admin", "admin", &hh, woman, "woman[2]");
	REQUIRE(m1 && w2);
	CHECK_OK(set(m1, "name", "Nguyễn Văn Ba"));
	CHECK_OK(set(w2, "name", "Phạm Thị Sáu"));
	uf_repeat rep;
	REQUIRE(repeat_line(w2, "child", &rep));
	CHECK_STR(rep.path, "woman[2]/child");
	uf_model *c3 = ui_entry_model_new(form, "admin", "admin", &hh, child, "woman[2]/child[3]");
	REQUIRE(c3);
	CHECK_OK(set(c3, "name", "Bé Bảy"));
	CHECK_STR(stored(&hh, "man[1]/name", buf, sizeof buf), "Nguyễn Văn Ba");
	CHECK_STR(stored(&hh, "woman[2]/name", buf, sizeof buf), "Phạm Thị Sáu");
	CHECK_STR(stored(&hh, "woman[2]/child[3]/name", buf, sizeof buf), "Bé Bảy");
	/* a path in a person's words (the conflict screen) */
	CHECK(gn_form_key_label(form, "woman[2]/child[3]/name", buf, sizeof buf));
	CHECK_STR(buf, "Woman 2 › Child 3 › Name");
	CHECK(!gn_form_key_label(form, "name", buf, sizeof buf));
	CHECK(!gn_form_key_label(form, "name[1]/x", buf, sizeof buf));
	/* a second model of the same entry reads what was stored */
	uf_model *again = ui_entry_model_new(form, "admin", "admin", &hh, child, "woman[2]/child[3]");
	REQUIRE(again);
	CHECK_STR(again->get(again, at(again, "name")), "Bé Bảy");
	ui_model_free(again);
	/* the household's questions are the form's top level, repeats as lines */
	uf_model *h = ui_form_model_new(form, "admin", "admin", &hh, false, 0);
	REQUIRE(h);
	CHECK(repeat_line(h, "man", &rep) && strcmp(rep.path, "man") == 0);
	CHECK(repeat_line(h, "woman", &rep) && strcmp(rep.path, "woman") == 0);
	CHECK(h->find(h, "child") == (size_t)-1);
	CHECK_EQ_INT(h->field(h, at(h, "number_of_members"))->kind, UF_INTEGER);
	ui_model_free(h);
	ui_model_free(c3);
	ui_model_free(w2);
	ui_model_free(m1);
	done(form, &hh);
}

/* gonha's own cascade: the districts shown are the province's, a district
 * of another province is cleared, labels follow the answers, metadata is
 * filled in, the plots' number is the answer n_plots. */
static void cascade_choices_labels_metadata(void)
{
	char buf[128];
	gn_form *form = load("tests/forms/cascade");
	REQUIRE(form);
	gn_household hh = { 0 };
	uf_model *h = ui_form_model_new(form, "tdp01", "tdp01", &hh, false, 0);
	REQUIRE(h);
	gn_err err = { 0 };
	size_t d = at(h, "district");
	REQUIRE(d != (size_t)-1);
	CHECK_EQ_INT((int)h->field(h, d)->n_choices, 0); /* no province yet: no district */
	CHECK_OK(set(h, "province", "tn"));
	const uf_field *df = h->field(h, d);
	REQUIRE(df->n_choices == 3);
	CHECK_STR(df->choices[0].name, "song_cong");
	CHECK_STR(df->choices[2].label, "Đại Từ");
	CHECK_STR(df->label, "Huyện của Thái Nguyên");
	CHECK_STR(df->hint, "Chỉ các huyện của Thái Nguyên");
	CHECK_OK(set(h, "district", "dai_tu"));
	CHECK_OK(check(h, "district", &err));
	CHECK_OK(set(h, "province", "hn"));
	CHECK_STR(h->get(h, d), ""); /* Đại Từ is not in Hà Nội: cleared */
	CHECK_EQ_INT((int)h->field(h, d)->n_choices, 2);
	CHECK_OK(set(h, "district", "song_cong"));
	CHECK_EQ_INT(check(h, "district", &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "Sông Công") != NULL);
	CHECK_OK(set(h, "district", "ba_dinh"));
	CHECK_OK(check(h, "district", &err));
	/* required, constraint with its message */
	CHECK_EQ_INT(check(h, "head", &err), GN_ERR_INVALID);
	CHECK_OK(set(h, "head", "Nguyễn Văn Một"));
	CHECK_STR(h->field(h, at(h, "thanks"))->label, "Cảm ơn Nguyễn Văn Một");
	CHECK_OK(set(h, "n_plots", "9"));
	CHECK_EQ_INT(check(h, "n_plots", &err), GN_ERR_INVALID);
	CHECK_STR(err.msg, "Từ 0 đến 5 mảnh");
	CHECK_OK(set(h, "n_plots", "2"));
	CHECK_OK(check(h, "n_plots", &err));
	uf_repeat rep;
	REQUIRE(repeat_line(h, "plot", &rep));
	CHECK_EQ_INT((int)rep.fixed, 2);
	/* metadata, not shown, filled in */
	CHECK(h->find(h, "start") == (size_t)-1);
	CHECK_STR(stored(&hh, "username", buf, sizeof buf), "tdp01");
	CHECK_STR(stored(&hh, "start", buf, sizeof buf), "2026-11-20T09:00:00Z");
	CHECK_EQ_INT((int)strlen(stored(&hh, "today", buf, sizeof buf)), 10);
	char pc[37];
	REQUIRE(gn_db_pc_id(ctx.db, pc, &err) == GN_OK);
	CHECK_STR(stored(&hh, "deviceid", buf, sizeof buf), pc);
	CHECK_STR(stored(&hh, "end", buf, sizeof buf), "(none)");
	h->prune(h); /* before a save */
	CHECK_STR(stored(&hh, "end", buf, sizeof buf), "2026-11-20T09:00:00Z");
	/* a plot: area > 0, a place in range, the photo not collected here */
	uf_model *p = ui_entry_model_new(form, "tdp01", "tdp01", &hh, gn_form_find(form, "plot"), "plot[2]");
	REQUIRE(p);
	CHECK_EQ_INT(check(p, "crop", &err), GN_ERR_INVALID); /* required */
	CHECK_OK(set(p, "area", "0"));
	CHECK_EQ_INT(check(p, "area", &err), GN_ERR_INVALID);
	CHECK_STR(err.msg, "Diện tích phải lớn hơn 0");
	CHECK_OK(set(p, "area", "12.5"));
	CHECK_OK(check(p, "area", &err));
	CHECK_OK(set(p, "where", "95 200"));
	CHECK_EQ_INT(check(p, "where", &err), GN_ERR_INVALID);
	CHECK_OK(set(p, "where", "21.59 105.84"));
	CHECK_OK(check(p, "where", &err));
	CHECK_STR(p->get(p, at(p, "photo")), "không thu trên máy này");
	CHECK_OK(check(p, "photo", &err));
	CHECK_STR(stored(&hh, "plot[2]/area", buf, sizeof buf), "12.5");
	CHECK(strstr(hh.answers, "\"plot[2]/area\":12.5") != NULL); /* a number */
	CHECK_EQ_INT(p->field(p, at(p, "where"))->kind, UF_TEXT);
	/* the household sees the plots' answers as node-sets: sum(), count() */
	gn_repeat_set_count(ctx.db, &hh.answers, "plot", 2, &err);
	uf_model *p1 = ui_entry_model_new(form, "tdp01", "tdp01", &hh, gn_form_find(form, "plot"), "plot[1]");
	REQUIRE(p1);
	CHECK_OK(set(p1, "area", "100"));
	CHECK_STR(h->field(h, at(h, "total"))->label, "Tổng diện tích 112.5 m² trên 2 mảnh");
	ui_model_free(p1);
	/* no plots: the repeat is not asked, and a save drops its entries */
	CHECK_OK(set(h, "n_plots", "0"));
	CHECK(!shown(h, "plot"));
	h->prune(h);
	CHECK_STR(stored(&hh, "plot", buf, sizeof buf), "(none)");
	CHECK_STR(stored(&hh, "plot[2]/area", buf, sizeof buf), "(none)");
	CHECK_STR(stored(&hh, "head", buf, sizeof buf), "Nguyễn Văn Một");
	ui_model_free(p);
	ui_model_free(h);
	done(form, &hh);
}

/* A default of today() is the ward's date: at 04:00 on 2 December in Hà
 * Nội (21:00 UTC on the 1st) it is the 2nd, shown as typed (dd/mm/yyyy). */
static void today_default_is_local(void)
{
	const char *dir = gn_test_tmpdir();
	gn_test_write_file(dir, "survey.csv", "type,name,label,default\ndate,day,Ngày,today()\n");
	gn_test_write_file(dir, "settings.csv", "form_id,version\ntoday_form,1\n");
	gn_form *form = load(dir); /* a ward at the fixtures' clock */
	REQUIRE(form);
	char *tz = gn_unit_hanoi_clock("2026-12-01T21:00:00Z");
	gn_household hh = { 0 };
	uf_model *h = ui_form_model_new(form, "tdp01", "tdp01", &hh, false, 0);
	REQUIRE(h);
	CHECK_STR(h->get(h, at(h, "day")), "02/12/2026");
	ui_model_free(h);
	done(form, &hh);
	gn_unit_clock_back(tz);
}

/* tests/forms/siblings: expressions that reach outside the entry, as ODK
 * reads them (the ODK XForms spec's relative paths, pyxform's ${q} in a
 * repeat): a child's entry counts, sums and indexes the sibling repeat
 * member, reads the household's hh_size; a check-up nested in a child
 * reads the child around it and counts its own repeat's entries under
 * that child only; the household counts every entry of a nested repeat. */
static void sibling_and_ancestor_references(void)
{
	gn_form *form = load("tests/forms/siblings");
	REQUIRE(form);
	gn_household hh = { 0 };
	gn_err err = { 0 };
	uf_model *h = ui_form_model_new(form, "admin", "admin", &hh, false, 0);
	REQUIRE(h);
	CHECK_OK(set(h, "hh_size", "3"));
	int member = gn_form_find(form, "member"), child = gn_form_find(form, "child"), visit = gn_form_find(form, "visit");
	static const char *const people[][2] = { { "An", "40" }, { "Bình", "30" } };
	for (size_t i = 0; i < 2; i++) {
		char path[32];
		snprintf(path, sizeof path, "member[%zu]", i + 1);
		uf_model *m = ui_entry_model_new(form, "admin", "admin", &hh, member, path);
		REQUIRE(m);
		CHECK_OK(set(m, "mname", people[i][0]));
		CHECK_OK(set(m, "age", people[i][1]));
		ui_model_free(m);
	}
	CHECK_OK(gn_repeat_set_count(ctx.db, &hh.answers, "member", 2, &err));
	uf_model *m1 = ui_entry_model_new(form, "admin", "admin", &hh, member, "member[1]");
	REQUIRE(m1);
	CHECK_STR(m1->get(m1, at(m1, "older")), "1"); /* count(${member}) - position(..): its own repeat's entries */
	ui_model_free(m1);
	/* a child: the sibling repeat's entries, the household's answer */
	CHECK_OK(gn_repeat_set_count(ctx.db, &hh.answers, "child", 2, &err));
	CHECK_OK(set(h, "hh_size", "2"));
	uf_model *c2 = ui_entry_model_new(form, "admin", "admin", &hh, child, "child[2]");
	REQUIRE(c2);
	CHECK(!shown(c2, "school")); /* ${hh_size} > 2: the household's answer */
	ui_model_free(c2);
	CHECK_OK(set(h, "hh_size", "3"));
	uf_model *c1 = ui_entry_model_new(form, "admin", "admin", &hh, child, "child[1]");
	REQUIRE(c1);
	CHECK_OK(set(c1, "cname", "Na"));
	CHECK_STR(c1->get(c1, at(c1, "n_members")), "2");
	CHECK_STR(c1->get(c1, at(c1, "total_age")), "70");
	CHECK_STR(c1->get(c1, at(c1, "first_name")), "An");
	CHECK_OK(set(c1, "mother_no", "3"));
	CHECK_EQ_INT(check(c1, "mother_no", &err), GN_ERR_INVALID); /* . <= count(${member}) */
	CHECK_STR(err.msg, "Không có thành viên số đó");
	CHECK_OK(set(c1, "mother_no", "2"));
	CHECK_OK(check(c1, "mother_no", &err));
	CHECK_STR(c1->get(c1, at(c1, "mother_name")), "Bình");
	CHECK(shown(c1, "school"));
	/* a third member, added while the child is open: seen at once */
	CHECK_OK(gn_repeat_set_count(ctx.db, &hh.answers, "member", 3, &err));
	CHECK_STR(c1->get(c1, at(c1, "n_members")), "3");
	/* check-ups: the child around them, their own entries under it */
	CHECK_OK(gn_repeat_set_count(ctx.db, &hh.answers, "child[1]/visit", 2, &err));
	CHECK_OK(gn_repeat_set_count(ctx.db, &hh.answers, "child[2]/visit", 1, &err));
	uf_model *v = ui_entry_model_new(form, "admin", "admin", &hh, visit, "child[1]/visit[2]");
	REQUIRE(v);
	CHECK_STR(v->get(v, at(v, "whose")), "Na / 3");
	CHECK_STR(v->get(v, at(v, "n_visits")), "2"); /* child 1's, not child 2's */
	ui_model_free(v);
	/* the household: every entry below it */
	CHECK_STR(h->get(h, at(h, "n_children")), "2");
	CHECK_STR(h->get(h, at(h, "n_visits_all")), "3");
	ui_model_free(c1);
	ui_model_free(h);
	done(form, &hh);
}

/* tests/forms/bilingual: the languages found (default_language first in
 * rank), the one a screen starts with, every text following the chosen
 * one, a text missing in it taken from the default, the form's messages
 * in it; ${nuoc} (a select_one) filled in by its choice's name. */
static void bilingual_texts_follow_the_form_language(void)
{
	gn_form *form = load("tests/forms/bilingual");
	REQUIRE(form);
	REQUIRE(form->n_langs == 2);
	CHECK_STR(form->langs[0].code, "en");
	CHECK_STR(form->langs[0].name, "English (en)");
	CHECK_STR(form->langs[1].code, "vi");
	CHECK_STR(form->langs[1].name, "Tiếng Việt (vi)");
	CHECK_EQ_INT(form->lang_default, 0);
	CHECK_EQ_INT(form->lang, -1); /* loaded: the UI's, as before */
	/* the start: default_language, whatever the UI's */
	CHECK_EQ_INT(gn_form_lang_initial(form, "vi"), 0);
	CHECK_EQ_INT(gn_form_lang_find(form, "Tiếng Việt (vi)"), 1);
	CHECK_EQ_INT(gn_form_lang_find(form, "sw"), -1);
	CHECK(!gn_form_set_lang(form, 2));
	gn_household hh = { 0 };
	uf_model *h = ui_form_model_new(form, "tdp01", "tdp01", &hh, false, 0);
	REQUIRE(h);
	size_t no = at(h, "so_nha"), water = at(h, "nuoc"), note = at(h, "da_chon");
	size_t notes = at(h, "ghi_chu");
	CHECK(gn_form_set_lang(form, 0));
	CHECK_STR(h->field(h, no)->label, "House number");
	CHECK_STR(h->field(h, no)->hint, "As painted on the gate");
	CHECK_STR(h->field(h, water)->choices[1].label, "Well");
	gn_err err = { 0 };
	CHECK_EQ_INT(check(h, "so_nha", &err), GN_ERR_INVALID);
	CHECK_STR(err.msg, "Type the house number");
	/* Vietnamese: the same model, remade at once */
	CHECK(gn_form_set_lang(form, 1));
	CHECK_STR(h->field(h, no)->label, "Số nhà");
	CHECK_STR(h->field(h, no)->hint, "Như sơn trên cổng");
	CHECK_STR(h->field(h, water)->choices[1].label, "Giếng khoan");
	CHECK_STR(h->field(h, notes)->label, "Notes for the ward"); /* none in Vietnamese: the default's */
	CHECK_EQ_INT(check(h, "so_nha", &err), GN_ERR_INVALID);
	CHECK_STR(err.msg, "Hãy gõ số nhà");
	CHECK_OK(set(h, "so_nguoi", "40"));
	CHECK_EQ_INT(check(h, "so_nguoi", &err), GN_ERR_INVALID);
	CHECK_STR(err.msg, "Từ 1 đến 30 người");
	/* ${nuoc}: the choice's name, as ODK Collect shows it */
	CHECK_OK(set(h, "nuoc", "gieng"));
	CHECK_STR(h->field(h, note)->label, "Mã nguồn nước: gieng (Giếng khoan)");
	/* jr:choice-name() in the form's language too */
	CHECK(gn_form_set_lang(form, 0));
	CHECK_STR(h->field(h, note)->label, "Water source code: gieng (Well)");
	CHECK(gn_form_set_lang(form, 1));
	/* the UI's again: as a form of one language shows it */
	CHECK(gn_form_set_lang(form, -1));
	CHECK_STR(h->field(h, no)->label, "Số nhà"); /* UI vi: label::vi */
	ui_model_free(h);
	done(form, &hh);
}

/* With no default_language, the language of the UI, else the first. */
static void the_start_language_without_a_default(void)
{
	const char *dir = gn_test_tmpdir();
	gn_test_write_file(dir, "survey.csv", "type,name,label::Swahili (sw),label::English (en),label::Tiếng Việt (vi)\n"
	                                      "text,a,Jina,Name,Tên\n");
	gn_test_write_file(dir, "settings.csv", "form_id,version\nthree,1\n");
	gn_form *form = load(dir);
	REQUIRE(form);
	CHECK_EQ_INT((int)form->n_langs, 3);
	CHECK_EQ_INT(form->lang_default, -1);
	CHECK_EQ_INT(gn_form_lang_initial(form, "vi"), 2);
	CHECK_EQ_INT(gn_form_lang_initial(form, "en"), 1);
	CHECK_EQ_INT(gn_form_lang_initial(form, "fr"), 0);
	gn_household hh = { 0 };
	done(form, &hh);
}

GN_TESTS(T(sibling_and_ancestor_references), T(tutorial_member_skip_logic), T(ona_household_names_by_path), T(cascade_choices_labels_metadata),
         T(today_default_is_local), T(bilingual_texts_follow_the_form_language), T(the_start_language_without_a_default))
