/* Personal data (Law 91/2025/QH15): CCCD masking for every list, report and
 * export, private files, and erasing a person's data on request. See
 * docs/privacy.md for the choices made. */
#ifndef GONHA_PRIVACY_H
#define GONHA_PRIVACY_H

#include <stdbool.h>
#include <stdio.h>

#include "gonha/domain/session.h"

/* Where a CCCD is about to be shown. Only the person's own form shows it
 * whole; everything else (lists, search results, reports, exports made
 * without an explicit --with-cccd) shows "019******123". */
typedef enum gn_cccd_view {
	GN_CCCD_VIEW_LIST = 0,  /* lists, search, reports, ordinary exports */
	GN_CCCD_VIEW_OWN_FORM,  /* the person's own form */
	GN_CCCD_VIEW_EXPORT_WHOLE, /* an export the ward officer asked IDs for, on purpose */
} gn_cccd_view;

/* The text to show for a CCCD in that view: "" for none (NULL or ""),
 * else the masked or whole number. out must hold 13 bytes. */
void gn_cccd_for_view(const char *cccd, gn_cccd_view view, char out[13]);

/* SQL masks with gn_cccd_mask(x), on every connection (storage/vault.h);
 * lists read person.cccd_masked. */

/* Creates a file for personal data (exports, backups, audit CSV) with mode
 * 0600 whatever the umask (on a filesystem without Unix permissions, vfat or
 * exFAT, the mode it was mounted with). The file must not exist yet
 * (O_EXCL): an export never overwrites something by accident. Returns a
 * stream opened "w" or NULL with err filled.
 *
 * A path ending in ".part" (gn_private_part_path) is locked (flock) while
 * it is written, until gn_private_publish or gn_private_discard, even after
 * fclose. If such a .part exists already, it is a leftover of a writer that
 * died when nobody holds its lock: it is removed and the file created anew;
 * if a live writer holds it, NULL with GN_ERR_BUSY ("another gonha is
 * writing FILE"). Never waits. */
FILE *gn_private_create(const char *path, gn_err *err);

/* Writing a file whole or not at all: write to "<final>.part" (made with
 * gn_private_create), then gn_private_publish syncs it to the disk and gives
 * it its final name without ever replacing an existing file (GN_ERR_CONFLICT
 * if one appeared) and removes the .part file in every case. It works on
 * filesystems without hard links (vfat, exFAT): renameat2 RENAME_NOREPLACE,
 * else link(), else an O_EXCL placeholder of its own that the file is moved
 * over (docs/exchange.md). */
void gn_private_part_path(const char *final_path, char *out, size_t size);
gn_status gn_private_publish(const char *part_path, const char *final_path, gn_err *err);

/* Gives a finished .part (gn_private_create) the name final_path,
 * replacing the file that has it in one rename (never a moment without a
 * file under that name): synced to the disk first, the folder after. On
 * failure the .part stays (the caller publishes, replaces or discards it).
 * Only where the caller knows nobody else has final_path open (a restore
 * holding the ward's exclusive lock). */
gn_status gn_private_replace(const char *part_path, const char *final_path, gn_err *err);

/* A second name new_path (must not exist) for the file at path, the folder
 * synced: no byte copied. *refused when the filesystem has no hard links
 * (vfat, exFAT), so that the caller copies instead. */
gn_status gn_private_link(const char *path, const char *new_path, bool *refused, gn_err *err);

/* Gives up a .part file after a failed write: removes it and lets its lock
 * go (a plain remove() works too; the lock is then let go at the next
 * gn_private_create). */
void gn_private_discard(const char *part_path);

/* A .part at part_path that no live writer holds is removed (with a SQLite
 * "-journal" beside it): GN_OK, also when there is none. GN_ERR_BUSY if a
 * live writer holds it; GN_ERR_CONFLICT if it is not a regular file of this
 * user's (left as it is). */
gn_status gn_private_clear_stale(const char *part_path, gn_err *err);

/* Removes the leftovers "<prefix>*.part" (and their journals) in dir that no
 * live writer holds, for files whose names are never used twice (snapshots,
 * to-do lists). Returns how many were removed. */
int gn_private_sweep(const char *dir, const char *prefix);

/* A private file made on the way and removed at once (the plain copy a
 * sealed file is made from): its name in dir for this process,
 * "<prefix><pid><suffix>", so two gonhas never share one; and the sweep of
 * those whose process is gone (killed half-way), with SQLite's files beside
 * them. Returns how many were removed. */
void gn_private_own_name(const char *dir, const char *prefix, const char *suffix, char *out, size_t size);
int gn_private_sweep_orphans(const char *dir, const char *prefix);

/* The message for a write that failed with errnum: "the disk is full;
 * nothing was saved" for ENOSPC or EDQUOT, else the system's reason.
 * Returns GN_ERR_IO. */
gn_status gn_private_write_fail(gn_err *err, const char *path, int errnum);
/* The same for a stream whose path the writer does not know: says why and
 * keeps errnum in err->sys_errno, so that whoever opened the file names it
 * (gn_private_write_fail) in the message the user sees. */
gn_status gn_stream_write_fail(gn_err *err, int errnum);

/* Erases a person's personal data on request (ward officer only), in one
 * transaction: the name, birth year, sex, relation, CCCD and every answer
 * are blanked and the record is tombstoned; drafts of the household and
 * merge conflicts about the person are deleted; earlier audit entries of
 * the person keep who/when/which fields but their old and new values are
 * replaced by "(erased)"; and one audit entry "erase" records who erased
 * which record id, when. Freed pages are overwritten (secure_delete) and
 * the WAL is checkpointed so the old values do not linger in the file.
 * Works on a person already removed (tombstoned) too. */
gn_status gn_person_erase(gn_ctx *ctx, const char *person_id, gn_err *err);

/* What erased values are replaced with in the audit log. */
#define GN_ERASED_VALUE "(erased)"

#endif
