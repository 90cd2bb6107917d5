/* The workbook both XLSX fuzz targets read: an input starting with "PK" is
 * the whole file; any other input is split at NUL bytes into the first
 * sheet's XML, the shared strings and the styles of a workbook made here
 * with the target's workbook.xml, its relationships and its fixed parts,
 * so that the fuzzer works on the XML rather than on zip checksums. */
#ifndef GONHA_FUZZ_XLSX_INPUT_H
#define GONHA_FUZZ_XLSX_INPUT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zip.h>

/* A part of the workbook that every run has, as it is. */
typedef struct fuzz_part {
	const char *name, *xml;
} fuzz_part;

static void fuzz_zip_add(zip_t *z, const char *name, const void *data, size_t len)
{
	zip_source_t *s = zip_source_buffer(z, data, len, 0);
	zip_int64_t i = s ? zip_file_add(z, name, s, ZIP_FL_OVERWRITE) : -1;
	if (i < 0)
		zip_source_free(s);
	else
		zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
}

/* Writes path from the input; book: xl/workbook.xml, brels: its
 * relationships (sheet1 is worksheets/sheet1.xml), fixed: more parts,
 * ended by { NULL }. 0 when written, -1 when not (the run is skipped). */
static int fuzz_xlsx_write(const char *path, const uint8_t *data, size_t size, const char *book,
                           const char *brels, const fuzz_part *fixed)
{
	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		FILE *f = fopen(path, "wb");
		if (!f)
			return -1;
		fwrite(data, 1, size, f);
		return fclose(f) == 0 ? 0 : -1;
	}
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
		return -1;
	static const char rels[] =
		"<Relationships><Relationship Id=\"a\" Type=\"x/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
	fuzz_zip_add(z, "_rels/.rels", rels, sizeof rels - 1);
	fuzz_zip_add(z, "xl/workbook.xml", book, strlen(book));
	fuzz_zip_add(z, "xl/_rels/workbook.xml.rels", brels, strlen(brels));
	fuzz_zip_add(z, "xl/worksheets/sheet1.xml", part[0], len[0]);
	for (const fuzz_part *p = fixed; p && p->name; p++)
		fuzz_zip_add(z, p->name, p->xml, strlen(p->xml));
	if (k > 1)
		fuzz_zip_add(z, "xl/sharedStrings.xml", part[1], len[1]);
	if (k > 2)
		fuzz_zip_add(z, "xl/styles.xml", part[2], len[2]);
	if (zip_close(z) != 0) {
		zip_discard(z);
		return -1;
	}
	return 0;
}

#endif
