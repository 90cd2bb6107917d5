/* The verification pass end to end, as the ward uses it: the real binary
 * on a pseudo-terminal (term.h). A tech-team member enters a household in
 * the form; a sample larger than the TDP is refused and changes nothing;
 * a sample of one is drawn; its operator may not key it again; the TDP
 * leader keys it again blind, is interrupted half-way (gonha killed),
 * resumes, and saves with one deliberate difference, which is listed,
 * counted per operator and per question, and resolved into the record.
 * The second keying is never census data: the list and the export still
 * have the first. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"
#include "term.h"

#include <stdlib.h>
#include <string.h>

#define WAIT(t, text) CHECK_EQ_INT(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, text) REQUIRE(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS) == 0)

static char db[512];

static void settled(gn_term *t)
{
	CHECK_EQ_INT(gn_term_wait_quiet(t, 150, GN_TERM_WAIT_MS), 0);
}

/* A new ward of one TDP, with the tech-team member nv1 and the leader
 * tdp01 (password demo each). */
static void make_ward(void)
{
	snprintf(db, sizeof db, "%s/ward.db", gn_test_tmpdir());
	gn_ui_set_db(db);
	char args[700];
	snprintf(args, sizeof args, "init --db '%s' --ward 'Phường Thử' --tdps 1", db);
	REQUIRE(gn_e2e_run_env("GONHA_PASSWORD=demo", args) == 0);
	snprintf(args, sizeof args, "user add nv1 --role tech_team --name 'Lê Văn Tư' --tdp 01 --db '%s'", db);
	REQUIRE(gn_e2e_run("admin", args) == 0);
	snprintf(args, sizeof args, "user add tdp01 --role tdp_leader --name 'Tổ trưởng' --tdp 01 --db '%s'", db);
	REQUIRE(gn_e2e_run("admin", args) == 0);
}

/* The address and visit fields of the household form, from the top. */
static void type_household(gn_term *t, const char *alley, const char *street)
{
	gn_term_type(t, "12");
	gn_term_key(t, "Tab");
	gn_term_type(t, alley);
	gn_term_key(t, "Tab");
	gn_term_type(t, street);
	gn_term_key(t, "Tab");
	gn_term_type(t, "4"); /* refused: a choice by its number moves on */
	WAIT(t, "Ngày đến hộ");
}

static void type_visit(gn_term *t)
{
	gn_term_type(t, "18/11/2026");
	gn_term_key(t, "Enter"); /* taken as done after heads-down's own move */
	gn_term_key(t, "C-u"); /* the visitor: the one on paper */
	gn_term_type(t, "nv1");
	gn_term_key(t, "Tab");
	gn_term_type(t, "0912345678");
	gn_term_key(t, "Tab");
	gn_term_type(t, "2"); /* not a poor household */
	settled(t);
}

/* From the roster (the cursor past the form's last field): the head. */
static void type_head(gn_term *t, const char *name)
{
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "người 1/1");
	gn_term_type(t, name);
	gn_term_key(t, "Tab");
	gn_term_type(t, "1980");
	gn_term_key(t, "Enter");
	gn_term_type(t, "2"); /* female */
	gn_term_type(t, "1"); /* the head */
	settled(t);
}

static void first_keying(void)
{
	gn_term *t = gn_ui_signed_in("nv1", "Các tổ của bạn");
	REQUIRE(t);
	gn_term_key(t, "Enter");
	settled(t);
	gn_term_type(t, "a");
	REQUIRE_WAIT(t, "Hộ mới");
	type_household(t, "ngõ 45", "Lương Ngọc Quyến");
	type_visit(t);
	type_head(t, "Nguyễn Thị Thủy"); /* the new tone placement, NFC */
	gn_term_key(t, "C-s");
	WAIT(t, "Đã lưu: hộ 12 ngõ 45, 1 người");
	gn_ui_quit(t);
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM household WHERE entered_by = 'nv1' AND alley = 'ngõ 45'"), 1);
}

static void a_pass_finds_counts_and_resolves_one_difference(void)
{
	make_ward();
	first_keying();
	char args[700], hh[64];
	gn_ui_query_text("SELECT id FROM household", hh, sizeof hh);

	/* larger than the TDP: refused, in Vietnamese, nothing written */
	snprintf(args, sizeof args, "verify sample --db '%s' --tdp 01 --count 2 --seed 16", db);
	CHECK_EQ_INT(gn_e2e_run_env("GONHA_USER=tdp01 GONHA_PASSWORD=demo GONHA_LANG=vi", args), 2);
	CHECK(strstr(gn_e2e_err, "mẫu 2 hộ lớn hơn TDP") != NULL);
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM verify_pass"), 0);
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM verify_item"), 0);
	snprintf(args, sizeof args, "verify sample --db '%s' --tdp 01 --count 1 --seed 16", db);
	CHECK_EQ_INT(gn_e2e_run("tdp01", args), 0);
	CHECK(strstr(gn_e2e_out, "seed 16") != NULL && strstr(gn_e2e_out, hh) != NULL);

	/* the person who entered it may not key it again */
	gn_term *t = gn_ui_signed_in("nv1", "Các tổ của bạn");
	REQUIRE(t);
	gn_term_type(t, "v");
	REQUIRE_WAIT(t, "Kiểm tra lại");
	WAIT(t, "chưa nhập lại");
	gn_term_key(t, "Enter");
	WAIT(t, "chính bạn đã nhập hộ này");
	gn_ui_quit(t);

	/* the leader keys it again, blind: nothing of the first keying */
	t = gn_ui_signed_in("tdp01", "Các tổ của bạn");
	REQUIRE(t);
	gn_term_type(t, "v");
	REQUIRE_WAIT(t, "chưa nhập lại");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Kiểm tra lại: nhập lại");
	settled(t);
	CHECK_EQ_INT(gn_term_wait_gone(t, "ngõ 45", GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_term_wait_gone(t, "0912345678", GN_TERM_WAIT_MS), 0);
	/* half-way: the address (the alley mistyped), then the power goes */
	type_household(t, "ngõ 54", "Lương  Ngọc   Quyến");
	gn_term_key(t, "Esc");
	WAIT(t, "Đã giữ phần đang nhập dở");
	WAIT(t, "đang dở");
	gn_term_free(t); /* killed */
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM verify_item WHERE state = 'started' AND verifier = 'tdp01'"),
	             1);

	/* resumed where it was left */
	t = gn_ui_signed_in("tdp01", "Các tổ của bạn");
	REQUIRE(t);
	gn_term_type(t, "v");
	REQUIRE_WAIT(t, "đang dở");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Kiểm tra lại: nhập lại");
	WAIT(t, "ngõ 54");
	WAIT(t, "Từ chối");
	/* on to the date */
	for (int i = 0; i < 4; i++)
		gn_term_key(t, "Tab");
	settled(t);
	type_visit(t);
	/* the old tone placement (Thuỷ), typed as combining marks (NFD) */
	type_head(t, "Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Thuy\xcc\x89");
	gn_term_key(t, "C-s");
	WAIT(t, "Đã nhập lại: 1 chỗ khác với lần nhập đầu");
	WAIT(t, "đã nhập lại");
	WAIT(t, "1/"); /* 1 of the fields compared differs */

	/* the difference, field by field */
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "[Chỗ khác nhau]");
	WAIT(t, "Ngõ/ngách: ngõ 45 → ngõ 54");
	CHECK_EQ_INT(gn_term_wait_gone(t, "Đường/phố", GN_TERM_WAIT_MS), 0); /* spaces aside, the street is the same */
	CHECK_EQ_INT(gn_term_wait_gone(t, "Họ và tên", GN_TERM_WAIT_MS), 0); /* and Thuỷ is Thủy */
	/* counted: per operator and per question */
	gn_term_key(t, "Tab");
	REQUIRE_WAIT(t, "[Theo người nhập]");
	settled(t);
	char *row = gn_term_row(t, 4);
	CHECK(row && strstr(row, "nv1") && strstr(row, "%"));
	free(row);
	gn_term_key(t, "Tab");
	REQUIRE_WAIT(t, "[Theo câu hỏi]");
	settled(t);
	row = gn_term_row(t, 4);
	CHECK(row && strstr(row, "Ngõ/ngách") && strstr(row, "100,0%"));
	free(row);
	/* resolved: the second keying was right */
	gn_term_key(t, "Tab");
	gn_term_key(t, "Tab");
	REQUIRE_WAIT(t, "[Chỗ khác nhau]");
	WAIT(t, "ngõ 45 → ngõ 54");
	gn_term_type(t, "2");
	WAIT(t, "Ngõ/ngách: lấy lần nhập lại");
	WAIT(t, "Không còn chỗ khác nhau nào cần xử lý");
	gn_ui_quit(t);

	/* the names were compared, as typed, and found the same */
	char name[64];
	CHECK_STR(gn_ui_query_text("SELECT first FROM verify_field WHERE field = 'full_name' AND NOT differs", name,
	                           sizeof name),
	          "Nguyễn Thị Thủy");
	gn_ui_query_text("SELECT second FROM verify_field WHERE field = 'full_name' AND NOT differs", name, sizeof name);
	CHECK(strcmp(name, "Nguyễn Thị Thủy") != 0 && strstr(name, "Thu") != NULL);
	char alley[64];
	CHECK_STR(gn_ui_query_text("SELECT alley FROM household", alley, sizeof alley), "ngõ 54");
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM verify_field WHERE differs AND resolution = 'second' "
	                             "AND resolved_by = 'tdp01'"),
	             1);
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM audit_log WHERE action = 'verify_resolve' AND "
	                             "user_login = 'tdp01'"),
	             1);
	/* the rates from the command line agree */
	snprintf(args, sizeof args, "verify rates --db '%s'", db);
	CHECK_EQ_INT(gn_e2e_run("admin", args), 0);
	CHECK(strstr(gn_e2e_out, "nv1") && strstr(gn_e2e_out, "1 differing") &&
	      strstr(gn_e2e_out, "1 against the first keying"));
	/* the census has one household: the second keying is no record of it */
	snprintf(args, sizeof args, "list --db '%s' --tdp 01 --format tsv", db);
	CHECK_EQ_INT(gn_e2e_run("admin", args), 0);
	CHECK_EQ_INT(gn_e2e_occurrences("out.txt", "Lương Ngọc Quyến"), 1);
	snprintf(args, sizeof args, "export --db '%s' --what households --plain --out h.csv", db);
	CHECK_EQ_INT(gn_e2e_run("admin", args), 0);
	CHECK_EQ_INT(gn_e2e_occurrences("h.csv", "Lương Ngọc Quyến"), 1);
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM household"), 1);
}

GN_TESTS(T(a_pass_finds_counts_and_resolves_one_difference))
