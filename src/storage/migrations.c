/* The schema, as a list of migrations. Migration N takes a database from
 * user_version N-1 to N. Never edit a migration that has shipped: add one.
 *
 * Records that travel between PCs (TDPs, households, persons) have UUID
 * keys, a revision counter `rev` (incremented on every local change) and
 * `base_rev`, the revision both sides agreed on when they last met, so a
 * merge can tell "changed here", "changed there" and "changed on both"
 * without trusting anybody's clock. Removed records stay as tombstones
 * (deleted = 1) so that a removal travels too. */
#include "migrations.h"
#include "gonha/storage/db.h"
#include "gonha/storage/search_words.h"
#include "gonha/core/i18n.h"

#include <stdlib.h>
#include <string.h>

static const char *const migration_1 =
	"CREATE TABLE meta ("
	"  key   TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") WITHOUT ROWID;"

	"CREATE TABLE tdp ("
	"  id         TEXT PRIMARY KEY,"
	"  code       TEXT NOT NULL UNIQUE,"
	"  name       TEXT NOT NULL,"
	"  name_key   TEXT NOT NULL,"
	"  sort_order INTEGER NOT NULL,"
	"  rev        INTEGER NOT NULL DEFAULT 1,"
	"  base_rev   INTEGER NOT NULL DEFAULT 0,"
	"  created_at TEXT NOT NULL, created_by TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL"
	");"

	"CREATE TABLE household ("
	"  id           TEXT PRIMARY KEY,"
	"  tdp_id       TEXT NOT NULL REFERENCES tdp(id),"
	"  walk_order   REAL NOT NULL,"           /* position in the walking order */
	"  house_no     TEXT NOT NULL DEFAULT '',"
	"  alley        TEXT NOT NULL DEFAULT '',"
	"  street       TEXT NOT NULL DEFAULT '',"
	"  address_key  TEXT NOT NULL DEFAULT '',"  /* folded 'house alley street' */
	"  visit_status TEXT NOT NULL DEFAULT 'not_visited'"
	"    CHECK (visit_status IN ('not_visited','done','revisit','refused','moved')),"
	"  visit_date   TEXT,"
	"  visited_by   TEXT,"
	"  entered_by   TEXT,"
	"  answers      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers)),"
	"  form_version TEXT,"
	"  deleted      INTEGER NOT NULL DEFAULT 0,"
	"  rev          INTEGER NOT NULL DEFAULT 1,"
	"  base_rev     INTEGER NOT NULL DEFAULT 0,"
	"  created_at TEXT NOT NULL, created_by TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL"
	");"
	"CREATE INDEX household_walk ON household(tdp_id, walk_order);"
	"CREATE INDEX household_address_key ON household(address_key);"

	"CREATE TABLE person ("
	"  id           TEXT PRIMARY KEY,"
	"  household_id TEXT NOT NULL REFERENCES household(id),"
	"  tdp_id       TEXT NOT NULL REFERENCES tdp(id),"  /* = the household's; kept for per-TDP counts */
	"  position     INTEGER NOT NULL DEFAULT 0,"        /* order in the household's roster */
	"  full_name    TEXT NOT NULL,"
	"  name_key     TEXT NOT NULL,"
	"  birth_year   INTEGER,"
	"  sex          TEXT CHECK (sex IN ('male','female')),"
	"  relation     TEXT CHECK (relation IN ('head','spouse','child','parent','grandchild','sibling','other')),"
	"  cccd         TEXT,"
	"  answers      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers)),"
	"  deleted      INTEGER NOT NULL DEFAULT 0,"
	"  rev          INTEGER NOT NULL DEFAULT 1,"
	"  base_rev     INTEGER NOT NULL DEFAULT 0,"
	"  created_at TEXT NOT NULL, created_by TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL"
	");"
	"CREATE INDEX person_household ON person(household_id, position);"
	"CREATE INDEX person_tdp ON person(tdp_id);"
	"CREATE INDEX person_name_key ON person(name_key);"
	"CREATE INDEX person_cccd ON person(cccd) WHERE cccd IS NOT NULL;"

	"CREATE TABLE users ("
	"  id           TEXT PRIMARY KEY,"
	"  login        TEXT NOT NULL UNIQUE,"
	"  display_name TEXT NOT NULL DEFAULT '',"
	"  role         TEXT NOT NULL CHECK (role IN ('ward_officer','tdp_leader','tech_team')),"
	"  pwhash       TEXT NOT NULL,"           /* libsodium crypto_pwhash_str (Argon2id) */
	"  disabled     INTEGER NOT NULL DEFAULT 0,"
	"  failed_count INTEGER NOT NULL DEFAULT 0,"
	"  last_failed_at TEXT,"
	"  created_at TEXT NOT NULL, created_by TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL"
	");"
	"CREATE TABLE user_tdp ("
	"  user_id TEXT NOT NULL REFERENCES users(id),"
	"  tdp_id  TEXT NOT NULL REFERENCES tdp(id),"
	"  PRIMARY KEY (user_id, tdp_id)"
	") WITHOUT ROWID;"

	/* Written in the same transaction as the change it records. `changes`
	 * is a JSON object {field: [old, new]}. */
	"CREATE TABLE audit_log ("
	"  id         INTEGER PRIMARY KEY,"
	"  at         TEXT NOT NULL,"
	"  user_login TEXT NOT NULL,"
	"  action     TEXT NOT NULL,"
	"  table_name TEXT,"
	"  record_id  TEXT,"
	"  tdp_id     TEXT,"
	"  changes    TEXT NOT NULL DEFAULT '{}'"
	");"
	"CREATE INDEX audit_record ON audit_log(record_id);"
	"CREATE INDEX audit_at ON audit_log(at);"

	/* What is being typed, kept so a crash loses at most one field. */
	"CREATE TABLE draft ("
	"  user_login TEXT NOT NULL,"
	"  kind       TEXT NOT NULL,"             /* 'household' */
	"  record_id  TEXT NOT NULL,"
	"  tdp_id     TEXT,"
	"  data       TEXT NOT NULL CHECK (json_valid(data)),"
	"  updated_at TEXT NOT NULL,"
	"  PRIMARY KEY (user_login, kind, record_id)"
	") WITHOUT ROWID;"

	/* Records changed on both sides, both versions kept for a ward officer. */
	"CREATE TABLE merge_conflict ("
	"  id          INTEGER PRIMARY KEY,"
	"  table_name  TEXT NOT NULL,"
	"  record_id   TEXT NOT NULL,"
	"  local_data  TEXT NOT NULL,"
	"  incoming_data TEXT NOT NULL,"
	"  source      TEXT,"
	"  detected_at TEXT NOT NULL,"
	"  resolved_at TEXT,"
	"  resolved_by TEXT"
	");"

	"CREATE TABLE form_version ("
	"  form_id    TEXT NOT NULL,"
	"  version    TEXT NOT NULL,"
	"  applied_at TEXT NOT NULL,"
	"  PRIMARY KEY (form_id, version)"
	") WITHOUT ROWID;";

/* Coverage counters, so screens answer at once on a province-sized file.
 * Households: per-TDP counts by visit outcome, kept by triggers (they work
 * whoever writes, the sqlite3 shell included). Persons: each carries two
 * bitmasks, bit i of ind_pop = "in indicator i's population", of ind_num =
 * "counted in indicator i" (indicator_bit says which indicator bit i is);
 * gonha computes them when it writes a person (the expressions come from
 * forms/, so they cannot live in a trigger), and triggers add them up per
 * TDP. While gonha recomputes every flag at once it sets meta
 * 'counters_paused' and rebuilds the sums itself. */
static const char *const migration_2 =
	"CREATE TABLE tdp_stats ("
	"  tdp_id      TEXT PRIMARY KEY REFERENCES tdp(id),"
	"  listed      INTEGER NOT NULL DEFAULT 0,"
	"  not_visited INTEGER NOT NULL DEFAULT 0,"
	"  done        INTEGER NOT NULL DEFAULT 0,"
	"  revisit     INTEGER NOT NULL DEFAULT 0,"
	"  refused     INTEGER NOT NULL DEFAULT 0,"
	"  moved       INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;"
	"INSERT INTO tdp_stats SELECT id, 0, 0, 0, 0, 0, 0 FROM tdp;"
	"UPDATE tdp_stats SET (listed, not_visited, done, revisit, refused, moved) = ("
	"  SELECT count(*), count(*) FILTER (WHERE visit_status = 'not_visited'),"
	"  count(*) FILTER (WHERE visit_status = 'done'), count(*) FILTER (WHERE visit_status = 'revisit'),"
	"  count(*) FILTER (WHERE visit_status = 'refused'), count(*) FILTER (WHERE visit_status = 'moved')"
	"  FROM household h WHERE h.tdp_id = tdp_stats.tdp_id AND h.deleted = 0);"
	"CREATE TRIGGER tdp_stats_new_tdp AFTER INSERT ON tdp BEGIN"
	"  INSERT OR IGNORE INTO tdp_stats(tdp_id) VALUES (NEW.id);"
	"END;"
	"CREATE TRIGGER household_stats_insert AFTER INSERT ON household WHEN NEW.deleted = 0 BEGIN"
	"  UPDATE tdp_stats SET listed = listed + 1,"
	"    not_visited = not_visited + (NEW.visit_status = 'not_visited'), done = done + (NEW.visit_status = 'done'),"
	"    revisit = revisit + (NEW.visit_status = 'revisit'), refused = refused + (NEW.visit_status = 'refused'),"
	"    moved = moved + (NEW.visit_status = 'moved') WHERE tdp_id = NEW.tdp_id;"
	"END;"
	"CREATE TRIGGER household_stats_update AFTER UPDATE OF tdp_id, visit_status, deleted ON household BEGIN"
	"  UPDATE tdp_stats SET listed = listed - 1,"
	"    not_visited = not_visited - (OLD.visit_status = 'not_visited'), done = done - (OLD.visit_status = 'done'),"
	"    revisit = revisit - (OLD.visit_status = 'revisit'), refused = refused - (OLD.visit_status = 'refused'),"
	"    moved = moved - (OLD.visit_status = 'moved') WHERE tdp_id = OLD.tdp_id AND OLD.deleted = 0;"
	"  UPDATE tdp_stats SET listed = listed + 1,"
	"    not_visited = not_visited + (NEW.visit_status = 'not_visited'), done = done + (NEW.visit_status = 'done'),"
	"    revisit = revisit + (NEW.visit_status = 'revisit'), refused = refused + (NEW.visit_status = 'refused'),"
	"    moved = moved + (NEW.visit_status = 'moved') WHERE tdp_id = NEW.tdp_id AND NEW.deleted = 0;"
	"END;"
	"CREATE TRIGGER household_stats_delete AFTER DELETE ON household WHEN OLD.deleted = 0 BEGIN"
	"  UPDATE tdp_stats SET listed = listed - 1,"
	"    not_visited = not_visited - (OLD.visit_status = 'not_visited'), done = done - (OLD.visit_status = 'done'),"
	"    revisit = revisit - (OLD.visit_status = 'revisit'), refused = refused - (OLD.visit_status = 'refused'),"
	"    moved = moved - (OLD.visit_status = 'moved') WHERE tdp_id = OLD.tdp_id;"
	"END;"
	"CREATE INDEX household_status ON household(tdp_id, visit_status) WHERE deleted = 0;"

	"ALTER TABLE person ADD COLUMN ind_pop INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE person ADD COLUMN ind_num INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE indicator_bit ("
	"  bit  INTEGER PRIMARY KEY CHECK (bit BETWEEN 0 AND 62),"
	"  name TEXT NOT NULL UNIQUE"
	");"
	"CREATE TABLE tdp_indicator ("
	"  tdp_id TEXT NOT NULL REFERENCES tdp(id),"
	"  bit    INTEGER NOT NULL,"
	"  den    INTEGER NOT NULL DEFAULT 0,"
	"  num    INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (tdp_id, bit)"
	") WITHOUT ROWID;"
	"CREATE TRIGGER tdp_indicator_new_tdp AFTER INSERT ON tdp BEGIN"
	"  INSERT OR IGNORE INTO tdp_indicator(tdp_id, bit) SELECT NEW.id, bit FROM indicator_bit;"
	"END;"
	"CREATE TRIGGER person_ind_insert AFTER INSERT ON person"
	"  WHEN NEW.deleted = 0 AND (NEW.ind_pop <> 0 OR NEW.ind_num <> 0)"
	"  AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'counters_paused') BEGIN"
	"  UPDATE tdp_indicator SET den = den + ((NEW.ind_pop >> bit) & 1), num = num + ((NEW.ind_num >> bit) & 1)"
	"    WHERE tdp_id = NEW.tdp_id;"
	"END;"
	"CREATE TRIGGER person_ind_update AFTER UPDATE OF ind_pop, ind_num, deleted, tdp_id ON person"
	"  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'counters_paused') BEGIN"
	"  UPDATE tdp_indicator SET den = den - ((OLD.ind_pop >> bit) & 1), num = num - ((OLD.ind_num >> bit) & 1)"
	"    WHERE tdp_id = OLD.tdp_id AND OLD.deleted = 0;"
	"  UPDATE tdp_indicator SET den = den + ((NEW.ind_pop >> bit) & 1), num = num + ((NEW.ind_num >> bit) & 1)"
	"    WHERE tdp_id = NEW.tdp_id AND NEW.deleted = 0;"
	"END;"
	"CREATE TRIGGER person_ind_delete AFTER DELETE ON person"
	"  WHEN OLD.deleted = 0 AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'counters_paused') BEGIN"
	"  UPDATE tdp_indicator SET den = den - ((OLD.ind_pop >> bit) & 1), num = num - ((OLD.ind_num >> bit) & 1)"
	"    WHERE tdp_id = OLD.tdp_id;"
	"END;";

/* The entry screens: a TDP's people counted from an index alone (the home
 * screen counts them for every TDP on screen), and the people who need
 * help found without reading every answer (the "needs help" filter; the
 * condition must stay word for word the one in household_list.c). */
static const char *const migration_3 =
	"CREATE INDEX person_tdp_live ON person(tdp_id) WHERE deleted = 0;"
	"CREATE INDEX person_needs_help ON person(tdp_id, household_id) WHERE deleted = 0 AND "
	"coalesce(json_extract(answers, '$.needs_help'), '') NOT IN ('', '[]');";


/* Merging files from several PCs (docs/exchange.md). Every household and
 * person carries a version token, new at each change of its content, and
 * base_version, the version it was made from when it last met another PC;
 * version_local says the version was made here since then (so a second
 * local edit keeps the base). Triggers keep them whoever writes. */
static const char *const migration_4 =
	"ALTER TABLE household ADD COLUMN version TEXT;"
	"ALTER TABLE household ADD COLUMN base_version TEXT;"
	"ALTER TABLE household ADD COLUMN version_local INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE person ADD COLUMN version TEXT;"
	"ALTER TABLE person ADD COLUMN base_version TEXT;"
	"ALTER TABLE person ADD COLUMN version_local INTEGER NOT NULL DEFAULT 0;"
	"UPDATE household SET version = lower(hex(randomblob(8)));"
	"UPDATE person SET version = lower(hex(randomblob(8)));"
	"CREATE TRIGGER household_version_new AFTER INSERT ON household WHEN NEW.version IS NULL BEGIN"
	"  UPDATE household SET version = lower(hex(randomblob(8))) WHERE id = NEW.id;"
	"END;"
	"CREATE TRIGGER person_version_new AFTER INSERT ON person WHEN NEW.version IS NULL BEGIN"
	"  UPDATE person SET version = lower(hex(randomblob(8))) WHERE id = NEW.id;"
	"END;"
	"CREATE TRIGGER household_version_change AFTER UPDATE ON household WHEN NEW.version IS OLD.version AND ("
	"  NEW.tdp_id IS NOT OLD.tdp_id OR NEW.walk_order IS NOT OLD.walk_order OR NEW.house_no IS NOT OLD.house_no OR"
	"  NEW.alley IS NOT OLD.alley OR NEW.street IS NOT OLD.street OR NEW.visit_status IS NOT OLD.visit_status OR"
	"  NEW.visit_date IS NOT OLD.visit_date OR NEW.visited_by IS NOT OLD.visited_by OR"
	"  NEW.answers IS NOT OLD.answers OR NEW.deleted IS NOT OLD.deleted) BEGIN"
	"  UPDATE household SET version = lower(hex(randomblob(8))), version_local = 1,"
	"    base_version = CASE WHEN OLD.version_local THEN OLD.base_version ELSE OLD.version END"
	"  WHERE id = NEW.id;"
	"END;"
	"CREATE TRIGGER person_version_change AFTER UPDATE ON person WHEN NEW.version IS OLD.version AND ("
	"  NEW.household_id IS NOT OLD.household_id OR NEW.position IS NOT OLD.position OR"
	"  NEW.full_name IS NOT OLD.full_name OR NEW.birth_year IS NOT OLD.birth_year OR NEW.sex IS NOT OLD.sex OR"
	"  NEW.relation IS NOT OLD.relation OR NEW.cccd IS NOT OLD.cccd OR NEW.answers IS NOT OLD.answers OR"
	"  NEW.deleted IS NOT OLD.deleted) BEGIN"
	"  UPDATE person SET version = lower(hex(randomblob(8))), version_local = 1,"
	"    base_version = CASE WHEN OLD.version_local THEN OLD.base_version ELSE OLD.version END"
	"  WHERE id = NEW.id;"
	"END;"
	"CREATE INDEX merge_conflict_open ON merge_conflict(record_id) WHERE resolved_at IS NULL;";

/* Exports stream a whole ward in walking order (TDP, household, member)
 * straight from indexes, instead of sorting two million rows. */
static const char *const migration_5 =
	"CREATE INDEX tdp_order ON tdp(sort_order);";

/* A TDP's list pages by (walk_order, id) straight from the index: no sort,
 * so the rows skipped by OFFSET are never computed (End on a 1,900-household
 * TDP went from 50 ms to a frame). */
static const char *const migration_6 =
	"DROP INDEX household_walk;"
	"CREATE INDEX household_walk ON household(tdp_id, walk_order, id);";

/* A person's id keeps its uniqueness in an index of its own instead of the
 * PRIMARY KEY's, which SQLite never lets go of: an import into a ward with
 * nobody in it drops every person index, appends the rows and builds the
 * indexes by sorting (two million random ids inserted one by one into a
 * 100 MB B-tree took minutes). The table is rebuilt the way SQLite's ALTER
 * TABLE documentation says, keeping rowids; its other indexes and triggers
 * are created again from the schema as it stands (rebuild_person). */
static const char *const migration_7 =
	"CREATE TABLE person_keyed ("
	"  id TEXT NOT NULL, household_id TEXT NOT NULL REFERENCES household(id),"
	"  tdp_id TEXT NOT NULL REFERENCES tdp(id), position INTEGER NOT NULL DEFAULT 0,"
	"  full_name TEXT NOT NULL, name_key TEXT NOT NULL, birth_year INTEGER,"
	"  sex TEXT CHECK (sex IN ('male','female')),"
	/* not relation IN (...): in a CHECK, SQLite builds a table of the seven
	 * values for every row written (a tenth of a bulk import's work) */
	"  relation TEXT CHECK (relation = 'head' OR relation = 'spouse' OR relation = 'child' OR"
	"    relation = 'parent' OR relation = 'grandchild' OR relation = 'sibling' OR relation = 'other'),"
	"  cccd TEXT, answers TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers)),"
	"  deleted INTEGER NOT NULL DEFAULT 0, rev INTEGER NOT NULL DEFAULT 1, base_rev INTEGER NOT NULL DEFAULT 0,"
	"  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,"
	"  ind_pop INTEGER NOT NULL DEFAULT 0, ind_num INTEGER NOT NULL DEFAULT 0,"
	"  version TEXT, base_version TEXT, version_local INTEGER NOT NULL DEFAULT 0"
	");"
	"INSERT INTO person_keyed(rowid, id, household_id, tdp_id, position, full_name, name_key, birth_year, sex,"
	"  relation, cccd, answers, deleted, rev, base_rev, created_at, created_by, updated_at, updated_by, ind_pop,"
	"  ind_num, version, base_version, version_local)"
	"  SELECT rowid, id, household_id, tdp_id, position, full_name, name_key, birth_year, sex,"
	"  relation, cccd, answers, deleted, rev, base_rev, created_at, created_by, updated_at, updated_by, ind_pop,"
	"  ind_num, version, base_version, version_local FROM person;"
	"DROP TABLE person;"
	"ALTER TABLE person_keyed RENAME TO person;"
	"CREATE UNIQUE INDEX person_id ON person(id);";

/* Version tokens that no spreadsheet reads as a number: an all-digit token
 * came back from Calc as 9.0689548789226E+015, one like 90026665552e3822 as
 * 1.79769313486232E+308. New tokens start with a letter ("v" and 16 hex
 * digits); tokens already made keep their form, since other PCs know them
 * by it (the import still recognises them when a spreadsheet rewrote
 * them). The triggers are the one place tokens are made. */
static const char *const migration_8 =
	"DROP TRIGGER household_version_new;"
	"DROP TRIGGER person_version_new;"
	"DROP TRIGGER household_version_change;"
	"DROP TRIGGER person_version_change;"
	"CREATE TRIGGER household_version_new AFTER INSERT ON household WHEN NEW.version IS NULL BEGIN"
	"  UPDATE household SET version = 'v' || lower(hex(randomblob(8))) WHERE id = NEW.id;"
	"END;"
	"CREATE TRIGGER person_version_new AFTER INSERT ON person WHEN NEW.version IS NULL BEGIN"
	"  UPDATE person SET version = 'v' || lower(hex(randomblob(8))) WHERE id = NEW.id;"
	"END;"
	"CREATE TRIGGER household_version_change AFTER UPDATE ON household WHEN NEW.version IS OLD.version AND ("
	"  NEW.tdp_id IS NOT OLD.tdp_id OR NEW.walk_order IS NOT OLD.walk_order OR NEW.house_no IS NOT OLD.house_no OR"
	"  NEW.alley IS NOT OLD.alley OR NEW.street IS NOT OLD.street OR NEW.visit_status IS NOT OLD.visit_status OR"
	"  NEW.visit_date IS NOT OLD.visit_date OR NEW.visited_by IS NOT OLD.visited_by OR"
	"  NEW.answers IS NOT OLD.answers OR NEW.deleted IS NOT OLD.deleted) BEGIN"
	"  UPDATE household SET version = 'v' || lower(hex(randomblob(8))), version_local = 1,"
	"    base_version = CASE WHEN OLD.version_local THEN OLD.base_version ELSE OLD.version END"
	"  WHERE id = NEW.id;"
	"END;"
	"CREATE TRIGGER person_version_change AFTER UPDATE ON person WHEN NEW.version IS OLD.version AND ("
	"  NEW.household_id IS NOT OLD.household_id OR NEW.position IS NOT OLD.position OR"
	"  NEW.full_name IS NOT OLD.full_name OR NEW.birth_year IS NOT OLD.birth_year OR NEW.sex IS NOT OLD.sex OR"
	"  NEW.relation IS NOT OLD.relation OR NEW.cccd IS NOT OLD.cccd OR NEW.answers IS NOT OLD.answers OR"
	"  NEW.deleted IS NOT OLD.deleted) BEGIN"
	"  UPDATE person SET version = 'v' || lower(hex(randomblob(8))), version_local = 1,"
	"    base_version = CASE WHEN OLD.version_local THEN OLD.base_version ELSE OLD.version END"
	"  WHERE id = NEW.id;"
	"END;";

/* Sign-in throttled by the name tried, account or not: a name that is no
 * account has its own counter, under a keyed hash of the name (people type
 * passwords into that field; the key is in meta). */
static const char *const migration_9 =
	"CREATE TABLE signin_throttle ("
	"  name_mac TEXT PRIMARY KEY,"
	"  failed_count INTEGER NOT NULL DEFAULT 0,"
	"  last_failed_at TEXT"
	") WITHOUT ROWID;";

/* The audit log cannot be changed or emptied by any command: triggers
 * refuse. The one change the law asks for, a person's data erased on
 * request, is let through while the erasure's own transaction holds the
 * meta key audit_erasing (gn_person_erase sets and removes it in the same
 * transaction), and only for that person's entries. */
static const char *const migration_10 =
	"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN"
	"  SELECT RAISE(ABORT, 'the audit log cannot be changed');"
	"END;"
	"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN"
	"  OLD.record_id IS NOT (SELECT value FROM meta WHERE key = 'audit_erasing') OR"
	"  NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.user_login IS NOT OLD.user_login OR"
	"  NEW.action IS NOT OLD.action OR NEW.table_name IS NOT OLD.table_name OR"
	"  NEW.record_id IS NOT OLD.record_id OR NEW.tdp_id IS NOT OLD.tdp_id BEGIN"
	"  SELECT RAISE(ABORT, 'the audit log cannot be changed');"
	"END;";

/* The citizen ID encrypted (storage/vault.h, domain/wardkey.h): the number
 * sealed under the ward key in cccd (the same number, the same text: the
 * column is its own blind index), the masked form in cccd_masked. Until a ward officer signs in and the data is
 * sealed (meta cccd_sealed), the vault is PLAIN: cccd is the number.
 * The ward key itself is never stored: only wrapped, for each account
 * (account_key: the account's key pair, its secret key under a key from
 * the password, the ward key sealed to its public key) and for the
 * recovery code (ward_key). A row's version follows the number, not its
 * ciphertext, and sealing what is stored (meta cccd_sealing) is no change.
 * The audit log lets the sealing pass mask the numbers it holds. */
static const char *const migration_11 =
	"ALTER TABLE person ADD COLUMN cccd_masked TEXT;"
	"UPDATE person SET cccd_masked = gn_cccd_mask(cccd) WHERE cccd IS NOT NULL;"
	/* no query looks a person up by number alone (a search reads its
	 * TDP's people; check groups once), and keys that are random bytes
	 * would scatter every insert of an import over the whole index */
	"DROP INDEX person_cccd;"

	"CREATE TABLE ward_key ("
	"  id            INTEGER PRIMARY KEY CHECK (id = 1),"
	"  check_tag     TEXT NOT NULL,"
	"  recovery_wrap TEXT NOT NULL,"
	"  created_at    TEXT NOT NULL,"
	"  created_by    TEXT NOT NULL"
	");"
	"CREATE TABLE account_key ("
	"  user_id     TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
	"  public_key  TEXT NOT NULL,"
	"  secret_wrap TEXT NOT NULL,"
	"  ward_sealed TEXT,"
	"  updated_at  TEXT NOT NULL"
	") WITHOUT ROWID;"
	"DROP TRIGGER person_version_change;"
	"CREATE TRIGGER person_version_change AFTER UPDATE ON person WHEN NEW.version IS OLD.version AND ("
	"  NEW.household_id IS NOT OLD.household_id OR NEW.position IS NOT OLD.position OR"
	"  NEW.full_name IS NOT OLD.full_name OR NEW.birth_year IS NOT OLD.birth_year OR NEW.sex IS NOT OLD.sex OR"
	"  NEW.relation IS NOT OLD.relation OR"
	"  (NEW.cccd IS NOT OLD.cccd AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'cccd_sealing')) OR"
	"  NEW.answers IS NOT OLD.answers OR NEW.deleted IS NOT OLD.deleted) BEGIN"
	"  UPDATE person SET version = 'v' || lower(hex(randomblob(8))), version_local = 1,"
	"    base_version = CASE WHEN OLD.version_local THEN OLD.base_version ELSE OLD.version END"
	"  WHERE id = NEW.id;"
	"END;"
	"DROP TRIGGER audit_log_no_update;"
	"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN"
	"  (OLD.record_id IS NOT (SELECT value FROM meta WHERE key = 'audit_erasing') AND"
	"   NOT EXISTS (SELECT 1 FROM meta WHERE key = 'cccd_sealing')) OR"
	"  NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.user_login IS NOT OLD.user_login OR"
	"  NEW.action IS NOT OLD.action OR NEW.table_name IS NOT OLD.table_name OR"
	"  NEW.record_id IS NOT OLD.record_id OR NEW.tdp_id IS NOT OLD.tdp_id BEGIN"
	"  SELECT RAISE(ABORT, 'the audit log cannot be changed');"
	"END;";

/* A change counter for the daily snapshot (backup.c): data_changes.n moves
 * with every change of the census and of the accounts, whoever writes (the
 * sqlite3 shell too), so "nothing changed since the last snapshot" is one
 * comparison. SQLite's own file change counter cannot say it: in WAL mode
 * it does not move per transaction. What does not count: the audit log,
 * sign-in tries and their throttle, drafts and the derived coverage sums
 * (a sign-in or an export changes no census data: the next snapshot after
 * a real change carries their rows), and meta. The accounts count only
 * when what they grant changes (not a failed try's count). One row, read
 * and bumped by rowid: about 0.2 us per row written. */
#define GN_COUNT_CHANGES(table, ev, name) \
	"CREATE TRIGGER " table "_changes_" name " AFTER " ev " ON " table " BEGIN" \
	"  UPDATE data_changes SET n = n + 1 WHERE id = 1;" \
	"END;"
#define GN_COUNT_ALL(table) GN_COUNT_CHANGES(table, "INSERT", "insert") \
	GN_COUNT_CHANGES(table, "UPDATE", "update") GN_COUNT_CHANGES(table, "DELETE", "delete")
static const char *const migration_12 =
	"CREATE TABLE data_changes ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  n  INTEGER NOT NULL"
	");"
	"INSERT INTO data_changes(id, n) VALUES (1, 0);"
	GN_COUNT_ALL("tdp") GN_COUNT_ALL("household") GN_COUNT_ALL("person") GN_COUNT_ALL("user_tdp")
	GN_COUNT_ALL("merge_conflict") GN_COUNT_ALL("form_version")
	GN_COUNT_CHANGES("users", "INSERT", "insert") GN_COUNT_CHANGES("users", "DELETE", "delete")
	"CREATE TRIGGER users_changes_update AFTER UPDATE OF login, display_name, role, pwhash, disabled ON users BEGIN"
	"  UPDATE data_changes SET n = n + 1 WHERE id = 1;"
	"END;";
#undef GN_COUNT_ALL
#undef GN_COUNT_CHANGES

/* The TDP screen's keys from indexes alone (issue 13). A TDP's list
 * (ui_tdp.c, gonha list) pages in walking order over the households not
 * removed, filtered by their visit or searched by address: all of it in
 * household_walk_live, so the rows stepped over by OFFSET, the visit
 * filters and the address half of a search read no household row (End
 * cold at 200 k: 22 ms with household_walk, which needs each row for
 * `deleted`, 1 ms with this one; household_walk stays, exports and merges
 * walk the removed ones too). The name half of a search reads every
 * person of the TDP at each key typed: person_search holds what it
 * compares (a whole CCCD, twelve digits, is compared on the rows). */
static const char *const migration_13 =
	"CREATE INDEX household_walk_live ON household(tdp_id, walk_order, id, visit_status, address_key) "
	"WHERE deleted = 0;"
	"CREATE INDEX person_search ON person(tdp_id, name_key, cccd_masked, household_id) WHERE deleted = 0;";

/* Who entered what, and when (issue 16). Each record's times say which PC
 * they were taken on: created_pc / updated_pc are NULL when it was this PC
 * (the meta pc_id, gn_db_pc_id) and another PC's id when the time came
 * from there (an import keeps the file's; '' when the file did not say).
 * A local edit of a record whose last change came from elsewhere makes its
 * updated_pc this PC's again (the trigger), unless an import is writing
 * the file's stamps (meta pc_stamps_from_file, set and removed in the
 * import's transaction). A household's entry is the save that first
 * recorded its visit: entered_by (already a column), entered_at,
 * entered_pc, entry_seconds (form open to save). entry_time keeps every
 * save of a household form on this PC (who, opened, saved, seconds, first
 * entry or a correction of a saved record): the operator figures.
 * household_review: approvals and send-backs, records of their own,
 * append-only, travelling with the households export by their own id. */
static const char *const migration_14 =
	"ALTER TABLE household ADD COLUMN created_pc TEXT;"
	"ALTER TABLE household ADD COLUMN updated_pc TEXT;"
	"ALTER TABLE household ADD COLUMN entered_at TEXT;"
	"ALTER TABLE household ADD COLUMN entered_pc TEXT;"
	"ALTER TABLE household ADD COLUMN entry_seconds INTEGER;"
	"ALTER TABLE person ADD COLUMN created_pc TEXT;"
	"ALTER TABLE person ADD COLUMN updated_pc TEXT;"
	"UPDATE household SET entered_at = created_at WHERE entered_by IS NOT NULL AND visit_status <> 'not_visited';"
	"CREATE TRIGGER household_pc_local AFTER UPDATE OF updated_at ON household WHEN NEW.updated_pc IS NOT NULL AND"
	"  NEW.updated_pc IS OLD.updated_pc AND NEW.updated_at IS NOT OLD.updated_at AND"
	"  NOT EXISTS (SELECT 1 FROM meta WHERE key = 'pc_stamps_from_file') BEGIN"
	"  UPDATE household SET updated_pc = NULL WHERE id = NEW.id;"
	"END;"
	"CREATE TRIGGER person_pc_local AFTER UPDATE OF updated_at ON person WHEN NEW.updated_pc IS NOT NULL AND"
	"  NEW.updated_pc IS OLD.updated_pc AND NEW.updated_at IS NOT OLD.updated_at AND"
	"  NOT EXISTS (SELECT 1 FROM meta WHERE key = 'pc_stamps_from_file') BEGIN"
	"  UPDATE person SET updated_pc = NULL WHERE id = NEW.id;"
	"END;"
	"CREATE TABLE entry_time ("
	"  id           INTEGER PRIMARY KEY,"
	"  household_id TEXT NOT NULL,"
	"  tdp_id       TEXT NOT NULL,"
	"  user_login   TEXT NOT NULL,"
	"  opened_at    TEXT NOT NULL,"
	"  saved_at     TEXT NOT NULL,"
	"  seconds      INTEGER,"      /* NULL: when the form was opened is not known */
	"  persons      INTEGER NOT NULL,"
	"  correction   INTEGER NOT NULL"   /* 1: an edit of a household already saved */
	");"
	"CREATE INDEX entry_time_user ON entry_time(user_login, saved_at);"
	"CREATE TABLE household_review ("
	"  id           TEXT NOT NULL UNIQUE,"  /* rowid: the order they were written here */
	"  household_id TEXT NOT NULL,"
	"  tdp_id       TEXT NOT NULL,"
	"  decision     TEXT NOT NULL CHECK (decision IN ('approved','sent_back')),"
	"  reason       TEXT NOT NULL DEFAULT '',"
	"  at           TEXT NOT NULL,"
	"  by_login     TEXT NOT NULL,"
	"  pc           TEXT"  /* NULL: this PC; the PC its time came from */
	");"
	"CREATE INDEX household_review_of ON household_review(household_id, at);"
	"CREATE INDEX household_review_tdp ON household_review(tdp_id, decision);"
	"CREATE TRIGGER household_review_no_update BEFORE UPDATE ON household_review BEGIN"
	"  SELECT RAISE(ABORT, 'reviews cannot be changed');"
	"END;"
	"CREATE TRIGGER household_review_no_delete BEFORE DELETE ON household_review BEGIN"
	"  SELECT RAISE(ABORT, 'reviews cannot be changed');"
	"END;"
	"CREATE TRIGGER household_review_changes AFTER INSERT ON household_review BEGIN"
	"  UPDATE data_changes SET n = n + 1 WHERE id = 1;"
	"END;"
	/* this PC's id from the start (gn_db_pc_id keeps it), so that the
	 * first export and import write nothing and the ids they carry do not
	 * appear later: a random UUID, version 4 */
	"INSERT OR IGNORE INTO meta(key, value) SELECT 'pc_id', lower(printf('%s-%s-4%s-%s%s-%s', hex(randomblob(4)), "
	"  hex(randomblob(2)), substr(hex(randomblob(2)), 2), substr('89ab', 1 + abs(random() % 4), 1), "
	"  substr(hex(randomblob(2)), 2), hex(randomblob(6))));";
/* A person's own settings, per account (docs/accounts.md): heads-down
 * entry's moving on by itself (auto_advance) and what may follow. */
static const char *const migration_15 =
	"CREATE TABLE user_setting ("
	"  user_id TEXT NOT NULL REFERENCES users(id),"
	"  name    TEXT NOT NULL,"
	"  value   TEXT NOT NULL,"
	"  PRIMARY KEY (user_id, name)"
	") WITHOUT ROWID;";

/* The verification pass (issue 16, src/domain/verify.c): a sample of a
 * TDP's households drawn from a recorded seed, re-keyed blind by another
 * person into shadow records kept here, in tables of their own, so that
 * no count, export, merge or list of the census ever reads them. A shadow
 * is the whole household as one JSON object (gn_household_to_json), kept
 * as it is typed (a pass interrupted half-way is resumed from it). Each
 * field compared is a row of verify_field, the differences with who
 * resolved them and how. */
static const char *const migration_16 =
	"CREATE TABLE verify_pass ("
	"  id         TEXT PRIMARY KEY,"
	"  tdp_id     TEXT NOT NULL REFERENCES tdp(id),"
	"  seed       INTEGER NOT NULL,"
	"  percent    INTEGER CHECK (percent IS NULL OR percent BETWEEN 1 AND 100),"
	"  count      INTEGER CHECK (count IS NULL OR count >= 1),"
	"  created_at TEXT NOT NULL, created_by TEXT NOT NULL"
	");"
	"CREATE TABLE verify_item ("
	"  pass_id      TEXT NOT NULL REFERENCES verify_pass(id),"
	"  household_id TEXT NOT NULL REFERENCES household(id),"
	"  operator     TEXT NOT NULL,"  /* households.entered_by when drawn */
	"  verifier     TEXT,"           /* who re-keys it: never the operator */
	"  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','started','done')),"
	"  shadow       TEXT CHECK (shadow IS NULL OR json_valid(shadow)),"
	"  updated_at   TEXT,"
	"  PRIMARY KEY (pass_id, household_id)"
	") WITHOUT ROWID;"
	"CREATE TABLE verify_field ("
	"  id           INTEGER PRIMARY KEY,"
	"  pass_id      TEXT NOT NULL,"
	"  household_id TEXT NOT NULL,"
	"  member       INTEGER NOT NULL,"  /* roster position from 0, -1 the household's own */
	"  field        TEXT NOT NULL,"
	"  kind         TEXT NOT NULL CHECK (kind IN ('column','text','number')),"  /* a column, or an answer's JSON type */
	"  who          TEXT,"              /* the member's name in the first keying */
	"  first        TEXT,"              /* a CCCD sealed as the drafts are (gn_draft_seal) */
	"  second       TEXT,"
	"  differs      INTEGER NOT NULL,"
	"  resolution   TEXT CHECK (resolution IS NULL OR resolution IN ('first','second','corrected')),"
	"  value        TEXT,"              /* the value the record was corrected to */
	"  resolved_by  TEXT, resolved_at TEXT,"
	"  FOREIGN KEY (pass_id, household_id) REFERENCES verify_item(pass_id, household_id)"
	");"
	"CREATE INDEX verify_field_item ON verify_field(pass_id, household_id, member, field);";

/* The past: a dated snapshot of the kept counters (tdp_stats and
 * tdp_indicator) for every TDP whose counters changed that local day, so
 * that `report --as-of DATE` gives the figures as they stood at the end of
 * that day. Triggers (plain SQL, so the sqlite3 shell can still write)
 * note the TDPs touched in coverage_touched; gn_db_commit, in the same
 * transaction, upserts today's row of each (gn_snapshot_flush) and empties
 * it. Indicators by name: the bits are renumbered when the form changes.
 * meta 'snapshots_began': the first day there are snapshots of. */
static const char *const migration_17 =
	"CREATE TABLE coverage_touched (tdp_id TEXT PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TABLE coverage_day_stats ("
	"  tdp_id      TEXT NOT NULL,"
	"  day         TEXT NOT NULL,"
	"  listed      INTEGER NOT NULL,"
	"  not_visited INTEGER NOT NULL,"
	"  done        INTEGER NOT NULL,"
	"  revisit     INTEGER NOT NULL,"
	"  refused     INTEGER NOT NULL,"
	"  moved       INTEGER NOT NULL,"
	"  PRIMARY KEY (tdp_id, day)"
	") WITHOUT ROWID;"
	"CREATE TABLE coverage_day ("
	"  tdp_id    TEXT NOT NULL,"
	"  indicator TEXT NOT NULL,"
	"  day       TEXT NOT NULL,"
	"  numerator   INTEGER NOT NULL,"
	"  denominator INTEGER NOT NULL,"
	"  PRIMARY KEY (tdp_id, day, indicator)"
	") WITHOUT ROWID;"
	/* not INSERT OR IGNORE: an outer statement's conflict clause (an
	 * upsert's, say) overrides a trigger's, and the IGNORE would fail */
	"CREATE TRIGGER tdp_stats_touched_insert AFTER INSERT ON tdp_stats BEGIN"
	"  INSERT INTO coverage_touched(tdp_id) SELECT NEW.tdp_id WHERE NOT EXISTS"
	"    (SELECT 1 FROM coverage_touched WHERE tdp_id = NEW.tdp_id);"
	"END;"
	"CREATE TRIGGER tdp_stats_touched AFTER UPDATE ON tdp_stats BEGIN"
	"  INSERT INTO coverage_touched(tdp_id) SELECT NEW.tdp_id WHERE NOT EXISTS"
	"    (SELECT 1 FROM coverage_touched WHERE tdp_id = NEW.tdp_id);"
	"END;"
	"CREATE TRIGGER tdp_indicator_touched AFTER UPDATE ON tdp_indicator BEGIN"
	"  INSERT INTO coverage_touched(tdp_id) SELECT NEW.tdp_id WHERE NOT EXISTS"
	"    (SELECT 1 FROM coverage_touched WHERE tdp_id = NEW.tdp_id);"
	"END;"
	"INSERT INTO coverage_touched SELECT tdp_id FROM tdp_stats;"
	"INSERT OR REPLACE INTO meta(key, value) VALUES ('snapshots_began', gn_today());";

/* Undo of an import (issue 13, src/interchange/import_undo.c): each
 * import that changed something has a row here, for gonha import history
 * and undo N, and its changesets (SQLite's session extension) in
 * import_undo_part: 'ward' for the keyed tables, 'person' for person's
 * rows; only the newest imports keep them (no part: no longer undoable).
 * bytes: the changeset's length (it is streamed into a blob of SQLite's
 * upper bound). Not counted by data_changes: the rows they record were
 * counted as they changed. */
static const char *const migration_18 =
	"CREATE TABLE import_undo ("
	"  id        INTEGER PRIMARY KEY,"
	"  at        TEXT NOT NULL,"
	"  by_login  TEXT NOT NULL,"
	"  source    TEXT,"
	"  kind      TEXT,"
	"  added     INTEGER NOT NULL DEFAULT 0,"
	"  updated   INTEGER NOT NULL DEFAULT 0,"
	"  conflicts INTEGER NOT NULL DEFAULT 0,"
	"  undone_at TEXT,"
	"  undone_by TEXT"
	");"
	/* a rowid table: the changeset is written with incremental blob I/O */
	"CREATE TABLE import_undo_part ("
	"  id        INTEGER PRIMARY KEY,"
	"  import_id INTEGER NOT NULL REFERENCES import_undo(id),"
	"  part      TEXT NOT NULL CHECK (part IN ('ward', 'person')),"
	"  bytes     INTEGER NOT NULL,"
	"  changeset BLOB NOT NULL,"
	"  UNIQUE (import_id, part)"
	");";

/* The form every record was entered with (issue 16, 17): its id and
 * version, written by every save and import, carried by exports.
 * household.form_version was in the first schema and never written;
 * records from before stay NULL (not known), never guessed. And the form
 * each TDP enters (gonha form use; NULL: gonha's own, census). */
static const char *const migration_19 =
	"ALTER TABLE tdp ADD COLUMN form_id TEXT;"
	"ALTER TABLE household ADD COLUMN form_id TEXT;"
	"ALTER TABLE person ADD COLUMN form_id TEXT;"
	"ALTER TABLE person ADD COLUMN form_version TEXT;";

/* Corrections after save travel (issue 16): the operator figures count
 * entry_time's corrections, which were this PC's alone, so a correction
 * made on a TDP PC was never counted on the ward PC. Each row gets an id
 * of its own (uid) and the PC its time came from (pc, NULL: this PC, as
 * household_review.pc); the households export carries a household's
 * corrections and an import adds those not already here, by uid
 * (src/interchange/import_merge.c, imp_merge_records). */
static const char *const migration_20 =
	"ALTER TABLE entry_time ADD COLUMN uid TEXT;"
	"ALTER TABLE entry_time ADD COLUMN pc TEXT;"
	"UPDATE entry_time SET uid = lower(printf('%s-%s-4%s-%s%s-%s', hex(randomblob(4)), hex(randomblob(2)), "
	"  substr(hex(randomblob(2)), 2), substr('89ab', 1 + abs(random() % 4), 1), substr(hex(randomblob(2)), 2), "
	"  hex(randomblob(6))));"
	"CREATE UNIQUE INDEX entry_time_uid ON entry_time(uid);"
	"CREATE INDEX entry_time_correction ON entry_time(household_id) WHERE correction = 1;";

/* Undo of an import, person's part (issue 13, src/interchange/import_undo.c):
 * instead of a changeset of a keyed copy, each person an import changes or
 * removes is kept here as the import found it, every column of person
 * (added 0), and each person it adds by its id only (added 1); after: the
 * row's digest as the import left it (gn_row_digest of person's columns in
 * order, NULL for a person it removed), which the undo compares with the
 * row as it is. A migration that adds a column to person adds it here too
 * (tests/unit/test_storage.c holds them equal). Imports recorded before
 * with person's rows as a changeset can no longer be undone. */
static const char *const migration_21 =
	"CREATE TABLE import_undo_person AS SELECT 0 AS import_id, 0 AS added, NULL AS after, * FROM person WHERE 0;"
	"CREATE INDEX import_undo_person_of ON import_undo_person(import_id);"
	/* the imports recorded before, with person's rows in a changeset of
	 * the keyed copy: no longer undone (their households alone would be) */
	"DELETE FROM import_undo_part WHERE import_id IN (SELECT import_id FROM import_undo_part WHERE part = 'person');";

/* Search typing from a range of one index (issue 13). The name half of a
 * TDP's search read every entry of person_search for the TDP at each key
 * (about 150 pages at 2 M, 17-19 ms cold for the key that first matches no
 * address); household_word holds each word of each live member's folded
 * name (name_key, gn_text_fold: the one folding rule, split at its single
 * spaces) with the name it is of, keyed (tdp_id, word, household_id,
 * name_key), so that a word typed is one range (word >= w AND word < w ||
 * U+10FFFF) over the households that have it, and the other words typed
 * are looked for in the same member's name on the same entry. A
 * household's CCCDs are there too, as their first three digits (the
 * province of birth, the part a list shows: cccd_masked) with the name ''
 * (which no other word typed is in), so that a query of up to three digits
 * is the same one range. Kept by triggers on person, whoever writes (the
 * sqlite3 shell too: json_each only); an entry leaves when no other live
 * member of the household has that name (that province). What belongs
 * there is said once, in gonha/storage/search_words.h. */
#define GN_WORDS_ADD(row) \
	"INSERT OR IGNORE INTO household_word(tdp_id, word, household_id, name_key) SELECT " row ".tdp_id, value, " \
	row ".household_id, " row ".name_key FROM " GN_NAME_WORDS(row ".name_key") " WHERE value <> '' AND " row \
	".deleted = 0;" \
	"INSERT OR IGNORE INTO household_word(tdp_id, word, household_id, name_key) SELECT " row ".tdp_id, " \
	"substr(" row ".cccd_masked, 1, 3), " row ".household_id, '' WHERE " row ".deleted = 0 AND " row \
	".cccd_masked <> '';"
#define GN_WORDS_DROP \
	"DELETE FROM household_word WHERE tdp_id = OLD.tdp_id AND household_id = OLD.household_id" \
	"  AND name_key = OLD.name_key AND word IN (SELECT value FROM " GN_NAME_WORDS("OLD.name_key") ")" \
	"  AND NOT EXISTS (SELECT 1 FROM person p WHERE p.household_id = OLD.household_id AND p.deleted = 0" \
	"  AND p.id <> OLD.id AND p.tdp_id = OLD.tdp_id AND p.name_key = OLD.name_key);" \
	"DELETE FROM household_word WHERE tdp_id = OLD.tdp_id AND household_id = OLD.household_id AND name_key = ''" \
	"  AND word = substr(OLD.cccd_masked, 1, 3) AND NOT EXISTS (SELECT 1 FROM person p WHERE" \
	"  p.household_id = OLD.household_id AND p.deleted = 0 AND p.id <> OLD.id AND p.tdp_id = OLD.tdp_id" \
	"  AND substr(p.cccd_masked, 1, 3) = substr(OLD.cccd_masked, 1, 3));"
static const char *const migration_22 =
	"CREATE TABLE household_word ("
	"  tdp_id       TEXT NOT NULL,"
	"  word         TEXT NOT NULL,"
	"  household_id TEXT NOT NULL,"
	"  name_key     TEXT NOT NULL,"
	"  PRIMARY KEY (tdp_id, word, household_id, name_key)"
	") WITHOUT ROWID;"
	"INSERT INTO household_word(tdp_id, word, household_id, name_key)"
	"  SELECT * FROM (" GN_SQL_HOUSEHOLD_WORDS ") ORDER BY 1, 2, 3, 4;"
	"CREATE TRIGGER person_words_insert AFTER INSERT ON person WHEN NEW.deleted = 0 BEGIN "
	GN_WORDS_ADD("NEW")
	"END;"
	"CREATE TRIGGER person_words_update AFTER UPDATE OF name_key, cccd_masked, tdp_id, household_id, deleted"
	"  ON person WHEN NEW.name_key IS NOT OLD.name_key OR NEW.cccd_masked IS NOT OLD.cccd_masked"
	"  OR NEW.tdp_id IS NOT OLD.tdp_id OR NEW.household_id IS NOT OLD.household_id"
	"  OR NEW.deleted IS NOT OLD.deleted BEGIN "
	GN_WORDS_DROP
	GN_WORDS_ADD("NEW")
	"END;"
	"CREATE TRIGGER person_words_delete AFTER DELETE ON person BEGIN "
	GN_WORDS_DROP
	"END;";
#undef GN_WORDS_DROP
#undef GN_WORDS_ADD

static gn_status rebuild_person(sqlite3 *db, gn_err *err)
{
	/* the person indexes and triggers as they are, to create again */
	sqlite3_stmt *q = NULL;
	char **saved = NULL;
	size_t n = 0;
	gn_status st = GN_OK;
	if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE tbl_name = 'person' AND sql IS NOT NULL "
	                       "AND type IN ('index', 'trigger') ORDER BY type, name", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, _("reading the schema"));
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		char **more = realloc(saved, (n + 1) * sizeof *more);
		if (more)
			saved = more;
		char *sql = more ? strdup((const char *)sqlite3_column_text(q, 0)) : NULL;
		if (!sql) {
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			break;
		}
		saved[n++] = sql;
	}
	if (st == GN_OK && rc != SQLITE_DONE)
		st = gn_db_fail(db, err, _("reading the schema"));
	sqlite3_finalize(q);
	if (st == GN_OK)
		st = gn_db_exec(db, migration_7, err);
	for (size_t i = 0; i < n; i++) {
		if (st == GN_OK)
			st = gn_db_exec(db, saved[i], err);
		free(saved[i]);
	}
	free(saved);
	return st;
}

/* What lets a sign-in take the account's key as its password check (one
 * Argon2 instead of two, domain/wardkey.c): the hash of the users row's
 * password hash and the key's wrap, as they were when one password
 * matched the first and opened the second. Either changing leaves it
 * behind; NULL until the next sign-in. */
static const char *const migration_23 =
	"ALTER TABLE account_key ADD COLUMN signin_tag TEXT;";

static const char *const migrations[] = {
	NULL, /* version 0: an empty file */
	migration_1,
	migration_2,
	migration_3,
	migration_4,
	migration_5,
	migration_6,
	migration_7,
	migration_8,
	migration_9,
	migration_10,
	migration_11,
	migration_12,
	migration_13,
	migration_14,
	migration_15,
	migration_16,
	migration_17,
	migration_18,
	migration_19,
	migration_20,
	migration_21,
	migration_22,
	migration_23,
};

int gn_migration_count(void)
{
	return (int)(sizeof migrations / sizeof *migrations) - 1;
}

gn_status gn_migration_apply(sqlite3 *db, int version, gn_err *err)
{
	if (version < 1 || version > gn_migration_count())
		return gn_fail(err, GN_ERR_INVALID, _("there is no schema version %d"), version);
	if (migrations[version] == migration_7)
		return rebuild_person(db, err);
	return gn_db_exec(db, migrations[version], err);
}
