/* gonha init, gonha demo, gonha check: making and checking ward databases. */
#include "cli.h"
#include "gonha/interchange/registry.h"
#include "gonha/forms/census.h"
#include "gonha/domain/check.h"
#include "gonha/storage/db.h"
#include "gonha/domain/demo.h"
#include "gonha/domain/wardkey.h"
#include "gonha/core/i18n.h"
#include "gonha/forms/validate.h"
#include "gonha/domain/ward.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_DB = 1000, OPT_WARD, OPT_TDPS, OPT_HOUSEHOLDS, OPT_SEED, OPT_ADMIN, OPT_PLAIN_IDS };

const gn_opt gn_opts_init[] = {
	{ "db", OPT_DB, "FILE", N_("the new database (else $GONHA_DB, else ~/.local/share/gonha/ward.db); it must not exist"), NULL, false },
	{ "ward", OPT_WARD, "NAME", N_("the ward's name, as printed on reports"), NULL, true },
	{ "tdps", OPT_TDPS, "N", N_("how many TDPs (1 to 999), numbered 01, 02, ..."), NULL, true },
	{ "admin", OPT_ADMIN, "LOGIN", N_("the ward officer's user name (default admin)"), NULL, false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

const gn_opt gn_opts_demo[] = {
	{ "db", OPT_DB, "FILE", N_("the new database (else $GONHA_DB, else ~/.local/share/gonha/ward.db); it must not exist"), NULL, false },
	{ "tdps", OPT_TDPS, "N", N_("how many TDPs (default 10)"), NULL, false },
	{ "households", OPT_HOUSEHOLDS, "N", N_("households per TDP (default 200)"), NULL, false },
	{ "seed", OPT_SEED, "N", N_("the seed: the same seed makes the same ward"), NULL, false },
	{ "ward", OPT_WARD, "NAME", N_("the ward's name"), NULL, false },
	{ "plain-ids", OPT_PLAIN_IDS, NULL, NULL, NULL, false }, /* make bench's reference */
	{ NULL, 0, NULL, NULL, NULL, false },
};

const gn_opt gn_opts_check[] = {
	{ "db", OPT_DB, "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

typedef struct ward_args {
	const char *db, *ward, *admin;
	long tdps, households, seed;
	bool plain_ids;
} ward_args;

/* Parses the options of init, demo and check (each its own table): -1 to
 * go on, else the exit code (after --help, 0). */
static int parse_ward_args(gn_cli *cli, int argc, char **argv, ward_args *a)
{
	int c;
	a->db = cli->db_path;
	while ((c = gn_cli_getopt(cli, argc, argv)) != GN_OPT_END) {
		switch (c) {
		case GN_OPT_HELP:
		case GN_OPT_BAD: return gn_cli_opt_exit(c);
		case OPT_DB: a->db = optarg; break;
		case OPT_WARD: a->ward = optarg; break;
		case OPT_ADMIN: a->admin = optarg; break;
		case OPT_PLAIN_IDS: a->plain_ids = true; break;
		case OPT_TDPS:
			if (gn_cli_parse_int(optarg, 1, 999, &a->tdps))
				return gn_cli_usage(_("--tdps takes a number from 1 to 999"));
			break;
		case OPT_HOUSEHOLDS:
			if (gn_cli_parse_int(optarg, 0, 100000, &a->households))
				return gn_cli_usage(_("--households takes a number from 0 to 100000"));
			break;
		case OPT_SEED:
			if (gn_cli_parse_int(optarg, 0, LONG_MAX, &a->seed))
				return gn_cli_usage(_("--seed takes a whole number"));
			break;
		}
	}
	if (optind < argc)
		return gn_cli_usage(_("%s: unexpected argument %s"), argv[0], argv[optind]);
	return -1;
}

int gn_cmd_init(gn_cli *cli, int argc, char **argv)
{
	ward_args a = { .admin = "admin" };
	int rc = parse_ward_args(cli, argc, argv, &a);
	if (rc >= 0)
		return rc;
	char path[PATH_MAX];
	gn_err err = { 0 };
	if (gn_db_path(a.db, path, sizeof path, &err) != GN_OK) /* the default's folder made on first use */
		return gn_cli_fail(&err);
	a.db = path;
	if (!a.ward || !*a.ward)
		return gn_cli_usage(_("init needs --ward NAME"));
	if (!a.tdps)
		return gn_cli_usage(_("init needs --tdps N"));

	char *password = getenv("GONHA_PASSWORD") ? strdup(getenv("GONHA_PASSWORD")) : NULL;
	if (!password) {
		password = gn_cli_prompt(_("Password for the ward officer: "), 1);
		char *again = password ? gn_cli_prompt(_("The same password again: "), 1) : NULL;
		if (password && (!again || strcmp(again, password) != 0)) {
			free(again);
			free(password);
			return gn_cli_usage(_("the two passwords differ; nothing was created"));
		}
		free(again);
	}
	if (!password)
		return gn_cli_usage(_("init needs the ward officer's password: run it in a terminal or set GONHA_PASSWORD"));
	if (strlen(password) < 4) {
		free(password);
		return gn_cli_usage(_("the password must have at least 4 characters"));
	}

	sqlite3 *db = NULL;
	char code[GN_RECOVERY_CODE_SIZE] = "";
	gn_status st = gn_db_open(a.db, GN_DB_CREATE, &db, &err);
	if (st == GN_OK)
		st = gn_ward_init(db, a.ward, (int)a.tdps, a.admin, password, code, &err);
	explicit_bzero(password, strlen(password));
	free(password);
	gn_db_close(db);
	if (st != GN_OK) {
		if (db)
			unlink(a.db);
		return gn_cli_fail(&err);
	}
	gn_cli_print(stdout, _("Created the ward %s with %ld TDPs in %s; the ward officer signs in as %s.\n"),
	       a.ward, a.tdps, a.db, a.admin);
	gn_cli_recovery_code(code);
	explicit_bzero(code, sizeof code);
	return GN_EXIT_OK;
}

static void demo_progress(void *arg, long done, long total)
{
	(void)arg;
	if (isatty(STDERR_FILENO) && total > 0) {
		fprintf(stderr, "\r%s %ld/%ld", _("households"), done, total);
		if (done == total)
			fputc('\n', stderr);
	}
}

int gn_cmd_demo(gn_cli *cli, int argc, char **argv)
{
	gn_demo_options opt;
	gn_demo_defaults(&opt);
	ward_args a = { .tdps = opt.tdps, .households = opt.households, .seed = (long)opt.seed };
	int rc = parse_ward_args(cli, argc, argv, &a);
	if (rc >= 0)
		return rc;
	char path[PATH_MAX];
	gn_err err = { 0 };
	if (gn_db_path(a.db, path, sizeof path, &err) != GN_OK) /* the default's folder made on first use */
		return gn_cli_fail(&err);
	a.db = path;
	opt.tdps = (int)a.tdps;
	opt.households = (int)a.households;
	opt.seed = (uint64_t)a.seed;
	opt.plain_ids = a.plain_ids; /* not in the help: make bench's reference */
	if (a.ward)
		opt.ward_name = a.ward;
	opt.progress = demo_progress;

	sqlite3 *db = NULL;
	long households = 0, persons = 0;
	/* its records are entered with gonha's own form: its id and version */
	gn_form *form = NULL;
	gn_form_problems form_problems = { 0 };
	sqlite3 *scratch = NULL;
	if (gn_db_open_memory(&scratch, &err) == GN_OK &&
	    gn_registry_load(scratch, a.db, GN_FORM_CENSUS, &form, &form_problems, &err) == GN_OK) {
		opt.form_id = form->id;
		opt.form_version = form->version;
	}
	gn_form_problems_free(&form_problems);
	gn_status st = gn_db_open(a.db, GN_DB_CREATE, &db, &err);
	if (st == GN_OK)
		st = gn_demo_build(db, &opt, &households, &persons, &err);
	gn_form_free(form);
	gn_db_close(scratch);
	if (!db)
		return gn_cli_fail(&err);
	/* Count the coverage now, so the first screen opens at once. */
	gn_census census;
	gn_form_problems problems = { 0 };
	if (st == GN_OK && (st = gn_census_load(db, NULL, &census, &problems, &err)) == GN_OK)
		gn_census_free(&census);
	else if (problems.n) {
		char dir[PATH_MAX];
		gn_cli_print_form_problems(gn_forms_dir(dir, sizeof dir), &problems, stderr);
	}
	gn_form_problems_free(&problems);
	gn_db_close(db);
	if (st != GN_OK) {
		unlink(a.db);
		return gn_cli_fail(&err);
	}
	gn_cli_print(stdout, _("Demo ward in %s: %d TDPs, %ld households, %ld persons.\n"), a.db, opt.tdps, households, persons);
	gn_cli_print(stdout, _("Sign in as admin (ward officer) or tdp01, tdp02, ... (TDP leaders); the password is \"%s\".\n"),
	       GN_DEMO_PASSWORD);
	return GN_EXIT_OK;
}

static void print_problem(void *arg, const char *rule, const char *table, const char *id, const char *detail)
{
	(void)arg;
	gn_cli_print(stdout, "%s\t%s\t%s\t%s\n", rule, table, id, detail);
}

/* Each form the ward's TDPs enter over the records of those TDPs (one
 * form, census, over all of them). */
static gn_status check_each_form(sqlite3 *db, const char *db_path, gn_form *base, long *problems, gn_err *err)
{
	gn_tdp_forms forms;
	gn_tdp_forms_init(&forms, db, db_path, base);
	char (*ids)[64] = NULL;
	size_t n = 0;
	*problems = 0;
	gn_status st = gn_tdp_forms_used(&forms, &ids, &n, err);
	bool one = st == GN_OK && n == 1 && strcmp(ids[0], GN_FORM_CENSUS) == 0;
	for (size_t i = 0; st == GN_OK && i < n; i++) {
		gn_form *form = NULL;
		char *only = one ? NULL : sqlite3_mprintf(GN_SQL_TDP_FORM("tdp_id") " = %Q", ids[i]);
		long found = 0;
		if (!one && !only)
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		else if ((st = gn_tdp_forms_by_id(&forms, ids[i], &form, err)) == GN_OK)
			st = gn_form_check_stored(form, db, only, print_problem, NULL, &found, err);
		sqlite3_free(only);
		*problems += found;
	}
	free(ids);
	gn_tdp_forms_free(&forms);
	return st;
}

int gn_cmd_check(gn_cli *cli, int argc, char **argv)
{
	ward_args a = { 0 };
	int rc = parse_ward_args(cli, argc, argv, &a);
	if (rc >= 0)
		return rc;
	char path[PATH_MAX];
	gn_err err = { 0 };
	if (gn_db_path(a.db, path, sizeof path, &err) != GN_OK)
		return gn_cli_fail(&err);
	/* Opening brings an older file up to date, as any gonha would; the
	 * checks themselves only read. They read every TDP, so they are for a
	 * ward officer. */
	gn_ctx ctx;
	if ((rc = gn_cli_open_signed_in(cli, path, 0, &ctx)) != 0)
		return rc;
	sqlite3 *db = ctx.db;
	if (gn_scope_require_officer(&ctx, &err) != GN_OK) {
		gn_db_close(db);
		return gn_cli_fail(&err);
	}
	long problems = 0, against_form = 0;
	/* the questionnaire and its indicators, the counters brought up to
	 * date as any gonha opening the file does (they are recomputed only
	 * when the year or the indicators changed) */
	gn_census census = { 0 };
	gn_form_problems form_problems = { 0 };
	gn_err form_err = { 0 };
	bool have_census = gn_census_load(db, NULL, &census, &form_problems, &form_err) == GN_OK;
	gn_status st = gn_check_run(db, have_census ? &census.coverage : NULL, print_problem, NULL, &problems, &err);
	if (st == GN_OK && !have_census) {
		char forms[PATH_MAX], dir[PATH_MAX + 16];
		snprintf(dir, sizeof dir, "%s/census", gn_forms_dir(forms, sizeof forms));
		gn_cli_print_form_problems(dir, &form_problems, stderr);
		err = form_err;
		st = err.status ? err.status : GN_ERR_INVALID;
	}
	/* the stored answers against the rules of the form their TDP enters */
	if (st == GN_OK)
		st = check_each_form(db, path, census.form, &against_form, &err);
	problems += against_form;
	if (have_census)
		gn_census_free(&census);
	gn_form_problems_free(&form_problems);
	gn_db_close(db);
	if (st != GN_OK)
		return gn_cli_fail(&err);
	if (problems) {
		gn_cli_print(stderr, ngettext("gonha: %ld problem found in %s\n", "gonha: %ld problems found in %s\n", (unsigned long)problems),
		             problems, path);
		return GN_EXIT_PROBLEMS;
	}
	gn_cli_print(stdout, _("%s: no problems found\n"), path);
	return GN_EXIT_OK;
}
