/* Reading the audit log: who changed what, when, with each field's old and
 * new value. Records are written by gn_audit (session.h) inside the
 * change's own transaction; this module only browses, filters and exports
 * them, for a ward officer. */
#ifndef GONHA_AUDIT_H
#define GONHA_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "gonha/domain/session.h"

/* Every criterion is optional (NULL or "" = any). Dates are "YYYY-MM-DD"
 * and both ends are included. */
typedef struct gn_audit_filter {
	const char *user_login;  /* who made the change */
	const char *record_id;   /* which record */
	const char *tdp;         /* TDP code or id */
	const char *since;       /* from this day */
	const char *until;       /* to this day */
	const char *action;      /* "create", "update", "remove", "erase", "password", ... */
	const char *table_name;  /* "household", "person", "users", "tdp", "meta" */
	bool oldest_first;       /* default: newest first (for browsing) */
	long offset;             /* paging: rows to skip */
	long limit;              /* paging: rows per page; 0 = all */
} gn_audit_filter;

typedef struct gn_audit_entry {
	long id;
	char at[32];
	char user_login[64];
	char action[32];
	char table_name[32];
	char record_id[64];
	char tdp_id[37];
	char tdp_code[16];  /* "" when the record has no TDP */
	char *changes;      /* owned: JSON {field: [old, new]} */
} gn_audit_entry;

/* One page of entries matching the filter (ward officer only). *out is a
 * malloc'd array (free with gn_audit_entries_free), *n its length; *total
 * (optional) gets how many entries match in all, for "page 3 of 12".
 * A malformed date gives GN_ERR_INVALID naming the field. */
gn_status gn_audit_query(gn_ctx *ctx, const gn_audit_filter *filter, gn_audit_entry **out,
                         size_t *n, long *total, gn_err *err);

void gn_audit_entries_free(gn_audit_entry *entries, size_t n);

/* One field of an entry's changes, as text (a JSON null is ""; a number or
 * an array is its JSON text). */
typedef struct gn_audit_change {
	char *field;
	char *old_value;
	char *new_value;
} gn_audit_change;

/* Splits an entry's changes ({field: [old, new]}) into fields, in the
 * order they were written (SQLite's JSON functions do the parsing). A
 * value that is not a pair is shown as the new value. Malformed JSON:
 * GN_ERR_INVALID. Free with gn_audit_changes_free. */
gn_status gn_audit_changes_parse(sqlite3 *db, const char *changes, gn_audit_change **out, size_t *n,
                                 gn_err *err);
void gn_audit_changes_free(gn_audit_change *changes, size_t n);

/* Whether `action` is one the log records (the actions written by
 * gn_audit's callers): how a search word "create" or "refused" is told
 * from a name. */
bool gn_audit_action_known(const char *action);
/* What a person reads for an action ("added"), and for a table name or a
 * value gonha writes into changes ("person", "officer_only"); the word
 * itself when it is none of those. Translated. */
const char *gn_audit_action_label(const char *action);
const char *gn_audit_word_label(const char *word);

/* Writes the matching entries (oldest first, ignoring offset/limit) as CSV
 * with a header row: id,at,user,action,table,record_id,tdp_code,changes.
 * The file is created with mode 0600 and must not exist yet. Ward officer
 * only. *rows (optional) gets the number of rows written. On error the
 * partial file is removed. */
gn_status gn_audit_export_csv(gn_ctx *ctx, const gn_audit_filter *filter, const char *path,
                              long *rows, gn_err *err);

#endif
