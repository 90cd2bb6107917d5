/* Calendar dates as gonha stores them (YYYY-MM-DD) and as people in
 * Vietnam write them (dd/mm/yyyy). The one parser every layer uses: the
 * form screen, the forms engine, the domain's checks and the import. */
#ifndef GONHA_DATE_H
#define GONHA_DATE_H

#include <stdbool.h>
#include <stddef.h>

/* The earliest year gonha takes for a date or a year of birth. */
#define GN_DATE_MIN_YEAR 1900

/* s is exactly YYYY-MM-DD and a real calendar day (leap years counted);
 * y, m, d (each may be NULL) get its parts. Any year of four digits. */
bool gn_date_parse(const char *s, int *y, int *m, int *d);

/* A real calendar day from GN_DATE_MIN_YEAR on. */
bool gn_date_valid(const char *s);

/* Characters of a date typed whole: dd/mm/yyyy. */
#define GN_DATE_DMY_LEN 10

/* "20/11/2026" (or "20/11/2026" with one-digit day or month) as
 * "2026-11-20"; anything else is copied as it is, for the check to refuse. */
void gn_date_from_dmy(const char *typed, char *out, size_t size);

/* "2026-11-20" as "20/11/2026" (malloc'd; a value that is not a date is
 * copied as it is; NULL only when out of memory). */
char *gn_date_to_dmy(const char *iso);

#endif
