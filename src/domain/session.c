#include "gonha/domain/session.h"
#include "gonha/domain/wardkey.h"
#include "gonha/storage/db.h"
#include "gonha/core/strbuf.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"
#include "gonha/domain/users.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

gn_status gn_login_validate(const char *login, gn_err *err)
{
	size_t len = login ? strlen(login) : 0;
	if (len < GN_LOGIN_MIN)
		return gn_fail_field(err, GN_ERR_INVALID, "login", _("the user name is empty"));
	if (len > GN_LOGIN_MAX)
		return gn_fail_field(err, GN_ERR_INVALID, "login",
		                     _("the user name is too long: at most %d characters"), GN_LOGIN_MAX);
	/* The first character is a letter or digit so a user name never looks
	 * like a command-line option or a spreadsheet formula. */
	if (strspn(login, "abcdefghijklmnopqrstuvwxyz0123456789._-") != len || !strchr(
	            "abcdefghijklmnopqrstuvwxyz0123456789", login[0]))
		return gn_fail_field(err, GN_ERR_INVALID, "login",
		                     _("a user name uses only small letters a-z without accents, digits, dot, "
		                       "underscore and hyphen, and starts with a letter or digit"));
	return GN_OK;
}

gn_status gn_password_nfc(const char *password, char **out, gn_err *err)
{
	*out = NULL;
	if (!password || !*password)
		return gn_fail_field(err, GN_ERR_INVALID, "password", _("the password is empty"));
	if (!gn_text_valid_utf8(password, strlen(password)))
		return gn_fail_field(err, GN_ERR_INVALID, "password", _("the password is not valid UTF-8 text"));
	if (gn_text_nfc(password, out) != GN_OK)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	return GN_OK;
}

void gn_password_free(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

gn_status gn_password_validate(const char *password, gn_err *err)
{
	char *nfc = NULL;
	gn_status st = gn_password_nfc(password, &nfc, err);
	if (st != GN_OK)
		return st;
	size_t len = strlen(nfc);
	if (len < GN_PASSWORD_MIN)
		st = gn_fail_field(err, GN_ERR_INVALID, "password",
		                   _("the password is too short: at least %d characters"), GN_PASSWORD_MIN);
	else if (len > GN_PASSWORD_MAX)
		st = gn_fail_field(err, GN_ERR_INVALID, "password",
		                   _("the password is too long: at most %d bytes (about %d Vietnamese letters)"),
		                   GN_PASSWORD_MAX, GN_PASSWORD_MAX / 3);
	gn_password_free(nfc);
	return st;
}

#define GN_PWHASH_OPSLIMIT 2ULL
#define GN_PWHASH_MEMLIMIT (19U * 1024U * 1024U)

gn_status gn_password_hash(const char *password, char out[128], gn_err *err)
{
	char *nfc = NULL;
	gn_status st;
	if (sodium_init() < 0)
		return gn_fail(err, GN_ERR_NOMEM, _("cannot start the password library"));
	if ((st = gn_password_validate(password, err)) != GN_OK)
		return st;
	if ((st = gn_password_nfc(password, &nfc, err)) != GN_OK)
		return st;
	/* Argon2id with OWASP's m = 19 MiB, t = 2, p = 1: every command signs
	 * in, and libsodium's "interactive" 64 MiB alone would put each one over
	 * the 64 MB the streaming exports and imports must stay under. Hashes
	 * made with other settings still verify (they carry their own). */
	if (crypto_pwhash_str(out, nfc, strlen(nfc), GN_PWHASH_OPSLIMIT, GN_PWHASH_MEMLIMIT) != 0)
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory while hashing the password"));
	gn_password_free(nfc);
	return st;
}

int gn_sign_in_delay(int failed_count)
{
	if (failed_count <= 0)
		return 0;
	if (failed_count > 7)
		return GN_SIGN_IN_DELAY_MAX;
	int delay = 1 << (failed_count - 1);
	return delay < GN_SIGN_IN_DELAY_MAX ? delay : GN_SIGN_IN_DELAY_MAX;
}

/* "YYYY-MM-DDTHH:MM:SSZ" -> seconds since the epoch, or -1. */
static long long iso_to_epoch(const char *iso)
{
	struct tm tm = { 0 };
	if (!iso)
		return -1;
	const char *end = strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return -1;
	return (long long)timegm(&tm);
}

/* A hash of gonha's own parameters that no password matches: an unknown
 * name is checked against it, so that it costs the same time as a known
 * one and cannot be told apart by the clock. */
static const char dummy_hash[] =
	"$argon2id$v=19$m=19456,t=2,p=1$EZ32mjuu/vM3N2h9dr4XVw$8zzBSfCjBj8kkwlaZUrCw1q/SnBjYks8PAqbLB5TJz8";

/* The counter of a name tried that is no account: a keyed hash of the
 * name (key in meta), never the name itself, since people type passwords
 * into that field. */
static gn_status name_mac(sqlite3 *db, const char *login, char hex[33], gn_err *err)
{
	char *key_hex = gn_db_meta_get(db, "signin_key");
	unsigned char key[crypto_generichash_KEYBYTES];
	gn_status st = GN_OK;
	if (!key_hex || strlen(key_hex) != 2 * sizeof key) {
		free(key_hex);
		randombytes_buf(key, sizeof key);
		char made[2 * sizeof key + 1];
		sodium_bin2hex(made, sizeof made, key, sizeof key);
		/* a read-only look (nothing is counted there) keeps it in memory */
		if (sqlite3_db_readonly(db, "main") != 1 && (st = gn_db_meta_set(db, "signin_key", made, err)) != GN_OK)
			return st;
	} else {
		sodium_hex2bin(key, sizeof key, key_hex, strlen(key_hex), NULL, NULL, NULL);
		free(key_hex);
	}
	unsigned char mac[16];
	crypto_generichash(mac, sizeof mac, (const unsigned char *)login, strlen(login), key, sizeof key);
	sodium_bin2hex(hex, 33, mac, sizeof mac);
	sodium_memzero(key, sizeof key);
	return GN_OK;
}

/* What the counted sign-in needs of the name tried. */
typedef struct attempt {
	bool known;
	char user_id[37], login[64], display_name[128], role[32];
	char *hash;    /* owned */
	bool disabled;
	char mac[33];  /* for a name that is no account */
	long long wait; /* seconds still to wait; 0: may try */
} attempt;

static gn_status step_one(sqlite3 *db, const char *sql, const char *a1, const char *a2, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "users");
	sqlite3_bind_text(st, 1, a1, -1, SQLITE_STATIC);
	if (a2)
		sqlite3_bind_text(st, 2, a2, -1, SQLITE_STATIC);
	gn_status rc = sqlite3_step(st) == SQLITE_DONE ? GN_OK : gn_db_fail(db, err, "users");
	sqlite3_finalize(st);
	return rc;
}

/* In one short transaction, before any password is checked: the name's
 * account (or its counter), whether its delay is still running, and this
 * attempt counted up front. So attempts made at once are counted one after
 * another and only one gets past a running delay; no write lock is held
 * while Argon2 runs. */
static gn_status count_attempt(sqlite3 *db, const char *login, const char *now, attempt *a, gn_err *err)
{
	bool writable = sqlite3_db_readonly(db, "main") != 1;
	gn_status rc = writable ? gn_db_begin(db, err) : GN_OK;
	if (rc != GN_OK)
		return rc;
	sqlite3_stmt *st = NULL;
	int failed = 0;
	const char *last = NULL;
	char last_buf[32] = "";
	if (sqlite3_prepare_v2(db, "SELECT id, login, display_name, role, pwhash, disabled, failed_count, last_failed_at "
	                       "FROM users WHERE login = ?1", -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(db, err, "users");
		goto out;
	}
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		a->known = true;
		gn_db_col_copy(st, 0, a->user_id, sizeof a->user_id);
		gn_db_col_copy(st, 1, a->login, sizeof a->login);
		gn_db_col_copy(st, 2, a->display_name, sizeof a->display_name);
		gn_db_col_copy(st, 3, a->role, sizeof a->role);
		a->hash = gn_db_col_dup(st, 4);
		a->disabled = sqlite3_column_int(st, 5) != 0;
		failed = sqlite3_column_int(st, 6);
		gn_db_col_copy(st, 7, last_buf, sizeof last_buf);
	} else if (step != SQLITE_DONE) {
		rc = gn_db_fail(db, err, "users");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!a->known) {
		if ((rc = name_mac(db, login, a->mac, err)) != GN_OK)
			goto out;
		if (sqlite3_prepare_v2(db, "SELECT failed_count, last_failed_at FROM signin_throttle WHERE name_mac = ?1", -1,
		                       &st, NULL) != SQLITE_OK) {
			rc = gn_db_fail(db, err, "signin_throttle");
			goto out;
		}
		sqlite3_bind_text(st, 1, a->mac, -1, SQLITE_STATIC);
		if ((step = sqlite3_step(st)) == SQLITE_ROW) {
			failed = sqlite3_column_int(st, 0);
			gn_db_col_copy(st, 1, last_buf, sizeof last_buf);
		} else if (step != SQLITE_DONE) {
			rc = gn_db_fail(db, err, "signin_throttle");
			goto out;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	last = last_buf[0] ? last_buf : NULL;
	long long t = iso_to_epoch(now), l = iso_to_epoch(last);
	long long delay = gn_sign_in_delay(failed);
	if (failed > 0 && l >= 0 && t >= 0 && l + delay - t > 0) {
		/* refused, not counted; a clock set back never makes it longer */
		a->wait = l + delay - t < delay ? l + delay - t : delay;
		goto out;
	}
	if (writable && !a->known && t >= 0) {
		/* counters of names tried more than a day ago are not needed */
		char day_ago[32];
		time_t cut = (time_t)(t - 86400);
		struct tm tm;
		gmtime_r(&cut, &tm);
		strftime(day_ago, sizeof day_ago, "%Y-%m-%dT%H:%M:%SZ", &tm);
		if ((rc = step_one(db, "DELETE FROM signin_throttle WHERE last_failed_at < ?1", day_ago, NULL, err)) != GN_OK)
			goto out;
	}
	if (writable)
		rc = a->known ? step_one(db, "UPDATE users SET failed_count = failed_count + 1, last_failed_at = ?2 WHERE id = ?1",
		                         a->user_id, now, err)
		              : step_one(db, "INSERT INTO signin_throttle(name_mac, failed_count, last_failed_at) VALUES (?1, 1, ?2) "
		                         "ON CONFLICT(name_mac) DO UPDATE SET failed_count = failed_count + 1, "
		                         "last_failed_at = excluded.last_failed_at", a->mac, now, err);
out:
	sqlite3_finalize(st);
	if (writable) {
		if (rc == GN_OK)
			rc = gn_db_commit(db, err);
		else
			gn_db_rollback(db);
	}
	return rc;
}

/* Records that something was refused (a failed sign-in, an action out of
 * scope), at most 30 of one kind a minute, so that a script cannot flood
 * the log; nothing is recorded in a file opened read-only. */
static gn_status audit_limited(gn_ctx *who, const char *now, const char *action, const char *table,
                               const char *record, const char *tdp, const char *changes, gn_err *err)
{
	sqlite3 *db = who->db;
	if (sqlite3_db_readonly(db, "main") == 1)
		return GN_OK;
	sqlite3_stmt *q = NULL;
	long recent = 0;
	long long t = iso_to_epoch(now);
	char minute_ago[32] = "";
	if (t >= 0) {
		time_t cut = (time_t)(t - 60);
		struct tm tm;
		gmtime_r(&cut, &tm);
		strftime(minute_ago, sizeof minute_ago, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM audit_log WHERE action = ?1 AND at >= ?2", -1, &q, NULL) !=
	    SQLITE_OK)
		return gn_db_fail(db, err, "audit_log");
	sqlite3_bind_text(q, 1, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, minute_ago, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		recent = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (recent >= 30)
		return GN_OK;
	return gn_audit(who, action, table, record, tdp, changes, err);
}

/* A failed sign-in in the audit: the account's, or "not an account" (the
 * name typed is never stored: it may be a password). At most 30 a minute,
 * so that a script cannot flood the log; the throttle already allows one
 * try per name per wait. */
static gn_status audit_failure(sqlite3 *db, const attempt *a, const char *now, gn_err *err)
{
	gn_ctx who = { .db = db };
	snprintf(who.user.login, sizeof who.user.login, "%s", a->known ? a->login : "");
	return audit_limited(&who, now, "sign_in_failed", "users", a->known ? a->user_id : NULL, NULL,
	                     a->known ? "{}" : "{\"name\":\"(not an account)\"}", err);
}

/* The right password: the count goes back to nothing (a failure to write
 * it fails the sign-in: closed, not open). */
static gn_status clear_attempts(sqlite3 *db, const attempt *a, gn_err *err)
{
	if (sqlite3_db_readonly(db, "main") == 1)
		return GN_OK;
	return step_one(db, "UPDATE users SET failed_count = 0, last_failed_at = NULL WHERE id = ?1 AND failed_count <> 0",
	                a->user_id, NULL, err);
}

gn_status gn_user_create(sqlite3 *db, const char *login, const char *display_name,
                         gn_role role, const char *password, const char *pwhash,
                         const char *const *tdp_codes, const char *by, gn_err *err)
{
	char hash[128], id[37], now[32];
	sqlite3_stmt *ins = NULL, *assign = NULL;
	gn_status st = GN_OK;

	if ((st = gn_login_validate(login, err)) != GN_OK)
		return st;
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
	/* the ward key, to an account whose password is known here */
	if (password && (st = gn_wardkey_grant(db, login, password, err)) != GN_OK)
		goto out;
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
	char now[32], *nfc = NULL;
	unsigned char sk[GN_ACCOUNT_SECRET_BYTES]; /* the account's key, when the password opened it */
	if (sodium_init() < 0)
		return gn_fail(err, GN_ERR_NOMEM, _("cannot start the password library"));
	if (!login || !*login)
		return gn_fail_field(err, GN_ERR_INVALID, "login", _("enter your user name"));
	if (!password || !*password)
		return gn_fail_field(err, GN_ERR_INVALID, "password", _("enter your password"));
	gn_now_iso(now);
	attempt a = { 0 };
	gn_status rc = count_attempt(ctx->db, login, now, &a, err);
	if (rc != GN_OK)
		goto out;
	if (a.wait > 0) {
		/* the same words whether or not the name is an account */
		rc = gn_fail(err, GN_ERR_DENIED,
		             ngettext("too many wrong attempts with this name: wait %lld second, then try again",
		                      "too many wrong attempts with this name: wait %lld seconds, then try again",
		                      (unsigned long)a.wait),
		             a.wait);
		goto out;
	}
	/* Argon2 for every name, a known one's hash or one no password matches */
	bool nfc_ok = gn_password_nfc(password, &nfc, NULL) == GN_OK && strlen(nfc) <= GN_PASSWORD_MAX;
	const char *hash = a.known && a.hash ? a.hash : dummy_hash;
	/* the account's key opened by the password is the check, when its row
	 * says the same password made this hash and opened that key
	 * (wardkey.h): one Argon2 either way */
	bool opened = false, by_key = nfc_ok && a.known && a.hash &&
	                              gn_wardkey_signin_open(ctx->db, a.user_id, a.hash, nfc, sk, &opened);
	bool right = by_key ? opened
	                    : crypto_pwhash_str_verify(hash, nfc_ok ? nfc : "", nfc_ok ? strlen(nfc) : 0) == 0 && nfc_ok &&
	                          a.known && a.hash;
	if (!right) {
		if ((rc = audit_failure(ctx->db, &a, now, err)) == GN_OK)
			rc = gn_fail(err, GN_ERR_DENIED, _("wrong user name or password"));
		goto out;
	}
	if (a.disabled) {
		rc = gn_fail(err, GN_ERR_DENIED, _("the account %s is disabled; ask the ward officer"), login);
		goto out;
	}
	if ((rc = clear_attempts(ctx->db, &a, err)) != GN_OK)
		goto out; /* not signed in */
	gn_user *u = &ctx->user;
	memset(u, 0, sizeof *u);
	snprintf(u->id, sizeof u->id, "%s", a.user_id);
	snprintf(u->login, sizeof u->login, "%s", a.login);
	snprintf(u->display_name, sizeof u->display_name, "%s", a.display_name);
	gn_role_from_name(a.role, &u->role);
	/* the key to citizen IDs, from the password just checked (only now:
	 * a refused sign-in costs the same for every name) */
	if ((rc = gn_wardkey_unlock(ctx, nfc, opened ? sk : NULL, a.hash, ctx->key_news, err)) != GN_OK)
		memset(u, 0, sizeof *u); /* not signed in */
out:
	sodium_memzero(sk, sizeof sk);
	free(a.hash);
	gn_password_free(nfc);
	return rc;
}

/* A refusal someone was told about, for the audit: who, which TDP was
 * asked for, why. Inside a transaction it is written when the transaction
 * ends (gn_db_after_tx), so that a rollback does not take it along; the
 * last one per connection. */
typedef struct refusal {
	sqlite3 *db;
	char login[64];
	char tdp[64];
	const char *why; /* "officer_only" or "not_your_tdp" */
} refusal;
#define REFUSALS_MAX 8
static refusal refusals[REFUSALS_MAX];

static void write_refusal(sqlite3 *db, void *arg)
{
	refusal *r = arg;
	gn_ctx who = { .db = db };
	snprintf(who.user.login, sizeof who.user.login, "%s", r->login);
	char now[32], changes[64];
	gn_now_iso(now);
	snprintf(changes, sizeof changes, "{\"why\":\"%s\"}", r->why);
	/* not recorded (a full disk): the refusal stands all the same */
	audit_limited(&who, now, "refused", NULL, NULL, r->tdp[0] ? r->tdp : NULL, changes, NULL);
	r->db = NULL;
}

static void note_refusal(const gn_ctx *ctx, const char *tdp_id, const char *why)
{
	if (!ctx || !ctx->db)
		return;
	refusal *r = NULL;
	for (int i = 0; i < REFUSALS_MAX && !r; i++)
		if (refusals[i].db == ctx->db)
			r = &refusals[i];
	for (int i = 0; i < REFUSALS_MAX && !r; i++)
		if (!refusals[i].db)
			r = &refusals[i];
	if (!r)
		return;
	r->db = ctx->db;
	snprintf(r->login, sizeof r->login, "%s", ctx->user.login);
	/* the TDP asked for, as typed, cut short: it is shown cleaned */
	snprintf(r->tdp, sizeof r->tdp, "%s", tdp_id ? tdp_id : "");
	r->why = why;
	if (sqlite3_get_autocommit(ctx->db) || !gn_db_after_tx(ctx->db, write_refusal, r))
		write_refusal(ctx->db, r);
}

bool gn_scope_all(const gn_ctx *ctx)
{
	return ctx->user.role == GN_ROLE_WARD_OFFICER;
}

gn_status gn_scope_require_officer(const gn_ctx *ctx, gn_err *err)
{
	if (gn_scope_all(ctx))
		return GN_OK;
	if (err) /* told to someone: recorded (a probe passes no err) */
		note_refusal(ctx, NULL, "officer_only");
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
	if (rc == GN_ERR_DENIED && err) /* told to someone: recorded (a probe passes no err) */
		note_refusal(ctx, tdp_id, "not_your_tdp");
	return rc;
}

gn_status gn_audit(gn_ctx *ctx, const char *action, const char *table_name,
                   const char *record_id, const char *tdp_id, const char *changes,
                   gn_err *err)
{
	sqlite3_stmt *st = NULL; /* the connection's, prepared once */
	gn_status rc = GN_OK;
	char now[32];
	gn_now_iso(now);
	if (gn_db_prepare_cached(ctx->db, "INSERT INTO audit_log(at, user_login, action, table_name, "
	                         "record_id, tdp_id, changes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, '{}'))",
	                         &st, err) != GN_OK)
		return err ? err->status : GN_ERR_DB;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->user.login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, table_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, record_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, tdp_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, changes, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "audit_log");
	sqlite3_reset(st);
	return rc;
}

gn_status gn_audit_bulk_read(gn_ctx *ctx, const char *what, const char *tdp_id, long records, bool ids_whole,
                             const char *path, gn_err *err)
{
	gn_strbuf b = { 0 };
	const char *base = path ? strrchr(path, '/') : NULL;
	gn_sb_add(&b, "{\"what\":");
	gn_sb_json_str(&b, what);
	gn_sb_printf(&b, ",\"records\":%ld,\"ids\":\"%s\",\"file\":", records, ids_whole ? "whole" : "masked");
	gn_sb_json_str(&b, base ? base + 1 : path ? path : "");
	gn_sb_add(&b, "}");
	gn_status st = b.failed ? gn_fail(err, GN_ERR_NOMEM, _("out of memory"))
	                        : gn_audit(ctx, "bulk_read", NULL, NULL, tdp_id, gn_sb_str(&b), err);
	gn_sb_free(&b);
	return st;
}
