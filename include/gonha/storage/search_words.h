/* household_word (migration 22): the words of each live member's folded
 * name, and each household's CCCD provinces, that search typing reads as
 * one range. One definition of what belongs there, for the migration that
 * fills it, the triggers that keep it, and `gonha check` that recounts it. */
#ifndef GONHA_SEARCH_WORDS_H
#define GONHA_SEARCH_WORDS_H

/* The words of a name, as a JSON array: name_key has no control
 * characters (folded to spaces), '\' and '"' escaped. */
#define GN_NAME_WORDS(key) \
	"json_each('[\"' || replace(replace(replace(" key ", '\\', '\\\\'), '\"', '\\\"'), ' ', '\",\"') || '\"]')"

/* Every row household_word should hold, made afresh from the persons:
 * (tdp_id, word, household_id, name_key). */
#define GN_SQL_HOUSEHOLD_WORDS \
	"SELECT p.tdp_id, w.value, p.household_id, p.name_key FROM person p, " GN_NAME_WORDS("p.name_key") " w" \
	"  WHERE p.deleted = 0 AND w.value <> ''" \
	" UNION SELECT tdp_id, substr(cccd_masked, 1, 3), household_id, '' FROM person" \
	"  WHERE deleted = 0 AND cccd_masked <> ''"

#endif
