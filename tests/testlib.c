#include "testlib.h"
#include "gonha/core/i18n.h"

#include <csv.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>

int gn_test_failed;
static char skip_reason[512];
static int skipping;

void gn_test_skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(skip_reason, sizeof skip_reason, fmt, ap);
	va_end(ap);
	skipping = 1;
}
static char tmpdir[256];

static void remove_tmpdir(void)
{
	if (tmpdir[0] && !getenv("GONHA_KEEP_TMP")) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
}

const char *gn_test_tmpdir(void)
{
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof tmpdir, "/tmp/gonha-test-XXXXXX");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(2);
		}
		atexit(remove_tmpdir);
	}
	return tmpdir;
}

void gn_test_write_file(const char *dir, const char *name, const char *text)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

const char *gn_test_shared(void)
{
	const char *s = getenv("GONHA_SHARED");
	return s && *s ? s : "../shared";
}

typedef struct csv_to_sheet {
	lxw_worksheet *ws;
	lxw_row_t row;
	lxw_col_t col;
} csv_to_sheet;

static void on_csv_field(void *data, size_t len, void *arg)
{
	csv_to_sheet *c = arg;
	char *text = strndup(data, len);
	if (text && *text)
		worksheet_write_string(c->ws, c->row, c->col, text, NULL);
	free(text);
	c->col++;
}

static void on_csv_row(int ch, void *arg)
{
	(void)ch;
	csv_to_sheet *c = arg;
	c->row++;
	c->col = 0;
}

const char *gn_test_workbook_of(const char *dir, const char *name)
{
	static char path[1024];
	snprintf(path, sizeof path, "%s/%s.xlsx", gn_test_tmpdir(), name);
	lxw_workbook *wb = workbook_new(path);
	static const char *const sheets[] = { "survey", "choices", "settings", NULL };
	for (int i = 0; sheets[i]; i++) {
		char file[1100];
		snprintf(file, sizeof file, "%s/%s.csv", dir, sheets[i]);
		FILE *f = fopen(file, "rb");
		if (!f)
			continue;
		csv_to_sheet c = { .ws = workbook_add_worksheet(wb, sheets[i]) };
		struct csv_parser p;
		csv_init(&p, CSV_APPEND_NULL);
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			csv_parse(&p, buf, n, on_csv_field, on_csv_row, &c);
		csv_fini(&p, on_csv_field, on_csv_row, &c);
		csv_free(&p);
		fclose(f);
	}
	workbook_close(wb);
	return path;
}

int gn_test_main(int argc, char **argv, const gn_test *tests)
{
	int passed = 0, failed = 0, skipped = 0;
	/* Tests see the English msgids unless they ask otherwise. */
	gn_i18n_init(getenv("GONHA_TEST_LANG") ? getenv("GONHA_TEST_LANG") : "en");
	for (const gn_test *t = tests; t->name; t++) {
		if (argc > 1 && !strstr(t->name, argv[1]))
			continue;
		gn_test_failed = 0;
		skipping = 0;
		t->fn();
		if (gn_test_failed) {
			failed++;
			printf("FAIL %s\n", t->name);
		} else if (skipping) {
			skipped++;
			printf("SKIP %s: %s\n", t->name, skip_reason);
		} else {
			passed++;
			printf("PASS %s\n", t->name);
		}
		fflush(stdout);
	}
	if (skipped)
		printf("%s: %d passed, %d failed, %d skipped\n", argv[0], passed, failed, skipped);
	else
		printf("%s: %d passed, %d failed\n", argv[0], passed, failed);
	return failed ? 1 : 0;
}
