/* Undo of an import (issue 13): what each import changed is recorded in
 * the import's own transaction; gonha import undo N puts it back. A record
 * changed since by anyone blocks it: then nothing is changed and every
 * record that blocks it is listed.
 *
 * The keyed tables (household, merge_conflict, tdp) are recorded by SQLite's
 * session extension on the ward and kept as a changeset in
 * import_undo_part ('ward'); the undo applies its inverse. person has no
 * PRIMARY KEY since migration 7 (a bulk load builds its unique index by
 * sorting), which SQLite 3.40's sessions skip, and it is where a merge's
 * work is: its rows are kept set-based in import_undo_person (migration
 * 20), each person the import changes or removes as it found it (one
 * INSERT ... SELECT of the stored row, in the statement before the
 * change), each person it adds by its id only (one INSERT ... SELECT of
 * the rows past the last rowid it found), and the digest of each row as it
 * left it (gn_row_digest), which the undo compares with the row as it is.
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

/* changesets kept: the newest imports' (older ones can no longer be undone) */
#define UNDO_KEPT 20

/* import ?1 still holds what it changed */
#define UNDO_HELD(id) "(EXISTS (SELECT 1 FROM import_undo_part WHERE import_id = " id ") OR " \
	"EXISTS (SELECT 1 FROM import_undo_person WHERE import_id = " id "))"

/* person's column names, quoted, in order */
static gn_status column_names(sqlite3 *db, char ***out, int *n, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	char **names = NULL;
	*n = 0;
	gn_status st = GN_OK;
	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('person', 'main') ORDER BY cid", -1, &q, NULL) !=
	    SQLITE_OK)
		return gn_db_fail(db, err, "person");
	while (st == GN_OK && sqlite3_step(q) == SQLITE_ROW) {
		char **more = realloc(names, (size_t)(*n + 1) * sizeof *more);
		if (more)
			names = more;
		if (!more || !(names[*n] = sqlite3_mprintf("\"%w\"", (const char *)sqlite3_column_text(q, 0))))
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		else
			(*n)++;
	}
	sqlite3_finalize(q);
	*out = names;
	return st;
}

static void free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		sqlite3_free(names[i]);
	free(names);
}

/* person's columns in order, quoted, each after prefix ("a", "b", ... or
 * p."a", ...); n: how many */
static gn_status person_columns(sqlite3 *db, const char *prefix, gn_strbuf *cols, int *n, gn_err *err)
{
	char **names = NULL;
	gn_status st = column_names(db, &names, n, err);
	for (int i = 0; st == GN_OK && i < *n; i++)
		gn_sb_printf(cols, "%s%s%s", i ? ", " : "", prefix, names[i]);
	if (st == GN_OK && cols->failed)
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	free_names(names, *n);
	return st;
}

/* A person the import is about to change: its row as it is now, the first
 * time (the merge's edits, in write_record; a trigger costs three times
 * as much, firing for the version token's and the bits' updates too).
 * A person the import added itself is not kept: its id is enough. */
bool imp_undo_keep(importer *im, const char *person_id)
{
	if (!im->undo)
		return true;
	if (!im->undo_keep) {
		char *sql = sqlite3_mprintf("INSERT INTO main.import_undo_person(import_id, added, %s) SELECT ?2, 0, %s "
		                            "FROM main.person WHERE id = ?1 AND rowid <= ?3", im->undo_cols, im->undo_cols);
		gn_status st = sql ? imp_prepare(im, &im->undo_keep, sql) : GN_ERR_NOMEM;
		sqlite3_free(sql);
		if (st != GN_OK) {
			imp_db_error(im, "import_undo");
			return false;
		}
	}
	sqlite3_bind_text(im->undo_keep, 1, person_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(im->undo_keep, 2, im->undo_id);
	sqlite3_bind_int64(im->undo_keep, 3, im->undo_rowid0);
	bool fine = sqlite3_step(im->undo_keep) == SQLITE_DONE;
	sqlite3_reset(im->undo_keep);
	if (!fine)
		imp_db_error(im, "import_undo");
	return fine;
}

/* The temporary trigger goes whatever became of the import (a rolled-back
 * transaction took it with it already), and the session is deleted. */
void imp_undo_end(importer *im)
{
	sqlite3_finalize(im->undo_keep);
	im->undo_keep = NULL;
	sqlite3_free(im->undo_cols);
	im->undo_cols = NULL;
	if (!im->undo)
		return;
	sqlite3session_delete(im->undo);
	im->undo = NULL;
	/* nothing to drop after a rollback */
	sqlite3_exec(im->ctx->db, "DROP TRIGGER IF EXISTS temp.gn_undo_person_delete", NULL, NULL, NULL);
}

/* Recording starts with the import's transaction: its import_undo row
 * (the counts written at the end), the last rowid of person (every rowid
 * after it is a person it added), a trigger for a person it removes. Not
 * for a dry run, and not into a ward with nobody in it: that first load
 * (two million rows at once) is undone by the day's snapshot, see
 * docs/exchange.md. */
void imp_undo_begin(importer *im)
{
	sqlite3 *db = im->ctx->db;
	if (im->opt->dry_run || im->status != GN_OK)
		return;
	sqlite3_stmt *q = NULL;
	bool anyone = false;
	if (sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM person), (SELECT coalesce(max(rowid), 0) FROM person)",
	                       -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
		anyone = sqlite3_column_int(q, 0) != 0;
		im->undo_rowid0 = sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	q = NULL;
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
	char now[32];
	gn_now_iso(now);
	if (sqlite3_prepare_v2(db, "INSERT INTO import_undo(at, by_login, source) VALUES (?1, ?2, ?3)", -1, &q, NULL) !=
	    SQLITE_OK) {
		imp_db_error(im, "import_undo");
		return;
	}
	sqlite3_bind_text(q, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, im->ctx->user.login, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, im->source ? im->source : "", -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		imp_db_error(im, "import_undo");
	im->undo_id = (long)sqlite3_last_insert_rowid(db);
	sqlite3_finalize(q);
	gn_strbuf cols = { 0 }, old = { 0 };
	int n = 0;
	gn_err e = { 0 };
	char *sql = NULL;
	if (im->status == GN_OK && (person_columns(db, "", &cols, &n, &e) != GN_OK ||
	                            person_columns(db, "OLD.", &old, &n, &e) != GN_OK ||
	                            !(im->undo_cols = sqlite3_mprintf("%s", gn_sb_str(&cols))) ||
	                            !(sql = sqlite3_mprintf("CREATE TEMP TRIGGER gn_undo_person_delete BEFORE DELETE ON "
	                                                    "main.person WHEN OLD.rowid <= %lld BEGIN "
	                                                    "INSERT INTO import_undo_person(import_id, added, %s) "
	                                                    "VALUES (%ld, 0, %s); END", im->undo_rowid0, gn_sb_str(&cols),
	                                                    im->undo_id, gn_sb_str(&old))) ||
	                            sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK))
		imp_db_error(im, "import_undo");
	sqlite3_free(sql);
	gn_sb_free(&cols);
	gn_sb_free(&old);
}

static int to_file(void *arg, const void *data, int n)
{
	return fwrite(data, 1, (size_t)n, arg) == (size_t)n ? SQLITE_OK : SQLITE_IOERR;
}

/* The session's changeset into import_undo_part (import, part), never
 * whole in memory: streamed as SQLite makes it to an unnamed temporary
 * file (where SQLite's own temporary files go), then into a blob of its
 * size (a blob cannot be open while the session reads the same
 * connection). */
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

/* person's part, set-based: the ids it added (every rowid past the last
 * it found), one row kept per person (the first: as the import found it),
 * and the digest of each as the import left it (NULL: removed). */
static gn_status store_persons(importer *im, gn_err *err)
{
	sqlite3 *db = im->ctx->db;
	gn_strbuf cols = { 0 };
	int n = 0;
	char *sql = NULL;
	gn_status st = person_columns(db, "p.", &cols, &n, err);
	if (st == GN_OK &&
	    !(sql = sqlite3_mprintf("INSERT INTO main.import_undo_person(import_id, added, id) "
	                            "SELECT %ld, 1, id FROM main.person WHERE rowid > %lld;"
	                            "DELETE FROM main.import_undo_person WHERE import_id = %ld AND added = 0 AND rowid NOT IN "
	                            "(SELECT min(rowid) FROM main.import_undo_person WHERE import_id = %ld GROUP BY id);"
	                            "UPDATE main.import_undo_person SET after = (SELECT gn_row_digest(%s) FROM main.person p "
	                            "WHERE p.id = import_undo_person.id) WHERE import_id = %ld",
	                            im->undo_id, im->undo_rowid0, im->undo_id, im->undo_id, gn_sb_str(&cols), im->undo_id)))
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (st == GN_OK)
		st = gn_db_exec(db, sql, err);
	sqlite3_free(sql);
	gn_sb_free(&cols);
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
	sqlite3_stmt *q = NULL;
	gn_status st = GN_OK;
	long id = im->undo_id;
	/* the import's dirty pages may go to the WAL now: room for the copy */
	sqlite3_exec(db, "PRAGMA cache_size = -4096", NULL, NULL, NULL); /* a hint; put back by settings_back */
	if (sqlite3_prepare_v2(db, "UPDATE import_undo SET kind = ?2, added = ?3, updated = ?4, conflicts = ?5 "
	                       "WHERE id = ?1", -1, &q, NULL) != SQLITE_OK) {
		st = gn_db_fail(db, im->err, "import_undo");
	} else {
		sqlite3_bind_int64(q, 1, id);
		sqlite3_bind_text(q, 2, kinds[im->rep->kind], -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, im->rep->added);
		sqlite3_bind_int64(q, 4, im->rep->updated);
		sqlite3_bind_int64(q, 5, im->rep->conflicts);
		if (sqlite3_step(q) != SQLITE_DONE)
			st = gn_db_fail(db, im->err, "import_undo");
	}
	sqlite3_finalize(q);
	if (st == GN_OK)
		st = store_changeset(db, im->undo, id, "ward", im->err);
	if (st == GN_OK)
		st = store_persons(im, im->err);
	imp_undo_end(im);
	/* nothing changed: nothing to undo */
	char *sql = sqlite3_mprintf("DELETE FROM import_undo WHERE id = %ld AND NOT " UNDO_HELD("%ld") ";"
	                            "DELETE FROM import_undo_part WHERE import_id <= %ld;"
	                            "DELETE FROM import_undo_person WHERE import_id <= %ld",
	                            id, id, id, id - UNDO_KEPT, id - UNDO_KEPT);
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
	                       "undone_at IS NULL AND " UNDO_HELD("import_undo.id") ", "
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

/* One record the undo cannot put back, with why. */
static bool add_block(undo_run *u, const char *table, const char *id, gn_undo_why why)
{
	gn_undo_block *b = realloc(u->blocks, (u->n + 1) * sizeof *b);
	if (!b) {
		u->nomem = true;
		return false;
	}
	u->blocks = b;
	b += u->n++;
	memset(b, 0, sizeof *b);
	b->why = why;
	snprintf(b->table, sizeof b->table, "%s", table ? table : "");
	snprintf(b->id, sizeof b->id, "%s", id ? id : "");
	return true;
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
	gn_undo_why why = kind == SQLITE_CHANGESET_DATA ? GN_UNDO_CHANGED
	                : kind == SQLITE_CHANGESET_NOTFOUND ? GN_UNDO_GONE
	                : kind == SQLITE_CHANGESET_FOREIGN_KEY ? GN_UNDO_NEEDED : GN_UNDO_TAKEN;
	const char *table = NULL;
	char id[40] = "";
	int ncol, op, indirect;
	if (kind != SQLITE_CHANGESET_FOREIGN_KEY && sqlite3changeset_op(it, &table, &ncol, &op, &indirect) == SQLITE_OK)
		change_key(it, id, sizeof id);
	else
		table = NULL;
	if (!add_block(u, table, id, why))
		return SQLITE_CHANGESET_ABORT;
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

/* Are columns a and b of the row q is at the same value (type and bytes)? */
static bool same_value(sqlite3_stmt *q, int a, int b)
{
	int t = sqlite3_column_type(q, a);
	if (t != sqlite3_column_type(q, b))
		return false;
	if (t == SQLITE_NULL)
		return true;
	if (t == SQLITE_INTEGER)
		return sqlite3_column_int64(q, a) == sqlite3_column_int64(q, b);
	if (t == SQLITE_FLOAT)
		return sqlite3_column_double(q, a) == sqlite3_column_double(q, b);
	const void *x = sqlite3_column_blob(q, a), *y = sqlite3_column_blob(q, b);
	int n = sqlite3_column_bytes(q, a);
	return n == sqlite3_column_bytes(q, b) && (n == 0 || memcmp(x, y, (size_t)n) == 0);
}

/* The UPDATEs of the last few sets of columns an undo writes back (an
 * import changes a handful of sets: the smartphone answer here, not there). */
#define UPD_SLOTS 8
#define UPD_COLS 256
typedef struct upd_cache {
	struct { unsigned char mask[UPD_COLS]; sqlite3_stmt *q; } slot[UPD_SLOTS];
	int next;
} upd_cache;

/* The UPDATE of person's columns in mask (?1 the rowid, ?i+2 column i). */
static sqlite3_stmt *update_for(sqlite3 *db, upd_cache *c, const unsigned char *mask, char **names, int n, gn_err *err)
{
	for (int k = 0; k < UPD_SLOTS; k++)
		if (c->slot[k].q && memcmp(mask, c->slot[k].mask, UPD_COLS) == 0)
			return c->slot[k].q;
	int k = c->next;
	c->next = (c->next + 1) % UPD_SLOTS;
	sqlite3_finalize(c->slot[k].q);
	c->slot[k].q = NULL;
	gn_strbuf b = { 0 };
	gn_sb_add(&b, "UPDATE main.person SET ");
	for (int i = 0, w = 0; i < n; i++)
		if (mask[i])
			gn_sb_printf(&b, "%s%s = ?%d", w++ ? ", " : "", names[i], i + 2);
	gn_sb_add(&b, " WHERE rowid = ?1");
	if (b.failed)
		gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	else if (sqlite3_prepare_v2(db, gn_sb_str(&b), -1, &c->slot[k].q, NULL) != SQLITE_OK)
		gn_db_fail(db, err, "person");
	else
		memcpy(c->slot[k].mask, mask, UPD_COLS);
	gn_sb_free(&b);
	return c->slot[k].q;
}

/* person's part of import id, from import_undo_person: each kept row
 * compared (by its digest) with the row as it is, anything changed,
 * removed or taken since gathered in u; the others put back: the persons
 * it added removed, those it removed added again, and of each it changed
 * only the columns that differ (a whole row rewritten moves every one of
 * person's indexes), one statement per set of columns. */
static gn_status undo_persons(sqlite3 *db, long id, undo_run *u, gn_err *err)
{
	gn_strbuf cols = { 0 }, pcols = { 0 }, bcols = { 0 }, ins = { 0 };
	char **names = NULL;
	int n = 0, m = 0;
	upd_cache cache;
	memset(&cache, 0, sizeof cache);
	sqlite3_stmt *q = NULL, *del = NULL, *add = NULL;
	char *sql = NULL;
	gn_status st = column_names(db, &names, &n, err);
	if (st == GN_OK && (n == 0 || n > UPD_COLS))
		st = gn_fail(err, GN_ERR_DB, _("the recorded changes of this import cannot be read"));
	if (st == GN_OK)
		st = person_columns(db, "", &cols, &m, err);
	if (st == GN_OK)
		st = person_columns(db, "p.", &pcols, &m, err);
	if (st == GN_OK)
		st = person_columns(db, "b.", &bcols, &m, err);
	if (st == GN_OK) {
		gn_sb_printf(&ins, "INSERT INTO main.person(%s) VALUES (", gn_sb_str(&cols));
		for (int i = 0; i < n; i++)
			gn_sb_printf(&ins, "%s?%d", i ? ", " : "", i + 1);
		gn_sb_add(&ins, ")");
		/* 0 id, 1 added, 2 removed by the import, 3 its rowid now (NULL:
		 * gone), 4 as the import left it, then the row kept and the row now */
		sql = sqlite3_mprintf("SELECT b.id, b.added, b.added = 0 AND b.after IS NULL, p.rowid, "
		                      "p.rowid IS NOT NULL AND gn_row_digest(%s) IS b.after, %s, %s "
		                      "FROM main.import_undo_person b LEFT JOIN main.person p ON p.id = b.id "
		                      "WHERE b.import_id = ?1 ORDER BY b.rowid",
		                      gn_sb_str(&pcols), gn_sb_str(&bcols), gn_sb_str(&pcols));
		if (!sql || ins.failed)
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	if (st == GN_OK && (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK ||
	                    sqlite3_prepare_v2(db, "DELETE FROM main.person WHERE rowid = ?1", -1, &del, NULL) != SQLITE_OK ||
	                    sqlite3_prepare_v2(db, gn_sb_str(&ins), -1, &add, NULL) != SQLITE_OK))
		st = gn_db_fail(db, err, "import_undo");
	if (st == GN_OK)
		sqlite3_bind_int64(q, 1, id);
	enum { KEPT = 5 };
	int rc = SQLITE_DONE;
	while (st == GN_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *pid = (const char *)sqlite3_column_text(q, 0);
		bool added = sqlite3_column_int(q, 1) != 0, removed = sqlite3_column_int(q, 2) != 0;
		bool here = sqlite3_column_type(q, 3) != SQLITE_NULL, as_left = sqlite3_column_int(q, 4) != 0;
		sqlite3_int64 rowid = sqlite3_column_int64(q, 3);
		gn_undo_why why = removed ? (here ? GN_UNDO_TAKEN : GN_UNDO_NEEDED)
		                : !here ? GN_UNDO_GONE : !as_left ? GN_UNDO_CHANGED : GN_UNDO_NEEDED;
		if (why != GN_UNDO_NEEDED) {
			if (!add_block(u, "person", pid, why))
				st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			continue;
		}
		sqlite3_stmt *w = NULL;
		if (added) {
			w = del;
			sqlite3_bind_int64(w, 1, rowid);
		} else if (removed) {
			w = add;
			for (int i = 0; i < n; i++)
				sqlite3_bind_value(w, i + 1, sqlite3_column_value(q, KEPT + i));
		} else {
			unsigned char mask[UPD_COLS] = { 0 };
			bool any = false;
			for (int i = 0; i < n; i++)
				any |= (mask[i] = !same_value(q, KEPT + i, KEPT + n + i));
			if (!any)
				continue;
			if (!(w = update_for(db, &cache, mask, names, n, err))) {
				st = err->status ? err->status : GN_ERR_DB;
				break;
			}
			sqlite3_bind_int64(w, 1, rowid);
			for (int i = 0; i < n; i++)
				if (mask[i])
					sqlite3_bind_value(w, i + 2, sqlite3_column_value(q, KEPT + i));
		}
		if (sqlite3_step(w) != SQLITE_DONE)
			st = gn_db_fail(db, err, "person");
		sqlite3_reset(w);
		sqlite3_clear_bindings(w);
	}
	if (st == GN_OK && rc != SQLITE_DONE)
		st = gn_db_fail(db, err, "import_undo");
	sqlite3_finalize(q);
	sqlite3_finalize(del);
	sqlite3_finalize(add);
	for (int k = 0; k < UPD_SLOTS; k++)
		sqlite3_finalize(cache.slot[k].q);
	free_names(names, n);
	sqlite3_free(sql);
	gn_sb_free(&cols);
	gn_sb_free(&pcols);
	gn_sb_free(&bcols);
	gn_sb_free(&ins);
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
	sqlite3_stmt *q = NULL, *wq = NULL;
	const void *wcs = NULL;
	int wn = 0;
	char source[256] = "";
	long added = 0, updated = 0;
	undo_run u = { .db = db };
	if (sqlite3_prepare_v2(db, "SELECT undone_at, coalesce(source, ''), added, updated, "
	                       UNDO_HELD("?1") " FROM import_undo "
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
		st = read_part(db, id, "ward", &wq, &wn, &wcs, err);
	/* persons go before the households they were in; the keys are checked
	 * at the end */
	if (st == GN_OK)
		st = gn_db_exec(db, "PRAGMA defer_foreign_keys = ON", err);
	if (st == GN_OK)
		st = undo_persons(db, id, &u, err);
	if (st == GN_OK && wn && sqlite3changeset_apply_v2(db, wn, (void *)wcs, NULL, on_conflict, &u, NULL, NULL,
	                                                   SQLITE_CHANGESETAPPLY_INVERT) != SQLITE_OK)
		st = u.nomem ? gn_fail(err, GN_ERR_NOMEM, _("out of memory")) : gn_db_fail(db, err, "import_undo");
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
	if (st == GN_OK) {
		char *sql = sqlite3_mprintf("DELETE FROM import_undo_part WHERE import_id = %ld; "
		                            "DELETE FROM import_undo_person WHERE import_id = %ld", id, id);
		st = sql ? gn_db_exec(db, sql, err) : gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		sqlite3_free(sql);
	}
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
