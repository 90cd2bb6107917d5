/* Backups through the SQLite online backup API (sqlite3_backup_*): a
 * consistent copy of a live database, page by page, without stopping the
 * people using it. A restore stages the incoming file beside the ward and
 * renames it over the ward's name, the old file kept aside by a hard link
 * (swap_in): all or nothing, and nothing of the ward copied. */
#include "gonha/domain/backup.h"
#include "gonha/storage/db.h"
#include "gonha/storage/vault.h"
#include "gonha/core/i18n.h"
#include "gonha/core/paths.h"
#include "gonha/domain/privacy.h"
#include "gonha/domain/sealed.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void gn_backup_dir(const char *db_path, char *out, size_t size)
{
	snprintf(out, size, "%s.backups", db_path);
}

char *gn_ward_id(sqlite3 *db)
{
	return gn_db_meta_get(db, "ward_id");
}

/* "2026-11-20T09:05:03Z" -> "20261120-090503". */
static void stamp_from_iso(const char *iso, char out[16])
{
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
	sscanf(iso, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s);
	char buf[64];
	snprintf(buf, sizeof buf, "%04u%02u%02u-%02u%02u%02u", (unsigned)y % 10000, (unsigned)mo % 100,
	         (unsigned)d % 100, (unsigned)h % 100, (unsigned)mi % 100, (unsigned)s % 100);
	snprintf(out, 16, "%.15s", buf);
}

static long long stamp_to_epoch(const char *stamp)
{
	struct tm tm = { 0 };
	if (!strptime(stamp, "%Y%m%d-%H%M%S", &tm))
		return -1;
	return (long long)timegm(&tm);
}

/* A copy of a damaged file is no backup: restore would refuse it. The
 * copy is checked, not the live file: its pages are the source's, byte for
 * byte, so this finds the source's damage and the copy's own, and reads a
 * file nobody else is writing. */
static gn_status check_copy(sqlite3 *dst, const char *dest_path, gn_err *err)
{
	sqlite3_stmt *qc = NULL;
	char first[256] = "";
	if (sqlite3_prepare_v2(dst, "PRAGMA quick_check(1)", -1, &qc, NULL) != SQLITE_OK)
		return gn_db_fail(dst, err, dest_path);
	int rc = sqlite3_step(qc);
	if (rc == SQLITE_ROW)
		gn_db_col_copy(qc, 0, first, sizeof first);
	sqlite3_finalize(qc);
	if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB || (rc == SQLITE_ROW && strcmp(first, "ok") != 0))
		return gn_fail(err, GN_ERR_DB, _("the database is damaged (%s): no backup was made of it; run gonha check, and "
		                                 "restore the last good backup"), first[0] ? first : sqlite3_errstr(rc));
	if (rc != SQLITE_ROW)
		return gn_db_fail(dst, err, dest_path);
	return GN_OK;
}

/* Copies the live database `src` into a new private file at dest_path
 * (which must not exist), written whole or not at all; checked (check_copy)
 * unless it is the ward set aside by a restore, kept as it is, damaged or
 * not (a restore must be possible over a damaged ward). */
static gn_status copy_database(sqlite3 *src, const char *dest_path, bool check, gn_err *err)
{
	char part[PATH_MAX];
	sqlite3 *dst = NULL;
	gn_status st = GN_OK;

	if (access(dest_path, F_OK) == 0)
		return gn_fail(err, GN_ERR_CONFLICT, _("%s already exists; it was left as it is"), dest_path);
	gn_private_part_path(dest_path, part, sizeof part);
	FILE *fp = gn_private_create(part, err); /* mode 0600 before any data goes in */
	if (!fp)
		return err ? err->status : GN_ERR_IO;
	fclose(fp);
	if (sqlite3_open_v2(part, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		st = gn_fail(err, GN_ERR_IO, _("cannot create %s: %s"), dest_path,
		             dst ? sqlite3_errmsg(dst) : _("out of memory"));
		goto out;
	}
	/* No rollback journal: a copy cut short is thrown away whole, never
	 * rolled back; and some USB-stick filesystems (FUSE vfat) cannot hold
	 * one (they refuse writes past the end of a file). */
	if (sqlite3_exec(dst, "PRAGMA journal_mode = OFF", NULL, NULL, NULL) != SQLITE_OK) {
		st = gn_db_fail(dst, err, dest_path);
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		st = gn_fail(err, GN_ERR_IO, _("cannot copy the database to %s: %s"), dest_path, sqlite3_errmsg(dst));
		goto out;
	}
	int rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		st = rc == SQLITE_FULL
			? gn_fail(err, GN_ERR_IO, _("%s: the disk is full; nothing was saved"), dest_path)
			: gn_fail(err, GN_ERR_IO, _("cannot copy the database to %s: %s"), dest_path, sqlite3_errstr(rc));
		goto out;
	}
	if (check && (st = check_copy(dst, dest_path, err)) != GN_OK)
		goto out;
	/* A backup is one self-contained file: no -wal or -shm beside it. The
	 * copied header says WAL (the ward's mode); leaving WAL on a
	 * connection in exclusive mode needs no -shm (which FUSE vfat cannot
	 * hold), and the in-memory journal no journal file. Whoever opens the
	 * file later finds an ordinary rollback-journal database. */
	if (sqlite3_exec(dst, "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY", NULL, NULL,
	                 NULL) != SQLITE_OK) {
		st = gn_db_fail(dst, err, dest_path);
		goto out;
	}
out:
	if (dst && sqlite3_close(dst) != SQLITE_OK && st == GN_OK)
		st = gn_fail(err, GN_ERR_IO, _("cannot write %s"), dest_path);
	/* SQLite's files beside it first, while the .part name is still this
	 * writer's (none is left after a clean close). */
	static const char *const sides[] = { "-journal", "-wal", "-shm" };
	for (size_t i = 0; i < sizeof sides / sizeof *sides; i++) {
		char side[PATH_MAX + 16];
		snprintf(side, sizeof side, "%s%s", part, sides[i]);
		unlink(side);
	}
	if (st == GN_OK)
		st = gn_private_publish(part, dest_path, err); /* removes the .part in every case */
	else
		gn_private_discard(part);
	return st;
}

/* ---- manifests ----------------------------------------------------------- */

/* A backup gonha made (gonha backup --out, a snapshot) has a manifest
 * beside it, FILE.manifest (mode 0600): the file's size and its BLAKE2b
 * digest (libsodium's generichash, 32 bytes), written once the copy is
 * whole and has passed its quick_check. A restore that finds the file as
 * its manifest says needs a quick_check only (not one byte changed since
 * it was checked whole); a file without one, or one that differs from it,
 * gets the full integrity_check, as a foreign file does. */
#define MANIFEST_SUFFIX ".manifest"
#define MANIFEST_HEAD "gonha-backup 1"

static void manifest_path(const char *path, char *out, size_t size)
{
	snprintf(out, size, "%s" MANIFEST_SUFFIX, path);
}

/* The size and BLAKE2b digest (hex) of a whole file; each byte read also
 * written to copy_to (copy_path names it in messages) when it is given:
 * the copy is then of exactly the bytes the digest is of. */
static gn_status file_digest_copy(const char *path, char hex[2 * crypto_generichash_BYTES + 1], long long *size,
                                  FILE *copy_to, const char *copy_path, gn_err *err)
{
	/* 256 KB: with 1 MB chunks, writing the copy (bench/rows/restore.sh at
	 * 200 k) sometimes took 3.5x as long, the time in the kernel's copy
	 * into the page cache (perf: copy_folio_from_iter_atomic) */
	enum { CHUNK = 1 << 18 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gn_fail(err, GN_ERR_IO, _("cannot open %s: %s"), path, strerror(errno));
	unsigned char *buf = malloc(CHUNK), digest[crypto_generichash_BYTES];
	if (!buf) {
		close(fd);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	crypto_generichash_state state;
	crypto_generichash_init(&state, NULL, 0, sizeof digest);
	gn_status st = GN_OK;
	ssize_t n;
	*size = 0;
	while ((n = read(fd, buf, CHUNK)) > 0) {
		crypto_generichash_update(&state, buf, (unsigned long long)n);
		*size += n;
		if (copy_to && fwrite(buf, 1, (size_t)n, copy_to) != (size_t)n) {
			st = gn_private_write_fail(err, copy_path, errno);
			break;
		}
	}
	if (st == GN_OK && copy_to && fflush(copy_to) != 0)
		st = gn_private_write_fail(err, copy_path, errno);
	if (st != GN_OK)
		;
	else if (n < 0)
		st = gn_fail(err, GN_ERR_IO, _("cannot read %s: %s"), path, strerror(errno));
	crypto_generichash_final(&state, digest, sizeof digest);
	sodium_bin2hex(hex, 2 * crypto_generichash_BYTES + 1, digest, sizeof digest);
	free(buf);
	close(fd);
	return st;
}

static gn_status file_digest(const char *path, char hex[2 * crypto_generichash_BYTES + 1], long long *size,
                             gn_err *err)
{
	return file_digest_copy(path, hex, size, NULL, NULL, err);
}

/* Writes path's manifest (which must not exist), whole or not at all. */
static gn_status write_manifest(const char *path, gn_err *err)
{
	char hex[2 * crypto_generichash_BYTES + 1], mpath[PATH_MAX + 16], part[PATH_MAX + 32];
	long long size = 0;
	gn_status st = file_digest(path, hex, &size, err);
	if (st != GN_OK)
		return st;
	manifest_path(path, mpath, sizeof mpath);
	gn_private_part_path(mpath, part, sizeof part);
	FILE *fp = gn_private_create(part, err);
	if (!fp)
		return err ? err->status : GN_ERR_IO;
	int ok = fprintf(fp, MANIFEST_HEAD "\nsize %lld\nblake2b %s\n", size, hex) > 0;
	if (fclose(fp) != 0 || !ok) {
		gn_private_discard(part);
		return gn_fail(err, GN_ERR_IO, _("cannot write %s: %s"), mpath, strerror(errno));
	}
	return gn_private_publish(part, mpath, err);
}

/* The size (as written) and digest (hex) path's manifest says; false
 * without a well-formed one. */
static bool read_manifest(const char *path, char size_line[32], char want[2 * crypto_generichash_BYTES + 1])
{
	char mpath[PATH_MAX + 16], line[256], size_got[256] = "", want_got[256] = "";
	manifest_path(path, mpath, sizeof mpath);
	FILE *fp = fopen(mpath, "r");
	if (!fp)
		return false;
	bool head = fgets(line, sizeof line, fp) && strcmp(line, MANIFEST_HEAD "\n") == 0;
	while (head && fgets(line, sizeof line, fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "size ", 5) == 0)
			snprintf(size_got, sizeof size_got, "%s", line + 5);
		else if (strncmp(line, "blake2b ", 8) == 0)
			snprintf(want_got, sizeof want_got, "%s", line + 8);
	}
	fclose(fp);
	if (!head || strlen(want_got) != 2 * crypto_generichash_BYTES || !size_got[0] || strlen(size_got) >= 32)
		return false;
	memcpy(size_line, size_got, strlen(size_got) + 1);
	memcpy(want, want_got, 2 * crypto_generichash_BYTES + 1);
	return true;
}

/* Do a file's size and digest (hex) agree with what its manifest says? */
static bool manifest_agrees(const char *size_line, const char *want, long long size, const char *hex)
{
	char have_size[32];
	snprintf(have_size, sizeof have_size, "%lld", size);
	return strcmp(have_size, size_line) == 0 && sodium_memcmp(hex, want, 2 * crypto_generichash_BYTES) == 0;
}

/* Is path whole as its manifest says? False without one. */
static bool manifest_matches(const char *path)
{
	char size_line[32], want[2 * crypto_generichash_BYTES + 1], hex[2 * crypto_generichash_BYTES + 1];
	long long size = 0;
	return read_manifest(path, size_line, want) && file_digest(path, hex, &size, NULL) == GN_OK &&
	       manifest_agrees(size_line, want, size, hex);
}

/* A file with a manifest copied to part (a new .part, gn_private_create)
 * in the same read as its digest: *staged when the copy is whole and of
 * the bytes the manifest says, else no copy is left (*staged false, GN_OK:
 * the file is checked as a foreign one). Errors: the copy's (disk full). */
static gn_status copy_as_made(const char *path, const char *part, bool *staged, gn_err *err)
{
	char size_line[32], want[2 * crypto_generichash_BYTES + 1], hex[2 * crypto_generichash_BYTES + 1];
	long long size = 0;
	*staged = false;
	if (!read_manifest(path, size_line, want))
		return GN_OK;
	FILE *fp = gn_private_create(part, err);
	if (!fp)
		return err ? err->status : GN_ERR_IO;
	gn_err read_err = { 0 };
	gn_status st = file_digest_copy(path, hex, &size, fp, part, &read_err);
	if (fclose(fp) != 0 && st == GN_OK)
		st = gn_private_write_fail(&read_err, part, errno);
	bool wrote_fail = st != GN_OK && read_err.sys_errno != 0;
	if (st == GN_OK && manifest_agrees(size_line, want, size, hex)) {
		*staged = true;
		return GN_OK;
	}
	gn_private_discard(part);
	if (wrote_fail && err)
		*err = read_err;
	return wrote_fail ? st : GN_OK;
}

/* A new copy of the live database at dest_path with its manifest; neither
 * may exist. Without its manifest the copy is removed: not made. */
static gn_status copy_with_manifest(sqlite3 *src, const char *dest_path, gn_err *err)
{
	char mpath[PATH_MAX + 16];
	manifest_path(dest_path, mpath, sizeof mpath);
	if (access(mpath, F_OK) == 0)
		return gn_fail(err, GN_ERR_CONFLICT, _("%s already exists; it was left as it is"), mpath);
	gn_status st = copy_database(src, dest_path, true, err);
	if (st == GN_OK && (st = write_manifest(dest_path, err)) != GN_OK)
		unlink(dest_path);
	return st;
}

/* A backup made at out_path goes into the log as a bulk read of every
 * person, IDs whole; one that cannot be recorded is removed: not made. */
static gn_status record_backup(gn_ctx *ctx, const char *what, const char *out_path, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	long persons = 0;
	if (sqlite3_prepare_v2(ctx->db, "SELECT count(*) FROM person WHERE deleted = 0", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		persons = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	gn_status st = gn_audit_bulk_read(ctx, what, NULL, persons, true, out_path, err);
	if (st != GN_OK)
		unlink(out_path);
	return st;
}

gn_status gn_backup_to_file(gn_ctx *ctx, const char *out_path, gn_err *err)
{
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	if (!out_path || !*out_path)
		return gn_fail_field(err, GN_ERR_INVALID, "out", _("no output file given"));
	if ((st = copy_with_manifest(ctx->db, out_path, err)) != GN_OK)
		return st;
	if ((st = record_backup(ctx, "backup", out_path, err)) != GN_OK) {
		char mpath[PATH_MAX + 16];
		manifest_path(out_path, mpath, sizeof mpath);
		unlink(mpath);
	}
	return st;
}

/* ---- automatic snapshots ------------------------------------------------ */

/* The policy (issue 13): a full copy is never on the path of a sign-out or
 * a quit. At most one snapshot is kept per local day, for the
 * GN_BACKUP_KEEP most recent days that have one; a new one is made when
 * the newest is of an earlier day and the ward's change counter
 * (data_changes, migration 12) has moved since it was made. The counter
 * is read from the newest snapshot itself, so there is nothing else to
 * keep in step: a snapshot deleted by hand or a restore cannot make the
 * policy believe in a copy that is not there (a restore moves the counter
 * past both files' values, see record_restore). The copy is one backup
 * step under one read transaction: in WAL mode nobody waits for it, and
 * nobody's write makes it start again. */

#define SNAP_PREFIX "ward-"
#define SNAP_SUFFIX ".db"

typedef struct snapshot_list {
	char (*stamps)[16]; /* owned: "YYYYMMDD-HHMMSS", newest first */
	size_t n;
} snapshot_list;

/* Is name "ward-YYYYMMDD-HHMMSS.db"? Copies the stamp. */
static bool snapshot_name(const char *name, char stamp[16])
{
	size_t plen = strlen(SNAP_PREFIX), slen = strlen(SNAP_SUFFIX);
	if (strlen(name) != plen + 15 + slen || strncmp(name, SNAP_PREFIX, plen) != 0 ||
	    strcmp(name + plen + 15, SNAP_SUFFIX) != 0)
		return false;
	for (size_t i = 0; i < 15; i++) {
		char c = name[plen + i];
		if (i == 8 ? c != '-' : (c < '0' || c > '9'))
			return false;
	}
	memcpy(stamp, name + plen, 15);
	stamp[15] = '\0';
	return true;
}

static int newest_first(const void *a, const void *b)
{
	return -strcmp((const char *)a, (const char *)b);
}

static gn_status list_snapshots(const char *dir, snapshot_list *out, gn_err *err)
{
	memset(out, 0, sizeof *out);
	DIR *d = opendir(dir);
	if (!d)
		return gn_fail(err, GN_ERR_IO, _("cannot read the folder %s: %s"), dir, strerror(errno));
	size_t cap = 0;
	gn_status st = GN_OK;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char stamp[16];
		if (!snapshot_name(e->d_name, stamp))
			continue;
		if (out->n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			char (*bigger)[16] = realloc(out->stamps, ncap * sizeof *bigger);
			if (!bigger) {
				st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
				break;
			}
			out->stamps = bigger;
			cap = ncap;
		}
		memcpy(out->stamps[out->n++], stamp, 16);
	}
	closedir(d);
	if (st == GN_OK && out->n)
		qsort(out->stamps, out->n, sizeof *out->stamps, newest_first);
	return st;
}

/* The local day (YYYY-MM-DD, the PC's time zone, as gn_today_iso) of a
 * snapshot's UTC stamp. */
static void stamp_local_day(const char *stamp, char out[11])
{
	long long epoch = stamp_to_epoch(stamp);
	time_t t = (time_t)epoch;
	struct tm local;
	if (epoch < 0 || !localtime_r(&t, &local) || strftime(out, 11, "%Y-%m-%d", &local) != 10)
		snprintf(out, 11, "%.4s-%.2s-%.2s", stamp, stamp + 4, stamp + 6);
}

static void snapshot_path(const char *dir, const char *stamp, char *out, size_t size)
{
	snprintf(out, size, "%s/" SNAP_PREFIX "%s" SNAP_SUFFIX, dir, stamp);
}

/* Keeps the newest snapshot of each of the GN_BACKUP_KEEP most recent
 * local days that have one; removes the others. */
static void rotate(const char *dir, const snapshot_list *l)
{
	int days = 0;
	char last_day[11] = "";
	for (size_t i = 0; i < l->n; i++) {
		char day[11];
		stamp_local_day(l->stamps[i], day);
		bool newest_of_day = strcmp(day, last_day) != 0;
		if (newest_of_day) {
			memcpy(last_day, day, sizeof day);
			days++;
		}
		if (newest_of_day && days <= GN_BACKUP_KEEP)
			continue;
		char path[PATH_MAX + 64], mpath[PATH_MAX + 80];
		snapshot_path(dir, l->stamps[i], path, sizeof path);
		manifest_path(path, mpath, sizeof mpath);
		unlink(path);
		unlink(mpath);
	}
}

/* The change counter of a database (migration 12), or -1 where it has
 * none (made by an older gonha) or it cannot be read. */
static long long change_count(sqlite3 *db)
{
	sqlite3_stmt *q = NULL;
	long long n = -1;
	if (sqlite3_prepare_v2(db, "SELECT n FROM data_changes WHERE id = 1", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* The counter a snapshot file holds (-1: unknown, so a new one is due). */
static long long snapshot_changes(const char *path)
{
	sqlite3 *s = NULL;
	long long n = -1;
	if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
		n = change_count(s);
	sqlite3_close(s);
	return n;
}

/* A snapshot that holds citizen ID numbers in clear: made before the ward
 * began to encrypt them (no meta cccd_sealed in it) and with a number. */
static bool holds_plain_numbers(const char *path)
{
	sqlite3 *s = NULL;
	sqlite3_stmt *q = NULL;
	bool plain = false;
	if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(s, "SELECT NOT EXISTS (SELECT 1 FROM meta WHERE key = 'cccd_sealed') AND "
	                       "EXISTS (SELECT 1 FROM person WHERE typeof(cccd) = 'text')", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		plain = sqlite3_column_int(q, 0) != 0;
	sqlite3_finalize(q);
	sqlite3_close(s);
	return plain;
}

/* A ward that encrypts its numbers keeps no snapshot with them in clear.
 * The ones made before were sealed under the recovery code when it began
 * to (wardkey.c); a gonha killed in the middle of that left the others
 * plain, and the code is not kept to seal them later: they are removed
 * here, at the next start (their sealed copies stay). */
static void remove_plain_copies(sqlite3 *db, const char *dir, const snapshot_list *l)
{
	char *sealed = gn_db_meta_get(db, "cccd_sealed");
	if (!sealed)
		return;
	free(sealed);
	for (size_t i = 0; i < l->n; i++) {
		char path[PATH_MAX + 64], mpath[PATH_MAX + 80];
		snapshot_path(dir, l->stamps[i], path, sizeof path);
		if (!holds_plain_numbers(path))
			continue;
		manifest_path(path, mpath, sizeof mpath);
		unlink(path);
		unlink(mpath);
	}
}

/* Makes the folder (0700) or checks that it is one, and tightens its mode. */
static gn_status private_dir(const char *dir, gn_err *err)
{
	struct stat sb;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return gn_fail(err, GN_ERR_IO, _("cannot create the folder %s: %s"), dir, strerror(errno));
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return gn_fail(err, GN_ERR_IO, _("%s is not a folder"), dir);
	if ((sb.st_mode & 07777) != 0700 && chmod(dir, 0700) != 0)
		return gn_fail(err, GN_ERR_IO, _("cannot make the folder %s private: %s"), dir, strerror(errno));
	return GN_OK;
}

gn_status gn_backup_private_dir(const char *db_path, char *out, size_t size, gn_err *err)
{
	gn_backup_dir(db_path, out, size);
	return private_dir(out, err);
}

gn_status gn_backup_auto(sqlite3 *db, const char *db_path, bool force, bool *made, char *made_path,
                         size_t made_size, gn_err *err)
{
	char dir[PATH_MAX], now[32], stamp[16], path[PATH_MAX + 64];
	snapshot_list l = { 0 };
	gn_status st;

	if (made)
		*made = false;
	if (made_path && made_size)
		made_path[0] = '\0';
	if (!db_path || !*db_path)
		return gn_fail(err, GN_ERR_INVALID, _("no database file given"));
	gn_backup_dir(db_path, dir, sizeof dir);
	if ((st = private_dir(dir, err)) != GN_OK)
		return st;
	/* A snapshot cut short (gonha killed, power cut) left a .part with the
	 * whole ward in it; its name is never used again, so remove it here. */
	gn_private_sweep(dir, SNAP_PREFIX);
	/* and the plain copies a sealed file is made from, and an opened
	 * sealed import, left by a gonha killed half-way */
	gn_private_sweep_orphans(dir, "sealing-");
	gn_private_sweep(dir, "opening-");
	if ((st = list_snapshots(dir, &l, err)) != GN_OK)
		goto out;
	remove_plain_copies(db, dir, &l);
	free(l.stamps);
	if ((st = list_snapshots(dir, &l, err)) != GN_OK)
		goto out;
	gn_now_iso(now);
	stamp_from_iso(now, stamp);
	/* One made this very second is as fresh as a new one would be. */
	if (l.n > 0 && strcmp(l.stamps[0], stamp) == 0)
		goto out;
	if (!force && l.n > 0) {
		char newest_day[11], today[11];
		stamp_local_day(l.stamps[0], newest_day);
		gn_today_iso(today);
		if (strcmp(newest_day, today) >= 0)
			goto out; /* one today already */
		snapshot_path(dir, l.stamps[0], path, sizeof path);
		long long then = snapshot_changes(path), changes = change_count(db);
		if (then >= 0 && then == changes)
			goto out; /* nothing changed since */
	}
	snapshot_path(dir, stamp, path, sizeof path);
	if ((st = copy_with_manifest(db, path, err)) != GN_OK)
		goto out;
	if (made)
		*made = true;
	if (made_path && made_size)
		snprintf(made_path, made_size, "%s", path);
	free(l.stamps);
	if ((st = list_snapshots(dir, &l, err)) == GN_OK)
		rotate(dir, &l);
out:
	free(l.stamps);
	return st;
}

gn_status gn_backup_daily(const char *db_path, bool *made, char *made_path, size_t made_size, gn_err *err)
{
	sqlite3 *db = NULL;
	if (made)
		*made = false;
	if (made_path && made_size)
		made_path[0] = '\0';
	gn_status st = gn_db_open(db_path, GN_DB_READONLY, &db, err);
	if (st != GN_OK)
		return st;
	st = gn_backup_auto(db, db_path, false, made, made_path, made_size, err);
	gn_db_close(db);
	return st;
}

/* ---- restore ------------------------------------------------------------ */

/* Opens a file to restore from, read-only, and checks it; *out is the open
 * connection on success (the caller closes it). shown is its name in the
 * messages (path may be a copy of it). verified: its bytes are known to be
 * as gonha made them (a sealed copy opened, a copy checked against its
 * manifest on the way, copy_as_made): a quick_check. */
static gn_status open_checked(sqlite3 *db, const char *path, const char *shown, bool allow_other_ward, bool verified,
                              sqlite3 **out, gn_err *err)
{
	sqlite3 *src = NULL;
	sqlite3_stmt *q = NULL;
	char *app = NULL, *mine = NULL, *theirs = NULL;
	gn_status st;

	*out = NULL;
	/* application_id, schema version not newer, a regular non-empty file. */
	if ((st = gn_db_open(path, GN_DB_READONLY, &src, err)) != GN_OK && strcmp(path, shown) != 0) {
		/* the same bytes: the same refusal, in the user's file's name */
		sqlite3 *again = NULL;
		if (gn_db_open(shown, GN_DB_READONLY, &again, err) == GN_OK)
			gn_fail(err, st, _("%s is damaged (%s); nothing was restored"), shown,
			        _("the file cannot be read as a database"));
		gn_db_close(again);
		goto out;
	}
	if (st != GN_OK) {
		/* A file whose header says SQLite and gonha (application_id, bytes
		 * 68-71) but that SQLite cannot read is damaged, not a stranger. */
		unsigned char head[100];
		FILE *fp = st == GN_ERR_NOT_GONHA ? fopen(path, "rb") : NULL;
		if (fp) {
			if (fread(head, 1, sizeof head, fp) == sizeof head && memcmp(head, "SQLite format 3", 16) == 0 &&
			    memcmp(head + 68, "gonh", 4) == 0)
				st = gn_fail(err, GN_ERR_NOT_GONHA, _("%s is damaged (%s); nothing was restored"), shown,
				             _("the file cannot be read as a database"));
			fclose(fp);
		}
		goto out;
	}
	/* A file as gonha made it, byte for byte (its manifest's digest, or a
	 * sealed copy's authenticated chunks), was checked whole when it was
	 * made: a quick_check now. Any other file: the full check. */
	bool as_made = verified || manifest_matches(path);
	if (sqlite3_prepare_v2(src, as_made ? "PRAGMA quick_check(1)" : "PRAGMA integrity_check(1)", -1, &q, NULL) !=
	    SQLITE_OK) {
		st = gn_fail(err, GN_ERR_NOT_GONHA, _("%s is damaged (%s); nothing was restored"), shown,
		             sqlite3_errmsg(src));
		goto out;
	}
	int step = sqlite3_step(q);
	const char *verdict = step == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
	if (!verdict || strcmp(verdict, "ok") != 0) {
		st = gn_fail(err, GN_ERR_NOT_GONHA, _("%s is damaged (%s); nothing was restored"), shown,
		             verdict ? verdict : sqlite3_errmsg(src));
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;
	app = gn_db_meta_get(src, "app");
	if (!app || strcmp(app, "gonha") != 0) {
		st = gn_fail(err, GN_ERR_NOT_GONHA, _("%s is not a gonha ward database; nothing was restored"), shown);
		goto out;
	}
	/* Same ward: by ward_id, or by name for files from before ward_id. */
	mine = gn_ward_id(db);
	theirs = gn_ward_id(src);
	const char *key = "ward_id";
	if (!mine || !theirs) {
		free(mine);
		free(theirs);
		key = "ward_name";
		mine = gn_db_meta_get(db, key);
		theirs = gn_db_meta_get(src, key);
	}
	if (!allow_other_ward && mine && (!theirs || strcmp(mine, theirs) != 0)) {
		char *their_name = gn_db_meta_get(src, "ward_name");
		st = gn_fail(err, GN_ERR_CONFLICT,
		             _("%s holds the data of another ward (%s); nothing was restored"), shown,
		             their_name ? their_name : "?");
		free(their_name);
		goto out;
	}
	*out = src;
	src = NULL;
out:
	sqlite3_finalize(q);
	gn_db_close(src);
	free(app);
	free(mine);
	free(theirs);
	return st;
}

gn_status gn_restore_check(sqlite3 *db, const char *path, bool allow_other_ward, gn_err *err)
{
	sqlite3 *src = NULL;
	gn_status st = open_checked(db, path, path, allow_other_ward, false, &src, err);
	gn_db_close(src);
	return st;
}

void gn_backup_sweep_restores(sqlite3 *db, const char *db_path)
{
	char dir[PATH_MAX], prefix[PATH_MAX];
	snprintf(prefix, sizeof prefix, "%s" GN_DB_KEPT_INFIX, gn_path_dir(db_path, dir, sizeof dir));
	gn_private_sweep(dir, prefix);
	gn_db_sweep_kept_links(db, db_path);
}

/* The restore's "restore" entry, written into the incoming copy so that it
 * arrives with it: the database is replaced and the replacement recorded
 * in one transaction, or neither. */
static gn_status record_restore(gn_ctx *ctx, sqlite3 *stage, const char *from_path, const char *kept, gn_err *err)
{
	gn_ctx in_stage = *ctx;
	in_stage.db = stage;
	char changes[2 * PATH_MAX + 64] = "{}";
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(stage, "SELECT json_object('from', json_array(NULL, ?1), 'kept', json_array(NULL, ?2))",
	                       -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(stage, err, from_path);
	sqlite3_bind_text(q, 1, from_path, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, kept, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		snprintf(changes, sizeof changes, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	q = NULL;
	gn_status st = gn_db_begin(stage, err);
	if (st != GN_OK)
		return st;
	st = gn_audit(&in_stage, "restore", "meta", "database", NULL, changes, err);
	/* The change counter moves past the ward's and the file's: the ward
	 * after a restore is a state no snapshot holds yet, though an older
	 * file's counter may equal a snapshot's (backup.c, the policy). */
	if (st == GN_OK && sqlite3_prepare_v2(stage, "UPDATE data_changes SET n = max(n, ?1) + 1 WHERE id = 1", -1, &q,
	                                      NULL) != SQLITE_OK)
		st = gn_db_fail(stage, err, from_path);
	if (st == GN_OK) {
		sqlite3_bind_int64(q, 1, change_count(ctx->db));
		if (sqlite3_step(q) != SQLITE_DONE)
			st = gn_db_fail(stage, err, from_path);
	}
	sqlite3_finalize(q);
	if (st == GN_OK)
		return gn_db_commit(stage, err);
	gn_db_rollback(stage);
	return st;
}

/* The staged copy made a ward: no -wal/-shm beside a file that lives for
 * one restore, an older gonha's schema brought up to date, the restore
 * recorded in it. */
static gn_status stage_finish(gn_ctx *ctx, sqlite3 *stage, const char *from_path, const char *kept,
                              const char *stage_part, gn_err *err)
{
	if (sqlite3_exec(stage, "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return gn_db_fail(stage, err, stage_part);
	gn_status st = gn_db_migrate_to(stage, gn_db_latest_version(), err);
	if (st == GN_OK)
		st = record_restore(ctx, stage, from_path, kept, err);
	return st;
}

/* Copies the checked file into a private staging copy beside the database
 * (a .part: locked while in use, swept if a kill leaves it), brings an
 * older gonha's schema up to date there and records the restore in it. */
static gn_status stage_restore(gn_ctx *ctx, sqlite3 *src, const char *from_path, const char *kept,
                               const char *stage_part, sqlite3 **out, gn_err *err)
{
	sqlite3 *stage = NULL;
	gn_status st = GN_OK;
	*out = NULL;
	FILE *fp = gn_private_create(stage_part, err);
	if (!fp)
		return err ? err->status : GN_ERR_IO;
	fclose(fp);
	if (sqlite3_open_v2(stage_part, &stage, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		st = gn_db_fail(stage, err, stage_part);
		goto fail;
	}
	/* thrown away whole if cut short: no journal to roll back */
	if (sqlite3_exec(stage, "PRAGMA journal_mode = OFF", NULL, NULL, NULL) != SQLITE_OK) {
		st = gn_db_fail(stage, err, stage_part);
		goto fail;
	}
	sqlite3_backup *b = sqlite3_backup_init(stage, "main", src, "main");
	if (!b) {
		st = gn_fail(err, GN_ERR_IO, _("cannot restore from %s: %s; nothing was changed"), from_path,
		             sqlite3_errmsg(stage));
		goto fail;
	}
	int rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		st = rc == SQLITE_FULL
			? gn_fail(err, GN_ERR_IO, _("%s: the disk is full; nothing was saved"), stage_part)
			: gn_fail(err, GN_ERR_IO, _("cannot restore from %s: %s; nothing was changed"), from_path,
			          sqlite3_errstr(rc));
		goto fail;
	}
	if ((st = stage_finish(ctx, stage, from_path, kept, stage_part, err)) != GN_OK)
		goto fail;
	*out = stage;
	return GN_OK;
fail:
	gn_db_close(stage);
	return st;
}

/* The staged copy at stage_part made by copy_as_made (and checked): opened
 * and finished as stage_restore's. */
static gn_status stage_open(gn_ctx *ctx, const char *from_path, const char *kept, const char *stage_part,
                            sqlite3 **out, gn_err *err)
{
	sqlite3 *stage = NULL;
	*out = NULL;
	gn_status st = sqlite3_open_v2(stage_part, &stage, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK
		? stage_finish(ctx, stage, from_path, kept, stage_part, err)
		: gn_db_fail(stage, err, stage_part);
	if (st != GN_OK)
		gn_db_close(stage);
	else
		*out = stage;
	return st;
}

/* GONHA_TEST_RESTORE_STOP=staged, held or linked: the process stops
 * itself (SIGSTOP) at that moment (the incoming copy whole, before the
 * swap; then of the swap), so that a test kills it exactly
 * there (tests/e2e/test_files.c). */
static void test_stop(const char *moment)
{
	const char *at = getenv("GONHA_TEST_RESTORE_STOP");
	if (at && strcmp(at, moment) == 0)
		raise(SIGSTOP);
}

/* The ward as hold_ward found it: WAL, the lock let go (at the next read). */
static void release_ward(sqlite3 *db)
{
	gn_db_journal_wal(db);
	sqlite3_exec(db, "PRAGMA locking_mode = NORMAL; SELECT 1 FROM sqlite_schema LIMIT 1", NULL, NULL, NULL);
}

/* Holds the ward for the swap: its exclusive lock, which a WAL connection
 * of anybody else's (another gonha, a snapshot being made) keeps from it,
 * and its WAL written into the file and removed, so that no -wal, -shm or
 * -journal of this ward's is left beside the name the restored file
 * takes. Safe against a power cut, not only a kill: the one write to the
 * ward's own pages (page 1's header leaving WAL mode, after the
 * checkpoint) goes through a rollback journal on the disk, deleted when
 * it commits, before the lock is taken (no journal is left open in
 * exclusive locking mode); the swap then writes nothing into the file,
 * and the deletions are on the disk with the link's fsync of the folder
 * (gn_private_link), before the rename. GN_ERR_BUSY, the ward as it was,
 * if someone else has it open. */
static gn_status hold_ward(sqlite3 *db, const char *db_path, gn_err *err)
{
	/* SQLite leaves the WAL only when no other connection has the file */
	bool held = gn_db_journal_for_bulk(db);
	if (held && (sqlite3_exec(db, "PRAGMA locking_mode = EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK ||
	             sqlite3_exec(db, "BEGIN EXCLUSIVE; COMMIT", NULL, NULL, NULL) != SQLITE_OK)) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		held = false;
	}
	if (held)
		return GN_OK;
	release_ward(db);
	return gn_fail(err, GN_ERR_BUSY, _("%s is open in another gonha; close it there and try again; nothing was changed"),
	               db_path);
}

/* The cheapest safe swap (issue 13): the ward held (hold_ward), its file
 * given the kept name too (a hard link: nothing copied), then the staged
 * copy renamed over the ward's name, and the connection opened again on it.
 * A kill at any moment leaves one whole ward or the other under the name
 * (the rename is atomic); after the link and before the rename, the kept
 * name is a second name of the live ward, which the next restore removes
 * (gn_backup_sweep_restores). *swapped false with GN_OK: this filesystem has no
 * hard links, or will not rename over a file; the ward is as it was, for
 * the copy and the backup API. The staged copy is closed once it is the
 * ward. */
static gn_status swap_in(gn_ctx *ctx, const char *db_path, sqlite3 **stage, const char *stage_part, const char *kept,
                         bool *swapped, gn_err *err)
{
	bool refused = false;
	*swapped = false;
	gn_status st = hold_ward(ctx->db, db_path, err);
	if (st != GN_OK)
		return st;
	test_stop("held");
	if ((st = gn_private_link(db_path, kept, &refused, err)) == GN_OK)
		test_stop("linked");
	if (st == GN_OK && gn_private_replace(stage_part, db_path, NULL) != GN_OK) {
		unlink(kept);
		refused = true;
	}
	if (st != GN_OK && !refused) {
		release_ward(ctx->db);
		return st;
	}
	if (refused) {
		/* back to the WAL, the lock kept until the replacement's end */
		gn_db_journal_wal(ctx->db);
		return GN_OK;
	}
	*swapped = true;
	/* both closed before the ward is opened again: this process's locks on
	 * a file are shared by its connections */
	gn_db_close(*stage);
	*stage = NULL;
	gn_db_close(ctx->db);
	ctx->db = NULL;
	return gn_db_open(db_path, 0, &ctx->db, err);
}

/* The restore itself, from the file at open_path; from_path is what the
 * user gave (a sealed copy is opened into open_path first: sealed). */
static gn_status restore_from(gn_ctx *ctx, const char *db_path, const char *open_path, const char *from_path,
                              bool sealed, bool allow_other_ward, char *kept_path, size_t kept_size, gn_err *err)
{
	sqlite3 *src = NULL, *stage = NULL;
	char now[32], stamp[16], kept[PATH_MAX], stage_part[PATH_MAX + 32] = "";
	gn_status st;

	if (kept_path && kept_size)
		kept_path[0] = '\0';
	if ((st = gn_scope_require_officer(ctx, err)) != GN_OK)
		return st;
	if (!from_path || !*from_path)
		return gn_fail_field(err, GN_ERR_INVALID, "from", _("no file to restore from was given"));
	gn_backup_sweep_restores(ctx->db, db_path);
	char stage_name[PATH_MAX + 16];
	snprintf(stage_name, sizeof stage_name, "%s" GN_DB_KEPT_INFIX "incoming", db_path);
	gn_private_part_path(stage_name, stage_part, sizeof stage_part);
	/* a file with its manifest: copied to the stage in the same read as
	 * its digest, and the copy checked (a quick_check), then opened as the
	 * stage; any other: checked where it is, then copied */
	bool staged = false;
	if (!sealed && (st = copy_as_made(open_path, stage_part, &staged, err)) != GN_OK) {
		stage_part[0] = '\0';
		return st;
	}
	if (!staged)
		stage_part[0] = '\0';
	if ((st = open_checked(ctx->db, staged ? stage_part : open_path, from_path, allow_other_ward, sealed || staged,
	                       &src, err)) != GN_OK)
		goto out;
	if (staged) {
		gn_db_close(src); /* this process's locks on the stage are its connections' */
		src = NULL;
	}
	gn_now_iso(now);
	stamp_from_iso(now, stamp);
	snprintf(kept, sizeof kept, "%s" GN_DB_KEPT_INFIX "%s", db_path, stamp);
	for (int i = 2; access(kept, F_OK) == 0 && i < 100; i++)
		snprintf(kept, sizeof kept, "%s" GN_DB_KEPT_INFIX "%s-%d", db_path, stamp, i);
	if (!staged)
		gn_private_part_path(stage_name, stage_part, sizeof stage_part);
	if ((st = staged ? stage_open(ctx, from_path, kept, stage_part, &stage, err)
	                 : stage_restore(ctx, src, from_path, kept, stage_part, &stage, err)) != GN_OK)
		goto out;
	test_stop("staged");
	bool swapped = false;
	st = swap_in(ctx, db_path, &stage, stage_part, kept, &swapped, err);
	if (swapped) {
		stage_part[0] = '\0'; /* it is the ward now */
		if (kept_path && kept_size)
			snprintf(kept_path, kept_size, "%s", kept);
	}
	if (st != GN_OK || swapped)
		goto out;
	/* no hard links here (a USB stick): the ward copied aside, and replaced
	 * in place through the backup API */
	if ((st = copy_database(ctx->db, kept, false, err)) != GN_OK)
		goto out;
	if (kept_path && kept_size)
		snprintf(kept_path, kept_size, "%s", kept);
	/* one transaction: the whole ward replaced, its "restore" entry with it */
	sqlite3_backup *b = sqlite3_backup_init(ctx->db, "main", stage, "main");
	if (!b) {
		st = gn_fail(err, GN_ERR_IO, _("cannot restore from %s: %s; nothing was changed"), from_path,
		             sqlite3_errmsg(ctx->db));
		goto out;
	}
	int rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		st = gn_fail(err, GN_ERR_IO, _("cannot restore from %s: %s; nothing was changed"), from_path,
		             sqlite3_errstr(rc));
out:
	gn_db_close(stage);
	if (stage_part[0])
		gn_private_discard(stage_part); /* never published: it lived for this restore */
	gn_db_close(src);
	/* the key this connection held may not be the restored ward's, or the
	 * ward may be one from before encryption: as the file now says (the
	 * officer signs in again to open it) */
	if (st == GN_OK)
		gn_vault_reset(ctx->db, NULL);
	return st;
}

gn_status gn_restore(gn_ctx *ctx, const char *db_path, const char *from_path, bool allow_other_ward,
                     char *kept_path, size_t kept_size, gn_err *err)
{
	if (from_path && gn_sealed_is(from_path))
		return gn_fail_field(err, GN_ERR_DENIED, "passphrase", _("%s is sealed: its passphrase is needed"), from_path);
	return restore_from(ctx, db_path, from_path, from_path, false, allow_other_ward, kept_path, kept_size, err);
}

/* ---- sealed copies ------------------------------------------------------ */

gn_status gn_backup_sealed(gn_ctx *ctx, const char *db_path, const char *out_path, const char *passphrase,
                           gn_err *err)
{
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	if (!out_path || !*out_path)
		return gn_fail_field(err, GN_ERR_INVALID, "out", _("no output file given"));
	if (access(out_path, F_OK) == 0)
		return gn_fail(err, GN_ERR_CONFLICT, _("%s already exists; it was left as it is"), out_path);
	/* the plain copy is made on this PC, in the private folder beside the
	 * database (where the snapshots are), never on the stick */
	char dir[PATH_MAX], plain[PATH_MAX + 32];
	if ((st = gn_backup_private_dir(db_path, dir, sizeof dir, err)) != GN_OK)
		return st;
	gn_private_sweep_orphans(dir, "sealing-"); /* left by a kill */
	gn_private_own_name(dir, "sealing-", ".db", plain, sizeof plain);
	unlink(plain);
	if ((st = copy_database(ctx->db, plain, true, err)) != GN_OK)
		return st;
	char *ward = gn_ward_id(ctx->db);
	st = gn_seal_file(plain, out_path, passphrase, ward ? ward : "", err);
	free(ward);
	unlink(plain);
	if (st != GN_OK)
		return st;
	return record_backup(ctx, "backup_sealed", out_path, err);
}

gn_status gn_restore_sealed_check(gn_ctx *ctx, const char *from_path, bool allow_other_ward, gn_err *err)
{
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	char made_for[256] = "";
	if ((st = gn_sealed_ward(from_path, made_for, sizeof made_for, err)) != GN_OK)
		return st;
	char *ours = gn_ward_id(ctx->db);
	bool other = ours && made_for[0] && strcmp(ours, made_for) != 0;
	free(ours);
	if (other && !allow_other_ward)
		return gn_fail(err, GN_ERR_CONFLICT, _("%s was made for another ward; nothing was changed"), from_path);
	return GN_OK;
}

gn_status gn_restore_sealed(gn_ctx *ctx, const char *db_path, const char *from_path, const char *passphrase,
                            bool allow_other_ward, char *kept_path, size_t kept_size, gn_err *err)
{
	gn_status st = gn_restore_sealed_check(ctx, from_path, allow_other_ward, err);
	if (st != GN_OK)
		return st;
	/* opened beside the database, private and locked, swept if a kill
	 * leaves it (a restore's own leftovers) */
	char name[PATH_MAX + 16], open_path[PATH_MAX + 32];
	snprintf(name, sizeof name, "%s" GN_DB_KEPT_INFIX "opened", db_path);
	gn_private_part_path(name, open_path, sizeof open_path);
	gn_backup_sweep_restores(ctx->db, db_path);
	if ((st = gn_unseal_file(from_path, open_path, passphrase, err)) != GN_OK)
		return st;
	st = restore_from(ctx, db_path, open_path, from_path, true, allow_other_ward, kept_path, kept_size, err);
	gn_private_discard(open_path);
	return st;
}
