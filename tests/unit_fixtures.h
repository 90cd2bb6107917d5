/* What the unit tests of the domain share: a ward in :memory: SQLite with
 * the ward officer signed in and, where asked, the shipped questionnaire
 * loaded (its indicators handed to the context, as gonha does). */
#ifndef GONHA_TESTS_UNIT_FIXTURES_H
#define GONHA_TESTS_UNIT_FIXTURES_H

#include <stdbool.h>

#include "gonha/domain/session.h"
#include "gonha/forms/census.h"

/* GONHA_NOW fixed at 2026-11-20T09:00:00Z; the ward "Phường Thử" with tdps
 * TDPs; admin (password secret1) signed in; census loaded when not NULL.
 * The test stops (exit 2) if any of it fails. */
void gn_unit_ward(gn_ctx *ctx, int tdps, gn_census *census);
void gn_unit_ward_free(gn_ctx *ctx, gn_census *census);

/* The first column of the first row of a query as a number, -1 none. */
long gn_unit_sql_long(sqlite3 *db, const char *sql);

#endif
