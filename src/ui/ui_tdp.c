/* A TDP: its households in walking order, grouped by alley, each with its
 * visit mark, head and member count; filters, search as you type, add,
 * edit, move and remove. Only the rows on screen are read (a page at a
 * time through gn_hh_list), whatever the size of the TDP. */
#include "ui.h"
#include "gonha/domain/household_list.h"
#include "gonha/text/text.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/ward.h"
#include "gonha/interchange/round_sheet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tdp_view {
	ui_view v;
	gn_tdp tdp;
	gn_cov_row stats;
	gn_hh_filter filter;
	gn_editbuf query;
	bool searching;      /* typing goes into the search field */
	ui_list list;        /* over the filtered list: n households, absolute positions */
	char cur_id[37];     /* the household under the cursor, kept across reloads */
	gn_hh_row *rows;     /* owned: rows from `top` */
	size_t n_rows;
	int row_at[512];     /* screen line -> index in rows, -1 for none (mouse) */
	char moving_id[37];  /* m: the household being moved, "" when none */
	char moving_no[64];  /* its house number, to say */
} tdp_view;

static const char *filter_label(gn_hh_filter f)
{
	switch (f) {
	case GN_HH_NOT_VISITED: return _("not visited");
	case GN_HH_REVISIT: return _("revisit");
	case GN_HH_NEEDS_HELP: return _("needs help");
	case GN_HH_ALL: break;
	}
	return _("all");
}

/* The mark of a visit outcome, and its word in the legend. */
static const char *status_mark(const char *status)
{
	if (strcmp(status, GN_VISIT_DONE) == 0) return "✓";
	if (strcmp(status, GN_VISIT_REVISIT) == 0) return "↻";
	if (strcmp(status, GN_VISIT_REFUSED) == 0) return "✗";
	if (strcmp(status, GN_VISIT_MOVED) == 0) return "→";
	return "·";
}

static void fetch(tdp_view *t, size_t from, size_t limit)
{
	gn_err err = { 0 };
	free(t->rows);
	t->rows = NULL;
	t->n_rows = 0;
	if (gn_hh_list(&t->v.app->ctx, t->tdp.id, t->filter, t->query.text, from, limit, &t->rows, &t->n_rows,
	               &err) != GN_OK)
		ui_status_err(t->v.app, &err);
}

/* Counts again (filter or search changed, or back from a household). */
static void recount(tdp_view *t)
{
	gn_err err = { 0 };
	size_t total = 0;
	if (gn_hh_count(&t->v.app->ctx, t->tdp.id, t->filter, t->query.text, &total, &err) != GN_OK) {
		ui_status_err(t->v.app, &err);
		total = 0;
	}
	ui_list_set_count(&t->list, total);
}

static void tdp_open(ui_view *v)
{
	tdp_view *t = (tdp_view *)v;
	gn_err err = { 0 };
	ui_enter_tdp_form(v->app, t->tdp.id); /* back from another TDP's screens */
	if (gn_cov_tdp(&v->app->ctx, &v->app->cov, t->tdp.id, &t->stats, &err) != GN_OK)
		ui_status_err(v->app, &err);
	recount(t);
	/* stay on the household we were on, wherever it now is */
	size_t pos;
	if (t->cur_id[0] && gn_hh_position(&v->app->ctx, t->tdp.id, t->filter, t->query.text, t->cur_id, &pos,
	                                   &err) == GN_OK)
		ui_list_set_cursor(&t->list, pos);
}

/* Lines rows [from, to) take: one each, plus a heading where the alley
 * changes (and at the top). */
static int lines_range(const tdp_view *t, size_t from, size_t to)
{
	int lines = 0;
	for (size_t i = from; i < to && i < t->n_rows; i++) {
		if (i == from || strcmp(t->rows[i].alley, t->rows[i - 1].alley) != 0 ||
		    strcmp(t->rows[i].street, t->rows[i - 1].street) != 0)
			lines++;
		lines++;
	}
	return lines;
}

/* Reads the rows on screen, scrolled so the cursor's row fits with the
 * alleys' headings above it, and, when the list ends on this screen, so
 * that the last household is drawn (the widget counts a line a row). */
static void layout(tdp_view *t, int avail)
{
	ui_list_layout(&t->list, (size_t)avail);
	fetch(t, t->list.top, (size_t)avail);
	size_t cur = t->list.cur - t->list.top, upto = cur + 1;
	if (t->list.top + t->n_rows >= t->list.n)
		upto = t->n_rows;
	size_t drop = 0;
	while (drop < cur && drop + 1 < upto && lines_range(t, drop, upto) > avail)
		drop++;
	if (drop) {
		t->list.top += drop;
		fetch(t, t->list.top, (size_t)avail);
	}
}

static void tdp_draw(ui_view *v)
{
	tdp_view *t = (tdp_view *)v;
	char left[256], right[256];
	snprintf(left, sizeof left, "%s (%s)", t->tdp.name, t->tdp.code);
	snprintf(right, sizeof right, _("visited %ld/%ld"), t->stats.done + t->stats.refused + t->stats.moved,
	         t->stats.listed);
	ui_title(v->app, left, right);

	/* line 1: filter, search, count */
	char line[256];
	snprintf(line, sizeof line, _("Filter: %s"), filter_label(t->filter));
	int x = 1 + ui_put(1, 1, 30, line) + 3;
	int sx = x + ui_put(1, x, 12, _("Search:")) + 1;
	snprintf(line, sizeof line, _("%zu households"), t->list.n);
	int cw = gn_text_width(line);
	ui_put(1, COLS - 1 - cw, cw, line);
	int search_w = COLS - 2 - cw - sx;
	attron(A_UNDERLINE);
	ui_input_draw(&t->query, 1, sx, search_w, false, false);
	attroff(A_UNDERLINE);
	/* line 2: the legend of the marks, or what a move waits for */
	if (t->moving_id[0]) {
		attron(A_BOLD);
		snprintf(line, sizeof line, _("Moving %s: Enter puts it after the household under the cursor, t before it, "
		                              "Esc leaves it"), t->moving_no);
		ui_put(2, 1, COLS - 2, line);
		attroff(A_BOLD);
	} else {
		attron(A_DIM);
		snprintf(line, sizeof line, "· %s  ✓ %s  ↻ %s  ✗ %s  → %s  ! %s", _("not visited"), _("done"),
		         _("revisit"), _("refused"), _("moved away"), _("needs help"));
		ui_put(2, 1, COLS - 2, line);
		attroff(A_DIM);
	}

	int y0 = 3, avail = UI_LINES - 2 - y0;
	layout(t, avail);
	for (size_t i = 0; i < sizeof t->row_at / sizeof *t->row_at; i++)
		t->row_at[i] = -1;
	int y = y0;
	size_t drawn = 0;
	t->cur_id[0] = '\0'; /* named again below: the row under the cursor is always drawn */
	for (size_t i = 0; i < t->n_rows && y < y0 + avail; i++) {
		const gn_hh_row *r = &t->rows[i];
		if (i == 0 || strcmp(r->alley, t->rows[i - 1].alley) != 0 || strcmp(r->street, t->rows[i - 1].street) != 0) {
			if (y + 1 >= y0 + avail)
				break;
			char head[300];
			snprintf(head, sizeof head, "%s%s%s", r->alley[0] ? r->alley : _("(no alley)"),
			         r->street[0] ? " · " : "", r->street);
			attron(A_BOLD);
			ui_put(y, 1, COLS - 2, head);
			attroff(A_BOLD);
			y++;
		}
		size_t k = t->list.top + i;
		if (y < (int)(sizeof t->row_at / sizeof *t->row_at))
			t->row_at[y] = (int)i;
		if (k == t->list.cur) {
			attron(A_REVERSE);
			snprintf(t->cur_id, sizeof t->cur_id, "%s", r->id);
		}
		ui_put_pad(y, 0, COLS, "");
		if (t->moving_id[0] && strcmp(r->id, t->moving_id) == 0)
			ui_put(y, 0, 2, "»"); /* the one being moved */
		ui_put(y, 2, 1, status_mark(r->visit_status));
		ui_put(y, 4, 10, r->house_no[0] ? r->house_no : "—");
		char who[400];
		if (r->match_name[0])
			snprintf(who, sizeof who, "%s  (%s)", r->head_name[0] ? r->head_name : _("(no head yet)"), r->match_name);
		else
			snprintf(who, sizeof who, "%s", r->head_name[0] ? r->head_name : _("(no head yet)"));
		if (r->sent_back) /* by a review: the reason is on the household's screen */
			snprintf(who + strlen(who), sizeof who - strlen(who), "  %s", _("↩ sent back"));
		ui_put(y, 15, COLS - 15 - 16, who);
		char n[48];
		snprintf(n, sizeof n, ngettext("%d person", "%d people", (unsigned long)r->n_members), r->n_members);
		ui_put_right(y, COLS - 4, 12, n);
		if (r->needs_help)
			ui_put(y, COLS - 2, 1, "!");
		if (k == t->list.cur)
			attroff(A_REVERSE);
		y++;
		drawn++;
	}
	ui_list_drawn(&t->list, drawn); /* headings took lines: a page is what is shown */
	if (t->list.n == 0)
		ui_put(y0 + 1, 2, COLS - 4, t->query.len || t->filter != GN_HH_ALL
		       ? _("Nothing matches. Esc clears the search, f changes the filter.")
		       : _("No household yet: press a to add the first one."));
	if (t->searching)
		ui_input_draw(&t->query, 1, sx, search_w, false, true);
}

/* The row under the cursor, when it is read. */
static const gn_hh_row *cur_row(const tdp_view *t)
{
	const ui_list *l = &t->list;
	return l->n && l->cur >= l->top && l->cur - l->top < t->n_rows ? &t->rows[l->cur - l->top] : NULL;
}

static void open_household(tdp_view *t, bool is_new)
{
	ui_app *app = t->v.app;
	if (!is_new) {
		if (t->list.n == 0 || !t->cur_id[0])
			return;
		ui_push(app, ui_household_new(app, t->tdp.id, t->cur_id, NULL, NULL));
		return;
	}
	/* where it stands in the walk: right after the one under the cursor */
	double walk = 0; /* 0: at the end */
	gn_err err = { 0 };
	if (t->list.n && t->cur_id[0] && gn_hh_walk_after(&app->ctx, t->tdp.id, t->cur_id, NULL, &walk, &err) != GN_OK) {
		ui_status_err(app, &err);
		walk = 0;
	}
	ui_view *hv = ui_household_new(app, t->tdp.id, NULL, NULL, NULL);
	if (!hv)
		return;
	ui_household_record(hv)->walk_order = walk;
	ui_push(app, hv);
}

static void remove_household(tdp_view *t)
{
	ui_app *app = t->v.app;
	if (t->list.n == 0 || !t->cur_id[0])
		return;
	const gn_hh_row *r = cur_row(t);
	char q[GN_ERR_MSG_MAX];
	snprintf(q, sizeof q, _("Remove household %s %s (head: %s) and its members? The removal is recorded."),
	         r ? r->house_no : "", r ? r->alley : "", r && r->head_name[0] ? r->head_name : "—");
	ui_prompt p = { .yes = _("remove"), .no = _("keep") };
	if (ui_confirm(app, q, &p) != UI_YES) {
		ui_status(app, false, "%s", _("Nothing removed."));
		return;
	}
	gn_err err = { 0 };
	if (gn_household_remove(&app->ctx, t->cur_id, &err) != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	t->cur_id[0] = '\0';
	ui_status(app, false, "%s", _("Household removed (kept in the audit log)."));
	tdp_open(&t->v);
}

static void move_household(tdp_view *t, int delta)
{
	gn_err err = { 0 };
	if (!t->cur_id[0])
		return;
	if (gn_hh_move(&t->v.app->ctx, t->cur_id, delta, &err) != GN_OK) {
		ui_status_err(t->v.app, &err);
		return;
	}
	tdp_open(&t->v);
}

/* m: the household under the cursor waits for its new place. */
static void start_move(tdp_view *t)
{
	const gn_hh_row *r = cur_row(t);
	if (!r || !t->cur_id[0])
		return;
	snprintf(t->moving_id, sizeof t->moving_id, "%s", t->cur_id);
	snprintf(t->moving_no, sizeof t->moving_no, "%s", r->house_no[0] ? r->house_no : "—");
}

/* Enter (after) or t (before) the household under the cursor: the move,
 * in one change. */
static void finish_move(tdp_view *t, bool before)
{
	ui_app *app = t->v.app;
	gn_err err = { 0 };
	char id[37];
	snprintf(id, sizeof id, "%s", t->moving_id);
	t->moving_id[0] = '\0';
	if (!t->cur_id[0] || strcmp(t->cur_id, id) == 0) {
		ui_status(app, false, "%s", _("Not moved."));
		return;
	}
	if (gn_hh_move_next_to(&app->ctx, id, t->cur_id, before, &err) != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	snprintf(t->cur_id, sizeof t->cur_id, "%s", id); /* the cursor goes with it */
	ui_status(app, false, _("Household %s moved."), t->moving_no);
	tdp_open(&t->v);
}

static void search_changed(tdp_view *t)
{
	t->list.cur = t->list.top = 0;
	t->cur_id[0] = '\0';
	recount(t);
}

/* The paper for the round: the walk sheet, or the revisit list when the
 * list shows revisits; the status line says where it went. */
static void write_sheet(tdp_view *t)
{
	ui_app *app = t->v.app;
	gn_err err = { 0 };
	char dir[4096], path[4096];
	long n = 0;
	gn_sheet_request rq = { .kind = t->filter == GN_HH_REVISIT ? GN_SHEET_REVISIT : GN_SHEET_WALK, .tdp = t->tdp.id };
	ui_output_dir(app, dir, sizeof dir);
	if (gn_sheet_export(&app->ctx, &rq, dir, path, sizeof path, &n, &err) != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	ui_status(app, false, ngettext("Sheet written (%ld household): %s", "Sheet written (%ld households): %s",
	                               (unsigned long)n), n, path);
}

static bool tdp_key(ui_view *v, ui_action a, int key)
{
	tdp_view *t = (tdp_view *)v;
	if (t->searching) {
		if (key == 27 || (a == UA_BACK && key != (UI_FN | KEY_LEFT))) {
			t->searching = false;
			gn_eb_set(&t->query, "");
			search_changed(t);
			return true;
		}
		if (key == '\r' || key == '\n' || key == (UI_FN | KEY_ENTER) || key == (UI_FN | KEY_DOWN)) {
			t->searching = false;
			return true;
		}
		if (ui_input_key(&t->query, key)) {
			if (t->query.changed) {
				t->query.changed = false;
				search_changed(t);
			}
			return true;
		}
		return a == UA_NONE;
	}
	if (key == UI_MOUSE) {
		int y = v->app->mouse_y;
		if (y >= 0 && y < (int)(sizeof t->row_at / sizeof *t->row_at) && t->row_at[y] >= 0) {
			ui_list_set_cursor(&t->list, t->list.top + (size_t)t->row_at[y]);
			snprintf(t->cur_id, sizeof t->cur_id, "%s", t->rows[t->row_at[y]].id);
			if (v->app->mouse_double)
				open_household(t, false);
		}
		return true;
	}
	if (t->moving_id[0]) {
		if (a == UA_OPEN || key == 't') {
			finish_move(t, key == 't');
			return true;
		}
		if (a == UA_BACK || a == UA_MOVE_TO) {
			t->moving_id[0] = '\0';
			ui_status(v->app, false, "%s", _("Not moved."));
			return true;
		}
		if (a == UA_ADD || a == UA_REMOVE || a == UA_MOVE_UP || a == UA_MOVE_DOWN || a == UA_FILTER)
			t->moving_id[0] = '\0'; /* another action: the move is left */
	}
	switch (a) {
	case UA_MOVE_TO: start_move(t); return true;
	case UA_OPEN: open_household(t, false); return true;
	case UA_ADD: open_household(t, true); return true;
	case UA_REMOVE: remove_household(t); return true;
	case UA_MOVE_UP: move_household(t, -1); return true;
	case UA_MOVE_DOWN: move_household(t, +1); return true;
	case UA_FILTER:
		t->filter = (gn_hh_filter)((t->filter + 1) % 4);
		search_changed(t);
		ui_status(v->app, false, _("Showing: %s"), filter_label(t->filter));
		return true;
	case UA_SEARCH:
		t->searching = true;
		return true;
	case UA_COVERAGE:
		ui_push(v->app, ui_cov_tdp_new(v->app, t->tdp.id));
		return true;
	case UA_PRINT_SHEET:
		write_sheet(t);
		return true;
	case UA_BACK:
		if (t->query.len) {
			gn_eb_set(&t->query, "");
			search_changed(t);
			return true;
		}
		return false;
	default:
		return false;
	}
}

static void tdp_close(ui_view *v)
{
	tdp_view *t = (tdp_view *)v;
	gn_eb_free(&t->query);
	free(t->rows);
	free(t);
}

ui_view *ui_tdp_new(ui_app *app, const char *tdp_id)
{
	gn_err err = { 0 };
	tdp_view *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->v = (ui_view){ .kind = UV_TDP, .open = tdp_open, .draw = tdp_draw, .handle_key = tdp_key,
	                  .close = tdp_close, .app = app };
	t->v.list = &t->list;
	gn_eb_init(&t->query, 120);
	gn_eb_set(&t->query, "");
	if (gn_tdp_find(&app->ctx, tdp_id, &t->tdp, &err) != GN_OK) {
		ui_status_err(app, &err);
		tdp_close(&t->v);
		return NULL;
	}
	if (!ui_enter_tdp_form(app, t->tdp.id)) { /* its households are entered with its form */
		tdp_close(&t->v);
		return NULL;
	}
	return &t->v;
}
