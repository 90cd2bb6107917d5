/* Citizen IDs encrypted in the database (issue 14): no number in clear in
 * the file, its write-ahead log, backups, snapshots or the audit CSV; a
 * ward made before encryption sealed at its officer's first sign-in with
 * nothing lost (the same export and `gonha check` before and after); an
 * account that signs in before it has the key waits for an officer; search
 * by a whole number still finds the person. */
#include "e2e_fixtures.h"
#include "testlib.h"
#include "gonha/domain/session.h"
#include "gonha/storage/db.h"
#include "gonha/storage/vault.h"
#include "gonha/text/text.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define run gn_e2e_run
#define sql1 gn_e2e_sql1
#define has gn_e2e_has
#define occurrences gn_e2e_occurrences

#define MAX_IDS 400

static char ids[MAX_IDS][13];

/* How many of the ward's numbers appear in clear in the file (0 if it is
 * not there). */
static int numbers_in(const char *name)
{
	size_t len = 0;
	char *data = gn_e2e_read(name, &len);
	if (!data)
		return 0;
	free(data);
	int found = 0;
	for (int i = 0; i < MAX_IDS && ids[i][0]; i++)
		found += occurrences(name, ids[i]) > 0;
	return found;
}

/* Every file in a folder of the test folder, each counted. */
static int numbers_in_folder(const char *dir, int *files)
{
	DIR *d = opendir(gn_e2e_path(dir));
	int found = 0;
	*files = 0;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char name[600];
		snprintf(name, sizeof name, "%s/%s", dir, e->d_name);
		found += numbers_in(name);
		(*files)++;
	}
	closedir(d);
	return found;
}

static void a_new_ward_keeps_no_number_in_clear(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	memset(ids, 0, sizeof ids);
	int n = gn_e2e_cccds("a.db", ids, MAX_IDS);
	REQUIRE(n > 20);
	/* the database and what SQLite keeps beside it, while another reads */
	CHECK_EQ_INT(run("admin", "list --db a.db --tdp 01"), 0);
	CHECK_EQ_INT(numbers_in("a.db"), 0);
	CHECK_EQ_INT(numbers_in("a.db-wal"), 0);
	CHECK_EQ_INT(numbers_in("a.db-shm"), 0);
	CHECK(occurrences("a.db", "Nguy") > 0); /* names stay in clear for search, as docs/privacy.md says */
	/* a backup, the snapshots, the audit log as CSV */
	CHECK_EQ_INT(run("admin", "backup --db a.db --out b.db"), 0);
	CHECK_EQ_INT(numbers_in("b.db"), 0);
	CHECK_EQ_INT(run("admin", "audit --db a.db --out log.csv"), 0);
	CHECK_EQ_INT(numbers_in("log.csv"), 0);
	/* a restore, and the ward it set aside */
	CHECK_EQ_INT(run("admin", "restore --db a.db --from b.db"), 0);
	const char *kept = strstr(gn_e2e_out, "a.db.before-restore-");
	REQUIRE(kept);
	char name[128];
	snprintf(name, sizeof name, "%.35s", kept); /* a.db.before-restore-YYYYMMDD-HHMMSS */
	CHECK(occurrences(name, "SQLite format 3") == 1); /* the copy is there */
	CHECK_EQ_INT(numbers_in(name), 0);
	CHECK_EQ_INT(numbers_in("a.db"), 0);
	/* a whole number still finds its person, for the TDP's own leader */
	char args[256];
	snprintf(args, sizeof args, "list --db a.db --tdp 01 --format tsv --search %s", ids[0]);
	CHECK_EQ_INT(run("tdp01", args), 0);
	CHECK(strchr(gn_e2e_out, '\t') != NULL);
	/* the masked form in an ordinary export; the whole one on purpose */
	CHECK_EQ_INT(run("tdp01", "export --db a.db --what persons --tdp 01 --out m.csv"), 0);
	CHECK_EQ_INT(numbers_in("m.csv"), 0);
	char masked[13];
	snprintf(masked, sizeof masked, "%.3s******%.3s", ids[0], ids[0] + 9);
	CHECK(occurrences("m.csv", masked) > 0);
}

/* Runs sql on db; false (and says so) if it fails. */
static bool exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return true;
	fprintf(stderr, "  SQL failed: %s\n  in: %.300s\n", msg ? msg : "?", sql);
	sqlite3_free(msg);
	return false;
}

/* Copies main.table into old.table, the columns old has (a later schema
 * added some). */
static bool copy_old_columns(sqlite3 *db, const char *table)
{
	sqlite3_stmt *q = NULL;
	char sql[4200] = "";
	if (sqlite3_prepare_v2(db, "SELECT group_concat(name, ',') FROM pragma_table_info(?1, 'old')", -1, &q, NULL) ==
	        SQLITE_OK) {
		sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			snprintf(sql, sizeof sql, "INSERT INTO old.%s(%s) SELECT %s FROM main.%s", table,
			         (const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 0), table);
	}
	sqlite3_finalize(q);
	return sql[0] && exec(db, sql);
}

/* old.db: the ward of new.db as gonha kept it before encryption (schema
 * 10, every number in clear), with a number also in an audit entry, a
 * draft and a kept conflict, as an older gonha wrote them. */
static bool make_plain_ward(void)
{
	sqlite3 *old = NULL;
	gn_err err = { 0 };
	if (sqlite3_open_v2(gn_e2e_path("old.db"), &old, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
	    gn_text_register_sqlite(old) != GN_OK || gn_vault_register(old, &err) != GN_OK ||
	    gn_db_migrate_to(old, 10, &err) != GN_OK || !exec(old, "PRAGMA journal_mode = WAL")) {
		fprintf(stderr, "  old.db: %s\n", err.msg);
		sqlite3_close(old);
		return false;
	}
	sqlite3_close(old);

	gn_ctx ctx = { 0 };
	if (gn_db_open(gn_e2e_path("new.db"), 0, &ctx.db, &err) != GN_OK || gn_sign_in(&ctx, "admin", "demo", &err) != GN_OK) {
		fprintf(stderr, "  new.db: %s\n", err.msg);
		gn_db_close(ctx.db);
		return false;
	}
	char attach[1200];
	snprintf(attach, sizeof attach, "ATTACH '%s' AS old", gn_e2e_path("old.db"));
	/* the person columns of schema 10, the number opened */
	sqlite3_stmt *q = NULL;
	char cols[2048] = "", sel[2048] = "";
	bool ok = exec(ctx.db, attach) &&
	          sqlite3_prepare_v2(ctx.db, "SELECT group_concat(name, ','), group_concat(CASE name WHEN 'cccd' THEN "
	                             "'gn_cccd_open(cccd)' ELSE name END, ',') FROM pragma_table_info('person', 'old')",
	                             -1, &q, NULL) == SQLITE_OK &&
	          sqlite3_step(q) == SQLITE_ROW;
	if (ok) {
		snprintf(cols, sizeof cols, "%s", (const char *)sqlite3_column_text(q, 0));
		snprintf(sel, sizeof sel, "%s", (const char *)sqlite3_column_text(q, 1));
	}
	sqlite3_finalize(q);
	q = NULL;
	/* the household columns of schema 10 (later ones stay behind) */
	char hh_cols[2048] = "";
	ok = ok && sqlite3_prepare_v2(ctx.db, "SELECT group_concat(name, ',') FROM pragma_table_info('household', 'old')",
	                              -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW;
	if (ok)
		snprintf(hh_cols, sizeof hh_cols, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	char person[4200], household[4200];
	snprintf(person, sizeof person, "INSERT INTO old.person(%s) SELECT %s FROM main.person", cols, sel);
	snprintf(household, sizeof household, "INSERT INTO old.household(%s) SELECT %s FROM main.household", hh_cols,
	         hh_cols);
	ok = ok && exec(ctx.db, "BEGIN") &&
	     exec(ctx.db, "INSERT INTO old.meta SELECT * FROM main.meta WHERE key <> 'cccd_sealed'") &&
	     copy_old_columns(ctx.db, "tdp") &&
	     exec(ctx.db, "INSERT INTO old.users SELECT * FROM main.users") &&
	     exec(ctx.db, "INSERT INTO old.user_tdp SELECT * FROM main.user_tdp") &&
	     exec(ctx.db, "INSERT OR REPLACE INTO old.form_version SELECT * FROM main.form_version") &&
	     exec(ctx.db, "INSERT OR REPLACE INTO old.indicator_bit SELECT * FROM main.indicator_bit") &&
	     copy_old_columns(ctx.db, "household") && exec(ctx.db, person) &&
	     exec(ctx.db, "INSERT INTO old.audit_log SELECT * FROM main.audit_log") &&
	     exec(ctx.db, "INSERT OR REPLACE INTO old.tdp_stats SELECT * FROM main.tdp_stats") &&
	     exec(ctx.db, "INSERT OR REPLACE INTO old.tdp_indicator SELECT * FROM main.tdp_indicator") &&
	     /* where older gonhas kept a number besides the person row */
	     exec(ctx.db, "INSERT INTO old.audit_log(at, user_login, action, table_name, record_id, tdp_id, changes) "
	                  "SELECT '2026-11-19T08:00:00Z', 'admin', 'update', 'person', id, tdp_id, "
	                  "json_object('cccd', json_array(NULL, gn_cccd_open(cccd))) FROM main.person "
	                  "WHERE cccd IS NOT NULL ORDER BY rowid LIMIT 1") &&
	     exec(ctx.db, "INSERT INTO old.draft(user_login, kind, record_id, tdp_id, data, updated_at) "
	                  "SELECT 'tdp01', 'household', household_id, tdp_id, json_object('id', household_id, 'tdp_id', "
	                  "tdp_id, 'members', json_array(json_object('id', id, 'full_name', full_name, 'cccd', "
	                  "gn_cccd_open(cccd)))), '2026-11-19T08:00:00Z' FROM main.person WHERE cccd IS NOT NULL "
	                  "ORDER BY rowid LIMIT 1 OFFSET 1") &&
	     exec(ctx.db, "INSERT INTO old.merge_conflict(table_name, record_id, local_data, incoming_data, source, "
	                  "detected_at) SELECT 'person', id, json_object('cccd', gn_cccd_open(cccd)), json_object('cccd', "
	                  "gn_cccd_open(cccd), 'version', 'v00'), 'tdp02.csv', '2026-11-19T08:00:00Z' FROM main.person "
	                  "WHERE cccd IS NOT NULL ORDER BY rowid LIMIT 1 OFFSET 2") &&
	     exec(ctx.db, "COMMIT") && exec(ctx.db, "DETACH old");
	gn_db_close(ctx.db);
	return ok;
}

static void a_plain_ward_is_sealed_at_its_officers_sign_in(void)
{
	REQUIRE(gn_e2e_demo("new.db"));
	memset(ids, 0, sizeof ids);
	REQUIRE(gn_e2e_cccds("new.db", ids, MAX_IDS) > 20);
	/* a ward of schema 10 did not know which form its records came from */
	sqlite3 *h = NULL;
	REQUIRE(sqlite3_open(gn_e2e_path("new.db"), &h) == SQLITE_OK);
	CHECK(exec(h, "UPDATE household SET form_id = NULL, form_version = NULL;"
	              "UPDATE person SET form_id = NULL, form_version = NULL;"));
	sqlite3_close(h);
	REQUIRE(run("admin", "export --db new.db --what persons --with-ids --out before.csv") == 0);
	REQUIRE(make_plain_ward());
	CHECK(numbers_in("old.db") + numbers_in("old.db-wal") > 20);

	/* a TDP leader first: the file is brought to the new schema, the
	 * numbers stay as they are until the ward officer comes */
	CHECK_EQ_INT(run("tdp01", "list --db old.db --tdp 01"), 0);
	CHECK_STR(sql1("old.db", "SELECT count(*) FROM meta WHERE key = 'cccd_sealed'"), "0");
	const char *versions = sql1("old.db", "SELECT group_concat(version) FROM (SELECT version FROM person ORDER BY id)");
	char versions_before[1 << 15];
	snprintf(versions_before, sizeof versions_before, "%s", versions);

	/* a copy as the plain snapshots are, for a kill in their sealing below */
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \".backup '%s'\"", gn_e2e_path("old.db"), gn_e2e_path("plain-left.db"));
	REQUIRE(system(cmd) == 0);

	/* the officer's sign-in: a copy first, then everything sealed, said once */
	CHECK_EQ_INT(run("admin", "list --db old.db --tdp 01"), 0);
	CHECK(has(gn_e2e_err, "citizen ID numbers are now stored encrypted"));
	CHECK(has(gn_e2e_out, "Recovery code for the citizen ID numbers: "));
	CHECK(has(gn_e2e_err, "old.db.backups/"));
	CHECK_STR(sql1("old.db", "SELECT count(*) FROM meta WHERE key = 'cccd_sealed'"), "1");
	CHECK_STR(sql1("old.db", "SELECT count(*) FROM person WHERE typeof(cccd) = 'text'"), "0");
	CHECK_EQ_INT(numbers_in("old.db"), 0);
	CHECK_EQ_INT(numbers_in("old.db-wal"), 0);
	/* the copy made before is sealed under the recovery code, and comes
	 * back with it */
	int files = 0;
	CHECK_EQ_INT(numbers_in_folder("old.db.backups", &files), 0);
	CHECK(files > 0);
	CHECK(has(gn_e2e_err, "with the recovery code as"));
	const char *code = strstr(gn_e2e_out, "numbers: ");
	REQUIRE(code);
	char pass[64];
	snprintf(pass, sizeof pass, "%.29s", code + 9);
	char env[256], restore[600];
	snprintf(env, sizeof env, "GONHA_USER=admin GONHA_PASSWORD=demo GONHA_PASSPHRASE=%s", pass);
	snprintf(restore, sizeof restore, "restore --db copy.db --from \"$(ls %s/old.db.backups/*.gbk | head -1)\"",
	         gn_test_tmpdir());
	CHECK_EQ_INT(run("admin", "backup --db old.db --out copy.db"), 0);
	CHECK_EQ_INT(gn_e2e_run_env(env, restore), 0);
	/* gonha killed while it sealed them: a plain one left; the next start
	 * (the day's snapshot) removes it, the sealed ones stay */
	snprintf(cmd, sizeof cmd, "cp '%s' '%s/ward-20261101-000000.db'", gn_e2e_path("plain-left.db"),
	         gn_e2e_path("old.db.backups"));
	REQUIRE(system(cmd) == 0);
	int left = 0;
	CHECK(numbers_in_folder("old.db.backups", &left) > 20);
	CHECK_EQ_INT(gn_e2e_run_env("GONHA_USER= GONHA_PASSWORD=", "snapshot-daily --db old.db"), 0);
	CHECK_EQ_INT(numbers_in_folder("old.db.backups", &left), 0);
	CHECK(left >= files);
	CHECK_STR(sql1("copy.db", "SELECT count(*) FROM meta WHERE key = 'cccd_sealed'"), "0"); /* as it was then */
	/* nothing lost: the same rows, versions untouched (no other PC sees a
	 * change), the rules all hold */
	CHECK_STR(sql1("old.db", "SELECT group_concat(version) FROM (SELECT version FROM person ORDER BY id)"),
	          versions_before);
	CHECK_EQ_INT(run("admin", "export --db old.db --what persons --with-ids --out after.csv"), 0);
	CHECK(gn_e2e_same_files("before.csv", "after.csv"));
	CHECK_EQ_INT(run("admin", "check --db old.db"), 0);
	CHECK_STR(sql1("old.db", "SELECT count(*) FROM audit_log WHERE action = 'seal_ids'"), "1");
	CHECK_STR(sql1("old.db", "SELECT count(*) FROM draft WHERE data LIKE '\"d1.%'"), "1");
	/* the second sign-in does not do it again */
	CHECK_EQ_INT(run("admin", "list --db old.db --tdp 01"), 0);
	CHECK(!strstr(gn_e2e_out, "Recovery code"));

	/* tdp01 signs in before an officer gave it the key: masked, it waits */
	CHECK_EQ_INT(run("tdp01", "export --db old.db --what persons --tdp 01 --out t1.csv"), 0);
	CHECK(has(gn_e2e_err, "has no key to citizen ID numbers yet"));
	char args[256];
	snprintf(args, sizeof args, "list --db old.db --tdp 01 --format tsv --search %s", ids[0]);
	CHECK_EQ_INT(run("tdp01", args), 0);
	/* the officer's next sign-in gives it the key; then it works */
	CHECK_EQ_INT(run("admin", "list --db old.db --tdp 01"), 0);
	CHECK(has(gn_e2e_err, "1 account was given the key"));
	CHECK_EQ_INT(run("tdp01", args), 0);
	CHECK(!strstr(gn_e2e_err, "no key"));
	CHECK(strchr(gn_e2e_out, '\t') != NULL);
}

GN_TESTS(T(a_new_ward_keeps_no_number_in_clear), T(a_plain_ward_is_sealed_at_its_officers_sign_in))
