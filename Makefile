# gonha — see README.md. Plain make; pkg-config for the libraries.
#
#   make deps      install the Debian packages the build and tests need
#   make           build ./gonha (release, -O2)
#   make check     debug build with AddressSanitizer + UBSan, run every test
#   make check-office  exports through LibreOffice Calc and back, Excel's files
#                  (installs LibreOffice Calc: make deps-office; docs/testing.md)
#   make run       build, make a demo ward if there is none, open gonha on it
#   make bench     timings against the sqlite3 shell on the same data
#   make fuzz      bounded fuzzing runs (clang libFuzzer)
#   make install PREFIX=/usr/local

PREFIX   ?= /usr/local
BUILD    ?= build
CC       ?= cc
PKGS      = ncursesw sqlite3 libsodium uuid xlsxwriter libzip expat cairo pangocairo libpcre2-8 freexl libgsf-1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN      = -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CPPFLAGS) $(CFLAGS) -Iinclude $(PKG_CFLAGS) \
             -DLOCALEDIR='"$(PREFIX)/share/locale"' -DFORMSDIR='"$(PREFIX)/share/gonha/forms"' \
             -MMD -MP
LIBS      = $(PKG_LIBS) -lcsv -lunistring -lm

# Debian packages: build, tests (pty + terminal emulator; USB-stick
# filesystems in image files: vfat, exFAT, also through FUSE), run and bench;
# the printed sheets (cairo + pango, the font they embed, and poppler-utils,
# whose pdftotext, pdffonts and pdftoppm the tests read them with).
DEB_PACKAGES = build-essential pkg-config libncurses-dev libsqlite3-dev \
               libcsv-dev libunistring-dev libsodium-dev uuid-dev gettext \
               libvterm-dev sqlite3 tmux clang libclang-rt-14-dev time \
               dosfstools exfatprogs fusefat exfat-fuse \
               libxlsxwriter-dev libzip-dev libexpat1-dev libpcre2-dev libfreexl-dev libgsf-1-dev \
               libcairo2-dev libpango1.0-dev fonts-liberation2 poppler-utils

# Only for `make deb` and `make check-deb`: the distribution's packaging
# tools, and mmdebstrap for a clean Debian 12 (bookworm) to install it in.
DEB_TOOL_PACKAGES = debhelper dpkg-dev fakeroot lintian mmdebstrap

# Only for `make check-office` (298 MB installed): not a build dependency.
OFFICE_PACKAGES = libreoffice-calc-nogui

# Library: every layer except the command-line entry point.
LIB_SRC  = $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ = $(BUILD)/src/cli/main.o

UNIT_SRC   = $(wildcard tests/unit/test_*.c)
UNIT_BIN   = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
E2E_SRC    = $(wildcard tests/e2e/test_*.c)
E2E_BIN    = $(E2E_SRC:tests/e2e/%.c=$(BUILD)/tests/%)
TESTLIB    = $(BUILD)/tests/testlib.o
UNITLIB    = $(BUILD)/tests/unit_fixtures.o
E2ELIB     = $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(wildcard tests/term.c tests/e2e_fixtures.c tests/ui_fixtures.c))

# po/vi.po is the Vietnamese catalog; po/vi-*.po are fragments of it that
# areas under way keep apart until they are folded in.
VI_PO    = $(wildcard po/vi.po po/vi-*.po)
MO_FILES = locale/vi/LC_MESSAGES/gonha.mo

.PHONY: all deps deps-office deps-deb check check-fast check-office check-deb deb run bench fuzz install clean
.SECONDARY:

all: gonha $(MO_FILES) $(BUILD)/gonha.1 $(BUILD)/vi/gonha.1 $(BUILD)/gonha.bash

# The man pages (English, Vietnamese) and the bash completion come from the
# command table, like --help.
$(BUILD)/gonha.1: $(BUILD)/gonha
	GONHA_LANG=en $(BUILD)/gonha --help-man > $@.tmp && mv $@.tmp $@

$(BUILD)/vi/gonha.1: $(BUILD)/gonha $(MO_FILES)
	@mkdir -p $(dir $@)
	GONHA_LOCALEDIR=$(abspath locale) GONHA_LANG=vi $(BUILD)/gonha --help-man > $@.tmp && mv $@.tmp $@

$(BUILD)/gonha.bash: $(BUILD)/gonha
	$(BUILD)/gonha --help-bash > $@.tmp && mv $@.tmp $@

gonha: $(BUILD)/gonha
	cp $< $@

$(BUILD)/gonha: $(MAIN_OBJ) $(BUILD)/libgonha.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libgonha.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# CCCD province codes: a C table generated from their single source, the CSV
# (header skipped, CR stripped, a malformed code line fails the build).
$(BUILD)/gen/cccd_provinces.h: data/cccd-province-codes.csv
	@mkdir -p $(dir $@)
	awk -F, 'NR > 1 { sub(/\r$$/, ""); if ($$0 == "") next; \
	  if ($$1 !~ /^[0-9][0-9][0-9]$$/ || $$2 ~ /["\\]/) { print FILENAME ":" NR ": bad line" > "/dev/stderr"; exit 1 } \
	  printf "{ \"%s\", \"%s\" },\n", $$1, $$2 }' $< > $@.tmp && mv $@.tmp $@
$(BUILD)/src/domain/cccd.o: $(BUILD)/gen/cccd_provinces.h
$(BUILD)/src/domain/cccd.o: ALL_CFLAGS += -I$(BUILD)/gen

locale/vi/LC_MESSAGES/gonha.mo: $(VI_PO)
	@mkdir -p $(dir $@) $(BUILD)
	msgcat --use-first -o $(BUILD)/vi.po $^
	msgfmt --check -o $@ $(BUILD)/vi.po

# ---- dependencies -------------------------------------------------------
# $(call apt_install,TARGET,PACKAGES): install those of PACKAGES not installed.
apt_install = missing=""; for p in $(2); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "$(1): all Debian packages present"; \
	else echo "$(1): installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; fi

deps:
	@$(call apt_install,deps,$(DEB_PACKAGES))

deps-office:
	@$(call apt_install,deps-office,$(OFFICE_PACKAGES))

deps-deb:
	@$(call apt_install,deps-deb,$(DEB_PACKAGES) $(DEB_TOOL_PACKAGES))

# ---- tests --------------------------------------------------------------
# Files are compiled in parallel, one job per core.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# `make check` is the debug build: AddressSanitizer + UBSan, every test.
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

check: deps
	$(MAKE) --no-print-directory -j$(JOBS) BUILD=build/asan CFLAGS="$(SAN_FLAGS)" check-fast

check-fast: $(BUILD)/gonha $(UNIT_BIN) $(E2E_BIN) $(MO_FILES) $(BUILD)/gonha.1 $(BUILD)/vi/gonha.1 $(BUILD)/gonha.bash
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 GONHA_BIN=$(abspath $(BUILD)/gonha) sh tests/run.sh $(UNIT_BIN) $(E2E_BIN) tests/i18n/test_catalog.sh

# LibreOffice Calc round trips and Excel-shaped files, imported back
# (tests/office/run.sh; docs/testing.md). Not part of `make check`.
check-office: deps-office $(BUILD)/gonha
	@GONHA_BIN=$(abspath $(BUILD)/gonha) sh tests/run.sh tests/office/run.sh tests/office/test_xlsx.sh

$(BUILD)/tests/%: tests/unit/%.c $(TESTLIB) $(UNITLIB) $(BUILD)/libgonha.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/e2e/%.c $(TESTLIB) $(E2ELIB) $(BUILD)/libgonha.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $^ $(LIBS) -lvterm -lutil

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests -c -o $@ $<

# ---- run ----------------------------------------------------------------
DEMO_DB ?= demo/ward.db

run: deps all
	@if [ ! -f $(DEMO_DB) ]; then mkdir -p $(dir $(DEMO_DB)); \
	  echo "run: making a demo ward in $(DEMO_DB)"; ./gonha demo --db $(DEMO_DB) || exit 1; fi
	./gonha --db $(DEMO_DB)

# ---- benchmark ----------------------------------------------------------
bench: deps all
	sh bench/run.sh

# ---- fuzzing (clang + libFuzzer, bounded) --------------------------------
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
fuzz: deps
	@GONHA_PKGS="$(filter-out ncursesw,$(PKGS))" sh tests/fuzz/run.sh $(FUZZ_SRC)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/gonha/forms $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 gonha $(DESTDIR)$(PREFIX)/bin/gonha
	cp -R forms/. $(DESTDIR)$(PREFIX)/share/gonha/forms/
	@for mo in $(MO_FILES); do d=$(DESTDIR)$(PREFIX)/share/$$(dirname $$mo); install -d $$d; install -m 0644 $$mo $$d/; done
	install -m 0644 $(BUILD)/gonha.1 $(DESTDIR)$(PREFIX)/share/man/man1/gonha.1
	install -d $(DESTDIR)$(PREFIX)/share/man/vi/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 $(BUILD)/vi/gonha.1 $(DESTDIR)$(PREFIX)/share/man/vi/man1/gonha.1
	install -m 0644 $(BUILD)/gonha.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/gonha

# ---- the Debian package ------------------------------------------------
# Built by dpkg-buildpackage (debhelper, debian/) from a copy of the tree in
# build/deb/, so the tree's own build is left alone; lintian must find no
# error. The package is for Debian 12 (bookworm), also under WSL.
DEB_VERSION := $(shell dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null)
DEB_ARCH    := $(shell dpkg --print-architecture 2>/dev/null)
DEB_FILE     = gonha_$(DEB_VERSION)_$(DEB_ARCH).deb

deb: deps-deb
	rm -rf build/deb && mkdir -p build/deb/gonha-$(DEB_VERSION)
	git ls-files -z --cached --others --exclude-standard | \
	  xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
	  tar --null -cf - -T - | tar -xf - -C build/deb/gonha-$(DEB_VERSION)
	cd build/deb/gonha-$(DEB_VERSION) && dpkg-buildpackage -b -us -uc
	lintian --fail-on error --suppress-tags initial-upload-closes-no-bugs build/deb/gonha_$(DEB_VERSION)_$(DEB_ARCH).changes
	cp build/deb/$(DEB_FILE) .
	@echo "deb: $(DEB_FILE)"

# The package installed with apt in a clean Debian 12 made by mmdebstrap,
# then gonha demo and gonha --help run there (tests/deb/check.sh; needs
# root and the Debian mirror). Not part of `make check`.
check-deb: deb
	@GONHA_DEB=$(abspath $(DEB_FILE)) sh tests/run.sh tests/deb/check.sh

clean:
	rm -rf build build-* gonha locale

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
