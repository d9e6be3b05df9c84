# cspd — one non-recursive Makefile.
#
#   make            build ./cspd (C17, -Wall -Wextra -Werror, -O2 -g)
#   make check      build and run every test twice: plain, then under ASan + UBSan
#   make run        build, create ./var/cspd.db, seed demo data, serve on 127.0.0.1:8080
#   make bench      build and run the benchmarks in bench/ (never part of check)
#   make install    PREFIX=/usr/local (DESTDIR honoured)
#   make clean
#
# Variants: objects of the plain build go to build/, the sanitizer build to build/san/
# (make SAN=1 ...). Every target that needs libraries calls scripts/bootstrap first; set
# CSPD_NO_BOOTSTRAP=1 to skip it (offline machines where it has run once).

PREFIX  ?= /usr/local
CC      ?= cc
PKGS    := sqlite3 libmicrohttpd jansson libsodium libcrypto libcurl liboath
SAN     ?= 0

ifeq ($(SAN),1)
BUILD   := build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT     := -O1 -g
else
BUILD   := build
SANFLAGS :=
OPT     := -O2 -g
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  ?= $(OPT)
CFLAGS  += -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter -fno-strict-aliasing $(SANFLAGS) \
           -Isrc $(PKG_CFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
LDLIBS  += $(PKG_LIBS) -lcsv -lhpdf -lxlsxwriter -lpthread -lm

# Every .c under src/ except the program's main goes into libcspd.a.
LIB_SRC  := $(filter-out src/cli/main.c,$(shell find src -name '*.c' | LC_ALL=C sort))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/src/cli/main.o
# Schema migrations src/store/migrations/NNN_*.sql (every file, in name order) are embedded as
# C strings in a generated $(BUILD)/gen/migrations.c (db_migrations[], store/db_internal.h).
MIG_SQL  := $(sort $(wildcard src/store/migrations/*.sql))
MIG_OBJ  := $(BUILD)/gen/migrations.o
LIB_OBJ  += $(MIG_OBJ)
LIB      := $(BUILD)/libcspd.a
BIN      := $(BUILD)/cspd

# Unit tests: tests/unit/test_*.c, each its own cmocka program.
TEST_SRC := $(shell find tests/unit -name 'test_*.c' 2>/dev/null | LC_ALL=C sort)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Script tests (TAP on stdout): tests/*.t; they find the binary in $$CSPD_BIN.
TEST_SCRIPTS := $(shell find tests -maxdepth 2 -name '*.t' 2>/dev/null | LC_ALL=C sort)

BENCH_SRC := $(shell find bench -name '*.c' 2>/dev/null | LC_ALL=C sort)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all bootstrap check test run bench install clean cspd
.DEFAULT_GOAL := all

all: bootstrap
	@$(MAKE) --no-print-directory cspd

cspd: $(BIN)
ifeq ($(SAN),0)
	@ln -sf $(BIN) cspd
endif

bootstrap:
	@scripts/bootstrap

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

# Each file becomes {"NNN_name", "line\n" ...} (\ " ? escaped, ? against trigraphs; CRs dropped).
# The directory is a prerequisite so an added or removed file regenerates the list.
$(BUILD)/gen/migrations.c: $(MIG_SQL) src/store/migrations
	@mkdir -p $(@D)
	@{ echo '/* generated from src/store/migrations/ by the Makefile; do not edit */'; \
	  echo '#include "store/db_internal.h"'; \
	  echo 'const struct db_migration db_migrations[] = {'; \
	  for f in $(MIG_SQL); do \
	    n=$${f##*/}; printf '    {"%s",\n' "$${n%.sql}"; \
	    sed -e 's/\r$$//' -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' \
	        -e 's/^/     "/' -e 's/$$/\\n"/' "$$f"; \
	    echo '    },'; \
	  done; \
	  echo '    {NULL, NULL},'; echo '};'; } > $@.tmp && mv $@.tmp $@

$(MIG_OBJ): $(BUILD)/gen/migrations.c src/store/db_internal.h
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# Run one variant's tests under prove (TAP). cmocka speaks TAP when asked.
test: $(BIN) $(TEST_BIN)
	@echo "== tests ($(BUILD)) =="
	@CMOCKA_MESSAGE_OUTPUT=TAP CSPD_BIN=$(abspath $(BIN)) CSPD_BUILD=$(abspath $(BUILD)) \
	  prove --exec '' $(if $(V),-v,) $(TEST_BIN) $(TEST_SCRIPTS)

check: bootstrap
	@$(MAKE) --no-print-directory SAN=1 test
	@$(MAKE) --no-print-directory SAN=0 test cspd

run: all
	@mkdir -p var
	./cspd db migrate --db var/cspd.db
	./cspd demo seed --db var/cspd.db
	scripts/demo-show --db var/cspd.db --out var/invoices
	./cspd serve --db var/cspd.db --listen 127.0.0.1:8080 \
	    --clock "$$(./cspd demo clock --db var/cspd.db)"

# Benchmarks (bench/README in docs/bench.md): their own dependencies (scripts/bootstrap-bench:
# sqlite3, pandas, nginx, wrk), never part of check. BENCH_SCALE=0.01 for a quick run.
bench: bootstrap
	@scripts/bootstrap-bench
	@$(MAKE) --no-print-directory cspd $(BENCH_BIN)
	@CSPD_BIN=$(abspath $(BIN)) CSPD_BENCH_BIN=$(abspath $(BUILD)/bench) bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/cspd

clean:
	rm -rf build cspd

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_BIN:=.d)
