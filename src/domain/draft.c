#include "gonha/domain/draft.h"
#include "gonha/storage/db.h"
#include "gonha/storage/vault.h"
#include "gonha/domain/household_conflict.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A draft holds names and CCCDs as typed: it is kept sealed under the
 * ward key (a JSON string "d1..."), like the CCCD column (vault.h). */
gn_status gn_draft_seal(sqlite3 *db, const char *data, char **out, gn_err *err)
{
	char *sealed = NULL;
	gn_status rc = gn_vault_seal_doc(db, data, &sealed, err);
	if (rc != GN_OK || !gn_vault_is_sealed_doc(sealed)) {
		*out = sealed;
		return rc;
	}
	size_t n = strlen(sealed);
	if ((*out = malloc(n + 3)))
		snprintf(*out, n + 3, "\"%s\"", sealed); /* base64url: nothing to escape */
	free(sealed);
	return *out ? GN_OK : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
}

gn_status gn_draft_open(sqlite3 *db, const char *stored, char **out, gn_err *err)
{
	size_t n = stored ? strlen(stored) : 0;
	if (n < 2 || stored[0] != '"' || !gn_vault_is_sealed_doc(stored + 1))
		return gn_vault_open_doc(db, stored, out, err);
	char *inner = strndup(stored + 1, n - 2);
	if (!inner)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	gn_status rc = gn_vault_open_doc(db, inner, out, err);
	free(inner);
	return rc;
}

gn_status gn_draft_put(gn_ctx *ctx, const char *kind, const char *record_id, const char *tdp_id,
                       const char *data, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32], *sealed = NULL;
	gn_status rc = gn_scope_require_tdp(ctx, tdp_id, err);
	if (rc != GN_OK)
		return rc;
	if ((rc = gn_draft_seal(ctx->db, data, &sealed, err)) != GN_OK)
		return rc;
	gn_now_iso(now);
	if (sqlite3_prepare_v2(ctx->db,
	                       "INSERT INTO draft(user_login, kind, record_id, tdp_id, data, updated_at) "
	                       "VALUES (?1, ?2, ?3, ?4, json(?5), ?6) ON CONFLICT (user_login, kind, record_id) "
	                       "DO UPDATE SET tdp_id = excluded.tdp_id, data = excluded.data, "
	                       "updated_at = excluded.updated_at", -1, &st, NULL) != SQLITE_OK) {
		free(sealed);
		return gn_db_fail(ctx->db, err, "draft");
	}
	sqlite3_bind_text(st, 1, ctx->user.login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, record_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, tdp_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, sealed, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "draft");
	sqlite3_finalize(st);
	free(sealed);
	return rc;
}

gn_status gn_draft_seal_rows(sqlite3 *db, const char *table, const char *const *keys, size_t n_keys,
                             const char *column, const char *where, gn_err *err)
{
	sqlite3_stmt *sel = NULL, *up = NULL;
	gn_strbuf q = { 0 }, u = { 0 };
	gn_status rc = GN_OK;
	gn_sb_add(&q, "SELECT ");
	gn_sb_printf(&u, "UPDATE %s SET %s = json(?%zu) WHERE ", table, column, n_keys + 1);
	for (size_t i = 0; i < n_keys; i++) {
		gn_sb_printf(&q, "%s, ", keys[i]);
		gn_sb_printf(&u, "%s%s = ?%zu", i ? " AND " : "", keys[i], i + 1);
	}
	/* a sealed one is a JSON string; a plain one an object, or a CCCD's digits */
	gn_sb_printf(&q, "%s FROM %s WHERE %s IS NOT NULL AND substr(%s, 1, 1) <> '\"' AND (%s)", column, table, column,
	             column, where ? where : "1");
	if (!q.s || !u.s) {
		rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	if (sqlite3_prepare_v2(db, q.s, -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, u.s, -1, &up, NULL) != SQLITE_OK) {
		rc = gn_db_fail(db, err, table);
		goto out;
	}
	int step;
	while (rc == GN_OK && (step = sqlite3_step(sel)) == SQLITE_ROW) {
		char *sealed = NULL;
		if ((rc = gn_draft_seal(db, (const char *)sqlite3_column_text(sel, (int)n_keys), &sealed, err)) != GN_OK)
			break;
		for (size_t i = 0; i < n_keys; i++)
			sqlite3_bind_value(up, (int)i + 1, sqlite3_column_value(sel, (int)i));
		/* a CCCD alone (not a document) stays text when not sealed */
		sqlite3_bind_text(up, (int)n_keys + 1, sealed, -1, SQLITE_TRANSIENT);
		if (sealed[0] == '"' || sealed[0] == '{' || sealed[0] == '[') {
			if (sqlite3_step(up) != SQLITE_DONE)
				rc = gn_db_fail(db, err, table);
		}
		sqlite3_reset(up);
		free(sealed);
	}
	if (rc == GN_OK && step != SQLITE_DONE)
		rc = gn_db_fail(db, err, table);
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(up);
	gn_sb_free(&q);
	gn_sb_free(&u);
	return rc;
}

gn_status gn_draft_seal_all(sqlite3 *db, gn_err *err)
{
	static const char *const keys[] = { "user_login", "kind", "record_id" };
	return gn_draft_seal_rows(db, "draft", keys, 3, "data", NULL, err);
}

gn_status gn_draft_delete(gn_ctx *ctx, const char *kind, const char *record_id, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(ctx->db, "DELETE FROM draft WHERE user_login = ?1 AND kind = ?2 AND record_id = ?3",
	                       -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "draft");
	sqlite3_bind_text(st, 1, ctx->user.login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, record_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "draft");
	sqlite3_finalize(st);
	return rc;
}

/* The household in the database has everything the draft has. */
static bool draft_saved_already(gn_ctx *ctx, const char *record_id, const char *data)
{
	gn_household draft, now;
	if (!record_id || !data || gn_household_from_json(ctx->db, data, &draft, NULL) != GN_OK)
		return false;
	bool same = false;
	if (gn_household_load(ctx, record_id, &now, NULL) == GN_OK) {
		same = gn_household_same_content(ctx->db, &draft, &now);
		gn_household_free(&now);
	}
	gn_household_free(&draft);
	return same;
}

gn_status gn_draft_latest(gn_ctx *ctx, const char *kind, gn_draft *out, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	memset(out, 0, sizeof *out);
	/* A draft of a household removed since is dropped. One of a household
	 * changed since (updated_at later than the draft) is stale only when
	 * it holds nothing the database does not: the save went through, only
	 * the clean-up did not. Otherwise the household was changed elsewhere
	 * (an import, another PC): the draft is kept, and its save goes
	 * through the conflict check. */
	if (sqlite3_prepare_v2(ctx->db,
	                       "SELECT d.kind, d.record_id, d.tdp_id, d.updated_at, d.data, "
	                       "(SELECT h.deleted FROM household h WHERE h.id = d.record_id), "
	                       "(SELECT h.updated_at > d.updated_at FROM household h WHERE h.id = d.record_id) "
	                       "FROM draft d WHERE d.user_login = ?1 AND d.kind = ?2 "
	                       "ORDER BY d.updated_at DESC, d.record_id", -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "draft");
	sqlite3_bind_text(st, 1, ctx->user.login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 5))
			continue;
		char *data = NULL;
		if ((rc = gn_draft_open(ctx->db, (const char *)sqlite3_column_text(st, 4), &data, err)) != GN_OK)
			goto out;
		if (sqlite3_column_int(st, 6) && draft_saved_already(ctx, (const char *)sqlite3_column_text(st, 1), data)) {
			free(data);
			continue;
		}
		gn_db_col_copy(st, 0, out->kind, sizeof out->kind);
		gn_db_col_copy(st, 1, out->record_id, sizeof out->record_id);
		gn_db_col_copy(st, 2, out->tdp_id, sizeof out->tdp_id);
		gn_db_col_copy(st, 3, out->updated_at, sizeof out->updated_at);
		out->data = data;
		goto out;
	}
	rc = step == SQLITE_DONE ? gn_fail(err, GN_ERR_NOT_FOUND, _("there is no draft"))
	                         : gn_db_fail(ctx->db, err, "draft");
out:
	sqlite3_finalize(st);
	if (rc == GN_OK && gn_scope_require_tdp(ctx, out->tdp_id, NULL) != GN_OK) {
		gn_draft_free(out);
		rc = gn_fail(err, GN_ERR_NOT_FOUND, _("there is no draft"));
	}
	return rc;
}

void gn_draft_free(gn_draft *d)
{
	free(d->data);
	memset(d, 0, sizeof *d);
}

/* ---- a household as JSON ------------------------------------------------ */

/* Adds "key":value where value is a JSON object text (answers) or {}. The
 * answers were checked as JSON when loaded or built with json_set. */
static void add_object(gn_strbuf *b, const char *key, const char *json)
{
	gn_sb_printf(b, ",\"%s\":", key);
	gn_sb_add(b, json && *json ? json : "{}");
}

static void add_household(gn_strbuf *b, const gn_household *hh);

/* The household, and what it was opened from (with its revisions: a
 * draft resumed later is saved only over that version). */
gn_status gn_household_to_json(const gn_household *hh, char **out, gn_err *err)
{
	gn_strbuf b = { 0 };
	add_household(&b, hh);
	if (hh->opened && b.len && !b.failed) {
		b.s[--b.len] = '\0'; /* the closing brace */
		gn_sb_add(&b, ",\"opened\":");
		add_household(&b, hh->opened);
		gn_sb_add(&b, "}");
	}
	*out = gn_sb_take(&b);
	return *out ? GN_OK : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
}

static void add_household(gn_strbuf *bp, const gn_household *hh)
{
	gn_strbuf b = *bp;
	gn_sb_add(&b, "{\"id\":");
	gn_sb_json_str(&b, hh->id);
	gn_sb_add(&b, ",\"tdp_id\":");
	gn_sb_json_str(&b, hh->tdp_id);
	gn_sb_printf(&b, ",\"walk_order\":%.17g", hh->walk_order);
	gn_sb_add(&b, ",\"house_no\":");
	gn_sb_json_str(&b, hh->house_no);
	gn_sb_add(&b, ",\"alley\":");
	gn_sb_json_str(&b, hh->alley);
	gn_sb_add(&b, ",\"street\":");
	gn_sb_json_str(&b, hh->street);
	gn_sb_add(&b, ",\"visit_status\":");
	gn_sb_json_str(&b, hh->visit_status);
	gn_sb_add(&b, ",\"visit_date\":");
	gn_sb_json_str(&b, hh->visit_date);
	gn_sb_add(&b, ",\"visited_by\":");
	gn_sb_json_str(&b, hh->visited_by);
	gn_sb_add(&b, ",\"entered_by\":");
	gn_sb_json_str(&b, hh->entered_by);
	gn_sb_printf(&b, ",\"rev\":%ld", hh->rev);
	add_object(&b, "answers", hh->answers);
	gn_sb_add(&b, ",\"members\":[");
	for (size_t i = 0; i < hh->n_members; i++) {
		const gn_person *p = &hh->members[i];
		gn_sb_add(&b, i ? ",{\"id\":" : "{\"id\":");
		gn_sb_json_str(&b, p->id);
		gn_sb_add(&b, ",\"full_name\":");
		gn_sb_json_str(&b, p->full_name);
		gn_sb_printf(&b, ",\"birth_year\":%d", p->birth_year);
		gn_sb_add(&b, ",\"sex\":");
		gn_sb_json_str(&b, p->sex);
		gn_sb_add(&b, ",\"relation\":");
		gn_sb_json_str(&b, p->relation);
		gn_sb_add(&b, ",\"cccd\":");
		gn_sb_json_str(&b, p->cccd);
		gn_sb_printf(&b, ",\"rev\":%ld", p->rev);
		add_object(&b, "answers", p->answers);
		gn_sb_add(&b, "}");
	}
	gn_sb_add(&b, "]}");
	*bp = b;
}

static gn_status dup_text(sqlite3_stmt *st, int col, char **field, gn_err *err)
{
	free(*field);
	*field = NULL;
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return GN_OK;
	*field = gn_db_col_dup(st, col);
	return *field ? GN_OK : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
}

gn_status gn_household_from_json(sqlite3 *db, const char *json, gn_household *out, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	memset(out, 0, sizeof *out);
	if (sqlite3_prepare_v2(db,
	                       "SELECT json_extract(?1, '$.id'), json_extract(?1, '$.tdp_id'), "
	                       "json_extract(?1, '$.walk_order'), json_extract(?1, '$.house_no'), "
	                       "json_extract(?1, '$.alley'), json_extract(?1, '$.street'), "
	                       "json_extract(?1, '$.visit_status'), json_extract(?1, '$.visit_date'), "
	                       "json_extract(?1, '$.visited_by'), json_extract(?1, '$.entered_by'), "
	                       "json_extract(?1, '$.rev'), json(coalesce(json_extract(?1, '$.answers'), '{}'))",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(db, err, "draft");
		goto out;
	}
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = gn_fail(err, GN_ERR_INVALID, _("the draft is damaged and cannot be read"));
		goto out;
	}
	gn_db_col_copy(st, 0, out->id, sizeof out->id);
	gn_db_col_copy(st, 1, out->tdp_id, sizeof out->tdp_id);
	out->walk_order = sqlite3_column_double(st, 2);
	gn_db_col_copy(st, 6, out->visit_status, sizeof out->visit_status);
	out->rev = sqlite3_column_int64(st, 10);
	if ((rc = dup_text(st, 3, &out->house_no, err)) || (rc = dup_text(st, 4, &out->alley, err)) ||
	    (rc = dup_text(st, 5, &out->street, err)) || (rc = dup_text(st, 7, &out->visit_date, err)) ||
	    (rc = dup_text(st, 8, &out->visited_by, err)) || (rc = dup_text(st, 9, &out->entered_by, err)) ||
	    (rc = dup_text(st, 11, &out->answers, err)))
		goto out;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db,
	                       "SELECT json_extract(value, '$.id'), json_extract(value, '$.full_name'), "
	                       "json_extract(value, '$.birth_year'), json_extract(value, '$.sex'), "
	                       "json_extract(value, '$.relation'), json_extract(value, '$.cccd'), "
	                       "json_extract(value, '$.rev'), json(coalesce(json_extract(value, '$.answers'), '{}')) "
	                       "FROM json_each(?1, '$.members') ORDER BY key", -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(db, err, "draft");
		goto out;
	}
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		gn_person *p = gn_household_add_member(out);
		if (!p) {
			rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			goto out;
		}
		gn_db_col_copy(st, 0, p->id, sizeof p->id);
		p->birth_year = sqlite3_column_int(st, 2);
		gn_db_col_copy(st, 3, p->sex, sizeof p->sex);
		gn_db_col_copy(st, 4, p->relation, sizeof p->relation);
		p->rev = sqlite3_column_int64(st, 6);
		if ((rc = dup_text(st, 1, &p->full_name, err)) || (rc = dup_text(st, 5, &p->cccd, err)) ||
		    (rc = dup_text(st, 7, &p->answers, err)))
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = gn_fail(err, GN_ERR_INVALID, _("the draft is damaged and cannot be read"));
	sqlite3_finalize(st);
	st = NULL;
	/* what the draft was started from (drafts of older gonhas have none) */
	if (rc == GN_OK && sqlite3_prepare_v2(db, "SELECT json_extract(?1, '$.opened')", -1, &st, NULL) != SQLITE_OK)
		rc = gn_db_fail(db, err, "draft");
	if (rc == GN_OK) {
		sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT) {
			char *opened = gn_db_col_dup(st, 0);
			if (!opened || !(out->opened = calloc(1, sizeof *out->opened)))
				rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			else if ((rc = gn_household_from_json(db, opened, out->opened, err)) != GN_OK) {
				free(out->opened);
				out->opened = NULL;
			} else if (out->opened->opened) { /* one level only */
				gn_household_free(out->opened->opened);
				free(out->opened->opened);
				out->opened->opened = NULL;
			}
			free(opened);
		}
	}
out:
	sqlite3_finalize(st);
	if (rc != GN_OK)
		gn_household_free(out);
	return rc;
}

gn_status gn_household_save_clearing_draft(gn_ctx *ctx, gn_household *hh, const char *draft_id,
                                           gn_err *err)
{
	if (!draft_id || !*draft_id)
		return gn_household_save(ctx, hh, err);
	/* The draft goes in the save's own transaction: temporary triggers on
	 * this connection delete it when the household row is written, so a
	 * failed save (rolled back) keeps it, and a crash can never leave both
	 * a saved household and its draft. */
	char *sql = sqlite3_mprintf(
		"CREATE TEMP TRIGGER gn_draft_clear_insert AFTER INSERT ON main.household BEGIN "
		"DELETE FROM draft WHERE user_login = %Q AND kind = %Q AND record_id = %Q; END;"
		"CREATE TEMP TRIGGER gn_draft_clear_update AFTER UPDATE ON main.household BEGIN "
		"DELETE FROM draft WHERE user_login = %Q AND kind = %Q AND record_id = %Q; END;",
		ctx->user.login, GN_DRAFT_HOUSEHOLD, draft_id, ctx->user.login, GN_DRAFT_HOUSEHOLD, draft_id);
	if (!sql)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	gn_status rc = gn_db_exec(ctx->db, sql, err);
	sqlite3_free(sql);
	if (rc == GN_OK)
		rc = gn_household_save(ctx, hh, err);
	gn_db_exec(ctx->db, "DROP TRIGGER IF EXISTS temp.gn_draft_clear_insert;"
	           "DROP TRIGGER IF EXISTS temp.gn_draft_clear_update;", NULL);
	return rc;
}
