/* The audit log as a data-protection inspector reads it: every bulk read
 * of personal data is there (what, how many, whether the citizen IDs were
 * whole); nothing can change or empty the log, not even through SQLite
 * itself, except the one change the law asks for, a person's data erased on
 * request (which the log records). */
#include "e2e_fixtures.h"
#include "testlib.h"
#include "gonha/forms/form.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define run gn_e2e_run
#define sql1 gn_e2e_sql1

#define has gn_e2e_has

static void bulk_reads_are_in_the_log(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out p.csv --with-ids"), 0);
	CHECK_EQ_INT(run("tdp01", "export --db a.db --what households --out h.csv --tdp 01"), 0);
	CHECK_EQ_INT(run("admin", "backup --db a.db --out b.db"), 0);
	CHECK_EQ_INT(run("admin", "audit --db a.db --out log.csv"), 0);
	const char *persons = sql1("a.db", "SELECT count(*) FROM person WHERE deleted = 0");
	char want[256];
	snprintf(want, sizeof want, "{\"what\":\"export_persons\",\"records\":%s,\"ids\":\"whole\",\"file\":\"p.csv\"}",
	         persons);
	CHECK_STR(sql1("a.db", "SELECT changes FROM audit_log WHERE action = 'bulk_read' AND user_login = 'admin' "
	                       "ORDER BY id LIMIT 1"), want);
	CHECK_STR(sql1("a.db", "SELECT json_extract(changes, '$.what') || ' ' || json_extract(changes, '$.ids') || ' ' || "
	                       "(tdp_id = (SELECT id FROM tdp WHERE code = '01')) FROM audit_log WHERE user_login = 'tdp01' "
	                       "AND action = 'bulk_read'"), "export_households masked 1");
	CHECK_STR(sql1("a.db", "SELECT group_concat(json_extract(changes, '$.what'), ' ') FROM (SELECT * FROM audit_log "
	                       "WHERE action = 'bulk_read' ORDER BY id)"),
	          "export_persons export_households backup audit_log");
	/* and the command shows them */
	CHECK_EQ_INT(run("admin", "audit --db a.db"), 0);
	CHECK(has(gn_e2e_out, "bulk_read"));
}

static void nothing_changes_or_empties_the_log(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	CHECK_EQ_INT(run("admin", "export --db a.db --what persons --out p.csv"), 0);
	char before[64], cmd[1024];
	snprintf(before, sizeof before, "%s", sql1("a.db", "SELECT count(*) || ':' || total(length(changes)) FROM audit_log"));
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"UPDATE audit_log SET user_login = 'nobody'\" 2>'%s'",
	         gn_e2e_path("a.db"), gn_e2e_path("e1.txt"));
	CHECK(system(cmd) != 0);
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"DELETE FROM audit_log\" 2>'%s'", gn_e2e_path("a.db"), gn_e2e_path("e2.txt"));
	CHECK(system(cmd) != 0);
	char *e = gn_e2e_read("e2.txt", NULL);
	CHECK(e && strstr(e, "the audit log cannot be changed"));
	free(e);
	CHECK_STR(sql1("a.db", "SELECT count(*) || ':' || total(length(changes)) FROM audit_log"), before);
	/* the erasure the law asks for still goes through, and is recorded */
	char person[64];
	snprintf(person, sizeof person, "%s", sql1("a.db", "SELECT id FROM person WHERE deleted = 0 LIMIT 1"));
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"INSERT INTO audit_log(at, user_login, action, table_name, record_id, "
	         "changes) VALUES ('2026-11-20T09:00:00Z', 'admin', 'update', 'person', '%s', "
	         "'{\\\"full_name\\\":[\\\"A\\\",\\\"B\\\"]}')\"", gn_e2e_path("a.db"), person);
	REQUIRE(system(cmd) == 0);
	snprintf(cmd, sizeof cmd, "erase --db a.db --person %s --yes", person);
	CHECK_EQ_INT(run("admin", cmd), 0);
	snprintf(cmd, sizeof cmd, "SELECT changes FROM audit_log WHERE record_id = '%s' AND action = 'update'", person);
	CHECK_STR(sql1("a.db", cmd), "{\"full_name\":[\"(erased)\",\"(erased)\"]}");
	snprintf(cmd, sizeof cmd, "SELECT count(*) FROM audit_log WHERE record_id = '%s' AND action = 'erase'", person);
	CHECK_STR(sql1("a.db", cmd), "1");
	CHECK_STR(sql1("a.db", "SELECT count(*) FROM meta WHERE key = 'audit_erasing'"), "0");
}

/* A file whose indexes or triggers were dropped (the audit log's guard
 * among them) is not a file gonha can vouch for: check says so. */
static void check_finds_the_schema_changed(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	CHECK_EQ_INT(run("admin", "check --db a.db"), 0);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"DROP INDEX person_household; DROP TRIGGER audit_log_no_delete\"",
	         gn_e2e_path("a.db"));
	REQUIRE(system(cmd) == 0);
	CHECK_EQ_INT(run("admin", "check --db a.db"), 1);
	CHECK(has(gn_e2e_out, "schema\t\tperson_household\tthe index person_household is missing"));
	CHECK(has(gn_e2e_out, "schema\t\taudit_log_no_delete\tthe trigger audit_log_no_delete is missing"));
	/* with its guard gone, entries removed or changed outside gonha are
	 * found where they can be: a gap in the numbering, unreadable changes */
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h1.csv"), 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h2.csv"), 0);
	CHECK_EQ_INT(run("admin", "export --db a.db --what households --out h3.csv"), 0);
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"DROP TRIGGER audit_log_no_update; DELETE FROM audit_log WHERE changes "
	         "LIKE '%%h2.csv%%'; UPDATE audit_log SET changes = '{broken' WHERE changes LIKE '%%h3.csv%%'\"",
	         gn_e2e_path("a.db"));
	REQUIRE(system(cmd) == 0);
	CHECK_EQ_INT(run("admin", "check --db a.db"), 1);
	CHECK(has(gn_e2e_out, "audit\taudit_log\t"));
	CHECK(has(gn_e2e_out, "1 entries of the audit log before this one are missing: removed outside gonha"));
	CHECK(has(gn_e2e_out, "the entry's changes are not readable: changed outside gonha"));
}

/* A damaged file is not copied into a backup that restore would refuse:
 * the backup says so and makes nothing. A good backup restores over it. */
static void a_damaged_file_is_not_backed_up(void)
{
	REQUIRE(gn_e2e_run("admin", "demo --db d.db --tdps 2 --households 30") == 0);
	REQUIRE(gn_e2e_run("admin", "backup --db d.db --out good.bak") == 0);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "printf '\\015\\000\\000\\000\\377\\377' | dd of='%s' bs=1 seek=%d conv=notrunc "
	         "2>/dev/null", gn_e2e_path("d.db"), 4096 * 6);
	REQUIRE(system(cmd) == 0);
	CHECK(run("admin", "backup --db d.db --out d.bak") != 0);
	CHECK(has(gn_e2e_err, "the database is damaged"));
	CHECK(gn_e2e_read("d.bak", NULL) == NULL);
	/* nor into a snapshot beside it (the same copy the sign-out makes) */
	CHECK(run("admin", "backup --db d.db") != 0);
	CHECK(has(gn_e2e_err, "the database is damaged"));
	char ls[1024];
	snprintf(ls, sizeof ls, "ls -A '%s' | grep -c . ", gn_e2e_path("d.db.backups"));
	FILE *p = popen(ls, "r");
	REQUIRE(p);
	int n = -1;
	CHECK(fscanf(p, "%d", &n) == 1);
	pclose(p);
	CHECK_EQ_INT(n, 0);
	/* the TDP table's own page damaged: a list says the file is damaged,
	 * never that the TDP does not exist */
	int root = atoi(sql1("d.db", "SELECT rootpage FROM sqlite_master WHERE name = 'tdp'"));
	REQUIRE(root > 1);
	snprintf(cmd, sizeof cmd, "printf '\\015\\000\\000\\000\\377\\377' | dd of='%s' bs=1 seek=%d conv=notrunc "
	         "2>/dev/null", gn_e2e_path("d.db"), 4096 * (root - 1));
	REQUIRE(system(cmd) == 0);
	CHECK(run("tdp01", "list --db d.db --tdp 01") != 0);
	CHECK(has(gn_e2e_err, "is damaged"));
	CHECK(!strstr(gn_e2e_err, "no TDP"));
	/* the damaged ward is set aside as it is, and the good copy replaces it */
	CHECK_EQ_INT(run("admin", "restore --db d.db --from good.bak"), 0);
	CHECK(has(gn_e2e_out, "d.db.before-restore-"));
	CHECK_EQ_INT(run("admin", "check --db d.db"), 0);
}

/* What a TDP leader was refused is in the log, with the TDP asked for:
 * whole IDs, another TDP's list, another TDP's households in an import
 * (refused inside its transaction, which is rolled back: the record stays).
 * A script cannot flood the log with refusals. */
static void refusals_are_in_the_log(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	CHECK(run("tdp01", "export --db a.db --what persons --out p.csv --with-ids") != 0);
	CHECK(run("tdp01", "list --db a.db --tdp 02") != 0);
	CHECK(run("tdp01", "user list --db a.db") != 0);
	const char *list = "tdp_code,house_no,alley,street,head_name,head_birth_year,head_sex\n"
	                   "02,101,ngõ 9,Lương Ngọc Quyến,Trần Văn Tâm,1961,male\n";
	gn_e2e_write("list.csv", list, strlen(list));
	CHECK(run("tdp01", "import list.csv --db a.db") != 0);
	CHECK(has(gn_e2e_err, "TDP 02 is not yours"));
	CHECK_STR(sql1("a.db", "SELECT count(*) FROM person WHERE full_name = 'Trần Văn Tâm'"), "0");
	CHECK_STR(sql1("a.db", "SELECT group_concat(json_extract(changes, '$.why') || ':' || "
	                       "coalesce((SELECT code FROM tdp WHERE id = audit_log.tdp_id), '-'), ' ') "
	                       "FROM (SELECT * FROM audit_log WHERE action = 'refused' AND user_login = 'tdp01' "
	                       "ORDER BY id) AS audit_log"),
	          "officer_only:- not_your_tdp:02 officer_only:- not_your_tdp:02");
	/* a ward officer's own work is never "refused" */
	CHECK_EQ_INT(run("admin", "list --db a.db --tdp 02"), 0);
	CHECK_STR(sql1("a.db", "SELECT count(*) FROM audit_log WHERE action = 'refused' AND user_login = 'admin'"), "0");
	/* a loop of refusals: 30 a minute reach the log */
	for (int i = 0; i < 40; i++)
		run("tdp01", "list --db a.db --tdp 03");
	CHECK_STR(sql1("a.db", "SELECT count(*) FROM audit_log WHERE action = 'refused'"), "30");
}

/* The log as text, row by row, up to id max (every row if max < 0), but
 * for the rows of record `except` (NULL: none). */
static char *log_rows_but(const char *db, long max, const char *except)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	size_t cap = 1 << 16, len = 0;
	char *out = calloc(1, cap);
	if (!out || sqlite3_open_v2(gn_e2e_path(db), &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "SELECT id || '|' || coalesce(at, '') || '|' || coalesce(user_login, '') || '|' || "
	                          "coalesce(action, '') || '|' || coalesce(table_name, '') || '|' || coalesce(record_id, "
	                          "'') || '|' || coalesce(tdp_id, '') || '|' || coalesce(changes, '') FROM "
	                          "audit_log WHERE (?1 < 0 OR id <= ?1) AND record_id IS NOT ?2 ORDER BY id", -1, &st,
	                       NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return out;
	}
	sqlite3_bind_int64(st, 1, max);
	if (except)
		sqlite3_bind_text(st, 2, except, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *row = (const char *)sqlite3_column_text(st, 0);
		size_t n = strlen(row);
		if (len + n + 2 > cap) {
			char *bigger = realloc(out, cap = 2 * (len + n + 2));
			if (!bigger)
				break;
			out = bigger;
		}
		memcpy(out + len, row, n);
		len += n;
		out[len++] = '\n';
		out[len] = '\0';
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return out;
}

static char *log_rows(const char *db, long max)
{
	return log_rows_but(db, max, NULL);
}

static long last_id(const char *db)
{
	return atol(sql1(db, "SELECT coalesce(max(id), 0) FROM audit_log"));
}

/* One command as a user runs it, and the log after: every row that was
 * there is still there, unchanged; rows are only ever added. */
typedef struct step {
	const char *command; /* as `gonha --help` names it */
	const char *env;     /* who runs it, and what it asks for */
	const char *args;
} step;

/* Every command of `gonha --help`, each run the way its users run it,
 * changes nothing the log holds (rows are only added), but for the two
 * changes the design makes: an erasure blanks that person's old values
 * (the law's request, recorded), and a restore brings back the log of the
 * backup (the log as it was then, and the restore). A command added to the
 * help and not here fails the test. */
static void no_command_changes_what_the_log_holds(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	char form_dir[1024], form_args[1100];
	gn_forms_dir(form_dir, sizeof form_dir);
	snprintf(form_args, sizeof form_args, "form check '%s/census'", form_dir);
	char add_args[1200]; /* a real form of others (../shared, beside the source tree) */
	snprintf(add_args, sizeof add_args, "form add '%s/../../shared/real-forms/pyxform-tutorial' --db a.db", form_dir);
	char person[64], erase_args[128];
	snprintf(person, sizeof person, "%s", sql1("a.db", "SELECT id FROM person WHERE deleted = 0 ORDER BY id LIMIT 1"));
	snprintf(erase_args, sizeof erase_args, "erase --db a.db --person %s --yes", person);
	/* a household list to import, then undo (import 1) */
	const char *list = "tdp_code,house_no,alley,street,head_name,head_birth_year,head_sex\n"
	                   "02,77,ngõ 3,Phố Thử,Đỗ Văn Nhập,1970,male\n";
	gn_e2e_write("list.csv", list, strlen(list));
#define ADMIN "GONHA_USER=admin GONHA_PASSWORD=demo GONHA_NEW_PASSWORD=new-pass-1"
	const step steps[] = {
		{ "report", ADMIN, "report --db a.db" },
		{ "report", ADMIN, "report --db a.db --missing smartphone" },
		{ "export", ADMIN, "export --db a.db --what persons --with-ids --out p.csv" },
		{ "export", ADMIN, "export --db a.db --what households --out h.xlsx" },
		{ "import", ADMIN, "import p.csv --db a.db" },
		{ "import", ADMIN, "import h.xlsx --db a.db --dry-run" },
		{ "import", ADMIN, "import list.csv --db a.db" },
		{ "import", ADMIN, "import history --db a.db" },
		{ "import", ADMIN, "import undo 1 --db a.db" },
		{ "list", "GONHA_USER=tdp01 GONHA_PASSWORD=demo", "list --db a.db --tdp 01 --filter revisit" },
		{ "list", "GONHA_USER=tdp01 GONHA_PASSWORD=demo", "list --db a.db --tdp 02" }, /* refused */
		{ "conflicts", ADMIN, "conflicts --db a.db" },
		{ "verify", "GONHA_USER=tdp01 GONHA_PASSWORD=demo", "verify sample --db a.db --tdp 01 --percent 5 --seed 16" },
		{ "verify", "GONHA_USER=tdp01 GONHA_PASSWORD=demo", "verify sample --db a.db --tdp 01 --count 9999" }, /* refused */
		{ "verify", ADMIN, "verify status --db a.db" },
		{ "verify", ADMIN, "verify diff --db a.db --all" },
		{ "verify", ADMIN, "verify resolve 1 --keep first --db a.db" }, /* none yet: refused */
		{ "verify", ADMIN, "verify rates --db a.db" },
		{ "sheet", "GONHA_USER=tdp01 GONHA_PASSWORD=demo", "sheet walk --db a.db --tdp 01 --out w.pdf" },
		{ "sheet", "GONHA_USER=tdp01 GONHA_PASSWORD=demo", "sheet revisit --db a.db --tdp 01 --out r.pdf" },
		{ "sheet", ADMIN, "sheet missing --db a.db --tdp 02 --indicator c_basic_skills --out m.pdf" },
		{ "form", ADMIN, form_args },
		{ "form", ADMIN, add_args },
		{ "form", ADMIN, "form list --db a.db" },
		{ "form", ADMIN, "form use tutorial --tdp 02 --db a.db" },
		{ "form", ADMIN, "form use census --all --db a.db" },
		{ "form", "", "form codebook --db a.db --out cb.xlsx" },
		{ "check", ADMIN, "check --db a.db" },
		{ "user", ADMIN, "user add nv1 --role tech_team --name 'Lê Văn Tư' --tdp 01 --db a.db" },
		{ "user", ADMIN, "user assign nv1 --tdp 01,02 --db a.db" },
		{ "user", ADMIN, "user passwd nv1 --db a.db" },
		{ "user", ADMIN, "user disable nv1 --db a.db" },
		{ "user", ADMIN, "user enable nv1 --db a.db" },
		{ "user", ADMIN, "user list --db a.db" },
		{ "user", "GONHA_USER=nobody GONHA_PASSWORD=wrong", "user list --db a.db" }, /* a failed sign-in */
		{ "audit", ADMIN, "audit --db a.db --out log.csv" },
		{ "config", ADMIN, "config --db a.db --idle-lock 10" },
		{ "backup", ADMIN, "backup --db a.db --out b.db" },
		{ "backup", ADMIN " GONHA_PASSPHRASE=ngo-nho-pho-nho", "backup --db a.db --out s.gbk --seal" },
		{ "recover", "GONHA_RECOVERY_CODE=AAAAA-BBBBB-CCCCC-DDDDD-EEEEE GONHA_NEW_PASSWORD=x-pass-2",
		  "recover --db a.db --user admin" }, /* a wrong code: refused */
		{ "erase", ADMIN, erase_args },
		{ "restore", ADMIN, "restore --db a.db --from b.db" },
		{ "init", "GONHA_PASSWORD=secret1", "init --db n.db --ward 'Phường Mới' --tdps 2" },
		{ "demo", "", "demo --db d.db --tdps 1 --households 2" },
	};
#undef ADMIN
	size_t n = sizeof steps / sizeof *steps;
	char *at_backup = NULL;
	long backup_last = 0;
	for (size_t i = 0; i < n; i++) {
		const step *s = &steps[i];
		bool new_file = strcmp(s->command, "init") == 0 || strcmp(s->command, "demo") == 0;
		long before_last = last_id("a.db");
		char *before = log_rows("a.db", -1);
		if (strcmp(s->command, "erase") == 0) /* the file as it was, to compare the others' rows */
			CHECK_EQ_INT(gn_e2e_run_env("GONHA_USER=admin GONHA_PASSWORD=demo", "backup --db a.db --out a.db.before"), 0);
		gn_e2e_run_env(s->env, s->args);
		if (new_file) {
			/* a new ward's log starts at 1 and only grows: the other file's
			 * is not touched */
			char *after = log_rows("a.db", -1);
			CHECK_STR(after, before);
			free(after);
			free(before);
			continue;
		}
		char *after = log_rows("a.db", strcmp(s->command, "restore") == 0 ? backup_last : before_last);
		if (strcmp(s->command, "erase") == 0) {
			/* that person's values went, nothing else: the rows of others,
			 * and every row's who/when/what, as they were */
			char q[512];
			snprintf(q, sizeof q, "SELECT count(*) FROM audit_log WHERE id <= %ld AND record_id = '%s' AND changes "
			                      "NOT LIKE '%%(erased)%%' AND changes <> '{}'", before_last, person);
			CHECK_STR(sql1("a.db", q), "0");
			CHECK(last_id("a.db") > before_last); /* and the erasure is in it */
			char *others_before = log_rows_but("a.db.before", -1, person), *others_after =
				log_rows_but("a.db", before_last, person);
			CHECK_STR(others_after, others_before);
			free(others_before);
			free(others_after);
		} else if (strcmp(s->command, "restore") == 0) {
			CHECK(at_backup != NULL);
			if (at_backup && strcmp(after, at_backup) != 0) {
				fprintf(stderr, "  after restore, the log up to the backup is not the backup's\n");
				gn_test_failed = 1;
			}
			CHECK_STR(sql1("a.db", "SELECT action FROM audit_log ORDER BY id DESC LIMIT 1"), "restore");
		} else if (strcmp(after, before) != 0) {
			fprintf(stderr, "  `gonha %s` changed rows of the log that were there before it\n", s->args);
			gn_test_failed = 1;
		}
		if (strcmp(s->command, "backup") == 0 && strstr(s->args, "b.db")) {
			free(at_backup);
			backup_last = last_id("b.db");
			at_backup = log_rows("b.db", -1);
		}
		free(before);
		free(after);
	}
	free(at_backup);

	/* every command the help names is in the list above */
	gn_e2e_run_env("", "--help");
	int named = 0;
	for (const char *line = gn_e2e_out; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (len > 8 && strncmp(line, "  gonha ", 8) == 0 && line[8] != '[' && line[8] != '-') {
			char name[64];
			size_t k = 0;
			while (k + 1 < sizeof name && 8 + k < len && line[8 + k] != ' ')
				name[k] = line[8 + k], k++;
			name[k] = '\0';
			named++;
			bool covered = false;
			for (size_t i = 0; i < n; i++)
				covered |= strcmp(steps[i].command, name) == 0;
			if (!covered) {
				fprintf(stderr, "  `gonha %s` is in the help but not in this test\n", name);
				gn_test_failed = 1;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	CHECK(named >= 15); /* the help was read */
}

GN_TESTS(T(no_command_changes_what_the_log_holds), T(bulk_reads_are_in_the_log), T(nothing_changes_or_empties_the_log), T(check_finds_the_schema_changed),
         T(a_damaged_file_is_not_backed_up),
         T(refusals_are_in_the_log))
