/* The TDP's walk (issue 15): a household added where it stands (right
 * after the one under the cursor, its walk_order between its neighbours,
 * under the same alley's heading), and a household moved to a chosen
 * place in one action (m, the cursor on the one it goes after, Enter; t
 * before it), each move one audited change. */
#include "testlib.h"
#include "ui_fixtures.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAIT(t, s) CHECK_EQ_INT(gn_term_wait_for((t), (s), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, s) REQUIRE(gn_term_wait_for((t), (s), GN_TERM_WAIT_MS) == 0)

/* The house number at place k (0-based) of TDP 01's walk. */
#define at(k, out, size) gn_ui_walk_at((k), "house_no", (out), (size))

static int count_in(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* The first screen row holding text (-1: none). */
static int row_of(gn_term *t, const char *text)
{
	for (int r = 0; r < 24; r++) {
		char *row = gn_term_row(t, r);
		bool here = row && strstr(row, text);
		free(row);
		if (here)
			return r;
	}
	return -1;
}

static void added_where_it_stands(void)
{
	gn_ui_demo("walk.db", 2, 40);
	char a[64], b[64], alley[128], street[128], heading[300];
	at(2, a, sizeof a);
	at(3, b, sizeof b);
	gn_ui_walk_at(2, "alley", alley, sizeof alley);
	gn_ui_walk_at(2, "street", street, sizeof street);
	snprintf(heading, sizeof heading, "%s · %s", alley, street);
	gn_term *t = gn_ui_signed_in("tdp01", "Số người");
	REQUIRE(t);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "40 hộ");
	REQUIRE(gn_ui_add_after_third(t, "5A") == 0);
	gn_term_key(t, "C-s");
	WAIT(t, "Đã lưu: hộ 5A");
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "41 hộ");
	REQUIRE_WAIT(t, " 5A "); /* the list drawn again with it */
	REQUIRE(gn_term_wait_quiet(t, 150, GN_TERM_WAIT_MS) == 0); /* and all of it drawn */
	char got[64];
	/* in the file: between the third and the fourth */
	CHECK_STR(at(2, got, sizeof got), a);
	CHECK_STR(at(3, got, sizeof got), "5A");
	CHECK_STR(at(4, got, sizeof got), b);
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM household WHERE house_no = '5A' AND walk_order > 3 AND "
	                             "walk_order < 4"),
	             1);
	/* on the screen: right under the third, one heading for the alley */
	char *screen = gn_term_screen(t);
	CHECK(screen && count_in(screen, heading) == 1);
	free(screen);
	int r5a = row_of(t, " 5A ");
	char *above = r5a > 0 ? gn_term_row(t, r5a - 1) : NULL, *below = r5a > 0 ? gn_term_row(t, r5a + 1) : NULL;
	char third[80], fourth[80];
	snprintf(third, sizeof third, " %s ", a);
	snprintf(fourth, sizeof fourth, " %s ", b);
	CHECK(above && strstr(above, third) && below && strstr(below, fourth));
	free(above);
	free(below);
	gn_ui_quit(t);
}

static void moved_in_one_action(void)
{
	gn_ui_demo("move.db", 2, 10);
	char first[64], last[64], second[64], got[64];
	at(0, first, sizeof first);
	at(1, second, sizeof second);
	at(9, last, sizeof last);
	gn_term *t = gn_ui_signed_in("tdp01", "Số người");
	REQUIRE(t);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "10 hộ");
	WAIT(t, "m Đổi thứ tự"); /* on the key bar */
	/* Esc leaves it where it was */
	gn_term_key(t, "End");
	gn_term_type(t, "m");
	char moving[120];
	snprintf(moving, sizeof moving, "Đang chuyển hộ %s", last);
	WAIT(t, moving);
	gn_term_key(t, "Esc");
	WAIT(t, "Không chuyển.");
	CHECK_STR(at(9, got, sizeof got), last);
	/* the last one after the first: m, Home, Enter */
	gn_term_type(t, "m");
	WAIT(t, moving);
	gn_term_key(t, "Home");
	gn_term_key(t, "Enter");
	char moved[120];
	snprintf(moved, sizeof moved, "Đã chuyển hộ %s.", last);
	WAIT(t, moved);
	CHECK_STR(at(0, got, sizeof got), first);
	CHECK_STR(at(1, got, sizeof got), last);
	CHECK_STR(at(2, got, sizeof got), second);
	/* one audited change, the others untouched */
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM audit_log WHERE action = 'move'"), 1);
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM audit_log a JOIN household h ON h.id = a.record_id "
	                             "WHERE a.action = 'move' AND h.walk_order > 1 AND h.walk_order < 2"),
	             1);
	/* the cursor went with it: m, Up (the first), t puts it before */
	gn_term_type(t, "m");
	WAIT(t, moving);
	gn_term_key(t, "Up");
	gn_term_type(t, "t");
	/* the message of the move before says the same: the prompt gone first */
	CHECK_EQ_INT(gn_term_wait_gone(t, moving, GN_TERM_WAIT_MS), 0);
	WAIT(t, moved);
	CHECK_STR(at(0, got, sizeof got), last);
	CHECK_STR(at(1, got, sizeof got), first);
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM audit_log WHERE action = 'move'"), 2);
	/* and the first one to the end of the walk */
	gn_term_key(t, "Down");
	gn_term_type(t, "m");
	char moving_first[120];
	snprintf(moving_first, sizeof moving_first, "Đang chuyển hộ %s", first);
	WAIT(t, moving_first);
	gn_term_key(t, "End");
	gn_term_key(t, "Enter");
	CHECK_EQ_INT(gn_term_wait_gone(t, moving_first, GN_TERM_WAIT_MS), 0);
	snprintf(moved, sizeof moved, "Đã chuyển hộ %s.", first);
	WAIT(t, moved);
	CHECK_STR(at(9, got, sizeof got), first);
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM audit_log WHERE action = 'move'"), 3);
	gn_ui_quit(t);
}

GN_TESTS(T(added_where_it_stands), T(moved_in_one_action))
