/* The terminal UI (no command), and its headless bench. */
#include "cli.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/backup.h"
#include "gonha/forms/census.h"
#include "gonha/storage/db.h"
#include "gonha/ui/ui.h"

#include <errno.h>
#include <limits.h>
#include <unistd.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* The database and the questionnaire are opened once, here, and handed to
 * the screens. A broken questionnaire never starts a half-working screen:
 * its problems are printed as `gonha form check` prints them and gonha
 * stops. */
int gn_cmd_ui(gn_cli *cli)
{
	char path[PATH_MAX], dir[PATH_MAX];
	gn_err err = { 0 };
	sqlite3 *db = NULL;
	if (gn_db_path(cli->db_path, path, sizeof path, &err) != GN_OK)
		return gn_cli_fail(&err);
	if (access(path, F_OK) != 0 && errno == ENOENT) /* the first start: say what to do */
		return gn_cli_usage(_("there is no ward in %s yet: make one with gonha init, or try gonha demo"), path);
	if (gn_db_open(path, 0, &db, &err) != GN_OK)
		return gn_cli_fail(&err);
	gn_backup_sweep_restores(db, path);
	gn_census census;
	gn_form_problems problems = { 0 };
	int rc = 0;
	if (gn_census_load(db, NULL, &census, &problems, &err) != GN_OK) {
		char form_dir[PATH_MAX + 16];
		snprintf(form_dir, sizeof form_dir, "%s/census", gn_forms_dir(dir, sizeof dir));
		gn_cli_print_form_problems(form_dir, &problems, stderr);
		gn_cli_print(stderr, "gonha: %s\n", _("the questionnaire has problems: fix them (gonha form check) before starting"));
		rc = GN_EXIT_USAGE;
	} else {
		rc = gn_ui_run(path, db, &census);
		gn_census_free(&census);
	}
	gn_form_problems_free(&problems);
	gn_db_close(db);
	return rc;
}

const gn_opt gn_opts_ui_bench[] = {
	{ "db", 'd', "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "user", 'u', "LOGIN", NULL, NULL, false },
	{ "rounds", 'r', "N", NULL, NULL, false },
	{ "search", 's', "TEXT", NULL, NULL, false },
	{ "cold", 'c', NULL, NULL, NULL, false },
	{ "cold-keys", 'k', NULL, NULL, NULL, false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

int gn_cmd_ui_bench(gn_cli *cli, int argc, char **argv)
{
	const char *db = cli->db_path, *user = "admin", *search = NULL;
	long rounds = 20;
	int cold = 0;
	int c;
	while ((c = gn_cli_getopt(cli, argc, argv)) != GN_OPT_END) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'u': user = optarg; break;
		case 's': search = optarg; break;
		case 'c': cold = 1; break;
		case 'k': cold = 2; break;
		case 'r':
			if (gn_cli_parse_int(optarg, 1, 100000, &rounds))
				return gn_cli_usage(_("--rounds takes a number from 1 to 100000"));
			break;
		default: /* --help, or a wrong option: said */
			return gn_cli_opt_exit(c);
		}
	}
	if (optind < argc)
		return gn_cli_usage(_("%s: unexpected argument %s"), argv[0], argv[optind]);
	return gn_ui_bench(db, user, (int)rounds, search, cold);
}
