/* Questionnaires as data: XLSForm conventions (the ones ODK and
 * KoboToolbox users write in Excel) saved as CSV sheets in forms/<form>/:
 * survey.csv, choices.csv, settings.csv, and indicators.csv.
 *
 * Expressions (relevant, constraint, required, calculation, choice_filter,
 * and the indicators' population and condition) are translated from the
 * XLSForm syntax into SQL and run by SQLite as prepared statements with
 * bound parameters, compiled once when the form loads. The translator only
 * emits the constructs it knows and an authorizer refuses any table, so an
 * expression can never reach the database. */
#ifndef GONHA_FORM_H
#define GONHA_FORM_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "gonha/domain/coverage.h"
#include "gonha/core/status.h"
#include "gonha/core/strbuf.h"

typedef enum gn_field_type {
	GN_FT_TEXT = 0,
	GN_FT_INTEGER,
	GN_FT_DECIMAL,
	GN_FT_DATE,
	GN_FT_SELECT_ONE,
	GN_FT_SELECT_MULTIPLE,
	GN_FT_NOTE,
	GN_FT_CALCULATE,
	GN_FT_BEGIN_GROUP,
	GN_FT_END_GROUP,
	GN_FT_BEGIN_REPEAT,
	GN_FT_END_REPEAT,
} gn_field_type;

typedef struct gn_choice {
	char *name, *label_vi, *label_en;
} gn_choice;

typedef struct gn_choice_list {
	char *name;
	gn_choice *items;
	size_t n;
} gn_choice_list;

typedef struct gn_field {
	gn_field_type type;
	char *name;
	char *label_vi, *label_en, *hint_vi, *hint_en;
	char *required_src, *required_msg_vi, *required_msg_en;
	char *constraint_src, *constraint_msg_vi, *constraint_msg_en;
	char *relevant_src, *calculation_src, *default_value, *choice_filter_src;
	const gn_choice_list *list;  /* for select_one / select_multiple */
	int level;                   /* 0: the household; 1: a member (inside the repeat) */
	int line;                    /* line in survey.csv */
	/* compiled, parameter mode ("SELECT <expr>"); NULL when absent */
	sqlite3_stmt *relevant, *constraint, *required, *calc;
	bool required_always;        /* required = yes */
} gn_field;

typedef struct gn_form {
	char *dir;
	char *id, *version, *default_lang;
	gn_field *fields;            /* in survey order */
	size_t n_fields;
	gn_choice_list *lists;
	size_t n_lists;
	char *repeat_name;           /* the household's members repeat ("members") */
	sqlite3 *db;                 /* borrowed: the statements belong to it */
	gn_err eval_error;           /* the last expression SQLite could not run (status GN_OK: none) */
} gn_form;

/* One problem found while loading or checking a form. */
typedef struct gn_form_problem {
	char file[32];               /* "survey.csv" */
	int line;                    /* 0 when it is about the whole file */
	bool warning;                /* true: reported, the form still loads */
	char msg[GN_ERR_MSG_MAX];
} gn_form_problem;

typedef struct gn_form_problems {
	gn_form_problem *items;
	size_t n;
	size_t errors;               /* how many are not warnings */
} gn_form_problems;

void gn_form_problems_free(gn_form_problems *p);

/* Loads forms/<dir>: parses the sheets, checks them like the XLSForm tools
 * do, and compiles every expression on db (which must stay open while the
 * form is used). Problems are collected in *problems; if any is an error
 * the form is not returned (GN_ERR_INVALID) and nothing is half-loaded. */
gn_status gn_form_load(const char *dir, sqlite3 *db, gn_form **out, gn_form_problems *problems,
                       gn_err *err);
void gn_form_free(gn_form *form);

/* The forms folder: $GONHA_FORMS, else forms/ beside the binary (the
 * source tree), else the installed share/gonha/forms. */
const char *gn_forms_dir(char *buf, size_t size);

/* Registers the SQL functions expressions use (gn_selected,
 * gn_count_selected, gn_regex) on a connection. */
gn_status gn_form_register_sqlite(sqlite3 *db, gn_err *err);

int gn_form_find(const gn_form *form, const char *name);
const gn_choice *gn_choice_find(const gn_choice_list *list, const char *name);
const char *gn_field_label(const gn_field *f);  /* in the UI language, falling back */
const char *gn_field_hint(const gn_field *f);
const char *gn_choice_label(const gn_choice *c);
/* Fields that hold an answer (not groups, repeats, notes). */
bool gn_field_is_question(const gn_field *f);

/* ---- one record being edited ------------------------------------------- */

/* The values of the record: vals[i] is field i's value as text (choice
 * names, space-separated for select_multiple; NULL or "" = no answer). The
 * household's fields and, while a member is edited, that member's. */
typedef const char *const *gn_form_values;

/* Is field i shown? (relevant; true when it has none, and when it cannot
 * be evaluated: an answer it needs is empty, or SQLite failed, which is
 * kept in form->eval_error so that the screen can say so) */
bool gn_form_relevant(gn_form *form, size_t i, gn_form_values vals);

/* Checks the value of field i: type (a number, a real date, a known
 * choice), required, constraint. On failure the form's message (or a
 * plain one) in the UI language, with err->field = the field's name. */
gn_status gn_form_check_value(gn_form *form, size_t i, gn_form_values vals, gn_err *err);

/* The type of one value on its own (a whole number, a number, a real
 * date, known choices); "" and NULL pass. The import checks each cell
 * with it, the form screen through gn_form_check_value. */
gn_status gn_form_check_type(const gn_field *f, const char *value, gn_err *err);

/* The form's messages for a broken constraint and a missing answer, in the
 * UI language (a plain one when the form has none). */
const char *gn_field_constraint_message(const gn_field *f);
const char *gn_field_required_message(const gn_field *f);

/* A calculate field's value now (malloc'd text, NULL when empty). */
char *gn_form_calculate(gn_form *form, size_t i, gn_form_values vals);

/* ---- translation --------------------------------------------------------- */

/* How `${name}` becomes SQL in column mode: append SQL for the field to
 * out, or fail. */
typedef gn_status (*gn_form_ref_fn)(void *arg, const gn_form *form, const gn_field *field, gn_strbuf *out,
                                    gn_err *err);

/* Translates an XLSForm expression into SQL. self: the field "." refers to
 * (or -1). With ref == NULL, references become bound parameters ?N (N =
 * field index + 1); calculate fields are inlined in both modes. */
gn_status gn_form_translate(const gn_form *form, const char *expr, int self, gn_form_ref_fn ref, void *arg,
                            char **sql, gn_err *err);

/* The parts of an expression joined by a top-level "and" (parentheses
 * around the whole dropped), each as its source text (malloc'd array of
 * malloc'd strings): "${a} = 'yes' and (${b} or ${c})" gives two. */
gn_status gn_form_conjuncts(const char *expr, char ***parts, size_t *n, gn_err *err);

/* The mapping of a person row: core columns, answers JSON for the rest. */
gn_status gn_form_person_column(void *arg, const gn_form *form, const gn_field *field, gn_strbuf *out,
                                gn_err *err);

/* Answers are never lost when the form changes: they are kept by question
 * name in each record's answers JSON, so a question dropped from the form
 * keeps its stored answers (and exports still carry them). A question
 * renamed is listed in forms/<dir>/renames.csv (version, level
 * household|person, old_name, new_name); this moves the stored answers of
 * every rename not applied yet, never over an answer already under the new
 * name, and records the versions in form_version, in one transaction. */
gn_status gn_form_migrate_answers(sqlite3 *db, const gn_form *form, gn_form_problems *problems, gn_err *err);

/* Reads forms/<dir>/indicators.csv into a coverage set, translating each
 * population and condition over a person row. */
gn_status gn_form_indicators(const gn_form *form, gn_cov_set *set, gn_form_problems *problems, gn_err *err);

#endif
