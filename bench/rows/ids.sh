# Citizen IDs encrypted in the database (issue 14): the same work on the
# same rows, in an encrypted ward ("gonha s") and in a ward whose numbers
# are in clear as before encryption ("sqlite3 s": `demo --plain-ids`, the
# same code with the vault PLAIN). Target: at most 1.1x.
#   export --with-ids  every number decrypted (XChaCha20-Poly1305);
#   import             a persons file with whole numbers into an empty ward:
#                      each number sealed, indexed (keyed BLAKE2b), masked;
#   search             20 searches by a whole number (`list --search`): the
#                      blind index against the number itself, both indexed.
pl=$OUT/$size.plainids.db
rm -f "$pl" "$pl-wal" "$pl-shm"
env GONHA_NOW=2026-11-20T09:00:00Z "$GONHA" demo --db "$pl" --plain-ids $(size_args "$size") >/dev/null 2>&1

xs=$OUT/ids.sealed.$size.csv
xp=$OUT/ids.plain.$size.csv
rm -f "$xs" "$xp"
measure "$OUT/ids_export_sealed.$size" env GONHA_USER=admin GONHA_PASSWORD=demo \
	"$GONHA" export --db "$db" --what persons --with-ids --out "$xs"
measure "$OUT/ids_export_plain.$size" env GONHA_USER=admin GONHA_PASSWORD=demo \
	"$GONHA" export --db "$pl" --what persons --with-ids --out "$xp"
row "CCCD encrypted vs clear: export" "$persons" "$OUT/ids_export_sealed.$size" "$OUT/ids_export_plain.$size"

tdps=$(size_args "$size" | awk '{ print $2 }')
for kind in sealed plain; do
	e=$OUT/ids.empty.$kind.$size.db
	rm -f "$e" "$e-wal" "$e-shm"
	flag=""; [ $kind = plain ] && flag=--plain-ids
	env GONHA_NOW=2026-11-20T09:00:00Z "$GONHA" demo --db "$e" $flag --tdps "$tdps" --households 0 >/dev/null 2>&1
	measure "$OUT/ids_import_$kind.$size" env GONHA_USER=admin GONHA_PASSWORD=demo \
		"$GONHA" import "$xp" --db "$e"
done
row "CCCD encrypted vs clear: import" "$persons" "$OUT/ids_import_sealed.$size" "$OUT/ids_import_plain.$size"

# the numbers of 20 persons of TDP 01, whole
ids=$(awk -F, 'NR > 1 && $3 == "01" && length($9) == 12 { print $9 }' "$xp" | head -20)
for kind in sealed plain; do
	w=$db; [ $kind = plain ] && w=$pl
	s=$(date +%s%N)
	for c in $ids; do
		GONHA_USER=tdp01 GONHA_PASSWORD=demo "$GONHA" list --db "$w" --tdp 01 --search "$c" >/dev/null 2>&1
	done
	e=$(date +%s%N)
	awk -v ns=$((e - s)) 'BEGIN { printf "%.3f 0", ns / 1e9 }' > "$OUT/ids_search_$kind.$size"
done
row "CCCD encrypted vs clear: 20 searches" "$persons" "$OUT/ids_search_sealed.$size" "$OUT/ids_search_plain.$size"
rm -f "$xs" "$xp" "$pl" "$pl-wal" "$pl-shm" "$OUT"/ids.empty.*."$size".db*
