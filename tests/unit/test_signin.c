/* Sign-in throttling that holds: attempts made at once against a name are
 * counted one after another before any password is checked, so a running
 * delay lets none through; a name that is no account is throttled and
 * answered like one that is (no name in the message, the same Argon2
 * work); a count that cannot be written fails closed (test_faults). */
#include "testlib.h"
#include "gonha/domain/session.h"
#include "gonha/domain/users.h"
#include "gonha/domain/ward.h"
#include "gonha/storage/db.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[600];

static void make_ward(void)
{
	gn_err err = { 0 };
	sqlite3 *db = NULL;
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	snprintf(path, sizeof path, "%s/w-%d.db", gn_test_tmpdir(), (int)getpid());
	unlink(path);
	if (gn_db_open(path, GN_DB_CREATE, &db, &err) != GN_OK ||
	    gn_ward_init(db, "Phường Thử", 1, "admin", "secret1", NULL, &err) != GN_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(2);
	}
	gn_db_close(db);
}

static long query(const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long v = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* n processes sign in at once as login; returns how many got in, and how
 * many were refused because of the delay (the rest: a wrong password). */
static int sign_in_at_once(int n, const char *login, const char *password, int *delayed)
{
	pid_t *kids = calloc((size_t)n, sizeof *kids);
	int in = 0;
	*delayed = 0;
	for (int i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			sqlite3 *db = NULL;
			gn_err err = { 0 };
			gn_ctx ctx = { 0 };
			if (gn_db_open(path, 0, &db, &err) != GN_OK)
				_exit(9);
			ctx.db = db;
			gn_status st = gn_sign_in(&ctx, login, password, &err);
			gn_db_close(db);
			_exit(st == GN_OK ? 0 : strstr(err.msg, "wait") ? 1 : st == GN_ERR_DENIED ? 2 : 8);
		}
	}
	for (int i = 0; i < n; i++) {
		int status = 0;
		waitpid(kids[i], &status, 0);
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : 99;
		in += code == 0;
		*delayed += code == 1;
		if (code > 2)
			fprintf(stderr, "  a sign-in ended with %d\n", code);
	}
	free(kids);
	return in;
}

static void parallel_attempts_meet_the_delay(void)
{
	make_ward();
	int delayed = 0;
	/* 40 wrong passwords at once: the first is checked and counted, the
	 * delay it starts refuses the 39 others unchecked */
	CHECK_EQ_INT(sign_in_at_once(40, "admin", "wrong", &delayed), 0);
	CHECK_EQ_INT(delayed, 39);
	CHECK_EQ_INT(query("SELECT failed_count FROM users WHERE login = 'admin'"), 1);
	/* the account at a long delay: 40 more at once, and the right password
	 * among them, all refused, and the count as it was */
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	REQUIRE(gn_db_open(path, 0, &db, &err) == GN_OK);
	REQUIRE(sqlite3_exec(db, "UPDATE users SET failed_count = 6, last_failed_at = '2026-11-20T09:00:00Z' "
	                         "WHERE login = 'admin'", NULL, NULL, NULL) == SQLITE_OK);
	gn_db_close(db);
	CHECK_EQ_INT(sign_in_at_once(40, "admin", "wrong", &delayed), 0);
	CHECK_EQ_INT(delayed, 40);
	CHECK_EQ_INT(sign_in_at_once(1, "admin", "secret1", &delayed), 0);
	CHECK_EQ_INT(delayed, 1);
	CHECK_EQ_INT(query("SELECT failed_count FROM users WHERE login = 'admin'"), 6);
	/* once the delay is over, the right password gets in and clears it */
	setenv("GONHA_NOW", "2026-11-20T09:10:00Z", 1);
	CHECK_EQ_INT(sign_in_at_once(1, "admin", "secret1", &delayed), 1);
	CHECK_EQ_INT(query("SELECT failed_count FROM users WHERE login = 'admin'"), 0);
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
}

static void a_name_that_is_no_account_looks_like_one(void)
{
	make_ward();
	sqlite3 *db = NULL;
	gn_err known = { 0 }, unknown = { 0 };
	REQUIRE(gn_db_open(path, 0, &db, &known) == GN_OK);
	gn_ctx ctx = { .db = db };
	/* the first wrong try: the same words */
	CHECK_EQ_INT(gn_sign_in(&ctx, "admin", "wrong", &known), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_sign_in(&ctx, "nobody_here", "wrong", &unknown), GN_ERR_DENIED);
	CHECK_STR(unknown.msg, known.msg);
	/* a quick second try: throttled alike, and no name said */
	CHECK_EQ_INT(gn_sign_in(&ctx, "admin", "wrong", &known), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_sign_in(&ctx, "nobody_here", "wrong", &unknown), GN_ERR_DENIED);
	CHECK_STR(unknown.msg, known.msg);
	CHECK(strstr(known.msg, "wait") != NULL && !strstr(known.msg, "admin"));
	/* the name typed is not stored, only its keyed hash */
	CHECK_EQ_INT(query("SELECT count(*) FROM signin_throttle"), 1);
	CHECK_EQ_INT(query("SELECT count(*) FROM signin_throttle WHERE name_mac LIKE '%nobody%'"), 0);
	gn_db_close(db);
}

/* A PC clock set back (a battery swap) never locks a name for longer than
 * the longest delay. */
static void a_clock_set_back_never_locks_longer(void)
{
	make_ward();
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	REQUIRE(gn_db_open(path, 0, &db, &err) == GN_OK);
	REQUIRE(sqlite3_exec(db, "UPDATE users SET failed_count = 3, last_failed_at = '2027-06-01T00:00:00Z' "
	                         "WHERE login = 'admin'", NULL, NULL, NULL) == SQLITE_OK);
	gn_ctx ctx = { .db = db };
	CHECK_EQ_INT(gn_sign_in(&ctx, "admin", "secret1", &err), GN_ERR_DENIED);
	char *n = strstr(err.msg, "wait ");
	REQUIRE(n);
	CHECK(atol(n + 5) <= GN_SIGN_IN_DELAY_MAX);
	gn_db_close(db);
}

/* Failed sign-ins are in the audit: the account's, or "not an account"
 * (never the name typed), at most 30 a minute. */
static void failed_sign_ins_are_audited(void)
{
	make_ward();
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	REQUIRE(gn_db_open(path, 0, &db, &err) == GN_OK);
	gn_ctx ctx = { .db = db };
	CHECK_EQ_INT(gn_sign_in(&ctx, "admin", "wrong", &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_sign_in(&ctx, "mk-typed-as-name", "wrong", &err), GN_ERR_DENIED);
	gn_db_close(db);
	CHECK_EQ_INT(query("SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed' AND user_login = 'admin' AND "
	                   "record_id = (SELECT id FROM users WHERE login = 'admin')"), 1);
	CHECK_EQ_INT(query("SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed' AND "
	                   "json_extract(changes, '$.name') = '(not an account)'"), 1);
	CHECK_EQ_INT(query("SELECT count(*) FROM audit_log WHERE changes LIKE '%mk-typed%' OR user_login LIKE '%mk-typed%'"), 0);
	/* a script trying many names: the log takes 30 a minute */
	REQUIRE(gn_db_open(path, 0, &db, &err) == GN_OK);
	ctx.db = db;
	for (int i = 0; i < 50; i++) {
		char name[32];
		snprintf(name, sizeof name, "guess%d", i);
		gn_sign_in(&ctx, name, "wrong", &err);
	}
	gn_db_close(db);
	CHECK_EQ_INT(query("SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed'"), 30);
}

GN_TESTS(T(failed_sign_ins_are_audited), T(parallel_attempts_meet_the_delay), T(a_name_that_is_no_account_looks_like_one),
         T(a_clock_set_back_never_locks_longer))
