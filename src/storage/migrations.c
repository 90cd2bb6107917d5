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

#include <stddef.h>

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

static const char *const migrations[] = {
	NULL, /* version 0: an empty file */
	migration_1,
};

int gn_migration_count(void)
{
	return (int)(sizeof migrations / sizeof *migrations) - 1;
}

const char *gn_migration_sql(int version)
{
	if (version < 1 || version > gn_migration_count())
		return NULL;
	return migrations[version];
}
