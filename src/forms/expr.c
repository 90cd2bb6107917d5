/* XLSForm expressions -> SQL. A tokenizer and a recursive-descent parser
 * that write SQL text as they go: nothing is evaluated here, SQLite runs
 * the result. Only the constructs below are ever written, string literals
 * are quoted by us, and names must be fields of the form, so the SQL can
 * hold nothing an author did not mean.
 *
 * Precedence (XPath 1.0): or < and < = != < < <= > >= < + - < * div mod <
 * unary - < primary. */
#include "gonha/forms/form.h"
#include "gonha/core/i18n.h"
#include "form_internal.h"

#include <sqlite3.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum tok_kind {
	T_END, T_NUM, T_STR, T_REF, T_DOT, T_NAME, T_LP, T_RP, T_COMMA,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_PLUS, T_MINUS, T_STAR, T_PATH, T_BAD,
} tok_kind;

typedef struct tok {
	tok_kind kind;
	const char *start;
	size_t len;
} tok;

typedef struct parser {
	const gn_form *form;
	const char *src, *p;
	tok cur;
	int self;
	gn_form_ref_fn ref;
	void *ref_arg;
	gn_strbuf *out;
	gn_err *err;
	gn_status st;
	int depth;        /* calculation inlining depth: a cycle shows as too deep */
	int kind;         /* the XPath type of what was just translated (K_*) */
	bool filter;      /* a choice_filter: bare names are the choices' columns */
	char *unknown;    /* filter: the first bare name that is no column (64 bytes) */
} parser;

static void next(parser *ps)
{
	const char *p = ps->p;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	tok t = { T_END, p, 0 };
	if (!*p) {
		ps->cur = t;
		ps->p = p;
		return;
	}
	if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
		const char *q = p;
		while (isdigit((unsigned char)*q))
			q++;
		if (*q == '.' && isdigit((unsigned char)q[1]))
			for (q++; isdigit((unsigned char)*q); q++)
				;
		t.kind = T_NUM;
		t.len = (size_t)(q - p);
	} else if (*p == '\'' || *p == '"') {
		const char *q = strchr(p + 1, *p);
		t.kind = q ? T_STR : T_BAD;
		t.len = q ? (size_t)(q - p) + 1 : strlen(p);
	} else if (p[0] == '$' && p[1] == '{') {
		const char *q = strchr(p, '}');
		t.kind = q ? T_REF : T_BAD;
		t.len = q ? (size_t)(q - p) + 1 : strlen(p);
	} else if (*p == '/' && (isalpha((unsigned char)p[1]) || p[1] == '_')) {
		/* an absolute path, /form/group/question, as older forms write a reference */
		const char *q = p;
		while (*q == '/' || isalnum((unsigned char)*q) || *q == '_' || *q == '-' || *q == '.' || *q == ':')
			q++;
		t.kind = T_PATH;
		t.len = (size_t)(q - p);
	} else if (isalpha((unsigned char)*p) || *p == '_') {
		const char *q = p;
		while (isalnum((unsigned char)*q) || *q == '_' || *q == '-' || *q == ':')
			q++;
		t.kind = T_NAME;
		t.len = (size_t)(q - p);
	} else {
		t.len = 1;
		switch (*p) {
		case '.': t.kind = T_DOT; break;
		case '(': t.kind = T_LP; break;
		case ')': t.kind = T_RP; break;
		case ',': t.kind = T_COMMA; break;
		case '+': t.kind = T_PLUS; break;
		case '-': t.kind = T_MINUS; break;
		case '*': t.kind = T_STAR; break;
		case '=': t.kind = T_EQ; break;
		case '!': t.kind = p[1] == '=' ? T_NE : T_BAD; t.len = 2; break;
		case '<': t.kind = p[1] == '=' ? T_LE : T_LT; t.len = p[1] == '=' ? 2 : 1; break;
		case '>': t.kind = p[1] == '=' ? T_GE : T_GT; t.len = p[1] == '=' ? 2 : 1; break;
		default: t.kind = T_BAD; break;
		}
	}
	ps->cur = t;
	ps->p = p + t.len;
}

static bool is_word(const tok *t, const char *w)
{
	return t->kind == T_NAME && t->len == strlen(w) && strncmp(t->start, w, t->len) == 0;
}

static void fail(parser *ps, const char *fmt, const char *what)
{
	if (ps->st == GN_OK)
		ps->st = gn_fail(ps->err, GN_ERR_INVALID, fmt, what);
}

static void fail_here(parser *ps, const char *fmt)
{
	char near[48];
	snprintf(near, sizeof near, "%.*s", (int)(ps->cur.len ? ps->cur.len : 1), ps->cur.start);
	fail(ps, fmt, ps->cur.kind == T_END ? _("the end") : near);
}

static void expr_or(parser *ps);

static void expect(parser *ps, tok_kind k, const char *what)
{
	if (ps->cur.kind != k)
		fail(ps, _("expected %s"), what);
	else
		next(ps);
}

/* A string literal, re-quoted for SQL. */
static void emit_string(parser *ps, const tok *t)
{
	gn_sb_add(ps->out, "'");
	for (size_t i = 1; i + 1 < t->len; i++) {
		if (t->start[i] == '\'')
			gn_sb_add(ps->out, "''");
		else
			gn_sb_addn(ps->out, &t->start[i], 1);
	}
	gn_sb_add(ps->out, "'");
}

/* What XPath type an expression has, as far as the translator can tell:
 * it decides how a comparison compares (XPath 1.0, section 3.4). */
enum { K_ANY = 0, K_NUM, K_STR, K_BOOL };

/* Text answers compare as '' when empty (as in XPath); numbers stay NULL
 * so that an empty number is never "greater than 18". */
static bool textual(const gn_field *f)
{
	return f->type != GN_FT_INTEGER && f->type != GN_FT_DECIMAL && f->type != GN_FT_CALCULATE &&
	       f->type != GN_FT_NOTE && f->type != GN_FT_BEGIN_REPEAT && f->type != GN_FT_BEGIN_GROUP;
}

static int field_kind(const gn_field *f)
{
	if (f->type == GN_FT_INTEGER || f->type == GN_FT_DECIMAL)
		return K_NUM;
	if (f->type == GN_FT_BEGIN_REPEAT || f->type == GN_FT_BEGIN_GROUP || f->type == GN_FT_NOTE)
		return K_ANY;
	return K_STR;
}

/* sql as a number: XPath's number() unless it is one already. */
static void add_number(gn_strbuf *out, const char *sql, int kind)
{
	if (kind == K_NUM || kind == K_BOOL)
		gn_sb_add(out, sql);
	else
		gn_sb_printf(out, "gn_num(%s)", sql);
}

/* sql as a boolean: XPath's boolean() of a string is "not empty". */
static void add_bool(gn_strbuf *out, const char *sql, int kind)
{
	if (kind == K_STR)
		gn_sb_printf(out, "gn_bool(%s)", sql);
	else
		gn_sb_add(out, sql);
}

static void emit_value(parser *ps, int index)
{
	const gn_field *f = &ps->form->fields[index];
	if (textual(f))
		gn_sb_add(ps->out, "coalesce(");
	if (ps->ref) {
		gn_status st = ps->ref(ps->ref_arg, ps->form, f, ps->out, ps->err);
		if (st != GN_OK && ps->st == GN_OK)
			ps->st = st;
	} else {
		gn_sb_printf(ps->out, "?%d", index + 1);
	}
	if (textual(f))
		gn_sb_add(ps->out, ", '')");
	ps->kind = field_kind(f);
}

static void emit_field(parser *ps, int index)
{
	const gn_field *f = &ps->form->fields[index];
	if (f->type == GN_FT_CALCULATE) {
		if (++ps->depth > 16) {
			fail(ps, _("the calculation of %s refers to itself (a cycle)"), f->name);
			return;
		}
		if (!f->calculation_src || !*f->calculation_src) {
			/* a calculate with only a default: its value */
			ps->depth--;
			emit_value(ps, index);
			ps->kind = K_STR;
			return;
		}
		const char *saved_p = ps->p;
		tok saved = ps->cur;
		const char *saved_src = ps->src;
		int saved_self = ps->self;
		ps->src = ps->p = f->calculation_src;
		ps->self = -1;
		gn_sb_add(ps->out, "(");
		next(ps);
		expr_or(ps);
		if (ps->cur.kind != T_END)
			fail_here(ps, _("unexpected %s"));
		gn_sb_add(ps->out, ")");
		ps->src = saved_src;
		ps->p = saved_p;
		ps->cur = saved;
		ps->self = saved_self;
		ps->depth--;
		return;
	}
	emit_value(ps, index);
}

/* The field ${name} names: one, as pyxform requires of a reference. */
static int find_ref(parser *ps, const char *name)
{
	int found = -1;
	for (size_t i = 0; i < ps->form->n_fields; i++) {
		const gn_field *f = &ps->form->fields[i];
		if (!f->name || strcmp(f->name, name) != 0 || f->type == GN_FT_END_GROUP || f->type == GN_FT_END_REPEAT)
			continue;
		if (found >= 0) {
			if (ps->st == GN_OK)
				ps->st = gn_fail(ps->err, GN_ERR_INVALID,
				                 _("${%s}: two questions have this name (lines %d and %d); a reference must name one"),
				                 name, ps->form->fields[found].line, f->line);
			return -1;
		}
		found = (int)i;
	}
	return found;
}

/* An argument list already translated, each with its kind. */
typedef struct args {
	gn_strbuf sql[32];
	int kind[32];
	int n;
} args;

static const char *arg(args *a, int i) { return gn_sb_str(&a->sql[i]); }

/* name(args): the XLSForm functions and what SQL does for each. */
static void function_call(parser *ps, const tok *name)
{
	char fn[32];
	snprintf(fn, sizeof fn, "%.*s", (int)(name->len < 31 ? name->len : 31), name->start);
	static const struct { const char *xls; int min, max; } known[] = {
		{ "selected", 2, 2 }, { "count-selected", 1, 1 }, { "string-length", 1, 1 }, { "regex", 2, 2 },
		{ "if", 3, 3 }, { "today", 0, 0 }, { "now", 0, 0 }, { "int", 1, 1 }, { "round", 1, 2 },
		{ "coalesce", 2, 2 }, { "concat", 1, 32 }, { "format-date", 2, 2 }, { "format-date-time", 2, 2 },
		{ "substr", 2, 3 }, { "number", 1, 1 }, { "string", 1, 1 }, { "not", 1, 1 }, { "true", 0, 0 },
		{ "false", 0, 0 }, { "boolean", 1, 1 }, { "boolean-from-string", 1, 1 }, { "contains", 2, 2 },
		{ "starts-with", 2, 2 }, { "ends-with", 2, 2 }, { "normalize-space", 1, 1 }, { "count", 1, 1 },
		{ "sum", 1, 1 }, { "min", 1, 32 }, { "max", 1, 32 }, { "count-non-empty", 1, 1 }, { "selected-at", 2, 2 },
		{ "indexed-repeat", 3, 7 }, { "once", 1, 1 }, { "abs", 1, 1 }, { "floor", 1, 1 }, { "ceiling", 1, 1 },
		{ "pow", 2, 2 }, { "sqrt", 1, 1 }, { "exp", 1, 1 }, { "exp10", 1, 1 }, { "log", 1, 1 }, { "log10", 1, 1 },
		{ "sin", 1, 1 }, { "cos", 1, 1 }, { "tan", 1, 1 }, { "asin", 1, 1 }, { "acos", 1, 1 }, { "atan", 1, 1 },
		{ "atan2", 2, 2 }, { "pi", 0, 0 }, { "random", 0, 0 }, { "uuid", 0, 1 }, { "date", 1, 1 },
		{ "date-time", 1, 1 }, { "decimal-date-time", 1, 1 }, { "pulldata", 4, 4 }, { "position", 0, 0 },
		{ "jr:choice-name", 2, 2 },
	};
	size_t i;
	for (i = 0; i < sizeof known / sizeof *known; i++)
		if (strcmp(known[i].xls, fn) == 0)
			break;
	if (i == sizeof known / sizeof *known) {
		fail(ps, _("unknown function %s()"), fn);
		return;
	}
	next(ps); /* ( */
	if (strcmp(fn, "position") == 0) {
		/* position(..): the entry of the repeat being edited, from 1 */
		while (ps->cur.kind == T_DOT)
			next(ps);
		expect(ps, T_RP, "')'");
		gn_sb_printf(ps->out, "?%zu", ps->form->n_fields + 1);
		ps->kind = K_NUM;
		return;
	}
	/* Each argument is translated into its own buffer, then assembled. */
	args a;
	memset(&a, 0, sizeof a);
	gn_strbuf *outer = ps->out;
	tok last_string = { T_END, "", 0 };
	if (ps->cur.kind != T_RP) {
		for (;;) {
			if (a.n == 32) {
				fail(ps, _("too many arguments to %s()"), fn);
				break;
			}
			ps->out = &a.sql[a.n];
			if (ps->cur.kind == T_STR)
				last_string = ps->cur;
			ps->kind = K_ANY;
			expr_or(ps);
			a.kind[a.n++] = ps->kind;
			if (ps->cur.kind != T_COMMA)
				break;
			next(ps);
		}
	}
	ps->out = outer;
	expect(ps, T_RP, "')'");
	if (ps->st == GN_OK && (a.n < known[i].min || a.n > known[i].max))
		fail(ps, _("wrong number of arguments to %s()"), fn);
	int kind = K_ANY;
	if (ps->st == GN_OK) {
		gn_strbuf *o = outer;
		gn_strbuf tmp = { 0 };
		if (strcmp(fn, "selected") == 0) {
			gn_sb_printf(o, "gn_selected(%s, %s)", arg(&a, 0), arg(&a, 1));
			kind = K_BOOL;
		} else if (strcmp(fn, "count-selected") == 0) {
			gn_sb_printf(o, "gn_count_selected(%s)", arg(&a, 0));
			kind = K_NUM;
		} else if (strcmp(fn, "selected-at") == 0) {
			gn_sb_printf(o, "gn_selected_at(%s, %s)", arg(&a, 0), arg(&a, 1));
			kind = K_STR;
		} else if (strcmp(fn, "string-length") == 0) {
			gn_sb_printf(o, "length(coalesce(%s, ''))", arg(&a, 0));
			kind = K_NUM;
		} else if (strcmp(fn, "regex") == 0) {
			gn_sb_printf(o, "gn_regex(%s, %s)", arg(&a, 0), arg(&a, 1));
			kind = K_BOOL;
		} else if (strcmp(fn, "if") == 0) {
			add_bool(&tmp, arg(&a, 0), a.kind[0]);
			gn_sb_printf(o, "(CASE WHEN coalesce(%s, 0) THEN %s ELSE %s END)", gn_sb_str(&tmp), arg(&a, 1),
			             arg(&a, 2));
			kind = a.kind[1] == a.kind[2] ? a.kind[1] : K_ANY;
		} else if (strcmp(fn, "today") == 0) {
			gn_sb_add(o, "gn_today()");
			kind = K_STR;
		} else if (strcmp(fn, "now") == 0) {
			gn_sb_add(o, "gn_now()");
			kind = K_STR;
		} else if (strcmp(fn, "int") == 0) {
			add_number(&tmp, arg(&a, 0), a.kind[0]);
			gn_sb_printf(o, "CAST(%s AS INTEGER)", gn_sb_str(&tmp));
			kind = K_NUM;
		} else if (strcmp(fn, "round") == 0) {
			add_number(&tmp, arg(&a, 0), a.kind[0]);
			gn_sb_printf(o, "round(%s%s%s)", gn_sb_str(&tmp), a.n > 1 ? ", " : "", a.n > 1 ? arg(&a, 1) : "");
			kind = K_NUM;
		} else if (strcmp(fn, "coalesce") == 0) {
			gn_sb_printf(o, "coalesce(nullif(%s, ''), %s)", arg(&a, 0), arg(&a, 1));
			kind = a.kind[0] == a.kind[1] ? a.kind[0] : K_ANY;
		} else if (strcmp(fn, "concat") == 0) {
			gn_sb_add(o, "(");
			for (int k = 0; k < a.n; k++)
				gn_sb_printf(o, "%scoalesce(%s, '')", k ? " || " : "", arg(&a, k));
			gn_sb_add(o, ")");
			kind = K_STR;
		} else if (strcmp(fn, "format-date") == 0 || strcmp(fn, "format-date-time") == 0) {
			gn_sb_printf(o, "gn_format_date(%s, %s)", arg(&a, 0), arg(&a, 1));
			kind = K_STR;
		} else if (strcmp(fn, "substr") == 0) {
			gn_sb_printf(o, "gn_substr(%s, %s%s%s)", arg(&a, 0), arg(&a, 1), a.n > 2 ? ", " : "",
			             a.n > 2 ? arg(&a, 2) : "");
			kind = K_STR;
		} else if (strcmp(fn, "number") == 0 || strcmp(fn, "decimal-date-time") == 0) {
			gn_sb_printf(o, "gn_num(%s)", arg(&a, 0));
			kind = K_NUM;
		} else if (strcmp(fn, "string") == 0) {
			gn_sb_printf(o, "CAST(%s AS TEXT)", arg(&a, 0));
			kind = K_STR;
		} else if (strcmp(fn, "not") == 0) {
			add_bool(&tmp, arg(&a, 0), a.kind[0]);
			gn_sb_printf(o, "NOT coalesce(%s, 0)", gn_sb_str(&tmp));
			kind = K_BOOL;
		} else if (strcmp(fn, "true") == 0 || strcmp(fn, "false") == 0) {
			gn_sb_add(o, fn[0] == 't' ? "1" : "0");
			kind = K_BOOL;
		} else if (strcmp(fn, "boolean") == 0) {
			gn_sb_printf(o, "gn_bool(%s)", arg(&a, 0));
			kind = K_BOOL;
		} else if (strcmp(fn, "boolean-from-string") == 0) {
			gn_sb_printf(o, "(coalesce(%s, '') IN ('true', '1'))", arg(&a, 0));
			kind = K_BOOL;
		} else if (strcmp(fn, "contains") == 0) {
			gn_sb_printf(o, "(instr(coalesce(%s, ''), coalesce(%s, '')) > 0)", arg(&a, 0), arg(&a, 1));
			kind = K_BOOL;
		} else if (strcmp(fn, "starts-with") == 0) {
			gn_sb_printf(o, "(substr(coalesce(%s, ''), 1, length(coalesce(%s, ''))) = coalesce(%s, ''))", arg(&a, 0),
			             arg(&a, 1), arg(&a, 1));
			kind = K_BOOL;
		} else if (strcmp(fn, "ends-with") == 0) {
			gn_sb_printf(o, "(length(coalesce(%s, '')) = 0 OR substr(coalesce(%s, ''), -length(coalesce(%s, ''))) = "
			             "coalesce(%s, ''))", arg(&a, 1), arg(&a, 0), arg(&a, 1), arg(&a, 1));
			kind = K_BOOL;
		} else if (strcmp(fn, "normalize-space") == 0) {
			gn_sb_printf(o, "gn_normalize_space(%s)", arg(&a, 0));
			kind = K_STR;
		} else if ((strcmp(fn, "min") == 0 || strcmp(fn, "max") == 0) && a.n > 1) {
			gn_sb_printf(o, "%s(", fn);
			for (int k = 0; k < a.n; k++) {
				if (k)
					gn_sb_add(o, ", ");
				add_number(o, arg(&a, k), a.kind[k]);
			}
			gn_sb_add(o, ")");
			kind = K_NUM;
		} else if (strcmp(fn, "count") == 0 || strcmp(fn, "sum") == 0 || strcmp(fn, "min") == 0 ||
		           strcmp(fn, "max") == 0 || strcmp(fn, "count-non-empty") == 0) {
			gn_sb_printf(o, "gn_agg('%s', %s)", fn, arg(&a, 0));
			kind = K_NUM;
		} else if (strcmp(fn, "indexed-repeat") == 0) {
			/* indexed-repeat(value, repeat1, i1[, repeat2, i2...]): the repeats
			 * name the levels; the value is indexed once per level */
			if (a.n % 2 == 0) {
				fail(ps, _("wrong number of arguments to %s()"), fn);
			} else {
				gn_strbuf acc = { 0 };
				gn_sb_add(&acc, arg(&a, 0));
				for (int k = 2; k < a.n; k += 2) {
					gn_strbuf next_acc = { 0 };
					gn_sb_printf(&next_acc, "gn_indexed(%s, %s)", gn_sb_str(&acc), arg(&a, k));
					gn_sb_free(&acc);
					acc = next_acc;
				}
				gn_sb_add(o, gn_sb_str(&acc));
				gn_sb_free(&acc);
			}
			kind = K_ANY;
		} else if (strcmp(fn, "once") == 0) {
			/* once(x): x, kept by the screen once the answer has a value */
			gn_sb_printf(o, "(%s)", arg(&a, 0));
			kind = a.kind[0];
		} else if (strcmp(fn, "pi") == 0) {
			gn_sb_add(o, "pi()");
			kind = K_NUM;
		} else if (strcmp(fn, "random") == 0) {
			gn_sb_add(o, "((random() & 9007199254740991) / 9007199254740992.0)");
			kind = K_NUM;
		} else if (strcmp(fn, "uuid") == 0) {
			gn_sb_add(o, "lower(hex(randomblob(16)))");
			kind = K_STR;
		} else if (strcmp(fn, "date") == 0 || strcmp(fn, "date-time") == 0) {
			if (a.kind[0] == K_NUM)
				gn_sb_printf(o, "date(%s + 2440587.5)", arg(&a, 0)); /* days since 1970 */
			else
				gn_sb_printf(o, "(%s)", arg(&a, 0));
			kind = K_STR;
		} else if (strcmp(fn, "pulldata") == 0) {
			/* the value of a CSV file attached to the form: not on this PC */
			gn_sb_add(o, "NULL");
			kind = K_STR;
		} else if (strcmp(fn, "jr:choice-name") == 0) {
			/* jr:choice-name(value, '${question}'): the choice's label */
			char qname[128] = "";
			if (last_string.kind == T_STR && last_string.len > 5 && last_string.start[1] == '$' &&
			    last_string.start[2] == '{')
				snprintf(qname, sizeof qname, "%.*s", (int)(last_string.len - 5 < 127 ? last_string.len - 5 : 127),
				         last_string.start + 3);
			int q = *qname ? find_ref(ps, qname) : -1;
			const gn_field *f = q >= 0 ? &ps->form->fields[q] : NULL;
			if (ps->st != GN_OK) {
				/* said by find_ref */
			} else if (!f || !f->list) {
				fail(ps, _("jr:choice-name() needs a select question written '${name}': %s"), *qname ? qname : fn);
			} else {
				/* parameter mode: the label in the form's language chosen
				 * (GN_FORM_LANG_PARAM), else as the UI's */
				bool langs = !ps->ref && ps->form->n_langs > 1;
				if (langs)
					gn_sb_add(o, "(CASE " GN_FORM_LANG_PARAM);
				int n_langs = langs ? (int)ps->form->n_langs : 0;
				for (int l = 0; l <= n_langs; l++) {
					bool last = l == n_langs; /* the ELSE, or the only one */
					if (langs)
						gn_sb_printf(o, last ? " ELSE " : " WHEN %d THEN ", l);
					gn_sb_printf(o, "(CASE %s", arg(&a, 0));
					for (size_t k = 0; k < f->list->n; k++) {
						char *one = sqlite3_mprintf(" WHEN %Q THEN %Q", f->list->items[k].name,
						                            gn_form_choice_text_in(ps->form, &f->list->items[k], last ? -1 : l));
						if (one)
							gn_sb_add(o, one);
						else
							o->failed = true;
						sqlite3_free(one);
					}
					gn_sb_add(o, " ELSE '' END)");
				}
				if (langs)
					gn_sb_add(o, " END)");
			}
			kind = K_STR;
		} else {
			/* the numeric functions: abs, floor, ceiling, pow, sqrt, exp, log... */
			static const char *const math[][2] = { { "abs", "abs" }, { "floor", "floor" }, { "ceiling", "ceil" },
				{ "pow", "pow" }, { "sqrt", "sqrt" }, { "exp", "exp" }, { "exp10", "pow(10, " }, { "log", "ln" },
				{ "log10", "log10" }, { "sin", "sin" }, { "cos", "cos" }, { "tan", "tan" }, { "asin", "asin" },
				{ "acos", "acos" }, { "atan", "atan" }, { "atan2", "atan2" } };
			for (size_t m = 0; m < sizeof math / sizeof *math; m++)
				if (strcmp(fn, math[m][0]) == 0) {
					bool opened = strchr(math[m][1], '(') != NULL;
					gn_sb_printf(o, "%s%s", math[m][1], opened ? "" : "(");
					for (int k = 0; k < a.n; k++) {
						if (k)
							gn_sb_add(o, ", ");
						add_number(o, arg(&a, k), a.kind[k]);
					}
					gn_sb_add(o, ")");
				}
			kind = K_NUM;
		}
		gn_sb_free(&tmp);
	}
	for (int k = 0; k < a.n; k++)
		gn_sb_free(&a.sql[k]);
	ps->kind = kind;
}

static void primary(parser *ps)
{
	tok t = ps->cur;
	switch (t.kind) {
	case T_NUM:
		gn_sb_addn(ps->out, t.start, t.len);
		ps->kind = K_NUM;
		next(ps);
		return;
	case T_STR:
		emit_string(ps, &t);
		ps->kind = K_STR;
		next(ps);
		return;
	case T_DOT:
		if (ps->self < 0) {
			fail(ps, _("%s: '.' only means something in a field's own constraint"), ".");
			return;
		}
		/* '.' is the field's own value, never its calculation. */
		emit_value(ps, ps->self);
		next(ps);
		return;
	case T_PATH:
	case T_REF: {
		char name[128];
		if (t.kind == T_PATH) {
			const char *last = t.start + t.len;
			while (last > t.start && last[-1] != '/')
				last--;
			snprintf(name, sizeof name, "%.*s", (int)((size_t)(t.start + t.len - last) < 127 ? t.start + t.len - last : 127),
			         last);
		} else {
			snprintf(name, sizeof name, "%.*s", (int)(t.len - 3 < 127 ? t.len - 3 : 127), t.start + 2);
		}
		int index = find_ref(ps, name);
		if (ps->st != GN_OK)
			return;
		if (index < 0 || (!gn_field_is_question(&ps->form->fields[index]) &&
		                  ps->form->fields[index].type != GN_FT_BEGIN_REPEAT &&
		                  ps->form->fields[index].type != GN_FT_NOTE)) {
			fail(ps, _("${%s} is not a question of this form"), name);
			return;
		}
		emit_field(ps, index);
		next(ps);
		return;
	}
	case T_LP:
		next(ps);
		gn_sb_add(ps->out, "(");
		expr_or(ps);
		gn_sb_add(ps->out, ")");
		expect(ps, T_RP, "')'");
		return;
	case T_NAME: {
		next(ps);
		if (ps->cur.kind == T_LP) {
			function_call(ps, &t);
			return;
		}
		char word[48];
		snprintf(word, sizeof word, "%.*s", (int)(t.len < 47 ? t.len : 47), t.start);
		if (ps->filter) {
			/* in a choice_filter: a column of the choices sheet */
			if (strcmp(word, "name") == 0) {
				gn_sb_printf(ps->out, "?%zu", ps->form->n_fields + 2 + ps->form->n_choice_cols);
				ps->kind = K_STR;
				return;
			}
			char canon[64];
			form_canon_column(word, canon, sizeof canon); /* label::English is label::en */
			for (size_t k = 0; k < ps->form->n_choice_cols; k++)
				if (strcmp(ps->form->choice_cols[k], canon) == 0) {
					gn_sb_printf(ps->out, "coalesce(?%zu, '')", ps->form->n_fields + 2 + k);
					ps->kind = K_STR;
					return;
				}
			/* XPath: a child the item does not have is an empty node-set */
			if (ps->unknown && !ps->unknown[0])
				snprintf(ps->unknown, 64, "%s", word);
			gn_sb_add(ps->out, "''");
			ps->kind = K_STR;
			return;
		}
		fail(ps, _("%s is not a function or a ${field}; names of tables or columns are not allowed"), word);
		return;
	}
	default:
		fail_here(ps, _("unexpected %s"));
	}
}

static void unary(parser *ps)
{
	if (ps->cur.kind == T_MINUS) {
		next(ps);
		gn_strbuf *outer = ps->out;
		gn_strbuf operand = { 0 };
		ps->out = &operand;
		unary(ps);
		ps->out = outer;
		gn_sb_add(outer, "-");
		add_number(outer, gn_sb_str(&operand), ps->kind);
		gn_sb_free(&operand);
		ps->kind = K_NUM;
		return;
	}
	primary(ps);
}

/* Parses one operand of a binary operator into its own buffer. */
static int operand(parser *ps, void (*level)(parser *), gn_strbuf *into)
{
	gn_strbuf *outer = ps->out;
	ps->out = into;
	ps->kind = K_ANY;
	level(ps);
	ps->out = outer;
	return ps->kind;
}

static void multiplicative(parser *ps)
{
	gn_strbuf left = { 0 };
	int lk = operand(ps, unary, &left);
	for (;;) {
		const char *op = NULL;
		if (ps->cur.kind == T_STAR)
			op = "*";
		else if (is_word(&ps->cur, "div"))
			op = "/";
		else if (is_word(&ps->cur, "mod"))
			op = "%";
		if (!op || ps->st != GN_OK)
			break;
		next(ps);
		gn_strbuf right = { 0 }, both = { 0 }, l = { 0 }, r = { 0 };
		int rk = operand(ps, unary, &right);
		add_number(&l, gn_sb_str(&left), lk);
		add_number(&r, gn_sb_str(&right), rk);
		/* XPath's div is real division; SQLite's / on integers is not. */
		if (strcmp(op, "/") == 0)
			gn_sb_printf(&both, "(CAST(%s AS REAL) / %s)", gn_sb_str(&l), gn_sb_str(&r));
		else
			gn_sb_printf(&both, "(%s %s %s)", gn_sb_str(&l), op, gn_sb_str(&r));
		gn_sb_free(&left);
		gn_sb_free(&right);
		gn_sb_free(&l);
		gn_sb_free(&r);
		left = both;
		lk = K_NUM;
	}
	gn_sb_add(ps->out, gn_sb_str(&left));
	gn_sb_free(&left);
	ps->kind = lk;
}

static void additive(parser *ps)
{
	gn_strbuf left = { 0 };
	int lk = operand(ps, multiplicative, &left);
	while ((ps->cur.kind == T_PLUS || ps->cur.kind == T_MINUS) && ps->st == GN_OK) {
		const char *op = ps->cur.kind == T_PLUS ? "+" : "-";
		next(ps);
		gn_strbuf right = { 0 }, both = { 0 };
		int rk = operand(ps, multiplicative, &right);
		add_number(&both, gn_sb_str(&left), lk);
		gn_sb_printf(&both, " %s ", op);
		add_number(&both, gn_sb_str(&right), rk);
		gn_sb_free(&left);
		gn_sb_free(&right);
		left = both;
		lk = K_NUM;
	}
	gn_sb_add(ps->out, gn_sb_str(&left));
	gn_sb_free(&left);
	ps->kind = lk;
}

/* < <= > >=: both sides as numbers (XPath 1.0, 3.4), so '10' < '9' is
 * false and '3' > 6 is false. */
static void relational(parser *ps)
{
	static const tok_kind k[] = { T_LT, T_LE, T_GT, T_GE };
	static const char *const o[] = { "<", "<=", ">", ">=" };
	gn_strbuf left = { 0 };
	int lk = operand(ps, additive, &left);
	for (;;) {
		size_t i;
		for (i = 0; i < 4; i++)
			if (ps->cur.kind == k[i])
				break;
		if (i == 4 || ps->st != GN_OK)
			break;
		next(ps);
		gn_strbuf right = { 0 }, both = { 0 };
		int rk = operand(ps, additive, &right);
		gn_sb_add(&both, "(");
		add_number(&both, gn_sb_str(&left), lk);
		gn_sb_printf(&both, " %s ", o[i]);
		add_number(&both, gn_sb_str(&right), rk);
		gn_sb_add(&both, ")");
		gn_sb_free(&left);
		gn_sb_free(&right);
		left = both;
		lk = K_BOOL;
	}
	gn_sb_add(ps->out, gn_sb_str(&left));
	gn_sb_free(&left);
	ps->kind = lk;
}

/* = !=: booleans if either side is one, else numbers if either is, else
 * strings (XPath 1.0, 3.4); when a side's type is known only at run time
 * gn_eq decides, so '1' = 1 is true. */
static void equality(parser *ps)
{
	gn_strbuf left = { 0 };
	int lk = operand(ps, relational, &left);
	while ((ps->cur.kind == T_EQ || ps->cur.kind == T_NE) && ps->st == GN_OK) {
		bool ne = ps->cur.kind == T_NE;
		next(ps);
		gn_strbuf right = { 0 }, both = { 0 };
		int rk = operand(ps, relational, &right);
		const char *l = gn_sb_str(&left), *r = gn_sb_str(&right);
		if (lk == K_BOOL && rk == K_BOOL)
			gn_sb_printf(&both, "(%s %s %s)", l, ne ? "<>" : "=", r);
		else if (lk == K_BOOL || rk == K_BOOL)
			gn_sb_printf(&both, "(gn_bool(%s) %s gn_bool(%s))", l, ne ? "<>" : "=", r);
		else if ((lk == K_NUM && rk == K_NUM) || (lk == K_STR && rk == K_STR))
			gn_sb_printf(&both, "(%s %s %s)", l, ne ? "<>" : "=", r);
		else
			gn_sb_printf(&both, "(%sgn_eq(%s, %s))", ne ? "NOT " : "", l, r);
		gn_sb_free(&left);
		gn_sb_free(&right);
		left = both;
		lk = K_BOOL;
	}
	gn_sb_add(ps->out, gn_sb_str(&left));
	gn_sb_free(&left);
	ps->kind = lk;
}

static void expr_and(parser *ps)
{
	gn_strbuf left = { 0 };
	int lk = operand(ps, equality, &left);
	if (!is_word(&ps->cur, "and")) {
		gn_sb_add(ps->out, gn_sb_str(&left));
		gn_sb_free(&left);
		ps->kind = lk;
		return;
	}
	add_bool(ps->out, gn_sb_str(&left), lk);
	gn_sb_free(&left);
	while (is_word(&ps->cur, "and") && ps->st == GN_OK) {
		next(ps);
		gn_strbuf right = { 0 };
		int rk = operand(ps, equality, &right);
		gn_sb_add(ps->out, " AND ");
		add_bool(ps->out, gn_sb_str(&right), rk);
		gn_sb_free(&right);
	}
	ps->kind = K_BOOL;
}

static void expr_or(parser *ps)
{
	gn_strbuf left = { 0 };
	int lk = operand(ps, expr_and, &left);
	if (!is_word(&ps->cur, "or")) {
		gn_sb_add(ps->out, gn_sb_str(&left));
		gn_sb_free(&left);
		ps->kind = lk;
		return;
	}
	add_bool(ps->out, gn_sb_str(&left), lk);
	gn_sb_free(&left);
	while (is_word(&ps->cur, "or") && ps->st == GN_OK) {
		next(ps);
		gn_strbuf right = { 0 };
		int rk = operand(ps, expr_and, &right);
		gn_sb_add(ps->out, " OR ");
		add_bool(ps->out, gn_sb_str(&right), rk);
		gn_sb_free(&right);
	}
	ps->kind = K_BOOL;
}

static gn_status translate(const gn_form *form, const char *expr, int self, gn_form_ref_fn ref, void *arg,
                           bool filter, char *unknown, char **sql, gn_err *err)
{
	gn_strbuf out = { 0 };
	parser ps = { .form = form, .src = expr, .p = expr, .self = self, .ref = ref, .ref_arg = arg,
	              .out = &out, .err = err, .st = GN_OK, .filter = filter, .unknown = unknown };
	if (unknown)
		unknown[0] = '\0';
	*sql = NULL;
	if (!expr || !*expr)
		return gn_fail(err, GN_ERR_INVALID, _("the expression is empty"));
	if (strchr(expr, ';'))
		return gn_fail(err, GN_ERR_INVALID, _("';' is not allowed in an expression"));
	next(&ps);
	gn_sb_add(&out, "(");
	expr_or(&ps);
	gn_sb_add(&out, ")");
	if (ps.st == GN_OK && ps.cur.kind != T_END)
		fail_here(&ps, _("unexpected %s"));
	if (ps.st == GN_OK && out.failed)
		ps.st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (ps.st != GN_OK) {
		gn_sb_free(&out);
		return ps.st;
	}
	*sql = gn_sb_take(&out);
	return *sql ? GN_OK : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
}

gn_status gn_form_translate(const gn_form *form, const char *expr, int self, gn_form_ref_fn ref, void *arg,
                            char **sql, gn_err *err)
{
	return translate(form, expr, self, ref, arg, false, NULL, sql, err);
}

gn_status gn_form_translate_filter(const gn_form *form, const char *expr, int self, char **sql, char unknown[64],
                                   gn_err *err)
{
	return translate(form, expr, self, NULL, NULL, true, unknown, sql, err);
}

gn_status gn_form_conjuncts(const char *expr, char ***parts, size_t *n, gn_err *err)
{
	*parts = NULL;
	*n = 0;
	/* the tokens, with their place in the source */
	parser ps = { .src = expr, .p = expr, .err = err, .st = GN_OK };
	tok *toks = NULL;
	size_t nt = 0;
	for (next(&ps); ps.cur.kind != T_END; next(&ps)) {
		tok *more = realloc(toks, (nt + 1) * sizeof *more);
		if (!more) {
			free(toks);
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		}
		toks = more;
		toks[nt++] = ps.cur;
		if (ps.cur.kind == T_BAD)
			break;
	}
	size_t first = 0, last = nt; /* [first, last) */
	/* "(a and b)": the parentheses around the whole are not a part */
	while (last - first >= 2 && toks[first].kind == T_LP && toks[last - 1].kind == T_RP) {
		int depth = 0;
		size_t k;
		for (k = first; k < last; k++) {
			depth += toks[k].kind == T_LP ? 1 : toks[k].kind == T_RP ? -1 : 0;
			if (depth == 0)
				break;
		}
		if (k != last - 1)
			break;
		first++;
		last--;
	}
	gn_status st = GN_OK;
	int depth = 0;
	size_t start = first;
	for (size_t k = first; k <= last && st == GN_OK; k++) {
		bool cut = k == last || (depth == 0 && is_word(&toks[k], "and"));
		if (k < last)
			depth += toks[k].kind == T_LP ? 1 : toks[k].kind == T_RP ? -1 : 0;
		if (!cut)
			continue;
		if (k > start) {
			const char *from = toks[start].start, *to = toks[k - 1].start + toks[k - 1].len;
			char **more = realloc(*parts, (*n + 1) * sizeof *more);
			char *part = more ? strndup(from, (size_t)(to - from)) : NULL;
			if (more)
				*parts = more;
			if (!part)
				st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			else
				(*parts)[(*n)++] = part;
		}
		start = k + 1;
	}
	free(toks);
	return st;
}
