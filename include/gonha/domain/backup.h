/* Backups with the SQLite online backup API: automatic daily snapshots
 * beside the database, a backup to a named file, and a restore that checks
 * the file first and keeps the current database aside.
 *
 * Snapshots live in "<db>.backups/" (mode 0700) as
 * "ward-YYYYMMDD-HHMMSS.db" (mode 0600, UTC time of gn_now_iso). At most
 * one is kept per local day (the newest of that day), for the
 * GN_BACKUP_KEEP most recent days that have one: at most GN_BACKUP_KEEP
 * files, one more while the next is written. None is made on a sign-out
 * or a quit (backup.c says the policy). */
#ifndef GONHA_BACKUP_H
#define GONHA_BACKUP_H

#include <stdbool.h>
#include <stddef.h>

#include "gonha/domain/session.h"

#define GN_BACKUP_KEEP 7

/* The folder of automatic snapshots for a database: "<db_path>.backups". */
void gn_backup_dir(const char *db_path, char *out, size_t size);

/* Makes a snapshot of `db` (opened from db_path) now if `force` (an
 * explicit `gonha backup`), else only if it is due: there is none, or the
 * newest is of an earlier local day (gn_today_iso) and the database's
 * change counter (data_changes) differs from the one the newest holds.
 * Then rotates. The copy is checked (PRAGMA quick_check) before it is
 * kept: a damaged database is never snapshotted, and the error says so.
 * Needs no sign-in (the folder is private). *made (optional) tells
 * whether one was made; made_path (optional, made_size bytes) gets its
 * path. Takes as long as a whole copy when one is made: call it off the
 * paths people wait on (gn_backup_daily). */
gn_status gn_backup_auto(sqlite3 *db, const char *db_path, bool force, bool *made,
                         char *made_path, size_t made_size, gn_err *err);

/* gn_backup_auto (not forced) on a connection of its own, opened
 * read-only from db_path and closed again: for a thread or a process that
 * makes the day's snapshot while others work on the ward. */
gn_status gn_backup_daily(const char *db_path, bool *made, char *made_path, size_t made_size,
                          gn_err *err);

/* DB.backups beside db_path, made (mode 0700) if it is not there: where
 * the snapshots are, and where a sealed file's plain content is made
 * before it is sealed. */
gn_status gn_backup_private_dir(const char *db_path, char *out, size_t size, gn_err *err);

/* Copies the whole database into a new file `out_path` (mode 0600; must not
 * exist yet), checked (quick_check), with its manifest beside it,
 * "<out_path>.manifest" (0600; must not exist either): the file's size and
 * BLAKE2b digest, so that restoring it needs no full integrity_check.
 * Snapshots get one too. Ward officer only: a backup holds every TDP's
 * data. */
gn_status gn_backup_to_file(gn_ctx *ctx, const char *out_path, gn_err *err);

/* The ward's identity (meta ward_id, a UUID set by gn_ward_init and the
 * demo); malloc'd, or NULL for a database made before it existed. */
char *gn_ward_id(sqlite3 *db);

/* Checks that `path` can be restored into `db`, without changing either:
 * it is an SQLite file gonha made (application_id and meta app), it is
 * not damaged (PRAGMA quick_check when the file is what its manifest says,
 * byte for byte, or is a sealed copy opened; PRAGMA integrity_check for any
 * other file), its schema is not newer than this gonha's,
 * and it belongs to the same ward (meta ward_id; for old files the ward
 * name) unless allow_other_ward. Messages say which check failed. */
gn_status gn_restore_check(sqlite3 *db, const char *path, bool allow_other_ward, gn_err *err);

/* Restores `from_path` into the database `ctx->db` opened from db_path
 * (ward officer only): gn_restore_check, then a copy of the current
 * database is kept as "<db_path>.before-restore-YYYYMMDD-HHMMSS" (mode
 * 0600; as it is, not checked: a damaged ward can be restored over) and
 * the file's content, staged beside it with the schema brought up to date
 * and the restore recorded in its audit log, replaces the database: the
 * staged file renamed over the ward's name, the ward itself becoming the
 * kept file by a hard link (nothing copied; all or nothing), with
 * ctx->db closed and opened again on the restored ward. Refused
 * (GN_ERR_BUSY, nothing changed) while another connection has the ward
 * open: it would go on writing into the kept file. Where the filesystem
 * has no hard links, the ward is copied aside and replaced in place
 * through the backup API in one transaction, as before. kept_path
 * (optional) gets the path of the copy kept aside. After a restore the
 * signed-in user is the one of the restored data: the caller should sign
 * in again. */
gn_status gn_restore(gn_ctx *ctx, const char *db_path, const char *from_path,
                     bool allow_other_ward, char *kept_path, size_t kept_size, gn_err *err);

/* What restores cut short left beside the ward at db_path, which db has
 * open for writing: a staged copy (DB.before-restore-*.part, 2.4 GB at
 * 2 M persons) that no live restore holds (its lock, privacy.h), and a
 * kept name that is a second name of the ward itself
 * (gn_db_sweep_kept_links). At every open of a ward for writing (the
 * commands, the terminal UI) and before a restore. */
void gn_backup_sweep_restores(sqlite3 *db, const char *db_path);

/* A backup sealed under a passphrase for carrying off the PC (sealed.h):
 * the copy is made in the private folder beside db_path, sealed into
 * out_path (must not exist) and removed. Ward officer only; recorded as a
 * bulk read ("backup_sealed"). */
gn_status gn_backup_sealed(gn_ctx *ctx, const char *db_path, const char *out_path, const char *passphrase,
                           gn_err *err);

/* gn_restore from a sealed copy: refused in one line if it was made for
 * another ward (before the passphrase is tried), opened beside db_path
 * into a private file, restored, the opened file removed. A wrong
 * passphrase changes nothing. gn_restore itself refuses a sealed file. */
gn_status gn_restore_sealed_check(gn_ctx *ctx, const char *from_path, bool allow_other_ward, gn_err *err);
gn_status gn_restore_sealed(gn_ctx *ctx, const char *db_path, const char *from_path, const char *passphrase,
                            bool allow_other_ward, char *kept_path, size_t kept_size, gn_err *err);

#endif
