/* The end-to-end test driver: runs the real binary on a pseudo-terminal
 * (forkpty), feeds what it writes to a terminal emulator (libvterm), and
 * lets a test type keys and read the screen back as text, like tig's test
 * suite. Waits are for what the screen shows, with a deadline; never a
 * fixed sleep. */
#ifndef GONHA_TEST_TERM_H
#define GONHA_TEST_TERM_H

#include <stdbool.h>
#include <stdio.h>

typedef struct gn_term gn_term;

/* How long a wait may take by default: generous, because tests run under
 * AddressSanitizer on a shared two-core machine. */
#define GN_TERM_WAIT_MS 15000

/* Starts argv (execvp) on a new pty of rows x cols, with TERM=xterm-256color,
 * LANG=C.UTF-8 and the "K=V" strings of env_extra (NULL-terminated, may be
 * NULL). NULL if it could not start. */
gn_term *gn_term_spawn(int rows, int cols, char *const argv[], char *const env_extra[]);

/* Writes bytes as if typed (UTF-8 text, NFC or NFD as given). */
int gn_term_type(gn_term *t, const char *utf8);

/* Presses a named key: "Enter", "Tab", "BTab" (Shift-Tab), "Esc", "Up",
 * "Down", "Left", "Right", "Home", "End", "PgUp", "PgDn", "Backspace",
 * "Delete", "F1".."F10", "C-a".."C-z". -1 for an unknown name. */
int gn_term_key(gn_term *t, const char *name);

/* Reads output until the screen contains text; 0 when it does, -1 after
 * timeout_ms or when the program exits first (the screen is then printed
 * on stderr, with what was awaited). */
int gn_term_wait_for(gn_term *t, const char *text, int timeout_ms);

/* Until the screen no longer contains text. */
int gn_term_wait_gone(gn_term *t, const char *text, int timeout_ms);
/* Until row `row` (0-based, trailing blanks dropped) is exactly text: the
 * whole line, not a piece of it somewhere, so a stale copy cannot match. */
int gn_term_wait_row(gn_term *t, int row, const char *text, int timeout_ms);

/* Until the program has written nothing for quiet_ms (to assert that
 * something does NOT appear); -1 if it never goes quiet in timeout_ms. */
int gn_term_wait_quiet(gn_term *t, int quiet_ms, int timeout_ms);

/* The screen as text: rows joined by '\n', trailing spaces trimmed, a wide
 * character once, combining marks after their base. Caller frees. */
char *gn_term_screen(gn_term *t);
char *gn_term_row(gn_term *t, int row);
bool gn_term_contains(gn_term *t, const char *text);

/* Programs spawned from now on start with SIGWINCH blocked (true) or not:
 * a resize then reaches them only as the size the kernel holds, as when
 * curses misses the signal, every time. */
void gn_term_block_winch(bool blocked);

/* Changes the window size (the kernel sends SIGWINCH). */
int gn_term_resize(gn_term *t, int rows, int cols);

int gn_term_signal(gn_term *t, int sig);

/* Waits for the program to end, still reading its output; *status is the
 * wait status. 0 when it ended, -1 on timeout. */
int gn_term_wait_exit(gn_term *t, int timeout_ms, int *status);

/* Prints the screen inside a frame (for failures). */
void gn_term_dump(gn_term *t, FILE *out);

/* Kills the program if it still runs (SIGKILL), reaps it, frees all. */
void gn_term_free(gn_term *t);

#endif
