/* Accounts: listing, adding, assigning TDPs, disabling, passwords, the idle
 * lock setting and signing out. Each change and its audit record share one
 * transaction. Passwords are hashed before the transaction starts, so the
 * (deliberately slow) Argon2id never holds the write lock. */
#include "gonha/domain/users.h"
#include "gonha/domain/wardkey.h"
#include "gonha/storage/vault.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"
#include "gonha/text/text.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char **gn_tdp_codes_split(const char *list)
{
	size_t items = 1, len = list ? strlen(list) : 0;
	for (size_t i = 0; i < len; i++)
		items += list[i] == ',';
	/* One block: the pointer array, then a copy of the text. */
	char **out = malloc((items + 1) * sizeof *out + len + 1);
	if (!out)
		return NULL;
	char *text = (char *)(out + items + 1);
	memcpy(text, list ? list : "", len + 1);
	size_t n = 0;
	for (char *save = NULL, *tok = strtok_r(text, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
		out[n++] = tok;
	out[n] = NULL;
	return out;
}

/* The user's TDP codes, comma separated in ward order (malloc'd, "" if none). */
static char *tdp_codes_of(sqlite3 *db, const char *user_id)
{
	sqlite3_stmt *st = NULL;
	char *out = NULL;
	if (sqlite3_prepare_v2(db, "SELECT coalesce(group_concat(code, ','), '') FROM ("
	                       " SELECT t.code FROM user_tdp ut JOIN tdp t ON t.id = ut.tdp_id"
	                       " WHERE ut.user_id = ?1 ORDER BY t.sort_order, t.code)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			out = strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return out;
}

#define USER_COLUMNS "id, login, display_name, role, disabled, failed_count, coalesce(last_failed_at, '')"

static void row_to_info(sqlite3 *db, sqlite3_stmt *st, gn_user_info *u)
{
	memset(u, 0, sizeof *u);
	snprintf(u->id, sizeof u->id, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(u->login, sizeof u->login, "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(u->display_name, sizeof u->display_name, "%s", (const char *)sqlite3_column_text(st, 2));
	gn_role_from_name((const char *)sqlite3_column_text(st, 3), &u->role);
	u->disabled = sqlite3_column_int(st, 4) != 0;
	u->failed_count = sqlite3_column_int(st, 5);
	snprintf(u->last_failed_at, sizeof u->last_failed_at, "%s", (const char *)sqlite3_column_text(st, 6));
	char *codes = tdp_codes_of(db, u->id);
	snprintf(u->tdp_codes, sizeof u->tdp_codes, "%s", codes ? codes : "");
	free(codes);
}

/* Reads one user by login; GN_ERR_NOT_FOUND with a message if none. */
static gn_status find_user(sqlite3 *db, const char *login, gn_user_info *out, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(db, "SELECT " USER_COLUMNS " FROM users WHERE login = ?1", -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "users");
	sqlite3_bind_text(st, 1, login ? login : "", -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		row_to_info(db, st, out);
	else if (step == SQLITE_DONE)
		rc = gn_fail_field(err, GN_ERR_NOT_FOUND, "login", _("there is no user %s"), login ? login : "");
	else
		rc = gn_db_fail(db, err, "users");
	sqlite3_finalize(st);
	return rc;
}

gn_status gn_user_list(gn_ctx *ctx, gn_user_info **out, size_t *n, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc;
	gn_user_info *list = NULL;
	size_t len = 0, cap = 0;

	*out = NULL;
	*n = 0;
	if ((rc = gn_scope_require_officer(ctx, err)) != GN_OK)
		return rc;
	if (sqlite3_prepare_v2(ctx->db, "SELECT " USER_COLUMNS " FROM users ORDER BY login", -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "users");
		goto out;
	}
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			gn_user_info *bigger = realloc(list, ncap * sizeof *list);
			if (!bigger) {
				rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
				goto out;
			}
			list = bigger;
			cap = ncap;
		}
		row_to_info(ctx->db, st, &list[len++]);
	}
	if (step != SQLITE_DONE) {
		rc = gn_db_fail(ctx->db, err, "users");
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

gn_status gn_user_get(gn_ctx *ctx, const char *login, gn_user_info *out, gn_err *err)
{
	if (!login || strcmp(login, ctx->user.login) != 0) {
		gn_status rc = gn_scope_require_officer(ctx, err);
		if (rc != GN_OK)
			return rc;
	}
	return find_user(ctx->db, login, out, err);
}

/* Marks the users row as changed by the signed-in user. */
static gn_status touch_user(gn_ctx *ctx, const char *user_id, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	char now[32];
	gn_now_iso(now);
	if (sqlite3_prepare_v2(ctx->db, "UPDATE users SET updated_at = ?2, updated_by = ?3 WHERE id = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "users");
	sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ctx->user.login, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "users");
	sqlite3_finalize(st);
	return rc;
}

/* Adds `"field":[old,new],` pairs to a JSON object under construction. */
static void json_pair(gn_strbuf *b, const char *field, const char *old_value, const char *new_value)
{
	gn_sb_add(b, b->len > 1 ? "," : "");
	gn_sb_json_str(b, field);
	gn_sb_add(b, ":[");
	gn_sb_json_str(b, old_value);
	gn_sb_add(b, ",");
	gn_sb_json_str(b, new_value);
	gn_sb_add(b, "]");
}

static gn_status audit_json(gn_ctx *ctx, const char *action, const char *user_id, gn_strbuf *b, gn_err *err)
{
	gn_sb_add(b, "}");
	char *changes = gn_sb_take(b);
	if (!changes)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	gn_status st = gn_audit(ctx, action, "users", user_id, NULL, changes, err);
	free(changes);
	return st;
}

static size_t count_codes(const char *const *codes)
{
	size_t n = 0;
	while (codes && codes[n])
		n++;
	return n;
}

gn_status gn_user_add(gn_ctx *ctx, const char *login, const char *display_name, gn_role role,
                      const char *password, const char *const *tdp_codes, gn_err *err)
{
	char hash[128], *name = NULL;
	gn_status st;
	gn_user_info made;
	gn_strbuf b = { 0 };

	if ((st = gn_scope_require_officer(ctx, err)) != GN_OK)
		return st;
	if ((st = gn_login_validate(login, err)) != GN_OK)
		return st;
	if (role != GN_ROLE_WARD_OFFICER && count_codes(tdp_codes) == 0)
		return gn_fail_field(err, GN_ERR_INVALID, "tdp",
		                     _("a TDP leader or tech-team member needs at least one TDP"));
	if ((st = gn_text_clean(display_name ? display_name : "", strlen(display_name ? display_name : ""), 0,
	                        &name, err)) != GN_OK)
		return st;
	if (strlen(name) > 127) {
		st = gn_fail_field(err, GN_ERR_INVALID, "display_name", _("the full name is too long"));
		goto out;
	}
	if ((st = gn_password_hash(password, hash, err)) != GN_OK)
		goto out;
	if ((st = gn_db_begin(ctx->db, err)) != GN_OK)
		goto out;
	st = gn_user_create(ctx->db, login, name, role, NULL, hash,
	                    role == GN_ROLE_WARD_OFFICER ? NULL : tdp_codes, ctx->user.login, err);
	if (st == GN_OK)
		st = find_user(ctx->db, login, &made, err);
	if (st == GN_OK)
		st = gn_wardkey_grant(ctx->db, login, password, err); /* the officer's key, to the new account */
	if (st == GN_OK) {
		gn_sb_add(&b, "{");
		json_pair(&b, "login", NULL, made.login);
		json_pair(&b, "display_name", NULL, made.display_name);
		json_pair(&b, "role", NULL, gn_role_name(made.role));
		json_pair(&b, "tdps", NULL, made.tdp_codes);
		json_pair(&b, "password", NULL, "set");
		st = audit_json(ctx, "create", made.id, &b, err);
	}
	if (st == GN_OK)
		st = gn_db_commit(ctx->db, err);
	else
		gn_db_rollback(ctx->db);
out:
	sodium_memzero(hash, sizeof hash);
	gn_sb_free(&b);
	free(name);
	return st;
}

static gn_status insert_codes(sqlite3 *db, const char *user_id, const char *const *codes, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO user_tdp(user_id, tdp_id) SELECT ?1, id FROM tdp WHERE code = ?2",
	                       -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "user_tdp");
	for (; *codes; codes++) {
		sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, *codes, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = gn_db_fail(db, err, "user_tdp");
			break;
		}
		sqlite3_reset(st);
		/* 0 changes: no such code (a repeated code is ignored above but
		 * then exists, so look before complaining). */
		if (sqlite3_changes(db) == 0) {
			sqlite3_stmt *q = NULL;
			int exists = 0;
			if (sqlite3_prepare_v2(db, "SELECT 1 FROM tdp WHERE code = ?1", -1, &q, NULL) == SQLITE_OK) {
				sqlite3_bind_text(q, 1, *codes, -1, SQLITE_STATIC);
				exists = sqlite3_step(q) == SQLITE_ROW;
			}
			sqlite3_finalize(q);
			if (!exists) {
				rc = gn_fail_field(err, GN_ERR_NOT_FOUND, "tdp", _("there is no TDP with code %s"), *codes);
				break;
			}
		}
	}
	sqlite3_finalize(st);
	return rc;
}

gn_status gn_user_assign(gn_ctx *ctx, const char *login, const char *const *tdp_codes, gn_err *err)
{
	gn_user_info u;
	gn_status st;
	char *after = NULL;
	gn_strbuf b = { 0 };

	if ((st = gn_scope_require_officer(ctx, err)) != GN_OK)
		return st;
	if ((st = gn_db_begin(ctx->db, err)) != GN_OK)
		return st;
	if ((st = find_user(ctx->db, login, &u, err)) != GN_OK)
		goto out;
	if (u.role == GN_ROLE_WARD_OFFICER) {
		st = gn_fail_field(err, GN_ERR_INVALID, "tdp", _("a ward officer already sees every TDP"));
		goto out;
	}
	if (count_codes(tdp_codes) == 0) {
		st = gn_fail_field(err, GN_ERR_INVALID, "tdp",
		                   _("a TDP leader or tech-team member needs at least one TDP"));
		goto out;
	}
	sqlite3_stmt *del = NULL;
	if (sqlite3_prepare_v2(ctx->db, "DELETE FROM user_tdp WHERE user_id = ?1", -1, &del, NULL) != SQLITE_OK) {
		st = gn_db_fail(ctx->db, err, "user_tdp");
		goto out;
	}
	sqlite3_bind_text(del, 1, u.id, -1, SQLITE_STATIC);
	if (sqlite3_step(del) != SQLITE_DONE)
		st = gn_db_fail(ctx->db, err, "user_tdp");
	sqlite3_finalize(del);
	if (st == GN_OK)
		st = insert_codes(ctx->db, u.id, tdp_codes, err);
	if (st == GN_OK && !(after = tdp_codes_of(ctx->db, u.id)))
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (st == GN_OK && strcmp(after, u.tdp_codes) != 0) {
		gn_sb_add(&b, "{");
		json_pair(&b, "tdps", u.tdp_codes, after);
		st = audit_json(ctx, "assign", u.id, &b, err);
		if (st == GN_OK)
			st = touch_user(ctx, u.id, err);
	}
out:
	if (st == GN_OK)
		st = gn_db_commit(ctx->db, err);
	else
		gn_db_rollback(ctx->db);
	gn_sb_free(&b);
	free(after);
	return st;
}

static long enabled_officers_other_than(sqlite3 *db, const char *user_id)
{
	sqlite3_stmt *st = NULL;
	long n = -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM users WHERE role = 'ward_officer' AND disabled = 0 "
	                       "AND id <> ?1", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return n;
}

gn_status gn_user_set_disabled(gn_ctx *ctx, const char *login, bool disabled, gn_err *err)
{
	gn_user_info u;
	gn_status st;
	gn_strbuf b = { 0 };
	sqlite3_stmt *up = NULL;

	if ((st = gn_scope_require_officer(ctx, err)) != GN_OK)
		return st;
	if ((st = gn_db_begin(ctx->db, err)) != GN_OK)
		return st;
	if ((st = find_user(ctx->db, login, &u, err)) != GN_OK)
		goto out;
	if (disabled && strcmp(u.id, ctx->user.id) == 0) {
		st = gn_fail_field(err, GN_ERR_INVALID, "login", _("you cannot disable your own account"));
		goto out;
	}
	if (disabled && u.role == GN_ROLE_WARD_OFFICER && enabled_officers_other_than(ctx->db, u.id) < 1) {
		st = gn_fail_field(err, GN_ERR_INVALID, "login",
		                   _("%s is the last ward officer who can sign in; add another one first"), login);
		goto out;
	}
	if (u.disabled == disabled)
		goto out; /* nothing to change, nothing to record */
	if (sqlite3_prepare_v2(ctx->db, "UPDATE users SET disabled = ?2, failed_count = CASE WHEN ?2 THEN "
	                       "failed_count ELSE 0 END, last_failed_at = CASE WHEN ?2 THEN last_failed_at END "
	                       "WHERE id = ?1", -1, &up, NULL) != SQLITE_OK) {
		st = gn_db_fail(ctx->db, err, "users");
		goto out;
	}
	sqlite3_bind_text(up, 1, u.id, -1, SQLITE_STATIC);
	sqlite3_bind_int(up, 2, disabled);
	if (sqlite3_step(up) != SQLITE_DONE) {
		st = gn_db_fail(ctx->db, err, "users");
		goto out;
	}
	gn_sb_add(&b, "{");
	json_pair(&b, "disabled", u.disabled ? "yes" : "no", disabled ? "yes" : "no");
	st = audit_json(ctx, disabled ? "disable" : "enable", u.id, &b, err);
	/* a disabled account keeps no key to citizen IDs; enabled again, it
	 * gets one from the next officer after its next sign-in */
	if (st == GN_OK && disabled)
		st = gn_wardkey_revoke(ctx->db, login, err);
	if (st == GN_OK)
		st = touch_user(ctx, u.id, err);
out:
	sqlite3_finalize(up);
	if (st == GN_OK)
		st = gn_db_commit(ctx->db, err);
	else
		gn_db_rollback(ctx->db);
	gn_sb_free(&b);
	return st;
}

/* A user's new hash, the count of failed tries cleared; enabled too when
 * enable (a recovery). */
static gn_status write_pwhash(sqlite3 *db, const char *user_id, const char *hash, bool enable, gn_err *err)
{
	sqlite3_stmt *up = NULL;
	gn_status st = GN_OK;
	if (sqlite3_prepare_v2(db, "UPDATE users SET pwhash = ?2, disabled = CASE WHEN ?3 THEN 0 ELSE disabled END, "
	                       "failed_count = 0, last_failed_at = NULL WHERE id = ?1", -1, &up, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "users");
	sqlite3_bind_text(up, 1, user_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(up, 3, enable);
	if (sqlite3_step(up) != SQLITE_DONE)
		st = gn_db_fail(db, err, "users");
	sqlite3_finalize(up);
	return st;
}

/* Stores a new hash for a user and records "password changed"; the
 * account's key to citizen IDs follows: wrapped again under the new
 * password when old_password is known (its own change), else a new key
 * pair given the key by this officer. */
static gn_status store_password(gn_ctx *ctx, const char *login, const char *new_password, const char *old_password,
                                gn_err *err)
{
	char hash[128];
	gn_user_info u;
	gn_strbuf b = { 0 };
	gn_status st = gn_password_hash(new_password, hash, err);
	if (st != GN_OK)
		return st;
	if ((st = gn_db_begin(ctx->db, err)) != GN_OK)
		goto wipe;
	if ((st = find_user(ctx->db, login, &u, err)) != GN_OK ||
	    (st = write_pwhash(ctx->db, u.id, hash, false, err)) != GN_OK)
		goto out;
	/* Never the hash, old or new: only that it changed. */
	gn_sb_add(&b, "{");
	json_pair(&b, "password", "", "changed");
	st = audit_json(ctx, "password", u.id, &b, err);
	if (st == GN_OK)
		st = old_password ? gn_wardkey_rewrap(ctx->db, login, old_password, new_password, err)
		                  : gn_wardkey_grant(ctx->db, login, new_password, err);
	if (st == GN_OK)
		st = touch_user(ctx, u.id, err);
out:
	if (st == GN_OK)
		st = gn_db_commit(ctx->db, err);
	else
		gn_db_rollback(ctx->db);
wipe:
	sodium_memzero(hash, sizeof hash);
	gn_sb_free(&b);
	return st;
}

gn_status gn_user_change_own_password(gn_ctx *ctx, const char *current_password,
                                      const char *new_password, gn_err *err)
{
	/* The new password is checked first: a typo there should not count as
	 * a failed sign-in. */
	gn_status st = gn_password_validate(new_password, err);
	if (st != GN_OK)
		return st;
	/* The current password goes through sign-in, with its delay and count. */
	gn_ctx check = { .db = ctx->db };
	if ((st = gn_sign_in(&check, ctx->user.login, current_password, err)) != GN_OK) {
		if (st == GN_ERR_DENIED && err && strcmp(err->msg, _("wrong user name or password")) == 0)
			gn_fail_field(err, GN_ERR_DENIED, "current_password", _("the current password is wrong"));
		return st;
	}
	if (strcmp(check.user.id, ctx->user.id) != 0)
		return gn_fail(err, GN_ERR_DENIED, _("the current password is wrong"));
	return store_password(ctx, ctx->user.login, new_password, current_password, err);
}

gn_status gn_user_recover(sqlite3 *db, const char *recovery_code, const char *login, const char *new_password,
                          gn_err *err)
{
	char hash[128];
	gn_user_info u;
	gn_strbuf b = { 0 };
	gn_status st = gn_password_hash(new_password, hash, err);
	if (st != GN_OK)
		return st;
	if ((st = gn_wardkey_recover(db, recovery_code, err)) != GN_OK)
		goto wipe;
	if ((st = gn_db_begin(db, err)) != GN_OK)
		goto wipe;
	if ((st = find_user(db, login, &u, err)) != GN_OK)
		goto out;
	if (u.role != GN_ROLE_WARD_OFFICER) {
		st = gn_fail_field(err, GN_ERR_INVALID, "login", _("%s is not a ward officer: the recovery code is for a "
		                                                  "ward officer's account"), login);
		goto out;
	}
	if ((st = write_pwhash(db, u.id, hash, true, err)) != GN_OK)
		goto out;
	gn_ctx who = { .db = db };
	snprintf(who.user.login, sizeof who.user.login, "%s", u.login);
	gn_sb_add(&b, "{");
	json_pair(&b, "password", "", "changed");
	json_pair(&b, "by", "", "recovery_code");
	st = audit_json(&who, "recover", u.id, &b, err);
	if (st == GN_OK)
		st = gn_wardkey_grant(db, login, new_password, err);
out:
	if (st == GN_OK)
		st = gn_db_commit(db, err);
	else
		gn_db_rollback(db);
wipe:
	gn_vault_lock(db); /* the officer signs in with the new password */
	sodium_memzero(hash, sizeof hash);
	gn_sb_free(&b);
	return st;
}

gn_status gn_user_reset_password(gn_ctx *ctx, const char *login, const char *new_password, gn_err *err)
{
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	return store_password(ctx, login, new_password, NULL, err);
}

void gn_sign_out(gn_ctx *ctx)
{
	/* the key to citizen IDs goes with the user (wiped): the next one opens
	 * it with their own password */
	if (ctx->db)
		gn_vault_lock(ctx->db);
	memset(&ctx->user, 0, sizeof ctx->user);
}

int gn_idle_lock_minutes(sqlite3 *db)
{
	char *v = gn_db_meta_get(db, "idle_lock_minutes");
	int minutes = GN_IDLE_LOCK_DEFAULT;
	if (v) {
		char *end;
		long n = strtol(v, &end, 10);
		if (end != v && !*end && n >= GN_IDLE_LOCK_MIN && n <= GN_IDLE_LOCK_MAX)
			minutes = (int)n;
	}
	free(v);
	return minutes;
}

gn_status gn_idle_lock_set(gn_ctx *ctx, int minutes, gn_err *err)
{
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	if (minutes < GN_IDLE_LOCK_MIN || minutes > GN_IDLE_LOCK_MAX)
		return gn_fail_field(err, GN_ERR_INVALID, "idle_lock_minutes",
		                     _("the idle lock takes %d to %d minutes"), GN_IDLE_LOCK_MIN, GN_IDLE_LOCK_MAX);
	int before = gn_idle_lock_minutes(ctx->db);
	if (before == minutes)
		return GN_OK;
	if ((st = gn_db_begin(ctx->db, err)) != GN_OK)
		return st;
	char value[16], changes[96];
	snprintf(value, sizeof value, "%d", minutes);
	snprintf(changes, sizeof changes, "{\"idle_lock_minutes\":[%d,%d]}", before, minutes);
	st = gn_db_meta_set(ctx->db, "idle_lock_minutes", value, err);
	if (st == GN_OK)
		st = gn_audit(ctx, "update", "meta", "idle_lock_minutes", NULL, changes, err);
	if (st == GN_OK)
		return gn_db_commit(ctx->db, err);
	gn_db_rollback(ctx->db);
	return st;
}

/* Every per-account setting, with its default and its values. */
static const struct {
	const char *name;
	int dflt, min, max;
} settings[] = {
	{ GN_SETTING_AUTO_ADVANCE, 1, 0, 1 },
};

static int setting_index(const char *name)
{
	for (size_t i = 0; i < sizeof settings / sizeof *settings; i++)
		if (strcmp(settings[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* A setting kept as text: GN_SETTING_FORM_LANG followed by a form id. */
static bool text_setting(const char *name)
{
	size_t n = strlen(GN_SETTING_FORM_LANG);
	return strncmp(name, GN_SETTING_FORM_LANG, n) == 0 && name[n] && strlen(name) < 128;
}

/* The stored value of the signed-in user's setting, false when none. */
static bool setting_read(gn_ctx *ctx, const char *name, char *buf, size_t size)
{
	sqlite3_stmt *st = NULL;
	bool found = false;
	buf[0] = '\0';
	if (!ctx->user.id[0])
		return false;
	if (sqlite3_prepare_v2(ctx->db, "SELECT value FROM user_setting WHERE user_id = ?1 AND name = ?2", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, ctx->user.id, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);
		snprintf(buf, size, "%s", v ? (const char *)v : "");
		found = true;
	}
	sqlite3_finalize(st);
	return found;
}

int gn_user_setting(gn_ctx *ctx, const char *name)
{
	int k = setting_index(name);
	char v[32];
	if (k < 0)
		return 0;
	return setting_read(ctx, name, v, sizeof v) ? atoi(v) : settings[k].dflt;
}

void gn_user_setting_text(gn_ctx *ctx, const char *name, char *buf, size_t size)
{
	if (!size)
		return;
	if (!text_setting(name) || !setting_read(ctx, name, buf, size))
		buf[0] = '\0';
}

/* Writes value over before (both as text), audited in one transaction. */
static gn_status setting_write(gn_ctx *ctx, const char *name, const char *before, const char *value, gn_err *err)
{
	if (strcmp(before, value) == 0)
		return GN_OK;
	gn_status st = gn_db_begin(ctx->db, err);
	if (st != GN_OK)
		return st;
	sqlite3_stmt *q = NULL, *json = NULL;
	if (sqlite3_prepare_v2(ctx->db, "INSERT INTO user_setting (user_id, name, value) VALUES (?1, ?2, ?3) "
	                       "ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(q, 1, ctx->user.id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(q, 3, value, -1, SQLITE_STATIC) != SQLITE_OK || sqlite3_step(q) != SQLITE_DONE)
		st = gn_db_fail(ctx->db, err, _("saving a setting"));
	/* the change as the audit keeps it: {"name": [before, value]}, numbers as numbers */
	if (st == GN_OK &&
	    (sqlite3_prepare_v2(ctx->db, "SELECT json_object(?1, json_array(CASE WHEN ?4 THEN CAST(?2 AS INTEGER) ELSE ?2 END, "
	                        "CASE WHEN ?4 THEN CAST(?3 AS INTEGER) ELSE ?3 END))", -1, &json, NULL) != SQLITE_OK ||
	     sqlite3_bind_text(json, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	     sqlite3_bind_text(json, 2, before, -1, SQLITE_STATIC) != SQLITE_OK ||
	     sqlite3_bind_text(json, 3, value, -1, SQLITE_STATIC) != SQLITE_OK ||
	     sqlite3_bind_int(json, 4, !text_setting(name)) != SQLITE_OK || sqlite3_step(json) != SQLITE_ROW))
		st = gn_db_fail(ctx->db, err, _("saving a setting"));
	if (st == GN_OK)
		st = gn_audit(ctx, "update", "users", ctx->user.id, NULL, (const char *)sqlite3_column_text(json, 0), err);
	sqlite3_finalize(q);
	sqlite3_finalize(json);
	if (st == GN_OK)
		return gn_db_commit(ctx->db, err);
	gn_db_rollback(ctx->db);
	return st;
}

gn_status gn_user_setting_set(gn_ctx *ctx, const char *name, int value, gn_err *err)
{
	if (!ctx->user.id[0])
		return gn_fail(err, GN_ERR_DENIED, "%s", _("sign in first"));
	int k = setting_index(name);
	if (k < 0 || value < settings[k].min || value > settings[k].max)
		return gn_fail_field(err, GN_ERR_INVALID, name, _("no such setting or value: %s = %d"), name, value);
	char before[16], now[16];
	snprintf(before, sizeof before, "%d", gn_user_setting(ctx, name));
	snprintf(now, sizeof now, "%d", value);
	return setting_write(ctx, name, before, now, err);
}

gn_status gn_user_setting_text_set(gn_ctx *ctx, const char *name, const char *value, gn_err *err)
{
	if (!ctx->user.id[0])
		return gn_fail(err, GN_ERR_DENIED, "%s", _("sign in first"));
	size_t len = value ? strlen(value) : 0;
	bool printable = len > 0 && len < 128;
	for (size_t i = 0; printable && i < len; i++)
		printable = (unsigned char)value[i] >= 0x20 && value[i] != 0x7f;
	if (!text_setting(name) || !printable)
		return gn_fail_field(err, GN_ERR_INVALID, name, _("no such setting or value: %s = %s"), name, value ? value : "");
	char before[128];
	gn_user_setting_text(ctx, name, before, sizeof before);
	return setting_write(ctx, name, before, value, err);
}
