/* The coverage screens: a TDP's door-to-door progress and each indicator
 * of the loaded questionnaire against this year's target (bar, target
 * mark, people short); the ward dashboard (every TDP the user may see and
 * their total, sortable, one indicator at a time so it fits 80 columns);
 * and the people not yet counted in an indicator, in walking order, which
 * the tech team writes out as CSV or as a sheet to carry. The numbers come
 * from the kept counters (gn_cov_tdp, gn_cov_ward: scope checked there),
 * the people a page at a time (gn_todo_count, gn_todo_load_page), the
 * whole list only when it is written out (gn_todo_load). */
#include "ui.h"
#include "gonha/interchange/registry.h"
#include "gonha/domain/household.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"
#include "gonha/interchange/todo_sheet.h"
#include "gonha/interchange/round_sheet.h"
#include "gonha/domain/ward.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared ------------------------------------------------------------- */

/* Text in at most cols columns, ending in "…" when it had to be cut. */
static const char *ind_label(const gn_cov_def *d)
{
	const char *l = strcmp(gn_i18n_lang(), "vi") == 0 ? d->label_vi : d->label_en;
	return l && *l ? l : d->name;
}

static void fmt_target(char *buf, size_t size, double target)
{
	snprintf(buf, size, "%g%%", target);
	if (strcmp(gn_i18n_lang(), "vi") == 0)
		for (char *p = buf; *p; p++)
			if (*p == '.')
				*p = ',';
}

/* The indicators of the plan (hidden ones are counts, not indicators). */
static size_t plan_indicators(const gn_cov_set *set, int *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < set->n && n < cap; i++)
		if (!set->defs[i].hidden)
			out[n++] = (int)i;
	return n;
}

static long visited(const gn_cov_row *r)
{
	return r->done + r->refused + r->moved;
}

/* A bar of num over den with the target marked "│" (no mark without one). */
static void bar_with_target(int y, int x, int cols, gn_cov_count c, bool has_target, double target)
{
	ui_bar(y, x, cols, c.num, c.den);
	if (!has_target)
		return;
	int at = (int)(target * cols / 100.0 + 0.5);
	if (at < 1)
		at = 1;
	if (at > cols)
		at = cols;
	attron(A_BOLD);
	ui_put(y, x + at - 1, 1, "┃");
	attroff(A_BOLD);
}

/* Line 1 of the dashboard and of the chart: "◂ k/n ▸" and the indicator
 * in bold, then its target for the year (or no_target), ending before
 * column end. */
static void indicator_line(const gn_cov_set *set, int i, size_t chosen, size_t n, int year, int end,
                           const char *no_target)
{
	double target;
	char tgt[32], what[96], line[64];
	if (gn_cov_target(&set->defs[i], year, &target)) {
		fmt_target(tgt, sizeof tgt, target);
		snprintf(what, sizeof what, _("target %s"), tgt);
	} else {
		snprintf(what, sizeof what, "%s", no_target);
	}
	int ww = gn_text_width(what);
	snprintf(line, sizeof line, "◂ %zu/%zu ▸ ", chosen + 1, n);
	attron(A_BOLD);
	int x = 1 + ui_put(1, 1, COLS, line);
	int room = end - x - ww - 3;
	const char *label = ind_label(&set->defs[i]);
	ui_put_cut(1, x, room, label);
	x += gn_text_width(label) < room ? gn_text_width(label) : room;
	attroff(A_BOLD);
	ui_put(1, x + 2, ww, what);
}

/* ---- a TDP's coverage --------------------------------------------------- */

typedef struct cov_view {
	ui_view v;
	gn_tdp tdp;
	gn_cov_row row;
	bool loaded;
	int ind[GN_COV_MAX];
	size_t n_ind;
	ui_list list;        /* over ind, two lines each */
} cov_view;

static void cov_open(ui_view *v)
{
	cov_view *c = (cov_view *)v;
	gn_err err = { 0 };
	c->n_ind = plan_indicators(&v->app->cov, c->ind, GN_COV_MAX);
	c->loaded = gn_cov_tdp(&v->app->ctx, &v->app->cov, c->tdp.id, &c->row, &err) == GN_OK;
	if (!c->loaded)
		ui_status_err(v->app, &err);
	ui_list_set_count(&c->list, c->n_ind);
}

static void cov_draw(ui_view *v)
{
	cov_view *c = (cov_view *)v;
	ui_app *app = v->app;
	const gn_cov_set *set = &app->cov;
	int year = gn_this_year();
	char left[256], right[64], line[512];
	snprintf(left, sizeof left, _("Coverage · %s (%s)"), c->tdp.name, c->tdp.code);
	snprintf(right, sizeof right, _("targets of %d"), year);
	ui_title(app, left, right);
	if (!c->loaded)
		return;
	const gn_cov_row *r = &c->row;
	snprintf(line, sizeof line, _("Households: %ld listed · %ld visited · %ld to revisit · %ld refused"),
	         r->listed, visited(r), r->revisit, r->refused);
	ui_put(1, 1, COLS - 2, line);
	if (r->not_measured) { /* never a 0 % that measures nothing */
		ui_hline(2, 1, COLS - 2, "─");
		snprintf(line, sizeof line, _("This TDP enters the form %s."), r->form_id);
		ui_put_cut(4, 2, COLS - 4, line);
		ui_put_cut(5, 2, COLS - 4, _("That form does not measure the plan's indicators: none is counted here."));
		ui_put_cut(7, 2, COLS - 4, _("The ward officer chooses a TDP's form: gonha form use census --tdp CODE."));
		return;
	}
	int adults = gn_cov_find(set, "adults"), help = gn_cov_find(set, "needs_help");
	size_t len = 0;
	line[0] = '\0';
	if (adults >= 0)
		len += (size_t)snprintf(line + len, sizeof line - len, _("Adults (18+) counted: %ld"), r->ind[adults].den);
	if (help >= 0 && len + 8 < sizeof line) {
		if (len)
			len += (size_t)snprintf(line + len, sizeof line - len, " · ");
		snprintf(line + len, sizeof line - len, _("need help: %ld"), r->ind[help].num);
	}
	ui_put(2, 1, COLS - 2, line);
	ui_hline(3, 1, COLS - 2, "─");
	if (c->n_ind == 0) {
		ui_put(5, 2, COLS - 4, _("The questionnaire has no indicators (see forms/census/indicators.csv)."));
		return;
	}

	int y0 = 4, per = 2, avail = (UI_LINES - 3 - y0) / per; /* a line left for the hint */
	ui_list_layout(&c->list, avail > 0 ? (size_t)avail : 1);
	int bar_w = COLS / 2 - 4;
	for (size_t pos = c->list.top; ui_list_visible(&c->list, pos); pos++) {
		int k = (int)(pos - c->list.top);
		int i = c->ind[pos];
		const gn_cov_def *d = &set->defs[i];
		gn_cov_count cnt = r->ind[i];
		double target = 0;
		bool has_target = gn_cov_target(d, year, &target);
		int y = y0 + k * per;
		bool sel = pos == c->list.cur;
		if (sel)
			attron(A_REVERSE);
		ui_put_pad(y, 0, COLS, "");
		ui_put(y, 1, 1, sel ? "▸" : " ");
		ui_put_cut(y, 3, COLS - 3 - 24, ind_label(d));
		char nums[64], pct[32];
		snprintf(nums, sizeof nums, "%ld/%ld", cnt.num, cnt.den);
		gn_cov_pct_text(pct, sizeof pct, cnt);
		ui_put_right(y, COLS - 10, 14, nums);
		ui_put_right(y, COLS - 1, 8, pct);
		if (sel)
			attroff(A_REVERSE);
		bar_with_target(y + 1, 3, bar_w, cnt, has_target, target);
		char tgt[32], what[200];
		if (!has_target) {
			snprintf(what, sizeof what, "%s", _("no target"));
		} else {
			long gap = gn_cov_gap(cnt, true, target);
			fmt_target(tgt, sizeof tgt, target);
			if (gap < 0)
				snprintf(what, sizeof what, _("target %s · nobody in the population yet"), tgt);
			else if (gap == 0)
				snprintf(what, sizeof what, _("target %s · reached"), tgt);
			else
				snprintf(what, sizeof what, _("target %s · %ld people short"), tgt, gap);
		}
		ui_put(y + 1, 3 + bar_w + 2, COLS - (3 + bar_w + 2) - 1, what);
	}
	attron(A_DIM);
	ui_put(UI_LINES - 3, 1, COLS - 2, _("Enter: the people not yet counted in the indicator under the cursor."));
	attroff(A_DIM);
}

static bool cov_key(ui_view *v, ui_action a, int key)
{
	cov_view *c = (cov_view *)v;
	(void)key;
	switch (a) {
	case UA_OPEN:
		if (c->n_ind)
			ui_push(v->app, ui_missing_new(v->app, c->tdp.id, c->ind[c->list.cur]));
		return true;
	default:
		return false;
	}
}

static void cov_close(ui_view *v)
{
	free(v);
}

ui_view *ui_cov_tdp_new(ui_app *app, const char *tdp_id)
{
	gn_err err = { 0 };
	cov_view *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->v = (ui_view){ .kind = UV_COV, .open = cov_open, .draw = cov_draw, .handle_key = cov_key,
	                  .close = cov_close, .app = app, .list = &c->list };
	if (gn_tdp_find(&app->ctx, tdp_id, &c->tdp, &err) != GN_OK) {
		ui_status_err(app, &err);
		free(c);
		return NULL;
	}
	return &c->v;
}

/* ---- the ward dashboard ------------------------------------------------- */

typedef struct dash_view {
	ui_view v;
	gn_cov_row *rows;    /* owned */
	size_t n;
	gn_cov_row total;
	int ind[GN_COV_MAX];
	size_t n_ind, chosen;
	gn_cov_sort_key sort;
	bool desc;
	ui_list list;        /* over rows */
	char *ward;          /* owned */
	int width[GN_COV_SORT_KEYS]; /* this drawing's column widths */
} dash_view;

/* The columns, in the order `o` cycles through them (gn_cov_sort_key). */
typedef struct dash_col {
	const char *header; /* msgid */
	int width;
} dash_col;

static const dash_col dash_cols[GN_COV_SORT_KEYS] = {
	[GN_COV_BY_CODE] = { N_("TDP"), 0 }, /* what is left */
	[GN_COV_BY_LISTED] = { N_("Hh."), 5 },
	[GN_COV_BY_VISITED_PCT] = { N_("Visited"), 7 },
	[GN_COV_BY_REVISIT] = { N_("Revisit"), 7 },
	[GN_COV_BY_REFUSED] = { N_("Refused"), 7 },
	[GN_COV_BY_ADULTS] = { N_("Adults"), 6 },
	[GN_COV_BY_NUM] = { N_("Reached"), 9 },
	[GN_COV_BY_PCT] = { N_("%"), 6 },
	[GN_COV_BY_GAP] = { N_("Short"), 6 },
};

static int dash_indicator(const dash_view *d)
{
	return d->n_ind ? d->ind[d->chosen] : -1;
}

static void dash_sort(dash_view *d)
{
	gn_cov_sort(&d->v.app->cov, d->rows, d->n, d->sort, dash_indicator(d), gn_this_year(), d->desc);
}

static void dash_open(ui_view *v)
{
	dash_view *d = (dash_view *)v;
	gn_err err = { 0 };
	gn_cov_row *rows = NULL;
	size_t n = 0;
	d->n_ind = plan_indicators(&v->app->cov, d->ind, GN_COV_MAX);
	if (d->chosen >= d->n_ind)
		d->chosen = 0;
	if (gn_cov_ward(&v->app->ctx, &v->app->cov, &rows, &n, &d->total, &err) != GN_OK) {
		ui_status_err(v->app, &err);
		return;
	}
	free(d->rows);
	d->rows = rows;
	d->n = n;
	dash_sort(d);
	ui_list_set_count(&d->list, n);
}

static void dash_cell(int y, int x, int w, const char *s, bool left)
{
	if (left)
		ui_put(y, x, w, s);
	else
		ui_put_right(y, x + w, w, s);
}

static void dash_row(dash_view *d, const gn_cov_row *r, int y, bool is_total)
{
	const gn_cov_set *set = &d->v.app->cov;
	int i = dash_indicator(d), year = gn_this_year();
	char buf[GN_COV_SORT_KEYS][160];
	if (is_total)
		snprintf(buf[GN_COV_BY_CODE], sizeof buf[0], "%s", r->name);
	else
		snprintf(buf[GN_COV_BY_CODE], sizeof buf[0], "%s %s", r->code, r->name);
	snprintf(buf[GN_COV_BY_LISTED], sizeof buf[0], "%ld", r->listed);
	gn_cov_count v = { visited(r), r->listed };
	gn_cov_pct_text(buf[GN_COV_BY_VISITED_PCT], sizeof buf[0], v);
	snprintf(buf[GN_COV_BY_REVISIT], sizeof buf[0], "%ld", r->revisit);
	snprintf(buf[GN_COV_BY_REFUSED], sizeof buf[0], "%ld", r->refused);
	int adults = gn_cov_find(set, "adults");
	snprintf(buf[GN_COV_BY_ADULTS], sizeof buf[0], "%ld", adults >= 0 ? r->ind[adults].den : 0L);
	gn_cov_count c = i >= 0 ? r->ind[i] : (gn_cov_count){ 0, 0 };
	snprintf(buf[GN_COV_BY_NUM], sizeof buf[0], "%ld/%ld", c.num, c.den);
	gn_cov_pct_text(buf[GN_COV_BY_PCT], sizeof buf[0], c);
	double target = 0;
	bool has = i >= 0 && gn_cov_target(&set->defs[i], year, &target);
	long gap = gn_cov_gap(c, has, target);
	if (gap < 0)
		snprintf(buf[GN_COV_BY_GAP], sizeof buf[0], "—");
	else
		snprintf(buf[GN_COV_BY_GAP], sizeof buf[0], "%ld", gap);
	/* a TDP entering another form: its people are not measured, said as "—" */
	if (!is_total && r->not_measured) {
		static const int unmeasured[] = { GN_COV_BY_ADULTS, GN_COV_BY_NUM, GN_COV_BY_PCT, GN_COV_BY_GAP };
		for (size_t k = 0; k < sizeof unmeasured / sizeof *unmeasured; k++)
			snprintf(buf[unmeasured[k]], sizeof buf[0], "—");
	}
	int x = 1;
	for (int k = 0; k < GN_COV_SORT_KEYS; k++) {
		if (k == GN_COV_BY_CODE)
			ui_put_cut(y, x, d->width[k], buf[k]);
		else
			dash_cell(y, x, d->width[k], buf[k], false);
		x += d->width[k] + 1;
	}
}

/* Column widths: the numbers as wide as the total's (the largest), the
 * TDP's name takes what is left of the screen. */
static void dash_widths(dash_view *d)
{
	const gn_cov_set *set = &d->v.app->cov;
	int i = dash_indicator(d), used = 1;
	for (int k = 0; k < GN_COV_SORT_KEYS; k++)
		d->width[k] = dash_cols[k].width;
	char buf[64];
	gn_cov_count c = i >= 0 ? d->total.ind[i] : (gn_cov_count){ 0, 0 };
	snprintf(buf, sizeof buf, "%ld/%ld", c.num, c.den);
	if (gn_text_width(buf) > d->width[GN_COV_BY_NUM])
		d->width[GN_COV_BY_NUM] = gn_text_width(buf);
	snprintf(buf, sizeof buf, "%ld", d->total.listed);
	if (gn_text_width(buf) > d->width[GN_COV_BY_LISTED])
		d->width[GN_COV_BY_LISTED] = gn_text_width(buf);
	int adults = gn_cov_find(set, "adults");
	snprintf(buf, sizeof buf, "%ld", adults >= 0 ? d->total.ind[adults].den : 0L);
	if (gn_text_width(buf) > d->width[GN_COV_BY_ADULTS])
		d->width[GN_COV_BY_ADULTS] = gn_text_width(buf);
	for (int k = 1; k < GN_COV_SORT_KEYS; k++)
		used += d->width[k] + 1;
	d->width[GN_COV_BY_CODE] = COLS - 1 - used - 1;
	if (d->width[GN_COV_BY_CODE] < 8)
		d->width[GN_COV_BY_CODE] = 8;
}

static void dash_draw(ui_view *v)
{
	dash_view *d = (dash_view *)v;
	ui_app *app = v->app;
	const gn_cov_set *set = &app->cov;
	int year = gn_this_year(), i = dash_indicator(d);
	char left[256], right[64];
	snprintf(left, sizeof left, _("Ward dashboard · %s"), d->ward ? d->ward : "gonha");
	snprintf(right, sizeof right, _("targets of %d"), year);
	ui_title(app, left, right);

	/* line 1: the indicator shown (← →) and its target; the sort order */
	char sorted[96];
	snprintf(sorted, sizeof sorted, _("sort: %s %s"), _(dash_cols[d->sort].header), d->desc ? "▼" : "▲");
	int sw = gn_text_width(sorted);
	ui_put(1, COLS - 1 - sw, sw, sorted);
	if (i >= 0) {
		indicator_line(set, i, d->chosen, d->n_ind, year, COLS - 1 - sw - 2, _("no target"));
	} else {
		ui_put(1, 1, COLS - sw - 3, _("The questionnaire has no indicators."));
	}

	/* line 2: the headers, the sorted one marked */
	dash_widths(d);
	int x = 1;
	attron(A_BOLD);
	for (int k = 0; k < GN_COV_SORT_KEYS; k++) {
		if (k == (int)d->sort)
			attron(A_UNDERLINE);
		dash_cell(2, x, d->width[k], _(dash_cols[k].header), k == GN_COV_BY_CODE);
		if (k == (int)d->sort)
			attroff(A_UNDERLINE);
		x += d->width[k] + 1;
	}
	/* line 3: the total */
	dash_row(d, &d->total, 3, true);
	attroff(A_BOLD);
	ui_hline(4, 1, COLS - 2, "─");

	int y0 = 5, foot = d->total.tdps_not_measured ? 1 : 0;
	if (foot) { /* the TDPs the total leaves out, said under the list */
		char note[512];
		snprintf(note, sizeof note,
		         ngettext("\"—\": %ld TDP enters another form, which does not measure the plan's indicators: left "
		                  "out of the total",
		                  "\"—\": %ld TDPs enter another form, which does not measure the plan's indicators: left "
		                  "out of the total", (unsigned long)d->total.tdps_not_measured),
		         d->total.tdps_not_measured);
		ui_put_cut(UI_LINES - 3, 1, COLS - 2, note);
	}
	ui_list_layout(&d->list, (size_t)(UI_LINES - 2 - y0 - foot));
	for (size_t at = d->list.top; ui_list_visible(&d->list, at); at++) {
		int y = y0 + (int)(at - d->list.top);
		if (at == d->list.cur)
			attron(A_REVERSE);
		ui_put_pad(y, 0, COLS, "");
		dash_row(d, &d->rows[at], y, false);
		if (at == d->list.cur)
			attroff(A_REVERSE);
	}
	if (d->n == 0)
		ui_put(y0 + 1, 2, COLS - 4, _("No TDP is assigned to you yet; ask the ward officer."));
}

static bool dash_key(ui_view *v, ui_action a, int key)
{
	dash_view *d = (dash_view *)v;
	(void)key;
	switch (a) {
	case UA_NEXT_COL:
	case UA_PREV_COL:
		if (d->n_ind) {
			d->chosen = a == UA_NEXT_COL ? (d->chosen + 1) % d->n_ind : (d->chosen + d->n_ind - 1) % d->n_ind;
			dash_sort(d);
		}
		return true;
	case UA_SORT:
		d->sort = (gn_cov_sort_key)((d->sort + 1) % GN_COV_SORT_KEYS);
		/* the numbers read best largest first; names in order */
		d->desc = d->sort != GN_COV_BY_CODE;
		dash_sort(d);
		ui_status(v->app, false, _("Sorted by %s"), _(dash_cols[d->sort].header));
		return true;
	case UA_REVERSE:
		d->desc = !d->desc;
		dash_sort(d);
		return true;
	case UA_OPEN:
		if (d->n)
			ui_push(v->app, ui_cov_tdp_new(v->app, d->rows[d->list.cur].tdp_id));
		return true;
	case UA_PROGRESS:
		ui_push(v->app, ui_progress_new(v->app, dash_indicator(d)));
		return true;
	default:
		return false;
	}
}

static void dash_close(ui_view *v)
{
	dash_view *d = (dash_view *)v;
	free(d->rows);
	free(d->ward);
	free(d);
}

ui_view *ui_dashboard_new(ui_app *app)
{
	dash_view *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->v = (ui_view){ .kind = UV_DASH, .open = dash_open, .draw = dash_draw, .handle_key = dash_key,
	                  .close = dash_close, .app = app, .list = &d->list };
	d->ward = gn_ward_name(app->db);
	return &d->v;
}

/* ---- progress week by week -------------------------------------------- */

/* Each week one bar of block elements (eighths of a row, ▁..█, which the
 * Windows console fonts draw), the percentage of the week's last day from
 * the snapshots (gn_cov_weekly); this year's target a line across; one
 * indicator at a time (← →), so it fits 80x24. */
typedef struct progress_view {
	ui_view v;
	gn_cov_week *weeks;  /* owned, oldest first */
	size_t n_weeks;
	int ind[GN_COV_MAX];
	size_t n_ind, chosen;
	char *ward;          /* owned */
} progress_view;

enum { PROGRESS_BAR = 2, PROGRESS_GAP = 1, PROGRESS_AXIS = 6 };

static int progress_max_weeks(void)
{
	int w = (COLS - PROGRESS_AXIS - 2) / (PROGRESS_BAR + PROGRESS_GAP);
	return w < 1 ? 1 : w;
}

static void progress_open(ui_view *v)
{
	progress_view *p = (progress_view *)v;
	gn_err err = { 0 };
	gn_cov_week *weeks = NULL;
	size_t n = 0;
	p->n_ind = plan_indicators(&v->app->cov, p->ind, GN_COV_MAX);
	if (p->chosen >= p->n_ind)
		p->chosen = 0;
	if (gn_cov_weekly(&v->app->ctx, &v->app->cov, NULL, progress_max_weeks(), &weeks, &n, &err) != GN_OK) {
		ui_status_err(v->app, &err);
		return;
	}
	free(p->weeks);
	p->weeks = weeks;
	p->n_weeks = n;
}

/* "dd/mm" of a YYYY-MM-DD */
static void day_month(char out[8], const char *day)
{
	snprintf(out, 8, "%.2s/%.2s", strlen(day) >= 10 ? day + 8 : "", strlen(day) >= 10 ? day + 5 : "");
}

static void progress_draw(ui_view *v)
{
	progress_view *p = (progress_view *)v;
	ui_app *app = v->app;
	const gn_cov_set *set = &app->cov;
	int year = gn_this_year();
	char left[256], right[64], line[512];
	snprintf(left, sizeof left, _("Progress week by week · %s"), p->ward ? p->ward : "gonha");
	snprintf(right, sizeof right, _("targets of %d"), year);
	ui_title(app, left, right);
	if (p->n_ind == 0) {
		ui_put(2, 1, COLS - 2, _("The questionnaire has no indicators."));
		return;
	}
	int i = p->ind[p->chosen];
	double target = 0;
	bool has_target = gn_cov_target(&set->defs[i], year, &target);
	char none[64];
	snprintf(none, sizeof none, _("no target for %d"), year);
	indicator_line(set, i, p->chosen, p->n_ind, year, COLS - 1, none);
	if (p->n_weeks == 0) {
		ui_put(3, 1, COLS - 2, _("No figures kept yet: gonha keeps them from the first day data changes."));
		return;
	}

	/* the chart: rows top..bottom, 0% at the bottom, 100% at the top */
	int top = 3, bottom = UI_LINES - 6, height = bottom - top + 1;
	if (height < 2)
		return;
	int eighths = height * 8;
	int target_row = -1; /* the row whose band holds the target */
	if (has_target) {
		int t8 = (int)(target * eighths / 100.0 + 0.5);
		int from_bottom = t8 > 0 ? (t8 - 1) / 8 : 0;
		target_row = bottom - from_bottom;
	}
	ui_put_right(top, PROGRESS_AXIS - 1, PROGRESS_AXIS - 1, "100%");
	ui_put_right(top + height / 2, PROGRESS_AXIS - 1, PROGRESS_AXIS - 1, "50%");
	ui_put_right(bottom, PROGRESS_AXIS - 1, PROGRESS_AXIS - 1, "0%");
	for (int y = top; y <= bottom; y++)
		ui_put(y, PROGRESS_AXIS, 1, "│");
	ui_put(bottom + 1, PROGRESS_AXIS, 1, "└");
	ui_hline(bottom + 1, PROGRESS_AXIS + 1, COLS - PROGRESS_AXIS - 2, "─");
	static const char *const blocks[9] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	int x0 = PROGRESS_AXIS + 2, xend = COLS - 2;
	if (target_row >= 0) {
		attron(A_BOLD);
		ui_hline(target_row, PROGRESS_AXIS + 1, xend - PROGRESS_AXIS, "┄");
		attroff(A_BOLD);
	}
	for (size_t w = 0; w < p->n_weeks; w++) {
		int bx = x0 + (int)w * (PROGRESS_BAR + PROGRESS_GAP);
		double pct;
		if (!p->weeks[w].known || !gn_cov_pct(p->weeks[w].ind[i], &pct))
			continue; /* nobody in the population: no bar, not 0 */
		int h8 = (int)(pct * eighths / 100.0 + 0.5);
		for (int y = bottom; y >= top; y--) {
			int fill = h8 - (bottom - y) * 8;
			if (fill <= 0)
				break;
			for (int k = 0; k < PROGRESS_BAR; k++)
				ui_put(y, bx + k, 1, blocks[fill > 8 ? 8 : fill]);
		}
	}
	/* under the axis: the first and the last week's end */
	char first[8], last[8];
	day_month(first, p->weeks[0].day);
	day_month(last, p->weeks[p->n_weeks - 1].day);
	ui_put(bottom + 2, x0, 5, first);
	if (p->n_weeks > 1) {
		int lx = x0 + (int)(p->n_weeks - 1) * (PROGRESS_BAR + PROGRESS_GAP) + PROGRESS_BAR - 5;
		if (lx > x0 + 5)
			ui_put(bottom + 2, lx, 5, last);
	}
	/* the last week in words */
	const gn_cov_week *now = &p->weeks[p->n_weeks - 1];
	char pct_text[32], tail[128] = "";
	gn_cov_pct_text(pct_text, sizeof pct_text, now->ind[i]);
	long gap = gn_cov_gap(now->ind[i], has_target, target);
	if (gap >= 0)
		snprintf(tail, sizeof tail, _(" · %ld people short of the target"), gap);
	snprintf(line, sizeof line, _("Week to %s: %s (%ld/%ld)%s"), last, pct_text, now->ind[i].num, now->ind[i].den,
	         tail);
	ui_put_cut(bottom + 3, 1, COLS - 2, line);
}

static bool progress_key(ui_view *v, ui_action a, int key)
{
	progress_view *p = (progress_view *)v;
	(void)key;
	if ((a == UA_NEXT_COL || a == UA_PREV_COL) && p->n_ind) {
		p->chosen = a == UA_NEXT_COL ? (p->chosen + 1) % p->n_ind : (p->chosen + p->n_ind - 1) % p->n_ind;
		return true;
	}
	return false;
}

static void progress_close(ui_view *v)
{
	progress_view *p = (progress_view *)v;
	free(p->weeks);
	free(p->ward);
	free(p);
}

ui_view *ui_progress_new(ui_app *app, int indicator)
{
	progress_view *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->v = (ui_view){ .kind = UV_PROGRESS, .open = progress_open, .draw = progress_draw, .handle_key = progress_key,
	                  .close = progress_close, .app = app };
	p->n_ind = plan_indicators(&app->cov, p->ind, GN_COV_MAX);
	for (size_t k = 0; k < p->n_ind; k++)
		if (p->ind[k] == indicator)
			p->chosen = k;
	p->ward = gn_ward_name(app->db);
	return &p->v;
}

/* ---- the people missing from an indicator ------------------------------- */

typedef struct missing_view {
	ui_view v;
	gn_todo_list list;   /* the rows on screen: list.items[0] is row `from` */
	size_t total, from;
	bool page_read;      /* list holds rows [from, from + list.n) as they are now */
	char tdp_id[37];
	int indicator;
	bool loaded;
	ui_list rows;        /* over the whole list: total rows */
} missing_view;

static void missing_open(ui_view *v)
{
	missing_view *m = (missing_view *)v;
	gn_err err = { 0 };
	gn_todo_list_free(&m->list);
	m->page_read = false;
	m->loaded = gn_todo_count(&v->app->ctx, &v->app->cov, m->indicator, m->tdp_id, &m->total, &err) == GN_OK;
	if (!m->loaded) {
		ui_status_err(v->app, &err);
		m->total = 0;
	}
	ui_list_set_count(&m->rows, m->total);
}

/* The rows [top, top + n) on screen, read again only when they moved. */
static void missing_page(missing_view *m, size_t top, size_t n)
{
	if (m->page_read && top == m->from && (m->list.n == n || top + m->list.n == m->total))
		return;
	gn_err err = { 0 };
	gn_todo_list_free(&m->list);
	m->from = top;
	m->page_read = true;
	if (gn_todo_load_page(&m->v.app->ctx, &m->v.app->cov, m->indicator, m->tdp_id, m->total, top, n, &m->list,
	                      &err) != GN_OK)
		ui_status_err(m->v.app, &err);
}

/* Row `at` of the list, when it is on screen. */
static const gn_todo_item *missing_item(const missing_view *m, size_t at)
{
	return at >= m->from && at - m->from < m->list.n ? &m->list.items[at - m->from] : NULL;
}

static void missing_draw(ui_view *v)
{
	missing_view *m = (missing_view *)v;
	ui_app *app = v->app;
	const gn_cov_def *d = &app->cov.defs[m->indicator];
	char left[256], right[160], line[256];
	int y0 = 3; /* the last line: the chosen person's needs in full */
	ui_list_layout(&m->rows, (size_t)(UI_LINES - 3 - y0 > 1 ? UI_LINES - 3 - y0 : 1));
	if (m->loaded)
		missing_page(m, m->rows.top, (size_t)(UI_LINES - 3 - y0 > 1 ? UI_LINES - 3 - y0 : 1));
	snprintf(right, sizeof right, "%s (%s)", m->list.tdp_name, m->list.tdp_code);
	/* the indicator's label is cut to leave the TDP its room */
	int room = COLS - 4 - gn_text_width(right);
	snprintf(left, sizeof left, _("Not yet: %s"), ind_label(d));
	if (room > 0 && gn_text_width(left) > room) {
		size_t fit = gn_text_fit(left, room - 1);
		snprintf(left + fit, sizeof left - fit, "…");
	}
	ui_title(app, left, right);
	snprintf(line, sizeof line, _("%zu people not yet counted, in walking order"), m->total);
	ui_put(1, 1, COLS - 2, line);
	int wn = 4, wname = 20, wage = 4, waddr = 19;
	int xn = 1, xname = xn + wn + 1, xage = xname + wname + 1, xaddr = xage + wage + 1, xl = xaddr + waddr + 1;
	attron(A_BOLD);
	ui_put_right(2, xn + wn, wn, _("No."));
	ui_put(2, xname, wname, _("Full name"));
	ui_put_right(2, xage + wage, wage, _("Age"));
	ui_put(2, xaddr, waddr, _("Address"));
	ui_put(2, xl, COLS - xl - 1, _("Lacks"));
	attroff(A_BOLD);
	for (size_t at = m->rows.top; ui_list_visible(&m->rows, at); at++) {
		const gn_todo_item *it = missing_item(m, at);
		if (!it)
			break;
		int y = y0 + (int)(at - m->rows.top);
		char buf[1024];
		if (at == m->rows.cur)
			attron(A_REVERSE);
		ui_put_pad(y, 0, COLS, "");
		snprintf(buf, sizeof buf, "%zu", at + 1);
		ui_put_right(y, xn + wn, wn, buf);
		ui_put_cut(y, xname, wname, it->full_name);
		if (it->age >= 0) {
			snprintf(buf, sizeof buf, "%d", it->age);
			ui_put_right(y, xage + wage, wage, buf);
		}
		gn_todo_address(it, buf, sizeof buf);
		ui_put_cut(y, xaddr, waddr, buf);
		gn_todo_lacks_text(app->form, it->lacks, buf, sizeof buf);
		ui_put_cut(y, xl, COLS - xl - 1, buf);
		if (at == m->rows.cur)
			attroff(A_REVERSE);
	}
	const gn_todo_item *it = missing_item(m, m->rows.cur);
	if (it) {
		char lacks[1024], full[1300];
		gn_todo_lacks_text(app->form, it->lacks, lacks, sizeof lacks);
		snprintf(full, sizeof full, _("%s lacks: %s"), it->full_name, lacks[0] ? lacks : "—");
		attron(A_DIM);
		ui_put_cut(UI_LINES - 3, 1, COLS - 2, full);
		attroff(A_DIM);
	}
	if (m->loaded && m->total == 0)
		ui_put(y0 + 1, 2, COLS - 4, _("Everybody in the population is counted: nobody to visit for this one."));
}

/* The list as a PDF to print (round_sheet.h). */
static void missing_sheet(missing_view *m)
{
	ui_app *app = m->v.app;
	gn_err err = { 0 };
	char path[4096], dir[4096];
	long n = 0;
	gn_sheet_request rq = { .kind = GN_SHEET_MISSING, .tdp = m->tdp_id[0] ? m->tdp_id : NULL, .set = &app->cov,
	                        .form = app->form, .indicator = m->indicator };
	ui_output_dir(app, dir, sizeof dir);
	if (gn_sheet_export(&app->ctx, &rq, dir, path, sizeof path, &n, &err) != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	ui_status(app, false, _("Sheet written (%zu people): %s"), (size_t)n, path);
}

/* The whole list, read when it is written out. */
static void missing_write(missing_view *m, gn_todo_format format)
{
	ui_app *app = m->v.app;
	gn_err err = { 0 };
	char path[4096], dir[4096];
	gn_todo_list all;
	ui_output_dir(app, dir, sizeof dir);
	if (gn_todo_load(&app->ctx, &app->cov, m->indicator, m->tdp_id, &all, &err) != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	if (gn_todo_export(&app->ctx, &app->cov, app->form, &all, format, dir, path, sizeof path, &err) != GN_OK)
		ui_status_err(app, &err);
	else
		ui_status(app, false, format == GN_TODO_CSV ? _("Written (%zu people): %s") : _("Sheet written (%zu people): %s"),
		          all.n, path);
	gn_todo_list_free(&all);
}

static bool missing_key(ui_view *v, ui_action a, int key)
{
	missing_view *m = (missing_view *)v;
	(void)key;
	switch (a) {
	case UA_EXPORT_CSV: if (m->loaded) missing_write(m, GN_TODO_CSV); return true;
	case UA_PRINT_SHEET: if (m->loaded) missing_sheet(m); return true;
	default:
		return false;
	}
}

static void missing_close(ui_view *v)
{
	missing_view *m = (missing_view *)v;
	gn_todo_list_free(&m->list);
	free(m);
}

ui_view *ui_missing_new(ui_app *app, const char *tdp_id, int indicator)
{
	if (indicator < 0 || (size_t)indicator >= app->cov.n)
		return NULL;
	missing_view *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->v = (ui_view){ .kind = UV_MISSING, .open = missing_open, .draw = missing_draw, .handle_key = missing_key,
	                  .close = missing_close, .app = app, .list = &m->rows };
	snprintf(m->tdp_id, sizeof m->tdp_id, "%s", tdp_id);
	m->indicator = indicator;
	return &m->v;
}
