/* End to end, through the real binary ($GONHA_BIN) signing in with
 * GONHA_USER/GONHA_PASSWORD: the permission matrix of every headless
 * command, sign-in refusals, the growing delay, file modes, backup and
 * restore, and bad input. */
#include "testlib.h"
#include "gonha/storage/db.h"

#include <fcntl.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char out_text[16384], err_text[16384];
static char db[600], tmp[512], person[64];

static const char *bin(void)
{
	const char *b = getenv("GONHA_BIN");
	return b && *b ? b : "./gonha";
}

static void slurp(const char *path, char *buf, size_t size)
{
	buf[0] = '\0';
	FILE *fp = fopen(path, "r");
	if (!fp)
		return;
	size_t n = fread(buf, 1, size - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

/* Runs gonha with args (NULL-terminated) as `user`/`password` (NULL: unset)
 * and extra "NAME=value" environment (or NULL); returns the exit status and
 * leaves stdout/stderr in out_text/err_text. Never reads a terminal: the
 * child has no controlling tty. */
static int run_env(const char *user, const char *password, const char *extra_env, const char *const *args)
{
	char out_path[600], err_path[600];
	snprintf(out_path, sizeof out_path, "%s/out.txt", tmp);
	snprintf(err_path, sizeof err_path, "%s/err.txt", tmp);
	pid_t pid = fork();
	if (pid == 0) {
		setsid(); /* no /dev/tty: a missing password is an error, not a prompt */
		int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(o, 1);
		dup2(e, 2);
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		unsetenv("GONHA_USER");
		unsetenv("GONHA_PASSWORD");
		unsetenv("GONHA_NEW_PASSWORD");
		if (user)
			setenv("GONHA_USER", user, 1);
		if (password)
			setenv("GONHA_PASSWORD", password, 1);
		if (extra_env)
			putenv((char *)extra_env);
		setenv("GONHA_LANG", "en", 1);
		const char *argv[40] = { bin() };
		int n = 1;
		for (; args[n - 1] && n < 39; n++)
			argv[n] = args[n - 1];
		argv[n] = NULL;
		execv(bin(), (char *const *)argv);
		_exit(127);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	slurp(out_path, out_text, sizeof out_text);
	slurp(err_path, err_text, sizeof err_text);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

#define RUN(user, pw, ...) run_env(user, pw, NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define RUN_ENV(user, pw, env, ...) run_env(user, pw, env, (const char *const[]){ __VA_ARGS__, NULL })

static int mode_of(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (int)(sb.st_mode & 0777) : -1;
}

static void file_hash(const char *path, char out[65])
{
	unsigned char h[32], buf[8192];
	crypto_generichash_state s;
	out[0] = '\0';
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return;
	crypto_generichash_init(&s, NULL, 0, sizeof h);
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		crypto_generichash_update(&s, buf, n);
	fclose(fp);
	crypto_generichash_final(&s, h, sizeof h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* A demo ward of three TDPs (admin, tdp01..tdp03, password "demo") in a
 * fresh file; `person` is a person of TDP 02. */
static void setup(void)
{
	static int n;
	snprintf(tmp, sizeof tmp, "%s", gn_test_tmpdir());
	snprintf(db, sizeof db, "%s/ward%d.db", tmp, ++n);
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	if (RUN(NULL, NULL, "demo", "--db", db, "--tdps", "3", "--households", "3") != 0) {
		fprintf(stderr, "setup: %s", err_text);
		exit(2);
	}
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	person[0] = '\0';
	sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL);
	if (sqlite3_prepare_v2(h, "SELECT p.id FROM person p JOIN tdp t ON t.id = p.tdp_id WHERE t.code = '02' "
	                       "AND p.deleted = 0 LIMIT 1", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		snprintf(person, sizeof person, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
}

/* ---- the permission matrix ----------------------------------------------
 * One row per (command, who): the arguments ({DB}, {TMP}, {PERSON} are
 * filled in), the expected exit status and a piece of the expected
 * message. Rows whose command this build does not have yet (others are
 * building export, import, report, list) are skipped with a note, so they
 * start counting the day the command lands. */
typedef struct matrix_row {
	const char *args;   /* space separated */
	const char *user;   /* password "demo" */
	int exit_status;
	const char *says;   /* in stdout or stderr, or NULL */
	const char *must_not_exist; /* a file the command must not have made, or NULL */
} matrix_row;

#define NOT_YOURS "this TDP is not yours"
#define OFFICER_ONLY "only a ward officer may do this"

static const matrix_row matrix[] = {
	/* check reads every TDP */
	{ "check --db {DB}", "admin", 0, "no problems found", NULL },
	{ "check --db {DB}", "tdp01", 2, OFFICER_ONLY, NULL },
	/* accounts */
	{ "user list --db {DB}", "tdp01", 2, OFFICER_ONLY, NULL },
	{ "user list --db {DB}", "admin", 0, "tdp03", NULL },
	{ "user add mallory --role ward_officer --db {DB}", "tdp01", 2, OFFICER_ONLY, NULL },
	{ "user assign tdp01 --tdp 02 --db {DB}", "tdp01", 2, OFFICER_ONLY, NULL },
	{ "user disable tdp02 --db {DB}", "tdp01", 2, OFFICER_ONLY, NULL },
	{ "user enable tdp02 --db {DB}", "tdp01", 2, OFFICER_ONLY, NULL },
	{ "user passwd tdp02 --db {DB}", "tdp01", 2, OFFICER_ONLY, NULL },
	/* the audit log */
	{ "audit --db {DB}", "tdp01", 2, OFFICER_ONLY, NULL },
	{ "audit --db {DB} --out {TMP}/leak.csv", "tdp01", 2, OFFICER_ONLY, "{TMP}/leak.csv" },
	{ "audit --db {DB} --tdp 01", "tdp01", 2, OFFICER_ONLY, NULL },
	{ "audit --db {DB}", "admin", 0, NULL, NULL },
	/* privacy */
	{ "erase --db {DB} --person {PERSON} --yes", "tdp01", 2, OFFICER_ONLY, NULL },
	{ "erase --db {DB} --person {PERSON} --yes", "tdp02", 2, OFFICER_ONLY, NULL },
	/* settings */
	{ "config --db {DB} --idle-lock 1", "tdp01", 2, OFFICER_ONLY, NULL },
	{ "config --db {DB}", "tdp01", 0, "idle_lock_minutes=10", NULL },
	/* backups hold every TDP */
	{ "backup --db {DB} --out {TMP}/leak.db", "tdp01", 2, OFFICER_ONLY, "{TMP}/leak.db" },
	{ "backup --db {DB}", "tdp01", 2, OFFICER_ONLY, NULL },
	{ "restore --db {DB} --from {DB}", "tdp01", 2, OFFICER_ONLY, NULL },
	/* other TDPs' data through the census commands, when they exist */
	{ "export --db {DB} --what persons --tdp 02 --out {TMP}/other.csv", "tdp01", 2, NOT_YOURS, "{TMP}/other.csv" },
	{ "export --db {DB} --what households --tdp 02 --out {TMP}/other-h.csv", "tdp01", 2, NOT_YOURS, "{TMP}/other-h.csv" },
	{ "report --db {DB} --tdp 02", "tdp01", 2, NOT_YOURS, NULL },
	{ "list --db {DB} --tdp 02", "tdp01", 2, NOT_YOURS, NULL },
};

/* Replaces the placeholders; returns a malloc'd string. */
static char *fill(const char *s)
{
	char *out = malloc(4096);
	size_t o = 0;
	while (*s && o < 4000) {
		const char *v = NULL;
		size_t skip = 0;
		if (strncmp(s, "{DB}", 4) == 0) v = db, skip = 4;
		else if (strncmp(s, "{TMP}", 5) == 0) v = tmp, skip = 5;
		else if (strncmp(s, "{PERSON}", 8) == 0) v = person, skip = 8;
		if (v) {
			o += (size_t)snprintf(out + o, 4096 - o, "%s", v);
			s += skip;
		} else {
			out[o++] = *s++;
		}
	}
	out[o] = '\0';
	return out;
}

static void permission_matrix(void)
{
	setup();
	int ran = 0;
	for (size_t i = 0; i < sizeof matrix / sizeof *matrix; i++) {
		const matrix_row *r = &matrix[i];
		char *line = fill(r->args);
		const char *args[32];
		int n = 0;
		for (char *save = NULL, *tok = strtok_r(line, " ", &save); tok && n < 31; tok = strtok_r(NULL, " ", &save))
			args[n++] = tok;
		args[n] = NULL;
		int status = run_env(r->user, "demo", NULL, args);
		ran++;
		if (status != r->exit_status || (r->says && !strstr(out_text, r->says) && !strstr(err_text, r->says))) {
			gn_test_failed = 1;
			fprintf(stderr, "  row %zu: %s as %s: exit %d (want %d); said: %s%s\n", i, r->args, r->user, status,
			        r->exit_status, out_text, err_text);
		}
		if (r->must_not_exist) {
			char *path = fill(r->must_not_exist);
			if (access(path, F_OK) == 0) {
				gn_test_failed = 1;
				fprintf(stderr, "  row %zu: %s exists\n", i, path);
			}
			free(path);
		}
		free(line);
	}
	CHECK_EQ_INT(ran, (int)(sizeof matrix / sizeof *matrix));
}

static void sign_in_refusals_and_delay(void)
{
	setup();
	CHECK_EQ_INT(RUN("admin", "wrong", "user", "list", "--db", db), 2);
	CHECK(strstr(err_text, "wrong user name or password") != NULL);
	CHECK_EQ_INT(RUN("nobody", "demo", "user", "list", "--db", db), 2);
	CHECK(strstr(err_text, "wrong user name or password") != NULL);
	CHECK_EQ_INT(RUN("admin", NULL, "user", "list", "--db", db), 2); /* no password, no terminal */
	CHECK(strstr(err_text, "GONHA_PASSWORD") != NULL);
	/* Same clock second: the right password must wait too. */
	CHECK_EQ_INT(RUN("admin", "demo", "user", "list", "--db", db), 2);
	CHECK(strstr(err_text, "wait 1 second,") != NULL);
	setenv("GONHA_NOW", "2026-11-20T09:00:05Z", 1);
	CHECK_EQ_INT(RUN("admin", "demo", "user", "list", "--db", db), 0);
	/* A disabled user cannot sign in; enabled again, they can. */
	CHECK_EQ_INT(RUN("admin", "demo", "user", "disable", "tdp02", "--db", db), 0);
	CHECK_EQ_INT(RUN("tdp02", "demo", "config", "--db", db), 2);
	CHECK(strstr(err_text, "disabled") != NULL);
	CHECK_EQ_INT(RUN("admin", "demo", "user", "enable", "tdp02", "--db", db), 0);
	CHECK_EQ_INT(RUN("tdp02", "demo", "config", "--db", db), 0);
}

static void accounts_through_the_command_line(void)
{
	setup();
	/* Bad user names and passwords: a clear message, nothing added. */
	CHECK_EQ_INT(RUN_ENV("admin", "demo", "GONHA_NEW_PASSWORD=pw-1234", "user", "add", "", "--tdp", "01", "--db", db), 2);
	CHECK(strstr(err_text, "user name is empty") != NULL);
	CHECK_EQ_INT(RUN_ENV("admin", "demo", "GONHA_NEW_PASSWORD=pw-1234", "user", "add",
	                     "a-very-long-user-name-for-one-tdp-leader", "--tdp", "01", "--db", db), 2);
	CHECK(strstr(err_text, "too long") != NULL);
	CHECK_EQ_INT(RUN_ENV("admin", "demo", "GONHA_NEW_PASSWORD=", "user", "add", "hoa", "--tdp", "01", "--db", db), 2);
	CHECK(strstr(err_text, "password is empty") != NULL);
	CHECK_EQ_INT(RUN_ENV("admin", "demo", "GONHA_NEW_PASSWORD=pw-1234", "user", "add", "hoa", "--role", "boss",
	                     "--tdp", "01", "--db", db), 2);
	CHECK_EQ_INT(RUN("admin", "demo", "user", "list", "--db", db), 0);
	CHECK(strstr(out_text, "hoa") == NULL);
	/* A Vietnamese password, set precomposed, signs in typed decomposed. */
	CHECK_EQ_INT(RUN_ENV("admin", "demo", "GONHA_NEW_PASSWORD=Hoà bình 2026", "user", "add", "hoa",
	                     "--role", "tech_team", "--name", "Lê Thị Hoà", "--tdp", "01,03", "--db", db), 0);
	CHECK_EQ_INT(RUN("hoa", "Hoa\xcc\x80 bi\xcc\x80nh 2026", "config", "--db", db), 0);
	/* Her own password: she needs the current one (GONHA_PASSWORD). */
	CHECK_EQ_INT(RUN_ENV("hoa", "Hoà bình 2026", "GONHA_NEW_PASSWORD=mới-2027", "user", "passwd", "--db", db), 0);
	CHECK_EQ_INT(RUN("hoa", "mới-2027", "config", "--db", db), 0);
	CHECK_EQ_INT(RUN("admin", "demo", "user", "assign", "hoa", "--tdp", "02", "--db", db), 0);
	CHECK_EQ_INT(RUN("admin", "demo", "user", "list", "--db", db), 0);
	CHECK(strstr(out_text, "tech_team") != NULL);
	CHECK_EQ_INT(RUN("admin", "demo", "audit", "--db", db, "--table", "users"), 0);
	CHECK(strstr(out_text, "\"password\":[\"\",\"changed\"]") != NULL);
	CHECK(strstr(out_text, "\"tdps\":[\"01,03\",\"02\"]") != NULL);
	CHECK(strstr(out_text, "argon2") == NULL);
	CHECK_EQ_INT(RUN("admin", "demo", "config", "--db", db, "--idle-lock", "0"), 2);
	CHECK_EQ_INT(RUN("admin", "demo", "config", "--db", db, "--idle-lock", "15"), 0);
	CHECK(strstr(out_text, "idle_lock_minutes=15") != NULL);
}

static void files_are_private(void)
{
	setup();
	mode_t old = umask(0); /* inherited by gonha: the modes must not depend on it */
	char path[700], wdb[600];
	snprintf(wdb, sizeof wdb, "%s/fresh.db", tmp);
	CHECK_EQ_INT(RUN(NULL, "secret1", "init", "--db", wdb, "--ward", "Phường Mới", "--tdps", "2"), 0);
	CHECK_EQ_INT(mode_of(wdb), 0600);
	snprintf(path, sizeof path, "%s/audit.csv", tmp);
	CHECK_EQ_INT(RUN("admin", "demo", "audit", "--db", db, "--out", path), 0);
	CHECK_EQ_INT(mode_of(path), 0600);
	CHECK_EQ_INT(RUN("admin", "demo", "audit", "--db", db, "--out", path), 2); /* never overwritten */
	snprintf(path, sizeof path, "%s/copy.db", tmp);
	CHECK_EQ_INT(RUN("admin", "demo", "backup", "--db", db, "--out", path), 0);
	CHECK_EQ_INT(mode_of(path), 0600);
	snprintf(path, sizeof path, "%s/copy.db.manifest", tmp);
	CHECK_EQ_INT(mode_of(path), 0600);
	CHECK_EQ_INT(RUN("admin", "demo", "backup", "--db", db), 0);
	snprintf(path, sizeof path, "%s.backups", db);
	CHECK_EQ_INT(mode_of(path), 0700);
	snprintf(path, sizeof path, "%s.backups/ward-20261120-090000.db", db);
	CHECK_EQ_INT(mode_of(path), 0600);
	snprintf(path, sizeof path, "%s.backups/ward-20261120-090000.db.manifest", db);
	CHECK_EQ_INT(mode_of(path), 0600);
	umask(old);
}

static void backup_restore_round_trip_and_refusals(void)
{
	setup();
	char copy[600], bad[600], other[600], before[65], after[65];
	snprintf(copy, sizeof copy, "%s/round.db", tmp);
	CHECK_EQ_INT(RUN("admin", "demo", "backup", "--db", db, "--out", copy), 0);
	CHECK_EQ_INT(RUN_ENV("admin", "demo", "GONHA_NEW_PASSWORD=pw-later", "user", "add", "later", "--tdp", "01",
	                     "--db", db), 0);
	setenv("GONHA_NOW", "2026-11-20T11:00:00Z", 1);
	CHECK_EQ_INT(RUN("admin", "demo", "restore", "--db", db, "--from", copy), 0);
	CHECK(strstr(out_text, ".before-restore-20261120-110000") != NULL);
	CHECK_EQ_INT(RUN("admin", "demo", "user", "list", "--db", db), 0);
	CHECK(strstr(out_text, "later") == NULL);
	CHECK_EQ_INT(RUN("later", "pw-later", "config", "--db", db), 2);

	/* A truncated backup: refused, the database file unchanged. */
	snprintf(bad, sizeof bad, "%s/cut.db", tmp);
	FILE *in = fopen(copy, "rb"), *out = fopen(bad, "wb");
	REQUIRE(in && out);
	struct stat sb;
	stat(copy, &sb);
	for (off_t i = 0; i < sb.st_size / 3; i++)
		fputc(fgetc(in), out);
	fclose(in);
	fclose(out);
	file_hash(db, before);
	CHECK_EQ_INT(RUN("admin", "demo", "restore", "--db", db, "--from", bad), 2);
	CHECK(strstr(err_text, "damaged") != NULL);
	file_hash(db, after);
	CHECK_STR(after, before);
	/* A text file, and another ward's database. */
	snprintf(bad, sizeof bad, "%s/list.csv", tmp);
	out = fopen(bad, "w");
	fputs("house_no,street\n12,Lương Ngọc Quyến\n", out);
	fclose(out);
	CHECK_EQ_INT(RUN("admin", "demo", "restore", "--db", db, "--from", bad), 2);
	CHECK(strstr(err_text, "not a gonha database") != NULL);
	snprintf(other, sizeof other, "%s/other-ward.db", tmp);
	CHECK_EQ_INT(RUN(NULL, "demo", "init", "--db", other, "--ward", "Phường Khác", "--tdps", "1"), 0);
	CHECK_EQ_INT(RUN("admin", "demo", "restore", "--db", db, "--from", other), 2);
	CHECK(strstr(err_text, "another ward") != NULL && strstr(err_text, "--other-ward") != NULL);
	file_hash(db, after);
	CHECK_STR(after, before);
}

static void erase_from_the_command_line(void)
{
	setup();
	REQUIRE(person[0]);
	CHECK_EQ_INT(RUN("admin", "demo", "erase", "--db", db, "--person", person), 2); /* no --yes, no terminal */
	CHECK(strstr(err_text, "nothing was erased") != NULL);
	CHECK_EQ_INT(RUN("admin", "demo", "erase", "--db", db, "--person", person, "--yes"), 0);
	CHECK_EQ_INT(RUN("admin", "demo", "audit", "--db", db, "--record", person, "--action", "erase"), 0);
	CHECK(strstr(out_text, "\terase\tperson\t") != NULL);
	CHECK_EQ_INT(RUN("admin", "demo", "erase", "--db", db, "--person", "no-such-id", "--yes"), 2);
}

GN_TESTS(T(permission_matrix), T(sign_in_refusals_and_delay), T(accounts_through_the_command_line),
         T(files_are_private), T(backup_restore_round_trip_and_refusals), T(erase_from_the_command_line))
