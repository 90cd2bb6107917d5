/* A printed sheet as a PDF on A4 paper: a heading on every page (the ward,
 * the title, the TDP, the date and a line to sign), a table whose header
 * is repeated on every page, rows tall enough to write in, headings of
 * groups (an alley) across the table, a legend and numbered pages. Text
 * is shaped by pango (Vietnamese marks placed by the font), in one font
 * (GN_SHEET_FONT, from the Debian package fonts-liberation2) that is
 * embedded, so the file prints the same anywhere. No curses, no database:
 * round_sheet.c fills it. */
#ifndef GONHA_SHEET_PDF_H
#define GONHA_SHEET_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gonha/core/status.h"

#define GN_SHEET_FONT "Liberation Sans"

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

#endif
