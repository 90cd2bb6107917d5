/* libFuzzer target: the XLSX reader. An input starting with "PK" is taken
 * as the whole file; any other input is split at NUL bytes into a sheet,
 * the shared strings and the styles, which go into a workbook made here
 * (so the fuzzer works on the XML rather than on zip checksums). Every
 * sheet is read; nothing may crash, leak or read out of bounds, and each
 * cell's length must match its text. Run by `make fuzz`. */
#include "gonha/core/i18n.h"
#include "gonha/interchange/xlsx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

static char path[128];

static void add(zip_t *z, const char *name, const void *data, size_t len)
{
	zip_source_t *s = zip_source_buffer(z, data, len, 0);
	zip_int64_t i = s ? zip_file_add(z, name, s, ZIP_FL_OVERWRITE) : -1;
	if (i < 0)
		zip_source_free(s);
	else
		zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
}

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
			"<workbook xmlns:r=\"r\"><sheets><sheet name=\"S\" r:id=\"r1\"/><sheet name=\"T\" r:id=\"r1\"/></sheets></workbook>";
		static const char brels[] =
			"<Relationships><Relationship Id=\"r1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
			"<Relationship Id=\"r2\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
			"<Relationship Id=\"r3\" Type=\"x/styles\" Target=\"../xl/styles.xml\"/></Relationships>";
		add(z, "_rels/.rels", rels, sizeof rels - 1);
		add(z, "xl/workbook.xml", book, sizeof book - 1);
		add(z, "xl/_rels/workbook.xml.rels", brels, sizeof brels - 1);
		add(z, "xl/worksheets/sheet1.xml", part[0], len[0]);
		if (k > 1)
			add(z, "xl/sharedStrings.xml", part[1], len[1]);
		if (k > 2)
			add(z, "xl/styles.xml", part[2], len[2]);
		if (zip_close(z) != 0) {
			zip_discard(z);
			return 0;
		}
	}
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
