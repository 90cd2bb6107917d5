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
    '{}') AS other_answers, p.updated_at, p.updated_by, p.version, p.base_version, p.created_at, p.created_by,
  coalesce(p.created_pc, (SELECT value FROM meta WHERE key = 'pc_id')) AS created_pc,
  coalesce(p.updated_pc, (SELECT value FROM meta WHERE key = 'pc_id')) AS updated_pc
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
# the ward before the persons, put back before each run (gonha's close
# checkpoints the WAL into the file, so the file alone is the ward). Every
# command here starts after a sync: else the import's fsync would write
# the copy's pages too (60 MB at 200 k), which the shell's new files never
# have.
cp "$imp" "$imp.empty"
refimp=$OUT/refimport.$size.db
# The references, each loading the same file into its own new database:
# - .import alone;
# - .import into a table keyed by person_id, as a merge by UUID needs at
#   the least: what the key alone costs the shell;
head -1 "$xp" | sed 's/^\xef\xbb\xbf//; s/\r$//; s/,/" TEXT, "/g; s/^/CREATE TABLE person_csv ("/; s/$/" TEXT, PRIMARY KEY (person_id));/' \
	> "$OUT/keyed.sql"
# - .import, then the seven indexes gonha keeps on persons (its unique id,
#   household and members, TDP, name key, the search by name and CCCD of a
#   TDP's live persons, live persons of a TDP, those needing help) over the
#   file's nearest columns: what the shell itself takes to load this file
#   into a table a census can be read from (the search index stood for an
#   index on the CCCD alone until 2026-12-02: gonha dropped that one in
#   migration 11 and has kept person_search since migration 13);
cat > "$OUT/indexed.sql" <<SQL
.import --csv $xp person_csv
BEGIN;
CREATE UNIQUE INDEX f_id ON person_csv(person_id);
CREATE INDEX f_household ON person_csv(household_id, birth_year);
CREATE INDEX f_tdp ON person_csv(tdp_code);
CREATE INDEX f_name ON person_csv(full_name);
CREATE INDEX f_search ON person_csv(tdp_code, full_name, cccd, household_id) WHERE updated_by <> '';
CREATE INDEX f_tdp_live ON person_csv(tdp_code) WHERE updated_by <> '';
CREATE INDEX f_help ON person_csv(tdp_code, household_id) WHERE needs_help NOT IN ('', '[]');
COMMIT;
SQL
# - the same again with the search table too (household_word, migration 22:
#   gonha keeps it beside the seven indexes, so that a word typed in search
#   is one range), made as the schema's own SQL makes it (search_words.h:
#   each name split as JSON, the CCCD provinces, one sorted insert), over the
#   file's TDP code and lower-cased name where gonha has the TDP's id and
#   the folded name.
cp "$OUT/indexed.sql" "$OUT/words.sql"
cat >> "$OUT/words.sql" <<'SQL'
BEGIN;
CREATE TABLE f_word (tdp_code TEXT NOT NULL, word TEXT NOT NULL, household_id TEXT NOT NULL, name_key TEXT NOT NULL,
  PRIMARY KEY (tdp_code, word, household_id, name_key)) WITHOUT ROWID;
INSERT OR IGNORE INTO f_word SELECT * FROM (
  SELECT p.tdp_code, w.value, p.household_id, lower(p.full_name) FROM person_csv p,
    json_each('["' || replace(replace(replace(lower(p.full_name), '\', '\\'), '"', '\"'), ' ', '","') || '"]') w
    WHERE w.value <> ''
  UNION SELECT tdp_code, substr(cccd, 1, 3), household_id, '' FROM person_csv WHERE cccd <> '') ORDER BY 1, 2, 3, 4;
COMMIT;
SQL
round=0
while [ $round -lt "$repeats" ]; do
	once "$OUT/import.$size" "rm -f '$imp-wal' '$imp-shm'; cp '$imp.empty' '$imp'; sync" \
		env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" import "$xp" --db "$imp"
	once "$OUT/importref.$size" "rm -f '$refimp'; sync" sqlite3 "$refimp" ".import --csv $xp person_csv"
	once "$OUT/importkey.$size" "rm -f '$refimp'; sqlite3 '$refimp' < '$OUT/keyed.sql'; sync" \
		sqlite3 "$refimp" ".import --csv --skip 1 $xp person_csv"
	once "$OUT/importidx.$size" "rm -f '$refimp'; sync" sqlite3 "$refimp" ".read $OUT/indexed.sql"
	once "$OUT/importwords.$size" "rm -f '$refimp'; sync" sqlite3 "$refimp" ".read $OUT/words.sql"
	round=$((round + 1))
done
for f in import importref importkey importidx importwords; do fastest "$OUT/$f.$size"; done
row "import persons vs sqlite3 .import" "$persons" "$OUT/import.$size" "$OUT/importref.$size"
row "import persons vs .import keyed" "$persons" "$OUT/import.$size" "$OUT/importkey.$size"
row "import persons vs .import+indexes" "$persons" "$OUT/import.$size" "$OUT/importidx.$size"
row "import vs .import+indexes+words" "$persons" "$OUT/import.$size" "$OUT/importwords.$size"
rm -f "$OUT/indexed.sql" "$xp" "$OUT/ref.persons.$size.csv" "$OUT/households.$size.csv" "$imp" "$imp-wal" "$imp-shm" "$imp.empty" "$refimp" "$OUT/keyed.sql" "$OUT/words.sql"
