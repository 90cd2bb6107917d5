/* A TDP's household list (the template in docs/exchange.md): each row a
 * household not visited yet, with its head, checked as a save is. */
#include "import.h"
#include "gonha/storage/vault.h"
#include "spreadsheet.h"
#include "gonha/domain/cccd.h"
#include "gonha/storage/db.h"
#include "gonha/domain/household.h"
#include "gonha/core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const imp_list_col imp_list_cols[HL_COUNT] = {
	{ "tdp_code", "Mã tổ dân phố" }, { "house_no", "Số nhà" },       { "alley", "Ngõ/ngách" },
	{ "street", "Đường/phố" },       { "head_name", "Chủ hộ" },      { "head_birth_year", "Năm sinh chủ hộ" },
	{ "head_sex", "Giới tính chủ hộ" }, { "head_cccd", "CCCD chủ hộ" }, { "phone", "Số điện thoại" },
};

/* The sex of the head as typed: a choice name or label of the form, or
 * "nam"/"nữ" written in lower case; NULL when it is none of them. */
static const char *head_sex(importer *im, const char *typed)
{
	const gn_form *form = im->census ? im->census->form : NULL;
	int k = form ? gn_form_field_of(form, "sex") : -1;
	const char *sex = k >= 0 ? ex_choice_name(&form->fields[k], typed) : typed;
	if (!sex && (strcmp(typed, "nam") == 0 || strcmp(typed, "nữ") == 0))
		sex = strcmp(typed, "nam") == 0 ? "male" : "female";
	return sex && gn_sex_from_name(sex) != GN_SEX_UNKNOWN ? sex : NULL;
}

/* The row by the one validation path: what a spreadsheet did, undone or
 * named, as for an export (the columns are those of the household and its
 * head), then the head by the domain's rules, as a save from the screen.
 * The phone's rule is the form's, checked over every row at the end. */
static bool list_row_check(importer *im, row_values *r, char tdp_id[37], long *year, const char **sex)
{
	bool ok = true;
	if (!r->v[HL_TDP]) {
		imp_problem(im, im->row_line, _("tdp_code is empty"));
		ok = false;
	} else if (!imp_tdp_for_code(im, r->v[HL_TDP], tdp_id)) {
		ok = false;
	}
	if (!r->v[HL_HEAD]) {
		imp_problem(im, im->row_line, _("head_name is empty"));
		ok = false;
	}
	if (!r->v[HL_STREET]) {
		imp_problem(im, im->row_line, _("street is empty"));
		ok = false;
	}
	static const char *const as_column[HL_COUNT] = { "tdp_code", "house_no", "alley", "street", "full_name",
		                                              "birth_year", "sex", "cccd", "phone" };
	for (int k = 0; k < HL_COUNT; k++) {
		if (!r->v[k])
			continue;
		ex_col c = { .name = as_column[k], .kind = k == HL_TDP ? EXC_TDP_CODE : EXC_CORE };
		char *undone = ex_sheet_restore(&c, r->v[k], NULL, im->decimal_comma);
		if (undone)
			imp_replace_value(r, (size_t)k, undone);
		const char *damage = ex_sheet_damage(&c, r->v[k], NULL, im->decimal_comma);
		if (damage) {
			imp_cell_problem(im, imp_list_cols[k].name, r->v[k], damage);
			ok = false;
		}
	}
	*year = 0;
	if (r->v[HL_YEAR] && !imp_parse_int(r->v[HL_YEAR], 0, 99999, year)) {
		imp_cell_problem(im, imp_list_cols[HL_YEAR].name, r->v[HL_YEAR], _("type a whole number (digits only)"));
		ok = false;
	}
	*sex = r->v[HL_SEX] ? head_sex(im, r->v[HL_SEX]) : NULL;
	if (r->v[HL_SEX] && !*sex) {
		imp_cell_problem(im, imp_list_cols[HL_SEX].name, r->v[HL_SEX], _("must be Nam or Nữ (male or female)"));
		ok = false;
	}
	if (!ok)
		return false;
	gn_person head = { .full_name = r->v[HL_HEAD], .birth_year = (int)*year, .cccd = r->v[HL_CCCD] };
	snprintf(head.sex, sizeof head.sex, "%s", *sex ? *sex : "");
	snprintf(head.relation, sizeof head.relation, "head");
	gn_err e = { 0 };
	if (gn_person_validate(&head, im->this_year, &e) == GN_OK)
		return true;
	static const struct { const char *field; int col; } names[] = {
		{ "full_name", HL_HEAD }, { "birth_year", HL_YEAR }, { "sex", HL_SEX }, { "cccd", HL_CCCD } };
	int col = HL_HEAD;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(e.field, names[i].field) == 0)
			col = names[i].col;
	imp_cell_problem(im, imp_list_cols[col].name, r->v[col], e.msg);
	return false;
}

/* Already listed (same address and head in that TDP)? */
static bool list_row_seen(importer *im, const row_values *r, const char *tdp_id, bool *seen)
{
	if (imp_prepare(im, &im->hl_seen, "SELECT 1 FROM household h JOIN person p ON p.household_id = h.id AND "
	                                  "p.relation = 'head' AND p.deleted = 0 WHERE h.tdp_id = ?1 AND h.deleted = 0 AND "
	                                  "h.address_key = gn_fold(?2 || ' ' || ?3 || ' ' || ?4) AND "
	                                  "p.name_key = gn_fold(?5)") != GN_OK)
		return false;
	sqlite3_stmt *q = im->hl_seen;
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, tdp_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, r->v[HL_HOUSE] ? r->v[HL_HOUSE] : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, r->v[HL_ALLEY] ? r->v[HL_ALLEY] : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, r->v[HL_STREET], -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 5, r->v[HL_HEAD], -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		imp_db_error(im, "household list");
		return false;
	}
	*seen = rc == SQLITE_ROW;
	return true;
}

/* The household (not visited yet, at the end of its TDP's walk) and its
 * head. */
static bool list_row_insert(importer *im, const row_values *r, const char *tdp_id, long year, const char *sex)
{
	char hh_id[37], person_id[37], now[32];
	gn_uuid_new(hh_id);
	gn_uuid_new(person_id);
	gn_now_iso(now);
	gn_strbuf answers = { 0 };
	gn_sb_add(&answers, "{");
	if (r->v[HL_PHONE]) {
		gn_sb_add(&answers, "\"phone\":");
		gn_sb_json_str(&answers, r->v[HL_PHONE]);
	}
	gn_sb_add(&answers, "}");
	bool fine =
		imp_prepare(im, &im->hl_household,
		            "INSERT INTO household(id, tdp_id, walk_order, house_no, alley, street, address_key, entered_by, "
		            "answers, created_at, created_by, updated_at, updated_by, form_id, form_version) VALUES (?1, ?2, "
		            "(SELECT coalesce(max(walk_order), 0) + 1 FROM household WHERE tdp_id = ?2), ?3, ?4, ?5, "
		            "gn_fold(?3 || ' ' || ?4 || ' ' || ?5), ?6, ?7, ?8, ?6, ?8, ?6, ?9, ?10)") == GN_OK &&
		imp_prepare(im, &im->hl_head,
		            "INSERT INTO person(id, household_id, tdp_id, position, full_name, name_key, birth_year, sex, "
		            "relation, " GN_SQL_CCCD_COLUMNS ", created_at, created_by, updated_at, updated_by, form_id, "
		            "form_version) VALUES (?1, ?2, ?3, 0, ?4, gn_fold(?4), ?5, ?6, 'head', " GN_SQL_CCCD_VALUES("?7")
		            ", ?8, ?9, ?8, ?9, ?10, ?11)") == GN_OK;
	sqlite3_stmt *h = im->hl_household, *p = im->hl_head;
	if (fine) {
		sqlite3_reset(h);
		sqlite3_reset(p);
		sqlite3_clear_bindings(p);
		sqlite3_bind_text(h, 1, hh_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 2, tdp_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 3, r->v[HL_HOUSE] ? r->v[HL_HOUSE] : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 4, r->v[HL_ALLEY] ? r->v[HL_ALLEY] : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 5, r->v[HL_STREET], -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 6, im->ctx->user.login, -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 7, gn_sb_str(&answers), -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 8, now, -1, SQLITE_STATIC);
		imp_bind_form(im, h, 9, r);
		sqlite3_bind_text(p, 1, person_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 2, hh_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 3, tdp_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 4, r->v[HL_HEAD], -1, SQLITE_STATIC);
		if (year)
			sqlite3_bind_int(p, 5, (int)year);
		imp_bind_or_null(p, 6, sex);
		imp_bind_or_null(p, 7, r->v[HL_CCCD]);
		sqlite3_bind_text(p, 8, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 9, im->ctx->user.login, -1, SQLITE_STATIC);
		imp_bind_form(im, p, 10, r);
		fine = sqlite3_step(h) == SQLITE_DONE && sqlite3_step(p) == SQLITE_DONE;
		if (!fine)
			imp_db_error(im, "household list");
		sqlite3_reset(h);
		sqlite3_reset(p);
	}
	gn_sb_free(&answers);
	return fine && imp_remember_written(im, hh_id) && imp_remember_written(im, person_id);
}

void imp_list_row(importer *im)
{
	row_values r = { 0 };
	char tdp_id[37] = "";
	long year = 0;
	const char *sex = NULL;
	bool seen = false;
	if (!imp_clean_row(im, HL_COUNT, &r) || !list_row_check(im, &r, tdp_id, &year, &sex) ||
	    !list_row_seen(im, &r, tdp_id, &seen))
		goto out;
	if (seen) {
		im->rep->unchanged++;
	} else if (list_row_insert(im, &r, tdp_id, year, sex)) {
		im->rep->added++;
		imp_count_added(im, tdp_id);
	}
out:
	imp_row_values_free(&r);
}
