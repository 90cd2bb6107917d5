#include "term.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

struct gn_term {
	int fd;            /* pty master */
	pid_t pid;
	int rows, cols;
	VTerm *vt;
	VTermScreen *screen;
	bool exited;
	int status;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Answers the terminal's own replies (cursor position reports, ...) back
 * to the program, as a real terminal would. */
static void vt_output(const char *s, size_t len, void *user)
{
	gn_term *t = user;
	while (len > 0) {
		ssize_t n = write(t->fd, s, len);
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static bool winch_blocked; /* gn_term_block_winch */

void gn_term_block_winch(bool blocked)
{
	winch_blocked = blocked;
}

gn_term *gn_term_spawn(int rows, int cols, char *const argv[], char *const env_extra[])
{
	gn_term *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	t->rows = rows;
	t->cols = cols;
	t->pid = forkpty(&t->fd, NULL, NULL, &ws);
	if (t->pid < 0) {
		free(t);
		return NULL;
	}
	if (t->pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		unsetenv("LC_ALL");
		/* the screens do not depend on this machine's disk: no sysfs to
		 * read, unless a test gives a tree of its own */
		setenv("GONHA_SYSFS", "/nonexistent", 1);
		/* the ward's clock: Vietnam, UTC+7 all year (a POSIX rule: no
		 * tzdata needed on the machine) */
		setenv("TZ", "ICT-7", 1);
		for (char *const *e = env_extra; e && *e; e++)
			putenv(*e);
		if (winch_blocked) { /* the mask is kept across exec */
			sigset_t set;
			sigemptyset(&set);
			sigaddset(&set, SIGWINCH);
			sigprocmask(SIG_BLOCK, &set, NULL);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	fcntl(t->fd, F_SETFL, fcntl(t->fd, F_GETFL) | O_NONBLOCK);
	t->vt = vterm_new(rows, cols);
	vterm_set_utf8(t->vt, 1);
	vterm_output_set_callback(t->vt, vt_output, t);
	t->screen = vterm_obtain_screen(t->vt);
	vterm_screen_enable_altscreen(t->screen, 1);
	vterm_screen_reset(t->screen, 1);
	return t;
}

static void reap(gn_term *t)
{
	if (!t->exited && waitpid(t->pid, &t->status, WNOHANG) == t->pid)
		t->exited = true;
}

/* Reads what is there (waiting up to wait_ms for something); returns the
 * bytes read, 0 on timeout, -1 once the program is gone. */
static int pump(gn_term *t, int wait_ms)
{
	struct pollfd p = { .fd = t->fd, .events = POLLIN };
	int r = poll(&p, 1, wait_ms < 0 ? 0 : wait_ms);
	if (r <= 0)
		return 0;
	char buf[8192];
	ssize_t n = read(t->fd, buf, sizeof buf);
	if (n > 0) {
		vterm_input_write(t->vt, buf, (size_t)n);
		return (int)n;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	reap(t);
	return -1; /* EIO: the slave side is closed */
}

int gn_term_type(gn_term *t, const char *s)
{
	size_t len = strlen(s);
	while (len > 0) {
		ssize_t n = write(t->fd, s, len);
		if (n < 0 && errno == EAGAIN) {
			pump(t, 10);
			continue;
		}
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Keys whose bytes depend on the modes the program set (cursor keys in
 * "application" mode after curses' keypad(), ESC O A rather than ESC [ A):
 * libvterm encodes them as a real terminal would. */
static int vterm_key(gn_term *t, const char *name)
{
	static const struct { const char *name; VTermKey key; } vkeys[] = {
		{ "Up", VTERM_KEY_UP }, { "Down", VTERM_KEY_DOWN }, { "Right", VTERM_KEY_RIGHT },
		{ "Left", VTERM_KEY_LEFT }, { "Home", VTERM_KEY_HOME }, { "End", VTERM_KEY_END },
		{ "PgUp", VTERM_KEY_PAGEUP }, { "PgDn", VTERM_KEY_PAGEDOWN }, { "Delete", VTERM_KEY_DEL },
		{ "Insert", VTERM_KEY_INS }, { "BTab", VTERM_KEY_TAB },
	};
	for (size_t i = 0; i < sizeof vkeys / sizeof *vkeys; i++) {
		if (strcmp(vkeys[i].name, name) != 0)
			continue;
		pump(t, 0); /* the modes the program set so far */
		vterm_keyboard_key(t->vt, vkeys[i].key, strcmp(name, "BTab") == 0 ? VTERM_MOD_SHIFT : VTERM_MOD_NONE);
		char buf[64];
		size_t n = vterm_output_read(t->vt, buf, sizeof buf - 1);
		buf[n] = '\0';
		return gn_term_type(t, buf);
	}
	return 1; /* not one of them */
}

int gn_term_key(gn_term *t, const char *name)
{
	int r = vterm_key(t, name);
	if (r <= 0)
		return r;
	static const struct { const char *name, *seq; } keys[] = {
		{ "Enter", "\r" }, { "Tab", "\t" }, { "BTab", "\x1b[Z" }, { "Esc", "\x1b" },
		{ "Up", "\x1b[A" }, { "Down", "\x1b[B" }, { "Right", "\x1b[C" }, { "Left", "\x1b[D" },
		{ "Home", "\x1b[H" }, { "End", "\x1b[F" }, { "PgUp", "\x1b[5~" }, { "PgDn", "\x1b[6~" },
		{ "Backspace", "\x7f" }, { "Delete", "\x1b[3~" }, { "Insert", "\x1b[2~" },
		{ "F1", "\x1bOP" }, { "F2", "\x1bOQ" }, { "F3", "\x1bOR" }, { "F4", "\x1bOS" },
		{ "F5", "\x1b[15~" }, { "F6", "\x1b[17~" }, { "F7", "\x1b[18~" }, { "F8", "\x1b[19~" },
		{ "F9", "\x1b[20~" }, { "F10", "\x1b[21~" },
	};
	if (strncmp(name, "C-", 2) == 0 && name[2] >= 'a' && name[2] <= 'z' && !name[3]) {
		char c[2] = { (char)(name[2] - 'a' + 1), 0 };
		return gn_term_type(t, c);
	}
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if (strcmp(keys[i].name, name) == 0)
			return gn_term_type(t, keys[i].seq);
	return -1;
}

static size_t put_utf8(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

char *gn_term_row(gn_term *t, int row)
{
	size_t cap = (size_t)t->cols * VTERM_MAX_CHARS_PER_CELL * 4 + 1, len = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	for (int col = 0; col < t->cols; col++) {
		VTermScreenCell cell;
		VTermPos pos = { .row = row, .col = col };
		if (!vterm_screen_get_cell(t->screen, pos, &cell))
			continue;
		if (cell.chars[0] == (uint32_t)-1)
			continue; /* the right half of a wide character */
		if (cell.chars[0] == 0) {
			out[len++] = ' ';
			continue;
		}
		for (int k = 0; k < VTERM_MAX_CHARS_PER_CELL && cell.chars[k]; k++)
			len += put_utf8(out + len, cell.chars[k]);
		if (cell.width == 2)
			col++;
	}
	while (len > 0 && out[len - 1] == ' ')
		len--;
	out[len] = '\0';
	return out;
}

char *gn_term_screen(gn_term *t)
{
	size_t cap = 1, len = 0;
	char *all = malloc(cap);
	if (!all)
		return NULL;
	all[0] = '\0';
	for (int r = 0; r < t->rows; r++) {
		char *row = gn_term_row(t, r);
		if (!row)
			continue;
		size_t n = strlen(row);
		char *bigger = realloc(all, cap + n + 1);
		if (!bigger) {
			free(row);
			break;
		}
		all = bigger;
		cap += n + 1;
		memcpy(all + len, row, n);
		len += n;
		all[len++] = '\n';
		all[len] = '\0';
		free(row);
	}
	return all;
}

bool gn_term_contains(gn_term *t, const char *text)
{
	char *s = gn_term_screen(t);
	bool found = s && strstr(s, text);
	free(s);
	return found;
}

void gn_term_dump(gn_term *t, FILE *out)
{
	fprintf(out, "  +");
	for (int c = 0; c < t->cols; c++)
		fputc('-', out);
	fprintf(out, "+\n");
	for (int r = 0; r < t->rows; r++) {
		char *row = gn_term_row(t, r);
		fprintf(out, "  |%s\n", row ? row : "");
		free(row);
	}
	fprintf(out, "  +");
	for (int c = 0; c < t->cols; c++)
		fputc('-', out);
	fprintf(out, "+\n");
}

static int wait_until(gn_term *t, const char *text, bool present, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		if (gn_term_contains(t, text) == present)
			return 0;
		long long left = deadline - now_ms();
		if (left <= 0 || pump(t, (int)(left < 200 ? left : 200)) < 0) {
			/* one last look: the program may have drawn and then exited */
			while (pump(t, 0) > 0)
				;
			if (gn_term_contains(t, text) == present)
				return 0;
			fprintf(stderr, "  waited %d ms for %s\"%s\"; the screen:\n", timeout_ms,
			        present ? "" : "the end of ", text);
			gn_term_dump(t, stderr);
			return -1;
		}
	}
}

int gn_term_wait_for(gn_term *t, const char *text, int timeout_ms)
{
	return wait_until(t, text, true, timeout_ms);
}

int gn_term_wait_gone(gn_term *t, const char *text, int timeout_ms)
{
	return wait_until(t, text, false, timeout_ms);
}

static bool row_is(gn_term *t, int row, const char *text)
{
	char *r = gn_term_row(t, row);
	bool same = r && strcmp(r, text) == 0;
	free(r);
	return same;
}

int gn_term_wait_row(gn_term *t, int row, const char *text, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		if (row_is(t, row, text))
			return 0;
		long long left = deadline - now_ms();
		if (left <= 0 || pump(t, (int)(left < 200 ? left : 200)) < 0) {
			while (pump(t, 0) > 0)
				;
			if (row_is(t, row, text))
				return 0;
			fprintf(stderr, "  waited %d ms for row %d to be \"%s\"; the screen:\n", timeout_ms, row, text);
			gn_term_dump(t, stderr);
			return -1;
		}
	}
}

int gn_term_wait_quiet(gn_term *t, int quiet_ms, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	while (now_ms() < deadline) {
		int n = pump(t, quiet_ms);
		if (n == 0 || n < 0)
			return 0;
	}
	return -1;
}

int gn_term_resize(gn_term *t, int rows, int cols)
{
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	t->rows = rows;
	t->cols = cols;
	vterm_set_size(t->vt, rows, cols);
	return ioctl(t->fd, TIOCSWINSZ, &ws);
}

int gn_term_signal(gn_term *t, int sig)
{
	return t->exited ? -1 : kill(t->pid, sig);
}

int gn_term_wait_exit(gn_term *t, int timeout_ms, int *status)
{
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		reap(t);
		if (t->exited) {
			while (pump(t, 0) > 0)
				;
			if (status)
				*status = t->status;
			return 0;
		}
		long long left = deadline - now_ms();
		if (left <= 0)
			return -1;
		if (pump(t, (int)(left < 50 ? left : 50)) < 0) {
			/* the pty closed; the process is about to be reapable */
			if (waitpid(t->pid, &t->status, 0) == t->pid)
				t->exited = true;
		}
	}
}

void gn_term_free(gn_term *t)
{
	if (!t)
		return;
	reap(t);
	if (!t->exited) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, &t->status, 0);
	}
	close(t->fd);
	vterm_free(t->vt);
	free(t);
}
