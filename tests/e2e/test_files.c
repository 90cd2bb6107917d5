/* Files gonha writes, through the real binary: an export killed half-way
 * (kill -9) is done again by the next run and leaves no .part; a second
 * gonha writing the same name is told and harms nothing; leftovers of
 * snapshots and audit files are cleared; a full disk fails whole; and an
 * export and a backup written straight to a USB-stick filesystem (vfat,
 * exFAT, in an image file) arrive whole. Mounting needs root and a loop
 * device or FUSE: where it cannot be done, the test says SKIP and why. */
#include "e2e_fixtures.h"
#include "testlib.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define out_text gn_e2e_out
#define err_text gn_e2e_err
#define path_of gn_e2e_path
#define same_files gn_e2e_same_files
#define bin gn_e2e_bin

/* `gonha <args>` in the test folder as admin, messages in lang. */
static int run_in(const char *lang, const char *args)
{
	char env[128];
	snprintf(env, sizeof env, "GONHA_LANG=%s GONHA_USER=admin GONHA_PASSWORD=demo", lang);
	return gn_e2e_run_env(env, args);
}

#define run(args) run_in("en", args)

/* A shell command, quiet; its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static bool exists(const char *name)
{
	struct stat sb;
	return lstat(path_of(name), &sb) == 0;
}

/* How many names in dir end in suffix ("" for all but . and ..). */
static int count_ending(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	size_t sl = strlen(suffix);
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && l >= sl && strcmp(e->d_name + l - sl, suffix) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* No .part, nor a SQLite file of one, anywhere in dir. */
static bool no_leftovers(const char *dir)
{
	return count_ending(dir, ".part") == 0 && count_ending(dir, ".part-journal") == 0 &&
	       count_ending(dir, ".part-wal") == 0 && count_ending(dir, ".part-shm") == 0;
}

static void fresh_folder(void)
{
	REQUIRE(sh("rm -rf '%s'/*", gn_test_tmpdir()) == 0);
}

static void demo(const char *db, int households)
{
	char args[512];
	snprintf(args, sizeof args, "demo --db %s --tdps 4 --households %d --seed 7", db, households);
	REQUIRE(run(args) == 0);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Starts `gonha <args>` (NULL-ended) as the ward officer in the test
 * folder, quiet. */
static pid_t start_gonha(const char *const args[])
{
	char *argv[16];
	int n = 0;
	argv[n++] = (char *)bin();
	for (int i = 0; args[i] && n < 15; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		if (chdir(gn_test_tmpdir()) != 0)
			_exit(120);
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
		setenv("GONHA_LANG", "en", 1);
		setenv("GONHA_USER", "admin", 1);
		setenv("GONHA_PASSWORD", "demo", 1);
		execv(bin(), argv);
		_exit(127);
	}
	return pid;
}

/* Starts `gonha export` of persons with ids to out in the test folder. */
static pid_t start_export(const char *db, const char *out)
{
	const char *args[] = { "export", "--db", db, "--what", "persons", "--out", out, "--with-ids", NULL };
	return start_gonha(args);
}

/* kill -9 a persons export of a big ward as soon as its .part holds rows.
 * Returns true if it was caught half-way (false: it was done first). */
static bool kill_export_halfway(const char *db, const char *out)
{
	char part[1100];
	snprintf(part, sizeof part, "%s.part", path_of(out));
	pid_t pid = start_export(db, out);
	if (pid < 0)
		return false;
	bool caught = false;
	for (;;) {
		struct stat sb;
		if (stat(part, &sb) == 0 && sb.st_size > 0) {
			caught = kill(pid, SIGKILL) == 0;
			break;
		}
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return false;
		sleep_ms(1);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return caught && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static void an_export_killed_halfway_is_done_again(void)
{
	fresh_folder();
	demo("big.db", 3000); /* ~33,000 persons: several MB, written in 64 KB pieces */
	REQUIRE(run("export --db big.db --what persons --out whole.csv --with-ids") == 0);
	bool caught = false;
	for (int i = 0; i < 5 && !caught; i++) {
		caught = kill_export_halfway("big.db", "p.csv");
		if (!caught)
			unlink(path_of("p.csv")); /* it was done first: again */
	}
	if (!caught) {
		/* this machine was too fast every time: leave what a kill leaves */
		fprintf(stderr, "  (the export finished before kill -9 five times; a leftover is made by hand)\n");
		REQUIRE(sh("head -c 100000 '%s' > '%s.part'", path_of("whole.csv"), path_of("p.csv")) == 0);
	}
	/* what the kill left: a .part with rows (full CCCDs), no p.csv */
	struct stat sb;
	CHECK(stat(path_of("p.csv.part"), &sb) == 0 && sb.st_size > 0 && (sb.st_mode & 0777) == 0600);
	CHECK(!exists("p.csv"));
	/* the next export to that name is not refused: it removes the leftover */
	CHECK_EQ_INT(run("export --db big.db --what persons --out p.csv --with-ids"), 0);
	CHECK(same_files("p.csv", "whole.csv"));
	CHECK(!exists("p.csv.part"));
	/* a leftover with the whole file in it (killed just before its rename) */
	REQUIRE(sh("cp '%s' '%s.part'", path_of("whole.csv"), path_of("h.csv")) == 0);
	CHECK_EQ_INT(run("export --db big.db --what households --out h.csv"), 0);
	CHECK(!exists("h.csv.part"));
	CHECK(!same_files("h.csv", "whole.csv"));
	CHECK(no_leftovers(gn_test_tmpdir()));
}

/* A child holding name's .part the way a live gonha does (flock), until
 * its pipe is closed. */
static pid_t hold_part(const char *name, int *release)
{
	int ready[2], go[2];
	if (pipe(ready) != 0 || pipe(go) != 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		int fd = open(path_of(name), O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || flock(fd, LOCK_EX) != 0 || write(fd, "rows being written\n", 19) != 19)
			_exit(1);
		char c = 'r';
		if (write(ready[1], &c, 1) != 1)
			_exit(2);
		while (read(go[0], &c, 1) > 0)
			;
		_exit(0); /* as if killed now: the .part stays, unlocked */
	}
	close(ready[1]);
	close(go[0]);
	char c;
	bool ok = pid > 0 && read(ready[0], &c, 1) == 1;
	close(ready[0]);
	*release = go[1];
	return ok ? pid : -1;
}

static void a_second_gonha_writing_the_same_file_is_not_harmed(void)
{
	fresh_folder();
	demo("a.db", 20);
	int release = -1;
	pid_t pid = hold_part("p.csv.part", &release);
	REQUIRE(pid > 0);
	/* told in Vietnamese, at once, and nothing touched */
	CHECK(run_in("vi", "export --db a.db --what persons --out p.csv --with-ids") != 0);
	CHECK(strstr(err_text, "một gonha khác đang ghi p.csv") != NULL);
	size_t len = 0;
	char *held = gn_e2e_read("p.csv.part", &len);
	CHECK(held && strcmp(held, "rows being written\n") == 0);
	free(held);
	CHECK(!exists("p.csv"));
	/* the same for the audit CSV and a backup */
	int release2 = -1, release3 = -1;
	pid_t p2 = hold_part("log.csv.part", &release2), p3 = hold_part("b.db.part", &release3);
	REQUIRE(p2 > 0 && p3 > 0);
	CHECK(run("audit --db a.db --out log.csv") != 0);
	CHECK(strstr(err_text, "another gonha is writing log.csv") != NULL);
	CHECK(run("backup --db a.db --out b.db") != 0);
	CHECK(strstr(err_text, "another gonha is writing b.db") != NULL);
	CHECK(exists("log.csv.part") && exists("b.db.part") && !exists("log.csv") && !exists("b.db"));
	/* the other writer dies: its .part is a leftover, and is replaced */
	close(release);
	close(release2);
	close(release3);
	waitpid(pid, NULL, 0);
	waitpid(p2, NULL, 0);
	waitpid(p3, NULL, 0);
	CHECK_EQ_INT(run("export --db a.db --what persons --out p.csv --with-ids"), 0);
	CHECK_EQ_INT(run("audit --db a.db --out log.csv"), 0);
	CHECK_EQ_INT(run("backup --db a.db --out b.db"), 0);
	CHECK_EQ_INT(run("check --db b.db"), 0);
	CHECK(no_leftovers(gn_test_tmpdir()));
}

static void leftover_snapshots_are_cleared(void)
{
	fresh_folder();
	demo("a.db", 5);
	/* `gonha backup` makes a snapshot in a.db.backups/; one cut short
	 * before left its .part and journal there, and a restore cut short its
	 * copy of the database beside it */
	REQUIRE(sh("mkdir -p '%s' && chmod 700 '%s'", path_of("a.db.backups"), path_of("a.db.backups")) == 0);
	REQUIRE(sh("cp '%s' '%s'", path_of("a.db"), path_of("a.db.backups/ward-20261101-080000.db.part")) == 0);
	REQUIRE(sh("echo j > '%s'", path_of("a.db.backups/ward-20261101-080000.db.part-journal")) == 0);
	REQUIRE(sh("cp '%s' '%s'", path_of("a.db"), path_of("a.db.before-restore-20261101-080000.db.part")) == 0);
	CHECK_EQ_INT(run("backup --db a.db"), 0);
	CHECK_EQ_INT(count_ending(path_of("a.db.backups"), ".db"), 1);
	CHECK(no_leftovers(path_of("a.db.backups")));
	CHECK_EQ_INT(run("restore --db a.db --from a.db.backups/ward-20261120-090000.db"), 0);
	CHECK(!exists("a.db.before-restore-20261101-080000.db.part"));
	CHECK(no_leftovers(gn_test_tmpdir()));
}

/* kill -9 a restore as soon as `name` (in the test folder) exists; true if
 * it was caught before it ended. */
static bool kill_restore_at(const char *db, const char *from, const char *name)
{
	const char *args[] = { "restore", "--db", db, "--from", from, NULL };
	pid_t pid = start_gonha(args);
	if (pid < 0)
		return false;
	bool caught = false;
	for (;;) {
		if (exists(name)) {
			caught = kill(pid, SIGKILL) == 0;
			break;
		}
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return false;
		sleep_ms(1);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return caught && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/* How many audit rows of a.db match `where` (sqlite3 shell), -1 on error. */
static int audit_rows(const char *db, const char *where)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"SELECT count(*) FROM audit_log WHERE %s\"", path_of(db), where);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	int n = -1;
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

/* A restore killed at any moment leaves either the ward as it was (and no
 * "restore" entry) or the restored ward with its entry: the replacement
 * and its record are one transaction. */
static void a_restore_killed_anywhere_leaves_one_ward_or_the_other(void)
{
	fresh_folder();
	demo("a.db", 2000);
	REQUIRE(run("backup --db a.db --out b.db") == 0);
	/* after the backup: an export, recorded in a.db only */
	REQUIRE(run("export --db a.db --what households --out h.csv") == 0);
	const char *export_row = "action = 'bulk_read' AND changes LIKE '%h.csv%'";
	REQUIRE(audit_rows("a.db", export_row) == 1);
	/* the moments a restore goes through: its incoming copy being made,
	 * the current ward given its kept name, the rename (the swap's own
	 * moments are caught exactly by the next test) */
	const char *moments[] = { "a.db.before-restore-incoming.part", "a.db.before-restore-20261120-090000" };
	int caught = 0;
	for (size_t i = 0; i < sizeof moments / sizeof *moments; i++) {
		caught += kill_restore_at("a.db", "b.db", moments[i]);
		CHECK_EQ_INT(run("check --db a.db"), 0);
		int restored = audit_rows("a.db", "action = 'restore'"), exported = audit_rows("a.db", export_row);
		CHECK((restored == 0 && exported == 1) || (restored == 1 && exported == 0));
		if (restored == 1)
			break; /* the kill came after the end: nothing more to cut */
	}
	fprintf(stderr, "  (%d of the restores caught by kill -9 half-way)\n", caught);
	/* the next restore is not hindered by what a kill left, and is whole */
	CHECK_EQ_INT(run("restore --db a.db --from b.db"), 0);
	CHECK_EQ_INT(audit_rows("a.db", export_row), 0);
	CHECK(audit_rows("a.db", "action = 'restore'") >= 1);
	CHECK(!exists("a.db.before-restore-incoming.part"));
	CHECK(no_leftovers(gn_test_tmpdir()));
}

/* Starts a restore of a.db from b.db that stops itself (SIGSTOP) at
 * `moment` of its swap (backup.c, GONHA_TEST_RESTORE_STOP), then kills it
 * there with kill -9; true if it was stopped and killed at that moment. */
static bool kill_restore_stopped_at(const char *moment)
{
	setenv("GONHA_TEST_RESTORE_STOP", moment, 1);
	const char *args[] = { "restore", "--db", "a.db", "--from", "b.db", NULL };
	pid_t pid = start_gonha(args);
	unsetenv("GONHA_TEST_RESTORE_STOP");
	if (pid < 0)
		return false;
	int status = 0;
	if (waitpid(pid, &status, WUNTRACED) != pid)
		return false;
	bool stopped = WIFSTOPPED(status);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return stopped && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static bool same_inode(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(path_of(a), &sa) == 0 && stat(path_of(b), &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* The swap of a restore (the ward held, given its kept name by a hard
 * link, the staged copy renamed over it) killed at each of its moments:
 * the ward as it was under its name, whole, and back in WAL mode with no
 * journal beside it; a kept name left on the live ward is removed by the
 * next open of the ward (or the next restore), and the next restore is
 * whole. */
static void a_restore_killed_in_its_swap_leaves_the_ward_whole(void)
{
	fresh_folder();
	demo("a.db", 40);
	REQUIRE(run("backup --db a.db --out b.db") == 0);
	REQUIRE(run("export --db a.db --what households --out h.csv") == 0);
	const char *export_row = "action = 'bulk_read' AND changes LIKE '%h.csv%'";
	const char *kept = "a.db.before-restore-20261120-090000";
	/* killed with its incoming copy whole (2.4 GB at 2 M persons): the
	 * next open of the ward removes it, not only the next restore */
	CHECK(kill_restore_stopped_at("staged"));
	CHECK(exists("a.db.before-restore-incoming.part"));
	CHECK(!exists(kept));
	CHECK_EQ_INT(run("check --db a.db"), 0);
	CHECK(!exists("a.db.before-restore-incoming.part"));
	CHECK_EQ_INT(audit_rows("a.db", "action = 'restore'"), 0);
	CHECK(kill_restore_stopped_at("held"));
	CHECK_EQ_INT(run("check --db a.db"), 0);
	CHECK_EQ_INT(audit_rows("a.db", export_row), 1);
	CHECK_EQ_INT(audit_rows("a.db", "action = 'restore'"), 0);
	CHECK(!exists(kept));
	CHECK_EQ_INT(count_ending(gn_test_tmpdir(), "-journal"), 0);
	CHECK(kill_restore_stopped_at("linked"));
	CHECK(exists(kept) && same_inode(kept, "a.db")); /* a second name of the live ward */
	CHECK_EQ_INT(count_ending(gn_test_tmpdir(), "-journal"), 0);
	/* the next open of the ward removes that name, not only a restore */
	CHECK_EQ_INT(run("check --db a.db"), 0);
	CHECK(!exists(kept));
	CHECK(exists("a.db"));
	CHECK_EQ_INT(audit_rows("a.db", export_row), 1);
	CHECK_EQ_INT(audit_rows("a.db", "action = 'restore'"), 0);
	/* killed there again, the restore itself clears it first */
	CHECK(kill_restore_stopped_at("linked"));
	CHECK(exists(kept) && same_inode(kept, "a.db"));
	CHECK_EQ_INT(run("restore --db a.db --from b.db"), 0);
	CHECK_EQ_INT(audit_rows("a.db", export_row), 0);
	CHECK_EQ_INT(audit_rows("a.db", "action = 'restore'"), 1);
	/* the leftover name was cleared first: the name is the ward set aside
	 * now, the old one, a file apart */
	CHECK(exists(kept) && !same_inode(kept, "a.db"));
	CHECK(!exists("a.db.before-restore-20261120-090000-2"));
	CHECK_EQ_INT(audit_rows(kept, export_row), 1);
	CHECK_EQ_INT(run("check --db a.db"), 0);
	CHECK_EQ_INT(count_ending(gn_test_tmpdir(), "-journal"), 0);
	CHECK(no_leftovers(gn_test_tmpdir()));
	/* where the filesystem has no hard links (a USB stick): the ward is
	 * copied aside and replaced in place, as before */
	REQUIRE(run("export --db a.db --what households --out h2.csv") == 0);
	CHECK_EQ_INT(gn_e2e_run_env("GONHA_LANG=en GONHA_USER=admin GONHA_PASSWORD=demo GONHA_TEST_PUBLISH=placeholder",
	                            "restore --db a.db --from b.db"),
	             0);
	const char *kept2 = "a.db.before-restore-20261120-090000-2";
	CHECK(exists(kept2) && !same_inode(kept2, "a.db"));
	CHECK_EQ_INT(audit_rows(kept2, "action = 'bulk_read' AND changes LIKE '%h2.csv%'"), 1);
	CHECK_EQ_INT(audit_rows("a.db", "action = 'bulk_read' AND changes LIKE '%h2.csv%'"), 0);
	CHECK_EQ_INT(run("check --db a.db"), 0);
	CHECK(no_leftovers(gn_test_tmpdir()));
}

/* Another program with the ward open (a WAL connection holds its lock):
 * the restore is refused, in words, and nothing changes; closed, it
 * restores. */
static void a_restore_is_refused_while_the_ward_is_open_elsewhere(void)
{
	fresh_folder();
	demo("a.db", 10);
	REQUIRE(run("backup --db a.db --out b.db") == 0);
	REQUIRE(run("export --db a.db --what households --out h.csv") == 0);
	const char *export_row = "action = 'bulk_read' AND changes LIKE '%h.csv%'";
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' >/dev/null", path_of("a.db"));
	FILE *other = popen(cmd, "w");
	REQUIRE(other != NULL);
	fputs("SELECT count(*) FROM person;\n", other);
	fflush(other);
	/* its read has run once the WAL index is there */
	for (int i = 0; i < 5000 && !exists("a.db-shm"); i++)
		sleep_ms(1);
	sleep_ms(200);
	CHECK(run_in("vi", "restore --db a.db --from b.db") != 0);
	CHECK(strstr(err_text, "a.db đang được mở trong một gonha khác") != NULL);
	CHECK(!exists("a.db.before-restore-20261120-090000"));
	pclose(other);
	CHECK_EQ_INT(audit_rows("a.db", export_row), 1);
	CHECK_EQ_INT(run("restore --db a.db --from b.db"), 0);
	CHECK_EQ_INT(audit_rows("a.db", export_row), 0);
	CHECK(no_leftovers(gn_test_tmpdir()));
}

/* ---- full disk ---------------------------------------------------------- */

static bool mounted(const char *dir)
{
	FILE *f = fopen("/proc/mounts", "r");
	if (!f)
		return false;
	char line[4096];
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		char *mp = sp + 1, *end = strchr(mp, ' ');
		found = end && (size_t)(end - mp) == strlen(dir) && strncmp(mp, dir, strlen(dir)) == 0;
	}
	fclose(f);
	return found;
}

static void an_export_to_a_full_disk_fails_whole(void)
{
	fresh_folder();
	if (geteuid() != 0)
		SKIP("mounting a 64 KB tmpfs needs root");
	demo("a.db", 60); /* persons with ids: several times 64 KB */
	const char *disk = path_of("tiny");
	REQUIRE(mkdir(disk, 0755) == 0);
	if (sh("mount -t tmpfs -o size=64k gonha-test '%s' 2>/dev/null", disk) != 0)
		SKIP("cannot mount a tmpfs here");
	CHECK(run_in("vi", "export --db a.db --what persons --out tiny/p.csv --with-ids") != 0);
	fprintf(stderr, "  (export to a full disk said: %s)\n", strtok(err_text, "\n") ? err_text : "");
	/* the file and the cause, as a backup says it */
	CHECK(strstr(err_text, "tiny/p.csv: ổ đĩa đã đầy; chưa lưu được gì") != NULL);
	CHECK_EQ_INT(count_ending(disk, ""), 0); /* nothing published, no .part */
	CHECK(run_in("vi", "export --db a.db --what persons --out tiny/p.xlsx --with-ids") != 0);
	CHECK(strstr(err_text, "tiny/p.xlsx: ổ đĩa đã đầy; chưa lưu được gì") != NULL);
	CHECK_EQ_INT(count_ending(disk, ""), 0);
	CHECK(run_in("vi", "backup --db a.db --out tiny/b.db") != 0);
	CHECK(strstr(err_text, "tiny/b.db: ổ đĩa đã đầy; chưa lưu được gì") != NULL);
	CHECK_EQ_INT(count_ending(disk, ""), 0);
	CHECK(run_in("vi", "audit --db a.db --out tiny/log.csv") == 0 || count_ending(disk, ".part") == 0);
	/* fill it, then the audit CSV too */
	sh("head -c 1000000 /dev/zero > '%s/fill' 2>/dev/null", disk);
	CHECK(run_in("vi", "audit --db a.db --out tiny/log2.csv") != 0);
	CHECK(strstr(err_text, "ổ đĩa đã đầy") != NULL);
	CHECK(!exists("tiny/log2.csv") && !exists("tiny/log2.csv.part"));
	CHECK(no_leftovers(disk));
	CHECK(sh("umount '%s'", disk) == 0);
}

/* ---- USB-stick filesystems in an image file ----------------------------- */

typedef struct stick {
	char img[1024], dir[1024], loop[64];
	pid_t fuse_pid; /* a FUSE daemon run in the foreground, or 0 */
	const char *how;  /* "kernel", "fusefat", "exfat-fuse" */
} stick;

static bool have(const char *tool)
{
	return sh("command -v %s >/dev/null 2>&1", tool) == 0;
}

/* Runs a FUSE daemon in the foreground (so that its end can be waited
 * for) and waits until its mount is there. */
static bool fuse_mount(stick *s, char *const argv[])
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0)
		return false;
	for (int i = 0; i < 20000; i++) { /* 20 s at most */
		if (mounted(s->dir)) {
			s->fuse_pid = pid;
			return true;
		}
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return false;
		sleep_ms(1);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return false;
}

/* Mounts the image again (after make_stick made and mounted it once). */
static bool mount_stick(stick *s)
{
	if (!strcmp(s->how, "kernel"))
		return sh("mount -o loop '%s' '%s' 2>/dev/null", s->img, s->dir) == 0;
	if (!strcmp(s->how, "fusefat")) {
		char *argv[] = { "fusefat", "-f", "-o", "rw+", s->img, s->dir, NULL };
		return fuse_mount(s, argv);
	}
	char *argv[] = { "mount.exfat-fuse", "-d", s->loop, s->dir, NULL };
	return fuse_mount(s, argv);
}

/* Unmounts, and waits until every byte is in the image. */
static bool unmount_stick(stick *s)
{
	if (!mounted(s->dir))
		return true;
	if (!s->fuse_pid)
		return sh("umount '%s'", s->dir) == 0;
	bool ok = sh("fusermount -u '%s'", s->dir) == 0;
	int status = 0;
	ok = waitpid(s->fuse_pid, &status, 0) == s->fuse_pid && ok;
	s->fuse_pid = 0;
	return ok;
}

static void free_stick(stick *s)
{
	unmount_stick(s);
	if (s->loop[0])
		sh("losetup -d '%s'", s->loop);
	s->loop[0] = '\0';
}

/* Makes a 64 MB image of fs ("vfat" or "exfat") and mounts it the way how
 * says ("kernel": mount -o loop; "fuse": fusefat or exfat-fuse). On false,
 * reason says why it cannot be done here. */
static bool make_stick(stick *s, const char *fs, const char *how, char *reason, size_t rsize)
{
	memset(s, 0, sizeof *s);
	snprintf(s->img, sizeof s->img, "%s", path_of(fs));
	strcat(s->img, ".img");
	snprintf(s->dir, sizeof s->dir, "%s", path_of("stick"));
	const char *mkfs = strcmp(fs, "vfat") == 0 ? "mkfs.vfat" : "mkfs.exfat";
	if (geteuid() != 0) {
		snprintf(reason, rsize, "mounting an image needs root");
		return false;
	}
	if (!have(mkfs)) {
		snprintf(reason, rsize, "%s is not installed (make deps)", mkfs);
		return false;
	}
	if (mkdir(s->dir, 0755) != 0 && errno != EEXIST) {
		snprintf(reason, rsize, "cannot make the mount point");
		return false;
	}
	if (sh("truncate -s 64M '%s' && %s '%s' >/dev/null 2>&1", s->img, mkfs, s->img) != 0) {
		snprintf(reason, rsize, "%s failed", mkfs);
		return false;
	}
	if (!strcmp(how, "kernel")) {
		s->how = "kernel";
		if (!mount_stick(s)) {
			snprintf(reason, rsize, "mount -o loop of a %s image failed (no %s in this kernel or no loop device)",
			         fs, fs);
			return false;
		}
		return true;
	}
	if (!strcmp(fs, "vfat")) {
		s->how = "fusefat";
		if (!have("fusefat") || !have("fusermount")) {
			snprintf(reason, rsize, "fusefat is not installed (make deps)");
			return false;
		}
	} else {
		s->how = "exfat-fuse";
		if (!have("mount.exfat-fuse") || !have("fusermount") || !have("losetup")) {
			snprintf(reason, rsize, "exfat-fuse is not installed (make deps)");
			return false;
		}
		/* exfat-fuse wants a block device */
		char cmd[4096], out[1100];
		snprintf(out, sizeof out, "%s", path_of("loop.txt"));
		snprintf(cmd, sizeof cmd, "losetup -f --show '%s' > '%s' 2>/dev/null", s->img, out);
		char dev[64] = "";
		char *got = system(cmd) == 0 ? gn_e2e_read("loop.txt", NULL) : NULL;
		snprintf(dev, sizeof dev, "%s", got ? got : "");
		free(got);
		dev[strcspn(dev, "\n")] = '\0';
		if (!dev[0]) {
			snprintf(reason, rsize, "no loop device for the exFAT image");
			return false;
		}
		snprintf(s->loop, sizeof s->loop, "%s", dev);
	}
	if (access("/dev/fuse", R_OK | W_OK) != 0 || !mount_stick(s)) {
		snprintf(reason, rsize, "cannot mount through FUSE here (/dev/fuse)");
		free_stick(s);
		return false;
	}
	return true;
}

/* What a ward office does with a stick: exports and a backup written
 * straight to it, checked against the same written to a normal folder,
 * after the stick was unmounted and mounted again. */
static void files_arrive_whole_on(stick *s, bool with_backup)
{
	fprintf(stderr, "  (%s mounted by %s)\n", strrchr(s->img, '/') + 1, s->how);
	CHECK_EQ_INT(run("export --db a.db --what persons --out stick/p.csv --with-ids"), 0);
	CHECK_EQ_INT(run("export --db a.db --what households --out stick/h.csv"), 0);
	CHECK_EQ_INT(run("audit --db a.db --out stick/log.csv"), 0);
	/* a second export to a name on the stick: refused, the file kept */
	CHECK_EQ_INT(run("export --db a.db --what households --out stick/p.csv"), 2);
	CHECK(strstr(err_text, "already exists") != NULL);
	if (with_backup)
		CHECK_EQ_INT(run("backup --db a.db --out stick/b.db"), 0);
	CHECK(no_leftovers(s->dir));
	/* pulled out and put back */
	CHECK(unmount_stick(s));
	if (!strcmp(s->how, "fusefat") || !strcmp(s->how, "kernel")) {
		if (!strstr(s->img, "exfat"))
			CHECK_EQ_INT(sh("fsck.vfat -n '%s' >/dev/null 2>&1", s->img), 0);
	}
	if (strstr(s->img, "exfat") && have("fsck.exfat"))
		CHECK_EQ_INT(sh("fsck.exfat -n '%s' >/dev/null 2>&1", s->loop[0] ? s->loop : s->img), 0);
	REQUIRE(mount_stick(s));
	CHECK(same_files("stick/p.csv", "p.csv"));
	CHECK(same_files("stick/h.csv", "h.csv"));
	/* the log has grown by the exports' own entries since log.csv was
	 * written: the same apart from those */
	CHECK_EQ_INT(sh("cd '%s' && grep -v bulk_read stick/log.csv > stick-log.cmp && grep -v bulk_read log.csv > "
	                "log.cmp", gn_test_tmpdir()), 0);
	CHECK(same_files("stick-log.cmp", "log.cmp"));
	if (with_backup) {
		/* the backup restores, straight from the stick, and holds the ward */
		REQUIRE(sh("cp '%s' '%s'", path_of("a.db"), path_of("c.db")) == 0);
		CHECK_EQ_INT(run("restore --db c.db --from stick/b.db"), 0);
		CHECK_EQ_INT(run("check --db c.db"), 0);
		CHECK_EQ_INT(run("export --db c.db --what persons --out pc.csv --with-ids"), 0);
		CHECK(same_files("pc.csv", "p.csv"));
	}
	CHECK(unmount_stick(s));
}

/* The same files written to a normal folder, to compare with. */
static void reference_files(void)
{
	fresh_folder();
	demo("a.db", 40);
	REQUIRE(run("export --db a.db --what persons --out p.csv --with-ids") == 0);
	REQUIRE(run("export --db a.db --what households --out h.csv") == 0);
	REQUIRE(run("audit --db a.db --out log.csv") == 0);
}

static void export_and_backup_on_vfat(void)
{
	char reason[256];
	stick s;
	reference_files();
	if (!make_stick(&s, "vfat", "kernel", reason, sizeof reason))
		SKIP("%s", reason);
	files_arrive_whole_on(&s, true);
	free_stick(&s);
}

/* fusefat keeps no hard links and no RENAME_NOREPLACE (libfuse 2): the
 * placeholder way of publishing. Its write support is experimental and
 * garbles files written out of order (as SQLite writes a database), so
 * only the exports, written in order, go there. */
static void export_on_vfat_through_fuse(void)
{
	char reason[256];
	stick s;
	reference_files();
	if (!make_stick(&s, "vfat", "fuse", reason, sizeof reason))
		SKIP("%s", reason);
	files_arrive_whole_on(&s, false);
	free_stick(&s);
}

static void export_and_backup_on_exfat(void)
{
	char reason[256], reason2[256];
	stick s;
	reference_files();
	if (!make_stick(&s, "exfat", "kernel", reason, sizeof reason)) {
		sh("rm -f '%s'", s.img);
		if (!make_stick(&s, "exfat", "fuse", reason2, sizeof reason2))
			SKIP("%s; %s", reason, reason2);
	}
	files_arrive_whole_on(&s, true);
	free_stick(&s);
}

GN_TESTS(T(an_export_killed_halfway_is_done_again), T(a_second_gonha_writing_the_same_file_is_not_harmed),
         T(leftover_snapshots_are_cleared), T(a_restore_killed_anywhere_leaves_one_ward_or_the_other),
         T(a_restore_killed_in_its_swap_leaves_the_ward_whole), T(a_restore_is_refused_while_the_ward_is_open_elsewhere), T(an_export_to_a_full_disk_fails_whole),
         T(export_and_backup_on_vfat), T(export_on_vfat_through_fuse), T(export_and_backup_on_exfat))
