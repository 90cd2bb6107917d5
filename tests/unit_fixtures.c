/* Shared fixtures of the unit tests (unit_fixtures.h). */
#include "unit_fixtures.h"
#include "gonha/storage/db.h"
#include "gonha/domain/ward.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gn_unit_ward(gn_ctx *ctx, int tdps, gn_census *census)
{
	gn_err err = { 0 };
	gn_form_problems problems = { 0 };
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	memset(ctx, 0, sizeof *ctx);
	if (gn_db_open_memory(&ctx->db, &err) != GN_OK ||
	    gn_ward_init(ctx->db, "Phường Thử", tdps, "admin", "secret1", NULL, &err) != GN_OK ||
	    gn_sign_in(ctx, "admin", "secret1", &err) != GN_OK ||
	    (census && gn_census_load(ctx->db, NULL, census, &problems, &err) != GN_OK)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(2);
	}
	gn_form_problems_free(&problems);
	if (census)
		ctx->coverage = &census->coverage;
}

void gn_unit_ward_free(gn_ctx *ctx, gn_census *census)
{
	if (census)
		gn_census_free(census);
	gn_db_close(ctx->db);
	ctx->db = NULL;
}

long gn_unit_sql_long(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long n = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}
