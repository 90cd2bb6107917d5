/* Files to pick instead of a typed path (gonha/core/pathpick.h): the
 * usual folders' files newest first, each once; a path completed as a
 * shell's Tab does. */
#include "testlib.h"
#include "gonha/core/pathpick.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

static const char *const exts[] = { ".csv", ".xlsx", NULL };

static void touch(const char *dir, const char *name, long age)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (f)
		fclose(f);
	struct timeval tv[2] = { { 1700000000 - age, 0 }, { 1700000000 - age, 0 } };
	utimes(path, tv);
}

static void recent_files_newest_first(void)
{
	char a[1024], b[1024];
	snprintf(a, sizeof a, "%s/a", gn_test_tmpdir());
	snprintf(b, sizeof b, "%s/b", gn_test_tmpdir());
	mkdir(a, 0700);
	mkdir(b, 0700);
	touch(a, "old.csv", 300);
	touch(a, "new.XLSX", 10);
	touch(a, "notes.txt", 1);
	touch(a, ".hidden.csv", 1);
	touch(b, "mid.csv", 100);
	char missing[1100];
	snprintf(missing, sizeof missing, "%s/none", gn_test_tmpdir());
	const char *dirs[] = { a, b, a, missing, NULL }; /* a twice: its files once */
	gn_paths p;
	CHECK_OK(gn_paths_recent(dirs, exts, 10, &p, &e_));
	REQUIRE(p.n == 3);
	CHECK(strstr(p.items[0], "/a/new.XLSX") != NULL);
	CHECK(strstr(p.items[1], "/b/mid.csv") != NULL);
	CHECK(strstr(p.items[2], "/a/old.csv") != NULL);
	gn_paths_free(&p);
	CHECK_OK(gn_paths_recent(dirs, exts, 1, &p, &e_));
	CHECK_EQ_INT(p.n, 1);
	gn_paths_free(&p);
}

static void completes_a_typed_path(void)
{
	char d[1024], typed[1100];
	snprintf(d, sizeof d, "%s/c", gn_test_tmpdir());
	mkdir(d, 0700);
	char sub[1100];
	snprintf(sub, sizeof sub, "%s/ho-tdp", d);
	mkdir(sub, 0700);
	touch(d, "ho-01.csv", 1);
	touch(d, "ho-02.xlsx", 1);
	touch(d, "ho.txt", 1);
	snprintf(typed, sizeof typed, "%s/ho", d);
	gn_paths p;
	CHECK_OK(gn_paths_complete(typed, exts, &p, &e_));
	REQUIRE(p.n == 3); /* the folder and two files; not the .txt */
	char want[1200];
	snprintf(want, sizeof want, "%s/ho-01.csv", d);
	CHECK_STR(p.items[0], want);
	snprintf(want, sizeof want, "%s/ho-tdp/", d);
	CHECK_STR(p.items[2], want);
	char *common = gn_paths_common(&p);
	snprintf(want, sizeof want, "%s/ho-", d);
	CHECK_STR(common, want);
	free(common);
	gn_paths_free(&p);
	/* nothing there: an empty list, no error */
	snprintf(typed, sizeof typed, "%s/zz", d);
	CHECK_OK(gn_paths_complete(typed, exts, &p, &e_));
	CHECK_EQ_INT(p.n, 0);
	gn_paths_free(&p);
	/* the common beginning never ends inside a character */
	char *items[] = { "Tải", "Tả" };
	gn_paths two = { items, 2 };
	common = gn_paths_common(&two);
	CHECK_STR(common, "Tả");
	free(common);
}

GN_TESTS(T(recent_files_newest_first), T(completes_a_typed_path))
