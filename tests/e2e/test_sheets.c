/* Paper for the round, through the real binary: the walk sheet of a TDP
 * and of one alley, the revisit list and the people not yet counted, as
 * PDF. Each is read back with poppler-utils: its text (pdftotext) has the
 * Vietnamese names in walking order, the TDP and the day, and no CCCD; its
 * fonts (pdffonts) are the one font, embedded, with no fallback; its pages
 * are drawn (pdftoppm; into $GONHA_SHEET_PNG_DIR when set, to look at).
 * Files are 0600 and audited. A TDP with nothing to list, a folder that
 * cannot be written and a full disk each say so and leave nothing. The
 * readable `gonha list`, and the key on the TDP screen. */
#include "e2e_fixtures.h"
#include "testlib.h"
#include "ui_fixtures.h"
#include "term.h"

#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define sql1 gn_e2e_sql1
#define has gn_e2e_has
#define FONT "LiberationSans"
#define WAIT(t, text) CHECK_EQ_INT(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, text) REQUIRE(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS) == 0)

/* `gonha <args>` as user, in Vietnamese, files for people into out/. */
static int run(const char *user, const char *args)
{
	char env[1024];
	snprintf(env, sizeof env, "GONHA_LANG=vi GONHA_USER=%s GONHA_PASSWORD=demo GONHA_EXPORT_DIR='%s/out'", user,
	         gn_test_tmpdir());
	return gn_e2e_run_env(env, args);
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static bool exists(const char *name)
{
	struct stat sb;
	return lstat(gn_e2e_path(name), &sb) == 0;
}

static int mode_of(const char *name)
{
	struct stat sb;
	return stat(gn_e2e_path(name), &sb) == 0 ? (int)(sb.st_mode & 0777) : -1;
}

/* Every line of names (one a line) is in text, each after the one before:
 * the walking order. How many were found in order. */
static int in_order(const char *text, const char *names)
{
	int n = 0;
	const char *at = text;
	char *copy = strdup(names), *save = NULL;
	for (char *name = strtok_r(copy, "\n", &save); name && at; name = strtok_r(NULL, "\n", &save)) {
		const char *hit = strstr(at, name);
		if (!hit) {
			fprintf(stderr, "  \"%s\" is not where the walk has it\n", name);
			break;
		}
		at = hit + strlen(name);
		n++;
	}
	free(copy);
	return n;
}

static int lines_of(const char *s)
{
	int n = *s ? 1 : 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Draws the sheet's pages to PNG: in $GONHA_SHEET_PNG_DIR when set (to
 * look at them), else in the test folder. How many pages. */
static int draw_pages(const char *name, const char *stem)
{
	char prefix[2048];
	const char *dir = getenv("GONHA_SHEET_PNG_DIR");
	if (dir && *dir)
		snprintf(prefix, sizeof prefix, "%s/%s", dir, stem);
	else
		snprintf(prefix, sizeof prefix, "%s/%s", gn_test_tmpdir(), stem);
	return gn_e2e_pdf_pages(name, prefix);
}

/* The last bulk read recorded: what:records:ids:file */
static const char *last_bulk_read(void)
{
	return sql1("a.db", "SELECT json_extract(changes, '$.what') || ':' || json_extract(changes, '$.records') || ':' "
	                    "|| json_extract(changes, '$.ids') || ':' || json_extract(changes, '$.file') || ':' || "
	                    "coalesce((SELECT code FROM tdp WHERE id = audit_log.tdp_id), '-') FROM audit_log "
	                    "WHERE action = 'bulk_read' ORDER BY id DESC LIMIT 1");
}

static long bulk_reads(void)
{
	return atol(sql1("a.db", "SELECT count(*) FROM audit_log WHERE action = 'bulk_read'"));
}

/* No citizen ID of the ward, whole or masked, in text. */
static bool no_cccd(const char *text, char (*ids)[13], int n)
{
	bool ok = n > 0;
	for (int i = 0; i < n; i++) {
		char masked[13];
		snprintf(masked, sizeof masked, "%.3s******%.3s", ids[i], ids[i] + 9);
		if (strstr(text, ids[i]) || strstr(text, masked)) {
			fprintf(stderr, "  CCCD %s on the sheet\n", masked);
			ok = false;
		}
	}
	return ok;
}

#define HEADS(where) \
	"SELECT group_concat(name, char(10)) FROM (SELECT (SELECT p.full_name FROM person p WHERE p.household_id = h.id " \
	"AND p.deleted = 0 AND p.relation = 'head' ORDER BY p.position LIMIT 1) AS name FROM household h JOIN tdp t " \
	"ON t.id = h.tdp_id WHERE h.deleted = 0 AND t.code = '01' " where " ORDER BY h.walk_order, h.id)"

/* A ward whose TDP 01 has several alleys and more than a page. */
static bool bigger_demo(void)
{
	return gn_e2e_demo("a.db") && sh("rm -f '%s'", gn_e2e_path("a.db")) == 0 &&
	       gn_e2e_run("admin", "demo --db a.db --tdps 2 --households 40 --seed 7") == 0;
}

static void the_walk_sheet_is_the_walk(void)
{
	REQUIRE(bigger_demo());
	static char ids[400][13];
	int n_ids = gn_e2e_cccds("a.db", ids, 400);
	REQUIRE(n_ids > 10);
	char *heads = strdup(sql1("a.db", HEADS("")));
	int n = lines_of(heads);
	REQUIRE(n == 40);
	long before = bulk_reads();
	CHECK_EQ_INT(run("tdp01", "sheet walk --db a.db --tdp 01 --out walk.pdf"), 0);
	CHECK(has(gn_e2e_err, "Đã ghi phiếu (40 dòng): walk.pdf"));
	CHECK_EQ_INT(mode_of("walk.pdf"), 0600);
	CHECK(!exists("walk.pdf.part"));
	char *text = gn_e2e_pdf_text("walk.pdf");
	REQUIRE(text);
	CHECK_EQ_INT(in_order(text, heads), n);
	CHECK(has(text, "PHIẾU ĐI TỪNG NHÀ"));
	CHECK(has(text, "TDP 01 · Tổ dân phố 1"));
	CHECK(has(text, "Ngày in: 20/11/2026"));
	CHECK(has(text, "40 hộ"));
	CHECK(has(text, "trang 1/2"));
	CHECK(has(text, "Kết quả"));           /* the blank columns, to write in */
	CHECK(has(text, "Người đi:"));
	CHECK(has(text, "Phường"));
	CHECK(no_cccd(text, ids, n_ids));
	/* the alleys as headings, in the order walked */
	char *alleys = strdup(sql1("a.db", "SELECT group_concat(a, char(10)) FROM (SELECT h.alley AS a FROM household h "
	                                   "JOIN tdp t ON t.id = h.tdp_id WHERE t.code = '01' GROUP BY h.alley ORDER BY "
	                                   "min(h.walk_order))"));
	CHECK(in_order(text, alleys) == lines_of(alleys));
	CHECK(gn_e2e_pdf_fonts("walk.pdf", FONT) >= 1);
	CHECK_EQ_INT(draw_pages("walk.pdf", "walk"), 2);
	CHECK_EQ_INT(bulk_reads(), before + 1);
	CHECK_STR(last_bulk_read(), "walk_sheet:40:masked:walk.pdf:01");
	free(text);

	/* one alley, typed without its accents */
	char alley[128], where[400], args[512];
	snprintf(alley, sizeof alley, "%s", sql1("a.db", "SELECT h.alley FROM household h JOIN tdp t ON t.id = h.tdp_id "
	                                                 "WHERE t.code = '01' ORDER BY h.walk_order DESC LIMIT 1"));
	REQUIRE(alley[0]);
	snprintf(where, sizeof where, "AND h.alley = '%s'", alley);
	char q[2048];
	snprintf(q, sizeof q,
	         "SELECT group_concat(name, char(10)) FROM (SELECT (SELECT p.full_name FROM person p WHERE "
	         "p.household_id = h.id AND p.deleted = 0 AND p.relation = 'head' ORDER BY p.position LIMIT 1) AS name "
	         "FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE h.deleted = 0 AND t.code = '01' %s ORDER BY "
	         "h.walk_order, h.id)", where);
	char *in_alley = strdup(sql1("a.db", q));
	int m = lines_of(in_alley);
	REQUIRE(m > 0 && m < 40);
	/* "ngõ" typed as "ngo" */
	char typed[128];
	size_t k = 0;
	for (const char *c = alley; *c && k + 1 < sizeof typed; c++) {
		if (strncmp(c, "õ", strlen("õ")) == 0) {
			typed[k++] = 'o';
			c += strlen("õ") - 1;
		} else {
			typed[k++] = *c;
		}
	}
	typed[k] = '\0';
	CHECK(strcmp(typed, alley) != 0);
	snprintf(args, sizeof args, "sheet walk --db a.db --tdp 01 --alley '%s' --out alley.pdf", typed);
	CHECK_EQ_INT(run("tdp01", args), 0);
	text = gn_e2e_pdf_text("alley.pdf");
	REQUIRE(text);
	CHECK_EQ_INT(in_order(text, in_alley), m);
	char count[64];
	snprintf(count, sizeof count, "%d hộ", m);
	CHECK(has(text, count));
	CHECK(has(text, alley));
	CHECK(gn_e2e_pdf_fonts("alley.pdf", FONT) >= 1);
	CHECK(draw_pages("alley.pdf", "alley") >= 1);
	free(text);
	free(in_alley);
	free(heads);
	free(alleys);
}

static void the_revisit_and_missing_lists(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	char *revisit = strdup(sql1("a.db", HEADS("AND h.visit_status = 'revisit'")));
	int n = lines_of(revisit);
	REQUIRE(n > 0);
	CHECK_EQ_INT(run("tdp01", "sheet revisit --db a.db --tdp 01 --out revisit.pdf"), 0);
	char *text = gn_e2e_pdf_text("revisit.pdf");
	REQUIRE(text);
	CHECK_EQ_INT(in_order(text, revisit), n);
	CHECK(has(text, "DANH SÁCH HỘ CẦN QUAY LẠI"));
	char count[64];
	snprintf(count, sizeof count, "%d hộ", n);
	CHECK(has(text, count));
	CHECK(has(text, "hẹn lại"));
	CHECK(gn_e2e_pdf_fonts("revisit.pdf", FONT) >= 1);
	CHECK(draw_pages("revisit.pdf", "revisit") >= 1);
	char want[128];
	snprintf(want, sizeof want, "revisit_sheet:%d:masked:revisit.pdf:01", n);
	CHECK_STR(last_bulk_read(), want);
	free(text);
	free(revisit);

	/* the people not yet counted in the basic skills, in walking order */
	char *missing = strdup(sql1("a.db",
	    "SELECT group_concat(full_name, char(10)) FROM (SELECT p.full_name FROM person p JOIN household h ON "
	    "h.id = p.household_id JOIN tdp t ON t.id = h.tdp_id WHERE p.deleted = 0 AND h.deleted = 0 AND t.code = '01' "
	    "AND 2026 - p.birth_year >= 18 AND NOT coalesce((1 AND json_extract(p.answers, '$.smartphone') = 'yes' AND "
	    "json_extract(p.answers, '$.digital_safety') = 'yes' AND (json_extract(p.answers, '$.online_services') = "
	    "'yes' OR json_extract(p.answers, '$.cashless') = 'yes')), 0) ORDER BY h.walk_order, p.position)"));
	int m = lines_of(missing);
	REQUIRE(m > 0);
	CHECK_EQ_INT(run("tdp01", "sheet missing --db a.db --tdp 01 --indicator c_basic_skills --out missing.pdf"), 0);
	text = gn_e2e_pdf_text("missing.pdf");
	REQUIRE(text);
	CHECK_EQ_INT(in_order(text, missing), m);
	snprintf(count, sizeof count, "%d người", m);
	CHECK(has(text, count));
	CHECK(has(text, "NGƯỜI CẦN HỖ TRỢ"));
	CHECK(has(text, "Còn thiếu"));
	CHECK(gn_e2e_pdf_fonts("missing.pdf", FONT) >= 1);
	CHECK(draw_pages("missing.pdf", "missing") >= 1);
	snprintf(want, sizeof want, "missing_sheet:%d:masked:missing.pdf:01", m);
	CHECK_STR(last_bulk_read(), want);
	free(text);
	free(missing);

	/* without --out: in the folder for people's files, never over another */
	REQUIRE(mkdir(gn_e2e_path("out"), 0700) == 0);
	CHECK_EQ_INT(run("tdp01", "sheet walk --db a.db --tdp 01"), 0);
	CHECK(has(gn_e2e_err, "/out/di-tung-nha-01-20261120.pdf"));
	CHECK_EQ_INT(run("tdp01", "sheet walk --db a.db --tdp 01"), 0);
	CHECK(has(gn_e2e_err, "/out/di-tung-nha-01-20261120-2.pdf"));
	CHECK_EQ_INT(mode_of("out/di-tung-nha-01-20261120-2.pdf"), 0600);
	/* another TDP's sheet is refused to its leader */
	CHECK_EQ_INT(run("tdp01", "sheet walk --db a.db --tdp 02 --out other.pdf"), 2);
	CHECK(!exists("other.pdf"));
	/* the command's own mistakes */
	CHECK_EQ_INT(run("tdp01", "sheet walk --db a.db"), 2);
	CHECK_EQ_INT(run("tdp01", "sheet missing --db a.db --tdp 01"), 2);
	CHECK_EQ_INT(run("tdp01", "sheet list --db a.db --tdp 01"), 2);
	CHECK_EQ_INT(run("tdp01", "sheet missing --db a.db --tdp 01 --indicator nothing --out x.pdf"), 2);
	CHECK(!exists("x.pdf"));
	/* an existing file is never replaced */
	CHECK_EQ_INT(run("tdp01", "sheet walk --db a.db --tdp 01 --out walk-again.pdf"), 0);
	CHECK_EQ_INT(run("tdp01", "sheet walk --db a.db --tdp 01 --out walk-again.pdf"), 2);
	CHECK(has(gn_e2e_err, "walk-again.pdf"));
}

/* A TDP with no households, a folder that cannot be written, a full disk:
 * one clear line, no file, nothing recorded as read. */
static void bad_places_leave_nothing(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	REQUIRE(sh("sqlite3 '%s' \"UPDATE household SET deleted = 1 WHERE tdp_id = (SELECT id FROM tdp WHERE code = '03')\"",
	           gn_e2e_path("a.db")) == 0);
	char fp[1 << 12];
	snprintf(fp, sizeof fp, "%s", gn_e2e_fingerprint("a.db"));
	long reads = bulk_reads();
	CHECK_EQ_INT(run("admin", "sheet walk --db a.db --tdp 03 --out empty.pdf"), 2);
	CHECK(has(gn_e2e_err, "gonha: TDP 03 chưa có hộ nào: chưa ghi phiếu nào"));
	CHECK(!exists("empty.pdf") && !exists("empty.pdf.part"));
	CHECK_EQ_INT(run("admin", "sheet revisit --db a.db --tdp 03 --out empty.pdf"), 2);
	CHECK(has(gn_e2e_err, "TDP 03 chưa có hộ nào"));
	CHECK_EQ_INT(run("admin", "sheet walk --db a.db --tdp 01 --alley 'ngõ không có' --out empty.pdf"), 2);
	CHECK(has(gn_e2e_err, "ngõ không có"));
	CHECK(!exists("empty.pdf"));
	CHECK_EQ_INT(bulk_reads(), reads);

	/* a folder that cannot be written (read-only; as root a read-only mount) */
	REQUIRE(mkdir(gn_e2e_path("ro"), 0755) == 0);
	bool mounted_ro = geteuid() == 0 &&
	                  sh("mount -t tmpfs -o ro,size=64k gonha-test '%s' 2>/dev/null", gn_e2e_path("ro")) == 0;
	if (!mounted_ro)
		REQUIRE(chmod(gn_e2e_path("ro"), 0555) == 0);
	if (mounted_ro || geteuid() != 0) {
		CHECK_EQ_INT(run("admin", "sheet walk --db a.db --tdp 01 --out ro/walk.pdf"), 3);
		fprintf(stderr, "  (a folder that cannot be written said: %s)\n", strtok(gn_e2e_err, "\n"));
		CHECK(has(gn_e2e_err, "ro/walk.pdf"));
		CHECK(!exists("ro/walk.pdf") && !exists("ro/walk.pdf.part"));
		CHECK_EQ_INT(bulk_reads(), reads);
	}
	if (mounted_ro)
		CHECK(sh("umount '%s'", gn_e2e_path("ro")) == 0);

	/* a full disk */
	if (geteuid() != 0)
		SKIP("mounting a 64 KB tmpfs needs root");
	REQUIRE(mkdir(gn_e2e_path("tiny"), 0755) == 0);
	if (sh("mount -t tmpfs -o size=64k gonha-test '%s' 2>/dev/null", gn_e2e_path("tiny")) != 0)
		SKIP("cannot mount a tmpfs here");
	sh("head -c 1000000 /dev/zero > '%s/fill' 2>/dev/null", gn_e2e_path("tiny"));
	CHECK_EQ_INT(run("admin", "sheet walk --db a.db --tdp 01 --out tiny/walk.pdf"), 3);
	fprintf(stderr, "  (a sheet to a full disk said: %s)\n", strtok(gn_e2e_err, "\n"));
	CHECK(has(gn_e2e_err, "tiny/walk.pdf: ổ đĩa đã đầy; chưa lưu được gì"));
	CHECK(!exists("tiny/walk.pdf") && !exists("tiny/walk.pdf.part"));
	CHECK_EQ_INT(bulk_reads(), reads);
	CHECK(sh("umount '%s'", gn_e2e_path("tiny")) == 0);
	/* nothing else changed (only sign-ins were recorded) */
	char now[1 << 12];
	snprintf(now, sizeof now, "%s", gn_e2e_fingerprint("a.db"));
	*strrchr(fp, '|') = '\0';
	*strrchr(now, '|') = '\0';
	*strrchr(fp, '|') = '\0';
	*strrchr(now, '|') = '\0';
	CHECK_STR(now, fp);
}

/* `gonha list` for people: no ids, the visit in words, aligned. */
static void the_list_is_readable(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	CHECK_EQ_INT(run("tdp01", "list --db a.db --tdp 01 --filter revisit"), 0);
	regex_t uuid;
	REQUIRE(regcomp(&uuid, "[0-9a-f]{8}-[0-9a-f]{4}-", REG_EXTENDED | REG_NOSUB) == 0);
	CHECK(regexec(&uuid, gn_e2e_out, 0, NULL, 0) != 0);
	regfree(&uuid);
	CHECK(has(gn_e2e_out, "Số nhà"));
	CHECK(has(gn_e2e_out, "Chủ hộ"));
	CHECK(has(gn_e2e_out, "hẹn lại"));
	CHECK(!strchr(gn_e2e_out, '\t'));
	char *revisit = strdup(sql1("a.db", HEADS("AND h.visit_status = 'revisit'")));
	CHECK_EQ_INT(in_order(gn_e2e_out, revisit), lines_of(revisit));
	char count[64];
	snprintf(count, sizeof count, "%d hộ\n", lines_of(revisit));
	CHECK(has(gn_e2e_out, count));
	free(revisit);
	/* for scripts, as before */
	CHECK_EQ_INT(run("tdp01", "list --db a.db --tdp 01 --filter revisit --format tsv"), 0);
	CHECK(strchr(gn_e2e_out, '\t') != NULL);
	CHECK(has(gn_e2e_out, "\trevisit\t"));
}

/* p on the TDP screen writes the walk sheet, or the revisit list when the
 * list shows revisits, and says so. */
static void the_tdp_screen_writes_the_sheet(void)
{
	gn_ui_demo("u.db", 2, 12);
	char env[600];
	snprintf(env, sizeof env, "GONHA_EXPORT_DIR=%s", gn_test_tmpdir());
	gn_term *t = gn_ui_start(24, 80, NULL, env);
	REQUIRE(t);
	REQUIRE(gn_ui_sign_in(t, "tdp01", "demo", "Số người") == 0);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "12 hộ");
	gn_term_type(t, "p");
	REQUIRE_WAIT(t, "Đã ghi phiếu (12 hộ)");
	CHECK_EQ_INT(mode_of("di-tung-nha-01-20261120.pdf"), 0600);
	char *text = gn_e2e_pdf_text("di-tung-nha-01-20261120.pdf");
	CHECK(text && has(text, "PHIẾU ĐI TỪNG NHÀ"));
	free(text);
	long revisits = gn_ui_query_int("SELECT count(*) FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE "
	                                "t.code = '01' AND h.deleted = 0 AND h.visit_status = 'revisit'");
	REQUIRE(revisits > 0);
	gn_term_type(t, "f");
	REQUIRE_WAIT(t, "Lọc: chưa thăm");
	gn_term_type(t, "f");
	REQUIRE_WAIT(t, "Lọc: hẹn lại");
	gn_term_type(t, "p");
	char want[64];
	snprintf(want, sizeof want, "Đã ghi phiếu (%ld hộ)", revisits);
	REQUIRE_WAIT(t, want);
	CHECK_EQ_INT(mode_of("quay-lai-01-20261120.pdf"), 0600);
	text = gn_e2e_pdf_text("quay-lai-01-20261120.pdf");
	CHECK(text && has(text, "DANH SÁCH HỘ CẦN QUAY LẠI"));
	free(text);
	/* the key is in the help */
	gn_term_type(t, "?");
	REQUIRE_WAIT(t, "phiếu đi từng nhà");
	gn_term_key(t, "Esc");
	gn_ui_quit(t);
}

GN_TESTS(T(the_walk_sheet_is_the_walk), T(the_revisit_and_missing_lists), T(bad_places_leave_nothing),
         T(the_list_is_readable), T(the_tdp_screen_writes_the_sheet))
