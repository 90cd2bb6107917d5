/* CSV (and XLSX) for the ward office: exports that open in Excel, imports
 * that merge files from several PCs by UUID, and the household list
 * template.
 * docs/exchange.md explains the columns and the merge rules. */
#ifndef GONHA_EXCHANGE_H
#define GONHA_EXCHANGE_H

#include <stdbool.h>
#include <stdio.h>

#include "gonha/forms/census.h"
#include "gonha/domain/session.h"

typedef enum gn_ex_what {
	GN_EX_PERSONS = 0,
	GN_EX_HOUSEHOLDS,
	GN_EX_COVERAGE,
	GN_EX_REPEAT,  /* the entries of one of the form's repeats (not the person roster), opt.repeat */
} gn_ex_what;

typedef enum gn_ex_format {
	GN_EXF_CSV = 0,
	GN_EXF_XLSX,   /* a workbook for Excel: text cells stay text (see docs/exchange.md) */
} gn_ex_format;

/* Rows in one sheet of a workbook, the header included (Excel's limit). */
#define GN_XLSX_MAX_ROWS 1048576L

/* Called now and then with rows done and rows in all (0 = not known). */
typedef void (*gn_ex_progress_fn)(void *arg, long done, long total);

typedef struct gn_export_options {
	gn_ex_what what;
	const char *repeat;    /* GN_EX_REPEAT: the repeat's name */
	const char *tdp_code;  /* only this TDP (scope checked), or NULL for all the user may see */
	bool plain;            /* no BOM, LF line ends (default: BOM and CRLF, for Excel) */
	bool with_ids;         /* whole CCCD numbers: ward officer only */
	bool labels;           /* Vietnamese labels in the header and choice labels in cells */
	int year;              /* coverage targets; 0 = this year */
	gn_ex_progress_fn progress;
	void *progress_arg;
	gn_ex_format format;   /* CSV (default) or XLSX (src/interchange/sink.c) */
	long sheet_rows;       /* XLSX: rows per sheet with its header; 0 = Excel's 1,048,576 */
	/* Sealed (gonha/domain/sealed.h) under this passphrase, for a file
	 * that leaves the PC; the plain file is made first in work_dir (the
	 * private folder beside the database) and removed. NULL: plain. */
	const char *seal_passphrase;
	const char *work_dir;
} gn_export_options;

/* Writes the export to path (which must not exist: mode 0600, written to
 * path.part and renamed when complete). *rows gets the data rows written.
 * GN_EXF_XLSX: a workbook; persons past a sheet's rows continue on further
 * sheets (header repeated) and a sheet "Ghi chú" says so. */
gn_status gn_export(gn_ctx *ctx, const gn_census *census, const gn_export_options *opt, const char *path,
                    long *rows, gn_err *err);

/* Same to an open stream (tests, stdout); CSV only. */
gn_status gn_export_stream(gn_ctx *ctx, const gn_census *census, const gn_export_options *opt, FILE *out,
                           long *rows, gn_err *err);

/* One refused line of an import file. */
typedef struct gn_ex_problem {
	long line;
	char *msg;   /* owned, translated */
} gn_ex_problem;

typedef enum gn_ex_kind {
	GN_EXK_UNKNOWN = 0,
	GN_EXK_PERSONS,
	GN_EXK_HOUSEHOLDS,
	GN_EXK_HOUSEHOLD_LIST,
	GN_EXK_REPEAT,     /* the entries of one repeat (export --what REPEAT) */
} gn_ex_kind;

typedef struct gn_import_report {
	gn_ex_kind kind;
	long rows;        /* data rows read */
	long added, updated, unchanged, kept_local, conflicts;
	gn_ex_problem *problems; /* owned; the first GN_EX_MAX_PROBLEMS */
	size_t n_problems;
	long problems_total;
	long rows_refused;
	/* records taken that are valid but not complete as a visit yet (a
	 * question the form requires is unanswered): the first by line */
	long incomplete;
	long incomplete_line;
	char incomplete_field[64];
	/* the number `gonha import undo` takes for this import (its row in
	 * import_undo), 0 when nothing was recorded (a dry run, nothing
	 * changed, a ward with nobody in it before) */
	long undo_id;
} gn_import_report;

#define GN_EX_MAX_PROBLEMS 200
#define GN_EX_MAX_CELL 16384 /* bytes in one cell: notes are short, a 1 MB cell is a broken file */

typedef struct gn_import_options {
	bool dry_run;      /* check and count, change nothing */
	bool take_incoming; /* resolving a conflict: the file's version replaces ours */
	long resolves_conflict; /* with take_incoming: the conflict marked resolved in the same transaction */
	gn_ex_progress_fn progress;
	void *progress_arg;
	/* gn_import_file of a sealed file (gonha/domain/sealed.h): its
	 * passphrase, and the private folder it is opened into (and removed) */
	const char *seal_passphrase;
	const char *work_dir;
} gn_import_options;

/* Reads a gonha export (persons or households, either header style, with or
 * without BOM, CRLF or LF, NFC or NFD) or a household list, and merges it in
 * one transaction. Any refused row: every problem is in rep, nothing is
 * changed, and the status is GN_ERR_INVALID. */
gn_status gn_import(gn_ctx *ctx, const gn_census *census, const char *path, const gn_import_options *opt,
                    gn_import_report *rep, gn_err *err);
gn_status gn_import_buffer(gn_ctx *ctx, const gn_census *census, const char *data, size_t len,
                           const gn_import_options *opt, gn_import_report *rep, gn_err *err);
void gn_import_report_free(gn_import_report *rep);

/* Undo of an import (src/interchange/import_undo.c, docs/exchange.md
 * "Undoing an import"): each import's changes are recorded with SQLite's
 * session extension in the import's transaction, and undone by applying
 * the inverse changeset. Ward officer only. */
typedef struct gn_import_past {
	long id;
	char at[32], by[64], source[256], undone_at[32], undone_by[64];
	long added, updated, conflicts;
	bool undoable;   /* its changes are still kept (and it is not undone) */
} gn_import_past;
gn_status gn_import_history(gn_ctx *ctx, gn_import_past **out, size_t *n, gn_err *err);

typedef enum gn_undo_why {
	GN_UNDO_CHANGED = 0, /* the record was changed after the import */
	GN_UNDO_GONE,        /* the record the import wrote is no longer there */
	GN_UNDO_TAKEN,       /* a record the import removed was added again */
	GN_UNDO_NEEDED,      /* records added later depend on what it added */
} gn_undo_why;
/* What stops an undo: one record each (table "" for GN_UNDO_NEEDED). */
typedef struct gn_undo_block {
	char table[16], id[40];
	char label[128];  /* the person's name, the household's address: "" if gone */
	gn_undo_why why;
} gn_undo_block;
const char *gn_undo_why_label(gn_undo_why why); /* translated */
/* Undoes import id in one transaction: every record as the import found
 * it, the counters moved by the schema's triggers, one audit entry. When
 * any record it wrote was changed since (or another blocks it), nothing is
 * changed, *blocks lists them (owned, free()) and the status is
 * GN_ERR_CONFLICT. */
gn_status gn_import_undo(gn_ctx *ctx, long id, gn_undo_block **blocks, size_t *n_blocks, gn_err *err);

/* Merge conflicts still open, for a ward officer. */
typedef struct gn_conflict {
	long id;
	char table_name[16];
	char record_id[37];
	char *local_data, *incoming_data;  /* owned JSON objects */
	char source[256];
	char detected_at[32];
} gn_conflict;

gn_status gn_conflicts_list(gn_ctx *ctx, gn_conflict **out, size_t *n, gn_err *err);
void gn_conflicts_free(gn_conflict *c, size_t n);
/* What differs between the two versions of a conflict, column by column
 * as the export names them (bookkeeping columns, such as versions and
 * who changed it when, are not differences). label: the question's label
 * in the UI language, else the column name. */
typedef struct gn_conflict_field {
	char *name, *label, *local, *incoming; /* owned; local/incoming NULL when empty */
} gn_conflict_field;
gn_status gn_conflict_differences(const gn_census *census, sqlite3 *db, const gn_conflict *c, gn_conflict_field **out,
                                  size_t *n, gn_err *err);
void gn_conflict_fields_free(gn_conflict_field *f, size_t n);

/* Resolves one: keep_incoming applies the incoming version (audited), else
 * the local one stays. Ward officer only. */
gn_status gn_conflict_resolve(gn_ctx *ctx, const gn_census *census, long id, bool keep_incoming, gn_err *err);

/* Excel runs a cell starting with = + - @ tab or CR as a formula: such a
 * cell, and one starting with ', is written with a leading ', and import
 * takes exactly one leading ' away, so values survive the round trip. */
bool gn_csv_needs_guard(const char *s);
const char *gn_csv_unguard(const char *s);

#endif
