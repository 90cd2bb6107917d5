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
#include "gonha/domain/household.h"
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
	/* XLSForm types pyxform accepts that gonha keeps but does not ask on
	 * this PC the way it asks the ones above (xls_type says which) */
	GN_FT_TIME,                  /* HH:MM[:SS] */
	GN_FT_DATETIME,              /* YYYY-MM-DDTHH:MM[:SS] */
	GN_FT_GEOPOINT,              /* "lat lon [alt acc]"; also geotrace, geoshape */
	GN_FT_MEDIA,                 /* image, audio, video, file, barcode: not collected on this PC */
	GN_FT_META,                  /* start, end, today, username, deviceid...: filled in, not asked */
	GN_FT_ACKNOWLEDGE,           /* acknowledge / trigger: "OK" */
} gn_field_type;

/* The parts a question can play in gonha (docs/design.md, "Roles"): the
 * form says which of its questions is which in the survey sheet's
 * gonha::role column; a role's value is kept in the record's column of
 * the same name (gn_qrole_name), every other answer in its answers JSON. */
typedef enum gn_qrole {
	GN_QROLE_NONE = 0,
	GN_QROLE_ROSTER,              /* begin_repeat: the household's persons */
	GN_QROLE_HOUSE_NO,            /* the household's address parts */
	GN_QROLE_ALLEY,
	GN_QROLE_STREET,
	GN_QROLE_VISIT_STATUS,        /* the visit outcome (not_visited, done, revisit, refused, moved) */
	GN_QROLE_VISIT_DATE,
	GN_QROLE_VISITED_BY,
	GN_QROLE_FULL_NAME,           /* a person's, inside the roster */
	GN_QROLE_BIRTH_YEAR,
	GN_QROLE_AGE,                 /* in years, when the form asks the age and not the birth year */
	GN_QROLE_SEX,
	GN_QROLE_RELATION,            /* codes mapped to gonha's by the choices' gonha::relation column */
	GN_QROLE_CCCD,
	GN_QROLE_COUNT
} gn_qrole;

/* The role's name as the gonha::role column writes it ("full_name"), which
 * is also the record's column that keeps its value; "" for none. */
const char *gn_qrole_name(gn_qrole role);
/* The role so named, GN_QROLE_NONE when none is. */
gn_qrole gn_qrole_from_name(const char *name);
/* Is the role a household's (address, visit) rather than a person's? */
bool gn_qrole_of_household(gn_qrole role);

/* The texts of a question that a form gives in each of its languages
 * (gn_field.tr, gn_form_text). */
typedef enum gn_text_kind {
	GN_TR_LABEL, GN_TR_HINT, GN_TR_REQUIRED_MSG, GN_TR_CONSTRAINT_MSG, GN_TR_COUNT
} gn_text_kind;

/* One of the form's own languages, as its columns name them
 * (label::English (en), label::Tiếng Việt (vi)): apart from the UI's. */
typedef struct gn_form_lang {
	char *code;                  /* "en", "vi", "sw"; "default" for the columns with no language */
	char *name;                  /* as the header wrote it ("English (en)"), else the code */
} gn_form_lang;

typedef struct gn_choice {
	char *name, *label_vi, *label_en;
	char **tr;                   /* the label in each of the form's languages (form->n_langs), "" none; NULL */
	char *gonha_code;            /* choices' gonha::code: gonha's code for this one, when its list is of a
	                              * role that has codes (relation, sex, visit outcome); "" = its name */
	char **extra;                /* the choices sheet's other columns (form->choice_cols), for choice_filter */
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
	char **tr;                   /* [lang * GN_TR_COUNT + kind]: its texts in each of the form's languages,
	                              * "" where the form has none; NULL (a field gonha made) */
	char *required_src, *required_msg_vi, *required_msg_en;
	char *constraint_src, *constraint_msg_vi, *constraint_msg_en;
	char *relevant_src, *calculation_src, *default_value, *choice_filter_src;
	char *repeat_count_src;      /* begin_repeat: repeat_count */
	char *appearance;            /* as written ("minimal", "search"...); gn_field_appearance tells one */
	char xls_type[32];           /* the type as XLSForm names it ("select_one", "start", "image") */
	const gn_choice_list *list;  /* for select_one / select_multiple */
	bool list_from_file;         /* select_one_from_file, select_one_external: choices in a media file */
	char *media_file;            /* select_*_from_file: that file ("villages.csv"), beside the form; NULL none */
	int level;                   /* how many repeats it is inside: 0 the household, 1 a member... */
	int parent;                  /* the begin_group / begin_repeat it is in, -1 at the top */
	int line;                    /* line in survey.csv */
	int row;                     /* the row as a spreadsheet numbers it (survey!B<row>) */
	/* compiled, parameter mode ("SELECT <expr>"); NULL when absent. ?N is
	 * field N-1; ?(n_fields+1) the position of the repeat entry being
	 * edited (position(..)); in filter, ?(n_fields+2+k) is the choice's
	 * column k (form->choice_cols). */
	sqlite3_stmt *relevant, *constraint, *required, *calc, *filter, *repeat_count;
	bool required_always;        /* required = yes */
	gn_qrole role;                /* survey's gonha::role */
} gn_field;

typedef struct gn_form {
	char *dir;
	char *id, *version, *default_lang;
	gn_form_lang *langs;         /* the form's own languages, in the order of its columns (gn_form_text) */
	size_t n_langs;
	int lang_default;            /* settings' default_language among them, -1 none */
	int lang;                    /* the language the screen shows (gn_form_set_lang), -1: the UI's */
	gn_field *fields;            /* in survey order */
	size_t n_fields;
	gn_choice_list *lists;
	size_t n_lists;
	char *repeat_name;           /* the first top-level repeat ("members") */
	char *title_vi, *title_en;   /* settings' form_title (gn_form_title) */
	int role_field[GN_QROLE_COUNT]; /* the field playing each role, -1 none (gn_form_role) */
	char **choice_cols;          /* the choices sheet's columns besides list_name, name, label */
	size_t n_choice_cols;
	int survey_col[8];           /* the survey sheet's column of each expression (GN_COL_*), -1 absent */
	sqlite3 *db;                 /* borrowed: the statements belong to it */
	bool allow_choice_duplicates; /* settings: a name twice in one list (told apart by a choice_filter) */
	int position;                /* the repeat entry being edited, from 1 (position(..)); 0 none */
	gn_err eval_error;           /* the last expression SQLite could not run (status GN_OK: none) */
} gn_form;

/* One problem found while loading or checking a form. */
enum { GN_COL_TYPE, GN_COL_NAME, GN_COL_RELEVANT, GN_COL_CONSTRAINT, GN_COL_REQUIRED, GN_COL_CALCULATION,
       GN_COL_CHOICE_FILTER, GN_COL_REPEAT_COUNT };

typedef struct gn_form_problem {
	char file[32];               /* "survey.csv" */
	int line;                    /* 0 when it is about the whole file */
	char cell[40];               /* the cell as a spreadsheet shows it ("survey!B62"), "" when not known */
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

/* A workbook read by a layer above (the XLSX reader of src/interchange):
 * its sheets by name ("survey", "choices", "settings",
 * "external_choices"), each row's cells as text as pyxform makes them.
 * Problems name the sheet and cell (survey!B62); line is the row. */
typedef struct gn_form_book gn_form_book;
gn_form_book *gn_form_book_new(void);
void gn_form_book_free(gn_form_book *b);
/* Adds the row numbered `row` (the header is 1) to the sheet so named;
 * other sheets are ignored. Rows come in order. */
gn_status gn_form_book_add_row(gn_form_book *b, const char *sheet, long row, const char *const *cells, size_t n,
                               gn_err *err);
/* gn_form_load on a workbook; name is its file (the form id when its
 * settings give none, as pyxform takes the file's name). */
gn_status gn_form_load_book(const char *name, gn_form_book *b, sqlite3 *db, gn_form **out, gn_form_problems *problems,
                            gn_err *err);

/* The forms folder: $GONHA_FORMS, else forms/ beside the binary (the
 * source tree), else the installed share/gonha/forms. */
const char *gn_forms_dir(char *buf, size_t size);

/* Registers the SQL functions expressions use (gn_selected,
 * gn_count_selected, gn_regex) on a connection. */
gn_status gn_form_register_sqlite(sqlite3 *db, gn_err *err);

int gn_form_find(const gn_form *form, const char *name);
/* The begin_repeat field k is directly in (through its groups), or -1. */
int gn_form_repeat_of(const gn_form *form, size_t k);
/* The field that plays the role (gonha::role), -1 when the form binds none. */
int gn_form_role(const gn_form *form, gn_qrole role);
/* The form's field for a record's column (a role's name: "full_name") or
 * an answer's key (a question's name, a repeat's answer by its path:
 * gn_form_key_field), -1 none. */
int gn_form_field_of(const gn_form *form, const char *name);
/* Column mode: the SQL of a role field's value as its question has it
 * (its column in `table`, or bare when NULL; the age from the birth year;
 * the form's codes from gonha's); false when the field plays no role. */
bool gn_form_column_sql(const gn_form *form, const gn_field *f, const char *table, gn_strbuf *out);
/* Does the form bind a person roster (and so persons, and the plan's
 * indicators, which count persons)? */
bool gn_form_has_roster(const gn_form *form);
/* Is field f a person's question (inside the roster, at its level)? */
bool gn_form_in_roster(const gn_form *form, const gn_field *f);
/* Codes of a role with codes (relation, sex, visit outcome): the form's
 * choice as gonha's code (the choice's gonha::code, else its name), and
 * back (the first choice mapped to it, else the code). The result is the
 * list's own text or code itself. */
const char *gn_form_code_to_gonha(const gn_form *form, gn_qrole role, const char *code);
const char *gn_form_code_from_gonha(const gn_form *form, gn_qrole role, const char *code);
const gn_choice *gn_choice_find(const gn_choice_list *list, const char *name);
const char *gn_field_label(const gn_field *f);  /* in the UI language, falling back */
/* A question's text in the language chosen for the form (form->lang,
 * gn_form_set_lang), else in its default_language where that one has
 * none, else as gn_field_label / gn_field_hint give it; "" none. The
 * messages: the form's, "" when it gives none. */
const char *gn_form_text(const gn_form *form, const gn_field *f, gn_text_kind kind);
/* A choice's label the same way; _in: in language lang (-1: the UI's). */
const char *gn_form_choice_text(const gn_form *form, const gn_choice *c);
const char *gn_form_choice_text_in(const gn_form *form, const gn_choice *c, int lang);
/* Parameter mode: the parameter bound to form->lang (NULL: the UI's), which
 * jr:choice-name() reads. */
#define GN_FORM_LANG_PARAM ":gn_lang"
/* The language a screen starts with when the person chose none for this
 * form: settings' default_language, else the language whose code is
 * ui_lang ("vi"), else the first; -1 when the form has fewer than two. */
int gn_form_lang_initial(const gn_form *form, const char *ui_lang);
/* The language whose code or name is `lang`, -1 none. */
int gn_form_lang_find(const gn_form *form, const char *lang);
/* Shows the form in language k (-1: the UI's); false when it has no k. */
bool gn_form_set_lang(gn_form *form, int k);
const char *gn_form_title(const gn_form *form); /* settings' form_title, "" none */
const char *gn_field_hint(const gn_field *f);
const char *gn_choice_label(const gn_choice *c);
/* Does the field's appearance name word (one of its space-separated
 * words, "search" also matching "search(...)")? The screen honours
 * minimal, horizontal, field-list, search and autocomplete; form check
 * names any other as a warning. */
bool gn_field_appearance(const gn_field *f, const char *word);
/* A person's words for an answers key that is a path (gonha/domain/
 * answers.h): "woman[2]/child[1]/name" -> "Woman 2 › Child 1 › Name", each
 * part by its label in the UI language. False when key is no path of the
 * form's repeats. */
bool gn_form_key_label(const gn_form *form, const char *key, char *buf, size_t size);
/* The question an answers key names: a bare name (gn_form_find), or a
 * path whose every step is in the repeat the step before names, so that
 * "woman[1]/child[2]/name" is child's name, not man's. -1 none. */
int gn_form_key_field(const gn_form *form, const char *key);
/* Does the form ask field (a record's column by its role or name, an
 * answer's key or path; "members", the number of people, when it binds a
 * person roster)? What a verification compares. */
bool gn_form_asks(const void *form, const char *field);
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

/* A value typed for question `field` (a correction of the verification
 * pass), made the value the question stores, in place (size bytes): a
 * choice typed by its number, its label in either language (as
 * gn_text_same_keyed compares) or its name becomes its name, a date dd/mm/yyyy becomes YYYY-MM-DD; then
 * checked by gn_form_check_type. A name the form does not ask (a core
 * column without a question): GN_OK, unchanged. */
gn_status gn_form_value_as_stored(const gn_form *form, const char *field, char *value, size_t size, gn_err *err);

/* The form's messages for a broken constraint and a missing answer, in the
 * UI language (a plain one when the form has none). */
const char *gn_field_constraint_message(const gn_field *f);
const char *gn_field_required_message(const gn_field *f);

/* How many characters every answer field i accepts has, when its form
 * fixes that (a text constrained by an anchored regex of fixed length,
 * "^[0-9]{12}$"; a whole number bounded by numbers of one count of digits,
 * ". >= 1900 and . <= int(format-date(today(), '%Y'))"); 0 when it does
 * not. Read from the form, never from a field's name: the form screen
 * moves on by itself when such a field is full (heads-down entry). */
int gn_field_fixed_length(gn_form *form, size_t i);

/* A calculate field's value now (malloc'd text, NULL when empty). */
char *gn_form_calculate(gn_form *form, size_t i, gn_form_values vals);

/* Does choice c of select field i pass its choice_filter with these
 * values? (true without a filter; false when the filter is empty or
 * cannot be evaluated, as ODK shows no such choice) */
bool gn_form_choice_shown(gn_form *form, size_t i, size_t c, gn_form_values vals);

/* A begin_repeat's repeat_count now: the number of entries (>= 0), or -1
 * when it has none or it is empty. */
long gn_form_repeat_count(gn_form *form, size_t i, gn_form_values vals);

/* A label or hint with each ${name} replaced by that question's value
 * now, as ODK Collect fills it: a select's by its choice name(s) (a label
 * is jr:choice-name()'s, through a calculate), a calculate's computed; ""
 * when empty. malloc'd, NULL on no memory. */
char *gn_form_fill(gn_form *form, const char *text, gn_form_values vals);

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

/* A choice_filter: like the above (self = the select), and a name
 * without ${} is a column of the choices sheet (form->choice_cols; "name"
 * is the choice's name): ?(n_fields+2+k) for column k, ?(n_fields+2+
 * n_choice_cols) for the name. A name that is no column is, as in XPath,
 * an empty node-set (''): the first such is put in unknown ("" none). */
gn_status gn_form_translate_filter(const gn_form *form, const char *expr, int self, char **sql,
                                   char unknown[64], gn_err *err);

/* The parts of an expression joined by a top-level "and" (parentheses
 * around the whole dropped), each as its source text (malloc'd array of
 * malloc'd strings): "${a} = 'yes' and (${b} or ${c})" gives two. */
gn_status gn_form_conjuncts(const char *expr, char ***parts, size_t *n, gn_err *err);

/* The mapping of a person row: core columns, answers JSON for the rest. */
gn_status gn_form_person_column(void *arg, const gn_form *form, const gn_field *field, gn_strbuf *out,
                                gn_err *err);
/* The SQL gn_form_person_column reads a person's answer to the question
 * name with (a key of the answers JSON), and where the next such read is
 * in sql (outside its string literals and quoted names): its start, its
 * length in *len, the name in name (cap bytes); NULL when there is none.
 * A caller that has the answers at hand puts them in its place. */
void gn_form_answer_sql(gn_strbuf *out, const char *name);
const char *gn_form_answer_ref(const char *sql, size_t *len, char *name, size_t cap);

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
