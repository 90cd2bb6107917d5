/* Who made each record and when, and on which PC (issue 16), through the
 * real binary: an export carries it, an import into another ward keeps it
 * (households added one by one, persons into a ward with nobody in them
 * by the bulk path), and a file made before these columns still imports,
 * its times said to come from a PC not known. */
#include "e2e_fixtures.h"
#include "testlib.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define run gn_e2e_run
#define sql1 gn_e2e_sql1

/* Who and when of every record, in one string, to compare two wards. */
#define HOUSEHOLDS_WHO "SELECT group_concat(x, ';') FROM (SELECT id || '|' || coalesce(entered_by, '') || '|' || " \
	"coalesce(entered_at, '') || '|' || coalesce(entry_seconds, '') || '|' || created_at || '|' || created_by || '|' || updated_at || '|' || updated_by AS x " \
	"FROM household ORDER BY id)"
#define PERSONS_WHO "SELECT group_concat(x, ';') FROM (SELECT id || '|' || created_at || '|' || created_by || '|' || " \
	"updated_at || '|' || updated_by AS x FROM person ORDER BY id)"

static void an_import_keeps_who_made_each_record(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	/* a's records made, entered and changed by different people at
	 * different times (the demo makes them all at once) */
	sqlite3 *h = NULL;
	REQUIRE(sqlite3_open(gn_e2e_path("a.db"), &h) == SQLITE_OK);
	REQUIRE(sqlite3_exec(h, "UPDATE household SET created_at = '2026-09-01T01:00:00Z', created_by = 'lister', "
	                        "entered_at = CASE WHEN entered_at IS NOT NULL THEN visit_date || 'T03:04:05Z' END, "
	                        "entry_seconds = CASE WHEN entered_at IS NOT NULL THEN length(id) * 7 END;"
	                        "UPDATE person SET created_at = '2026-09-02T01:00:00Z', created_by = 'tdp03'",
	                     NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h1.csv"), 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out p1.csv"), 0);
	char a_pc[64], want[4096];
	snprintf(a_pc, sizeof a_pc, "%s", sql1("a.db", "SELECT value FROM meta WHERE key = 'pc_id'"));
	REQUIRE(strlen(a_pc) == 36);

	CHECK_EQ_INT(run("admin", "--lang vi init --db b.db --ward 'Phường Vạn Xuân' --tdps 3"), 0);
	CHECK_EQ_INT(run("admin", "import h1.csv --db b.db"), 0);
	CHECK_EQ_INT(run("admin", "import p1.csv --db b.db"), 0); /* nobody there: the bulk path */
	char *a_hh = strdup(sql1("a.db", HOUSEHOLDS_WHO)), *a_pp = strdup(sql1("a.db", PERSONS_WHO));
	CHECK(strlen(a_hh) > 36 * 30 && strlen(a_pp) > 36 * 60);
	CHECK_STR(sql1("b.db", HOUSEHOLDS_WHO), a_hh);
	CHECK_STR(sql1("b.db", PERSONS_WHO), a_pp);
	free(a_hh);
	free(a_pp);
	/* not the importing officer's, and each time from a's clock */
	CHECK_STR(sql1("b.db", "SELECT count(*) FROM household WHERE entered_by = 'admin' OR created_by = 'admin'"), "0");
	snprintf(want, sizeof want, "SELECT count(*) FROM household WHERE created_pc IS NOT '%s' OR updated_pc IS NOT '%s' "
	         "OR (entered_at IS NOT NULL AND entered_pc IS NOT '%s')", a_pc, a_pc, a_pc);
	CHECK_STR(sql1("b.db", want), "0");
	snprintf(want, sizeof want, "SELECT count(*) FROM person WHERE created_pc IS NOT '%s' OR updated_pc IS NOT '%s'",
	         a_pc, a_pc);
	CHECK_STR(sql1("b.db", want), "0");
	/* and back on a, they are a's own again */
	CHECK_EQ_INT(run("admin", "export --db b.db --what households --out h2.csv"), 0);
	CHECK(gn_e2e_same_files("h1.csv", "h2.csv"));
	CHECK_EQ_INT(run("admin", "import h2.csv --db a.db"), 0);
	CHECK_STR(sql1("a.db", "SELECT count(*) FROM household WHERE created_pc IS NOT NULL OR updated_pc IS NOT NULL"),
	          "0");
}

/* An export made before the columns of who entered what (its last columns
 * taken away): imported, each visit entered by whoever changed it last,
 * when they did, on a PC not known. */
static void a_file_from_before_still_imports(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h1.csv"), 0);
	gn_csv_table t;
	REQUIRE(gn_csv_read("h1.csv", &t));
	int k = gn_csv_col(&t, "created_at");
	REQUIRE(k > 0 && gn_csv_col(&t, "base_version") == k - 1);
	gn_csv_table old = { .cols = (size_t)k, .rows = t.rows, .n = (size_t)k * t.rows };
	old.cap = old.n;
	old.cells = calloc(old.n, sizeof *old.cells);
	REQUIRE(old.cells);
	for (size_t r = 0; r < t.rows; r++)
		for (int c = 0; c < k; c++)
			old.cells[r * old.cols + (size_t)c] = strdup(gn_csv_cell(&t, r, c));
	gn_csv_write(&old, "old.csv", ',', false, true, true);
	gn_csv_free(&old);
	gn_csv_free(&t);

	CHECK_EQ_INT(run("admin", "--lang vi init --db c.db --ward 'Phường Vạn Xuân' --tdps 3"), 0);
	CHECK_EQ_INT(run("admin", "import old.csv --db c.db"), 0);
	CHECK_STR(sql1("c.db", "SELECT count(*) FROM household"), "36");
	CHECK_STR(sql1("c.db", "SELECT count(*) FROM household WHERE visit_status <> 'not_visited' AND NOT "
	                       "(entered_by = updated_by AND entered_at = updated_at AND entered_pc = '' AND "
	                       "updated_pc = '' AND created_pc = '')"), "0");
	CHECK_STR(sql1("c.db", "SELECT count(*) FROM household WHERE visit_status = 'not_visited' AND "
	                       "entered_at IS NOT NULL"), "0");
	/* a reviews cell gonha did not write refuses the file at its line */
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h3.csv"), 0);
	REQUIRE(gn_csv_read("h3.csv", &t));
	gn_csv_set(&t, 2, gn_csv_col(&t, "reviews"), "[{\"decision\":\"maybe\"}]");
	gn_csv_write(&t, "bad.csv", ',', false, true, true);
	gn_csv_free(&t);
	char *before = strdup(gn_e2e_fingerprint("c.db"));
	CHECK_EQ_INT(run("admin", "import bad.csv --db c.db"), 2);
	CHECK(gn_e2e_has(gn_e2e_err, "bad.csv:3: reviews"));
	CHECK_STR(gn_e2e_fingerprint("c.db"), before);
	free(before);
}

GN_TESTS(T(an_import_keeps_who_made_each_record), T(a_file_from_before_still_imports))
