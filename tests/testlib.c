#include "testlib.h"
#include "gonha/core/i18n.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

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
