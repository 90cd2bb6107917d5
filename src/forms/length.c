/* The length every accepted answer of a question has, read from the form
 * (gn_field_fixed_length in gonha/forms/form.h): a text whose constraint
 * holds an anchored regex of fixed length ("^[0-9]{12}$"), a whole number
 * whose constraint bounds it between two numbers of the same count of
 * digits (". >= 1900 and . <= int(format-date(today(), '%Y'))"). Never
 * from the question's name. */
#include "gonha/forms/form.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Characters every match of an anchored pattern has: ^...$ with atoms
 * (a character, an escape, ., a [class]) each at most followed by {n} or
 * {n,n}; 0 for anything else (alternatives, groups, * + ?, ranges). */
static int pattern_length(const char *p, size_t len)
{
	if (len < 2 || p[0] != '^' || p[len - 1] != '$' || (len >= 3 && p[len - 2] == '\\'))
		return 0;
	const char *s = p + 1, *end = p + len - 1;
	int total = 0;
	while (s < end) {
		/* one atom */
		if (*s == '[') {
			s++;
			if (s < end && *s == '^')
				s++;
			if (s < end && *s == ']')
				s++;
			while (s < end && *s != ']')
				s += *s == '\\' && s + 1 < end ? 2 : 1;
			if (s >= end)
				return 0;
			s++;
		} else if (*s == '\\') {
			if (s + 1 >= end || isdigit((unsigned char)s[1]) || strchr("bBAzZGQEkgpPXRhHvVN", s[1]))
				return 0; /* back-references, anchors, properties: not one character */
			s += 2;
		} else if (strchr("()|*+?{}^$", *s)) {
			return 0;
		} else {
			s++;
			while (s < end && ((unsigned char)*s & 0xC0) == 0x80)
				s++; /* one UTF-8 character */
		}
		/* its count */
		int count = 1;
		if (s < end && strchr("*+?", *s))
			return 0;
		if (s < end && *s == '{') {
			char *after;
			long n = strtol(s + 1, &after, 10);
			if (after == s + 1 || n < 0 || n > 1000)
				return 0;
			if (*after == ',') {
				char *after2;
				long m = strtol(after + 1, &after2, 10);
				if (after2 == after + 1 || m != n)
					return 0;
				after = after2;
			}
			if (*after != '}')
				return 0;
			count = (int)n;
			s = after + 1;
		}
		total += count;
	}
	return total;
}

/* After spaces, the word w: *s past it, true; else false. */
static bool take(const char **s, const char *w)
{
	while (isspace((unsigned char)**s))
		(*s)++;
	size_t n = strlen(w);
	if (strncmp(*s, w, n) != 0)
		return false;
	*s += n;
	while (isspace((unsigned char)**s))
		(*s)++;
	return true;
}

/* "regex(., 'PAT')" (any spacing, either quote) as PAT's length, else 0. */
static int regex_length(const char *part)
{
	const char *s = part;
	if (!take(&s, "regex") || !take(&s, "(") || !take(&s, ".") || !take(&s, ","))
		return 0;
	char quote = *s++;
	if (quote != '\'' && quote != '"')
		return 0;
	const char *close = strchr(s, quote);
	if (!close)
		return 0;
	const char *t = close + 1;
	return take(&t, ")") && !*t ? pattern_length(s, (size_t)(close - s)) : 0;
}

/* ". OP rest" with OP one of >= > <= <: the operator (">=", ...) and rest. */
static const char *bound(const char *part, const char **rest)
{
	const char *s = part;
	if (!take(&s, "."))
		return NULL;
	static const char *const ops[] = { ">=", "<=", ">", "<" };
	for (size_t k = 0; k < 4; k++)
		if (strncmp(s, ops[k], strlen(ops[k])) == 0) {
			*rest = s + strlen(ops[k]);
			return ops[k];
		}
	return NULL;
}

/* A whole number bounded below by a literal of k digits, and whose
 * constraint refuses 10^k (every part a bound, none reading another
 * answer): k. */
static int integer_length(gn_form *form, size_t i, char **parts, size_t n)
{
	long long lo = -1;
	for (size_t k = 0; k < n; k++) {
		const char *rest, *op = bound(parts[k], &rest);
		if (!op || strstr(rest, "${") || strchr(rest, '.'))
			return 0;
		if (op[0] == '>') {
			char *end;
			long long v = strtoll(rest, &end, 10);
			while (isspace((unsigned char)*end))
				end++;
			if (end != rest && !*end && v >= 0)
				lo = op[1] == '=' ? v : v + 1;
		}
	}
	if (lo <= 0)
		return 0;
	int digits = 0;
	long long top = 1;
	for (long long v = lo; v > 0; v /= 10)
		digits++, top *= 10;
	if (digits > 15)
		return 0;
	/* the smallest number of one digit more: refused, so is every larger one */
	char probe[32];
	snprintf(probe, sizeof probe, "%lld", top);
	const char **vals = calloc(form->n_fields, sizeof *vals);
	if (!vals)
		return 0;
	vals[i] = probe;
	gn_err err = { 0 };
	gn_status st = gn_form_check_value(form, i, vals, &err);
	free(vals);
	return st == GN_ERR_INVALID ? digits : 0;
}

int gn_field_fixed_length(gn_form *form, size_t i)
{
	const gn_field *f = &form->fields[i];
	if (!f->constraint_src || !*f->constraint_src || (f->type != GN_FT_TEXT && f->type != GN_FT_INTEGER))
		return 0;
	char **parts = NULL;
	size_t n = 0;
	gn_err err = { 0 };
	if (gn_form_conjuncts(f->constraint_src, &parts, &n, &err) != GN_OK)
		return 0;
	int len = 0;
	if (f->type == GN_FT_TEXT)
		for (size_t k = 0; k < n && !len; k++)
			len = regex_length(parts[k]);
	else
		len = integer_length(form, i, parts, n);
	for (size_t k = 0; k < n; k++)
		free(parts[k]);
	free(parts);
	return len;
}
