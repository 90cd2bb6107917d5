#include "gonha/domain/household_list.h"
#include "gonha/storage/db.h"
#include "gonha/domain/household.h"
#include "gonha/domain/review.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"
#include "gonha/text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A member "needs help" when their needs_help answer (a select_multiple,
 * stored space-separated) is not empty: word for word the condition of
 * index person_needs_help (migration 3), which both uses name, so that
 * the plan cannot change to reading every person's answers (the planner
 * took person_tdp_live and parsed a whole TDP's JSON: 17-56 ms at 2 M). */
#define NEEDS_HELP_COND "coalesce(json_extract(answers, '$.needs_help'), '') NOT IN ('', '[]')"
#define NEEDS_HELP_SQL \
	"EXISTS (SELECT 1 FROM person INDEXED BY person_needs_help WHERE tdp_id = h.tdp_id AND " \
	"household_id = h.id AND deleted = 0 AND " NEEDS_HELP_COND ")"

/* The search: every word typed must match the start of a word of the
 * same member's name, or of the address; all digits may also be the start
 * of a CCCD. Words are bound from ?10 on, the longest first: the name half
 * reads the households that have a name word starting with it, one range
 * of household_word (migration 22), the other words looked for in the
 * name of the same entry (the same member's). */
#define MAX_WORDS 6

static void query_clause(gn_strbuf *b, size_t n_words, bool digits, size_t len)
{
	gn_sb_add(b, " AND (");
	for (size_t i = 0; i < n_words; i++)
		gn_sb_printf(b, "%sinstr(' ' || h.address_key, ' ' || ?%zu) > 0", i ? " AND " : "(", 10 + i);
	gn_sb_add(b, ") OR h.id IN (SELECT hw.household_id FROM household_word hw "
	             "WHERE hw.tdp_id = ?1 AND hw.word >= ?10 AND hw.word < ?10 || char(1114111)");
	for (size_t i = 1; i < n_words; i++) /* the same member's name */
		gn_sb_printf(b, " AND instr(' ' || hw.name_key, ' ' || ?%zu) > 0", 10 + i);
	gn_sb_add(b, ")");
	/* digits: up to three are the start of a CCCD (the province of birth,
	 * shown in lists) in the range above (household_word has it); a whole
	 * CCCD by its blind index (every stored CCCD has 12 digits:
	 * gn_person_validate); any other query has no CCCD half, so that only a
	 * whole CCCD reads the rows. */
	if (digits && len == 12)
		gn_sb_add(b, " OR h.id IN (SELECT p.household_id FROM person p INDEXED BY person_search "
		             "WHERE p.tdp_id = ?1 AND p.deleted = 0 AND ?3 AND p.cccd = gn_cccd_index(?2))");
	gn_sb_add(b, ")");
}

/* The WHERE clause shared by the list, its count and positions. Binds:
 * ?1 tdp_id, ?2 folded query, ?3 query is all digits (then len: its
 * length). */
static void where_clause(gn_strbuf *b, gn_hh_filter filter, size_t n_words, bool digits, size_t len)
{
	/* the plan must not change: walking order and the visit filters from
	 * the index alone (migration 13) */
	gn_sb_add(b, " FROM household h INDEXED BY household_walk_live WHERE h.tdp_id = ?1 AND h.deleted = 0");
	switch (filter) {
	case GN_HH_NOT_VISITED: gn_sb_add(b, " AND h.visit_status = 'not_visited'"); break;
	case GN_HH_REVISIT: /* to visit again, or sent back by a review (review.h) */
		gn_sb_add(b, " AND " GN_SQL_ON_REVISIT_LIST("h", "?1"));
		break;
	case GN_HH_NEEDS_HELP:
		gn_sb_add(b, " AND h.id IN (SELECT household_id FROM person INDEXED BY person_needs_help "
		          "WHERE tdp_id = ?1 AND deleted = 0 AND " NEEDS_HELP_COND ")");
		break;
	case GN_HH_ALL: break;
	}
	if (n_words)
		query_clause(b, n_words, digits, len);
}

/* The folded query, or NULL for none; *digits says whether it is a CCCD. */
static gn_status fold_query(const char *query, char **folded, bool *digits, gn_err *err)
{
	*folded = NULL;
	*digits = false;
	if (!query || !*query)
		return GN_OK;
	if (gn_text_fold(query, folded) != GN_OK)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (!**folded) {
		free(*folded);
		*folded = NULL;
		return GN_OK;
	}
	*digits = strspn(*folded, "0123456789") == strlen(*folded);
	return GN_OK;
}

/* The words of a folded query (cut in place), at most MAX_WORDS; *first:
 * the first as typed (?2: one word for a CCCD), NULL for none. words[0]
 * is the longest, the range word ?10 (the fewest households). */
static size_t split_words(char *folded, char *words[MAX_WORDS], const char **first)
{
	size_t n = 0;
	for (char *w = folded ? strtok(folded, " ") : NULL; w && n < MAX_WORDS; w = strtok(NULL, " "))
		words[n++] = w;
	*first = n ? words[0] : NULL;
	for (size_t i = 1; i < n; i++)
		if (strlen(words[i]) > strlen(words[0])) {
			char *t = words[0];
			words[0] = words[i];
			words[i] = t;
		}
	return n;
}

/* A list's columns (gn_hh_row), read by read_rows. */
#define LIST_SELECT \
	"SELECT h.id, h.walk_order, h.house_no, h.alley, h.street, h.visit_status, " \
	"(SELECT p.full_name FROM person p WHERE p.household_id = h.id AND p.deleted = 0 " \
	" AND p.relation = 'head' ORDER BY p.position LIMIT 1), " \
	"(SELECT count(*) FROM person p WHERE p.household_id = h.id AND p.deleted = 0), " \
	NEEDS_HELP_SQL ", " \
	"CASE WHEN ?2 IS NULL THEN NULL ELSE (SELECT p.full_name FROM person p " \
	" WHERE p.household_id = h.id AND p.deleted = 0 AND p.relation IS NOT 'head' " \
	" AND instr(' ' || p.name_key, ' ' || ?2) > 0 ORDER BY p.position LIMIT 1) END, " \
	"h.visit_date, " GN_SQL_REVIEW_OF("h.id") " IS 'sent_back'"
/* a page of it: ?4 rows from ?5 */
#define LIST_TAIL " ORDER BY h.walk_order, h.id LIMIT ?4 OFFSET ?5"

static gn_status read_rows(gn_ctx *ctx, sqlite3_stmt *st, size_t limit, gn_hh_row **out, size_t *n, gn_err *err);

static gn_status prepare_list(gn_ctx *ctx, const char *select, const char *tail, const char *tdp_id,
                              gn_hh_filter filter, const char *query, sqlite3_stmt **out, gn_err *err)
{
	gn_strbuf sql = { 0 };
	char *folded = NULL;
	bool digits;
	gn_status rc;
	*out = NULL;
	if ((rc = gn_scope_require_tdp(ctx, tdp_id, err)) != GN_OK)
		return rc;
	if ((rc = fold_query(query, &folded, &digits, err)) != GN_OK)
		return rc;
	char *words[MAX_WORDS];
	const char *first;
	size_t n_words = split_words(folded, words, &first);
	gn_sb_add(&sql, select);
	where_clause(&sql, filter, n_words, digits, first ? strlen(first) : 0);
	gn_sb_add(&sql, tail);
	if (sql.failed) {
		rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	if (sqlite3_prepare_v2(ctx->db, gn_sb_str(&sql), -1, out, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "household");
		goto out;
	}
	sqlite3_bind_text(*out, 1, tdp_id, -1, SQLITE_TRANSIENT);
	if (first) /* ?2: the whole query's first word (a CCCD has no spaces) */
		sqlite3_bind_text(*out, 2, first, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(*out, 3, digits);
	for (size_t i = 0; i < n_words; i++)
		sqlite3_bind_text(*out, 10 + (int)i, words[i], -1, SQLITE_TRANSIENT);
out:
	gn_sb_free(&sql);
	free(folded);
	return rc;
}

gn_status gn_hh_search_sql(gn_hh_filter filter, const char *query, bool count, char **out)
{
	gn_strbuf sql = { 0 };
	char *folded = NULL, *words[MAX_WORDS];
	const char *first;
	bool digits;
	gn_err err = { 0 };
	*out = NULL;
	gn_status rc = fold_query(query, &folded, &digits, &err);
	if (rc != GN_OK)
		return rc;
	size_t n_words = split_words(folded, words, &first);
	gn_sb_add(&sql, count ? "SELECT count(*)" : LIST_SELECT);
	where_clause(&sql, filter, n_words, digits, first ? strlen(first) : 0);
	gn_sb_add(&sql, count ? "" : LIST_TAIL);
	if (sql.failed || !(*out = strdup(gn_sb_str(&sql))))
		rc = GN_ERR_NOMEM;
	gn_sb_free(&sql);
	free(folded);
	return rc;
}

gn_status gn_hh_list(gn_ctx *ctx, const char *tdp_id, gn_hh_filter filter, const char *query,
                     size_t offset, size_t limit, gn_hh_row **rows, size_t *n, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_hh_row *list = NULL; /* owned until handed to *rows */
	size_t len = 0;
	gn_status rc;
	*rows = NULL;
	*n = 0;
	if (limit == 0)
		return GN_OK;
	rc = prepare_list(ctx, LIST_SELECT, LIST_TAIL, tdp_id, filter, query, &st, err);
	if (rc != GN_OK)
		goto out;
	sqlite3_bind_int64(st, 4, (sqlite3_int64)limit);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)offset);
	rc = read_rows(ctx, st, limit, &list, &len, err);
	if (rc != GN_OK)
		goto out;
	*rows = list;
	*n = len;
	list = NULL;
out:
	sqlite3_finalize(st);
	free(list);
	return rc;
}

gn_status gn_hh_sheet_list(gn_ctx *ctx, const char *tdp_id, gn_hh_filter filter, const char *alley,
                           gn_hh_row **rows, size_t *n, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_hh_row *list = NULL;
	size_t len = 0;
	char *folded = NULL;
	*rows = NULL;
	*n = 0;
	if (alley && *alley && gn_text_fold(alley, &folded) != GN_OK)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	/* the alley as the list shows it, whatever the accents typed */
	gn_status rc = prepare_list(ctx, LIST_SELECT, " AND (?6 IS NULL OR gn_fold(h.alley) = ?6) ORDER BY h.walk_order, h.id",
	                            tdp_id, filter, NULL, &st, err);
	if (rc != GN_OK)
		goto out;
	if (folded)
		sqlite3_bind_text(st, 6, folded, -1, SQLITE_TRANSIENT);
	if ((rc = read_rows(ctx, st, (size_t)-1 / 2, &list, &len, err)) != GN_OK)
		goto out;
	*rows = list;
	*n = len;
	list = NULL;
out:
	sqlite3_finalize(st);
	free(list);
	free(folded);
	return rc;
}

/* The rows of a statement prepared with LIST_SELECT (limit: the most it
 * can give, for the first allocation). */
static gn_status read_rows(gn_ctx *ctx, sqlite3_stmt *st, size_t limit, gn_hh_row **out, size_t *n, gn_err *err)
{
	gn_status rc = GN_OK;
	gn_hh_row *list = NULL;
	size_t len = 0;
	*out = NULL;
	*n = 0;
	list = calloc(limit < 1024 ? limit : 1024, sizeof *list);
	size_t cap = limit < 1024 ? limit : 1024;
	if (!list) {
		rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			gn_hh_row *bigger = realloc(list, cap * 2 * sizeof *bigger);
			if (!bigger) {
				rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
				goto out;
			}
			list = bigger;
			cap *= 2;
		}
		gn_hh_row *r = &list[len++];
		memset(r, 0, sizeof *r);
		gn_db_col_copy(st, 0, r->id, sizeof r->id);
		r->walk_order = sqlite3_column_double(st, 1);
		gn_db_col_copy(st, 2, r->house_no, sizeof r->house_no);
		gn_db_col_copy(st, 3, r->alley, sizeof r->alley);
		gn_db_col_copy(st, 4, r->street, sizeof r->street);
		gn_db_col_copy(st, 5, r->visit_status, sizeof r->visit_status);
		gn_db_col_copy(st, 6, r->head_name, sizeof r->head_name);
		r->n_members = sqlite3_column_int(st, 7);
		r->needs_help = sqlite3_column_int(st, 8) != 0;
		gn_db_col_copy(st, 9, r->match_name, sizeof r->match_name);
		gn_db_col_copy(st, 10, r->visit_date, sizeof r->visit_date);
		r->sent_back = sqlite3_column_int(st, 11) != 0;
	}
	if (step != SQLITE_DONE) {
		rc = gn_db_fail(ctx->db, err, "household");
		goto out;
	}
	*out = list;
	*n = len;
	list = NULL;
out:
	free(list);
	return rc;
}

/* Without a search, the whole list and the visit filters are counted
 * already (tdp_stats, kept by triggers on household): read, not counted.
 * The SQL of the count (?1 the TDP), or NULL. */
static const char *counted_kept(gn_hh_filter filter, const char *query)
{
	char *folded = NULL;
	bool digits;
	gn_err e = { 0 };
	if (fold_query(query, &folded, &digits, &e) != GN_OK || folded) {
		free(folded);
		return NULL;
	}
	switch (filter) {
	case GN_HH_ALL: return "SELECT coalesce((SELECT listed FROM tdp_stats WHERE tdp_id = ?1), 0)";
	case GN_HH_NOT_VISITED: return "SELECT coalesce((SELECT not_visited FROM tdp_stats WHERE tdp_id = ?1), 0)";
	case GN_HH_REVISIT: return "SELECT " GN_SQL_REVISIT_COUNT("?1"); /* as on the home screen */
	case GN_HH_NEEDS_HELP: break;
	}
	return NULL;
}

gn_status gn_hh_count(gn_ctx *ctx, const char *tdp_id, gn_hh_filter filter, const char *query,
                      size_t *out, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	const char *sql = counted_kept(filter, query);
	*out = 0;
	gn_status rc;
	if (sql) {
		if ((rc = gn_scope_require_tdp(ctx, tdp_id, err)) != GN_OK)
			return rc;
		if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
			return gn_db_fail(ctx->db, err, "household");
		sqlite3_bind_text(st, 1, tdp_id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			*out = (size_t)sqlite3_column_int64(st, 0);
		else
			rc = gn_db_fail(ctx->db, err, "household");
		sqlite3_finalize(st);
		return rc;
	}
	rc = prepare_list(ctx, "SELECT count(*)", "", tdp_id, filter, query, &st, err);
	if (rc != GN_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = (size_t)sqlite3_column_int64(st, 0);
	else
		rc = gn_db_fail(ctx->db, err, "household");
	sqlite3_finalize(st);
	return rc;
}

/* walk_order of a household, and its TDP. */
static gn_status household_place(gn_ctx *ctx, const char *id, double *walk, char tdp_id[37], gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(ctx->db, "SELECT walk_order, tdp_id FROM household WHERE id = ?1 AND deleted = 0",
	                       -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "household");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*walk = sqlite3_column_double(st, 0);
		gn_db_col_copy(st, 1, tdp_id, 37);
	} else {
		rc = step == SQLITE_DONE ? gn_fail(err, GN_ERR_NOT_FOUND, _("the household no longer exists"))
		                         : gn_db_fail(ctx->db, err, "household");
	}
	sqlite3_finalize(st);
	return rc;
}

gn_status gn_hh_position(gn_ctx *ctx, const char *tdp_id, gn_hh_filter filter, const char *query,
                         const char *household_id, size_t *out, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	double walk;
	char its_tdp[37];
	gn_status rc = household_place(ctx, household_id, &walk, its_tdp, err);
	if (rc != GN_OK)
		return rc;
	if (strcmp(its_tdp, tdp_id) != 0)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("the household no longer exists"));
	/* only the households up to this one in walking order (the index's
	 * range), not the whole TDP: a TDP reopened near its top reads a few
	 * index entries, cold too (issue 13) */
	rc = prepare_list(ctx, "SELECT count(*) FILTER (WHERE h.walk_order < ?6 OR h.id < ?7), "
	                  "count(*) FILTER (WHERE h.id = ?7)", " AND h.walk_order <= ?6", tdp_id, filter, query, &st, err);
	if (rc != GN_OK)
		return rc;
	sqlite3_bind_double(st, 6, walk);
	sqlite3_bind_text(st, 7, household_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = gn_db_fail(ctx->db, err, "household");
	else if (sqlite3_column_int(st, 1) == 0)
		rc = gn_fail(err, GN_ERR_NOT_FOUND, _("the household is not in this list"));
	else
		*out = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc;
}

gn_status gn_hh_next(gn_ctx *ctx, const char *tdp_id, const char *household_id, char out_id[37],
                     gn_err *err)
{
	sqlite3_stmt *st = NULL;
	double walk = -1e300;
	char its_tdp[37];
	gn_status rc;
	out_id[0] = '\0';
	if ((rc = gn_scope_require_tdp(ctx, tdp_id, err)) != GN_OK)
		return rc;
	if (household_id && *household_id &&
	    (rc = household_place(ctx, household_id, &walk, its_tdp, err)) != GN_OK)
		return rc;
	if (sqlite3_prepare_v2(ctx->db,
	                       "SELECT id FROM household WHERE tdp_id = ?1 AND deleted = 0 AND "
	                       "(walk_order > ?2 OR (walk_order = ?2 AND id > ?3)) ORDER BY walk_order, id LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "household");
	sqlite3_bind_text(st, 1, tdp_id, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, walk);
	sqlite3_bind_text(st, 3, household_id ? household_id : "", -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		gn_db_col_copy(st, 0, out_id, 37);
	else if (step != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "household");
	sqlite3_finalize(st);
	return rc;
}

static gn_status set_walk(gn_ctx *ctx, const char *id, const char *tdp_id, double from, double to,
                          const char *now, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(ctx->db, "UPDATE household SET walk_order = ?2, rev = rev + 1, updated_at = ?3, "
	                       "updated_by = ?4 WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "household");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, to);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ctx->user.login, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "household");
	sqlite3_finalize(st);
	if (rc == GN_OK) {
		char changes[128];
		snprintf(changes, sizeof changes, "{\"walk_order\":[%.17g,%.17g]}", from, to);
		rc = gn_audit(ctx, "move", "household", id, tdp_id, changes, err);
	}
	return rc;
}

gn_status gn_hh_move(gn_ctx *ctx, const char *household_id, int delta, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	double walk, other_walk = 0;
	char tdp_id[37], other[37] = "", now[32];
	gn_status rc = household_place(ctx, household_id, &walk, tdp_id, err);
	if (rc != GN_OK)
		return rc;
	if ((rc = gn_scope_require_tdp(ctx, tdp_id, err)) != GN_OK)
		return rc;
	const char *sql = delta < 0
		? "SELECT id, walk_order FROM household WHERE tdp_id = ?1 AND deleted = 0 AND "
		  "(walk_order < ?2 OR (walk_order = ?2 AND id < ?3)) ORDER BY walk_order DESC, id DESC LIMIT 1"
		: "SELECT id, walk_order FROM household WHERE tdp_id = ?1 AND deleted = 0 AND "
		  "(walk_order > ?2 OR (walk_order = ?2 AND id > ?3)) ORDER BY walk_order, id LIMIT 1";
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "household");
	sqlite3_bind_text(st, 1, tdp_id, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, walk);
	sqlite3_bind_text(st, 3, household_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		gn_db_col_copy(st, 0, other, sizeof other);
		other_walk = sqlite3_column_double(st, 1);
	} else if (step != SQLITE_DONE) {
		rc = gn_db_fail(ctx->db, err, "household");
	}
	sqlite3_finalize(st);
	if (rc != GN_OK)
		return rc;
	if (!other[0])
		return gn_fail(err, GN_ERR_NOT_FOUND, delta < 0 ? _("this household is already first in the walk")
		                                                : _("this household is already last in the walk"));
	/* Two households with the same walk_order (merged from two PCs) get
	 * distinct places, so the swap changes something. */
	if (other_walk == walk)
		other_walk = delta < 0 ? walk - 0.5 : walk + 0.5;
	gn_now_iso(now);
	if ((rc = gn_db_begin(ctx->db, err)) != GN_OK)
		return rc;
	rc = set_walk(ctx, household_id, tdp_id, walk, other_walk, now, err);
	if (rc == GN_OK)
		rc = set_walk(ctx, other, tdp_id, other_walk, walk, now, err);
	if (rc == GN_OK)
		rc = gn_db_commit(ctx->db, err);
	else
		gn_db_rollback(ctx->db);
	return rc;
}

/* The first household's place in the walk after (walk, id) (or the very
 * first when after is NULL), skip_id left out; *found false at the end. */
static gn_status next_place(gn_ctx *ctx, const char *tdp_id, const double *after, const char *after_id,
                            const char *skip_id, double *out, bool *found, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	*found = false;
	if (sqlite3_prepare_v2(ctx->db,
	                       "SELECT walk_order FROM household WHERE tdp_id = ?1 AND deleted = 0 AND id <> ?4 AND "
	                       "(?2 IS NULL OR walk_order > ?2 OR (walk_order = ?2 AND id > ?3)) "
	                       "ORDER BY walk_order, id LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "household");
	sqlite3_bind_text(st, 1, tdp_id, -1, SQLITE_STATIC);
	if (after)
		sqlite3_bind_double(st, 2, *after);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, after_id ? after_id : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, skip_id ? skip_id : "", -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*out = sqlite3_column_double(st, 0);
		*found = true;
	} else if (step != SQLITE_DONE) {
		rc = gn_db_fail(ctx->db, err, "household");
	}
	sqlite3_finalize(st);
	return rc;
}

gn_status gn_hh_walk_after(gn_ctx *ctx, const char *tdp_id, const char *after_id, const char *skip_id, double *out,
                           gn_err *err)
{
	gn_status rc = gn_scope_require_tdp(ctx, tdp_id, err);
	if (rc != GN_OK)
		return rc;
	double walk = 0, next = 0;
	bool found = false;
	bool first = !after_id || !*after_id;
	if (!first) {
		char its_tdp[37];
		if ((rc = household_place(ctx, after_id, &walk, its_tdp, err)) != GN_OK)
			return rc;
		if (strcmp(its_tdp, tdp_id) != 0)
			return gn_fail(err, GN_ERR_INVALID, "%s", _("that household is in another TDP"));
	}
	if ((rc = next_place(ctx, tdp_id, first ? NULL : &walk, after_id, skip_id, &next, &found, err)) != GN_OK)
		return rc;
	if (!found) {
		*out = first ? 1 : walk + 1; /* the end of the walk (or an empty one) */
		return GN_OK;
	}
	if (first) {
		*out = next > 0 ? next / 2 : next - 1;
		return GN_OK;
	}
	double mid = walk + (next - walk) / 2;
	if (!(mid > walk && mid < next))
		return gn_fail(err, GN_ERR_CONFLICT, "%s",
		               _("two households stand at one place in the walk: move one of them with - or + first"));
	*out = mid;
	return GN_OK;
}

gn_status gn_hh_move_after(gn_ctx *ctx, const char *household_id, const char *after_id, gn_err *err)
{
	double walk, to;
	char tdp_id[37], now[32];
	gn_status rc = household_place(ctx, household_id, &walk, tdp_id, err);
	if (rc != GN_OK)
		return rc;
	if (after_id && strcmp(after_id, household_id) == 0)
		return GN_OK; /* after itself: where it is */
	if ((rc = gn_hh_walk_after(ctx, tdp_id, after_id, household_id, &to, err)) != GN_OK)
		return rc;
	gn_now_iso(now);
	if ((rc = gn_db_begin(ctx->db, err)) != GN_OK)
		return rc;
	rc = set_walk(ctx, household_id, tdp_id, walk, to, now, err);
	if (rc == GN_OK)
		return gn_db_commit(ctx->db, err);
	gn_db_rollback(ctx->db);
	return rc;
}

gn_status gn_hh_move_next_to(gn_ctx *ctx, const char *household_id, const char *other_id, bool before,
                             gn_err *err)
{
	if (!before)
		return gn_hh_move_after(ctx, household_id, other_id, err);
	double walk;
	char tdp_id[37], prev[37] = "";
	gn_status rc = household_place(ctx, other_id, &walk, tdp_id, err);
	if (rc != GN_OK)
		return rc;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(ctx->db,
	                       "SELECT id FROM household WHERE tdp_id = ?1 AND deleted = 0 AND id <> ?4 AND "
	                       "(walk_order < ?2 OR (walk_order = ?2 AND id < ?3)) ORDER BY walk_order DESC, id DESC LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "household");
	sqlite3_bind_text(st, 1, tdp_id, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, walk);
	sqlite3_bind_text(st, 3, other_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, household_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		gn_db_col_copy(st, 0, prev, sizeof prev);
	else if (step != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "household");
	sqlite3_finalize(st);
	if (rc != GN_OK)
		return rc;
	return gn_hh_move_after(ctx, household_id, prev[0] ? prev : NULL, err); /* none before: first */
}

gn_status gn_tdp_person_count(gn_ctx *ctx, const char *tdp_id, long *out, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	*out = 0;
	gn_status rc = gn_scope_require_tdp(ctx, tdp_id, err);
	if (rc != GN_OK)
		return rc;
	if (sqlite3_prepare_v2(ctx->db, "SELECT count(*) FROM person WHERE tdp_id = ?1 AND deleted = 0",
	                       -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "person");
	sqlite3_bind_text(st, 1, tdp_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		rc = gn_db_fail(ctx->db, err, "person");
	sqlite3_finalize(st);
	return rc;
}
