/* `gonha form codebook`: every question of the form, as the form's own
 * survey and choices sheets say it, checked cell by cell against
 * forms/census/survey.csv and choices.csv; the XLSX holds the same cells
 * as the CSV; a form that is not there is one clear line. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "gonha/forms/form.h"
#include "gonha/interchange/xlsx.h"

#include <stdlib.h>
#include <string.h>

#define ADMIN "GONHA_USER=admin GONHA_PASSWORD=demo"

/* A file of the source tree copied into the test folder. */
static void copy_in(const char *path, const char *name)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	char *buf = malloc(1 << 20);
	size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	gn_e2e_write(name, buf, n);
	free(buf);
}

/* The row of the codebook for a question name, -1 none. */
static long row_of(gn_csv_table *cb, const char *name)
{
	int c = gn_csv_col(cb, "name");
	for (size_t r = 1; r < cb->rows; r++)
		if (strcmp(gn_csv_cell(cb, r, c), name) == 0)
			return (long)r;
	return -1;
}

typedef struct xlsx_cells {
	gn_csv_table *csv;
	long mismatches, rows;
} xlsx_cells;

static gn_status same_row(void *arg, const gn_xlsx_row *row, gn_err *err)
{
	(void)err;
	xlsx_cells *x = arg;
	size_t r = (size_t)row->row - 1;
	x->rows++;
	for (size_t c = 0; r < x->csv->rows && c < x->csv->cols; c++) {
		const char *want = gn_csv_cell(x->csv, r, (int)c);
		const char *got = c < row->n ? row->cells[c].text : "";
		if (strcmp(want, got) != 0 && x->mismatches++ < 5)
			fprintf(stderr, "  xlsx row %zu col %zu: '%s', the CSV has '%s'\n", r + 1, c + 1, got, want);
	}
	return GN_OK;
}

static void the_codebook_is_the_form(void)
{
	REQUIRE(gn_e2e_demo("a.db"));
	char forms[1024], path[1200];
	gn_forms_dir(forms, sizeof forms);
	snprintf(path, sizeof path, "%s/census/survey.csv", forms);
	copy_in(path, "survey.csv");
	snprintf(path, sizeof path, "%s/census/choices.csv", forms);
	copy_in(path, "choices.csv");
	CHECK_EQ_INT(gn_e2e_run_env("", "form codebook --db a.db --out cb.csv"), 0);
	CHECK_EQ_INT(gn_e2e_run_env("", "form codebook --db a.db --out cb.xlsx"), 0);
	gn_csv_table cb, survey, choices;
	REQUIRE(gn_csv_read("cb.csv", &cb));
	REQUIRE(gn_csv_read("survey.csv", &survey));
	REQUIRE(gn_csv_read("choices.csv", &choices));

	/* every row of the survey sheet but the ends, in order, cell by cell */
	static const char *const same[] = { "name", "label::vi", "label::en", "hint::vi", "hint::en", "relevant",
		                                "constraint", "required", "calculation", "choice_filter", "gonha::role", NULL };
	long expected = 0, last = 0;
	for (size_t r = 1; r < survey.rows; r++) {
		const char *type = gn_csv_cell(&survey, r, gn_csv_col(&survey, "type"));
		if (strncmp(type, "end_", 4) == 0)
			continue;
		expected++;
		const char *name = gn_csv_cell(&survey, r, gn_csv_col(&survey, "name"));
		long at = row_of(&cb, name);
		if (at < 0) {
			fprintf(stderr, "  %s is not in the codebook\n", name);
			gn_test_failed = 1;
			continue;
		}
		CHECK(at > last); /* survey order */
		last = at;
		CHECK_STR(gn_csv_cell(&cb, (size_t)at, gn_csv_col(&cb, "type")), type);
		for (int k = 0; same[k]; k++)
			CHECK_STR(gn_csv_cell(&cb, (size_t)at, gn_csv_col(&cb, same[k])),
			          gn_csv_cell(&survey, r, gn_csv_col(&survey, same[k])));
		CHECK_STR(gn_csv_cell(&cb, (size_t)at, gn_csv_col(&cb, "form_id")), "census");
		CHECK_STR(gn_csv_cell(&cb, (size_t)at, gn_csv_col(&cb, "form_version")), "1");
	}
	CHECK_EQ_INT((long)cb.rows - 1, expected);
	/* each choice of a list, with its labels, on the question using it */
	long relation = row_of(&cb, "relation");
	REQUIRE(relation > 0);
	CHECK_STR(gn_csv_cell(&cb, (size_t)relation, gn_csv_col(&cb, "list_name")), "relation");
	const char *vi = gn_csv_cell(&cb, (size_t)relation, gn_csv_col(&cb, "choices::vi"));
	const char *en = gn_csv_cell(&cb, (size_t)relation, gn_csv_col(&cb, "choices::en"));
	for (size_t r = 1; r < choices.rows; r++) {
		if (strcmp(gn_csv_cell(&choices, r, 0), "relation") != 0)
			continue;
		char want[256];
		snprintf(want, sizeof want, "%s, %s", gn_csv_cell(&choices, r, 1), gn_csv_cell(&choices, r, 2));
		CHECK(strstr(vi, want) != NULL);
		snprintf(want, sizeof want, "%s, %s", gn_csv_cell(&choices, r, 1), gn_csv_cell(&choices, r, 3));
		CHECK(strstr(en, want) != NULL);
	}
	CHECK(strncmp(vi, "head, Chủ hộ | spouse, Vợ/chồng", 36) == 0);

	/* the workbook holds the same cells */
	gn_xlsx *x = NULL;
	gn_err err = { 0 };
	REQUIRE(gn_xlsx_open(gn_e2e_path("cb.xlsx"), NULL, &x, &err) == GN_OK);
	xlsx_cells cells = { &cb, 0, 0 };
	CHECK_OK(gn_xlsx_read_sheet(x, 0, same_row, &cells, &err));
	CHECK_EQ_INT(cells.mismatches, 0);
	CHECK_EQ_INT(cells.rows, (long)cb.rows);
	gn_xlsx_close(x);

	/* a form the ward does not have: one line, no file */
	CHECK(gn_e2e_run_env("", "form codebook --db a.db --form nope --out nope.csv") != 0);
	CHECK(gn_e2e_has(gn_e2e_err, "nope"));
	CHECK(gn_e2e_read("nope.csv", NULL) == NULL);
	gn_csv_free(&cb);
	gn_csv_free(&survey);
	gn_csv_free(&choices);
}

GN_TESTS(T(the_codebook_is_the_form))
