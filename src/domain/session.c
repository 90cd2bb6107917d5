#include "gonha/session.h"
#include "gonha/db.h"
#include "gonha/i18n.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

const char *gn_role_name(gn_role role)
{
	switch (role) {
	case GN_ROLE_WARD_OFFICER: return "ward_officer";
	case GN_ROLE_TDP_LEADER: return "tdp_leader";
	case GN_ROLE_TECH_TEAM: return "tech_team";
	}
	return "tech_team";
}

bool gn_role_from_name(const char *name, gn_role *out)
{
	static const gn_role roles[] = { GN_ROLE_WARD_OFFICER, GN_ROLE_TDP_LEADER, GN_ROLE_TECH_TEAM };
	for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
		if (name && strcmp(name, gn_role_name(roles[i])) == 0) {
			*out = roles[i];
			return true;
		}
	return false;
}

const char *gn_role_label(gn_role role)
{
	switch (role) {
	case GN_ROLE_WARD_OFFICER: return _("ward officer");
	case GN_ROLE_TDP_LEADER: return _("TDP leader");
	case GN_ROLE_TECH_TEAM: return _("tech team");
	}
	return "";
}

gn_status gn_password_hash(const char *password, char out[128], gn_err *err)
{
	if (sodium_init() < 0)
		return gn_fail(err, GN_ERR_NOMEM, _("cannot start the password library"));
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory while hashing the password"));
	return GN_OK;
}

gn_status gn_user_create(sqlite3 *db, const char *login, const char *display_name,
                         gn_role role, const char *password, const char *pwhash,
                         const char *const *tdp_codes, const char *by, gn_err *err)
{
	char hash[128], id[37], now[32];
	sqlite3_stmt *ins = NULL, *assign = NULL;
	gn_status st = GN_OK;

	if (!pwhash) {
		if ((st = gn_password_hash(password, hash, err)) != GN_OK)
			return st;
		pwhash = hash;
	}
	gn_uuid_new(id);
	gn_now_iso(now);
	if (sqlite3_prepare_v2(db, "INSERT INTO users(id, login, display_name, role, pwhash, "
	                       "created_at, created_by, updated_at, updated_by) "
	                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7)", -1, &ins, NULL) != SQLITE_OK) {
		st = gn_db_fail(db, err, "users");
		goto out;
	}
	sqlite3_bind_text(ins, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, login, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, display_name ? display_name : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 4, gn_role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 5, pwhash, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 7, by, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		if ((sqlite3_extended_errcode(db) & 0xff) == SQLITE_CONSTRAINT)
			st = gn_fail_field(err, GN_ERR_CONFLICT, "login", _("the user name %s is already taken"), login);
		else
			st = gn_db_fail(db, err, "users");
		goto out;
	}
	if (role == GN_ROLE_WARD_OFFICER || !tdp_codes)
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT INTO user_tdp(user_id, tdp_id) SELECT ?1, id FROM tdp WHERE code = ?2",
	                       -1, &assign, NULL) != SQLITE_OK) {
		st = gn_db_fail(db, err, "user_tdp");
		goto out;
	}
	for (const char *const *code = tdp_codes; *code; code++) {
		sqlite3_bind_text(assign, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(assign, 2, *code, -1, SQLITE_STATIC);
		if (sqlite3_step(assign) != SQLITE_DONE) {
			st = gn_db_fail(db, err, "user_tdp");
			goto out;
		}
		if (sqlite3_changes(db) == 0) {
			st = gn_fail_field(err, GN_ERR_NOT_FOUND, "tdp", _("there is no TDP with code %s"), *code);
			goto out;
		}
		sqlite3_reset(assign);
	}
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(assign);
	return st;
}

gn_status gn_sign_in(gn_ctx *ctx, const char *login, const char *password, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (sodium_init() < 0)
		return gn_fail(err, GN_ERR_NOMEM, _("cannot start the password library"));
	if (sqlite3_prepare_v2(ctx->db, "SELECT id, login, display_name, role, pwhash, disabled "
	                       "FROM users WHERE login = ?1", -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "users");
		goto out;
	}
	sqlite3_bind_text(st, 1, login ? login : "", -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		rc = step == SQLITE_DONE
			? gn_fail(err, GN_ERR_DENIED, _("wrong user name or password"))
			: gn_db_fail(ctx->db, err, "users");
		goto out;
	}
	const char *hash = (const char *)sqlite3_column_text(st, 4);
	if (!password || crypto_pwhash_str_verify(hash, password, strlen(password)) != 0) {
		rc = gn_fail(err, GN_ERR_DENIED, _("wrong user name or password"));
		goto out;
	}
	if (sqlite3_column_int(st, 5)) {
		rc = gn_fail(err, GN_ERR_DENIED, _("the account %s is disabled; ask the ward officer"), login);
		goto out;
	}
	gn_user *u = &ctx->user;
	memset(u, 0, sizeof *u);
	snprintf(u->id, sizeof u->id, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(u->login, sizeof u->login, "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(u->display_name, sizeof u->display_name, "%s", (const char *)sqlite3_column_text(st, 2));
	gn_role_from_name((const char *)sqlite3_column_text(st, 3), &u->role);
out:
	sqlite3_finalize(st);
	return rc;
}

bool gn_scope_all(const gn_ctx *ctx)
{
	return ctx->user.role == GN_ROLE_WARD_OFFICER;
}

gn_status gn_scope_require_officer(const gn_ctx *ctx, gn_err *err)
{
	if (gn_scope_all(ctx))
		return GN_OK;
	return gn_fail(err, GN_ERR_DENIED, _("only a ward officer may do this"));
}

gn_status gn_scope_require_tdp(gn_ctx *ctx, const char *tdp_id, gn_err *err)
{
	if (gn_scope_all(ctx))
		return GN_OK;
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(ctx->db, "SELECT 1 FROM user_tdp WHERE user_id = ?1 AND tdp_id = ?2",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "user_tdp");
		goto out;
	}
	sqlite3_bind_text(st, 1, ctx->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, tdp_id ? tdp_id : "", -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_DONE)
		rc = gn_fail(err, GN_ERR_DENIED, _("this TDP is not yours; ask the ward officer"));
	else if (step != SQLITE_ROW)
		rc = gn_db_fail(ctx->db, err, "user_tdp");
out:
	sqlite3_finalize(st);
	return rc;
}

gn_status gn_audit(gn_ctx *ctx, const char *action, const char *table_name,
                   const char *record_id, const char *tdp_id, const char *changes,
                   gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	char now[32];
	gn_now_iso(now);
	if (sqlite3_prepare_v2(ctx->db, "INSERT INTO audit_log(at, user_login, action, table_name, "
	                       "record_id, tdp_id, changes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, '{}'))",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "audit_log");
		goto out;
	}
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->user.login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, table_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, record_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, tdp_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, changes, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "audit_log");
out:
	sqlite3_finalize(st);
	return rc;
}
