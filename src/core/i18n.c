#include "gonha/i18n.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

static const char *chosen = "vi";

/* The catalogs live in LOCALEDIR once installed; in the source tree `make`
 * puts them in ./locale beside ./gonha (or ../../locale from build/x/). */
static void bind_catalog(void)
{
	const char *env = getenv("GONHA_LOCALEDIR");
	if (env && *env) {
		bindtextdomain("gonha", env);
		return;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			const char *ups[] = { "", "/..", "/../..", "/../../..", "/../share" };
			for (size_t i = 0; i < sizeof ups / sizeof *ups; i++) {
				char dir[PATH_MAX + 32], probe[PATH_MAX + 96];
				snprintf(dir, sizeof dir, "%s%s/locale", exe, ups[i]);
				snprintf(probe, sizeof probe, "%s/vi/LC_MESSAGES/gonha.mo", dir);
				if (access(probe, R_OK) == 0) {
					char real[PATH_MAX];
					bindtextdomain("gonha", realpath(dir, real) ? real : dir);
					return;
				}
			}
		}
	}
	bindtextdomain("gonha", LOCALEDIR);
}

void gn_i18n_init(const char *lang)
{
	if (!setlocale(LC_ALL, "") || strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_ALL, "C.UTF-8");
	/* Numbers in files and SQL always use '.'. */
	setlocale(LC_NUMERIC, "C");
	if (!lang || !*lang)
		lang = getenv("GONHA_LANG");
	chosen = (lang && strcmp(lang, "en") == 0) ? "en" : "vi";
	/* LANGUAGE outranks LC_MESSAGES in GNU gettext (any non-"C" locale). */
	setenv("LANGUAGE", chosen, 1);
	bind_catalog();
	bind_textdomain_codeset("gonha", "UTF-8");
	textdomain("gonha");
}

const char *gn_i18n_lang(void)
{
	return chosen;
}
