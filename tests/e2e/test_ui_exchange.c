/* The CSV exchange screen end to end: the real binary on a pseudo-terminal,
 * an export written from the screen, a bad file refused at its line with
 * nothing changed, a household list checked, confirmed and imported. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"
#include "term.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define bin gn_e2e_bin
#define db gn_ui_db()
#define make_demo() gn_ui_demo("x.db", 2, 10)

static gn_term *start_as(const char *user)
{
	gn_term *t = gn_ui_start(24, 80, NULL, NULL);
	if (t)
		gn_ui_sign_in(t, user, "demo", "Tổ dân phố 1");
	return t;
}

#define WAIT(t, text) CHECK_EQ_INT(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS), 0)
#define REQUIRE_WAIT(t, text) REQUIRE(gn_term_wait_for((t), (text), GN_TERM_WAIT_MS) == 0)

static long households(void)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	long n = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, "SELECT count(*) FROM household WHERE deleted = 0", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	fputs(text, f);
	fclose(f);
}

static void export_and_import_from_the_screen(void)
{
	make_demo();
	gn_term *t = start_as("admin");
	REQUIRE(t);
	gn_term_type(t, "x");
	REQUIRE_WAIT(t, "Trao đổi tệp CSV");
	WAIT(t, "Xuất danh sách người có số CCCD đầy đủ");
	WAIT(t, "Tên tệp đuôi .xlsx"); /* a workbook is offered first */
	/* export persons to a file named here */
	char out[600];
	snprintf(out, sizeof out, "%s/nguoi.csv", gn_test_tmpdir());
	remove(out);
	gn_term_key(t, "C-u");
	gn_term_type(t, out);
	gn_term_key(t, "Enter");
	WAIT(t, "Đã ghi");
	struct stat sb;
	CHECK(stat(out, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	FILE *f = fopen(out, "r");
	char buf[4096] = "";
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
	CHECK(strstr(buf, "person_id,household_id") != NULL && strstr(buf, "******") != NULL);
	/* a name ending in .xlsx writes a workbook */
	char xout[600];
	snprintf(xout, sizeof xout, "%s/nguoi.xlsx", gn_test_tmpdir());
	remove(xout);
	gn_term_key(t, "C-u");
	gn_term_type(t, xout);
	gn_term_key(t, "Enter");
	WAIT(t, "nguoi.xlsx (");
	CHECK(stat(xout, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	f = fopen(xout, "rb");
	n = f ? fread(buf, 1, 4, f) : 0;
	if (f)
		fclose(f);
	CHECK(n == 4 && memcmp(buf, "PK\3\4", 4) == 0);

	/* a TCVN3 file: refused at its line, nothing changed */
	long before = households();
	char bad[600], good[600];
	snprintf(bad, sizeof bad, "%s/tcvn3.csv", gn_test_tmpdir());
	write_file(bad, "tdp_code,street,head_name\n01,Ph\xe8 Hu\xa8,Ngu\xd5n V\xa8n A\n");
	for (int i = 0; i < 4; i++)
		gn_term_key(t, "Down");
	/* on the import: its own hint (an empty field ends its line, so
	 * "Tệp: " can only be seen on the way, on an export's default name) */
	WAIT(t, "Tệp CSV hoặc bảng tính Excel (.xlsx)");
	gn_term_key(t, "C-u");
	gn_term_type(t, bad);
	gn_term_key(t, "Enter");
	WAIT(t, "tcvn3.csv:2: chữ không phải mã UTF-8");
	CHECK_EQ_INT(households(), before);

	/* a household list: checked, asked, imported */
	snprintf(good, sizeof good, "%s/ds.csv", gn_test_tmpdir());
	write_file(good, "tdp_code,house_no,alley,street,head_name,head_birth_year,head_sex\n"
	                 "02,201,ngõ 12,Lương Ngọc Quyến,Đỗ Thị Hằng,1980,Nữ\n");
	gn_term_key(t, "C-u");
	gn_term_type(t, good);
	gn_term_key(t, "Enter");
	WAIT(t, "sẽ thêm 1");
	WAIT(t, "Nhập thật bây giờ?");
	CHECK_EQ_INT(households(), before);
	gn_term_type(t, "c");
	WAIT(t, "đã thêm 1");
	CHECK_EQ_INT(households(), before + 1);
	/* the workbook written above comes back in with nothing to change */
	gn_term_key(t, "C-u");
	gn_term_type(t, xout);
	gn_term_key(t, "Enter");
	WAIT(t, "sẽ thêm 0, cập nhật 0");
	WAIT(t, "Nhập thật bây giờ?");
	gn_term_type(t, "n");
	WAIT(t, "Chưa nhập gì");
	gn_term_key(t, "Esc");
	WAIT(t, "Tổ dân phố 1");
	gn_term_key(t, "C-q");
	gn_term_free(t);

	/* a TDP leader is not offered whole CCCD numbers */
	t = start_as("tdp01");
	REQUIRE(t);
	gn_term_type(t, "x");
	REQUIRE_WAIT(t, "Trao đổi tệp CSV");
	CHECK_EQ_INT(gn_term_wait_gone(t, "CCCD đầy đủ", GN_TERM_WAIT_MS), 0);
	CHECK_EQ_INT(gn_term_wait_gone(t, "Xung đột", GN_TERM_WAIT_MS), 0);
	gn_term_key(t, "C-q");
	gn_term_free(t);
}

static long count_in(const char *path, const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	long n = -1;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

/* The last number on a screen row (the home screen's people column). */
static long last_number(gn_term *t, int row)
{
	char *line = gn_term_row(t, row);
	long n = -1;
	if (line) {
		size_t len = strlen(line);
		while (len && line[len - 1] == ' ')
			len--;
		size_t start = len;
		while (start && line[start - 1] >= '0' && line[start - 1] <= '9')
			start--;
		if (start < len)
			n = atol(line + start);
		free(line);
	}
	return n;
}

/* A whole persons file into a ward that has its households and nobody yet,
 * from the screen; back home, every TDP shows the people it now has. */
static void home_counts_the_people_an_import_brought(void)
{
	make_demo();
	char cmd[5 * 4096 + 1024], src[600], gonha[4096];
	REQUIRE(realpath(bin(), gonha) != NULL); /* the commands run in the test's folder */
	snprintf(src, sizeof src, "%s", db);
	char empty[600];
	snprintf(empty, sizeof empty, "%s/empty.db", gn_test_tmpdir());
	gn_ui_set_db(empty);
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && rm -f empty.db* h.csv p.csv && export GONHA_USER=admin GONHA_PASSWORD=demo "
	         "GONHA_NEW_PASSWORD=demo GONHA_NOW=2026-11-20T09:00:00Z && "
	         "'%s' export --db '%s' --what households --out h.csv --with-ids >/dev/null 2>&1 && "
	         "'%s' export --db '%s' --what persons --out p.csv --with-ids >/dev/null 2>&1 && "
	         "'%s' init --db empty.db --ward 'Phường Thử' --tdps 2 >/dev/null 2>&1 && "
	         "'%s' import h.csv --db empty.db >/dev/null 2>&1",
	         gn_test_tmpdir(), gonha, src, gonha, src, gonha, gonha);
	REQUIRE(system(cmd) == 0);
	long want1 = count_in(src, "SELECT count(*) FROM person p JOIN tdp t ON t.id = p.tdp_id WHERE t.code = '01'");
	long want2 = count_in(src, "SELECT count(*) FROM person p JOIN tdp t ON t.id = p.tdp_id WHERE t.code = '02'");
	REQUIRE(want1 > 0 && want2 > 0);

	gn_term *t = start_as("admin");
	REQUIRE(t);
	gn_term_wait_quiet(t, 200, GN_TERM_WAIT_MS);
	CHECK_EQ_INT(last_number(t, 4), 0); /* nobody yet, and the counts are kept */
	CHECK_EQ_INT(last_number(t, 5), 0);
	gn_term_type(t, "x");
	REQUIRE_WAIT(t, "Trao đổi tệp CSV");
	for (int i = 0; i < 4; i++)
		gn_term_key(t, "Down");
	/* on the import: its own hint (an empty field ends its line, so
	 * "Tệp: " can only be seen on the way, on an export's default name) */
	WAIT(t, "Tệp CSV hoặc bảng tính Excel (.xlsx)");
	char file[600];
	snprintf(file, sizeof file, "%s/p.csv", gn_test_tmpdir());
	gn_term_key(t, "C-u");
	gn_term_type(t, file);
	gn_term_key(t, "Enter");
	WAIT(t, "Nhập thật bây giờ?");
	gn_term_type(t, "c");
	WAIT(t, "đã thêm");
	gn_term_key(t, "Esc");
	WAIT(t, "Tổ dân phố 2");
	gn_term_wait_quiet(t, 200, GN_TERM_WAIT_MS);
	CHECK_EQ_INT(last_number(t, 4), want1);
	CHECK_EQ_INT(last_number(t, 5), want2);
	gn_term_key(t, "C-q");
	gn_term_free(t);
}

/* Personal data written to a USB stick is offered sealed, Enter saying
 * yes: the passphrase typed twice shows as dots, the file gets .gbk and
 * holds nothing readable; it comes back through the import with it. */
static void a_usb_stick_gets_a_sealed_file(void)
{
	make_demo();
	struct stat sb;
	REQUIRE(stat(gn_test_tmpdir(), &sb) == 0);
	if (major(sb.st_dev) == 0)
		SKIP("the test folder is on a filesystem with no block device");
	/* this machine's sysfs as a stick would show: the disk is removable */
	char root[600], cmd[4096], env[700];
	snprintf(root, sizeof root, "%s/sys-usb", gn_test_tmpdir());
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s/dev/block' '%s/devices/sdb' && echo 1 > '%s/devices/sdb/removable' "
	         "&& ln -s ../../devices/sdb '%s/dev/block/%u:%u'", root, root, root, root, root, major(sb.st_dev),
	         minor(sb.st_dev));
	REQUIRE(system(cmd) == 0);
	snprintf(env, sizeof env, "GONHA_SYSFS=%s", root);
	gn_term *t = gn_ui_start(24, 80, NULL, env);
	REQUIRE(t);
	REQUIRE(gn_ui_sign_in(t, "admin", "demo", "Tổ dân phố 1") == 0);
	gn_term_type(t, "x");
	REQUIRE_WAIT(t, "Trao đổi tệp CSV");
	char out[600], sealed[620];
	snprintf(out, sizeof out, "%s/usb.csv", gn_test_tmpdir());
	snprintf(sealed, sizeof sealed, "%s.gbk", out);
	remove(sealed);
	gn_term_key(t, "C-u");
	gn_term_type(t, out);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Tệp này ra USB: mã hoá bằng cụm mật khẩu?");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Cụm mật khẩu (8 ký tự trở lên):");
	gn_term_type(t, "ngo-nho-pho-nho");
	WAIT(t, "***************");
	CHECK_EQ_INT(gn_term_wait_gone(t, "ngo-nho", GN_TERM_WAIT_MS), 0);
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Nhập lại cụm mật khẩu đó:");
	gn_term_type(t, "ngo-nho-pho-nho");
	gn_term_key(t, "Enter");
	WAIT(t, "Đã ghi, có mã hoá");
	FILE *f = fopen(sealed, "rb");
	char head[16] = "";
	if (f) {
		CHECK(fread(head, 1, 12, f) == 12);
		fclose(f);
	}
	CHECK(strncmp(head, "GONHA-SEALED", 12) == 0);
	CHECK(stat(out, &sb) != 0); /* no plain file beside it */
	gn_ui_quit(t);
}

GN_TESTS(T(a_usb_stick_gets_a_sealed_file), T(export_and_import_from_the_screen), T(home_counts_the_people_an_import_brought))
