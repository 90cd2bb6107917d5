/* The entry screen on a real pseudo-terminal, with forms the ward installs
 * (`gonha form add`, `gonha form use`), never an environment hook:
 * - the form's own languages (tests/forms/bilingual: English, its
 *   default_language, and Vietnamese), apart from gonha's: F7 switches the
 *   labels, hints, choices and the form's messages live, a text missing in
 *   one falls back to the default, the choice is kept for the account and
 *   another account starts at the default; `gonha form check` lists them;
 * - `${name}` of a select in a label shows the choice's name, as ODK
 *   Collect does;
 * - appearances (tests/forms/layout): `horizontal` lines the choices up in
 *   columns, `horizontal-compact` puts them side by side as they fit, and
 *   a `field-list` group is shown whole when the cursor enters it, also
 *   after a resize. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define WAIT(t, text) CHECK_EQ_INT(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, text) REQUIRE(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS) == 0)

/* tests/forms/NAME as a whole path (the commands run in the test's folder). */
static const char *form_dir(const char *name)
{
	static char whole[PATH_MAX];
	char rel[256];
	snprintf(rel, sizeof rel, "tests/forms/%s", name);
	if (!realpath(rel, whole))
		snprintf(whole, sizeof whole, "%s", rel);
	return whole;
}

/* The form tests/forms/NAME installed and given to TDP tdp ("--all"). */
static bool install(const char *name, const char *tdp)
{
	return gn_e2e_form_install(gn_ui_db(), form_dir(name), name, strcmp(tdp, "--all") ? tdp : NULL) == 0;
}

/* Signed in as user, a new household of TDP 1 opened (waiting for first). */
static gn_term *new_household(const char *user, const char *first)
{
	gn_term *t = gn_ui_start(24, 80, NULL, NULL);
	if (!t)
		return NULL;
	if (gn_ui_sign_in(t, user, "demo", "Tổ dân phố 1") != 0 || (gn_term_key(t, "Enter"), 0) ||
	    gn_term_wait_for(t, "Tổ dân phố 1 (01)", GN_TERM_WAIT_MS) != 0 || (gn_term_type(t, "a"), 0) ||
	    gn_term_wait_for(t, first, GN_TERM_WAIT_MS) != 0) {
		gn_term_dump(t, stderr);
		gn_term_free(t);
		return NULL;
	}
	return t;
}

static void form_check_lists_the_languages(void)
{
	char args[PATH_MAX + 32];
	snprintf(args, sizeof args, "form check '%s'", form_dir("bilingual"));
	CHECK_EQ_INT(gn_e2e_run_env("GONHA_LANG=en", args), 0);
	CHECK(gn_e2e_has(gn_e2e_out, "languages of the form: English (en) (default), Tiếng Việt (vi)"));
	CHECK_EQ_INT(gn_e2e_run_env("GONHA_LANG=vi", args), 0);
	CHECK(gn_e2e_has(gn_e2e_out, "các ngôn ngữ của phiếu: English (en) (mặc định), Tiếng Việt (vi)"));
}

static void the_form_language_switches_live_and_is_kept(void)
{
	gn_ui_demo("ward.db", 2, 3);
	REQUIRE(install("bilingual", "01"));
	gn_term *t = new_household("tdp01", "House number");
	REQUIRE(t);
	/* the form's default_language, whatever gonha's own (Vietnamese) */
	WAIT(t, "As painted on the gate");
	WAIT(t, "đã điền"); /* gonha's own words stay Vietnamese */
	CHECK_EQ_INT(gn_term_wait_gone(t, "Số nhà", GN_TERM_WAIT_MS), 0);
	/* the key is in F1's list */
	gn_term_key(t, "F1");
	WAIT(t, "F7");
	WAIT(t, "Phiếu bằng ngôn ngữ tiếp theo");
	gn_term_key(t, "Esc");
	WAIT(t, "House number");
	/* F7: Vietnamese, at once, with what is typed kept */
	gn_term_type(t, "Ngo\xcc\x83 5"); /* NFD, as Unikey may send it */
	gn_term_key(t, "F7");
	WAIT(t, "Tiếng Việt (vi)");
	WAIT(t, "Số nhà");
	WAIT(t, "Như sơn trên cổng");
	CHECK(gn_term_contains(t, "Số người ở đây"));
	CHECK(gn_term_contains(t, "Notes for the ward")); /* no Vietnamese label: the default's */
	CHECK_EQ_INT(gn_term_wait_gone(t, "House number", GN_TERM_WAIT_MS), 0);
	gn_term_key(t, "Enter");
	WAIT(t, "Ngõ 5"); /* stored NFC */
	/* the form's messages in its language */
	gn_term_key(t, "Up");
	gn_term_key(t, "C-u");
	gn_term_key(t, "Enter");
	WAIT(t, "Hãy gõ số nhà");
	gn_term_type(t, "Ngõ 5");
	gn_term_key(t, "Enter");
	gn_term_type(t, "40");
	gn_term_key(t, "Enter");
	WAIT(t, "Từ 1 đến 30 người");
	gn_term_key(t, "F7"); /* and back: the message is remade when checked again */
	WAIT(t, "People living here");
	gn_term_key(t, "Enter");
	WAIT(t, "Between 1 and 30 people");
	gn_term_key(t, "Backspace");
	gn_term_key(t, "Backspace");
	gn_term_type(t, "4");
	gn_term_key(t, "Enter");
	/* the choices, in either language */
	WAIT(t, "1 Tap water");
	gn_term_key(t, "C-y"); /* the other key of the same action */
	WAIT(t, "1 Nước máy");
	WAIT(t, "2 Giếng khoan");
	gn_term_type(t, "2");
	/* ${nuoc} of a select_one: its choice's name, as ODK Collect shows it */
	WAIT(t, "Mã nguồn nước: gieng (Giếng khoan)");
	CHECK_EQ_INT(gn_term_wait_gone(t, "nuoc_ten", GN_TERM_WAIT_MS), 0); /* a calculate with no label is no line */
	gn_term_key(t, "F7"); /* jr:choice-name() follows the form's language */
	WAIT(t, "Water source code: gieng (Well)");
	gn_term_key(t, "F7");
	WAIT(t, "Mã nguồn nước: gieng (Giếng khoan)");
	CHECK(gn_ui_line_shows(t, "Nguồn nước uống", "Giếng khoan"));
	gn_term_key(t, "C-s");
	WAIT(t, "Đã lưu");
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM household WHERE form_id = 'bilingual' AND json_extract(answers, "
	                             "'$.nuoc') = 'gieng' AND json_extract(answers, '$.so_nha') = 'Ngõ 5'"), 1);
	/* kept for the account (audited like every setting) */
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM user_setting s JOIN users u ON u.id = s.user_id WHERE u.login = "
	                             "'tdp01' AND s.name = 'form_lang:bilingual' AND s.value = 'vi'"), 1);
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM audit_log WHERE table_name = 'users' AND changes LIKE "
	                             "'%form_lang:bilingual%'"), 5); /* F7, F7, ^Y, F7, F7 */
	gn_term_key(t, "Esc");
	gn_ui_quit(t);

	/* the next time: Vietnamese again for tdp01 */
	t = new_household("tdp01", "Số nhà");
	REQUIRE(t);
	CHECK_EQ_INT(gn_term_wait_gone(t, "House number", GN_TERM_WAIT_MS), 0);
	gn_term_key(t, "Esc");
	gn_ui_quit(t);
	/* another account starts at the form's default */
	t = new_household("admin", "House number");
	REQUIRE(t);
	gn_term_key(t, "Esc");
	gn_ui_quit(t);
}

/* Out of a household not saved, without saving it (asked first). */
static void leave_unsaved(gn_term *t)
{
	gn_term_key(t, "Esc");
	WAIT(t, "Hộ này chưa được lưu.");
	gn_term_type(t, "x");
	WAIT(t, "Tổ dân phố 1 (01)");
}

/* The 1-based column where text starts on the screen row that holds it, 0 none. */
static int column_of(gn_term *t, const char *text)
{
	int col = 0;
	for (int r = 0; r < 24 && !col; r++) {
		char *row = gn_term_row(t, r);
		const char *at = row ? strstr(row, text) : NULL;
		if (at) {
			col = 1;
			for (const char *p = row; p < at; p++)
				col += ((unsigned char)*p & 0xC0) != 0x80; /* one column a character here */
		}
		free(row);
	}
	return col;
}

static void horizontal_lines_the_choices_up(void)
{
	gn_ui_demo("layout.db", 1, 2);
	REQUIRE(install("layout", "--all"));
	gn_term *t = new_household("tdp01", "Mức độ dùng điện thoại");
	REQUIRE(t);
	REQUIRE_WAIT(t, "4 Hằng ngày nhiều giờ");
	/* horizontal: the choices in columns as wide as the widest ("4 Hằng
	 * ngày nhiều giờ"): two a row here, each under the one two before */
	int c1 = column_of(t, "1 Không"), c2 = column_of(t, "2 Hiếm khi dùng"), c3 = column_of(t, "3 Có");
	int c4 = column_of(t, "4 Hằng ngày"), c5 = column_of(t, "5 Hằng tuần"), c6 = column_of(t, "6 Không rõ");
	CHECK(c1 > 0 && c2 > c1);
	CHECK_EQ_INT(c3, c1);
	CHECK_EQ_INT(c5, c1);
	CHECK_EQ_INT(c4, c2);
	CHECK_EQ_INT(c6, c2);
	gn_term_type(t, "3");
	/* horizontal-compact: side by side as they fit, two spaces apart */
	REQUIRE_WAIT(t, "1 Không  2 Hiếm khi dùng  3 Có");
	gn_term_type(t, "1");
	leave_unsaved(t);
	gn_ui_quit(t);
}

static void field_list_shows_the_group_whole(void)
{
	gn_ui_demo("pages.db", 1, 2);
	REQUIRE(install("layout", "--all"));
	gn_term *t = new_household("tdp01", "Mức độ dùng điện thoại");
	REQUIRE(t);
	gn_term_type(t, "1");
	gn_term_type(t, "2");
	for (int i = 1; i <= 16; i++) {
		char typed[16];
		snprintf(typed, sizeof typed, "c%d", i);
		gn_term_type(t, typed);
		gn_term_key(t, "Enter");
	}
	/* the cursor on the group's first question: its heading on top, and
	 * its last question on the screen with it */
	REQUIRE_WAIT(t, "Sân nhà");
	WAIT(t, "Trang nhà ở");
	CHECK(gn_term_wait_row(t, 1, "Trang nhà ở", GN_TERM_WAIT_MS) == 0);
	/* gone, not merely absent from a screen caught half redrawn */
	CHECK(gn_term_wait_gone(t, "Câu 16", GN_TERM_WAIT_MS) == 0);
	/* back out of it, above: the page stays whole below the line before */
	gn_term_key(t, "Up");
	WAIT(t, "Câu 16");
	WAIT(t, "Sân nhà");
	/* a taller terminal and back, on the page's last question: still whole */
	for (int i = 0; i < 5; i++)
		gn_term_key(t, "Down");
	gn_term_resize(t, 30, 100);
	WAIT(t, "Câu 20");
	gn_term_resize(t, 24, 80);
	WAIT(t, "Trang nhà ở");
	WAIT(t, "Mái nhà");
	WAIT(t, "Sân nhà");
	leave_unsaved(t);
	gn_ui_quit(t);
}

GN_TESTS(T(form_check_lists_the_languages), T(the_form_language_switches_live_and_is_kept),
         T(horizontal_lines_the_choices_up), T(field_list_shows_the_group_whole))
