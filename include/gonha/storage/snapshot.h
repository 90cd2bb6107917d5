/* The coverage counters as they stood each day (docs/coverage.md, "The
 * past"): coverage_day_stats and coverage_day hold, for each TDP, one row a
 * local day its counters changed, the last state of that day. */
#ifndef GONHA_STORAGE_SNAPSHOT_H
#define GONHA_STORAGE_SNAPSHOT_H

#include <sqlite3.h>

#include "gonha/core/status.h"

/* Today's snapshot (gn_today_iso: GONHA_NOW honoured) of every TDP noted in
 * coverage_touched, upserted from tdp_stats and tdp_indicator, then the
 * notes emptied. Inside the caller's transaction (gn_db_commit calls it
 * before COMMIT); nothing to do on a file older than the snapshots. */
gn_status gn_snapshot_flush(sqlite3 *db, gn_err *err);

#endif
