/* Who entered what, and how fast (issue 16): the operator figures, from
 * what gonha records with each record.
 *
 * - A household is credited to who entered its visit: the save that first
 *   recorded a visit outcome other than "not visited" sets entered_by,
 *   entered_at, entered_pc and entry_seconds (the household form's time
 *   from opening to that save). These travel in the households export and
 *   are kept by imports and merges, so on the ward PC every household is
 *   still credited to the person who entered it, on whichever PC.
 * - A person is credited to created_by (kept by merges likewise).
 * - Every save of a household form on this PC is a row of entry_time
 *   (who, opened, saved, seconds, persons, whether it corrected a
 *   household already entered), written in the save's transaction.
 *   Corrections are counted from it: on the PC where they were made.
 * Days are the local date of the time recorded; a time taken on another
 * PC is that PC's clock (from_other_pc says how many). */
#ifndef GONHA_OPERATORS_H
#define GONHA_OPERATORS_H

#include <stdbool.h>
#include <stddef.h>

#include "gonha/domain/session.h"

struct gn_household;

typedef struct gn_operator_row {
	char user_login[64];
	char day[11];          /* YYYY-MM-DD, local; "" in the totals per user */
	long households;       /* households whose visit this user entered */
	long persons;          /* persons this user entered */
	long timed;            /* of the households, those with a form time */
	long long seconds;     /* the form time of the timed ones */
	long corrections;      /* saves that changed a household already entered (this PC) */
	long from_other_pc;    /* households whose entry time is another PC's clock */
} gn_operator_row;

/* Figures per user and day (by_day) or per user; in every TDP the user may
 * see; until: only days up to this one (YYYY-MM-DD), NULL for all. *rows is
 * malloc'd (caller frees), ordered by user then day. */
gn_status gn_operator_figures(gn_ctx *ctx, bool by_day, const char *until, gn_operator_row **rows, size_t *n,
                              gn_err *err);

/* Who entered a household and who changed it last, and when; *_other_pc:
 * that time is another PC's clock (say so where it is shown). */
typedef struct gn_provenance {
	char entered_by[64], entered_at[32];  /* "" when its visit is not entered yet */
	bool entered_other_pc;
	char updated_by[64], updated_at[32];
	bool updated_other_pc;
} gn_provenance;
gn_status gn_household_provenance(gn_ctx *ctx, const char *household_id, gn_provenance *out, gn_err *err);

/* Households per hour of form time (0 when no time is known) and seconds
 * per household (-1 when none is known). */
double gn_operator_per_hour(const gn_operator_row *r);
long gn_operator_seconds_each(const gn_operator_row *r);

/* Inside gn_household_save's transaction, after its rows are written:
 * the entry (first visit outcome) stamped on the household and the save
 * kept in entry_time. was_entered: the household had an entry before this
 * save; changed: this save changed something. */
gn_status gn_entry_record(gn_ctx *ctx, const struct gn_household *hh, const char *now, bool was_entered,
                          bool changed, gn_err *err);

#endif
