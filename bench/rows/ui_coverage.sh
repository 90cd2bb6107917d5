# The coverage screens: the ward dashboard and a TDP's coverage screen
# rendered headless (80x24) by `gonha ui-bench` from the kept counters,
# against the sqlite3 shell computing the same numbers with the plain
# GROUP BY over household and person (every indicator of the plan written
# out in SQL) on the same file. Reported in milliseconds per screen / per
# query (the shell's time is its start, the file read and the GROUP BY,
# divided by the runs); the ratio is gonha over sqlite3.
# Sourced after ui.sh, which leaves $OUT/ui.$size.txt.
[ -f "$OUT/ui.$size.txt" ] || GONHA_PASSWORD=demo "$GONHA" ui-bench --db "$db" --user admin --rounds 20 > "$OUT/ui.$size.txt"
tdp=$(sqlite3 "$db" "SELECT id FROM tdp ORDER BY sort_order LIMIT 1 OFFSET (SELECT count(*) / 2 FROM tdp)")
covq() { # WHERE clause for household h
	cat <<SQL
SELECT h.tdp_id, count(*), sum(h.visit_status IN ('done', 'refused', 'moved')),
  sum(h.visit_status = 'revisit'), sum(h.visit_status = 'refused')
FROM household h WHERE h.deleted = 0 $1 GROUP BY h.tdp_id;
SELECT tdp_id, sum(a >= 18), sum(a >= 18 AND sk), sum(a >= 18 AND vc),
  sum(a >= 18 AND g = 'enterprise_worker'), sum(a >= 18 AND g = 'enterprise_worker' AND sk),
  sum(a >= 18 AND g = 'public_sector'), sum(a >= 18 AND g = 'public_sector' AND os AND l2),
  sum(a >= 16), sum(a >= 16 AND l2), sum(a >= 16 AND bank), sum(help)
FROM (SELECT h.tdp_id, CAST(strftime('%Y', 'now') AS INTEGER) - p.birth_year AS a,
    coalesce(json_extract(p.answers, '\$.smartphone') = 'yes' AND json_extract(p.answers, '\$.digital_safety') = 'yes'
      AND (json_extract(p.answers, '\$.online_services') = 'yes' OR json_extract(p.answers, '\$.cashless') = 'yes'), 0) AS sk,
    coalesce(json_extract(p.answers, '\$.vneid_confirmed') = 'yes', 0) AS vc,
    json_extract(p.answers, '\$.group') AS g,
    coalesce(json_extract(p.answers, '\$.online_services') = 'yes', 0) AS os,
    coalesce(json_extract(p.answers, '\$.vneid_level') = 'level2', 0) AS l2,
    coalesce(json_extract(p.answers, '\$.bank_account') = 'yes', 0) AS bank,
    length(coalesce(json_extract(p.answers, '\$.needs_help'), '')) > 0 AS help
  FROM person p JOIN household h ON h.id = p.household_id WHERE p.deleted = 0 AND h.deleted = 0 $1)
GROUP BY tdp_id;
SQL
}
# runs: enough for a measurable time at every size
case $size in small) runs=20 ;; medium) runs=5 ;; *) runs=1 ;; esac
for what in dashboard tdp; do
	if [ $what = dashboard ]; then covq "" > "$OUT/cov.sql"; label="ward dashboard"; else
		covq "AND h.tdp_id = '$tdp'" > "$OUT/cov.sql"; label="TDP coverage"; fi
	i=0; : > "$OUT/cov.rep.sql"
	while [ $i -lt $runs ]; do cat "$OUT/cov.sql" >> "$OUT/cov.rep.sql"; i=$((i + 1)); done
	measure "$OUT/covref.$what.$size" sqlite3 "$db" ".read $OUT/cov.rep.sql"
	# gonha: ms per screen from ui-bench, as "seconds peak_kb" (peak of the ui-bench run)
	ms=$(awk -v l="$label" 'index($0, l) == 1 { print $(NF - 1) }' "$OUT/ui.$size.txt")
	peak=$(cut -d' ' -f2 "$OUT/ui.$size" 2>/dev/null || echo 0)
	echo "$ms $peak" | awk '{ printf "%.6f %s\n", $1 / 1000, $2 }' > "$OUT/cov.$what.$size"
	awk -v r="$runs" '{ printf "%.6f %s\n", $1 / r, $2 }' "$OUT/covref.$what.$size" > "$OUT/covref1.$what.$size"
	# the row() layout, in milliseconds: a screen takes well under one
	awk -v what="$label vs GROUP BY (ms)" -v persons="$persons" -v g="$(cat "$OUT/cov.$what.$size")" \
	    -v s="$(cat "$OUT/covref1.$what.$size")" 'BEGIN {
		split(g, a, " "); split(s, b, " ");
		ratio = (b[1] > 0) ? a[1] / b[1] : 0;
		printf "%-34s %10s %9.3f %9.3f %7.4fx %9.1f %9.1f\n", what, persons, a[1] * 1000, b[1] * 1000, ratio,
		       a[2] / 1024, b[2] / 1024 }'
done
