/* Internal to the interchange layer: where export rows go. One producer of
 * rows (export.c, report.c) feeds either sink: CSV for machines (libcsv
 * quoting, formula guard, BOM and CRLF for Excel) or an XLSX workbook for
 * people (libxlsxwriter in constant-memory mode: rows are streamed).
 *
 * Use: ex_sink_csv or ex_sink_xlsx_open, ex_sink_columns once, then per
 * row ex_sink_text / ex_sink_num for every column and ex_sink_end_row,
 * then ex_sink_close (always, also after an error: it frees). */
#ifndef GONHA_INTERCHANGE_SINK_H
#define GONHA_INTERCHANGE_SINK_H

#include "gonha/interchange/exchange.h"
#include "gonha/interchange/report.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct ex_sink_col {
	const char *header;
	bool number;   /* numbers (counts, years) as number cells; the rest is text "@" */
	bool pct;      /* a number shown with one decimal */
} ex_sink_col;

typedef struct ex_sink {
	bool xlsx;
	bool failed;
	/* CSV */
	FILE *out;
	bool plain;      /* LF, no BOM */
	bool quote_all;  /* every text cell quoted (the report's CSV as it was) */
	bool first;
	char *buf;
	size_t cap;
	/* XLSX (see sink.c) */
	struct ex_xlsx *x;
	long rows;       /* data rows written */
} ex_sink;

/* A CSV sink on an open stream. */
void ex_sink_csv(ex_sink *s, FILE *out, bool plain, bool quote_all);

/* A workbook written to path (a file gn_private_create made and closed:
 * libxlsxwriter opens the same path, so it keeps its 0600 mode). sheet is
 * the first sheet's name ("Nhân khẩu"); sheet_rows the rows per sheet with
 * the header (0 = GN_XLSX_MAX_ROWS). Temporary files go in a private
 * folder made with mkdtemp under $TMPDIR, removed by ex_sink_close. */
gn_status ex_sink_xlsx_open(ex_sink *s, const char *path, const char *sheet, long sheet_rows, gn_err *err);

/* The header row; the columns stay valid until ex_sink_close. */
gn_status ex_sink_columns(ex_sink *s, const ex_sink_col *cols, size_t n, gn_err *err);

/* The next cell: text (NULL = empty) or a number. literal is what the CSV
 * gets ("" = empty); a number cell only if literal is exactly the number
 * as a workbook writes it back, so a file read back gives the same text. */
void ex_sink_text(ex_sink *s, const char *v);
void ex_sink_num(ex_sink *s, const char *literal);

gn_status ex_sink_end_row(ex_sink *s, gn_err *err);

/* The workbook of an XLSX sink (NULL for CSV), for sheets and charts added
 * after the rows with libxlsxwriter's own API (the report's charts);
 * sheet: the first sheet's name, which the charts refer to. */
struct lxw_workbook *ex_sink_workbook(ex_sink *s, const char **sheet);

/* Finishes the file (XLSX: widths, filter, the note sheet, the zip) and
 * frees. ok = false: only frees (the caller removes the .part). */
gn_status ex_sink_close(ex_sink *s, bool ok, gn_err *err);

/* The coverage rows of the report (report.c) into a sink: the columns of
 * the CSV (labels = Vietnamese headers). */
gn_status ex_report_coverage(gn_ctx *ctx, const gn_cov_set *set, const gn_report_options *opt, bool labels,
                             ex_sink *s, gn_err *err);

/* Writes an XLSX file whole or not at all at path (0600, .part then
 * published), rows produced by fn into the sink. */
typedef gn_status (*ex_fill_fn)(void *arg, ex_sink *s, gn_err *err);
gn_status ex_write_xlsx(const char *path, const char *sheet, long sheet_rows, ex_fill_fn fn, void *arg,
                        gn_err *err);
/* The same as CSV (BOM and CRLF for Excel unless plain). */
gn_status ex_write_csv(const char *path, bool plain, ex_fill_fn fn, void *arg, gn_err *err);
/* Any file written whole or not at all at path (0600, .part then
 * published), by fn on the open stream; a full disk named with the file. */
typedef gn_status (*ex_stream_fn)(void *arg, FILE *out, gn_err *err);
gn_status ex_write_stream(const char *path, ex_stream_fn fn, void *arg, gn_err *err);

#endif
