/* A small test harness: each test binary lists its tests in a table and
 * calls gn_test_main(). Every CHECK that fails prints file:line and marks
 * the test failed; the binary prints one "PASS name"/"FAIL name" line per
 * test and exits non-zero if any failed. tests/run.sh adds them up. */
#ifndef GONHA_TESTLIB_H
#define GONHA_TESTLIB_H

#include <stdio.h>
#include <string.h>

typedef struct gn_test {
	const char *name;
	void (*fn)(void);
} gn_test;

extern int gn_test_failed; /* set by CHECK in the running test */

#define CHECK(cond) do { if (!(cond)) { gn_test_failed = 1; \
	fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_EQ_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) { gn_test_failed = 1; fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", \
	__FILE__, __LINE__, #a, a_, #b, b_); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) { gn_test_failed = 1; \
	fprintf(stderr, "  %s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
	a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)
#define CHECK_OK(expr) do { gn_err e_ = {0}; (void)e_; int s_ = (int)(expr); if (s_ != 0) { gn_test_failed = 1; \
	fprintf(stderr, "  %s:%d: %s returned %d\n", __FILE__, __LINE__, #expr, s_); } } while (0)
/* Stop the current test (e.g. a NULL you cannot go on with). */
#define REQUIRE(cond) do { if (!(cond)) { gn_test_failed = 1; \
	fprintf(stderr, "  %s:%d: REQUIRE(%s) failed\n", __FILE__, __LINE__, #cond); return; } } while (0)

/* The running test cannot run on this machine (not root, no loop device,
 * a tool missing): it prints "SKIP name: reason" instead of PASS and is not
 * counted as passed. SKIP also returns from the test. A CHECK that failed
 * before still makes it FAIL. */
void gn_test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define SKIP(...) do { gn_test_skip(__VA_ARGS__); return; } while (0)

int gn_test_main(int argc, char **argv, const gn_test *tests);

/* A fresh temporary directory for the test (removed at exit unless
 * GONHA_KEEP_TMP is set); returns its path. */
const char *gn_test_tmpdir(void);
/* Writes text into dir/name (a sheet of a form, a CSV to import). */
void gn_test_write_file(const char *dir, const char *name, const char *text);
/* The shared test data (the real forms...): $GONHA_SHARED, else ../shared. */
const char *gn_test_shared(void);
/* A workbook (tmpdir/name.xlsx) made from a folder's CSV sheets survey,
 * choices, settings, every cell a string (as pyxform's corpus was
 * checked, SOURCE.txt); returns its path. */
const char *gn_test_workbook_of(const char *dir, const char *name);

#define GN_TESTS(...) \
	static const gn_test gn_tests_[] = { __VA_ARGS__, { NULL, NULL } }; \
	int main(int argc, char **argv) { return gn_test_main(argc, argv, gn_tests_); }
#define T(fn) { #fn, fn }

#endif
