/* `gonha check`: SQLite's own integrity check plus the census's rules.
 * Problems name the rule, the table and the record's UUID; never a name or
 * an ID number, so the output can be shared with whoever fixes the file. */
#ifndef GONHA_CHECK_H
#define GONHA_CHECK_H

#include "gonha/core/status.h"

typedef struct sqlite3 sqlite3;

/* The rules, as they appear in reports. */
#define GN_RULE_INTEGRITY "integrity"            /* PRAGMA integrity_check */
#define GN_RULE_FOREIGN_KEY "foreign_key"        /* PRAGMA foreign_key_check */
#define GN_RULE_HOUSEHOLD_TDP "household_in_tdp" /* every household in a TDP */
#define GN_RULE_PERSON_HOUSEHOLD "person_in_household" /* every person in a live household */
#define GN_RULE_PERSON_TDP "person_tdp"          /* a person's TDP is the household's */
#define GN_RULE_ONE_HEAD "one_head"              /* exactly one head per household */
#define GN_RULE_CCCD "cccd"                      /* CCCDs valid and consistent */
#define GN_RULE_NFC "nfc"                        /* stored names are NFC */
#define GN_RULE_SEARCH_KEY "search_key"          /* folded keys match the names */
#define GN_RULE_COUNTERS "counters"              /* kept counts match a recount */
#define GN_RULE_SEARCH_WORDS "search_words"      /* household_word holds its members' words, no others */
#define GN_RULE_SCHEMA "schema"                  /* tables, indexes, triggers as the migrations make them */
#define GN_RULE_VALUES "values"                  /* a record breaks a rule of the domain (year, visit, ...) */
#define GN_RULE_FORM "form"                      /* a stored answer breaks the questionnaire's constraint */
#define GN_RULE_AUDIT "audit"                    /* the log as gonha writes it: no entry gone, each readable */

typedef void (*gn_check_report_fn)(void *arg, const char *rule, const char *table,
                                   const char *record_id, const char *detail);

typedef struct gn_cov_set gn_cov_set;

/* Runs every rule; calls report for each problem; *problems gets the count.
 * coverage: the indicators the counters are kept for (synced with
 * gn_cov_sync), so each person's kept bits are compared with the bits
 * computed again from the answers; NULL leaves that comparison out.
 * Returns GN_OK when the checks could run (even if they found problems). */
gn_status gn_check_run(sqlite3 *db, const gn_cov_set *coverage, gn_check_report_fn report, void *arg,
                       long *problems, gn_err *err);

#endif
