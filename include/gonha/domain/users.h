/* User accounts: the people who may sign in, their roles and the TDPs
 * assigned to them. Every call takes the signed-in gn_ctx; managing
 * accounts is for a ward officer, except changing one's own password.
 * Each change writes its audit record in the same transaction; password
 * hashes never reach the audit log (it says "password changed").
 *
 * Sign-in itself (with the growing delay after failed attempts) is
 * gn_sign_in in session.h; gn_sign_out below ends a session. */
#ifndef GONHA_USERS_H
#define GONHA_USERS_H

#include <stdbool.h>
#include <stddef.h>

#include "gonha/domain/session.h"

/* User names: 1..32 characters of a-z 0-9 . _ - (so they are easy to type
 * on any keyboard layout and safe in file names and logs). */
#define GN_LOGIN_MIN 1
#define GN_LOGIN_MAX 32
/* Passwords: 4..256 bytes of UTF-8 (after NFC normalisation). */
#define GN_PASSWORD_MIN 4
#define GN_PASSWORD_MAX 256
/* Sign-in delay after failures: 1, 2, 4, 8 ... seconds, at most this. */
#define GN_SIGN_IN_DELAY_MAX 60

/* Checks a user name / a password; the message says what is wrong.
 * err->field is "login" or "password". */
gn_status gn_login_validate(const char *login, gn_err *err);
gn_status gn_password_validate(const char *password, gn_err *err);

/* Seconds a user must wait after `failed_count` failed sign-ins in a row
 * (0 when there were none): 1, 2, 4, ... capped at GN_SIGN_IN_DELAY_MAX. */
int gn_sign_in_delay(int failed_count);

/* One account as the account screens show it. */
typedef struct gn_user_info {
	char id[37];
	char login[GN_LOGIN_MAX + 1];
	char display_name[128];
	gn_role role;
	bool disabled;
	int failed_count;         /* failed sign-ins since the last good one */
	char last_failed_at[32];  /* ISO 8601 or "" */
	char tdp_codes[512];      /* assigned TDP codes, comma separated, in ward order */
} gn_user_info;

/* Every account (ward officer only), sorted by login. *out is a malloc'd
 * array the caller frees with free(); *n its length. */
gn_status gn_user_list(gn_ctx *ctx, gn_user_info **out, size_t *n, gn_err *err);

/* One account by login (ward officer, or the user themself). */
gn_status gn_user_get(gn_ctx *ctx, const char *login, gn_user_info *out, gn_err *err);

/* Adds an account (ward officer only). login and password are validated;
 * display_name may be NULL or ""; tdp_codes is a NULL-terminated list of
 * TDP codes (required for a TDP leader or tech-team member, ignored for a
 * ward officer). Audited as "create" on table users. */
gn_status gn_user_add(gn_ctx *ctx, const char *login, const char *display_name, gn_role role,
                      const char *password, const char *const *tdp_codes, gn_err *err);

/* Replaces the TDPs assigned to a TDP leader or tech-team member (ward
 * officer only). Audited as "assign" with {"tdps": [old, new]}. */
gn_status gn_user_assign(gn_ctx *ctx, const char *login, const char *const *tdp_codes, gn_err *err);

/* Disables or enables an account (ward officer only). A ward officer cannot
 * disable themself nor the last enabled ward officer, so the ward is never
 * locked out. Enabling also clears the failed sign-in count. Audited as
 * "disable"/"enable" with {"disabled": [old, new]}. */
gn_status gn_user_set_disabled(gn_ctx *ctx, const char *login, bool disabled, gn_err *err);

/* Changes the signed-in user's own password; the current one must be given
 * again (a screen left unlocked is not enough). Audited as "password" with
 * {"password": ["", "changed"]}. */
gn_status gn_user_change_own_password(gn_ctx *ctx, const char *current_password,
                                      const char *new_password, gn_err *err);

/* A ward officer sets another user's password (forgotten password), and
 * clears their failed sign-ins. Audited like the above. */
/* Every ward officer password lost: the recovery code shown at the ward's
 * creation (wardkey.h) opens the ward key; the ward officer `login` gets
 * new_password, is enabled, and gets the key. One transaction, audited as
 * "recover" under that login. A wrong code changes nothing. */
gn_status gn_user_recover(sqlite3 *db, const char *recovery_code, const char *login, const char *new_password,
                          gn_err *err);

gn_status gn_user_reset_password(gn_ctx *ctx, const char *login, const char *new_password,
                                 gn_err *err);

/* Ends the session: forgets the user, so the same gn_ctx can sign in as
 * someone else without a restart. The connection stays open. Nothing is
 * copied here: a sign-out or a quit costs no more than that (issue 13);
 * the day's snapshot is made off this path (gn_backup_daily). */
void gn_sign_out(gn_ctx *ctx);

/* Idle lock: minutes without a key press after which the UI locks and asks
 * for the password again. Stored in meta as idle_lock_minutes. */
#define GN_IDLE_LOCK_DEFAULT 10
#define GN_IDLE_LOCK_MIN 1
#define GN_IDLE_LOCK_MAX 240
int gn_idle_lock_minutes(sqlite3 *db); /* the stored value, else the default */
/* Ward officer only; minutes in [GN_IDLE_LOCK_MIN, GN_IDLE_LOCK_MAX]. Audited. */
gn_status gn_idle_lock_set(gn_ctx *ctx, int minutes, gn_err *err);

/* A person's own settings, kept per account (table user_setting), each
 * changed by the person themself on the screen and audited ("update" on
 * table users). */
/* Heads-down entry: a field of fixed length (gn_field_fixed_length, a date
 * typed whole) moves on by itself when full, and an Enter right after is
 * taken as done. On unless the person turned it off. */
#define GN_SETTING_AUTO_ADVANCE "auto_advance"
/* The signed-in user's setting `name` (one of the GN_SETTING_ names) as a
 * number: its default when never set or not readable. */
int gn_user_setting(gn_ctx *ctx, const char *name);
/* Sets it for the signed-in user; GN_ERR_INVALID for a name gonha does
 * not know or a value it does not take. */
gn_status gn_user_setting_set(gn_ctx *ctx, const char *name, int value, gn_err *err);
/* The language a person reads a form in on the entry screen, one setting
 * per form: GN_SETTING_FORM_LANG "<form_id>", its value the language's
 * code (gn_form_lang.code). */
#define GN_SETTING_FORM_LANG "form_lang:"
/* A text setting (GN_SETTING_FORM_LANG...) in buf, "" when never set. */
void gn_user_setting_text(gn_ctx *ctx, const char *name, char *buf, size_t size);
/* Sets it for the signed-in user (printable text, under 128 bytes), audited. */
gn_status gn_user_setting_text_set(gn_ctx *ctx, const char *name, const char *value, gn_err *err);

/* Parses "01,02,03" into a NULL-terminated array of codes (one malloc'd
 * block, free() it). Empty items are skipped; "" gives an empty list. */
char **gn_tdp_codes_split(const char *comma_list);

#endif
