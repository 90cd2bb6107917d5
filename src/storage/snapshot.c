#include "gonha/storage/snapshot.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"

#include <stdbool.h>

/* *has: the file has the snapshot tables and a TDP is noted. */
static gn_status pending(sqlite3 *db, bool *has, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	gn_status result = GN_OK;
	*has = false;
	if (sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND "
	                       "name = 'coverage_touched')", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_ROW) {
		result = gn_db_fail(db, err, _("coverage snapshot"));
		goto out;
	}
	bool has_table = sqlite3_column_int(q, 0) != 0;
	sqlite3_finalize(q);
	q = NULL;
	if (!has_table)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM coverage_touched)", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_ROW) {
		result = gn_db_fail(db, err, _("coverage snapshot"));
		goto out;
	}
	*has = sqlite3_column_int(q, 0) != 0;
out:
	sqlite3_finalize(q);
	return result;
}

gn_status gn_snapshot_flush(sqlite3 *db, gn_err *err)
{
	static const char *const steps[] = {
		"INSERT INTO coverage_day_stats(tdp_id, day, listed, not_visited, done, revisit, refused, moved) "
		"SELECT s.tdp_id, ?1, s.listed, s.not_visited, s.done, s.revisit, s.refused, s.moved FROM tdp_stats s "
		"WHERE s.tdp_id IN (SELECT tdp_id FROM coverage_touched) "
		"ON CONFLICT (tdp_id, day) DO UPDATE SET listed = excluded.listed, not_visited = excluded.not_visited, "
		"done = excluded.done, revisit = excluded.revisit, refused = excluded.refused, moved = excluded.moved",
		"INSERT INTO coverage_day(tdp_id, indicator, day, numerator, denominator) "
		"SELECT c.tdp_id, b.name, ?1, c.num, c.den FROM tdp_indicator c JOIN indicator_bit b ON b.bit = c.bit "
		"WHERE c.tdp_id IN (SELECT tdp_id FROM coverage_touched) "
		"ON CONFLICT (tdp_id, day, indicator) DO UPDATE SET numerator = excluded.numerator, "
		"denominator = excluded.denominator",
		"DELETE FROM coverage_touched",
	};
	bool has;
	gn_status st = pending(db, &has, err);
	if (st != GN_OK || !has)
		return st;
	char today[11];
	gn_today_iso(today);
	for (size_t i = 0; i < sizeof steps / sizeof *steps && st == GN_OK; i++) {
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(db, steps[i], -1, &q, NULL) != SQLITE_OK) {
			st = gn_db_fail(db, err, _("coverage snapshot"));
		} else {
			if (sqlite3_bind_parameter_count(q) > 0)
				sqlite3_bind_text(q, 1, today, -1, SQLITE_STATIC);
			if (sqlite3_step(q) != SQLITE_DONE)
				st = gn_db_fail(db, err, _("coverage snapshot"));
		}
		sqlite3_finalize(q);
	}
	return st;
}
