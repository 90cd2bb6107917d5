/* A ward whose TDPs enter two forms, on the real binary: TDP 01 gonha's
 * census, TDP 02 ona-household (../shared/real-forms, nested repeats),
 * chosen after TDP 02 already had census answers. Each repeat's table is
 * imported with TDP 02's form; the whole-ward export (no --tdp) carries
 * census's columns, then ona-household's, each row filling its own form's
 * and keeping the rest in other_answers; imported into a fresh ward on
 * the same forms and exported again, every file is byte for byte the
 * same. A census-only ward's file is the one it was before. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ADMIN "GONHA_USER=admin GONHA_PASSWORD=demo"
#define FORM "serious_survey" /* ona-household's id_string */

/* ../shared (or $GONHA_SHARED), whole: the commands run in the test's folder. */
static const char *shared(void)
{
	static char whole[PATH_MAX];
	const char *s = getenv("GONHA_SHARED");
	if (!whole[0] && !realpath(s && *s ? s : "../shared", whole))
		snprintf(whole, sizeof whole, "%s", s && *s ? s : "../shared");
	return whole;
}

static int run(const char *fmt, const char *a, const char *b)
{
	char args[PATH_MAX * 2 + 256];
	snprintf(args, sizeof args, fmt, a, b);
	return gn_e2e_run_env(ADMIN, args);
}

/* The ward at db gets ona-household, and TDP 02 enters it. */
static void ona_for_02(const char *db)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/real-forms/ona-household", shared());
	REQUIRE(gn_e2e_form_install(db, dir, FORM, "02") == 0);
}

static void import_table(const char *name, const char *csv, const char *db)
{
	gn_e2e_write(name, csv, strlen(csv));
	int rc = run("import '%s' --db '%s'", gn_e2e_path(name), db);
	if (rc)
		fprintf(stderr, "  %s: %s", name, gn_e2e_err);
	CHECK_EQ_INT(rc, 0);
}

static void two_forms_round_trip(void)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/real-forms/ona-household/survey.csv", shared());
	FILE *f = fopen(dir, "r"); /* ../shared is needed: fail, not skip */
	REQUIRE(f);
	fclose(f);
	const char *db = gn_ui_demo("ward.db", 2, 3);
	/* before any TDP enters another form: the file as it always was */
	CHECK_EQ_INT(run("export --db '%s' --what households --out '%s'", db, gn_e2e_path("census-0.csv")), 0);
	ona_for_02(db);
	char hid[40];
	snprintf(hid, sizeof hid, "%s",
	         gn_e2e_sql1("ward.db", "SELECT h.id FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE t.code = '02' "
	                                "ORDER BY h.walk_order LIMIT 1"));
	REQUIRE(strlen(hid) == 36);

	/* TDP 02's repeats, each table read with its form (census has none) */
	char csv[1024];
	snprintf(csv, sizeof csv, "household_id,tdp_code,parent,entry,name\n%s,02,,man[1],Hùng\n%s,02,,man[2],Dũng\n", hid,
	         hid);
	import_table("man.csv", csv, db);
	snprintf(csv, sizeof csv, "household_id,tdp_code,parent,entry,name\n%s,02,,woman[1],Lan\n", hid);
	import_table("woman.csv", csv, db);
	snprintf(csv, sizeof csv, "household_id,tdp_code,parent,entry,name\n%s,02,woman[1],woman[1]/child[1],Bé Na\n", hid);
	import_table("child.csv", csv, db);
	CHECK_STR(gn_e2e_sql1("ward.db", "SELECT json_extract(answers, '$.\"woman[1]/child[1]/name\"') || ' ' || form_id "
	                                 "FROM household WHERE answers LIKE '%Bé Na%'"),
	          "Bé Na " FORM);
	/* a column ona-household's repeat does not ask, on TDP 02's row */
	snprintf(csv, sizeof csv, "household_id,tdp_code,parent,entry,name,age\n%s,02,,man[1],Hùng,40\n", hid);
	gn_e2e_write("bad.csv", csv, strlen(csv));
	CHECK(run("import '%s' --db '%s'", gn_e2e_path("bad.csv"), db) != 0);
	CHECK(gn_e2e_has(gn_e2e_err, "bad.csv:2: column \"age\" is not a question of the repeat man of the form " FORM));

	/* the household's own question, through TDP 02's file edited */
	CHECK_EQ_INT(run("export --db '%s' --what households --tdp 02 --out '%s'", db, gn_e2e_path("h02.csv")), 0);
	gn_csv_table t = { 0 };
	REQUIRE(gn_csv_read("h02.csv", &t));
	int col = gn_csv_col(&t, "number_of_members");
	REQUIRE(col >= 0);
	gn_csv_set(&t, 1, col, "3");
	gn_csv_write(&t, "h02.csv", ',', false, false, true);
	gn_csv_free(&t);
	CHECK_EQ_INT(run("import '%s' --db '%s'", gn_e2e_path("h02.csv"), db), 0);

	/* the whole ward: census's columns, then ona-household's; TDP 02's
	 * old census answers in other_answers, not in census's columns */
	static const char *const what[] = { "households", "persons", "man", "woman", "child" };
	char out[64], env[64];
	for (size_t i = 0; i < 5; i++) {
		snprintf(out, sizeof out, "%s-1.csv", what[i]);
		snprintf(env, sizeof env, "%s", what[i]);
		CHECK_EQ_INT(run("export --db ward.db --what %s --with-ids --out '%s'", env, gn_e2e_path(out)), 0);
	}
	char *h = gn_e2e_read("households-1.csv", NULL);
	REQUIRE(h);
	CHECK(strstr(h, ",form_id,form_version,number_of_members,number_for_vanilla,number_for_strawberry\r\n") ||
	      strstr(h, ",form_id,form_version,number_of_members,number_for_vanilla,number_for_strawberry\n"));
	CHECK(strstr(h, ",tdp02,,,\"{\"\"phone\"\":") != NULL);
	CHECK(strstr(h, "," FORM ",,3,,") != NULL);
	free(h);

	/* into a fresh ward on the same forms, and out again: the same bytes */
	CHECK_EQ_INT(gn_e2e_run_env(NULL, "demo --db fresh.db --tdps 2 --households 0"), 0);
	ona_for_02(gn_e2e_path("fresh.db"));
	for (size_t i = 0; i < 5; i++) {
		snprintf(out, sizeof out, "%s-1.csv", what[i]);
		CHECK_EQ_INT(run("import '%s' --db fresh.db%s", gn_e2e_path(out), ""), 0);
	}
	for (size_t i = 0; i < 5; i++) {
		char a[64], b[64];
		snprintf(a, sizeof a, "%s-1.csv", what[i]);
		snprintf(b, sizeof b, "%s-2.csv", what[i]);
		snprintf(env, sizeof env, "%s", what[i]);
		CHECK_EQ_INT(run("export --db fresh.db --what %s --with-ids --out '%s'", env, gn_e2e_path(b)), 0);
		if (!gn_e2e_same_files(a, b)) {
			fprintf(stderr, "  %s after the import differs\n", what[i]);
			CHECK(!"the export after the import differs");
		}
	}
	/* the households as a workbook (the persons as before), into a third ward */
	CHECK_EQ_INT(run("export --db ward.db --what households --out '%s'%s", gn_e2e_path("households-1.xlsx"), ""), 0);
	CHECK_EQ_INT(gn_e2e_run_env(NULL, "demo --db third.db --tdps 2 --households 0"), 0);
	ona_for_02(gn_e2e_path("third.db"));
	CHECK_EQ_INT(run("import '%s' --db third.db%s", gn_e2e_path("households-1.xlsx"), ""), 0);
	CHECK_EQ_INT(run("import '%s' --db third.db%s", gn_e2e_path("persons-1.csv"), ""), 0);
	CHECK_EQ_INT(run("export --db third.db --what households --with-ids --out '%s'%s", gn_e2e_path("households-3.csv"),
	                 ""), 0);
	CHECK(gn_e2e_same_files("households-1.csv", "households-3.csv"));
	/* and again into the ward that has them: nothing changes (TDP 02's
	 * old census answers are other_answers in the file, census's columns
	 * in the ward: the same answers) */
	CHECK_EQ_INT(run("import '%s' --db fresh.db%s", gn_e2e_path("households-1.xlsx"), ""), 0);
	CHECK(gn_e2e_has(gn_e2e_out, "added 0, updated 0,") && gn_e2e_has(gn_e2e_out, "6 unchanged"));
	CHECK_EQ_INT(run("export --db ward.db --what households --tdp 02 --out '%s'%s", gn_e2e_path("h02-again.csv"), ""), 0);
	CHECK_EQ_INT(run("import '%s' --db ward.db%s", gn_e2e_path("h02-again.csv"), ""), 0);
	CHECK(gn_e2e_has(gn_e2e_out, "added 0, updated 0,") && gn_e2e_has(gn_e2e_out, "3 unchanged"));

	/* census-only again: no TDP on ona-household, its columns gone */
	CHECK_EQ_INT(run("form use census --tdp 02 --db '%s'%s", db, ""), 0);
	CHECK_EQ_INT(run("export --db '%s' --what households --out '%s'", db, gn_e2e_path("census-1.csv")), 0);
	h = gn_e2e_read("census-1.csv", NULL);
	char *h0 = gn_e2e_read("census-0.csv", NULL);
	REQUIRE(h && h0);
	CHECK(strncmp(h, h0, (size_t)(strchr(h0, '\n') - h0)) == 0); /* the same header */
	free(h);
	free(h0);
}

/* Two forms with a repeat of the same name asking other questions: one
 * whole-ward table cannot hold both; refused naming them, and each TDP's
 * table is exported on its own. */
static void a_repeat_name_two_forms_share(void)
{
	const char *db = gn_ui_demo("ward.db", 2, 1);
	ona_for_02(db);
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/tre", gn_test_tmpdir());
	mkdir(dir, 0700);
	gn_test_write_file(dir, "survey.csv", "type,name,label\nbegin repeat,child,Trẻ em\ninteger,tuoi,Tuổi\nend repeat,,\n");
	gn_test_write_file(dir, "settings.csv", "form_id,version\ntre,1\n");
	REQUIRE(gn_e2e_form_install(db, dir, "tre", "01") == 0);
	CHECK(run("export --db '%s' --what child --out '%s'", db, gn_e2e_path("child.csv")) != 0);
	CHECK(gn_e2e_has(gn_e2e_err, "the forms " FORM " and tre both have a repeat named child, with other questions: "
	                             "export its table for each TDP (--tdp CODE)"));
	CHECK_EQ_INT(run("export --db '%s' --what child --tdp 01 --out '%s'", db, gn_e2e_path("child-01.csv")), 0);
	char *t = gn_e2e_read("child-01.csv", NULL);
	CHECK(t && strstr(t, "household_id,tdp_code,parent,entry,tuoi"));
	free(t);
}

GN_TESTS(T(two_forms_round_trip), T(a_repeat_name_two_forms_share))
