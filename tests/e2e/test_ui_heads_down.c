/* Heads-down entry (issue 15), as CSPro does it: a field whose form fixes
 * its length (the four-digit birth year, the 12-digit CCCD, a date typed
 * whole) moves on by itself when full; the Enter typed by habit right after
 * is taken as done, so it never skips a field. A per-account setting
 * (Ctrl-O), on by default. The keys are counted: an adult costs two keys
 * fewer with it on. */
#include "testlib.h"
#include "ui_fixtures.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAIT(t, s) CHECK_EQ_INT(gn_term_wait_for((t), (s), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, s) REQUIRE(gn_term_wait_for((t), (s), GN_TERM_WAIT_MS) == 0)

static int keys; /* keys sent to gonha since the count was last reset */

static void key(gn_term *t, const char *name)
{
	gn_term_key(t, name);
	keys++;
}

static void type(gn_term *t, const char *utf8)
{
	gn_term_type(t, utf8);
	for (const char *s = utf8; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			keys++; /* one key a character */
}

/* The hints that say which field the cursor is on. */
#define ON_SEX "1 Nam  2 Nữ"
#define ON_RELATION "Mỗi hộ có đúng một chủ hộ"
#define ON_CCCD "Không bắt buộc. 12 chữ số"
#define ON_GROUP "Nhóm theo Quyết định 757"
#define ON_YEAR "Bốn chữ số, ví dụ 1968"
#define ON_VISITOR "Mặc định là người đang đăng nhập"

/* One adult typed from the name to the group question: the keys it took
 * in *count. sex and relation: the choice's number. */
static void one_adult(gn_term *t, const char *name, const char *year, const char *sex, const char *relation,
                      const char *cccd, bool heads_down, int *count)
{
	keys = 0;
	type(t, name);
	key(t, "Enter");
	REQUIRE_WAIT(t, ON_YEAR);
	type(t, year);
	if (!heads_down) {
		WAIT(t, year);
		CHECK(gn_term_contains(t, ON_YEAR)); /* four digits: still here */
		key(t, "Enter");
	}
	REQUIRE_WAIT(t, ON_SEX);
	type(t, sex);
	REQUIRE_WAIT(t, ON_RELATION);
	type(t, relation);
	REQUIRE_WAIT(t, ON_CCCD);
	type(t, cccd);
	if (!heads_down) {
		WAIT(t, cccd);
		key(t, "Enter");
	}
	REQUIRE_WAIT(t, ON_GROUP);
	*count = keys;
}

static void heads_down_moves_on_and_takes_the_enter(void)
{
	gn_term *t = gn_ui_fresh("heads.db", 2, 10, "tdp01");
	REQUIRE(t);
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM user_setting"), 0); /* the default: on */
	REQUIRE(gn_ui_visited_household(t, 10, "12", "Hàng Bông") == 0);
	/* a date typed whole moves on */
	gn_term_key(t, "C-u");
	gn_term_type(t, "20/11/2026");
	REQUIRE_WAIT(t, ON_VISITOR);
	/* the Enter of habit is taken as done: still on the visitor */
	gn_term_key(t, "Enter");
	gn_term_wait_quiet(t, 300, GN_TERM_WAIT_MS);
	CHECK(gn_term_contains(t, ON_VISITOR));
	gn_term_key(t, "C-t");
	REQUIRE_WAIT(t, "người 1/1");

	/* the head, heads-down: the year and the CCCD move on by themselves */
	int on = -1, off = -1;
	one_adult(t, "Lê Văn Cường", "1975", "1", "1", "001075000321", true, &on); /* a man, the head */
	/* the Enter right after the CCCD moved on: taken, the group stays */
	gn_term_key(t, "Enter");
	gn_term_wait_quiet(t, 300, GN_TERM_WAIT_MS);
	CHECK(gn_term_contains(t, ON_GROUP));
	/* a second Enter is an Enter again: it moves on */
	gn_term_key(t, "Enter");
	CHECK_EQ_INT(gn_term_wait_gone(t, ON_GROUP, GN_TERM_WAIT_MS), 0);

	/* a wrong full year is stopped at its field, not passed on */
	gn_term_key(t, "C-t");
	REQUIRE_WAIT(t, "người 2/2");
	gn_term_type(t, "Lê Thị Hường");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, ON_YEAR);
	gn_term_type(t, "2099");
	WAIT(t, "Năm sinh phải từ 1900 đến năm nay");
	CHECK_EQ_INT(gn_term_wait_gone(t, ON_SEX, GN_TERM_WAIT_MS), 0);
	gn_term_key(t, "C-u");
	gn_term_type(t, "1978");
	REQUIRE_WAIT(t, ON_SEX);
	gn_term_key(t, "Esc");
	gn_term_wait_quiet(t, 200, GN_TERM_WAIT_MS);
	gn_term_key(t, "Esc"); /* that person dropped */
	REQUIRE_WAIT(t, "Thành viên (1)");

	/* turned off on the screen: kept for the account, audited */
	gn_term_key(t, "C-t");
	REQUIRE_WAIT(t, "người 2/2");
	gn_term_key(t, "C-o");
	WAIT(t, "Tự chuyển ô: tắt");
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM user_setting s JOIN users u ON u.id = s.user_id "
	                             "WHERE u.login = 'tdp01' AND s.name = 'auto_advance' AND s.value = '0'"),
	             1);
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM audit_log WHERE action = 'update' AND table_name = 'users' "
	                             "AND changes = '{\"auto_advance\":[1,0]}'"),
	             1);
	one_adult(t, "Lê Thị Hường", "1978", "2", "2", "001178000456", false, &off); /* a woman, his wife */
	/* names of one length: two keys more for an adult, the Enter after the
	 * year and after the CCCD */
	CHECK_EQ_INT(off, on + 2);
	printf("  keys for an adult, name to group: %d heads-down, %d without\n", on, off);
	gn_term_key(t, "C-s");
	WAIT(t, "Vẫn lưu hộ?");
	gn_term_type(t, "c");
	WAIT(t, "Đã lưu: hộ 12");
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM person WHERE full_name IN ('Lê Văn Cường', 'Lê Thị Hường') "
	                             "AND birth_year IN (1975, 1978)"),
	             2);
	gn_ui_quit(t);

	/* signed in again: still off, four digits stay in the year */
	t = gn_ui_signed_in("tdp01", "Số người");
	REQUIRE(t);
	REQUIRE(gn_ui_new_household(t, 11, "13") == 0);
	gn_term_key(t, "C-t");
	REQUIRE_WAIT(t, "người 1/1");
	gn_term_type(t, "Hồ Văn Nam");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, ON_YEAR);
	gn_term_type(t, "1960");
	WAIT(t, "1960");
	gn_term_wait_quiet(t, 300, GN_TERM_WAIT_MS);
	CHECK(gn_term_contains(t, ON_YEAR) && !gn_term_contains(t, ON_SEX));
	/* and on again */
	gn_term_key(t, "C-o");
	WAIT(t, "Tự chuyển ô: bật");
	gn_term_key(t, "C-u");
	gn_term_type(t, "1960");
	WAIT(t, ON_SEX);
	gn_ui_quit(t);
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM user_setting WHERE value = '1'"), 1);
}

GN_TESTS(T(heads_down_moves_on_and_takes_the_enter))
