/* The one encoding of repeats that are not the person roster: flat keys
 * "repeat[i]/name" in the record's answers, the count under the repeat's
 * own path; removing an entry renumbers the later ones (nested too). */
#include "testlib.h"
#include "gonha/domain/answers.h"
#include "gonha/storage/db.h"

#include <stdlib.h>
#include <string.h>

static sqlite3 *db;


static void put(char **a, const char *key, const char *v)
{
	gn_err err = { 0 };
	CHECK_EQ_INT(gn_answers_set(db, a, key, v, GN_ANSWER_TEXT, &err), GN_OK);
}

static void keys_and_paths(void)
{
	char buf[64];
	CHECK(gn_repeat_key(buf, sizeof buf, "", "name"));
	CHECK_STR(buf, "name");
	CHECK(gn_repeat_key(buf, sizeof buf, "woman[2]/child[1]", "name"));
	CHECK_STR(buf, "woman[2]/child[1]/name");
	CHECK(gn_repeat_entry(buf, sizeof buf, "woman[2]/child", 3));
	CHECK_STR(buf, "woman[2]/child[3]");
	CHECK(!gn_repeat_key(buf, 8, "woman[2]", "name"));
}

static void count_and_truncate(void)
{
	sqlite3_open(":memory:", &db);
	gn_err err = { 0 };
	char *a = NULL;
	CHECK_EQ_INT((int)gn_repeat_count(db, a, "man"), 0);
	CHECK_EQ_INT(gn_repeat_set_count(db, &a, "man", 3, &err), GN_OK);
	CHECK_EQ_INT((int)gn_repeat_count(db, a, "man"), 3);
	put(&a, "man[1]/name", "An");
	put(&a, "man[3]/name", "Ba");
	put(&a, "mango", "keep");
	CHECK_EQ_INT(gn_repeat_set_count(db, &a, "man", 1, &err), GN_OK);
	CHECK_STR(a, "{\"man\":1,\"man[1]/name\":\"An\",\"mango\":\"keep\"}");
	free(a);
	sqlite3_close(db);
}

static void remove_renumbers_nested_entries(void)
{
	sqlite3_open(":memory:", &db);
	gn_err err = { 0 };
	char *a = NULL;
	put(&a, "n", "12");
	CHECK_EQ_INT(gn_repeat_set_count(db, &a, "woman", 3, &err), GN_OK);
	put(&a, "woman[1]/name", "Lan");
	put(&a, "woman[2]/name", "Mai");
	put(&a, "woman[3]/name", "Hoa");
	CHECK_EQ_INT(gn_repeat_set_count(db, &a, "woman[3]/child", 2, &err), GN_OK);
	put(&a, "woman[3]/child[1]/name", "Tí");
	put(&a, "woman[3]/child[2]/name", "Tèo");
	CHECK_EQ_INT(gn_repeat_set_count(db, &a, "woman[2]/child", 1, &err), GN_OK);
	put(&a, "woman[2]/child[1]/name", "Bé");
	CHECK_EQ_INT(gn_repeat_remove(db, &a, "woman", 2, &err), GN_OK);
	CHECK_STR(a, "{\"n\":\"12\",\"woman\":2,\"woman[1]/name\":\"Lan\",\"woman[2]/name\":\"Hoa\","
	             "\"woman[2]/child\":2,\"woman[2]/child[1]/name\":\"Tí\",\"woman[2]/child[2]/name\":\"Tèo\"}");
	/* an entry of a nested repeat, past the tenth */
	CHECK_EQ_INT(gn_repeat_set_count(db, &a, "woman[1]/child", 12, &err), GN_OK);
	put(&a, "woman[1]/child[11]/name", "Mười một");
	put(&a, "woman[1]/child[12]/name", "Mười hai");
	CHECK_EQ_INT(gn_repeat_remove(db, &a, "woman[1]/child", 11, &err), GN_OK);
	char *v = gn_answers_get(db, a, "woman[1]/child[11]/name");
	CHECK_STR(v, "Mười hai");
	free(v);
	CHECK_EQ_INT((int)gn_repeat_count(db, a, "woman[1]/child"), 11);
	CHECK(gn_answers_get(db, a, "woman[1]/child[12]/name") == NULL);
	/* out of range changes nothing; the last entry leaves no count */
	CHECK_EQ_INT(gn_repeat_remove(db, &a, "woman", 9, &err), GN_OK);
	CHECK_EQ_INT(gn_repeat_remove(db, &a, "woman[2]/child", 1, &err), GN_OK);
	CHECK_EQ_INT(gn_repeat_remove(db, &a, "woman[2]/child", 1, &err), GN_OK);
	CHECK(gn_answers_get(db, a, "woman[2]/child") == NULL);
	free(a);
	sqlite3_close(db);
}

GN_TESTS(T(keys_and_paths), T(count_and_truncate), T(remove_renumbers_nested_entries))
