/* Internal to the interchange layer: the columns of the persons and
 * households files, built from the loaded form so that export and import
 * agree on them. */
#ifndef GONHA_INTERCHANGE_COLUMNS_H
#define GONHA_INTERCHANGE_COLUMNS_H

#include "gonha/interchange/exchange.h"
#include "gonha/forms/form.h"

typedef enum ex_col_kind {
	EXC_ID = 0,     /* person_id / household_id: the record's UUID */
	EXC_HOUSEHOLD,  /* persons: household_id */
	EXC_TDP_CODE,
	EXC_TDP_NAME,   /* derived: not imported */
	EXC_CORE,       /* a table column (full_name, house_no, ...) */
	EXC_ANSWER,     /* a form question kept in the answers JSON */
	EXC_OTHER,      /* answers not in this form, as JSON */
	EXC_DERIVED,    /* age, head_name, member_count: not imported */
	EXC_META,       /* updated_at, updated_by, version, base_version, form_id, form_version */
} ex_col_kind;

/* This PC's id (gn_db_pc_id, made before any export or import), in SQL:
 * a stored NULL PC stamp is this PC's. */
#define EX_THIS_PC "(SELECT value FROM meta WHERE key = 'pc_id')"
/* A PC stamp read from a file, as stored: this PC's is NULL, a file that
 * did not say gives '' (another PC, not known). */
#define EX_PC_STORED(p) "nullif(coalesce(" p ", ''), " EX_THIS_PC ")"

typedef struct ex_col {
	const char *name;       /* the CSV header */
	const char *label_vi;   /* the --labels header */
	ex_col_kind kind;
	const gn_field *field;  /* the form's question, or NULL */
	char *sql;              /* owned: the SELECT expression */
	unsigned char sheet;    /* ex_sheet_role(name, field), found when the column is added; 0: not yet */
} ex_col;

typedef struct ex_cols {
	gn_ex_kind kind;
	ex_col *cols;   /* owned */
	size_t n;
	char *answer_keys; /* owned: "'$.a', '$.b'" for json_remove, or NULL */
} ex_cols;

gn_status ex_cols_build(const gn_form *form, gn_ex_kind kind, ex_cols *out, gn_err *err);
/* Appends the answer columns of another form (a TDP entering it) that c
 * does not have yet: an import reads a file mixing TDPs of two forms. */
gn_status ex_cols_add_form(ex_cols *c, const gn_form *form, gn_err *err);
/* The SQL of other_answers in form's file of this kind (the answers that
 * are none of its columns), malloc'd; NULL: out of memory. */
char *ex_cols_other_sql(const gn_form *form, gn_ex_kind kind);
/* Whether name is one of form's answer columns in a file of this kind. */
bool ex_cols_is_answer_of(const gn_form *form, gn_ex_kind kind, const char *name);
void ex_cols_free(ex_cols *c);
int ex_cols_find(const ex_cols *c, const char *name);

/* The label (Vietnamese) of a choice, or name itself. */
const char *ex_choice_label(const gn_field *f, const char *name);
/* The choice name of a label or name typed in a cell, or NULL. */
const char *ex_choice_name(const gn_field *f, const char *cell);

#endif
