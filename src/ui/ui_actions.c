/* The one action table: key handling, the key bar and the help screen all
 * read it, so they cannot disagree. Every action has a key that is not an
 * F-key (letters in the lists, Ctrl-keys in the forms where letters are
 * text). */
#include "ui.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"

#include <stdio.h>
#include <string.h>
#include <unistr.h>

#define FN(k) (UI_FN | (k))

const ui_action_def ui_actions[] = {
	/* a save that met the household changed elsewhere: nothing is typed
	 * on that screen, so letters; Enter and Tab move on as in the forms */
	{ UA_TAKE_MINE, "keep-mine", { 'm', FN(KEY_RIGHT) },
	  N_("Mine"), N_("On this line keep what you typed (→)"), UV_STALE },
	{ UA_TAKE_DATABASE, "take-database", { 'd', FN(KEY_LEFT) },
	  N_("Database's"), N_("On this line take the value now in the database (←)"), UV_STALE },
	{ UA_SAVE, "save-again", { UI_CTRL('s'), FN(KEY_F(2)) },
	  N_("Save"), N_("Save again with these choices"), UV_STALE },
	{ UA_KEEP_BOTH, "keep-both", { 'k' },
	  N_("Keep both"), N_("Keep both: yours for the ward officer to decide"), UV_STALE },
	{ UA_BACK, "back-to-form", { 27 },
	  N_("Back"), N_("Back to the form; nothing you typed is lost"), UV_STALE },

	/* forms: Ctrl-keys, since letters are typed into the fields */
	{ UA_SAVE_NEXT, "save-next", { UI_CTRL('n'), FN(KEY_F(3)) },
	  N_("Save, next"), N_("Save this household and go to the next one in walking order"), UV_FORMS },
	{ UA_SAVE_ADD_MEMBER, "save-add-member", { UI_CTRL('t'), FN(KEY_F(4)) },
	  N_("Next person"), N_("Keep this person and add the next member (Thêm người tiếp theo)"), UV_PERSON },
	{ UA_ADD_MEMBER, "add-member", { UI_CTRL('t'), FN(KEY_F(4)), FN(KEY_IC) },
	  N_("Add person"), N_("Add a member to this household"), UV_HOUSEHOLD },
	{ UA_SAVE, "save", { UI_CTRL('s'), FN(KEY_F(2)) },
	  N_("Save"), N_("Save the household and its members (one transaction)"), UV_FORMS },
	/* on the key bar where there is room (ui_action_if_room) */
	{ UA_REVIEW, "review", { UI_CTRL('r') },
	  N_("Review"), N_("Approve the household, or send it back with a reason (it goes on the revisit list)"),
	  UV_HOUSEHOLD },
	{ UA_REMOVE_MEMBER, "remove-member", { UI_CTRL('d'), FN(KEY_DC) },
	  N_("Remove person"), N_("Remove the member under the cursor from the household"), UV_HOUSEHOLD },
	/* the entries of a repeat (a list inside the form) */
	{ UA_ADD_MEMBER, "add-entry", { UI_CTRL('t'), FN(KEY_F(4)), FN(KEY_IC) },
	  N_("Add entry"), N_("Add an entry to this list"), UV_ROSTER },
	{ UA_REMOVE_MEMBER, "remove-entry", { UI_CTRL('d'), FN(KEY_DC) },
	  N_("Remove entry"), N_("Remove the entry under the cursor (asks first)"), UV_ROSTER },
	{ UA_SAVE, "save-household", { UI_CTRL('s'), FN(KEY_F(2)) },
	  N_("Save"), N_("Save the household with all its lists (one transaction)"), UV_ROSTER },
	{ UA_SAVE_ADD_MEMBER, "save-add-entry", { UI_CTRL('t'), FN(KEY_F(4)) },
	  N_("Next entry"), N_("Keep this entry and add the next one"), UV_ENTRY },
	{ UA_AUTO_ADVANCE, "auto-advance", { UI_CTRL('o'), FN(KEY_F(6)) }, NULL,
	  N_("Heads-down on/off: a field of fixed length (a year, a CCCD, a date) moves on by itself when full; "
	     "an Enter right after is taken as done (kept for your account)"), UV_FORMS },
	/* on the key bar where there is room (ui_action_if_room) */
	{ UA_FORM_LANG, "form-language", { FN(KEY_F(7)), UI_CTRL('y') },
	  N_("Language"), N_("The form in the next of its own languages (label::English (en)...), apart from gonha's "
	                     "(Ctrl-Y too; kept for your account)"), UV_FORMS | UV_ROSTER },
	{ UA_NEXT_FIELD, "next-field", { '\n', '\r', '\t', FN(KEY_ENTER) },
	  NULL, N_("Next field (Enter, Tab or Down)"), UV_FORMS | UV_SIGNIN | UV_ACCFORM | UV_STALE },
	{ UA_NEXT_FIELD, "next-field", { FN(KEY_DOWN) }, NULL, N_("Next field"), UV_FORMS | UV_SIGNIN | UV_ACCFORM | UV_STALE },
	{ UA_PREV_FIELD, "previous-field", { FN(KEY_BTAB), FN(KEY_UP) },
	  NULL, N_("Previous field (Shift-Tab or Up)"), UV_FORMS | UV_SIGNIN | UV_ACCFORM | UV_STALE },
	{ UA_SAVE, "save-account", { UI_CTRL('s'), FN(KEY_F(2)) },
	  N_("Save"), N_("Save (Enter on the last field too); a wrong field changes nothing"), UV_ACCFORM },
	{ UA_BACK, "cancel", { 27 }, N_("Cancel"), N_("Leave without changing anything"), UV_ACCFORM },

	/* accounts and the audit log (ward officer) */
	{ UA_ADD, "add-user", { 'a', FN(KEY_IC) },
	  N_("New"), N_("Add an account"), UV_USERS },
	{ UA_TOGGLE_DISABLED, "disable-user", { 'd', FN(KEY_DC) },
	  N_("Disable/enable"), N_("Disable the account under the cursor, or enable it again"), UV_USERS },
	{ UA_RESET_PASSWORD, "reset-password", { 'p' },
	  N_("Password"), N_("Set a new password for the account under the cursor"), UV_USERS },
	{ UA_ASSIGN_TDP, "assign-tdp", { 't' },
	  N_("TDPs"), N_("Change the TDPs of the account under the cursor"), UV_USERS },
	{ UA_OPEN, "open-entry", { '\n', '\r', FN(KEY_ENTER) },
	  N_("Details"), N_("The entry's changes, field by field (old → new)"), UV_AUDIT },
	{ UA_FILTER, "filter-audit", { 'f', '/' },
	  N_("Filter"), N_("Filter: user:NAME tdp:CODE action:ACTION date:YYYY-MM-DD (or FROM..TO)"), UV_AUDIT },
	{ UA_EXPORT_CSV, "export-audit", { 'e' },
	  N_("CSV"), N_("Write the filtered entries to a CSV file beside the database"), UV_AUDIT },

	/* coverage (before "open": → chooses the dashboard's indicator) */
	{ UA_NEXT_COL, "next-indicator", { FN(KEY_RIGHT), 'l', '\t' },
	  NULL, N_("Show the next indicator (← the previous one)"), UV_DASH },
	{ UA_PREV_COL, "previous-indicator", { FN(KEY_LEFT), 'h', FN(KEY_BTAB) },
	  NULL, N_("Show the previous indicator"), UV_DASH },
	{ UA_SORT, "sort", { 'o' },
	  N_("Sort"), N_("Sort by the next column (the one underlined)"),
	  UV_DASH },
	{ UA_REVERSE, "reverse", { 'r' },
	  N_("Reverse"), N_("Reverse the order"), UV_DASH },
	{ UA_PROGRESS, "progress", { 't' },
	  N_("Weeks"), N_("Progress week by week: a chart of the indicator against this year's target"), UV_DASH },
	{ UA_NEXT_COL, "next-indicator", { FN(KEY_RIGHT), 'l', '\t' },
	  NULL, N_("Show the next indicator (← the previous one)"), UV_PROGRESS },
	{ UA_PREV_COL, "previous-indicator", { FN(KEY_LEFT), 'h', FN(KEY_BTAB) },
	  NULL, N_("Show the previous indicator"), UV_PROGRESS },
	{ UA_EXPORT_CSV, "export-csv", { 'e' },
	  N_("CSV"), N_("Write this list as a CSV file for Excel (no CCCD)"), UV_MISSING },
	{ UA_PRINT_SHEET, "print-sheet", { 'p' },
	  N_("Sheet"), N_("Write this list as a PDF sheet to print and carry (A4)"), UV_MISSING },
	{ UA_OPEN, "open", { '\n', '\r', FN(KEY_ENTER) },
	  N_("People"), N_("The people not yet counted in this indicator, in walking order"), UV_COV },
	{ UA_OPEN, "open", { '\n', '\r', FN(KEY_ENTER) },
	  N_("Open"), N_("The coverage of the TDP under the cursor"), UV_DASH },
	{ UA_COVERAGE, "coverage", { 'c' },
	  N_("Coverage"), N_("The TDP's coverage: each indicator against this year's target"), UV_HOME },
	{ UA_COVERAGE, "coverage", { 'c' },
	  NULL, N_("The TDP's coverage: each indicator against this year's target"), UV_TDP },
	{ UA_DASHBOARD, "dashboard", { 'w' },
	  N_("Ward"), N_("The ward dashboard: every TDP's numbers and the total, sortable"), UV_HOME },

	/* the verification pass (ui_verify.c): its pages with Tab / arrows */
	/* on the home screen's key bar where there is room (ui_action_if_room) */
	{ UA_VERIFY, "verify", { 'v' },
	  N_("Verify"), N_("The verification pass: households to key again, differences, error rates"), UV_HOME },
	{ UA_OPEN, "open", { '\n', '\r', FN(KEY_ENTER) },
	  N_("Key/See"), N_("Key the household under the cursor again (blind), or see its differences"), UV_VERIFY },
	{ UA_NEXT_COL, "next-page", { '\t', FN(KEY_RIGHT) },
	  N_("Page"), N_("The next page: households, differences, per operator, per question (← the previous)"),
	  UV_VERIFY },
	{ UA_PREV_COL, "previous-page", { FN(KEY_BTAB), FN(KEY_LEFT) },
	  NULL, N_("The previous page"), UV_VERIFY },
	{ UA_VERIFY_FIRST, "keep-first", { '1' },
	  N_("Keep 1st"), N_("This difference: the first keying was right, nothing changes"), UV_VERIFY },
	{ UA_VERIFY_SECOND, "take-second", { '2' },
	  N_("Take 2nd"), N_("This difference: take the second keying into the record (saved, audited)"), UV_VERIFY },
	{ UA_VERIFY_CORRECT, "correct", { 'e' },
	  N_("Correct"), N_("This difference: both were wrong, type the right value (saved, audited)"), UV_VERIFY },
	{ UA_VERIFY_SAMPLE, "new-sample", { 'n' },
	  N_("Sample"), N_("Draw a new sample of a TDP: a percentage of each operator's households, or a number"),
	  UV_VERIFY },

	/* CSV exchange: letters are typed into the file name, so arrows move */
	{ UA_EXCHANGE, "exchange", { 'x' },
	  N_("Files"), N_("Export CSV for Excel, import another PC's file or a household list"), UV_HOME },
	{ UA_OPEN, "run", { '\n', '\r', FN(KEY_ENTER) },
	  N_("Run"), N_("Export to the file, or import it (checked first, then asked)"), UV_EXCHANGE },
	{ UA_COMPLETE, "pick-file", { '\t' },
	  N_("Pick a file"), N_("Import: the next file found in the usual folders, or the path typed completed"), UV_EXCHANGE },
	{ UA_COMPLETE_BACK, "pick-file-back", { FN(KEY_BTAB) }, NULL, N_("Import: the previous file of the list"),
	  UV_EXCHANGE },
	{ UA_UP, "up", { FN(KEY_UP) }, NULL, N_("Move up"), UV_EXCHANGE },
	{ UA_DOWN, "down", { FN(KEY_DOWN) }, NULL, N_("Move down"), UV_EXCHANGE },
	{ UA_KEEP_LOCAL, "keep-local", { 'l' },
	  N_("Keep ours"), N_("Keep this PC's version of the record"), UV_CONFLICTS },
	{ UA_KEEP_INCOMING, "keep-incoming", { 'n' },
	  N_("Keep file's"), N_("Keep the imported file's version of the record"), UV_CONFLICTS },

	/* lists */
	{ UA_OPEN, "open", { '\n', '\r', FN(KEY_ENTER), FN(KEY_RIGHT) },
	  N_("Open"), N_("Open the item under the cursor"), UV_TDP },
	{ UA_OPEN, "open", { '\n', '\r', FN(KEY_ENTER), FN(KEY_RIGHT) },
	  NULL, N_("Open the item under the cursor"), UV_HOME },
	{ UA_ADD, "add", { 'a', FN(KEY_IC) },
	  N_("Add"), N_("Add a household where it stands in the walk: right after the one under the cursor"), UV_TDP },
	{ UA_REMOVE, "remove", { 'd', FN(KEY_DC) },
	  N_("Remove"), N_("Remove the household (asks first; recorded in the audit log)"), UV_TDP },
	{ UA_MOVE_UP, "move-up", { '-', '<' },
	  NULL, N_("Move the household one place earlier in the walk"), UV_TDP },
	{ UA_MOVE_TO, "move-to", { 'm' },
	  N_("Move"), N_("Move the household to another place in the walk: m, then the cursor (or a search) on the "
	                 "household it goes after, Enter (t: before it; Esc: leave it)"), UV_TDP },
	{ UA_MOVE_DOWN, "move-down", { '+', '=', '>' },
	  NULL, N_("Move the household one place later in the walk (- earlier)"), UV_TDP },
	{ UA_FILTER, "filter", { 'f' },
	  N_("Filter"), N_("Show all / not visited / revisit / needs help"), UV_TDP },
	{ UA_SEARCH, "search", { '/', 's' },
	  N_("Search"), N_("Search names, addresses and CCCD as you type (no accents needed)"), UV_TDP },
	{ UA_PRINT_SHEET, "print-sheet", { 'p' },
	  NULL, N_("Write the walk sheet of this TDP as a PDF to print (A4; the revisit list when showing revisits)"),
	  UV_TDP },
	{ UA_UP, "up", { FN(KEY_UP), 'k' }, NULL, N_("Move up"), UV_LISTS | UV_HELP | UV_COVS | UV_ACCOUNTS | UV_CONFLICTS | UV_VERIFY },
	{ UA_DOWN, "down", { FN(KEY_DOWN), 'j' }, NULL, N_("Move down"), UV_LISTS | UV_HELP | UV_COVS | UV_ACCOUNTS | UV_CONFLICTS | UV_VERIFY },
	{ UA_PAGE_UP, "page-up", { FN(KEY_PPAGE), UI_CTRL('b') }, NULL, N_("Page up"), UV_LISTS | UV_HELP | UV_COVS | UV_ACCOUNTS | UV_VERIFY },
	{ UA_PAGE_DOWN, "page-down", { FN(KEY_NPAGE), UI_CTRL('f'), ' ' }, NULL, N_("Page down"),
	  UV_LISTS | UV_HELP | UV_COVS | UV_ACCOUNTS | UV_VERIFY },
	{ UA_FIRST, "first", { FN(KEY_HOME), 'g' }, NULL, N_("Go to the first"), UV_LISTS | UV_HELP | UV_COVS | UV_ACCOUNTS | UV_VERIFY },
	{ UA_LAST, "last", { FN(KEY_END), 'G' }, NULL, N_("Go to the last"), UV_LISTS | UV_HELP | UV_COVS | UV_ACCOUNTS | UV_VERIFY },

	/* everywhere */
	{ UA_HELP, "help", { '?', FN(KEY_F(1)) },
	  N_("Help"), N_("This help (F1 or ?)"), UV_LISTS | UV_HELP | UV_COVS | UV_ACCOUNTS | UV_CONFLICTS | UV_STALE | UV_VERIFY },
	{ UA_HELP, "help", { FN(KEY_F(1)), UI_CTRL('g') },
	  N_("Help"), N_("This help (F1 or Ctrl-G)"), UV_FORMS | UV_ROSTER | UV_SIGNIN | UV_ACCFORM | UV_EXCHANGE },
	{ UA_BACK, "back", { 27, FN(KEY_LEFT) },
	  N_("Back"), N_("Go back (what is typed stays in the draft)"), UV_TDP | UV_HELP },
	{ UA_BACK, "back", { 27, FN(KEY_LEFT) },
	  NULL, N_("Go back (what is typed stays in the draft)"), UV_HOME },
	{ UA_BACK, "back", { 27, FN(KEY_LEFT) }, N_("Back"), N_("Go back"),
	  UV_COV | UV_MISSING | UV_ACCOUNTS | UV_OPERATORS },
	{ UA_BACK, "back", { 27 }, N_("Back"), N_("Go back"), UV_DASH | UV_EXCHANGE | UV_VERIFY | UV_PROGRESS },
	{ UA_BACK, "back", { 27, FN(KEY_LEFT) }, N_("Back"), N_("Go back"), UV_CONFLICTS },
	{ UA_BACK, "back", { 27 }, N_("Back"), N_("Go back"), UV_FORMS | UV_ROSTER },
	{ UA_QUIT, "quit", { 'q', UI_CTRL('q') },
	  N_("Quit"), N_("Quit gonha (asks first)"), UV_LISTS | UV_COVS | UV_ACCOUNTS | UV_CONFLICTS | UV_VERIFY },
	{ UA_QUIT, "quit", { UI_CTRL('q'), UI_CTRL('c') },
	  N_("Quit"), N_("Quit gonha (asks first; what is typed is kept as a draft)"), UV_SIGNIN | UV_FORMS | UV_ROSTER | UV_ACCFORM | UV_EXCHANGE | UV_STALE },

	/* signing out: a key of its own, asked first (F2 saves and Ctrl-L
	 * redraws, on every screen) */
	{ UA_SWITCH_USER, "switch-user", { 'L' },
	  N_("Sign out"), N_("Sign out so someone else can sign in (asks first; drafts are kept)"),
	  UV_LISTS | UV_COVS | UV_ACCOUNTS },
	/* last on the key bar: a ward officer's screens */
	{ UA_USERS, "users", { 'u' },
	  N_("Accounts"), N_("The user accounts: add, disable, reset a password, assign TDPs"), UV_HOME },
	{ UA_AUDIT, "audit", { 'a' },
	  N_("Audit"), N_("The audit log: who changed what, newest first"), UV_HOME },
	/* on the key bar where there is room (ui_action_if_room): not the
	 * officer's, full at 80 columns */
	{ UA_OPERATORS, "operators", { 'o' },
	  N_("Operators"), N_("Who entered what: households and persons per user and day, time per household, "
	                      "corrections after save"), UV_HOME },
	{ UA_REDRAW, "redraw", { UI_CTRL('l') },
	  NULL, N_("Redraw the screen"), UV_ALL },
};
const size_t ui_action_count = sizeof ui_actions / sizeof *ui_actions;

bool ui_action_officer_only(ui_action a)
{
	return a == UA_USERS || a == UA_AUDIT || a == UA_OPERATORS;
}

/* Placed on the key bar only after every other entry of the screen, where
 * they leave room: added to full bars, they never push an older key off. */
static bool ui_action_if_room(ui_action a)
{
	return a == UA_VERIFY || a == UA_OPERATORS || a == UA_REVIEW || a == UA_FORM_LANG;
}

/* Of those, the keys used every day (a ward officer's v and o, a review's
 * ^R): one left out makes the bar take a second row. The form's language
 * (F7) is not: it goes on a second row that is there, else F1 lists it. */
static bool ui_action_daily(ui_action a)
{
	return a == UA_VERIFY || a == UA_OPERATORS || a == UA_REVIEW;
}

ui_action ui_action_for_key(unsigned view, int key)
{
	if (key == 0)
		return UA_NONE;
	for (size_t i = 0; i < ui_action_count; i++) {
		if (!(ui_actions[i].views & view))
			continue;
		for (size_t k = 0; k < 4 && ui_actions[i].keys[k]; k++)
			if (ui_actions[i].keys[k] == key)
				return ui_actions[i].action;
	}
	return UA_NONE;
}

const char *ui_key_name(int key, bool spelled, char *buf, size_t size)
{
	static const struct { int code; const char *name, *spelled; } fn[] = {
		{ KEY_BTAB, "S-Tab", "Shift-Tab" }, { KEY_UP, "↑", "↑" }, { KEY_DOWN, "↓", "↓" },
		{ KEY_LEFT, "←", "←" }, { KEY_RIGHT, "→", "→" }, { KEY_PPAGE, "PgUp", "PgUp" },
		{ KEY_NPAGE, "PgDn", "PgDn" }, { KEY_HOME, "Home", "Home" }, { KEY_END, "End", "End" },
		{ KEY_IC, "Ins", "Ins" }, { KEY_DC, "Del", "Del" }, { KEY_BACKSPACE, "Backspace", "Backspace" },
	};
	const char *name = "";
	char one[8];
	if (size == 0)
		return buf;
	if (key & UI_FN) {
		int code = key & ~UI_FN;
		if (code >= KEY_F(1) && code <= KEY_F(12)) {
			snprintf(buf, size, "F%d", code - KEY_F(0));
			return buf;
		}
		for (size_t i = 0; i < sizeof fn / sizeof *fn; i++)
			if (fn[i].code == code)
				name = spelled ? fn[i].spelled : fn[i].name;
		/* the keypad's Enter is Enter, named once */
	} else if (key == '\n') {
		name = "Enter";
	} else if (key == 27) {
		name = "Esc";
	} else if (key == '\t') {
		name = "Tab";
	} else if (key == ' ') {
		name = "Space";
	} else if (key > 0 && key < 0x20 && key != '\r') {
		snprintf(buf, size, spelled ? "Ctrl-%c" : "^%c", key + '@');
		return buf;
	} else if (key > ' ' && key != 0x7f && key < 0x110000) {
		int w = u8_uctomb((uint8_t *)one, (ucs4_t)key, (int)sizeof one - 1);
		one[w > 0 ? w : 0] = '\0';
		name = one;
	}
	snprintf(buf, size, "%s", name);
	return buf;
}

bool ui_action_move(ui_action a, ui_move *m)
{
	switch (a) {
	case UA_UP: *m = UL_UP; return true;
	case UA_DOWN: *m = UL_DOWN; return true;
	case UA_PAGE_UP: *m = UL_PAGE_UP; return true;
	case UA_PAGE_DOWN: *m = UL_PAGE_DOWN; return true;
	case UA_FIRST: *m = UL_FIRST; return true;
	case UA_LAST: *m = UL_LAST; return true;
	default: return false;
	}
}

static bool on_bar(const ui_action_def *a, unsigned view, bool officer)
{
	return (a->views & view) && a->bar && !(ui_action_officer_only(a->action) && !officer);
}

/* The label an entry shows on the bar: the help entry reads "More keys"
 * when some entries of the bar have no room (F1 lists them all). */
static const char *bar_label(const ui_action_def *a, bool more)
{
	return more && a->action == UA_HELP ? _("More keys") : _(a->bar);
}

static int bar_entry_width(const ui_action_def *a, bool more)
{
	char key[24];
	ui_key_name(a->keys[0], false, key, sizeof key);
	return gn_text_width(key) + 1 + gn_text_width(bar_label(a, more));
}

/* The bar's layout: which entries go on which of its rows (row[i]: 0 not
 * shown, 1 the first row, 2 the second) and the gap after each entry.
 * On one row: the view's entries in the table's order, two spaces apart
 * (one when that makes them all fit). When they do not all fit, the help
 * entry reads "More keys" (F1 lists them all) and is kept; the others are
 * placed in order where they fit, the if_room ones (ui_action_if_room)
 * last, so a key added to a full bar never pushes an older one off. The
 * daily ones among them (ui_action_daily: v, o, ^R) are the keys a ward
 * officer or a TDP leader uses every day: when one of them has no room on
 * the one row, the bar takes a second row (the view one row less), which
 * holds what the first could not; "More keys" only if something is left
 * out even then. */
typedef struct bar_plan {
	unsigned char row[sizeof ui_actions / sizeof *ui_actions];
	int gap[2];
	int rows;
	bool more;
} bar_plan;

/* Places the entries not yet placed on row r (1 or 2), in passes: the
 * help entry, the others, the if_room ones; each where it fits. */
static void bar_fill(bar_plan *b, unsigned view, bool officer, int r, int room)
{
	int used = 0, n = 0, total = 0;
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < ui_action_count; i++) {
			const ui_action_def *a = &ui_actions[i];
			if (!on_bar(a, view, officer) || b->row[i])
				continue;
			int want = a->action == UA_HELP ? 0 : ui_action_if_room(a->action) ? 2 : 1;
			int w = bar_entry_width(a, b->more) + (n ? 1 : 0);
			if (want != pass || used + w > room)
				continue;
			b->row[i] = (unsigned char)r;
			used += w;
			total += bar_entry_width(a, b->more);
			n++;
		}
	b->gap[r - 1] = total + 2 * (n - 1) > room ? 1 : 2;
}

static void bar_layout(bar_plan *b, unsigned view, bool officer, int room)
{
	for (int more = 0; more < 2; more++) {
		memset(b, 0, sizeof *b);
		b->more = more;
		b->rows = 1;
		bar_fill(b, view, officer, 1, room);
		bool left = false, daily_left = false;
		for (size_t i = 0; i < ui_action_count; i++)
			if (on_bar(&ui_actions[i], view, officer) && !b->row[i]) {
				left = true;
				daily_left |= ui_action_daily(ui_actions[i].action);
			}
		if (daily_left) {
			b->rows = 2;
			bar_fill(b, view, officer, 2, room);
			left = false;
			for (size_t i = 0; i < ui_action_count; i++)
				left |= on_bar(&ui_actions[i], view, officer) && !b->row[i];
		}
		if (!left || more)
			return;
		/* something is left out: the help entry says so, then again */
	}
}

int ui_keybar_rows(unsigned view, bool officer)
{
	bar_plan b;
	bar_layout(&b, view, officer, COLS - 1);
	return b.rows;
}

void ui_draw_keybar(unsigned view, bool officer)
{
	int room = COLS - 1;
	bar_plan b;
	bar_layout(&b, view, officer, room);
	attrset(A_NORMAL);
	for (int r = 1; r <= b.rows; r++) {
		int y = LINES - 1 - (b.rows - r);
		move(y, 0);
		clrtoeol();
		int x = 0, gap = b.gap[r - 1];
		for (size_t i = 0; i < ui_action_count && x < room; i++) {
			if (b.row[i] != r)
				continue;
			const ui_action_def *a = &ui_actions[i];
			char key[24];
			ui_key_name(a->keys[0], false, key, sizeof key);
			attron(A_REVERSE | A_BOLD);
			x += ui_put(y, x, COLS - x, key);
			attroff(A_REVERSE | A_BOLD);
			x += ui_put(y, x, COLS - x, " ");
			x += ui_put(y, x, COLS - x - 1, bar_label(a, b.more));
			x += ui_put(y, x, COLS - x, gap == 1 ? " " : "  ");
		}
	}
}
