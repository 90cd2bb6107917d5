# Citizen IDs encrypted in the database (issue 14): the same work on the
# same rows, in an encrypted ward ("gonha s") and in a ward whose numbers
# are in clear as before encryption ("sqlite3 s": `demo --plain-ids`, the
# same code with the vault PLAIN). Target: at most 1.1x. Export and import:
# the median of 3 runs of each, interleaved.
#   export --with-ids  every number decrypted (XChaCha20-Poly1305);
#   import             a persons file with whole numbers into a ward with
#                      only its households (imported first, not timed):
#                      each number sealed, indexed (keyed BLAKE2b), masked;
#   search             a whole number typed into the TDP's search (ms per
#                      key): the blind index against the number itself.
pl=$OUT/$size.plainids.db
rm -rf "$pl" "$pl-wal" "$pl-shm" "$pl.backups"
env GONHA_NOW=2026-11-20T09:00:00Z "$GONHA" demo --db "$pl" --plain-ids $(size_args "$size") >/dev/null 2>&1

xs=$OUT/ids.sealed.$size.csv
xp=$OUT/ids.plain.$size.csv
xh=$OUT/ids.households.$size.csv
rm -f "$xs" "$xp" "$xh"
# each the median of 3 runs, interleaved (the machines are shared)
median3() { # out files...: the run with the middle time
	out=$1; shift
	sort -n "$@" | sed -n 2p > "$out"
}
for i in 1 2 3; do
	rm -f "$xs" "$xp"
	measure "$OUT/ids_export_sealed.$size.$i" env GONHA_USER=admin GONHA_PASSWORD=demo \
		"$GONHA" export --db "$db" --what persons --with-ids --out "$xs"
	measure "$OUT/ids_export_plain.$size.$i" env GONHA_USER=admin GONHA_PASSWORD=demo \
		"$GONHA" export --db "$pl" --what persons --with-ids --out "$xp"
done
median3 "$OUT/ids_export_sealed.$size" "$OUT"/ids_export_sealed.$size.[123]
median3 "$OUT/ids_export_plain.$size" "$OUT"/ids_export_plain.$size.[123]
row "CCCD encrypted vs clear: export" "$persons" "$OUT/ids_export_sealed.$size" "$OUT/ids_export_plain.$size"

env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" export --db "$pl" --what households --out "$xh" >/dev/null 2>&1
tdps=$(size_args "$size" | awk '{ print $2 }')
for kind in sealed plain; do
	e=$OUT/ids.empty.$kind.$size.db
	rm -rf "$e" "$e-wal" "$e-shm" "$e.backups"
	flag=""; [ $kind = plain ] && flag=--plain-ids
	env GONHA_NOW=2026-11-20T09:00:00Z "$GONHA" demo --db "$e" $flag --tdps "$tdps" --households 0 >/dev/null 2>&1
	env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" import "$xh" --db "$e" >/dev/null 2>&1 # the households first
	sqlite3 "$e" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
done
for i in 1 2 3; do
	for kind in sealed plain; do
		e=$OUT/ids.empty.$kind.$size.db
		w=$OUT/ids.run.$kind.$size.db
		rm -rf "$w" "$w-wal" "$w-shm" "$w.backups"
		cp "$e" "$w"
		measure "$OUT/ids_import_$kind.$size.$i" env GONHA_USER=admin GONHA_PASSWORD=demo \
			"$GONHA" import "$xp" --db "$w"
	done
done
median3 "$OUT/ids_import_sealed.$size" "$OUT"/ids_import_sealed.$size.[123]
median3 "$OUT/ids_import_plain.$size" "$OUT"/ids_import_plain.$size.[123]
row "CCCD encrypted vs clear: import" "$persons" "$OUT/ids_import_sealed.$size" "$OUT/ids_import_plain.$size"

# search: a whole number typed into the TDP screen's search, key by key
# (`ui-bench --search`, in the TDP ui-bench walks: the middle one), ms per
# key, the median of 5 runs of each, interleaved; each signs in once first.
mid=$(printf '%02d' $((tdps / 2 + 1)))
id=$(awk -F, -v t="$mid" 'NR > 1 && $3 == t && length($9) == 12 { print $9; exit }' "$xp")
: > "$OUT/ids_search_sealed.$size.all"; : > "$OUT/ids_search_plain.$size.all"
for i in 1 2 3 4 5; do
	for kind in sealed plain; do
		w=$db; [ $kind = plain ] && w=$pl
		GONHA_PASSWORD=demo "$GONHA" ui-bench --db "$w" --user admin --rounds 2 --search "$id" |
			awk '/--search text/ { print $(NF - 1) }' >> "$OUT/ids_search_$kind.$size.all"
	done
done
for kind in sealed plain; do
	sort -n "$OUT/ids_search_$kind.$size.all" | awk '{ a[NR] = $1 } END { printf "%.3f 0", a[3] }' > "$OUT/ids_search_$kind.$size"
done
row "CCCD encrypted vs clear: search ms" "$persons" "$OUT/ids_search_sealed.$size" "$OUT/ids_search_plain.$size"
rm -rf "$xs" "$xp" "$xh" "$pl" "$pl-wal" "$pl-shm" "$pl.backups" "$OUT"/ids.empty.*."$size".db* "$OUT"/ids.run.*."$size".db*
