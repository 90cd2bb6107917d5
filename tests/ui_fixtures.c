/* Shared fixtures of the terminal UI's end-to-end tests (ui_fixtures.h). */
#include "ui_fixtures.h"
#include "e2e_fixtures.h"
#include "testlib.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char db[512];

const char *gn_ui_demo(const char *name, int tdps, int households)
{
	char cmd[2048];
	snprintf(db, sizeof db, "%s/%s", gn_test_tmpdir(), name);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'*; GONHA_NOW=2026-11-20T09:00:00Z '%s' demo --db '%s' --tdps %d "
	         "--households %d >/dev/null 2>&1", db, gn_e2e_bin(), db, tdps, households);
	if (system(cmd) != 0) {
		fprintf(stderr, "demo failed: %s\n", cmd);
		exit(2);
	}
	return db;
}

const char *gn_ui_db(void)
{
	return db;
}

void gn_ui_set_db(const char *path)
{
	snprintf(db, sizeof db, "%s", path);
}

gn_term *gn_ui_start(int rows, int cols, const char *lang, const char *extra_env)
{
	char *argv[] = { (char *)gn_e2e_bin(), "--db", db, lang ? "--lang" : NULL, (char *)lang, NULL };
	char *env[] = { "GONHA_NOW=2026-11-20T09:00:00Z", "GONHA_LANG=", (char *)extra_env, NULL };
	return gn_term_spawn(rows, cols, argv, env);
}

int gn_ui_sign_in(gn_term *t, const char *user, const char *password, const char *then)
{
	if (gn_term_wait_for(t, "Tên đăng nhập:", GN_TERM_WAIT_MS) != 0)
		return -1;
	gn_term_type(t, user);
	gn_term_key(t, "Enter");
	gn_term_type(t, password);
	gn_term_key(t, "Enter");
	return gn_term_wait_for(t, then, GN_TERM_WAIT_MS);
}

gn_term *gn_ui_signed_in(const char *user, const char *then)
{
	gn_term *t = gn_ui_start(24, 80, NULL, NULL);
	if (t && gn_ui_sign_in(t, user, "demo", then) != 0) {
		gn_term_free(t);
		return NULL;
	}
	return t;
}

gn_term *gn_ui_fresh(const char *name, int tdps, int households, const char *user)
{
	gn_ui_demo(name, tdps, households);
	return gn_ui_signed_in(user, "Số người");
}

gn_term *gn_ui_fresh_household(const char *name, const char *user, const char *no)
{
	gn_term *t = gn_ui_fresh(name, 2, 10, user);
	if (t && gn_ui_new_household(t, 10, no) != 0) {
		gn_term_free(t);
		return NULL;
	}
	return t;
}

int gn_ui_new_household(gn_term *t, int households, const char *no)
{
	char list[32];
	snprintf(list, sizeof list, "%d hộ", households);
	gn_term_key(t, "Enter");
	if (gn_term_wait_for(t, list, GN_TERM_WAIT_MS) != 0)
		return -1;
	gn_term_type(t, "a");
	if (gn_term_wait_for(t, "Hộ mới", GN_TERM_WAIT_MS) != 0)
		return -1;
	gn_term_type(t, no);
	return 0;
}

int gn_ui_visited_household(gn_term *t, int households, const char *no, const char *street)
{
	if (gn_ui_new_household(t, households, no) != 0)
		return -1;
	gn_term_key(t, "Enter");
	gn_term_key(t, "Enter");
	gn_term_type(t, street);
	gn_term_key(t, "Enter");
	if (gn_term_wait_for(t, "1 Chưa đến  2 Đã khảo sát xong", GN_TERM_WAIT_MS) != 0)
		return -1;
	gn_term_type(t, "2");
	return gn_term_wait_for(t, "Ngày tổ đi khảo sát", GN_TERM_WAIT_MS);
}

void gn_ui_matches(gn_term *t, const char *dir, const char *name)
{
	CHECK_EQ_INT(gn_term_wait_quiet(t, 200, GN_TERM_WAIT_MS), 0);
	char *got = gn_term_screen(t);
	REQUIRE(got);
	char path[1024];
	snprintf(path, sizeof path, "%s/%s.txt", dir, name);
	FILE *f = fopen(path, "rb");
	char want[1 << 14] = "";
	size_t n = f ? fread(want, 1, sizeof want - 1, f) : 0;
	want[n] = '\0';
	if (f)
		fclose(f);
	if (!f || strcmp(got, want) != 0) {
		gn_test_failed = 1;
		fprintf(stderr, "  screen %s differs from %s\n", name, path);
		/* line by line, so the change is plain to see */
		char *g = got, *w = want;
		for (int row = 0; *g || *w; row++) {
			size_t gl = strcspn(g, "\n"), wl = strcspn(w, "\n");
			if (gl != wl || strncmp(g, w, gl) != 0)
				fprintf(stderr, "  row %2d want |%.*s|\n         got  |%.*s|\n", row, (int)wl, w, (int)gl, g);
			g += gl + (g[gl] == '\n');
			w += wl + (w[wl] == '\n');
		}
		if (getenv("GONHA_UPDATE_SCREENS") && (f = fopen(path, "wb")) != NULL) {
			fputs(got, f);
			fclose(f);
			fprintf(stderr, "  (written: look at it, then commit it)\n");
		}
	}
	free(got);
}

const char *gn_ui_walk_at(int k, const char *col, char *out, size_t size)
{
	char sql[400];
	snprintf(sql, sizeof sql,
	         "SELECT h.%s FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE t.code = '01' AND h.deleted = 0 "
	         "ORDER BY h.walk_order, h.id LIMIT 1 OFFSET %d", col, k);
	return gn_ui_query_text(sql, out, size);
}

int gn_ui_add_after_third(gn_term *t, const char *no)
{
	char alley[128], street[128];
	gn_ui_walk_at(2, "alley", alley, sizeof alley);
	gn_ui_walk_at(2, "street", street, sizeof street);
	gn_term_key(t, "Down");
	gn_term_key(t, "Down");
	gn_term_type(t, "a");
	if (gn_term_wait_for(t, "Hộ mới", GN_TERM_WAIT_MS) != 0)
		return -1;
	gn_term_type(t, no);
	gn_term_key(t, "Enter");
	gn_term_type(t, alley);
	gn_term_key(t, "Enter");
	gn_term_type(t, street);
	gn_term_key(t, "Enter");
	return gn_term_wait_for(t, "1 Chưa đến  2 Đã khảo sát xong", GN_TERM_WAIT_MS);
}

long gn_ui_query_int(const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	long n = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		fprintf(stderr, "  query failed: %s: %s\n", sql, sqlite3_errmsg(h));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

const char *gn_ui_query_text(const char *sql, char *out, size_t size)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	out[0] = '\0';
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0))
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return out;
}

void gn_ui_quit(gn_term *t)
{
	int status = -1;
	gn_term_key(t, "C-q");
	/* signed in, quitting is asked (in either language, the same keys) */
	CHECK_EQ_INT(gn_term_wait_for(t, "[c/y:", GN_TERM_WAIT_MS), 0);
	gn_term_type(t, "c");
	CHECK_EQ_INT(gn_term_wait_exit(t, GN_TERM_WAIT_MS, &status), 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	gn_term_free(t);
}

void gn_ui_quit_at_sign_in(gn_term *t)
{
	int status = -1;
	gn_term_key(t, "C-q"); /* nobody signed in: nothing to lose, nothing asked */
	CHECK_EQ_INT(gn_term_wait_exit(t, GN_TERM_WAIT_MS, &status), 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	gn_term_free(t);
}

bool gn_ui_line_shows(gn_term *t, const char *label, const char *value)
{
	gn_term_wait_quiet(t, 150, GN_TERM_WAIT_MS);
	char *screen = gn_term_screen(t);
	bool found = false;
	for (char *line = screen ? strtok(screen, "\n") : NULL; line && !found; line = strtok(NULL, "\n")) {
		char *l = strstr(line, label);
		found = l && strstr(l + strlen(label), value);
	}
	free(screen);
	return found;
}
