/* CCCD numbers: structure checks against the birth year and sex, masking,
 * and making consistent numbers for the demo ward. */
#include "gonha/domain/cccd.h"
#include "gonha/core/i18n.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define CCCD_LEN 12

typedef struct province {
	const char *code;
	const char *name;
} province;

/* Generated at build time from data/cccd-province-codes.csv (Makefile), so
 * the CSV stays the single source of the codes. */
static const province provinces[] = {
#include "cccd_provinces.h"
};

#define PROVINCE_COUNT ((int)(sizeof provinces / sizeof *provinces))

const char *gn_cccd_province(const char *code3)
{
	if (!code3)
		return NULL;
	for (int i = 0; i < PROVINCE_COUNT; i++)
		if (strcmp(provinces[i].code, code3) == 0)
			return provinces[i].name;
	return NULL;
}

int gn_cccd_province_count(void)
{
	return PROVINCE_COUNT;
}

const char *gn_cccd_province_code(int i)
{
	return (i >= 0 && i < PROVINCE_COUNT) ? provinces[i].code : NULL;
}

/* Characters (not bytes) in s, so the length message matches what the
 * person typed even if a stray non-ASCII character slipped in. */
static int count_chars(const char *s)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			n++;
	return n;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Digit 4: 0/1 -> 1900s, 2/3 -> 2000s, 4/5 -> 2100s; even male, odd female. */
static int century_of(char digit4)
{
	return 1900 + (digit4 - '0') / 2 * 100;
}

static gn_sex sex_of(char digit4)
{
	return (digit4 - '0') % 2 == 0 ? GN_SEX_MALE : GN_SEX_FEMALE;
}

gn_cccd_problem gn_cccd_check(const char *cccd, int birth_year, gn_sex sex)
{
	if (!cccd || strlen(cccd) != CCCD_LEN)
		return GN_CCCD_LENGTH;
	if (!all_digits(cccd, CCCD_LEN))
		return GN_CCCD_NOT_DIGITS;
	char code3[4] = { cccd[0], cccd[1], cccd[2], '\0' };
	if (!gn_cccd_province(code3))
		return GN_CCCD_PROVINCE;
	char digit4 = cccd[3];
	if (digit4 > '5')
		return GN_CCCD_CENTURY;
	/* A birth year of 0 or less means "not known": skip those checks. */
	if (birth_year > 0 && birth_year / 100 * 100 != century_of(digit4))
		return GN_CCCD_CENTURY_MISMATCH;
	if (sex != GN_SEX_UNKNOWN && sex != sex_of(digit4))
		return GN_CCCD_SEX_MISMATCH;
	if (birth_year > 0 && (cccd[4] - '0') * 10 + (cccd[5] - '0') != birth_year % 100)
		return GN_CCCD_YEAR_MISMATCH;
	return GN_CCCD_OK;
}

static const char *sex_word(gn_sex sex)
{
	return sex == GN_SEX_FEMALE ? _("female") : _("male");
}

gn_status gn_cccd_validate(const char *cccd, int birth_year, gn_sex sex, gn_err *err)
{
	gn_cccd_problem problem = gn_cccd_check(cccd, birth_year, sex);
	if (problem == GN_CCCD_OK)
		return GN_OK;

	const char *field = "cccd";
	switch (problem) {
	case GN_CCCD_OK:
		break;
	case GN_CCCD_LENGTH:
		return gn_fail_field(err, GN_ERR_INVALID, field,
		                     _("CCCD must have 12 digits (it has %d)"),
		                     cccd ? count_chars(cccd) : 0);
	case GN_CCCD_NOT_DIGITS: {
		int pos = 0;
		while (cccd[pos] >= '0' && cccd[pos] <= '9')
			pos++;
		return gn_fail_field(err, GN_ERR_INVALID, field,
		                     _("CCCD must have only the digits 0-9 (character %d is not a digit)"),
		                     pos + 1);
	}
	case GN_CCCD_PROVINCE: {
		char code3[4] = { cccd[0], cccd[1], cccd[2], '\0' };
		return gn_fail_field(err, GN_ERR_INVALID, field,
		                     _("CCCD digits 1-3 (%s) are not a province code"), code3);
	}
	case GN_CCCD_CENTURY:
		return gn_fail_field(err, GN_ERR_INVALID, field,
		                     _("CCCD digit 4 (%c) is not a century/sex code"), cccd[3]);
	case GN_CCCD_CENTURY_MISMATCH:
		return gn_fail_field(err, GN_ERR_INVALID, field,
		                     _("CCCD digit 4 (%c) means born in the %d00s, but the birth year is %d"),
		                     cccd[3], century_of(cccd[3]) / 100, birth_year);
	case GN_CCCD_SEX_MISMATCH:
		return gn_fail_field(err, GN_ERR_INVALID, field,
		                     _("CCCD digit 4 (%c) means %s, but the person is %s"),
		                     cccd[3], sex_word(sex_of(cccd[3])), sex_word(sex));
	case GN_CCCD_YEAR_MISMATCH: {
		char year2[3] = { cccd[4], cccd[5], '\0' };
		return gn_fail_field(err, GN_ERR_INVALID, field,
		                     _("CCCD digits 5-6 (%s) do not match the birth year %d"),
		                     year2, birth_year);
	}
	}
	return gn_fail_field(err, GN_ERR_INVALID, field, "%s", gn_status_str(GN_ERR_INVALID));
}

bool gn_cccd_is_masked(const char *s)
{
	return s && strlen(s) == CCCD_LEN && all_digits(s, 3) && strspn(s + 3, "*") == 6 && all_digits(s + 9, 3);
}

void gn_cccd_mask(const char *cccd, char out[13])
{
	/* Only a well-formed number shows its ends: anything else might put
	 * half a UTF-8 character or more of the number on screen than meant. */
	if (gn_cccd_is_masked(cccd)) {
		memcpy(out, cccd, CCCD_LEN + 1); /* masked already (person.cccd_masked) */
	} else if (!cccd || strlen(cccd) != CCCD_LEN || !all_digits(cccd, CCCD_LEN)) {
		memset(out, '*', CCCD_LEN);
	} else {
		memcpy(out, cccd, 3);
		memset(out + 3, '*', 6);
		memcpy(out + 9, cccd + 9, 3);
	}
	out[CCCD_LEN] = '\0';
}

gn_status gn_cccd_make(const char *province_code, int birth_year, gn_sex sex,
                       long serial, char out[13])
{
	out[0] = '\0';
	if (!gn_cccd_province(province_code) || birth_year < 1900 || birth_year > 2199 ||
	    (sex != GN_SEX_MALE && sex != GN_SEX_FEMALE) || serial < 0 || serial > 999999)
		return GN_ERR_INVALID;
	int digit4 = (birth_year / 100 - 19) * 2 + (sex == GN_SEX_FEMALE ? 1 : 0);
	snprintf(out, CCCD_LEN + 1, "%s%d%02d%06ld", province_code, digit4, birth_year % 100, serial);
	return GN_OK;
}

gn_sex gn_sex_from_name(const char *name)
{
	if (name && strcmp(name, "male") == 0)
		return GN_SEX_MALE;
	if (name && strcmp(name, "female") == 0)
		return GN_SEX_FEMALE;
	return GN_SEX_UNKNOWN;
}
