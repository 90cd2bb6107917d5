# Restore (issue 13): `gonha restore` of a backup gonha made (its manifest
# beside it: the digest is checked, then a quick_check instead of the full
# integrity_check), into a copy of the ward, against the shell's .restore
# of the same backup into another copy. gonha also stages the file (where
# the restore's audit entry is written, in the same step as the ward),
# keeps the current ward aside, and signs in. The same with the manifest
# removed (a foreign file: the full integrity_check) is the second row.
rb=$OUT/restore.$size.bak
rt=$OUT/restore.$size.db
rs=$OUT/restore.$size.ref.db
rm -f "$rb" "$rb.manifest"
env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" backup --db "$db" --out "$rb" >/dev/null
for target in "$rt" "$rs"; do
	rm -f "$target" "$target-wal" "$target-shm" "$target".before-restore-*
	sqlite3 "$db" ".backup '$target'"
done
measure "$OUT/restore.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" restore --db "$rt" --from "$rb"
measure "$OUT/restoreref.$size" sqlite3 "$rs" ".restore '$rb'"
row "restore gonha backup vs .restore" "$persons" "$OUT/restore.$size" "$OUT/restoreref.$size"
rm -f "$rt".before-restore-* "$rb.manifest"
measure "$OUT/restore_foreign.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" restore --db "$rt" --from "$rb"
row "restore foreign file vs .restore" "$persons" "$OUT/restore_foreign.$size" "$OUT/restoreref.$size"
for target in "$rt" "$rs"; do rm -f "$target" "$target-wal" "$target-shm" "$target".before-restore-*; done
rm -f "$rb"
