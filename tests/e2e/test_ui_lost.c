/* No lost updates, on a real pseudo-terminal: a household open in the UI
 * while `gonha import` of an edited households export changes it on the
 * same database; the save tells the user, shows the database's value
 * beside the typed one, the user chooses, and afterwards both the import's
 * and the user's changes are in the database. The same for a draft kept
 * across a kill and resumed after the import. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"
#include "term.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define bin gn_e2e_bin
#define db gn_ui_db()
#define make_demo(name) gn_ui_demo(name, 2, 20)
#define start() gn_ui_start(24, 80, NULL, NULL)
#define sign_in(t) gn_ui_sign_in(t, "admin", "demo", "Tổ dân phố 1")
#define quit gn_ui_quit
#define query_text gn_ui_query_text

#define WAIT(t, text) CHECK_EQ_INT(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, text) REQUIRE(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS) == 0)

static long query_int(const char *fmt, const char *arg)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	long n = -1;
	char *sql = sqlite3_mprintf(fmt, arg);
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		fprintf(stderr, "  query failed: %s: %s\n", sql, sqlite3_errmsg(h));
	sqlite3_finalize(st);
	sqlite3_close(h);
	sqlite3_free(sql);
	return n;
}

/* ---- a households export, edited as in a spreadsheet ----------------------- */

#define MAX_CELLS 64

/* Splits one CSV line (quotes and "" inside them) into owned cells. */
static int split_csv(const char *line, char *cells[MAX_CELLS])
{
	int n = 0;
	const char *p = line;
	for (;;) {
		char buf[4096];
		size_t len = 0;
		if (*p == '"') {
			for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
				if (*p == '"')
					p++;
				if (len < sizeof buf - 1)
					buf[len++] = *p;
			}
			if (*p == '"')
				p++;
		}
		while (*p && *p != ',' && *p != '\r' && *p != '\n')
			if (len < sizeof buf - 1)
				buf[len++] = *p++;
		buf[len] = '\0';
		if (n < MAX_CELLS)
			cells[n++] = strdup(buf);
		if (*p != ',')
			break;
		p++;
	}
	return n;
}

static void put_csv(FILE *f, char *cells[], int n)
{
	for (int i = 0; i < n; i++) {
		fputs(i ? "," : "", f);
		if (strpbrk(cells[i], ",\"\n")) {
			fputc('"', f);
			for (const char *c = cells[i]; *c; c++)
				fputs(*c == '"' ? "\"\"" : (char[2]){ *c, 0 }, f);
			fputc('"', f);
		} else {
			fputs(cells[i], f);
		}
	}
	fputs("\r\n", f);
}

/* Exports the households, keeps the header and the row of household id
 * with column col1 set to v1 (and col2 to v2, if given), and imports that
 * file into the same database: another PC's file, or the ward office's
 * Excel. 0 when the import went through (the caller checks the row). */
static int import_edited(const char *id, const char *col1, const char *v1, const char *col2, const char *v2)
{
	char out[600], edited[600], cmd[2400];
	snprintf(out, sizeof out, "%s/households.csv", gn_test_tmpdir());
	snprintf(edited, sizeof edited, "%s/edited.csv", gn_test_tmpdir());
	snprintf(cmd, sizeof cmd, "rm -f '%s' && GONHA_USER=admin GONHA_PASSWORD=demo GONHA_NOW=2026-11-20T09:00:00Z "
	         "'%s' export --db '%s' --what households --out '%s' >/dev/null 2>&1", out, bin(), db, out);
	if (system(cmd) != 0)
		return -1;
	FILE *in = fopen(out, "r"), *w = fopen(edited, "w");
	if (!in || !w) {
		if (in) fclose(in);
		if (w) fclose(w);
		return -1;
	}
	char line[8192];
	char *head[MAX_CELLS];
	int nh = 0, found = 0;
	if (fgets(line, sizeof line, in)) {
		fputs(line, w);
		nh = split_csv(strncmp(line, "\xef\xbb\xbf", 3) == 0 ? line + 3 : line, head);
	}
	while (fgets(line, sizeof line, in)) {
		if (!strstr(line, id))
			continue;
		char *cells[MAX_CELLS];
		int n = split_csv(line, cells);
		for (int i = 0; i < n && i < nh; i++) {
			const char *v = strcmp(head[i], col1) == 0 ? v1 : col2 && strcmp(head[i], col2) == 0 ? v2 : NULL;
			if (v) {
				free(cells[i]);
				cells[i] = strdup(v);
				found++;
			}
		}
		put_csv(w, cells, n);
		for (int i = 0; i < n; i++)
			free(cells[i]);
	}
	for (int i = 0; i < nh; i++)
		free(head[i]);
	fclose(in);
	fclose(w);
	if (found != (col2 ? 2 : 1))
		return -1;
	snprintf(cmd, sizeof cmd, "GONHA_USER=admin GONHA_PASSWORD=demo GONHA_NOW=2026-11-20T09:00:00Z '%s' import "
	         "--db '%s' '%s' >/dev/null 2>&1", bin(), db, edited);
	return system(cmd) == 0 ? 0 : -1;
}

/* The household n (0-based) of TDP 01 in walking order: id, house number,
 * street. */
static void household_at(int n, char id[37], char house[64], char street[128])
{
	char sql[400];
	snprintf(sql, sizeof sql, "SELECT %%s FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE t.code = '01' AND "
	         "h.deleted = 0 ORDER BY h.walk_order, h.id LIMIT 1 OFFSET %d", n);
	char *q = sqlite3_mprintf(sql, "h.id");
	query_text(q, id, 37);
	sqlite3_free(q);
	q = sqlite3_mprintf(sql, "h.house_no");
	query_text(q, house, 64);
	sqlite3_free(q);
	q = sqlite3_mprintf(sql, "h.street");
	query_text(q, street, 128);
	sqlite3_free(q);
}

/* The line of the screen that holds text (the first), or "". */
static void line_with(gn_term *t, const char *text, char *out, size_t size)
{
	gn_term_wait_quiet(t, 150, GN_TERM_WAIT_MS);
	char *screen = gn_term_screen(t);
	out[0] = '\0';
	for (char *l = screen ? strtok(screen, "\n") : NULL; l; l = strtok(NULL, "\n"))
		if (strstr(l, text)) {
			snprintf(out, size, "%s", l);
			break;
		}
	free(screen);
}

/* Open in the UI, changed by an import, saved in the UI: told, both
 * values shown, chosen per line, and nothing lost. */
static void an_import_while_the_household_is_open(void)
{
	make_demo("open.db");
	char id[37], house[64], street[128];
	household_at(0, id, house, street);
	REQUIRE(id[0] && house[0] && street[0]);
	gn_term *t = start();
	REQUIRE(t);
	REQUIRE(sign_in(t) == 0);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "20 hộ");
	gn_term_key(t, "Enter");                          /* the first household of the walk */
	REQUIRE_WAIT(t, "Thành viên");
	gn_term_key(t, "End");
	gn_term_type(t, "A");                             /* house number: mine */
	gn_term_key(t, "Enter");
	char mine[80], theirs[80];
	snprintf(mine, sizeof mine, "%sA", house);
	snprintf(theirs, sizeof theirs, "%sC", house);
	WAIT(t, mine);

	/* meanwhile another PC's file changes the street and the house number */
	REQUIRE(import_edited(id, "street", "Hoàng Văn Thụ", "house_no", theirs) == 0);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM household WHERE id = %Q AND street = 'Hoàng Văn Thụ'", id), 1);

	gn_term_key(t, "C-s");
	REQUIRE_WAIT(t, "Hộ này đã bị sửa ở nơi khác từ lúc bạn mở");
	WAIT(t, "Hiện có trong dữ liệu");
	WAIT(t, "Bạn đã nhập");
	char line[400], want[200];
	/* the house number: both changed, mine chosen; the street: only the import's */
	line_with(t, "Số nhà", line, sizeof line);
	CHECK(strstr(line, theirs) && strstr(line, mine));
	snprintf(want, sizeof want, "✓ %s", mine);
	CHECK(strstr(line, want) != NULL);
	line_with(t, "Đường/phố", line, sizeof line);
	snprintf(want, sizeof want, "✓ Hoàng Văn Thụ");
	CHECK(strstr(line, want) && strstr(line, street));
	WAIT(t, "d Bản hiện có");                         /* the keys on the key bar */
	/* choosing: the database's house number, then mine again */
	gn_term_type(t, "d");
	snprintf(want, sizeof want, "✓ %s", theirs);
	WAIT(t, want);
	gn_term_key(t, "Up");
	gn_term_type(t, "m");
	snprintf(want, sizeof want, "✓ %s", mine);
	WAIT(t, want);
	/* the help lists the keys of this screen */
	gn_term_key(t, "F1");
	WAIT(t, "Dòng này giữ giá trị bạn đã nhập");
	gn_term_key(t, "F1");
	WAIT(t, "Bạn đã nhập");
	gn_term_key(t, "C-s");
	char saved[120];
	snprintf(saved, sizeof saved, "Đã lưu: hộ %s", mine);
	REQUIRE_WAIT(t, saved);
	WAIT(t, "Hoàng Văn Thụ");                          /* the form shows what was saved */
	quit(t);
	/* nothing lost: the user's house number and the import's street */
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT house_no || '|' || street FROM household WHERE id = '%s'", id);
	query_text(sql, line, sizeof line);
	snprintf(want, sizeof want, "%s|Hoàng Văn Thụ", mine);
	CHECK_STR(line, want);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM audit_log WHERE record_id = %Q AND action = 'import_update'", id), 1);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM draft WHERE record_id = %Q", id), 0);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM merge_conflict WHERE record_id = %Q", id), 0);
}

/* A draft kept across a kill, the household changed by an import, the
 * draft resumed: told at resume, the differences at save, both kept for
 * the ward officer. */
static void a_resumed_draft_over_an_import(void)
{
	make_demo("draft.db");
	char id[37], house[64], street[128];
	household_at(1, id, house, street);
	REQUIRE(id[0] && house[0] && street[0]);
	gn_term *t = start();
	REQUIRE(t);
	REQUIRE(sign_in(t) == 0);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "20 hộ");
	gn_term_key(t, "Down");
	gn_term_key(t, "Enter");                          /* the second household */
	REQUIRE_WAIT(t, "Thành viên");
	gn_term_key(t, "End");
	gn_term_type(t, "B");
	gn_term_key(t, "Enter");                          /* the field left: in the draft */
	char mine[80];
	snprintf(mine, sizeof mine, "%sB", house);
	WAIT(t, mine);
	WAIT(t, "Để trống nếu nhà ở mặt đường");          /* on the next field: the draft is written */
	gn_term_wait_quiet(t, 150, GN_TERM_WAIT_MS);
	CHECK_EQ_INT(gn_term_signal(t, SIGKILL), 0);
	int status = 0;
	CHECK_EQ_INT(gn_term_wait_exit(t, GN_TERM_WAIT_MS, &status), 0);
	gn_term_free(t);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM draft WHERE record_id = %Q", id), 1);

	REQUIRE(import_edited(id, "street", "Phan Đình Phùng", NULL, NULL) == 0);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM household WHERE id = %Q AND street = 'Phan Đình Phùng'", id), 1);

	t = start();
	REQUIRE(t);
	REQUIRE(sign_in(t) == 0);
	REQUIRE_WAIT(t, "Có bản nháp chưa lưu");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Bản nháp đã được mở lại, nhưng hộ này đã bị sửa ở nơi khác");
	WAIT(t, mine);
	gn_term_key(t, "C-s");
	REQUIRE_WAIT(t, "Hộ này đã bị sửa ở nơi khác từ lúc bạn mở");
	char line[400], want[200];
	line_with(t, "Đường/phố", line, sizeof line);
	CHECK(strstr(line, "✓ Phan Đình Phùng") && strstr(line, street));
	line_with(t, "Lúc bạn mở", line, sizeof line);
	CHECK(strstr(line, street) != NULL);
	/* keep both, for the ward officer */
	gn_term_type(t, "k");
	WAIT(t, "Giữ bản của bạn thành xung đột");
	gn_term_type(t, "c");
	REQUIRE_WAIT(t, "Bản của bạn đã được giữ cho cán bộ phường");
	quit(t);
	/* the database kept the import's version; the typed one waits for the officer */
	CHECK_EQ_INT(query_int("SELECT count(*) FROM household WHERE id = %Q AND street = 'Phan Đình Phùng'", id), 1);
	char *sql = sqlite3_mprintf("SELECT json_extract(incoming_data, '$.house_no') || '|' || "
	                            "json_extract(incoming_data, '$.street') FROM merge_conflict WHERE record_id = %Q "
	                            "AND resolved_at IS NULL", id);
	query_text(sql, line, sizeof line);
	sqlite3_free(sql);
	snprintf(want, sizeof want, "%s|Phan Đình Phùng", mine);
	CHECK_STR(line, want);
	CHECK_EQ_INT(query_int("SELECT count(*) FROM draft WHERE record_id = %Q", id), 0);
	/* and the officer takes it: the typed house number is saved */
	long conflict = query_int("SELECT id FROM merge_conflict WHERE record_id = %Q AND resolved_at IS NULL", id);
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "GONHA_USER=admin GONHA_PASSWORD=demo '%s' conflicts resolve %ld --db '%s' "
	         "--keep incoming >/dev/null 2>&1", bin(), conflict, db);
	CHECK_EQ_INT(system(cmd), 0);
	sql = sqlite3_mprintf("SELECT house_no || '|' || street FROM household WHERE id = %Q", id);
	query_text(sql, line, sizeof line);
	sqlite3_free(sql);
	CHECK_STR(line, want);
}

GN_TESTS(T(an_import_while_the_household_is_open), T(a_resumed_draft_over_an_import))
