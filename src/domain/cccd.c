/* CCCD numbers. The province table is generated at build time from
 * data/cccd-province-codes.csv, the one source of the 63 codes. */
#include "gonha/cccd.h"
#include "gonha/i18n.h"

#include <stdio.h>
#include <string.h>

#include "cccd_provinces.h" /* static const struct { code, name } cccd_provinces[] */

#define N_PROVINCES ((int)(sizeof cccd_provinces / sizeof *cccd_provinces))

const char *gn_cccd_province(const char *code3)
{
	for (int i = 0; i < N_PROVINCES; i++)
		if (strncmp(code3, cccd_provinces[i].code, 3) == 0 && strlen(code3) >= 3)
			return cccd_provinces[i].name;
	return NULL;
}

int gn_cccd_province_count(void)
{
	return N_PROVINCES;
}

const char *gn_cccd_province_code(int i)
{
	return i >= 0 && i < N_PROVINCES ? cccd_provinces[i].code : NULL;
}

gn_sex gn_sex_from_name(const char *name)
{
	if (name && strcmp(name, "male") == 0)
		return GN_SEX_MALE;
	if (name && strcmp(name, "female") == 0)
		return GN_SEX_FEMALE;
	return GN_SEX_UNKNOWN;
}

/* Digit 4: 0/1 1900s, 2/3 2000s, 4/5 2100s; even male, odd female. */
static int century_of(char d)
{
	return d >= '0' && d <= '5' ? 1900 + (d - '0') / 2 * 100 : 0;
}

gn_cccd_problem gn_cccd_check(const char *cccd, int birth_year, gn_sex sex)
{
	if (strlen(cccd) != 12)
		return GN_CCCD_LENGTH;
	if (strspn(cccd, "0123456789") != 12)
		return GN_CCCD_NOT_DIGITS;
	char code[4] = { cccd[0], cccd[1], cccd[2], 0 };
	if (!gn_cccd_province(code))
		return GN_CCCD_PROVINCE;
	int century = century_of(cccd[3]);
	if (!century)
		return GN_CCCD_CENTURY;
	if (birth_year > 0 && birth_year / 100 * 100 != century)
		return GN_CCCD_CENTURY_MISMATCH;
	gn_sex coded = (cccd[3] - '0') % 2 == 0 ? GN_SEX_MALE : GN_SEX_FEMALE;
	if (sex != GN_SEX_UNKNOWN && sex != coded)
		return GN_CCCD_SEX_MISMATCH;
	if (birth_year > 0 && (cccd[4] - '0') * 10 + (cccd[5] - '0') != birth_year % 100)
		return GN_CCCD_YEAR_MISMATCH;
	return GN_CCCD_OK;
}

static const char *sex_word(gn_sex s)
{
	return s == GN_SEX_MALE ? _("male") : _("female");
}

gn_status gn_cccd_validate(const char *cccd, int birth_year, gn_sex sex, gn_err *err)
{
	gn_cccd_problem p = gn_cccd_check(cccd, birth_year, sex);
	switch (p) {
	case GN_CCCD_OK:
		return GN_OK;
	case GN_CCCD_LENGTH:
		return gn_fail_field(err, GN_ERR_INVALID, "cccd", _("CCCD must have 12 digits (it has %zu characters)"),
		                     strlen(cccd));
	case GN_CCCD_NOT_DIGITS:
		return gn_fail_field(err, GN_ERR_INVALID, "cccd", _("CCCD must have only digits 0-9"));
	case GN_CCCD_PROVINCE:
		return gn_fail_field(err, GN_ERR_INVALID, "cccd", _("CCCD digits 1-3 (%.3s) are not a province code"), cccd);
	case GN_CCCD_CENTURY:
		return gn_fail_field(err, GN_ERR_INVALID, "cccd", _("CCCD digit 4 (%c) is not a century and sex code (0-5)"),
		                     cccd[3]);
	case GN_CCCD_CENTURY_MISMATCH:
		return gn_fail_field(err, GN_ERR_INVALID, "cccd",
		                     _("CCCD digit 4 (%c) means born in the %d-%d years, but the birth year is %d"),
		                     cccd[3], century_of(cccd[3]), century_of(cccd[3]) + 99, birth_year);
	case GN_CCCD_SEX_MISMATCH:
		return gn_fail_field(err, GN_ERR_INVALID, "cccd", _("CCCD digit 4 (%c) means %s, but the person is %s"),
		                     cccd[3], sex_word(sex == GN_SEX_MALE ? GN_SEX_FEMALE : GN_SEX_MALE), sex_word(sex));
	case GN_CCCD_YEAR_MISMATCH:
		return gn_fail_field(err, GN_ERR_INVALID, "cccd",
		                     _("CCCD digits 5-6 (%.2s) do not match the birth year %d"), cccd + 4, birth_year);
	}
	return gn_fail_field(err, GN_ERR_INVALID, "cccd", _("invalid CCCD"));
}

void gn_cccd_mask(const char *cccd, char out[13])
{
	if (cccd && strlen(cccd) == 12) {
		memcpy(out, cccd, 3);
		memset(out + 3, '*', 6);
		memcpy(out + 9, cccd + 9, 3);
	} else {
		memset(out, '*', 12);
	}
	out[12] = '\0';
}

gn_status gn_cccd_make(const char *province_code, int birth_year, gn_sex sex, long serial, char out[13])
{
	if (!province_code || !gn_cccd_province(province_code) || birth_year < 1900 || birth_year > 2199 ||
	    sex == GN_SEX_UNKNOWN || serial < 0 || serial > 999999)
		return GN_ERR_INVALID;
	int digit = (birth_year - 1900) / 100 * 2 + (sex == GN_SEX_FEMALE);
	snprintf(out, 13, "%.3s%d%02d%06ld", province_code, digit, birth_year % 100, serial);
	return GN_OK;
}
