/* The `answers` JSON object of a household or person: every question that
 * has no column of its own. A form sets the keys it knows one by one with
 * SQLite's json_set/json_remove, so keys written by another form version
 * (or another PC) are never lost by a save. */
#ifndef GONHA_ANSWERS_H
#define GONHA_ANSWERS_H

#include <sqlite3.h>

#include "gonha/core/status.h"

typedef enum gn_answer_type {
	GN_ANSWER_TEXT = 0,   /* stored as a JSON string */
	GN_ANSWER_NUMBER,     /* stored as a JSON number (value must be one) */
	GN_ANSWER_NONE,       /* the key is removed */
} gn_answer_type;

/* *answers (malloc'd JSON object text, NULL = {}) gets key set to value,
 * every other key kept as it was. *answers is replaced (caller frees). */
gn_status gn_answers_set(sqlite3 *db, char **answers, const char *key, const char *value,
                         gn_answer_type type, gn_err *err);

/* The value of key as text (numbers as written), or NULL when absent or
 * null. Malloc'd. */
char *gn_answers_get(sqlite3 *db, const char *answers, const char *key);

#endif
