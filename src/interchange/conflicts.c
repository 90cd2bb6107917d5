/* Merge conflicts: records changed on two PCs, both versions kept for a
 * ward officer, who keeps one (docs/exchange.md). */
#include "import.h"
#include "gonha/storage/vault.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/session.h"
#include "gonha/core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Marks conflict id resolved and audits it (with the record's TDP), inside
 * the caller's transaction: for --keep incoming, the import's own, so that
 * the record and its resolution are one change. */
gn_status imp_mark_resolved(gn_ctx *ctx, long id, bool keep_incoming, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	char table[16] = "", record[37] = "", tdp[37] = "";
	gn_status st = GN_OK;
	if (sqlite3_prepare_v2(ctx->db, "SELECT c.table_name, c.record_id, coalesce((SELECT tdp_id FROM household WHERE "
	                       "id = c.record_id), (SELECT tdp_id FROM person WHERE id = c.record_id), '') FROM "
	                       "merge_conflict c WHERE c.id = ?1 AND c.resolved_at IS NULL", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "merge_conflict");
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(table, sizeof table, "%s", (const char *)sqlite3_column_text(q, 0));
		snprintf(record, sizeof record, "%s", (const char *)sqlite3_column_text(q, 1));
		snprintf(tdp, sizeof tdp, "%s", (const char *)sqlite3_column_text(q, 2));
	} else if (rc == SQLITE_DONE) {
		st = gn_fail(err, GN_ERR_NOT_FOUND, _("there is no open conflict number %ld"), id);
	} else {
		st = gn_db_fail(ctx->db, err, "merge_conflict");
	}
	sqlite3_finalize(q);
	if (st != GN_OK)
		return st;
	if (sqlite3_prepare_v2(ctx->db, "UPDATE merge_conflict SET resolved_at = gn_now_utc(), "
	                       "resolved_by = ?2 WHERE id = ?1", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "merge_conflict");
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, ctx->user.login, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		st = gn_db_fail(ctx->db, err, "merge_conflict");
	sqlite3_finalize(q);
	if (st == GN_OK)
		st = gn_audit(ctx, keep_incoming ? "conflict_take_incoming" : "conflict_keep_local", table, record,
		              *tdp ? tdp : NULL, "{}", err);
	return st;
}

gn_status gn_conflicts_list(gn_ctx *ctx, gn_conflict **out, size_t *n, gn_err *err)
{
	*out = NULL;
	*n = 0;
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(ctx->db, "SELECT id, table_name, record_id, " GN_SQL_DOC_CCCD_OPEN("local_data") ", "
	                       GN_SQL_DOC_CCCD_OPEN("incoming_data") ", coalesce(source, ''), "
	                       "detected_at FROM merge_conflict WHERE resolved_at IS NULL ORDER BY id", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "merge_conflict");
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		gn_conflict *c = realloc(*out, (*n + 1) * sizeof *c);
		if (!c) {
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			break;
		}
		*out = c;
		c += *n;
		memset(c, 0, sizeof *c);
		c->id = sqlite3_column_int64(q, 0);
		snprintf(c->table_name, sizeof c->table_name, "%s", (const char *)sqlite3_column_text(q, 1));
		snprintf(c->record_id, sizeof c->record_id, "%s", (const char *)sqlite3_column_text(q, 2));
		c->local_data = strdup((const char *)sqlite3_column_text(q, 3));
		c->incoming_data = strdup((const char *)sqlite3_column_text(q, 4));
		snprintf(c->source, sizeof c->source, "%s", (const char *)sqlite3_column_text(q, 5));
		snprintf(c->detected_at, sizeof c->detected_at, "%s", (const char *)sqlite3_column_text(q, 6));
		(*n)++;
	}
	if (st == GN_OK && rc != SQLITE_DONE)
		st = gn_db_fail(ctx->db, err, "merge_conflict");
	sqlite3_finalize(q);
	return st;
}

void gn_conflicts_free(gn_conflict *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].local_data);
		free(c[i].incoming_data);
	}
	free(c);
}

/* The incoming version is applied by importing it as a one-row file made
 * from the stored JSON, so it goes through the same checks and audit. */
gn_status gn_conflict_resolve(gn_ctx *ctx, const gn_census *census, long id, bool keep_incoming, gn_err *err)
{
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	sqlite3_stmt *q = NULL;
	char *incoming = NULL;
	if (sqlite3_prepare_v2(ctx->db, "SELECT " GN_SQL_DOC_CCCD_OPEN("incoming_data") " FROM merge_conflict WHERE id = ?1 AND resolved_at IS NULL",
	                       -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "merge_conflict");
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW && !(incoming = strdup((const char *)sqlite3_column_text(q, 0))))
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	else if (rc == SQLITE_DONE)
		st = gn_fail(err, GN_ERR_NOT_FOUND, _("there is no open conflict number %ld"), id);
	else if (rc != SQLITE_ROW)
		st = gn_db_fail(ctx->db, err, "merge_conflict");
	sqlite3_finalize(q);
	if (st != GN_OK)
		return st;
	gn_strbuf csv = { 0 };
	if (keep_incoming) {
		/* header and one row from the JSON object, in its key order; the
		 * version is left empty so the stored one moves on */
		sqlite3_stmt *kv = NULL;
		gn_strbuf head = { 0 }, row = { 0 };
		if (sqlite3_prepare_v2(ctx->db, "SELECT key, value FROM json_each(?1)", -1, &kv, NULL) != SQLITE_OK) {
			free(incoming);
			return gn_db_fail(ctx->db, err, "merge_conflict");
		}
		sqlite3_bind_text(kv, 1, incoming, -1, SQLITE_STATIC);
		while (sqlite3_step(kv) == SQLITE_ROW) {
			const char *k = (const char *)sqlite3_column_text(kv, 0);
			const char *v = (const char *)sqlite3_column_text(kv, 1);
			gn_sb_printf(&head, "%s%s", head.len ? "," : "", k);
			gn_sb_add(&row, row.len ? ",\"" : "\"");
			for (const char *p = v ? v : ""; *p; p++)
				gn_sb_add(&row, *p == '"' ? "\"\"" : (char[2]){ *p, 0 });
			gn_sb_add(&row, "\"");
		}
		sqlite3_finalize(kv);
		gn_sb_printf(&csv, "%s\n%s\n", gn_sb_str(&head), gn_sb_str(&row));
		gn_sb_free(&head);
		gn_sb_free(&row);
	}
	free(incoming);
	if (keep_incoming) {
		/* the record and its resolution in the import's one transaction */
		gn_import_report rep;
		gn_import_options opt = { .take_incoming = true, .resolves_conflict = id };
		st = gn_import_buffer(ctx, census, gn_sb_str(&csv), csv.len, &opt, &rep, err);
		if (st != GN_OK && rep.n_problems)
			gn_fail(err, st, "%s", rep.problems[0].msg);
		gn_import_report_free(&rep);
		gn_sb_free(&csv);
		return st;
	}
	gn_sb_free(&csv);
	if ((st = gn_db_begin(ctx->db, err)) != GN_OK)
		return st;
	st = imp_mark_resolved(ctx, id, false, err);
	if (st == GN_OK)
		return gn_db_commit(ctx->db, err);
	gn_db_rollback(ctx->db);
	return st;
}

void gn_conflict_fields_free(gn_conflict_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].label);
		free(f[i].local);
		free(f[i].incoming);
	}
	free(f);
}

/* other_answers as stored: a JSON object's text (anything else, say a
 * cell mangled on the way, is compared whole). */
static bool json_object_text(const char *s)
{
	while (*s == ' ')
		s++;
	return *s == '{';
}

/* One difference, its label the record's form's words for it. */
static gn_status add_difference(gn_conflict_field **out, size_t *n, const char *name, const char *label,
                                const char *l, const char *i, gn_err *err)
{
	gn_conflict_field *more = realloc(*out, (*n + 1) * sizeof *more);
	if (!more)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	*out = more;
	more[*n] = (gn_conflict_field){ strdup(name), strdup(label && *label ? label : name), l && *l ? strdup(l) : NULL,
		                            i && *i ? strdup(i) : NULL };
	(*n)++;
	return more[*n - 1].name && more[*n - 1].label ? GN_OK : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
}

/* The answers that differ, key by key (IMP_ANSWER_SETS_SQL); a repeat's
 * answer by its path, labelled "Woman 2 › Child 1 › Name" from
 * the form. fixed: the JSON array of the file's columns that are no
 * answer. */
static gn_status answer_differences(sqlite3 *db, const gn_form *form, const char *fixed, const char *local,
                                    const char *incoming, gn_conflict_field **out, size_t *n, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, IMP_ANSWER_SETS_SQL " ORDER BY key", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "merge_conflict");
	sqlite3_bind_text(q, 1, local && json_object_text(local) ? local : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, incoming && json_object_text(incoming) ? incoming : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, fixed, -1, SQLITE_STATIC);
	gn_status st = GN_OK;
	int rc;
	while (st == GN_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(q, 0);
		const char *l = (const char *)sqlite3_column_text(q, 1), *i = (const char *)sqlite3_column_text(q, 2);
		if (!key || strcmp(l ? l : "", i ? i : "") == 0)
			continue;
		char label[512];
		int k = gn_form_key_field(form, key);
		if (!gn_form_key_label(form, key, label, sizeof label))
			snprintf(label, sizeof label, "%s", k >= 0 ? gn_field_label(&form->fields[k]) : key);
		st = add_difference(out, n, key, label, l, i, err);
	}
	if (st == GN_OK && rc != SQLITE_DONE)
		st = gn_db_fail(db, err, "merge_conflict");
	sqlite3_finalize(q);
	return st;
}

/* The form the conflict's record is read with: its TDP's (gn_tdp_forms). */
static gn_status record_form(sqlite3 *db, const gn_census *census, const gn_conflict *c, gn_tdp_forms *forms,
                             gn_form **form, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	char tdp[37] = "";
	*form = census ? census->form : NULL;
	if (!*form)
		return GN_OK;
	if (sqlite3_prepare_v2(db, "SELECT coalesce((SELECT tdp_id FROM household WHERE id = ?1), (SELECT tdp_id FROM "
	                       "person WHERE id = ?1))", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "merge_conflict");
	sqlite3_bind_text(q, 1, c->record_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		gn_db_col_copy(q, 0, tdp, sizeof tdp);
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW)
		return gn_db_fail(db, err, "merge_conflict");
	return *tdp ? gn_tdp_forms_of(forms, tdp, form, err) : GN_OK; /* a record gone: census's columns */
}

gn_status gn_conflict_differences(const gn_census *census, sqlite3 *db, const gn_conflict *c, gn_conflict_field **out,
                                  size_t *n, gn_err *err)
{
	*out = NULL;
	*n = 0;
	ex_cols cols = { 0 };
	gn_tdp_forms forms;
	gn_form *form = NULL;
	sqlite3_stmt *q = NULL;
	gn_strbuf fixed = { 0 }; /* the columns that are no answer, as a JSON array */
	gn_sb_add(&fixed, "[");
	gn_ex_kind kind = strcmp(c->table_name, "person") == 0 ? GN_EXK_PERSONS : GN_EXK_HOUSEHOLDS;
	gn_tdp_forms_init(&forms, db, sqlite3_db_filename(db, "main"), census ? census->form : NULL);
	gn_status st = record_form(db, census, c, &forms, &form, err);
	if (st == GN_OK)
		st = ex_cols_build(form, kind, &cols, err);
	if (st != GN_OK)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT json_extract(?1, '$.\"' || ?3 || '\"'), json_extract(?2, '$.\"' || ?3 || '\"')",
	                       -1, &q, NULL) != SQLITE_OK) {
		st = gn_db_fail(db, err, "merge_conflict");
		goto out;
	}
	for (size_t k = 0; k < cols.n && st == GN_OK; k++) {
		const ex_col *col = &cols.cols[k];
		if (col->kind != EXC_ANSWER) {
			gn_sb_add(&fixed, fixed.len > 1 ? "," : "");
			gn_sb_json_str(&fixed, col->name);
		}
		if (col->kind == EXC_META || col->kind == EXC_DERIVED || col->kind == EXC_TDP_NAME ||
		    (form && (col->kind == EXC_ANSWER || col->kind == EXC_OTHER)))
			continue;
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, c->local_data, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, c->incoming_data, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, col->name, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_ROW) {
			st = gn_db_fail(db, err, "merge_conflict");
			break;
		}
		const char *l = (const char *)sqlite3_column_text(q, 0), *i = (const char *)sqlite3_column_text(q, 1);
		if (strcmp(l ? l : "", i ? i : "") == 0)
			continue;
		const char *label = col->field ? gn_field_label(col->field) : col->name;
		st = add_difference(out, n, col->name, label, l, i, err);
	}
	gn_sb_add(&fixed, "]");
	if (st == GN_OK && form) /* the answers, one by one, in the record's form's words */
		st = (fixed.failed ? gn_fail(err, GN_ERR_NOMEM, _("out of memory"))
		                   : answer_differences(db, form, gn_sb_str(&fixed), c->local_data, c->incoming_data, out, n,
		                                        err));
out:
	sqlite3_finalize(q);
	gn_sb_free(&fixed);
	ex_cols_free(&cols);
	gn_tdp_forms_free(&forms);
	if (st != GN_OK) {
		gn_conflict_fields_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return st;
}
