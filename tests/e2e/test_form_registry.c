/* The ward's forms on the real binary: `gonha form add` of a real form
 * written by others as an .xlsx workbook (ona-mch-v1, ../shared), refused
 * when its media files are missing, `form list`, `form use` on a TDP (the
 * ward officer only, audited), then that TDP opened on a pseudo-terminal
 * shows that form's first question, a household saved there carries its
 * form id, the other TDPs still enter census, and the TDP's coverage
 * screen says plainly that the form does not measure the plan's
 * indicators. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define WAIT(t, text) CHECK_EQ_INT(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, text) REQUIRE(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS) == 0)
#define ADMIN "GONHA_USER=admin GONHA_PASSWORD=demo"

static void a_tdp_enters_an_installed_form(void)
{
	const char *db = gn_ui_demo("ward.db", 3, 6);
	char dir[1024], args[2400];
	snprintf(dir, sizeof dir, "%s/real-forms-fixed/ona-mch-v1", gn_test_shared());
	struct stat sb;
	if (stat(dir, &sb) != 0) {
		fprintf(stderr, "  %s is missing: the real forms are needed (GONHA_SHARED)\n", dir);
		gn_test_failed = 1;
		return;
	}
	const char *book = gn_test_workbook_of(dir, "MCH_v1");
	/* the demo's records are entered with census, and say so */
	CHECK_STR(gn_e2e_sql1("ward.db", "SELECT count(*) FROM household WHERE form_id IS NOT 'census' OR form_version IS NOT '1'"), "0");
	CHECK_STR(gn_e2e_sql1("ward.db", "SELECT count(*) FROM person WHERE form_id IS NOT 'census' OR form_version IS NOT '1'"), "0");

	/* a TDP leader cannot install a form */
	snprintf(args, sizeof args, "form add '%s' --db '%s'", book, db);
	CHECK(gn_e2e_run_env("GONHA_USER=tdp01 GONHA_PASSWORD=demo", args) != 0);
	/* the ward officer can: it lands beside the database */
	CHECK_EQ_INT(gn_e2e_run_env(ADMIN, args), 0);
	CHECK(gn_e2e_has(gn_e2e_out, "MCH_v1"));
	char installed[1200];
	snprintf(installed, sizeof installed, "%s.forms/MCH_v1/MCH_v1.xlsx", db);
	CHECK(stat(installed, &sb) == 0);
	CHECK_STR(gn_e2e_sql1("ward.db", "SELECT count(*) FROM audit_log WHERE action = 'form_add' AND record_id = 'MCH_v1'"), "1");

	/* a form whose media file is not beside it is refused, naming it */
	char media_dir[1100];
	snprintf(media_dir, sizeof media_dir, "%s/lang_xa", gn_test_tmpdir());
	mkdir(media_dir, 0700);
	gn_test_write_file(media_dir, "survey.csv", "type,name,label\nselect_one_from_file xa.csv,xa,Xã\n");
	gn_test_write_file(media_dir, "settings.csv", "form_id,version\nlang_xa,3\n");
	snprintf(args, sizeof args, "form add '%s' --db '%s'", media_dir, db);
	CHECK(gn_e2e_run_env(ADMIN, args) != 0);
	CHECK(gn_e2e_has(gn_e2e_err, "xa.csv"));
	snprintf(installed, sizeof installed, "%s.forms/lang_xa", db);
	CHECK(stat(installed, &sb) != 0);
	/* with it, it installs */
	gn_test_write_file(media_dir, "xa.csv", "name,label\nx1,Xã Một\n");
	CHECK_EQ_INT(gn_e2e_run_env(ADMIN, args), 0);

	/* the TDP leader cannot choose a form; the ward officer can */
	snprintf(args, sizeof args, "form use MCH_v1 --tdp 02 --db '%s'", db);
	CHECK(gn_e2e_run_env("GONHA_USER=tdp02 GONHA_PASSWORD=demo", args) != 0);
	CHECK_EQ_INT(gn_e2e_run_env(ADMIN, args), 0);
	snprintf(args, sizeof args, "form use nothing_here --tdp 02 --db '%s'", db);
	CHECK(gn_e2e_run_env(ADMIN, args) != 0);
	CHECK_STR(gn_e2e_sql1("ward.db", "SELECT form_id FROM tdp WHERE code = '02'"), "MCH_v1");
	CHECK_STR(gn_e2e_sql1("ward.db", "SELECT count(*) FROM tdp WHERE form_id IS NULL"), "2");
	CHECK_STR(gn_e2e_sql1("ward.db", "SELECT changes FROM audit_log WHERE action = 'form_use'"),
	          "{\"form_id\":[\"census\",\"MCH_v1\"]}");
	snprintf(args, sizeof args, "form list --db '%s'", db);
	CHECK_EQ_INT(gn_e2e_run_env(ADMIN, args), 0);
	CHECK(gn_e2e_has(gn_e2e_out, "census "));
	CHECK(gn_e2e_has(gn_e2e_out, "MCH_v1 "));
	CHECK(gn_e2e_has(gn_e2e_out, "lang_xa "));
	CHECK(strstr(gn_e2e_out, "01 03") != NULL); /* census: TDPs 01 and 03 */

	/* the screen: TDP 02 opens on MCH_v1 */
	gn_term *t = gn_ui_start(24, 80, NULL, NULL);
	REQUIRE(t);
	REQUIRE(gn_ui_sign_in(t, "admin", "demo", "Tổ dân phố 2") == 0);
	gn_term_key(t, "Down");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Tổ dân phố 2 (02)");
	gn_term_type(t, "a");
	WAIT(t, "Enter thayi card number?");
	/* no roster: the form alone, no person keys, no members' list */
	CHECK_EQ_INT(gn_term_wait_gone(t, "Thêm người", GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_term_wait_gone(t, "Thành viên (", GN_TERM_WAIT_MS), 0);
	gn_term_type(t, "4711");
	gn_term_key(t, "Enter");
	gn_term_key(t, "C-s");
	WAIT(t, "Đã lưu");
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM household WHERE json_extract(answers, '$.number') = 4711 "
	                             "AND form_id = 'MCH_v1'"), 1);
	gn_term_key(t, "Esc");
	WAIT(t, "Tổ dân phố 2 (02)");
	/* its coverage: said plainly, no 0 % */
	gn_term_type(t, "c");
	WAIT(t, "Tổ dân phố này nhập phiếu MCH_v1.");
	CHECK_EQ_INT(gn_term_wait_gone(t, "0%", GN_TERM_WAIT_MS), 0);
	gn_term_key(t, "Esc");
	gn_term_key(t, "Esc");
	WAIT(t, "Tổ dân phố 1");
	/* TDP 01 still enters census */
	gn_term_key(t, "Up");
	gn_term_key(t, "Up");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Tổ dân phố 1 (01)");
	gn_term_type(t, "a");
	WAIT(t, "Số nhà");
	CHECK_EQ_INT(gn_term_wait_gone(t, "thayi", GN_TERM_WAIT_MS), 0);
	gn_term_key(t, "Esc");
	gn_ui_quit(t);
}

/* A ward's own form whose questions have their own names and codes, bound
 * to gonha's roles: a person entered on the screen lands in the record's
 * columns with gonha's codes (the age as a birth year), the rest in
 * answers, and the roster shows the form's own label. */
static void a_form_with_roles_fills_the_columns(void)
{
	const char *db = gn_ui_demo("roles.db", 2, 4);
	char dir[1100], args[2400];
	snprintf(dir, sizeof dir, "%s/ho_dan", gn_test_tmpdir());
	mkdir(dir, 0700);
	gn_test_write_file(dir, "survey.csv",
	                   "type,name,label,required,relevant,gonha::role\n"
	                   "text,so_nha,Số nhà,,,house_no\n"
	                   "begin repeat,nguoi,Người trong hộ,,,roster\n"
	                   "text,ho_ten,Họ và tên người,yes,,full_name\n"
	                   "integer,tuoi,Tuổi tròn,yes,,age\n"
	                   "select_one gt,gioi,Giới,yes,,sex\n"
	                   "select_one qh,quan_he,Quan hệ,yes,,relation\n"
	                   "text,nghe,Nghề nghiệp,,${tuoi} >= 15,\n"
	                   "end repeat,nguoi,,,,\n");
	gn_test_write_file(dir, "choices.csv",
	                   "list_name,name,label,gonha::code\n"
	                   "gt,1,Đàn ông,male\ngt,2,Đàn bà,female\n"
	                   "qh,1,Chủ hộ (1),head\nqh,2,Vợ/chồng (2),spouse\nqh,3,Con (3),child\n");
	gn_test_write_file(dir, "settings.csv", "form_id,version\nho_dan,2024.3\n");
	snprintf(args, sizeof args, "form add '%s' --db '%s'", dir, db);
	CHECK_EQ_INT(gn_e2e_run_env(ADMIN, args), 0);
	snprintf(args, sizeof args, "form use ho_dan --all --db '%s'", db);
	CHECK_EQ_INT(gn_e2e_run_env(ADMIN, args), 0);

	gn_term *t = gn_ui_start(24, 80, NULL, NULL);
	REQUIRE(t);
	REQUIRE(gn_ui_sign_in(t, "tdp01", "demo", "Số người") == 0);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Tổ dân phố 1 (01)");
	gn_term_type(t, "a");
	REQUIRE_WAIT(t, "Số nhà");
	gn_term_type(t, "27B");
	gn_term_key(t, "Enter");
	gn_term_key(t, "C-t");
	REQUIRE_WAIT(t, "Họ và tên người");
	gn_term_type(t, "Phạm Thị Thu Hà");
	gn_term_key(t, "Enter");
	gn_term_type(t, "34");
	gn_term_key(t, "Enter");
	gn_term_type(t, "2"); /* Đàn bà */
	gn_term_type(t, "1"); /* Chủ hộ (1) */
	WAIT(t, "Nghề nghiệp");
	gn_term_type(t, "Giáo viên");
	gn_term_key(t, "Enter");
	gn_term_key(t, "C-s");
	WAIT(t, "Đã lưu");
	WAIT(t, "Chủ hộ (1)"); /* the roster: the form's own label of gonha's head */
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM person WHERE full_name = 'Phạm Thị Thu Hà' AND birth_year = 1992 "
	                             "AND sex = 'female' AND relation = 'head' AND json_extract(answers, '$.nghe') = "
	                             "'Giáo viên' AND form_id = 'ho_dan' AND form_version = '2024.3'"), 1);
	CHECK_EQ_INT(gn_ui_query_int("SELECT count(*) FROM household WHERE house_no = '27B' AND form_id = 'ho_dan' "
	                             "AND form_version = '2024.3'"), 1);
	gn_term_key(t, "Esc");
	gn_ui_quit(t);
}

GN_TESTS(T(a_tdp_enters_an_installed_form), T(a_form_with_roles_fills_the_columns))
