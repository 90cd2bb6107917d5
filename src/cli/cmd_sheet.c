/* gonha sheet: paper for the round as PDF (round_sheet.h), as the screens
 * write it. */
#include "cli.h"
#include "gonha/forms/census.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/core/outdir.h"
#include "gonha/interchange/round_sheet.h"

#include <getopt.h>
#include <limits.h>
#include <string.h>

const gn_opt gn_opts_sheet[] = {
	{ "db", 'd', "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "tdp", 't', "CODE", N_("the TDP"), "walk revisit", true },
	{ "tdp", 't', "CODE", N_("only this TDP (else the whole ward)"), "missing", false },
	{ "alley", 'a', "ALLEY", N_("only this alley"), "walk revisit", false },
	{ "indicator", 'i', "INDICATOR", N_("the indicator (gonha report lists them)"), "missing", true },
	{ "out", 'o', "FILE.pdf", N_("the PDF to write (else a new file in $GONHA_EXPORT_DIR or the database's folder)"), NULL, false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

int gn_cmd_sheet(gn_cli *cli, int argc, char **argv)
{
	const char *db_opt = NULL, *tdp = NULL, *alley = NULL, *indicator = NULL, *out_path = NULL;
	int c;
	while ((c = gn_cli_getopt(cli, argc, argv)) != GN_OPT_END) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 't': tdp = optarg; break;
		case 'a': alley = optarg; break;
		case 'i': indicator = optarg; break;
		case 'o': out_path = optarg; break;
		case 'l': break;
		default: /* --help, or a wrong option: said */
			return gn_cli_opt_exit(c);
		}
	}
	gn_sheet_request rq = { .tdp = tdp, .alley = alley, .indicator = -1 };
	if (optind + 1 != argc || !gn_sheet_kind_parse(argv[optind], &rq.kind))
		return gn_cli_usage(_("usage: gonha sheet walk|revisit|missing --tdp CODE [--alley A] [--indicator I] "
		                      "[--out FILE.pdf]"));
	if (!tdp && rq.kind != GN_SHEET_MISSING)
		return gn_cli_usage(_("a walk sheet or revisit list is made for one TDP: give --tdp CODE"));
	if ((rq.kind == GN_SHEET_MISSING) != (indicator != NULL))
		return gn_cli_usage(rq.kind == GN_SHEET_MISSING ? _("the missing list is of one indicator: give --indicator I")
		                                                : _("--indicator is for the missing list only"));
	if (alley && rq.kind == GN_SHEET_MISSING)
		return gn_cli_usage(_("--alley is for the walk sheet and the revisit list"));

	gn_ctx ctx;
	gn_census census;
	memset(&census, 0, sizeof census);
	int rc = rq.kind == GN_SHEET_MISSING ? gn_cli_open_census(cli, db_opt, &ctx, &census)
	                                     : gn_cli_open_signed_in(cli, db_opt, 0, &ctx);
	if (rc)
		return rc;
	gn_err err = { 0 };
	gn_status st = GN_OK;
	if (rq.kind == GN_SHEET_MISSING) {
		rq.set = &census.coverage;
		rq.form = census.form;
		if ((rq.indicator = gn_cov_find(&census.coverage, indicator)) < 0)
			st = gn_fail(&err, GN_ERR_NOT_FOUND, _("there is no indicator %s"), indicator);
	}
	char path[PATH_MAX];
	long n = 0;
	if (st == GN_OK && out_path) {
		snprintf(path, sizeof path, "%s", out_path);
		st = gn_sheet_write(&ctx, &rq, out_path, &n, &err);
	} else if (st == GN_OK) {
		char dir[PATH_MAX];
		gn_output_dir(sqlite3_db_filename(ctx.db, "main"), dir, sizeof dir);
		st = gn_sheet_export(&ctx, &rq, dir, path, sizeof path, &n, &err);
	}
	if (st != GN_OK)
		rc = gn_cli_fail(&err);
	else
		gn_cli_print(stderr, ngettext("Sheet written (%ld line): %s\n", "Sheet written (%ld lines): %s\n",
		                              (unsigned long)n), n, path);
	if (rq.kind == GN_SHEET_MISSING)
		gn_census_free(&census);
	gn_db_close(ctx.db);
	return rc;
}
