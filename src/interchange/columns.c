/* The columns of the persons and households files (see columns.h). */
#include "columns.h"
#include "spreadsheet.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct fixed_col {
	const char *name;
	const char *label_vi;
	ex_col_kind kind;
	const char *sql;
} fixed_col;

/* Columns before the form's own questions, and after them. Labels are the
 * Vietnamese headers of --labels (the file's language, not the UI's). */
static const fixed_col person_head[] = {
	{ "person_id", "Mã người", EXC_ID, "p.id" },
	{ "household_id", "Mã hộ", EXC_HOUSEHOLD, "p.household_id" },
	{ "tdp_code", "Mã tổ dân phố", EXC_TDP_CODE, "t.code" },
	{ "tdp_name", "Tên tổ dân phố", EXC_TDP_NAME, "t.name" },
	{ "full_name", "Họ và tên", EXC_CORE, "p.full_name" },
	{ "birth_year", "Năm sinh", EXC_CORE, "p.birth_year" },
	{ "sex", "Giới tính", EXC_CORE, "p.sex" },
	{ "relation", "Quan hệ với chủ hộ", EXC_CORE, "p.relation" },
	{ "cccd", "Số CCCD", EXC_CORE, "gn_cccd_open(p.cccd)" },
	{ NULL, NULL, 0, NULL },
};
static const fixed_col person_tail[] = {
	{ "age", "Tuổi", EXC_DERIVED, "CAST(strftime('%Y', gn_today()) AS INTEGER) - p.birth_year" },
	{ "other_answers", "Câu trả lời khác", EXC_OTHER, NULL },
	{ "updated_at", "Sửa lúc", EXC_META, "p.updated_at" },
	{ "updated_by", "Người sửa", EXC_META, "p.updated_by" },
	{ "version", "Phiên bản", EXC_META, "p.version" },
	{ "base_version", "Phiên bản gốc", EXC_META, "p.base_version" },
	/* who made the record and when, and which PC each time is from
	 * (docs/exchange.md, "Who entered what") */
	{ "created_at", "Tạo lúc", EXC_META, "p.created_at" },
	{ "created_by", "Người tạo", EXC_META, "p.created_by" },
	{ "created_pc", "Máy tạo", EXC_META, "coalesce(p.created_pc, " EX_THIS_PC ")" },
	{ "updated_pc", "Máy sửa", EXC_META, "coalesce(p.updated_pc, " EX_THIS_PC ")" },
	{ "form_id", "Mã phiếu", EXC_META, "p.form_id" },
	{ "form_version", "Phiên bản phiếu", EXC_META, "p.form_version" },
	{ NULL, NULL, 0, NULL },
};
static const fixed_col household_head[] = {
	{ "household_id", "Mã hộ", EXC_ID, "h.id" },
	{ "tdp_code", "Mã tổ dân phố", EXC_TDP_CODE, "t.code" },
	{ "tdp_name", "Tên tổ dân phố", EXC_TDP_NAME, "t.name" },
	{ "walk_order", "Thứ tự đi", EXC_CORE, "h.walk_order" },
	{ "house_no", "Số nhà", EXC_CORE, "h.house_no" },
	{ "alley", "Ngõ/ngách", EXC_CORE, "h.alley" },
	{ "street", "Đường/phố", EXC_CORE, "h.street" },
	{ "visit_status", "Kết quả đến hộ", EXC_CORE, "h.visit_status" },
	{ "visit_date", "Ngày đến hộ", EXC_CORE, "h.visit_date" },
	{ "visited_by", "Người đi khảo sát", EXC_CORE, "h.visited_by" },
	{ NULL, NULL, 0, NULL },
};
static const fixed_col household_tail[] = {
	{ "other_answers", "Câu trả lời khác", EXC_OTHER, NULL },
	{ "head_name", "Chủ hộ", EXC_DERIVED,
	  "(SELECT full_name FROM person WHERE household_id = h.id AND relation = 'head' AND deleted = 0 LIMIT 1)" },
	{ "member_count", "Số người", EXC_DERIVED,
	  "(SELECT count(*) FROM person WHERE household_id = h.id AND deleted = 0)" },
	{ "updated_at", "Sửa lúc", EXC_META, "h.updated_at" },
	{ "updated_by", "Người sửa", EXC_META, "h.updated_by" },
	{ "version", "Phiên bản", EXC_META, "h.version" },
	{ "base_version", "Phiên bản gốc", EXC_META, "h.base_version" },
	{ "created_at", "Tạo lúc", EXC_META, "h.created_at" },
	{ "created_by", "Người tạo", EXC_META, "h.created_by" },
	{ "created_pc", "Máy tạo", EXC_META, "coalesce(h.created_pc, " EX_THIS_PC ")" },
	{ "updated_pc", "Máy sửa", EXC_META, "coalesce(h.updated_pc, " EX_THIS_PC ")" },
	{ "entered_by", "Người nhập", EXC_META, "h.entered_by" },
	{ "entered_at", "Nhập lúc", EXC_META, "h.entered_at" },
	{ "entered_pc", "Máy nhập", EXC_META, "CASE WHEN h.entered_at IS NOT NULL THEN coalesce(h.entered_pc, " EX_THIS_PC ") END" },
	{ "entry_seconds", "Thời gian nhập (giây)", EXC_META, "h.entry_seconds" },
	/* the household's reviews, records of their own merged by their id */
	{ "reviews", "Duyệt", EXC_META,
	  "(SELECT nullif(json_group_array(json_object('id', r.id, 'decision', r.decision, 'reason', r.reason, 'at', r.at, "
	  "'by', r.by_login, 'pc', coalesce(r.pc, " EX_THIS_PC "))), '[]') FROM household_review r "
	  "INDEXED BY household_review_of WHERE r.household_id = h.id)" },
	/* its corrections after save (entry_time), for the operator figures of
	 * the PC it is merged into: records of their own merged by their id */
	{ "corrections", "Sửa sau lưu", EXC_META,
	  "(SELECT nullif(json_group_array(json_object('id', e.uid, 'by', e.user_login, 'at', e.saved_at, "
	  "'pc', coalesce(e.pc, " EX_THIS_PC "))), '[]') FROM entry_time e INDEXED BY entry_time_correction "
	  "WHERE e.household_id = h.id AND e.correction = 1)" },
	{ "form_id", "Mã phiếu", EXC_META, "h.form_id" },
	{ "form_version", "Phiên bản phiếu", EXC_META, "h.form_version" },
	{ NULL, NULL, 0, NULL },
};

static bool in_fixed(const fixed_col *cols, const char *name)
{
	for (int i = 0; cols[i].name; i++)
		if (strcmp(cols[i].name, name) == 0)
			return true;
	return false;
}

/* A question of the file's records: the household's outside every repeat,
 * a person's in the roster (gn_form_in_roster). */
static bool on_level(const gn_form *form, const gn_field *f, bool persons)
{
	return persons ? gn_form_in_roster(form, f) : f->level == 0;
}

/* A question kept in the answers JSON, a column of its own. */
static bool answer_col(const gn_form *form, const gn_field *f, bool persons)
{
	const fixed_col *head = persons ? person_head : household_head;
	const fixed_col *tail = persons ? person_tail : household_tail;
	return on_level(form, f, persons) && gn_field_is_question(f) && f->type != GN_FT_CALCULATE &&
	       f->role == GN_QROLE_NONE && !in_fixed(head, f->name) && !in_fixed(tail, f->name);
}

static gn_status add_col(ex_cols *c, const char *name, const char *label, ex_col_kind kind, const gn_field *field,
                         char *sql, gn_err *err)
{
	ex_col *cols = realloc(c->cols, (c->n + 1) * sizeof *cols);
	if (!cols || !sql) {
		if (cols)
			c->cols = cols;
		free(sql);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	c->cols = cols;
	c->cols[c->n++] = (ex_col){ name, label, kind, field, sql, ex_sheet_role(name, field) };
	return GN_OK;
}

static const gn_field *find_field(const gn_form *form, const char *name)
{
	int k = form ? gn_form_field_of(form, name) : -1;
	return k >= 0 ? &form->fields[k] : NULL;
}

/* "'$.a', '$.b'": the JSON paths of the form's answer columns, for
 * json_remove (malloc'd); NULL and *none when it has none. */
static char *answer_keys(const gn_form *form, bool persons, bool *none)
{
	gn_strbuf keys = { 0 };
	for (size_t i = 0; form && i < form->n_fields; i++) {
		const gn_field *f = &form->fields[i];
		if (answer_col(form, f, persons))
			gn_sb_printf(&keys, "%s'$.%s'", keys.len ? ", " : "", f->name);
	}
	*none = !keys.failed && !keys.len;
	char *s = keys.len && !keys.failed ? gn_sb_take(&keys) : NULL;
	gn_sb_free(&keys);
	return s;
}

/* other_answers: the answers that are no column of the form's file. */
static char *other_sql(const char *answer_keys, const char *alias)
{
	char *sql = answer_keys ? sqlite3_mprintf("nullif(json_remove(%s.answers, %s), '{}')", alias, answer_keys)
	                        : sqlite3_mprintf("nullif(%s.answers, '{}')", alias);
	char *owned = sql ? strdup(sql) : NULL;
	sqlite3_free(sql);
	return owned;
}

char *ex_cols_other_sql(const gn_form *form, gn_ex_kind kind)
{
	bool none = false, persons = kind == GN_EXK_PERSONS;
	char *keys = answer_keys(form, persons, &none);
	char *sql = keys || none ? other_sql(keys, persons ? "p" : "h") : NULL;
	free(keys);
	return sql;
}

static gn_status add_fixed(ex_cols *c, const gn_form *form, const fixed_col *cols, const char *alias, gn_err *err)
{
	for (int i = 0; cols[i].name; i++) {
		const gn_field *f = cols[i].kind == EXC_CORE ? find_field(form, cols[i].name) : NULL;
		char *owned = NULL;
		if (cols[i].kind == EXC_OTHER) {
			owned = other_sql(c->answer_keys, alias);
		} else {
			char *sql = sqlite3_mprintf("%s", cols[i].sql);
			owned = sql ? strdup(sql) : NULL;
			sqlite3_free(sql);
		}
		const char *label = f && f->label_vi && *f->label_vi ? f->label_vi : cols[i].label_vi;
		gn_status st = add_col(c, cols[i].name, label, cols[i].kind, f, owned, err);
		if (st != GN_OK)
			return st;
	}
	return GN_OK;
}

gn_status ex_cols_build(const gn_form *form, gn_ex_kind kind, ex_cols *out, gn_err *err)
{
	memset(out, 0, sizeof *out);
	out->kind = kind;
	bool persons = kind == GN_EXK_PERSONS;
	const fixed_col *head = persons ? person_head : household_head;
	const fixed_col *tail = persons ? person_tail : household_tail;
	const char *alias = persons ? "p" : "h";

	/* the form's questions stored in answers, in survey order */
	bool none = false;
	out->answer_keys = answer_keys(form, persons, &none);
	if (!out->answer_keys && !none)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));

	gn_status st = add_fixed(out, form, head, alias, err);
	for (size_t i = 0; st == GN_OK && form && i < form->n_fields; i++) {
		const gn_field *f = &form->fields[i];
		if (!answer_col(form, f, persons))
			continue;
		/* Names are [A-Za-z0-9_] (checked at load): safe inside the path. */
		char *sql = sqlite3_mprintf("json_extract(%s.answers, '$.%s')", alias, f->name);
		char *owned = sql ? strdup(sql) : NULL;
		sqlite3_free(sql);
		st = add_col(out, f->name, f->label_vi && *f->label_vi ? f->label_vi : f->name, EXC_ANSWER, f, owned, err);
	}
	if (st == GN_OK)
		st = add_fixed(out, form, tail, alias, err);
	if (st != GN_OK)
		ex_cols_free(out);
	return st;
}

gn_status ex_cols_add_form(ex_cols *c, const gn_form *form, gn_err *err)
{
	bool persons = c->kind == GN_EXK_PERSONS;
	const char *alias = persons ? "p" : "h";
	gn_status st = GN_OK;
	for (size_t i = 0; st == GN_OK && form && i < form->n_fields; i++) {
		const gn_field *f = &form->fields[i];
		if (!answer_col(form, f, persons) || ex_cols_find(c, f->name) >= 0)
			continue;
		char *sql = sqlite3_mprintf("json_extract(%s.answers, '$.%s')", alias, f->name);
		char *owned = sql ? strdup(sql) : NULL;
		sqlite3_free(sql);
		st = add_col(c, f->name, f->label_vi && *f->label_vi ? f->label_vi : f->name, EXC_ANSWER, f, owned, err);
	}
	return st;
}

bool ex_cols_is_answer_of(const gn_form *form, gn_ex_kind kind, const char *name)
{
	for (size_t i = 0; form && i < form->n_fields; i++)
		if (strcmp(form->fields[i].name, name) == 0 && answer_col(form, &form->fields[i], kind == GN_EXK_PERSONS))
			return true;
	return false;
}

void ex_cols_free(ex_cols *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->cols[i].sql);
	free(c->cols);
	free(c->answer_keys);
	memset(c, 0, sizeof *c);
}

int ex_cols_find(const ex_cols *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *ex_choice_label(const gn_field *f, const char *name)
{
	const gn_choice *c = f && f->list ? gn_choice_find(f->list, name) : NULL;
	return c && c->label_vi && *c->label_vi ? c->label_vi : name;
}

const char *ex_choice_name(const gn_field *f, const char *cell)
{
	if (!f || !f->list)
		return cell;
	const gn_choice_list *l = f->list;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, cell) == 0)
			return l->items[i].name;
	for (size_t i = 0; i < l->n; i++)
		if ((l->items[i].label_vi && strcmp(l->items[i].label_vi, cell) == 0) ||
		    (l->items[i].label_en && strcmp(l->items[i].label_en, cell) == 0))
			return l->items[i].name;
	return NULL;
}

bool gn_csv_needs_guard(const char *s)
{
	return s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r' || *s == '\'');
}

const char *gn_csv_unguard(const char *s)
{
	return s && *s == '\'' ? s + 1 : s;
}
