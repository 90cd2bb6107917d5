/* Vietnamese text on libunistring: validation (u8_check), normalisation
 * (u8_normalize), case mapping (u8_tolower), general categories (marks), and
 * wcwidth for terminal columns. */
#include "gonha/text.h"
#include "gonha/i18n.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>
#include <wchar.h>

bool gn_text_valid_utf8(const char *s, size_t len)
{
	return u8_check((const uint8_t *)s, len) == NULL;
}

/* Normalises s[0..len) to `form`; *out is a NUL-terminated malloc'd copy. */
static gn_status normalize(uninorm_t form, const uint8_t *s, size_t len, char **out)
{
	size_t n = 0;
	uint8_t *r = u8_normalize(form, s, len, NULL, &n);
	if (!r && len > 0)
		return GN_ERR_NOMEM;
	char *z = malloc(n + 1);
	if (!z) {
		free(r);
		return GN_ERR_NOMEM;
	}
	if (n)
		memcpy(z, r, n);
	z[n] = '\0';
	free(r);
	*out = z;
	return GN_OK;
}

gn_status gn_text_nfc(const char *in, char **out)
{
	*out = NULL;
	return normalize(UNINORM_NFC, (const uint8_t *)in, strlen(in), out);
}

/* Length of a terminal escape sequence starting at s[0] == ESC (whole
 * sequence, so no fragment of it survives), bounded by end. */
static size_t escape_length(const uint8_t *s, const uint8_t *end)
{
	const uint8_t *p = s + 1;
	if (p >= end)
		return 1;
	if (*p == '[') { /* CSI: parameters and intermediates, then a final byte 0x40-0x7e */
		for (p++; p < end; p++)
			if (*p >= 0x40 && *p <= 0x7e)
				return (size_t)(p - s) + 1;
		return (size_t)(end - s);
	}
	if (*p == ']' || *p == 'P' || *p == '_' || *p == '^' || *p == 'X') {
		/* OSC, DCS, APC, PM, SOS: up to BEL or ESC \ */
		for (p++; p < end; p++) {
			if (*p == 0x07)
				return (size_t)(p - s) + 1;
			if (*p == 0x1b && p + 1 < end && p[1] == '\\')
				return (size_t)(p - s) + 2;
		}
		return (size_t)(end - s);
	}
	/* ESC followed by intermediates (0x20-0x2f) and one final byte. */
	while (p < end && *p >= 0x20 && *p <= 0x2f)
		p++;
	return p < end ? (size_t)(p - s) + 1 : (size_t)(end - s);
}

gn_status gn_text_clean(const char *in, size_t len, int flags, char **out, gn_err *err)
{
	const uint8_t *s = (const uint8_t *)in, *end = s + len;
	const uint8_t *bad = u8_check(s, len);
	*out = NULL;
	if (bad)
		return gn_fail(err, GN_ERR_INVALID, _("the text is not valid UTF-8 (byte %zu); save the file as UTF-8"),
		               (size_t)(bad - s) + 1);
	uint8_t *buf = malloc(len + 1);
	if (!buf)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	size_t n = 0;
	bool keep_spaces = flags & GN_TEXT_KEEP_SPACES;
	while (s < end) {
		ucs4_t c;
		int k = u8_mbtouc(&c, s, (size_t)(end - s));
		if (c == 0x1b) {
			s += escape_length(s, end);
			continue;
		}
		if (c == '\n' && (flags & GN_TEXT_MULTILINE)) {
			/* No trailing spaces before a line break. */
			while (!keep_spaces && n > 0 && buf[n - 1] == ' ')
				n--;
			buf[n++] = '\n';
		} else if (c == '\n' || c == '\t' || c == '\r' || c == 0x0b || c == 0x0c ||
		           c == 0x85 || c == 0x2028 || c == 0x2029) {
			if (c == '\r' && (flags & GN_TEXT_MULTILINE) && s + 1 < end && s[1] == '\n') {
				s += k;
				continue; /* CRLF -> LF */
			}
			if (keep_spaces || (n > 0 && buf[n - 1] != ' ' && buf[n - 1] != '\n'))
				buf[n++] = ' ';
		} else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
			/* C0, DEL, C1 controls: dropped. */
		} else if (c == ' ' && !keep_spaces && (n == 0 || buf[n - 1] == ' ' || buf[n - 1] == '\n')) {
			/* leading or repeated space */
		} else {
			memcpy(buf + n, s, (size_t)k);
			n += (size_t)k;
		}
		s += k;
	}
	while (!keep_spaces && n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\n'))
		n--;
	gn_status st = normalize(UNINORM_NFC, buf, n, out);
	free(buf);
	if (st != GN_OK)
		return gn_fail(err, st, _("out of memory"));
	return GN_OK;
}

gn_status gn_text_fold(const char *in, char **out)
{
	const uint8_t *s = (const uint8_t *)in;
	size_t len = strlen(in), dn = 0;
	*out = NULL;
	/* NFD separates the marks; lower case in the same pass. */
	uint8_t *d = u8_tolower(s, len, NULL, UNINORM_NFD, NULL, &dn);
	if (!d && len > 0)
		return GN_ERR_NOMEM;
	char *o = malloc(dn + 1);
	if (!o) {
		free(d);
		return GN_ERR_NOMEM;
	}
	size_t n = 0;
	const uint8_t *p = d, *end = d + dn;
	while (p < end) {
		ucs4_t c;
		int k = u8_mbtouc(&c, p, (size_t)(end - p));
		if (c == 0xfffd && k == 1 && *p >= 0x80) {
			/* invalid byte: dropped */
		} else if (uc_is_general_category(c, UC_CATEGORY_M)) {
			/* tone and vowel marks: dropped */
		} else if (c == 0x0111 || c == 0x0110) {
			o[n++] = 'd';
		} else if (uc_is_space(c) || c < 0x20 || c == 0x7f) {
			if (n > 0 && o[n - 1] != ' ')
				o[n++] = ' ';
		} else {
			memcpy(o + n, p, (size_t)k);
			n += (size_t)k;
		}
		p += k;
	}
	while (n > 0 && o[n - 1] == ' ')
		n--;
	o[n] = '\0';
	free(d);
	*out = o;
	return GN_OK;
}

/* Columns of one character as drawn: controls and invalid bytes become
 * U+FFFD (1 column); unknown widths count 1. */
static int char_width(ucs4_t c)
{
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
		return 1;
	int w = wcwidth((wchar_t)c);
	return w < 0 ? 1 : w;
}

int gn_text_width(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	const uint8_t *end = p + strlen(s);
	int cols = 0;
	while (p < end) {
		ucs4_t c;
		int k = u8_mbtouc(&c, p, (size_t)(end - p));
		cols += char_width(c);
		p += k;
	}
	return cols;
}

size_t gn_text_fit(const char *s, int cols)
{
	const uint8_t *p = (const uint8_t *)s, *start = p;
	const uint8_t *end = p + strlen(s);
	int used = 0;
	while (p < end) {
		ucs4_t c;
		int k = u8_mbtouc(&c, p, (size_t)(end - p));
		int w = char_width(c);
		if (used + w > cols)
			break;
		used += w;
		p += k;
		/* Combining marks (width 0) stay with their base character. */
		while (p < end) {
			ucs4_t m;
			int km = u8_mbtouc(&m, p, (size_t)(end - p));
			if (m < 0x300 || char_width(m) != 0)
				break;
			p += km;
		}
	}
	return (size_t)(p - start);
}

static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *t = (const char *)sqlite3_value_text(argv[0]);
	if (!t) {
		sqlite3_result_null(ctx);
		return;
	}
	char *folded = NULL;
	if (gn_text_fold(t, &folded) != GN_OK) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_text(ctx, folded, -1, free);
}

gn_status gn_text_register_sqlite(sqlite3 *db)
{
	if (sqlite3_create_function(db, "gn_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	                            NULL, sql_fold, NULL, NULL) != SQLITE_OK)
		return GN_ERR_DB;
	return GN_OK;
}
