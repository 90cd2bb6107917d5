# Merging a change file into the ward (issue 13): gonha import of a file of
# 20,000 persons edited on another PC (a note on each, the smartphone answer
# turned over where there is one, so coverage bits move) into a copy of the
# ward, against the sqlite3 shell on another copy doing the same job:
# .import into a keyed temp table, then bench/merge_ref.sql (the audit entry
# per changed person with what changed, the upsert, the coverage bits from
# bench/indicators_ref.sql; the schema's triggers keep the counters). Both
# files must end with the same counters, bits and number of audit entries,
# or the bench stops. Then, on the merged copies, a file of one edited
# person, and one conflict resolved with --keep incoming, each against the
# shell's upsert of the same one-row file.
mw=$OUT/merge.$size.db
mr=$OUT/merge-ref.$size.db
mall=$OUT/merge-all.$size.csv
mchg=$OUT/merge-change.$size.csv
mone=$OUT/merge-one.$size.csv
mconf=$OUT/merge-conflict.$size.csv
rm -f "$mw" "$mw-wal" "$mw-shm" "$mr" "$mr-wal" "$mr-shm" "$mall" "$mchg" "$mone" "$mconf"
sqlite3 "$db" ".backup '$mw'"
sqlite3 "$db" ".backup '$mr'"
GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" export --db "$db" --what persons --out "$mall" --with-ids --plain >/dev/null 2>&1
# the change file: the first 20,000 persons in the export's order, edited;
# the next person for the one-person file; the one after for the conflict
# (edited on both sides from the same version: a new token, based on ours)
sqlite3 :memory: ".import --csv $mall p" \
	"UPDATE p SET notes = 'đã gọi lại', smartphone = CASE smartphone WHEN 'yes' THEN 'no' WHEN 'no' THEN 'yes' ELSE smartphone END" \
	"UPDATE p SET base_version = version, version = 'vbench00000000001' WHERE rowid = 20002" \
	".headers on" ".mode csv" ".once $mchg" "SELECT * FROM p WHERE rowid <= 20000 ORDER BY rowid" \
	".once $mone" "SELECT * FROM p WHERE rowid = 20001" ".once $mconf" "SELECT * FROM p WHERE rowid = 20002"
changed=$(($(wc -l < "$mchg") - 1))
head -1 "$mchg" | sed 's/^\xef\xbb\xbf//; s/\r$//; s/,/" TEXT, "/g; s/^/CREATE TEMP TABLE change ("/; s/$/" TEXT, PRIMARY KEY (person_id)) WITHOUT ROWID;/' \
	> "$OUT/merge-table.sql"
merge_ref() { # the shell's command for a change file
	echo "sqlite3 '$mr' '.read $OUT/merge-table.sql' '.import --csv --skip 1 --schema temp $1 change' \
		'.read bench/indicators_ref.sql' '.read bench/merge_ref.sql'"
}
same_counters() { # what [audit]
	q="SELECT (SELECT group_concat(tdp_id || ':' || bit || ':' || den || '/' || num) FROM (SELECT * FROM tdp_indicator
	   ORDER BY 1, 2)) || (SELECT group_concat(id || ind_pop || '/' || ind_num) FROM (SELECT id, ind_pop, ind_num FROM
	   person ORDER BY id)) || ${2:-(SELECT count(*) FROM audit_log)}"
	if [ "$(sqlite3 "$mw" "$q" | md5sum)" != "$(sqlite3 "$mr" "$q" | md5sum)" ]; then
		echo "bench: merge ($1): gonha and the shell reference disagree on counters, bits or audit" >&2
		exit 1
	fi
}

# both copies on the disk before either runs: at 2 M the 6 GB just copied
# was still being written out under gonha's run, the first
sync
measure "$OUT/merge.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" import "$mchg" --db "$mw"
measure "$OUT/mergeref.$size" sh -c "$(merge_ref "$mchg")"
same_counters "$changed persons"
row "merge $changed changed vs upsert" "$persons" "$OUT/merge.$size" "$OUT/mergeref.$size"

measure "$OUT/mergeone.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" import "$mone" --db "$mw"
measure "$OUT/mergeoneref.$size" sh -c "$(merge_ref "$mone")"
same_counters "one person"
row "merge 1 changed vs upsert" "$persons" "$OUT/mergeone.$size" "$OUT/mergeoneref.$size"

# the conflict: that person edited here too (through the schema's triggers,
# as any writer), then the file that changed them elsewhere imported
cid=$(sed -n 2p "$mconf" | cut -d, -f1)
sqlite3 "$mw" "UPDATE person SET answers = json_set(answers, '$.notes', 'ở nhà'), rev = rev + 1 WHERE id = '$cid'"
sqlite3 "$mr" "UPDATE person SET answers = json_set(answers, '$.notes', 'ở nhà'), rev = rev + 1 WHERE id = '$cid'"
GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" import "$mconf" --db "$mw" >/dev/null 2>&1
conflict=$(sqlite3 "$mw" "SELECT max(id) FROM merge_conflict WHERE resolved_at IS NULL AND record_id = '$cid'")
[ -n "$conflict" ] || { echo "bench: merge: no conflict was kept" >&2; exit 1; }
measure "$OUT/mergeconf.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" conflicts resolve "$conflict" \
	--keep incoming --db "$mw"
measure "$OUT/mergeconfref.$size" sh -c "$(merge_ref "$mconf")"
same_counters "a conflict" "''"
row "resolve 1 conflict vs upsert" "$persons" "$OUT/mergeconf.$size" "$OUT/mergeconfref.$size"

# Undo of the 20,000-person merge (gonha import undo N: the inverse of the
# changeset it recorded, checked against every later change), against the
# shell upserting the same 20,000 persons as they were before the merge
# (bench/merge_ref.sql with the rows of the export made before it: the
# job the other way round). Both files must end with the same counters and
# bits.
mundo=$OUT/merge-undo.$size.csv
sqlite3 :memory: ".import --csv $mall p" ".headers on" ".mode csv" ".once $mundo" \
	"SELECT * FROM p WHERE rowid <= 20000 ORDER BY rowid"
undo=$(sqlite3 "$mw" "SELECT min(import_id) FROM (SELECT import_id FROM import_undo_part UNION ALL
	SELECT import_id FROM import_undo_person)")
[ -n "$undo" ] || { echo "bench: merge: the import recorded nothing to undo" >&2; exit 1; }
measure "$OUT/mergeundo.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" import undo "$undo" --db "$mw"
measure "$OUT/mergeundoref.$size" sh -c "$(merge_ref "$mundo")"
same_counters "undo" "''"
row "undo merge of $changed vs upsert" "$persons" "$OUT/mergeundo.$size" "$OUT/mergeundoref.$size"
rm -f "$mw" "$mw-wal" "$mw-shm" "$mr" "$mr-wal" "$mr-shm" "$mall" "$mchg" "$mone" "$mconf" "$mundo" "$OUT/merge-table.sql"
