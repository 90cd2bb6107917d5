/* gonha export: persons, households and coverage as CSV for Excel.
 * Streams one row at a time (memory does not grow with the ward), quotes
 * with libcsv, and writes personal data only to 0600 files renamed into
 * place when complete. */
#include "columns.h"
#include "gonha/cccd.h"
#include "gonha/db.h"
#include "gonha/i18n.h"
#include "gonha/privacy.h"
#include "gonha/report.h"
#include "gonha/strbuf.h"

#include <csv.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct writer {
	FILE *out;
	bool plain;
	char *buf;       /* owned: quoting scratch */
	size_t cap;
	bool first;      /* no cell written yet on this row */
} writer;

static bool needs_quotes(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return true;
	return false;
}

/* One cell: guarded against formulas, quoted by libcsv when it must be. */
static bool put_cell(writer *w, const char *s)
{
	if (!s)
		s = "";
	if (!w->first)
		putc(',', w->out);
	w->first = false;
	size_t n = strlen(s);
	bool guard = gn_csv_needs_guard(s);
	if (!guard && !needs_quotes(s, n))
		return fwrite(s, 1, n, w->out) == n;
	size_t need = 2 * (n + 1) + 2;
	if (need > w->cap) {
		char *bigger = realloc(w->buf, need);
		if (!bigger)
			return false;
		w->buf = bigger;
		w->cap = need;
	}
	size_t m = 0;
	char *tmp = NULL; /* "'" + s, only when guarded */
	const char *text = s;
	if (guard) {
		tmp = malloc(n + 2);
		if (!tmp)
			return false;
		tmp[0] = '\'';
		memcpy(tmp + 1, s, n + 1);
		text = tmp;
		n++;
	}
	if (needs_quotes(text, n)) {
		m = csv_write2(w->buf, w->cap, text, n, CSV_QUOTE);
		if (m > w->cap) {
			free(tmp);
			return false;
		}
		fwrite(w->buf, 1, m, w->out);
	} else {
		fwrite(text, 1, n, w->out);
	}
	free(tmp);
	return !ferror(w->out);
}

static void end_row(writer *w)
{
	fputs(w->plain ? "\n" : "\r\n", w->out);
	w->first = true;
}

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

static gn_status export_records(gn_ctx *ctx, const gn_census *census, const gn_export_options *opt, FILE *out,
                                long *rows, gn_err *err)
{
	bool persons = opt->what == GN_EX_PERSONS;
	ex_cols cols;
	sqlite3_stmt *st = NULL, *count = NULL;
	writer w = { .out = out, .plain = opt->plain, .first = true };
	gn_strbuf sql = { 0 }, cell = { 0 };
	gn_status rc = ex_cols_build(census ? census->form : NULL, persons ? GN_EXK_PERSONS : GN_EXK_HOUSEHOLDS, &cols,
	                             err);
	if (rc != GN_OK)
		return rc;
	int cccd_col = persons ? ex_cols_find(&cols, "cccd") : -1;

	gn_sb_add(&sql, "SELECT ");
	for (size_t i = 0; i < cols.n; i++)
		gn_sb_printf(&sql, "%s%s", i ? ", " : "", cols.cols[i].sql);
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
	if (opt->progress) {
		const char *csql = persons ? "SELECT count(*) FROM person p JOIN tdp t ON t.id = p.tdp_id WHERE p.deleted = 0"
		                             " AND (?1 IS NULL OR t.code = ?1)"
		                             " AND (?2 OR t.id IN (SELECT tdp_id FROM user_tdp WHERE user_id = ?3))"
		                           : "SELECT count(*) FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE h.deleted = 0"
		                             " AND (?1 IS NULL OR t.code = ?1)"
		                             " AND (?2 OR t.id IN (SELECT tdp_id FROM user_tdp WHERE user_id = ?3))";
		if (sqlite3_prepare_v2(ctx->db, csql, -1, &count, NULL) != SQLITE_OK) {
			rc = gn_db_fail(ctx->db, err, "export");
			goto out;
		}
		sqlite3_bind_text(count, 1, opt->tdp_code, -1, SQLITE_STATIC);
		sqlite3_bind_int(count, 2, gn_scope_all(ctx));
		sqlite3_bind_text(count, 3, ctx->user.id, -1, SQLITE_STATIC);
		if (sqlite3_step(count) == SQLITE_ROW)
			total = sqlite3_column_int64(count, 0);
	}

	if (!opt->plain)
		fputs("\xef\xbb\xbf", out);
	for (size_t i = 0; i < cols.n; i++)
		put_cell(&w, opt->labels ? cols.cols[i].label_vi : cols.cols[i].name);
	end_row(&w);

	long n = 0;
	int step;
	gn_cccd_view view = opt->with_ids ? GN_CCCD_VIEW_EXPORT_WHOLE : GN_CCCD_VIEW_LIST;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t i = 0; i < cols.n; i++) {
			const char *v = (const char *)sqlite3_column_text(st, (int)i);
			const gn_field *f = cols.cols[i].field;
			if ((int)i == cccd_col) {
				char shown[13];
				gn_cccd_for_view(v, view, shown);
				put_cell(&w, shown);
			} else if (opt->labels && v && f && f->type == GN_FT_SELECT_ONE) {
				put_cell(&w, ex_choice_label(f, v));
			} else if (opt->labels && v && f && f->type == GN_FT_SELECT_MULTIPLE) {
				cell.len = 0;
				if (cell.s)
					cell.s[0] = '\0';
				multi_labels(f, v, &cell);
				put_cell(&w, gn_sb_str(&cell));
			} else {
				put_cell(&w, v);
			}
		}
		end_row(&w);
		if (++n % 65536 == 0 && opt->progress)
			opt->progress(opt->progress_arg, n, total);
	}
	if (step != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "export");
	else if (ferror(out))
		rc = gn_fail(err, GN_ERR_IO, _("could not write the export"));
	if (opt->progress)
		opt->progress(opt->progress_arg, n, total ? total : n);
	*rows = n;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(count);
	gn_sb_free(&sql);
	gn_sb_free(&cell);
	free(w.buf);
	ex_cols_free(&cols);
	return rc;
}

gn_status gn_export_stream(gn_ctx *ctx, const gn_census *census, const gn_export_options *opt, FILE *out,
                           long *rows, gn_err *err)
{
	long dummy;
	if (!rows)
		rows = &dummy;
	*rows = 0;
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
	if (opt->what == GN_EX_COVERAGE) {
		if (!census)
			return gn_fail(err, GN_ERR_INVALID, _("the coverage export needs the census form"));
		gn_report_options ro = { .format = GN_REPORT_CSV, .year = opt->year, .csv_plain = opt->plain,
		                         .tdp_code = opt->tdp_code };
		return gn_report_write(ctx, &census->coverage, &ro, out, err);
	}
	return export_records(ctx, census, opt, out, rows, err);
}

gn_status gn_export(gn_ctx *ctx, const gn_census *census, const gn_export_options *opt, const char *path,
                    long *rows, gn_err *err)
{
	char part[PATH_MAX];
	gn_private_part_path(path, part, sizeof part);
	FILE *out = gn_private_create(part, err);
	if (!out)
		return err->status ? err->status : GN_ERR_IO;
	/* a big buffer: the file is written in few system calls */
	static char iobuf[1 << 16];
	setvbuf(out, iobuf, _IOFBF, sizeof iobuf);
	gn_status st = gn_export_stream(ctx, census, opt, out, rows, err);
	if (fclose(out) != 0 && st == GN_OK)
		st = gn_fail(err, GN_ERR_IO, _("could not write %s"), path);
	if (st == GN_OK)
		return gn_private_publish(part, path, err);
	remove(part);
	return st;
}
