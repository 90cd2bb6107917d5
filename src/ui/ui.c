/* The terminal UI's frame: start-up (the database is opened before curses
 * so its errors are one line on stderr), the stack of views, the main
 * loop, key reading (resize, bracketed paste, stray escape sequences), safe
 * drawing of any text, and the headless bench. */
#include "ui.h"
#include "gonha/interchange/registry.h"
#include "gonha/domain/backup.h"
#include "gonha/forms/census.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"
#include "gonha/ui/ui.h"
#include "gonha/domain/users.h"
#include "gonha/domain/ward.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <unistr.h>

static double now_ms(void);

/* ---- drawing ------------------------------------------------------------ */

/* Converts UTF-8 to what may be drawn: invalid bytes and controls become
 * U+FFFD, characters past `cols` columns are cut. out holds cap wchar_t. */
static size_t to_drawable(const char *utf8, int cols, wchar_t *out, size_t cap, int *used)
{
	const uint8_t *p = (const uint8_t *)utf8, *end = p + strlen(utf8);
	size_t n = 0;
	*used = 0;
	while (p < end && n + 1 < cap) {
		ucs4_t uc;
		int len = u8_mbtouc(&uc, p, (size_t)(end - p));
		wchar_t wc = (wchar_t)uc;
		if (uc < 0x20 || (uc >= 0x7F && uc < 0xA0))
			wc = 0xFFFD;
		int w = wcwidth(wc);
		if (w < 0) {
			wc = 0xFFFD;
			w = 1;
		}
		if (w == 0 && n == 0) { /* a mark with nothing to sit on */
			p += len;
			continue;
		}
		if (*used + w > cols)
			break;
		out[n++] = wc;
		*used += w;
		p += len;
	}
	out[n] = L'\0';
	return n;
}

int ui_put(int y, int x, int cols, const char *utf8)
{
	if (!utf8 || cols <= 0 || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + cols > COLS)
		cols = COLS - x;
	wchar_t buf[1024];
	int used;
	size_t n = to_drawable(utf8, cols, buf, sizeof buf / sizeof *buf, &used);
	if (n)
		mvaddnwstr(y, x, buf, (int)n);
	return used;
}

void ui_put_cut(int y, int x, int cols, const char *s)
{
	if (!s || cols <= 1 || gn_text_width(s) <= cols) {
		ui_put(y, x, cols, s);
		return;
	}
	char buf[1024];
	size_t fit = gn_text_fit(s, cols - 1);
	snprintf(buf, sizeof buf, "%.*s…", (int)(fit < sizeof buf - 4 ? fit : sizeof buf - 4), s);
	ui_put(y, x, cols, buf);
}

size_t ui_wrap_line(const char *s, int cols, size_t *next)
{
	return gn_text_wrap_line(s, cols, next);
}

int ui_put_wrapped(int y, int x, int cols, int max_lines, const char *s)
{
	int lines = 0;
	char buf[1024];
	while (s && *s && lines < max_lines) {
		size_t next, len = ui_wrap_line(s, cols, &next);
		snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), s);
		s += next;
		if (lines + 1 == max_lines && *s) {
			/* the last line there is room for: what does not fit is cut, said so */
			char rest[2048];
			snprintf(rest, sizeof rest, "%s %s", buf, s);
			ui_put_cut(y + lines, x, cols, rest);
		} else {
			ui_put(y + lines, x, cols, buf);
		}
		lines++;
	}
	return lines;
}

int ui_wrap_count(const char *s, int cols)
{
	int lines = 0;
	while (s && *s) {
		size_t next;
		ui_wrap_line(s, cols, &next);
		s += next;
		lines++;
	}
	return lines;
}

void ui_put_pad(int y, int x, int cols, const char *utf8)
{
	int used = ui_put(y, x, cols, utf8);
	for (int i = used; i < cols && x + i < COLS; i++)
		mvaddch(y, x + i, ' ');
}

void ui_put_right(int y, int x_end, int cols, const char *utf8)
{
	int w = gn_text_width(utf8);
	if (w > cols)
		w = cols;
	ui_put(y, x_end - w, w, utf8);
}

void ui_hline(int y, int x, int cols, const char *utf8_char)
{
	for (int i = 0; i < cols; i++)
		ui_put(y, x + i, 1, utf8_char);
}

void ui_bar(int y, int x, int cols, long num, long den)
{
	int fill = den > 0 ? (int)((double)num * cols / (double)den + 0.5) : 0;
	if (fill > cols)
		fill = cols;
	for (int i = 0; i < cols; i++)
		ui_put(y, x + i, 1, i < fill ? "█" : "░");
}

void ui_title(ui_app *app, const char *left, const char *right)
{
	(void)app;
	attron(A_REVERSE);
	ui_put_pad(0, 0, COLS, "");
	int room = COLS - 2;
	if (right && *right) {
		/* the right part (who is signed in) keeps up to half the line, cut
		 * with an ellipsis beyond; the title has the rest, cut the same way */
		int w = gn_text_width(right);
		if (w > COLS / 2)
			w = COLS / 2;
		ui_put_cut(0, COLS - 1 - w, w, right);
		room = COLS - 1 - w - 2;
	}
	ui_put_cut(0, 1, room, left);
	attroff(A_REVERSE);
}

/* ---- the app ------------------------------------------------------------ */

void ui_push(ui_app *app, ui_view *v)
{
	if (!v)
		return;
	v->app = app;
	v->below = app->top;
	app->top = v;
	if (v->open)
		v->open(v);
}

void ui_pop(ui_app *app)
{
	ui_view *v = app->top;
	if (!v)
		return;
	app->top = v->below;
	v->close(v);
	if (app->top && app->top->open)
		app->top->open(app->top);
}

void ui_status(ui_app *app, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(app->status, sizeof app->status, fmt, ap);
	va_end(ap);
	app->status_error = error;
}

void ui_status_err(ui_app *app, const gn_err *err)
{
	ui_status(app, true, "%s", err->msg[0] ? err->msg : gn_status_str(err->status));
}

int ui_bar_extra;

static bool too_small(void)
{
	return LINES < UI_MIN_ROWS || COLS < UI_MIN_COLS;
}

static void draw_too_small(void)
{
	char msg[256];
	erase();
	snprintf(msg, sizeof msg, _("The window is too small: gonha needs at least %d×%d (now %d×%d)."),
	         UI_MIN_COLS, UI_MIN_ROWS, COLS, LINES);
	/* wrapped by hand: the window may be very narrow */
	const char *p = msg;
	for (int y = 0; y < LINES && *p; y++) {
		size_t fit = gn_text_fit(p, COLS);
		if (fit == 0)
			break;
		char line[256];
		snprintf(line, sizeof line, "%.*s", (int)fit, p);
		ui_put(y, 0, COLS, line);
		p += fit;
	}
	refresh();
}

void ui_draw_all(ui_app *app)
{
	if (too_small()) {
		curs_set(0);
		draw_too_small();
		return;
	}
	erase();
	curs_set(0);
	/* The view draws and places the cursor; the status line and key bar
	 * go around it, then the cursor goes back where the view put it. The
	 * bar's rows first: a second one takes a row from the view. */
	ui_bar_extra = ui_keybar_rows(app->top ? app->top->kind : 0, ui_officer(app)) - 1;
	int cy = -1, cx = -1;
	if (app->top) {
		app->top->draw(app->top);
		getyx(stdscr, cy, cx);
	}
	bool cursor_shown = app->top && !(app->top->kind & (UV_HOME | UV_TDP | UV_HELP | UV_COVS | UV_ACCOUNTS));
	move(UI_LINES - 2, 0);
	clrtoeol();
	if (app->status[0]) {
		/* a long message (a question) takes the line above too */
		size_t fit = gn_text_fit(app->status, COLS - 2);
		int y = UI_LINES - 2;
		if (app->status[fit]) {
			size_t cut = fit;
			while (cut > 0 && app->status[cut] != ' ')
				cut--;
			if (cut > 0)
				fit = cut;
			y = UI_LINES - 3;
			move(y, 0);
			clrtoeol();
		}
		if (app->status_error)
			attron(A_BOLD);
		char first[GN_ERR_MSG_MAX];
		snprintf(first, sizeof first, "%.*s", (int)fit, app->status);
		ui_put(y, 1, COLS - 2, first);
		if (y != UI_LINES - 2)
			ui_put(UI_LINES - 2, 1, COLS - 2, app->status + fit + (app->status[fit] == ' '));
		attroff(A_BOLD);
	}
	ui_draw_keybar(app->top ? app->top->kind : 0, ui_officer(app));
	if (cursor_shown && cy >= 0 && cy < UI_LINES - 2) {
		move(cy, cx);
		curs_set(1);
	}
	refresh();
}

/* A key already typed, or ERR at once: the wait of every other read
 * (UI_KEY_WAIT_MS, set once by the loop) is put back as it was, so that
 * the loop keeps looking at the clock and the terminal's size after an
 * Esc (nodelay(FALSE) would wait for ever, and a resize whose signal
 * curses missed would then wait for the next key). */
static int get_pending(wint_t *wc)
{
	int delay = wgetdelay(stdscr);
	wtimeout(stdscr, 0);
	int r = get_wch(wc);
	wtimeout(stdscr, delay);
	return r;
}

/* Swallows the rest of an escape sequence curses did not know (a pasted
 * one), introduced by `intro`; notes the start and end of a bracketed
 * paste. */
static void swallow_escape(ui_app *app, int intro)
{
	char seq[32];
	size_t n = 0;
	wint_t wc;
	int r;
	while ((r = get_pending(&wc)) != ERR) {
		if (n + 1 < sizeof seq && r == OK && wc < 0x80)
			seq[n++] = (char)wc;
		if ((intro == '[' || intro == 'O') && r == OK && wc >= 0x40 && wc <= 0x7E)
			break;
		if (intro != '[' && intro != 'O' && r == OK && (wc == 0x07 || wc == '\\'))
			break;
	}
	seq[n] = '\0';
	if (intro == '[' && strcmp(seq, "200~") == 0)
		app->paste = true;
	else if (intro == '[' && strcmp(seq, "201~") == 0)
		app->paste = false;
}

/* The terminal's size as the kernel has it, against what curses believes;
 * true when they differed (curses now has the kernel's). curses looks at
 * its SIGWINCH flag only when a wait ends with no key: a resize that came
 * while the screen was drawn (the signal before curses began to wait), or
 * the last of several resizes in a row, would wait for that. */
static bool follow_terminal_size(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	    is_term_resized(ws.ws_row, ws.ws_col)) {
		resize_term(ws.ws_row, ws.ws_col);
		return true;
	}
	return false;
}

int ui_read_key(ui_app *app)
{
	/* a size changed since the screen was last drawn: drawn again first,
	 * before waiting for a key (0: nothing to do but draw) */
	if (follow_terminal_size())
		return 0;
	wint_t wc;
	int r = get_wch(&wc);
	if (r == ERR) {
		follow_terminal_size();
		return 0;
	}
	if (r == KEY_CODE_YES) {
		if (wc == KEY_RESIZE)
			return 0;
		if (wc == KEY_MOUSE) {
			MEVENT ev;
			if (getmouse(&ev) != OK)
				return 0;
			if (ev.bstate & BUTTON4_PRESSED)
				return UI_FN | KEY_UP;
			if (ev.bstate & BUTTON5_PRESSED)
				return UI_FN | KEY_DOWN;
			if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON1_PRESSED)))
				return 0;
			app->mouse_y = ev.y;
			app->mouse_x = ev.x;
			app->mouse_double = (ev.bstate & BUTTON1_DOUBLE_CLICKED) != 0;
			return UI_MOUSE;
		}
		return UI_FN | (int)wc;
	}
	if (wc == 27) {
		/* A lone Esc, or Esc then a key typed quickly: Esc. Esc then an
		 * introducer: a sequence curses did not know, swallowed whole. */
		wint_t next;
		int r2 = get_pending(&next);
		if (r2 == ERR)
			return 27;
		if (r2 == OK && next < 0x80 && strchr("[]P_^XO", (int)next)) {
			swallow_escape(app, (int)next);
			return 0;
		}
		if (r2 == KEY_CODE_YES)
			ungetch((int)next);
		else
			unget_wch(next);
		return 27;
	}
	if (app->paste && (wc == '\n' || wc == '\r' || wc == '\t'))
		return ' ';
	return (int)wc;
}

/* One line typed after a question on the status line, shown as dots when
 * secret (then wiped); false on Esc. */
static bool ask_line(ui_app *app, const char *question, char *out, size_t size, bool secret)
{
	gn_editbuf eb;
	gn_eb_init(&eb, size - 1);
	bool done = false, given = false;
	while (!done) {
		ui_status(app, false, "%s", question);
		ui_draw_all(app);
		/* the answer after the question (a secret shown as dots) */
		int w = gn_text_width(question) + 2;
		if (w < COLS - 8)
			ui_input_draw(&eb, UI_LINES - 2, w, COLS - w - 1, secret, true);
		refresh();
		int key = ui_read_key(app);
		if (key == 0)
			continue;
		if (key == 27) {
			done = true;
		} else if (key == '\n' || key == '\r' || key == (UI_FN | KEY_ENTER)) {
			done = given = true;
		} else {
			ui_input_key(&eb, key);
		}
	}
	app->status[0] = '\0';
	snprintf(out, size, "%s", given ? eb.text : "");
	if (eb.text)
		explicit_bzero(eb.text, eb.cap);
	gn_eb_free(&eb);
	return given;
}

bool ui_ask_secret(ui_app *app, const char *question, char *out, size_t size)
{
	return ask_line(app, question, out, size, true);
}

bool ui_ask_text(ui_app *app, const char *question, char *out, size_t size)
{
	return ask_line(app, question, out, size, false);
}

int ui_ask(ui_app *app, const char *question)
{
	ui_status(app, false, "%s", question);
	int key;
	do {
		ui_draw_all(app);
		key = ui_read_key(app);
	} while (key == 0);
	app->status[0] = '\0';
	return key;
}

/* ---- the help screen ----------------------------------------------------- */

typedef struct help_view {
	ui_view v;
	unsigned for_view;
	ui_list text;        /* the help's lines: scrolled, no cursor */
} help_view;

static bool help_shown(const help_view *h, const ui_action_def *a)
{
	return (a->views & h->for_view) && !(ui_action_officer_only(a->action) && !ui_officer(h->v.app));
}

static void help_draw(ui_view *v)
{
	help_view *h = (help_view *)v;
	ui_title(v->app, _("Help: keys on this screen"), "gonha");
	/* each key's help wrapped at words in its column: the list scrolls
	 * by screen lines, a help of two lines is two */
	int x_text = 27, w_text = COLS - 28 > 10 ? COLS - 28 : 10;
	size_t n = 0;
	for (size_t i = 0; i < ui_action_count; i++)
		if (help_shown(h, &ui_actions[i]))
			n += (size_t)ui_wrap_count(_(ui_actions[i].help), w_text);
	int y0 = 2, lines = UI_LINES - 2 - y0;
	ui_list_set_count(&h->text, n);
	ui_list_layout(&h->text, lines > 0 ? (size_t)lines : 1);
	size_t line = 0;
	for (size_t i = 0; i < ui_action_count; i++) {
		const ui_action_def *a = &ui_actions[i];
		if (!help_shown(h, a))
			continue;
		const char *text = _(a->help);
		size_t first = line;
		for (const char *s = text; s && *s; line++) {
			size_t next, len = ui_wrap_line(s, w_text, &next);
			if (ui_list_visible(&h->text, line)) {
				char buf[512];
				snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), s);
				ui_put(y0 + (int)(line - h->text.top), x_text, w_text, buf);
			}
			s += next;
		}
		if (ui_list_visible(&h->text, first)) {
			int y = y0 + (int)(first - h->text.top);
			char keys[64] = "";
			size_t len = 0;
			for (size_t k = 0; k < 4 && a->keys[k] && len < sizeof keys; k++) {
				char one[24];
				if (*ui_key_name(a->keys[k], true, one, sizeof one))
					len += (size_t)snprintf(keys + len, sizeof keys - len, "%s%s", len ? " " : "", one);
			}
			attron(A_BOLD);
			ui_put(y, 2, 24, keys);
			attroff(A_BOLD);
		}
	}
	move(UI_LINES - 2, 0);
}

static bool help_key(ui_view *v, ui_action a, int key)
{
	if (a == UA_HELP || key == 'q') {
		ui_pop(v->app);
		return true;
	}
	return false;
}

static void help_close(ui_view *v) { free(v); }

ui_view *ui_help_new(ui_app *app, unsigned for_view)
{
	help_view *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->v = (ui_view){ .kind = UV_HELP, .draw = help_draw, .handle_key = help_key, .close = help_close, .app = app };
	h->for_view = for_view;
	h->text.scroll = true;
	h->v.list = &h->text;
	return &h->v;
}

/* ---- the loop ------------------------------------------------------------ */

static void handle_key(ui_app *app, int key)
{
	ui_view *v = app->top;
	if (too_small()) {
		if (key == UI_CTRL('q') || key == UI_CTRL('c')) { /* no room to ask; the drafts kept */
			ui_keep_drafts(app);
			app->quit = true;
		}
		return;
	}
	ui_action a = ui_action_for_key(v->kind, key);
	if (a == UA_REDRAW) { /* everywhere, before any view sees it */
		clearok(curscr, TRUE);
		return;
	}
	app->status[0] = '\0'; /* a message lasts until the next key */
	if (a == UA_FORM_LANG) { /* every entry screen alike */
		ui_form_lang_next(app);
		return;
	}
	if (v->handle_key(v, a, key))
		return;
	/* Generic movement, once for every list: the view said how many rows
	 * it has and how many it draws (ui_list). */
	ui_move m;
	if (v->list && ui_action_move(a, &m)) {
		ui_list_move(v->list, m);
		return;
	}
	switch (a) {
	case UA_HELP:
		ui_push(app, ui_help_new(app, v->kind));
		break;
	case UA_BACK:
		if (v->below)
			ui_pop(app);
		else if (v->kind == UV_HOME || v->kind == UV_SIGNIN)
			ui_quit_asked(app); /* leaving gonha is asked, whichever key leads there */
		break;
	case UA_QUIT:
		ui_quit_asked(app);
		break;
	case UA_SWITCH_USER:
		if (app->signed_in)
			ui_sign_out_asked(app);
		break;
	default:
		break;
	}
}

/* A key, then anything the questionnaire could not evaluate while the
 * screens used it (gn_form_relevant keeps it): said, not folded away. */
static void handle(ui_app *app, int key)
{
	handle_key(app, key);
	gn_form *form = ui_form_in_use(app); /* the open TDP's */
	if (form && form->eval_error.status != GN_OK) {
		ui_status_err(app, &form->eval_error);
		gn_err_clear(&form->eval_error);
	}
}

static void free_carry(ui_carry *c)
{
	free(c->alley);
	free(c->street);
	free(c->visit_date);
	free(c->visited_by);
	memset(c, 0, sizeof *c);
}

static void close_all(ui_app *app)
{
	while (app->top) {
		ui_view *v = app->top;
		app->top = v->below;
		v->close(v);
	}
}

bool ui_officer(const ui_app *app)
{
	return app->signed_in && app->ctx.user.role == GN_ROLE_WARD_OFFICER;
}

bool ui_keep_drafts(ui_app *app)
{
	bool unsaved = false;
	for (ui_view *v = app->top; v; v = v->below)
		if (v->keep_draft && v->keep_draft(v, false))
			unsaved = true;
	return unsaved;
}

void ui_quit_asked(ui_app *app)
{
	bool unsaved = ui_keep_drafts(app);
	if (!app->signed_in) { /* the sign-in screen: nothing to lose */
		app->quit = true;
		return;
	}
	const char *q = unsaved ? _("This household is not saved; what you typed is kept as a draft. Quit gonha?")
	                        : _("Quit gonha?");
	if (ui_confirm(app, q, &(ui_prompt){ .yes = _("quit"), .no = _("stay") }) == UI_YES)
		app->quit = true;
}

void ui_sign_out_asked(ui_app *app)
{
	bool unsaved = ui_keep_drafts(app);
	const char *q = unsaved ? _("This household is not saved; what you typed is kept as a draft. Sign out?")
	                        : _("Sign out?");
	if (ui_confirm(app, q, &(ui_prompt){ .yes = _("sign out"), .no = _("stay") }) == UI_YES)
		ui_switch_user(app);
}

void ui_switch_user(ui_app *app)
{
	/* Only list screens offer this: every form below has its draft written
	 * already (drafts live in the database, whoever signs in next). */
	close_all(app);
	free_carry(&app->carry); /* "visited by" was the one who leaves */
	gn_sign_out(&app->ctx);
	app->signed_in = false;
	ui_push(app, ui_signin_new(app));
	ui_status(app, false, "%s", _("Signed out."));
}

/* ---- the day's snapshot ---------------------------------------------------- */

/* The day's snapshot (backup.h: at most one a day, none when nothing
 * changed) is looked at the first moment of each local day that gonha
 * runs: at start-up, before anyone has signed in, or when a gonha left
 * open passes midnight. Not at sign-out or quit: those must cost nothing
 * (issue 13; a copy of a 2-million-person ward takes seconds). At
 * start-up the copy holds the ward as the previous day left it, before
 * today's work: what undoing a bad import or a wrong day needs. It is made
 * by a gonha process of its own (`gonha snapshot-daily`, its own
 * connection, no state shared with this one): its one read transaction
 * keeps nobody waiting (WAL), the screen answers keys meanwhile, and it
 * finishes even if this gonha quits first. Only a failure is said, on the
 * status line, in the process's own words (a damaged database is not
 * copied: quick_check). */

extern char **environ;

/* Starts `gonha snapshot-daily --db PATH` with its stderr on a pipe; the
 * pid, or -1. */
static pid_t spawn_snapshot(const char *db_path, int *err_fd)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	int p[2];
	if (len <= 0 || pipe2(p, O_CLOEXEC) != 0)
		return -1;
	exe[len] = '\0';
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid = -1;
	if (posix_spawn_file_actions_init(&fa) != 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (posix_spawnattr_init(&attr) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	char *argv[] = { "gonha", "--lang", (char *)gn_i18n_lang(), "snapshot-daily", "--db", (char *)db_path, NULL };
	/* a session of its own: closing the terminal window does not stop it */
	if (posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, p[1], STDERR_FILENO) != 0 ||
	    posix_spawn(&pid, exe, &fa, &attr, argv, environ) != 0)
		pid = -1;
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (pid < 0)
		close(p[0]);
	else
		*err_fd = p[0];
	return pid;
}

/* Reports a finished snapshot; starts the day's look if this gonha has
 * not made it today. */
static void daily_snapshot(ui_app *app)
{
	if (app->snapshot_pid > 0) {
		int status = 0;
		pid_t r = waitpid(app->snapshot_pid, &status, WNOHANG);
		if (r == 0)
			return; /* still at it */
		char msg[GN_ERR_MSG_MAX] = "";
		ssize_t n = read(app->snapshot_err, msg, sizeof msg - 1);
		msg[n > 0 ? n : 0] = '\0';
		msg[strcspn(msg, "\n")] = '\0';
		close(app->snapshot_err);
		app->snapshot_pid = 0;
		if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			ui_status(app, true, _("The day's backup was not made: %s"),
			          msg[0] ? (strncmp(msg, "gonha: ", 7) == 0 ? msg + 7 : msg) : "?");
	}
	char today[11];
	gn_today_iso(today);
	if (!app->db_path[0] || app->headless || strcmp(today, app->snapshot_day) == 0)
		return;
	snprintf(app->snapshot_day, sizeof app->snapshot_day, "%s", today);
	pid_t pid = spawn_snapshot(app->db_path, &app->snapshot_err);
	if (pid > 0)
		app->snapshot_pid = pid;
	else
		ui_status(app, true, _("The day's backup was not made: %s"), strerror(errno));
}

/* Quitting does not wait for it: it finishes on its own. */
static void daily_snapshot_leave(ui_app *app)
{
	if (app->snapshot_pid > 0)
		close(app->snapshot_err);
	app->snapshot_pid = 0;
}

static void app_finish(ui_app *app)
{
	close_all(app);
	free_carry(&app->carry);
	gn_cov_free(&app->cov);
	app->tdp_form = NULL;
	if (app->forms)
		gn_tdp_forms_free(app->forms);
	free(app->forms);
	app->forms = NULL;
}

void ui_use_form(ui_app *app, const gn_form *form)
{
	app->form = form;
	app->ctx.form_id = form ? form->id : NULL; /* written with every record saved */
	app->ctx.form_version = form ? form->version : NULL;
}

gn_form *ui_tdp_form(ui_app *app, const char *tdp_id)
{
	gn_err err = { 0 };
	gn_form *form = NULL;
	if (!app->forms && (app->forms = malloc(sizeof *app->forms)))
		gn_tdp_forms_init(app->forms, app->db, app->db_path, app->census ? app->census->form : NULL);
	if (!app->forms) {
		ui_status(app, true, "%s", _("out of memory"));
		return NULL;
	}
	if (gn_tdp_forms_of(app->forms, tdp_id, &form, &err) != GN_OK) {
		ui_status_err(app, &err);
		return NULL;
	}
	return form;
}

bool ui_enter_tdp_form(ui_app *app, const char *tdp_id)
{
	gn_form *form = ui_tdp_form(app, tdp_id);
	if (!form)
		return false;
	app->tdp_form = app->census && form == app->census->form ? NULL : form;
	ui_use_form(app, form);
	return true;
}

/* The app keeps the loaded indicators as its own (app->cov, freed by
 * app_finish) and borrows the form for its labels. */
static void adopt_census(ui_app *app, gn_census *census)
{
	app->cov = census->coverage;
	memset(&census->coverage, 0, sizeof census->coverage);
	app->census = census;
	app->ctx.coverage = &app->cov;
	ui_use_form(app, census->form);
}

static gn_status open_db(const char *db_path, sqlite3 **db, char buf[4096], gn_err *err)
{
	gn_status st = gn_db_path(db_path, buf, 4096, err);
	if (st == GN_OK && (st = gn_db_open(buf, 0, db, err)) == GN_OK)
		gn_backup_sweep_restores(*db, buf);
	return st;
}

/* The screens read one TDP at a time, again at every key: its persons,
 * households and their indexes (about 4 MB for 1,900 households) are kept
 * in SQLite's own cache instead of read again through the OS at each key
 * (the default 2 MB held less than one TDP). Bounded: 16 MB. */
#define UI_CACHE_KB 16384

static void ui_db_tune(sqlite3 *db)
{
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", UI_CACHE_KB);
	gn_err err = { 0 };
	(void)gn_db_exec(db, sql, &err); /* a smaller cache is slower, never wrong */
}

int gn_ui_run(const char *path, sqlite3 *db, gn_census *census)
{
	ui_db_tune(db);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "gonha: %s\n", _("the screen needs a terminal; for scripts use the commands (see gonha --help)"));
		return 2;
	}
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		fprintf(stderr, "gonha: %s\n", _("this terminal cannot be used (check $TERM)"));
		return 3;
	}
	set_term(scr);
	raw(); /* Ctrl-S, Ctrl-Q and Ctrl-C reach us as keys */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(60);
	mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	/* Bracketed paste: a pasted text arrives marked, so its newlines stay in
	 * the field instead of moving on. */
	fputs("\033[?2004h", stdout);
	fflush(stdout);

	ui_app app = { .db = db };
	snprintf(app.db_path, sizeof app.db_path, "%s", path);
	app.ctx.db = db;
	app.ctx.coverage = &app.cov;
	/* the questionnaire the form screens render, and its indicators, so
	 * that saving a household keeps the coverage counters right */
	adopt_census(&app, census);
	ui_push(&app, ui_signin_new(&app));
	/* Idle lock: a shared office PC left alone does not stay open. Keys
	 * are awaited at most a second, so the clock is looked at; and a
	 * resize whose signal came just before curses began to wait (it then
	 * waits on, unaware) is seen within that second, not at the next key. */
	int idle_minutes = gn_idle_lock_minutes(db);
	double last_key = now_ms();
	timeout(UI_KEY_WAIT_MS);
	while (!app.quit && app.top) {
		daily_snapshot(&app);
		ui_draw_all(&app);
		int key = ui_read_key(&app);
		if (key) {
			last_key = now_ms();
			handle(&app, key);
		} else if (app.signed_in && now_ms() - last_key >= idle_minutes * 60000.0 &&
		           !(app.top->kind == UV_SIGNIN)) {
			ui_keep_drafts(&app);
			ui_push(&app, ui_lock_new(&app, idle_minutes));
		} else if (app.top->keep_draft) {
			/* no key for a second: what is typed goes in the draft, so a
			 * kill loses nothing of the field under the cursor */
			app.top->keep_draft(app.top, true);
		}
	}
	/* Quitting signs out too; it copies nothing (the day's snapshot). */
	if (app.signed_in) {
		gn_sign_out(&app.ctx);
		app.signed_in = false;
	}
	daily_snapshot_leave(&app);
	app_finish(&app);
	endwin();
	fputs("\033[?2004l", stdout);
	fflush(stdout);
	delscreen(scr);
	return 0;
}

/* ---- the headless bench --------------------------------------------------- */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Draws the top view `rounds` times (reopening it each time, as coming
 * back to it does) and returns ms per screen. */
static double time_screen(ui_app *app, int rounds)
{
	double t0 = now_ms();
	for (int i = 0; i < rounds; i++) {
		if (app->top->open)
			app->top->open(app->top);
		ui_draw_all(app);
	}
	return (now_ms() - t0) / rounds;
}

/* The slowest key of each screen (issue 13): every key is timed from the
 * key to the redrawn screen, opening a screen included; saves (a key that
 * commits, with its fsync) are kept apart from navigation and typing.
 * Cold (--cold): SQLite's page cache emptied and the file (and its WAL)
 * dropped from the OS page cache before each screen is opened and before
 * each walk of its keys (filters, search), so a screen starts from the
 * disk as after a reboot; --cold-keys: before every key. */
typedef struct key_stat {
	const char *screen;
	size_t n;
	double sum, max;
	char worst[32]; /* the slowest key's name */
} key_stat;

enum { KS_HOME, KS_TDP, KS_FILTER, KS_SEARCH, KS_HOUSEHOLD, KS_DASH, KS_CHART, KS_COV, KS_MISSING, KS_SAVE, KS_N };

typedef struct bench_keys {
	key_stat s[KS_N];
	int cold; /* 0 warm, 1 each screen cold, 2 every key cold */
} bench_keys;

static void drop_cache(ui_app *app)
{
	sqlite3_db_release_memory(app->db);
	const char *file = sqlite3_db_filename(app->db, "main");
	if (!file || !*file)
		return;
	char path[4200];
	for (int wal = 0; wal < 2; wal++) {
		snprintf(path, sizeof path, "%s%s", file, wal ? "-wal" : "");
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
}

static void note_key(bench_keys *b, int which, const char *name, double ms)
{
	key_stat *k = &b->s[which];
	k->n++;
	k->sum += ms;
	if (ms > k->max || k->n == 1) {
		k->max = ms;
		snprintf(k->worst, sizeof k->worst, "%s", name);
	}
}

/* One key to the redrawn screen; `name` says which in the report. */
static double bench_key(ui_app *app, bench_keys *b, int which, int key, const char *name)
{
	if (b->cold == 2)
		drop_cache(app);
	double t0 = now_ms();
	handle(app, key);
	ui_draw_all(app);
	double ms = now_ms() - t0;
	note_key(b, which, name, ms);
	if (getenv("GONHA_BENCH_KEYS")) /* every key, on stderr */
		fprintf(stderr, "%-22s %-16s %8.2f ms\n", b->s[which].screen, name, ms);
	return ms;
}

/* A walk of a screen's keys begins (--cold: from the disk). */
static void bench_cold_start(ui_app *app, const bench_keys *b)
{
	if (b->cold == 1)
		drop_cache(app);
}

/* A screen opened (as the key that opens it does) and drawn. */
static double bench_open(ui_app *app, bench_keys *b, int which, ui_view *(*make)(ui_app *, const char *),
                         const char *arg)
{
	if (b->cold)
		drop_cache(app);
	double t0 = now_ms();
	ui_push(app, make(app, arg));
	ui_draw_all(app);
	double ms = now_ms() - t0;
	note_key(b, which, "open", ms);
	return ms;
}

static ui_view *make_home(ui_app *app, const char *arg)
{
	(void)arg;
	return ui_home_new(app);
}

static ui_view *make_dashboard(ui_app *app, const char *arg)
{
	(void)arg;
	return ui_dashboard_new(app);
}

/* The keys that move in every list, each named. */
static void bench_list_keys(ui_app *app, bench_keys *b, int which)
{
	static const struct { int key; const char *name; } walk[] = {
		{ UI_FN | KEY_DOWN, "Down" }, { UI_FN | KEY_DOWN, "Down" }, { UI_FN | KEY_NPAGE, "PgDn" },
		{ UI_FN | KEY_UP, "Up" }, { UI_FN | KEY_NPAGE, "PgDn" }, { UI_FN | KEY_NPAGE, "PgDn" },
		{ UI_FN | KEY_PPAGE, "PgUp" }, { UI_FN | KEY_END, "End" }, { UI_FN | KEY_UP, "Up" },
		{ UI_FN | KEY_PPAGE, "PgUp" }, { UI_FN | KEY_HOME, "Home" },
	};
	for (size_t i = 0; i < sizeof walk / sizeof *walk; i++)
		bench_key(app, b, which, walk[i].key, walk[i].name);
}

static void bench_type(ui_app *app, bench_keys *b, int which, const char *text)
{
	for (const char *c = text; *c; c++) {
		char name[8];
		snprintf(name, sizeof name, "'%c'", *c);
		bench_key(app, b, which, (unsigned char)*c, name);
	}
}

static void bench_keys_print(const bench_keys *b)
{
	printf("slowest key per screen (%s)\n", b->cold == 2 ? "cold: caches dropped before every key"
	       : b->cold ? "cold: caches dropped before each screen" : "warm");
	for (int i = 0; i < KS_N; i++) {
		const key_stat *k = &b->s[i];
		if (!k->n)
			continue;
		printf("  %-22s %4zu keys  mean %8.2f ms  slowest %8.2f ms  (%s)\n", k->screen, k->n, k->sum / (double)k->n,
		       k->max, k->worst);
	}
}

/* What the bench measures, in ms. */
typedef struct bench_times {
	double first, home, tdp, keys, search, search_text, household, fields, census, dash, cov, missing;
	const char *search_for; /* --search: typed into the TDP's search, timed per key */
} bench_times;

static double mean_of(const key_stat *k, size_t from_n, double from_sum)
{
	return k->n > from_n ? (k->sum - from_sum) / (double)(k->n - from_n) : 0;
}

/* Every screen the census uses, walked with its keys: home (with End),
 * a TDP (every filter, search typing), a household form, the dashboard,
 * a TDP's coverage and its missing people; then the saves. */
static void bench_walk(ui_app *app, const char *tdp_id, int rounds, bool have_census, bench_times *t,
                       bench_keys *b)
{
	/* home: the screen below everything, walked first */
	bench_cold_start(app, b);
	bench_list_keys(app, b, KS_HOME);

	bench_open(app, b, KS_TDP, ui_tdp_new, tdp_id);
	t->tdp = time_screen(app, rounds);
	size_t n0 = b->s[KS_TDP].n;
	double s0 = b->s[KS_TDP].sum;
	bench_list_keys(app, b, KS_TDP);
	t->keys = mean_of(&b->s[KS_TDP], n0, s0);
	/* every filter (f cycles through them, back to all), each walked */
	static const char *const filters[] = { "f: not visited", "f: revisit", "f: needs help", "f: all" };
	bench_cold_start(app, b);
	for (size_t f = 0; f < sizeof filters / sizeof *filters; f++) {
		bench_key(app, b, KS_FILTER, 'f', filters[f]);
		bench_key(app, b, KS_FILTER, UI_FN | KEY_NPAGE, "PgDn");
		bench_key(app, b, KS_FILTER, UI_FN | KEY_END, "End");
		bench_key(app, b, KS_FILTER, UI_FN | KEY_HOME, "Home");
	}
	/* search as you type: a name, then digits (a CCCD's start) */
	bench_cold_start(app, b);
	bench_key(app, b, KS_SEARCH, '/', "'/'");
	n0 = b->s[KS_SEARCH].n;
	s0 = b->s[KS_SEARCH].sum;
	bench_type(app, b, KS_SEARCH, "nguyen v");
	t->search = mean_of(&b->s[KS_SEARCH], n0, s0);
	bench_key(app, b, KS_SEARCH, 127, "Backspace");
	bench_key(app, b, KS_SEARCH, 127, "Backspace");
	bench_key(app, b, KS_SEARCH, 27, "Esc");
	bench_key(app, b, KS_SEARCH, '/', "'/'");
	bench_type(app, b, KS_SEARCH, "001");
	bench_key(app, b, KS_SEARCH, 27, "Esc");
	if (t->search_for) {
		bench_key(app, b, KS_SEARCH, '/', "'/'");
		n0 = b->s[KS_SEARCH].n;
		s0 = b->s[KS_SEARCH].sum;
		bench_type(app, b, KS_SEARCH, t->search_for);
		t->search_text = mean_of(&b->s[KS_SEARCH], n0, s0);
		bench_key(app, b, KS_SEARCH, 27, "Esc");
	}
	/* saves, apart: a household moved one place later and back */
	bench_cold_start(app, b);
	bench_key(app, b, KS_SAVE, '+', "'+' (move)");
	bench_key(app, b, KS_SAVE, '-', "'-' (move)");

	bench_cold_start(app, b);
	bench_key(app, b, KS_HOUSEHOLD, '\r', "open");
	t->household = time_screen(app, rounds);
	n0 = b->s[KS_HOUSEHOLD].n;
	s0 = b->s[KS_HOUSEHOLD].sum;
	static const int fields[] = { '\t', '\t', '\t', '\t', UI_FN | KEY_BTAB, UI_FN | KEY_BTAB };
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		bench_key(app, b, KS_HOUSEHOLD, fields[i], fields[i] == '\t' ? "Tab" : "S-Tab");
	t->fields = mean_of(&b->s[KS_HOUSEHOLD], n0, s0);
	bench_key(app, b, KS_SAVE, UI_CTRL('s'), "^S (household)");
	if (!have_census)
		return;
	/* The coverage screens, with the questionnaire's indicators (loaded
	 * first: it brings the counters up to date, slow once after a demo). */
	bench_open(app, b, KS_DASH, make_dashboard, NULL);
	t->dash = time_screen(app, rounds);
	static const struct { int key; const char *name; } sort[] = {
		{ 'o', "'o'" }, { 'o', "'o'" }, { 'o', "'o'" }, { 'r', "'r'" }, { UI_FN | KEY_RIGHT, "Right" },
		{ UI_FN | KEY_RIGHT, "Right" }, { 'o', "'o'" }, { 'r', "'r'" },
	};
	for (size_t i = 0; i < sizeof sort / sizeof *sort; i++)
		bench_key(app, b, KS_DASH, sort[i].key, sort[i].name);
	bench_list_keys(app, b, KS_DASH);
	/* the progress chart: 't' reads the weeks from the snapshots and
	 * draws them; Right/Left the other indicators; Esc back */
	for (int round = 0; round < 2; round++) {
		bench_cold_start(app, b);
		bench_key(app, b, KS_CHART, 't', "'t' (open)");
		static const struct { int key; const char *name; } chart[] = {
			{ UI_FN | KEY_RIGHT, "Right" }, { UI_FN | KEY_RIGHT, "Right" }, { UI_FN | KEY_LEFT, "Left" },
		};
		for (size_t i = 0; i < sizeof chart / sizeof *chart; i++)
			bench_key(app, b, KS_CHART, chart[i].key, chart[i].name);
		bench_key(app, b, KS_DASH, 27, "Esc (from the chart)");
	}
	bench_open(app, b, KS_COV, ui_cov_tdp_new, tdp_id);
	t->cov = time_screen(app, rounds);
	bench_list_keys(app, b, KS_COV);
	/* the people missing from the first indicator */
	bench_cold_start(app, b);
	bench_key(app, b, KS_MISSING, '\r', "open");
	t->missing = time_screen(app, rounds);
	bench_list_keys(app, b, KS_MISSING);
}

static void bench_print(const bench_times *t)
{
	printf("first screen (start-up)   %8.2f ms\n", t->first);
	printf("home (TDPs)               %8.2f ms/screen\n", t->home);
	printf("TDP (households)          %8.2f ms/screen\n", t->tdp);
	printf("TDP key to redraw         %8.2f ms/key\n", t->keys);
	printf("TDP search key to redraw  %8.2f ms/key\n", t->search);
	if (t->search_for)
		printf("TDP search --search text  %8.2f ms/key\n", t->search_text);
	printf("household form            %8.2f ms/screen\n", t->household);
	printf("form key to redraw        %8.2f ms/key\n", t->fields);
	printf("questionnaire load        %8.2f ms\n", t->census);
	printf("ward dashboard            %8.2f ms/screen\n", t->dash);
	printf("TDP coverage              %8.2f ms/screen\n", t->cov);
	printf("missing people list       %8.2f ms/screen\n", t->missing);
}

int gn_ui_bench(const char *db_path, const char *login, int rounds, const char *search, int cold)
{
	double t_start = now_ms();
	gn_err err = { 0 };
	sqlite3 *db = NULL;
	int rc = 3;
	FILE *out = NULL, *in = NULL;
	SCREEN *scr = NULL;
	gn_tdp *tdps = NULL;
	size_t n_tdps = 0;
	gn_census census;
	bool have_census = false;
	char path[4096] = "";
	if (open_db(db_path, &db, path, &err) != GN_OK) {
		fprintf(stderr, "gonha: %s\n", err.msg);
		return 3;
	}
	ui_db_tune(db);
	/* the questionnaire the form screens render, as gn_ui_run loads it */
	gn_form_problems problems = { 0 };
	double t_census0 = now_ms();
	have_census = gn_census_load(db, NULL, &census, &problems, &err) == GN_OK;
	double t_census = now_ms() - t_census0;
	gn_form_problems_free(&problems);
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	if (!out || !in || !(scr = newterm("xterm-256color", out, in))) {
		fprintf(stderr, "gonha: %s\n", _("cannot open a headless screen"));
		goto done;
	}
	set_term(scr);
	resize_term(24, 80);
	ui_app app = { .db = db, .headless = true };
	app.ctx.db = db;
	app.ctx.coverage = &app.cov;
	if (have_census)
		adopt_census(&app, &census);
	ui_push(&app, ui_signin_new(&app));
	ui_draw_all(&app);
	double t_first = now_ms() - t_start;

	/* Sign in directly (Argon2id is slow on purpose, not a screen). */
	if (gn_sign_in(&app.ctx, login, getenv("GONHA_PASSWORD") ? getenv("GONHA_PASSWORD") : "demo",
	               &err) != GN_OK) {
		fprintf(stderr, "gonha: %s\n", err.msg);
		app_finish(&app);
		goto done;
	}
	app.signed_in = true;
	ui_pop(&app);
	bench_keys bk = { .cold = cold };
	static const char *const screens[KS_N] = {
		[KS_HOME] = "home", [KS_TDP] = "TDP", [KS_FILTER] = "TDP, every filter", [KS_SEARCH] = "TDP search typing",
		[KS_HOUSEHOLD] = "household form", [KS_DASH] = "ward dashboard",
		[KS_CHART] = "progress chart", [KS_COV] = "TDP coverage",
		[KS_MISSING] = "missing people list", [KS_SAVE] = "saves (fsync)",
	};
	for (int i = 0; i < KS_N; i++)
		bk.s[i].screen = screens[i];
	bench_open(&app, &bk, KS_HOME, make_home, NULL);
	double t_home = time_screen(&app, rounds);
	if (gn_tdp_list(&app.ctx, &tdps, &n_tdps, &err) != GN_OK || n_tdps == 0) {
		fprintf(stderr, "gonha: %s\n", n_tdps ? err.msg : _("there are no TDPs"));
		app_finish(&app);
		goto done;
	}
	bench_times bt = { .first = t_first, .home = t_home, .census = t_census, .dash = -1, .cov = -1, .missing = -1,
	                   .search_for = search };
	bench_walk(&app, tdps[n_tdps / 2].id, rounds, have_census, &bt, &bk);
	if (!have_census)
		fprintf(stderr, "gonha: %s\n", err.msg);
	bench_print(&bt);
	bench_keys_print(&bk);
	/* Sign-out (a switch of user, to the sign-in screen drawn) and quit
	 * (signing out, closing the screens, the questionnaire and the file),
	 * as gn_ui_run and gonha do them: no copy on either (issue 13). */
	double t_out0 = now_ms();
	ui_switch_user(&app);
	ui_draw_all(&app);
	double t_out = now_ms() - t_out0;
	double t_quit0 = now_ms();
	gn_sign_out(&app.ctx);
	app.signed_in = false;
	daily_snapshot_leave(&app);
	app_finish(&app);
	if (have_census)
		gn_census_free(&census);
	have_census = false;
	gn_db_close(db);
	db = NULL;
	double t_quit = now_ms() - t_quit0;
	printf("sign-out                  %8.2f ms\n", t_out);
	printf("quit                      %8.2f ms\n", t_quit);
	rc = 0;
done:
	free(tdps);
	if (scr) {
		endwin();
		delscreen(scr);
	}
	if (out)
		fclose(out);
	if (in)
		fclose(in);
	if (have_census)
		gn_census_free(&census);
	gn_db_close(db);
	return rc;
}
