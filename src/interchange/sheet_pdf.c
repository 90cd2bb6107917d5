/* A printed sheet as a PDF on A4 (gonha/interchange/sheet_pdf.h): cairo
 * draws, pango shapes and wraps the text. Every row is measured first, so
 * the pages are known before the first is drawn ("page 2 of 3"). */
#include "gonha/interchange/sheet_pdf.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/privacy.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A4 in points, and the room printers leave at the edges */
#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN_X 40.0
#define MARGIN_TOP 36.0
#define MARGIN_BOTTOM 40.0
#define TABLE_W (PAGE_W - 2 * MARGIN_X)
#define PAD 3.0
#define ROW_MIN 22.0  /* about 8 mm: room to write by hand */
#define FOOTER_H 14.0

#define FONT_TEXT GN_SHEET_FONT " 10"
#define FONT_HEAD GN_SHEET_FONT " Bold 9"
#define FONT_GROUP GN_SHEET_FONT " Bold 10"
#define FONT_TITLE GN_SHEET_FONT " Bold 14"
#define FONT_SMALL GN_SHEET_FONT " 8.5"

typedef struct sink {
	FILE *f;
	int err;
} sink;

static cairo_status_t put(void *closure, const unsigned char *data, unsigned int len)
{
	sink *s = closure;
	if (s->err)
		return CAIRO_STATUS_WRITE_ERROR;
	errno = 0;
	if (fwrite(data, 1, len, s->f) != len) {
		s->err = errno ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

typedef struct pen {
	cairo_t *cr;
	PangoContext *pc;
	PangoLayout *lay;
	PangoFontDescription *text, *head, *group, *title, *small;
} pen;

/* Lays text out at width (points; <= 0: one line) in font; its height. */
static double lay(pen *p, const PangoFontDescription *font, const char *text, double width, PangoAlignment align)
{
	pango_layout_set_font_description(p->lay, font);
	pango_layout_set_width(p->lay, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_wrap(p->lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(p->lay, align);
	pango_layout_set_text(p->lay, text ? text : "", -1);
	int w, h;
	pango_layout_get_size(p->lay, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double draw(pen *p, const PangoFontDescription *font, const char *text, double x, double y, double width,
                   PangoAlignment align)
{
	double h = lay(p, font, text, width, align);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->lay);
	return h;
}

static void line(cairo_t *cr, double x0, double y0, double x1, double y1)
{
	cairo_move_to(cr, x0, y0);
	cairo_line_to(cr, x1, y1);
	cairo_stroke(cr);
}

/* The font pango would use for the sheet's text is the one asked for (not
 * a look-alike fontconfig chose because it is missing). */
static bool font_present(pen *p)
{
	PangoFont *f = pango_context_load_font(p->pc, p->text);
	if (!f)
		return false;
	PangoFontDescription *got = pango_font_describe(f);
	const char *family = got ? pango_font_description_get_family(got) : NULL;
	bool ok = family && strcasecmp(family, GN_SHEET_FONT) == 0;
	if (got)
		pango_font_description_free(got);
	g_object_unref(f);
	return ok;
}

typedef struct plan {
	double *row_h, *group_h; /* per row (blank rows included) */
	size_t rows;
	size_t *page_start;      /* first row of each page; page_start[pages] = rows */
	size_t pages;
	double head_h, table_head_h, legend_h, top;
	bool legend_alone;       /* the legend needs a page of its own */
} plan;

static double page_heading(pen *p, const gn_pdf_sheet *s, double y, bool drawing)
{
	double x = MARGIN_X, y0 = y;
	char buf[512];
	if (drawing)
		cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
	y += drawing ? draw(p, p->small, s->ward, x, y, TABLE_W / 2, PANGO_ALIGN_LEFT)
	             : lay(p, p->small, s->ward, TABLE_W / 2, PANGO_ALIGN_LEFT);
	snprintf(buf, sizeof buf, _("Printed on %s"), s->date ? s->date : "");
	if (drawing)
		draw(p, p->small, buf, x + TABLE_W / 2, y0, TABLE_W / 2, PANGO_ALIGN_RIGHT);
	if (drawing)
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	y += 2;
	y += drawing ? draw(p, p->title, s->title, x, y, TABLE_W, PANGO_ALIGN_LEFT)
	             : lay(p, p->title, s->title, TABLE_W, PANGO_ALIGN_LEFT);
	y += drawing ? draw(p, p->group, s->tdp, x, y, TABLE_W, PANGO_ALIGN_LEFT)
	             : lay(p, p->group, s->tdp, TABLE_W, PANGO_ALIGN_LEFT);
	if (s->detail && *s->detail)
		y += drawing ? draw(p, p->text, s->detail, x, y, TABLE_W, PANGO_ALIGN_LEFT)
		             : lay(p, p->text, s->detail, TABLE_W, PANGO_ALIGN_LEFT);
	y += 6;
	/* who walked and when: written by hand */
	const char *sign = _("Visited by: ..................................................    "
	                     "Date: ....../....../........");
	y += drawing ? draw(p, p->text, sign, x, y, TABLE_W, PANGO_ALIGN_LEFT)
	             : lay(p, p->text, sign, TABLE_W, PANGO_ALIGN_LEFT);
	return y + 8;
}

static double table_head(pen *p, const gn_pdf_sheet *s, double y, bool drawing)
{
	double h = 0;
	for (size_t c = 0; c < s->n_cols; c++) {
		double ch = lay(p, p->head, s->cols[c].head, s->cols[c].width - 2 * PAD, PANGO_ALIGN_LEFT);
		if (ch > h)
			h = ch;
	}
	h += 2 * PAD;
	if (!drawing)
		return h;
	cairo_set_source_rgb(p->cr, 0.85, 0.85, 0.85);
	cairo_rectangle(p->cr, MARGIN_X, y, TABLE_W, h);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	double x = MARGIN_X;
	for (size_t c = 0; c < s->n_cols; c++) {
		draw(p, p->head, s->cols[c].head, x + PAD, y + PAD, s->cols[c].width - 2 * PAD,
		     s->cols[c].right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
		x += s->cols[c].width;
	}
	cairo_set_line_width(p->cr, 0.8);
	cairo_rectangle(p->cr, MARGIN_X, y, TABLE_W, h);
	cairo_stroke(p->cr);
	return h;
}

/* The height of a row, or draws it at y with that height. */
static double table_row(pen *p, const gn_pdf_sheet *s, size_t r, double y, double height, bool drawing)
{
	char buf[1024];
	double h = 0, x = MARGIN_X;
	for (size_t c = 0; c < s->n_cols; c++) {
		buf[0] = '\0';
		if (r < s->n_rows)
			s->cell(s->arg, r, c, buf, sizeof buf);
		PangoAlignment align = s->cols[c].right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
		double ch = drawing ? draw(p, p->text, buf, x + PAD, y + PAD, s->cols[c].width - 2 * PAD, align)
		                    : lay(p, p->text, buf, s->cols[c].width - 2 * PAD, align);
		if (ch + 2 * PAD > h)
			h = ch + 2 * PAD;
		x += s->cols[c].width;
	}
	if (h < ROW_MIN)
		h = ROW_MIN;
	if (drawing) {
		cairo_set_line_width(p->cr, 0.5);
		line(p->cr, MARGIN_X, y + height, MARGIN_X + TABLE_W, y + height);
		x = MARGIN_X;
		for (size_t c = 0; c <= s->n_cols; c++) {
			line(p->cr, c == s->n_cols ? MARGIN_X + TABLE_W : x, y, c == s->n_cols ? MARGIN_X + TABLE_W : x, y + height);
			if (c < s->n_cols)
				x += s->cols[c].width;
		}
	}
	return h;
}

static double group_row(pen *p, const char *text, double y, bool drawing)
{
	double h = lay(p, p->group, text, TABLE_W - 2 * PAD, PANGO_ALIGN_LEFT) + 2 * PAD;
	if (!drawing)
		return h;
	cairo_set_source_rgb(p->cr, 0.94, 0.94, 0.94);
	cairo_rectangle(p->cr, MARGIN_X, y, TABLE_W, h);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	draw(p, p->group, text, MARGIN_X + PAD, y + PAD, TABLE_W - 2 * PAD, PANGO_ALIGN_LEFT);
	cairo_set_line_width(p->cr, 0.5);
	cairo_rectangle(p->cr, MARGIN_X, y, TABLE_W, h);
	cairo_stroke(p->cr);
	return h;
}

static const char *group_of(const gn_pdf_sheet *s, size_t r)
{
	return s->group && r < s->n_rows ? s->group(s->arg, r) : NULL;
}

static bool make_plan(pen *p, const gn_pdf_sheet *s, plan *pl)
{
	memset(pl, 0, sizeof *pl);
	pl->rows = s->n_rows + (size_t)(s->blank_rows > 0 ? s->blank_rows : 0);
	pl->row_h = calloc(pl->rows + 1, sizeof *pl->row_h);
	pl->group_h = calloc(pl->rows + 1, sizeof *pl->group_h);
	pl->page_start = calloc(pl->rows + 2, sizeof *pl->page_start);
	if (!pl->row_h || !pl->group_h || !pl->page_start)
		return false;
	pl->head_h = page_heading(p, s, MARGIN_TOP, false) - MARGIN_TOP;
	pl->table_head_h = table_head(p, s, 0, false);
	pl->legend_h = s->legend && *s->legend ? lay(p, p->small, s->legend, TABLE_W, PANGO_ALIGN_LEFT) + 8 : 0;
	pl->top = MARGIN_TOP + pl->head_h + pl->table_head_h;
	double bottom = PAGE_H - MARGIN_BOTTOM - FOOTER_H;
	for (size_t r = 0; r < pl->rows; r++) {
		const char *g = group_of(s, r);
		pl->group_h[r] = g ? group_row(p, g, 0, false) : 0;
		pl->row_h[r] = table_row(p, s, r, 0, 0, false);
	}
	double y = pl->top;
	pl->pages = 1;
	pl->page_start[0] = 0;
	for (size_t r = 0; r < pl->rows; r++) {
		double need = pl->group_h[r] + pl->row_h[r];
		if (y + need > bottom && r > pl->page_start[pl->pages - 1]) {
			pl->page_start[pl->pages++] = r;
			y = pl->top;
		}
		y += need;
	}
	pl->page_start[pl->pages] = pl->rows;
	pl->legend_alone = y + pl->legend_h > bottom;
	if (pl->legend_alone)
		pl->pages++;
	return true;
}

static void plan_free(plan *pl)
{
	free(pl->row_h);
	free(pl->group_h);
	free(pl->page_start);
}

static void footer(pen *p, const gn_pdf_sheet *s, size_t page, size_t pages)
{
	char buf[512];
	snprintf(buf, sizeof buf, _("%s · %s · page %zu of %zu"), s->title, s->tdp ? s->tdp : "", page, pages);
	cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
	draw(p, p->small, buf, MARGIN_X, PAGE_H - MARGIN_BOTTOM - FOOTER_H + 4, TABLE_W, PANGO_ALIGN_CENTER);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void render(pen *p, const gn_pdf_sheet *s, const plan *pl)
{
	size_t table_pages = pl->pages - (pl->legend_alone ? 1 : 0);
	for (size_t pg = 0; pg < pl->pages; pg++) {
		double y = page_heading(p, s, MARGIN_TOP, true);
		if (pg < table_pages) {
			y += table_head(p, s, y, true);
			for (size_t r = pl->page_start[pg]; r < pl->page_start[pg + 1]; r++) {
				const char *g = group_of(s, r);
				if (g)
					y += group_row(p, g, y, true);
				table_row(p, s, r, y, pl->row_h[r], true);
				y += pl->row_h[r];
			}
		}
		if (pg == pl->pages - 1 && pl->legend_h > 0) {
			cairo_set_source_rgb(p->cr, 0.2, 0.2, 0.2);
			draw(p, p->small, s->legend, MARGIN_X, y + 8, TABLE_W, PANGO_ALIGN_LEFT);
			cairo_set_source_rgb(p->cr, 0, 0, 0);
		}
		footer(p, s, pg + 1, pl->pages);
		cairo_show_page(p->cr);
	}
}

gn_status gn_pdf_sheet_write(const gn_pdf_sheet *sheet, FILE *out, gn_err *err)
{
	/* the columns fill the table's width exactly, whatever their sum */
	gn_pdf_col cols[16];
	gn_pdf_sheet scaled = *sheet;
	const gn_pdf_sheet *s = &scaled;
	double sum = 0;
	if (sheet->n_cols == 0 || sheet->n_cols > sizeof cols / sizeof *cols)
		return gn_fail(err, GN_ERR_INVALID, "%s", _("could not draw the sheet: too many columns"));
	for (size_t c = 0; c < sheet->n_cols; c++)
		sum += sheet->cols[c].width > 0 ? sheet->cols[c].width : 0;
	for (size_t c = 0; c < sheet->n_cols; c++) {
		cols[c] = sheet->cols[c];
		cols[c].width = sum > 0 ? TABLE_W * (cols[c].width > 0 ? cols[c].width : 0) / sum : TABLE_W / (double)sheet->n_cols;
	}
	scaled.cols = cols;
	sink k = { out, 0 };
	gn_status st = GN_OK;
	pen p = { 0 };
	plan pl = { 0 };
	cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(put, &k, PAGE_W, PAGE_H);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(surface);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5);
	if (s->title)
		cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, s->title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "gonha");
	p.cr = cairo_create(surface);
	p.pc = pango_cairo_create_context(p.cr);
	pango_cairo_context_set_resolution(p.pc, 72); /* a point is a point */
	p.lay = pango_layout_new(p.pc);
	p.text = pango_font_description_from_string(FONT_TEXT);
	p.head = pango_font_description_from_string(FONT_HEAD);
	p.group = pango_font_description_from_string(FONT_GROUP);
	p.title = pango_font_description_from_string(FONT_TITLE);
	p.small = pango_font_description_from_string(FONT_SMALL);
	if (!font_present(&p)) {
		st = gn_fail(err, GN_ERR_IO, _("the font %s is not installed (Debian package fonts-liberation2): "
		                               "no sheet was written"), GN_SHEET_FONT);
		goto out;
	}
	if (!make_plan(&p, s, &pl)) {
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	render(&p, s, &pl);
out:
	plan_free(&pl);
	pango_font_description_free(p.text);
	pango_font_description_free(p.head);
	pango_font_description_free(p.group);
	pango_font_description_free(p.title);
	pango_font_description_free(p.small);
	g_object_unref(p.lay);
	g_object_unref(p.pc);
	cairo_destroy(p.cr);
	cairo_surface_finish(surface);
	cairo_status_t cs = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	if (st != GN_OK)
		return st;
	if (!k.err && fflush(out) != 0)
		k.err = errno ? errno : EIO;
	if (k.err || cs == CAIRO_STATUS_WRITE_ERROR)
		return gn_stream_write_fail(err, k.err);
	if (cs != CAIRO_STATUS_SUCCESS)
		return gn_fail(err, GN_ERR_IO, _("could not draw the sheet: %s"), cairo_status_to_string(cs));
	return GN_OK;
}
