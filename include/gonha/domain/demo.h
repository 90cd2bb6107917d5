/* A deterministic synthetic ward, for trying gonha and for benchmarks:
 * realistic Vietnamese names and addresses by alley, a mix of visit
 * outcomes and answers, consistent CCCDs, and the demo accounts (admin and
 * tdp01, tdp02, ... all with the password "demo"). */
#ifndef GONHA_DEMO_H
#define GONHA_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "gonha/core/status.h"

typedef struct sqlite3 sqlite3;

typedef struct gn_demo_options {
	int tdps;              /* number of TDPs (default 10) */
	int households;        /* households per TDP (default 200) */
	uint64_t seed;         /* same seed, same ward (default 1) */
	const char *ward_name; /* default "Phường Vạn Xuân" */
	/* CCCDs in clear, as a ward made before encryption (the reference of
	 * make bench, and of the tests of sealing such a ward); default false */
	bool plain_ids;
	/* Called now and then with progress (households made so far); may be NULL. */
	void (*progress)(void *arg, long done, long total);
	void *progress_arg;
	/* The form the records were "entered" with (id, version), written on
	 * each; NULL: none (default) */
	const char *form_id, *form_version;
} gn_demo_options;

#define GN_DEMO_PASSWORD "demo"

void gn_demo_defaults(gn_demo_options *opt);

/* Fills a freshly created, empty database (gn_db_open with GN_DB_CREATE).
 * Counts of what was made are returned through the optional pointers. */
gn_status gn_demo_build(sqlite3 *db, const gn_demo_options *opt, long *households,
                        long *persons, gn_err *err);

#endif
