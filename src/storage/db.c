#include "gonha/storage/db.h"
#include "gonha/storage/snapshot.h"
#include "gonha/storage/vault.h"
#include "gonha/core/date.h"
#include "gonha/core/i18n.h"
#include "gonha/core/paths.h"
#include "gonha/text/text.h"
#include "migrations.h"

#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uuid/uuid.h>

/* Marks the file as ours; checked before anything is written. */
#define GONHA_APPLICATION_ID 0x676f6e68 /* "gonh" */

int gn_db_latest_version(void)
{
	return gn_migration_count();
}

gn_status gn_db_fail(sqlite3 *db, gn_err *err, const char *what)
{
	int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
	const char *msg = db ? sqlite3_errmsg(db) : "no connection";
	const char *file = db ? sqlite3_db_filename(db, "main") : NULL;
	if (!file || !*file)
		file = ":memory:";
	/* what a person can do about it, in their language, with the file */
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return gn_fail(err, GN_ERR_BUSY,
		               _("%s: another gonha is writing to this file (a large import, say); try again in a moment"),
		               what);
	case SQLITE_FULL:
		return gn_fail(err, GN_ERR_IO, _("%s: the disk is full; nothing was saved"), what);
	case SQLITE_IOERR:
		return gn_fail(err, GN_ERR_IO, _("%s: the disk could not be read or written (%s); nothing was saved: check the "
		                                 "disk or the USB stick, then try again"), what, file);
	case SQLITE_CORRUPT:
		return gn_fail(err, GN_ERR_DB, _("%s: the file %s is damaged; restore a backup (gonha restore)"), what, file);
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return gn_fail(err, GN_ERR_IO, _("%s: %s cannot be written to (read-only file or folder)"), what, file);
	case SQLITE_CANTOPEN:
		return gn_fail(err, GN_ERR_IO, _("%s: %s cannot be opened (no such folder, or no permission)"), what, file);
	case SQLITE_NOTADB:
		return gn_fail(err, GN_ERR_NOT_GONHA, _("%s: %s is not a database file"), what, file);
	case SQLITE_CONSTRAINT:
		if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
			return gn_fail(err, GN_ERR_CONFLICT, _("%s: that value is already used by another record"), what);
		return gn_fail(err, GN_ERR_CONFLICT, _("%s: the change breaks a rule of the database (%s)"), what, msg);
	default:
		break;
	}
	if (strstr(msg, "malformed JSON"))
		return gn_fail(err, GN_ERR_DB, _("%s: stored answers are damaged (not JSON); gonha check names the record"),
		               what);
	return gn_fail(err, GN_ERR_DB, "%s: %s", what, msg);
}

gn_status gn_db_exec(sqlite3 *db, const char *sql, gn_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		gn_status st = gn_db_fail(db, err, _("database"));
		sqlite3_free(msg);
		return st;
	}
	return GN_OK;
}

/* Sets the journal mode; true when SQLite reports the mode asked for. */
static bool journal_mode(sqlite3 *db, const char *mode)
{
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA journal_mode = %s", mode);
	sqlite3_stmt *q = NULL;
	bool done = false;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
		const char *now = (const char *)sqlite3_column_text(q, 0);
		done = now && strcasecmp(now, mode) == 0;
	}
	sqlite3_finalize(q);
	return done;
}

/* The connection's file is in WAL mode. */
static bool in_wal(sqlite3 *db)
{
	sqlite3_stmt *q = NULL;
	bool wal = false;
	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
		const char *now = (const char *)sqlite3_column_text(q, 0);
		wal = now && strcasecmp(now, "wal") == 0;
	}
	sqlite3_finalize(q);
	return wal;
}

bool gn_db_journal_for_bulk(sqlite3 *db)
{
	/* only from the WAL: an in-memory database keeps its own */
	return in_wal(db) && journal_mode(db, "delete");
}

void gn_db_journal_wal(sqlite3 *db)
{
	/* if another connection opened the file meanwhile this fails, and the
	 * next open of gonha sets the WAL again */
	(void)journal_mode(db, "wal");
}

void gn_db_sweep_kept_links(sqlite3 *db, const char *db_path)
{
	/* WAL: the connection holds its shared lock between transactions */
	char dir[PATH_MAX], prefix[PATH_MAX];
	struct stat ward;
	if (!in_wal(db) || stat(db_path, &ward) != 0)
		return;
	snprintf(prefix, sizeof prefix, "%s" GN_DB_KEPT_INFIX, gn_path_dir(db_path, dir, sizeof dir));
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		char path[PATH_MAX + 256];
		struct stat sb;
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 ||
		    snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
			continue;
		if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_dev == ward.st_dev && sb.st_ino == ward.st_ino)
			unlink(path);
	}
	if (d)
		closedir(d);
}

/* One job per connection, run once its transaction has ended, committed
 * or rolled back (gn_db_after_tx). */
#define AFTER_TX_MAX 16
static struct {
	sqlite3 *db;
	gn_db_tx_job fn;
	void *arg;
} after_tx[AFTER_TX_MAX];

bool gn_db_after_tx(sqlite3 *db, gn_db_tx_job fn, void *arg)
{
	int free_slot = -1;
	for (int i = 0; i < AFTER_TX_MAX; i++) {
		if (after_tx[i].db == db && after_tx[i].fn == fn) {
			after_tx[i].arg = arg;
			return true;
		}
		if (!after_tx[i].db && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return false;
	after_tx[free_slot].db = db;
	after_tx[free_slot].fn = fn;
	after_tx[free_slot].arg = arg;
	return true;
}

static void run_after_tx(sqlite3 *db)
{
	for (int i = 0; i < AFTER_TX_MAX; i++)
		if (after_tx[i].db == db) {
			gn_db_tx_job fn = after_tx[i].fn;
			void *arg = after_tx[i].arg;
			after_tx[i].db = NULL; /* once: the job may start a transaction of its own */
			fn(db, arg);
		}
}

/* How deep each connection is in nested gn_db_begin calls: 0 for the
 * outer transaction, one more for each savepoint inside it. A connection
 * with no transaction open (SQLite may have rolled one back by itself, on
 * a full disk) is at 0 whatever was counted. */
#define NEST_MAX 16
struct nest_slot {
	sqlite3 *db;
	int depth;
};
static struct nest_slot nest[NEST_MAX];

static struct nest_slot *nest_of(sqlite3 *db, bool make)
{
	struct nest_slot *free_slot = NULL;
	for (int i = 0; i < NEST_MAX; i++) {
		if (nest[i].db == db)
			return &nest[i];
		if (!nest[i].db && !free_slot)
			free_slot = &nest[i];
	}
	if (!make || !free_slot)
		return NULL;
	free_slot->db = db;
	free_slot->depth = 0;
	return free_slot;
}

static void nest_forget(sqlite3 *db)
{
	struct nest_slot *n = nest_of(db, false);
	if (n)
		n->db = NULL;
}

gn_status gn_db_begin(sqlite3 *db, gn_err *err)
{
	if (sqlite3_get_autocommit(db)) {
		nest_forget(db);
		return gn_db_exec(db, "BEGIN IMMEDIATE", err);
	}
	struct nest_slot *n = nest_of(db, true);
	if (!n)
		return gn_fail(err, GN_ERR_DB, _("too many transactions open at once"));
	gn_status st = gn_db_exec(db, "SAVEPOINT gn_nested", err);
	if (st == GN_OK)
		n->depth++;
	return st;
}

/* The innermost savepoint, if gn_db_begin opened one: its depth, or NULL
 * when the call is about the outer transaction. */
static struct nest_slot *nested(sqlite3 *db)
{
	if (sqlite3_get_autocommit(db)) {
		nest_forget(db);
		return NULL;
	}
	struct nest_slot *n = nest_of(db, false);
	return n && n->depth > 0 ? n : NULL;
}

gn_status gn_db_commit(sqlite3 *db, gn_err *err)
{
	struct nest_slot *n = nested(db);
	if (n) {
		/* the outer transaction commits it, or rolls it back */
		n->depth--;
		return gn_db_exec(db, "RELEASE gn_nested", err);
	}
	/* today's snapshot of the counters changed, in the same transaction */
	gn_status st = gn_snapshot_flush(db, err);
	if (st == GN_OK)
		st = gn_db_exec(db, "COMMIT", err);
	if (st != GN_OK)
		gn_db_rollback(db);
	else
		run_after_tx(db);
	return st;
}

void gn_db_rollback(sqlite3 *db)
{
	struct nest_slot *n = nested(db);
	if (n) {
		n->depth--;
		sqlite3_exec(db, "ROLLBACK TO gn_nested; RELEASE gn_nested", NULL, NULL, NULL);
		return;
	}
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	run_after_tx(db);
}

static int pragma_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

gn_status gn_db_migrate_to(sqlite3 *db, int target, gn_err *err)
{
	int version = 0;
	if (pragma_int(db, "PRAGMA user_version", &version) != SQLITE_OK)
		return gn_db_fail(db, err, _("reading the schema version"));
	if (version >= target)
		return GN_OK;
	gn_status st = gn_db_begin(db, err);
	if (st != GN_OK)
		return st;
	for (int v = version + 1; v <= target && st == GN_OK; v++) {
		st = gn_migration_apply(db, v, err);
		if (st == GN_OK) {
			char sql[64];
			snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
			st = gn_db_exec(db, sql, err);
		}
	}
	if (st == GN_OK) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA application_id = %d", GONHA_APPLICATION_ID);
		st = gn_db_exec(db, sql, err);
	}
	if (st != GN_OK) {
		gn_db_rollback(db);
		return st;
	}
	return gn_db_commit(db, err);
}

/* gn_today(): the connection's "today", as set by gn_db_set_today. The
 * date lives in the function's user data, replaced by re-registering. */
static void sql_today(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	const char *fixed = sqlite3_user_data(ctx);
	char today[11];
	if (fixed) {
		sqlite3_result_text(ctx, fixed, -1, SQLITE_TRANSIENT);
		return;
	}
	gn_today_iso(today);
	sqlite3_result_text(ctx, today, -1, SQLITE_TRANSIENT);
}

gn_status gn_db_set_today(sqlite3 *db, const char *date, gn_err *err)
{
	char *copy = NULL;
	if (date) {
		if (!gn_date_parse(date, NULL, NULL, NULL))
			return gn_fail(err, GN_ERR_INVALID, _("the date must be written YYYY-MM-DD"));
		if (!(copy = strdup(date)))
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	/* Not deterministic within a statement's meaning of "constant", but
	 * the same for a whole statement, which is what age needs: declared
	 * deterministic, so SQLite computes it once per run of a statement
	 * instead of once per row and indicator (16 times a person in a
	 * recount). No index, CHECK or generated column of the schema uses it
	 * (gonha check compares the schema with the migrations'). */
	if (sqlite3_create_function_v2(db, "gn_today", 0, SQLITE_UTF8 | SQLITE_DETERMINISTIC, copy, sql_today, NULL, NULL,
	                               free) != SQLITE_OK)
		return gn_db_fail(db, err, "gn_today");
	return GN_OK;
}

/* gn_now_utc(): gn_now_iso in SQL, so that a time SQL writes is the one
 * clock too (GONHA_NOW honoured), never SQLite's own 'now'. */
static void sql_now_utc(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	char now[32];
	gn_now_iso(now);
	sqlite3_result_text(ctx, now, -1, SQLITE_TRANSIENT);
}

/* gn_row_digest(a, b, ...): a BLAKE2b digest (16 bytes) of its values,
 * each with its type, so that 1, '1' and NULL differ: one row as it was
 * left, compared later with the row as it is (the undo of an import). */
static void sql_row_digest(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	crypto_generichash_state state;
	unsigned char digest[16];
	crypto_generichash_init(&state, NULL, 0, sizeof digest);
	for (int i = 0; i < argc; i++) {
		unsigned char head[5];
		int type = sqlite3_value_type(argv[i]);
		const unsigned char *data = NULL;
		int n = 0;
		char num[32];
		if (type == SQLITE_INTEGER)
			n = snprintf(num, sizeof num, "%lld", (long long)sqlite3_value_int64(argv[i]));
		else if (type == SQLITE_FLOAT)
			n = snprintf(num, sizeof num, "%.17g", sqlite3_value_double(argv[i]));
		if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
			data = (const unsigned char *)num;
		} else if (type == SQLITE_TEXT) {
			data = sqlite3_value_text(argv[i]);
			n = sqlite3_value_bytes(argv[i]);
		} else if (type == SQLITE_BLOB) {
			data = sqlite3_value_blob(argv[i]);
			n = sqlite3_value_bytes(argv[i]);
		}
		head[0] = (unsigned char)type;
		head[1] = (unsigned char)(n >> 24);
		head[2] = (unsigned char)(n >> 16);
		head[3] = (unsigned char)(n >> 8);
		head[4] = (unsigned char)n;
		crypto_generichash_update(&state, head, sizeof head);
		if (data && n > 0)
			crypto_generichash_update(&state, data, (unsigned long long)n);
	}
	crypto_generichash_final(&state, digest, sizeof digest);
	sqlite3_result_blob(ctx, digest, sizeof digest, SQLITE_TRANSIENT);
}

/* Per-connection settings and SQL functions every connection needs. */
static gn_status configure(sqlite3 *db, int flags, gn_err *err)
{
	if (sqlite3_busy_timeout(db, 5000) != SQLITE_OK)
		return gn_db_fail(db, err, _("database"));
	gn_status st = gn_db_exec(db, "PRAGMA foreign_keys = ON", err);
	if (st == GN_OK && !(flags & GN_DB_READONLY))
		st = gn_db_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL", err);
	if (st == GN_OK)
		st = gn_text_register_sqlite(db);
	if (st == GN_OK)
		st = gn_vault_register(db, err);
	if (st == GN_OK)
		st = gn_db_set_today(db, NULL, err);
	if (st == GN_OK &&
	    sqlite3_create_function_v2(db, "gn_now_utc", 0, SQLITE_UTF8, NULL, sql_now_utc, NULL, NULL, NULL) != SQLITE_OK)
		st = gn_db_fail(db, err, "gn_now_utc");
	if (st == GN_OK && sqlite3_create_function_v2(db, "gn_row_digest", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                                              sql_row_digest, NULL, NULL, NULL) != SQLITE_OK)
		st = gn_db_fail(db, err, "gn_row_digest");
	return st;
}

/* Is this an SQLite file that gonha made? Looks without writing anything. */
static gn_status identify(sqlite3 *db, const char *path, gn_err *err)
{
	int app_id = 0, version = 0;
	int rc = pragma_int(db, "PRAGMA application_id", &app_id);
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
		return gn_fail(err, GN_ERR_NOT_GONHA, _("%s is not a gonha database"), path);
	if (rc != SQLITE_OK)
		return gn_db_fail(db, err, path);
	if (app_id != GONHA_APPLICATION_ID)
		return gn_fail(err, GN_ERR_NOT_GONHA, _("%s is not a gonha database"), path);
	if (pragma_int(db, "PRAGMA user_version", &version) != SQLITE_OK)
		return gn_db_fail(db, err, path);
	if (version > gn_db_latest_version())
		return gn_fail(err, GN_ERR_VERSION,
		               _("%s was made by a newer gonha (schema %d; this one knows up to %d): please update gonha"),
		               path, version, gn_db_latest_version());
	return GN_OK;
}

gn_status gn_db_open(const char *path, int flags, sqlite3 **out, gn_err *err)
{
	*out = NULL;
	sqlite3 *db = NULL;
	gn_status st = GN_OK;
	int created = 0;

	if (!path || !*path)
		return gn_fail(err, GN_ERR_INVALID, _("no database file given"));
	if (flags & GN_DB_CREATE) {
		/* Create the file ourselves so it is private (0600) from the start. */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			if (errno == EEXIST)
				return gn_fail(err, GN_ERR_CONFLICT, _("%s already exists; it was left as it is"), path);
			return gn_fail(err, GN_ERR_IO, _("cannot create %s: %s"), path, strerror(errno));
		}
		close(fd);
		created = 1;
	} else {
		struct stat sb;
		if (stat(path, &sb) != 0)
			return gn_fail(err, GN_ERR_IO, _("cannot open %s: %s"), path, strerror(errno));
		if (!S_ISREG(sb.st_mode))
			return gn_fail(err, GN_ERR_IO, _("%s is not a regular file"), path);
		if (sb.st_size == 0)
			return gn_fail(err, GN_ERR_NOT_GONHA, _("%s is not a gonha database"), path);
		if (access(path, (flags & GN_DB_READONLY) ? R_OK : R_OK | W_OK) != 0)
			return gn_fail(err, GN_ERR_IO, _("cannot open %s: %s"), path, strerror(errno));
	}

	int oflags = (flags & GN_DB_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (sqlite3_open_v2(path, &db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		st = gn_fail(err, GN_ERR_IO, _("cannot open %s: %s"), path,
		             db ? sqlite3_errmsg(db) : _("out of memory"));
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	/* wait for a writer from the very first read (configure sets it too) */
	if (sqlite3_busy_timeout(db, 5000) != SQLITE_OK) {
		st = gn_db_fail(db, err, path);
		goto fail;
	}
	if (!created && (st = identify(db, path, err)) != GN_OK)
		goto fail;
	if ((st = configure(db, flags, err)) != GN_OK)
		goto fail;
	if (!(flags & GN_DB_READONLY) && (st = gn_db_migrate_to(db, gn_db_latest_version(), err)) != GN_OK)
		goto fail;
	if ((st = gn_vault_reset(db, err)) != GN_OK)
		goto fail;
	if (!(flags & GN_DB_READONLY) && !created)
		gn_db_sweep_kept_links(db, path);
	*out = db;
	return GN_OK;
fail:
	sqlite3_close(db);
	if (created)
		unlink(path);
	return st;
}

gn_status gn_db_open_memory(sqlite3 **out, gn_err *err)
{
	sqlite3 *db = NULL;
	*out = NULL;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	gn_status st = configure(db, 0, err);
	if (st == GN_OK)
		st = gn_db_migrate_to(db, gn_db_latest_version(), err);
	if (st == GN_OK)
		st = gn_vault_reset(db, err);
	if (st != GN_OK) {
		sqlite3_close(db);
		return st;
	}
	*out = db;
	return GN_OK;
}

/* Statements prepared once per connection (gn_db_prepare_cached), owned
 * here and finalised by gn_db_close. A handful: the audit's INSERT. */
#define CACHED_MAX 16
static struct {
	sqlite3 *db;
	const char *sql; /* the caller's literal: compared by address, then text */
	sqlite3_stmt *st;
} cached[CACHED_MAX];

gn_status gn_db_prepare_cached(sqlite3 *db, const char *sql, sqlite3_stmt **out, gn_err *err)
{
	int free_slot = -1;
	for (int i = 0; i < CACHED_MAX; i++) {
		if (cached[i].db == db && (cached[i].sql == sql || strcmp(cached[i].sql, sql) == 0)) {
			sqlite3_reset(cached[i].st);
			sqlite3_clear_bindings(cached[i].st);
			*out = cached[i].st;
			return GN_OK;
		}
		if (!cached[i].db && free_slot < 0)
			free_slot = i;
	}
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK) {
		*out = NULL;
		return gn_db_fail(db, err, _("database"));
	}
	if (free_slot >= 0) {
		cached[free_slot].db = db;
		cached[free_slot].sql = sql;
		cached[free_slot].st = *out;
	} else {
		/* never happens with the few callers; the statement then lives
		 * until the connection's close finalises it below */
	}
	return GN_OK;
}

gn_status gn_db_close(sqlite3 *db)
{
	if (!db)
		return GN_OK;
	gn_db_rollback(db); /* a transaction left open ends here, and its jobs run */
	for (int i = 0; i < CACHED_MAX; i++)
		if (cached[i].db == db) {
			sqlite3_finalize(cached[i].st);
			cached[i].db = NULL;
			cached[i].st = NULL;
			cached[i].sql = NULL;
		}
	/* Every statement is finalised by its owner; if one was not, that is a
	 * bug we want to see in tests rather than hide with close_v2. */
	if (sqlite3_close(db) == SQLITE_OK)
		return GN_OK;
	/* a statement left open is a bug; close anyway, and say so */
	for (sqlite3_stmt *st; (st = sqlite3_next_stmt(db, NULL)) != NULL;)
		sqlite3_finalize(st);
	sqlite3_close(db);
	return GN_ERR_DB;
}

const char *gn_db_resolve_path(const char *given, char *buf, size_t bufsize)
{
	int n;
	const char *env = getenv("GONHA_DB");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	if (given && *given)
		n = snprintf(buf, bufsize, "%s", given);
	else if (env && *env)
		n = snprintf(buf, bufsize, "%s", env);
	else if (xdg && *xdg)
		n = snprintf(buf, bufsize, "%s/gonha/ward.db", xdg);
	else
		n = snprintf(buf, bufsize, "%s/.local/share/gonha/ward.db", home && *home ? home : ".");
	/* a path cut short names another file: refused, never truncated */
	return n >= 0 && (size_t)n < bufsize ? buf : NULL;
}

/* The folders above path that are missing, made private (0700), as the
 * XDG base directory rules ask for a data folder. */
static gn_status make_data_dirs(const char *path, gn_err *err)
{
	char dir[PATH_MAX];
	if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
		return gn_fail(err, GN_ERR_INVALID, _("the database path is too long (at most %zu bytes): use a shorter one"),
		               sizeof dir - 1);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return GN_OK;
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char keep = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return gn_fail(err, GN_ERR_IO, _("cannot make the data folder %s: %s"), dir, strerror(errno));
		*p = keep;
		if (!keep)
			break;
	}
	return GN_OK;
}

gn_status gn_db_path(const char *given, char *buf, size_t bufsize, gn_err *err)
{
	if (!gn_db_resolve_path(given, buf, bufsize))
		return gn_fail(err, GN_ERR_INVALID, _("the database path is too long (at most %zu bytes): use a shorter one"),
		               bufsize - 1);
	const char *env = getenv("GONHA_DB");
	if ((given && *given) || (env && *env))
		return GN_OK; /* a file the user named: its folder is theirs to make */
	return make_data_dirs(buf, err);
}

gn_status gn_db_scrub_begin(sqlite3 *db, int *was, gn_err *err)
{
	*was = 0;
	if (pragma_int(db, "PRAGMA secure_delete", was) != SQLITE_OK)
		return gn_db_fail(db, err, "secure_delete");
	return gn_db_exec(db, "PRAGMA secure_delete = ON", err);
}

void gn_db_scrub_end(sqlite3 *db, int was, bool done)
{
	if (done)
		sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (!was) /* back to the connection's usual (faster) setting */
		sqlite3_exec(db, "PRAGMA secure_delete = OFF", NULL, NULL, NULL);
}

gn_status gn_db_meta_set(sqlite3 *db, const char *key, const char *value, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(db, "INSERT INTO meta(key, value) VALUES (?1, ?2) "
	                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(db, err, "meta");
		goto out;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = gn_db_fail(db, err, "meta");
out:
	sqlite3_finalize(st);
	return rc;
}

char *gn_db_meta_get(sqlite3 *db, const char *key)
{
	sqlite3_stmt *st = NULL;
	char *value = NULL;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			value = strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return value;
}

gn_status gn_db_pc_id(sqlite3 *db, char out[37], gn_err *err)
{
	char *kept = gn_db_meta_get(db, "pc_id");
	if (kept && strlen(kept) == 36) {
		memcpy(out, kept, 37);
		free(kept);
		return GN_OK;
	}
	free(kept);
	gn_uuid_new(out);
	return gn_db_meta_set(db, "pc_id", out, err);
}

void gn_now_iso(char out[32])
{
	const char *fixed = getenv("GONHA_NOW");
	if (fixed && *fixed) {
		snprintf(out, 32, "%s", fixed);
		return;
	}
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A stored instant ("YYYY-MM-DDTHH:MM:SSZ", UTC) in the PC's time zone as
 * fmt gives it (out, size bytes); false, with the text cut to size, when it
 * is not such an instant. */
static bool local_of(const char *iso, const char *fmt, char *out, size_t size)
{
	struct tm utc = { 0 }, local;
	const char *end = iso ? strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &utc) : NULL;
	time_t t = end && !*end ? timegm(&utc) : (time_t)-1;
	if (t != (time_t)-1 && localtime_r(&t, &local) && strftime(out, size, fmt, &local) > 0)
		return true;
	snprintf(out, size, "%s", iso ? iso : "");
	return false;
}

void gn_today_iso(char out[11])
{
	/* the ward's own date: the instant (UTC) seen in the PC's time zone,
	 * so that a visit at 04:22 on 2 December in Hà Nội is on the 2nd */
	char now[32];
	gn_now_iso(now);
	local_of(now, "%Y-%m-%d", out, 11);
}

void gn_local_time(const char *iso, char out[17])
{
	/* what a person reads: the instant on the PC's clock, to the minute */
	if (!local_of(iso, "%Y-%m-%d %H:%M", out, 17) && iso)
		snprintf(out, 17, "%.10s %.5s", iso, strlen(iso) > 11 ? iso + 11 : "");
}

void gn_uuid_new(char out[37])
{
	uuid_t u;
	uuid_generate_random(u);
	uuid_unparse_lower(u, out);
}

void gn_db_col_copy(sqlite3_stmt *st, int col, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(buf, size, "%s", t ? (const char *)t : "");
}

char *gn_db_col_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? strdup((const char *)t) : NULL;
}

char *gn_db_col_dup_empty(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return strdup(t ? (const char *)t : "");
}
