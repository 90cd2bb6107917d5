#!/bin/sh
# make check-office: gonha's CSV files through a spreadsheet and back.
#
# Part 1 takes a fresh demo ward's households and persons exports through
# LibreOffice Calc headless, as a user would save them (CSV -> xlsx -> CSV with
# Calc's default column types; CSV -> CSV; the Vietnamese locale with `;`),
# imports each back for real into a copy of the ward and asserts: every row
# "unchanged", the database unchanged, phones with their leading 0.
#
# Part 2 makes files by script for what Excel does that LibreOffice does not
# (dd/mm/yyyy dates, 1.23457E+11, house numbers turned into dates, Windows-1258,
# `;` with a BOM, a version token in exponent form). Each must be imported as
# unchanged (where the meaning is certain) or refused with exit status 2, one
# `FILE:LINE:` line per damaged line naming the column, the database unchanged.
#
# Each check prints "PASS name" or "FAIL name" (indented details follow a
# FAIL); the last line is "N passed, N failed". Part 1 is skipped (SKIP lines,
# not counted) when soffice is missing. docs/testing.md says more.
#
#   GONHA_BIN     the gonha to test (default ./gonha)
#   SOFFICE       LibreOffice (default soffice)
#   OFFICE_JOBS   conversions at once (default 2; each has its own profile)
#   OFFICE_KEEP=1 keep the work folder (its name is printed)

set -u
here=$(pwd)
GONHA=${GONHA_BIN:-$here/gonha}
SOFFICE=${SOFFICE:-soffice}
JOBS=${OFFICE_JOBS:-2}
export GONHA_USER=admin GONHA_PASSWORD=demo GONHA_LANG=en

W=$(mktemp -d "${TMPDIR:-/tmp}/gonha-office.XXXXXX") || exit 1
if [ -n "${OFFICE_KEEP:-}" ]; then echo "work folder: $W"; else trap 'rm -rf "$W"' EXIT; fi
trap 'exit 130' INT TERM

passed=0; failed=0; skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() {
	echo "FAIL $1"; shift
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/  /'; done
	failed=$((failed + 1))
}
skip() { echo "SKIP $1: $2"; skipped=$((skipped + 1)); }
T0=$(date +%s)
finish() {
	echo "  (check-office: $(( $(date +%s) - T0 )) s)"
	echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?
}
die() { fail office-setup "$@"; finish; }

[ -x "$GONHA" ] || die "no gonha at $GONHA (make first)"
for t in sqlite3 iconv awk cmp timeout; do
	command -v $t >/dev/null 2>&1 || die "$t is missing"
done

# ---- wards ------------------------------------------------------------------
# demo: a fresh demo ward as it comes. odd: the same plus the house numbers a
# spreadsheet turns into dates (12/3 and 5-7), set by an edit import.
mkdir -p "$W/base" "$W/snap" "$W/in" "$W/out"
"$GONHA" demo --db "$W/base/demo.db" >"$W/base/demo.log" 2>&1 || die "gonha demo failed" "$(tail -n 5 "$W/base/demo.log")"

# Copy a ward (with its WAL, if any) to a new file.
copy_ward() {
	rm -f "$2" "$2-wal" "$2-shm"
	cp "$1" "$2" || return 1
	[ -f "$1-wal" ] && cp "$1-wal" "$2-wal"
	return 0
}

# gonha export into a new file; the export itself must work.
export_to() { # DB WHAT OUT [args...]
	db=$1; what=$2; out=$3; shift 3
	rm -f "$out"
	"$GONHA" export --db "$db" --what "$what" --out "$out" "$@" >"$out.log" 2>&1
}

# What a ward holds, by the program and by SQLite: households and persons
# (full CCCDs), and a dump of every table.
snapshot() { # DB DIR
	mkdir -p "$2"
	sqlite3 "$1" .dump >"$2/dump.sql" 2>"$2/dump.err" &&
	export_to "$1" households "$2/h.csv" --plain &&
	export_to "$1" persons "$2/p.csv" --plain --with-ids
}

# The same ward, compared with a snapshot taken the same way. Prints why not.
same_ward() { # DB SNAPDIR
	d=$W/snap/cmp.$$.$(date +%s%N)
	snapshot "$1" "$d" || { echo "could not export the ward after the import"; return 1; }
	ok=0
	for f in h.csv p.csv; do
		if ! cmp -s "$2/$f" "$d/$f"; then
			ok=1
			echo "gonha export differs ($f), first differences:"
			diff "$2/$f" "$d/$f" | head -n 3 | cut -c1-200
		fi
	done
	if ! cmp -s "$2/dump.sql" "$d/dump.sql"; then
		ok=1
		echo "the database was written to (sqlite3 .dump differs):"
		diff "$2/dump.sql" "$d/dump.sql" | head -n 3 | cut -c1-200
	fi
	rm -rf "$d"
	return $ok
}

# A ward to import into: NAME.pristine.db, a copy of DB nothing else touches
# (every import goes into a copy of it), and its snapshot, taken from another
# copy the same way as after an import (so an export's own traces compare equal).
prepare_base() { # NAME DB
	copy_ward "$2" "$W/base/$1.pristine.db" &&
	copy_ward "$2" "$W/base/$1.ref.db" && snapshot "$W/base/$1.ref.db" "$W/snap/$1"
}

# ---- the import's answer ---------------------------------------------------
# The summary line "FILE: N rows; added 0, updated 0, kept 0 of ours as newer,
# N unchanged; 0 in conflict": N rows, and every count but "unchanged" zero.
# Words may change; the numbers after "rows;" are read by what follows them.
summary_unchanged() { # OUT ROWS
	awk -v rows="$2" '
	/ rows; / {
		line = $0; sub(/.* rows; /, "", line)
		n = $0; sub(/ rows; .*/, "", n); sub(/.* /, "", n)
		got = n; unch = -1; other = 0
		k = split(line, w, /[ ,;]+/)
		for (i = 1; i <= k; i++)
			if (w[i] ~ /^[0-9]+$/) {
				if (w[i + 1] ~ /^unchanged/) unch = w[i] + 0; else other += w[i]
			}
		found = 1
	}
	END {
		if (!found) { print "no summary line"; exit 1 }
		if (got + 0 != rows + 0) { print "summary counts " got " rows, the file has " rows; exit 1 }
		if (unch != rows + 0 || other != 0) { print "not all unchanged: " $0; exit 1 }
	}' "$1"
}

# The same, but NCONF rows kept as conflicts: "... R-NCONF unchanged; NCONF in
# conflict", every other count zero.
summary_conflicts() { # OUT ROWS NCONF
	awk -v rows="$2" -v nconf="$3" '
	/ rows; / {
		line = $0; sub(/.* rows; /, "", line)
		unch = -1; conf = -1; other = 0
		k = split(line, w, /[ ,;]+/)
		for (i = 1; i <= k; i++)
			if (w[i] ~ /^[0-9]+$/) {
				if (w[i + 1] ~ /^unchanged/) unch = w[i] + 0
				else if (w[i + 1] == "in" && w[i + 2] ~ /^conflict/) conf = w[i] + 0
				else other += w[i]
			}
		found = 1
	}
	END {
		if (!found) { print "no summary line"; exit 1 }
		if (conf != nconf + 0 || unch != rows - nconf || other != 0) { print "not " nconf " conflict(s) and the rest unchanged: " $0; exit 1 }
	}' "$1"
}

# Rows of a CSV file that has no quoted cells (one line each): lines - 1.
rows_of() { awk 'END { print NR - 1 }' "$1"; }

# ---- the two kinds of check ------------------------------------------------
# Import FILE for real into a copy of ward NAME (base db BASEDB): exit 0, every
# row unchanged, the ward unchanged.
check_unchanged() { # CHECK FILE NAME BASEDB ROWS
	name=$1; file=$2; ward=$3; basedb=$4; rows=$5
	db=$W/out/$name.db
	copy_ward "$basedb" "$db"
	"$GONHA" import "$file" --db "$db" >"$W/out/$name.out" 2>&1; rc=$?
	why=""
	if [ $rc -ne 0 ]; then why="exit status $rc (want 0)"
	else why=$(summary_unchanged "$W/out/$name.out" "$rows"); fi
	diffs=$(same_ward "$db" "$W/snap/$ward") || why="$why${why:+
}the ward changed: $diffs"
	if [ -z "$why" ]; then pass "$name"; else
		fail "$name" "$why" "import said:" "$(head -n 8 "$W/out/$name.out")"
	fi
}

# Import FILE into a copy of the ward: either every row unchanged as above, or
# (if allowed) refused: exit 2, one FILE:LINE: line for exactly the damaged
# LINES, each naming COLUMN (unless COLUMN is "-"), the ward unchanged.
# MODE: "either" (unchanged or refused), "refuse", or "refuse-or-conflict"
# (refused, or each damaged row kept as a conflict with the ward's households
# and persons as they were).
check_undone_or_refused() { # CHECK FILE NAME BASEDB ROWS MODE COLUMN LINES...
	name=$1; file=$2; ward=$3; basedb=$4; rows=$5; mode=$6; col=$7; shift 7
	[ $# -gt 0 ] || { fail "$name" "the fixture damaged no line (the script that makes it is wrong)"; return; }
	want=$(printf '%s\n' "$@" | sort -n | uniq | tr '\n' ' ')
	db=$W/out/$name.db
	copy_ward "$basedb" "$db"
	"$GONHA" import "$file" --db "$db" >"$W/out/$name.out" 2>&1; rc=$?
	why=""; how=""
	if [ $rc -eq 0 ] && [ "$mode" = either ]; then
		how="unchanged"
		why=$(summary_unchanged "$W/out/$name.out" "$rows")
	elif [ $rc -eq 0 ] && [ "$mode" = refuse-or-conflict ]; then
		how="kept as a conflict"
		why=$(summary_conflicts "$W/out/$name.out" "$rows" $#)
		if [ -z "$why" ]; then
			d=$W/snap/$name.after
			snapshot "$db" "$d" || why="could not export the ward after the import"
			for f in h.csv p.csv; do
				[ -n "$why" ] || cmp -s "$W/snap/$ward/$f" "$d/$f" ||
					why="kept as a conflict, but the ward's records changed: $(diff "$W/snap/$ward/$f" "$d/$f" | head -n 3 | cut -c1-200)"
			done
		fi
		[ -n "$why" ] || { pass "$name ($how)"; return; }
	elif [ $rc -eq 2 ]; then
		how="refused"
		# problem lines of this file: "FILE:LINE: ..."
		awk -v f="$file:" 'index($0, f) == 1 { r = substr($0, length(f) + 1); if (r ~ /^[0-9]+: /) print }' \
			"$W/out/$name.out" >"$W/out/$name.lines"
		got=$(sed 's/: .*//; s/.*://' "$W/out/$name.lines" | sort -n | uniq | tr '\n' ' ')
		if [ -z "$got" ]; then why="exit status 2 but no $file:LINE: line"
		elif [ "$got" != "$want" ]; then why="refused at lines [ $got] want [ $want]"
		elif [ "$col" != - ] && grep -v -F -q -- "$col" "$W/out/$name.lines"; then
			why="a problem line does not name the column $col: $(grep -v -F -- "$col" "$W/out/$name.lines" | head -n 1)"
		fi
	else
		case $mode in
		either) why="exit status $rc (want 0 and all unchanged, or 2 and refused at its lines)" ;;
		refuse) why="exit status $rc (want 2 and refused at its lines)" ;;
		*) why="exit status $rc (want 2 and refused at its lines, or 0 and kept as a conflict)" ;;
		esac
	fi
	if [ -z "$why" ]; then
		diffs=$(same_ward "$db" "$W/snap/$ward") || why="the ward changed: $diffs"
	fi
	if [ -z "$why" ]; then pass "$name ($how)"; else
		fail "$name" "$why" "import said:" "$(head -n 8 "$W/out/$name.out")"
	fi
}

# ---- part 1: LibreOffice Calc ---------------------------------------------
prepare_base demo "$W/base/demo.db" || die "could not snapshot the demo ward"
export_to "$W/base/demo.db" households "$W/in/households.csv" || die "export households failed"
export_to "$W/base/demo.db" persons "$W/in/persons.csv" || die "export persons failed"
H_ROWS=$(rows_of "$W/snap/demo/h.csv"); P_ROWS=$(rows_of "$W/snap/demo/p.csv")
PHONES=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "phone") c = i; next } c && $c != "" { n++ } END { print n + 0 }' "$W/snap/demo/h.csv")

# The odd ward: the demo ward with house numbers 12/3 and 5-7 in TDP 01.
copy_ward "$W/base/demo.db" "$W/base/odd.db"
export_to "$W/base/odd.db" households "$W/in/odd-edit.csv" --plain --tdp 01 || die "export for the odd ward failed"
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "house_no") c = i }
	NR == 3 { $c = "12/3" } NR == 5 { $c = "5-7" } { print }' "$W/in/odd-edit.csv" >"$W/in/odd-edit2.csv"
"$GONHA" import "$W/in/odd-edit2.csv" --db "$W/base/odd.db" >"$W/base/odd.log" 2>&1 ||
	die "could not set the house numbers 12/3 and 5-7" "$(head -n 3 "$W/base/odd.log")"
prepare_base odd "$W/base/odd.db" || die "could not snapshot the odd ward"

# Excel's files are made from what gonha writes for Excel (BOM, CRLF), TDP 01
# (a TDP leader's file; under 200 rows, so every refused line is printed).
export_to "$W/base/odd.db" households "$W/in/h01.csv" --tdp 01 || die "export households --tdp 01 failed"
export_to "$W/base/odd.db" persons "$W/in/p01.csv" --tdp 01 --with-ids || die "export persons --tdp 01 failed"
export_to "$W/base/odd.db" households "$W/in/hall.csv" || die "export households failed"
export_to "$W/base/odd.db" persons "$W/in/pall.csv" || die "export persons failed"
for f in h01 p01 hall pall; do
	grep -q '"' "$W/in/$f.csv" && die "$f.csv has quoted cells; the fixture scripts split on commas"
done
H01=$(rows_of "$W/in/h01.csv"); P01=$(rows_of "$W/in/p01.csv")
HALL=$(rows_of "$W/in/hall.csv"); PALL=$(rows_of "$W/in/pall.csv")
# the line of 12/3 in the TDP 01 file (Calc makes it a date in xlsx and vi)
LINE_12_3=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "house_no") c = i; next } $c == "12/3" { print NR }' "$W/in/h01.csv")

# One round trip: MODE IN OUTDIR. Each soffice gets its own profile and runs in
# the foreground until it has written its file.
EXPORT="csv:Text - txt - csv (StarCalc)"
calc() {
	mode=$1; in=$2; out=$3; base=$(basename "$in" .csv)
	mkdir -p "$out/x"
	log=$out/$base.log; : >"$log"
	n=0
	so() {
		n=$((n + 1))
		timeout 600 "$SOFFICE" "-env:UserInstallation=file://$W/lo/$mode-$base-$n" --headless "$@" >>"$log" 2>&1
	}
	case $mode in
	# the literal commands, no filter options (LO reads and writes its "system"
	# charset, Windows-1252 on Linux: text bytes survive, numbers do not)
	plain) so --convert-to xlsx --outdir "$out/x" "$in" &&
	       so --convert-to csv --outdir "$out" "$out/x/$base.xlsx" ;;
	# UTF-8, default column types ("Standard"), English
	xlsx)  so --infilter="CSV:44,34,76,1" --convert-to xlsx --outdir "$out/x" "$in" &&
	       so --convert-to "$EXPORT:44,34,76,1" --outdir "$out" "$out/x/$base.xlsx" ;;
	# CSV to CSV directly
	csv)   so --infilter="CSV:44,34,76,1" --convert-to "$EXPORT:44,34,76,1" --outdir "$out" "$in" ;;
	# Vietnamese: filter language 1066, saved with `;`
	vi)    so --infilter="CSV:44,34,76,1,,1066" --convert-to xlsx --outdir "$out/x" "$in" &&
	       so --convert-to "$EXPORT:59,34,76,1,,1066" --outdir "$out" "$out/x/$base.xlsx" ;;
	# a Vietnamese desktop (decimal comma), UTF-8 chosen
	vi-desktop) export LC_ALL=vi_VN.UTF-8 LANG=vi_VN.UTF-8
	       so --infilter="CSV:44,34,76,1" --convert-to xlsx --outdir "$out/x" "$in" &&
	       so --convert-to "$EXPORT:44,34,76,1" --outdir "$out" "$out/x/$base.xlsx" ;;
	esac
	rc=$?
	[ $rc -eq 0 ] && [ -s "$out/$base.csv" ] || { echo "soffice exit status $rc, no $out/$base.csv" >>"$log"; return 1; }
}

# Controls: the files as gonha wrote them import as unchanged (else the
# checks below say nothing about spreadsheets).
check_unchanged control-households "$W/in/households.csv" demo "$W/base/demo.pristine.db" "$H_ROWS"
check_unchanged control-persons "$W/in/persons.csv" demo "$W/base/demo.pristine.db" "$P_ROWS"

MODES="plain xlsx csv vi vi-desktop"
if command -v "$SOFFICE" >/dev/null 2>&1; then
	"$SOFFICE" --version 2>/dev/null | head -n 1
	start=$(date +%s)
	# the conversions, JOBS at a time
	set --
	for m in $MODES; do for w in households persons; do set -- "$@" "$m:$w"; done; done
	set -- "$@" xlsx:h01 vi:h01
	running=0
	for job in "$@"; do
		m=${job%%:*}; w=${job#*:}
		( calc "$m" "$W/in/$w.csv" "$W/calc/$m"; echo $? >"$W/calc-$m-$w.rc" ) &
		running=$((running + 1))
		if [ $running -ge "$JOBS" ]; then wait; running=0; fi
	done
	wait
	echo "  (LibreOffice conversions: $(( $(date +%s) - start )) s)"
	for m in $MODES; do
		for w in households persons; do
			f=$W/calc/$m/$w.csv
			if [ "$(cat "$W/calc-$m-$w.rc" 2>/dev/null)" != 0 ]; then
				fail "calc-$m-$w" "the conversion failed:" "$(tail -n 5 "$W/calc/$m/$w.log" 2>/dev/null)"
				continue
			fi
			rows=$P_ROWS; [ $w = households ] && rows=$H_ROWS
			check_unchanged "calc-$m-$w" "$f" demo "$W/base/demo.pristine.db" "$rows"
		done
		# phones with their leading 0, read back from the ward after the import
		db=$W/out/calc-$m-households.db
		if [ -f "$db" ]; then
			export_to "$db" households "$W/out/calc-$m-phones.csv" --plain
			bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "phone") c = i; next }
			       c && $c != "" { n++; if ($c !~ /^0[0-9]+$/) { b++; if (!ex) ex = $c } }
			       END { printf "%d %d %s", n, b, ex }' "$W/out/calc-$m-phones.csv")
			set -- $bad
			if [ "$1" -eq "$PHONES" ] && [ "$2" -eq 0 ]; then pass "calc-$m-phones"
			else fail "calc-$m-phones" "$1 phones after the import ($PHONES before), $2 without their leading 0 (e.g. ${3:-})"; fi
		fi
	done
	# the odd ward's TDP 01 with 12/3 (a date after Calc) and 5-7 (kept)
	for m in xlsx vi; do
		if [ "$(cat "$W/calc-$m-h01.rc" 2>/dev/null)" != 0 ]; then
			fail "calc-$m-house-no-date" "the conversion failed:" "$(tail -n 5 "$W/calc/$m/h01.log" 2>/dev/null)"
		else
			check_undone_or_refused "calc-$m-house-no-date" "$W/calc/$m/h01.csv" odd "$W/base/odd.pristine.db" "$H01" either house_no $LINE_12_3
		fi
	done
else
	skip "calc" "soffice not found (make deps-office installs LibreOffice Calc)"
fi

# ---- part 2: what Excel does -------------------------------------------------
# (the wards and exports these files are made from are made above)

# edit IN OUT AWK-PROGRAM: copies IN to OUT through the program, which finds
# each column's number in c["name"] (from the header, without BOM and CR) and
# changes cells ($c["house_no"] = ...). Line ends are kept. The numbers of the
# lines it changed (the damaged lines) go to OUT.lines.
edit() { # IN OUT PROGRAM
	awk -F, -v OFS=, -v lines="$2.lines" '
	NR == 1 { h = $0; sub(/^\357\273\277/, "", h); sub(/\r$/, "", h)
	          n = split(h, names, ","); for (i = 1; i <= n; i++) c[names[i]] = i }
	{ cr = sub(/\r$/, ""); before = $0 }
	'"$3"'
	{ if ($0 != before) print NR > lines; if (cr) $0 = $0 "\r"; print }' "$1" >"$2"
	touch "$2.lines"
}

# 1. visit dates as Excel writes them in vi-VN: dd/mm/yyyy (every row)
edit "$W/in/h01.csv" "$W/in/excel-dates.csv" \
	'NR > 1 && $c["visit_date"] ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/ {
	   split($c["visit_date"], d, "-"); $c["visit_date"] = d[3] "/" d[2] "/" d[1] }'
check_undone_or_refused excel-dates-ddmmyyyy "$W/in/excel-dates.csv" odd "$W/base/odd.pristine.db" "$H01" either visit_date $(cat "$W/in/excel-dates.csv.lines")

# 2. a CCCD shown (and saved) as 1.23457E+11: the literal, and the form Excel
# gives that row's own number without its 0 (e.g. 1.90782E+10)
edit "$W/in/p01.csv" "$W/in/excel-cccd.csv" \
	'NR > 1 && $c["cccd"] ~ /^[0-9]+$/ && length($c["cccd"]) == 12 && k < 2 { k++
	   if (k == 1) $c["cccd"] = "1.23457E+11"; else $c["cccd"] = sprintf("%.5E", $c["cccd"] + 0) }'
check_undone_or_refused excel-cccd-exponent "$W/in/excel-cccd.csv" odd "$W/base/odd.pristine.db" "$P01" either cccd $(cat "$W/in/excel-cccd.csv.lines")

# 3. the house numbers 12/3 and 5-7 turned into dates (vi-VN: 12/03/2026, 05/07/2026)
edit "$W/in/h01.csv" "$W/in/excel-house.csv" \
	'NR > 1 && $c["house_no"] == "12/3" { $c["house_no"] = "12/03/2026" }
	 NR > 1 && $c["house_no"] == "5-7"  { $c["house_no"] = "05/07/2026" }'
check_undone_or_refused excel-house-no-date "$W/in/excel-house.csv" odd "$W/base/odd.pristine.db" "$H01" either house_no $(cat "$W/in/excel-house.csv.lines")

# 4. "CSV (Comma delimited)" on a Vietnamese Windows: Windows-1258, no BOM, CRLF.
# Every line with a Vietnamese letter is damaged; a refusal may name any
# column (the encoding is the file's), so only the lines are checked.
sed '1s/^\xef\xbb\xbf//' "$W/in/h01.csv" | iconv -f UTF-8 -t WINDOWS-1258 >"$W/in/excel-1258.csv" 2>"$W/in/iconv.err" ||
	die "iconv to Windows-1258 failed" "$(head -n 2 "$W/in/iconv.err")"
lines_1258=$(LC_ALL=C awk '/[\200-\377]/ { print NR }' "$W/in/excel-1258.csv")
check_undone_or_refused excel-windows-1258 "$W/in/excel-1258.csv" odd "$W/base/odd.pristine.db" "$H01" either - $lines_1258

# 5. `;` separators with a BOM and CRLF (Excel "CSV UTF-8" where the decimal
# sign is a comma): nothing else changed, so the meaning is certain: unchanged.
for w in h p; do
	src=$W/in/${w}all.csv; rows=$HALL; [ $w = p ] && rows=$PALL
	grep -q ';' "$src" && die "${w}all.csv has a ';' in a cell; the fixture would need quoting"
	tr ',' ';' <"$src" >"$W/in/excel-semicolon-$w.csv"
	name=excel-semicolon-bom-households; [ $w = p ] && name=excel-semicolon-bom-persons
	check_unchanged $name "$W/in/excel-semicolon-$w.csv" odd "$W/base/odd.pristine.db" "$rows"
done

# 6. a version token in exponent form (Excel's General format: 9.06895E+15)
# on an edited row: the token cannot be undone and the row is not unchanged,
# so it must be refused at that line naming version. Without the edit the row
# is unchanged.
tokrow=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "version") c = i; next }
	$c ~ /^[0-9]+$/ && length($c) >= 12 { print NR; exit }' "$W/in/hall.csv")
if [ -z "$tokrow" ]; then
	# no all-digit token in this ward: make one exponent form of a hex token
	tokrow=2
fi
edit "$W/in/hall.csv" "$W/in/excel-version-unedited.csv" \
	'NR == '"$tokrow"' { v = $c["version"]; $c["version"] = (v ~ /^[0-9]+$/) ? sprintf("%.5E", v + 0) : "9.06895E+15" }'
check_unchanged excel-version-exponent-unedited "$W/in/excel-version-unedited.csv" odd "$W/base/odd.pristine.db" "$HALL"
edit "$W/in/hall.csv" "$W/in/excel-version-edited.csv" \
	'NR == '"$tokrow"' { v = $c["version"]; $c["version"] = (v ~ /^[0-9]+$/) ? sprintf("%.5E", v + 0) : "9.06895E+15"
	   $c["house_no"] = $c["house_no"] "A" }'
check_undone_or_refused excel-version-exponent-edited "$W/in/excel-version-edited.csv" odd "$W/base/odd.pristine.db" "$HALL" refuse version $(cat "$W/in/excel-version-edited.csv.lines")

# 7. the same file, but the record changed in gonha after the export (here by
# an import of an edit of its street): with the token gone the import cannot
# know the file was made from an older version, so taking the row would throw
# the newer change away. Refused at that line, or kept as a conflict (as the
# import does today with any row changed on both sides); never taken.
copy_ward "$W/base/odd.db" "$W/base/stale.db"
edit "$W/in/hall.csv" "$W/in/stale-edit.csv" 'NR == '"$tokrow"' { $c["street"] = $c["street"] " (mới)" }'
"$GONHA" import "$W/in/stale-edit.csv" --db "$W/base/stale.db" >"$W/base/stale.log" 2>&1 ||
	die "could not change the record for the stale-version check" "$(head -n 3 "$W/base/stale.log")"
prepare_base stale "$W/base/stale.db" || die "could not snapshot the stale ward"
check_undone_or_refused excel-version-exponent-stale "$W/in/excel-version-edited.csv" stale "$W/base/stale.pristine.db" "$HALL" refuse-or-conflict version $(cat "$W/in/excel-version-edited.csv.lines")

finish
