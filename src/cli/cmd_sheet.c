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

int gn_cmd_sheet(gn_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },        { "tdp", required_argument, NULL, 't' },
		{ "alley", required_argument, NULL, 'a' },     { "indicator", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },       { "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_opt = NULL, *tdp = NULL, *alley = NULL, *indicator = NULL, *out_path = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 't': tdp = optarg; break;
		case 'a': alley = optarg; break;
		case 'i': indicator = optarg; break;
		case 'o': out_path = optarg; break;
		case 'l': break;
		default:
			return gn_cli_usage(_("%s: unknown option %s (see gonha --help)"), argv[0], argv[optind - 1]);
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
