/* The import's checks: each row through the one validation path (the
 * form's type of each cell, the domain's rules of the record, what a
 * spreadsheet did), the form's constraints over every row written, and
 * the TDP a code names. */
#include "import.h"
#include "spreadsheet.h"
#include "gonha/domain/household.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/session.h"
#include "gonha/forms/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The TDP id of a code, and whether the user may change it; canonical (if
 * not NULL) gets the code as stored. */
static bool tdp_lookup(importer *im, const char *code, char id[37], char canonical[32]);

bool imp_tdp_for_code_as(importer *im, const char *code, char id[37], char canonical[32])
{
	if (*im->last_code && strcmp(code, im->last_code) == 0) {
		memcpy(id, im->last_code_tdp, 37);
		if (canonical)
			memcpy(canonical, im->last_canonical, 32);
		return true;
	}
	char canon[32] = "";
	if (!tdp_lookup(im, code, id, canon))
		return false;
	if (canonical)
		memcpy(canonical, canon, 32);
	if (strlen(code) < sizeof im->last_code) {
		snprintf(im->last_code, sizeof im->last_code, "%s", code);
		memcpy(im->last_code_tdp, id, 37);
		memcpy(im->last_canonical, canon, 32);
	}
	return true;
}

/* The TDP of a code, checked against the user's scope; only successes are
 * remembered, so every refused row is named. */
static bool tdp_lookup(importer *im, const char *code, char id[37], char canonical[32])
{
	sqlite3_stmt *q = im->tdp_of;
	id[0] = '\0';
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, code, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(q) == SQLITE_ROW)
		snprintf(id, 37, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	if (!*id && *code && strspn(code, "0123456789") == strlen(code)) {
		/* Excel and Calc read "01" as the number 1: match it without the zeros */
		sqlite3_stmt *z = NULL;
		if (sqlite3_prepare_v2(im->ctx->db, "SELECT id, code FROM tdp WHERE ltrim(code, '0') = ltrim(?1, '0')", -1, &z,
		                       NULL) == SQLITE_OK) {
			sqlite3_bind_text(z, 1, code, -1, SQLITE_STATIC);
			if (sqlite3_step(z) == SQLITE_ROW && sqlite3_column_text(z, 0)) {
				snprintf(id, 37, "%s", (const char *)sqlite3_column_text(z, 0));
				if (canonical)
					snprintf(canonical, 32, "%s", (const char *)sqlite3_column_text(z, 1));
			}
		}
		sqlite3_finalize(z);
	} else if (canonical) {
		snprintf(canonical, 32, "%s", code);
	}
	if (!*id) {
		imp_problem(im, im->row_line, _("there is no TDP with code \"%s\" in this ward"), code);
		return false;
	}
	gn_err e = { 0 };
	if (gn_scope_require_tdp(im->ctx, id, &e) != GN_OK) {
		imp_problem(im, im->row_line, _("TDP %s is not yours: you may not import into it"), code);
		return false;
	}
	return true;
}

bool imp_tdp_for_code(importer *im, const char *code, char id[37])
{
	return imp_tdp_for_code_as(im, code, id, NULL);
}

/* A problem with one cell, named by its column. */
void imp_cell_problem(importer *im, const char *column, const char *value, const char *why)
{
	if (value)
		imp_problem(im, im->row_line, "%s \"%s\": %s", column, value, why);
	else
		imp_problem(im, im->row_line, "%s: %s", column, why);
}

void imp_replace_value(row_values *r, size_t k, char *value)
{
	if (imp_value_owned(r, k))
		free(r->v[k]);
	r->v[k] = value;
	if (r->borrowed)
		r->borrowed[k] = 0;
}

/* The version tokens of the row: one a spreadsheet wrote as a number is
 * the stored one if it rounds to it; else the row is marked, and the
 * merge decides (nothing to decide when the content is the same). */
static void restore_tokens(importer *im, row_values *r, char **local)
{
	im->token_mangled = false;
	int c_version = im->ci.version, c_base = im->ci.base_version;
	int cols[2] = { c_version, c_base };
	for (int i = 0; i < 2; i++) {
		int k = cols[i];
		if (k < 0 || !r->v[k])
			continue;
		const char *candidates[2] = { local ? local[c_version] : NULL, local && c_base >= 0 ? local[c_base] : NULL };
		bool found = false;
		for (int j = 0; j < 2 && !found; j++)
			if (ex_sheet_same_token(candidates[j], r->v[k])) {
				imp_replace_value(r, (size_t)k, strdup(candidates[j]));
				found = true;
			}
		if (!found && ex_sheet_exponent(r->v[k]))
			im->token_mangled = true;
	}
}

/* A select cell: choice names (space separated for several), or their
 * labels (several joined by ';'), as names. NULL when a part is neither. */
static char *choice_names(const gn_field *f, const char *cell)
{
	if (f->type == GN_FT_SELECT_ONE) {
		const char *name = ex_choice_name(f, cell);
		return name ? strdup(name) : NULL;
	}
	const char *whole = ex_choice_name(f, cell);
	if (whole)
		return strdup(whole);
	const char *sep = strchr(cell, ';') ? ";" : " ";
	gn_strbuf value = { 0 };
	char *copy = strdup(cell), *save = NULL;
	bool fine = copy != NULL;
	for (char *t = copy ? strtok_r(copy, sep, &save) : NULL; t && fine; t = strtok_r(NULL, sep, &save)) {
		while (*t == ' ')
			t++;
		size_t l = strlen(t);
		while (l && t[l - 1] == ' ')
			t[--l] = '\0';
		if (!*t)
			continue;
		const char *name = ex_choice_name(f, t);
		if (name)
			gn_sb_printf(&value, "%s%s", value.len ? " " : "", name);
		else
			fine = false;
	}
	free(copy);
	char *out = fine && !value.failed ? strdup(gn_sb_str(&value)) : NULL;
	gn_sb_free(&value);
	return out;
}

/* Each cell on its own: what a spreadsheet did is undone where that is
 * certain and refused where it is not; choices become names; each value
 * has its question's type. */
static bool check_cells(importer *im, row_values *r, char **local)
{
	bool ok = true;
	gn_err e; /* filled by a check that fails (not cleared per cell: a cell is most of a row's work) */
	for (size_t k = 0; k < im->cols.n; k++) {
		const ex_col *c = &im->cols.cols[k];
		if (!r->v[k] || c->kind == EXC_TDP_NAME || c->kind == EXC_DERIVED)
			continue;
		char *undone = ex_sheet_restore(c, r->v[k], local ? local[k] : NULL, im->decimal_comma);
		if (undone)
			imp_replace_value(r, k, undone);
		const char *damage = ex_sheet_damage(c, r->v[k], local ? local[k] : NULL, im->decimal_comma);
		if (damage) {
			imp_cell_problem(im, c->name, r->v[k], damage);
			ok = false;
			continue;
		}
		const gn_field *f = c->field;
		if (!f) {
			char *end;
			if (strcmp(c->name, "walk_order") == 0 && (strtod(r->v[k], &end), *end)) {
				imp_cell_problem(im, c->name, r->v[k], _("must be a number"));
				ok = false;
			}
			continue;
		}
		const char *name = NULL;
		/* a choice already written as its name (names, for several), as
		 * gonha exports them, is kept as it is */
		if ((f->type == GN_FT_SELECT_ONE || f->type == GN_FT_SELECT_MULTIPLE) &&
		    (!(name = ex_choice_name(f, r->v[k])) || strcmp(name, r->v[k]) != 0)) {
			char *names = choice_names(f, r->v[k]);
			if (!names) {
				imp_cell_problem(im, c->name, r->v[k], _("is not one of the choices"));
				ok = false;
				continue;
			}
			imp_replace_value(r, k, names);
		}
		if (gn_form_check_type(f, r->v[k], &e) != GN_OK) {
			imp_cell_problem(im, c->name, r->v[k], e.msg);
			ok = false;
		}
	}
	return ok;
}

/* The record as a whole, by the domain's rules (the same a save from the
 * screen meets): a person's year, sex, relation and CCCD; a household's
 * visit outcome and date. */
static bool check_domain(importer *im, const row_values *r, bool persons)
{
	gn_err e = { 0 };
	gn_status st;
	if (persons) {
		gn_person p = { 0 };
		const char *by = imp_val(r, im->ci.birth_year);
		long year = 0;
		if (by && !imp_parse_int(by, 0, 99999, &year)) {
			imp_cell_problem(im, "birth_year", by, _("type a whole number (digits only)"));
			return false;
		}
		p.birth_year = (int)year;
		p.full_name = (char *)imp_val(r, im->ci.full_name);
		snprintf(p.sex, sizeof p.sex, "%s", imp_val(r, im->ci.sex) ? imp_val(r, im->ci.sex) : "");
		snprintf(p.relation, sizeof p.relation, "%s", imp_val(r, im->ci.relation) ? imp_val(r, im->ci.relation) : "");
		p.cccd = (char *)imp_val(r, im->ci.cccd);
		if (imp_val(r, im->ci.sex) && strlen(imp_val(r, im->ci.sex)) >= sizeof p.sex)
			snprintf(p.sex, sizeof p.sex, "?");
		if (imp_val(r, im->ci.relation) && strlen(imp_val(r, im->ci.relation)) >= sizeof p.relation)
			snprintf(p.relation, sizeof p.relation, "?");
		st = gn_person_validate(&p, im->this_year, &e);
	} else {
		gn_household h = { 0 };
		const char *vs = imp_val(r, im->ci.visit_status);
		snprintf(h.visit_status, sizeof h.visit_status, "%s", vs ? vs : GN_VISIT_NOT_VISITED);
		if (vs && strlen(vs) >= sizeof h.visit_status)
			snprintf(h.visit_status, sizeof h.visit_status, "?");
		h.visit_date = (char *)imp_val(r, im->ci.visit_date);
		st = gn_household_validate_visit(&h, &e);
	}
	if (st == GN_OK)
		return true;
	if (st == GN_ERR_INVALID) {
		const char *field = e.field[0] ? e.field : "";
		imp_cell_problem(im, field, *field ? imp_val_named(im, r, field) : NULL, e.msg);
	} else {
		im->status = gn_fail(im->err, st, "%s", e.msg);
		im->fatal = true;
	}
	return false;
}

/* Checks the row by the one validation path (cells, then the domain's
 * rules; the form's constraints are checked over every row written, at
 * the end of the file) and builds the answers JSON. local: the stored row,
 * or NULL for a record not here. */
bool imp_check_record(importer *im, row_values *r, char **local, gn_strbuf *answers)
{
	bool ok = true;
	bool persons = im->rep->kind == GN_EXK_PERSONS;
	const char *id = imp_val(r, im->ci.id);
	if (!id || !imp_is_uuid(id)) {
		imp_problem(im, im->row_line, _("%s must be a gonha record id (a UUID)"), persons ? "person_id" : "household_id");
		ok = false;
	}
	const char *version = imp_val(r, im->ci.version);
	if (!version || strlen(version) > 64) {
		imp_problem(im, im->row_line, _("version is empty: export the file again from gonha"));
		ok = false;
	}
	if (!imp_val(r, im->ci.updated_at)) {
		imp_problem(im, im->row_line, _("updated_at is empty"));
		ok = false;
	}
	if (persons) {
		const char *hh = imp_val(r, im->ci.household_id);
		if (!hh || !imp_is_uuid(hh)) {
			imp_problem(im, im->row_line, _("household_id must be a gonha record id (a UUID)"));
			ok = false;
		}
		/* a masked CCCD never overwrites: it stands for the one stored */
		int c_cccd = im->ci.cccd;
		if (c_cccd >= 0 && r->v[c_cccd] && strchr(r->v[c_cccd], '*'))
			imp_replace_value(r, (size_t)c_cccd, local && local[c_cccd] ? strdup(local[c_cccd]) : NULL);
	}
	restore_tokens(im, r, local);
	ok = check_cells(im, r, local) && ok;
	ok = ok && check_domain(im, r, persons);
	/* the answers: other_answers first, then each question of the form */
	const char *other = imp_val(r, im->ci.other_answers);
	if (other) {
		sqlite3_stmt *q = NULL;
		bool object = false;
		if (sqlite3_prepare_v2(im->ctx->db, "SELECT json_valid(?1) AND json_type(?1) = 'object'", -1, &q, NULL) ==
		    SQLITE_OK) {
			sqlite3_bind_text(q, 1, other, -1, SQLITE_STATIC);
			object = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
		}
		sqlite3_finalize(q);
		if (!object) {
			imp_problem(im, im->row_line, _("other_answers must be a JSON object, as gonha exported it"));
			ok = false;
		}
	}
	gn_sb_add(answers, other && ok ? other : "{}");
	/* strip the closing brace; members are appended, then it is put back */
	while (answers->len && answers->s[answers->len - 1] != '}')
		answers->len--;
	if (answers->len)
		answers->s[--answers->len] = '\0';
	bool empty = true;
	for (size_t i = 0; i < answers->len; i++)
		if (answers->s[i] != '{' && answers->s[i] != ' ')
			empty = false;
	for (size_t k = 0; k < im->cols.n; k++) {
		const ex_col *c = &im->cols.cols[k];
		if (c->kind != EXC_ANSWER || !r->v[k])
			continue;
		gn_sb_add(answers, empty ? "" : ",");
		gn_sb_json_str(answers, c->name);
		gn_sb_add(answers, ":");
		gn_sb_json_str(answers, r->v[k]);
		empty = false;
	}
	gn_sb_add(answers, "}");
	return ok;
}

bool imp_row_form(importer *im, const row_values *r, const char *tdp_id)
{
	gn_err e = { 0 };
	im->row_form = NULL;
	if (!im->forms.base)
		return true; /* read with no form: nothing to check against */
	/* rows come grouped by TDP, and a TDP's form does not change during
	 * the import: looked up when the TDP changes */
	if (!im->form_of_tdp || strcmp(tdp_id, im->form_tdp) != 0) {
		im->form_of_tdp = NULL;
		if (gn_tdp_forms_of(&im->forms, tdp_id, &im->form_of_tdp, &e) != GN_OK) {
			im->form_of_tdp = NULL;
			if (e.status == GN_ERR_INVALID || e.status == GN_ERR_NOT_FOUND) {
				imp_problem(im, im->row_line, "%s", e.msg);
			} else {
				im->status = gn_fail(im->err, e.status, "%s", e.msg);
				im->fatal = true;
			}
			return false;
		}
		snprintf(im->form_tdp, sizeof im->form_tdp, "%s", tdp_id);
	}
	im->row_form = im->form_of_tdp;
	/* which answer columns are the form's questions: once per form */
	if (im->answer_of_form != im->row_form) {
		unsigned char *of = realloc(im->answer_of, im->cols.n ? im->cols.n : 1);
		if (!of) {
			im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
			im->fatal = true;
			return false;
		}
		im->answer_of = of;
		for (size_t k = 0; k < im->cols.n; k++)
			of[k] = im->cols.cols[k].kind != EXC_ANSWER ||
			        ex_cols_is_answer_of(im->row_form, im->cols.kind, im->cols.cols[k].name);
		im->answer_of_form = im->row_form;
	}
	bool ok = true;
	for (size_t k = 0; k < im->cols.n; k++) {
		const ex_col *c = &im->cols.cols[k];
		if (im->answer_of[k] || !r->v[k])
			continue;
		imp_problem(im, im->row_line,
		            _("column \"%s\" is not a question of the form %s, which this row's TDP enters: "
		              "export and import each form's TDPs with their own columns"),
		            c->name, im->row_form->id);
		ok = false;
	}
	return ok;
}

static void on_violation(void *arg, long long line, const char *record_id, const gn_field *f, gn_rule_kind kind,
                         const char *value)
{
	(void)record_id;
	importer *im = arg;
	if (kind == GN_RULE_KIND_CONSTRAINT) {
		if (value)
			imp_problem(im, (long)line, "%s \"%s\": %s", f->name, value, gn_field_constraint_message(f));
		else
			imp_problem(im, (long)line, "%s: %s", f->name, gn_field_constraint_message(f));
		return;
	}
	/* not complete as a visit yet: reported, not refused (a household list
	 * comes before the round) */
	gn_import_report *rep = im->rep;
	if (rep->incomplete++ == 0 || line < rep->incomplete_line) {
		rep->incomplete_line = (long)line;
		snprintf(rep->incomplete_field, sizeof rep->incomplete_field, "%s", f->name);
	}
}

/* Every constraint of the questionnaire over the rows this file wrote, in
 * one query per level (the SQL the forms engine makes of each rule): a
 * whole province checked in one scan, not a statement per cell. */
/* The rules of one form over the rows this file wrote for TDPs entering
 * it (only: NULL when every row is read with that form). */
static void check_rules_of(importer *im, const gn_form *form, const char *only)
{
	bool persons = im->rep->kind == GN_EXK_PERSONS, list = im->rep->kind == GN_EXK_HOUSEHOLD_LIST;
	for (int level = 0; level <= 1; level++) {
		if (!list && level != (persons ? 1 : 0))
			continue;
		const char *table = level ? "person" : "household";
		char from[512];
		gn_rule_rows rows = { .level = level, .required_too = true };
		char *where = only ? sqlite3_mprintf(" WHERE " GN_SQL_TDP_FORM("%s.tdp_id") " = %Q", table, only) : NULL;
		if (only && !where) {
			im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
			im->fatal = true;
			return;
		}
		if (im->empty_ward) {
			/* every person is from this file, at the position of its line */
			snprintf(from, sizeof from, "person%s", where ? where : "");
			rows.key = "person.position";
		} else {
			/* CROSS JOIN: the rows written first, each record by its id;
			 * left to itself the planner scans the whole table and looks
			 * each row up in the temp table (a one-row file into two
			 * million persons took seconds) */
			snprintf(from, sizeof from, "temp.gn_import_rows CROSS JOIN %s ON %s.id = temp.gn_import_rows.rid%s", table,
			         table, where ? where : "");
			rows.key = "temp.gn_import_rows.line";
		}
		sqlite3_free(where);
		rows.from = from;
		gn_err e = { 0 };
		if (gn_form_check_rows(form, im->ctx->db, &rows, on_violation, im, NULL, &e) != GN_OK) {
			im->status = gn_fail(im->err, e.status, "%s", e.msg);
			im->fatal = true;
			return;
		}
	}
}

/* Every constraint of the questionnaire over the rows this file wrote, in
 * one query per level and form (the SQL the forms engine makes of each
 * rule): a whole province checked in one scan, not a statement per cell.
 * Each row is checked by the form of its TDP. */
void imp_check_form_rules(importer *im)
{
	const gn_form *form = im->census ? im->census->form : NULL;
	if (!form || im->status != GN_OK)
		return;
	char (*ids)[64] = NULL;
	size_t n = 0;
	gn_err e = { 0 };
	if (gn_tdp_forms_used(&im->forms, &ids, &n, &e) != GN_OK) {
		im->status = gn_fail(im->err, e.status, "%s", e.msg);
		im->fatal = true;
		return;
	}
	if (n == 1 && strcmp(ids[0], GN_FORM_CENSUS) == 0) {
		check_rules_of(im, form, NULL);
	} else {
		for (size_t i = 0; i < n && im->status == GN_OK; i++) {
			gn_form *f = NULL;
			gn_err le = { 0 };
			if (gn_tdp_forms_by_id(&im->forms, ids[i], &f, &le) == GN_OK) /* else its rows were refused */
				check_rules_of(im, f, ids[i]);
		}
	}
	free(ids);
}
