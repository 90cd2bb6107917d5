#!/bin/sh
# XLSX files gonha writes, opened by LibreOffice Calc headless as a user
# would: converted back to CSV (also in the Vietnamese locale, filter
# language 1066 with ";"), every person's name, CCCD and every household's
# phone come out exactly as gonha has them (Vietnamese intact, leading
# zeros kept); the CSV Calc wrote and the workbook Calc saved again import
# back as unchanged. Needs soffice: prints SKIP without it (not part of
# make check). GONHA_BIN: the gonha to test (default ./gonha).
cd "$(dirname "$0")/../.."
GONHA=${GONHA_BIN:-$PWD/gonha}
if ! command -v soffice >/dev/null 2>&1; then
	echo "SKIP xlsx_office: soffice is not installed (apt-get install libreoffice-calc-nogui)"
	exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failed=0
g() {
	env TMPDIR="$tmp" GONHA_NOW=2026-11-20T09:00:00Z GONHA_LANG=en GONHA_USER=admin GONHA_PASSWORD=demo \
		GONHA_NEW_PASSWORD=demo "$GONHA" "$@"
}
calc() { # calc FILTER OUTDIR FILES...: a private profile, so other runs are not disturbed
	filter=$1; dir=$2; shift 2
	soffice -env:UserInstallation="file://$tmp/profile" --headless --convert-to "$filter" --outdir "$dir" "$@" \
		>"$tmp/soffice.log" 2>&1
}
result() { # result NAME STATUS
	if [ "$2" -eq 0 ]; then echo "PASS $1"; else echo "FAIL $1"; failed=$((failed + 1)); fi
}
# cols SEP FILE NAMES...: those columns of a CSV (named by the header), quotes
# taken away; the columns compared hold no separator, quote or line break.
cols() {
	sep=$1; file=$2; shift 2
	sed '1s/^\xef\xbb\xbf//; s/\r$//' "$file" | awk -F"$sep" -v want="$*" '
		NR == 1 { n = split(want, w, " "); for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); at[h] = i } next }
		{ line = ""; for (k = 1; k <= n; k++) { v = $(at[w[k]]); gsub(/"/, "", v); line = line "|" v } print line }'
}

g demo --db "$tmp/a.db" --tdps 3 --households 12 --seed 7 >/dev/null || exit 1
for w in persons households; do
	g export --db "$tmp/a.db" --what $w --out "$tmp/$w.csv" --with-ids --plain 2>/dev/null &&
		g export --db "$tmp/a.db" --what $w --out "$tmp/$w.xlsx" --with-ids 2>/dev/null || exit 1
done

# 1. to CSV, UTF-8, ","
calc "csv:Text - txt - csv (StarCalc):44,34,76,1" "$tmp/back" "$tmp/persons.xlsx" "$tmp/households.xlsx"
cols , "$tmp/persons.csv" person_id full_name cccd birth_year >"$tmp/want.p"
cols , "$tmp/back/persons.csv" person_id full_name cccd birth_year >"$tmp/got.p"
cmp -s "$tmp/want.p" "$tmp/got.p" && grep -q 'Nguyễn' "$tmp/got.p" && grep -q '|0[0-9]\{11\}|' "$tmp/got.p"
result xlsx_calc_csv_keeps_names_and_cccd $?
cols , "$tmp/households.csv" household_id tdp_code house_no street phone >"$tmp/want.h"
cols , "$tmp/back/households.csv" household_id tdp_code house_no street phone >"$tmp/got.h"
cmp -s "$tmp/want.h" "$tmp/got.h" && grep -q '|0[0-9]\{9\}$' "$tmp/got.h"
result xlsx_calc_csv_keeps_phones $?
g import "$tmp/back/households.csv" --db "$tmp/a.db" --dry-run >"$tmp/out" 2>&1 && grep -q 'leave 36 unchanged' "$tmp/out" &&
	g import "$tmp/back/persons.csv" --db "$tmp/a.db" --dry-run >"$tmp/out" 2>&1 && grep -q 'update 0,.*leave 108 unchanged' "$tmp/out"
result xlsx_calc_csv_imports_unchanged $?

# 2. the Vietnamese locale: ";" and the language 1066
calc "csv:Text - txt - csv (StarCalc):59,34,76,1,,1066" "$tmp/vi" "$tmp/persons.xlsx" "$tmp/households.xlsx"
cols ';' "$tmp/vi/persons.csv" person_id full_name cccd birth_year >"$tmp/got.p"
cols ';' "$tmp/vi/households.csv" household_id tdp_code house_no street phone >"$tmp/got.h"
cmp -s "$tmp/want.p" "$tmp/got.p" && cmp -s "$tmp/want.h" "$tmp/got.h"
result xlsx_calc_vi_locale_keeps_text $?

# 3. saved again as a workbook by Calc (shared strings, its own styles)
calc xlsx "$tmp/lo" "$tmp/persons.xlsx" "$tmp/households.xlsx"
g import "$tmp/lo/households.xlsx" --db "$tmp/a.db" >"$tmp/out" 2>&1 && grep -q '36 unchanged' "$tmp/out" &&
	g import "$tmp/lo/persons.xlsx" --db "$tmp/a.db" >"$tmp/out" 2>&1 &&
	grep -q 'added 0, updated 0, kept 0 of ours as newer, 108 unchanged' "$tmp/out"
result xlsx_saved_by_calc_imports_unchanged $?
[ $failed -eq 0 ] || { cat "$tmp/out" "$tmp/soffice.log"; exit 1; }
