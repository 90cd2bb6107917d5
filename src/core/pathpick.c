/* Files to pick instead of a path typed whole (gonha/core/pathpick.h). */
#include "gonha/core/pathpick.h"
#include "gonha/core/i18n.h"

#include <dirent.h>
#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

void gn_paths_free(gn_paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->items[i]);
	free(p->items);
	p->items = NULL;
	p->n = 0;
}

static bool wanted(const char *name, const char *const *exts)
{
	size_t len = strlen(name);
	for (size_t i = 0; exts && exts[i]; i++) {
		size_t e = strlen(exts[i]);
		if (len > e && strcasecmp(name + len - e, exts[i]) == 0)
			return true;
	}
	return false;
}

static gn_status add(gn_paths *p, const char *path, gn_err *err)
{
	char *copy = strdup(path);
	char **items = copy ? realloc(p->items, (p->n + 1) * sizeof *items) : NULL;
	if (!items) {
		free(copy);
		return gn_fail(err, GN_ERR_NOMEM, "%s", _("out of memory"));
	}
	p->items = items;
	p->items[p->n++] = copy;
	return GN_OK;
}

typedef struct dated {
	char *path;
	time_t mtime;
} dated;

static int newest_first(const void *a, const void *b)
{
	const dated *x = a, *y = b;
	if (x->mtime != y->mtime)
		return x->mtime > y->mtime ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* The wanted files of one folder into list (realpaths, for each once). */
static gn_status scan(const char *dir, const char *const *exts, dated **list, size_t *n, gn_err *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return GN_OK; /* not there: nothing to offer */
	gn_status st = GN_OK;
	struct dirent *e;
	while (st == GN_OK && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !wanted(e->d_name, exts))
			continue;
		char path[PATH_MAX], real[PATH_MAX];
		struct stat sb;
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path ||
		    stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || !realpath(path, real))
			continue;
		bool seen = false;
		for (size_t i = 0; i < *n && !seen; i++)
			seen = strcmp((*list)[i].path, real) == 0;
		if (seen)
			continue;
		char *copy = strdup(real);
		dated *grown = copy ? realloc(*list, (*n + 1) * sizeof **list) : NULL;
		if (!grown) {
			free(copy);
			st = gn_fail(err, GN_ERR_NOMEM, "%s", _("out of memory"));
			break;
		}
		*list = grown;
		(*list)[(*n)++] = (dated){ copy, sb.st_mtime };
	}
	closedir(d);
	return st;
}

gn_status gn_paths_recent(const char *const *dirs, const char *const *exts, size_t max, gn_paths *out,
                          gn_err *err)
{
	dated *list = NULL;
	size_t n = 0;
	gn_status st = GN_OK;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; st == GN_OK && dirs && dirs[i]; i++) {
		glob_t g;
		if (glob(dirs[i], GLOB_NOSORT, NULL, &g) != 0)
			continue; /* no such folder */
		for (size_t k = 0; st == GN_OK && k < g.gl_pathc; k++)
			st = scan(g.gl_pathv[k], exts, &list, &n, err);
		globfree(&g);
	}
	if (n > 1)
		qsort(list, n, sizeof *list, newest_first);
	for (size_t i = 0; i < n; i++) {
		if (st == GN_OK && out->n < max)
			st = add(out, list[i].path, err);
		free(list[i].path);
	}
	free(list);
	if (st != GN_OK)
		gn_paths_free(out);
	return st;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

gn_status gn_paths_complete(const char *typed, const char *const *exts, gn_paths *out, gn_err *err)
{
	memset(out, 0, sizeof *out);
	const char *slash = strrchr(typed, '/');
	size_t dir_len = slash ? (size_t)(slash - typed) + 1 : 0; /* the folder as typed, with its '/' */
	const char *rest = typed + dir_len;
	char dir[PATH_MAX];
	const char *home = getenv("HOME");
	if (dir_len == 0)
		snprintf(dir, sizeof dir, ".");
	else if (typed[0] == '~' && typed[1] == '/' && home && *home)
		snprintf(dir, sizeof dir, "%s/%.*s", home, (int)(dir_len - 2), typed + 2);
	else
		snprintf(dir, sizeof dir, "%.*s", (int)dir_len, typed);
	DIR *d = opendir(dir);
	if (!d)
		return GN_OK;
	gn_status st = GN_OK;
	size_t rest_len = strlen(rest);
	struct dirent *e;
	while (st == GN_OK && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((e->d_name[0] == '.' && rest[0] != '.') || strncmp(e->d_name, rest, rest_len) != 0)
			continue;
		char path[PATH_MAX];
		struct stat sb;
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path || stat(path, &sb) != 0)
			continue;
		bool folder = S_ISDIR(sb.st_mode);
		if (!folder && !(S_ISREG(sb.st_mode) && wanted(e->d_name, exts)))
			continue;
		char shown[PATH_MAX + 2];
		if (snprintf(shown, sizeof shown, "%.*s%s%s", (int)dir_len, typed, e->d_name, folder ? "/" : "") >=
		    (int)sizeof shown)
			continue;
		st = add(out, shown, err);
	}
	closedir(d);
	if (st != GN_OK)
		gn_paths_free(out);
	else if (out->n > 1)
		qsort(out->items, out->n, sizeof *out->items, by_name);
	return st;
}

char *gn_paths_common(const gn_paths *p)
{
	if (!p->n)
		return strdup("");
	size_t len = strlen(p->items[0]);
	for (size_t i = 1; i < p->n; i++) {
		size_t k = 0;
		while (k < len && p->items[i][k] == p->items[0][k])
			k++;
		len = k;
	}
	/* never half a UTF-8 character */
	while (len > 0 && ((unsigned char)p->items[0][len] & 0xC0) == 0x80)
		len--;
	char *out = malloc(len + 1);
	if (out) {
		memcpy(out, p->items[0], len);
		out[len] = '\0';
	}
	return out;
}
