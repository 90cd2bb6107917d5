/* The XLSX reader: a sheet's rows, streamed (see xlsx_internal.h). */
#include "xlsx_internal.h"
#include "gonha/core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a sheet's rows ------------------------------------------------------------------------ */

typedef struct rcell {
	size_t off, len;
	gn_xlsx_kind kind;
	bool date;
} rcell;

typedef struct sheet_ctx {
	part_ctx pc;
	gn_xlsx *x;
	gn_xlsx_row_fn fn;
	void *arg;
	bool in_data, in_row, in_cell, in_v, in_is;
	int in_t, in_rph;
	long row, last_row;
	long col;         /* of the cell being read, 0-based */
	char type[12];
	long style;
	tbuf text;        /* every cell text of the row, NUL after each */
	size_t cell_start;
	bool has_v, has_is;
	rcell *cells;
	size_t n_cells, cap_cells;
	gn_xlsx_cell *out;
	size_t cap_out;
} sheet_ctx;

/* "AB12" -> column 27 (0-based 27), row 12; false if not a reference. */
static bool cell_ref(const char *r, long *col, long *row)
{
	long c = 0, n = 0;
	const char *p = r;
	while (*p >= 'A' && *p <= 'Z' && c <= MAX_COLS)
		c = c * 26 + (*p++ - 'A' + 1);
	while (*p >= '0' && *p <= '9' && n <= MAX_ROWS)
		n = n * 10 + (*p++ - '0');
	if (*p || c == 0)
		return false;
	*col = c - 1;
	*row = n;
	return true;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	sheet_ctx *c = ud;
	const char *l = xl_local(name);
	if (strcmp(l, "sheetData") == 0) {
		c->in_data = true;
	} else if (!c->in_data) {
		return;
	} else if (strcmp(l, "row") == 0) {
		const char *r = xl_attr(atts, "r");
		long row = r ? atol(r) : c->last_row + 1;
		if (row <= c->last_row || row > MAX_ROWS) {
			xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_INVALID, _("the workbook is damaged: row %ld of %s is out of order"),
			                     row, c->pc.part));
			return;
		}
		c->in_row = true;
		c->row = row;
		c->n_cells = 0;
		c->text.len = 0;
	} else if (strcmp(l, "c") == 0 && c->in_row) {
		const char *r = xl_attr(atts, "r"), *t = xl_attr(atts, "t"), *s = xl_attr(atts, "s");
		long col = (long)c->n_cells, row = c->row;
		if (r && (!cell_ref(r, &col, &row) || row != c->row || col >= MAX_COLS || col < (long)c->n_cells)) {
			xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_INVALID, _("the workbook is damaged: cell %s is out of place"), r));
			return;
		}
		c->in_cell = true;
		c->col = col;
		snprintf(c->type, sizeof c->type, "%s", t ? t : "n");
		c->style = s ? atol(s) : 0;
		c->has_v = c->has_is = false;
		c->cell_start = c->text.len;
	} else if (c->in_cell && strcmp(l, "v") == 0) {
		c->in_v = true;
		c->has_v = true;
	} else if (c->in_cell && strcmp(l, "is") == 0) {
		c->in_is = true;
		c->has_is = true;
	} else if (c->in_is && strcmp(l, "rPh") == 0) {
		c->in_rph++;
	} else if (c->in_is && strcmp(l, "t") == 0) {
		c->in_t++;
	}
}

static bool add_cell(sheet_ctx *c, rcell cell)
{
	if (c->n_cells == c->cap_cells) {
		size_t cap = c->cap_cells ? 2 * c->cap_cells : 64;
		rcell *bigger = realloc(c->cells, cap * sizeof *bigger);
		if (!bigger)
			return false;
		c->cells = bigger;
		c->cap_cells = cap;
	}
	c->cells[c->n_cells++] = cell;
	return true;
}

static void end_cell(sheet_ctx *c)
{
	gn_xlsx *x = c->x;
	/* empty cells before this one */
	while ((long)c->n_cells < c->col)
		if (!add_cell(c, (rcell){ 0 })) {
			xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
			return;
		}
	size_t len = c->text.len - c->cell_start;
	char *s = c->text.s ? c->text.s + c->cell_start : NULL;
	rcell cell = { c->cell_start, len, GN_XLSX_EMPTY, false };
	const char *t = c->type;
	if (strcmp(t, "s") == 0) {
		char *end;
		unsigned long k = s && len ? strtoul(s, &end, 10) : 0;
		if (!s || !len || *end || k >= x->n_sst) {
			xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_INVALID, _("the workbook is damaged: a cell of %s names a shared "
			                                                  "string that is not there"),
			                     c->pc.part));
			return;
		}
		const char *str = x->sst + x->sst_off[k];
		c->text.len = c->cell_start;
		xl_tb_add(&c->text, str, strlen(str));
		cell.len = strlen(str);
		cell.kind = cell.len ? GN_XLSX_TEXT : GN_XLSX_EMPTY;
	} else if (strcmp(t, "inlineStr") == 0) {
		cell.len = len ? xl_decode_xstring(s, len) : 0;
		c->text.len = c->cell_start + cell.len;
		cell.kind = cell.len ? GN_XLSX_TEXT : GN_XLSX_EMPTY;
	} else if (strcmp(t, "b") == 0) {
		bool on = s && len && s[0] == '1';
		c->text.len = c->cell_start;
		if (c->has_v)
			xl_tb_add(&c->text, on ? "TRUE" : "FALSE", on ? 4 : 5);
		cell.len = c->text.len - c->cell_start;
		cell.kind = cell.len ? GN_XLSX_BOOL : GN_XLSX_EMPTY;
	} else if (strcmp(t, "e") == 0) {
		cell.kind = len ? GN_XLSX_ERROR : GN_XLSX_EMPTY;
	} else if (strcmp(t, "str") == 0) {
		cell.len = len ? xl_decode_xstring(s, len) : 0;
		c->text.len = c->cell_start + cell.len;
		cell.kind = cell.len ? GN_XLSX_TEXT : GN_XLSX_EMPTY;
	} else if (strcmp(t, "d") == 0) {
		cell.kind = len ? GN_XLSX_TEXT : GN_XLSX_EMPTY;
		cell.date = len > 0;
	} else { /* "n" */
		cell.kind = len ? GN_XLSX_NUMBER : GN_XLSX_EMPTY;
		cell.date = len && c->style >= 0 && (size_t)c->style < x->n_xf && x->xf_date[c->style];
	}
	if (cell.len > x->lim.cell_bytes) {
		xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_INVALID,
		                     _("row %ld of the workbook has a cell longer than a spreadsheet allows"), c->row));
		return;
	}
	xl_tb_add(&c->text, "", 1); /* the NUL after the cell */
	if (c->text.failed || !add_cell(c, cell))
		xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	sheet_ctx *c = ud;
	const char *l = xl_local(name);
	if (!c->in_data)
		return;
	if (strcmp(l, "sheetData") == 0) {
		c->in_data = false;
	} else if (strcmp(l, "v") == 0) {
		c->in_v = false;
	} else if (strcmp(l, "rPh") == 0 && c->in_rph) {
		c->in_rph--;
	} else if (strcmp(l, "t") == 0 && c->in_t) {
		c->in_t--;
	} else if (strcmp(l, "is") == 0) {
		c->in_is = false;
	} else if (strcmp(l, "c") == 0 && c->in_cell) {
		c->in_cell = false;
		end_cell(c);
	} else if (strcmp(l, "row") == 0 && c->in_row) {
		c->in_row = false;
		c->last_row = c->row;
		if (c->pc.st != GN_OK)
			return;
		if (c->n_cells > c->cap_out) {
			gn_xlsx_cell *bigger = realloc(c->out, c->n_cells * sizeof *bigger);
			if (!bigger) {
				xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
				return;
			}
			c->out = bigger;
			c->cap_out = c->n_cells;
		}
		for (size_t i = 0; i < c->n_cells; i++) {
			rcell *r = &c->cells[i];
			c->out[i] = (gn_xlsx_cell){ r->kind == GN_XLSX_EMPTY || !c->text.s ? "" : c->text.s + r->off, r->len,
				                        r->kind, r->date };
			if (r->kind == GN_XLSX_EMPTY)
				c->out[i].len = 0;
		}
		gn_xlsx_row row = { c->row, c->out, c->n_cells };
		gn_status st = c->fn(c->arg, &row, c->pc.err);
		if (st != GN_OK)
			xl_stop(&c->pc, st);
	}
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int len)
{
	sheet_ctx *c = ud;
	if (!c->in_cell || !(c->in_v || (c->in_is && c->in_t && !c->in_rph)))
		return;
	if (c->text.len - c->cell_start + (size_t)len > c->x->lim.cell_bytes + 8) {
		xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_INVALID,
		                     _("row %ld of the workbook has a cell longer than a spreadsheet allows"), c->row));
		return;
	}
	xl_tb_add(&c->text, s, (size_t)len);
	if (c->text.failed)
		xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
}

gn_status gn_xlsx_read_sheet(gn_xlsx *x, size_t sheet, gn_xlsx_row_fn fn, void *arg, gn_err *err)
{
	if (sheet >= x->n_sheets)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("the workbook has no sheet %zu"), sheet + 1);
	sheet_ctx c = { .x = x, .fn = fn, .arg = arg };
	gn_status st = xl_parse_part(x, x->sheets[sheet].part, false, &c.pc, sheet_start, sheet_end, sheet_text,
	                          x->lim.part_bytes, err);
	free(c.text.s);
	free(c.cells);
	free(c.out);
	return st;
}

gn_status gn_xlsx_read_sheet_named(gn_xlsx *x, const char *name, gn_xlsx_row_fn fn, void *arg, gn_err *err)
{
	int i = gn_xlsx_sheet_find(x, name);
	if (i < 0)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("the workbook has no sheet %s"), name);
	return gn_xlsx_read_sheet(x, (size_t)i, fn, arg, err);
}
