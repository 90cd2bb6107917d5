/* A questionnaire written as a workbook: an .xlsx read with the XLSX
 * reader (xlsx_read.c, xlsx_sheet.c), an .xls (Excel 97-2003) with FreeXL;
 * each cell made text as pyxform makes it, and the sheets handed to the
 * forms layer (gn_form_load_book). */
#include "gonha/interchange/xlsx.h"
#include "gonha/forms/form.h"
#include "gonha/core/i18n.h"

#include <ctype.h>
#include <freexl.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-input-stdio.h>
#include <gsf/gsf-utils.h>
#include <stdint.h>
#include <unistr.h>
#include <sys/stat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A questionnaire is small: these bound what a hostile file can make us
 * read (the zip's parts, the shared strings, each cell). */
#define FORM_PART_BYTES (64ULL << 20)
#define FORM_SHARED_BYTES (32ULL << 20)
#define FORM_RATIO 200

typedef struct book_ctx {
	gn_form_book *book;
	const char *sheet; /* the forms layer's name for it */
	bool header_seen;
} book_ctx;

/* Whole numbers without ".0", others as Python's str() writes a float
 * (its shortest form that reads back the same). */
static char *number_text(const char *lit)
{
	char *end, buf[64];
	double d = strtod(lit, &end);
	if (*end || !isfinite(d))
		return strdup(lit);
	if (d == floor(d) && fabs(d) < 1e16) {
		snprintf(buf, sizeof buf, "%.0f", d);
		return strdup(strcmp(buf, "-0") == 0 ? "0" : buf);
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return strdup(buf);
}

/* An Excel serial date (the 1900 system: day 0 is 1899-12-30) as Python's
 * str(datetime) writes it, "YYYY-MM-DD HH:MM:SS"; under a day, a time. */
static char *date_text(const char *lit)
{
	char *end;
	double d = strtod(lit, &end);
	if (*end || !isfinite(d) || d < 0 || d > 2958466)
		return strdup(lit);
	long long secs = llround(d * 86400.0);
	long long days = secs / 86400, rem = secs % 86400;
	char buf[96];
	int h = (int)(rem / 3600), m = (int)(rem / 60 % 60), s = (int)(rem % 60);
	if (days == 0 && d < 1) {
		snprintf(buf, sizeof buf, "%02d:%02d:%02d", h, m, s);
		return strdup(buf);
	}
	/* civil date from days since 1970-01-01 (25569 is 1970-01-01) */
	long long z = days - 25569 + 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153, dd = doy - (153 * mp + 2) / 5 + 1, mm = mp < 10 ? mp + 3 : mp - 9;
	snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02d:%02d:%02d", y + (mm <= 2), mm, dd, h, m, s);
	return strdup(buf);
}

static char *string_text(const char *text, size_t len, bool header);

/* A data cell's text as pyxform reads it: strings with the spaces around
 * them (and no-break spaces) taken off, TRUE/FALSE, numbers and dates as
 * above, a formula's cached value. The header row is taken as written. */
static char *cell_text(const gn_xlsx_cell *c, bool header)
{
	if (c->kind == GN_XLSX_EMPTY)
		return strdup("");
	if (c->kind == GN_XLSX_NUMBER)
		return c->date ? date_text(c->text) : number_text(c->text);
	return string_text(c->text, c->len, header);
}

/* A string cell: as written in the header row, else with no-break spaces
 * made spaces and the spaces around taken off. */
static char *string_text(const char *text, size_t len, bool header)
{
	if (header)
		return strndup(text, len);
	/* NBSP (C2 A0) -> space, then trimmed */
	char *s = malloc(len + 1);
	if (!s)
		return NULL;
	size_t w = 0;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)text[i] == 0xC2 && i + 1 < len && (unsigned char)text[i + 1] == 0xA0) {
			s[w++] = ' ';
			i++;
		} else {
			s[w++] = text[i];
		}
	}
	s[w] = '\0';
	size_t start = 0;
	while (s[start] && isspace((unsigned char)s[start]))
		start++;
	while (w > start && isspace((unsigned char)s[w - 1]))
		w--;
	memmove(s, s + start, w - start);
	s[w - start] = '\0';
	return s;
}

static gn_status on_row(void *arg, const gn_xlsx_row *row, gn_err *err)
{
	book_ctx *c = arg;
	bool header = !c->header_seen;
	c->header_seen = true;
	char **cells = calloc(row->n ? row->n : 1, sizeof *cells);
	if (!cells)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	gn_status st = GN_OK;
	for (size_t i = 0; i < row->n && st == GN_OK; i++)
		if (!(cells[i] = cell_text(&row->cells[i], header)))
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (st == GN_OK)
		st = gn_form_book_add_row(c->book, c->sheet, row->row, (const char *const *)cells, row->n, err);
	for (size_t i = 0; i < row->n; i++)
		free(cells[i]);
	free(cells);
	return st;
}

gn_status gn_form_load_xlsx(const char *path, sqlite3 *db, gn_form **out, gn_form_problems *problems, gn_err *err)
{
	static const char *const names[] = { "survey", "choices", "settings", "external_choices" };
	gn_xlsx_limits lim;
	gn_xlsx_default_limits(&lim);
	lim.part_bytes = FORM_PART_BYTES;
	lim.shared_bytes = FORM_SHARED_BYTES;
	lim.ratio = FORM_RATIO;
	*out = NULL;
	/* A password-protected workbook (and an .xls) is an OLE compound file,
	 * not a zip: say so rather than "not a zip". */
	FILE *f = fopen(path, "rb");
	unsigned char magic[8] = { 0 };
	bool ole = f && fread(magic, 1, sizeof magic, f) == sizeof magic &&
	           memcmp(magic, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0;
	if (f)
		fclose(f);
	if (ole)
		return gn_fail(err, GN_ERR_INVALID,
		               _("%s is password-protected or an old .xls workbook: remove the password, or save it as .xlsx"),
		               path);
	gn_xlsx *x = NULL;
	gn_status st = gn_xlsx_open(path, &lim, &x, err);
	if (st != GN_OK)
		return st;
	gn_form_book *book = gn_form_book_new();
	if (!book) {
		gn_xlsx_close(x);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	size_t n = gn_xlsx_sheet_count(x);
	bool any = false;
	for (size_t i = 0; i < n && st == GN_OK; i++) {
		/* pyxform finds the sheets by their lower-cased names */
		char lower[64];
		snprintf(lower, sizeof lower, "%s", gn_xlsx_sheet_name(x, i));
		for (char *p = lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		const char *as = NULL;
		for (size_t k = 0; k < sizeof names / sizeof *names; k++)
			if (strcmp(lower, names[k]) == 0)
				as = names[k];
		if (!as && n == 1)
			as = "survey"; /* one sheet, whatever its name, is the survey */
		if (!as)
			continue;
		book_ctx c = { .book = book, .sheet = as };
		any |= strcmp(as, "survey") == 0;
		st = gn_xlsx_read_sheet(x, i, on_row, &c, err);
		if (st == GN_OK && !c.header_seen)
			st = gn_form_book_add_row(book, as, 1, NULL, 0, err); /* an empty sheet is there, empty */
	}
	gn_xlsx_close(x);
	if (st == GN_OK && !any)
		st = gn_fail(err, GN_ERR_INVALID, _("%s has no survey sheet: it is not an XLSForm"), path);
	if (st == GN_OK)
		st = gn_form_load_book(path, book, db, out, problems, err);
	gn_form_book_free(book);
	return st;
}

/* ---- .xls (BIFF, Excel 97-2003) through FreeXL ------------------------------ */

#define XLS_MAX_BYTES (32L << 20)

/* The boolean cells FreeXL skips (it gives them as FREEXL_CELL_NULL):
 * read from the workbook's BIFF8 stream itself (libgsf opens the OLE2
 * container), the BOOLERR records and the formulas with a boolean value
 * of the sheet of that name. */
typedef struct xls_bool {
	unsigned int row;
	unsigned short col;
	bool value;
} xls_bool;

typedef struct xls_stream {
	uint8_t *data;
	size_t len;
} xls_stream;

static unsigned rd16(const uint8_t *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16; }

/* The "Workbook" stream of an .xls (empty when there is none: BIFF5 and
 * older keep booleans as FreeXL reads them, empty). */
static void xls_stream_read(const char *path, xls_stream *out)
{
	out->data = NULL;
	out->len = 0;
	GError *e = NULL;
	GsfInput *in = gsf_input_stdio_new(path, &e);
	GsfInfile *ole = in ? gsf_infile_msole_new(in, &e) : NULL;
	GsfInput *wb = ole ? gsf_infile_child_by_name(ole, "Workbook") : NULL;
	gsf_off_t size = wb ? gsf_input_size(wb) : 0;
	if (size > 0 && size <= XLS_MAX_BYTES && (out->data = malloc((size_t)size)) != NULL) {
		if (gsf_input_read(wb, (size_t)size, out->data))
			out->len = (size_t)size;
		else {
			free(out->data);
			out->data = NULL;
		}
	}
	if (wb)
		g_object_unref(wb);
	if (ole)
		g_object_unref(ole);
	if (in)
		g_object_unref(in);
	g_clear_error(&e);
}

/* A BOUNDSHEET's name (ShortXLUnicodeString at p, n bytes left) as UTF-8. */
static bool sheet_name_is(const uint8_t *p, size_t n, const char *name)
{
	if (n < 2)
		return false;
	size_t cch = p[0], wide = p[1] & 1;
	if (n < 2 + cch * (wide ? 2 : 1))
		return false;
	uint16_t u16[256];
	for (size_t i = 0; i < cch; i++)
		u16[i] = (uint16_t)(wide ? rd16(p + 2 + 2 * i) : p[2 + i]);
	size_t len = 0;
	uint8_t *u8 = u16_to_u8(u16, cch, NULL, &len);
	bool same = u8 && len == strlen(name) && memcmp(u8, name, len) == 0;
	free(u8);
	return same;
}

/* The boolean cells of the sheet named name, into *cells (*n of them). */
static void xls_sheet_bools(const xls_stream *w, const char *name, xls_bool **cells, size_t *n)
{
	*cells = NULL;
	*n = 0;
	size_t at = 0, sheet = 0;
	bool found = false;
	/* the workbook globals: a BOUNDSHEET (0x85) per sheet, up to EOF (0x0A) */
	while (!found && at + 4 <= w->len) {
		unsigned type = rd16(w->data + at), len = rd16(w->data + at + 2);
		const uint8_t *body = w->data + at + 4;
		if (at + 4 + len > w->len || type == 0x000A)
			break;
		if (type == 0x0085 && len >= 8 && sheet_name_is(body + 6, len - 6, name)) {
			sheet = rd32(body);
			found = true;
		}
		at += 4 + len;
	}
	if (!found || sheet + 4 > w->len || rd16(w->data + sheet) != 0x0809)
		return;
	size_t cap = 0;
	for (at = sheet; at + 4 <= w->len;) {
		unsigned type = rd16(w->data + at), len = rd16(w->data + at + 2);
		const uint8_t *body = w->data + at + 4;
		if (at + 4 + len > w->len || (type == 0x000A && at != sheet))
			break;
		/* BOOLERR: row, column, format, the value, 1 when it is an error;
		 * FORMULA (=TRUE(), as LibreOffice writes a boolean): row, column,
		 * format, its cached value, a boolean one as type 1, 0xFFFF */
		bool boolerr = type == 0x0205 && len >= 8 && body[7] == 0;
		bool formula = type == 0x0006 && len >= 14 && body[6] == 1 && rd16(body + 12) == 0xFFFF;
		if (boolerr || formula) {
			if (*n == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				xls_bool *bigger = realloc(*cells, ncap * sizeof *bigger);
				if (!bigger)
					return;
				*cells = bigger;
				cap = ncap;
			}
			(*cells)[(*n)++] = (xls_bool){ rd16(body), (unsigned short)rd16(body + 2), body[boolerr ? 6 : 8] != 0 };
		}
		at += 4 + len;
	}
}

/* One FreeXL cell as pyxform (xlrd) makes it: numbers as above, a date as
 * "YYYY-MM-DD 00:00:00", a date-time and a time as FreeXL writes them. A
 * boolean cell (empty from FreeXL) is TRUE or FALSE, as xlrd gives it to
 * pyxform, from xls_sheet_bools. */
static char *xls_cell_text(const FreeXL_CellValue *v, bool header)
{
	char buf[64];
	switch (v->type) {
	case FREEXL_CELL_INT:
		snprintf(buf, sizeof buf, "%d", v->value.int_value);
		return strdup(buf);
	case FREEXL_CELL_DOUBLE:
		snprintf(buf, sizeof buf, "%.17g", v->value.double_value);
		return number_text(buf);
	case FREEXL_CELL_TEXT:
	case FREEXL_CELL_SST_TEXT:
		return string_text(v->value.text_value, strlen(v->value.text_value), header);
	case FREEXL_CELL_DATE:
		snprintf(buf, sizeof buf, "%.10s 00:00:00", v->value.text_value);
		return strdup(buf);
	case FREEXL_CELL_DATETIME:
	case FREEXL_CELL_TIME:
		return strdup(v->value.text_value);
	default:
		return strdup("");
	}
}

static const char *xls_bool_at(const xls_bool *b, size_t n, unsigned int r, unsigned short c)
{
	for (size_t i = 0; i < n; i++)
		if (b[i].row == r && b[i].col == c)
			return b[i].value ? "TRUE" : "FALSE";
	return NULL;
}

static gn_status xls_sheet(const void *h, unsigned short index, const xls_stream *w, const char *name,
                           gn_form_book *book, const char *as, gn_err *err)
{
	unsigned int rows = 0;
	unsigned short cols = 0;
	if (freexl_select_active_worksheet(h, index) != FREEXL_OK || freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
		return gn_fail(err, GN_ERR_INVALID, _("the workbook is damaged: a sheet cannot be read"));
	gn_status st = GN_OK;
	char **cells = calloc(cols ? cols : 1, sizeof *cells);
	if (!cells)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	xls_bool *bools = NULL;
	size_t n_bools = 0;
	xls_sheet_bools(w, name, &bools, &n_bools);
	bool any = false;
	for (unsigned int r = 0; r < rows && st == GN_OK; r++) {
		size_t n = 0;
		for (unsigned short c = 0; c < cols && st == GN_OK; c++) {
			FreeXL_CellValue v;
			if (freexl_get_cell_value(h, r, c, &v) != FREEXL_OK) {
				st = gn_fail(err, GN_ERR_INVALID, _("the workbook is damaged: a sheet cannot be read"));
				break;
			}
			const char *b = v.type == FREEXL_CELL_NULL ? xls_bool_at(bools, n_bools, r, c) : NULL;
			if (!(cells[c] = b ? strdup(b) : xls_cell_text(&v, r == 0)))
				st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			else if (*cells[c])
				n = (size_t)c + 1;
		}
		if (st == GN_OK && (n || r == 0)) {
			st = gn_form_book_add_row(book, as, (long)r + 1, (const char *const *)cells, n, err);
			any = true;
		}
		for (unsigned short c = 0; c < cols; c++) {
			free(cells[c]);
			cells[c] = NULL;
		}
	}
	free(cells);
	free(bools);
	if (st == GN_OK && !any)
		st = gn_form_book_add_row(book, as, 1, NULL, 0, err);
	return st;
}

gn_status gn_form_load_xls(const char *path, sqlite3 *db, gn_form **out, gn_form_problems *problems, gn_err *err)
{
	static const char *const names[] = { "survey", "choices", "settings", "external_choices" };
	*out = NULL;
	struct stat sb;
	if (stat(path, &sb) != 0)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("there is no file %s"), path);
	if (sb.st_size > XLS_MAX_BYTES)
		return gn_fail(err, GN_ERR_INVALID, _("%s is larger than a questionnaire can be (%ld MB)"), path,
		               XLS_MAX_BYTES >> 20);
	const void *h = NULL;
	if (freexl_open(path, &h) != FREEXL_OK) {
		if (h)
			freexl_close(h);
		return gn_fail(err, GN_ERR_INVALID, _("%s is not an .xls workbook gonha can read (damaged, or not Excel 97-2003)"),
		               path);
	}
	unsigned int password = 0, count = 0;
	gn_status st = GN_OK;
	if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &password) == FREEXL_OK && password == FREEXL_BIFF_OBFUSCATED)
		st = gn_fail(err, GN_ERR_INVALID,
		             _("%s is password-protected or an old .xls workbook: remove the password, or save it as .xlsx"), path);
	else if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK)
		st = gn_fail(err, GN_ERR_INVALID, _("%s is not an .xls workbook gonha can read (damaged, or not Excel 97-2003)"),
		             path);
	gn_form_book *book = st == GN_OK ? gn_form_book_new() : NULL;
	if (st == GN_OK && !book)
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	bool any = false;
	xls_stream stream = { 0 };
	if (st == GN_OK)
		xls_stream_read(path, &stream);
	for (unsigned int i = 0; i < count && i < 4096 && st == GN_OK; i++) {
		const char *name = NULL;
		if (freexl_get_worksheet_name(h, (unsigned short)i, &name) != FREEXL_OK || !name)
			continue;
		char lower[64];
		snprintf(lower, sizeof lower, "%s", name);
		for (char *p = lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		const char *as = NULL;
		for (size_t k = 0; k < sizeof names / sizeof *names; k++)
			if (strcmp(lower, names[k]) == 0)
				as = names[k];
		if (!as && count == 1)
			as = "survey";
		if (!as)
			continue;
		any |= strcmp(as, "survey") == 0;
		st = xls_sheet(h, (unsigned short)i, &stream, name, book, as, err);
	}
	freexl_close(h);
	free(stream.data);
	if (st == GN_OK && !any)
		st = gn_fail(err, GN_ERR_INVALID, _("%s has no survey sheet: it is not an XLSForm"), path);
	if (st == GN_OK)
		st = gn_form_load_book(path, book, db, out, problems, err);
	gn_form_book_free(book);
	return st;
}
