/* The `answers` JSON object of a household or person: every question that
 * has no column of its own. A form sets the keys it knows one by one with
 * SQLite's json_set/json_remove, so keys written by another form version
 * (or another PC) are never lost by a save. */
#ifndef GONHA_ANSWERS_H
#define GONHA_ANSWERS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

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

/* A number as JSON writes it and an answer is stored as a number: -12,
 * 12.5 (no hex, exponents, inf; under 20 characters). Anything else is
 * kept as typed, as text. */
bool gn_answers_is_number(const char *s);

/* The value of key as text (numbers as written), or NULL when absent or
 * null. Malloc'd. */
char *gn_answers_get(sqlite3 *db, const char *answers, const char *key);

#endif

/* ---- repeats that are not the person roster ------------------------------
 *
 * Their answers live in the record's answers object under flat keys made
 * of the path of repeat entries (1-based) and the question's name:
 *   "crops[2]/name"          question name in entry 2 of repeat crops
 *   "woman[1]/child[3]/age"  nested repeats
 *   "crops"                  how many entries repeat crops has (a number)
 * Questions outside any repeat keep their bare name. This is the one
 * encoding: the form screen, the draft, the save (the answers object as
 * it is), the export's per-repeat tables and their import go through the
 * functions below. */

/* "prefix/name", or name when prefix is "" (buf of size bytes). False when
 * it does not fit. */
bool gn_repeat_key(char *buf, size_t size, const char *prefix, const char *name);
/* The path of entry `index` (from 1) of a repeat: "repeat_path[index]". */
bool gn_repeat_entry(char *buf, size_t size, const char *repeat_path, size_t index);
/* How many entries the repeat at repeat_path has (0 when none). */
size_t gn_repeat_count(sqlite3 *db, const char *answers, const char *repeat_path);
/* Sets the number of entries; entries past n are removed with every key
 * under them. */
gn_status gn_repeat_set_count(sqlite3 *db, char **answers, const char *repeat_path, size_t n, gn_err *err);
/* The answers to question `name` in every entry of the repeats
 * repeats[0..n) below prefix (repeats[0] directly under prefix, each next
 * inside the one before), in entry order, as a JSON array of strings (an
 * entry without an answer gives ""): what count(), sum(), min(), max()
 * and indexed-repeat() read. name NULL: the entries of the innermost
 * repeat themselves (each ""). Malloc'd into *json. */
gn_status gn_repeat_values(sqlite3 *db, const char *answers, const char *prefix, const char *const *repeats, size_t n,
                           const char *name, char **json);
/* Removes entry `index` (from 1): its keys go, the later entries move one
 * down (their keys renumbered, nested ones too), the count drops by one. */
gn_status gn_repeat_remove(sqlite3 *db, char **answers, const char *repeat_path, size_t index, gn_err *err);
