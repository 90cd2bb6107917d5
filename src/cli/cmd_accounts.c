/* gonha user, audit, erase, config, backup, restore: accounts, the audit
 * log, privacy and backups from the command line. Each signs in; the
 * domain decides what the user may do. */
#include "cli.h"
#include "gonha/domain/ward.h"
#include "gonha/domain/audit.h"
#include "gonha/domain/backup.h"
#include "gonha/domain/sealed.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/privacy.h"
#include "gonha/domain/users.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_DB = 1000, OPT_ROLE, OPT_NAME, OPT_TDP, OPT_USER, OPT_SINCE, OPT_UNTIL, OPT_RECORD,
	OPT_ACTION, OPT_OUT, OPT_PLAIN, OPT_PERSON, OPT_YES, OPT_IDLE, OPT_FROM, OPT_OTHER, OPT_LANG,
	OPT_TABLE, OPT_SEAL,
	OPT_DOC, /* OPT_DOC + gn_doc_key: --report-parent ... --report-recipients */
	OPT_DOC_LAST = OPT_DOC + GN_DOC_KEYS - 1,
};

const gn_opt gn_opts_user[] = {
	{ "db", OPT_DB, "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "role", OPT_ROLE, "ROLE", N_("ward_officer, tdp_leader or tech_team"), "add", true },
	{ "name", OPT_NAME, "NAME", N_("the person's full name, as shown on screens"), "add", false },
	{ "tdp", OPT_TDP, "CODE[,CODE]", N_("the TDPs the account works on (a ward officer: all)"), "add assign", true },
	{ NULL, 0, NULL, NULL, NULL, false },
};

const gn_opt gn_opts_audit[] = {
	{ "db", OPT_DB, "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "user", OPT_USER, "LOGIN", N_("only what this account did"), NULL, false },
	{ "since", OPT_SINCE, "DATE", N_("from this day (YYYY-MM-DD)"), NULL, false },
	{ "until", OPT_UNTIL, "DATE", N_("up to this day (YYYY-MM-DD)"), NULL, false },
	{ "tdp", OPT_TDP, "CODE", N_("only this TDP"), NULL, false },
	{ "record", OPT_RECORD, "ID", N_("only this record (a household's or person's id)"), NULL, false },
	{ "action", OPT_ACTION, "ACTION", N_("only this action (create, update, delete, export, sign_in ...)"), NULL, false },
	{ "table", OPT_TABLE, "TABLE", N_("only this table (household, person, users ...)"), NULL, false },
	{ "out", OPT_OUT, "FILE.csv", N_("write the entries to a CSV file (0600) instead of the screen"), NULL, false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

const gn_opt gn_opts_erase[] = {
	{ "db", OPT_DB, "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "person", OPT_PERSON, "ID", N_("the person's id (gonha list --format tsv, or the person's screen)"), NULL, true },
	{ "yes", OPT_YES, NULL, N_("do not ask for a confirmation"), NULL, false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

const gn_opt gn_opts_config[] = {
	{ "db", OPT_DB, "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "idle-lock", OPT_IDLE, "MINUTES", N_("minutes without a key before the screen locks"), NULL, false },
	{ "report-parent", OPT_DOC + GN_DOC_PARENT, "TEXT", N_("the report's body above the ward (e.g. ỦY BAN NHÂN DÂN QUẬN ...)"), NULL, false },
	{ "report-issuer", OPT_DOC + GN_DOC_ISSUER, "TEXT", N_("the report's issuing body"), NULL, false },
	{ "report-number", OPT_DOC + GN_DOC_NUMBER, "TEXT", N_("the report's number and symbol (Số: .../BC-...)"), NULL, false },
	{ "report-place", OPT_DOC + GN_DOC_PLACE, "TEXT", N_("the place written before the report's date"), NULL, false },
	{ "report-signer-title", OPT_DOC + GN_DOC_SIGNER_TITLE, "TEXT", N_("the signer's title"), NULL, false },
	{ "report-signer", OPT_DOC + GN_DOC_SIGNER, "TEXT", N_("the signer's full name"), NULL, false },
	{ "report-recipients", OPT_DOC + GN_DOC_RECIPIENTS, "TEXT", N_("the recipients (Nơi nhận), separated by ;"), NULL, false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

const gn_opt gn_opts_recover[] = {
	{ "db", OPT_DB, "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "user", OPT_USER, "LOGIN", N_("the ward officer's account to open again"), NULL, true },
	{ NULL, 0, NULL, NULL, NULL, false },
};

const gn_opt gn_opts_backup[] = {
	{ "db", OPT_DB, "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "out", OPT_OUT, "FILE", N_("the copy to write (else a snapshot in DB.backups/)"), NULL, false },
	{ "seal", OPT_SEAL, NULL, N_("encrypt the copy under a passphrase ($GONHA_PASSPHRASE or asked)"), NULL, false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

const gn_opt gn_opts_snapshot_daily[] = {
	{ "db", OPT_DB, "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

const gn_opt gn_opts_restore[] = {
	{ "db", OPT_DB, "FILE", N_("the database (else $GONHA_DB, else ~/.local/share/gonha/ward.db)"), NULL, false },
	{ "from", OPT_FROM, "FILE", N_("the backup to restore (sealed or not)"), NULL, true },
	{ "other-ward", OPT_OTHER, NULL, N_("accept a backup of another ward"), NULL, false },
	{ NULL, 0, NULL, NULL, NULL, false },
};

typedef struct acc_args {
	const char *db, *role, *name, *tdp, *user, *since, *until, *record, *action, *table, *out,
		*person, *idle, *from;
	const char *doc[GN_DOC_KEYS]; /* --report-... */
	bool yes, other_ward, seal;
	int first_arg;  /* index of the first non-option argument */
	int n_args;
} acc_args;

/* Parses options anywhere on the line (the command's own table): -1 to go
 * on, else the exit code (0 after --help). Positional arguments are moved
 * to the end by getopt; first_arg tells where they start. */
static int parse(gn_cli *cli, int argc, char **argv, acc_args *a)
{
	int c;
	memset(a, 0, sizeof *a);
	a->db = cli->db_path;
	while ((c = gn_cli_getopt(cli, argc, argv)) != GN_OPT_END) {
		switch (c) {
		case GN_OPT_HELP:
		case GN_OPT_BAD: return gn_cli_opt_exit(c);
		case OPT_DB: a->db = optarg; break;
		case OPT_ROLE: a->role = optarg; break;
		case OPT_NAME: a->name = optarg; break;
		case OPT_TDP: a->tdp = optarg; break;
		case OPT_USER: a->user = optarg; break;
		case OPT_SINCE: a->since = optarg; break;
		case OPT_UNTIL: a->until = optarg; break;
		case OPT_RECORD: a->record = optarg; break;
		case OPT_ACTION: a->action = optarg; break;
		case OPT_TABLE: a->table = optarg; break;
		case OPT_OUT: a->out = optarg; break;
		case OPT_PERSON: a->person = optarg; break;
		case OPT_YES: a->yes = true; break;
		case OPT_IDLE: a->idle = optarg; break;
		case OPT_FROM: a->from = optarg; break;
		case OPT_OTHER: a->other_ward = true; break;
		case OPT_SEAL: a->seal = true; break;
		default:
			if (c >= OPT_DOC && c <= OPT_DOC_LAST)
				a->doc[c - OPT_DOC] = optarg;
			break;
		}
	}
	a->first_arg = optind;
	a->n_args = argc - optind;
	return -1;
}

static int no_args(char **argv, const acc_args *a)
{
	if (a->n_args > 0)
		return gn_cli_usage(_("%s: unexpected argument %s"), argv[0], argv[a->first_arg]);
	return 0;
}

/* The database path the command works on (for backups beside it). */
static void db_path_of(gn_cli *cli, const acc_args *a, char path[PATH_MAX])
{
	if (!gn_db_resolve_path(a->db ? a->db : cli->db_path, path, PATH_MAX))
		path[0] = '\0'; /* too long: the open has refused it already */
}

/* The day's look for a snapshot after a command changed accounts or
 * settings (backup.h: one a day at most, none when nothing changed; a
 * copy only on the first such command of a day, never at a sign-out).
 * Never fails the command: the change is saved; the warning says the
 * snapshot is not, and why (a damaged database is not copied). */
static void daily_snapshot(gn_ctx *ctx, gn_cli *cli, const acc_args *a)
{
	char path[PATH_MAX];
	gn_err err = { 0 };
	db_path_of(cli, a, path);
	if (gn_backup_auto(ctx->db, path, false, NULL, NULL, 0, &err) != GN_OK)
		gn_cli_print(stderr, _("gonha: warning: the automatic backup was not made: %s\n"), err.msg);
}

/* A new password: $GONHA_NEW_PASSWORD, else asked twice on the terminal. */
static char *new_password(void)
{
	const char *env = getenv("GONHA_NEW_PASSWORD");
	if (env)
		return strdup(env);
	char *pw = gn_cli_prompt(_("New password: "), 1);
	if (!pw)
		return NULL;
	char *again = gn_cli_prompt(_("The same password again: "), 1);
	if (!again || strcmp(again, pw) != 0) {
		gn_cli_print(stderr, "gonha: %s\n", _("the two passwords differ; nothing was changed"));
		if (again) {
			explicit_bzero(again, strlen(again));
			free(again);
		}
		explicit_bzero(pw, strlen(pw));
		free(pw);
		return NULL;
	}
	explicit_bzero(again, strlen(again));
	free(again);
	return pw;
}

static void wipe(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static int finish(gn_ctx *ctx, gn_status st, gn_err *err)
{
	gn_db_close(ctx->db);
	return st == GN_OK ? GN_EXIT_OK : gn_cli_fail(err);
}

/* ---- gonha user ---------------------------------------------------------- */

static int user_list(gn_ctx *ctx)
{
	gn_user_info *users = NULL;
	size_t n = 0;
	gn_err err = { 0 };
	gn_status st = gn_user_list(ctx, &users, &n, &err);
	if (st == GN_OK) {
		gn_cli_print(stdout, "%-20s %-14s %-10s %-20s %s\n", _("USER"), _("ROLE"), _("STATE"), _("TDPS"), _("NAME"));
		for (size_t i = 0; i < n; i++) {
			const gn_user_info *u = &users[i];
			gn_cli_print(stdout, "%-20s %-14s %-10s %-20s %s\n", u->login, gn_role_name(u->role),
			       u->disabled ? _("disabled") : _("active"),
			       u->role == GN_ROLE_WARD_OFFICER ? _("(all)") : u->tdp_codes, u->display_name);
		}
	}
	free(users);
	return finish(ctx, st, &err);
}

/* user add LOGIN: the password asked after every other check, so none is
 * thrown away. Returns an exit status when it stops early (-1 otherwise,
 * with *st set). */
static int user_add(gn_ctx *ctx, const acc_args *a, const char *login, gn_status *st, gn_err *err)
{
	gn_role role = GN_ROLE_TDP_LEADER;
	if (a->role && !gn_role_from_name(a->role, &role)) {
		gn_db_close(ctx->db);
		return gn_cli_usage(_("--role takes ward_officer, tdp_leader or tech_team"));
	}
	/* Refuse before asking for a password that would be thrown away. */
	if ((*st = gn_scope_require_officer(ctx, err)) != GN_OK || (*st = gn_login_validate(login, err)) != GN_OK)
		return finish(ctx, *st, err);
	char **codes = gn_tdp_codes_split(a->tdp);
	char *pw = codes ? new_password() : NULL;
	if (!pw) {
		free(codes);
		gn_db_close(ctx->db);
		return codes ? gn_cli_usage(_("a new password is needed: run in a terminal or set GONHA_NEW_PASSWORD"))
		             : GN_EXIT_ERROR;
	}
	*st = gn_user_add(ctx, login, a->name, role, pw, (const char *const *)codes, err);
	wipe(pw);
	free(codes);
	if (*st == GN_OK)
		gn_cli_print(stdout, _("Added %s (%s).\n"), login, gn_role_label(role));
	return -1;
}

/* user passwd [LOGIN]: one's own (the current password again) or, for a
 * ward officer, another's. Same returns as user_add. */
static int user_passwd(gn_ctx *ctx, const char *login, gn_status *st, gn_err *err)
{
	bool self = !login || strcmp(login, ctx->user.login) == 0;
	char *current = NULL;
	if (self) {
		/* The current password again: a signed-in terminal is not enough. */
		const char *env = getenv("GONHA_PASSWORD");
		current = env ? strdup(env) : gn_cli_prompt(_("Current password: "), 1);
		if (!current) {
			gn_db_close(ctx->db);
			return gn_cli_usage(_("the current password is needed: run in a terminal or set GONHA_PASSWORD"));
		}
	} else if ((*st = gn_scope_require_officer(ctx, err)) != GN_OK) {
		return finish(ctx, *st, err);
	}
	char *pw = new_password();
	if (!pw) {
		wipe(current);
		gn_db_close(ctx->db);
		return gn_cli_usage(_("a new password is needed: run in a terminal or set GONHA_NEW_PASSWORD"));
	}
	*st = self ? gn_user_change_own_password(ctx, current, pw, err)
	          : gn_user_reset_password(ctx, login, pw, err);
	wipe(pw);
	wipe(current);
	if (*st == GN_OK)
		gn_cli_print(stdout, _("The password of %s was changed.\n"), self ? ctx->user.login : login);
	return -1;
}

int gn_cmd_user(gn_cli *cli, int argc, char **argv)
{
	acc_args a;
	int rc = parse(cli, argc, argv, &a);
	if (rc >= 0)
		return rc;
	if (a.n_args < 1)
		return gn_cli_usage(_("user needs one of: add, passwd, list, disable, enable, assign (see gonha --help)"));
	const char *sub = argv[a.first_arg];
	const char *login = a.n_args > 1 ? argv[a.first_arg + 1] : NULL;
	if (a.n_args > 2)
		return gn_cli_usage(_("%s: unexpected argument %s"), argv[0], argv[a.first_arg + 2]);
	bool known = false;
	static const char *const subs[] = { "add", "passwd", "list", "disable", "enable", "assign" };
	for (size_t i = 0; i < sizeof subs / sizeof *subs; i++)
		known = known || strcmp(sub, subs[i]) == 0;
	if (!known)
		return gn_cli_usage(_("user needs one of: add, passwd, list, disable, enable, assign (see gonha --help)"));
	if (strcmp(sub, "list") != 0 && strcmp(sub, "passwd") != 0 && !login)
		return gn_cli_usage(_("user %s needs a user name"), sub);
	if ((a.role || a.name) && strcmp(sub, "add") != 0)
		return gn_cli_usage(_("--role and --name go with user add"));
	if (a.tdp && strcmp(sub, "add") != 0 && strcmp(sub, "assign") != 0)
		return gn_cli_usage(_("--tdp goes with user add and user assign"));

	gn_ctx ctx;
	if ((rc = gn_cli_open_signed_in(cli, a.db, 0, &ctx)) != 0)
		return rc;
	gn_err err = { 0 };
	gn_status st = GN_OK;

	if (strcmp(sub, "list") == 0)
		return user_list(&ctx);
	int early = -1;
	if (strcmp(sub, "add") == 0) {
		if ((early = user_add(&ctx, &a, login, &st, &err)) >= 0)
			return early;
	} else if (strcmp(sub, "passwd") == 0) {
		if ((early = user_passwd(&ctx, login, &st, &err)) >= 0)
			return early;
	} else if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
		bool disable = strcmp(sub, "disable") == 0;
		st = gn_user_set_disabled(&ctx, login, disable, &err);
		if (st == GN_OK)
			gn_cli_print(stdout, disable ? _("%s can no longer sign in.\n") : _("%s can sign in again.\n"), login);
	} else { /* assign */
		if (!a.tdp) {
			gn_db_close(ctx.db);
			return gn_cli_usage(_("user assign needs --tdp CODE[,CODE...]"));
		}
		char **codes = gn_tdp_codes_split(a.tdp);
		st = codes ? gn_user_assign(&ctx, login, (const char *const *)codes, &err)
		           : gn_fail(&err, GN_ERR_NOMEM, _("out of memory"));
		free(codes);
		if (st == GN_OK)
			gn_cli_print(stdout, _("%s now works on TDP %s.\n"), login, a.tdp);
	}
	if (st == GN_OK)
		daily_snapshot(&ctx, cli, &a);
	return finish(&ctx, st, &err);
}

/* ---- gonha audit --------------------------------------------------------- */

int gn_cmd_audit(gn_cli *cli, int argc, char **argv)
{
	acc_args a;
	int rc = parse(cli, argc, argv, &a);
	if (rc >= 0 || (rc = no_args(argv, &a)))
		return rc;
	gn_ctx ctx;
	if ((rc = gn_cli_open_signed_in(cli, a.db, 0, &ctx)) != 0)
		return rc;
	gn_audit_filter f = {
		.user_login = a.user, .record_id = a.record, .tdp = a.tdp, .since = a.since,
		.until = a.until, .action = a.action, .table_name = a.table, .oldest_first = true,
	};
	gn_err err = { 0 };
	gn_status st;
	if (a.out) {
		long rows = 0;
		st = gn_audit_export_csv(&ctx, &f, a.out, &rows, &err);
		if (st == GN_OK)
			gn_cli_print(stdout, ngettext("Wrote %ld audit entry to %s.\n", "Wrote %ld audit entries to %s.\n", (unsigned long)rows),
			             rows, a.out);
		return finish(&ctx, st, &err);
	}
	gn_audit_entry *e = NULL;
	size_t n = 0;
	st = gn_audit_query(&ctx, &f, &e, &n, NULL, &err);
	for (size_t i = 0; st == GN_OK && i < n; i++)
		gn_cli_print(stdout, "%ld\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e[i].id, e[i].at, e[i].user_login, e[i].action,
		       e[i].table_name, e[i].record_id, e[i].tdp_code, e[i].changes);
	gn_audit_entries_free(e, n);
	return finish(&ctx, st, &err);
}

/* ---- gonha erase --------------------------------------------------------- */

int gn_cmd_erase(gn_cli *cli, int argc, char **argv)
{
	acc_args a;
	int rc = parse(cli, argc, argv, &a);
	if (rc >= 0 || (rc = no_args(argv, &a)))
		return rc;
	if (!a.person || !*a.person)
		return gn_cli_usage(_("erase needs --person ID"));
	gn_ctx ctx;
	if ((rc = gn_cli_open_signed_in(cli, a.db, 0, &ctx)) != 0)
		return rc;
	gn_err err = { 0 };
	gn_status st = gn_scope_require_officer(&ctx, &err);
	if (st != GN_OK)
		return finish(&ctx, st, &err);
	if (!a.yes) {
		char question[256];
		snprintf(question, sizeof question,
		         _("Erase every personal detail of person %s for good? Type yes: "), a.person);
		char *answer = gn_cli_prompt(question, 0);
		bool yes = answer && (strcmp(answer, "yes") == 0 || strcmp(answer, "có") == 0);
		free(answer);
		if (!yes) {
			gn_db_close(ctx.db);
			return gn_cli_usage(_("nothing was erased (confirm in a terminal, or add --yes)"));
		}
	}
	st = gn_person_erase(&ctx, a.person, &err);
	if (st == GN_OK)
		gn_cli_print(stdout, _("The personal data of %s was erased; the audit log keeps that it happened.\n"), a.person);
	return finish(&ctx, st, &err);
}

/* ---- gonha config -------------------------------------------------------- */

int gn_cmd_config(gn_cli *cli, int argc, char **argv)
{
	acc_args a;
	int rc = parse(cli, argc, argv, &a);
	if (rc >= 0 || (rc = no_args(argv, &a)))
		return rc;
	long minutes = 0;
	if (a.idle && gn_cli_parse_int(a.idle, GN_IDLE_LOCK_MIN, GN_IDLE_LOCK_MAX, &minutes))
		return gn_cli_usage(_("--idle-lock takes a number of minutes from %d to %d"), GN_IDLE_LOCK_MIN,
		                    GN_IDLE_LOCK_MAX);
	gn_ctx ctx;
	if ((rc = gn_cli_open_signed_in(cli, a.db, 0, &ctx)) != 0)
		return rc;
	gn_err err = { 0 };
	gn_status st = GN_OK;
	bool changed = false;
	if (a.idle) {
		st = gn_idle_lock_set(&ctx, (int)minutes, &err);
		changed = st == GN_OK;
	}
	for (int k = 0; k < GN_DOC_KEYS && st == GN_OK; k++)
		if (a.doc[k]) {
			st = gn_doc_setting_set(&ctx, (gn_doc_key)k, a.doc[k], &err);
			changed = st == GN_OK;
		}
	if (changed)
		daily_snapshot(&ctx, cli, &a);
	if (st == GN_OK) {
		gn_cli_print(stdout, "idle_lock_minutes=%d\n", gn_idle_lock_minutes(ctx.db));
		for (int k = 0; k < GN_DOC_KEYS; k++) {
			char *v = gn_doc_setting(ctx.db, (gn_doc_key)k);
			gn_cli_print(stdout, "report_%s=%s\n", gn_doc_key_name((gn_doc_key)k), v ? v : "");
			free(v);
		}
	}
	return finish(&ctx, st, &err);
}

/* ---- gonha recover -------------------------------------------------------- */

/* Every officer password lost: the recovery code and a new password for a
 * ward officer's account. No sign-in: that is what is lost. */
int gn_cmd_recover(gn_cli *cli, int argc, char **argv)
{
	acc_args a;
	int rc = parse(cli, argc, argv, &a);
	if (rc >= 0 || (rc = no_args(argv, &a)))
		return rc;
	if (!a.user || !*a.user)
		return gn_cli_usage(_("recover needs --user LOGIN (the ward officer's account to open again)"));
	char path[PATH_MAX];
	gn_err err = { 0 };
	sqlite3 *db = NULL;
	if (gn_db_path(a.db ? a.db : cli->db_path, path, sizeof path, &err) != GN_OK ||
	    gn_db_open(path, 0, &db, &err) != GN_OK)
		return gn_cli_fail(&err);
	gn_backup_sweep_restores(db, path);
	const char *env = getenv("GONHA_RECOVERY_CODE");
	char *code = env ? strdup(env) : gn_cli_prompt(_("Recovery code: "), 1);
	if (!code) {
		gn_db_close(db);
		return gn_cli_usage(_("the recovery code is needed: run in a terminal or set GONHA_RECOVERY_CODE"));
	}
	char *pw = new_password();
	if (!pw) {
		wipe(code);
		gn_db_close(db);
		return gn_cli_usage(_("a new password is needed: run in a terminal or set GONHA_NEW_PASSWORD"));
	}
	gn_status st = gn_user_recover(db, code, a.user, pw, &err);
	wipe(pw);
	wipe(code);
	gn_db_close(db);
	if (st != GN_OK)
		return gn_cli_fail(&err);
	gn_cli_print(stdout, _("%s can sign in again with the new password.\n"), a.user);
	return GN_EXIT_OK;
}

/* ---- gonha backup / restore ---------------------------------------------- */

int gn_cmd_backup(gn_cli *cli, int argc, char **argv)
{
	acc_args a;
	int rc = parse(cli, argc, argv, &a);
	if (rc >= 0 || (rc = no_args(argv, &a)))
		return rc;
	gn_ctx ctx;
	if ((rc = gn_cli_open_signed_in(cli, a.db, 0, &ctx)) != 0)
		return rc;
	gn_err err = { 0 };
	gn_status st = gn_scope_require_officer(&ctx, &err);
	if (st == GN_OK && a.seal && !a.out) {
		gn_db_close(ctx.db);
		return gn_cli_usage(_("backup --seal needs --out FILE"));
	}
	if (st == GN_OK && a.seal) {
		char path[PATH_MAX], *secret = gn_cli_passphrase(true);
		db_path_of(cli, &a, path);
		st = secret ? gn_backup_sealed(&ctx, path, a.out, secret, &err)
		            : gn_fail(&err, GN_ERR_INVALID, "%s", _("no passphrase given; nothing was made"));
		gn_cli_forget(secret);
		if (st == GN_OK)
			gn_cli_print(stdout, _("Backed up, sealed, to %s: keep the passphrase apart from it.\n"), a.out);
	} else if (st == GN_OK && a.out) {
		st = gn_backup_to_file(&ctx, a.out, &err);
		if (st == GN_OK)
			gn_cli_print(stdout, _("Backed up to %s.\n"), a.out);
	} else if (st == GN_OK) {
		char path[PATH_MAX], made[PATH_MAX + 64];
		db_path_of(cli, &a, path);
		st = gn_backup_auto(ctx.db, path, true, NULL, made, sizeof made, &err);
		if (st == GN_OK)
			gn_cli_print(stdout, _("Backed up to %s.\n"), made[0] ? made : _("(a snapshot made this second)"));
	}
	return finish(&ctx, st, &err);
}

int gn_cmd_snapshot_daily(gn_cli *cli, int argc, char **argv)
{
	acc_args a;
	int rc = parse(cli, argc, argv, &a);
	if (rc >= 0 || (rc = no_args(argv, &a)))
		return rc;
	char path[PATH_MAX];
	gn_err err = { 0 };
	db_path_of(cli, &a, path);
	if (!path[0])
		return gn_cli_usage(_("no database file given"));
	if (gn_backup_daily(path, NULL, NULL, 0, &err) != GN_OK)
		return gn_cli_fail(&err);
	return 0;
}

int gn_cmd_restore(gn_cli *cli, int argc, char **argv)
{
	acc_args a;
	int rc = parse(cli, argc, argv, &a);
	if (rc >= 0 || (rc = no_args(argv, &a)))
		return rc;
	if (!a.from || !*a.from)
		return gn_cli_usage(_("restore needs --from FILE"));
	gn_ctx ctx;
	if ((rc = gn_cli_open_signed_in(cli, a.db, 0, &ctx)) != 0)
		return rc;
	char path[PATH_MAX], kept[PATH_MAX + 64];
	gn_err err = { 0 };
	db_path_of(cli, &a, path);
	gn_status st;
	if (gn_sealed_is(a.from)) {
		/* whose ward it is, before a passphrase is asked for */
		char *secret = NULL;
		st = gn_restore_sealed_check(&ctx, a.from, a.other_ward, &err);
		if (st == GN_OK)
			secret = gn_cli_passphrase(false);
		if (st == GN_OK)
			st = secret ? gn_restore_sealed(&ctx, path, a.from, secret, a.other_ward, kept, sizeof kept, &err)
			            : gn_fail(&err, GN_ERR_INVALID, "%s", _("no passphrase given; nothing was changed"));
		gn_cli_forget(secret);
	} else {
		st = gn_restore(&ctx, path, a.from, a.other_ward, kept, sizeof kept, &err);
	}
	if (st == GN_OK) {
		gn_cli_print(stdout, _("Restored %s from %s.\n"), path, a.from);
		gn_cli_print(stdout, _("The database as it was before is kept in %s.\n"), kept);
	} else if (st == GN_ERR_CONFLICT && !a.other_ward && gn_restore_check(ctx.db, a.from, true, NULL) == GN_OK) {
		/* The only thing wrong is whose ward it is. */
		gn_db_close(ctx.db);
		rc = gn_cli_fail(&err);
		gn_cli_print(stderr, "gonha: %s\n", _("to replace this ward's data with it anyway, add --other-ward"));
		return rc;
	}
	return finish(&ctx, st, &err);
}
