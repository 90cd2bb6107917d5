/* gonha import of a workbook: the sheets of one export become the CSV that
 * gn_import reads, in a private temporary file, so that import.c keeps
 * the one set of rules for every file.
 *
 * - Sheets in the workbook's order; a sheet named "Ghi chú" (the note an
 *   export adds when its rows took several sheets) is left out, and so are
 *   sheets with no cells. The first non-empty row of the first sheet is
 *   the header; a later sheet whose first row is that header again (a
 *   continuation) has it skipped.
 * - One sheet row = one CSV line: every cell is quoted, rows with no cells
 *   are left out, and each line's sheet and row are kept in a short table
 *   of stretches, so a problem gn_import reports at a line is given back
 *   at its sheet row (and sheet name, when there are several). A cell
 *   holding a line break stays one quoted CSV cell over two physical
 *   lines; the table starts a new stretch after it, so later rows keep
 *   their numbers.
 * - Cell values are the cells' own texts: a string cell is never a
 *   formula, so a value starting with = + - @ ' gets the CSV guard (') that
 *   gn_import takes away again. Number cells come as their literal text
 *   in the file ("912345678" for a phone a spreadsheet made a number):
 *   gn_import undoes what it can be sure of, or refuses.
 * - A number cell styled as a date (a spreadsheet read "12/3" or
 *   "20/11/2026" as a date) and a formula error are refused at their row
 *   here, with the column named: the file is checked by a dry run of
 *   gn_import as well, so that every problem of the file is reported at
 *   once, and nothing is changed. The serial number is what the CSV line
 *   carries (docs/exchange.md). */
#include "gonha/domain/sealed.h"
#include "gonha/domain/privacy.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"
#include "gonha/domain/privacy.h"
#include "gonha/interchange/xlsx.h"

#include <csv.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOTE_SHEET "Ghi chú"

typedef struct stretch {
	long line;   /* first CSV line of the stretch */
	int sheet;
	long row;    /* its sheet row */
} stretch;

typedef struct found {
	long line;
	char *msg;
} found;

typedef struct conv {
	FILE *out;
	gn_xlsx *x;
	int sheet;
	bool first;           /* the first data sheet */
	bool header_seen;     /* in this sheet */
	char **header;        /* owned: the header's cells */
	size_t n_header;
	long line;            /* the next CSV line */
	stretch *st;
	size_t n_st, cap_st;
	found *f;             /* date and error cells */
	size_t n_f;
	long f_total;
	char *buf;
	size_t cap;
	int n_sheets_used;
	const gn_import_options *opt;
	long rows;            /* rows written, for the progress bar */
} conv;

static size_t used_cells(const gn_xlsx_row *r)
{
	size_t n = r->n;
	while (n > 0 && r->cells[n - 1].kind == GN_XLSX_EMPTY)
		n--;
	return n;
}

static bool is_header_again(const conv *c, const gn_xlsx_row *r, size_t n)
{
	if (n != c->n_header)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(r->cells[i].text, c->header[i]) != 0)
			return false;
	return true;
}

static gn_status put_cell(conv *c, const char *s, size_t n, gn_err *err)
{
	bool guard = gn_csv_needs_guard(s);
	size_t need = 2 * (n + 2) + 2;
	if (need > c->cap) {
		char *bigger = realloc(c->buf, need);
		if (!bigger)
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		c->buf = bigger;
		c->cap = need;
	}
	size_t m;
	if (guard) {
		char *tmp = malloc(n + 2);
		if (!tmp)
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		tmp[0] = '\'';
		memcpy(tmp + 1, s, n + 1);
		m = csv_write2(c->buf, c->cap, tmp, n + 1, CSV_QUOTE);
		free(tmp);
	} else {
		m = csv_write2(c->buf, c->cap, s, n, CSV_QUOTE);
	}
	if (m > c->cap)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	fwrite(c->buf, 1, m, c->out);
	return GN_OK;
}

static gn_status add_found(conv *c, long line, char *msg, gn_err *err)
{
	if (!msg)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	c->f_total++;
	if (c->n_f >= GN_EX_MAX_PROBLEMS) {
		free(msg);
		return GN_OK;
	}
	found *bigger = realloc(c->f, (c->n_f + 1) * sizeof *bigger);
	if (!bigger) {
		free(msg);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	c->f = bigger;
	c->f[c->n_f++] = (found){ line, msg };
	return GN_OK;
}

static gn_status on_row(void *arg, const gn_xlsx_row *r, gn_err *err)
{
	conv *c = arg;
	size_t n = used_cells(r);
	if (n == 0)
		return GN_OK; /* a row with nothing in it: no line */
	bool header = false;
	if (!c->header_seen) {
		c->header_seen = true;
		if (c->first) {
			header = true;
			if (!(c->header = calloc(n, sizeof *c->header)))
				return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			for (size_t i = 0; i < n; i++) {
				if (!(c->header[i] = strdup(r->cells[i].text)))
					return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
				c->n_header = i + 1;
			}
		} else if (is_header_again(c, r, n)) {
			return GN_OK; /* a continuation sheet's header */
		}
	}
	/* where this line is: a new stretch when it does not follow on */
	stretch *last = c->n_st ? &c->st[c->n_st - 1] : NULL;
	if (!last || last->sheet != c->sheet || c->line - last->line != r->row - last->row) {
		if (c->n_st == c->cap_st) {
			size_t cap = c->cap_st ? 2 * c->cap_st : 16;
			stretch *bigger = realloc(c->st, cap * sizeof *bigger);
			if (!bigger)
				return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			c->st = bigger;
			c->cap_st = cap;
		}
		c->st[c->n_st++] = (stretch){ c->line, c->sheet, r->row };
	}
	size_t width = !header && n < c->n_header ? c->n_header : n;
	long breaks = 0;
	for (size_t i = 0; i < width; i++) {
		const gn_xlsx_cell *cell = i < r->n ? &r->cells[i] : NULL;
		const char *text = cell ? cell->text : "";
		size_t len = cell ? cell->len : 0;
		if (i)
			putc(',', c->out);
		gn_status st = put_cell(c, text, len, err);
		if (st != GN_OK)
			return st;
		for (size_t k = 0; k < len; k++)
			breaks += text[k] == '\n';
		if (header || !cell)
			continue;
		const char *col = i < c->n_header ? c->header[i] : "?";
		if (cell->date && (cell->kind == GN_XLSX_NUMBER || cell->kind == GN_XLSX_TEXT))
			st = add_found(c, c->line,
			               gn_dupf(_("column %s: the spreadsheet made this cell a date (%s), so what was typed "
			                              "cannot be known for certain; format the column as Text, type the value "
			                              "again and save"),
			                            col, text),
			               err);
		else if (cell->kind == GN_XLSX_ERROR)
			st = add_found(c, c->line,
			               gn_dupf(_("column %s: the cell holds a spreadsheet error (%s), not a value"), col, text),
			               err);
		if (st != GN_OK)
			return st;
	}
	putc('\n', c->out);
	c->line += 1 + breaks;
	if (++c->rows % 65536 == 0 && c->opt->progress)
		c->opt->progress(c->opt->progress_arg, c->rows, 0); /* reading the workbook */
	return ferror(c->out) ? gn_fail(err, GN_ERR_IO, _("could not write a temporary file: %s"), strerror(errno))
	                      : GN_OK;
}

static const stretch *stretch_of(const conv *c, long line)
{
	size_t lo = 0, hi = c->n_st;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (c->st[mid].line <= line)
			lo = mid;
		else
			hi = mid;
	}
	return c->n_st ? &c->st[lo] : NULL;
}

/* A problem at CSV line -> at its sheet row, with the sheet's name when the
 * file has several sheets. Takes msg. */
static void place(const conv *c, long *line, char **msg)
{
	const stretch *s = stretch_of(c, *line);
	if (!s || *line < s->line)
		return;
	long row = s->row + (*line - s->line);
	if (c->n_sheets_used > 1) {
		char *m = gn_dupf(_("sheet %s: %s"), gn_xlsx_sheet_name(c->x, (size_t)s->sheet), *msg);
		if (m) {
			free(*msg);
			*msg = m;
		}
	}
	*line = row;
}

static int by_line(const void *a, const void *b)
{
	const gn_ex_problem *x = a, *y = b;
	return x->line < y->line ? -1 : x->line > y->line;
}

gn_status gn_import_xlsx(gn_ctx *ctx, const gn_census *census, const char *path, const gn_import_options *opt,
                         gn_import_report *rep, gn_err *err)
{
	static const gn_import_options defaults = { 0 };
	if (!opt)
		opt = &defaults;
	memset(rep, 0, sizeof *rep);
	conv c = { .first = true, .line = 1, .opt = opt };
	gn_status st = gn_xlsx_open(path, NULL, &c.x, err);
	if (st != GN_OK)
		return st;

	/* the CSV, in a private folder, under the workbook's own name: the
	 * audit log names the file that came */
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX], csv[PATH_MAX + 256];
	snprintf(dir, sizeof dir, "%s/gonha-import-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) { /* 0700 */
		gn_xlsx_close(c.x);
		return gn_fail(err, GN_ERR_IO, _("cannot make a private temporary folder: %s"), strerror(errno));
	}
	const char *base = strrchr(path, '/');
	snprintf(csv, sizeof csv, "%s/%s", dir, base ? base + 1 : path);
	c.out = gn_private_create(csv, err);
	if (!c.out) {
		st = err && err->status ? err->status : GN_ERR_IO;
		rmdir(dir);
		gn_xlsx_close(c.x);
		return st;
	}
	for (size_t i = 0; st == GN_OK && i < gn_xlsx_sheet_count(c.x); i++) {
		if (strcmp(gn_xlsx_sheet_name(c.x, i), NOTE_SHEET) == 0)
			continue;
		c.sheet = (int)i;
		c.header_seen = false;
		long before = c.line;
		st = gn_xlsx_read_sheet(c.x, i, on_row, &c, err);
		if (c.line != before || (c.first && c.header_seen)) {
			c.n_sheets_used++;
			c.first = false;
		}
	}
	if (fclose(c.out) != 0 && st == GN_OK)
		st = gn_fail(err, GN_ERR_IO, _("could not write a temporary file: %s"), strerror(errno));

	if (st == GN_OK) {
		gn_import_options o = *opt;
		if (c.f_total)
			o.dry_run = true; /* only to find the file's other problems */
		st = gn_import(ctx, census, csv, &o, rep, err);
		if (c.f_total) {
			/* the cells refused here go with gn_import's problems, in order */
			size_t room = GN_EX_MAX_PROBLEMS > rep->n_problems ? GN_EX_MAX_PROBLEMS - rep->n_problems : 0;
			size_t add = c.n_f < room ? c.n_f : room;
			gn_ex_problem *p = realloc(rep->problems, (rep->n_problems + add + 1) * sizeof *p);
			if (p) {
				rep->problems = p;
				for (size_t i = 0; i < c.n_f; i++) {
					bool dup = i > 0 && c.f[i - 1].line == c.f[i].line;
					for (size_t k = 0; k < rep->n_problems && !dup; k++)
						dup = p[k].line == c.f[i].line;
					if (!dup)
						rep->rows_refused++;
					if (i < add) {
						p[rep->n_problems++] = (gn_ex_problem){ c.f[i].line, c.f[i].msg };
						c.f[i].msg = NULL;
					}
				}
				qsort(rep->problems, rep->n_problems, sizeof *rep->problems, by_line);
			}
			rep->problems_total += c.f_total;
			rep->added = rep->updated = rep->unchanged = rep->kept_local = rep->conflicts = 0;
			st = gn_fail(err, GN_ERR_INVALID, ngettext("%ld row refused: nothing was imported", "%ld rows refused: nothing was imported",
			                                            (unsigned long)rep->rows_refused),
			             rep->rows_refused);
		}
		for (size_t i = 0; i < rep->n_problems; i++)
			place(&c, &rep->problems[i].line, &rep->problems[i].msg);
	}
	remove(csv);
	rmdir(dir);
	for (size_t i = 0; i < c.n_f; i++)
		free(c.f[i].msg);
	free(c.f);
	for (size_t i = 0; i < c.n_header; i++)
		free(c.header[i]);
	free(c.header);
	free(c.st);
	free(c.buf);
	gn_xlsx_close(c.x);
	return st;
}

gn_status gn_import_file(gn_ctx *ctx, const gn_census *census, const char *path, const gn_import_options *opt,
                         gn_import_report *rep, gn_err *err)
{
	if (gn_sealed_is(path)) {
		if (!opt || !opt->seal_passphrase || !opt->work_dir)
			return gn_fail_field(err, GN_ERR_DENIED, "passphrase", _("%s is sealed: its passphrase is needed"),
			                     path);
		char opened[PATH_MAX];
		snprintf(opened, sizeof opened, "%s/opening-import.part", opt->work_dir);
		gn_private_discard(opened); /* one left by a kill */
		gn_status st = gn_unseal_file(path, opened, opt->seal_passphrase, err);
		if (st == GN_OK) {
			gn_import_options plain = *opt;
			plain.seal_passphrase = NULL;
			st = gn_import_file(ctx, census, opened, &plain, rep, err);
			gn_private_discard(opened);
		}
		return st;
	}
	if (gn_xlsx_is_zip(path))
		return gn_import_xlsx(ctx, census, path, opt, rep, err);
	return gn_import(ctx, census, path, opt, rep, err);
}
