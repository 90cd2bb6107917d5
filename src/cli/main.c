/* gonha's entry point: global options, then a command from the table (or
 * the terminal UI when there is none). */
#include "cli.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"
#include "gonha/core/version.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const gn_sub sheet_subs[] = {
	{ "walk", NULL, N_("the walk sheet: a TDP's (or one alley's) households in walking order, with blank columns for "
	                   "the outcome at each door") },
	{ "revisit", NULL, N_("the households to visit again") },
	{ "missing", NULL, N_("the people not yet counted in one indicator, in walking order") },
	{ NULL, NULL, NULL },
};

static const gn_sub conflicts_subs[] = {
	{ "", NULL, N_("list the records changed on two PCs") },
	{ "resolve", "N", N_("keep one version of conflict N") },
	{ NULL, NULL, NULL },
};

static const gn_sub verify_subs[] = {
	{ "sample", NULL, N_("draw a reproducible random sample of a TDP's households, to be keyed again blind") },
	{ "status", NULL, N_("the samples and how far their second keying has come (the default)") },
	{ "diff", NULL, N_("the differences field by field") },
	{ "resolve", "N", N_("resolve difference N: keep the first keying, take the second, or the value corrected") },
	{ "rates", NULL, N_("the error rates per operator and per question") },
	{ NULL, NULL, NULL },
};

static const gn_sub import_subs[] = {
	{ "", "FILE", N_("merge the file (CSV or XLSX, sealed or not), or add a TDP's household list") },
	{ "history", NULL, N_("the imports made on this PC, and which can still be undone") },
	{ "undo", "N", N_("put back what import N changed, unless a record was changed since (ward officer)") },
	{ NULL, NULL, NULL },
};

static const gn_sub form_subs[] = {
	{ "check", "DIR|FORM.xlsx|FORM.xls", N_("validate a questionnaire (CSV sheets or an XLSForm workbook)") },
	{ "add", "DIR|FORM.xlsx|FORM.xls", N_("install a form for the ward, beside the database in DB.forms/FORM_ID/, "
	                                      "with its media files, after the same check (ward officer)") },
	{ "list", NULL, N_("the ward's forms: id, version, title, and the TDPs entering each") },
	{ "use", "FORM_ID", N_("the form a TDP (or every TDP) enters from now on (ward officer, audited)") },
	{ "codebook", NULL, N_("every question of a form as CSV or XLSX: name, type, labels, choices, rules, role, "
	                       "form id and version") },
	{ NULL, NULL, NULL },
};

static const gn_sub user_subs[] = {
	{ "add", "LOGIN", N_("a new account (its password from $GONHA_NEW_PASSWORD or asked)") },
	{ "passwd", "[LOGIN]", N_("a new password: your own, or LOGIN's (ward officer)") },
	{ "list", NULL, N_("every account, its role, its TDPs and whether it can sign in") },
	{ "disable", "LOGIN", N_("LOGIN can no longer sign in") },
	{ "enable", "LOGIN", N_("LOGIN can sign in again") },
	{ "assign", "LOGIN", N_("the TDPs LOGIN works on") },
	{ NULL, NULL, NULL },
};

const gn_command gn_commands[] = {
	{ "init", gn_cmd_init, NULL, N_("a new, empty ward (asks for the ward officer's password)"), gn_opts_init, NULL },
	{ "demo", gn_cmd_demo, NULL,
	  N_("a deterministic synthetic ward to try gonha (users admin, tdp01...; password demo)"), gn_opts_demo, NULL },
	{ "report", gn_cmd_report, NULL,
	  N_("the quarterly report: door-to-door progress and each indicator per TDP and for the ward, against the year's targets; with --missing, the people not yet counted in that indicator, in walking order"),
	  gn_opts_report, NULL },
	{ "export", gn_cmd_export, NULL,
	  N_("CSV for Excel (UTF-8 with BOM, CRLF) or, with --format xlsx or a FILE.xlsx, a workbook whose IDs, CCCD and phone numbers stay text; --plain without BOM and with LF; CCCD masked unless a ward officer asks --with-ids"),
	  gn_opts_export, NULL },
	{ "import", gn_cmd_import, NULL,
	  N_("merge a gonha export (CSV or XLSX) from another PC by record id, or add a TDP's household list; all or "
	     "nothing; every import can be undone"),
	  gn_opts_import, import_subs },
	{ "list", gn_cmd_list, NULL,
	  N_("a TDP's households in walking order: house, alley, head, visit, members in columns; --format tsv: "
	     "tab-separated with each household's id first, for scripts"),
	  gn_opts_list, NULL },
	{ "sheet", gn_cmd_sheet, NULL,
	  N_("paper for the round as a PDF for A4: the walk sheet of a TDP or one alley (blank columns for the outcome "
	     "at each door), the households to visit again, or the people not yet counted in an indicator; without "
	     "--out, into $GONHA_EXPORT_DIR or the database's folder"),
	  gn_opts_sheet, sheet_subs },
	{ "conflicts", gn_cmd_conflicts, NULL,
	  N_("records changed on two PCs: list them, or keep one version (ward officer)"), gn_opts_conflicts, conflicts_subs },
	{ "verify", gn_cmd_verify, NULL,
	  N_("the verification pass: a reproducible random sample of a TDP's households (P per cent of each operator's, or N) "
	     "that somebody else keys again blind in the form screen; its progress, the differences field by field, "
	     "who resolves each (keep the first keying, take the second, or the value corrected), the error rates per "
	     "operator and per question (ward officer or TDP leader)"),
	  gn_opts_verify, verify_subs },
	{ "form", gn_cmd_form, NULL,
	  N_("the questionnaires: check one (each problem with its file and line, or its sheet cell), install it for "
	     "the ward, choose the form each TDP enters, write its codebook"), gn_opts_form,
	  form_subs },
	{ "check", gn_cmd_check, NULL, N_("integrity and consistency of the database (ward officer)"), gn_opts_check, NULL },
	{ "user", gn_cmd_user, NULL,
	  N_("accounts (ward officer; passwd for yourself); roles ward_officer, tdp_leader, tech_team; new passwords from $GONHA_NEW_PASSWORD or asked"),
	  gn_opts_user, user_subs },
	{ "audit", gn_cmd_audit, NULL, N_("the audit log: who changed what and when (ward officer)"), gn_opts_audit, NULL },
	{ "erase", gn_cmd_erase, NULL,
	  N_("erase a person's personal data on request; the log keeps that it happened (ward officer)"), gn_opts_erase,
	  NULL },
	{ "config", gn_cmd_config, NULL, N_("show or set the settings: minutes before the screen locks (ward officer)"),
	  gn_opts_config, NULL },
	{ "backup", gn_cmd_backup, NULL,
	  N_("copy the database to FILE, or a snapshot beside it in DB.backups/; --seal: encrypted under a passphrase "
	     "($GONHA_PASSPHRASE or asked), for a copy that leaves the PC (ward officer)"),
	  gn_opts_backup, NULL },
	{ "recover", gn_cmd_recover, NULL,
	  N_("every ward officer password lost: the recovery code shown when the ward was made gives LOGIN a new "
	     "password ($GONHA_RECOVERY_CODE, $GONHA_NEW_PASSWORD or asked) and the key to the citizen IDs"),
	  gn_opts_recover, NULL },
	/* not in the help: the day's snapshot, which the UI starts */
	{ "snapshot-daily", gn_cmd_snapshot_daily, NULL, NULL, gn_opts_snapshot_daily, NULL },
	/* not in the help: timings of the screens for make bench */
	{ "ui-bench", gn_cmd_ui_bench, NULL, NULL, gn_opts_ui_bench, NULL },
	{ "restore", gn_cmd_restore, NULL,
	  N_("replace the database with a backup (sealed or not), after checking it; the current one is kept aside "
	     "(ward officer)"),
	  gn_opts_restore, NULL },
};
const size_t gn_n_commands = sizeof gn_commands / sizeof *gn_commands;

enum { G_DB = 'd', G_LANG = 'l', G_VERSION = 'V', G_MAN = 'M', G_BASH = 'B' };

const gn_opt gn_global_opts[] = {
	{ "db", G_DB, "FILE", N_("the ward's database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "lang", G_LANG, "vi|en", N_("the language of messages: Vietnamese (the default) or English"), NULL, false },
	{ "help", 'h', NULL, N_("this help"), NULL, false },
	{ "version", G_VERSION, NULL, N_("the version of gonha"), NULL, false },
	{ "help-man", G_MAN, NULL, NULL, NULL, false },   /* the man page, for make */
	{ "help-bash", G_BASH, NULL, NULL, NULL, false }, /* the bash completion, for make */
	{ NULL, 0, NULL, NULL, NULL, false },
};

/* Every getenv in src/, and what it does. */
const gn_env gn_environment[] = {
	{ "GONHA_DB", N_("the database when --db is not given (else $XDG_DATA_HOME/gonha/ward.db)") },
	{ "GONHA_USER, GONHA_PASSWORD", N_("sign-in for headless commands; without them gonha asks on the terminal") },
	{ "GONHA_NEW_PASSWORD", N_("the new password for gonha user add, user passwd and recover; else asked") },
	{ "GONHA_PASSPHRASE", N_("the passphrase of a sealed copy (backup --seal, export --seal, import, restore); else asked") },
	{ "GONHA_RECOVERY_CODE", N_("the recovery code for gonha recover; else asked") },
	{ "GONHA_LANG", N_("vi (the default) or en, when --lang is not given") },
	{ "LC_ALL, LC_MESSAGES, LANG", N_("when neither --lang nor $GONHA_LANG is given: a vi* or en* locale chooses the "
	                                  "language; any other (C.UTF-8, POSIX) keeps Vietnamese") },
	{ "GONHA_EXPORT_DIR", N_("where files go when no name is given (sheets, exports from the screens); else the "
	                         "database's folder") },
	{ "GONHA_FORMS", N_("the folder of questionnaires (census/ and its indicators) instead of the installed one") },
	{ "GONHA_LOCALEDIR", N_("the folder of translations instead of the installed one") },
	{ "XDG_DATA_HOME", N_("the data folder: the default database is $XDG_DATA_HOME/gonha/ward.db (else "
	                      "~/.local/share/gonha/ward.db); its folder is made, private (0700), on first use") },
	{ "HOME", N_("the default data folder when $XDG_DATA_HOME is not set") },
	{ "TMPDIR", N_("where private temporary folders are made for workbooks (else /tmp)") },
	{ "GONHA_TDPS", N_("for the bash completion only: the TDP codes it offers after --tdp (\"01 02 03\")") },
	{ "GONHA_NOW", N_("for tests only: a fixed time (YYYY-MM-DDTHH:MM:SSZ) instead of the clock") },
	{ "GONHA_SYSFS, GONHA_TEST_PUBLISH, GONHA_TEST_RESTORE_STOP, GONHA_BENCH_KEYS", N_("for tests and make bench only") },
	{ NULL, NULL },
};

const gn_env gn_files[] = {
	{ "~/.local/share/gonha/ward.db", N_("the ward's database by default ($XDG_DATA_HOME/gonha/ward.db when "
	                                     "$XDG_DATA_HOME is set); one SQLite file, private (0600)") },
	{ "DB.backups/", N_("the daily snapshots and the copies kept aside, beside the database, private (0700)") },
	{ FORMSDIR "/census/", N_("the questionnaire (XLSForm CSV sheets) and its indicators") },
	{ LOCALEDIR "/vi/LC_MESSAGES/gonha.mo", N_("the Vietnamese translation") },
	{ NULL, NULL },
};

const gn_env gn_examples[] = {
	{ "gonha demo", N_("Make a demo ward in the default place; then gonha alone opens it (sign in as admin, password demo):") },
	{ "gonha init --ward 'Phường Vạn Xuân' --tdps 12", N_("A new ward with 12 TDPs, in the default place:") },
	{ "GONHA_USER=tdp01 gonha sheet walk --tdp 01 --out ngo-1.pdf", N_("The walk sheet of TDP 01, to print:") },
	{ "gonha report --format xlsx --out bao-cao.xlsx", N_("The quarterly report as a workbook:") },
	{ "gonha backup --out /media/usb/ward.gbk --seal", N_("A sealed backup on a USB stick:") },
	{ NULL, NULL },
};

/* Arguments must be UTF-8: they end up in the database and on screens. */
static int check_args_utf8(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!gn_text_valid_utf8(argv[i], strlen(argv[i])))
			return gn_cli_usage(_("argument %d is not valid UTF-8 text"), i);
	return 0;
}

int main(int argc, char **argv)
{
	gn_cli cli = { 0 };

	/* --lang must be known before anything is said. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			cli.lang = argv[i + 1];
		else if (strncmp(argv[i], "--lang=", 7) == 0)
			cli.lang = argv[i] + 7;
	}
	gn_i18n_init(cli.lang);
	if (check_args_utf8(argc, argv))
		return GN_EXIT_USAGE;

	struct option opts[16];
	gn_cli_long_options(gn_global_opts, false, opts, sizeof opts / sizeof *opts);
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case G_DB: cli.db_path = optarg; break;
		case G_LANG:
			if (strcmp(optarg, "vi") != 0 && strcmp(optarg, "en") != 0)
				return gn_cli_usage(_("--lang takes vi or en"));
			break;
		case 'h': gn_cli_help(stdout); return GN_EXIT_OK;
		case G_VERSION: printf("gonha %s\n", GONHA_VERSION); return GN_EXIT_OK;
		case G_MAN: gn_cli_man(stdout); return GN_EXIT_OK;
		case G_BASH: gn_cli_bash_completion(stdout); return GN_EXIT_OK;
		case ':':
			return gn_cli_usage(_("%s needs a value (see gonha --help)"), argv[optind - 1]);
		default:
			return gn_cli_usage(_("unknown option %s (see gonha --help)"), argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return gn_cmd_ui(&cli);
	const char *name = argv[optind];
	for (size_t i = 0; i < gn_n_commands; i++)
		if (strcmp(name, gn_commands[i].name) == 0) {
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;
			optind = 0; /* the command parses its own options from the start */
			cli.command = &gn_commands[i];
			return gn_commands[i].run(&cli, sub_argc, sub_argv);
		}
	return gn_cli_usage(_("unknown command %s (see gonha --help)"), name);
}
