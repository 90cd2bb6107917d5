#include "gonha/domain/answers.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"

#include <stdlib.h>
#include <string.h>

/* A JSON path for a key, quoted so a name with dots is taken literally
 * (form names never hold quotes or backslashes; such keys are refused). */
static char *key_path(const char *key)
{
	if (!*key || strpbrk(key, "\"\\"))
		return NULL;
	return sqlite3_mprintf("$.\"%s\"", key);
}

gn_status gn_answers_set(sqlite3 *db, char **answers, const char *key, const char *value,
                         gn_answer_type type, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	char *path = key_path(key);
	if (!path)
		return gn_fail_field(err, GN_ERR_INVALID, key, _("the answer to %s cannot be stored"), key);
	const char *sql = type == GN_ANSWER_NONE ? "SELECT json_remove(coalesce(?1, '{}'), ?2)"
	                  : type == GN_ANSWER_NUMBER ? "SELECT json_set(coalesce(?1, '{}'), ?2, json(?3))"
	                  : "SELECT json_set(coalesce(?1, '{}'), ?2, ?3)";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(db, err, "answers");
		goto out;
	}
	if (*answers)
		sqlite3_bind_text(st, 1, *answers, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (type != GN_ANSWER_NONE)
		sqlite3_bind_text(st, 3, value ? value : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW || !sqlite3_column_text(st, 0)) {
		rc = gn_fail_field(err, GN_ERR_INVALID, key, _("the answer to %s cannot be stored"), key);
		goto out;
	}
	char *updated = strdup((const char *)sqlite3_column_text(st, 0));
	if (!updated) {
		rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	free(*answers);
	*answers = updated;
out:
	sqlite3_finalize(st);
	sqlite3_free(path);
	return rc;
}

char *gn_answers_get(sqlite3 *db, const char *answers, const char *key)
{
	sqlite3_stmt *st = NULL;
	char *out = NULL;
	char *path = key_path(key);
	if (path && sqlite3_prepare_v2(db, "SELECT json_extract(coalesce(?1, '{}'), ?2)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, answers, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			out = strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	sqlite3_free(path);
	return out;
}
