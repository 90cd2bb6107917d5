#!/bin/sh
# make fuzz: builds each tests/fuzz/fuzz_*.c with clang's libFuzzer, ASan and
# UBSan against the library sources, and runs it for a bounded time on its
# corpus (tests/fuzz/corpus/<name>/). Fails on any crash or sanitizer report.
set -eu
cd "$(dirname "$0")/../.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
out=build/fuzz
mkdir -p "$out"
make -s $out/obj/gen/cccd_provinces.h BUILD=$out/obj >/dev/null
# the schema table gonha check reads, generated from the migrations by the
# Makefile's own build (gonha/storage/schema_ref.h)
make -s $out/obj/gen/schema_ref.c BUILD=$out/obj >/dev/null
libsrc="$(ls src/*/*.c | grep -v '^src/cli/' | grep -v '^src/ui/') $out/obj/gen/schema_ref.c"
# the libraries the Makefile builds with (its PKGS, passed by make fuzz)
pkgs=${GONHA_PKGS:?run through make fuzz, which passes the PKGS of the Makefile}
for target in "$@"; do
	name=$(basename "$target" .c)
	corpus=tests/fuzz/corpus/${name#fuzz_}
	mkdir -p "$corpus" "$out/$name.new"
	echo "fuzz: building $name"
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -I$out/obj/gen \
		$(pkg-config --cflags $pkgs) -o "$out/$name" "$target" $libsrc \
		$(pkg-config --libs $pkgs) -lcsv -lunistring -lm
	echo "fuzz: running $name for ${SECONDS_EACH}s on $corpus"
	"$out/$name" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$out/$name-" "$out/$name.new" "$corpus"
done
echo "fuzz: no crash"
