/* The ward's quarterly report: door-to-door progress and every indicator
 * per TDP and for the ward, against the year's targets; as readable text
 * in the UI language (to print) or as CSV for Excel. The CSV has the
 * columns of `gonha export --what coverage`. */
#ifndef GONHA_REPORT_H
#define GONHA_REPORT_H

#include <stdio.h>

#include "gonha/domain/coverage.h"

typedef enum gn_report_format {
	GN_REPORT_TEXT = 0,
	GN_REPORT_CSV,
	GN_REPORT_XLSX,  /* the coverage table as a workbook: gn_report_write_xlsx */
} gn_report_format;

/* The CSV's table (the text has them all): the coverage (the default),
 * the operator figures (gonha/domain/operators.h) or the reviews
 * (gonha/domain/review.h). */
typedef enum gn_report_section {
	GN_REPORT_SECTION_COVERAGE = 0,
	GN_REPORT_SECTION_OPERATORS,
	GN_REPORT_SECTION_REVIEWS,
} gn_report_section;

typedef struct gn_report_options {
	gn_report_format format;
	int year;             /* whose targets; 0 = the as-of date's year */
	const char *as_of;    /* YYYY-MM-DD; NULL = today (counters used as kept) */
	int csv_plain;        /* CSV without BOM, LF line ends */
	const char *tdp_code; /* only this TDP (scope checked), or NULL */
	gn_report_section section; /* CSV: which table */
	/* the report's section III, the verification pass (verify.h): the text
	 * after the indicators; the CSV a second table after a blank line
	 * (gn_report_verification_csv). Off for the coverage export. */
	int verification;
} gn_report_options;

/* Writes the report for the TDPs the user may see (the whole ward for a
 * ward officer). */
gn_status gn_report_write(gn_ctx *ctx, const gn_cov_set *set, const gn_report_options *opt, FILE *out,
                          gn_err *err);

/* The coverage table (the CSV's rows, Vietnamese headers) as an XLSX
 * workbook at path: 0600, written whole or not at all. */
gn_status gn_report_write_xlsx(gn_ctx *ctx, const gn_cov_set *set, const gn_report_options *opt, const char *path,
                               gn_err *err);

/* Writes the coverage rows (each TDP, then the total) as CSV: tdp_code,
 * tdp_name, households_listed, households_visited, revisits, refused,
 * moved, adults, then per indicator <name>_num, _den, _pct, _target. */
gn_status gn_report_coverage_csv(const gn_cov_set *set, const gn_cov_row *rows, size_t n,
                                 const gn_cov_row *total, int year, int plain, FILE *out, gn_err *err);

/* The verification figures as CSV: verify_by (operator, question, total),
 * key (login or question name), households, households_differing,
 * fields_compared, differences, difference_pct, against_first, to_resolve. */
gn_status gn_report_verification_csv(gn_ctx *ctx, const gn_report_options *opt, FILE *out, gn_err *err);

#endif
