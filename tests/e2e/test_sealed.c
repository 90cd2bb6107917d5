/* Sealed backups, the copies that leave the PC on a USB stick: nothing
 * readable in them (no citizen ID), restored whole with the passphrase,
 * and with a wrong passphrase, a cut or changed file, or another ward's
 * copy, refused in one line with nothing changed. */
#include "e2e_fixtures.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define sql1 gn_e2e_sql1

static int run_pass(const char *passphrase, const char *args)
{
	char env[256];
	snprintf(env, sizeof env, "GONHA_USER=admin GONHA_PASSWORD=demo GONHA_PASSPHRASE=%s", passphrase);
	return gn_e2e_run_env(env, args);
}

#define has gn_e2e_has

#define occurrences gn_e2e_occurrences

static int shell(const char *fmt, const char *a, const char *b)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, fmt, a, b);
	return system(cmd);
}

static void a_sealed_backup_goes_and_comes_back(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	char cccd[1][13];
	REQUIRE(gn_e2e_cccds("a.db", cccd, 1) == 1);
	/* too short a passphrase: nothing made */
	CHECK(run_pass("short", "backup --db a.db --out s.gbk --seal") != 0);
	CHECK(has(gn_e2e_err, "passphrase is too short"));
	CHECK(gn_e2e_read("s.gbk", NULL) == NULL);
	CHECK(run_pass("ngo-nho-pho-nho", "backup --db a.db --out s.gbk --seal") == 0);
	CHECK_EQ_INT(occurrences("a.db", cccd[0]), 0); /* encrypted in the database itself */
	CHECK(occurrences("a.db", "Nguy") > 0);         /* names are not */
	CHECK_EQ_INT(occurrences("s.gbk", cccd[0]), 0);
	CHECK_EQ_INT(occurrences("s.gbk", "SQLite format 3"), 0);
	CHECK_EQ_INT(occurrences("s.gbk", "Nguy"), 0);
	CHECK_STR(sql1("a.db", "SELECT json_extract(changes, '$.what') || ' ' || json_extract(changes, '$.file') FROM "
	                       "audit_log WHERE action = 'bulk_read' ORDER BY id DESC LIMIT 1"), "backup_sealed s.gbk");
	/* no plain copy left behind on the way */
	CHECK(shell("ls -A '%s/a.db.backups' | grep -q '^sealing-' %s", gn_test_tmpdir(), "") != 0);
	/* one a gonha killed half-way left is cleared by the next (its process
	 * is gone: a child that has exited) */
	pid_t gone = fork();
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	char leftover[256];
	snprintf(leftover, sizeof leftover, "a.db.backups/sealing-%ld.db", (long)gone);
	gn_e2e_write(leftover, "SQLite format 3", 15);
	CHECK(run_pass("ngo-nho-pho-nho", "backup --db a.db --out s2.gbk --seal") == 0);
	CHECK(gn_e2e_read(leftover, NULL) == NULL);
	char before[1 << 14];
	snprintf(before, sizeof before, "%s", gn_e2e_fingerprint("a.db"));

	/* a wrong passphrase: refused, nothing changed, nothing left */
	CHECK_EQ_INT(run_pass("sai-mat-khau", "restore --db a.db --from s.gbk"), 2);
	CHECK(has(gn_e2e_err, "the passphrase is wrong for s.gbk"));
	CHECK_STR(gn_e2e_fingerprint("a.db"), before);
	CHECK(shell("ls -A '%s' | grep -q 'opened\\|\\.part$' %s", gn_test_tmpdir(), "") != 0);

	/* cut short, or a byte changed inside: refused the same way */
	REQUIRE(shell("head -c 20000 '%s/s.gbk' > '%s/cut.gbk'", gn_test_tmpdir(), gn_test_tmpdir()) == 0);
	CHECK_EQ_INT(run_pass("ngo-nho-pho-nho", "restore --db a.db --from cut.gbk"), 2);
	CHECK(has(gn_e2e_err, "cut.gbk is cut short or damaged"));
	REQUIRE(shell("cp '%s/s.gbk' '%s/bent.gbk'", gn_test_tmpdir(), gn_test_tmpdir()) == 0);
	char dd[2048];
	snprintf(dd, sizeof dd, "printf 'X' | dd of='%s/bent.gbk' bs=1 seek=200000 conv=notrunc 2>/dev/null",
	         gn_test_tmpdir());
	REQUIRE(system(dd) == 0);
	CHECK_EQ_INT(run_pass("ngo-nho-pho-nho", "restore --db a.db --from bent.gbk"), 2);
	CHECK(has(gn_e2e_err, "bent.gbk is cut short or damaged"));
	CHECK_STR(gn_e2e_fingerprint("a.db"), before);

	/* the right one: the ward as it was when sealed */
	REQUIRE(gn_e2e_run("admin", "export --db a.db --what households --out h.csv") == 0);
	CHECK_EQ_INT(run_pass("ngo-nho-pho-nho", "restore --db a.db --from s.gbk"), 0);
	CHECK_EQ_INT(gn_e2e_run("admin", "check --db a.db"), 0);
	CHECK_STR(sql1("a.db", "SELECT count(*) FROM audit_log WHERE changes LIKE '%h.csv%'"), "0");
	CHECK_STR(sql1("a.db", "SELECT count(*) FROM audit_log WHERE action = 'restore' AND changes LIKE '%s.gbk%'"), "1");
	CHECK(shell("ls -A '%s' | grep -q 'opened' %s", gn_test_tmpdir(), "") != 0);
}

/* Another ward's sealed copy is refused in one line, before any
 * passphrase is asked for (none is given here: it would be "no passphrase"). */
static void another_wards_sealed_copy_is_refused(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	REQUIRE(run_pass("ngo-nho-pho-nho", "backup --db a.db --out s.gbk --seal") == 0);
	REQUIRE(gn_e2e_run("admin", "demo --db b.db --tdps 2 --households 5 --seed 9") == 0);
	char ours[128];
	snprintf(ours, sizeof ours, "%s", sql1("a.db", "SELECT value FROM meta WHERE key = 'ward_id'"));
	CHECK(strcmp(ours, sql1("b.db", "SELECT value FROM meta WHERE key = 'ward_id'")) != 0);
	CHECK_EQ_INT(gn_e2e_run("admin", "restore --db b.db --from s.gbk"), 2);
	CHECK(has(gn_e2e_err, "s.gbk was made for another ward; nothing was changed"));
	CHECK(!strstr(gn_e2e_err, "passphrase"));
	/* and a sealed copy given where a plain one is read says what it is */
	CHECK(gn_e2e_run("admin", "import s.gbk --db a.db") != 0);
}

/* A --with-ids export sealed for the stick: no CCCD in it; it comes back
 * through import with its passphrase (nothing to change: all unchanged),
 * and a wrong passphrase changes nothing. */
static void a_sealed_export_goes_and_comes_back(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	char cccd[1][13];
	REQUIRE(gn_e2e_cccds("a.db", cccd, 1) == 1);
	CHECK_EQ_INT(run_pass("ngo-nho-pho-nho", "export --db a.db --what persons --with-ids --out p.csv.gbk --seal"), 0);
	CHECK(has(gn_e2e_err, "rows written to p.csv.gbk"));
	CHECK_EQ_INT(occurrences("p.csv.gbk", cccd[0]), 0);
	CHECK_EQ_INT(occurrences("p.csv.gbk", "full_name"), 0);
	CHECK(shell("ls -A '%s/a.db.backups' | grep -q . %s", gn_test_tmpdir(), "") != 0); /* no plain file left */
	CHECK_STR(sql1("a.db", "SELECT json_extract(changes, '$.ids') || ' ' || json_extract(changes, '$.file') FROM "
	                       "audit_log WHERE action = 'bulk_read' ORDER BY id DESC LIMIT 1"), "whole p.csv.gbk");
	char before[1 << 14];
	snprintf(before, sizeof before, "%s", gn_e2e_fingerprint("a.db"));
	CHECK_EQ_INT(run_pass("sai-mat-khau", "import p.csv.gbk --db a.db"), 2);
	CHECK(has(gn_e2e_err, "the passphrase is wrong for p.csv.gbk"));
	CHECK_STR(gn_e2e_fingerprint("a.db"), before);
	CHECK_EQ_INT(run_pass("ngo-nho-pho-nho", "import p.csv.gbk --db a.db"), 0);
	CHECK(has(gn_e2e_out, "added 0"));
	CHECK_STR(gn_e2e_fingerprint("a.db"), before);
	CHECK(shell("ls -A '%s/a.db.backups' | grep -q . %s", gn_test_tmpdir(), "") != 0);
	/* an XLSX sealed the same way */
	CHECK_EQ_INT(run_pass("ngo-nho-pho-nho", "export --db a.db --what households --format xlsx --out h.gbk --seal"), 0);
	CHECK_EQ_INT(run_pass("ngo-nho-pho-nho", "import h.gbk --db a.db --dry-run"), 0);
}

GN_TESTS(T(a_sealed_backup_goes_and_comes_back), T(another_wards_sealed_copy_is_refused),
         T(a_sealed_export_goes_and_comes_back))
