#include "gonha/domain/ward.h"
#include "gonha/domain/wardkey.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"
#include "gonha/text/text.h"

#include <sodium.h>
#include <unicase.h>
#include <uninorm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gn_status insert_tdp(sqlite3 *db, const char *code, const char *name, int order,
                            const char *by, gn_tdp *out, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	char id[37], now[32], *clean = NULL, *key = NULL;

	if ((rc = gn_text_clean(name, strlen(name), 0, &clean, err)) != GN_OK)
		return rc;
	if (!*clean) {
		rc = gn_fail_field(err, GN_ERR_INVALID, "name", _("the TDP needs a name"));
		goto out;
	}
	if ((rc = gn_text_fold(clean, &key)) != GN_OK)
		goto out;
	gn_uuid_new(id);
	gn_now_iso(now);
	if (sqlite3_prepare_v2(db, "INSERT INTO tdp(id, code, name, name_key, sort_order, created_at, "
	                       "created_by, updated_at, updated_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?6,?7)",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(db, err, "tdp");
		goto out;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, clean, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, key, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, order);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, by, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if ((sqlite3_extended_errcode(db) & 0xff) == SQLITE_CONSTRAINT)
			rc = gn_fail_field(err, GN_ERR_CONFLICT, "code", _("there is already a TDP with code %s"), code);
		else
			rc = gn_db_fail(db, err, "tdp");
		goto out;
	}
	if (out) {
		memset(out, 0, sizeof *out);
		snprintf(out->id, sizeof out->id, "%s", id);
		snprintf(out->code, sizeof out->code, "%s", code);
		snprintf(out->name, sizeof out->name, "%s", clean);
		out->sort_order = order;
	}
out:
	sqlite3_finalize(st);
	free(clean);
	free(key);
	return rc;
}

gn_status gn_ward_init(sqlite3 *db, const char *ward_name, int n_tdps,
                       const char *admin_login, const char *admin_password, char *recovery_code, gn_err *err)
{
	char *clean = NULL, now[32];
	gn_status st;

	if (n_tdps < 1 || n_tdps > 999)
		return gn_fail_field(err, GN_ERR_INVALID, "tdps", _("the number of TDPs must be between 1 and 999"));
	if ((st = gn_text_clean(ward_name, strlen(ward_name), 0, &clean, err)) != GN_OK)
		return st;
	if (!*clean) {
		free(clean);
		return gn_fail_field(err, GN_ERR_INVALID, "ward", _("the ward needs a name"));
	}
	if ((st = gn_db_begin(db, err)) != GN_OK)
		goto out;
	gn_now_iso(now);
	st = gn_db_meta_set(db, "app", "gonha", err);
	if (st == GN_OK)
		st = gn_db_meta_set(db, "ward_name", clean, err);
	if (st == GN_OK)
		st = gn_db_meta_set(db, "created_at", now, err);
	if (st == GN_OK) {
		/* Who this ward is, so a restore can tell its own backups from a
		 * database copied from another ward. */
		char ward_id[37];
		gn_uuid_new(ward_id);
		st = gn_db_meta_set(db, "ward_id", ward_id, err);
	}
	for (int i = 1; i <= n_tdps && st == GN_OK; i++) {
		char code[16], name[64];
		snprintf(code, sizeof code, "%02d", i);
		snprintf(name, sizeof name, _("TDP %d"), i);
		st = insert_tdp(db, code, name, i, admin_login, NULL, err);
	}
	/* a new ward encrypts citizen IDs from the start: the key first, so
	 * that the officer's account is given it */
	char code[GN_RECOVERY_CODE_SIZE];
	if (st == GN_OK)
		st = gn_wardkey_create(db, admin_login, code, err);
	if (st == GN_OK)
		st = gn_user_create(db, admin_login, _("Ward officer"), GN_ROLE_WARD_OFFICER,
		                    admin_password, NULL, NULL, admin_login, err);
	if (st == GN_OK && recovery_code)
		snprintf(recovery_code, GN_RECOVERY_CODE_SIZE, "%s", code);
	sodium_memzero(code, sizeof code);
	if (st == GN_OK)
		st = gn_db_commit(db, err);
	else
		gn_db_rollback(db);
out:
	free(clean);
	return st;
}

gn_status gn_tdp_create(gn_ctx *ctx, const char *code, const char *name, gn_tdp *out, gn_err *err)
{
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	if (!code || !*code || strlen(code) > 15 || strspn(code, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_") != strlen(code))
		return gn_fail_field(err, GN_ERR_INVALID, "code", _("a TDP code is 1 to 15 letters, digits, - or _"));
	if ((st = gn_db_begin(ctx->db, err)) != GN_OK)
		return st;
	int order = 1;
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(ctx->db, "SELECT coalesce(max(sort_order), 0) + 1 FROM tdp", -1, &q, NULL) == SQLITE_OK
	    && sqlite3_step(q) == SQLITE_ROW)
		order = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	gn_tdp made;
	st = insert_tdp(ctx->db, code, name, order, ctx->user.login, &made, err);
	if (st == GN_OK) {
		gn_strbuf b = { 0 };
		gn_sb_add(&b, "{\"code\":[null,");
		gn_sb_json_str(&b, made.code);
		gn_sb_add(&b, "],\"name\":[null,");
		gn_sb_json_str(&b, made.name);
		gn_sb_add(&b, "]}");
		char *changes = gn_sb_take(&b);
		st = changes ? gn_audit(ctx, "create", "tdp", made.id, made.id, changes, err)
		             : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		free(changes);
	}
	if (st == GN_OK && out)
		*out = made;
	if (st == GN_OK)
		return gn_db_commit(ctx->db, err);
	gn_db_rollback(ctx->db);
	return st;
}

gn_status gn_tdp_rename(gn_ctx *ctx, const char *code_or_id, const char *name, gn_err *err)
{
	gn_tdp t;
	char *clean = NULL, *key = NULL, *changes = NULL, now[32];
	sqlite3_stmt *up = NULL;
	gn_strbuf b = { 0 };
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	if ((st = gn_tdp_find(ctx, code_or_id, &t, err)) != GN_OK)
		return st;
	if ((st = gn_text_clean(name ? name : "", strlen(name ? name : ""), 0, &clean, err)) != GN_OK)
		return st;
	if (!*clean || strlen(clean) >= sizeof t.name) {
		st = gn_fail_field(err, GN_ERR_INVALID, "name", *clean ? _("the TDP name is too long")
		                                                       : _("the TDP needs a name"));
		goto out;
	}
	if (strcmp(clean, t.name) == 0)
		goto out;
	if ((st = gn_text_fold(clean, &key)) != GN_OK)
		goto out;
	gn_sb_add(&b, "{\"name\":[");
	gn_sb_json_str(&b, t.name);
	gn_sb_add(&b, ",");
	gn_sb_json_str(&b, clean);
	gn_sb_add(&b, "]}");
	if (!(changes = gn_sb_take(&b))) {
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	gn_now_iso(now);
	if ((st = gn_db_begin(ctx->db, err)) != GN_OK)
		goto out;
	if (sqlite3_prepare_v2(ctx->db, "UPDATE tdp SET name = ?2, name_key = ?3, rev = rev + 1, updated_at = ?4, "
	                       "updated_by = ?5 WHERE id = ?1", -1, &up, NULL) != SQLITE_OK) {
		st = gn_db_fail(ctx->db, err, "tdp");
	} else {
		sqlite3_bind_text(up, 1, t.id, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 2, clean, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 3, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 4, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 5, ctx->user.login, -1, SQLITE_STATIC);
		if (sqlite3_step(up) != SQLITE_DONE)
			st = gn_db_fail(ctx->db, err, "tdp");
	}
	if (st == GN_OK)
		st = gn_audit(ctx, "update", "tdp", t.id, t.id, changes, err);
	if (st == GN_OK)
		st = gn_db_commit(ctx->db, err);
	else
		gn_db_rollback(ctx->db);
out:
	sqlite3_finalize(up);
	gn_sb_free(&b);
	free(changes);
	free(clean);
	free(key);
	return st;
}

static void row_to_tdp(sqlite3_stmt *st, gn_tdp *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->id, sizeof t->id, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(t->code, sizeof t->code, "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(t->name, sizeof t->name, "%s", (const char *)sqlite3_column_text(st, 2));
	t->sort_order = sqlite3_column_int(st, 3);
}

gn_status gn_tdp_list(gn_ctx *ctx, gn_tdp **out, size_t *n, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	gn_tdp *list = NULL;
	size_t len = 0, cap = 0;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(ctx->db,
	                       "SELECT id, code, name, sort_order FROM tdp "
	                       "WHERE ?1 OR id IN (SELECT tdp_id FROM user_tdp WHERE user_id = ?2) "
	                       "ORDER BY sort_order, code", -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "tdp");
		goto out;
	}
	sqlite3_bind_int(st, 1, gn_scope_all(ctx));
	sqlite3_bind_text(st, 2, ctx->user.id, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			gn_tdp *bigger = realloc(list, ncap * sizeof *list);
			if (!bigger) {
				rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
				goto out;
			}
			list = bigger;
			cap = ncap;
		}
		row_to_tdp(st, &list[len++]);
	}
	if (step != SQLITE_DONE) {
		rc = gn_db_fail(ctx->db, err, "tdp");
		goto out;
	}
	*out = list;
	*n = len;
	list = NULL;
out:
	sqlite3_finalize(st);
	free(list);
	return rc;
}

gn_status gn_tdp_find(gn_ctx *ctx, const char *code_or_id, gn_tdp *out, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(ctx->db, "SELECT id, code, name, sort_order FROM tdp WHERE code = ?1 OR id = ?1",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "tdp");
		goto out;
	}
	sqlite3_bind_text(st, 1, code_or_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = gn_fail_field(err, GN_ERR_NOT_FOUND, "tdp", _("there is no TDP %s"), code_or_id);
		goto out;
	}
	if (step != SQLITE_ROW) {
		rc = gn_db_fail(ctx->db, err, "tdp");
		goto out;
	}
	row_to_tdp(st, out);
	rc = gn_scope_require_tdp(ctx, out->id, err);
out:
	sqlite3_finalize(st);
	return rc;
}

char *gn_ward_name(sqlite3 *db)
{
	return gn_db_meta_get(db, "ward_name");
}

/* ---- the report's document settings ------------------------------------- */

static const char *const doc_keys[GN_DOC_KEYS] = { "parent", "issuer", "number", "place", "signer_title", "signer",
                                                   "recipients" };

const char *gn_doc_key_name(gn_doc_key k)
{
	return k < GN_DOC_KEYS ? doc_keys[k] : "";
}

static char *doc_meta_key(gn_doc_key k, char buf[48])
{
	snprintf(buf, 48, "report_%s", gn_doc_key_name(k));
	return buf;
}

/* The ward's name in capitals ("PHƯỜNG VẠN XUÂN"), malloc'd. */
static char *upper(const char *s)
{
	size_t n = 0;
	uint8_t *u = u8_toupper((const uint8_t *)s, strlen(s), NULL, UNINORM_NFC, NULL, &n);
	char *out = u ? malloc(n + 1) : NULL;
	if (out) {
		memcpy(out, u, n);
		out[n] = '\0';
	}
	free(u);
	return out;
}

/* The defaults are the document's own Vietnamese (as a ward writes it),
 * not interface text. */
static char *doc_default(sqlite3 *db, gn_doc_key k)
{
	char *ward = gn_ward_name(db), *out = NULL;
	const char *name = ward ? ward : "";
	switch (k) {
	case GN_DOC_PARENT: {
		char *up = upper(name);
		gn_strbuf b = { 0 };
		if (up)
			gn_sb_printf(&b, "UBND %s", up);
		out = up ? gn_sb_take(&b) : NULL;
		free(up);
		break;
	}
	case GN_DOC_ISSUER: out = strdup("PHÒNG VĂN HÓA - XÃ HỘI"); break;
	case GN_DOC_NUMBER: out = strdup("     /BC-VHXH"); break;
	case GN_DOC_PLACE: {
		/* "Phường Vạn Xuân" is dated "Vạn Xuân, ngày ..." */
		static const char *const kinds[] = { "Phường ", "Xã ", "Thị trấn ", "Đặc khu " };
		const char *place = name;
		for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
			if (strncmp(place, kinds[i], strlen(kinds[i])) == 0)
				place += strlen(kinds[i]);
		out = strdup(place);
		break;
	}
	case GN_DOC_SIGNER_TITLE: out = strdup("TRƯỞNG PHÒNG"); break;
	case GN_DOC_SIGNER: out = strdup(""); break;
	case GN_DOC_RECIPIENTS: out = strdup("UBND phường;Sở Khoa học và Công nghệ;Lưu: VT"); break;
	case GN_DOC_KEYS: out = strdup(""); break;
	}
	free(ward);
	return out;
}

char *gn_doc_setting(sqlite3 *db, gn_doc_key k)
{
	char key[48];
	char *kept = gn_db_meta_get(db, doc_meta_key(k, key));
	if (kept && *kept)
		return kept;
	free(kept);
	return doc_default(db, k);
}

gn_status gn_doc_setting_set(gn_ctx *ctx, gn_doc_key k, const char *value, gn_err *err)
{
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	if (k >= GN_DOC_KEYS)
		return gn_fail(err, GN_ERR_INVALID, _("there is no such setting"));
	char key[48], *clean = NULL, *before = NULL, *changes = NULL;
	doc_meta_key(k, key);
	if ((st = gn_text_clean(value ? value : "", strlen(value ? value : ""), 0, &clean, err)) != GN_OK)
		return st;
	if (strlen(clean) > 300) {
		st = gn_fail_field(err, GN_ERR_INVALID, key, _("--report-%s takes at most 300 bytes of text"),
		                   gn_doc_key_name(k));
		goto out;
	}
	before = gn_db_meta_get(ctx->db, key);
	if (strcmp(before ? before : "", clean) == 0)
		goto out;
	gn_strbuf b = { 0 };
	gn_sb_printf(&b, "{\"%s\":[", key);
	gn_sb_json_str(&b, before ? before : "");
	gn_sb_add(&b, ",");
	gn_sb_json_str(&b, clean);
	gn_sb_add(&b, "]}");
	changes = gn_sb_take(&b);
	if (!changes) {
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	if ((st = gn_db_begin(ctx->db, err)) != GN_OK)
		goto out;
	st = gn_db_meta_set(ctx->db, key, clean, err);
	if (st == GN_OK)
		st = gn_audit(ctx, "update", "meta", key, NULL, changes, err);
	if (st == GN_OK)
		st = gn_db_commit(ctx->db, err);
	else
		gn_db_rollback(ctx->db);
out:
	free(clean);
	free(before);
	free(changes);
	return st;
}
