/* libFuzzer target: an arbitrary survey sheet through the CSV reader, the
 * form checks and the expression translator, then SQLite compiling what it
 * produced. Run by `make fuzz`. */
#include "gonha/storage/db.h"
#include "gonha/forms/form.h"
#include "gonha/core/i18n.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static sqlite3 *db;
static char dir[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db) {
		gn_err err = { 0 };
		gn_i18n_init("en");
		if (gn_db_open_memory(&db, &err) != GN_OK)
			abort();
		snprintf(dir, sizeof dir, "/tmp/gonha-fuzz-%d", (int)getpid());
		mkdir(dir, 0700);
		char path[128];
		snprintf(path, sizeof path, "%s/choices.csv", dir);
		FILE *f = fopen(path, "w");
		fputs("list_name,name,label\nyes_no,yes,Có\nyes_no,no,Không\n", f);
		fclose(f);
	}
	char path[128];
	snprintf(path, sizeof path, "%s/survey.csv", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	gn_form *form = NULL;
	gn_form_problems problems = { 0 };
	gn_err err = { 0 };
	if (gn_form_load(dir, db, &form, &problems, &err) == GN_OK) {
		/* and every field's expressions once more, as an indicator would */
		for (size_t i = 0; i < form->n_fields; i++) {
			char *sql = NULL;
			if (gn_form_translate(form, form->fields[i].relevant_src, (int)i, gn_form_person_column, NULL, &sql,
			                      &err) == GN_OK)
				free(sql);
			const char *vals[64] = { 0 };
			if (form->n_fields <= 64) {
				gn_form_relevant(form, i, vals);
				gn_form_check_value(form, i, vals, &err);
			}
		}
	}
	/* the raw input as one expression too */
	if (form && size < 4096) {
		char *expr = malloc(size + 1), *sql = NULL;
		memcpy(expr, data, size);
		expr[size] = '\0';
		if (gn_form_translate(form, expr, -1, NULL, NULL, &sql, &err) == GN_OK) {
			sqlite3_stmt *st = NULL;
			char *full = sqlite3_mprintf("SELECT %s", sql);
			sqlite3_prepare_v2(db, full, -1, &st, NULL);
			sqlite3_finalize(st);
			sqlite3_free(full);
			free(sql);
		}
		free(expr);
	}
	gn_form_free(form);
	gn_form_problems_free(&problems);
	return 0;
}
