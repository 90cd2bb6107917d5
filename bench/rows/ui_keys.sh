# The slowest key of every screen (issue 13): `gonha ui-bench` times each
# key from the key to the redrawn screen (headless, 80x24, as the ward
# officer) on home (with End), a TDP (its walk, every filter, search
# typing: a name, then digits), a household form, the ward dashboard
# and its progress chart (`t`: the weeks read from the snapshots), a
# TDP's coverage and its missing people; saves (a household moved one
# place and back, ^S on a household form: each a commit with its fsync,
# synchronous=FULL) apart. Warm, then cold: --cold empties SQLite's cache
# and drops the file (and its WAL) from the OS page cache
# (posix_fadvise DONTNEED) before each screen is opened and before each
# walk of its keys. Each row, in milliseconds: the median over 3 runs of
# that screen's slowest key, against the 16 ms of one frame (the "sqlite3"
# column is that budget, so the ratio is the share of a frame used).
# Which key was the slowest is in $OUT/uikeys.*.txt.
for mode in warm cold; do
	flag=; [ $mode = cold ] && flag=--cold
	for run in 1 2 3; do
		GONHA_PASSWORD=demo "$GONHA" ui-bench --db "$db" --user admin --rounds 2 $flag > "$OUT/uikeys.$mode.$run.$size.txt" ||
			{ echo "bench: ui-bench failed" >&2; exit 1; }
	done
	# "  NAME  N keys  mean X ms  slowest Y ms  (KEY)" after "slowest key per screen"
	for screen in "home" "TDP" "TDP, every filter" "TDP search typing" "household form" "ward dashboard" "progress chart" \
	              "TDP coverage" "missing people list" "saves (fsync)"; do
		ms=$(for run in 1 2 3; do
			awk -v s="$screen" '/^slowest key per screen/ { on = 1; next }
				on && index($0, "  " s " ") == 1 && substr($0, 3 + length(s)) ~ /^ +[0-9]+ keys/ {
					for (i = 1; i <= NF; i++) if ($i == "slowest") print $(i + 1) }' "$OUT/uikeys.$mode.$run.$size.txt"
		done | sort -n | sed -n 2p)
		[ -n "$ms" ] || continue
		awk -v what="key $mode: $screen (ms)" -v persons="$persons" -v ms="$ms" 'BEGIN {
			printf "%-34s %10s %9.2f %9.2f %7.2fx\n", what, persons, ms, 16, ms / 16 }'
	done
done
