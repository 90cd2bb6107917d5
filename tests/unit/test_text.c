/* Vietnamese text: NFC/NFD, folding, cleaning, widths. */
#include "testlib.h"
#include "gonha/text.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <uninorm.h>

static char *nfd(const char *s)
{
	size_t n = 0;
	uint8_t *r = u8_normalize(UNINORM_NFD, (const uint8_t *)s, strlen(s), NULL, &n);
	char *z = malloc(n + 1);
	memcpy(z, r, n);
	z[n] = '\0';
	free(r);
	return z;
}

static char *fold(const char *s)
{
	char *out = NULL;
	if (gn_text_fold(s, &out) != GN_OK)
		return strdup("(error)");
	return out;
}

static void nfc_and_nfd_store_the_same(void)
{
	const char *names[] = { "Nguyễn Văn Á", "Đặng Thị Hương", "Hoàng Ngọc Thuỷ", "Trương Mỹ Lệ", NULL };
	for (int i = 0; names[i]; i++) {
		char *d = nfd(names[i]), *a = NULL, *b = NULL;
		CHECK(strcmp(d, names[i]) != 0); /* NFD really differs */
		CHECK_OK(gn_text_clean(names[i], strlen(names[i]), 0, &a, NULL));
		CHECK_OK(gn_text_clean(d, strlen(d), 0, &b, NULL));
		CHECK_STR(a, names[i]);
		CHECK_STR(b, names[i]);
		free(a); free(b); free(d);
	}
}

/* Every Vietnamese vowel with each of the five tone marks, in both cases,
 * NFC and NFD, folds to the plain vowel. */
static void folds_every_tone_on_every_vowel(void)
{
	static const char *const rows[][7] = {
		/* plain, ngang, sắc, huyền, hỏi, ngã, nặng */
		{ "a", "a", "á", "à", "ả", "ã", "ạ" }, { "a", "ă", "ắ", "ằ", "ẳ", "ẵ", "ặ" },
		{ "a", "â", "ấ", "ầ", "ẩ", "ẫ", "ậ" }, { "e", "e", "é", "è", "ẻ", "ẽ", "ẹ" },
		{ "e", "ê", "ế", "ề", "ể", "ễ", "ệ" }, { "i", "i", "í", "ì", "ỉ", "ĩ", "ị" },
		{ "o", "o", "ó", "ò", "ỏ", "õ", "ọ" }, { "o", "ô", "ố", "ồ", "ổ", "ỗ", "ộ" },
		{ "o", "ơ", "ớ", "ờ", "ở", "ỡ", "ợ" }, { "u", "u", "ú", "ù", "ủ", "ũ", "ụ" },
		{ "u", "ư", "ứ", "ừ", "ử", "ữ", "ự" }, { "y", "y", "ý", "ỳ", "ỷ", "ỹ", "ỵ" },
		{ "A", "Ă", "Ắ", "Ằ", "Ẳ", "Ẵ", "Ặ" }, { "E", "Ê", "Ế", "Ề", "Ể", "Ễ", "Ệ" },
		{ "O", "Ơ", "Ớ", "Ờ", "Ở", "Ỡ", "Ợ" }, { "U", "Ư", "Ứ", "Ừ", "Ử", "Ữ", "Ự" },
		{ "I", "I", "Í", "Ì", "Ỉ", "Ĩ", "Ị" }, { "Y", "Y", "Ý", "Ỳ", "Ỷ", "Ỹ", "Ỵ" },
	};
	int checked = 0;
	for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
		char want[2] = { (char)(rows[r][0][0] | 0x20), 0 };
		for (int t = 1; t < 7; t++) {
			char *d = nfd(rows[r][t]);
			char *f1 = fold(rows[r][t]), *f2 = fold(d);
			CHECK_STR(f1, want);
			CHECK_STR(f2, want);
			free(f1); free(f2); free(d);
			checked++;
		}
	}
	CHECK_EQ_INT(checked, 18 * 6);
	char *f = fold("Đặng đình ĐỨC");
	CHECK_STR(f, "dang dinh duc");
	free(f);
}

static void folds_names_nfc_and_nfd_alike(void)
{
	char *d = nfd("Nguyễn Văn Á");
	char *a = fold("Nguyễn Văn Á"), *b = fold(d), *c = fold("  nguyen   VAN a ");
	CHECK_STR(a, "nguyen van a");
	CHECK_STR(b, "nguyen van a");
	CHECK_STR(c, "nguyen van a");
	free(a); free(b); free(c); free(d);
}

static void cleaning_removes_controls_and_escapes(void)
{
	char *out = NULL;
	const char *in = "\x1b[31mNguyễn\x1b[0m \x1b]0;title\x07Văn\x1b]2;x\x1b\\ An\x01\x7f\xc2\x9b";
	CHECK_OK(gn_text_clean(in, strlen(in), 0, &out, NULL));
	CHECK_STR(out, "Nguyễn Văn An");
	free(out);
	in = "  dòng một\r\n\tdòng hai  \n\n";
	CHECK_OK(gn_text_clean(in, strlen(in), 0, &out, NULL));
	CHECK_STR(out, "dòng một dòng hai");
	free(out);
	CHECK_OK(gn_text_clean(in, strlen(in), GN_TEXT_MULTILINE, &out, NULL));
	CHECK_STR(out, "dòng một\ndòng hai");
	free(out);
	CHECK_OK(gn_text_clean("", 0, 0, &out, NULL));
	CHECK_STR(out, "");
	free(out);
}

static void invalid_utf8_is_refused(void)
{
	static const char *const bad[] = {
		"Nguy\xe1\xbb",      /* truncated sequence */
		"\xc0\xaf",          /* overlong '/' */
		"\xed\xa0\x80",      /* UTF-16 surrogate */
		"abc\x80" "def",        /* lone continuation byte */
		"Vi\xea\xe7t",       /* Windows-1258 style bytes */
		NULL,
	};
	for (int i = 0; bad[i]; i++) {
		gn_err err = { 0 };
		char *out = NULL;
		CHECK(!gn_text_valid_utf8(bad[i], strlen(bad[i])));
		CHECK_EQ_INT(gn_text_clean(bad[i], strlen(bad[i]), 0, &out, &err), GN_ERR_INVALID);
		CHECK(out == NULL);
		CHECK(strstr(err.msg, "UTF-8") != NULL);
	}
	CHECK(gn_text_valid_utf8("Việt Nam", strlen("Việt Nam")));
}

static void widths(void)
{
	CHECK_EQ_INT(gn_text_width("Nguyễn"), 6);
	char *d = nfd("Nguyễn Văn Á");
	CHECK_EQ_INT(gn_text_width(d), gn_text_width("Nguyễn Văn Á"));
	CHECK_EQ_INT(gn_text_width("\xe4\xb8\xad"), 2); /* 中 */
	CHECK_EQ_INT(gn_text_width("a\x01" "b"), 3);    /* a control is drawn as one U+FFFD */
	CHECK_EQ_INT(gn_text_width("\xff"), 1);
	/* fit never splits a character or a base from its marks */
	size_t n = gn_text_fit(d, 5);
	char *cut = strndup(d, n);
	CHECK_EQ_INT(gn_text_width(cut), 5);
	char *cut_nfc = NULL;
	gn_text_nfc(cut, &cut_nfc);
	CHECK_STR(cut_nfc, "Nguyễ");
	free(cut); free(cut_nfc); free(d);
	CHECK_EQ_INT(gn_text_fit("a\xe4\xb8\xad" "b", 2), 1); /* the wide char does not fit in 1 */
	CHECK_EQ_INT(gn_text_fit("abc", 10), 3);
}

static void sql_fold_function(void)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
	CHECK_OK(gn_text_register_sqlite(db));
	CHECK(sqlite3_prepare_v2(db, "SELECT gn_fold(?1), gn_fold(NULL) IS NULL", -1, &st, NULL) == SQLITE_OK);
	char *d = nfd("Phường Vạn Xuân");
	sqlite3_bind_text(st, 1, d, -1, SQLITE_STATIC);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "phuong van xuan");
	CHECK_EQ_INT(sqlite3_column_int(st, 1), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(d);
}

GN_TESTS(T(nfc_and_nfd_store_the_same), T(folds_every_tone_on_every_vowel), T(folds_names_nfc_and_nfd_alike),
         T(cleaning_removes_controls_and_escapes), T(invalid_utf8_is_refused), T(widths), T(sql_fold_function))
