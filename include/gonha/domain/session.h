/* The signed-in user and what they may touch. Every domain call takes a
 * gn_ctx, so per-TDP scope is enforced below every screen and command. */
#ifndef GONHA_SESSION_H
#define GONHA_SESSION_H

#include <sqlite3.h>
#include <stdbool.h>

#include "gonha/core/status.h"

typedef enum gn_role {
	GN_ROLE_WARD_OFFICER = 0, /* everything, every TDP */
	GN_ROLE_TDP_LEADER,       /* the TDPs assigned to them */
	GN_ROLE_TECH_TEAM,        /* the TDPs assigned to them */
} gn_role;

typedef struct gn_user {
	char id[37];
	char login[64];
	char display_name[128];
	gn_role role;
} gn_user;

struct gn_cov_set;
struct gn_key_news;

typedef struct gn_ctx {
	sqlite3 *db;   /* borrowed: the caller opened it and closes it */
	gn_user user;  /* who is signed in */
	/* borrowed, may be NULL: the loaded indicators, so that saving a
	 * household also updates its persons' coverage bits */
	const struct gn_cov_set *coverage;
	/* borrowed, may be NULL: where gn_sign_in says what it did with the
	 * ward key (wardkey.h: encrypted the ward, made a recovery code ...) */
	struct gn_key_news *key_news;
	/* borrowed, may be NULL: the form records are entered with (its id and
	 * version), written on every household and person saved */
	const char *form_id, *form_version;
} gn_ctx;

const char *gn_role_name(gn_role role);           /* "ward_officer", ... */
bool gn_role_from_name(const char *name, gn_role *out);
const char *gn_role_label(gn_role role);          /* translated */

/* Hashes a password with Argon2id (libsodium crypto_pwhash_str). out must
 * hold crypto_pwhash_STRBYTES (128) bytes. The password is checked with
 * gn_password_validate (users.h) and normalised to NFC first, so NFC and
 * NFD typing of Vietnamese letters give the same password. */
gn_status gn_password_hash(const char *password, char out[128], gn_err *err);

/* The password as it is hashed, verified and keys are derived from it: NFC,
 * so that "mật khẩu" typed precomposed or with combining marks (Unikey can
 * send either) is the same password. *out is malloc'd; the caller wipes
 * (sodium_memzero) and frees it. */
gn_status gn_password_nfc(const char *password, char **out, gn_err *err);
/* Wipes and frees a password's copy (NULL: nothing). */
void gn_password_free(char *s);

/* Creates a user (no transaction, no audit: for gn_ward_init and the demo;
 * the account screens use gn_user_add in users.h). tdp_codes: NULL-terminated list of TDP codes assigned
 * (ignored for a ward officer). pwhash: an existing hash to reuse (the demo
 * shares one hash), or NULL to hash password. `by` is the creator's login.
 * With a password, the account is given the ward key if the connection
 * has it (wardkey.h); with a hash, the caller does that. */
gn_status gn_user_create(sqlite3 *db, const char *login, const char *display_name,
                         gn_role role, const char *password, const char *pwhash,
                         const char *const *tdp_codes, const char *by, gn_err *err);

/* Checks login and password; on success fills ctx->user. A wrong login or
 * password gives the same GN_ERR_DENIED message; a disabled user is refused.
 * After failed attempts the account must wait gn_sign_in_delay(failures)
 * seconds (1, 2, 4 ... 60, from users.last_failed_at) before the password
 * is even tried: until then GN_ERR_DENIED says how many seconds are left.
 * The library never sleeps. A good sign-in clears the count. Empty login or
 * password: GN_ERR_INVALID. On a read-only connection failures are not
 * counted (the delay already earned still applies). */
gn_status gn_sign_in(gn_ctx *ctx, const char *login, const char *password, gn_err *err);

/* Scope. A ward officer may touch every TDP; others only theirs. */
bool gn_scope_all(const gn_ctx *ctx);
gn_status gn_scope_require_tdp(gn_ctx *ctx, const char *tdp_id, gn_err *err);
gn_status gn_scope_require_officer(const gn_ctx *ctx, gn_err *err);

/* Writes one audit record (call inside the change's transaction).
 * changes: a JSON object {field: [old, new]} or NULL for {}. */
/* A bulk read of personal data (an export, a backup, a printed list, the
 * audit log itself) in the audit: what, how many records, whether citizen
 * IDs were whole, and the file's name. A read that cannot be recorded is
 * not made (the callers remove the file). */
gn_status gn_audit_bulk_read(gn_ctx *ctx, const char *what, const char *tdp_id, long records, bool ids_whole,
                             const char *path, gn_err *err);

gn_status gn_audit(gn_ctx *ctx, const char *action, const char *table_name,
                   const char *record_id, const char *tdp_id, const char *changes,
                   gn_err *err);

#endif
