/* libFuzzer target: the XLSX reader, on the workbook of fuzz_xlsx_input.h
 * (the whole file, or a sheet, the shared strings and the styles). Every
 * sheet is read; nothing may crash, leak or read out of bounds, and each
 * cell's length must match its text. Run by `make fuzz`. */
#include "gonha/core/i18n.h"
#include "gonha/interchange/xlsx.h"
#include "fuzz_xlsx_input.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[128];

static gn_status on_row(void *arg, const gn_xlsx_row *r, gn_err *err)
{
	(void)err;
	size_t *cells = arg;
	for (size_t i = 0; i < r->n; i++) {
		if (strlen(r->cells[i].text) != r->cells[i].len)
			abort();
		(*cells)++;
	}
	return *cells > 100000 ? GN_ERR_INVALID : GN_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!*path) {
		gn_i18n_init("en");
		snprintf(path, sizeof path, "/tmp/gonha-fuzz-xlsx-%d.xlsx", (int)getpid());
	}
	static const char book[] =
		"<workbook xmlns:r=\"r\"><sheets><sheet name=\"S\" r:id=\"r1\"/><sheet name=\"T\" r:id=\"r1\"/></sheets></workbook>";
	static const char brels[] =
		"<Relationships><Relationship Id=\"r1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		"<Relationship Id=\"r2\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
		"<Relationship Id=\"r3\" Type=\"x/styles\" Target=\"../xl/styles.xml\"/></Relationships>";
	if (fuzz_xlsx_write(path, data, size, book, brels, NULL) != 0)
		return 0;
	gn_xlsx_limits lim;
	gn_xlsx_default_limits(&lim);
	lim.part_bytes = 8 << 20;
	lim.shared_bytes = 8 << 20;
	gn_xlsx *x = NULL;
	gn_err err = { 0 };
	if (gn_xlsx_open(path, &lim, &x, &err) == GN_OK) {
		size_t cells = 0;
		for (size_t i = 0; i < gn_xlsx_sheet_count(x); i++)
			gn_xlsx_read_sheet(x, i, on_row, &cells, &err);
		gn_xlsx_close(x);
	}
	remove(path);
	return 0;
}
