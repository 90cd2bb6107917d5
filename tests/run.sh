#!/bin/sh
# Runs every test binary given, shows failures, and ends with the one line
# CI reads: "N passed, N failed".
passed=0; failed=0; crashed=""
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E '^(FAIL|  )' || true
	p=$(printf '%s\n' "$out" | grep -c '^PASS ')
	f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
	passed=$((passed + p)); failed=$((failed + f))
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		# The binary died (sanitizer report, crash) outside a counted test.
		failed=$((failed + 1)); crashed="$crashed $t"
		printf '%s\n' "$out" | tail -n 30
	fi
	echo "$(basename "$t"): $p passed, $f failed"
done
[ -n "$crashed" ] && echo "crashed:$crashed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
