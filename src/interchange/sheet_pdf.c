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

/* the styles and sizes of the pen's fonts, after the family's name */
#define FONT_TEXT " 10"
#define FONT_HEAD " Bold 9"
#define FONT_GROUP " Bold 10"
#define FONT_TITLE " Bold 14"
#define FONT_SMALL " 8.5"
#define FONT_ITALIC " Italic 10"
#define FONT_BOLD " Bold 10"

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
	PangoFontDescription *text, *head, *group, *title, *small, *italic, *bold;
	const char *family;      /* GN_SHEET_FONT or GN_DOC_FONT */
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
	bool ok = family && strcasecmp(family, p->family) == 0;
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

#define MAX_COLS 16

/* The columns made to fill the table's width exactly, whatever their sum;
 * false when there are none or more than MAX_COLS. */
static bool scale_cols(const gn_pdf_col *in, size_t n, gn_pdf_col out[MAX_COLS])
{
	double sum = 0;
	if (n == 0 || n > MAX_COLS)
		return false;
	for (size_t c = 0; c < n; c++)
		sum += in[c].width > 0 ? in[c].width : 0;
	for (size_t c = 0; c < n; c++) {
		out[c] = in[c];
		out[c].width = sum > 0 ? TABLE_W * (in[c].width > 0 ? in[c].width : 0) / sum : TABLE_W / (double)n;
	}
	return true;
}

/* A font of the pen's family: style is FONT_TEXT, FONT_BOLD, ... */
static PangoFontDescription *pen_font(const pen *p, const char *style)
{
	char name[128];
	snprintf(name, sizeof name, "%s%s", p->family, style);
	return pango_font_description_from_string(name);
}

/* The surface on the sink and the pen with the fonts of family (the one
 * place the sheets and the documents choose theirs); fails (the pen made
 * is still freed by pen_end) when the font is not installed. */
static gn_status pen_begin(pen *p, sink *k, const char *family, const char *title, cairo_surface_t **out,
                           gn_err *err)
{
	cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(put, k, PAGE_W, PAGE_H);
	*out = surface;
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5);
	if (title)
		cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "gonha");
	p->cr = cairo_create(surface);
	p->pc = pango_cairo_create_context(p->cr);
	pango_cairo_context_set_resolution(p->pc, 72); /* a point is a point */
	p->lay = pango_layout_new(p->pc);
	p->family = family;
	p->text = pen_font(p, FONT_TEXT);
	p->head = pen_font(p, FONT_HEAD);
	p->group = pen_font(p, FONT_GROUP);
	p->title = pen_font(p, FONT_TITLE);
	p->small = pen_font(p, FONT_SMALL);
	p->italic = pen_font(p, FONT_ITALIC);
	p->bold = pen_font(p, FONT_BOLD);
	if (!font_present(p))
		return gn_fail(err, GN_ERR_IO, _("the font %s is not installed (Debian package fonts-liberation2): "
		                                 "no sheet was written"), family);
	return GN_OK;
}

/* Frees the pen, finishes the file; st: how the drawing went. */
static gn_status pen_end(pen *p, cairo_surface_t *surface, sink *k, FILE *out, gn_status st, gn_err *err)
{
	PangoFontDescription *fonts[] = { p->text, p->head, p->group, p->title, p->small, p->italic, p->bold };
	for (size_t i = 0; i < sizeof fonts / sizeof *fonts; i++)
		if (fonts[i])
			pango_font_description_free(fonts[i]);
	if (p->lay)
		g_object_unref(p->lay);
	if (p->pc)
		g_object_unref(p->pc);
	if (p->cr)
		cairo_destroy(p->cr);
	cairo_surface_finish(surface);
	cairo_status_t cs = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	if (st != GN_OK)
		return st;
	if (!k->err && fflush(out) != 0)
		k->err = errno ? errno : EIO;
	if (k->err || cs == CAIRO_STATUS_WRITE_ERROR)
		return gn_stream_write_fail(err, k->err);
	if (cs != CAIRO_STATUS_SUCCESS)
		return gn_fail(err, GN_ERR_IO, _("could not draw the sheet: %s"), cairo_status_to_string(cs));
	return GN_OK;
}

gn_status gn_pdf_sheet_write(const gn_pdf_sheet *sheet, FILE *out, gn_err *err)
{
	/* the columns fill the table's width exactly, whatever their sum */
	gn_pdf_col cols[MAX_COLS];
	gn_pdf_sheet scaled = *sheet;
	const gn_pdf_sheet *s = &scaled;
	if (!scale_cols(sheet->cols, sheet->n_cols, cols))
		return gn_fail(err, GN_ERR_INVALID, "%s", _("could not draw the sheet: too many columns"));
	scaled.cols = cols;
	sink k = { out, 0 };
	pen p = { 0 };
	plan pl = { 0 };
	cairo_surface_t *surface = NULL;
	gn_status st = pen_begin(&p, &k, GN_SHEET_FONT, s->title, &surface, err);
	if (st == GN_OK && !make_plan(&p, s, &pl))
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (st == GN_OK)
		render(&p, s, &pl);
	plan_free(&pl);
	return pen_end(&p, surface, &k, out, st, err);
}

/* ---- a document ----------------------------------------------------------- */

typedef struct flow {
	pen *p;
	const gn_pdf_doc *doc;
	double y;
	int page;
} flow;

static double bottom_of_page(void)
{
	return PAGE_H - MARGIN_BOTTOM;
}

static void doc_new_page(flow *f)
{
	cairo_show_page(f->p->cr);
	f->page++;
	char buf[16];
	snprintf(buf, sizeof buf, "%d", f->page);
	draw(f->p, f->p->small, buf, MARGIN_X, MARGIN_TOP - 18, TABLE_W, PANGO_ALIGN_CENTER);
	f->y = MARGIN_TOP;
}

/* Room for h more points on this page, else a new one. */
static void doc_room(flow *f, double h)
{
	if (f->y + h > bottom_of_page())
		doc_new_page(f);
}

/* Text centred in [x, x + w) at y, a short rule under it (width: rule,
 * 0 for none); the height used. */
static double centred(pen *p, const PangoFontDescription *font, const char *text, double x, double y, double w,
                      double rule)
{
	double h = draw(p, font, text, x, y, w, PANGO_ALIGN_CENTER);
	if (rule > 0) {
		cairo_set_line_width(p->cr, 0.6);
		line(p->cr, x + (w - rule) / 2, y + h + 1, x + (w + rule) / 2, y + h + 1);
		h += 3;
	}
	return h;
}

/* The decree's heading: issuer and number left, motto and place/date right,
 * then the kind and the title centred. */
static void doc_heading(flow *f)
{
	pen *p = f->p;
	const gn_pdf_doc *d = f->doc;
	double lw = TABLE_W * 0.42, rw = TABLE_W - lw, lx = MARGIN_X, rx = MARGIN_X + lw;
	double yl = f->y, yr = f->y;
	if (d->parent && *d->parent)
		yl += centred(p, p->text, d->parent, lx, yl, lw, 0);
	yl += centred(p, p->bold, d->issuer ? d->issuer : "", lx, yl, lw, lw / 3);
	yr += centred(p, p->bold, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", rx, yr, rw, 0);
	yr += centred(p, p->group, "Độc lập - Tự do - Hạnh phúc", rx, yr, rw, rw * 0.55);
	double y = (yl > yr ? yl : yr) + 4;
	centred(p, p->text, d->number ? d->number : "", lx, y, lw, 0);
	y += centred(p, p->italic, d->place_date ? d->place_date : "", rx, y, rw, 0);
	y += 18;
	y += centred(p, p->title, d->kind ? d->kind : "", MARGIN_X, y, TABLE_W, 0);
	y += centred(p, p->group, d->title ? d->title : "", MARGIN_X + 40, y, TABLE_W - 80, 60);
	f->y = y + 12;
}

#define CHART_H 130.0

/* The height of the start of a block: what a heading before it keeps on
 * its page with it. */
static double block_start(pen *p, const gn_pdf_block *b)
{
	switch (b->kind) {
	case GN_PDF_SECTION:
	case GN_PDF_TEXT: return lay(p, b->kind == GN_PDF_SECTION ? p->group : p->text, b->text, TABLE_W, PANGO_ALIGN_LEFT);
	case GN_PDF_TABLE: return 2 * ROW_MIN + 10;
	case GN_PDF_CHART: return CHART_H + 24;
	}
	return 0;
}

/* keep: what must stay on the page under the text (a heading's next block) */
static void doc_text(flow *f, const PangoFontDescription *font, const char *text, double before, double keep)
{
	double h = lay(f->p, font, text, TABLE_W, PANGO_ALIGN_LEFT);
	doc_room(f, before + h + keep);
	f->y += before;
	f->y += draw(f->p, font, text, MARGIN_X, f->y, TABLE_W, PANGO_ALIGN_LEFT) + 3;
}

static void doc_table(flow *f, const gn_pdf_block *b)
{
	gn_pdf_col cols[MAX_COLS];
	if (!scale_cols(b->cols, b->n_cols, cols))
		return;
	gn_pdf_sheet t = { .cols = cols, .n_cols = b->n_cols, .n_rows = b->n_rows, .cell = b->cell, .arg = b->arg };
	pen *p = f->p;
	double head_h = table_head(p, &t, 0, false);
	doc_room(f, head_h + ROW_MIN);
	f->y += table_head(p, &t, f->y, true);
	for (size_t r = 0; r < b->n_rows; r++) {
		PangoFontDescription *text = p->text;
		if (b->last_bold && r + 1 == b->n_rows)
			p->text = p->bold;
		double h = table_row(p, &t, r, 0, 0, false);
		if (f->y + h > bottom_of_page()) {
			doc_new_page(f);
			f->y += table_head(p, &t, f->y, true);
		}
		table_row(p, &t, r, f->y, h, true);
		cairo_set_line_width(p->cr, 0.5);
		line(p->cr, MARGIN_X, f->y, MARGIN_X + TABLE_W, f->y);
		f->y += h;
		p->text = text;
	}
	f->y += 6;
}

static void doc_chart(flow *f, const gn_pdf_chart *c)
{
	pen *p = f->p;
	doc_room(f, CHART_H + 24);
	double axis = 34, x0 = MARGIN_X + axis, w = TABLE_W - axis - 4, top = f->y + 4, h = CHART_H, base = top + h;
	cairo_set_line_width(p->cr, 0.6);
	cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
	for (int k = 0; k <= 4; k++) { /* 0, 25, 50, 75, 100% */
		double y = base - h * k / 4.0;
		line(p->cr, x0, y, x0 + w, y);
		char buf[16];
		snprintf(buf, sizeof buf, "%d%%", k * 25);
		draw(p, p->small, buf, MARGIN_X, y - 6, axis - 4, PANGO_ALIGN_RIGHT);
	}
	size_t n = c->n ? c->n : 1;
	double slot = w / (double)n, bar = slot * 0.7 > 28 ? 28 : slot * 0.7;
	cairo_set_source_rgb(p->cr, 0.25, 0.45, 0.7);
	for (size_t i = 0; i < c->n; i++) {
		double v = c->pct[i];
		if (v < 0)
			continue;
		if (v > 100)
			v = 100;
		double bx = x0 + slot * (double)i + (slot - bar) / 2;
		cairo_rectangle(p->cr, bx, base - h * v / 100.0, bar, h * v / 100.0);
		cairo_fill(p->cr);
	}
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	size_t every = n > 12 ? (n + 11) / 12 : 1; /* labels that fit */
	for (size_t i = 0; i < c->n; i++)
		if (c->labels && c->labels[i] && (i % every == 0 || i + 1 == c->n))
			draw(p, p->small, c->labels[i], x0 + slot * (double)i - 10, base + 2, slot + 20, PANGO_ALIGN_CENTER);
	if (c->has_target) {
		double y = base - h * (c->target > 100 ? 100 : c->target) / 100.0;
		static const double dash[] = { 4, 3 };
		cairo_set_source_rgb(p->cr, 0.75, 0.1, 0.1);
		cairo_set_line_width(p->cr, 1.2);
		cairo_set_dash(p->cr, dash, 2, 0);
		line(p->cr, x0, y, x0 + w, y);
		cairo_set_dash(p->cr, NULL, 0, 0);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	f->y = base + 18;
}

/* The recipients (left) and the signer (right), kept together. */
static void doc_signature(flow *f)
{
	pen *p = f->p;
	const gn_pdf_doc *d = f->doc;
	double lw = TABLE_W * 0.5, rw = TABLE_W - lw, lx = MARGIN_X, rx = MARGIN_X + lw;
	double need = 20 + 12.0 * (double)d->n_recipients;
	if (need < 110)
		need = 110;
	doc_room(f, need);
	double y = f->y + 8, yl = y;
	PangoFontDescription *bi = pango_font_description_copy(p->italic);
	pango_font_description_set_weight(bi, PANGO_WEIGHT_BOLD);
	yl += draw(p, bi, "Nơi nhận:", lx, yl, lw, PANGO_ALIGN_LEFT);
	pango_font_description_free(bi);
	for (size_t i = 0; i < d->n_recipients; i++) {
		char buf[512];
		snprintf(buf, sizeof buf, "- %s%s", d->recipients[i], i + 1 == d->n_recipients ? "." : ";");
		yl += draw(p, p->small, buf, lx, yl, lw, PANGO_ALIGN_LEFT);
	}
	double yr = y;
	yr += centred(p, p->bold, d->signer_title ? d->signer_title : "", rx, yr, rw, 0);
	yr += centred(p, p->italic, "(Ký, ghi rõ họ tên)", rx, yr, rw, 0);
	yr += 48;
	yr += centred(p, p->bold, d->signer_name ? d->signer_name : "", rx, yr, rw, 0);
	f->y = yl > yr ? yl : yr;
}

gn_status gn_pdf_doc_write(const gn_pdf_doc *doc, FILE *out, gn_err *err)
{
	sink k = { out, 0 };
	pen p = { 0 };
	cairo_surface_t *surface = NULL;
	gn_status st = pen_begin(&p, &k, GN_DOC_FONT, doc->title, &surface, err);
	for (size_t i = 0; st == GN_OK && i < doc->n_blocks; i++)
		if (doc->blocks[i].kind == GN_PDF_TABLE && (doc->blocks[i].n_cols == 0 || doc->blocks[i].n_cols > MAX_COLS))
			st = gn_fail(err, GN_ERR_INVALID, "%s", _("could not draw the sheet: too many columns"));
	if (st == GN_OK) {
		flow f = { &p, doc, MARGIN_TOP, 1 };
		doc_heading(&f);
		for (size_t i = 0; i < doc->n_blocks; i++) {
			const gn_pdf_block *b = &doc->blocks[i];
			/* a heading keeps what follows it (up to the first table or
			 * chart) on its page */
			double keep = 0;
			for (size_t j = i + 1; b->kind == GN_PDF_SECTION && j < doc->n_blocks; j++) {
				keep += block_start(&p, &doc->blocks[j]) + 8;
				if (doc->blocks[j].kind == GN_PDF_TABLE || doc->blocks[j].kind == GN_PDF_CHART)
					break;
			}
			switch (b->kind) {
			case GN_PDF_SECTION: doc_text(&f, p.group, b->text, 8, keep); break;
			case GN_PDF_TEXT: doc_text(&f, p.text, b->text, 0, 0); break;
			case GN_PDF_TABLE: doc_table(&f, b); break;
			case GN_PDF_CHART: doc_chart(&f, &b->chart); break;
			}
		}
		doc_signature(&f);
		cairo_show_page(p.cr);
	}
	return pen_end(&p, surface, &k, out, st, err);
}
