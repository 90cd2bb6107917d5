/* libFuzzer target: an XLSForm workbook through the XLSX reader, the cell
 * conversion pyxform's way (src/interchange/xlsx_form.c), the form checks
 * and the expression translator, then SQLite compiling what it produced.
 * The input is the workbook of fuzz_xlsx_input.h: the whole file, or the
 * survey sheet's XML, the shared strings and the styles (the choices sheet
 * fixed). Run by `make fuzz`. */
#include "gonha/core/i18n.h"
#include "gonha/forms/form.h"
#include "gonha/interchange/xlsx.h"
#include "gonha/storage/db.h"
#include "fuzz_xlsx_input.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[128];
static sqlite3 *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!*path) {
		gn_err err = { 0 };
		gn_i18n_init("en");
		if (gn_db_open_memory(&db, &err) != GN_OK)
			abort();
		snprintf(path, sizeof path, "/tmp/gonha-fuzz-form-%d.xlsx", (int)getpid());
	}
	static const char book[] =
		"<workbook xmlns:r=\"r\"><sheets><sheet name=\"survey\" r:id=\"r1\"/><sheet name=\"choices\" r:id=\"r4\"/>"
		"</sheets></workbook>";
	static const char brels[] =
		"<Relationships><Relationship Id=\"r1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		"<Relationship Id=\"r4\" Type=\"x/worksheet\" Target=\"worksheets/sheet2.xml\"/>"
		"<Relationship Id=\"r2\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
		"<Relationship Id=\"r3\" Type=\"x/styles\" Target=\"../xl/styles.xml\"/></Relationships>";
	static const fuzz_part choices[] = {
		{ "xl/worksheets/sheet2.xml",
		  "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>list_name</t></is></c>"
		  "<c r=\"B1\" t=\"inlineStr\"><is><t>name</t></is></c><c r=\"C1\" t=\"inlineStr\"><is><t>label</t></is></c></row>"
		  "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>yn</t></is></c><c r=\"B2\"><v>1</v></c>"
		  "<c r=\"C2\" t=\"inlineStr\"><is><t>Có</t></is></c></row></sheetData></worksheet>" },
		{ NULL, NULL }
	};
	if (fuzz_xlsx_write(path, data, size, book, brels, choices) != 0)
		return 0;
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
