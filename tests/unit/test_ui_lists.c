/* The list screens: the one list widget (cursor, first row drawn, paging
 * by the rows drawn, resizes, short lists, scrolled text), and the domain
 * queries behind the entry screens: households of a TDP a page at a time
 * with head and member count, filters, diacritic-insensitive search over
 * names, addresses and CCCD, moving in the walk, scope, and drafts (a
 * household as JSON and back, kept per user). */
#include "testlib.h"
#include "../../src/ui/ui_list.h"
#include "gonha/domain/answers.h"
#include "gonha/storage/db.h"
#include "gonha/domain/draft.h"
#include "gonha/domain/household.h"
#include "gonha/domain/household_list.h"
#include "gonha/domain/ward.h"

#include <stdlib.h>

/* ---- the list widget ------------------------------------------------------ */

#define NONE ((size_t)-1)

/* A page down shows the rows after the last one drawn, a page up the rows
 * before the first: no row is skipped or shown twice, and the cursor moves
 * by as many rows as are drawn (the copies paged by LINES-8 while drawing
 * LINES-6 rows). */
static void list_pages_by_the_rows_drawn(void)
{
	ui_list l = { 0 };
	ui_list_set_count(&l, 100);
	ui_list_layout(&l, 18);
	CHECK_EQ_INT(ui_list_page(&l), 18);
	ui_list_move(&l, UL_PAGE_DOWN);
	ui_list_layout(&l, 18);
	CHECK_EQ_INT(l.cur, 18);
	CHECK_EQ_INT(l.top, 18);
	ui_list_move(&l, UL_DOWN);
	ui_list_move(&l, UL_PAGE_DOWN);
	ui_list_layout(&l, 18);
	CHECK_EQ_INT(l.cur, 37);
	CHECK_EQ_INT(l.top, 36);
	ui_list_move(&l, UL_PAGE_UP);
	ui_list_layout(&l, 18);
	CHECK_EQ_INT(l.cur, 19);
	CHECK_EQ_INT(l.top, 18);
	/* the last page ends at the last row, the cursor on it */
	for (int i = 0; i < 10; i++) {
		ui_list_move(&l, UL_PAGE_DOWN);
		ui_list_layout(&l, 18);
		CHECK(ui_list_visible(&l, l.cur));
		CHECK(l.top + 18 <= 100);
	}
	CHECK_EQ_INT(l.cur, 99);
	CHECK_EQ_INT(l.top, 82);
	ui_list_move(&l, UL_PAGE_DOWN);
	CHECK_EQ_INT(l.cur, 99);
	CHECK_EQ_INT(l.top, 82);
	ui_list_move(&l, UL_FIRST);
	CHECK_EQ_INT(l.cur, 0);
	CHECK_EQ_INT(l.top, 0);
	ui_list_move(&l, UL_PAGE_UP);
	CHECK_EQ_INT(l.cur, 0);
	CHECK_EQ_INT(l.top, 0);
	ui_list_move(&l, UL_LAST);
	ui_list_layout(&l, 18);
	CHECK_EQ_INT(l.cur, 99);
	CHECK_EQ_INT(l.top, 82);
	/* Down past the last line drawn scrolls by one */
	ui_list_move(&l, UL_FIRST);
	for (int i = 0; i < 18; i++)
		ui_list_move(&l, UL_DOWN);
	ui_list_layout(&l, 18);
	CHECK_EQ_INT(l.cur, 18);
	CHECK_EQ_INT(l.top, 1);
	/* and Up above the first one */
	for (int i = 0; i < 18; i++)
		ui_list_move(&l, UL_UP);
	ui_list_layout(&l, 18);
	CHECK_EQ_INT(l.cur, 0);
	CHECK_EQ_INT(l.top, 0);
}

/* Fewer lines after a resize: the cursor stays on screen and a page is the
 * new number of lines; more lines: no empty line at the bottom while rows
 * above could fill it. */
static void list_survives_a_resize(void)
{
	ui_list l = { 0 };
	ui_list_set_count(&l, 100);
	ui_list_layout(&l, 18);
	ui_list_move(&l, UL_LAST);
	ui_list_layout(&l, 10);
	CHECK_EQ_INT(l.cur, 99);
	CHECK_EQ_INT(l.top, 90);
	ui_list_set_cursor(&l, 50);
	ui_list_layout(&l, 18);
	CHECK_EQ_INT(l.top, 50);
	l.top = 40;                 /* the cursor on the 11th line of 18 */
	ui_list_layout(&l, 5);      /* now five lines */
	CHECK_EQ_INT(l.cur, 50);
	CHECK_EQ_INT(l.top, 46);
	CHECK(ui_list_visible(&l, 50));
	CHECK(!ui_list_visible(&l, 51));
	ui_list_move(&l, UL_PAGE_DOWN);
	CHECK_EQ_INT(l.cur, 55);
	CHECK_EQ_INT(l.top, 51);
	ui_list_layout(&l, 0);      /* no room at all: one row still */
	CHECK(ui_list_visible(&l, l.cur));
	CHECK_EQ_INT(ui_list_page(&l), 1);
	/* a taller window after the end was reached */
	ui_list m = { 0 };
	ui_list_set_count(&m, 30);
	ui_list_layout(&m, 10);
	ui_list_move(&m, UL_LAST);
	ui_list_layout(&m, 10);
	CHECK_EQ_INT(m.top, 20);
	ui_list_layout(&m, 18);
	CHECK_EQ_INT(m.top, 12);
	CHECK_EQ_INT(m.cur, 29);
}

/* A list shorter than a page, an empty one, one that shrinks. */
static void list_shorter_than_a_page(void)
{
	ui_list l = { 0 };
	ui_list_set_count(&l, 5);
	ui_list_layout(&l, 18);
	ui_list_move(&l, UL_PAGE_DOWN);
	CHECK_EQ_INT(l.cur, 4);
	CHECK_EQ_INT(l.top, 0);
	ui_list_move(&l, UL_DOWN);
	CHECK_EQ_INT(l.cur, 4);
	ui_list_move(&l, UL_PAGE_UP);
	CHECK_EQ_INT(l.cur, 0);
	ui_list_move(&l, UL_LAST);
	ui_list_layout(&l, 18);
	CHECK_EQ_INT(l.cur, 4);
	CHECK_EQ_INT(l.top, 0);
	/* a click: the line's row, nothing below the last row */
	CHECK_EQ_INT(ui_list_row_at(&l, 2), 2);
	CHECK_EQ_INT(ui_list_row_at(&l, 5), NONE);
	CHECK_EQ_INT(ui_list_row_at(&l, -1), NONE);
	/* empty */
	ui_list e = { 0 };
	ui_list_layout(&e, 18);
	for (ui_move m = UL_UP; m <= UL_LAST; m++) {
		ui_list_move(&e, m);
		CHECK_EQ_INT(e.cur, 0);
		CHECK_EQ_INT(e.top, 0);
	}
	CHECK(!ui_list_visible(&e, 0));
	CHECK_EQ_INT(ui_list_row_at(&e, 0), NONE);
	/* a long list filtered down to a few: the cursor on the last one left,
	 * all of them drawn */
	ui_list f = { 0 };
	ui_list_set_count(&f, 100);
	ui_list_layout(&f, 18);
	ui_list_set_cursor(&f, 60);
	ui_list_layout(&f, 18);
	ui_list_set_count(&f, 7);
	ui_list_layout(&f, 18);
	CHECK_EQ_INT(f.cur, 6);
	CHECK_EQ_INT(f.top, 0);
	ui_list_set_cursor(&f, 99);
	CHECK_EQ_INT(f.cur, 6);
}

/* A view whose rows do not each take a line (the TDP's alley headings)
 * tells the widget how many it drew: a page is that many, and a click
 * beyond them finds no row. */
static void list_pages_by_what_a_view_drew(void)
{
	ui_list l = { 0 };
	ui_list_set_count(&l, 100);
	ui_list_layout(&l, 18);
	ui_list_drawn(&l, 13);
	CHECK_EQ_INT(ui_list_page(&l), 13);
	CHECK(ui_list_visible(&l, 12));
	CHECK(!ui_list_visible(&l, 13));
	CHECK_EQ_INT(ui_list_row_at(&l, 13), NONE);
	ui_list_move(&l, UL_PAGE_DOWN);
	CHECK_EQ_INT(l.cur, 13);
	CHECK_EQ_INT(l.top, 13);
	/* the next drawing says again */
	ui_list_layout(&l, 18);
	CHECK_EQ_INT(ui_list_page(&l), 18);
	ui_list_drawn(&l, 18);
	CHECK_EQ_INT(ui_list_page(&l), 18);
}

/* Text without a cursor (help, an audit entry's changes): the keys move the
 * text, never past its end. */
static void list_scrolls_text(void)
{
	ui_list l = { .scroll = true };
	ui_list_set_count(&l, 40);
	ui_list_layout(&l, 18);
	for (int i = 0; i < 3; i++)
		ui_list_move(&l, UL_DOWN);
	CHECK_EQ_INT(l.top, 3);
	ui_list_move(&l, UL_LAST);
	CHECK_EQ_INT(l.top, 22);
	ui_list_move(&l, UL_DOWN);
	CHECK_EQ_INT(l.top, 22);
	ui_list_move(&l, UL_PAGE_DOWN);
	CHECK_EQ_INT(l.top, 22);
	ui_list_move(&l, UL_PAGE_UP);
	CHECK_EQ_INT(l.top, 4);
	ui_list_move(&l, UL_PAGE_UP);
	CHECK_EQ_INT(l.top, 0);
	ui_list_move(&l, UL_UP);
	CHECK_EQ_INT(l.top, 0);
	ui_list_move(&l, UL_LAST);
	ui_list_layout(&l, 30);     /* a taller window: the end comes up */
	CHECK_EQ_INT(l.top, 10);
	ui_list s = { .scroll = true };
	ui_list_set_count(&s, 10);
	ui_list_layout(&s, 18);
	ui_list_move(&s, UL_DOWN);
	ui_list_move(&s, UL_PAGE_DOWN);
	CHECK_EQ_INT(s.top, 0);
}

/* ---- the domain queries -------------------------------------------------- */

static gn_ctx ctx;
static gn_tdp tdp1, tdp2;

static void setup(void)
{
	gn_err err = { 0 };
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	memset(&ctx, 0, sizeof ctx);
	if (gn_db_open_memory(&ctx.db, &err) != GN_OK ||
	    gn_ward_init(ctx.db, "Phường Thử", 2, "admin", "secret1", NULL, &err) != GN_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(2);
	}
	const char *codes[] = { "01", NULL };
	gn_user_create(ctx.db, "leader1", "Leader", GN_ROLE_TDP_LEADER, "pw-leader", NULL, codes, "admin", &err);
	gn_sign_in(&ctx, "admin", "secret1", &err);
	gn_tdp_find(&ctx, "01", &tdp1, &err);
	gn_tdp_find(&ctx, "02", &tdp2, &err);
}

static void teardown(void)
{
	gn_db_close(ctx.db);
	ctx.db = NULL;
}

static void add_person(gn_household *hh, const char *name, int year, const char *sex, const char *relation,
                       const char *cccd, const char *answers)
{
	gn_person *p = gn_household_add_member(hh);
	p->full_name = strdup(name);
	p->birth_year = year;
	snprintf(p->sex, sizeof p->sex, "%s", sex);
	snprintf(p->relation, sizeof p->relation, "%s", relation);
	p->cccd = cccd ? strdup(cccd) : NULL;
	p->answers = answers ? strdup(answers) : NULL;
}

/* Saves a household; returns its id in id_out. */
static void household(const char *tdp_id, const char *house, const char *alley, const char *status,
                      const char *head, const char *second, const char *help, char id_out[37])
{
	gn_household hh;
	gn_err err = { 0 };
	memset(&hh, 0, sizeof hh);
	snprintf(hh.tdp_id, sizeof hh.tdp_id, "%s", tdp_id);
	hh.house_no = strdup(house);
	hh.alley = strdup(alley);
	hh.street = strdup("Lương Ngọc Quyến");
	snprintf(hh.visit_status, sizeof hh.visit_status, "%s", status);
	if (strcmp(status, "not_visited") != 0)
		hh.visit_date = strdup("2026-11-18");
	add_person(&hh, head, 1970, "male", "head", NULL, NULL);
	if (second)
		add_person(&hh, second, 1972, "female", "spouse", "019172000111", help);
	if (gn_household_save(&ctx, &hh, &err) != GN_OK)
		fprintf(stderr, "save: %s (%s)\n", err.msg, err.field);
	snprintf(id_out, 37, "%s", hh.id);
	gn_household_free(&hh);
}

static char ids[6][37];

static void fill(void)
{
	household(tdp1.id, "1", "ngõ 45", "done", "Nguyễn Văn An", "Trần Thị Bình", "{\"needs_help\":\"vneid\"}", ids[0]);
	household(tdp1.id, "3", "ngõ 45", "not_visited", "Lê Văn Cường", NULL, NULL, ids[1]);
	household(tdp1.id, "5", "ngõ 47", "revisit", "Phạm Thị Dung", "Nguyễn Thị Hà", "{\"needs_help\":\"\"}", ids[2]);
	household(tdp1.id, "7", "ngõ 47", "done", "Đỗ Văn Đức", NULL, NULL, ids[3]);
	household(tdp2.id, "2", "ngõ 9", "done", "Nguyễn Văn Em", NULL, NULL, ids[4]);
}

static void lists_in_walking_order_with_heads(void)
{
	setup();
	fill();
	gn_hh_row *rows = NULL;
	size_t n = 0, total = 0;
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_hh_list(&ctx, tdp1.id, GN_HH_ALL, NULL, 0, 10, &rows, &n, &err), GN_OK);
	REQUIRE(n == 4);
	CHECK_STR(rows[0].house_no, "1");
	CHECK_STR(rows[0].head_name, "Nguyễn Văn An");
	CHECK_EQ_INT(rows[0].n_members, 2);
	CHECK(rows[0].needs_help);
	CHECK(!rows[2].needs_help); /* an empty needs_help answer is no need */
	CHECK_STR(rows[3].alley, "ngõ 47");
	free(rows);
	/* a page */
	CHECK_EQ_INT(gn_hh_list(&ctx, tdp1.id, GN_HH_ALL, NULL, 1, 2, &rows, &n, &err), GN_OK);
	CHECK_EQ_INT(n, 2);
	if (n == 2) {
		CHECK_STR(rows[0].house_no, "3");
		CHECK_STR(rows[1].house_no, "5");
	}
	free(rows);
	CHECK_EQ_INT(gn_hh_count(&ctx, tdp1.id, GN_HH_NOT_VISITED, NULL, &total, &err), GN_OK);
	CHECK_EQ_INT(total, 1);
	CHECK_EQ_INT(gn_hh_count(&ctx, tdp1.id, GN_HH_REVISIT, NULL, &total, &err), GN_OK);
	CHECK_EQ_INT(total, 1);
	CHECK_EQ_INT(gn_hh_count(&ctx, tdp1.id, GN_HH_NEEDS_HELP, NULL, &total, &err), GN_OK);
	CHECK_EQ_INT(total, 1);
	long people = 0;
	CHECK_EQ_INT(gn_tdp_person_count(&ctx, tdp1.id, &people, &err), GN_OK);
	CHECK_EQ_INT(people, 6);
	teardown();
}

static void search_ignores_diacritics(void)
{
	setup();
	fill();
	gn_hh_row *rows = NULL;
	size_t n = 0, total = 0;
	gn_err err = { 0 };
	/* "nguyen" finds the Nguyễn households of this TDP only, and says which
	 * member matched when it is not the head */
	CHECK_EQ_INT(gn_hh_list(&ctx, tdp1.id, GN_HH_ALL, "nguyen", 0, 10, &rows, &n, &err), GN_OK);
	CHECK_EQ_INT(n, 2);
	if (n == 2) {
		CHECK_STR(rows[0].head_name, "Nguyễn Văn An");
		CHECK_STR(rows[1].match_name, "Nguyễn Thị Hà");
	}
	free(rows);
	/* every word, each the start of a word, typed in NFD with capitals */
	CHECK_EQ_INT(gn_hh_count(&ctx, tdp1.id, GN_HH_ALL, "NGUYE\xcc\x82\xcc\x83N an", &total, &err), GN_OK);
	CHECK_EQ_INT(total, 1);
	CHECK_EQ_INT(gn_hh_count(&ctx, tdp1.id, GN_HH_ALL, "guyen", &total, &err), GN_OK);
	CHECK_EQ_INT(total, 0);
	CHECK_EQ_INT(gn_hh_count(&ctx, tdp1.id, GN_HH_ALL, "duc", &total, &err), GN_OK);
	CHECK_EQ_INT(total, 1);
	/* addresses and CCCD */
	CHECK_EQ_INT(gn_hh_count(&ctx, tdp1.id, GN_HH_ALL, "ngo 47", &total, &err), GN_OK);
	CHECK_EQ_INT(total, 2);
	/* a CCCD is found whole (its blind index) or by its first three digits
	 * (the province, shown in lists); a part of the middle is encrypted */
	CHECK_EQ_INT(gn_hh_count(&ctx, tdp1.id, GN_HH_ALL, "019", &total, &err), GN_OK);
	CHECK_EQ_INT(total, 2);
	CHECK_EQ_INT(gn_hh_count(&ctx, tdp1.id, GN_HH_ALL, "019172", &total, &err), GN_OK);
	CHECK_EQ_INT(total, 0);
	CHECK_EQ_INT(gn_hh_count(&ctx, tdp1.id, GN_HH_ALL, "019172000111", &total, &err), GN_OK);
	CHECK_EQ_INT(total, 2); /* both spouses of this TDP's test data have it */
	CHECK_EQ_INT(gn_hh_count(&ctx, tdp1.id, GN_HH_ALL, "019172000112", &total, &err), GN_OK);
	CHECK_EQ_INT(total, 0);
	/* search and filter together */
	CHECK_EQ_INT(gn_hh_count(&ctx, tdp1.id, GN_HH_REVISIT, "nguyen", &total, &err), GN_OK);
	CHECK_EQ_INT(total, 1);
	size_t pos = 99;
	CHECK_EQ_INT(gn_hh_position(&ctx, tdp1.id, GN_HH_ALL, "nguyen", ids[2], &pos, &err), GN_OK);
	CHECK_EQ_INT(pos, 1);
	CHECK_EQ_INT(gn_hh_position(&ctx, tdp1.id, GN_HH_ALL, "nguyen", ids[1], &pos, &err), GN_ERR_NOT_FOUND);
	teardown();
}

/* The name words a search reads (household_word, migration 22) follow
 * every change of a member, made by gonha or by the sqlite3 shell (plain
 * SQL here): a renamed, removed, deleted or moved member's words leave
 * the household unless another live member's name has them. */
static size_t found(const char *tdp_id, const char *query)
{
	size_t total = 99;
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_hh_count(&ctx, tdp_id, GN_HH_ALL, query, &total, &err), GN_OK);
	return total;
}

static void search_words_follow_every_change(void)
{
	setup();
	fill();
	sqlite3 *db = ctx.db;
	CHECK_EQ_INT(found(tdp1.id, "thi"), 2); /* Bình; Dung and Hà, one household */
	/* Hà removed: her household keeps "thi" (Dung), not "nguyen" */
	CHECK_EQ_INT(sqlite3_exec(db, "UPDATE person SET deleted = 1 WHERE full_name = 'Nguyễn Thị Hà'", NULL, NULL, NULL),
	             SQLITE_OK);
	CHECK_EQ_INT(found(tdp1.id, "thi"), 2);
	CHECK_EQ_INT(found(tdp1.id, "nguyen"), 1);
	/* and back */
	CHECK_EQ_INT(sqlite3_exec(db, "UPDATE person SET deleted = 0 WHERE full_name = 'Nguyễn Thị Hà'", NULL, NULL, NULL),
	             SQLITE_OK);
	CHECK_EQ_INT(found(tdp1.id, "nguyen"), 2);
	/* Dung deleted outright: "pham" gone, "thi" still Hà's */
	CHECK_EQ_INT(sqlite3_exec(db, "DELETE FROM person WHERE full_name = 'Phạm Thị Dung'", NULL, NULL, NULL), SQLITE_OK);
	CHECK_EQ_INT(found(tdp1.id, "pham"), 0);
	CHECK_EQ_INT(found(tdp1.id, "thi"), 2);
	/* a CCCD's province (the spouses Bình and Hà have 019) */
	CHECK_EQ_INT(found(tdp1.id, "019"), 2);
	CHECK_EQ_INT(sqlite3_exec(db, "UPDATE person SET cccd = NULL, cccd_masked = NULL WHERE full_name = 'Nguyễn Thị Hà'",
	                          NULL, NULL, NULL), SQLITE_OK);
	CHECK_EQ_INT(found(tdp1.id, "019"), 1);
	CHECK_EQ_INT(sqlite3_exec(db, "UPDATE person SET (cccd, cccd_masked) = (SELECT cccd, cccd_masked FROM person "
	                              "WHERE full_name = 'Trần Thị Bình') WHERE full_name = 'Nguyễn Văn An'",
	                          NULL, NULL, NULL), SQLITE_OK);
	CHECK_EQ_INT(sqlite3_exec(db, "UPDATE person SET cccd = NULL, cccd_masked = NULL WHERE full_name = 'Trần Thị Bình'",
	                          NULL, NULL, NULL), SQLITE_OK);
	CHECK_EQ_INT(found(tdp1.id, "01"), 1); /* An's now */
	CHECK_EQ_INT(sqlite3_exec(db, "UPDATE person SET cccd = NULL, cccd_masked = NULL WHERE full_name = 'Nguyễn Văn An'",
	                          NULL, NULL, NULL), SQLITE_OK);
	CHECK_EQ_INT(found(tdp1.id, "0"), 0);
	/* renamed (name_key by the one folding rule) */
	CHECK_EQ_INT(sqlite3_exec(db, "UPDATE person SET full_name = 'Đỗ Minh Khoa', name_key = gn_fold('Đỗ Minh Khoa') "
	                              "WHERE full_name = 'Đỗ Văn Đức'", NULL, NULL, NULL), SQLITE_OK);
	CHECK_EQ_INT(found(tdp1.id, "duc"), 0);
	CHECK_EQ_INT(found(tdp1.id, "khoa"), 1);
	CHECK_EQ_INT(found(tdp1.id, "do mi"), 1);
	CHECK_EQ_INT(found(tdp1.id, "van"), 2); /* An, Cường */
	/* moved to the other TDP's household */
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE person SET household_id = '%s', tdp_id = '%s' WHERE full_name = 'Nguyễn Văn An'",
	         ids[4], tdp2.id);
	CHECK_EQ_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	CHECK_EQ_INT(found(tdp1.id, "an"), 0);
	CHECK_EQ_INT(found(tdp2.id, "an"), 1);
	CHECK_EQ_INT(found(tdp2.id, "nguyen an"), 1);
	CHECK_EQ_INT(found(tdp2.id, "nguyen em"), 1);
	CHECK_EQ_INT(found(tdp2.id, "an em"), 0); /* the same member has every word */
	/* the words are exactly the live members' */
	sqlite3_stmt *st = NULL;
	REQUIRE(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM household_word), (SELECT count(*) FROM ("
	                               "SELECT DISTINCT p.tdp_id, w.value, p.household_id, p.name_key FROM person p, "
	                               "json_each('[\"' || replace(p.name_key, ' ', '\",\"') || '\"]') w "
	                               "WHERE p.deleted = 0 UNION SELECT tdp_id, substr(cccd_masked, 1, 3), household_id, '' "
	                               "FROM person WHERE deleted = 0 AND cccd_masked <> ''))", -1, &st, NULL) == SQLITE_OK);
	REQUIRE(sqlite3_step(st) == SQLITE_ROW);
	CHECK_EQ_INT(sqlite3_column_int(st, 0), sqlite3_column_int(st, 1));
	CHECK(sqlite3_column_int(st, 0) > 10);
	sqlite3_finalize(st);
	teardown();
}

static void moves_in_the_walk_and_next(void)
{
	setup();
	fill();
	gn_err err = { 0 };
	char next[37];
	CHECK_EQ_INT(gn_hh_next(&ctx, tdp1.id, ids[0], next, &err), GN_OK);
	CHECK_STR(next, ids[1]);
	CHECK_EQ_INT(gn_hh_move(&ctx, ids[2], -1, &err), GN_OK);
	size_t pos = 0;
	CHECK_EQ_INT(gn_hh_position(&ctx, tdp1.id, GN_HH_ALL, NULL, ids[2], &pos, &err), GN_OK);
	CHECK_EQ_INT(pos, 1);
	CHECK_EQ_INT(gn_hh_next(&ctx, tdp1.id, ids[0], next, &err), GN_OK);
	CHECK_STR(next, ids[2]);
	CHECK_EQ_INT(gn_hh_move(&ctx, ids[0], -1, &err), GN_ERR_NOT_FOUND);
	CHECK_EQ_INT(gn_hh_next(&ctx, tdp1.id, ids[3], next, &err), GN_OK);
	CHECK_STR(next, "");
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2(ctx.db, "SELECT count(*) FROM audit_log WHERE action = 'move'", -1, &st, NULL);
	CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 2);
	sqlite3_finalize(st);
	teardown();
}

static void scope_is_enforced(void)
{
	setup();
	fill();
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_sign_in(&ctx, "leader1", "pw-leader", &err), GN_OK);
	gn_hh_row *rows = NULL;
	size_t n = 0;
	CHECK_EQ_INT(gn_hh_list(&ctx, tdp2.id, GN_HH_ALL, NULL, 0, 10, &rows, &n, &err), GN_ERR_DENIED);
	CHECK(rows == NULL);
	CHECK_EQ_INT(gn_hh_move(&ctx, ids[4], -1, &err), GN_ERR_DENIED);
	long people;
	CHECK_EQ_INT(gn_tdp_person_count(&ctx, tdp2.id, &people, &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_draft_put(&ctx, GN_DRAFT_HOUSEHOLD, "new-x", tdp2.id, "{}", &err), GN_ERR_DENIED);
	teardown();
}

static void drafts_round_trip(void)
{
	setup();
	fill();
	gn_err err = { 0 };
	gn_household hh, back;
	REQUIRE(gn_household_load(&ctx, ids[0], &hh, &err) == GN_OK);
	free(hh.members[1].full_name);
	hh.members[1].full_name = strdup("Trần Thị \"Bình\" \\ mới");
	char *json = NULL;
	REQUIRE(gn_household_to_json(&hh, &json, &err) == GN_OK);
	CHECK_EQ_INT(gn_draft_put(&ctx, GN_DRAFT_HOUSEHOLD, hh.id, hh.tdp_id, json, &err), GN_OK);
	gn_draft d;
	REQUIRE(gn_draft_latest(&ctx, GN_DRAFT_HOUSEHOLD, &d, &err) == GN_OK);
	CHECK_STR(d.record_id, ids[0]);
	REQUIRE(gn_household_from_json(ctx.db, d.data, &back, &err) == GN_OK);
	CHECK_STR(back.id, ids[0]);
	CHECK_EQ_INT(back.n_members, 2);
	CHECK_STR(back.members[1].full_name, "Trần Thị \"Bình\" \\ mới");
	CHECK_STR(back.members[1].id, hh.members[1].id);
	CHECK_STR(back.members[1].answers, "{\"needs_help\":\"vneid\"}");
	CHECK_EQ_INT(back.members[1].birth_year, 1972);
	CHECK_STR(back.alley, "ngõ 45");
	/* a save that fails keeps the draft (its transaction rolled back) */
	snprintf(back.members[1].relation, sizeof back.members[1].relation, "head");
	CHECK_EQ_INT(gn_household_save_clearing_draft(&ctx, &back, d.record_id, &err), GN_ERR_INVALID);
	gn_draft other;
	CHECK_EQ_INT(gn_draft_latest(&ctx, GN_DRAFT_HOUSEHOLD, &other, &err), GN_OK);
	gn_draft_free(&other);
	snprintf(back.members[1].relation, sizeof back.members[1].relation, "spouse");
	/* saved afterwards: the draft is cleared in the same transaction */
	CHECK_EQ_INT(gn_household_save_clearing_draft(&ctx, &back, d.record_id, &err), GN_OK);
	gn_draft_free(&d);
	CHECK_EQ_INT(gn_draft_latest(&ctx, GN_DRAFT_HOUSEHOLD, &d, &err), GN_ERR_NOT_FOUND);
	/* a new household's draft (a made-up key) goes when it is inserted */
	CHECK_EQ_INT(gn_draft_put(&ctx, GN_DRAFT_HOUSEHOLD, "new-0", tdp1.id, json, &err), GN_OK);
	gn_household fresh;
	REQUIRE(gn_household_from_json(ctx.db, json, &fresh, &err) == GN_OK);
	fresh.id[0] = '\0';
	for (size_t i = 0; i < fresh.n_members; i++) {
		fresh.members[i].id[0] = '\0';
		free(fresh.members[i].cccd);
		fresh.members[i].cccd = NULL;
	}
	CHECK_EQ_INT(gn_household_save_clearing_draft(&ctx, &fresh, "new-0", &err), GN_OK);
	CHECK_EQ_INT(gn_draft_latest(&ctx, GN_DRAFT_HOUSEHOLD, &d, &err), GN_ERR_NOT_FOUND);
	gn_household_free(&fresh);
	/* another user never sees this user's draft */
	CHECK_EQ_INT(gn_draft_put(&ctx, GN_DRAFT_HOUSEHOLD, "new-1", tdp1.id, json, &err), GN_OK);
	CHECK_EQ_INT(gn_sign_in(&ctx, "leader1", "pw-leader", &err), GN_OK);
	CHECK_EQ_INT(gn_draft_latest(&ctx, GN_DRAFT_HOUSEHOLD, &d, &err), GN_ERR_NOT_FOUND);
	free(json);
	gn_household_free(&hh);
	gn_household_free(&back);
	teardown();
}

/* Setting the keys a form knows keeps every other key as it was. */
static void answers_keep_unknown_keys(void)
{
	setup();
	gn_err err = { 0 };
	char *a = strdup("{\"future_question\":[1,2],\"smartphone\":\"no\",\"x\":{\"y\":1}}");
	CHECK_EQ_INT(gn_answers_set(ctx.db, &a, "smartphone", "yes", GN_ANSWER_TEXT, &err), GN_OK);
	CHECK_EQ_INT(gn_answers_set(ctx.db, &a, "birth.year", "1985", GN_ANSWER_NUMBER, &err), GN_OK);
	CHECK_EQ_INT(gn_answers_set(ctx.db, &a, "x", NULL, GN_ANSWER_NONE, &err), GN_OK);
	CHECK_STR(a, "{\"future_question\":[1,2],\"smartphone\":\"yes\",\"birth.year\":1985}");
	char *v = gn_answers_get(ctx.db, a, "birth.year");
	CHECK_STR(v, "1985");
	free(v);
	CHECK(gn_answers_get(ctx.db, a, "x") == NULL);
	CHECK_EQ_INT(gn_answers_set(ctx.db, &a, "n", "not a number", GN_ANSWER_NUMBER, &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_answers_set(ctx.db, &a, "bad\"key", "1", GN_ANSWER_TEXT, &err), GN_ERR_INVALID);
	free(a);
	a = NULL;
	CHECK_EQ_INT(gn_answers_set(ctx.db, &a, "phone", "0912", GN_ANSWER_TEXT, &err), GN_OK);
	CHECK_STR(a, "{\"phone\":\"0912\"}");
	free(a);
	teardown();
}

GN_TESTS(T(list_pages_by_the_rows_drawn), T(list_survives_a_resize), T(list_shorter_than_a_page),
         T(list_pages_by_what_a_view_drew), T(list_scrolls_text),
         T(answers_keep_unknown_keys), T(lists_in_walking_order_with_heads), T(search_ignores_diacritics), T(search_words_follow_every_change), T(moves_in_the_walk_and_next),
         T(scope_is_enforced), T(drafts_round_trip))
