/* The plans of the queries a key runs (issue 13): at 2 million persons a
 * plan that walks a TDP's (or the ward's) rows instead of looking up the
 * few it needs costs frames, cold a second and more. The file has no
 * statistics (sqlite_stat1), as here: the plan is the one a ward gets. */
#include "testlib.h"
#include "unit_fixtures.h"
#include "gonha/domain/review.h"
#include "gonha/domain/household_list.h"
#include "gonha/core/strbuf.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* The query plan of sql, one "detail" a line. */
static void plan_of(sqlite3 *db, const char *sql, gn_strbuf *out)
{
	gn_strbuf q = { 0 };
	gn_sb_printf(&q, "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st = NULL;
	REQUIRE(sqlite3_prepare_v2(db, gn_sb_str(&q), -1, &st, NULL) == SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		gn_sb_printf(out, "%s\n", (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	gn_sb_free(&q);
}

/* Home and the dashboard open with every TDP's revisit count: the
 * households sent back by a review are looked up by their ids, never found
 * by reading every household of the TDP (at 2 M: 2.97 s of 760,000
 * households read for 400 TDPs and no review at all). */
static void the_revisit_count_looks_up_the_sent_back_households(void)
{
	gn_ctx ctx;
	gn_unit_ward(&ctx, 2, NULL);
	gn_strbuf plan = { 0 };
	plan_of(ctx.db, "SELECT t.id, " GN_SQL_REVISIT_COUNT("t.id") " FROM tdp t", &plan);
	const char *p = gn_sb_str(&plan);
	CHECK(strstr(p, "household_walk_live") == NULL);
	CHECK(strstr(p, "SEARCH rv_h USING INDEX sqlite_autoindex_household_1 (id=?)") != NULL);
	if (strstr(p, "household_walk_live"))
		fprintf(stderr, "%s", p);
	gn_sb_free(&plan);
	gn_unit_ward_free(&ctx, NULL);
}

/* Search typing: the name half of the page and of the count is one range
 * of household_word (migration 22) for the word typed, never the TDP's
 * every person (at 2 M cold the third letter, "ngu", read the TDP's ~150
 * pages of person_search: 17-19 ms); a second word is looked for in the
 * name on the same entries, no person read; so is a CCCD's start (up to
 * three digits), which read the TDP's person_search too. */
static void search_typing_reads_one_range_of_name_words(void)
{
	gn_ctx ctx;
	gn_unit_ward(&ctx, 2, NULL);
	const char *queries[] = { "ngu", "nguyen van", "Nguyễn", "0", "019" };
	for (size_t q = 0; q < sizeof queries / sizeof *queries; q++)
		for (int count = 0; count <= 1; count++) {
			char *sql = NULL;
			REQUIRE(gn_hh_search_sql(GN_HH_ALL, queries[q], count, &sql) == GN_OK);
			gn_strbuf plan = { 0 };
			plan_of(ctx.db, sql, &plan);
			const char *p = gn_sb_str(&plan);
			CHECK(strstr(p, "SEARCH hw USING PRIMARY KEY (tdp_id=? AND word>? AND word<?)") != NULL);
			CHECK(strstr(p, "SEARCH h USING COVERING INDEX household_walk_live (tdp_id=?)") != NULL ||
			      strstr(p, "SEARCH h USING INDEX household_walk_live (tdp_id=?)") != NULL);
			CHECK(strstr(p, "person_search") == NULL);
			CHECK(strstr(p, "SCAN") == NULL);
			if (count) /* the count reads no person (the page reads its rows' heads) */
				CHECK(strstr(p, " p ") == NULL);
			if (!strstr(p, "SEARCH hw USING PRIMARY KEY") || strstr(p, "person_search") || strstr(p, "SCAN"))
				fprintf(stderr, "%s:\n%s", queries[q], p);
			gn_sb_free(&plan);
			free(sql);
		}
	gn_unit_ward_free(&ctx, NULL);
}

GN_TESTS(T(the_revisit_count_looks_up_the_sent_back_households), T(search_typing_reads_one_range_of_name_words))
