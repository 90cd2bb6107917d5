#include "gonha/core/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(gn_strbuf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *s = realloc(b->s, cap);
	if (!s) {
		b->failed = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void gn_sb_addn(gn_strbuf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void gn_sb_add(gn_strbuf *b, const char *s)
{
	gn_sb_addn(b, s, strlen(s));
}

void gn_sb_vprintf(gn_strbuf *b, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0 || !reserve(b, (size_t)n)) {
		b->failed = true;
		va_end(again);
		return;
	}
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, again);
	va_end(again);
	b->len += (size_t)n;
}

void gn_sb_printf(gn_strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gn_sb_vprintf(b, fmt, ap);
	va_end(ap);
}

char *gn_dupf(const char *fmt, ...)
{
	gn_strbuf b = { 0 };
	va_list ap;
	va_start(ap, fmt);
	gn_sb_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!b.s && !b.failed)
		gn_sb_add(&b, "");
	return gn_sb_take(&b);
}

void gn_sb_json_str(gn_strbuf *b, const char *s)
{
	if (!s) {
		gn_sb_add(b, "null");
		return;
	}
	gn_sb_addn(b, "\"", 1);
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		/* the bytes that need no escape, at once */
		const unsigned char *run = p;
		while (*run >= 0x20 && *run != '"' && *run != '\\')
			run++;
		if (run > p)
			gn_sb_addn(b, (const char *)p, (size_t)(run - p));
		p = run;
		if (!*p)
			break;
		switch (*p) {
		case '"': gn_sb_add(b, "\\\""); break;
		case '\\': gn_sb_add(b, "\\\\"); break;
		case '\n': gn_sb_add(b, "\\n"); break;
		case '\r': gn_sb_add(b, "\\r"); break;
		case '\t': gn_sb_add(b, "\\t"); break;
		default: gn_sb_printf(b, "\\u%04x", *p);
		}
		p++;
	}
	gn_sb_addn(b, "\"", 1);
}

char *gn_sb_take(gn_strbuf *b)
{
	char *s = NULL;
	if (!b->failed) {
		s = b->s ? b->s : strdup("");
		b->s = NULL;
	}
	gn_sb_free(b);
	return s;
}

void gn_sb_free(gn_strbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}

const char *gn_sb_str(const gn_strbuf *b)
{
	return b->s ? b->s : "";
}
