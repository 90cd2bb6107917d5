/* household_word (migration 22): the words of each live member's folded
 * name, and each household's CCCD provinces, that search typing reads as
 * one range. One definition of what belongs there, for the migration that
 * fills it, the triggers that keep it, and `gonha check` that recounts it. */
#ifndef GONHA_SEARCH_WORDS_H
#define GONHA_SEARCH_WORDS_H

/* The words of a name: name_key split at each space, the empty pieces left
 * out. In SQL as a JSON array (name_key has no control characters: folded
 * to spaces; '\' and '"' escaped); in C, gn_name_word_next below, for the
 * import into a ward with nobody in it (import_bulk.c). test_storage's
 * search_words_split_alike holds the two to the same words. */
#define GN_NAME_WORDS(key) \
	"json_each('[\"' || replace(replace(replace(" key ", '\\', '\\\\'), '\"', '\\\"'), ' ', '\",\"') || '\"]')"

/* Every row household_word should hold, made afresh from the persons:
 * (tdp_id, word, household_id, name_key). */
#define GN_SQL_HOUSEHOLD_WORDS \
	"SELECT p.tdp_id, w.value, p.household_id, p.name_key FROM person p, " GN_NAME_WORDS("p.name_key") " w" \
	"  WHERE p.deleted = 0 AND w.value <> ''" \
	" UNION SELECT tdp_id, substr(cccd_masked, 1, 3), household_id, '' FROM person" \
	"  WHERE deleted = 0 AND cccd_masked <> ''"

#include <stddef.h>
#include <string.h>

/* The next word of name_key from *at on: its start, *len its bytes, *at
 * moved past it; NULL when no word is left. */
static inline const char *gn_name_word_next(const char **at, size_t *len)
{
	const char *p = *at;
	while (*p == ' ')
		p++;
	if (!*p)
		return NULL;
	size_t n = strcspn(p, " ");
	*at = p + n;
	*len = n;
	return p;
}

#endif
