/* libFuzzer target: an XLSForm workbook through the XLSX reader, the cell
 * conversion pyxform's way (src/interchange/xlsx_form.c), the form checks
 * and the expression translator, then SQLite compiling what it produced.
 * An input starting with "PK" is the whole file; any other input is split
 * at NUL bytes into the survey sheet's XML, the shared strings and the
 * styles of a workbook made here, so that the fuzzer works on the XML
 * rather than on zip checksums. Run by `make fuzz`. */
#include "gonha/core/i18n.h"
#include "gonha/forms/form.h"
#include "gonha/interchange/xlsx.h"
#include "gonha/storage/db.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

static char path[128];
static sqlite3 *db;

static void add(zip_t *z, const char *name, const void *data, size_t len)
{
	zip_source_t *s = zip_source_buffer(z, data, len, 0);
	zip_int64_t i = s ? zip_file_add(z, name, s, ZIP_FL_OVERWRITE) : -1;
	if (i < 0)
		zip_source_free(s);
	else
		zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!*path) {
		gn_err err = { 0 };
		gn_i18n_init("en");
		if (gn_db_open_memory(&db, &err) != GN_OK)
			abort();
		snprintf(path, sizeof path, "/tmp/gonha-fuzz-form-%d.xlsx", (int)getpid());
	}
	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		FILE *f = fopen(path, "wb");
		if (!f)
			return 0;
		fwrite(data, 1, size, f);
		fclose(f);
	} else {
		const char *part[3] = { "", "", "" };
		size_t len[3] = { 0, 0, 0 };
		size_t k = 0, start = 0;
		for (size_t i = 0; i <= size && k < 3; i++)
			if (i == size || data[i] == 0) {
				part[k] = (const char *)data + start;
				len[k++] = i - start;
				start = i + 1;
			}
		int ze = 0;
		zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
		if (!z)
			return 0;
		static const char rels[] =
			"<Relationships><Relationship Id=\"a\" Type=\"x/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
		static const char book[] =
			"<workbook xmlns:r=\"r\"><sheets><sheet name=\"survey\" r:id=\"r1\"/><sheet name=\"choices\" r:id=\"r4\"/>"
			"</sheets></workbook>";
		static const char brels[] =
			"<Relationships><Relationship Id=\"r1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
			"<Relationship Id=\"r4\" Type=\"x/worksheet\" Target=\"worksheets/sheet2.xml\"/>"
			"<Relationship Id=\"r2\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
			"<Relationship Id=\"r3\" Type=\"x/styles\" Target=\"../xl/styles.xml\"/></Relationships>";
		static const char choices[] =
			"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>list_name</t></is></c>"
			"<c r=\"B1\" t=\"inlineStr\"><is><t>name</t></is></c><c r=\"C1\" t=\"inlineStr\"><is><t>label</t></is></c></row>"
			"<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>yn</t></is></c><c r=\"B2\"><v>1</v></c>"
			"<c r=\"C2\" t=\"inlineStr\"><is><t>Có</t></is></c></row></sheetData></worksheet>";
		add(z, "_rels/.rels", rels, sizeof rels - 1);
		add(z, "xl/workbook.xml", book, sizeof book - 1);
		add(z, "xl/_rels/workbook.xml.rels", brels, sizeof brels - 1);
		add(z, "xl/worksheets/sheet1.xml", part[0], len[0]);
		add(z, "xl/worksheets/sheet2.xml", choices, sizeof choices - 1);
		if (k > 1)
			add(z, "xl/sharedStrings.xml", part[1], len[1]);
		if (k > 2)
			add(z, "xl/styles.xml", part[2], len[2]);
		if (zip_close(z) != 0) {
			zip_discard(z);
			return 0;
		}
	}
	gn_form *form = NULL;
	gn_form_problems problems = { 0 };
	gn_err err = { 0 };
	if (gn_form_load_xlsx(path, db, &form, &problems, &err) == GN_OK && !form)
		abort(); /* loaded means a form */
	gn_form_free(form);
	gn_form_problems_free(&problems);
	remove(path);
	return 0;
}
