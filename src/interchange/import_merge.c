/* Merging a gonha export by UUID: each record compared with the stored
 * one, then added, taken, kept or stored as a conflict (docs/exchange.md). */
#include "import.h"
#include "gonha/storage/vault.h"
#include "spreadsheet.h"
#include "gonha/domain/household.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gn_status imp_prepare(importer *im, sqlite3_stmt **st, const char *sql)
{
	if (*st)
		return GN_OK;
	if (sqlite3_prepare_v2(im->ctx->db, sql, -1, st, NULL) != SQLITE_OK) {
		imp_db_error(im, "import");
		return im->status;
	}
	return GN_OK;
}

/* Reads the local row the way export writes it, for comparing. */
static bool local_cells(importer *im, const char *id, bool persons, char ***out)
{
	if (!im->local) {
		gn_strbuf sql = { 0 };
		gn_sb_add(&sql, "SELECT ");
		for (size_t i = 0; i < im->cols.n; i++)
			gn_sb_printf(&sql, "%s%s", i ? ", " : "", im->cols.cols[i].sql);
		gn_sb_printf(&sql, ", %s.version_local, %s.deleted", persons ? "p" : "h", persons ? "p" : "h");
		/* a person's columns are its own and its TDP's: no household read
		 * for each row */
		gn_sb_add(&sql, persons ? " FROM person p JOIN tdp t ON t.id = p.tdp_id WHERE p.id = ?1"
		                        : " FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE h.id = ?1");
		gn_status st = imp_prepare(im, &im->local, gn_sb_str(&sql));
		gn_sb_free(&sql);
		if (st != GN_OK)
			return false;
	}
	sqlite3_reset(im->local);
	sqlite3_bind_text(im->local, 1, id, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(im->local);
	if (rc == SQLITE_DONE) {
		*out = NULL;
		return true;
	}
	if (rc != SQLITE_ROW) {
		imp_db_error(im, "import");
		return false;
	}
	size_t n = im->cols.n + 2;
	char **cells = calloc(n, sizeof *cells);
	if (!cells)
		return false;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *t = sqlite3_column_text(im->local, (int)i);
		cells[i] = t ? strdup((const char *)t) : NULL;
	}
	sqlite3_reset(im->local);
	*out = cells;
	return true;
}

static void free_cells(char **cells, size_t n)
{
	for (size_t i = 0; cells && i < n; i++)
		free(cells[i]);
	free(cells);
}

static bool eq(const char *a, const char *b)
{
	return (!a || !*a) ? (!b || !*b) : (b && strcmp(a, b) == 0);
}

/* A JSON object {column: [local, incoming]} of what differs, for the audit
 * and the conflict list. */
static void diff_json(importer *im, char **local, const row_values *r, gn_strbuf *b, bool all)
{
	gn_sb_add(b, "{");
	bool first = true;
	for (size_t k = 0; k < im->cols.n; k++) {
		const ex_col *c = &im->cols.cols[k];
		if (c->kind == EXC_TDP_NAME || c->kind == EXC_DERIVED || c->kind == EXC_META)
			continue;
		const char *lv = local ? local[k] : NULL;
		if (!all && ex_sheet_same(c, lv, r->v[k]))
			continue;
		gn_sb_add(b, first ? "" : ",");
		first = false;
		gn_sb_json_str(b, c->name);
		gn_sb_add(b, ":[");
		if (lv) gn_sb_json_str(b, lv); else gn_sb_add(b, "null");
		gn_sb_add(b, ",");
		if (r->v[k]) gn_sb_json_str(b, r->v[k]); else gn_sb_add(b, "null");
		gn_sb_add(b, "]");
	}
	gn_sb_add(b, "}");
}

void imp_bind_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void imp_bind_value(importer *im, sqlite3_stmt *q, int i, const char *v)
{
	const char *kept = im->bulk_binding ? imp_bulk_keep(im, v) : NULL;
	if (kept)
		sqlite3_bind_text(q, i, kept, -1, SQLITE_STATIC);
	else
		imp_bind_or_null(q, i, v);
}

/* Parameters base+1 to base+19 of the person statements, every one bound
 * (the bulk statement is not cleared between its batches): base+14 to 17
 * who made the record, when, and the PCs of its times (NULL when the file
 * does not say); base+18 and 19 the form id and version. */
void imp_bind_person_at(importer *im, sqlite3_stmt *q, int base, const row_values *r, const char *answers,
                           const char *tdp_id, const char *version, char **local)
{
	const char *cccd = imp_val(r, im->ci.cccd);
	if (cccd && strchr(cccd, '*')) /* masked: keep what is stored */
		cccd = local ? local[im->ci.cccd] : NULL;
	imp_bind_value(im, q, base + 1, imp_val(r, im->ci.person_id));
	imp_bind_value(im, q, base + 2, imp_val(r, im->ci.household_id));
	imp_bind_value(im, q, base + 3, tdp_id);
	imp_bind_value(im, q, base + 4, imp_val(r, im->ci.full_name));
	const char *by = imp_val(r, im->ci.birth_year);
	if (by)
		sqlite3_bind_int(q, base + 5, atoi(by));
	else
		sqlite3_bind_null(q, base + 5);
	imp_bind_value(im, q, base + 6, imp_val(r, im->ci.sex));
	imp_bind_value(im, q, base + 7, imp_val(r, im->ci.relation));
	imp_bind_value(im, q, base + 8, cccd);
	imp_bind_value(im, q, base + 9, answers);
	imp_bind_value(im, q, base + 10, imp_val(r, im->ci.updated_at));
	imp_bind_value(im, q, base + 11, imp_val(r, im->ci.updated_by) ? imp_val(r, im->ci.updated_by) : im->ctx->user.login);
	imp_bind_value(im, q, base + 12, version);
	imp_bind_value(im, q, base + 13, imp_val(r, im->ci.base_version));
	imp_bind_value(im, q, base + 14, imp_val(r, im->ci.created_at));
	imp_bind_value(im, q, base + 15, imp_val(r, im->ci.created_by));
	imp_bind_value(im, q, base + 16, imp_val(r, im->ci.created_pc));
	imp_bind_value(im, q, base + 17, imp_val(r, im->ci.updated_pc));
	imp_bind_form(im, q, base + 18, r);
}

static void bind_person(importer *im, sqlite3_stmt *q, const row_values *r, const char *answers, const char *tdp_id,
                        const char *version, char **local)
{
	imp_bind_person_at(im, q, 0, r, answers, tdp_id, version, local);
}

/* The index of a TDP among those touched (whose people changed: their
 * coverage bits and sums are made again at the end), added if new; -1 when
 * out of memory. */
long imp_touch(importer *im, const char *tdp_id)
{
	if (im->last_touched < im->n_touched && strcmp(im->touched[im->last_touched], tdp_id) == 0)
		return (long)im->last_touched;
	for (size_t i = 0; i < im->n_touched; i++)
		if (strcmp(im->touched[i], tdp_id) == 0)
			return (long)(im->last_touched = i);
	size_t n = im->n_touched + 1;
	char (*more)[37] = realloc(im->touched, n * sizeof *more);
	if (more)
		im->touched = more;
	long *counts = more ? realloc(im->added_in, n * sizeof *counts) : NULL;
	if (counts)
		im->added_in = counts;
	long long (*sums)[2][64] = counts ? realloc(im->bit_sums, n * sizeof *sums) : NULL;
	if (!sums) {
		im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
		im->fatal = true;
		return -1;
	}
	im->bit_sums = sums;
	im->added_in[im->n_touched] = 0;
	memset(im->bit_sums[im->n_touched], 0, sizeof *sums);
	snprintf(im->touched[im->n_touched], 37, "%s", tdp_id);
	im->last_touched = im->n_touched++;
	return (long)im->last_touched;
}

/* One more record added to a TDP: the import's audit says how many per TDP
 * (each record also carries who made it and when); changes to records
 * already here are audited one by one. */
bool imp_count_added(importer *im, const char *tdp_id)
{
	long i = imp_touch(im, tdp_id);
	if (i < 0)
		return false;
	im->added_in[i]++;
	return true;
}

/* The line a record written came from, for the form's rules checked over
 * every row written at the end of the file (check_form_rules). */
bool imp_remember_written(importer *im, const char *id)
{
	if (imp_prepare(im, &im->written, "INSERT OR REPLACE INTO temp.gn_import_rows(rid, line) VALUES (?1, ?2)") != GN_OK)
		return false;
	sqlite3_reset(im->written);
	sqlite3_bind_text(im->written, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(im->written, 2, im->row_line);
	if (sqlite3_step(im->written) != SQLITE_DONE) {
		imp_db_error(im, "import");
		return false;
	}
	sqlite3_reset(im->written);
	return true;
}

/* Parameters 16 to 23 of the household statements: who made it and when,
 * the PCs of its times, and its entry (operators.h). A file without the
 * entry columns (made before them): the household was entered by whoever
 * changed it last, when they did, on a PC not known. */
static void bind_provenance(importer *im, sqlite3_stmt *q, const row_values *r)
{
	imp_bind_or_null(q, 16, imp_val(r, im->ci.created_at));
	imp_bind_or_null(q, 17, imp_val(r, im->ci.created_by));
	imp_bind_or_null(q, 18, imp_val(r, im->ci.created_pc));
	imp_bind_or_null(q, 19, imp_val(r, im->ci.updated_pc));
	if (im->ci.entered_by >= 0) {
		imp_bind_or_null(q, 20, imp_val(r, im->ci.entered_by));
		imp_bind_or_null(q, 21, imp_val(r, im->ci.entered_at));
		imp_bind_or_null(q, 22, imp_val(r, im->ci.entered_pc));
		const char *secs = imp_val(r, im->ci.entry_seconds);
		if (secs)
			sqlite3_bind_int64(q, 23, strtoll(secs, NULL, 10));
		return;
	}
	const char *by = imp_val(r, im->ci.updated_by) ? imp_val(r, im->ci.updated_by) : im->ctx->user.login;
	const char *visit = imp_val(r, im->ci.visit_status);
	imp_bind_or_null(q, 20, by);
	if (visit && strcmp(visit, GN_VISIT_NOT_VISITED) != 0)
		imp_bind_or_null(q, 21, imp_val(r, im->ci.updated_at));
}

/* Inserts or overwrites the record with the incoming values. */
static bool write_record(importer *im, const row_values *r, const char *answers, const char *tdp_id, bool insert,
                         bool keep_version, char **local)
{
	bool persons = im->rep->kind == GN_EXK_PERSONS;
	sqlite3 *db = im->ctx->db;
	/* a live person edited where they are (the common case): the
	 * household, TDP, name and tombstone left out of the UPDATE, so the
	 * indexes on them (and the partial ones on live persons) are not
	 * rewritten for every row */
	bool in_place = persons && !insert && local && !(local[im->cols.n + 1] && atoi(local[im->cols.n + 1])) &&
	                eq(local[im->ci.household_id], imp_val(r, im->ci.household_id)) &&
	                eq(local[im->ci.tdp_code], imp_val(r, im->ci.tdp_code)) &&
	                eq(local[im->ci.full_name], imp_val(r, im->ci.full_name));
	sqlite3_stmt **st = insert ? &im->ins : in_place ? &im->upd_in_place : &im->upd;
	const char *sql;
	if (in_place)
		sql = "UPDATE person SET birth_year = ?5, sex = ?6, relation = ?7, cccd = ?8, answers = json(?9), "
		      "updated_at = ?10, updated_by = ?11, updated_pc = " EX_PC_STORED("?17") ", version = coalesce(?12, version), "
		      "base_version = CASE WHEN ?12 IS NULL THEN base_version ELSE ?13 END, version_local = CASE WHEN ?12 IS NULL THEN version_local "
		      "ELSE 0 END, form_id = coalesce(?18, form_id), form_version = coalesce(?19, form_version), "
		      "rev = rev + 1 WHERE id = ?1";
	else if (persons)
		sql = insert
			? "INSERT INTO person(id, household_id, tdp_id, position, full_name, name_key, birth_year, sex, relation, "
			  GN_SQL_CCCD_COLUMNS ", answers, created_at, created_by, updated_at, updated_by, version, base_version, "
			  "version_local, created_pc, updated_pc, form_id, form_version) VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), -1) + 1 FROM person WHERE "
			  "household_id = ?2), ?4, gn_fold(?4), ?5, ?6, ?7, " GN_SQL_CCCD_VALUES("?8") ", json(?9), coalesce(?14, ?10), "
			  "coalesce(?15, ?11), ?10, ?11, ?12, ?13, 0, " EX_PC_STORED("?16") ", " EX_PC_STORED("?17") ", ?18, ?19)"
			: "UPDATE person SET household_id = ?2, tdp_id = ?3, full_name = ?4, name_key = gn_fold(?4), "
			  "birth_year = ?5, sex = ?6, relation = ?7, " GN_SQL_CCCD_SET("?8") ", answers = json(?9), updated_at = ?10, "
			  "updated_by = ?11, updated_pc = " EX_PC_STORED("?17") ", version = coalesce(?12, version), base_version = CASE WHEN ?12 IS NULL "
			  "THEN base_version ELSE ?13 END, version_local = CASE WHEN ?12 IS NULL THEN version_local ELSE 0 END, "
			  "form_id = coalesce(?14, form_id), form_version = coalesce(?15, form_version), "
			  "deleted = 0, rev = rev + 1 WHERE id = ?1";
	else
		sql = insert
			? "INSERT INTO household(id, tdp_id, walk_order, house_no, alley, street, address_key, visit_status, "
			  "visit_date, visited_by, entered_by, answers, created_at, created_by, updated_at, updated_by, version, "
			  "base_version, version_local, created_pc, updated_pc, entered_at, entered_pc, entry_seconds, form_id, "
			  "form_version) "
			  "VALUES (?1, ?2, coalesce(?3, (SELECT coalesce(max(walk_order), 0) + 1 "
			  "FROM household WHERE tdp_id = ?2)), ?4, ?5, ?6, gn_fold(?4 || ' ' || ?5 || ' ' || ?6), "
			  "?7, ?8, ?9, ?20, json(?10), coalesce(?16, ?11), coalesce(?17, ?12), ?11, ?12, ?13, ?15, 0, "
			  EX_PC_STORED("?18") ", " EX_PC_STORED("?19") ", ?21, CASE WHEN ?21 IS NOT NULL THEN "
			  EX_PC_STORED("?22") " END, ?23, ?24, ?25)"
			: "UPDATE household SET tdp_id = ?2, walk_order = coalesce(?3, walk_order), house_no = ?4, alley = ?5, "
			  "street = ?6, address_key = gn_fold(?4 || ' ' || ?5 || ' ' || ?6), "
			  "visit_status = ?7, visit_date = ?8, visited_by = ?9, answers = json(?10), "
			  "updated_at = ?11, updated_by = ?12, updated_pc = " EX_PC_STORED("?19") ", "
			  /* the first entry stays; one made elsewhere is taken if there is none here */
			  "entered_by = CASE WHEN entered_at IS NULL THEN ?20 ELSE entered_by END, "
			  "entered_pc = CASE WHEN entered_at IS NULL THEN CASE WHEN ?21 IS NOT NULL THEN " EX_PC_STORED("?22")
			  " END ELSE entered_pc END, entry_seconds = CASE WHEN entered_at IS NULL THEN ?23 ELSE entry_seconds END, "
			  "entered_at = coalesce(entered_at, ?21), "
			  "version = coalesce(?13, version), base_version = CASE WHEN ?13 IS "
			  "NULL THEN base_version ELSE ?15 END, version_local = CASE WHEN ?13 IS NULL THEN version_local ELSE 0 END, "
			  "form_id = coalesce(?24, form_id), form_version = coalesce(?25, form_version), "
			  "deleted = 0, rev = rev + 1 WHERE id = ?1";
	if (imp_prepare(im, st, sql) != GN_OK || (persons && !insert && !imp_undo_keep(im, imp_val(r, im->ci.id))))
		return false;
	sqlite3_stmt *q = *st;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	const char *version = keep_version ? NULL : imp_val(r, im->ci.version);
	if (persons) {
		bind_person(im, q, r, answers, tdp_id, version, local);
	} else {
		imp_bind_or_null(q, 1, imp_val(r, im->ci.household_id));
		imp_bind_or_null(q, 2, tdp_id);
		const char *wo = imp_val(r, im->ci.walk_order);
		if (wo)
			sqlite3_bind_double(q, 3, strtod(wo, NULL));
		sqlite3_bind_text(q, 4, imp_val(r, im->ci.house_no) ? imp_val(r, im->ci.house_no) : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 5, imp_val(r, im->ci.alley) ? imp_val(r, im->ci.alley) : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 6, imp_val(r, im->ci.street) ? imp_val(r, im->ci.street) : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 7, imp_val(r, im->ci.visit_status) ? imp_val(r, im->ci.visit_status) : GN_VISIT_NOT_VISITED, -1,
		                  SQLITE_TRANSIENT);
		imp_bind_or_null(q, 8, imp_val(r, im->ci.visit_date));
		imp_bind_or_null(q, 9, imp_val(r, im->ci.visited_by));
		imp_bind_or_null(q, 10, answers);
		imp_bind_or_null(q, 11, imp_val(r, im->ci.updated_at));
		imp_bind_or_null(q, 12, imp_val(r, im->ci.updated_by) ? imp_val(r, im->ci.updated_by) : im->ctx->user.login);
		imp_bind_or_null(q, 13, version);
		imp_bind_or_null(q, 14, im->ctx->user.login);
		imp_bind_or_null(q, 15, imp_val(r, im->ci.base_version));
		bind_provenance(im, q, r);
		imp_bind_form(im, q, 24, r);
	}
	if (sqlite3_step(q) != SQLITE_DONE) {
		imp_db_error(im, persons ? "person" : "household");
		return false;
	}
	sqlite3_reset(q);
	(void)db;
	return imp_remember_written(im, imp_val(r, im->ci.id)) && imp_touch(im, tdp_id) >= 0;
}

/* The audit entry of one record, in the import's transaction, written as
 * every audit entry is (gn_audit, its statement prepared once). */
void imp_audit(importer *im, const char *action, const char *table, const char *id, const char *tdp_id,
               const char *changes)
{
	gn_err e = { 0 };
	if (im->status == GN_OK && gn_audit(im->ctx, action, table, id, tdp_id, changes, &e) != GN_OK) {
		*im->err = e;
		im->status = e.status;
		im->fatal = true;
	}
}

/* The import's audit entries for what it added, one per TDP. */
void imp_audit_added(importer *im)
{
	const char *table = im->rep->kind == GN_EXK_PERSONS ? "person" : "household";
	for (size_t i = 0; i < im->n_touched && im->status == GN_OK; i++) {
		if (!im->added_in[i])
			continue;
		gn_strbuf b = { 0 };
		gn_sb_add(&b, "{\"file\":");
		gn_sb_json_str(&b, im->source ? im->source : "");
		gn_sb_printf(&b, ",\"added\":%ld", im->added_in[i]);
		/* a household list adds each household with its head */
		if (im->rep->kind == GN_EXK_HOUSEHOLD_LIST)
			gn_sb_printf(&b, ",\"heads_added\":%ld", im->added_in[i]);
		gn_sb_add(&b, "}");
		imp_audit(im, "import_add", table, NULL, im->touched[i], gn_sb_str(&b));
		gn_sb_free(&b);
	}
}

/* The TDP a row names, which must exist and be the user's (its code as
 * stored put back in the row); a person goes with their household. */
static bool row_tdp(importer *im, row_values *r, bool persons, char tdp_id[37])
{
	const char *code = imp_val(r, im->ci.tdp_code);
	if (!code) {
		imp_problem(im, im->row_line, _("tdp_code is empty"));
		return false;
	}
	char canonical[32] = "";
	if (!imp_tdp_for_code_as(im, code, tdp_id, canonical))
		return false;
	if (*canonical && strcmp(canonical, code) != 0) {
		imp_replace_value(r, (size_t)im->ci.tdp_code, strdup(canonical));
		code = imp_val(r, im->ci.tdp_code);
	}
	if (!persons)
		return true;
	const char *hh = imp_val(r, im->ci.household_id);
	if (strcmp(hh, im->last_hh) != 0) {
		if (imp_prepare(im, &im->hh_tdp, "SELECT tdp_id FROM household WHERE id = ?1 AND deleted = 0") != GN_OK)
			return false;
		sqlite3_reset(im->hh_tdp);
		sqlite3_bind_text(im->hh_tdp, 1, hh, -1, SQLITE_TRANSIENT);
		int rc = sqlite3_step(im->hh_tdp);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			imp_db_error(im, "household");
			return false;
		}
		const char *hh_tdp = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(im->hh_tdp, 0) : NULL;
		snprintf(im->last_hh, sizeof im->last_hh, "%s", hh_tdp ? hh : "");
		snprintf(im->last_hh_tdp, sizeof im->last_hh_tdp, "%s", hh_tdp ? hh_tdp : "");
		sqlite3_reset(im->hh_tdp);
		if (!hh_tdp) {
			imp_problem(im, im->row_line, _("household %s is not in this database: import the households file first"),
			            hh);
			return false;
		}
	}
	if (strcmp(im->last_hh_tdp, tdp_id) != 0) {
		imp_problem(im, im->row_line, _("the household of this person is not in TDP %s"), code);
		return false;
	}
	return true;
}

/* Records of their own in a households row's JSON column (col), merged
 * by their ids: one already here is left as it is, a new one is added
 * (add); never making the household differ. valid: the column is the
 * array gonha wrote, else the cell's problem is bad. */
static bool merge_json_records(importer *im, const row_values *r, const char *tdp_id, int col, const char *name,
                               sqlite3_stmt **valid, const char *valid_sql, sqlite3_stmt **add, const char *add_sql,
                               const char *table, const char *bad)
{
	const char *records = imp_val(r, col);
	if (!records)
		return true;
	if (imp_prepare(im, valid, valid_sql) != GN_OK || imp_prepare(im, add, add_sql) != GN_OK)
		return false;
	sqlite3_reset(*valid);
	sqlite3_bind_text(*valid, 1, records, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(*valid);
	bool ok = rc == SQLITE_ROW && sqlite3_column_int(*valid, 0);
	sqlite3_reset(*valid);
	if (rc != SQLITE_ROW) {
		imp_db_error(im, table);
		return false;
	}
	if (!ok) {
		imp_cell_problem(im, name, NULL, bad);
		return false;
	}
	sqlite3_reset(*add);
	sqlite3_bind_text(*add, 1, records, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(*add, 2, imp_val(r, im->ci.id), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(*add, 3, tdp_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(*add);
	sqlite3_reset(*add);
	if (rc != SQLITE_DONE) {
		imp_db_error(im, table);
		return false;
	}
	return true;
}

/* The reviews (review.h) and the corrections after save (entry_time, the
 * operator figures) of a households row. */
bool imp_merge_records(importer *im, const row_values *r, const char *tdp_id)
{
	return merge_json_records(
	           im, r, tdp_id, im->ci.reviews, "reviews", &im->reviews_ok,
	           "SELECT json_valid(?1) AND json_type(?1) = 'array' AND NOT EXISTS (SELECT 1 FROM json_each(?1) "
	           "WHERE json_type(value) IS NOT 'object' OR json_extract(value, '$.decision') NOT IN "
	           "('approved', 'sent_back') OR length(json_extract(value, '$.id')) IS NOT 36 OR "
	           "json_extract(value, '$.at') IS NULL OR json_extract(value, '$.by') IS NULL OR "
	           "length(coalesce(json_extract(value, '$.reason'), '')) > 2000)",
	           &im->reviews_add,
	           "INSERT INTO household_review(id, household_id, tdp_id, decision, reason, at, by_login, pc) "
	           "SELECT json_extract(value, '$.id'), ?2, ?3, json_extract(value, '$.decision'), "
	           "coalesce(json_extract(value, '$.reason'), ''), json_extract(value, '$.at'), "
	           "json_extract(value, '$.by'), " EX_PC_STORED("json_extract(value, '$.pc')")
	           " FROM json_each(?1) WHERE true ON CONFLICT(id) DO NOTHING",
	           "household_review", _("these are not the reviews gonha wrote: export the file again from gonha")) &&
	       merge_json_records(
	           im, r, tdp_id, im->ci.corrections, "corrections", &im->corrections_ok,
	           "SELECT json_valid(?1) AND json_type(?1) = 'array' AND NOT EXISTS (SELECT 1 FROM json_each(?1) "
	           "WHERE json_type(value) IS NOT 'object' OR length(json_extract(value, '$.id')) IS NOT 36 OR "
	           "json_type(value, '$.at') IS NOT 'text' OR json_type(value, '$.by') IS NOT 'text')",
	           &im->corrections_add,
	           "INSERT INTO entry_time(uid, household_id, tdp_id, user_login, opened_at, saved_at, seconds, persons, "
	           "correction, pc) SELECT json_extract(value, '$.id'), ?2, ?3, json_extract(value, '$.by'), "
	           "json_extract(value, '$.at'), json_extract(value, '$.at'), NULL, 0, 1, "
	           EX_PC_STORED("json_extract(value, '$.pc')")
	           " FROM json_each(?1) WHERE true ON CONFLICT(uid) DO NOTHING",
	           "entry_time", _("these are not the corrections gonha wrote: export the file again from gonha"));
}

typedef enum merge_decision { UNCHANGED, TAKE, TAKE_NEW_VERSION, KEEP, CONFLICT, REFUSED } merge_decision;

/* The merge rules of docs/exchange.md, on the stored cells (local, with
 * version_local and deleted after the columns) and the incoming row. */
/* {column: value} of a row's answers and other_answers (cells: by
 * im->cols index). */
static void answers_json(importer *im, const char *const *cells, gn_strbuf *b)
{
	gn_sb_add(b, "{");
	bool first = true;
	for (size_t k = 0; k < im->cols.n; k++) {
		const ex_col *c = &im->cols.cols[k];
		if ((c->kind != EXC_ANSWER && c->kind != EXC_OTHER) || !cells[k] || !*cells[k])
			continue;
		gn_sb_add(b, first ? "" : ",");
		gn_sb_json_str(b, c->name);
		gn_sb_add(b, ":");
		gn_sb_json_str(b, cells[k]);
		first = false;
	}
	gn_sb_add(b, "}");
}

/* The row's answers are the stored ones, taken as sets (IMP_ANSWER_SETS_SQL):
 * a TDP whose form changed keeps answers of the one before in
 * other_answers, which the stored record reads as census's columns. */
static bool same_answer_sets(importer *im, const row_values *r, char **local)
{
	gn_strbuf a = { 0 }, b = { 0 };
	answers_json(im, (const char *const *)local, &a);
	answers_json(im, (const char *const *)r->v, &b);
	bool same = false;
	if (!a.failed && !b.failed &&
	    imp_prepare(im, &im->same_answers, "SELECT count(*) FROM (" IMP_ANSWER_SETS_SQL ") WHERE coalesce(l, '') <> "
	                "coalesce(i, '')") == GN_OK) {
		sqlite3_reset(im->same_answers);
		sqlite3_bind_text(im->same_answers, 1, gn_sb_str(&a), -1, SQLITE_STATIC);
		sqlite3_bind_text(im->same_answers, 2, gn_sb_str(&b), -1, SQLITE_STATIC);
		sqlite3_bind_text(im->same_answers, 3, "[\"other_answers\"]", -1, SQLITE_STATIC);
		if (sqlite3_step(im->same_answers) == SQLITE_ROW)
			same = sqlite3_column_int64(im->same_answers, 0) == 0;
		else
			imp_db_error(im, "import");
		sqlite3_reset(im->same_answers);
	}
	gn_sb_free(&a);
	gn_sb_free(&b);
	return same;
}

static merge_decision decide(importer *im, const row_values *r, char **local)
{
	size_t nc = im->cols.n;
	const char *l_version = local[im->ci.version], *l_base = local[im->ci.base_version];
	bool l_changed = local[nc] && atoi(local[nc]);
	bool l_deleted = local[nc + 1] && atoi(local[nc + 1]);
	const char *i_version = imp_val(r, im->ci.version), *i_base = imp_val(r, im->ci.base_version);
	/* same content? (a masked CCCD stands for the stored one, numbers
	 * compare as numbers) */
	bool same = !l_deleted, same_answers = true;
	for (size_t k = 0; k < nc && same; k++) {
		const ex_col *c = &im->cols.cols[k];
		if (c->kind == EXC_TDP_NAME || c->kind == EXC_DERIVED || c->kind == EXC_META)
			continue;
		if (c->kind == EXC_ANSWER || c->kind == EXC_OTHER)
			same_answers = same_answers && ex_sheet_same(c, local[k], r->v[k]);
		else
			same = ex_sheet_same(c, local[k], r->v[k]);
	}
	if (same && !same_answers) /* one side may keep an answer in other_answers that the other has as a column */
		same_answers = same_answer_sets(im, r, local);
	same = same && same_answers;
	if (!same && im->token_mangled && !im->opt->take_incoming) {
		imp_problem(im, im->row_line, _("version \"%s\": the spreadsheet turned the version of this edited record into "
		                               "a number, so gonha cannot tell which version it was edited from: export again, "
		                               "keep the version column as Text (or use the XLSX export) and edit that file"),
		            i_version);
		return REFUSED;
	}
	if (im->opt->take_incoming)
		return TAKE_NEW_VERSION;
	if (same)
		return UNCHANGED;
	if (eq(i_version, l_version))
		return TAKE_NEW_VERSION; /* edited outside gonha (in Excel) */
	if (eq(i_base, l_version))
		return TAKE; /* the incoming was made from ours */
	if (eq(l_base, i_version))
		return KEEP; /* ours was made from the incoming */
	if (!l_changed) { /* ours unchanged since it last met: the newer wins */
		const char *l_at = local[im->ci.updated_at];
		return strcmp(imp_val(r, im->ci.updated_at), l_at ? l_at : "") >= 0 ? TAKE : KEEP;
	}
	return CONFLICT;
}

/* {column: value} of a whole row, for the conflict list. */
static void row_json(importer *im, char *const *cells, gn_strbuf *b)
{
	gn_sb_add(b, "{");
	for (size_t k = 0; k < im->cols.n; k++) {
		gn_sb_add(b, k ? "," : "");
		gn_sb_json_str(b, im->cols.cols[k].name);
		gn_sb_add(b, ":");
		if (cells[k])
			gn_sb_json_str(b, cells[k]);
		else
			gn_sb_add(b, "null");
	}
	gn_sb_add(b, "}");
}

/* Changed on both sides: ours stays, theirs is kept beside it for a ward
 * officer (once per incoming version). */
static void keep_conflict(importer *im, const row_values *r, char **local, const char *table, const char *tdp_id)
{
	const char *id = imp_val(r, im->ci.id);
	if (imp_prepare(im, &im->conflict_seen, "SELECT 1 FROM merge_conflict WHERE record_id = ?1 AND resolved_at IS NULL "
	                                        "AND json_extract(incoming_data, '$.version') IS ?2") != GN_OK ||
	    imp_prepare(im, &im->conflict_add, "INSERT INTO merge_conflict(table_name, record_id, local_data, incoming_data, "
	                                       "source, detected_at) VALUES (?1, ?2, " GN_SQL_DOC_CCCD_SEAL("?3") ", "
	                                       GN_SQL_DOC_CCCD_SEAL("?4") ", ?5, "
	                                       "gn_now_utc())") != GN_OK)
		return;
	sqlite3_reset(im->conflict_seen);
	sqlite3_bind_text(im->conflict_seen, 1, id, -1, SQLITE_TRANSIENT);
	imp_bind_or_null(im->conflict_seen, 2, imp_val(r, im->ci.version));
	int rc = sqlite3_step(im->conflict_seen);
	sqlite3_reset(im->conflict_seen);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		imp_db_error(im, "merge_conflict");
		return;
	}
	im->rep->conflicts++;
	if (rc == SQLITE_ROW)
		return; /* this version is already kept */
	gn_strbuf l = { 0 }, in = { 0 }, diff = { 0 };
	row_json(im, local, &l);
	row_json(im, r->v, &in);
	sqlite3_stmt *q = im->conflict_add;
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, gn_sb_str(&l), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, gn_sb_str(&in), -1, SQLITE_TRANSIENT);
	imp_bind_or_null(q, 5, im->source);
	if (sqlite3_step(q) != SQLITE_DONE)
		imp_db_error(im, "merge_conflict");
	sqlite3_reset(q);
	diff_json(im, local, r, &diff, false);
	imp_audit(im, "import_conflict", table, id, tdp_id, gn_sb_str(&diff));
	gn_sb_free(&l);
	gn_sb_free(&in);
	gn_sb_free(&diff);
}

void imp_merge_record(importer *im)
{
	row_values r = { 0 };
	gn_strbuf answers = { 0 }, diff = { 0 };
	char **local = NULL;
	bool persons = im->rep->kind == GN_EXK_PERSONS;
	const char *table = persons ? "person" : "household";
	char tdp_id[37];
	if (!imp_clean_row(im, im->cols.n, &r))
		goto out;
	/* the stored record first: what a spreadsheet changed is told apart
	 * from an edit by comparing with it */
	const char *id = imp_val(&r, im->ci.id);
	if (!im->empty_ward && id && imp_is_uuid(id) && !local_cells(im, id, persons, &local))
		goto out;
	if (!imp_check_record(im, &r, local, &answers))
		goto out;
	if (answers.failed) {
		im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
		im->fatal = true;
		goto out;
	}
	if (!row_tdp(im, &r, persons, tdp_id) || !imp_row_form(im, &r, tdp_id))
		goto out;
	id = imp_val(&r, im->ci.id);
	if (im->empty_ward) {
		/* nobody was here: every row is new (a person named twice is
		 * caught when the unique id is built) */
		if (imp_insert_counted(im, &r, gn_sb_str(&answers), tdp_id))
			im->rep->added++;
		goto out;
	}
	if (!local) {
		if (im->token_mangled) {
			/* a new record whose version a spreadsheet turned into a
			 * number: it starts a version of its own here */
			imp_replace_value(&r, (size_t)im->ci.version, NULL);
			if (im->ci.base_version >= 0)
				imp_replace_value(&r, (size_t)im->ci.base_version, NULL);
		}
		if (write_record(im, &r, gn_sb_str(&answers), tdp_id, true, false, NULL) && imp_count_added(im, tdp_id) &&
		    (persons || imp_merge_records(im, &r, tdp_id)))
			im->rep->added++;
		goto out;
	}
	/* the local record's tdp must be the user's too */
	const char *l_code = local[im->ci.tdp_code];
	char local_tdp[37];
	bool moves = strcmp(l_code ? l_code : "", imp_val(&r, im->ci.tdp_code)) != 0;
	if (moves && !imp_tdp_for_code(im, l_code, local_tdp))
		goto out;
	merge_decision what = decide(im, &r, local);
	if (what == UNCHANGED) {
		im->rep->unchanged++;
	} else if (what == KEEP) {
		im->rep->kept_local++;
	} else if (what == TAKE || what == TAKE_NEW_VERSION) {
		diff_json(im, local, &r, &diff, false);
		/* a record moving to another TDP: the one it leaves is recounted too */
		if (write_record(im, &r, gn_sb_str(&answers), tdp_id, false, what == TAKE_NEW_VERSION, local) &&
		    (!moves || imp_touch(im, local_tdp) >= 0)) {
			im->rep->updated++;
			imp_audit(im, "import_update", table, id, tdp_id, gn_sb_str(&diff));
		}
	} else if (what == CONFLICT) {
		keep_conflict(im, &r, local, table, tdp_id);
	}
	if (what != REFUSED && !persons)
		imp_merge_records(im, &r, tdp_id);
out:
	free_cells(local, im->cols.n + 2);
	imp_row_values_free(&r);
	gn_sb_free(&answers);
	gn_sb_free(&diff);
}
