#include "gonha/domain/coverage.h"
#include "gonha/domain/review.h"
#include "gonha/storage/db.h"
#include "gonha/domain/household.h"
#include "gonha/domain/ward.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"
#include "gonha/core/date.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

gn_status gn_cov_add(gn_cov_set *set, const char *name, const char *label_vi, const char *label_en,
                     const char *population_sql, const char *condition_sql, bool hidden, gn_err *err)
{
	if (set->n >= GN_COV_MAX)
		return gn_fail(err, GN_ERR_INVALID, _("too many indicators (at most %d)"), GN_COV_MAX);
	if (!name || !*name || strlen(name) >= sizeof set->defs[0].name)
		return gn_fail(err, GN_ERR_INVALID, _("an indicator needs a short name"));
	if (gn_cov_find(set, name) >= 0)
		return gn_fail(err, GN_ERR_INVALID, _("the indicator %s is defined twice"), name);
	gn_cov_def *bigger = realloc(set->defs, (set->n + 1) * sizeof *bigger);
	if (!bigger)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	set->defs = bigger;
	gn_cov_def *d = &set->defs[set->n];
	memset(d, 0, sizeof *d);
	snprintf(d->name, sizeof d->name, "%s", name);
	d->label_vi = dup_or_empty(label_vi);
	d->label_en = dup_or_empty(label_en);
	d->population_sql = dup_or_empty(population_sql);
	d->condition_sql = dup_or_empty(condition_sql);
	d->hidden = hidden;
	set->n++;
	if (!d->label_vi || !d->label_en || !d->population_sql || !d->condition_sql)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	return GN_OK;
}

gn_status gn_cov_set_target(gn_cov_set *set, const char *name, int year, double pct, gn_err *err)
{
	int i = gn_cov_find(set, name);
	if (i < 0)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("there is no indicator %s"), name);
	gn_cov_def *d = &set->defs[i];
	if (d->n_targets >= GN_COV_TARGETS)
		return gn_fail(err, GN_ERR_INVALID, _("too many target years for %s"), name);
	if (pct < 0 || pct > 100)
		return gn_fail(err, GN_ERR_INVALID, _("the target of %s for %d must be between 0 and 100"), name, year);
	d->target_year[d->n_targets] = year;
	d->target_pct[d->n_targets] = pct;
	d->n_targets++;
	return GN_OK;
}

gn_status gn_cov_set_lacks(gn_cov_set *set, const char *name, const char *lacks_sql, gn_err *err)
{
	int i = gn_cov_find(set, name);
	if (i < 0)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("there is no indicator %s"), name);
	char *copy = lacks_sql ? strdup(lacks_sql) : NULL;
	if (lacks_sql && !copy)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	free(set->defs[i].lacks_sql);
	set->defs[i].lacks_sql = copy;
	return GN_OK;
}

void gn_cov_free(gn_cov_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->defs[i].lacks_sql);
		free(set->defs[i].label_vi);
		free(set->defs[i].label_en);
		free(set->defs[i].population_sql);
		free(set->defs[i].condition_sql);
	}
	free(set->defs);
	free(set->flags_sql);
	free(set->pop_sql);
	free(set->num_sql);
	memset(set, 0, sizeof *set);
}

int gn_cov_find(const gn_cov_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->defs[i].name, name) == 0)
			return (int)i;
	return -1;
}

int gn_cov_everyone(const gn_cov_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		const char *p = set->defs[i].population_sql;
		size_t n = strlen(p);
		while (n >= 2 && p[0] == '(' && p[n - 1] == ')') { /* "(1)" */
			p++;
			n -= 2;
		}
		if (n == 1 && p[0] == '1')
			return (int)i;
	}
	return -1;
}

bool gn_cov_target(const gn_cov_def *def, int year, double *pct)
{
	for (int i = 0; i < def->n_targets; i++)
		if (def->target_year[i] == year) {
			*pct = def->target_pct[i];
			return true;
		}
	return false;
}

bool gn_cov_pct(gn_cov_count c, double *pct)
{
	if (c.den <= 0)
		return false;
	*pct = 100.0 * (double)c.num / (double)c.den;
	return true;
}

long gn_cov_gap(gn_cov_count c, bool has_target, double target_pct)
{
	if (!has_target || c.den <= 0)
		return -1;
	/* The smallest whole number of people that reaches the target; the
	 * epsilon keeps 90% of 10 at 9, not 10 after rounding error. */
	long needed = (long)ceil(target_pct * (double)c.den / 100.0 - 1e-9);
	return needed > c.num ? needed - c.num : 0;
}

/* ---- the bits ----------------------------------------------------------- */

/* "CASE WHEN (pop) THEN 1 ELSE 0 END | ..." for every indicator. */
static char *bits_expression(const gn_cov_set *set, bool numerator)
{
	gn_strbuf b = { 0 };
	if (set->n == 0)
		gn_sb_add(&b, "0");
	for (size_t i = 0; i < set->n; i++) {
		const gn_cov_def *d = &set->defs[i];
		if (i)
			gn_sb_add(&b, " | ");
		if (numerator)
			gn_sb_printf(&b, "(CASE WHEN coalesce((%s), 0) AND coalesce((%s), 0) THEN %lld ELSE 0 END)",
			             d->population_sql, d->condition_sql, 1LL << i);
		else
			gn_sb_printf(&b, "(CASE WHEN coalesce((%s), 0) THEN %lld ELSE 0 END)", d->population_sql, 1LL << i);
	}
	return gn_sb_take(&b);
}

/* Tries each expression alone so a broken one is named. */
static gn_status compile_each(sqlite3 *db, const gn_cov_set *set, gn_err *err)
{
	for (size_t i = 0; i < set->n; i++) {
		const gn_cov_def *d = &set->defs[i];
		const char *parts[2] = { d->population_sql, d->condition_sql };
		for (int k = 0; k < 2; k++) {
			char *sql = sqlite3_mprintf("SELECT coalesce((%s), 0) FROM person LIMIT 0", parts[k]);
			sqlite3_stmt *st = NULL;
			int rc = sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_NOMEM;
			sqlite3_finalize(st);
			sqlite3_free(sql);
			if (rc != SQLITE_OK)
				return gn_fail(err, GN_ERR_INVALID, _("indicator %s: its %s cannot be computed: %s"), d->name,
				               k == 0 ? _("population") : _("condition"), sqlite3_errmsg(db));
		}
	}
	return GN_OK;
}

/* FNV-1a over the year and every expression: tells when to recompute. */
static void signature(const gn_cov_set *set, int year, char out[40])
{
	uint64_t h = 1469598103934665603ULL;
	char y[16];
	snprintf(y, sizeof y, "%d;", year);
	const char *parts[3];
	for (size_t i = 0; i <= set->n; i++) {
		if (i == set->n) {
			parts[0] = y; parts[1] = parts[2] = "";
		} else {
			parts[0] = set->defs[i].name;
			parts[1] = set->defs[i].population_sql;
			parts[2] = set->defs[i].condition_sql;
		}
		for (int k = 0; k < 3; k++) {
			for (const unsigned char *p = (const unsigned char *)parts[k]; *p; p++) {
				h ^= *p;
				h *= 1099511628211ULL;
			}
			h ^= 0x1f;
			h *= 1099511628211ULL;
		}
	}
	snprintf(out, 40, "%d-%016llx", year, (unsigned long long)h);
}

/* The sums of tdp_indicator made again from the persons' bits, in one
 * grouped pass: the live persons grouped by (TDP, bits) into a keyed temp
 * table, then every (TDP, bit) row set from its group in one UPDATE ... FROM
 * (no per-row subqueries), written only where it differs. `scoped`: only
 * the TDPs in temp.gn_cov_scope (gn_cov_update_many), whose persons the
 * planner finds through person_tdp_live; otherwise the whole ward. Then the
 * per-row triggers run again. */
static gn_status recount_sums(sqlite3 *db, bool scoped, gn_err *err)
{
	char *sql = sqlite3_mprintf(
		"CREATE TEMP TABLE IF NOT EXISTS gn_cov_sums(tdp_id TEXT, ind_pop INTEGER, ind_num INTEGER, n INTEGER,"
		"  PRIMARY KEY (tdp_id, ind_pop, ind_num)) WITHOUT ROWID;"
		"DELETE FROM temp.gn_cov_sums;"
		"INSERT INTO temp.gn_cov_sums SELECT tdp_id, ind_pop, ind_num, count(*) FROM person"
		"  WHERE deleted = 0 %s GROUP BY tdp_id, ind_pop, ind_num;"
		"UPDATE tdp_indicator SET den = x.den, num = x.num FROM ("
		"  SELECT c.tdp_id, c.bit, coalesce(sum(s.n * ((s.ind_pop >> c.bit) & 1)), 0) AS den,"
		"   coalesce(sum(s.n * ((s.ind_num >> c.bit) & 1)), 0) AS num"
		"  FROM tdp_indicator c LEFT JOIN temp.gn_cov_sums s ON s.tdp_id = c.tdp_id %s"
		"  GROUP BY c.tdp_id, c.bit) AS x"
		" WHERE tdp_indicator.tdp_id = x.tdp_id AND tdp_indicator.bit = x.bit"
		"  AND (tdp_indicator.den, tdp_indicator.num) IS NOT (x.den, x.num);"
		"DELETE FROM temp.gn_cov_sums;"
		"DELETE FROM meta WHERE key = 'counters_paused';",
		scoped ? "AND tdp_id IN (SELECT tdp_id FROM temp.gn_cov_scope)" : "",
		scoped ? "WHERE c.tdp_id IN (SELECT tdp_id FROM temp.gn_cov_scope)" : "");
	if (!sql)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	gn_status st = gn_db_exec(db, sql, err);
	sqlite3_free(sql);
	return st;
}

static gn_status recompute_all(sqlite3 *db, const gn_cov_set *set, const char *sig, gn_err *err)
{
	gn_status st = gn_db_begin(db, err);
	if (st != GN_OK)
		return st;
	sqlite3_stmt *ins = NULL;
	char *update = NULL;
	st = gn_db_meta_set(db, "counters_paused", "1", err);
	if (st == GN_OK)
		st = gn_db_exec(db, "DELETE FROM indicator_bit", err);
	if (st == GN_OK && sqlite3_prepare_v2(db, "INSERT INTO indicator_bit(bit, name) VALUES (?1, ?2)", -1, &ins,
	                                      NULL) != SQLITE_OK)
		st = gn_db_fail(db, err, "indicator_bit");
	for (size_t i = 0; i < set->n && st == GN_OK; i++) {
		sqlite3_bind_int(ins, 1, (int)i);
		sqlite3_bind_text(ins, 2, set->defs[i].name, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			st = gn_db_fail(db, err, "indicator_bit");
		sqlite3_reset(ins);
	}
	if (st == GN_OK) {
		update = sqlite3_mprintf("%s deleted = 0", set->flags_sql);
		st = update ? gn_db_exec(db, update, err) : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	if (st == GN_OK)
		st = gn_db_exec(db,
		                "UPDATE person SET ind_pop = 0, ind_num = 0 WHERE deleted = 1 AND (ind_pop <> 0 OR ind_num <> 0);"
		                "DELETE FROM tdp_indicator;"
		                "INSERT INTO tdp_indicator(tdp_id, bit, den, num) SELECT t.id, b.bit, 0, 0 FROM tdp t, indicator_bit b;",
		                err);
	if (st == GN_OK)
		st = recount_sums(db, false, err);
	if (st == GN_OK)
		st = gn_db_meta_set(db, "coverage_signature", sig, err);
	sqlite3_finalize(ins);
	sqlite3_free(update);
	if (st == GN_OK)
		return gn_db_commit(db, err);
	gn_db_rollback(db);
	return st;
}

gn_status gn_cov_recount(sqlite3 *db, gn_err *err)
{
	return recount_sums(db, false, err);
}

gn_status gn_cov_add_sums(sqlite3 *db, const char *tdp_id, const long long *den, const long long *num, size_t n,
                          gn_err *err)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, "UPDATE tdp_indicator SET den = den + ?3, num = num + ?4 WHERE tdp_id = ?1 AND bit = ?2",
	                       -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "tdp_indicator");
	gn_status st = GN_OK;
	for (size_t i = 0; i < n && i < 64 && st == GN_OK; i++) {
		if (!den[i] && !num[i])
			continue;
		sqlite3_bind_text(q, 1, tdp_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 2, (int)i);
		sqlite3_bind_int64(q, 3, den[i]);
		sqlite3_bind_int64(q, 4, num[i]);
		if (sqlite3_step(q) != SQLITE_DONE)
			st = gn_db_fail(db, err, "tdp_indicator");
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	return st;
}

gn_status gn_cov_resume(sqlite3 *db, gn_err *err)
{
	return gn_db_exec(db, "DELETE FROM meta WHERE key = 'counters_paused'", err);
}

gn_status gn_cov_update_many(sqlite3 *db, const gn_cov_set *set, const char *where, const char (*tdp_ids)[37],
                             size_t n_tdps, gn_err *err)
{
	if (!set || !set->flags_sql)
		return GN_OK;
	char *update = sqlite3_mprintf("%s %s", set->flags_sql, where);
	char *persons_tdps = sqlite3_mprintf("INSERT OR IGNORE INTO temp.gn_cov_scope SELECT DISTINCT tdp_id FROM person "
	                                     "WHERE %s", where);
	sqlite3_stmt *add = NULL;
	gn_status st = GN_OK;
	if (!update || !persons_tdps) {
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	/* the TDPs to recount: those the caller names (where people left, or
	 * records other than persons changed) and those of the persons */
	st = gn_db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS gn_cov_scope(tdp_id TEXT PRIMARY KEY) WITHOUT ROWID;"
	                "DELETE FROM temp.gn_cov_scope", err);
	if (st == GN_OK && sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO temp.gn_cov_scope(tdp_id) VALUES (?1)", -1, &add,
	                                      NULL) != SQLITE_OK)
		st = gn_db_fail(db, err, _("coverage"));
	for (size_t i = 0; i < n_tdps && st == GN_OK; i++) {
		sqlite3_bind_text(add, 1, tdp_ids[i], -1, SQLITE_STATIC);
		if (sqlite3_step(add) != SQLITE_DONE)
			st = gn_db_fail(db, err, _("coverage"));
		sqlite3_reset(add);
	}
	if (st == GN_OK)
		st = gn_db_exec(db, persons_tdps, err);
	/* the per-row triggers paused: one grouped recount of those TDPs at
	 * the end is far cheaper */
	if (st == GN_OK)
		st = gn_db_meta_set(db, "counters_paused", "1", err);
	if (st == GN_OK)
		st = gn_db_exec(db, update, err);
	if (st == GN_OK)
		st = recount_sums(db, true, err);
	if (st == GN_OK)
		st = gn_db_exec(db, "DELETE FROM temp.gn_cov_scope", err);
out:
	sqlite3_finalize(add);
	sqlite3_free(update);
	sqlite3_free(persons_tdps);
	return st;
}

gn_status gn_cov_sync(sqlite3 *db, gn_cov_set *set, gn_err *err)
{
	gn_status st = compile_each(db, set, err);
	if (st != GN_OK)
		return st;
	char *pop = bits_expression(set, false), *num = bits_expression(set, true);
	free(set->flags_sql);
	free(set->pop_sql);
	free(set->num_sql);
	set->flags_sql = (pop && num) ? sqlite3_mprintf("UPDATE person SET ind_pop = %s, ind_num = %s WHERE", pop, num)
	                              : NULL;
	set->pop_sql = pop;
	set->num_sql = num;
	if (!set->flags_sql || !pop || !num)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	/* Keep it in our allocator so gn_cov_free can use free(). */
	char *copy = strdup(set->flags_sql);
	sqlite3_free(set->flags_sql);
	set->flags_sql = copy;
	if (!copy)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));

	char sig[40];
	signature(set, gn_this_year(), sig);
	char *stored = gn_db_meta_get(db, "coverage_signature");
	bool same = stored && strcmp(stored, sig) == 0;
	free(stored);
	return same ? GN_OK : recompute_all(db, set, sig, err);
}

gn_status gn_cov_update_household(sqlite3 *db, const gn_cov_set *set, const char *household_id, gn_err *err)
{
	if (!set || !set->flags_sql)
		return GN_OK;
	sqlite3_stmt *st = NULL;
	char *sql = sqlite3_mprintf("%s household_id = ?1", set->flags_sql);
	gn_status rc = GN_OK;
	if (!sql)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(db, err, _("coverage"));
		goto out;
	}
	sqlite3_bind_text(st, 1, household_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = gn_db_fail(db, err, _("coverage"));
out:
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

static void add_row(gn_cov_row *total, const gn_cov_row *r)
{
	total->listed += r->listed;
	total->not_visited += r->not_visited;
	total->done += r->done;
	total->revisit += r->revisit;
	total->refused += r->refused;
	total->moved += r->moved;
	total->tdps_not_measured += r->not_measured; /* its ind: drop_unmeasured's */
	for (int i = 0; i < GN_COV_MAX; i++) {
		total->ind[i].num += r->ind[i].num;
		total->ind[i].den += r->ind[i].den;
	}
}

/* A TDP on a form that does not measure the plan's indicators: none of
 * them counted (not 0 %), only how many people it has (the population of
 * the indicator over everyone, whatever the form). */
static void drop_unmeasured(const gn_cov_set *set, gn_cov_row *r)
{
	if (!r->not_measured)
		return;
	int everyone = set ? gn_cov_everyone(set) : -1;
	long people = everyone >= 0 ? r->ind[everyone].den : 0;
	memset(r->ind, 0, sizeof r->ind);
	if (everyone >= 0)
		r->ind[everyone].den = people;
}

/* The six visit counts from columns first.. of a row. */
static void stats_of(sqlite3_stmt *st, int first, gn_cov_row *r)
{
	r->listed = sqlite3_column_int64(st, first);
	r->not_visited = sqlite3_column_int64(st, first + 1);
	r->done = sqlite3_column_int64(st, first + 2);
	r->revisit = sqlite3_column_int64(st, first + 3);
	r->refused = sqlite3_column_int64(st, first + 4);
	r->moved = sqlite3_column_int64(st, first + 5);
}

/* Steps a statement of (num, den, indicator name) rows into r->ind; the
 * last step's code (SQLITE_DONE when all went well); resets it. */
static int indicators_of(const gn_cov_set *set, sqlite3_stmt *ind, gn_cov_row *r)
{
	int step;
	while ((step = sqlite3_step(ind)) == SQLITE_ROW) {
		int i = gn_cov_find(set, (const char *)sqlite3_column_text(ind, 2));
		if (i >= 0) {
			r->ind[i].num = sqlite3_column_int64(ind, 0);
			r->ind[i].den = sqlite3_column_int64(ind, 1);
		}
	}
	sqlite3_reset(ind);
	return step;
}

/* Reads tdp_stats + tdp_indicator for the TDPs the user may see (or one). */
static gn_status read_counters(gn_ctx *ctx, const gn_cov_set *set, const char *only_tdp, gn_cov_row **rows,
                               size_t *n, gn_err *err)
{
	sqlite3_stmt *st = NULL, *ind = NULL;
	gn_status rc = GN_OK;
	gn_cov_row *list = NULL;
	size_t len = 0, cap = 0;
	*rows = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(ctx->db,
	                       "SELECT t.id, t.code, t.name, coalesce(s.listed, 0), coalesce(s.not_visited, 0), "
	                       "coalesce(s.done, 0), " GN_SQL_REVISIT_COUNT("t.id") ", coalesce(s.refused, 0), "
	                       "coalesce(s.moved, 0), " GN_SQL_TDP_FORM("t.id") " FROM tdp t LEFT JOIN tdp_stats s ON s.tdp_id = t.id "
	                       "WHERE (?1 IS NULL OR t.id = ?1) AND "
	                       "(?2 OR t.id IN (SELECT tdp_id FROM user_tdp WHERE user_id = ?3)) "
	                       "ORDER BY t.sort_order, t.code", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ctx->db,
	                       "SELECT c.num, c.den, b.name FROM tdp_indicator c JOIN indicator_bit b ON b.bit = c.bit "
	                       "WHERE c.tdp_id = ?1", -1, &ind, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, _("coverage"));
		goto out;
	}
	if (only_tdp)
		sqlite3_bind_text(st, 1, only_tdp, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, gn_scope_all(ctx));
	sqlite3_bind_text(st, 3, ctx->user.id, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			gn_cov_row *bigger = realloc(list, ncap * sizeof *bigger);
			if (!bigger) {
				rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
				goto out;
			}
			list = bigger;
			cap = ncap;
		}
		gn_cov_row *r = &list[len++];
		memset(r, 0, sizeof *r);
		gn_db_col_copy(st, 0, r->tdp_id, sizeof r->tdp_id);
		gn_db_col_copy(st, 1, r->code, sizeof r->code);
		gn_db_col_copy(st, 2, r->name, sizeof r->name);
		stats_of(st, 3, r);
		gn_db_col_copy(st, 9, r->form_id, sizeof r->form_id);
		r->not_measured = strcmp(r->form_id, GN_FORM_CENSUS) != 0;
		sqlite3_bind_text(ind, 1, r->tdp_id, -1, SQLITE_STATIC);
		indicators_of(set, ind, r);
		drop_unmeasured(set, r);
	}
	if (step != SQLITE_DONE) {
		rc = gn_db_fail(ctx->db, err, _("coverage"));
		goto out;
	}
	*rows = list;
	*n = len;
	list = NULL;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(ind);
	free(list);
	return rc;
}

gn_status gn_cov_tdp(gn_ctx *ctx, const gn_cov_set *set, const char *tdp_id, gn_cov_row *out, gn_err *err)
{
	gn_status st = gn_scope_require_tdp(ctx, tdp_id, err);
	if (st != GN_OK)
		return st;
	gn_cov_row *rows = NULL;
	size_t n = 0;
	if ((st = read_counters(ctx, set, tdp_id, &rows, &n, err)) != GN_OK)
		return st;
	if (n == 0)
		st = gn_fail(err, GN_ERR_NOT_FOUND, _("there is no TDP %s"), tdp_id);
	else
		*out = rows[0];
	free(rows);
	return st;
}

gn_status gn_cov_ward(gn_ctx *ctx, const gn_cov_set *set, gn_cov_row **rows, size_t *n, gn_cov_row *total,
                      gn_err *err)
{
	gn_status st = read_counters(ctx, set, NULL, rows, n, err);
	if (st != GN_OK)
		return st;
	memset(total, 0, sizeof *total);
	snprintf(total->code, sizeof total->code, "%s", gn_scope_all(ctx) ? "*" : "");
	snprintf(total->name, sizeof total->name, "%s", gn_scope_all(ctx) ? _("Whole ward") : _("Your TDPs"));
	for (size_t i = 0; i < *n; i++)
		add_row(total, &(*rows)[i]);
	return GN_OK;
}

/* ---- the past ------------------------------------------------------------ */

gn_status gn_cov_began(sqlite3 *db, char out[11], gn_err *err)
{
	sqlite3_stmt *q = NULL;
	gn_status st = GN_OK;
	out[0] = '\0';
	/* the first visit written, or the first snapshot if earlier */
	if (sqlite3_prepare_v2(db, "SELECT min(d) FROM (SELECT min(visit_date) AS d FROM household "
	                       "WHERE deleted = 0 AND visit_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' "
	                       "UNION ALL SELECT value FROM meta WHERE key = 'snapshots_began')", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_ROW)
		st = gn_db_fail(db, err, _("coverage"));
	else
		gn_db_col_copy(q, 0, out, 11);
	sqlite3_finalize(q);
	return st;
}

/* One TDP's row as the snapshot of the last day <= date left it, or (none
 * that early) its visits by visit_date and its indicators unknown. */
static gn_status row_as_of(sqlite3 *db, const gn_cov_set *set, gn_cov_row *r, const char *date, sqlite3_stmt *day,
                           sqlite3_stmt *ind, sqlite3_stmt *visits, gn_err *err)
{
	gn_status st = GN_OK;
	sqlite3_bind_text(day, 1, r->tdp_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(day, 2, date, -1, SQLITE_STATIC);
	int step = sqlite3_step(day);
	memset(r->ind, 0, sizeof r->ind);
	if (step == SQLITE_ROW) {
		gn_db_col_copy(day, 0, r->day, sizeof r->day);
		stats_of(day, 1, r);
		r->ind_unknown = false;
		sqlite3_bind_text(ind, 1, r->tdp_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ind, 2, r->day, -1, SQLITE_STATIC);
		if (indicators_of(set, ind, r) != SQLITE_DONE)
			st = gn_db_fail(db, err, _("coverage"));
		drop_unmeasured(set, r);
	} else if (step == SQLITE_DONE) {
		/* before the snapshots: the households as listed now, visited by
		 * the date written on the visit */
		r->day[0] = '\0';
		r->ind_unknown = true;
		sqlite3_bind_text(visits, 1, r->tdp_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(visits, 2, date, -1, SQLITE_STATIC);
		if (sqlite3_step(visits) != SQLITE_ROW) {
			st = gn_db_fail(db, err, _("coverage"));
		} else {
			r->done = sqlite3_column_int64(visits, 0);
			r->revisit = sqlite3_column_int64(visits, 1);
			r->refused = sqlite3_column_int64(visits, 2);
			r->moved = sqlite3_column_int64(visits, 3);
			r->not_visited = r->listed - r->done - r->revisit - r->refused - r->moved;
		}
		sqlite3_reset(visits);
	} else {
		st = gn_db_fail(db, err, _("coverage"));
	}
	sqlite3_reset(day);
	return st;
}

gn_status gn_cov_ward_as_of(gn_ctx *ctx, const gn_cov_set *set, const char *date, gn_cov_row **rows, size_t *n,
                            gn_cov_row *total, gn_err *err)
{
	sqlite3_stmt *day = NULL, *ind = NULL, *visits = NULL;
	char today[11], began[11];
	*rows = NULL;
	*n = 0;
	if (!gn_date_parse(date, NULL, NULL, NULL))
		return gn_fail(err, GN_ERR_INVALID, _("the date must be written YYYY-MM-DD"));
	/* on or after the first snapshot there are figures: the first visit
	 * (a read of every household) is looked for only before it */
	char *first = gn_db_meta_get(ctx->db, "snapshots_began");
	bool kept = first && *first && strcmp(date, first) >= 0;
	free(first);
	gn_status st = GN_OK;
	if (!kept) {
		if ((st = gn_cov_began(ctx->db, began, err)) != GN_OK)
			return st;
		if (!began[0])
			return gn_fail(err, GN_ERR_INVALID, _("there are no figures for %s: nobody has been visited yet"), date);
		if (strcmp(date, began) < 0)
			return gn_fail(err, GN_ERR_INVALID, _("there are no figures for %s: the census began on %s (the first "
			                                      "visit, or the first day gonha kept the counts)"), date, began);
	}
	if ((st = gn_cov_ward(ctx, set, rows, n, total, err)) != GN_OK)
		return st;
	gn_today_iso(today);
	if (strcmp(date, today) >= 0)
		return GN_OK; /* today or later: the counters as they are */
	if (sqlite3_prepare_v2(ctx->db, "SELECT day, listed, not_visited, done, revisit, refused, moved "
	                       "FROM coverage_day_stats WHERE tdp_id = ?1 AND day <= ?2 ORDER BY day DESC LIMIT 1",
	                       -1, &day, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ctx->db, "SELECT numerator, denominator, indicator FROM coverage_day "
	                       "WHERE tdp_id = ?1 AND day = ?2", -1, &ind, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ctx->db, "SELECT count(*) FILTER (WHERE visit_status = 'done'), "
	                       "count(*) FILTER (WHERE visit_status = 'revisit'), "
	                       "count(*) FILTER (WHERE visit_status = 'refused'), "
	                       "count(*) FILTER (WHERE visit_status = 'moved') FROM household "
	                       "WHERE tdp_id = ?1 AND deleted = 0 AND visit_date <= ?2 AND visit_date <> ''",
	                       -1, &visits, NULL) != SQLITE_OK) {
		st = gn_db_fail(ctx->db, err, _("coverage"));
		goto out;
	}
	gn_cov_row sum;
	memset(&sum, 0, sizeof sum);
	snprintf(sum.code, sizeof sum.code, "%s", total->code);
	snprintf(sum.name, sizeof sum.name, "%s", total->name);
	for (size_t r = 0; r < *n && st == GN_OK; r++) {
		st = row_as_of(ctx->db, set, &(*rows)[r], date, day, ind, visits, err);
		add_row(&sum, &(*rows)[r]);
		sum.ind_unknown |= (*rows)[r].ind_unknown;
	}
	*total = sum;
out:
	sqlite3_finalize(day);
	sqlite3_finalize(ind);
	sqlite3_finalize(visits);
	if (st != GN_OK) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return st;
}

gn_status gn_cov_weekly(gn_ctx *ctx, const gn_cov_set *set, const char *until, int max_weeks, gn_cov_week **weeks,
                        size_t *n, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	gn_cov_week *list = NULL;
	char today[11], began[11];
	size_t len = 0;
	*weeks = NULL;
	*n = 0;
	char *first = gn_db_meta_get(ctx->db, "snapshots_began");
	snprintf(began, sizeof began, "%s", first ? first : "");
	free(first);
	gn_today_iso(today);
	if (until && gn_date_parse(until, NULL, NULL, NULL) && strcmp(until, today) < 0)
		snprintf(today, sizeof today, "%s", until);
	if (!began[0] || max_weeks <= 0)
		return GN_OK;
	gn_status st = GN_OK;
	if (!(list = calloc((size_t)max_weeks, sizeof *list)))
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	/* the week ends: today, a week before, ... back to the week the
	 * snapshots began; each TDP's last snapshot on or before each end,
	 * summed (one pass: the snapshots' keys are (tdp, day)) */
	if (sqlite3_prepare_v2(ctx->db,
	                       "WITH RECURSIVE w(k, d) AS (SELECT 0, ?1 UNION ALL SELECT k + 1, date(d, '-7 days') "
	                       "  FROM w WHERE k + 1 < ?3 AND date(d, '-7 days') >= date(?2, '-6 days')),"
	                       " pick(k, d, tdp_id, day) AS (SELECT w.k, w.d, t.id, (SELECT max(s.day) FROM coverage_day_stats s "
	                       "  WHERE s.tdp_id = t.id AND s.day <= w.d) FROM w, tdp t "
	                       "  WHERE ?4 OR t.id IN (SELECT tdp_id FROM user_tdp WHERE user_id = ?5)) "
	                       "SELECT p.k, p.d, NULL, sum(s.listed), sum(s.done + s.refused + s.moved) FROM pick p "
	                       " JOIN coverage_day_stats s ON s.tdp_id = p.tdp_id AND s.day = p.day GROUP BY p.k "
	                       "UNION ALL "
	                       "SELECT p.k, p.d, c.indicator, sum(c.numerator), sum(c.denominator) FROM pick p "
	                       " JOIN coverage_day c ON c.tdp_id = p.tdp_id AND c.day = p.day GROUP BY p.k, c.indicator",
	                       -1, &q, NULL) != SQLITE_OK) {
		st = gn_db_fail(ctx->db, err, _("coverage"));
		goto out;
	}
	sqlite3_bind_text(q, 1, today, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, began, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 3, max_weeks);
	sqlite3_bind_int(q, 4, gn_scope_all(ctx));
	sqlite3_bind_text(q, 5, ctx->user.id, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		int k = sqlite3_column_int(q, 0);
		if (k < 0 || k >= max_weeks)
			continue;
		gn_cov_week *w = &list[k];
		if ((size_t)k + 1 > len)
			len = (size_t)k + 1;
		gn_db_col_copy(q, 1, w->day, sizeof w->day);
		w->known = true;
		if (sqlite3_column_type(q, 2) == SQLITE_NULL) {
			w->listed = sqlite3_column_int64(q, 3);
			w->visited = sqlite3_column_int64(q, 4);
			continue;
		}
		int i = gn_cov_find(set, (const char *)sqlite3_column_text(q, 2));
		if (i >= 0) {
			w->ind[i].num = sqlite3_column_int64(q, 3);
			w->ind[i].den = sqlite3_column_int64(q, 4);
		}
	}
	if (step != SQLITE_DONE) {
		st = gn_db_fail(ctx->db, err, _("coverage"));
		goto out;
	}
	/* oldest first */
	for (size_t i = 0; i < len / 2; i++) {
		gn_cov_week t = list[i];
		list[i] = list[len - 1 - i];
		list[len - 1 - i] = t;
	}
	*weeks = list;
	*n = len;
	list = NULL;
out:
	sqlite3_finalize(q);
	free(list);
	return st;
}

/* ---- what a missing person lacks --------------------------------------- */

char *gn_cov_lacks_sql(const gn_cov_def *def)
{
	/* without the forms engine's parts, nothing is named */
	return strdup(def->lacks_sql ? def->lacks_sql : "''");
}

/* ---- sorting the dashboard ---------------------------------------------- */

double gn_cov_sort_value(const gn_cov_set *set, const gn_cov_row *r, gn_cov_sort_key key, int indicator,
                         int year)
{
	gn_cov_count c = { 0, 0 };
	if (indicator >= 0 && (size_t)indicator < set->n)
		c = r->ind[indicator];
	double pct, target;
	switch (key) {
	case GN_COV_BY_LISTED: return (double)r->listed;
	case GN_COV_BY_VISITED_PCT: {
		gn_cov_count v = { r->done + r->refused + r->moved, r->listed };
		return gn_cov_pct(v, &pct) ? pct : -1;
	}
	case GN_COV_BY_REVISIT: return (double)r->revisit;
	case GN_COV_BY_REFUSED: return (double)r->refused;
	case GN_COV_BY_ADULTS: {
		int a = gn_cov_find(set, "adults");
		return a >= 0 ? (double)r->ind[a].den : 0;
	}
	case GN_COV_BY_NUM: return (double)c.num;
	case GN_COV_BY_PCT: return gn_cov_pct(c, &pct) ? pct : -1;
	case GN_COV_BY_GAP: {
		bool has = indicator >= 0 && (size_t)indicator < set->n &&
		           gn_cov_target(&set->defs[indicator], year, &target);
		return (double)gn_cov_gap(c, has, has ? target : 0);
	}
	case GN_COV_BY_CODE:
	case GN_COV_SORT_KEYS:
		break;
	}
	return 0;
}

typedef struct sort_arg {
	const gn_cov_set *set;
	gn_cov_sort_key key;
	int indicator, year;
	bool desc;
} sort_arg;

static int cmp_rows(const void *a, const void *b, void *argp)
{
	const sort_arg *s = argp;
	const gn_cov_row *x = a, *y = b;
	int c = 0;
	if (s->key != GN_COV_BY_CODE) {
		double vx = gn_cov_sort_value(s->set, x, s->key, s->indicator, s->year);
		double vy = gn_cov_sort_value(s->set, y, s->key, s->indicator, s->year);
		c = vx < vy ? -1 : vx > vy ? 1 : 0;
	}
	if (c == 0) {
		/* codes are numbers in most wards: "2" before "10" */
		size_t lx = strlen(x->code), ly = strlen(y->code);
		c = lx != ly ? (lx < ly ? -1 : 1) : strcmp(x->code, y->code);
		if (s->key != GN_COV_BY_CODE)
			return c; /* ties: the ward's order, whatever the direction */
	}
	return s->desc ? -c : c;
}

void gn_cov_sort(const gn_cov_set *set, gn_cov_row *rows, size_t n, gn_cov_sort_key key, int indicator,
                 int year, bool descending)
{
	sort_arg a = { set, key, indicator, year, descending };
	if (n > 1)
		qsort_r(rows, n, sizeof *rows, cmp_rows, &a);
}

/* page NULL: the whole list; else one TDP's rows [offset, offset + limit),
 * counted from the end when from_end (and given last first). */
typedef struct missing_page {
	size_t offset, limit;
	bool from_end;
} missing_page;

/* A TDP whose form measures the plan's indicators (census), else a
 * message naming its form. */
static gn_status require_measured(sqlite3 *db, const char *tdp_id, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(db, "SELECT " GN_SQL_TDP_FORM("?1"), -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, _("coverage"));
	sqlite3_bind_text(q, 1, tdp_id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_ROW)
		rc = gn_db_fail(db, err, _("coverage"));
	else if (strcmp((const char *)sqlite3_column_text(q, 0), GN_FORM_CENSUS) != 0)
		rc = gn_fail(err, GN_ERR_INVALID,
		             _("this TDP enters the form %s, which does not measure the plan's indicators: nobody in it is "
		               "counted in them"),
		             (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return rc;
}

static gn_status missing_rows(gn_ctx *ctx, const gn_cov_set *set, int indicator, const char *tdp_id,
                              const missing_page *page, gn_cov_person_fn fn, void *arg, gn_err *err)
{
	gn_status rc = GN_OK;
	sqlite3_stmt *st = NULL;
	if (indicator < 0 || (size_t)indicator >= set->n)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("there is no such indicator"));
	if (tdp_id && (rc = gn_scope_require_tdp(ctx, tdp_id, err)) != GN_OK)
		return rc;
	if (page && !tdp_id)
		return gn_fail(err, GN_ERR_INVALID, _("a page of the list is of one TDP"));
	if (tdp_id && (rc = require_measured(ctx->db, tdp_id, err)) != GN_OK)
		return rc;
	/* The kept bits say who is missing: index on household walk order. */
	long long bit = 1LL << indicator;
	char *lacks = gn_cov_lacks_sql(&set->defs[indicator]);
	/* A page of one TDP: its households in walking order straight from
	 * household_walk and each one's members from person_household, so the
	 * rows before the page are only stepped over and the page's end is
	 * read from the end backwards (the planner, left alone, took
	 * person_tdp_live and sorted the whole TDP). */
	const char *desc = page && page->from_end ? " DESC" : "";
	char *sql = !lacks ? NULL : page ? sqlite3_mprintf(
	                       "SELECT p.id, p.full_name, h.house_no, h.alley, h.street, t.code, p.birth_year, p.answers, "
	                       "(SELECT %s FROM person WHERE person.rowid = p.rowid) FROM tdp t "
	                       "CROSS JOIN household h INDEXED BY household_walk ON h.tdp_id = t.id "
	                       "CROSS JOIN person p INDEXED BY person_household ON p.household_id = h.id AND p.deleted = 0 "
	                       "WHERE t.id = ?2 AND h.deleted = 0 AND (p.ind_pop & ?1) <> 0 AND (p.ind_num & ?1) = 0 "
	                       "AND (?3 OR h.tdp_id IN (SELECT tdp_id FROM user_tdp WHERE user_id = ?4)) "
	                       "AND " GN_SQL_TDP_FORM("t.id") " = '" GN_FORM_CENSUS "' "
	                       "ORDER BY h.walk_order%s, h.id%s, p.position%s LIMIT ?5 OFFSET ?6", lacks, desc, desc, desc)
	                   : sqlite3_mprintf(
	                       "SELECT p.id, p.full_name, h.house_no, h.alley, h.street, t.code, p.birth_year, p.answers, "
	                       "(SELECT %s FROM person WHERE person.rowid = p.rowid) FROM household h JOIN tdp t ON t.id = h.tdp_id "
	                       "JOIN person p ON p.household_id = h.id AND p.deleted = 0 "
	                       "WHERE h.deleted = 0 AND (p.ind_pop & ?1) <> 0 AND (p.ind_num & ?1) = 0 "
	                       "%s"
	                       "AND (?3 OR h.tdp_id IN (SELECT tdp_id FROM user_tdp WHERE user_id = ?4)) "
	                       "AND (?7 OR " GN_SQL_TDP_FORM("t.id") " = '" GN_FORM_CENSUS "') "
	                       "ORDER BY t.sort_order, h.walk_order, h.id, p.position", lacks,
	                       /* one TDP: by its index, not a scan of the ward */
	                       tdp_id ? "AND h.tdp_id = ?2 AND p.tdp_id = ?2 " : "");
	if (!sql) {
		rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, _("coverage"));
		goto out;
	}
	sqlite3_bind_int64(st, 1, bit);
	if (tdp_id)
		sqlite3_bind_text(st, 2, tdp_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, gn_scope_all(ctx));
	sqlite3_bind_text(st, 4, ctx->user.id, -1, SQLITE_STATIC);
	/* a TDP on another form is not measured: nobody missing */
	if (page) {
		sqlite3_bind_int64(st, 5, (sqlite3_int64)page->limit);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)page->offset);
	}
	int step, year = gn_this_year();
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		gn_cov_person p = {
			.person_id = (const char *)sqlite3_column_text(st, 0),
			.full_name = (const char *)sqlite3_column_text(st, 1),
			.house_no = (const char *)sqlite3_column_text(st, 2),
			.alley = (const char *)sqlite3_column_text(st, 3),
			.street = (const char *)sqlite3_column_text(st, 4),
			.tdp_code = (const char *)sqlite3_column_text(st, 5),
			.birth_year = sqlite3_column_int(st, 6),
			.answers = (const char *)sqlite3_column_text(st, 7),
			.lacks = (const char *)sqlite3_column_text(st, 8),
		};
		if (!p.lacks)
			p.lacks = "";
		p.age = p.birth_year ? year - p.birth_year : -1;
		if (!fn(arg, &p))
			break;
	}
	if (step != SQLITE_DONE && step != SQLITE_ROW)
		rc = gn_db_fail(ctx->db, err, _("coverage"));
out:
	sqlite3_finalize(st);
	sqlite3_free(sql);
	free(lacks);
	return rc;
}

gn_status gn_cov_missing(gn_ctx *ctx, const gn_cov_set *set, int indicator, const char *tdp_id,
                         gn_cov_person_fn fn, void *arg, gn_err *err)
{
	return missing_rows(ctx, set, indicator, tdp_id, NULL, fn, arg, err);
}

gn_status gn_cov_missing_page(gn_ctx *ctx, const gn_cov_set *set, int indicator, const char *tdp_id,
                              size_t offset, size_t limit, bool from_end, gn_cov_person_fn fn, void *arg,
                              gn_err *err)
{
	missing_page page = { offset, limit, from_end };
	return missing_rows(ctx, set, indicator, tdp_id, &page, fn, arg, err);
}

void gn_cov_pct_text(char *buf, size_t size, gn_cov_count c)
{
	double pct;
	if (!gn_cov_pct(c, &pct)) {
		snprintf(buf, size, "—");
		return;
	}
	snprintf(buf, size, "%.1f%%", pct);
	if (strcmp(gn_i18n_lang(), "vi") == 0)
		for (char *p = buf; *p; p++)
			if (*p == '.')
				*p = ',';
}
