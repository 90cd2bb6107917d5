/* gonha form check DIR: validates a questionnaire like the XLSForm tools,
 * one line per problem, "DIR/file:line: message"; form add, list, use:
 * the ward's forms (gonha/interchange/registry.h). */
#include "cli.h"
#include "gonha/interchange/codebook.h"
#include "gonha/interchange/registry.h"
#include "gonha/storage/db.h"
#include "gonha/forms/form.h"
#include "gonha/core/i18n.h"
#include "gonha/interchange/xlsx.h"
#include "gonha/text/text.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* A workbook's problems by sheet cell ("FORM.xlsx: survey!B62: ..."). */
static void print_book_problems(const char *path, const gn_form_problems *problems, FILE *out)
{
	for (size_t i = 0; i < problems->n; i++) {
		const gn_form_problem *p = &problems->items[i];
		int sheet_len = (int)strcspn(p->file, ".");
		if (p->cell[0])
			gn_cli_print(out, "%s: %s: %s%s\n", path, p->cell, p->warning ? _("warning: ") : "", p->msg);
		else
			gn_cli_print(out, "%s: %.*s: %s%s\n", path, sheet_len, p->file, p->warning ? _("warning: ") : "", p->msg);
	}
}

void gn_cli_print_form_problems(const char *dir, const gn_form_problems *problems, FILE *out)
{
	for (size_t i = 0; i < problems->n; i++) {
		const gn_form_problem *p = &problems->items[i];
		if (p->line && p->cell[0])
			gn_cli_print(out, "%s/%s:%d (%s): %s%s\n", dir, p->file, p->line, p->cell,
			             p->warning ? _("warning: ") : "", p->msg);
		else if (p->line)
			gn_cli_print(out, "%s/%s:%d: %s%s\n", dir, p->file, p->line, p->warning ? _("warning: ") : "", p->msg);
		else
			gn_cli_print(out, "%s/%s: %s%s\n", dir, p->file, p->warning ? _("warning: ") : "", p->msg);
	}
}

static int form_check(const char *dir)
{
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	if (gn_db_open_memory(&db, &err) != GN_OK)
		return gn_cli_fail(&err);
	gn_form_problems problems = { 0 };
	gn_form *form = NULL;
	gn_cov_set set = { 0 };
	bool book = false;
	gn_status st = gn_form_load_any(dir, db, &form, &book, &problems, &err);
	if (st == GN_OK && !book) /* indicators.csv lives beside a folder's sheets */
		st = gn_form_indicators(form, &set, &problems, &err);
	if (st == GN_OK)
		st = gn_cov_sync(db, &set, &err); /* SQLite compiles every indicator */
	if (book)
		print_book_problems(dir, &problems, stderr);
	else
		gn_cli_print_form_problems(dir, &problems, stderr);
	int rc = GN_EXIT_OK;
	if (problems.errors) {
		gn_cli_print(stderr, _("gonha: %zu problems in the form %s\n"), problems.errors, dir);
		rc = GN_EXIT_USAGE;
	} else if (st != GN_OK) {
		rc = gn_cli_fail(&err); /* not a workbook, damaged, too large: one line */
	} else {
		size_t questions = 0;
		for (size_t i = 0; i < form->n_fields; i++)
			questions += gn_field_is_question(&form->fields[i]);
		gn_cli_print(stdout, _("%s: form %s version %s, %zu questions, %zu indicators: no problems\n"), dir, form->id,
		       form->version, questions, set.n);
		/* the form's own languages, which the entry screen offers (F7) */
		if (form->n_langs) {
			gn_cli_print(stdout, "%s: %s", dir, _("languages of the form:"));
			for (size_t l = 0; l < form->n_langs; l++)
				gn_cli_print(stdout, "%s %s%s", l ? "," : "", form->langs[l].name,
				             (int)l == form->lang_default ? _(" (default)") : "");
			gn_cli_print(stdout, "\n");
		}
	}
	gn_cov_free(&set);
	gn_form_free(form);
	gn_form_problems_free(&problems);
	gn_db_close(db);
	return rc;
}

/* --db FILE and the rest of the words: the subcommand's options. */
typedef struct form_args {
	const char *db, *tdp, *form, *out;
	bool all;
	int first;           /* the first word after the options */
} form_args;

const gn_opt gn_opts_form[] = {
	{ "db", 'd', "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), "add list use codebook",
	  false },
	{ "tdp", 't', "CODE", N_("the TDP that enters the form from now on"), "use", false },
	{ "all", 'a', NULL, N_("every TDP of the ward"), "use", false },
	{ "form", 'f', "FORM_ID", N_("an installed form (else the ward's census form)"), "codebook", false },
	{ "out", 'o', "FILE.csv|FILE.xlsx", N_("the codebook's file"), "codebook", true },
	{ NULL, 0, NULL, NULL, NULL, false },
};

/* The options of every form subcommand (gn_opts_form): -1 when read,
 * else the exit status (--help said, or a wrong option). */
static int form_options(gn_cli *cli, int argc, char **argv, form_args *a)
{
	memset(a, 0, sizeof *a);
	int c;
	while ((c = gn_cli_getopt(cli, argc, argv)) != GN_OPT_END) {
		switch (c) {
		case 'd': a->db = optarg; break;
		case 't': a->tdp = optarg; break;
		case 'a': a->all = true; break;
		case 'f': a->form = optarg; break;
		case 'o': a->out = optarg; break;
		default: /* --help, or a wrong option: said */
			return gn_cli_opt_exit(c);
		}
	}
	a->first = optind + 1; /* getopt moved the words to the end: the subcommand, then its own */
	return -1;
}

/* The database file the command works on, and the ward officer signed in. */
static int open_ward(gn_cli *cli, const form_args *a, gn_ctx *ctx, char path[PATH_MAX])
{
	gn_err err = { 0 };
	if (gn_db_path(a->db ? a->db : cli->db_path, path, PATH_MAX, &err) != GN_OK)
		return gn_cli_fail(&err);
	return gn_cli_open_signed_in(cli, path, 0, ctx);
}

static int form_add(gn_cli *cli, int argc, char **argv, const form_args *given)
{
	form_args a = *given;
	int rc = 0;
	if (a.first != argc - 1)
		return gn_cli_usage(_("usage: gonha form add DIR|FORM.xlsx|FORM.xls [--db FILE]"));
	const char *src = argv[a.first];
	gn_ctx ctx;
	char path[PATH_MAX];
	if ((rc = open_ward(cli, &a, &ctx, path)) != 0)
		return rc;
	gn_form_problems problems = { 0 };
	gn_err err = { 0 };
	char id[64] = "", version[64] = "";
	gn_status st = gn_registry_add(&ctx, path, src, &problems, id, version, &err);
	struct stat sb;
	if (stat(src, &sb) == 0 && S_ISREG(sb.st_mode))
		print_book_problems(src, &problems, stderr);
	else
		gn_cli_print_form_problems(src, &problems, stderr);
	if (problems.errors) {
		gn_cli_print(stderr, _("gonha: %zu problems in the form %s\n"), problems.errors, src);
		rc = GN_EXIT_USAGE;
	} else if (st != GN_OK) {
		rc = gn_cli_fail(&err);
	} else {
		char dir[PATH_MAX];
		gn_registry_dir(path, dir, sizeof dir, &err);
		gn_cli_print(stdout, _("Form %s version %s installed in %s/%s; gonha form use %s --tdp CODE lets a TDP enter it.\n"),
		             id, version, dir, id, id);
	}
	gn_form_problems_free(&problems);
	gn_db_close(ctx.db);
	return rc;
}

static int form_list(gn_cli *cli, int argc, const form_args *given)
{
	form_args a = *given;
	int rc = 0;
	if (a.first != argc)
		return gn_cli_usage(_("usage: gonha form list [--db FILE]"));
	gn_ctx ctx;
	char path[PATH_MAX];
	if ((rc = open_ward(cli, &a, &ctx, path)) != 0)
		return rc;
	gn_reg_form *forms = NULL;
	size_t n = 0;
	gn_err err = { 0 };
	if (gn_registry_list(&ctx, path, &forms, &n, &err) != GN_OK) {
		rc = gn_cli_fail(&err);
	} else {
		static const int widths[] = { 24, 12, 12 };
		for (size_t i = 0; i <= n; i++) {
			const gn_reg_form *f = i ? &forms[i - 1] : NULL;
			const char *cells[] = { f ? f->id : _("form"),
				                    !f ? _("version") : !f->loads ? "?" : f->version[0] ? f->version : "—",
				                    !f ? _("TDPs") : f->tdps[0] ? f->tdps : "—" };
			for (int c = 0; c < 3; c++) /* padded by what the terminal shows, not by bytes */
				gn_cli_print(stdout, "%s%*s ", cells[c], widths[c] > gn_text_width(cells[c]) ? widths[c] - gn_text_width(cells[c]) : 0, "");
			gn_cli_print(stdout, "%s%s\n", f ? f->title : _("title"),
			             f && !f->loads ? _(" (does not load: gonha form check shows why)") : "");
		}
	}
	free(forms);
	gn_db_close(ctx.db);
	return rc;
}

static int form_use(gn_cli *cli, int argc, char **argv, const form_args *given)
{
	form_args a = *given;
	int rc = 0;
	if (a.first != argc - 1 || (!a.tdp) == (!a.all))
		return gn_cli_usage(_("usage: gonha form use FORM_ID --tdp CODE|--all [--db FILE]"));
	const char *id = argv[a.first];
	gn_ctx ctx;
	char path[PATH_MAX];
	if ((rc = open_ward(cli, &a, &ctx, path)) != 0)
		return rc;
	gn_err err = { 0 };
	long changed = 0;
	if (gn_registry_use(&ctx, path, id, a.all ? NULL : a.tdp, &changed, &err) != GN_OK)
		rc = gn_cli_fail(&err);
	else
		gn_cli_print(stdout, ngettext("%ld TDP now enters form %s.\n", "%ld TDPs now enter form %s.\n",
		                              (unsigned long)changed), changed, id);
	gn_db_close(ctx.db);
	return rc;
}

/* The codebook of the ward's form (census unless --form): no personal
 * data, so no sign-in; the form is compiled on a database of its own. */
static int form_codebook(gn_cli *cli, int argc, const form_args *given)
{
	form_args a = *given;
	int rc = 0;
	if (a.first != argc || !a.out)
		return gn_cli_usage(_("usage: gonha form codebook [--form FORM_ID] [--db FILE] --out FILE.csv|FILE.xlsx"));
	gn_err err = { 0 };
	char path[PATH_MAX];
	sqlite3 *db = NULL;
	if (gn_db_path(a.db ? a.db : cli->db_path, path, sizeof path, &err) != GN_OK ||
	    gn_db_open_memory(&db, &err) != GN_OK)
		return gn_cli_fail(&err);
	gn_form *form = NULL;
	gn_form_problems problems = { 0 };
	const char *id = a.form ? a.form : GN_FORM_CENSUS;
	long rows = 0;
	gn_status st = gn_registry_load(db, path, id, &form, &problems, &err);
	if (st == GN_OK)
		st = gn_codebook_write(form, a.out, &rows, &err);
	if (st != GN_OK)
		rc = gn_cli_fail(&err);
	else
		gn_cli_print(stderr, ngettext("Codebook of form %s version %s: %ld field written to %s\n",
		                              "Codebook of form %s version %s: %ld fields written to %s\n", (unsigned long)rows),
		             form->id, form->version, rows, a.out);
	gn_form_free(form);
	gn_form_problems_free(&problems);
	gn_db_close(db);
	return rc;
}

int gn_cmd_form(gn_cli *cli, int argc, char **argv)
{
	form_args a;
	int rc = form_options(cli, argc, argv, &a);
	if (rc >= 0)
		return rc;
	const char *sub = optind < argc ? argv[optind] : "";
	if (strcmp(sub, "check") == 0 && argc - optind == 2)
		return form_check(argv[optind + 1]);
	if (strcmp(sub, "add") == 0)
		return form_add(cli, argc, argv, &a);
	if (strcmp(sub, "list") == 0)
		return form_list(cli, argc, &a);
	if (strcmp(sub, "use") == 0)
		return form_use(cli, argc, argv, &a);
	if (strcmp(sub, "codebook") == 0)
		return form_codebook(cli, argc, &a);
	return gn_cli_usage(_("usage: gonha form check DIR|FORM.xlsx|FORM.xls | add DIR|FORM.xlsx | list | use FORM_ID --tdp CODE|--all | codebook [--form FORM_ID] --out FILE"));
}
