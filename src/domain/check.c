#include "gonha/domain/check.h"
#include "gonha/domain/cccd.h"
#include "gonha/domain/coverage.h"
#include "gonha/storage/vault.h"
#include "gonha/storage/db.h"
#include "gonha/storage/schema_ref.h"
#include "gonha/storage/search_words.h"
#include "gonha/domain/household.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct checker {
	sqlite3 *db;
	gn_check_report_fn report;
	void *arg;
	long problems;
} checker;

static void problem(checker *c, const char *rule, const char *table, const char *id, const char *detail)
{
	c->problems++;
	if (c->report)
		c->report(c->arg, rule, table, id ? id : "", detail ? detail : "");
}

/* Runs a query whose rows are (table, record_id, detail) problems. */
static gn_status rule_query(checker *c, const char *rule, const char *sql, const char *detail,
                            const char *detail2, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(c->db, err, rule);
	/* Messages are bound, never pasted into SQL: a translation may hold a quote. */
	if (detail)
		sqlite3_bind_text(st, 1, detail, -1, SQLITE_STATIC);
	if (detail2)
		sqlite3_bind_text(st, 2, detail2, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		problem(c, rule, (const char *)sqlite3_column_text(st, 0),
		        (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2));
	if (step != SQLITE_DONE)
		rc = gn_db_fail(c->db, err, rule);
	sqlite3_finalize(st);
	return rc;
}

static gn_status check_integrity(checker *c, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(c->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(c->db, err, GN_RULE_INTEGRITY);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *msg = (const char *)sqlite3_column_text(st, 0);
		if (msg && strcmp(msg, "ok") != 0)
			problem(c, GN_RULE_INTEGRITY, "", "", msg);
	}
	if (step != SQLITE_DONE)
		rc = gn_db_fail(c->db, err, GN_RULE_INTEGRITY);
	sqlite3_finalize(st);
	return rc;
}

/* The domain's rules of each stored record, the ones a save meets
 * (gn_person_validate, gn_household_validate_visit), so that records that
 * got in before a rule existed are found; NFC; the search key; and, given
 * the indicators, each person's kept coverage bits against the bits
 * computed again from the answers (a wrong incremental update is found
 * there, even where the TDP sums agree with the bits). One pass per table. */
static gn_status check_persons(checker *c, const gn_cov_set *coverage, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	int year = gn_this_year();
	/* the number opened (its text checked against it: vault.c), and
	 * whether its masked form is the number's (an account with the key) */
	bool opened = gn_vault_state_of(c->db) != GN_VAULT_LOCKED;
	bool bits = coverage && coverage->pop_sql && coverage->num_sql;
	char *sql = sqlite3_mprintf("SELECT id, full_name, gn_cccd_open(cccd), birth_year, sex, relation, "
	                            "name_key IS NOT gn_fold(full_name), %s%s%s%s%s, "
	                            "cccd IS NULL OR cccd_masked IS gn_cccd_mask(cccd) FROM person WHERE deleted = 0",
	                            bits ? "(ind_pop, ind_num) IS NOT ((" : "0", bits ? coverage->pop_sql : "",
	                            bits ? "), (" : "", bits ? coverage->num_sql : "", bits ? "))" : "");
	if (!sql)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	int prepared = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	sqlite3_free(sql);
	if (prepared != SQLITE_OK)
		return gn_db_fail(c->db, err, GN_RULE_CCCD);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (sqlite3_column_int(st, 6))
			problem(c, GN_RULE_SEARCH_KEY, "person", id, _("the search key does not match the name"));
		if (sqlite3_column_int(st, 7))
			problem(c, GN_RULE_COUNTERS, "person", id, _("the person's kept indicator bits do not match the answers"));
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *sex = (const char *)sqlite3_column_text(st, 4), *relation = (const char *)sqlite3_column_text(st, 5);
		gn_person p = { .full_name = (char *)name, .birth_year = sqlite3_column_int(st, 3),
		                .cccd = (char *)sqlite3_column_text(st, 2) };
		snprintf(p.sex, sizeof p.sex, "%s", sex && strlen(sex) < sizeof p.sex ? sex : sex ? "?" : "");
		snprintf(p.relation, sizeof p.relation, "%s",
		         relation && strlen(relation) < sizeof p.relation ? relation : relation ? "?" : "");
		gn_err why = { 0 };
		if (opened && !sqlite3_column_int(st, 8))
			problem(c, GN_RULE_CCCD, "person", id,
			        _("the CCCD's masked form is not the number's: changed outside gonha"));
		if (gn_person_validate(&p, year, &why) != GN_OK) {
			char detail[GN_ERR_MSG_MAX + 80];
			snprintf(detail, sizeof detail, "%s: %s", why.field, why.msg);
			problem(c, strcmp(why.field, "cccd") == 0 ? GN_RULE_CCCD : GN_RULE_VALUES, "person", id, detail);
		}
		char *nfc = NULL;
		if (!name || !gn_text_valid_utf8(name, strlen(name)))
			problem(c, GN_RULE_NFC, "person", id, _("the name is not valid UTF-8"));
		else if (gn_text_nfc(name, &nfc) == GN_OK && strcmp(nfc, name) != 0)
			problem(c, GN_RULE_NFC, "person", id, _("the name is not stored in NFC"));
		free(nfc);
	}
	if (step != SQLITE_DONE)
		rc = gn_db_fail(c->db, err, GN_RULE_CCCD);
	sqlite3_finalize(st);
	st = NULL;
	/* One number, one citizen: the same CCCD on two live persons (one
	 * grouped pass over the column, its own blind index). */
	if (rc == GN_OK && sqlite3_prepare_v2(c->db, "SELECT p.id, d.first FROM (SELECT cccd, min(id) AS first FROM "
	                                      "person WHERE deleted = 0 AND cccd IS NOT NULL GROUP BY cccd HAVING "
	                                      "count(*) > 1) d JOIN person p ON p.cccd = d.cccd AND p.deleted = 0 "
	                                      "AND p.id <> d.first ORDER BY p.id", -1, &st, NULL) != SQLITE_OK)
		rc = gn_db_fail(c->db, err, GN_RULE_CCCD);
	while (rc == GN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		char detail[GN_ERR_MSG_MAX];
		snprintf(detail, sizeof detail, _("the same CCCD as person %s"), (const char *)sqlite3_column_text(st, 1));
		problem(c, GN_RULE_CCCD, "person", (const char *)sqlite3_column_text(st, 0), detail);
	}
	if (rc == GN_OK && step != SQLITE_DONE)
		rc = gn_db_fail(c->db, err, GN_RULE_CCCD);
	sqlite3_finalize(st);
	return rc;
}

static gn_status check_households(checker *c, gn_err *err)
{
	sqlite3_stmt *st = NULL;
	gn_status rc = GN_OK;
	if (sqlite3_prepare_v2(c->db, "SELECT id, visit_status, visit_date, "
	                       "address_key IS NOT gn_fold(house_no || ' ' || alley || ' ' || street) "
	                       "FROM household WHERE deleted = 0", -1, &st, NULL) != SQLITE_OK)
		return gn_db_fail(c->db, err, GN_RULE_VALUES);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 3))
			problem(c, GN_RULE_SEARCH_KEY, "household", (const char *)sqlite3_column_text(st, 0),
			        _("the search key does not match the address"));
		const char *status = (const char *)sqlite3_column_text(st, 1);
		gn_household h = { .visit_date = (char *)sqlite3_column_text(st, 2) };
		snprintf(h.visit_status, sizeof h.visit_status, "%s",
		         status && strlen(status) < sizeof h.visit_status ? status : "?");
		gn_err why = { 0 };
		if (gn_household_validate_visit(&h, &why) != GN_OK) {
			char detail[GN_ERR_MSG_MAX + 80];
			snprintf(detail, sizeof detail, "%s: %s", why.field, why.msg);
			problem(c, GN_RULE_VALUES, "household", (const char *)sqlite3_column_text(st, 0), detail);
		}
	}
	if (step != SQLITE_DONE)
		rc = gn_db_fail(c->db, err, GN_RULE_VALUES);
	sqlite3_finalize(st);
	return rc;
}

/* The schema as the migrations make it (built into gonha at build time:
 * gonha/storage/schema_ref.h): every table, index and trigger a fresh
 * database has, with the same SQL (an index or trigger dropped by hand, or
 * changed, is found; sqlite's own tables are not compared). */
static gn_status check_schema(checker *c, gn_err *err)
{
	sqlite3_stmt *have = NULL;
	if (sqlite3_prepare_v2(c->db, "SELECT sql FROM sqlite_schema WHERE type = ?1 AND name = ?2", -1, &have, NULL) !=
	    SQLITE_OK)
		return gn_db_fail(c->db, err, GN_RULE_SCHEMA);
	gn_status rc = GN_OK;
	for (size_t i = 0; i < gn_schema_reference_count && rc == GN_OK; i++) {
		const gn_schema_object *want = &gn_schema_reference[i];
		sqlite3_reset(have);
		sqlite3_bind_text(have, 1, want->type, -1, SQLITE_STATIC);
		sqlite3_bind_text(have, 2, want->name, -1, SQLITE_STATIC);
		int got = sqlite3_step(have);
		if (got == SQLITE_DONE) {
			char detail[256];
			snprintf(detail, sizeof detail, _("the %s %s is missing (the file was changed outside gonha)"),
			         want->type, want->name);
			problem(c, GN_RULE_SCHEMA, "", want->name, detail);
		} else if (got == SQLITE_ROW) {
			const char *now = (const char *)sqlite3_column_text(have, 0);
			if (!now || strcmp(now, want->sql) != 0) {
				char detail[256];
				snprintf(detail, sizeof detail, _("the %s %s differs from what gonha makes"), want->type,
				         want->name);
				problem(c, GN_RULE_SCHEMA, "", want->name, detail);
			}
		} else {
			rc = gn_db_fail(c->db, err, GN_RULE_SCHEMA);
		}
	}
	sqlite3_finalize(have);
	return rc;
}

gn_status gn_check_run(sqlite3 *db, const gn_cov_set *coverage, gn_check_report_fn report, void *arg, long *problems,
                       gn_err *err)
{
	checker c = { db, report, arg, 0 };
	gn_status st;

	if ((st = check_integrity(&c, err)) != GN_OK || (st = check_schema(&c, err)) != GN_OK)
		goto out;
	if ((st = rule_query(&c, GN_RULE_FOREIGN_KEY,
	                     "SELECT \"table\", CAST(rowid AS TEXT), printf(?1, parent) "
	                     "FROM pragma_foreign_key_check", _("refers to a missing %s row"), NULL, err)) != GN_OK)
		goto out;
	if ((st = rule_query(&c, GN_RULE_HOUSEHOLD_TDP,
	                     "SELECT 'household', h.id, ?1 FROM household h "
	                     "WHERE h.deleted = 0 AND NOT EXISTS (SELECT 1 FROM tdp WHERE tdp.id = h.tdp_id)",
	                     _("the household belongs to no TDP"), NULL, err)) != GN_OK)
		goto out;
	if ((st = rule_query(&c, GN_RULE_PERSON_HOUSEHOLD,
	                     "SELECT 'person', p.id, ?1 FROM person p WHERE p.deleted = 0 AND NOT EXISTS "
	                     "(SELECT 1 FROM household h WHERE h.id = p.household_id AND h.deleted = 0)",
	                     _("the person belongs to no household"), NULL, err)) != GN_OK)
		goto out;
	if ((st = rule_query(&c, GN_RULE_PERSON_TDP,
	                     "SELECT 'person', p.id, ?1 FROM person p JOIN household h ON h.id = p.household_id "
	                     "WHERE p.deleted = 0 AND p.tdp_id IS NOT h.tdp_id",
	                     _("the person's TDP differs from the household's"), NULL, err)) != GN_OK)
		goto out;
	if ((st = rule_query(&c, GN_RULE_ONE_HEAD,
	                     "SELECT 'household', household_id, printf(?1, heads) FROM ("
	                     " SELECT household_id, sum(relation IS 'head') AS heads FROM person"
	                     " WHERE deleted = 0 GROUP BY household_id) WHERE heads <> 1",
	                     _("the household has %d heads (it must have exactly one)"), NULL, err)) != GN_OK)
		goto out;
	/* The kept counts against a recount, each table in one grouped pass
	 * (never a scan per TDP): households by TDP, persons by TDP and bits,
	 * then every (TDP, bit) of the ward, so a row missing is found too. */
	if ((st = rule_query(&c, GN_RULE_COUNTERS,
	                     "WITH h AS (SELECT tdp_id, count(*) AS listed,"
	                     "  count(*) FILTER (WHERE visit_status = 'not_visited') AS not_visited,"
	                     "  count(*) FILTER (WHERE visit_status = 'done') AS done,"
	                     "  count(*) FILTER (WHERE visit_status = 'revisit') AS revisit,"
	                     "  count(*) FILTER (WHERE visit_status = 'refused') AS refused,"
	                     "  count(*) FILTER (WHERE visit_status = 'moved') AS moved"
	                     "  FROM household WHERE deleted = 0 GROUP BY tdp_id),"
	                     " g AS (SELECT tdp_id, ind_pop, ind_num, count(*) AS n FROM person WHERE deleted = 0"
	                     "  GROUP BY tdp_id, ind_pop, ind_num),"
	                     " x AS (SELECT g.tdp_id, b.bit, sum(g.n * ((g.ind_pop >> b.bit) & 1)) AS den,"
	                     "  sum(g.n * ((g.ind_num >> b.bit) & 1)) AS num FROM g, indicator_bit b GROUP BY g.tdp_id, b.bit) "
	                     "SELECT 'tdp_stats', t.id, ?1 FROM tdp t LEFT JOIN tdp_stats s ON s.tdp_id = t.id "
	                     "LEFT JOIN h ON h.tdp_id = t.id "
	                     "WHERE (coalesce(s.listed, -1), s.not_visited, s.done, s.revisit, s.refused, s.moved) IS NOT "
	                     "(coalesce(h.listed, 0), coalesce(h.not_visited, 0), coalesce(h.done, 0), coalesce(h.revisit, 0), "
	                     " coalesce(h.refused, 0), coalesce(h.moved, 0)) "
	                     "UNION ALL SELECT 'tdp_indicator', t.id, printf(?2, b.name) FROM tdp t CROSS JOIN indicator_bit b "
	                     "LEFT JOIN tdp_indicator c ON c.tdp_id = t.id AND c.bit = b.bit "
	                     "LEFT JOIN x ON x.tdp_id = t.id AND x.bit = b.bit "
	                     "WHERE (coalesce(c.den, -1), c.num) IS NOT (coalesce(x.den, 0), coalesce(x.num, 0))",
	                     _("the household counts of this TDP do not match a recount"),
	                     _("the kept count of indicator %s does not match a recount"), err)) != GN_OK)
		goto out;
	/* the words search typing reads (household_word, kept by triggers)
	 * against the persons, each household once: the rows the persons make,
	 * made once; each looked up by the table's key (they come TDP by TDP,
	 * as the key is ordered), and the table's rows that none made found by
	 * one EXCEPT against them (20 k persons: 0.27 s against 0.35 s for an
	 * EXCEPT each way, which made the rows twice and sorted both) */
	if ((st = rule_query(&c, GN_RULE_SEARCH_WORDS,
	                     "WITH f(tdp_id, word, household_id, name_key) AS MATERIALIZED (" GN_SQL_HOUSEHOLD_WORDS ") "
	                     "SELECT 'household', household_id, ?1 FROM f WHERE NOT EXISTS (SELECT 1 FROM household_word k "
	                     " WHERE k.tdp_id = f.tdp_id AND k.word = f.word AND k.household_id = f.household_id "
	                     " AND k.name_key = f.name_key) GROUP BY household_id "
	                     "UNION ALL SELECT 'household', household_id, ?2 FROM (SELECT tdp_id, word, household_id, name_key "
	                     " FROM household_word EXCEPT SELECT * FROM f) GROUP BY household_id",
	                     _("search words of this household's members are missing from the search table"),
	                     _("the search table has words for this household that none of its members has"), err)) != GN_OK)
		goto out;
	/* (each person's kept bits and the search keys are checked in the
	 * one pass over each table, check_persons and check_households) */
	/* gonha never deletes an entry and numbers them one after another: a
	 * gap is entries removed outside it (the last ones cannot be told);
	 * found in one pass in the order of the key */
	if ((st = rule_query(&c, GN_RULE_AUDIT,
	                     "SELECT 'audit_log', CAST(id AS TEXT), printf(?1, gap - 1) FROM "
	                     "(SELECT id, id - lag(id) OVER (ORDER BY id) AS gap FROM audit_log) WHERE gap > 1 "
	                     "UNION ALL SELECT 'audit_log', CAST(id AS TEXT), ?2 FROM audit_log WHERE json_valid(changes) = 0",
	                     _("%d entries of the audit log before this one are missing: removed outside gonha"),
	                     _("the entry's changes are not readable: changed outside gonha"), err)) != GN_OK)
		goto out;
	if ((st = check_persons(&c, coverage, err)) != GN_OK)
		goto out;
	st = check_households(&c, err);
out:
	if (problems)
		*problems = c.problems;
	return st;
}
