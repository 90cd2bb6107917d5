/* Internal to the command line: the command table and shared helpers.
 * Commands print for the user (they are the outermost layer); everything
 * they do goes through the same domain calls as the UI. */
#ifndef GONHA_CLI_H
#define GONHA_CLI_H

#include <stdarg.h>
#include <stdio.h>

#include "gonha/domain/session.h"

typedef struct gn_cli {
	const char *db_path;   /* from --db before the command, or NULL */
	const char *lang;      /* from --lang, or NULL */
} gn_cli;

/* The passphrase of a sealed copy: $GONHA_PASSPHRASE, or asked on the
 * terminal (twice when sealing). malloc'd, or NULL; give it back to
 * gn_cli_forget, which wipes it. */
char *gn_cli_passphrase(bool twice);
void gn_cli_forget(char *secret);

typedef struct gn_command {
	const char *name;
	int (*run)(gn_cli *cli, int argc, char **argv); /* argv[0] is the command name */
	const char *synopsis;  /* untranslated usage line, e.g. "init --db FILE ..." */
	const char *summary;   /* English msgid; shown translated */
} gn_command;

/* The exit codes: 0 ok, 1 the work found problems (check), 2 bad usage or
 * refused input, 3 an error while working. */
enum { GN_EXIT_OK = 0, GN_EXIT_PROBLEMS = 1, GN_EXIT_USAGE = 2, GN_EXIT_ERROR = 3 };

/* Prints "gonha: <message>" on stderr as one line and returns an exit code
 * fitting the status. */
/* printf to f through gn_text_safe (see common.c). */
void gn_cli_print(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gn_cli_vprint(FILE *f, const char *fmt, va_list ap);
int gn_cli_fail(const gn_err *err);
int gn_cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Opens the database named by --db (command's or global), $GONHA_DB or the
 * default path, and signs in from GONHA_USER/GONHA_PASSWORD or by asking on
 * the terminal. On success ctx->db is open (close with gn_db_close). */
/* Shows a new recovery code once, with what it is for (nothing if ""). */
void gn_cli_recovery_code(const char *code);
int gn_cli_open_signed_in(gn_cli *cli, const char *db_opt, int db_flags, gn_ctx *ctx);

/* Reads a line from the terminal, without echo if secret. Returns a
 * malloc'd string or NULL when there is no terminal. */
char *gn_cli_prompt(const char *question, int secret);

/* Parses a whole decimal number in [lo, hi]. */
int gn_cli_parse_int(const char *s, long lo, long hi, long *out);

/* Commands. */
int gn_cmd_init(gn_cli *cli, int argc, char **argv);
int gn_cmd_demo(gn_cli *cli, int argc, char **argv);
int gn_cmd_check(gn_cli *cli, int argc, char **argv);
int gn_cmd_ui(gn_cli *cli);
int gn_cmd_ui_bench(gn_cli *cli, int argc, char **argv);
int gn_cmd_form(gn_cli *cli, int argc, char **argv);
int gn_cmd_report(gn_cli *cli, int argc, char **argv);
int gn_cmd_export(gn_cli *cli, int argc, char **argv);
int gn_cmd_import(gn_cli *cli, int argc, char **argv);
int gn_cmd_conflicts(gn_cli *cli, int argc, char **argv);
int gn_cmd_list(gn_cli *cli, int argc, char **argv);
int gn_cmd_sheet(gn_cli *cli, int argc, char **argv);

struct gn_census;
/* gn_cli_open_signed_in, then the census form and its coverage counters;
 * ctx->coverage points into *census. */
int gn_cli_open_census(gn_cli *cli, const char *db_opt, gn_ctx *ctx, struct gn_census *census);
/* The form the TDP enters (gonha form use) in place of census->form, for
 * a command about that TDP alone (its indicators stay the plan's). */
int gn_cli_use_tdp_form(gn_cli *cli, const char *db_opt, gn_ctx *ctx, struct gn_census *census, const char *tdp_code);

struct gn_form_problems;
void gn_cli_print_form_problems(const char *dir, const struct gn_form_problems *problems, FILE *out);
int gn_cmd_user(gn_cli *cli, int argc, char **argv);
int gn_cmd_recover(gn_cli *cli, int argc, char **argv);
int gn_cmd_audit(gn_cli *cli, int argc, char **argv);
int gn_cmd_erase(gn_cli *cli, int argc, char **argv);
int gn_cmd_config(gn_cli *cli, int argc, char **argv);
int gn_cmd_backup(gn_cli *cli, int argc, char **argv);
/* Not in the help: the day's snapshot (backup.h, gn_backup_daily), in a
 * process of its own; the UI starts it (ui.c). Needs no sign-in, as the
 * snapshots do not: the folder is private. */
int gn_cmd_snapshot_daily(gn_cli *cli, int argc, char **argv);
int gn_cmd_restore(gn_cli *cli, int argc, char **argv);

#endif
