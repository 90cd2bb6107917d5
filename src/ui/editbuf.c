/* The text input's buffer (see editbuf.h). Grapheme boundaries come from
 * libunistring (u8_grapheme_next/prev), widths from gn_text_width. */
#include "gonha/ui/editbuf.h"
#include "gonha/text/text.h"

#include <stdlib.h>
#include <string.h>
#include <unigbrk.h>
#include <unistr.h>

void gn_eb_init(gn_editbuf *eb, size_t max_bytes)
{
	memset(eb, 0, sizeof *eb);
	eb->max_bytes = max_bytes;
}

void gn_eb_free(gn_editbuf *eb)
{
	free(eb->text);
	memset(eb, 0, sizeof *eb);
}

static bool reserve(gn_editbuf *eb, size_t more)
{
	if (eb->text && eb->len + more + 1 <= eb->cap)
		return true;
	size_t cap = eb->cap ? eb->cap : 64;
	while (cap < eb->len + more + 1)
		cap *= 2;
	char *bigger = realloc(eb->text, cap);
	if (!bigger)
		return false;
	if (!eb->text)
		bigger[0] = '\0';
	eb->text = bigger;
	eb->cap = cap;
	return true;
}

/* Inserts clean, valid UTF-8 at the cursor (cut at max_bytes on a
 * character boundary). */
static bool insert_clean(gn_editbuf *eb, const char *s, size_t n)
{
	if (eb->max_bytes && eb->len + n > eb->max_bytes) {
		size_t room = eb->max_bytes > eb->len ? eb->max_bytes - eb->len : 0;
		while (room > 0 && room < n && ((unsigned char)s[room] & 0xC0) == 0x80)
			room--;
		n = room;
	}
	if (n == 0)
		return true;
	if (!reserve(eb, n))
		return false;
	memmove(eb->text + eb->cursor + n, eb->text + eb->cursor, eb->len - eb->cursor + 1);
	memcpy(eb->text + eb->cursor, s, n);
	eb->len += n;
	eb->cursor += n;
	eb->changed = true;
	return true;
}

/* Length of the escape sequence starting at s[0] == ESC (ECMA-48): CSI
 * runs to its final byte, OSC/DCS/APC/PM/SOS to BEL or ST, others take one
 * more byte. An unterminated sequence takes the rest. */
static size_t escape_length(const unsigned char *s, size_t n)
{
	if (n < 2)
		return n;
	unsigned char c = s[1];
	size_t i = 2;
	if (c == '[') {
		while (i < n && !(s[i] >= 0x40 && s[i] <= 0x7E))
			i++;
		return i < n ? i + 1 : n;
	}
	if (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X') {
		for (; i < n; i++) {
			if (s[i] == 0x07)
				return i + 1;
			if (s[i] == 0x1B && i + 1 < n && s[i + 1] == '\\')
				return i + 2;
		}
		return n;
	}
	return 2;
}

bool gn_eb_insert(gn_editbuf *eb, const char *bytes, size_t n)
{
	const unsigned char *s = (const unsigned char *)bytes;
	size_t i = 0;
	if (!reserve(eb, 0))
		return false;
	while (i < n) {
		unsigned char c = s[i];
		if (c == 0x1B) {
			i += escape_length(s + i, n - i);
			continue;
		}
		if (c == '\n' || c == '\r' || c == '\t') {
			if (!insert_clean(eb, " ", 1))
				return false;
			i++;
			if (c == '\r' && i < n && s[i] == '\n')
				i++;
			continue;
		}
		if (c < 0x20 || c == 0x7F) {
			i++;
			continue;
		}
		ucs4_t uc;
		int len = u8_mbtouc(&uc, s + i, n - i);
		if (uc == 0xFFFD && !(len == 3 && s[i] == 0xEF && s[i + 1] == 0xBF && s[i + 2] == 0xBD)) {
			i++; /* an invalid byte: dropped */
			continue;
		}
		if (uc >= 0x80 && uc < 0xA0) { /* a C1 control */
			i += (size_t)len;
			continue;
		}
		if (!insert_clean(eb, (const char *)s + i, (size_t)len))
			return false;
		i += (size_t)len;
	}
	return true;
}

bool gn_eb_insert_wc(gn_editbuf *eb, unsigned int wc)
{
	uint8_t buf[8];
	int n = u8_uctomb(buf, (ucs4_t)wc, sizeof buf);
	if (n <= 0)
		return true;
	return gn_eb_insert(eb, (const char *)buf, (size_t)n);
}

bool gn_eb_set(gn_editbuf *eb, const char *text)
{
	eb->len = 0;
	eb->cursor = 0;
	eb->scroll = 0;
	if (!reserve(eb, 0))
		return false;
	eb->text[0] = '\0';
	bool ok = gn_eb_insert(eb, text ? text : "", text ? strlen(text) : 0);
	eb->changed = false;
	return ok;
}

static size_t next_boundary(const gn_editbuf *eb, size_t at)
{
	if (at >= eb->len)
		return eb->len;
	const uint8_t *s = (const uint8_t *)eb->text;
	const uint8_t *p = u8_grapheme_next(s + at, s + eb->len);
	return p ? (size_t)(p - s) : eb->len;
}

static size_t prev_boundary(const gn_editbuf *eb, size_t at)
{
	if (at == 0)
		return 0;
	const uint8_t *s = (const uint8_t *)eb->text;
	const uint8_t *p = u8_grapheme_prev(s + at, s);
	return p ? (size_t)(p - s) : 0;
}

void gn_eb_left(gn_editbuf *eb) { eb->cursor = prev_boundary(eb, eb->cursor); }
void gn_eb_right(gn_editbuf *eb) { eb->cursor = next_boundary(eb, eb->cursor); }
void gn_eb_home(gn_editbuf *eb) { eb->cursor = 0; }
void gn_eb_end(gn_editbuf *eb) { eb->cursor = eb->len; }

void gn_eb_word_left(gn_editbuf *eb)
{
	while (eb->cursor > 0 && eb->text[prev_boundary(eb, eb->cursor)] == ' ')
		gn_eb_left(eb);
	while (eb->cursor > 0 && eb->text[prev_boundary(eb, eb->cursor)] != ' ')
		gn_eb_left(eb);
}

void gn_eb_word_right(gn_editbuf *eb)
{
	while (eb->cursor < eb->len && eb->text[eb->cursor] != ' ')
		gn_eb_right(eb);
	while (eb->cursor < eb->len && eb->text[eb->cursor] == ' ')
		gn_eb_right(eb);
}

static void remove_range(gn_editbuf *eb, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(eb->text + from, eb->text + to, eb->len - to + 1);
	eb->len -= to - from;
	if (eb->cursor > to)
		eb->cursor -= to - from;
	else if (eb->cursor > from)
		eb->cursor = from;
	if (eb->scroll > from)
		eb->scroll = from;
	eb->changed = true;
}

void gn_eb_backspace(gn_editbuf *eb) { remove_range(eb, prev_boundary(eb, eb->cursor), eb->cursor); }
void gn_eb_delete(gn_editbuf *eb) { remove_range(eb, eb->cursor, next_boundary(eb, eb->cursor)); }
void gn_eb_kill_start(gn_editbuf *eb) { remove_range(eb, 0, eb->cursor); }
void gn_eb_kill_end(gn_editbuf *eb) { remove_range(eb, eb->cursor, eb->len); }

/* Columns taken by text[from, to). */
static int width_of(const gn_editbuf *eb, size_t from, size_t to)
{
	char saved = eb->text[to];
	eb->text[to] = '\0';
	int w = gn_text_width(eb->text + from);
	eb->text[to] = saved;
	return w;
}

int gn_eb_view(gn_editbuf *eb, int width, size_t *shown_bytes)
{
	if (!reserve(eb, 0)) {
		*shown_bytes = 0;
		return 0;
	}
	if (width < 1)
		width = 1;
	if (eb->scroll > eb->cursor)
		eb->scroll = eb->cursor;
	/* Keep one column after the text for the cursor itself. */
	while (eb->scroll < eb->cursor && width_of(eb, eb->scroll, eb->cursor) > width - 1)
		eb->scroll = next_boundary(eb, eb->scroll);
	/* Use the room again when text was deleted at the end. */
	while (eb->scroll > 0) {
		size_t before = prev_boundary(eb, eb->scroll);
		if (width_of(eb, before, eb->len) > width - 1)
			break;
		eb->scroll = before;
	}
	*shown_bytes = gn_text_fit(eb->text + eb->scroll, width);
	return width_of(eb, eb->scroll, eb->cursor);
}

size_t gn_eb_chars(const gn_editbuf *eb)
{
	size_t n = 0;
	for (size_t at = 0; at < eb->len; at = next_boundary(eb, at))
		n++;
	return n;
}
