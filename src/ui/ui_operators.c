/* Who entered what (ward officer): each user's households and persons
 * entered, households per hour and time per household of form time,
 * corrections after save, and under each user their days
 * (gonha/domain/operators.h). */
#include "ui.h"
#include "gonha/domain/operators.h"
#include "gonha/core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct operators_view {
	ui_view v;
	ui_list list;
	gn_operator_row *rows; /* owned: each user's total ("" day), then that user's days */
	size_t n;
} operators_view;

/* The totals and the days merged: a user's total line, then their days. */
static gn_status load(operators_view *o, gn_err *err)
{
	gn_operator_row *users = NULL, *days = NULL;
	size_t nu = 0, nd = 0;
	gn_status st = gn_operator_figures(&o->v.app->ctx, false, NULL, &users, &nu, err);
	if (st == GN_OK)
		st = gn_operator_figures(&o->v.app->ctx, true, NULL, &days, &nd, err);
	gn_operator_row *all = st == GN_OK ? calloc(nu + nd + 1, sizeof *all) : NULL;
	if (st == GN_OK && !all)
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	size_t n = 0;
	for (size_t u = 0, d = 0; all && u < nu; u++) {
		all[n++] = users[u];
		for (; d < nd && strcmp(days[d].user_login, users[u].user_login) == 0; d++)
			all[n++] = days[d];
	}
	free(users);
	free(days);
	if (st == GN_OK) {
		free(o->rows);
		o->rows = all;
		o->n = n;
	}
	return st;
}

static void operators_open(ui_view *v)
{
	operators_view *o = (operators_view *)v;
	gn_err err = { 0 };
	if (load(o, &err) != GN_OK)
		ui_status_err(v->app, &err);
	ui_list_set_count(&o->list, o->n);
}

enum { W_WHO = 16, W_HH = 6, W_PP = 7, W_RATE = 8, W_EACH = 8, W_CORR = 12 };

static void draw_row(const gn_operator_row *r, int y)
{
	char buf[64];
	int x = 1;
	if (r->day[0]) {
		char day[16];
		snprintf(day, sizeof day, "  %.2s/%.2s/%.4s", r->day + 8, r->day + 5, r->day);
		ui_put(y, x, W_WHO, day);
	} else {
		attron(A_BOLD);
		ui_put(y, x, W_WHO, r->user_login);
		attroff(A_BOLD);
	}
	x += W_WHO + 1;
	snprintf(buf, sizeof buf, "%ld", r->households);
	ui_put_right(y, x + W_HH, W_HH, buf);
	x += W_HH + 1;
	snprintf(buf, sizeof buf, "%ld", r->persons);
	ui_put_right(y, x + W_PP, W_PP, buf);
	x += W_PP + 1;
	double rate = gn_operator_per_hour(r);
	if (rate > 0)
		snprintf(buf, sizeof buf, "%.1f", rate);
	else
		snprintf(buf, sizeof buf, "—");
	ui_put_right(y, x + W_RATE, W_RATE, buf);
	x += W_RATE + 1;
	long each = gn_operator_seconds_each(r);
	if (each >= 0)
		snprintf(buf, sizeof buf, "%ld:%02ld", each / 60, each % 60);
	else
		snprintf(buf, sizeof buf, "—");
	ui_put_right(y, x + W_EACH, W_EACH, buf);
	x += W_EACH + 1;
	snprintf(buf, sizeof buf, "%ld", r->corrections);
	ui_put_right(y, x + W_CORR, W_CORR, buf);
	x += W_CORR + 2;
	if (r->from_other_pc) {
		snprintf(buf, sizeof buf, _("%ld other PC"), r->from_other_pc);
		ui_put(y, x, COLS - x - 1, buf);
	}
}

static void operators_draw(ui_view *v)
{
	operators_view *o = (operators_view *)v;
	ui_title(v->app, _("Who entered what"), _("per user, per day"));
	int x = 1;
	attron(A_BOLD);
	ui_put(1, x, W_WHO, _("User / day"));
	x += W_WHO + 1;
	ui_put_right(1, x + W_HH, W_HH, _("hh"));
	x += W_HH + 1;
	ui_put_right(1, x + W_PP, W_PP, _("persons"));
	x += W_PP + 1;
	ui_put_right(1, x + W_RATE, W_RATE, _("hh/hour"));
	x += W_RATE + 1;
	ui_put_right(1, x + W_EACH, W_EACH, _("min/hh"));
	x += W_EACH + 1;
	ui_put_right(1, x + W_CORR, W_CORR, _("corrected"));
	x += W_CORR + 2;
	ui_put(1, x, COLS - x - 1, _("clock"));
	attroff(A_BOLD);
	ui_hline(2, 1, COLS - 2, "─");
	int rows = UI_LINES - 2 - 3 - 3; /* the note's two lines and one between */
	ui_list_layout(&o->list, (size_t)(rows > 1 ? rows : 1));
	for (size_t k = o->list.top; ui_list_visible(&o->list, k); k++) {
		int y = 3 + (int)(k - o->list.top);
		if (k == o->list.cur)
			attron(A_REVERSE);
		ui_put_pad(y, 0, COLS, "");
		draw_row(&o->rows[k], y);
		if (k == o->list.cur)
			attroff(A_REVERSE);
	}
	if (o->n == 0)
		ui_put(4, 2, COLS - 4, _("Nothing entered yet."));
	ui_put_wrapped(UI_LINES - 4, 1, COLS - 2, 2, _("hh/hour, min/hh: form time, where known. corrected: edits of a saved "
	                                     "household (here or merged). other PC: times from that PC's clock."));
}

static bool operators_key(ui_view *v, ui_action a, int key)
{
	(void)v;
	(void)a;
	(void)key;
	return false; /* moving, back, help and quit: the main loop's */
}

static void operators_close(ui_view *v)
{
	operators_view *o = (operators_view *)v;
	free(o->rows);
	free(o);
}

ui_view *ui_operators_new(ui_app *app)
{
	gn_err err = { 0 };
	if (gn_scope_require_officer(&app->ctx, &err) != GN_OK) {
		ui_status_err(app, &err);
		return NULL;
	}
	operators_view *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	o->v = (ui_view){ .kind = UV_OPERATORS, .open = operators_open, .draw = operators_draw,
	                  .handle_key = operators_key, .close = operators_close, .app = app };
	o->v.list = &o->list;
	return &o->v;
}
