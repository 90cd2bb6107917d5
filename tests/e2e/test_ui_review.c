/* Who entered what, and review (issue 16), with the real binary: two PCs
 * enter a visit each on a pseudo-terminal, the ward PC merges both exports
 * and credits each household to the person who entered it, on the PC it
 * was entered on; a ward officer sends a household back with a reason and
 * it is on the TDP's revisit list with the reason where it opens, still
 * counted as visited. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"
#include "term.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAIT(t, text) CHECK_EQ_INT(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, text) REQUIRE(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS) == 0)

/* A copy of the ward as another PC's file (a PC id of its own). */
static void copy_as_pc(const char *from, const char *to)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "cp '%s/%s' '%s/%s'", gn_test_tmpdir(), from, gn_test_tmpdir(), to);
	REQUIRE(system(cmd) == 0);
	sqlite3 *h = NULL;
	REQUIRE(sqlite3_open(gn_e2e_path(to), &h) == SQLITE_OK);
	REQUIRE(sqlite3_exec(h, "DELETE FROM meta WHERE key = 'pc_id'", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);
}

/* gonha on a file of the test folder, signed in as user (password demo),
 * once the home screen shows then. */
static gn_term *start_on(const char *file, const char *user, const char *then)
{
	gn_ui_set_db(gn_e2e_path(file));
	gn_term *t = gn_ui_start(24, 80, NULL, "TZ=ICT-7");
	if (t && gn_ui_sign_in(t, user, "demo", then) != 0) {
		gn_term_free(t);
		t = NULL;
	}
	return t;
}

/* On the PC's file, user opens the first household of their TDP not
 * visited yet and enters its visit; correct: then, on the form still
 * open, changes who visited and saves again (a correction after save). */
static void enter_a_visit(const char *file, const char *user, const char *tdp_name, bool correct)
{
	gn_term *t = start_on(file, user, tdp_name);
	REQUIRE(t);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Lọc: tất cả");
	gn_term_type(t, "f");
	REQUIRE_WAIT(t, "Lọc: chưa thăm");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Kết quả đến hộ");
	gn_term_key(t, "Enter"); /* house number, alley, street: as listed */
	gn_term_key(t, "Enter");
	gn_term_key(t, "Enter");
	gn_term_type(t, "2"); /* done */
	REQUIRE_WAIT(t, "Ngày đến hộ");
	gn_term_type(t, "20/11/2026");
	gn_term_key(t, "Enter");
	gn_term_key(t, "C-s");
	REQUIRE_WAIT(t, "Vẫn lưu hộ?"); /* the skills asked another day */
	gn_term_type(t, "c");
	WAIT(t, "Đã lưu: hộ");
	if (correct) {
		gn_term_type(t, "Lê Văn Tám"); /* the cursor is on who visited */
		gn_term_key(t, "C-s");
		REQUIRE_WAIT(t, "Vẫn lưu hộ?");
		gn_term_type(t, "c");
		WAIT(t, "Đã lưu: hộ");
	}
	gn_ui_quit(t);
}

static void operators_on_a_merged_ward(void)
{
	gn_ui_demo("ward.db", 2, 40);
	copy_as_pc("ward.db", "pc-a.db");
	copy_as_pc("ward.db", "pc-b.db");
	enter_a_visit("pc-a.db", "tdp01", "Tổ dân phố 1", true);
	enter_a_visit("pc-b.db", "tdp02", "Tổ dân phố 2", false);

	char id_a[64], id_b[64], pc_a[64], pc_b[64];
	snprintf(id_a, sizeof id_a, "%s", gn_e2e_sql1("pc-a.db", "SELECT id FROM household WHERE entry_seconds IS NOT NULL"));
	snprintf(id_b, sizeof id_b, "%s", gn_e2e_sql1("pc-b.db", "SELECT id FROM household WHERE entry_seconds IS NOT NULL"));
	REQUIRE(strlen(id_a) == 36 && strlen(id_b) == 36);
	CHECK_STR(gn_e2e_sql1("pc-a.db", "SELECT count(*) FROM entry_time WHERE user_login = 'tdp01' AND correction = 0"),
	          "1");
	/* and tdp01 corrected it on PC A: recorded there, not yet on the ward PC */
	CHECK_STR(gn_e2e_sql1("pc-a.db", "SELECT count(*) FROM entry_time WHERE user_login = 'tdp01' AND correction = 1"),
	          "1");
	CHECK_STR(gn_e2e_sql1("ward.db", "SELECT count(*) FROM entry_time WHERE correction = 1"), "0");

	/* each PC sends its households and persons; the ward PC merges them */
	CHECK_EQ_INT(gn_e2e_run("admin", "export --db pc-a.db --what households --out a-h.csv"), 0);
	CHECK_EQ_INT(gn_e2e_run("admin", "export --db pc-a.db --what persons --out a-p.csv"), 0);
	CHECK_EQ_INT(gn_e2e_run("admin", "export --db pc-b.db --what households --out b-h.csv"), 0);
	CHECK_EQ_INT(gn_e2e_run("admin", "export --db pc-b.db --what persons --out b-p.csv"), 0);
	snprintf(pc_a, sizeof pc_a, "%s", gn_e2e_sql1("pc-a.db", "SELECT value FROM meta WHERE key = 'pc_id'"));
	snprintf(pc_b, sizeof pc_b, "%s", gn_e2e_sql1("pc-b.db", "SELECT value FROM meta WHERE key = 'pc_id'"));
	REQUIRE(strlen(pc_a) == 36 && strlen(pc_b) == 36 && strcmp(pc_a, pc_b) != 0);
	CHECK_EQ_INT(gn_e2e_run("admin", "import a-h.csv --db ward.db"), 0);
	CHECK_EQ_INT(gn_e2e_run("admin", "import a-p.csv --db ward.db"), 0);
	CHECK_EQ_INT(gn_e2e_run("admin", "import b-h.csv --db ward.db"), 0);
	CHECK(gn_e2e_has(gn_e2e_out, "updated 1") || gn_e2e_has(gn_e2e_err, "updated 1"));
	CHECK_EQ_INT(gn_e2e_run("admin", "import b-p.csv --db ward.db"), 0);

	/* credited to who entered it, on the PC it was entered on, with the
	 * form's time; the importing ward officer is credited with nothing */
	char sql[512], want[256];
	snprintf(sql, sizeof sql, "SELECT entered_by || '|' || entered_pc || '|' || entry_seconds || '|' || entered_at "
	         "|| '|' || updated_by || '|' || updated_pc FROM household WHERE id = '%s'", id_a);
	snprintf(want, sizeof want, "tdp01|%s|0|2026-11-20T09:00:00Z|tdp01|%s", pc_a, pc_a);
	CHECK_STR(gn_e2e_sql1("ward.db", sql), want);
	snprintf(sql, sizeof sql, "SELECT entered_by || '|' || entered_pc || '|' || entry_seconds FROM household "
	         "WHERE id = '%s'", id_b);
	snprintf(want, sizeof want, "tdp02|%s|0", pc_b);
	CHECK_STR(gn_e2e_sql1("ward.db", sql), want);
	CHECK_STR(gn_e2e_sql1("ward.db", "SELECT count(*) FROM household WHERE entered_by = 'admin'"), "0");
	CHECK_STR(gn_e2e_sql1("ward.db", "SELECT count(*) FROM household WHERE entered_pc IS NOT NULL"), "2");
	/* the correction travelled with the household: by tdp01, at PC A's
	 * time, from PC A; once, however often the file is merged */
	snprintf(sql, sizeof sql, "SELECT group_concat(user_login || '|' || (pc = '%s') || '|' || (saved_at = (SELECT "
	         "saved_at FROM entry_time WHERE correction = 1)) || '|' || household_id) FROM entry_time "
	         "WHERE correction = 1", pc_a);
	snprintf(want, sizeof want, "tdp01|1|1|%s", id_a);
	CHECK_STR(gn_e2e_sql1("ward.db", sql), want);
	CHECK_EQ_INT(gn_e2e_run("admin", "import a-h.csv --db ward.db"), 0);
	CHECK_STR(gn_e2e_sql1("ward.db", "SELECT count(*) FROM entry_time WHERE correction = 1"), "1");

	/* the figures: each leader's entry, timed, from another PC's clock */
	CHECK_EQ_INT(gn_e2e_run("admin", "report --db ward.db --format csv --section operators --plain"), 0);
	char total_a[64], total_b[64];
	long hh_a = atol(gn_e2e_sql1("ward.db", "SELECT count(*) FROM household WHERE entered_by = 'tdp01' AND entered_at IS NOT NULL AND deleted = 0"));
	long pp_a = atol(gn_e2e_sql1("ward.db", "SELECT count(*) FROM person WHERE created_by = 'tdp01' AND deleted = 0"));
	snprintf(total_a, sizeof total_a, "\n\"tdp01\",\"\",%ld,%ld,1,0,,0,1,1\n", hh_a, pp_a); /* the correction on PC A */
	long hh_b = atol(gn_e2e_sql1("ward.db", "SELECT count(*) FROM household WHERE entered_by = 'tdp02' AND entered_at IS NOT NULL AND deleted = 0"));
	long pp_b = atol(gn_e2e_sql1("ward.db", "SELECT count(*) FROM person WHERE created_by = 'tdp02' AND deleted = 0"));
	snprintf(total_b, sizeof total_b, "\n\"tdp02\",\"\",%ld,%ld,1,0,,0,0,1\n", hh_b, pp_b);
	CHECK(hh_a > 1 && hh_b > 1);
	CHECK(gn_e2e_has(gn_e2e_out, total_a));
	CHECK(gn_e2e_has(gn_e2e_out, total_b));
	CHECK(strstr(gn_e2e_out, "\"admin\"") == NULL);
	CHECK_EQ_INT(gn_e2e_run("admin", "report --db ward.db"), 0);
	CHECK(gn_e2e_has(gn_e2e_out, "III. WHO ENTERED THE DATA"));
	CHECK(gn_e2e_has(gn_e2e_out, "other PC"));

	/* the ward officer's screen says where the times come from */
	gn_term *t = start_on("ward.db", "admin", "Tổ dân phố 1");
	REQUIRE(t);
	gn_term_type(t, "o");
	REQUIRE_WAIT(t, "Ai nhập gì");
	WAIT(t, "1 từ máy khác");
	gn_term_key(t, "Esc");
	WAIT(t, "Tổ dân phố 2");
	gn_ui_quit(t);
}

/* The position of household id in TDP 01's list under the revisit filter
 * (revisits and households sent back), in walking order. */
static int revisit_position(const char *id)
{
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM household h WHERE h.deleted = 0 AND h.tdp_id = "
	         "(SELECT id FROM tdp WHERE code = '01') AND (h.visit_status = 'revisit' OR h.id = '%s') AND "
	         "h.walk_order < (SELECT walk_order FROM household WHERE id = '%s')", id, id);
	return atoi(gn_e2e_sql1("ward.db", sql));
}

/* ^R on the household screen, t (send back), the reason typed. */
static void send_back(gn_term *t, const char *reason)
{
	gn_term_key(t, "C-r");
	REQUIRE_WAIT(t, "Duyệt hộ này?");
	gn_term_type(t, "t");
	REQUIRE_WAIT(t, "Lý do trả lại:");
	if (*reason)
		gn_term_type(t, reason);
	gn_term_key(t, "Enter");
}

/* The coverage CSV with one more household to revisit in the rows whose
 * line starts with one of prefixes (the revisits column, the fifth): the
 * report after a send-back, the visits as they were. */
static char *one_more_revisit(const char *csv, const char *const *prefixes)
{
	size_t len = strlen(csv);
	char *out = malloc(len + 64), *o = out;
	if (!out)
		return NULL;
	for (const char *line = csv; *line;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line + 1) : strlen(line);
		bool bump = false;
		for (size_t i = 0; prefixes[i]; i++)
			bump |= strncmp(line, prefixes[i], strlen(prefixes[i])) == 0;
		const char *field = line;
		for (int commas = 0; bump && commas < 4; field++)
			commas += *field == ',';
		if (bump) {
			char *rest;
			long v = strtol(field, &rest, 10);
			o += sprintf(o, "%.*s%ld", (int)(field - line), line, v + 1);
			memcpy(o, rest, (size_t)(line + n - rest));
			o += line + n - rest;
		} else {
			memcpy(o, line, n);
			o += n;
		}
		line += n;
	}
	*o = '\0';
	return out;
}

static void sent_back_is_on_the_revisit_list(void)
{
	gn_ui_demo("ward.db", 2, 12);
	/* the first household of TDP 01 whose visit is done */
	char id[64], sql[512];
	snprintf(id, sizeof id, "%s", gn_e2e_sql1("ward.db", "SELECT id FROM household WHERE visit_status = 'done' AND "
	         "tdp_id = (SELECT id FROM tdp WHERE code = '01') ORDER BY walk_order LIMIT 1"));
	REQUIRE(strlen(id) == 36);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM household WHERE deleted = 0 AND tdp_id = (SELECT tdp_id FROM "
	         "household WHERE id = '%s') AND walk_order < (SELECT walk_order FROM household WHERE id = '%s')", id, id);
	int at = atoi(gn_e2e_sql1("ward.db", sql));
	CHECK_EQ_INT(gn_e2e_run("admin", "report --db ward.db --format csv --plain"), 0);
	char *before = strdup(gn_e2e_out);

	gn_term *t = start_on("ward.db", "admin", "Tổ dân phố 1");
	REQUIRE(t);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Lọc: tất cả");
	for (int i = 0; i < at; i++)
		gn_term_key(t, "Down");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Kết quả đến hộ");
	WAIT(t, "Nhập: tdp01");
	send_back(t, ""); /* no reason: refused, nothing recorded */
	WAIT(t, "hãy ghi lý do trả lại hộ");
	CHECK_STR(gn_e2e_sql1("ward.db", "SELECT count(*) FROM household_review"), "0");
	send_back(t, "Thiếu năm sinh của con thứ hai");
	WAIT(t, "Trả lại: Thiếu năm sinh của con thứ hai — admin");
	WAIT(t, "danh sách cần quay lại");

	/* the TDP's revisit list: there, marked, still counted as visited */
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "Lọc: tất cả");
	gn_term_type(t, "f");
	gn_term_type(t, "f");
	REQUIRE_WAIT(t, "Lọc: hẹn lại");
	WAIT(t, "↩ trả lại");
	for (int i = revisit_position(id); i > 0; i--)
		gn_term_key(t, "Down");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Kết quả đến hộ");
	WAIT(t, "Trả lại: Thiếu năm sinh của con thứ hai");
	WAIT(t, "Đã khảo sát xong"); /* its visit is as it was */
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "Lọc: hẹn lại");
	gn_ui_quit(t);

	snprintf(sql, sizeof sql, "SELECT visit_status || '|' || (SELECT decision || '|' || reason FROM household_review "
	         "WHERE household_id = '%s') FROM household WHERE id = '%s'", id, id);
	CHECK_STR(gn_e2e_sql1("ward.db", sql), "done|sent_back|Thiếu năm sinh của con thứ hai");
	CHECK_EQ_INT(gn_e2e_run("admin", "report --db ward.db --format csv --plain"), 0);
	/* the coverage report: the same visits, and one more to revisit in
	 * TDP 01 and the ward, as on the TDP screen's filter */
	static const char *const bumped[] = { "\"01\",", "\"*\",", NULL };
	char *expected = one_more_revisit(before, bumped);
	REQUIRE(expected);
	CHECK_STR(gn_e2e_out, expected);
	free(expected);
	free(before);
	CHECK_EQ_INT(gn_e2e_run("admin", "list --db ward.db --tdp 01 --filter revisit --format tsv"), 0);
	CHECK(gn_e2e_has(gn_e2e_out, id));
	/* the revisit sheet carries it, with the reason in its notes */
	CHECK_EQ_INT(gn_e2e_run("admin", "sheet revisit --db ward.db --tdp 01 --out revisit.pdf"), 0);
	char *sheet = gn_e2e_pdf_text("revisit.pdf");
	CHECK(sheet && gn_e2e_has(sheet, "Sent back: Thiếu"));
	free(sheet);
	CHECK_EQ_INT(gn_e2e_run("admin", "report --db ward.db --format csv --section reviews --plain"), 0);
	CHECK(gn_e2e_has(gn_e2e_out, "\"01\",\"Tổ dân phố 1\","));
	CHECK(gn_e2e_has(gn_e2e_out, ",0,1,"));

	/* the review travels with the households export and merges by its id,
	 * once, whatever the household's own merge decides */
	CHECK_EQ_INT(gn_e2e_run("admin", "export --db ward.db --what households --out w-h.csv"), 0);
	copy_as_pc("ward.db", "pc-c.db");
	sqlite3 *h = NULL;
	REQUIRE(sqlite3_open(gn_e2e_path("pc-c.db"), &h) == SQLITE_OK);
	/* pc-c is the ward as it was before the review */
	REQUIRE(sqlite3_exec(h, "DROP TRIGGER household_review_no_delete; DELETE FROM household_review;", NULL, NULL,
	                     NULL) == SQLITE_OK);
	sqlite3_close(h);
	CHECK_EQ_INT(gn_e2e_run("admin", "import w-h.csv --db pc-c.db"), 0);
	CHECK_EQ_INT(gn_e2e_run("admin", "import w-h.csv --db pc-c.db"), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) || '|' || max(reason) || '|' || (max(pc) IS NOT NULL) FROM "
	         "household_review WHERE household_id = '%s'", id);
	CHECK_STR(gn_e2e_sql1("pc-c.db", sql), "1|Thiếu năm sinh của con thứ hai|1");
	CHECK_EQ_INT(gn_e2e_run("admin", "list --db pc-c.db --tdp 01 --filter revisit --format tsv"), 0);
	CHECK(gn_e2e_has(gn_e2e_out, id));
}

GN_TESTS(T(operators_on_a_merged_ward), T(sent_back_is_on_the_revisit_list))
