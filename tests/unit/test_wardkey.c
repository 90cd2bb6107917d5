/* The ward key and who can open it: an account added by the officer opens
 * it with its own password; a password change re-wraps one key; a reset by
 * the officer gives a new pair; a disabled account's keys are gone; an
 * account without the key keeps what is stored when it saves; the recovery
 * code opens the key (typed in any case and spacing), another is refused;
 * the number is stored sealed, with its blind index and masked form. */
#include "testlib.h"
#include "gonha/domain/household.h"
#include "gonha/domain/users.h"
#include "gonha/domain/ward.h"
#include "gonha/domain/wardkey.h"
#include "gonha/storage/db.h"
#include "gonha/storage/vault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char path[600];
static char code[GN_RECOVERY_CODE_SIZE];
static gn_ctx officer;
static char household_id[37];

static const char *text1(sqlite3 *db, const char *sql)
{
	static char out[512];
	sqlite3_stmt *st = NULL;
	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0))
		snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

/* A ward in a file; the officer signed in; a leader added by the officer;
 * one household of TDP 01 with a CCCD. */
static void setup(void)
{
	static int n;
	gn_err err = { 0 };
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	snprintf(path, sizeof path, "%s/ward%d.db", gn_test_tmpdir(), ++n);
	memset(&officer, 0, sizeof officer);
	const char *codes[] = { "01", NULL };
	gn_tdp t;
	if (gn_db_open(path, GN_DB_CREATE, &officer.db, &err) != GN_OK ||
	    gn_ward_init(officer.db, "Phường Thử", 2, "admin", "secret1", code, &err) != GN_OK ||
	    gn_sign_in(&officer, "admin", "secret1", &err) != GN_OK ||
	    gn_user_add(&officer, "leader1", "Tổ trưởng", GN_ROLE_TDP_LEADER, "pw-leader1", codes, &err) != GN_OK ||
	    gn_tdp_find(&officer, "01", &t, &err) != GN_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(2);
	}
	gn_household hh = { 0 };
	snprintf(hh.tdp_id, sizeof hh.tdp_id, "%s", t.id);
	hh.house_no = strdup("12");
	hh.street = strdup("Lương Ngọc Quyến");
	gn_person *p = gn_household_add_member(&hh);
	p->full_name = strdup("Nguyễn Văn An");
	p->birth_year = 1980;
	snprintf(p->sex, sizeof p->sex, "male");
	snprintf(p->relation, sizeof p->relation, "head");
	p->cccd = strdup("019080001234");
	if (gn_household_save(&officer, &hh, &err) != GN_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(2);
	}
	snprintf(household_id, sizeof household_id, "%s", hh.id);
	gn_household_free(&hh);
}

static void teardown(void)
{
	gn_db_close(officer.db);
	officer.db = NULL;
}

/* Signs login in on a connection of its own; its vault state, or -1. The
 * CCCD its household load sees goes to seen ("" for none). */
static int sign_in_as(const char *login, const char *password, gn_key_news *news, char seen[16])
{
	gn_ctx c = { 0 };
	gn_err err = { 0 };
	int state = -1;
	c.key_news = news;
	seen[0] = '\0';
	if (gn_db_open(path, 0, &c.db, &err) == GN_OK && gn_sign_in(&c, login, password, &err) == GN_OK) {
		state = (int)gn_vault_state_of(c.db);
		gn_household hh;
		if (gn_household_load(&c, household_id, &hh, &err) == GN_OK) {
			if (hh.n_members && hh.members[0].cccd)
				snprintf(seen, 16, "%s", hh.members[0].cccd);
			gn_household_free(&hh);
		}
	} else if (err.msg[0]) {
		fprintf(stderr, "  %s: %s\n", login, err.msg);
	}
	gn_db_close(c.db);
	return state;
}

static void the_number_is_stored_sealed(void)
{
	setup();
	CHECK_STR(text1(officer.db, "SELECT typeof(cccd) || ' ' || length(cccd) || ' ' || hex(substr(cccd, 1, 1)) "
	                            "FROM person"), "blob 41 C1");
	CHECK_STR(text1(officer.db, "SELECT cccd_masked FROM person"), "019******234");
	CHECK_STR(text1(officer.db, "SELECT gn_cccd_open(cccd) FROM person"), "019080001234");
	/* the same number, the same text (the column is its own blind index);
	 * another number, another text */
	CHECK_STR(text1(officer.db, "SELECT cccd = gn_cccd_index('019080001234') FROM person"), "1");
	CHECK_STR(text1(officer.db, "SELECT cccd = gn_cccd_seal('019080001235') FROM person"), "0");
	/* the text form (in JSON documents) is the same number and comes back
	 * to the same stored bytes */
	CHECK_STR(text1(officer.db, "SELECT substr(gn_cccd_seal_text(cccd), 1, 3) FROM person"), "c1.");
	CHECK_STR(text1(officer.db, "SELECT gn_cccd_open(gn_cccd_seal_text('019080001234'))"), "019080001234");
	CHECK_STR(text1(officer.db, "SELECT gn_cccd_seal(gn_cccd_seal_text(cccd)) = cccd FROM person"), "1");
	/* one number after another, the same again, each opened for itself
	 * (the last one opened is kept: never another's) */
	CHECK_STR(text1(officer.db, "SELECT group_concat(gn_cccd_open(gn_cccd_seal(n)), ' ') FROM (SELECT '019080001234' "
	                            "AS n UNION ALL SELECT '019080001234' UNION ALL SELECT '079123456789' UNION ALL "
	                            "SELECT '019080001234')"),
	          "019080001234 019080001234 079123456789 019080001234");
	/* a ciphertext changed by one character does not open: refused, not
	 * taken for another number */
	sqlite3_stmt *st = NULL;
	REQUIRE(sqlite3_prepare_v2(officer.db, "SELECT gn_cccd_open(CAST(substr(cccd, 1, 20) || "
	                                       "CASE substr(cccd, 21, 1) WHEN x'00' THEN x'01' ELSE x'00' END || "
	                                       "substr(cccd, 22) AS BLOB)) FROM person",
	                           -1, &st, NULL) == SQLITE_OK);
	CHECK_EQ_INT(sqlite3_step(st), SQLITE_ERROR);
	CHECK(strstr(sqlite3_errmsg(officer.db), "cannot be decrypted") != NULL);
	sqlite3_finalize(st);
	teardown();
}

static void each_account_opens_the_key_with_its_password(void)
{
	setup();
	char seen[16];
	gn_err err = { 0 };
	gn_key_news news;
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader1", &news, seen), GN_VAULT_OPEN);
	CHECK_STR(seen, "019080001234");
	CHECK(!news.waiting);

	/* its own password change: the same key pair, under the new password */
	gn_ctx leader = { 0 };
	REQUIRE(gn_db_open(path, 0, &leader.db, &err) == GN_OK);
	REQUIRE(gn_sign_in(&leader, "leader1", "pw-leader1", &err) == GN_OK);
	const char *pk = text1(officer.db, "SELECT public_key FROM account_key a JOIN users u ON u.id = a.user_id "
	                                   "WHERE u.login = 'leader1'");
	char pk_before[128];
	snprintf(pk_before, sizeof pk_before, "%s", pk);
	CHECK_EQ_INT(gn_user_change_own_password(&leader, "pw-leader1", "pw-leader2", &err), GN_OK);
	gn_db_close(leader.db);
	CHECK_STR(text1(officer.db, "SELECT public_key FROM account_key a JOIN users u ON u.id = a.user_id "
	                            "WHERE u.login = 'leader1'"), pk_before);
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader2", &news, seen), GN_VAULT_OPEN);
	CHECK_STR(seen, "019080001234");

	/* a reset by the officer: a new pair, given the key at once */
	CHECK_EQ_INT(gn_user_reset_password(&officer, "leader1", "pw-leader3", &err), GN_OK);
	CHECK(strcmp(text1(officer.db, "SELECT public_key FROM account_key a JOIN users u ON u.id = a.user_id "
	                               "WHERE u.login = 'leader1'"), pk_before) != 0);
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader3", &news, seen), GN_VAULT_OPEN);
	CHECK_STR(seen, "019080001234");

	/* disabled: its keys are deleted */
	CHECK_EQ_INT(gn_user_set_disabled(&officer, "leader1", true, &err), GN_OK);
	CHECK_STR(text1(officer.db, "SELECT count(*) FROM account_key a JOIN users u ON u.id = a.user_id "
	                            "WHERE u.login = 'leader1'"), "0");
	teardown();
}

static void an_account_without_the_key_waits_and_changes_nothing(void)
{
	setup();
	char seen[16];
	gn_err err = { 0 };
	gn_key_news news;
	/* disabled and enabled again: no key until an officer signs in after it */
	CHECK_EQ_INT(gn_user_set_disabled(&officer, "leader1", true, &err), GN_OK);
	CHECK_EQ_INT(gn_user_set_disabled(&officer, "leader1", false, &err), GN_OK);
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader1", &news, seen), GN_VAULT_LOCKED);
	CHECK(news.waiting);
	CHECK_STR(seen, "019******234"); /* masked, as the lists show it, not empty */
	const char *sealed = text1(officer.db, "SELECT cccd FROM person");
	char before[256];
	snprintf(before, sizeof before, "%s", sealed);

	/* it saves the household without seeing the number: kept as it is */
	gn_ctx leader = { 0 };
	REQUIRE(gn_db_open(path, 0, &leader.db, &err) == GN_OK);
	REQUIRE(gn_sign_in(&leader, "leader1", "pw-leader1", &err) == GN_OK);
	gn_household hh;
	REQUIRE(gn_household_load(&leader, household_id, &hh, &err) == GN_OK);
	CHECK_STR(hh.members[0].cccd, "019******234");
	CHECK_EQ_INT(gn_household_check_field(&hh, 0, "cccd", hh.members[0].cccd, &err), GN_OK);
	free(hh.house_no);
	hh.house_no = strdup("12A");
	CHECK_EQ_INT(gn_household_save(&leader, &hh, &err), GN_OK);
	/* a new number cannot be sealed without the key: refused, said why */
	free(hh.members[0].cccd);
	hh.members[0].cccd = strdup("019080001235");
	CHECK(gn_household_save(&leader, &hh, &err) != GN_OK);
	CHECK(strstr(err.msg, "no key") != NULL);
	gn_household_free(&hh);
	gn_db_close(leader.db);
	CHECK_STR(text1(officer.db, "SELECT cccd FROM person"), before);
	CHECK_STR(text1(officer.db, "SELECT house_no FROM household"), "12A");

	/* the officer's next sign-in gives it the key */
	CHECK_EQ_INT(sign_in_as("admin", "secret1", &news, seen), GN_VAULT_OPEN);
	CHECK_EQ_INT(news.given, 1);
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader1", &news, seen), GN_VAULT_OPEN);
	CHECK_STR(seen, "019080001234");
	teardown();
}

static void the_recovery_code_opens_the_key(void)
{
	setup();
	gn_err err = { 0 };
	CHECK_EQ_INT(strlen(code), 29);
	sqlite3 *db = NULL;
	REQUIRE(gn_db_open(path, 0, &db, &err) == GN_OK);
	CHECK_EQ_INT(gn_vault_state_of(db), GN_VAULT_LOCKED);
	CHECK_EQ_INT(gn_wardkey_recover(db, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", &err), GN_ERR_DENIED);
	CHECK_STR(err.field, "recovery_code");
	CHECK_EQ_INT(gn_vault_state_of(db), GN_VAULT_LOCKED);
	/* typed in lower case, with spaces for dashes */
	char typed[64];
	size_t k = 0;
	for (const char *c = code; *c; c++)
		typed[k++] = *c == '-' ? ' ' : (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	typed[k] = '\0';
	CHECK_EQ_INT(gn_wardkey_recover(db, typed, &err), GN_OK);
	CHECK_EQ_INT(gn_vault_state_of(db), GN_VAULT_OPEN);
	CHECK_STR(text1(db, "SELECT gn_cccd_open(cccd) FROM person"), "019080001234");
	gn_db_close(db);
	teardown();
}

/* The clock an hour on: past the wait a refused sign-in sets. */
static void an_hour_later(void)
{
	static int hour = 10;
	char now[32];
	snprintf(now, sizeof now, "2026-11-20T%02d:00:00Z", hour++);
	setenv("GONHA_NOW", now, 1);
}

/* A sign-in takes the account's key opened by the password as its check
 * (one Argon2) only while the row says that password made the users row's
 * hash: tagged at the first sign-in, then the key is the check; a wrong
 * password is refused and counted as before; a password changed by its
 * owner, reset by the officer or written into the file outside gonha
 * leaves the tag behind, and the old password no longer signs in. */
static void the_key_checks_the_password_only_while_the_hash_is_the_same(void)
{
	setup();
	char seen[16];
	gn_err err = { 0 };
	gn_key_news news;
	const char *tag_sql = "SELECT coalesce(length(signin_tag), 0) FROM account_key a JOIN users u ON u.id = a.user_id "
	                      "WHERE u.login = 'leader1'";
	/* made by the officer with its password: tagged there, the hash
	 * checked against that password */
	CHECK_STR(text1(officer.db, tag_sql), "64");
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader1", &news, seen), GN_VAULT_OPEN);
	CHECK_STR(text1(officer.db, tag_sql), "64");
	char tag[80];
	snprintf(tag, sizeof tag, "%s", text1(officer.db, "SELECT signin_tag FROM account_key a JOIN users u ON "
	                                                  "u.id = a.user_id WHERE u.login = 'leader1'"));
	/* by the key now: the same vault, the same number */
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader1", &news, seen), GN_VAULT_OPEN);
	CHECK_STR(seen, "019080001234");
	/* a wrong password: refused, counted, the tag as it was */
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader9", &news, seen), -1);
	an_hour_later();
	CHECK_STR(text1(officer.db, "SELECT failed_count FROM users WHERE login = 'leader1'"), "1");
	CHECK_STR(text1(officer.db, "SELECT signin_tag FROM account_key a JOIN users u ON u.id = a.user_id "
	                            "WHERE u.login = 'leader1'"), tag);
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader1", &news, seen), GN_VAULT_OPEN);
	CHECK_STR(text1(officer.db, "SELECT failed_count FROM users WHERE login = 'leader1'"), "0");

	/* its own change: the old password is refused, the new one opens */
	gn_ctx leader = { 0 };
	REQUIRE(gn_db_open(path, 0, &leader.db, &err) == GN_OK);
	REQUIRE(gn_sign_in(&leader, "leader1", "pw-leader1", &err) == GN_OK);
	CHECK_EQ_INT(gn_user_change_own_password(&leader, "pw-leader1", "pw-leader2", &err), GN_OK);
	gn_db_close(leader.db);
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader1", &news, seen), -1);
	an_hour_later();
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader2", &news, seen), GN_VAULT_OPEN);
	CHECK_STR(seen, "019080001234");
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader2", &news, seen), GN_VAULT_OPEN);
	CHECK(strcmp(text1(officer.db, "SELECT signin_tag FROM account_key a JOIN users u ON u.id = a.user_id "
	                               "WHERE u.login = 'leader1'"), tag) != 0);

	/* reset by the officer: the old password is refused */
	CHECK_EQ_INT(gn_user_reset_password(&officer, "leader1", "pw-leader3", &err), GN_OK);
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader2", &news, seen), -1);
	an_hour_later();
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader3", &news, seen), GN_VAULT_OPEN);
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader3", &news, seen), GN_VAULT_OPEN);
	CHECK_STR(seen, "019080001234");

	/* a hash written into the file by other means, the key as it was (the
	 * old password still opens it): the old password is refused all the
	 * same, the new one signs in and waits for the key */
	char hash[128];
	REQUIRE(gn_password_hash("pw-outside", hash, &err) == GN_OK);
	char *sql = sqlite3_mprintf("UPDATE users SET pwhash = %Q WHERE login = 'leader1'", hash);
	REQUIRE(sqlite3_exec(officer.db, sql, NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_free(sql);
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader3", &news, seen), -1);
	an_hour_later();
	CHECK_EQ_INT(sign_in_as("leader1", "pw-outside", &news, seen), GN_VAULT_LOCKED);
	CHECK(news.waiting);
	CHECK_EQ_INT(sign_in_as("leader1", "pw-leader3", &news, seen), -1);
	an_hour_later();
	teardown();
}

GN_TESTS(T(the_key_checks_the_password_only_while_the_hash_is_the_same), T(the_number_is_stored_sealed), T(each_account_opens_the_key_with_its_password),
         T(an_account_without_the_key_waits_and_changes_nothing), T(the_recovery_code_opens_the_key))
