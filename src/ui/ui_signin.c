/* The sign-in screen: login and password (masked). On a demo ward it says
 * the demo accounts. A wrong password says so and stays. After signing in,
 * an unsaved draft is offered back. */
#include "ui.h"
#include "gonha/storage/db.h"
#include "gonha/domain/draft.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/ward.h"
#include "gonha/domain/wardkey.h"
#include "gonha/domain/users.h"

#include <sodium.h>

#include <stdlib.h>
#include <string.h>

typedef struct signin_view {
	ui_view v;
	gn_editbuf login, password;
	int focus; /* 0 login, 1 password */
	bool demo;
	bool lock;   /* the idle lock: only the signed-in user's password */
	int idle_minutes;
	char *ward;  /* owned */
	char msg[GN_ERR_MSG_MAX];
	gn_key_news news; /* what the sign-in did with the ward key */
} signin_view;

static void signin_draw(ui_view *v)
{
	signin_view *s = (signin_view *)v;
	ui_title(v->app, _("gonha: door-to-door census (Bình dân học vụ số)"), s->ward);
	int x = (COLS - 60) / 2, y = 4;
	if (s->lock) {
		char line[256];
		attron(A_BOLD);
		snprintf(line, sizeof line, _("Locked after %d minutes without use."), s->idle_minutes);
		ui_put(y, x, 60, line);
		attroff(A_BOLD);
		snprintf(line, sizeof line, _("Type the password of %s to go on (Ctrl-Q quits; the draft is kept)."),
		         v->app->ctx.user.login);
		ui_put(y + 2, x, COLS - x - 1, line);
		ui_put(y + 4, x, 20, _("Password:"));
		if (s->msg[0]) {
			attron(A_BOLD);
			ui_put(y + 6, x, 60, s->msg);
			attroff(A_BOLD);
		}
		attron(A_UNDERLINE);
		ui_input_draw(&s->password, y + 4, x + 20, 30, true, true);
		attroff(A_UNDERLINE);
		return;
	}
	attron(A_BOLD);
	ui_put(y, x, 60, _("Sign in"));
	attroff(A_BOLD);
	ui_put(y + 2, x, 20, _("User:"));
	ui_put(y + 3, x, 20, _("Password:"));
	if (s->demo) {
		ui_put(y + 6, x, 60, _("This is a demo ward. Accounts: admin (ward officer),"));
		ui_put(y + 7, x, 60, _("tdp01, tdp02 ... (TDP leaders); the password is: demo"));
	}
	if (s->msg[0]) {
		attron(A_BOLD);
		ui_put(y + 9, x, 60, s->msg);
		attroff(A_BOLD);
	}
	ui_put(y + 11, x, 60, _("Enter: next / sign in   Ctrl-Q: quit"));
	attron(A_UNDERLINE);
	ui_input_draw(&s->password, y + 3, x + 20, 30, true, false);
	ui_input_draw(&s->login, y + 2, x + 20, 30, false, false);
	attroff(A_UNDERLINE);
	/* the cursor last, where typing goes */
	if (s->focus == 0)
		ui_input_draw(&s->login, y + 2, x + 20, 30, false, true);
	else
		ui_input_draw(&s->password, y + 3, x + 20, 30, true, true);
}

/* The recovery code of a ward whose numbers this sign-in encrypted: shown
 * once, until the officer presses Enter (it is never stored in clear). */
static void show_recovery_code(ui_app *app, const gn_key_news *news)
{
	for (;;) {
		erase();
		ui_title(app, _("gonha: door-to-door census (Bình dân học vụ số)"), NULL);
		int x = 2, w = COLS - 4, y = 3;
		char line[512];
		attron(A_BOLD);
		snprintf(line, sizeof line,
		         ngettext("The ward's citizen ID numbers are now stored encrypted (%ld number).",
		                  "The ward's citizen ID numbers are now stored encrypted (%ld numbers).",
		                  (unsigned long)news->sealed_numbers),
		         news->sealed_numbers);
		ui_put(y, x, w, line);
		attroff(A_BOLD);
		ui_put(y + 2, x, w, _("Recovery code (shown only this once):"));
		attron(A_BOLD | A_REVERSE);
		snprintf(line, sizeof line, "  %s  ", news->recovery_code);
		ui_put(y + 4, x + 4, w - 4, line);
		attroff(A_BOLD | A_REVERSE);
		ui_put(y + 6, x, w, _("Write it on paper and keep it locked away."));
		ui_put(y + 7, x, w, _("If every ward officer password is lost, this code opens the numbers"));
		ui_put(y + 8, x, w, _("again (gonha recover). Copies made before are sealed with it."));
		if (news->backup_path[0]) {
			const char *base = strrchr(news->backup_path, '/');
			snprintf(line, sizeof line, _("Copy made before: %s"), base ? base + 1 : news->backup_path);
			ui_put(y + 10, x, w, line);
		}
		attron(A_BOLD);
		ui_put(y + 12, x, w, _("Press Enter when the code is written down."));
		attroff(A_BOLD);
		refresh();
		int key = ui_read_key(app);
		if (key == '\r' || key == '\n' || key == (UI_FN | KEY_ENTER))
			return;
	}
}

/* What the sign-in did with the ward key, said on the home screen. */
static void say_key_news(ui_app *app, const gn_key_news *news)
{
	if (news->waiting)
		ui_status(app, false, "%s",
		          _("This account has no key to citizen ID numbers yet: they show masked until a ward officer signs in."));
	else if (news->given > 0)
		ui_status(app, false,
		          ngettext("%d account was given the key to citizen ID numbers.",
		                   "%d accounts were given the key to citizen ID numbers.", (unsigned long)news->given),
		          news->given);
}

/* After signing in: the home screen, and an unsaved draft offered back. */
static void signed_in(signin_view *s)
{
	ui_app *app = s->v.app;
	gn_draft d;
	gn_err err = { 0 };
	gn_key_news news = s->news;
	sodium_memzero(s->news.recovery_code, sizeof s->news.recovery_code);
	app->signed_in = true;
	app->ctx.key_news = NULL;
	ui_pop(app); /* frees s */
	if (news.sealed_now)
		show_recovery_code(app, &news);
	sodium_memzero(news.recovery_code, sizeof news.recovery_code);
	ui_push(app, ui_home_new(app));
	app->auto_advance = gn_user_setting(&app->ctx, GN_SETTING_AUTO_ADVANCE) != 0;
	say_key_news(app, &news);
	if (gn_draft_latest(&app->ctx, GN_DRAFT_HOUSEHOLD, &d, &err) != GN_OK)
		return;
	gn_household hh;
	if (gn_household_from_json(app->db, d.data, &hh, &err) != GN_OK) {
		ui_status_err(app, &err);
		gn_draft_free(&d);
		return;
	}
	char q[GN_ERR_MSG_MAX];
	const char *head = "";
	for (size_t i = 0; i < hh.n_members; i++)
		if (strcmp(hh.members[i].relation, "head") == 0 && hh.members[i].full_name)
			head = hh.members[i].full_name;
	char when[17];
	gn_local_time(d.updated_at, when); /* on the PC's clock, not UTC */
	snprintf(q, sizeof q,
	         ngettext("There is an unsaved draft (%s %s %s, %zu person, %s). Restore it?",
	                  "There is an unsaved draft (%s %s %s, %zu people, %s). Restore it?", (unsigned long)hh.n_members),
	         hh.house_no ? hh.house_no : "", hh.alley ? hh.alley : "", head, hh.n_members, when);
	/* no keeps the draft for later; discarding it is a key of its own */
	ui_prompt p = { .yes = _("restore"), .no = _("later"), .other = _("discard"), .other_key = 'x',
	                .enter_yes = true };
	ui_answer ans = ui_confirm(app, q, &p);
	if (ans == UI_YES) {
		ui_push(app, ui_tdp_new(app, hh.tdp_id));
		/* a draft of a household changed elsewhere since it was started:
		 * told now; its save shows the differences */
		bool changed = gn_household_check_current(&app->ctx, &hh, NULL) == GN_ERR_STALE;
		ui_view *hv = ui_household_new(app, hh.tdp_id, NULL, &hh, d.record_id);
		ui_push(app, hv);
		if (hv)
			ui_household_resume(hv); /* where the entry broke off */
		if (changed)
			ui_status(app, true, "%s", _("The draft is back, but this household was changed elsewhere since the draft "
			                             "was started: Ctrl-S shows what changed beside what you typed."));
		else
			ui_status(app, false, "%s", _("The draft is back. Ctrl-S saves it."));
	} else {
		/* x is a key of the screen under the prompt too (export): asked */
		if (ans == UI_OTHER && ui_confirm(app, _("Discard this draft for good? What it holds cannot be brought back."),
		                                  &(ui_prompt){ .yes = _("discard"), .no = _("keep it") }) == UI_YES)
			gn_draft_delete(&app->ctx, GN_DRAFT_HOUSEHOLD, d.record_id, NULL);
		gn_household_free(&hh);
	}
	gn_draft_free(&d);
}

/* The idle lock: the same user's password, checked on a copy of the
 * session so a wrong one changes nothing underneath. */
static bool lock_key(signin_view *s, ui_action a, int key)
{
	ui_app *app = s->v.app;
	gn_err err = { 0 };
	if (a == UA_QUIT) {
		app->quit = true;
		return true;
	}
	if (key == '\r' || key == '\n' || key == (UI_FN | KEY_ENTER)) {
		gn_ctx probe = app->ctx;
		probe.key_news = NULL;
		if (gn_sign_in(&probe, app->ctx.user.login, s->password.text, &err) != GN_OK) {
			snprintf(s->msg, sizeof s->msg, "%s", err.msg);
			gn_eb_set(&s->password, "");
			return true;
		}
		ui_pop(app);
		return true;
	}
	if (a == UA_NONE && ui_input_key(&s->password, key))
		s->msg[0] = '\0';
	return true; /* nothing else gets past the lock */
}

static bool signin_key(ui_view *v, ui_action a, int key)
{
	signin_view *s = (signin_view *)v;
	gn_err err = { 0 };
	if (s->lock)
		return lock_key(s, a, key);
	switch (a) {
	case UA_NEXT_FIELD:
		if (s->focus == 0 || !(key == '\r' || key == '\n' || key == (UI_FN | KEY_ENTER))) {
			s->focus = !s->focus;
			return true;
		}
		if (!s->login.len) {
			s->focus = 0;
			snprintf(s->msg, sizeof s->msg, "%s", _("Type your user name first."));
			return true;
		}
		snprintf(s->msg, sizeof s->msg, "%s", _("Checking…"));
		ui_draw_all(v->app);
		v->app->ctx.key_news = &s->news;
		if (gn_sign_in(&v->app->ctx, s->login.text, s->password.text ? s->password.text : "", &err) != GN_OK) {
			v->app->ctx.key_news = NULL;
			snprintf(s->msg, sizeof s->msg, "%s", err.msg);
			gn_eb_set(&s->password, "");
			return true;
		}
		signed_in(s);
		return true;
	case UA_PREV_FIELD:
		s->focus = 0;
		return true;
	case UA_BACK:
		if (s->focus == 1) {
			s->focus = 0;
			return true;
		}
		return false;
	default:
		break;
	}
	if (a != UA_NONE)
		return false;
	if (ui_input_key(s->focus ? &s->password : &s->login, key)) {
		s->msg[0] = '\0';
		return true;
	}
	return false;
}

static void signin_close(ui_view *v)
{
	signin_view *s = (signin_view *)v;
	gn_eb_free(&s->login);
	/* the password does not linger in freed memory */
	if (s->password.text)
		memset(s->password.text, 0, s->password.cap);
	gn_eb_free(&s->password);
	free(s->ward);
	free(s);
}

ui_view *ui_signin_new(ui_app *app)
{
	signin_view *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->v = (ui_view){ .kind = UV_SIGNIN, .draw = signin_draw, .handle_key = signin_key,
	                  .close = signin_close, .app = app };
	gn_eb_init(&s->login, 63);
	gn_eb_init(&s->password, 256);
	gn_eb_set(&s->login, "");
	gn_eb_set(&s->password, "");
	char *demo = gn_db_meta_get(app->db, "demo");
	s->demo = demo && strcmp(demo, "1") == 0;
	free(demo);
	s->ward = gn_ward_name(app->db);
	return &s->v;
}

ui_view *ui_lock_new(ui_app *app, int idle_minutes)
{
	ui_view *v = ui_signin_new(app);
	if (v) {
		signin_view *s = (signin_view *)v;
		s->lock = true;
		s->focus = 1;
		s->idle_minutes = idle_minutes;
	}
	return v;
}
