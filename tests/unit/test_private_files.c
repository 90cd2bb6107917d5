/* Private files written whole or not at all (gn_private_create, _publish):
 * a .part left by a writer that died is removed by the next one, a live
 * writer's .part is left alone (a child process holding it), publishing
 * never replaces a file in any of its three ways, and the sweeps of
 * snapshot folders remove only leftovers. */
#include "testlib.h"
#include "gonha/domain/privacy.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *path_of(const char *name)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", gn_test_tmpdir(), name);
	return buf[k];
}

static void put(const char *name, const char *text)
{
	FILE *f = fopen(path_of(name), "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The file's text ("" if none; NULL if it does not exist). */
static const char *text_of(const char *name)
{
	static char buf[256];
	FILE *f = fopen(path_of(name), "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool exists(const char *name)
{
	struct stat sb;
	return lstat(path_of(name), &sb) == 0;
}

/* Writes text to name through a .part and publishes it. */
static gn_status write_whole(const char *name, const char *text, gn_err *err)
{
	char part[600];
	gn_private_part_path(path_of(name), part, sizeof part);
	FILE *f = gn_private_create(part, err);
	if (!f)
		return err->status;
	fputs(text, f);
	if (fclose(f) != 0)
		return GN_ERR_IO;
	return gn_private_publish(part, path_of(name), err);
}

static void a_leftover_part_is_removed_and_written_anew(void)
{
	/* what a gonha killed half-way leaves: an unlocked .part with data */
	put("a.csv.part", "0123456789ab,full CCCD of somebody");
	gn_err err = { 0 };
	CHECK_EQ_INT(write_whole("a.csv", "new\n", &err), GN_OK);
	CHECK_STR(text_of("a.csv"), "new\n");
	CHECK(!exists("a.csv.part"));
	struct stat sb;
	CHECK(stat(path_of("a.csv"), &sb) == 0 && (sb.st_mode & 0777) == 0600);
	/* a leftover that is not a plain file of ours is left as it is */
	CHECK(symlink(path_of("a.csv"), path_of("b.csv.part")) == 0);
	gn_err e2 = { 0 };
	CHECK(gn_private_create(path_of("b.csv.part"), &e2) == NULL);
	CHECK_EQ_INT(e2.status, GN_ERR_CONFLICT);
	CHECK_STR(text_of("a.csv"), "new\n");
	CHECK(exists("b.csv.part"));
	/* a SQLite journal beside a leftover goes with it */
	put("c.db.part", "half a backup");
	put("c.db.part-journal", "its journal");
	CHECK_EQ_INT(gn_private_clear_stale(path_of("c.db.part"), &err), GN_OK);
	CHECK(!exists("c.db.part"));
	CHECK(!exists("c.db.part-journal"));
}

/* A child that writes name's .part, holds it until told, then publishes
 * (or, with die, is killed while holding it). Returns its pid; *go is the
 * pipe end that lets it go on. */
static pid_t child_writer(const char *name, const char *text, int *go)
{
	int ready[2], cont[2];
	if (pipe(ready) != 0 || pipe(cont) != 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(cont[1]);
		char part[600];
		gn_err err = { 0 };
		gn_private_part_path(path_of(name), part, sizeof part);
		FILE *f = gn_private_create(part, &err);
		if (!f)
			_exit(10);
		fputs(text, f);
		/* closed, as every caller does before publishing: the lock stays */
		if (fclose(f) != 0)
			_exit(11);
		char c = 'r';
		if (write(ready[1], &c, 1) != 1)
			_exit(12);
		if (read(cont[0], &c, 1) != 1)
			_exit(13);
		_exit(gn_private_publish(part, path_of(name), &err) == GN_OK ? 0 : 14);
	}
	close(ready[1]);
	close(cont[0]);
	char c;
	if (pid < 0 || read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		close(cont[1]);
		return -1;
	}
	close(ready[0]);
	*go = cont[1];
	return pid;
}

static void a_live_writers_part_is_not_harmed(void)
{
	int go = -1;
	pid_t pid = child_writer("live.csv", "the child's rows\n", &go);
	REQUIRE(pid > 0);
	gn_err err = { 0 };
	char part[600];
	gn_private_part_path(path_of("live.csv"), part, sizeof part);
	/* a second writer to the same name: told, never waits, touches nothing */
	CHECK(gn_private_create(part, &err) == NULL);
	CHECK_EQ_INT(err.status, GN_ERR_BUSY);
	CHECK(strstr(err.msg, "another gonha is writing") != NULL);
	CHECK(strstr(err.msg, "live.csv") != NULL && strstr(err.msg, "live.csv.part") == NULL);
	CHECK_EQ_INT(gn_private_clear_stale(part, NULL), GN_ERR_BUSY);
	CHECK_EQ_INT(gn_private_sweep(gn_test_tmpdir(), "live"), 0);
	CHECK_STR(text_of("live.csv.part"), "the child's rows\n");
	CHECK(!exists("live.csv"));
	/* the child finishes: its file is whole */
	CHECK(write(go, "g", 1) == 1);
	close(go);
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_STR(text_of("live.csv"), "the child's rows\n");
	CHECK(!exists("live.csv.part"));
	/* and a later export to the name is refused as before: never replaced */
	gn_err e2 = { 0 };
	CHECK_EQ_INT(write_whole("live.csv", "other\n", &e2), GN_ERR_CONFLICT);
	CHECK_STR(text_of("live.csv"), "the child's rows\n");
	CHECK(!exists("live.csv.part"));
}

static void a_writer_killed_halfway_is_replaced(void)
{
	int go = -1;
	pid_t pid = child_writer("killed.csv", "half of it", &go);
	REQUIRE(pid > 0);
	CHECK(kill(pid, SIGKILL) == 0);
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status));
	close(go);
	CHECK_STR(text_of("killed.csv.part"), "half of it");
	gn_err err = { 0 };
	CHECK_EQ_INT(write_whole("killed.csv", "all of it\n", &err), GN_OK);
	CHECK_STR(text_of("killed.csv"), "all of it\n");
	CHECK(!exists("killed.csv.part"));
}

static void publishing_never_replaces_a_file(void)
{
	static const char *const ways[] = { "", "link", "placeholder" };
	for (size_t i = 0; i < sizeof ways / sizeof *ways; i++) {
		if (*ways[i])
			setenv("GONHA_TEST_PUBLISH", ways[i], 1);
		else
			unsetenv("GONHA_TEST_PUBLISH");
		char name[64];
		snprintf(name, sizeof name, "pub-%zu.csv", i);
		gn_err err = { 0 };
		CHECK_EQ_INT(write_whole(name, "first\n", &err), GN_OK);
		CHECK_STR(text_of(name), "first\n");
		struct stat sb;
		CHECK(stat(path_of(name), &sb) == 0 && (sb.st_mode & 0777) == 0600 && sb.st_nlink == 1);
		char part[600];
		snprintf(part, sizeof part, "%s.part", path_of(name));
		CHECK(!exists(strrchr(part, '/') + 1));
		/* a second file under the same name: refused, the first kept */
		gn_err e2 = { 0 };
		CHECK_EQ_INT(write_whole(name, "second\n", &e2), GN_ERR_CONFLICT);
		CHECK(strstr(e2.msg, "already exists") != NULL);
		CHECK_STR(text_of(name), "first\n");
		CHECK(!exists(strrchr(part, '/') + 1));
	}
	unsetenv("GONHA_TEST_PUBLISH");
}

static void sweeps_remove_only_leftovers(void)
{
	REQUIRE(mkdir(path_of("snaps"), 0700) == 0);
	put("snaps/ward-20261101-000000.db.part", "a snapshot cut short");
	put("snaps/ward-20261101-000000.db.part-journal", "its journal");
	put("snaps/ward-20261102-000000.db.part-wal", "a journal whose .part is gone");
	put("snaps/ward-20261103-000000.db", "a whole snapshot");
	put("snaps/other.part", "not a snapshot: somebody's download");
	/* one being written right now by this process */
	char live[600];
	snprintf(live, sizeof live, "%s", path_of("snaps/ward-20261104-000000.db.part"));
	gn_err err = { 0 };
	FILE *f = gn_private_create(live, &err);
	REQUIRE(f);
	fputs("being written", f);
	fclose(f);
	CHECK_EQ_INT(gn_private_sweep(path_of("snaps"), "ward-"), 2); /* the journal goes with its .part */
	CHECK(!exists("snaps/ward-20261101-000000.db.part"));
	CHECK(!exists("snaps/ward-20261101-000000.db.part-journal"));
	CHECK(!exists("snaps/ward-20261102-000000.db.part-wal"));
	CHECK(exists("snaps/ward-20261103-000000.db"));
	CHECK(exists("snaps/other.part"));
	CHECK_STR(text_of("snaps/ward-20261104-000000.db.part"), "being written");
	/* given up: removed, and then nothing holds the name */
	gn_private_discard(live);
	CHECK(!exists("snaps/ward-20261104-000000.db.part"));
	CHECK_EQ_INT(write_whole("snaps/ward-20261104-000000.db", "whole\n", &err), GN_OK);
}

static void write_failures_say_the_disk_is_full(void)
{
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_private_write_fail(&err, "/media/usb/p.csv", ENOSPC), GN_ERR_IO);
	CHECK_STR(err.msg, "/media/usb/p.csv: the disk is full; nothing was saved");
	CHECK_EQ_INT(gn_private_write_fail(&err, "p.csv", EIO), GN_ERR_IO);
	CHECK(strstr(err.msg, "cannot write p.csv: ") == err.msg);
}

/* The plain copies named for a process (gn_private_own_name): removed
 * when that process is gone, kept while it lives (this one, init). */
static void orphans_of_a_gone_process_are_removed(void)
{
	REQUIRE(mkdir(path_of("own"), 0700) == 0);
	pid_t child = fork();
	REQUIRE(child >= 0);
	if (child == 0)
		_exit(0);
	REQUIRE(waitpid(child, NULL, 0) == child); /* gone, its number not reused this instant */
	char name[64], own[600];
	snprintf(name, sizeof name, "own/sealing-%ld.db", (long)child);
	put(name, "a plain copy left by a kill");
	snprintf(name, sizeof name, "own/sealing-%ld.db-journal", (long)child);
	put(name, "its journal");
	put("own/sealing-1.db", "a live process's");
	put("own/sealing-x.db", "not a process's");
	put("own/other-1.db", "not ours");
	gn_private_own_name(path_of("own"), "sealing-", ".db", own, sizeof own);
	put(strstr(own, "own/"), "this process's");
	CHECK_EQ_INT(gn_private_sweep_orphans(path_of("own"), "sealing-"), 2);
	snprintf(name, sizeof name, "own/sealing-%ld.db", (long)child);
	CHECK(!exists(name));
	CHECK(exists("own/sealing-1.db"));
	CHECK(exists("own/sealing-x.db"));
	CHECK(exists("own/other-1.db"));
	CHECK(exists(strstr(own, "own/")));
}

GN_TESTS(T(a_leftover_part_is_removed_and_written_anew), T(a_live_writers_part_is_not_harmed),
         T(a_writer_killed_halfway_is_replaced), T(publishing_never_replaces_a_file),
         T(sweeps_remove_only_leftovers), T(orphans_of_a_gone_process_are_removed), T(write_failures_say_the_disk_is_full))
