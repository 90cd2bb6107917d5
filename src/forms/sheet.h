/* Internal to the forms layer: a CSV sheet read whole (forms are small),
 * with libcsv, each row knowing the line it started on. */
#ifndef GONHA_FORMS_SHEET_H
#define GONHA_FORMS_SHEET_H

#include <stddef.h>

#include "gonha/core/status.h"

typedef struct sheet_row {
	char **cells;   /* owned, NUL-terminated UTF-8 */
	size_t n;
	int line;       /* the file line the row starts on */
	int row;        /* the row as a spreadsheet numbers it (blank lines count, a cell's newlines do not) */
} sheet_row;

typedef struct sheet {
	sheet_row *rows; /* rows[0] is the header */
	size_t n;
	char **col_lang; /* per header column, its language as the header wrote it ("English (en)"), NULL for
	                  * none; made by form_canon_headers (which rewrites the header to "label::en") */
} sheet;

/* Reads path (UTF-8, with or without BOM, CRLF or LF). GN_ERR_NOT_FOUND
 * when the file does not exist; GN_ERR_INVALID with "line N: ..." when it
 * is not valid UTF-8 or not valid CSV. */
gn_status sheet_read(const char *path, sheet *out, gn_err *err);
gn_status sheet_parse(const char *data, size_t len, sheet *out, gn_err *err);
void sheet_free(sheet *s);

/* Index of a header column (exact name), or -1. */
int sheet_column(const sheet *s, const char *name);
/* The cell of row r at column c, "" when absent. */
const char *sheet_cell(const sheet *s, size_t r, int c);

#endif
