#!/bin/sh
# Folds the fragments po/vi-*.po into po/vi.po and brings it in line with
# the sources (new msgids added untranslated, gone ones dropped). Run it
# after changing strings; `make check` fails on untranslated messages.
set -eu
cd "$(dirname "$0")/.."
xgettext --from-code=UTF-8 -k_ -kN_ --package-name=gonha -o po/gonha.pot $(ls src/*/*.c | sort)
frags=$(ls po/vi-*.po 2>/dev/null || true)
msgcat --use-first $frags po/vi.po -o po/vi.all.po
msgmerge --quiet --no-wrap --no-fuzzy-matching --no-location po/vi.all.po po/gonha.pot -o po/vi.po
msgattrib --no-wrap --no-obsolete --no-location -o po/vi.po po/vi.po
# One canonical header, whichever file the merge took it from.
awk 'BEGIN { print "# Vietnamese translation of gonha (the default UI language)."
	print "msgid \"\""; print "msgstr \"\""
	print "\"Project-Id-Version: gonha\\n\""; print "\"PO-Revision-Date: 2026-11-25 00:00+0700\\n\""
	print "\"Last-Translator: gonha developers\\n\""; print "\"Language-Team: Vietnamese\\n\""
	print "\"Language: vi\\n\""; print "\"MIME-Version: 1.0\\n\""
	print "\"Content-Type: text/plain; charset=UTF-8\\n\""; print "\"Content-Transfer-Encoding: 8bit\\n\""
	print "\"Plural-Forms: nplurals=1; plural=0;\\n\""; print "" }
	header && /^$/ { header = 0; next }
	!started && /^msgid ""/ { started = 1; header = 1 }
	started && !header { print }' po/vi.po > po/vi.tmp && mv po/vi.tmp po/vi.po
rm -f po/vi.all.po $frags
msgfmt --check --statistics -o /dev/null po/vi.po
