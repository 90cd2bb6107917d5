/* The quarterly report as a document, through the real binary: the CSV's
 * figures agree with counts made here from the persons and households
 * exports; the PDF (pdftotext) holds the same figures on the same TDP's
 * row, the decree's heading (national motto, issuing body and number from
 * `gonha config`, place and date), the recipients and the signer; its
 * fonts are the sheets' one family, embedded (pdffonts); a year with no
 * target is said plainly, never 0%; its pages are drawn (pdftoppm, into
 * $GONHA_REPORT_PNG_DIR when set, to look at). The XLSX holds the same
 * numbers in its cells and native charts. */
#include "e2e_fixtures.h"
#include "testlib.h"
#include "gonha/interchange/xlsx.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VI "GONHA_LANG=vi GONHA_USER=admin GONHA_PASSWORD=demo"

static bool yes(gn_csv_table *t, size_t r, const char *col)
{
	int c = gn_csv_col(t, col);
	return c >= 0 && strcmp(gn_csv_cell(t, r, c), "yes") == 0;
}

static long cell_long(gn_csv_table *t, size_t r, const char *col)
{
	int c = gn_csv_col(t, col);
	return c >= 0 ? atol(gn_csv_cell(t, r, c)) : -999;
}

/* The line of text holding name then the numbers a and b (whitespace
 * between), as a table row laid out by pdftotext -layout. */
static bool row_has(const char *text, const char *name, long a, long b)
{
	char pattern[512];
	snprintf(pattern, sizeof pattern, "(^|\n) *%s +%ld +%ld( |\n|$)", name, a, b);
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED) != 0)
		return false;
	bool ok = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	if (!ok)
		fprintf(stderr, "  no row \"%s %ld %ld\" in the PDF's text\n", name, a, b);
	return ok;
}

static void the_document_holds_the_csvs_figures(void)
{
	REQUIRE(gn_e2e_demo("w.db"));
	REQUIRE(gn_e2e_run_env(VI, "config --db w.db --report-number 15/BC-VHXH --report-signer 'Nguyễn Thị Hoa' "
	                           "--report-recipients 'UBND phường Vạn Xuân;Sở Khoa học và Công nghệ;Lưu: VT'") == 0);
	REQUIRE(gn_e2e_run_env(VI, "report --db w.db --format csv --out r.csv") == 0);
	REQUIRE(gn_e2e_run_env(VI, "report --db w.db --format pdf --out r.pdf") == 0);
	REQUIRE(gn_e2e_run_env(VI, "export --db w.db --what persons --out p.csv") == 0);
	REQUIRE(gn_e2e_run_env(VI, "export --db w.db --what households --out h.csv") == 0);
	gn_csv_table r = { 0 }, p = { 0 }, h = { 0 };
	REQUIRE(gn_csv_read("r.csv", &r) && gn_csv_read("p.csv", &p) && gn_csv_read("h.csv", &h));
	char *text = gn_e2e_pdf_text("r.pdf");
	REQUIRE(text);
	/* the decree's heading and end */
	CHECK(gn_e2e_has(text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
	CHECK(gn_e2e_has(text, "Độc lập - Tự do - Hạnh phúc"));
	CHECK(gn_e2e_has(text, "PHÒNG VĂN HÓA - XÃ HỘI"));
	CHECK(gn_e2e_has(text, "Số: 15/BC-VHXH"));
	CHECK(gn_e2e_has(text, "ngày 20 tháng 11 năm 2026"));
	CHECK(gn_e2e_has(text, "BÁO CÁO"));
	CHECK(gn_e2e_has(text, "Nơi nhận:"));
	CHECK(gn_e2e_has(text, "- Sở Khoa học và Công nghệ;"));
	CHECK(gn_e2e_has(text, "TRƯỞNG PHÒNG"));
	CHECK(gn_e2e_has(text, "Nguyễn Thị Hoa"));
	/* the verification, operators' and review sections, from their figures */
	CHECK(gn_e2e_has(text, "V. KIỂM TRA LẠI"));
	CHECK(gn_e2e_has(text, "Chưa rút mẫu kiểm tra lại nào."));
	CHECK(gn_e2e_has(text, "VII. DUYỆT PHIẾU"));
	REQUIRE(gn_e2e_run_env(VI, "report --db w.db --format csv --section reviews --out rv.csv") == 0);
	gn_csv_table rv = { 0 };
	REQUIRE(gn_csv_read("rv.csv", &rv) && rv.rows > 2);
	CHECK(row_has(text, "Phường", cell_long(&rv, rv.rows - 1, "visited"), cell_long(&rv, rv.rows - 1, "approved")));
	CHECK(row_has(text, gn_csv_cell(&rv, 1, gn_csv_col(&rv, "tdp_name")), cell_long(&rv, 1, "visited"),
	              cell_long(&rv, 1, "approved")));
	gn_csv_free(&rv);
	/* every TDP row of the CSV, and the total */
	int n_checked = 0;
	for (size_t row = 1; row < r.rows; row++) {
		const char *code = gn_csv_cell(&r, row, gn_csv_col(&r, "tdp_code"));
		const char *name = gn_csv_cell(&r, row, gn_csv_col(&r, "tdp_name"));
		long listed = cell_long(&r, row, "households_listed"), visited = cell_long(&r, row, "households_visited");
		long c_num = cell_long(&r, row, "c_basic_skills_num"), c_den = cell_long(&r, row, "c_basic_skills_den");
		long v_num = cell_long(&r, row, "vneid_level2_num"), v_den = cell_long(&r, row, "vneid_level2_den");
		/* counted here from the exports (the total row: code "*") */
		bool all = strcmp(code, "*") == 0;
		long hl = 0, hv = 0, cn = 0, cd = 0, vn = 0, vd = 0;
		for (size_t k = 1; k < h.rows; k++) {
			if (!all && strcmp(gn_csv_cell(&h, k, gn_csv_col(&h, "tdp_code")), code) != 0)
				continue;
			const char *status = gn_csv_cell(&h, k, gn_csv_col(&h, "visit_status"));
			hl++;
			hv += strcmp(status, "done") == 0 || strcmp(status, "refused") == 0 || strcmp(status, "moved") == 0;
		}
		for (size_t k = 1; k < p.rows; k++) {
			if (!all && strcmp(gn_csv_cell(&p, k, gn_csv_col(&p, "tdp_code")), code) != 0)
				continue;
			long age = cell_long(&p, k, "age");
			if (age >= 18) {
				cd++;
				cn += yes(&p, k, "smartphone") && yes(&p, k, "digital_safety") &&
				      (yes(&p, k, "online_services") || yes(&p, k, "cashless"));
			}
			if (age >= 16) {
				vd++;
				vn += strcmp(gn_csv_cell(&p, k, gn_csv_col(&p, "vneid_level")), "level2") == 0;
			}
		}
		CHECK_EQ_INT(listed, hl);
		CHECK_EQ_INT(visited, hv);
		CHECK_EQ_INT(c_num, cn);
		CHECK_EQ_INT(c_den, cd);
		CHECK_EQ_INT(v_num, vn);
		CHECK_EQ_INT(v_den, vd);
		CHECK(c_den > 0 && c_num < c_den); /* a figure to find, not a trivial one */
		/* the same figures on the TDP's rows of the PDF */
		CHECK(row_has(text, name, listed, visited));
		CHECK(row_has(text, name, c_num, c_den));
		CHECK(row_has(text, name, v_num, v_den));
		n_checked++;
	}
	CHECK_EQ_INT(n_checked, 4); /* three TDPs and the ward */
	/* the bank account has no target for 2026: said, never 0% */
	CHECK(gn_e2e_has(text, "Kế hoạch chưa giao chỉ tiêu năm 2026"));
	CHECK(strstr(text, "chỉ tiêu năm 2026: 0%") == NULL);
	CHECK(strstr(text, " 0%\n") == NULL || gn_e2e_has(text, "0,0%"));
	/* fonts: the decree's serif (Times New Roman's metric twin), every one embedded */
	CHECK(gn_e2e_pdf_fonts("r.pdf", "LiberationSerif") > 0);
	/* pages drawn */
	const char *dir = getenv("GONHA_REPORT_PNG_DIR");
	char prefix[1024];
	snprintf(prefix, sizeof prefix, "%s/i16-report", dir && *dir ? dir : gn_test_tmpdir());
	CHECK(gn_e2e_pdf_pages("r.pdf", prefix) >= 3);
	free(text);
	gn_csv_free(&r);
	gn_csv_free(&p);
	gn_csv_free(&h);
}

static void a_document_needs_a_file(void)
{
	REQUIRE(gn_e2e_demo("w.db"));
	CHECK_EQ_INT(gn_e2e_run_env(VI, "report --db w.db --format pdf"), 2);
	CHECK(gn_e2e_has(gn_e2e_err, "--out TỆP.pdf"));
	CHECK_EQ_INT(gn_e2e_run_env(VI, "report --db w.db --format docx --out r.docx"), 2);
	CHECK(gn_e2e_has(gn_e2e_err, "pdf"));
	/* a setting too long is refused and changes nothing */
	char args[1024], big[400];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	snprintf(args, sizeof args, "config --db w.db --report-signer %s", big);
	CHECK(gn_e2e_run_env(VI, args) != 0);
	CHECK_STR(gn_e2e_sql1("w.db", "SELECT count(*) FROM meta WHERE key = 'report_signer'"), "0");
	/* a TDP leader may not set them */
	CHECK(gn_e2e_run_env("GONHA_USER=tdp01 GONHA_PASSWORD=demo", "config --db w.db --report-signer X") != 0);
}

/* The first sheet's cells, as text, rows x cols. */
typedef struct cells {
	char *v[64][64];
	size_t rows;
} cells;

static gn_status on_row(void *arg, const gn_xlsx_row *r, gn_err *err)
{
	(void)err;
	cells *c = arg;
	if (c->rows < 64) {
		for (size_t i = 0; i < r->n && i < 64; i++)
			c->v[c->rows][i] = strdup(r->cells[i].text);
		c->rows++;
	}
	return GN_OK;
}

static void the_workbook_holds_the_csvs_figures_and_charts(void)
{
	REQUIRE(gn_e2e_demo("w.db"));
	REQUIRE(gn_e2e_run_env(VI, "report --db w.db --format csv --out r.csv") == 0);
	REQUIRE(gn_e2e_run_env(VI, "report --db w.db --format xlsx --out r.xlsx") == 0);
	gn_csv_table r = { 0 };
	REQUIRE(gn_csv_read("r.csv", &r));
	gn_xlsx *x = NULL;
	gn_err err = { 0 };
	cells *c = calloc(1, sizeof *c);
	REQUIRE(c);
	REQUIRE(gn_xlsx_open(gn_e2e_path("r.xlsx"), NULL, &x, &err) == GN_OK);
	CHECK_STR(gn_xlsx_sheet_name(x, 0), "Tiến độ");
	CHECK_STR(gn_xlsx_sheet_name(x, 1), "Theo tuần");
	CHECK_STR(gn_xlsx_sheet_name(x, 2), "Biểu đồ");
	CHECK(gn_xlsx_read_sheet(x, 0, on_row, c, &err) == GN_OK);
	gn_xlsx_close(x);
	/* the same rows and columns, the same numbers (the workbook's headers
	 * are the Vietnamese labels) */
	CHECK_EQ_INT(c->rows, r.rows);
	int checked = 0;
	for (size_t row = 1; row < r.rows && row < c->rows; row++)
		for (size_t col = 0; col < r.cols && col < 64; col++) {
			const char *want = gn_csv_cell(&r, row, (int)col), *got = c->v[row][col] ? c->v[row][col] : "";
			if (strcmp(want, got) != 0 && !(*want && *got && strtod(want, NULL) == strtod(got, NULL))) {
				fprintf(stderr, "  row %zu column %zu: CSV %s, XLSX %s\n", row, col, want, got);
				gn_test_failed = 1;
			}
			checked++;
		}
	CHECK(checked > 100);
	/* native charts: two per indicator of the plan, on the data's cells */
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "test \"$(unzip -l '%s' | grep -c 'xl/charts/chart[0-9]*.xml')\" = 12 && "
	         "unzip -p '%s' xl/charts/chart1.xml | grep -q \"<c:f>'Tiến độ'!\\$K\\$2:\\$K\\$4</c:f>\"",
	         gn_e2e_path("r.xlsx"), gn_e2e_path("r.xlsx"));
	CHECK(system(cmd) == 0);
	for (size_t i = 0; i < 64; i++)
		for (size_t j = 0; j < 64; j++)
			free(c->v[i][j]);
	free(c);
	gn_csv_free(&r);
}

GN_TESTS(T(the_document_holds_the_csvs_figures), T(the_workbook_holds_the_csvs_figures_and_charts),
         T(a_document_needs_a_file))
