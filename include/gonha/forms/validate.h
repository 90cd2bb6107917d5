/* The form's own rules over stored rows, set-based: every `constraint`
 * (valid to store) and every `required` (complete as a visit) of the
 * loaded questionnaire, translated by the forms engine into SQL over the
 * household or person table and run as one query for a whole file or a
 * whole ward. The import runs it over the rows a file wrote, `gonha check`
 * over every stored record; the form screen runs the same rules one record
 * at a time (gn_form_check_value). docs/design.md says which layer holds
 * which rule. */
#ifndef GONHA_VALIDATE_H
#define GONHA_VALIDATE_H

#include <sqlite3.h>
#include <stdbool.h>

#include "gonha/domain/check.h"
#include "gonha/forms/form.h"

typedef enum gn_rule_kind {
	GN_RULE_KIND_CONSTRAINT = 0, /* a value present breaks the form's constraint: not valid to store */
	GN_RULE_KIND_REQUIRED,       /* a relevant question has no answer: not complete as a visit */
} gn_rule_kind;

/* One row that breaks one rule: key is the caller's key of the row (a
 * line of the file, a rowid), record_id the row's UUID, value the stored
 * value as text (NULL when empty). */
typedef void (*gn_rule_violation_fn)(void *arg, long long key, const char *record_id, const gn_field *field,
                                     gn_rule_kind kind, const char *value);

typedef struct gn_rule_rows {
	int level;          /* 0: household rows, 1: person rows */
	const char *from;   /* FROM clause: the table (household or person, not aliased) and any join or WHERE */
	const char *key;    /* SQL expression of the key reported for each row */
	bool required_too;  /* also report questions left unanswered */
} gn_rule_rows;

/* Runs the rules of the form's fields at rows->level over the rows; calls
 * fn for each violation (in key order). *count gets how many. */
gn_status gn_form_check_rows(const gn_form *form, sqlite3 *db, const gn_rule_rows *rows, gn_rule_violation_fn fn,
                             void *arg, long *count, gn_err *err);

/* `gonha check`: every stored record (households and persons not
 * removed; only: an SQL condition on the table's row that narrows them,
 * such as the records of the TDPs entering this form, or NULL) against
 * the form's constraints; report is called as
 * gn_check_run calls it, with the rule GN_RULE_FORM. Questions left
 * unanswered are not problems of the file (the round goes on). */
gn_status gn_form_check_stored(const gn_form *form, sqlite3 *db, const char *only, gn_check_report_fn report, void *arg,
                               long *problems, gn_err *err);

#endif
