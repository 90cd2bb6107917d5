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

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum tok_kind {
	T_END, T_NUM, T_STR, T_REF, T_DOT, T_NAME, T_LP, T_RP, T_COMMA,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_PLUS, T_MINUS, T_STAR, T_BAD,
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

/* Text answers compare as '' when empty (as in XPath); numbers stay NULL
 * so that an empty number is never "greater than 18". */
static bool textual(const gn_field *f)
{
	return f->type == GN_FT_TEXT || f->type == GN_FT_SELECT_ONE || f->type == GN_FT_SELECT_MULTIPLE ||
	       f->type == GN_FT_DATE;
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
			fail(ps, _("%s has no calculation"), f->name);
			return;
		}
		const char *saved_p = ps->p;
		tok saved = ps->cur;
		const char *saved_src = ps->src;
		ps->src = ps->p = f->calculation_src;
		gn_sb_add(ps->out, "(");
		next(ps);
		expr_or(ps);
		if (ps->cur.kind != T_END)
			fail_here(ps, _("unexpected %s"));
		gn_sb_add(ps->out, ")");
		ps->src = saved_src;
		ps->p = saved_p;
		ps->cur = saved;
		ps->depth--;
		return;
	}
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
}

/* name(args): the XLSForm functions and what SQL does for each. */
static void function_call(parser *ps, const tok *name)
{
	char fn[32];
	snprintf(fn, sizeof fn, "%.*s", (int)(name->len < 31 ? name->len : 31), name->start);
	static const struct { const char *xls, *open, *sep, *close; int min, max; } map[] = {
		{ "selected", "gn_selected(", ", ", ")", 2, 2 },
		{ "count-selected", "gn_count_selected(", "", ")", 1, 1 },
		{ "string-length", "length(coalesce(", "", ", ''))", 1, 1 },
		{ "regex", "gn_regex(", ", ", ")", 2, 2 },
		{ "if", "(CASE WHEN coalesce(", ", 0) THEN ", " END)", 3, 3 }, /* separators fixed below */
		{ "today", "gn_today(", "", ")", 0, 0 },
		{ "now", "gn_today(", "", ")", 0, 0 },
		{ "int", "CAST(", "", " AS INTEGER)", 1, 1 },
		{ "round", "round(", ", ", ")", 1, 2 },
		{ "coalesce", "coalesce(nullif(", ", ''), ", ")", 2, 2 },
		{ "concat", "(", " || ", ")", 1, 32 },
		{ "format-date", "strftime(", ", ", ")", 2, 2 }, /* arguments swapped below */
		{ "substr", "substr(", ", ", ")", 2, 3 },
		{ "number", "CAST(", "", " AS REAL)", 1, 1 },
		{ "string", "CAST(", "", " AS TEXT)", 1, 1 },
		{ "not", "NOT coalesce(", "", ", 0)", 1, 1 },
		{ "true", "1", "", "", 0, 0 },
		{ "false", "0", "", "", 0, 0 },
	};
	size_t i;
	for (i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(map[i].xls, fn) == 0)
			break;
	if (i == sizeof map / sizeof *map) {
		fail(ps, _("unknown function %s()"), fn);
		return;
	}
	next(ps); /* ( */
	/* Each argument is translated into its own buffer, then assembled. */
	gn_strbuf args[32] = { { 0 } };
	int n = 0;
	gn_strbuf *outer = ps->out;
	if (ps->cur.kind != T_RP) {
		for (;;) {
			if (n == 32) {
				fail(ps, _("too many arguments to %s()"), fn);
				break;
			}
			ps->out = &args[n++];
			expr_or(ps);
			if (ps->cur.kind != T_COMMA)
				break;
			next(ps);
		}
	}
	ps->out = outer;
	expect(ps, T_RP, "')'");
	if (ps->st == GN_OK && (n < map[i].min || n > map[i].max))
		fail(ps, _("wrong number of arguments to %s()"), fn);
	if (ps->st == GN_OK) {
		if (strcmp(fn, "if") == 0) {
			gn_sb_printf(outer, "(CASE WHEN coalesce(%s, 0) THEN %s ELSE %s END)", gn_sb_str(&args[0]),
			             gn_sb_str(&args[1]), gn_sb_str(&args[2]));
		} else if (strcmp(fn, "format-date") == 0) {
			gn_sb_printf(outer, "strftime(%s, %s)", gn_sb_str(&args[1]), gn_sb_str(&args[0]));
		} else if (strcmp(fn, "concat") == 0) {
			gn_sb_add(outer, "(");
			for (int k = 0; k < n; k++)
				gn_sb_printf(outer, "%scoalesce(%s, '')", k ? " || " : "", gn_sb_str(&args[k]));
			gn_sb_add(outer, ")");
		} else {
			gn_sb_add(outer, map[i].open);
			for (int k = 0; k < n; k++) {
				if (k)
					gn_sb_add(outer, map[i].sep);
				gn_sb_add(outer, gn_sb_str(&args[k]));
			}
			gn_sb_add(outer, map[i].close);
		}
	}
	for (int k = 0; k < n; k++)
		gn_sb_free(&args[k]);
}

static void primary(parser *ps)
{
	tok t = ps->cur;
	switch (t.kind) {
	case T_NUM:
		gn_sb_addn(ps->out, t.start, t.len);
		next(ps);
		return;
	case T_STR:
		emit_string(ps, &t);
		next(ps);
		return;
	case T_DOT:
		if (ps->self < 0) {
			fail(ps, _("%s: '.' only means something in a field's own constraint"), ".");
			return;
		}
		{
			/* '.' is the field's own value, never its calculation. */
			const gn_field *f = &ps->form->fields[ps->self];
			if (textual(f))
				gn_sb_add(ps->out, "coalesce(");
			if (ps->ref) {
				gn_status st = ps->ref(ps->ref_arg, ps->form, f, ps->out, ps->err);
				if (st != GN_OK && ps->st == GN_OK)
					ps->st = st;
			} else {
				gn_sb_printf(ps->out, "?%d", ps->self + 1);
			}
			if (textual(f))
				gn_sb_add(ps->out, ", '')");
		}
		next(ps);
		return;
	case T_REF: {
		char name[128];
		snprintf(name, sizeof name, "%.*s", (int)(t.len - 3 < 127 ? t.len - 3 : 127), t.start + 2);
		int index = gn_form_find(ps->form, name);
		if (index < 0 || !gn_field_is_question(&ps->form->fields[index])) {
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
		gn_sb_add(ps->out, "-");
	}
	primary(ps);
}

static void multiplicative(parser *ps)
{
	gn_strbuf *outer = ps->out;
	gn_strbuf left = { 0 };
	ps->out = &left;
	unary(ps);
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
		gn_strbuf right = { 0 };
		ps->out = &right;
		unary(ps);
		gn_strbuf both = { 0 };
		/* XPath's div is real division; SQLite's / on integers is not. */
		if (strcmp(op, "/") == 0)
			gn_sb_printf(&both, "(CAST(%s AS REAL) / %s)", gn_sb_str(&left), gn_sb_str(&right));
		else
			gn_sb_printf(&both, "(%s %s %s)", gn_sb_str(&left), op, gn_sb_str(&right));
		gn_sb_free(&left);
		gn_sb_free(&right);
		left = both;
		ps->out = &left;
	}
	ps->out = outer;
	gn_sb_add(outer, gn_sb_str(&left));
	gn_sb_free(&left);
}

static void binary_level(parser *ps, void (*operand)(parser *), const tok_kind *kinds, const char *const *ops,
                         size_t n_ops)
{
	operand(ps);
	for (;;) {
		size_t i;
		for (i = 0; i < n_ops; i++)
			if (ps->cur.kind == kinds[i])
				break;
		if (i == n_ops || ps->st != GN_OK)
			return;
		next(ps);
		gn_sb_printf(ps->out, " %s ", ops[i]);
		operand(ps);
	}
}

static void additive(parser *ps)
{
	static const tok_kind k[] = { T_PLUS, T_MINUS };
	static const char *const o[] = { "+", "-" };
	binary_level(ps, multiplicative, k, o, 2);
}

static void relational(parser *ps)
{
	static const tok_kind k[] = { T_LT, T_LE, T_GT, T_GE };
	static const char *const o[] = { "<", "<=", ">", ">=" };
	binary_level(ps, additive, k, o, 4);
}

static void equality(parser *ps)
{
	static const tok_kind k[] = { T_EQ, T_NE };
	static const char *const o[] = { "=", "<>" };
	binary_level(ps, relational, k, o, 2);
}

static void expr_and(parser *ps)
{
	equality(ps);
	while (is_word(&ps->cur, "and") && ps->st == GN_OK) {
		next(ps);
		gn_sb_add(ps->out, " AND ");
		equality(ps);
	}
}

static void expr_or(parser *ps)
{
	expr_and(ps);
	while (is_word(&ps->cur, "or") && ps->st == GN_OK) {
		next(ps);
		gn_sb_add(ps->out, " OR ");
		expr_and(ps);
	}
}

gn_status gn_form_translate(const gn_form *form, const char *expr, int self, gn_form_ref_fn ref, void *arg,
                            char **sql, gn_err *err)
{
	gn_strbuf out = { 0 };
	parser ps = { .form = form, .src = expr, .p = expr, .self = self, .ref = ref, .ref_arg = arg,
	              .out = &out, .err = err, .st = GN_OK };
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
	if (ps.st != GN_OK) {
		gn_sb_free(&out);
		return ps.st;
	}
	*sql = gn_sb_take(&out);
	return *sql ? GN_OK : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
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
