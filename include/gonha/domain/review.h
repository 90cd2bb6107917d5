/* Review of a household (issue 16): a ward officer, or the TDP leader of
 * its TDP, marks it approved or sends it back with a reason. Each review is
 * a record of its own in household_review (append-only: triggers refuse a
 * change), with its own id, so it travels in the households export and is
 * merged by that id: a review made on the ward PC and an edit made on a
 * TDP PC never conflict. A household's state is its latest review (by time,
 * then by the order written here). A household sent back keeps its visit
 * (still counted as visited) and is on its TDP's revisit list
 * (GN_HH_REVISIT, the revisit sheet) until a later review approves it. */
#ifndef GONHA_REVIEW_H
#define GONHA_REVIEW_H

#include <stdbool.h>

#include "gonha/domain/session.h"

typedef enum gn_review_decision {
	GN_REVIEW_NONE = 0,   /* not reviewed */
	GN_REVIEW_APPROVED,
	GN_REVIEW_SENT_BACK,
} gn_review_decision;

#define GN_REVIEW_REASON_MAX 400 /* bytes of a reason */

/* The households of TDP `tdp` (an SQL expression) whose latest review sent
 * them back: one rule for the revisit list, its sheet and the counts. */
#define GN_SQL_SENT_BACK(tdp) \
	"(SELECT r.household_id FROM household_review r INDEXED BY household_review_tdp WHERE r.tdp_id = " tdp \
	" AND r.decision = 'sent_back' AND NOT EXISTS (SELECT 1 FROM household_review r2 INDEXED BY " \
	"household_review_of WHERE r2.household_id = r.household_id AND " \
	"(r2.at > r.at OR (r2.at = r.at AND r2.rowid > r.rowid))))"

/* Household `h` (an SQL alias) is on the revisit list of TDP `tdp`: to
 * visit again (nobody home), or sent back by a review. */
#define GN_SQL_ON_REVISIT_LIST(h, tdp) \
	"(" h ".visit_status = 'revisit' OR " h ".id IN " GN_SQL_SENT_BACK(tdp) ")"

/* How many live households of TDP `tdp` (an SQL expression) are on its
 * revisit list, read from the counters: those to visit again (tdp_stats)
 * and those sent back that are not already. The one count the home
 * screen, the report and the TDP screen's revisit filter show. The
 * sent-back households are found by their ids (a few), never by walking
 * the TDP's: `+rv_h.tdp_id` keeps the planner off household_walk_live,
 * which it took at 2 M (every household of every TDP read to open home:
 * 0.25 s warm, 2.5 s cold; issue 13). */
#define GN_SQL_REVISIT_COUNT(tdp) \
	"(coalesce((SELECT rv_s.revisit FROM tdp_stats rv_s WHERE rv_s.tdp_id = " tdp "), 0) + " \
	"(SELECT count(*) FROM household rv_h WHERE rv_h.id IN " GN_SQL_SENT_BACK(tdp) " AND +rv_h.tdp_id = " tdp \
	" AND rv_h.deleted = 0 AND rv_h.visit_status <> 'revisit'))"

/* The latest decision on household `hh` (an SQL expression): 'approved',
 * 'sent_back' or NULL. */
#define GN_SQL_REVIEW_OF(hh) GN_SQL_REVIEW_OF_UNTIL(hh, "NULL")
/* the same as it stood at the end of the local day until (an SQL
 * expression: NULL, now) */
#define GN_SQL_REVIEW_OF_UNTIL(hh, until) \
	"(SELECT r.decision FROM household_review r INDEXED BY household_review_of WHERE r.household_id = " hh \
	" AND (" until " IS NULL OR date(r.at, 'localtime') <= " until ") ORDER BY r.at DESC, r.rowid DESC LIMIT 1)"

typedef struct gn_review {
	gn_review_decision decision; /* NONE: no review yet (the rest empty) */
	char id[37];
	char reason[GN_REVIEW_REASON_MAX + 1];
	char at[32];        /* UTC, on the clock of the PC it was made on */
	char by_login[64];
	bool other_pc;      /* made on another PC: `at` is that PC's clock */
} gn_review;

/* Records a review of a visited household (scope: a ward officer, or a TDP
 * leader of its TDP). A send-back needs a reason (cleaned text, at most
 * GN_REVIEW_REASON_MAX bytes); err->field is "reason". One transaction with
 * its audit entry. */
gn_status gn_review_add(gn_ctx *ctx, const char *household_id, gn_review_decision decision, const char *reason,
                        gn_err *err);

/* The latest review of a household (scope checked). */
gn_status gn_review_latest(gn_ctx *ctx, const char *household_id, gn_review *out, gn_err *err);

/* Visited households by their latest review, in one TDP (tdp_id) or every
 * TDP the user may see (NULL). until: NULL now; else a local day
 * YYYY-MM-DD, and the figures as they stood at its end: households visited
 * on or before it (visit_date), each by its latest review made by then
 * (reviews are append-only, with their times: a review made later is not
 * seen). */
typedef struct gn_review_counts {
	long visited, approved, sent_back, not_reviewed;
} gn_review_counts;
gn_status gn_review_count(gn_ctx *ctx, const char *tdp_id, const char *until, gn_review_counts *out, gn_err *err);

const char *gn_review_label(gn_review_decision d); /* translated */

#endif
