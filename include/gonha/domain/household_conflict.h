/* No lost updates. A household is saved only over the database's version
 * it was opened from: gn_household_save checks, inside its transaction,
 * that the household row and each member are still at the revision they
 * were read with (hh->opened) and that nobody added or removed a member,
 * and otherwise returns GN_ERR_STALE without writing. What changed is then
 * given here as data, field by field: the value when opened, the value in
 * the database now and the value typed, with a choice for each (keep mine
 * or take the database's). The choices make a household to save again
 * (gn_household_merge), or what was typed is kept for a ward officer as a
 * merge conflict, the database's version staying (gn_household_keep_conflict). */
#ifndef GONHA_HOUSEHOLD_CONFLICT_H
#define GONHA_HOUSEHOLD_CONFLICT_H

#include <stdbool.h>
#include <stddef.h>

#include "gonha/domain/household.h"

typedef enum gn_change_kind {
	GN_CHANGE_FIELD,          /* a field changed in the database (and differs from what was typed) */
	GN_CHANGE_MEMBER_ADDED,   /* a member added in the database since: not in what was typed */
	GN_CHANGE_MEMBER_REMOVED, /* a member removed in the database since, still in what was typed */
	GN_CHANGE_MEMBER_DROPPED, /* removed in what was typed, changed in the database since */
} gn_change_kind;

typedef struct gn_change {
	gn_change_kind kind;
	char person_id[37];   /* the member's id, "" for the household's own fields */
	char *who;            /* owned: the member's full name (typed, else the database's), or NULL */
	char field[64];       /* a column (house_no, full_name, ...) or an answer's key; "" for a whole member */
	bool answer;          /* field is a key of the answers */
	/* owned values as stored (choice names, ISO dates), NULL = none; for a
	 * whole member: the member's name where it exists */
	char *opened, *now, *typed;
	bool opened_known;    /* false when the value when opened is not known (an old draft) */
	bool mine;            /* the choice: keep what was typed (true) or take the database's */
} gn_change;

typedef struct gn_hh_conflict {
	gn_household now;     /* the household as it is in the database now */
	gn_change *changes;   /* owned, household fields first, then by member */
	size_t n;
} gn_hh_conflict;

/* GN_OK when the database still has hh as it was opened (hh->opened; a
 * household without it: hh's own revisions), GN_ERR_STALE with a message
 * otherwise. A new household (no id) is always current. Used by the save
 * inside its transaction, and when a draft is resumed. */
gn_status gn_household_check_current(gn_ctx *ctx, const gn_household *hh, gn_err *err);

/* What differs between typed (with its opened) and the database now. The
 * default choices: keep mine where the user changed the field, take the
 * database's where only the database did. n may be 0 (the revisions moved
 * but nothing differs: merging and saving again loses nothing). */
gn_status gn_household_conflict(gn_ctx *ctx, const gn_household *typed, gn_hh_conflict *out, gn_err *err);

/* The household to save again: the database's version now, with what was
 * typed wherever the user changed something the database did not, and the
 * choice of c for each listed change. out->opened is the database's
 * version, so the next save checks against it. */
gn_status gn_household_merge(gn_ctx *ctx, const gn_household *typed, const gn_hh_conflict *c, gn_household *out,
                             gn_err *err);

/* Keeps both: the database's version stays; what was typed is stored in
 * merge_conflict as the incoming record (one row per household or member
 * that differs, as an import stores one, so that `conflicts resolve` can
 * apply it), audited, and the user's draft draft_id (may be NULL) goes,
 * all in one transaction. *stored: the rows written. */
gn_status gn_household_keep_conflict(gn_ctx *ctx, const gn_household *typed, const gn_hh_conflict *c,
                                     const char *draft_id, size_t *stored, gn_err *err);

void gn_hh_conflict_free(gn_hh_conflict *c);

/* The same content (fields, answers, roster), ids and revisions aside. */
bool gn_household_same_content(sqlite3 *db, const gn_household *a, const gn_household *b);

/* Of the columns compared (gn_household_columns, gn_person_columns in
 * household.h), as the conflict screen and the verification pass
 * (verify.h) read them: tdp_id and walk_order are `quiet`, moved by other
 * screens, not typed. */
bool gn_household_field_quiet(const char *name);

/* Every key of three answers objects (a, b, c; NULL = {}), in key order:
 * fn gets each version's value as JSON and as text (NULL = none, an empty
 * string counting as none). */
typedef gn_status (*gn_answer3_fn)(void *arg, const char *key, const char *json[3], const char *text[3],
                                   gn_err *err);
gn_status gn_answers_each3(sqlite3 *db, const char *a, const char *b, const char *c, gn_answer3_fn fn, void *arg,
                           gn_err *err);

#endif
