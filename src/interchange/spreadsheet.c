/* What spreadsheets do to CSV cells (spreadsheet.h). Each rule names the
 * columns it is about; every rule is about what is certain. */
#include "spreadsheet.h"
#include "gonha/core/date.h"
#include "gonha/core/i18n.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool all_digits(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool is_number(const char *s, double *out)
{
	if (!s || !*s)
		return false;
	char *end;
	double v = strtod(s, &end);
	if (*end || end == s || !isfinite(v))
		return false;
	if (out)
		*out = v;
	return true;
}

bool ex_sheet_exponent(const char *s)
{
	/* [+-]d[.ddd]E[+-]dd: the form both programs use for a long number */
	if (!s)
		return false;
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.' || *p == ',') {
		p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p != 'E' && *p != 'e')
		return false;
	p++;
	if (*p != '+' && *p != '-')
		return false;
	p++;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	return *p == '\0';
}

/* d/m/y, m/d/y, y/m/d with '/', '.' or '-', and an optional time: a date
 * as a spreadsheet shows it in the computer's own format. */
static bool locale_date(const char *s)
{
	int parts = 0;
	const char *p = s;
	while (parts < 3) {
		int n = 0;
		while (isdigit((unsigned char)*p)) {
			p++;
			n++;
		}
		if (n == 0 || n > 4)
			return false;
		parts++;
		if (parts < 3) {
			if (*p != '/' && *p != '.' && *p != '-')
				return false;
			p++;
		}
	}
	return *p == '\0' || *p == ' ';
}

/* "12-Mar", "Mar-12", "12 thg 3": a short text a spreadsheet took for a
 * day and a month. */
static bool month_name_date(const char *s)
{
	static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
		                                  "sep", "oct", "nov", "dec", "thg", NULL };
	for (int i = 0; months[i]; i++) {
		const char *hit = strcasestr(s, months[i]);
		if (hit && (hit == s || hit[-1] == '-' || hit[-1] == ' ') && strlen(s) <= 12)
			return true;
	}
	return false;
}

enum {
	ROLE_KNOWN = 1 << 0,   /* found: never 0 */
	ROLE_TIME = 1 << 1,    /* an instant as gonha writes it (UTC, ISO 8601) */
	ROLE_DATE = 1 << 2,
	ROLE_NUMBER = 1 << 3,
	ROLE_HOUSE_NO = 1 << 4,
	ROLE_CCCD = 1 << 5,
	ROLE_PHONE = 1 << 6,
};

unsigned char ex_sheet_role(const char *name, const gn_field *field)
{
	unsigned char role = ROLE_KNOWN;
	if (strcmp(name, "updated_at") == 0 || strcmp(name, "created_at") == 0 || strcmp(name, "entered_at") == 0)
		role |= ROLE_TIME;
	if ((field && field->type == GN_FT_DATE) || strcmp(name, "visit_date") == 0)
		role |= ROLE_DATE;
	if (strcmp(name, "walk_order") == 0 || strcmp(name, "birth_year") == 0 ||
	    (field && (field->type == GN_FT_INTEGER || field->type == GN_FT_DECIMAL)))
		role |= ROLE_NUMBER;
	if (strcmp(name, "house_no") == 0)
		role |= ROLE_HOUSE_NO;
	if (strcmp(name, "cccd") == 0)
		role |= ROLE_CCCD;
	if (strcmp(name, "phone") == 0 || strcmp(name, "head_phone") == 0)
		role |= ROLE_PHONE;
	return role;
}

/* c's role: as found when it was added, else (a column made on the spot) now */
static bool has_role(const ex_col *c, unsigned char bit)
{
	return ((c->sheet ? c->sheet : ex_sheet_role(c->name, c->field)) & bit) != 0;
}

static bool ex_is_time_column(const ex_col *c)
{
	return has_role(c, ROLE_TIME);
}

static bool is_date_column(const ex_col *c)
{
	return has_role(c, ROLE_DATE);
}

static bool is_number_column(const ex_col *c)
{
	return has_role(c, ROLE_NUMBER);
}

static bool is_text_column(const ex_col *c)
{
	if (c->kind == EXC_ID || c->kind == EXC_HOUSEHOLD || c->kind == EXC_TDP_CODE)
		return true;
	return !is_number_column(c) && !is_date_column(c) && c->kind != EXC_META;
}

const char *ex_sheet_damage(const ex_col *c, const char *cell, const char *local, bool decimal_comma)
{
	if (!cell || !*cell || (local && strcmp(cell, local) == 0))
		return NULL;
	if (decimal_comma && local && is_text_column(c) && strchr(local, ',')) {
		/* "1,2" read as the number 1.2 where the decimal mark is a comma */
		char *dot = strdup(local);
		bool same = dot && (*strchr(dot, ',') = '.', strcmp(dot, cell) == 0);
		free(dot);
		if (same)
			return _("the spreadsheet read this text as a number with a decimal comma and wrote it with a "
			         "point: format the column as Text and save again");
	}
	if (is_text_column(c) && ex_sheet_exponent(cell))
		return _("the spreadsheet turned this number into exponent form and its last digits are lost: open the "
		         "file with this column as Text (or import the XLSX export) and save it again");
	if (is_date_column(c) && !gn_date_parse(cell, NULL, NULL, NULL) && locale_date(cell))
		return _("the spreadsheet rewrote this date in the computer's own date format, so the day and the month "
		         "cannot be told apart: keep dates as YYYY-MM-DD (format the column as Text) and save again");
	if (has_role(c, ROLE_HOUSE_NO) && (gn_date_parse(cell, NULL, NULL, NULL) || locale_date(cell) ||
	                                         month_name_date(cell)))
		return _("the spreadsheet turned this house number into a date: type it again as text (format the "
		         "column as Text first) and save again");
	if (ex_is_time_column(c)) {
		size_t n = strlen(cell);
		if (n != 20 || cell[4] != '-' || cell[10] != 'T' || cell[19] != 'Z')
			return _("the spreadsheet rewrote this time: export the file again from gonha");
	}
	return NULL;
}

char *ex_sheet_restore(const ex_col *c, const char *cell, const char *local, bool decimal_comma)
{
	if (!cell || !*cell)
		return NULL;
	size_t n = strlen(cell);
	/* digits that lost their leading zeros, when the stored value is them */
	if (local && all_digits(cell) && all_digits(local) && strlen(local) > n && local[0] == '0') {
		const char *p = local;
		while (*p == '0')
			p++;
		if (strcmp(p, cell) == 0)
			return strdup(local);
	}
	/* by the rule of the column */
	if (has_role(c, ROLE_CCCD) && all_digits(cell) && n >= 9 && n < 12) {
		char *padded = malloc(13);
		if (padded) {
			memset(padded, '0', 12 - n);
			memcpy(padded + 12 - n, cell, n + 1);
		}
		return padded;
	}
	if (has_role(c, ROLE_PHONE) && all_digits(cell) &&
	    (n == 9 || n == 10) && cell[0] != '0') {
		/* a Vietnamese number is written with its leading 0: 10 digits for
		 * a mobile, 11 for a landline */
		char *phone = malloc(n + 2);
		if (phone) {
			phone[0] = '0';
			memcpy(phone + 1, cell, n + 1);
		}
		return phone;
	}
	if (decimal_comma && is_number_column(c) && strchr(cell, ',') && !strchr(cell, '.')) {
		char *dot = strdup(cell);
		if (dot) {
			*strchr(dot, ',') = '.';
			if (!is_number(dot, NULL)) {
				free(dot);
				return NULL;
			}
		}
		return dot;
	}
	if (ex_is_time_column(c) && n == 19 && cell[10] == ' ') {
		/* "2026-11-20 10:00:00": the same UTC time written the spreadsheet's way */
		char date[11];
		memcpy(date, cell, 10);
		date[10] = '\0';
		if (gn_date_parse(date, NULL, NULL, NULL)) {
			char *iso = malloc(21);
			if (iso) {
				memcpy(iso, cell, 19);
				iso[10] = 'T';
				iso[19] = 'Z';
				iso[20] = '\0';
			}
			return iso;
		}
	}
	return NULL;
}

bool ex_sheet_same(const ex_col *c, const char *local, const char *cell)
{
	bool l_empty = !local || !*local, c_empty = !cell || !*cell;
	if (l_empty || c_empty)
		return l_empty && c_empty;
	if (strcmp(local, cell) == 0)
		return true;
	double a, b;
	return is_number_column(c) && is_number(local, &a) && is_number(cell, &b) && a == b;
}

/* A token a spreadsheet can read as a number: digits, or digits 'e'
 * digits (gonha's tokens before schema version 8 were 16 hex digits). */
static bool numeric_token(const char *s)
{
	const char *p = s;
	while (isdigit((unsigned char)*p))
		p++;
	if (p == s)
		return false;
	if (*p == 'e' || *p == 'E') {
		const char *q = ++p;
		while (isdigit((unsigned char)*p))
			p++;
		if (p == q)
			return false;
	}
	return *p == '\0';
}

bool ex_sheet_same_token(const char *local, const char *cell)
{
	if (!local || !cell || !numeric_token(local) || strcmp(local, cell) == 0)
		return false;
	bool digits = all_digits(cell);
	if (!digits && !ex_sheet_exponent(cell))
		return false;
	char *dot = strdup(cell), *p;
	if (!dot)
		return false;
	if ((p = strchr(dot, ',')) != NULL)
		*p = '.';
	double shown = strtod(dot, NULL), stored = strtod(local, NULL);
	free(dot);
	if (!isfinite(stored)) /* beyond a double: Calc writes the largest one */
		return strncmp(cell, "1.79769313486232E+308", 21) == 0 || strncmp(cell, "1,79769313486232E+308", 21) == 0;
	/* the digits the cell still has: they must be the stored token's,
	 * rounded (Calc keeps 15 significant digits, Excel 6 in exponent form) */
	double unit;
	if (digits) {
		size_t n = strlen(cell), trailing = 0;
		if (n != strlen(local) || n <= 15)
			return false;
		for (size_t i = n; i > 0 && cell[i - 1] == '0'; i--)
			trailing++;
		if (trailing < n - 15)
			return false;
		unit = pow(10.0, (double)(n - 15));
	} else {
		const char *e = strpbrk(cell, "eE"), *sep = strpbrk(cell, ".,");
		int decimals = sep && sep < e ? (int)(e - sep - 1) : 0;
		unit = pow(10.0, atoi(e + 1) - decimals);
	}
	return fabs(stored - shown) <= unit / 2 * (1 + 1e-9);
}
