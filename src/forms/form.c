/* Loading and checking a form, compiling its expressions, and evaluating
 * them for one record being edited. */
#include "gonha/forms/form.h"
#include "gonha/core/date.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/core/paths.h"
#include "gonha/text/text.h"
#include "form_internal.h"

#include <errno.h>
#include <limits.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <time.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#ifndef FORMSDIR
#define FORMSDIR "/usr/local/share/gonha/forms"
#endif

/* ---- problems ----------------------------------------------------------- */

void form_problem(gn_form_problems *p, const char *file, int line, bool warning, const char *fmt, ...)
{
	if (!p)
		return;
	gn_form_problem *items = realloc(p->items, (p->n + 1) * sizeof *items);
	if (!items)
		return;
	p->items = items;
	gn_form_problem *x = &p->items[p->n++];
	memset(x, 0, sizeof *x);
	snprintf(x->file, sizeof x->file, "%s", file);
	x->line = line;
	x->warning = warning;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof x->msg, fmt, ap);
	va_end(ap);
	if (!warning)
		p->errors++;
}

void form_problem_at(gn_form_problems *p, const char *file, int line, int row, int col, bool warning,
                     const char *fmt, ...)
{
	if (!p)
		return;
	gn_form_problem *items = realloc(p->items, (p->n + 1) * sizeof *items);
	if (!items)
		return;
	p->items = items;
	gn_form_problem *x = &p->items[p->n++];
	memset(x, 0, sizeof *x);
	snprintf(x->file, sizeof x->file, "%s", file);
	x->line = line;
	x->warning = warning;
	if (row > 0) {
		/* "survey.csv" -> the sheet "survey"; column 0 is A, 26 is AA */
		char letters[8] = "";
		int n = 0;
		for (int c = col; c >= 0 && n < 7; c = c / 26 - 1)
			letters[n++] = (char)('A' + c % 26);
		for (int i = 0; i < n / 2; i++) {
			char t = letters[i];
			letters[i] = letters[n - 1 - i];
			letters[n - 1 - i] = t;
		}
		letters[n] = '\0';
		int sheet_len = (int)strcspn(file, ".");
		if (n)
			snprintf(x->cell, sizeof x->cell, "%.*s!%s%d", sheet_len, file, letters, row);
		else
			snprintf(x->cell, sizeof x->cell, "%.*s!%d:%d", sheet_len, file, row, row);
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof x->msg, fmt, ap);
	va_end(ap);
	if (!warning)
		p->errors++;
}

void gn_form_problems_free(gn_form_problems *p)
{
	free(p->items);
	memset(p, 0, sizeof *p);
}

/* ---- SQL functions ------------------------------------------------------ */

/* ---- XPath's values in SQLite ------------------------------------------------
 * XPath converts a string to a number as a decimal (optional '-', digits,
 * optional '.' and digits, spaces around), anything else being NaN, which
 * gonha keeps as NULL: a comparison with it is "cannot say" (an answer it
 * needs is empty), as before. Dates and date-times count as ODK counts
 * them, days since 1970-01-01 (decimal-date-time). */
static bool xpath_number(const char *s, double *out)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	int y, mo, d, h = 0, mi = 0, n = 0;
	double sec = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10 && (s[10] == '\0' || s[10] == 'T')) {
		/* days from the civil date (Howard Hinnant's algorithm) */
		int yy = mo <= 2 ? y - 1 : y;
		int era = (yy >= 0 ? yy : yy - 399) / 400;
		int yoe = yy - era * 400;
		int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
		double days = (double)era * 146097 + doe - 719468;
		if (s[10] == 'T' && sscanf(s + 11, "%2d:%2d:%lf", &h, &mi, &sec) >= 2)
			days += (h * 3600 + mi * 60 + sec) / 86400.0;
		*out = days;
		return true;
	}
	const char *p = s;
	if (*p == '-')
		p++;
	const char *digits = p;
	while (*p >= '0' && *p <= '9')
		p++;
	bool whole = p > digits;
	if (*p == '.') {
		p++;
		const char *frac = p;
		while (*p >= '0' && *p <= '9')
			p++;
		whole |= p > frac;
	}
	if (!whole)
		return false;
	const char *end = p;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p)
		return false;
	char buf[64];
	size_t len = (size_t)(end - s);
	if (len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, NULL);
	return true;
}

/* number(x): integers and reals as they are, text converted, NaN as NULL. */
static void result_number(sqlite3_context *ctx, sqlite3_value *v)
{
	double d;
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
	case SQLITE_FLOAT:
		sqlite3_result_value(ctx, v);
		return;
	case SQLITE_TEXT:
		if (xpath_number((const char *)sqlite3_value_text(v), &d)) {
			if (d == (double)(long long)d && d > -1e15 && d < 1e15)
				sqlite3_result_int64(ctx, (long long)d);
			else
				sqlite3_result_double(ctx, d);
			return;
		}
		/* fall through */
	default:
		sqlite3_result_null(ctx);
	}
}

static void sql_num(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	result_number(ctx, argv[0]);
}

/* XPath's = between values whose types are known only when it runs: a
 * number on either side compares as numbers (NaN is unequal to all),
 * else as strings. NULL (an empty number) stays "cannot say". */
static void sql_eq(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	int ta = sqlite3_value_type(argv[0]), tb = sqlite3_value_type(argv[1]);
	if (ta == SQLITE_NULL || tb == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (ta == SQLITE_INTEGER || ta == SQLITE_FLOAT || tb == SQLITE_INTEGER || tb == SQLITE_FLOAT) {
		double a, b;
		bool ok_a = ta == SQLITE_INTEGER || ta == SQLITE_FLOAT ? (a = sqlite3_value_double(argv[0]), true)
		                                                    : xpath_number((const char *)sqlite3_value_text(argv[0]), &a);
		bool ok_b = tb == SQLITE_INTEGER || tb == SQLITE_FLOAT ? (b = sqlite3_value_double(argv[1]), true)
		                                                    : xpath_number((const char *)sqlite3_value_text(argv[1]), &b);
		sqlite3_result_int(ctx, ok_a && ok_b && a == b);
		return;
	}
	const char *a = (const char *)sqlite3_value_text(argv[0]), *b = (const char *)sqlite3_value_text(argv[1]);
	sqlite3_result_int(ctx, a && b && strcmp(a, b) == 0);
}

/* boolean(x): a number not 0, a string not empty. */
static void sql_bool(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	switch (sqlite3_value_type(argv[0])) {
	case SQLITE_NULL: sqlite3_result_int(ctx, 0); return;
	case SQLITE_INTEGER:
	case SQLITE_FLOAT: sqlite3_result_int(ctx, sqlite3_value_double(argv[0]) != 0.0); return;
	default: sqlite3_result_int(ctx, sqlite3_value_bytes(argv[0]) > 0); return;
	}
}

/* Is `choice` one of the space-separated names in `list`? */
static bool in_list(const char *list, const char *choice)
{
	size_t n = strlen(choice);
	if (!n)
		return false;
	for (const char *p = list; (p = strstr(p, choice)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

static void sql_selected(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *list = (const char *)sqlite3_value_text(argv[0]);
	const char *choice = (const char *)sqlite3_value_text(argv[1]);
	sqlite3_result_int(ctx, list && choice && in_list(list, choice));
}

static void sql_count_selected(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *list = (const char *)sqlite3_value_text(argv[0]);
	int n = 0;
	for (const char *p = list; p && *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		n++;
		while (*p && *p != ' ')
			p++;
	}
	sqlite3_result_int(ctx, n);
}

/* selected-at(list, i): the i-th name (from 0), "" past the end. */
static void sql_selected_at(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *p = (const char *)sqlite3_value_text(argv[0]);
	long long want = sqlite3_value_int64(argv[1]);
	for (long long i = 0; p && *p; i++) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		if (!len)
			break;
		if (i == want) {
			sqlite3_result_text(ctx, p, (int)len, SQLITE_TRANSIENT);
			return;
		}
		p += len;
	}
	sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
}

static void free_regex(void *p)
{
	pcre2_code_free(p);
}

/* regex(text, pattern): PCRE2 in UTF mode on NFC text, searching
 * anywhere in the text as ODK Collect does (Java's Matcher.find()): an
 * anchor must be written. Compiled once per statement. */
static void sql_regex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	const char *pattern = (const char *)sqlite3_value_text(argv[1]);
	if (!pattern) {
		sqlite3_result_null(ctx);
		return;
	}
	pcre2_code *re = sqlite3_get_auxdata(ctx, 1);
	if (!re) {
		int code;
		PCRE2_SIZE at;
		char *nfc = NULL;
		if (gn_text_nfc(pattern, &nfc) != GN_OK) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		re = pcre2_compile((PCRE2_SPTR)nfc, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF,
		                   &code, &at, NULL);
		free(nfc);
		if (!re) {
			sqlite3_result_error(ctx, _("invalid regular expression"), -1);
			return;
		}
		sqlite3_set_auxdata(ctx, 1, re, free_regex);
		re = sqlite3_get_auxdata(ctx, 1);
		if (!re) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	char *nfc = NULL;
	if (gn_text_nfc(text ? text : "", &nfc) != GN_OK) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	if (!md || !mc) {
		pcre2_match_data_free(md);
		pcre2_match_context_free(mc);
		free(nfc);
		sqlite3_result_error_nomem(ctx);
		return;
	}
	pcre2_set_match_limit(mc, 1000000); /* a pattern that backtracks without end fails, not hangs */
	int rc = pcre2_match(re, (PCRE2_SPTR)nfc, strlen(nfc), 0, 0, md, mc);
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	free(nfc);
	if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
		sqlite3_result_int(ctx, rc >= 0);
	else
		sqlite3_result_error(ctx, _("the regular expression cannot be matched (too complex)"), -1);
}

/* Characters (code points) of UTF-8 text. */
static const char *utf8_skip(const char *s, long long n)
{
	while (*s && n > 0) {
		s++;
		while ((*s & 0xC0) == 0x80)
			s++;
		n--;
	}
	return s;
}

/* substr(s, start[, end]): ODK's, a 0-based start and an end index
 * (exclusive), in characters; out of range is clamped. */
static void sql_substr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	if (!s)
		s = "";
	long long len = 0;
	for (const char *p = s; *p; p++)
		len += (*p & 0xC0) != 0x80;
	double ds = sqlite3_value_double(argv[1]);
	long long start = (long long)ds, end = len;
	if (argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL)
		end = (long long)sqlite3_value_double(argv[2]);
	if (start < 0)
		start = 0;
	if (end > len)
		end = len;
	if (start >= end) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	const char *a = utf8_skip(s, start), *b = utf8_skip(a, end - start);
	sqlite3_result_text(ctx, a, (int)(b - a), SQLITE_TRANSIENT);
}

/* now(): the date and time of day, in the PC's time zone with its offset,
 * as ODK gives it ("2026-11-20T16:00:00.000+07:00"); GONHA_NOW fixes it. */
static void sql_now(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	char now[32], out[40];
	gn_now_iso(now);
	struct tm utc = { 0 }, local;
	const char *end = strptime(now, "%Y-%m-%dT%H:%M:%SZ", &utc);
	time_t t = end && !*end ? timegm(&utc) : (time_t)-1;
	if (t == (time_t)-1 || !localtime_r(&t, &local) || strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%S.000%z", &local) == 0) {
		sqlite3_result_text(ctx, now, -1, SQLITE_TRANSIENT);
		return;
	}
	size_t n = strlen(out); /* +0700 -> +07:00 */
	if (n >= 5 && n + 2 < sizeof out) {
		memmove(out + n - 1, out + n - 2, 3);
		out[n - 2] = ':';
	}
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* format-date(value, pattern) with ODK's patterns: %Y %y %m %n %b %d %e
 * %H %h %M %S %3 %a; a value that is not a date gives "". */
static void sql_format_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	const char *v = (const char *)sqlite3_value_text(argv[0]);
	const char *pattern = (const char *)sqlite3_value_text(argv[1]);
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, n = 0;
	double sec = 0;
	if (!v || !pattern) {
		sqlite3_result_null(ctx);
		return;
	}
	if (sscanf(v, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
		if (v[10] == 'T' || v[10] == ' ')
			sscanf(v + 11, "%2d:%2d:%lf", &h, &mi, &sec);
	} else if (sscanf(v, "%2d:%2d:%lf", &h, &mi, &sec) >= 2) {
		y = 1970, mo = 1, d = 1; /* a time of day */
	} else {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	if (mo < 1 || mo > 12) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = 12 };
	time_t t = timegm(&tm);
	struct tm wd;
	gmtime_r(&t, &wd);
	gn_strbuf out = { 0 };
	for (const char *p = pattern; *p; p++) {
		if (*p != '%' || !p[1]) {
			gn_sb_addn(&out, p, 1);
			continue;
		}
		switch (*++p) {
		case 'Y': gn_sb_printf(&out, "%04d", y); break;
		case 'y': gn_sb_printf(&out, "%02d", y % 100); break;
		case 'm': gn_sb_printf(&out, "%02d", mo); break;
		case 'n': gn_sb_printf(&out, "%d", mo); break;
		case 'b': gn_sb_add(&out, months[mo - 1]); break;
		case 'd': gn_sb_printf(&out, "%02d", d); break;
		case 'e': gn_sb_printf(&out, "%d", d); break;
		case 'H': gn_sb_printf(&out, "%02d", h); break;
		case 'h': gn_sb_printf(&out, "%d", h); break;
		case 'M': gn_sb_printf(&out, "%02d", mi); break;
		case 'S': gn_sb_printf(&out, "%02d", (int)sec); break;
		case '3': gn_sb_printf(&out, "%03d", (int)((sec - (int)sec) * 1000 + 0.5)); break;
		case 'a': gn_sb_add(&out, days[wd.tm_wday]); break;
		default: gn_sb_addn(&out, p - 1, 2); break;
		}
	}
	if (out.failed) {
		gn_sb_free(&out);
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_text(ctx, gn_sb_str(&out), -1, SQLITE_TRANSIENT);
	gn_sb_free(&out);
}

/* A node-set's values: a value that is a JSON array holds one per repeat
 * entry (how the screen binds a question inside a repeat to an
 * expression outside it); anything else is one value, NULL none. */
typedef struct nodes {
	sqlite3_value *v;
	const char *json;
} nodes;

/* count(x), sum(x), min(x), max(x), count-non-empty(x) over a node-set
 * (a JSON array or one value); a repeat's own reference is its count. */
static void sql_agg(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *op = (const char *)sqlite3_value_text(argv[0]);
	sqlite3_value *v = argv[1];
	if (!op) {
		sqlite3_result_null(ctx);
		return;
	}
	const char *text = (const char *)sqlite3_value_text(v);
	bool is_array = sqlite3_value_type(v) == SQLITE_TEXT && text && text[0] == '[';
	if (!is_array) {
		double d;
		bool empty = sqlite3_value_type(v) == SQLITE_NULL || (text && !*text);
		bool num = sqlite3_value_type(v) == SQLITE_INTEGER || sqlite3_value_type(v) == SQLITE_FLOAT
		               ? (d = sqlite3_value_double(v), true)
		               : text && xpath_number(text, &d);
		if (strcmp(op, "count") == 0)
			sqlite3_result_int(ctx, empty ? 0 : 1);
		else if (strcmp(op, "count-non-empty") == 0)
			sqlite3_result_int(ctx, empty ? 0 : 1);
		else if (strcmp(op, "sum") == 0)
			empty ? sqlite3_result_int(ctx, 0) : num ? sqlite3_result_double(ctx, d) : sqlite3_result_null(ctx);
		else if (num && !empty)
			sqlite3_result_double(ctx, d);
		else
			sqlite3_result_null(ctx);
		return;
	}
	/* a JSON array of values, walked by SQLite's own JSON reader */
	sqlite3 *db = sqlite3_context_db_handle(ctx);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT value FROM json_each(?1)", -1, &st, NULL) != SQLITE_OK) {
		sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
		return;
	}
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	long long count = 0, non_empty = 0;
	double sum = 0, lo = 0, hi = 0;
	bool nan = false, any = false;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		count++;
		sqlite3_value *x = sqlite3_column_value(st, 0);
		const char *xs = (const char *)sqlite3_column_text(st, 0);
		double d;
		bool empty = sqlite3_column_type(st, 0) == SQLITE_NULL || (xs && !*xs);
		non_empty += !empty;
		bool num = sqlite3_value_type(x) == SQLITE_INTEGER || sqlite3_value_type(x) == SQLITE_FLOAT
		               ? (d = sqlite3_value_double(x), true)
		               : xs && xpath_number(xs, &d);
		if (!num) {
			nan = true;
			continue;
		}
		sum += d;
		lo = any && lo < d ? lo : d;
		hi = any && hi > d ? hi : d;
		any = true;
	}
	if (rc != SQLITE_DONE) {
		sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
	} else if (strcmp(op, "count") == 0) {
		sqlite3_result_int64(ctx, count);
	} else if (strcmp(op, "count-non-empty") == 0) {
		sqlite3_result_int64(ctx, non_empty);
	} else if (nan || !any) {
		if (strcmp(op, "sum") == 0 && !nan)
			sqlite3_result_int(ctx, 0);
		else
			sqlite3_result_null(ctx);
	} else {
		sqlite3_result_double(ctx, strcmp(op, "sum") == 0 ? sum : strcmp(op, "min") == 0 ? lo : hi);
	}
	sqlite3_finalize(st);
}

/* indexed-repeat(value, repeat, i): the value in the i-th entry (from 1);
 * a value that is not a JSON array is the only entry. */
static void sql_indexed(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	long long i = sqlite3_value_int64(argv[1]);
	if (!text || text[0] != '[') {
		if (i == 1)
			sqlite3_result_value(ctx, argv[0]);
		else
			sqlite3_result_null(ctx);
		return;
	}
	sqlite3 *db = sqlite3_context_db_handle(ctx);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT json_extract(?1, '$[' || (?2 - 1) || ']')", -1, &st, NULL) != SQLITE_OK) {
		sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
		return;
	}
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, i);
	if (sqlite3_step(st) == SQLITE_ROW)
		sqlite3_result_value(ctx, sqlite3_column_value(st, 0));
	else
		sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
	sqlite3_finalize(st);
}

/* normalize-space(s): spaces trimmed and runs of them made one. */
static void sql_normalize_space(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	size_t n = s ? strlen(s) : 0;
	char *out = sqlite3_malloc64(n + 1);
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	size_t w = 0;
	bool space = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			space = w > 0;
			continue;
		}
		if (space)
			out[w++] = ' ';
		space = false;
		out[w++] = s[i];
	}
	sqlite3_result_text(ctx, out, (int)w, sqlite3_free);
}

gn_status gn_form_register_sqlite(sqlite3 *db, gn_err *err)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	static const struct { const char *name; int n; void (*fn)(sqlite3_context *, int, sqlite3_value **); bool now; } fns[] = {
		{ "gn_selected", 2, sql_selected, false }, { "gn_count_selected", 1, sql_count_selected, false },
		{ "gn_selected_at", 2, sql_selected_at, false }, { "gn_regex", 2, sql_regex, false },
		{ "gn_num", 1, sql_num, false }, { "gn_eq", 2, sql_eq, false }, { "gn_bool", 1, sql_bool, false },
		{ "gn_substr", 2, sql_substr, false }, { "gn_substr", 3, sql_substr, false },
		{ "gn_format_date", 2, sql_format_date, false }, { "gn_agg", 2, sql_agg, false },
		{ "gn_indexed", 2, sql_indexed, false }, { "gn_normalize_space", 1, sql_normalize_space, false },
		{ "gn_now", 0, sql_now, true },
	};
	for (size_t i = 0; i < sizeof fns / sizeof *fns; i++)
		if (sqlite3_create_function(db, fns[i].name, fns[i].n, fns[i].now ? SQLITE_UTF8 : flags, NULL, fns[i].fn,
		                            NULL, NULL) != SQLITE_OK)
			return gn_fail(err, GN_ERR_DB, "%s", sqlite3_errmsg(db));
	return GN_OK;
}

/* Expressions compile with no table in reach: only SELECT of values and the
 * functions we know. */
static int authorize(void *arg, int action, const char *a, const char *b, const char *c, const char *d)
{
	(void)arg; (void)a; (void)c; (void)d;
	if (action == SQLITE_SELECT)
		return SQLITE_OK;
	if (action == SQLITE_FUNCTION) {
		static const char *const allowed[] = {
			"gn_selected", "gn_count_selected", "gn_selected_at", "gn_regex", "gn_today", "gn_now", "gn_num",
			"gn_eq", "gn_bool", "gn_substr", "gn_format_date", "gn_agg", "gn_indexed", "gn_normalize_space",
			"length", "coalesce", "nullif", "round", "substr", "strftime", "instr", "abs", "floor", "ceil", "pow",
			"sqrt", "exp", "ln", "log10", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "pi", "min", "max",
			"random", "randomblob", "hex", "lower", "date", "trim", "replace", NULL,
		};
		for (int i = 0; allowed[i]; i++)
			if (b && strcmp(b, allowed[i]) == 0) /* SQLITE_FUNCTION: b is the name */
				return SQLITE_OK;
	}
	return SQLITE_DENY;
}

/* ---- accessors ---------------------------------------------------------- */

int gn_form_find(const gn_form *form, const char *name)
{
	for (size_t i = 0; i < form->n_fields; i++)
		if (form->fields[i].name && strcmp(form->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

int gn_form_repeat_of(const gn_form *form, size_t k)
{
	int p = form->fields[k].parent;
	while (p >= 0 && form->fields[p].type != GN_FT_BEGIN_REPEAT)
		p = form->fields[p].parent;
	return p;
}

/* ---- roles --------------------------------------------------------------- */

static const char *const qrole_names[GN_QROLE_COUNT] = {
	[GN_QROLE_NONE] = "",
	[GN_QROLE_ROSTER] = "roster",
	[GN_QROLE_HOUSE_NO] = "house_no",
	[GN_QROLE_ALLEY] = "alley",
	[GN_QROLE_STREET] = "street",
	[GN_QROLE_VISIT_STATUS] = "visit_status",
	[GN_QROLE_VISIT_DATE] = "visit_date",
	[GN_QROLE_VISITED_BY] = "visited_by",
	[GN_QROLE_FULL_NAME] = "full_name",
	[GN_QROLE_BIRTH_YEAR] = "birth_year",
	[GN_QROLE_AGE] = "age",
	[GN_QROLE_SEX] = "sex",
	[GN_QROLE_RELATION] = "relation",
	[GN_QROLE_CCCD] = "cccd",
};

const char *gn_qrole_name(gn_qrole role)
{
	return role > GN_QROLE_NONE && role < GN_QROLE_COUNT ? qrole_names[role] : "";
}

gn_qrole gn_qrole_from_name(const char *name)
{
	for (int r = GN_QROLE_NONE + 1; name && r < GN_QROLE_COUNT; r++)
		if (strcmp(qrole_names[r], name) == 0)
			return (gn_qrole)r;
	return GN_QROLE_NONE;
}

bool gn_qrole_of_household(gn_qrole role)
{
	return role >= GN_QROLE_HOUSE_NO && role <= GN_QROLE_VISITED_BY;
}

int gn_form_role(const gn_form *form, gn_qrole role)
{
	return form && role > GN_QROLE_NONE && role < GN_QROLE_COUNT ? form->role_field[role] : -1;
}

bool gn_form_has_roster(const gn_form *form)
{
	return gn_form_role(form, GN_QROLE_ROSTER) >= 0;
}

bool gn_form_in_roster(const gn_form *form, const gn_field *f)
{
	int roster = gn_form_role(form, GN_QROLE_ROSTER);
	if (roster < 0 || f->level != 1)
		return false;
	for (int p = f->parent; p >= 0; p = form->fields[p].parent)
		if (form->fields[p].type == GN_FT_BEGIN_REPEAT)
			return p == roster;
	return false;
}

static const gn_choice_list *role_list(const gn_form *form, gn_qrole role)
{
	int k = gn_form_role(form, role);
	return k >= 0 ? form->fields[k].list : NULL;
}

const char *gn_form_code_to_gonha(const gn_form *form, gn_qrole role, const char *code)
{
	const gn_choice *ch = gn_choice_find(role_list(form, role), code);
	return ch && ch->gonha_code && *ch->gonha_code ? ch->gonha_code : code;
}

const char *gn_form_code_from_gonha(const gn_form *form, gn_qrole role, const char *code)
{
	const gn_choice_list *list = role_list(form, role);
	for (size_t i = 0; list && code && *code && i < list->n; i++) {
		const gn_choice *ch = &list->items[i];
		if (strcmp(ch->gonha_code && *ch->gonha_code ? ch->gonha_code : ch->name, code) == 0)
			return ch->name;
	}
	return code;
}

int gn_form_field_of(const gn_form *form, const char *name)
{
	gn_qrole role = gn_qrole_from_name(name);
	int k = role != GN_QROLE_NONE && role != GN_QROLE_ROSTER ? gn_form_role(form, role) : -1;
	return k >= 0 ? k : gn_form_key_field(form, name);
}

static void sql_quoted(gn_strbuf *out, const char *text)
{
	gn_sb_add(out, "'");
	for (const char *p = text; *p; p++)
		gn_sb_add(out, *p == '\'' ? "''" : (char[]){ *p, '\0' });
	gn_sb_add(out, "'");
}

bool gn_form_column_sql(const gn_form *form, const gn_field *f, const char *table, gn_strbuf *out)
{
	if (f->role == GN_QROLE_NONE || f->role == GN_QROLE_ROSTER)
		return false;
	const char *t = table ? table : "", *dot = table ? "." : "";
	const char *col = gn_qrole_name(f->role);
	if (f->role == GN_QROLE_AGE) {
		gn_sb_printf(out, "(CAST(substr(gn_today(), 1, 4) AS INTEGER) - %s%sbirth_year)", t, dot);
		return true;
	}
	if (f->role == GN_QROLE_CCCD) {
		gn_sb_printf(out, "gn_cccd_open(%s%scccd)", t, dot); /* stored encrypted (storage/vault.h) */
		return true;
	}
	bool mapped = false;
	for (size_t i = 0; f->list && i < f->list->n; i++)
		mapped |= f->list->items[i].gonha_code && *f->list->items[i].gonha_code &&
		          strcmp(f->list->items[i].gonha_code, f->list->items[i].name) != 0;
	if (!mapped) {
		gn_sb_printf(out, "%s%s%s", t, dot, col);
		return true;
	}
	/* the form's own codes, as its expressions compare them */
	gn_sb_printf(out, "(CASE %s%s%s", t, dot, col);
	for (size_t i = 0; i < f->list->n; i++) {
		const gn_choice *ch = &f->list->items[i];
		const char *code = ch->gonha_code && *ch->gonha_code ? ch->gonha_code : ch->name;
		if (strcmp(gn_form_code_from_gonha(form, f->role, code), ch->name) != 0)
			continue; /* the first choice mapped to a code stands for it */
		gn_sb_add(out, " WHEN ");
		sql_quoted(out, code);
		gn_sb_add(out, " THEN ");
		sql_quoted(out, ch->name);
	}
	gn_sb_printf(out, " ELSE %s%s%s END)", t, dot, col);
	return true;
}

const gn_choice *gn_choice_find(const gn_choice_list *list, const char *name)
{
	for (size_t i = 0; list && i < list->n; i++)
		if (strcmp(list->items[i].name, name) == 0)
			return &list->items[i];
	return NULL;
}

static const char *pick(const char *vi, const char *en)
{
	bool want_vi = strcmp(gn_i18n_lang(), "vi") == 0;
	const char *first = want_vi ? vi : en, *second = want_vi ? en : vi;
	return first && *first ? first : second && *second ? second : "";
}

const char *gn_field_label(const gn_field *f) { return pick(f->label_vi, f->label_en); }
const char *gn_form_title(const gn_form *form) { return pick(form->title_vi, form->title_en); }
const char *gn_field_hint(const gn_field *f) { return pick(f->hint_vi, f->hint_en); }
const char *gn_choice_label(const gn_choice *c) { return pick(c->label_vi, c->label_en); }

/* text number kind of n per language, in language lang, else the
 * default one; NULL when neither has it. */
static const char *lang_text(const gn_form *form, int lang, char *const *tr, size_t n, size_t kind)
{
	if (!tr || lang < 0 || (size_t)lang >= form->n_langs)
		return NULL;
	const char *t = tr[(size_t)lang * n + kind];
	if (t && *t)
		return t;
	if (form->lang_default >= 0 && (t = tr[(size_t)form->lang_default * n + kind]) && *t)
		return t;
	return NULL;
}

const char *gn_form_text(const gn_form *form, const gn_field *f, gn_text_kind kind)
{
	const char *t = lang_text(form, form->lang, f->tr, GN_TR_COUNT, kind);
	if (t)
		return t;
	switch (kind) {
	case GN_TR_LABEL: return gn_field_label(f);
	case GN_TR_HINT: return gn_field_hint(f);
	case GN_TR_REQUIRED_MSG: return pick(f->required_msg_vi, f->required_msg_en);
	default: return pick(f->constraint_msg_vi, f->constraint_msg_en);
	}
}

const char *gn_form_choice_text_in(const gn_form *form, const gn_choice *c, int lang)
{
	const char *t = lang_text(form, lang, c->tr, 1, 0);
	return t ? t : gn_choice_label(c);
}

const char *gn_form_choice_text(const gn_form *form, const gn_choice *c)
{
	return gn_form_choice_text_in(form, c, form->lang);
}

int gn_form_lang_find(const gn_form *form, const char *lang)
{
	for (size_t i = 0; lang && i < form->n_langs; i++)
		if (strcmp(form->langs[i].code, lang) == 0 || strcasecmp(form->langs[i].name, lang) == 0)
			return (int)i;
	return -1;
}

int gn_form_lang_initial(const gn_form *form, const char *ui_lang)
{
	if (form->n_langs < 2)
		return -1;
	if (form->lang_default >= 0)
		return form->lang_default;
	int k = gn_form_lang_find(form, ui_lang);
	return k >= 0 ? k : 0;
}

bool gn_form_set_lang(gn_form *form, int k)
{
	if (k < -1 || k >= (int)form->n_langs)
		return false;
	form->lang = k;
	return true;
}

/* The field named name directly in repeat `around` (-1: outside every
 * repeat), through its groups. */
static int find_in(const gn_form *form, const char *name, int around)
{
	for (size_t i = 0; i < form->n_fields; i++)
		if (form->fields[i].name && strcmp(form->fields[i].name, name) == 0 && gn_form_repeat_of(form, i) == around)
			return (int)i;
	return -1;
}

/* Walks a key's steps, each in the repeat the step before names; calls
 * step(k, index) for each (index 0: no "[i]"). The last step's field, or
 * -1 when the key is no path of the form's repeats. */
static int walk_key(const gn_form *form, const char *key, bool (*step)(void *, const gn_field *, long), void *arg)
{
	int around = -1, k = -1;
	for (const char *p = key; *p;) {
		size_t n = strcspn(p, "/");
		const char *open = memchr(p, '[', n);
		char name[128];
		snprintf(name, sizeof name, "%.*s", (int)(open ? (size_t)(open - p) : n), p);
		k = find_in(form, name, around);
		if (k < 0 || (open && form->fields[k].type != GN_FT_BEGIN_REPEAT))
			return -1;
		if (step && !step(arg, &form->fields[k], open ? strtol(open + 1, NULL, 10) : 0))
			return -1;
		p += n;
		if (*p == '/') {
			if (!open)
				return -1; /* only an entry has steps below it */
			p++;
		}
		around = k;
	}
	return k;
}

bool gn_form_asks(const void *form, const char *field)
{
	if (strcmp(field, "members") == 0)
		return gn_form_has_roster(form);
	return gn_form_field_of(form, field) >= 0;
}

int gn_form_key_field(const gn_form *form, const char *key)
{
	if (!form || !key)
		return -1;
	return strchr(key, '/') ? walk_key(form, key, NULL, NULL) : gn_form_find(form, key);
}

typedef struct key_label {
	char *buf;
	size_t size, len;
} key_label;

static bool label_step(void *arg, const gn_field *f, long index)
{
	key_label *l = arg;
	const char *label = *gn_field_label(f) ? gn_field_label(f) : f->name;
	int w = index ? snprintf(l->buf + l->len, l->size - l->len, "%s%s %ld", l->len ? " › " : "", label, index)
	              : snprintf(l->buf + l->len, l->size - l->len, "%s%s", l->len ? " › " : "", label);
	if (w < 0 || (size_t)w >= l->size - l->len)
		return false;
	l->len += (size_t)w;
	return true;
}

bool gn_form_key_label(const gn_form *form, const char *key, char *buf, size_t size)
{
	if (!form || !strchr(key, '/') || !size)
		return false;
	buf[0] = '\0';
	key_label l = { buf, size, 0 };
	return walk_key(form, key, label_step, &l) >= 0;
}

bool gn_field_appearance(const gn_field *f, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = f->appearance ? f->appearance : ""; *p;) {
		p += strspn(p, " ");
		size_t len = strcspn(p, " ");
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		if (len > n && strncmp(p, word, n) == 0 && p[n] == '(')
			return true;
		p += len;
	}
	return false;
}

bool gn_field_is_question(const gn_field *f)
{
	return f->type != GN_FT_NOTE && f->type != GN_FT_BEGIN_GROUP && f->type != GN_FT_END_GROUP &&
	       f->type != GN_FT_BEGIN_REPEAT && f->type != GN_FT_END_REPEAT;
}

const char *gn_forms_dir(char *buf, size_t size)
{
	const char *env = getenv("GONHA_FORMS");
	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return buf;
	}
	static const char *const ups[] = { "/forms", "/../forms", "/../../forms", "/../../../forms",
		                                 "/../share/gonha/forms" };
	if (gn_beside_binary(ups, sizeof ups / sizeof *ups, "census/survey.csv", buf, size))
		return buf;
	snprintf(buf, size, "%s", FORMSDIR);
	return buf;
}

/* Compiles "SELECT <sql>" with no table in reach. */
static gn_status compile(sqlite3 *db, const char *sql, sqlite3_stmt **out, gn_err *err)
{
	char *full = sqlite3_mprintf("SELECT %s", sql);
	if (!full)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	sqlite3_set_authorizer(db, authorize, NULL);
	int rc = sqlite3_prepare_v2(db, full, -1, out, NULL);
	sqlite3_set_authorizer(db, NULL, NULL);
	sqlite3_free(full);
	if (rc != SQLITE_OK) {
		*out = NULL;
		return gn_fail(err, GN_ERR_INVALID, _("SQLite cannot run it: %s"), sqlite3_errmsg(db));
	}
	return GN_OK;
}

static void compile_field_expr(gn_form *form, int i, const char *src, const char *what, int col, sqlite3_stmt **out,
                               gn_form_problems *problems)
{
	if (!src || !*src)
		return;
	char *sql = NULL;
	gn_err err = { 0 };
	int self = form->fields[i].type == GN_FT_CALCULATE ? -1 : i;
	if (gn_form_translate(form, src, self, NULL, NULL, &sql, &err) != GN_OK ||
	    compile(form->db, sql, out, &err) != GN_OK)
		form_problem_at(problems, "survey.csv", form->fields[i].line, form->fields[i].row, form->survey_col[col], false,
		                _("%s of %s: %s"), what, form->fields[i].name, err.msg);
	free(sql);
}

/* ${name} in a label, hint or message names a question of the form, as
 * pyxform requires (the screen fills it in). */
static void check_text_refs(gn_form *form, const gn_field *f, const char *text, gn_form_problems *problems)
{
	for (const char *p = text ? strstr(text, "${") : NULL; p; p = strstr(p + 2, "${")) {
		const char *end = strchr(p, '}');
		if (!end)
			return;
		char name[128];
		snprintf(name, sizeof name, "%.*s", (int)(end - p - 2 < 127 ? end - p - 2 : 127), p + 2);
		if (gn_form_find(form, name) < 0)
			form_problem_at(problems, "survey.csv", f->line, f->row, -1, false, _("%s: ${%s} is not a question of this form"),
			                f->name, name);
	}
}

static void compile_all(gn_form *form, gn_form_problems *problems)
{
	for (size_t i = 0; i < form->n_fields; i++) {
		gn_field *f = &form->fields[i];
		const char *texts[] = { f->label_vi, f->label_en, f->hint_vi, f->hint_en, f->constraint_msg_vi,
			                    f->constraint_msg_en, f->required_msg_vi, f->required_msg_en };
		for (size_t k = 0; k < sizeof texts / sizeof *texts; k++)
			check_text_refs(form, f, texts[k], problems);
		/* the form's other languages: each text once */
		for (size_t k = 0; f->tr && k < form->n_langs * GN_TR_COUNT; k++) {
			bool seen = false;
			for (size_t j = 0; j < sizeof texts / sizeof *texts && !seen; j++)
				seen = texts[j] && strcmp(texts[j], f->tr[k]) == 0;
			if (!seen)
				check_text_refs(form, f, f->tr[k], problems);
		}
		compile_field_expr(form, (int)i, f->relevant_src, "relevant", GN_COL_RELEVANT, &f->relevant, problems);
		compile_field_expr(form, (int)i, f->constraint_src, "constraint", GN_COL_CONSTRAINT, &f->constraint, problems);
		compile_field_expr(form, (int)i, f->required_src, "required", GN_COL_REQUIRED, &f->required, problems);
		compile_field_expr(form, (int)i, f->calculation_src, "calculation", GN_COL_CALCULATION, &f->calc, problems);
		compile_field_expr(form, (int)i, f->repeat_count_src, "repeat_count", GN_COL_REPEAT_COUNT, &f->repeat_count,
		                   problems);
		if (*f->choice_filter_src) {
			char *sql = NULL;
			gn_err err = { 0 };
			char unknown[64];
			int col = form->survey_col[GN_COL_CHOICE_FILTER];
			if (gn_form_translate_filter(form, f->choice_filter_src, (int)i, &sql, unknown, &err) != GN_OK ||
			    compile(form->db, sql, &f->filter, &err) != GN_OK)
				form_problem_at(problems, "survey.csv", f->line, f->row, col, false, _("%s of %s: %s"), "choice_filter",
				                f->name, err.msg);
			else if (*unknown && f->list_from_file)
				form_problem_at(problems, "survey.csv", f->line, f->row, col, true,
				                _("choice_filter of %s: the choices of %s are in a file that is not on this PC; %s "
				                  "is read as empty until it is"),
				                f->name, f->xls_type, unknown);
			else if (*unknown)
				form_problem_at(problems, "survey.csv", f->line, f->row, col, true,
				                _("choice_filter of %s: %s is not a column of the choices sheet, so it is empty for "
				                  "every choice"),
				                f->name, unknown);
			free(sql);
		}
	}
}

/* Reads one sheet of the folder; a missing one is NULL (*present false). */
static gn_status read_sheet(const char *dir, const char *file, sheet *s, bool *present, gn_form_problems *problems)
{
	char path[PATH_MAX];
	gn_err e = { 0 };
	snprintf(path, sizeof path, "%s/%s", dir, file);
	gn_status st = sheet_read(path, s, &e);
	*present = st == GN_OK;
	if (st == GN_OK)
		form_canon_headers(s, file, problems);
	else if (st != GN_ERR_NOT_FOUND)
		form_problem_at(problems, file, 0, 0, -1, false, "%s", e.msg);
	return st;
}

static gn_status load_sheets(const char *dir, sqlite3 *db, sheet *survey, bool has_survey, sheet *choices,
                             bool has_choices, sheet *settings, bool has_settings, bool has_external,
                             gn_form **out, gn_form_problems *problems, gn_err *err)
{
	gn_status st;
	*out = NULL;
	gn_form *form = calloc(1, sizeof *form);
	if (!form)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	form->dir = strdup(dir);
	form->db = db;
	for (int k = 0; k < 8; k++)
		form->survey_col[k] = -1;
	for (int r = 0; r < GN_QROLE_COUNT; r++)
		form->role_field[r] = -1;
	if ((st = gn_form_register_sqlite(db, err)) != GN_OK)
		goto out;
	form_load_settings(form, dir, has_settings ? settings : NULL, problems);
	form->lang = -1;
	form_find_langs(form, has_survey ? survey : NULL, has_choices ? choices : NULL);
	if (has_choices)
		form_load_choices(form, choices, problems);
	if (has_survey)
		form_load_survey(form, survey, problems);
	for (size_t i = 0; i < form->n_fields && !has_external; i++)
		if (strstr(form->fields[i].xls_type, "_external"))
			form_problem_at(problems, "survey.csv", form->fields[i].line, form->fields[i].row,
			                form->survey_col[GN_COL_TYPE], false,
			                _("%s is a %s, so the form needs an external_choices sheet"), form->fields[i].name,
			                form->fields[i].xls_type);
	st = GN_OK;
	if (problems->errors == 0)
		compile_all(form, problems);
	if (problems->errors) {
		st = gn_fail(err, GN_ERR_INVALID,
		             ngettext("the form in %s has %zu problem", "the form in %s has %zu problems",
		                      (unsigned long)problems->errors),
		             dir, problems->errors);
		goto out;
	}
	*out = form;
	form = NULL;
out:
	gn_form_free(form);
	return st;
}

gn_status gn_form_load(const char *dir, sqlite3 *db, gn_form **out, gn_form_problems *problems, gn_err *err)
{
	sheet survey = { 0 }, choices = { 0 }, settings = { 0 };
	bool has_survey, has_choices, has_settings;
	read_sheet(dir, "settings.csv", &settings, &has_settings, problems);
	read_sheet(dir, "choices.csv", &choices, &has_choices, problems);
	if (read_sheet(dir, "survey.csv", &survey, &has_survey, problems) == GN_ERR_NOT_FOUND)
		form_problem_at(problems, "survey.csv", 0, 0, -1, false, _("there is no survey sheet (survey.csv)"));
	/* select_one_external: its choices are the external_choices sheet */
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/external_choices.csv", dir);
	bool has_external = access(path, R_OK) == 0;
	gn_status st = load_sheets(dir, db, &survey, has_survey, &choices, has_choices, &settings, has_settings,
	                           has_external, out, problems, err);
	sheet_free(&survey);
	sheet_free(&choices);
	sheet_free(&settings);
	return st;
}

/* ---- a workbook's sheets ---------------------------------------------------- */

static const char *const book_sheets[] = { "survey", "choices", "settings", "external_choices" };
enum { BOOK_SHEETS = 4, BOOK_MAX_ROWS = 100000, BOOK_MAX_COLS = 1024 };

struct gn_form_book {
	sheet sheets[BOOK_SHEETS];
	bool present[BOOK_SHEETS];
};

gn_form_book *gn_form_book_new(void)
{
	return calloc(1, sizeof(gn_form_book));
}

void gn_form_book_free(gn_form_book *b)
{
	if (!b)
		return;
	for (int i = 0; i < BOOK_SHEETS; i++)
		sheet_free(&b->sheets[i]);
	free(b);
}

gn_status gn_form_book_add_row(gn_form_book *b, const char *name, long row, const char *const *cells, size_t n,
                               gn_err *err)
{
	int k;
	for (k = 0; k < BOOK_SHEETS && strcmp(book_sheets[k], name) != 0; k++)
		;
	if (k == BOOK_SHEETS)
		return GN_OK;
	sheet *s = &b->sheets[k];
	b->present[k] = true;
	if (!cells)
		return GN_OK; /* the sheet is there, with no rows */
	if (s->n >= BOOK_MAX_ROWS || n > BOOK_MAX_COLS || row > INT_MAX)
		return gn_fail(err, GN_ERR_INVALID, _("the %s sheet is larger than a questionnaire can be (%d rows, %d columns)"),
		               name, BOOK_MAX_ROWS, BOOK_MAX_COLS);
	sheet_row *rows = realloc(s->rows, (s->n + 1) * sizeof *rows);
	if (!rows)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	s->rows = rows;
	sheet_row *r = &s->rows[s->n];
	memset(r, 0, sizeof *r);
	r->cells = calloc(n ? n : 1, sizeof *r->cells);
	if (!r->cells)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	for (size_t i = 0; i < n; i++)
		if (!(r->cells[r->n++] = strdup(cells[i] ? cells[i] : "")))
			break;
	s->n++;
	r->line = r->row = (int)row;
	if (r->n < n)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	return GN_OK;
}

gn_status gn_form_load_book(const char *name, gn_form_book *b, sqlite3 *db, gn_form **out, gn_form_problems *problems,
                            gn_err *err)
{
	static const char *const files[] = { "survey.csv", "choices.csv", "settings.csv", "external_choices.csv" };
	for (int i = 0; i < BOOK_SHEETS; i++)
		if (b->present[i])
			form_canon_headers(&b->sheets[i], files[i], problems);
	if (!b->present[0])
		form_problem_at(problems, "survey.csv", 0, 0, -1, false, _("the workbook has no survey sheet"));
	return load_sheets(name, db, &b->sheets[0], b->present[0], &b->sheets[1], b->present[1], &b->sheets[2],
	                   b->present[2], b->present[3], out, problems, err);
}

void gn_form_free(gn_form *form)
{
	if (!form)
		return;
	for (size_t i = 0; i < form->n_fields; i++) {
		gn_field *f = &form->fields[i];
		char *strings[] = { f->name, f->label_vi, f->label_en, f->hint_vi, f->hint_en, f->required_src,
		                    f->required_msg_vi, f->required_msg_en, f->constraint_src, f->constraint_msg_vi,
		                    f->constraint_msg_en, f->relevant_src, f->calculation_src, f->default_value,
		                    f->choice_filter_src, f->repeat_count_src, f->appearance, f->media_file };
		for (size_t k = 0; k < sizeof strings / sizeof *strings; k++)
			free(strings[k]);
		for (size_t k = 0; f->tr && k < form->n_langs * GN_TR_COUNT; k++)
			free(f->tr[k]);
		free(f->tr);
		sqlite3_finalize(f->relevant);
		sqlite3_finalize(f->constraint);
		sqlite3_finalize(f->required);
		sqlite3_finalize(f->calc);
		sqlite3_finalize(f->filter);
		sqlite3_finalize(f->repeat_count);
	}
	for (size_t i = 0; i < form->n_lists; i++) {
		for (size_t k = 0; k < form->lists[i].n; k++) {
			free(form->lists[i].items[k].name);
			free(form->lists[i].items[k].label_vi);
			free(form->lists[i].items[k].label_en);
			free(form->lists[i].items[k].gonha_code);
			for (size_t l = 0; form->lists[i].items[k].tr && l < form->n_langs; l++)
				free(form->lists[i].items[k].tr[l]);
			free(form->lists[i].items[k].tr);
			for (size_t c = 0; form->lists[i].items[k].extra && c < form->n_choice_cols; c++)
				free(form->lists[i].items[k].extra[c]);
			free(form->lists[i].items[k].extra);
		}
		free(form->lists[i].items);
		free(form->lists[i].name);
	}
	for (size_t c = 0; c < form->n_choice_cols; c++)
		free(form->choice_cols[c]);
	free(form->choice_cols);
	for (size_t l = 0; l < form->n_langs; l++) {
		free(form->langs[l].code);
		free(form->langs[l].name);
	}
	free(form->langs);
	free(form->fields);
	free(form->lists);
	free(form->dir);
	free(form->id);
	free(form->version);
	free(form->default_lang);
	free(form->repeat_name);
	free(form->title_vi);
	free(form->title_en);
	free(form);
}

/* ---- evaluating --------------------------------------------------------- */

/* Binds every parameter the statement uses from the record's values, typed
 * by the field: numbers as numbers, empty as NULL. */
static void bind_values(const gn_form *form, sqlite3_stmt *st, gn_form_values vals)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	int n = sqlite3_bind_parameter_count(st);
	for (int p = 1; p <= n; p++) {
		const char *named = sqlite3_bind_parameter_name(st, p);
		if (named && strcmp(named, GN_FORM_LANG_PARAM) == 0) {
			if (form->lang >= 0)
				sqlite3_bind_int(st, p, form->lang); /* jr:choice-name() in the form's language */
			continue;
		}
		int index = p - 1; /* ?N is field N-1 */
		if (index == (int)form->n_fields && form->position > 0) {
			sqlite3_bind_int(st, p, form->position); /* position(..) */
			continue;
		}
		if (index < 0 || (size_t)index >= form->n_fields)
			continue;
		const char *v = vals ? vals[index] : NULL;
		if (!v || !*v)
			continue;
		const gn_field *f = &form->fields[index];
		char *end;
		if (f->type == GN_FT_INTEGER) {
			long long x = strtoll(v, &end, 10);
			if (!*end) {
				sqlite3_bind_int64(st, p, x);
				continue;
			}
		} else if (f->type == GN_FT_DECIMAL) {
			double x = strtod(v, &end);
			if (!*end) {
				sqlite3_bind_double(st, p, x);
				continue;
			}
		}
		sqlite3_bind_text(st, p, v, -1, SQLITE_TRANSIENT);
	}
}

/* 1 true, 0 false, -1 empty (an answer it needs is missing), -2 SQLite
 * failed (the message kept in form->eval_error for the caller to show). */
static int eval_bool(const gn_form *form, sqlite3_stmt *st, gn_form_values vals)
{
	bind_values(form, st, vals);
	int result = -2;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		result = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 0) != 0.0;
	else
		gn_db_fail(form->db, (gn_err *)&form->eval_error, "form");
	sqlite3_reset(st);
	return result;
}

bool gn_form_relevant(gn_form *form, size_t i, gn_form_values vals)
{
	const gn_field *f = &form->fields[i];
	/* A field inside a non-relevant group is not relevant either. */
	for (size_t g = 0; g < i; g++) {
		const gn_field *open = &form->fields[g];
		if ((open->type == GN_FT_BEGIN_GROUP || open->type == GN_FT_BEGIN_REPEAT) && open->relevant) {
			int depth = 0;
			bool inside = false;
			for (size_t k = g + 1; k <= i; k++) {
				gn_field_type t = form->fields[k].type;
				if (t == GN_FT_BEGIN_GROUP || t == GN_FT_BEGIN_REPEAT)
					depth++;
				else if (t == GN_FT_END_GROUP || t == GN_FT_END_REPEAT) {
					if (depth-- == 0)
						break;
				}
				if (k == i)
					inside = true;
			}
			if (inside && eval_bool(form, open->relevant, vals) == 0)
				return false;
		}
	}
	return !f->relevant || eval_bool(form, f->relevant, vals) != 0;
}

static const char *message(const char *vi, const char *en, const char *fallback)
{
	const char *m = pick(vi, en);
	return *m ? m : fallback;
}

/* The form's message of f in its chosen language, else the plain one. */
static const char *form_message(const gn_form *form, const gn_field *f, gn_text_kind kind)
{
	const char *m = gn_form_text(form, f, kind);
	return *m ? m : kind == GN_TR_REQUIRED_MSG ? _("this question needs an answer") : _("this answer is not allowed here");
}

const char *gn_field_constraint_message(const gn_field *f)
{
	return message(f->constraint_msg_vi, f->constraint_msg_en, _("this answer is not allowed here"));
}

const char *gn_field_required_message(const gn_field *f)
{
	return message(f->required_msg_vi, f->required_msg_en, _("this question needs an answer"));
}

gn_status gn_form_check_type(const gn_field *f, const char *v, gn_err *err)
{
	if (!v || !*v)
		return GN_OK;
	char *end;
	switch (f->type) {
	case GN_FT_INTEGER:
		errno = 0;
		(void)strtoll(v, &end, 10);
		if (*end || end == v || errno)
			return gn_fail_field(err, GN_ERR_INVALID, f->name, _("type a whole number (digits only)"));
		break;
	case GN_FT_DECIMAL:
		(void)strtod(v, &end);
		if (*end || end == v)
			return gn_fail_field(err, GN_ERR_INVALID, f->name, _("type a number, e.g. 12.5"));
		break;
	case GN_FT_DATE:
		if (!gn_date_valid(v))
			return gn_fail_field(err, GN_ERR_INVALID, f->name, _("type a real date as YYYY-MM-DD, e.g. 2026-03-31"));
		break;
	case GN_FT_TIME: {
		int h, m, n = 0;
		if (sscanf(v, "%2d:%2d%n", &h, &m, &n) != 2 || h > 23 || m > 59 || (v[n] && v[n] != ':'))
			return gn_fail_field(err, GN_ERR_INVALID, f->name, _("type a time of day as HH:MM, e.g. 14:30"));
		break;
	}
	case GN_FT_DATETIME: {
		char day[11];
		int h, m, n = 0;
		snprintf(day, sizeof day, "%.10s", v);
		if (!gn_date_valid(day) || (v[10] != 'T' && v[10] != ' ') || sscanf(v + 11, "%2d:%2d%n", &h, &m, &n) != 2 ||
		    h > 23 || m > 59)
			return gn_fail_field(err, GN_ERR_INVALID, f->name,
			                     _("type a date and time as YYYY-MM-DD HH:MM, e.g. 2026-03-31 14:30"));
		break;
	}
	case GN_FT_GEOPOINT: {
		/* "lat lon [altitude [accuracy]]"; a trace or a shape is points joined by ';' */
		char *copy = strdup(v), *save = NULL;
		if (!copy)
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		bool ok = true;
		for (char *pt = strtok_r(copy, ";", &save); pt && ok; pt = strtok_r(NULL, ";", &save)) {
			double lat, lon, alt, acc;
			int got = sscanf(pt, "%lf %lf %lf %lf", &lat, &lon, &alt, &acc);
			ok = got >= 2 && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
		}
		free(copy);
		if (!ok)
			return gn_fail_field(err, GN_ERR_INVALID, f->name,
			                     _("type a place as latitude and longitude, e.g. 21.0285 105.8542"));
		break;
	}
	case GN_FT_SELECT_ONE:
		if (f->list_from_file)
			break; /* the choices are in a file the form names */
		if (!gn_choice_find(f->list, v))
			return gn_fail_field(err, GN_ERR_INVALID, f->name, _("'%s' is not one of the choices"), v);
		break;
	case GN_FT_SELECT_MULTIPLE: {
		if (f->list_from_file)
			break;
		char *copy = strdup(v), *save = NULL;
		if (!copy)
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		gn_status st = GN_OK;
		for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
			if (!gn_choice_find(f->list, w)) {
				st = gn_fail_field(err, GN_ERR_INVALID, f->name, _("'%s' is not one of the choices"), w);
				break;
			}
		free(copy);
		return st;
	}
	default:
		break;
	}
	return GN_OK;
}

gn_status gn_form_check_value(gn_form *form, size_t i, gn_form_values vals, gn_err *err)
{
	const gn_field *f = &form->fields[i];
	const char *v = vals ? vals[i] : NULL;
	bool empty = !v || !*v;
	if (!gn_field_is_question(f) || f->type == GN_FT_CALCULATE || !gn_form_relevant(form, i, vals))
		return GN_OK;
	if (empty) {
		int req = f->required ? eval_bool(form, f->required, vals) : 0;
		if (req == -2)
			return gn_fail_field(err, form->eval_error.status, f->name, "%s", form->eval_error.msg);
		bool required = f->required_always || req == 1;
		if (required)
			return gn_fail_field(err, GN_ERR_INVALID, f->name, "%s", form_message(form, f, GN_TR_REQUIRED_MSG));
		return GN_OK;
	}
	gn_status st = gn_form_check_type(f, v, err);
	if (st != GN_OK)
		return st;
	int ok = f->constraint ? eval_bool(form, f->constraint, vals) : 1;
	if (ok == -2) /* not the answer's fault: say what went wrong */
		return gn_fail_field(err, form->eval_error.status, f->name, "%s", form->eval_error.msg);
	if (ok != 1)
		return gn_fail_field(err, GN_ERR_INVALID, f->name, "%s", form_message(form, f, GN_TR_CONSTRAINT_MSG));
	return GN_OK;
}

char *gn_form_calculate(gn_form *form, size_t i, gn_form_values vals)
{
	const gn_field *f = &form->fields[i];
	if (!f->calc)
		return NULL;
	bind_values(form, f->calc, vals);
	char *value = NULL;
	int type = sqlite3_step(f->calc) == SQLITE_ROW ? sqlite3_column_type(f->calc, 0) : SQLITE_NULL;
	double d = type == SQLITE_FLOAT ? sqlite3_column_double(f->calc, 0) : 0;
	if (type == SQLITE_FLOAT && d == floor(d) && fabs(d) < 1e15) {
		/* XPath's string of a whole number has no decimal point: sum() is 70, not 70.0 */
		char whole[32];
		snprintf(whole, sizeof whole, "%.0f", d == 0 ? 0.0 : d);
		value = strdup(whole);
	} else if (type != SQLITE_NULL) {
		value = strdup((const char *)sqlite3_column_text(f->calc, 0));
	}
	sqlite3_reset(f->calc);
	return value;
}

bool gn_form_choice_shown(gn_form *form, size_t i, size_t c, gn_form_values vals)
{
	const gn_field *f = &form->fields[i];
	if (!f->filter)
		return true;
	if (!f->list || c >= f->list->n)
		return false;
	const gn_choice *ch = &f->list->items[c];
	bind_values(form, f->filter, vals);
	/* the choice's own columns: ?(n_fields+2+k), its name after them */
	int base = (int)form->n_fields + 2;
	for (size_t k = 0; k < form->n_choice_cols; k++)
		if (ch->extra && ch->extra[k] && *ch->extra[k])
			sqlite3_bind_text(f->filter, base + (int)k, ch->extra[k], -1, SQLITE_STATIC);
	sqlite3_bind_text(f->filter, base + (int)form->n_choice_cols, ch->name, -1, SQLITE_STATIC);
	bool shown = false;
	if (sqlite3_step(f->filter) == SQLITE_ROW)
		shown = sqlite3_column_type(f->filter, 0) != SQLITE_NULL && sqlite3_column_double(f->filter, 0) != 0.0;
	sqlite3_reset(f->filter);
	sqlite3_clear_bindings(f->filter);
	return shown;
}

long gn_form_repeat_count(gn_form *form, size_t i, gn_form_values vals)
{
	const gn_field *f = &form->fields[i];
	if (!f->repeat_count)
		return -1;
	bind_values(form, f->repeat_count, vals);
	long n = -1;
	if (sqlite3_step(f->repeat_count) == SQLITE_ROW && sqlite3_column_type(f->repeat_count, 0) != SQLITE_NULL) {
		double x = sqlite3_column_double(f->repeat_count, 0);
		n = x < 0 ? 0 : x > 1000 ? 1000 : (long)x;
	}
	sqlite3_reset(f->repeat_count);
	return n;
}

char *gn_form_fill(gn_form *form, const char *text, gn_form_values vals)
{
	gn_strbuf out = { 0 };
	const char *p = text ? text : "";
	while (*p) {
		const char *open = strstr(p, "${"), *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			gn_sb_add(&out, p);
			break;
		}
		gn_sb_addn(&out, p, (size_t)(open - p));
		char name[128];
		snprintf(name, sizeof name, "%.*s", (int)(close - open - 2), open + 2);
		int k = gn_form_find(form, name);
		const char *v = k >= 0 && vals ? vals[k] : NULL;
		char *calculated = k >= 0 && form->fields[k].type == GN_FT_CALCULATE ? gn_form_calculate(form, (size_t)k, vals)
		                                                                      : NULL;
		if (calculated)
			v = calculated;
		/* a select shows its answer as ODK Collect does: the choice's name
		 * (names, space-separated); a label is jr:choice-name()'s, through a
		 * calculate */
		if (k < 0)
			gn_sb_addn(&out, open, (size_t)(close - open + 1)); /* not a question: as written */
		else
			gn_sb_add(&out, v ? v : "");
		free(calculated);
		p = close + 1;
	}
	bool failed = out.failed;
	char *filled = gn_sb_take(&out);
	return filled || failed ? filled : strdup("");
}

/* ---- over stored rows ---------------------------------------------------- */

gn_status gn_form_person_column(void *arg, const gn_form *form, const gn_field *field, gn_strbuf *out, gn_err *err)
{
	(void)arg;
	if (field->level != 1)
		return gn_fail(err, GN_ERR_INVALID, _("%s is a household question; an indicator counts persons"), field->name);
	if (gn_form_column_sql(form, field, NULL, out))
		return GN_OK;
	gn_form_answer_sql(out, field->name);
	return GN_OK;
}

#define ANSWER_READ "json_extract(answers, '$."

void gn_form_answer_sql(gn_strbuf *out, const char *name)
{
	/* Names are [A-Za-z0-9_.-], checked at load: safe inside the path,
	 * quoted when they have a '.' or a '-'. */
	if (strpbrk(name, ".-"))
		gn_sb_printf(out, ANSWER_READ "\"%s\"')", name);
	else
		gn_sb_printf(out, ANSWER_READ "%s')", name);
}

const char *gn_form_answer_ref(const char *sql, size_t *len, char *name, size_t cap)
{
	const size_t lead = strlen(ANSWER_READ);
	for (const char *p = sql; *p; p++) {
		if (strncmp(p, ANSWER_READ, lead) == 0) {
			const char *n = p + lead;
			bool quoted = *n == '"';
			n += quoted;
			size_t l = strspn(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");
			const char *end = n + l;
			if (quoted && *end == '"')
				end++;
			else if (quoted)
				l = 0;
			if (l && l < cap && strncmp(end, "')", 2) == 0) {
				memcpy(name, n, l);
				name[l] = '\0';
				*len = (size_t)(end + 2 - p);
				return p;
			}
		}
		if (*p == '\'' || *p == '"') { /* a literal or a quoted name: not read inside */
			char q = *p;
			while (p[1] && !(p[1] == q && p[2] != q))
				p += 1 + (p[1] == q); /* a doubled quote stands for one */
			if (!p[1])
				return NULL;
			p++;
		}
	}
	return NULL;
}

/* The questions a part of a condition reads that are answers (not core
 * columns), "a/b", for saying what a person lacks. */
typedef struct read_names {
	gn_strbuf names;
} read_names;

static gn_status note_answer_read(void *arg, const gn_form *form, const gn_field *f, gn_strbuf *out, gn_err *err)
{
	read_names *r = arg;
	if (f->role == GN_QROLE_NONE) {
		bool seen = false;
		const char *p = r->names.s ? r->names.s : "";
		while (*p && !seen) {
			size_t l = strcspn(p, "/");
			seen = l == strlen(f->name) && strncmp(p, f->name, l) == 0;
			p += l + (p[l] == '/');
		}
		if (!seen)
			gn_sb_printf(&r->names, "%s%s", r->names.len ? "/" : "", f->name);
	}
	return gn_form_person_column(NULL, form, f, out, err);
}

/* SQL giving what a person lacks of a condition: for each part of it (its
 * top-level "and"s) that is false, the answers it reads and ';'. */
static gn_status lacks_sql(const gn_form *form, const char *condition, char **out, gn_err *err)
{
	char **parts = NULL;
	size_t n = 0;
	*out = NULL;
	gn_status st = gn_form_conjuncts(condition, &parts, &n, err);
	gn_strbuf sql = { 0 };
	gn_sb_add(&sql, "(''");
	for (size_t i = 0; i < n && st == GN_OK; i++) {
		read_names r = { { 0 } };
		char *part = NULL;
		st = gn_form_translate(form, parts[i], -1, note_answer_read, &r, &part, err);
		if (st == GN_OK && r.names.len) {
			char *one = sqlite3_mprintf(" || (CASE WHEN coalesce(%s, 0) THEN '' ELSE '%q;' END)", part, r.names.s);
			if (one)
				gn_sb_add(&sql, one);
			else
				sql.failed = true;
			sqlite3_free(one);
		}
		free(part);
		gn_sb_free(&r.names);
	}
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
	gn_sb_add(&sql, ")");
	if (st == GN_OK && sql.failed)
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (st == GN_OK)
		*out = gn_sb_take(&sql);
	gn_sb_free(&sql);
	return st;
}

gn_status gn_form_indicators(const gn_form *form, gn_cov_set *set, gn_form_problems *problems, gn_err *err)
{
	char path[PATH_MAX];
	sheet s;
	gn_err e = { 0 };
	snprintf(path, sizeof path, "%s/indicators.csv", form->dir);
	gn_status st = sheet_read(path, &s, &e);
	if (st == GN_ERR_NOT_FOUND)
		return GN_OK; /* a form without indicators counts nothing */
	if (st != GN_OK) {
		form_problem(problems, "indicators.csv", 0, false, "%s", e.msg);
		return gn_fail(err, st, "indicators.csv: %s", e.msg);
	}
	int c_name = sheet_column(&s, "name"), c_vi = form_column(&s, "label::vi", "label"), c_en = sheet_column(&s, "label::en");
	int c_pop = sheet_column(&s, "population"), c_cond = sheet_column(&s, "condition");
	int c_kind = sheet_column(&s, "kind");
	size_t before = problems ? problems->errors : 0;
	if (c_name < 0 || c_pop < 0 || c_cond < 0)
		form_problem(problems, "indicators.csv", 1, false, _("the header needs the columns name, population and condition"));
	for (size_t r = 1; r < s.n && c_name >= 0 && c_pop >= 0 && c_cond >= 0; r++) {
		const char *name = sheet_cell(&s, r, c_name);
		if (!*name)
			continue;
		char *pop = NULL, *cond = NULL, *lacks = NULL;
		gn_err why = { 0 };
		if (gn_form_translate(form, sheet_cell(&s, r, c_pop), -1, gn_form_person_column, NULL, &pop, &why) != GN_OK) {
			form_problem(problems, "indicators.csv", s.rows[r].line, false, _("population of %s: %s"), name, why.msg);
		} else if (gn_form_translate(form, sheet_cell(&s, r, c_cond), -1, gn_form_person_column, NULL, &cond, &why) !=
		           GN_OK) {
			form_problem(problems, "indicators.csv", s.rows[r].line, false, _("condition of %s: %s"), name, why.msg);
		} else if (gn_cov_add(set, name, sheet_cell(&s, r, c_vi), sheet_cell(&s, r, c_en), pop, cond,
		                      strcmp(sheet_cell(&s, r, c_kind), "count") == 0, &why) != GN_OK ||
		           (lacks_sql(form, sheet_cell(&s, r, c_cond), &lacks, &why) != GN_OK ||
		            gn_cov_set_lacks(set, name, lacks, &why) != GN_OK)) {
			form_problem(problems, "indicators.csv", s.rows[r].line, false, "%s", why.msg);
		} else {
			/* target_YYYY columns; an empty cell is "no target" */
			for (size_t c = 0; c < s.rows[0].n; c++) {
				int year;
				char tail;
				const char *cell = sheet_cell(&s, r, (int)c);
				if (sscanf(s.rows[0].cells[c], "target_%d%c", &year, &tail) != 1 || !*cell)
					continue;
				char *end;
				double pct = strtod(cell, &end);
				if (*end || gn_cov_set_target(set, name, year, pct, &why) != GN_OK)
					form_problem(problems, "indicators.csv", s.rows[r].line, false,
					            _("target_%d of %s must be a percent from 0 to 100"), year, name);
			}
		}
		free(pop);
		free(cond);
		free(lacks);
	}
	sheet_free(&s);
	if (problems && problems->errors > before)
		return gn_fail(err, GN_ERR_INVALID, _("indicators.csv has problems"));
	return GN_OK;
}

/* ---- answers across form versions ----------------------------------------- */

gn_status gn_form_migrate_answers(sqlite3 *db, const gn_form *form, gn_form_problems *problems, gn_err *err)
{
	char path[PATH_MAX];
	sheet s;
	gn_err e = { 0 };
	sqlite3_stmt *seen = NULL, *mark = NULL;
	gn_status st;
	snprintf(path, sizeof path, "%s/renames.csv", form->dir);
	st = sheet_read(path, &s, &e);
	if (st == GN_ERR_NOT_FOUND)
		memset(&s, 0, sizeof s);
	else if (st != GN_OK) {
		form_problem(problems, "renames.csv", 0, false, "%s", e.msg);
		return gn_fail(err, st, "renames.csv: %s", e.msg);
	}
	int c_ver = sheet_column(&s, "version"), c_level = sheet_column(&s, "level");
	int c_old = sheet_column(&s, "old_name"), c_new = sheet_column(&s, "new_name");
	if (s.n && (c_ver < 0 || c_level < 0 || c_old < 0 || c_new < 0)) {
		form_problem(problems, "renames.csv", 1, false, _("the header needs version, level, old_name and new_name"));
		sheet_free(&s);
		return gn_fail(err, GN_ERR_INVALID, _("renames.csv has problems"));
	}
	if ((st = gn_db_begin(db, err)) != GN_OK)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM form_version WHERE form_id = ?1 AND version = ?2", -1, &seen, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO form_version(form_id, version, applied_at) "
	                       "VALUES (?1, ?2, gn_now_utc())", -1, &mark, NULL)) {
		st = gn_db_fail(db, err, "form_version");
		goto rollback;
	}
	for (size_t r = 1; r < s.n; r++) {
		const char *version = sheet_cell(&s, r, c_ver), *level = sheet_cell(&s, r, c_level);
		const char *old_name = sheet_cell(&s, r, c_old), *new_name = sheet_cell(&s, r, c_new);
		const char *table = strcmp(level, "household") == 0 ? "household" : strcmp(level, "person") == 0 ? "person" : NULL;
		size_t ok_chars = strspn(old_name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		size_t ok_new = strspn(new_name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		if (!table || !*old_name || !*new_name || ok_chars != strlen(old_name) || ok_new != strlen(new_name)) {
			form_problem(problems, "renames.csv", s.rows[r].line, false,
			            _("a rename needs level household or person and two names of letters, digits and _"));
			st = gn_fail(err, GN_ERR_INVALID, _("renames.csv has problems"));
			goto rollback;
		}
		sqlite3_bind_text(seen, 1, form->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(seen, 2, version, -1, SQLITE_STATIC);
		int applied = sqlite3_step(seen) == SQLITE_ROW;
		sqlite3_reset(seen);
		if (applied)
			continue;
		/* Move the key, never overwriting an answer already under the new name. */
		char *sql = sqlite3_mprintf("UPDATE %s SET answers = json_set(json_remove(answers, '$.%s'), '$.%s', "
		                            "json_extract(answers, '$.%s')) WHERE json_type(answers, '$.%s') IS NOT NULL "
		                            "AND json_type(answers, '$.%s') IS NULL",
		                            table, old_name, new_name, old_name, old_name, new_name);
		st = sql ? gn_db_exec(db, sql, err) : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		sqlite3_free(sql);
		if (st != GN_OK)
			goto rollback;
	}
	/* Every version named in the file, and the current one, is now applied. */
	for (size_t r = 0; r < s.n; r++) {
		const char *version = r == 0 ? form->version : sheet_cell(&s, r, c_ver);
		sqlite3_bind_text(mark, 1, form->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(mark, 2, version, -1, SQLITE_STATIC);
		if (sqlite3_step(mark) != SQLITE_DONE) {
			st = gn_db_fail(db, err, "form_version");
			goto rollback;
		}
		sqlite3_reset(mark);
	}
	if (s.n == 0) {
		sqlite3_bind_text(mark, 1, form->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(mark, 2, form->version, -1, SQLITE_STATIC);
		if (sqlite3_step(mark) != SQLITE_DONE) {
			st = gn_db_fail(db, err, "form_version");
			goto rollback;
		}
	}
	sqlite3_finalize(seen);
	sqlite3_finalize(mark);
	seen = mark = NULL;
	st = gn_db_commit(db, err);
	goto out;
rollback:
	sqlite3_finalize(seen);
	sqlite3_finalize(mark);
	gn_db_rollback(db);
out:
	sheet_free(&s);
	return st;
}

gn_status gn_form_value_as_stored(const gn_form *form, const char *field, char *value, size_t size, gn_err *err)
{
	int k = gn_form_key_field(form, field); /* a repeat's answer by its path too */
	if (k < 0)
		return GN_OK; /* a column the form does not ask: the domain checks it */
	const gn_field *f = &form->fields[k];
	if (f->list) {
		char *end = NULL;
		long n = strtol(value, &end, 10);
		for (size_t i = 0; i < f->list->n; i++) {
			const gn_choice *c = &f->list->items[i];
			if ((end != value && !*end && n == (long)i + 1) || strcmp(value, c->name) == 0 ||
			    (c->label_vi && gn_text_same_keyed(value, c->label_vi)) ||
			    (c->label_en && gn_text_same_keyed(value, c->label_en))) {
				snprintf(value, size, "%s", c->name);
				break;
			}
		}
	}
	if (f->type == GN_FT_DATE) {
		char iso[32];
		gn_date_from_dmy(value, iso, sizeof iso);
		snprintf(value, size, "%s", iso);
	}
	return gn_form_check_type(f, value, err);
}
