/* Storage: opening, refusing what is not ours, migrations, file modes. */
#include "testlib.h"
#include "unit_fixtures.h"
#include "gonha/storage/db.h"
#include "gonha/storage/schema_ref.h"
#include "gonha/storage/search_words.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char *path_in_tmp(const char *name)
{
	static char buf[512];
	snprintf(buf, sizeof buf, "%s/%s", gn_test_tmpdir(), name);
	return buf;
}

static long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static void create_is_private_and_current(void)
{
	const char *path = path_in_tmp("new.db");
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_db_open(path, GN_DB_CREATE, &db, &err), GN_OK);
	REQUIRE(db);
	struct stat sb;
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	sqlite3_stmt *st = NULL;
	CHECK(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_EQ_INT(sqlite3_column_int(st, 0), gn_db_latest_version());
	sqlite3_finalize(st);
	CHECK(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	CHECK(sqlite3_prepare_v2(db, "PRAGMA foreign_keys", -1, &st, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1);
	sqlite3_finalize(st);
	gn_db_close(db);
	/* Creating over an existing file is refused and leaves it alone. */
	long before = file_size(path);
	CHECK_EQ_INT(gn_db_open(path, GN_DB_CREATE, &db, &err), GN_ERR_CONFLICT);
	CHECK(db == NULL);
	CHECK_EQ_INT(file_size(path), before);
}

static void missing_file_is_an_error(void)
{
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_db_open(path_in_tmp("nope.db"), 0, &db, &err), GN_ERR_IO);
	CHECK(strstr(err.msg, "nope.db") != NULL);
	CHECK(access(path_in_tmp("nope.db"), F_OK) != 0);
	CHECK_EQ_INT(gn_db_open("/nonexistent-dir/x.db", GN_DB_CREATE, &db, &err), GN_ERR_IO);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void other_files_are_refused_unchanged(void)
{
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	const char *text = path_in_tmp("notes.txt");
	write_file(text, "this is not a database, just some notes\n");
	long size = file_size(text);
	CHECK_EQ_INT(gn_db_open(text, 0, &db, &err), GN_ERR_NOT_GONHA);
	CHECK_EQ_INT(file_size(text), size);
	CHECK(access(path_in_tmp("notes.txt-wal"), F_OK) != 0);

	/* An SQLite database of some other program. */
	const char *other = path_in_tmp("other.db");
	sqlite3 *raw = NULL;
	CHECK(sqlite3_open(other, &raw) == SQLITE_OK);
	CHECK(sqlite3_exec(raw, "CREATE TABLE t(x); INSERT INTO t VALUES (1)", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(raw);
	size = file_size(other);
	CHECK_EQ_INT(gn_db_open(other, 0, &db, &err), GN_ERR_NOT_GONHA);
	CHECK_EQ_INT(file_size(other), size);

	const char *empty = path_in_tmp("empty.db");
	write_file(empty, "");
	CHECK_EQ_INT(gn_db_open(empty, 0, &db, &err), GN_ERR_NOT_GONHA);
	CHECK_EQ_INT(file_size(empty), 0);
}

static void newer_schema_is_refused_unchanged(void)
{
	const char *path = path_in_tmp("future.db");
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_db_open(path, GN_DB_CREATE, &db, &err), GN_OK);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", gn_db_latest_version() + 1);
	CHECK_EQ_INT(gn_db_exec(db, sql, &err), GN_OK);
	CHECK_EQ_INT(gn_db_exec(db, "PRAGMA journal_mode = DELETE", &err), GN_OK);
	gn_db_close(db);
	long size = file_size(path);
	CHECK_EQ_INT(gn_db_open(path, 0, &db, &err), GN_ERR_VERSION);
	CHECK(strstr(err.msg, "newer") != NULL);
	CHECK_EQ_INT(file_size(path), size);
}

/* A database made at schema 1 with data in it opens in this gonha with the
 * data intact and the schema brought up to date. */
static void migrates_from_first_version(void)
{
	const char *path = path_in_tmp("old.db");
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK_EQ_INT(gn_db_migrate_to(db, 1, &err), GN_OK);
	CHECK_EQ_INT(gn_db_exec(db,
		"INSERT INTO tdp VALUES ('t1','01','Tổ dân phố 1','to dan pho 1',1,1,0,'2025-01-01T00:00:00Z','admin','2025-01-01T00:00:00Z','admin');"
		"INSERT INTO household(id, tdp_id, walk_order, house_no, created_at, created_by, updated_at, updated_by) "
		"VALUES ('h1','t1',1,'12','x','admin','x','admin');"
		"INSERT INTO person(id, household_id, tdp_id, full_name, name_key, created_at, created_by, updated_at, updated_by) "
		"VALUES ('p1','h1','t1','Nguyễn Văn A','nguyen van a','x','admin','x','admin');", &err), GN_OK);
	sqlite3_close(db);

	CHECK_EQ_INT(gn_db_open(path, 0, &db, &err), GN_OK);
	REQUIRE(db);
	sqlite3_stmt *st = NULL;
	CHECK(sqlite3_prepare_v2(db, "SELECT p.full_name, h.house_no, (SELECT user_version FROM pragma_user_version) "
	                         "FROM person p JOIN household h ON h.id = p.household_id", -1, &st, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "Nguyễn Văn A");
	CHECK_STR((const char *)sqlite3_column_text(st, 1), "12");
	CHECK_EQ_INT(sqlite3_column_int(st, 2), gn_db_latest_version());
	sqlite3_finalize(st);
	/* Migration 7 rebuilt person with its id in an index of its own and
	 * kept the other indexes and triggers (and the rowid). */
	CHECK(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'person' AND name IN "
	                         "('person_id', 'person_household', 'person_needs_help', 'person_ind_insert', "
	                         "'person_version_change')), (SELECT rowid FROM person WHERE id = 'p1')", -1, &st, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_EQ_INT(sqlite3_column_int(st, 0), 5);
	CHECK_EQ_INT(sqlite3_column_int(st, 1), 1);
	sqlite3_finalize(st);
	CHECK(gn_db_exec(db, "INSERT INTO person(id, household_id, tdp_id, full_name, name_key, created_at, created_by, "
	                 "updated_at, updated_by) VALUES ('p1','h1','t1','B','b','x','admin','x','admin')", &err) != GN_OK);
	/* the relation is still one of the seven, or nothing */
	CHECK(gn_db_exec(db, "UPDATE person SET relation = 'cousin' WHERE id = 'p1'", &err) != GN_OK);
	CHECK_EQ_INT(gn_db_exec(db, "UPDATE person SET relation = 'grandchild' WHERE id = 'p1'", &err), GN_OK);
	CHECK_EQ_INT(gn_db_exec(db, "UPDATE person SET relation = NULL WHERE id = 'p1'", &err), GN_OK);
	/* Migration 2 counted the household that was already there. */
	CHECK(sqlite3_prepare_v2(db, "SELECT listed, not_visited FROM tdp_stats WHERE tdp_id = 't1'", -1, &st, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_EQ_INT(sqlite3_column_int(st, 0), 1);
	CHECK_EQ_INT(sqlite3_column_int(st, 1), 1);
	sqlite3_finalize(st);
	gn_db_close(db);
}

static void default_path_rule(void)
{
	char buf[512];
	CHECK_STR(gn_db_resolve_path("given.db", buf, sizeof buf), "given.db");
	setenv("GONHA_DB", "/tmp/env.db", 1);
	CHECK_STR(gn_db_resolve_path(NULL, buf, sizeof buf), "/tmp/env.db");
	unsetenv("GONHA_DB");
	setenv("XDG_DATA_HOME", "/tmp/xdg", 1);
	CHECK_STR(gn_db_resolve_path(NULL, buf, sizeof buf), "/tmp/xdg/gonha/ward.db");
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/to", 1);
	CHECK_STR(gn_db_resolve_path(NULL, buf, sizeof buf), "/home/to/.local/share/gonha/ward.db");
}

static void meta_round_trip(void)
{
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_db_open_memory(&db, &err), GN_OK);
	CHECK_EQ_INT(gn_db_meta_set(db, "ward_name", "Phường Vạn Xuân", &err), GN_OK);
	char *v = gn_db_meta_get(db, "ward_name");
	CHECK_STR(v, "Phường Vạn Xuân");
	free(v);
	CHECK(gn_db_meta_get(db, "absent") == NULL);
	/* the PC id is made once and then kept */
	char first[37], again[37];
	CHECK_EQ_INT(gn_db_pc_id(db, first, &err), GN_OK);
	CHECK_EQ_INT((int)strlen(first), 36);
	CHECK_EQ_INT(gn_db_pc_id(db, again, &err), GN_OK);
	CHECK_STR(again, first);
	gn_db_close(db);
}

/* The undo of an import keeps person's rows whole in import_undo_person
 * (migration 21): it has every column of person, in person's order, after
 * its own three; and gn_row_digest tells a value's type apart. */
static void undo_rows_keep_every_column_of_person(void)
{
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_db_open_memory(&db, &err), GN_OK);
	sqlite3_stmt *q = NULL;
	REQUIRE(sqlite3_prepare_v2(db, "SELECT (SELECT group_concat(name, ',') FROM (SELECT name FROM "
	                           "pragma_table_info('person') ORDER BY cid)), (SELECT group_concat(name, ',') FROM "
	                           "(SELECT name FROM pragma_table_info('import_undo_person') WHERE cid >= 3 ORDER BY cid)), "
	                           "(SELECT group_concat(name, ',') FROM (SELECT name FROM "
	                           "pragma_table_info('import_undo_person') WHERE cid < 3 ORDER BY cid)), "
	                           "gn_row_digest(1, 'a') = gn_row_digest(1, 'a'), gn_row_digest(1) = gn_row_digest('1'), "
	                           "gn_row_digest(NULL) = gn_row_digest(''), gn_row_digest('ab', 'c') = gn_row_digest('a', 'bc'), "
	                           "length(gn_row_digest())", -1, &q, NULL) == SQLITE_OK);
	REQUIRE(sqlite3_step(q) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(q, 1), (const char *)sqlite3_column_text(q, 0));
	CHECK_STR((const char *)sqlite3_column_text(q, 2), "import_id,added,after");
	CHECK_EQ_INT(sqlite3_column_int(q, 3), 1);
	CHECK_EQ_INT(sqlite3_column_int(q, 4), 0);
	CHECK_EQ_INT(sqlite3_column_int(q, 5), 0);
	CHECK_EQ_INT(sqlite3_column_int(q, 6), 0);
	CHECK_EQ_INT(sqlite3_column_int(q, 7), 16);
	sqlite3_finalize(q);
	gn_db_close(db);
}

static char *journal(sqlite3 *db)
{
	static char mode[16];
	sqlite3_stmt *st = NULL;
	mode[0] = '\0';
	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		snprintf(mode, sizeof mode, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return mode;
}

/* A bulk load leaves the WAL only when nobody else has the file open, and
 * the WAL comes back; a database in memory keeps its journal. */
static void bulk_journal_only_when_alone(void)
{
	const char *path = path_in_tmp("bulk.db");
	unlink(path);
	sqlite3 *a = NULL, *b = NULL, *m = NULL;
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_db_open(path, GN_DB_CREATE, &a, &err), GN_OK);
	CHECK_EQ_INT(gn_db_open(path, 0, &b, &err), GN_OK);
	REQUIRE(a && b);
	CHECK(!gn_db_journal_for_bulk(a)); /* b has it open */
	CHECK_STR(journal(a), "wal");
	gn_db_close(b);
	CHECK(gn_db_journal_for_bulk(a));
	CHECK_STR(journal(a), "delete");
	/* while the bulk load writes, another gonha is told so, in words */
	CHECK_EQ_INT(gn_db_exec(a, "BEGIN EXCLUSIVE", &err), GN_OK);
	gn_err busy = { 0 };
	CHECK_EQ_INT(gn_db_open(path, 0, &b, &busy), GN_ERR_BUSY);
	CHECK(b == NULL);
	CHECK(strstr(busy.msg, "another gonha is writing to this file") != NULL);
	CHECK_EQ_INT(gn_db_exec(a, "COMMIT", &err), GN_OK);
	gn_db_journal_wal(a);
	CHECK_STR(journal(a), "wal");
	gn_db_close(a);
	CHECK_EQ_INT(gn_db_open_memory(&m, &err), GN_OK);
	CHECK(!gn_db_journal_for_bulk(m));
	CHECK_STR(journal(m), "memory");
	gn_db_close(m);
}

/* gn_db_begin inside a transaction is a savepoint: its rollback undoes
 * only what came after it, its commit keeps it for the outer transaction
 * to commit or roll back, and only the outer commit ends the transaction. */
static void transactions_nest(void)
{
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_db_open_memory(&db, &err), GN_OK);
	REQUIRE(db);
	CHECK_EQ_INT(gn_db_exec(db, "CREATE TEMP TABLE t(x)", &err), GN_OK);
	/* inner rolled back, outer committed: the outer row only */
	CHECK_EQ_INT(gn_db_begin(db, &err), GN_OK);
	CHECK_EQ_INT(gn_db_exec(db, "INSERT INTO t VALUES (1)", &err), GN_OK);
	CHECK_EQ_INT(gn_db_begin(db, &err), GN_OK);
	CHECK_EQ_INT(gn_db_exec(db, "INSERT INTO t VALUES (2)", &err), GN_OK);
	gn_db_rollback(db);
	CHECK(!sqlite3_get_autocommit(db));
	CHECK_EQ_INT(gn_db_commit(db, &err), GN_OK);
	CHECK(sqlite3_get_autocommit(db));
	CHECK_EQ_INT(gn_unit_count(db, "SELECT group_concat(x) = '1' FROM t"), 1);
	/* inner committed, outer rolled back: nothing */
	CHECK_EQ_INT(gn_db_begin(db, &err), GN_OK);
	CHECK_EQ_INT(gn_db_begin(db, &err), GN_OK);
	CHECK_EQ_INT(gn_db_exec(db, "INSERT INTO t VALUES (3)", &err), GN_OK);
	CHECK_EQ_INT(gn_db_commit(db, &err), GN_OK);
	CHECK(!sqlite3_get_autocommit(db));
	gn_db_rollback(db);
	CHECK(sqlite3_get_autocommit(db));
	CHECK_EQ_INT(gn_unit_count(db, "SELECT count(*) FROM t"), 1);
	/* a transaction SQLite ended by itself leaves no depth behind */
	CHECK_EQ_INT(gn_db_begin(db, &err), GN_OK);
	CHECK_EQ_INT(gn_db_begin(db, &err), GN_OK);
	CHECK_EQ_INT(gn_db_exec(db, "ROLLBACK", &err), GN_OK);
	CHECK_EQ_INT(gn_db_begin(db, &err), GN_OK);
	CHECK_EQ_INT(gn_db_exec(db, "INSERT INTO t VALUES (4)", &err), GN_OK);
	CHECK_EQ_INT(gn_db_commit(db, &err), GN_OK);
	CHECK(sqlite3_get_autocommit(db));
	CHECK_EQ_INT(gn_unit_count(db, "SELECT count(*) FROM t"), 2);
	gn_db_close(db);
}

/* The words of a name are said twice, in SQL for the triggers and in C for
 * the import into an empty ward (search_words.h): the same words, whatever
 * the spaces, quotes, backslashes or control characters in the name. */
static void search_words_split_alike(void)
{
	static const char *const names[] = {
		"Nguyễn Văn An", "  Lê   Thị  Hoa  ", "Trần\tVăn\nBình\r", "O'Brien \"Bob\" back\\slash \\\"",
		"Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Ba", "", "   ", "Đặng", "a  b",
	};
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	REQUIRE(gn_db_open_memory(&db, &err) == GN_OK);
	sqlite3_stmt *q = NULL;
	REQUIRE(sqlite3_prepare_v2(db, "SELECT k, (SELECT coalesce(group_concat(value, '|'), '') FROM "
	                           GN_NAME_WORDS("k") " WHERE value <> '') FROM (SELECT gn_fold(?1) AS k)",
	                           -1, &q, NULL) == SQLITE_OK);
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		sqlite3_bind_text(q, 1, names[i], -1, SQLITE_STATIC);
		REQUIRE(sqlite3_step(q) == SQLITE_ROW);
		const char *key = (const char *)sqlite3_column_text(q, 0), *at = key, *w;
		char joined[256] = "";
		size_t n, used = 0;
		while ((w = gn_name_word_next(&at, &n)) != NULL)
			used += (size_t)snprintf(joined + used, sizeof joined - used, "%s%.*s", used ? "|" : "", (int)n, w);
		CHECK_STR(joined, (const char *)sqlite3_column_text(q, 1));
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
}

/* The schema built into gonha (build/gen/schema_ref.c, what gonha check
 * compares a file with) is exactly what the migrations make today, object
 * by object and in the same order: a stale generated file fails here. */
static void the_built_in_schema_is_the_migrations(void)
{
	sqlite3 *db = NULL;
	gn_err err = { 0 };
	REQUIRE(gn_db_open_memory(&db, &err) == GN_OK);
	sqlite3_stmt *q = NULL;
	REQUIRE(sqlite3_prepare_v2(db, GN_SQL_SCHEMA_OBJECTS, -1, &q, NULL) == SQLITE_OK);
	size_t n = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		REQUIRE(n < gn_schema_reference_count);
		const gn_schema_object *o = &gn_schema_reference[n++];
		CHECK_STR((const char *)sqlite3_column_text(q, 0), o->type);
		CHECK_STR((const char *)sqlite3_column_text(q, 1), o->name);
		CHECK_STR((const char *)sqlite3_column_text(q, 2), o->sql);
	}
	CHECK_EQ_INT((int)n, (int)gn_schema_reference_count);
	/* tables, indexes and triggers are all there (not only the first kind) */
	int kinds = 0;
	for (size_t i = 0; i < gn_schema_reference_count; i++)
		kinds |= strcmp(gn_schema_reference[i].type, "table") == 0     ? 1
		         : strcmp(gn_schema_reference[i].type, "index") == 0   ? 2
		         : strcmp(gn_schema_reference[i].type, "trigger") == 0 ? 4
		                                                               : 0;
	CHECK_EQ_INT(kinds, 7);
	sqlite3_finalize(q);
	gn_db_close(db);
}

GN_TESTS(T(search_words_split_alike), T(the_built_in_schema_is_the_migrations), T(create_is_private_and_current), T(missing_file_is_an_error), T(bulk_journal_only_when_alone),
         T(other_files_are_refused_unchanged), T(newer_schema_is_refused_unchanged),
         T(migrates_from_first_version), T(default_path_rule), T(meta_round_trip), T(transactions_nest),
         T(undo_rows_keep_every_column_of_person))
