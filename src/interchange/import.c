/* gonha import: gonha's own persons and households files merged by UUID,
 * and a TDP's household list. Read as a stream with libcsv, one physical
 * line at a time so each problem names its line; everything is applied in
 * one transaction that is rolled back when any row is refused (or for
 * --dry-run). The parts are listed in import.h; the merge rules are in
 * docs/exchange.md. */
#include "import.h"
#include "gonha/storage/db.h"
#include "gonha/domain/household.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"

#include <csv.h>
#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistr.h>

void imp_problem(importer *im, long line, const char *fmt, ...)
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

void imp_db_error(importer *im, const char *what)
{
	if (im->status == GN_OK)
		im->status = gn_db_fail(im->ctx->db, im->err, what);
	im->fatal = true;
}

static bool same_text(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The questions of the other forms the ward's TDPs enter, as columns too:
 * a file may mix TDPs of two forms (each row is checked by its own, see
 * imp_row_form). A form that does not load is skipped here: its rows are
 * refused with the reason. */
static bool add_tdp_forms(importer *im)
{
	char (*ids)[64] = NULL;
	size_t n = 0;
	gn_err e = { 0 };
	if (gn_tdp_forms_used(&im->forms, &ids, &n, &e) != GN_OK) {
		im->status = gn_fail(im->err, e.status, "%s", e.msg);
		return false;
	}
	for (size_t i = 0; i < n && im->status == GN_OK; i++) {
		gn_form *form = NULL;
		gn_err le = { 0 };
		if (gn_tdp_forms_by_id(&im->forms, ids[i], &form, &le) == GN_OK && form != im->forms.base)
			im->status = ex_cols_add_form(&im->cols, form, im->err);
	}
	free(ids);
	return im->status == GN_OK;
}

static void read_header(importer *im)
{
	char **h = im->cells;
	size_t n = im->n_cells;
	bool has_person = false, has_household = false, has_head = false, has_entry = false, has_parent = false;
	for (size_t i = 0; i < n; i++) {
		has_entry |= same_text(h[i], "entry");
		has_parent |= same_text(h[i], "parent");
		has_person |= same_text(h[i], "person_id") || same_text(h[i], "Mã người");
		has_household |= same_text(h[i], "household_id") || same_text(h[i], "Mã hộ");
		has_head |= same_text(h[i], "head_name") || same_text(h[i], "Chủ hộ");
	}
	gn_ex_kind kind = has_person ? GN_EXK_PERSONS : has_household && has_entry && has_parent ? GN_EXK_REPEAT
	                : has_household ? GN_EXK_HOUSEHOLDS
	                : has_head ? GN_EXK_HOUSEHOLD_LIST : GN_EXK_UNKNOWN;
	im->rep->kind = kind;
	if (kind == GN_EXK_UNKNOWN) {
		imp_problem(im, im->row_line, _("this is not a gonha export nor a household list: the header needs person_id, "
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
	if (kind == GN_EXK_REPEAT) {
		imp_repeat_header(im);
		return;
	}
	if (kind != GN_EXK_HOUSEHOLD_LIST &&
	    (im->status = ex_cols_build(im->census ? im->census->form : NULL, kind, &im->cols, im->err)) != GN_OK) {
		im->fatal = true;
		return;
	}
	if (kind != GN_EXK_HOUSEHOLD_LIST && !add_tdp_forms(im)) {
		im->fatal = true;
		return;
	}
	if (kind != GN_EXK_HOUSEHOLD_LIST)
		imp_colidx_resolve(&im->cols, &im->ci); /* the columns are known from here */
	int seen[HL_COUNT] = { 0 };
	bool labels = false;
	for (size_t i = 0; i < n; i++) {
		im->map[i] = -1;
		if (kind == GN_EXK_HOUSEHOLD_LIST) {
			for (int k = 0; k < HL_COUNT; k++)
				if (same_text(h[i], imp_list_cols[k].name) || same_text(h[i], imp_list_cols[k].label_vi))
					im->map[i] = k;
		} else {
			for (size_t k = 0; k < im->cols.n; k++)
				if (same_text(h[i], im->cols.cols[k].name) || same_text(h[i], im->cols.cols[k].label_vi))
					im->map[i] = (int)k;
		}
		if (im->map[i] >= 0 && kind != GN_EXK_HOUSEHOLD_LIST && !same_text(h[i], im->cols.cols[im->map[i]].name))
			labels = true;
		if (im->map[i] < 0 && *h[i])
			imp_problem(im, im->row_line, _("column \"%s\" is not a column of this kind of file"), h[i]);
		else if (im->map[i] >= 0 && kind == GN_EXK_HOUSEHOLD_LIST && seen[im->map[i]]++)
			imp_problem(im, im->row_line, _("column \"%s\" appears twice"), h[i]);
	}
	if (kind == GN_EXK_HOUSEHOLD_LIST) {
		if (!seen[HL_TDP] || !seen[HL_HEAD] || !seen[HL_STREET])
			imp_problem(im, im->row_line, _("a household list needs the columns tdp_code, street and head_name"));
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
				imp_problem(im, im->row_line, _("the column %s is missing"), needed[k]);
		}
	}
	if (labels) {
		/* labels are for reading: "Có" or "Mức 2" and masked numbers back
		 * in would only look like changes */
		forget_problems(im->rep);
		imp_problem(im, im->row_line, _("this file was exported with --labels (Vietnamese headers and answers), for "
		                           "reading in Excel; it cannot be imported. Import the same export made without "
		                           "--labels"));
	}
	if (im->rep->problems_total)
		im->fatal = true;
	else
		imp_maybe_bulk(im);
}

bool imp_is_uuid(const char *s)
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

bool imp_parse_int(const char *s, long lo, long hi, long *out)
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

void imp_row_values_free(row_values *r)
{
	for (size_t i = 0; r->v && i < r->n; i++)
		if (imp_value_owned(r, i))
			free(r->v[i]);
	free(r->v);
	free(r->borrowed);
	memset(r, 0, sizeof *r);
}

bool imp_clean_row(importer *im, size_t n_targets, row_values *out)
{
	out->n = n_targets;
	out->v = calloc(n_targets ? n_targets : 1, sizeof *out->v);
	out->borrowed = calloc(n_targets ? n_targets : 1, 1);
	if (!out->v || !out->borrowed) {
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
			imp_replace_value(out, (size_t)t, NULL);
			continue;
		}
		if (len > GN_EX_MAX_CELL) {
			imp_problem(im, im->row_line, _("column %zu holds %zu bytes; a cell may hold at most %d"), i + 1, len,
			        GN_EX_MAX_CELL);
			return false;
		}
		int flags = 0;
		if (im->rep->kind == GN_EXK_PERSONS || im->rep->kind == GN_EXK_HOUSEHOLDS) {
			const ex_col *c = &im->cols.cols[t];
			if (c->kind == EXC_ANSWER && c->field && c->field->type == GN_FT_TEXT)
				flags = GN_TEXT_MULTILINE;
			if (c->kind == EXC_OTHER)
				flags = GN_TEXT_MULTILINE | GN_TEXT_KEEP_SPACES;
		}
		if (gn_text_is_clean(raw, len, flags)) { /* most cells: as they are */
			imp_replace_value(out, (size_t)t, NULL);
			out->v[t] = (char *)raw;
			out->borrowed[t] = 1;
			continue;
		}
		char *clean = NULL;
		gn_err e = { 0 };
		if (gn_text_clean(raw, len, flags, &clean, &e) != GN_OK) {
			imp_problem(im, im->row_line, "%s", e.msg);
			return false;
		}
		if (!*clean) {
			free(clean);
			clean = NULL;
		}
		imp_replace_value(out, (size_t)t, clean);
	}
	return true;
}

static void out_of_memory(importer *im)
{
	im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
	im->fatal = true;
}

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
		if (cells)
			im->cells = cells;
		size_t *at = cells ? realloc(im->cell_at, cap * sizeof *at) : NULL;
		if (!at) {
			out_of_memory(im);
			return;
		}
		im->cell_at = at;
		im->cap_cells = cap;
	}
	/* a cell is at most GN_EX_MAX_CELL and refused above it (imp_clean_row),
	 * but every byte is kept until then so that the message is right */
	if (len + 1 > im->row_text_cap - im->row_text_len) {
		size_t cap = im->row_text_cap ? im->row_text_cap : 4096;
		while (len + 1 > cap - im->row_text_len)
			cap *= 2;
		char *text = realloc(im->row_text, cap);
		if (!text) {
			out_of_memory(im);
			return;
		}
		im->row_text = text;
		im->row_text_cap = cap;
	}
	char *cell = im->row_text + im->row_text_len;
	if (len)
		memcpy(cell, data, len);
	cell[len] = '\0';
	im->cell_at[im->n_cells++] = im->row_text_len;
	im->row_text_len += len + 1;
}

/* cells[] made to point at the row's text, now that it is all read */
static void row_cells(importer *im)
{
	for (size_t i = 0; i < im->n_cells; i++)
		im->cells[i] = im->row_text + im->cell_at[i];
}

static void clear_row(importer *im)
{
	im->n_cells = 0;
	im->row_text_len = 0;
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
	row_cells(im);
	/* a blank line is not a row */
	if (im->n_cells == 1 && !*im->cells[0] && !im->row_bad_utf8 && !im->row_nul) {
		clear_row(im);
		return;
	}
	if (im->row_nul) {
		imp_problem(im, im->row_line, _("the line has a NUL byte: this is not a text CSV file"));
	} else if (im->row_bad_utf8) {
		imp_problem(im, im->row_line, _("the text is not UTF-8 (perhaps TCVN3, VNI or Windows-1258): open the file in "
		                           "Excel or LibreOffice and save it as \"CSV UTF-8\""));
	} else if (!im->header_done) {
		im->header_done = true;
		read_header(im);
	} else {
		im->rep->rows++;
		if (im->n_cells != im->n_header)
			imp_problem(im, im->row_line, _("the row has %zu cells but the header has %zu"), im->n_cells, im->n_header);
		else if (im->rep->kind == GN_EXK_HOUSEHOLD_LIST)
			imp_list_row(im);
		else if (im->rep->kind == GN_EXK_REPEAT)
			imp_repeat_row(im);
		else
			imp_merge_record(im);
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

/* The connection set for one long import, and put back afterwards. */
typedef struct import_settings {
	int old_cache;
	bool keys_off, journal_switched;
} import_settings;

static void settings_for_import(sqlite3 *db, bool dry_run, import_settings *set)
{
	set->old_cache = -2000;
	/* A bigger page cache for the one long transaction, so SQLite does not
	 * spill dirty pages to the WAL again and again; bounded so that the
	 * whole command stays under 64 MB. (Statement journals stay in temp
	 * files: in memory they made the import 20% faster but held 150 MB on
	 * 200 thousand persons.) */
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, "PRAGMA cache_size", -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		set->old_cache = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	sqlite3_exec(db, "PRAGMA cache_size = -24576", NULL, NULL, NULL); /* a hint: fine without */
	/* Into a ward with nobody in it, every person's household and TDP are
	 * checked by the import itself before the row goes in (and no record
	 * is removed): SQLite's own foreign key lookups would do it twice.
	 * The setting cannot change inside a transaction. */
	set->keys_off = false;
	q = NULL;
	if (sqlite3_prepare_v2(db, "SELECT NOT EXISTS (SELECT 1 FROM person)", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) && !dry_run)
		set->keys_off = sqlite3_exec(db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) == SQLITE_OK;
	sqlite3_finalize(q);
	/* ... and each page the import adds is written once, not to the WAL
	 * and again by the checkpoint (two million persons: 64 s to 54 s) */
	set->journal_switched = set->keys_off && gn_db_journal_for_bulk(db);
}

static void settings_back(sqlite3 *db, const import_settings *set)
{
	char *sql = sqlite3_mprintf("PRAGMA cache_size = %d", set->old_cache);
	if (sql)
		sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_free(sql);
	if (set->keys_off)
		sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (set->journal_switched)
		gn_db_journal_wal(db);
}

/* Every line of the file through libcsv, each row handled as it ends. */
static void read_lines(importer *im, line_source *src)
{
	struct csv_parser p;
	if (csv_init(&p, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI) != 0) {
		im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
		im->fatal = true;
		return;
	}
	char *buf = NULL;
	size_t cap = 0, n = 0;
	const char *line;
	while (!im->fatal && (line = next_line(src, &buf, &cap, &n)) != NULL) {
		if (im->line == 1 && n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			line += 3;
			n -= 3;
		}
		if (im->line == 1 && separator_of(line, n) == ';') {
			csv_set_delim(&p, ';');
			im->decimal_comma = true;
		}
		if (memchr(line, '\0', n))
			im->row_nul = true;
		else if (u8_check((const uint8_t *)line, n))
			im->row_bad_utf8 = true;
		if (csv_parse(&p, line, n, on_field, on_row, im) != n) {
			imp_problem(im, im->line, _("the CSV is broken here: %s"), csv_strerror(csv_error(&p)));
			im->fatal = true;
		}
		im->line++;
	}
	if (!im->fatal && csv_fini(&p, on_field, on_row, im) != 0)
		imp_problem(im, im->row_start, _("a quoted cell is not closed before the end of the file"));
	if (!im->fatal && !im->header_done && im->rep->problems_total == 0)
		imp_problem(im, 1, _("the file is empty"));
	clear_row(im);
	free(im->cells);
	free(im->cell_at);
	free(im->row_text);
	im->cells = NULL;
	im->cell_at = NULL;
	im->row_text = NULL;
	im->cap_cells = im->row_text_cap = 0;
	free(buf);
	csv_free(&p);
}

/* The coverage counters of every TDP the file touched. */
static void recount_touched(importer *im)
{
	gn_ctx *ctx = im->ctx;
	gn_err e = { 0 };
	gn_status cs = GN_OK;
	if (im->status != GN_OK || im->rep->problems_total != 0)
		return;
	if (im->empty_ward) {
		/* the bits went in with the rows and were summed as they went */
		for (size_t i = 0; i < im->n_touched && cs == GN_OK; i++)
			cs = gn_cov_add_sums(ctx->db, im->touched[i], im->bit_sums[i][0], im->bit_sums[i][1],
			                     ctx->coverage->n, &e);
		if (cs == GN_OK)
			cs = gn_cov_resume(ctx->db, &e);
	} else if (ctx->coverage && ctx->coverage->flags_sql) {
		/* the coverage bits of the persons written (by their unique id),
		 * then the sums of the TDPs touched: those alone (the per-row
		 * triggers were paused for the file, see run) */
		cs = im->n_touched ? gn_cov_update_many(ctx->db, ctx->coverage, "id IN (SELECT rid FROM temp.gn_import_rows)",
		                                        (const char (*)[37])im->touched, im->n_touched, &e)
		                   : gn_cov_resume(ctx->db, &e);
	}
	if (cs != GN_OK) {
		*im->err = e;
		im->status = e.status;
	}
}

static void importer_free(importer *im)
{
	sqlite3_stmt **stmts[] = { &im->local, &im->ins, &im->upd, &im->upd_in_place, &im->conflict_seen,
		                       &im->conflict_add, &im->tdp_of, &im->hh_tdp, &im->hl_seen, &im->hl_household, &im->hl_head,
		                       &im->reviews_ok, &im->reviews_add, &im->corrections_ok, &im->corrections_add, &im->same_answers,
		                       &im->bulk_ins, &im->bulk_json, &im->written };
	for (size_t i = 0; i < sizeof stmts / sizeof *stmts; i++)
		sqlite3_finalize(*stmts[i]);
	free(im->bulk_kept); /* after bulk_ins, which points into it */
	imp_words_free(im);
	free(im->touched);
	free(im->added_in);
	free(im->bit_sums);
	free(im->answer_of);
	free(im->map);
	ex_cols_free(&im->cols);
	imp_repeat_free(im);
	im->row_form = NULL;
	im->form_of_tdp = NULL;
	gn_tdp_forms_free(&im->forms);
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
	gn_tdp_forms_init(&im.forms, ctx->db, sqlite3_db_filename(ctx->db, "main"), census ? census->form : NULL);
	import_settings set;
	settings_for_import(ctx->db, opt->dry_run, &set);
	gn_status st = gn_db_begin(ctx->db, err);
	if (st != GN_OK) {
		settings_back(ctx->db, &set);
		return st;
	}
	if (sqlite3_prepare_v2(ctx->db, "SELECT id FROM tdp WHERE code = ?1", -1, &im.tdp_of, NULL) != SQLITE_OK)
		imp_db_error(&im, "tdp");
	/* The per-row coverage triggers paused for the whole file: every TDP
	 * a record is written into or moved out of is touched (imp_touch), and
	 * those alone are recounted at the end (recount_touched), in this
	 * transaction; a refused file is rolled back with the pause. */
	gn_err pe = { 0 };
	if (ctx->coverage && ctx->coverage->flags_sql && gn_db_meta_set(ctx->db, "counters_paused", "1", &pe) != GN_OK)
		imp_db_error(&im, "import");
	/* the records keep the PC stamps of the file (migration 14's triggers
	 * leave them), this PC's own coming back as NULL */
	char pc[37];
	if (gn_db_pc_id(ctx->db, pc, &pe) != GN_OK || gn_db_meta_set(ctx->db, "pc_stamps_from_file", "1", &pe) != GN_OK)
		imp_db_error(&im, "import");
	/* the line of each record written, for the form's rules at the end */
	if (sqlite3_exec(ctx->db, "CREATE TEMP TABLE IF NOT EXISTS gn_import_rows(rid TEXT PRIMARY KEY, line INTEGER) "
	                 "WITHOUT ROWID; DELETE FROM temp.gn_import_rows", NULL, NULL, NULL) != SQLITE_OK)
		imp_db_error(&im, "import");
	imp_undo_begin(&im);
	read_lines(&im, src);
	if (im.bulk_pending && im.status == GN_OK && rep->problems_total == 0)
		imp_bulk_flush(&im);
	imp_check_form_rules(&im);
	sort_problems(rep);
	imp_audit_added(&im);
	/* SQLite's sorter takes as much memory as the page cache again while it
	 * builds an index: both smaller, to stay under 64 MB on a province */
	if (im.n_dropped && sqlite3_exec(ctx->db, "PRAGMA cache_size = -16384", NULL, NULL, NULL) != SQLITE_OK) {
		/* only a hint: the indexes are built with the cache as it was */
	}
	imp_rebuild_indexes(&im);
	recount_touched(&im);
	if (im.status == GN_OK && gn_db_exec(ctx->db, "DELETE FROM meta WHERE key = 'pc_stamps_from_file'", &pe) != GN_OK)
		imp_db_error(&im, "import");
	importer_free(&im);
	if (im.status != GN_OK) {
		gn_db_rollback(ctx->db);
		st = im.status;
	} else if (rep->problems_total) {
		gn_db_rollback(ctx->db);
		st = gn_fail(err, GN_ERR_INVALID, ngettext("%ld row refused: nothing was imported", "%ld rows refused: nothing was imported",
		                                            (unsigned long)rep->rows_refused),
		             rep->rows_refused);
	} else if (opt->dry_run) {
		gn_db_rollback(ctx->db);
		st = GN_OK;
	} else if (opt->resolves_conflict && (st = imp_mark_resolved(ctx, opt->resolves_conflict, true, err)) != GN_OK) {
		gn_db_rollback(ctx->db);
	} else {
		/* what it changed, kept for gonha import undo in this transaction */
		imp_undo_finish(&im);
		if ((st = im.status) != GN_OK)
			gn_db_rollback(ctx->db);
		else
			st = gn_db_commit(ctx->db, err);
	}
	imp_undo_end(&im);
	settings_back(ctx->db, &set);
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

void imp_bind_form(importer *im, sqlite3_stmt *q, int i, const row_values *r)
{
	const gn_form *form = im->row_form ? im->row_form : im->census ? im->census->form : NULL;
	bool in_file = false;
	for (size_t c = 0; c < im->n_header && im->map && im->ci.form_id >= 0 && im->rep->kind != GN_EXK_HOUSEHOLD_LIST; c++)
		in_file |= im->map[c] == im->ci.form_id;
	if (in_file) { /* the record's own, as it travelled (NULL: not known) */
		imp_bind_or_null(q, i, imp_val(r, im->ci.form_id));
		imp_bind_or_null(q, i + 1, imp_val(r, im->ci.form_version));
	} else if (im->row_form) { /* a file from before: the form of the row's TDP */
		imp_bind_or_null(q, i, form->id);
		imp_bind_or_null(q, i + 1, form->version);
	} else if (im->ctx->form_id || form) { /* the form it is read with */
		imp_bind_or_null(q, i, im->ctx->form_id ? im->ctx->form_id : form->id);
		imp_bind_or_null(q, i + 1, im->ctx->form_id ? im->ctx->form_version : form->version);
	} else {
		sqlite3_bind_null(q, i);
		sqlite3_bind_null(q, i + 1);
	}
}

const char *imp_val_named(importer *im, const row_values *r, const char *name)
{
	return imp_val(r, ex_cols_find(&im->cols, name));
}

void imp_colidx_resolve(const ex_cols *cols, imp_colidx *ci)
{
	static const struct { const char *name; size_t offset; } named[] = {
		{ "person_id", offsetof(imp_colidx, person_id) },
		{ "household_id", offsetof(imp_colidx, household_id) },
		{ "tdp_code", offsetof(imp_colidx, tdp_code) },
		{ "full_name", offsetof(imp_colidx, full_name) },
		{ "birth_year", offsetof(imp_colidx, birth_year) },
		{ "sex", offsetof(imp_colidx, sex) },
		{ "relation", offsetof(imp_colidx, relation) },
		{ "cccd", offsetof(imp_colidx, cccd) },
		{ "other_answers", offsetof(imp_colidx, other_answers) },
		{ "updated_at", offsetof(imp_colidx, updated_at) },
		{ "updated_by", offsetof(imp_colidx, updated_by) },
		{ "version", offsetof(imp_colidx, version) },
		{ "base_version", offsetof(imp_colidx, base_version) },
		{ "walk_order", offsetof(imp_colidx, walk_order) },
		{ "house_no", offsetof(imp_colidx, house_no) },
		{ "alley", offsetof(imp_colidx, alley) },
		{ "street", offsetof(imp_colidx, street) },
		{ "visit_status", offsetof(imp_colidx, visit_status) },
		{ "visit_date", offsetof(imp_colidx, visit_date) },
		{ "visited_by", offsetof(imp_colidx, visited_by) },
		{ "created_at", offsetof(imp_colidx, created_at) },
		{ "created_by", offsetof(imp_colidx, created_by) },
		{ "created_pc", offsetof(imp_colidx, created_pc) },
		{ "updated_pc", offsetof(imp_colidx, updated_pc) },
		{ "entered_by", offsetof(imp_colidx, entered_by) },
		{ "entered_at", offsetof(imp_colidx, entered_at) },
		{ "entered_pc", offsetof(imp_colidx, entered_pc) },
		{ "entry_seconds", offsetof(imp_colidx, entry_seconds) },
		{ "reviews", offsetof(imp_colidx, reviews) },
		{ "corrections", offsetof(imp_colidx, corrections) },
		{ "form_id", offsetof(imp_colidx, form_id) },
		{ "form_version", offsetof(imp_colidx, form_version) },
	};
	ci->id = -1;
	for (size_t i = 0; i < cols->n && ci->id < 0; i++)
		if (cols->cols[i].kind == EXC_ID)
			ci->id = (int)i;
	for (size_t k = 0; k < sizeof named / sizeof *named; k++)
		*(int *)((char *)ci + named[k].offset) = ex_cols_find(cols, named[k].name);
}
