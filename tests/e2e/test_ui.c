/* The terminal UI end to end: the real binary on a pseudo-terminal (term.h),
 * keys typed as a TDP leader would (Vietnamese as NFC and as NFD), the
 * screen read back, and the database checked with plain SQL. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"
#include "term.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>

#define bin gn_e2e_bin
#define db gn_ui_db()
#define make_demo(name) gn_ui_demo(name, 2, 20) /* 2 TDPs of 20 households */
#define start(rows, cols, lang) gn_ui_start(rows, cols, lang, NULL)
#define sign_in(t, user) gn_ui_sign_in(t, user, "demo", "Tổ dân phố 1")
#define query_int gn_ui_query_int
#define query_text gn_ui_query_text
#define quit gn_ui_quit

#define WAIT(t, text) CHECK_EQ_INT(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, text) REQUIRE(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS) == 0)

/* The title on the first row and the key bar on the last: a line drawn
 * wider than the terminal wraps and pushes them off their rows. */
static void screen_intact(gn_term *t, const char *title_part)
{
	gn_term_wait_quiet(t, 150, GN_TERM_WAIT_MS);
	char *row0 = gn_term_row(t, 0);
	CHECK(row0 && strstr(row0, title_part));
	free(row0);
	char *screen = gn_term_screen(t);
	REQUIRE(screen);
	size_t n = strlen(screen);
	while (n && screen[n - 1] == '\n')
		screen[--n] = '\0';
	/* the bar: the last row, or the last two when the daily keys take a
	 * second (ui_keybar_rows) */
	char *last = strrchr(screen, '\n');
	REQUIRE(last);
	*last = '\0';
	const char *before = strrchr(screen, '\n');
	before = before ? before + 1 : screen;
	CHECK(strstr(last + 1, "Trợ giúp") || strstr(last + 1, "Thêm phím") || strstr(before, "Trợ giúp") ||
	      strstr(before, "Thêm phím"));
	free(screen);
}

#define line_shows gn_ui_line_shows

/* Sign in, open a TDP, add a household with three members (NFC and NFD),
 * save, filter, search, edit, resize mid-edit, quit, restart, find it. */
static void enters_a_household_end_to_end(void)
{
	make_demo("entry.db");
	gn_term *t = start(24, 80, NULL);
	REQUIRE(t);
	WAIT(t, "Đây là phường mẫu");
	REQUIRE(sign_in(t, "admin") == 0);
	WAIT(t, "Tổ dân phố 2");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "20 hộ");

	/* a new household, heads-down */
	gn_term_type(t, "a");
	REQUIRE_WAIT(t, "Hộ mới");
	gn_term_type(t, "99");
	gn_term_key(t, "Enter");
	gn_term_type(t, "ngõ 12/ngách 3");                 /* NFC */
	gn_term_key(t, "Tab");
	gn_term_type(t, "Lu\xcc\x9bo\xcc\x9bng Ngo\xcc\xa3" "c Quye\xcc\x82\xcc\x81n"); /* NFD */
	gn_term_key(t, "Enter");
	WAIT(t, "Cần quay lại");                          /* the form's choices, by number */
	WAIT(t, "Địa chỉ hộ");                            /* the form's group, as a heading */
	gn_term_type(t, "2");
	WAIT(t, "Ngày đến hộ");
	gn_term_type(t, "20/11/2026");
	gn_term_key(t, "Enter");
	WAIT(t, "Mặc định là người đang đăng nhập");     /* the form's hint */
	gn_term_key(t, "Enter");                          /* visited by: admin, carried */
	gn_term_key(t, "Enter");                          /* phone: optional */
	WAIT(t, "Theo danh sách hộ nghèo");
	gn_term_type(t, "2");                             /* poor household: no; the roster */
	WAIT(t, "+ Thêm người");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "người 1/1");
	gn_term_type(t, "Nguyễn Văn Ấn");                 /* NFC */
	gn_term_key(t, "Enter");
	gn_term_type(t, "1975");
	gn_term_key(t, "Enter");
	WAIT(t, "1 Nam  2 Nữ");
	CHECK(line_shows(t, "Tuổi", "51"));               /* calculated live */
	gn_term_type(t, "1");
	gn_term_type(t, "1");
	WAIT(t, "12 chữ số");
	gn_term_type(t, "001075000123");
	gn_term_key(t, "Enter");
	WAIT(t, "Học sinh/sinh viên");
	/* the rest of the questionnaire, one key per answer */
	gn_term_type(t, "6");                             /* group: other resident */
	WAIT(t, "Kỹ năng số: hỏi trực tiếp");              /* a note, shown, skipped */
	gn_term_type(t, "1");                             /* smartphone: yes */
	gn_term_type(t, "3");                             /* VNeID level 2 */
	gn_term_type(t, "1");                             /* bank account */
	gn_term_type(t, "1");                             /* online services */
	gn_term_type(t, "2");                             /* cashless: no */
	gn_term_type(t, "1");                             /* safety */
	gn_term_type(t, "3");                             /* course completed: confirmed asked */
	WAIT(t, "Đã xác nhận hoàn thành");
	gn_term_type(t, "1");
	WAIT(t, "Chọn tất cả việc");                       /* needs help: several */
	gn_term_type(t, "1");
	gn_term_type(t, "7");
	WAIT(t, "Dùng trí tuệ nhân tạo (AI) [x]");
	gn_term_key(t, "Enter");
	gn_term_type(t, "2");                             /* disability: no */
	WAIT(t, "Không ghi thông tin nhạy cảm");
	gn_term_type(t, "Hẹn chiều thứ Bảy");
	gn_term_key(t, "Enter");                          /* past the last field: the roster */
	WAIT(t, "Thành viên (1)");
	gn_term_key(t, "Enter");                          /* on "+ Thêm người" */
	REQUIRE_WAIT(t, "người 2/2");
	gn_term_type(t, "Tra\xcc\x82\xcc\x80n Thi\xcc\xa3 Hoa"); /* NFD */
	gn_term_key(t, "Enter");
	gn_term_type(t, "1980");
	gn_term_key(t, "Enter");
	gn_term_type(t, "2");
	gn_term_type(t, "2");
	WAIT(t, "12 chữ số");
	gn_term_key(t, "C-t");                            /* save and add another member */
	REQUIRE_WAIT(t, "người 3/3");
	WAIT(t, "Người tiếp theo");
	gn_term_type(t, "Le\xcc\x82 Minh Kho\xcc\x82i");     /* NFD */
	gn_term_key(t, "Enter");
	gn_term_type(t, "2016");
	gn_term_key(t, "Enter");
	gn_term_type(t, "1");
	gn_term_type(t, "3");                             /* no CCCD under 14: skipped */
	WAIT(t, "Học sinh/sinh viên");
	CHECK(line_shows(t, "Tuổi", "10"));
	CHECK_EQ_INT(gn_term_wait_gone(t, "Số CCCD", GN_TERM_WAIT_MS), 0);            /* hidden, not only skipped */
	CHECK_EQ_INT(gn_term_wait_gone(t, "VNeID", GN_TERM_WAIT_MS), 0);
	gn_term_type(t, "2");                             /* student */
	gn_term_key(t, "Esc");                            /* the rest unanswered: the roster */
	WAIT(t, "Thành viên (3)");
	WAIT(t, "Lê Minh Khôi");
	gn_term_key(t, "C-s");
	/* a member of a finished household with no skill answer: asked, saved */
	REQUIRE_WAIT(t, "Trần Thị Hoa chưa có câu trả lời nào về kỹ năng số. Vẫn lưu hộ?");
	gn_term_type(t, "c");
	REQUIRE_WAIT(t, "Đã lưu: hộ 99");
	CHECK_EQ_INT(query_int("SELECT count(*) FROM household WHERE house_no = '99' AND deleted = 0"), 1);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM person p JOIN household h ON h.id = p.household_id "
	                       "WHERE h.house_no = '99' AND p.deleted = 0"), 3);
	/* NFD typing stored as NFC */
	CHECK_EQ_INT(query_int("SELECT count(*) FROM person WHERE full_name = 'Trần Thị Hoa'"), 1);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM household WHERE street = 'Lương Ngọc Quyến' AND house_no = '99'"), 1);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM household WHERE house_no = '99' AND visit_date = '2026-11-20' "
	                       "AND visit_status = 'done' AND visited_by = 'Cán bộ phường (demo)'"), 1);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM draft"), 0);
	/* the form's other questions in answers */
	CHECK_EQ_INT(query_int("SELECT count(*) FROM person WHERE full_name = 'Nguyễn Văn Ấn' AND "
	                       "json_extract(answers, '$.smartphone') = 'yes' AND "
	                       "json_extract(answers, '$.vneid_level') = 'level2' AND "
	                       "json_extract(answers, '$.needs_help') = 'vneid ai' AND "
	                       "json_extract(answers, '$.notes') = 'Hẹn chiều thứ Bảy'"), 1);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM person WHERE full_name = 'Lê Minh Khôi' AND cccd IS NULL OR cccd = '' "
	                       "AND full_name = 'Lê Minh Khôi' AND json_extract(answers, '$.group') = 'student'"), 1);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM household WHERE house_no = '99' AND "
	                       "json_extract(answers, '$.poor_household') = 'no'"), 1);

	/* the list: 21 households; filters */
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "21 hộ");
	gn_term_type(t, "f");
	WAIT(t, "Lọc: chưa thăm");
	gn_term_type(t, "f");
	WAIT(t, "Lọc: hẹn lại");
	gn_term_type(t, "f");
	WAIT(t, "Lọc: cần hỗ trợ");
	gn_term_type(t, "f");
	WAIT(t, "Lọc: tất cả");
	/* search without diacritics */
	gn_term_type(t, "/");
	gn_term_type(t, "nguyen");
	WAIT(t, "Tìm: nguyen");
	WAIT(t, "Nguyễn");
	gn_term_key(t, "C-u");
	gn_term_type(t, "le minh khoi");
	WAIT(t, "(Lê Minh Khôi)");                       /* a member, not the head, matched */
	WAIT(t, "1 hộ");
	gn_term_key(t, "Enter");                          /* leave the search field */
	gn_term_key(t, "Enter");                          /* open the household */
	REQUIRE_WAIT(t, "Hộ 99 ngõ 12/ngách 3");

	/* edit the house number, resizing in the middle of typing */
	gn_term_key(t, "End");
	gn_term_type(t, "B");
	WAIT(t, "99B");
	/* each resize waits for the redraw to end: two sizes in the same
	 * instant race ncurses' SIGWINCH handling in slow (ASan) builds */
	gn_term_resize(t, 30, 100);
	gn_term_wait_quiet(t, 200, GN_TERM_WAIT_MS);
	WAIT(t, "99B");
	screen_intact(t, "Hộ 99");
	gn_term_resize(t, 24, 80);
	gn_term_wait_quiet(t, 200, GN_TERM_WAIT_MS);
	WAIT(t, "99B");
	gn_term_resize(t, 20, 70);
	WAIT(t, "Cửa sổ quá nhỏ");
	gn_term_wait_quiet(t, 200, GN_TERM_WAIT_MS); /* as above: one size at a time */
	CHECK_EQ_INT(gn_term_wait_gone(t, "Thành viên", GN_TERM_WAIT_MS), 0);
	gn_term_resize(t, 24, 80);
	WAIT(t, "Thành viên (3)");
	gn_term_type(t, "x");
	WAIT(t, "99Bx");
	gn_term_key(t, "Backspace");
	gn_term_key(t, "Enter");
	gn_term_key(t, "C-s");
	REQUIRE_WAIT(t, "Vẫn lưu hộ?"); /* still no skill answer: asked again */
	gn_term_type(t, "c");
	REQUIRE_WAIT(t, "Đã lưu: hộ 99B");
	quit(t);

	/* restart: everything is there */
	t = start(24, 80, NULL);
	REQUIRE(t);
	REQUIRE(sign_in(t, "admin") == 0);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "21 hộ");
	gn_term_type(t, "/99b");
	WAIT(t, "1 hộ");
	WAIT(t, "Nguyễn Văn Ấn");
	gn_term_key(t, "Enter");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Thành viên (3)");
	WAIT(t, "Trần Thị Hoa");
	WAIT(t, "Lê Minh Khôi");
	WAIT(t, "001******123");                         /* the CCCD masked on screen */
	/* through the household's questions to the roster, open the head */
	for (int i = 0; i < 8; i++)
		gn_term_key(t, "Tab");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "người 1/3");
	WAIT(t, "Mức 2");
	CHECK(line_shows(t, "Có dùng điện thoại thông minh", "Có"));
	CHECK(line_shows(t, "Tài khoản định danh điện tử VNeID", "Mức 2"));
	CHECK(line_shows(t, "Cần tổ công nghệ hỗ trợ", "Cài đặt/kích hoạt VNeID, Dùng trí"));
	gn_term_key(t, "Esc");
	WAIT(t, "Thành viên (3)");
	quit(t);
	char buf[256];
	CHECK_STR(query_text("SELECT house_no FROM household WHERE street = 'Lương Ngọc Quyến' AND alley = 'ngõ 12/ngách 3'",
	                     buf, sizeof buf), "99B");
	CHECK_EQ_INT(query_int("SELECT count(*) FROM person WHERE relation = 'head' AND household_id = "
	                       "(SELECT id FROM household WHERE house_no = '99B')"), 1);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM audit_log WHERE table_name = 'household' AND action = 'update'"), 1);
}

/* A fingerprint of every saved household and person. */
static void fingerprint(char *out, size_t size)
{
	query_text("SELECT (SELECT count(*) || ':' || total(rev) || ':' || group_concat(id || house_no || visit_status, ',') "
	           "FROM household WHERE deleted = 0) || '/' || (SELECT count(*) || ':' || total(rev) || ':' || "
	           "group_concat(id || full_name, ',') FROM person WHERE deleted = 0)", out, size);
}

/* SIGKILL in the middle of a household: saved data intact, check passes,
 * the draft is offered back and can be saved. */
static void survives_a_kill_and_offers_the_draft(void)
{
	static char before[1 << 16], after[1 << 16];
	make_demo("kill.db");
	fingerprint(before, sizeof before);
	REQUIRE(before[0]);
	gn_term *t = start(24, 80, NULL);
	REQUIRE(t);
	REQUIRE(sign_in(t, "admin") == 0);
	REQUIRE(gn_ui_new_household(t, 20, "77") == 0);
	gn_term_key(t, "Enter");
	gn_term_type(t, "ngõ 5");
	gn_term_key(t, "Enter");
	gn_term_type(t, "Hàng Bông");
	gn_term_key(t, "Enter");
	gn_term_type(t, "2");
	gn_term_type(t, "20/11/2026");
	gn_term_key(t, "Enter");
	gn_term_key(t, "Enter");                          /* visited by */
	gn_term_key(t, "Enter");                          /* phone */
	gn_term_key(t, "Enter");                          /* poor household: the roster */
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "người 1/1");
	gn_term_type(t, "Phạm Văn Bình");
	gn_term_key(t, "Enter");
	gn_term_type(t, "1960");
	gn_term_key(t, "Enter");
	gn_term_type(t, "1");
	gn_term_type(t, "1");
	REQUIRE_WAIT(t, "12 chữ số");
	gn_term_type(t, "0010600");                       /* the field under the cursor: lost */
	WAIT(t, "0010600");
	CHECK_EQ_INT(gn_term_signal(t, SIGKILL), 0);
	int status = 0;
	CHECK_EQ_INT(gn_term_wait_exit(t, GN_TERM_WAIT_MS, &status), 0);
	CHECK(WIFSIGNALED(status));
	gn_term_free(t);

	fingerprint(after, sizeof after);
	CHECK_STR(after, before);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM draft WHERE user_login = 'admin'"), 1);
	/* kept sealed under the ward key: the name typed is not in it in clear */
	CHECK_EQ_INT(query_int("SELECT count(*) FROM draft WHERE data LIKE '\"d1.%'"), 1);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM draft WHERE data LIKE '%Phạm Văn Bình%'"), 0);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "GONHA_USER=admin GONHA_PASSWORD=demo '%s' check --db '%s' >/dev/null 2>&1", bin(), db);
	int rc = system(cmd);
	CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);

	t = start(24, 80, NULL);
	REQUIRE(t);
	REQUIRE(sign_in(t, "admin") == 0);
	REQUIRE_WAIT(t, "Có bản nháp chưa lưu");
	WAIT(t, "Phạm Văn Bình, 1 người");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Phạm Văn Bình");
	/* back where the entry broke off: the person, at the CCCD half typed */
	WAIT(t, "Hộ 77 ngõ 5 · người 1/1");
	WAIT(t, "Không bắt buộc. 12 chữ số");
	/* what was typed in the CCCD field came back too, and is checked */
	gn_term_key(t, "C-s");
	REQUIRE_WAIT(t, "Số CCCD phải gồm đúng 12 chữ số"); /* the form's message */
	gn_term_key(t, "C-u");
	gn_term_type(t, "001060000777");
	gn_term_key(t, "C-s");
	REQUIRE_WAIT(t, "Vẫn lưu hộ?"); /* no skill answer yet: asked */
	gn_term_type(t, "c");
	REQUIRE_WAIT(t, "Đã lưu: hộ 77");
	quit(t);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM household WHERE house_no = '77' AND street = 'Hàng Bông'"), 1);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM person WHERE full_name = 'Phạm Văn Bình' AND birth_year = 1960"), 1);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM draft"), 0);
	rc = system(cmd);
	CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
}

/* Each bad value is stopped at its field with the form's message; nothing
 * is half-saved; pasted junk never reaches the screen. */
static void stops_bad_input_at_the_field(void)
{
	static char before[1 << 16], after[1 << 16];
	make_demo("bad.db");
	fingerprint(before, sizeof before);
	gn_term *t = start(24, 80, NULL);
	REQUIRE(t);
	REQUIRE(sign_in(t, "admin") == 0);
	REQUIRE(gn_ui_new_household(t, 20, "5") == 0);
	gn_term_key(t, "Enter");
	gn_term_key(t, "Enter");
	gn_term_key(t, "Enter");                          /* the street is required */
	WAIT(t, "⚠ Cần ghi tên đường/phố");
	gn_term_type(t, "Hàng Bông");
	gn_term_key(t, "Enter");
	gn_term_type(t, "2");
	WAIT(t, "Ngày đến hộ");
	gn_term_key(t, "Enter");                          /* required once visited, left empty */
	WAIT(t, "Đã đến hộ thì cần ghi ngày đến");
	gn_term_type(t, "20/11/2030");                    /* in the future */
	gn_term_key(t, "Enter");
	WAIT(t, "Ngày đến hộ không được sau hôm nay");
	gn_term_key(t, "C-u");
	gn_term_type(t, "31/02/2026");                    /* no such day */
	gn_term_key(t, "Enter");
	WAIT(t, "Hãy gõ một ngày có thật dạng ngày/tháng/năm");
	gn_term_key(t, "C-u");
	gn_term_type(t, "20/11/2026");
	gn_term_key(t, "Enter");
	WAIT(t, "Mặc định là người đang đăng nhập");
	gn_term_key(t, "Enter");
	gn_term_type(t, "12345");                         /* the form's regex */
	gn_term_key(t, "Enter");
	WAIT(t, "Số điện thoại gồm 10 hoặc 11 chữ số");
	gn_term_key(t, "C-u");
	gn_term_key(t, "Enter");                          /* optional: empty is fine */
	gn_term_key(t, "Enter");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "người 1/1");
	gn_term_key(t, "Enter");                          /* the name is required */
	WAIT(t, "Cần ghi họ và tên");
	gn_term_type(t, "Đỗ Văn Hùng");
	gn_term_key(t, "Enter");
	gn_term_type(t, "19x5");                          /* letters in a number */
	gn_term_key(t, "Enter");
	WAIT(t, "hãy gõ một số nguyên (chỉ chữ số)");
	CHECK(!line_shows(t, "Tuổi", "2"));               /* no age from "19x5" */
	gn_term_key(t, "C-u");
	gn_term_type(t, "2030");                          /* a birth year in the future */
	gn_term_key(t, "Enter");
	WAIT(t, "Năm sinh phải từ 1900 đến năm nay");     /* the form's constraint message */
	gn_term_key(t, "C-u");
	gn_term_type(t, "1985");
	gn_term_key(t, "Enter");
	gn_term_type(t, "1");
	gn_term_type(t, "1");
	REQUIRE_WAIT(t, "12 chữ số");
	gn_term_type(t, "001185000001");                  /* says female; he is male */
	gn_term_key(t, "Enter");
	WAIT(t, "Chữ số thứ 4 của CCCD (1)");
	gn_term_key(t, "C-u");
	gn_term_type(t, "001090000001");                  /* says born in 1990 */
	gn_term_key(t, "Enter");
	WAIT(t, "Chữ số thứ 5-6 của CCCD (90)");
	gn_term_key(t, "C-u");
	gn_term_type(t, "001085000001");
	gn_term_key(t, "Enter");
	WAIT(t, "Học sinh/sinh viên");
	gn_term_key(t, "C-t");                            /* keep him, the next person */
	REQUIRE_WAIT(t, "người 2/2");
	gn_term_type(t, "Đỗ Thị Lan");
	gn_term_key(t, "Enter");
	gn_term_type(t, "1987");
	gn_term_key(t, "Enter");
	gn_term_type(t, "2");
	gn_term_type(t, "1");                             /* a second head */
	WAIT(t, "Hộ đã có chủ hộ (Đỗ Văn Hùng)");
	gn_term_type(t, "2");                             /* spouse */
	WAIT(t, "12 chữ số");

	/* a long paste with newlines and escape sequences, bracketed as a
	 * terminal sends it, then raw escape sequences typed into the field */
	gn_term_key(t, "BTab");
	gn_term_key(t, "BTab");
	gn_term_key(t, "BTab");
	gn_term_key(t, "BTab");
	WAIT(t, "Ghi đủ họ, tên đệm và tên, có dấu");
	gn_term_key(t, "C-u");
	gn_term_type(t, "\x1b[200~Đỗ Thị\nLan dòng hai\r\n\x1b[31mđỏ\x1b[0m \x1b]0;TIEU-DE\x07"
	                "rất dài rất dài rất dài rất dài rất dài rất dài rất dài rất dài rất dài rất dài "
	                "rất dài rất dài rất dài rất dài rất dài rất dài rất dài CUỐI\x1b[201~");
	WAIT(t, "CUỐI");
	gn_term_type(t, "\x1b[2J\x1b[H\x1b[5;5HXX");
	WAIT(t, "CUỐIXX");
	screen_intact(t, "người 2/2");
	CHECK_EQ_INT(gn_term_wait_gone(t, "TIEU-DE", GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_term_wait_gone(t, "[31m", GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_term_wait_gone(t, "dòng hai\n", GN_TERM_WAIT_MS), 0);
	char *row = gn_term_row(t, 2);
	CHECK(row && strstr(row, "Họ và tên"));
	free(row);

	/* leave without saving, asked: nothing was written but the draft */
	gn_term_key(t, "C-q");
	WAIT(t, "Hộ này chưa lưu; những gì đã gõ được giữ trong bản nháp. Thoát gonha?");
	WAIT(t, "thoát · k/n/Esc: ở lại]");
	gn_term_type(t, "c");
	int status = -1;
	CHECK_EQ_INT(gn_term_wait_exit(t, GN_TERM_WAIT_MS, &status), 0);
	gn_term_free(t);
	fingerprint(after, sizeof after);
	CHECK_STR(after, before);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM household WHERE house_no = '5' AND alley = ''"), 0);
}

/* A wrong password says so and stays; English on request; a TDP leader
 * sees only their TDP. */
static void signs_in_with_scope_and_language(void)
{
	make_demo("signin.db");
	gn_term *t = start(24, 80, "en");
	REQUIRE(t);
	REQUIRE_WAIT(t, "This is a demo ward");
	gn_term_type(t, "tdp02");
	gn_term_key(t, "Enter");
	gn_term_type(t, "wrong");
	gn_term_key(t, "Enter");
	WAIT(t, "wrong user name or password");
	WAIT(t, "Password:");
	gn_term_key(t, "C-q");
	int status;
	CHECK_EQ_INT(gn_term_wait_exit(t, GN_TERM_WAIT_MS, &status), 0);
	gn_term_free(t);

	t = start(24, 80, NULL);
	REQUIRE(t);
	REQUIRE(sign_in(t, "tdp01") == 0);
	WAIT(t, "Số người");
	CHECK_EQ_INT(gn_term_wait_gone(t, "Tổ dân phố 2", GN_TERM_WAIT_MS), 0);
	gn_term_key(t, "F1");
	WAIT(t, "Trợ giúp: các phím");
	WAIT(t, "Mở dòng đang chọn");
	gn_term_key(t, "Esc");
	WAIT(t, "Số người");
	gn_term_type(t, "q");
	WAIT(t, "Thoát gonha? [c/y: thoát · k/n/Esc: ở lại]");
	gn_term_type(t, "c");
	CHECK_EQ_INT(gn_term_wait_exit(t, GN_TERM_WAIT_MS, &status), 0);
	gn_term_free(t);

	/* the database cannot be opened: one line on stderr, no screen */
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "'%s' --db '%s/missing.db' </dev/null >/dev/null 2>'%s/err.txt'", bin(), gn_test_tmpdir(),
	         gn_test_tmpdir());
	int rc = system(cmd);
	CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) != 0);
}

GN_TESTS(T(enters_a_household_end_to_end), T(survives_a_kill_and_offers_the_draft),
         T(stops_bad_input_at_the_field), T(signs_in_with_scope_and_language))
