/* Internal to the forms layer: what form.c and form_sheets.c share. */
#ifndef GONHA_FORMS_INTERNAL_H
#define GONHA_FORMS_INTERNAL_H

#include "gonha/forms/form.h"
#include "sheet.h"

/* One problem of the form being loaded (p may be NULL). */
void form_problem(gn_form_problems *p, const char *file, int line, bool warning, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The same, about one cell: row as a spreadsheet numbers it (0: not
 * known), col from 0 (-1: the whole row); the problem names it as Excel
 * shows it ("survey!B62", "survey!62:62"). */
void form_problem_at(gn_form_problems *p, const char *file, int line, int row, int col, bool warning,
                     const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Header cells rewritten in place to the names pyxform reads them as:
 * whitespace collapsed, aliases resolved ("relevance", "bind:relevant",
 * "bind::relevant" -> "relevant"; "list name" -> "list_name"; "control::
 * appearance" -> "appearance"), languages as codes ("label::English (en)"
 * -> "label::en"). Two headers that are the same column are an error. */
void form_canon_headers(sheet *s, const char *file, gn_form_problems *problems);
/* One header name made canonical the same way. */
void form_canon_column(const char *raw, char *out, size_t size);

/* A cell cleaned as typed text is (NFC, no control characters); "" when absent. */
char *form_dup_cell(const sheet *s, size_t r, int c);
/* A column by its XLSForm name, accepting "label" for "label::vi" etc. */
int form_column(const sheet *s, const char *name, const char *alias);

/* The form's own languages (form->langs, lang_default) from the
 * translatable columns of its survey and choices sheets (either NULL);
 * after form_load_settings, before the sheets are loaded. */
void form_find_langs(gn_form *form, const sheet *survey, const sheet *choices);
gn_status form_load_choices(gn_form *form, const sheet *s, gn_form_problems *problems);
gn_status form_load_survey(gn_form *form, const sheet *s, gn_form_problems *problems);
gn_status form_load_settings(gn_form *form, const char *dir, const sheet *s, gn_form_problems *problems);

/* An expression cell as pyxform reads it: curly quotes made straight. */
void form_straighten_quotes(char *text);

#endif
