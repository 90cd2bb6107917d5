/* The XLSX reader on workbooks made here by hand with libzip: shared and
 * inline strings, numbers as their literal text, booleans, gaps padded by
 * the cell reference, date styles (built-in and custom) told from number
 * styles, the sheet order of workbook.xml (not of the parts), prefixed
 * XML, escapes; and files that are not a workbook, a missing sheet, a DTD,
 * a part over the limits. */
#include "testlib.h"
#include "gonha/interchange/xlsx.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

static const char *path_in_tmp(const char *name)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", gn_test_tmpdir(), name);
	return buf[k];
}

typedef struct part {
	const char *name, *data;
} part;

static void make_zip(const char *file, const part *parts)
{
	int ze = 0;
	remove(path_in_tmp(file));
	zip_t *z = zip_open(path_in_tmp(file), ZIP_CREATE | ZIP_TRUNCATE, &ze);
	if (!z)
		return;
	for (int i = 0; parts[i].name; i++) {
		zip_source_t *s = zip_source_buffer(z, parts[i].data, strlen(parts[i].data), 0);
		if (s && zip_file_add(z, parts[i].name, s, ZIP_FL_OVERWRITE) < 0)
			zip_source_free(s);
	}
	zip_close(z);
}

#define RELS_TOP                                                                                                   \
	"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"       \
	"officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"

/* Two sheets listed "Hộ" then "Danh sách", whose parts are the other way
 * round; prefixed elements (x:) as some writers make them. */
static const part book[] = {
	{ "[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>" },
	{ "_rels/.rels", RELS_TOP },
	{ "xl/workbook.xml",
	  "<?xml version=\"1.0\"?><x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	  "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><x:sheets>"
	  "<x:sheet name=\"Hộ\" sheetId=\"7\" r:id=\"rId2\"/><x:sheet name=\"Danh sách\" sheetId=\"3\" r:id=\"rId1\"/>"
	  "</x:sheets></x:workbook>" },
	{ "xl/_rels/workbook.xml.rels",
	  "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
	  "Target=\"worksheets/sheet1.xml\"/>"
	  "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
	  "Target=\"/xl/worksheets/sheet2.xml\"/>"
	  "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
	  "Target=\"sharedStrings.xml\"/>"
	  "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
	  "Target=\"styles.xml\"/></Relationships>" },
	{ "xl/sharedStrings.xml",
	  "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3\">"
	  "<si><t>phone</t></si>"
	  "<si><r><t>Nguyễn </t></r><r><rPr><b/></rPr><t>Văn Tâm</t></r><rPh sb=\"0\" eb=\"1\"><t>PHONETIC</t></rPh></si>"
	  "<si><t xml:space=\"preserve\"> dòng_x000D_hai </t></si></sst>" },
	{ "xl/styles.xml",
	  "<?xml version=\"1.0\"?><styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	  "<numFmts count=\"4\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>"
	  "<numFmt numFmtId=\"165\" formatCode=\"[Red]0.00;\\-0.00\"/>"
	  "<numFmt numFmtId=\"166\" formatCode=\"0&quot; ngày&quot;\"/>"
	  "<numFmt numFmtId=\"167\" formatCode=\"@\"/></numFmts>"
	  "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	  "<cellXfs count=\"6\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/>"
	  "<xf numFmtId=\"166\"/><xf numFmtId=\"167\"/></cellXfs></styleSheet>" },
	{ "xl/worksheets/sheet1.xml",
	  "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
	  "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"inlineStr\"><is><t>Họ và tên</t></is></c></row>"
	  "<row r=\"3\"><c r=\"A3\"><v>912345678</v></c><c r=\"C3\" t=\"s\"><v>1</v></c><c r=\"E3\" t=\"b\"><v>1</v></c>"
	  "</row>"
	  "<row r=\"5\"><c r=\"A5\" s=\"1\"><v>46346</v></c><c r=\"B5\" s=\"2\"><v>45000.5</v></c>"
	  "<c r=\"C5\" s=\"3\"><v>1.5E+16</v></c><c r=\"D5\" s=\"4\"><v>7</v></c><c r=\"E5\" s=\"5\" t=\"s\"><v>2</v></c>"
	  "<c r=\"F5\" t=\"e\"><v>#N/A</v></c><c r=\"G5\" t=\"str\"><f>A1&amp;\"x\"</f><v>phonex</v></c>"
	  "<c r=\"H5\" s=\"0\"/></row>"
	  "</sheetData></worksheet>" },
	{ "xl/worksheets/sheet2.xml",
	  "<?xml version=\"1.0\"?><x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	  "<x:sheetData><x:row><x:c><x:v>1</x:v></x:c><x:c t=\"inlineStr\"><x:is><x:t>a&lt;b</x:t></x:is></x:c></x:row>"
	  "</x:sheetData></x:worksheet>" },
	{ NULL, NULL },
};

typedef struct got {
	int rows;
	char text[16][16][64];
	gn_xlsx_kind kind[16][16];
	bool date[16][16];
	long rowno[16];
	size_t n[16];
} got;

static gn_status collect(void *arg, const gn_xlsx_row *r, gn_err *err)
{
	(void)err;
	got *g = arg;
	if (g->rows >= 16)
		return GN_OK;
	int k = g->rows++;
	g->rowno[k] = r->row;
	g->n[k] = r->n;
	for (size_t i = 0; i < r->n && i < 16; i++) {
		snprintf(g->text[k][i], sizeof g->text[k][i], "%s", r->cells[i].text);
		g->kind[k][i] = r->cells[i].kind;
		g->date[k][i] = r->cells[i].date;
		if (strlen(r->cells[i].text) != r->cells[i].len)
			g->text[k][i][0] = '!';
	}
	return GN_OK;
}

static void sheets_rows_and_cells(void)
{
	make_zip("book.xlsx", book);
	CHECK(gn_xlsx_is_zip(path_in_tmp("book.xlsx")));
	gn_xlsx *x = NULL;
	gn_err err = { 0 };
	REQUIRE(gn_xlsx_open(path_in_tmp("book.xlsx"), NULL, &x, &err) == GN_OK);
	CHECK_EQ_INT(gn_xlsx_sheet_count(x), 2);
	CHECK_STR(gn_xlsx_sheet_name(x, 0), "Hộ");
	CHECK_STR(gn_xlsx_sheet_name(x, 1), "Danh sách");
	CHECK_EQ_INT(gn_xlsx_sheet_find(x, "Danh sách"), 1);
	CHECK_EQ_INT(gn_xlsx_sheet_find(x, "Không có"), -1);

	got g;
	memset(&g, 0, sizeof g);
	REQUIRE(gn_xlsx_read_sheet_named(x, "Danh sách", collect, &g, &err) == GN_OK);
	CHECK_EQ_INT(g.rows, 3);
	CHECK_EQ_INT(g.rowno[0], 1);
	CHECK_STR(g.text[0][0], "phone");
	CHECK_STR(g.text[0][1], "Họ và tên");
	CHECK_EQ_INT(g.kind[0][1], GN_XLSX_TEXT);
	/* row 3: a number as its literal text, C3 after A3 padded, rich text
	 * joined without its phonetic run, a boolean */
	CHECK_EQ_INT(g.rowno[1], 3);
	CHECK_EQ_INT(g.n[1], 5);
	CHECK_STR(g.text[1][0], "912345678");
	CHECK_EQ_INT(g.kind[1][0], GN_XLSX_NUMBER);
	CHECK(!g.date[1][0]);
	CHECK_EQ_INT(g.kind[1][1], GN_XLSX_EMPTY);
	CHECK_STR(g.text[1][1], "");
	CHECK_STR(g.text[1][2], "Nguyễn Văn Tâm");
	CHECK_EQ_INT(g.kind[1][3], GN_XLSX_EMPTY);
	CHECK_STR(g.text[1][4], "TRUE");
	CHECK_EQ_INT(g.kind[1][4], GN_XLSX_BOOL);
	/* row 5: dates by built-in id 14 and by dd/mm/yyyy; a red number, a
	 * number with a quoted "ngày" and the text format are not dates */
	CHECK_STR(g.text[2][0], "46346");
	CHECK(g.date[2][0]);
	CHECK_STR(g.text[2][1], "45000.5");
	CHECK(g.date[2][1]);
	CHECK_STR(g.text[2][2], "1.5E+16");
	CHECK(!g.date[2][2]);
	CHECK_EQ_INT(g.kind[2][2], GN_XLSX_NUMBER);
	CHECK(!g.date[2][3]);
	CHECK_STR(g.text[2][4], " dòng\rhai ");
	CHECK(!g.date[2][4]);
	CHECK_EQ_INT(g.kind[2][5], GN_XLSX_ERROR);
	CHECK_STR(g.text[2][5], "#N/A");
	CHECK_STR(g.text[2][6], "phonex"); /* a formula: its cached result */
	CHECK_EQ_INT(g.kind[2][6], GN_XLSX_TEXT);
	CHECK_EQ_INT(g.n[2], 8);
	CHECK_EQ_INT(g.kind[2][7], GN_XLSX_EMPTY);

	memset(&g, 0, sizeof g);
	REQUIRE(gn_xlsx_read_sheet(x, 0, collect, &g, &err) == GN_OK);
	CHECK_EQ_INT(g.rows, 1);
	CHECK_EQ_INT(g.rowno[0], 1); /* no r: counted */
	CHECK_STR(g.text[0][0], "1");
	CHECK_STR(g.text[0][1], "a<b");

	CHECK(gn_xlsx_read_sheet_named(x, "Ghi chú", collect, &g, &err) == GN_ERR_NOT_FOUND);
	CHECK(strstr(err.msg, "Ghi chú") != NULL);
	gn_xlsx_close(x);
}

static gn_status stop_at_two(void *arg, const gn_xlsx_row *r, gn_err *err)
{
	int *n = arg;
	if (++*n == 2)
		return gn_fail(err, GN_ERR_INVALID, "stop at row %ld", r->row);
	return GN_OK;
}

static void a_callback_stops_the_reading(void)
{
	make_zip("book.xlsx", book);
	gn_xlsx *x = NULL;
	gn_err err = { 0 };
	REQUIRE(gn_xlsx_open(path_in_tmp("book.xlsx"), NULL, &x, &err) == GN_OK);
	int n = 0;
	CHECK(gn_xlsx_read_sheet(x, 1, stop_at_two, &n, &err) == GN_ERR_INVALID);
	CHECK_EQ_INT(n, 2);
	CHECK_STR(err.msg, "stop at row 3");
	gn_xlsx_close(x);
}

typedef struct nested {
	gn_xlsx *x;
	got inner;
	int outer_rows;
} nested;

static gn_status read_other(void *arg, const gn_xlsx_row *r, gn_err *err)
{
	nested *n = arg;
	n->outer_rows++;
	if (r->row != 3)
		return GN_OK;
	memset(&n->inner, 0, sizeof n->inner);
	return gn_xlsx_read_sheet(n->x, 0, collect, &n->inner, err);
}

/* The forms read a choices sheet while they read the survey sheet. */
static void a_sheet_is_read_while_another_is(void)
{
	make_zip("book.xlsx", book);
	nested n = { 0 };
	gn_err err = { 0 };
	REQUIRE(gn_xlsx_open(path_in_tmp("book.xlsx"), NULL, &n.x, &err) == GN_OK);
	CHECK(gn_xlsx_read_sheet(n.x, 1, read_other, &n, &err) == GN_OK);
	CHECK_EQ_INT(n.outer_rows, 3);
	CHECK_EQ_INT(n.inner.rows, 1);
	CHECK_STR(n.inner.text[0][1], "a<b");
	gn_xlsx_close(n.x);
}

static void files_that_are_not_workbooks(void)
{
	gn_xlsx *x = NULL;
	gn_err err = { 0 };
	FILE *f = fopen(path_in_tmp("p.csv"), "w");
	REQUIRE(f);
	fputs("person_id,household_id\n", f);
	fclose(f);
	CHECK(!gn_xlsx_is_zip(path_in_tmp("p.csv")));
	CHECK(gn_xlsx_open(path_in_tmp("p.csv"), NULL, &x, &err) == GN_ERR_INVALID);
	CHECK(strstr(err.msg, "is not a zip file") != NULL);
	CHECK(x == NULL);
	CHECK(gn_xlsx_open(path_in_tmp("none.xlsx"), NULL, &x, &err) == GN_ERR_NOT_FOUND);

	static const part no_book[] = { { "readme.txt", "hello" }, { NULL, NULL } };
	make_zip("other.zip", no_book);
	CHECK(gn_xlsx_is_zip(path_in_tmp("other.zip")));
	CHECK(gn_xlsx_open(path_in_tmp("other.zip"), NULL, &x, &err) == GN_ERR_INVALID);
	CHECK(strstr(err.msg, "is not an XLSX workbook") != NULL && strstr(err.msg, "xl/workbook.xml") != NULL);

	/* a DTD (entity expansion tricks) is refused */
	part dtd[sizeof book / sizeof *book];
	memcpy(dtd, book, sizeof book);
	for (int i = 0; dtd[i].name; i++)
		if (strcmp(dtd[i].name, "xl/sharedStrings.xml") == 0)
			dtd[i].data = "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY a \"aaaaaaaa\">]><sst><si><t>&a;</t></si></sst>";
	make_zip("dtd.xlsx", dtd);
	CHECK(gn_xlsx_open(path_in_tmp("dtd.xlsx"), NULL, &x, &err) == GN_ERR_INVALID);
	CHECK(strstr(err.msg, "DTD") != NULL);

	/* broken XML says where */
	for (int i = 0; dtd[i].name; i++)
		if (strcmp(dtd[i].name, "xl/sharedStrings.xml") == 0)
			dtd[i].data = "<?xml version=\"1.0\"?><sst><si><t>a</si></sst>";
	make_zip("broken.xlsx", dtd);
	CHECK(gn_xlsx_open(path_in_tmp("broken.xlsx"), NULL, &x, &err) == GN_ERR_INVALID);
	CHECK(strstr(err.msg, "damaged") != NULL && strstr(err.msg, "sharedStrings") != NULL);
}

/* A sheet that unpacks past the limit (a zip bomb compresses a lot) is
 * refused before it is read whole; a cell past the cell limit too. */
static void limits_hold(void)
{
	size_t big = 4 << 20;
	char *sheet = malloc(big + 512);
	REQUIRE(sheet);
	strcpy(sheet, "<?xml version=\"1.0\"?><worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>");
	size_t n = strlen(sheet);
	memset(sheet + n, 'a', big);
	strcpy(sheet + n + big, "</t></is></c></row></sheetData></worksheet>");
	part bomb[sizeof book / sizeof *book];
	memcpy(bomb, book, sizeof book);
	for (int i = 0; bomb[i].name; i++)
		if (strcmp(bomb[i].name, "xl/worksheets/sheet1.xml") == 0)
			bomb[i].data = sheet;
	make_zip("bomb.xlsx", bomb);
	free(sheet);
	gn_xlsx_limits lim;
	gn_xlsx_default_limits(&lim);
	lim.part_bytes = 1 << 20;
	gn_xlsx *x = NULL;
	gn_err err = { 0 };
	REQUIRE(gn_xlsx_open(path_in_tmp("bomb.xlsx"), &lim, &x, &err) == GN_OK);
	got g;
	memset(&g, 0, sizeof g);
	CHECK(gn_xlsx_read_sheet(x, 1, collect, &g, &err) == GN_ERR_INVALID);
	CHECK(strstr(err.msg, "zip bomb") != NULL);
	CHECK_EQ_INT(g.rows, 0);
	gn_xlsx_close(x);
	/* a part that compresses far more than XML does: refused by its ratio */
	{
		size_t huge = 70 << 20;
		char *z = malloc(huge + 64);
		REQUIRE(z);
		strcpy(z, "<worksheet><sheetData>");
		memset(z + strlen(z), ' ', huge);
		strcpy(z + huge, "</sheetData></worksheet>");
		part ratio[sizeof book / sizeof *book];
		memcpy(ratio, book, sizeof book);
		for (int i = 0; ratio[i].name; i++)
			if (strcmp(ratio[i].name, "xl/worksheets/sheet1.xml") == 0)
				ratio[i].data = z;
		make_zip("ratio.xlsx", ratio);
		free(z);
		gn_xlsx_default_limits(&lim);
		lim.ratio = 100;
		REQUIRE(gn_xlsx_open(path_in_tmp("ratio.xlsx"), &lim, &x, &err) == GN_OK);
		CHECK(gn_xlsx_read_sheet(x, 1, collect, &g, &err) == GN_ERR_INVALID);
		CHECK(strstr(err.msg, "zip bomb") != NULL);
		gn_xlsx_close(x);
		lim.ratio = 1000000; /* the same part is read when the ratio is allowed */
		REQUIRE(gn_xlsx_open(path_in_tmp("ratio.xlsx"), &lim, &x, &err) == GN_OK);
		CHECK(gn_xlsx_read_sheet(x, 1, collect, &g, &err) == GN_OK);
		gn_xlsx_close(x);
		remove(path_in_tmp("ratio.xlsx"));
	}
	/* within the part limit, the cell is still too long for a spreadsheet */
	REQUIRE(gn_xlsx_open(path_in_tmp("bomb.xlsx"), NULL, &x, &err) == GN_OK);
	CHECK(gn_xlsx_read_sheet(x, 1, collect, &g, &err) == GN_ERR_INVALID);
	CHECK(strstr(err.msg, "longer than a spreadsheet allows") != NULL);
	gn_xlsx_close(x);
}

GN_TESTS(T(sheets_rows_and_cells), T(a_callback_stops_the_reading), T(a_sheet_is_read_while_another_is), T(files_that_are_not_workbooks), T(limits_hold))
