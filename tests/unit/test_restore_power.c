/* A restore is safe against a power cut, not only a kill (issue 13): the
 * ward's own file is never written outside a journal on the disk. A VFS
 * of the test's, laid over SQLite's own, watches every write into the
 * ward's file and notes any made while neither a rollback journal nor a
 * WAL with something in it is beside it: such a write, cut by the power
 * half-way, leaves a page nothing can put back (the in-memory journal the
 * swap once used to leave WAL mode wrote page 1 so). */
#include "testlib.h"
#include "unit_fixtures.h"
#include "gonha/domain/backup.h"
#include "gonha/domain/ward.h"
#include "gonha/storage/db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static sqlite3_vfs *real_vfs;
static char watched[512];   /* the ward's file */
static int bare_writes;     /* writes into it with no journal on the disk */
static int journaled;       /* writes into it with one */

typedef struct {
	sqlite3_file base;
	int watch;
	sqlite3_file *real; /* allocated right after this struct */
} shim_file;

static bool has_bytes(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && sb.st_size > 0;
}

static int shim_close(sqlite3_file *f)
{
	shim_file *s = (shim_file *)f;
	int rc = s->real->pMethods ? s->real->pMethods->xClose(s->real) : SQLITE_OK;
	return rc;
}
static int shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	shim_file *s = (shim_file *)f;
	return s->real->pMethods->xRead(s->real, buf, n, off);
}
static int shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	shim_file *s = (shim_file *)f;
	if (s->watch) {
		char journal[600], wal[600];
		snprintf(journal, sizeof journal, "%s-journal", watched);
		snprintf(wal, sizeof wal, "%s-wal", watched);
		if (has_bytes(journal) || has_bytes(wal))
			journaled++;
		else
			bare_writes++;
	}
	return s->real->pMethods->xWrite(s->real, buf, n, off);
}
static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	shim_file *s = (shim_file *)f;
	return s->real->pMethods->xTruncate(s->real, size);
}
static int shim_sync(sqlite3_file *f, int flags)
{
	shim_file *s = (shim_file *)f;
	return s->real->pMethods->xSync(s->real, flags);
}
static int shim_size(sqlite3_file *f, sqlite3_int64 *size)
{
	shim_file *s = (shim_file *)f;
	return s->real->pMethods->xFileSize(s->real, size);
}
static int shim_lock(sqlite3_file *f, int level)
{
	shim_file *s = (shim_file *)f;
	return s->real->pMethods->xLock(s->real, level);
}
static int shim_unlock(sqlite3_file *f, int level)
{
	shim_file *s = (shim_file *)f;
	return s->real->pMethods->xUnlock(s->real, level);
}
static int shim_reserved(sqlite3_file *f, int *out)
{
	shim_file *s = (shim_file *)f;
	return s->real->pMethods->xCheckReservedLock(s->real, out);
}
static int shim_control(sqlite3_file *f, int op, void *arg)
{
	shim_file *s = (shim_file *)f;
	return s->real->pMethods->xFileControl(s->real, op, arg);
}
static int shim_sector(sqlite3_file *f)
{
	shim_file *s = (shim_file *)f;
	return s->real->pMethods->xSectorSize(s->real);
}
static int shim_caps(sqlite3_file *f)
{
	shim_file *s = (shim_file *)f;
	return s->real->pMethods->xDeviceCharacteristics(s->real);
}
static int shim_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **out)
{
	shim_file *s = (shim_file *)f;
	return s->real->pMethods->xShmMap(s->real, region, size, extend, out);
}
static int shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	shim_file *s = (shim_file *)f;
	return s->real->pMethods->xShmLock(s->real, offset, n, flags);
}
static void shim_shm_barrier(sqlite3_file *f)
{
	shim_file *s = (shim_file *)f;
	s->real->pMethods->xShmBarrier(s->real);
}
static int shim_shm_unmap(sqlite3_file *f, int del)
{
	shim_file *s = (shim_file *)f;
	return s->real->pMethods->xShmUnmap(s->real, del);
}

/* version 2: no memory-mapped I/O, so that every write is an xWrite */
static const sqlite3_io_methods shim_methods = {
	2,           shim_close,  shim_read,     shim_write,    shim_truncate, shim_sync,
	shim_size,   shim_lock,   shim_unlock,   shim_reserved, shim_control,  shim_sector,
	shim_caps,   shim_shm_map, shim_shm_lock, shim_shm_barrier, shim_shm_unmap, NULL, NULL,
};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	(void)vfs;
	shim_file *s = (shim_file *)f;
	memset(s, 0, sizeof *s);
	s->real = (sqlite3_file *)(s + 1);
	int rc = real_vfs->xOpen(real_vfs, name, s->real, flags, out_flags);
	s->watch = name && (flags & SQLITE_OPEN_MAIN_DB) && watched[0] && strcmp(name, watched) == 0;
	f->pMethods = rc == SQLITE_OK ? &shim_methods : NULL;
	return rc;
}

static sqlite3_vfs shim_vfs;

static void shim_install(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	shim_vfs = *real_vfs;
	shim_vfs.zName = "gonha-test-power";
	shim_vfs.szOsFile = (int)sizeof(shim_file) + real_vfs->szOsFile;
	shim_vfs.xOpen = shim_open;
	sqlite3_vfs_register(&shim_vfs, 1);
}

static void a_restore_writes_the_ward_only_through_a_journal(void)
{
	gn_err err = { 0 };
	gn_ctx ctx = { 0 };
	char backup[600], kept[1024];
	setenv("GONHA_NOW", GN_UNIT_NOW, 1);
	shim_install();
	snprintf(watched, sizeof watched, "%s/ward.db", gn_test_tmpdir());
	snprintf(backup, sizeof backup, "%s/copy.db", gn_test_tmpdir());
	REQUIRE(gn_db_open(watched, GN_DB_CREATE, &ctx.db, &err) == GN_OK);
	REQUIRE(gn_ward_init(ctx.db, "Phường Thử", 2, "admin", "secret1", NULL, &err) == GN_OK);
	REQUIRE(gn_sign_in(&ctx, "admin", "secret1", &err) == GN_OK);
	REQUIRE(gn_backup_to_file(&ctx, backup, &err) == GN_OK);
	/* something in the WAL when the restore begins: it is checkpointed */
	REQUIRE(gn_db_exec(ctx.db, "INSERT INTO meta(key, value) VALUES ('power_test', 'before')", &err) == GN_OK);
	bare_writes = journaled = 0;
	CHECK_EQ_INT(gn_restore(&ctx, watched, backup, false, kept, sizeof kept, &err), GN_OK);
	CHECK(journaled > 0); /* the checkpoint and the header, through the journals */
	CHECK_EQ_INT(bare_writes, 0);
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM meta WHERE key = 'power_test'"), 0);
	CHECK_EQ_INT(gn_unit_count(ctx.db, "SELECT count(*) FROM audit_log WHERE action = 'restore'"), 1);
	sqlite3 *aside = NULL;
	REQUIRE(gn_db_open(kept, GN_DB_READONLY, &aside, &err) == GN_OK);
	CHECK_EQ_INT(gn_unit_count(aside, "SELECT count(*) FROM meta WHERE key = 'power_test'"), 1);
	CHECK_EQ_INT(gn_unit_count(aside, "SELECT integrity_check = 'ok' FROM pragma_integrity_check"), 1);
	gn_db_close(aside);
	gn_db_close(ctx.db);
	watched[0] = '\0';
	sqlite3_vfs_unregister(&shim_vfs);
}

GN_TESTS(T(a_restore_writes_the_ward_only_through_a_journal))
