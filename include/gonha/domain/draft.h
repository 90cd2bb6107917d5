/* Drafts: what is being typed, kept in the `draft` table so that a killed
 * terminal or a power cut loses at most the field under the cursor. One
 * draft per (user, kind, record): the record's id, or a key made up for a
 * record not saved yet. The household's draft is the whole household with
 * its members as one JSON object (gn_household_to_json). */
#ifndef GONHA_DRAFT_H
#define GONHA_DRAFT_H

#include "gonha/domain/household.h"

#define GN_DRAFT_HOUSEHOLD "household"

typedef struct gn_draft {
	char kind[16];
	char record_id[48];
	char tdp_id[37];
	char updated_at[32];
	char *data;            /* owned JSON */
} gn_draft;

/* Writes (inserts or replaces) the signed-in user's draft. Scope checked
 * against tdp_id. Runs in its own small transaction unless one is open. */
gn_status gn_draft_put(gn_ctx *ctx, const char *kind, const char *record_id, const char *tdp_id,
                       const char *data, gn_err *err);

/* The user's most recent draft of that kind: GN_ERR_NOT_FOUND when none.
 * A draft of a household removed since, or written since with everything
 * the draft has (the save went through, only the clean-up did not), is
 * stale and skipped. A draft of a household changed elsewhere since is
 * returned: its save is checked against what it was opened from. */
gn_status gn_draft_latest(gn_ctx *ctx, const char *kind, gn_draft *out, gn_err *err);

/* Removes the user's draft (no error if there was none). */
/* Seals every draft stored in clear under the vault's key (a ward's CCCDs
 * being encrypted, wardkey.c): in the caller's transaction. */
gn_status gn_draft_seal_all(sqlite3 *db, gn_err *err);

gn_status gn_draft_delete(gn_ctx *ctx, const char *kind, const char *record_id, gn_err *err);

void gn_draft_free(gn_draft *d);

/* A draft's JSON as it is stored: sealed under the ward key (a JSON
 * string "d1...") when the vault is open, else as it is; and back. For
 * every stored copy of what is being typed (drafts, the verification
 * pass's shadow records). *out malloc'd. */
gn_status gn_draft_seal(sqlite3 *db, const char *data, char **out, gn_err *err);
gn_status gn_draft_open(sqlite3 *db, const char *stored, char **out, gn_err *err);
/* Seals, in the caller's transaction, every value of table.column not
 * sealed yet (gn_draft_seal) in the rows where the SQL condition `where`
 * holds (NULL: all), the rows named by their keys: the drafts, and the
 * verification pass's copies (gn_verify_seal_all). */
gn_status gn_draft_seal_rows(sqlite3 *db, const char *table, const char *const *keys, size_t n_keys,
                             const char *column, const char *where, gn_err *err);

/* A household and its roster as one JSON object, and back (through the
 * connection's JSON functions), with what it was opened from ("opened",
 * revisions included) when hh->opened is set. *out malloc'd. */
gn_status gn_household_to_json(const gn_household *hh, char **out, gn_err *err);
gn_status gn_household_from_json(sqlite3 *db, const char *json, gn_household *out, gn_err *err);

/* Saves the household (gn_household_save) and deletes the user's draft
 * draft_id in the same transaction (kept if the save fails). */
gn_status gn_household_save_clearing_draft(gn_ctx *ctx, gn_household *hh, const char *draft_id,
                                           gn_err *err);

#endif
