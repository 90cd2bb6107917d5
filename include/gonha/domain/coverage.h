/* Coverage: how far each TDP and the ward are from the plan's targets.
 *
 * An indicator is a population and a condition, both SQL expressions over
 * one person row (columns of `person` and json_extract over its answers),
 * as the forms engine translates them from indicators.csv. gonha keeps, on
 * each person, a bit per indicator saying "in the population" and "counted"
 * (person.ind_pop, person.ind_num); triggers add them up per TDP in
 * tdp_indicator, and visit outcomes per TDP in tdp_stats. So the ward
 * dashboard reads a few rows per TDP and a TDP's screen reads a handful,
 * whatever the size of the file. The bits are recomputed in full when the
 * indicators or the year change (ages move on 1 January). */
#ifndef GONHA_COVERAGE_H
#define GONHA_COVERAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "gonha/domain/session.h"

#define GN_COV_MAX 62       /* bits available for indicators */
#define GN_COV_TARGETS 16   /* years with a target, per indicator */

typedef struct gn_cov_def {
	char name[64];            /* stable: "c_basic_skills" */
	char *label_vi, *label_en; /* owned */
	char *population_sql;     /* owned: SQL over a person row */
	char *condition_sql;      /* owned */
	char *lacks_sql;          /* owned, may be NULL: what a person lacks ("a;b/c;"), made by the forms engine */
	int n_targets;
	int target_year[GN_COV_TARGETS];
	double target_pct[GN_COV_TARGETS];
	bool hidden;              /* counted but not an indicator of the plan (adults, needs help) */
} gn_cov_def;

typedef struct gn_cov_set {
	gn_cov_def *defs;          /* owned, n of them; bit i is defs[i] */
	size_t n;
	char *flags_sql;           /* owned: "UPDATE person SET ind_pop = ..., ind_num = ... WHERE " */
	char *pop_sql, *num_sql;   /* owned: the two bitmasks alone, SQL over a person row */
} gn_cov_set;

/* Adds one indicator (copies the strings). Target years may be added with
 * gn_cov_set_target. */
gn_status gn_cov_add(gn_cov_set *set, const char *name, const char *label_vi, const char *label_en,
                     const char *population_sql, const char *condition_sql, bool hidden, gn_err *err);
gn_status gn_cov_set_target(gn_cov_set *set, const char *name, int year, double pct, gn_err *err);
/* SQL over a person row giving what they lack of the indicator's
 * condition, each failing part's questions then ';' (the forms engine
 * makes it from the condition's parts: gn_form_indicators). */
gn_status gn_cov_set_lacks(gn_cov_set *set, const char *name, const char *lacks_sql, gn_err *err);
void gn_cov_free(gn_cov_set *set);

/* Index of an indicator by name, or -1. */
int gn_cov_find(const gn_cov_set *set, const char *name);

/* An indicator whose population is every person (true(): the shipped
 * needs_help), or -1: its kept den is a TDP's live persons, so a screen
 * reads the number instead of counting them. */
int gn_cov_everyone(const gn_cov_set *set);

/* The target for a year; false when that year has none (shown as "no
 * target", never as 0%). */
bool gn_cov_target(const gn_cov_def *def, int year, double *pct);

/* Makes the stored bits and counters agree with this set of indicators and
 * this year: compiles the expressions (an indicator whose expression fails
 * is reported by name, nothing changed), and if the set or the year differs
 * from the one the counters were built with, recomputes every person's bits
 * and every TDP's sums in one transaction. */
gn_status gn_cov_sync(sqlite3 *db, gn_cov_set *set, gn_err *err);

/* The bits of every person matching `where` (SQL over person, which the
 * planner should answer from an index), then the sums of only the TDPs
 * touched recounted in one grouped pass: those of the persons matched and
 * the n_tdps named (where people left, or whose other records changed).
 * Every other TDP's sums are left as they are. For imports of many rows
 * and resolved conflicts; inside the caller's transaction. */
gn_status gn_cov_update_many(sqlite3 *db, const gn_cov_set *set, const char *where, const char (*tdp_ids)[37],
                             size_t n_tdps, gn_err *err);

/* Every TDP's sums recounted from the persons' bits in one grouped pass,
 * and the per-row triggers resumed (meta 'counters_paused' removed).
 * Inside the caller's transaction. */
gn_status gn_cov_recount(sqlite3 *db, gn_err *err);

/* Adds counts already known (by whoever wrote the persons with the per-row
 * triggers paused) to one TDP's sums: den[i] and num[i] for bit i, i < n
 * (64 at most). Inside the caller's transaction; gn_cov_resume afterwards. */
gn_status gn_cov_add_sums(sqlite3 *db, const char *tdp_id, const long long *den, const long long *num, size_t n,
                          gn_err *err);

/* The per-row triggers resumed (meta 'counters_paused' removed) without a
 * recount: the caller has added every sum. */
gn_status gn_cov_resume(sqlite3 *db, gn_err *err);

/* Recomputes the bits of one household's persons (inside the caller's
 * transaction); the triggers move the sums. */
gn_status gn_cov_update_household(sqlite3 *db, const gn_cov_set *set, const char *household_id,
                                  gn_err *err);

typedef struct gn_cov_count {
	long num, den;
} gn_cov_count;

/* A share as people read it: "80,5%" in Vietnamese, "80.5%" in English;
 * "—" when the population is empty. Arguments as snprintf's (buf, size). */
void gn_cov_pct_text(char *buf, size_t size, gn_cov_count c);

typedef struct gn_cov_row {
	char tdp_id[37];
	char code[16];
	char name[128];
	/* by visit status; revisit is the TDP's revisit list (GN_SQL_REVISIT_COUNT,
	 * review.h): it counts the households sent back too, which are also
	 * counted in done (still visited). As of a past date: by status only. */
	long listed, not_visited, done, revisit, refused, moved;
	gn_cov_count ind[GN_COV_MAX];
	/* as of a past date: the day of the snapshot the row comes from ("" for
	 * the counters of now, or before the snapshots began), and whether the
	 * indicators are unknown (before the snapshots began: only the visits,
	 * by visit_date, are known) */
	char day[11];
	bool ind_unknown;
	/* the form the TDP enters (GN_FORM_CENSUS, the plan's); not_measured:
	 * another, which does not measure the plan's indicators: its ind are
	 * not counted (all 0, shown as not measured, never 0 %) but for the
	 * population of the indicator over everyone (its people), so the
	 * totals leave it out (a total counts such TDPs in tdps_not_measured) */
	char form_id[64];
	bool not_measured;
	long tdps_not_measured;
} gn_cov_row;

/* Percent as shown: false (shown "—") when the population is empty. */
bool gn_cov_pct(gn_cov_count c, double *pct);

/* People still missing to reach the target: ceil(target x den) - num, at
 * least 0. -1 when there is no target or no population. */
long gn_cov_gap(gn_cov_count c, bool has_target, double target_pct);

/* One TDP's numbers (scope checked). */
gn_status gn_cov_tdp(gn_ctx *ctx, const gn_cov_set *set, const char *tdp_id, gn_cov_row *out, gn_err *err);

/* Every TDP the user may see, in the ward's order, plus their total (the
 * whole ward for a ward officer). *rows is malloc'd. */
gn_status gn_cov_ward(gn_ctx *ctx, const gn_cov_set *set, gn_cov_row **rows, size_t *n,
                      gn_cov_row *total, gn_err *err);

/* The numbers as they stood at the end of a local day (YYYY-MM-DD): each
 * TDP's snapshot of the last day on or before it that its counters changed
 * (coverage_day_stats, coverage_day; gonha writes them at each commit).
 * For a TDP with no snapshot that early, the visits counted by visit_date
 * against the households listed now, and ind_unknown set (also on the
 * total). Today or later: the counters as they are. A date before the
 * census began (gn_cov_began) is refused with a message. */
gn_status gn_cov_ward_as_of(gn_ctx *ctx, const gn_cov_set *set, const char *date, gn_cov_row **rows,
                            size_t *n, gn_cov_row *total, gn_err *err);

/* The day the census began: the first visit_date written or the day the
 * snapshots began, whichever is earlier; "" when neither. */
gn_status gn_cov_began(sqlite3 *db, char out[11], gn_err *err);

/* Progress week by week: the totals over the TDPs the user may see at the
 * end of today (or of until, YYYY-MM-DD, if earlier; NULL: today), a week
 * before, ..., back to the week the snapshots began
 * (at most max_weeks), oldest first. Weeks before the snapshots are left
 * out. *weeks is malloc'd. */
typedef struct gn_cov_week {
	char day[11];         /* the week's last day */
	bool known;
	long listed, visited; /* households */
	gn_cov_count ind[GN_COV_MAX];
} gn_cov_week;

gn_status gn_cov_weekly(gn_ctx *ctx, const gn_cov_set *set, const char *until, int max_weeks, gn_cov_week **weeks,
                        size_t *n, gn_err *err);

/* The people of a TDP (or every visible TDP when tdp_id is NULL) who are in
 * the indicator's population but not counted, in walking order. */
typedef struct gn_cov_person {
	const char *person_id, *full_name, *house_no, *alley, *street, *tdp_code;
	int birth_year, age;
	const char *answers; /* the person's answers JSON, to say what they lack */
	/* What they lack: the answers named by each part of the condition that
	 * fails, parts separated by ';' and the answers of one part by '/'
	 * ("smartphone;online_services/cashless"); "" when none can be named. */
	const char *lacks;
} gn_cov_person;

typedef bool (*gn_cov_person_fn)(void *arg, const gn_cov_person *p); /* false stops */

gn_status gn_cov_missing(gn_ctx *ctx, const gn_cov_set *set, int indicator, const char *tdp_id,
                         gn_cov_person_fn fn, void *arg, gn_err *err);

/* One page of one TDP's list: rows [offset, offset + limit) in walking
 * order, or with from_end counted from the end and given last first (a
 * page near the end is read without stepping over the whole TDP). How
 * many there are is the kept counters' den - num (gn_cov_tdp). */
gn_status gn_cov_missing_page(gn_ctx *ctx, const gn_cov_set *set, int indicator, const char *tdp_id,
                              size_t offset, size_t limit, bool from_end, gn_cov_person_fn fn, void *arg,
                              gn_err *err);

/* The SQL of gn_cov_person.lacks for one indicator, over a person row:
 * the condition split at its top-level ANDs, each failing part naming the
 * answers it reads. malloc'd; NULL when out of memory. */
char *gn_cov_lacks_sql(const gn_cov_def *def);

/* Sorting the dashboard's rows. The percentages sort an empty population
 * ("—") below 0%; the gap sorts "no target" below 0. Ties keep the ward's
 * order (by TDP code). */
typedef enum gn_cov_sort_key {
	GN_COV_BY_CODE = 0,
	GN_COV_BY_LISTED,
	GN_COV_BY_VISITED_PCT, /* visited (done, refused, moved) over listed */
	GN_COV_BY_REVISIT,
	GN_COV_BY_REFUSED,
	GN_COV_BY_ADULTS,      /* the population of the hidden "adults" indicator */
	GN_COV_BY_NUM,         /* the chosen indicator's numerator */
	GN_COV_BY_PCT,         /* ... percent */
	GN_COV_BY_GAP,         /* ... people short of this year's target */
	GN_COV_SORT_KEYS
} gn_cov_sort_key;

/* The value a row sorts by (the same numbers the screens show). */
double gn_cov_sort_value(const gn_cov_set *set, const gn_cov_row *r, gn_cov_sort_key key, int indicator,
                         int year);
void gn_cov_sort(const gn_cov_set *set, gn_cov_row *rows, size_t n, gn_cov_sort_key key, int indicator,
                 int year, bool descending);

#endif
