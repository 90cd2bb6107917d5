#!/bin/sh
# make bench: timings and peak memory of gonha against the sqlite3 shell doing
# the nearest equivalent work on the same data, in the same run, at three
# sizes. Report ratios, not absolute times: the machines are shared.
#
# Each row: what, persons, gonha seconds, sqlite3 seconds, ratio, peak MB of
# both. Later features add rows in the "rows" section below.
set -eu
cd "$(dirname "$0")/.."
GONHA=${GONHA:-./gonha}
OUT=bench/out
mkdir -p "$OUT"
# the rounds once collects and fastest reads, left by a run that stopped half-way
rm -f "$OUT"/*.all
SIZES=${BENCH_SIZES:-"small medium large"}
# BENCH_ROWS=exchange (a glob): only those files of bench/rows, for a by-hand run

# households per TDP x TDPs for about 20 thousand, 200 thousand, 2 million persons
size_args() {
	case $1 in
	small)  echo "--tdps 10 --households 760" ;;
	medium) echo "--tdps 40 --households 1900" ;;
	large)  echo "--tdps 400 --households 1900" ;;
	esac
}

# measure OUTFILE cmd...: runs the command, writes "seconds peak_kb"
measure() {
	out=$1; shift
	/usr/bin/time -f "%e %M" -o "$out" "$@" >/dev/null 2>"$out.err" || {
		echo "bench: failed: $*" >&2; cat "$out.err" >&2; exit 1; }
}

# Rows short enough that one busy second of a shared machine moves the
# ratio take the fastest of several rounds, gonha and its references run in
# turn within each round (so a busy spell slows both, not one): the small
# ward runs 5 rounds, the larger ones 1 (BENCH_REPEAT sets it). A row does
#   round=0; while [ $round -lt "$repeats" ]; do once A ...; once B ...; round=$((round + 1)); done
#   fastest A; fastest B
# once OUTFILE SETUP cmd...: the shell command SETUP (which puts the files
# back as they were; "" when the command changes nothing), then one measured
# run, added to OUTFILE.all (fastest reads and removes it).
once() {
	# (sh has no local variables: these names are once's own, apart from measure's)
	once_out=$1; once_setup=$2; shift 2
	sh -c "$once_setup"
	measure "$once_out.one" "$@"
	cat "$once_out.one" >> "$once_out.all"
	rm -f "$once_out.one" "$once_out.one.err"
}

# fastest OUTFILE: the fastest run of OUTFILE.all, as measure writes it; the
# peak memory the highest of the runs.
fastest() {
	awk 'NR == 1 || $1 < t { t = $1 } $2 > m { m = $2 } END { print t, m }' "$1.all" > "$1"
	rm -f "$1.all"
}

row() { # what persons g_file s_file
	awk -v what="$1" -v persons="$2" -v g="$(cat "$3")" -v s="$(cat "$4")" 'BEGIN {
		split(g, a, " "); split(s, b, " ");
		ratio = (b[1] > 0) ? a[1] / b[1] : 0;
		printf "%-34s %10s %9.2f %9.2f %7.2fx %9.1f %9.1f\n", what, persons, a[1], b[1], ratio, a[2] / 1024, b[2] / 1024 }'
}

printf "%-34s %10s %9s %9s %8s %9s %9s\n" "what" "persons" "gonha s" "sqlite3 s" "ratio" "gonha MB" "sqlite MB"
for size in $SIZES; do
	case $size in small) repeats=${BENCH_REPEAT:-5} ;; *) repeats=${BENCH_REPEAT:-1} ;; esac
	db=$OUT/$size.db
	rm -f "$db" "$db-wal" "$db-shm"
	measure "$OUT/demo.$size" env GONHA_NOW=2026-11-20T09:00:00Z "$GONHA" demo --db "$db" $(size_args "$size")
	persons=$(sqlite3 "$db" "SELECT count(*) FROM person")

	# Reference: the sqlite3 shell importing the same rows into the same schema.
	ref=$OUT/$size.ref.db
	rm -f "$ref" "$OUT/$size.household.csv" "$OUT/$size.person.csv"
	sqlite3 -csv "$db" "SELECT * FROM household" > "$OUT/$size.household.csv"
	sqlite3 -csv "$db" "SELECT * FROM person" > "$OUT/$size.person.csv"
	sqlite3 "$db" .schema | grep -v '^CREATE TABLE sqlite_' > "$OUT/schema.sql"
	sqlite3 "$ref" < "$OUT/schema.sql"
	sqlite3 "$db" ".mode insert tdp" "SELECT * FROM tdp" | sqlite3 "$ref"
	cat > "$OUT/import.sql" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
.import --csv $OUT/$size.household.csv household
.import --csv $OUT/$size.person.csv person
SQL
	measure "$OUT/ref.$size" sqlite3 "$ref" ".read $OUT/import.sql"
	row "create demo ward vs .import" "$persons" "$OUT/demo.$size" "$OUT/ref.$size"
	rm -f "$ref" "$OUT/$size.household.csv" "$OUT/$size.person.csv"

	# ---- rows added by later features go here, using $db and $persons ----
	for hook in bench/rows/${BENCH_ROWS:-*}.sh; do
		[ -f "$hook" ] && . "$hook"
	done
done
