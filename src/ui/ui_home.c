/* Home: the signed-in user's TDPs (a ward officer sees all), each with a
 * bar of households visited over listed and its people. The numbers come
 * from the kept counters (tdp_stats), so the screen answers at once; the
 * people too (the den of an indicator over everyone, gn_cov_everyone),
 * else they are counted only for the rows on screen. Per-TDP indicator
 * columns plug in through home_columns[] below. */
#include "ui.h"
#include "gonha/domain/household_list.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/ward.h"
#include "gonha/core/disk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct home_view {
	ui_view v;
	gn_cov_row *rows;    /* owned */
	long *people;        /* owned, per row; -1 = not read yet */
	size_t n;
	gn_cov_row total;
	ui_list list;        /* over rows */
	char *ward;          /* owned */
	bool plain_disk;     /* the ward officer is told: the file's disk is not encrypted */
} home_view;

/* Visited: every outcome of an actual visit (done, refused, moved);
 * "revisit" (nobody home) still waits for one. */
static long visited(const gn_cov_row *r)
{
	return r->done + r->refused + r->moved;
}

/* The width of "visited/listed" on every row: the ward's numbers are the
 * widest (760000/760000 in a province's file), so its row sets it for all
 * and the bars stay one length. Set by home_draw before any row. */
static int count_width = 11;

static int count_width_for(long listed)
{
	char n[48];
	int w = 2 * snprintf(n, sizeof n, "%ld", listed) + 1;
	return w > 11 ? w : 11;
}

static void draw_progress(ui_app *app, const gn_cov_row *r, int y, int x, int width)
{
	(void)app;
	char n[48];
	ui_bar(y, x, width - count_width - 1, visited(r), r->listed);
	snprintf(n, sizeof n, "%ld/%ld", visited(r), r->listed);
	ui_put_right(y, x + width, count_width, n);
}

static void draw_revisits(ui_app *app, const gn_cov_row *r, int y, int x, int width)
{
	(void)app;
	char n[32];
	snprintf(n, sizeof n, "%ld", r->revisit);
	ui_put_right(y, x + width, width, n);
}

/* The columns after the TDP's name. The coverage screens add their
 * indicators here (each draws from the gn_cov_row of its TDP). */
static const ui_home_column home_columns[] = {
	{ N_("Visited / listed"), 32, draw_progress },
	{ N_("Revisit"), 9, draw_revisits },
};

static void home_open(ui_view *v)
{
	home_view *h = (home_view *)v;
	gn_err err = { 0 };
	gn_cov_row *rows = NULL;
	size_t n = 0;
	if (gn_cov_ward(&v->app->ctx, &v->app->cov, &rows, &n, &h->total, &err) != GN_OK) {
		ui_status_err(v->app, &err);
		return;
	}
	int everyone = gn_cov_everyone(&v->app->cov);
	/* People counts already read stay, except the TDP just worked on (or
	 * all of them after an import): only the rows on screen are ever
	 * counted. */
	bool same = h->people && n == h->n && !v->app->people_changed;
	v->app->people_changed = false;
	for (size_t i = 0; same && i < n; i++)
		same = strcmp(rows[i].tdp_id, h->rows[i].tdp_id) == 0;
	if (!same || everyone >= 0) {
		free(h->people);
		h->people = malloc((n + 1) * sizeof *h->people);
		for (size_t i = 0; h->people && i < n; i++)
			h->people[i] = everyone >= 0 ? rows[i].ind[everyone].den : -1;
	} else if (h->list.cur < n) {
		h->people[h->list.cur] = -1;
	}
	free(h->rows);
	h->rows = rows;
	h->n = n;
	ui_list_set_count(&h->list, n);
}

static void home_draw(ui_view *v)
{
	home_view *h = (home_view *)v;
	ui_app *app = v->app;
	char right[256];
	snprintf(right, sizeof right, "%s · %s", app->ctx.user.login, app->ctx.user.display_name[0]
	         ? app->ctx.user.display_name : gn_role_label(app->ctx.user.role));
	ui_title(app, h->ward ? h->ward : "gonha", right);

	int name_w = COLS - 2 - 8;
	for (size_t c = 0; c < sizeof home_columns / sizeof *home_columns; c++)
		name_w -= home_columns[c].width + 1;
	if (name_w < 12)
		name_w = 12;
	attron(A_BOLD);
	ui_put(1, 1, name_w, _("TDP"));
	int x = 1 + name_w + 1;
	for (size_t c = 0; c < sizeof home_columns / sizeof *home_columns; c++) {
		ui_put(1, x, home_columns[c].width, _(home_columns[c].header));
		x += home_columns[c].width + 1;
	}
	ui_put_right(1, COLS - 1, 8, _("People"));
	attroff(A_BOLD);

	/* the ward (or "your TDPs") first, then one line per TDP */
	count_width = count_width_for(h->total.listed);
	ui_put(2, 1, name_w, h->total.name);
	x = 1 + name_w + 1;
	for (size_t c = 0; c < sizeof home_columns / sizeof *home_columns; c++) {
		home_columns[c].draw(app, &h->total, 2, x, home_columns[c].width);
		x += home_columns[c].width + 1;
	}
	ui_hline(3, 1, COLS - 2, "─");

	int rows = UI_LINES - 2 - 4;
	if (h->plain_disk) {
		rows--;
		attron(A_BOLD);
		/* the last list row: the status line (UI_LINES - 2) is the UI's */
		ui_put_pad(UI_LINES - 3, 0, COLS, "");
		ui_put(UI_LINES - 3, 1, COLS - 2,
		       _("! The disk is not encrypted: a lost PC gives the data away. Turn on BitLocker or LUKS."));
		attroff(A_BOLD);
	}
	ui_list_layout(&h->list, (size_t)(rows > 1 ? rows : 1));
	for (size_t k = h->list.top; ui_list_visible(&h->list, k); k++) {
		const gn_cov_row *r = &h->rows[k];
		int y = 4 + (int)(k - h->list.top);
		bool here = k == h->list.cur;
		if (here)
			attron(A_REVERSE);
		char name[200];
		snprintf(name, sizeof name, "%s  %s", r->code, r->name);
		ui_put_pad(y, 0, COLS, "");
		ui_put(y, 1, name_w, name);
		x = 1 + name_w + 1;
		for (size_t c = 0; c < sizeof home_columns / sizeof *home_columns; c++) {
			home_columns[c].draw(app, r, y, x, home_columns[c].width);
			x += home_columns[c].width + 1;
		}
		if (h->people && h->people[k] < 0) {
			gn_err err = { 0 };
			if (gn_tdp_person_count(&app->ctx, r->tdp_id, &h->people[k], &err) != GN_OK)
				h->people[k] = 0;
		}
		char n[32];
		snprintf(n, sizeof n, "%ld", h->people ? h->people[k] : 0L);
		ui_put_right(y, COLS - 1, 8, n);
		if (here)
			attroff(A_REVERSE);
	}
	if (h->n == 0)
		ui_put(5, 2, COLS - 4, _("No TDP is assigned to you yet; ask the ward officer."));
}

static bool home_key(ui_view *v, ui_action a, int key)
{
	home_view *h = (home_view *)v;
	size_t at;
	switch (a) {
	case UA_NONE:
		if (key != UI_MOUSE)
			return false;
		if ((at = ui_list_row_at(&h->list, v->app->mouse_y - 4)) != (size_t)-1) {
			ui_list_set_cursor(&h->list, at);
			if (v->app->mouse_double)
				ui_push(v->app, ui_tdp_new(v->app, h->rows[at].tdp_id));
		}
		return true;
	case UA_OPEN:
		if (h->n)
			ui_push(v->app, ui_tdp_new(v->app, h->rows[h->list.cur].tdp_id));
		return true;
	case UA_COVERAGE:
		if (h->n)
			ui_push(v->app, ui_cov_tdp_new(v->app, h->rows[h->list.cur].tdp_id));
		return true;
	case UA_DASHBOARD:
		ui_push(v->app, ui_dashboard_new(v->app));
		return true;
	case UA_EXCHANGE:
		ui_push(v->app, ui_exchange_new(v->app));
		return true;
	case UA_VERIFY:
		ui_push(v->app, ui_verify_new(v->app));
		return true;
	case UA_USERS:
		ui_push(v->app, ui_users_new(v->app));
		return true;
	case UA_AUDIT:
		ui_push(v->app, ui_audit_new(v->app));
		return true;
	case UA_OPERATORS:
		ui_push(v->app, ui_operators_new(v->app));
		return true;
	default:
		return false;
	}
}

static void home_close(ui_view *v)
{
	home_view *h = (home_view *)v;
	free(h->rows);
	free(h->people);
	free(h->ward);
	free(h);
}

ui_view *ui_home_new(ui_app *app)
{
	home_view *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->v = (ui_view){ .kind = UV_HOME, .open = home_open, .draw = home_draw, .handle_key = home_key,
	                  .close = home_close, .app = app };
	h->v.list = &h->list;
	h->ward = gn_ward_name(app->db);
	/* Only where Linux shows it plainly (not under WSL, whose BitLocker it
	 * cannot see); said to the one who can act on it. GONHA_SYSFS: the
	 * tests' own tree. */
	const char *sysfs = getenv("GONHA_SYSFS");
	h->plain_disk = gn_scope_all(&app->ctx) && app->db_path[0] &&
	                gn_disk_encryption(app->db_path, sysfs && *sysfs ? sysfs : "/sys") == GN_DISK_PLAIN;
	return &h->v;
}
