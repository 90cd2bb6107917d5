# gonha check (issue 13) against the sqlite3 shell running integrity_check,
# foreign_key_check and the same rules written directly in SQL
# (bench/check_ref.sql, each person's bits from bench/indicators_ref.sql),
# on the same ward.
measure "$OUT/check.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" check --db "$db"
measure "$OUT/checkref.$size" sqlite3 "$db" ".read bench/indicators_ref.sql" ".read bench/check_ref.sql"
row "check vs integrity+fk+rules in SQL" "$persons" "$OUT/check.$size" "$OUT/checkref.$size"
measure "$OUT/checkic.$size" sqlite3 "$db" "PRAGMA integrity_check" "PRAGMA foreign_key_check"
row "check vs integrity+fk alone" "$persons" "$OUT/check.$size" "$OUT/checkic.$size"
