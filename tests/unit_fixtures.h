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
#define GN_UNIT_NOW "2026-11-20T09:00:00Z"

/* Hà Nội's clock for a test: TZ=ICT-7 (UTC+7, written POSIX-style: no
 * tzdata needed) and GONHA_NOW=now; gn_unit_clock_back puts TZ back as it
 * was (the value gn_unit_hanoi_clock returned) and GONHA_NOW at
 * GN_UNIT_NOW. */
char *gn_unit_hanoi_clock(const char *now);
void gn_unit_clock_back(char *saved_tz);

/* The form screen's model by field name (src/ui/ui_model.h): the index
 * of the field (size_t)-1 and said when there is none; a value set. */
struct uf_model;
size_t gn_unit_model_at(struct uf_model *m, const char *name);
gn_status gn_unit_model_set(struct uf_model *m, const char *name, const char *value);
/* Shown (relevant); checked (required, constraint, type). */
bool gn_unit_model_shown(struct uf_model *m, const char *name);
gn_status gn_unit_model_check(struct uf_model *m, const char *name, gn_err *err);
/* One of the real forms in ../shared/real-forms (or $GONHA_SHARED's),
 * loaded on db; NULL, said, when it does not load (CI has them: a test
 * fails, it does not skip). */
gn_form *gn_unit_shared_form(sqlite3 *db, const char *name);
/* The first column of the first row sql gives, as a number (-1: none). */
long gn_unit_count(sqlite3 *db, const char *sql);

#endif
