# The day's snapshot (issue 13). Sign-out and quit copy nothing: `gonha
# ui-bench` times a switch of user (up to the sign-in screen drawn) and a
# quit (sign-out; screens, questionnaire and file closed) after its walk of
# the screens, each against the 100 ms the province issue allows (the
# "sqlite3 s" column is that budget: the ratio is the share of it used).
# The snapshot itself is made off those paths, at most once a day and only
# when something changed: `gonha snapshot-daily`, what the UI starts (one
# backup step, then quick_check of the copy; no sign-in), with no snapshot
# yet so that one is due, against the shell's .backup of the same file. Then the disk one snapshot
# takes, and the most the folder holds (GN_BACKUP_KEEP: 7 days' copies, one
# more while the next is written).
GONHA_PASSWORD=demo "$GONHA" ui-bench --db "$db" --user admin --rounds 1 > "$OUT/snap.ui.$size.txt" ||
	{ echo "bench: ui-bench failed" >&2; exit 1; }
grep -E '^(sign-out|quit) ' "$OUT/snap.ui.$size.txt" | sed "s/^/  snapshots ($persons persons): /"
awk '/^sign-out / { printf "%.5f 0\n", $2 / 1000 }' "$OUT/snap.ui.$size.txt" > "$OUT/signout.$size"
awk '/^quit / { printf "%.5f 0\n", $2 / 1000 }' "$OUT/snap.ui.$size.txt" > "$OUT/quit.$size"
echo "0.100 0" > "$OUT/budget.100ms"
row "sign-out vs 100 ms" "$persons" "$OUT/signout.$size" "$OUT/budget.100ms"
row "quit vs 100 ms" "$persons" "$OUT/quit.$size" "$OUT/budget.100ms"

rm -rf "$db.backups" "$OUT/snapref.$size.db"
measure "$OUT/snap.$size" "$GONHA" snapshot-daily --db "$db"
measure "$OUT/snapref.$size" sqlite3 "$db" ".backup '$OUT/snapref.$size.db'"
row "day's snapshot vs sqlite3 .backup" "$persons" "$OUT/snap.$size" "$OUT/snapref.$size"
one=$(du -sk "$db.backups" | cut -f1)
awk -v k="$one" -v p="$persons" 'BEGIN {
	printf "  snapshots (%s persons): one takes %.1f MB; at most 7 kept: %.1f MB (8 while the next is written)\n",
		p, k / 1024, 7 * k / 1024 }'
rm -rf "$db.backups" "$OUT/snapref.$size.db"
