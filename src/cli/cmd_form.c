/* gonha form check DIR: validates a questionnaire like the XLSForm tools,
 * one line per problem, "DIR/file:line: message". */
#include "cli.h"
#include "gonha/storage/db.h"
#include "gonha/forms/form.h"
#include "gonha/core/i18n.h"

#include <string.h>

void gn_cli_print_form_problems(const char *dir, const gn_form_problems *problems, FILE *out)
{
	for (size_t i = 0; i < problems->n; i++) {
		const gn_form_problem *p = &problems->items[i];
		if (p->line)
			gn_cli_print(out, "%s/%s:%d: %s%s\n", dir, p->file, p->line, p->warning ? _("warning: ") : "", p->msg);
		else
			gn_cli_print(out, "%s/%s: %s%s\n", dir, p->file, p->warning ? _("warning: ") : "", p->msg);
	}
}

int gn_cmd_form(gn_cli *cli, int argc, char **argv)
{
	(void)cli;
	if (argc != 3 || strcmp(argv[1], "check") != 0)
		return gn_cli_usage(_("usage: gonha form check DIR"));
	const char *dir = argv[2];
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	if (gn_db_open_memory(&db, &err) != GN_OK)
		return gn_cli_fail(&err);
	gn_form_problems problems = { 0 };
	gn_form *form = NULL;
	gn_cov_set set = { 0 };
	gn_status st = gn_form_load(dir, db, &form, &problems, &err);
	if (st == GN_OK)
		st = gn_form_indicators(form, &set, &problems, &err);
	if (st == GN_OK)
		st = gn_cov_sync(db, &set, &err); /* SQLite compiles every indicator */
	gn_cli_print_form_problems(dir, &problems, stderr);
	int rc = GN_EXIT_OK;
	if (problems.errors) {
		gn_cli_print(stderr, _("gonha: %zu problems in the form %s\n"), problems.errors, dir);
		rc = GN_EXIT_USAGE;
	} else if (st != GN_OK) {
		rc = gn_cli_fail(&err);
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
