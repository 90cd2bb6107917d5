/* The XLSX reader (see include/gonha/interchange/xlsx.h): libzip opens the container,
 * expat parses each XML part as it is inflated, 64 KB at a time. */
#include "xlsx_internal.h"
#include "gonha/core/i18n.h"

#include <errno.h>
#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

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


void xl_tb_add(tbuf *b, const char *s, size_t n)
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
size_t xl_decode_xstring(char *s, size_t n)
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
const char *xl_local(const char *name)
{
	const char *sp = strrchr(name, ' ');
	return sp ? sp + 1 : name;
}

const char *xl_attr(const char **atts, const char *name)
{
	for (int i = 0; atts[i]; i += 2)
		if (strcmp(xl_local(atts[i]), name) == 0 && (!strchr(atts[i], ' ') || strcmp(name, "id") == 0))
			return atts[i + 1];
	return NULL;
}


void xl_stop(part_ctx *pc, gn_status st)
{
	if (pc->st == GN_OK)
		pc->st = st;
	XML_StopParser(pc->p, XML_FALSE);
}

static void XMLCALL no_doctype(void *ud, const XML_Char *name, const XML_Char *sys, const XML_Char *pub, int internal)
{
	(void)name, (void)sys, (void)pub, (void)internal;
	part_ctx *pc = ud;
	xl_stop(pc, gn_fail(pc->err, GN_ERR_INVALID, _("the workbook is damaged: %s has a DTD, which an XLSX never has"),
	                 pc->part));
}

static zip_int64_t find_entry(gn_xlsx *x, const char *name)
{
	return zip_name_locate(x->zip, name, 0);
}

/* Parses part name with the handlers, the user data ud starting with a
 * part_ctx. missing_ok: a part that is not there is not an error. */
gn_status xl_parse_part(gn_xlsx *x, const char *name, bool missing_ok, part_ctx *pc,
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
	if (strcmp(xl_local(name), "Relationship") != 0)
		return;
	const char *id = xl_attr(atts, "Id"), *type = xl_attr(atts, "Type"), *target = xl_attr(atts, "Target");
	if (!id || !type || !target)
		return;
	rel *r = c->n < 100000 ? realloc(c->r, (c->n + 1) * sizeof *r) : NULL;
	if (!r) {
		xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
		return;
	}
	c->r = r;
	r[c->n] = (rel){ strdup(id), strdup(type), strdup(target) };
	if (!r[c->n].id || !r[c->n].type || !r[c->n].target) {
		free(r[c->n].id), free(r[c->n].type), free(r[c->n].target);
		xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
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
	return xl_parse_part(x, name, true, &c->pc, rels_start, ignore_end, ignore_text, 16ULL << 20, err);
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
	if (strcmp(xl_local(name), "sheet") != 0)
		return;
	const char *sname = xl_attr(atts, "name"), *rid = xl_attr(atts, "id");
	gn_xlsx *x = c->x;
	if (!sname || !rid)
		return;
	sheet_ref *s = x->n_sheets < MAX_SHEETS ? realloc(x->sheets, (x->n_sheets + 1) * sizeof *s) : NULL;
	if (!s) {
		xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_INVALID, _("the workbook has too many sheets")));
		return;
	}
	x->sheets = s;
	s[x->n_sheets] = (sheet_ref){ strdup(sname), NULL, strdup(rid) };
	if (!s[x->n_sheets].name || !s[x->n_sheets].rid) {
		free(s[x->n_sheets].name), free(s[x->n_sheets].rid);
		xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
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
		xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_INVALID,
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
			xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
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
	const char *l = xl_local(name);
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
	const char *l = xl_local(name);
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
		size_t n = xl_decode_xstring(x->sst + c->start, x->sst_len - c->start);
		x->sst_len = c->start + n + 1;
		if (x->n_sst == x->sst_slots) {
			size_t slots = x->sst_slots ? 2 * x->sst_slots : 1024;
			size_t *bigger = realloc(x->sst_off, slots * sizeof *bigger);
			if (!bigger) {
				xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
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
	const char *l = xl_local(name);
	if (strcmp(l, "numFmt") == 0) {
		const char *id = xl_attr(atts, "numFmtId"), *code = xl_attr(atts, "formatCode");
		if (!id || !code || c->n_fmts >= 65536)
			return;
		fmt *f = realloc(c->fmts, (c->n_fmts + 1) * sizeof *f);
		if (!f) {
			xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
			return;
		}
		c->fmts = f;
		f[c->n_fmts++] = (fmt){ atol(id), format_is_date(code) };
	} else if (strcmp(l, "cellXfs") == 0) {
		c->in_xfs = true;
	} else if (strcmp(l, "xf") == 0 && c->in_xfs) {
		const char *id = xl_attr(atts, "numFmtId");
		if (c->n_xf >= 65536)
			return;
		long *f = realloc(c->xf_fmt, (c->n_xf + 1) * sizeof *f);
		if (!f) {
			xl_stop(&c->pc, gn_fail(c->pc.err, GN_ERR_NOMEM, _("out of memory")));
			return;
		}
		c->xf_fmt = f;
		f[c->n_xf++] = id ? atol(id) : 0;
	}
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
	styles_ctx *c = ud;
	if (strcmp(xl_local(name), "cellXfs") == 0)
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
		st = xl_parse_part(x, book, false, &bc.pc, book_start, ignore_end, ignore_text, 64ULL << 20, err);
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
			st = xl_parse_part(x, part, true, &sc.pc, sst_start, sst_end, sst_text, x->lim.shared_bytes * 4 + (1 << 20),
			                err);
		free(part);
	}
	if (st == GN_OK) {
		const rel *r = rel_of_type(&br, "/styles");
		char *part = r ? resolve(book, r->target) : NULL;
		styles_ctx sc = { .x = x };
		if (part)
			st = xl_parse_part(x, part, true, &sc.pc, styles_start, styles_end, ignore_text, 64ULL << 20, err);
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

