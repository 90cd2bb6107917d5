/* The forms engine: loading XLSForm CSV sheets, translating expressions to
 * SQL that SQLite runs, each problem `form check` names, and the shipped
 * census form. */
#include "testlib.h"
#include "gonha/storage/db.h"
#include "gonha/forms/form.h"
#include "gonha/core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static sqlite3 *db;

static void open_db(void)
{
	gn_err err = { 0 };
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	if (gn_db_open_memory(&db, &err) != GN_OK)
		exit(2);
}

/* A form in a fresh folder; returns the folder. */
static const char *make_form(const char *name, const char *survey, const char *choices)
{
	static char dir[512];
	snprintf(dir, sizeof dir, "%s/%s", gn_test_tmpdir(), name);
	mkdir(dir, 0700);
	gn_test_write_file(dir, "survey.csv", survey);
	gn_test_write_file(dir, "choices.csv", choices ? choices : "list_name,name,label::vi,label::en\n");
	gn_test_write_file(dir, "settings.csv", "form_id,version,default_language\nt,1,vi\n");
	return dir;
}

#define HEADER "type,name,label::vi,label::en,required,constraint,constraint_message::en,relevant,calculation,default\n"
#define YESNO "list_name,name,label::vi,label::en\nyes_no,yes,Có,Yes\nyes_no,no,Không,No\n" \
	"color,red,Đỏ,Red\ncolor,green,Xanh,Green\ncolor,blue,Lam,Blue\n"

static gn_form *load(const char *dir, gn_form_problems *p)
{
	gn_form *form = NULL;
	gn_err err = { 0 };
	memset(p, 0, sizeof *p);
	gn_form_load(dir, db, &form, p, &err);
	return form;
}

/* Evaluates an expression in parameter mode with the given values. */
static char *eval(gn_form *form, const char *expr, int self, const char **vals)
{
	char *sql = NULL, *out = NULL;
	gn_err err = { 0 };
	if (gn_form_translate(form, expr, self, NULL, NULL, &sql, &err) != GN_OK) {
		fprintf(stderr, "  translate %s: %s\n", expr, err.msg);
		return strdup("(error)");
	}
	char *full = sqlite3_mprintf("SELECT %s", sql);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, full, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "  prepare %s -> %s: %s\n", expr, sql, sqlite3_errmsg(db));
		out = strdup("(error)");
	} else {
		for (int p = 1; p <= sqlite3_bind_parameter_count(st); p++) {
			int i = p - 1; /* ?N is field N-1 */
			if (vals[i] && form->fields[i].type == GN_FT_INTEGER)
				sqlite3_bind_int64(st, p, atoll(vals[i]));
			else if (vals[i])
				sqlite3_bind_text(st, p, vals[i], -1, SQLITE_STATIC);
		}
		if (sqlite3_step(st) == SQLITE_ROW)
			out = strdup(sqlite3_column_type(st, 0) == SQLITE_NULL ? "NULL" : (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	sqlite3_free(full);
	free(sql);
	return out ? out : strdup("(none)");
}

static void every_function_runs_in_sqlite(void)
{
	open_db();
	gn_form_problems p;
	const char *dir = make_form("fn", HEADER
		"text,name,Tên,Name,,,,,,\n"
		"integer,age,Tuổi,Age,,,,,,\n"
		"select_multiple color,colors,Màu,Colors,,,,,,\n"
		"decimal,height,Cao,Height,,,,,,\n"
		"date,visit,Ngày,Date,,,,,,\n"
		"calculate,double_age,,,,,,,${age} * 2,\n", YESNO);
	gn_form *form = load(dir, &p);
	REQUIRE(form);
	const char *vals[6] = { "Nguyễn Văn An", "45", "red blue", "1.5", "2026-11-18", NULL };
	static const struct { const char *expr, *want; } cases[] = {
		{ "${age} >= 18", "1" },
		{ "${age} >= 18 and ${age} < 40", "0" },
		{ "${age} < 18 or ${name} = 'Nguyễn Văn An'", "1" },
		{ "not(${age} = 45)", "0" },
		{ "${age} != 44", "1" },
		{ "7 div 2", "3.5" },
		{ "7 mod 2", "1" },
		{ "-${age} + 50", "5" },
		{ "${double_age}", "90" },
		{ "selected(${colors}, 'blue')", "1" },
		{ "selected(${colors}, 'green')", "0" },
		{ "selected(${colors}, 're')", "0" },
		{ "count-selected(${colors})", "2" },
		{ "string-length(${name})", "13" },
		{ "regex(${name}, '^Nguyễn')", "1" },
		{ "regex('0912345678', '^0[0-9]{9}$')", "1" },
		{ "if(${age} > 60, 'old', 'young')", "young" },
		{ "today()", "2026-11-20" },
		{ "int(${height} * 3)", "4" },
		{ "round(2.567, 2)", "2.57" },
		{ "coalesce(${visit}, 'none')", "2026-11-18" },
		{ "coalesce('', 'none')", "none" },
		{ "concat(${name}, ' - ', ${age})", "Nguyễn Văn An - 45" },
		{ "int(format-date(today(), '%Y')) - ${age}", "1981" },
		{ "format-date(${visit}, '%m')", "11" },
		{ "substr('Vạn Xuân', 0, 3)", "Vạn" }, /* ODK: a 0-based start and an end index */
		{ "substr('Vạn Xuân', 4)", "Xuân" },
		{ "number('2.5') + 1", "3.5" },
		{ "string(12)", "12" },
		{ "true() and not(false())", "1" },
		{ "\"double quotes\"", "double quotes" },
		{ "'it''s'", "(error)" }, /* XPath has no '' escape: two strings side by side */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = eval(form, cases[i].expr, -1, vals);
		if (strcmp(got, cases[i].want) != 0) {
			fprintf(stderr, "  %s = %s, expected %s\n", cases[i].expr, got, cases[i].want);
			gn_test_failed = 1;
		}
		free(got);
	}
	gn_form_free(form);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

static void relevant_required_constraint(void)
{
	open_db();
	gn_form_problems p;
	const char *dir = make_form("rrc", HEADER
		"integer,birth_year,Năm sinh,Birth year,yes,. >= 1900 and . <= 2026,Birth year 1900 to this year,,,\n"
		"calculate,age,,,,,,,\"int(format-date(today(), '%Y')) - ${birth_year}\",\n"
		"text,cccd,CCCD,ID,,\"regex(., '^[0-9]{12}$')\",12 digits,${age} >= 14,,\n"
		"select_one yes_no,phone,Điện thoại,Phone,${age} >= 16,,,,,no\n"
		"date,visit,Ngày,Date,,. <= today(),Not in the future,,,\n", YESNO);
	gn_form *form = load(dir, &p);
	REQUIRE(form);
	gn_err err = { 0 };
	const char *vals[5] = { "2015", NULL, "12345", NULL, NULL };
	CHECK(!gn_form_relevant(form, 2, vals)); /* 11 years old: no CCCD question */
	CHECK_EQ_INT(gn_form_check_value(form, 2, vals, &err), GN_OK);
	CHECK_EQ_INT(gn_form_check_value(form, 3, vals, &err), GN_OK); /* not required under 16 */
	vals[0] = "1990";
	CHECK(gn_form_relevant(form, 2, vals));
	CHECK_EQ_INT(gn_form_check_value(form, 2, vals, &err), GN_ERR_INVALID);
	CHECK_STR(err.msg, "12 digits");
	CHECK_STR(err.field, "cccd");
	CHECK_EQ_INT(gn_form_check_value(form, 3, vals, &err), GN_ERR_INVALID); /* required at 36 */
	char *age = gn_form_calculate(form, 1, vals);
	CHECK_STR(age, "36");
	free(age);
	vals[0] = "abc";
	CHECK_EQ_INT(gn_form_check_value(form, 0, vals, &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "whole number") != NULL);
	vals[0] = "2031";
	CHECK_EQ_INT(gn_form_check_value(form, 0, vals, &err), GN_ERR_INVALID);
	CHECK_STR(err.msg, "Birth year 1900 to this year");
	vals[0] = NULL;
	CHECK_EQ_INT(gn_form_check_value(form, 0, vals, &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "needs an answer") != NULL);
	vals[0] = "1990";
	vals[3] = "maybe";
	CHECK_EQ_INT(gn_form_check_value(form, 3, vals, &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "not one of the choices") != NULL);
	vals[4] = "2026-02-30";
	CHECK_EQ_INT(gn_form_check_value(form, 4, vals, &err), GN_ERR_INVALID);
	vals[4] = "2026-12-01";
	CHECK_EQ_INT(gn_form_check_value(form, 4, vals, &err), GN_ERR_INVALID);
	CHECK_STR(err.msg, "Not in the future");
	vals[4] = "2026-11-01";
	CHECK_EQ_INT(gn_form_check_value(form, 4, vals, &err), GN_OK);
	gn_form_free(form);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

/* Loads a broken form and expects a problem containing `want` on `line`. */
static void expect_problem(const char *survey, int line, const char *want)
{
	open_db();
	gn_form_problems p;
	const char *dir = make_form("bad", survey, YESNO);
	gn_form *form = load(dir, &p);
	CHECK(form == NULL);
	bool found = false;
	for (size_t i = 0; i < p.n; i++)
		if (!p.items[i].warning && p.items[i].line == line && strstr(p.items[i].msg, want))
			found = true;
	if (!found) {
		fprintf(stderr, "  expected line %d: %s; got:\n", line, want);
		for (size_t i = 0; i < p.n; i++)
			fprintf(stderr, "    %s:%d: %s\n", p.items[i].file, p.items[i].line, p.items[i].msg);
		gn_test_failed = 1;
	}
	gn_form_free(form);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

static void each_problem_is_named_with_its_line(void)
{
	expect_problem(HEADER "text,a,A,A,,,,,,\ncaseid,b,B,B,,,,,,\n", 3, "unknown type caseid");
	expect_problem(HEADER "select_one fruits,a,A,A,,,,,,\n", 2, "list fruits is not in choices.csv");
	expect_problem(HEADER "text,a,A,A,,,,,,\ntext,a,A2,A2,,,,,,\n", 3, "used twice");
	expect_problem(HEADER "text,a,A,A,,,,${nope} = 1,,\n", 2, "${nope} is not a question");
	expect_problem(HEADER "text,a,A,A,,. = ,,,,\n", 2, "constraint of a");
	expect_problem(HEADER "calculate,x,,,,,,,${y} + 1,\ncalculate,y,,,,,,,${x} + 1,\ntext,z,Z,Z,,,,${x} > 1,,\n", 4, "cycle");
	expect_problem(HEADER "begin_repeat,members,Người,People,,,,,,\ntext,n,N,N,,,,,,\n", 2, "never closed");
	expect_problem(HEADER "text,a,A,A,,,,,,\nend_group,,,,,,,,,\n", 3, "closes nothing");
	expect_problem(HEADER "text,a,,,,,,,,\n", 2, "has no label");
	expect_problem(HEADER "text,a,A,A,,,,,,\ninteger,b,B,B,,,,unknownfn(${a}),,\n", 3, "unknown function");
}

static void expressions_cannot_reach_the_database(void)
{
	expect_problem(HEADER "text,a,A,A,,,,(SELECT count(*) FROM person) > 0,,\n", 2, "relevant of a");
	expect_problem(HEADER "text,a,A,A,,,,person.full_name = 'x',,\n", 2, "not allowed");
	expect_problem(HEADER "text,a,A,A,,,,1; DROP TABLE person,,\n", 2, "';' is not allowed");
	expect_problem(HEADER "text,a,A,A,,,,sqlite_version() = 'x',,\n", 2, "unknown function");
	expect_problem(HEADER "text,a,A,A,,,,\"${a} = 'x'') OR 1=1 OR (''\",,\n", 2, "relevant of a");
}

static void unknown_columns_are_warnings(void)
{
	open_db();
	gn_form_problems p;
	const char *dir = make_form("warn", "type,name,label::vi,media::image,my_notes\ntext,a,A,a.png,x\n", NULL);
	gn_form *form = load(dir, &p);
	CHECK(form != NULL);
	CHECK_EQ_INT(p.errors, 0);
	CHECK(p.n >= 1 && p.items[0].warning && strstr(p.items[0].msg, "my_notes"));
	CHECK_STR(p.items[0].cell, "survey!E1");
	gn_form_free(form);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

static void the_census_form_loads(void)
{
	open_db();
	gn_form_problems p;
	char dir[512];
	snprintf(dir, sizeof dir, "%s/census", gn_forms_dir((char[512]){ 0 }, 512));
	gn_form *form = load(dir, &p);
	for (size_t i = 0; i < p.n; i++)
		fprintf(stderr, "  %s:%d: %s\n", p.items[i].file, p.items[i].line, p.items[i].msg);
	REQUIRE(form);
	CHECK_EQ_INT(p.errors, 0);
	CHECK_STR(form->repeat_name, "members");
	static const char *const names[] = { "house_no", "alley", "street", "visit_status", "visit_date",
		"visited_by", "phone", "poor_household", "full_name", "birth_year", "sex", "relation", "cccd", "group",
		"smartphone", "vneid_level", "bank_account", "online_services", "cashless", "digital_safety",
		"course_done", "vneid_confirmed", "needs_help", "disability", "notes", NULL };
	for (int i = 0; names[i]; i++) {
		int k = gn_form_find(form, names[i]);
		CHECK(k >= 0);
		if (k >= 0)
			CHECK_EQ_INT(form->fields[k].level, i < 8 ? 0 : 1);
	}
	gn_cov_set set = { 0 };
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_form_indicators(form, &set, &p, &err), GN_OK);
	CHECK(gn_cov_find(&set, "c_basic_skills") >= 0);
	CHECK(gn_cov_find(&set, "adults") >= 0 && set.defs[gn_cov_find(&set, "adults")].hidden);
	double t;
	int bank = gn_cov_find(&set, "bank_account");
	CHECK(bank >= 0 && !gn_cov_target(&set.defs[bank], 2026, &t));
	CHECK(gn_cov_target(&set.defs[gn_cov_find(&set, "c_basic_skills")], 2026, &t) && t == 100);
	CHECK_EQ_INT(gn_cov_sync(db, &set, &err), GN_OK);
	gn_cov_free(&set);
	gn_form_free(form);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

/* pyxform's own "widgets" sample (tests/forms/pyxform-widgets/README.md):
 * every type and column spelling in it is read; what is left is the one
 * real fault of this copy, a reference to a question it does not have. */
static void a_public_sample_form_names_what_gonha_lacks(void)
{
	open_db();
	gn_form_problems p;
	gn_form *form = load("tests/forms/pyxform-widgets", &p);
	CHECK_EQ_INT(p.errors, 1);
	for (size_t i = 0; i < p.n; i++) {
		if (p.items[i].warning)
			continue;
		CHECK_EQ_INT(p.items[i].line, 10);
		CHECK_STR(p.items[i].cell, "survey!I10");
		CHECK(strstr(p.items[i].msg, "${branch} is not a question of this form") != NULL);
	}
	CHECK(form == NULL); /* a form with errors is refused whole */
	gn_form_free(form);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

static const char *answers_of(const char *id)
{
	static char buf[512];
	sqlite3_stmt *st = NULL;
	buf[0] = '\0';
	sqlite3_prepare_v2(db, "SELECT answers FROM person WHERE id = ?1", -1, &st, NULL);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

/* A new version adds a question, drops one and renames one: every stored
 * answer is still there, under its new name for the renamed one. */
static void answers_survive_a_form_change(void)
{
	open_db();
	gn_err err = { 0 };
	CHECK_OK(gn_db_exec(db,
		"INSERT INTO tdp VALUES ('t','01','T','t',1,1,0,'x','a','x','a',NULL);"
		"INSERT INTO household(id, tdp_id, walk_order, created_at, created_by, updated_at, updated_by) VALUES ('h','t',1,'x','a','x','a');"
		"INSERT INTO person(id, household_id, tdp_id, full_name, name_key, answers, created_at, created_by, updated_at, updated_by) VALUES"
		" ('p1','h','t','A','a','{\"mobile\":\"0912345678\",\"old_q\":\"kept\"}','x','a','x','a'),"
		" ('p2','h','t','B','b','{\"mobile\":\"0987654321\",\"phone\":\"already\"}','x','a','x','a');", &err));
	gn_form_problems p;
	const char *dir = make_form("v2", HEADER
		"begin_repeat,members,Người,People,,,,,,\n"
		"text,full_name,Tên,Name,,,,,,\n"
		"text,phone,Điện thoại,Phone,,,,,,\n"
		"text,new_q,Mới,New,,,,,,\n"
		"end_repeat,,,,,,,,,\n", NULL);
	gn_test_write_file(dir, "settings.csv", "form_id,version,default_language\ncensus,2,vi\n");
	gn_test_write_file(dir, "renames.csv", "version,level,old_name,new_name\n2,person,mobile,phone\n");
	gn_form *form = load(dir, &p);
	REQUIRE(form);
	CHECK_OK(gn_form_migrate_answers(db, form, &p, &err));
	CHECK_STR(answers_of("p1"), "{\"old_q\":\"kept\",\"phone\":\"0912345678\"}");
	/* never over an answer already under the new name */
	CHECK_STR(answers_of("p2"), "{\"mobile\":\"0987654321\",\"phone\":\"already\"}");
	/* applied once: running again changes nothing */
	CHECK_OK(gn_db_exec(db, "UPDATE person SET answers = json_set(answers, '$.mobile', 'later') WHERE id = 'p1'", &err));
	CHECK_OK(gn_form_migrate_answers(db, form, &p, &err));
	CHECK_STR(answers_of("p1"), "{\"old_q\":\"kept\",\"phone\":\"0912345678\",\"mobile\":\"later\"}");
	gn_form_free(form);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

/* What a person lacks comes from the parts of the XLSForm condition, not
 * from the SQL it became: "and" inside a string, a function or
 * parentheses is not a cut; parentheses around the whole are dropped. */
static void conjuncts_say_what_is_lacking(void)
{
	char **parts = NULL;
	size_t n = 0;
	gn_err err = { 0 };
	CHECK_OK(gn_form_conjuncts("(${a} = 'x and y' and (${b} or ${c}) and selected(${d}, 'e'))", &parts, &n, &err));
	REQUIRE(n == 3);
	CHECK_STR(parts[0], "${a} = 'x and y'");
	CHECK_STR(parts[1], "(${b} or ${c})");
	CHECK_STR(parts[2], "selected(${d}, 'e')");
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
	CHECK_OK(gn_form_conjuncts("(${a}) or (${b})", &parts, &n, &err));
	CHECK_EQ_INT(n, 1);
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
	/* the shipped census: indicator c names what each part reads */
	open_db();
	char dir[600];
	snprintf(dir, sizeof dir, "%s/census", gn_forms_dir((char[512]){ 0 }, 512));
	gn_form *form = NULL;
	gn_form_problems problems = { 0 };
	REQUIRE(gn_form_load(dir, db, &form, &problems, &err) == GN_OK);
	gn_cov_set set = { 0 };
	REQUIRE(gn_form_indicators(form, &set, &problems, &err) == GN_OK);
	int c = gn_cov_find(&set, "c_basic_skills");
	REQUIRE(c >= 0);
	char *lacks = gn_cov_lacks_sql(&set.defs[c]);
	CHECK(lacks && strstr(lacks, "'smartphone;'") && strstr(lacks, "'digital_safety;'") &&
	      strstr(lacks, "'online_services/cashless;'"));
	free(lacks);
	gn_cov_free(&set);
	gn_form_free(form);
	gn_form_problems_free(&problems);
	gn_db_close(db);
}

/* An answer read as a person row reads it is found again in SQL (the bulk
 * import binds it instead), a quoted name too; the same text inside a
 * string literal or a quoted identifier is not a read. */
static void answer_reads_are_found_in_sql(void)
{
	gn_strbuf sql = { 0 };
	gn_sb_add(&sql, "coalesce((");
	gn_form_answer_sql(&sql, "smartphone");
	gn_sb_add(&sql, " = 'it''s json_extract(answers, ''$.x'')'), 0) AND \"json_extract(answers, '$.y')\" OR ");
	gn_form_answer_sql(&sql, "old.name-2");
	CHECK(!sql.failed);
	const char *p = gn_sb_str(&sql), *hit;
	size_t len;
	char name[64], seen[256] = "";
	while ((hit = gn_form_answer_ref(p, &len, name, sizeof name)) != NULL) {
		snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "[%s:%.*s]", name, (int)len, hit);
		p = hit + len;
	}
	CHECK_STR(seen, "[smartphone:json_extract(answers, '$.smartphone')]"
	                "[old.name-2:json_extract(answers, '$.\"old.name-2\"')]");
	char small[4]; /* a name longer than the room: left as it is, read from the JSON */
	CHECK(gn_form_answer_ref(gn_sb_str(&sql), &len, small, sizeof small) == NULL);
	gn_sb_free(&sql);
	CHECK(gn_form_answer_ref("json_extract(answers, '$.a", &len, name, sizeof name) == NULL);
	CHECK(gn_form_answer_ref("'unclosed json_extract(answers, '$.a')", &len, name, sizeof name) == NULL);
}

GN_TESTS(T(answer_reads_are_found_in_sql), T(conjuncts_say_what_is_lacking), T(answers_survive_a_form_change), T(every_function_runs_in_sqlite), T(relevant_required_constraint), T(each_problem_is_named_with_its_line),
         T(expressions_cannot_reach_the_database), T(unknown_columns_are_warnings), T(the_census_form_loads),
         T(a_public_sample_form_names_what_gonha_lacks))
