/* A screen that never surprises (issue 15): quitting and signing out are
 * asked, what is typed is in the draft before any quit and after a second
 * without keys (so a kill keeps the field under the cursor), discarding a
 * draft is asked, one meaning per key (F2 saves, Ctrl-L redraws, L signs
 * out), a visited household with nobody in it is a warning to confirm, and
 * a pasted newline stays in the field. */
#include "testlib.h"
#include "ui_fixtures.h"
#include "term.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define WAIT(t, s) CHECK_EQ_INT(gn_term_wait_for((t), (s), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, s) REQUIRE(gn_term_wait_for((t), (s), GN_TERM_WAIT_MS) == 0)

/* Drafts are sealed at rest: counted here, their content read back from
 * the draft prompt ("3B" in it). */
static const char *DRAFT_3B = "SELECT count(*) FROM draft";

/* Until the ward's file answers want to sql: the draft is written by gonha
 * on its own (no key for a second), so the test waits for that state,
 * looking again each time gonha has been quiet a moment. */
static int wait_query(gn_term *t, const char *sql, long want)
{
	for (int i = 0; i < 150; i++) {
		if (gn_ui_query_int(sql) == want)
			return 0;
		gn_term_wait_quiet(t, 100, GN_TERM_WAIT_MS);
	}
	return -1;
}

#define signed_in gn_ui_signed_in

/* Ctrl-Q in a new household asks, says the draft is kept, and the draft
 * holds the field being typed ("3B", never left); q on a list asks; x at
 * the draft prompt asks before the draft is gone. */
static void quit_is_asked_and_keeps_the_field(void)
{
	gn_term *t = gn_ui_fresh_household("quit.db", "tdp01", "3B");
	REQUIRE(t);
	REQUIRE_WAIT(t, "Hộ mới 3B");
	gn_term_key(t, "C-q");
	WAIT(t, "Hộ này chưa lưu; những gì đã gõ được giữ trong bản nháp. Thoát gonha?");
	WAIT(t, "thoát · k/n/Esc: ở lại]");
	CHECK_EQ_INT(gn_ui_query_int(DRAFT_3B), 1); /* written before the question */
	gn_term_type(t, "k");                       /* stay */
	CHECK_EQ_INT(gn_term_wait_gone(t, "Thoát gonha?", GN_TERM_WAIT_MS), 0);
	CHECK(gn_term_contains(t, "Hộ mới 3B"));
	gn_ui_quit(t);
	CHECK_EQ_INT(gn_ui_query_int(DRAFT_3B), 1);

	/* the draft prompt: x asks before the draft goes */
	t = signed_in("tdp01", "Khôi phục?");
	REQUIRE(t);
	WAIT(t, "bản nháp chưa lưu (3B");
	gn_term_type(t, "x");
	WAIT(t, "Bỏ hẳn bản nháp này? Những gì trong đó không lấy lại được.");
	gn_term_type(t, "k");
	CHECK_EQ_INT(gn_term_wait_gone(t, "Bỏ hẳn", GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_ui_query_int(DRAFT_3B), 1);
	/* q on the home screen asks; no stays */
	gn_term_type(t, "q");
	WAIT(t, "Thoát gonha? [c/y: thoát · k/n/Esc: ở lại]"); /* one line here */
	gn_term_type(t, "n");
	CHECK_EQ_INT(gn_term_wait_gone(t, "Thoát gonha?", GN_TERM_WAIT_MS), 0);
	CHECK(gn_term_contains(t, "Số người"));
	/* Esc on the home screen leads out of gonha too: asked the same way */
	gn_term_key(t, "Esc");
	WAIT(t, "Thoát gonha? [c/y: thoát · k/n/Esc: ở lại]");
	gn_term_type(t, "k");
	CHECK_EQ_INT(gn_term_wait_gone(t, "Thoát gonha?", GN_TERM_WAIT_MS), 0);
	CHECK(gn_term_contains(t, "Số người"));
	gn_term_type(t, "q");
	WAIT(t, "Thoát gonha?");
	gn_term_type(t, "c");
	int status = -1;
	CHECK_EQ_INT(gn_term_wait_exit(t, GN_TERM_WAIT_MS, &status), 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	gn_term_free(t);

	/* x, then yes: gone */
	t = signed_in("tdp01", "Khôi phục?");
	REQUIRE(t);
	gn_term_type(t, "x");
	WAIT(t, "Bỏ hẳn bản nháp này?");
	gn_term_type(t, "c");
	CHECK_EQ_INT(gn_term_wait_gone(t, "Bỏ hẳn", GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_ui_query_int(DRAFT_3B), 0);
	gn_ui_quit(t);
}

/* A kill while a field is being typed: a second without keys puts it in
 * the draft, which comes back. */
static void a_kill_keeps_the_field_being_typed(void)
{
	gn_term *t = gn_ui_fresh_household("kill.db", "tdp01", "3B");
	REQUIRE(t);
	REQUIRE_WAIT(t, "Hộ mới 3B");
	CHECK_EQ_INT(wait_query(t, DRAFT_3B, 1), 0);
	gn_term_signal(t, SIGKILL);
	gn_term_free(t);
	t = signed_in("tdp01", "Khôi phục?");
	REQUIRE(t);
	WAIT(t, "bản nháp chưa lưu (3B");
	gn_term_key(t, "Enter");
	WAIT(t, "Hộ mới 3B");
	gn_ui_quit(t);
}

/* One meaning per key: Ctrl-L and F2 do not sign out of a list; L asks;
 * F2 saves in a form; the ward officer's home bar shows sign-out. */
static void each_key_means_one_thing(void)
{
	gn_term *t = gn_ui_fresh("keys.db", 2, 10, "admin");
	REQUIRE(t);
	WAIT(t, "q Thoát L Đăng xuất u Tài khoản a Nhật ký");
	gn_term_key(t, "C-l");
	gn_term_key(t, "F2");
	gn_term_wait_quiet(t, 300, GN_TERM_WAIT_MS);
	CHECK(gn_term_contains(t, "Số người"));
	CHECK_EQ_INT(gn_term_wait_gone(t, "Đăng nhập", GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_term_wait_gone(t, "Đăng xuất?", GN_TERM_WAIT_MS), 0);
	gn_term_key(t, "F1");
	WAIT(t, "Đăng xuất để người khác đăng nhập (hỏi trước");
	/* each help whole, wrapped at words in its column at 80 columns */
	WAIT(t, "nháp được giữ)");
	gn_term_key(t, "End"); /* the help is longer than the screen: it scrolls */
	WAIT(t, "Vẽ lại màn hình");
	gn_term_key(t, "Esc");
	WAIT(t, "Số người");
	/* in a form F2 saves */
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "10 hộ");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Số nhà");
	gn_term_key(t, "C-l");                       /* redraws, nothing else */
	gn_term_key(t, "F2");
	WAIT(t, "Đã lưu: hộ");
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "10 hộ");
	gn_term_type(t, "L");
	WAIT(t, "Đăng xuất? [c/y: đăng xuất · k/n/Esc: ở lại]");
	gn_term_type(t, "c");
	WAIT(t, "Đã đăng xuất");
	gn_term_key(t, "C-q");                       /* not signed in: not asked */
	int status = -1;
	CHECK_EQ_INT(gn_term_wait_exit(t, GN_TERM_WAIT_MS, &status), 0);
	gn_term_free(t);
}

/* A household marked done with nobody in it: asked, not refused. */
static void empty_visited_household_is_a_warning(void)
{
	gn_term *t = gn_ui_fresh_household("empty.db", "tdp01", "91");
	REQUIRE(t);
	gn_term_key(t, "Enter");
	gn_term_key(t, "Enter");
	gn_term_key(t, "C-u");
	gn_term_type(t, "Hàng Bông");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Đã khảo sát xong");
	gn_term_type(t, "2");                         /* done */
	REQUIRE_WAIT(t, "Ngày đến hộ");
	gn_term_key(t, "C-u");
	gn_term_type(t, "20/11/2026");
	gn_term_key(t, "Enter");
	gn_term_key(t, "C-s");
	WAIT(t, "Hộ này ghi là đã đến nhưng chưa có ai trong hộ.");
	gn_term_type(t, "k");
	WAIT(t, "Chưa lưu: Enter ở danh sách thành viên để thêm người.");
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM household WHERE house_no = '91'"), 0);
	gn_term_key(t, "C-s");
	WAIT(t, "chưa có ai trong hộ");
	gn_term_type(t, "c");
	WAIT(t, "Đã lưu: hộ 91");
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM household WHERE house_no = '91' AND visit_status = 'done'"),
	             1);
	gn_ui_quit(t);
}

/* A paste with a newline, arriving in two pieces as a long one may: the
 * newline stays in the field as a space. */
static void a_pasted_newline_stays_in_the_field(void)
{
	gn_term *t = gn_ui_fresh_household("paste.db", "tdp01", "\x1b[200~12");
	REQUIRE(t);
	REQUIRE_WAIT(t, "Số nhà                 12");
	gn_term_type(t, "\nXYZ\r\nW\x1b[201~");
	/* the newlines are spaces in the field ("\r\n" two of them) */
	WAIT(t, "Số nhà                 12 XYZ  W\n");
	char *row = gn_term_row(t, 4);
	CHECK(row && strstr(row, "Ngõ/ngách") && !strstr(row, "XYZ"));
	free(row);
	gn_ui_quit(t);
}

GN_TESTS(T(quit_is_asked_and_keeps_the_field), T(a_kill_keeps_the_field_being_typed), T(each_key_means_one_thing),
         T(empty_visited_household_is_a_warning), T(a_pasted_newline_stays_in_the_field))
