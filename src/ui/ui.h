/* Internal to the terminal UI: the app, its stack of views, the action
 * table, safe drawing, and the form screen's model. */
#ifndef GONHA_UI_INTERNAL_H
#define GONHA_UI_INTERNAL_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <wchar.h>

#include "gonha/forms/census.h"
#include "gonha/domain/coverage.h"
#include "gonha/ui/editbuf.h"
#include "gonha/domain/household.h"
#include "gonha/domain/household_conflict.h"
#include "gonha/domain/session.h"
#include "ui_list.h"
#include "ui_model.h"

/* The smallest screen we draw on. */
#define UI_MIN_ROWS 24
#define UI_MIN_COLS 80

/* How long a read waits for a key (ms) before the loop looks at the clock
 * (idle lock, drafts) and at the terminal's size again. */
#define UI_KEY_WAIT_MS 1000

/* ---- keys and actions --------------------------------------------------- */

/* A key as one int: a character's code point, or a curses KEY_* code with
 * UI_FN set (KEY_* values overlap code points such as 'ơ'). */
#define UI_FN 0x40000000
#define UI_CTRL(c) ((c) & 0x1f)
/* A mouse click (optional; position in ui_app.mouse_y/x); the wheel comes
 * as the Up and Down keys. */
#define UI_MOUSE (UI_FN | KEY_MOUSE)

typedef enum ui_action {
	UA_NONE = 0,
	UA_QUIT, UA_HELP, UA_BACK,
	UA_UP, UA_DOWN, UA_PAGE_UP, UA_PAGE_DOWN, UA_FIRST, UA_LAST,
	UA_OPEN, UA_ADD, UA_REMOVE, UA_MOVE_UP, UA_MOVE_DOWN, UA_FILTER, UA_SEARCH,
	UA_NEXT_FIELD, UA_PREV_FIELD, UA_SAVE, UA_SAVE_NEXT, UA_SAVE_ADD_MEMBER,
	UA_ADD_MEMBER, UA_REMOVE_MEMBER,
	UA_COVERAGE, UA_DASHBOARD, UA_SORT, UA_REVERSE, UA_NEXT_COL, UA_PREV_COL, UA_EXPORT_CSV, UA_PRINT_SHEET,
	UA_EXCHANGE, UA_KEEP_LOCAL, UA_KEEP_INCOMING, UA_COMPLETE, UA_COMPLETE_BACK,
	UA_USERS, UA_AUDIT, UA_SWITCH_USER, UA_TOGGLE_DISABLED, UA_RESET_PASSWORD, UA_ASSIGN_TDP,
	UA_TAKE_MINE, UA_TAKE_DATABASE, UA_KEEP_BOTH,
	UA_REVIEW, UA_OPERATORS,
	UA_VERIFY, UA_VERIFY_FIRST, UA_VERIFY_SECOND, UA_VERIFY_CORRECT, UA_VERIFY_SAMPLE,
	UA_PROGRESS,
	UA_REDRAW, UA_AUTO_ADVANCE, UA_MOVE_TO, UA_FORM_LANG,
} ui_action;

/* The views, as bits: an action lists the views it works in. */
enum {
	UV_SIGNIN = 1 << 0,
	UV_HOME = 1 << 1,
	UV_TDP = 1 << 2,
	UV_HOUSEHOLD = 1 << 3,
	UV_PERSON = 1 << 4,
	UV_HELP = 1 << 5,
	UV_COV = 1 << 6,      /* a TDP's coverage */
	UV_DASH = 1 << 7,     /* the ward dashboard */
	UV_MISSING = 1 << 8,  /* the people missing from an indicator */
	UV_EXCHANGE = 1 << 12, /* CSV export and import */
	UV_CONFLICTS = 1 << 13, /* merge conflicts, for a ward officer */
	UV_STALE = 1 << 14,   /* a save met a household changed elsewhere: the differences */
	UV_OPERATORS = 1 << 15, /* who entered what: the operator figures (ward officer) */
	UV_ROSTER = 1 << 16,  /* the entries of a repeat that is not the person roster */
	UV_ENTRY = 1 << 17,   /* one entry of such a repeat */
	UV_HOUSEHOLD_ALONE = 1 << 18, /* the household of a form without a person roster: its form alone */
	UV_VERIFY = 1 << 19,  /* the verification pass: sample, differences, rates */
	UV_PROGRESS = 1 << 20, /* progress week by week: a chart of each indicator against its target */
	UV_USERS = 1 << 9,    /* the accounts (ward officer) */
	UV_AUDIT = 1 << 10,   /* the audit log (ward officer) */
	UV_ACCFORM = 1 << 11, /* typing in the accounts' forms or the audit filter line */
	UV_ACCOUNTS = UV_USERS | UV_AUDIT,
	UV_FORMS = UV_HOUSEHOLD | UV_PERSON | UV_ENTRY | UV_HOUSEHOLD_ALONE,
	UV_LISTS = UV_HOME | UV_TDP,
	UV_COVS = UV_COV | UV_DASH | UV_MISSING | UV_OPERATORS | UV_PROGRESS, /* the screens of figures */
	UV_ALL = 0x1fffff,
};

typedef struct ui_action_def {
	ui_action action;
	const char *name;      /* stable, for the help screen: "save-next" */
	int keys[4];           /* 0 ends the list; the key bar shows the first (ui_key_name) */
	const char *bar;       /* msgid of the key bar label, or NULL: help only */
	const char *help;      /* msgid */
	unsigned views;
} ui_action_def;

/* Offered to a ward officer only (the domain refuses others anyway). */
bool ui_action_officer_only(ui_action a);

extern const ui_action_def ui_actions[];
extern const size_t ui_action_count;

/* The action a key does in a view, or UA_NONE. */
ui_action ui_action_for_key(unsigned view, int key);

/* The key bar (bottom line, two when a daily key would have no room on
 * one) of a view; officer: the signed-in user is a ward officer (the
 * officer-only actions are shown). ui_keybar_rows: how many rows it takes. */
void ui_draw_keybar(unsigned view, bool officer);
int ui_keybar_rows(unsigned view, bool officer);

/* The rows a view may use, as if the screen ended above the key bar's
 * second row: views lay out with UI_LINES (the status line is UI_LINES - 2,
 * the bar's first row UI_LINES - 1), never LINES. ui_draw_all sets
 * ui_bar_extra (0 or 1) for the view on top before it draws. */
extern int ui_bar_extra;
#define UI_LINES (LINES - ui_bar_extra)

/* The one name of a key, for the key bar, the help screen and the prompts:
 * "^S", "Enter", "Esc", "↑", "PgDn", "F1", "a"; spelled: as the help screen
 * writes it out ("Ctrl-S", "Shift-Tab"). "" for a key shown under another
 * name ('\r' and the keypad's Enter are Enter) or one without a name.
 * Returns buf. */
const char *ui_key_name(int key, bool spelled, char *buf, size_t size);

/* The movement an action is (Up, Down, PgUp, PgDn, Home, End); false for
 * any other action. */
bool ui_action_move(ui_action a, ui_move *m);

/* ---- the app and its views ---------------------------------------------- */

typedef struct ui_app ui_app;
typedef struct ui_view ui_view;

struct ui_view {
	unsigned kind;                            /* UV_*: which actions apply */
	void (*open)(ui_view *v);                 /* (re)load: on push and on coming back */
	void (*draw)(ui_view *v);
	bool (*handle_key)(ui_view *v, ui_action a, int key); /* true: handled */
	void (*close)(ui_view *v);                /* frees the view */
	ui_app *app;
	ui_view *below;                           /* the view under it on the stack */
	ui_list *list;                            /* the list the movement keys move (the
	                                           * main loop does it), or NULL */
	/* Writes what is typed (the field under the cursor too) to the draft
	 * now; pending: only when something changed since the last draft (the
	 * main loop calls it when no key came for a second). True when the view
	 * holds work not saved. NULL: nothing to keep. */
	bool (*keep_draft)(ui_view *v, bool pending);
};

/* Values carried over to the next new household, as CSPro does. */
typedef struct ui_carry {
	char *alley, *street, *visit_date, *visited_by; /* owned or NULL */
} ui_carry;

struct ui_app {
	sqlite3 *db;          /* borrowed */
	gn_ctx ctx;
	gn_cov_set cov;       /* the indicators (none until the forms load them) */
	const struct gn_form *form; /* borrowed, may be NULL: the questionnaire (labels) */
	gn_census *census;    /* borrowed: the loaded questionnaire (its indicators
	                       * moved to cov); NULL when it could not be loaded */
	struct gn_form *tdp_form; /* borrowed from forms, NULL: the form the open TDP enters when it
	                       * is not census (gonha form use), loaded when the TDP opens */
	struct gn_tdp_forms *forms; /* owned: the loaded form of each TDP (gonha/interchange/registry.h) */
	ui_view *top;
	bool quit;
	bool signed_in;
	char status[GN_ERR_MSG_MAX];
	bool status_error;
	ui_carry carry;
	bool paste;           /* inside a bracketed paste */
	int mouse_y, mouse_x; /* where the last click (UI_MOUSE) was */
	bool mouse_double;    /* it was a double click */
	bool headless;        /* bench: no keyboard */
	char db_path[4096];   /* the database file (for the day's snapshot, exports beside it) */
	pid_t snapshot_pid;   /* the process making the day's snapshot, or 0 (ui.c) */
	int snapshot_err;     /* its stderr, read when it ends */
	char snapshot_day[11]; /* the local day this gonha last looked at it */
	bool people_changed;  /* an import or a resolved conflict changed people in any TDP: the
	                       * home screen counts them all again */
	bool auto_advance;    /* the signed-in person's heads-down setting (GN_SETTING_AUTO_ADVANCE) */
};

void ui_push(ui_app *app, ui_view *v);
void ui_pop(ui_app *app);
/* The questionnaire the screens show and records are saved with (its id
 * and version written with each). */
void ui_use_form(ui_app *app, const struct gn_form *form);
/* The screens enter the form the TDP enters (census unless the ward chose
 * another); false, with the reason in the status line, when it does not
 * load. */
bool ui_enter_tdp_form(ui_app *app, const char *tdp_id);
/* The form the TDP enters, loaded once (NULL, said, when it does not). */
struct gn_form *ui_tdp_form(ui_app *app, const char *tdp_id);
void ui_status(ui_app *app, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ui_status_err(ui_app *app, const gn_err *err);

/* Signs out (the sign-out snapshot is made; drafts stay in the database)
 * and goes back to the sign-in screen, without a restart. */
void ui_switch_user(ui_app *app);
/* Every view on the stack keeps what is typed as its draft now; true when
 * one of them holds work not saved. */
bool ui_keep_drafts(ui_app *app);
/* Quitting and signing out: the drafts written first, then asked (the one
 * question each, ui_confirm); done on yes. */
void ui_quit_asked(ui_app *app);
void ui_sign_out_asked(ui_app *app);
/* The signed-in user is a ward officer. */
bool ui_officer(const ui_app *app);

/* Draws the whole screen: the top view, the status line and the key bar,
 * or the "too small" message. */
void ui_draw_all(ui_app *app);

/* Reads one key (resizes and bracketed pastes handled). Returns the key,
 * or 0 for "nothing to do but redraw". */
int ui_read_key(ui_app *app);

/* Asks a question on the status line; returns the key pressed. Yes/no
 * questions go through ui_confirm, which adds the keys and reads them by
 * the one rule. */
int ui_ask(ui_app *app, const char *question);

/* ---- confirmations (ui_confirm.c) ---------------------------------------- */

/* Every yes/no question follows one rule, in Vietnamese and in English:
 *   yes:    c C (có) y Y, and Enter where the prompt allows it (enter_yes:
 *           only where yes loses nothing and can be undone);
 *   no:     k K (không) n N, and Esc unless Esc has an answer of its own;
 *   cancel: Esc, when the prompt has a third answer for it;
 *   other:  one more named key, when the prompt has one;
 *   any other key: the safe answer (cancel when there is one, else no).
 * The keys are shown after the question: "[c/y: remove · k/n/Esc: keep]". */
typedef enum ui_answer { UI_NO = 0, UI_YES, UI_CANCEL, UI_OTHER } ui_answer;

typedef struct ui_prompt {
	const char *yes;     /* what yes does, translated ("remove"); NULL: "yes" */
	const char *no;      /* what no does; NULL: "no" */
	const char *cancel;  /* what Esc does when it is not no ("keep editing"), or NULL */
	const char *other;   /* what other_key does, or NULL */
	int other_key;       /* not one of the yes/no keys */
	bool enter_yes;      /* Enter is yes too */
} ui_prompt;

/* The answer a key gives (the rule above). */
ui_answer ui_answer_for_key(const ui_prompt *p, int key);
/* The keys of a prompt as shown after its question. Returns buf. */
const char *ui_prompt_keys(const ui_prompt *p, char *buf, size_t size);
/* Asks question (translated, without keys: they are added) on the status
 * line and returns the answer. */
ui_answer ui_confirm(ui_app *app, const char *question, const ui_prompt *p);

/* ---- where files for people go ------------------------------------------- */

/* The folder the screens write files to (exports, the audit CSV, the lists
 * to carry): gn_output_dir for this database. */
void ui_output_dir(const ui_app *app, char *out, size_t size);
/* Who visits, the default of visited_by: the signed-in person's name as
 * the accounts list it, the login when the account has none. */
const char *ui_visitor_name(const ui_app *app);

/* ---- drawing ------------------------------------------------------------ */

/* Draws UTF-8 text at (y, x) in at most `cols` columns: invalid bytes and
 * control characters are drawn as U+FFFD, so nothing from the database
 * reaches the terminal as a command. Returns the columns used. */
int ui_put(int y, int x, int cols, const char *utf8);
/* Same, padded with spaces to exactly `cols` columns. */
void ui_put_pad(int y, int x, int cols, const char *utf8);
/* The same, with "…" at the end when it does not fit in cols. */
void ui_put_cut(int y, int x, int cols, const char *utf8);
/* Text wrapped at spaces to lines of at most cols display columns (a word
 * longer than a line is cut there): the byte length of the line s starts,
 * and in *next where the one after starts. ui_wrap_count: how many lines;
 * ui_put_wrapped draws at most max_lines of them (the last cut with "…" if
 * text remains) and returns how many it drew. */
size_t ui_wrap_line(const char *s, int cols, size_t *next);
int ui_wrap_count(const char *s, int cols);
int ui_put_wrapped(int y, int x, int cols, int max_lines, const char *s);
/* Text right-aligned to end at column x_end (exclusive). */
void ui_put_right(int y, int x_end, int cols, const char *utf8);
void ui_hline(int y, int x, int cols, const char *utf8_char);
/* A progress bar of `cols` columns for num over den. */
void ui_bar(int y, int x, int cols, long num, long den);
/* The title line. */
void ui_title(ui_app *app, const char *left, const char *right);

/* ---- the single-line input (ui_input.c) ---------------------------------- */

/* Feeds one key to an editing buffer; true when it was an editing key. */
bool ui_input_key(gn_editbuf *eb, int key);
/* Draws the buffer in a field at (y, x) `cols` wide, masked with '*' if
 * secret, and places the cursor there when focused. */
void ui_input_draw(gn_editbuf *eb, int y, int x, int cols, bool secret, bool focused);
/* Asks on the status line for a secret (a passphrase), shown as dots;
 * false if Esc. out (size bytes) gets it; the caller wipes it. */
bool ui_ask_secret(ui_app *app, const char *question, char *out, size_t size);
/* The same, the answer shown as typed. */
bool ui_ask_text(ui_app *app, const char *question, char *out, size_t size);

/* ---- the form screen's model: ui_model.h ------------------------------- */

typedef struct ui_form {
	uf_model *model;     /* borrowed */
	size_t cur;          /* the field under the cursor */
	size_t top;          /* first field shown */
	gn_editbuf eb;       /* the current field's text while it is edited */
	gn_editbuf search;   /* letters typed on a select whose choices are searched */
	bool loaded;         /* eb holds field cur */
	char msg[GN_ERR_MSG_MAX]; /* the form's message for field msg_field */
	size_t msg_field;
	bool has_msg;
	unsigned edits;      /* keys that changed a value: the owner drafts every few */
	bool stored;         /* a value was stored (a field left): the owner drafts */
	bool auto_advance;   /* heads-down: a full field of fixed length moves on (the owner sets it) */
	bool advanced;       /* the last key moved on by itself: an Enter now is taken as done */
} ui_form;

void ui_form_init(ui_form *f, uf_model *model);
void ui_form_free(ui_form *f);
/* Draws the fields in rows [y0, y1); the current one highlighted when
 * focused. */
void ui_form_draw(ui_form *f, int y0, int y1, bool focused);

enum { UF_STAY = 0, UF_PAST_END, UF_BEFORE_START, UF_OPEN_REPEAT /* Enter on a repeat line: its roster */ };
/* Handles a key; *where says whether the cursor left the form. Returns true
 * when the key was used. */
bool ui_form_key(ui_form *f, ui_action a, int key, int *where);
/* Stores what is being typed into the model and checks the current field.
 * False (and the message shown) when the check fails. */
bool ui_form_commit(ui_form *f);
/* The first line drawn of a list of `rows` lines, so that line cur is drawn. */
void ui_keep_in_view(size_t *top, size_t cur, int rows);
/* After keys: is a draft due (a field was left, or `every` keys typed
 * since *drafted_edits)? Then what is typed in the field under the cursor
 * is stored and *drafted_edits moved; the owner writes the draft. */
bool ui_form_draft_due(ui_form *f, unsigned *drafted_edits, unsigned every);
/* Puts the cursor on a field by name with a message (a failed save). */
void ui_form_show_error(ui_form *f, const gn_err *err);
/* Moves to the first / last relevant field. */
void ui_form_first(ui_form *f);
/* Where an entry broke off (a draft restored): the first field that fails
 * its check (required and empty, or half typed), else the first field
 * after the last one answered. False
 * when every field to the end is answered (the cursor stays). */
bool ui_form_resume(ui_form *f);
/* Heads-down on or off for the signed-in person (kept for the account,
 * audited), said on the status line. */
void ui_toggle_auto_advance(ui_app *app);
/* The form's own language on the entry screens: the signed-in person's for
 * this form (GN_SETTING_FORM_LANG), else gn_form_lang_initial; and the
 * next of its languages, kept for the person (F7). */
void ui_form_lang_apply(ui_app *app, struct gn_form *form);
/* The form the screens enter now: the open TDP's (census unless the ward
 * chose another), NULL without one. */
struct gn_form *ui_form_in_use(ui_app *app);
void ui_form_lang_next(ui_app *app);
/* Relevant fields answered, and relevant fields in all. */
void ui_form_progress(ui_form *f, size_t *answered, size_t *total);
/* Checks every relevant field; on a failure, goes there with the message. */
bool ui_form_check_all(ui_form *f);

/* ---- the views ----------------------------------------------------------- */

ui_view *ui_signin_new(ui_app *app);
/* The idle lock: asks the signed-in user's password again. */
ui_view *ui_lock_new(ui_app *app, int idle_minutes);
ui_view *ui_home_new(ui_app *app);
ui_view *ui_tdp_new(ui_app *app, const char *tdp_id);
/* hh: taken over (a new household, a restored draft) or NULL to load id. */
ui_view *ui_household_new(ui_app *app, const char *tdp_id, const char *household_id, gn_household *hh,
                          const char *draft_id);
/* The same form for the verification pass: the second keying of a
 * household of a sample, blind (it starts empty, or where it was left),
 * kept as its shadow record and compared when saved (verify.h). NULL, with
 * the reason on the status line, when the user may not key it again. */
ui_view *ui_household_verify_new(ui_app *app, const char *pass_id, const char *household_id);
/* The label of choice `name` of question `field` of the loaded form, in
 * the UI language; name itself when the form does not have it. */
const char *ui_choice_label(const gn_form *form, const char *field, const char *name);
/* The verification pass (ui_verify.c): the households of the samples to
 * key again, their differences to resolve, the error rates. */
ui_view *ui_verify_new(ui_app *app);
ui_view *ui_person_new(ui_app *app, ui_view *household, size_t member);
ui_view *ui_help_new(ui_app *app, unsigned for_view);
/* The coverage screens (ui_cov.c): a TDP's indicators against the targets,
 * the ward dashboard, and the people missing from one indicator. */
ui_view *ui_cov_tdp_new(ui_app *app, const char *tdp_id);
ui_view *ui_dashboard_new(ui_app *app);
/* The progress chart, week by week, starting on indicator `indicator`. */
ui_view *ui_progress_new(ui_app *app, int indicator);
ui_view *ui_exchange_new(ui_app *app);
ui_view *ui_conflicts_new(ui_app *app);
ui_view *ui_missing_new(ui_app *app, const char *tdp_id, int indicator);
/* The accounts (ui_users.c) and the audit log (ui_audit.c), for a ward
 * officer: NULL (and the refusal on the status line) for anyone else. */
ui_view *ui_users_new(ui_app *app);
ui_view *ui_audit_new(ui_app *app);
/* Who entered what (ui_operators.c), for a ward officer. */
ui_view *ui_operators_new(ui_app *app);
/* Shows a failed check in the person view (the cursor goes to the field). */
void ui_person_show_error(ui_view *person, const gn_err *err);
/* The repeats that are not the person roster (ui_roster.c): opens the
 * roster of the repeat line under the form's cursor; and checks every
 * entry of a model's repeats (where: the entry that failed, "Woman 2 ›
 * Child 1"). */
void ui_roster_open(ui_app *app, ui_view *household, ui_form *f);
bool ui_roster_check(ui_app *app, ui_view *household, uf_model *m, gn_err *err, char *where, size_t size);
/* ui_form_resume on the person's form. */
bool ui_person_resume(ui_view *person);
/* Puts the household view's cursor on roster line i. */
void ui_household_roster_at(ui_view *household, size_t i);
/* A restored draft carries on where its entry broke off: at the household
 * form's next field, else at its last member's (that person's form
 * opened), else on the roster's "add" line. */
void ui_household_resume(ui_view *household);

/* For the household and person views: the household being entered. */
gn_household *ui_household_record(ui_view *household);
void ui_household_touched(ui_view *household);   /* write the draft */
/* Not saved since loaded or saved; and back to that (changes dropped:
 * the draft goes too). */
bool ui_household_dirty(ui_view *household);
void ui_household_untouched(ui_view *household);
/* Saves; then with next = true opens the next household in the walk. */
bool ui_household_save(ui_view *household, bool next);
void ui_household_add_member(ui_view *household);
/* Puts hh (taken over) in the household view in place of what it had, the
 * form rebuilt; dirty: it is not saved yet (and goes in the draft). */
void ui_household_replace(ui_view *household, gn_household *hh, bool dirty);
/* The key of the household view's draft. */
const char *ui_household_draft_id(ui_view *household);
/* The differences of a save that met the household changed elsewhere
 * (ui_stale.c); c taken over; next: saving again goes on to the next
 * household, as the save asked. */
ui_view *ui_stale_new(ui_app *app, ui_view *household, gn_hh_conflict *c, bool next);

/* The TDP screen's per-TDP indicator columns on the home screen: the
 * coverage screens add theirs here (ui_home.c). */
typedef struct ui_home_column {
	const char *header;  /* msgid */
	int width;
	void (*draw)(ui_app *app, const gn_cov_row *row, int y, int x, int width);
} ui_home_column;

#endif
