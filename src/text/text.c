/* Vietnamese text: validation, cleaning, NFC, folded search keys and display
 * width. Unicode knowledge comes from libunistring and wcwidth only. */
#include "gonha/text/text.h"
#include "gonha/core/i18n.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#define ESC 0x1B
#define BEL 0x07
#define DEL 0x7F
#define KEEP_TABS (1 << 8) /* internal to gn_text_safe: listings keep their columns */

bool gn_text_valid_utf8(const char *s, size_t len)
{
	if (!s)
		return len == 0;
	/* u8_check follows RFC 3629: overlongs, surrogates and code points
	 * above U+10FFFF are all rejected. */
	return u8_check((const uint8_t *)s, len) == NULL;
}

/* ---- growing byte buffer ---------------------------------------------- */

typedef struct text_buf {
	uint8_t *bytes;
	size_t len, cap;
} text_buf;

static bool buf_reserve(text_buf *b, size_t extra)
{
	if (b->len + extra <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra)
		cap *= 2;
	uint8_t *grown = realloc(b->bytes, cap);
	if (!grown)
		return false;
	b->bytes = grown;
	b->cap = cap;
	return true;
}

static bool buf_put_bytes(text_buf *b, const uint8_t *p, size_t n)
{
	if (!buf_reserve(b, n))
		return false;
	memcpy(b->bytes + b->len, p, n);
	b->len += n;
	return true;
}

static bool buf_put_byte(text_buf *b, uint8_t c)
{
	return buf_put_bytes(b, &c, 1);
}

/* NFC (or NFD) of s[0..n) as a NUL-terminated malloc'd string. */
static gn_status normalize_to_cstr(uninorm_t form, const uint8_t *s, size_t n, char **out)
{
	size_t norm_len = 0;
	uint8_t *norm = u8_normalize(form, s, n, NULL, &norm_len);
	if (!norm)
		return errno == ENOMEM ? GN_ERR_NOMEM : GN_ERR_INVALID;
	/* u8_normalize does not terminate its result. */
	char *str = realloc(norm, norm_len + 1);
	if (!str) {
		free(norm);
		return GN_ERR_NOMEM;
	}
	str[norm_len] = '\0';
	*out = str;
	return GN_OK;
}

/* ---- cleaning ----------------------------------------------------------- */

/* Skips the body of a CSI sequence (after ESC [ or U+009B): parameter and
 * intermediate bytes, then one final byte. A byte that cannot be part of the
 * sequence ends it without being swallowed, so text after a broken sequence
 * survives. Returns the index after the sequence. */
static size_t skip_csi(const uint8_t *s, size_t i, size_t len)
{
	while (i < len && s[i] >= 0x20 && s[i] <= 0x3F)
		i++;
	if (i < len && s[i] >= 0x40 && s[i] <= 0x7E)
		i++;
	return i;
}

/* Skips the body of a control string (OSC, DCS, SOS, PM, APC) up to and
 * including its terminator: BEL, ESC \ or the C1 ST (U+009C). Unterminated
 * strings run to the end, as a terminal would swallow them. */
static size_t skip_control_string(const uint8_t *s, size_t i, size_t len)
{
	while (i < len) {
		if (s[i] == BEL)
			return i + 1;
		if (s[i] == ESC)
			return (i + 1 < len && s[i + 1] == '\\') ? i + 2 : i + 1;
		if (s[i] == 0xC2 && i + 1 < len && s[i + 1] == 0x9C)
			return i + 2;
		i++;
	}
	return i;
}

/* Skips a whole escape sequence starting at ESC (s[i] == ESC). */
static size_t skip_escape(const uint8_t *s, size_t i, size_t len)
{
	i++; /* ESC */
	if (i >= len)
		return i;
	switch (s[i]) {
	case '[':
		return skip_csi(s, i + 1, len);
	case ']': case 'P': case 'X': case '^': case '_':
		return skip_control_string(s, i + 1, len);
	default:
		break;
	}
	/* nF sequences (ESC ( B and friends): intermediates, then a final. */
	while (i < len && s[i] >= 0x20 && s[i] <= 0x2F)
		i++;
	if (i < len && s[i] >= 0x30 && s[i] <= 0x7E)
		i++;
	return i;
}

/* First pass of gn_text_clean: drops controls and escape sequences, maps
 * tabs, newlines and (unless spaces are kept) other white space. */
static bool strip_controls(const uint8_t *s, size_t len, int flags, text_buf *b)
{
	bool multiline = flags & GN_TEXT_MULTILINE;
	bool keep_spaces = flags & GN_TEXT_KEEP_SPACES;
	size_t i = 0;
	while (i < len) {
		uint8_t c = s[i];
		if (c == ESC) {
			i = skip_escape(s, i, len);
			continue;
		}
		if (c == '\r' || c == '\n') {
			/* CRLF and lone CR (old Mac files) are one line break. */
			i += (c == '\r' && i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
			if (!buf_put_byte(b, multiline ? '\n' : ' '))
				return false;
			continue;
		}
		if (c == '\t') {
			i++;
			if (!buf_put_byte(b, (flags & KEEP_TABS) ? '\t' : ' '))
				return false;
			continue;
		}
		if (c < 0x20 || c == DEL) {
			i++;
			continue;
		}
		if (c < 0x80) {
			/* printable ASCII, most of a census: the whole run at once */
			size_t run = i + 1;
			while (run < len && s[run] >= 0x20 && s[run] < DEL)
				run++;
			if (!buf_put_bytes(b, s + i, run - i))
				return false;
			i = run;
			continue;
		}
		ucs4_t uc;
		int n = u8_mbtouc(&uc, s + i, len - i); /* input already checked */
		if (uc >= 0x80 && uc <= 0x9F) {
			/* C1 controls; CSI and the string introducers carry a body. */
			if (uc == 0x9B)
				i = skip_csi(s, i + n, len);
			else if (uc == 0x9D || uc == 0x90 || uc == 0x98 || uc == 0x9E || uc == 0x9F)
				i = skip_control_string(s, i + n, len);
			else
				i += n;
			continue;
		}
		if (uc == 0x2028 || uc == 0x2029) {
			i += n;
			if (!buf_put_byte(b, multiline ? '\n' : ' '))
				return false;
			continue;
		}
		/* No-break and other Unicode spaces pasted from word processors
		 * would otherwise make two equal names differ. */
		if (!keep_spaces && uc_is_property_white_space(uc)) {
			i += n;
			if (!buf_put_byte(b, ' '))
				return false;
			continue;
		}
		if (!buf_put_bytes(b, s + i, n))
			return false;
		i += n;
	}
	return true;
}

/* Second pass: trims the text, collapses runs of spaces to one and drops
 * spaces next to line breaks. Works in place: the result is never longer. */
static void collapse_spaces(text_buf *b)
{
	size_t w = 0;
	bool pending_space = false;
	for (size_t r = 0; r < b->len; r++) {
		uint8_t c = b->bytes[r];
		if (c == ' ') {
			pending_space = true;
			continue;
		}
		if (c == '\n') {
			pending_space = false;
			b->bytes[w++] = c;
			continue;
		}
		if (pending_space && w > 0 && b->bytes[w - 1] != '\n')
			b->bytes[w++] = ' ';
		pending_space = false;
		b->bytes[w++] = c;
	}
	/* Leading and trailing line breaks are white space too. */
	while (w > 0 && b->bytes[w - 1] == '\n')
		w--;
	size_t lead = 0;
	while (lead < w && b->bytes[lead] == '\n')
		lead++;
	memmove(b->bytes, b->bytes + lead, w - lead);
	b->len = w - lead;
}

/* True when the text is NFC for certain without asking libunistring: every
 * character is below U+0300 (ASCII, Latin-1, Latin Extended-A/B, spacing
 * modifiers) or in Latin Extended Additional U+1E00..U+1EFF (Vietnamese
 * letters with two marks). None of them decomposes to something NFC keeps
 * apart or combines with what comes before, so the text is its own NFC;
 * that is every name and address typed in Vietnamese with a precomposed
 * keyboard, and it spares the normalizer millions of calls on an import. */
static bool already_nfc(const uint8_t *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		ucs4_t uc;
		int n = u8_mbtouc(&uc, s + i, len - i);
		if (!(uc < 0x300 || (uc >= 0x1E00 && uc <= 0x1EFF)))
			return false;
		i += (size_t)n;
	}
	return true;
}

/* True when cleaning would hand back the text as it is: printable ASCII
 * only (NFC, no controls, nothing to map) and, unless spaces are kept, no
 * space at either end and none beside another (nothing to collapse). */
static bool plain_ascii(const uint8_t *s, size_t len, int flags)
{
	bool keep_spaces = flags & GN_TEXT_KEEP_SPACES;
	if (!keep_spaces && (s[0] == ' ' || s[len - 1] == ' '))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] >= DEL)
			return false;
		if (s[i] == ' ' && !keep_spaces && s[i + 1] == ' ') /* s[len - 1] is no space */
			return false;
	}
	return true;
}

bool gn_text_is_clean(const char *in, size_t len, int flags)
{
	return in && len > 0 && plain_ascii((const uint8_t *)in, len, flags);
}

gn_status gn_text_clean(const char *in, size_t len, int flags, char **out, gn_err *err)
{
	*out = NULL;
	if (!in)
		len = 0;
	if (len == 0) { /* an empty cell, the most common kind */
		*out = strdup("");
		return *out ? GN_OK : gn_fail(err, GN_ERR_NOMEM, "%s", gn_status_str(GN_ERR_NOMEM));
	}
	const uint8_t *s = (const uint8_t *)in;
	if (plain_ascii(s, len, flags)) { /* most cells of a census: nothing to clean */
		*out = malloc(len + 1);
		if (!*out)
			return gn_fail(err, GN_ERR_NOMEM, "%s", gn_status_str(GN_ERR_NOMEM));
		memcpy(*out, s, len);
		(*out)[len] = '\0';
		return GN_OK;
	}
	const uint8_t *bad = u8_check(s, len);
	if (bad)
		/* 1-based, as a person counts. */
		return gn_fail(err, GN_ERR_INVALID, _("the text is not valid UTF-8 (byte %zu)"),
		               (size_t)(bad - s) + 1);

	text_buf b = {0};
	if (!buf_reserve(&b, len + 1) || !strip_controls(s, len, flags, &b)) {
		free(b.bytes);
		return gn_fail(err, GN_ERR_NOMEM, "%s", gn_status_str(GN_ERR_NOMEM));
	}
	if (!(flags & GN_TEXT_KEEP_SPACES))
		collapse_spaces(&b);

	gn_status st;
	if (b.len == 0) {
		/* u8_normalize of nothing may return NULL; keep it simple. */
		char *empty = malloc(1);
		st = empty ? GN_OK : GN_ERR_NOMEM;
		if (empty) {
			empty[0] = '\0';
			*out = empty;
		}
	} else if (already_nfc(b.bytes, b.len) && buf_put_byte(&b, '\0')) {
		*out = (char *)b.bytes; /* handed over */
		b.bytes = NULL;
		st = GN_OK;
	} else {
		st = normalize_to_cstr(UNINORM_NFC, b.bytes, b.len, out);
	}
	free(b.bytes);
	if (st != GN_OK)
		return gn_fail(err, st, "%s", gn_status_str(st));
	return GN_OK;
}

void gn_text_safe(const char *in, char *out, size_t size)
{
	if (!size)
		return;
	out[0] = '\0';
	if (!in)
		return;
	/* invalid bytes become U+FFFD, as a terminal would draw them */
	size_t len = strlen(in);
	text_buf valid = { 0 }, clean = { 0 };
	const uint8_t *s = (const uint8_t *)in;
	bool ok = buf_reserve(&valid, len + 1);
	for (size_t i = 0; ok && i < len;) {
		ucs4_t uc;
		int n = u8_mbtouc(&uc, s + i, len - i);
		if (uc == 0xFFFD && !(n == 3 && s[i] == 0xEF && s[i + 1] == 0xBF && s[i + 2] == 0xBD))
			ok = buf_put_bytes(&valid, (const uint8_t *)"\xef\xbf\xbd", 3);
		else
			ok = buf_put_bytes(&valid, s + i, (size_t)n);
		i += (size_t)(n > 0 ? n : 1);
	}
	/* then the cleaning every stored text gets: no control characters, no
	 * escape sequences; line breaks, tabs and spaces as they were */
	ok = ok && buf_reserve(&clean, valid.len + 1) &&
	     strip_controls(valid.bytes, valid.len, GN_TEXT_MULTILINE | GN_TEXT_KEEP_SPACES | KEEP_TABS, &clean);
	if (ok) {
		size_t n = clean.len < size - 1 ? clean.len : size - 1;
		/* never cut a character in two */
		while (n > 0 && n < clean.len && (clean.bytes[n] & 0xC0) == 0x80)
			n--;
		memcpy(out, clean.bytes, n);
		out[n] = '\0';
	}
	free(valid.bytes);
	free(clean.bytes);
}

gn_status gn_text_nfc(const char *in, char **out)
{
	*out = NULL;
	if (!in)
		return GN_ERR_INVALID;
	size_t len = strlen(in);
	if (!gn_text_valid_utf8(in, len))
		return GN_ERR_INVALID;
	if (len == 0 || already_nfc((const uint8_t *)in, len)) { /* as it stands: the normalizer would copy it */
		*out = strdup(in);
		return *out ? GN_OK : GN_ERR_NOMEM;
	}
	return normalize_to_cstr(UNINORM_NFC, (const uint8_t *)in, len, out);
}

/* ---- folding ------------------------------------------------------------ */

/* Appends one character of a folded key: white space and controls become a
 * single separating space (leading ones dropped). */
static bool fold_put(text_buf *b, ucs4_t uc, const uint8_t *bytes, size_t n, bool *pending_space)
{
	if (uc < 0x20 || uc == DEL || (uc >= 0x80 && uc <= 0x9F) || uc_is_property_white_space(uc)) {
		*pending_space = b->len > 0;
		return true;
	}
	if (*pending_space) {
		*pending_space = false;
		if (!buf_put_byte(b, ' '))
			return false;
	}
	return buf_put_bytes(b, bytes, n);
}

/* ASCII needs no Unicode tables: lower case and collapse white space. */
static bool fold_ascii(const uint8_t *s, size_t len, text_buf *b)
{
	bool pending_space = false;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		if (!fold_put(b, c, &c, 1, &pending_space))
			return false;
	}
	return true;
}

/* Lower case in NFD, then every mark dropped and đ -> d. Case mapping comes
 * first so that marks it introduces (İ -> i + U+0307) are dropped too. */
static gn_status fold_unicode(const uint8_t *s, size_t len, text_buf *b)
{
	size_t lower_len = 0;
	uint8_t *lower = u8_tolower(s, len, NULL, UNINORM_NFD, NULL, &lower_len);
	if (!lower)
		return errno == ENOMEM ? GN_ERR_NOMEM : GN_ERR_INVALID;
	gn_status st = GN_OK;
	bool pending_space = false;
	bool non_ascii_left = false;
	for (size_t i = 0; i < lower_len && st == GN_OK;) {
		ucs4_t uc;
		int n = u8_mbtouc(&uc, lower + i, lower_len - i);
		const uint8_t *bytes = lower + i;
		i += n;
		if (uc_is_general_category(uc, UC_CATEGORY_M))
			continue;
		if (uc == 0x0111 || uc == 0x0110) { /* đ Đ: a letter of its own, not d + mark */
			uc = 'd';
			bytes = (const uint8_t *)"d";
			n = 1;
		}
		if (uc >= 0x80)
			non_ascii_left = true;
		if (!fold_put(b, uc, bytes, n, &pending_space))
			st = GN_ERR_NOMEM;
	}
	free(lower);
	if (st != GN_OK || !non_ascii_left || b->len == 0)
		return st;
	/* Scripts without marks to drop (Hangul, say) were only decomposed:
	 * put them back together so keys stay compact and comparable. */
	char *nfc = NULL;
	st = normalize_to_cstr(UNINORM_NFC, b->bytes, b->len, &nfc);
	if (st != GN_OK)
		return st;
	free(b->bytes);
	b->bytes = (uint8_t *)nfc;
	b->len = strlen(nfc);
	b->cap = b->len + 1;
	return GN_OK;
}

/* The letters of Vietnamese (and the rest of Latin-1, Latin Extended-A
 * and -B, Latin Extended Additional) whose key is one ASCII letter, found
 * once by fold_unicode itself: latin_key[cp] for cp < 0x250, latin_key[0x250
 * + cp - 0x1E00] for U+1E00..U+1EFF; 0: not one letter (white space, a
 * letter that keeps something, or not looked at). */
static unsigned char latin_key[0x250 + 0x100];
static bool latin_key_made;

static void make_latin_key(void)
{
	for (ucs4_t cp = 0x80; cp < 0x1F00; cp = cp == 0x24F ? 0x1E00 : cp + 1) {
		uint8_t one[4];
		int n = u8_uctomb(one, cp, sizeof one);
		text_buf b = { 0 };
		if (n > 0 && fold_unicode(one, (size_t)n, &b) == GN_OK && b.len == 1 && b.bytes[0] >= 'a' &&
		    b.bytes[0] <= 'z')
			latin_key[cp < 0x250 ? cp : 0x250 + cp - 0x1E00] = b.bytes[0];
		free(b.bytes);
	}
	latin_key_made = true;
}

/* fold_unicode's key for text of ASCII and such letters (a Vietnamese name
 * in NFC), made a character at a time: 1 made, 0 not such text (b left to
 * be made again), -1 out of memory. Case mapping of these letters looks at
 * no context, and a key of ASCII is not composed again, so the key is the
 * same. */
static int fold_latin(const uint8_t *s, size_t len, text_buf *b)
{
	if (!latin_key_made)
		make_latin_key();
	bool pending_space = false;
	for (size_t i = 0; i < len;) {
		uint8_t c = s[i];
		if (c < 0x80) {
			if (c >= 'A' && c <= 'Z')
				c = (uint8_t)(c - 'A' + 'a');
			i++;
		} else {
			ucs4_t uc;
			int n = u8_mbtouc(&uc, s + i, len - i); /* valid: checked by the caller */
			unsigned char k = uc < 0x250 ? latin_key[uc] : uc >= 0x1E00 && uc < 0x1F00 ? latin_key[0x250 + uc - 0x1E00] : 0;
			if (!k)
				return 0;
			c = k;
			i += (size_t)n;
		}
		if (!fold_put(b, c, &c, 1, &pending_space))
			return -1;
	}
	return 1;
}

gn_status gn_text_fold(const char *in, char **out)
{
	*out = NULL;
	if (!in)
		in = "";
	const uint8_t *s = (const uint8_t *)in;
	size_t len = strlen(in);

	/* Invalid bytes are dropped, so a key can always be made; valid text
	 * (nearly always) is read where it lies. */
	text_buf valid = {0};
	const uint8_t *text = s;
	size_t text_len = len;
	bool ascii = true;
	if (gn_text_valid_utf8(in, len)) {
		for (size_t i = 0; i < len && ascii; i++)
			ascii = s[i] < 0x80;
	} else {
		if (!buf_reserve(&valid, len + 1))
			return GN_ERR_NOMEM;
		for (size_t i = 0; i < len;) {
			ucs4_t uc;
			int n = u8_mbtoucr(&uc, s + i, len - i);
			if (n < 0) {
				i++;
				continue;
			}
			if (uc >= 0x80)
				ascii = false;
			buf_put_bytes(&valid, s + i, n); /* room reserved above */
			i += n;
		}
		text = valid.bytes;
		text_len = valid.len;
	}

	text_buf key = {0};
	gn_status st = GN_OK;
	if (!buf_reserve(&key, text_len + 1))
		st = GN_ERR_NOMEM;
	else if (ascii)
		st = fold_ascii(text, text_len, &key) ? GN_OK : GN_ERR_NOMEM;
	else {
		int latin = fold_latin(text, text_len, &key);
		if (latin < 0)
			st = GN_ERR_NOMEM;
		else if (latin == 0) {
			key.len = 0;
			st = fold_unicode(text, text_len, &key);
		}
	}
	free(valid.bytes);
	if (st == GN_OK && !buf_put_byte(&key, '\0'))
		st = GN_ERR_NOMEM;
	if (st != GN_OK) {
		free(key.bytes);
		return st;
	}
	*out = (char *)key.bytes;
	return GN_OK;
}

/* ---- comparing two keyings of a value ----------------------------------- */

/* The five Vietnamese tone marks as combining characters (NFD). */
static bool tone_mark(ucs4_t uc)
{
	return uc == 0x0300 || uc == 0x0301 || uc == 0x0303 || uc == 0x0309 || uc == 0x0323;
}

/* Ends a word of the key: its tone marks, taken out where they were, go
 * after its last letter, so the old and the new placement ("Thuỷ",
 * "Thủy"; "Hoà", "Hòa") give the same word. */
static bool flush_word(text_buf *b, text_buf *tones)
{
	bool ok = tones->len == 0 || buf_put_bytes(b, tones->bytes, tones->len);
	tones->len = 0;
	return ok;
}

gn_status gn_text_compare_key(const char *in, char **out)
{
	*out = NULL;
	if (!in)
		in = "";
	size_t len = strlen(in);
	if (!gn_text_valid_utf8(in, len))
		return GN_ERR_INVALID;
	size_t nfd_len = 0;
	uint8_t *nfd = len ? u8_normalize(UNINORM_NFD, (const uint8_t *)in, len, NULL, &nfd_len) : NULL;
	if (len && !nfd)
		return GN_ERR_NOMEM;
	text_buf key = { 0 }, tones = { 0 };
	bool pending_space = false, ok = buf_reserve(&key, nfd_len + 1);
	for (size_t i = 0; i < nfd_len && ok;) {
		ucs4_t uc;
		int n = u8_mbtouc(&uc, nfd + i, nfd_len - i);
		const uint8_t *bytes = nfd + i;
		i += n;
		bool space = uc < 0x20 || uc == DEL || uc_is_property_white_space(uc);
		if (space) {
			ok = flush_word(&key, &tones);
			pending_space = key.len > 0;
		} else if (tone_mark(uc)) {
			ok = buf_put_bytes(&tones, bytes, n);
		} else {
			if (pending_space)
				ok = buf_put_byte(&key, ' ');
			pending_space = false;
			ok = ok && buf_put_bytes(&key, bytes, n);
		}
	}
	ok = ok && flush_word(&key, &tones) && buf_put_byte(&key, '\0');
	free(nfd);
	free(tones.bytes);
	if (!ok) {
		free(key.bytes);
		return GN_ERR_NOMEM;
	}
	*out = (char *)key.bytes;
	return GN_OK;
}

bool gn_text_same_keyed(const char *a, const char *b)
{
	char *ka = NULL, *kb = NULL;
	bool same;
	if (gn_text_compare_key(a, &ka) == GN_OK && gn_text_compare_key(b, &kb) == GN_OK)
		same = strcmp(ka, kb) == 0;
	else
		same = strcmp(a ? a : "", b ? b : "") == 0;
	free(ka);
	free(kb);
	return same;
}

/* ---- display width ------------------------------------------------------ */

/* Columns of one decoded character: what wcwidth says, and 1 for anything
 * it cannot draw (controls, unassigned), which the UI shows as U+FFFD. */
static int char_width(ucs4_t uc)
{
	int w = wcwidth((wchar_t)uc);
	return w < 0 ? 1 : w;
}

/* Decodes the next character of a NUL-terminated string: returns its length
 * in bytes (1 for an invalid byte) and its width. */
static int next_char(const uint8_t *s, size_t left, int *width)
{
	ucs4_t uc;
	int n = u8_mbtoucr(&uc, s, left);
	if (n < 0) {
		*width = 1;
		return 1;
	}
	*width = char_width(uc);
	return n;
}

int gn_text_width(const char *s)
{
	if (!s)
		return 0;
	const uint8_t *p = (const uint8_t *)s;
	size_t left = strlen(s);
	int cols = 0;
	while (left > 0) {
		int w;
		int n = next_char(p, left, &w);
		cols += w;
		p += n;
		left -= (size_t)n;
	}
	return cols;
}

size_t gn_text_fit(const char *s, int cols)
{
	if (!s || cols <= 0)
		return 0;
	const uint8_t *p = (const uint8_t *)s;
	size_t len = strlen(s), i = 0;
	int used = 0;
	while (i < len) {
		/* A cluster: one character and the zero-width ones after it
		 * (combining marks), which must stay with it. */
		int w;
		size_t end = i + (size_t)next_char(p + i, len - i, &w);
		int cluster = w;
		while (end < len) {
			ucs4_t uc;
			int n = u8_mbtoucr(&uc, p + end, len - end);
			if (n < 0 || char_width(uc) != 0)
				break;
			end += (size_t)n;
		}
		if (used + cluster > cols)
			break;
		used += cluster;
		i = end;
	}
	return i;
}

/* ---- SQL functions ------------------------------------------------------ */

static void sql_gn_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	if (!text) { /* NULL here means SQLite ran out of memory */
		sqlite3_result_error_nomem(ctx);
		return;
	}
	char *key = NULL;
	if (gn_text_fold(text, &key) != GN_OK) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_text(ctx, key, -1, free);
}

gn_status gn_text_register_sqlite(sqlite3 *db)
{
	int rc = sqlite3_create_function_v2(db, "gn_fold", 1,
	                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	                                    NULL, sql_gn_fold, NULL, NULL, NULL);
	return rc == SQLITE_OK ? GN_OK : GN_ERR_DB;
}

size_t gn_text_wrap_line(const char *s, int cols, size_t *next)
{
	size_t fit = gn_text_fit(s, cols > 0 ? cols : 1), n = strlen(s);
	size_t len = fit;
	if (fit < n) {
		/* back to the last space that fits, if the line has one */
		size_t sp = fit;
		while (sp > 0 && s[sp] != ' ')
			sp--;
		if (sp > 0)
			len = sp;
	}
	size_t after = len;
	while (s[after] == ' ')
		after++;
	if (!len && after == 0 && n) /* a character wider than the line: take it */
		len = after = 1;
	*next = after;
	while (len > 0 && s[len - 1] == ' ')
		len--;
	return len;
}
