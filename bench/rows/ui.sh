# The terminal UI: each main screen rendered headless (a curses screen on
# /dev/null, 80x24) by `gonha ui-bench`, as the ward officer, and the time
# to the first screen (start-up). One frame is 16 ms; start-up should stay
# under 100 ms. Reference row: the sqlite3 shell reading a TDP's first page
# (households in walking order with head and member count) as often as
# ui-bench draws screens.
GONHA_PASSWORD=demo "$GONHA" ui-bench --db "$db" --user admin --rounds 20 > "$OUT/ui.$size.txt" ||
	{ echo "bench: ui-bench failed" >&2; exit 1; }
sed "s/^/  ui ($persons persons): /" "$OUT/ui.$size.txt"
measure "$OUT/ui.$size" env GONHA_PASSWORD=demo "$GONHA" ui-bench --db "$db" --user admin --rounds 200
tdp=$(sqlite3 "$db" "SELECT id FROM tdp ORDER BY sort_order LIMIT 1 OFFSET (SELECT count(*) / 2 FROM tdp)")
cat > "$OUT/ui.sql" <<SQL
SELECT h.id, h.house_no, h.alley, h.visit_status,
  (SELECT full_name FROM person p WHERE p.household_id = h.id AND p.deleted = 0 AND p.relation = 'head'),
  (SELECT count(*) FROM person p WHERE p.household_id = h.id AND p.deleted = 0)
FROM household h WHERE h.tdp_id = '$tdp' AND h.deleted = 0 ORDER BY h.walk_order LIMIT 20;
SQL
i=0; : > "$OUT/ui.rep.sql"
while [ $i -lt 800 ]; do cat "$OUT/ui.sql" >> "$OUT/ui.rep.sql"; i=$((i + 1)); done
measure "$OUT/uiref.$size" sqlite3 "$db" ".read $OUT/ui.rep.sql"
row "ui-bench 200 rounds vs 800 pages" "$persons" "$OUT/ui.$size" "$OUT/uiref.$size"
