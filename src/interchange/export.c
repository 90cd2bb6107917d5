/* gonha export: persons, households and coverage as CSV or XLSX for Excel.
 * One producer of rows feeds either sink (sink.c). Streams one row at a
 * time (memory does not grow with the ward) and writes personal data only
 * to 0600 files renamed into place when complete. */
#include "columns.h"
#include "sink.h"
#include "gonha/domain/answers.h"
#include "gonha/domain/cccd.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/privacy.h"
#include "gonha/domain/sealed.h"
#include "gonha/interchange/registry.h"
#include "gonha/interchange/report.h"
#include "gonha/core/strbuf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Cells of select_multiple answers in labels mode: "Nhãn 1; Nhãn 2". */
static void multi_labels(const gn_field *f, const char *value, gn_strbuf *b)
{
	const char *p = value;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		if (e > p) {
			char name[128];
			snprintf(name, sizeof name, "%.*s", (int)(e - p), p);
			gn_sb_printf(b, "%s%s", b->len ? "; " : "", ex_choice_label(f, name));
		}
		p = e;
	}
}

/* Numbers in a workbook: years, ages, counts and the form's integer and
 * decimal answers; every other column (IDs, CCCD, phone, version, TDP
 * code, walk order "1.0") is text. */
static bool number_column(const ex_col *c)
{
	if (c->kind == EXC_DERIVED)
		return strcmp(c->name, "age") == 0 || strcmp(c->name, "member_count") == 0;
	if (strcmp(c->name, "birth_year") == 0)
		return true;
	return c->field && (c->kind == EXC_ANSWER || c->kind == EXC_CORE) &&
	       (c->field->type == GN_FT_INTEGER || c->field->type == GN_FT_DECIMAL);
}

/* How many rows the export will have, for the progress shown. */
static gn_status count_rows(gn_ctx *ctx, const gn_export_options *opt, bool persons, long *total, gn_err *err)
{
	const char *csql = persons ? "SELECT count(*) FROM person p JOIN tdp t ON t.id = p.tdp_id WHERE p.deleted = 0"
	                             " AND (?1 IS NULL OR t.code = ?1)"
	                             " AND (?2 OR t.id IN (SELECT tdp_id FROM user_tdp WHERE user_id = ?3))"
	                           : "SELECT count(*) FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE h.deleted = 0"
	                             " AND (?1 IS NULL OR t.code = ?1)"
	                             " AND (?2 OR t.id IN (SELECT tdp_id FROM user_tdp WHERE user_id = ?3))";
	sqlite3_stmt *count = NULL;
	if (sqlite3_prepare_v2(ctx->db, csql, -1, &count, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "export");
	sqlite3_bind_text(count, 1, opt->tdp_code, -1, SQLITE_STATIC);
	sqlite3_bind_int(count, 2, gn_scope_all(ctx));
	sqlite3_bind_text(count, 3, ctx->user.id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(count);
	if (rc == SQLITE_ROW)
		*total = sqlite3_column_int64(count, 0);
	sqlite3_finalize(count);
	return rc == SQLITE_ROW ? GN_OK : gn_db_fail(ctx->db, err, "export");
}

/* One cell as the export shows it: the CCCD masked unless asked for whole,
 * choice labels in a labels file, numbers as numbers. */
static void put_cell(ex_sink *w, const gn_export_options *opt, const ex_col *c, bool number, bool is_cccd,
                     gn_cccd_view view, const char *v, gn_strbuf *cell)
{
	const gn_field *f = c->field;
	if (is_cccd) {
		char shown[13];
		gn_cccd_for_view(v, view, shown);
		ex_sink_text(w, shown);
	} else if (opt->labels && v && f && f->type == GN_FT_SELECT_ONE) {
		ex_sink_text(w, ex_choice_label(f, v));
	} else if (opt->labels && v && f && f->type == GN_FT_SELECT_MULTIPLE) {
		cell->len = 0;
		if (cell->s)
			cell->s[0] = '\0';
		multi_labels(f, v, cell);
		ex_sink_text(w, gn_sb_str(cell));
	} else if (number) {
		ex_sink_num(w, v);
	} else {
		ex_sink_text(w, v);
	}
}

/* A whole-ward file (no --tdp) of a ward whose TDPs enter more than one
 * form: census's columns as always, then the questions of each other form
 * the TDPs enter that are no column yet (in the order gn_tdp_forms_used
 * gives). Each row fills the columns its own form asks, with its other
 * answers in other_answers as its TDP's own file has them, and carries
 * its form_id and form_version; a census-only ward's file is the one it
 * always was (docs/exchange.md, "TDPs on different forms"). */
typedef struct ward_forms {
	gn_form **forms;   /* borrowed from the gn_tdp_forms: census first */
	size_t n;
	bool *asks;        /* [form * n_cols + col]: the column is that form's answer */
	size_t n_cols;
	char last_tdp[37]; /* rows come grouped by TDP: its form looked up once */
	size_t last;       /* index of its form; n: one that does not load */
} ward_forms;

static void ward_forms_free(ward_forms *wf)
{
	free(wf->forms);
	free(wf->asks);
	memset(wf, 0, sizeof *wf);
}

static gn_status add_ward_forms(gn_tdp_forms *forms, ex_cols *cols, ward_forms *wf, gn_err *err)
{
	char (*ids)[64] = NULL;
	size_t n = 0;
	gn_status st = gn_tdp_forms_used(forms, &ids, &n, err);
	if (st == GN_OK && n > 1 && !(wf->forms = calloc(n, sizeof *wf->forms)))
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	for (size_t i = 0; st == GN_OK && n > 1 && i < n; i++) {
		gn_form *form = NULL;
		gn_err skip = { 0 }; /* a form that does not load: its rows keep every answer in other_answers */
		if (gn_tdp_forms_by_id(forms, ids[i], &form, &skip) != GN_OK)
			continue;
		wf->forms[wf->n++] = form;
		if (form != forms->base)
			st = ex_cols_add_form(cols, form, err);
	}
	free(ids);
	if (st == GN_OK && wf->n > 1) {
		wf->n_cols = cols->n;
		if (!(wf->asks = calloc(wf->n * cols->n, sizeof *wf->asks)))
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		for (size_t f = 0; st == GN_OK && f < wf->n; f++)
			for (size_t c = 0; c < cols->n; c++)
				wf->asks[f * cols->n + c] = cols->cols[c].kind != EXC_ANSWER ||
				                            ex_cols_is_answer_of(wf->forms[f], cols->kind, cols->cols[c].name);
	} else if (st == GN_OK) {
		free(wf->forms);
		wf->forms = NULL;
		wf->n = 0; /* one form: the file as it always was */
	}
	return st;
}

/* The select's extra columns: the TDP's id, then other_answers as each
 * form's file has it, then every answer (a form that does not load). */
static gn_status ward_forms_sql(const ward_forms *wf, gn_ex_kind kind, gn_strbuf *sql, gn_err *err)
{
	gn_sb_add(sql, ", t.id");
	for (size_t f = 0; f < wf->n; f++) {
		char *other = ex_cols_other_sql(wf->forms[f], kind);
		if (!other)
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		gn_sb_printf(sql, ", %s", other);
		free(other);
	}
	gn_sb_add(sql, kind == GN_EXK_PERSONS ? ", nullif(p.answers, '{}')" : ", nullif(h.answers, '{}')");
	return GN_OK;
}

/* The row's form, by its TDP (column n_cols of the select). */
static gn_status ward_row_form(ward_forms *wf, gn_tdp_forms *forms, sqlite3_stmt *st, gn_err *err)
{
	const char *tdp = (const char *)sqlite3_column_text(st, (int)wf->n_cols);
	if (!tdp || strcmp(tdp, wf->last_tdp) == 0)
		return GN_OK;
	snprintf(wf->last_tdp, sizeof wf->last_tdp, "%s", tdp);
	gn_form *form = NULL;
	gn_err skip = { 0 };
	wf->last = wf->n;
	if (gn_tdp_forms_of(forms, tdp, &form, &skip) != GN_OK)
		return skip.status == GN_ERR_NOMEM || skip.status == GN_ERR_DB ? gn_fail(err, skip.status, "%s", skip.msg)
		                                                              : GN_OK;
	for (size_t f = 0; f < wf->n; f++)
		if (wf->forms[f] == form)
			wf->last = f;
	return GN_OK;
}

/* A cell of the row as its form has it: NULL in another form's column,
 * other_answers its form's. */
static const char *ward_cell(const ward_forms *wf, sqlite3_stmt *st, const ex_cols *cols, size_t i)
{
	if (cols->cols[i].kind == EXC_OTHER)
		return (const char *)sqlite3_column_text(st, (int)(wf->n_cols + 1 + wf->last));
	if (wf->last == wf->n)
		return cols->cols[i].kind == EXC_ANSWER ? NULL : (const char *)sqlite3_column_text(st, (int)i);
	return wf->asks[wf->last * wf->n_cols + i] ? (const char *)sqlite3_column_text(st, (int)i) : NULL;
}

static gn_status export_records(gn_ctx *ctx, const gn_census *census, const gn_export_options *opt, ex_sink *w,
                                long *rows, gn_err *err)
{
	bool persons = opt->what == GN_EX_PERSONS;
	ex_cols cols;
	sqlite3_stmt *st = NULL;
	ex_sink_col *heads = NULL;
	gn_strbuf sql = { 0 }, cell = { 0 };
	char pc[37]; /* the PC stamps of this PC's records (EX_THIS_PC) */
	gn_status rc = gn_db_pc_id(ctx->db, pc, err);
	if (rc != GN_OK)
		return rc;
	gn_tdp_forms forms; /* freed after cols, whose fields are theirs */
	gn_tdp_forms_init(&forms, ctx->db, sqlite3_db_filename(ctx->db, "main"), census ? census->form : NULL);
	rc = ex_cols_build(census ? census->form : NULL, persons ? GN_EXK_PERSONS : GN_EXK_HOUSEHOLDS, &cols, err);
	if (rc != GN_OK) {
		gn_tdp_forms_free(&forms);
		return rc;
	}
	ward_forms wf = { 0 };
	if (!opt->tdp_code && census && census->form && (rc = add_ward_forms(&forms, &cols, &wf, err)) != GN_OK)
		goto out;
	int cccd_col = persons ? ex_cols_find(&cols, "cccd") : -1;

	gn_sb_add(&sql, "SELECT ");
	for (size_t i = 0; i < cols.n; i++)
		/* masked from its own column: no key needed, nothing decrypted */
		gn_sb_printf(&sql, "%s%s", i ? ", " : "",
		             (int)i == cccd_col && !opt->with_ids ? "p.cccd_masked" : cols.cols[i].sql);
	if (wf.n && (rc = ward_forms_sql(&wf, cols.kind, &sql, err)) != GN_OK)
		goto out;
	/* TDP, household, member, each by its index: rows come out in walking
	 * order with only one TDP's rows ever sorted (memory stays flat) */
	const char *where = persons
		? " FROM tdp t INDEXED BY tdp_order CROSS JOIN household h INDEXED BY household_walk ON h.tdp_id = t.id"
		  " CROSS JOIN person p INDEXED BY person_household ON p.household_id = h.id"
		  " WHERE p.deleted = 0 AND h.deleted = 0"
		: " FROM tdp t INDEXED BY tdp_order CROSS JOIN household h INDEXED BY household_walk ON h.tdp_id = t.id"
		  " WHERE h.deleted = 0";
	gn_sb_add(&sql, where);
	gn_sb_add(&sql, " AND (?1 IS NULL OR t.code = ?1)"
	                " AND (?2 OR t.id IN (SELECT tdp_id FROM user_tdp WHERE user_id = ?3))");
	gn_sb_add(&sql, persons ? " ORDER BY t.sort_order, h.walk_order, p.position" : " ORDER BY t.sort_order, h.walk_order");
	if (sql.failed) {
		rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	if (sqlite3_prepare_v2(ctx->db, gn_sb_str(&sql), -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "export");
		goto out;
	}
	sqlite3_bind_text(st, 1, opt->tdp_code, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, gn_scope_all(ctx));
	sqlite3_bind_text(st, 3, ctx->user.id, -1, SQLITE_STATIC);

	long total = 0;
	if (opt->progress && (rc = count_rows(ctx, opt, persons, &total, err)) != GN_OK)
		goto out;

	if (!(heads = calloc(cols.n ? cols.n : 1, sizeof *heads))) {
		rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < cols.n; i++) {
		heads[i].header = opt->labels ? cols.cols[i].label_vi : cols.cols[i].name;
		heads[i].number = number_column(&cols.cols[i]);
	}
	if ((rc = ex_sink_columns(w, heads, cols.n, err)) != GN_OK)
		goto out;

	long n = 0;
	int step;
	gn_cccd_view view = opt->with_ids ? GN_CCCD_VIEW_EXPORT_WHOLE : GN_CCCD_VIEW_LIST;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (wf.n && (rc = ward_row_form(&wf, &forms, st, err)) != GN_OK)
			goto out;
		for (size_t i = 0; i < cols.n; i++)
			put_cell(w, opt, &cols.cols[i], heads[i].number, (int)i == cccd_col, view,
			         wf.n ? ward_cell(&wf, st, &cols, i) : (const char *)sqlite3_column_text(st, (int)i), &cell);
		if ((rc = ex_sink_end_row(w, err)) != GN_OK)
			goto out;
		if (++n % 65536 == 0 && opt->progress)
			opt->progress(opt->progress_arg, n, total);
	}
	if (step != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "export");
	if (opt->progress)
		opt->progress(opt->progress_arg, n, total ? total : n);
	*rows = n;
out:
	sqlite3_finalize(st);
	gn_sb_free(&sql);
	gn_sb_free(&cell);
	free(heads);
	ex_cols_free(&cols);
	ward_forms_free(&wf);
	gn_tdp_forms_free(&forms);
	return rc;
}

/* The entries of one repeat, one row each, under every entry of the
 * repeats around it: household_id and tdp_code, the parent entry's path
 * ("" for a top-level repeat, "woman[2]" for child), the entry's own path
 * ("woman[2]/child[1]"), then the repeat's questions (nested repeats are
 * tables of their own). The keys are gonha/domain/answers.h's. */
typedef struct repeat_job {
	sqlite3 *db;
	const gn_form *form;
	const gn_export_options *opt;
	ex_sink *w;
	int chain[16];
	size_t depth;
	const int *cols;
	size_t n_cols;
	const char *hid, *code, *answers;
	long rows;
} repeat_job;

static gn_status repeat_rows(repeat_job *j, size_t d, const char *prefix, gn_err *err)
{
	char count_key[512], entry[512], key[600];
	if (!gn_repeat_key(count_key, sizeof count_key, prefix, j->form->fields[j->chain[d]].name))
		return GN_OK;
	size_t n = gn_repeat_count(j->db, j->answers, count_key);
	for (size_t i = 1; i <= n; i++) {
		if (!gn_repeat_entry(entry, sizeof entry, count_key, i))
			continue;
		if (d + 1 < j->depth) {
			gn_status st = repeat_rows(j, d + 1, entry, err);
			if (st != GN_OK)
				return st;
			continue;
		}
		ex_sink_text(j->w, j->hid);
		ex_sink_text(j->w, j->code);
		ex_sink_text(j->w, prefix);
		ex_sink_text(j->w, entry);
		for (size_t c = 0; c < j->n_cols; c++) {
			const gn_field *f = &j->form->fields[j->cols[c]];
			char *v = gn_repeat_key(key, sizeof key, entry, f->name) ? gn_answers_get(j->db, j->answers, key) : NULL;
			if (j->opt->labels && v && f->type == GN_FT_SELECT_ONE)
				ex_sink_text(j->w, ex_choice_label(f, v));
			else if (f->type == GN_FT_INTEGER || f->type == GN_FT_DECIMAL)
				ex_sink_num(j->w, v);
			else
				ex_sink_text(j->w, v);
			free(v);
		}
		gn_status st = ex_sink_end_row(j->w, err);
		if (st != GN_OK)
			return st;
		j->rows++;
	}
	return GN_OK;
}


/* The begin_repeat named name in form, -1 when none. */
static int repeat_named(const gn_form *form, const char *name)
{
	int r = form && name ? gn_form_find(form, name) : -1;
	return r >= 0 && form->fields[r].type == GN_FT_BEGIN_REPEAT ? r : -1;
}

/* The repeat's shape: the repeats around it and its questions, by name
 * ("woman/child:name,age"): the table's columns and entry paths. */
static void repeat_shape(const gn_form *form, int r, gn_strbuf *b)
{
	for (int k = r; k >= 0; k = gn_form_repeat_of(form, (size_t)k))
		gn_sb_printf(b, "%s/", form->fields[k].name);
	for (size_t k = 0; k < form->n_fields; k++)
		if (gn_form_repeat_of(form, k) == r && gn_field_is_question(&form->fields[k]) &&
		    form->fields[k].type != GN_FT_CALCULATE)
			gn_sb_printf(b, "%s,", form->fields[k].name);
}

/* The form a whole-ward table of the repeat is read with: the first of the
 * forms the TDPs enter that has it (census first). Two forms whose
 * repeats of that name ask other questions cannot share one table: the
 * export is refused, naming them (each TDP's table with --tdp). */
static gn_status ward_repeat_form(gn_tdp_forms *forms, const char *name, const gn_form **out, gn_err *err)
{
	char (*ids)[64] = NULL;
	size_t n = 0;
	gn_strbuf first = { 0 }, other = { 0 };
	*out = NULL;
	gn_status st = gn_tdp_forms_used(forms, &ids, &n, err);
	for (size_t i = 0; st == GN_OK && i < n; i++) {
		gn_form *form = NULL;
		gn_err skip = { 0 }; /* a form that does not load: its TDPs' rows are not the table's */
		if (gn_tdp_forms_by_id(forms, ids[i], &form, &skip) != GN_OK || repeat_named(form, name) < 0)
			continue;
		if (!*out) {
			*out = form;
			repeat_shape(form, repeat_named(form, name), &first);
			continue;
		}
		other.len = 0;
		if (other.s)
			other.s[0] = '\0';
		repeat_shape(form, repeat_named(form, name), &other);
		if (first.failed || other.failed)
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		else if (strcmp(gn_sb_str(&first), gn_sb_str(&other)) != 0)
			st = gn_fail(err, GN_ERR_INVALID, _("the forms %s and %s both have a repeat named %s, with other "
			                                    "questions: export its table for each TDP (--tdp CODE)"),
			             (*out)->id, form->id, name);
	}
	free(ids);
	gn_sb_free(&first);
	gn_sb_free(&other);
	return st;
}

/* The repeat's table read with form. */
static gn_status export_repeat_of(gn_ctx *ctx, const gn_form *form, const gn_export_options *opt, ex_sink *w,
                                  long *rows, gn_err *err)
{
	int r = repeat_named(form, opt->repeat);
	if (r < 0)
		return gn_fail(err, GN_ERR_INVALID, _("the form has no repeat named %s"), opt->repeat ? opt->repeat : "");
	repeat_job j = { .db = ctx->db, .form = form, .opt = opt, .w = w };
	int inner[16];
	for (int k = r; k >= 0; k = gn_form_repeat_of(form, (size_t)k)) {
		if (j.depth == 16)
			return gn_fail(err, GN_ERR_INVALID, _("the form has no repeat named %s"), opt->repeat);
		inner[j.depth++] = k;
	}
	for (size_t d = 0; d < j.depth; d++)
		j.chain[d] = inner[j.depth - 1 - d];
	int *cols = calloc(form->n_fields + 1, sizeof *cols);
	ex_sink_col *heads = calloc(form->n_fields + 4, sizeof *heads);
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (!cols || !heads) {
		rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	static const char *const fixed[] = { "household_id", "tdp_code", "parent", "entry" };
	for (size_t i = 0; i < 4; i++)
		heads[i].header = fixed[i];
	for (size_t k = 0; k < form->n_fields; k++) {
		const gn_field *f = &form->fields[k];
		if (gn_form_repeat_of(form, k) != r || !gn_field_is_question(f) || f->type == GN_FT_CALCULATE)
			continue;
		heads[4 + j.n_cols].header = opt->labels && *gn_field_label(f) ? gn_field_label(f) : f->name;
		heads[4 + j.n_cols].number = f->type == GN_FT_INTEGER || f->type == GN_FT_DECIMAL;
		cols[j.n_cols++] = (int)k;
	}
	j.cols = cols;
	if ((rc = ex_sink_columns(w, heads, 4 + j.n_cols, err)) != GN_OK)
		goto out;
	if (sqlite3_prepare_v2(ctx->db,
	                       "SELECT h.id, t.code, h.answers FROM tdp t INDEXED BY tdp_order"
	                       " CROSS JOIN household h INDEXED BY household_walk ON h.tdp_id = t.id WHERE h.deleted = 0"
	                       " AND (?1 IS NULL OR t.code = ?1)"
	                       " AND (?2 OR t.id IN (SELECT tdp_id FROM user_tdp WHERE user_id = ?3))"
	                       " ORDER BY t.sort_order, h.walk_order",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "export");
		goto out;
	}
	sqlite3_bind_text(st, 1, opt->tdp_code, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, gn_scope_all(ctx));
	sqlite3_bind_text(st, 3, ctx->user.id, -1, SQLITE_STATIC);
	int step;
	while (rc == GN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		j.hid = (const char *)sqlite3_column_text(st, 0);
		j.code = (const char *)sqlite3_column_text(st, 1);
		j.answers = (const char *)sqlite3_column_text(st, 2);
		rc = repeat_rows(&j, 0, "", err);
	}
	if (rc == GN_OK && step != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "export");
	*rows = j.rows;
out:
	sqlite3_finalize(st);
	free(cols);
	free(heads);
	return rc;
}

static gn_status export_repeat(gn_ctx *ctx, const gn_census *census, const gn_export_options *opt, ex_sink *w,
                               long *rows, gn_err *err)
{
	gn_tdp_forms forms;
	gn_tdp_forms_init(&forms, ctx->db, sqlite3_db_filename(ctx->db, "main"), census ? census->form : NULL);
	const gn_form *form = census ? census->form : NULL;
	gn_status rc = GN_OK;
	/* a whole ward: the form among the TDPs' that has the repeat */
	if (!opt->tdp_code && form && repeat_named(form, opt->repeat) < 0)
		rc = ward_repeat_form(&forms, opt->repeat, &form, err);
	if (rc == GN_OK)
		rc = export_repeat_of(ctx, form, opt, w, rows, err);
	gn_tdp_forms_free(&forms);
	return rc;
}

/* Who may export what: whole CCCDs for a ward officer, a TDP of the user's. */
static gn_status export_allowed(gn_ctx *ctx, const gn_census *census, const gn_export_options *opt, gn_err *err)
{
	if (opt->with_ids && opt->what != GN_EX_COVERAGE) {
		gn_status st = gn_scope_require_officer(ctx, err);
		if (st != GN_OK)
			return gn_fail(err, GN_ERR_DENIED, _("only a ward officer may export whole CCCD numbers (--with-ids)"));
	}
	if (opt->tdp_code) {
		/* the TDP must exist and be the user's */
		sqlite3_stmt *q = NULL;
		char tdp_id[37] = "";
		if (sqlite3_prepare_v2(ctx->db, "SELECT id FROM tdp WHERE code = ?1", -1, &q, NULL) != SQLITE_OK)
			return gn_db_fail(ctx->db, err, "tdp");
		sqlite3_bind_text(q, 1, opt->tdp_code, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			snprintf(tdp_id, sizeof tdp_id, "%s", (const char *)sqlite3_column_text(q, 0));
		sqlite3_finalize(q);
		if (!*tdp_id)
			return gn_fail(err, GN_ERR_NOT_FOUND, _("there is no TDP with code %s"), opt->tdp_code);
		gn_status st = gn_scope_require_tdp(ctx, tdp_id, err);
		if (st != GN_OK)
			return st;
	}
	if (opt->what == GN_EX_COVERAGE && !census)
		return gn_fail(err, GN_ERR_INVALID, _("the coverage export needs the census form"));
	return GN_OK;
}

gn_status gn_export_stream(gn_ctx *ctx, const gn_census *census, const gn_export_options *opt, FILE *out,
                           long *rows, gn_err *err)
{
	long dummy;
	if (!rows)
		rows = &dummy;
	*rows = 0;
	gn_status st = export_allowed(ctx, census, opt, err);
	if (st != GN_OK)
		return st;
	if (opt->what == GN_EX_COVERAGE) {
		gn_report_options ro = { .format = GN_REPORT_CSV, .year = opt->year, .csv_plain = opt->plain,
		                         .tdp_code = opt->tdp_code };
		return gn_report_write(ctx, &census->coverage, &ro, out, err);
	}
	if (!opt->plain)
		fputs("\xef\xbb\xbf", out); /* BOM: Excel reads UTF-8 */
	ex_sink w;
	ex_sink_csv(&w, out, opt->plain, false);
	st = opt->what == GN_EX_REPEAT ? export_repeat(ctx, census, opt, &w, rows, err)
	                               : export_records(ctx, census, opt, &w, rows, err);
	ex_sink_close(&w, st == GN_OK, err);
	if (st == GN_OK && ferror(out))
		st = gn_stream_write_fail(err, errno);
	return st;
}

typedef struct export_job {
	gn_ctx *ctx;
	const gn_census *census;
	const gn_export_options *opt;
	long *rows;
} export_job;

static gn_status fill_xlsx(void *arg, ex_sink *s, gn_err *err)
{
	export_job *j = arg;
	if (j->opt->what == GN_EX_COVERAGE) {
		gn_report_options ro = { .format = GN_REPORT_XLSX, .year = j->opt->year, .tdp_code = j->opt->tdp_code };
		return ex_report_coverage(j->ctx, &j->census->coverage, &ro, j->opt->labels, s, err);
	}
	if (j->opt->what == GN_EX_REPEAT)
		return export_repeat(j->ctx, j->census, j->opt, s, j->rows, err);
	return export_records(j->ctx, j->census, j->opt, s, j->rows, err);
}

static gn_status write_csv(void *arg, FILE *out, gn_err *err)
{
	export_job *j = arg;
	return gn_export_stream(j->ctx, j->census, j->opt, out, j->rows, err);
}

static gn_status export_file(gn_ctx *ctx, const gn_census *census, const gn_export_options *opt, const char *path,
                             long *rows, gn_err *err)
{
	long dummy;
	if (!rows)
		rows = &dummy;
	*rows = 0;
	if (opt->format == GN_EXF_XLSX) {
		gn_status st = export_allowed(ctx, census, opt, err);
		if (st != GN_OK)
			return st;
		/* sheet names are in the file's language, like the labels */
		const char *sheet = opt->what == GN_EX_PERSONS ? "Nhân khẩu" : opt->what == GN_EX_HOUSEHOLDS ? "Hộ"
		                  : opt->what == GN_EX_REPEAT ? opt->repeat : "Tiến độ";
		export_job j = { ctx, census, opt, rows };
		return ex_write_xlsx(path, sheet, opt->sheet_rows, fill_xlsx, &j, err);
	}
	export_job j = { ctx, census, opt, rows };
	return ex_write_stream(path, write_csv, &j, err);
}

/* The export made plain in the private work folder, sealed into path,
 * the plain file removed whatever happens. */
static gn_status export_sealed(gn_ctx *ctx, const gn_census *census, const gn_export_options *opt, const char *path,
                               long *rows, gn_err *err)
{
	if (!opt->work_dir || !*opt->work_dir)
		return gn_fail(err, GN_ERR_INVALID, "%s", _("no private folder to make the sealed file in"));
	if (access(path, F_OK) == 0)
		return gn_fail(err, GN_ERR_CONFLICT, _("%s already exists; it was left as it is"), path);
	char plain[PATH_MAX];
	gn_private_sweep_orphans(opt->work_dir, "sealing-"); /* left by a kill */
	gn_private_own_name(opt->work_dir, "sealing-", opt->format == GN_EXF_XLSX ? "-export.xlsx" : "-export.csv", plain,
	                    sizeof plain);
	unlink(plain);
	gn_status st = export_file(ctx, census, opt, plain, rows, err);
	if (st == GN_OK) {
		char *ward = gn_db_meta_get(ctx->db, "ward_id");
		st = gn_seal_file(plain, path, opt->seal_passphrase, ward ? ward : "", err);
		free(ward);
	}
	unlink(plain);
	return st;
}

gn_status gn_export(gn_ctx *ctx, const gn_census *census, const gn_export_options *opt, const char *path,
                    long *rows, gn_err *err)
{
	long n = 0;
	gn_status st = opt->seal_passphrase ? export_sealed(ctx, census, opt, path, &n, err)
	                                    : export_file(ctx, census, opt, path, &n, err);
	if (rows)
		*rows = n;
	if (st != GN_OK || opt->what == GN_EX_COVERAGE) /* counts, no person */
		return st;
	char tdp_id[37] = "";
	if (opt->tdp_code) {
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(ctx->db, "SELECT id FROM tdp WHERE code = ?1", -1, &q, NULL) == SQLITE_OK) {
			sqlite3_bind_text(q, 1, opt->tdp_code, -1, SQLITE_STATIC);
			if (sqlite3_step(q) == SQLITE_ROW)
				gn_db_col_copy(q, 0, tdp_id, sizeof tdp_id);
		}
		sqlite3_finalize(q);
	}
	st = gn_audit_bulk_read(ctx, opt->what == GN_EX_PERSONS ? "export_persons" : "export_households",
	                        *tdp_id ? tdp_id : NULL, n, opt->with_ids && opt->what == GN_EX_PERSONS, path, err);
	if (st != GN_OK)
		unlink(path); /* not recorded: not made */
	return st;
}
