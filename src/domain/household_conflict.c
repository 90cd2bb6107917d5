/* No lost updates (household_conflict.h): whether the database still has a
 * household as it was opened, what differs when it does not, and the two
 * ways out: merge the choices and save again, or keep both for a ward
 * officer. */
#include "gonha/domain/household_conflict.h"
#include "gonha/storage/vault.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *stale_msg(void)
{
	return _("this household was changed elsewhere since it was opened (an import, another PC or a second gonha); "
	         "nothing was saved");
}

/* ---- the check ------------------------------------------------------------ */

static const gn_person *find_member(const gn_household *hh, const char *id)
{
	for (size_t i = 0; hh && id[0] && i < hh->n_members; i++)
		if (strcmp(hh->members[i].id, id) == 0)
			return &hh->members[i];
	return NULL;
}

gn_status gn_household_check_current(gn_ctx *ctx, const gn_household *hh, gn_err *err)
{
	if (!hh->id[0])
		return GN_OK;
	sqlite3 *db = ctx->db;
	const gn_household *base = hh->opened ? hh->opened : hh;
	sqlite3_stmt *q = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(db, "SELECT rev FROM household WHERE id = ?1 AND deleted = 0", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "household");
	sqlite3_bind_text(q, 1, hh->id, -1, SQLITE_STATIC);
	int step = sqlite3_step(q);
	bool stale = step == SQLITE_ROW && sqlite3_column_int64(q, 0) != base->rev;
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = gn_db_fail(db, err, "household");
	sqlite3_finalize(q);
	/* a household removed meanwhile: the save says it no longer exists */
	if (rc != GN_OK || step == SQLITE_DONE)
		return rc;

	/* the roster as it is: the same members, each at its revision */
	size_t seen = 0;
	if (!stale) {
		if (sqlite3_prepare_v2(db, "SELECT id, rev FROM person WHERE household_id = ?1 AND deleted = 0", -1, &q,
		                       NULL) != SQLITE_OK)
			return gn_db_fail(db, err, "person");
		sqlite3_bind_text(q, 1, hh->id, -1, SQLITE_STATIC);
		while (!stale && (step = sqlite3_step(q)) == SQLITE_ROW) {
			const gn_person *p = find_member(base, (const char *)sqlite3_column_text(q, 0));
			if (p) {
				seen++;
				stale = p->rev != sqlite3_column_int64(q, 1);
			} else if (hh->opened) {
				stale = true; /* added elsewhere */
			}
		}
		if (!stale && step != SQLITE_DONE)
			rc = gn_db_fail(db, err, "person");
		sqlite3_finalize(q);
		if (rc != GN_OK)
			return rc;
		/* removed elsewhere: one read is gone (without opened, a member
		 * the user dropped cannot be told from one removed elsewhere) */
		if (!stale && hh->opened && seen != base->n_members)
			stale = true;
	}
	/* members typed that were not in the roster when it was opened */
	for (size_t i = 0; !stale && hh->opened && i < hh->n_members; i++) {
		const gn_person *p = &hh->members[i];
		if (!p->id[0] || find_member(base, p->id))
			continue;
		if (sqlite3_prepare_v2(db, "SELECT rev, tdp_id FROM person WHERE id = ?1 AND deleted = 0", -1, &q, NULL) !=
		    SQLITE_OK)
			return gn_db_fail(db, err, "person");
		sqlite3_bind_text(q, 1, p->id, -1, SQLITE_STATIC);
		bool found = sqlite3_step(q) == SQLITE_ROW;
		char tdp[37] = "";
		if (found && sqlite3_column_text(q, 1))
			snprintf(tdp, sizeof tdp, "%s", (const char *)sqlite3_column_text(q, 1));
		stale = !found || sqlite3_column_int64(q, 0) != p->rev;
		sqlite3_finalize(q);
		/* someone else's TDP: refused as such, before telling anything about it */
		if (found && (rc = gn_scope_require_tdp(ctx, tdp, err)) != GN_OK)
			return rc;
	}
	if (stale)
		return gn_fail(err, GN_ERR_STALE, "%s", stale_msg());
	return GN_OK;
}

/* ---- fields as text (the columns: gn_household_column, gn_person_column) -- */

/* Moved by other screens, not typed: taken from the database unless
 * changed here, and not listed. */
static bool quiet_field(const char *name)
{
	return strcmp(name, "tdp_id") == 0 || strcmp(name, "walk_order") == 0;
}

static char *dup_text(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

static bool eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The same answers, an empty answer counting as none. */
static bool same_answers(sqlite3 *db, const char *a, const char *b)
{
	sqlite3_stmt *q = NULL;
	bool same = false;
	if (sqlite3_prepare_v2(db, "SELECT (SELECT json_group_object(key, value) FROM (SELECT key, value FROM "
	                       "json_each(coalesce(?1, '{}')) WHERE value IS NOT NULL AND value <> '' ORDER BY key)) IS "
	                       "(SELECT json_group_object(key, value) FROM (SELECT key, value FROM "
	                       "json_each(coalesce(?2, '{}')) WHERE value IS NOT NULL AND value <> '' ORDER BY key))",
	                       -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, a, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, b, -1, SQLITE_STATIC);
		same = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
	}
	sqlite3_finalize(q);
	return same;
}

bool gn_person_same(sqlite3 *db, const gn_person *a, const gn_person *b)
{
	for (int i = 0; gn_person_columns[i]; i++) {
		char *x = gn_person_column(a, gn_person_columns[i]), *y = gn_person_column(b, gn_person_columns[i]);
		bool same = eq(x, y);
		free(x);
		free(y);
		if (!same)
			return false;
	}
	return same_answers(db, a->answers, b->answers);
}

static bool same_household_row(sqlite3 *db, const gn_household *a, const gn_household *b)
{
	for (int i = 0; gn_household_columns[i]; i++) {
		char *x = gn_household_column(a, gn_household_columns[i]), *y = gn_household_column(b, gn_household_columns[i]);
		bool same = eq(x, y);
		free(x);
		free(y);
		if (!same)
			return false;
	}
	return same_answers(db, a->answers, b->answers);
}

bool gn_household_same_content(sqlite3 *db, const gn_household *a, const gn_household *b)
{
	if (!same_household_row(db, a, b) || a->n_members != b->n_members)
		return false;
	for (size_t i = 0; i < a->n_members; i++)
		if (!gn_person_same(db, &a->members[i], &b->members[i]))
			return false;
	return true;
}

bool gn_household_field_quiet(const char *name) { return quiet_field(name); }

/* ---- the differences ------------------------------------------------------ */

static gn_status add_change(gn_hh_conflict *c, gn_change_kind kind, const char *person_id, const char *who,
                            const char *field, bool answer, const char *opened, const char *now, const char *typed,
                            bool opened_known, bool mine, gn_err *err)
{
	gn_change *more = realloc(c->changes, (c->n + 1) * sizeof *more);
	if (!more)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	c->changes = more;
	gn_change *ch = &c->changes[c->n];
	memset(ch, 0, sizeof *ch);
	ch->kind = kind;
	snprintf(ch->person_id, sizeof ch->person_id, "%s", person_id ? person_id : "");
	snprintf(ch->field, sizeof ch->field, "%s", field ? field : "");
	ch->answer = answer;
	ch->opened_known = opened_known;
	ch->mine = mine;
	ch->who = dup_text(who);
	ch->opened = dup_text(opened);
	ch->now = dup_text(now);
	ch->typed = dup_text(typed);
	c->n++;
	return GN_OK;
}

/* The answers' keys, in the three versions: calls back per key with the
 * value of each as stored in JSON (NULL = none) and as text. */
typedef gn_answer3_fn answer_fn;

static gn_status each_answer(sqlite3 *db, const char *opened, const char *now, const char *typed, answer_fn fn,
                             void *arg, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(db,
	                       "WITH k(key) AS (SELECT key FROM json_each(coalesce(?1, '{}')) UNION "
	                       "SELECT key FROM json_each(coalesce(?2, '{}')) UNION SELECT key FROM json_each(coalesce(?3, '{}'))), "
	                       "p(key, path) AS (SELECT key, '$.\"' || key || '\"' FROM k) "
	                       "SELECT key, nullif(?1 -> path, '\"\"'), nullif(?2 -> path, '\"\"'), nullif(?3 -> path, '\"\"'), "
	                       "nullif(?1 ->> path, ''), nullif(?2 ->> path, ''), nullif(?3 ->> path, '') FROM p ORDER BY key",
	                       -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "answers");
	sqlite3_bind_text(q, 1, opened, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, typed, -1, SQLITE_STATIC);
	int step;
	while (rc == GN_OK && (step = sqlite3_step(q)) == SQLITE_ROW) {
		const char *json[3], *text[3];
		for (int i = 0; i < 3; i++) {
			json[i] = (const char *)sqlite3_column_text(q, 1 + i);
			text[i] = (const char *)sqlite3_column_text(q, 4 + i);
		}
		rc = fn(arg, (const char *)sqlite3_column_text(q, 0), json, text, err);
	}
	if (rc == GN_OK && step != SQLITE_DONE)
		rc = gn_db_fail(db, err, "answers");
	sqlite3_finalize(q);
	return rc;
}

gn_status gn_answers_each3(sqlite3 *db, const char *a, const char *b, const char *c, gn_answer3_fn fn, void *arg,
                           gn_err *err)
{
	return each_answer(db, a, b, c, fn, arg, err);
}

typedef struct diff_ctx {
	gn_hh_conflict *c;
	const char *person_id, *who;
	bool have_base;
} diff_ctx;

static gn_status diff_answer(void *arg, const char *key, const char *json[3], const char *text[3], gn_err *err)
{
	diff_ctx *d = arg;
	if (eq(json[1], json[2]) || (d->have_base && eq(json[1], json[0])))
		return GN_OK;
	bool mine = d->have_base ? !eq(json[2], json[0]) : true;
	return add_change(d->c, GN_CHANGE_FIELD, d->person_id, d->who, key, true, text[0], text[1], text[2],
	                  d->have_base, mine, err);
}

/* A field is listed when the database changed it and it differs from what
 * was typed; mine by default where the user changed it. */
static gn_status diff_field(gn_hh_conflict *c, const char *person_id, const char *who, const char *name,
                            char *opened, char *now, char *typed, bool have_base, gn_err *err)
{
	gn_status rc = GN_OK;
	bool listed = !eq(now, typed) && (!have_base || !eq(now, opened));
	bool mine = have_base ? !eq(typed, opened) : true;
	if (listed && (!quiet_field(name) || mine))
		rc = add_change(c, GN_CHANGE_FIELD, person_id, who, name, false, opened, now, typed, have_base, mine, err);
	free(opened);
	free(now);
	free(typed);
	return rc;
}

static gn_status diff_person(sqlite3 *db, gn_hh_conflict *c, const gn_person *b, const gn_person *n,
                             const gn_person *t, gn_err *err)
{
	gn_status rc = GN_OK;
	const char *who = t->full_name && *t->full_name ? t->full_name : n->full_name;
	for (int i = 0; gn_person_columns[i] && rc == GN_OK; i++)
		rc = diff_field(c, t->id, who, gn_person_columns[i], b ? gn_person_column(b, gn_person_columns[i]) : NULL,
		                gn_person_column(n, gn_person_columns[i]), gn_person_column(t, gn_person_columns[i]), b != NULL, err);
	diff_ctx d = { c, t->id, who, b != NULL };
	if (rc == GN_OK)
		rc = each_answer(db, b ? b->answers : NULL, n->answers, t->answers, diff_answer, &d, err);
	return rc;
}

gn_status gn_household_conflict(gn_ctx *ctx, const gn_household *typed, gn_hh_conflict *out, gn_err *err)
{
	memset(out, 0, sizeof *out);
	if (!typed->id[0])
		return GN_OK;
	gn_status rc = gn_household_load(ctx, typed->id, &out->now, err);
	if (rc != GN_OK)
		return rc;
	const gn_household *base = typed->opened, *now = &out->now;
	for (int i = 0; gn_household_columns[i] && rc == GN_OK; i++)
		rc = diff_field(out, "", NULL, gn_household_columns[i], base ? gn_household_column(base, gn_household_columns[i]) : NULL,
		                gn_household_column(now, gn_household_columns[i]), gn_household_column(typed, gn_household_columns[i]), base != NULL, err);
	diff_ctx d = { out, "", NULL, base != NULL };
	if (rc == GN_OK)
		rc = each_answer(ctx->db, base ? base->answers : NULL, now->answers, typed->answers, diff_answer, &d, err);
	/* the members typed */
	for (size_t i = 0; i < typed->n_members && rc == GN_OK; i++) {
		const gn_person *t = &typed->members[i];
		if (!t->id[0])
			continue; /* new here */
		const gn_person *n = find_member(now, t->id), *b = find_member(base, t->id);
		if (n)
			rc = diff_person(ctx->db, out, b, n, t, err);
		else
			rc = add_change(out, GN_CHANGE_MEMBER_REMOVED, t->id, t->full_name, "", false,
			                b ? b->full_name : NULL, NULL, t->full_name, b != NULL,
			                b ? !gn_person_same(ctx->db, b, t) : true, err);
	}
	/* the members in the database that were not typed */
	for (size_t i = 0; i < now->n_members && rc == GN_OK; i++) {
		const gn_person *n = &now->members[i];
		if (find_member(typed, n->id))
			continue;
		const gn_person *b = find_member(base, n->id);
		if (b && b->rev != n->rev)
			rc = add_change(out, GN_CHANGE_MEMBER_DROPPED, n->id, n->full_name, "", false, b->full_name,
			                n->full_name, NULL, true, true, err);
		else if (!b)
			rc = add_change(out, GN_CHANGE_MEMBER_ADDED, n->id, n->full_name, "", false, NULL, n->full_name, NULL,
			                base != NULL, false, err);
	}
	if (rc != GN_OK)
		gn_hh_conflict_free(out);
	return rc;
}

void gn_hh_conflict_free(gn_hh_conflict *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->changes[i].who);
		free(c->changes[i].opened);
		free(c->changes[i].now);
		free(c->changes[i].typed);
	}
	free(c->changes);
	gn_household_free(&c->now);
	memset(c, 0, sizeof *c);
}

/* ---- merging the choices -------------------------------------------------- */

static const gn_change *find_change(const gn_hh_conflict *c, gn_change_kind kind, const char *person_id,
                                    const char *field, bool answer)
{
	for (size_t i = 0; i < c->n; i++) {
		const gn_change *ch = &c->changes[i];
		if (ch->kind == kind && strcmp(ch->person_id, person_id) == 0 && strcmp(ch->field, field) == 0 &&
		    ch->answer == answer)
			return ch;
	}
	return NULL;
}

/* Whether the typed value goes in: the choice where listed, else where the
 * user changed it. */
static bool take_typed(const gn_hh_conflict *c, const char *person_id, const char *field, bool answer,
                       bool have_base, const char *opened, const char *typed)
{
	const gn_change *ch = find_change(c, GN_CHANGE_FIELD, person_id, field, answer);
	if (ch)
		return ch->mine;
	return !have_base || !eq(typed, opened);
}

typedef struct merge_ctx {
	sqlite3 *db;
	const gn_hh_conflict *c;
	const char *person_id;
	bool have_base;
	const char *typed;   /* the typed answers */
	char **answers;      /* the merged answers, in place */
	gn_status rc;
} merge_ctx;

static gn_status merge_answer(void *arg, const char *key, const char *json[3], const char *text[3], gn_err *err)
{
	(void)text;
	merge_ctx *m = arg;
	if (eq(json[1], json[2]) || !take_typed(m->c, m->person_id, key, true, m->have_base, json[0], json[2]))
		return GN_OK;
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(m->db, json[2] ? "SELECT json_set(coalesce(?1, '{}'), ?3, ?2 -> ?3)"
	                                      : "SELECT json_remove(coalesce(?1, '{}'), ?3)", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(m->db, err, "answers");
	char path[128];
	snprintf(path, sizeof path, "$.\"%s\"", key);
	sqlite3_bind_text(q, 1, *m->answers, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, m->typed, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, path, -1, SQLITE_STATIC);
	gn_status rc = GN_OK;
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0)) {
		char *merged = strdup((const char *)sqlite3_column_text(q, 0));
		if (!merged)
			rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		else {
			free(*m->answers);
			*m->answers = merged;
		}
	} else {
		rc = gn_db_fail(m->db, err, "answers");
	}
	sqlite3_finalize(q);
	return rc;
}

static gn_status copy_member(gn_household *to, const gn_person *from, gn_err *err)
{
	gn_person *p = gn_household_add_member(to);
	if (!p)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	*p = *from;
	p->full_name = from->full_name ? strdup(from->full_name) : NULL;
	p->cccd = from->cccd ? strdup(from->cccd) : NULL;
	p->answers = from->answers ? strdup(from->answers) : NULL;
	if ((from->full_name && !p->full_name) || (from->cccd && !p->cccd) || (from->answers && !p->answers))
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	return GN_OK;
}

gn_status gn_household_merge(gn_ctx *ctx, const gn_household *typed, const gn_hh_conflict *c, gn_household *out,
                             gn_err *err)
{
	gn_status rc = gn_household_copy(&c->now, out, err); /* opened: the database's version */
	if (rc != GN_OK)
		return rc;
	const gn_household *base = typed->opened;
	bool have_base = base != NULL;
	for (int i = 0; gn_household_columns[i]; i++) {
		char *o = base ? gn_household_column(base, gn_household_columns[i]) : NULL, *t = gn_household_column(typed, gn_household_columns[i]);
		if (take_typed(c, "", gn_household_columns[i], false, have_base, o, t))
			gn_household_set_column(out, gn_household_columns[i], t);
		free(o);
		free(t);
	}
	merge_ctx m = { ctx->db, c, "", have_base, typed->answers, &out->answers, GN_OK };
	rc = each_answer(ctx->db, base ? base->answers : NULL, c->now.answers, typed->answers, merge_answer, &m, err);

	/* the roster: the members typed in their order, then the database's new ones */
	gn_household r = { 0 };
	for (size_t i = 0; i < typed->n_members && rc == GN_OK; i++) {
		const gn_person *t = &typed->members[i];
		const gn_person *n = find_member(&c->now, t->id), *b = find_member(base, t->id);
		if (!t->id[0]) {
			rc = copy_member(&r, t, err);
		} else if (n) {
			if ((rc = copy_member(&r, n, err)) != GN_OK)
				break;
			gn_person *p = &r.members[r.n_members - 1];
			for (int f = 0; gn_person_columns[f]; f++) {
				char *o = b ? gn_person_column(b, gn_person_columns[f]) : NULL, *v = gn_person_column(t, gn_person_columns[f]);
				if (take_typed(c, t->id, gn_person_columns[f], false, b != NULL, o, v))
					gn_person_set_column(p, gn_person_columns[f], v);
				free(o);
				free(v);
			}
			merge_ctx pm = { ctx->db, c, t->id, b != NULL, t->answers, &p->answers, GN_OK };
			rc = each_answer(ctx->db, b ? b->answers : NULL, n->answers, t->answers, merge_answer, &pm, err);
		} else {
			const gn_change *ch = find_change(c, GN_CHANGE_MEMBER_REMOVED, t->id, "", false);
			if (ch && ch->mine && (rc = copy_member(&r, t, err)) == GN_OK) {
				/* kept: written again as a new record */
				r.members[r.n_members - 1].id[0] = '\0';
				r.members[r.n_members - 1].rev = 0;
			}
		}
	}
	for (size_t i = 0; i < c->now.n_members && rc == GN_OK; i++) {
		const gn_person *n = &c->now.members[i];
		if (find_member(typed, n->id))
			continue;
		const gn_person *b = find_member(base, n->id);
		const gn_change *ch = find_change(c, b ? GN_CHANGE_MEMBER_DROPPED : GN_CHANGE_MEMBER_ADDED, n->id, "", false);
		bool keep = b ? ch && !ch->mine : !ch || !ch->mine;
		if (keep)
			rc = copy_member(&r, n, err);
	}
	if (rc == GN_OK) {
		for (size_t i = 0; i < out->n_members; i++)
			gn_person_free(&out->members[i]);
		free(out->members);
		out->members = r.members;
		out->n_members = r.n_members;
		r.members = NULL;
		r.n_members = 0;
	}
	gn_household_free(&r);
	if (rc != GN_OK)
		gn_household_free(out);
	return rc;
}

/* ---- keeping both --------------------------------------------------------- */

typedef struct meta {
	char version[72], base_version[72], updated_at[32], updated_by[64];
	char form_id[64], form_version[64];
} meta;

static gn_status read_meta(sqlite3 *db, const char *table, const char *id, meta *m, gn_err *err)
{
	memset(m, 0, sizeof *m);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT version, base_version, updated_at, updated_by, form_id, form_version FROM %s "
	                          "WHERE id = ?1", table);
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, table);
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(q);
	if (step == SQLITE_ROW) {
		const unsigned char *t;
		if ((t = sqlite3_column_text(q, 0))) snprintf(m->version, sizeof m->version, "%s", (const char *)t);
		if ((t = sqlite3_column_text(q, 1))) snprintf(m->base_version, sizeof m->base_version, "%s", (const char *)t);
		if ((t = sqlite3_column_text(q, 2))) snprintf(m->updated_at, sizeof m->updated_at, "%s", (const char *)t);
		if ((t = sqlite3_column_text(q, 3))) snprintf(m->updated_by, sizeof m->updated_by, "%s", (const char *)t);
		if ((t = sqlite3_column_text(q, 4))) snprintf(m->form_id, sizeof m->form_id, "%s", (const char *)t);
		if ((t = sqlite3_column_text(q, 5))) snprintf(m->form_version, sizeof m->form_version, "%s", (const char *)t);
	}
	sqlite3_finalize(q);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return gn_db_fail(db, err, table);
	return GN_OK;
}

/* The user's version was entered with the session's form. */
static void mine_form(const gn_ctx *ctx, meta *m)
{
	if (!ctx->form_id)
		return;
	snprintf(m->form_id, sizeof m->form_id, "%s", ctx->form_id);
	snprintf(m->form_version, sizeof m->form_version, "%s", ctx->form_version ? ctx->form_version : "");
}

static void json_kv(gn_strbuf *b, const char *key, const char *value)
{
	gn_sb_add(b, b->len > 1 ? "," : "");
	gn_sb_json_str(b, key);
	gn_sb_add(b, ":");
	gn_sb_json_str(b, value && *value ? value : NULL);
}

/* A household or person as an export's row (the columns a households or
 * persons file has, answers whole in other_answers), as JSON: the form
 * merge_conflict keeps both sides in and `conflicts resolve` imports. */
static char *household_json(const gn_household *h, const char *tdp_code, const meta *m)
{
	gn_strbuf b = { 0 };
	gn_sb_add(&b, "{");
	json_kv(&b, "household_id", h->id);
	json_kv(&b, "tdp_code", tdp_code);
	for (int i = 0; gn_household_columns[i]; i++) {
		if (strcmp(gn_household_columns[i], "tdp_id") == 0)
			continue;
		char *v = gn_household_column(h, gn_household_columns[i]);
		json_kv(&b, gn_household_columns[i], v);
		free(v);
	}
	json_kv(&b, "other_answers", h->answers && strcmp(h->answers, "{}") ? h->answers : NULL);
	json_kv(&b, "updated_at", m->updated_at);
	json_kv(&b, "updated_by", m->updated_by);
	json_kv(&b, "version", m->version);
	json_kv(&b, "base_version", m->base_version);
	json_kv(&b, "form_id", m->form_id);
	json_kv(&b, "form_version", m->form_version);
	gn_sb_add(&b, "}");
	return gn_sb_take(&b);
}

static char *person_json(const gn_person *p, const char *id, const char *household_id, const char *tdp_code,
                         const meta *m)
{
	gn_strbuf b = { 0 };
	gn_sb_add(&b, "{");
	json_kv(&b, "person_id", id);
	json_kv(&b, "household_id", household_id);
	json_kv(&b, "tdp_code", tdp_code);
	for (int i = 0; gn_person_columns[i]; i++) {
		char *v = p ? gn_person_column(p, gn_person_columns[i]) : NULL;
		json_kv(&b, gn_person_columns[i], v);
		free(v);
	}
	json_kv(&b, "other_answers", p && p->answers && strcmp(p->answers, "{}") ? p->answers : NULL);
	json_kv(&b, "updated_at", m->updated_at);
	json_kv(&b, "updated_by", m->updated_by);
	json_kv(&b, "version", m->version);
	json_kv(&b, "base_version", m->base_version);
	json_kv(&b, "form_id", m->form_id);
	json_kv(&b, "form_version", m->form_version);
	gn_sb_add(&b, "}");
	return gn_sb_take(&b);
}

static gn_status store_conflict(gn_ctx *ctx, const char *table, const char *id, const char *tdp_id,
                                char *local, char *incoming, const char *source, gn_err *err)
{
	gn_status rc = GN_OK;
	sqlite3_stmt *q = NULL;
	if (!local || !incoming)
		rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	else if (sqlite3_prepare_v2(ctx->db, "INSERT INTO merge_conflict(table_name, record_id, local_data, incoming_data, "
	                            "source, detected_at) VALUES (?1, ?2, " GN_SQL_DOC_CCCD_SEAL("?3") ", "
	                            GN_SQL_DOC_CCCD_SEAL("?4") ", ?5, gn_now_utc())",
	                            -1, &q, NULL) != SQLITE_OK)
		rc = gn_db_fail(ctx->db, err, "merge_conflict");
	else {
		sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, local, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, incoming, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 5, source, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = gn_db_fail(ctx->db, err, "merge_conflict");
	}
	sqlite3_finalize(q);
	if (rc == GN_OK)
		rc = gn_audit(ctx, "keep_as_conflict", table, id, tdp_id, "{}", err);
	free(local);
	free(incoming);
	return rc;
}

static gn_status keep_conflict(gn_ctx *ctx, const gn_household *typed, const gn_hh_conflict *c,
                              const char *draft_id, size_t *stored, gn_err *err);

/* The user's version kept is what they would save with every field they
 * changed (whatever was chosen on the screen) and the database's changes
 * elsewhere: the ward officer taking it reverts nobody's work. */
gn_status gn_household_keep_conflict(gn_ctx *ctx, const gn_household *typed, const gn_hh_conflict *c,
                                     const char *draft_id, size_t *stored, gn_err *err)
{
	*stored = 0;
	gn_status rc = gn_scope_require_tdp(ctx, typed->tdp_id, err);
	if (rc != GN_OK)
		return rc;
	if (!typed->id[0] || !c->now.id[0])
		return gn_fail(err, GN_ERR_INVALID, _("only a saved household can be kept as a conflict"));
	gn_hh_conflict mine = *c; /* the same changes (borrowed), every typed field kept */
	mine.changes = c->n ? malloc(c->n * sizeof *mine.changes) : NULL;
	if (c->n && !mine.changes)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	for (size_t i = 0; i < c->n; i++) {
		mine.changes[i] = c->changes[i];
		if (c->changes[i].kind == GN_CHANGE_FIELD)
			mine.changes[i].mine = !c->changes[i].opened_known || !eq(c->changes[i].typed, c->changes[i].opened);
	}
	gn_household version;
	rc = gn_household_merge(ctx, typed, &mine, &version, err);
	free(mine.changes);
	if (rc != GN_OK)
		return rc;
	rc = keep_conflict(ctx, &version, c, draft_id, stored, err);
	gn_household_free(&version);
	return rc;
}

static gn_status keep_conflict(gn_ctx *ctx, const gn_household *typed, const gn_hh_conflict *c,
                              const char *draft_id, size_t *stored, gn_err *err)
{
	sqlite3 *db = ctx->db;
	gn_status rc = GN_OK;
	char code[32] = "", now_iso[32], source[160];
	gn_now_iso(now_iso);
	snprintf(source, sizeof source, _("not saved in gonha by %s"), ctx->user.login);
	if ((rc = gn_db_begin(db, err)) != GN_OK)
		return rc;
	{
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(db, "SELECT code FROM tdp WHERE id = ?1", -1, &q, NULL) != SQLITE_OK)
			rc = gn_db_fail(db, err, "tdp");
		else {
			sqlite3_bind_text(q, 1, typed->tdp_id, -1, SQLITE_STATIC);
			if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
				snprintf(code, sizeof code, "%s", (const char *)sqlite3_column_text(q, 0));
		}
		sqlite3_finalize(q);
	}
	meta local, mine;
	if (rc == GN_OK && !same_household_row(db, typed, &c->now) &&
	    (rc = read_meta(db, "household", c->now.id, &local, err)) == GN_OK) {
		mine = local;
		snprintf(mine.updated_at, sizeof mine.updated_at, "%s", now_iso);
		snprintf(mine.updated_by, sizeof mine.updated_by, "%s", ctx->user.login);
		mine_form(ctx, &mine);
		if ((rc = store_conflict(ctx, "household", typed->id, typed->tdp_id, household_json(&c->now, code, &local),
		                         household_json(typed, code, &mine), source, err)) == GN_OK)
			(*stored)++;
	}
	for (size_t i = 0; i < typed->n_members && rc == GN_OK; i++) {
		const gn_person *t = &typed->members[i];
		const gn_person *n = find_member(&c->now, t->id);
		if (n && gn_person_same(db, t, n))
			continue;
		char id[37];
		memset(&local, 0, sizeof local);
		if (n)
			rc = read_meta(db, "person", n->id, &local, err);
		if (rc != GN_OK)
			break;
		if (t->id[0])
			snprintf(id, sizeof id, "%s", t->id);
		else
			gn_uuid_new(id);
		mine = local;
		if (!mine.version[0])
			gn_uuid_new(mine.version);
		snprintf(mine.updated_at, sizeof mine.updated_at, "%s", now_iso);
		snprintf(mine.updated_by, sizeof mine.updated_by, "%s", ctx->user.login);
		mine_form(ctx, &mine);
		if ((rc = store_conflict(ctx, "person", id, typed->tdp_id, person_json(n, id, typed->id, code, &local),
		                         person_json(t, id, typed->id, code, &mine), source, err)) == GN_OK)
			(*stored)++;
	}
	if (rc == GN_OK && draft_id && *draft_id) {
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(db, "DELETE FROM draft WHERE user_login = ?1 AND kind = 'household' AND record_id = ?2",
		                       -1, &q, NULL) != SQLITE_OK)
			rc = gn_db_fail(db, err, "draft");
		else {
			sqlite3_bind_text(q, 1, ctx->user.login, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 2, draft_id, -1, SQLITE_STATIC);
			if (sqlite3_step(q) != SQLITE_DONE)
				rc = gn_db_fail(db, err, "draft");
		}
		sqlite3_finalize(q);
	}
	if (rc == GN_OK)
		return gn_db_commit(db, err);
	gn_db_rollback(db);
	*stored = 0;
	return rc;
}
