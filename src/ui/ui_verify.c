/* The verification pass (verify.h) on four pages, Tab between them: the
 * households of the samples to key again (Enter keys one again, blind, in
 * the household form; a household keyed again shows its differences), the
 * differences to resolve (1 keep the first keying, 2 take the second, e
 * the value corrected), and the error rates per operator and per
 * question. n draws a new sample. */
#include "ui.h"
#include "gonha/domain/verify.h"
#include "gonha/domain/ward.h"
#include "gonha/forms/form.h"
#include "gonha/core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { VP_ITEMS = 0, VP_DIFFS, VP_OPERATORS, VP_QUESTIONS, VP_PAGES };

typedef struct verify_view {
	ui_view v;
	int page;
	gn_verify_item *items;  /* owned */
	size_t n_items;
	gn_verify_diff *diffs;  /* owned */
	size_t n_diffs;
	gn_verify_rate *rates;  /* owned */
	size_t n_rates;
	gn_verify_rate total;
	size_t total_items, total_done;
	char only_pass[37], only_hh[37]; /* the differences of one household, or "" for all open ones */
	ui_list rows;
} verify_view;

static verify_view *vv_of(ui_view *v) { return (verify_view *)v; }

static void drop_rows(verify_view *w)
{
	free(w->items);
	gn_verify_diffs_free(w->diffs, w->n_diffs);
	free(w->rates);
	w->items = NULL;
	w->diffs = NULL;
	w->rates = NULL;
	w->n_items = w->n_diffs = w->n_rates = 0;
}

static void verify_open(ui_view *v)
{
	verify_view *w = vv_of(v);
	ui_app *app = v->app;
	gn_err err = { 0 };
	gn_status st = GN_OK;
	drop_rows(w);
	size_t n = 0;
	switch (w->page) {
	case VP_ITEMS:
		st = gn_verify_items(&app->ctx, NULL, &w->items, &w->n_items, &err);
		n = w->n_items;
		break;
	case VP_DIFFS:
		st = gn_verify_diffs(&app->ctx, w->only_hh[0] ? w->only_pass : NULL, w->only_hh[0] ? w->only_hh : NULL,
		                     !w->only_hh[0], &w->diffs, &w->n_diffs, &err);
		n = w->n_diffs;
		break;
	default:
		st = gn_verify_rates(&app->ctx, w->page == VP_OPERATORS ? GN_VERIFY_BY_OPERATOR : GN_VERIFY_BY_QUESTION,
		                     NULL, NULL, &w->rates, &w->n_rates, &err);
		n = w->n_rates;
		break;
	}
	if (st == GN_OK)
		st = gn_verify_total(&app->ctx, NULL, NULL, &w->total, &w->total_items, &w->total_done, &err);
	if (st != GN_OK)
		ui_status_err(app, &err);
	ui_list_set_count(&w->rows, n);
}

/* A question's label in form (its name when the form has none; a
 * repeat's answer by its path: "Woman 2 › Name"). */
static const char *field_label(const gn_form *form, const char *field, char *buf, size_t size)
{
	if (strcmp(field, "members") == 0)
		return _("number of members");
	if (gn_form_key_label(form, field, buf, size))
		return buf;
	int k = form ? gn_form_field_of(form, field) : -1;
	const char *label = k >= 0 ? gn_field_label(&form->fields[k]) : NULL;
	return label && *label ? label : field;
}

/* A difference is read with the form its household's TDP enters. */
static const gn_form *diff_form(ui_app *app, const gn_verify_diff *d)
{
	return ui_tdp_form(app, d->tdp_id);
}

static const char *value_text(ui_app *app, const gn_verify_diff *d, const char *v)
{
	return v && *v ? ui_choice_label(diff_form(app, d), d->field, v) : "—";
}

static void draw_tabs(verify_view *w)
{
	static const char *const names[VP_PAGES] = { N_("Households"), N_("Differences"), N_("Per operator"),
		                                         N_("Per question") };
	int x = 2;
	for (int i = 0; i < VP_PAGES && x < COLS - 4; i++) {
		char tab[64];
		snprintf(tab, sizeof tab, i == w->page ? "[%s]" : " %s ", _(names[i]));
		if (i == w->page)
			attron(A_BOLD);
		x += ui_put(1, x, COLS - x - 2, tab) + 1;
		if (i == w->page)
			attroff(A_BOLD);
	}
}

static void draw_items(verify_view *w, int y)
{
	if (!w->n_items) {
		ui_put_wrapped(y, 2, COLS - 4, 3, _("No verification sample yet: n draws one (a TDP, and a percentage "
		                                    "of each operator's households or a number)."));
		return;
	}
	attron(A_BOLD);
	ui_put(y, 2, 6, _("TDP code"));
	ui_put(y, 9, 30, _("Address"));
	ui_put(y, 40, 11, _("Entered by"));
	ui_put(y, 52, 14, _("State"));
	ui_put(y, 67, 12, _("Differs"));
	attroff(A_BOLD);
	y++;
	ui_list_layout(&w->rows, (size_t)(UI_LINES - 2 - y));
	for (size_t i = w->rows.top; ui_list_visible(&w->rows, i); i++, y++) {
		const gn_verify_item *it = &w->items[i];
		bool here = i == w->rows.cur;
		if (here)
			attron(A_REVERSE);
		ui_put_pad(y, 0, COLS, "");
		ui_put(y, 2, 6, it->tdp_code);
		ui_put_cut(y, 9, 30, it->address);
		ui_put_cut(y, 40, 11, it->operator_login);
		ui_put_cut(y, 52, 14, gn_verify_state_label(it->state));
		char d[24];
		if (strcmp(it->state, GN_VERIFY_DONE) == 0)
			snprintf(d, sizeof d, "%ld/%ld", it->differences, it->compared);
		else
			snprintf(d, sizeof d, "—");
		ui_put(y, 67, 12, d);
		if (here)
			attroff(A_REVERSE);
	}
}

static void draw_diffs(verify_view *w, int y)
{
	ui_app *app = w->v.app;
	if (!w->n_diffs) {
		ui_put(y, 2, COLS - 4, w->only_hh[0] ? _("No differences.") : _("No difference left to resolve."));
		return;
	}
	ui_list_layout(&w->rows, (size_t)(UI_LINES - 2 - y - 4)); /* the one under the cursor below */
	for (size_t i = w->rows.top; ui_list_visible(&w->rows, i); i++, y++) {
		const gn_verify_diff *d = &w->diffs[i];
		char who[160], line[600], label[256];
		if (d->member < 0)
			snprintf(who, sizeof who, "%s", _("household"));
		else
			snprintf(who, sizeof who, _("member %d %s"), d->member + 1, d->who);
		snprintf(line, sizeof line, "%s · %s: %s → %s", who, field_label(diff_form(app, d), d->field, label, sizeof label),
		         value_text(app, d, d->first), value_text(app, d, d->second));
		bool here = i == w->rows.cur;
		if (here)
			attron(A_REVERSE);
		ui_put_pad(y, 0, COLS, "");
		ui_put_cut(y, 2, COLS - 20, line);
		ui_put_cut(y, COLS - 17, 16, gn_verify_resolution_label(d->resolution));
		if (here)
			attroff(A_REVERSE);
	}
	const gn_verify_diff *d = &w->diffs[w->rows.cur];
	char line[600];
	y = UI_LINES - 6;
	ui_hline(y++, 0, COLS, "─");
	snprintf(line, sizeof line, "%s: %s", _("first keying"), value_text(app, d, d->first));
	ui_put_cut(y++, 2, COLS - 4, line);
	snprintf(line, sizeof line, "%s: %s", _("second keying"), value_text(app, d, d->second));
	ui_put_cut(y++, 2, COLS - 4, line);
	if (d->resolution[0]) {
		snprintf(line, sizeof line, "%s (%s)%s%s", gn_verify_resolution_label(d->resolution), d->resolved_by,
		         d->value ? ": " : "", d->value ? d->value : "");
		ui_put_cut(y, 2, COLS - 4, line);
	}
}

static void rate_text(char *buf, size_t size, long part, long whole)
{
	long pm = gn_verify_per_mille(part, whole);
	snprintf(buf, size, whole ? _("%ld.%ld%%") : "—", pm / 10, pm % 10);
}

static void draw_rates(verify_view *w, int y)
{
	ui_app *app = w->v.app;
	attron(A_BOLD);
	ui_put(y, 2, 24, w->page == VP_OPERATORS ? _("Entered by") : _("Question"));
	/* short headings: the help of the page says what they count */
	ui_put_right(y, 36, 9, _("Hh"));
	ui_put_right(y, 45, 8, _("Fields"));
	ui_put_right(y, 53, 7, _("Differ"));
	ui_put_right(y, 62, 8, _("Rate"));
	ui_put_right(y, 71, 8, _("1st err"));
	ui_put_right(y, 79, 7, _("Left"));
	attroff(A_BOLD);
	y++;
	ui_list_layout(&w->rows, (size_t)(UI_LINES - 2 - y - 2));
	for (size_t i = w->rows.top; ui_list_visible(&w->rows, i); i++, y++) {
		const gn_verify_rate *r = &w->rates[i];
		char b[6][32], label[256];
		snprintf(b[0], sizeof b[0], "%ld", r->households);
		snprintf(b[1], sizeof b[1], "%ld", r->compared);
		snprintf(b[2], sizeof b[2], "%ld", r->differences);
		rate_text(b[3], sizeof b[3], r->differences, r->compared);
		snprintf(b[4], sizeof b[4], "%ld", r->against_first);
		snprintf(b[5], sizeof b[5], "%ld", r->open);
		bool here = i == w->rows.cur;
		if (here)
			attron(A_REVERSE);
		ui_put_pad(y, 0, COLS, "");
		ui_put_cut(y, 2, 24, w->page == VP_OPERATORS ? r->key : field_label(app->form, r->key, label, sizeof label));
		ui_put_right(y, 36, 9, b[0]);
		ui_put_right(y, 45, 8, b[1]);
		ui_put_right(y, 53, 7, b[2]);
		ui_put_right(y, 62, 8, b[3]);
		ui_put_right(y, 71, 8, b[4]);
		ui_put_right(y, 79, 7, b[5]);
		if (here)
			attroff(A_REVERSE);
	}
	if (!w->n_rates)
		ui_put(y, 2, COLS - 4, _("No household keyed again yet."));
	ui_put_wrapped(UI_LINES - 4, 2, COLS - 4, 2,
	               _("Hh: households keyed again · Fields: answers compared · Differ: those that differ · 1st err: "
	                 "resolved as the first keying wrong · Left: not resolved yet"));
}

static void verify_draw(ui_view *v)
{
	verify_view *w = vv_of(v);
	ui_app *app = v->app;
	char right[160], rate[32];
	rate_text(rate, sizeof rate, w->total.differences, w->total.compared);
	snprintf(right, sizeof right, _("%zu/%zu keyed again · differ %s · %ld to resolve"), w->total_done,
	         w->total_items, rate, w->total.open);
	ui_title(app, _("Verification"), right);
	draw_tabs(w);
	switch (w->page) {
	case VP_ITEMS: draw_items(w, 3); break;
	case VP_DIFFS: draw_diffs(w, 3); break;
	default: draw_rates(w, 3); break;
	}
}

/* n: a new sample, asked on the status line. */
static void new_sample(verify_view *w)
{
	ui_app *app = w->v.app;
	char code[16], how[32];
	if (!ui_ask_text(app, _("New sample: the TDP's code?"), code, sizeof code) || !code[0])
		return;
	if (!ui_ask_text(app, _("How many: P% of each operator's households (5%), or N households (10)?"), how,
	                 sizeof how) ||
	    !how[0])
		return;
	gn_verify_rule rule = { 0 };
	char *end = NULL;
	long n = strtol(how, &end, 10);
	bool percent = end && *end == '%' && end[1] == '\0';
	if (end == how || (!percent && *end) || n < 1 || n > 1000000 || (percent && n > 100)) {
		ui_status(app, true, _("Not drawn: %s is neither a percentage from 1%% to 100%% nor a number of households"),
		          how);
		return;
	}
	if (percent)
		rule.percent = (int)n;
	else
		rule.count = (int)n;
	rule.seed = gn_verify_new_seed();
	gn_err err = { 0 };
	char pass[37];
	size_t drawn = 0;
	if (gn_verify_sample(&app->ctx, code, &rule, pass, &drawn, &err) != GN_OK) {
		ui_status(app, true, _("Not drawn: %s"), err.msg);
		return;
	}
	w->page = VP_ITEMS;
	verify_open(&w->v);
	ui_status(app, false, ngettext("Drawn: %zu household of TDP %s, seed %llu.", "Drawn: %zu households of TDP %s, seed %llu.",
	                               drawn),
	          drawn, code, (unsigned long long)rule.seed);
}

static void resolve(verify_view *w, gn_verify_choice choice)
{
	ui_app *app = w->v.app;
	if (w->page != VP_DIFFS || !w->n_diffs)
		return;
	const gn_verify_diff *d = &w->diffs[w->rows.cur];
	char value[256] = "";
	if (choice == GN_VERIFY_CORRECTED &&
	    (!ui_ask_text(app, _("The right value:"), value, sizeof value) || !value[0]))
		return;
	gn_err err = { 0 };
	/* saved with its TDP's form, the value as its question stores it */
	if (!ui_enter_tdp_form(app, d->tdp_id))
		return;
	if (value[0] && gn_form_value_as_stored(app->form, d->field, value, sizeof value, &err) != GN_OK) {
		ui_status(app, true, _("Not resolved: %s"), err.msg);
		return;
	}
	if (gn_verify_resolve(&app->ctx, d->id, choice, value[0] ? value : NULL, &err) != GN_OK) {
		ui_status(app, true, _("Not resolved: %s"), err.msg);
		return;
	}
	char label[256];
	ui_status(app, false, "%s: %s", field_label(app->form, d->field, label, sizeof label),
	          gn_verify_resolution_label(choice == GN_VERIFY_CORRECTED ? "corrected"
	                           : choice == GN_VERIFY_TAKE_SECOND ? "second" : "first"));
	if (choice != GN_VERIFY_KEEP_FIRST)
		app->people_changed = true;
	size_t cur = w->rows.cur;
	verify_open(&w->v);
	ui_list_set_cursor(&w->rows, cur);
}

static void go_page(verify_view *w, int page)
{
	w->page = (page + VP_PAGES) % VP_PAGES;
	w->only_hh[0] = '\0';
	ui_list_set_cursor(&w->rows, 0);
	verify_open(&w->v);
}

static bool verify_key(ui_view *v, ui_action a, int key)
{
	(void)key;
	verify_view *w = vv_of(v);
	ui_app *app = v->app;
	switch (a) {
	case UA_NEXT_COL: go_page(w, w->page + 1); return true;
	case UA_PREV_COL: go_page(w, w->page - 1); return true;
	case UA_VERIFY_SAMPLE: new_sample(w); return true;
	case UA_VERIFY_FIRST: resolve(w, GN_VERIFY_KEEP_FIRST); return true;
	case UA_VERIFY_SECOND: resolve(w, GN_VERIFY_TAKE_SECOND); return true;
	case UA_VERIFY_CORRECT: resolve(w, GN_VERIFY_CORRECTED); return true;
	case UA_OPEN:
		if (w->page == VP_ITEMS && w->n_items) {
			const gn_verify_item *it = &w->items[w->rows.cur];
			if (strcmp(it->state, GN_VERIFY_DONE) == 0) {
				w->page = VP_DIFFS;
				snprintf(w->only_pass, sizeof w->only_pass, "%s", it->pass_id);
				snprintf(w->only_hh, sizeof w->only_hh, "%s", it->household_id);
				ui_list_set_cursor(&w->rows, 0);
				verify_open(v);
			} else {
				ui_push(app, ui_household_verify_new(app, it->pass_id, it->household_id));
			}
		}
		return true;
	default:
		return false;
	}
}

static void verify_close(ui_view *v)
{
	verify_view *w = vv_of(v);
	drop_rows(w);
	free(w);
}

ui_view *ui_verify_new(ui_app *app)
{
	verify_view *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->v = (ui_view){ .kind = UV_VERIFY, .open = verify_open, .draw = verify_draw, .handle_key = verify_key,
		              .close = verify_close, .app = app, .list = &w->rows };
	return &w->v;
}
