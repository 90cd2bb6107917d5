/* Internal to the interchange layer: what Excel and LibreOffice Calc do
 * to a CSV file they open and save again, undone where the meaning is
 * certain and named where it is not (docs/exchange.md, "Spreadsheets"). */
#ifndef GONHA_INTERCHANGE_SPREADSHEET_H
#define GONHA_INTERCHANGE_SPREADSHEET_H

#include <stdbool.h>

#include "columns.h"

/* What the rules below need to know of a column, by its name and question,
 * as bits (never 0), found once when the column is added (ex_col.sheet)
 * instead of by its name for every cell. */
unsigned char ex_sheet_role(const char *name, const gn_field *field);

/* A number a spreadsheet wrote in exponent form ("1.23457E+11",
 * "9.0689548789226E+015"): its last digits are gone. */
bool ex_sheet_exponent(const char *cell);

/* What a spreadsheet did to this cell of column c that cannot be undone
 * for certain, as a translated message (the column and the value are
 * named by the caller), or NULL when the cell is fine. local: the value
 * stored (NULL for a new record); decimal_comma: the file is ';'-separated. */
const char *ex_sheet_damage(const ex_col *c, const char *cell, const char *local, bool decimal_comma);

/* The cell as gonha wrote it, when a spreadsheet changed it in a way that
 * is certain to undo: leading zeros dropped from digits (given the value
 * stored here, or by the rule of the column: a CCCD has 12 digits, a phone
 * starts with 0), a decimal comma in a file separated by ';', a time
 * written with a space for the T. local is the stored value (NULL for a
 * record not here). Returns a malloc'd value, or NULL to keep the cell. */
char *ex_sheet_restore(const ex_col *c, const char *cell, const char *local, bool decimal_comma);

/* Are the stored and the incoming value the same? Text exactly; numbers
 * as numbers ("1" is "1.0"). */
bool ex_sheet_same(const ex_col *c, const char *local, const char *cell);

/* Is a version token the one stored, though a spreadsheet wrote it as a
 * number? An all-digit token read back as "9.0689548789226E+015",
 * "9.06895E+15" or "8499253764802550" (15 digits kept), one like
 * "90026665552e3822" as "1.79769313486232E+308". */
bool ex_sheet_same_token(const char *local, const char *cell);

#endif
