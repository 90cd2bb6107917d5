#!/bin/sh
# Runs every test binary given, shows failures and skipped tests, and ends
# with the one line CI reads: "N passed, N failed", followed by
# ", N skipped" when a test could not run here ("SKIP name: reason": not
# root, no loop device...; not counted as passed).
passed=0; failed=0; skipped=0; crashed=""
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E '^(FAIL|SKIP|  )' || true
	p=$(printf '%s\n' "$out" | grep -c '^PASS ')
	f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
	s=$(printf '%s\n' "$out" | grep -c '^SKIP ')
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		# The binary died (sanitizer report, crash) outside a counted test.
		failed=$((failed + 1)); crashed="$crashed $t"
		printf '%s\n' "$out" | tail -n 30
	fi
	if [ "$s" -gt 0 ]; then
		echo "$(basename "$t"): $p passed, $f failed, $s skipped"
	else
		echo "$(basename "$t"): $p passed, $f failed"
	fi
done
[ -n "$crashed" ] && echo "crashed:$crashed"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
