#include "gonha/interchange/report.h"
#include "sink.h"
#include "gonha/storage/db.h"
#include "gonha/domain/household.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"
#include "gonha/domain/ward.h"
#include "gonha/domain/operators.h"
#include "gonha/domain/review.h"
#include "gonha/domain/verify.h"
#include "gonha/interchange/sheet_pdf.h"
#include "gonha/interchange/todo_sheet.h"
#include "gonha/core/date.h"

#include <math.h>
#include <stdarg.h>
#include <xlsxwriter.h>
#include <stdlib.h>
#include <string.h>
#include "gonha/core/strbuf.h"

/* ---- CSV and XLSX ------------------------------------------------------- */

/* Visited: a visit that ended (done, refused, moved away); a household to
 * revisit still waits for one, as on the screens. */
/* The day the report is for: --as-of, else today where the ward is (the
 * PC's local date, GONHA_NOW honoured), so that the quarter and the ages
 * are the local ones at 04:00 in Hà Nội too. */
static const char *report_day(const gn_report_options *opt, char today[11])
{
	gn_today_iso(today);
	return opt->as_of ? opt->as_of : today;
}

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
	/* before the snapshots, or a TDP whose form does not measure them: not
	 * known, not 0 */
	bool unknown = r->ind_unknown || r->not_measured;
	long adults = unknown ? -1 : adults_of(set, r);
	if (adults >= 0)
		sink_long(s, adults);
	else
		ex_sink_num(s, "");
	for (size_t i = 0; i < set->n; i++) {
		if (set->defs[i].hidden)
			continue;
		double pct, target;
		char buf[32] = "";
		if (unknown) {
			ex_sink_num(s, "");
			ex_sink_num(s, "");
		} else {
			sink_long(s, r->ind[i].num);
			sink_long(s, r->ind[i].den);
		}
		if (!unknown && gn_cov_pct(r->ind[i], &pct))
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

/* The TDPs left out of the indicator totals: they enter another form,
 * which does not measure the plan's indicators (never counted as 0 %). */
static char *not_measured_note(const gn_cov_row *rows, size_t n, const gn_cov_row *total)
{
	long k = total->tdps_not_measured ? total->tdps_not_measured : total->not_measured ? 1 : 0;
	if (!k)
		return NULL;
	gn_strbuf b = { 0 };
	gn_sb_printf(&b, ngettext("\"×\": %ld TDP enters another form, which does not measure the plan's indicators; it is left "
	                    "out of the totals below:\n",
	                    "\"×\": %ld TDPs enter another form, which does not measure the plan's indicators; they are left "
	                    "out of the totals below:\n", (unsigned long)k),
	        k);
	for (size_t i = 0; i < n; i++)
		if (rows[i].not_measured)
			gn_sb_printf(&b, _("  %s (%s): form %s\n"), rows[i].name, rows[i].code, rows[i].form_id);
	char *note = b.failed ? NULL : gn_sb_take(&b);
	gn_sb_free(&b);
	return note;
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
		if (row->ind_unknown || row->not_measured) {
			const char *mark = row->not_measured ? "×" : "?";
			static const int widths[] = { 10, 12, 9, 12 };
			pad(f, row->name, 22);
			for (int w = 0; w < 4; w++) {
				pad(f, "", widths[w] - gn_text_width(mark));
				fprintf(f, "%s%s", mark, w < 3 ? " " : "\n");
			}
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
	char today[11];
	const char *as_of = report_day(opt, today);
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

/* The rows' columns, as coverage_rows writes them: 8 fixed, then 4 per
 * indicator shown (num, den, pct, target). */
#define FIXED_COLS 8

/* The charts of the workbook: on a sheet "Biểu đồ", per indicator one
 * chart of each TDP's percent against the target (from the rows' cells)
 * and one of the weeks (from a sheet "Theo tuần" of the weekly figures).
 * Native charts: the officer edits them like any other. */
static gn_status add_charts(ex_sink *s, const gn_cov_set *set, size_t n_rows, const gn_cov_week *weeks,
                            size_t n_weeks, int year, gn_err *err)
{
	const char *data = NULL;
	lxw_workbook *wb = ex_sink_workbook(s, &data);
	if (!wb || n_rows == 0)
		return GN_OK;
	lxw_worksheet *weekly = workbook_add_worksheet(wb, "Theo tuần");
	lxw_worksheet *charts = workbook_add_worksheet(wb, "Biểu đồ");
	lxw_format *pct = workbook_add_format(wb);
	if (!weekly || !charts || !pct)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	format_set_num_format(pct, "0.0");
	/* the weeks: one row each, a percent and a target column per indicator */
	worksheet_write_string(weekly, 0, 0, "Tuần đến ngày", NULL);
	lxw_col_t c = 1;
	for (size_t i = 0; i < set->n; i++) {
		if (set->defs[i].hidden)
			continue;
		char head[200];
		snprintf(head, sizeof head, "%s: %%", gn_todo_indicator_label(&set->defs[i]));
		worksheet_write_string(weekly, 0, c, head, NULL);
		snprintf(head, sizeof head, "%s: chỉ tiêu %%", gn_todo_indicator_label(&set->defs[i]));
		worksheet_write_string(weekly, 0, c + 1, head, NULL);
		c += 2;
	}
	for (size_t w = 0; w < n_weeks; w++) {
		worksheet_write_string(weekly, (lxw_row_t)(w + 1), 0, weeks[w].day, NULL);
		c = 1;
		for (size_t i = 0; i < set->n; i++) {
			if (set->defs[i].hidden)
				continue;
			double v, target;
			if (weeks[w].known && gn_cov_pct(weeks[w].ind[i], &v))
				worksheet_write_number(weekly, (lxw_row_t)(w + 1), c, round(v * 10) / 10, pct);
			if (gn_cov_target(&set->defs[i], year, &target))
				worksheet_write_number(weekly, (lxw_row_t)(w + 1), c + 1, target, NULL);
			c += 2;
		}
	}
	worksheet_set_column(weekly, 0, 0, 14, NULL);
	size_t k = 0;
	lxw_row_t last = (lxw_row_t)n_rows; /* rows 1..n: the TDPs; n + 1: the total */
	for (size_t i = 0; i < set->n; i++) {
		if (set->defs[i].hidden)
			continue;
		const char *label = gn_todo_indicator_label(&set->defs[i]);
		double target;
		bool has = gn_cov_target(&set->defs[i], year, &target);
		lxw_col_t pct_col = (lxw_col_t)(FIXED_COLS + 4 * k + 2);
		/* each TDP: a column of its percent beside one of the target (this
		 * libxlsxwriter cannot combine a line with the columns) */
		lxw_chart *bars = workbook_add_chart(wb, LXW_CHART_COLUMN);
		if (!bars)
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		lxw_chart_series *reached = chart_add_series(bars, NULL, NULL);
		chart_series_set_categories(reached, data, 1, 1, last, 1);
		chart_series_set_values(reached, data, 1, pct_col, last, pct_col);
		chart_series_set_name(reached, "Đạt (%)");
		if (has) {
			lxw_chart_series *goal = chart_add_series(bars, NULL, NULL);
			chart_series_set_categories(goal, data, 1, 1, last, 1);
			chart_series_set_values(goal, data, 1, pct_col + 1, last, pct_col + 1);
			chart_series_set_name(goal, "Chỉ tiêu (%)");
		}
		chart_title_set_name(bars, label);
		chart_axis_set_min(bars->y_axis, 0);
		chart_axis_set_max(bars->y_axis, 100);
		worksheet_insert_chart(charts, (lxw_row_t)(k * 16), 0, bars);
		/* the weeks */
		if (n_weeks > 0) {
			lxw_chart *progress = workbook_add_chart(wb, LXW_CHART_LINE);
			if (!progress)
				return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			lxw_col_t wc = (lxw_col_t)(1 + 2 * k);
			lxw_chart_series *sw = chart_add_series(progress, NULL, NULL);
			chart_series_set_categories(sw, "Theo tuần", 1, 0, (lxw_row_t)n_weeks, 0);
			chart_series_set_values(sw, "Theo tuần", 1, wc, (lxw_row_t)n_weeks, wc);
			chart_series_set_name(sw, "Đạt (%)");
			if (has) {
				lxw_chart_series *gw = chart_add_series(progress, NULL, NULL);
				chart_series_set_categories(gw, "Theo tuần", 1, 0, (lxw_row_t)n_weeks, 0);
				chart_series_set_values(gw, "Theo tuần", 1, wc + 1, (lxw_row_t)n_weeks, wc + 1);
				chart_series_set_name(gw, "Chỉ tiêu (%)");
			}
			char title[256];
			snprintf(title, sizeof title, "%s: theo tuần", label);
			chart_title_set_name(progress, title);
			chart_axis_set_min(progress->y_axis, 0);
			chart_axis_set_max(progress->y_axis, 100);
			worksheet_insert_chart(charts, (lxw_row_t)(k * 16), 9, progress);
		}
		k++;
	}
	return GN_OK;
}

static gn_status fill_report(void *arg, ex_sink *s, gn_err *err)
{
	report_job *j = arg;
	gn_cov_row *rows = NULL, total;
	gn_cov_week *weeks = NULL;
	size_t n = 0, n_weeks = 0;
	char today[11];
	const char *as_of = report_day(j->opt, today);
	int year = j->opt->year ? j->opt->year : atoi(as_of);
	gn_status st = load_rows(j->ctx, j->set, j->opt, as_of, &rows, &n, &total, err);
	if (st == GN_OK)
		st = coverage_rows(s, j->set, rows, n, &total, year, true, err);
	if (st == GN_OK)
		st = gn_cov_weekly(j->ctx, j->set, as_of, 52, &weeks, &n_weeks, err);
	if (st == GN_OK)
		st = add_charts(s, j->set, n, weeks, n_weeks, year, err);
	free(rows);
	free(weeks);
	return st;
}

gn_status gn_report_write_xlsx(gn_ctx *ctx, const gn_cov_set *set, const gn_report_options *opt, const char *path,
                               gn_err *err)
{
	report_job j = { ctx, set, opt };
	return ex_write_xlsx(path, "Tiến độ", 0, fill_report, &j, err);
}

/* ---- who entered what, and the reviews (issue 16) ---------------------- */

/* under the operators' table, in the text and the PDF */
#define OPERATORS_NOTE                                                                                           \
	N_("hh/hour and min/hh: from the time the household form was open, where it is known. corrected: saves that " \
	   "changed a household already entered, on this PC or on another PC whose export was merged here. other "   \
	   "PC: households entered on another PC, whose times are that PC's clock.")

/* "m:ss" of a time per household, "—" when none is known. */
static void fmt_each(char *buf, size_t size, const gn_operator_row *r)
{
	long each = gn_operator_seconds_each(r);
	if (each < 0)
		snprintf(buf, size, "—");
	else
		snprintf(buf, size, "%ld:%02ld", each / 60, each % 60);
}

static void fmt_per_hour(char *buf, size_t size, const gn_operator_row *r)
{
	double h = gn_operator_per_hour(r);
	if (h <= 0)
		snprintf(buf, size, "—");
	else
		snprintf(buf, size, "%.1f", h);
}

/* s right-aligned in `cols` terminal columns, then a space. */
static void right(FILE *f, const char *s, int cols)
{
	pad(f, "", cols - gn_text_width(s));
	fputs(s, f);
	fputc(' ', f);
}

enum { OP_FIRST = 18, OP_HH = 6, OP_PP = 7, OP_RATE = 8, OP_EACH = 8, OP_CORR = 12, OP_OTHER = 9 };

static void operator_line(FILE *f, const gn_operator_row *r, const char *first)
{
	char hh[32], pp[32], each[48], per_hour[48], corr[32], other[32] = "";
	snprintf(hh, sizeof hh, "%ld", r->households);
	snprintf(pp, sizeof pp, "%ld", r->persons);
	fmt_each(each, sizeof each, r);
	fmt_per_hour(per_hour, sizeof per_hour, r);
	snprintf(corr, sizeof corr, "%ld", r->corrections);
	if (r->from_other_pc)
		snprintf(other, sizeof other, "%ld", r->from_other_pc);
	pad(f, first, OP_FIRST);
	right(f, hh, OP_HH);
	right(f, pp, OP_PP);
	right(f, per_hour, OP_RATE);
	right(f, each, OP_EACH);
	right(f, corr, OP_CORR);
	right(f, other, OP_OTHER);
	fputc('\n', f);
}

static void operator_head(FILE *f, const char *first)
{
	pad(f, first, OP_FIRST);
	right(f, _("hh"), OP_HH);
	right(f, _("persons"), OP_PP);
	right(f, _("hh/hour"), OP_RATE);
	right(f, _("min/hh"), OP_EACH);
	right(f, _("corrected"), OP_CORR);
	right(f, _("other PC"), OP_OTHER);
	fputc('\n', f);
	rule(f);
}

static gn_status operators_text(gn_ctx *ctx, const char *until, FILE *f, gn_err *err)
{
	gn_operator_row *users = NULL, *days = NULL;
	size_t nu = 0, nd = 0;
	gn_status st = gn_operator_figures(ctx, false, until, &users, &nu, err);
	if (st == GN_OK)
		st = gn_operator_figures(ctx, true, until, &days, &nd, err);
	if (st != GN_OK)
		goto out;
	fprintf(f, "\n%s\n\n", _("III. WHO ENTERED THE DATA (households credited to who entered their visit)"));
	if (!nu) {
		fprintf(f, "%s\n", _("Nothing entered yet."));
		goto out;
	}
	operator_head(f, _("user"));
	for (size_t i = 0; i < nu; i++)
		operator_line(f, &users[i], users[i].user_login);
	fprintf(f, "\n%s\n", _("Per day"));
	operator_head(f, _("user / day"));
	for (size_t i = 0; i < nd; i++) {
		char first[96];
		if (i == 0 || strcmp(days[i - 1].user_login, days[i].user_login) != 0)
			fprintf(f, "%s\n", days[i].user_login);
		snprintf(first, sizeof first, "  %s", *days[i].day ? days[i].day : "?");
		operator_line(f, &days[i], first);
	}
	fprintf(f, "\n%s\n", _(OPERATORS_NOTE));
out:
	free(users);
	free(days);
	return st;
}

static gn_status reviews_text(gn_ctx *ctx, const char *until, const gn_cov_row *rows, size_t n, FILE *f, gn_err *err)
{
	fprintf(f, "\n%s\n\n", _("IV. REVIEW (visited households)"));
	pad(f, _("TDP"), 22);
	right(f, _("visited"), 10);
	right(f, _("approved"), 10);
	right(f, _("sent back"), 10);
	right(f, _("not reviewed"), 13);
	fputc('\n', f);
	rule(f);
	gn_review_counts all = { 0 };
	gn_status st = GN_OK;
	for (size_t i = 0; i <= n && st == GN_OK; i++) {
		gn_review_counts c;
		if (i < n) {
			st = gn_review_count(ctx, rows[i].tdp_id, until, &c, err);
			all.visited += c.visited;
			all.approved += c.approved;
			all.sent_back += c.sent_back;
			all.not_reviewed += c.not_reviewed;
		} else {
			rule(f);
			c = all;
		}
		if (st != GN_OK)
			break;
		char v[32], a[32], b[32], u[32];
		snprintf(v, sizeof v, "%ld", c.visited);
		snprintf(a, sizeof a, "%ld", c.approved);
		snprintf(b, sizeof b, "%ld", c.sent_back);
		snprintf(u, sizeof u, "%ld", c.not_reviewed);
		pad(f, i < n ? rows[i].name : _("Ward"), 22);
		right(f, v, 10);
		right(f, a, 10);
		right(f, b, 10);
		right(f, u, 13);
		fputc('\n', f);
	}
	return st;
}

static gn_status operators_rows(ex_sink *s, gn_ctx *ctx, const char *until, gn_err *err)
{
	static const char *const names[] = { "user_login", "day", "households", "persons", "households_timed",
	                                     "form_seconds", "households_per_hour", "seconds_per_household",
	                                     "corrections", "from_other_pc" };
	ex_sink_col cols[sizeof names / sizeof *names] = { { 0 } };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		cols[i].header = names[i];
		cols[i].number = i >= 2;
	}
	gn_operator_row *rows[2] = { NULL, NULL };
	size_t n[2] = { 0, 0 };
	gn_status st = ex_sink_columns(s, cols, sizeof names / sizeof *names, err);
	/* each user's days, then each user's totals (day empty) */
	for (int pass = 0; pass < 2 && st == GN_OK; pass++)
		st = gn_operator_figures(ctx, pass == 0, until, &rows[pass], &n[pass], err);
	for (int pass = 0; pass < 2 && st == GN_OK; pass++)
		for (size_t i = 0; i < n[pass] && st == GN_OK; i++) {
			const gn_operator_row *r = &rows[pass][i];
			char buf[32] = "";
			ex_sink_text(s, r->user_login);
			ex_sink_text(s, r->day);
			sink_long(s, r->households);
			sink_long(s, r->persons);
			sink_long(s, r->timed);
			sink_long(s, r->seconds);
			if (gn_operator_per_hour(r) > 0)
				snprintf(buf, sizeof buf, "%.2f", gn_operator_per_hour(r));
			ex_sink_num(s, buf);
			buf[0] = '\0';
			if (gn_operator_seconds_each(r) >= 0)
				snprintf(buf, sizeof buf, "%ld", gn_operator_seconds_each(r));
			ex_sink_num(s, buf);
			sink_long(s, r->corrections);
			sink_long(s, r->from_other_pc);
			st = ex_sink_end_row(s, err);
		}
	free(rows[0]);
	free(rows[1]);
	return st;
}

static gn_status reviews_rows(ex_sink *s, gn_ctx *ctx, const char *until, const gn_cov_row *rows, size_t n,
                              gn_err *err)
{
	static const char *const names[] = { "tdp_code", "tdp_name", "visited", "approved", "sent_back",
	                                     "not_reviewed" };
	ex_sink_col cols[sizeof names / sizeof *names] = { { 0 } };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		cols[i].header = names[i];
		cols[i].number = i >= 2;
	}
	gn_status st = ex_sink_columns(s, cols, sizeof names / sizeof *names, err);
	gn_review_counts all = { 0 };
	for (size_t i = 0; i <= n && st == GN_OK; i++) {
		gn_review_counts c = all;
		if (i < n) {
			if ((st = gn_review_count(ctx, rows[i].tdp_id, until, &c, err)) != GN_OK)
				break;
			all.visited += c.visited;
			all.approved += c.approved;
			all.sent_back += c.sent_back;
			all.not_reviewed += c.not_reviewed;
		}
		ex_sink_text(s, i < n ? rows[i].code : "");
		ex_sink_text(s, i < n ? rows[i].name : _("Ward"));
		sink_long(s, c.visited);
		sink_long(s, c.approved);
		sink_long(s, c.sent_back);
		sink_long(s, c.not_reviewed);
		st = ex_sink_end_row(s, err);
	}
	return st;
}

static gn_status verify_tdp(gn_ctx *ctx, const gn_report_options *opt, char tdp_id[37], gn_err *err);

/* The verification figures: verify_by (operator, question, total), key,
 * households, households_differing, fields_compared, differences,
 * difference_pct, against_first, to_resolve. */
static gn_status verification_rows(ex_sink *s, gn_ctx *ctx, const gn_report_options *opt, gn_err *err)
{
	char tdp[37];
	gn_status st = verify_tdp(ctx, opt, tdp, err);
	if (st != GN_OK)
		return st;
	static const ex_sink_col cols[] = {
		{ "verify_by", false, false }, { "key", false, false }, { "households", true, false },
		{ "households_differing", true, false }, { "fields_compared", true, false },
		{ "differences", true, false }, { "difference_pct", true, true }, { "against_first", true, false },
		{ "to_resolve", true, false },
	};
	st = ex_sink_columns(s, cols, sizeof cols / sizeof *cols, err);
	for (int by = 0; by < 3 && st == GN_OK; by++) {
		gn_verify_rate *r = NULL, total;
		size_t n = 0, items = 0, done = 0;
		if (by < 2) {
			st = gn_verify_rates(ctx, by == 0 ? GN_VERIFY_BY_OPERATOR : GN_VERIFY_BY_QUESTION, tdp[0] ? tdp : NULL,
			                     opt->as_of, &r, &n, err);
		} else if ((st = gn_verify_total(ctx, tdp[0] ? tdp : NULL, opt->as_of, &total, &items, &done, err)) ==
		           GN_OK) {
			r = malloc(sizeof *r);
			if (r) {
				*r = total;
				n = 1;
			}
		}
		for (size_t i = 0; i < n && st == GN_OK; i++) {
			char buf[32];
			long pm = gn_verify_per_mille(r[i].differences, r[i].compared);
			ex_sink_text(s, by == 0 ? "operator" : by == 1 ? "question" : "total");
			ex_sink_text(s, r[i].key);
			long v[] = { r[i].households, r[i].households_differing, r[i].compared, r[i].differences };
			for (size_t k = 0; k < 4; k++)
				sink_long(s, v[k]);
			snprintf(buf, sizeof buf, "%ld.%ld", pm / 10, pm % 10);
			ex_sink_num(s, r[i].compared ? buf : "");
			sink_long(s, r[i].against_first);
			sink_long(s, r[i].open);
			st = ex_sink_end_row(s, err);
		}
		free(r);
	}
	return st;
}

/* The CSV of the operators, reviews or verification section. */
static gn_status section_csv(gn_ctx *ctx, const gn_report_options *opt, const char *as_of, const gn_cov_row *rows,
                             size_t n, FILE *out, gn_err *err)
{
	if (!opt->csv_plain)
		fputs("\xef\xbb\xbf", out);
	ex_sink s;
	ex_sink_csv(&s, out, opt->csv_plain, true);
	gn_status st = opt->section == GN_REPORT_SECTION_OPERATORS ? operators_rows(&s, ctx, opt->as_of ? as_of : NULL, err)
	               : opt->section == GN_REPORT_SECTION_VERIFICATION ? verification_rows(&s, ctx, opt, err)
	                                                                : reviews_rows(&s, ctx, opt->as_of, rows, n, err);
	ex_sink_close(&s, st == GN_OK, err);
	if (st == GN_OK && ferror(out))
		return gn_fail(err, GN_ERR_IO, _("could not write the report"));
	return st;
}

/* ---- the verification pass (verify.h) ----------------------------------- */

static gn_status verify_tdp(gn_ctx *ctx, const gn_report_options *opt, char tdp_id[37], gn_err *err)
{
	tdp_id[0] = '\0';
	if (!opt->tdp_code)
		return GN_OK;
	gn_tdp tdp;
	gn_status st = gn_tdp_find(ctx, opt->tdp_code, &tdp, err);
	if (st == GN_OK)
		snprintf(tdp_id, 37, "%s", tdp.id);
	return st;
}

static void verify_pct(char *buf, size_t size, long part, long whole)
{
	long pm = gn_verify_per_mille(part, whole);
	if (whole)
		snprintf(buf, size, _("%ld.%ld%%"), pm / 10, pm % 10);
	else
		snprintf(buf, size, "—");
}

static void verify_table(FILE *f, const char *heading, const gn_verify_rate *r, size_t n, bool questions)
{
	fprintf(f, "\n%s\n", heading);
	pad(f, questions ? _("question") : _("entered by"), 24);
	fprintf(f, "%8s %8s %9s %8s %9s %8s\n", _("hh"), _("fields"), _("differ"), "%", _("1st err"), _("left"));
	rule(f);
	for (size_t i = 0; i < n; i++) {
		char pct[32];
		verify_pct(pct, sizeof pct, r[i].differences, r[i].compared);
		pad(f, r[i].key, 24);
		fprintf(f, "%8ld %8ld %9ld %8s %9ld %8ld\n", r[i].households, r[i].compared, r[i].differences, pct,
		        r[i].against_first, r[i].open);
	}
}

/* Section III of the text: the samples, and the differences per operator
 * and per question. */
static gn_status verify_text(gn_ctx *ctx, const gn_report_options *opt, FILE *f, gn_err *err)
{
	char tdp[37];
	gn_verify_rate total, *r = NULL;
	size_t items = 0, done = 0, n = 0;
	gn_status st = verify_tdp(ctx, opt, tdp, err);
	if (st == GN_OK)
		st = gn_verify_total(ctx, tdp[0] ? tdp : NULL, opt->as_of, &total, &items, &done, err);
	if (st != GN_OK)
		return st;
	fprintf(f, "\n%s\n", _("V. VERIFICATION (households keyed again by another person)"));
	if (!items) {
		fprintf(f, "%s\n", _("No verification sample drawn yet."));
		return GN_OK;
	}
	char pct[32];
	verify_pct(pct, sizeof pct, total.differences, total.compared);
	fprintf(f, _("Households in the samples: %zu; keyed again: %zu; fields compared: %ld; differing: %ld (%s); "
	             "resolved as the first keying wrong: %ld; still to resolve: %ld\n"),
	        items, done, total.compared, total.differences, pct, total.against_first, total.open);
	st = gn_verify_rates(ctx, GN_VERIFY_BY_OPERATOR, tdp[0] ? tdp : NULL, opt->as_of, &r, &n, err);
	if (st == GN_OK)
		verify_table(f, _("Per operator (who entered the household):"), r, n, false);
	free(r);
	r = NULL;
	if (st == GN_OK)
		st = gn_verify_rates(ctx, GN_VERIFY_BY_QUESTION, tdp[0] ? tdp : NULL, opt->as_of, &r, &n, err);
	if (st == GN_OK)
		verify_table(f, _("Per question:"), r, n, true);
	free(r);
	return st;
}


gn_status gn_report_write(gn_ctx *ctx, const gn_cov_set *set, const gn_report_options *opt, FILE *out,
                          gn_err *err)
{
	gn_cov_row *rows = NULL, total;
	size_t n = 0;
	char today[11];
	const char *as_of = report_day(opt, today);
	if (opt->format == GN_REPORT_XLSX)
		return gn_fail(err, GN_ERR_INVALID, _("a workbook is written to a file: give --out FILE.xlsx"));
	gn_status st = load_rows(ctx, set, opt, as_of, &rows, &n, &total, err);
	if (st != GN_OK)
		return st;
	int year = opt->year ? opt->year : atoi(as_of);

	if (opt->format == GN_REPORT_CSV) {
		if (opt->section == GN_REPORT_SECTION_COVERAGE)
			st = gn_report_coverage_csv(set, rows, n, &total, year, opt->csv_plain, out, err);
		else
			st = section_csv(ctx, opt, as_of, rows, n, out, err);
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
	char *note = not_measured_note(rows, n, &total);
	if (note)
		fputs(note, out);
	free(note);
	for (size_t i = 0; i < set->n; i++)
		if (!set->defs[i].hidden)
			indicator_table(out, set, i, rows, n, &total, year);
	fprintf(out, "\n%s\n", _("\"—\": nobody in the population yet. \"still short\": people still needed to reach the target."));
	st = operators_text(ctx, opt->as_of, out, err);
	if (st == GN_OK)
		st = reviews_text(ctx, opt->as_of, rows, n, out, err);
	free(ward);
	free(rows);
	if (st == GN_OK && opt->verification)
		st = verify_text(ctx, opt, out, err);
	if (st == GN_OK && ferror(out))
		return gn_fail(err, GN_ERR_IO, _("could not write the report"));
	return st;
}

/* ---- the document (PDF) ------------------------------------------------- */

/* A table's cells made beforehand: rows x cols strings. */
typedef struct str_table {
	size_t cols, rows;
	char **cells;
} str_table;

static void str_cell(void *arg, size_t row, size_t col, char *buf, size_t size)
{
	const str_table *t = arg;
	const char *v = row < t->rows && col < t->cols ? t->cells[row * t->cols + col] : NULL;
	snprintf(buf, size, "%s", v ? v : "");
}

typedef struct doc_build {
	gn_pdf_block *blocks;
	size_t n, cap;
	void **owned;        /* freed at the end */
	size_t n_owned, cap_owned;
	bool oom;
	/* what the sections read */
	gn_ctx *ctx;
	const gn_cov_set *set;
	const gn_report_options *opt;
	gn_cov_row *rows, total;
	size_t n_rows;
	int year;
	const char *as_of;
	bool past;           /* as of a day before today */
	gn_cov_week *weeks;
	size_t n_weeks;
} doc_build;

static void *own(doc_build *d, void *p)
{
	if (!p) {
		d->oom = true;
		return NULL;
	}
	if (d->n_owned == d->cap_owned) {
		size_t cap = d->cap_owned ? d->cap_owned * 2 : 64;
		void **bigger = realloc(d->owned, cap * sizeof *bigger);
		if (!bigger) {
			free(p);
			d->oom = true;
			return NULL;
		}
		d->owned = bigger;
		d->cap_owned = cap;
	}
	d->owned[d->n_owned++] = p;
	return p;
}

static char *vdup(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *vdup(const char *fmt, va_list ap)
{
	gn_strbuf b = { 0 };
	gn_sb_vprintf(&b, fmt, ap);
	if (!b.s && !b.failed)
		gn_sb_add(&b, "");
	return gn_sb_take(&b);
}

static const char *ownf(doc_build *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *ownf(doc_build *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vdup(fmt, ap);
	va_end(ap);
	return own(d, s);
}

static void add(doc_build *d, gn_pdf_block b)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		gn_pdf_block *bigger = realloc(d->blocks, cap * sizeof *bigger);
		if (!bigger) {
			d->oom = true;
			return;
		}
		d->blocks = bigger;
		d->cap = cap;
	}
	d->blocks[d->n++] = b;
}

static void add_text(doc_build *d, gn_pdf_block_kind kind, const char *text)
{
	add(d, (gn_pdf_block){ .kind = kind, .text = text ? text : "" });
}

/* A table of rows x n_cols cells filled by the caller through the
 * returned array (row-major), or NULL. */
static char **add_table(doc_build *d, const gn_pdf_col *cols, size_t n_cols, size_t rows, bool last_bold)
{
	str_table *t = own(d, calloc(1, sizeof *t));
	char **cells = t ? own(d, calloc(rows * n_cols + 1, sizeof *cells)) : NULL;
	if (!cells)
		return NULL;
	t->cols = n_cols;
	t->rows = rows;
	t->cells = cells;
	add(d, (gn_pdf_block){ .kind = GN_PDF_TABLE, .cols = cols, .n_cols = n_cols, .n_rows = rows, .cell = str_cell,
	                       .arg = t, .last_bold = last_bold });
	return cells;
}

static void set_cell(doc_build *d, char **cells, size_t at, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void set_cell(doc_build *d, char **cells, size_t at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cells[at] = own(d, vdup(fmt, ap));
	va_end(ap);
}

static const char *indicator_label(const gn_cov_def *def)
{
	return gn_todo_indicator_label(def);
}

/* I. households */
static void sec_progress(doc_build *d)
{
	static gn_pdf_col cols[7];
	const char *heads[7] = { _("TDP"), _("Households listed"), _("Visited"), "%", _("Revisit"), _("Refused"),
	                         _("Moved away") };
	static const double widths[7] = { 150, 60, 55, 50, 55, 55, 60 };
	for (int c = 0; c < 7; c++)
		cols[c] = (gn_pdf_col){ heads[c], widths[c], c > 0 };
	char **cells = add_table(d, cols, 7, d->n_rows + 1, true);
	for (size_t r = 0; cells && r <= d->n_rows; r++) {
		const gn_cov_row *row = r < d->n_rows ? &d->rows[r] : &d->total;
		char pct[32];
		fmt_pct_of(pct, sizeof pct, visited(row), row->listed);
		set_cell(d, cells, r * 7 + 0, "%s", row->name);
		set_cell(d, cells, r * 7 + 1, "%ld", row->listed);
		set_cell(d, cells, r * 7 + 2, "%ld", visited(row));
		set_cell(d, cells, r * 7 + 3, "%s", pct);
		set_cell(d, cells, r * 7 + 4, "%ld", row->revisit);
		set_cell(d, cells, r * 7 + 5, "%ld", row->refused);
		set_cell(d, cells, r * 7 + 6, "%ld", row->moved);
	}
	int adults = gn_cov_find(d->set, "adults");
	if (adults >= 0 && !d->total.ind_unknown)
		add_text(d, GN_PDF_TEXT, ownf(d, _("Adults (18 and over) counted: %ld\n"), d->total.ind[adults].den));
}

/* The target of a year said in words: "no target" plainly, never 0%. */
static const char *target_words(doc_build *d, const gn_cov_def *def)
{
	double target;
	if (gn_cov_target(def, d->year, &target))
		return ownf(d, _("Target for %d: %g%%\n"), d->year, target);
	return ownf(d, _("The plan sets no target for %d for this indicator: the figures are given without one "
	                 "(not as 0%%)."), d->year);
}

/* II. each indicator per TDP against the target */
static void sec_indicators(doc_build *d)
{
	static gn_pdf_col cols[6];
	const char *heads[6] = { _("TDP"), _("reached"), _("population"), "%", _("target"), _("still short") };
	static const double widths[6] = { 150, 60, 70, 55, 55, 65 };
	for (int c = 0; c < 6; c++)
		cols[c] = (gn_pdf_col){ heads[c], widths[c], c > 0 };
	if (d->total.ind_unknown) {
		char *began = gn_db_meta_get(d->ctx->db, "snapshots_began");
		add_text(d, GN_PDF_TEXT, ownf(d, _("\"?\": not known. gonha keeps the day's figures only from %s on; before "
		                                   "that only the visits are known (by their visit date).\n"),
		                              began ? began : "?"));
		free(began);
	}
	char *note = not_measured_note(d->rows, d->n_rows, &d->total);
	if (note)
		add_text(d, GN_PDF_TEXT, own(d, note));
	for (size_t i = 0; i < d->set->n; i++) {
		const gn_cov_def *def = &d->set->defs[i];
		if (def->hidden)
			continue;
		double target = 0;
		bool has = gn_cov_target(def, d->year, &target);
		add_text(d, GN_PDF_SECTION, indicator_label(def));
		add_text(d, GN_PDF_TEXT, target_words(d, def));
		char **cells = add_table(d, cols, 6, d->n_rows + 1, true);
		for (size_t r = 0; cells && r <= d->n_rows; r++) {
			const gn_cov_row *row = r < d->n_rows ? &d->rows[r] : &d->total;
			char pct[32];
			gn_cov_pct_text(pct, sizeof pct, row->ind[i]);
			long gap = gn_cov_gap(row->ind[i], has, target);
			set_cell(d, cells, r * 6, "%s", row->name);
			if (row->ind_unknown || row->not_measured) {
				for (int c = 1; c < 6; c++)
					set_cell(d, cells, r * 6 + (size_t)c, "%s", row->not_measured ? "×" : "?");
				continue;
			}
			set_cell(d, cells, r * 6 + 1, "%ld", row->ind[i].num);
			set_cell(d, cells, r * 6 + 2, "%ld", row->ind[i].den);
			set_cell(d, cells, r * 6 + 3, "%s", pct);
			if (has)
				set_cell(d, cells, r * 6 + 4, "%g%%", target);
			else
				set_cell(d, cells, r * 6 + 4, "%s", _("none"));
			set_cell(d, cells, r * 6 + 5, "%s", gap < 0 ? "—" : "");
			if (gap >= 0)
				set_cell(d, cells, r * 6 + 5, "%ld", gap);
		}
	}
}

/* III. week by week */
static void sec_weeks(doc_build *d)
{
	if (d->n_weeks == 0) {
		add_text(d, GN_PDF_TEXT, _("No figures kept yet: gonha keeps them from the first day data changes."));
		return;
	}
	add_text(d, GN_PDF_TEXT, ownf(d, _("Each bar: the share reached at the end of a week (%s to %s), from the "
	                                   "figures gonha keeps each day; the dashed line: the target of %d."),
	                              d->weeks[0].day, d->weeks[d->n_weeks - 1].day, d->year));
	const char **labels = own(d, calloc(d->n_weeks, sizeof *labels));
	for (size_t w = 0; labels && w < d->n_weeks; w++)
		labels[w] = ownf(d, "%.2s/%.2s", d->weeks[w].day + 8, d->weeks[w].day + 5);
	for (size_t i = 0; labels && i < d->set->n; i++) {
		const gn_cov_def *def = &d->set->defs[i];
		if (def->hidden)
			continue;
		double *pct = own(d, calloc(d->n_weeks, sizeof *pct));
		if (!pct)
			return;
		for (size_t w = 0; w < d->n_weeks; w++)
			if (!d->weeks[w].known || !gn_cov_pct(d->weeks[w].ind[i], &pct[w]))
				pct[w] = -1;
		double target = 0;
		bool has = gn_cov_target(def, d->year, &target);
		add_text(d, GN_PDF_SECTION, indicator_label(def));
		if (!has)
			add_text(d, GN_PDF_TEXT, target_words(d, def));
		add(d, (gn_pdf_block){ .kind = GN_PDF_CHART,
		                       .chart = { d->n_weeks, pct, labels, has, target } });
	}
}

/* What the people missing from an indicator in one TDP lack: each failing
 * part of the condition and how many lack it. */
typedef struct lack_count {
	char part[200];
	long n;
} lack_count;

typedef struct lacks_tally {
	lack_count items[16];
	size_t n;
	long people;
} lacks_tally;

static bool tally_person(void *arg, const gn_cov_person *p)
{
	lacks_tally *t = arg;
	t->people++;
	const char *s = p->lacks ? p->lacks : "";
	while (*s) {
		size_t len = strcspn(s, ";");
		if (len) {
			size_t k = 0;
			while (k < t->n && (strlen(t->items[k].part) != len || strncmp(t->items[k].part, s, len) != 0))
				k++;
			if (k == t->n && t->n < sizeof t->items / sizeof *t->items && len < sizeof t->items[0].part) {
				snprintf(t->items[k].part, sizeof t->items[k].part, "%.*s", (int)len, s);
				t->n++;
			}
			if (k < t->n)
				t->items[k].n++;
		}
		s += len + (s[len] == ';');
	}
	return true;
}

static int by_count(const void *a, const void *b)
{
	const lack_count *x = a, *y = b;
	return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->part, y->part);
}

#define BEHIND 3 /* TDPs named per indicator */

/* IV. the TDPs furthest behind each target, and what their people lack */
static void sec_behind(doc_build *d)
{
	static gn_pdf_col cols[4];
	const char *heads[4] = { _("TDP"), "%", _("still short"), _("what the people not yet counted lack (people)") };
	static const double widths[4] = { 110, 50, 55, 300 };
	for (int c = 0; c < 4; c++)
		cols[c] = (gn_pdf_col){ heads[c], widths[c], c > 0 && c < 3 };
	if (d->past) {
		add_text(d, GN_PDF_TEXT, _("Who lacks what is known only of today: this part is left out of a report "
		                           "as of an earlier day."));
		return;
	}
	gn_cov_row *sorted = malloc((d->n_rows ? d->n_rows : 1) * sizeof *sorted);
	if (!sorted) {
		d->oom = true;
		return;
	}
	for (size_t i = 0; i < d->set->n; i++) {
		const gn_cov_def *def = &d->set->defs[i];
		double target;
		if (def->hidden || !gn_cov_target(def, d->year, &target))
			continue;
		memcpy(sorted, d->rows, d->n_rows * sizeof *sorted);
		gn_cov_sort(d->set, sorted, d->n_rows, GN_COV_BY_GAP, (int)i, d->year, true);
		size_t k = 0;
		while (k < d->n_rows && k < BEHIND && gn_cov_gap(sorted[k].ind[i], true, target) > 0)
			k++;
		add_text(d, GN_PDF_SECTION, indicator_label(def));
		if (k == 0) {
			add_text(d, GN_PDF_TEXT, _("Every TDP has reached the target."));
			continue;
		}
		char **cells = add_table(d, cols, 4, k, false);
		for (size_t r = 0; cells && r < k; r++) {
			char pct[32], words[1024];
			gn_cov_pct_text(pct, sizeof pct, sorted[r].ind[i]);
			lacks_tally t = { 0 };
			gn_err err = { 0 };
			gn_strbuf b = { 0 };
			if (gn_cov_missing(d->ctx, d->set, (int)i, sorted[r].tdp_id, tally_person, &t, &err) == GN_OK) {
				qsort(t.items, t.n, sizeof *t.items, by_count);
				for (size_t j = 0; j < t.n && j < 4; j++) {
					gn_todo_lacks_text(d->opt->form, t.items[j].part, words, sizeof words);
					gn_sb_printf(&b, "%s%s: %ld", j ? "; " : "", words[0] ? words : t.items[j].part, t.items[j].n);
				}
			}
			set_cell(d, cells, r * 4, "%s", sorted[r].name);
			set_cell(d, cells, r * 4 + 1, "%s", pct);
			set_cell(d, cells, r * 4 + 2, "%ld", gn_cov_gap(sorted[r].ind[i], true, target));
			char *lacks = gn_sb_take(&b);
			cells[r * 4 + 3] = own(d, lacks ? lacks : strdup(""));
		}
	}
	free(sorted);
}

/* A section whose figures could not be read: said in the document. */
static void sec_unreadable(doc_build *d, const gn_err *err)
{
	add_text(d, GN_PDF_TEXT, ownf(d, _("These figures could not be read: %s"), err->msg));
}

/* V. the verification pass: the whole, then per operator (verify.h) */
static void sec_verify(doc_build *d)
{
	gn_err err = { 0 };
	gn_verify_rate total, *r = NULL;
	size_t items = 0, done = 0, n = 0;
	const char *until = d->past ? d->as_of : NULL;
	if (gn_verify_total(d->ctx, NULL, until, &total, &items, &done, &err) != GN_OK) {
		sec_unreadable(d, &err);
		return;
	}
	if (!items) {
		add_text(d, GN_PDF_TEXT, _("No verification sample drawn yet."));
		return;
	}
	char pct[32];
	verify_pct(pct, sizeof pct, total.differences, total.compared);
	add_text(d, GN_PDF_TEXT,
	         ownf(d, _("Households in the samples: %zu; keyed again: %zu; fields compared: %ld; differing: %ld (%s); "
	                   "resolved as the first keying wrong: %ld; still to resolve: %ld\n"),
	              items, done, total.compared, total.differences, pct, total.against_first, total.open));
	if (gn_verify_rates(d->ctx, GN_VERIFY_BY_OPERATOR, NULL, until, &r, &n, &err) != GN_OK) {
		sec_unreadable(d, &err);
		return;
	}
	static gn_pdf_col cols[6];
	const char *heads[6] = { _("entered by"), _("hh"), _("fields"), _("differ"), "%", _("left") };
	static const double widths[6] = { 150, 55, 60, 60, 60, 60 };
	for (int c = 0; c < 6; c++)
		cols[c] = (gn_pdf_col){ heads[c], widths[c], c > 0 };
	char **cells = n ? add_table(d, cols, 6, n, false) : NULL;
	for (size_t i = 0; cells && i < n; i++) {
		verify_pct(pct, sizeof pct, r[i].differences, r[i].compared);
		set_cell(d, cells, i * 6, "%s", r[i].key);
		set_cell(d, cells, i * 6 + 1, "%ld", r[i].households);
		set_cell(d, cells, i * 6 + 2, "%ld", r[i].compared);
		set_cell(d, cells, i * 6 + 3, "%ld", r[i].differences);
		set_cell(d, cells, i * 6 + 4, "%s", pct);
		set_cell(d, cells, i * 6 + 5, "%ld", r[i].open);
	}
	free(r);
}

/* VI. who entered what, per user (operators.h) */
static void sec_operators(doc_build *d)
{
	gn_err err = { 0 };
	gn_operator_row *users = NULL;
	size_t n = 0;
	if (gn_operator_figures(d->ctx, false, d->opt->as_of ? d->as_of : NULL, &users, &n, &err) != GN_OK) {
		sec_unreadable(d, &err);
		return;
	}
	if (!n) {
		add_text(d, GN_PDF_TEXT, _("Nothing entered yet."));
		free(users);
		return;
	}
	static gn_pdf_col cols[7];
	const char *heads[7] = { _("user"), _("hh"), _("persons"), _("hh/hour"), _("min/hh"), _("corrected"),
		                 _("other PC") };
	static const double widths[7] = { 120, 45, 55, 55, 55, 60, 55 };
	for (int c = 0; c < 7; c++)
		cols[c] = (gn_pdf_col){ heads[c], widths[c], c > 0 };
	char **cells = add_table(d, cols, 7, n, false);
	for (size_t i = 0; cells && i < n; i++) {
		char each[48], per_hour[48];
		fmt_each(each, sizeof each, &users[i]);
		fmt_per_hour(per_hour, sizeof per_hour, &users[i]);
		set_cell(d, cells, i * 7, "%s", users[i].user_login);
		set_cell(d, cells, i * 7 + 1, "%ld", users[i].households);
		set_cell(d, cells, i * 7 + 2, "%ld", users[i].persons);
		set_cell(d, cells, i * 7 + 3, "%s", per_hour);
		set_cell(d, cells, i * 7 + 4, "%s", each);
		set_cell(d, cells, i * 7 + 5, "%ld", users[i].corrections);
		set_cell(d, cells, i * 7 + 6, "%ld", users[i].from_other_pc);
	}
	add_text(d, GN_PDF_TEXT, _(OPERATORS_NOTE));
	free(users);
}

/* VII. the review of the visited households, per TDP (review.h) */
static void sec_reviews(doc_build *d)
{
	static gn_pdf_col cols[5];
	const char *heads[5] = { _("TDP"), _("visited"), _("approved"), _("sent back"), _("not reviewed") };
	static const double widths[5] = { 150, 70, 70, 70, 80 };
	for (int c = 0; c < 5; c++)
		cols[c] = (gn_pdf_col){ heads[c], widths[c], c > 0 };
	char **cells = add_table(d, cols, 5, d->n_rows + 1, true);
	gn_review_counts all = { 0 };
	for (size_t i = 0; cells && i <= d->n_rows; i++) {
		gn_review_counts c = all;
		gn_err err = { 0 };
		if (i < d->n_rows) {
			if (gn_review_count(d->ctx, d->rows[i].tdp_id, d->past ? d->as_of : NULL, &c, &err) != GN_OK) {
				sec_unreadable(d, &err);
				return;
			}
			all.visited += c.visited;
			all.approved += c.approved;
			all.sent_back += c.sent_back;
			all.not_reviewed += c.not_reviewed;
		}
		set_cell(d, cells, i * 5, "%s", i < d->n_rows ? d->rows[i].name : _("Ward"));
		set_cell(d, cells, i * 5 + 1, "%ld", c.visited);
		set_cell(d, cells, i * 5 + 2, "%ld", c.approved);
		set_cell(d, cells, i * 5 + 3, "%ld", c.sent_back);
		set_cell(d, cells, i * 5 + 4, "%ld", c.not_reviewed);
	}
}

/* The report's sections, in order: the last three are the verification
 * (a second keying of a sample), the operators' figures and the review of
 * households, from their domain functions (verify.h, operators.h,
 * review.h), as the text report gives them. */
typedef struct report_section {
	const char *title; /* msgid */
	void (*fill)(doc_build *d);
} report_section;

static const report_section sections[] = {
	{ N_("I. DOOR-TO-DOOR PROGRESS (households)"), sec_progress },
	{ N_("II. INDICATORS OF THE PLAN (section III)"), sec_indicators },
	{ N_("III. PROGRESS WEEK BY WEEK"), sec_weeks },
	{ N_("IV. THE TDPS FURTHEST BEHIND AND WHAT THEY LACK"), sec_behind },
	{ N_("V. VERIFICATION (A SAMPLE KEYED AGAIN)"), sec_verify },
	{ N_("VI. OPERATORS' FIGURES"), sec_operators },
	{ N_("VII. REVIEW OF THE HOUSEHOLDS"), sec_reviews },
};

gn_status gn_report_write_pdf(gn_ctx *ctx, const gn_cov_set *set, const gn_report_options *opt, FILE *out,
                              gn_err *err)
{
	doc_build d = { .ctx = ctx, .set = set, .opt = opt };
	char today[11], *settings[GN_DOC_KEYS] = { 0 };
	const char *as_of = report_day(opt, today);
	gn_status st = load_rows(ctx, set, opt, as_of, &d.rows, &d.n_rows, &d.total, err);
	if (st != GN_OK)
		return st;
	d.year = opt->year ? opt->year : atoi(as_of);
	d.as_of = as_of;
	d.past = strcmp(as_of, today) < 0;
	if ((st = gn_cov_weekly(ctx, set, as_of, 26, &d.weeks, &d.n_weeks, err)) != GN_OK)
		goto out;
	for (int k = 0; k < GN_DOC_KEYS; k++)
		if (!(settings[k] = gn_doc_setting(ctx->db, (gn_doc_key)k)))
			d.oom = true;
	for (size_t s = 0; s < sizeof sections / sizeof *sections; s++) {
		add_text(&d, GN_PDF_SECTION, _(sections[s].title));
		sections[s].fill(&d);
	}
	/* the recipients, one a line */
	const char *recipients[16];
	size_t n_rec = 0;
	char *rec = settings[GN_DOC_RECIPIENTS] ? own(&d, strdup(settings[GN_DOC_RECIPIENTS])) : NULL;
	for (char *save = NULL, *r = rec ? strtok_r(rec, ";", &save) : NULL; r && n_rec < 16; r = strtok_r(NULL, ";", &save)) {
		while (*r == ' ')
			r++;
		if (*r)
			recipients[n_rec++] = r;
	}
	if (d.oom) {
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	int y, m, day;
	gn_date_parse(today, &y, &m, &day);
	int quarter = (atoi(as_of + 5) - 1) / 3 + 1;
	char *ward = gn_ward_name(ctx->db);
	static const char *const quarters[] = { "I", "II", "III", "IV" };
	gn_pdf_doc doc = {
		.parent = settings[GN_DOC_PARENT],
		.issuer = settings[GN_DOC_ISSUER],
		.number = ownf(&d, "Số: %s", settings[GN_DOC_NUMBER] ? settings[GN_DOC_NUMBER] : ""),
		.place_date = ownf(&d, "%s, ngày %02d tháng %02d năm %d", settings[GN_DOC_PLACE] ? settings[GN_DOC_PLACE] : "",
		                   day, m, y),
		.kind = "BÁO CÁO",
		.title = ownf(&d, "Kết quả thực hiện Phong trào “Bình dân học vụ số” trên địa bàn %s quý %s năm %d "
		                  "(số liệu đến hết ngày %s)", ward ? ward : "", quarters[(quarter - 1) & 3], atoi(as_of),
		              as_of),
		.blocks = d.blocks,
		.n_blocks = d.n,
		.recipients = recipients,
		.n_recipients = n_rec,
		.signer_title = settings[GN_DOC_SIGNER_TITLE],
		.signer_name = settings[GN_DOC_SIGNER],
	};
	free(ward);
	st = d.oom ? gn_fail(err, GN_ERR_NOMEM, _("out of memory")) : gn_pdf_doc_write(&doc, out, err);
out:
	for (size_t i = 0; i < d.n_owned; i++)
		free(d.owned[i]);
	free(d.owned);
	free(d.blocks);
	free(d.rows);
	free(d.weeks);
	for (int k = 0; k < GN_DOC_KEYS; k++)
		free(settings[k]);
	return st;
}
