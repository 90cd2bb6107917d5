# The quarterly report (issue 16): `gonha report` in each format (signed in,
# the questionnaire loaded, the figures read from the kept counters, the
# file written) and `--as-of` a past day (from the daily snapshots), against
# the sqlite3 shell doing the same reads on the same file: the counters per
# TDP (tdp_stats, tdp_indicator), the weekly totals from the snapshots, and
# for --as-of each TDP's last snapshot on or before the day. The PDF also
# lists, for the three TDPs furthest behind each target, what their people
# lack (a read of those TDPs' persons the shell does not make): its ratio
# says what that costs. The demo was made with GONHA_NOW on 2026-11-20, so
# its snapshots are of that day; the report runs on the real date, after.
# gonha's time is the whole command (process, sign-in, questionnaire, file
# written); the shell's, its reads alone, divided by the runs.
cat > "$OUT/report.ref.sql" <<'SQL'
SELECT t.id, t.code, t.name, s.listed, s.not_visited, s.done, s.revisit, s.refused, s.moved
  FROM tdp t LEFT JOIN tdp_stats s ON s.tdp_id = t.id ORDER BY t.sort_order, t.code;
SELECT c.tdp_id, b.name, c.num, c.den FROM tdp_indicator c JOIN indicator_bit b ON b.bit = c.bit;
WITH RECURSIVE w(k, d) AS (SELECT 0, date('now') UNION ALL SELECT k + 1, date(d, '-7 days') FROM w
   WHERE k + 1 < 52 AND date(d, '-7 days') >= date((SELECT value FROM meta WHERE key = 'snapshots_began'), '-6 days')),
 pick(k, tdp_id, day) AS (SELECT w.k, t.id, (SELECT max(s.day) FROM coverage_day_stats s WHERE s.tdp_id = t.id
   AND s.day <= w.d) FROM w, tdp t)
SELECT p.k, c.indicator, sum(c.numerator), sum(c.denominator) FROM pick p
  JOIN coverage_day c ON c.tdp_id = p.tdp_id AND c.day = p.day GROUP BY p.k, c.indicator;
SQL
cat > "$OUT/report.asof.ref.sql" <<'SQL'
SELECT s.* FROM tdp t JOIN coverage_day_stats s ON s.tdp_id = t.id
  AND s.day = (SELECT max(day) FROM coverage_day_stats WHERE tdp_id = t.id AND day <= '2026-11-20');
SELECT c.* FROM tdp t JOIN coverage_day c ON c.tdp_id = t.id
  AND c.day = (SELECT max(day) FROM coverage_day_stats WHERE tdp_id = t.id AND day <= '2026-11-20');
SQL
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
repeat_sql "$OUT/report.ref.sql"
repeat_sql "$OUT/report.asof.ref.sql"
measure "$OUT/reportref.$size" sqlite3 "$db" ".read $OUT/report.ref.sql.rep"
per_run "$OUT/reportref.$size"
for fmt in text csv xlsx pdf; do
	rm -f "$OUT/report.$size.$fmt"
	measure "$OUT/report.$fmt.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" report --db "$db" \
		--format "$fmt" --out "$OUT/report.$size.$fmt"
	row_ms "report --format $fmt vs reads" "$OUT/report.$fmt.$size" "$OUT/reportref.$size.1"
	rm -f "$OUT/report.$size.$fmt"
done
measure "$OUT/reportasofref.$size" sqlite3 "$db" ".read $OUT/report.asof.ref.sql.rep"
per_run "$OUT/reportasofref.$size"
measure "$OUT/report.asof.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" report --db "$db" \
	--format csv --as-of 2026-11-20 --out "$OUT/report.$size.asof.csv"
row_ms "report --as-of (snapshots) vs reads" "$OUT/report.asof.$size" "$OUT/reportasofref.$size.1"
rm -f "$OUT/report.$size.asof.csv"
