/* Approving a household or sending it back (review.h). */
#include "gonha/domain/review.h"
#include "gonha/domain/household.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"
#include "gonha/text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gn_review_label(gn_review_decision d)
{
	switch (d) {
	case GN_REVIEW_APPROVED: return _("approved");
	case GN_REVIEW_SENT_BACK: return _("sent back");
	case GN_REVIEW_NONE: break;
	}
	return _("not reviewed");
}

/* The household's TDP and visit outcome, its scope checked. */
static gn_status household_of(gn_ctx *ctx, const char *household_id, char tdp_id[37], char status[16], gn_err *err)
{
	sqlite3_stmt *q = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(ctx->db, "SELECT tdp_id, visit_status FROM household WHERE id = ?1 AND deleted = 0", -1, &q,
	                       NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "household");
	sqlite3_bind_text(q, 1, household_id ? household_id : "", -1, SQLITE_STATIC);
	int step = sqlite3_step(q);
	if (step == SQLITE_ROW) {
		gn_db_col_copy(q, 0, tdp_id, 37);
		gn_db_col_copy(q, 1, status, 16);
	} else {
		rc = step == SQLITE_DONE ? gn_fail(err, GN_ERR_NOT_FOUND, _("the household no longer exists"))
		                         : gn_db_fail(ctx->db, err, "household");
	}
	sqlite3_finalize(q);
	if (rc == GN_OK)
		rc = gn_scope_require_tdp(ctx, tdp_id, err);
	return rc;
}

gn_status gn_review_add(gn_ctx *ctx, const char *household_id, gn_review_decision decision, const char *reason,
                        gn_err *err)
{
	char tdp_id[37], status[16], id[37], now[32];
	char *clean = NULL;
	sqlite3_stmt *q = NULL;
	gn_strbuf changes = { 0 };
	gn_status rc;
	if (ctx->user.role == GN_ROLE_TECH_TEAM)
		return gn_fail(err, GN_ERR_DENIED, _("only a ward officer or the TDP leader may review a household"));
	if ((rc = household_of(ctx, household_id, tdp_id, status, err)) != GN_OK)
		return rc;
	if (strcmp(status, GN_VISIT_NOT_VISITED) == 0)
		return gn_fail(err, GN_ERR_INVALID, _("this household has not been visited yet: there is nothing to review"));
	if (decision != GN_REVIEW_APPROVED && decision != GN_REVIEW_SENT_BACK)
		return gn_fail(err, GN_ERR_INVALID, _("a review approves a household or sends it back"));
	if ((rc = gn_text_clean(reason ? reason : "", strlen(reason ? reason : ""), 0, &clean, err)) != GN_OK) {
		if (err)
			snprintf(err->field, sizeof err->field, "reason");
		return rc;
	}
	if (decision == GN_REVIEW_SENT_BACK && !*clean) {
		rc = gn_fail_field(err, GN_ERR_INVALID, "reason", _("say why the household is sent back"));
		goto out;
	}
	if (strlen(clean) > GN_REVIEW_REASON_MAX) {
		rc = gn_fail_field(err, GN_ERR_INVALID, "reason", _("the reason is too long (at most %d bytes)"),
		                   GN_REVIEW_REASON_MAX);
		goto out;
	}
	gn_uuid_new(id);
	gn_now_iso(now);
	const char *dec = decision == GN_REVIEW_APPROVED ? "approved" : "sent_back";
	gn_sb_add(&changes, "{\"decision\":[null,");
	gn_sb_json_str(&changes, dec);
	gn_sb_add(&changes, "],\"reason\":[null,");
	gn_sb_json_str(&changes, clean);
	gn_sb_add(&changes, "]}");
	if (changes.failed) {
		rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	if ((rc = gn_db_begin(ctx->db, err)) != GN_OK)
		goto out;
	if (sqlite3_prepare_v2(ctx->db, "INSERT INTO household_review(id, household_id, tdp_id, decision, reason, at, "
	                       "by_login, pc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL)", -1, &q, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "household_review");
	} else {
		sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, household_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, tdp_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, dec, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 5, clean, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 6, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 7, ctx->user.login, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = gn_db_fail(ctx->db, err, "household_review");
	}
	if (rc == GN_OK)
		rc = gn_audit(ctx, "review", "household", household_id, tdp_id, gn_sb_str(&changes), err);
	if (rc == GN_OK)
		rc = gn_db_commit(ctx->db, err);
	else
		gn_db_rollback(ctx->db);
out:
	sqlite3_finalize(q);
	gn_sb_free(&changes);
	free(clean);
	return rc;
}

gn_status gn_review_latest(gn_ctx *ctx, const char *household_id, gn_review *out, gn_err *err)
{
	char tdp_id[37], status[16];
	sqlite3_stmt *q = NULL;
	memset(out, 0, sizeof *out);
	gn_status rc = household_of(ctx, household_id, tdp_id, status, err);
	if (rc != GN_OK)
		return rc;
	if (sqlite3_prepare_v2(ctx->db, "SELECT id, decision, reason, at, by_login, pc IS NOT NULL FROM household_review "
	                       "INDEXED BY household_review_of WHERE household_id = ?1 ORDER BY at DESC, rowid DESC "
	                       "LIMIT 1", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "household_review");
	sqlite3_bind_text(q, 1, household_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(q);
	if (step == SQLITE_ROW) {
		gn_db_col_copy(q, 0, out->id, sizeof out->id);
		const char *d = (const char *)sqlite3_column_text(q, 1);
		out->decision = d && strcmp(d, "approved") == 0 ? GN_REVIEW_APPROVED : GN_REVIEW_SENT_BACK;
		gn_db_col_copy(q, 2, out->reason, sizeof out->reason);
		gn_db_col_copy(q, 3, out->at, sizeof out->at);
		gn_db_col_copy(q, 4, out->by_login, sizeof out->by_login);
		out->other_pc = sqlite3_column_int(q, 5) != 0;
	} else if (step != SQLITE_DONE) {
		rc = gn_db_fail(ctx->db, err, "household_review");
	}
	sqlite3_finalize(q);
	return rc;
}

gn_status gn_review_count(gn_ctx *ctx, const char *tdp_id, const char *until, gn_review_counts *out, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	gn_status rc = GN_OK;
	memset(out, 0, sizeof *out);
	if (tdp_id && (rc = gn_scope_require_tdp(ctx, tdp_id, err)) != GN_OK)
		return rc;
	/* each visited household with its latest decision; one TDP's a search
	 * of household_status (tdp_id, visit_status), never a scan of every
	 * TDP's ("?1 IS NULL OR tdp_id = ?1" would be: 64 s for a 400-TDP
	 * report at 2 million persons, bench/README.md) */
#define REVIEW_COUNT(where)                                                                                        \
	"SELECT count(*), coalesce(sum(d = 'approved'), 0), coalesce(sum(d = 'sent_back'), 0) FROM "                    \
	"(SELECT " GN_SQL_REVIEW_OF_UNTIL("h.id", "?4") " AS d FROM household h "                                       \
	"WHERE h.deleted = 0 AND h.visit_status IN ('done', 'refused', 'moved') AND " where " AND "                      \
	"(?4 IS NULL OR h.visit_date <= ?4) AND "                                                                        \
	"(?2 OR h.tdp_id IN (SELECT tdp_id FROM user_tdp WHERE user_id = ?3)))"
	if (sqlite3_prepare_v2(ctx->db, tdp_id ? REVIEW_COUNT("h.tdp_id = ?1") : REVIEW_COUNT("?1 IS NULL"), -1, &q,
	                       NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "household_review");
	if (tdp_id)
		sqlite3_bind_text(q, 1, tdp_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, gn_scope_all(ctx));
	sqlite3_bind_text(q, 3, ctx->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, until, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		out->visited = sqlite3_column_int64(q, 0);
		out->approved = sqlite3_column_int64(q, 1);
		out->sent_back = sqlite3_column_int64(q, 2);
		out->not_reviewed = out->visited - out->approved - out->sent_back;
	} else {
		rc = gn_db_fail(ctx->db, err, "household_review");
	}
	sqlite3_finalize(q);
	return rc;
}
#undef REVIEW_COUNT
