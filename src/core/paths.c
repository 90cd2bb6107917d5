/* Files found beside the running binary (gonha/core/paths.h). */
#include "gonha/core/paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool gn_beside_binary(const char *const *candidates, size_t n, const char *probe, char *out, size_t size)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0)
		return false;
	exe[len] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	for (size_t i = 0; i < n; i++) {
		char dir[PATH_MAX + 64], file[PATH_MAX + 160], real[PATH_MAX];
		snprintf(dir, sizeof dir, "%s%s", exe, candidates[i]);
		snprintf(file, sizeof file, "%s/%s", dir, probe);
		if (access(file, R_OK) == 0) {
			snprintf(out, size, "%s", realpath(dir, real) ? real : dir);
			return true;
		}
	}
	return false;
}

const char *gn_path_dir(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, size, ".");
	else if (slash == path)
		snprintf(dir, size, "/");
	else
		snprintf(dir, size, "%.*s", (int)(slash - path), path);
	return slash ? slash + 1 : path;
}
