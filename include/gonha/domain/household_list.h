/* The lists the entry screens show: a TDP's households in walking order, a
 * page at a time (with the head's name and the member count), search over
 * names, addresses and CCCD, moving a household in the walk, and people
 * counts per TDP. Scope is checked here, below every screen. Every query
 * runs on an index (household(tdp_id, walk_order), person(household_id,
 * position), person(tdp_id)) and fetches only the rows asked for, so a
 * screen answers at once on a province-sized file. */
#ifndef GONHA_HOUSEHOLD_LIST_H
#define GONHA_HOUSEHOLD_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "gonha/domain/session.h"

typedef enum gn_hh_filter {
	GN_HH_ALL = 0,
	GN_HH_NOT_VISITED,  /* visit_status = not_visited */
	GN_HH_REVISIT,      /* visit_status = revisit, or sent back by a review (review.h) */
	GN_HH_NEEDS_HELP,   /* a member's needs_help answer is not empty */
} gn_hh_filter;

typedef struct gn_hh_row {
	char id[37];
	double walk_order;
	char house_no[64];
	char alley[128];
	char street[128];
	char visit_status[16];
	char head_name[160];  /* "" when the household has no head yet */
	char match_name[160]; /* search: the member whose name matched, if not the head */
	int n_members;
	bool needs_help;
	char visit_date[11];  /* YYYY-MM-DD of the last visit, "" for none */
	bool sent_back;       /* its latest review sent it back (review.h) */
} gn_hh_row;

/* Households of a TDP in walking order, skipping `offset`, at most `limit`
 * rows. query: NULL or "" for all; else text as typed, folded here
 * (diacritics and case ignored) and matched against the start of any word
 * of a member's name or of the address, and, when it is all digits,
 * against the start of a member's CCCD. *rows is malloc'd (caller frees),
 * *n its length. */
gn_status gn_hh_list(gn_ctx *ctx, const char *tdp_id, gn_hh_filter filter, const char *query,
                     size_t offset, size_t limit, gn_hh_row **rows, size_t *n, gn_err *err);

/* Every household of a TDP in walking order that the filter keeps, for a
 * printed sheet: alley NULL or "" for all, else only those of that alley
 * (compared folded: "ngo 9" is "ngõ 9"). Scope checked. *rows is malloc'd
 * (caller frees), *n its length (0 when there is none). */
gn_status gn_hh_sheet_list(gn_ctx *ctx, const char *tdp_id, gn_hh_filter filter, const char *alley,
                           gn_hh_row **rows, size_t *n, gn_err *err);

/* The SQL gn_hh_list (count false: a page, ?4 rows from ?5) or gn_hh_count
 * (count true) runs for this filter and query, unbound, for its plan to be
 * seen (tests/unit/test_key_plans.c). *out is malloc'd. */
gn_status gn_hh_search_sql(gn_hh_filter filter, const char *query, bool count, char **out);

/* How many households gn_hh_list would give without offset and limit. */
gn_status gn_hh_count(gn_ctx *ctx, const char *tdp_id, gn_hh_filter filter, const char *query,
                      size_t *out, gn_err *err);

/* The position (0-based) of a household in that list, or GN_ERR_NOT_FOUND
 * if the filter or query leaves it out. */
gn_status gn_hh_position(gn_ctx *ctx, const char *tdp_id, gn_hh_filter filter, const char *query,
                         const char *household_id, size_t *out, gn_err *err);

/* The next household after `household_id` in walking order (NULL: the
 * first); out_id is "" when there is none. */
gn_status gn_hh_next(gn_ctx *ctx, const char *tdp_id, const char *household_id, char out_id[37],
                     gn_err *err);

/* Moves a household one place earlier (delta -1) or later (+1) in its TDP's
 * walk by swapping walk_order with its neighbour; one transaction, both
 * changes audited. GN_ERR_NOT_FOUND when there is no neighbour that way. */
gn_status gn_hh_move(gn_ctx *ctx, const char *household_id, int delta, gn_err *err);

/* The place (walk_order) for a household put right after after_id in the
 * walk of TDP tdp_id (NULL or "": first), between it and the next one,
 * not counting skip_id (the household being moved, or NULL); the end of
 * the walk after the last. Scope checked. GN_ERR_CONFLICT when no number
 * lies between the two (two households at one place: moving one apart
 * with - or + makes room). */
gn_status gn_hh_walk_after(gn_ctx *ctx, const char *tdp_id, const char *after_id, const char *skip_id, double *out,
                           gn_err *err);

/* Moves a household to right after after_id (NULL or "": first) in its
 * TDP's walk, in one action: one change, audited as a move with its old
 * and new place. after_id must be of the same TDP. */
gn_status gn_hh_move_after(gn_ctx *ctx, const char *household_id, const char *after_id, gn_err *err);

/* The same beside other_id: right after it, or right before it (after
 * the one before it, the moved household left out). */
gn_status gn_hh_move_next_to(gn_ctx *ctx, const char *household_id, const char *other_id, bool before,
                             gn_err *err);

/* The number of persons listed in a TDP (scope checked). */
gn_status gn_tdp_person_count(gn_ctx *ctx, const char *tdp_id, long *out, gn_err *err);

#endif
