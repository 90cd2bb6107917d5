#include "sheet.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"

#include <stdint.h>
#include <unistr.h>

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A questionnaire's sheet is small: a file larger than this is refused
 * before it is held in memory whole. */
#define SHEET_MAX_BYTES (16 << 20)

typedef struct reader {
	sheet *out;
	sheet_row row;    /* being built */
	int line;         /* current physical line */
	int row_line;     /* line the current row started on */
	int last_row, last_end; /* the previous row's spreadsheet row and the line it ended on */
	bool failed;
} reader;

static void on_field(void *data, size_t len, void *ctx)
{
	reader *r = ctx;
	if (r->failed)
		return;
	if (r->row.n == 0)
		r->row_line = r->line;
	char **cells = realloc(r->row.cells, (r->row.n + 1) * sizeof *cells);
	char *cell = malloc(len + 1);
	if (!cells || !cell) {
		free(cell);
		if (cells)
			r->row.cells = cells;
		r->failed = true;
		return;
	}
	if (len)
		memcpy(cell, data, len);
	cell[len] = '\0';
	r->row.cells = cells;
	r->row.cells[r->row.n++] = cell;
}

static void on_row(int c, void *ctx)
{
	(void)c;
	reader *r = ctx;
	if (r->failed)
		return;
	sheet_row *rows = realloc(r->out->rows, (r->out->n + 1) * sizeof *rows);
	if (!rows) {
		r->failed = true;
		return;
	}
	r->out->rows = rows;
	r->row.line = r->row_line ? r->row_line : r->line;
	r->row.row = r->last_row + (r->row.line - r->last_end); /* blank lines between are empty rows */
	r->last_row = r->row.row;
	r->last_end = r->line;
	r->out->rows[r->out->n++] = r->row;
	memset(&r->row, 0, sizeof r->row);
	r->row_line = 0;
}

void sheet_free(sheet *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (size_t k = 0; k < s->rows[i].n; k++)
			free(s->rows[i].cells[k]);
		free(s->rows[i].cells);
	}
	for (size_t i = 0; s->col_lang && s->n && i < s->rows[0].n; i++)
		free(s->col_lang[i]);
	free(s->col_lang);
	free(s->rows);
	memset(s, 0, sizeof *s);
}

gn_status sheet_parse(const char *data, size_t len, sheet *out, gn_err *err)
{
	memset(out, 0, sizeof *out);
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	const uint8_t *bad = u8_check((const uint8_t *)data, len);
	if (bad) {
		int line = 1;
		for (const char *p = data; p < (const char *)bad; p++)
			line += *p == '\n';
		return gn_fail(err, GN_ERR_INVALID, _("line %d: the file is not UTF-8 text; save it as \"CSV UTF-8\""), line);
	}
	struct csv_parser p;
	if (csv_init(&p, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI) != 0)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	reader r = { .out = out, .line = 1 };
	gn_status st = GN_OK;
	/* One physical line at a time, so each row knows where it started. */
	size_t start = 0;
	while (start < len && st == GN_OK) {
		const char *nl = memchr(data + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - data) + 1 : len;
		if (csv_parse(&p, data + start, end - start, on_field, on_row, &r) != end - start)
			st = gn_fail(err, GN_ERR_INVALID, _("line %d: %s"), r.line, csv_strerror(csv_error(&p)));
		start = end;
		r.line++;
	}
	if (st == GN_OK && csv_fini(&p, on_field, on_row, &r) != 0)
		st = gn_fail(err, GN_ERR_INVALID, _("line %d: a quoted cell is not closed"), r.row_line ? r.row_line : r.line);
	if (st == GN_OK && r.failed)
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	for (size_t k = 0; k < r.row.n; k++)
		free(r.row.cells[k]);
	free(r.row.cells);
	csv_free(&p);
	if (st != GN_OK)
		sheet_free(out);
	return st;
}

gn_status sheet_read(const char *path, sheet *out, gn_err *err)
{
	memset(out, 0, sizeof *out);
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT)
			return gn_fail(err, GN_ERR_NOT_FOUND, _("there is no file %s"), path);
		return gn_fail(err, GN_ERR_IO, _("cannot open %s: %s"), path, strerror(errno));
	}
	char *data = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len > SHEET_MAX_BYTES) {
			free(data);
			fclose(f);
			return gn_fail(err, GN_ERR_INVALID, _("%s is larger than a questionnaire's sheet can be (%d MB)"), path,
			               SHEET_MAX_BYTES >> 20);
		}
		if (len + 65536 > cap) {
			char *bigger = realloc(data, cap = len + 65536);
			if (!bigger) {
				free(data);
				fclose(f);
				return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			}
			data = bigger;
		}
		size_t n = fread(data + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	gn_status st = bad ? gn_fail(err, GN_ERR_IO, _("cannot read %s"), path) : sheet_parse(data, len, out, err);
	free(data);
	return st;
}

int sheet_column(const sheet *s, const char *name)
{
	if (s->n == 0)
		return -1;
	for (size_t i = 0; i < s->rows[0].n; i++)
		if (strcmp(s->rows[0].cells[i], name) == 0)
			return (int)i;
	return -1;
}

const char *sheet_cell(const sheet *s, size_t r, int c)
{
	if (c < 0 || r >= s->n || (size_t)c >= s->rows[r].n)
		return "";
	return s->rows[r].cells[c];
}
