/* The test driver itself: typing, wide and combining characters, resizing,
 * signals, timeouts. The test binary doubles as a small curses program
 * (run with --fixture) so the driver is tested against real curses. */
#include "testlib.h"
#include "term.h"

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

static char self[512];

/* A tiny curses program: shows its size and echoes typed text. */
static int fixture(void)
{
	setlocale(LC_ALL, "");
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	timeout(200); /* as gonha: a resize curses missed is caught within a wait */
	char typed[256] = "";
	for (;;) {
		erase();
		mvprintw(0, 0, "Kích thước %dx%d", COLS, LINES);
		mvprintw(1, 0, "Gõ: %s", typed);
		mvprintw(2, 0, "中文 Nguyễn");
		refresh();
		wint_t ch;
		int r = get_wch(&ch);
		if (r == ERR) {
			struct winsize ws;
			if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && is_term_resized(ws.ws_row, ws.ws_col)) {
				resize_term(ws.ws_row, ws.ws_col);
				clearok(curscr, TRUE);
			}
			continue;
		}
		if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
			clearok(curscr, TRUE); /* repaint it all, as gonha's screens do */
			continue;
		}
		if (r == OK && ch == 'q')
			break;
		if (r == OK && ch >= ' ') {
			char mb[8];
			int n = wctomb(mb, (wchar_t)ch);
			if (n > 0 && strlen(typed) + (size_t)n < sizeof typed)
				strncat(typed, mb, (size_t)n);
		}
	}
	endwin();
	return 0;
}

static gn_term *start_fixture(int rows, int cols)
{
	char *argv[] = { self, "--fixture", NULL };
	return gn_term_spawn(rows, cols, argv, NULL);
}

static void shell_round_trip(void)
{
	char *argv[] = { "/bin/sh", "-c", "printf 'Xin chào Nguyễn\\n'; read x; echo \"got:$x\"", NULL };
	gn_term *t = gn_term_spawn(24, 80, argv, NULL);
	REQUIRE(t);
	CHECK_EQ_INT(gn_term_wait_for(t, "Xin chào Nguyễn", GN_TERM_WAIT_MS), 0);
	gn_term_type(t, "Đặng");
	gn_term_key(t, "Enter");
	CHECK_EQ_INT(gn_term_wait_for(t, "got:Đặng", GN_TERM_WAIT_MS), 0);
	int status = -1;
	CHECK_EQ_INT(gn_term_wait_exit(t, GN_TERM_WAIT_MS, &status), 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	gn_term_free(t);
}

static void curses_wide_and_resize(void)
{
	gn_term *t = start_fixture(24, 80);
	REQUIRE(t);
	CHECK_EQ_INT(gn_term_wait_for(t, "Kích thước 80x24", GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_term_wait_for(t, "中文 Nguyễn", GN_TERM_WAIT_MS), 0);
	/* NFD typed in: the screen shows the letters with their marks */
	gn_term_type(t, "Vie\xcc\x82\xcc\xa3t");
	CHECK_EQ_INT(gn_term_wait_for(t, "Gõ: Vi", GN_TERM_WAIT_MS), 0);
	gn_term_resize(t, 30, 100);
	CHECK_EQ_INT(gn_term_wait_row(t, 0, "Kích thước 100x30", GN_TERM_WAIT_MS), 0);
	gn_term_resize(t, 20, 60);
	/* every row as it must be after the last resize: each wait is for the
	 * whole row, so a row left from the size before cannot pass for it */
	CHECK_EQ_INT(gn_term_wait_row(t, 0, "Kích thước 60x20", GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_term_wait_row(t, 1, "Gõ: Vie\xcc\x82\xcc\xa3t", GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_term_wait_row(t, 2, "中文 Nguyễn", GN_TERM_WAIT_MS), 0);
	gn_term_type(t, "q");
	int status = -1;
	CHECK_EQ_INT(gn_term_wait_exit(t, GN_TERM_WAIT_MS, &status), 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	gn_term_free(t);
}

static void kill_and_timeout(void)
{
	gn_term *t = start_fixture(24, 80);
	REQUIRE(t);
	CHECK_EQ_INT(gn_term_wait_for(t, "Kích thước", GN_TERM_WAIT_MS), 0);
	fprintf(stderr, "  (a timeout dump is expected below)\n");
	CHECK_EQ_INT(gn_term_wait_for(t, "never shown", 300), -1);
	CHECK_EQ_INT(gn_term_signal(t, SIGKILL), 0);
	int status = 0;
	CHECK_EQ_INT(gn_term_wait_exit(t, GN_TERM_WAIT_MS, &status), 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	gn_term_free(t);
}

static void keys_are_known(void)
{
	char *argv[] = { "/bin/sh", "-c", "stty raw -echo -ixon; echo ready; od -An -c -N 10", NULL };
	gn_term *t = gn_term_spawn(24, 80, argv, NULL);
	REQUIRE(t);
	CHECK_EQ_INT(gn_term_wait_for(t, "ready", GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_term_key(t, "F1"), 0);
	CHECK_EQ_INT(gn_term_key(t, "BTab"), 0);
	CHECK_EQ_INT(gn_term_key(t, "C-s"), 0);
	CHECK_EQ_INT(gn_term_key(t, "Up"), 0);
	CHECK_EQ_INT(gn_term_key(t, "NoSuchKey"), -1);
	CHECK_EQ_INT(gn_term_wait_for(t, "033   O   P 033   [   Z 023 033   [   A", GN_TERM_WAIT_MS), 0);
	gn_term_free(t);
}

static const gn_test tests[] = { T(shell_round_trip), T(curses_wide_and_resize), T(kill_and_timeout),
                                 T(keys_are_known), { NULL, NULL } };

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--fixture") == 0)
		return fixture();
	if (!realpath("/proc/self/exe", self))
		return 2;
	return gn_test_main(argc, argv, tests);
}
