/* Households and the persons in them: load, validate, save in one
 * transaction with an audit record, remove (as a tombstone, recorded). */
#ifndef GONHA_HOUSEHOLD_H
#define GONHA_HOUSEHOLD_H

#include <stdbool.h>
#include <stddef.h>

#include "gonha/domain/session.h"

/* Visit outcomes, as stored (the form's choice names). */
#define GN_VISIT_NOT_VISITED "not_visited"
#define GN_VISIT_DONE "done"
#define GN_VISIT_REVISIT "revisit"
#define GN_VISIT_REFUSED "refused"
#define GN_VISIT_MOVED "moved"

typedef struct gn_person {
	char id[37];        /* "" for a member not saved yet */
	char *full_name;    /* owned */
	int birth_year;     /* 0 = not known */
	char sex[8];        /* "male", "female" or "" */
	char relation[12];  /* "head", "spouse", ... or "" */
	char *cccd;         /* owned; NULL or "" = none */
	char *answers;      /* owned JSON object of the other questions; NULL = {} */
	long rev;
} gn_person;

typedef struct gn_household {
	char id[37];        /* "" for a household not saved yet */
	char tdp_id[37];
	double walk_order;  /* 0 = put it at the end of its TDP's walk */
	char *house_no, *alley, *street;       /* owned */
	char visit_status[16];
	char *visit_date;   /* owned, "YYYY-MM-DD" or NULL */
	char *visited_by, *entered_by;         /* owned or NULL */
	char *answers;      /* owned JSON object of the other questions; NULL = {} */
	long rev;
	char updated_at[32];
	char updated_by[64];
	/* when the form was opened for this save (gn_household_load sets it;
	 * a new household's screen too), for the time per household; "" = not
	 * known. A save starts the next one at its own time. */
	char opened_at[32];
	gn_person *members; /* owned array of n_members */
	size_t n_members;
	/* owned: the household as it was read (gn_household_load) or last
	 * saved, with its revisions; a save checks that the database still
	 * has it (see household_conflict.h). NULL for a new household. */
	struct gn_household *opened;
} gn_household;

/* The year "now" (honours $GONHA_NOW), for ages and birth-year checks. */
int gn_this_year(void);

/* The core columns' value lists (the form's choices carry the same names;
 * tests/unit/test_rules.c checks that they, the schema's CHECKs and the
 * shipped form agree). */
bool gn_visit_status_known(const char *s);
/* The codes a core column takes ("visit_status", "relation", "sex"),
 * NULL-terminated; NULL for a column that takes any text. */
const char *const *gn_core_codes(const char *column);
bool gn_relation_known(const char *s);
/* A visit outcome in words, translated ("not visited", "revisit" ...); the
 * value itself when it is none of them. */
const char *gn_visit_status_label(const char *s);

/* The record's columns by name, as text: the household's (house_no,
 * alley, street, visit_status, visit_date, visited_by, tdp_id, walk_order)
 * and the person's (full_name, birth_year, sex, relation, cccd), listed
 * NULL-terminated. Get gives a malloc'd copy, NULL when empty or no such
 * column; set takes NULL or "" for none (a birth year that is no whole
 * number is none) and is false for no such column. */
extern const char *const gn_household_columns[];
extern const char *const gn_person_columns[];
char *gn_household_column(const gn_household *h, const char *name);
bool gn_household_set_column(gn_household *h, const char *name, const char *v);
char *gn_person_column(const gn_person *p, const char *name);
bool gn_person_set_column(gn_person *p, const char *name, const char *v);

/* The domain's rules are valid-to-store rules: every value present is
 * right. What a visit must have answered is the form's `required`
 * (src/forms/validate.c). */

/* Checks one person on their own; err->field names the field. */
gn_status gn_person_validate(const gn_person *p, int this_year, gn_err *err);

/* Checks the household and all its members: addresses, visit, exactly one
 * head, each member, no CCCD twice. err->field is "members[i].field" for a
 * member's problem. */
gn_status gn_household_validate(const gn_household *hh, int this_year, gn_err *err);

/* The visit outcome and date of a household (its roster aside). */
gn_status gn_household_validate_visit(const gn_household *hh, gn_err *err);

/* The domain's rule on one core column as the form screen leaves it: the
 * visit date; one head per household; the CCCD against birth year and sex
 * and not twice in the household. member: the person, or (size_t)-1 for
 * the household's own columns; value: the field's value as stored. */
gn_status gn_household_check_field(const gn_household *hh, size_t member, const char *name, const char *value,
                                   gn_err *err);

/* The same person: every core column and the same answers (an empty
 * answer counting as none, keys in any order). */
bool gn_person_same(sqlite3 *db, const gn_person *a, const gn_person *b);

/* Loads a household with its current members (in roster order). */
gn_status gn_household_load(gn_ctx *ctx, const char *id, gn_household *out, gn_err *err);

/* Saves a household and its roster in one transaction: cleans the text
 * (NFC, no control characters), validates, inserts or updates, tombstones
 * members no longer listed, and writes the audit log. On success the ids,
 * revisions and walk_order of hh are filled in and hh->opened becomes a
 * copy of what was saved. On any error nothing is changed.
 * GN_ERR_STALE (nothing written) when the household, one of its members or
 * its roster changed in the database since hh->opened was read (an import,
 * another PC's merge, a second gonha): gn_household_conflict tells what. */
gn_status gn_household_save(gn_ctx *ctx, gn_household *hh, gn_err *err);

/* Removes a household and its members (tombstones), recorded in the audit. */
gn_status gn_household_remove(gn_ctx *ctx, const char *id, gn_err *err);

void gn_household_free(gn_household *hh);
/* A deep copy (opened included). */
gn_status gn_household_copy(const gn_household *from, gn_household *to, gn_err *err);
void gn_person_free(gn_person *p);

/* Adds an empty member at the end of the roster; returns it or NULL. */
gn_person *gn_household_add_member(gn_household *hh);

#endif
