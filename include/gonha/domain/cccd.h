/* CCCD (citizen identity card) numbers: 12 digits. Digits 1-3 the province
 * where the birth was registered (data/cccd-province-codes.csv, the 63 codes
 * from before the 2025 merger), digit 4 century and sex (1900s: 0 male,
 * 1 female; 2000s: 2/3; 2100s: 4/5), digits 5-6 the last two digits of the
 * birth year, digits 7-12 a serial. There is no check digit. */
#ifndef GONHA_CCCD_H
#define GONHA_CCCD_H

#include <stdbool.h>
#include "gonha/core/status.h"

typedef enum gn_sex {
	GN_SEX_UNKNOWN = 0,
	GN_SEX_MALE,
	GN_SEX_FEMALE,
} gn_sex;

typedef enum gn_cccd_problem {
	GN_CCCD_OK = 0,
	GN_CCCD_LENGTH,      /* not 12 characters long */
	GN_CCCD_NOT_DIGITS,  /* something other than 0-9 */
	GN_CCCD_PROVINCE,    /* digits 1-3 are no province code */
	GN_CCCD_CENTURY,     /* digit 4 is 6-9 (no such century/sex code) */
	GN_CCCD_CENTURY_MISMATCH, /* digit 4's century disagrees with the birth year */
	GN_CCCD_SEX_MISMATCH,     /* digit 4's sex disagrees with the person's sex */
	GN_CCCD_YEAR_MISMATCH,    /* digits 5-6 disagree with the birth year */
} gn_cccd_problem;

/* Checks a CCCD on its own (birth_year 0 and sex UNKNOWN) or against the
 * person's birth year and sex, and returns the first problem found in the
 * order above. */
gn_cccd_problem gn_cccd_check(const char *cccd, int birth_year, gn_sex sex);

/* The Vietnamese (translated) message for a problem, naming which part of the
 * number is wrong, e.g. "CCCD: chữ số 5-6 (năm sinh 85) không khớp năm sinh 1990". */
gn_status gn_cccd_validate(const char *cccd, int birth_year, gn_sex sex, gn_err *err);

/* The province name for a 3-digit code ("019" -> "Thái Nguyên"), or NULL. */
const char *gn_cccd_province(const char *code3);

/* How many province codes there are and the i-th (for the demo generator). */
int gn_cccd_province_count(void);
const char *gn_cccd_province_code(int i);

/* "019******123": first 3 and last 3 digits shown. out must hold 13 bytes.
 * Anything not 12 characters long is masked whole ("************"). */
void gn_cccd_mask(const char *cccd, char out[13]);
/* s is a masked number as gn_cccd_mask shows one ("019******123"): what an
 * account without the ward key sees of a stored number, never one typed. */
bool gn_cccd_is_masked(const char *s);

/* Builds a consistent CCCD from its parts (serial 0..999999). out: 13 bytes. */
gn_status gn_cccd_make(const char *province_code, int birth_year, gn_sex sex,
                       long serial, char out[13]);

/* "male"/"female" <-> gn_sex (the choice names of the form). */
gn_sex gn_sex_from_name(const char *name);

#endif
