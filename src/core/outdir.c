/* Where the files gonha writes for people go (gonha/core/outdir.h). */
#include "gonha/core/outdir.h"
#include "gonha/core/i18n.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void gn_output_dir(const char *db_path, char *out, size_t size)
{
	char dir[PATH_MAX];
	const char *env = getenv("GONHA_EXPORT_DIR");
	if (env && *env) {
		snprintf(dir, sizeof dir, "%s", env);
	} else if (db_path && *db_path && strrchr(db_path, '/')) {
		snprintf(dir, sizeof dir, "%s", db_path);
		char *slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0'; /* "/ward.db": the root */
		else
			*slash = '\0';
	} else {
		snprintf(dir, sizeof dir, ".");
	}
	char real[PATH_MAX];
	snprintf(out, size, "%s", realpath(dir, real) ? real : dir);
}

gn_status gn_output_path(const char *dir, const char *stem, const char *ext, char *out, size_t size,
                         gn_err *err)
{
	const char *sep = strcmp(dir, "/") == 0 ? "" : "/";
	for (int i = 1; i < 1000; i++) {
		int w = i == 1 ? snprintf(out, size, "%s%s%s.%s", dir, sep, stem, ext)
		               : snprintf(out, size, "%s%s%s-%d.%s", dir, sep, stem, i, ext);
		if (w < 0 || (size_t)w >= size)
			return gn_fail(err, GN_ERR_IO, _("the folder name is too long: %s"), dir);
		if (access(out, F_OK) != 0)
			return GN_OK;
	}
	return gn_fail(err, GN_ERR_CONFLICT, _("too many files named %s in %s"), stem, dir);
}
