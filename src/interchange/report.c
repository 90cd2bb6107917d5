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
	long adults = adults_of(set, r);
	if (adults >= 0)
		sink_long(s, adults);
	else
		ex_sink_num(s, "");
	for (size_t i = 0; i < set->n; i++) {
		if (set->defs[i].hidden)
			continue;
		double pct, target;
		char buf[32] = "";
		sink_long(s, r->ind[i].num);
		sink_long(s, r->ind[i].den);
		if (gn_cov_pct(r->ind[i], &pct))
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

/* ---- who entered what, and the reviews (issue 16) ---------------------- */

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
	fprintf(f, "\n%s\n", _("hh/hour and min/hh: from the time the household form was open, where it is known. "
	                       "corrected: saves that changed a household already entered (on this PC). other PC: "
	                       "households entered on another PC, whose times are that PC's clock."));
out:
	free(users);
	free(days);
	return st;
}

static gn_status reviews_text(gn_ctx *ctx, const gn_cov_row *rows, size_t n, FILE *f, gn_err *err)
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
			st = gn_review_count(ctx, rows[i].tdp_id, &c, err);
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

static gn_status reviews_rows(ex_sink *s, gn_ctx *ctx, const gn_cov_row *rows, size_t n, gn_err *err)
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
			if ((st = gn_review_count(ctx, rows[i].tdp_id, &c, err)) != GN_OK)
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

/* The CSV of the operators or reviews section. */
static gn_status section_csv(gn_ctx *ctx, const gn_report_options *opt, const char *as_of, const gn_cov_row *rows,
                             size_t n, FILE *out, gn_err *err)
{
	if (!opt->csv_plain)
		fputs("\xef\xbb\xbf", out);
	ex_sink s;
	ex_sink_csv(&s, out, opt->csv_plain, true);
	gn_status st = opt->section == GN_REPORT_SECTION_OPERATORS ? operators_rows(&s, ctx, opt->as_of ? as_of : NULL, err)
	                                                           : reviews_rows(&s, ctx, rows, n, err);
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
		st = gn_verify_total(ctx, tdp[0] ? tdp : NULL, &total, &items, &done, err);
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
	if (opt->as_of)
		fprintf(f, "%s\n", _("(the verification figures are as they stand now, whatever the date asked)"));
	st = gn_verify_rates(ctx, GN_VERIFY_BY_OPERATOR, tdp[0] ? tdp : NULL, &r, &n, err);
	if (st == GN_OK)
		verify_table(f, _("Per operator (who entered the household):"), r, n, false);
	free(r);
	r = NULL;
	if (st == GN_OK)
		st = gn_verify_rates(ctx, GN_VERIFY_BY_QUESTION, tdp[0] ? tdp : NULL, &r, &n, err);
	if (st == GN_OK)
		verify_table(f, _("Per question:"), r, n, true);
	free(r);
	return st;
}

gn_status gn_report_verification_csv(gn_ctx *ctx, const gn_report_options *opt, FILE *out, gn_err *err)
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
	ex_sink s;
	ex_sink_csv(&s, out, opt->csv_plain, true);
	st = ex_sink_columns(&s, cols, sizeof cols / sizeof *cols, err);
	for (int by = 0; by < 3 && st == GN_OK; by++) {
		gn_verify_rate *r = NULL, total;
		size_t n = 0, items = 0, done = 0;
		if (by < 2) {
			st = gn_verify_rates(ctx, by == 0 ? GN_VERIFY_BY_OPERATOR : GN_VERIFY_BY_QUESTION, tdp[0] ? tdp : NULL,
			                     &r, &n, err);
		} else if ((st = gn_verify_total(ctx, tdp[0] ? tdp : NULL, &total, &items, &done, err)) == GN_OK) {
			r = malloc(sizeof *r);
			if (r) {
				*r = total;
				n = 1;
			}
		}
		for (size_t i = 0; i < n && st == GN_OK; i++) {
			char buf[32];
			long pm = gn_verify_per_mille(r[i].differences, r[i].compared);
			ex_sink_text(&s, by == 0 ? "operator" : by == 1 ? "question" : "total");
			ex_sink_text(&s, r[i].key);
			long v[] = { r[i].households, r[i].households_differing, r[i].compared, r[i].differences };
			for (size_t k = 0; k < 4; k++)
				sink_long(&s, v[k]);
			snprintf(buf, sizeof buf, "%ld.%ld", pm / 10, pm % 10);
			ex_sink_num(&s, r[i].compared ? buf : "");
			sink_long(&s, r[i].against_first);
			sink_long(&s, r[i].open);
			st = ex_sink_end_row(&s, err);
		}
		free(r);
	}
	ex_sink_close(&s, st == GN_OK, err);
	return st;
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
		if (opt->section == GN_REPORT_SECTION_COVERAGE)
			st = gn_report_coverage_csv(set, rows, n, &total, year, opt->csv_plain, out, err);
		else
			st = section_csv(ctx, opt, as_of, rows, n, out, err);
		free(rows);
		if (st == GN_OK && opt->verification) {
			fputs(opt->csv_plain ? "\n" : "\r\n", out); /* the second table, after a blank line */
			st = gn_report_verification_csv(ctx, opt, out, err);
		}
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
	if (adults >= 0)
		fprintf(out, _("Adults (18 and over) counted: %ld\n"), total.ind[adults].den);
	if (help >= 0)
		fprintf(out, _("People who asked for help: %ld\n"), total.ind[help].num);
	fprintf(out, "\n%s\n", _("II. INDICATORS OF THE PLAN (section III)"));
	for (size_t i = 0; i < set->n; i++)
		if (!set->defs[i].hidden)
			indicator_table(out, set, i, rows, n, &total, year);
	fprintf(out, "\n%s\n", _("\"—\": nobody in the population yet. \"still short\": people still needed to reach the target."));
	st = operators_text(ctx, opt->as_of, out, err);
	if (st == GN_OK)
		st = reviews_text(ctx, rows, n, out, err);
	free(ward);
	free(rows);
	if (st == GN_OK && opt->verification)
		st = verify_text(ctx, opt, out, err);
	if (st == GN_OK && ferror(out))
		return gn_fail(err, GN_ERR_IO, _("could not write the report"));
	return st;
}
