/* Shared fixtures of the unit tests (unit_fixtures.h). */
#include "unit_fixtures.h"
#include "gonha/storage/db.h"
#include "gonha/domain/ward.h"
#include "../src/ui/ui_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void gn_unit_ward(gn_ctx *ctx, int tdps, gn_census *census)
{
	gn_err err = { 0 };
	gn_form_problems problems = { 0 };
	setenv("GONHA_NOW", GN_UNIT_NOW, 1);
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

char *gn_unit_hanoi_clock(const char *now)
{
	char *saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	setenv("TZ", "ICT-7", 1);
	tzset();
	setenv("GONHA_NOW", now, 1);
	return saved;
}

void gn_unit_clock_back(char *saved_tz)
{
	if (saved_tz)
		setenv("TZ", saved_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved_tz);
	setenv("GONHA_NOW", GN_UNIT_NOW, 1);
}

void gn_unit_ward_free(gn_ctx *ctx, gn_census *census)
{
	if (census)
		gn_census_free(census);
	gn_db_close(ctx->db);
	ctx->db = NULL;
}

size_t gn_unit_model_at(uf_model *m, const char *name)
{
	size_t i = m->find(m, name);
	if (i == (size_t)-1)
		fprintf(stderr, "  no field %s\n", name);
	return i;
}

gn_status gn_unit_model_set(uf_model *m, const char *name, const char *value)
{
	gn_err err = { 0 };
	size_t i = gn_unit_model_at(m, name);
	return i == (size_t)-1 ? GN_ERR_INVALID : m->set(m, i, value, &err);
}

bool gn_unit_model_shown(uf_model *m, const char *name)
{
	size_t i = gn_unit_model_at(m, name);
	return i != (size_t)-1 && m->relevant(m, i);
}

gn_status gn_unit_model_check(uf_model *m, const char *name, gn_err *err)
{
	size_t i = gn_unit_model_at(m, name);
	return i == (size_t)-1 ? GN_ERR_INVALID : m->check(m, i, err);
}

long gn_unit_count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long n = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

gn_form *gn_unit_shared_form(sqlite3 *db, const char *name)
{
	const char *s = getenv("GONHA_SHARED");
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/real-forms/%s", s && *s ? s : "../shared", name);
	gn_form *form = NULL;
	gn_form_problems problems = { 0 };
	gn_err err = { 0 };
	if (gn_form_load(dir, db, &form, &problems, &err) != GN_OK)
		fprintf(stderr, "  %s does not load: %s\n", dir, err.msg);
	gn_form_problems_free(&problems);
	return form;
}
