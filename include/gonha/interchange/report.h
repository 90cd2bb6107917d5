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
	GN_REPORT_PDF,   /* the administrative document: gn_report_write_pdf */
} gn_report_format;

/* The CSV's table (the text has them all): the coverage (the default),
 * the operator figures (gonha/domain/operators.h) or the reviews
 * (gonha/domain/review.h). */
typedef enum gn_report_section {
	GN_REPORT_SECTION_COVERAGE = 0,
	GN_REPORT_SECTION_OPERATORS,
	GN_REPORT_SECTION_REVIEWS,
	GN_REPORT_SECTION_VERIFICATION, /* the verification pass (gonha/domain/verify.h) */
} gn_report_section;
typedef struct gn_form gn_form;

typedef struct gn_report_options {
	gn_report_format format;
	int year;             /* whose targets; 0 = the as-of date's year */
	const char *as_of;    /* YYYY-MM-DD; NULL = today (counters used as kept) */
	int csv_plain;        /* CSV without BOM, LF line ends */
	const char *tdp_code; /* only this TDP (scope checked), or NULL */
	gn_report_section section; /* CSV: which table */
	/* the text report's section V, the verification pass (verify.h);
	 * the CSV's is --section verification. Off for the coverage export. */
	int verification;
	const gn_form *form;  /* for what people lack in words (PDF), or NULL */
} gn_report_options;

/* Writes the report for the TDPs the user may see (the whole ward for a
 * ward officer). */
gn_status gn_report_write(gn_ctx *ctx, const gn_cov_set *set, const gn_report_options *opt, FILE *out,
                          gn_err *err);

/* The coverage table (the CSV's rows, Vietnamese headers) as an XLSX
 * workbook at path: 0600, written whole or not at all. */
gn_status gn_report_write_xlsx(gn_ctx *ctx, const gn_cov_set *set, const gn_report_options *opt, const char *path,
                               gn_err *err);

/* The quarterly report as a Vietnamese administrative document (Nghị định
 * 30/2020/NĐ-CP), a PDF for A4 drawn by sheet_pdf.c: the ward's settings
 * (gn_doc_setting) at the top and the end; its sections in order
 * (report.c's list: progress, the plan's indicators per TDP against the
 * year's targets, the weeks' charts, the TDPs furthest behind and what
 * they lack, then the places kept for verification, operator figures and
 * review). */
gn_status gn_report_write_pdf(gn_ctx *ctx, const gn_cov_set *set, const gn_report_options *opt, FILE *out,
                              gn_err *err);

/* Writes the coverage rows (each TDP, then the total) as CSV: tdp_code,
 * tdp_name, households_listed, households_visited, revisits, refused,
 * moved, adults, then per indicator <name>_num, _den, _pct, _target. */
gn_status gn_report_coverage_csv(const gn_cov_set *set, const gn_cov_row *rows, size_t n,
                                 const gn_cov_row *total, int year, int plain, FILE *out, gn_err *err);


#endif
