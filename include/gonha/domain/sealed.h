/* Sealed copies: a file that leaves the PC (a backup on a USB stick)
 * encrypted under a passphrase, with libsodium only: the key from the
 * passphrase by Argon2id (crypto_pwhash, its salt and limits in the
 * header), the content in crypto_secretstream_xchacha20poly1305 chunks.
 * The header names the ward in clear so that a copy made for another ward
 * is refused in one line before any passphrase is asked; it is
 * authenticated with the first chunk, so changing it breaks the file.
 *
 *   "GONHA-SEALED 1\n"  ward_id_len (1 byte)  ward_id  salt (16)
 *   opslimit (8, LE)  memlimit (8, LE)  secretstream header (24)
 *   chunks: length (4, LE) + ciphertext; the last one tagged FINAL
 *
 * A wrong passphrase, a cut or a changed byte fails the chunk's tag:
 * nothing is written where the plain content was to go. */
#ifndef GONHA_DOMAIN_SEALED_H
#define GONHA_DOMAIN_SEALED_H

#include <stdbool.h>
#include <stddef.h>

#include "gonha/core/status.h"

/* Whether path begins as a sealed copy does. */
bool gn_sealed_is(const char *path);

/* The ward a sealed copy was made for (out, size bytes; "" if none). */
gn_status gn_sealed_ward(const char *path, char *out, size_t size, gn_err *err);

/* Seals the file plain_path into sealed_path (mode 0600, whole or not at
 * all; must not exist) under passphrase, naming ward_id in the header. */
gn_status gn_seal_file(const char *plain_path, const char *sealed_path, const char *passphrase,
                       const char *ward_id, gn_err *err);

/* Opens a sealed copy into plain_path (a private .part the caller made
 * room for: mode 0600, removed again on any failure). */
gn_status gn_unseal_file(const char *sealed_path, const char *plain_path, const char *passphrase, gn_err *err);

#endif
