/* The audit log screen (ward officer): newest first, a page at a time
 * (gn_audit_query with LIMIT/OFFSET, so the size of the log does not
 * matter), filtered by a line typed as "user:lan tdp:01 action:create
 * date:2026-11-20" (or FROM..TO); Enter shows one entry's changes field by
 * field, and one key writes the filtered entries to a CSV beside the
 * database (gn_audit_export_csv, as `gonha audit --out`). */
#include "ui.h"
#include "gonha/domain/audit.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/core/outdir.h"
#include "gonha/text/text.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AF_MAX 128

typedef struct audit_criteria {
	char user[AF_MAX], tdp[AF_MAX], action[AF_MAX], table[AF_MAX], since[AF_MAX], until[AF_MAX];
} audit_criteria;

typedef struct audit_view {
	ui_view v;
	audit_criteria crit;
	gn_audit_entry *page;   /* owned: the entries from `offset` */
	size_t n;
	long offset, limit;     /* the entries page holds: from offset, as many as limit asked */
	ui_list list;           /* over every entry that matches */
	bool loaded;
	gn_editbuf filter;      /* the filter line as typed */
	char applied[256];      /* the filter line in force */
	bool typing;            /* typing goes into the filter line */
	char filter_msg[GN_ERR_MSG_MAX];
	bool detail;            /* one entry's changes */
	gn_audit_change *changes;
	size_t n_changes;
	ui_list lines;          /* the changes' lines, scrolled */
} audit_view;

static int page_rows(void)
{
	int rows = UI_LINES - 2 - 4;
	return rows > 1 ? rows : 1;
}

static gn_audit_filter filter_of(const audit_criteria *c)
{
	return (gn_audit_filter){ .user_login = c->user, .tdp = c->tdp, .action = c->action,
	                          .table_name = c->table, .since = c->since, .until = c->until };
}

static bool looks_like_date(const char *s)
{
	return s[0] >= '0' && s[0] <= '9' && (strchr(s, '-') || strstr(s, ".."));
}

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static void set_dates(audit_criteria *c, const char *v)
{
	const char *dots = strstr(v, "..");
	if (!dots) {
		snprintf(c->since, AF_MAX, "%s", v);
		snprintf(c->until, AF_MAX, "%s", v);
		return;
	}
	snprintf(c->since, AF_MAX, "%.*s", (int)(dots - v), v);
	snprintf(c->until, AF_MAX, "%s", dots + 2);
}

/* "user:lan tdp:01 action:create date:2026-11-01..2026-11-20"; a word
 * without a name is guessed: a date, a TDP code (digits), an action, else a
 * user name. False with the message for a name it does not know. */
static bool parse_filter(const char *line, audit_criteria *c, char *msg, size_t msg_size)
{
	memset(c, 0, sizeof *c);
	char buf[256];
	snprintf(buf, sizeof buf, "%s", line);
	char *save = NULL;
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char *sep = strpbrk(w, ":=");
		const char *v = sep ? sep + 1 : w;
		if (sep)
			*sep = '\0';
		const char *k = sep ? w : NULL;
		if (!k) {
			if (looks_like_date(v)) k = "date";
			else if (all_digits(v)) k = "tdp";
			else if (gn_audit_action_known(v)) k = "action";
			else k = "user";
		}
		if (!strcmp(k, "user") || !strcmp(k, "u") || !strcmp(k, "người") || !strcmp(k, "nguoi"))
			snprintf(c->user, AF_MAX, "%s", v);
		else if (!strcmp(k, "tdp") || !strcmp(k, "t") || !strcmp(k, "tổ") || !strcmp(k, "to"))
			snprintf(c->tdp, AF_MAX, "%s", v);
		else if (!strcmp(k, "action") || !strcmp(k, "a") || !strcmp(k, "việc") || !strcmp(k, "viec"))
			snprintf(c->action, AF_MAX, "%s", v);
		else if (!strcmp(k, "table") || !strcmp(k, "bảng") || !strcmp(k, "bang"))
			snprintf(c->table, AF_MAX, "%s", v);
		else if (!strcmp(k, "date") || !strcmp(k, "d") || !strcmp(k, "ngày") || !strcmp(k, "ngay"))
			set_dates(c, v);
		else {
			snprintf(msg, msg_size, _("%s: not a filter; use user:, tdp:, action:, table: or date:"), k);
			return false;
		}
	}
	return true;
}

/* Reads the entries from `from` that a screen holds, under the given
 * criteria; the list learns how many match. */
static gn_status fetch(audit_view *a, const audit_criteria *c, long from, gn_err *err)
{
	gn_audit_filter f = filter_of(c);
	f.offset = from;
	f.limit = page_rows();
	gn_audit_entry *page = NULL;
	size_t n = 0;
	long total = 0;
	gn_status st = gn_audit_query(&a->v.app->ctx, &f, &page, &n, &total, err);
	if (st != GN_OK)
		return st;
	gn_audit_entries_free(a->page, a->n);
	a->page = page;
	a->n = n;
	a->offset = f.offset;
	a->limit = f.limit;
	a->loaded = true;
	ui_list_set_count(&a->list, total > 0 ? (size_t)total : 0);
	return GN_OK;
}

/* Before drawing: the entries on screen are the ones read (the log may
 * have grown, the window changed size). */
static void fill(audit_view *a)
{
	gn_err err = { 0 };
	for (int tries = 0; tries < 2; tries++) {
		ui_list_layout(&a->list, (size_t)page_rows());
		if (a->loaded && a->offset == (long)a->list.top && a->limit == page_rows())
			return;
		if (fetch(a, &a->crit, (long)a->list.top, &err) != GN_OK) {
			ui_status_err(a->v.app, &err);
			return;
		}
	}
}

static void audit_open(ui_view *v)
{
	audit_view *a = (audit_view *)v;
	a->loaded = false; /* read again on drawing */
}

/* "login: → lan; role: → tdp_leader" for the list's last column. */
/* The form's question a field is, if it is one (the loaded questionnaire). */
static const gn_field *form_field(const ui_app *app, const char *name)
{
	const gn_form *form = app->census ? app->census->form : NULL;
	int i = form && name ? gn_form_field_of(form, name) : -1;
	return i >= 0 ? &form->fields[i] : NULL;
}

/* What a person reads for a field: the form's label, else gonha's word. */
static const char *field_label(const ui_app *app, const char *name)
{
	const gn_field *f = form_field(app, name);
	return f ? gn_field_label(f) : gn_audit_word_label(name);
}

/* ... and for a value of it: a choice's label (each of a multiple choice),
 * else gonha's word, else the value itself. */
static const char *value_label(const ui_app *app, const char *field, const char *value, char *buf, size_t size)
{
	const gn_field *f = form_field(app, field);
	if (!value || !*value)
		return value ? value : "";
	if (!f || !f->list)
		return gn_audit_word_label(value);
	size_t len = 0;
	buf[0] = '\0';
	char *copy = strdup(value), *save = NULL;
	for (char *w = copy ? strtok_r(copy, " ", &save) : NULL; w; w = strtok_r(NULL, " ", &save)) {
		const gn_choice *c = gn_choice_find(f->list, w);
		int k = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", c ? gn_choice_label(c) : w);
		if (k < 0 || (size_t)k >= size - len)
			break;
		len += (size_t)k;
	}
	bool made = copy != NULL;
	free(copy);
	return made ? buf : value;
}

static void summary(const ui_app *app, const char *changes, char *out, size_t size)
{
	gn_audit_change *c = NULL;
	size_t n = 0, len = 0;
	gn_err err = { 0 };
	out[0] = '\0';
	if (gn_audit_changes_parse(app->db, changes, &c, &n, &err) != GN_OK) {
		snprintf(out, size, "%s", changes);
		return;
	}
	for (size_t i = 0; i < n && len < size; i++) {
		char o[256], v[256];
		const char *field = field_label(app, c[i].field);
		const char *old_v = value_label(app, c[i].field, c[i].old_value, o, sizeof o);
		const char *new_v = value_label(app, c[i].field, c[i].new_value, v, sizeof v);
		int w = c[i].old_value[0] ? snprintf(out + len, size - len, "%s%s: %s → %s", i ? "; " : "", field, old_v, new_v)
		                          : snprintf(out + len, size - len, "%s%s: %s", i ? "; " : "", field, new_v);
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
	gn_audit_changes_free(c, n);
}

static void draw_detail(audit_view *a)
{
	ui_app *app = a->v.app;
	long k = (long)a->list.cur - a->offset;
	if (k < 0 || k >= (long)a->n)
		return;
	const gn_audit_entry *e = &a->page[k];
	char title[128], line[512];
	snprintf(title, sizeof title, _("Audit entry %ld"), e->id);
	ui_title(app, title, _("Audit log"));
	int y = 2;
	char when[17];
	gn_local_time(e->at, when);
	snprintf(line, sizeof line, _("When: %s"), when);
	ui_put(y++, 2, COLS - 3, line);
	snprintf(line, sizeof line, _("Who: %s"), e->user_login);
	ui_put(y++, 2, COLS - 3, line);
	snprintf(line, sizeof line, _("What: %s %s %s"), gn_audit_action_label(e->action),
	         gn_audit_word_label(e->table_name), e->record_id);
	ui_put(y++, 2, COLS - 3, line);
	snprintf(line, sizeof line, _("TDP: %s"), e->tdp_code[0] ? e->tdp_code : "—");
	ui_put(y++, 2, COLS - 3, line);
	y++;
	attron(A_BOLD);
	ui_put(y++, 2, COLS - 3, _("Field: old → new"));
	attroff(A_BOLD);
	if (a->n_changes == 0)
		ui_put(y, 2, COLS - 3, _("(no values recorded)"));
	ui_list_set_count(&a->lines, a->n_changes);
	ui_list_layout(&a->lines, (size_t)(UI_LINES - 3 - y > 1 ? UI_LINES - 3 - y : 1));
	for (size_t i = a->lines.top; ui_list_visible(&a->lines, i); i++, y++) {
		char o[256], nv[256];
		const gn_audit_change *c = &a->changes[i];
		snprintf(line, sizeof line, "%s: %s → %s", field_label(app, c->field),
		         c->old_value[0] ? value_label(app, c->field, c->old_value, o, sizeof o) : "—",
		         value_label(app, c->field, c->new_value, nv, sizeof nv));
		ui_put(y, 2, COLS - 3, line);
	}
}

static void audit_draw(ui_view *v)
{
	audit_view *a = (audit_view *)v;
	ui_app *app = v->app;
	if (a->detail) {
		draw_detail(a);
		return;
	}
	fill(a);
	long rows = page_rows(), total = (long)a->list.n;
	char right[128];
	long pages = total ? (total + rows - 1) / rows : 1;
	snprintf(right, sizeof right, ngettext("page %ld/%ld · %ld entry", "page %ld/%ld · %ld entries", (unsigned long)total),
	         (long)a->list.cur / rows + 1, pages, total);
	ui_title(app, _("Audit log (newest first)"), right);

	const char *label = _("Filter:");
	int lw = gn_text_width(label);
	ui_put(1, 1, lw, label);
	if (a->typing) {
		attron(A_UNDERLINE);
		ui_input_draw(&a->filter, 1, lw + 2, COLS - lw - 4, false, false);
		attroff(A_UNDERLINE);
	} else {
		ui_put(1, lw + 2, COLS - lw - 4, a->applied[0] ? a->applied : _("(none: f to filter)"));
	}
	const int wa = 16, wu = 12, wc = 9, wt = 9, wd = 4;
	const int xu = 1 + wa + 1, xc = xu + wu + 1, xt = xc + wc + 1, xd = xt + wt + 1, xs = xd + wd + 1;
	attron(A_BOLD);
	ui_put(2, 1, wa, _("When"));
	ui_put(2, xu, wu, _("User"));
	ui_put(2, xc, wc, _("Action"));
	ui_put(2, xt, wt, _("Table"));
	ui_put(2, xd, wd, _("TDP (code)"));
	ui_put(2, xs, COLS - xs - 1, _("Changes"));
	attroff(A_BOLD);
	ui_hline(3, 1, COLS - 2, "─");
	for (size_t i = 0; i < a->n && ui_list_visible(&a->list, (size_t)a->offset + i); i++) {
		const gn_audit_entry *e = &a->page[i];
		int y = 4 + (int)i;
		bool here = (size_t)a->offset + i == a->list.cur;
		if (here)
			attron(A_REVERSE);
		char at[17], sum[1024];
		gn_local_time(e->at, at); /* on the PC's clock */
		ui_put_pad(y, 0, COLS, "");
		ui_put(y, 1, wa, at);
		ui_put(y, xu, wu, e->user_login);
		ui_put(y, xc, wc, gn_audit_action_label(e->action));
		ui_put(y, xt, wt, gn_audit_word_label(e->table_name));
		ui_put(y, xd, wd, e->tdp_code);
		summary(app, e->changes, sum, sizeof sum);
		ui_put(y, xs, COLS - xs - 1, sum);
		if (here)
			attroff(A_REVERSE);
	}
	if (a->loaded && total == 0)
		ui_put(5, 2, COLS - 4, _("No entry matches."));
	if (a->typing) {
		if (a->filter_msg[0]) {
			attron(A_BOLD);
			ui_put(UI_LINES - 3, 1, COLS - 2, a->filter_msg);
			attroff(A_BOLD);
		} else {
			ui_put(UI_LINES - 3, 1, COLS - 2, _("user:NAME tdp:CODE action:create date:YYYY-MM-DD or FROM..TO; Enter: apply"));
		}
		ui_input_draw(&a->filter, 1, lw + 2, COLS - lw - 4, false, true);
	}
}

static void close_detail(audit_view *a)
{
	gn_audit_changes_free(a->changes, a->n_changes);
	a->changes = NULL;
	a->n_changes = 0;
	a->detail = false;
	a->v.list = &a->list;
}

static void open_detail(audit_view *a)
{
	long k = (long)a->list.cur - a->offset;
	if (k < 0 || k >= (long)a->n)
		return;
	gn_err err = { 0 };
	close_detail(a);
	if (gn_audit_changes_parse(a->v.app->db, a->page[k].changes, &a->changes, &a->n_changes, &err) != GN_OK) {
		ui_status_err(a->v.app, &err);
		return;
	}
	a->detail = true;
	a->lines = (ui_list){ .scroll = true };
	a->v.list = &a->lines;
}

static void apply_filter(audit_view *a)
{
	audit_criteria c;
	gn_err err = { 0 };
	a->filter_msg[0] = '\0';
	if (!parse_filter(a->filter.text, &c, a->filter_msg, sizeof a->filter_msg))
		return;
	if (fetch(a, &c, 0, &err) != GN_OK) {
		/* nothing changes: the list stays as it was */
		snprintf(a->filter_msg, sizeof a->filter_msg, "%s", err.msg[0] ? err.msg : gn_status_str(err.status));
		return;
	}
	a->crit = c;
	a->list.cur = a->list.top = 0;
	snprintf(a->applied, sizeof a->applied, "%s", a->filter.text);
	a->typing = false;
	a->v.kind = UV_AUDIT;
}

/* The CSV goes where the screens' files go (gn_output_path):
 * audit-YYYY-MM-DD.csv, or -2, -3 ... when one was written already that day
 * (an export never replaces a file). */
static void export_csv(audit_view *a)
{
	ui_app *app = a->v.app;
	char now[32], stem[32], dir[PATH_MAX], path[PATH_MAX + 64];
	gn_err err = { 0 };
	gn_now_iso(now);
	snprintf(stem, sizeof stem, "audit-%.10s", now);
	ui_output_dir(app, dir, sizeof dir);
	if (gn_output_path(dir, stem, "csv", path, sizeof path, &err) != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	gn_audit_filter f = filter_of(&a->crit);
	long rows = 0;
	if (gn_audit_export_csv(&app->ctx, &f, path, &rows, &err) != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	ui_status(app, false, ngettext("Wrote %ld audit entry to %s", "Wrote %ld audit entries to %s", (unsigned long)rows), rows, path);
}

static bool audit_key(ui_view *v, ui_action act, int key)
{
	audit_view *a = (audit_view *)v;
	if (a->typing) {
		switch (act) {
		case UA_NEXT_FIELD:
		case UA_SAVE:
			if (key == '\t' || key == (UI_FN | KEY_DOWN))
				return true;
			apply_filter(a);
			return true;
		case UA_BACK:
			a->typing = false;
			a->filter_msg[0] = '\0';
			gn_eb_set(&a->filter, a->applied);
			v->kind = UV_AUDIT;
			return true;
		case UA_NONE:
			if (ui_input_key(&a->filter, key))
				a->filter_msg[0] = '\0';
			return true;
		default:
			return act == UA_PREV_FIELD;
		}
	}
	ui_move m;
	if (a->detail) {
		switch (act) {
		case UA_BACK: close_detail(a); return true;
		case UA_OPEN: close_detail(a); return true;
		case UA_SWITCH_USER: case UA_QUIT: case UA_HELP: close_detail(a); return false;
		default: return !ui_action_move(act, &m); /* the lines scroll */
		}
	}
	switch (act) {
	case UA_OPEN: open_detail(a); return true;
	case UA_FILTER:
		a->typing = true;
		v->kind = UV_ACCFORM;
		return true;
	case UA_EXPORT_CSV: export_csv(a); return true;
	default: return false;
	}
}

static void audit_close(ui_view *v)
{
	audit_view *a = (audit_view *)v;
	close_detail(a);
	gn_audit_entries_free(a->page, a->n);
	gn_eb_free(&a->filter);
	free(a);
}

ui_view *ui_audit_new(ui_app *app)
{
	/* The domain decides: anyone but a ward officer is refused here. */
	gn_err err = { 0 };
	gn_audit_entry *probe = NULL;
	size_t n = 0;
	gn_audit_filter f = { .limit = 1 };
	if (gn_audit_query(&app->ctx, &f, &probe, &n, NULL, &err) != GN_OK) {
		ui_status_err(app, &err);
		return NULL;
	}
	gn_audit_entries_free(probe, n);
	audit_view *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->v = (ui_view){ .kind = UV_AUDIT, .open = audit_open, .draw = audit_draw, .handle_key = audit_key,
	                  .close = audit_close, .app = app };
	a->v.list = &a->list;
	gn_eb_init(&a->filter, 200);
	gn_eb_set(&a->filter, "");
	return &a->v;
}
