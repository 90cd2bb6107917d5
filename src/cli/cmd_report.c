/* gonha report: the quarterly report, as text to print or CSV for Excel. */
#include "cli.h"
#include "gonha/domain/ward.h"
#include "gonha/interchange/registry.h"
#include "gonha/forms/census.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/privacy.h"
#include "gonha/interchange/report.h"
#include "gonha/interchange/todo_sheet.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Opens the db signed in and loads the census; prints a broken form's
 * problems. */
int gn_cli_open_census(gn_cli *cli, const char *db_opt, gn_ctx *ctx, gn_census *census)
{
	int rc = gn_cli_open_signed_in(cli, db_opt, 0, ctx);
	if (rc)
		return rc;
	gn_form_problems problems = { 0 };
	gn_err err = { 0 };
	if (gn_census_load(ctx->db, NULL, census, &problems, &err) != GN_OK) {
		char dir[PATH_MAX];
		gn_cli_print_form_problems(gn_forms_dir(dir, sizeof dir), &problems, stderr);
		gn_form_problems_free(&problems);
		gn_db_close(ctx->db);
		ctx->db = NULL;
		return gn_cli_fail(&err);
	}
	gn_form_problems_free(&problems);
	ctx->coverage = &census->coverage;
	return 0;
}

int gn_cli_use_tdp_form(gn_cli *cli, const char *db_opt, gn_ctx *ctx, gn_census *census, const char *tdp_code)
{
	gn_err err = { 0 };
	gn_tdp tdp;
	char id[64], path[PATH_MAX];
	if (gn_tdp_find(ctx, tdp_code, &tdp, &err) != GN_OK || gn_registry_form_of_tdp(ctx->db, tdp.id, id, &err) != GN_OK ||
	    gn_db_path(db_opt ? db_opt : cli->db_path, path, sizeof path, &err) != GN_OK)
		return gn_cli_fail(&err);
	if (strcmp(id, census->form->id) == 0)
		return 0;
	gn_form *form = NULL;
	gn_form_problems problems = { 0 };
	gn_status st = gn_registry_load(ctx->db, path, id, &form, &problems, &err);
	gn_form_problems_free(&problems);
	if (st != GN_OK)
		return gn_cli_fail(&err);
	gn_form_free(census->form); /* its indicators stay: the plan's */
	census->form = form;
	ctx->form_id = form->id;
	ctx->form_version = form->version;
	return 0;
}

/* --missing INDICATOR: the people not yet counted in it (the tech team's
 * to-do list), as the screen writes it: CSV or a sheet to print. */
static gn_status write_missing(gn_ctx *ctx, gn_census *census, const char *name, const gn_report_options *opt,
                               FILE *out, const char *out_path, gn_err *err)
{
	int i = gn_cov_find(&census->coverage, name);
	if (i < 0)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("there is no indicator %s"), name);
	gn_todo_list list;
	gn_status st = gn_todo_load(ctx, &census->coverage, i, opt->tdp_code, &list, err);
	if (st != GN_OK)
		return st;
	/* names of people: a bulk read, recorded before the file is given its
	 * name (a read that cannot be recorded is not made: the caller drops
	 * the .part); printed to the terminal, it is one too */
	st = gn_todo_write(ctx, &census->coverage, census->form, &list,
	                   opt->format == GN_REPORT_CSV ? GN_TODO_CSV : GN_TODO_TEXT, out, err);
	if (st == GN_OK)
		st = gn_audit_bulk_read(ctx, "missing_list", list.tdp_id[0] ? list.tdp_id : NULL, (long)list.n, false,
		                        out_path ? out_path : "-", err);
	gn_todo_list_free(&list);
	return st;
}

/* The text or CSV report (or the not-yet-counted list) to stdout, or to
 * out_path whole or not at all. */
static gn_status write_report(gn_ctx *ctx, gn_census *census, const char *missing, const gn_report_options *opt,
                              const char *out_path, gn_err *err)
{
	FILE *out = stdout;
	char part[PATH_MAX];
	if (out_path) {
		gn_private_part_path(out_path, part, sizeof part);
		if (!(out = gn_private_create(part, err)))
			return err->status ? err->status : GN_ERR_IO;
	}
	gn_status st = missing ? write_missing(ctx, census, missing, opt, out, out_path, err)
	               : opt->format == GN_REPORT_PDF ? gn_report_write_pdf(ctx, &census->coverage, opt, out, err)
	                                              : gn_report_write(ctx, &census->coverage, opt, out, err);
	if (!out_path)
		return st;
	int write_errno = err->sys_errno ? err->sys_errno : ferror(out) ? errno : 0;
	if (fclose(out) != 0 && !write_errno)
		write_errno = errno;
	if (write_errno && (st == GN_OK || st == GN_ERR_IO)) /* with the file and the cause */
		st = gn_private_write_fail(err, out_path, write_errno);
	if (st == GN_OK)
		return gn_private_publish(part, out_path, err);
	gn_private_discard(part);
	return st;
}

const gn_opt gn_opts_report[] = {
	{ "db", 'd', "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "year", 'y', "YYYY", N_("the year of the targets (default this year)"), NULL, false },
	{ "as-of", 'a', "DATE", N_("the report as it stood on this day (YYYY-MM-DD)"), NULL, false },
	{ "format", 'f', "text|csv|xlsx|pdf", N_("text on the screen (the default), CSV, an XLSX workbook with charts, or a PDF document to sign (needs --out)"), NULL, false },
	{ "out", 'o', "FILE", N_("the file to write (else the screen)"), NULL, false },
	{ "tdp", 't', "CODE", N_("only this TDP"), NULL, false },
	{ "plain", 'p', NULL, N_("CSV without BOM, with LF line ends"), NULL, false },
	{ "missing", 'm', "INDICATOR", N_("the people not yet counted in this indicator, in walking order"), NULL, false },
	{ "section", 's', "coverage|operators|reviews|verification", N_("--section chooses the table of --format csv (the text report has every section)"), NULL, false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

int gn_cmd_report(gn_cli *cli, int argc, char **argv)
{
	const char *missing = NULL;
	gn_report_options opt = { .verification = 1 };
	const char *db_opt = NULL, *out_path = NULL;
	long year = 0;
	int c;
	while ((c = gn_cli_getopt(cli, argc, argv)) != GN_OPT_END) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'y':
			if (gn_cli_parse_int(optarg, 2000, 2100, &year))
				return gn_cli_usage(_("--year takes a year such as 2026"));
			opt.year = (int)year;
			break;
		case 'a': opt.as_of = optarg; break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				opt.format = GN_REPORT_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				opt.format = GN_REPORT_CSV;
			else if (strcmp(optarg, "xlsx") == 0)
				opt.format = GN_REPORT_XLSX;
			else if (strcmp(optarg, "pdf") == 0)
				opt.format = GN_REPORT_PDF;
			else
				return gn_cli_usage(_("--format takes text, csv, xlsx or pdf"));
			break;
		case 'o': out_path = optarg; break;
		case 't': opt.tdp_code = optarg; break;
		case 'p': opt.csv_plain = 1; break;
		case 'm': missing = optarg; break;
		case 's':
			if (strcmp(optarg, "coverage") == 0)
				opt.section = GN_REPORT_SECTION_COVERAGE;
			else if (strcmp(optarg, "operators") == 0)
				opt.section = GN_REPORT_SECTION_OPERATORS;
			else if (strcmp(optarg, "reviews") == 0)
				opt.section = GN_REPORT_SECTION_REVIEWS;
			else if (strcmp(optarg, "verification") == 0)
				opt.section = GN_REPORT_SECTION_VERIFICATION;
			else
				return gn_cli_usage(_("--section takes coverage, operators, reviews or verification"));
			break;
		case 'l': break;
		default: /* --help, or a wrong option: said */
			return gn_cli_opt_exit(c);
		}
	}
	if (optind < argc)
		return gn_cli_usage(_("%s: unexpected argument %s"), argv[0], argv[optind]);
	gn_err err = { 0 };
	if (opt.as_of) {
		sqlite3 *probe = NULL;
		/* the date is checked before anybody signs in */
		if (gn_db_open_memory(&probe, &err) == GN_OK && gn_db_set_today(probe, opt.as_of, &err) != GN_OK) {
			gn_db_close(probe);
			return gn_cli_fail(&err);
		}
		gn_db_close(probe);
	}

	if (opt.section != GN_REPORT_SECTION_COVERAGE && (opt.format != GN_REPORT_CSV || missing))
		return gn_cli_usage(_("--section chooses the table of --format csv (the text report has every section)"));
	if (opt.format == GN_REPORT_XLSX && (!out_path || missing))
		return gn_cli_usage(missing ? _("--missing writes text or csv, not xlsx")
		                            : _("a workbook is written to a file: give --out FILE.xlsx"));
	if (opt.format == GN_REPORT_PDF && (!out_path || missing))
		return gn_cli_usage(missing ? _("--missing writes text or csv; its sheet to print is gonha sheet missing")
		                            : _("the report as a document is written to a file: give --out FILE.pdf"));

	gn_ctx ctx;
	gn_census census;
	int rc = gn_cli_open_census(cli, db_opt, &ctx, &census);
	if (rc)
		return rc;
	opt.form = census.form;
	if (opt.format == GN_REPORT_XLSX) {
		if (gn_report_write_xlsx(&ctx, &census.coverage, &opt, out_path, &err) != GN_OK)
			rc = gn_cli_fail(&err);
		else
			gn_cli_print(stderr, _("Report written to %s\n"), out_path);
		goto done;
	}
	gn_status st = write_report(&ctx, &census, missing, &opt, out_path, &err);
	if (st != GN_OK)
		rc = gn_cli_fail(&err);
	else if (out_path)
		gn_cli_print(stderr, _("Report written to %s\n"), out_path);
done:
	gn_census_free(&census);
	gn_db_close(ctx.db);
	return rc;
}
