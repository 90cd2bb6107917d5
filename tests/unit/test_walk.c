/* A TDP's walk (household_list.h): a place right after a household,
 * between it and the next; a household moved next to another in one
 * audited change, nobody else renumbered; scope; two at one place. */
#include "testlib.h"
#include "unit_fixtures.h"
#include "gonha/domain/household.h"
#include "gonha/domain/household_list.h"
#include "gonha/domain/users.h"
#include "gonha/domain/ward.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gn_ctx admin;

/* A household of TDP tdp_id numbered no, at place walk (0: the end). */
static void add(const gn_tdp *tdp, const char *no, double walk, char id[37])
{
	gn_household hh;
	gn_err err = { 0 };
	memset(&hh, 0, sizeof hh);
	snprintf(hh.tdp_id, sizeof hh.tdp_id, "%s", tdp->id);
	hh.house_no = strdup(no);
	hh.street = strdup("Lương Ngọc Quyến");
	snprintf(hh.visit_status, sizeof hh.visit_status, "not_visited");
	hh.walk_order = walk;
	if (gn_household_save(&admin, &hh, &err) != GN_OK) {
		fprintf(stderr, "add: %s\n", err.msg);
		exit(2);
	}
	snprintf(id, 37, "%s", hh.id);
	gn_household_free(&hh);
}

/* The house numbers of the TDP in walking order, joined by spaces. */
static const char *walk_of(const gn_tdp *tdp)
{
	static char out[256];
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT group_concat(house_no, ' ') FROM (SELECT house_no FROM household WHERE "
	                          "tdp_id = '%s' AND deleted = 0 ORDER BY walk_order, id)", tdp->id);
	sqlite3_stmt *st = NULL;
	out[0] = '\0';
	if (sqlite3_prepare_v2(admin.db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0))
		snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

static void places_and_moves(void)
{
	gn_unit_ward(&admin, 2, NULL);
	gn_tdp t1, t2;
	gn_err err = { 0 };
	REQUIRE(gn_tdp_find(&admin, "01", &t1, &err) == GN_OK && gn_tdp_find(&admin, "02", &t2, &err) == GN_OK);
	char a[37], b[37], c[37], d[37], other[37];
	add(&t1, "1", 0, a);
	add(&t1, "3", 0, b);
	add(&t1, "5", 0, c);
	add(&t2, "9", 0, other);
	CHECK_STR(walk_of(&t1), "1 3 5");
	/* a place after a household: between it and the next; after the last */
	double w = 0;
	CHECK_OK(gn_hh_walk_after(&admin, t1.id, a, NULL, &w, &e_));
	CHECK(w > 1 && w < 2);
	add(&t1, "1A", w, d);
	CHECK_STR(walk_of(&t1), "1 1A 3 5");
	CHECK_OK(gn_hh_walk_after(&admin, t1.id, c, NULL, &w, &e_));
	CHECK(w == 4);
	CHECK_OK(gn_hh_walk_after(&admin, t1.id, NULL, NULL, &w, &e_));
	CHECK(w > 0 && w < 1); /* before the first */
	CHECK_EQ_INT(gn_hh_walk_after(&admin, t1.id, other, NULL, &w, &err), GN_ERR_INVALID); /* another TDP's */

	/* moved next to another: one row, one audit entry */
	long moves = gn_unit_count(admin.db, "SELECT count(*) FROM audit_log WHERE action = 'move'");
	long revs = gn_unit_count(admin.db, "SELECT sum(rev) FROM household");
	CHECK_OK(gn_hh_move_after(&admin, c, a, &e_));
	CHECK_STR(walk_of(&t1), "1 5 1A 3");
	CHECK_EQ_INT(gn_unit_count(admin.db, "SELECT count(*) FROM audit_log WHERE action = 'move'"), moves + 1);
	CHECK_EQ_INT(gn_unit_count(admin.db, "SELECT sum(rev) FROM household"), revs + 1);
	CHECK_OK(gn_hh_move_next_to(&admin, b, a, true, &e_)); /* before the first: first */
	CHECK_STR(walk_of(&t1), "3 1 5 1A");
	CHECK_OK(gn_hh_move_next_to(&admin, b, d, false, &e_)); /* after the last: last */
	CHECK_STR(walk_of(&t1), "1 5 1A 3");
	CHECK_OK(gn_hh_move_next_to(&admin, c, c, false, &e_)); /* next to itself: stays */
	CHECK_STR(walk_of(&t1), "1 5 1A 3");
	CHECK_EQ_INT(gn_hh_move_after(&admin, a, other, &err), GN_ERR_INVALID);

	/* a TDP leader of 02 cannot move 01's households */
	const char *codes[] = { "02", NULL };
	REQUIRE(gn_user_add(&admin, "hai", "Trần Văn Hai", GN_ROLE_TDP_LEADER, "pw-hai", codes, &err) == GN_OK);
	gn_ctx hai = { .db = admin.db };
	REQUIRE(gn_sign_in(&hai, "hai", "pw-hai", &err) == GN_OK);
	CHECK_EQ_INT(gn_hh_move_after(&hai, a, c, &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_hh_walk_after(&hai, t1.id, a, NULL, &w, &err), GN_ERR_DENIED);
	CHECK_STR(walk_of(&t1), "1 5 1A 3");

	/* two at one place (merged lists): no number between, said, nothing moved */
	REQUIRE(sqlite3_exec(admin.db, "UPDATE household SET walk_order = 7 WHERE house_no IN ('5', '1A')", NULL, NULL,
	                     NULL) == SQLITE_OK);
	const char *first_of_two = strcmp(c, d) < 0 ? c : d;
	CHECK_EQ_INT(gn_hh_move_after(&admin, b, first_of_two, &err), GN_ERR_CONFLICT);
	CHECK(strstr(err.msg, "- or +") != NULL || strstr(err.msg, "- hoặc +") != NULL);
	gn_unit_ward_free(&admin, NULL);
}

GN_TESTS(T(places_and_moves))
