/* Persons into a ward with nobody in it, the fast path (docs/exchange.md,
 * "A ward with nobody in it"). */
#include "import.h"
#include "gonha/domain/coverage.h"
#include "gonha/storage/db.h"
#include "gonha/storage/search_words.h"
#include "gonha/storage/vault.h"
#include "gonha/core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Persons into a ward with nobody in it: every person index and trigger is
 * dropped for the import and made again at the end, in the same
 * transaction, so the rows are appended and each index is built by one
 * sort instead of a random insert per row (what the triggers did, the
 * import does itself: the coverage bits go in with each row, the sums are
 * recounted once). A big file into a ward with fewer people than it brings:
 * the indexes that only lists and searches use, likewise. */
#define BULK_BYTES (32LL * 1024 * 1024)
#define BULK_BYTES_PER_PERSON 250

void imp_maybe_bulk(importer *im)
{
	if (im->rep->kind != GN_EXK_PERSONS || (im->opt && im->opt->dry_run))
		return;
	sqlite3_stmt *q = NULL;
	long long have = -1;
	/* persons counted only when the file is big enough for it to matter:
	 * a count reads a whole index (a tenth of a second at two million) */
	if (sqlite3_prepare_v2(im->ctx->db, im->file_bytes < BULK_BYTES ? "SELECT EXISTS (SELECT 1 FROM person)"
	                                                                  : "SELECT count(*) FROM person",
	                       -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		have = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	im->empty_ward = have == 0 && im->ctx->coverage;
	if (!im->empty_ward && (im->file_bytes < BULK_BYTES || have < 0 || have * BULK_BYTES_PER_PERSON > im->file_bytes))
		return;
	if (im->empty_ward) {
		gn_err e = { 0 };
		if (gn_db_meta_set(im->ctx->db, "counters_paused", "1", &e) != GN_OK) {
			imp_db_error(im, "import");
			return;
		}
	}
	/* Otherwise the id and person_household stay: looking up records and
	 * numbering members need them. The unique id is built first. */
	if (sqlite3_prepare_v2(im->ctx->db, "SELECT name, sql, type FROM sqlite_schema WHERE tbl_name = 'person' AND "
	                       "sql IS NOT NULL AND (type = 'index' OR (?1 AND type = 'trigger')) AND (?1 OR name NOT IN "
	                       "('person_household', 'person_id')) ORDER BY type, name <> 'person_id', name", -1, &q,
	                       NULL) != SQLITE_OK) {
		imp_db_error(im, "import");
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
			imp_db_error(im, "import");
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
		imp_db_error(im, "import");
		return;
	}
	while (sqlite3_step(q) == SQLITE_ROW)
		imp_problem(im, sqlite3_column_int(q, 2), _("person_id %s is already on line %d of this file"),
		        (const char *)sqlite3_column_text(q, 0), sqlite3_column_int(q, 1));
	sqlite3_finalize(q);
}

/* The search words (household_word, search_words.h) of the persons the
 * bulk statement puts in. Their triggers are dropped with the rest, and
 * filling the table at the end from every person in SQL (each name split
 * as JSON, a UNION and a sort of every word) cost more than the seven
 * indexes together (3.3 s at 200 k). The rows come grouped by TDP: the
 * words are gathered here a TDP at a time, sorted and made unique in
 * memory, and written in key order, each next to the one before. A file
 * not grouped by TDP gets there too, less in order (INSERT OR IGNORE: the
 * same word may come from an earlier part). */
#define WORDS_MAX 65536                /* words gathered before they are written, whatever the TDP */
#define WORDS_TEXT_MAX (8u << 20)      /* bytes of text likewise */
#define WORDS_ROWS 64                  /* rows an insert statement takes */

typedef struct word_entry {
	size_t word, word_len, household, key; /* offsets into imp_words.text, the word's length */
} word_entry;

typedef struct imp_words {
	char tdp_id[37];
	gn_strbuf text; /* owned: household ids, name keys and CCCD provinces, each NUL-ended */
	word_entry *entry; /* owned */
	size_t n, cap;
	sqlite3_stmt *ins[2]; /* a row at a time, WORDS_ROWS at a time */
} imp_words;

void imp_words_free(importer *im)
{
	imp_words *w = im->words;
	if (!w)
		return;
	sqlite3_finalize(w->ins[0]);
	sqlite3_finalize(w->ins[1]);
	gn_sb_free(&w->text);
	free(w->entry);
	free(w);
	im->words = NULL;
}

/* The key's order (SQLite's BINARY: bytes, then the shorter first). */
static int word_order(const void *a, const void *b, void *arg)
{
	const word_entry *x = a, *y = b;
	const char *text = arg;
	int c = memcmp(text + x->word, text + y->word, x->word_len < y->word_len ? x->word_len : y->word_len);
	if (!c)
		c = (x->word_len > y->word_len) - (x->word_len < y->word_len);
	if (!c)
		c = strcmp(text + x->household, text + y->household);
	return c ? c : strcmp(text + x->key, text + y->key);
}

/* The statement that inserts rows words at a time (1 or WORDS_ROWS), the
 * TDP's id bound once as ?1. */
static sqlite3_stmt *words_statement(importer *im, int rows)
{
	imp_words *w = im->words;
	sqlite3_stmt **q = &w->ins[rows > 1];
	if (*q)
		return *q;
	gn_strbuf sql = { 0 };
	gn_sb_add(&sql, "INSERT OR IGNORE INTO household_word(tdp_id, word, household_id, name_key) VALUES ");
	for (int i = 0; i < rows; i++)
		gn_sb_printf(&sql, "%s(?1, ?%d, ?%d, ?%d)", i ? ", " : "", 3 * i + 2, 3 * i + 3, 3 * i + 4);
	if (sql.failed) {
		im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
		im->fatal = true;
	} else if (sqlite3_prepare_v2(im->ctx->db, gn_sb_str(&sql), -1, q, NULL) != SQLITE_OK) {
		imp_db_error(im, "import");
	}
	gn_sb_free(&sql);
	return *q;
}

/* The words gathered, sorted and each once, into household_word, many rows
 * a statement (SQLite's work per statement done once for many). */
static void words_write(importer *im)
{
	imp_words *w = im->words;
	if (!w->n)
		return;
	char *text = w->text.s;
	qsort_r(w->entry, w->n, sizeof *w->entry, word_order, text);
	size_t n = 1;
	for (size_t i = 1; i < w->n; i++)
		if (word_order(&w->entry[n - 1], &w->entry[i], text) != 0)
			w->entry[n++] = w->entry[i];
	for (size_t i = 0; i < n && im->status == GN_OK;) {
		int rows = n - i >= WORDS_ROWS ? WORDS_ROWS : 1;
		sqlite3_stmt *q = words_statement(im, rows);
		if (!q)
			break;
		sqlite3_bind_text(q, 1, w->tdp_id, -1, SQLITE_STATIC);
		for (int r = 0; r < rows; r++, i++) {
			const word_entry *e = &w->entry[i];
			sqlite3_bind_text(q, 3 * r + 2, text + e->word, (int)e->word_len, SQLITE_STATIC);
			sqlite3_bind_text(q, 3 * r + 3, text + e->household, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 3 * r + 4, text + e->key, -1, SQLITE_STATIC);
		}
		int rc = sqlite3_step(q);
		sqlite3_reset(q);
		sqlite3_clear_bindings(q); /* nothing left pointing into the text */
		if (rc != SQLITE_DONE)
			imp_db_error(im, "import");
	}
	w->n = 0;
	w->text.len = 0; /* the room kept for the next TDP */
}

/* s copied to the end of the text with its NUL, its offset; (size_t)-1
 * when out of memory. */
static size_t words_text(imp_words *w, const char *s)
{
	size_t at = w->text.len;
	gn_sb_addn(&w->text, s, strlen(s) + 1);
	return w->text.failed ? (size_t)-1 : at;
}

static bool words_entry(imp_words *w, size_t word, size_t len, size_t household, size_t key)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4096;
		word_entry *more = realloc(w->entry, cap * sizeof *more);
		if (!more)
			return false;
		w->entry = more;
		w->cap = cap;
	}
	w->entry[w->n++] = (word_entry){ word, len, household, key };
	return true;
}

/* The words of one person put in (GN_SQL_HOUSEHOLD_WORDS for that row):
 * each word of name_key, and the province of cccd_masked with the name ''. */
static bool words_add(importer *im, const char *tdp_id, const char *household_id, const char *name_key,
                      const char *province)
{
	imp_words *w = im->words;
	if (!w && !(w = im->words = calloc(1, sizeof *w)))
		return false;
	if (!tdp_id || !household_id || strlen(tdp_id) >= sizeof w->tdp_id)
		return false;
	if (w->n && (strcmp(w->tdp_id, tdp_id) || w->n >= WORDS_MAX || w->text.len >= WORDS_TEXT_MAX))
		words_write(im);
	if (im->status != GN_OK)
		return false;
	if (!w->n)
		memcpy(w->tdp_id, tdp_id, strlen(tdp_id) + 1);
	size_t household = words_text(w, household_id);
	size_t key = name_key ? words_text(w, name_key) : (size_t)-1;
	if (household == (size_t)-1 || (name_key && key == (size_t)-1))
		return false;
	const char *at = name_key ? w->text.s + key : "", *word;
	size_t len;
	while ((word = gn_name_word_next(&at, &len)) != NULL)
		if (!words_entry(w, (size_t)(word - w->text.s), len, household, key))
			return false;
	if (province && *province) {
		size_t p = words_text(w, province), none = words_text(w, "");
		if (p == (size_t)-1 || none == (size_t)-1 || !words_entry(w, p, strlen(province), household, none))
			return false;
	}
	return true;
}

/* Builds the dropped indexes again (before the coverage recount, which
 * reads persons by TDP). */
void imp_rebuild_indexes(importer *im)
{
	for (size_t i = 0; i < im->n_dropped; i += 2) {
		if (im->status == GN_OK && im->rep->problems_total == 0) {
			int rc = sqlite3_exec(im->ctx->db, im->dropped[i], NULL, NULL, NULL);
			if ((rc & 0xff) == SQLITE_CONSTRAINT && im->empty_ward)
				report_duplicates(im);
			else if (rc != SQLITE_OK)
				imp_db_error(im, "import");
		}
		free(im->dropped[i]);
		sqlite3_free(im->dropped[i + 1]);
	}
	/* the search words of the last TDP's persons */
	if (im->words && im->status == GN_OK && im->rep->problems_total == 0)
		words_write(im);
	imp_words_free(im);
	free(im->dropped);
	im->dropped = NULL;
	im->n_dropped = 0;
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

/* expr with each answer it reads (gn_form_answer_ref) made the column
 * gn_a<k> of the statement, bound beside the row (imp_insert_counted): an
 * indicator's rule as it is, its answers taken from the cells the answers
 * JSON is written from instead of parsed out of that JSON again by every
 * indicator of every row. Past IMP_BULK_ANSWERS, read from the JSON. */
static void answers_bound(importer *im, gn_strbuf *out, const char *expr)
{
	const char *p = expr, *hit;
	size_t len;
	char name[sizeof im->bulk_answer[0]];
	while ((hit = gn_form_answer_ref(p, &len, name, sizeof name)) != NULL) {
		gn_sb_addn(out, p, (size_t)(hit - p));
		int k = 0;
		while (k < im->n_bulk_answers && strcmp(im->bulk_answer[k], name) != 0)
			k++;
		if (k == im->n_bulk_answers && k < IMP_BULK_ANSWERS) {
			snprintf(im->bulk_answer[k], sizeof im->bulk_answer[k], "%s", name);
			/* the first answer column of that name: the one the JSON has first */
			im->bulk_answer_col[k] = -1;
			for (size_t c = 0; c < im->cols.n && im->bulk_answer_col[k] < 0; c++)
				if (im->cols.cols[c].kind == EXC_ANSWER && strcmp(im->cols.cols[c].name, name) == 0)
					im->bulk_answer_col[k] = (int)c;
			im->n_bulk_answers++;
		}
		if (k < im->n_bulk_answers)
			gn_sb_printf(out, "gn_a%d", k);
		else
			gn_sb_addn(out, hit, len);
		p = hit + len;
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
#define BULK_PARAMS 20 /* bind_person's 19, then the position; then the answers */

static sqlite3_stmt *bulk_statement(importer *im)
{
	const gn_cov_set *cov = im->ctx->coverage;
	gn_strbuf pop_today = { 0 }, num_today = { 0 }, pop = { 0 }, num = { 0 }, sql = { 0 };
	today_fixed(im, &pop_today, cov->pop_sql ? cov->pop_sql : "0");
	today_fixed(im, &num_today, cov->num_sql ? cov->num_sql : "0");
	im->n_bulk_answers = 0;
	answers_bound(im, &pop, gn_sb_str(&pop_today));
	answers_bound(im, &num, gn_sb_str(&num_today));
	im->bulk_params = BULK_PARAMS + im->n_bulk_answers;
	gn_sb_printf(&sql,
	             "INSERT INTO person(id, household_id, tdp_id, position, full_name, name_key, birth_year, sex, "
	             "relation, " GN_SQL_CCCD_COLUMNS ", answers, created_at, created_by, updated_at, updated_by, version, "
	             "base_version, ind_pop, ind_num, created_pc, updated_pc, form_id, form_version) SELECT id, household_id, "
	             "tdp_id, position, full_name, gn_fold(full_name), birth_year, sex, relation, " GN_SQL_CCCD_VALUES("cccd")
	             ", answers, created_at, created_by, updated_at, updated_by, version, base_version, %s, %s, "
	             EX_PC_STORED("created_pc") ", " EX_PC_STORED("updated_pc") ", form_id, form_version FROM (SELECT "
	             "column1 AS id, column2 AS household_id, column3 AS tdp_id, column18 AS form_id, "
	             "column19 AS form_version, column20 AS position, column4 AS full_name, '' AS name_key, "
	             "column5 AS birth_year, column6 AS sex, "
	             "column7 AS relation, column8 AS cccd, column9 AS answers, column10 AS updated_at, "
	             "column11 AS updated_by, column12 AS version, column13 AS base_version, 0 AS deleted, 1 AS rev, "
	             "coalesce(column14, column10) AS created_at, coalesce(column15, column11) AS created_by, "
	             "column16 AS created_pc, column17 AS updated_pc, 0 AS version_local, 0 AS ind_pop, "
	             "0 AS ind_num",
	             gn_sb_str(&pop), gn_sb_str(&num));
	for (int k = 0; k < im->n_bulk_answers; k++)
		gn_sb_printf(&sql, ", column%d AS gn_a%d", BULK_PARAMS + 1 + k, k);
	gn_sb_add(&sql, " FROM (VALUES ");
	for (int i = 0; i < BULK_ROWS; i++) {
		gn_sb_add(&sql, i ? ", (" : "(");
		for (int k = 1; k <= im->bulk_params; k++)
			gn_sb_printf(&sql, "%s?%d", k > 1 ? ", " : "", i * im->bulk_params + k);
		gn_sb_add(&sql, ")");
	}
	gn_sb_add(&sql, ")) WHERE id IS NOT NULL RETURNING tdp_id, ind_pop, ind_num, household_id, name_key, "
	           "substr(cccd_masked, 1, 3)");
	/* a row with other_answers: compacted, and the answers read from it
	 * as the indicators read them from the stored JSON (other_answers may
	 * hold one too, and comes first) */
	gn_strbuf json = { 0 };
	gn_sb_add(&json, "SELECT answers");
	for (int k = 0; k < im->n_bulk_answers; k++) {
		gn_sb_add(&json, ", ");
		gn_form_answer_sql(&json, im->bulk_answer[k]);
	}
	gn_sb_add(&json, " FROM (SELECT json(?1) AS answers)");
	sqlite3_stmt *q = NULL;
	if (pop_today.failed || num_today.failed || pop.failed || num.failed || sql.failed || json.failed) {
		im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
		im->fatal = true;
	} else if (sqlite3_prepare_v2(im->ctx->db, gn_sb_str(&sql), -1, &q, NULL) != SQLITE_OK ||
	           sqlite3_prepare_v2(im->ctx->db, gn_sb_str(&json), -1, &im->bulk_json, NULL) != SQLITE_OK) {
		imp_db_error(im, "person");
		sqlite3_finalize(q);
		q = NULL;
	}
	gn_sb_free(&pop_today);
	gn_sb_free(&num_today);
	gn_sb_free(&pop);
	gn_sb_free(&num);
	gn_sb_free(&sql);
	gn_sb_free(&json);
	return q;
}

/* Room for the text of a batch of rows as a census has them (about 400
 * bytes a person); a longer value than fits is bound as a copy. Never
 * grown: the statement points into it. */
#define BULK_KEPT_BYTES (BULK_ROWS * 2048)

const char *imp_bulk_keep(importer *im, const char *v)
{
	if (!v)
		return NULL;
	if (!im->bulk_kept && !(im->bulk_kept = malloc(BULK_KEPT_BYTES)))
		return NULL;
	size_t n = strlen(v) + 1;
	if (n > BULK_KEPT_BYTES - im->bulk_kept_len)
		return NULL;
	char *kept = memcpy(im->bulk_kept + im->bulk_kept_len, v, n);
	im->bulk_kept_len += n;
	return kept;
}

/* Inserts the rows bound so far, summing the bits each came back with. */
bool imp_bulk_flush(importer *im)
{
	if (!im->bulk_pending)
		return true;
	/* the last batch may be short: the rows left are made NULLs, which the
	 * statement leaves out (a full batch binds every parameter again, so
	 * the statement is not cleared between batches) */
	sqlite3_stmt *q = im->bulk_ins;
	for (int k = im->bulk_pending * im->bulk_params + 1; im->bulk_pending < BULK_ROWS && k <= BULK_ROWS * im->bulk_params;
	     k++)
		sqlite3_bind_null(q, k);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		long i = imp_touch(im, (const char *)sqlite3_column_text(q, 0));
		if (i < 0)
			break;
		unsigned long long pop = (unsigned long long)sqlite3_column_int64(q, 1),
		                   num = (unsigned long long)sqlite3_column_int64(q, 2);
		long long (*sums)[64] = im->bit_sums[i];
		for (int b = 0; pop | num; b++, pop >>= 1, num >>= 1) {
			sums[0][b] += (long long)(pop & 1);
			sums[1][b] += (long long)(num & 1);
		}
		if (im->rep->problems_total == 0 &&
		    !words_add(im, (const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 3),
		               (const char *)sqlite3_column_text(q, 4), (const char *)sqlite3_column_text(q, 5))) {
			if (im->status == GN_OK) {
				im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
				im->fatal = true;
			}
			break;
		}
	}
	bool ok = rc == SQLITE_DONE;
	if (!ok && !im->fatal)
		imp_db_error(im, "person");
	sqlite3_reset(im->bulk_ins);
	im->bulk_pending = 0;
	im->bulk_kept_len = 0; /* every value kept is bound again before the next run, or made NULL */
	return ok;
}

bool imp_insert_counted(importer *im, const row_values *r, const char *answers, const char *tdp_id)
{
	if (!im->bulk_ins && !(im->bulk_ins = bulk_statement(im)))
		return false;
	int base = im->bulk_pending * im->bulk_params;
	sqlite3_stmt *q = im->bulk_ins, *j = im->bulk_json;
	char *compact = NULL;
	bool other = imp_val(r, im->ci.other_answers) != NULL;
	if (other) { /* written as it came: compact it as SQLite would */
		sqlite3_bind_text(j, 1, answers, -1, SQLITE_STATIC);
		if (sqlite3_step(j) == SQLITE_ROW && (compact = strdup((const char *)sqlite3_column_text(j, 0))) != NULL)
			for (int k = 0; k < im->n_bulk_answers; k++) /* a copy, of the same type */
				sqlite3_bind_value(q, base + BULK_PARAMS + 1 + k, sqlite3_column_value(j, 1 + k));
		sqlite3_reset(j);
		if (!compact) {
			imp_db_error(im, "person");
			return false;
		}
		answers = compact;
	}
	im->bulk_binding = true;
	imp_bind_person_at(im, q, base, r, answers, tdp_id, imp_val(r, im->ci.version), NULL);
	/* each answer as the JSON holds it: the cell, a JSON string */
	for (int k = 0; k < im->n_bulk_answers && !other; k++) {
		imp_bind_value(im, q, base + BULK_PARAMS + 1 + k, imp_val(r, im->bulk_answer_col[k]));
	}
	im->bulk_binding = false;
	sqlite3_bind_int64(q, base + BULK_PARAMS, im->row_line);
	free(compact);
	if (!imp_count_added(im, tdp_id))
		return false;
	return ++im->bulk_pending < BULK_ROWS || imp_bulk_flush(im);
}
