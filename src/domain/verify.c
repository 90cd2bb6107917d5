/* The verification pass: sample, shadow records, comparison, resolution,
 * error rates (include/gonha/domain/verify.h). The shadow records live in
 * verify_item and verify_field only: nothing that counts, exports, merges
 * or lists the census reads those tables. */
#include "gonha/domain/verify.h"
#include "gonha/domain/draft.h"
#include "gonha/domain/household_conflict.h"
#include "gonha/domain/answers.h"
#include "gonha/domain/ward.h"
#include "gonha/storage/db.h"
#include "gonha/storage/vault.h"
#include "gonha/text/text.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

/* Steps st to its end (and finalises it), each row read by `read` into a
 * new zeroed element of elem bytes: *rows (malloc'd), *n of them; on an
 * error none (what was read freed by drop, NULL: free). */
typedef void (*row_fn)(sqlite3 *db, sqlite3_stmt *st, void *row, const void *arg);
typedef void (*rows_free_fn)(void *rows, size_t n);

static gn_status collect(sqlite3 *db, sqlite3_stmt *st, size_t elem, row_fn read, const void *arg,
                         rows_free_fn drop, void **rows, size_t *n, const char *what, gn_err *err)
{
	char *all = NULL;
	size_t len = 0;
	gn_status rc = GN_OK;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		char *more = realloc(all, (len + 1) * elem);
		if (!more) {
			rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			break;
		}
		all = more;
		memset(all + len * elem, 0, elem);
		read(db, st, all + len * elem, arg);
		len++;
	}
	if (rc == GN_OK && step != SQLITE_DONE)
		rc = gn_db_fail(db, err, what);
	sqlite3_finalize(st);
	if (rc != GN_OK) {
		if (drop)
			drop(all, len);
		else
			free(all);
		all = NULL;
		len = 0;
	}
	*rows = all;
	*n = len;
	return rc;
}

/* ---- the draw ------------------------------------------------------------ */

/* splitmix64 of the seed mixed with the household's id (FNV-1a): each
 * household's place in the draw depends on the seed and itself only, so a
 * draw repeats whatever order the rows come in. */
static uint64_t draw_key(uint64_t seed, const char *id)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	uint64_t z = seed ^ h;
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

typedef struct candidate {
	char id[37];
	char op[64];
	uint64_t key;
} candidate;

static int by_key(const void *a, const void *b)
{
	const candidate *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int by_operator_key(const void *a, const void *b)
{
	const candidate *x = a, *y = b;
	int c = strcmp(x->op, y->op);
	return c ? c : by_key(a, b);
}

static void read_candidate(sqlite3 *db, sqlite3_stmt *st, void *row, const void *arg)
{
	(void)db;
	candidate *c = row;
	gn_db_col_copy(st, 0, c->id, sizeof c->id);
	gn_db_col_copy(st, 1, c->op, sizeof c->op);
	c->key = draw_key(*(const uint64_t *)arg, c->id);
}

static gn_status read_candidates(gn_ctx *ctx, const char *tdp_id, uint64_t seed, candidate **out, size_t *n,
                                 gn_err *err)
{
	sqlite3_stmt *st = NULL;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(ctx->db,
	                       "SELECT id, entered_by FROM household WHERE tdp_id = ?1 AND deleted = 0 "
	                       "AND visit_status <> 'not_visited' AND coalesce(entered_by, '') <> ''",
	                       -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "household");
	sqlite3_bind_text(st, 1, tdp_id, -1, SQLITE_STATIC);
	void *rows = NULL;
	gn_status rc = collect(ctx->db, st, sizeof **out, read_candidate, &seed, NULL, &rows, n,
	                       "household", err);
	*out = rows;
	return rc;
}

uint64_t gn_verify_new_seed(void)
{
	uint64_t seed = 0;
	if (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed)
		seed = (uint64_t)time(NULL);
	return seed & INT64_MAX; /* kept as an SQLite integer */
}

gn_status gn_verify_draw(gn_ctx *ctx, const char *tdp_id, const gn_verify_rule *rule, char (**ids)[37], size_t *n,
                         gn_err *err)
{
	*ids = NULL;
	*n = 0;
	if ((rule->percent != 0) == (rule->count != 0))
		return gn_fail_field(err, GN_ERR_INVALID, "rule", "%s",
		                     _("give either a percentage of each operator's households or a number of households"));
	if (rule->percent < 0 || rule->percent > 100)
		return gn_fail_field(err, GN_ERR_INVALID, "percent", _("the percentage must be from 1 to 100, not %d"),
		                     rule->percent);
	if (rule->seed > INT64_MAX)
		return gn_fail_field(err, GN_ERR_INVALID, "seed", "%s", _("the seed must be a whole number from 0 to 9223372036854775807"));
	if (rule->count < 0)
		return gn_fail_field(err, GN_ERR_INVALID, "count", _("the number of households must be at least 1, not %d"),
		                     rule->count);
	gn_status rc = gn_scope_require_tdp(ctx, tdp_id, err);
	if (rc != GN_OK)
		return rc;
	candidate *c = NULL;
	size_t len = 0;
	if ((rc = read_candidates(ctx, tdp_id, rule->seed, &c, &len, err)) != GN_OK)
		return rc;
	if (len == 0) {
		free(c);
		return gn_fail(err, GN_ERR_INVALID, "%s", _("this TDP has no household entered yet: nothing to verify"));
	}
	if (rule->count && (size_t)rule->count > len) {
		free(c);
		return gn_fail_field(err, GN_ERR_INVALID, "count",
		                     ngettext("a sample of %d households is larger than the TDP: it has %zu household "
		                              "entered; nothing was drawn",
		                              "a sample of %d households is larger than the TDP: it has %zu households "
		                              "entered; nothing was drawn",
		                              len),
		                     rule->count, len);
	}
	size_t take = 0;
	if (rule->count) {
		qsort(c, len, sizeof *c, by_key);
		take = (size_t)rule->count;
	} else {
		/* each operator's first ceil(percent %) in the draw's order, kept at the front */
		qsort(c, len, sizeof *c, by_operator_key);
		for (size_t i = 0; i < len;) {
			size_t j = i;
			while (j < len && strcmp(c[j].op, c[i].op) == 0)
				j++;
			size_t k = ((j - i) * (size_t)rule->percent + 99) / 100;
			memmove(&c[take], &c[i], k * sizeof *c);
			take += k;
			i = j;
		}
		qsort(c, take, sizeof *c, by_key);
	}
	char(*list)[37] = malloc((take ? take : 1) * sizeof *list);
	if (!list) {
		free(c);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	for (size_t i = 0; i < take; i++)
		memcpy(list[i], c[i].id, sizeof list[i]);
	free(c);
	*ids = list;
	*n = take;
	return GN_OK;
}

/* Who may draw a sample and resolve differences: a ward officer, or a
 * TDP leader of the TDP. */
static gn_status require_supervisor(gn_ctx *ctx, const char *tdp_id, gn_err *err)
{
	if (ctx->user.role != GN_ROLE_WARD_OFFICER && ctx->user.role != GN_ROLE_TDP_LEADER)
		return gn_fail(err, GN_ERR_DENIED, "%s",
		               _("only the ward officer or a TDP leader may draw a verification sample or resolve "
		                 "its differences"));
	return gn_scope_require_tdp(ctx, tdp_id, err);
}

gn_status gn_verify_sample(gn_ctx *ctx, const char *tdp_code, const gn_verify_rule *rule, char pass_id[37],
                           size_t *drawn, gn_err *err)
{
	gn_tdp tdp;
	char(*ids)[37] = NULL;
	size_t n = 0;
	sqlite3_stmt *ins = NULL;
	char now[32], changes[256];
	*drawn = 0;
	gn_status rc = gn_tdp_find(ctx, tdp_code, &tdp, err);
	if (rc == GN_OK)
		rc = require_supervisor(ctx, tdp.id, err);
	if (rc == GN_OK)
		rc = gn_verify_draw(ctx, tdp.id, rule, &ids, &n, err);
	if (rc != GN_OK)
		return rc;
	gn_uuid_new(pass_id);
	gn_now_iso(now);
	if ((rc = gn_db_begin(ctx->db, err)) != GN_OK)
		goto out;
	if (sqlite3_prepare_v2(ctx->db,
	                       "INSERT INTO verify_pass(id, tdp_id, seed, percent, count, created_at, created_by) "
	                       "VALUES (?1, ?2, ?3, nullif(?4, 0), nullif(?5, 0), ?6, ?7)",
	                       -1, &ins, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "verify_pass");
		goto rollback;
	}
	sqlite3_bind_text(ins, 1, pass_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, tdp.id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 3, (sqlite3_int64)rule->seed);
	sqlite3_bind_int(ins, 4, rule->percent);
	sqlite3_bind_int(ins, 5, rule->count);
	sqlite3_bind_text(ins, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 7, ctx->user.login, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		rc = gn_db_fail(ctx->db, err, "verify_pass");
		goto rollback;
	}
	sqlite3_finalize(ins);
	if (sqlite3_prepare_v2(ctx->db,
	                       "INSERT INTO verify_item(pass_id, household_id, operator, updated_at) "
	                       "SELECT ?1, id, entered_by, ?3 FROM household WHERE id = ?2",
	                       -1, &ins, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "verify_item");
		goto rollback;
	}
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, pass_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, ids[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, now, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = gn_db_fail(ctx->db, err, "verify_item");
			goto rollback;
		}
	}
	snprintf(changes, sizeof changes,
	         "{\"seed\":[null,\"%" PRIu64 "\"],\"percent\":[null,%d],\"count\":[null,%d],\"households\":[null,%zu]}",
	         rule->seed, rule->percent, rule->count, n);
	if ((rc = gn_audit(ctx, "verify_sample", "verify_pass", pass_id, tdp.id, changes, err)) != GN_OK)
		goto rollback;
	if ((rc = gn_db_commit(ctx->db, err)) != GN_OK)
		goto rollback;
	*drawn = n;
	goto out;
rollback:
	gn_db_rollback(ctx->db);
out:
	sqlite3_finalize(ins);
	free(ids);
	return rc;
}

/* ---- the items ------------------------------------------------------------ */

#define ITEM_COLUMNS \
	"i.pass_id, i.household_id, p.tdp_id, t.code, i.operator, coalesce(i.verifier, ''), i.state, " \
	"trim(h.house_no || ' ' || h.alley || ' ' || h.street), " \
	"(SELECT count(*) FROM verify_field f WHERE f.pass_id = i.pass_id AND f.household_id = i.household_id), " \
	"(SELECT count(*) FROM verify_field f WHERE f.pass_id = i.pass_id AND f.household_id = i.household_id " \
	"AND f.differs), " \
	"(SELECT count(*) FROM verify_field f WHERE f.pass_id = i.pass_id AND f.household_id = i.household_id " \
	"AND f.differs AND f.resolution IS NULL) "
#define ITEM_FROM \
	"FROM verify_item i JOIN verify_pass p ON p.id = i.pass_id JOIN tdp t ON t.id = p.tdp_id " \
	"JOIN household h ON h.id = i.household_id "
#define IN_SCOPE "(?2 OR p.tdp_id IN (SELECT tdp_id FROM user_tdp WHERE user_id = ?3))"

static void read_item(sqlite3_stmt *st, gn_verify_item *it)
{
	memset(it, 0, sizeof *it);
	gn_db_col_copy(st, 0, it->pass_id, sizeof it->pass_id);
	gn_db_col_copy(st, 1, it->household_id, sizeof it->household_id);
	gn_db_col_copy(st, 2, it->tdp_id, sizeof it->tdp_id);
	gn_db_col_copy(st, 3, it->tdp_code, sizeof it->tdp_code);
	gn_db_col_copy(st, 4, it->operator_login, sizeof it->operator_login);
	gn_db_col_copy(st, 5, it->verifier, sizeof it->verifier);
	gn_db_col_copy(st, 6, it->state, sizeof it->state);
	gn_db_col_copy(st, 7, it->address, sizeof it->address);
	it->compared = sqlite3_column_int64(st, 8);
	it->differences = sqlite3_column_int64(st, 9);
	it->open = sqlite3_column_int64(st, 10);
}

static void bind_scope(gn_ctx *ctx, sqlite3_stmt *st)
{
	sqlite3_bind_int(st, 2, gn_scope_all(ctx));
	sqlite3_bind_text(st, 3, ctx->user.id, -1, SQLITE_STATIC);
}

static void read_item_row(sqlite3 *db, sqlite3_stmt *st, void *row, const void *arg)
{
	(void)db;
	(void)arg;
	read_item(st, row);
}

gn_status gn_verify_items(gn_ctx *ctx, const char *pass_id, gn_verify_item **out, size_t *n, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(ctx->db,
	                       "SELECT " ITEM_COLUMNS ITEM_FROM "WHERE (?1 IS NULL OR i.pass_id = ?1) AND " IN_SCOPE
	                       " ORDER BY t.sort_order, p.created_at, h.walk_order, h.id",
	                       -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "verify_item");
	sqlite3_bind_text(st, 1, pass_id, -1, SQLITE_STATIC);
	bind_scope(ctx, st);
	void *rows = NULL;
	gn_status rc = collect(ctx->db, st, sizeof **out, read_item_row, NULL, NULL, &rows, n,
	                       "verify_item", err);
	*out = rows;
	return rc;
}

/* One item with its shadow as stored (malloc'd, NULL for none). */
static gn_status load_item(gn_ctx *ctx, const char *pass_id, const char *household_id, gn_verify_item *it,
                           char **shadow, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (shadow)
		*shadow = NULL;
	if (sqlite3_prepare_v2(ctx->db,
	                       "SELECT " ITEM_COLUMNS ", i.shadow " ITEM_FROM
	                       "WHERE i.pass_id = ?1 AND i.household_id = ?4",
	                       -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "verify_item");
	sqlite3_bind_text(st, 1, pass_id, -1, SQLITE_STATIC);
	bind_scope(ctx, st);
	sqlite3_bind_text(st, 4, household_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		read_item(st, it);
		if (shadow)
			*shadow = gn_db_col_dup(st, 11);
	} else if (step == SQLITE_DONE) {
		rc = gn_fail(err, GN_ERR_NOT_FOUND, "%s", _("this household is not in a verification sample"));
	} else {
		rc = gn_db_fail(ctx->db, err, "verify_item");
	}
	sqlite3_finalize(st);
	if (rc == GN_OK)
		rc = gn_scope_require_tdp(ctx, it->tdp_id, err);
	if (rc != GN_OK && shadow) {
		free(*shadow);
		*shadow = NULL;
	}
	return rc;
}

/* The second keying is never the first's: refused to its operator, and
 * to anybody while another person is re-keying it. */
static gn_status require_verifier(gn_ctx *ctx, const gn_verify_item *it, gn_err *err)
{
	if (strcmp(it->operator_login, ctx->user.login) == 0)
		return gn_fail(err, GN_ERR_DENIED, "%s",
		               _("you entered this household yourself: somebody else must key it again to verify it"));
	if (it->verifier[0] && strcmp(it->verifier, ctx->user.login) != 0)
		return gn_fail(err, GN_ERR_DENIED, _("%s is already keying this household again"), it->verifier);
	if (strcmp(it->state, GN_VERIFY_DONE) == 0)
		return gn_fail(err, GN_ERR_INVALID, "%s", _("this household has been keyed again already"));
	return GN_OK;
}

gn_status gn_verify_begin(gn_ctx *ctx, const char *pass_id, const char *household_id, gn_household *shadow,
                          gn_err *err)
{
	gn_verify_item it;
	char *stored = NULL, *json = NULL;
	memset(shadow, 0, sizeof *shadow);
	gn_status rc = load_item(ctx, pass_id, household_id, &it, &stored, err);
	if (rc == GN_OK)
		rc = require_verifier(ctx, &it, err);
	if (rc == GN_OK && stored)
		rc = gn_draft_open(ctx->db, stored, &json, err);
	if (rc == GN_OK && json) {
		rc = gn_household_from_json(ctx->db, json, shadow, err);
	} else if (rc == GN_OK) {
		/* blind: nothing of the first keying but its TDP */
		snprintf(shadow->tdp_id, sizeof shadow->tdp_id, "%s", it.tdp_id);
		snprintf(shadow->visit_status, sizeof shadow->visit_status, "%s", GN_VISIT_NOT_VISITED);
	}
	free(stored);
	free(json);
	return rc;
}

/* Writes the shadow (and the state) of an item. */
static gn_status store_shadow(gn_ctx *ctx, const char *pass_id, const char *household_id, const gn_household *shadow,
                              const char *state, gn_err *err)
{
	char *json = NULL, *sealed = NULL, now[32];
	sqlite3_stmt *st = NULL;
	gn_status rc = gn_household_to_json(shadow, &json, err);
	if (rc == GN_OK)
		rc = gn_draft_seal(ctx->db, json, &sealed, err);
	if (rc != GN_OK)
		goto out;
	gn_now_iso(now);
	if (sqlite3_prepare_v2(ctx->db,
	                       "UPDATE verify_item SET shadow = ?3, state = ?4, verifier = ?5, updated_at = ?6 "
	                       "WHERE pass_id = ?1 AND household_id = ?2",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "verify_item");
		goto out;
	}
	sqlite3_bind_text(st, 1, pass_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, household_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sealed, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ctx->user.login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "verify_item");
out:
	sqlite3_finalize(st);
	free(json);
	free(sealed);
	return rc;
}

gn_status gn_verify_keep(gn_ctx *ctx, const char *pass_id, const char *household_id, const gn_household *shadow,
                         gn_err *err)
{
	gn_verify_item it;
	gn_status rc = load_item(ctx, pass_id, household_id, &it, NULL, err);
	if (rc == GN_OK)
		rc = require_verifier(ctx, &it, err);
	if (rc == GN_OK)
		rc = store_shadow(ctx, pass_id, household_id, shadow, GN_VERIFY_STARTED, err);
	return rc;
}

/* ---- the comparison ------------------------------------------------------- */

typedef struct compare_ctx {
	gn_ctx *ctx;
	sqlite3_stmt *ins;
	const char *pass_id, *household_id;
	int member;
	const char *who;
	size_t differences;
	gn_verify_asked_fn asked; /* NULL: every field */
	const void *asked_arg;
} compare_ctx;

/* A CCCD is kept sealed, as in the drafts. */
static bool secret_field(const char *field)
{
	return strcmp(field, "cccd") == 0;
}

static gn_status add_field(compare_ctx *c, const char *field, const char *kind, const char *first,
                           const char *second, gn_err *err)
{
	if ((!first || !*first) && (!second || !*second))
		return GN_OK; /* answered in neither: not compared */
	if (c->asked && !c->asked(c->asked_arg, field))
		return GN_OK; /* the TDP's form does not ask it: not keyed again */
	bool differs = !gn_text_same_keyed(first, second);
	char *sf = NULL, *ss = NULL;
	gn_status rc = GN_OK;
	if (secret_field(field)) {
		if (first && (rc = gn_draft_seal(c->ctx->db, first, &sf, err)) != GN_OK)
			return rc;
		if (second && (rc = gn_draft_seal(c->ctx->db, second, &ss, err)) != GN_OK) {
			free(sf);
			return rc;
		}
	}
	sqlite3_stmt *st = c->ins;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, c->pass_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->household_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, c->member);
	sqlite3_bind_text(st, 4, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, c->who, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, sf ? sf : first, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, ss ? ss : second, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, differs);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = gn_db_fail(c->ctx->db, err, "verify_field");
	free(sf);
	free(ss);
	if (rc == GN_OK && differs)
		c->differences++;
	return rc;
}

static gn_status compare_answer(void *arg, const char *key, const char *json[3], const char *text[3], gn_err *err)
{
	const char *j = json[0] ? json[0] : json[1];
	return add_field(arg, key, j && j[0] != '"' ? "number" : "text", text[0], text[1], err);
}

static gn_status compare_columns(compare_ctx *c, const char *const *fields, const gn_household *h1,
                                 const gn_household *h2, const gn_person *p1, const gn_person *p2, gn_err *err)
{
	gn_status rc = GN_OK;
	for (size_t i = 0; fields[i] && rc == GN_OK; i++) {
		if (gn_household_field_quiet(fields[i]))
			continue;
		char *a = h1 ? gn_household_column(h1, fields[i]) : gn_person_column(p1, fields[i]);
		char *b = h2 ? gn_household_column(h2, fields[i]) : gn_person_column(p2, fields[i]);
		rc = add_field(c, fields[i], "column", a, b, err);
		free(a);
		free(b);
	}
	return rc;
}

static gn_status compare(compare_ctx *c, const gn_household *first, const gn_household *second, gn_err *err)
{
	c->member = -1;
	c->who = NULL;
	gn_status rc = compare_columns(c, gn_household_columns, first, second, NULL, NULL, err);
	if (rc == GN_OK)
		rc = gn_answers_each3(c->ctx->db, first->answers, second->answers, NULL, compare_answer, c, err);
	if (rc == GN_OK && first->n_members != second->n_members) {
		char a[24], b[24];
		snprintf(a, sizeof a, "%zu", first->n_members);
		snprintf(b, sizeof b, "%zu", second->n_members);
		rc = add_field(c, "members", "column", a, b, err);
	}
	size_t n = first->n_members < second->n_members ? first->n_members : second->n_members;
	for (size_t i = 0; i < n && rc == GN_OK; i++) {
		const gn_person *p1 = &first->members[i], *p2 = &second->members[i];
		c->member = (int)i;
		c->who = p1->full_name;
		rc = compare_columns(c, gn_person_columns, NULL, NULL, p1, p2, err);
		if (rc == GN_OK)
			rc = gn_answers_each3(c->ctx->db, p1->answers, p2->answers, NULL, compare_answer, c, err);
	}
	return rc;
}

gn_status gn_verify_finish(gn_ctx *ctx, const char *pass_id, const char *household_id, const gn_household *shadow,
                           size_t *differences, gn_err *err)
{
	return gn_verify_finish_asked(ctx, pass_id, household_id, shadow, NULL, NULL, differences, err);
}

gn_status gn_verify_finish_asked(gn_ctx *ctx, const char *pass_id, const char *household_id,
                                 const gn_household *shadow, gn_verify_asked_fn asked, const void *arg,
                                 size_t *differences, gn_err *err)
{
	gn_verify_item it;
	gn_household first = { 0 };
	compare_ctx c = { .ctx = ctx, .pass_id = pass_id, .household_id = household_id, .asked = asked, .asked_arg = arg };
	char changes[128];
	*differences = 0;
	gn_status rc = load_item(ctx, pass_id, household_id, &it, NULL, err);
	if (rc == GN_OK)
		rc = require_verifier(ctx, &it, err);
	if (rc == GN_OK)
		rc = gn_household_validate(shadow, gn_this_year(), err);
	if (rc != GN_OK)
		return rc;
	if ((rc = gn_db_begin(ctx->db, err)) != GN_OK)
		return rc;
	if ((rc = gn_household_load(ctx, household_id, &first, err)) != GN_OK)
		goto rollback;
	if (sqlite3_prepare_v2(ctx->db,
	                       "INSERT INTO verify_field(pass_id, household_id, member, field, kind, who, first, second, "
	                       "differs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	                       -1, &c.ins, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "verify_field");
		goto rollback;
	}
	if ((rc = compare(&c, &first, shadow, err)) != GN_OK)
		goto rollback;
	if ((rc = store_shadow(ctx, pass_id, household_id, shadow, GN_VERIFY_DONE, err)) != GN_OK)
		goto rollback;
	snprintf(changes, sizeof changes, "{\"differences\":[null,%zu]}", c.differences);
	if ((rc = gn_audit(ctx, "verify_rekey", "verify_item", household_id, it.tdp_id, changes, err)) != GN_OK)
		goto rollback;
	if ((rc = gn_db_commit(ctx->db, err)) != GN_OK)
		goto rollback;
	*differences = c.differences;
	goto out;
rollback:
	gn_db_rollback(ctx->db);
out:
	sqlite3_finalize(c.ins);
	gn_household_free(&first);
	return rc;
}

gn_status gn_verify_seal_all(sqlite3 *db, gn_err *err)
{
	static const char *const item[] = { "pass_id", "household_id" }, *const field[] = { "id" };
	static const char *const values[] = { "first", "second", "value" };
	gn_status rc = gn_draft_seal_rows(db, "verify_item", item, 2, "shadow", NULL, err);
	for (size_t i = 0; i < 3 && rc == GN_OK; i++)
		rc = gn_draft_seal_rows(db, "verify_field", field, 1, values[i], "field = 'cccd'", err);
	return rc;
}

/* ---- the differences ------------------------------------------------------ */

static char *open_value(sqlite3 *db, const char *field, sqlite3_stmt *st, int col)
{
	char *v = gn_db_col_dup(st, col), *plain = NULL;
	if (!v || !secret_field(field))
		return v;
	if (gn_draft_open(db, v, &plain, NULL) != GN_OK)
		plain = strdup("…");
	free(v);
	return plain;
}

#define DIFF_COLUMNS \
	"f.id, f.pass_id, f.household_id, f.member, coalesce(f.who, ''), f.field, f.first, f.second, " \
	"coalesce(f.resolution, ''), f.value, coalesce(f.resolved_by, ''), f.kind, p.tdp_id "
#define DIFF_FROM "FROM verify_field f JOIN verify_pass p ON p.id = f.pass_id "

static void read_diff(sqlite3 *db, sqlite3_stmt *st, gn_verify_diff *d)
{
	memset(d, 0, sizeof *d);
	d->id = (long)sqlite3_column_int64(st, 0);
	gn_db_col_copy(st, 1, d->pass_id, sizeof d->pass_id);
	gn_db_col_copy(st, 2, d->household_id, sizeof d->household_id);
	d->member = sqlite3_column_int(st, 3);
	gn_db_col_copy(st, 4, d->who, sizeof d->who);
	gn_db_col_copy(st, 5, d->field, sizeof d->field);
	d->first = open_value(db, d->field, st, 6);
	d->second = open_value(db, d->field, st, 7);
	gn_db_col_copy(st, 8, d->resolution, sizeof d->resolution);
	d->value = open_value(db, d->field, st, 9);
	gn_db_col_copy(st, 10, d->resolved_by, sizeof d->resolved_by);
	gn_db_col_copy(st, 12, d->tdp_id, sizeof d->tdp_id);
}

static void diffs_drop(void *rows, size_t n)
{
	gn_verify_diffs_free(rows, n);
}

static void read_diff_row(sqlite3 *db, sqlite3_stmt *st, void *row, const void *arg)
{
	(void)arg;
	read_diff(db, st, row);
}

gn_status gn_verify_diffs(gn_ctx *ctx, const char *pass_id, const char *household_id, bool open_only,
                          gn_verify_diff **out, size_t *n, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(ctx->db,
	                       "SELECT " DIFF_COLUMNS DIFF_FROM "JOIN household h ON h.id = f.household_id "
	                       "JOIN tdp t ON t.id = p.tdp_id WHERE f.differs AND (?1 IS NULL OR f.pass_id = ?1) AND "
	                       "(?4 IS NULL OR f.household_id = ?4) AND (NOT ?5 OR f.resolution IS NULL) AND " IN_SCOPE
	                       " ORDER BY t.sort_order, h.walk_order, f.household_id, f.member, f.id",
	                       -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "verify_field");
	sqlite3_bind_text(st, 1, pass_id, -1, SQLITE_STATIC);
	bind_scope(ctx, st);
	sqlite3_bind_text(st, 4, household_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, open_only);
	void *rows = NULL;
	gn_status rc = collect(ctx->db, st, sizeof **out, read_diff_row, NULL, diffs_drop, &rows, n,
	                       "verify_field", err);
	*out = rows;
	return rc;
}

void gn_verify_diffs_free(gn_verify_diff *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(d[i].first);
		free(d[i].second);
		free(d[i].value);
	}
	free(d);
}

static bool is_column(const char *const *fields, const char *name)
{
	for (size_t i = 0; fields[i]; i++)
		if (strcmp(fields[i], name) == 0)
			return true;
	return false;
}

/* The census record with the field set to value, saved (audited). */
static gn_status correct_record(gn_ctx *ctx, const gn_verify_diff *d, const char *kind, const char *value,
                                gn_err *err)
{
	gn_household hh = { 0 };
	gn_status rc = gn_household_load(ctx, d->household_id, &hh, err);
	if (rc != GN_OK)
		return rc;
	char **answers = &hh.answers;
	bool column = false;
	if (d->member < 0) {
		column = is_column(gn_household_columns, d->field);
		if (column)
			gn_household_set_column(&hh, d->field, value);
	} else if ((size_t)d->member < hh.n_members) {
		gn_person *p = &hh.members[d->member];
		answers = &p->answers;
		column = is_column(gn_person_columns, d->field);
		if (column)
			gn_person_set_column(p, d->field, value);
	} else {
		rc = gn_fail(err, GN_ERR_NOT_FOUND, _("member %d of this household is no longer on its roster"),
		             d->member + 1);
	}
	if (rc == GN_OK && !column)
		rc = gn_answers_set(ctx->db, answers, d->field, value,
		                    !value || !*value ? GN_ANSWER_NONE
		                    : strcmp(kind, "number") == 0 ? GN_ANSWER_NUMBER : GN_ANSWER_TEXT,
		                    err);
	if (rc == GN_OK)
		rc = gn_household_save(ctx, &hh, err);
	gn_household_free(&hh);
	return rc;
}

gn_status gn_verify_resolve(gn_ctx *ctx, long diff_id, gn_verify_choice choice, const char *value, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_verify_diff d = { 0 };
	char kind[12] = "", tdp_id[37] = "", now[32];
	char *clean = NULL, *sealed = NULL;
	gn_strbuf changes = { 0 };
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(ctx->db, "SELECT " DIFF_COLUMNS DIFF_FROM "WHERE f.id = ?1 AND f.differs", -1, &st,
	                       NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "verify_field");
	sqlite3_bind_int64(st, 1, diff_id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		read_diff(ctx->db, st, &d);
		gn_db_col_copy(st, 11, kind, sizeof kind);
		gn_db_col_copy(st, 12, tdp_id, sizeof tdp_id);
	} else if (step == SQLITE_DONE) {
		rc = gn_fail(err, GN_ERR_NOT_FOUND, _("there is no verification difference number %ld"), diff_id);
	} else {
		rc = gn_db_fail(ctx->db, err, "verify_field");
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == GN_OK)
		rc = require_supervisor(ctx, tdp_id, err);
	if (rc != GN_OK)
		goto out;
	const char *to = choice == GN_VERIFY_KEEP_FIRST ? d.first : choice == GN_VERIFY_TAKE_SECOND ? d.second : value;
	if (choice == GN_VERIFY_CORRECTED) {
		if (!value) {
			rc = gn_fail_field(err, GN_ERR_INVALID, "value", "%s", _("give the value the record is corrected to"));
			goto out;
		}
		if ((rc = gn_text_clean(value, strlen(value), 0, &clean, err)) != GN_OK)
			goto out;
		to = clean;
	}
	bool roster = strcmp(d.field, "members") == 0;
	if (roster && choice == GN_VERIFY_TAKE_SECOND) {
		rc = gn_fail_field(err, GN_ERR_INVALID, "members", "%s",
		                   _("a different number of members cannot be taken over: mend the roster in the "
		                     "household form, then mark it corrected"));
		goto out;
	}
	static const char *const names[] = { "first", "second", "corrected" };
	if (to && secret_field(d.field) && (rc = gn_draft_seal(ctx->db, to, &sealed, err)) != GN_OK)
		goto out;
	gn_now_iso(now);
	/* the record's change and its resolution in one transaction: the save
	 * nests in it, so a failure or a kill between them leaves neither */
	if ((rc = gn_db_begin(ctx->db, err)) != GN_OK)
		goto out;
	if (choice != GN_VERIFY_KEEP_FIRST && !roster && (rc = correct_record(ctx, &d, kind, to, err)) != GN_OK)
		goto rollback;
	if (sqlite3_prepare_v2(ctx->db,
	                       "UPDATE verify_field SET resolution = ?2, value = ?3, resolved_by = ?4, resolved_at = ?5 "
	                       "WHERE id = ?1",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "verify_field");
		goto rollback;
	}
	sqlite3_bind_int64(st, 1, diff_id);
	sqlite3_bind_text(st, 2, names[choice], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, choice == GN_VERIFY_CORRECTED ? (sealed ? sealed : to) : NULL, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ctx->user.login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = gn_db_fail(ctx->db, err, "verify_field");
		goto rollback;
	}
	/* {"resolution": [null, "second"], "field": [null, "full_name"]}: values stay out of the log */
	gn_sb_add(&changes, "{\"resolution\":[");
	if (d.resolution[0])
		gn_sb_json_str(&changes, d.resolution);
	else
		gn_sb_add(&changes, "null");
	gn_sb_printf(&changes, ",\"%s\"],\"field\":[null,", names[choice]);
	gn_sb_json_str(&changes, d.field);
	gn_sb_add(&changes, "]}");
	if (!changes.s) {
		rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto rollback;
	}
	if ((rc = gn_audit(ctx, "verify_resolve", "verify_field", d.household_id, tdp_id, changes.s, err)) != GN_OK)
		goto rollback;
	if ((rc = gn_db_commit(ctx->db, err)) == GN_OK)
		goto out;
rollback:
	gn_db_rollback(ctx->db);
out:
	sqlite3_finalize(st);
	free(d.first);
	free(d.second);
	free(d.value);
	free(clean);
	free(sealed);
	gn_sb_free(&changes);
	return rc;
}

const char *gn_verify_state_label(const char *state)
{
	if (strcmp(state, GN_VERIFY_DONE) == 0)
		return _("keyed again");
	if (strcmp(state, GN_VERIFY_STARTED) == 0)
		return _("half-way");
	return _("to key again");
}

const char *gn_verify_resolution_label(const char *resolution)
{
	if (strcmp(resolution, "first") == 0)
		return _("first keying kept");
	if (strcmp(resolution, "second") == 0)
		return _("second keying taken");
	if (strcmp(resolution, "corrected") == 0)
		return _("corrected");
	return _("to resolve");
}

/* ---- the rates ------------------------------------------------------------ */

/* ?4: the local day the figures are as of (NULL: now); a resolution
 * made after it is still open then */
#define RESOLUTION_THEN "(CASE WHEN ?4 IS NULL OR date(f.resolved_at, 'localtime') <= ?4 THEN f.resolution END)"
#define RATE_COLUMNS \
	"count(DISTINCT i.pass_id || i.household_id), " \
	"count(DISTINCT CASE WHEN f.differs THEN i.pass_id || i.household_id END), count(f.id), " \
	"coalesce(sum(f.differs), 0), coalesce(sum(f.differs AND " RESOLUTION_THEN " IN ('second', 'corrected')), 0), " \
	"coalesce(sum(f.differs AND " RESOLUTION_THEN " IS NULL), 0) "
#define RATE_FROM \
	"FROM verify_item i JOIN verify_pass p ON p.id = i.pass_id LEFT JOIN verify_field f " \
	"ON f.pass_id = i.pass_id AND f.household_id = i.household_id " \
	"WHERE i.state = 'done' AND (?4 IS NULL OR date(i.updated_at, 'localtime') <= ?4) AND " \
	"(?1 IS NULL OR p.tdp_id = ?1) AND " IN_SCOPE

static void read_rate(sqlite3_stmt *st, int col, gn_verify_rate *r)
{
	r->households = (long)sqlite3_column_int64(st, col);
	r->households_differing = (long)sqlite3_column_int64(st, col + 1);
	r->compared = (long)sqlite3_column_int64(st, col + 2);
	r->differences = (long)sqlite3_column_int64(st, col + 3);
	r->against_first = (long)sqlite3_column_int64(st, col + 4);
	r->open = (long)sqlite3_column_int64(st, col + 5);
}

static void read_rate_row(sqlite3 *db, sqlite3_stmt *st, void *row, const void *arg)
{
	(void)db;
	(void)arg;
	gn_verify_rate *r = row;
	gn_db_col_copy(st, 0, r->key, sizeof r->key);
	read_rate(st, 1, r);
}

gn_status gn_verify_rates(gn_ctx *ctx, gn_verify_by by, const char *tdp_id, const char *until,
                          gn_verify_rate **out, size_t *n, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	*out = NULL;
	*n = 0;
	const char *sql = by == GN_VERIFY_BY_OPERATOR
		? "SELECT i.operator, " RATE_COLUMNS RATE_FROM " GROUP BY i.operator ORDER BY i.operator"
		: "SELECT f.field, " RATE_COLUMNS RATE_FROM " AND f.id IS NOT NULL GROUP BY f.field "
		  "ORDER BY sum(f.differs) DESC, f.field";
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "verify_field");
	sqlite3_bind_text(st, 1, tdp_id, -1, SQLITE_STATIC);
	bind_scope(ctx, st);
	sqlite3_bind_text(st, 4, until, -1, SQLITE_STATIC);
	void *rows = NULL;
	gn_status rc = collect(ctx->db, st, sizeof **out, read_rate_row, NULL, NULL, &rows, n,
	                       "verify_field", err);
	*out = rows;
	return rc;
}

gn_status gn_verify_total(gn_ctx *ctx, const char *tdp_id, const char *until, gn_verify_rate *out, size_t *items,
                          size_t *done, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	memset(out, 0, sizeof *out);
	*items = *done = 0;
	if (sqlite3_prepare_v2(ctx->db,
	                       "SELECT " RATE_COLUMNS ", (SELECT count(*) FROM verify_item i JOIN verify_pass p "
	                       "ON p.id = i.pass_id WHERE (?1 IS NULL OR p.tdp_id = ?1) AND "
	                       "(?4 IS NULL OR date(p.created_at, 'localtime') <= ?4) AND " IN_SCOPE ") " RATE_FROM,
	                       -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(ctx->db, err, "verify_item");
	sqlite3_bind_text(st, 1, tdp_id, -1, SQLITE_STATIC);
	bind_scope(ctx, st);
	sqlite3_bind_text(st, 4, until, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_rate(st, 0, out);
		*done = (size_t)out->households;
		*items = (size_t)sqlite3_column_int64(st, 6);
	} else {
		rc = gn_db_fail(ctx->db, err, "verify_item");
	}
	sqlite3_finalize(st);
	return rc;
}

long gn_verify_per_mille(long part, long whole)
{
	return whole > 0 ? (part * 1000 + whole / 2) / whole : 0;
}
