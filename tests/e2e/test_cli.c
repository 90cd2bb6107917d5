/* The headless commands of the foundation, run as a user would: the real
 * binary, its exit status, its one-line messages, and files left alone. */
#include "e2e_fixtures.h"
#include "testlib.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define run gn_e2e_run_env
#define out_text gn_e2e_out
#define err_text gn_e2e_err
#define bin gn_e2e_bin

static int lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static long size_of(const char *name)
{
	char path[512];
	struct stat sb;
	snprintf(path, sizeof path, "%s/%s", gn_test_tmpdir(), name);
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static void demo_then_check(void)
{
	CHECK_EQ_INT(run(NULL, "demo --db w.db --tdps 3 --households 30"), 0);
	CHECK(strstr(out_text, "3 TDPs") != NULL);
	CHECK_EQ_INT(run("GONHA_USER=admin GONHA_PASSWORD=demo", "check --db w.db"), 0);
	CHECK(strstr(out_text, "no problems") != NULL);
	/* SQLite's own check agrees. */
	char cmd[512];
	snprintf(cmd, sizeof cmd, "sqlite3 '%s/w.db' 'PRAGMA integrity_check' | grep -qx ok", gn_test_tmpdir());
	CHECK(system(cmd) == 0);
	/* Vietnamese by default. */
	CHECK_EQ_INT(run("GONHA_LANG= GONHA_USER=admin GONHA_PASSWORD=demo", "check --db w.db"), 0);
	CHECK(strstr(out_text, "không có lỗi nào") != NULL);
}

static void check_reports_problems(void)
{
	CHECK_EQ_INT(run(NULL, "demo --db broken.db --tdps 2 --households 10"), 0);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "sqlite3 '%s/broken.db' \"UPDATE person SET relation = 'head' WHERE relation = 'spouse'\"",
	         gn_test_tmpdir());
	CHECK(system(cmd) == 0);
	CHECK_EQ_INT(run("GONHA_USER=admin GONHA_PASSWORD=demo", "check --db broken.db"), 1);
	CHECK(strstr(out_text, "one_head\thousehold\t") != NULL);
	CHECK(strstr(err_text, "problems found") != NULL);
}

static void init_makes_an_empty_ward(void)
{
	CHECK_EQ_INT(run("GONHA_PASSWORD=s3cret", "init --db new.db --ward 'Phường Vạn Xuân' --tdps 12"), 0);
	CHECK(strstr(out_text, "12 TDPs") != NULL);
	CHECK_EQ_INT(run("GONHA_USER=admin GONHA_PASSWORD=s3cret", "check --db new.db"), 0);
	/* Again over the same file: refused, file unchanged. */
	long size = size_of("new.db");
	CHECK_EQ_INT(run("GONHA_PASSWORD=s3cret", "init --db new.db --ward X --tdps 2"), 2);
	CHECK(strstr(err_text, "already exists") != NULL);
	CHECK_EQ_INT(size_of("new.db"), size);
	/* No password and no terminal: refused, nothing created. */
	CHECK(run(NULL, "init --db nopw.db --ward X --tdps 2") != 0);
	CHECK_EQ_INT(size_of("nopw.db"), -1);
}

static void bad_input_gets_one_line_and_changes_nothing(void)
{
	/* missing database */
	CHECK(run(NULL, "check --db missing.db") != 0);
	CHECK_EQ_INT(lines(err_text), 1);
	CHECK(strstr(err_text, "missing.db") != NULL);
	CHECK_EQ_INT(size_of("missing.db"), -1);
	/* unwritable path */
	CHECK(run(NULL, "demo --db /proc/nope/w.db") != 0);
	CHECK_EQ_INT(lines(err_text), 1);
	/* a file that is not a gonha database */
	char cmd[512];
	snprintf(cmd, sizeof cmd, "printf 'ho ten,nam sinh\\nA,1990\\n' > '%s/list.csv'", gn_test_tmpdir());
	CHECK(system(cmd) == 0);
	long size = size_of("list.csv");
	CHECK_EQ_INT(run(NULL, "check --db list.csv"), 2);
	CHECK(strstr(err_text, "not a gonha database") != NULL);
	CHECK_EQ_INT(lines(err_text), 1);
	CHECK_EQ_INT(size_of("list.csv"), size);
	CHECK_EQ_INT(size_of("list.csv-wal"), -1);
	/* a database from a newer gonha */
	CHECK_EQ_INT(run(NULL, "demo --db future.db --tdps 1 --households 1"), 0);
	snprintf(cmd, sizeof cmd, "sqlite3 '%s/future.db' 'PRAGMA user_version = 999' 'PRAGMA journal_mode = DELETE' >/dev/null",
	         gn_test_tmpdir());
	CHECK(system(cmd) == 0);
	size = size_of("future.db");
	CHECK_EQ_INT(run(NULL, "check --db future.db"), 2);
	CHECK(strstr(err_text, "newer gonha") != NULL);
	CHECK_EQ_INT(size_of("future.db"), size);
	/* invalid UTF-8 in an argument */
	CHECK_EQ_INT(run("GONHA_PASSWORD=s3cret", "init --db bad.db --ward $(printf 'Ph\\260\\352ng') --tdps 2"), 2);
	CHECK(strstr(err_text, "UTF-8") != NULL);
	CHECK_EQ_INT(lines(err_text), 1);
	CHECK_EQ_INT(size_of("bad.db"), -1);
	/* unknown command and option */
	CHECK_EQ_INT(run(NULL, "frobnicate"), 2);
	CHECK_EQ_INT(run(NULL, "demo --db x.db --tdps many"), 2);
	CHECK_EQ_INT(size_of("x.db"), -1);
}

static void help_and_version(void)
{
	CHECK_EQ_INT(run(NULL, "--help"), 0);
	CHECK(strstr(out_text, "gonha demo [--db FILE]") != NULL);
	CHECK(strstr(out_text, "gonha check [--db FILE]") != NULL);
	CHECK_EQ_INT(run(NULL, "--version"), 0);
	CHECK(strncmp(out_text, "gonha ", 6) == 0);
	CHECK_EQ_INT(run(NULL, "--lang en --help"), 0);
	CHECK(strstr(out_text, "Usage:") != NULL);
	CHECK_EQ_INT(run(NULL, "--lang vi --help"), 0);
	CHECK(strstr(out_text, "Cách dùng:") != NULL);
}

/* A broken questionnaire: the screen never starts, the problems are printed
 * with their file and line. */
static void a_broken_form_never_starts_the_screen(void)
{
	char dir[512], path[600];
	snprintf(dir, sizeof dir, "%s/badforms/census", gn_test_tmpdir());
	char cmd[700];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
	REQUIRE(system(cmd) == 0);
	const char *files[][2] = {
		{ "settings.csv", "form_id,version,default_language\ncensus,1,vi\n" },
		{ "survey.csv", "type,name,label,relevant\ntext,a,A,\ntext,b,B,${nope} = 1\n" },
		{ "choices.csv", "list_name,name,label\n" },
	};
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
		FILE *f = fopen(path, "w");
		REQUIRE(f);
		fputs(files[i][1], f);
		fclose(f);
	}
	CHECK_EQ_INT(run(NULL, "demo --db ui.db --tdps 1 --households 2"), 0);
	CHECK_EQ_INT(run("GONHA_FORMS=badforms", "--db ui.db"), 2);
	CHECK(strstr(err_text, "badforms/census/survey.csv:3 (survey!D3): ") != NULL);
	CHECK(strstr(err_text, "${nope} is not a question of this form") != NULL);
	CHECK(strstr(err_text, "gonha form check") != NULL);
}

/* Text from outside reaches the terminal cleaned (no escape sequence, no
 * control character): a CSV header cell, an argument, what the database
 * holds. Found in the output: the text around them, not the ESC. */
static void outside_text_never_drives_the_terminal(void)
{
	CHECK_EQ_INT(run(NULL, "demo --db evil.db --tdps 2 --households 5"), 0);
	const char *admin = "GONHA_USER=admin GONHA_PASSWORD=demo";
	char csv[512];
	snprintf(csv, sizeof csv, "%s/evil.csv", gn_test_tmpdir());
	FILE *f = fopen(csv, "wb");
	REQUIRE(f);
	fputs("person_id,x\033]0;pwned\007\033[2Jy\n1,2\n", f);
	fclose(f);
	CHECK_EQ_INT(run(admin, "import evil.csv --db evil.db"), 2);
	CHECK(strstr(err_text, "xy") != NULL && !strchr(err_text, '\033') && !strchr(err_text, '\007'));
	CHECK_EQ_INT(run(admin, "list --db evil.db --tdp \"$(printf 'A\\033[2JB')\""), 2);
	CHECK(strstr(err_text, "AB") != NULL && !strchr(err_text, '\033'));
	/* what a restored database holds */
	char sql[512];
	snprintf(sql, sizeof sql, "sqlite3 '%s/evil.db' \"UPDATE household SET street = 'Phố' || char(27) || ']0;x' || "
	         "char(7) || 'Mới' WHERE rowid = 1\"", gn_test_tmpdir());
	REQUIRE(system(sql) == 0);
	CHECK_EQ_INT(run(admin, "list --db evil.db --tdp 01 --format tsv"), 0);
	CHECK(strstr(out_text, "PhốMới") != NULL && !strchr(out_text, '\033') && !strchr(out_text, '\007'));
	CHECK(strchr(out_text, '\t') != NULL); /* the columns stay */
}

/* A --db path longer than the system takes is refused, never cut into the
 * name of another (existing) file that would then be opened and changed. */
static void a_path_too_long_is_refused(void)
{
	CHECK_EQ_INT(run(NULL, "demo --db long.db --tdps 1 --households 2"), 0);
	char args[8192], dir[5000];
	memset(dir, 'a', 4200);
	dir[4200] = '\0';
	/* cut at PATH_MAX, this would have been ".../long.db" */
	snprintf(args, sizeof args, "check --db ./%s/../../long.db", dir);
	long before = size_of("long.db");
	CHECK(run("GONHA_USER=admin GONHA_PASSWORD=demo", args) != 0);
	CHECK(strstr(err_text, "too long") != NULL);
	CHECK_EQ_INT(size_of("long.db"), before);
}

GN_TESTS(T(outside_text_never_drives_the_terminal), T(a_path_too_long_is_refused), T(demo_then_check), T(check_reports_problems), T(init_makes_an_empty_ward),
         T(bad_input_gets_one_line_and_changes_nothing), T(help_and_version), T(a_broken_form_never_starts_the_screen))
