/* The accounts screen, the audit log screen and switching user, end to end:
 * the real binary on a pseudo-terminal (term.h) over a small demo ward; the
 * database is checked with plain SQL. Every wait is for screen text, but
 * one for the file of the day's snapshot, which a thread makes. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"
#include "term.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#define bin gn_e2e_bin
#define db gn_ui_db()
#define make_demo(name) gn_ui_demo(name, 2, 20)
#define start() gn_ui_start(24, 80, NULL, NULL)
#define query_int gn_ui_query_int
#define quit gn_ui_quit

/* Signs in and waits for the home screen's title: "login · ...". */
static int sign_in(gn_term *t, const char *user, const char *password)
{
	char title[128];
	snprintf(title, sizeof title, "%s · ", user);
	return gn_ui_sign_in(t, user, password, title);
}

#define WAIT(t, text) CHECK_EQ_INT(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, text) REQUIRE(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS) == 0)

/* The ward officer adds a user (after every kind of bad input, which
 * changes nothing), sees it in the list and its creation in the audit log,
 * exports the log, switches to the new user without a restart, and that
 * user sees only their TDP and may not open the accounts. */
static void officer_adds_a_user_then_switches_to_it(void)
{
	make_demo("accounts.db");
	gn_term *t = start();
	REQUIRE(t);
	REQUIRE(sign_in(t, "admin", "demo") == 0);
	WAIT(t, "u Tài khoản");
	gn_term_type(t, "u");
	REQUIRE_WAIT(t, "3 tài khoản");
	WAIT(t, "tdp02");

	gn_term_type(t, "a");
	REQUIRE_WAIT(t, "Tài khoản mới");
	gn_term_key(t, "C-s");                                     /* empty login */
	WAIT(t, "tên đăng nhập đang để trống");
	gn_term_type(t, "a-very-long-login-name-typed-by-mistake"); /* 39 > 32 */
	gn_term_key(t, "C-s");
	WAIT(t, "tên đăng nhập quá dài");
	gn_term_key(t, "C-u");
	gn_term_type(t, "lan");
	gn_term_key(t, "Enter");
	gn_term_type(t, "Nguyễn Thị Lan");
	gn_term_key(t, "Enter");
	gn_term_type(t, "2");                                      /* tech team */
	WAIT(t, "[2 tổ công nghệ số]");
	gn_term_key(t, "Enter");
	gn_term_type(t, "07");                                     /* no such TDP */
	gn_term_key(t, "Enter");
	gn_term_type(t, "ab");                                     /* too short */
	gn_term_key(t, "Enter");
	gn_term_type(t, "ab");
	gn_term_key(t, "Enter");
	WAIT(t, "mật khẩu quá ngắn");
	gn_term_key(t, "C-u");
	gn_term_type(t, "matkhau1");
	gn_term_key(t, "Enter");
	gn_term_type(t, "matkhau2");                               /* differs */
	gn_term_key(t, "Enter");
	WAIT(t, "Hai mật khẩu không giống nhau");
	gn_term_type(t, "matkhau1");
	gn_term_key(t, "Enter");
	WAIT(t, "không có TDP mã 07");
	CHECK_EQ_INT(query_int("SELECT count(*) FROM users"), 3);  /* nothing changed */
	CHECK_EQ_INT(query_int("SELECT count(*) FROM audit_log WHERE table_name = 'users'"), 0);
	gn_term_key(t, "C-u");
	gn_term_type(t, "02");
	gn_term_key(t, "C-s");
	REQUIRE_WAIT(t, "Đã thêm lan");
	WAIT(t, "Nguyễn Thị Lan");
	WAIT(t, "tổ công nghệ số 02");
	CHECK_EQ_INT(query_int("SELECT count(*) FROM users WHERE login = 'lan' AND role = 'tech_team'"), 1);

	/* the audit log: the creation, newest first, its changes, the CSV */
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "a Nhật ký");
	gn_term_type(t, "a");
	REQUIRE_WAIT(t, "Nhật ký thay đổi (mới nhất trước)");
	/* in Vietnamese, words and all: what was done, to what, each field */
	WAIT(t, "tên đăng nhập: lan");
	char *row4 = gn_term_row(t, 4);
	CHECK(row4 && strstr(row4, "admin") && strstr(row4, "thêm mới") && strstr(row4, "tài khoản"));
	CHECK(row4 && strstr(row4, "2026-11-20 16:00")); /* 09:00 UTC on the PC's clock (UTC+7) */
	free(row4);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Trường: cũ → mới");
	WAIT(t, "Lúc: 2026-11-20 16:00");
	WAIT(t, "Việc: thêm mới tài khoản");
	WAIT(t, "họ tên: — → Nguyễn Thị Lan");
	WAIT(t, "vai trò: — → tổ công nghệ số");
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "e Xuất CSV"); /* the audit screen's bar */
	gn_term_type(t, "f");
	gn_term_type(t, "action:create date:2026-11-31x");
	gn_term_key(t, "Enter");
	WAIT(t, "không viết theo dạng");                           /* at the filter line */
	gn_term_key(t, "C-u");
	gn_term_type(t, "user:admin action:create");
	gn_term_key(t, "Enter");
	WAIT(t, "Lọc: user:admin action:create");
	WAIT(t, "trang 1/1 · 1 mục");
	gn_term_type(t, "e");
	WAIT(t, "audit-2026-11-20.csv");
	char csv[700];
	struct stat sb;
	snprintf(csv, sizeof csv, "%s/audit-2026-11-20.csv", gn_test_tmpdir());
	CHECK(stat(csv, &sb) == 0 && (sb.st_mode & 0777) == 0600);

	/* switch user (Shift-L), asked: back to the sign-in screen, no restart */
	gn_term_type(t, "L");
	REQUIRE_WAIT(t, "Đăng xuất? [c/y: đăng xuất");
	gn_term_type(t, "c");
	REQUIRE_WAIT(t, "Đã đăng xuất");
	REQUIRE(sign_in(t, "lan", "matkhau1") == 0);
	WAIT(t, "02  Tổ dân phố 2");
	CHECK_EQ_INT(gn_term_wait_gone(t, "01  Tổ dân phố 1", GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_term_wait_gone(t, "u Tài khoản", GN_TERM_WAIT_MS), 0);
	gn_term_type(t, "u");
	WAIT(t, "chỉ cán bộ phường mới được làm việc này");
	/* from the TDP list too; Ctrl-L only redraws there */
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "20 hộ");
	gn_term_key(t, "C-l");
	gn_term_wait_quiet(t, 200, GN_TERM_WAIT_MS);
	CHECK(gn_term_contains(t, "20 hộ") && !gn_term_contains(t, "Đăng xuất?"));
	gn_term_type(t, "L");
	REQUIRE_WAIT(t, "Đăng xuất?");
	gn_term_type(t, "c");
	REQUIRE_WAIT(t, "Đã đăng xuất");
	REQUIRE(sign_in(t, "admin", "demo") == 0);
	WAIT(t, "01  Tổ dân phố 1");
	quit(t);
}

/* A TDP leader is not offered the accounts and audit keys and, pressing
 * them anyway, is refused by the domain. */
static void tdp_leader_is_refused(void)
{
	make_demo("refused.db");
	gn_term *t = start();
	REQUIRE(t);
	REQUIRE(sign_in(t, "tdp01", "demo") == 0);
	WAIT(t, "L Đăng xuất");
	CHECK_EQ_INT(gn_term_wait_gone(t, "Tài khoản", GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_term_wait_gone(t, "Nhật ký", GN_TERM_WAIT_MS), 0);
	gn_term_type(t, "u");
	WAIT(t, "chỉ cán bộ phường mới được làm việc này");
	CHECK_EQ_INT(gn_term_wait_gone(t, "tài khoản", GN_TERM_WAIT_MS), 0);
	gn_term_type(t, "j");                                     /* clears the message */
	REQUIRE(gn_term_wait_gone(t, "chỉ cán bộ phường", GN_TERM_WAIT_MS) == 0);
	gn_term_type(t, "a");
	WAIT(t, "chỉ cán bộ phường mới được làm việc này");
	CHECK_EQ_INT(gn_term_wait_gone(t, "Nhật ký thay đổi", GN_TERM_WAIT_MS), 0);
	quit(t);
	/* both refusals are in the log, for the ward officer to see */
	CHECK(query_int("SELECT count(*) FROM audit_log WHERE action = 'refused' AND user_login = 'tdp01'") == 2);
}

/* A sysfs tree in which the database's disk is `kind`: "plain" or "luks";
 * its root in out. */
static void fake_sysfs(const char *kind, char *out, size_t size)
{
	struct stat sb;
	REQUIRE(stat(db, &sb) == 0);
	snprintf(out, size, "%s/sys-%s", gn_test_tmpdir(), kind);
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s/dev/block' '%s/devices/disk0/dm' && "
	         "ln -s ../../devices/disk0 '%s/dev/block/%u:%u'", out, out, out, out, major(sb.st_dev),
	         minor(sb.st_dev));
	REQUIRE(system(cmd) == 0);
	if (strcmp(kind, "luks") == 0) {
		snprintf(cmd, sizeof cmd, "echo CRYPT-LUKS2-0123-disk0 > '%s/devices/disk0/dm/uuid'", out);
		REQUIRE(system(cmd) == 0);
	}
}

/* Where Linux shows that the database's disk is not encrypted, the ward
 * officer's home screen says so (a TDP leader is not the one to act on
 * it); an encrypted disk, or one that cannot be seen, says nothing. */
static void the_officer_hears_of_a_plain_disk(void)
{
	make_demo("disk.db");
	struct stat sb;
	REQUIRE(stat(db, &sb) == 0);
	if (major(sb.st_dev) == 0)
		SKIP("the test folder is on a filesystem with no block device");
	char root[1024], env[1100];
	fake_sysfs("plain", root, sizeof root);
	snprintf(env, sizeof env, "GONHA_SYSFS=%s", root);
	gn_term *t = gn_ui_start(24, 80, NULL, env);
	REQUIRE(t);
	REQUIRE(sign_in(t, "admin", "demo") == 0);
	WAIT(t, "Ổ đĩa không được mã hoá: mất máy là lộ dữ liệu. Hãy bật BitLocker hoặc LUKS.");
	quit(t);
	t = gn_ui_start(24, 80, NULL, env);
	REQUIRE(t);
	REQUIRE(sign_in(t, "tdp01", "demo") == 0);
	WAIT(t, "L Đăng xuất");
	CHECK_EQ_INT(gn_term_wait_gone(t, "mã hoá", GN_TERM_WAIT_MS), 0);
	quit(t);
	fake_sysfs("luks", root, sizeof root);
	snprintf(env, sizeof env, "GONHA_SYSFS=%s", root);
	t = gn_ui_start(24, 80, NULL, env);
	REQUIRE(t);
	REQUIRE(sign_in(t, "admin", "demo") == 0);
	WAIT(t, "a Nhật ký");
	CHECK_EQ_INT(gn_term_wait_gone(t, "mã hoá", GN_TERM_WAIT_MS), 0);
	quit(t);
}

/* Waits for a file the UI makes in a thread, as long as for screen text. */
static bool wait_for_file(const char *path)
{
	for (int i = 0; i < GN_TERM_WAIT_MS / 20 && access(path, F_OK) != 0; i++)
		usleep(20 * 1000);
	return access(path, F_OK) == 0;
}

/* Snapshots in the folder, finished or not (a .part counts; manifests do
 * not). */
static int snapshots_in(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		n += strncmp(e->d_name, "ward-", 5) == 0 &&
		     ((len > 3 && strcmp(e->d_name + len - 3, ".db") == 0) ||
		      (len > 8 && strcmp(e->d_name + len - 8, ".db.part") == 0));
	}
	if (d)
		closedir(d);
	return n;
}

/* The day's snapshot comes at start-up when the ward changed since the
 * newest one, and never at a sign-out or a quit (what they cost is the
 * bench's: no copy). */
static void the_days_snapshot_comes_at_start_not_at_sign_out(void)
{
	make_demo("snap.db");
	char dir[700], today[800];
	snprintf(dir, sizeof dir, "%s.backups", db);
	snprintf(today, sizeof today, "%s/ward-20261120-090000.db", dir);
	/* the day before: a snapshot of the ward as it is */
	REQUIRE(gn_e2e_run_env("TZ=UTC GONHA_NOW=2026-11-19T08:00:00Z GONHA_USER=admin GONHA_PASSWORD=demo",
	                       "backup --db snap.db") == 0);
	REQUIRE(snapshots_in(dir) == 1);
	/* today, nothing changed since: a sign-in, a switch of user, a quit */
	gn_term *t = start();
	REQUIRE(t);
	REQUIRE(sign_in(t, "admin", "demo") == 0);
	gn_term_type(t, "L");
	REQUIRE_WAIT(t, "Đăng xuất?");
	gn_term_type(t, "c");
	REQUIRE_WAIT(t, "Đã đăng xuất");
	REQUIRE(sign_in(t, "tdp01", "demo") == 0);
	quit(t);
	CHECK_EQ_INT(snapshots_in(dir), 1);
	/* a change late the day before, after its snapshot (the command's own
	 * daily look finds that day's copy made) */
	CHECK_EQ_INT(gn_e2e_run_env("TZ=UTC GONHA_NOW=2026-11-19T10:00:00Z GONHA_USER=admin GONHA_PASSWORD=demo "
	                            "GONHA_NEW_PASSWORD=matkhau1", "user add hoa --tdp 01 --db snap.db"), 0);
	CHECK_EQ_INT(snapshots_in(dir), 1);
	/* today's start copies it, before anyone signs in */
	t = start();
	REQUIRE(t);
	CHECK(wait_for_file(today));
	REQUIRE(sign_in(t, "admin", "demo") == 0);
	quit(t);
	CHECK_EQ_INT(snapshots_in(dir), 2);
}

/* A damaged ward is not copied, and the screen says so (issue 14), in
 * the words of the process that tried. */
static void a_damaged_ward_is_not_snapshotted_and_the_screen_says_so(void)
{
	gn_ui_demo("damaged.db", 2, 30);
	char cmd[1024], dir[700];
	snprintf(cmd, sizeof cmd, "printf '\\015\\000\\000\\000\\377\\377' | dd of='%s' bs=1 seek=%d conv=notrunc "
	         "2>/dev/null", db, 4096 * 6);
	REQUIRE(system(cmd) == 0);
	gn_term *t = start();
	REQUIRE(t);
	WAIT(t, "Chưa tạo được bản sao lưu hằng ngày: tệp dữ liệu bị hỏng");
	gn_ui_quit_at_sign_in(t); /* said on the sign-in screen */
	snprintf(dir, sizeof dir, "%s.backups", db);
	CHECK_EQ_INT(snapshots_in(dir), 0);
}

GN_TESTS(T(officer_adds_a_user_then_switches_to_it), T(tdp_leader_is_refused), T(the_officer_hears_of_a_plain_disk),
         T(the_days_snapshot_comes_at_start_not_at_sign_out), T(a_damaged_ward_is_not_snapshotted_and_the_screen_says_so))
