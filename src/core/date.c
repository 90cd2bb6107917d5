/* Calendar dates: the one parser (include/gonha/core/date.h). */
#include "gonha/core/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool gn_date_parse(const char *s, int *y, int *m, int *d)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) || !digits(s + 5, 2) ||
	    !digits(s + 8, 2))
		return false;
	int yy = atoi(s), mm = atoi(s + 5), dd = atoi(s + 8);
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0;
	if (mm < 1 || mm > 12 || dd < 1 || dd > days[mm - 1] || (mm == 2 && dd == 29 && !leap))
		return false;
	if (y)
		*y = yy;
	if (m)
		*m = mm;
	if (d)
		*d = dd;
	return true;
}

bool gn_date_valid(const char *s)
{
	int y;
	return gn_date_parse(s, &y, NULL, NULL) && y >= GN_DATE_MIN_YEAR;
}

void gn_date_from_dmy(const char *in, char *out, size_t size)
{
	int d, mo, y;
	char tail;
	if (sscanf(in, "%d/%d/%d%c", &d, &mo, &y, &tail) == 3 && y >= 1000 && y <= 9999 && mo >= 0 && mo <= 99 &&
	    d >= 0 && d <= 99)
		snprintf(out, size, "%04d-%02d-%02d", y, mo, d);
	else
		snprintf(out, size, "%s", in);
}

char *gn_date_to_dmy(const char *iso)
{
	/* by its shape, not its validity: 2026-02-30 typed as 30/02/2026 is
	 * shown back as typed, and the check says why it is refused */
	char buf[16];
	if (iso && strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-' && digits(iso, 4) && digits(iso + 5, 2) &&
	    digits(iso + 8, 2)) {
		snprintf(buf, sizeof buf, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
		return strdup(buf);
	}
	return strdup(iso ? iso : "");
}
