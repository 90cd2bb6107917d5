/* Internal to the import (src/interchange/import*.c, conflicts.c): the
 * state of one file being read, and what the parts share. By concern:
 *   import.c        reading the CSV, the header, the driver (one transaction)
 *   import_check.c  the one validation path applied to a row, the form's
 *                   rules over the rows written, TDP lookups
 *   import_merge.c  merging a gonha export by UUID (docs/exchange.md)
 *   import_bulk.c   persons into a ward with nobody in it
 *   import_list.c   a TDP's household list
 *   conflicts.c     merge conflicts listed and resolved */
#ifndef GONHA_INTERCHANGE_IMPORT_H
#define GONHA_INTERCHANGE_IMPORT_H

#include "columns.h"
#include "gonha/interchange/exchange.h"
#include "gonha/core/strbuf.h"
#include "gonha/interchange/registry.h"

#include <sqlite3.h>
#include <stdbool.h>

/* The household list template (docs/exchange.md). */
enum { HL_TDP, HL_HOUSE, HL_ALLEY, HL_STREET, HL_HEAD, HL_YEAR, HL_SEX, HL_CCCD, HL_PHONE, HL_COUNT };
typedef struct imp_list_col {
	const char *name, *label_vi;
} imp_list_col;
extern const imp_list_col imp_list_cols[HL_COUNT];

/* The position of each column gonha reads by name in the row, resolved
 * once from the header (id: the record's own id, person_id or
 * household_id). */
typedef struct imp_colidx {
	int id, person_id, household_id, tdp_code, full_name, birth_year, sex, relation, cccd, other_answers, updated_at, updated_by, version, base_version, walk_order, house_no, alley, street, visit_status, visit_date, visited_by,
	    created_at, created_by, created_pc, updated_pc, entered_by, entered_at, entered_pc, entry_seconds, reviews, corrections, form_id, form_version; /* -1: not in the file */
} imp_colidx;

#define IMP_BULK_ANSWERS 32

typedef struct importer {
	gn_ctx *ctx;
	const gn_census *census;
	const gn_import_options *opt;
	gn_import_report *rep;
	ex_cols cols;
	int *map;            /* file column -> ex_cols index (or HL_ index), -1 = none */
	size_t n_header;
	int this_year;
	/* the row being read: its cells' text one after another in row_text
	 * (each ended by a NUL, at cell_at[i]), and cells[i] pointing into it
	 * once the row is complete (a row's text grows as it is read). All
	 * owned, kept from row to row: no allocation per cell. */
	char **cells;
	size_t *cell_at;
	size_t n_cells, cap_cells;
	char *row_text;
	size_t row_text_len, row_text_cap;
	long line, row_line;
	long row_start;
	long last_refused_line;      /* the line the row being read started on */
	bool row_bad_utf8, row_nul;
	bool header_done, fatal;
	bool decimal_comma;  /* the file is separated by ';' (a decimal-comma locale) */
	bool token_mangled;  /* this row's version came back from a spreadsheet as a number */
	sqlite3_stmt *written; /* remembers the line of each record written, for the form's rules */
	gn_status status;    /* a database or memory error stops everything */
	gn_err *err;
	const char *source;
	/* statements, prepared once */
	sqlite3_stmt *local, *ins, *upd, *conflict_seen, *conflict_add, *tdp_of, *hh_tdp;
	sqlite3_stmt *upd_in_place; /* a person edited where they are: household, TDP and name as stored */
	sqlite3_stmt *hl_seen, *hl_household, *hl_head;
	sqlite3_stmt *reviews_ok, *reviews_add; /* a households row's reviews */
	sqlite3_stmt *same_answers; /* IMP_ANSWER_SETS_SQL: a row's answers against the stored ones */
	sqlite3_stmt *corrections_ok, *corrections_add; /* and its corrections after save */
	char (*touched)[37]; /* owned: TDP ids whose people changed */
	long long file_bytes; /* size of the file, 0 when not known */
	char **dropped;      /* owned: CREATE INDEX statements to run again */
	size_t n_dropped;
	size_t n_touched;
	long *added_in;      /* owned: records added per touched TDP, for the audit */
	/* owned, per touched TDP: the coverage bits of the persons added into a
	 * ward with nobody in it, summed as they go in ([0] den, [1] num) */
	long long (*bit_sums)[2][64];
	size_t last_touched; /* rows come grouped by TDP: looked at first */
	/* A persons file into a ward with nobody in it: every person index is
	 * dropped and built again at the end, the coverage bits are computed as
	 * each row goes in, and a row's position is its line (file order). */
	bool empty_ward;
	sqlite3_stmt *bulk_ins; /* BULK_ROWS persons at a time */
	sqlite3_stmt *bulk_json; /* a row with other_answers: its answers compacted, and bulk_answer read from them */
	/* the answers the coverage bits read (gn_form_answer_ref), bound beside
	 * each row of bulk_ins instead of read again from its answers JSON by
	 * every indicator; bulk_answer_col: the file's column of each (-1:
	 * the file has none); bulk_params: the parameters of one row */
	char bulk_answer[IMP_BULK_ANSWERS][64];
	int bulk_answer_col[IMP_BULK_ANSWERS];
	int n_bulk_answers, bulk_params;
	int bulk_pending;       /* rows bound into bulk_ins, not yet inserted */
	/* owned: the text bound into bulk_ins since its last run, kept here
	 * (bound SQLITE_STATIC) instead of copied by SQLite value by value;
	 * bulk_binding: a row is being bound into it */
	char *bulk_kept;
	size_t bulk_kept_len;
	bool bulk_binding;
	/* owned: the search words (household_word) of the persons bulk_ins
	 * inserted since the last were written, a TDP at a time */
	struct imp_words *words;
	/* the last TDP code and household looked up: rows come grouped */
	char last_code[32], last_code_tdp[37], last_canonical[32];
	char last_hh[37], last_hh_tdp[37];
	imp_colidx ci;        /* the columns this file has, found once from its header */
	gn_tdp_forms forms;   /* the form of each TDP, loaded once (registry.h) */
	gn_form *row_form;    /* borrowed: the form of the row's TDP (imp_row_form), NULL before */
	gn_form *form_of_tdp; /* borrowed: the form of TDP form_tdp, the last looked up */
	char form_tdp[37];
	unsigned char *answer_of;       /* owned: per column, 1 unless an answer not of answer_of_form */
	const gn_form *answer_of_form;  /* borrowed */
	/* a repeat's table (import_repeat.c): household_id, tdp_code, parent,
	 * entry, then questions; the repeat is the first row's, each row read
	 * with its household's TDP's form */
	int rp_fixed[4];      /* file columns of household_id, tdp_code, parent, entry */
	int rp_repeat;        /* the begin_repeat in rp_form, -1 until the first row */
	const gn_form *rp_form; /* borrowed: the form rp_field was mapped with */
	char rp_repeat_name[128]; /* the first row's repeat: every row's */
	int *rp_field;        /* per file column: rp_form's field, -1 for the fixed ones and unknown */
	char **rp_names;      /* the header's cells (owned) */
	sqlite3_stmt *rp_get, *rp_put;
	/* what the import changed, for gonha import undo (import_undo.c):
	 * SQLite's session on the keyed tables (NULL: not recorded), person's
	 * rows as they were in import_undo_person */
	struct sqlite3_session *undo;
	sqlite3_stmt *undo_keep;
	char *undo_cols;               /* person's columns, quoted (sqlite3_mprintf) */
	long undo_id;                  /* this import's row in import_undo */
	long long undo_rowid0;         /* person's last rowid before it: the rows after are added */
} importer;

/* A record's answers on two sides, ?1 and ?2 ({column: value} objects
 * as files and conflicts have them), each side's answer columns and its
 * other_answers taken together, so that an answer that is a column on
 * one side (read with census's columns) and in other_answers on the
 * other (read with its TDP's form) is the same answer; ?3 the JSON array
 * of the columns that are no answer. Rows: key, its value on side 1, on
 * side 2 (NULL: none). The one rule the merge (import_merge.c) and the
 * conflicts' differences (conflicts.c) compare answers by. */
#define IMP_ANSWER_SETS_SQL                                                                                          \
	"WITH side(s, j) AS (VALUES (1, ?1), (2, ?2)), o(s, a) AS (SELECT s, CASE WHEN json_valid(json_extract(j, "     \
	"'$.other_answers')) THEN json_extract(j, '$.other_answers') ELSE '{}' END FROM side), kv(s, key, value) AS "     \
	"(SELECT o.s, e.key, e.value FROM o, json_each(o.a) e WHERE e.value IS NOT NULL UNION ALL SELECT side.s, "       \
	"e.key, e.value FROM side, json_each(side.j) e WHERE e.value IS NOT NULL AND e.value <> '' AND e.key NOT IN "    \
	"(SELECT value FROM json_each(?3))) SELECT key, max(CASE WHEN s = 1 THEN value END) AS l, max(CASE WHEN s = 2 " \
	"THEN value END) AS i FROM kv GROUP BY key"

/* The cleaned value of each known column (NFC, no controls, unguarded);
 * NULL for an empty cell. */
typedef struct row_values {
	char **v;   /* by ex_cols index (or HL_ index); owned unless borrowed */
	/* per value, 1: a cell that needed no cleaning, pointing into the
	 * row's text (importer.row_text), which outlives the row's values */
	unsigned char *borrowed;
	size_t n;
} row_values;

/* Whether value k is the row's own to free (not a cell it borrows). */
static inline bool imp_value_owned(const row_values *r, size_t k)
{
	return !r->borrowed || !r->borrowed[k];
}

static inline const char *imp_val(const row_values *r, int col)
{
	return col >= 0 && (size_t)col < r->n ? r->v[col] : NULL;
}

/* The value of a column named at run time (a field a message names). */
const char *imp_val_named(importer *im, const row_values *r, const char *name);
void imp_colidx_resolve(const ex_cols *cols, imp_colidx *ci);

bool imp_clean_row(importer *im, size_t n_targets, row_values *out);
void imp_db_error(importer *im, const char *what);
bool imp_is_uuid(const char *s);
bool imp_parse_int(const char *s, long lo, long hi, long *out);
void imp_problem(importer *im, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void imp_row_values_free(row_values *r);
void imp_cell_problem(importer *im, const char *column, const char *value, const char *why);
void imp_check_form_rules(importer *im);
/* The form of the row's TDP (im->row_form); a row with answers in columns
 * that are not its form's questions is refused at its line. */
bool imp_row_form(importer *im, const row_values *r, const char *tdp_id);
bool imp_check_record(importer *im, row_values *r, char **local, gn_strbuf *answers);
void imp_replace_value(row_values *r, size_t k, char *value);
bool imp_tdp_for_code(importer *im, const char *code, char id[37]);
bool imp_tdp_for_code_as(importer *im, const char *code, char id[37], char canonical[32]);
bool imp_bulk_flush(importer *im);
bool imp_insert_counted(importer *im, const row_values *r, const char *answers, const char *tdp_id);
/* v kept for the bulk statement's run (NULL: v is NULL, or no room left:
 * bind it as a copy) */
const char *imp_bulk_keep(importer *im, const char *v);
void imp_maybe_bulk(importer *im);
/* Frees the words gathered and not written (after a refusal). */
void imp_words_free(importer *im);
void imp_rebuild_indexes(importer *im);
void imp_audit_added(importer *im);
void imp_bind_or_null(sqlite3_stmt *st, int i, const char *v);
/* A text parameter of a person row: kept for the bulk statement's run
 * when a row is bound into it (bulk_binding), else copied by SQLite. */
void imp_bind_value(importer *im, sqlite3_stmt *q, int i, const char *v);
/* Parameters i and i+1: the form id and version a record was entered
 * with, the file's when it has the columns (an empty cell: not known),
 * else the form the file is read with. */
void imp_bind_form(importer *im, sqlite3_stmt *q, int i, const row_values *r);
void imp_bind_person_at(importer *im, sqlite3_stmt *q, int base, const row_values *r, const char *answers,
                           const char *tdp_id, const char *version, char **local);
bool imp_count_added(importer *im, const char *tdp_id);
void imp_merge_record(importer *im);
/* A households row's records of their own, added by their ids: its
 * reviews (the reviews column) and its corrections after save (the
 * corrections column, entry_time). */
bool imp_merge_records(importer *im, const row_values *r, const char *tdp_id);
gn_status imp_prepare(importer *im, sqlite3_stmt **st, const char *sql);
bool imp_remember_written(importer *im, const char *id);
long imp_touch(importer *im, const char *tdp_id);
void imp_list_row(importer *im);
void imp_repeat_header(importer *im);
void imp_repeat_row(importer *im);
void imp_repeat_free(importer *im);
void imp_audit(importer *im, const char *action, const char *table, const char *id, const char *tdp_id,
               const char *changes);
gn_status imp_mark_resolved(gn_ctx *ctx, long id, bool keep_incoming, gn_err *err);
/*   import_undo.c   each import recorded (a session for the keyed tables, person's rows
 *                   kept set-based) and undone */
void imp_undo_begin(importer *im);
void imp_undo_finish(importer *im);
void imp_undo_end(importer *im);
bool imp_undo_keep(importer *im, const char *person_id); /* before a person is updated or removed */

#endif
