/* Accounts: validation, sign-in (wrong password, disabled, growing delay,
 * Vietnamese passwords typed NFC or NFD), account management with its
 * audit, the idle-lock setting, and TDP scope in the domain layer. */
#include "testlib.h"
#include "gonha/domain/audit.h"
#include "gonha/storage/db.h"
#include "gonha/domain/household.h"
#include "gonha/domain/users.h"
#include "gonha/domain/ward.h"

#include <stdlib.h>

static gn_ctx officer, leader;
static gn_tdp tdp1, tdp2;

/* A ward with three TDPs, the officer "admin" and leader "lan" of TDP 01. */
static void setup(void)
{
	gn_err err = { 0 };
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	memset(&officer, 0, sizeof officer);
	memset(&leader, 0, sizeof leader);
	if (gn_db_open_memory(&officer.db, &err) != GN_OK ||
	    gn_ward_init(officer.db, "Phường Thử", 3, "admin", "secret1", NULL, &err) != GN_OK ||
	    gn_sign_in(&officer, "admin", "secret1", &err) != GN_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(2);
	}
	const char *codes[] = { "01", NULL };
	if (gn_user_add(&officer, "lan", "Nguyễn Thị Lan", GN_ROLE_TDP_LEADER, "pw-lan", codes, &err) != GN_OK ||
	    gn_tdp_find(&officer, "01", &tdp1, &err) != GN_OK || gn_tdp_find(&officer, "02", &tdp2, &err) != GN_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(2);
	}
	leader.db = officer.db;
	if (gn_sign_in(&leader, "lan", "pw-lan", &err) != GN_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(2);
	}
}

static void teardown(void)
{
	gn_db_close(officer.db);
	officer.db = leader.db = NULL;
}

static long count(const char *sql)
{
	sqlite3_stmt *st = NULL;
	long n = -1;
	if (sqlite3_prepare_v2(officer.db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void validates_user_names_and_passwords(void)
{
	gn_err err = { 0 };
	char long_name[64], long_pw[300];
	memset(long_name, 'a', 33);
	long_name[33] = '\0';
	memset(long_pw, 'x', 257);
	long_pw[257] = '\0';
	CHECK_EQ_INT(gn_login_validate("", &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "empty") != NULL);
	CHECK_STR(err.field, "login");
	CHECK_EQ_INT(gn_login_validate(NULL, &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_login_validate(long_name, &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "too long") != NULL);
	long_name[32] = '\0';
	CHECK_EQ_INT(gn_login_validate(long_name, &err), GN_OK);
	CHECK_EQ_INT(gn_login_validate("lan.nguyen_2-b", &err), GN_OK);
	CHECK_EQ_INT(gn_login_validate("Lan", &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_login_validate("lân", &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_login_validate("lan nguyen", &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_login_validate("-rf", &err), GN_ERR_INVALID);

	CHECK_EQ_INT(gn_password_validate("", &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "empty") != NULL);
	CHECK_EQ_INT(gn_password_validate("abc", &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "too short") != NULL);
	CHECK_EQ_INT(gn_password_validate(long_pw, &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "too long") != NULL);
	long_pw[256] = '\0';
	CHECK_EQ_INT(gn_password_validate(long_pw, &err), GN_OK);
	CHECK_EQ_INT(gn_password_validate("a\xff\xfe" "bcd", &err), GN_ERR_INVALID);
}

static void bad_accounts_are_refused_and_change_nothing(void)
{
	setup();
	gn_err err = { 0 };
	const char *codes[] = { "02", NULL };
	const char *no_such[] = { "99", NULL };
	long users = count("SELECT count(*) FROM users"), audits = count("SELECT count(*) FROM audit_log");
	/* nothing changed; the one refusal (a TDP leader adding an account) is recorded */
	char long_name[40];
	memset(long_name, 'b', 39);
	long_name[39] = '\0';
	CHECK_EQ_INT(gn_user_add(&officer, "", NULL, GN_ROLE_TDP_LEADER, "pw-1234", codes, &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_user_add(&officer, long_name, NULL, GN_ROLE_TDP_LEADER, "pw-1234", codes, &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_user_add(&officer, "binh", NULL, GN_ROLE_TDP_LEADER, "", codes, &err), GN_ERR_INVALID);
	CHECK_STR(err.field, "password");
	CHECK_EQ_INT(gn_user_add(&officer, "binh", NULL, GN_ROLE_TDP_LEADER, "pw-1234", NULL, &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_user_add(&officer, "binh", NULL, GN_ROLE_TDP_LEADER, "pw-1234", no_such, &err), GN_ERR_NOT_FOUND);
	CHECK_EQ_INT(gn_user_add(&officer, "lan", NULL, GN_ROLE_TDP_LEADER, "pw-1234", codes, &err), GN_ERR_CONFLICT);
	CHECK_EQ_INT(gn_user_add(&leader, "binh", NULL, GN_ROLE_TDP_LEADER, "pw-1234", codes, &err), GN_ERR_DENIED);
	CHECK_EQ_INT(count("SELECT count(*) FROM users"), users);
	CHECK_EQ_INT(count("SELECT count(*) FROM audit_log"), audits + 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM audit_log WHERE action = 'refused' AND user_login = 'lan'"), 1);
	teardown();
}

static void wrong_password_and_disabled_user_are_refused(void)
{
	setup();
	gn_err err = { 0 };
	gn_ctx c = { .db = officer.db };
	CHECK_EQ_INT(gn_sign_in(&c, "lan", "pw-wrong", &err), GN_ERR_DENIED);
	CHECK_STR(err.msg, "wrong user name or password");
	CHECK_EQ_INT(gn_sign_in(&c, "nobody", "pw-lan", &err), GN_ERR_DENIED);
	CHECK_STR(err.msg, "wrong user name or password");
	CHECK_EQ_INT(gn_sign_in(&c, "", "pw-lan", &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_sign_in(&c, "lan", "", &err), GN_ERR_INVALID);
	CHECK(c.user.login[0] == '\0');

	setenv("GONHA_NOW", "2026-11-20T10:00:00Z", 1);
	CHECK_EQ_INT(gn_user_set_disabled(&officer, "lan", true, &err), GN_OK);
	CHECK_EQ_INT(gn_sign_in(&c, "lan", "pw-lan", &err), GN_ERR_DENIED);
	CHECK(strstr(err.msg, "disabled") != NULL);
	CHECK_EQ_INT(gn_user_set_disabled(&officer, "lan", false, &err), GN_OK);
	CHECK_EQ_INT(gn_sign_in(&c, "lan", "pw-lan", &err), GN_OK);
	CHECK_STR(c.user.login, "lan");
	CHECK_EQ_INT(count("SELECT count(*) FROM audit_log WHERE table_name = 'users' AND action IN ('disable','enable')"), 2);

	/* Nobody locks the ward out: not themself, not the last officer. */
	CHECK_EQ_INT(gn_user_set_disabled(&officer, "admin", true, &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_user_set_disabled(&leader, "admin", true, &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_user_add(&officer, "chi", NULL, GN_ROLE_WARD_OFFICER, "pw-chi1", NULL, &err), GN_OK);
	gn_ctx chi = { .db = officer.db };
	CHECK_EQ_INT(gn_sign_in(&chi, "chi", "pw-chi1", &err), GN_OK);
	CHECK_EQ_INT(gn_user_set_disabled(&chi, "admin", true, &err), GN_OK);
	/* chi is now the last officer who can sign in. */
	CHECK_EQ_INT(gn_user_set_disabled(&officer, "chi", true, &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "last ward officer") != NULL);
	CHECK_EQ_INT(count("SELECT count(*) FROM users WHERE role = 'ward_officer' AND disabled = 0"), 1);
	teardown();
}

static void failed_sign_ins_grow_a_delay(void)
{
	setup();
	gn_err err = { 0 };
	gn_ctx c = { .db = officer.db };
	CHECK_EQ_INT(gn_sign_in_delay(0), 0);
	CHECK_EQ_INT(gn_sign_in_delay(1), 1);
	CHECK_EQ_INT(gn_sign_in_delay(2), 2);
	CHECK_EQ_INT(gn_sign_in_delay(4), 8);
	CHECK_EQ_INT(gn_sign_in_delay(7), 60);
	CHECK_EQ_INT(gn_sign_in_delay(1000), 60);

	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	CHECK_EQ_INT(gn_sign_in(&c, "lan", "bad-1", &err), GN_ERR_DENIED);  /* 1 failure: wait 1 s */
	CHECK_EQ_INT(gn_sign_in(&c, "lan", "pw-lan", &err), GN_ERR_DENIED); /* same second: even the right one */
	CHECK(strstr(err.msg, "wait 1 second") != NULL);
	setenv("GONHA_NOW", "2026-11-20T09:00:01Z", 1);
	CHECK_EQ_INT(gn_sign_in(&c, "lan", "bad-2", &err), GN_ERR_DENIED);  /* 2: wait 2 s */
	setenv("GONHA_NOW", "2026-11-20T09:00:02Z", 1);
	CHECK_EQ_INT(gn_sign_in(&c, "lan", "bad-3", &err), GN_ERR_DENIED);
	CHECK(strstr(err.msg, "wait 1 second") != NULL);
	CHECK_EQ_INT(count("SELECT failed_count FROM users WHERE login = 'lan'"), 2); /* refused, not counted */
	setenv("GONHA_NOW", "2026-11-20T09:00:03Z", 1);
	CHECK_EQ_INT(gn_sign_in(&c, "lan", "bad-3", &err), GN_ERR_DENIED);  /* 3: wait 4 s */
	setenv("GONHA_NOW", "2026-11-20T09:00:05Z", 1);
	CHECK_EQ_INT(gn_sign_in(&c, "lan", "pw-lan", &err), GN_ERR_DENIED);
	CHECK(strstr(err.msg, "wait 2 seconds") != NULL);
	/* Many failures: the delay stops growing at a minute. */
	for (int i = 0; i < 10; i++) {
		char now[32];
		snprintf(now, sizeof now, "2026-11-20T%02d:00:00Z", 10 + i);
		setenv("GONHA_NOW", now, 1);
		CHECK_EQ_INT(gn_sign_in(&c, "lan", "bad", &err), GN_ERR_DENIED);
	}
	setenv("GONHA_NOW", "2026-11-20T19:00:30Z", 1);
	CHECK_EQ_INT(gn_sign_in(&c, "lan", "pw-lan", &err), GN_ERR_DENIED);
	CHECK(strstr(err.msg, "wait 30 seconds") != NULL);
	setenv("GONHA_NOW", "2026-11-20T19:01:00Z", 1);
	CHECK_EQ_INT(gn_sign_in(&c, "lan", "pw-lan", &err), GN_OK);
	CHECK_EQ_INT(count("SELECT failed_count FROM users WHERE login = 'lan'"), 0);
	CHECK_EQ_INT(count("SELECT last_failed_at IS NULL FROM users WHERE login = 'lan'"), 1);
	/* Failures of one user do not slow another. */
	CHECK_EQ_INT(gn_sign_in(&c, "admin", "nope", &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_sign_in(&c, "lan", "pw-lan", &err), GN_OK);
	teardown();
}

static void vietnamese_passwords_work_typed_nfc_or_nfd(void)
{
	setup();
	gn_err err = { 0 };
	const char *codes[] = { "02", NULL };
	const char *nfc = "Mật khẩu Đông";
	const char *nfd = "Ma\xcc\xa3\xcc\x82t kha\xcc\x82\xcc\x89u \xc4\x90o\xcc\x82ng"; /* same, combining marks */
	CHECK(strcmp(nfc, nfd) != 0);
	CHECK_EQ_INT(gn_user_add(&officer, "dong", "Đông", GN_ROLE_TECH_TEAM, nfd, codes, &err), GN_OK);
	gn_ctx c = { .db = officer.db };
	CHECK_EQ_INT(gn_sign_in(&c, "dong", nfc, &err), GN_OK);
	CHECK_EQ_INT(gn_sign_in(&c, "dong", nfd, &err), GN_OK);
	CHECK_EQ_INT(gn_sign_in(&c, "dong", "Mat khau Dong", &err), GN_ERR_DENIED);
	setenv("GONHA_NOW", "2026-11-20T09:10:00Z", 1);
	/* Changing one's own password needs the current one, in either form. */
	CHECK_EQ_INT(gn_user_change_own_password(&c, "wrong", "Mới mới 2", &err), GN_ERR_DENIED);
	CHECK_STR(err.msg, "the current password is wrong");
	setenv("GONHA_NOW", "2026-11-20T09:20:00Z", 1);
	CHECK_EQ_INT(gn_user_change_own_password(&c, nfd, "abc", &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_user_change_own_password(&c, nfd, "Mới mới 2", &err), GN_OK);
	CHECK_EQ_INT(gn_sign_in(&c, "dong", nfc, &err), GN_ERR_DENIED);
	setenv("GONHA_NOW", "2026-11-20T09:30:00Z", 1);
	CHECK_EQ_INT(gn_sign_in(&c, "dong", "Mới mới 2", &err), GN_OK);
	teardown();
}

static void account_changes_are_audited_without_hashes(void)
{
	setup();
	gn_err err = { 0 };
	const char *two[] = { "02", "03", NULL };
	const char *three[] = { "03", NULL };
	CHECK_EQ_INT(gn_user_assign(&officer, "lan", two, &err), GN_OK);
	CHECK_EQ_INT(gn_user_assign(&leader, "lan", three, &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_user_assign(&officer, "admin", three, &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_user_assign(&officer, "nobody", three, &err), GN_ERR_NOT_FOUND);
	gn_user_info u;
	CHECK_EQ_INT(gn_user_get(&officer, "lan", &u, &err), GN_OK);
	CHECK_STR(u.tdp_codes, "02,03");
	CHECK_EQ_INT(gn_user_get(&leader, "lan", &u, &err), GN_OK);
	CHECK_EQ_INT(gn_user_get(&leader, "admin", &u, &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_user_reset_password(&leader, "admin", "taken-over", &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_user_reset_password(&officer, "lan", "pw-new-lan", &err), GN_OK);

	gn_audit_filter f = { .table_name = "users", .oldest_first = true };
	gn_audit_entry *e = NULL;
	size_t n = 0;
	long total = 0;
	CHECK_EQ_INT(gn_audit_query(&officer, &f, &e, &n, &total, &err), GN_OK);
	REQUIRE(n == 3);
	CHECK_EQ_INT(total, 3);
	CHECK_STR(e[0].action, "create");
	CHECK(strstr(e[0].changes, "\"login\":[null,\"lan\"]") != NULL);
	CHECK(strstr(e[0].changes, "\"tdps\":[null,\"01\"]") != NULL);
	CHECK_STR(e[1].action, "assign");
	CHECK_STR(e[1].changes, "{\"tdps\":[\"01\",\"02,03\"]}");
	CHECK_STR(e[2].action, "password");
	CHECK_STR(e[2].changes, "{\"password\":[\"\",\"changed\"]}");
	CHECK_STR(e[2].user_login, "admin");
	gn_audit_entries_free(e, n);
	/* No Argon2 string anywhere in the log. */
	CHECK_EQ_INT(count("SELECT count(*) FROM audit_log WHERE changes LIKE '%argon2%'"), 0);
	/* Only a ward officer reads the log. */
	CHECK_EQ_INT(gn_audit_query(&leader, &f, &e, &n, &total, &err), GN_ERR_DENIED);
	gn_user_info *list = NULL;
	CHECK_EQ_INT(gn_user_list(&leader, &list, &n, &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_user_list(&officer, &list, &n, &err), GN_OK);
	CHECK_EQ_INT(n, 2);
	free(list);
	teardown();
}

static void idle_lock_is_a_setting_for_the_officer(void)
{
	setup();
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_idle_lock_minutes(officer.db), GN_IDLE_LOCK_DEFAULT);
	CHECK_EQ_INT(gn_idle_lock_set(&leader, 30, &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_idle_lock_set(&officer, 0, &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_idle_lock_set(&officer, 241, &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_idle_lock_minutes(officer.db), GN_IDLE_LOCK_DEFAULT);
	CHECK_EQ_INT(gn_idle_lock_set(&officer, 3, &err), GN_OK);
	CHECK_EQ_INT(gn_idle_lock_minutes(officer.db), 3);
	CHECK_EQ_INT(count("SELECT count(*) FROM audit_log WHERE changes = '{\"idle_lock_minutes\":[10,3]}'"), 1);
	/* A value someone typed into the database by hand falls back to the default. */
	gn_db_meta_set(officer.db, "idle_lock_minutes", "soon", &err);
	CHECK_EQ_INT(gn_idle_lock_minutes(officer.db), GN_IDLE_LOCK_DEFAULT);
	/* Signing out forgets the user (in memory: no snapshot to make). */
	gn_sign_out(&leader);
	CHECK(leader.user.login[0] == '\0');
	CHECK_EQ_INT(gn_sign_in(&leader, "admin", "secret1", &err), GN_OK); /* switching user, no restart */
	CHECK(gn_scope_all(&leader));
	teardown();
}

static void household(gn_household *hh, const char *tdp_id, const char *name)
{
	memset(hh, 0, sizeof *hh);
	snprintf(hh->tdp_id, sizeof hh->tdp_id, "%s", tdp_id);
	hh->house_no = strdup("7");
	hh->street = strdup("Hoàng Văn Thụ");
	gn_person *p = gn_household_add_member(hh);
	p->full_name = strdup(name);
	p->birth_year = 1970;
	snprintf(p->relation, sizeof p->relation, "head");
}

/* Scope below every screen and command: a TDP leader cannot list, open,
 * change, remove, or pull a person out of another TDP. */
static void leader_is_held_to_own_tdp_in_the_domain(void)
{
	setup();
	gn_err err = { 0 };
	gn_household other, mine, got;
	household(&other, tdp2.id, "Trần Văn Khác");
	CHECK_EQ_INT(gn_household_save(&officer, &other, &err), GN_OK);
	household(&mine, tdp1.id, "Lê Thị Mình");
	CHECK_EQ_INT(gn_household_save(&leader, &mine, &err), GN_OK);

	gn_tdp *list = NULL;
	size_t n = 0;
	CHECK_EQ_INT(gn_tdp_list(&leader, &list, &n, &err), GN_OK);
	CHECK_EQ_INT(n, 1);
	free(list);
	gn_tdp t;
	CHECK_EQ_INT(gn_tdp_find(&leader, "02", &t, &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_household_load(&leader, other.id, &got, &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_household_remove(&leader, other.id, &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_tdp_rename(&leader, "01", "Tổ của tôi", &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_tdp_create(&leader, "09", "Tổ 9", NULL, &err), GN_ERR_DENIED);
	/* A forged roster naming another TDP's person is refused, nothing moves. */
	gn_person *p = gn_household_add_member(&mine);
	snprintf(p->id, sizeof p->id, "%s", other.members[0].id);
	p->full_name = strdup("Trần Văn Khác");
	CHECK_EQ_INT(gn_household_save(&leader, &mine, &err), GN_ERR_DENIED);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM person WHERE id = '%s' AND tdp_id = '%s'",
	         other.members[0].id, tdp2.id);
	CHECK_EQ_INT(count(sql), 1);
	/* The officer may rename, and it is audited. */
	CHECK_EQ_INT(gn_tdp_rename(&officer, "01", "Tổ dân phố Đồng Quang", &err), GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM audit_log WHERE table_name = 'tdp' AND action = 'update' "
	                   "AND json_extract(changes, '$.name[1]') = 'Tổ dân phố Đồng Quang'"), 1);
	gn_household_free(&other);
	gn_household_free(&mine);
	teardown();
}

GN_TESTS(T(validates_user_names_and_passwords), T(bad_accounts_are_refused_and_change_nothing),
         T(wrong_password_and_disabled_user_are_refused), T(failed_sign_ins_grow_a_delay),
         T(vietnamese_passwords_work_typed_nfc_or_nfd), T(account_changes_are_audited_without_hashes),
         T(idle_lock_is_a_setting_for_the_officer), T(leader_is_held_to_own_tdp_in_the_domain))
