/* Browsing, filtering and exporting the audit log (ward officer only). One
 * SQL statement with optional criteria, so there is no SQL built from
 * strings; paging with LIMIT/OFFSET. */
#include "gonha/domain/audit.h"
#include "gonha/core/date.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/privacy.h"

#include <csv.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AUDIT_WHERE \
	" FROM audit_log a LEFT JOIN tdp t ON t.id = a.tdp_id" \
	" WHERE (?1 IS NULL OR a.user_login = ?1)" \
	" AND (?2 IS NULL OR a.record_id = ?2)" \
	" AND (?3 IS NULL OR a.tdp_id = ?3)" \
	" AND (?4 IS NULL OR substr(a.at, 1, 10) >= ?4)" \
	" AND (?5 IS NULL OR substr(a.at, 1, 10) <= ?5)" \
	" AND (?6 IS NULL OR a.action = ?6)" \
	" AND (?7 IS NULL OR a.table_name = ?7)"
#define AUDIT_COLUMNS \
	"SELECT a.id, a.at, a.user_login, a.action, coalesce(a.table_name, ''), coalesce(a.record_id, ''), " \
	"coalesce(a.tdp_id, ''), coalesce(t.code, ''), a.changes"


static const char *opt(const char *s)
{
	return s && *s ? s : NULL;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (opt(s))
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Checks the filter and binds ?1..?7; the TDP code is resolved (and must be
 * one that exists). */
static gn_status bind_filter(gn_ctx *ctx, sqlite3_stmt *st, const gn_audit_filter *f, char tdp_id[37],
                             gn_err *err)
{
	if (opt(f->since) && !gn_date_valid(f->since))
		return gn_fail_field(err, GN_ERR_INVALID, "since", _("the date %s is not written YYYY-MM-DD"), f->since);
	if (opt(f->until) && !gn_date_valid(f->until))
		return gn_fail_field(err, GN_ERR_INVALID, "until", _("the date %s is not written YYYY-MM-DD"), f->until);
	tdp_id[0] = '\0';
	if (opt(f->tdp)) {
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(ctx->db, "SELECT id FROM tdp WHERE code = ?1 OR id = ?1", -1, &q, NULL) != SQLITE_OK)
			return gn_db_fail(ctx->db, err, "tdp");
		sqlite3_bind_text(q, 1, f->tdp, -1, SQLITE_STATIC);
		int found = sqlite3_step(q) == SQLITE_ROW;
		if (found)
			snprintf(tdp_id, 37, "%s", (const char *)sqlite3_column_text(q, 0));
		sqlite3_finalize(q);
		if (!found)
			return gn_fail_field(err, GN_ERR_NOT_FOUND, "tdp", _("there is no TDP %s"), f->tdp);
	}
	bind_opt(st, 1, f->user_login);
	bind_opt(st, 2, f->record_id);
	bind_opt(st, 3, tdp_id);
	bind_opt(st, 4, f->since);
	bind_opt(st, 5, f->until);
	bind_opt(st, 6, f->action);
	bind_opt(st, 7, f->table_name);
	return GN_OK;
}

static void row_to_entry(sqlite3_stmt *st, gn_audit_entry *e)
{
	memset(e, 0, sizeof *e);
	e->id = (long)sqlite3_column_int64(st, 0);
	gn_db_col_copy(st, 1, e->at, sizeof e->at);
	gn_db_col_copy(st, 2, e->user_login, sizeof e->user_login);
	gn_db_col_copy(st, 3, e->action, sizeof e->action);
	gn_db_col_copy(st, 4, e->table_name, sizeof e->table_name);
	gn_db_col_copy(st, 5, e->record_id, sizeof e->record_id);
	gn_db_col_copy(st, 6, e->tdp_id, sizeof e->tdp_id);
	gn_db_col_copy(st, 7, e->tdp_code, sizeof e->tdp_code);
	const unsigned char *c = sqlite3_column_text(st, 8);
	e->changes = strdup(c ? (const char *)c : "{}");
}

gn_status gn_audit_query(gn_ctx *ctx, const gn_audit_filter *filter, gn_audit_entry **out, size_t *n,
                         long *total, gn_err *err)
{
	static const gn_audit_filter any = { 0 };
	const gn_audit_filter *f = filter ? filter : &any;
	sqlite3_stmt *st = NULL;
	gn_audit_entry *list = NULL;
	size_t len = 0, cap = 0;
	char tdp_id[37];
	gn_status rc;

	*out = NULL;
	*n = 0;
	if (total)
		*total = 0;
	if ((rc = gn_scope_require_officer(ctx, err)) != GN_OK)
		return rc;
	if (f->offset < 0 || f->limit < 0)
		return gn_fail(err, GN_ERR_INVALID, _("a page cannot start or end before the first entry"));
	if (total) {
		if (sqlite3_prepare_v2(ctx->db, "SELECT count(*)" AUDIT_WHERE, -1, &st, NULL) != SQLITE_OK) {
			rc = gn_db_fail(ctx->db, err, "audit_log");
			goto out;
		}
		if ((rc = bind_filter(ctx, st, f, tdp_id, err)) != GN_OK)
			goto out;
		if (sqlite3_step(st) != SQLITE_ROW) {
			rc = gn_db_fail(ctx->db, err, "audit_log");
			goto out;
		}
		*total = (long)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		st = NULL;
	}
	const char *sql = f->oldest_first
		? AUDIT_COLUMNS AUDIT_WHERE " ORDER BY a.id LIMIT ?8 OFFSET ?9"
		: AUDIT_COLUMNS AUDIT_WHERE " ORDER BY a.id DESC LIMIT ?8 OFFSET ?9";
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "audit_log");
		goto out;
	}
	if ((rc = bind_filter(ctx, st, f, tdp_id, err)) != GN_OK)
		goto out;
	sqlite3_bind_int64(st, 8, f->limit > 0 ? f->limit : -1);
	sqlite3_bind_int64(st, 9, f->offset);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			gn_audit_entry *bigger = realloc(list, ncap * sizeof *list);
			if (!bigger) {
				rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
				goto out;
			}
			list = bigger;
			cap = ncap;
		}
		row_to_entry(st, &list[len]);
		if (!list[len++].changes) {
			rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		rc = gn_db_fail(ctx->db, err, "audit_log");
		goto out;
	}
	*out = list;
	*n = len;
	list = NULL;
	len = 0;
out:
	sqlite3_finalize(st);
	gn_audit_entries_free(list, len);
	return rc;
}

void gn_audit_changes_free(gn_audit_change *changes, size_t n)
{
	for (size_t i = 0; changes && i < n; i++) {
		free(changes[i].field);
		free(changes[i].old_value);
		free(changes[i].new_value);
	}
	free(changes);
}

gn_status gn_audit_changes_parse(sqlite3 *db, const char *changes, gn_audit_change **out, size_t *n,
                                 gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_audit_change *list = NULL;
	size_t len = 0, cap = 0;
	gn_status rc = GN_OK;
	*out = NULL;
	*n = 0;
	if (!changes || !*changes)
		return GN_OK;
	if (sqlite3_prepare_v2(db,
	                       "SELECT key,"
	                       " CASE WHEN type = 'array' AND json_array_length(value) = 2"
	                       "  THEN json_extract(value, '$[0]') ELSE NULL END,"
	                       " CASE WHEN type = 'array' AND json_array_length(value) = 2"
	                       "  THEN json_extract(value, '$[1]') ELSE value END"
	                       " FROM json_each(?1) WHERE json_valid(?1) ORDER BY id",
	                       -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "audit_log");
	sqlite3_bind_text(st, 1, changes, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			gn_audit_change *bigger = realloc(list, ncap * sizeof *list);
			if (!bigger) {
				rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
				goto out;
			}
			list = bigger;
			cap = ncap;
		}
		gn_audit_change *c = &list[len++];
		c->field = gn_db_col_dup_empty(st, 0);
		c->old_value = gn_db_col_dup_empty(st, 1);
		c->new_value = gn_db_col_dup_empty(st, 2);
		if (!c->field || !c->old_value || !c->new_value) {
			rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		rc = gn_fail(err, GN_ERR_INVALID, _("the changes of this entry are not readable: %s"), sqlite3_errmsg(db));
		goto out;
	}
	*out = list;
	*n = len;
	list = NULL;
	len = 0;
out:
	sqlite3_finalize(st);
	gn_audit_changes_free(list, len);
	return rc;
}

void gn_audit_entries_free(gn_audit_entry *entries, size_t n)
{
	for (size_t i = 0; entries && i < n; i++)
		free(entries[i].changes);
	free(entries);
}

/* One CSV cell, RFC 4180 quoted by libcsv. A cell Excel would run as a
 * formula gets a leading apostrophe, as gonha's exports do. */
static int put_cell(FILE *fp, const char *s, bool first)
{
	if (!first && fputc(',', fp) == EOF)
		return -1;
	if (s[0] && strchr("=+-@\t\r", s[0])) {
		size_t len = strlen(s);
		char *quoted = malloc(len + 2);
		if (!quoted)
			return -1;
		quoted[0] = '\'';
		memcpy(quoted + 1, s, len + 1);
		int rc = csv_fwrite(fp, quoted, len + 1);
		free(quoted);
		return rc;
	}
	return csv_fwrite(fp, s, strlen(s));
}

gn_status gn_audit_export_csv(gn_ctx *ctx, const gn_audit_filter *filter, const char *path, long *rows,
                              gn_err *err)
{
	static const gn_audit_filter any = { 0 };
	gn_audit_filter f = filter ? *filter : any;
	sqlite3_stmt *st = NULL;
	FILE *fp = NULL;
	char part[PATH_MAX] = "", tdp_id[37];
	long written = 0;
	gn_status rc;

	if (rows)
		*rows = 0;
	if ((rc = gn_scope_require_officer(ctx, err)) != GN_OK)
		return rc;
	if (!path || !*path)
		return gn_fail_field(err, GN_ERR_INVALID, "out", _("no output file given"));
	if (access(path, F_OK) == 0)
		return gn_fail_field(err, GN_ERR_CONFLICT, "out", _("%s already exists; it was left as it is"), path);
	if (sqlite3_prepare_v2(ctx->db, AUDIT_COLUMNS AUDIT_WHERE " ORDER BY a.id", -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "audit_log");
	if ((rc = bind_filter(ctx, st, &f, tdp_id, err)) != GN_OK)
		goto out;
	gn_private_part_path(path, part, sizeof part);
	if (!(fp = gn_private_create(part, err))) {
		rc = err ? err->status : GN_ERR_IO;
		part[0] = '\0'; /* not this writer's to remove (another gonha may be writing it) */
		goto out;
	}
	/* Excel opens UTF-8 CSV correctly only with a BOM; lines end in CRLF. */
	static const char *const header[] = { "id", "at", "user", "action", "table", "record_id", "tdp_code",
	                                      "changes" };
	int bad = fputs("\xEF\xBB\xBF", fp) == EOF;
	for (size_t i = 0; i < sizeof header / sizeof *header && !bad; i++)
		bad = put_cell(fp, header[i], i == 0) != 0;
	bad = bad || fputs("\r\n", fp) == EOF;
	int step = SQLITE_DONE;
	while (!bad && (step = sqlite3_step(st)) == SQLITE_ROW) {
		gn_audit_entry e;
		row_to_entry(st, &e);
		char id[24];
		snprintf(id, sizeof id, "%ld", e.id);
		const char *cells[] = { id, e.at, e.user_login, e.action, e.table_name, e.record_id, e.tdp_code,
		                        e.changes ? e.changes : "{}" };
		for (size_t i = 0; i < sizeof cells / sizeof *cells && !bad; i++)
			bad = put_cell(fp, cells[i], i == 0) != 0;
		bad = bad || !e.changes || fputs("\r\n", fp) == EOF;
		free(e.changes);
		written++;
	}
	if (!bad && step != SQLITE_DONE) {
		rc = gn_db_fail(ctx->db, err, "audit_log");
		goto out;
	}
	if (bad || fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		rc = gn_private_write_fail(err, path, errno);
		goto out;
	}
	int closed = fclose(fp);
	fp = NULL;
	if (closed != 0) {
		rc = gn_private_write_fail(err, path, errno);
		goto out;
	}
	if ((rc = gn_private_publish(part, path, err)) != GN_OK)
		goto out;
	sqlite3_finalize(st);
	st = NULL;
	/* the log names people (its old and new values): reading it out is a
	 * bulk read too */
	if ((rc = gn_audit_bulk_read(ctx, "audit_log", NULL, written, false, path, err)) != GN_OK) {
		unlink(path);
		goto out;
	}
	if (rows)
		*rows = written;
out:
	if (fp) {
		fclose(fp);
		gn_private_discard(part);
	} else if (rc != GN_OK && part[0]) {
		gn_private_discard(part);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Every action a gn_audit caller writes, with what a person reads. */
static const struct {
	const char *action, *label;
} actions[] = {
	{ "create", N_("added") },
	{ "update", N_("changed") },
	{ "remove", N_("removed") },
	{ "move", N_("moved") },
	{ "erase", N_("erased on request") },
	{ "assign", N_("TDPs assigned") },
	{ "disable", N_("account disabled") },
	{ "enable", N_("account enabled") },
	{ "password", N_("password changed") },
	{ "restore", N_("restored") },
	{ "bulk_read", N_("personal data read out") },
	{ "refused", N_("refused") },
	{ "sign_in_failed", N_("sign-in failed") },
	{ "keep_as_conflict", N_("kept as a conflict") },
	{ "conflict_take_incoming", N_("conflict: incoming kept") },
	{ "conflict_keep_local", N_("conflict: local kept") },
	{ "import_add", N_("imported (added)") },
	{ "import_update", N_("imported (changed)") },
	{ "import_conflict", N_("imported (conflicts)") },
	{ "import_undo", N_("import undone") },
	{ "seal_ids", N_("citizen IDs encrypted") },
	{ "recover", N_("opened with the recovery code") },
};

bool gn_audit_action_known(const char *action)
{
	for (size_t i = 0; i < sizeof actions / sizeof *actions; i++)
		if (strcmp(action, actions[i].action) == 0)
			return true;
	return false;
}

const char *gn_audit_action_label(const char *action)
{
	for (size_t i = 0; action && i < sizeof actions / sizeof *actions; i++)
		if (strcmp(action, actions[i].action) == 0)
			return _(actions[i].label);
	return action ? action : "";
}

const char *gn_audit_word_label(const char *word)
{
	/* the tables, and the values gonha itself writes into changes */
	static const struct {
		const char *word, *label;
	} words[] = {
		{ "person", N_("person") },
		{ "household", N_("household") },
		{ "users", N_("account") },
		{ "tdp", N_("TDP") },
		{ "meta", N_("setting") },
		{ "database", N_("database") },
		{ "import", N_("import") },
		{ "officer_only", N_("for a ward officer only") },
		{ "not_your_tdp", N_("not one of the account's TDPs") },
		{ "whole", N_("whole") },
		{ "masked", N_("masked") },
		{ "changed", N_("changed") },
		{ "set", N_("set") },
		{ "export_persons", N_("export of persons") },
		{ "export_households", N_("export of households") },
		{ "export_coverage", N_("export of coverage") },
		{ "backup", N_("backup") },
		{ "backup_sealed", N_("sealed backup") },
		{ "audit_log", N_("audit log") },
		{ "missing_list", N_("list of people not yet counted") },
		{ "walk_sheet", N_("walk sheet") },
		{ "revisit_sheet", N_("revisit list") },
		{ "recovery_code", N_("recovery code") },
		/* the fields of entries that are not the form's questions */
		{ "login", N_("user name") },
		{ "display_name", N_("full name") },
		{ "role", N_("role") },
		{ "tdps", N_("TDPs") },
		{ "password", N_("password") },
		{ "disabled", N_("disabled") },
		{ "what", N_("what") },
		{ "records", N_("records") },
		{ "ids", N_("citizen IDs") },
		{ "file", N_("file") },
		{ "why", N_("why") },
		{ "by", N_("by") },
		{ "position", N_("place in the household") },
		{ "walk_order", N_("place in the walk") },
		{ "tdp_id", N_("TDP") },
		{ "idle_lock_minutes", N_("minutes before the screen locks") },
		{ "auto_advance", N_("moving on when a field is full") },
		{ "ward_officer", N_("ward officer") },
		{ "tdp_leader", N_("TDP leader") },
		{ "tech_team", N_("tech team") },
		{ "yes", N_("yes") },
		{ "no", N_("no") },
	};
	for (size_t i = 0; word && i < sizeof words / sizeof *words; i++)
		if (strcmp(word, words[i].word) == 0)
			return _(words[i].label);
	return word ? word : "";
}
