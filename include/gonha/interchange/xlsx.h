/* A small XLSX (Office Open XML workbook) reader: libzip for the container,
 * expat for the XML. Debian 12 has no C XLSX reader; this one is general
 * (imports of exports, XLSForm workbooks): the sheets in their order, and
 * each sheet's rows as arrays of cell texts, streamed.
 *
 * Cell texts are what the cell holds, not how it is shown: shared and
 * inline strings as text, numbers as their literal text in the file
 * ("912345678", "1.5E+16"), booleans as TRUE/FALSE, formulas as their
 * cached result, errors as "#N/A". Each cell says whether it is a number
 * and whether its style shows it as a date (built-in formats 14-22 and
 * 45-47, or a custom format with d, m, y, h or s outside quotes), so that
 * an import can refuse a date a spreadsheet made.
 *
 * Guarded against zip bombs and absurd files: limits on each part's
 * uncompressed size and compression ratio, on shared strings, cell length
 * (a spreadsheet's 32,767 characters), columns (XFD) and rows (1,048,576).
 * No DTDs or entities (an XLSX part never has them). */
#ifndef GONHA_XLSX_H
#define GONHA_XLSX_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "gonha/interchange/exchange.h"
#include "gonha/core/status.h"

typedef struct gn_xlsx gn_xlsx;

typedef enum gn_xlsx_kind {
	GN_XLSX_EMPTY = 0,
	GN_XLSX_TEXT,
	GN_XLSX_NUMBER,
	GN_XLSX_BOOL,
	GN_XLSX_ERROR,
} gn_xlsx_kind;

typedef struct gn_xlsx_cell {
	const char *text;   /* UTF-8, NUL-terminated, "" when empty; valid in the callback only */
	size_t len;
	gn_xlsx_kind kind;
	bool date;          /* a number styled as a date or time (or a t="d" cell) */
} gn_xlsx_cell;

typedef struct gn_xlsx_row {
	long row;                   /* 1-based, as the sheet numbers it */
	const gn_xlsx_cell *cells;  /* column A first; missing cells are EMPTY */
	size_t n;                   /* up to the last cell the file has in the row */
} gn_xlsx_row;

typedef struct gn_xlsx_limits {
	unsigned long long part_bytes;   /* one XML part, uncompressed */
	unsigned long long shared_bytes; /* the shared strings, held in memory */
	unsigned ratio;                  /* uncompressed / compressed, for parts over 64 MB */
	size_t cell_bytes;
} gn_xlsx_limits;

/* Defaults: parts of 16 GB, shared strings of 512 MB, a ratio of 1000,
 * cells of 32,767 characters. */
void gn_xlsx_default_limits(gn_xlsx_limits *l);

/* True if the file starts with a zip's "PK\3\4" (an XLSX is a zip). */
bool gn_xlsx_is_zip(const char *path);

/* Opens a workbook: reads its sheet list, shared strings and styles.
 * limits NULL: the defaults. Errors (not a zip, not an XLSX, a damaged
 * part, over a limit) as values with a message. */
gn_status gn_xlsx_open(const char *path, const gn_xlsx_limits *limits, gn_xlsx **out, gn_err *err);
void gn_xlsx_close(gn_xlsx *x);

/* The sheets in the workbook's order (hidden ones too). */
size_t gn_xlsx_sheet_count(const gn_xlsx *x);
const char *gn_xlsx_sheet_name(const gn_xlsx *x, size_t i);
/* Index of the sheet so named, or -1. */
int gn_xlsx_sheet_find(const gn_xlsx *x, const char *name);

/* Calls fn for each row the sheet has (rows with no cells may be left out
 * by the file: row numbers tell). fn returning an error stops the reading
 * and the error is returned. */
typedef gn_status (*gn_xlsx_row_fn)(void *arg, const gn_xlsx_row *row, gn_err *err);
gn_status gn_xlsx_read_sheet(gn_xlsx *x, size_t sheet, gn_xlsx_row_fn fn, void *arg, gn_err *err);
/* Same by name: GN_ERR_NOT_FOUND "the workbook has no sheet ..." if none. */
gn_status gn_xlsx_read_sheet_named(gn_xlsx *x, const char *name, gn_xlsx_row_fn fn, void *arg, gn_err *err);

/* ---- questionnaires (src/interchange/xlsx_form.c) ------------------------- */

/* Loads an XLSForm workbook (.xlsx, .xlsm) as gn_form_load loads a folder
 * of CSV sheets: its survey, choices, settings and external_choices
 * sheets (by lower-cased name; a workbook of one sheet is its survey),
 * each cell as pyxform makes it (TRUE/FALSE, 1 for 1.0, a date-styled
 * number as "YYYY-MM-DD HH:MM:SS", a formula's cached value, text
 * trimmed). Read with limits a questionnaire never reaches; a file that
 * is not a workbook, or has no survey sheet, is one error. */
struct gn_form;
struct gn_form_problems;
gn_status gn_form_load_xlsx(const char *path, sqlite3 *db, struct gn_form **out, struct gn_form_problems *problems,
                            gn_err *err);
/* The same for an .xls (Excel 97-2003) workbook, read with FreeXL: its
 * cells as xlrd gives them to pyxform (a date as "YYYY-MM-DD 00:00:00").
 * FreeXL (1.0.6) gives a boolean cell (TRUE/FALSE) as empty: such a cell
 * is lost, which the caller must say. */
gn_status gn_form_load_xls(const char *path, sqlite3 *db, struct gn_form **out, struct gn_form_problems *problems,
                           gn_err *err);

/* ---- import (src/interchange/xlsx_import.c) ------------------------------ */

/* Imports a workbook gonha or a spreadsheet wrote: its sheets in order (a
 * sheet "Ghi chú" left out, a continuation sheet's repeated header skipped)
 * go to gn_import as CSV, one sheet row per CSV line; problems are given
 * by the sheet's row (and the sheet's name when there are several). A
 * number cell styled as a date is refused at its row. */
gn_status gn_import_xlsx(gn_ctx *ctx, const gn_census *census, const char *path, const gn_import_options *opt,
                         gn_import_report *rep, gn_err *err);

/* gn_import_xlsx for a zip (by its first bytes, whatever the name), else
 * gn_import. */
gn_status gn_import_file(gn_ctx *ctx, const gn_census *census, const char *path, const gn_import_options *opt,
                         gn_import_report *rep, gn_err *err);

#endif
