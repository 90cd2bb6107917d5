/* The small surprises of issue 15, each on the pseudo-terminal: the
 * "đã điền" counter follows a choice at once, the visitor is the person's
 * name (not the login), a restored draft opens where the entry broke off,
 * a second export of the day gets a name of its own (-2), and the import
 * offers the files of the usual folders (Tab picks, Tab completes). */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"
#include "term.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define WAIT(t, s) CHECK_EQ_INT(gn_term_wait_for((t), (s), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, s) REQUIRE(gn_term_wait_for((t), (s), GN_TERM_WAIT_MS) == 0)

#define signed_in gn_ui_signed_in

#define new_household(t, no) REQUIRE(gn_ui_new_household((t), 10, (no)) == 0)

static void counter_and_visitor(void)
{
	gn_term *t = gn_ui_fresh("counter.db", 2, 10, "tdp01");
	REQUIRE(t);
	/* the visitor of a new household is the leader's name */
	REQUIRE(gn_ui_visited_household(t, 10, "77", "Hàng Bông") == 0);
	WAIT(t, "Người đi khảo sát      Tổ trưởng TDP 1 (demo)");
	CHECK_EQ_INT(gn_term_wait_gone(t, "tdp01", GN_TERM_WAIT_MS), 0);
	gn_term_key(t, "C-u");
	gn_term_type(t, "20/11/2026");
	gn_term_key(t, "Enter");
	/* a member, then the select_multiple: one toggle counts at once */
	gn_term_key(t, "C-t");
	REQUIRE_WAIT(t, "người 1/1");
	WAIT(t, "đã điền 0/");
	gn_term_type(t, "Lê Văn Cường");
	gn_term_key(t, "Enter");
	gn_term_type(t, "1980");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "1 Nam");
	gn_term_type(t, "1"); /* male */
	REQUIRE_WAIT(t, "Mỗi hộ có đúng một chủ hộ");
	gn_term_type(t, "1"); /* the head */
	REQUIRE_WAIT(t, "Không bắt buộc. 12 chữ số");
	WAIT(t, "đã điền 4/");
	/* CCCD, group, smartphone, VNeID, bank, online, cashless, safety, course */
	for (int i = 0; i < 9; i++)
		gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Chọn tất cả việc người này cần được giúp");
	WAIT(t, "đã điền 4/");
	gn_term_type(t, "1"); /* toggled on, the cursor stays */
	WAIT(t, "đã điền 5/");
	gn_term_type(t, "1"); /* and off again */
	WAIT(t, "đã điền 4/");
	gn_term_type(t, "2");
	WAIT(t, "đã điền 5/");
	gn_term_key(t, "C-s");
	WAIT(t, "Đã lưu: hộ 77");
	char who[128];
	CHECK_STR(gn_ui_query_text("SELECT visited_by FROM household WHERE house_no = '77'", who, sizeof who),
	          "Tổ trưởng TDP 1 (demo)");
	gn_ui_quit(t);
}

/* A kill in the middle of a person: the draft opens on that person, at
 * the field after the last one answered (the sex), not at the household's
 * top. */
static void restored_draft_opens_where_it_broke_off(void)
{
	gn_term *t = gn_ui_fresh_household("resume.db", "tdp01", "88");
	REQUIRE(t);
	gn_term_key(t, "C-t");
	REQUIRE_WAIT(t, "người 1/1");
	gn_term_type(t, "Đỗ Thị Dung");
	gn_term_key(t, "Enter");
	gn_term_type(t, "1990");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "1 Nam  2 Nữ"); /* the year left: in the draft */
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM draft"), 1);
	gn_term_signal(t, SIGKILL);
	gn_term_free(t);

	t = signed_in("tdp01", "Khôi phục?");
	REQUIRE(t);
	WAIT(t, "bản nháp chưa lưu (88");
	gn_term_key(t, "Enter");
	WAIT(t, "người 1/1");
	WAIT(t, "1 Nam  2 Nữ"); /* the sex, the first field not answered */
	CHECK(gn_term_contains(t, "Đỗ Thị Dung"));
	gn_term_type(t, "2");
	WAIT(t, "Mỗi hộ có đúng một chủ hộ"); /* and on from there */
	gn_ui_quit(t);

	/* a draft of a household with nobody yet: its form, at the field after
	 * the last answered one */
	t = gn_ui_fresh_household("resume2.db", "tdp01", "99");
	REQUIRE(t);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Ví dụ: ngõ 45/ngách 3");
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM draft"), 1);
	gn_term_signal(t, SIGKILL);
	gn_term_free(t);
	t = signed_in("tdp01", "Khôi phục?");
	REQUIRE(t);
	gn_term_key(t, "Enter");
	WAIT(t, "Hộ mới 99");
	/* the street, the first required field not answered (the alley may
	 * stay empty) */
	WAIT(t, "Ví dụ: Lương Ngọc Quyến");
	gn_ui_quit(t);
}

static bool exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* Enter twice on the default name: the second file is "-2", not refused. */
static void second_export_of_the_day(void)
{
	gn_term *t = gn_ui_fresh("export.db", 2, 10, "admin");
	REQUIRE(t);
	gn_term_type(t, "x");
	REQUIRE_WAIT(t, "Trao đổi tệp CSV");
	char first[600], second[600];
	snprintf(first, sizeof first, "%s/gonha-nguoi-2026-11-20.xlsx", gn_test_tmpdir());
	snprintf(second, sizeof second, "%s/gonha-nguoi-2026-11-20-2.xlsx", gn_test_tmpdir());
	remove(first);
	remove(second);
	WAIT(t, "gonha-nguoi-2026-11-20.xlsx");
	gn_term_key(t, "Enter");
	WAIT(t, "Đã ghi: ");
	CHECK(exists(first));
	WAIT(t, "gonha-nguoi-2026-11-20-2.xlsx"); /* offered for the next one */
	gn_term_key(t, "Enter");
	WAIT(t, "Đã ghi: ");
	WAIT(t, "-2.xlsx (chỉ tài khoản");
	CHECK(exists(second));
	CHECK_EQ_INT(gn_term_wait_gone(t, "đã có", GN_TERM_WAIT_MS), 0);
	gn_ui_quit(t);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The import offers the CSV/XLSX files beside the ward; Tab puts one in
 * the field; a path typed is completed by Tab, a folder and then a file. */
static void import_picks_a_file(void)
{
	gn_ui_demo("import.db", 2, 10);
	char list[600], dir[600], inner[700];
	snprintf(list, sizeof list, "%s/ds-ho.csv", gn_test_tmpdir());
	write_file(list, "tdp_code,house_no,alley,street,head_name,head_birth_year,head_sex\n"
	                 "02,201,ngõ 12,Lương Ngọc Quyến,Đỗ Thị Hằng,1980,Nữ\n");
	snprintf(dir, sizeof dir, "%s/usb-tdp2", gn_test_tmpdir());
	mkdir(dir, 0700);
	snprintf(inner, sizeof inner, "%s/ds.csv", dir);
	write_file(inner, "tdp_code,house_no,alley,street,head_name,head_birth_year,head_sex\n"
	                  "02,202,ngõ 12,Lương Ngọc Quyến,Vũ Văn Hải,1975,Nam\n");
	long before = gn_ui_query_int("SELECT count(*) FROM household");
	gn_term *t = signed_in("admin", "Số người");
	REQUIRE(t);
	gn_term_type(t, "x");
	REQUIRE_WAIT(t, "Trao đổi tệp CSV");
	for (int i = 0; i < 4; i++)
		gn_term_key(t, "Down");
	REQUIRE_WAIT(t, "Tab chọn một tệp dưới đây:");
	WAIT(t, list); /* listed without typing anything */
	gn_term_key(t, "Tab");
	char field[800];
	snprintf(field, sizeof field, "Tệp: %s", list);
	WAIT(t, field);
	gn_term_key(t, "Enter");
	WAIT(t, "sẽ thêm 1");
	WAIT(t, "Nhập thật bây giờ?");
	gn_term_type(t, "c");
	WAIT(t, "đã thêm 1");
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM household"), before + 1);

	/* a path typed in part: Tab completes the folder, then its one file */
	char part[700];
	snprintf(part, sizeof part, "%s/usb-t", gn_test_tmpdir());
	gn_term_key(t, "C-u");
	gn_term_type(t, part);
	gn_term_key(t, "Tab");
	snprintf(field, sizeof field, "Tệp: %s/", dir);
	WAIT(t, field);
	gn_term_key(t, "Tab");
	snprintf(field, sizeof field, "Tệp: %s", inner);
	WAIT(t, field);
	gn_term_key(t, "Enter");
	WAIT(t, "sẽ thêm 1");
	gn_term_type(t, "c");
	WAIT(t, "đã thêm 1");
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM household"), before + 2);
	/* nothing matches: said, the field as typed */
	gn_term_key(t, "C-u");
	snprintf(part, sizeof part, "%s/khong-co", gn_test_tmpdir());
	gn_term_type(t, part);
	gn_term_key(t, "Tab");
	WAIT(t, "Không có tệp CSV hay Excel nào ở đây");
	gn_ui_quit(t);
}

GN_TESTS(T(counter_and_visitor), T(restored_draft_opens_where_it_broke_off), T(second_export_of_the_day),
         T(import_picks_a_file))
