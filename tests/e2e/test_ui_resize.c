/* Resizes end to end on a pseudo-terminal: however the sizes come (several
 * in a row faster than gonha draws, down to "too small" and back, or with
 * the signal lost so that only the kernel's size tells), the screen of the
 * last size is drawn without a key: row for row what it was at 80x24
 * before. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The home screen drawn again at 80x24 after the sizes of sizes[] (rows,
 * cols pairs) sent back to back, the last too small: its first and last
 * rows as they were before, the too-small message gone. */
static void sizes_then_back(gn_term *t, const int (*sizes)[2], size_t n)
{
	REQUIRE(gn_term_wait_for(t, "Đăng xuất", GN_TERM_WAIT_MS) == 0); /* the home screen's key bar */
	REQUIRE(gn_term_wait_quiet(t, 200, GN_TERM_WAIT_MS) == 0);
	char *title = gn_term_row(t, 0), *keys = gn_term_row(t, 23);
	REQUIRE(title && keys && strstr(keys, "Đăng xuất"));
	for (size_t i = 0; i < n; i++)
		CHECK_EQ_INT(gn_term_resize(t, sizes[i][0], sizes[i][1]), 0);
	CHECK_EQ_INT(gn_term_wait_for(t, "Cửa sổ quá nhỏ", GN_TERM_WAIT_MS), 0);
	/* grows back: rows 20..23 come new and blank, so the key bar there is
	 * drawn at this size, not a copy the terminal kept */
	CHECK_EQ_INT(gn_term_resize(t, 24, 80), 0);
	CHECK_EQ_INT(gn_term_wait_row(t, 23, keys, GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_term_wait_row(t, 0, title, GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_term_wait_gone(t, "quá nhỏ", GN_TERM_WAIT_MS), 0);
	free(title);
	free(keys);
}

static const int rapid[][2] = { { 30, 100 }, { 20, 70 }, { 26, 90 }, { 20, 70 } };

static void rapid_resizes_end_at_the_last_size(void)
{
	gn_ui_demo("resize.db", 2, 12);
	gn_term *t = gn_ui_signed_in("tdp01", "Các tổ của bạn");
	REQUIRE(t);
	for (int round = 0; round < 3; round++)
		sizes_then_back(t, rapid, sizeof rapid / sizeof rapid[0]);
	gn_ui_quit(t);
}

/* The signal lost (blocked in gonha from its start): the size is followed
 * from the kernel's, also after an Esc and a paste (their reads must not
 * leave curses waiting for ever for a key). */
static void a_lost_signal_after_esc_and_paste(void)
{
	gn_ui_demo("resize-lost.db", 2, 12);
	gn_term_block_winch(true);
	gn_term *t = gn_ui_signed_in("tdp01", "Các tổ của bạn");
	gn_term_block_winch(false);
	REQUIRE(t);
	static const int small[][2] = { { 20, 70 } };
	/* an empty bracketed paste: the escape sequences are swallowed */
	gn_term_type(t, "\033[200~\033[201~");
	sizes_then_back(t, small, 1);
	/* Esc asks to leave; n stays */
	gn_term_key(t, "Esc");
	CHECK_EQ_INT(gn_term_wait_for(t, "Thoát gonha?", GN_TERM_WAIT_MS), 0);
	gn_term_type(t, "n");
	CHECK_EQ_INT(gn_term_wait_quiet(t, 200, GN_TERM_WAIT_MS), 0);
	sizes_then_back(t, rapid, sizeof rapid / sizeof rapid[0]);
	gn_ui_quit(t);
}

GN_TESTS(T(rapid_resizes_end_at_the_last_size), T(a_lost_signal_after_esc_and_paste))
