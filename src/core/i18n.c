#include "gonha/core/i18n.h"
#include "gonha/core/paths.h"

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
	static const char *const ups[] = { "/locale", "/../locale", "/../../locale", "/../../../locale",
		                                 "/../share/locale" };
	char dir[PATH_MAX];
	if (gn_beside_binary(ups, sizeof ups / sizeof *ups, "vi/LC_MESSAGES/gonha.mo", dir, sizeof dir)) {
		bindtextdomain("gonha", dir);
		return;
	}
	bindtextdomain("gonha", LOCALEDIR);
}

/* The language the locale asks for, as POSIX ranks its variables
 * (LC_ALL, then LC_MESSAGES, then LANG): "en" or "vi" for an en* or vi*
 * locale, NULL for any other (C.UTF-8, the default on Debian and WSL,
 * POSIX): those keep Vietnamese. */
static const char *locale_lang(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
		const char *v = getenv(vars[i]);
		if (!v || !*v)
			continue;
		if (strncmp(v, "en", 2) == 0 && (!v[2] || strchr("_.@", v[2])))
			return "en";
		if (strncmp(v, "vi", 2) == 0 && (!v[2] || strchr("_.@", v[2])))
			return "vi";
		return NULL; /* the first one set decides, as for setlocale */
	}
	return NULL;
}

void gn_i18n_init(const char *lang)
{
	if (!setlocale(LC_ALL, "") || strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_ALL, "C.UTF-8");
	/* Numbers in files and SQL always use '.'. */
	setlocale(LC_NUMERIC, "C");
	if (!lang || !*lang)
		lang = getenv("GONHA_LANG");
	if (!lang || !*lang)
		lang = locale_lang();
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
