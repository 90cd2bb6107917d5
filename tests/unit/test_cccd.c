#include "testlib.h"
#include "gonha/domain/cccd.h"
#include "gonha/core/i18n.h"

#include <stdlib.h>
#include <unistd.h>

/* The message gn_cccd_validate gives, or "" if it accepts. */
static const char *message(const char *cccd, int year, gn_sex sex)
{
	static gn_err err;
	gn_err_clear(&err);
	gn_status st = gn_cccd_validate(cccd, year, sex, &err);
	if (st == GN_OK)
		return "";
	if (st != GN_ERR_INVALID || strcmp(err.field, "cccd") != 0)
		return "(wrong status or field)";
	return err.msg;
}

static void valid_numbers_are_accepted(void)
{
	/* Hà Nội, man born 1985. */
	CHECK_EQ_INT(gn_cccd_check("001085123456", 0, GN_SEX_UNKNOWN), GN_CCCD_OK);
	CHECK_EQ_INT(gn_cccd_check("001085123456", 1985, GN_SEX_MALE), GN_CCCD_OK);
	CHECK_EQ_INT(gn_cccd_check("001085123456", 1985, GN_SEX_UNKNOWN), GN_CCCD_OK);
	CHECK_EQ_INT(gn_cccd_check("001085123456", 0, GN_SEX_MALE), GN_CCCD_OK);
	/* Thái Nguyên, woman born 2005. */
	CHECK_EQ_INT(gn_cccd_check("019305000123", 2005, GN_SEX_FEMALE), GN_CCCD_OK);
	/* Woman born 1962, man born 2010, woman born 2101. */
	CHECK_EQ_INT(gn_cccd_check("096162999999", 1962, GN_SEX_FEMALE), GN_CCCD_OK);
	CHECK_EQ_INT(gn_cccd_check("079210000000", 2010, GN_SEX_MALE), GN_CCCD_OK);
	CHECK_EQ_INT(gn_cccd_check("079501000001", 2101, GN_SEX_FEMALE), GN_CCCD_OK);
	gn_err err = {0};
	CHECK_EQ_INT(gn_cccd_validate("019305000123", 2005, GN_SEX_FEMALE, &err), GN_OK);
}

static void old_province_codes_stay_valid(void)
{
	/* Bắc Kạn merged into Thái Nguyên in 2025, but IDs keep its code. */
	CHECK_STR(gn_cccd_province("006"), "Bắc Kạn");
	CHECK_STR(gn_cccd_province("019"), "Thái Nguyên");
	CHECK_STR(gn_cccd_province("001"), "Hà Nội");
	CHECK_STR(gn_cccd_province("096"), "Cà Mau");
	CHECK_EQ_INT(gn_cccd_check("006090000001", 1990, GN_SEX_MALE), GN_CCCD_OK);
	CHECK(gn_cccd_province("003") == NULL);
	CHECK(gn_cccd_province("01") == NULL);
	CHECK(gn_cccd_province("0019") == NULL);
	CHECK(gn_cccd_province(NULL) == NULL);
	CHECK_EQ_INT(gn_cccd_check("003090000001", 1990, GN_SEX_MALE), GN_CCCD_PROVINCE);
}

static void province_table_comes_from_the_csv(void)
{
	CHECK_EQ_INT(gn_cccd_province_count(), 63);
	CHECK_STR(gn_cccd_province_code(0), "001");
	CHECK(gn_cccd_province_code(-1) == NULL);
	CHECK(gn_cccd_province_code(63) == NULL);
	for (int i = 0; i < gn_cccd_province_count(); i++) {
		const char *code = gn_cccd_province_code(i);
		REQUIRE(code);
		CHECK_EQ_INT(strlen(code), 3);
		CHECK(gn_cccd_province(code) != NULL);
		/* No CR from a Windows-saved CSV leaks into the names. */
		CHECK(strchr(gn_cccd_province(code), '\r') == NULL);
	}
}

static void each_problem_has_its_own_message(void)
{
	CHECK_EQ_INT(gn_cccd_check("00108512345", 0, GN_SEX_UNKNOWN), GN_CCCD_LENGTH);
	CHECK_STR(message("00108512345", 0, GN_SEX_UNKNOWN), "CCCD must have 12 digits (it has 11)");
	CHECK_STR(message("0010851234567", 0, GN_SEX_UNKNOWN), "CCCD must have 12 digits (it has 13)");
	CHECK_STR(message("", 0, GN_SEX_UNKNOWN), "CCCD must have 12 digits (it has 0)");
	CHECK_STR(message(NULL, 0, GN_SEX_UNKNOWN), "CCCD must have 12 digits (it has 0)");

	CHECK_EQ_INT(gn_cccd_check("00108512345O", 0, GN_SEX_UNKNOWN), GN_CCCD_NOT_DIGITS);
	CHECK_STR(message("00108512345O", 0, GN_SEX_UNKNOWN),
	          "CCCD must have only the digits 0-9 (character 12 is not a digit)");
	CHECK_STR(message("001 85123456", 0, GN_SEX_UNKNOWN),
	          "CCCD must have only the digits 0-9 (character 4 is not a digit)");

	CHECK_STR(message("003085123456", 0, GN_SEX_UNKNOWN),
	          "CCCD digits 1-3 (003) are not a province code");
	CHECK_STR(message("999085123456", 0, GN_SEX_UNKNOWN),
	          "CCCD digits 1-3 (999) are not a province code");

	CHECK_EQ_INT(gn_cccd_check("001685123456", 0, GN_SEX_UNKNOWN), GN_CCCD_CENTURY);
	CHECK_STR(message("001685123456", 0, GN_SEX_UNKNOWN),
	          "CCCD digit 4 (6) is not a century/sex code");
	CHECK_STR(message("001985123456", 1985, GN_SEX_MALE),
	          "CCCD digit 4 (9) is not a century/sex code");

	CHECK_EQ_INT(gn_cccd_check("001285123456", 1985, GN_SEX_MALE), GN_CCCD_CENTURY_MISMATCH);
	CHECK_STR(message("001285123456", 1985, GN_SEX_MALE),
	          "CCCD digit 4 (2) means born in the 2000s, but the birth year is 1985");
	CHECK_STR(message("019105000123", 2005, GN_SEX_FEMALE),
	          "CCCD digit 4 (1) means born in the 1900s, but the birth year is 2005");

	CHECK_EQ_INT(gn_cccd_check("001185123456", 1985, GN_SEX_MALE), GN_CCCD_SEX_MISMATCH);
	CHECK_STR(message("001185123456", 1985, GN_SEX_MALE),
	          "CCCD digit 4 (1) means female, but the person is male");
	CHECK_STR(message("019205000123", 2005, GN_SEX_FEMALE),
	          "CCCD digit 4 (2) means male, but the person is female");
	CHECK_STR(message("001185123456", 0, GN_SEX_MALE),
	          "CCCD digit 4 (1) means female, but the person is male");

	CHECK_EQ_INT(gn_cccd_check("001085123456", 1990, GN_SEX_MALE), GN_CCCD_YEAR_MISMATCH);
	CHECK_STR(message("001085123456", 1990, GN_SEX_MALE),
	          "CCCD digits 5-6 (85) do not match the birth year 1990");
	CHECK_STR(message("001005123456", 1905, GN_SEX_UNKNOWN), "");
}

static void problems_come_in_order(void)
{
	/* The first problem in header order wins. */
	CHECK_EQ_INT(gn_cccd_check("0039x", 2000, GN_SEX_MALE), GN_CCCD_LENGTH);
	CHECK_EQ_INT(gn_cccd_check("00390000000x", 2000, GN_SEX_MALE), GN_CCCD_NOT_DIGITS);
	CHECK_EQ_INT(gn_cccd_check("003900000000", 2000, GN_SEX_MALE), GN_CCCD_PROVINCE);
	CHECK_EQ_INT(gn_cccd_check("001900000000", 2000, GN_SEX_MALE), GN_CCCD_CENTURY);
	CHECK_EQ_INT(gn_cccd_check("001199000000", 2000, GN_SEX_MALE), GN_CCCD_CENTURY_MISMATCH);
	CHECK_EQ_INT(gn_cccd_check("001399000000", 2000, GN_SEX_MALE), GN_CCCD_SEX_MISMATCH);
	CHECK_EQ_INT(gn_cccd_check("001299000000", 2000, GN_SEX_MALE), GN_CCCD_YEAR_MISMATCH);
}

static void mask_shows_only_the_ends(void)
{
	char out[13];
	gn_cccd_mask("019305000123", out);
	CHECK_STR(out, "019******123");
	gn_cccd_mask("01930500012", out);
	CHECK_STR(out, "************");
	gn_cccd_mask("0193050001234", out);
	CHECK_STR(out, "************");
	gn_cccd_mask("", out);
	CHECK_STR(out, "************");
	gn_cccd_mask(NULL, out);
	CHECK_STR(out, "************");
}

static void make_round_trips(void)
{
	char out[13];
	CHECK_OK(gn_cccd_make("001", 1985, GN_SEX_MALE, 123456, out));
	CHECK_STR(out, "001085123456");
	CHECK_OK(gn_cccd_make("019", 2005, GN_SEX_FEMALE, 123, out));
	CHECK_STR(out, "019305000123");
	CHECK_OK(gn_cccd_make("006", 2100, GN_SEX_MALE, 0, out));
	CHECK_STR(out, "006400000000");

	for (int i = 0; i < gn_cccd_province_count(); i++) {
		for (int year = 1900; year < 2200; year += 37) {
			for (gn_sex sex = GN_SEX_MALE; sex <= GN_SEX_FEMALE; sex++) {
				const char *code = gn_cccd_province_code(i);
				long serial = (long)i * 15013 + year;
				CHECK_OK(gn_cccd_make(code, year, sex, serial, out));
				CHECK_EQ_INT(gn_cccd_check(out, year, sex), GN_CCCD_OK);
				CHECK(strncmp(out, code, 3) == 0);
				CHECK_EQ_INT(atol(out + 6), serial);
			}
		}
	}

	CHECK_EQ_INT(gn_cccd_make("003", 1985, GN_SEX_MALE, 1, out), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_cccd_make("001", 1899, GN_SEX_MALE, 1, out), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_cccd_make("001", 2200, GN_SEX_MALE, 1, out), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_cccd_make("001", 1985, GN_SEX_UNKNOWN, 1, out), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_cccd_make("001", 1985, GN_SEX_MALE, 1000000, out), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_cccd_make("001", 1985, GN_SEX_MALE, -1, out), GN_ERR_INVALID);
	CHECK_STR(out, "");
}

static void sex_names(void)
{
	CHECK_EQ_INT(gn_sex_from_name("male"), GN_SEX_MALE);
	CHECK_EQ_INT(gn_sex_from_name("female"), GN_SEX_FEMALE);
	CHECK_EQ_INT(gn_sex_from_name("Nam"), GN_SEX_UNKNOWN);
	CHECK_EQ_INT(gn_sex_from_name(""), GN_SEX_UNKNOWN);
	CHECK_EQ_INT(gn_sex_from_name(NULL), GN_SEX_UNKNOWN);
}

/* Runs only when the catalog is built (make locale/vi/LC_MESSAGES/gonha.mo). */
static void messages_in_vietnamese(void)
{
	if (access("locale/vi/LC_MESSAGES/gonha.mo", R_OK) != 0) {
		fprintf(stderr, "  (skipped: no locale/vi/LC_MESSAGES/gonha.mo)\n");
		return;
	}
	setenv("GONHA_LOCALEDIR", "locale", 1);
	gn_i18n_init("vi");
	CHECK_STR(message("00108512345", 0, GN_SEX_UNKNOWN), "Số CCCD phải có 12 chữ số (đang có 11)");
	CHECK_STR(message("001185123456", 1985, GN_SEX_MALE),
	          "Chữ số thứ 4 của CCCD (1) chỉ giới tính nữ, nhưng người này là nam");
	CHECK_STR(message("001285123456", 1985, GN_SEX_MALE),
	          "Chữ số thứ 4 của CCCD (2) chỉ người sinh trong các năm 2000–2099, "
	          "nhưng năm sinh là 1985");
	gn_i18n_init("en");
	unsetenv("GONHA_LOCALEDIR");
}

GN_TESTS(
	T(valid_numbers_are_accepted),
	T(old_province_codes_stay_valid),
	T(province_table_comes_from_the_csv),
	T(each_problem_has_its_own_message),
	T(problems_come_in_order),
	T(mask_shows_only_the_ends),
	T(make_round_trips),
	T(sex_names),
	T(messages_in_vietnamese)
)
