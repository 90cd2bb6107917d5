/* Privacy and backups: CCCD views, erasure on request (data and its audit
 * history gone, the fact kept), the day's snapshot and its bounds, backup
 * and restore round trip, and restores that must be refused with nothing
 * changed (damaged file, not gonha, another ward). File modes checked. */
#include "testlib.h"
#include "unit_fixtures.h"
#include "gonha/domain/audit.h"
#include "gonha/domain/backup.h"
#include "gonha/storage/db.h"
#include "gonha/domain/demo.h"
#include "gonha/domain/household.h"
#include "gonha/domain/privacy.h"
#include "gonha/domain/users.h"
#include "gonha/domain/ward.h"

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static gn_ctx ctx;
static char db_path[512];
static int setups;

/* A fresh ward in its own file under the test's temporary folder. */
static void setup_named(const char *ward)
{
	gn_err err = { 0 };
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	memset(&ctx, 0, sizeof ctx);
	snprintf(db_path, sizeof db_path, "%s/ward%d.db", gn_test_tmpdir(), ++setups);
	if (gn_db_open(db_path, GN_DB_CREATE, &ctx.db, &err) != GN_OK ||
	    gn_ward_init(ctx.db, ward, 2, "admin", "secret1", NULL, &err) != GN_OK ||
	    gn_sign_in(&ctx, "admin", "secret1", &err) != GN_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(2);
	}
}

static void setup(void)
{
	setup_named("Phường Thử");
}

static char *saved_tz; /* the TZ before in_hanoi, put back by teardown */
static bool hanoi;

static void teardown(void)
{
	gn_db_close(ctx.db);
	ctx.db = NULL;
	if (hanoi)
		gn_unit_clock_back(saved_tz);
	hanoi = false;
	saved_tz = NULL;
}

#define count gn_unit_count /* unit_fixtures.h */

static int mode_of(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (int)(sb.st_mode & 0777) : -1;
}

/* BLAKE2b of a whole file, hex; "" if it cannot be read. */
static void file_hash(const char *path, char out[65])
{
	unsigned char h[32];
	crypto_generichash_state s;
	out[0] = '\0';
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return;
	crypto_generichash_init(&s, NULL, 0, sizeof h);
	unsigned char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		crypto_generichash_update(&s, buf, n);
	fclose(fp);
	crypto_generichash_final(&s, h, sizeof h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static void save_family(gn_household *hh, const char *tdp_code)
{
	gn_err err = { 0 };
	gn_tdp t;
	memset(hh, 0, sizeof *hh);
	if (gn_tdp_find(&ctx, tdp_code, &t, &err) != GN_OK)
		return;
	snprintf(hh->tdp_id, sizeof hh->tdp_id, "%s", t.id);
	hh->house_no = strdup("12");
	hh->street = strdup("Lương Ngọc Quyến");
	gn_person *p = gn_household_add_member(hh);
	p->full_name = strdup("Nguyễn Văn An");
	p->birth_year = 1980;
	snprintf(p->sex, sizeof p->sex, "male");
	snprintf(p->relation, sizeof p->relation, "head");
	p->cccd = strdup("019080001234");
	p->answers = strdup("{\"smartphone\":\"yes\",\"notes\":\"Bí mật riêng tư\"}");
	p = gn_household_add_member(hh);
	p->full_name = strdup("Trần Thị Bình");
	p->birth_year = 1983;
	snprintf(p->sex, sizeof p->sex, "female");
	snprintf(p->relation, sizeof p->relation, "spouse");
	gn_household_save(&ctx, hh, &err);
}

static void cccd_is_masked_except_on_the_own_form(void)
{
	char out[13];
	gn_cccd_for_view("019080001234", GN_CCCD_VIEW_LIST, out);
	CHECK_STR(out, "019******234");
	gn_cccd_for_view("019080001234", GN_CCCD_VIEW_OWN_FORM, out);
	CHECK_STR(out, "019080001234");
	gn_cccd_for_view("019080001234", GN_CCCD_VIEW_EXPORT_WHOLE, out);
	CHECK_STR(out, "019080001234");
	gn_cccd_for_view(NULL, GN_CCCD_VIEW_LIST, out);
	CHECK_STR(out, "");
	gn_cccd_for_view("01908000123456", GN_CCCD_VIEW_OWN_FORM, out);
	CHECK_STR(out, "************");
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	REQUIRE(gn_db_open_memory(&db, &err) == GN_OK);
	CHECK_EQ_INT(gn_unit_count(db, "SELECT gn_cccd_mask('019080001234') = '019******234'"), 1);
	CHECK_EQ_INT(gn_unit_count(db, "SELECT gn_cccd_mask(NULL) IS NULL"), 1);
	gn_db_close(db);
}

static void erasure_blanks_the_person_and_scrubs_the_log(void)
{
	setup();
	gn_err err = { 0 };
	gn_household hh;
	save_family(&hh, "01");
	REQUIRE(hh.n_members == 2 && hh.members[0].id[0]);
	char id[37], sql[512];
	snprintf(id, sizeof id, "%s", hh.members[0].id);
	/* A later change, so the log holds old and new values of the person. */
	setenv("GONHA_NOW", "2026-11-21T09:00:00Z", 1);
	free(hh.members[0].full_name);
	hh.members[0].full_name = strdup("Nguyễn Văn Ân");
	REQUIRE(gn_household_save(&ctx, &hh, &err) == GN_OK);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE record_id = '%s'", id);
	long entries = gn_unit_count(ctx.db, sql);
	CHECK_EQ_INT(entries, 2);

	/* Only a ward officer erases. */
	const char *codes[] = { "01", NULL };
	REQUIRE(gn_user_add(&ctx, "lan", NULL, GN_ROLE_TDP_LEADER, "pw-lan", codes, &err) == GN_OK);
	gn_ctx leader = { .db = ctx.db };
	REQUIRE(gn_sign_in(&leader, "lan", "pw-lan", &err) == GN_OK);
	CHECK_EQ_INT(gn_person_erase(&leader, id, &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_person_erase(&ctx, "no-such-person", &err), GN_ERR_NOT_FOUND);

	setenv("GONHA_NOW", "2026-11-22T09:00:00Z", 1);
	CHECK_EQ_INT(gn_person_erase(&ctx, id, &err), GN_OK);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM person WHERE id = '%s' AND deleted = 1 AND full_name = '' "
	         "AND cccd IS NULL AND birth_year IS NULL AND sex IS NULL AND relation IS NULL AND answers = '{}'", id);
	CHECK_EQ_INT(gn_unit_count(ctx.db, sql), 1);
	/* The log: the old entries keep their fields but no values; the erasure is there. */
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM audit_log WHERE changes LIKE '%Nguyễn Văn An%' "
	                   "OR changes LIKE '%Nguyễn Văn Ân%' OR changes LIKE '%019080001234%' OR changes LIKE '%Bí mật%'"), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE record_id = '%s' AND action = 'update' "
	         "AND json_extract(changes, '$.full_name[0]') = '" GN_ERASED_VALUE "'", id);
	CHECK_EQ_INT(gn_unit_count(ctx.db, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE record_id = '%s' AND action = 'erase' "
	         "AND user_login = 'admin' AND at = '2026-11-22T09:00:00Z' AND changes = '{}'", id);
	CHECK_EQ_INT(gn_unit_count(ctx.db, sql), 1);
	/* The spouse is untouched. */
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM person WHERE full_name = 'Trần Thị Bình' AND deleted = 0"), 1);
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM audit_log WHERE changes LIKE '%Trần Thị Bình%'"), 1);
	gn_household_free(&hh);
	teardown();
	/* Nor do the old values linger anywhere in the file (secure_delete + checkpoint). */
	FILE *fp = fopen(db_path, "rb");
	REQUIRE(fp);
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	CHECK(memmem(buf, n, "019080001234", 12) == NULL);
	CHECK(memmem(buf, n, "Bí mật", strlen("Bí mật")) == NULL);
}

static void copy_file(const char *from, const char *to, long keep_bytes, long flip_at);

/* Files in dir named ward-*<ending>. */
static int count_named(const char *dir, const char *ending)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	size_t el = strlen(ending);
	while (d && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		n += strncmp(e->d_name, "ward-", 5) == 0 && len > el && strcmp(e->d_name + len - el, ending) == 0;
	}
	if (d)
		closedir(d);
	return n;
}

/* Snapshots in dir; each has its manifest, and nothing else is there. */
static int count_snapshots(const char *dir)
{
	int n = count_named(dir, ".db");
	CHECK_EQ_INT(count_named(dir, ".db.manifest"), n);
	CHECK_EQ_INT(count_named(dir, ""), 2 * n);
	return n;
}

static bool snapshot_exists(const char *dir, const char *stamp)
{
	char path[700];
	snprintf(path, sizeof path, "%s/ward-%s.db", dir, stamp);
	return access(path, F_OK) == 0;
}

/* The local day is the PC's: Hà Nội's here (UTC+7, no tzdata needed). */
static void in_hanoi(void)
{
	saved_tz = gn_unit_hanoi_clock(GN_UNIT_NOW);
	hanoi = true;
}

/* The day's snapshot: made when there is none, or when the newest is of
 * an earlier local day and something changed since; never at sign-out. */
static void the_days_snapshot_comes_once_a_day_after_a_change(void)
{
	in_hanoi();
	setup();
	gn_err err = { 0 };
	char dir[600], made[1024];
	bool did = false;
	gn_household hh;
	gn_backup_dir(db_path, dir, sizeof dir);
	mode_t old_mask = umask(0);
	CHECK_EQ_INT(gn_backup_daily(db_path, &did, made, sizeof made, &err), GN_OK);
	umask(old_mask);
	CHECK(did);
	CHECK_EQ_INT(mode_of(dir), 0700);
	CHECK_EQ_INT(mode_of(made), 0600);
	CHECK(strstr(made, "/ward-20261120-090000.db") != NULL);
	/* 23:30 the same day in Hà Nội, after a change: not a second one. */
	setenv("GONHA_NOW", "2026-11-20T16:30:00Z", 1);
	save_family(&hh, "01");
	gn_household_free(&hh);
	CHECK_EQ_INT(gn_backup_daily(db_path, &did, made, sizeof made, &err), GN_OK);
	CHECK(!did);
	/* Signing out forgets the user and copies nothing. */
	gn_sign_out(&ctx);
	CHECK(ctx.user.login[0] == '\0');
	CHECK_EQ_INT(count_snapshots(dir), 1);
	/* 00:30 on the 21st in Hà Nội (still the 20th in UTC): the change is
	 * copied, as the day before left it. */
	setenv("GONHA_NOW", "2026-11-20T17:30:00Z", 1);
	CHECK_EQ_INT(gn_backup_daily(db_path, &did, made, sizeof made, &err), GN_OK);
	CHECK(did);
	CHECK(strstr(made, "/ward-20261120-173000.db") != NULL);
	sqlite3 *copy = NULL;
	REQUIRE(gn_db_open(made, GN_DB_READONLY, &copy, &err) == GN_OK);
	CHECK_EQ_INT(gn_unit_count(copy, "SELECT count(*) FROM household"), 1);
	gn_db_close(copy);
	/* Two days later, only sign-ins (one refused) and a backup to a file:
	 * audit entries, no change of the census: no snapshot. */
	setenv("GONHA_NOW", "2026-11-22T02:00:00Z", 1);
	CHECK_EQ_INT(gn_sign_in(&ctx, "admin", "not-the-password", &err), GN_ERR_DENIED);
	setenv("GONHA_NOW", "2026-11-22T03:00:00Z", 1);
	REQUIRE(gn_sign_in(&ctx, "admin", "secret1", &err) == GN_OK);
	char file[700];
	snprintf(file, sizeof file, "%s/by-hand.db", gn_test_tmpdir());
	REQUIRE(gn_backup_to_file(&ctx, file, &err) == GN_OK);
	CHECK_EQ_INT(gn_backup_daily(db_path, &did, made, sizeof made, &err), GN_OK);
	CHECK(!did);
	CHECK_EQ_INT(count_snapshots(dir), 2);
	/* An account's rights changed are a change. */
	setenv("GONHA_NOW", "2026-11-23T02:00:00Z", 1);
	const char *codes[] = { "01", NULL };
	REQUIRE(gn_user_add(&ctx, "lan", NULL, GN_ROLE_TDP_LEADER, "pw-lan", codes, &err) == GN_OK);
	CHECK_EQ_INT(gn_backup_daily(db_path, &did, made, sizeof made, &err), GN_OK);
	CHECK(did);
	CHECK(snapshot_exists(dir, "20261123-020000"));
	/* `gonha backup` (forced) makes one now; a day keeps only its newest. */
	setenv("GONHA_NOW", "2026-11-23T03:00:00Z", 1);
	CHECK_EQ_INT(gn_backup_auto(ctx.db, db_path, true, &did, NULL, 0, &err), GN_OK);
	CHECK(did);
	CHECK(snapshot_exists(dir, "20261123-030000"));
	CHECK(!snapshot_exists(dir, "20261123-020000"));
	CHECK_EQ_INT(count_snapshots(dir), 3);
	teardown();
}

/* At most GN_BACKUP_KEEP snapshots: the newest of each of the most recent
 * days that have one. */
static void snapshots_are_bounded(void)
{
	in_hanoi();
	setup();
	gn_err err = { 0 };
	char dir[600];
	bool did = false;
	gn_backup_dir(db_path, dir, sizeof dir);
	/* Thirty days of work, three looks a day (the first of a day copies). */
	for (int day = 1; day <= 30; day++)
		for (int k = 0; k < 3; k++) {
			char now[32];
			snprintf(now, sizeof now, "2026-12-%02dT%02d:00:00Z", day, 1 + 4 * k);
			setenv("GONHA_NOW", now, 1);
			gn_household hh;
			save_family(&hh, "01");
			gn_household_free(&hh);
			CHECK_EQ_INT(gn_backup_daily(db_path, &did, NULL, 0, &err), GN_OK);
			CHECK(did == (k == 0));
		}
	CHECK_EQ_INT(count_snapshots(dir), GN_BACKUP_KEEP);
	CHECK_EQ_INT(GN_BACKUP_KEEP, 7);
	CHECK(snapshot_exists(dir, "20261230-010000"));
	CHECK(snapshot_exists(dir, "20261224-010000"));
	CHECK(!snapshot_exists(dir, "20261223-010000"));
	teardown();
}

/* What the sign-out snapshot protected, the next user's bad work, is in
 * the day's snapshot: it holds the ward as the day before left it, and
 * restoring it undoes the day. The restore moves the change counter past
 * any snapshot's, so a ward restored and then changed as often as before
 * is still copied the next day. */
static void a_bad_day_is_undone_and_a_restored_ward_is_copied(void)
{
	in_hanoi();
	setup();
	gn_err err = { 0 };
	char dir[600], made[1024], older[700], kept[1024];
	bool did = false;
	gn_household hh;
	gn_backup_dir(db_path, dir, sizeof dir);
	snprintf(older, sizeof older, "%s/older.db", gn_test_tmpdir());
	REQUIRE(gn_backup_to_file(&ctx, older, &err) == GN_OK); /* no household */
	save_family(&hh, "01");
	gn_household_free(&hh);
	/* The next morning, before anyone works: the day's snapshot. */
	setenv("GONHA_NOW", "2026-11-21T00:30:00Z", 1);
	CHECK_EQ_INT(gn_backup_daily(db_path, &did, made, sizeof made, &err), GN_OK);
	CHECK(did);
	/* A bad day (here: a household in the wrong TDP), undone. */
	save_family(&hh, "02");
	gn_household_free(&hh);
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM household"), 2);
	CHECK_EQ_INT(gn_restore(&ctx, db_path, made, false, kept, sizeof kept, &err), GN_OK);
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM household WHERE deleted = 0"), 1);
	long after_restore = gn_unit_count(ctx.db, "SELECT n FROM data_changes");
	/* The older file restored, and as many changes made as before. */
	CHECK_EQ_INT(gn_restore(&ctx, db_path, older, false, kept, sizeof kept, &err), GN_OK);
	CHECK(gn_unit_count(ctx.db, "SELECT n FROM data_changes") > after_restore);
	REQUIRE(gn_sign_in(&ctx, "admin", "secret1", &err) == GN_OK);
	save_family(&hh, "02");
	gn_household_free(&hh);
	setenv("GONHA_NOW", "2026-11-22T00:30:00Z", 1);
	CHECK_EQ_INT(gn_backup_daily(db_path, &did, made, sizeof made, &err), GN_OK);
	CHECK(did);
	teardown();
}

/* A damaged ward is not copied into a snapshot a restore would refuse:
 * the day's look says so and leaves nothing (issue 14). */
static void a_damaged_ward_gets_no_snapshot(void)
{
	setup();
	gn_err err = { 0 };
	char good[600], damaged[600], dir[700];
	bool did = true;
	snprintf(good, sizeof good, "%s/good-%d.db", gn_test_tmpdir(), setups);
	REQUIRE(gn_backup_to_file(&ctx, good, &err) == GN_OK);
	teardown();
	snprintf(damaged, sizeof damaged, "%s/damaged.db", gn_test_tmpdir());
	copy_file(good, damaged, -1, 4096);
	CHECK(gn_backup_daily(damaged, &did, NULL, 0, &err) != GN_OK);
	CHECK(!did);
	CHECK(strstr(err.msg, "the database is damaged") != NULL);
	gn_backup_dir(damaged, dir, sizeof dir);
	CHECK_EQ_INT(count_snapshots(dir), 0);
}

static void backup_and_restore_round_trip(void)
{
	setup();
	gn_err err = { 0 };
	char backup[600], kept[1024];
	gn_household hh;
	save_family(&hh, "01");
	gn_household_free(&hh);
	snprintf(backup, sizeof backup, "%s/manual.db", gn_test_tmpdir());
	mode_t old_mask = umask(0);
	CHECK_EQ_INT(gn_backup_to_file(&ctx, backup, &err), GN_OK);
	umask(old_mask);
	CHECK_EQ_INT(mode_of(backup), 0600);
	CHECK_EQ_INT(gn_backup_to_file(&ctx, backup, &err), GN_ERR_CONFLICT); /* never overwrites */
	/* Changes after the backup ... */
	save_family(&hh, "02");
	gn_household_free(&hh);
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM household"), 2);
	/* ... are undone by the restore, and the current state is kept aside. */
	setenv("GONHA_NOW", "2026-11-20T10:00:00Z", 1);
	CHECK_EQ_INT(gn_restore(&ctx, db_path, backup, false, kept, sizeof kept, &err), GN_OK);
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM household"), 1);
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM person WHERE full_name = 'Nguyễn Văn An'"), 1);
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM audit_log WHERE action = 'restore'"), 1);
	CHECK(strstr(kept, ".before-restore-20261120-100000") != NULL);
	CHECK_EQ_INT(mode_of(kept), 0600);
	sqlite3 *aside = NULL;
	REQUIRE(gn_db_open(kept, GN_DB_READONLY, &aside, &err) == GN_OK);
	CHECK_EQ_INT(gn_unit_count(aside, "SELECT count(*) FROM household"), 2);
	gn_db_close(aside);
	/* The restored database works as before: sign in, save. */
	gn_ctx again = { .db = ctx.db };
	CHECK_EQ_INT(gn_sign_in(&again, "admin", "secret1", &err), GN_OK);
	save_family(&hh, "02");
	CHECK(hh.id[0] != '\0');
	gn_household_free(&hh);
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT integrity_check = 'ok' FROM pragma_integrity_check"), 1);
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM household"), 2);
	teardown();
}

/* Tries to restore `bad` and checks it is refused with `want` and that the
 * database file is byte for byte what it was, with nothing kept aside. */
static void refused(const char *bad, gn_status want, const char *words)
{
	gn_err err = { 0 };
	char before[65], after[65], kept[1024];
	gn_db_exec(ctx.db, "PRAGMA wal_checkpoint(TRUNCATE)", &err);
	file_hash(db_path, before);
	long households = gn_unit_count(ctx.db, "SELECT count(*) FROM household");
	CHECK_EQ_INT(gn_restore(&ctx, db_path, bad, false, kept, sizeof kept, &err), want);
	if (words && !strstr(err.msg, words)) {
		gn_test_failed = 1;
		fprintf(stderr, "  message \"%s\" lacks \"%s\"\n", err.msg, words);
	}
	CHECK_STR(kept, "");
	gn_db_exec(ctx.db, "PRAGMA wal_checkpoint(TRUNCATE)", &err);
	file_hash(db_path, after);
	CHECK_STR(after, before);
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM household"), households);
}

static void copy_file(const char *from, const char *to, long keep_bytes, long flip_at)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	if (!in || !out) {
		if (in) fclose(in);
		if (out) fclose(out);
		return;
	}
	int c;
	long i = 0;
	while ((c = fgetc(in)) != EOF && (keep_bytes < 0 || i < keep_bytes)) {
		if (flip_at >= 0 && i >= flip_at && i < flip_at + 64)
			c ^= 0x5a;
		fputc(c, out);
		i++;
	}
	fclose(in);
	fclose(out);
}

static void damaged_or_foreign_restores_change_nothing(void)
{
	setup_named("Phường Khác");
	char other_ward[600];
	snprintf(other_ward, sizeof other_ward, "%s/other-ward.db", gn_test_tmpdir());
	gn_err err = { 0 };
	REQUIRE(gn_backup_to_file(&ctx, other_ward, &err) == GN_OK);
	teardown();

	setup();
	gn_household hh;
	save_family(&hh, "01");
	gn_household_free(&hh);
	char good[600], path[700];
	snprintf(good, sizeof good, "%s/good-%d.db", gn_test_tmpdir(), setups);
	REQUIRE(gn_backup_to_file(&ctx, good, &err) == GN_OK);
	struct stat sb;
	REQUIRE(stat(good, &sb) == 0);

	/* Cut short: half the file. */
	snprintf(path, sizeof path, "%s/truncated.db", gn_test_tmpdir());
	copy_file(good, path, sb.st_size / 2, -1);
	refused(path, GN_ERR_NOT_GONHA, "damaged");
	/* Bytes flipped inside a page (past the header). */
	snprintf(path, sizeof path, "%s/flipped.db", gn_test_tmpdir());
	copy_file(good, path, -1, 4096);
	refused(path, GN_ERR_NOT_GONHA, "damaged");
	/* Bytes flipped in the header. */
	snprintf(path, sizeof path, "%s/header.db", gn_test_tmpdir());
	copy_file(good, path, -1, 0);
	refused(path, GN_ERR_NOT_GONHA, "not a gonha database");
	/* Not a database at all, an empty file, a missing one. */
	snprintf(path, sizeof path, "%s/notes.txt", gn_test_tmpdir());
	FILE *fp = fopen(path, "w");
	fputs("Danh sách hộ gia đình, không phải cơ sở dữ liệu\n", fp);
	fclose(fp);
	refused(path, GN_ERR_NOT_GONHA, "not a gonha database");
	snprintf(path, sizeof path, "%s/empty.db", gn_test_tmpdir());
	fclose(fopen(path, "w"));
	refused(path, GN_ERR_NOT_GONHA, NULL);
	snprintf(path, sizeof path, "%s/missing.db", gn_test_tmpdir());
	refused(path, GN_ERR_IO, NULL);
	/* An SQLite database that is not gonha's. */
	snprintf(path, sizeof path, "%s/plain.sqlite", gn_test_tmpdir());
	sqlite3 *plain = NULL;
	sqlite3_open(path, &plain);
	sqlite3_exec(plain, "CREATE TABLE t(x); INSERT INTO t VALUES (1)", NULL, NULL, NULL);
	sqlite3_close(plain);
	refused(path, GN_ERR_NOT_GONHA, "not a gonha database");
	/* A gonha database from a newer gonha. */
	snprintf(path, sizeof path, "%s/newer.db", gn_test_tmpdir());
	copy_file(good, path, -1, -1);
	sqlite3 *newer = NULL;
	sqlite3_open(path, &newer);
	sqlite3_exec(newer, "PRAGMA user_version = 999", NULL, NULL, NULL);
	sqlite3_close(newer);
	refused(path, GN_ERR_VERSION, "newer gonha");
	/* Another ward's database: refused unless asked for on purpose. */
	refused(other_ward, GN_ERR_CONFLICT, "another ward (Phường Khác)");
	char kept[1024];
	CHECK_EQ_INT(gn_restore(&ctx, db_path, other_ward, true, kept, sizeof kept, &err), GN_OK);
	char *name = gn_ward_name(ctx.db);
	CHECK_STR(name, "Phường Khác");
	free(name);
	/* The good file restores (the check alone changes nothing either). */
	CHECK_EQ_INT(gn_restore_check(ctx.db, good, false, &err), GN_ERR_CONFLICT);
	CHECK_EQ_INT(gn_restore_check(ctx.db, good, true, &err), GN_OK);
	teardown();
}

/* A backup gonha made is restored on its manifest's digest and a
 * quick_check; a file without its manifest (a foreign file), or one
 * changed since, gets the full integrity_check. Shown with damage only
 * the full check finds (an index whose definition no longer matches its
 * entries): the backup was made of it, as quick_check passes it. */
static void a_gonha_backup_is_restored_on_its_digest(void)
{
	setup();
	gn_err err = { 0 };
	gn_household hh;
	save_family(&hh, "01");
	gn_household_free(&hh);
	teardown();
	sqlite3 *raw = NULL;
	REQUIRE(sqlite3_open(db_path, &raw) == SQLITE_OK);
	REQUIRE(sqlite3_exec(raw, "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = replace(sql, "
	                          "'person(name_key)', 'person(full_name)') WHERE name = 'person_name_key'",
	                     NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(raw);
	REQUIRE(gn_db_open(db_path, 0, &ctx.db, &err) == GN_OK);
	REQUIRE(gn_sign_in(&ctx, "admin", "secret1", &err) == GN_OK);
	char made[600], manifest[700], foreign[600], bent[600], bent_manifest[700], kept[1024];
	snprintf(made, sizeof made, "%s/indexed.db", gn_test_tmpdir());
	snprintf(manifest, sizeof manifest, "%s.manifest", made);
	mode_t old_mask = umask(0);
	REQUIRE(gn_backup_to_file(&ctx, made, &err) == GN_OK);
	umask(old_mask);
	CHECK_EQ_INT(mode_of(manifest), 0600);
	/* the same bytes without the manifest: the full check, refused */
	snprintf(foreign, sizeof foreign, "%s/foreign.db", gn_test_tmpdir());
	copy_file(made, foreign, -1, -1);
	refused(foreign, GN_ERR_NOT_GONHA, "damaged");
	/* one byte changed after the manifest was written (the header's change
	 * counter, which nothing checks): the full check, refused */
	snprintf(bent, sizeof bent, "%s/bent.db", gn_test_tmpdir());
	snprintf(bent_manifest, sizeof bent_manifest, "%s.manifest", bent);
	copy_file(made, bent, -1, -1);
	copy_file(manifest, bent_manifest, -1, -1);
	FILE *fp = fopen(bent, "r+b");
	REQUIRE(fp && fseek(fp, 27, SEEK_SET) == 0);
	int c = fgetc(fp);
	REQUIRE(fseek(fp, 27, SEEK_SET) == 0 && fputc(c ^ 1, fp) != EOF);
	fclose(fp);
	refused(bent, GN_ERR_NOT_GONHA, "damaged");
	/* as gonha made it: the digest, a quick_check, restored */
	CHECK_EQ_INT(gn_restore(&ctx, db_path, made, false, kept, sizeof kept, &err), GN_OK);
	CHECK(kept[0] != '\0');
	/* a manifest that says something else is not believed either */
	FILE *m = fopen(bent_manifest, "w");
	REQUIRE(m);
	fputs("gonha-backup 1\nsize 12\nblake2b 00\n", m);
	fclose(m);
	refused(bent, GN_ERR_NOT_GONHA, "damaged");
	teardown();
}

static void demo_ward_id_is_deterministic(void)
{
	char *ids[2] = { NULL, NULL };
	for (int i = 0; i < 2; i++) {
		sqlite3 *db = NULL;
		gn_err err = { 0 };
		gn_demo_options opt;
		gn_demo_defaults(&opt);
		opt.tdps = 1;
		opt.households = 1;
		opt.seed = 7;
		char path[600];
		snprintf(path, sizeof path, "%s/demo%d.db", gn_test_tmpdir(), i);
		REQUIRE(gn_db_open(path, GN_DB_CREATE, &db, &err) == GN_OK);
		CHECK_EQ_INT(gn_demo_build(db, &opt, NULL, NULL, &err), GN_OK);
		ids[i] = gn_ward_id(db);
		gn_db_close(db);
	}
	CHECK(ids[0] && strlen(ids[0]) == 36);
	CHECK_STR(ids[0], ids[1]);
	free(ids[0]);
	free(ids[1]);
}

GN_TESTS(T(cccd_is_masked_except_on_the_own_form), T(erasure_blanks_the_person_and_scrubs_the_log),
         T(the_days_snapshot_comes_once_a_day_after_a_change), T(snapshots_are_bounded),
         T(a_bad_day_is_undone_and_a_restored_ward_is_copied), T(a_damaged_ward_gets_no_snapshot),
         T(backup_and_restore_round_trip),
         T(damaged_or_foreign_restores_change_nothing), T(a_gonha_backup_is_restored_on_its_digest),
         T(demo_ward_id_is_deterministic))
