/* gonha import: gonha's own persons and households files merged by UUID,
 * and a TDP's household list. Read as a stream with libcsv, one physical
 * line at a time so each problem names its line; everything is applied in
 * one transaction that is rolled back when any row is refused (or for
 * --dry-run). The merge rules are in docs/exchange.md. */
#include "columns.h"
#include "spreadsheet.h"
#include "gonha/date.h"
#include "gonha/validate.h"
#include "gonha/cccd.h"
#include "gonha/coverage.h"
#include "gonha/db.h"
#include "gonha/household.h"
#include "gonha/i18n.h"
#include "gonha/strbuf.h"
#include "gonha/text.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistr.h>

/* The household list template (docs/exchange.md). */
enum { HL_TDP, HL_HOUSE, HL_ALLEY, HL_STREET, HL_HEAD, HL_YEAR, HL_SEX, HL_CCCD, HL_PHONE, HL_COUNT };
static const struct {
	const char *name, *label_vi;
} list_cols[HL_COUNT] = {
	{ "tdp_code", "Mã tổ dân phố" }, { "house_no", "Số nhà" },       { "alley", "Ngõ/ngách" },
	{ "street", "Đường/phố" },       { "head_name", "Chủ hộ" },      { "head_birth_year", "Năm sinh chủ hộ" },
	{ "head_sex", "Giới tính chủ hộ" }, { "head_cccd", "CCCD chủ hộ" }, { "phone", "Số điện thoại" },
};

typedef struct importer {
	gn_ctx *ctx;
	const gn_census *census;
	const gn_import_options *opt;
	gn_import_report *rep;
	ex_cols cols;
	int *map;            /* file column -> ex_cols index (or HL_ index), -1 = none */
	size_t n_header;
	int this_year;
	/* the row being read */
	char **cells;
	size_t n_cells, cap_cells;
	long line, row_line;
	long row_start;
	long last_refused_line;      /* the line the row being read started on */
	bool row_bad_utf8, row_nul;
	bool header_done, fatal;
	bool decimal_comma;  /* the file is separated by ';' (a decimal-comma locale) */
	bool token_mangled;  /* this row's version came back from a spreadsheet as a number */
	sqlite3_stmt *written; /* remembers the line of each record written, for the form's rules */
	gn_status status;    /* a database or memory error stops everything */
	gn_err *err;
	const char *source;
	/* statements, prepared once */
	sqlite3_stmt *local, *ins, *upd, *conflict_seen, *conflict_add, *tdp_of, *hh_tdp, *pos;
	sqlite3_stmt *hl_seen, *hl_walk, *audit_ins;
	char now[32];        /* one time for every audit entry of the file */
	char (*touched)[37]; /* owned: TDP ids whose people changed */
	long long file_bytes; /* size of the file, 0 when not known */
	char **dropped;      /* owned: CREATE INDEX statements to run again */
	size_t n_dropped;
	size_t n_touched;
	long *added_in;      /* owned: records added per touched TDP, for the audit */
	/* owned, per touched TDP: the coverage bits of the persons added into a
	 * ward with nobody in it, summed as they go in ([0] den, [1] num) */
	long long (*bit_sums)[2][64];
	size_t last_touched; /* rows come grouped by TDP: looked at first */
	/* A persons file into a ward with nobody in it: every person index is
	 * dropped and built again at the end, the coverage bits are computed as
	 * each row goes in, and a row's position is its line (file order). */
	bool empty_ward;
	sqlite3_stmt *bulk_ins; /* BULK_ROWS persons at a time */
	int bulk_pending;       /* rows bound into bulk_ins, not yet inserted */
	/* the last TDP code and household looked up: rows come grouped */
	char last_code[32], last_code_tdp[37], last_canonical[32];
	char last_hh[37], last_hh_tdp[37];
#define COL_MEMO 61
	const char *memo_name[COL_MEMO];
	int memo_col[COL_MEMO];
} importer;

static void problem(importer *im, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(importer *im, long line, const char *fmt, ...)
{
	gn_import_report *rep = im->rep;
	rep->problems_total++;
	if (line != im->last_refused_line) {
		rep->rows_refused++;
		im->last_refused_line = line;
	}
	if (rep->n_problems >= GN_EX_MAX_PROBLEMS)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	gn_ex_problem *p = realloc(rep->problems, (rep->n_problems + 1) * sizeof *p);
	if (!p)
		return;
	rep->problems = p;
	rep->problems[rep->n_problems].line = line;
	rep->problems[rep->n_problems].msg = strdup(msg);
	rep->n_problems++;
}

static void forget_problems(gn_import_report *rep)
{
	for (size_t i = 0; i < rep->n_problems; i++)
		free(rep->problems[i].msg);
	free(rep->problems);
	rep->problems = NULL;
	rep->n_problems = 0;
	rep->problems_total = 0;
	rep->rows_refused = 0;
}

static void db_error(importer *im, const char *what)
{
	if (im->status == GN_OK)
		im->status = gn_db_fail(im->ctx->db, im->err, what);
	im->fatal = true;
}

/* ---- the header ----------------------------------------------------------- */

static bool same_text(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Persons into a ward with nobody in it: every person index and trigger is
 * dropped for the import and made again at the end, in the same
 * transaction, so the rows are appended and each index is built by one
 * sort instead of a random insert per row (what the triggers did, the
 * import does itself: the coverage bits go in with each row, the sums are
 * recounted once). A big file into a ward with fewer people than it brings:
 * the indexes that only lists and searches use, likewise. */
#define BULK_BYTES (32LL * 1024 * 1024)
#define BULK_BYTES_PER_PERSON 250

static void maybe_bulk(importer *im)
{
	if (im->rep->kind != GN_EXK_PERSONS || (im->opt && im->opt->dry_run))
		return;
	sqlite3_stmt *q = NULL;
	long long have = -1;
	if (sqlite3_prepare_v2(im->ctx->db, "SELECT count(*) FROM person", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		have = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	im->empty_ward = have == 0 && im->ctx->coverage;
	if (!im->empty_ward && (im->file_bytes < BULK_BYTES || have < 0 || have * BULK_BYTES_PER_PERSON > im->file_bytes))
		return;
	if (im->empty_ward) {
		gn_err e = { 0 };
		if (gn_db_meta_set(im->ctx->db, "counters_paused", "1", &e) != GN_OK) {
			db_error(im, "import");
			return;
		}
	}
	/* Otherwise the id and person_household stay: looking up records and
	 * numbering members need them. The unique id is built first. */
	if (sqlite3_prepare_v2(im->ctx->db, "SELECT name, sql, type FROM sqlite_schema WHERE tbl_name = 'person' AND "
	                       "sql IS NOT NULL AND (type = 'index' OR (?1 AND type = 'trigger')) AND (?1 OR name NOT IN "
	                       "('person_household', 'person_id')) ORDER BY type, name <> 'person_id', name", -1, &q,
	                       NULL) != SQLITE_OK) {
		db_error(im, "import");
		return;
	}
	sqlite3_bind_int(q, 1, im->empty_ward);
	while (sqlite3_step(q) == SQLITE_ROW) {
		char **more = realloc(im->dropped, (im->n_dropped + 2) * sizeof *more);
		if (!more)
			break;
		im->dropped = more;
		im->dropped[im->n_dropped++] = strdup((const char *)sqlite3_column_text(q, 1));
		im->dropped[im->n_dropped++] = sqlite3_mprintf("DROP %s \"%w\"", (const char *)sqlite3_column_text(q, 2),
		                                               (const char *)sqlite3_column_text(q, 0));
	}
	sqlite3_finalize(q);
	for (size_t i = 1; i < im->n_dropped; i += 2)
		if (sqlite3_exec(im->ctx->db, im->dropped[i], NULL, NULL, NULL) != SQLITE_OK) {
			db_error(im, "import");
			return;
		}
}

/* The unique id failed to build: the file names a person twice. Their
 * position is the line each came from. */
static void report_duplicates(importer *im)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(im->ctx->db, "SELECT id, min(position), max(position), count(*) FROM person GROUP BY id "
	                       "HAVING count(*) > 1 ORDER BY 3 LIMIT 200", -1, &q, NULL) != SQLITE_OK) {
		db_error(im, "import");
		return;
	}
	while (sqlite3_step(q) == SQLITE_ROW)
		problem(im, sqlite3_column_int(q, 2), _("person_id %s is already on line %d of this file"),
		        (const char *)sqlite3_column_text(q, 0), sqlite3_column_int(q, 1));
	sqlite3_finalize(q);
}

/* Builds the dropped indexes again (before the coverage recount, which
 * reads persons by TDP). */
static void rebuild_indexes(importer *im)
{
	for (size_t i = 0; i < im->n_dropped; i += 2) {
		if (im->status == GN_OK && im->rep->problems_total == 0) {
			int rc = sqlite3_exec(im->ctx->db, im->dropped[i], NULL, NULL, NULL);
			if ((rc & 0xff) == SQLITE_CONSTRAINT && im->empty_ward)
				report_duplicates(im);
			else if (rc != SQLITE_OK)
				db_error(im, "import");
		}
		free(im->dropped[i]);
		sqlite3_free(im->dropped[i + 1]);
	}
	free(im->dropped);
	im->dropped = NULL;
	im->n_dropped = 0;
}

static void read_header(importer *im)
{
	char **h = im->cells;
	size_t n = im->n_cells;
	bool has_person = false, has_household = false, has_head = false;
	for (size_t i = 0; i < n; i++) {
		has_person |= same_text(h[i], "person_id") || same_text(h[i], "Mã người");
		has_household |= same_text(h[i], "household_id") || same_text(h[i], "Mã hộ");
		has_head |= same_text(h[i], "head_name") || same_text(h[i], "Chủ hộ");
	}
	gn_ex_kind kind = has_person ? GN_EXK_PERSONS : has_household ? GN_EXK_HOUSEHOLDS
	                : has_head ? GN_EXK_HOUSEHOLD_LIST : GN_EXK_UNKNOWN;
	im->rep->kind = kind;
	if (kind == GN_EXK_UNKNOWN) {
		problem(im, im->row_line, _("this is not a gonha export nor a household list: the header needs person_id, "
		                           "household_id, or tdp_code and head_name (see docs/exchange.md)"));
		im->fatal = true;
		return;
	}
	im->map = malloc((n ? n : 1) * sizeof *im->map);
	if (!im->map) {
		im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
		im->fatal = true;
		return;
	}
	im->n_header = n;
	if (kind != GN_EXK_HOUSEHOLD_LIST &&
	    (im->status = ex_cols_build(im->census ? im->census->form : NULL, kind, &im->cols, im->err)) != GN_OK) {
		im->fatal = true;
		return;
	}
	memset(im->memo_name, 0, sizeof im->memo_name); /* the columns are known from here */
	int seen[HL_COUNT] = { 0 };
	bool labels = false;
	for (size_t i = 0; i < n; i++) {
		im->map[i] = -1;
		if (kind == GN_EXK_HOUSEHOLD_LIST) {
			for (int k = 0; k < HL_COUNT; k++)
				if (same_text(h[i], list_cols[k].name) || same_text(h[i], list_cols[k].label_vi))
					im->map[i] = k;
		} else {
			for (size_t k = 0; k < im->cols.n; k++)
				if (same_text(h[i], im->cols.cols[k].name) || same_text(h[i], im->cols.cols[k].label_vi))
					im->map[i] = (int)k;
		}
		if (im->map[i] >= 0 && kind != GN_EXK_HOUSEHOLD_LIST && !same_text(h[i], im->cols.cols[im->map[i]].name))
			labels = true;
		if (im->map[i] < 0 && *h[i])
			problem(im, im->row_line, _("column \"%s\" is not a column of this kind of file"), h[i]);
		else if (im->map[i] >= 0 && kind == GN_EXK_HOUSEHOLD_LIST && seen[im->map[i]]++)
			problem(im, im->row_line, _("column \"%s\" appears twice"), h[i]);
	}
	if (kind == GN_EXK_HOUSEHOLD_LIST) {
		if (!seen[HL_TDP] || !seen[HL_HEAD] || !seen[HL_STREET])
			problem(im, im->row_line, _("a household list needs the columns tdp_code, street and head_name"));
	} else {
		static const char *const needed[] = { "person_id", "household_id", "tdp_code", "version", "updated_at", NULL };
		for (int k = 0; needed[k]; k++) {
			int c = ex_cols_find(&im->cols, needed[k]);
			if (c < 0 || (kind == GN_EXK_HOUSEHOLDS && strcmp(needed[k], "person_id") == 0))
				continue;
			bool found = false;
			for (size_t i = 0; i < n; i++)
				found |= im->map[i] == c;
			if (!found)
				problem(im, im->row_line, _("the column %s is missing"), needed[k]);
		}
	}
	if (labels) {
		/* labels are for reading: "Có" or "Mức 2" and masked numbers back
		 * in would only look like changes */
		forget_problems(im->rep);
		problem(im, im->row_line, _("this file was exported with --labels (Vietnamese headers and answers), for "
		                           "reading in Excel; it cannot be imported. Import the same export made without "
		                           "--labels"));
	}
	if (im->rep->problems_total)
		im->fatal = true;
	else
		maybe_bulk(im);
}

/* ---- checks shared by the kinds ------------------------------------------ */

static bool is_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static bool parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	if (!*s)
		return false;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*end || errno || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* The TDP id of a code, and whether the user may change it; canonical (if
 * not NULL) gets the code as stored. */
static bool tdp_lookup(importer *im, const char *code, char id[37], char canonical[32]);

static bool tdp_for_code_as(importer *im, const char *code, char id[37], char canonical[32])
{
	if (*im->last_code && strcmp(code, im->last_code) == 0) {
		memcpy(id, im->last_code_tdp, 37);
		if (canonical)
			memcpy(canonical, im->last_canonical, 32);
		return true;
	}
	char canon[32] = "";
	if (!tdp_lookup(im, code, id, canon))
		return false;
	if (canonical)
		memcpy(canonical, canon, 32);
	if (strlen(code) < sizeof im->last_code) {
		snprintf(im->last_code, sizeof im->last_code, "%s", code);
		memcpy(im->last_code_tdp, id, 37);
		memcpy(im->last_canonical, canon, 32);
	}
	return true;
}

/* The TDP of a code, checked against the user's scope; only successes are
 * remembered, so every refused row is named. */
static bool tdp_lookup(importer *im, const char *code, char id[37], char canonical[32])
{
	sqlite3_stmt *q = im->tdp_of;
	id[0] = '\0';
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, code, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(q) == SQLITE_ROW)
		snprintf(id, 37, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	if (!*id && *code && strspn(code, "0123456789") == strlen(code)) {
		/* Excel and Calc read "01" as the number 1: match it without the zeros */
		sqlite3_stmt *z = NULL;
		if (sqlite3_prepare_v2(im->ctx->db, "SELECT id, code FROM tdp WHERE ltrim(code, '0') = ltrim(?1, '0')", -1, &z,
		                       NULL) == SQLITE_OK) {
			sqlite3_bind_text(z, 1, code, -1, SQLITE_STATIC);
			if (sqlite3_step(z) == SQLITE_ROW && sqlite3_column_text(z, 0)) {
				snprintf(id, 37, "%s", (const char *)sqlite3_column_text(z, 0));
				if (canonical)
					snprintf(canonical, 32, "%s", (const char *)sqlite3_column_text(z, 1));
			}
		}
		sqlite3_finalize(z);
	} else if (canonical) {
		snprintf(canonical, 32, "%s", code);
	}
	if (!*id) {
		problem(im, im->row_line, _("there is no TDP with code \"%s\" in this ward"), code);
		return false;
	}
	gn_err e = { 0 };
	if (gn_scope_require_tdp(im->ctx, id, &e) != GN_OK) {
		problem(im, im->row_line, _("TDP %s is not yours: you may not import into it"), code);
		return false;
	}
	return true;
}

static bool tdp_for_code(importer *im, const char *code, char id[37])
{
	return tdp_for_code_as(im, code, id, NULL);
}

/* The cleaned value of each known column (NFC, no controls, unguarded);
 * NULL for an empty cell. */
typedef struct row_values {
	char **v;   /* owned; by ex_cols index (or HL_ index) */
	size_t n;
} row_values;

static void row_values_free(row_values *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
	memset(r, 0, sizeof *r);
}

static bool clean_row(importer *im, size_t n_targets, row_values *out)
{
	out->n = n_targets;
	out->v = calloc(n_targets ? n_targets : 1, sizeof *out->v);
	if (!out->v) {
		im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
		im->fatal = true;
		return false;
	}
	for (size_t i = 0; i < im->n_cells && i < im->n_header; i++) {
		int t = im->map[i];
		if (t < 0)
			continue;
		const char *raw = gn_csv_unguard(im->cells[i]);
		size_t len = strlen(raw);
		if (len == 0) { /* most answers of most people: nothing to clean */
			free(out->v[t]);
			out->v[t] = NULL;
			continue;
		}
		if (len > GN_EX_MAX_CELL) {
			problem(im, im->row_line, _("column %zu holds %zu bytes; a cell may hold at most %d"), i + 1, len,
			        GN_EX_MAX_CELL);
			return false;
		}
		int flags = 0;
		if (im->rep->kind != GN_EXK_HOUSEHOLD_LIST) {
			const ex_col *c = &im->cols.cols[t];
			if (c->kind == EXC_ANSWER && c->field && c->field->type == GN_FT_TEXT)
				flags = GN_TEXT_MULTILINE;
			if (c->kind == EXC_OTHER)
				flags = GN_TEXT_MULTILINE | GN_TEXT_KEEP_SPACES;
		}
		char *clean = NULL;
		gn_err e = { 0 };
		if (gn_text_clean(raw, len, flags, &clean, &e) != GN_OK) {
			problem(im, im->row_line, "%s", e.msg);
			return false;
		}
		if (!*clean) {
			free(clean);
			clean = NULL;
		}
		free(out->v[t]);
		out->v[t] = clean;
	}
	return true;
}

/* ---- merging a gonha export ---------------------------------------------- */

/* The column of a name. The names asked for are the literals of this file,
 * a few dozen times a row: remembered by address (a miss just looks again). */
static int col_of(importer *im, const char *name)
{
	unsigned slot = (unsigned)(((uintptr_t)name >> 3) % COL_MEMO);
	if (im->memo_name[slot] != name) {
		im->memo_name[slot] = name;
		im->memo_col[slot] = ex_cols_find(&im->cols, name);
	}
	return im->memo_col[slot];
}

static const char *val(importer *im, const row_values *r, const char *name)
{
	int c = col_of(im, name);
	return c >= 0 ? r->v[c] : NULL;
}

/* A problem with one cell, named by its column. */
static void cell_problem(importer *im, const char *column, const char *value, const char *why)
{
	if (value)
		problem(im, im->row_line, "%s \"%s\": %s", column, value, why);
	else
		problem(im, im->row_line, "%s: %s", column, why);
}

static void replace_value(row_values *r, size_t k, char *value)
{
	free(r->v[k]);
	r->v[k] = value;
}

/* The version tokens of the row: one a spreadsheet wrote as a number is
 * the stored one if it rounds to it; else the row is marked, and the
 * merge decides (nothing to decide when the content is the same). */
static void restore_tokens(importer *im, row_values *r, char **local)
{
	im->token_mangled = false;
	int c_version = col_of(im, "version"), c_base = col_of(im, "base_version");
	int cols[2] = { c_version, c_base };
	for (int i = 0; i < 2; i++) {
		int k = cols[i];
		if (k < 0 || !r->v[k])
			continue;
		const char *candidates[2] = { local ? local[c_version] : NULL, local && c_base >= 0 ? local[c_base] : NULL };
		bool found = false;
		for (int j = 0; j < 2 && !found; j++)
			if (ex_sheet_same_token(candidates[j], r->v[k])) {
				replace_value(r, (size_t)k, strdup(candidates[j]));
				found = true;
			}
		if (!found && ex_sheet_exponent(r->v[k]))
			im->token_mangled = true;
	}
}

/* A select cell: choice names (space separated for several), or their
 * labels (several joined by ';'), as names. NULL when a part is neither. */
static char *choice_names(const gn_field *f, const char *cell)
{
	if (f->type == GN_FT_SELECT_ONE) {
		const char *name = ex_choice_name(f, cell);
		return name ? strdup(name) : NULL;
	}
	const char *whole = ex_choice_name(f, cell);
	if (whole)
		return strdup(whole);
	const char *sep = strchr(cell, ';') ? ";" : " ";
	gn_strbuf value = { 0 };
	char *copy = strdup(cell), *save = NULL;
	bool fine = copy != NULL;
	for (char *t = copy ? strtok_r(copy, sep, &save) : NULL; t && fine; t = strtok_r(NULL, sep, &save)) {
		while (*t == ' ')
			t++;
		size_t l = strlen(t);
		while (l && t[l - 1] == ' ')
			t[--l] = '\0';
		if (!*t)
			continue;
		const char *name = ex_choice_name(f, t);
		if (name)
			gn_sb_printf(&value, "%s%s", value.len ? " " : "", name);
		else
			fine = false;
	}
	free(copy);
	char *out = fine && !value.failed ? strdup(gn_sb_str(&value)) : NULL;
	gn_sb_free(&value);
	return out;
}

/* Each cell on its own: what a spreadsheet did is undone where that is
 * certain and refused where it is not; choices become names; each value
 * has its question's type. */
static bool check_cells(importer *im, row_values *r, char **local)
{
	bool ok = true;
	for (size_t k = 0; k < im->cols.n; k++) {
		const ex_col *c = &im->cols.cols[k];
		if (!r->v[k] || c->kind == EXC_TDP_NAME || c->kind == EXC_DERIVED)
			continue;
		char *undone = ex_sheet_restore(c, r->v[k], local ? local[k] : NULL, im->decimal_comma);
		if (undone)
			replace_value(r, k, undone);
		const char *damage = ex_sheet_damage(c, r->v[k], local ? local[k] : NULL, im->decimal_comma);
		if (damage) {
			cell_problem(im, c->name, r->v[k], damage);
			ok = false;
			continue;
		}
		const gn_field *f = c->field;
		if (!f) {
			char *end;
			if (strcmp(c->name, "walk_order") == 0 && (strtod(r->v[k], &end), *end)) {
				cell_problem(im, c->name, r->v[k], _("must be a number"));
				ok = false;
			}
			continue;
		}
		if (f->type == GN_FT_SELECT_ONE || f->type == GN_FT_SELECT_MULTIPLE) {
			char *names = choice_names(f, r->v[k]);
			if (!names) {
				cell_problem(im, c->name, r->v[k], _("is not one of the choices"));
				ok = false;
				continue;
			}
			replace_value(r, k, names);
		}
		gn_err e = { 0 };
		if (gn_form_check_type(f, r->v[k], &e) != GN_OK) {
			cell_problem(im, c->name, r->v[k], e.msg);
			ok = false;
		}
	}
	return ok;
}

/* The record as a whole, by the domain's rules (the same a save from the
 * screen meets): a person's year, sex, relation and CCCD; a household's
 * visit outcome and date. */
static bool check_domain(importer *im, const row_values *r, bool persons)
{
	gn_err e = { 0 };
	gn_status st;
	if (persons) {
		gn_person p = { 0 };
		const char *by = val(im, r, "birth_year");
		long year = 0;
		if (by && !parse_int(by, 0, 99999, &year)) {
			cell_problem(im, "birth_year", by, _("type a whole number (digits only)"));
			return false;
		}
		p.birth_year = (int)year;
		p.full_name = (char *)val(im, r, "full_name");
		snprintf(p.sex, sizeof p.sex, "%s", val(im, r, "sex") ? val(im, r, "sex") : "");
		snprintf(p.relation, sizeof p.relation, "%s", val(im, r, "relation") ? val(im, r, "relation") : "");
		p.cccd = (char *)val(im, r, "cccd");
		if (val(im, r, "sex") && strlen(val(im, r, "sex")) >= sizeof p.sex)
			snprintf(p.sex, sizeof p.sex, "?");
		if (val(im, r, "relation") && strlen(val(im, r, "relation")) >= sizeof p.relation)
			snprintf(p.relation, sizeof p.relation, "?");
		st = gn_person_validate(&p, im->this_year, &e);
	} else {
		gn_household h = { 0 };
		const char *vs = val(im, r, "visit_status");
		snprintf(h.visit_status, sizeof h.visit_status, "%s", vs ? vs : GN_VISIT_NOT_VISITED);
		if (vs && strlen(vs) >= sizeof h.visit_status)
			snprintf(h.visit_status, sizeof h.visit_status, "?");
		h.visit_date = (char *)val(im, r, "visit_date");
		st = gn_household_validate_visit(&h, &e);
	}
	if (st == GN_OK)
		return true;
	if (st == GN_ERR_INVALID) {
		const char *field = e.field[0] ? e.field : "";
		cell_problem(im, field, *field ? val(im, r, field) : NULL, e.msg);
	} else {
		im->status = gn_fail(im->err, st, "%s", e.msg);
		im->fatal = true;
	}
	return false;
}

/* Checks the row by the one validation path (cells, then the domain's
 * rules; the form's constraints are checked over every row written, at
 * the end of the file) and builds the answers JSON. local: the stored row,
 * or NULL for a record not here. */
static bool check_record(importer *im, row_values *r, char **local, gn_strbuf *answers)
{
	bool ok = true;
	bool persons = im->rep->kind == GN_EXK_PERSONS;
	const char *id = val(im, r, persons ? "person_id" : "household_id");
	if (!id || !is_uuid(id)) {
		problem(im, im->row_line, _("%s must be a gonha record id (a UUID)"), persons ? "person_id" : "household_id");
		ok = false;
	}
	const char *version = val(im, r, "version");
	if (!version || strlen(version) > 64) {
		problem(im, im->row_line, _("version is empty: export the file again from gonha"));
		ok = false;
	}
	if (!val(im, r, "updated_at")) {
		problem(im, im->row_line, _("updated_at is empty"));
		ok = false;
	}
	if (persons) {
		const char *hh = val(im, r, "household_id");
		if (!hh || !is_uuid(hh)) {
			problem(im, im->row_line, _("household_id must be a gonha record id (a UUID)"));
			ok = false;
		}
		/* a masked CCCD never overwrites: it stands for the one stored */
		int c_cccd = col_of(im, "cccd");
		if (c_cccd >= 0 && r->v[c_cccd] && strchr(r->v[c_cccd], '*'))
			replace_value(r, (size_t)c_cccd, local && local[c_cccd] ? strdup(local[c_cccd]) : NULL);
	}
	restore_tokens(im, r, local);
	ok = check_cells(im, r, local) && ok;
	ok = ok && check_domain(im, r, persons);
	/* the answers: other_answers first, then each question of the form */
	const char *other = val(im, r, "other_answers");
	if (other) {
		sqlite3_stmt *q = NULL;
		bool object = false;
		if (sqlite3_prepare_v2(im->ctx->db, "SELECT json_valid(?1) AND json_type(?1) = 'object'", -1, &q, NULL) ==
		    SQLITE_OK) {
			sqlite3_bind_text(q, 1, other, -1, SQLITE_STATIC);
			object = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
		}
		sqlite3_finalize(q);
		if (!object) {
			problem(im, im->row_line, _("other_answers must be a JSON object, as gonha exported it"));
			ok = false;
		}
	}
	gn_sb_add(answers, other && ok ? other : "{}");
	/* strip the closing brace; members are appended, then it is put back */
	while (answers->len && answers->s[answers->len - 1] != '}')
		answers->len--;
	if (answers->len)
		answers->s[--answers->len] = '\0';
	bool empty = true;
	for (size_t i = 0; i < answers->len; i++)
		if (answers->s[i] != '{' && answers->s[i] != ' ')
			empty = false;
	for (size_t k = 0; k < im->cols.n; k++) {
		const ex_col *c = &im->cols.cols[k];
		if (c->kind != EXC_ANSWER || !r->v[k])
			continue;
		gn_sb_add(answers, empty ? "" : ",");
		gn_sb_json_str(answers, c->name);
		gn_sb_add(answers, ":");
		gn_sb_json_str(answers, r->v[k]);
		empty = false;
	}
	gn_sb_add(answers, "}");
	return ok;
}

static gn_status prepare(importer *im, sqlite3_stmt **st, const char *sql)
{
	if (*st)
		return GN_OK;
	if (sqlite3_prepare_v2(im->ctx->db, sql, -1, st, NULL) != SQLITE_OK) {
		db_error(im, "import");
		return im->status;
	}
	return GN_OK;
}

/* Reads the local row the way export writes it, for comparing. */
static bool local_cells(importer *im, const char *id, bool persons, char ***out)
{
	if (!im->local) {
		gn_strbuf sql = { 0 };
		gn_sb_add(&sql, "SELECT ");
		for (size_t i = 0; i < im->cols.n; i++)
			gn_sb_printf(&sql, "%s%s", i ? ", " : "", im->cols.cols[i].sql);
		gn_sb_printf(&sql, ", %s.version_local, %s.deleted", persons ? "p" : "h", persons ? "p" : "h");
		gn_sb_add(&sql, persons ? " FROM person p JOIN household h ON h.id = p.household_id JOIN tdp t ON t.id = p.tdp_id"
		                          " WHERE p.id = ?1"
		                        : " FROM household h JOIN tdp t ON t.id = h.tdp_id WHERE h.id = ?1");
		gn_status st = prepare(im, &im->local, gn_sb_str(&sql));
		gn_sb_free(&sql);
		if (st != GN_OK)
			return false;
	}
	sqlite3_reset(im->local);
	sqlite3_bind_text(im->local, 1, id, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(im->local);
	if (rc == SQLITE_DONE) {
		*out = NULL;
		return true;
	}
	if (rc != SQLITE_ROW) {
		db_error(im, "import");
		return false;
	}
	size_t n = im->cols.n + 2;
	char **cells = calloc(n, sizeof *cells);
	if (!cells)
		return false;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *t = sqlite3_column_text(im->local, (int)i);
		cells[i] = t ? strdup((const char *)t) : NULL;
	}
	sqlite3_reset(im->local);
	*out = cells;
	return true;
}

static void free_cells(char **cells, size_t n)
{
	for (size_t i = 0; cells && i < n; i++)
		free(cells[i]);
	free(cells);
}

static bool eq(const char *a, const char *b)
{
	return (!a || !*a) ? (!b || !*b) : (b && strcmp(a, b) == 0);
}

/* A JSON object {column: [local, incoming]} of what differs, for the audit
 * and the conflict list. */
static void diff_json(importer *im, char **local, const row_values *r, gn_strbuf *b, bool all)
{
	gn_sb_add(b, "{");
	bool first = true;
	for (size_t k = 0; k < im->cols.n; k++) {
		const ex_col *c = &im->cols.cols[k];
		if (c->kind == EXC_TDP_NAME || c->kind == EXC_DERIVED || c->kind == EXC_META)
			continue;
		const char *lv = local ? local[k] : NULL;
		if (!all && ex_sheet_same(c, lv, r->v[k]))
			continue;
		gn_sb_add(b, first ? "" : ",");
		first = false;
		gn_sb_json_str(b, c->name);
		gn_sb_add(b, ":[");
		if (lv) gn_sb_json_str(b, lv); else gn_sb_add(b, "null");
		gn_sb_add(b, ",");
		if (r->v[k]) gn_sb_json_str(b, r->v[k]); else gn_sb_add(b, "null");
		gn_sb_add(b, "]");
	}
	gn_sb_add(b, "}");
}

static void bind_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Parameters base+1 to base+13 of the person statements. */
static void bind_person_at(importer *im, sqlite3_stmt *q, int base, const row_values *r, const char *answers,
                           const char *tdp_id, const char *version, char **local)
{
	const char *cccd = val(im, r, "cccd");
	if (cccd && strchr(cccd, '*')) /* masked: keep what is stored */
		cccd = local ? local[col_of(im, "cccd")] : NULL;
	bind_or_null(q, base + 1, val(im, r, "person_id"));
	bind_or_null(q, base + 2, val(im, r, "household_id"));
	bind_or_null(q, base + 3, tdp_id);
	bind_or_null(q, base + 4, val(im, r, "full_name"));
	const char *by = val(im, r, "birth_year");
	if (by)
		sqlite3_bind_int(q, base + 5, atoi(by));
	bind_or_null(q, base + 6, val(im, r, "sex"));
	bind_or_null(q, base + 7, val(im, r, "relation"));
	bind_or_null(q, base + 8, cccd);
	bind_or_null(q, base + 9, answers);
	bind_or_null(q, base + 10, val(im, r, "updated_at"));
	bind_or_null(q, base + 11, val(im, r, "updated_by") ? val(im, r, "updated_by") : im->ctx->user.login);
	bind_or_null(q, base + 12, version);
	bind_or_null(q, base + 13, val(im, r, "base_version"));
}

static void bind_person(importer *im, sqlite3_stmt *q, const row_values *r, const char *answers, const char *tdp_id,
                        const char *version, char **local)
{
	bind_person_at(im, q, 0, r, answers, tdp_id, version, local);
}

/* The index of a TDP among those touched (whose people changed: their
 * coverage bits and sums are made again at the end), added if new; -1 when
 * out of memory. */
static long touch(importer *im, const char *tdp_id)
{
	if (im->last_touched < im->n_touched && strcmp(im->touched[im->last_touched], tdp_id) == 0)
		return (long)im->last_touched;
	for (size_t i = 0; i < im->n_touched; i++)
		if (strcmp(im->touched[i], tdp_id) == 0)
			return (long)(im->last_touched = i);
	size_t n = im->n_touched + 1;
	char (*more)[37] = realloc(im->touched, n * sizeof *more);
	if (more)
		im->touched = more;
	long *counts = more ? realloc(im->added_in, n * sizeof *counts) : NULL;
	if (counts)
		im->added_in = counts;
	long long (*sums)[2][64] = counts ? realloc(im->bit_sums, n * sizeof *sums) : NULL;
	if (!sums) {
		im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
		im->fatal = true;
		return -1;
	}
	im->bit_sums = sums;
	im->added_in[im->n_touched] = 0;
	memset(im->bit_sums[im->n_touched], 0, sizeof *sums);
	snprintf(im->touched[im->n_touched], 37, "%s", tdp_id);
	im->last_touched = im->n_touched++;
	return (long)im->last_touched;
}

/* One more record added to a TDP: the import's audit says how many per TDP
 * (each record also carries who made it and when); changes to records
 * already here are audited one by one. */
static bool count_added(importer *im, const char *tdp_id)
{
	long i = touch(im, tdp_id);
	if (i < 0)
		return false;
	im->added_in[i]++;
	return true;
}

/* expr with gn_today() replaced by today's date as a literal, so that
 * SQLite computes the year once per statement instead of for every age in
 * every indicator of every row. */
static void today_fixed(importer *im, gn_strbuf *out, const char *expr)
{
	char today[16] = "";
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(im->ctx->db, "SELECT gn_today()", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW && sqlite3_column_bytes(q, 0) == 10)
		memcpy(today, sqlite3_column_text(q, 0), 10);
	sqlite3_finalize(q);
	const char *p = expr, *hit;
	while (*today && (hit = strstr(p, "gn_today()")) != NULL) {
		gn_sb_addn(out, p, (size_t)(hit - p));
		gn_sb_printf(out, "'%s'", today);
		p = hit + strlen("gn_today()");
	}
	gn_sb_add(out, p);
}

/* Persons into a ward that had nobody, BULK_ROWS at a time: one INSERT ...
 * SELECT over a VALUES list computes each row's coverage bits (the
 * indicators are SQL over a person row) and hands them back with RETURNING
 * to be summed per TDP. One statement for many rows: SQLite's work per
 * statement (the year of today for every age, starting and ending the
 * statement) is done once a batch instead of once a row. */
#define BULK_ROWS 64
#define BULK_PARAMS 14 /* bind_person's 13, then the position */

static sqlite3_stmt *bulk_statement(importer *im)
{
	const gn_cov_set *cov = im->ctx->coverage;
	gn_strbuf pop = { 0 }, num = { 0 }, sql = { 0 };
	today_fixed(im, &pop, cov->pop_sql ? cov->pop_sql : "0");
	today_fixed(im, &num, cov->num_sql ? cov->num_sql : "0");
	gn_sb_printf(&sql,
	             "INSERT INTO person(id, household_id, tdp_id, position, full_name, name_key, birth_year, sex, "
	             "relation, cccd, answers, created_at, created_by, updated_at, updated_by, version, base_version, "
	             "ind_pop, ind_num) SELECT id, household_id, tdp_id, position, full_name, gn_fold(full_name), "
	             "birth_year, sex, relation, cccd, answers, updated_at, updated_by, updated_at, updated_by, version, "
	             "base_version, %s, %s FROM (SELECT column1 AS id, column2 AS household_id, column3 AS tdp_id, "
	             "column14 AS position, column4 AS full_name, '' AS name_key, column5 AS birth_year, column6 AS sex, "
	             "column7 AS relation, column8 AS cccd, column9 AS answers, column10 AS updated_at, "
	             "column11 AS updated_by, column12 AS version, column13 AS base_version, 0 AS deleted, 1 AS rev, "
	             "0 AS base_rev, column10 AS created_at, column11 AS created_by, 0 AS version_local, 0 AS ind_pop, "
	             "0 AS ind_num FROM (VALUES ",
	             gn_sb_str(&pop), gn_sb_str(&num));
	for (int i = 0; i < BULK_ROWS; i++) {
		gn_sb_add(&sql, i ? ", (" : "(");
		for (int k = 1; k <= BULK_PARAMS; k++)
			gn_sb_printf(&sql, "%s?%d", k > 1 ? ", " : "", i * BULK_PARAMS + k);
		gn_sb_add(&sql, ")");
	}
	gn_sb_add(&sql, ")) WHERE id IS NOT NULL RETURNING tdp_id, ind_pop, ind_num");
	sqlite3_stmt *q = NULL;
	if (pop.failed || num.failed || sql.failed) {
		im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
		im->fatal = true;
	} else if (sqlite3_prepare_v2(im->ctx->db, gn_sb_str(&sql), -1, &q, NULL) != SQLITE_OK) {
		db_error(im, "person");
	}
	gn_sb_free(&pop);
	gn_sb_free(&num);
	gn_sb_free(&sql);
	return q;
}

/* Inserts the rows bound so far, summing the bits each came back with. */
static bool bulk_flush(importer *im)
{
	if (!im->bulk_pending)
		return true;
	/* the last batch may be short: the rows left unbound are NULLs, which
	 * the statement leaves out */
	sqlite3_stmt *q = im->bulk_ins;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		long i = touch(im, (const char *)sqlite3_column_text(q, 0));
		if (i < 0)
			break;
		unsigned long long pop = (unsigned long long)sqlite3_column_int64(q, 1),
		                   num = (unsigned long long)sqlite3_column_int64(q, 2);
		long long (*sums)[64] = im->bit_sums[i];
		for (int b = 0; pop | num; b++, pop >>= 1, num >>= 1) {
			sums[0][b] += (long long)(pop & 1);
			sums[1][b] += (long long)(num & 1);
		}
	}
	bool ok = rc == SQLITE_DONE;
	if (!ok && !im->fatal)
		db_error(im, "person");
	sqlite3_reset(im->bulk_ins);
	sqlite3_clear_bindings(im->bulk_ins);
	im->bulk_pending = 0;
	return ok;
}

static bool insert_counted(importer *im, const row_values *r, const char *answers, const char *tdp_id)
{
	if (!im->bulk_ins && !(im->bulk_ins = bulk_statement(im)))
		return false;
	char *compact = NULL;
	if (val(im, r, "other_answers")) { /* written as it came: compact it as SQLite would */
		sqlite3_stmt *j = NULL;
		if (sqlite3_prepare_v2(im->ctx->db, "SELECT json(?1)", -1, &j, NULL) == SQLITE_OK) {
			sqlite3_bind_text(j, 1, answers, -1, SQLITE_STATIC);
			if (sqlite3_step(j) == SQLITE_ROW)
				compact = strdup((const char *)sqlite3_column_text(j, 0));
		}
		sqlite3_finalize(j);
		if (!compact) {
			db_error(im, "person");
			return false;
		}
		answers = compact;
	}
	int base = im->bulk_pending * BULK_PARAMS;
	bind_person_at(im, im->bulk_ins, base, r, answers, tdp_id, val(im, r, "version"), NULL);
	sqlite3_bind_int64(im->bulk_ins, base + BULK_PARAMS, im->row_line);
	free(compact);
	if (!count_added(im, tdp_id))
		return false;
	return ++im->bulk_pending < BULK_ROWS || bulk_flush(im);
}

/* The line a record written came from, for the form's rules checked over
 * every row written at the end of the file (check_form_rules). */
static bool remember_written(importer *im, const char *id)
{
	if (prepare(im, &im->written, "INSERT OR REPLACE INTO temp.gn_import_rows(rid, line) VALUES (?1, ?2)") != GN_OK)
		return false;
	sqlite3_reset(im->written);
	sqlite3_bind_text(im->written, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(im->written, 2, im->row_line);
	if (sqlite3_step(im->written) != SQLITE_DONE) {
		db_error(im, "import");
		return false;
	}
	sqlite3_reset(im->written);
	return true;
}

/* Inserts or overwrites the record with the incoming values. */
static bool write_record(importer *im, const row_values *r, const char *answers, const char *tdp_id, bool insert,
                         bool keep_version, char **local)
{
	bool persons = im->rep->kind == GN_EXK_PERSONS;
	sqlite3 *db = im->ctx->db;
	sqlite3_stmt **st = insert ? &im->ins : &im->upd;
	const char *sql;
	if (persons)
		sql = insert
			? "INSERT INTO person(id, household_id, tdp_id, position, full_name, name_key, birth_year, sex, relation, "
			  "cccd, answers, created_at, created_by, updated_at, updated_by, version, base_version, version_local) "
			  "VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), -1) + 1 FROM person WHERE household_id = ?2), "
			  "?4, gn_fold(?4), ?5, ?6, ?7, ?8, json(?9), ?10, ?11, ?10, ?11, ?12, ?13, 0)"
			: "UPDATE person SET household_id = ?2, tdp_id = ?3, full_name = ?4, name_key = gn_fold(?4), "
			  "birth_year = ?5, sex = ?6, relation = ?7, cccd = ?8, answers = json(?9), updated_at = ?10, "
			  "updated_by = ?11, version = coalesce(?12, version), base_version = CASE WHEN ?12 IS NULL "
			  "THEN base_version ELSE ?13 END, version_local = CASE WHEN ?12 IS NULL THEN version_local ELSE 0 END, "
			  "deleted = 0, rev = rev + 1 WHERE id = ?1";
	else
		sql = insert
			? "INSERT INTO household(id, tdp_id, walk_order, house_no, alley, street, address_key, visit_status, "
			  "visit_date, visited_by, entered_by, answers, created_at, created_by, updated_at, updated_by, version, "
			  "base_version, version_local) VALUES (?1, ?2, coalesce(?3, (SELECT coalesce(max(walk_order), 0) + 1 "
			  "FROM household WHERE tdp_id = ?2)), ?4, ?5, ?6, gn_fold(?4 || ' ' || ?5 || ' ' || ?6), "
			  "?7, ?8, ?9, ?14, json(?10), ?11, ?12, ?11, ?12, ?13, ?15, 0)"
			: "UPDATE household SET tdp_id = ?2, walk_order = coalesce(?3, walk_order), house_no = ?4, alley = ?5, "
			  "street = ?6, address_key = gn_fold(?4 || ' ' || ?5 || ' ' || ?6), "
			  "visit_status = ?7, visit_date = ?8, visited_by = ?9, answers = json(?10), "
			  "updated_at = ?11, updated_by = ?12, version = coalesce(?13, version), base_version = CASE WHEN ?13 IS "
			  "NULL THEN base_version ELSE ?15 END, version_local = CASE WHEN ?13 IS NULL THEN version_local ELSE 0 END, "
			  "deleted = 0, rev = rev + 1 WHERE id = ?1";
	if (prepare(im, st, sql) != GN_OK)
		return false;
	sqlite3_stmt *q = *st;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	const char *version = keep_version ? NULL : val(im, r, "version");
	if (persons) {
		bind_person(im, q, r, answers, tdp_id, version, local);
	} else {
		bind_or_null(q, 1, val(im, r, "household_id"));
		bind_or_null(q, 2, tdp_id);
		const char *wo = val(im, r, "walk_order");
		if (wo)
			sqlite3_bind_double(q, 3, strtod(wo, NULL));
		sqlite3_bind_text(q, 4, val(im, r, "house_no") ? val(im, r, "house_no") : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 5, val(im, r, "alley") ? val(im, r, "alley") : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 6, val(im, r, "street") ? val(im, r, "street") : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 7, val(im, r, "visit_status") ? val(im, r, "visit_status") : GN_VISIT_NOT_VISITED, -1,
		                  SQLITE_TRANSIENT);
		bind_or_null(q, 8, val(im, r, "visit_date"));
		bind_or_null(q, 9, val(im, r, "visited_by"));
		bind_or_null(q, 10, answers);
		bind_or_null(q, 11, val(im, r, "updated_at"));
		bind_or_null(q, 12, val(im, r, "updated_by") ? val(im, r, "updated_by") : im->ctx->user.login);
		bind_or_null(q, 13, version);
		bind_or_null(q, 14, im->ctx->user.login);
		bind_or_null(q, 15, val(im, r, "base_version"));
	}
	if (sqlite3_step(q) != SQLITE_DONE) {
		db_error(im, persons ? "person" : "household");
		return false;
	}
	sqlite3_reset(q);
	(void)db;
	return remember_written(im, val(im, r, persons ? "person_id" : "household_id")) && touch(im, tdp_id) >= 0;
}

/* The audit entry of one record, in the import's transaction: the same row
 * gn_audit writes, with the statement prepared once for the whole file. */
static void audit(importer *im, const char *action, const char *table, const char *id, const char *tdp_id,
                  const char *changes)
{
	if (prepare(im, &im->audit_ins, "INSERT INTO audit_log(at, user_login, action, table_name, record_id, tdp_id, "
	                                "changes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, '{}'))") != GN_OK)
		return;
	sqlite3_stmt *q = im->audit_ins;
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, im->now, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, im->ctx->user.login, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 6, tdp_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 7, changes, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(q) != SQLITE_DONE)
		db_error(im, "audit_log");
	sqlite3_reset(q);
}

/* The import's audit entries for what it added, one per TDP. */
static void audit_added(importer *im)
{
	const char *table = im->rep->kind == GN_EXK_PERSONS ? "person" : "household";
	for (size_t i = 0; i < im->n_touched && im->status == GN_OK; i++) {
		if (!im->added_in[i])
			continue;
		gn_strbuf b = { 0 };
		gn_sb_add(&b, "{\"file\":");
		gn_sb_json_str(&b, im->source ? im->source : "");
		gn_sb_printf(&b, ",\"added\":%ld}", im->added_in[i]);
		audit(im, "import_add", table, NULL, im->touched[i], gn_sb_str(&b));
		gn_sb_free(&b);
	}
}

static void merge_record(importer *im)
{
	row_values r = { 0 };
	gn_strbuf answers = { 0 }, diff = { 0 };
	char **local = NULL;
	bool persons = im->rep->kind == GN_EXK_PERSONS;
	const char *table = persons ? "person" : "household";
	if (!clean_row(im, im->cols.n, &r))
		goto out;
	/* the stored record first: what a spreadsheet changed is told apart
	 * from an edit by comparing with it */
	const char *id = val(im, &r, persons ? "person_id" : "household_id");
	if (!im->empty_ward && id && is_uuid(id) && !local_cells(im, id, persons, &local))
		goto out;
	if (!check_record(im, &r, local, &answers))
		goto out;
	id = val(im, &r, persons ? "person_id" : "household_id");
	if (answers.failed) {
		im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
		im->fatal = true;
		goto out;
	}
	/* the TDP: the one named must exist and be the user's; a person goes
	 * with their household */
	char tdp_id[37];
	const char *code = val(im, &r, "tdp_code");
	if (!code) {
		problem(im, im->row_line, _("tdp_code is empty"));
		goto out;
	}
	char canonical[32] = "";
	if (!tdp_for_code_as(im, code, tdp_id, canonical))
		goto out;
	if (*canonical && strcmp(canonical, code) != 0) {
		int c = col_of(im, "tdp_code");
		free(r.v[c]);
		r.v[c] = strdup(canonical);
		code = r.v[c];
	}
	if (persons) {
		const char *hh = val(im, &r, "household_id");
		if (strcmp(hh, im->last_hh) != 0) {
			if (prepare(im, &im->hh_tdp, "SELECT tdp_id FROM household WHERE id = ?1 AND deleted = 0") != GN_OK)
				goto out;
			sqlite3_reset(im->hh_tdp);
			sqlite3_bind_text(im->hh_tdp, 1, hh, -1, SQLITE_TRANSIENT);
			int rc = sqlite3_step(im->hh_tdp);
			const char *hh_tdp = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(im->hh_tdp, 0) : NULL;
			snprintf(im->last_hh, sizeof im->last_hh, "%s", hh_tdp ? hh : "");
			snprintf(im->last_hh_tdp, sizeof im->last_hh_tdp, "%s", hh_tdp ? hh_tdp : "");
			sqlite3_reset(im->hh_tdp);
			if (!hh_tdp) {
				problem(im, im->row_line, _("household %s is not in this database: import the households file first"),
				        hh);
				goto out;
			}
		}
		if (strcmp(im->last_hh_tdp, tdp_id) != 0) {
			problem(im, im->row_line, _("the household of this person is not in TDP %s"), code);
			goto out;
		}
	}
	if (im->empty_ward) {
		/* nobody was here: every row is new (a person named twice is
		 * caught when the unique id is built) */
		if (insert_counted(im, &r, gn_sb_str(&answers), tdp_id))
			im->rep->added++;
		goto out;
	}
	if (!local) {
		if (im->token_mangled) {
			/* a new record whose version a spreadsheet turned into a
			 * number: it starts a version of its own here */
			replace_value(&r, (size_t)col_of(im, "version"), NULL);
			if (col_of(im, "base_version") >= 0)
				replace_value(&r, (size_t)col_of(im, "base_version"), NULL);
		}
		if (write_record(im, &r, gn_sb_str(&answers), tdp_id, true, false, NULL) && count_added(im, tdp_id))
			im->rep->added++;
		goto out;
	}
	/* the local record's tdp must be the user's too */
	int c_code = col_of(im, "tdp_code");
	char local_tdp[37];
	if (strcmp(local[c_code] ? local[c_code] : "", code) != 0 && !tdp_for_code(im, local[c_code], local_tdp))
		goto out;

	size_t nc = im->cols.n;
	const char *l_version = local[col_of(im, "version")], *l_base = local[col_of(im, "base_version")];
	bool l_changed = local[nc] && atoi(local[nc]);
	bool l_deleted = local[nc + 1] && atoi(local[nc + 1]);
	const char *i_version = val(im, &r, "version"), *i_base = val(im, &r, "base_version");
	/* same content? (a masked CCCD stands for the stored one, numbers
	 * compare as numbers) */
	bool same = !l_deleted;
	for (size_t k = 0; k < nc && same; k++) {
		const ex_col *c = &im->cols.cols[k];
		if (c->kind == EXC_TDP_NAME || c->kind == EXC_DERIVED || c->kind == EXC_META)
			continue;
		same = ex_sheet_same(c, local[k], r.v[k]);
	}
	enum { UNCHANGED, TAKE, TAKE_NEW_VERSION, KEEP, CONFLICT } what;
	if (!same && im->token_mangled && !im->opt->take_incoming) {
		problem(im, im->row_line, _("version \"%s\": the spreadsheet turned the version of this edited record into "
		                           "a number, so gonha cannot tell which version it was edited from: export again, "
		                           "keep the version column as Text (or use the XLSX export) and edit that file"),
		        val(im, &r, "version"));
		goto out;
	}
	if (im->opt->take_incoming)
		what = TAKE_NEW_VERSION;
	else if (same)
		what = UNCHANGED;
	else if (eq(i_version, l_version))
		what = TAKE_NEW_VERSION;           /* edited outside gonha (in Excel) */
	else if (eq(i_base, l_version))
		what = TAKE;                       /* the incoming was made from ours */
	else if (eq(l_base, i_version))
		what = KEEP;                       /* ours was made from the incoming */
	else if (!l_changed)                   /* ours unchanged since it last met: the newer wins */
		what = strcmp(val(im, &r, "updated_at"), local[col_of(im, "updated_at")] ? local[col_of(im, "updated_at")] : "") >= 0
		       ? TAKE : KEEP;
	else
		what = CONFLICT;

	switch (what) {
	case UNCHANGED:
		im->rep->unchanged++;
		break;
	case KEEP:
		im->rep->kept_local++;
		break;
	case TAKE:
	case TAKE_NEW_VERSION:
		diff_json(im, local, &r, &diff, false);
		if (write_record(im, &r, gn_sb_str(&answers), tdp_id, false, what == TAKE_NEW_VERSION, local)) {
			im->rep->updated++;
			audit(im, "import_update", table, id, tdp_id, gn_sb_str(&diff));
		}
		break;
	case CONFLICT: {
		if (prepare(im, &im->conflict_seen, "SELECT 1 FROM merge_conflict WHERE record_id = ?1 AND resolved_at IS NULL "
		                                    "AND json_extract(incoming_data, '$.version') IS ?2") != GN_OK ||
		    prepare(im, &im->conflict_add, "INSERT INTO merge_conflict(table_name, record_id, local_data, incoming_data, "
		                                   "source, detected_at) VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))") != GN_OK)
			goto out;
		sqlite3_reset(im->conflict_seen);
		sqlite3_bind_text(im->conflict_seen, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(im->conflict_seen, 2, i_version, -1, SQLITE_TRANSIENT);
		bool seen = sqlite3_step(im->conflict_seen) == SQLITE_ROW;
		sqlite3_reset(im->conflict_seen);
		im->rep->conflicts++;
		if (seen)
			break;
		gn_strbuf l = { 0 }, in = { 0 };
		gn_sb_add(&l, "{");
		gn_sb_add(&in, "{");
		for (size_t k = 0; k < nc; k++) {
			gn_sb_add(&l, k ? "," : "");
			gn_sb_add(&in, k ? "," : "");
			gn_sb_json_str(&l, im->cols.cols[k].name);
			gn_sb_json_str(&in, im->cols.cols[k].name);
			gn_sb_add(&l, ":");
			gn_sb_add(&in, ":");
			if (local[k]) gn_sb_json_str(&l, local[k]); else gn_sb_add(&l, "null");
			if (r.v[k]) gn_sb_json_str(&in, r.v[k]); else gn_sb_add(&in, "null");
		}
		gn_sb_add(&l, "}");
		gn_sb_add(&in, "}");
		sqlite3_stmt *q = im->conflict_add;
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 3, gn_sb_str(&l), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 4, gn_sb_str(&in), -1, SQLITE_TRANSIENT);
		bind_or_null(q, 5, im->source);
		if (sqlite3_step(q) != SQLITE_DONE)
			db_error(im, "merge_conflict");
		sqlite3_reset(q);
		gn_sb_free(&l);
		gn_sb_free(&in);
		diff_json(im, local, &r, &diff, false);
		audit(im, "import_conflict", table, id, tdp_id, gn_sb_str(&diff));
		break;
	}
	}
out:
	free_cells(local, im->cols.n + 2);
	row_values_free(&r);
	gn_sb_free(&answers);
	gn_sb_free(&diff);
}

/* ---- a household list ----------------------------------------------------- */

static void list_row(importer *im)
{
	row_values r = { 0 };
	if (!clean_row(im, HL_COUNT, &r))
		goto out;
	bool ok = true;
	char tdp_id[37] = "";
	if (!r.v[HL_TDP]) {
		problem(im, im->row_line, _("tdp_code is empty"));
		ok = false;
	} else if (!tdp_for_code(im, r.v[HL_TDP], tdp_id)) {
		ok = false;
	}
	if (!r.v[HL_HEAD]) {
		problem(im, im->row_line, _("head_name is empty"));
		ok = false;
	}
	if (!r.v[HL_STREET]) {
		problem(im, im->row_line, _("street is empty"));
		ok = false;
	}
	/* what a spreadsheet did, undone or named, as for an export; the
	 * columns are those of the household and its head */
	static const char *const as_column[HL_COUNT] = { "tdp_code", "house_no", "alley", "street", "full_name",
		                                              "birth_year", "sex", "cccd", "phone" };
	for (int k = 0; k < HL_COUNT; k++) {
		if (!r.v[k])
			continue;
		ex_col c = { .name = as_column[k], .kind = k == HL_TDP ? EXC_TDP_CODE : EXC_CORE };
		char *undone = ex_sheet_restore(&c, r.v[k], NULL, im->decimal_comma);
		if (undone) {
			free(r.v[k]);
			r.v[k] = undone;
		}
		const char *damage = ex_sheet_damage(&c, r.v[k], NULL, im->decimal_comma);
		if (damage) {
			cell_problem(im, list_cols[k].name, r.v[k], damage);
			ok = false;
		}
	}
	long year = 0;
	if (r.v[HL_YEAR] && !parse_int(r.v[HL_YEAR], 0, 99999, &year)) {
		cell_problem(im, list_cols[HL_YEAR].name, r.v[HL_YEAR], _("type a whole number (digits only)"));
		ok = false;
	}
	const char *sex = NULL;
	if (r.v[HL_SEX]) {
		const char *s = r.v[HL_SEX];
		const gn_field *f = im->census && im->census->form && gn_form_find(im->census->form, "sex") >= 0
		                    ? &im->census->form->fields[gn_form_find(im->census->form, "sex")] : NULL;
		sex = f ? ex_choice_name(f, s) : s;
		if (!sex && (strcmp(s, "nam") == 0 || strcmp(s, "nữ") == 0))
			sex = strcmp(s, "nam") == 0 ? "male" : "female";
		if (!sex || gn_sex_from_name(sex) == GN_SEX_UNKNOWN) {
			cell_problem(im, list_cols[HL_SEX].name, s, _("must be Nam or Nữ (male or female)"));
			ok = false;
			sex = NULL;
		}
	}
	if (ok && r.v[HL_HEAD]) {
		/* the head by the domain's rules, as a save from the screen */
		gn_person head = { .full_name = r.v[HL_HEAD], .birth_year = (int)year, .cccd = r.v[HL_CCCD] };
		snprintf(head.sex, sizeof head.sex, "%s", sex ? sex : "");
		snprintf(head.relation, sizeof head.relation, "head");
		gn_err e = { 0 };
		if (gn_person_validate(&head, im->this_year, &e) != GN_OK) {
			static const struct { const char *field; int col; } names[] = {
				{ "full_name", HL_HEAD }, { "birth_year", HL_YEAR }, { "sex", HL_SEX }, { "cccd", HL_CCCD } };
			int col = HL_HEAD;
			for (size_t i = 0; i < sizeof names / sizeof *names; i++)
				if (strcmp(e.field, names[i].field) == 0)
					col = names[i].col;
			cell_problem(im, list_cols[col].name, r.v[col], e.msg);
			ok = false;
		}
	}
	if (!ok)
		goto out;
	/* already listed (same address and head in that TDP): nothing to add */
	if (prepare(im, &im->hl_seen, "SELECT 1 FROM household h JOIN person p ON p.household_id = h.id AND p.relation = 'head' "
	                              "AND p.deleted = 0 WHERE h.tdp_id = ?1 AND h.deleted = 0 AND "
	                              "h.address_key = gn_fold(?2 || ' ' || ?3 || ' ' || ?4) AND p.name_key = gn_fold(?5)") != GN_OK)
		goto out;
	sqlite3_stmt *q = im->hl_seen;
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, tdp_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, r.v[HL_HOUSE] ? r.v[HL_HOUSE] : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, r.v[HL_ALLEY] ? r.v[HL_ALLEY] : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, r.v[HL_STREET], -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 5, r.v[HL_HEAD], -1, SQLITE_TRANSIENT);
	bool seen = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_reset(q);
	if (seen) {
		im->rep->unchanged++;
		goto out;
	}
	char hh_id[37], person_id[37], now[32];
	gn_uuid_new(hh_id);
	gn_uuid_new(person_id);
	gn_now_iso(now);
	gn_strbuf answers = { 0 };
	gn_sb_add(&answers, "{");
	if (r.v[HL_PHONE]) {
		gn_sb_add(&answers, "\"phone\":");
		gn_sb_json_str(&answers, r.v[HL_PHONE]);
	}
	gn_sb_add(&answers, "}");
	sqlite3_stmt *h = NULL, *p = NULL;
	bool fine = sqlite3_prepare_v2(im->ctx->db,
	                               "INSERT INTO household(id, tdp_id, walk_order, house_no, alley, street, address_key, "
	                               "entered_by, answers, created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, "
	                               "(SELECT coalesce(max(walk_order), 0) + 1 FROM household WHERE tdp_id = ?2), ?3, ?4, ?5, "
	                               "gn_fold(?3 || ' ' || ?4 || ' ' || ?5), ?6, ?7, ?8, ?6, ?8, ?6)",
	                               -1, &h, NULL) == SQLITE_OK &&
	            sqlite3_prepare_v2(im->ctx->db,
	                               "INSERT INTO person(id, household_id, tdp_id, position, full_name, name_key, birth_year, "
	                               "sex, relation, cccd, created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, "
	                               "0, ?4, gn_fold(?4), ?5, ?6, 'head', ?7, ?8, ?9, ?8, ?9)",
	                               -1, &p, NULL) == SQLITE_OK;
	if (fine) {
		sqlite3_bind_text(h, 1, hh_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 2, tdp_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 3, r.v[HL_HOUSE] ? r.v[HL_HOUSE] : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 4, r.v[HL_ALLEY] ? r.v[HL_ALLEY] : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 5, r.v[HL_STREET], -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 6, im->ctx->user.login, -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 7, gn_sb_str(&answers), -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 8, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 1, person_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 2, hh_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 3, tdp_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 4, r.v[HL_HEAD], -1, SQLITE_STATIC);
		if (year)
			sqlite3_bind_int(p, 5, (int)year);
		bind_or_null(p, 6, sex);
		bind_or_null(p, 7, r.v[HL_CCCD]);
		sqlite3_bind_text(p, 8, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 9, im->ctx->user.login, -1, SQLITE_STATIC);
		fine = sqlite3_step(h) == SQLITE_DONE && sqlite3_step(p) == SQLITE_DONE;
	}
	if (!fine)
		db_error(im, "household list");
	sqlite3_finalize(h);
	sqlite3_finalize(p);
	gn_sb_free(&answers);
	if (fine && remember_written(im, hh_id) && remember_written(im, person_id)) {
		im->rep->added++;
		count_added(im, tdp_id);
	}
out:
	row_values_free(&r);
}

/* ---- reading the file ------------------------------------------------------ */

static void on_field(void *data, size_t len, void *arg)
{
	importer *im = arg;
	if (im->fatal)
		return;
	if (im->n_cells == 0)
		im->row_line = im->row_start;
	if (im->n_cells == im->cap_cells) {
		size_t cap = im->cap_cells ? 2 * im->cap_cells : 32;
		char **cells = realloc(im->cells, cap * sizeof *cells);
		if (!cells) {
			im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
			im->fatal = true;
			return;
		}
		memset(cells + im->cap_cells, 0, (cap - im->cap_cells) * sizeof *cells);
		im->cells = cells;
		im->cap_cells = cap;
	}
	char *cell = malloc(len + 1);
	if (!cell) {
		im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
		im->fatal = true;
		return;
	}
	if (len)
		memcpy(cell, data, len);
	cell[len] = '\0';
	free(im->cells[im->n_cells]);
	im->cells[im->n_cells++] = cell;
}

static void clear_row(importer *im)
{
	for (size_t i = 0; i < im->n_cells; i++) {
		free(im->cells[i]);
		im->cells[i] = NULL;
	}
	im->n_cells = 0;
	im->row_bad_utf8 = im->row_nul = false;
}

static void on_row(int c, void *arg)
{
	(void)c;
	importer *im = arg;
	if (im->fatal) {
		clear_row(im);
		return;
	}
	if (im->n_cells == 0)
		im->row_line = im->row_start;
	im->row_start = im->line + 1; /* the next row starts after this line */
	/* a blank line is not a row */
	if (im->n_cells == 1 && !*im->cells[0] && !im->row_bad_utf8 && !im->row_nul) {
		clear_row(im);
		return;
	}
	if (im->row_nul) {
		problem(im, im->row_line, _("the line has a NUL byte: this is not a text CSV file"));
	} else if (im->row_bad_utf8) {
		problem(im, im->row_line, _("the text is not UTF-8 (perhaps TCVN3, VNI or Windows-1258): open the file in "
		                           "Excel or LibreOffice and save it as \"CSV UTF-8\""));
	} else if (!im->header_done) {
		im->header_done = true;
		read_header(im);
	} else {
		im->rep->rows++;
		if (im->n_cells != im->n_header)
			problem(im, im->row_line, _("the row has %zu cells but the header has %zu"), im->n_cells, im->n_header);
		else if (im->rep->kind == GN_EXK_HOUSEHOLD_LIST)
			list_row(im);
		else
			merge_record(im);
		if (im->opt && im->opt->progress && im->rep->rows % 65536 == 0)
			im->opt->progress(im->opt->progress_arg, im->rep->rows, 0);
	}
	clear_row(im);
}

typedef struct line_source {
	FILE *f;
	const char *data;
	size_t len, pos;
} line_source;

/* The next physical line (with its '\n'), or NULL at the end. */
static const char *next_line(line_source *src, char **buf, size_t *cap, size_t *n)
{
	if (src->f) {
		ssize_t got = getline(buf, cap, src->f);
		if (got < 0)
			return NULL;
		*n = (size_t)got;
		return *buf;
	}
	if (src->pos >= src->len)
		return NULL;
	const char *start = src->data + src->pos;
	const char *nl = memchr(start, '\n', src->len - src->pos);
	*n = nl ? (size_t)(nl - start) + 1 : src->len - src->pos;
	src->pos += *n;
	return start;
}

/* ---- a conflict resolved ----------------------------------------------------- */

/* Marks conflict id resolved and audits it (with the record's TDP), inside
 * the caller's transaction: for --keep incoming, the import's own, so that
 * the record and its resolution are one change. */
static gn_status mark_resolved(gn_ctx *ctx, long id, bool keep_incoming, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	char table[16] = "", record[37] = "", tdp[37] = "";
	gn_status st = GN_OK;
	if (sqlite3_prepare_v2(ctx->db, "SELECT c.table_name, c.record_id, coalesce((SELECT tdp_id FROM household WHERE "
	                       "id = c.record_id), (SELECT tdp_id FROM person WHERE id = c.record_id), '') FROM "
	                       "merge_conflict c WHERE c.id = ?1 AND c.resolved_at IS NULL", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "merge_conflict");
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(table, sizeof table, "%s", (const char *)sqlite3_column_text(q, 0));
		snprintf(record, sizeof record, "%s", (const char *)sqlite3_column_text(q, 1));
		snprintf(tdp, sizeof tdp, "%s", (const char *)sqlite3_column_text(q, 2));
	} else if (rc == SQLITE_DONE) {
		st = gn_fail(err, GN_ERR_NOT_FOUND, _("there is no open conflict number %ld"), id);
	} else {
		st = gn_db_fail(ctx->db, err, "merge_conflict");
	}
	sqlite3_finalize(q);
	if (st != GN_OK)
		return st;
	if (sqlite3_prepare_v2(ctx->db, "UPDATE merge_conflict SET resolved_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
	                       "resolved_by = ?2 WHERE id = ?1", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "merge_conflict");
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, ctx->user.login, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		st = gn_db_fail(ctx->db, err, "merge_conflict");
	sqlite3_finalize(q);
	if (st == GN_OK)
		st = gn_audit(ctx, keep_incoming ? "conflict_take_incoming" : "conflict_keep_local", table, record,
		              *tdp ? tdp : NULL, "{}", err);
	return st;
}

/* ---- the form's rules over every row written ------------------------------ */

static void on_violation(void *arg, long long line, const char *record_id, const gn_field *f, gn_rule_kind kind,
                         const char *value)
{
	(void)record_id;
	importer *im = arg;
	if (kind == GN_RULE_KIND_CONSTRAINT) {
		if (value)
			problem(im, (long)line, "%s \"%s\": %s", f->name, value, gn_field_constraint_message(f));
		else
			problem(im, (long)line, "%s: %s", f->name, gn_field_constraint_message(f));
		return;
	}
	/* not complete as a visit yet: reported, not refused (a household list
	 * comes before the round) */
	gn_import_report *rep = im->rep;
	if (rep->incomplete++ == 0 || line < rep->incomplete_line) {
		rep->incomplete_line = (long)line;
		snprintf(rep->incomplete_field, sizeof rep->incomplete_field, "%s", f->name);
	}
}

/* Every constraint of the questionnaire over the rows this file wrote, in
 * one query per level (the SQL the forms engine makes of each rule): a
 * whole province checked in one scan, not a statement per cell. */
static void check_form_rules(importer *im)
{
	const gn_form *form = im->census ? im->census->form : NULL;
	if (!form || im->status != GN_OK)
		return;
	bool persons = im->rep->kind == GN_EXK_PERSONS, list = im->rep->kind == GN_EXK_HOUSEHOLD_LIST;
	for (int level = 0; level <= 1; level++) {
		if (!list && level != (persons ? 1 : 0))
			continue;
		const char *table = level ? "person" : "household";
		char from[160];
		gn_rule_rows rows = { .level = level, .required_too = true };
		if (im->empty_ward) {
			/* every person is from this file, at the position of its line */
			rows.from = "person";
			rows.key = "person.position";
		} else {
			snprintf(from, sizeof from, "temp.gn_import_rows JOIN %s ON %s.id = temp.gn_import_rows.rid", table,
			         table);
			rows.from = from;
			rows.key = "temp.gn_import_rows.line";
		}
		gn_err e = { 0 };
		if (gn_form_check_rows(form, im->ctx->db, &rows, on_violation, im, NULL, &e) != GN_OK) {
			im->status = gn_fail(im->err, e.status, "%s", e.msg);
			im->fatal = true;
			return;
		}
	}
}

typedef struct numbered_problem {
	gn_ex_problem p;
	size_t order; /* as found: a row's own problems before the form's */
} numbered_problem;

static int by_line(const void *a, const void *b)
{
	const numbered_problem *x = a, *y = b;
	if (x->p.line != y->p.line)
		return x->p.line < y->p.line ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The problems in the order of the file's lines. */
static void sort_problems(gn_import_report *rep)
{
	if (rep->n_problems < 2)
		return;
	numbered_problem *all = malloc(rep->n_problems * sizeof *all);
	if (!all)
		return; /* left in the order found */
	for (size_t i = 0; i < rep->n_problems; i++)
		all[i] = (numbered_problem){ rep->problems[i], i };
	qsort(all, rep->n_problems, sizeof *all, by_line);
	for (size_t i = 0; i < rep->n_problems; i++)
		rep->problems[i] = all[i].p;
	free(all);
}

/* The file's separator: ',' or, when the header has ';' and no ',' (Excel
 * in a locale whose decimal mark is a comma), ';'. */
static char separator_of(const char *line, size_t n)
{
	size_t commas = 0, semicolons = 0;
	bool quoted = false;
	for (size_t i = 0; i < n; i++) {
		if (line[i] == '"')
			quoted = !quoted;
		else if (!quoted && line[i] == ',')
			commas++;
		else if (!quoted && line[i] == ';')
			semicolons++;
	}
	return semicolons && !commas ? ';' : ',';
}

static gn_status run(gn_ctx *ctx, const gn_census *census, line_source *src, const char *source,
                     long long file_bytes, const gn_import_options *opt, gn_import_report *rep, gn_err *err)
{
	static const gn_import_options defaults = { 0 };
	if (!opt)
		opt = &defaults;
	memset(rep, 0, sizeof *rep);
	importer im = { .ctx = ctx, .census = census, .opt = opt, .rep = rep, .err = err, .source = source,
	                .this_year = gn_this_year(), .line = 1, .file_bytes = file_bytes,
	                .row_start = 1 };
	struct csv_parser p;
	if (csv_init(&p, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI) != 0)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	/* A bigger page cache for the one long transaction, so SQLite does not
	 * spill dirty pages to the WAL again and again; bounded so that the
	 * whole command stays under 64 MB. Put back afterwards. */
	int old_cache = -2000;
	{
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(ctx->db, "PRAGMA cache_size", -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
			old_cache = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
		/* (Statement journals stay in temp files: in memory they made the
		 * import 20% faster but held 150 MB on 200 thousand persons.) */
		sqlite3_exec(ctx->db, "PRAGMA cache_size = -24576", NULL, NULL, NULL);
	}
	/* Into a ward with nobody in it, every person's household and TDP are
	 * checked by the import itself before the row goes in (and no record
	 * is removed): SQLite's own foreign key lookups would do it twice.
	 * The setting cannot change inside a transaction. */
	bool keys_off = false;
	{
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(ctx->db, "SELECT NOT EXISTS (SELECT 1 FROM person)", -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) && !opt->dry_run)
			keys_off = sqlite3_exec(ctx->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) == SQLITE_OK;
		sqlite3_finalize(q);
	}
	/* ... and each page the import adds is written once, not to the WAL
	 * and again by the checkpoint (two million persons: 64 s to 54 s) */
	bool journal_switched = keys_off && gn_db_journal_for_bulk(ctx->db);
	gn_status st = gn_db_begin(ctx->db, err);
	if (st != GN_OK) {
		if (keys_off)
			sqlite3_exec(ctx->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
		if (journal_switched)
			gn_db_journal_wal(ctx->db);
		csv_free(&p);
		return st;
	}
	gn_now_iso(im.now);
	if (sqlite3_prepare_v2(ctx->db, "SELECT id FROM tdp WHERE code = ?1", -1, &im.tdp_of, NULL) != SQLITE_OK)
		db_error(&im, "tdp");
	/* the line of each record written, for the form's rules at the end */
	if (sqlite3_exec(ctx->db, "CREATE TEMP TABLE IF NOT EXISTS gn_import_rows(rid TEXT PRIMARY KEY, line INTEGER) "
	                 "WITHOUT ROWID; DELETE FROM temp.gn_import_rows", NULL, NULL, NULL) != SQLITE_OK)
		db_error(&im, "import");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	const char *line;
	while (!im.fatal && (line = next_line(src, &buf, &cap, &n)) != NULL) {
		if (im.line == 1 && n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			line += 3;
			n -= 3;
		}
		if (im.line == 1 && separator_of(line, n) == ';') {
			csv_set_delim(&p, ';');
			im.decimal_comma = true;
		}
		if (memchr(line, '\0', n))
			im.row_nul = true;
		else if (u8_check((const uint8_t *)line, n))
			im.row_bad_utf8 = true;
		if (csv_parse(&p, line, n, on_field, on_row, &im) != n) {
			problem(&im, im.line, _("the CSV is broken here: %s"), csv_strerror(csv_error(&p)));
			im.fatal = true;
		}
		im.line++;
	}
	if (!im.fatal && csv_fini(&p, on_field, on_row, &im) != 0)
		problem(&im, im.row_start, _("a quoted cell is not closed before the end of the file"));
	if (!im.fatal && !im.header_done && rep->problems_total == 0)
		problem(&im, 1, _("the file is empty"));
	clear_row(&im);
	free(im.cells);
	free(buf);
	csv_free(&p);

	if (im.bulk_pending && im.status == GN_OK && rep->problems_total == 0)
		bulk_flush(&im);
	check_form_rules(&im);
	sort_problems(rep);
	audit_added(&im);
	/* SQLite's sorter takes as much memory as the page cache again while it
	 * builds an index: both smaller, to stay under 64 MB on a province */
	if (im.n_dropped && sqlite3_exec(ctx->db, "PRAGMA cache_size = -16384", NULL, NULL, NULL) != SQLITE_OK) {
		/* only a hint: the indexes are built with the cache as it was */
	}
	rebuild_indexes(&im);
	if (im.empty_ward && im.status == GN_OK && rep->problems_total == 0) {
		/* the bits went in with the rows and were summed as they went */
		gn_err e = { 0 };
		gn_status cs = GN_OK;
		for (size_t i = 0; i < im.n_touched && cs == GN_OK; i++)
			cs = gn_cov_add_sums(ctx->db, im.touched[i], im.bit_sums[i][0], im.bit_sums[i][1],
			                     ctx->coverage->n, &e);
		if (cs == GN_OK)
			cs = gn_cov_resume(ctx->db, &e);
		if (cs != GN_OK) {
			*err = e;
			im.status = e.status;
		}
	} else if (im.status == GN_OK && rep->problems_total == 0 && im.n_touched && ctx->coverage) {
		/* the coverage bits of the people of every TDP touched, then the sums */
		gn_strbuf where = { 0 };
		gn_sb_add(&where, "deleted = 0 AND tdp_id IN (");
		for (size_t i = 0; i < im.n_touched; i++)
			gn_sb_printf(&where, "%s'%s'", i ? "," : "", im.touched[i]); /* UUIDs: hex and dashes only */
		gn_sb_add(&where, ")");
		gn_err e = { 0 };
		if (where.failed) {
			im.status = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		} else if (gn_cov_update_many(ctx->db, ctx->coverage, gn_sb_str(&where), &e) != GN_OK) {
			*err = e;
			im.status = e.status;
		}
		gn_sb_free(&where);
	}
	sqlite3_stmt **stmts[] = { &im.local, &im.ins, &im.upd, &im.conflict_seen, &im.conflict_add, &im.tdp_of,
		                       &im.hh_tdp, &im.pos, &im.hl_seen, &im.hl_walk,
		                       &im.audit_ins, &im.bulk_ins, &im.written };
	for (size_t i = 0; i < sizeof stmts / sizeof *stmts; i++)
		sqlite3_finalize(*stmts[i]);
	free(im.touched);
	free(im.added_in);
	free(im.bit_sums);
	free(im.map);
	ex_cols_free(&im.cols);
	{
		char *sql = sqlite3_mprintf("PRAGMA cache_size = %d", old_cache);
		if (sql)
			sqlite3_exec(ctx->db, sql, NULL, NULL, NULL);
		sqlite3_free(sql);
	}

	if (im.status != GN_OK) {
		gn_db_rollback(ctx->db);
		st = im.status;
	} else if (rep->problems_total) {
		gn_db_rollback(ctx->db);
		st = gn_fail(err, GN_ERR_INVALID, _("%ld rows refused: nothing was imported"), rep->rows_refused);
	} else if (opt->dry_run) {
		gn_db_rollback(ctx->db);
		st = GN_OK;
	} else if (opt->resolves_conflict && (st = mark_resolved(ctx, opt->resolves_conflict, true, err)) != GN_OK) {
		gn_db_rollback(ctx->db);
	} else {
		st = gn_db_commit(ctx->db, err);
	}
	if (keys_off)
		sqlite3_exec(ctx->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (journal_switched)
		gn_db_journal_wal(ctx->db);
	return st;
}

gn_status gn_import(gn_ctx *ctx, const gn_census *census, const char *path, const gn_import_options *opt,
                    gn_import_report *rep, gn_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		memset(rep, 0, sizeof *rep);
		return gn_fail(err, errno == ENOENT ? GN_ERR_NOT_FOUND : GN_ERR_IO, _("cannot open %s: %s"), path,
		               strerror(errno));
	}
	line_source src = { .f = f };
	struct stat sb;
	long long bytes = fstat(fileno(f), &sb) == 0 ? (long long)sb.st_size : 0;
	const char *base = strrchr(path, '/');
	gn_status st = run(ctx, census, &src, base ? base + 1 : path, bytes, opt, rep, err);
	fclose(f);
	return st;
}

gn_status gn_import_buffer(gn_ctx *ctx, const gn_census *census, const char *data, size_t len,
                           const gn_import_options *opt, gn_import_report *rep, gn_err *err)
{
	line_source src = { .data = data, .len = len };
	return run(ctx, census, &src, NULL, (long long)len, opt, rep, err);
}

void gn_import_report_free(gn_import_report *rep)
{
	for (size_t i = 0; i < rep->n_problems; i++)
		free(rep->problems[i].msg);
	free(rep->problems);
	memset(rep, 0, sizeof *rep);
}

/* ---- conflicts -------------------------------------------------------------- */

gn_status gn_conflicts_list(gn_ctx *ctx, gn_conflict **out, size_t *n, gn_err *err)
{
	*out = NULL;
	*n = 0;
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(ctx->db, "SELECT id, table_name, record_id, local_data, incoming_data, coalesce(source, ''), "
	                       "detected_at FROM merge_conflict WHERE resolved_at IS NULL ORDER BY id", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "merge_conflict");
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		gn_conflict *c = realloc(*out, (*n + 1) * sizeof *c);
		if (!c) {
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			break;
		}
		*out = c;
		c += *n;
		memset(c, 0, sizeof *c);
		c->id = sqlite3_column_int64(q, 0);
		snprintf(c->table_name, sizeof c->table_name, "%s", (const char *)sqlite3_column_text(q, 1));
		snprintf(c->record_id, sizeof c->record_id, "%s", (const char *)sqlite3_column_text(q, 2));
		c->local_data = strdup((const char *)sqlite3_column_text(q, 3));
		c->incoming_data = strdup((const char *)sqlite3_column_text(q, 4));
		snprintf(c->source, sizeof c->source, "%s", (const char *)sqlite3_column_text(q, 5));
		snprintf(c->detected_at, sizeof c->detected_at, "%s", (const char *)sqlite3_column_text(q, 6));
		(*n)++;
	}
	if (st == GN_OK && rc != SQLITE_DONE)
		st = gn_db_fail(ctx->db, err, "merge_conflict");
	sqlite3_finalize(q);
	return st;
}

void gn_conflicts_free(gn_conflict *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].local_data);
		free(c[i].incoming_data);
	}
	free(c);
}

/* The incoming version is applied by importing it as a one-row file made
 * from the stored JSON, so it goes through the same checks and audit. */
gn_status gn_conflict_resolve(gn_ctx *ctx, const gn_census *census, long id, bool keep_incoming, gn_err *err)
{
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st != GN_OK)
		return st;
	sqlite3_stmt *q = NULL;
	char *incoming = NULL;
	if (sqlite3_prepare_v2(ctx->db, "SELECT incoming_data FROM merge_conflict WHERE id = ?1 AND resolved_at IS NULL",
	                       -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "merge_conflict");
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW && !(incoming = strdup((const char *)sqlite3_column_text(q, 0))))
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	else if (rc == SQLITE_DONE)
		st = gn_fail(err, GN_ERR_NOT_FOUND, _("there is no open conflict number %ld"), id);
	else if (rc != SQLITE_ROW)
		st = gn_db_fail(ctx->db, err, "merge_conflict");
	sqlite3_finalize(q);
	if (st != GN_OK)
		return st;
	gn_strbuf csv = { 0 };
	if (keep_incoming) {
		/* header and one row from the JSON object, in its key order; the
		 * version is left empty so the stored one moves on */
		sqlite3_stmt *kv = NULL;
		gn_strbuf head = { 0 }, row = { 0 };
		if (sqlite3_prepare_v2(ctx->db, "SELECT key, value FROM json_each(?1)", -1, &kv, NULL) != SQLITE_OK) {
			free(incoming);
			return gn_db_fail(ctx->db, err, "merge_conflict");
		}
		sqlite3_bind_text(kv, 1, incoming, -1, SQLITE_STATIC);
		while (sqlite3_step(kv) == SQLITE_ROW) {
			const char *k = (const char *)sqlite3_column_text(kv, 0);
			const char *v = (const char *)sqlite3_column_text(kv, 1);
			gn_sb_printf(&head, "%s%s", head.len ? "," : "", k);
			gn_sb_add(&row, row.len ? ",\"" : "\"");
			for (const char *p = v ? v : ""; *p; p++)
				gn_sb_add(&row, *p == '"' ? "\"\"" : (char[2]){ *p, 0 });
			gn_sb_add(&row, "\"");
		}
		sqlite3_finalize(kv);
		gn_sb_printf(&csv, "%s\n%s\n", gn_sb_str(&head), gn_sb_str(&row));
		gn_sb_free(&head);
		gn_sb_free(&row);
	}
	free(incoming);
	if (keep_incoming) {
		/* the record and its resolution in the import's one transaction */
		gn_import_report rep;
		gn_import_options opt = { .take_incoming = true, .resolves_conflict = id };
		st = gn_import_buffer(ctx, census, gn_sb_str(&csv), csv.len, &opt, &rep, err);
		if (st != GN_OK && rep.n_problems)
			gn_fail(err, st, "%s", rep.problems[0].msg);
		gn_import_report_free(&rep);
		gn_sb_free(&csv);
		return st;
	}
	gn_sb_free(&csv);
	if ((st = gn_db_begin(ctx->db, err)) != GN_OK)
		return st;
	st = mark_resolved(ctx, id, false, err);
	if (st == GN_OK)
		return gn_db_commit(ctx->db, err);
	gn_db_rollback(ctx->db);
	return st;
}
