/* gonha verify: the verification pass from the command line (verify.h):
 * draw a sample, see how far it is, list the differences, resolve one,
 * the error rates. The second keying itself is done in the form screen. */
#include "cli.h"
#include "gonha/domain/verify.h"
#include "gonha/domain/ward.h"
#include "gonha/forms/census.h"
#include "gonha/forms/form.h"
#include "gonha/interchange/registry.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static int verify_sample(gn_ctx *ctx, const char *tdp, const char *percent, const char *count, const char *seed)
{
	gn_verify_rule rule = { 0 };
	long v = 0;
	if (!tdp || (!percent) == (!count))
		return gn_cli_usage(_("usage: gonha verify sample --tdp CODE --percent P|--count N [--seed S]"));
	if (percent && gn_cli_parse_int(percent, 1, 100, &v))
		return gn_cli_usage(_("--percent: a whole number from 1 to 100, not %s"), percent);
	rule.percent = (int)v;
	if (count && gn_cli_parse_int(count, 1, 1000000, &v))
		return gn_cli_usage(_("--count: a whole number of households from 1, not %s"), count);
	if (count)
		rule.count = (int)v;
	if (seed) {
		char *end = NULL;
		rule.seed = strtoull(seed, &end, 10);
		if (!*seed || *end || *seed == '-')
			return gn_cli_usage(_("--seed: a whole number from 0, not %s"), seed);
		if (rule.seed > INT64_MAX)
			return gn_cli_usage(_("--seed: a whole number from 0, not %s"), seed);
	} else {
		rule.seed = gn_verify_new_seed();
	}
	gn_err err = { 0 };
	char pass[37];
	size_t drawn = 0;
	if (gn_verify_sample(ctx, tdp, &rule, pass, &drawn, &err) != GN_OK)
		return gn_cli_fail(&err);
	gn_cli_print(stdout, ngettext("Sample %s of TDP %s: %zu household, seed %llu (the same seed draws it again).\n",
	                              "Sample %s of TDP %s: %zu households, seed %llu (the same seed draws it again).\n",
	                              drawn),
	             pass, tdp, drawn, (unsigned long long)rule.seed);
	gn_verify_item *items = NULL;
	size_t n = 0;
	if (gn_verify_items(ctx, pass, &items, &n, &err) != GN_OK)
		return gn_cli_fail(&err);
	for (size_t i = 0; i < n; i++)
		gn_cli_print(stdout, "  %s\t%s\t%s\n", items[i].household_id, items[i].address, items[i].operator_login);
	free(items);
	return GN_EXIT_OK;
}

static int verify_status(gn_ctx *ctx, const char *pass)
{
	gn_err err = { 0 };
	gn_verify_item *items = NULL;
	size_t n = 0;
	if (gn_verify_items(ctx, pass, &items, &n, &err) != GN_OK)
		return gn_cli_fail(&err);
	if (n == 0)
		gn_cli_print(stdout, "%s\n", _("No verification sample yet: gonha verify sample draws one."));
	size_t done = 0;
	for (size_t i = 0; i < n; i++) {
		const gn_verify_item *it = &items[i];
		done += strcmp(it->state, GN_VERIFY_DONE) == 0;
		gn_cli_print(stdout, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%ld/%ld\n", it->pass_id, it->tdp_code, it->household_id,
		             it->address, it->operator_login, gn_verify_state_label(it->state), it->verifier[0] ? it->verifier : "—",
		             it->differences, it->compared);
	}
	if (n)
		gn_cli_print(stdout, _("%zu of %zu households keyed again.\n"), done, n);
	free(items);
	return GN_EXIT_OK;
}

static int verify_diff(gn_ctx *ctx, const char *pass, bool all)
{
	gn_err err = { 0 };
	gn_verify_diff *d = NULL;
	size_t n = 0;
	if (gn_verify_diffs(ctx, pass, NULL, !all, &d, &n, &err) != GN_OK)
		return gn_cli_fail(&err);
	if (n == 0)
		gn_cli_print(stdout, "%s\n", all ? _("No differences.") : _("No difference left to resolve."));
	for (size_t i = 0; i < n; i++) {
		char who[160];
		if (d[i].member < 0)
			snprintf(who, sizeof who, "%s", _("household"));
		else
			snprintf(who, sizeof who, _("member %d %s"), d[i].member + 1, d[i].who);
		gn_cli_print(stdout, "%ld\t%s\t%s\t%s\t%s: %s\t%s: %s\t%s%s%s\n", d[i].id, d[i].household_id, who,
		             d[i].field, _("first"), d[i].first ? d[i].first : "—", _("second"),
		             d[i].second ? d[i].second : "—", gn_verify_resolution_label(d[i].resolution),
		             d[i].value ? " " : "", d[i].value ? d[i].value : "");
	}
	gn_verify_diffs_free(d, n);
	return GN_EXIT_OK;
}

static void print_rates(const char *title, const gn_verify_rate *r, size_t n)
{
	gn_cli_print(stdout, "%s\n", title);
	for (size_t i = 0; i < n; i++) {
		long pm = gn_verify_per_mille(r[i].differences, r[i].compared);
		gn_cli_print(stdout, _("  %-24s %ld households, %ld fields compared, %ld differing (%ld.%ld%%), %ld against the first keying, %ld to resolve\n"),
		             r[i].key, r[i].households, r[i].compared, r[i].differences, pm / 10, pm % 10,
		             r[i].against_first, r[i].open);
	}
}

static int verify_rates(gn_ctx *ctx, const char *tdp_code)
{
	gn_err err = { 0 };
	gn_tdp tdp;
	if (tdp_code && gn_tdp_find(ctx, tdp_code, &tdp, &err) != GN_OK)
		return gn_cli_fail(&err);
	gn_verify_rate *r = NULL;
	size_t n = 0;
	if (gn_verify_rates(ctx, GN_VERIFY_BY_OPERATOR, tdp_code ? tdp.id : NULL, NULL, &r, &n, &err) != GN_OK)
		return gn_cli_fail(&err);
	print_rates(_("Differences per operator (who entered the household):"), r, n);
	free(r);
	if (gn_verify_rates(ctx, GN_VERIFY_BY_QUESTION, tdp_code ? tdp.id : NULL, NULL, &r, &n, &err) != GN_OK)
		return gn_cli_fail(&err);
	print_rates(_("Differences per question:"), r, n);
	free(r);
	return GN_EXIT_OK;
}

/* Difference id's record is saved with its TDP's form (gn_tdp_forms):
 * the session stamps the record with it, and the corrected value (value
 * NULL: none) is made what its question stores (a choice's name, an ISO
 * date: gn_form_value_as_stored), a repeat's answer found by its path. */
static int use_diff_form(gn_ctx *ctx, gn_tdp_forms *forms, long id, char *value, size_t size)
{
	gn_err err = { 0 };
	gn_verify_diff *d = NULL;
	gn_form *form = NULL;
	size_t n = 0;
	int rc = GN_EXIT_OK;
	if (gn_verify_diffs(ctx, NULL, NULL, false, &d, &n, &err) != GN_OK)
		return gn_cli_fail(&err);
	for (size_t i = 0; i < n && !rc; i++) {
		if (d[i].id != id)
			continue;
		if (gn_tdp_forms_of(forms, d[i].tdp_id, &form, &err) != GN_OK ||
		    (value && gn_form_value_as_stored(form, d[i].field, value, size, &err) != GN_OK))
			rc = gn_cli_fail(&err);
		else {
			ctx->form_id = form->id;
			ctx->form_version = form->version;
		}
	}
	gn_verify_diffs_free(d, n);
	return rc;
}

const gn_opt gn_opts_verify[] = {
	{ "db", 'd', "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "tdp", 't', "CODE", N_("the TDP to draw the sample in (sample), or to count (rates)"), "sample rates", false },
	{ "percent", 'p', "P", N_("P per cent of each operator's households"), "sample", false },
	{ "count", 'n', "N", N_("N households"), "sample", false },
	{ "seed", 's', "S", N_("the seed of the draw (the same seed draws the same households)"), "sample", false },
	{ "pass", 'P', "ID", N_("that sample only"), "status diff", false },
	{ "all", 'a', NULL, N_("the resolved differences too"), "diff", false },
	{ "keep", 'k', "first|second", N_("keep the first keying or take the second"), "resolve", false },
	{ "value", 'v', "V", N_("the right value, typed"), "resolve", false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

int gn_cmd_verify(gn_cli *cli, int argc, char **argv)
{
	const char *db_opt = NULL, *tdp = NULL, *percent = NULL, *count = NULL, *seed = NULL, *pass = NULL;
	const char *keep = NULL, *value = NULL;
	bool all = false;
	int c;
	while ((c = gn_cli_getopt(cli, argc, argv)) != GN_OPT_END) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 't': tdp = optarg; break;
		case 'p': percent = optarg; break;
		case 'n': count = optarg; break;
		case 's': seed = optarg; break;
		case 'P': pass = optarg; break;
		case 'k': keep = optarg; break;
		case 'v': value = optarg; break;
		case 'a': all = true; break;
		default: /* --help, or a wrong option: said */
			return gn_cli_opt_exit(c);
		}
	}
	const char *sub = optind < argc ? argv[optind] : "status";
	long id = 0;
	gn_verify_choice choice = GN_VERIFY_KEEP_FIRST;
	if (strcmp(sub, "resolve") == 0) {
		if (optind + 2 != argc || gn_cli_parse_int(argv[optind + 1], 1, 1L << 40, &id) || (!keep) == (!value) ||
		    (keep && strcmp(keep, "first") && strcmp(keep, "second")))
			return gn_cli_usage(_("usage: gonha verify resolve N --keep first|second | --value V"));
		choice = value ? GN_VERIFY_CORRECTED : strcmp(keep, "second") == 0 ? GN_VERIFY_TAKE_SECOND
		                                                                   : GN_VERIFY_KEEP_FIRST;
	} else if (strcmp(sub, "sample") && strcmp(sub, "status") && strcmp(sub, "diff") && strcmp(sub, "rates")) {
		return gn_cli_usage(_("usage: gonha verify sample|status|diff|resolve|rates ... (see gonha --help)"));
	} else if (optind + 1 < argc) {
		return gn_cli_usage(_("%s: unexpected argument %s"), argv[0], argv[optind + 1]);
	}
	/* the questionnaire too: a resolution saves a household, whose people's
	 * coverage is counted again */
	gn_ctx ctx;
	gn_census census;
	int rc = gn_cli_open_census(cli, db_opt, &ctx, &census);
	if (rc)
		return rc;
	if (strcmp(sub, "sample") == 0) {
		rc = verify_sample(&ctx, tdp, percent, count, seed);
	} else if (strcmp(sub, "diff") == 0) {
		rc = verify_diff(&ctx, pass, all);
	} else if (strcmp(sub, "rates") == 0) {
		rc = verify_rates(&ctx, tdp);
	} else if (strcmp(sub, "resolve") == 0) {
		gn_err err = { 0 };
		char stored[512];
		snprintf(stored, sizeof stored, "%s", value ? value : "");
		gn_tdp_forms forms;
		gn_tdp_forms_init(&forms, ctx.db, sqlite3_db_filename(ctx.db, "main"), census.form);
		rc = use_diff_form(&ctx, &forms, id, value ? stored : NULL, sizeof stored);
		if (!rc && gn_verify_resolve(&ctx, id, choice, value ? stored : NULL, &err) != GN_OK)
			rc = gn_cli_fail(&err);
		else if (!rc)
			gn_cli_print(stdout, _("Difference %ld resolved: %s.\n"), id,
			             gn_verify_resolution_label(choice == GN_VERIFY_CORRECTED     ? "corrected"
			                              : choice == GN_VERIFY_TAKE_SECOND ? "second"
			                                                                : "first"));
		ctx.form_id = ctx.form_version = NULL;
		gn_tdp_forms_free(&forms);
	} else {
		rc = verify_status(&ctx, pass);
	}
	gn_census_free(&census);
	gn_db_close(ctx.db);
	return rc;
}
