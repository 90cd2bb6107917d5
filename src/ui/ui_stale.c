/* A save that met a household changed elsewhere since it was opened (an
 * import, another PC's merge, a second gonha): the differences the domain
 * found (household_conflict.h), one line each, the value now in the
 * database beside the value typed. The user chooses per line (m: mine,
 * d: the database's), then Ctrl-S saves again, or k keeps both as a
 * conflict for the ward officer. Nothing typed is thrown away: Esc goes
 * back to the form with everything as it was typed. */
#include "ui.h"
#include "gonha/core/date.h"
#include "gonha/domain/household_conflict.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct stale_line {
	size_t change;        /* index in c.changes, or (size_t)-1 for a heading */
	char *label;          /* owned: the heading, or the field's label */
	char *opened, *now, *typed; /* owned: as shown */
} stale_line;

typedef struct stale_view {
	ui_view v;
	ui_view *household;   /* borrowed: the view below */
	gn_hh_conflict c;     /* owned */
	stale_line *lines;    /* owned */
	size_t n_lines;
	ui_list list;         /* over lines; the cursor on a line with a change */
	bool next;            /* the save was "save, next": so is the save again */
} stale_view;

static stale_view *sv_of(ui_view *v) { return (stale_view *)v; }

/* A value as the form shows it: the choice's label, a date dd/mm/yyyy. */
static char *shown(uf_model *m, const char *name, const char *value)
{
	if (!value || !*value)
		return strdup("—");
	size_t i = m ? m->find(m, name) : (size_t)-1;
	const uf_field *f = i != (size_t)-1 ? m->field(m, i) : NULL;
	if (f && f->kind == UF_DATE)
		return gn_date_to_dmy(value);
	if (f && (f->kind == UF_SELECT_ONE || f->kind == UF_SELECT_MULTIPLE)) {
		char out[512] = "";
		size_t len = 0;
		char *copy = strdup(value), *save = NULL;
		for (char *t = copy ? strtok_r(copy, " ", &save) : NULL; t; t = strtok_r(NULL, " ", &save)) {
			const char *label = t;
			for (size_t k = 0; k < f->n_choices; k++)
				if (strcmp(f->choices[k].name, t) == 0)
					label = f->choices[k].label;
			len += (size_t)snprintf(out + len, len < sizeof out ? sizeof out - len : 0, "%s%s", len ? ", " : "", label);
		}
		free(copy);
		return strdup(out);
	}
	return strdup(value);
}

static char *label_of(uf_model *m, const char *name, const gn_form *form)
{
	char path[512];
	if (gn_form_key_label(form, name, path, sizeof path)) /* an answer of a repeat's entry */
		return strdup(path);
	size_t i = m ? m->find(m, name) : (size_t)-1;
	const uf_field *f = i != (size_t)-1 ? m->field(m, i) : NULL;
	return strdup(f && f->label ? f->label : name);
}

static bool add_line(stale_view *s, size_t change, char *label, char *opened, char *now, char *typed)
{
	stale_line *more = realloc(s->lines, (s->n_lines + 1) * sizeof *more);
	if (!more) {
		free(label);
		free(opened);
		free(now);
		free(typed);
		return false;
	}
	s->lines = more;
	s->lines[s->n_lines++] = (stale_line){ change, label, opened, now, typed };
	return true;
}

static size_t member_index(const gn_household *hh, const char *id)
{
	for (size_t i = 0; id[0] && i < hh->n_members; i++)
		if (strcmp(hh->members[i].id, id) == 0)
			return i;
	return (size_t)-1;
}

/* The lines: the household's fields, then each member under its name. */
static void build_lines(stale_view *s)
{
	ui_app *app = s->v.app;
	gn_household *hh = ui_household_record(s->household);
	uf_model *hm = ui_household_model_new(app, hh);
	const char *last_person = NULL;
	for (size_t i = 0; i < s->c.n; i++) {
		const gn_change *ch = &s->c.changes[i];
		if (!ch->person_id[0]) {
			add_line(s, i, label_of(hm, ch->field, s->v.app->form), shown(hm, ch->field, ch->opened), shown(hm, ch->field, ch->now),
			         shown(hm, ch->field, ch->typed));
			continue;
		}
		if (!last_person || strcmp(last_person, ch->person_id) != 0) {
			char head[300];
			snprintf(head, sizeof head, _("Member: %s"), ch->who ? ch->who : _("(no name yet)"));
			add_line(s, (size_t)-1, strdup(head), NULL, NULL, NULL);
			last_person = ch->person_id;
		}
		if (ch->kind != GN_CHANGE_FIELD) {
			const char *label = ch->kind == GN_CHANGE_MEMBER_ADDED ? _("Added elsewhere")
			                  : ch->kind == GN_CHANGE_MEMBER_REMOVED ? _("Removed elsewhere")
			                                                         : _("Changed elsewhere, removed by you");
			add_line(s, i, strdup(label), strdup(ch->opened ? ch->opened : "—"),
			         strdup(ch->now ? _("in the household") : _("(not in the household)")),
			         strdup(ch->typed ? _("in the household") : _("(not in the household)")));
			continue;
		}
		size_t k = member_index(hh, ch->person_id);
		uf_model *pm = k != (size_t)-1 ? ui_person_model_new(app, hh, k) : NULL;
		add_line(s, i, label_of(pm, ch->field, s->v.app->form), shown(pm, ch->field, ch->opened), shown(pm, ch->field, ch->now),
		         shown(pm, ch->field, ch->typed));
		ui_model_free(pm);
	}
	ui_model_free(hm);
}

/* Text wrapped at spaces into lines of cols columns, from row y; returns
 * the next row. */
static int put_wrapped(int y, int x, int cols, int max_rows, const char *text)
{
	return y + ui_put_wrapped(y, x, cols, max_rows, text);
}

static void stale_draw(ui_view *v)
{
	stale_view *s = sv_of(v);
	gn_household *hh = ui_household_record(s->household);
	char left[300], right[64];
	snprintf(left, sizeof left, _("Changed elsewhere: household %s %s"), hh->house_no ? hh->house_no : "",
	         hh->alley ? hh->alley : "");
	snprintf(right, sizeof right, _("differences: %zu"), s->c.n);
	ui_title(v->app, left, right);
	int y = put_wrapped(1, 1, COLS - 2, 4,
	                    _("This household was changed elsewhere since you opened it (an import, another PC or a second "
	                      "gonha). Nothing you typed is lost: for each line keep yours (m) or take the one now in the "
	                      "database (d), then Ctrl-S saves again; k keeps both for the ward officer."));
	int lw = 22, vw = (COLS - 3 - lw) / 2;
	int nx = 1 + lw + 1, tx = nx + vw + 1;
	attron(A_BOLD);
	ui_put(y, 1, lw, _("Field"));
	ui_put(y, nx, vw, _("Now in the database"));
	ui_put(y, tx, vw, _("You typed"));
	attroff(A_BOLD);
	y++;
	int rows = UI_LINES - 3 - y; /* the row above the status line: when opened */
	if (rows < 1)
		rows = 1;
	ui_list *list = &s->list;
	/* going up onto a group's first line shows its heading too */
	if (list->cur < list->top)
		list->top = list->cur > 0 && s->lines[list->cur - 1].change == (size_t)-1 ? list->cur - 1 : list->cur;
	ui_list_set_count(list, s->n_lines);
	ui_list_layout(list, (size_t)rows);
	int cur_y = y;
	for (size_t at = list->top; ui_list_visible(list, at); at++) {
		const stale_line *l = &s->lines[at];
		int ly = y + (int)(at - list->top);
		if (l->change == (size_t)-1) {
			attron(A_BOLD);
			ui_put(ly, 1, COLS - 2, l->label);
			attroff(A_BOLD);
			continue;
		}
		const gn_change *ch = &s->c.changes[l->change];
		bool here = at == list->cur;
		if (here) {
			cur_y = ly;
			attron(A_REVERSE);
		}
		ui_put_pad(ly, 0, COLS, "");
		ui_put(ly, 1, lw, l->label);
		char cell[600];
		snprintf(cell, sizeof cell, "%s%s", ch->mine ? "  " : "✓ ", l->now);
		if (!ch->mine)
			attron(A_BOLD);
		ui_put(ly, nx, vw, cell);
		attroff(A_BOLD);
		snprintf(cell, sizeof cell, "%s%s", ch->mine ? "✓ " : "  ", l->typed);
		if (ch->mine)
			attron(A_BOLD);
		ui_put(ly, tx, vw, cell);
		attroff(A_BOLD);
		if (here)
			attroff(A_REVERSE);
	}
	if (list->cur < s->n_lines && s->lines[list->cur].change != (size_t)-1) {
		const stale_line *l = &s->lines[list->cur];
		const gn_change *ch = &s->c.changes[l->change];
		char when[700];
		snprintf(when, sizeof when, _("When you opened it: %s"), ch->opened_known ? l->opened : _("(not known)"));
		ui_put_pad(UI_LINES - 3, 1, COLS - 2, when);
	}
	move(cur_y, 1);
}

static void step(stale_view *s, int dir)
{
	size_t i = s->list.cur;
	while (dir > 0 ? i + 1 < s->n_lines : i > 0) {
		i = dir > 0 ? i + 1 : i - 1;
		if (s->lines[i].change != (size_t)-1) {
			s->list.cur = i;
			return;
		}
	}
}

static bool stale_key(ui_view *v, ui_action a, int key)
{
	(void)key;
	stale_view *s = sv_of(v);
	ui_app *app = v->app;
	size_t cur = s->list.cur;
	gn_change *ch = cur < s->n_lines && s->lines[cur].change != (size_t)-1 ? &s->c.changes[s->lines[cur].change] : NULL;
	switch (a) {
	case UA_UP:
	case UA_PREV_FIELD:
		step(s, -1);
		return true;
	case UA_DOWN:
	case UA_NEXT_FIELD:
		step(s, 1);
		return true;
	case UA_TAKE_MINE:
	case UA_TAKE_DATABASE:
		if (ch) {
			ch->mine = a == UA_TAKE_MINE;
			step(s, 1);
		}
		return true;
	case UA_SAVE: {
		gn_household merged;
		gn_err err = { 0 };
		ui_view *hv = s->household;
		bool next = s->next;
		if (gn_household_merge(&app->ctx, ui_household_record(hv), &s->c, &merged, &err) != GN_OK) {
			ui_status_err(app, &err);
			return true;
		}
		ui_pop(app); /* s is gone */
		ui_household_replace(hv, &merged, true);
		ui_household_save(hv, next);
		return true;
	}
	case UA_KEEP_BOTH: {
		ui_prompt p = { 0 };
		if (ui_confirm(app, _("Keep your version as a conflict for the ward officer and show the database's?"),
		               &p) != UI_YES)
			return true;
		gn_err err = { 0 };
		size_t stored = 0;
		ui_view *hv = s->household;
		if (gn_household_keep_conflict(&app->ctx, ui_household_record(hv), &s->c, ui_household_draft_id(hv), &stored,
		                               &err) != GN_OK) {
			ui_status_err(app, &err);
			return true;
		}
		gn_household now;
		if (gn_household_copy(&s->c.now, &now, &err) != GN_OK) {
			ui_status_err(app, &err);
			return true;
		}
		ui_pop(app); /* s is gone */
		ui_household_replace(hv, &now, false);
		ui_status(app, false, _("Your version is kept for the ward officer (%zu records, Conflicts screen); "
		                        "this is the database's version."), stored);
		return true;
	}
	case UA_BACK:
		ui_pop(app);
		ui_status(app, false, "%s", _("Not saved: what you typed is still here; Ctrl-S shows the differences again."));
		return true;
	default:
		return a == UA_NONE; /* letters do nothing here */
	}
}

static void stale_close(ui_view *v)
{
	stale_view *s = sv_of(v);
	for (size_t i = 0; i < s->n_lines; i++) {
		free(s->lines[i].label);
		free(s->lines[i].opened);
		free(s->lines[i].now);
		free(s->lines[i].typed);
	}
	free(s->lines);
	gn_hh_conflict_free(&s->c);
	free(s);
}

ui_view *ui_stale_new(ui_app *app, ui_view *household, gn_hh_conflict *c, bool next)
{
	stale_view *s = calloc(1, sizeof *s);
	if (!s) {
		gn_hh_conflict_free(c);
		return NULL;
	}
	s->v = (ui_view){ .kind = UV_STALE, .draw = stale_draw, .handle_key = stale_key, .close = stale_close, .app = app };
	s->household = household;
	s->next = next;
	s->c = *c; /* taken over */
	memset(c, 0, sizeof *c);
	build_lines(s);
	size_t first = 0;
	while (first < s->n_lines && s->lines[first].change == (size_t)-1)
		first++;
	ui_list_set_count(&s->list, s->n_lines);
	ui_list_set_cursor(&s->list, first);
	return &s->v;
}
