/* Personal data: CCCD masking, private files, erasure on request. */
#include "gonha/domain/privacy.h"
#include "gonha/domain/cccd.h"
#include "gonha/storage/db.h"
#include "gonha/storage/vault.h"
#include "gonha/core/i18n.h"
#include "gonha/core/paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void gn_cccd_for_view(const char *cccd, gn_cccd_view view, char out[13])
{
	if (!cccd || !*cccd) {
		out[0] = '\0';
		return;
	}
	if (view == GN_CCCD_VIEW_LIST) {
		gn_cccd_mask(cccd, out);
		return;
	}
	snprintf(out, 13, "%s", cccd);
	/* A stored value longer than a CCCD is never cut silently into
	 * something that looks like a valid number: mask it whole. */
	if (strlen(cccd) > 12)
		gn_cccd_mask(cccd, out);
}


/* ---- private files ------------------------------------------------------
 *
 * A file with personal data is written as FILE.part, created 0600 with
 * O_EXCL, and given its name only when whole. While it is written its
 * writer holds flock(LOCK_EX) on it, so a FILE.part that nobody holds is a
 * leftover of a writer that died (kill -9, a crash, a power cut): the next
 * writer removes it and starts again; one that is held belongs to a live
 * writer and is left alone. Nobody ever waits for a lock (LOCK_NB).
 *
 * The lock is held through a duplicate descriptor kept here, so it outlives
 * the caller's fclose() until gn_private_publish or gn_private_discard (a
 * caller that removes the .part itself is noticed at the next call). */

typedef struct held_part {
	int fd;
	dev_t dev;
	ino_t ino;
	char *path;
} held_part;

static held_part *held;
static size_t n_held, cap_held;

/* A writer that cannot lock (a filesystem without locks) is taken for dead
 * when its .part has not changed for this long. */
#define PART_STALE_SECONDS (15 * 60)

static bool is_part_name(const char *path)
{
	size_t n = strlen(path);
	return n > 5 && strcmp(path + n - 5, ".part") == 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static void release_at(size_t i)
{
	close(held[i].fd);
	free(held[i].path);
	held[i] = held[--n_held];
}

/* The held entry for the file now at path, or -1. */
static long find_held(const char *path)
{
	struct stat sb;
	if (lstat(path, &sb) != 0)
		return -1;
	for (size_t i = 0; i < n_held; i++)
		if (held[i].dev == sb.st_dev && held[i].ino == sb.st_ino && strcmp(held[i].path, path) == 0)
			return (long)i;
	return -1;
}

/* Lets go of the locks of .part files that are no longer there (removed by
 * their caller after a failed write). */
static void release_gone(void)
{
	for (size_t i = n_held; i-- > 0;) {
		struct stat sb;
		if (lstat(held[i].path, &sb) != 0 || held[i].dev != sb.st_dev || held[i].ino != sb.st_ino)
			release_at(i);
	}
}

static bool hold(int fd, const char *path, const struct stat *sb)
{
	if (n_held == cap_held) {
		size_t ncap = cap_held ? cap_held * 2 : 4;
		held_part *bigger = realloc(held, ncap * sizeof *bigger);
		if (!bigger)
			return false;
		held = bigger;
		cap_held = ncap;
	}
	char *copy = strdup(path);
	int dup_fd = copy ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
	if (dup_fd < 0) {
		free(copy);
		return false;
	}
	held[n_held++] = (held_part){ .fd = dup_fd, .dev = sb->st_dev, .ino = sb->st_ino, .path = copy };
	return true;
}

/* The name the user gave: path without ".part". */
static void final_name(const char *part_path, char *out, size_t size)
{
	size_t n = strlen(part_path);
	if (is_part_name(part_path))
		n -= 5;
	snprintf(out, size, "%.*s", (int)n, part_path);
}

gn_status gn_private_write_fail(gn_err *err, const char *path, int errnum)
{
	if (errnum == ENOSPC || errnum == EDQUOT)
		gn_fail(err, GN_ERR_IO, _("%s: the disk is full; nothing was saved"), path);
	else
		gn_fail(err, GN_ERR_IO, _("cannot write %s: %s"), path, strerror(errnum));
	if (err)
		err->sys_errno = errnum;
	return GN_ERR_IO;
}

gn_status gn_stream_write_fail(gn_err *err, int errnum)
{
	if (errnum == ENOSPC || errnum == EDQUOT)
		gn_fail(err, GN_ERR_IO, "%s", _("the disk is full; nothing was saved"));
	else
		gn_fail(err, GN_ERR_IO, _("could not write the export: %s"), strerror(errnum ? errnum : EIO));
	if (err)
		err->sys_errno = errnum ? errnum : EIO;
	return GN_ERR_IO;
}

/* What SQLite may keep beside a database it writes (a backup's .part). */
static const char *const sqlite_sides[] = { "-journal", "-wal", "-shm" };

gn_status gn_private_clear_stale(const char *part_path, gn_err *err)
{
	char final[PATH_MAX];
	final_name(part_path, final, sizeof final);
	/* O_NOFOLLOW: a link put there is nobody's leftover. */
	int fd = open(part_path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return GN_OK;
		return gn_fail(err, GN_ERR_CONFLICT, _("%s already exists; it was left as it is"), part_path);
	}
	gn_status st = GN_OK;
	struct stat sb, now;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_uid != geteuid()) {
		st = gn_fail(err, GN_ERR_CONFLICT, _("%s already exists; it was left as it is"), part_path);
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK || time(NULL) - sb.st_mtime < PART_STALE_SECONDS) {
			st = gn_fail(err, GN_ERR_BUSY, _("another gonha is writing %s; try again when it has finished"),
			             final);
			goto out;
		}
	}
	/* Still the file under that name? Another gonha may have cleared it
	 * meanwhile and be writing its own: then there is nothing to do here. */
	if (lstat(part_path, &now) != 0 || !same_file(&sb, &now))
		goto out;
	if (unlink(part_path) != 0 && errno != ENOENT) {
		st = gn_fail(err, GN_ERR_IO, _("cannot remove the unfinished %s: %s"), part_path, strerror(errno));
		goto out;
	}
	/* A backup's SQLite files beside it are as stale as it is. */
	for (size_t i = 0; i < sizeof sqlite_sides / sizeof *sqlite_sides; i++) {
		char side[PATH_MAX + 16];
		snprintf(side, sizeof side, "%s%s", part_path, sqlite_sides[i]);
		if (lstat(side, &now) == 0 && S_ISREG(now.st_mode) && now.st_uid == geteuid())
			unlink(side);
	}
out:
	close(fd);
	return st;
}

/* 0600 whatever the umask. A filesystem without Unix permissions (vfat,
 * exFAT: a USB stick) refuses the owner a mode it cannot hold; the file
 * then has the mode the stick was mounted with, as every file on it. */
static bool make_private(int fd)
{
	if (fchmod(fd, 0600) == 0)
		return true;
	int e = errno;
	struct stat sb;
	bool no_modes = (e == EPERM || e == ENOTSUP || e == EOPNOTSUPP || e == ENOSYS) && fstat(fd, &sb) == 0 &&
	                sb.st_uid == geteuid();
	errno = e;
	return no_modes;
}

static FILE *fdopen_private(int fd, const char *path, gn_err *err)
{
	FILE *fp = fdopen(fd, "w");
	if (!fp) {
		gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		gn_private_discard(path);
		close(fd);
	}
	return fp;
}

FILE *gn_private_create(const char *path, gn_err *err)
{
	bool part = is_part_name(path);
	release_gone();
	for (int attempt = 0; attempt < 8; attempt++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			if (errno == EEXIST && part) {
				/* a leftover of a writer that died, or a live writer's */
				if (gn_private_clear_stale(path, err) != GN_OK)
					return NULL;
				continue;
			}
			if (errno == EEXIST)
				gn_fail(err, GN_ERR_CONFLICT, _("%s already exists; it was left as it is"), path);
			else if (errno == ENOSPC || errno == EDQUOT)
				gn_private_write_fail(err, path, errno);
			else
				gn_fail(err, GN_ERR_IO, _("cannot create %s: %s"), path, strerror(errno));
			return NULL;
		}
		if (!make_private(fd)) {
			gn_fail(err, GN_ERR_IO, _("cannot create %s: %s"), path, strerror(errno));
			close(fd);
			unlink(path);
			return NULL;
		}
		/* Only a .part is locked: it is given up or published soon; a file
		 * created under its final name is nobody's leftover. */
		if (!part)
			return fdopen_private(fd, path, err);
		bool locked = flock(fd, LOCK_EX | LOCK_NB) == 0;
		if (!locked && errno == EWOULDBLOCK) {
			/* Another gonha took it for a leftover in the instant between
			 * creating and locking: it removes it; start again. */
			close(fd);
			continue;
		}
		/* Locked, or on a filesystem without locks. Still ours? (see above) */
		struct stat sb, now;
		if (fstat(fd, &sb) != 0 || lstat(path, &now) != 0 || !same_file(&sb, &now)) {
			close(fd);
			continue;
		}
		if (locked && !hold(fd, path, &sb)) {
			gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			close(fd);
			unlink(path);
			return NULL;
		}
		return fdopen_private(fd, path, err);
	}
	char final[PATH_MAX];
	final_name(path, final, sizeof final);
	gn_fail(err, GN_ERR_BUSY, _("another gonha is writing %s; try again when it has finished"), final);
	return NULL;
}

void gn_private_part_path(const char *final_path, char *out, size_t size)
{
	snprintf(out, size, "%s.part", final_path);
}

void gn_private_discard(const char *part_path)
{
	long h = find_held(part_path);
	unlink(part_path);
	if (h >= 0)
		release_at((size_t)h);
	release_gone();
}

/* A file of this user's at path removed (not a link, a folder or another
 * user's): 1, else 0. */
static int unlink_own(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == geteuid() && unlink(path) == 0;
}

/* The one walk of the sweeps: each entry of dir whose name begins with
 * prefix, given to one as its path and the name after the prefix; the sum
 * of what one returns (how many it removed). */
static int walk_prefixed(const char *dir, const char *prefix, int (*one)(const char *path, const char *rest))
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int removed = 0;
	size_t plen = strlen(prefix);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX];
		if (strncmp(e->d_name, prefix, plen) == 0 &&
		    snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
			removed += one(path, e->d_name + plen);
	}
	closedir(d);
	return removed;
}

/* gn_private_sweep's: a stale .part, or SQLite's file beside a .part
 * already gone. */
static int sweep_part(const char *path, const char *rest)
{
	size_t n = strlen(rest), pl = strlen(path);
	struct stat sb;
	if (n > 5 && strcmp(rest + n - 5, ".part") == 0)
		return gn_private_clear_stale(path, NULL) == GN_OK && lstat(path, &sb) != 0;
	int removed = 0;
	for (size_t i = 0; i < sizeof sqlite_sides / sizeof *sqlite_sides; i++) {
		size_t sl = 5 + strlen(sqlite_sides[i]);
		char part[PATH_MAX];
		if (n <= sl || strncmp(rest + n - sl, ".part", 5) != 0 || strcmp(rest + n - sl + 5, sqlite_sides[i]) != 0)
			continue;
		snprintf(part, sizeof part, "%.*s", (int)(pl - (sl - 5)), path);
		if (lstat(part, &sb) != 0 && errno == ENOENT)
			removed += unlink_own(path);
	}
	return removed;
}

int gn_private_sweep(const char *dir, const char *prefix)
{
	return walk_prefixed(dir, prefix, sweep_part);
}

void gn_private_own_name(const char *dir, const char *prefix, const char *suffix, char *out, size_t size)
{
	snprintf(out, size, "%s/%s%ld%s", dir, prefix, (long)getpid(), suffix);
}

/* gn_private_sweep_orphans': a file named for a process that is gone. */
static int sweep_orphan(const char *path, const char *rest)
{
	char *end = NULL;
	long pid = strtol(rest, &end, 10);
	if (end == rest || pid <= 0 || pid == (long)getpid())
		return 0;
	/* a live process of ours keeps its file (EPERM: someone else's
	 * process now has the number; not ours to judge, left alone) */
	if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
		return 0;
	return unlink_own(path);
}

int gn_private_sweep_orphans(const char *dir, const char *prefix)
{
	return walk_prefixed(dir, prefix, sweep_orphan);
}

/* errno of renameat2 when the filesystem does not know the flag. */
static bool flag_refused(int e)
{
	return e == EINVAL || e == ENOSYS || e == ENOTSUP || e == EOPNOTSUPP;
}

/* errno of link() on a filesystem without hard links (vfat, exFAT). */
static bool link_refused(int e)
{
	return e == EPERM || e == ENOSYS || e == ENOTSUP || e == EOPNOTSUPP || e == EMLINK;
}

static gn_status publish_fail(gn_err *err, const char *final_path, int e)
{
	if (e == EEXIST || e == ENOTEMPTY)
		return gn_fail(err, GN_ERR_CONFLICT, _("%s already exists; it was left as it is"), final_path);
	if (e == ENOSPC || e == EDQUOT)
		return gn_private_write_fail(err, final_path, e);
	return gn_fail(err, GN_ERR_IO, _("cannot create %s: %s"), final_path, strerror(e));
}

/* Gives part_path the name final_path if nothing has it. *moved tells
 * that the .part name is gone (renamed) rather than linked. */
static gn_status put_in_place(const char *part_path, const char *final_path, bool *moved, gn_err *err)
{
	/* GONHA_TEST_PUBLISH=link or placeholder: the way a filesystem without
	 * the flag, or without links too, is served, on any filesystem (tests) */
	const char *force = getenv("GONHA_TEST_PUBLISH");
	int way = !force ? 0 : strcmp(force, "link") == 0 ? 1 : strcmp(force, "placeholder") == 0 ? 2 : 0;
	*moved = false;
	if (way == 0) {
		/* The kernel refuses with EEXIST instead of replacing: ext4, xfs,
		 * btrfs, tmpfs, vfat, exfat, ntfs3 ... */
		if (renameat2(AT_FDCWD, part_path, AT_FDCWD, final_path, RENAME_NOREPLACE) == 0) {
			*moved = true;
			return GN_OK;
		}
		if (!flag_refused(errno))
			return publish_fail(err, final_path, errno);
	}
	if (way <= 1) {
		/* Older FUSE and network filesystems: link() fails with EEXIST. */
		if (link(part_path, final_path) == 0)
			return GN_OK;
		if (!link_refused(errno))
			return publish_fail(err, final_path, errno);
	}
	/* Neither (a USB stick through FUSE, say): take the name with an empty
	 * file of our own (O_EXCL), then move the whole file over it. Only this
	 * placeholder can be replaced, never a file somebody else made. */
	int fd = open(final_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return publish_fail(err, final_path, errno);
	struct stat mine, now;
	bool have = fstat(fd, &mine) == 0;
	close(fd);
	if (rename(part_path, final_path) == 0) {
		*moved = true;
		return GN_OK;
	}
	int e = errno;
	bool still_mine = have && lstat(final_path, &now) == 0 && same_file(&mine, &now);
	if (still_mine && (e == EEXIST || e == ENOTEMPTY || e == EPERM || e == EACCES)) {
		/* a filesystem that will not rename over a file: it cannot replace
		 * one either, so the plain rename cannot lose anything */
		if (unlink(final_path) == 0) {
			if (rename(part_path, final_path) == 0) {
				*moved = true;
				return GN_OK;
			}
			e = errno;
			still_mine = false;
		}
	}
	if (still_mine)
		unlink(final_path);
	return publish_fail(err, final_path, e);
}

/* Best effort: the new name itself on the disk too. */
static void sync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	gn_path_dir(path, dir, sizeof dir);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

gn_status gn_private_publish(const char *part_path, const char *final_path, gn_err *err)
{
	gn_status st = GN_OK;
	long h = find_held(part_path);
	/* On the disk before it has its name, so that a USB stick pulled out
	 * afterwards holds it whole; and a write the disk refuses late (full,
	 * failing) is found here, not by the person who opens the file. */
	int fd = h >= 0 ? held[h].fd : open(part_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && fsync(fd) != 0 && errno != EINVAL && errno != EROFS && errno != ENOTSUP &&
	    errno != EOPNOTSUPP)
		st = gn_private_write_fail(err, final_path, errno);
	if (fd >= 0 && h < 0)
		close(fd);
	bool moved = false;
	if (st == GN_OK)
		st = put_in_place(part_path, final_path, &moved, err);
	if (st == GN_OK)
		sync_dir_of(final_path);
	/* Renamed, the .part name is free and may already be another writer's. */
	if (!moved)
		unlink(part_path);
	if (h >= 0)
		release_at((size_t)h); /* its lock goes with it */
	return st;
}

gn_status gn_private_replace(const char *part_path, const char *final_path, gn_err *err)
{
	gn_status st = GN_OK;
	long h = find_held(part_path);
	int fd = h >= 0 ? held[h].fd : open(part_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		st = gn_fail(err, GN_ERR_IO, _("cannot open %s: %s"), part_path, strerror(errno));
	else if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS && errno != ENOTSUP && errno != EOPNOTSUPP)
		st = gn_private_write_fail(err, final_path, errno);
	if (fd >= 0 && h < 0)
		close(fd);
	if (st == GN_OK && rename(part_path, final_path) != 0)
		st = gn_fail(err, GN_ERR_IO, _("cannot create %s: %s"), final_path, strerror(errno));
	if (st == GN_OK) {
		sync_dir_of(final_path);
		if (h >= 0)
			release_at((size_t)h); /* the name is gone; its lock goes with it */
	}
	return st;
}

gn_status gn_private_link(const char *path, const char *new_path, bool *refused, gn_err *err)
{
	/* GONHA_TEST_PUBLISH=placeholder: a filesystem without links (tests) */
	const char *force = getenv("GONHA_TEST_PUBLISH");
	*refused = force && strcmp(force, "placeholder") == 0;
	if (*refused)
		return gn_fail(err, GN_ERR_IO, _("cannot create %s: %s"), new_path, strerror(EPERM));
	if (link(path, new_path) == 0) {
		sync_dir_of(new_path);
		return GN_OK;
	}
	*refused = link_refused(errno);
	return publish_fail(err, new_path, errno);
}

/* Runs one statement with a single text parameter ?1 (and ?2, ?3 if given). */
static gn_status exec_bound(sqlite3 *db, const char *sql, const char *p1, const char *p2, const char *p3,
                            gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, _("erasing"));
	sqlite3_bind_text(st, 1, p1, -1, SQLITE_STATIC);
	if (p2)
		sqlite3_bind_text(st, 2, p2, -1, SQLITE_STATIC);
	if (p3)
		sqlite3_bind_text(st, 3, p3, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = gn_db_fail(db, err, _("erasing"));
	sqlite3_finalize(st);
	return rc;
}

gn_status gn_person_erase(gn_ctx *ctx, const char *person_id, gn_err *err)
{
	sqlite3 *db = ctx->db;
	sqlite3_stmt *q = NULL;
	char household_id[37] = "", tdp_id[37] = "", now[32];
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	if (!person_id || !*person_id)
		return gn_fail_field(err, GN_ERR_INVALID, "person", _("no person given"));
	if (sqlite3_prepare_v2(db, "SELECT household_id, tdp_id FROM person WHERE id = ?1", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "person");
	sqlite3_bind_text(q, 1, person_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(q);
	if (step == SQLITE_ROW) {
		snprintf(household_id, sizeof household_id, "%s", (const char *)sqlite3_column_text(q, 0));
		snprintf(tdp_id, sizeof tdp_id, "%s", (const char *)sqlite3_column_text(q, 1));
	}
	sqlite3_finalize(q);
	if (step == SQLITE_DONE)
		return gn_fail_field(err, GN_ERR_NOT_FOUND, "person", _("there is no person %s"), person_id);
	if (step != SQLITE_ROW)
		return gn_db_fail(db, err, "person");

	/* the old values overwritten, not left in free pages or the log */
	int secure_before = 0;
	if ((st = gn_db_scrub_begin(db, &secure_before, err)) != GN_OK)
		return st;
	gn_now_iso(now);
	if ((st = gn_db_begin(db, err)) != GN_OK) {
		gn_db_scrub_end(db, secure_before, false);
		return st;
	}
	st = exec_bound(db, "UPDATE person SET full_name = '', name_key = '', birth_year = NULL, sex = NULL, "
	                "relation = NULL, cccd = NULL, cccd_masked = NULL, answers = '{}', deleted = 1, rev = rev + 1, "
	                "updated_at = ?2, updated_by = ?3 WHERE id = ?1", person_id, now, ctx->user.login, err);
	/* Earlier audit entries keep who, when and which fields, not values:
	 * the one change the audit log's triggers let through, for this person,
	 * inside this transaction. */
	if (st == GN_OK)
		st = exec_bound(db, "INSERT OR REPLACE INTO meta(key, value) VALUES ('audit_erasing', ?1)", person_id, NULL,
		                NULL, err);
	if (st == GN_OK)
		st = exec_bound(db, "UPDATE audit_log SET changes = (SELECT coalesce(json_group_object(key, "
		                "json_array(?2, ?2)), '{}') FROM json_each(audit_log.changes)) "
		                "WHERE table_name = 'person' AND record_id = ?1", person_id, GN_ERASED_VALUE, NULL, err);
	if (st == GN_OK)
		st = exec_bound(db, "DELETE FROM meta WHERE key = 'audit_erasing' AND value = ?1", person_id, NULL, NULL, err);
	/* A half-typed form of the household holds the person too. */
	if (st == GN_OK)
		st = exec_bound(db, "DELETE FROM draft WHERE record_id = ?1 OR record_id = ?2", household_id,
		                person_id, NULL, err);
	if (st == GN_OK)
		st = exec_bound(db, "DELETE FROM merge_conflict WHERE table_name = 'person' AND record_id = ?1",
		                person_id, NULL, NULL, err);
	/* So do the verification pass's copies of the household (verify.h):
	 * its second keying, and the members' values compared */
	if (st == GN_OK)
		st = exec_bound(db, "UPDATE verify_item SET shadow = NULL, verifier = CASE WHEN state = 'started' THEN NULL "
		                "ELSE verifier END, state = CASE WHEN state = 'started' THEN 'pending' ELSE state END "
		                "WHERE household_id = ?1", household_id, NULL, NULL, err);
	if (st == GN_OK)
		st = exec_bound(db, "DELETE FROM verify_field WHERE household_id = ?1 AND member >= 0", household_id, NULL,
		                NULL, err);
	/* and the changes kept to undo imports hold people's rows as they
	 * were: no import made before an erasure can be undone after it */
	if (st == GN_OK)
		st = gn_db_exec(db, "DELETE FROM import_undo_part; DELETE FROM import_undo_person", err);
	if (st == GN_OK)
		st = gn_audit(ctx, "erase", "person", person_id, tdp_id, NULL, err);
	if (st == GN_OK)
		st = gn_db_commit(db, err);
	else
		gn_db_rollback(db);
	gn_db_scrub_end(db, secure_before, st == GN_OK);
	return st;
}
