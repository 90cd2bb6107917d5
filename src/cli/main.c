/* gonha's entry point: global options, then a command from the table (or
 * the terminal UI when there is none). */
#include "cli.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"
#include "gonha/core/version.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const gn_command commands[] = {
	{ "init", gn_cmd_init, "init --db FILE --ward NAME --tdps N",
	  N_("a new, empty ward (asks for the ward officer's password)") },
	{ "demo", gn_cmd_demo, "demo --db FILE [--tdps N] [--households N] [--seed N]",
	  N_("a deterministic synthetic ward to try gonha (users admin, tdp01...; password demo)") },
	{ "report", gn_cmd_report, "report --db FILE [--year YYYY] [--as-of DATE] [--format text|csv|xlsx] [--out FILE] [--tdp CODE] [--missing INDICATOR]",
	  N_("the quarterly report: door-to-door progress and each indicator per TDP and for the ward, against the year's targets; with --missing, the people not yet counted in that indicator, in walking order") },
	{ "export", gn_cmd_export, "export --db FILE --what persons|households|coverage --out FILE [--format csv|xlsx] [--tdp CODE] [--plain] [--with-ids] [--labels] [--sheet-rows N] [--seal]",
	  N_("CSV for Excel (UTF-8 with BOM, CRLF) or, with --format xlsx or a FILE.xlsx, a workbook whose IDs, CCCD and phone numbers stay text; --plain without BOM and with LF; CCCD masked unless a ward officer asks --with-ids") },
	{ "import", gn_cmd_import, "import FILE --db FILE [--dry-run]",
	  N_("merge a gonha export (CSV or XLSX) from another PC by record id, or add a TDP's household list; all or nothing") },
	{ "list", gn_cmd_list, "list --db FILE --tdp CODE [--filter all|not_visited|revisit|needs_help] [--search TEXT] [--format text|tsv]",
	  N_("a TDP's households in walking order: house, alley, head, visit, members in columns; --format tsv: "
	     "tab-separated with each household's id first, for scripts") },
	{ "sheet", gn_cmd_sheet, "sheet walk|revisit|missing --db FILE [--tdp CODE] [--alley A] [--indicator I] [--out FILE.pdf]",
	  N_("paper for the round as a PDF for A4: the walk sheet of a TDP or one alley (blank columns for the outcome "
	     "at each door), the households to visit again, or the people not yet counted in an indicator; without "
	     "--out, into $GONHA_EXPORT_DIR or the database's folder") },
	{ "conflicts", gn_cmd_conflicts, "conflicts [resolve N --keep local|incoming]",
	  N_("records changed on two PCs: list them, or keep one version (ward officer)") },
	{ "form", gn_cmd_form, "form check DIR|FORM.xlsx|FORM.xls | add DIR|FORM.xlsx|FORM.xls | list | use FORM_ID --tdp CODE|--all | codebook [--form FORM_ID] --out FILE.csv|FILE.xlsx",
	  N_("check: a questionnaire (XLSForm: CSV sheets or a workbook), each problem with its file and line or cell; "
	     "add: install it for the ward beside the database (DB.forms/FORM_ID/, with its media files); list: the "
	     "ward's forms and the TDPs entering each; use: the form a TDP enters (ward officer); codebook: every "
	     "question of a form (census unless --form) with its labels, choices and rules, as CSV or XLSX") },
	{ "check", gn_cmd_check, "check --db FILE",
	  N_("integrity and consistency of the database (ward officer)") },
	{ "user", gn_cmd_user, "user add LOGIN --role ROLE [--name NAME] --tdp CODE[,CODE] | passwd [LOGIN] | list | disable LOGIN | enable LOGIN | assign LOGIN --tdp CODE[,CODE]",
	  N_("accounts (ward officer; passwd for yourself); roles ward_officer, tdp_leader, tech_team; new passwords from $GONHA_NEW_PASSWORD or asked") },
	{ "audit", gn_cmd_audit, "audit [--user U] [--since DATE] [--until DATE] [--tdp CODE] [--record ID] [--action A] [--out FILE.csv]",
	  N_("the audit log: who changed what and when (ward officer)") },
	{ "erase", gn_cmd_erase, "erase --person ID [--yes]",
	  N_("erase a person's personal data on request; the log keeps that it happened (ward officer)") },
	{ "config", gn_cmd_config, "config [--idle-lock MINUTES]",
	  N_("show or set the settings: minutes before the screen locks (ward officer)") },
	{ "backup", gn_cmd_backup, "backup [--out FILE [--seal]]",
	  N_("copy the database to FILE, or a snapshot beside it in DB.backups/; --seal: encrypted under a passphrase "
	     "($GONHA_PASSPHRASE or asked), for a copy that leaves the PC (ward officer)") },
	{ "recover", gn_cmd_recover, "recover --user LOGIN",
	  N_("every ward officer password lost: the recovery code shown when the ward was made gives LOGIN a new "
	     "password ($GONHA_RECOVERY_CODE, $GONHA_NEW_PASSWORD or asked) and the key to the citizen IDs") },
	/* not in the help: the day's snapshot, which the UI starts */
	{ "snapshot-daily", gn_cmd_snapshot_daily, "snapshot-daily --db FILE", NULL },
	/* not in the help: timings of the screens for make bench */
	{ "ui-bench", gn_cmd_ui_bench, "ui-bench --db FILE [--user LOGIN] [--rounds N] [--search TEXT] [--cold|--cold-keys]", NULL },
	{ "restore", gn_cmd_restore, "restore --from FILE [--other-ward]",
	  N_("replace the database with a backup (sealed or not), after checking it; the current one is kept aside "
	     "(ward officer)") },
};

static void print_help(FILE *out)
{
	fprintf(out, "%s\n\n", _("gonha: the door-to-door digital-literacy census (Bình dân học vụ số)"));
	fprintf(out, "%s\n", _("Usage:"));
	fprintf(out, "  gonha [--db FILE] [--lang vi|en]\n      %s\n", _("the terminal UI"));
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (commands[i].summary)
			fprintf(out, "  gonha %s\n      %s\n", commands[i].synopsis, _(commands[i].summary));
	fprintf(out, "  gonha --help | --version\n\n");
	fprintf(out, "%s\n", _("The database is --db FILE, else $GONHA_DB, else ~/.local/share/gonha/ward.db."));
	fprintf(out, "%s\n", _("Commands that read or change the census sign in with $GONHA_USER and $GONHA_PASSWORD, else they ask."));
	fprintf(out, "%s\n", _("Exit status: 0 done, 1 problems found, 2 refused input, 3 error."));
}

/* The man page, from the same table as --help (troff; `make` writes it to
 * build/gonha.1 and `make install` installs it). */
static void troff_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

static void print_man(FILE *out)
{
	fprintf(out, ".TH GONHA 1 \"%s\" \"gonha %s\" \"User Commands\"\n", "2026", GONHA_VERSION);
	fprintf(out, ".SH NAME\ngonha \\- %s\n", _("the door-to-door digital-literacy census (Bình dân học vụ số)"));
	fprintf(out, ".SH SYNOPSIS\n.B gonha\n[\\-\\-db FILE] [\\-\\-lang vi|en]\n");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (!commands[i].summary)
			continue;
		fputs(".br\n.B gonha\n", out);
		troff_text(out, commands[i].synopsis);
		fputc('\n', out);
	}
	fputs(".SH DESCRIPTION\n", out);
	troff_text(out, _("Without a command, gonha opens the terminal UI: sign in, then the TDPs, their households by alley, each household's form and members. F1 or ? lists the keys."));
	fputs("\n.SH COMMANDS\n", out);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (!commands[i].summary)
			continue; /* internal (ui-bench, snapshot-daily) */
		fputs(".TP\n.B ", out);
		troff_text(out, commands[i].synopsis);
		fputc('\n', out);
		troff_text(out, _(commands[i].summary));
		fputc('\n', out);
	}
	fputs(".SH ENVIRONMENT\n.TP\n.B GONHA_DB\n", out);
	troff_text(out, _("the database when --db is not given (else ~/.local/share/gonha/ward.db)"));
	fputs("\n.TP\n.B GONHA_USER, GONHA_PASSWORD\n", out);
	troff_text(out, _("sign-in for headless commands; without them gonha asks on the terminal"));
	fputs("\n.TP\n.B GONHA_LANG\n", out);
	troff_text(out, _("vi (the default) or en"));
	fputs("\n.SH EXIT STATUS\n", out);
	troff_text(out, _("Exit status: 0 done, 1 problems found, 2 refused input, 3 error."));
	fputs("\n", out);
}

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

	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "lang", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "help-man", no_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cli.db_path = optarg; break;
		case 'l':
			if (strcmp(optarg, "vi") != 0 && strcmp(optarg, "en") != 0)
				return gn_cli_usage(_("--lang takes vi or en"));
			break;
		case 'h': print_help(stdout); return GN_EXIT_OK;
		case 'V': printf("gonha %s\n", GONHA_VERSION); return GN_EXIT_OK;
		case 'M': print_man(stdout); return GN_EXIT_OK;
		default:
			return gn_cli_usage(_("unknown option %s (see gonha --help)"), argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return gn_cmd_ui(&cli);
	const char *name = argv[optind];
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (strcmp(name, commands[i].name) == 0) {
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;
			optind = 0; /* the command parses its own options from the start */
			return commands[i].run(&cli, sub_argc, sub_argv);
		}
	return gn_cli_usage(_("unknown command %s (see gonha --help)"), name);
}
