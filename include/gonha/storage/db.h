/* Storage: one SQLite file per ward. Opening checks that the file is a gonha
 * database of a version we understand before anything is written, then
 * applies pending migrations in one transaction. Connections run in WAL mode
 * with foreign keys on, synchronous=FULL and a busy timeout. */
#ifndef GONHA_DB_H
#define GONHA_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "gonha/core/status.h"

/* The schema version this gonha writes (PRAGMA user_version). */
int gn_db_latest_version(void);

enum {
	GN_DB_CREATE = 1 << 0,   /* make a new database; the file must not exist */
	GN_DB_READONLY = 1 << 1, /* no migrations, no writes */
};

/* Opens (or with GN_DB_CREATE creates, mode 0600) a gonha database.
 * Errors: GN_ERR_IO (missing/unwritable path), GN_ERR_NOT_GONHA,
 * GN_ERR_VERSION (newer gonha), GN_ERR_DB. On error nothing is changed and
 * *out is NULL. The caller owns *out and closes it with gn_db_close. */
gn_status gn_db_open(const char *path, int flags, sqlite3 **out, gn_err *err);

/* Opens a private in-memory database with the full schema (tests). */
gn_status gn_db_open_memory(sqlite3 **out, gn_err *err);

/* Applies migrations up to `version` only (tests of old schemas). */
gn_status gn_db_migrate_to(sqlite3 *db, int version, gn_err *err);

gn_status gn_db_close(sqlite3 *db); /* GN_ERR_DB if a statement was left open (a bug) */

/* The database path: the given one, else $GONHA_DB, else
 * $XDG_DATA_HOME/gonha/ward.db (~/.local/share/gonha/ward.db). */
const char *gn_db_resolve_path(const char *given, char *buf, size_t bufsize);
/* The same as a status: a path that does not fit in buf is refused with a
 * message (NULL above), never cut to name another file. The default path's
 * folders are made (0700) if missing: the data folder on first use. */
gn_status gn_db_path(const char *given, char *buf, size_t bufsize, gn_err *err);

/* Transactions: BEGIN IMMEDIATE so a writer waits for others up front.
 * Called inside an open transaction, gn_db_begin opens a savepoint
 * instead: the matching gn_db_commit releases it (its changes are kept or
 * lost with the outer transaction's) and gn_db_rollback undoes what was
 * done since it, leaving the outer transaction open. So a saving function
 * (gn_household_save) can be one part of a larger change that commits
 * once. The snapshot flush and the after-transaction jobs run at the outer
 * commit or rollback only. */
gn_status gn_db_begin(sqlite3 *db, gn_err *err);
gn_status gn_db_commit(sqlite3 *db, gn_err *err);
void gn_db_rollback(sqlite3 *db);
/* Runs fn(db, arg) once the connection's transaction has ended, committed
 * or rolled back (or at once by the caller when none is open): for what
 * must be written whatever became of the transaction, like the record of
 * a refusal. One job per fn and connection; false if no slot is free. */
typedef void (*gn_db_tx_job)(sqlite3 *db, void *arg);
bool gn_db_after_tx(sqlite3 *db, gn_db_tx_job fn, void *arg);

/* A bulk load into empty tables is written once with a rollback journal
 * (pages past the old end of the file need no journal) but twice with the
 * WAL (the log, then the checkpoint). gn_db_journal_for_bulk switches the
 * file to a rollback journal if no other connection has it open (SQLite
 * refuses otherwise) and says whether it did; gn_db_journal_wal puts the
 * WAL back (every open also does). Outside a transaction only. */
bool gn_db_journal_for_bulk(sqlite3 *db);
void gn_db_journal_wal(sqlite3 *db);

/* The names a restore gives beside the ward: DB.before-restore-STAMP
 * (the ward set aside), DB.before-restore-incoming.part (the staged
 * copy). A restore killed between giving the ward its kept name (a hard
 * link) and renaming the staged copy over the ward's name leaves that
 * name on the live ward itself: gn_db_sweep_kept_links removes such a
 * name, at every open of the ward for writing (gn_db_open) and before a
 * restore. Only a name that is the very file the caller's connection has
 * open in WAL mode: that connection's lock keeps any restore's swap away
 * (the swap needs the file to itself), so no restore is half-way. */
#define GN_DB_KEPT_INFIX ".before-restore-"
void gn_db_sweep_kept_links(sqlite3 *db, const char *db_path);

/* Runs SQL with no results. */
gn_status gn_db_exec(sqlite3 *db, const char *sql, gn_err *err);

/* A change whose old values must not stay readable in the file (an
 * erasure, citizen IDs encrypted): gn_db_scrub_begin turns PRAGMA
 * secure_delete on (what is deleted or replaced is overwritten) and says
 * what it was in *was; gn_db_scrub_end, after the change's transaction,
 * checkpoints the write-ahead log to nothing when done (best effort: a
 * reader may hold part of it for a moment) and sets secure_delete back. */
gn_status gn_db_scrub_begin(sqlite3 *db, int *was, gn_err *err);
void gn_db_scrub_end(sqlite3 *db, int was, bool done);

/* Turns the connection's last SQLite error into a gn_err; returns
 * GN_ERR_DB (or GN_ERR_BUSY, GN_ERR_CONFLICT for constraint failures). */
gn_status gn_db_fail(sqlite3 *db, gn_err *err, const char *what);

/* A statement prepared once per connection and kept until gn_db_close
 * (reset and cleared at each call): for statements run very often, like
 * the audit's INSERT during an import. sql must be a string literal. The
 * caller must not finalise it. */
gn_status gn_db_prepare_cached(sqlite3 *db, const char *sql, sqlite3_stmt **out, gn_err *err);

/* A column of the current row as text: copied into buf ("" for NULL);
 * malloc'd (NULL for NULL, or "" with _empty). */
void gn_db_col_copy(sqlite3_stmt *st, int col, char *buf, size_t size);
char *gn_db_col_dup(sqlite3_stmt *st, int col);
char *gn_db_col_dup_empty(sqlite3_stmt *st, int col);

/* meta table: small key/value facts about the ward (ward_name, demo, ...).
 * gn_db_meta_get returns a malloc'd copy or NULL. */
gn_status gn_db_meta_set(sqlite3 *db, const char *key, const char *value, gn_err *err);
char *gn_db_meta_get(sqlite3 *db, const char *key);

/* This PC's id (meta pc_id, a UUID made with the ward and kept; made here if missing): what
 * XLSForm's `deviceid` gives and where a record's times were taken. A copy
 * of the file taken to another PC keeps it until `gonha` is told otherwise;
 * see docs/design.md. Writes meta when there is none, so call it outside a
 * read-only transaction. */
gn_status gn_db_pc_id(sqlite3 *db, char out[37], gn_err *err);

/* Current UTC time as ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" ($GONHA_NOW overrides,
 * for tests and deterministic demos). */
void gn_now_iso(char out[32]);
/* The same in SQL, on every connection gn_db_open makes: gn_now_utc(). */
/* Today's date, YYYY-MM-DD, from the same clock as gn_now_iso, in the
 * PC's time zone (the ward's date: Asia/Ho_Chi_Minh on the office PC);
 * the one "today" of gonha (SQL's gn_today() too). */
void gn_today_iso(char out[11]);
/* A stored instant (UTC, as gn_now_iso writes it) as a person reads it:
 * "YYYY-MM-DD HH:MM" in the PC's time zone. */
void gn_local_time(const char *iso, char out[17]);

/* The date SQL's gn_today() returns on this connection ("YYYY-MM-DD"):
 * `date`, or with NULL the current day again ($GONHA_NOW honoured). Reports
 * "as of" a date set it; expressions about age read it. */
gn_status gn_db_set_today(sqlite3 *db, const char *date, gn_err *err);

/* A new random UUID (libuuid), lower case, 36 chars + NUL. */
void gn_uuid_new(char out[37]);

#endif
