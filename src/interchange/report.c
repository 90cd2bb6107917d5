#include "gonha/interchange/report.h"
#include "sink.h"
#include "gonha/storage/db.h"
#include "gonha/domain/household.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"
#include "gonha/domain/ward.h"

#include <stdlib.h>
#include <string.h>

/* ---- CSV and XLSX ------------------------------------------------------- */

/* Visited: a visit that ended (done, refused, moved away); a household to
 * revisit still waits for one, as on the screens. */
static long visited(const gn_cov_row *r)
{
	return r->done + r->refused + r->moved;
}

static long adults_of(const gn_cov_set *set, const gn_cov_row *r)
{
	int i = gn_cov_find(set, "adults");
	return i >= 0 ? r->ind[i].den : -1;
}

static void sink_long(ex_sink *s, long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%ld", v);
	ex_sink_num(s, buf);
}

static gn_status sink_row(ex_sink *s, const gn_cov_set *set, const gn_cov_row *r, int year, gn_err *err)
{
	ex_sink_text(s, r->code);
	ex_sink_text(s, r->name);
	sink_long(s, r->listed);
	sink_long(s, visited(r));
	sink_long(s, r->revisit);
	sink_long(s, r->refused);
	sink_long(s, r->moved);
	long adults = r->ind_unknown ? -1 : adults_of(set, r);
	if (adults >= 0)
		sink_long(s, adults);
	else
		ex_sink_num(s, "");
	for (size_t i = 0; i < set->n; i++) {
		if (set->defs[i].hidden)
			continue;
		double pct, target;
		char buf[32] = "";
		if (r->ind_unknown) { /* before the snapshots: not known, not 0 */
			ex_sink_num(s, "");
			ex_sink_num(s, "");
		} else {
			sink_long(s, r->ind[i].num);
			sink_long(s, r->ind[i].den);
		}
		if (!r->ind_unknown && gn_cov_pct(r->ind[i], &pct))
			snprintf(buf, sizeof buf, "%.1f", pct);
		ex_sink_num(s, buf);
		buf[0] = '\0';
		if (gn_cov_target(&set->defs[i], year, &target))
			snprintf(buf, sizeof buf, "%g", target);
		ex_sink_num(s, buf);
	}
	return ex_sink_end_row(s, err);
}

/* The coverage table: each TDP, then the total. labels: Vietnamese headers
 * (the file's language) instead of the column names. */
static gn_status coverage_rows(ex_sink *s, const gn_cov_set *set, const gn_cov_row *rows, size_t n,
                               const gn_cov_row *total, int year, bool labels, gn_err *err)
{
	static const char *const fixed[] = { "tdp_code", "tdp_name", "households_listed", "households_visited",
	                                     "revisits", "refused", "moved", "adults" };
	static const char *const fixed_vi[] = { "Mã tổ dân phố", "Tên tổ dân phố", "Số hộ trong danh sách",
	                                        "Số hộ đã đến", "Cần đến lại", "Từ chối", "Đã chuyển đi",
	                                        "Người từ 18 tuổi" };
	static const char *const suffix[] = { "num", "den", "pct", "target" };
	static const char *const suffix_vi[] = { "đạt", "trong số", "%", "chỉ tiêu %" };
	size_t nf = sizeof fixed / sizeof *fixed, nc = nf;
	for (size_t i = 0; i < set->n; i++)
		nc += set->defs[i].hidden ? 0 : 4;
	ex_sink_col *cols = calloc(nc, sizeof *cols);
	char (*names)[160] = calloc(nc, sizeof *names);
	if (!cols || !names) {
		free(cols);
		free(names);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	for (size_t i = 0; i < nf; i++) {
		cols[i].header = labels ? fixed_vi[i] : fixed[i];
		cols[i].number = i >= 2;
	}
	size_t k = nf;
	for (size_t i = 0; i < set->n; i++) {
		if (set->defs[i].hidden)
			continue;
		const gn_cov_def *d = &set->defs[i];
		for (int j = 0; j < 4; j++, k++) {
			if (labels)
				snprintf(names[k], sizeof names[k], "%s: %s", d->label_vi && *d->label_vi ? d->label_vi : d->name,
				         suffix_vi[j]);
			else
				snprintf(names[k], sizeof names[k], "%s_%s", d->name, suffix[j]);
			cols[k].header = names[k];
			cols[k].number = true;
			cols[k].pct = j >= 2;
		}
	}
	gn_status st = ex_sink_columns(s, cols, nc, err);
	for (size_t r = 0; st == GN_OK && r < n; r++)
		st = sink_row(s, set, &rows[r], year, err);
	if (st == GN_OK)
		st = sink_row(s, set, total, year, err);
	free(cols);
	free(names);
	return st;
}

gn_status gn_report_coverage_csv(const gn_cov_set *set, const gn_cov_row *rows, size_t n,
                                 const gn_cov_row *total, int year, int plain, FILE *out, gn_err *err)
{
	if (!plain)
		fputs("\xef\xbb\xbf", out); /* BOM: Excel reads UTF-8 */
	ex_sink s;
	ex_sink_csv(&s, out, plain, true);
	gn_status st = coverage_rows(&s, set, rows, n, total, year, false, err);
	ex_sink_close(&s, st == GN_OK, err);
	if (st == GN_OK && ferror(out))
		return gn_fail(err, GN_ERR_IO, _("could not write the report"));
	return st;
}

/* ---- text --------------------------------------------------------------- */

/* Prints s left-aligned in `cols` terminal columns (cut if longer). */
static void pad(FILE *f, const char *s, int cols)
{
	size_t n = gn_text_fit(s, cols);
	fwrite(s, 1, n, f);
	char cut[512];
	snprintf(cut, sizeof cut, "%.*s", (int)(n < sizeof cut ? n : sizeof cut - 1), s);
	for (int w = gn_text_width(cut); w < cols; w++)
		fputc(' ', f);
}

static void fmt_pct_of(char *buf, size_t size, long num, long den)
{
	gn_cov_count c = { num, den };
	gn_cov_pct_text(buf, size, c);
}

static void rule(FILE *f)
{
	fputs("--------------------------------------------------------------------------------\n", f);
}

static void progress_table(FILE *f, const gn_cov_row *rows, size_t n, const gn_cov_row *total)
{
	pad(f, _("TDP"), 22);
	fprintf(f, "%9s %9s %8s %9s %9s %9s\n", _("listed"), _("visited"), "%", _("revisit"), _("refused"), _("moved"));
	rule(f);
	for (size_t i = 0; i <= n; i++) {
		const gn_cov_row *r = i < n ? &rows[i] : total;
		char pct[32];
		if (i == n)
			rule(f);
		fmt_pct_of(pct, sizeof pct, visited(r), r->listed);
		pad(f, r->name, 22);
		fprintf(f, "%9ld %9ld ", r->listed, visited(r));
		pad(f, "", 8 - gn_text_width(pct));
		fprintf(f, "%s %9ld %9ld %9ld\n", pct, r->revisit, r->refused, r->moved);
	}
}

static void indicator_table(FILE *f, const gn_cov_set *set, size_t i, const gn_cov_row *rows, size_t n,
                            const gn_cov_row *total, int year)
{
	const gn_cov_def *d = &set->defs[i];
	double target;
	bool has_target = gn_cov_target(d, year, &target);
	const char *label = strcmp(gn_i18n_lang(), "vi") == 0 ? d->label_vi : d->label_en;
	fprintf(f, "\n%s\n", label && *label ? label : d->name);
	if (has_target)
		fprintf(f, _("Target for %d: %g%%\n"), year, target);
	else
		fprintf(f, _("No target set for %d\n"), year);
	pad(f, _("TDP"), 22);
	fprintf(f, "%10s %12s %9s %12s\n", _("reached"), _("population"), "%", _("still short"));
	rule(f);
	for (size_t r = 0; r <= n; r++) {
		const gn_cov_row *row = r < n ? &rows[r] : total;
		char pct[32], gap[32];
		if (r == n)
			rule(f);
		gn_cov_pct_text(pct, sizeof pct, row->ind[i]);
		long g = gn_cov_gap(row->ind[i], has_target, has_target ? target : 0);
		if (row->ind_unknown) {
			pad(f, row->name, 22);
			fprintf(f, "%10s %12s %9s %12s\n", "?", "?", "?", "?");
			continue;
		}
		if (g < 0)
			snprintf(gap, sizeof gap, "—");
		else
			snprintf(gap, sizeof gap, "%ld", g);
		pad(f, row->name, 22);
		fprintf(f, "%10ld %12ld ", row->ind[i].num, row->ind[i].den);
		pad(f, "", 9 - gn_text_width(pct));
		fputs(pct, f);
		fputc(' ', f);
		pad(f, "", 12 - gn_text_width(gap));
		fprintf(f, "%s\n", gap);
	}
}

/* The rows of the TDPs the user may see (only opt->tdp_code's if set). */
static gn_status load_rows(gn_ctx *ctx, const gn_cov_set *set, const gn_report_options *opt, const char *as_of,
                           gn_cov_row **rows_out, size_t *n_out, gn_cov_row *total_out, gn_err *err)
{
	gn_cov_row *rows = NULL, total;
	size_t n = 0;
	gn_status st;
	if (opt->as_of)
		st = gn_cov_ward_as_of(ctx, set, as_of, &rows, &n, &total, err);
	else
		st = gn_cov_ward(ctx, set, &rows, &n, &total, err);
	if (st != GN_OK)
		return st;
	if (opt->tdp_code) {
		gn_tdp tdp;
		if ((st = gn_tdp_find(ctx, opt->tdp_code, &tdp, err)) != GN_OK) {
			free(rows);
			return st;
		}
		size_t k = 0;
		for (size_t r = 0; r < n; r++)
			if (strcmp(rows[r].tdp_id, tdp.id) == 0)
				rows[k++] = rows[r];
		n = k;
		if (n == 1)
			total = rows[0];
	}
	*rows_out = rows;
	*n_out = n;
	*total_out = total;
	return GN_OK;
}

gn_status ex_report_coverage(gn_ctx *ctx, const gn_cov_set *set, const gn_report_options *opt, bool labels,
                             ex_sink *s, gn_err *err)
{
	gn_cov_row *rows = NULL, total;
	size_t n = 0;
	char today[32];
	gn_now_iso(today);
	today[10] = '\0';
	const char *as_of = opt->as_of ? opt->as_of : today;
	gn_status st = load_rows(ctx, set, opt, as_of, &rows, &n, &total, err);
	if (st != GN_OK)
		return st;
	int year = opt->year ? opt->year : atoi(as_of);
	st = coverage_rows(s, set, rows, n, &total, year, labels, err);
	free(rows);
	return st;
}

typedef struct report_job {
	gn_ctx *ctx;
	const gn_cov_set *set;
	const gn_report_options *opt;
} report_job;

static gn_status fill_report(void *arg, ex_sink *s, gn_err *err)
{
	report_job *j = arg;
	return ex_report_coverage(j->ctx, j->set, j->opt, true, s, err);
}

gn_status gn_report_write_xlsx(gn_ctx *ctx, const gn_cov_set *set, const gn_report_options *opt, const char *path,
                               gn_err *err)
{
	report_job j = { ctx, set, opt };
	return ex_write_xlsx(path, "Tiến độ", 0, fill_report, &j, err);
}

gn_status gn_report_write(gn_ctx *ctx, const gn_cov_set *set, const gn_report_options *opt, FILE *out,
                          gn_err *err)
{
	gn_cov_row *rows = NULL, total;
	size_t n = 0;
	char today[32];
	gn_now_iso(today);
	today[10] = '\0';
	const char *as_of = opt->as_of ? opt->as_of : today;
	if (opt->format == GN_REPORT_XLSX)
		return gn_fail(err, GN_ERR_INVALID, _("a workbook is written to a file: give --out FILE.xlsx"));
	gn_status st = load_rows(ctx, set, opt, as_of, &rows, &n, &total, err);
	if (st != GN_OK)
		return st;
	int year = opt->year ? opt->year : atoi(as_of);

	if (opt->format == GN_REPORT_CSV) {
		st = gn_report_coverage_csv(set, rows, n, &total, year, opt->csv_plain, out, err);
		free(rows);
		return st;
	}

	char *ward = gn_ward_name(ctx->db);
	int month = atoi(as_of + 5);
	fprintf(out, "%s\n", ward ? ward : "");
	fprintf(out, "%s\n", _("REPORT ON THE \"BÌNH DÂN HỌC VỤ SỐ\" MOVEMENT: DIGITAL LITERACY FOR ALL"));
	fprintf(out, _("Quarter %d of %d (figures as of %.10s), targets of %d\n"), (month - 1) / 3 + 1, atoi(as_of),
	        as_of, year);
	if (!gn_scope_all(ctx))
		fprintf(out, _("Only the TDPs of %s\n"), ctx->user.login);
	fprintf(out, "\n%s\n\n", _("I. DOOR-TO-DOOR PROGRESS (households)"));
	progress_table(out, rows, n, &total);
	int adults = gn_cov_find(set, "adults"), help = gn_cov_find(set, "needs_help");
	fprintf(out, "\n");
	if (total.ind_unknown)
		adults = help = -1; /* not known before the snapshots */
	if (adults >= 0)
		fprintf(out, _("Adults (18 and over) counted: %ld\n"), total.ind[adults].den);
	if (help >= 0)
		fprintf(out, _("People who asked for help: %ld\n"), total.ind[help].num);
	fprintf(out, "\n%s\n", _("II. INDICATORS OF THE PLAN (section III)"));
	if (total.ind_unknown) {
		char *began = gn_db_meta_get(ctx->db, "snapshots_began");
		fprintf(out, _("\"?\": not known. gonha keeps the day's figures only from %s on; before that only the "
		               "visits are known (by their visit date).\n"), began ? began : "?");
		free(began);
	}
	for (size_t i = 0; i < set->n; i++)
		if (!set->defs[i].hidden)
			indicator_table(out, set, i, rows, n, &total, year);
	fprintf(out, "\n%s\n", _("\"—\": nobody in the population yet. \"still short\": people still needed to reach the target."));
	free(ward);
	free(rows);
	if (ferror(out))
		return gn_fail(err, GN_ERR_IO, _("could not write the report"));
	return GN_OK;
}
