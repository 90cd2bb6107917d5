/* Vietnamese text: NFC storage, folded search keys, display width, and
 * keeping control characters out. Built on libunistring (normalisation,
 * case mapping) and wcwidth; no hand-made Unicode tables. */
#ifndef GONHA_TEXT_H
#define GONHA_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "gonha/core/status.h"

typedef struct sqlite3 sqlite3;

enum {
	GN_TEXT_MULTILINE = 1 << 0, /* keep '\n' (notes); otherwise newlines and tabs become spaces */
	GN_TEXT_KEEP_SPACES = 1 << 1, /* do not trim or collapse runs of spaces */
};

/* True if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool gn_text_valid_utf8(const char *s, size_t len);

/* Cleans user or file text for storage: must be valid UTF-8 (else
 * GN_ERR_INVALID with a Vietnamese message), returned in NFC, with C0/C1
 * control characters, DEL and whole terminal escape sequences (ESC [ ... ,
 * ESC ] ... BEL/ST, ...) removed, leading/trailing white space trimmed and
 * inner runs collapsed to one space. *out is malloc'd; caller frees. */
gn_status gn_text_clean(const char *in, size_t len, int flags, char **out, gn_err *err);
/* True when gn_text_clean would give in[0..len) back as it is (printable
 * ASCII with nothing to trim or collapse: most cells of a census), so that
 * a caller may use it without a copy. */
bool gn_text_is_clean(const char *in, size_t len, int flags);

/* The search key of a name or address: lower case, no diacritics, đ/Đ -> d,
 * white space collapsed. "Nguyễn Văn Á" (NFC or NFD) -> "nguyen van a".
 * Input must be valid UTF-8 (invalid bytes are dropped). *out malloc'd. */
gn_status gn_text_fold(const char *in, char **out);

/* Text from outside (a file, an argument, the database) made safe to
 * show on a terminal, by the same cleaning as stored text: invalid UTF-8
 * as U+FFFD, control characters and escape sequences removed; line breaks,
 * tabs and spaces kept. Writes at most size bytes, never cutting a
 * character; never fails (out of memory: ""). Every message gonha prints
 * goes through it (gn_cli_print). */
void gn_text_safe(const char *in, char *out, size_t size);

/* NFC of valid UTF-8, nothing else changed. *out malloc'd. */
gn_status gn_text_nfc(const char *in, char **out);

/* The key two keyings of one value are compared by (the verification
 * pass, verify.h): the same letters in NFD, white space trimmed and runs
 * collapsed, and each word's tone mark moved after its last letter, so the
 * old and the new tone placement ("Thuỷ"/"Thủy", "Hoà"/"Hòa"), NFC or NFD
 * input and extra spaces compare equal; case, letters and tones still
 * count. GN_ERR_INVALID for invalid UTF-8. *out malloc'd. */
gn_status gn_text_compare_key(const char *in, char **out);
/* The two values have the same compare key (NULL counts as ""). */
bool gn_text_same_keyed(const char *a, const char *b);

/* Columns the text takes on a terminal (wcwidth per character, combining
 * marks 0, CJK 2; invalid bytes and control characters count as 1, as the
 * U+FFFD they are drawn as). */
int gn_text_width(const char *s);

/* The number of bytes of s that fit in `cols` columns without splitting a
 * character (or a character from its combining marks). */
size_t gn_text_fit(const char *s, int cols);

/* Text wrapped at spaces to lines of at most cols display columns (a word
 * longer than a line is cut there): the byte length of the line s starts
 * (trailing spaces left out), and in *next where the one after starts.
 * The screens (ui_wrap_line) and the command line's help use it. */
size_t gn_text_wrap_line(const char *s, int cols, size_t *next);

/* Registers SQL functions on a connection: gn_fold(text) -> folded key. */
gn_status gn_text_register_sqlite(sqlite3 *db);

#endif
