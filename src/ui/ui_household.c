/* A household: its form, then its members as a roster (add, edit, remove).
 * Saving writes the household and its roster in one transaction; what is
 * typed is kept as a draft on every field left and every few keys, so a
 * killed terminal loses at most the field under the cursor. */
#include "ui.h"
#include "gonha/domain/cccd.h"
#include "gonha/storage/db.h"
#include "gonha/domain/draft.h"
#include "gonha/domain/household_list.h"
#include "gonha/domain/operators.h"
#include "gonha/domain/review.h"
#include "gonha/domain/users.h"
#include "gonha/domain/verify.h"
#include "gonha/core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keys typed between two draft writes while a field is being edited. */
#define DRAFT_EVERY 6

typedef struct household_view {
	ui_view v;
	gn_household hh;        /* owned */
	char tdp_id[37];
	char draft_id[48];
	uf_model *model;        /* owned */
	ui_form form;
	bool on_roster;         /* the cursor is in the roster, not the form */
	size_t member;          /* roster cursor; n_members = the "add" line */
	size_t roster_top;
	int roster_y;           /* the roster's heading line, as last drawn (mouse) */
	bool dirty;             /* changed since loaded or saved */
	bool merging;           /* saving again after a change elsewhere */
	unsigned drafted_edits;
	gn_provenance prov;     /* who entered and changed it (read on open and save) */
	gn_review review;       /* its latest review */
	/* the verification pass (ui_verify.c): the second keying of household
	 * verify_hh of sample verify_pass, kept as its shadow record instead
	 * of a draft and compared instead of saved; "" for the census */
	char verify_pass[37];
	char verify_hh[37];
} household_view;

static household_view *hv_of(ui_view *v) { return (household_view *)v; }

/* The form has gonha's person roster (the census members), listed below
 * the household's questions; a form without one is the form alone, its
 * repeats lines of it (ui_roster.c). */
static bool has_people(household_view *h)
{
	const gn_form *form = ui_form_in_use(h->v.app); /* the TDP's, not census's */
	return form && ui_form_person_repeat(form) >= 0;
}
static bool met_changed_elsewhere(household_view *h, bool next);

gn_household *ui_household_record(ui_view *v) { return &hv_of(v)->hh; }

void ui_household_touched(ui_view *v)
{
	household_view *h = hv_of(v);
	char *json = NULL;
	gn_err err = { 0 };
	h->dirty = true;
	if (h->verify_pass[0]) {
		if (gn_verify_keep(&v->app->ctx, h->verify_pass, h->verify_hh, &h->hh, &err) != GN_OK)
			ui_status(v->app, true, _("The draft could not be kept: %s"), err.msg);
		return;
	}
	if (gn_household_to_json(&h->hh, &json, &err) != GN_OK ||
	    gn_draft_put(&v->app->ctx, GN_DRAFT_HOUSEHOLD, h->draft_id, h->tdp_id, json, &err) != GN_OK)
		ui_status(v->app, true, _("The draft could not be kept: %s"), err.msg);
	free(json);
}

/* After keys in the form: a draft on every field left, and every few keys. */
static void maybe_draft(household_view *h, ui_form *f, unsigned every)
{
	if (ui_form_draft_due(f, &h->drafted_edits, every))
		ui_household_touched(&h->v);
}

/* The main loop's: a draft now (quitting, signing out, the idle lock), or
 * after a second without keys when something is not in it yet. */
static bool household_keep_draft(ui_view *v, bool pending)
{
	household_view *h = hv_of(v);
	ui_form *f = &h->form;
	if (pending) {
		if (!h->on_roster)
			maybe_draft(h, f, 1);
		return h->dirty;
	}
	if (!h->on_roster && f->loaded && f->eb.changed) {
		gn_err err = { 0 };
		f->model->set(f->model, f->cur, f->eb.text, &err);
		h->dirty = true;
	}
	if (h->dirty) {
		h->drafted_edits = f->edits;
		f->stored = false;
		ui_household_touched(v);
	}
	return h->dirty;
}

bool ui_household_dirty(ui_view *v) { return hv_of(v)->dirty; }

void ui_household_untouched(ui_view *v)
{
	household_view *h = hv_of(v);
	h->dirty = false;
	if (!h->verify_pass[0])
		gn_draft_delete(&v->app->ctx, GN_DRAFT_HOUSEHOLD, h->draft_id, NULL);
}

static void reset_form(household_view *h)
{
	ui_form_free(&h->form);
	ui_model_free(h->model);
	h->model = ui_household_model_new(h->v.app, &h->hh);
	ui_form_init(&h->form, h->model);
}

void ui_household_roster_at(ui_view *v, size_t i)
{
	household_view *h = hv_of(v);
	h->on_roster = true;
	h->member = i <= h->hh.n_members ? i : h->hh.n_members;
}

/* Who entered it and its review, for the lines above the form; nothing
 * for a household not saved yet (or one that cannot be read now). */
static void load_info(household_view *h)
{
	gn_err err = { 0 };
	memset(&h->prov, 0, sizeof h->prov);
	memset(&h->review, 0, sizeof h->review);
	if (!h->hh.id[0])
		return;
	if (gn_household_provenance(&h->v.app->ctx, h->hh.id, &h->prov, &err) != GN_OK)
		memset(&h->prov, 0, sizeof h->prov);
	if (gn_review_latest(&h->v.app->ctx, h->hh.id, &h->review, &err) != GN_OK)
		memset(&h->review, 0, sizeof h->review);
}

void ui_household_resume(ui_view *v)
{
	household_view *h = hv_of(v);
	if (!h->hh.n_members) {
		if (!ui_form_resume(&h->form))
			ui_household_roster_at(v, 0);
		return;
	}
	/* the household form was done before the first member was added */
	size_t last = h->hh.n_members - 1;
	ui_household_roster_at(v, last);
	ui_view *pv = ui_person_new(v->app, v, last);
	if (!pv)
		return;
	ui_push(v->app, pv);
	if (!ui_person_resume(pv)) {
		ui_pop(v->app); /* that person is whole: the next one */
		ui_household_roster_at(v, h->hh.n_members);
	}
}

static void household_open(ui_view *v)
{
	household_view *h = hv_of(v);
	if (h->member > h->hh.n_members)
		h->member = h->hh.n_members;
	load_info(h);
}

/* "tdp01 02/12 10:05" (the PC's clock: day/month, hour), with "(another
 * PC's clock)" when the time was taken on another PC. */
static void who_when(char *out, size_t size, const char *by, const char *at, bool other_pc)
{
	char local[17] = "", when[17];
	gn_local_time(at, local); /* YYYY-MM-DD HH:MM */
	if (strlen(local) == 16)
		snprintf(when, sizeof when, "%.2s/%.2s %.5s", local + 8, local + 5, local + 11);
	else
		snprintf(when, sizeof when, "%s", local);
	snprintf(out, size, "%s %s%s", by, when, other_pc ? _(" (another PC's clock)") : "");
}

/* The lines above the form: who entered and changed it, and a send-back's
 * reason. Returns the lines drawn. */
static int draw_info(household_view *h, int y)
{
	int n = 0;
	if (h->review.decision == GN_REVIEW_SENT_BACK) {
		char when[128], line[GN_REVIEW_REASON_MAX + 256];
		who_when(when, sizeof when, h->review.by_login, h->review.at, h->review.other_pc);
		snprintf(line, sizeof line, _("Sent back: %s — %s"), h->review.reason, when);
		attron(A_BOLD);
		ui_put_pad(y + n, 0, COLS, "");
		ui_put_cut(y + n++, 1, COLS - 2, line);
		attroff(A_BOLD);
	}
	if (h->prov.updated_at[0]) {
		char entered[128] = "", changed[128], line[400];
		if (h->prov.entered_at[0])
			who_when(entered, sizeof entered, h->prov.entered_by, h->prov.entered_at, h->prov.entered_other_pc);
		who_when(changed, sizeof changed, h->prov.updated_by, h->prov.updated_at, h->prov.updated_other_pc);
		if (h->review.decision == GN_REVIEW_APPROVED)
			snprintf(line, sizeof line, _("Entered: %s · changed: %s · approved by %s"),
			         *entered ? entered : "—", changed, h->review.by_login);
		else
			snprintf(line, sizeof line, _("Entered: %s · changed: %s"), *entered ? entered : "—", changed);
		ui_put_pad(y + n, 0, COLS, "");
		ui_put_cut(y + n++, 1, COLS - 2, line);
	}
	return n;
}

/* The label of a member's answer to a choice question of the loaded form
 * (the relation), in the UI language; the stored name when the form does
 * not have it. */
const char *ui_choice_label(const gn_form *form, const char *field, const char *name)
{
	int k = form ? gn_form_field_of(form, field) : -1;
	if (k >= 0) /* the column keeps gonha's code, the form's list its own */
		name = gn_form_code_from_gonha(form, form->fields[k].role, name);
	const gn_choice *c = k >= 0 && form->fields[k].list ? gn_choice_find(form->fields[k].list, name) : NULL;
	const char *label = c ? gn_choice_label(c) : NULL;
	return label && *label ? label : name;
}

static void draw_member(const gn_form *form, const gn_person *p, size_t i, int y)
{
	char line[64];
	snprintf(line, sizeof line, "%zu.", i + 1);
	ui_put(y, 2, 4, line);
	ui_put(y, 6, 30, p->full_name && *p->full_name ? p->full_name : _("(no name yet)"));
	if (p->birth_year) {
		snprintf(line, sizeof line, "%d", p->birth_year);
		ui_put(y, 38, 5, line);
	}
	ui_put(y, 44, 4, strcmp(p->sex, "male") == 0 ? _("M") : strcmp(p->sex, "female") == 0 ? _("F") : "");
	ui_put(y, 48, 18, p->relation[0] ? ui_choice_label(form, "relation", p->relation) : "");
	if (p->cccd && *p->cccd) {
		char masked[13];
		gn_cccd_mask(p->cccd, masked);
		ui_put(y, 67, COLS - 68, masked);
	}
}

static void household_draw(ui_view *v)
{
	household_view *h = hv_of(v);
	char left[300], right[120];
	size_t answered, total;
	ui_form_progress(&h->form, &answered, &total);
	snprintf(left, sizeof left, "%s %s %s %s",
	         h->verify_pass[0] ? _("Verification: key again") : h->hh.id[0] ? _("Household") : _("New household"),
	         h->hh.house_no ? h->hh.house_no : "", h->hh.alley ? h->hh.alley : "", h->dirty ? _("(not saved)") : "");
	snprintf(right, sizeof right, _("filled %zu/%zu · %zu people"), answered, total, h->hh.n_members);
	if (!has_people(h))
		snprintf(right, sizeof right, _("filled %zu/%zu"), answered, total);
	ui_title(v->app, left, right);
	if (!has_people(h)) {
		h->on_roster = false;
		ui_form_draw(&h->form, 1, UI_LINES - 2, true);
		return;
	}

	int info = draw_info(h, 1);
	int form_h = (LINES - 4) / 2; /* half the screen, the bar's second row taken from the members' half */
	int roster_y = 1 + form_h;
	h->roster_y = roster_y;
	ui_form_draw(&h->form, 1 + info, roster_y, !h->on_roster);
	int cy, cx;
	getyx(stdscr, cy, cx);

	attron(A_BOLD);
	char head[128];
	snprintf(head, sizeof head, _("Members (%zu)"), h->hh.n_members);
	ui_hline(roster_y, 0, COLS, "─");
	ui_put(roster_y, 2, COLS - 4, head);
	attroff(A_BOLD);
	int rows = UI_LINES - 2 - roster_y - 1;
	size_t lines = h->hh.n_members + 1;
	ui_keep_in_view(&h->roster_top, h->member, rows);
	for (int r = 0; r < rows && h->roster_top + (size_t)r < lines; r++) {
		size_t i = h->roster_top + (size_t)r;
		int y = roster_y + 1 + r;
		bool here = h->on_roster && i == h->member;
		if (here)
			attron(A_REVERSE);
		ui_put_pad(y, 0, COLS, "");
		if (i < h->hh.n_members)
			draw_member(h->v.app->form, &h->hh.members[i], i, y);
		else if (gn_form_has_roster(h->v.app->form))
			ui_put(y, 6, COLS - 8, _("+ Add a person (Enter or Ctrl-T)"));
		else
			ui_put(y, 6, COLS - 8, _("This form lists no persons (no question has gonha::role roster)."));
		if (here)
			attroff(A_REVERSE);
	}
	if (!h->on_roster)
		move(cy, cx);
	else
		move(roster_y + 1 + (int)(h->member - h->roster_top), 1);
}

void ui_household_add_member(ui_view *v)
{
	household_view *h = hv_of(v);
	if (!gn_form_has_roster(v->app->form)) {
		ui_status(v->app, true, "%s", _("This form lists no persons (no question has gonha::role roster)."));
		return;
	}
	if (!gn_household_add_member(&h->hh)) {
		ui_status(v->app, true, "%s", _("out of memory"));
		return;
	}
	h->member = h->hh.n_members - 1;
	h->on_roster = true;
	/* the model points into the members array, which may have moved */
	reset_form(h);
	ui_push(v->app, ui_person_new(v->app, v, h->member));
}

static void remove_member(household_view *h)
{
	if (h->member >= h->hh.n_members)
		return;
	gn_person *p = &h->hh.members[h->member];
	char q[GN_ERR_MSG_MAX];
	snprintf(q, sizeof q, _("Remove %s from this household?"),
	         p->full_name && *p->full_name ? p->full_name : _("(no name yet)"));
	if (ui_confirm(h->v.app, q, &(ui_prompt){ .yes = _("remove"), .no = _("keep") }) != UI_YES)
		return;
	gn_person_free(p);
	memmove(p, p + 1, (h->hh.n_members - h->member - 1) * sizeof *p);
	h->hh.n_members--;
	reset_form(h);
	h->on_roster = true;
	ui_household_touched(&h->v);
	ui_status(h->v.app, false, "%s", _("Removed from the roster; Ctrl-S saves the household."));
}

static void set_carry(char **place, const char *value)
{
	free(*place);
	*place = value && *value ? strdup(value) : NULL;
}

/* Opens the household view for the next household (or a new one). */
static void go_next(household_view *h)
{
	ui_app *app = h->v.app;
	char next[37], tdp[37];
	gn_err err = { 0 };
	snprintf(tdp, sizeof tdp, "%s", h->tdp_id);
	if (gn_hh_next(&app->ctx, tdp, h->hh.id, next, &err) != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	ui_pop(app); /* h is gone from here on */
	if (next[0])
		ui_push(app, ui_household_new(app, tdp, next, NULL, NULL));
	else {
		ui_push(app, ui_household_new(app, tdp, NULL, NULL, NULL));
		ui_status(app, false, "%s", _("That was the last household of the walk: here is a new one."));
	}
}

void ui_household_replace(ui_view *v, gn_household *hh, bool dirty)
{
	household_view *h = hv_of(v);
	ui_form_free(&h->form);
	ui_model_free(h->model);
	gn_household_free(&h->hh);
	h->hh = *hh; /* taken over */
	memset(hh, 0, sizeof *hh);
	h->model = ui_household_model_new(v->app, &h->hh);
	ui_form_init(&h->form, h->model);
	if (h->member > h->hh.n_members)
		h->member = h->hh.n_members;
	h->dirty = dirty;
	if (dirty)
		ui_household_touched(v);
}

const char *ui_household_draft_id(ui_view *v)
{
	return hv_of(v)->draft_id;
}

/* The save met the household changed elsewhere since it was opened:
 * what is typed stays (in the form and the draft) and the differences are
 * shown. When nothing differs (only the revisions moved), the database's
 * version with what was typed goes in at once. */
static bool met_changed_elsewhere(household_view *h, bool next)
{
	ui_app *app = h->v.app;
	gn_err err = { 0 };
	gn_hh_conflict c;
	ui_household_touched(&h->v);
	if (gn_household_conflict(&app->ctx, &h->hh, &c, &err) != GN_OK) {
		ui_status(app, true, _("Not saved: %s"), err.msg);
		return false;
	}
	if (c.n == 0 && !h->merging) {
		gn_household merged;
		gn_status st = gn_household_merge(&app->ctx, &h->hh, &c, &merged, &err);
		gn_hh_conflict_free(&c);
		if (st != GN_OK) {
			ui_status(app, true, _("Not saved: %s"), err.msg);
			return false;
		}
		ui_household_replace(&h->v, &merged, true);
		h->merging = true;
		bool ok = ui_household_save(&h->v, next);
		h->merging = false;
		return ok;
	}
	ui_push(app, ui_stale_new(app, &h->v, &c, next));
	ui_status(app, true, "%s", _("Not saved: this household was changed elsewhere since you opened it."));
	return false;
}

/* Answers a member has besides the core columns (the skills and the rest
 * of the form); -1 when SQLite could not say. */
static int answer_count(sqlite3 *db, const char *answers)
{
	sqlite3_stmt *st = NULL;
	int n = -1;
	if (!answers || !*answers)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM json_each(?1) WHERE value IS NOT NULL AND value <> ''", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, answers, -1, SQLITE_STATIC) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* What a careful supervisor asks before a visited household is saved: a
 * warning each, the user confirms (never a block). False: not saved. */
static bool save_questions(household_view *h)
{
	ui_app *app = h->v.app;
	if (strcmp(h->hh.visit_status, GN_VISIT_DONE) != 0)
		return true;
	ui_prompt p = { .yes = _("save anyway"), .no = _("go back") };
	if (h->hh.n_members == 0) {
		if (ui_confirm(app, _("This household is marked visited but has nobody in it. Save it anyway?"), &p) == UI_YES)
			return true;
		h->on_roster = true;
		ui_status(app, false, "%s", _("Not saved: Enter on the roster adds a person."));
		return false;
	}
	for (size_t i = 0; i < h->hh.n_members; i++) {
		if (answer_count(app->db, h->hh.members[i].answers) != 0)
			continue;
		const char *name = h->hh.members[i].full_name && *h->hh.members[i].full_name ? h->hh.members[i].full_name
		                                                                              : _("(no name yet)");
		char q[GN_ERR_MSG_MAX];
		snprintf(q, sizeof q, _("%s has no answer to the skill questions. Save the household anyway?"), name);
		if (ui_confirm(app, q, &p) == UI_YES)
			return true; /* asked once per save */
		h->member = i;
		h->on_roster = true;
		ui_status(app, false, "%s", _("Not saved: Enter opens this person."));
		return false;
	}
	return true;
}

/* The second keying done: compared, kept, and back to the sample. */
static bool verify_done(household_view *h)
{
	ui_app *app = h->v.app;
	gn_err err = { 0 };
	size_t differences = 0;
	/* what the TDP's form asks (the one it was keyed again with) */
	const gn_form *form = ui_tdp_form(app, h->hh.tdp_id);
	if (!form)
		return false;
	if (gn_verify_finish_asked(&app->ctx, h->verify_pass, h->verify_hh, &h->hh, gn_form_asks, form, &differences,
	                           &err) != GN_OK) {
		ui_form_show_error(&h->form, &err);
		ui_status(app, true, _("Not saved: %s"), err.msg);
		return false;
	}
	ui_pop(app); /* h is gone */
	ui_status(app, false,
	          ngettext("Keyed again: %zu difference with the first keying.",
	                   "Keyed again: %zu differences with the first keying.", differences),
	          differences);
	return true;
}

bool ui_household_save(ui_view *v, bool next)
{
	household_view *h = hv_of(v);
	ui_app *app = v->app;
	gn_err err = { 0 };
	/* answers of questions no longer asked are not kept */
	h->model->prune(h->model);
	/* every field of the household, then of each member, as on leaving it */
	if (!ui_form_check_all(&h->form)) {
		h->on_roster = false;
		ui_status(app, true, "%s", _("Not saved: correct the field shown."));
		return false;
	}
	/* every entry of the form's other repeats */
	char where[512] = "";
	if (!ui_roster_check(app, v, h->model, &err, where, sizeof where)) {
		ui_status(app, true, _("Not saved: %s: %s"), where, err.msg);
		return false;
	}
	for (size_t i = 0; i < h->hh.n_members; i++) {
		uf_model *pm = ui_person_model_new(app, &h->hh, i);
		if (pm)
			pm->prune(pm);
		size_t n = pm ? pm->n_fields(pm) : 0;
		for (size_t f = 0; f < n; f++) {
			if (!pm->relevant(pm, f) || pm->check(pm, f, &err) == GN_OK)
				continue;
			snprintf(err.field, sizeof err.field, "%s", pm->field(pm, f)->name);
			ui_model_free(pm);
			h->member = i;
			h->on_roster = true;
			ui_view *pv = ui_person_new(app, v, i);
			ui_push(app, pv);
			ui_person_show_error(pv, &err);
			ui_status(app, true, _("Not saved: member %zu: %s"), i + 1, err.msg);
			return false;
		}
		ui_model_free(pm);
	}
	if (!h->merging && !save_questions(h))
		return false;
	if (h->verify_pass[0])
		return verify_done(h);
	bool was_new = !h->hh.id[0];
	gn_status st = gn_household_save_clearing_draft(&app->ctx, &h->hh, h->draft_id, &err);
	if (st == GN_ERR_STALE)
		return met_changed_elsewhere(h, next);
	if (st != GN_OK) {
		size_t i;
		char rest[64];
		if (sscanf(err.field, "members[%zu].%63s", &i, rest) == 2 && i < h->hh.n_members) {
			h->member = i;
			h->on_roster = true;
			ui_view *pv = ui_person_new(app, v, i);
			ui_push(app, pv);
			ui_person_show_error(pv, &err);
			ui_status(app, true, _("Not saved: member %zu: %s"), i + 1, err.msg);
		} else if (strcmp(err.field, "relation") == 0) {
			h->on_roster = true;
			ui_status(app, true, _("Not saved: %s"), err.msg);
		} else {
			ui_form_show_error(&h->form, &err);
			h->on_roster = false;
			ui_status(app, true, _("Not saved: %s"), err.msg);
		}
		return false;
	}
	if (was_new)
		snprintf(h->draft_id, sizeof h->draft_id, "%s", h->hh.id);
	h->dirty = false;
	load_info(h);
	ui_carry *c = &app->carry;
	set_carry(&c->alley, h->hh.alley);
	set_carry(&c->street, h->hh.street);
	set_carry(&c->visit_date, h->hh.visit_date);
	set_carry(&c->visited_by, h->hh.visited_by);
	if (has_people(h))
		ui_status(app, false, _("Saved: household %s %s, %zu people."), h->hh.house_no ? h->hh.house_no : "",
		          h->hh.alley ? h->hh.alley : "", h->hh.n_members);
	else
		ui_status(app, false, "%s", _("Saved: the household with its lists."));
	if (next)
		go_next(h);
	return true;
}

/* Approve the household or send it back with a reason (review.h): asked
 * on the status line; a household not saved is saved first. */
static void review(household_view *h)
{
	ui_app *app = h->v.app;
	if (!h->hh.id[0] || h->dirty || (h->form.loaded && h->form.eb.changed)) {
		ui_status(app, true, "%s", _("Save the household first (Ctrl-S), then review it."));
		return;
	}
	ui_prompt p = { .yes = _("approve"), .no = _("nothing"), .other = _("send back"), .other_key = 't' };
	ui_answer a = ui_confirm(app, _("Review this household?"), &p);
	if (a != UI_YES && a != UI_OTHER)
		return;
	char reason[GN_REVIEW_REASON_MAX + 1] = "";
	if (a == UI_OTHER && !ui_ask_text(app, _("Why is it sent back?"), reason, sizeof reason))
		return;
	gn_err err = { 0 };
	if (gn_review_add(&app->ctx, h->hh.id, a == UI_YES ? GN_REVIEW_APPROVED : GN_REVIEW_SENT_BACK, reason, &err) !=
	    GN_OK) {
		ui_status(app, true, _("Not recorded: %s"), err.msg);
		return;
	}
	load_info(h);
	ui_status(app, false, "%s", a == UI_YES ? _("Approved.") : _("Sent back: it is on the TDP's revisit list."));
}

void ui_toggle_auto_advance(ui_app *app)
{
	gn_err err = { 0 };
	bool on = !app->auto_advance;
	if (gn_user_setting_set(&app->ctx, GN_SETTING_AUTO_ADVANCE, on, &err) != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	app->auto_advance = on;
	ui_status(app, false, "%s",
	          on ? _("Heads-down on: a full year, CCCD or date moves on by itself (Ctrl-O turns it off)")
	             : _("Heads-down off: Enter moves on after every field (Ctrl-O turns it on)"));
}

static bool household_key(ui_view *v, ui_action a, int key)
{
	household_view *h = hv_of(v);
	ui_app *app = v->app;
	h->form.auto_advance = app->auto_advance && !app->paste;
	if (a != UA_NEXT_FIELD)
		h->form.advanced = false; /* only the very next key is the Enter of habit */
	switch (a) {
	case UA_AUTO_ADVANCE:
		ui_toggle_auto_advance(app);
		return true;
	case UA_SAVE:
		ui_household_save(v, false);
		return true;
	case UA_SAVE_NEXT:
		ui_household_save(v, true);
		return true;
	case UA_ADD_MEMBER:
		if (!h->on_roster && !ui_form_commit(&h->form))
			return true;
		maybe_draft(h, &h->form, DRAFT_EVERY);
		ui_household_add_member(v);
		return true;
	case UA_REVIEW:
		review(h);
		return true;
	case UA_BACK:
		if (h->verify_pass[0]) {
			/* a second keying interrupted is kept, to be resumed */
			maybe_draft(h, &h->form, 1);
			ui_pop(app);
			ui_status(app, false, "%s", _("Kept half-way: Enter on the household resumes it."));
			return true;
		}
		if (h->dirty || (h->form.loaded && h->form.eb.changed)) {
			/* only x throws the typing away; every other key keeps it */
			ui_prompt p = { .yes = _("save"), .no = _("keep editing"), .other = _("leave without saving"),
				            .other_key = 'x' };
			ui_answer a2 = ui_confirm(app, _("This household is not saved."), &p);
			if (a2 == UI_YES) {
				if (ui_household_save(v, false))
					ui_pop(app);
			} else if (a2 == UI_OTHER) {
				gn_draft_delete(&app->ctx, GN_DRAFT_HOUSEHOLD, h->draft_id, NULL);
				ui_pop(app);
			}
			return true;
		}
		ui_pop(app);
		return true;
	default:
		break;
	}
	if (!h->on_roster && key == UI_MOUSE) {
		if (app->mouse_y > h->roster_y && ui_form_commit(&h->form))
			h->on_roster = true;
		else
			return true;
	}
	if (!h->on_roster) {
		int where;
		if (ui_form_key(&h->form, a, key, &where)) {
			if (h->form.stored || h->form.edits)
				h->dirty = true;
			maybe_draft(h, &h->form, DRAFT_EVERY);
			if (where == UF_OPEN_REPEAT) {
				maybe_draft(h, &h->form, 0);
				ui_roster_open(app, v, &h->form);
			} else if (where == UF_PAST_END && !has_people(h)) {
				ui_status(app, false, "%s", _("The last question: Ctrl-S saves the household."));
			} else if (where == UF_PAST_END) {
				h->on_roster = true;
				h->member = 0;
			}
			return true;
		}
		return a == UA_NONE; /* other text keys do nothing here */
	}
	/* the roster */
	if (key == UI_MOUSE) {
		int line = app->mouse_y - h->roster_y - 1;
		if (line >= 0 && h->roster_top + (size_t)line <= h->hh.n_members) {
			h->member = h->roster_top + (size_t)line;
			if (app->mouse_double)
				key = '\r';
			else
				return true;
		} else {
			return true;
		}
	}
	if (a == UA_REMOVE_MEMBER) {
		remove_member(h);
		return true;
	}
	if (key == '\r' || key == '\n' || key == (UI_FN | KEY_ENTER)) {
		if (h->member >= h->hh.n_members)
			ui_household_add_member(v);
		else
			ui_push(app, ui_person_new(app, v, h->member));
		return true;
	}
	if (key == (UI_FN | KEY_UP) || key == (UI_FN | KEY_BTAB)) {
		if (h->member == 0)
			h->on_roster = false;
		else
			h->member--;
		return true;
	}
	if (key == (UI_FN | KEY_DOWN) || key == '\t') {
		if (h->member < h->hh.n_members)
			h->member++;
		return true;
	}
	return a == UA_NONE;
}

static void household_close(ui_view *v)
{
	household_view *h = hv_of(v);
	ui_form_free(&h->form);
	ui_model_free(h->model);
	gn_household_free(&h->hh);
	free(h);
}

ui_view *ui_household_new(ui_app *app, const char *tdp_id, const char *household_id, gn_household *hh,
                          const char *draft_id)
{
	gn_err err = { 0 };
	household_view *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->v = (ui_view){ .kind = UV_HOUSEHOLD, .open = household_open, .draw = household_draw,
	                  .handle_key = household_key, .close = household_close, .app = app,
	                  .keep_draft = household_keep_draft };
	snprintf(h->tdp_id, sizeof h->tdp_id, "%s", tdp_id);
	if (hh) {
		h->hh = *hh; /* taken over */
		memset(hh, 0, sizeof *hh);
		h->dirty = true;
	} else if (household_id) {
		if (gn_household_load(&app->ctx, household_id, &h->hh, &err) != GN_OK) {
			ui_status_err(app, &err);
			free(h);
			return NULL;
		}
	} else {
		/* a new household, with what carries over from the last one */
		snprintf(h->hh.tdp_id, sizeof h->hh.tdp_id, "%s", tdp_id);
		snprintf(h->hh.visit_status, sizeof h->hh.visit_status, "%s", GN_VISIT_NOT_VISITED);
		const ui_carry *c = &app->carry;
		h->hh.alley = c->alley ? strdup(c->alley) : NULL;
		h->hh.street = c->street ? strdup(c->street) : NULL;
		h->hh.visit_date = c->visit_date ? strdup(c->visit_date) : NULL;
		h->hh.visited_by = strdup(c->visited_by ? c->visited_by : ui_visitor_name(app));
	}
	if (!h->hh.opened_at[0]) /* the form's time, for the operator figures */
		gn_now_iso(h->hh.opened_at);
	if (draft_id)
		snprintf(h->draft_id, sizeof h->draft_id, "%s", draft_id);
	else if (h->hh.id[0])
		snprintf(h->draft_id, sizeof h->draft_id, "%s", h->hh.id);
	else {
		char uuid[37];
		gn_uuid_new(uuid);
		snprintf(h->draft_id, sizeof h->draft_id, "new-%s", uuid);
	}
	h->model = ui_household_model_new(app, &h->hh);
	ui_form_init(&h->form, h->model);
	if (!has_people(h))
		h->v.kind = UV_HOUSEHOLD_ALONE; /* no person keys on its key bar */
	return &h->v;
}

ui_view *ui_household_verify_new(ui_app *app, const char *pass_id, const char *household_id)
{
	gn_err err = { 0 };
	gn_household shadow;
	if (gn_verify_begin(&app->ctx, pass_id, household_id, &shadow, &err) != GN_OK) {
		gn_household_free(&shadow);
		ui_status_err(app, &err);
		return NULL;
	}
	char tdp[37];
	snprintf(tdp, sizeof tdp, "%s", shadow.tdp_id);
	/* keyed again with the form its TDP enters, as the first keying was */
	ui_view *v = ui_enter_tdp_form(app, tdp) ? ui_household_new(app, tdp, NULL, &shadow, NULL) : NULL;
	if (v) {
		household_view *h = hv_of(v);
		snprintf(h->verify_pass, sizeof h->verify_pass, "%s", pass_id);
		snprintf(h->verify_hh, sizeof h->verify_hh, "%s", household_id);
		h->dirty = false;
	}
	gn_household_free(&shadow);
	return v;
}
