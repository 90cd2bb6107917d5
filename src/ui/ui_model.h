/* The form screen's model: what the form screen (ui_form.c) needs from a
 * form and the record it edits, and the models there are: the loaded
 * questionnaire (ui_form_model.c) and the core form (ui_core_form.c).
 * Without curses, so that the models can be tested on their own. */
#ifndef GONHA_UI_MODEL_H
#define GONHA_UI_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "gonha/forms/form.h"
#include "gonha/domain/household.h"
#include "gonha/core/status.h"

typedef struct ui_app ui_app;

typedef enum uf_kind {
	UF_TEXT, UF_INTEGER, UF_DECIMAL, UF_DATE, UF_SELECT_ONE, UF_SELECT_MULTIPLE,
	UF_NOTE, UF_CALCULATE,
	UF_HEADING,          /* a group's label */
	UF_REPEAT,           /* a repeat: its entries open from this line (uf_model.repeat) */
} uf_kind;

/* A repeat line of a model: which repeat, where its entries are kept. */
typedef struct uf_repeat {
	int repeat;          /* the begin_repeat's index in the form */
	char path[512];      /* its count key in the household's answers ("woman[2]/child") */
	long fixed;          /* its repeat_count now; -1 when it has none */
	char label[200];
} uf_repeat;

typedef struct uf_choice {
	const char *name;
	const char *label;   /* in the UI language */
} uf_choice;

typedef struct uf_field {
	const char *name;
	const char *label;   /* in the UI language */
	const char *hint;    /* or NULL */
	uf_kind kind;
	const uf_choice *choices;
	size_t n_choices;
	bool search;         /* choices found by typing (appearance search, autocomplete, or a long list) */
	bool minimal;        /* appearance minimal: the choices on one line */
	bool columns;        /* appearance horizontal: the choices in columns of one width, row by row
	                      * (otherwise side by side as they fit: horizontal-compact) */
	bool paged;          /* in a group whose appearance is field-list: its lines are one page */
	size_t page_first, page_last; /* paged: the page's first and last lines (the group's heading...) */
	int length;          /* characters of a full answer when the form fixes it (heads-down moves on), else 0 */
} uf_field;

/* What the form screen needs from a form and the record it edits. The
 * screen knows nothing else about forms: the forms engine (or the core
 * form, ui_core_form.c) provides these. Values are text: choice names,
 * space-separated for select_multiple, "" for none. */
typedef struct uf_model uf_model;
struct uf_model {
	size_t (*n_fields)(uf_model *m);
	const uf_field *(*field)(uf_model *m, size_t i);
	const char *(*get)(uf_model *m, size_t i);          /* never NULL */
	gn_status (*set)(uf_model *m, size_t i, const char *value, gn_err *err);
	bool (*relevant)(uf_model *m, size_t i);
	/* required + constraint of field i, with the form's message */
	gn_status (*check)(uf_model *m, size_t i, gn_err *err);
	/* the field named (err->field from a save), or (size_t)-1 */
	size_t (*find)(uf_model *m, const char *name);
	/* before a save: answers of questions no longer relevant are dropped
	 * (as ODK does), so a hidden answer is neither saved nor checked */
	void (*prune)(uf_model *m);
	void (*free)(uf_model *m);
	/* field i is a repeat (UF_REPEAT): what it is; false for any other */
	bool (*repeat)(uf_model *m, size_t i, uf_repeat *r);
};

/* The household form and the person form (member i of hh): the loaded
 * questionnaire (ui_form_model.c); NULL without one (gonha does not start
 * the screens then). The model reads and writes hh itself. Dates are typed
 * and shown dd/mm/yyyy (gonha/core/date.h). */
uf_model *ui_household_model_new(ui_app *app, gn_household *hh);
uf_model *ui_person_model_new(ui_app *app, gn_household *hh, size_t member);
void ui_model_free(uf_model *m);
/* An entry of a repeat that is not the person roster: entry_path is its
 * path ("woman[2]/child[1]"), its answers the household's, by path
 * (gonha/domain/answers.h). */
uf_model *ui_repeat_entry_model_new(ui_app *app, gn_household *hh, int repeat, const char *entry_path);
/* The form's person roster repeat (the census members), or -1: the
 * household screen lists it below the form; other repeats are lines. */
int ui_form_person_repeat(const gn_form *form);


/* The questionnaire's model on its own: the household form (person false)
 * or the person form of member `member`, or (entry) the entry at
 * entry_path of the repeat `repeat`. login: the signed-in user (the
 * metadata username); visitor: the signed-in person's name (the login when
 * the account has none), the default of visited_by. */
uf_model *ui_form_model_new(gn_form *form, const char *login, const char *visitor, gn_household *hh, bool person,
                            size_t member);
uf_model *ui_entry_model_new(gn_form *form, const char *login, const char *visitor, gn_household *hh, int repeat,
                             const char *entry_path);

#endif
