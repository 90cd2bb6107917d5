/* The verification pass (CSPro's verify mode, REDCap's double data entry).
 * A ward officer or TDP leader draws a reproducible random sample of a
 * TDP's households (a percentage of each operator's, the operator being
 * household.entered_by, or N households) from a recorded seed; another
 * person re-keys each blind, in the normal form screen, into a shadow
 * record (tables verify_*, never read by counts, exports, merges or
 * lists); then every field is compared (text by gn_text_compare_key:
 * NFC/NFD, spaces and tone-mark placement aside) and each difference is
 * resolved: keep the first keying, take the second, or the record
 * corrected to a value, the change saved and audited like any edit. */
#ifndef GONHA_VERIFY_H
#define GONHA_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gonha/domain/household.h"

#define GN_VERIFY_PENDING "pending"
#define GN_VERIFY_STARTED "started"
#define GN_VERIFY_DONE "done"

/* How many to draw: percent (1..100) of each operator's households, at
 * least one each, or count households of the TDP (exactly one of them). */
typedef struct gn_verify_rule {
	int percent;
	int count;
	uint64_t seed;
} gn_verify_rule;

/* A fresh seed, for a draw nobody asked to repeat (from 0 to INT64_MAX:
 * seeds are kept as SQLite integers). */
uint64_t gn_verify_new_seed(void);

/* The households the rule draws from a TDP (those entered and not
 * removed), without writing: the same seed gives the same draw. *ids:
 * malloc'd array of n ids, in the draw's order. A count larger than the
 * TDP's households entered, a percent outside 1..100, no household:
 * GN_ERR_INVALID with the reason. */
gn_status gn_verify_draw(gn_ctx *ctx, const char *tdp_id, const gn_verify_rule *rule, char (**ids)[37], size_t *n,
                         gn_err *err);

/* Draws and records a pass (ward officer, or a TDP leader of that TDP),
 * audited with its rule and seed. pass_id gets its id, *drawn how many. */
gn_status gn_verify_sample(gn_ctx *ctx, const char *tdp_code, const gn_verify_rule *rule, char pass_id[37],
                           size_t *drawn, gn_err *err);

typedef struct gn_verify_item {
	char pass_id[37];
	char household_id[37];
	char tdp_id[37];
	char tdp_code[16];
	char operator_login[64];
	char verifier[64];
	char state[12];
	char address[160];     /* house no, alley, street of the census record: to find its paper form */
	long compared, differences, open; /* fields compared, differing, not resolved yet */
} gn_verify_item;

/* The items of a pass (pass_id NULL: every pass the user may see), by
 * TDP and walking order. */
gn_status gn_verify_items(gn_ctx *ctx, const char *pass_id, gn_verify_item **out, size_t *n, gn_err *err);

/* Starts or resumes the second keying of a household: refused to its
 * operator (the person who entered it) and outside the user's TDPs.
 * shadow gets what was typed so far, or an empty household of its TDP
 * (nothing of the first keying). */
gn_status gn_verify_begin(gn_ctx *ctx, const char *pass_id, const char *household_id, gn_household *shadow,
                          gn_err *err);

/* Keeps what is typed so far (state started): a pass interrupted half-way
 * is resumed from it. */
gn_status gn_verify_keep(gn_ctx *ctx, const char *pass_id, const char *household_id, const gn_household *shadow,
                         gn_err *err);

/* The second keying done: validated as a save would (nothing kept on a
 * problem), compared field by field with the census record, stored,
 * audited. *differences: the fields that differ. */
gn_status gn_verify_finish(gn_ctx *ctx, const char *pass_id, const char *household_id, const gn_household *shadow,
                           size_t *differences, gn_err *err);
/* The same, comparing only the fields asked(arg, field) says the form the
 * household's TDP enters asks (a column, an answer's key or path,
 * "members"): a TDP on a form without the address leaves the address out
 * of its second keying, so it is no difference (asked NULL: every field). */
typedef bool (*gn_verify_asked_fn)(const void *arg, const char *field);
gn_status gn_verify_finish_asked(gn_ctx *ctx, const char *pass_id, const char *household_id,
                                 const gn_household *shadow, gn_verify_asked_fn asked, const void *arg,
                                 size_t *differences, gn_err *err);

typedef enum gn_verify_choice {
	GN_VERIFY_KEEP_FIRST = 0,
	GN_VERIFY_TAKE_SECOND,
	GN_VERIFY_CORRECTED,
} gn_verify_choice;

typedef struct gn_verify_diff {
	long id;
	char pass_id[37];
	char household_id[37];
	char tdp_id[37];       /* the household's TDP: its form reads the field */
	int member;            /* roster position from 0, -1 the household */
	char who[128];         /* the member's name in the first keying, or "" */
	char field[600];       /* a column, an answer's key (a repeat's by its path), or "members" (how many) */
	char *first, *second;  /* owned, NULL = none */
	char resolution[12];   /* "", "first", "second", "corrected" */
	char *value;           /* owned: the value corrected to */
	char resolved_by[64];
} gn_verify_diff;

/* The differences (pass_id, household_id NULL: all the user may see);
 * open_only: not resolved yet. */
gn_status gn_verify_diffs(gn_ctx *ctx, const char *pass_id, const char *household_id, bool open_only,
                          gn_verify_diff **out, size_t *n, gn_err *err);
void gn_verify_diffs_free(gn_verify_diff *d, size_t n);

/* Resolves difference id: keep the first keying (nothing changes), take
 * the second, or correct the record to value (GN_VERIFY_CORRECTED): the
 * census record saved through gn_household_save (audited), and the
 * resolution, who and when, audited too. A difference in the number of
 * members is only kept or marked corrected (the roster is mended in the
 * household form). Resolving again replaces the resolution. The record's
 * change and the resolution are one transaction: either both are written
 * or neither. */
gn_status gn_verify_resolve(gn_ctx *ctx, long diff_id, gn_verify_choice choice, const char *value, gn_err *err);

/* Seals the shadow records and the CCCDs compared that are still in clear
 * (the ward's numbers being encrypted, wardkey.c), in the caller's
 * transaction. */
gn_status gn_verify_seal_all(sqlite3 *db, gn_err *err);

/* An item's state and a difference's resolution in words, translated. */
const char *gn_verify_state_label(const char *state);
const char *gn_verify_resolution_label(const char *resolution);

/* Error rates: per operator (key = login) or per question (key = field
 * name), over the households re-keyed (state done) of the TDP (NULL: all
 * the user may see). compared: fields compared; differences: those that
 * differed; against_first: those resolved as the first keying being
 * wrong (second or corrected); households, households_differing.
 * until: NULL now; else a local day YYYY-MM-DD, and the figures as they
 * stood at its end: households whose second keying was finished by then
 * (its last save, verify_item.updated_at), resolutions made by then
 * (resolved_at; a later one is still open), passes drawn by then. */
typedef enum gn_verify_by { GN_VERIFY_BY_OPERATOR = 0, GN_VERIFY_BY_QUESTION } gn_verify_by;

typedef struct gn_verify_rate {
	char key[64];
	long households, households_differing;
	long compared, differences, against_first, open;
} gn_verify_rate;

gn_status gn_verify_rates(gn_ctx *ctx, gn_verify_by by, const char *tdp_id, const char *until,
                          gn_verify_rate **out, size_t *n, gn_err *err);

/* The whole: every pass the user may see, summed (key ""). */
gn_status gn_verify_total(gn_ctx *ctx, const char *tdp_id, const char *until, gn_verify_rate *out, size_t *items,
                          size_t *done, gn_err *err);

/* A rate in per mille of fields compared (0 when none compared). */
long gn_verify_per_mille(long part, long whole);

#endif
