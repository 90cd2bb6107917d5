/* Internal to the XLSX reader (xlsx_read.c: the container, relationships,
 * shared strings and styles; xlsx_sheet.c: a sheet's rows). */
#ifndef GONHA_INTERCHANGE_XLSX_INTERNAL_H
#define GONHA_INTERCHANGE_XLSX_INTERNAL_H

#include "gonha/interchange/xlsx.h"

#include <expat.h>
#include <stdbool.h>
#include <stddef.h>
#include <zip.h>

#define MAX_COLS 16384L   /* XFD */
#define MAX_ROWS 1048576L
#define MAX_SHEETS 4096
#define RATIO_FROM (64ULL << 20)

typedef struct sheet_ref {
	char *name;
	char *part;  /* "xl/worksheets/sheet1.xml" */
	char *rid;
} sheet_ref;

struct gn_xlsx {
	zip_t *zip;
	char *path;
	gn_xlsx_limits lim;
	sheet_ref *sheets;
	size_t n_sheets;
	/* shared strings: one buffer, offsets into it */
	char *sst;
	size_t sst_len, sst_cap;
	size_t *sst_off;
	size_t n_sst, sst_slots;
	/* styles: per cellXfs index, is it a date format */
	bool *xf_date;
	size_t n_xf;
};

/* A growing text buffer; failed is set when out of memory. */
typedef struct tbuf {
	char *s;
	size_t len, cap;
	bool failed;
} tbuf;

/* What a part's expat handlers share: the parser, the status that stops
 * it, where to put the message, the part's name. */
typedef struct part_ctx {
	XML_Parser p;
	gn_status st;     /* set by handlers to stop */
	gn_err *err;
	const char *part;
} part_ctx;

void xl_tb_add(tbuf *b, const char *s, size_t n);
size_t xl_decode_xstring(char *s, size_t n);
const char *xl_local(const char *name);
const char *xl_attr(const char **atts, const char *name);
void xl_stop(part_ctx *pc, gn_status st);
gn_status xl_parse_part(gn_xlsx *x, const char *name, bool missing_ok, part_ctx *pc,
                            XML_StartElementHandler start, XML_EndElementHandler end, XML_CharacterDataHandler text,
                            unsigned long long limit, gn_err *err);

#endif
