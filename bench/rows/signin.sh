# Sign-in: the time a refused sign-in takes for a name that is an account
# and for one that is not, interleaved, each the median of 15 tries (a
# wrong password, through `gonha list`: start, open, sign in, refuse). The
# clock is moved an hour between tries so that no delay cuts a try short.
# "gonha s" is the known name, "sqlite3 s" the unknown one: the ratio must
# stay near 1 (within 10%), or the clock would say which names exist.
# Only at the smallest size: it does not depend on the ward's size.
if [ "$size" = small ]; then
	k=$OUT/signin.known; u=$OUT/signin.unknown; : > "$k"; : > "$u"
	for i in $(seq 1 15); do
		h=$(printf '%02d' "$i")
		for who in tdp01 nobody_at_all; do
			s=$(date +%s%N)
			GONHA_NOW="2026-11-20T$h:00:00Z" GONHA_USER=$who GONHA_PASSWORD=wrong-password \
				"$GONHA" list --db "$db" --tdp 01 >/dev/null 2>&1 || true
			e=$(date +%s%N)
			[ $who = tdp01 ] && echo $(( (e - s) / 1000 )) >> "$k" || echo $(( (e - s) / 1000 )) >> "$u"
		done
	done
	med() { sort -n "$1" | awk '{ a[NR] = $1 } END { printf "%.3f 0", a[int((NR + 1) / 2)] / 1e6 }'; }
	med "$k" > "$k.m"; med "$u" > "$u.m"
	row "sign-in refused: known vs unknown" "$persons" "$k.m" "$u.m"
fi
