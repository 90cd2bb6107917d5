#include "gonha/report.h"
#include "gonha/db.h"
#include "gonha/household.h"
#include "gonha/i18n.h"
#include "gonha/text.h"
#include "gonha/ward.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

/* ---- CSV ---------------------------------------------------------------- */

typedef struct csv_out {
	FILE *f;
	const char *eol;
	int first;
} csv_out;


/* Visited: a visit that ended (done, refused, moved away); a household to
 * revisit still waits for one, as on the screens. */
static long visited(const gn_cov_row *r)
{
	return r->done + r->refused + r->moved;
}
static void csv_cell(csv_out *o, const char *s)
{
	if (!o->first)
		fputc(',', o->f);
	o->first = 0;
	/* Excel must not run a cell as a formula. */
	if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		char *guarded = malloc(strlen(s) + 2);
		if (guarded) {
			guarded[0] = '\'';
			strcpy(guarded + 1, s);
			csv_fwrite(o->f, guarded, strlen(guarded));
			free(guarded);
			return;
		}
	}
	csv_fwrite(o->f, s, strlen(s));
}

static void csv_num(csv_out *o, long v)
{
	if (!o->first)
		fputc(',', o->f);
	o->first = 0;
	fprintf(o->f, "%ld", v);
}

static void csv_raw(csv_out *o, const char *s)
{
	if (!o->first)
		fputc(',', o->f);
	o->first = 0;
	fputs(s, o->f);
}

static void csv_end(csv_out *o)
{
	fputs(o->eol, o->f);
	o->first = 1;
}

static long adults_of(const gn_cov_set *set, const gn_cov_row *r)
{
	int i = gn_cov_find(set, "adults");
	return i >= 0 ? r->ind[i].den : -1;
}

static void csv_row(csv_out *o, const gn_cov_set *set, const gn_cov_row *r, int year)
{
	csv_cell(o, r->code);
	csv_cell(o, r->name);
	csv_num(o, r->listed);
	csv_num(o, visited(r));
	csv_num(o, r->revisit);
	csv_num(o, r->refused);
	csv_num(o, r->moved);
	long adults = adults_of(set, r);
	if (adults >= 0)
		csv_num(o, adults);
	else
		csv_raw(o, "");
	for (size_t i = 0; i < set->n; i++) {
		if (set->defs[i].hidden)
			continue;
		double pct, target;
		char buf[32] = "";
		csv_num(o, r->ind[i].num);
		csv_num(o, r->ind[i].den);
		if (gn_cov_pct(r->ind[i], &pct))
			snprintf(buf, sizeof buf, "%.1f", pct);
		csv_raw(o, buf);
		buf[0] = '\0';
		if (gn_cov_target(&set->defs[i], year, &target))
			snprintf(buf, sizeof buf, "%g", target);
		csv_raw(o, buf);
	}
	csv_end(o);
}

gn_status gn_report_coverage_csv(const gn_cov_set *set, const gn_cov_row *rows, size_t n,
                                 const gn_cov_row *total, int year, int plain, FILE *out, gn_err *err)
{
	csv_out o = { out, plain ? "\n" : "\r\n", 1 };
	if (!plain)
		fputs("\xef\xbb\xbf", out); /* BOM: Excel reads UTF-8 */
	static const char *const fixed[] = { "tdp_code", "tdp_name", "households_listed", "households_visited",
	                                     "revisits", "refused", "moved", "adults" };
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		csv_raw(&o, fixed[i]);
	for (size_t i = 0; i < set->n; i++) {
		if (set->defs[i].hidden)
			continue;
		static const char *const suffix[] = { "num", "den", "pct", "target" };
		for (int k = 0; k < 4; k++) {
			char col[96];
			snprintf(col, sizeof col, "%s_%s", set->defs[i].name, suffix[k]);
			csv_raw(&o, col);
		}
	}
	csv_end(&o);
	for (size_t r = 0; r < n; r++)
		csv_row(&o, set, &rows[r], year);
	csv_row(&o, set, total, year);
	if (ferror(out))
		return gn_fail(err, GN_ERR_IO, _("could not write the report"));
	return GN_OK;
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

/* "80,5%" in Vietnamese, "80.5%" in English; "—" when there is nobody. */
static void fmt_pct(char *buf, size_t size, gn_cov_count c)
{
	double pct;
	if (!gn_cov_pct(c, &pct)) {
		snprintf(buf, size, "—");
		return;
	}
	snprintf(buf, size, "%.1f%%", pct);
	if (strcmp(gn_i18n_lang(), "vi") == 0)
		for (char *p = buf; *p; p++)
			if (*p == '.')
				*p = ',';
}

static void fmt_pct_of(char *buf, size_t size, long num, long den)
{
	gn_cov_count c = { num, den };
	fmt_pct(buf, size, c);
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
		fmt_pct(pct, sizeof pct, row->ind[i]);
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

gn_status gn_report_write(gn_ctx *ctx, const gn_cov_set *set, const gn_report_options *opt, FILE *out,
                          gn_err *err)
{
	gn_cov_row *rows = NULL, total;
	size_t n = 0;
	gn_status st;
	char today[32];
	gn_now_iso(today);
	today[10] = '\0';
	const char *as_of = opt->as_of ? opt->as_of : today;
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
	if (adults >= 0)
		fprintf(out, _("Adults (18 and over) counted: %ld\n"), total.ind[adults].den);
	if (help >= 0)
		fprintf(out, _("People who asked for help: %ld\n"), total.ind[help].num);
	fprintf(out, "\n%s\n", _("II. INDICATORS OF THE PLAN (section III)"));
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
