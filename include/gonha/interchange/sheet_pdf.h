/* A printed sheet as a PDF on A4 paper: a heading on every page (the ward,
 * the title, the TDP, the date and a line to sign), a table whose header
 * is repeated on every page, rows tall enough to write in, headings of
 * groups (an alley) across the table, a legend and numbered pages. Text
 * is shaped by pango (Vietnamese marks placed by the font), in one font
 * (GN_SHEET_FONT, from the Debian package fonts-liberation2) that is
 * embedded, so the file prints the same anywhere. No curses, no database:
 * round_sheet.c fills it. A document (gn_pdf_doc_write) is set in
 * GN_DOC_FONT instead: the serif of Nghị định 30/2020/NĐ-CP (Times New
 * Roman), Liberation Serif, its metric-compatible twin in the same
 * package. Both are asked for by name and must be what fontconfig gives. */
#ifndef GONHA_SHEET_PDF_H
#define GONHA_SHEET_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gonha/core/status.h"

#define GN_SHEET_FONT "Liberation Sans"
#define GN_DOC_FONT "Liberation Serif"

typedef struct gn_pdf_col {
	const char *head;   /* translated */
	double width;       /* in points (A4's table is 515 points wide) */
	bool right;         /* numbers: aligned right */
} gn_pdf_col;

typedef struct gn_pdf_sheet {
	const char *ward;      /* the ward's name, above the title */
	const char *title;
	const char *tdp;       /* "TDP 01 · Tổ dân phố 1" */
	const char *detail;    /* a second line (an alley, an indicator), or NULL */
	const char *date;      /* the day printed, as people write it */
	const char *legend;    /* under the table, or NULL */
	const gn_pdf_col *cols;
	size_t n_cols;
	size_t n_rows;
	/* the text of a cell (buf, size) */
	void (*cell)(void *arg, size_t row, size_t col, char *buf, size_t size);
	/* a heading drawn across the table before row, or NULL (may be NULL) */
	const char *(*group)(void *arg, size_t row);
	void *arg;
	int blank_rows;        /* empty rows after the last, for what the list lacks */
} gn_pdf_sheet;

/* Writes the sheet to out as a PDF. GN_ERR_IO when the font is not
 * installed (named in the message) or the stream fails: a write error's
 * errno is in err->sys_errno (gn_stream_write_fail), for the caller who
 * knows the file's name. */
gn_status gn_pdf_sheet_write(const gn_pdf_sheet *s, FILE *out, gn_err *err);

/* ---- a document: an administrative text (Nghị định 30/2020/NĐ-CP) -------
 * Same pages and drawing as the sheets, in GN_DOC_FONT: at the top the issuing body
 * (left) and the national motto (right), its number and its place and
 * date; the kind and title centred; then blocks flowing over the pages
 * (section headings, paragraphs, tables whose header is repeated on a new
 * page, bar charts drawn with cairo); at the end the recipients (left)
 * and the signer's title and name (right). Pages numbered at the top from
 * the second, as the decree asks. */

typedef enum gn_pdf_block_kind {
	GN_PDF_SECTION,  /* text: a heading */
	GN_PDF_TEXT,     /* text: a paragraph */
	GN_PDF_TABLE,    /* cols, n_rows, cell */
	GN_PDF_CHART,    /* chart */
} gn_pdf_block_kind;

/* Bars of percentages (0..100; < 0: none, e.g. an empty population) with
 * the target as a line across (none without has_target). */
typedef struct gn_pdf_chart {
	size_t n;
	const double *pct;
	const char *const *labels; /* n labels under the bars (NULL ones skipped) */
	bool has_target;
	double target;
} gn_pdf_chart;

typedef struct gn_pdf_block {
	gn_pdf_block_kind kind;
	const char *text;
	const gn_pdf_col *cols;    /* a table: widths scaled to the page */
	size_t n_cols, n_rows;
	void (*cell)(void *arg, size_t row, size_t col, char *buf, size_t size);
	void *arg;
	bool last_bold;            /* the last row (a total) in bold */
	gn_pdf_chart chart;
} gn_pdf_block;

typedef struct gn_pdf_doc {
	const char *parent;        /* the body above the issuer ("UBND PHƯỜNG ..."), or NULL */
	const char *issuer;        /* "PHÒNG VĂN HÓA – XÃ HỘI" */
	const char *number;        /* "Số: 12/BC-VHXH" */
	const char *place_date;    /* "Vạn Xuân, ngày 02 tháng 12 năm 2026" */
	const char *kind;          /* "BÁO CÁO" */
	const char *title;
	const gn_pdf_block *blocks;
	size_t n_blocks;
	const char *const *recipients; /* "Nơi nhận" lines */
	size_t n_recipients;
	const char *signer_title;
	const char *signer_name;
} gn_pdf_doc;

/* Writes the document to out as a PDF; errors as gn_pdf_sheet_write's. */
gn_status gn_pdf_doc_write(const gn_pdf_doc *doc, FILE *out, gn_err *err);

#endif
