/* The ward key and who can open it (wardkey.h). libsodium only: Argon2id
 * (crypto_pwhash) for keys from passwords and the recovery code,
 * XChaCha20-Poly1305 to wrap, crypto_box_seal to give the key to an
 * account's public key, keyed BLAKE2b for the key's check tag. */
#include "gonha/domain/wardkey.h"
#include "gonha/domain/backup.h"
#include "gonha/domain/draft.h"
#include "gonha/domain/verify.h"
#include "gonha/domain/sealed.h"
#include "gonha/storage/db.h"
#include "gonha/storage/vault.h"
#include "gonha/core/i18n.h"

#include <ctype.h>
#include <dirent.h>
#include <unistd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The same limits as the password hash (session.c): every command signs in
 * under the 64 MB the streaming commands must stay within. */
#define KDF_OPSLIMIT 2ULL
#define KDF_MEMLIMIT (19U * 1024U * 1024U)
#define SALT_BYTES crypto_pwhash_SALTBYTES
#define WRAP_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define WRAP_TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SECRET_BYTES crypto_box_SECRETKEYBYTES
#define WRAP_MAX (SALT_BYTES + WRAP_NONCE + 64 + WRAP_TAG)
/* what an account's wrapped secret key is bound to (the recovery wrap:
 * "gonha recovery"), so that one never opens as the other */
#define ACCOUNT_AD "gonha account key"

/* ---- small pieces -------------------------------------------------------- */

static char *b64(const unsigned char *bin, size_t n)
{
	size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = malloc(len);
	if (out)
		sodium_bin2base64(out, len, bin, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

static bool unb64(const char *text, unsigned char *out, size_t cap, size_t *n)
{
	return text && sodium_base642bin(out, cap, text, strlen(text), NULL, n, NULL,
	                                 sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0;
}

/* A 32-byte key from a secret someone types (password, recovery code). */
static gn_status key_from(const char *secret, const unsigned char salt[SALT_BYTES], unsigned char out[32],
                          gn_err *err)
{
	if (crypto_pwhash(out, 32, secret, strlen(secret), salt, KDF_OPSLIMIT, KDF_MEMLIMIT,
	                  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory while deriving a key"));
	return GN_OK;
}

/* salt || nonce || AEAD(plain), bound to ad, in base64; *out malloc'd. */
static gn_status wrap(const char *secret, const char *ad, const unsigned char *plain, size_t n, char **out,
                      gn_err *err)
{
	unsigned char buf[WRAP_MAX], key[32];
	*out = NULL;
	if (n > 64)
		return gn_fail(err, GN_ERR_INVALID, "%s", _("the key to wrap is too long"));
	randombytes_buf(buf, SALT_BYTES + WRAP_NONCE);
	gn_status st = key_from(secret, buf, key, err);
	if (st == GN_OK) {
		unsigned long long clen = 0;
		crypto_aead_xchacha20poly1305_ietf_encrypt(buf + SALT_BYTES + WRAP_NONCE, &clen, plain, n,
		                                           (const unsigned char *)ad, strlen(ad), NULL,
		                                           buf + SALT_BYTES, key);
		if (!(*out = b64(buf, SALT_BYTES + WRAP_NONCE + (size_t)clen)))
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	sodium_memzero(key, sizeof key);
	return st;
}

/* Opens a wrap into out (want bytes): false if secret or ad is not the one. */
static bool unwrap(const char *secret, const char *ad, const char *wrapped, unsigned char *out, size_t want)
{
	unsigned char buf[WRAP_MAX], key[32];
	size_t n = 0;
	if (!unb64(wrapped, buf, sizeof buf, &n) || n != SALT_BYTES + WRAP_NONCE + want + WRAP_TAG)
		return false;
	if (key_from(secret, buf, key, NULL) != GN_OK)
		return false;
	unsigned long long plen = 0;
	bool ok = crypto_aead_xchacha20poly1305_ietf_decrypt(out, &plen, NULL, buf + SALT_BYTES + WRAP_NONCE,
	                                                     n - SALT_BYTES - WRAP_NONCE, (const unsigned char *)ad,
	                                                     strlen(ad), buf + SALT_BYTES, key) == 0 &&
	          plen == want;
	sodium_memzero(key, sizeof key);
	return ok;
}

/* Tells the right ward key from another (a recovery code of another ward). */
static void check_tag(const unsigned char ward[GN_WARD_KEY_BYTES], char out[33])
{
	unsigned char sub[32], h[16];
	crypto_kdf_derive_from_key(sub, sizeof sub, 3, "gonhaCCD", ward);
	crypto_generichash(h, sizeof h, (const unsigned char *)"gonha ward key", 14, sub, sizeof sub);
	sodium_bin2hex(out, 33, h, sizeof h);
	sodium_memzero(sub, sizeof sub);
}

static bool right_key(sqlite3 *db, const unsigned char ward[GN_WARD_KEY_BYTES])
{
	char tag[33];
	check_tag(ward, tag);
	sqlite3_stmt *q = NULL;
	bool ok = false;
	if (sqlite3_prepare_v2(db, "SELECT check_tag = ?1 FROM ward_key WHERE id = 1", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, tag, -1, SQLITE_STATIC);
		ok = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) == 1;
	}
	sqlite3_finalize(q);
	return ok;
}

/* Crockford's base32: no I, L, O, U to misread. */
static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void new_recovery_code(char out[GN_RECOVERY_CODE_SIZE])
{
	unsigned char r[25];
	randombytes_buf(r, sizeof r);
	size_t k = 0;
	for (int i = 0; i < 25; i++) {
		if (i && i % 5 == 0)
			out[k++] = '-';
		out[k++] = crockford[r[i] & 31];
	}
	out[k] = '\0';
	sodium_memzero(r, sizeof r);
}

/* The code as typed, in its one form: letters and digits, upper case,
 * O read as 0 and I, L as 1; dashes and spaces dropped. */
static void normal_code(const char *typed, char out[GN_RECOVERY_CODE_SIZE])
{
	size_t k = 0;
	for (const char *p = typed; p && *p && k + 1 < GN_RECOVERY_CODE_SIZE; p++) {
		int c = toupper((unsigned char)*p);
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		if (isalnum(c))
			out[k++] = (char)c;
	}
	out[k] = '\0';
}

static gn_status user_id_of(sqlite3 *db, const char *login, char id[37], gn_err *err)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, "SELECT id FROM users WHERE login = ?1", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "users");
	sqlite3_bind_text(q, 1, login, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		gn_db_col_copy(q, 0, id, 37);
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW)
		return GN_OK;
	if (rc == SQLITE_DONE)
		return gn_fail_field(err, GN_ERR_NOT_FOUND, "login", _("there is no user %s"), login);
	return gn_db_fail(db, err, "users");
}

/* ---- the account's keys -------------------------------------------------- */

/* Stores the account's key pair (secret under the password) and, if the
 * vault is OPEN, the ward key sealed to it. */
static gn_status store_pair(sqlite3 *db, const char *user_id, const unsigned char pk[crypto_box_PUBLICKEYBYTES],
                            const char *secret_wrap, gn_err *err)
{
	unsigned char ward[GN_WARD_KEY_BYTES], sealed[crypto_box_SEALBYTES + GN_WARD_KEY_BYTES];
	char *pk_text = b64(pk, crypto_box_PUBLICKEYBYTES), *sealed_text = NULL, now[32];
	gn_status st = GN_OK;
	if (gn_vault_key(db, ward)) {
		crypto_box_seal(sealed, ward, sizeof ward, pk);
		sealed_text = b64(sealed, sizeof sealed);
		sodium_memzero(ward, sizeof ward);
		if (!sealed_text)
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	sqlite3_stmt *q = NULL;
	gn_now_iso(now);
	if (st == GN_OK && !pk_text)
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (st == GN_OK && sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO account_key(user_id, public_key, secret_wrap, "
	                                      "ward_sealed, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)", -1, &q,
	                                      NULL) != SQLITE_OK)
		st = gn_db_fail(db, err, "account_key");
	if (st == GN_OK) {
		sqlite3_bind_text(q, 1, user_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, pk_text, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, secret_wrap, -1, SQLITE_STATIC);
		if (sealed_text)
			sqlite3_bind_text(q, 4, sealed_text, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 5, now, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			st = gn_db_fail(db, err, "account_key");
	}
	sqlite3_finalize(q);
	free(pk_text);
	free(sealed_text);
	return st;
}

static void tag_for_signin(sqlite3 *db, const char *user_id, const char *pwhash);

/* The sign-in tag (gn_wardkey_signin_open) for an account's key just
 * wrapped under nfc (an account made, a password set), when the users
 * row's hash is that password's: checked here, never assumed of the
 * caller (one Argon2 more where this is rare), so that even the first
 * sign-in takes one. */
static void tag_if_hash_is(sqlite3 *db, const char *user_id, const char *nfc)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, "SELECT pwhash FROM users WHERE id = ?1", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, user_id, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) == SQLITE_TEXT) {
			const char *hash = (const char *)sqlite3_column_text(q, 0);
			if (crypto_pwhash_str_verify(hash, nfc, strlen(nfc)) == 0)
				tag_for_signin(db, user_id, hash);
		}
	}
	sqlite3_finalize(q);
}

/* A new key pair for user_id under the (NFC) password. */
static gn_status new_pair(sqlite3 *db, const char *user_id, const char *nfc, gn_err *err)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[SECRET_BYTES];
	char *secret_wrap = NULL;
	crypto_box_keypair(pk, sk);
	gn_status st = wrap(nfc, ACCOUNT_AD, sk, sizeof sk, &secret_wrap, err);
	sodium_memzero(sk, sizeof sk);
	if (st == GN_OK)
		st = store_pair(db, user_id, pk, secret_wrap, err);
	free(secret_wrap);
	return st;
}

gn_status gn_wardkey_grant(sqlite3 *db, const char *login, const char *password, gn_err *err)
{
	if (gn_vault_state_of(db) == GN_VAULT_PLAIN)
		return GN_OK; /* the ward does not encrypt yet: the officer's next sign-in does it */
	char id[37], *nfc = NULL;
	gn_status st = user_id_of(db, login, id, err);
	if (st == GN_OK)
		st = gn_password_nfc(password, &nfc, err);
	if (st == GN_OK)
		st = new_pair(db, id, nfc, err);
	if (st == GN_OK)
		tag_if_hash_is(db, id, nfc);
	gn_password_free(nfc);
	return st;
}

gn_status gn_wardkey_grant_like(sqlite3 *db, const char *login, const char *like_login, gn_err *err)
{
	if (gn_vault_state_of(db) == GN_VAULT_PLAIN)
		return GN_OK;
	char id[37], like[37];
	gn_status st = user_id_of(db, login, id, err);
	if (st == GN_OK)
		st = user_id_of(db, like_login, like, err);
	if (st != GN_OK)
		return st;
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO account_key(user_id, public_key, secret_wrap, ward_sealed, "
	                       "updated_at) SELECT ?1, public_key, secret_wrap, ward_sealed, updated_at FROM account_key "
	                       "WHERE user_id = ?2", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "account_key");
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, like, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		st = gn_db_fail(db, err, "account_key");
	sqlite3_finalize(q);
	return st;
}

/* The account's row: public key, secret wrap, sealed ward key (each
 * malloc'd or NULL). GN_ERR_NOT_FOUND if it has none. */
typedef struct account_row {
	char *public_key, *secret_wrap, *ward_sealed;
} account_row;

static void account_row_free(account_row *a)
{
	free(a->public_key);
	free(a->secret_wrap);
	free(a->ward_sealed);
	memset(a, 0, sizeof *a);
}

static gn_status read_account(sqlite3 *db, const char *user_id, account_row *a, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	memset(a, 0, sizeof *a);
	if (sqlite3_prepare_v2(db, "SELECT public_key, secret_wrap, ward_sealed FROM account_key WHERE user_id = ?1", -1,
	                       &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "account_key");
	sqlite3_bind_text(q, 1, user_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	gn_status st = GN_OK;
	if (rc == SQLITE_ROW) {
		a->public_key = gn_db_col_dup(q, 0);
		a->secret_wrap = gn_db_col_dup(q, 1);
		a->ward_sealed = gn_db_col_dup(q, 2);
		if (!a->public_key || !a->secret_wrap)
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	} else if (rc == SQLITE_DONE) {
		st = GN_ERR_NOT_FOUND;
	} else {
		st = gn_db_fail(db, err, "account_key");
	}
	sqlite3_finalize(q);
	return st;
}

gn_status gn_wardkey_rewrap(sqlite3 *db, const char *login, const char *old_password, const char *new_password,
                            gn_err *err)
{
	if (gn_vault_state_of(db) == GN_VAULT_PLAIN)
		return GN_OK;
	char id[37], *old_nfc = NULL, *new_nfc = NULL, *secret_wrap = NULL;
	unsigned char sk[SECRET_BYTES], pk[crypto_box_PUBLICKEYBYTES];
	size_t n = 0;
	account_row a;
	gn_status st = user_id_of(db, login, id, err);
	if (st != GN_OK)
		return st;
	if ((st = gn_password_nfc(old_password, &old_nfc, err)) != GN_OK ||
	    (st = gn_password_nfc(new_password, &new_nfc, err)) != GN_OK)
		goto out;
	st = read_account(db, id, &a, err);
	if (st == GN_ERR_NOT_FOUND) {
		st = new_pair(db, id, new_nfc, err); /* waits for an officer, as it did */
		goto out;
	}
	if (st == GN_OK && (!unwrap(old_nfc, ACCOUNT_AD, a.secret_wrap, sk, sizeof sk) ||
	                    !unb64(a.public_key, pk, sizeof pk, &n) || n != sizeof pk)) {
		/* a wrap that no longer opens: a fresh pair, given the key again by
		 * an officer (or at once, if this connection has it) */
		account_row_free(&a);
		st = new_pair(db, id, new_nfc, err);
		goto out;
	}
	if (st == GN_OK)
		st = wrap(new_nfc, ACCOUNT_AD, sk, sizeof sk, &secret_wrap, err);
	sodium_memzero(sk, sizeof sk);
	if (st == GN_OK) {
		sqlite3_stmt *q = NULL;
		char now[32];
		gn_now_iso(now);
		if (sqlite3_prepare_v2(db, "UPDATE account_key SET secret_wrap = ?2, updated_at = ?3 WHERE user_id = ?1", -1,
		                       &q, NULL) != SQLITE_OK)
			st = gn_db_fail(db, err, "account_key");
		else {
			sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 2, secret_wrap, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 3, now, -1, SQLITE_STATIC);
			if (sqlite3_step(q) != SQLITE_DONE)
				st = gn_db_fail(db, err, "account_key");
		}
		sqlite3_finalize(q);
	}
	account_row_free(&a);
out:
	if (st == GN_OK)
		tag_if_hash_is(db, id, new_nfc);
	free(secret_wrap);
	gn_password_free(old_nfc);
	gn_password_free(new_nfc);
	return st;
}

gn_status gn_wardkey_revoke(sqlite3 *db, const char *login, gn_err *err)
{
	char id[37];
	gn_status st = user_id_of(db, login, id, err);
	sqlite3_stmt *q = NULL;
	if (st != GN_OK)
		return st;
	if (sqlite3_prepare_v2(db, "DELETE FROM account_key WHERE user_id = ?1", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "account_key");
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		st = gn_db_fail(db, err, "account_key");
	sqlite3_finalize(q);
	return st;
}

/* ---- the ward key itself ------------------------------------------------ */

/* Stores a new ward key's recovery wrap and check tag, marks the ward as
 * encrypting and opens the vault with it. In the caller's transaction. */
static gn_status store_ward_key(sqlite3 *db, const unsigned char ward[GN_WARD_KEY_BYTES], const char *recovery_wrap,
                                const char *by, gn_err *err)
{
	char tag[33], now[32];
	check_tag(ward, tag);
	gn_now_iso(now);
	sqlite3_stmt *q = NULL;
	gn_status st = GN_OK;
	if (sqlite3_prepare_v2(db, "INSERT INTO ward_key(id, check_tag, recovery_wrap, created_at, created_by) "
	                       "VALUES (1, ?1, ?2, ?3, ?4)", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "ward_key");
	sqlite3_bind_text(q, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, recovery_wrap, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, by, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		st = gn_db_fail(db, err, "ward_key");
	sqlite3_finalize(q);
	if (st == GN_OK)
		st = gn_db_meta_set(db, "cccd_sealed", "1", err);
	if (st == GN_OK)
		st = gn_vault_open(db, ward, err);
	return st;
}

/* A new ward key and its recovery wrap (the slow part: before any
 * transaction). */
static gn_status make_ward_key(unsigned char ward[GN_WARD_KEY_BYTES], char code[GN_RECOVERY_CODE_SIZE],
                               char **recovery_wrap, gn_err *err)
{
	char normal[GN_RECOVERY_CODE_SIZE];
	crypto_kdf_keygen(ward);
	new_recovery_code(code);
	normal_code(code, normal);
	gn_status st = wrap(normal, "gonha recovery", ward, GN_WARD_KEY_BYTES, recovery_wrap, err);
	sodium_memzero(normal, sizeof normal);
	return st;
}

gn_status gn_wardkey_create(sqlite3 *db, const char *by, char recovery_code[GN_RECOVERY_CODE_SIZE], gn_err *err)
{
	if (sodium_init() < 0)
		return gn_fail(err, GN_ERR_NOMEM, _("cannot start the encryption library"));
	unsigned char ward[GN_WARD_KEY_BYTES];
	char *recovery_wrap = NULL;
	gn_status st = make_ward_key(ward, recovery_code, &recovery_wrap, err);
	if (st == GN_OK)
		st = store_ward_key(db, ward, recovery_wrap, by, err);
	sodium_memzero(ward, sizeof ward);
	free(recovery_wrap);
	return st;
}

gn_status gn_wardkey_recover(sqlite3 *db, const char *code, gn_err *err)
{
	char normal[GN_RECOVERY_CODE_SIZE], *wrapped = NULL;
	unsigned char ward[GN_WARD_KEY_BYTES];
	sqlite3_stmt *q = NULL;
	gn_status st = GN_OK;
	if (sodium_init() < 0)
		return gn_fail(err, GN_ERR_NOMEM, _("cannot start the encryption library"));
	if (sqlite3_prepare_v2(db, "SELECT recovery_wrap FROM ward_key WHERE id = 1", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "ward_key");
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		wrapped = gn_db_col_dup(q, 0);
	sqlite3_finalize(q);
	if (rc == SQLITE_DONE)
		return gn_fail(err, GN_ERR_NOT_FOUND, "%s", _("this ward does not encrypt citizen IDs yet: there is no key to recover"));
	if (rc != SQLITE_ROW || !wrapped) {
		free(wrapped);
		return rc == SQLITE_ROW ? gn_fail(err, GN_ERR_NOMEM, _("out of memory")) : gn_db_fail(db, err, "ward_key");
	}
	normal_code(code, normal);
	if (!unwrap(normal, "gonha recovery", wrapped, ward, sizeof ward) || !right_key(db, ward))
		st = gn_fail_field(err, GN_ERR_DENIED, "recovery_code", "%s", _("that is not this ward's recovery code"));
	else
		st = gn_vault_open(db, ward, err);
	sodium_memzero(ward, sizeof ward);
	sodium_memzero(normal, sizeof normal);
	free(wrapped);
	return st;
}

/* ---- sealing a ward made before encryption ------------------------------ */

/* Everything that holds a CCCD, sealed in one transaction: the person
 * rows, drafts, kept conflicts; the audit log's old and new values masked. */
static gn_status seal_everything(sqlite3 *db, long *numbers, gn_err *err)
{
	gn_status st = gn_db_meta_set(db, "cccd_sealing", "1", err);
	if (st == GN_OK)
		st = gn_db_exec(db, "UPDATE person SET cccd = gn_cccd_seal(cccd), cccd_masked = gn_cccd_mask(cccd) WHERE typeof(cccd) = 'text'", err);
	if (st == GN_OK)
		*numbers = sqlite3_changes(db);
	if (st == GN_OK)
		st = gn_db_exec(db, "UPDATE merge_conflict SET local_data = " GN_SQL_DOC_CCCD_SEAL("local_data") ", "
		                "incoming_data = " GN_SQL_DOC_CCCD_SEAL("incoming_data"), err);
	if (st == GN_OK)
		st = gn_db_exec(db, "UPDATE audit_log SET changes = json_set(changes, '$.cccd', json_array("
		                "gn_cccd_mask(json_extract(changes, '$.cccd[0]')), gn_cccd_mask(json_extract(changes, "
		                "'$.cccd[1]')))) WHERE json_type(changes, '$.cccd') = 'array'", err);
	if (st == GN_OK)
		st = gn_draft_seal_all(db, err);
	if (st == GN_OK)
		st = gn_verify_seal_all(db, err);
	if (st == GN_OK)
		st = gn_db_exec(db, "DELETE FROM meta WHERE key = 'cccd_sealing'", err);
	return st;
}

/* The copies in DB.backups made before the numbers were encrypted (the
 * one just made among them) hold them in clear: each is sealed under the
 * recovery code (sealed.h: restore asks for it as the passphrase) and the
 * plain file removed. Best effort, after the commit: a copy that cannot be
 * sealed (a full disk) stays as it was. Returns how many were sealed. */
static int seal_old_copies(sqlite3 *db, const char *db_path, const char *code)
{
	char dir[4096];
	gn_backup_dir(db_path, dir, sizeof dir);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	char *ward_id = gn_ward_id(db);
	int sealed = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char plain[4400], out[4500], magic[16] = "";
		if (n < 4 || strcmp(e->d_name + n - 3, ".db") != 0 ||
		    snprintf(plain, sizeof plain, "%s/%s", dir, e->d_name) >= (int)sizeof plain)
			continue;
		FILE *f = fopen(plain, "rb");
		bool sqlite_file = f && fread(magic, 1, sizeof magic, f) == sizeof magic &&
		                   memcmp(magic, "SQLite format 3", 16) == 0;
		if (f)
			fclose(f);
		snprintf(out, sizeof out, "%s.gbk", plain);
		if (sqlite_file && gn_seal_file(plain, out, code, ward_id ? ward_id : "", NULL) == GN_OK &&
		    unlink(plain) == 0) {
			sealed++;
			/* its manifest (backup.c) names a file that is gone */
			char manifest[4500];
			snprintf(manifest, sizeof manifest, "%s.manifest", plain);
			unlink(manifest);
		}
	}
	closedir(d);
	free(ward_id);
	return sealed;
}

static gn_status seal_ward(gn_ctx *ctx, const char *nfc, gn_key_news *news, gn_err *err)
{
	sqlite3 *db = ctx->db;
	unsigned char ward[GN_WARD_KEY_BYTES], pk[crypto_box_PUBLICKEYBYTES], sk[SECRET_BYTES];
	char code[GN_RECOVERY_CODE_SIZE], *recovery_wrap = NULL, *secret_wrap = NULL;
	long numbers = 0;
	const char *path = sqlite3_db_filename(db, "main");
	gn_status st = GN_OK;

	/* First a copy of the ward as it is, as for any change of the schema. */
	if (path && *path)
		st = gn_backup_auto(db, path, true, NULL, news ? news->backup_path : NULL,
		                    news ? sizeof news->backup_path : 0, err);
	if (st == GN_OK)
		st = make_ward_key(ward, code, &recovery_wrap, err);
	crypto_box_keypair(pk, sk);
	if (st == GN_OK)
		st = wrap(nfc, ACCOUNT_AD, sk, sizeof sk, &secret_wrap, err);
	sodium_memzero(sk, sizeof sk);
	/* freed space overwritten, so that no number stays readable in the file */
	int secure_before = 0;
	bool scrubbing = st == GN_OK && (st = gn_db_scrub_begin(db, &secure_before, err)) == GN_OK;
	if (st == GN_OK && (st = gn_db_begin(db, err)) == GN_OK) {
		st = store_ward_key(db, ward, recovery_wrap, ctx->user.login, err);
		if (st == GN_OK)
			st = store_pair(db, ctx->user.id, pk, secret_wrap, err);
		if (st == GN_OK)
			st = seal_everything(db, &numbers, err);
		if (st == GN_OK)
			st = gn_audit(ctx, "seal_ids", "person", NULL, NULL, NULL, err);
		if (st == GN_OK)
			st = gn_db_commit(db, err);
		else
			gn_db_rollback(db);
		if (st != GN_OK)
			gn_vault_reset(db, NULL); /* PLAIN again, as the file is */
	}
	if (scrubbing)
		gn_db_scrub_end(db, secure_before, st == GN_OK);
	if (st == GN_OK) {
		int copies = path && *path ? seal_old_copies(db, path, code) : 0;
		if (news) {
			news->sealed_now = true;
			news->sealed_numbers = numbers;
			news->sealed_copies = copies;
			snprintf(news->recovery_code, sizeof news->recovery_code, "%s", code);
			if (news->backup_path[0] && copies > 0) {
				size_t k = strlen(news->backup_path);
				if (k + 5 < sizeof news->backup_path)
					memcpy(news->backup_path + k, ".gbk", 5);
			}
		}
	}
	sodium_memzero(ward, sizeof ward);
	sodium_memzero(code, sizeof code);
	free(recovery_wrap);
	free(secret_wrap);
	return st;
}

/* A ward officer with the key gives it to every enabled account waiting. */
static gn_status give_waiting(sqlite3 *db, int *given, gn_err *err)
{
	unsigned char ward[GN_WARD_KEY_BYTES], pk[crypto_box_PUBLICKEYBYTES],
		sealed[crypto_box_SEALBYTES + GN_WARD_KEY_BYTES];
	sqlite3_stmt *sel = NULL, *up = NULL;
	gn_status st = GN_OK;
	*given = 0;
	if (!gn_vault_key(db, ward))
		return GN_OK;
	if (sqlite3_prepare_v2(db, "SELECT a.user_id, a.public_key FROM account_key a JOIN users u ON u.id = a.user_id "
	                       "WHERE a.ward_sealed IS NULL AND u.disabled = 0", -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE account_key SET ward_sealed = ?2 WHERE user_id = ?1 AND ward_sealed IS NULL", -1,
	                       &up, NULL) != SQLITE_OK) {
		st = gn_db_fail(db, err, "account_key");
		goto out;
	}
	int rc;
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW && st == GN_OK) {
		size_t n = 0;
		if (!unb64((const char *)sqlite3_column_text(sel, 1), pk, sizeof pk, &n) || n != sizeof pk)
			continue; /* a damaged row: its account makes a new pair at sign-in */
		crypto_box_seal(sealed, ward, sizeof ward, pk);
		char *text = b64(sealed, sizeof sealed);
		if (!text) {
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			break;
		}
		sqlite3_bind_text(up, 1, (const char *)sqlite3_column_text(sel, 0), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(up, 2, text, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(up) != SQLITE_DONE)
			st = gn_db_fail(db, err, "account_key");
		else
			(*given)++;
		sqlite3_reset(up);
		free(text);
	}
	if (st == GN_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		st = gn_db_fail(db, err, "account_key");
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(up);
	sodium_memzero(ward, sizeof ward);
	return st;
}

/* Opens the ward key from the account's row, with the account's secret key
 * account_sk or, NULL, the one the password opens: false if it does not
 * open. */
static bool open_from(sqlite3 *db, const char *nfc, const unsigned char *account_sk, const account_row *a)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[SECRET_BYTES], ward[GN_WARD_KEY_BYTES],
		sealed[crypto_box_SEALBYTES + GN_WARD_KEY_BYTES];
	size_t n = 0, m = 0;
	if (account_sk)
		memcpy(sk, account_sk, sizeof sk);
	bool ok = unb64(a->public_key, pk, sizeof pk, &n) && n == sizeof pk &&
	          unb64(a->ward_sealed, sealed, sizeof sealed, &m) && m == sizeof sealed &&
	          (account_sk || unwrap(nfc, ACCOUNT_AD, a->secret_wrap, sk, sizeof sk)) &&
	          crypto_box_seal_open(ward, sealed, sizeof sealed, pk, sk) == 0 && right_key(db, ward) &&
	          gn_vault_open(db, ward, NULL) == GN_OK;
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(ward, sizeof ward);
	return ok;
}

/* ---- one Argon2 a sign-in ---------------------------------------------- */

_Static_assert(GN_ACCOUNT_SECRET_BYTES == SECRET_BYTES, "an account's secret key");

/* The tag of a password hash and a key wrap that one password both made
 * or opened (signin_tag, gn_wardkey_signin_open): a hash over the two as
 * they are stored, so that a change to either is a different tag. */
static void signin_tag(const char *pwhash, const char *secret_wrap, char out[65])
{
	unsigned char h[32];
	crypto_generichash_state st;
	crypto_generichash_init(&st, (const unsigned char *)"gonha sign-in", 13, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)pwhash, strlen(pwhash) + 1);
	crypto_generichash_update(&st, (const unsigned char *)secret_wrap, strlen(secret_wrap));
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

bool gn_wardkey_signin_open(sqlite3 *db, const char *user_id, const char *pwhash, const char *password_nfc,
                            unsigned char sk[GN_ACCOUNT_SECRET_BYTES], bool *opened)
{
	*opened = false;
	if (!pwhash || !password_nfc)
		return false;
	sqlite3_stmt *q = NULL;
	bool tagged = false;
	/* any failure (an older file not migrated, read-only): not tagged */
	if (sqlite3_prepare_v2(db, "SELECT secret_wrap, signin_tag FROM account_key WHERE user_id = ?1", -1, &q, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(q, 1, user_id, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) == SQLITE_TEXT &&
		    sqlite3_column_type(q, 1) == SQLITE_TEXT && sqlite3_column_bytes(q, 1) == 64) {
			const char *wrap_text = (const char *)sqlite3_column_text(q, 0);
			char want[65];
			signin_tag(pwhash, wrap_text, want);
			tagged = sodium_memcmp(want, sqlite3_column_text(q, 1), 64) == 0;
			if (tagged)
				*opened = unwrap(password_nfc, ACCOUNT_AD, wrap_text, sk, SECRET_BYTES);
		}
	}
	sqlite3_finalize(q);
	return tagged;
}

/* The account's row tagged with pwhash and its wrap as stored now: only
 * once the password pwhash was checked against opened that wrap or made
 * it. A failure leaves the row untagged: the next sign-in checks the
 * password hash, as it does without a tag. */
static void tag_for_signin(sqlite3 *db, const char *user_id, const char *pwhash)
{
	sqlite3_stmt *q = NULL;
	char tag[65] = "";
	account_row a;
	if (!pwhash || sqlite3_db_readonly(db, "main"))
		return;
	if (read_account(db, user_id, &a, NULL) == GN_OK)
		signin_tag(pwhash, a.secret_wrap, tag);
	account_row_free(&a);
	if (*tag && sqlite3_prepare_v2(db, "UPDATE account_key SET signin_tag = ?2 WHERE user_id = ?1 AND "
	                                   "signin_tag IS NOT ?2", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, user_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, tag, -1, SQLITE_STATIC);
		(void)sqlite3_step(q); /* a full disk: untagged, no harm */
	}
	sqlite3_finalize(q);
}

static bool plain_demo(sqlite3 *db)
{
	char *demo = gn_db_meta_get(db, "demo"), *plain = gn_db_meta_get(db, "demo_plain_ids");
	bool yes = demo && plain && strcmp(demo, "1") == 0 && strcmp(plain, "1") == 0;
	free(demo);
	free(plain);
	return yes;
}

gn_status gn_wardkey_unlock(gn_ctx *ctx, const char *password, const unsigned char *account_sk, const char *pwhash,
                            gn_key_news *news, gn_err *err)
{
	sqlite3 *db = ctx->db;
	bool writable = !sqlite3_db_readonly(db, "main");
	bool officer = ctx->user.role == GN_ROLE_WARD_OFFICER;
	char *nfc = NULL;
	account_row a = { 0 };
	if (news)
		memset(news, 0, sizeof *news);
	gn_status st = gn_password_nfc(password, &nfc, err);
	if (st != GN_OK)
		return st;
	gn_vault_reset(db, NULL);
	if (gn_vault_state_of(db) == GN_VAULT_PLAIN) {
		/* a ward from before encryption: its officer's sign-in seals it
		 * (not a demo ward made in clear on purpose: make bench's reference) */
		if (officer && writable && !plain_demo(db))
			st = seal_ward(ctx, nfc, news, err);
		goto out;
	}
	st = read_account(db, ctx->user.id, &a, err);
	if (st == GN_ERR_NOT_FOUND || (st == GN_OK && (!a.ward_sealed || !open_from(db, nfc, account_sk, &a)))) {
		/* No key yet, or one that does not open (a password set outside
		 * gonha): a key pair now, and the ward key from the next officer. */
		if (st == GN_ERR_NOT_FOUND || a.ward_sealed) {
			st = writable ? new_pair(db, ctx->user.id, nfc, err) : GN_OK;
			if (st == GN_OK && writable)
				tag_for_signin(db, ctx->user.id, pwhash); /* made from the password just checked */
		}
		if (news)
			news->waiting = true;
		goto out;
	}
	if (st == GN_OK && !account_sk)
		tag_for_signin(db, ctx->user.id, pwhash); /* the password checked opened it */
	if (st == GN_OK && officer && writable) {
		int given = 0;
		st = give_waiting(db, &given, err);
		if (news)
			news->given = given;
	}
out:
	account_row_free(&a);
	gn_password_free(nfc);
	return st;
}
