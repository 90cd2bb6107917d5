# gonha check (issue 13) against the sqlite3 shell running integrity_check,
# foreign_key_check and the same rules written directly in SQL
# (bench/check_ref.sql, each person's bits from bench/indicators_ref.sql),
# on the same ward.
# The first row after the ward is built: its pages written out and read
# once, so that both commands start from the same page cache (gonha's run
# first had the cold and still-dirty cache, the shell's after it a warm one:
# 301 s against 133 s at 2 M in one run, 129 s for gonha alone warm).
sync
cat "$db" > /dev/null
round=0
while [ $round -lt "$repeats" ]; do
	once "$OUT/check.$size" "" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" check --db "$db"
	once "$OUT/checkref.$size" "" sqlite3 "$db" ".read bench/indicators_ref.sql" ".read bench/check_ref.sql"
	once "$OUT/checkic.$size" "" sqlite3 "$db" "PRAGMA integrity_check" "PRAGMA foreign_key_check"
	round=$((round + 1))
done
fastest "$OUT/check.$size"
fastest "$OUT/checkref.$size"
fastest "$OUT/checkic.$size"
row "check vs integrity+fk+rules in SQL" "$persons" "$OUT/check.$size" "$OUT/checkref.$size"
row "check vs integrity+fk alone" "$persons" "$OUT/check.$size" "$OUT/checkic.$size"
