# The quarterly report (issue 16): `gonha report` in each format (signed in,
# the questionnaire loaded, the figures read, the file written) and
# `--as-of` a past day (from the daily snapshots), against the sqlite3
# shell doing the same reads on the same file. The coverage tables (every
# format) read the counters per TDP (tdp_stats, tdp_indicator) and the
# weekly totals from the snapshots (bench/report_ref.sql; for --as-of each
# TDP's last snapshot on or before the day, bench/report_asof_ref.sql):
# a few rows a TDP, so the shell's reads are repeated and divided. The
# text and the PDF also hold the operators' figures and the reviews,
# which read every household and person: the text the operators per user
# and per user and day (bench/operators_user_ref.sql,
# bench/operators_day_ref.sql), the PDF per user; both the reviews per
# TDP (bench/reviews_ref.sql); these the shell reads once. The PDF also
# lists, for the three TDPs furthest behind each target, what their people
# lack (a read of those TDPs' persons the shell does not make). The CSV
# and XLSX are the coverage section alone. The demo was made with
# GONHA_NOW on 2026-11-20, so its snapshots are of that day; the report
# runs on the real date, after. gonha's time is the whole command
# (process, sign-in, questionnaire, file written).
# the shell's reads take milliseconds: read many times, divided by the runs
case $size in small) runs=500 ;; medium) runs=50 ;; *) runs=5 ;; esac
repeat_sql() { # file: the file's SQL $runs times
	i=0; : > "$1.rep"
	while [ $i -lt $runs ]; do cat "$1" >> "$1.rep"; i=$((i + 1)); done
}
per_run() { awk -v r="$runs" '{ printf "%.6f %s\n", $1 / r, $2 }' "$1" > "$1.1"; }
row_ms() { # what g_file s_file, in milliseconds
	awk -v what="$1" -v persons="$persons" -v g="$(cat "$2")" -v s="$(cat "$3")" 'BEGIN {
		split(g, a, " "); split(s, b, " "); ratio = (b[1] > 0) ? a[1] / b[1] : 0;
		printf "%-34s %10s %9.1f %9.2f %7.1fx %9.1f %9.1f  (ms)\n", what, persons, a[1] * 1000, b[1] * 1000, ratio,
		       a[2] / 1024, b[2] / 1024 }'
}
cp bench/report_ref.sql "$OUT/report.ref.sql"; cp bench/report_asof_ref.sql "$OUT/report.asof.ref.sql"
cp bench/progress_ref.sql "$OUT/progress.ref.sql"
repeat_sql "$OUT/report.ref.sql"
repeat_sql "$OUT/report.asof.ref.sql"
repeat_sql "$OUT/progress.ref.sql"
measure "$OUT/reportref.$size" sqlite3 "$db" ".read $OUT/report.ref.sql.rep"
per_run "$OUT/reportref.$size"
for part in operators_user operators_day reviews; do
	measure "$OUT/$part.ref.$size" sqlite3 "$db" ".read bench/${part}_ref.sql"
done
sum_refs() { # out files...: seconds summed, the largest peak
	out=$1; shift
	cat "$@" | awk '{ s += $1; if ($2 > m) m = $2 } END { printf "%.6f %d\n", s, m }' > "$out"
}
sum_refs "$OUT/reportref.$size.text" "$OUT/reportref.$size.1" "$OUT/operators_user.ref.$size" \
	"$OUT/operators_day.ref.$size" "$OUT/reviews.ref.$size"
sum_refs "$OUT/reportref.$size.pdf" "$OUT/reportref.$size.1" "$OUT/operators_user.ref.$size" "$OUT/reviews.ref.$size"
cp "$OUT/reportref.$size.1" "$OUT/reportref.$size.csv"
cp "$OUT/reportref.$size.1" "$OUT/reportref.$size.xlsx"
for fmt in text csv xlsx pdf; do
	rm -f "$OUT/report.$size.$fmt"
	measure "$OUT/report.$fmt.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" report --db "$db" \
		--format "$fmt" --out "$OUT/report.$size.$fmt"
	row_ms "report --format $fmt vs reads" "$OUT/report.$fmt.$size" "$OUT/reportref.$size.$fmt"
	rm -f "$OUT/report.$size.$fmt"
done
measure "$OUT/reportasofref.$size" sqlite3 "$db" ".read $OUT/report.asof.ref.sql.rep"
per_run "$OUT/reportasofref.$size"
measure "$OUT/report.asof.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" report --db "$db" \
	--format csv --as-of 2026-11-20 --out "$OUT/report.$size.asof.csv"
row_ms "report --as-of (snapshots) vs reads" "$OUT/report.asof.$size" "$OUT/reportasofref.$size.1"
rm -f "$OUT/report.$size.asof.csv"
# The dashboard's progress chart (`t`): the slowest of its keys in
# `gonha ui-bench` (the chart opened twice, each time with its Right/Left
# keys; median of 3 runs), against the shell's read of the same weeks
# (bench/progress_ref.sql) and the 16 ms of one frame.
measure "$OUT/progressref.$size" sqlite3 "$db" ".read $OUT/progress.ref.sql.rep"
per_run "$OUT/progressref.$size"
chart_ms=$(for run in 1 2 3; do
	GONHA_PASSWORD=demo "$GONHA" ui-bench --db "$db" --user admin --rounds 1 |
		awk '/^  progress chart / { for (i = 1; i <= NF; i++) if ($i == "slowest") print $(i + 1) }'
done | sort -n | sed -n 2p)
[ -n "$chart_ms" ] || { echo "bench: ui-bench gave no progress chart" >&2; exit 1; }
awk -v persons="$persons" -v ms="$chart_ms" -v s="$(cat "$OUT/progressref.$size.1")" 'BEGIN {
	split(s, b, " "); sms = b[1] * 1000
	printf "%-34s %10s %9.2f %9.2f %7.1fx  (ms; %.2fx of 16 ms)\n", "progress chart t vs reads", persons, ms, sms,
	       (sms > 0 ? ms / sms : 0), ms / 16 }'
