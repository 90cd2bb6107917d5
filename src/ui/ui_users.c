/* The accounts screen (ward officer): every user with role, TDPs and
 * state; add an account, disable or enable one, set a new password, assign
 * TDPs. The same domain calls as `gonha user` (users.h): the domain checks
 * the role and the input again, and audits each change. A form is typed on
 * the same screen (the view's kind becomes UV_ACCFORM, so letters are
 * text); a wrong field shows its message under it and nothing changes. */
#include "ui.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"
#include "gonha/domain/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum users_mode { UM_LIST, UM_ADD, UM_PASSWORD, UM_ASSIGN } users_mode;
enum { F_LOGIN, F_NAME, F_ROLE, F_TDPS, F_PW1, F_PW2, F_COUNT };

typedef struct users_view {
	ui_view v;
	gn_user_info *users;  /* owned */
	size_t n;
	ui_list list;         /* over users */
	users_mode mode;
	gn_editbuf eb[F_COUNT]; /* F_ROLE has none in use */
	gn_role role;
	int focus;            /* F_* */
	int msg_field;        /* the field the message is about, or -1 */
	char msg[GN_ERR_MSG_MAX];
	char target[GN_LOGIN_MAX + 1]; /* the account a password / TDP form is for */
} users_view;

/* The fields of each form, in order. */
static const int add_fields[] = { F_LOGIN, F_NAME, F_ROLE, F_TDPS, F_PW1, F_PW2, -1 };
static const int password_fields[] = { F_PW1, F_PW2, -1 };
static const int assign_fields[] = { F_TDPS, -1 };

static const int *fields_of(users_mode m)
{
	switch (m) {
	case UM_ADD: return add_fields;
	case UM_PASSWORD: return password_fields;
	case UM_ASSIGN: return assign_fields;
	case UM_LIST: break;
	}
	return NULL;
}

/* A ward officer sees every TDP: no TDP field for one. */
static bool field_shown(const users_view *u, int f)
{
	return !(u->mode == UM_ADD && f == F_TDPS && u->role == GN_ROLE_WARD_OFFICER);
}

static const char *field_label(int f)
{
	switch (f) {
	case F_LOGIN: return _("User name:");
	case F_NAME: return _("Full name:");
	case F_ROLE: return _("Role (1, 2, 3):");
	case F_TDPS: return _("TDP codes (01,02):");
	case F_PW1: return _("New password:");
	case F_PW2: return _("The same again:");
	}
	return "";
}

static void wipe_passwords(users_view *u)
{
	for (int f = F_PW1; f <= F_PW2; f++) {
		if (u->eb[f].text)
			memset(u->eb[f].text, 0, u->eb[f].cap);
		gn_eb_set(&u->eb[f], "");
	}
}

static void reload(users_view *u, const char *select_login)
{
	gn_err err = { 0 };
	gn_user_info *list = NULL;
	size_t n = 0;
	if (gn_user_list(&u->v.app->ctx, &list, &n, &err) != GN_OK) {
		ui_status_err(u->v.app, &err);
		return;
	}
	free(u->users);
	u->users = list;
	u->n = n;
	ui_list_set_count(&u->list, n);
	for (size_t i = 0; select_login && i < n; i++)
		if (strcmp(list[i].login, select_login) == 0)
			ui_list_set_cursor(&u->list, i);
}

static void users_open(ui_view *v)
{
	users_view *u = (users_view *)v;
	if (u->mode == UM_LIST)
		reload(u, NULL);
}

static void start_form(users_view *u, users_mode mode)
{
	u->mode = mode;
	u->v.kind = UV_ACCFORM;
	u->msg[0] = '\0';
	u->msg_field = -1;
	for (int f = 0; f < F_COUNT; f++)
		gn_eb_set(&u->eb[f], "");
	wipe_passwords(u);
	u->role = GN_ROLE_TDP_LEADER;
	u->focus = fields_of(mode)[0];
	u->v.list = NULL; /* the arrows move between fields */
	if (mode != UM_ADD && u->list.cur < u->n) {
		snprintf(u->target, sizeof u->target, "%s", u->users[u->list.cur].login);
		if (mode == UM_ASSIGN)
			gn_eb_set(&u->eb[F_TDPS], u->users[u->list.cur].tdp_codes);
	}
}

static void end_form(users_view *u)
{
	wipe_passwords(u);
	u->mode = UM_LIST;
	u->v.kind = UV_USERS;
	u->v.list = &u->list;
	u->msg[0] = '\0';
	u->msg_field = -1;
}

static void field_error(users_view *u, int f, const char *msg)
{
	u->msg_field = f;
	u->focus = f;
	snprintf(u->msg, sizeof u->msg, "%s", msg);
}

/* The field a domain error is about (err->field), else `fallback`. */
static int field_of_err(const users_view *u, const gn_err *err, int fallback)
{
	static const struct { const char *name; int f; } map[] = {
		{ "login", F_LOGIN }, { "display_name", F_NAME }, { "role", F_ROLE },
		{ "tdp", F_TDPS }, { "tdps", F_TDPS }, { "password", F_PW1 },
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(err->field, map[i].name) == 0) {
			for (const int *p = fields_of(u->mode); *p >= 0; p++)
				if (*p == map[i].f && field_shown(u, *p))
					return map[i].f;
		}
	return fallback;
}

/* Checks the two password fields; false with the message at the field. */
static bool passwords_ok(users_view *u)
{
	gn_err err = { 0 };
	if (gn_password_validate(u->eb[F_PW1].text, &err) != GN_OK) {
		field_error(u, F_PW1, err.msg);
		return false;
	}
	if (strcmp(u->eb[F_PW1].text, u->eb[F_PW2].text) != 0) {
		gn_eb_set(&u->eb[F_PW2], "");
		field_error(u, F_PW2, _("The two passwords differ; nothing was changed."));
		return false;
	}
	return true;
}

/* The TDP field as a list of codes; false with the message at the field. */
static char **tdp_codes(users_view *u)
{
	char **codes = gn_tdp_codes_split(u->eb[F_TDPS].text);
	if (!codes) {
		field_error(u, F_TDPS, _("out of memory"));
		return NULL;
	}
	if (!codes[0]) {
		free(codes);
		field_error(u, F_TDPS, _("Type at least one TDP code, such as 01 or 01,02."));
		return NULL;
	}
	return codes;
}

static void submit(users_view *u)
{
	ui_app *app = u->v.app;
	gn_err err = { 0 };
	gn_status st = GN_OK;
	char done[GN_ERR_MSG_MAX];
	u->msg[0] = '\0';
	u->msg_field = -1;
	if (u->mode == UM_ADD) {
		const char *login = u->eb[F_LOGIN].text;
		if (gn_login_validate(login, &err) != GN_OK) {
			field_error(u, F_LOGIN, err.msg);
			return;
		}
		char **codes = NULL;
		if (u->role != GN_ROLE_WARD_OFFICER && !(codes = tdp_codes(u)))
			return;
		if (!passwords_ok(u)) {
			free(codes);
			return;
		}
		static const char *const none[] = { NULL };
		st = gn_user_add(&app->ctx, login, u->eb[F_NAME].text, u->role, u->eb[F_PW1].text,
		                 codes ? (const char *const *)codes : none, &err);
		free(codes);
		snprintf(done, sizeof done, _("Added %s (%s)."), login, gn_role_label(u->role));
		snprintf(u->target, sizeof u->target, "%s", login);
	} else if (u->mode == UM_PASSWORD) {
		if (!passwords_ok(u))
			return;
		st = gn_user_reset_password(&app->ctx, u->target, u->eb[F_PW1].text, &err);
		snprintf(done, sizeof done, _("The password of %s was changed."), u->target);
	} else {
		char **codes = tdp_codes(u);
		if (!codes)
			return;
		st = gn_user_assign(&app->ctx, u->target, (const char *const *)codes, &err);
		free(codes);
		snprintf(done, sizeof done, _("%s now works on TDP %s."), u->target, u->eb[F_TDPS].text);
	}
	if (st != GN_OK) {
		field_error(u, field_of_err(u, &err, u->focus), err.msg[0] ? err.msg : gn_status_str(st));
		return;
	}
	char target[GN_LOGIN_MAX + 1];
	snprintf(target, sizeof target, "%s", u->target);
	end_form(u);
	reload(u, target);
	ui_status(app, false, "%s", done);
}

/* Moves the focus by dir (+1/-1) among the form's shown fields; false at
 * either end. */
static bool move_focus(users_view *u, int dir)
{
	const int *fs = fields_of(u->mode);
	int n = 0, at = 0;
	while (fs[n] >= 0) {
		if (fs[n] == u->focus)
			at = n;
		n++;
	}
	for (int i = at + dir; i >= 0 && i < n; i += dir)
		if (field_shown(u, fs[i])) {
			u->focus = fs[i];
			return true;
		}
	return false;
}

static void toggle_disabled(users_view *u)
{
	ui_app *app = u->v.app;
	if (u->list.cur >= u->n)
		return;
	gn_user_info *who = &u->users[u->list.cur];
	char q[GN_ERR_MSG_MAX], login[GN_LOGIN_MAX + 1];
	bool disable = !who->disabled;
	snprintf(login, sizeof login, "%s", who->login);
	if (disable) {
		snprintf(q, sizeof q, _("Disable %s? They can no longer sign in."), login);
		/* Enter too: an account disabled is enabled again with the same key */
		ui_prompt p = { .yes = _("disable"), .enter_yes = true };
		if (ui_confirm(app, q, &p) != UI_YES)
			return;
	}
	gn_err err = { 0 };
	if (gn_user_set_disabled(&app->ctx, login, disable, &err) != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	reload(u, login);
	ui_status(app, false, disable ? _("%s can no longer sign in.") : _("%s can sign in again."), login);
}

static void draw_list(users_view *u)
{
	ui_app *app = u->v.app;
	char right[64];
	snprintf(right, sizeof right, _("%zu accounts"), u->n);
	ui_title(app, _("Accounts"), right);
	const int wl = 14, wn = 22, wr = 15, wt = 12;
	const int xn = 1 + wl + 1, xr = xn + wn + 1, xt = xr + wr + 1, xs = xt + wt + 1;
	attron(A_BOLD);
	ui_put(1, 1, wl, _("User"));
	ui_put(1, xn, wn, _("Full name"));
	ui_put(1, xr, wr, _("Role"));
	ui_put(1, xt, wt, _("TDPs"));
	ui_put(1, xs, COLS - xs - 1, _("State"));
	attroff(A_BOLD);
	ui_hline(2, 1, COLS - 2, "─");
	ui_list_layout(&u->list, (size_t)(UI_LINES - 2 - 3 - 1));
	for (size_t k = u->list.top; ui_list_visible(&u->list, k); k++) {
		const gn_user_info *r = &u->users[k];
		int y = 3 + (int)(k - u->list.top);
		if (k == u->list.cur)
			attron(A_REVERSE);
		ui_put_pad(y, 0, COLS, "");
		ui_put(y, 1, wl, r->login);
		ui_put(y, xn, wn, r->display_name);
		ui_put(y, xr, wr, gn_role_label(r->role));
		ui_put(y, xt, wt, r->role == GN_ROLE_WARD_OFFICER ? _("(all)") : r->tdp_codes);
		ui_put(y, xs, COLS - xs - 1, r->disabled ? _("disabled") : _("active"));
		if (k == u->list.cur)
			attroff(A_REVERSE);
	}
}

static void draw_form(users_view *u)
{
	ui_app *app = u->v.app;
	char title[160];
	if (u->mode == UM_ADD)
		snprintf(title, sizeof title, "%s", _("New account"));
	else if (u->mode == UM_PASSWORD)
		snprintf(title, sizeof title, _("New password for %s"), u->target);
	else
		snprintf(title, sizeof title, _("TDPs of %s"), u->target);
	ui_title(app, title, _("Accounts"));
	const int xl = 2, xf = 24, wf = COLS - xf - 4;
	int y = 2, cur_y = -1;
	for (const int *p = fields_of(u->mode); *p >= 0; p++) {
		int f = *p;
		if (!field_shown(u, f))
			continue;
		if (f == u->focus)
			attron(A_BOLD);
		ui_put(y, xl, xf - xl - 1, field_label(f));
		attroff(A_BOLD);
		if (f == F_ROLE) {
			static const gn_role roles[] = { GN_ROLE_TDP_LEADER, GN_ROLE_TECH_TEAM, GN_ROLE_WARD_OFFICER };
			int x = xf;
			for (int i = 0; i < 3; i++) {
				char one[96];
				bool chosen = roles[i] == u->role;
				snprintf(one, sizeof one, chosen ? "[%d %s]" : " %d %s ", i + 1, gn_role_label(roles[i]));
				if (chosen)
					attron(A_REVERSE);
				x += ui_put(y, x, COLS - x - 1, one);
				attroff(A_REVERSE);
				x += ui_put(y, x, COLS - x - 1, " ");
			}
			if (f == u->focus)
				cur_y = y;
		} else {
			attron(A_UNDERLINE);
			ui_input_draw(&u->eb[f], y, xf, wf, f == F_PW1 || f == F_PW2, false);
			attroff(A_UNDERLINE);
		}
		if (u->msg[0] && u->msg_field == f) {
			attron(A_BOLD);
			ui_put(y + 1, xf, COLS - xf - 1, u->msg);
			attroff(A_BOLD);
		}
		y += 2;
	}
	if (u->msg[0] && u->msg_field < 0) {
		attron(A_BOLD);
		ui_put(y, xl, COLS - xl - 1, u->msg);
		attroff(A_BOLD);
	}
	ui_put(UI_LINES - 4, xl, COLS - xl - 1,
	       _("Enter: next field, saves on the last one   Ctrl-S: save   Esc: cancel"));
	/* the cursor last, where typing goes */
	if (u->focus == F_ROLE)
		move(cur_y >= 0 ? cur_y : 2, xf);
	else {
		int fy = 2;
		for (const int *p = fields_of(u->mode); *p >= 0 && *p != u->focus; p++)
			if (field_shown(u, *p))
				fy += 2;
		attron(A_UNDERLINE);
		ui_input_draw(&u->eb[u->focus], fy, xf, wf, u->focus == F_PW1 || u->focus == F_PW2, true);
		attroff(A_UNDERLINE);
	}
}

static void users_draw(ui_view *v)
{
	users_view *u = (users_view *)v;
	if (u->mode == UM_LIST)
		draw_list(u);
	else
		draw_form(u);
}

static bool form_key(users_view *u, ui_action a, int key)
{
	switch (a) {
	case UA_NEXT_FIELD:
		if (!move_focus(u, +1) && (key == '\r' || key == '\n' || key == (UI_FN | KEY_ENTER)))
			submit(u);
		return true;
	case UA_PREV_FIELD:
		move_focus(u, -1);
		return true;
	case UA_SAVE:
		submit(u);
		return true;
	case UA_BACK:
		end_form(u);
		ui_status(u->v.app, false, "%s", _("Nothing was changed."));
		return true;
	case UA_NONE:
		break;
	default:
		return false; /* help, quit */
	}
	if (u->focus == F_ROLE) {
		static const gn_role roles[] = { GN_ROLE_TDP_LEADER, GN_ROLE_TECH_TEAM, GN_ROLE_WARD_OFFICER };
		if (key >= '1' && key <= '3') {
			u->role = roles[key - '1'];
			if (u->msg_field == F_ROLE)
				u->msg[0] = '\0';
		} else if (key >= 0x20 && !(key & UI_FN)) {
			field_error(u, F_ROLE, _("Press 1, 2 or 3 to choose the role."));
		}
		return true;
	}
	if (ui_input_key(&u->eb[u->focus], key)) {
		if (u->msg_field == u->focus)
			u->msg[0] = '\0';
		return true;
	}
	return false;
}

static bool users_key(ui_view *v, ui_action a, int key)
{
	users_view *u = (users_view *)v;
	if (u->mode != UM_LIST)
		return form_key(u, a, key);
	size_t cur = u->list.cur;
	switch (a) {
	case UA_ADD: start_form(u, UM_ADD); return true;
	case UA_RESET_PASSWORD:
		if (cur < u->n)
			start_form(u, UM_PASSWORD);
		return true;
	case UA_ASSIGN_TDP:
		if (cur < u->n && u->users[cur].role == GN_ROLE_WARD_OFFICER)
			ui_status(v->app, true, "%s", _("A ward officer already sees every TDP."));
		else if (cur < u->n)
			start_form(u, UM_ASSIGN);
		return true;
	case UA_TOGGLE_DISABLED:
		toggle_disabled(u);
		return true;
	default:
		return false;
	}
}

static void users_close(ui_view *v)
{
	users_view *u = (users_view *)v;
	wipe_passwords(u);
	for (int f = 0; f < F_COUNT; f++)
		gn_eb_free(&u->eb[f]);
	free(u->users);
	free(u);
}

ui_view *ui_users_new(ui_app *app)
{
	/* The domain decides: anyone but a ward officer is refused here. */
	gn_err err = { 0 };
	gn_user_info *list = NULL;
	size_t n = 0;
	if (gn_user_list(&app->ctx, &list, &n, &err) != GN_OK) {
		ui_status_err(app, &err);
		return NULL;
	}
	users_view *u = calloc(1, sizeof *u);
	if (!u) {
		free(list);
		return NULL;
	}
	u->v = (ui_view){ .kind = UV_USERS, .open = users_open, .draw = users_draw, .handle_key = users_key,
	                  .close = users_close, .app = app };
	/* Long enough that a too-long name is typed, and refused with a reason. */
	gn_eb_init(&u->eb[F_LOGIN], 128);
	gn_eb_init(&u->eb[F_NAME], 256);
	gn_eb_init(&u->eb[F_ROLE], 8);
	gn_eb_init(&u->eb[F_TDPS], 256);
	gn_eb_init(&u->eb[F_PW1], GN_PASSWORD_MAX + 64);
	gn_eb_init(&u->eb[F_PW2], GN_PASSWORD_MAX + 64);
	for (int f = 0; f < F_COUNT; f++)
		gn_eb_set(&u->eb[f], "");
	u->users = list;
	u->n = n;
	ui_list_set_count(&u->list, n);
	u->v.list = &u->list;
	u->msg_field = -1;
	return &u->v;
}
