/* XLSForm conformance: gonha reads forms as pyxform (the converter ODK and
 * KoboToolbox use) reads them, and runs their expressions with ODK's
 * semantics. The real forms and pyxform's corpus are read from ../shared
 * (GONHA_SHARED overrides): CI has them, and a machine without them fails
 * these tests rather than skipping them. */
#include "testlib.h"
#include "gonha/storage/db.h"
#include "gonha/forms/form.h"

#include "gonha/interchange/xlsx.h"

#include <csv.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <xlsxwriter.h>
#include <sys/wait.h>
#include <time.h>

static sqlite3 *db;

static void open_db(void)
{
	gn_err err = { 0 };
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	setenv("TZ", "ICT-7", 1); /* Hà Nội, UTC+7, written so that no zone file is needed */
	tzset();
	if (gn_db_open_memory(&db, &err) != GN_OK)
		exit(2);
}

static const char *make_form(const char *name, const char *survey, const char *choices, const char *settings)
{
	static char dir[512];
	snprintf(dir, sizeof dir, "%s/%s", gn_test_tmpdir(), name);
	mkdir(dir, 0700);
	gn_test_write_file(dir, "survey.csv", survey);
	if (choices)
		gn_test_write_file(dir, "choices.csv", choices);
	if (settings)
		gn_test_write_file(dir, "settings.csv", settings);
	return dir;
}

static gn_form *load(const char *dir, gn_form_problems *p)
{
	gn_form *form = NULL;
	gn_err err = { 0 };
	memset(p, 0, sizeof *p);
	gn_form_load(dir, db, &form, p, &err);
	return form;
}

static void print_problems(const gn_form_problems *p)
{
	for (size_t i = 0; i < p->n; i++)
		fprintf(stderr, "    %s:%d (%s): %s%s\n", p->items[i].file, p->items[i].line, p->items[i].cell,
		        p->items[i].warning ? "warning: " : "", p->items[i].msg);
}

/* An error whose message holds `want` (and, when cell is given, at that cell). */
static bool has_error(const gn_form_problems *p, const char *want, const char *cell)
{
	for (size_t i = 0; i < p->n; i++)
		if (!p->items[i].warning && strstr(p->items[i].msg, want) && (!cell || strcmp(p->items[i].cell, cell) == 0))
			return true;
	return false;
}

/* Evaluates an expression in parameter mode: vals[i] is field i's value,
 * bound as a number when it is one, else as text; position is ?(n+1). */
static char *eval(gn_form *form, const char *expr, int self, const char *const *vals)
{
	char *sql = NULL, *out = NULL;
	gn_err err = { 0 };
	if (gn_form_translate(form, expr, self, NULL, NULL, &sql, &err) != GN_OK)
		return strdup("(error)");
	char *full = sqlite3_mprintf("SELECT %s", sql);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, full, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "  prepare %s -> %s: %s\n", expr, sql, sqlite3_errmsg(db));
		out = strdup("(error)");
	} else {
		for (int p = 1; p <= sqlite3_bind_parameter_count(st); p++) {
			size_t i = (size_t)p - 1;
			if (i == form->n_fields && form->position)
				sqlite3_bind_int(st, p, form->position);
			if (i >= form->n_fields || !vals[i] || !*vals[i])
				continue;
			char *end;
			long long n = strtoll(vals[i], &end, 10);
			if (!*end && (form->fields[i].type == GN_FT_INTEGER || form->fields[i].type == GN_FT_DECIMAL))
				sqlite3_bind_int64(st, p, n);
			else
				sqlite3_bind_text(st, p, vals[i], -1, SQLITE_STATIC);
		}
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			out = strdup(sqlite3_column_type(st, 0) == SQLITE_NULL ? "NULL" : (const char *)sqlite3_column_text(st, 0));
		else
			out = strdup("(error)");
	}
	sqlite3_finalize(st);
	sqlite3_free(full);
	free(sql);
	return out;
}

typedef struct expr_case {
	const char *expr, *want;
} expr_case;

static void check_cases(gn_form *form, const expr_case *cases, size_t n, const char *const *vals)
{
	for (size_t i = 0; i < n; i++) {
		char *got = eval(form, cases[i].expr, -1, vals);
		if (strcmp(got, cases[i].want) != 0) {
			fprintf(stderr, "  %s = %s, expected %s\n", cases[i].expr, got, cases[i].want);
			gn_test_failed = 1;
		}
		free(got);
	}
}

#define SURVEY "type,name,label\n"

/* ---- reading XLSForm as pyxform reads it ---------------------------------- */

static void spellings_pyxform_accepts(void)
{
	open_db();
	gn_form_problems p;
	/* no form_id in the settings: the form is named after its folder */
	const char *dir = make_form("my_survey",
		"type,name,label::English (en),label::Tiếng Việt (vi),bind:relevant,bind::constraint,required,"
		"constraint message::English (en),control::appearance,repeat_count,hint:English\n"
		"start,start,,,,,,,,,\n"
		"end,end,,,,,,,,,\n"
		"today,today,,,,,,,,,\n"
		"username,username,,,,,,,,,\n"
		"deviceid,deviceid,,,,,,,,,\n"
		"integer,n,How many?,Bao nhiêu?,,. < 20,True,Under 20,,,\n"
		"begin repeat,member,Member,Thành viên,,,,,,${n},\n"
		"text,name,Name,Tên,,,true,,,,\n"
		"select_one yn,works,Works?,Đi làm?,\u2018x\u2019 = \u2018x\u2019,,FALSE,,minimal,,\n"
		"end repeat,,,,,,,,,,\n"
		"begin group,head,Head,Chủ hộ,,,,,,,\n"
		"text,name,Name,Tên,,,1,,,,\n"
		"text,note_text,,,,,no,,,,only a hint\n"
		"end group,,,,,,,,,,\n",
		"list name,name,label::English (en),label::Tiếng Việt (vi)\nyn,yes,Yes,Có\nyn,no,No,Không\n",
		"form_title,version\nMy survey,3\n");
	gn_form *form = load(dir, &p);
	if (!form)
		print_problems(&p);
	REQUIRE(form);
	CHECK_EQ_INT(p.errors, 0);
	for (size_t i = 0; i < p.n; i++)
		CHECK(!strstr(p.items[i].msg, "is not used by gonha")); /* no column dropped */
	CHECK_STR(form->id, "my_survey");
	CHECK_STR(form->version, "3");
	int n = gn_form_find(form, "n");
	REQUIRE(n >= 0);
	CHECK_STR(form->fields[n].label_en, "How many?");
	CHECK_STR(form->fields[n].label_vi, "Bao nhiêu?");
	CHECK_STR(form->fields[n].constraint_src, ". < 20");
	CHECK_STR(form->fields[n].constraint_msg_en, "Under 20");
	CHECK(form->fields[n].required_always); /* True */
	int member = gn_form_find(form, "member");
	REQUIRE(member >= 0);
	CHECK_EQ_INT(form->fields[member].type, GN_FT_BEGIN_REPEAT);
	CHECK_STR(form->fields[member].repeat_count_src, "${n}");
	CHECK(form->fields[member].repeat_count != NULL);
	int works = gn_form_find(form, "works");
	REQUIRE(works >= 0);
	CHECK_STR(form->fields[works].relevant_src, "'x' = 'x'"); /* curly quotes straightened */
	CHECK(!form->fields[works].required_always && !form->fields[works].required); /* FALSE */
	CHECK_EQ_INT(form->fields[works].level, 1);
	CHECK_STR(gn_choice_find(form->fields[works].list, "yes")->label_en, "Yes");
	/* "name" in the repeat and in the group: two parents, both allowed */
	int names = 0;
	for (size_t i = 0; i < form->n_fields; i++)
		names += form->fields[i].name && strcmp(form->fields[i].name, "name") == 0;
	CHECK_EQ_INT(names, 2);
	int head_name = -1;
	for (size_t i = 0; i < form->n_fields; i++)
		if (form->fields[i].name && strcmp(form->fields[i].name, "name") == 0)
			head_name = (int)i;
	REQUIRE(head_name >= 0);
	CHECK(form->fields[head_name].required != NULL); /* required = 1 is an expression, compiled */
	CHECK_EQ_INT(form->fields[gn_form_find(form, "start")].type, GN_FT_META);
	CHECK_STR(form->fields[gn_form_find(form, "deviceid")].xls_type, "deviceid");
	CHECK_STR(form->fields[gn_form_find(form, "note_text")].hint_en, "only a hint");
	gn_form_free(form);
	gn_form_problems_free(&p);
	/* calculations compile with no table in reach, and run */
	form = load(make_form("calc", "type,name,label,calculation\ncalculate,id,,uuid()\ncalculate,born,,date(20000)\n"
	                              "calculate,at,,now()\ncalculate,first,,\"substr(${at}, 0, 4)\"\n", NULL, NULL), &p);
	if (!form)
		print_problems(&p);
	REQUIRE(form);
	const char *none[4] = { NULL, NULL, NULL, NULL };
	char *id = gn_form_calculate(form, 0, none), *born = gn_form_calculate(form, 1, none);
	char *first = gn_form_calculate(form, 3, none);
	CHECK(id && strlen(id) == 32);
	CHECK_STR(born, "2024-10-04");
	CHECK_STR(first, "2026");
	free(id);
	free(born);
	free(first);
	gn_form_free(form);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

static void what_pyxform_refuses_is_refused(void)
{
	open_db();
	gn_form_problems p;
	gn_form *form;
	/* twice in one group: survey!B4, pyxform's "[row : 4]" */
	form = load(make_form("dup", SURVEY "begin group,g,G\ntext,a,A\ntext,a,A again\nend group,,\n", NULL, NULL), &p);
	CHECK(form == NULL);
	CHECK(has_error(&p, "the name a is used twice in the same group", "survey!B4"));
	gn_form_problems_free(&p);
	/* a reference to a name two questions have */
	form = load(make_form("ambiguous", SURVEY "begin repeat,r1,R\ntext,a,A\nend repeat,,\nbegin repeat,r2,R\n"
	                                          "text,a,A\nend repeat,,\nnote,n,${a}\n"
	                                          "integer,b,B\n", NULL, NULL), &p);
	CHECK(form != NULL); /* in a label: not compiled */
	gn_form_free(form);
	gn_form_problems_free(&p);
	/* a label naming no question */
	form = load(make_form("label_ref", SURVEY "text,a,A\nnote,n,You said ${b}\n", NULL, NULL), &p);
	CHECK(form == NULL);
	CHECK(has_error(&p, "n: ${b} is not a question of this form", "survey!3:3"));
	gn_form_problems_free(&p);
	form = load(make_form("ambiguous2", "type,name,label,relevant\nbegin repeat,r1,R,\ntext,a,A,\nend repeat,,,\n"
	                                    "begin repeat,r2,R,\ntext,a,A,\nend repeat,,,\ninteger,b,B,${a} = 'x'\n",
	                      NULL, NULL), &p);
	CHECK(form == NULL);
	CHECK(has_error(&p, "two questions have this name", "survey!D8"));
	gn_form_problems_free(&p);
	/* two names of one column */
	form = load(make_form("twice", "type,name,label,relevant,relevance\ntext,a,A,,\n", NULL, NULL), &p);
	CHECK(form == NULL);
	CHECK(has_error(&p, "relevant and relevance are two names of the same column", "survey!E1"));
	gn_form_problems_free(&p);
	/* a type written as no tool writes it */
	form = load(make_form("type", SURVEY "Select one from yn,a,A\n", "list_name,name,label\nyn,yes,Yes\n", NULL), &p);
	CHECK(form == NULL);
	CHECK(has_error(&p, "unknown type Select one from yn", "survey!A2"));
	gn_form_problems_free(&p);
	/* a choice twice in a list, unless the settings allow it */
	form = load(make_form("choice_dup", SURVEY "select_one yn,a,A\n", "list_name,name,label\nyn,yes,Yes\nyn,yes,Oui\n",
	                      NULL), &p);
	CHECK(form == NULL);
	CHECK(has_error(&p, "choice yes appears twice in list yn", "choices!B3"));
	gn_form_problems_free(&p);
	form = load(make_form("choice_dup_ok", SURVEY "select_one yn,a,A\n", "list_name,name,label\nyn,yes,Yes\nyn,yes,Oui\n",
	                      "form_id,allow_choice_duplicates\nx,yes\n"), &p);
	CHECK(form != NULL);
	gn_form_free(form);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

/* choice_filter in its usual form, compiled over each choice's columns. */
static void choice_filter_is_compiled(void)
{
	open_db();
	gn_form_problems p;
	gn_form *form = load(make_form("cascade", "type,name,label,choice_filter\n"
	                                          "select_one province,province,Province,\n"
	                                          "select_one district,district,District,province=${province}\n",
	                               "list_name,name,label,province\nprovince,hn,Hà Nội,\nprovince,hcm,TP HCM,\n"
	                               "district,bd,Ba Đình,hn\ndistrict,q1,Quận 1,hcm\ndistrict,hk,Hoàn Kiếm,hn\n",
	                               NULL), &p);
	if (!form)
		print_problems(&p);
	REQUIRE(form);
	int d = gn_form_find(form, "district");
	REQUIRE(d >= 0 && form->fields[d].filter);
	int col = -1;
	for (size_t k = 0; k < form->n_choice_cols; k++)
		if (strcmp(form->choice_cols[k], "province") == 0)
			col = (int)k;
	REQUIRE(col >= 0);
	sqlite3_stmt *st = form->fields[d].filter;
	const gn_choice_list *list = form->fields[d].list;
	char shown[64] = "";
	for (size_t k = 0; k < list->n; k++) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		sqlite3_bind_text(st, 1, "hn", -1, SQLITE_STATIC); /* ${province} */
		sqlite3_bind_text(st, (int)form->n_fields + 2 + col, list->items[k].extra[col], -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0))
			snprintf(shown + strlen(shown), sizeof shown - strlen(shown), "%s ", list->items[k].name);
	}
	sqlite3_reset(st);
	CHECK_STR(shown, "bd hk ");
	gn_form_free(form);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

/* ---- ODK's semantics for expressions -------------------------------------- */

static void xpath_comparison_and_conversion(void)
{
	open_db();
	gn_form_problems p;
	gn_form *form = load(make_form("cmp", SURVEY "select_one rel,rel,Relation\ninteger,age,Age\ntext,t,T\n",
	                               "list_name,name,label\nrel,1,Head\nrel,3,Child\nrel,10,Other\n", NULL), &p);
	REQUIRE(form);
	const char *vals[3] = { "10", NULL, "" };
	static const expr_case cases[] = {
		/* XPath 1.0, 3.4: < > on numbers; = on numbers when one side is one */
		{ "'3' > 6", "0" }, { "'1' = 1", "1" }, { "'10' < '9'", "0" }, { "'10' > '9'", "1" },
		{ "${rel} = 1 or ${rel} > 6", "1" }, { "${rel} = '10'", "1" }, { "${rel} > 9", "1" },
		{ "'2.0' = 2", "1" }, { "'2.0' = '2'", "0" }, { "2 != '2'", "0" }, { "'abc' = 0", "0" },
		{ "'abc' != 0", "1" }, { "'' = 0", "0" },
		/* with a boolean, both sides are booleans */
		{ "1 = true()", "1" }, { "'a' = true()", "1" }, { "'' = false()", "1" }, { "2 = true()", "1" },
		/* number(): decimals with spaces around; no exponent, no thousands */
		{ "number(' 12 ')", "12" }, { "number('-1.5')", "-1.5" }, { "number('1e3')", "NULL" },
		{ "number('1,000')", "NULL" }, { "'2' + '3'", "5" }, { "'7' div 2", "3.5" }, { "-'4'", "-4" },
		/* an empty number cannot be compared: "cannot say", not true */
		{ "${age} > 6", "NULL" }, { "${age} = 1", "NULL" },
		/* an empty text is '' */
		{ "${t} = ''", "1" }, { "string-length(${t})", "0" },
		/* dates compare as days */
		{ "'2026-11-01' < '2026-11-20'", "1" }, { "today() > '2026-11-19'", "1" },
		{ "decimal-date-time('1970-01-02')", "1" },
		{ "boolean('')", "0" }, { "boolean('false')", "1" }, { "boolean-from-string('true')", "1" },
		{ "not('')", "1" }, { "'a' and 1", "1" },
	};
	check_cases(form, cases, sizeof cases / sizeof *cases, vals);
	vals[0] = "3";
	static const expr_case rel3[] = { { "${rel} = 1 or ${rel} > 6", "0" } };
	check_cases(form, rel3, 1, vals);
	gn_form_free(form);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

static void regex_substr_dates(void)
{
	open_db();
	gn_form_problems p;
	gn_form *form = load(make_form("fns", SURVEY "text,t,T\n", NULL, NULL), &p);
	REQUIRE(form);
	const char *vals[1] = { NULL };
	static const expr_case cases[] = {
		/* regex(): PCRE2, found anywhere unless anchored (as ODK Collect) */
		{ "regex('0912345678', '^\\d{10}$')", "1" }, { "regex('dddddddddd', '^\\d{10}$')", "0" },
		{ "regex('abc', 'b')", "1" }, { "regex('abc', '^b')", "0" },
		{ "regex('Nguyễn Văn An', '^[\\p{L} ]+$')", "1" }, { "regex('Nguyễn', '^.{6}$')", "1" },
		{ "regex('Nguye\xcc\x82\xcc\x83n', '^Nguyễn$')", "1" }, /* typed NFD, matched as NFC */
		{ "regex('x', '(')", "(error)" },
		/* substr(): 0-based start, end index (exclusive), in characters */
		{ "substr('Test', 1, 2)", "e" }, { "substr('Test', 0)", "Test" }, { "substr('Test', 2, 10)", "st" },
		{ "substr('Test', 3, 1)", "" }, { "substr('Vạn Xuân', 1, 3)", "ạn" },
		/* now(): the date and the time, local with its offset */
		{ "now()", "2026-11-20T16:00:00.000+07:00" }, { "today()", "2026-11-20" },
		{ "format-date('2026-03-05', '%e/%n/%Y %d.%m.%y %b %a')", "5/3/2026 05.03.26 Mar Thu" },
		{ "format-date('2026-11-20T16:05:09', '%H:%M:%S %h')", "16:05:09 16" },
		{ "format-date('not a date', '%Y')", "" },
		{ "format-date(now(), '%Y-%m-%d %H')", "2026-11-20 16" },
		{ "contains('Vạn Xuân', 'Xu')", "1" }, { "starts-with('Vạn', 'V')", "1" }, { "ends-with('Vạn', 'x')", "0" },
		{ "normalize-space('  a   b ')", "a b" }, { "selected-at('a b c', 1)", "b" },
		{ "max(1, '5', 3)", "5" }, { "min(2, 1)", "1" }, { "abs(-2)", "2" }, { "pow(2, 3)", "8.0" },
		{ "floor(2.7)", "2.0" }, { "ceiling(2.1)", "3.0" }, { "round(2.567, 2)", "2.57" }, { "int('7.9')", "7" },
		{ "once('x')", "x" }, { "pulldata('f', 'c', 'k', 'v')", "NULL" },
	};
	check_cases(form, cases, sizeof cases / sizeof *cases, vals);
	gn_form_free(form);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

/* A question inside a repeat, read from outside it, is bound as a JSON
 * array of the entries' values; the repeat itself as an array of entries. */
static void repeat_functions(void)
{
	open_db();
	gn_form_problems p;
	gn_form *form = load(make_form("rep", SURVEY "begin repeat,kids,Kids\ninteger,age,Age\n"
	                                           "select_one sex,sex,Sex\nend repeat,,\ninteger,x,X\n",
	                               "list_name,name,label\nsex,m,Male\nsex,f,Female\n", NULL), &p);
	if (!form)
		print_problems(&p);
	REQUIRE(form);
	const char *vals[5] = { "[{},{},{}]", "[4,7,\"\"]", "f", NULL, "2" };
	static const expr_case cases[] = {
		{ "count(${kids})", "3" }, { "sum(${age})", "NULL" }, { "count-non-empty(${age})", "2" },
		{ "indexed-repeat(${age}, ${kids}, 2)", "7" }, { "jr:choice-name(${sex}, '${sex}')", "Female" },
		{ "count(${x})", "1" }, { "sum(${x})", "2.0" },
	};
	check_cases(form, cases, sizeof cases / sizeof *cases, vals);
	vals[1] = "[4,7,10]";
	static const expr_case full[] = { { "sum(${age})", "21.0" }, { "max(${age})", "10.0" }, { "min(${age})", "4.0" } };
	check_cases(form, full, sizeof full / sizeof *full, vals);
	form->position = 2;
	static const expr_case pos[] = { { "position(..)", "2" }, { "position(..) = 2", "1" } };
	check_cases(form, pos, 2, vals);
	gn_form_free(form);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

/* ---- the real forms and pyxform's corpus --------------------------------- */

static int run_form_check(const char *dir)
{
	const char *bin = getenv("GONHA_BIN");
	if (!bin)
		return -1;
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "'%s' --lang en form check '%s' >/dev/null 2>&1", bin, dir);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* The forms in ../shared/real-forms and real-forms-fixed, as pyxform 4.5
 * judged them (their SOURCE.txt). */
static void the_real_forms_agree_with_pyxform(void)
{
	static const struct { const char *dir; const char *refused_for, *cell; } forms[] = {
		{ "real-forms/ona-household", NULL, NULL },
		{ "real-forms/pyxform-tutorial", NULL, NULL },
		{ "real-forms/pyxform-ucl-biomass", NULL, NULL },
		{ "real-forms-fixed/ona-mch-v1", NULL, NULL },
		/* pyxform: "[row : 62] ... HandWashHabits1 ... must be unique within their nearest parent group" */
		{ "real-forms/ceat-nairobi-2021", "the name HandWashHabits1 is used twice in the same group", "survey!B62" },
		{ "real-forms/ceat-abidjan-2022", "the name HandWashHabits1 is used twice in the same group", "survey!B62" },
		/* pyxform: "[row : 71] On the choices sheet ... Choice names must be unique"; also SurveyCTO's caseid */
		{ "real-forms/ipa-household-survey", "choice 21 appears twice in list relation", "choices!B71" },
		{ "real-forms/ona-mch-v1", "unknown type Select one from source", "survey!A17" },
	};
	static const char *const logic[] = { "relevant", "constraint", "required", "calculation", "choice_filter",
		                                 "repeat_count", NULL };
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		char dir[1024];
		snprintf(dir, sizeof dir, "%s/%s", gn_test_shared(), forms[i].dir);
		struct stat sb;
		if (stat(dir, &sb) != 0) {
			fprintf(stderr, "  %s is missing: the real forms are needed (GONHA_SHARED)\n", dir);
			gn_test_failed = 1;
			continue;
		}
		open_db();
		gn_form_problems p;
		gn_form *form = load(dir, &p);
		if (!forms[i].refused_for) {
			if (!form) {
				fprintf(stderr, "  %s does not load:\n", dir);
				print_problems(&p);
			}
			CHECK(form != NULL);
			for (size_t k = 0; k < p.n; k++)
				for (int l = 0; logic[l]; l++)
					if (strstr(p.items[k].msg, "is not used by gonha") && strstr(p.items[k].msg, logic[l])) {
						fprintf(stderr, "  %s: a logic column is dropped: %s\n", dir, p.items[k].msg);
						gn_test_failed = 1;
					}
			CHECK_EQ_INT(run_form_check(dir), 0);
		} else {
			CHECK(form == NULL);
			if (!has_error(&p, forms[i].refused_for, forms[i].cell)) {
				fprintf(stderr, "  %s: expected \"%s\" at %s; got:\n", dir, forms[i].refused_for, forms[i].cell);
				print_problems(&p);
				gn_test_failed = 1;
			}
			CHECK_EQ_INT(run_form_check(dir), 2);
		}
		/* the forms' own logic is there */
		if (form && strstr(dir, "pyxform-tutorial")) {
			int k = gn_form_find(form, "member");
			CHECK(k >= 0 && form->fields[k].type == GN_FT_BEGIN_REPEAT);
			bool relevant = false;
			for (size_t f = 0; f < form->n_fields; f++)
				relevant |= form->fields[f].relevant != NULL;
			CHECK(relevant); /* bind:relevant read */
		}
		if (form && strstr(dir, "pyxform-ucl-biomass")) {
			bool count = false, english = false;
			for (size_t f = 0; f < form->n_fields; f++) {
				count |= form->fields[f].repeat_count != NULL;
				english |= form->fields[f].label_en && *form->fields[f].label_en;
			}
			CHECK(count && english); /* repeat_count and label::English (en) read */
		}
		if (form && strstr(dir, "ona-household")) {
			CHECK_STR(form->id, "serious_survey"); /* id_string */
			int deepest = 0;
			for (size_t f = 0; f < form->n_fields; f++)
				deepest = form->fields[f].level > deepest ? form->fields[f].level : deepest;
			CHECK_EQ_INT(deepest, 2); /* child's name: in a repeat in a repeat */
		}
		gn_form_free(form);
		gn_form_problems_free(&p);
		gn_db_close(db);
	}
}

/* pyxform's own 56 example workbooks (../shared/pyxform-corpus, VERDICTS.tsv
 * from pyxform 4.5.0 with --skip_validate): the 8 it refuses are refused,
 * and of the 48 it accepts all load but those listed here, whose
 * expressions ODK Validate would refuse. */
static void the_pyxform_corpus_agrees(void)
{
	static const struct { const char *name, *why; } invalid[] = {
		/* calculation "because pyxform doesn't know what to do": prose, not XPath */
		{ "bad_calc_xlsx", "calculation of badcalc: because is not a function" },
		{ "bug_bad_calc_xlsx", "calculation of badcalc: because is not a function" },
	};
	char path[1024];
	snprintf(path, sizeof path, "%s/pyxform-corpus/VERDICTS.tsv", gn_test_shared());
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "  %s is missing: pyxform's corpus is needed (GONHA_SHARED)\n", path);
		gn_test_failed = 1;
		return;
	}
	char line[2048];
	int accepted = 0, loaded = 0, refused = 0, refused_ok = 0;
	bool header = true;
	while (fgets(line, sizeof line, f)) {
		if (header) {
			header = false;
			continue;
		}
		char *name = strtok(line, "\t\n"), *verdict = strtok(NULL, "\t\n");
		if (!name || !verdict)
			continue;
		char dir[1200];
		snprintf(dir, sizeof dir, "%s/pyxform-corpus/%s", gn_test_shared(), name);
		open_db();
		gn_form_problems p;
		gn_form *form = load(dir, &p);
		const char *why = NULL;
		for (size_t k = 0; k < sizeof invalid / sizeof *invalid; k++)
			if (strcmp(invalid[k].name, name) == 0)
				why = invalid[k].why;
		if (strcmp(verdict, "accept") == 0) {
			accepted++;
			loaded += form != NULL;
			if (why) {
				CHECK(form == NULL);
				CHECK(has_error(&p, why, NULL));
			} else if (!form) {
				fprintf(stderr, "  %s (pyxform accepts it) does not load:\n", name);
				print_problems(&p);
				gn_test_failed = 1;
			}
		} else {
			refused++;
			refused_ok += form == NULL;
			if (form) {
				fprintf(stderr, "  %s (pyxform refuses it) loads\n", name);
				gn_test_failed = 1;
			}
		}
		gn_form_free(form);
		gn_form_problems_free(&p);
		gn_db_close(db);
	}
	fclose(f);
	fprintf(stderr, "  pyxform corpus: %d of %d accepted forms load, %d of %d refused forms are refused\n", loaded,
	        accepted, refused_ok, refused);
	CHECK_EQ_INT(accepted, 48);
	CHECK_EQ_INT(refused, 8);
	CHECK_EQ_INT(loaded, 48 - (int)(sizeof invalid / sizeof *invalid));
	CHECK_EQ_INT(refused_ok, 8);
}

/* ---- scenarios: answers in, the forms' own logic out ------------------------ */

typedef struct scenario {
	gn_form *form;
	const char **vals;
} scenario;

static void set(scenario *sc, const char *name, const char *value)
{
	int i = gn_form_find(sc->form, name);
	if (i < 0) {
		fprintf(stderr, "  no question %s\n", name);
		gn_test_failed = 1;
		return;
	}
	sc->vals[i] = value;
}

static bool shown(scenario *sc, const char *name)
{
	int i = gn_form_find(sc->form, name);
	return i >= 0 && gn_form_relevant(sc->form, (size_t)i, sc->vals);
}

static gn_status check(scenario *sc, const char *name)
{
	gn_err err = { 0 };
	int i = gn_form_find(sc->form, name);
	return i < 0 ? GN_ERR_NOT_FOUND : gn_form_check_value(sc->form, (size_t)i, sc->vals, &err);
}

static bool open_scenario(scenario *sc, const char *form_dir, gn_form_problems *p)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/%s", gn_test_shared(), form_dir);
	open_db();
	sc->form = load(dir, p);
	if (!sc->form) {
		fprintf(stderr, "  %s does not load\n", dir);
		print_problems(p);
		gn_test_failed = 1;
		gn_form_problems_free(p);
		gn_db_close(db);
		return false;
	}
	sc->vals = calloc(sc->form->n_fields, sizeof *sc->vals);
	return sc->vals != NULL;
}

static void close_scenario(scenario *sc, gn_form_problems *p)
{
	free(sc->vals);
	gn_form_free(sc->form);
	gn_form_problems_free(p);
	gn_db_close(db);
}

/* pyxform's tutorial: the age asked in months under five, in years above
 * (bind:relevant), bounded (bind:constraint); literacy and pregnancy
 * asked of women 15 to 49. */
static void the_tutorial_form_in_use(void)
{
	scenario sc;
	gn_form_problems p;
	if (!open_scenario(&sc, "real-forms/pyxform-tutorial", &p))
		return;
	set(&sc, "older_than_five", "no");
	CHECK(shown(&sc, "age_in_months"));
	CHECK(!shown(&sc, "age_in_years"));
	set(&sc, "age_in_months", "80");
	CHECK_EQ_INT(check(&sc, "age_in_months"), GN_ERR_INVALID); /* . <= 72 */
	set(&sc, "age_in_months", "60");
	CHECK_EQ_INT(check(&sc, "age_in_months"), GN_OK);
	set(&sc, "older_than_five", "yes");
	CHECK(!shown(&sc, "age_in_months"));
	CHECK(shown(&sc, "age_in_years"));
	set(&sc, "age_in_years", "4");
	CHECK_EQ_INT(check(&sc, "age_in_years"), GN_ERR_INVALID); /* . >= 5 */
	set(&sc, "age_in_years", "30");
	CHECK_EQ_INT(check(&sc, "age_in_years"), GN_OK);
	set(&sc, "sex", "female");
	CHECK(shown(&sc, "literate") && shown(&sc, "pregnant"));
	set(&sc, "age_in_years", "50");
	CHECK(!shown(&sc, "literate") && !shown(&sc, "pregnant"));
	set(&sc, "age_in_years", "30");
	set(&sc, "sex", "male");
	CHECK(!shown(&sc, "literate"));
	set(&sc, "sex", "female");
	set(&sc, "literate", "maybe");
	CHECK_EQ_INT(check(&sc, "literate"), GN_ERR_INVALID); /* not one of yes_no */
	close_scenario(&sc, &p);
}

/* Ona's maternal and child health form: groups shown by the beneficiary
 * and the service, lab results only when a lab test was made. */
static void the_mch_form_in_use(void)
{
	scenario sc;
	gn_form_problems p;
	if (!open_scenario(&sc, "real-forms-fixed/ona-mch-v1", &p))
		return;
	set(&sc, "beneficiary", "1");
	CHECK(shown(&sc, "month"));
	CHECK(!shown(&sc, "cdob")); /* the child's group */
	set(&sc, "service", "1");
	CHECK(shown(&sc, "bp"));
	CHECK(!shown(&sc, "immunization"));
	set(&sc, "lab", "no");
	CHECK(!shown(&sc, "HPlevel"));
	set(&sc, "lab", "yes");
	CHECK(shown(&sc, "HPlevel") && shown(&sc, "source"));
	set(&sc, "service", "2");
	CHECK(!shown(&sc, "bp") && !shown(&sc, "HPlevel")); /* inside the anc group, hidden */
	CHECK(shown(&sc, "immunization"));
	set(&sc, "immunization", "2");
	CHECK(shown(&sc, "tt2dat") && !shown(&sc, "tt1date"));
	set(&sc, "tt2dat", "2026-02-30");
	CHECK_EQ_INT(check(&sc, "tt2dat"), GN_ERR_INVALID); /* not a real date */
	set(&sc, "beneficiary", "2");
	CHECK(!shown(&sc, "month") && shown(&sc, "cdob"));
	close_scenario(&sc, &p);
}

/* UCL's biomass plots: curly quotes in relevant, a phone number by
 * regex, the plot's radius calculated from the slope (sqrt, cos, atan),
 * each tree's distance within it, a required written as an expression. */
static void the_biomass_form_in_use(void)
{
	scenario sc;
	gn_form_problems p;
	if (!open_scenario(&sc, "real-forms/pyxform-ucl-biomass", &p))
		return;
	set(&sc, "leader_name", "other");
	CHECK(shown(&sc, "leader_name_other")); /* ${leader_name} = ‘other’ */
	CHECK_EQ_INT(check(&sc, "leader_name_other"), GN_ERR_INVALID); /* required, empty */
	set(&sc, "leader_number", "0712 345 6789");
	CHECK_EQ_INT(check(&sc, "leader_number"), GN_OK);
	set(&sc, "leader_number", "07a2");
	CHECK_EQ_INT(check(&sc, "leader_number"), GN_ERR_INVALID);
	set(&sc, "any_trees", "yes"); /* the trees repeat is asked */
	set(&sc, "slope", "100");
	char *radius = gn_form_calculate(sc.form, (size_t)gn_form_find(sc.form, "slope_radius"), sc.vals);
	CHECK_STR(radius, "17.84"); /* round(15 div sqrt(cos(atan(1))), 2) */
	free(radius);
	set(&sc, "slope", "0");
	set(&sc, "tree_distance", "16");
	CHECK_EQ_INT(check(&sc, "tree_distance"), GN_ERR_INVALID); /* . < ${slope_radius}, 15 */
	set(&sc, "tree_distance", "14.5");
	CHECK_EQ_INT(check(&sc, "tree_distance"), GN_OK);
	set(&sc, "cbh", "14"); /* beyond the inner radius: at least 15 */
	CHECK_EQ_INT(check(&sc, "cbh"), GN_ERR_INVALID);
	set(&sc, "cbh", "15");
	CHECK_EQ_INT(check(&sc, "cbh"), GN_OK);
	set(&sc, "tree_distance", "4");
	set(&sc, "cbh", "6");
	CHECK_EQ_INT(check(&sc, "cbh"), GN_OK); /* within it: 6 */
	set(&sc, "health_id", "dead");
	CHECK(shown(&sc, "decay_class"));
	CHECK_EQ_INT(check(&sc, "stem_height"), GN_ERR_INVALID); /* required = ${health_id}=‘dead’ */
	set(&sc, "health_id", "alive");
	CHECK(!shown(&sc, "decay_class"));
	CHECK_EQ_INT(check(&sc, "stem_height"), GN_OK);
	set(&sc, "any_trees", "no");
	CHECK(!shown(&sc, "tag")); /* the trees repeat is not relevant */
	set(&sc, "any_trees", "yes");
	CHECK(shown(&sc, "tag"));
	close_scenario(&sc, &p);
}

/* ---- the same forms as workbooks ------------------------------------------ */

static void the_real_forms_load_from_workbooks(void)
{
	static const struct { const char *dir, *name; int rc; const char *refused_for; } forms[] = {
		{ "real-forms/ona-household", "household", 0, NULL },
		{ "real-forms/pyxform-tutorial", "tutorial", 0, NULL },
		{ "real-forms/pyxform-ucl-biomass", "UCL_Biomass_Plot_Form", 0, NULL },
		{ "real-forms-fixed/ona-mch-v1", "MCH_v1", 0, NULL },
		{ "real-forms/ceat-nairobi-2021", "Nairobi_2021", 2, "HandWashHabits1 is used twice in the same group" },
	};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		char dir[1024];
		snprintf(dir, sizeof dir, "%s/%s", gn_test_shared(), forms[i].dir);
		struct stat sb;
		if (stat(dir, &sb) != 0) {
			fprintf(stderr, "  %s is missing: the real forms are needed (GONHA_SHARED)\n", dir);
			gn_test_failed = 1;
			continue;
		}
		const char *book = gn_test_workbook_of(dir, forms[i].name);
		open_db();
		gn_form_problems p = { 0 };
		gn_form *form = NULL;
		gn_err err = { 0 };
		gn_form_load_xlsx(book, db, &form, &p, &err);
		if (!forms[i].refused_for) {
			if (!form) {
				fprintf(stderr, "  %s does not load: %s\n", book, err.msg);
				print_problems(&p);
			}
			CHECK(form != NULL);
		} else {
			CHECK(form == NULL);
			CHECK(has_error(&p, forms[i].refused_for, "survey!B62"));
		}
		CHECK_EQ_INT(run_form_check(book), forms[i].rc);
		gn_form_free(form);
		gn_form_problems_free(&p);
		gn_db_close(db);
	}
}

/* Cells become text as pyxform makes them: TRUE/FALSE, 1 for 1.0, a date
 * by its number format, a formula's cached value, text trimmed. */
static void workbook_cells_as_pyxform_reads_them(void)
{
	char path[600];
	snprintf(path, sizeof path, "%s/cells.xlsx", gn_test_tmpdir());
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Survey"); /* pyxform: by the lower-cased name */
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	const char *head[] = { "type", "name", "label", "required", "default", "calculation" };
	for (int c = 0; c < 6; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], NULL);
	worksheet_write_string(ws, 1, 0, "integer", NULL);
	worksheet_write_string(ws, 1, 1, "  n  ", NULL);
	worksheet_write_string(ws, 1, 2, "N\xc2\xa0", NULL);
	worksheet_write_boolean(ws, 1, 3, 1, NULL);
	worksheet_write_number(ws, 1, 4, 1.0, NULL);
	worksheet_write_string(ws, 2, 0, "date", NULL);
	worksheet_write_string(ws, 2, 1, "d", NULL);
	worksheet_write_string(ws, 2, 2, "D", NULL);
	worksheet_write_boolean(ws, 2, 3, 0, NULL);
	worksheet_write_number(ws, 2, 4, 46081, date); /* 2026-02-28 */
	worksheet_write_string(ws, 3, 0, "calculate", NULL);
	worksheet_write_string(ws, 3, 1, "c", NULL);
	worksheet_write_formula_num(ws, 3, 5, "=1+1.5", NULL, 2.5);
	lxw_worksheet *settings = workbook_add_worksheet(wb, "settings");
	worksheet_write_string(settings, 0, 0, "version", NULL);
	worksheet_write_number(settings, 1, 0, 2026120201, NULL);
	workbook_close(wb);
	open_db();
	gn_form_problems p = { 0 };
	gn_form *form = NULL;
	gn_err err = { 0 };
	gn_form_load_xlsx(path, db, &form, &p, &err);
	if (!form) {
		fprintf(stderr, "  %s\n", err.msg);
		print_problems(&p);
	}
	REQUIRE(form);
	CHECK_STR(form->id, "cells"); /* the file's name, as pyxform */
	CHECK_STR(form->version, "2026120201");
	int n = gn_form_find(form, "n"), d = gn_form_find(form, "d"), c = gn_form_find(form, "c");
	REQUIRE(n >= 0 && d >= 0 && c >= 0);
	CHECK_STR(form->fields[n].label_vi, "N");
	CHECK(form->fields[n].required_always);  /* TRUE */
	CHECK(!form->fields[d].required_always); /* FALSE */
	CHECK_STR(form->fields[n].default_value, "1");
	CHECK_STR(form->fields[d].default_value, "2026-02-28 00:00:00");
	CHECK_STR(form->fields[c].calculation_src, "2.5");
	gn_form_free(form);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

/* An .xls (Excel 97-2003) workbook through FreeXL: tests/forms/xls (made
 * by LibreOffice from a workbook of gonha's own, see its README). */
static void an_xls_workbook_loads(void)
{
	open_db();
	gn_form_problems p = { 0 };
	gn_form *form = NULL;
	gn_err err = { 0 };
	gn_form_load_xls("tests/forms/xls/xls-form.xls", db, &form, &p, &err);
	if (!form) {
		fprintf(stderr, "  %s\n", err.msg);
		print_problems(&p);
	}
	REQUIRE(form);
	CHECK_STR(form->id, "xls-form");
	CHECK_STR(form->version, "7");
	int n = gn_form_find(form, "n"), d = gn_form_find(form, "d"), ok = gn_form_find(form, "ok");
	REQUIRE(n >= 0 && d >= 0 && ok >= 0);
	CHECK_STR(form->fields[n].label_en, "How many?");
	CHECK_STR(form->fields[n].label_vi, "Bao nhiêu?");
	/* a boolean cell (TRUE), which FreeXL gives as empty: read from the
	 * workbook's BIFF records, TRUE as pyxform (xlrd) makes it */
	CHECK(form->fields[n].required_always);
	CHECK_STR(form->fields[n].default_value, "2");
	CHECK_STR(form->fields[d].default_value, "2026-02-28 00:00:00");
	CHECK_STR(form->fields[ok].default_value, "1.5");
	CHECK(form->fields[d].relevant != NULL);
	CHECK(gn_choice_find(form->fields[ok].list, "1") && gn_choice_find(form->fields[ok].list, "0"));
	CHECK_EQ_INT(run_form_check("tests/forms/xls/xls-form.xls"), 0);
	gn_form_free(form);
	gn_form_problems_free(&p);
	/* a file that is no .xls */
	gn_test_write_file(gn_test_tmpdir(), "fake.xls", "type,name,label\n");
	char path[600];
	snprintf(path, sizeof path, "%s/fake.xls", gn_test_tmpdir());
	memset(&err, 0, sizeof err);
	CHECK_EQ_INT(gn_form_load_xls(path, db, &form, &p, &err), GN_ERR_INVALID);
	CHECK(form == NULL && err.msg[0]);
	CHECK_EQ_INT(run_form_check(path), 2);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

/* A file that is not a workbook, or a workbook with no survey sheet: one
 * clear line, never a half-loaded form. */
static void not_a_workbook_is_one_line(void)
{
	char path[600];
	snprintf(path, sizeof path, "%s/notes.xlsx", gn_test_tmpdir());
	gn_test_write_file(gn_test_tmpdir(), "notes.xlsx", "type,name,label\ntext,a,A\n");
	open_db();
	gn_form_problems p = { 0 };
	gn_form *form = NULL;
	gn_err err = { 0 };
	CHECK(gn_form_load_xlsx(path, db, &form, &p, &err) != GN_OK);
	CHECK(form == NULL && err.msg[0]);
	CHECK_EQ_INT(run_form_check(path), 2);
	gn_form_problems_free(&p);
	/* an encrypted workbook is an OLE file */
	snprintf(path, sizeof path, "%s/locked.xlsx", gn_test_tmpdir());
	gn_test_write_file(gn_test_tmpdir(), "locked.xlsx", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 and the rest");
	memset(&err, 0, sizeof err);
	CHECK_EQ_INT(gn_form_load_xlsx(path, db, &form, &p, &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "password-protected") != NULL);
	gn_form_problems_free(&p);
	snprintf(path, sizeof path, "%s/two.xlsx", gn_test_tmpdir());
	lxw_workbook *wb = workbook_new(path);
	worksheet_write_string(workbook_add_worksheet(wb, "Sheet1"), 0, 0, "type", NULL);
	worksheet_write_string(workbook_add_worksheet(wb, "Sheet2"), 0, 0, "type", NULL);
	workbook_close(wb);
	memset(&err, 0, sizeof err);
	CHECK_EQ_INT(gn_form_load_xlsx(path, db, &form, &p, &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "has no survey sheet") != NULL);
	CHECK(form == NULL);
	gn_form_problems_free(&p);
	gn_db_close(db);
}

GN_TESTS(T(spellings_pyxform_accepts), T(what_pyxform_refuses_is_refused), T(choice_filter_is_compiled),
         T(xpath_comparison_and_conversion), T(regex_substr_dates), T(repeat_functions),
         T(the_real_forms_agree_with_pyxform), T(the_pyxform_corpus_agrees), T(the_real_forms_load_from_workbooks),
         T(the_tutorial_form_in_use), T(the_mch_form_in_use), T(the_biomass_form_in_use),
         T(workbook_cells_as_pyxform_reads_them), T(an_xls_workbook_loads), T(not_a_workbook_is_one_line))
