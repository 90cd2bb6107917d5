/* The small demo ward both import fuzz targets start from: 2 TDPs of 5
 * households, in memory, the same every run (a fixed seed and day). */
#ifndef GONHA_FUZZ_WARD_H
#define GONHA_FUZZ_WARD_H

#include "gonha/storage/db.h"
#include "gonha/domain/demo.h"
#include "gonha/core/i18n.h"

#include <stdlib.h>

static sqlite3 *fuzz_demo_ward(void)
{
	gn_err err = { 0 };
	gn_i18n_init("en");
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	gn_demo_options opt;
	gn_demo_defaults(&opt);
	opt.tdps = 2;
	opt.households = 5;
	long hh = 0, persons = 0;
	sqlite3 *db = NULL;
	if (gn_db_open_memory(&db, &err) != GN_OK || gn_demo_build(db, &opt, &hh, &persons, &err) != GN_OK)
		abort();
	return db;
}

#endif
