/* Personal data: CCCD masking, private files, erasure on request. */
#include "gonha/privacy.h"
#include "gonha/cccd.h"
#include "gonha/db.h"
#include "gonha/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static void sql_cccd_mask(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *cccd = (const char *)sqlite3_value_text(argv[0]);
	if (!cccd) {
		sqlite3_result_null(c);
		return;
	}
	char out[13];
	gn_cccd_for_view(cccd, GN_CCCD_VIEW_LIST, out);
	sqlite3_result_text(c, out, -1, SQLITE_TRANSIENT);
}

gn_status gn_privacy_register_sqlite(sqlite3 *db, gn_err *err)
{
	if (sqlite3_create_function(db, "gn_cccd_mask", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                            sql_cccd_mask, NULL, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "gn_cccd_mask");
	return GN_OK;
}

FILE *gn_private_create(const char *path, gn_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			gn_fail(err, GN_ERR_CONFLICT, _("%s already exists; it was left as it is"), path);
		else
			gn_fail(err, GN_ERR_IO, _("cannot create %s: %s"), path, strerror(errno));
		return NULL;
	}
	/* The umask may only take bits away, but be explicit anyway. */
	if (fchmod(fd, 0600) != 0) {
		gn_fail(err, GN_ERR_IO, _("cannot create %s: %s"), path, strerror(errno));
		close(fd);
		unlink(path);
		return NULL;
	}
	FILE *fp = fdopen(fd, "w");
	if (!fp) {
		gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		close(fd);
		unlink(path);
	}
	return fp;
}

void gn_private_part_path(const char *final_path, char *out, size_t size)
{
	snprintf(out, size, "%s.part", final_path);
}

gn_status gn_private_publish(const char *part_path, const char *final_path, gn_err *err)
{
	gn_status st = GN_OK;
	/* link() fails with EEXIST instead of replacing, unlike rename(). */
	if (link(part_path, final_path) != 0) {
		if (errno == EEXIST)
			st = gn_fail(err, GN_ERR_CONFLICT, _("%s already exists; it was left as it is"), final_path);
		else
			st = gn_fail(err, GN_ERR_IO, _("cannot create %s: %s"), final_path, strerror(errno));
	}
	unlink(part_path);
	return st;
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

	/* Overwrite what is deleted or replaced, so the old values do not stay
	 * readable in free pages of the file. */
	int secure_before = 0;
	if (sqlite3_prepare_v2(db, "PRAGMA secure_delete", -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		secure_before = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if ((st = gn_db_exec(db, "PRAGMA secure_delete = ON", err)) != GN_OK)
		return st;
	gn_now_iso(now);
	if ((st = gn_db_begin(db, err)) != GN_OK)
		return st;
	st = exec_bound(db, "UPDATE person SET full_name = '', name_key = '', birth_year = NULL, sex = NULL, "
	                "relation = NULL, cccd = NULL, answers = '{}', deleted = 1, rev = rev + 1, "
	                "updated_at = ?2, updated_by = ?3 WHERE id = ?1", person_id, now, ctx->user.login, err);
	/* Earlier audit entries keep who, when and which fields, not values. */
	if (st == GN_OK)
		st = exec_bound(db, "UPDATE audit_log SET changes = (SELECT coalesce(json_group_object(key, "
		                "json_array(?2, ?2)), '{}') FROM json_each(audit_log.changes)) "
		                "WHERE table_name = 'person' AND record_id = ?1", person_id, GN_ERASED_VALUE, NULL, err);
	/* A half-typed form of the household holds the person too. */
	if (st == GN_OK)
		st = exec_bound(db, "DELETE FROM draft WHERE record_id = ?1 OR record_id = ?2", household_id,
		                person_id, NULL, err);
	if (st == GN_OK)
		st = exec_bound(db, "DELETE FROM merge_conflict WHERE table_name = 'person' AND record_id = ?1",
		                person_id, NULL, NULL, err);
	if (st == GN_OK)
		st = gn_audit(ctx, "erase", "person", person_id, tdp_id, NULL, err);
	if (st == GN_OK)
		st = gn_db_commit(db, err);
	else
		gn_db_rollback(db);
	if (st == GN_OK) {
		/* Old pages also live in the write-ahead log until a checkpoint. Best
		 * effort: another reader may keep part of it for a moment. */
		sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	}
	/* Back to the connection's usual (faster) setting. */
	if (!secure_before)
		sqlite3_exec(db, "PRAGMA secure_delete = OFF", NULL, NULL, NULL);
	return st;
}
