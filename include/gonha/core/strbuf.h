/* A growing string: for building JSON, SQL and screen lines without
 * fixed-size buffers. On allocation failure it sets `failed` and keeps
 * what it had, so callers check once at the end. */
#ifndef GONHA_STRBUF_H
#define GONHA_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct gn_strbuf {
	char *s;      /* owned; always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
	bool failed;
} gn_strbuf;

void gn_sb_add(gn_strbuf *b, const char *s);
void gn_sb_addn(gn_strbuf *b, const char *s, size_t n);
void gn_sb_printf(gn_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gn_sb_vprintf(gn_strbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* A formatted string, malloc'd (NULL when out of memory). */
char *gn_dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Adds s as a JSON string literal, quotes included; NULL adds null. */
void gn_sb_json_str(gn_strbuf *b, const char *s);
/* Returns the string (caller frees) or NULL if anything failed; resets b. */
char *gn_sb_take(gn_strbuf *b);
void gn_sb_free(gn_strbuf *b);
const char *gn_sb_str(const gn_strbuf *b); /* "" when empty */

#endif
