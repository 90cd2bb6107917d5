/* The encrypted CCCD column: the per-connection key and the SQL functions
 * (see vault.h). libsodium only: XChaCha20-Poly1305 (AEAD) for the number,
 * keyed BLAKE2b for the blind index, crypto_kdf for the two subkeys. */
#include "gonha/storage/vault.h"
#include "gonha/storage/db.h"
#include "gonha/domain/cccd.h" /* the masking rule, one place */
#include "gonha/core/i18n.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SEALED_PREFIX "c1."
#define DOC_PREFIX "d1."
#define PREFIX_LEN 3
/* a number's stored form (below): the form byte, the nonce, the number,
 * the tag */
#define NPUB crypto_aead_chacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_chacha20poly1305_ietf_ABYTES
#define PLAIN_MAX 32 /* a CCCD is 12 digits */
#define BLOB_MAX (1 + NPUB + PLAIN_MAX + TAG_BYTES)

typedef struct vault_keys {
	unsigned char enc[crypto_aead_chacha20poly1305_ietf_KEYBYTES]; /* = xchacha's: 32 */
	unsigned char idx[crypto_generichash_KEYBYTES];
	unsigned char ward[GN_WARD_KEY_BYTES];
	/* documents' nonces: 16 random bytes per opening, then a counter */
	unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	uint64_t counter;
	/* the number opened last and its stored bytes: a rule reads the same
	 * person's number twice in a row (is it there, does it match), and
	 * each opening is a decryption. Kept here, with the keys: wiped with
	 * them. */
	unsigned char last_blob[BLOB_MAX];
	size_t last_n;
	char last_plain[PLAIN_MAX + 1];
} vault_keys;

typedef struct vault {
	sqlite3 *db;
	gn_vault_state state;
	vault_keys *keys; /* sodium_malloc'd; only when OPEN */
	struct vault *next;
} vault;

/* Connections of this process with a vault (a handful at most). */
static vault *vaults;

static vault *vault_of(sqlite3 *db)
{
	for (vault *v = vaults; v; v = v->next)
		if (v->db == db)
			return v;
	return NULL;
}

static void drop_keys(vault *v)
{
	if (v->keys)
		sodium_free(v->keys); /* wipes it */
	v->keys = NULL;
}

static void vault_destroy(void *p)
{
	vault *v = p;
	for (vault **at = &vaults; *at; at = &(*at)->next)
		if (*at == v) {
			*at = v->next;
			break;
		}
	drop_keys(v);
	free(v);
}

/* ---- the number and its stored form ------------------------------------ */

/* In the column a number is a BLOB: the form byte, a 12-byte nonce, the
 * ChaCha20-Poly1305 ciphertext and its tag (41 bytes for a CCCD). In a JSON
 * document (a kept conflict) the same bytes after the form byte are text:
 * "c1." + base64url. The nonce is the keyed BLAKE2b of the number (under
 * the index key): the same number always gives the same bytes, so the
 * column is its own blind index (equality, "one number, one person",
 * exact search). It tells which rows hold the same
 * number and nothing more, as a separate blind index would; a nonce
 * repeats only with its own plaintext (96 bits: two different numbers
 * meet on one only by chance, about 2^-96 a pair). */
#define FORM_BYTE 0xC1
#define TEXT_MAX (PREFIX_LEN + sodium_base64_ENCODED_LEN(BLOB_MAX, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
/* Bound to every number's ciphertext: a value sealed for another use does
 * not open as a number. */
#define CCCD_AD "gonha cccd 1"

/* blob (BLOB_MAX): the number sealed; its length, or 0 if too long. */
static size_t seal_blob(const vault_keys *k, const char *plain, size_t n, unsigned char blob[BLOB_MAX])
{
	if (n > PLAIN_MAX)
		return 0;
	unsigned char nonce[NPUB];
	crypto_generichash(nonce, NPUB, (const unsigned char *)plain, n, k->idx, sizeof k->idx);
	blob[0] = FORM_BYTE;
	memcpy(blob + 1, nonce, NPUB);
	unsigned long long clen = 0;
	crypto_aead_chacha20poly1305_ietf_encrypt(blob + 1 + NPUB, &clen, (const unsigned char *)plain, n,
	                                          (const unsigned char *)CCCD_AD, sizeof CCCD_AD - 1, NULL, nonce, k->enc);
	return 1 + NPUB + (size_t)clen;
}

/* The number from a blob into out (NUL-ended): false if it does not open
 * under this key (another ward's, or damaged). */
static bool open_blob(const vault_keys *k, const unsigned char *blob, size_t n, char out[PLAIN_MAX + 1])
{
	if (n < 1 + NPUB + TAG_BYTES || n > BLOB_MAX || blob[0] != FORM_BYTE)
		return false;
	unsigned long long plen = 0;
	if (crypto_aead_chacha20poly1305_ietf_decrypt((unsigned char *)out, &plen, NULL, blob + 1 + NPUB, n - 1 - NPUB,
	                                              (const unsigned char *)CCCD_AD, sizeof CCCD_AD - 1, blob + 1,
	                                              k->enc) != 0)
		return false;
	out[plen] = '\0';
	return true;
}

/* text form <-> blob */
static void blob_to_text(const unsigned char *blob, size_t n, char out[TEXT_MAX])
{
	memcpy(out, SEALED_PREFIX, PREFIX_LEN);
	sodium_bin2base64(out + PREFIX_LEN, TEXT_MAX - PREFIX_LEN, blob + 1, n - 1, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static size_t text_to_blob(const char *text, unsigned char blob[BLOB_MAX])
{
	size_t n = 0;
	blob[0] = FORM_BYTE;
	if (sodium_base642bin(blob + 1, BLOB_MAX - 1, text + PREFIX_LEN, strlen(text + PREFIX_LEN), NULL, &n, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return 0;
	return n + 1;
}

bool gn_vault_is_sealed(const char *stored)
{
	return stored && strncmp(stored, SEALED_PREFIX, PREFIX_LEN) == 0;
}

/* A value's sealed bytes into blob (a stored BLOB, or the text form):
 * their length, 0 if it is not a sealed number (plain, or NULL). */
static size_t sealed_bytes(sqlite3_value *v, unsigned char blob[BLOB_MAX])
{
	if (sqlite3_value_type(v) == SQLITE_BLOB) {
		int n = sqlite3_value_bytes(v);
		const unsigned char *b = sqlite3_value_blob(v);
		if (n < 1 || n > (int)BLOB_MAX || !b || b[0] != FORM_BYTE)
			return 0;
		memcpy(blob, b, (size_t)n);
		return (size_t)n;
	}
	const char *t = (const char *)sqlite3_value_text(v);
	return gn_vault_is_sealed(t) ? text_to_blob(t, blob) : 0;
}

/* ---- whole documents (drafts) ------------------------------------------- */

/* A document is long and seldom written: a random nonce (16 random bytes
 * per opening of the vault, then a counter: never repeats, no system call
 * each), XChaCha20-Poly1305, "d1." + base64url(nonce || ciphertext || tag). */
#define DOC_AD "gonha document 1"
#define DOC_NPUB crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define DOC_TAG crypto_aead_xchacha20poly1305_ietf_ABYTES

static size_t doc_text_size(size_t n)
{
	return PREFIX_LEN + sodium_base64_ENCODED_LEN(DOC_NPUB + n + DOC_TAG, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* ---- the SQL functions -------------------------------------------------- */

static const char *locked_message(void)
{
	return _("this account has no key to citizen ID numbers yet: a ward officer must sign in once first");
}

static const char *damaged_message(void)
{
	return _("a citizen ID number cannot be decrypted: the database belongs to another ward or is damaged");
}

/* The plain number of argument 0 into buf (a sealed one opened), or NULL
 * with the result set (NULL, or an error). */
static const char *plain_arg(sqlite3_context *c, sqlite3_value *arg, char buf[PLAIN_MAX + 1])
{
	vault *v = sqlite3_user_data(c);
	unsigned char blob[BLOB_MAX];
	if (sqlite3_value_type(arg) == SQLITE_NULL) {
		sqlite3_result_null(c);
		return NULL;
	}
	size_t n = sealed_bytes(arg, blob);
	if (!n) {
		const char *x = (const char *)sqlite3_value_text(arg);
		if (!x)
			sqlite3_result_null(c);
		return x; /* a number in clear: a ward not encrypted yet */
	}
	if (v->state != GN_VAULT_OPEN) {
		sqlite3_result_null(c);
		return NULL;
	}
	vault_keys *k = v->keys;
	if (n == k->last_n && memcmp(blob, k->last_blob, n) == 0) {
		memcpy(buf, k->last_plain, sizeof k->last_plain);
		return buf;
	}
	if (!open_blob(k, blob, n, buf)) {
		sqlite3_result_error(c, damaged_message(), -1);
		return NULL;
	}
	memcpy(k->last_blob, blob, n);
	memcpy(k->last_plain, buf, sizeof k->last_plain);
	k->last_n = n;
	return buf;
}

static void sql_open(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	char buf[PLAIN_MAX + 1];
	const char *plain = plain_arg(c, argv[0], buf);
	if (plain)
		sqlite3_result_text(c, plain, -1, SQLITE_TRANSIENT);
	sodium_memzero(buf, sizeof buf);
}

/* What the column holds for argument 0: the sealed BLOB (a sealed value
 * in either form as its BLOB), the value itself in a ward in clear; NULL
 * for NULL or "". When the vault is LOCKED, refuse ? an error : NULL. */
static void seal_result(sqlite3_context *c, sqlite3_value *arg, bool refuse)
{
	vault *v = sqlite3_user_data(c);
	unsigned char blob[BLOB_MAX];
	/* the bytes first: asking for text may turn a BLOB value into text */
	size_t n = sqlite3_value_type(arg) == SQLITE_NULL ? 0 : sealed_bytes(arg, blob);
	const char *x = n || sqlite3_value_type(arg) == SQLITE_NULL ? NULL : (const char *)sqlite3_value_text(arg);
	if (!n && (!x || !*x)) {
		sqlite3_result_null(c);
		return;
	}
	if (n) {
		sqlite3_result_blob(c, blob, (int)n, SQLITE_TRANSIENT);
		return;
	}
	if (v->state == GN_VAULT_PLAIN) {
		sqlite3_result_value(c, arg);
		return;
	}
	if (v->state != GN_VAULT_OPEN) {
		if (refuse)
			sqlite3_result_error(c, locked_message(), -1);
		else
			sqlite3_result_null(c); /* a search by number finds nobody: not an error */
		return;
	}
	if (!(n = seal_blob(v->keys, x, strlen(x), blob))) {
		if (refuse)
			sqlite3_result_error(c, _("a citizen ID number is too long to store"), -1);
		else
			sqlite3_result_null(c);
		return;
	}
	sqlite3_result_blob(c, blob, (int)n, SQLITE_TRANSIENT);
}

static void sql_seal(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	seal_result(c, argv[0], true);
}

static void sql_index(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	seal_result(c, argv[0], false);
}

/* The text form, for a JSON document: "c1." + base64url. */
static void sql_seal_text(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	vault *v = sqlite3_user_data(c);
	unsigned char blob[BLOB_MAX];
	char text[TEXT_MAX];
	size_t n = sqlite3_value_type(argv[0]) == SQLITE_NULL ? 0 : sealed_bytes(argv[0], blob);
	const char *x = n || sqlite3_value_type(argv[0]) == SQLITE_NULL ? NULL : (const char *)sqlite3_value_text(argv[0]);
	if (!n && (!x || !*x)) {
		sqlite3_result_null(c);
		return;
	}
	if (!n && v->state == GN_VAULT_PLAIN) {
		sqlite3_result_text(c, x, -1, SQLITE_TRANSIENT);
		return;
	}
	if (!n && v->state != GN_VAULT_OPEN) {
		sqlite3_result_error(c, locked_message(), -1);
		return;
	}
	if (!n && !(n = seal_blob(v->keys, x, strlen(x), blob))) {
		sqlite3_result_error(c, _("a citizen ID number is too long to store"), -1);
		return;
	}
	blob_to_text(blob, n, text);
	sqlite3_result_text(c, text, -1, SQLITE_TRANSIENT);
}

static void sql_mask(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	char buf[PLAIN_MAX + 1], out[13];
	const char *plain = plain_arg(c, argv[0], buf);
	if (!plain)
		return;
	if (!*plain) {
		sqlite3_result_null(c);
		return;
	}
	gn_cccd_mask(plain, out);
	sqlite3_result_text(c, out, -1, SQLITE_TRANSIENT);
	sodium_memzero(buf, sizeof buf);
}

static void sql_locked(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	vault *v = sqlite3_user_data(c);
	sqlite3_result_int(c, v->state == GN_VAULT_LOCKED);
}

static gn_vault_state state_in_file(sqlite3 *db)
{
	char *sealed = gn_db_meta_get(db, "cccd_sealed");
	gn_vault_state s = sealed ? GN_VAULT_LOCKED : GN_VAULT_PLAIN;
	free(sealed);
	return s;
}

gn_status gn_vault_register(sqlite3 *db, gn_err *err)
{
	if (sodium_init() < 0)
		return gn_fail(err, GN_ERR_NOMEM, _("cannot start the encryption library"));
	vault *v = calloc(1, sizeof *v);
	if (!v)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	v->db = db;
	v->state = GN_VAULT_PLAIN; /* the schema may not be there yet */
	v->next = vaults;
	vaults = v;
	/* each gives the same for the same value (seal too: see seal_blob), so
	 * a query's gn_cccd_index(?2) is worked out once, not once a row */
	static const struct {
		const char *name;
		int argc;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
		int flags;
	} fns[] = {
		{ "gn_cccd_seal", 1, sql_seal, SQLITE_DETERMINISTIC },
		{ "gn_cccd_seal_text", 1, sql_seal_text, SQLITE_DETERMINISTIC },
		{ "gn_cccd_open", 1, sql_open, SQLITE_DETERMINISTIC },
		{ "gn_cccd_index", 1, sql_index, SQLITE_DETERMINISTIC },
		{ "gn_cccd_mask", 1, sql_mask, SQLITE_DETERMINISTIC },
		{ "gn_vault_locked", 0, sql_locked, 0 },
	};
	size_t n = sizeof fns / sizeof *fns;
	for (size_t i = 0; i < n; i++) {
		/* the last one owns the vault: freed when the connection closes */
		if (sqlite3_create_function_v2(db, fns[i].name, fns[i].argc, SQLITE_UTF8 | SQLITE_DIRECTONLY | fns[i].flags, v,
		                               fns[i].fn, NULL, NULL, i + 1 == n ? vault_destroy : NULL) != SQLITE_OK) {
			if (i + 1 < n || vault_of(db) == v)
				vault_destroy(v);
			return gn_db_fail(db, err, fns[i].name);
		}
	}
	return GN_OK;
}

gn_status gn_vault_reset(sqlite3 *db, gn_err *err)
{
	vault *v = vault_of(db);
	if (!v)
		return gn_fail(err, GN_ERR_DB, "%s", _("the database connection has no citizen ID functions"));
	drop_keys(v);
	v->state = state_in_file(db);
	return GN_OK;
}

gn_vault_state gn_vault_state_of(sqlite3 *db)
{
	vault *v = vault_of(db);
	return v ? v->state : GN_VAULT_PLAIN;
}

gn_status gn_vault_open(sqlite3 *db, const unsigned char key[GN_WARD_KEY_BYTES], gn_err *err)
{
	vault *v = vault_of(db);
	if (!v)
		return gn_fail(err, GN_ERR_DB, "%s", _("the database connection has no citizen ID functions"));
	drop_keys(v);
	if (!(v->keys = sodium_malloc(sizeof *v->keys)))
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	memcpy(v->keys->ward, key, GN_WARD_KEY_BYTES);
	crypto_kdf_derive_from_key(v->keys->enc, sizeof v->keys->enc, 1, "gonhaCCD", key);
	crypto_kdf_derive_from_key(v->keys->idx, sizeof v->keys->idx, 2, "gonhaCCD", key);
	randombytes_buf(v->keys->nonce, sizeof v->keys->nonce);
	v->keys->counter = 0;
	v->keys->last_n = 0; /* nothing opened yet (sodium_malloc does not clear) */
	v->state = GN_VAULT_OPEN;
	return GN_OK;
}

bool gn_vault_key(sqlite3 *db, unsigned char out[GN_WARD_KEY_BYTES])
{
	vault *v = vault_of(db);
	if (!v || v->state != GN_VAULT_OPEN)
		return false;
	memcpy(out, v->keys->ward, GN_WARD_KEY_BYTES);
	return true;
}

void gn_vault_lock(sqlite3 *db)
{
	vault *v = vault_of(db);
	if (v) {
		drop_keys(v);
		v->state = state_in_file(db);
	}
}

bool gn_vault_is_sealed_doc(const char *stored)
{
	return stored && strncmp(stored, DOC_PREFIX, PREFIX_LEN) == 0;
}

gn_status gn_vault_seal_doc(sqlite3 *db, const char *text, char **out, gn_err *err)
{
	vault *v = vault_of(db);
	*out = NULL;
	if (!text)
		return GN_OK;
	if (!v || v->state != GN_VAULT_OPEN) {
		*out = strdup(text);
		return *out ? GN_OK : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	size_t n = strlen(text), size = doc_text_size(n);
	unsigned char *bin = malloc(DOC_NPUB + n + DOC_TAG);
	if (bin && (*out = malloc(size))) {
		vault_keys *k = v->keys;
		k->counter++;
		memcpy(bin, k->nonce, DOC_NPUB);
		for (int i = 0; i < 8; i++)
			bin[DOC_NPUB - 8 + i] = (unsigned char)(k->counter >> (8 * i));
		unsigned long long clen = 0;
		crypto_aead_xchacha20poly1305_ietf_encrypt(bin + DOC_NPUB, &clen, (const unsigned char *)text, n,
		                                           (const unsigned char *)DOC_AD, sizeof DOC_AD - 1, NULL, bin, k->enc);
		memcpy(*out, DOC_PREFIX, PREFIX_LEN);
		sodium_bin2base64(*out + PREFIX_LEN, size - PREFIX_LEN, bin, DOC_NPUB + (size_t)clen,
		                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	}
	free(bin);
	return *out ? GN_OK : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
}

gn_status gn_vault_open_doc(sqlite3 *db, const char *stored, char **out, gn_err *err)
{
	vault *v = vault_of(db);
	*out = NULL;
	if (!stored)
		return GN_OK;
	if (!gn_vault_is_sealed_doc(stored)) {
		*out = strdup(stored);
		return *out ? GN_OK : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	if (!v || v->state != GN_VAULT_OPEN)
		return gn_fail(err, GN_ERR_DENIED, "%s", locked_message());
	size_t cap = strlen(stored), n = 0;
	unsigned char *bin = malloc(cap);
	char *text = bin ? malloc(cap + 1) : NULL;
	unsigned long long plen = 0;
	bool ok = text &&
	          sodium_base642bin(bin, cap, stored + PREFIX_LEN, cap - PREFIX_LEN, NULL, &n, NULL,
	                            sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
	          n >= DOC_NPUB + DOC_TAG &&
	          crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)text, &plen, NULL, bin + DOC_NPUB,
	                                                     n - DOC_NPUB, (const unsigned char *)DOC_AD,
	                                                     sizeof DOC_AD - 1, bin, v->keys->enc) == 0;
	free(bin);
	if (!ok) {
		free(text);
		return text ? gn_fail(err, GN_ERR_DB, "%s", damaged_message()) : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	text[plen] = '\0';
	*out = text;
	return GN_OK;
}
