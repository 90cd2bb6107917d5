/* Undo of an import (issue 13): what each import changed is recorded with
 * SQLite's session extension in the import's own transaction and kept in
 * import_undo_part; gonha import undo N applies the inverse changeset. A record
 * changed since by anyone is a conflict of the changeset: then nothing is
 * changed and every record that blocks it is listed.
 *
 * The keyed tables (household, merge_conflict, tdp) are recorded by a
 * session on the ward itself. person has no PRIMARY KEY since migration 7
 * (a bulk load builds its unique index by sorting), and SQLite 3.40's
 * session extension ignores such tables (SQLITE_SESSION_OBJCONFIG_ROWID is
 * 3.42): its rows are recorded on a keyed temporary copy, from the rows
 * as the import found them (kept as the merge changes them) to the rows as it
 * left them; undone on a keyed copy in a private temporary database
 * (conflicts found by the session extension), then written back.
 * docs/exchange.md, "Undoing an import". */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>

#include "import.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the keyed tables an import writes, recorded by the session on the ward */
static const char *const keyed_tables[] = { "tdp", "household", "merge_conflict" };

/* person's rows keyed by id, where the session extension records them:
 * a temporary table at the import, a private database at the undo */
#define KEYED_PERSON "gn_undo_person"

/* changesets kept: the newest imports' (older ones can no longer be undone) */
#define UNDO_KEPT 20

/* person's rows as the import found them (the first time each is
 * changed: imp_undo_keep, and a temporary trigger for a removal) in the
 * keyed table the session extension reads at the end (%s: person's
 * columns); and the ids it added, kept by a temporary trigger */
static const char begin_sql[] =
	"DROP TABLE IF EXISTS temp." KEYED_PERSON ";"
	/* rows appended (rowid order), the key apart: not a WITHOUT ROWID table
	 * of rows a sixth of a page each */
	"CREATE TEMP TABLE " KEYED_PERSON "(%s, PRIMARY KEY (id));"
	"CREATE TEMP TABLE IF NOT EXISTS gn_undo_new(id TEXT PRIMARY KEY) WITHOUT ROWID;"
	"DELETE FROM temp.gn_undo_new;"
	"CREATE TEMP TRIGGER gn_undo_person_new AFTER INSERT ON main.person BEGIN"
	"  INSERT OR IGNORE INTO gn_undo_new VALUES (NEW.id);"
	"END;"
	"CREATE TEMP TRIGGER gn_undo_person_delete BEFORE DELETE ON main.person"
	"  WHEN NOT EXISTS (SELECT 1 FROM temp." KEYED_PERSON " WHERE id = OLD.id)"
	"   AND NOT EXISTS (SELECT 1 FROM temp.gn_undo_new WHERE id = OLD.id) BEGIN"
	"  INSERT INTO " KEYED_PERSON " SELECT * FROM main.person WHERE rowid = OLD.rowid;"
	"END;";

static const char end_sql[] =
	"DROP TRIGGER IF EXISTS temp.gn_undo_person_new;"
	"DROP TRIGGER IF EXISTS temp.gn_undo_person_delete;";

/* A person the import is about to change: its row as it is now, the first
 * time (the merge's edits, in write_record; a trigger costs three times
 * as much, firing for the version token's and the bits' updates too). */
bool imp_undo_keep(importer *im, const char *person_id)
{
	if (!im->undo)
		return true;
	if (imp_prepare(im, &im->undo_keep, "INSERT OR IGNORE INTO temp." KEYED_PERSON " SELECT * FROM main.person "
	                "WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM temp.gn_undo_new WHERE id = ?1)") != GN_OK)
		return false;
	sqlite3_bind_text(im->undo_keep, 1, person_id, -1, SQLITE_STATIC);
	bool fine = sqlite3_step(im->undo_keep) == SQLITE_DONE;
	sqlite3_reset(im->undo_keep);
	if (!fine)
		imp_db_error(im, "import_undo");
	return fine;
}

/* person's columns in order, quoted: "a", "b", ... (cols) and
 * "a" = excluded."a", ... but the id (sets) */
static gn_status person_columns(sqlite3 *db, gn_strbuf *cols, gn_strbuf *sets, int *n, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('person', 'main') ORDER BY cid", -1, &q, NULL) !=
	    SQLITE_OK)
		return gn_db_fail(db, err, "person");
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		char *quoted = sqlite3_mprintf("\"%w\"", name);
		if (!quoted)
			break;
		gn_sb_printf(cols, "%s%s", *n ? ", " : "", quoted);
		if (strcmp(name, "id") != 0)
			gn_sb_printf(sets, "%s%s = excluded.%s", sets->len ? ", " : "", quoted, quoted);
		sqlite3_free(quoted);
		(*n)++;
	}
	gn_status st = rc == SQLITE_DONE ? GN_OK : gn_db_fail(db, err, "person");
	sqlite3_finalize(q);
	return st;
}

/* The temporary triggers go whatever became of the import (a rolled-back
 * transaction took them with it already), and the session is deleted. */
void imp_undo_end(importer *im)
{
	sqlite3_finalize(im->undo_keep);
	im->undo_keep = NULL;
	if (!im->undo)
		return;
	sqlite3session_delete(im->undo);
	im->undo = NULL;
	sqlite3_exec(im->ctx->db, end_sql, NULL, NULL, NULL); /* nothing to drop after a rollback */
}

/* Recording starts with the import's transaction. Not for a dry run, and
 * not into a ward with nobody in it: that first load (two million rows at
 * once) is undone by the day's snapshot, see docs/exchange.md. */
void imp_undo_begin(importer *im)
{
	sqlite3 *db = im->ctx->db;
	if (im->opt->dry_run || im->status != GN_OK)
		return;
	sqlite3_stmt *q = NULL;
	bool anyone = false;
	if (sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM person)", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		anyone = sqlite3_column_int(q, 0) != 0;
	sqlite3_finalize(q);
	if (!anyone)
		return;
	sqlite3_session *s = NULL;
	if (sqlite3session_create(db, "main", &s) != SQLITE_OK) {
		imp_db_error(im, "import_undo");
		return;
	}
	im->undo = s;
	for (size_t i = 0; i < sizeof keyed_tables / sizeof *keyed_tables; i++)
		if (sqlite3session_attach(s, keyed_tables[i]) != SQLITE_OK) {
			imp_db_error(im, "import_undo");
			return;
		}
	gn_strbuf cols = { 0 }, sets = { 0 };
	int n = 0;
	gn_err e = { 0 };
	char *sql = NULL;
	if (person_columns(db, &cols, &sets, &n, &e) != GN_OK || !(sql = sqlite3_mprintf(begin_sql, gn_sb_str(&cols))) ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		imp_db_error(im, "import_undo");
	sqlite3_free(sql);
	gn_sb_free(&cols);
	gn_sb_free(&sets);
}

/* A private temporary database (a file SQLite removes on close) with
 * person's columns keyed by id, for the session extension. */
static gn_status open_copy(sqlite3 *db, sqlite3 **out, gn_strbuf *cols, gn_strbuf *sets, int *n, gn_err *err)
{
	*out = NULL;
	gn_status st = person_columns(db, cols, sets, n, err);
	if (st != GN_OK)
		return st;
	sqlite3 *copy = NULL;
	if (sqlite3_open_v2("", &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		st = gn_fail(err, GN_ERR_DB, _("cannot open a temporary database: %s"), sqlite3_errmsg(copy));
		sqlite3_close(copy);
		return st;
	}
	char *sql = sqlite3_mprintf("PRAGMA cache_size = -4096; CREATE TABLE " KEYED_PERSON "(%s, PRIMARY KEY (id))",
	                            gn_sb_str(cols));
	if (!sql || sqlite3_exec(copy, sql, NULL, NULL, NULL) != SQLITE_OK) {
		st = sql ? gn_db_fail(copy, err, "import_undo") : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		sqlite3_close(copy);
		copy = NULL;
	}
	sqlite3_free(sql);
	*out = copy;
	return st;
}

/* Every row of src bound as it is into dst (two connections). */
static gn_status copy_rows(sqlite3 *from, const char *src_sql, sqlite3 *to, const char *dst_sql, gn_err *err)
{
	sqlite3_stmt *src = NULL, *dst = NULL;
	gn_status st = GN_OK;
	if (sqlite3_prepare_v2(from, src_sql, -1, &src, NULL) != SQLITE_OK)
		st = gn_db_fail(from, err, "import_undo");
	else if (sqlite3_prepare_v2(to, dst_sql, -1, &dst, NULL) != SQLITE_OK)
		st = gn_db_fail(to, err, "import_undo");
	int rc = SQLITE_DONE;
	while (st == GN_OK && (rc = sqlite3_step(src)) == SQLITE_ROW) {
		int n = sqlite3_column_count(src);
		for (int i = 0; i < n; i++)
			sqlite3_bind_value(dst, i + 1, sqlite3_column_value(src, i));
		if (sqlite3_step(dst) != SQLITE_DONE)
			st = gn_db_fail(to, err, "import_undo");
		sqlite3_reset(dst);
	}
	if (st == GN_OK && rc != SQLITE_DONE)
		st = gn_db_fail(from, err, "import_undo");
	sqlite3_finalize(src);
	sqlite3_finalize(dst);
	return st;
}

static char *placeholders_insert(const char *table, const char *cols, int n, const char *sets)
{
	gn_strbuf b = { 0 };
	gn_sb_printf(&b, "INSERT INTO %s(%s) VALUES (", table, cols);
	for (int i = 0; i < n; i++)
		gn_sb_add(&b, i ? ", ?" : "?");
	gn_sb_add(&b, ")");
	if (sets)
		gn_sb_printf(&b, " ON CONFLICT(id) DO UPDATE SET %s", sets);
	return gn_sb_take(&b);
}

static int to_file(void *arg, const void *data, int n)
{
	return fwrite(data, 1, (size_t)n, arg) == (size_t)n ? SQLITE_OK : SQLITE_IOERR;
}

/* The session's changeset into import_undo_part (import, part), never
 * whole in memory (20,000 persons: about 13 MB): streamed as SQLite makes
 * it to an unnamed temporary file (where SQLite's own temporary files
 * go), then into a blob of its size (a blob cannot be open while the
 * session reads the same connection). */
static gn_status store_changeset(sqlite3 *db, sqlite3_session *s, long import, const char *part, gn_err *err)
{
	if (sqlite3session_isempty(s))
		return GN_OK;
	FILE *f = tmpfile();
	if (!f)
		return gn_fail(err, GN_ERR_IO, _("cannot open a temporary file: %s"), strerror(errno));
	gn_status st = GN_OK;
	sqlite3_stmt *q = NULL;
	sqlite3_blob *blob = NULL;
	long size = 0;
	if (sqlite3session_changeset_strm(s, to_file, f) != SQLITE_OK)
		st = gn_db_fail(db, err, "import_undo");
	else if (fflush(f) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		st = gn_fail(err, GN_ERR_IO, _("cannot write a temporary file: %s"), strerror(errno));
	else if (size > 0x7fffffffL)
		st = gn_fail(err, GN_ERR_INVALID, _("this import changes too much to be undone later: split the file"));
	if (st == GN_OK && size > 0) {
		if (sqlite3_prepare_v2(db, "INSERT INTO import_undo_part(import_id, part, bytes, changeset) "
		                       "VALUES (?1, ?2, ?3, zeroblob(?3))", -1, &q, NULL) != SQLITE_OK) {
			st = gn_db_fail(db, err, "import_undo");
		} else {
			sqlite3_bind_int64(q, 1, import);
			sqlite3_bind_text(q, 2, part, -1, SQLITE_STATIC);
			sqlite3_bind_int64(q, 3, size);
			if (sqlite3_step(q) != SQLITE_DONE)
				st = gn_db_fail(db, err, "import_undo");
		}
		sqlite3_finalize(q);
		if (st == GN_OK && sqlite3_blob_open(db, "main", "import_undo_part", "changeset", sqlite3_last_insert_rowid(db),
		                                     1, &blob) != SQLITE_OK)
			st = gn_db_fail(db, err, "import_undo");
		char buf[65536];
		for (long at = 0; st == GN_OK && at < size;) {
			size_t got = fread(buf, 1, sizeof buf, f);
			if (got == 0)
				st = gn_fail(err, GN_ERR_IO, _("cannot read a temporary file: %s"), strerror(errno));
			else if (sqlite3_blob_write(blob, buf, (int)got, (int)at) != SQLITE_OK)
				st = gn_db_fail(db, err, "import_undo");
			at += (long)got;
		}
		sqlite3_blob_close(blob);
	}
	fclose(f);
	return st;
}

/* person's part: the session on the temporary schema records the keyed
 * table of the rows as the import found them going to the rows as it left
 * them (all of it SQL on the ward's connection); stored. */
static gn_status store_persons(sqlite3 *db, long import, gn_err *err)
{
	gn_strbuf cols = { 0 }, sets = { 0 };
	int n = 0;
	sqlite3_session *s = NULL;
	char *move = NULL;
	gn_status st = person_columns(db, &cols, &sets, &n, err);
	if (st == GN_OK &&
	    !(move = sqlite3_mprintf("INSERT INTO temp." KEYED_PERSON " SELECT * FROM main.person WHERE id IN "
	                             "(SELECT id FROM temp." KEYED_PERSON " UNION ALL SELECT id FROM temp.gn_undo_new) "
	                             "ON CONFLICT(id) DO UPDATE SET %s; "
	                             "DELETE FROM temp." KEYED_PERSON " WHERE NOT EXISTS (SELECT 1 FROM main.person p "
	                             "WHERE p.id = " KEYED_PERSON ".id)", gn_sb_str(&sets))))
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (st == GN_OK && (sqlite3session_create(db, "temp", &s) != SQLITE_OK ||
	                    sqlite3session_attach(s, KEYED_PERSON) != SQLITE_OK))
		st = gn_db_fail(db, err, "import_undo");
	if (st == GN_OK)
		st = gn_db_exec(db, move, err);
	if (st == GN_OK)
		st = store_changeset(db, s, import, "person", err);
	sqlite3session_delete(s);
	sqlite3_free(move);
	gn_sb_free(&cols);
	gn_sb_free(&sets);
	return st;
}

/* At the end of an import about to be committed: what it changed kept in
 * import_undo (in the same transaction), older imports' changes let go. */
void imp_undo_finish(importer *im)
{
	sqlite3 *db = im->ctx->db;
	if (!im->undo || im->status != GN_OK)
		return;
	/* by gn_ex_kind: a repeat's table too (its entries were indexed past the end) */
	static const char *const kinds[] = { "", "persons", "households", "household_list", "repeat" };
	_Static_assert(sizeof kinds / sizeof *kinds == GN_EXK_REPEAT + 1, "a name for each kind of file");
	char now[32];
	gn_now_iso(now);
	sqlite3_stmt *q = NULL;
	gn_status st = GN_OK;
	long id = 0;
	/* the import's dirty pages may go to the WAL now: room for the copy */
	sqlite3_exec(db, "PRAGMA cache_size = -4096", NULL, NULL, NULL); /* a hint; put back by settings_back */
	if (sqlite3_prepare_v2(db, "INSERT INTO import_undo(at, by_login, source, kind, added, updated, conflicts) "
	                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &q, NULL) != SQLITE_OK) {
		st = gn_db_fail(db, im->err, "import_undo");
	} else {
		sqlite3_bind_text(q, 1, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, im->ctx->user.login, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, im->source ? im->source : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, kinds[im->rep->kind], -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 5, im->rep->added);
		sqlite3_bind_int64(q, 6, im->rep->updated);
		sqlite3_bind_int64(q, 7, im->rep->conflicts);
		if (sqlite3_step(q) != SQLITE_DONE)
			st = gn_db_fail(db, im->err, "import_undo");
		id = (long)sqlite3_last_insert_rowid(db);
	}
	sqlite3_finalize(q);
	if (st == GN_OK)
		st = store_changeset(db, im->undo, id, "ward", im->err);
	imp_undo_end(im);
	if (st == GN_OK)
		st = store_persons(db, id, im->err);
	/* nothing changed: nothing to undo */
	char *sql = sqlite3_mprintf("DELETE FROM import_undo WHERE id = %ld AND NOT EXISTS (SELECT 1 FROM import_undo_part "
	                            "WHERE import_id = %ld);"
	                            "DELETE FROM import_undo_part WHERE import_id <= %ld;"
	                            "DROP TABLE temp." KEYED_PERSON "; DELETE FROM temp.gn_undo_new",
	                            id, id, id - UNDO_KEPT);
	if (st == GN_OK && (!sql || sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK))
		st = gn_db_fail(db, im->err, "import_undo");
	sqlite3_free(sql);
	if (st == GN_OK) {
		sqlite3_stmt *e = NULL;
		if (sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM import_undo WHERE id = ?1)", -1, &e, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(e, 1, id);
			if (sqlite3_step(e) == SQLITE_ROW && sqlite3_column_int(e, 0))
				im->rep->undo_id = id;
		}
		sqlite3_finalize(e);
	}
	if (st != GN_OK) {
		im->status = st;
		im->fatal = true;
	}
}

gn_status gn_import_history(gn_ctx *ctx, gn_import_past **out, size_t *n, gn_err *err)
{
	*out = NULL;
	*n = 0;
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(ctx->db, "SELECT id, at, by_login, coalesce(source, ''), added, updated, conflicts, "
	                       "undone_at IS NULL AND EXISTS (SELECT 1 FROM import_undo_part WHERE import_id = import_undo.id), "
	                       "coalesce(undone_at, ''), "
	                       "coalesce(undone_by, '') FROM import_undo ORDER BY id DESC", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "import_undo");
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		gn_import_past *p = realloc(*out, (*n + 1) * sizeof *p);
		if (!p) {
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			break;
		}
		*out = p;
		p += (*n)++;
		memset(p, 0, sizeof *p);
		p->id = sqlite3_column_int64(q, 0);
		gn_db_col_copy(q, 1, p->at, sizeof p->at);
		gn_db_col_copy(q, 2, p->by, sizeof p->by);
		gn_db_col_copy(q, 3, p->source, sizeof p->source);
		p->added = sqlite3_column_int64(q, 4);
		p->updated = sqlite3_column_int64(q, 5);
		p->conflicts = sqlite3_column_int64(q, 6);
		p->undoable = sqlite3_column_int(q, 7) != 0;
		gn_db_col_copy(q, 8, p->undone_at, sizeof p->undone_at);
		gn_db_col_copy(q, 9, p->undone_by, sizeof p->undone_by);
	}
	if (st == GN_OK && rc != SQLITE_DONE)
		st = gn_db_fail(ctx->db, err, "import_undo");
	sqlite3_finalize(q);
	return st;
}

const char *gn_undo_why_label(gn_undo_why why)
{
	switch (why) {
	case GN_UNDO_CHANGED: return _("changed after the import");
	case GN_UNDO_GONE: return _("removed after the import");
	case GN_UNDO_TAKEN: return _("added again after the import");
	default: return _("records added after the import depend on what it added");
	}
}

/* What the conflict handler of an undo gathers. */
typedef struct undo_run {
	sqlite3 *db;   /* the ward, for the names of what blocks */
	gn_undo_block *blocks;
	size_t n;
	bool nomem;
} undo_run;

static int only_person(void *arg, const char *table)
{
	(void)arg;
	return strcmp(table, KEYED_PERSON) == 0;
}

static int but_person(void *arg, const char *table)
{
	(void)arg;
	return strcmp(table, KEYED_PERSON) != 0;
}

/* The text of the primary key of the change the iterator is at. */
static void change_key(sqlite3_changeset_iter *it, char *out, size_t size)
{
	const char *table;
	int ncol, op, indirect;
	unsigned char *pk = NULL;
	int npk = 0;
	sqlite3_value *v = NULL;
	out[0] = '\0';
	if (sqlite3changeset_op(it, &table, &ncol, &op, &indirect) != SQLITE_OK ||
	    sqlite3changeset_pk(it, &pk, &npk) != SQLITE_OK)
		return;
	for (int i = 0; i < npk; i++)
		if (pk[i]) {
			if (op == SQLITE_INSERT)
				sqlite3changeset_new(it, i, &v);
			else
				sqlite3changeset_old(it, i, &v);
			break;
		}
	if (v && sqlite3_value_text(v))
		snprintf(out, size, "%s", (const char *)sqlite3_value_text(v));
}

static int on_conflict(void *arg, int kind, sqlite3_changeset_iter *it)
{
	undo_run *u = arg;
	gn_undo_block *b = realloc(u->blocks, (u->n + 1) * sizeof *b);
	if (!b) {
		u->nomem = true;
		return SQLITE_CHANGESET_ABORT;
	}
	u->blocks = b;
	b += u->n++;
	memset(b, 0, sizeof *b);
	b->why = kind == SQLITE_CHANGESET_DATA ? GN_UNDO_CHANGED
	       : kind == SQLITE_CHANGESET_NOTFOUND ? GN_UNDO_GONE
	       : kind == SQLITE_CHANGESET_FOREIGN_KEY ? GN_UNDO_NEEDED : GN_UNDO_TAKEN;
	if (kind != SQLITE_CHANGESET_FOREIGN_KEY) {
		const char *table;
		int ncol, op, indirect;
		if (sqlite3changeset_op(it, &table, &ncol, &op, &indirect) == SQLITE_OK)
			snprintf(b->table, sizeof b->table, "%s", strcmp(table, KEYED_PERSON) == 0 ? "person" : table);
		change_key(it, b->id, sizeof b->id);
	}
	return SQLITE_CHANGESET_OMIT;
}

/* The person's name or the household's address, for the list of what
 * blocks an undo. */
static void label_blocks(sqlite3 *db, gn_undo_block *b, size_t n)
{
	sqlite3_stmt *person = NULL, *household = NULL;
	sqlite3_prepare_v2(db, "SELECT full_name FROM person WHERE id = ?1", -1, &person, NULL);
	sqlite3_prepare_v2(db, "SELECT trim(coalesce(house_no, '') || ' ' || coalesce(alley, '') || ' ' || "
	                   "coalesce(street, '')) FROM household WHERE id = ?1", -1, &household, NULL);
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *q = strcmp(b[i].table, "person") == 0 ? person
		                : strcmp(b[i].table, "household") == 0 ? household : NULL;
		if (!q)
			continue;
		sqlite3_bind_text(q, 1, b[i].id, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			gn_db_col_copy(q, 0, b[i].label, sizeof b[i].label);
		sqlite3_reset(q);
	}
	sqlite3_finalize(person);
	sqlite3_finalize(household);
}

/* Every person id the inverse changeset names, into temp.gn_undo_ids. */
static gn_status person_ids(sqlite3 *db, int n, void *cs, long *count, gn_err *err)
{
	sqlite3_changeset_iter *it = NULL;
	sqlite3_stmt *ins = NULL;
	gn_status st = gn_db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS gn_undo_ids(id TEXT PRIMARY KEY) WITHOUT ROWID;"
	                              "DELETE FROM temp.gn_undo_ids", err);
	*count = 0;
	if (st == GN_OK && sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO temp.gn_undo_ids VALUES (?1)", -1, &ins, NULL) !=
	                       SQLITE_OK)
		st = gn_db_fail(db, err, "import_undo");
	if (st == GN_OK && sqlite3changeset_start(&it, n, cs) != SQLITE_OK)
		st = gn_fail(err, GN_ERR_DB, _("the recorded changes of this import cannot be read"));
	while (st == GN_OK && sqlite3changeset_next(it) == SQLITE_ROW) {
		const char *table;
		int ncol, op, indirect;
		char id[40];
		if (sqlite3changeset_op(it, &table, &ncol, &op, &indirect) != SQLITE_OK || strcmp(table, KEYED_PERSON) != 0)
			continue;
		change_key(it, id, sizeof id);
		sqlite3_bind_text(ins, 1, id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE)
			st = gn_db_fail(db, err, "import_undo");
		sqlite3_reset(ins);
		(*count)++;
	}
	if (it && sqlite3changeset_finalize(it) != SQLITE_OK && st == GN_OK)
		st = gn_fail(err, GN_ERR_DB, _("the recorded changes of this import cannot be read"));
	sqlite3_finalize(ins);
	return st;
}

/* person's part of the inverse of cs written to the ward's persons: per
 * row only the columns it changes (a whole row rewritten moves every one
 * of person's indexes); one statement for each set of columns, in turn. */
static gn_status write_back(sqlite3 *db, int n, void *cs, gn_err *err)
{
	sqlite3_changeset_iter *it = NULL;
	sqlite3_stmt *del = NULL, *ins = NULL;
	/* the UPDATEs of the last few sets of columns (an import changes a
	 * handful of sets: the smartphone answer here, not there) */
	struct { unsigned char mask[256]; sqlite3_stmt *q; } upd[8];
	memset(upd, 0, sizeof upd);
	int next_slot = 0;
	char **names = NULL;
	int ncols = 0;
	gn_status st = GN_OK;
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('person', 'main') ORDER BY cid", -1, &q, NULL) !=
	    SQLITE_OK)
		return gn_db_fail(db, err, "person");
	while (st == GN_OK && sqlite3_step(q) == SQLITE_ROW) {
		char **more = realloc(names, (size_t)(ncols + 1) * sizeof *more);
		if (!more || !(more[ncols] = sqlite3_mprintf("\"%w\"", (const char *)sqlite3_column_text(q, 0)))) {
			if (more)
				names = more;
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			break;
		}
		names = more;
		ncols++;
	}
	sqlite3_finalize(q);
	if (st == GN_OK && (ncols == 0 || ncols > (int)sizeof upd[0].mask))
		st = gn_fail(err, GN_ERR_DB, _("the recorded changes of this import cannot be read"));
	if (st == GN_OK && sqlite3changeset_start_v2(&it, n, cs, SQLITE_CHANGESETSTART_INVERT) != SQLITE_OK)
		st = gn_fail(err, GN_ERR_DB, _("the recorded changes of this import cannot be read"));
	while (st == GN_OK && sqlite3changeset_next(it) == SQLITE_ROW) {
		const char *table;
		int nc, op, indirect, npk = 0;
		unsigned char *pk = NULL;
		if (sqlite3changeset_op(it, &table, &nc, &op, &indirect) != SQLITE_OK || strcmp(table, KEYED_PERSON) != 0)
			continue;
		if (nc != ncols || sqlite3changeset_pk(it, &pk, &npk) != SQLITE_OK) {
			st = gn_fail(err, GN_ERR_DB, _("the recorded changes of this import cannot be read"));
			break;
		}
		int key = 0;
		while (key < npk && !pk[key])
			key++;
		sqlite3_value *id = NULL, *v = NULL;
		if (op == SQLITE_INSERT)
			sqlite3changeset_new(it, key, &id);
		else
			sqlite3changeset_old(it, key, &id);
		sqlite3_stmt *w = NULL;
		if (op == SQLITE_UPDATE) {
			unsigned char mask[256] = { 0 };
			for (int i = 0; i < nc; i++)
				mask[i] = i != key && sqlite3changeset_new(it, i, &v) == SQLITE_OK && v;
			int slot = 0;
			while (slot < 8 && !(upd[slot].q && memcmp(mask, upd[slot].mask, sizeof mask) == 0))
				slot++;
			if (slot == 8) {
				slot = next_slot;
				next_slot = (next_slot + 1) % 8;
				gn_strbuf b = { 0 };
				gn_sb_add(&b, "UPDATE main.person SET ");
				for (int i = 0, k = 0; i < nc; i++)
					if (mask[i])
						gn_sb_printf(&b, "%s%s = ?%d", k++ ? ", " : "", names[i], i + 2);
				gn_sb_printf(&b, " WHERE id = ?1");
				sqlite3_finalize(upd[slot].q);
				upd[slot].q = NULL;
				if (b.failed || sqlite3_prepare_v2(db, gn_sb_str(&b), -1, &upd[slot].q, NULL) != SQLITE_OK)
					st = b.failed ? gn_fail(err, GN_ERR_NOMEM, _("out of memory")) : gn_db_fail(db, err, "person");
				gn_sb_free(&b);
				memcpy(upd[slot].mask, mask, sizeof mask);
			}
			w = upd[slot].q;
			for (int i = 0; w && i < nc; i++)
				if (mask[i] && sqlite3changeset_new(it, i, &v) == SQLITE_OK)
					sqlite3_bind_value(w, i + 2, v);
		} else if (op == SQLITE_DELETE) {
			if (!del && sqlite3_prepare_v2(db, "DELETE FROM main.person WHERE id = ?1", -1, &del, NULL) != SQLITE_OK)
				st = gn_db_fail(db, err, "person");
			w = del;
		} else {
			if (!ins) {
				gn_strbuf b = { 0 };
				gn_sb_add(&b, "INSERT INTO main.person(");
				for (int i = 0; i < nc; i++)
					gn_sb_printf(&b, "%s%s", i ? ", " : "", names[i]);
				gn_sb_add(&b, ") VALUES (");
				for (int i = 0; i < nc; i++)
					gn_sb_printf(&b, "%s?%d", i ? ", " : "", i + 2);
				gn_sb_add(&b, ")");
				if (b.failed || sqlite3_prepare_v2(db, gn_sb_str(&b), -1, &ins, NULL) != SQLITE_OK)
					st = b.failed ? gn_fail(err, GN_ERR_NOMEM, _("out of memory")) : gn_db_fail(db, err, "person");
				gn_sb_free(&b);
			}
			w = ins;
			for (int i = 0; w && i < nc; i++)
				if (sqlite3changeset_new(it, i, &v) == SQLITE_OK)
					sqlite3_bind_value(w, i + 2, v);
		}
		if (st != GN_OK || !w)
			break;
		if (op != SQLITE_INSERT)
			sqlite3_bind_value(w, 1, id);
		if (sqlite3_step(w) != SQLITE_DONE)
			st = gn_db_fail(db, err, "person");
		sqlite3_reset(w);
		sqlite3_clear_bindings(w);
	}
	if (it && sqlite3changeset_finalize(it) != SQLITE_OK && st == GN_OK)
		st = gn_fail(err, GN_ERR_DB, _("the recorded changes of this import cannot be read"));
	for (int i = 0; i < 8; i++)
		sqlite3_finalize(upd[i].q);
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	for (int i = 0; i < ncols; i++)
		sqlite3_free(names[i]);
	free(names);
	return st;
}

/* person's part (the import's changeset cs) undone on a keyed copy of the
 * rows it names (conflicts gathered in u), then the copy written back over
 * the ward's rows. */
static gn_status undo_persons(sqlite3 *db, int n, void *cs, undo_run *u, gn_err *err)
{
	gn_strbuf cols = { 0 }, sets = { 0 };
	int ncols = 0;
	long count = 0;
	sqlite3 *copy = NULL;
	char *ins = NULL, *upsert = NULL;
	gn_status st = n ? person_ids(db, n, cs, &count, err) : GN_OK;
	if (st != GN_OK || count == 0)
		return st;
	st = open_copy(db, &copy, &cols, &sets, &ncols, err);
	if (st == GN_OK && (!(ins = placeholders_insert(KEYED_PERSON, gn_sb_str(&cols), ncols, NULL)) ||
	                    !(upsert = placeholders_insert("main.person", gn_sb_str(&cols), ncols, gn_sb_str(&sets)))))
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (st == GN_OK)
		st = gn_db_exec(copy, "BEGIN", err);
	if (st == GN_OK)
		st = copy_rows(db, "SELECT * FROM main.person WHERE id IN (SELECT id FROM temp.gn_undo_ids)", copy, ins, err);
	if (st == GN_OK && sqlite3changeset_apply_v2(copy, n, cs, only_person, on_conflict, u, NULL, NULL,
	                                             SQLITE_CHANGESETAPPLY_INVERT) != SQLITE_OK)
		st = u->nomem ? gn_fail(err, GN_ERR_NOMEM, _("out of memory")) : gn_db_fail(copy, err, "import_undo");
	/* nothing blocks it: back into the ward, only the columns it changes */
	if (st == GN_OK && u->n == 0) {
		st = write_back(db, n, cs, err);
		goto out;
	}
	/* something blocks it (the undo is rolled back): the rows the copy
	 * holds, whole, and those it no longer has removed, so that what the
	 * rest of the ward's part finds is as the undo would leave it */
	if (st == GN_OK)
		st = gn_db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS gn_undo_keep(id TEXT PRIMARY KEY) WITHOUT ROWID;"
		                    "DELETE FROM temp.gn_undo_keep", err);
	if (st == GN_OK)
		st = copy_rows(copy, "SELECT id FROM " KEYED_PERSON, db, "INSERT INTO temp.gn_undo_keep VALUES (?1)", err);
	if (st == GN_OK)
		st = gn_db_exec(db, "DELETE FROM main.person WHERE id IN (SELECT id FROM temp.gn_undo_ids "
		                    "EXCEPT SELECT id FROM temp.gn_undo_keep)", err);
	if (st == GN_OK)
		st = copy_rows(copy, "SELECT * FROM " KEYED_PERSON, db, upsert, err);
out:
	sqlite3_close(copy);
	free(ins);
	free(upsert);
	gn_sb_free(&cols);
	gn_sb_free(&sets);
	return st;
}

/* The changeset of one part of import id, or none (*n 0); the statement
 * holds it until finalized. */
static gn_status read_part(sqlite3 *db, long id, const char *part, sqlite3_stmt **q, int *n, const void **cs, gn_err *err)
{
	*n = 0;
	*cs = NULL;
	if (sqlite3_prepare_v2(db, "SELECT changeset, bytes FROM import_undo_part WHERE import_id = ?1 AND part = ?2", -1, q,
	                       NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "import_undo");
	sqlite3_bind_int64(*q, 1, id);
	sqlite3_bind_text(*q, 2, part, -1, SQLITE_STATIC);
	int rc = sqlite3_step(*q);
	if (rc == SQLITE_ROW) {
		*cs = sqlite3_column_blob(*q, 0);
		*n = sqlite3_column_int(*q, 1);
		if (*n > sqlite3_column_bytes(*q, 0))
			return gn_fail(err, GN_ERR_DB, _("the recorded changes of this import cannot be read"));
	} else if (rc != SQLITE_DONE) {
		return gn_db_fail(db, err, "import_undo");
	}
	return GN_OK;
}

gn_status gn_import_undo(gn_ctx *ctx, long id, gn_undo_block **blocks, size_t *n_blocks, gn_err *err)
{
	*blocks = NULL;
	*n_blocks = 0;
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	sqlite3 *db = ctx->db;
	if ((st = gn_db_begin(db, err)) != GN_OK)
		return st;
	sqlite3_stmt *q = NULL, *pq = NULL, *wq = NULL;
	const void *pcs = NULL, *wcs = NULL;
	int pn = 0, wn = 0;
	char source[256] = "";
	long added = 0, updated = 0;
	undo_run u = { .db = db };
	if (sqlite3_prepare_v2(db, "SELECT undone_at, coalesce(source, ''), added, updated, "
	                       "EXISTS (SELECT 1 FROM import_undo_part WHERE import_id = ?1) FROM import_undo "
	                       "WHERE id = ?1", -1, &q, NULL) != SQLITE_OK) {
		st = gn_db_fail(db, err, "import_undo");
	} else {
		sqlite3_bind_int64(q, 1, id);
		int rc = sqlite3_step(q);
		if (rc == SQLITE_DONE)
			st = gn_fail(err, GN_ERR_NOT_FOUND, _("there is no import number %ld (gonha import history lists them)"), id);
		else if (rc != SQLITE_ROW)
			st = gn_db_fail(db, err, "import_undo");
		else if (sqlite3_column_type(q, 0) != SQLITE_NULL)
			st = gn_fail(err, GN_ERR_INVALID, _("import %ld was already undone on %s"), id,
			             (const char *)sqlite3_column_text(q, 0));
		else if (!sqlite3_column_int(q, 4))
			st = gn_fail(err, GN_ERR_INVALID, _("import %ld can no longer be undone: only the last %d imports keep "
			                                    "their changes (restore a snapshot from before it instead)"),
			             id, UNDO_KEPT);
		if (st == GN_OK) {
			gn_db_col_copy(q, 1, source, sizeof source);
			added = sqlite3_column_int64(q, 2);
			updated = sqlite3_column_int64(q, 3);
		}
	}
	sqlite3_finalize(q);
	q = NULL;
	if (st == GN_OK)
		st = read_part(db, id, "person", &pq, &pn, &pcs, err);
	if (st == GN_OK)
		st = read_part(db, id, "ward", &wq, &wn, &wcs, err);
	/* persons go before the households they were in; the keys are checked
	 * at the end */
	if (st == GN_OK)
		st = gn_db_exec(db, "PRAGMA defer_foreign_keys = ON", err);
	if (st == GN_OK)
		st = undo_persons(db, pn, (void *)pcs, &u, err);
	if (st == GN_OK && wn && sqlite3changeset_apply_v2(db, wn, (void *)wcs, but_person, on_conflict, &u, NULL, NULL,
	                                                   SQLITE_CHANGESETAPPLY_INVERT) != SQLITE_OK)
		st = u.nomem ? gn_fail(err, GN_ERR_NOMEM, _("out of memory")) : gn_db_fail(db, err, "import_undo");
	sqlite3_finalize(pq);
	sqlite3_finalize(wq);
	if (st == GN_OK && u.n) {
		label_blocks(db, u.blocks, u.n);
		st = gn_fail(err, GN_ERR_CONFLICT, ngettext("import %ld cannot be undone: %zu record was changed after it "
		                                            "(nothing was changed)",
		                                            "import %ld cannot be undone: %zu records were changed after it "
		                                            "(nothing was changed)", (unsigned long)u.n),
		             id, u.n);
	}
	/* done: its changes are not kept (they hold people's rows) */
	if (st == GN_OK) {
		char now[32];
		gn_now_iso(now);
		if (sqlite3_prepare_v2(db, "UPDATE import_undo SET undone_at = ?2, undone_by = ?3 WHERE id = ?1", -1, &q,
		                       NULL) != SQLITE_OK) {
			st = gn_db_fail(db, err, "import_undo");
		} else {
			sqlite3_bind_int64(q, 1, id);
			sqlite3_bind_text(q, 2, now, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 3, ctx->user.login, -1, SQLITE_STATIC);
			if (sqlite3_step(q) != SQLITE_DONE)
				st = gn_db_fail(db, err, "import_undo");
		}
		sqlite3_finalize(q);
		q = NULL;
	}
	if (st == GN_OK && (sqlite3_prepare_v2(db, "DELETE FROM import_undo_part WHERE import_id = ?1", -1, &q, NULL) !=
	                        SQLITE_OK ||
	                    sqlite3_bind_int64(q, 1, id) != SQLITE_OK || sqlite3_step(q) != SQLITE_DONE))
		st = gn_db_fail(db, err, "import_undo");
	sqlite3_finalize(q);
	if (st == GN_OK) {
		gn_strbuf b = { 0 };
		char rid[24];
		snprintf(rid, sizeof rid, "%ld", id);
		gn_sb_add(&b, "{\"file\":");
		gn_sb_json_str(&b, source);
		gn_sb_printf(&b, ",\"import\":%ld,\"added\":%ld,\"updated\":%ld}", id, added, updated);
		st = gn_audit(ctx, "import_undo", "import", rid, NULL, gn_sb_str(&b), err);
		gn_sb_free(&b);
	}
	if (st == GN_OK)
		st = gn_db_commit(db, err);
	else
		gn_db_rollback(db);
	if (st == GN_ERR_CONFLICT) {
		*blocks = u.blocks;
		*n_blocks = u.n;
	} else {
		free(u.blocks);
	}
	return st;
}
