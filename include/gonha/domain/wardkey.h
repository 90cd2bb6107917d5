/* The ward key: the one key citizen ID numbers are encrypted under
 * (storage/vault.h), and who can open it (docs/privacy.md).
 *
 * The key is never stored. Each account has a key pair (X25519): its
 * secret key is kept encrypted under a key derived from the account's
 * password (Argon2id), and the ward key is sealed to its public key
 * (crypto_box_seal). So a password change re-wraps one key; an officer
 * can give the ward key to an account without knowing its password; a
 * disabled account's keys are deleted. A recovery code, shown once to the
 * ward officer when the key is made, opens the key too (ward_key table).
 *
 * An account that signs in before it has been given the key (a ward whose
 * data was sealed since, a re-enabled account) gets its key pair then, and
 * the key at the next sign-in of a ward officer: until then its vault is
 * LOCKED (CCCDs masked, kept as they are). */
#ifndef GONHA_DOMAIN_WARDKEY_H
#define GONHA_DOMAIN_WARDKEY_H

#include <stdbool.h>

#include "gonha/domain/session.h"

/* "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX" (Crockford base32, 125 bits) and a NUL */
#define GN_RECOVERY_CODE_SIZE 32

/* What a sign-in did with the key, for the screen or command to say. */
typedef struct gn_key_news {
	bool sealed_now;       /* this sign-in encrypted the ward's CCCDs */
	long sealed_numbers;   /* how many */
	char recovery_code[GN_RECOVERY_CODE_SIZE]; /* made now: show it once */
	char backup_path[4096];/* the copy made before */
	int sealed_copies;     /* copies in DB.backups sealed under the recovery code */
	bool waiting;          /* this account has no key yet */
	int given;             /* accounts given the key by this (officer's) sign-in */
} gn_key_news;

/* A new ward's key (gn_ward_init, the demo), inside the caller's
 * transaction: the vault opened, the recovery wrap stored, the ward marked
 * as encrypting. recovery_code gets the code to show once. */
gn_status gn_wardkey_create(sqlite3 *db, const char *by, char recovery_code[GN_RECOVERY_CODE_SIZE], gn_err *err);

/* A new key pair for the account, its secret key under password, and the
 * ward key sealed to it if the vault is OPEN (an account created or a
 * password set by a ward officer). Replaces what the account had. Does
 * nothing in a ward that does not encrypt yet. Inside the caller's
 * transaction. */
gn_status gn_wardkey_grant(sqlite3 *db, const char *user_id, const char *password, gn_err *err);
/* The same key pair as another account's (the demo ward, whose accounts
 * share one password and one hash). */
gn_status gn_wardkey_grant_like(sqlite3 *db, const char *user_id, const char *like_user_id, gn_err *err);
/* The account's own password changed: its secret key under the new one. */
gn_status gn_wardkey_rewrap(sqlite3 *db, const char *user_id, const char *old_password, const char *new_password,
                            gn_err *err);
/* A disabled account: its keys deleted. */
gn_status gn_wardkey_revoke(sqlite3 *db, const char *user_id, gn_err *err);

/* The account's secret key from its password at sign-in, when the sign-in
 * may take that as its password check: one Argon2 instead of two (the
 * password hash's, then the key's). It may when the account key's row
 * says (signin_tag) that its key was last opened by the password the
 * users row's hash pwhash was made from, and neither changed since: a
 * password the officer set, a new key, leave the tag behind. True when it
 * may: then *opened says whether password_nfc opened the key, into sk.
 * False: the password hash is checked as before. */
#define GN_ACCOUNT_SECRET_BYTES 32
bool gn_wardkey_signin_open(sqlite3 *db, const char *user_id, const char *pwhash, const char *password_nfc,
                            unsigned char sk[GN_ACCOUNT_SECRET_BYTES], bool *opened);

/* At sign-in, the password just checked: opens the connection's vault
 * with the account's key (account_sk: already opened by
 * gn_wardkey_signin_open, or NULL to open it from the password); for a
 * ward officer in a ward not yet encrypting, makes a backup and encrypts
 * every CCCD first (news->sealed_now); a ward officer also gives the key
 * to the accounts waiting for it. When the password opened the key (or
 * made it), the row is tagged with pwhash, the users row's hash the
 * password was checked against, for the next sign-in. news may be NULL.
 * Failing to open a key the account has is an error (a damaged wrap);
 * having none is not (news->waiting). */
gn_status gn_wardkey_unlock(gn_ctx *ctx, const char *password, const unsigned char *account_sk, const char *pwhash,
                            gn_key_news *news, gn_err *err);

/* Opens the connection's vault with the recovery code (any spacing, case
 * or dashes). GN_ERR_DENIED if it is not this ward's code. */
gn_status gn_wardkey_recover(sqlite3 *db, const char *code, gn_err *err);

#endif
