/* Internal to the forms layer: what form.c and form_sheets.c share. */
#ifndef GONHA_FORMS_INTERNAL_H
#define GONHA_FORMS_INTERNAL_H

#include "gonha/forms/form.h"
#include "sheet.h"

/* One problem of the form being loaded (p may be NULL). */
void form_problem(gn_form_problems *p, const char *file, int line, bool warning, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* A cell cleaned as typed text is (NFC, no control characters); "" when absent. */
char *form_dup_cell(const sheet *s, size_t r, int c);
/* A column by its XLSForm name, accepting "label" for "label::vi" etc. */
int form_column(const sheet *s, const char *name, const char *alias);

gn_status form_load_choices(gn_form *form, const sheet *s, gn_form_problems *problems);
gn_status form_load_survey(gn_form *form, const sheet *s, gn_form_problems *problems);
gn_status form_load_settings(gn_form *form, const char *dir, gn_form_problems *problems);

#endif
