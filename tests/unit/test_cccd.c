/* CCCD numbers: acceptance and each rejection reason, with its message. */
#include "testlib.h"
#include "gonha/cccd.h"
#include "gonha/i18n.h"

static void expect(const char *cccd, int year, gn_sex sex, gn_cccd_problem want, const char *msg)
{
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_cccd_check(cccd, year, sex), want);
	gn_status st = gn_cccd_validate(cccd, year, sex, &err);
	CHECK_EQ_INT(st, want == GN_CCCD_OK ? GN_OK : GN_ERR_INVALID);
	if (msg) {
		CHECK_STR(err.msg, msg);
		CHECK_STR(err.field, "cccd");
	}
}

static void accepts_valid_numbers(void)
{
	expect("001085012345", 0, GN_SEX_UNKNOWN, GN_CCCD_OK, NULL);
	expect("001085012345", 1985, GN_SEX_MALE, GN_CCCD_OK, NULL);
	expect("019305000123", 2005, GN_SEX_FEMALE, GN_CCCD_OK, NULL);
	expect("006190000001", 1990, GN_SEX_FEMALE, GN_CCCD_OK, NULL); /* Bắc Kạn: an old code stays valid */
	expect("096000000001", 1900, GN_SEX_MALE, GN_CCCD_OK, NULL);   /* Cà Mau */
}

static void names_each_problem(void)
{
	expect("01908500012", 0, GN_SEX_UNKNOWN, GN_CCCD_LENGTH, "CCCD must have 12 digits (it has 11 characters)");
	expect("01908500012a", 0, GN_SEX_UNKNOWN, GN_CCCD_NOT_DIGITS, "CCCD must have only digits 0-9");
	expect("003085000123", 0, GN_SEX_UNKNOWN, GN_CCCD_PROVINCE, "CCCD digits 1-3 (003) are not a province code");
	expect("019785000123", 0, GN_SEX_UNKNOWN, GN_CCCD_CENTURY,
	       "CCCD digit 4 (7) is not a century and sex code (0-5)");
	expect("019285000123", 1985, GN_SEX_MALE, GN_CCCD_CENTURY_MISMATCH,
	       "CCCD digit 4 (2) means born in the 2000-2099 years, but the birth year is 1985");
	expect("019185000123", 1985, GN_SEX_MALE, GN_CCCD_SEX_MISMATCH,
	       "CCCD digit 4 (1) means female, but the person is male");
	expect("019086000123", 1985, GN_SEX_MALE, GN_CCCD_YEAR_MISMATCH,
	       "CCCD digits 5-6 (86) do not match the birth year 1985");
}

static void provinces_and_mask(void)
{
	CHECK_EQ_INT(gn_cccd_province_count(), 63);
	CHECK_STR(gn_cccd_province("019"), "Thái Nguyên");
	CHECK_STR(gn_cccd_province("006"), "Bắc Kạn");
	CHECK(gn_cccd_province("003") == NULL);
	char m[13];
	gn_cccd_mask("019085000123", m);
	CHECK_STR(m, "019******123");
	gn_cccd_mask("123", m);
	CHECK_STR(m, "************");
}

static void make_round_trip(void)
{
	char out[13];
	CHECK_OK(gn_cccd_make("019", 2007, GN_SEX_FEMALE, 42, out));
	CHECK_STR(out, "019307000042");
	CHECK_EQ_INT(gn_cccd_check(out, 2007, GN_SEX_FEMALE), GN_CCCD_OK);
	CHECK_EQ_INT(gn_cccd_make("003", 2007, GN_SEX_FEMALE, 42, out), GN_ERR_INVALID);
}

static void messages_in_vietnamese(void)
{
	gn_i18n_init("vi");
	gn_err err = { 0 };
	gn_cccd_validate("019086000123", 1985, GN_SEX_MALE, &err);
	CHECK(strstr(err.msg, "năm sinh") != NULL);
	gn_i18n_init("en");
}

GN_TESTS(T(accepts_valid_numbers), T(names_each_problem), T(provinces_and_mask), T(make_round_trip),
         T(messages_in_vietnamese))
