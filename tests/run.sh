#!/bin/sh
# Runs the test binaries given, GONHA_TEST_JOBS at a time (default: twice
# the number of cores, as most tests wait on a child gonha or a terminal;
# each test has its own temporary folders), then
# shows, in the order given, each one's failures and skipped tests, and ends
# with the one line CI reads: "N passed, N failed", followed by
# ", N skipped" when a test could not run here ("SKIP name: reason": not
# root, no loop device...; not counted as passed).
cores=$(nproc 2>/dev/null || echo 1)
jobs=${GONHA_TEST_JOBS:-$((2 * cores))}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=2
results=$(mktemp -d) || exit 1
trap 'rm -rf "$results"' EXIT
i=0
for t in "$@"; do
	i=$((i + 1))
	printf '%s\t%s\n' "$i" "$t"
done | xargs -P "$jobs" -L 1 sh -c 'start=$(date +%s); "$2" > "$0/$1.out" 2>&1; echo $? > "$0/$1.rc"
	echo $(( $(date +%s) - start )) > "$0/$1.secs"' "$results"
passed=0; failed=0; skipped=0; crashed=""
i=0
for t in "$@"; do
	i=$((i + 1))
	out=$(cat "$results/$i.out" 2>/dev/null); rc=$(cat "$results/$i.rc" 2>/dev/null || echo 127)
	secs=$(cat "$results/$i.secs" 2>/dev/null || echo "?")
	printf '%s\n' "$out" | grep -E '^(FAIL|SKIP|  )' || true
	p=$(printf '%s\n' "$out" | grep -c '^PASS ')
	f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
	s=$(printf '%s\n' "$out" | grep -c '^SKIP ')
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# The binary died (sanitizer report, crash) outside a counted test.
		failed=$((failed + 1)); crashed="$crashed $t"
		printf '%s\n' "$out" | tail -n 30
	fi
	if [ "$s" -gt 0 ]; then
		echo "$(basename "$t"): $p passed, $f failed, $s skipped (${secs} s)"
	else
		echo "$(basename "$t"): $p passed, $f failed (${secs} s)"
	fi
done
[ -n "$crashed" ] && echo "crashed:$crashed"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
