/* The citizen ID (CCCD) column, encrypted (issue 14, docs/privacy.md).
 *
 * person.cccd holds a BLOB: a form byte, a nonce and the ChaCha20-Poly1305
 * ciphertext of the number under the ward key, the nonce being the keyed
 * BLAKE2b of the number: the same number, the same bytes, so the column is
 * its own blind index (uniqueness, exact search);
 * cccd_masked the form lists show ("019******123"). A JSON document holds
 * the same as text: "c1." + base64url. Every connection has the functions
 *
 *   gn_cccd_seal(x)    the stored form of the number x (the BLOB of x if x
 *                      is sealed already, in either form)
 *   gn_cccd_seal_text(x)  the text form, for JSON
 *   gn_cccd_open(x)    the number from its stored form
 *   gn_cccd_index(x)   what cccd equals when it holds x (seal, or NULL
 *                      when LOCKED: for searches)
 *   gn_cccd_mask(x)    the masked form of x (plain or stored)
 *   gn_vault_locked()  1 when the ward encrypts and this connection has no key
 *
 * and a vault in one of three states:
 *   PLAIN   the ward was made before encryption and not migrated yet: the
 *           functions give the number as it is;
 *   LOCKED  the ward encrypts but the signed-in account has no key yet (its
 *           key waits for a ward officer): open and index give NULL, seal
 *           refuses, so a save keeps what is stored (GN_SQL_CCCD_SET);
 *   OPEN    the ward key is here: everything works.
 *
 * The key is kept in sodium_malloc'd memory, wiped when the connection
 * closes or the vault is locked again. */
#ifndef GONHA_STORAGE_VAULT_H
#define GONHA_STORAGE_VAULT_H

#include <sqlite3.h>
#include "gonha/storage/vault.h"
#include <stdbool.h>

#include "gonha/core/status.h"

#define GN_WARD_KEY_BYTES 32

typedef enum gn_vault_state {
	GN_VAULT_PLAIN = 0,
	GN_VAULT_LOCKED,
	GN_VAULT_OPEN,
} gn_vault_state;

/* Registers the functions on a connection, in state PLAIN if the ward
 * does not encrypt yet (meta cccd_sealed absent) else LOCKED. */
gn_status gn_vault_register(sqlite3 *db, gn_err *err);
/* PLAIN or LOCKED again from what the file says (after a restore, say). */
gn_status gn_vault_reset(sqlite3 *db, gn_err *err);

gn_vault_state gn_vault_state_of(sqlite3 *db);
/* Gives the connection the ward key (state OPEN). */
gn_status gn_vault_open(sqlite3 *db, const unsigned char key[GN_WARD_KEY_BYTES], gn_err *err);
/* The ward key of an OPEN vault (to wrap it for an account), or false. */
bool gn_vault_key(sqlite3 *db, unsigned char out[GN_WARD_KEY_BYTES]);
/* Forgets the key (state LOCKED, or PLAIN if the ward does not encrypt). */
void gn_vault_lock(sqlite3 *db);

bool gn_vault_is_sealed(const char *stored); /* the text form: begins "c1." */

/* A whole document that holds personal data (a draft: names, CCCDs),
 * sealed as "d1." + base64url under the ward key when the vault is OPEN,
 * else kept as it is. Opening a sealed one without the key: GN_ERR_DENIED. */
gn_status gn_vault_seal_doc(sqlite3 *db, const char *text, char **out, gn_err *err);
gn_status gn_vault_open_doc(sqlite3 *db, const char *stored, char **out, gn_err *err);
bool gn_vault_is_sealed_doc(const char *stored);

/* The one way SQL writes a CCCD from parameter P (an SQL expression of the
 * plain number, or NULL): an UPDATE's SET of the two columns, keeping what
 * is stored when a LOCKED account could not see it (P NULL); and an
 * INSERT's two values. */
#define GN_SQL_CCCD_SET(P)                                                                              \
	"cccd = CASE WHEN gn_vault_locked() AND (" P ") IS NULL THEN cccd ELSE gn_cccd_seal(" P ") END, "      \
	"cccd_masked = CASE WHEN gn_vault_locked() AND (" P ") IS NULL THEN cccd_masked ELSE gn_cccd_mask(" P ") END"
#define GN_SQL_CCCD_COLUMNS "cccd, cccd_masked"
#define GN_SQL_CCCD_VALUES(P) "gn_cccd_seal(" P "), gn_cccd_mask(" P ")"
/* A JSON document P (a kept conflict's side) with its "cccd" member
 * sealed, and opened again. */
#define GN_SQL_DOC_CCCD_SEAL(P) \
	"CASE WHEN json_type(" P ", '$.cccd') = 'text' THEN json_set(" P ", '$.cccd', " \
	"gn_cccd_seal_text(json_extract(" P ", '$.cccd'))) ELSE " P " END"
#define GN_SQL_DOC_CCCD_OPEN(P) \
	"CASE WHEN json_type(" P ", '$.cccd') = 'text' THEN json_set(" P ", '$.cccd', " \
	"gn_cccd_open(json_extract(" P ", '$.cccd'))) ELSE " P " END"
/* Whether a stored row's CCCD differs from P. */
#define GN_SQL_CCCD_DIFFERS(P) "cccd IS NOT gn_cccd_index(" P ")"

#endif
