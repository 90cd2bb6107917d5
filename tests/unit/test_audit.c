/* The audit log: a seeded random series of edits through the domain API,
 * compared one by one with the log's old/new values; filters, paging and
 * the CSV export (mode 0600, never overwriting). */
#include "testlib.h"
#include "gonha/domain/audit.h"
#include "gonha/storage/db.h"
#include "gonha/domain/household.h"
#include "gonha/domain/users.h"
#include "gonha/domain/ward.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static gn_ctx officer, leader;
static gn_tdp tdp1, tdp2;

static void setup(void)
{
	gn_err err = { 0 };
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	memset(&officer, 0, sizeof officer);
	memset(&leader, 0, sizeof leader);
	const char *codes[] = { "01", NULL };
	if (gn_db_open_memory(&officer.db, &err) != GN_OK ||
	    gn_ward_init(officer.db, "Phường Thử", 2, "admin", "secret1", NULL, &err) != GN_OK ||
	    gn_sign_in(&officer, "admin", "secret1", &err) != GN_OK ||
	    gn_user_add(&officer, "lan", NULL, GN_ROLE_TDP_LEADER, "pw-lan", codes, &err) != GN_OK ||
	    gn_tdp_find(&officer, "01", &tdp1, &err) != GN_OK || gn_tdp_find(&officer, "02", &tdp2, &err) != GN_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(2);
	}
	leader.db = officer.db;
	if (gn_sign_in(&leader, "lan", "pw-lan", &err) != GN_OK)
		exit(2);
}

static void teardown(void)
{
	gn_db_close(officer.db);
	officer.db = leader.db = NULL;
}

static uint64_t rng_state;
static unsigned next_rand(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* What the test expects the log to say about one field. */
typedef struct expected {
	char table[16];
	char record[37];
	char field[24];
	char old_value[64]; /* "" = null */
	char new_value[64];
	char action[12];
	char user[64];
} expected;

/* The JSON text SQLite gives a value, for comparing (string or number). */
static char *extract(sqlite3 *db, const char *json, const char *path)
{
	sqlite3_stmt *st = NULL;
	char *out = NULL;
	if (sqlite3_prepare_v2(db, "SELECT coalesce(CAST(json_extract(?1, ?2) AS TEXT), '')", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			out = strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return out;
}

static const char *const streets[] = { "Lương Ngọc Quyến", "Hoàng Văn Thụ", "Phan Đình Phùng", "Quang Trung" };
static const char *const names[] = { "Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Thu Dung", "Đỗ Đức Em" };
static const char *const statuses[] = { "not_visited", "done", "revisit", "refused" };

static void random_edits_match_the_log_one_by_one(void)
{
	setup();
	gn_err err = { 0 };
	rng_state = 0x5eed1234abcdULL;
	enum { HOUSEHOLDS = 4, EDITS = 60 };
	char ids[HOUSEHOLDS][37];
	long start_id = 0;
	{
		sqlite3_stmt *st = NULL;
		sqlite3_prepare_v2(officer.db, "SELECT coalesce(max(id), 0) FROM audit_log", -1, &st, NULL);
		sqlite3_step(st);
		start_id = (long)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	for (int i = 0; i < HOUSEHOLDS; i++) {
		gn_household hh = { 0 };
		snprintf(hh.tdp_id, sizeof hh.tdp_id, "%s", i % 2 ? tdp2.id : tdp1.id);
		hh.house_no = strdup("1");
		hh.street = strdup(streets[0]);
		gn_person *p = gn_household_add_member(&hh);
		p->full_name = strdup(names[0]);
		p->birth_year = 1970;
		snprintf(p->relation, sizeof p->relation, "head");
		REQUIRE(gn_household_save(&officer, &hh, &err) == GN_OK);
		snprintf(ids[i], 37, "%s", hh.id);
		gn_household_free(&hh);
	}
	long after_create = 0;
	{
		sqlite3_stmt *st = NULL;
		sqlite3_prepare_v2(officer.db, "SELECT max(id) FROM audit_log", -1, &st, NULL);
		sqlite3_step(st);
		after_create = (long)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	CHECK(after_create > start_id);

	expected *want = calloc(EDITS, sizeof *want);
	REQUIRE(want);
	int n_want = 0;
	for (int e = 0; e < EDITS; e++) {
		char now[32];
		snprintf(now, sizeof now, "2026-11-%02dT10:%02d:00Z", 21 + e / 20, e % 60);
		setenv("GONHA_NOW", now, 1);
		int h = (int)next_rand(HOUSEHOLDS);
		/* The leader edits TDP 01 households; the officer the others. */
		gn_ctx *who = h % 2 == 0 && next_rand(2) ? &leader : &officer;
		gn_household hh;
		REQUIRE(gn_household_load(who, ids[h], &hh, &err) == GN_OK);
		expected *x = &want[n_want];
		snprintf(x->action, sizeof x->action, "update");
		snprintf(x->user, sizeof x->user, "%s", who->user.login);
		snprintf(x->record, sizeof x->record, "%s", ids[h]);
		snprintf(x->table, sizeof x->table, "household");
		switch (next_rand(4)) {
		case 0: { /* the street */
			const char *s = streets[next_rand(4)];
			if (strcmp(s, hh.street) == 0)
				break;
			snprintf(x->field, sizeof x->field, "street");
			snprintf(x->old_value, sizeof x->old_value, "%s", hh.street);
			snprintf(x->new_value, sizeof x->new_value, "%s", s);
			free(hh.street);
			hh.street = strdup(s);
			break;
		}
		case 1: { /* the visit */
			const char *s = statuses[1 + next_rand(3)];
			if (strcmp(s, hh.visit_status) == 0)
				break;
			snprintf(x->field, sizeof x->field, "visit_status");
			snprintf(x->old_value, sizeof x->old_value, "%s", hh.visit_status);
			snprintf(x->new_value, sizeof x->new_value, "%s", s);
			snprintf(hh.visit_status, sizeof hh.visit_status, "%s", s);
			if (!hh.visit_date)
				hh.visit_date = strdup("2026-11-19");
			break;
		}
		case 2: { /* the head's name */
			const char *s = names[next_rand(5)];
			if (strcmp(s, hh.members[0].full_name) == 0)
				break;
			snprintf(x->table, sizeof x->table, "person");
			snprintf(x->record, sizeof x->record, "%s", hh.members[0].id);
			snprintf(x->field, sizeof x->field, "full_name");
			snprintf(x->old_value, sizeof x->old_value, "%s", hh.members[0].full_name);
			snprintf(x->new_value, sizeof x->new_value, "%s", s);
			free(hh.members[0].full_name);
			hh.members[0].full_name = strdup(s);
			break;
		}
		default: { /* the birth year */
			int y = 1940 + (int)next_rand(60);
			if (y == hh.members[0].birth_year)
				break;
			snprintf(x->table, sizeof x->table, "person");
			snprintf(x->record, sizeof x->record, "%s", hh.members[0].id);
			snprintf(x->field, sizeof x->field, "birth_year");
			snprintf(x->old_value, sizeof x->old_value, "%d", hh.members[0].birth_year);
			snprintf(x->new_value, sizeof x->new_value, "%d", y);
			hh.members[0].birth_year = y;
			break;
		}
		}
		if (x->field[0]) {
			REQUIRE(gn_household_save(who, &hh, &err) == GN_OK);
			n_want++;
		}
		gn_household_free(&hh);
	}
	CHECK(n_want > EDITS / 2);

	/* Every change after the creations, oldest first. visit_status changes
	 * also set visit_date the first time: compare the field we changed and
	 * allow only that companion. */
	gn_audit_filter f = { .oldest_first = true };
	gn_audit_entry *log = NULL;
	size_t n = 0;
	REQUIRE(gn_audit_query(&officer, &f, &log, &n, NULL, &err) == GN_OK);
	size_t i = 0;
	while (i < n && log[i].id <= after_create)
		i++;
	CHECK_EQ_INT((long)(n - i), n_want);
	for (int k = 0; k < n_want && i < n; k++, i++) {
		const expected *x = &want[k];
		const gn_audit_entry *e = &log[i];
		CHECK_STR(e->table_name, x->table);
		CHECK_STR(e->record_id, x->record);
		CHECK_STR(e->action, x->action);
		CHECK_STR(e->user_login, x->user);
		char path[64];
		snprintf(path, sizeof path, "$.%s[0]", x->field);
		char *old_v = extract(officer.db, e->changes, path);
		snprintf(path, sizeof path, "$.%s[1]", x->field);
		char *new_v = extract(officer.db, e->changes, path);
		CHECK_STR(old_v, x->old_value);
		CHECK_STR(new_v, x->new_value);
		free(old_v);
		free(new_v);
		/* Nothing else is claimed to have changed. */
		sqlite3_stmt *st = NULL;
		sqlite3_prepare_v2(officer.db, "SELECT count(*) FROM json_each(?1) WHERE key NOT IN (?2, 'visit_date')",
		                   -1, &st, NULL);
		sqlite3_bind_text(st, 1, e->changes, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, x->field, -1, SQLITE_STATIC);
		sqlite3_step(st);
		CHECK_EQ_INT(sqlite3_column_int(st, 0), 0);
		sqlite3_finalize(st);
	}
	gn_audit_entries_free(log, n);
	free(want);
	/* every action these edits wrote is one the audit screen's search knows */
	sqlite3_stmt *acts = NULL;
	REQUIRE(sqlite3_prepare_v2(officer.db, "SELECT DISTINCT action FROM audit_log", -1, &acts, NULL) == SQLITE_OK);
	while (sqlite3_step(acts) == SQLITE_ROW) {
		const char *action = (const char *)sqlite3_column_text(acts, 0);
		if (!gn_audit_action_known(action))
			fprintf(stderr, "  action %s is not known\n", action);
		CHECK(gn_audit_action_known(action));
	}
	sqlite3_finalize(acts);
	teardown();
}

static void filters_and_pages(void)
{
	setup();
	gn_err err = { 0 };
	for (int i = 0; i < 25; i++) {
		char now[32];
		snprintf(now, sizeof now, "2026-11-%02dT08:00:00Z", 1 + i);
		setenv("GONHA_NOW", now, 1);
		gn_household hh = { 0 };
		snprintf(hh.tdp_id, sizeof hh.tdp_id, "%s", i < 10 ? tdp1.id : tdp2.id);
		hh.house_no = strdup("5");
		REQUIRE(gn_household_save(i < 10 && i % 2 ? &leader : &officer, &hh, &err) == GN_OK);
		gn_household_free(&hh);
	}
	gn_audit_entry *e = NULL;
	size_t n = 0;
	long total = 0;
	gn_audit_filter f = { .table_name = "household", .limit = 10 };
	CHECK_EQ_INT(gn_audit_query(&officer, &f, &e, &n, &total, &err), GN_OK);
	CHECK_EQ_INT(total, 25);
	CHECK_EQ_INT(n, 10);
	CHECK(n == 10 && strncmp(e[0].at, "2026-11-25", 10) == 0); /* newest first */
	gn_audit_entries_free(e, n);
	f.offset = 20;
	CHECK_EQ_INT(gn_audit_query(&officer, &f, &e, &n, &total, &err), GN_OK);
	CHECK_EQ_INT(n, 5);
	gn_audit_entries_free(e, n);

	gn_audit_filter by_user = { .user_login = "lan", .table_name = "household" };
	CHECK_EQ_INT(gn_audit_query(&officer, &by_user, &e, &n, &total, &err), GN_OK);
	CHECK_EQ_INT(n, 5);
	gn_audit_entries_free(e, n);
	gn_audit_filter by_tdp = { .tdp = "02", .table_name = "household" };
	CHECK_EQ_INT(gn_audit_query(&officer, &by_tdp, &e, &n, &total, &err), GN_OK);
	CHECK_EQ_INT(n, 15);
	CHECK(n > 0 && strcmp(e[0].tdp_code, "02") == 0);
	gn_audit_entries_free(e, n);
	gn_audit_filter by_date = { .since = "2026-11-03", .until = "2026-11-05", .table_name = "household" };
	CHECK_EQ_INT(gn_audit_query(&officer, &by_date, &e, &n, &total, &err), GN_OK);
	CHECK_EQ_INT(n, 3);
	gn_audit_entries_free(e, n);
	gn_audit_filter bad_date = { .since = "03/11/2026" };
	CHECK_EQ_INT(gn_audit_query(&officer, &bad_date, &e, &n, &total, &err), GN_ERR_INVALID);
	CHECK_STR(err.field, "since");
	gn_audit_filter bad_tdp = { .tdp = "77" };
	CHECK_EQ_INT(gn_audit_query(&officer, &bad_tdp, &e, &n, &total, &err), GN_ERR_NOT_FOUND);
	gn_audit_filter by_action = { .action = "create", .table_name = "users" };
	CHECK_EQ_INT(gn_audit_query(&officer, &by_action, &e, &n, &total, &err), GN_OK);
	CHECK_EQ_INT(n, 1);
	gn_audit_entries_free(e, n);
	teardown();
}

static void exports_csv_private_and_never_overwrites(void)
{
	setup();
	gn_err err = { 0 };
	char path[512];
	snprintf(path, sizeof path, "%s/audit.csv", gn_test_tmpdir());
	unlink(path);
	mode_t old_mask = umask(0); /* even a careless umask gives 0600 */
	long rows = 0;
	gn_audit_filter f = { 0 };
	CHECK_EQ_INT(gn_audit_export_csv(&leader, &f, path, &rows, &err), GN_ERR_DENIED);
	CHECK(access(path, F_OK) != 0);
	CHECK_EQ_INT(gn_audit_export_csv(&officer, &f, path, &rows, &err), GN_OK);
	umask(old_mask);
	CHECK_EQ_INT(rows, 2); /* the ward's creation, and the leader's refused try */
	struct stat sb;
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	FILE *fp = fopen(path, "r");
	REQUIRE(fp);
	char buf[2048] = "";
	size_t got = fread(buf, 1, sizeof buf - 1, fp);
	buf[got] = '\0';
	fclose(fp);
	CHECK(strncmp(buf, "\xEF\xBB\xBF\"id\",\"at\",\"user\",\"action\",\"table\",\"record_id\",\"tdp_code\",\"changes\"\r\n",
	              strlen("\xEF\xBB\xBF\"id\",\"at\",\"user\",\"action\",\"table\",\"record_id\",\"tdp_code\",\"changes\"\r\n")) == 0);
	CHECK(strstr(buf, "\"admin\",\"create\",\"users\"") != NULL);
	CHECK(strstr(buf, "\"{\"\"login\"\":[null,\"\"lan\"\"]") != NULL); /* quotes doubled */
	/* A second export to the same name is refused; the file is unchanged. */
	CHECK_EQ_INT(gn_audit_export_csv(&officer, &f, path, &rows, &err), GN_ERR_CONFLICT);
	CHECK(strstr(err.msg, "already exists") != NULL);
	CHECK(stat(path, &sb) == 0 && sb.st_size == (off_t)got);
	teardown();
}

static long refused_rows(sqlite3 *db)
{
	sqlite3_stmt *q = NULL;
	long n = -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM audit_log WHERE action = 'refused'", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* A refusal told to someone is recorded, also when it happened inside a
 * transaction that was then rolled back; a probe (no err) is not. */
static void a_refusal_outlives_its_rollback(void)
{
	setup();
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_scope_require_tdp(&leader, tdp2.id, NULL), GN_ERR_DENIED);
	CHECK_EQ_INT(refused_rows(officer.db), 0);
	REQUIRE(gn_db_begin(leader.db, &err) == GN_OK);
	CHECK_EQ_INT(gn_scope_require_tdp(&leader, tdp2.id, &err), GN_ERR_DENIED);
	gn_db_rollback(leader.db);
	CHECK_EQ_INT(refused_rows(officer.db), 1);
	/* committed: recorded once, after the commit */
	REQUIRE(gn_db_begin(leader.db, &err) == GN_OK);
	CHECK_EQ_INT(gn_scope_require_officer(&leader, &err), GN_ERR_DENIED);
	REQUIRE(gn_db_commit(leader.db, &err) == GN_OK);
	CHECK_EQ_INT(refused_rows(officer.db), 2);
	CHECK_EQ_INT(gn_scope_require_tdp(&leader, tdp1.id, &err), GN_OK);
	CHECK_EQ_INT(refused_rows(officer.db), 2);
	/* the audit screen's search knows the word */
	CHECK(gn_audit_action_known("refused") && gn_audit_action_known("sign_in_failed"));
	CHECK(!gn_audit_action_known("lan"));
	teardown();
}

GN_TESTS(T(random_edits_match_the_log_one_by_one), T(filters_and_pages), T(exports_csv_private_and_never_overwrites),
         T(a_refusal_outlives_its_rollback))
