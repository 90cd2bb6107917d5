/* The XLSX reader (see include/gonha/xlsx.h): libzip opens the container,
 * expat parses each XML part as it is inflated, 64 KB at a time. */
#include "gonha/xlsx.h"
#include "gonha/i18n.h"

#include <errno.h>
#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

void gn_xlsx_default_limits(gn_xlsx_limits *l)
{
	l->part_bytes = 16ULL << 30; /* a full sheet of a wide form; read as a stream */
	l->shared_bytes = 512ULL << 20;
	l->ratio = 1000;
	l->cell_bytes = 32767 * 4;
}

bool gn_xlsx_is_zip(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	unsigned char b[4] = { 0 };
	size_t n = fread(b, 1, 4, f);
	fclose(f);
	return n == 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
}

/* ---- text buffers ----------------------------------------------------------- */

typedef struct tbuf {
	char *s;
	size_t len, cap;
	bool failed;
} tbuf;

static void tb_add(tbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *bigger = realloc(b->s, cap);
		if (!bigger) {
			b->failed = true;
			return;
		}
		b->s = bigger;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* OOXML escapes characters XML cannot hold as _xHHHH_ (ST_Xstring); a
 * literal "_x" that looks like one is written _x005F_x.... Decoded in
 * place (the UTF-8 is never longer than the escape). */
static size_t decode_xstring(char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		unsigned v = 0;
		if (i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_') {
			bool hex = true;
			for (int k = 2; k < 6; k++) {
				char c = s[i + k];
				int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
				      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
				if (d < 0)
					hex = false;
				else
					v = v * 16 + (unsigned)d;
			}
			if (hex && v != 0 && (v < 0xD800 || v > 0xDFFF)) {
				if (v < 0x80) {
					s[o++] = (char)v;
				} else if (v < 0x800) {
					s[o++] = (char)(0xC0 | (v >> 6));
					s[o++] = (char)(0x80 | (v & 0x3F));
				} else {
					s[o++] = (char)(0xE0 | (v >> 12));
					s[o++] = (char)(0x80 | ((v >> 6) & 0x3F));
					s[o++] = (char)(0x80 | (v & 0x3F));
				}
				i += 7;
				continue;
			}
		}
		s[o++] = s[i++];
	}
	s[o] = '\0';
	return o;
}

/* ---- reading one part --------------------------------------------------------- */

/* The local name of an expat name made with a ' ' namespace separator. */
static const char *local(const char *name)
{
	const char *sp = strrchr(name, ' ');
	return sp ? sp + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (int i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), name) == 0 && (!strchr(atts[i], ' ') || strcmp(name, "id") == 0))
			return atts[i + 1];
	return NULL;
}

typedef struct part_ctx {
	XML_Parser p;
	gn_status st;     /* set by handlers to stop */
	gn_err *err;
	const char *part;
} part_ctx;

static void stop(part_ctx *pc, gn_status st)
{
	if (pc->st == GN_OK)
		pc->st = st;
	XML_StopParser(pc->p, XML_FALSE);
}

static void XMLCALL no_doctype(void *ud, const XML_Char *name, const XML_Char *sys, const XML_Char *pub, int internal)
{
	(void)name, (void)sys, (void)pub, (void)internal;
	part_ctx *pc = ud;
	stop(pc, gn_fail(pc->err, GN_ERR_INVALID, _("the workbook is damaged: %s has a DTD, which an XLSX never has"),
	                 pc->part));
}

static zip_int64_t find_entry(gn_xlsx *x, const char *name)
{
	return zip_name_locate(x->zip, name, 0);
}

/* Parses part name with the handlers, the user data ud starting with a
 * part_ctx. missing_ok: a part that is not there is not an error. */
static gn_status parse_part(gn_xlsx *x, const char *name, bool missing_ok, part_ctx *pc,
                            XML_StartElementHandler start, XML_EndElementHandler end, XML_CharacterDataHandler text,
                            unsigned long long limit, gn_err *err)
{
	zip_int64_t idx = find_entry(x, name);
	if (idx < 0)
		return missing_ok ? GN_OK
		                  : gn_fail(err, GN_ERR_INVALID, _("%s is not an XLSX workbook: it has no %s"), x->path, name);
	zip_stat_t sb;
	zip_stat_init(&sb);
	if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &sb) != 0)
		return gn_fail(err, GN_ERR_INVALID, _("the workbook is damaged: %s"), zip_strerror(x->zip));
	if ((sb.valid & ZIP_STAT_SIZE) && (sb.size > limit ||
	    ((sb.valid & ZIP_STAT_COMP_SIZE) && sb.size > RATIO_FROM && sb.size / (sb.comp_size + 1) > x->lim.ratio)))
		return gn_fail(err, GN_ERR_INVALID,
		               _("the workbook's part %s would unpack to %llu bytes: refused (a damaged file or a zip bomb)"),
		               name, (unsigned long long)sb.size);
	zip_file_t *zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
	if (!zf)
		return gn_fail(err, GN_ERR_INVALID, _("the workbook is damaged: %s"), zip_strerror(x->zip));
	XML_Parser p = XML_ParserCreateNS("UTF-8", ' ');
	if (!p) {
		zip_fclose(zf);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	pc->p = p;
	pc->st = GN_OK;
	pc->err = err;
	pc->part = name;
	XML_SetUserData(p, pc);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, text);
	XML_SetStartDoctypeDeclHandler(p, no_doctype);
	/* per call: a row callback may read another sheet */
	enum { CHUNK = 1 << 16 };
	char *buf = malloc(CHUNK);
	if (!buf) {
		XML_ParserFree(p);
		zip_fclose(zf);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	unsigned long long total = 0;
	gn_status st = GN_OK;
	for (;;) {
		zip_int64_t got = zip_fread(zf, buf, CHUNK);
		if (got < 0) {
			st = gn_fail(err, GN_ERR_INVALID, _("the workbook is damaged: %s"), zip_file_strerror(zf));
			break;
		}
		total += (unsigned long long)got;
		/* the sizes in the zip can lie: counted as read */
		if (total > limit || (total > RATIO_FROM && (sb.valid & ZIP_STAT_COMP_SIZE) &&
		                      total / (sb.comp_size + 1) > x->lim.ratio)) {
			st = gn_fail(err, GN_ERR_INVALID,
			             _("the workbook's part %s unpacks to more than %llu bytes: refused (a damaged file or a zip "
			               "bomb)"),
			             name, total - 1);
			break;
		}
		if (XML_Parse(p, buf, (int)got, got == 0) != XML_STATUS_OK) {
			if (pc->st != GN_OK)
				st = pc->st;
			else
				st = gn_fail(err, GN_ERR_INVALID, _("the workbook is damaged: %s in %s at line %lu"),
				             XML_ErrorString(XML_GetErrorCode(p)), name, (unsigned long)XML_GetCurrentLineNumber(p));
			break;
		}
		if (pc->st != GN_OK) {
			st = pc->st;
			break;
		}
		if (got == 0)
			break;
	}
	free(buf);
	XML_ParserFree(p);
	zip_fclose(zf);
	return st;
}

/* ---- relationships and the workbook ------------------------------------------- */

typedef struct rel {
	char *id, *type, *target;
} rel;

typedef struct rels_ctx {
	part_ctx pc;
	rel *r;
	size_t n;
} rels_ctx;

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	rels_ctx *c = ud;
	if (strcmp(local(name), "Relationship") != 0)
		return;
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
	if (!id || !type || !target)
		return;
	rel *r = c->n < 100000 ? realloc(c->r, (c->n + 1) * sizeof *r) : NULL;
	if (!r) {
		stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
		return;
	}
	c->r = r;
	r[c->n] = (rel){ strdup(id), strdup(type), strdup(target) };
	if (!r[c->n].id || !r[c->n].type || !r[c->n].target) {
		free(r[c->n].id), free(r[c->n].type), free(r[c->n].target);
		stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
		return;
	}
	c->n++;
}

static void XMLCALL ignore_end(void *ud, const XML_Char *name)
{
	(void)ud, (void)name;
}

static void XMLCALL ignore_text(void *ud, const XML_Char *s, int len)
{
	(void)ud, (void)s, (void)len;
}

static void rels_free(rels_ctx *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->r[i].id), free(c->r[i].type), free(c->r[i].target);
	free(c->r);
	c->r = NULL;
	c->n = 0;
}

/* A target relative to the folder of part (or absolute: "/xl/..."). */
static char *resolve(const char *part, const char *target)
{
	if (target[0] == '/')
		return strdup(target + 1);
	const char *slash = strrchr(part, '/');
	size_t dir = slash ? (size_t)(slash - part) + 1 : 0;
	while (strncmp(target, "../", 3) == 0) {
		target += 3;
		while (dir > 0 && part[dir - 1] == '/')
			dir--;
		while (dir > 0 && part[dir - 1] != '/')
			dir--;
	}
	char *out = malloc(dir + strlen(target) + 1);
	if (out) {
		memcpy(out, part, dir);
		strcpy(out + dir, target);
	}
	return out;
}

/* The relationships of part ("xl/workbook.xml" -> "xl/_rels/workbook.xml.rels"). */
static gn_status read_rels(gn_xlsx *x, const char *part, rels_ctx *c, gn_err *err)
{
	memset(c, 0, sizeof *c);
	const char *slash = strrchr(part, '/');
	size_t dir = slash ? (size_t)(slash - part) + 1 : 0;
	char name[1024];
	snprintf(name, sizeof name, "%.*s_rels/%s.rels", (int)dir, part, part + dir);
	return parse_part(x, name, true, &c->pc, rels_start, ignore_end, ignore_text, 16ULL << 20, err);
}

static const rel *rel_of_type(const rels_ctx *c, const char *suffix)
{
	size_t n = strlen(suffix);
	for (size_t i = 0; i < c->n; i++) {
		size_t t = strlen(c->r[i].type);
		if (t >= n && strcmp(c->r[i].type + t - n, suffix) == 0)
			return &c->r[i];
	}
	return NULL;
}

typedef struct book_ctx {
	part_ctx pc;
	gn_xlsx *x;
} book_ctx;

static void XMLCALL book_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	book_ctx *c = ud;
	if (strcmp(local(name), "sheet") != 0)
		return;
	const char *sname = attr(atts, "name"), *rid = attr(atts, "id");
	gn_xlsx *x = c->x;
	if (!sname || !rid)
		return;
	sheet_ref *s = x->n_sheets < MAX_SHEETS ? realloc(x->sheets, (x->n_sheets + 1) * sizeof *s) : NULL;
	if (!s) {
		stop(&c->pc, gn_fail(c->pc.err, GN_ERR_INVALID, _("the workbook has too many sheets")));
		return;
	}
	x->sheets = s;
	s[x->n_sheets] = (sheet_ref){ strdup(sname), NULL, strdup(rid) };
	if (!s[x->n_sheets].name || !s[x->n_sheets].rid) {
		free(s[x->n_sheets].name), free(s[x->n_sheets].rid);
		stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
		return;
	}
	x->n_sheets++;
}

/* ---- shared strings ---------------------------------------------------------------- */

typedef struct sst_ctx {
	part_ctx pc;
	gn_xlsx *x;
	int in_t, in_rph;
	bool in_si;
	size_t start;  /* offset of the string being read */
} sst_ctx;

static void sst_grow(sst_ctx *c, const char *s, size_t n)
{
	gn_xlsx *x = c->x;
	if (x->sst_len + n + 1 > x->lim.shared_bytes) {
		stop(&c->pc, gn_fail(c->pc.err, GN_ERR_INVALID,
		                     _("the workbook's shared strings are larger than %llu bytes: refused"),
		                     x->lim.shared_bytes));
		return;
	}
	if (x->sst_len + n + 1 > x->sst_cap) {
		size_t cap = x->sst_cap ? x->sst_cap : 4096;
		while (cap < x->sst_len + n + 1)
			cap *= 2;
		char *bigger = realloc(x->sst, cap);
		if (!bigger) {
			stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
			return;
		}
		x->sst = bigger;
		x->sst_cap = cap;
	}
	memcpy(x->sst + x->sst_len, s, n);
	x->sst_len += n;
}

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	(void)atts;
	sst_ctx *c = ud;
	const char *l = local(name);
	if (strcmp(l, "si") == 0) {
		c->in_si = true;
		c->start = c->x->sst_len;
	} else if (strcmp(l, "rPh") == 0) {
		c->in_rph++;
	} else if (strcmp(l, "t") == 0 && c->in_si) {
		c->in_t++;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	sst_ctx *c = ud;
	gn_xlsx *x = c->x;
	const char *l = local(name);
	if (strcmp(l, "rPh") == 0 && c->in_rph) {
		c->in_rph--;
	} else if (strcmp(l, "t") == 0 && c->in_t) {
		c->in_t--;
	} else if (strcmp(l, "si") == 0 && c->in_si) {
		c->in_si = false;
		sst_grow(c, "", 1);
		if (c->pc.st != GN_OK)
			return;
		x->sst_len--; /* the NUL stays, not counted */
		x->sst[x->sst_len] = '\0';
		size_t n = decode_xstring(x->sst + c->start, x->sst_len - c->start);
		x->sst_len = c->start + n + 1;
		if (x->n_sst == x->sst_slots) {
			size_t slots = x->sst_slots ? 2 * x->sst_slots : 1024;
			size_t *bigger = realloc(x->sst_off, slots * sizeof *bigger);
			if (!bigger) {
				stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
				return;
			}
			x->sst_off = bigger;
			x->sst_slots = slots;
		}
		x->sst_off[x->n_sst++] = c->start;
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len)
{
	sst_ctx *c = ud;
	if (c->in_si && c->in_t && !c->in_rph)
		sst_grow(c, s, (size_t)len);
}

/* ---- styles -------------------------------------------------------------------------- */

typedef struct fmt {
	long id;
	bool date;
} fmt;

typedef struct styles_ctx {
	part_ctx pc;
	gn_xlsx *x;
	fmt *fmts;
	size_t n_fmts;
	bool in_xfs;
	long *xf_fmt;
	size_t n_xf;
} styles_ctx;

/* A number format that shows a date or time: d, m, y, h or s outside
 * quotes, escapes and [...] (colours, locales; [h] elapsed time counts). */
static bool format_is_date(const char *code)
{
	for (const char *p = code; *p; p++) {
		if (*p == '"') {
			const char *q = strchr(p + 1, '"');
			if (!q)
				break;
			p = q;
		} else if (*p == '\\' || *p == '_' || *p == '*') {
			if (!p[1])
				break;
			p++;
		} else if (*p == '[') {
			const char *q = strchr(p, ']');
			if (!q)
				break;
			if (p[1] == 'h' || p[1] == 'H' || p[1] == 'm' || p[1] == 'M' || p[1] == 's' || p[1] == 'S')
				return true;
			p = q;
		} else if (strchr("dDmMyYhHsS", *p)) {
			return true;
		}
	}
	return false;
}

static bool builtin_date(long id)
{
	return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	styles_ctx *c = ud;
	const char *l = local(name);
	if (strcmp(l, "numFmt") == 0) {
		const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
		if (!id || !code || c->n_fmts >= 65536)
			return;
		fmt *f = realloc(c->fmts, (c->n_fmts + 1) * sizeof *f);
		if (!f) {
			stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
			return;
		}
		c->fmts = f;
		f[c->n_fmts++] = (fmt){ atol(id), format_is_date(code) };
	} else if (strcmp(l, "cellXfs") == 0) {
		c->in_xfs = true;
	} else if (strcmp(l, "xf") == 0 && c->in_xfs) {
		const char *id = attr(atts, "numFmtId");
		if (c->n_xf >= 65536)
			return;
		long *f = realloc(c->xf_fmt, (c->n_xf + 1) * sizeof *f);
		if (!f) {
			stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
			return;
		}
		c->xf_fmt = f;
		f[c->n_xf++] = id ? atol(id) : 0;
	}
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
	styles_ctx *c = ud;
	if (strcmp(local(name), "cellXfs") == 0)
		c->in_xfs = false;
}

/* ---- open ------------------------------------------------------------------------------ */

void gn_xlsx_close(gn_xlsx *x)
{
	if (!x)
		return;
	if (x->zip)
		zip_discard(x->zip);
	for (size_t i = 0; i < x->n_sheets; i++)
		free(x->sheets[i].name), free(x->sheets[i].part), free(x->sheets[i].rid);
	free(x->sheets);
	free(x->sst);
	free(x->sst_off);
	free(x->xf_date);
	free(x->path);
	free(x);
}

gn_status gn_xlsx_open(const char *path, const gn_xlsx_limits *limits, gn_xlsx **out, gn_err *err)
{
	*out = NULL;
	gn_xlsx *x = calloc(1, sizeof *x);
	if (!x || !(x->path = strdup(path))) {
		free(x);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	if (limits)
		x->lim = *limits;
	else
		gn_xlsx_default_limits(&x->lim);
	FILE *probe = fopen(path, "rb");
	if (!probe) {
		int e = errno;
		gn_xlsx_close(x);
		return gn_fail(err, e == ENOENT ? GN_ERR_NOT_FOUND : GN_ERR_IO, _("cannot open %s: %s"), path, strerror(e));
	}
	fclose(probe);
	int ze = 0;
	x->zip = zip_open(path, ZIP_RDONLY, &ze);
	if (!x->zip) {
		gn_xlsx_close(x);
		return gn_fail(err, GN_ERR_INVALID, _("%s is not a zip file, so not an XLSX workbook"), path);
	}
	/* the main part: _rels/.rels says where the workbook is */
	char *book = NULL;
	rels_ctx top;
	gn_status st = read_rels(x, "", &top, err);
	if (st == GN_OK) {
		const rel *r = rel_of_type(&top, "/officeDocument");
		book = strdup(r ? (r->target[0] == '/' ? r->target + 1 : r->target) : "xl/workbook.xml");
		if (!book)
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	rels_free(&top);
	book_ctx bc = { .x = x };
	if (st == GN_OK)
		st = parse_part(x, book, false, &bc.pc, book_start, ignore_end, ignore_text, 64ULL << 20, err);
	rels_ctx br;
	memset(&br, 0, sizeof br);
	if (st == GN_OK)
		st = read_rels(x, book, &br, err);
	for (size_t i = 0; st == GN_OK && i < x->n_sheets; i++) {
		for (size_t k = 0; k < br.n; k++)
			if (strcmp(br.r[k].id, x->sheets[i].rid) == 0) {
				x->sheets[i].part = resolve(book, br.r[k].target);
				break;
			}
		if (!x->sheets[i].part)
			st = gn_fail(err, GN_ERR_INVALID, _("the workbook is damaged: sheet %s has no part"), x->sheets[i].name);
	}
	if (st == GN_OK && x->n_sheets == 0)
		st = gn_fail(err, GN_ERR_INVALID, _("%s is not an XLSX workbook: it has no sheets"), path);
	if (st == GN_OK) {
		const rel *r = rel_of_type(&br, "/sharedStrings");
		char *part = r ? resolve(book, r->target) : NULL;
		sst_ctx sc = { .x = x };
		if (part)
			st = parse_part(x, part, true, &sc.pc, sst_start, sst_end, sst_text, x->lim.shared_bytes * 4 + (1 << 20),
			                err);
		free(part);
	}
	if (st == GN_OK) {
		const rel *r = rel_of_type(&br, "/styles");
		char *part = r ? resolve(book, r->target) : NULL;
		styles_ctx sc = { .x = x };
		if (part)
			st = parse_part(x, part, true, &sc.pc, styles_start, styles_end, ignore_text, 64ULL << 20, err);
		free(part);
		if (st == GN_OK && sc.n_xf) {
			if (!(x->xf_date = calloc(sc.n_xf, sizeof *x->xf_date)))
				st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			for (size_t i = 0; st == GN_OK && i < sc.n_xf; i++) {
				bool date = builtin_date(sc.xf_fmt[i]);
				for (size_t k = 0; k < sc.n_fmts; k++)
					if (sc.fmts[k].id == sc.xf_fmt[i])
						date = sc.fmts[k].date;
				x->xf_date[i] = date;
			}
			x->n_xf = sc.n_xf;
		}
		free(sc.fmts);
		free(sc.xf_fmt);
	}
	rels_free(&br);
	free(book);
	if (st != GN_OK) {
		gn_xlsx_close(x);
		return st;
	}
	*out = x;
	return GN_OK;
}

size_t gn_xlsx_sheet_count(const gn_xlsx *x)
{
	return x->n_sheets;
}

const char *gn_xlsx_sheet_name(const gn_xlsx *x, size_t i)
{
	return i < x->n_sheets ? x->sheets[i].name : NULL;
}

int gn_xlsx_sheet_find(const gn_xlsx *x, const char *name)
{
	for (size_t i = 0; i < x->n_sheets; i++)
		if (strcmp(x->sheets[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ---- a sheet's rows ------------------------------------------------------------------------ */

typedef struct rcell {
	size_t off, len;
	gn_xlsx_kind kind;
	bool date;
} rcell;

typedef struct sheet_ctx {
	part_ctx pc;
	gn_xlsx *x;
	gn_xlsx_row_fn fn;
	void *arg;
	bool in_data, in_row, in_cell, in_v, in_is;
	int in_t, in_rph;
	long row, last_row;
	long col;         /* of the cell being read, 0-based */
	char type[12];
	long style;
	tbuf text;        /* every cell text of the row, NUL after each */
	size_t cell_start;
	bool has_v, has_is;
	rcell *cells;
	size_t n_cells, cap_cells;
	gn_xlsx_cell *out;
	size_t cap_out;
} sheet_ctx;

/* "AB12" -> column 27 (0-based 27), row 12; false if not a reference. */
static bool cell_ref(const char *r, long *col, long *row)
{
	long c = 0, n = 0;
	const char *p = r;
	while (*p >= 'A' && *p <= 'Z' && c <= MAX_COLS)
		c = c * 26 + (*p++ - 'A' + 1);
	while (*p >= '0' && *p <= '9' && n <= MAX_ROWS)
		n = n * 10 + (*p++ - '0');
	if (*p || c == 0)
		return false;
	*col = c - 1;
	*row = n;
	return true;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	sheet_ctx *c = ud;
	const char *l = local(name);
	if (strcmp(l, "sheetData") == 0) {
		c->in_data = true;
	} else if (!c->in_data) {
		return;
	} else if (strcmp(l, "row") == 0) {
		const char *r = attr(atts, "r");
		long row = r ? atol(r) : c->last_row + 1;
		if (row <= c->last_row || row > MAX_ROWS) {
			stop(&c->pc, gn_fail(c->pc.err, GN_ERR_INVALID, _("the workbook is damaged: row %ld of %s is out of order"),
			                     row, c->pc.part));
			return;
		}
		c->in_row = true;
		c->row = row;
		c->n_cells = 0;
		c->text.len = 0;
	} else if (strcmp(l, "c") == 0 && c->in_row) {
		const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
		long col = (long)c->n_cells, row = c->row;
		if (r && (!cell_ref(r, &col, &row) || row != c->row || col >= MAX_COLS || col < (long)c->n_cells)) {
			stop(&c->pc, gn_fail(c->pc.err, GN_ERR_INVALID, _("the workbook is damaged: cell %s is out of place"), r));
			return;
		}
		c->in_cell = true;
		c->col = col;
		snprintf(c->type, sizeof c->type, "%s", t ? t : "n");
		c->style = s ? atol(s) : 0;
		c->has_v = c->has_is = false;
		c->cell_start = c->text.len;
	} else if (c->in_cell && strcmp(l, "v") == 0) {
		c->in_v = true;
		c->has_v = true;
	} else if (c->in_cell && strcmp(l, "is") == 0) {
		c->in_is = true;
		c->has_is = true;
	} else if (c->in_is && strcmp(l, "rPh") == 0) {
		c->in_rph++;
	} else if (c->in_is && strcmp(l, "t") == 0) {
		c->in_t++;
	}
}

static bool add_cell(sheet_ctx *c, rcell cell)
{
	if (c->n_cells == c->cap_cells) {
		size_t cap = c->cap_cells ? 2 * c->cap_cells : 64;
		rcell *bigger = realloc(c->cells, cap * sizeof *bigger);
		if (!bigger)
			return false;
		c->cells = bigger;
		c->cap_cells = cap;
	}
	c->cells[c->n_cells++] = cell;
	return true;
}

static void end_cell(sheet_ctx *c)
{
	gn_xlsx *x = c->x;
	/* empty cells before this one */
	while ((long)c->n_cells < c->col)
		if (!add_cell(c, (rcell){ 0 })) {
			stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
			return;
		}
	size_t len = c->text.len - c->cell_start;
	char *s = c->text.s ? c->text.s + c->cell_start : NULL;
	rcell cell = { c->cell_start, len, GN_XLSX_EMPTY, false };
	const char *t = c->type;
	if (strcmp(t, "s") == 0) {
		char *end;
		unsigned long k = s && len ? strtoul(s, &end, 10) : 0;
		if (!s || !len || *end || k >= x->n_sst) {
			stop(&c->pc, gn_fail(c->pc.err, GN_ERR_INVALID, _("the workbook is damaged: a cell of %s names a shared "
			                                                  "string that is not there"),
			                     c->pc.part));
			return;
		}
		const char *str = x->sst + x->sst_off[k];
		c->text.len = c->cell_start;
		tb_add(&c->text, str, strlen(str));
		cell.len = strlen(str);
		cell.kind = cell.len ? GN_XLSX_TEXT : GN_XLSX_EMPTY;
	} else if (strcmp(t, "inlineStr") == 0) {
		cell.len = len ? decode_xstring(s, len) : 0;
		c->text.len = c->cell_start + cell.len;
		cell.kind = cell.len ? GN_XLSX_TEXT : GN_XLSX_EMPTY;
	} else if (strcmp(t, "b") == 0) {
		bool on = s && len && s[0] == '1';
		c->text.len = c->cell_start;
		if (c->has_v)
			tb_add(&c->text, on ? "TRUE" : "FALSE", on ? 4 : 5);
		cell.len = c->text.len - c->cell_start;
		cell.kind = cell.len ? GN_XLSX_BOOL : GN_XLSX_EMPTY;
	} else if (strcmp(t, "e") == 0) {
		cell.kind = len ? GN_XLSX_ERROR : GN_XLSX_EMPTY;
	} else if (strcmp(t, "str") == 0) {
		cell.len = len ? decode_xstring(s, len) : 0;
		c->text.len = c->cell_start + cell.len;
		cell.kind = cell.len ? GN_XLSX_TEXT : GN_XLSX_EMPTY;
	} else if (strcmp(t, "d") == 0) {
		cell.kind = len ? GN_XLSX_TEXT : GN_XLSX_EMPTY;
		cell.date = len > 0;
	} else { /* "n" */
		cell.kind = len ? GN_XLSX_NUMBER : GN_XLSX_EMPTY;
		cell.date = len && c->style >= 0 && (size_t)c->style < x->n_xf && x->xf_date[c->style];
	}
	if (cell.len > x->lim.cell_bytes) {
		stop(&c->pc, gn_fail(c->pc.err, GN_ERR_INVALID,
		                     _("row %ld of the workbook has a cell longer than a spreadsheet allows"), c->row));
		return;
	}
	tb_add(&c->text, "", 1); /* the NUL after the cell */
	if (c->text.failed || !add_cell(c, cell))
		stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	sheet_ctx *c = ud;
	const char *l = local(name);
	if (!c->in_data)
		return;
	if (strcmp(l, "sheetData") == 0) {
		c->in_data = false;
	} else if (strcmp(l, "v") == 0) {
		c->in_v = false;
	} else if (strcmp(l, "rPh") == 0 && c->in_rph) {
		c->in_rph--;
	} else if (strcmp(l, "t") == 0 && c->in_t) {
		c->in_t--;
	} else if (strcmp(l, "is") == 0) {
		c->in_is = false;
	} else if (strcmp(l, "c") == 0 && c->in_cell) {
		c->in_cell = false;
		end_cell(c);
	} else if (strcmp(l, "row") == 0 && c->in_row) {
		c->in_row = false;
		c->last_row = c->row;
		if (c->pc.st != GN_OK)
			return;
		if (c->n_cells > c->cap_out) {
			gn_xlsx_cell *bigger = realloc(c->out, c->n_cells * sizeof *bigger);
			if (!bigger) {
				stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
				return;
			}
			c->out = bigger;
			c->cap_out = c->n_cells;
		}
		for (size_t i = 0; i < c->n_cells; i++) {
			rcell *r = &c->cells[i];
			c->out[i] = (gn_xlsx_cell){ r->kind == GN_XLSX_EMPTY || !c->text.s ? "" : c->text.s + r->off, r->len,
				                        r->kind, r->date };
			if (r->kind == GN_XLSX_EMPTY)
				c->out[i].len = 0;
		}
		gn_xlsx_row row = { c->row, c->out, c->n_cells };
		gn_status st = c->fn(c->arg, &row, c->pc.err);
		if (st != GN_OK)
			stop(&c->pc, st);
	}
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int len)
{
	sheet_ctx *c = ud;
	if (!c->in_cell || !(c->in_v || (c->in_is && c->in_t && !c->in_rph)))
		return;
	if (c->text.len - c->cell_start + (size_t)len > c->x->lim.cell_bytes + 8) {
		stop(&c->pc, gn_fail(c->pc.err, GN_ERR_INVALID,
		                     _("row %ld of the workbook has a cell longer than a spreadsheet allows"), c->row));
		return;
	}
	tb_add(&c->text, s, (size_t)len);
	if (c->text.failed)
		stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
}

gn_status gn_xlsx_read_sheet(gn_xlsx *x, size_t sheet, gn_xlsx_row_fn fn, void *arg, gn_err *err)
{
	if (sheet >= x->n_sheets)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("the workbook has no sheet %zu"), sheet + 1);
	sheet_ctx c = { .x = x, .fn = fn, .arg = arg };
	gn_status st = parse_part(x, x->sheets[sheet].part, false, &c.pc, sheet_start, sheet_end, sheet_text,
	                          x->lim.part_bytes, err);
	free(c.text.s);
	free(c.cells);
	free(c.out);
	return st;
}

gn_status gn_xlsx_read_sheet_named(gn_xlsx *x, const char *name, gn_xlsx_row_fn fn, void *arg, gn_err *err)
{
	int i = gn_xlsx_sheet_find(x, name);
	if (i < 0)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("the workbook has no sheet %s"), name);
	return gn_xlsx_read_sheet(x, (size_t)i, fn, arg, err);
}
