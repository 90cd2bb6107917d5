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
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define PLAIN_MAX 32 /* a CCCD is 12 digits; a longer stored value is kept whole */
#define INDEX_BYTES 16
/* Bound to every ciphertext: a value sealed for another use does not open. */
#define SEAL_AD "gonha cccd 1"

typedef struct vault_keys {
	unsigned char enc[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned char idx[crypto_generichash_KEYBYTES];
	unsigned char ward[GN_WARD_KEY_BYTES];
	/* nonces: 16 random bytes per opening, then a counter: never repeats
	 * under one key, and no system call per row */
	unsigned char nonce[NONCE_BYTES];
	uint64_t counter;
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

/* What a stored value is: its prefix and the associated data its
 * ciphertext is bound to, so that one kind never opens as another. */
typedef struct sealed_kind {
	const char *prefix; /* PREFIX_LEN characters */
	const char *ad;
} sealed_kind;
static const sealed_kind kind_cccd = { SEALED_PREFIX, SEAL_AD };
static const sealed_kind kind_doc = { DOC_PREFIX, "gonha document 1" };

#define SEALED_BIN_MAX (NONCE_BYTES + PLAIN_MAX + TAG_BYTES)
#define SEALED_TEXT_MAX (PREFIX_LEN + sodium_base64_ENCODED_LEN(SEALED_BIN_MAX, sodium_base64_VARIANT_URLSAFE_NO_PADDING))

static size_t sealed_text_size(size_t n)
{
	return PREFIX_LEN + sodium_base64_ENCODED_LEN(NONCE_BYTES + n + TAG_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* out (sealed_text_size(n) bytes): prefix + base64url(nonce || ciphertext
 * || tag). bin: NONCE_BYTES + n + TAG_BYTES bytes of scratch. */
static void seal_into(vault_keys *k, const sealed_kind *kind, const char *plain, size_t n, unsigned char *bin,
                      char *out)
{
	k->counter++;
	memcpy(bin, k->nonce, NONCE_BYTES);
	for (int i = 0; i < 8; i++)
		bin[NONCE_BYTES - 8 + i] = (unsigned char)(k->counter >> (8 * i));
	unsigned long long clen = 0;
	crypto_aead_xchacha20poly1305_ietf_encrypt(bin + NONCE_BYTES, &clen, (const unsigned char *)plain, n,
	                                           (const unsigned char *)kind->ad, strlen(kind->ad), NULL, bin, k->enc);
	memcpy(out, kind->prefix, PREFIX_LEN);
	sodium_bin2base64(out + PREFIX_LEN, sealed_text_size(n) - PREFIX_LEN, bin, NONCE_BYTES + (size_t)clen,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* A number's stored form is deterministic: its nonce is the keyed BLAKE2b
 * of the number (under the index key), so the same number always gives
 * the same text. That is what lets the column itself be the blind index
 * (equality, uniqueness, exact search, person_cccd) in one short value; it
 * tells no more than a separate blind index would (which rows hold the
 * same number), and a nonce repeats only with its own plaintext. */
static bool seal(vault_keys *k, const char *plain, size_t n, char out[SEALED_TEXT_MAX])
{
	unsigned char bin[SEALED_BIN_MAX], nonce[NONCE_BYTES] = { 0 };
	if (n > PLAIN_MAX)
		return false;
	crypto_generichash(nonce, INDEX_BYTES, (const unsigned char *)plain, n, k->idx, sizeof k->idx);
	memcpy(bin, nonce, INDEX_BYTES);
	unsigned long long clen = 0;
	crypto_aead_xchacha20poly1305_ietf_encrypt(bin + INDEX_BYTES, &clen, (const unsigned char *)plain, n,
	                                           (const unsigned char *)kind_cccd.ad, strlen(kind_cccd.ad), NULL, nonce,
	                                           k->enc);
	memcpy(out, kind_cccd.prefix, PREFIX_LEN);
	sodium_bin2base64(out + PREFIX_LEN, SEALED_TEXT_MAX - PREFIX_LEN, bin, INDEX_BYTES + (size_t)clen,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return true;
}

/* Opens stored (of that kind) into out (room for cap bytes and a NUL);
 * false if it does not open under this key (another ward's, or damaged). */
static bool unseal_into(const vault_keys *k, const sealed_kind *kind, const char *stored, unsigned char *bin,
                        size_t bin_cap, char *out)
{
	size_t n = 0;
	if (sodium_base642bin(bin, bin_cap, stored + PREFIX_LEN, strlen(stored + PREFIX_LEN), NULL, &n, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n < NONCE_BYTES + TAG_BYTES)
		return false;
	unsigned long long plen = 0;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)out, &plen, NULL, bin + NONCE_BYTES,
	                                               n - NONCE_BYTES, (const unsigned char *)kind->ad,
	                                               strlen(kind->ad), bin, k->enc) != 0)
		return false;
	out[plen] = '\0';
	return true;
}

/* stored: prefix + base64url(nonce[16] || ciphertext || tag); the nonce is
 * taken whole again (zero-padded to 24), and must be the number's own. */
static bool unseal(const vault_keys *k, const char *stored, char out[PLAIN_MAX + 1])
{
	unsigned char bin[SEALED_BIN_MAX], nonce[NONCE_BYTES] = { 0 }, check[INDEX_BYTES];
	size_t n = 0;
	if (sodium_base642bin(bin, sizeof bin, stored + PREFIX_LEN, strlen(stored + PREFIX_LEN), NULL, &n, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n < INDEX_BYTES + TAG_BYTES)
		return false;
	memcpy(nonce, bin, INDEX_BYTES);
	unsigned long long plen = 0;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)out, &plen, NULL, bin + INDEX_BYTES,
	                                               n - INDEX_BYTES, (const unsigned char *)kind_cccd.ad,
	                                               strlen(kind_cccd.ad), nonce, k->enc) != 0)
		return false;
	out[plen] = '\0';
	crypto_generichash(check, sizeof check, (const unsigned char *)out, (size_t)plen, k->idx, sizeof k->idx);
	return sodium_memcmp(check, bin, INDEX_BYTES) == 0;
}

bool gn_vault_is_sealed(const char *stored)
{
	return stored && strncmp(stored, SEALED_PREFIX, PREFIX_LEN) == 0;
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

/* The plain number of argument 0 into buf (a stored form opened), or NULL
 * with the result set (NULL, or an error). */
static const char *plain_arg(sqlite3_context *c, sqlite3_value *arg, char buf[PLAIN_MAX + 1])
{
	vault *v = sqlite3_user_data(c);
	const char *x = (const char *)sqlite3_value_text(arg);
	if (!x) {
		sqlite3_result_null(c);
		return NULL;
	}
	if (!gn_vault_is_sealed(x))
		return x;
	if (v->state != GN_VAULT_OPEN) {
		sqlite3_result_null(c);
		return NULL;
	}
	if (!unseal(v->keys, x, buf)) {
		sqlite3_result_error(c, damaged_message(), -1);
		return NULL;
	}
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

static void sql_seal(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	vault *v = sqlite3_user_data(c);
	const char *x = (const char *)sqlite3_value_text(argv[0]);
	char out[SEALED_TEXT_MAX];
	if (!x || !*x) {
		sqlite3_result_null(c);
		return;
	}
	if (v->state == GN_VAULT_PLAIN || gn_vault_is_sealed(x)) {
		sqlite3_result_value(c, argv[0]);
		return;
	}
	if (v->state != GN_VAULT_OPEN) {
		sqlite3_result_error(c, locked_message(), -1);
		return;
	}
	if (!seal(v->keys, x, strlen(x), out)) {
		sqlite3_result_error(c, _("a citizen ID number is too long to store"), -1);
		return;
	}
	sqlite3_result_text(c, out, -1, SQLITE_TRANSIENT);
}

/* What a stored cccd equals if it holds x: seal without refusing (NULL
 * when LOCKED: a search by number finds nobody, it is not an error). */
static void sql_index(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	vault *v = sqlite3_user_data(c);
	const char *x = (const char *)sqlite3_value_text(argv[0]);
	char out[SEALED_TEXT_MAX];
	if (!x || !*x)
		sqlite3_result_null(c);
	else if (v->state == GN_VAULT_PLAIN || gn_vault_is_sealed(x))
		sqlite3_result_value(c, argv[0]);
	else if (v->state == GN_VAULT_LOCKED || !seal(v->keys, x, strlen(x), out))
		sqlite3_result_null(c);
	else
		sqlite3_result_text(c, out, -1, SQLITE_TRANSIENT);
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
	/* each gives the same for the same value (seal too: see seal()), so a
	 * query's gn_cccd_index(?2) is worked out once, not once a row */
	static const struct {
		const char *name;
		int argc;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
		int flags;
	} fns[] = {
		{ "gn_cccd_seal", 1, sql_seal, SQLITE_DETERMINISTIC },
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

gn_status gn_vault_seal_text(sqlite3 *db, const char *plain, char **out, gn_err *err)
{
	vault *v = vault_of(db);
	*out = NULL;
	if (!plain || !*plain)
		return GN_OK;
	char buf[SEALED_TEXT_MAX];
	if (!v || v->state == GN_VAULT_PLAIN || gn_vault_is_sealed(plain)) {
		*out = strdup(plain);
	} else if (v->state == GN_VAULT_LOCKED) {
		return gn_fail_field(err, GN_ERR_DENIED, "cccd", "%s", locked_message());
	} else {
		if (!seal(v->keys, plain, strlen(plain), buf))
			return gn_fail_field(err, GN_ERR_INVALID, "cccd", "%s", _("a citizen ID number is too long to store"));
		*out = strdup(buf);
	}
	return *out ? GN_OK : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
}

gn_status gn_vault_open_text(sqlite3 *db, const char *stored, char **out, gn_err *err)
{
	vault *v = vault_of(db);
	*out = NULL;
	if (!stored)
		return GN_OK;
	char buf[PLAIN_MAX + 1];
	if (!gn_vault_is_sealed(stored)) {
		*out = strdup(stored);
	} else if (!v || v->state != GN_VAULT_OPEN) {
		return GN_OK; /* not shown: the account has no key */
	} else {
		if (!unseal(v->keys, stored, buf))
			return gn_fail(err, GN_ERR_DB, "%s", damaged_message());
		*out = strdup(buf);
		sodium_memzero(buf, sizeof buf);
	}
	return *out ? GN_OK : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
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
	size_t n = strlen(text);
	unsigned char *bin = malloc(NONCE_BYTES + n + TAG_BYTES);
	*out = bin ? malloc(sealed_text_size(n)) : NULL;
	if (*out)
		seal_into(v->keys, &kind_doc, text, n, bin, *out);
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
	size_t cap = strlen(stored);
	unsigned char *bin = malloc(cap);
	char *text = bin ? malloc(cap + 1) : NULL;
	bool ok = text && unseal_into(v->keys, &kind_doc, stored, bin, cap, text);
	free(bin);
	if (!ok) {
		free(text);
		return text ? gn_fail(err, GN_ERR_DB, "%s", damaged_message()) : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	*out = text;
	return GN_OK;
}
