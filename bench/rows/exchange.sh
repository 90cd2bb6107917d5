# CSV exchange (issue 6): exporting every person for Excel against the
# sqlite3 shell writing the same rows and columns with -csv; importing that
# file into an empty ward against the sqlite3 shell's .import of the same
# file into an unkeyed table. Peak memory of both gonha commands should stay
# under 64 MB whatever the size (they stream).
xp=$OUT/persons.$size.csv
rm -f "$xp" "$OUT/households.$size.csv"
measure "$OUT/export.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" export --db "$db" --what persons --out "$xp" --with-ids
cat > "$OUT/export.sql" <<'SQL'
.headers on
.mode csv
SELECT p.id AS person_id, p.household_id, t.code AS tdp_code, t.name AS tdp_name, p.full_name, p.birth_year,
  p.sex, p.relation, p.cccd, json_extract(p.answers, '$.group') AS "group",
  json_extract(p.answers, '$.smartphone') AS smartphone, json_extract(p.answers, '$.vneid_level') AS vneid_level,
  json_extract(p.answers, '$.bank_account') AS bank_account, json_extract(p.answers, '$.online_services') AS online_services,
  json_extract(p.answers, '$.cashless') AS cashless, json_extract(p.answers, '$.digital_safety') AS digital_safety,
  json_extract(p.answers, '$.course_done') AS course_done, json_extract(p.answers, '$.vneid_confirmed') AS vneid_confirmed,
  json_extract(p.answers, '$.needs_help') AS needs_help, json_extract(p.answers, '$.disability') AS disability,
  json_extract(p.answers, '$.notes') AS notes, CAST(strftime('%Y', 'now') AS INTEGER) - p.birth_year AS age,
  nullif(json_remove(p.answers, '$.group', '$.smartphone', '$.vneid_level', '$.bank_account', '$.online_services',
    '$.cashless', '$.digital_safety', '$.course_done', '$.vneid_confirmed', '$.needs_help', '$.disability', '$.notes'),
    '{}') AS other_answers, p.updated_at, p.updated_by, p.version, p.base_version
FROM tdp t INDEXED BY tdp_order CROSS JOIN household h INDEXED BY household_walk ON h.tdp_id = t.id
  CROSS JOIN person p INDEXED BY person_household ON p.household_id = h.id
WHERE p.deleted = 0 AND h.deleted = 0 ORDER BY t.sort_order, h.walk_order, p.position;
SQL
measure "$OUT/exportref.$size" sh -c "sqlite3 '$db' < '$OUT/export.sql' > '$OUT/ref.persons.$size.csv'"
row "export persons vs sqlite3 -csv" "$persons" "$OUT/export.$size" "$OUT/exportref.$size"

# import: an empty ward with the same TDPs, its households first (untimed)
imp=$OUT/import.$size.db
rm -f "$imp" "$imp-wal" "$imp-shm"
tdps=$(sqlite3 "$db" "SELECT count(*) FROM tdp")
GONHA_PASSWORD=demo GONHA_NEW_PASSWORD=demo "$GONHA" --lang vi init --db "$imp" --ward "Phường Vạn Xuân" --tdps "$tdps" >/dev/null
GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" export --db "$db" --what households --out "$OUT/households.$size.csv" --with-ids 2>/dev/null
GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" import "$OUT/households.$size.csv" --db "$imp" >/dev/null
measure "$OUT/import.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" import "$xp" --db "$imp"
refimp=$OUT/refimport.$size.db
rm -f "$refimp"
measure "$OUT/importref.$size" sqlite3 "$refimp" ".import --csv $xp person_csv"
row "import persons vs sqlite3 .import" "$persons" "$OUT/import.$size" "$OUT/importref.$size"
# The same .import into a table keyed by person_id, as a merge by UUID needs
# at the least: what the key alone costs the shell.
rm -f "$refimp"
head -1 "$xp" | sed 's/^\xef\xbb\xbf//; s/\r$//; s/,/" TEXT, "/g; s/^/CREATE TABLE person_csv ("/; s/$/" TEXT, PRIMARY KEY (person_id));/' |
	sqlite3 "$refimp"
measure "$OUT/importkey.$size" sqlite3 "$refimp" ".import --csv --skip 1 $xp person_csv"
row "import persons vs .import keyed" "$persons" "$OUT/import.$size" "$OUT/importkey.$size"
rm -f "$xp" "$OUT/ref.persons.$size.csv" "$OUT/households.$size.csv" "$imp" "$imp-wal" "$imp-shm" "$refimp"
