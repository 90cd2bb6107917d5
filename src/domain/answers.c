#include "gonha/domain/answers.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
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

bool gn_answers_is_number(const char *s)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return *p == '\0' && strlen(s) < 20;
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

/* ---- repeats ---------------------------------------------------------------- */

bool gn_repeat_key(char *buf, size_t size, const char *prefix, const char *name)
{
	int n = *prefix ? snprintf(buf, size, "%s/%s", prefix, name) : snprintf(buf, size, "%s", name);
	return n >= 0 && (size_t)n < size;
}

bool gn_repeat_entry(char *buf, size_t size, const char *repeat_path, size_t index)
{
	int n = snprintf(buf, size, "%s[%zu]", repeat_path, index);
	return n >= 0 && (size_t)n < size;
}

size_t gn_repeat_count(sqlite3 *db, const char *answers, const char *repeat_path)
{
	char *v = gn_answers_get(db, answers, repeat_path);
	long long n = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return n > 0 && n < 100000 ? (size_t)n : 0;
}

/* Rewrites the answers with the entries of repeat_path past `from` moved
 * by `shift` (-1) and the entries in [drop_lo, drop_hi] dropped: one
 * statement over json_each, keys in their order. The entry index is the
 * number after "repeat_path[". */
static gn_status renumber(sqlite3 *db, char **answers, const char *repeat_path, size_t drop_lo, size_t drop_hi,
                          size_t from, int shift, gn_err *err)
{
	static const char sql[] =
		"WITH e AS (SELECT key, value, type, "
		"  CASE WHEN substr(key, 1, length(?2) + 1) = ?2 || '[' "
		"       THEN CAST(substr(key, length(?2) + 2) AS INTEGER) END AS idx "
		"  FROM json_each(coalesce(?1, '{}'))) "
		"SELECT json_group_object("
		"  CASE WHEN idx > ?5 THEN ?2 || '[' || (idx + ?6) || substr(key, length(?2) + 2 + length(CAST(idx AS TEXT))) "
		"       ELSE key END, "
		"  CASE WHEN type IN ('object', 'array') THEN json(value) ELSE value END) "
		"FROM e WHERE idx IS NULL OR idx < ?3 OR idx > ?4";
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(db, err, "answers");
		goto out;
	}
	if (*answers)
		sqlite3_bind_text(st, 1, *answers, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, repeat_path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)drop_lo);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)drop_hi);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)from);
	sqlite3_bind_int(st, 6, shift);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = gn_db_fail(db, err, "answers");
		goto out;
	}
	const char *text = (const char *)sqlite3_column_text(st, 0);
	char *updated = strdup(text ? text : "{}");
	if (!updated) {
		rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	free(*answers);
	*answers = updated;
out:
	sqlite3_finalize(st);
	return rc;
}

static gn_status put_count(sqlite3 *db, char **answers, const char *repeat_path, size_t n, gn_err *err)
{
	char num[32];
	snprintf(num, sizeof num, "%zu", n);
	return gn_answers_set(db, answers, repeat_path, num, n ? GN_ANSWER_NUMBER : GN_ANSWER_NONE, err);
}

gn_status gn_repeat_set_count(sqlite3 *db, char **answers, const char *repeat_path, size_t n, gn_err *err)
{
	gn_status st = renumber(db, answers, repeat_path, n + 1, (size_t)INT64_MAX, (size_t)INT64_MAX, 0, err);
	return st == GN_OK ? put_count(db, answers, repeat_path, n, err) : st;
}

gn_status gn_repeat_remove(sqlite3 *db, char **answers, const char *repeat_path, size_t index, gn_err *err)
{
	size_t n = gn_repeat_count(db, *answers, repeat_path);
	if (index < 1 || index > n)
		return GN_OK;
	gn_status st = renumber(db, answers, repeat_path, index, index, index, -1, err);
	return st == GN_OK ? put_count(db, answers, repeat_path, n - 1, err) : st;
}

static void collect(sqlite3 *db, const char *answers, const char *prefix, const char *const *repeats, size_t n,
                    const char *name, gn_strbuf *out)
{
	char path[512], entry[512], key[600];
	if (!gn_repeat_key(path, sizeof path, prefix, repeats[0]))
		return;
	size_t count = gn_repeat_count(db, answers, path);
	for (size_t i = 1; i <= count; i++) {
		if (!gn_repeat_entry(entry, sizeof entry, path, i))
			continue;
		if (n > 1) {
			collect(db, answers, entry, repeats + 1, n - 1, name, out);
			continue;
		}
		char *v = name && gn_repeat_key(key, sizeof key, entry, name) ? gn_answers_get(db, answers, key) : NULL;
		gn_sb_add(out, out->len > 1 ? "," : "");
		gn_sb_json_str(out, v ? v : "");
		free(v);
	}
}

gn_status gn_repeat_values(sqlite3 *db, const char *answers, const char *prefix, const char *const *repeats, size_t n,
                           const char *name, char **json)
{
	gn_strbuf out = { 0 };
	gn_sb_add(&out, "[");
	if (n)
		collect(db, answers, prefix, repeats, n, name, &out);
	gn_sb_add(&out, "]");
	*json = gn_sb_take(&out);
	return *json ? GN_OK : GN_ERR_NOMEM;
}
