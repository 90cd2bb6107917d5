/* A repeat that is not the person roster, as a roster: the list of its
 * entries (one line each: its first answers), Enter or Ctrl-T adds the next
 * entry, Enter opens one, Ctrl-D removes one (asked first, ui_confirm). An
 * entry is a form of its own (the model of ui_form_model.c at the entry's
 * path); a repeat inside it is a line that opens its own roster, to any
 * depth. A repeat_count fixes the number of entries: nothing is added or
 * removed by hand then. The answers are the household's (by path,
 * gonha/domain/answers.h), so the household view keeps the draft and saves
 * them with everything else. */
#include "ui.h"
#include "gonha/domain/answers.h"
#include "gonha/core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keys typed between two draft writes while a field is being edited. */
#define DRAFT_EVERY 6

typedef struct roster_view {
	ui_view v;
	ui_view *household;   /* borrowed: the household view at the bottom */
	uf_repeat rep;        /* which repeat, its count key, its repeat_count */
	char crumb[300];      /* where it is: "Woman 2 › Child" */
	size_t cur;           /* the line under the cursor; count = the "add" line */
	size_t top;
} roster_view;

typedef struct entry_view {
	ui_view v;
	ui_view *household;
	ui_view *roster;      /* the roster below */
	uf_repeat rep;
	char crumb[300];      /* "Woman 2" */
	size_t index;         /* from 1 */
	char path[512];       /* "woman[2]" */
	uf_model *model;      /* owned */
	ui_form form;
	unsigned drafted_edits;
	bool esc_armed;
} entry_view;

static gn_household *record(ui_view *household) { return ui_household_record(household); }

static size_t count_of(roster_view *r)
{
	return gn_repeat_count(r->v.app->db, record(r->household)->answers, r->rep.path);
}

static void pop_to(ui_app *app, ui_view *v)
{
	while (app->top && app->top != v)
		ui_pop(app);
}

/* ---- checking every entry -------------------------------------------------- */

/* A repeat_count's number of entries, made so (extra entries dropped). */
static gn_status fix_count(ui_app *app, ui_view *household, const uf_repeat *rep, gn_err *err)
{
	gn_household *hh = record(household);
	if (rep->fixed < 0 || gn_repeat_count(app->db, hh->answers, rep->path) == (size_t)rep->fixed)
		return GN_OK;
	gn_status st = gn_repeat_set_count(app->db, &hh->answers, rep->path, (size_t)rep->fixed, err);
	if (st == GN_OK)
		ui_household_touched(household);
	return st;
}

/* Checks every relevant field of every entry of the model's repeats, depth
 * first (a repeat_count's entries made first, as the roster makes them);
 * on a failure err names it and where names the entry ("Woman 2 › Child 1"). */
bool ui_roster_check(ui_app *app, ui_view *household, uf_model *m, gn_err *err, char *where, size_t size)
{
	size_t n = m->n_fields(m);
	for (size_t i = 0; i < n; i++) {
		uf_repeat rep;
		if (!m->relevant(m, i) || !m->repeat || !m->repeat(m, i, &rep))
			continue;
		if (fix_count(app, household, &rep, err) != GN_OK)
			return false;
		size_t entries = gn_repeat_count(app->db, record(household)->answers, rep.path);
		for (size_t e = 1; e <= entries; e++) {
			char path[512];
			if (!gn_repeat_entry(path, sizeof path, rep.path, e))
				continue;
			uf_model *em = ui_repeat_entry_model_new(app, record(household), rep.repeat, path);
			if (!em)
				continue;
			em->prune(em);
			bool ok = true;
			size_t len = strlen(where);
			snprintf(where + len, size - len, "%s%s %zu", len ? " › " : "", rep.label, e);
			for (size_t f = 0; ok && f < em->n_fields(em); f++)
				if (em->relevant(em, f) && em->check(em, f, err) != GN_OK)
					ok = false;
			if (ok)
				ok = ui_roster_check(app, household, em, err, where, size);
			ui_model_free(em);
			if (!ok)
				return false;
			where[len] = '\0';
		}
	}
	return true;
}

/* ---- an entry ------------------------------------------------------------ */

static void entry_drafted(entry_view *e, unsigned every)
{
	if (ui_form_draft_due(&e->form, &e->drafted_edits, every))
		ui_household_touched(e->household);
}

static bool entry_keep_draft(ui_view *v, bool pending)
{
	entry_view *e = (entry_view *)v;
	entry_drafted(e, pending ? 1 : 0);
	return false; /* the household view holds the work */
}

static void entry_draw(ui_view *v)
{
	entry_view *e = (entry_view *)v;
	char left[300], right[120];
	size_t answered, total;
	ui_form_progress(&e->form, &answered, &total);
	size_t n = gn_repeat_count(v->app->db, record(e->household)->answers, e->rep.path);
	snprintf(left, sizeof left, _("%s · entry %zu of %zu"), ((roster_view *)e->roster)->crumb, e->index, n);
	snprintf(right, sizeof right, _("filled %zu/%zu"), answered, total);
	ui_title(v->app, left, right);
	ui_form_draw(&e->form, 2, UI_LINES - 2, true);
}

static ui_view *roster_new(ui_app *app, ui_view *household, const uf_repeat *rep, const char *around);
static void roster_add(roster_view *r);

/* Opens the roster of the repeat line under the cursor of a form (around:
 * the entry that form is, or NULL for the household). */
static void open_repeat(ui_app *app, ui_view *household, ui_form *f, const char *around)
{
	uf_repeat rep;
	if (!f->model->repeat || !f->model->repeat(f->model, f->cur, &rep))
		return;
	ui_view *r = roster_new(app, household, &rep, around);
	if (r)
		ui_push(app, r);
}

static void open_and_go_on(ui_app *app, ui_view *household, ui_form *f, const char *around)
{
	open_repeat(app, household, f, around);
	/* back from the roster, the form goes on after the repeat */
	int where;
	ui_form_key(f, UA_NEXT_FIELD, '\t', &where);
}

static bool entry_key(ui_view *v, ui_action a, int key)
{
	entry_view *e = (entry_view *)v;
	ui_app *app = v->app;
	ui_view *hv = e->household, *rv = e->roster;
	if (a != UA_BACK)
		e->esc_armed = false;
	switch (a) {
	case UA_SAVE:
	case UA_SAVE_NEXT:
		if (!ui_form_check_all(&e->form)) {
			ui_status(app, true, "%s", _("Not saved: correct the field shown."));
			return true;
		}
		entry_drafted(e, 0);
		pop_to(app, hv); /* e is gone */
		ui_household_save(hv, a == UA_SAVE_NEXT);
		return true;
	case UA_SAVE_ADD_MEMBER:
		if (!ui_form_check_all(&e->form))
			return true;
		entry_drafted(e, 0);
		if (((roster_view *)rv)->rep.fixed >= 0) {
			ui_status(app, true, "%s", _("The number of entries comes from an answer of the form."));
			return true;
		}
		ui_pop(app); /* e is gone */
		roster_add((roster_view *)rv);
		return true;
	case UA_BACK:
		if (!e->esc_armed && !ui_form_check_all(&e->form)) {
			e->esc_armed = true;
			ui_status(app, true, "%s", _("Correct the field shown, or press Esc again to go back with it as typed."));
			return true;
		}
		entry_drafted(e, 0);
		ui_pop(app);
		return true;
	default:
		break;
	}
	int where;
	if (ui_form_key(&e->form, a, key, &where)) {
		entry_drafted(e, DRAFT_EVERY);
		if (where == UF_OPEN_REPEAT) {
			open_and_go_on(app, hv, &e->form, e->crumb);
		} else if (where == UF_PAST_END) {
			/* past the last question: back to the roster, on the next line */
			roster_view *r = (roster_view *)rv;
			size_t next = e->index;
			entry_drafted(e, 0);
			ui_pop(app);
			r->cur = next;
			ui_status(app, false, "%s", r->rep.fixed >= 0 ? _("Enter: the next entry; Esc: back.")
			                                              : _("Enter: the next entry (or a new one); Esc: back."));
		}
		return true;
	}
	return a == UA_NONE;
}

static void entry_close(ui_view *v)
{
	entry_view *e = (entry_view *)v;
	ui_form_free(&e->form);
	ui_model_free(e->model);
	free(e);
}

static ui_view *entry_new(ui_app *app, roster_view *r, size_t index)
{
	entry_view *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->v = (ui_view){ .kind = UV_ENTRY, .draw = entry_draw, .handle_key = entry_key, .close = entry_close,
	                  .app = app, .keep_draft = entry_keep_draft };
	e->household = r->household;
	e->roster = &r->v;
	e->rep = r->rep;
	e->index = index;
	if (snprintf(e->crumb, sizeof e->crumb, "%s %zu", r->crumb, index) >= (int)sizeof e->crumb)
		e->crumb[sizeof e->crumb - 1] = '\0'; /* a title cut short at the screen's edge anyway */
	if (!gn_repeat_entry(e->path, sizeof e->path, r->rep.path, index) ||
	    !(e->model = ui_repeat_entry_model_new(app, record(r->household), r->rep.repeat, e->path))) {
		free(e);
		ui_status(app, true, "%s", _("out of memory"));
		return NULL;
	}
	ui_form_init(&e->form, e->model);
	return &e->v;
}

/* ---- the roster ------------------------------------------------------------ */

/* The entry's first answers, for its line. */
static void summary(roster_view *r, size_t index, char *out, size_t size)
{
	char path[512];
	out[0] = '\0';
	if (!gn_repeat_entry(path, sizeof path, r->rep.path, index))
		return;
	uf_model *m = ui_repeat_entry_model_new(r->v.app, record(r->household), r->rep.repeat, path);
	if (!m)
		return;
	size_t len = 0, shown = 0;
	for (size_t i = 0; i < m->n_fields(m) && shown < 3 && len < size; i++) {
		const uf_field *fd = m->field(m, i);
		if (fd->kind == UF_HEADING || fd->kind == UF_NOTE || fd->kind == UF_REPEAT || fd->kind == UF_CALCULATE)
			continue;
		const char *v = m->get(m, i);
		if (!*v)
			continue;
		const char *label = v;
		for (size_t c = 0; c < fd->n_choices; c++)
			if (strcmp(fd->choices[c].name, v) == 0)
				label = fd->choices[c].label;
		len += (size_t)snprintf(out + len, size - len, "%s%s", len ? " · " : "", label);
		shown++;
	}
	ui_model_free(m);
	if (!out[0])
		snprintf(out, size, "%s", _("(nothing answered yet)"));
}

static void roster_open(ui_view *v)
{
	roster_view *r = (roster_view *)v;
	/* repeat_count: exactly that many entries */
	gn_err err = { 0 };
	if (fix_count(v->app, r->household, &r->rep, &err) != GN_OK)
		ui_status_err(v->app, &err);
	size_t n = count_of(r);
	size_t last = r->rep.fixed >= 0 ? (n ? n - 1 : 0) : n;
	if (r->cur > last)
		r->cur = last;
}

static void roster_draw(ui_view *v)
{
	roster_view *r = (roster_view *)v;
	size_t n = count_of(r);
	char left[300], right[64];
	snprintf(left, sizeof left, "%s", r->crumb);
	snprintf(right, sizeof right, ngettext("%zu entry", "%zu entries", n), n);
	ui_title(v->app, left, right);
	size_t lines = r->rep.fixed >= 0 ? n : n + 1;
	int rows = UI_LINES - 4;
	ui_keep_in_view(&r->top, r->cur, rows);
	for (int k = 0; k < rows && r->top + (size_t)k < lines; k++) {
		size_t i = r->top + (size_t)k;
		int y = 2 + k;
		bool here = i == r->cur;
		if (here)
			attron(A_REVERSE);
		ui_put_pad(y, 0, COLS, "");
		if (i < n) {
			char num[24], text[600];
			snprintf(num, sizeof num, "%zu.", i + 1);
			summary(r, i + 1, text, sizeof text);
			ui_put(y, 2, 5, num);
			ui_put(y, 7, COLS - 9, text);
		} else {
			ui_put(y, 7, COLS - 9, _("+ Add an entry (Enter or Ctrl-T)"));
		}
		if (here)
			attroff(A_REVERSE);
	}
	if (r->rep.fixed >= 0 && n == 0)
		ui_put(2, 2, COLS - 4, _("No entries: their number comes from an answer of the form."));
	move(2 + (int)(r->cur - r->top), 1);
}

static void roster_add(roster_view *r)
{
	ui_app *app = r->v.app;
	gn_err err = { 0 };
	if (r->rep.fixed >= 0) {
		ui_status(app, true, "%s", _("The number of entries comes from an answer of the form."));
		return;
	}
	size_t n = count_of(r);
	if (gn_repeat_set_count(app->db, &record(r->household)->answers, r->rep.path, n + 1, &err) != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	ui_household_touched(r->household);
	r->cur = n;
	ui_view *e = entry_new(app, r, n + 1);
	if (e)
		ui_push(app, e);
}

static void roster_remove(roster_view *r)
{
	ui_app *app = r->v.app;
	size_t n = count_of(r);
	if (r->cur >= n)
		return;
	if (r->rep.fixed >= 0) {
		ui_status(app, true, "%s", _("The number of entries comes from an answer of the form."));
		return;
	}
	char q[GN_ERR_MSG_MAX], what[300];
	summary(r, r->cur + 1, what, sizeof what);
	snprintf(q, sizeof q, _("Remove entry %zu (%s) of %s?"), r->cur + 1, what, r->rep.label);
	if (ui_confirm(app, q, &(ui_prompt){ .yes = _("remove"), .no = _("keep") }) != UI_YES)
		return;
	gn_err err = { 0 };
	if (gn_repeat_remove(app->db, &record(r->household)->answers, r->rep.path, r->cur + 1, &err) != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	ui_household_touched(r->household);
	ui_status(app, false, "%s", _("Entry removed; Ctrl-S saves the household."));
}

static bool roster_key(ui_view *v, ui_action a, int key)
{
	roster_view *r = (roster_view *)v;
	ui_app *app = v->app;
	size_t n = count_of(r);
	size_t last = r->rep.fixed >= 0 ? (n ? n - 1 : 0) : n;
	switch (a) {
	case UA_SAVE:
	case UA_SAVE_NEXT: {
		ui_view *hv = r->household;
		pop_to(app, hv); /* r is gone */
		ui_household_save(hv, a == UA_SAVE_NEXT);
		return true;
	}
	case UA_ADD_MEMBER:
		roster_add(r);
		return true;
	case UA_REMOVE_MEMBER:
		roster_remove(r);
		return true;
	case UA_BACK:
		ui_pop(app);
		return true;
	default:
		break;
	}
	if (key == '\r' || key == '\n' || key == (UI_FN | KEY_ENTER)) {
		if (r->cur >= n)
			roster_add(r);
		else {
			ui_view *e = entry_new(app, r, r->cur + 1);
			if (e)
				ui_push(app, e);
		}
		return true;
	}
	if (key == (UI_FN | KEY_UP) || key == (UI_FN | KEY_BTAB)) {
		if (r->cur > 0)
			r->cur--;
		return true;
	}
	if (key == (UI_FN | KEY_DOWN) || key == '\t') {
		if (r->cur < last)
			r->cur++;
		return true;
	}
	return a == UA_NONE;
}

static void roster_close(ui_view *v) { free(v); }

static ui_view *roster_new(ui_app *app, ui_view *household, const uf_repeat *rep, const char *around)
{
	roster_view *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->v = (ui_view){ .kind = UV_ROSTER, .open = roster_open, .draw = roster_draw, .handle_key = roster_key,
	                  .close = roster_close, .app = app };
	r->household = household;
	r->rep = *rep;
	if (snprintf(r->crumb, sizeof r->crumb, "%s%s%s", around ? around : "", around ? " › " : "", rep->label) >=
	    (int)sizeof r->crumb)
		r->crumb[sizeof r->crumb - 1] = '\0';
	return &r->v;
}

void ui_roster_open(ui_app *app, ui_view *household, ui_form *f)
{
	open_and_go_on(app, household, f, NULL);
}
