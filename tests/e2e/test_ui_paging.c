/* The list widget and the confirmation rule on a real pseudo-terminal: a
 * TDP of 60 households at 80x24 pages by the rows drawn (the next page
 * starts with the household after the last one shown, the cursor on it),
 * keeps the cursor through resizes, and asks before removing with the keys
 * shown and one rule for them. The household under the cursor is read from
 * the removal question, which names it. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"
#include "term.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define bin gn_e2e_bin
#define db gn_ui_db()
#define make_demo() gn_ui_demo("paging.db", 1, N_HH)
#define start() gn_ui_start(24, 80, NULL, NULL)
#define sign_in(t) gn_ui_sign_in(t, "admin", "demo", "Tổ dân phố 1")

#define WAIT(t, text) CHECK_EQ_INT(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, text) REQUIRE(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS) == 0)

static int lines = 24; /* the terminal's, as last resized */

#define N_HH 60

/* The households in walking order as the screen names them: "house|head". */
static char walk[N_HH + 8][200];
static size_t n_walk;

static void read_walk(void)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	n_walk = 0;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, "SELECT h.house_no || '|' || coalesce((SELECT full_name FROM person p WHERE "
	                       "p.household_id = h.id AND p.relation = 'head' AND NOT p.deleted ORDER BY p.position "
	                       "LIMIT 1), '') FROM household h WHERE NOT h.deleted ORDER BY h.walk_order, h.id",
	                       -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW && n_walk < sizeof walk / sizeof *walk)
			snprintf(walk[n_walk++], sizeof walk[0], "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
}

/* The household at position i of the walk as its row shows it: the house
 * number in a column 11 wide, then the head's name (house and name
 * together: names repeat in a TDP). */
static const char *row_of(long i)
{
	static char buf[300];
	const char *bar = strchr(walk[i], '|');
	int hl = (int)(bar - walk[i]);
	snprintf(buf, sizeof buf, "%.*s%*s%s", hl, walk[i], hl < 11 ? 11 - hl : 1, "", bar + 1);
	return buf;
}

/* The question on the status line (it may take the line above too), as one
 * line of text. */
static char *status_text(gn_term *t)
{
	char *a = gn_term_row(t, lines - 3), *b = gn_term_row(t, lines - 2);
	size_t n = (a ? strlen(a) : 0) + (b ? strlen(b) : 0) + 1;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s%s", a ? a : "", b ? b : "");
	free(a);
	free(b);
	return s;
}

/* Until the removal question is asked; true when its keys are shown as the
 * rule says. */
static bool asked(gn_term *t)
{
	if (gn_term_wait_for(t, "lại]", GN_TERM_WAIT_MS) != 0)
		return false;
	gn_term_wait_quiet(t, 100, GN_TERM_WAIT_MS); /* the whole line drawn, not only its end */
	char *s = status_text(t);
	bool ok = s && strstr(s, "[c/y: xoá · k/n/Esc: giữ lại]");
	if (!ok)
		fprintf(stderr, "  the question: %s\n", s ? s : "(none)");
	free(s);
	return ok;
}

static long position_of(const char *key)
{
	for (size_t i = 0; i < n_walk; i++)
		if (strcmp(walk[i], key) == 0)
			return (long)i;
	return -1;
}

/* The households drawn, top to bottom, as positions in the walk: a row is
 * "  <mark> <house>   <head>   <n> người" (an alley's heading starts at
 * column 1). */
static size_t rows_drawn(gn_term *t, int height, long *pos, size_t cap)
{
	size_t n = 0;
	for (int y = 3; y < height - 2 && n < cap; y++) {
		char *r = gn_term_row(t, y);
		if (!r)
			continue;
		if (strncmp(r, "  ", 2) == 0 && r[2] != ' ' && r[2]) {
			char *p = strchr(r + 2, ' '); /* after the mark */
			char house[64] = "", name[160] = "";
			if (p) {
				while (*p == ' ')
					p++;
				size_t hl = strcspn(p, " ");
				snprintf(house, sizeof house, "%.*s", (int)hl, p);
				p += hl;
				while (*p == ' ')
					p++;
				char *end = strstr(p, "  ");
				snprintf(name, sizeof name, "%.*s", end ? (int)(end - p) : (int)strlen(p), p);
			}
			char key[240];
			snprintf(key, sizeof key, "%s|%s", house, name);
			pos[n++] = position_of(key);
		}
		free(r);
	}
	return n;
}

/* The household the removal question names, as a position in the walk;
 * the question is left with Esc (no). */
static long under_cursor(gn_term *t)
{
	gn_term_type(t, "d");
	if (!asked(t))
		return -2;
	char *s = status_text(t);
	long at = -1;
	const char *q = s ? strstr(s, "Xoá hộ ") : NULL;
	if (q) {
		char house[64] = "", name[160] = "";
		q += strlen("Xoá hộ ");
		size_t hl = strcspn(q, " ");
		snprintf(house, sizeof house, "%.*s", (int)hl, q);
		const char *h = strstr(q, "(chủ hộ: ");
		if (h) {
			h += strlen("(chủ hộ: ");
			snprintf(name, sizeof name, "%.*s", (int)strcspn(h, ")"), h);
		}
		char key[240];
		snprintf(key, sizeof key, "%s|%s", house, name);
		at = position_of(key);
	}
	free(s);
	gn_term_key(t, "Esc");
	if (gn_term_wait_for(t, "Không xoá gì.", GN_TERM_WAIT_MS) != 0)
		return -3;
	return at;
}

static void pages_by_the_rows_drawn(void)
{
	make_demo();
	read_walk();
	REQUIRE(n_walk == N_HH);
	gn_term *t = start();
	REQUIRE(t);
	REQUIRE(sign_in(t) == 0);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "60 hộ");
	gn_term_wait_quiet(t, 100, GN_TERM_WAIT_MS);
	long pos[32];
	size_t n = rows_drawn(t, 24, pos, 32);
	if (n <= 5)
		gn_term_dump(t, stderr);
	REQUIRE(n > 5);
	for (size_t i = 0; i < n; i++)
		CHECK_EQ_INT(pos[i], (long)i); /* the walk from its start, every row read */
	CHECK_EQ_INT(under_cursor(t), 0);
	long first = 0;
	for (int page = 0; page < 3; page++) {
		long last = pos[n - 1];
		gn_term_key(t, "PgDn");
		/* the next page starts after the last row drawn: none skipped, none twice */
		REQUIRE(gn_term_wait_for(t, row_of(last + 1), GN_TERM_WAIT_MS) == 0);
		gn_term_wait_quiet(t, 100, GN_TERM_WAIT_MS);
		n = rows_drawn(t, 24, pos, 32);
		REQUIRE(n > 5);
		for (size_t i = 1; i < n; i++)
			CHECK_EQ_INT(pos[i], pos[i - 1] + 1);
		if (pos[n - 1] < N_HH - 1)
			CHECK_EQ_INT(pos[0], last + 1);
		else /* fewer than a page left: the last page ends at the last household */
			CHECK(pos[0] <= last + 1);
		/* the cursor moved by the rows that were drawn: onto the first
		 * household not shown before */
		CHECK_EQ_INT(under_cursor(t), last + 1);
		first = last + 1;
	}
	CHECK_EQ_INT(pos[n - 1], N_HH - 1); /* three pages reach the end of 60 */
	/* a page up goes back to where the cursor was a page before, or the start */
	gn_term_key(t, "PgUp");
	long back = under_cursor(t);
	CHECK(back >= 0 && back < first);
	/* End: the last household, drawn at the bottom */
	gn_term_key(t, "End");
	REQUIRE(gn_term_wait_for(t, row_of(N_HH - 1), GN_TERM_WAIT_MS) == 0);
	gn_term_wait_quiet(t, 100, GN_TERM_WAIT_MS);
	n = rows_drawn(t, 24, pos, 32);
	REQUIRE(n > 0);
	CHECK_EQ_INT(pos[n - 1], N_HH - 1);
	CHECK_EQ_INT(under_cursor(t), N_HH - 1);
	/* taller: rows above fill the lines, the cursor stays; shorter again:
	 * still on the last household */
	long above = pos[0] - 1; /* shown once the taller screen is drawn */
	REQUIRE(above >= 0);
	CHECK_EQ_INT(gn_term_resize(t, lines = 34, 80), 0);
	REQUIRE(gn_term_wait_for(t, row_of(above), GN_TERM_WAIT_MS) == 0);
	gn_term_wait_quiet(t, 100, GN_TERM_WAIT_MS);
	size_t tall = rows_drawn(t, 34, pos, 32);
	CHECK(tall > n);
	CHECK_EQ_INT(pos[tall - 1], N_HH - 1);
	char *bottom = gn_term_row(t, 34 - 3);
	CHECK(bottom && bottom[0]); /* the last line for rows is used */
	free(bottom);
	CHECK_EQ_INT(under_cursor(t), N_HH - 1);
	CHECK_EQ_INT(gn_term_resize(t, lines = 24, 80), 0);
	CHECK_EQ_INT(under_cursor(t), N_HH - 1); /* the key is read after the resize */
	/* Home */
	gn_term_key(t, "Home");
	CHECK_EQ_INT(under_cursor(t), 0);
	gn_ui_quit(t);
}

static long households_left(void)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	long n = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, "SELECT count(*) FROM household WHERE NOT deleted", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

/* Removing asks with its keys shown; Enter, k and any other key keep the
 * household, c removes it. */
static void removal_asks_with_one_rule(void)
{
	make_demo();
	gn_term *t = start();
	REQUIRE(t);
	REQUIRE(sign_in(t) == 0);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "60 hộ");
	static const char *const keep[] = { "Enter", "k", "n", "x" };
	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) {
		gn_term_type(t, "d");
		REQUIRE(asked(t));
		if (strlen(keep[i]) == 1)
			gn_term_type(t, keep[i]);
		else
			gn_term_key(t, keep[i]);
		WAIT(t, "Không xoá gì.");
		CHECK_EQ_INT(households_left(), N_HH);
		gn_term_key(t, "Down"); /* clears the message */
		REQUIRE(gn_term_wait_gone(t, "Không xoá gì.", GN_TERM_WAIT_MS) == 0);
	}
	gn_term_type(t, "d");
	REQUIRE(asked(t));
	gn_term_type(t, "c");
	WAIT(t, "Đã xoá hộ");
	CHECK_EQ_INT(households_left(), N_HH - 1);
	WAIT(t, "59 hộ");
	gn_ui_quit(t);
}

GN_TESTS(T(pages_by_the_rows_drawn), T(removal_asks_with_one_rule))
