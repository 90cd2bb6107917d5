/* Operator figures and the entry stamps they are made of (operators.h). */
#include "gonha/domain/operators.h"
#include "gonha/domain/household.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Seconds between two stored instants, -1 when either is not one. */
static long long seconds_between(const char *from, const char *to)
{
	struct tm a = { 0 }, b = { 0 };
	const char *ea = from && *from ? strptime(from, "%Y-%m-%dT%H:%M:%SZ", &a) : NULL;
	const char *eb = to && *to ? strptime(to, "%Y-%m-%dT%H:%M:%SZ", &b) : NULL;
	if (!ea || *ea || !eb || *eb)
		return -1;
	long long d = (long long)timegm(&b) - (long long)timegm(&a);
	return d >= 0 ? d : -1;
}

gn_status gn_entry_record(gn_ctx *ctx, const gn_household *hh, const char *now, bool was_entered, bool changed,
                          gn_err *err)
{
	sqlite3_stmt *q = NULL;
	gn_status rc = GN_OK;
	long long secs = seconds_between(hh->opened_at, now);
	bool entry = !was_entered && strcmp(hh->visit_status, GN_VISIT_NOT_VISITED) != 0;
	if (entry) {
		if (sqlite3_prepare_v2(ctx->db, "UPDATE household SET entered_by = ?2, entered_at = ?3, entered_pc = NULL, "
		                       "entry_seconds = ?4 WHERE id = ?1", -1, &q, NULL) != SQLITE_OK)
			return gn_db_fail(ctx->db, err, "household");
		sqlite3_bind_text(q, 1, hh->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, ctx->user.login, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, now, -1, SQLITE_STATIC);
		if (secs >= 0)
			sqlite3_bind_int64(q, 4, secs);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = gn_db_fail(ctx->db, err, "household");
		sqlite3_finalize(q);
		q = NULL;
	}
	if (rc != GN_OK || (!entry && !(was_entered && changed)))
		return rc; /* a listing edit, or a save that changed nothing */
	/* uid: the correction's own id, by which it travels (migration 20) */
	if (sqlite3_prepare_v2(ctx->db, "INSERT INTO entry_time(household_id, tdp_id, user_login, opened_at, saved_at, "
	                       "seconds, persons, correction, uid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", -1, &q,
	                       NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "entry_time");
	char uid[37];
	gn_uuid_new(uid);
	sqlite3_bind_text(q, 9, uid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 1, hh->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, hh->tdp_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, ctx->user.login, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, *hh->opened_at ? hh->opened_at : now, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, now, -1, SQLITE_STATIC);
	if (secs >= 0)
		sqlite3_bind_int64(q, 6, secs);
	sqlite3_bind_int64(q, 7, (sqlite3_int64)hh->n_members);
	sqlite3_bind_int(q, 8, !entry);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "entry_time");
	sqlite3_finalize(q);
	return rc;
}

gn_status gn_operator_figures(gn_ctx *ctx, bool by_day, const char *until, gn_operator_row **rows, size_t *n,
                              gn_err *err)
{
	sqlite3_stmt *q = NULL;
	gn_status rc = GN_OK;
	*rows = NULL;
	*n = 0;
	/* ?1 by day, ?2 every TDP, ?3 the user (their TDPs otherwise) */
#define IN_SCOPE "(?2 OR tdp_id IN (SELECT tdp_id FROM user_tdp WHERE user_id = ?3))"
	static const char sql[] =
		"WITH e(u, d, hh, pp, timed, secs, corr, other) AS ("
		" SELECT entered_by, date(entered_at, 'localtime'), 1, 0, entry_seconds IS NOT NULL, "
		"  coalesce(entry_seconds, 0), 0, entered_pc IS NOT NULL FROM household "
		"  WHERE deleted = 0 AND entered_at IS NOT NULL AND entered_by IS NOT NULL AND " IN_SCOPE
		" UNION ALL SELECT created_by, date(created_at, 'localtime'), 0, 1, 0, 0, 0, 0 FROM person "
		"  WHERE deleted = 0 AND " IN_SCOPE
		" UNION ALL SELECT user_login, date(saved_at, 'localtime'), 0, 0, 0, 0, 1, 0 FROM entry_time "
		"  WHERE correction = 1 AND " IN_SCOPE ") "
		"SELECT u, CASE WHEN ?1 THEN coalesce(d, '') ELSE '' END AS dd, sum(hh), sum(pp), sum(timed), sum(secs), "
		"sum(corr), sum(other) FROM e WHERE ?4 IS NULL OR d <= ?4 GROUP BY u, dd ORDER BY u, dd";
#undef IN_SCOPE
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "household");
	sqlite3_bind_int(q, 1, by_day);
	sqlite3_bind_int(q, 2, gn_scope_all(ctx));
	sqlite3_bind_text(q, 3, ctx->user.id, -1, SQLITE_STATIC);
	if (until)
		sqlite3_bind_text(q, 4, until, -1, SQLITE_STATIC);
	size_t cap = 0;
	int step;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			gn_operator_row *more = realloc(*rows, ncap * sizeof *more);
			if (!more) {
				rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
				break;
			}
			*rows = more;
			cap = ncap;
		}
		gn_operator_row *r = &(*rows)[(*n)++];
		memset(r, 0, sizeof *r);
		gn_db_col_copy(q, 0, r->user_login, sizeof r->user_login);
		gn_db_col_copy(q, 1, r->day, sizeof r->day);
		r->households = sqlite3_column_int64(q, 2);
		r->persons = sqlite3_column_int64(q, 3);
		r->timed = sqlite3_column_int64(q, 4);
		r->seconds = sqlite3_column_int64(q, 5);
		r->corrections = sqlite3_column_int64(q, 6);
		r->from_other_pc = sqlite3_column_int64(q, 7);
	}
	if (rc == GN_OK && step != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "household");
	sqlite3_finalize(q);
	if (rc != GN_OK) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

double gn_operator_per_hour(const gn_operator_row *r)
{
	return r->timed && r->seconds > 0 ? (double)r->timed * 3600.0 / (double)r->seconds : 0;
}

long gn_operator_seconds_each(const gn_operator_row *r)
{
	return r->timed ? (long)(r->seconds / r->timed) : -1;
}

gn_status gn_household_provenance(gn_ctx *ctx, const char *household_id, gn_provenance *out, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	gn_status rc = GN_OK;
	memset(out, 0, sizeof *out);
	if (sqlite3_prepare_v2(ctx->db, "SELECT tdp_id, entered_by, entered_at, entered_pc IS NOT NULL, updated_by, "
	                       "updated_at, updated_pc IS NOT NULL FROM household WHERE id = ?1 AND deleted = 0", -1, &q,
	                       NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "household");
	sqlite3_bind_text(q, 1, household_id ? household_id : "", -1, SQLITE_STATIC);
	int step = sqlite3_step(q);
	if (step == SQLITE_ROW) {
		rc = gn_scope_require_tdp(ctx, (const char *)sqlite3_column_text(q, 0), err);
		if (rc == GN_OK && sqlite3_column_type(q, 2) != SQLITE_NULL) {
			gn_db_col_copy(q, 1, out->entered_by, sizeof out->entered_by);
			gn_db_col_copy(q, 2, out->entered_at, sizeof out->entered_at);
			out->entered_other_pc = sqlite3_column_int(q, 3) != 0;
		}
		gn_db_col_copy(q, 4, out->updated_by, sizeof out->updated_by);
		gn_db_col_copy(q, 5, out->updated_at, sizeof out->updated_at);
		out->updated_other_pc = sqlite3_column_int(q, 6) != 0;
	} else {
		rc = step == SQLITE_DONE ? gn_fail(err, GN_ERR_NOT_FOUND, _("the household no longer exists"))
		                         : gn_db_fail(ctx->db, err, "household");
	}
	sqlite3_finalize(q);
	if (rc != GN_OK)
		memset(out, 0, sizeof *out);
	return rc;
}
