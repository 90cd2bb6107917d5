/* The form's rules over stored rows, set-based (include/gonha/forms/validate.h).
 *
 * For every question of the level with a constraint or a required, the
 * forms engine translates the XLSForm expressions into SQL over the row
 * (core questions are columns, the others keys of the answers JSON, a
 * household question seen from a person through its household), with the
 * same meaning the form screen gives them one record at a time:
 *   - a question is relevant unless its relevant (or an enclosing group's)
 *     is false; one that cannot be evaluated counts as relevant;
 *   - a constraint holds only when it evaluates to true, and is only asked
 *     of a value present;
 *   - required is asked of a relevant question with no answer.
 * Each rule is one bit of a mask computed per row, so a whole file or ward
 * is checked by one scan. */
#include "gonha/forms/validate.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ${name} over a stored row: the row's own table, or for a person the
 * household it lives in. Numbers in the answers JSON are text: cast, so
 * that they compare as numbers, as the form screen binds them. */
static gn_status row_column(void *arg, const gn_form *form, const gn_field *f, gn_strbuf *out, gn_err *err)
{
	int level = *(const int *)arg;
	const char *table = f->level ? "person" : "household";
	bool numeric = f->type == GN_FT_INTEGER || f->type == GN_FT_DECIMAL;
	if (f->level > level)
		return gn_fail(err, GN_ERR_INVALID, _("%s is a member's question; a household's rule cannot read it"),
		               f->name);
	if (f->level < level)
		gn_sb_add(out, "(SELECT ");
	if (gn_form_column_sql(form, f, table, out))
		; /* a role's column */
	else /* names are [A-Za-z0-9_], checked at load: safe inside the path */
		gn_sb_printf(out, numeric ? "CAST(json_extract(%s.answers, '$.%s') AS %s)" : "json_extract(%s.answers, '$.%s')",
		             table, f->name, f->type == GN_FT_INTEGER ? "INTEGER" : "REAL");
	if (f->level < level)
		gn_sb_add(out, " FROM household WHERE household.id = person.household_id)");
	return GN_OK;
}

/* The SQL of an expression of field i, or NULL when it has none. */
static gn_status translate(const gn_form *form, int level, const char *src, int self, char **sql, gn_err *err)
{
	*sql = NULL;
	if (!src || !*src)
		return GN_OK;
	return gn_form_translate(form, src, self, row_column, &level, sql, err);
}

/* "the field is relevant" for field i: its own relevant and every
 * enclosing group's, each false only when it evaluates to false. */
static gn_status relevant_sql(const gn_form *form, int level, size_t i, gn_strbuf *out, gn_err *err)
{
	gn_sb_add(out, "(1");
	for (size_t g = 0; g <= i; g++) {
		const gn_field *f = &form->fields[g];
		bool opens = f->type == GN_FT_BEGIN_GROUP || f->type == GN_FT_BEGIN_REPEAT;
		if (g < i && !opens)
			continue;
		if (g < i) { /* does the group enclose field i? */
			int depth = 0;
			bool inside = false;
			for (size_t k = g + 1; k <= i && !inside; k++) {
				gn_field_type t = form->fields[k].type;
				if (k == i && depth >= 0)
					inside = true;
				else if (t == GN_FT_BEGIN_GROUP || t == GN_FT_BEGIN_REPEAT)
					depth++;
				else if ((t == GN_FT_END_GROUP || t == GN_FT_END_REPEAT) && depth-- == 0)
					break;
			}
			if (!inside)
				continue;
		}
		char *sql = NULL;
		gn_status st = translate(form, level, f->relevant_src, g == i ? (int)i : -1, &sql, err);
		if (st != GN_OK)
			return st;
		if (sql)
			gn_sb_printf(out, " AND NOT coalesce(CAST((%s) AS REAL) = 0, 0)", sql);
		free(sql);
	}
	gn_sb_add(out, ")");
	return GN_OK;
}

typedef struct rule {
	size_t field;
	gn_rule_kind kind;
} rule;

#define RULES_PER_QUERY 62

static gn_status run_chunk(const gn_form *form, sqlite3 *db, const gn_rule_rows *rows, const rule *rules, size_t n,
                           const gn_strbuf *bits, gn_rule_violation_fn fn, void *arg, long *count, gn_err *err)
{
	gn_strbuf sql = { 0 };
	gn_sb_printf(&sql, "SELECT k, rid, m");
	for (size_t r = 0; r < n; r++)
		gn_sb_printf(&sql, ", v%zu", r);
	gn_sb_printf(&sql, " FROM (SELECT (%s) AS k, %s.id AS rid, (%s) AS m", rows->key, rows->level ? "person" : "household",
	             gn_sb_str(bits));
	for (size_t r = 0; r < n; r++) {
		const gn_field *f = &form->fields[rules[r].field];
		int level = rows->level;
		gn_sb_printf(&sql, ", ");
		if (row_column(&level, form, f, &sql, err) != GN_OK) {
			gn_sb_free(&sql);
			return err ? err->status : GN_ERR_INVALID;
		}
		gn_sb_printf(&sql, " AS v%zu", r);
	}
	gn_sb_printf(&sql, " FROM %s) WHERE m <> 0 ORDER BY k", rows->from);
	if (sql.failed) {
		gn_sb_free(&sql);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	sqlite3_stmt *q = NULL;
	gn_status st = GN_OK;
	if (sqlite3_prepare_v2(db, gn_sb_str(&sql), -1, &q, NULL) != SQLITE_OK) {
		st = gn_fail(err, GN_ERR_DB, _("the rules of the questionnaire cannot be checked: %s"), sqlite3_errmsg(db));
		goto out;
	}
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		long long key = sqlite3_column_int64(q, 0), mask = sqlite3_column_int64(q, 2);
		const char *id = (const char *)sqlite3_column_text(q, 1);
		for (size_t r = 0; r < n; r++)
			if (mask & (1LL << r)) {
				(*count)++;
				if (fn)
					fn(arg, key, id, &form->fields[rules[r].field], rules[r].kind,
					   (const char *)sqlite3_column_text(q, 3 + (int)r));
			}
	}
	if (rc != SQLITE_DONE)
		st = gn_fail(err, GN_ERR_DB, _("the rules of the questionnaire cannot be checked: %s"), sqlite3_errmsg(db));
out:
	sqlite3_finalize(q);
	gn_sb_free(&sql);
	return st;
}

gn_status gn_form_check_rows(const gn_form *form, sqlite3 *db, const gn_rule_rows *rows, gn_rule_violation_fn fn,
                             void *arg, long *count, gn_err *err)
{
	long found = 0;
	if (count)
		*count = 0;
	if (!form)
		return GN_OK;
	rule rules[RULES_PER_QUERY];
	size_t n = 0;
	gn_strbuf bits = { 0 };
	gn_sb_add(&bits, "0");
	gn_status st = GN_OK;
	for (size_t i = 0; i < form->n_fields && st == GN_OK; i++) {
		const gn_field *f = &form->fields[i];
		if (f->level != rows->level || !gn_field_is_question(f) || f->type == GN_FT_CALCULATE)
			continue;
		bool has_required = rows->required_too && (f->required_always || f->required);
		if (!f->constraint_src[0] && !has_required)
			continue;
		gn_strbuf value = { 0 }, relevant = { 0 };
		int level = rows->level;
		char *constraint = NULL;
		st = row_column(&level, form, f, &value, err);
		if (st == GN_OK)
			st = relevant_sql(form, rows->level, i, &relevant, err);
		if (st == GN_OK)
			st = translate(form, rows->level, f->constraint_src, (int)i, &constraint, err);
		const char *v = gn_sb_str(&value);
		if (st == GN_OK && constraint) {
			gn_sb_printf(&bits, " | (CASE WHEN coalesce(%s, '') <> '' AND %s AND NOT coalesce(CAST((%s) AS REAL) <> 0, 0) "
			             "THEN %lld ELSE 0 END)", v, gn_sb_str(&relevant), constraint, 1LL << n);
			rules[n++] = (rule){ i, GN_RULE_KIND_CONSTRAINT };
		}
		if (st == GN_OK && has_required) {
			char *req = NULL;
			if (!f->required_always)
				st = translate(form, rows->level, f->required_src, (int)i, &req, err);
			if (st == GN_OK) {
				gn_sb_printf(&bits, " | (CASE WHEN coalesce(%s, '') = '' AND %s AND %s THEN %lld ELSE 0 END)", v,
				             gn_sb_str(&relevant), req ? req : "1", 1LL << n);
				rules[n++] = (rule){ i, GN_RULE_KIND_REQUIRED };
			}
			free(req);
		}
		free(constraint);
		gn_sb_free(&value);
		gn_sb_free(&relevant);
		if (st == GN_OK && n >= RULES_PER_QUERY - 1) {
			st = run_chunk(form, db, rows, rules, n, &bits, fn, arg, &found, err);
			n = 0;
			gn_sb_free(&bits);
			gn_sb_add(&bits, "0");
		}
	}
	if (st == GN_OK && n)
		st = run_chunk(form, db, rows, rules, n, &bits, fn, arg, &found, err);
	if (st == GN_OK && bits.failed)
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	gn_sb_free(&bits);
	if (count)
		*count = found;
	return st;
}

typedef struct stored_check {
	gn_check_report_fn report;
	void *arg;
	const char *table;
} stored_check;

static void on_stored(void *arg, long long key, const char *record_id, const gn_field *f, gn_rule_kind kind,
                      const char *value)
{
	(void)key;
	(void)value; /* never printed: the output names records, not their personal data */
	stored_check *sc = arg;
	if (kind != GN_RULE_KIND_CONSTRAINT || !sc->report)
		return;
	char detail[GN_ERR_MSG_MAX + 80];
	snprintf(detail, sizeof detail, "%s: %s", f->name, gn_field_constraint_message(f));
	sc->report(sc->arg, GN_RULE_FORM, sc->table, record_id, detail);
}

gn_status gn_form_check_stored(const gn_form *form, sqlite3 *db, const char *only, gn_check_report_fn report, void *arg,
                               long *problems, gn_err *err)
{
	long total = 0;
	gn_status st = GN_OK;
	for (int level = 0; level <= 1 && st == GN_OK; level++) {
		const char *table = level ? "person" : "household";
		stored_check sc = { report, arg, table };
		char *from = sqlite3_mprintf("%s WHERE %s.deleted = 0%s%s%s", table, table, only ? " AND (" : "",
		                             only ? only : "", only ? ")" : "");
		if (!from) {
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			break;
		}
		gn_rule_rows rows = { .level = level, .key = "rowid", .from = from };
		long n = 0;
		st = gn_form_check_rows(form, db, &rows, on_stored, &sc, &n, err);
		sqlite3_free(from);
		total += n;
	}
	if (problems)
		*problems = total;
	return st;
}
