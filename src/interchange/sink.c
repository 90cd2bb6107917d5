/* Export rows into CSV or an XLSX workbook (see sink.h). */
#include "sink.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/privacy.h"

#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unistr.h>
#include <xlsxwriter.h>

/* ---- CSV ------------------------------------------------------------------ */

static bool needs_quotes(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return true;
	return false;
}

void ex_sink_csv(ex_sink *s, FILE *out, bool plain, bool quote_all)
{
	memset(s, 0, sizeof *s);
	s->out = out;
	s->plain = plain;
	s->quote_all = quote_all;
	s->first = true;
}

static void csv_sep(ex_sink *s)
{
	if (!s->first)
		putc(',', s->out);
	s->first = false;
}

/* One text cell: guarded against formulas, quoted by libcsv when it must
 * be (or always, quote_all). */
static void csv_text(ex_sink *s, const char *v)
{
	if (!v)
		v = "";
	csv_sep(s);
	size_t n = strlen(v);
	bool guard = gn_csv_needs_guard(v);
	if (!guard && !s->quote_all && !needs_quotes(v, n)) {
		fwrite(v, 1, n, s->out);
		return;
	}
	char *tmp = NULL; /* "'" + v, only when guarded */
	const char *text = v;
	if (guard) {
		if (!(tmp = malloc(n + 2))) {
			s->failed = true;
			return;
		}
		tmp[0] = '\'';
		memcpy(tmp + 1, v, n + 1);
		text = tmp;
		n++;
	}
	if (s->quote_all || needs_quotes(text, n)) {
		size_t need = 2 * (n + 1) + 2;
		if (need > s->cap) {
			char *bigger = realloc(s->buf, need);
			if (!bigger) {
				free(tmp);
				s->failed = true;
				return;
			}
			s->buf = bigger;
			s->cap = need;
		}
		size_t m = csv_write2(s->buf, s->cap, text, n, CSV_QUOTE);
		if (m <= s->cap)
			fwrite(s->buf, 1, m, s->out);
		else
			s->failed = true;
	} else {
		fwrite(text, 1, n, s->out);
	}
	free(tmp);
}

/* ---- XLSX ----------------------------------------------------------------- */

#define MEASURED_ROWS 2000 /* widths from the header and the first rows */
#define MAX_WIDTH 60.0

typedef struct ex_xlsx {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *text, *head, *pct;
	char tmpdir[PATH_MAX];
	char sheet[32];        /* the first sheet's name */
	long sheet_rows;       /* with the header */
	int n_sheets;
	long row;              /* the next row in this sheet (0 = header) */
	int col;
	ex_sink_col *cols;     /* owned copy, headers too */
	size_t n_cols;
	double *width;         /* per column, in characters */
	long measured;
	long sheet_first[64];  /* data row (1-based, whole file) each sheet starts at */
	lxw_error error;
} ex_xlsx;

/* Column widths in characters of text (not bytes): a Vietnamese name of 20
 * letters is 20 wide in Excel's units (the width of a digit). */
static void measure(ex_xlsx *x, const char *v, double extra)
{
	if (x->col < 0 || (size_t)x->col >= x->n_cols || !v)
		return;
	double w = (double)u8_mbsnlen((const uint8_t *)v, strlen(v)) + extra;
	if (w > MAX_WIDTH)
		w = MAX_WIDTH;
	if (w > x->width[x->col])
		x->width[x->col] = w;
}

static void sheet_name(const ex_xlsx *x, int k, char *out, size_t size)
{
	if (k == 0)
		snprintf(out, size, "%s", x->sheet);
	else
		snprintf(out, size, "%s (%d)", x->sheet, k + 1);
}

static void remove_tmpdir(ex_xlsx *x)
{
	if (!*x->tmpdir)
		return;
	/* libxlsxwriter unlinks its files as it makes them; whatever is left
	 * after a failure goes too */
	DIR *d = opendir(x->tmpdir);
	if (d) {
		struct dirent *e;
		char p[PATH_MAX + 256];
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof p, "%s/%s", x->tmpdir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(x->tmpdir);
	x->tmpdir[0] = '\0';
}

static void xlsx_free(ex_sink *s)
{
	ex_xlsx *x = s->x;
	if (!x)
		return;
	remove_tmpdir(x);
	for (size_t i = 0; x->cols && i < x->n_cols; i++)
		free((char *)x->cols[i].header);
	free(x->cols);
	free(x->width);
	free(x);
	s->x = NULL;
}

gn_status ex_sink_xlsx_open(ex_sink *s, const char *path, const char *sheet, long sheet_rows, gn_err *err)
{
	memset(s, 0, sizeof *s);
	s->xlsx = true;
	if (sheet_rows <= 0 || sheet_rows > GN_XLSX_MAX_ROWS)
		sheet_rows = GN_XLSX_MAX_ROWS;
	if (sheet_rows < 2)
		return gn_fail(err, GN_ERR_INVALID, _("a sheet needs room for the header and one row"));
	ex_xlsx *x = calloc(1, sizeof *x);
	if (!x)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	s->x = x;
	x->sheet_rows = sheet_rows;
	snprintf(x->sheet, sizeof x->sheet, "%s", sheet);
	const char *base = getenv("TMPDIR");
	snprintf(x->tmpdir, sizeof x->tmpdir, "%s/gonha-xlsx-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(x->tmpdir)) { /* mode 0700 */
		int e = errno;
		x->tmpdir[0] = '\0';
		xlsx_free(s);
		return gn_fail(err, GN_ERR_IO, _("cannot make a private temporary folder: %s"), strerror(e));
	}
	lxw_workbook_options o = { .constant_memory = LXW_TRUE, .tmpdir = x->tmpdir, .use_zip64 = LXW_TRUE };
	x->wb = workbook_new_opt(path, &o);
	if (!x->wb) {
		xlsx_free(s);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	x->text = workbook_add_format(x->wb);
	format_set_num_format_index(x->text, 49); /* "@", text: Excel keeps "0912..." as typed */
	x->head = workbook_add_format(x->wb);
	format_set_num_format_index(x->head, 49);
	format_set_bold(x->head);
	x->pct = workbook_add_format(x->wb);
	format_set_num_format(x->pct, "0.0");
	return GN_OK;
}

/* A new data sheet with the header row, frozen. */
static gn_status new_sheet(ex_sink *s, gn_err *err)
{
	ex_xlsx *x = s->x;
	if (x->n_sheets >= (int)(sizeof x->sheet_first / sizeof *x->sheet_first))
		return gn_fail(err, GN_ERR_INVALID, _("the export needs more sheets than a workbook holds here"));
	char name[48];
	sheet_name(x, x->n_sheets, name, sizeof name);
	x->ws = workbook_add_worksheet(x->wb, name);
	if (!x->ws)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	x->sheet_first[x->n_sheets++] = s->rows + 1;
	worksheet_freeze_panes(x->ws, 1, 0);
	for (size_t i = 0; i < x->n_cols; i++) {
		lxw_error e = worksheet_write_string(x->ws, 0, (lxw_col_t)i, x->cols[i].header, x->head);
		if (e != LXW_NO_ERROR)
			return gn_fail(err, GN_ERR_IO, _("could not write the workbook: %s"), lxw_strerror(e));
	}
	x->row = 1;
	x->col = 0;
	return GN_OK;
}

/* Widths, column formats and the filter of a finished sheet (libxlsxwriter
 * writes them when the file is put together, so after the rows is fine). */
static void end_sheet(ex_xlsx *x)
{
	if (!x->ws)
		return;
	for (size_t i = 0; i < x->n_cols; i++) {
		/* a text column stays text for what is typed in it later, too */
		lxw_format *f = x->cols[i].number ? (x->cols[i].pct ? x->pct : NULL) : x->text;
		worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, x->width[i], f);
	}
	if (x->n_cols)
		worksheet_autofilter(x->ws, 0, 0, (lxw_row_t)(x->row - 1), (lxw_col_t)(x->n_cols - 1));
}

gn_status ex_sink_columns(ex_sink *s, const ex_sink_col *cols, size_t n, gn_err *err)
{
	if (!s->xlsx) {
		/* names: quoted only when they must be, also with quote_all */
		bool all = s->quote_all;
		s->quote_all = false;
		for (size_t i = 0; i < n; i++)
			csv_text(s, cols[i].header);
		s->quote_all = all;
		return ex_sink_end_row(s, err);
	}
	ex_xlsx *x = s->x;
	x->width = calloc(n ? n : 1, sizeof *x->width);
	x->cols = calloc(n ? n : 1, sizeof *x->cols);
	if (!x->width || !x->cols)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	for (size_t i = 0; i < n; i++) {
		x->cols[i] = cols[i];
		x->cols[i].header = strdup(cols[i].header ? cols[i].header : "");
		x->n_cols = i + 1;
		if (!x->cols[i].header)
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	for (size_t i = 0; i < n; i++) {
		x->col = (int)i;
		x->width[i] = 6;
		measure(x, cols[i].header, 3); /* bold, and the filter's button */
	}
	x->col = 0;
	return new_sheet(s, err);
}

/* The row and column of the next cell, starting a new sheet when this
 * one is full. */
static bool xlsx_cell(ex_sink *s, lxw_row_t *row, lxw_col_t *col)
{
	ex_xlsx *x = s->x;
	if (x->col == 0 && x->row >= x->sheet_rows) {
		end_sheet(x);
		gn_err e = { 0 };
		if (new_sheet(s, &e) != GN_OK) {
			s->failed = true;
			return false;
		}
	}
	*row = (lxw_row_t)x->row;
	*col = (lxw_col_t)x->col;
	return true;
}

void ex_sink_text(ex_sink *s, const char *v)
{
	if (!s->xlsx) {
		csv_text(s, v);
		return;
	}
	ex_xlsx *x = s->x;
	lxw_row_t r;
	lxw_col_t c;
	if (!xlsx_cell(s, &r, &c))
		return;
	/* A string cell is never a formula: no guard needed. Empty: no cell
	 * (the column's format is text). */
	if (v && *v) {
		lxw_error e = worksheet_write_string(x->ws, r, c, v, x->text);
		if (e != LXW_NO_ERROR) {
			x->error = e;
			s->failed = true;
		}
		if (x->measured < MEASURED_ROWS)
			measure(x, v, 1);
	}
	x->col++;
}

/* v as the workbook writes a number back ("%.16G"), or false. */
static bool as_number(const char *v, bool exact, double *d)
{
	if (!v || !*v)
		return false;
	char *end;
	errno = 0;
	*d = strtod(v, &end);
	if (*end || errno || !isfinite(*d) || end == v)
		return false;
	if (!exact)
		return true;
	char back[64];
	snprintf(back, sizeof back, "%.16G", *d);
	return strcmp(back, v) == 0;
}

void ex_sink_num(ex_sink *s, const char *literal)
{
	if (!s->xlsx) {
		csv_sep(s);
		if (literal)
			fputs(literal, s->out);
		return;
	}
	ex_xlsx *x = s->x;
	double d;
	const ex_sink_col *col = (size_t)x->col < x->n_cols ? &x->cols[x->col] : NULL;
	bool pct = col && col->pct;
	/* "1.0" stays text: as a number it would come back as "1" */
	if (!as_number(literal, !pct, &d)) {
		ex_sink_text(s, literal);
		return;
	}
	lxw_row_t r;
	lxw_col_t c;
	if (!xlsx_cell(s, &r, &c))
		return;
	lxw_error e = worksheet_write_number(x->ws, r, c, d, pct ? x->pct : NULL);
	if (e != LXW_NO_ERROR) {
		x->error = e;
		s->failed = true;
	}
	if (x->measured < MEASURED_ROWS)
		measure(x, literal, 1);
	x->col++;
}

gn_status ex_sink_end_row(ex_sink *s, gn_err *err)
{
	if (!s->xlsx) {
		fputs(s->plain ? "\n" : "\r\n", s->out);
		s->first = true;
		if (s->failed)
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		return ferror(s->out) ? gn_stream_write_fail(err, errno) : GN_OK;
	}
	ex_xlsx *x = s->x;
	if (s->failed)
		return x->error ? gn_fail(err, GN_ERR_IO, _("could not write the workbook: %s"), lxw_strerror(x->error))
		                : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (x->col == 0 && x->n_cols) {
		/* a row with no cells written: keep its place */
		lxw_row_t r;
		lxw_col_t c;
		if (!xlsx_cell(s, &r, &c))
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	x->row++;
	x->col = 0;
	x->measured++;
	s->rows++;
	return GN_OK;
}

/* When the rows took more than one sheet, a last sheet "Ghi chú" says so:
 * in Vietnamese, the file's language, like the --labels headers. */
static void write_note(ex_xlsx *x, long rows)
{
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Ghi chú");
	if (!ws)
		return;
	char line[512], name[48];
	snprintf(line, sizeof line,
	         "Tệp có %ld dòng dữ liệu, nhiều hơn một trang chứa được (%ld dòng): dữ liệu nằm trên %d trang, "
	         "nối tiếp nhau theo thứ tự, mỗi trang có lại dòng tiêu đề.",
	         rows, x->sheet_rows - 1, x->n_sheets);
	worksheet_write_string(ws, 0, 0, line, NULL);
	worksheet_write_string(ws, 2, 0, "Trang", x->head);
	worksheet_write_string(ws, 2, 1, "Từ dòng dữ liệu", x->head);
	worksheet_write_string(ws, 2, 2, "Đến dòng", x->head);
	for (int k = 0; k < x->n_sheets; k++) {
		sheet_name(x, k, name, sizeof name);
		long last = k + 1 < x->n_sheets ? x->sheet_first[k + 1] - 1 : rows;
		worksheet_write_string(ws, (lxw_row_t)(3 + k), 0, name, x->text);
		worksheet_write_number(ws, (lxw_row_t)(3 + k), 1, (double)x->sheet_first[k], NULL);
		worksheet_write_number(ws, (lxw_row_t)(3 + k), 2, (double)last, NULL);
	}
	worksheet_set_column(ws, 0, 0, 18, NULL);
	worksheet_set_column(ws, 1, 2, 16, NULL);
}

gn_status ex_sink_close(ex_sink *s, bool ok, gn_err *err)
{
	gn_status st = GN_OK;
	if (!s->xlsx) {
		free(s->buf);
		s->buf = NULL;
		return GN_OK;
	}
	ex_xlsx *x = s->x;
	if (!x)
		return GN_OK;
	if (x->wb) {
		if (ok) {
			end_sheet(x);
			if (x->n_sheets > 1)
				write_note(x, s->rows);
		}
		/* the zip is put together here (also when not ok: it frees) */
		errno = 0;
		lxw_error e = workbook_close(x->wb);
		int sys = errno; /* a full disk is a system error inside the zip's */
		x->wb = NULL;
		if (ok && e != LXW_NO_ERROR)
			st = sys ? gn_stream_write_fail(err, sys)
			         : gn_fail(err, GN_ERR_IO, _("could not write the workbook: %s"), lxw_strerror(e));
	}
	xlsx_free(s);
	return st;
}

lxw_workbook *ex_sink_workbook(ex_sink *s, const char **sheet)
{
	if (!s->xlsx || !s->x)
		return NULL;
	if (sheet)
		*sheet = s->x->sheet;
	return s->x->wb;
}

gn_status ex_write_xlsx(const char *path, const char *sheet, long sheet_rows, ex_fill_fn fn, void *arg,
                        gn_err *err)
{
	char part[PATH_MAX];
	gn_private_part_path(path, part, sizeof part);
	/* made 0600 here; libxlsxwriter opens the same path and keeps the mode */
	FILE *f = gn_private_create(part, err);
	if (!f)
		return err && err->status ? err->status : GN_ERR_IO;
	if (fclose(f) != 0) {
		gn_private_discard(part);
		return gn_fail(err, GN_ERR_IO, _("could not write %s"), path);
	}
	ex_sink s;
	gn_status st = ex_sink_xlsx_open(&s, part, sheet, sheet_rows, err);
	if (st == GN_OK) {
		st = fn(arg, &s, err);
		gn_status cs = ex_sink_close(&s, st == GN_OK, err);
		if (st == GN_OK)
			st = cs;
	}
	if (st == GN_ERR_IO && err && err->sys_errno) /* the file and the cause */
		st = gn_private_write_fail(err, path, err->sys_errno);
	if (st == GN_OK)
		return gn_private_publish(part, path, err);
	gn_private_discard(part);
	return st;
}

gn_status ex_write_stream(const char *path, ex_stream_fn fn, void *arg, gn_err *err)
{
	char part[PATH_MAX];
	gn_private_part_path(path, part, sizeof part);
	FILE *out = gn_private_create(part, err);
	if (!out)
		return err && err->status ? err->status : GN_ERR_IO;
	/* a big buffer: the file is written in few system calls */
	static char iobuf[1 << 16];
	setvbuf(out, iobuf, _IOFBF, sizeof iobuf);
	gn_status st = fn(arg, out, err);
	int write_errno = err && err->sys_errno ? err->sys_errno : ferror(out) ? errno : 0;
	if (fclose(out) != 0 && !write_errno)
		write_errno = errno;
	if (write_errno && (st == GN_OK || st == GN_ERR_IO)) /* a full disk says so, with the file */
		st = gn_private_write_fail(err, path, write_errno);
	if (st == GN_OK)
		return gn_private_publish(part, path, err);
	gn_private_discard(part);
	return st;
}

typedef struct csv_job {
	bool plain;
	ex_fill_fn fn;
	void *arg;
} csv_job;

static gn_status fill_csv(void *arg, FILE *out, gn_err *err)
{
	csv_job *j = arg;
	ex_sink s;
	ex_sink_csv(&s, out, j->plain, false);
	gn_status st = j->fn(j->arg, &s, err);
	gn_status cs = ex_sink_close(&s, st == GN_OK, err);
	return st == GN_OK ? cs : st;
}

gn_status ex_write_csv(const char *path, bool plain, ex_fill_fn fn, void *arg, gn_err *err)
{
	csv_job j = { plain, fn, arg };
	return ex_write_stream(path, fill_csv, &j, err);
}
