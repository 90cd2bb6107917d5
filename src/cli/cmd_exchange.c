/* gonha export, gonha import and gonha conflicts: CSV and XLSX for the ward
 * office. */
#include "cli.h"
#include "gonha/forms/census.h"
#include "gonha/storage/db.h"
#include "gonha/interchange/exchange.h"
#include "gonha/domain/household_list.h"
#include "gonha/domain/household.h"
#include "gonha/text/text.h"
#include "gonha/core/i18n.h"
#include "gonha/interchange/xlsx.h"
#include "gonha/domain/backup.h"
#include "gonha/domain/sealed.h"
#include "gonha/domain/audit.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* A bar on the terminal for long runs; nothing when stderr is not one. */
static void progress(void *arg, long done, long total)
{
	(void)arg;
	if (total > 0) {
		int width = 30, filled = (int)(width * (double)done / (double)total);
		if (filled > width)
			filled = width;
		fprintf(stderr, "\r[");
		for (int i = 0; i < width; i++)
			fputs(i < filled ? "#" : "-", stderr);
		gn_cli_print(stderr, "] %ld/%ld", done, total);
	} else {
		fprintf(stderr, "\r"); fprintf(stderr, ngettext("%ld row", "%ld rows", (unsigned long)done), done);
	}
	fflush(stderr);
}

/* What a sealed file needs: the private folder beside the database, where
 * its plain content is made or opened (work), and the passphrase (*secret,
 * for gn_cli_forget; asked twice when sealing). */
static gn_status seal_setup(gn_cli *cli, const char *db_opt, bool sealing, char work[PATH_MAX], char **secret,
                            gn_err *err)
{
	char db_file[PATH_MAX];
	gn_status st;
	*secret = NULL;
	if ((st = gn_db_path(db_opt ? db_opt : cli->db_path, db_file, PATH_MAX, err)) != GN_OK ||
	    (st = gn_backup_private_dir(db_file, work, PATH_MAX, err)) != GN_OK)
		return st;
	if (!(*secret = gn_cli_passphrase(sealing)))
		return gn_fail(err, GN_ERR_INVALID, "%s", sealing ? _("no passphrase given; nothing was made")
		                                                  : _("no passphrase given; nothing was changed"));
	return GN_OK;
}

const gn_opt gn_opts_export[] = {
	{ "db", 'd', "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "what", 'w', "persons|households|coverage", N_("what to export, or the name of one of the form's repeats (its table)"), NULL, true },
	{ "out", 'o', "FILE", N_("the file to write (FILE.xlsx: a workbook)"), NULL, true },
	{ "format", 'f', "csv|xlsx", N_("CSV (the default) or an XLSX workbook"), NULL, false },
	{ "tdp", 't', "CODE", N_("only this TDP"), NULL, false },
	{ "year", 'y', "YYYY", N_("the year of the coverage (default this year)"), NULL, false },
	{ "plain", 'p', NULL, N_("CSV without BOM, with LF line ends (for scripts)"), NULL, false },
	{ "with-ids", 'i', NULL, N_("full CCCD numbers (ward officer; else masked)"), NULL, false },
	{ "labels", 'l', NULL, N_("the form's labels instead of the stored values"), NULL, false },
	{ "sheet-rows", 'r', "N", N_("rows per sheet of a workbook before the next sheet"), NULL, false },
	{ "seal", 's', NULL, N_("encrypt the file under a passphrase ($GONHA_PASSPHRASE or asked)"), NULL, false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

int gn_cmd_export(gn_cli *cli, int argc, char **argv)
{
	gn_export_options opt = { 0 };
	bool seal = false;
	const char *db_opt = NULL, *out_path = NULL, *what = NULL, *format = NULL;
	long year = 0, sheet_rows = 0;
	int c;
	while ((c = gn_cli_getopt(cli, argc, argv)) != GN_OPT_END) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'w': what = optarg; break;
		case 'o': out_path = optarg; break;
		case 't': opt.tdp_code = optarg; break;
		case 'p': opt.plain = true; break;
		case 'i': opt.with_ids = true; break;
		case 'l': opt.labels = true; break;
		case 'y':
			if (gn_cli_parse_int(optarg, 2000, 2100, &year))
				return gn_cli_usage(_("--year takes a year such as 2026"));
			opt.year = (int)year;
			break;
		case 'f': format = optarg; break;
		case 's': seal = true; break;
		case 'r':
			if (gn_cli_parse_int(optarg, 2, GN_XLSX_MAX_ROWS, &sheet_rows))
				return gn_cli_usage(_("--sheet-rows takes a number from 2 to 1048576"));
			opt.sheet_rows = sheet_rows;
			break;
		default: /* --help, or a wrong option: said */
			return gn_cli_opt_exit(c);
		}
	}
	if (optind < argc)
		return gn_cli_usage(_("%s: unexpected argument %s"), argv[0], argv[optind]);
	if (format && strcmp(format, "csv") && strcmp(format, "xlsx"))
		return gn_cli_usage(_("--format takes csv or xlsx"));
	/* a name ending in .xlsx asks for a workbook */
	size_t out_len = out_path ? strlen(out_path) : 0;
	if (format ? strcmp(format, "xlsx") == 0 : out_len > 5 && strcasecmp(out_path + out_len - 5, ".xlsx") == 0)
		opt.format = GN_EXF_XLSX;
	if (!what || !*what)
		return gn_cli_usage(_("--what takes persons, households, coverage or the name of one of the form's repeats"));
	if (!out_path)
		return gn_cli_usage(_("--out FILE is needed: where to write the CSV"));
	opt.what = strcmp(what, "persons") == 0 ? GN_EX_PERSONS : strcmp(what, "households") == 0 ? GN_EX_HOUSEHOLDS
	           : strcmp(what, "coverage") == 0 ? GN_EX_COVERAGE : GN_EX_REPEAT;
	opt.repeat = what; /* a repeat of the form: its table (export_repeat) */
	if (isatty(STDERR_FILENO))
		opt.progress = progress;

	gn_ctx ctx;
	gn_census census;
	int rc = gn_cli_open_census(cli, db_opt, &ctx, &census);
	if (rc)
		return rc;
	if (opt.tdp_code && opt.what != GN_EX_COVERAGE && (rc = gn_cli_use_tdp_form(cli, db_opt, &ctx, &census, opt.tdp_code))) {
		gn_census_free(&census);
		gn_db_close(ctx.db);
		return rc;
	}
	gn_err err = { 0 };
	long rows = 0;
	char work[PATH_MAX], *secret = NULL;
	gn_status st = GN_OK;
	if (seal) {
		st = seal_setup(cli, db_opt, true, work, &secret, &err);
		opt.seal_passphrase = secret;
		opt.work_dir = work;
	}
	if (st == GN_OK)
		st = gn_export(&ctx, &census, &opt, out_path, &rows, &err);
	gn_cli_forget(secret);
	if (st != GN_OK) {
		if (opt.progress)
			fputc('\n', stderr);
		rc = gn_cli_fail(&err);
	} else {
		if (opt.progress)
			fputc('\n', stderr);
		if (opt.what == GN_EX_COVERAGE)
			gn_cli_print(stderr, _("Coverage written to %s\n"), out_path);
		else
			gn_cli_print(stderr, ngettext("%ld row written to %s\n", "%ld rows written to %s\n", (unsigned long)rows), rows, out_path);
	}
	gn_census_free(&census);
	gn_db_close(ctx.db);
	return rc;
}

const gn_opt gn_opts_import[] = {
	{ "db", 'd', "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "dry-run", 'n', NULL, N_("check the whole file and say what would change; change nothing"), "", false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

/* gonha import history / gonha import undo N (ward officer) */
static int import_past(gn_cli *cli, const char *db_opt, bool history, long id)
{
	gn_ctx ctx;
	gn_census census;
	int rc = gn_cli_open_census(cli, db_opt, &ctx, &census);
	if (rc)
		return rc;
	gn_err err = { 0 };
	if (history) {
		gn_import_past *list = NULL;
		size_t n = 0;
		if (gn_import_history(&ctx, &list, &n, &err) != GN_OK)
			rc = gn_cli_fail(&err);
		else if (n == 0)
			gn_cli_print(stdout, _("No imports recorded.\n"));
		for (size_t i = 0; rc == 0 && i < n; i++) {
			char when[17];
			gn_local_time(list[i].at, when);
			gn_cli_print(stdout, _("%ld\t%s\t%s\t%s\tadded %ld, updated %ld, %ld in conflict\t%s\n"), list[i].id, when,
			             list[i].by, list[i].source, list[i].added, list[i].updated, list[i].conflicts,
			             list[i].undone_at[0] ? _("undone") : list[i].undoable ? _("can be undone")
			                                                                   : _("can no longer be undone"));
		}
		free(list);
	} else {
		gn_undo_block *blocks = NULL;
		size_t n = 0;
		gn_status st = gn_import_undo(&ctx, id, &blocks, &n, &err);
		if (st != GN_OK) {
			rc = gn_cli_fail(&err);
			for (size_t i = 0; i < n && i < 50; i++)
				gn_cli_print(stderr, "  %s %s %s: %s\n", gn_audit_word_label(blocks[i].table), blocks[i].id,
				             blocks[i].label, gn_undo_why_label(blocks[i].why));
			if (n > 50)
				gn_cli_print(stderr, ngettext("  ... and %zu more\n", "  ... and %zu more\n", (unsigned long)(n - 50)),
				             n - 50);
		} else {
			gn_cli_print(stdout, _("Import %ld undone: every record it changed is as it was before.\n"), id);
		}
		free(blocks);
	}
	gn_census_free(&census);
	gn_db_close(ctx.db);
	return rc;
}

int gn_cmd_import(gn_cli *cli, int argc, char **argv)
{
	gn_import_options opt = { 0 };
	const char *db_opt = NULL;
	int c;
	while ((c = gn_cli_getopt(cli, argc, argv)) != GN_OPT_END) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'n': opt.dry_run = true; break;
		default: /* --help, or a wrong option: said */
			return gn_cli_opt_exit(c);
		}
	}
	bool history = optind == argc - 1 && strcmp(argv[optind], "history") == 0;
	bool undo = optind < argc && strcmp(argv[optind], "undo") == 0;
	long undo_id = 0;
	if (undo && (optind + 2 != argc || gn_cli_parse_int(argv[optind + 1], 1, 1L << 40, &undo_id) || opt.dry_run))
		return gn_cli_usage(_("usage: gonha import undo N (the numbers: gonha import history)"));
	if (history || undo)
		return import_past(cli, db_opt, history, undo_id);
	if (optind != argc - 1)
		return gn_cli_usage(_("usage: gonha import FILE [--dry-run] | history | undo N"));
	const char *path = argv[optind];
	if (isatty(STDERR_FILENO))
		opt.progress = progress;

	gn_ctx ctx;
	gn_census census;
	int rc = gn_cli_open_census(cli, db_opt, &ctx, &census);
	if (rc)
		return rc;
	gn_err err = { 0 };
	gn_import_report rep = { 0 };
	char work[PATH_MAX], *secret = NULL;
	gn_status st = GN_OK;
	if (gn_sealed_is(path)) {
		st = seal_setup(cli, db_opt, false, work, &secret, &err);
		opt.seal_passphrase = secret;
		opt.work_dir = work;
	}
	if (st == GN_OK)
		st = gn_import_file(&ctx, &census, path, &opt, &rep, &err);
	gn_cli_forget(secret);
	if (opt.progress && rep.rows >= 65536)
		fputc('\n', stderr);
	for (size_t i = 0; i < rep.n_problems; i++)
		gn_cli_print(stderr, "%s:%ld: %s\n", path, rep.problems[i].line, rep.problems[i].msg);
	if (rep.problems_total > (long)rep.n_problems)
		gn_cli_print(stderr, ngettext("%s: ... and %ld more problem\n", "%s: ... and %ld more problems\n",
		                               (unsigned long)(rep.problems_total - (long)rep.n_problems)),
		             path, rep.problems_total - (long)rep.n_problems);
	if (st != GN_OK) {
		rc = gn_cli_fail(&err);
	} else {
		gn_cli_print(stdout, opt.dry_run ? _("%s (dry run, nothing changed): %ld rows; would add %ld, update %ld, keep %ld of ours "
		                       "as newer, leave %ld unchanged; %ld in conflict\n")
		                   : _("%s: %ld rows; added %ld, updated %ld, kept %ld of ours as newer, %ld unchanged; "
		                       "%ld in conflict\n"),
		       path, rep.rows, rep.added, rep.updated, rep.kept_local, rep.unchanged, rep.conflicts);
		if (rep.conflicts)
			gn_cli_print(stdout, _("Conflicts keep both versions: a ward officer resolves them with gonha conflicts.\n"));
		if (rep.undo_id)
			gn_cli_print(stdout, _("A ward officer can undo this import with gonha import undo %ld.\n"), rep.undo_id);
		if (rep.incomplete)
			gn_cli_print(stdout, _("%ld answers that a finished visit needs are still empty (the first: line %ld, %s); the "
			         "records are kept, to be completed on the round.\n"),
			       rep.incomplete, rep.incomplete_line, rep.incomplete_field);
	}
	gn_import_report_free(&rep);
	gn_census_free(&census);
	gn_db_close(ctx.db);
	return rc;
}

const gn_opt gn_opts_conflicts[] = {
	{ "db", 'd', "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "keep", 'k', "local|incoming", N_("the version to keep"), "resolve", true },
	{ NULL, 0, NULL, NULL, NULL, false },
};

int gn_cmd_conflicts(gn_cli *cli, int argc, char **argv)
{
	const char *db_opt = NULL, *keep = NULL;
	int c;
	while ((c = gn_cli_getopt(cli, argc, argv)) != GN_OPT_END) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'k': keep = optarg; break;
		default: /* --help, or a wrong option: said */
			return gn_cli_opt_exit(c);
		}
	}
	long id = 0;
	bool resolve = optind < argc && strcmp(argv[optind], "resolve") == 0;
	if (resolve && (optind + 2 != argc || gn_cli_parse_int(argv[optind + 1], 1, 1L << 40, &id) || !keep ||
	                (strcmp(keep, "local") && strcmp(keep, "incoming"))))
		return gn_cli_usage(_("usage: gonha conflicts resolve N --keep local|incoming"));
	if (!resolve && optind < argc)
		return gn_cli_usage(_("%s: unexpected argument %s"), argv[0], argv[optind]);

	gn_ctx ctx;
	gn_census census;
	int rc = gn_cli_open_census(cli, db_opt, &ctx, &census);
	if (rc)
		return rc;
	gn_err err = { 0 };
	if (resolve) {
		if (gn_conflict_resolve(&ctx, &census, id, strcmp(keep, "incoming") == 0, &err) != GN_OK)
			rc = gn_cli_fail(&err);
		else
			gn_cli_print(stdout, _("Conflict %ld resolved: the %s version is kept.\n"), id,
			       strcmp(keep, "incoming") == 0 ? _("incoming") : _("local"));
	} else {
		gn_conflict *list = NULL;
		size_t n = 0;
		if (gn_conflicts_list(&ctx, &list, &n, &err) != GN_OK) {
			rc = gn_cli_fail(&err);
		} else {
			if (n == 0)
				gn_cli_print(stdout, _("No open conflicts.\n"));
			for (size_t i = 0; i < n; i++)
				gn_cli_print(stdout, "%ld\t%s\t%s\t%s\t%s\n  %s: %s\n  %s: %s\n", list[i].id, list[i].table_name, list[i].record_id,
				       list[i].source, list[i].detected_at, _("local"), list[i].local_data, _("incoming"),
				       list[i].incoming_data);
		}
		gn_conflicts_free(list, n);
	}
	gn_census_free(&census);
	gn_db_close(ctx.db);
	return rc;
}

/* gonha list: a TDP's households in walking order, through the same domain
 * call as the TDP screen (scope checked there). */
/* The list for people: a line per household in walking order, columns
 * aligned by display width (the alley, or the street where there is none;
 * the visit in words). */
static const char *list_cell(const gn_hh_row *r, int col, char *buf, size_t size)
{
	switch (col) {
	case 0: return r->house_no;
	case 1: return r->alley[0] ? r->alley : r->street;
	case 2: return r->head_name[0] ? r->head_name : "—";
	case 3: return gn_visit_status_label(r->visit_status);
	default: snprintf(buf, size, "%d", r->n_members); return buf;
	}
}

static void print_list_text(const gn_hh_row *rows, size_t n)
{
	const char *head[] = { _("House"), _("Alley"), _("Head of household"), _("Visit"), _("People") };
	enum { COLS = sizeof head / sizeof *head };
	int width[COLS];
	char buf[32];
	for (int c = 0; c < COLS; c++)
		width[c] = gn_text_width(head[c]);
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < COLS; c++) {
			int w = gn_text_width(list_cell(&rows[i], c, buf, sizeof buf));
			if (w > width[c])
				width[c] = w;
		}
	int nw = snprintf(buf, sizeof buf, "%zu", n);
	for (size_t i = 0; i <= n; i++) {
		if (i == 0)
			gn_cli_print(stdout, "%*s", nw, "#");
		else
			gn_cli_print(stdout, "%*zu", nw, i);
		for (int c = 0; c < COLS; c++) {
			const char *t = i == 0 ? head[c] : list_cell(&rows[i - 1], c, buf, sizeof buf);
			int pad = width[c] - gn_text_width(t);
			if (c == COLS - 1) /* a number, to the right */
				gn_cli_print(stdout, "  %*s%s", pad, "", t);
			else
				gn_cli_print(stdout, "  %s%*s", t, pad, "");
		}
		fputc('\n', stdout);
	}
	gn_cli_print(stdout, ngettext("%zu household\n", "%zu households\n", (unsigned long)n), n);
}

const gn_opt gn_opts_list[] = {
	{ "db", 'd', "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "tdp", 't', "CODE", N_("the TDP"), NULL, true },
	{ "filter", 'f', "all|not_visited|revisit|needs_help", N_("only these households"), NULL, false },
	{ "search", 's', "TEXT", N_("households whose house, alley or member names hold TEXT (accents optional)"), NULL, false },
	{ "format", 'F', "text|tsv", N_("columns for reading (the default), or tab-separated for scripts"), NULL, false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

int gn_cmd_list(gn_cli *cli, int argc, char **argv)
{
	const char *db_opt = NULL, *code = NULL, *query = NULL;
	gn_hh_filter filter = GN_HH_ALL;
	bool tsv = false;
	int c;
	while ((c = gn_cli_getopt(cli, argc, argv)) != GN_OPT_END) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 't': code = optarg; break;
		case 's': query = optarg; break;
		case 'f':
			if (strcmp(optarg, "all") == 0) filter = GN_HH_ALL;
			else if (strcmp(optarg, "not_visited") == 0) filter = GN_HH_NOT_VISITED;
			else if (strcmp(optarg, "revisit") == 0) filter = GN_HH_REVISIT;
			else if (strcmp(optarg, "needs_help") == 0) filter = GN_HH_NEEDS_HELP;
			else return gn_cli_usage(_("--filter takes all, not_visited, revisit or needs_help"));
			break;
		case 'F':
			if (strcmp(optarg, "text") == 0) tsv = false;
			else if (strcmp(optarg, "tsv") == 0) tsv = true;
			else return gn_cli_usage(_("--format takes text or tsv"));
			break;
		default: /* --help, or a wrong option: said */
			return gn_cli_opt_exit(c);
		}
	}
	if (!code || optind < argc)
		return gn_cli_usage(_("usage: gonha list --tdp CODE [--filter F] [--search TEXT] [--format text|tsv]"));
	gn_ctx ctx;
	int rc = gn_cli_open_signed_in(cli, db_opt, 0, &ctx);
	if (rc)
		return rc;
	gn_err err = { 0 };
	char tdp_id[37] = "";
	sqlite3_stmt *q = NULL;
	int step = SQLITE_ERROR;
	if (sqlite3_prepare_v2(ctx.db, "SELECT id FROM tdp WHERE code = ?1", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
		if ((step = sqlite3_step(q)) == SQLITE_ROW)
			snprintf(tdp_id, sizeof tdp_id, "%s", (const char *)sqlite3_column_text(q, 0));
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		gn_db_fail(ctx.db, &err, "tdp"); /* a damaged file is not "no such TDP" */
	sqlite3_finalize(q);
	gn_hh_row *rows = NULL;
	size_t n = 0;
	if (err.status != GN_OK) {
		rc = gn_cli_fail(&err);
	} else if (!*tdp_id) {
		gn_fail(&err, GN_ERR_NOT_FOUND, _("there is no TDP with code %s"), code);
		rc = gn_cli_fail(&err);
	} else if (gn_hh_list(&ctx, tdp_id, filter, query, 0, (size_t)-1 / 2, &rows, &n, &err) != GN_OK) {
		rc = gn_cli_fail(&err);
	} else if (tsv) {
		for (size_t i = 0; i < n; i++)
			gn_cli_print(stdout, "%s\t%s\t%s\t%s\t%s\t%s\t%d\n", rows[i].id, rows[i].house_no, rows[i].alley, rows[i].street,
			       rows[i].visit_status, rows[i].head_name, rows[i].n_members);
	} else {
		print_list_text(rows, n);
	}
	free(rows);
	gn_db_close(ctx.db);
	return rc;
}
