/* CSV exchange from the screen: the same export, import and conflict calls
 * as `gonha export`, `gonha import` and `gonha conflicts`. An import is
 * always tried first as a dry run; its counts (or every refused line) are
 * shown before anything changes. */
#include "ui.h"
#include "gonha/forms/census.h"
#include "gonha/storage/db.h"
#include "gonha/interchange/exchange.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"
#include "gonha/interchange/xlsx.h"
#include "gonha/core/disk.h"
#include "gonha/core/outdir.h"
#include "gonha/core/pathpick.h"
#include "gonha/domain/backup.h"
#include "gonha/domain/sealed.h"
#include "gonha/domain/audit.h"

#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef enum xop {
	XOP_PERSONS, XOP_PERSONS_IDS, XOP_HOUSEHOLDS, XOP_COVERAGE, XOP_IMPORT, XOP_CONFLICTS, XOP_UNDO, XOP_COUNT,
} xop;

typedef struct exchange_view {
	ui_view v;
	int cur;
	gn_editbuf path;
	bool edited;          /* the user typed a path: keep it */
	char **lines;         /* owned: the result of the last run */
	size_t n_lines;
	size_t conflicts;
	gn_paths files;       /* import: the files offered (the usual folders', or the path's completions) */
	size_t pick;          /* files.items[pick] is in the field while Tab goes through them */
	bool picking;
} exchange_view;

/* What may be imported: a CSV, a workbook, a sealed file. */
static const char *const import_exts[] = { ".csv", ".xlsx", ".gbk", NULL };
#define FILES_MAX 50

static bool officer(const ui_app *app)
{
	return gn_scope_all(&app->ctx);
}

static bool op_shown(const ui_app *app, int op)
{
	return (op != XOP_PERSONS_IDS && op != XOP_CONFLICTS && op != XOP_UNDO) || officer(app);
}

/* the operations that take a file name */
static bool has_field(int op)
{
	return op != XOP_CONFLICTS && op != XOP_UNDO;
}

static const char *op_label(int op)
{
	switch (op) {
	case XOP_PERSONS: return _("Export persons (CCCD masked)");
	case XOP_PERSONS_IDS: return _("Export persons with whole CCCD numbers (ward officer)");
	case XOP_HOUSEHOLDS: return _("Export households");
	case XOP_COVERAGE: return _("Export coverage (the report's numbers)");
	case XOP_IMPORT: return _("Import a file (another PC's export, or a household list)");
	case XOP_UNDO: return _("Undo the last import (ward officer)");
	default: return _("Conflicts waiting for a ward officer");
	}
}

static void clear_lines(exchange_view *x)
{
	for (size_t i = 0; i < x->n_lines; i++)
		free(x->lines[i]);
	free(x->lines);
	x->lines = NULL;
	x->n_lines = 0;
}

static void add_line(exchange_view *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_line(exchange_view *x, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	char **lines = realloc(x->lines, (x->n_lines + 1) * sizeof *lines);
	if (!lines)
		return;
	x->lines = lines;
	x->lines[x->n_lines++] = strdup(buf);
}

/* A default file name beside the database, with today's date, that names
 * no file yet (gn_output_path: -2, -3 ... for the day's next export). */
static void offer_files(exchange_view *x);

static void default_path(exchange_view *x)
{
	if (x->edited || x->cur == XOP_IMPORT || !has_field(x->cur)) {
		if (!x->edited && x->cur == XOP_IMPORT)
			gn_eb_set(&x->path, "");
		offer_files(x);
		return;
	}
	char dir[PATH_MAX];
	ui_output_dir(x->v.app, dir, sizeof dir);
	char now[32], day[16];
	gn_now_iso(now); /* honours GONHA_NOW, as every date gonha writes */
	snprintf(day, sizeof day, "%.10s", now);
	static const char *const names[] = { "nguoi", "nguoi-cccd", "ho", "do-phu" };
	char stem[64], path[PATH_MAX + 80];
	snprintf(stem, sizeof stem, "gonha-%s-%s", names[x->cur], day);
	/* a workbook for the ward office by default; .csv for machines */
	gn_err err = { 0 };
	if (gn_output_path(dir, stem, "xlsx", path, sizeof path, &err) != GN_OK)
		snprintf(path, sizeof path, "%s/%s.xlsx", dir, stem); /* refused at the write, said there */
	gn_eb_set(&x->path, path);
}

/* The files the import offers: with nothing typed, those of the usual
 * folders (where gonha writes files, the current folder, the home folder
 * and its downloads, Windows' downloads under WSL), newest first; else
 * what the path typed completes to. */
static void offer_files(exchange_view *x)
{
	gn_paths_free(&x->files);
	x->picking = false;
	if (x->cur != XOP_IMPORT)
		return;
	gn_err err = { 0 };
	if (*x->path.text) {
		gn_paths_complete(x->path.text, import_exts, &x->files, &err);
		return;
	}
	char out[PATH_MAX], home[PATH_MAX] = "", down[PATH_MAX + 16] = "", tai[PATH_MAX + 16] = "";
	ui_output_dir(x->v.app, out, sizeof out);
	const char *h = getenv("HOME");
	if (h && *h) {
		snprintf(home, sizeof home, "%s", h);
		snprintf(down, sizeof down, "%s/Downloads", h);
		snprintf(tai, sizeof tai, "%s/Tải xuống", h);
	}
	const char *dirs[] = { out, ".", home, down, tai, "/mnt/c/Users/*/Downloads", NULL };
	gn_paths_recent(dirs, import_exts, FILES_MAX, &x->files, &err);
}

/* Tab on the import's file: a single completion is taken, a longer common
 * beginning is typed; then each Tab puts the next file of the list in the
 * field (Shift-Tab the one before). */
static void pick_file(exchange_view *x, int dir)
{
	ui_app *app = x->v.app;
	if (!x->picking) {
		offer_files(x);
		if (!x->files.n) {
			ui_status(app, true, "%s", _("No CSV or Excel file here: type the folder where the file is"));
			return;
		}
		char *common = x->files.n > 1 ? gn_paths_common(&x->files) : NULL;
		if (x->files.n == 1 || (common && strlen(common) > x->path.len && *x->path.text)) {
			gn_eb_set(&x->path, x->files.n == 1 ? x->files.items[0] : common);
			free(common);
			x->edited = true;
			offer_files(x); /* a folder taken: its files now */
			return;
		}
		free(common);
		x->picking = true;
		x->pick = dir > 0 ? 0 : x->files.n - 1;
	} else {
		x->pick = (x->pick + x->files.n + (size_t)(dir > 0 ? 1 : -1)) % x->files.n;
	}
	gn_eb_set(&x->path, x->files.items[x->pick]);
	x->edited = true;
}

static size_t count_conflicts(ui_app *app)
{
	gn_conflict *list = NULL;
	size_t n = 0;
	gn_err err = { 0 };
	if (officer(app) && gn_conflicts_list(&app->ctx, &list, &n, &err) == GN_OK)
		gn_conflicts_free(list, n);
	return n;
}

static void exchange_open(ui_view *v)
{
	exchange_view *x = (exchange_view *)v;
	x->conflicts = count_conflicts(v->app);
}

static void exchange_draw(ui_view *v)
{
	exchange_view *x = (exchange_view *)v;
	ui_app *app = v->app;
	ui_title(app, _("Exchange CSV files"), _("for Excel and other PCs"));
	int y = 2;
	for (int op = 0; op < XOP_COUNT; op++) {
		if (!op_shown(app, op))
			continue;
		char label[512];
		if (op == XOP_CONFLICTS)
			snprintf(label, sizeof label, "%s: %zu", op_label(op), x->conflicts);
		else
			snprintf(label, sizeof label, "%s", op_label(op));
		if (op == x->cur)
			attron(A_REVERSE);
		ui_put_pad(y, 2, COLS - 4, label);
		if (op == x->cur)
			attroff(A_REVERSE);
		y++;
	}
	y++;
	int field_y = y;
	const char *label = _("File: ");
	int w = gn_text_width(label);
	if (has_field(x->cur))
		ui_put(y, 2, w, label);
	if (has_field(x->cur) && x->n_lines == 0) {
		attron(A_DIM);
		ui_put_pad(y + 1, 2, COLS - 4,
		           x->cur == XOP_IMPORT ? (x->files.n ? _("A CSV file or an Excel workbook (.xlsx); Tab picks one of these:")
		                                              : _("A CSV file or an Excel workbook (.xlsx); Tab completes the path"))
		                                : _("A name ending in .xlsx writes an Excel workbook; .csv a CSV for other "
		                                    "programs"));
		attroff(A_DIM);
	}
	y += 2;
	/* the files to pick, until a run has something to say */
	for (size_t i = 0; x->cur == XOP_IMPORT && x->n_lines == 0 && i < x->files.n && y < UI_LINES - 2; i++, y++) {
		bool here = x->picking && i == x->pick;
		if (here)
			attron(A_REVERSE);
		ui_put_pad(y, 4, COLS - 6, x->files.items[i]);
		if (here)
			attroff(A_REVERSE);
	}
	/* results wrap: a refused line's reason is read whole */
	for (size_t i = 0; i < x->n_lines && y < UI_LINES - 2; i++)
		y += ui_put_wrapped(y, 2, COLS - 4, UI_LINES - 2 - y, x->lines[i]); /* at words */
	/* drawn last, so the terminal's cursor stays in the file field */
	if (has_field(x->cur))
		ui_input_draw(&x->path, field_y, 2 + w, COLS - 4 - w, false, true);
}

static gn_census borrowed_census(ui_app *app)
{
	gn_census c;
	c.form = (gn_form *)app->form;
	c.coverage = app->cov;
	return c;
}

static void show_problems(exchange_view *x, const gn_import_report *rep, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (size_t i = 0; i < rep->n_problems; i++)
		add_line(x, "%s:%ld: %s", base, rep->problems[i].line, rep->problems[i].msg);
	if (rep->problems_total > (long)rep->n_problems)
		add_line(x, ngettext("... and %ld more problem", "... and %ld more problems", (unsigned long)(rep->problems_total - (long)rep->n_problems)),
		         rep->problems_total - (long)rep->n_problems);
}

/* A passphrase asked twice (a typo would lock the file for good) into
 * out; false if Esc or the two differ (said on the status line). */
static bool new_passphrase(ui_app *app, char *out, size_t size)
{
	char again[256];
	if (!ui_ask_secret(app, _("Passphrase (8 characters or more):"), out, size))
		return false;
	bool same = ui_ask_secret(app, _("The same passphrase again:"), again, sizeof again) && strcmp(out, again) == 0;
	explicit_bzero(again, sizeof again);
	if (!same) {
		explicit_bzero(out, size);
		ui_status(app, true, "%s", _("the two passphrases differ; nothing was made"));
	}
	return same;
}

/* Personal data going to a USB stick: sealed unless the user says no.
 * Sets opt's passphrase (in secret) and work folder; false: not written. */
static bool offer_seal(exchange_view *x, gn_export_options *opt, char *secret, size_t size, char *work, size_t wsize)
{
	ui_app *app = x->v.app;
	const char *sysfs = getenv("GONHA_SYSFS");
	if (opt->what == GN_EX_COVERAGE || !gn_disk_removable(x->path.text, sysfs && *sysfs ? sysfs : "/sys"))
		return true;
	ui_draw_all(app);
	ui_prompt p = { .yes = _("seal"), .no = _("leave it plain"), .enter_yes = true, .cancel = _("cancel") };
	ui_answer a = ui_confirm(app, _("This goes to a USB stick: seal it with a passphrase?"), &p);
	if (a == UI_NO)
		return true;
	if (a != UI_YES)
		return false;
	gn_err err = { 0 };
	if (gn_backup_private_dir(app->db_path, work, wsize, &err) != GN_OK) {
		ui_status_err(app, &err);
		return false;
	}
	if (!new_passphrase(app, secret, size))
		return false;
	size_t len = strlen(x->path.text);
	if (len < 4 || strcasecmp(x->path.text + len - 4, ".gbk") != 0) { /* the name says what it is */
		char named[PATH_MAX + 8];
		snprintf(named, sizeof named, "%s.gbk", x->path.text);
		gn_eb_set(&x->path, named);
	}
	opt->seal_passphrase = secret;
	opt->work_dir = work;
	return true;
}

static void run_export(exchange_view *x)
{
	ui_app *app = x->v.app;
	gn_census census = borrowed_census(app);
	gn_export_options opt = { 0 };
	opt.what = x->cur == XOP_HOUSEHOLDS ? GN_EX_HOUSEHOLDS : x->cur == XOP_COVERAGE ? GN_EX_COVERAGE : GN_EX_PERSONS;
	opt.with_ids = x->cur == XOP_PERSONS_IDS;
	size_t len = strlen(x->path.text);
	if (len > 5 && strcasecmp(x->path.text + len - 5, ".xlsx") == 0)
		opt.format = GN_EXF_XLSX;
	gn_err err = { 0 };
	long rows = 0;
	clear_lines(x);
	default_path(x); /* a default name taken meanwhile moves on (-2) */
	if (!*x->path.text) {
		ui_status(app, true, "%s", _("Type the name of the file to write"));
		return;
	}
	char secret[256] = "", work[PATH_MAX];
	if (!offer_seal(x, &opt, secret, sizeof secret, work, sizeof work)) {
		if (!app->status[0])
			ui_status(app, false, "%s", _("Nothing was written"));
		return;
	}
	gn_status st = gn_export(&app->ctx, &census, &opt, x->path.text, &rows, &err);
	explicit_bzero(secret, sizeof secret);
	if (st != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	if (opt.what == GN_EX_COVERAGE)
		ui_status(app, false, _("Coverage written to %s"), x->path.text);
	else
		ui_status(app, false, ngettext("%ld row written to %s", "%ld rows written to %s", (unsigned long)rows), rows, x->path.text);
	add_line(x, opt.seal_passphrase ? _("Written, sealed: %s (it opens only with the passphrase: keep that apart)")
	                                : _("Written: %s (only you can read it: it holds personal data)"),
	         x->path.text);
	default_path(x); /* the next export of the day gets a name of its own */
}

static void run_import(exchange_view *x)
{
	ui_app *app = x->v.app;
	gn_census census = borrowed_census(app);
	gn_import_options opt = { .dry_run = true };
	gn_import_report rep = { 0 };
	gn_err err = { 0 };
	clear_lines(x);
	if (!*x->path.text) {
		ui_status(app, true, "%s", _("Type the name of the file to import"));
		return;
	}
	char secret[256] = "", work[PATH_MAX];
	if (gn_sealed_is(x->path.text)) {
		if (gn_backup_private_dir(app->db_path, work, sizeof work, &err) != GN_OK) {
			ui_status_err(app, &err);
			return;
		}
		if (!ui_ask_secret(app, _("The file is sealed. Its passphrase:"), secret, sizeof secret)) {
			ui_status(app, false, "%s", _("Nothing was imported"));
			return;
		}
		opt.seal_passphrase = secret;
		opt.work_dir = work;
	}
	gn_status st = gn_import_file(&app->ctx, &census, x->path.text, &opt, &rep, &err);
	if (st != GN_OK) {
		show_problems(x, &rep, x->path.text);
		gn_import_report_free(&rep);
		ui_status_err(app, &err);
		goto out;
	}
	add_line(x, _("%ld rows: would add %ld, update %ld, keep %ld of ours as newer, leave %ld unchanged; %ld in conflict"),
	         rep.rows, rep.added, rep.updated, rep.kept_local, rep.unchanged, rep.conflicts);
	gn_import_report_free(&rep);
	ui_draw_all(app);
	ui_prompt p = { .yes = _("import") };
	if (ui_confirm(app, _("Import it now?"), &p) != UI_YES) {
		ui_status(app, false, "%s", _("Nothing was imported"));
		goto out;
	}
	opt.dry_run = false;
	st = gn_import_file(&app->ctx, &census, x->path.text, &opt, &rep, &err);
	clear_lines(x);
	if (st != GN_OK) {
		show_problems(x, &rep, x->path.text);
		ui_status_err(app, &err);
	} else {
		add_line(x, _("%ld rows: added %ld, updated %ld, kept %ld of ours as newer, %ld unchanged; %ld in conflict"),
		         rep.rows, rep.added, rep.updated, rep.kept_local, rep.unchanged, rep.conflicts);
		ui_status(app, false, "%s", _("Imported"));
		app->people_changed = true;
	}
	gn_import_report_free(&rep);
	x->conflicts = count_conflicts(app);
out:
	explicit_bzero(secret, sizeof secret);
}

/* The newest import that can still be undone, asked, then undone through
 * the same call as gonha import undo N; what blocks it is listed. */
static void run_undo(exchange_view *x)
{
	ui_app *app = x->v.app;
	gn_import_past *list = NULL;
	size_t n = 0;
	gn_err err = { 0 };
	clear_lines(x);
	if (gn_import_history(&app->ctx, &list, &n, &err) != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	size_t i = 0;
	while (i < n && !list[i].undoable)
		i++;
	if (i == n) {
		free(list);
		ui_status(app, false, "%s", _("No import can be undone"));
		return;
	}
	char when[17];
	gn_local_time(list[i].at, when);
	long id = list[i].id;
	add_line(x, _("Import %ld: %s, %s by %s; added %ld, updated %ld"), id, list[i].source, when, list[i].by,
	         list[i].added, list[i].updated);
	free(list);
	ui_draw_all(app);
	ui_prompt p = { .yes = _("undo") };
	if (ui_confirm(app, _("Undo this import now?"), &p) != UI_YES) {
		ui_status(app, false, "%s", _("Nothing was changed"));
		return;
	}
	gn_undo_block *blocks = NULL;
	size_t nb = 0;
	gn_status st = gn_import_undo(&app->ctx, id, &blocks, &nb, &err);
	if (st != GN_OK) {
		for (size_t k = 0; k < nb; k++)
			add_line(x, "%s %s: %s", gn_audit_word_label(blocks[k].table), blocks[k].label[0] ? blocks[k].label : blocks[k].id,
			         gn_undo_why_label(blocks[k].why));
		ui_status_err(app, &err);
	} else {
		add_line(x, _("Import %ld undone: every record it changed is as it was before."), id);
		ui_status(app, false, "%s", _("Import undone"));
		app->people_changed = true;
	}
	free(blocks);
	x->conflicts = count_conflicts(app);
}

static void choose(exchange_view *x, int delta)
{
	ui_app *app = x->v.app;
	int op = x->cur;
	do
		op += delta;
	while (op >= 0 && op < XOP_COUNT && !op_shown(app, op));
	if (op >= 0 && op < XOP_COUNT) {
		x->cur = op;
		default_path(x);
		clear_lines(x);
	}
}

static bool exchange_key(ui_view *v, ui_action a, int key)
{
	exchange_view *x = (exchange_view *)v;
	switch (a) {
	case UA_UP: choose(x, -1); return true;
	case UA_DOWN: choose(x, 1); return true;
	case UA_OPEN:
		if (x->cur == XOP_IMPORT)
			run_import(x);
		else if (x->cur == XOP_CONFLICTS)
			ui_push(v->app, ui_conflicts_new(v->app));
		else if (x->cur == XOP_UNDO)
			run_undo(x);
		else
			run_export(x);
		return true;
	case UA_COMPLETE:
	case UA_COMPLETE_BACK:
		if (x->cur == XOP_IMPORT) {
			clear_lines(x);
			pick_file(x, a == UA_COMPLETE ? 1 : -1);
		}
		return true;
	default:
		if (has_field(x->cur) && ui_input_key(&x->path, key)) {
			x->edited = true;
			if (x->cur == XOP_IMPORT)
				offer_files(x); /* what the path typed now completes to */
			return true;
		}
		return false;
	}
}

static void exchange_close(ui_view *v)
{
	exchange_view *x = (exchange_view *)v;
	clear_lines(x);
	gn_paths_free(&x->files);
	gn_eb_free(&x->path);
	free(x);
}

ui_view *ui_exchange_new(ui_app *app)
{
	exchange_view *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->v = (ui_view){ .kind = UV_EXCHANGE, .open = exchange_open, .draw = exchange_draw, .handle_key = exchange_key,
	                  .close = exchange_close, .app = app };
	gn_eb_init(&x->path, PATH_MAX - 1);
	default_path(x);
	return &x->v;
}

/* ---- the conflicts, for a ward officer --------------------------------------- */

typedef struct conflicts_view {
	ui_view v;
	gn_conflict *list;   /* owned */
	size_t n;
	ui_list rows;        /* over list */
} conflicts_view;

static void conflicts_open(ui_view *v)
{
	conflicts_view *c = (conflicts_view *)v;
	gn_conflicts_free(c->list, c->n);
	c->list = NULL;
	c->n = 0;
	gn_err err = { 0 };
	if (gn_conflicts_list(&v->app->ctx, &c->list, &c->n, &err) != GN_OK)
		ui_status_err(v->app, &err);
	ui_list_set_count(&c->rows, c->n);
}

/* The fields that differ, "label: ours → theirs", one per line. */
static int draw_differences(ui_app *app, const gn_conflict *k, int y)
{
	gn_conflict_field *f = NULL;
	size_t n = 0;
	gn_err err = { 0 };
	if (gn_conflict_differences(app->census, app->db, k, &f, &n, &err) != GN_OK) {
		ui_status_err(app, &err);
		return y;
	}
	for (size_t i = 0; i < n && y < UI_LINES - 2; i++) {
		char line[1024];
		snprintf(line, sizeof line, "%s: %s → %s", f[i].label, f[i].local ? f[i].local : "—",
		         f[i].incoming ? f[i].incoming : "—");
		ui_put_pad(y++, 4, COLS - 6, line);
	}
	gn_conflict_fields_free(f, n);
	return y;
}

static void conflicts_draw(ui_view *v)
{
	conflicts_view *c = (conflicts_view *)v;
	ui_app *app = v->app;
	char right[64];
	snprintf(right, sizeof right, _("%zu waiting"), c->n);
	ui_title(app, _("Conflicts: records changed on two PCs"), right);
	if (!c->n) {
		ui_put(2, 2, COLS - 4, _("No open conflicts."));
		return;
	}
	int y = 2;
	ui_list_layout(&c->rows, 8); /* the differences below */
	for (size_t i = c->rows.top; ui_list_visible(&c->rows, i); i++, y++) {
		char line[512];
		snprintf(line, sizeof line, "%zu. %s %.8s…  %s  %s", i + 1,
		         strcmp(c->list[i].table_name, "person") == 0 ? _("person") : _("household"), c->list[i].record_id,
		         c->list[i].source, c->list[i].detected_at);
		if (i == c->rows.cur)
			attron(A_REVERSE);
		ui_put_pad(y, 2, COLS - 4, line);
		if (i == c->rows.cur)
			attroff(A_REVERSE);
	}
	y++;
	ui_put(y++, 2, COLS - 4, _("What differs (this PC → the file):"));
	draw_differences(app, &c->list[c->rows.cur], y);
}

static bool conflicts_key(ui_view *v, ui_action a, int key)
{
	(void)key;
	conflicts_view *c = (conflicts_view *)v;
	ui_app *app = v->app;
	switch (a) {
	case UA_KEEP_LOCAL:
	case UA_KEEP_INCOMING: {
		if (!c->n)
			return true;
		bool incoming = a == UA_KEEP_INCOMING;
		ui_prompt p = { 0 };
		if (ui_confirm(app, incoming ? _("Keep the file's version and replace this PC's?")
		                             : _("Keep this PC's version and drop the file's?"), &p) != UI_YES)
			return true;
		gn_census census = borrowed_census(app);
		gn_err err = { 0 };
		if (gn_conflict_resolve(&app->ctx, &census, c->list[c->rows.cur].id, incoming, &err) != GN_OK)
			ui_status_err(app, &err);
		else {
			ui_status(app, false, "%s", incoming ? _("The file's version is kept") : _("This PC's version is kept"));
			app->people_changed = true;
		}
		conflicts_open(v);
		return true;
	}
	default:
		return false;
	}
}

static void conflicts_close(ui_view *v)
{
	conflicts_view *c = (conflicts_view *)v;
	gn_conflicts_free(c->list, c->n);
	free(c);
}

ui_view *ui_conflicts_new(ui_app *app)
{
	conflicts_view *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->v = (ui_view){ .kind = UV_CONFLICTS, .open = conflicts_open, .draw = conflicts_draw, .handle_key = conflicts_key,
	                  .close = conflicts_close, .app = app, .list = &c->rows };
	return &c->v;
}
