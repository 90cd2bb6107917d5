#include "testlib.h"
#include "gonha/text/text.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "Nguyễn Văn Á" written both ways. */
#define NAME_NFC "Nguy\xe1\xbb\x85n V\xc4\x83n \xc3\x81"
#define NAME_NFD "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n A\xcc\x81"

static char *clean(const char *s, int flags)
{
	char *out = NULL;
	gn_err err = {0};
	if (gn_text_clean(s, strlen(s), flags, &out, &err) != GN_OK)
		return NULL;
	return out;
}

static char *fold(const char *s)
{
	char *out = NULL;
	return gn_text_fold(s, &out) == GN_OK ? out : NULL;
}

static void nfc_and_nfd_clean_to_same_nfc(void)
{
	char *a = clean(NAME_NFC, 0), *b = clean(NAME_NFD, 0);
	CHECK_STR(a, NAME_NFC);
	CHECK_STR(b, NAME_NFC);
	char *c = NULL;
	CHECK_OK(gn_text_nfc(NAME_NFD, &c));
	CHECK_STR(c, NAME_NFC);
	free(a);
	free(b);
	free(c);
	/* Text that is NFC as it stands skips the normalizer; what is not
	 * still goes through it: a mark after a precomposed letter (ệ from
	 * ê + dot below), the ohm sign (U+2126, NFC makes it omega U+03A9),
	 * a Greek letter with tonos written as iota + U+0301. */
	static const char *const cases[][2] = {
		{ "Tr\xe1\xbb\x8bnh \xc4\x90\xe1\xbb\xa9" "c", "Tr\xe1\xbb\x8bnh \xc4\x90\xe1\xbb\xa9" "c" },
		{ "Vi\xc3\xaa\xcc\xa3t", "Vi\xe1\xbb\x87t" },
		{ "10 \xe2\x84\xa6", "10 \xce\xa9" },
		{ "\xce\xb9\xcc\x81", "\xce\xaf" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *nfc = NULL; /* gn_text_nfc takes the same short way */
		CHECK_OK(gn_text_nfc(cases[i][0], &nfc));
		CHECK_STR(nfc, cases[i][1]);
		free(nfc);
		char *got = clean(cases[i][0], 0);
		CHECK_STR(got, cases[i][1]);
		free(got);
	}
}

static void name_folds_the_same_in_nfc_and_nfd(void)
{
	char *a = fold(NAME_NFC), *b = fold(NAME_NFD);
	CHECK_STR(a, "nguyen van a");
	CHECK_STR(b, "nguyen van a");
	free(a);
	free(b);
}

/* ---- every vowel with every tone --------------------------------------- */

/* Each group: the vowel, then sắc, huyền, hỏi, ngã, nặng, in NFC. */
static const char *const vowels_lower =
	"aáàảãạ ăắằẳẵặ âấầẩẫậ eéèẻẽẹ êếềểễệ iíìỉĩị oóòỏõọ ôốồổỗộ ơớờởỡợ uúùủũụ ưứừửữự yýỳỷỹỵ";
static const char *const vowels_upper =
	"AÁÀẢÃẠ ĂẮẰẲẴẶ ÂẤẦẨẪẬ EÉÈẺẼẸ ÊẾỀỂỄỆ IÍÌỈĨỊ OÓÒỎÕỌ ÔỐỒỔỖỘ ƠỚỜỞỠỢ UÚÙỦŨỤ ƯỨỪỬỮỰ YÝỲỶỸỴ";

/* The twelve vowels as a base letter and the mark that makes them
 * (0 for none): ă breve, â ê ô circumflex, ơ ư horn. */
static const struct { char base; unsigned mark; } vowel_parts[12] = {
	{ 'a', 0 }, { 'a', 0x306 }, { 'a', 0x302 }, { 'e', 0 }, { 'e', 0x302 }, { 'i', 0 },
	{ 'o', 0 }, { 'o', 0x302 }, { 'o', 0x31B }, { 'u', 0 }, { 'u', 0x31B }, { 'y', 0 },
};
static const unsigned tones[5] = { 0x301, 0x300, 0x309, 0x303, 0x323 };

static size_t put_utf8(char *p, unsigned cp)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (char)(0xC0 | cp >> 6);
		p[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	p[0] = (char)(0xE0 | cp >> 12);
	p[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	p[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

/* The NFD of vowel v with tone t (-1: none), marks in canonical order:
 * horn (class 216) < dot below (220) < the others (230). */
static void make_nfd(char *out, int v, int t, int upper)
{
	char base = vowel_parts[v].base;
	size_t n = put_utf8(out, (unsigned)(upper ? base - 'a' + 'A' : base));
	unsigned mark = vowel_parts[v].mark, tone = t >= 0 ? tones[t] : 0;
	bool tone_first = tone == 0x323 && mark != 0x31B;
	if (tone && tone_first)
		n += put_utf8(out + n, tone);
	if (mark)
		n += put_utf8(out + n, mark);
	if (tone && !tone_first)
		n += put_utf8(out + n, tone);
	out[n] = '\0';
}

/* The k-th character (0-based, spaces skipped) of a group string. */
static void nth_char(const char *groups, int k, char *out)
{
	const unsigned char *p = (const unsigned char *)groups;
	for (;;) {
		if (*p == ' ') {
			p++;
			continue;
		}
		size_t n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
		if (k-- == 0) {
			memcpy(out, p, n);
			out[n] = '\0';
			return;
		}
		p += n;
	}
}

static void every_vowel_and_tone_folds_to_the_plain_vowel(void)
{
	for (int upper = 0; upper <= 1; upper++) {
		for (int v = 0; v < 12; v++) {
			char plain[2] = { vowel_parts[v].base, '\0' };
			for (int t = -1; t < 5; t++) {
				char nfc[8], nfd[16];
				nth_char(upper ? vowels_upper : vowels_lower, v * 6 + t + 1, nfc);
				make_nfd(nfd, v, t, upper);

				char *from_nfc = fold(nfc), *from_nfd = fold(nfd), *composed = NULL;
				CHECK_STR(from_nfc, plain);
				CHECK_STR(from_nfd, plain);
				/* And the NFD made here really is that character. */
				CHECK_OK(gn_text_nfc(nfd, &composed));
				CHECK_STR(composed, nfc);
				if (gn_test_failed) {
					fprintf(stderr, "  vowel %d tone %d upper %d\n", v, t, upper);
					free(from_nfc);
					free(from_nfd);
					free(composed);
					return;
				}
				free(from_nfc);
				free(from_nfd);
				free(composed);
			}
		}
	}
}

static void d_with_stroke_folds_to_d(void)
{
	char *a = fold("\xc4\x91\xc3\xb4ng \xc4\x90\xe1\xba\xa0I"); /* đông ĐẠI */
	CHECK_STR(a, "dong dai");
	free(a);
	a = fold("Đặng Thị Hồng Đào");
	CHECK_STR(a, "dang thi hong dao");
	free(a);
}

static void fold_collapses_white_space_and_drops_invalid_bytes(void)
{
	char *a = fold("  Lương \t Ngọc\n\nQuyến  ");
	CHECK_STR(a, "luong ngoc quyen");
	free(a);
	a = fold("ABC  def");
	CHECK_STR(a, "abc def");
	free(a);
	a = fold("Ng\xffuy\xe1\xbbn"); /* a stray byte and a truncated sequence */
	CHECK_STR(a, "nguyn");
	free(a);
	a = fold("");
	CHECK_STR(a, "");
	free(a);
}

/* ---- cleaning ---------------------------------------------------------- */

static void controls_are_removed(void)
{
	char *a = clean("Tr\x01\x02\x7f\xc2\x85\xc2\x80\xc2\x99\xe1\xba\xa7n", 0); /* C0, DEL, C1 */
	CHECK_STR(a, "Trần");
	free(a);
	char with_nul[] = "L\0\xc3\xaa";
	char *out = NULL;
	gn_err err = {0};
	CHECK_OK(gn_text_clean(with_nul, sizeof with_nul - 1, 0, &out, &err));
	CHECK_STR(out, "Lê");
	free(out);
}

static void escape_sequences_are_removed_whole(void)
{
	/* CSI colour, OSC window title (BEL and ST ends), charset, ESC x. */
	char *a = clean("\x1b[1;31mL\xc3\xaa\x1b[0m V\xc4\x83n", 0);
	CHECK_STR(a, "Lê Văn");
	free(a);
	a = clean("\x1b]0;pwned title\x07Ph\xe1\xba\xa1m", 0);
	CHECK_STR(a, "Phạm");
	free(a);
	a = clean("\x1b]2;title\x1b\\H\xc3\xb9ng", 0);
	CHECK_STR(a, "Hùng");
	free(a);
	a = clean("A\x1b(BB\x1b" "cC\x1b[?25l", 0);
	CHECK_STR(a, "ABC");
	free(a);
	a = clean("x\xc2\x9b" "31my", 0); /* C1 CSI */
	CHECK_STR(a, "xy");
	free(a);
	a = clean("a\xc2\x9d" "0;title\xc2\x9c" "b\x1b_apc\x1b\\c", 0); /* C1 OSC, APC */
	CHECK_STR(a, "abc");
	free(a);
	a = clean("end\x1b", 0);
	CHECK_STR(a, "end");
	free(a);
}

static void spaces_newlines_and_tabs(void)
{
	char *a = clean("  Nguy\xe1\xbb\x85n \t\t V\xc4\x83n\r\n\xc3\x81  ", 0);
	CHECK_STR(a, "Nguyễn Văn Á");
	free(a);
	a = clean("Ngh\xc3\xa8o\xc2\xa0\xc2\xa0h\xe1\xbb\x99", 0); /* no-break spaces */
	CHECK_STR(a, "Nghèo hộ");
	free(a);
	a = clean("\n  line one  \r\n\tline two\n\n", GN_TEXT_MULTILINE);
	CHECK_STR(a, "line one\nline two");
	free(a);
	a = clean("  a\t b  ", GN_TEXT_KEEP_SPACES);
	CHECK_STR(a, "  a  b  ");
	free(a);
	a = clean("a\nb", GN_TEXT_MULTILINE | GN_TEXT_KEEP_SPACES);
	CHECK_STR(a, "a\nb");
	free(a);
	a = clean(" \t\x1b[0m ", 0);
	CHECK_STR(a, "");
	free(a);
	/* a run of plain ASCII stops at a control, a tab or a letter beyond */
	a = clean("ab\x01" "cd\x7f" " e\tf\xc4\x91" "g h", 0);
	CHECK_STR(a, "abcd e f\xc4\x91g h");
	free(a);
	a = clean("", 0);
	CHECK_STR(a, "");
	free(a);
}

static void invalid_utf8_is_rejected(void)
{
	static const struct { const char *bytes; size_t bad_at; } cases[] = {
		{ "ab\xe1\xba", 3 },          /* truncated sequence */
		{ "\xc0\xaf", 1 },            /* overlong '/' */
		{ "x\xe0\x80\xaf", 2 },       /* overlong, three bytes */
		{ "a\xed\xa0\x80z", 2 },      /* surrogate U+D800 */
		{ "ab\x80", 3 },              /* lone continuation byte */
		{ "\xf4\x90\x80\x80", 1 },    /* above U+10FFFF */
		{ "\xff", 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *s = cases[i].bytes;
		CHECK(!gn_text_valid_utf8(s, strlen(s)));
		char *out = (char *)"untouched";
		gn_err err = {0};
		CHECK_EQ_INT(gn_text_clean(s, strlen(s), 0, &out, &err), GN_ERR_INVALID);
		CHECK(out == NULL);
		char want[80];
		snprintf(want, sizeof want, "the text is not valid UTF-8 (byte %zu)", cases[i].bad_at);
		CHECK_STR(err.msg, want);
		char *nfc = NULL;
		CHECK_EQ_INT(gn_text_nfc(s, &nfc), GN_ERR_INVALID);
	}
	CHECK(gn_text_valid_utf8(NAME_NFC, strlen(NAME_NFC)));
	CHECK(gn_text_valid_utf8("\xf0\x9f\x98\x80", 4));
}

/* Arbitrary bytes: whatever comes out is valid UTF-8 without controls. */
static void random_bytes_never_leak_controls(void)
{
	static const unsigned char alphabet[] = {
		'a', ' ', '\t', '\n', '\r', 0x1b, '[', ']', '\\', 0x07, '0', ';', 'm',
		0xc2, 0x9b, 0x9c, 0x9d, 0xcc, 0x81, 0xe1, 0xbb, 0x85, 0xc4, 0x91, 0xff, 0x80,
	};
	unsigned seed = 12345;
	for (int round = 0; round < 20000; round++) {
		char in[24];
		size_t len = (size_t)(round % 23) + 1;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (char)alphabet[(seed >> 16) % sizeof alphabet];
		}
		in[len] = '\0';
		char *out = NULL;
		gn_err err = {0};
		gn_status st = gn_text_clean(in, len, round % 4, &out, &err);
		if (st == GN_OK) {
			REQUIRE(out);
			CHECK(gn_text_valid_utf8(out, strlen(out)));
			for (const unsigned char *p = (const unsigned char *)out; *p; p++)
				CHECK((*p >= 0x20 && *p != 0x7f) || (*p == '\n' && (round % 4) & GN_TEXT_MULTILINE));
			CHECK(strstr(out, "\xc2\x9b") == NULL && strstr(out, "\xc2\x9d") == NULL);
		} else {
			CHECK_EQ_INT(st, GN_ERR_INVALID);
			CHECK(!gn_text_valid_utf8(in, len));
		}
		free(out);
		char *key = NULL;
		CHECK_OK(gn_text_fold(in, &key));
		CHECK(key && gn_text_valid_utf8(key, strlen(key)));
		free(key);
		CHECK(gn_text_fit(in, round % 9) <= strlen(in));
		CHECK(gn_text_width(in) >= 0);
		if (gn_test_failed)
			return;
	}
}

/* The plain ASCII cells an import reads by the hundred thousand take a
 * shorter way (text.c, plain_ascii): what they come back as is what the
 * full way makes of them, spaces at the ends or side by side included. */
static void plain_ascii_cleans_as_the_full_way(void)
{
	static const struct {
		const char *in;
		int flags;
		const char *out;
	} cases[] = {
		{ "yes", 0, "yes" },
		{ "2026-11-20T09:00:00Z", 0, "2026-11-20T09:00:00Z" },
		{ "Ngo 5 Hang Bac", 0, "Ngo 5 Hang Bac" },
		{ " a", 0, "a" },
		{ "a ", 0, "a" },
		{ "a  b", 0, "a b" },
		{ " ", 0, "" },
		{ "a  b ", GN_TEXT_KEEP_SPACES, "a  b " },
		{ "a\x7f" "b", 0, "ab" },
		{ "a~b", GN_TEXT_MULTILINE, "a~b" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *a = clean(cases[i].in, cases[i].flags);
		CHECK_STR(a, cases[i].out);
		free(a);
	}
	/* every run of printable ASCII and spaces, against the same text with a
	 * letter beyond ASCII after it (which takes the full way) */
	static const char alphabet[] = { 'a', ' ', 'Z', '"', '~' };
	unsigned seed = 777;
	for (int round = 0; round < 5000; round++) {
		char in[16], longer[20];
		size_t len = (size_t)(round % 12) + 1;
		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			in[k] = alphabet[(seed >> 16) % sizeof alphabet];
		}
		in[len] = '\0';
		snprintf(longer, sizeof longer, "%s\xc4\x91", in);
		char *a = clean(in, round % 4), *b = clean(longer, round % 4);
		REQUIRE(a && b);
		size_t n = strlen(b);
		REQUIRE(n >= 2);
		b[n - 2] = '\0'; /* the full way's text before the added letter */
		if (n >= 3 && b[n - 3] == ' ' && !((round % 4) & GN_TEXT_KEEP_SPACES))
			b[n - 3] = '\0'; /* a space before it is trailing without it */
		CHECK_STR(a, b);
		free(a);
		free(b);
		if (gn_test_failed)
			return;
	}
}

/* ---- width ------------------------------------------------------------- */

static void display_width(void)
{
	CHECK_EQ_INT(gn_text_width("Nguy\xe1\xbb\x85n"), 6);
	CHECK_EQ_INT(gn_text_width("Nguye\xcc\x82\xcc\x83n"), 6);
	CHECK_EQ_INT(gn_text_width(NAME_NFD), gn_text_width(NAME_NFC));
	CHECK_EQ_INT(gn_text_width(NAME_NFC), 12);
	CHECK_EQ_INT(gn_text_width("\xe8\xb6\x8a"), 2); /* 越 */
	CHECK_EQ_INT(gn_text_width("\xe8\xb6\x8a\xe5\x8d\x97"), 4); /* 越南 */
	CHECK_EQ_INT(gn_text_width("a\xffz"), 3); /* invalid byte = 1 */
	CHECK_EQ_INT(gn_text_width("a\x01z"), 3); /* control = 1 */
	CHECK_EQ_INT(gn_text_width(""), 0);
}

static void fit_never_splits_a_character(void)
{
	const char *nfd = "Nguye\xcc\x82\xcc\x83n"; /* ễ = e + 2 marks */
	CHECK_EQ_INT(gn_text_fit(nfd, 4), 4);
	CHECK_EQ_INT(gn_text_fit(nfd, 5), 9);  /* "Nguyễ" with both marks */
	CHECK_EQ_INT(gn_text_fit(nfd, 6), 10);
	CHECK_EQ_INT(gn_text_fit(nfd, 99), strlen(nfd));
	CHECK_EQ_INT(gn_text_fit("Nguy\xe1\xbb\x85n", 5), 7);
	const char *cjk = "a\xe8\xb6\x8a\xe5\x8d\x97"; /* a越南 */
	CHECK_EQ_INT(gn_text_fit(cjk, 2), 1);  /* half a wide character is no fit */
	CHECK_EQ_INT(gn_text_fit(cjk, 3), 4);
	CHECK_EQ_INT(gn_text_fit(cjk, 4), 4);
	CHECK_EQ_INT(gn_text_fit(cjk, 0), 0);
	CHECK_EQ_INT(gn_text_fit(cjk, -3), 0);
	CHECK_EQ_INT(gn_text_fit("a\xffz", 2), 2);

	/* Every cut lands on a character boundary and within the columns. */
	const char *samples[] = { NAME_NFC, NAME_NFD, cjk, "Đặng Thị Hồng Đào" };
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
		for (int cols = 0; cols <= 20; cols++) {
			size_t n = gn_text_fit(samples[i], cols);
			char prefix[64];
			memcpy(prefix, samples[i], n);
			prefix[n] = '\0';
			CHECK(gn_text_valid_utf8(prefix, n));
			CHECK(gn_text_width(prefix) <= cols);
			/* Never ends right before a combining mark. */
			unsigned char next = (unsigned char)samples[i][n];
			CHECK(!(next == 0xCC || next == 0xCD));
		}
	}
}

/* ---- SQL --------------------------------------------------------------- */

static void sql_gn_fold(void)
{
	sqlite3 *db = NULL;
	REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
	CHECK_OK(gn_text_register_sqlite(db));
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db,
		"SELECT gn_fold(?1), gn_fold(?2), gn_fold(NULL) IS NULL, gn_fold(?1) = gn_fold(?2)",
		-1, &st, NULL);
	CHECK_EQ_INT(rc, SQLITE_OK);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, NAME_NFC, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, NAME_NFD, -1, SQLITE_STATIC);
		CHECK_EQ_INT(sqlite3_step(st), SQLITE_ROW);
		CHECK_STR((const char *)sqlite3_column_text(st, 0), "nguyen van a");
		CHECK_STR((const char *)sqlite3_column_text(st, 1), "nguyen van a");
		CHECK_EQ_INT(sqlite3_column_int(st, 2), 1);
		CHECK_EQ_INT(sqlite3_column_int(st, 3), 1);
	}
	sqlite3_finalize(st);

	/* Deterministic, so it can back an index on an expression. */
	char *msg = NULL;
	rc = sqlite3_exec(db,
		"CREATE TABLE p(name TEXT);"
		"CREATE INDEX p_fold ON p(gn_fold(name));"
		"INSERT INTO p VALUES ('Đặng Thị Hồng'), ('Nguyễn Văn Á');",
		NULL, NULL, &msg);
	CHECK_EQ_INT(rc, SQLITE_OK);
	if (msg)
		fprintf(stderr, "  %s\n", msg);
	sqlite3_free(msg);
	st = NULL;
	rc = sqlite3_prepare_v2(db, "SELECT name FROM p WHERE gn_fold(name) = gn_fold('DANG thi hong')",
	                        -1, &st, NULL);
	CHECK_EQ_INT(rc, SQLITE_OK);
	if (rc == SQLITE_OK) {
		CHECK_EQ_INT(sqlite3_step(st), SQLITE_ROW);
		CHECK_STR((const char *)sqlite3_column_text(st, 0), "Đặng Thị Hồng");
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* A key of ASCII and Latin letters is made a character at a time
 * (text.c, fold_latin); the same text with a Greek letter after it takes
 * the whole way (u8_tolower in NFD, marks dropped): the two keys must agree,
 * for every code point of Latin-1 to Latin Extended-B and of Latin Extended
 * Additional, and for Vietnamese words of every vowel and tone. */
static void latin_keys_are_the_whole_ways(void)
{
	char in[512], longer[540];
	for (unsigned cp = 0x80; cp < 0x1F00; cp = cp == 0x24F ? 0x1E00 : cp + 1) {
		size_t n = 0;
		memcpy(in, "Ab", 2);
		n = 2 + put_utf8(in + 2, cp);
		memcpy(in + n, "c d", 4);
		snprintf(longer, sizeof longer, "%s \xce\xa9", in); /* Ω: folds to ω the whole way */
		char *a = fold(in), *b = fold(longer);
		REQUIRE(a && b);
		char want[540];
		snprintf(want, sizeof want, "%s%s\xcf\x89", a, *a ? " " : "");
		if (strcmp(b, want) != 0) {
			fprintf(stderr, "U+%04X: %s / %s\n", cp, a, b);
			CHECK_STR(b, want);
		}
		free(a);
		free(b);
		if (gn_test_failed)
			return;
	}
	const char *words[] = { vowels_lower, vowels_upper, "Tr\xe1\xbb\x8bnh \xc4\x90\xe1\xbb\xa9" "c",
		                    "Nguy\xe1\xbb\x85n  V\xc4\x83n\xc2\xa0\xc3\x81" };
	for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
		snprintf(longer, sizeof longer, "%s \xce\xa9", words[i]);
		char *a = NULL, *b = fold(longer);
		snprintf(in, sizeof in, "%s", words[i]);
		a = fold(in);
		REQUIRE(a && b);
		char want[540];
		snprintf(want, sizeof want, "%s%s\xcf\x89", a, *a ? " " : "");
		CHECK_STR(b, want);
		free(a);
		free(b);
	}
}

/* gn_text_is_clean says yes only when gn_text_clean would give the text
 * back as it is (the import then uses such a cell where it lies), and yes
 * for the printable ASCII that is most of a census. */
static void clean_already_is_what_clean_gives_back(void)
{
	static const struct {
		const char *in;
		int flags;
		bool clean;
	} cases[] = {
		{ "abc", 0, true }, { "Nguyen Van A", 0, true }, { "~!@#$%^&*()_+{}|:<>?", 0, true }, { "x", 0, true },
		{ "a  b", GN_TEXT_KEEP_SPACES, true }, { " a ", GN_TEXT_KEEP_SPACES, true }, { " abc", 0, false },
		{ "abc ", 0, false }, { "a  b", 0, false }, { "a\tb", 0, false }, { "a\nb", GN_TEXT_MULTILINE, false },
		{ "a\x7f", 0, false }, { "\xe1\xba\xa3", 0, false }, { "a\x1b[31mb", 0, false }, { " ", 0, false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *in = cases[i].in;
		char *out = NULL;
		gn_err e = { 0 };
		CHECK_EQ_INT(gn_text_clean(in, strlen(in), cases[i].flags, &out, &e), GN_OK);
		bool is = gn_text_is_clean(in, strlen(in), cases[i].flags);
		if (is != cases[i].clean || (is && (!out || strcmp(out, in) != 0))) {
			gn_test_failed = 1;
			fprintf(stderr, "  case %zu: \"%s\" is clean %d, cleaned to \"%s\"\n", i, in, is, out ? out : "");
		}
		free(out);
	}
	CHECK(!gn_text_is_clean("", 0, 0));
	CHECK(!gn_text_is_clean(NULL, 0, 0));
}

GN_TESTS(
	T(clean_already_is_what_clean_gives_back),
	T(nfc_and_nfd_clean_to_same_nfc),
	T(name_folds_the_same_in_nfc_and_nfd),
	T(every_vowel_and_tone_folds_to_the_plain_vowel),
	T(d_with_stroke_folds_to_d),
	T(fold_collapses_white_space_and_drops_invalid_bytes),
	T(controls_are_removed),
	T(escape_sequences_are_removed_whole),
	T(spaces_newlines_and_tabs),
	T(invalid_utf8_is_rejected),
	T(random_bytes_never_leak_controls),
	T(plain_ascii_cleans_as_the_full_way),
	T(display_width),
	T(fit_never_splits_a_character),
	T(sql_gn_fold),
	T(latin_keys_are_the_whole_ways)
)
