#include "gonha/domain/household.h"
#include "gonha/domain/operators.h"
#include "gonha/domain/cccd.h"
#include "gonha/storage/vault.h"
#include "gonha/domain/household_conflict.h"
#include "gonha/domain/coverage.h"
#include "gonha/core/date.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gn_this_year(void)
{
	char today[11];
	gn_today_iso(today); /* the ward's year, as its date */
	return atoi(today);
}

static bool is_one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static const char *const visit_statuses[] = {
	GN_VISIT_NOT_VISITED, GN_VISIT_DONE, GN_VISIT_REVISIT, GN_VISIT_REFUSED, GN_VISIT_MOVED, NULL
};
static const char *const relations[] = {
	"head", "spouse", "child", "parent", "grandchild", "sibling", "other", NULL
};

static const char *const sexes[] = { "male", "female", NULL };

const char *const *gn_core_codes(const char *column)
{
	if (strcmp(column, "visit_status") == 0) return visit_statuses;
	if (strcmp(column, "relation") == 0) return relations;
	if (strcmp(column, "sex") == 0) return sexes;
	return NULL;
}

bool gn_visit_status_known(const char *s)
{
	return s && is_one_of(s, visit_statuses);
}

const char *gn_visit_status_label(const char *s)
{
	if (!s || !*s || strcmp(s, GN_VISIT_NOT_VISITED) == 0) return _("not visited");
	if (strcmp(s, GN_VISIT_DONE) == 0) return _("visited");
	if (strcmp(s, GN_VISIT_REVISIT) == 0) return _("revisit");
	if (strcmp(s, GN_VISIT_REFUSED) == 0) return _("refused");
	if (strcmp(s, GN_VISIT_MOVED) == 0) return _("moved away");
	return s;
}

bool gn_relation_known(const char *s)
{
	return s && is_one_of(s, relations);
}

/* ---- the rules of the core columns, each written once ------------------ */

/* The visit date: a real date from 1900 on, not after today, and needed
 * once the household was visited. */
static gn_status check_visit_date(const char *status, const char *date, gn_err *err)
{
	if (!date || !*date) {
		if (status && *status && strcmp(status, GN_VISIT_NOT_VISITED) != 0)
			return gn_fail_field(err, GN_ERR_INVALID, "visit_date",
			                     _("the visit date is required once the household was visited"));
		return GN_OK;
	}
	if (!gn_date_valid(date))
		return gn_fail_field(err, GN_ERR_INVALID, "visit_date",
		                     _("the visit date must be a real date from %d on, written YYYY-MM-DD"),
		                     GN_DATE_MIN_YEAR);
	char today[11];
	gn_today_iso(today);
	if (strcmp(date, today) > 0)
		return gn_fail_field(err, GN_ERR_INVALID, "visit_date", _("the visit date is in the future"));
	return GN_OK;
}

/* Another member than `member` who is the head, or -1. */
static long other_head(const gn_household *hh, size_t member)
{
	for (size_t k = 0; k < hh->n_members; k++)
		if (k != member && strcmp(hh->members[k].relation, "head") == 0)
			return (long)k;
	return -1;
}

/* Another member than `member` with this CCCD, or -1. */
static long cccd_taken(const gn_household *hh, size_t member, const char *cccd)
{
	for (size_t k = 0; cccd && *cccd && k < hh->n_members; k++)
		if (k != member && hh->members[k].cccd && strcmp(hh->members[k].cccd, cccd) == 0 &&
		    !gn_cccd_is_masked(cccd)) /* two numbers may show the same ends */
			return (long)k;
	return -1;
}

gn_status gn_person_validate(const gn_person *p, int this_year, gn_err *err)
{
	if (!p->full_name || !*p->full_name)
		return gn_fail_field(err, GN_ERR_INVALID, "full_name", _("the full name is required"));
	if (p->birth_year && (p->birth_year < GN_DATE_MIN_YEAR || p->birth_year > this_year))
		return gn_fail_field(err, GN_ERR_INVALID, "birth_year",
		                     _("the birth year must be between %d and %d"), GN_DATE_MIN_YEAR, this_year);
	if (p->sex[0] && gn_sex_from_name(p->sex) == GN_SEX_UNKNOWN)
		return gn_fail_field(err, GN_ERR_INVALID, "sex", _("unknown sex '%s'"), p->sex);
	if (p->relation[0] && !gn_relation_known(p->relation))
		return gn_fail_field(err, GN_ERR_INVALID, "relation",
		                     _("unknown relation to the head '%s'"), p->relation);
	if (p->cccd && *p->cccd && !gn_cccd_is_masked(p->cccd)) { /* masked: the stored one, kept (save) */
		gn_status st = gn_cccd_validate(p->cccd, p->birth_year, gn_sex_from_name(p->sex), err);
		if (st != GN_OK && err)
			snprintf(err->field, sizeof err->field, "cccd");
		return st;
	}
	return GN_OK;
}

gn_status gn_household_validate_visit(const gn_household *hh, gn_err *err)
{
	if (!gn_visit_status_known(hh->visit_status))
		return gn_fail_field(err, GN_ERR_INVALID, "visit_status",
		                     _("unknown visit outcome '%s'"), hh->visit_status);
	return check_visit_date(hh->visit_status, hh->visit_date, err);
}

gn_status gn_household_check_field(const gn_household *hh, size_t member, const char *name, const char *value,
                                   gn_err *err)
{
	if (!value)
		value = "";
	if (member == (size_t)-1) {
		if (strcmp(name, "visit_date") == 0 && *value)
			return check_visit_date(hh->visit_status, value, err);
		return GN_OK;
	}
	if (member >= hh->n_members)
		return GN_OK;
	const gn_person *p = &hh->members[member];
	long k;
	if (strcmp(name, "relation") == 0 && strcmp(value, "head") == 0 && (k = other_head(hh, member)) >= 0)
		return gn_fail_field(err, GN_ERR_INVALID, name,
		                     _("The household already has a head (%s); a household has exactly one head."),
		                     hh->members[k].full_name ? hh->members[k].full_name : "");
	if (strcmp(name, "cccd") == 0 && *value && !gn_cccd_is_masked(value)) {
		if (gn_cccd_validate(value, p->birth_year, gn_sex_from_name(p->sex), err) != GN_OK) {
			if (err)
				snprintf(err->field, sizeof err->field, "%s", name);
			return GN_ERR_INVALID;
		}
		if ((k = cccd_taken(hh, member, value)) >= 0)
			return gn_fail_field(err, GN_ERR_INVALID, name, _("Member %zu already has this CCCD."), (size_t)k + 1);
	}
	return GN_OK;
}

gn_status gn_household_validate(const gn_household *hh, int this_year, gn_err *err)
{
	gn_status st = gn_household_validate_visit(hh, err);
	if (st != GN_OK)
		return st;
	size_t heads = 0;
	for (size_t i = 0; i < hh->n_members; i++) {
		const gn_person *p = &hh->members[i];
		st = gn_person_validate(p, this_year, err);
		long k = st == GN_OK ? cccd_taken(hh, i, p->cccd) : -1;
		if (st == GN_OK && k >= 0 && (size_t)k < i)
			st = gn_fail_field(err, GN_ERR_INVALID, "cccd", _("member %zu has the same CCCD as member %zu"), i + 1,
			                   (size_t)k + 1);
		if (st != GN_OK) {
			if (err) {
				char field[96];
				snprintf(field, sizeof field, "members[%zu].%.40s", i, err->field);
				snprintf(err->field, sizeof err->field, "%.63s", field);
			}
			return st;
		}
		if (strcmp(p->relation, "head") == 0)
			heads++;
	}
	if (hh->n_members > 0 && heads != 1) {
		gn_fail(err, GN_ERR_INVALID, heads == 0
		        ? _("the household needs one head (chủ hộ): mark one member as head")
		        : _("a household has exactly one head (chủ hộ); %zu members are marked head"),
		        heads);
		if (err)
			snprintf(err->field, sizeof err->field, "relation");
		return GN_ERR_INVALID;
	}
	return GN_OK;
}

/* Replaces *field with its cleaned (NFC, no controls) copy. */
static gn_status clean_in_place(char **field, int flags, const char *name, gn_err *err)
{
	if (!*field)
		return GN_OK;
	char *clean = NULL;
	gn_status st = gn_text_clean(*field, strlen(*field), flags, &clean, err);
	if (st != GN_OK) {
		if (err)
			snprintf(err->field, sizeof err->field, "%s", name);
		return st;
	}
	free(*field);
	*field = clean;
	return GN_OK;
}

static gn_status clean_household(gn_household *hh, gn_err *err)
{
	gn_status st = GN_OK;
	if (!hh->house_no && !(hh->house_no = strdup("")))
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (!hh->alley && !(hh->alley = strdup("")))
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (!hh->street && !(hh->street = strdup("")))
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (!hh->visit_status[0])
		snprintf(hh->visit_status, sizeof hh->visit_status, "%s", GN_VISIT_NOT_VISITED);
	if ((st = clean_in_place(&hh->house_no, 0, "house_no", err)) ||
	    (st = clean_in_place(&hh->alley, 0, "alley", err)) ||
	    (st = clean_in_place(&hh->street, 0, "street", err)) ||
	    (st = clean_in_place(&hh->visit_date, 0, "visit_date", err)) ||
	    (st = clean_in_place(&hh->visited_by, 0, "visited_by", err)) ||
	    (st = clean_in_place(&hh->answers, GN_TEXT_MULTILINE | GN_TEXT_KEEP_SPACES, "answers", err)))
		return st;
	for (size_t i = 0; i < hh->n_members; i++) {
		gn_person *p = &hh->members[i];
		if ((st = clean_in_place(&p->full_name, 0, "full_name", err)) ||
		    (st = clean_in_place(&p->cccd, 0, "cccd", err)) ||
		    (st = clean_in_place(&p->answers, GN_TEXT_MULTILINE | GN_TEXT_KEEP_SPACES, "answers", err)))
			return st;
	}
	return GN_OK;
}

/* ---- reading ------------------------------------------------------------ */

/* hh->opened := a copy of hh as it is now. */
static gn_status set_opened(gn_household *hh, gn_err *err)
{
	gn_household *copy = calloc(1, sizeof *copy);
	if (!copy)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	gn_household *keep = hh->opened;
	hh->opened = NULL;
	gn_status st = gn_household_copy(hh, copy, err);
	hh->opened = keep;
	if (st != GN_OK) {
		free(copy);
		return st;
	}
	if (hh->opened) {
		gn_household_free(hh->opened);
		free(hh->opened);
	}
	hh->opened = copy;
	return GN_OK;
}

gn_status gn_household_load(gn_ctx *ctx, const char *id, gn_household *out, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	memset(out, 0, sizeof *out);

	if (sqlite3_prepare_v2(ctx->db,
	                       "SELECT id, tdp_id, walk_order, house_no, alley, street, visit_status, "
	                       "visit_date, visited_by, entered_by, answers, rev, updated_at, updated_by "
	                       "FROM household WHERE id = ?1 AND deleted = 0", -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "household");
		goto out;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		rc = step == SQLITE_DONE ? gn_fail(err, GN_ERR_NOT_FOUND, _("the household no longer exists"))
		                         : gn_db_fail(ctx->db, err, "household");
		goto out;
	}
	gn_db_col_copy(st, 1, out->tdp_id, sizeof out->tdp_id);
	if ((rc = gn_scope_require_tdp(ctx, out->tdp_id, err)) != GN_OK)
		goto out;
	gn_db_col_copy(st, 0, out->id, sizeof out->id);
	out->walk_order = sqlite3_column_double(st, 2);
	out->house_no = gn_db_col_dup(st, 3);
	out->alley = gn_db_col_dup(st, 4);
	out->street = gn_db_col_dup(st, 5);
	gn_db_col_copy(st, 6, out->visit_status, sizeof out->visit_status);
	out->visit_date = gn_db_col_dup(st, 7);
	out->visited_by = gn_db_col_dup(st, 8);
	out->entered_by = gn_db_col_dup(st, 9);
	out->answers = gn_db_col_dup(st, 10);
	out->rev = sqlite3_column_int64(st, 11);
	gn_db_col_copy(st, 12, out->updated_at, sizeof out->updated_at);
	gn_db_col_copy(st, 13, out->updated_by, sizeof out->updated_by);
	gn_now_iso(out->opened_at);
	sqlite3_finalize(st);
	st = NULL;

	if (sqlite3_prepare_v2(ctx->db,
	                       "SELECT id, full_name, birth_year, sex, relation, "
	                       /* without the key: the number masked, as the lists show it */
	                       "CASE WHEN gn_vault_locked() THEN cccd_masked ELSE gn_cccd_open(cccd) END, answers, rev "
	                       "FROM person WHERE household_id = ?1 AND deleted = 0 ORDER BY position, rowid",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "person");
		goto out;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		gn_person *p = gn_household_add_member(out);
		if (!p) {
			rc = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			goto out;
		}
		gn_db_col_copy(st, 0, p->id, sizeof p->id);
		p->full_name = gn_db_col_dup(st, 1);
		p->birth_year = sqlite3_column_int(st, 2);
		gn_db_col_copy(st, 3, p->sex, sizeof p->sex);
		gn_db_col_copy(st, 4, p->relation, sizeof p->relation);
		p->cccd = gn_db_col_dup(st, 5);
		p->answers = gn_db_col_dup(st, 6);
		p->rev = sqlite3_column_int64(st, 7);
	}
	if (step != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "person");
	/* what was read, for the save to check against */
	if (rc == GN_OK)
		rc = set_opened(out, err);
out:
	sqlite3_finalize(st);
	if (rc != GN_OK)
		gn_household_free(out);
	return rc;
}

/* ---- writing ------------------------------------------------------------ */

/* A household (or person) row as one flat JSON object: its columns and its
 * answers side by side, so that one diff gives the audit's old/new values. */
#define HOUSEHOLD_FLAT \
	"json_set(answers, '$.house_no', house_no, '$.alley', alley, '$.street', street, " \
	"'$.visit_status', visit_status, '$.visit_date', visit_date, '$.visited_by', visited_by, " \
	"'$.tdp_id', tdp_id)"
#define PERSON_FLAT \
	"json_set(answers, '$.full_name', full_name, '$.birth_year', birth_year, '$.sex', sex, " \
	"'$.relation', relation, '$.cccd', cccd_masked, '$.position', position)"

/* {field: [old, new]} for every field that differs between two flat rows. */
static gn_status json_diff(sqlite3 *db, const char *old_json, const char *new_json,
                           char **out, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	*out = NULL;
	if (sqlite3_prepare_v2(db,
	                       "SELECT json_group_object(k, json_array(o, n)) FROM ("
	                       " SELECT coalesce(a.key, b.key) AS k, a.value AS o, b.value AS n"
	                       " FROM json_each(?1) a FULL OUTER JOIN json_each(?2) b ON a.key = b.key"
	                       " WHERE a.value IS NOT b.value ORDER BY k)", -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(db, err, "audit");
		goto out;
	}
	sqlite3_bind_text(st, 1, old_json ? old_json : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, new_json ? new_json : "{}", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = gn_db_fail(db, err, "audit");
		goto out;
	}
	*out = gn_db_col_dup(st, 0);
	if (!*out)
		*out = strdup("{}");
out:
	sqlite3_finalize(st);
	return rc;
}

/* The one value a query with one parameter gives, as text ("" when it
 * gives no row); a database error is reported as what it is. */
static gn_status one_value(sqlite3 *db, const char *sql, const char *param, char *out, size_t size, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "household");
	sqlite3_bind_text(q, 1, param, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		gn_db_col_copy(q, 0, out, size);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? GN_OK : gn_db_fail(db, err, "household");
}

/* Reads one flat row (or NULL if the record does not exist yet). */
static gn_status read_flat(sqlite3 *db, const char *sql, const char *id, char **out, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	*out = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "read");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*out = gn_db_col_dup(st, 0);
	else if (step != SQLITE_DONE)
		rc = gn_db_fail(db, err, "read");
	sqlite3_finalize(st);
	return rc;
}

static gn_status check_answers_object(sqlite3 *db, const char *json, const char *field, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	int ok = 0;
	if (sqlite3_prepare_v2(db, "SELECT json_valid(?1) AND json_type(?1) = 'object'", -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "answers");
	sqlite3_bind_text(st, 1, json ? json : "{}", -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ok = sqlite3_column_int(st, 0);
	if (rc != SQLITE_ROW) {
		gn_status failed = gn_db_fail(db, err, "answers");
		sqlite3_finalize(st);
		return failed;
	}
	sqlite3_finalize(st);
	if (!ok)
		return gn_fail_field(err, GN_ERR_INVALID, field, _("the answers are not a JSON object"));
	return GN_OK;
}

/* Writes the audit record of one row, if anything changed. */
static gn_status audit_change(gn_ctx *ctx, const char *action, const char *table, const char *id,
                              const char *tdp_id, const char *old_flat, const char *new_flat, gn_err *err)
{
	char *changes = NULL;
	gn_status st = json_diff(ctx->db, old_flat, new_flat, &changes, err);
	if (st == GN_OK && strcmp(changes, "{}") != 0)
		st = gn_audit(ctx, action, table, id, tdp_id, changes, err);
	free(changes);
	return st;
}

/* The form the record is entered with, parameters i and i+1 (NULL: the
 * caller entered with none, what is stored is kept). */
static void bind_form(const gn_ctx *ctx, sqlite3_stmt *st, int i)
{
	if (ctx->form_id && *ctx->form_id)
		sqlite3_bind_text(st, i, ctx->form_id, -1, SQLITE_STATIC);
	if (ctx->form_id && *ctx->form_id && ctx->form_version)
		sqlite3_bind_text(st, i + 1, ctx->form_version, -1, SQLITE_STATIC);
}

static gn_status save_household_row(gn_ctx *ctx, gn_household *hh, const char *now, gn_err *err)
{
	sqlite3 *db = ctx->db;
	sqlite3_stmt *st = NULL;
	char *old_flat = NULL, *new_flat = NULL, *key = NULL;
	gn_status rc = GN_OK;
	bool is_new = !hh->id[0];
	char old_tdp[37] = "";

	if (!is_new) {
		if ((rc = read_flat(db, "SELECT " HOUSEHOLD_FLAT " FROM household WHERE id = ?1 AND deleted = 0",
		                    hh->id, &old_flat, err)) != GN_OK)
			goto out;
		if (!old_flat) {
			rc = gn_fail(err, GN_ERR_NOT_FOUND, _("the household no longer exists"));
			goto out;
		}
		/* Moving a household needs the right to both TDPs. */
		if ((rc = one_value(db, "SELECT tdp_id FROM household WHERE id = ?1", hh->id, old_tdp, sizeof old_tdp,
		                    err)) != GN_OK ||
		    (rc = gn_scope_require_tdp(ctx, old_tdp, err)) != GN_OK)
			goto out;
	} else {
		gn_uuid_new(hh->id);
	}
	if (hh->walk_order <= 0) {
		char next[64];
		if ((rc = one_value(db, "SELECT coalesce(max(walk_order), 0) + 1 FROM household WHERE tdp_id = ?1",
		                    hh->tdp_id, next, sizeof next, err)) != GN_OK)
			goto out;
		hh->walk_order = *next ? atof(next) : 1;
	}
	{
		char addr[1024];
		snprintf(addr, sizeof addr, "%s %s %s", hh->house_no, hh->alley, hh->street);
		if ((rc = gn_text_fold(addr, &key)) != GN_OK)
			goto out;
	}
	if (!hh->entered_by || !*hh->entered_by) {
		free(hh->entered_by);
		hh->entered_by = strdup(ctx->user.login);
	}
	const char *sql = is_new
		? "INSERT INTO household(id, tdp_id, walk_order, house_no, alley, street, address_key, "
		  "visit_status, visit_date, visited_by, entered_by, answers, created_at, created_by, "
		  "updated_at, updated_by, form_id, form_version) "
		  "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,json(?12),?13,?14,?13,?14,?15,?16)"
		: "UPDATE household SET tdp_id=?2, walk_order=?3, house_no=?4, alley=?5, street=?6, "
		  "address_key=?7, visit_status=?8, visit_date=?9, visited_by=?10, "
		  "answers=json(?12), updated_at=?13, updated_by=?14, form_id=coalesce(?15, form_id), "
		  "form_version=coalesce(?16, form_version), rev=rev+1 WHERE id=?1";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(db, err, "household");
		goto out;
	}
	sqlite3_bind_text(st, 1, hh->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hh->tdp_id, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, hh->walk_order);
	sqlite3_bind_text(st, 4, hh->house_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, hh->alley, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, hh->street, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, hh->visit_status, -1, SQLITE_STATIC);
	if (hh->visit_date && *hh->visit_date)
		sqlite3_bind_text(st, 9, hh->visit_date, -1, SQLITE_STATIC);
	if (hh->visited_by && *hh->visited_by)
		sqlite3_bind_text(st, 10, hh->visited_by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, hh->entered_by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, hh->answers ? hh->answers : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, ctx->user.login, -1, SQLITE_STATIC);
	bind_form(ctx, st, 15);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = gn_db_fail(db, err, "household");
		goto out;
	}
	if ((rc = read_flat(db, "SELECT " HOUSEHOLD_FLAT " FROM household WHERE id = ?1", hh->id,
	                    &new_flat, err)) != GN_OK)
		goto out;
	rc = audit_change(ctx, is_new ? "create" : "update", "household", hh->id, hh->tdp_id,
	                  old_flat, new_flat, err);
out:
	sqlite3_finalize(st);
	free(old_flat);
	free(new_flat);
	free(key);
	return rc;
}

static gn_status save_person_row(gn_ctx *ctx, const gn_household *hh, gn_person *p, int position,
                                 const char *now, gn_err *err)
{
	sqlite3 *db = ctx->db;
	sqlite3_stmt *st = NULL;
	char *old_flat = NULL, *new_flat = NULL, *key = NULL;
	gn_status rc = GN_OK;
	bool is_new = !p->id[0];

	if (!is_new) {
		if ((rc = read_flat(db, "SELECT " PERSON_FLAT " FROM person WHERE id = ?1 AND deleted = 0",
		                    p->id, &old_flat, err)) != GN_OK)
			goto out;
		if (!old_flat) {
			rc = gn_fail(err, GN_ERR_NOT_FOUND, _("a member of this household no longer exists"));
			goto out;
		}
		/* A member taken over from another household: that household's TDP
		 * must be the user's too, or its people could be pulled into view. */
		char from_tdp[37] = "";
		if ((rc = one_value(db, "SELECT tdp_id FROM person WHERE id = ?1", p->id, from_tdp, sizeof from_tdp,
		                    err)) != GN_OK ||
		    (rc = gn_scope_require_tdp(ctx, from_tdp, err)) != GN_OK)
			goto out;
	} else {
		gn_uuid_new(p->id);
	}
	if ((rc = gn_text_fold(p->full_name, &key)) != GN_OK)
		goto out;
	const char *sql = is_new
		? "INSERT INTO person(id, household_id, tdp_id, position, full_name, name_key, birth_year, "
		  "sex, relation, " GN_SQL_CCCD_COLUMNS ", answers, created_at, created_by, updated_at, updated_by, "
		  "form_id, form_version) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9," GN_SQL_CCCD_VALUES("?10")
		  ",json(?11),?12,?13,?12,?13,?14,?15)" /* the version: by trigger */
		: "UPDATE person SET household_id=?2, tdp_id=?3, position=?4, full_name=?5, name_key=?6, "
		  "birth_year=?7, sex=?8, relation=?9, " GN_SQL_CCCD_SET("?10") ", answers=json(?11), updated_at=?12, "
		  "updated_by=?13, form_id=coalesce(?14, form_id), form_version=coalesce(?15, form_version), "
		  "rev=rev+1 WHERE id=?1 AND ("
		  "household_id IS NOT ?2 OR tdp_id IS NOT ?3 OR position IS NOT ?4 OR full_name IS NOT ?5 OR "
		  "birth_year IS NOT ?7 OR sex IS NOT ?8 OR relation IS NOT ?9 OR " GN_SQL_CCCD_DIFFERS("?10") " OR "
		  "answers IS NOT json(?11))";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = gn_db_fail(db, err, "person");
		goto out;
	}
	sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hh->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hh->tdp_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, position);
	sqlite3_bind_text(st, 5, p->full_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, key, -1, SQLITE_STATIC);
	if (p->birth_year)
		sqlite3_bind_int(st, 7, p->birth_year);
	if (p->sex[0])
		sqlite3_bind_text(st, 8, p->sex, -1, SQLITE_STATIC);
	if (p->relation[0])
		sqlite3_bind_text(st, 9, p->relation, -1, SQLITE_STATIC);
	/* a masked number is the stored one an account without the key saw:
	 * NULL keeps it (GN_SQL_CCCD_SET); with the key it is not a number */
	bool masked = gn_cccd_is_masked(p->cccd);
	if (masked && gn_vault_state_of(db) != GN_VAULT_LOCKED) {
		rc = gn_fail_field(err, GN_ERR_INVALID, "cccd", "%s",
		                   _("the citizen ID number is shown masked: type the whole number, or clear it"));
		goto out;
	}
	if (p->cccd && *p->cccd && !masked)
		sqlite3_bind_text(st, 10, p->cccd, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, p->answers ? p->answers : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, ctx->user.login, -1, SQLITE_STATIC);
	bind_form(ctx, st, 14);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = gn_db_fail(db, err, "person");
		goto out;
	}
	if ((rc = read_flat(db, "SELECT " PERSON_FLAT " FROM person WHERE id = ?1", p->id, &new_flat, err)) != GN_OK)
		goto out;
	rc = audit_change(ctx, is_new ? "create" : "update", "person", p->id, hh->tdp_id, old_flat, new_flat, err);
out:
	sqlite3_finalize(st);
	free(old_flat);
	free(new_flat);
	free(key);
	return rc;
}

/* Tombstones the household's members that are not in hh->members. */
static gn_status remove_dropped_members(gn_ctx *ctx, const gn_household *hh, const char *now, gn_err *err)
{
	sqlite3_stmt *sel = NULL, *del = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(ctx->db, "SELECT id FROM person WHERE household_id = ?1 AND deleted = 0",
	                       -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ctx->db, "UPDATE person SET deleted = 1, rev = rev + 1, updated_at = ?2, "
	                       "updated_by = ?3 WHERE id = ?1", -1, &del, NULL) != SQLITE_OK) {
		rc = gn_db_fail(ctx->db, err, "person");
		goto out;
	}
	sqlite3_bind_text(sel, 1, hh->id, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(sel, 0);
		bool kept = false;
		for (size_t i = 0; i < hh->n_members && !kept; i++)
			kept = strcmp(hh->members[i].id, id) == 0;
		if (kept)
			continue;
		sqlite3_bind_text(del, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(del, 2, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(del, 3, ctx->user.login, -1, SQLITE_STATIC);
		if (sqlite3_step(del) != SQLITE_DONE) {
			rc = gn_db_fail(ctx->db, err, "person");
			goto out;
		}
		sqlite3_reset(del);
		if ((rc = gn_audit(ctx, "remove", "person", id, hh->tdp_id, NULL, err)) != GN_OK)
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = gn_db_fail(ctx->db, err, "person");
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(del);
	return rc;
}

static gn_status read_revs(sqlite3 *db, const gn_household *hh, long *revs, gn_err *err);

gn_status gn_household_save(gn_ctx *ctx, gn_household *hh, gn_err *err)
{
	gn_status st;
	char now[32];

	if ((st = gn_scope_require_tdp(ctx, hh->tdp_id, err)) != GN_OK)
		return st;
	if ((st = clean_household(hh, err)) != GN_OK)
		return st;
	if ((st = gn_household_validate(hh, gn_this_year(), err)) != GN_OK)
		return st;
	if ((st = check_answers_object(ctx->db, hh->answers, "answers", err)) != GN_OK)
		return st;
	for (size_t i = 0; i < hh->n_members; i++)
		if ((st = check_answers_object(ctx->db, hh->members[i].answers, "answers", err)) != GN_OK)
			return st;

	/* Ids handed out inside a failed transaction must not stick. */
	char saved_id[37];
	snprintf(saved_id, sizeof saved_id, "%s", hh->id);
	char (*member_ids)[37] = calloc(hh->n_members + 1, sizeof *member_ids);
	if (!member_ids)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	for (size_t i = 0; i < hh->n_members; i++)
		memcpy(member_ids[i], hh->members[i].id, 37);
	double saved_walk = hh->walk_order;

	long *revs = calloc(hh->n_members + 1, sizeof *revs); /* [0]: the household's, then each member's */
	if (!revs) {
		free(member_ids);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}

	gn_now_iso(now);
	if ((st = gn_db_begin(ctx->db, err)) != GN_OK)
		goto out;
	/* no lost update: only over the version it was opened from */
	st = gn_household_check_current(ctx, hh, err);
	/* what the operator figures need: was it entered before, and did this
	 * save change anything (an audit entry was written) */
	char was_entered[8] = "", audit_mark[32] = "", audit_now[32] = "";
	if (st == GN_OK && saved_id[0])
		st = one_value(ctx->db, "SELECT entered_at IS NOT NULL FROM household WHERE id = ?1", saved_id, was_entered,
		               sizeof was_entered, err);
	if (st == GN_OK)
		st = one_value(ctx->db, "SELECT coalesce(max(id), 0) FROM audit_log WHERE ?1 IS NOT NULL", "", audit_mark,
		               sizeof audit_mark, err);
	if (st == GN_OK)
		st = save_household_row(ctx, hh, now, err);
	for (size_t i = 0; i < hh->n_members && st == GN_OK; i++)
		st = save_person_row(ctx, hh, &hh->members[i], (int)i + 1, now, err);
	if (st == GN_OK)
		st = remove_dropped_members(ctx, hh, now, err);
	if (st == GN_OK)
		st = one_value(ctx->db, "SELECT coalesce(max(id), 0) FROM audit_log WHERE ?1 IS NOT NULL", "", audit_now,
		               sizeof audit_now, err);
	if (st == GN_OK)
		st = gn_entry_record(ctx, hh, now, strcmp(was_entered, "1") == 0, strcmp(audit_mark, audit_now) != 0, err);
	if (st == GN_OK)
		st = gn_cov_update_household(ctx->db, ctx->coverage, hh->id, err);
	if (st == GN_OK)
		st = read_revs(ctx->db, hh, revs, err);
	if (st == GN_OK)
		st = gn_db_commit(ctx->db, err);
	else
		gn_db_rollback(ctx->db);
	if (st != GN_OK) {
		snprintf(hh->id, sizeof hh->id, "%s", saved_id);
		for (size_t i = 0; i < hh->n_members; i++)
			memcpy(hh->members[i].id, member_ids[i], 37);
		hh->walk_order = saved_walk;
	} else {
		snprintf(hh->updated_at, sizeof hh->updated_at, "%s", now);
		snprintf(hh->updated_by, sizeof hh->updated_by, "%s", ctx->user.login);
		snprintf(hh->opened_at, sizeof hh->opened_at, "%s", now);
		hh->rev = revs[0];
		for (size_t i = 0; i < hh->n_members; i++)
			hh->members[i].rev = revs[i + 1];
		/* the next save checks against what was saved now; without the
		 * copy (out of memory) it checks the revisions alone */
		if (set_opened(hh, NULL) != GN_OK && hh->opened) {
			gn_household_free(hh->opened);
			free(hh->opened);
			hh->opened = NULL;
		}
	}
out:
	free(member_ids);
	free(revs);
	return st;
}

/* The revisions of the household and each member, as just written. */
static gn_status read_revs(sqlite3 *db, const gn_household *hh, long *revs, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(db, "SELECT rev FROM household WHERE id = ?1", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "household");
	for (size_t i = 0; i <= hh->n_members && rc == GN_OK; i++) {
		if (i == 1) {
			sqlite3_finalize(q);
			q = NULL;
			if (sqlite3_prepare_v2(db, "SELECT rev FROM person WHERE id = ?1", -1, &q, NULL) != SQLITE_OK)
				return gn_db_fail(db, err, "person");
		}
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, i ? hh->members[i - 1].id : hh->id, -1, SQLITE_STATIC);
		int step = sqlite3_step(q);
		if (step == SQLITE_ROW)
			revs[i] = sqlite3_column_int64(q, 0);
		else
			rc = gn_db_fail(db, err, i ? "person" : "household");
	}
	sqlite3_finalize(q);
	return rc;
}

gn_status gn_household_remove(gn_ctx *ctx, const char *id, gn_err *err)
{
	gn_household hh;
	gn_status st = gn_household_load(ctx, id, &hh, err);
	if (st != GN_OK)
		return st;
	char now[32];
	gn_now_iso(now);
	if ((st = gn_db_begin(ctx->db, err)) != GN_OK)
		goto out;
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(ctx->db, "UPDATE household SET deleted = 1, rev = rev + 1, updated_at = ?2, "
	                       "updated_by = ?3 WHERE id = ?1", -1, &q, NULL) != SQLITE_OK) {
		st = gn_db_fail(ctx->db, err, "household");
	} else {
		sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, ctx->user.login, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			st = gn_db_fail(ctx->db, err, "household");
	}
	sqlite3_finalize(q);
	/* Removing the roster: save it empty, which tombstones every member. */
	if (st == GN_OK) {
		size_t n = hh.n_members;
		hh.n_members = 0;
		st = remove_dropped_members(ctx, &hh, now, err);
		hh.n_members = n;
	}
	if (st == GN_OK)
		st = gn_audit(ctx, "remove", "household", id, hh.tdp_id, NULL, err);
	if (st == GN_OK)
		st = gn_db_commit(ctx->db, err);
	else
		gn_db_rollback(ctx->db);
out:
	gn_household_free(&hh);
	return st;
}

void gn_person_free(gn_person *p)
{
	free(p->full_name);
	free(p->cccd);
	free(p->answers);
	memset(p, 0, sizeof *p);
}

void gn_household_free(gn_household *hh)
{
	if (hh->opened) {
		gn_household_free(hh->opened);
		free(hh->opened);
	}
	free(hh->house_no);
	free(hh->alley);
	free(hh->street);
	free(hh->visit_date);
	free(hh->visited_by);
	free(hh->entered_by);
	free(hh->answers);
	for (size_t i = 0; i < hh->n_members; i++)
		gn_person_free(&hh->members[i]);
	free(hh->members);
	memset(hh, 0, sizeof *hh);
}

gn_person *gn_household_add_member(gn_household *hh)
{
	gn_person *bigger = realloc(hh->members, (hh->n_members + 1) * sizeof *bigger);
	if (!bigger)
		return NULL;
	hh->members = bigger;
	gn_person *p = &hh->members[hh->n_members++];
	memset(p, 0, sizeof *p);
	return p;
}

static gn_status dup_or_null(const char *from, char **to)
{
	*to = NULL;
	if (from && !(*to = strdup(from)))
		return GN_ERR_NOMEM;
	return GN_OK;
}

gn_status gn_household_copy(const gn_household *from, gn_household *to, gn_err *err)
{
	memset(to, 0, sizeof *to);
	memcpy(to->id, from->id, sizeof to->id);
	memcpy(to->tdp_id, from->tdp_id, sizeof to->tdp_id);
	to->walk_order = from->walk_order;
	memcpy(to->visit_status, from->visit_status, sizeof to->visit_status);
	to->rev = from->rev;
	memcpy(to->updated_at, from->updated_at, sizeof to->updated_at);
	memcpy(to->updated_by, from->updated_by, sizeof to->updated_by);
	memcpy(to->opened_at, from->opened_at, sizeof to->opened_at);
	bool ok = !dup_or_null(from->house_no, &to->house_no) && !dup_or_null(from->alley, &to->alley) &&
	          !dup_or_null(from->street, &to->street) && !dup_or_null(from->visit_date, &to->visit_date) &&
	          !dup_or_null(from->visited_by, &to->visited_by) && !dup_or_null(from->entered_by, &to->entered_by) &&
	          !dup_or_null(from->answers, &to->answers);
	for (size_t i = 0; ok && i < from->n_members; i++) {
		const gn_person *f = &from->members[i];
		gn_person *p = gn_household_add_member(to);
		if (!p) {
			ok = false;
			break;
		}
		memcpy(p->id, f->id, sizeof p->id);
		p->birth_year = f->birth_year;
		memcpy(p->sex, f->sex, sizeof p->sex);
		memcpy(p->relation, f->relation, sizeof p->relation);
		p->rev = f->rev;
		ok = !dup_or_null(f->full_name, &p->full_name) && !dup_or_null(f->cccd, &p->cccd) &&
		     !dup_or_null(f->answers, &p->answers);
	}
	if (ok && from->opened) {
		to->opened = calloc(1, sizeof *to->opened);
		ok = to->opened && gn_household_copy(from->opened, to->opened, NULL) == GN_OK;
		if (!ok) {
			free(to->opened);
			to->opened = NULL;
		}
	}
	if (!ok) {
		gn_household_free(to);
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	}
	return GN_OK;
}

/* ---- the columns as text --------------------------------------------------- */

const char *const gn_household_columns[] = { "house_no", "alley", "street", "visit_status", "visit_date",
	                                         "visited_by", "tdp_id", "walk_order", NULL };
const char *const gn_person_columns[] = { "full_name", "birth_year", "sex", "relation", "cccd", NULL };

static char *column_text(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

static void set_text(char **place, const char *v)
{
	free(*place);
	*place = v ? strdup(v) : NULL;
}

char *gn_household_column(const gn_household *h, const char *name)
{
	if (strcmp(name, "house_no") == 0) return column_text(h->house_no);
	if (strcmp(name, "alley") == 0) return column_text(h->alley);
	if (strcmp(name, "street") == 0) return column_text(h->street);
	if (strcmp(name, "visit_status") == 0) return column_text(h->visit_status);
	if (strcmp(name, "visit_date") == 0) return column_text(h->visit_date);
	if (strcmp(name, "visited_by") == 0) return column_text(h->visited_by);
	if (strcmp(name, "tdp_id") == 0) return column_text(h->tdp_id);
	if (strcmp(name, "walk_order") == 0) {
		char buf[64];
		snprintf(buf, sizeof buf, "%.17g", h->walk_order);
		return strdup(buf);
	}
	return NULL;
}

bool gn_household_set_column(gn_household *h, const char *name, const char *v)
{
	if (strcmp(name, "house_no") == 0) set_text(&h->house_no, v ? v : "");
	else if (strcmp(name, "alley") == 0) set_text(&h->alley, v ? v : "");
	else if (strcmp(name, "street") == 0) set_text(&h->street, v ? v : "");
	else if (strcmp(name, "visit_status") == 0) snprintf(h->visit_status, sizeof h->visit_status, "%s", v ? v : "");
	else if (strcmp(name, "visit_date") == 0) set_text(&h->visit_date, v);
	else if (strcmp(name, "visited_by") == 0) set_text(&h->visited_by, v);
	else if (strcmp(name, "tdp_id") == 0) snprintf(h->tdp_id, sizeof h->tdp_id, "%s", v ? v : "");
	else if (strcmp(name, "walk_order") == 0) h->walk_order = v ? strtod(v, NULL) : 0;
	else return false;
	return true;
}

char *gn_person_column(const gn_person *p, const char *name)
{
	if (strcmp(name, "full_name") == 0) return column_text(p->full_name);
	if (strcmp(name, "sex") == 0) return column_text(p->sex);
	if (strcmp(name, "relation") == 0) return column_text(p->relation);
	if (strcmp(name, "cccd") == 0) return column_text(p->cccd);
	if (strcmp(name, "birth_year") == 0 && p->birth_year) {
		char buf[16];
		snprintf(buf, sizeof buf, "%d", p->birth_year);
		return strdup(buf);
	}
	return NULL;
}

/* A birth year as typed: a whole number that fits, else 0 (none). */
static int year_of(const char *v)
{
	if (!v || !*v || strlen(v) > 6 || strspn(v, "0123456789") != strlen(v))
		return 0;
	int year = atoi(v);
	return year > 0 && year < 100000 ? year : 0;
}

bool gn_person_set_column(gn_person *p, const char *name, const char *v)
{
	if (strcmp(name, "full_name") == 0) set_text(&p->full_name, v);
	else if (strcmp(name, "sex") == 0) snprintf(p->sex, sizeof p->sex, "%s", v ? v : "");
	else if (strcmp(name, "relation") == 0) snprintf(p->relation, sizeof p->relation, "%s", v ? v : "");
	else if (strcmp(name, "cccd") == 0) set_text(&p->cccd, v);
	else if (strcmp(name, "birth_year") == 0) p->birth_year = year_of(v);
	else return false;
	return true;
}
