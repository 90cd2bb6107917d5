#!/bin/sh
# The Vietnamese catalog (po/vi.po plus any po/vi-*.po fragments) translates
# every message in the sources, and msgfmt accepts it.
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
xgettext --from-code=UTF-8 -k_ -kN_ -o "$tmp/gonha.pot" src/*/*.c
msgcat --use-first $(ls po/vi-*.po 2>/dev/null) po/vi.po -o "$tmp/vi.po"
msgmerge --quiet --no-fuzzy-matching "$tmp/vi.po" "$tmp/gonha.pot" -o "$tmp/merged.po"
missing=$(msgattrib --untranslated --no-obsolete "$tmp/merged.po" | grep -c '^msgid ' || true)
# the header entry counts as one
if [ "${missing:-0}" -le 1 ] && msgfmt --check -o /dev/null "$tmp/merged.po"; then
	echo "PASS catalog_complete"
else
	msgattrib --untranslated --no-obsolete "$tmp/merged.po" | grep '^msgid ' | tail -n +2 | head -20
	echo "FAIL catalog_complete"
	exit 1
fi
