/* Two TDPs on two forms, on the real binary: TDP 02 enters a form of the
 * ward's own (ho_dan, one household question with a constraint), TDP 01
 * gonha's census. One file mixing both TDPs imports, each row checked by
 * its TDP's form and stamped with it; a row with the other form's columns,
 * or breaking its form's rule, is refused at its line and nothing changes;
 * no environment variable stands for the ward's choice. The report leaves TDP 02 out of
 * the indicator totals and says so; gonha check reads TDP 02's records
 * with ho_dan's rules. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ADMIN "GONHA_USER=admin GONHA_PASSWORD=demo"
#define WAIT(t, text) CHECK_EQ_INT(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS), 0)
#define HEADER "household_id,tdp_code,house_no,visit_status,phone,so_phong,updated_at,updated_by,version\n"
#define ROW01 "0b8e5b44-1f7a-4c1e-9d55-3a6f0c2e7d01,01,10A,not_visited,%s,%s,2026-11-20T09:00:00Z,tdp01,v1\n"
#define ROW02 "0b8e5b44-1f7a-4c1e-9d55-3a6f0c2e7d02,02,20B,not_visited,%s,%s,2026-11-20T09:00:00Z,tdp02,v1\n"

static void install_ho_dan(const char *db, const char *max)
{
	char dir[1100], survey[512], args[2400];
	snprintf(dir, sizeof dir, "%s/ho_dan", gn_test_tmpdir());
	mkdir(dir, 0700);
	snprintf(survey, sizeof survey,
	         "type,name,label,constraint,constraint_message\n"
	         "text,so_nha,Số nhà,,\n"
	         "integer,so_phong,Số phòng ở,. >= 1 and . <= %s,Số phòng từ 1 đến %s\n", max, max);
	gn_test_write_file(dir, "survey.csv", survey);
	gn_test_write_file(dir, "settings.csv", "form_id,version\nho_dan,2024.3\n");
	snprintf(args, sizeof args, "form add '%s' --db '%s'", dir, db);
	CHECK_EQ_INT(gn_e2e_run_env(ADMIN, args), 0);
}

static int import_rows(const char *db, const char *env, const char *name, const char *phone01, const char *rooms01,
                       const char *phone02, const char *rooms02)
{
	char csv[1024], args[2400];
	int n = snprintf(csv, sizeof csv, HEADER ROW01 ROW02, phone01, rooms01, phone02, rooms02);
	gn_e2e_write(name, csv, (size_t)n);
	snprintf(args, sizeof args, "import '%s' --db '%s'", gn_e2e_path(name), db);
	return gn_e2e_run_env(env, args);
}

static void two_tdps_on_two_forms(void)
{
	const char *db = gn_ui_demo("ward.db", 3, 6);
	char args[2400];
	install_ho_dan(db, "20");
	snprintf(args, sizeof args, "form use ho_dan --tdp 02 --db '%s'", db);
	REQUIRE(gn_e2e_run_env(ADMIN, args) == 0);
	const char *before = strdup(gn_e2e_fingerprint("ward.db"));

	/* a census column on TDP 02's row: refused at its line, naming both */
	CHECK(import_rows(db, ADMIN, "bad1.csv", "0912345678", "", "0912345678", "4") != 0);
	CHECK(gn_e2e_has(gn_e2e_err, "bad1.csv:3: column \"phone\" is not a question of the form ho_dan"));
	/* ho_dan's column on TDP 01's row (census) */
	CHECK(import_rows(db, ADMIN, "bad2.csv", "0912345678", "3", "", "4") != 0);
	CHECK(gn_e2e_has(gn_e2e_err, "bad2.csv:2: column \"so_phong\" is not a question of the form census"));
	/* ho_dan's own rule on TDP 02's row */
	CHECK(import_rows(db, ADMIN, "bad3.csv", "0912345678", "", "", "99") != 0);
	CHECK(gn_e2e_has(gn_e2e_err, "bad3.csv:3: so_phong \"99\": Số phòng từ 1 đến 20"));
	/* census's rule on TDP 01's row */
	CHECK(import_rows(db, ADMIN, "bad4.csv", "12", "", "", "4") != 0);
	CHECK(gn_e2e_has(gn_e2e_err, "bad4.csv:2: phone \"12\""));
	CHECK_STR(gn_e2e_fingerprint("ward.db"), before); /* nothing changed */

	/* no environment stands for the ward's choice: GONHA_FORM (a hook
	 * gonha once had) changes nothing, TDP 02 enters ho_dan */
	static const char census_only[] =
	    "household_id,tdp_code,house_no,visit_status,phone,updated_at,updated_by,version\n"
	    "0b8e5b44-1f7a-4c1e-9d55-3a6f0c2e7d02,02,20B,not_visited,0912345678,2026-11-20T09:00:00Z,tdp02,v1\n";
	gn_e2e_write("census.csv", census_only, sizeof census_only - 1);
	snprintf(args, sizeof args, "import '%s' --dry-run --db '%s'", gn_e2e_path("census.csv"), db);
	CHECK(gn_e2e_run_env(ADMIN, args) != 0); /* without it: ho_dan's TDP */
	CHECK(gn_e2e_has(gn_e2e_err, "census.csv:2: column \"phone\" is not a question of the form ho_dan"));
	CHECK(gn_e2e_run_env(ADMIN " GONHA_FORM=census", args) != 0);
	CHECK(gn_e2e_has(gn_e2e_err, "census.csv:2: column \"phone\" is not a question of the form ho_dan"));
	CHECK_STR(gn_e2e_fingerprint("ward.db"), before);

	/* the mixed file: each row by its TDP's form, stamped with it */
	CHECK_EQ_INT(import_rows(db, ADMIN, "mixed.csv", "0912345678", "", "", "12"), 0);
	CHECK_STR(gn_e2e_sql1("ward.db", "SELECT answers || ' ' || form_id FROM household WHERE house_no = '10A'"),
	          "{\"phone\":\"0912345678\"} census");
	CHECK_STR(gn_e2e_sql1("ward.db", "SELECT answers || ' ' || form_id || ' ' || form_version FROM household "
	                                 "WHERE house_no = '20B'"),
	          "{\"so_phong\":\"12\"} ho_dan 2024.3");

	/* the report: TDP 02 is not measured, said so, left out of the totals */
	snprintf(args, sizeof args, "report --db '%s'", db);
	CHECK_EQ_INT(gn_e2e_run_env(ADMIN, args), 0);
	CHECK(gn_e2e_has(gn_e2e_out, "\"×\": 1 TDP enters another form, which does not measure the plan's indicators"));
	CHECK(gn_e2e_has(gn_e2e_out, "  Tổ dân phố 2 (02): form ho_dan\n"));
	CHECK(gn_e2e_has(gn_e2e_out, "Tổ dân phố 2                   ×            ×         ×            ×\n"));
	/* the document to sign says it too */
	snprintf(args, sizeof args, "report --format pdf --out '%s' --db '%s'", gn_e2e_path("report.pdf"), db);
	CHECK_EQ_INT(gn_e2e_run_env(ADMIN, args), 0);
	char *pdf = gn_e2e_pdf_text("report.pdf");
	CHECK(pdf && gn_e2e_has(pdf, "Tổ dân phố 2 (02): form ho_dan"));
	free(pdf);
	snprintf(args, sizeof args, "report --format csv --plain --db '%s'", db);
	CHECK_EQ_INT(gn_e2e_run_env(ADMIN, args), 0);
	CHECK(gn_e2e_has(gn_e2e_out, "\"02\",\"Tổ dân phố 2\",7,5,0,1,1,,,,,100,"));
	/* the ward's adults are TDP 01's and 03's alone */
	const char *adults = gn_e2e_sql1("ward.db", "SELECT sum(c.den) FROM tdp_indicator c JOIN indicator_bit b ON "
	                                            "b.bit = c.bit JOIN tdp t ON t.id = c.tdp_id WHERE b.name = "
	                                            "'c_basic_skills' AND t.code <> '02'");
	char want[128];
	snprintf(want, sizeof want, ",%s,", adults);
	CHECK(strstr(gn_e2e_out, "\"*\",\"Whole ward\"") != NULL);
	CHECK(strstr(strstr(gn_e2e_out, "\"*\",\"Whole ward\"") ? strstr(gn_e2e_out, "\"*\",\"Whole ward\"") : "", want) != NULL);
	/* the ward dashboard on a terminal: TDP 02's cells "—", the total
	 * without it, said under the list */
	gn_term *t = gn_ui_start(24, 80, NULL, NULL);
	REQUIRE(t);
	REQUIRE(gn_ui_sign_in(t, "admin", "demo", "Số người") == 0);
	gn_term_type(t, "w");
	WAIT(t, "\"—\": 1 tổ nhập phiếu khác, không đo các chỉ tiêu: không tính vào dòng tổng");
	WAIT(t, "02 Tổ dân phố 2");
	gn_term_key(t, "Esc");
	gn_ui_quit(t);

	/* nobody of TDP 02 is on the list of people not yet counted */
	snprintf(args, sizeof args, "sheet missing --tdp 02 --indicator c_basic_skills --db '%s'", db);
	CHECK(gn_e2e_run_env(ADMIN, args) != 0);
	CHECK(gn_e2e_has(gn_e2e_err, "enters the form ho_dan, which does not measure the plan's indicators"));

	/* gonha check: TDP 02's records by ho_dan's rules; a new version of it
	 * with at most 10 rooms finds the stored 12 */
	snprintf(args, sizeof args, "check --db '%s'", db);
	CHECK_EQ_INT(gn_e2e_run_env(ADMIN, args), 0);
	install_ho_dan(db, "10");
	CHECK(gn_e2e_run_env(ADMIN, args) != 0);
	CHECK(gn_e2e_has(gn_e2e_out, "so_phong: Số phòng từ 1 đến 10"));
	CHECK(gn_e2e_has(gn_e2e_err, "1 problem found"));
	free((void *)before);
}

GN_TESTS(T(two_tdps_on_two_forms))
