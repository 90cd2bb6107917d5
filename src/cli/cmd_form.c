/* gonha form check DIR: validates a questionnaire like the XLSForm tools,
 * one line per problem, "DIR/file:line: message". */
#include "cli.h"
#include "gonha/storage/db.h"
#include "gonha/forms/form.h"
#include "gonha/core/i18n.h"
#include "gonha/interchange/xlsx.h"

#include <getopt.h>
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

const gn_opt gn_opts_form[] = {
	{ NULL, 0, NULL, NULL, NULL, false },
};

int gn_cmd_form(gn_cli *cli, int argc, char **argv)
{
	int c = gn_cli_getopt(cli, argc, argv);
	if (c != GN_OPT_END)
		return gn_cli_opt_exit(c);
	if (argc - optind != 2 || strcmp(argv[optind], "check") != 0)
		return gn_cli_usage(_("usage: gonha form check DIR|FORM.xlsx|FORM.xls"));
	const char *dir = argv[optind + 1];
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	if (gn_db_open_memory(&db, &err) != GN_OK)
		return gn_cli_fail(&err);
	gn_form_problems problems = { 0 };
	gn_form *form = NULL;
	gn_cov_set set = { 0 };
	struct stat sb;
	size_t len = strlen(dir);
	bool book = stat(dir, &sb) == 0 && S_ISREG(sb.st_mode);
	bool xls = book && len > 4 && strcasecmp(dir + len - 4, ".xls") == 0 && !gn_xlsx_is_zip(dir);
	gn_status st = xls ? gn_form_load_xls(dir, db, &form, &problems, &err)
	               : book ? gn_form_load_xlsx(dir, db, &form, &problems, &err)
	                      : gn_form_load(dir, db, &form, &problems, &err);
	if (st == GN_OK && !book) /* indicators.csv lives beside a folder's sheets */
		st = gn_form_indicators(form, &set, &problems, &err);
	if (st == GN_OK)
		st = gn_cov_sync(db, &set, &err); /* SQLite compiles every indicator */
	if (xls) /* FreeXL reads no boolean cell */
		gn_cli_print(stderr, _("%s: warning: in an .xls, a cell holding TRUE or FALSE as a boolean reads as empty; "
		                       "write yes or no (or save the workbook as .xlsx)\n"), dir);
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
	}
	gn_cov_free(&set);
	gn_form_free(form);
	gn_form_problems_free(&problems);
	gn_db_close(db);
	return rc;
}
