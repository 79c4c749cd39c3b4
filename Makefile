# pharos: plain GNU make. Objects go under $(BUILD)/, binaries to $(BUILD)/.
#   make            build          make check      deps, unit, layering, integration
#   make demo       the lab demo   make install    DESTDIR=... PREFIX=/usr
#   make SANITIZE=1 check          ASan+UBSan build of everything
#   make bench      figures beside ExaBGP, NSD, Knot (BENCH_QUICK=1: shorter)
#   make fuzz       every libFuzzer harness for FUZZ_SECONDS (60) each, with clang
#   make soak DURATION=10m   random faults in the lab (root)
#   make deb        the Debian package, into $(BUILD)/deb (DEBDIR=...)
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
BINDIR  ?= $(PREFIX)/bin
SYSCONFDIR ?= /etc
MANDIR  ?= $(PREFIX)/share/man
CC      ?= cc
PKG_CONFIG ?= pkg-config
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

PKGS := libmnl inih libcurl libmicrohttpd
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
TEST_LIBS  := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARN   := -Wall -Wextra -Werror -Wmissing-prototypes -Wmissing-declarations \
          -Wstrict-prototypes -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARN) -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
          -I. -DPHAROS_VERSION='"$(VERSION)"' $(PKG_CFLAGS)
LDFLAGS ?=
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
CFLAGS += -MMD -MP

# Modules, lowest first. Each folder is a static archive; agent/ and dnsd/ have mains.
LIB_SRC     := $(wildcard lib/*.c)
NETLINK_SRC := $(wildcard netlink/*.c)
PROBES_SRC  := $(wildcard probes/*.c)
BGP_SRC     := $(wildcard bgp/*.c)
AGENT_SRC   := $(filter-out agent/main.c agent/pharosctl.c,$(wildcard agent/*.c))
DNSD_SRC    := $(filter-out dnsd/main.c,$(wildcard dnsd/*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
A_LIB     := $(BUILD)/libpharos.a
A_NETLINK := $(BUILD)/libnetlink.a
A_PROBES  := $(BUILD)/libprobes.a
A_BGP     := $(BUILD)/libbgp.a
A_AGENT   := $(BUILD)/libagent.a
A_DNSD    := $(BUILD)/libdnsd.a
ARCHIVES  := $(A_AGENT) $(A_BGP) $(A_PROBES) $(A_NETLINK) $(A_DNSD) $(A_LIB)

# Build only what exists and works: pharosctl and pharos-dnsd appear with their mains.
BINS := $(BUILD)/pharosd
ifneq ($(wildcard agent/pharosctl.c),)
BINS += $(BUILD)/pharosctl
endif
ifneq ($(wildcard dnsd/main.c),)
BINS += $(BUILD)/pharos-dnsd
endif

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
TOOL_SRC  := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRC))

all: $(BINS)

# Rebuild everything when the flags change (e.g. SANITIZE=1 after a plain build).
$(BUILD)/.flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS) $(LDFLAGS)' > $@

# V=1 shows the commands.
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(A_LIB):     $(call obj,$(LIB_SRC))
$(A_NETLINK): $(call obj,$(NETLINK_SRC))
$(A_PROBES):  $(call obj,$(PROBES_SRC))
$(A_BGP):     $(call obj,$(BGP_SRC))
$(A_AGENT):   $(call obj,$(AGENT_SRC))
$(A_DNSD):    $(call obj,$(DNSD_SRC))
$(BUILD)/lib%.a:
	@mkdir -p $(dir $@)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BUILD)/pharosd: $(call obj,agent/main.c) $(ARCHIVES)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(ARCHIVES) $(PKG_LIBS)

$(BUILD)/pharosctl: $(call obj,agent/pharosctl.c) $(A_AGENT) $(A_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(A_AGENT) $(A_LIB)

$(BUILD)/pharos-dnsd: $(call obj,dnsd/main.c) $(A_DNSD) $(A_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(A_DNSD) $(A_LIB) -lpthread

$(BUILD)/tests/%: $(call obj,tests/unit/%.c) $(ARCHIVES)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(ARCHIVES) $(PKG_LIBS) $(TEST_LIBS) -lpthread

$(BUILD)/tools/%: $(call obj,tests/tools/%.c) $(ARCHIVES)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(ARCHIVES) $(PKG_LIBS) -lpthread

# ---- checks ----
deps:
	@sh packaging/deps.sh check

unit: $(UNIT_BINS)
	@sh tests/run-unit.sh $(UNIT_BINS)

check-deps:
	@sh tests/check-deps.sh

check-format:
	@sh tests/check-format.sh

integration: $(BINS) $(TOOL_BINS)
	@BUILD=$(abspath $(BUILD)) sh tests/integration/run.sh

check: deps
	$(MAKE) all unit-bins tools
	$(MAKE) check-deps check-format unit fuzz-check integration

unit-bins: $(UNIT_BINS)
tools: $(TOOL_BINS)

# ---- fuzzing (tests/fuzz/fuzz_*.c, libFuzzer): everything rebuilt with clang ----
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -g -O1 -std=gnu11 $(WARN) -I. -DPHAROS_VERSION='"$(VERSION)"' $(PKG_CFLAGS) \
                $(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
FUZZ_LIBSRC  := $(LIB_SRC) $(NETLINK_SRC) $(PROBES_SRC) $(BGP_SRC) $(AGENT_SRC) $(DNSD_SRC)
fuzzobj = $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(1))

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(BUILD)/fuzz/libpharos-fuzz.a: $(call fuzzobj,$(FUZZ_LIBSRC))
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BUILD)/fuzz/%: $(BUILD)/fuzz/obj/tests/fuzz/%.o $(BUILD)/fuzz/libpharos-fuzz.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) -lpthread

fuzz-bins: $(FUZZ_BINS)

# Each harness for FUZZ_SECONDS on a copy of its corpus; fails on any crash.
fuzz: fuzz-bins
	@BUILD=$(abspath $(BUILD)) sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

# The short run make check does (the whole step well under two minutes).
fuzz-check:
	$(MAKE) fuzz FUZZ_SECONDS=15

# Performance figures beside the peers (bench/README.md); as root, not in make check.
bench: all tools
	@sh packaging/deps.sh bench
	$(BUILD)/tools/probe_bench
	@BUILD=$(abspath $(BUILD)) sh bench/run.sh

# Random faults against the lab for DURATION (not in check): usage must not creep.
soak: all tools
	@BUILD=$(abspath $(BUILD)) DURATION=$(or $(DURATION),10m) sh tests/lab/soak.sh

demo:
	@sh packaging/deps.sh demo
	$(MAKE) all
	@BUILD=$(abspath $(BUILD)) sh tests/lab/demo.sh

# The Debian package (packaging/debian, built in a copy of the tree under DEBDIR).
DEBDIR ?= $(BUILD)/deb
deb:
	@sh packaging/deps.sh deb
	@sh packaging/mkdeb.sh $(DEBDIR)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSCONFDIR)/pharos/conf.d
	install -m 0755 $(BUILD)/pharosd $(DESTDIR)$(SBINDIR)/pharosd
	[ ! -f $(BUILD)/pharosctl ] || install -m 0755 $(BUILD)/pharosctl $(DESTDIR)$(SBINDIR)/pharosctl
	[ ! -f $(BUILD)/pharos-dnsd ] || install -m 0755 $(BUILD)/pharos-dnsd $(DESTDIR)$(SBINDIR)/pharos-dnsd
	install -m 0644 etc/pharosd.ini $(DESTDIR)$(SYSCONFDIR)/pharos/pharosd.ini.example
	for m in $(wildcard man/*.[0-9]); do \
		s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done

clean:
	rm -rf $(BUILD)

.PHONY: soak deb all deps unit check-deps check-format integration check demo install clean FORCE unit-bins tools bench \
        fuzz fuzz-bins fuzz-check
FORCE:

-include $(shell find $(BUILD)/obj $(BUILD)/fuzz/obj -name '*.d' 2>/dev/null)
.SECONDARY:
