/* The accounts screen, the audit log screen and switching user, end to end:
 * the real binary on a pseudo-terminal (term.h) over a small demo ward; the
 * database is checked with plain SQL. Every wait is for screen text. */
#include "testlib.h"
#include "term.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define WAIT(t, text) CHECK_EQ_INT(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, text) REQUIRE(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS) == 0)

static const char *bin(void)
{
	const char *b = getenv("GONHA_BIN");
	return b && *b ? b : "./gonha";
}

static char db[512];

/* A fresh demo ward (2 TDPs of 20 households) in the test's directory. */
static void make_demo(const char *name)
{
	char cmd[2048];
	snprintf(db, sizeof db, "%s/%s", gn_test_tmpdir(), name);
	snprintf(cmd, sizeof cmd, "GONHA_NOW=2026-11-20T09:00:00Z '%s' demo --db '%s' --tdps 2 --households 20 >/dev/null 2>&1",
	         bin(), db);
	if (system(cmd) != 0) {
		fprintf(stderr, "demo failed: %s\n", cmd);
		exit(2);
	}
}

static gn_term *start(void)
{
	char *argv[] = { (char *)bin(), "--db", db, NULL };
	char *env[] = { "GONHA_NOW=2026-11-20T09:00:00Z", "GONHA_LANG=", NULL };
	return gn_term_spawn(24, 80, argv, env);
}

/* Signs in and waits for the home screen's title: "login · ...". */
static int sign_in(gn_term *t, const char *user, const char *password)
{
	char title[128];
	if (gn_term_wait_for(t, "Tên đăng nhập:", GN_TERM_WAIT_MS) != 0)
		return -1;
	gn_term_type(t, user);
	gn_term_key(t, "Enter");
	gn_term_type(t, password);
	gn_term_key(t, "Enter");
	snprintf(title, sizeof title, "%s · ", user);
	return gn_term_wait_for(t, title, GN_TERM_WAIT_MS);
}

static long query_int(const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	long n = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		fprintf(stderr, "  query failed: %s: %s\n", sql, sqlite3_errmsg(h));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

static void quit(gn_term *t)
{
	int status = -1;
	gn_term_key(t, "C-q");
	CHECK_EQ_INT(gn_term_wait_exit(t, GN_TERM_WAIT_MS, &status), 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	gn_term_free(t);
}

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
	WAIT(t, "login: lan");
	char *row4 = gn_term_row(t, 4);
	CHECK(row4 && strstr(row4, "admin") && strstr(row4, "create") && strstr(row4, "users"));
	free(row4);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Trường: cũ → mới");
	WAIT(t, "display_name: — → Nguyễn Thị Lan");
	WAIT(t, "role: — → tech_team");
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "e Xuất CSV");
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

	/* switch user (Shift-L): back to the sign-in screen, no restart */
	gn_term_type(t, "L");
	REQUIRE_WAIT(t, "Đã đăng xuất");
	REQUIRE(sign_in(t, "lan", "matkhau1") == 0);
	WAIT(t, "02  Tổ dân phố 2");
	CHECK(!gn_term_contains(t, "01  Tổ dân phố 1"));
	CHECK(!gn_term_contains(t, "u Tài khoản"));
	gn_term_type(t, "u");
	WAIT(t, "chỉ cán bộ phường mới được làm việc này");
	/* Ctrl-L too, from the TDP list */
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "20 hộ");
	gn_term_key(t, "C-l");
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
	CHECK(!gn_term_contains(t, "Tài khoản"));
	CHECK(!gn_term_contains(t, "Nhật ký"));
	gn_term_type(t, "u");
	WAIT(t, "chỉ cán bộ phường mới được làm việc này");
	CHECK(!gn_term_contains(t, "tài khoản"));
	gn_term_type(t, "j");                                     /* clears the message */
	REQUIRE(gn_term_wait_gone(t, "chỉ cán bộ phường", GN_TERM_WAIT_MS) == 0);
	gn_term_type(t, "a");
	WAIT(t, "chỉ cán bộ phường mới được làm việc này");
	CHECK(!gn_term_contains(t, "Nhật ký thay đổi"));
	quit(t);
}

GN_TESTS(T(officer_adds_a_user_then_switches_to_it), T(tdp_leader_is_refused))
