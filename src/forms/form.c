/* Loading and checking a form, compiling its expressions, and evaluating
 * them for one record being edited. */
#include "gonha/forms/form.h"
#include "gonha/core/date.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/core/paths.h"
#include "gonha/text/text.h"
#include "form_internal.h"

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FORMSDIR
#define FORMSDIR "/usr/local/share/gonha/forms"
#endif

/* ---- problems ----------------------------------------------------------- */

void form_problem(gn_form_problems *p, const char *file, int line, bool warning, const char *fmt, ...)
{
	if (!p)
		return;
	gn_form_problem *items = realloc(p->items, (p->n + 1) * sizeof *items);
	if (!items)
		return;
	p->items = items;
	gn_form_problem *x = &p->items[p->n++];
	memset(x, 0, sizeof *x);
	snprintf(x->file, sizeof x->file, "%s", file);
	x->line = line;
	x->warning = warning;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof x->msg, fmt, ap);
	va_end(ap);
	if (!warning)
		p->errors++;
}

void gn_form_problems_free(gn_form_problems *p)
{
	free(p->items);
	memset(p, 0, sizeof *p);
}

/* ---- SQL functions ------------------------------------------------------ */

/* Is `choice` one of the space-separated names in `list`? */
static bool in_list(const char *list, const char *choice)
{
	size_t n = strlen(choice);
	if (!n)
		return false;
	for (const char *p = list; (p = strstr(p, choice)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

static void sql_selected(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *list = (const char *)sqlite3_value_text(argv[0]);
	const char *choice = (const char *)sqlite3_value_text(argv[1]);
	sqlite3_result_int(ctx, list && choice && in_list(list, choice));
}

static void sql_count_selected(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *list = (const char *)sqlite3_value_text(argv[0]);
	int n = 0;
	for (const char *p = list; p && *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		n++;
		while (*p && *p != ' ')
			p++;
	}
	sqlite3_result_int(ctx, n);
}

static void free_regex(void *p)
{
	regfree(p);
	free(p);
}

/* POSIX extended regular expressions, compiled once per statement. */
static void sql_regex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	const char *pattern = (const char *)sqlite3_value_text(argv[1]);
	if (!pattern) {
		sqlite3_result_null(ctx);
		return;
	}
	regex_t *re = sqlite3_get_auxdata(ctx, 1);
	if (!re) {
		re = malloc(sizeof *re);
		if (!re || regcomp(re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
			free(re);
			sqlite3_result_error(ctx, "invalid regular expression", -1);
			return;
		}
		sqlite3_set_auxdata(ctx, 1, re, free_regex);
		re = sqlite3_get_auxdata(ctx, 1);
		if (!re) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	sqlite3_result_int(ctx, regexec(re, text ? text : "", 0, NULL, 0) == 0);
}

gn_status gn_form_register_sqlite(sqlite3 *db, gn_err *err)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	if (sqlite3_create_function(db, "gn_selected", 2, flags, NULL, sql_selected, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "gn_count_selected", 1, flags, NULL, sql_count_selected, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "gn_regex", 2, flags, NULL, sql_regex, NULL, NULL) != SQLITE_OK)
		return gn_fail(err, GN_ERR_DB, "%s", sqlite3_errmsg(db));
	return GN_OK;
}

/* Expressions compile with no table in reach: only SELECT of values and the
 * functions we know. */
static int authorize(void *arg, int action, const char *a, const char *b, const char *c, const char *d)
{
	(void)arg; (void)a; (void)c; (void)d;
	if (action == SQLITE_SELECT)
		return SQLITE_OK;
	if (action == SQLITE_FUNCTION) {
		static const char *const allowed[] = {
			"gn_selected", "gn_count_selected", "gn_regex", "gn_today", "length", "coalesce", "nullif",
			"round", "substr", "strftime", NULL,
		};
		for (int i = 0; allowed[i]; i++)
			if (b && strcmp(b, allowed[i]) == 0) /* SQLITE_FUNCTION: b is the name */
				return SQLITE_OK;
	}
	return SQLITE_DENY;
}

/* ---- accessors ---------------------------------------------------------- */

int gn_form_find(const gn_form *form, const char *name)
{
	for (size_t i = 0; i < form->n_fields; i++)
		if (form->fields[i].name && strcmp(form->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

const gn_choice *gn_choice_find(const gn_choice_list *list, const char *name)
{
	for (size_t i = 0; list && i < list->n; i++)
		if (strcmp(list->items[i].name, name) == 0)
			return &list->items[i];
	return NULL;
}

static const char *pick(const char *vi, const char *en)
{
	bool want_vi = strcmp(gn_i18n_lang(), "vi") == 0;
	const char *first = want_vi ? vi : en, *second = want_vi ? en : vi;
	return first && *first ? first : second && *second ? second : "";
}

const char *gn_field_label(const gn_field *f) { return pick(f->label_vi, f->label_en); }
const char *gn_field_hint(const gn_field *f) { return pick(f->hint_vi, f->hint_en); }
const char *gn_choice_label(const gn_choice *c) { return pick(c->label_vi, c->label_en); }

bool gn_field_is_question(const gn_field *f)
{
	return f->type != GN_FT_NOTE && f->type != GN_FT_BEGIN_GROUP && f->type != GN_FT_END_GROUP &&
	       f->type != GN_FT_BEGIN_REPEAT && f->type != GN_FT_END_REPEAT;
}

const char *gn_forms_dir(char *buf, size_t size)
{
	const char *env = getenv("GONHA_FORMS");
	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return buf;
	}
	static const char *const ups[] = { "/forms", "/../forms", "/../../forms", "/../../../forms",
		                                 "/../share/gonha/forms" };
	if (gn_beside_binary(ups, sizeof ups / sizeof *ups, "census/survey.csv", buf, size))
		return buf;
	snprintf(buf, size, "%s", FORMSDIR);
	return buf;
}

/* Compiles "SELECT <sql>" with no table in reach. */
static gn_status compile(sqlite3 *db, const char *sql, sqlite3_stmt **out, gn_err *err)
{
	char *full = sqlite3_mprintf("SELECT %s", sql);
	if (!full)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	sqlite3_set_authorizer(db, authorize, NULL);
	int rc = sqlite3_prepare_v2(db, full, -1, out, NULL);
	sqlite3_set_authorizer(db, NULL, NULL);
	sqlite3_free(full);
	if (rc != SQLITE_OK) {
		*out = NULL;
		return gn_fail(err, GN_ERR_INVALID, _("SQLite cannot run it: %s"), sqlite3_errmsg(db));
	}
	return GN_OK;
}

static void compile_field_expr(gn_form *form, int i, const char *src, const char *what, sqlite3_stmt **out,
                               gn_form_problems *problems)
{
	if (!src || !*src)
		return;
	char *sql = NULL;
	gn_err err = { 0 };
	int self = form->fields[i].type == GN_FT_CALCULATE ? -1 : i;
	if (gn_form_translate(form, src, self, NULL, NULL, &sql, &err) != GN_OK ||
	    compile(form->db, sql, out, &err) != GN_OK)
		form_problem(problems, "survey.csv", form->fields[i].line, false, _("%s of %s: %s"), what,
		            form->fields[i].name, err.msg);
	free(sql);
}

static void compile_all(gn_form *form, gn_form_problems *problems)
{
	for (size_t i = 0; i < form->n_fields; i++) {
		gn_field *f = &form->fields[i];
		compile_field_expr(form, (int)i, f->relevant_src, "relevant", &f->relevant, problems);
		compile_field_expr(form, (int)i, f->constraint_src, "constraint", &f->constraint, problems);
		if (!f->required_always && *f->required_src && strcmp(f->required_src, "no") != 0 &&
		    strcmp(f->required_src, "false()") != 0)
			compile_field_expr(form, (int)i, f->required_src, "required", &f->required, problems);
		compile_field_expr(form, (int)i, f->calculation_src, "calculation", &f->calc, problems);
		if (*f->choice_filter_src) {
			char *sql = NULL;
			gn_err err = { 0 };
			if (gn_form_translate(form, f->choice_filter_src, (int)i, NULL, NULL, &sql, &err) != GN_OK)
				form_problem(problems, "survey.csv", f->line, false, _("%s of %s: %s"), "choice_filter", f->name,
				            err.msg);
			free(sql);
		}
	}
}

gn_status gn_form_load(const char *dir, sqlite3 *db, gn_form **out, gn_form_problems *problems, gn_err *err)
{
	char path[PATH_MAX];
	sheet survey = { 0 }, choices = { 0 };
	gn_err e = { 0 };
	gn_status st;
	*out = NULL;
	gn_form *form = calloc(1, sizeof *form);
	if (!form)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	form->dir = strdup(dir);
	form->db = db;
	if ((st = gn_form_register_sqlite(db, err)) != GN_OK)
		goto out;
	form_load_settings(form, dir, problems);
	snprintf(path, sizeof path, "%s/choices.csv", dir);
	if ((st = sheet_read(path, &choices, &e)) == GN_OK)
		form_load_choices(form, &choices, problems);
	else if (st != GN_ERR_NOT_FOUND)
		form_problem(problems, "choices.csv", 0, false, "%s", e.msg);
	snprintf(path, sizeof path, "%s/survey.csv", dir);
	if ((st = sheet_read(path, &survey, &e)) == GN_OK)
		form_load_survey(form, &survey, problems);
	else
		form_problem(problems, "survey.csv", 0, false, "%s", e.msg);
	st = GN_OK;
	if (problems->errors == 0)
		compile_all(form, problems);
	if (problems->errors) {
		st = gn_fail(err, GN_ERR_INVALID, _("the form in %s has %zu problems"), dir, problems->errors);
		goto out;
	}
	*out = form;
	form = NULL;
out:
	sheet_free(&survey);
	sheet_free(&choices);
	gn_form_free(form);
	return st;
}

void gn_form_free(gn_form *form)
{
	if (!form)
		return;
	for (size_t i = 0; i < form->n_fields; i++) {
		gn_field *f = &form->fields[i];
		char *strings[] = { f->name, f->label_vi, f->label_en, f->hint_vi, f->hint_en, f->required_src,
		                    f->required_msg_vi, f->required_msg_en, f->constraint_src, f->constraint_msg_vi,
		                    f->constraint_msg_en, f->relevant_src, f->calculation_src, f->default_value,
		                    f->choice_filter_src };
		for (size_t k = 0; k < sizeof strings / sizeof *strings; k++)
			free(strings[k]);
		sqlite3_finalize(f->relevant);
		sqlite3_finalize(f->constraint);
		sqlite3_finalize(f->required);
		sqlite3_finalize(f->calc);
	}
	for (size_t i = 0; i < form->n_lists; i++) {
		for (size_t k = 0; k < form->lists[i].n; k++) {
			free(form->lists[i].items[k].name);
			free(form->lists[i].items[k].label_vi);
			free(form->lists[i].items[k].label_en);
		}
		free(form->lists[i].items);
		free(form->lists[i].name);
	}
	free(form->fields);
	free(form->lists);
	free(form->dir);
	free(form->id);
	free(form->version);
	free(form->default_lang);
	free(form->repeat_name);
	free(form);
}

/* ---- evaluating --------------------------------------------------------- */

/* Binds every parameter the statement uses from the record's values, typed
 * by the field: numbers as numbers, empty as NULL. */
static void bind_values(const gn_form *form, sqlite3_stmt *st, gn_form_values vals)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	int n = sqlite3_bind_parameter_count(st);
	for (int p = 1; p <= n; p++) {
		int index = p - 1; /* ?N is field N-1 */
		if (index < 0 || (size_t)index >= form->n_fields)
			continue;
		const char *v = vals ? vals[index] : NULL;
		if (!v || !*v)
			continue;
		const gn_field *f = &form->fields[index];
		char *end;
		if (f->type == GN_FT_INTEGER) {
			long long x = strtoll(v, &end, 10);
			if (!*end) {
				sqlite3_bind_int64(st, p, x);
				continue;
			}
		} else if (f->type == GN_FT_DECIMAL) {
			double x = strtod(v, &end);
			if (!*end) {
				sqlite3_bind_double(st, p, x);
				continue;
			}
		}
		sqlite3_bind_text(st, p, v, -1, SQLITE_TRANSIENT);
	}
}

/* 1 true, 0 false, -1 empty (an answer it needs is missing), -2 SQLite
 * failed (the message kept in form->eval_error for the caller to show). */
static int eval_bool(const gn_form *form, sqlite3_stmt *st, gn_form_values vals)
{
	bind_values(form, st, vals);
	int result = -2;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		result = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 0) != 0.0;
	else
		gn_db_fail(form->db, (gn_err *)&form->eval_error, "form");
	sqlite3_reset(st);
	return result;
}

bool gn_form_relevant(gn_form *form, size_t i, gn_form_values vals)
{
	const gn_field *f = &form->fields[i];
	/* A field inside a non-relevant group is not relevant either. */
	for (size_t g = 0; g < i; g++) {
		const gn_field *open = &form->fields[g];
		if ((open->type == GN_FT_BEGIN_GROUP || open->type == GN_FT_BEGIN_REPEAT) && open->relevant) {
			int depth = 0;
			bool inside = false;
			for (size_t k = g + 1; k <= i; k++) {
				gn_field_type t = form->fields[k].type;
				if (t == GN_FT_BEGIN_GROUP || t == GN_FT_BEGIN_REPEAT)
					depth++;
				else if (t == GN_FT_END_GROUP || t == GN_FT_END_REPEAT) {
					if (depth-- == 0)
						break;
				}
				if (k == i)
					inside = true;
			}
			if (inside && eval_bool(form, open->relevant, vals) == 0)
				return false;
		}
	}
	return !f->relevant || eval_bool(form, f->relevant, vals) != 0;
}

static const char *message(const char *vi, const char *en, const char *fallback)
{
	const char *m = pick(vi, en);
	return *m ? m : fallback;
}

const char *gn_field_constraint_message(const gn_field *f)
{
	return message(f->constraint_msg_vi, f->constraint_msg_en, _("this answer is not allowed here"));
}

const char *gn_field_required_message(const gn_field *f)
{
	return message(f->required_msg_vi, f->required_msg_en, _("this question needs an answer"));
}

gn_status gn_form_check_type(const gn_field *f, const char *v, gn_err *err)
{
	if (!v || !*v)
		return GN_OK;
	char *end;
	switch (f->type) {
	case GN_FT_INTEGER:
		errno = 0;
		(void)strtoll(v, &end, 10);
		if (*end || end == v || errno)
			return gn_fail_field(err, GN_ERR_INVALID, f->name, _("type a whole number (digits only)"));
		break;
	case GN_FT_DECIMAL:
		(void)strtod(v, &end);
		if (*end || end == v)
			return gn_fail_field(err, GN_ERR_INVALID, f->name, _("type a number, e.g. 12.5"));
		break;
	case GN_FT_DATE:
		if (!gn_date_valid(v))
			return gn_fail_field(err, GN_ERR_INVALID, f->name, _("type a real date as YYYY-MM-DD, e.g. 2026-03-31"));
		break;
	case GN_FT_SELECT_ONE:
		if (!gn_choice_find(f->list, v))
			return gn_fail_field(err, GN_ERR_INVALID, f->name, _("'%s' is not one of the choices"), v);
		break;
	case GN_FT_SELECT_MULTIPLE: {
		char *copy = strdup(v), *save = NULL;
		if (!copy)
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		gn_status st = GN_OK;
		for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
			if (!gn_choice_find(f->list, w)) {
				st = gn_fail_field(err, GN_ERR_INVALID, f->name, _("'%s' is not one of the choices"), w);
				break;
			}
		free(copy);
		return st;
	}
	default:
		break;
	}
	return GN_OK;
}

gn_status gn_form_check_value(gn_form *form, size_t i, gn_form_values vals, gn_err *err)
{
	const gn_field *f = &form->fields[i];
	const char *v = vals ? vals[i] : NULL;
	bool empty = !v || !*v;
	if (!gn_field_is_question(f) || f->type == GN_FT_CALCULATE || !gn_form_relevant(form, i, vals))
		return GN_OK;
	if (empty) {
		int req = f->required ? eval_bool(form, f->required, vals) : 0;
		if (req == -2)
			return gn_fail_field(err, form->eval_error.status, f->name, "%s", form->eval_error.msg);
		bool required = f->required_always || req == 1;
		if (required)
			return gn_fail_field(err, GN_ERR_INVALID, f->name, "%s", gn_field_required_message(f));
		return GN_OK;
	}
	gn_status st = gn_form_check_type(f, v, err);
	if (st != GN_OK)
		return st;
	int ok = f->constraint ? eval_bool(form, f->constraint, vals) : 1;
	if (ok == -2) /* not the answer's fault: say what went wrong */
		return gn_fail_field(err, form->eval_error.status, f->name, "%s", form->eval_error.msg);
	if (ok != 1)
		return gn_fail_field(err, GN_ERR_INVALID, f->name, "%s", gn_field_constraint_message(f));
	return GN_OK;
}

char *gn_form_calculate(gn_form *form, size_t i, gn_form_values vals)
{
	const gn_field *f = &form->fields[i];
	if (!f->calc)
		return NULL;
	bind_values(form, f->calc, vals);
	char *value = NULL;
	if (sqlite3_step(f->calc) == SQLITE_ROW && sqlite3_column_type(f->calc, 0) != SQLITE_NULL)
		value = strdup((const char *)sqlite3_column_text(f->calc, 0));
	sqlite3_reset(f->calc);
	return value;
}

/* ---- over stored rows ---------------------------------------------------- */

gn_status gn_form_person_column(void *arg, const gn_form *form, const gn_field *field, gn_strbuf *out, gn_err *err)
{
	(void)arg;
	static const char *const core[] = { "full_name", "birth_year", "sex", "relation", "cccd", NULL };
	if (field->level != 1)
		return gn_fail(err, GN_ERR_INVALID, _("%s is a household question; an indicator counts persons"), field->name);
	for (int i = 0; core[i]; i++)
		if (strcmp(core[i], field->name) == 0) {
			gn_sb_add(out, core[i]);
			return GN_OK;
		}
	(void)form;
	/* Names are [A-Za-z0-9_], checked at load: safe inside the path. */
	gn_sb_printf(out, "json_extract(answers, '$.%s')", field->name);
	return GN_OK;
}

/* The questions a part of a condition reads that are answers (not core
 * columns), "a/b", for saying what a person lacks. */
typedef struct read_names {
	gn_strbuf names;
} read_names;

static gn_status note_answer_read(void *arg, const gn_form *form, const gn_field *f, gn_strbuf *out, gn_err *err)
{
	read_names *r = arg;
	static const char *const core[] = { "full_name", "birth_year", "sex", "relation", "cccd", NULL };
	bool is_core = false;
	for (int i = 0; core[i]; i++)
		is_core |= strcmp(core[i], f->name) == 0;
	if (!is_core) {
		bool seen = false;
		const char *p = r->names.s ? r->names.s : "";
		while (*p && !seen) {
			size_t l = strcspn(p, "/");
			seen = l == strlen(f->name) && strncmp(p, f->name, l) == 0;
			p += l + (p[l] == '/');
		}
		if (!seen)
			gn_sb_printf(&r->names, "%s%s", r->names.len ? "/" : "", f->name);
	}
	return gn_form_person_column(NULL, form, f, out, err);
}

/* SQL giving what a person lacks of a condition: for each part of it (its
 * top-level "and"s) that is false, the answers it reads and ';'. */
static gn_status lacks_sql(const gn_form *form, const char *condition, char **out, gn_err *err)
{
	char **parts = NULL;
	size_t n = 0;
	*out = NULL;
	gn_status st = gn_form_conjuncts(condition, &parts, &n, err);
	gn_strbuf sql = { 0 };
	gn_sb_add(&sql, "(''");
	for (size_t i = 0; i < n && st == GN_OK; i++) {
		read_names r = { { 0 } };
		char *part = NULL;
		st = gn_form_translate(form, parts[i], -1, note_answer_read, &r, &part, err);
		if (st == GN_OK && r.names.len) {
			char *one = sqlite3_mprintf(" || (CASE WHEN coalesce(%s, 0) THEN '' ELSE '%q;' END)", part, r.names.s);
			if (one)
				gn_sb_add(&sql, one);
			else
				sql.failed = true;
			sqlite3_free(one);
		}
		free(part);
		gn_sb_free(&r.names);
	}
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
	gn_sb_add(&sql, ")");
	if (st == GN_OK && sql.failed)
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (st == GN_OK)
		*out = gn_sb_take(&sql);
	gn_sb_free(&sql);
	return st;
}

gn_status gn_form_indicators(const gn_form *form, gn_cov_set *set, gn_form_problems *problems, gn_err *err)
{
	char path[PATH_MAX];
	sheet s;
	gn_err e = { 0 };
	snprintf(path, sizeof path, "%s/indicators.csv", form->dir);
	gn_status st = sheet_read(path, &s, &e);
	if (st == GN_ERR_NOT_FOUND)
		return GN_OK; /* a form without indicators counts nothing */
	if (st != GN_OK) {
		form_problem(problems, "indicators.csv", 0, false, "%s", e.msg);
		return gn_fail(err, st, "indicators.csv: %s", e.msg);
	}
	int c_name = sheet_column(&s, "name"), c_vi = form_column(&s, "label::vi", "label"), c_en = sheet_column(&s, "label::en");
	int c_pop = sheet_column(&s, "population"), c_cond = sheet_column(&s, "condition");
	int c_kind = sheet_column(&s, "kind");
	size_t before = problems ? problems->errors : 0;
	if (c_name < 0 || c_pop < 0 || c_cond < 0)
		form_problem(problems, "indicators.csv", 1, false, _("the header needs the columns name, population and condition"));
	for (size_t r = 1; r < s.n && c_name >= 0 && c_pop >= 0 && c_cond >= 0; r++) {
		const char *name = sheet_cell(&s, r, c_name);
		if (!*name)
			continue;
		char *pop = NULL, *cond = NULL, *lacks = NULL;
		gn_err why = { 0 };
		if (gn_form_translate(form, sheet_cell(&s, r, c_pop), -1, gn_form_person_column, NULL, &pop, &why) != GN_OK) {
			form_problem(problems, "indicators.csv", s.rows[r].line, false, _("population of %s: %s"), name, why.msg);
		} else if (gn_form_translate(form, sheet_cell(&s, r, c_cond), -1, gn_form_person_column, NULL, &cond, &why) !=
		           GN_OK) {
			form_problem(problems, "indicators.csv", s.rows[r].line, false, _("condition of %s: %s"), name, why.msg);
		} else if (gn_cov_add(set, name, sheet_cell(&s, r, c_vi), sheet_cell(&s, r, c_en), pop, cond,
		                      strcmp(sheet_cell(&s, r, c_kind), "count") == 0, &why) != GN_OK ||
		           (lacks_sql(form, sheet_cell(&s, r, c_cond), &lacks, &why) != GN_OK ||
		            gn_cov_set_lacks(set, name, lacks, &why) != GN_OK)) {
			form_problem(problems, "indicators.csv", s.rows[r].line, false, "%s", why.msg);
		} else {
			/* target_YYYY columns; an empty cell is "no target" */
			for (size_t c = 0; c < s.rows[0].n; c++) {
				int year;
				char tail;
				const char *cell = sheet_cell(&s, r, (int)c);
				if (sscanf(s.rows[0].cells[c], "target_%d%c", &year, &tail) != 1 || !*cell)
					continue;
				char *end;
				double pct = strtod(cell, &end);
				if (*end || gn_cov_set_target(set, name, year, pct, &why) != GN_OK)
					form_problem(problems, "indicators.csv", s.rows[r].line, false,
					            _("target_%d of %s must be a percent from 0 to 100"), year, name);
			}
		}
		free(pop);
		free(cond);
		free(lacks);
	}
	sheet_free(&s);
	if (problems && problems->errors > before)
		return gn_fail(err, GN_ERR_INVALID, _("indicators.csv has problems"));
	return GN_OK;
}

/* ---- answers across form versions ----------------------------------------- */

gn_status gn_form_migrate_answers(sqlite3 *db, const gn_form *form, gn_form_problems *problems, gn_err *err)
{
	char path[PATH_MAX];
	sheet s;
	gn_err e = { 0 };
	sqlite3_stmt *seen = NULL, *mark = NULL;
	gn_status st;
	snprintf(path, sizeof path, "%s/renames.csv", form->dir);
	st = sheet_read(path, &s, &e);
	if (st == GN_ERR_NOT_FOUND)
		memset(&s, 0, sizeof s);
	else if (st != GN_OK) {
		form_problem(problems, "renames.csv", 0, false, "%s", e.msg);
		return gn_fail(err, st, "renames.csv: %s", e.msg);
	}
	int c_ver = sheet_column(&s, "version"), c_level = sheet_column(&s, "level");
	int c_old = sheet_column(&s, "old_name"), c_new = sheet_column(&s, "new_name");
	if (s.n && (c_ver < 0 || c_level < 0 || c_old < 0 || c_new < 0)) {
		form_problem(problems, "renames.csv", 1, false, _("the header needs version, level, old_name and new_name"));
		sheet_free(&s);
		return gn_fail(err, GN_ERR_INVALID, _("renames.csv has problems"));
	}
	if ((st = gn_db_begin(db, err)) != GN_OK)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM form_version WHERE form_id = ?1 AND version = ?2", -1, &seen, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO form_version(form_id, version, applied_at) "
	                       "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", -1, &mark, NULL)) {
		st = gn_db_fail(db, err, "form_version");
		goto rollback;
	}
	for (size_t r = 1; r < s.n; r++) {
		const char *version = sheet_cell(&s, r, c_ver), *level = sheet_cell(&s, r, c_level);
		const char *old_name = sheet_cell(&s, r, c_old), *new_name = sheet_cell(&s, r, c_new);
		const char *table = strcmp(level, "household") == 0 ? "household" : strcmp(level, "person") == 0 ? "person" : NULL;
		size_t ok_chars = strspn(old_name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		size_t ok_new = strspn(new_name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		if (!table || !*old_name || !*new_name || ok_chars != strlen(old_name) || ok_new != strlen(new_name)) {
			form_problem(problems, "renames.csv", s.rows[r].line, false,
			            _("a rename needs level household or person and two names of letters, digits and _"));
			st = gn_fail(err, GN_ERR_INVALID, _("renames.csv has problems"));
			goto rollback;
		}
		sqlite3_bind_text(seen, 1, form->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(seen, 2, version, -1, SQLITE_STATIC);
		int applied = sqlite3_step(seen) == SQLITE_ROW;
		sqlite3_reset(seen);
		if (applied)
			continue;
		/* Move the key, never overwriting an answer already under the new name. */
		char *sql = sqlite3_mprintf("UPDATE %s SET answers = json_set(json_remove(answers, '$.%s'), '$.%s', "
		                            "json_extract(answers, '$.%s')) WHERE json_type(answers, '$.%s') IS NOT NULL "
		                            "AND json_type(answers, '$.%s') IS NULL",
		                            table, old_name, new_name, old_name, old_name, new_name);
		st = sql ? gn_db_exec(db, sql, err) : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		sqlite3_free(sql);
		if (st != GN_OK)
			goto rollback;
	}
	/* Every version named in the file, and the current one, is now applied. */
	for (size_t r = 0; r < s.n; r++) {
		const char *version = r == 0 ? form->version : sheet_cell(&s, r, c_ver);
		sqlite3_bind_text(mark, 1, form->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(mark, 2, version, -1, SQLITE_STATIC);
		if (sqlite3_step(mark) != SQLITE_DONE) {
			st = gn_db_fail(db, err, "form_version");
			goto rollback;
		}
		sqlite3_reset(mark);
	}
	if (s.n == 0) {
		sqlite3_bind_text(mark, 1, form->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(mark, 2, form->version, -1, SQLITE_STATIC);
		if (sqlite3_step(mark) != SQLITE_DONE) {
			st = gn_db_fail(db, err, "form_version");
			goto rollback;
		}
	}
	sqlite3_finalize(seen);
	sqlite3_finalize(mark);
	seen = mark = NULL;
	st = gn_db_commit(db, err);
	goto out;
rollback:
	sqlite3_finalize(seen);
	sqlite3_finalize(mark);
	gn_db_rollback(db);
out:
	sheet_free(&s);
	return st;
}
