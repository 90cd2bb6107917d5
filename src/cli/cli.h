/* Internal to the command line: the command table and shared helpers.
 * Commands print for the user (they are the outermost layer); everything
 * they do goes through the same domain calls as the UI. */
#ifndef GONHA_CLI_H
#define GONHA_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gonha/domain/session.h"

struct gn_command;

typedef struct gn_cli {
	const char *db_path;   /* from --db before the command, or NULL */
	const char *lang;      /* from --lang, or NULL */
	const struct gn_command *command; /* the one running (its options, its help) */
} gn_cli;

/* The passphrase of a sealed copy: $GONHA_PASSPHRASE, or asked on the
 * terminal (twice when sealing). malloc'd, or NULL; give it back to
 * gn_cli_forget, which wipes it. */
char *gn_cli_passphrase(bool twice);
void gn_cli_forget(char *secret);

/* One option of a command. getopt_long's array, `gonha COMMAND --help`,
 * the man page and the shell completion are all made from these tables
 * (help.c), so what is parsed is what is documented. */
typedef struct gn_opt {
	const char *name;     /* the long option without "--"; NULL ends a table */
	int val;              /* what gn_cli_getopt returns for it (never 0, -1, 'h', '?', ':') */
	const char *arg;      /* its argument as shown ("FILE", "text|csv|xlsx"), NULL for a flag */
	const char *help;     /* English msgid; NULL: internal, not shown */
	const char *subs;     /* the subcommands it goes with ("add assign"), NULL: all */
	bool required;        /* shown without [brackets] in the synopsis */
} gn_opt;

/* A subcommand (user add, sheet walk, form check ...). */
typedef struct gn_sub {
	const char *name;     /* NULL ends a table; "" for the command alone */
	const char *args;     /* its positional arguments ("LOGIN", "N"), untranslated */
	const char *summary;  /* English msgid */
} gn_sub;

/* An environment variable gonha reads (the man page's ENVIRONMENT). */
typedef struct gn_env {
	const char *name;
	const char *help;     /* English msgid */
} gn_env;

typedef struct gn_command {
	const char *name;
	int (*run)(gn_cli *cli, int argc, char **argv); /* argv[0] is the command name */
	const char *args;      /* positional arguments after the name ("FILE"), untranslated, or NULL */
	const char *summary;   /* English msgid; shown translated; NULL: internal, not in the help */
	const gn_opt *opts;    /* its options */
	const gn_sub *subs;    /* its subcommands, or NULL */
} gn_command;

/* The command table (main.c) and the global options. */
extern const gn_command gn_commands[];
extern const size_t gn_n_commands;
extern const gn_opt gn_global_opts[];
extern const gn_env gn_environment[];
extern const gn_env gn_files[];     /* name: a path; help: what it is */
extern const gn_env gn_examples[];  /* name: a command line; help: what it does */

/* Each command's options (beside the code that reads them). */
extern const gn_opt gn_opts_init[], gn_opts_demo[], gn_opts_check[], gn_opts_report[], gn_opts_export[],
	gn_opts_import[], gn_opts_list[], gn_opts_sheet[], gn_opts_conflicts[], gn_opts_verify[], gn_opts_form[], gn_opts_user[],
	gn_opts_audit[], gn_opts_erase[], gn_opts_config[], gn_opts_backup[], gn_opts_recover[], gn_opts_restore[],
	gn_opts_snapshot_daily[], gn_opts_ui_bench[];

/* getopt_long over cli->command's options, with -h and --help added: the
 * next option's val; GN_OPT_END after the last; GN_OPT_HELP once the
 * command's help is printed on stdout; GN_OPT_BAD once an unknown option
 * or a missing argument is said on stderr. gn_cli_opt_exit gives the exit
 * code for the last two (0 and 2). */
enum { GN_OPT_END = -1, GN_OPT_HELP = -2, GN_OPT_BAD = -3 };
int gn_cli_getopt(const gn_cli *cli, int argc, char **argv);
int gn_cli_opt_exit(int c);
/* getopt_long's array for a table (plus --help when with_help); false when
 * it does not fit in cap entries. */
struct option;
bool gn_cli_long_options(const gn_opt *opts, bool with_help, struct option *out, size_t cap);

/* The help, the man page (troff, in the language chosen) and the bash
 * completion script, from the tables above. sub: a subcommand's help only,
 * or NULL. */
void gn_cli_help(FILE *out);
void gn_cli_command_help(FILE *out, const gn_command *cmd, const char *sub);
void gn_cli_man(FILE *out);
void gn_cli_bash_completion(FILE *out);

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
int gn_cmd_verify(gn_cli *cli, int argc, char **argv);

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
