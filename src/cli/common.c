#include "cli.h"
#include "gonha/domain/wardkey.h"
#include "gonha/domain/backup.h"
#include "gonha/text/text.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"

#include <errno.h>
#include <sodium.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Everything a command prints that may hold text from outside (a file's
 * cell, an argument, the database) is shown through gn_text_safe: no
 * escape sequence or control character reaches the terminal. */
void gn_cli_vprint(FILE *f, const char *fmt, va_list ap)
{
	char *text = NULL;
	if (vasprintf(&text, fmt, ap) < 0 || !text)
		return;
	size_t size = strlen(text) * 3 + 4; /* an invalid byte may become U+FFFD */
	char *safe = malloc(size);
	if (safe) {
		gn_text_safe(text, safe, size);
		fputs(safe, f);
	}
	free(safe);
	free(text);
}

void gn_cli_print(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gn_cli_vprint(f, fmt, ap);
	va_end(ap);
}

int gn_cli_fail(const gn_err *err)
{
	const char *msg = err->msg[0] ? err->msg : gn_status_str(err->status);
	gn_cli_print(stderr, "gonha: %s\n", msg);
	switch (err->status) {
	case GN_ERR_INVALID:
	case GN_ERR_DENIED:
	case GN_ERR_NOT_GONHA:
	case GN_ERR_VERSION:
	case GN_ERR_NOT_FOUND:
	case GN_ERR_CONFLICT:
	case GN_ERR_STALE:
		return GN_EXIT_USAGE;
	default:
		return GN_EXIT_ERROR;
	}
}

int gn_cli_usage(const char *fmt, ...)
{
	va_list ap;
	fputs("gonha: ", stderr);
	va_start(ap, fmt);
	gn_cli_vprint(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return GN_EXIT_USAGE;
}

int gn_cli_parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

char *gn_cli_prompt(const char *question, int secret)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	FILE *tty = fdopen(fd, "r+");
	if (!tty) {
		close(fd);
		return NULL;
	}
	struct termios old, quiet;
	int restore = 0;
	fputs(question, tty);
	fflush(tty);
	if (secret && tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, tty);
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &old);
		fputc('\n', tty);
	}
	fclose(tty);
	if (n < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

void gn_cli_recovery_code(const char *code)
{
	if (!code || !*code)
		return;
	gn_cli_print(stdout, _("Recovery code for the citizen ID numbers: %s\n"
	                       "Write it down and keep it locked away: it is shown only this once. With it a ward "
	                       "officer can open the numbers if every officer password is lost (gonha recover).\n"),
	             code);
}

/* What the sign-in did with the ward key, said once. */
static void say_key_news(const gn_key_news *news)
{
	if (news->sealed_now) {
		gn_cli_print(stderr, ngettext("gonha: %ld citizen ID number is now stored encrypted (copy made before: %s)\n",
		                              "gonha: %ld citizen ID numbers are now stored encrypted (copy made before: %s)\n",
		                              (unsigned long)news->sealed_numbers),
		             news->sealed_numbers, news->backup_path[0] ? news->backup_path : "-");
		if (news->sealed_copies > 0)
			gn_cli_print(stderr, ngettext("gonha: %d copy made before, which held the numbers in clear, is now "
			                              "sealed: it opens with the recovery code as its passphrase\n",
			                              "gonha: %d copies made before, which held the numbers in clear, are now "
			                              "sealed: they open with the recovery code as their passphrase\n",
			                              (unsigned long)news->sealed_copies),
			             news->sealed_copies);
		gn_cli_recovery_code(news->recovery_code);
	}
	if (news->waiting)
		gn_cli_print(stderr, "gonha: %s\n",
		             _("this account has no key to citizen ID numbers yet: they are shown masked until a ward "
		               "officer has signed in once after you"));
	if (news->given > 0)
		gn_cli_print(stderr, ngettext("gonha: %d account was given the key to citizen ID numbers\n",
		                              "gonha: %d accounts were given the key to citizen ID numbers\n",
		                              (unsigned long)news->given),
		             news->given);
}

int gn_cli_open_signed_in(gn_cli *cli, const char *db_opt, int db_flags, gn_ctx *ctx)
{
	char path[PATH_MAX];
	gn_err err = { 0 };
	static gn_key_news news;
	memset(ctx, 0, sizeof *ctx);
	ctx->key_news = &news;
	if (gn_db_path(db_opt ? db_opt : cli->db_path, path, sizeof path, &err) != GN_OK ||
	    gn_db_open(path, db_flags, &ctx->db, &err) != GN_OK)
		return gn_cli_fail(&err);
	if (!(db_flags & GN_DB_READONLY))
		gn_backup_sweep_restores(ctx->db, path);

	char *login = getenv("GONHA_USER") ? strdup(getenv("GONHA_USER")) : NULL;
	char *password = getenv("GONHA_PASSWORD") ? strdup(getenv("GONHA_PASSWORD")) : NULL;
	if (!login)
		login = gn_cli_prompt(_("User name: "), 0);
	if (login && !password)
		password = gn_cli_prompt(_("Password: "), 1);
	int rc = GN_EXIT_OK;
	if (!login || !password) {
		gn_cli_print(stderr, "gonha: %s\n", _("sign-in needed: set GONHA_USER and GONHA_PASSWORD or run in a terminal"));
		rc = GN_EXIT_USAGE;
	} else if (gn_sign_in(ctx, login, password, &err) != GN_OK) {
		rc = gn_cli_fail(&err);
	} else {
		say_key_news(&news);
		sodium_memzero(news.recovery_code, sizeof news.recovery_code);
	}
	if (password) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	free(login);
	if (rc != GN_EXIT_OK) {
		gn_db_close(ctx->db);
		ctx->db = NULL;
	}
	return rc;
}

/* The passphrase of a sealed copy: $GONHA_PASSPHRASE, or asked (twice
 * when sealing: a typo would lock the copy for good). malloc'd, or NULL. */
char *gn_cli_passphrase(bool twice)
{
	const char *env = getenv("GONHA_PASSPHRASE");
	if (env)
		return strdup(env);
	char *p = gn_cli_prompt(_("Passphrase of the sealed copy: "), 1);
	if (!p || !twice)
		return p;
	char *again = gn_cli_prompt(_("The same passphrase again: "), 1);
	bool same = again && strcmp(p, again) == 0;
	if (again) {
		explicit_bzero(again, strlen(again));
		free(again);
	}
	if (!same) {
		explicit_bzero(p, strlen(p));
		free(p);
		gn_cli_print(stderr, "gonha: %s\n", _("the two passphrases differ; nothing was made"));
		return NULL;
	}
	return p;
}

void gn_cli_forget(char *secret)
{
	if (secret) {
		explicit_bzero(secret, strlen(secret));
		free(secret);
	}
}
