/* Translations: msgids are English, po/vi.po holds Vietnamese (the default
 * UI language), chosen at start-up by gn_i18n_init(). */
#ifndef GONHA_I18N_H
#define GONHA_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* lang: "vi" or "en" or NULL (then $GONHA_LANG, else an en* or vi* locale
 * in $LC_ALL, $LC_MESSAGES or $LANG, else "vi": C.UTF-8 keeps Vietnamese).
 * Sets LC_ALL from the environment, falling back to C.UTF-8 when the
 * environment's locale is not UTF-8, so wide-character text always works. */
void gn_i18n_init(const char *lang);

/* The language chosen by gn_i18n_init: "vi" or "en". */
const char *gn_i18n_lang(void);

#endif
