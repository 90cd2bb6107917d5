/* The length of a full answer, read from the form (gn_field_fixed_length):
 * what the form screen's heads-down entry moves on after. From the
 * constraint, never from a question's name. */
#include "testlib.h"
#include "gonha/storage/db.h"
#include "gonha/forms/form.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static sqlite3 *db;

static gn_form *load(const char *dir)
{
	gn_form *form = NULL;
	gn_form_problems p = { 0 };
	gn_err err = { 0 };
	if (!db) {
		setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
		if (gn_db_open_memory(&db, &err) != GN_OK)
			exit(2);
	}
	gn_form_load(dir, db, &form, &p, &err);
	gn_form_problems_free(&p);
	return form;
}

static int length_of(gn_form *form, const char *name)
{
	int i = gn_form_find(form, name);
	return i < 0 ? -1 : gn_field_fixed_length(form, (size_t)i);
}

static void the_census_form(void)
{
	char dir[600];
	snprintf(dir, sizeof dir, "%s/census", gn_forms_dir((char[512]){ 0 }, 512));
	gn_form *form = load(dir);
	REQUIRE(form);
	CHECK_EQ_INT(length_of(form, "birth_year"), 4); /* . >= 1900 and . <= this year */
	CHECK_EQ_INT(length_of(form, "cccd"), 12);      /* regex ^[0-9]{12}$ */
	CHECK_EQ_INT(length_of(form, "phone"), 0);      /* 10 or 11 digits */
	CHECK_EQ_INT(length_of(form, "full_name"), 0);  /* at most 80 */
	CHECK_EQ_INT(length_of(form, "house_no"), 0);
	CHECK_EQ_INT(length_of(form, "notes"), 0);
	gn_form_free(form);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Other forms: the same rules whatever the names. */
static void from_the_constraint_only(void)
{
	char dir[600];
	snprintf(dir, sizeof dir, "%s/f", gn_test_tmpdir());
	mkdir(dir, 0700);
	write_file(dir, "survey.csv",
	           "type,name,label::en,constraint\n"
	           "text,a,A,\"regex(., '^[A-Z]{2}[0-9]{4}$')\"\n"
	           "text,b,B,\"regex(.,\"\"^\\d\\d-\\d\\d$\"\")\"\n"
	           "text,c,C,\"regex(., '^[0-9]{2,3}$')\"\n"
	           "text,d,D,\"regex(., '[0-9]{5}')\"\n"
	           "text,e,E,\"regex(., '^(a|b)$')\"\n"
	           "integer,f,F,. >= 10 and . <= 99\n"
	           "integer,g,G,. >= 10 and . <= 100\n"
	           "integer,h,H,. > 999 and . < 10000\n"
	           "integer,i,I,. >= 0\n"
	           "integer,j,J,. >= 10 and . <= ${f}\n"
	           "text,birth_year,Year,\n"
	           "text,k,K,\"regex(., '^[0-9]{12}$') and . != '000000000000'\"\n");
	write_file(dir, "choices.csv", "list_name,name,label::en\n");
	write_file(dir, "settings.csv", "form_id,version,default_language\nt,1,en\n");
	gn_form *form = load(dir);
	REQUIRE(form);
	CHECK_EQ_INT(length_of(form, "a"), 6);
	CHECK_EQ_INT(length_of(form, "b"), 5);
	CHECK_EQ_INT(length_of(form, "c"), 0); /* two or three */
	CHECK_EQ_INT(length_of(form, "d"), 0); /* not anchored: found anywhere */
	CHECK_EQ_INT(length_of(form, "e"), 0);
	CHECK_EQ_INT(length_of(form, "f"), 2);
	CHECK_EQ_INT(length_of(form, "g"), 0); /* 100 has three digits */
	CHECK_EQ_INT(length_of(form, "h"), 4);
	CHECK_EQ_INT(length_of(form, "i"), 0);
	CHECK_EQ_INT(length_of(form, "j"), 0); /* bounded by another answer */
	CHECK_EQ_INT(length_of(form, "birth_year"), 0); /* a name says nothing */
	CHECK_EQ_INT(length_of(form, "k"), 12);
	gn_form_free(form);
	sqlite3_close(db);
	db = NULL;
}

GN_TESTS(T(the_census_form), T(from_the_constraint_only))
