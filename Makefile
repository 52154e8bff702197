# Parley — everyday entry points. Every target installs what is missing first
# (scripts/deps.sh), so each one works on a fresh Debian machine.
#
#   make lib        build/libparley.so
#   make test       go vet, go test -race, the C tests, the C tests again under ASan,
#                   the chaos driver under ASan and UBSan (each with a private
#                   PulseAudio null sink: scripts/pulse-test-server.sh)
#   make test-chaos eight threads of random calls for CHAOS_SECONDS (60), and the view
#                   lifetime test, under ASan and UBSan (clang; docs/robustness.md)
#   make memcheck   the C tests under valgrind memcheck (slow)
#   make test-unity the Unity package's C# (bindings/unity) under Mono and NUnit 2.6,
#                   with a real call against build/libparley.so
#   make test-cocos the Cocos Creator binding (bindings/cocos): tsc checks, the ported
#                   quick start and the binding under Node against build/libparley.so,
#                   the native plugin's glue built through its CMake config
#   make test-interop  headless Chromium (Debian's) on the debug page against a real
#                   parleyd --dev and native engines, each way, VP8 and H.264 (docs/web.md)
#   make test-whip  WHIP and WHEP with third-party clients: Debian's simple-whip-client
#                   publishes to parleyd for a native engine, Chromium plays through WHEP
#   make web        rebuild the debug page's JavaScript (web/js) from web/src with tsc
#   make test-network  real calls over impaired links (5 %/20 % loss, jitter, an outage, caps on either side)
#   make netbench   the same links measured with Parley's weak-network mechanisms all on
#                   and with each turned off; a table of medians (NETBENCH_RUNS, 3)
#   make test-netns parleyd and two engines as processes on their own network
#                   namespaces (root, iproute2): a 5 s outage, a server restart, an
#                   outage beyond the reconnect window, an address change (make
#                   test-netns-long: the outage at 60 s, and a tbf bandwidth cap)
#   make soak       300 engine lifecycles against one server; nothing may stay behind
#   make load-signal  200 signaling clients logging in and out of 50 rooms for 60 s
#   make bench-sfu  the SFU under media load: one 720p stream to 10–300 viewers, audio,
#                   a room of 20 all playing each other; a table of medians (parley-load)
#   make demo       run the demo call (cmd/parley-demo)
#   make bench      Go benchmarks, then five measured calls per codec (VP8, H.264)
#   make clean      remove the build directories

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

export PATH := /usr/local/go/bin:$(PATH)
export CGO_ENABLED := 1
# The system libopus and libvpx through pkg-config: mediadevices' bundled
# Opus does not link into a c-shared library.
export GOFLAGS ?= -tags=dynamic

GO ?= go
CMAKE ?= cmake
CTEST ?= ctest
BUILD ?= build
ASAN_BUILD ?= build-asan
VALGRIND_BUILD ?= build-valgrind
UBSAN_BUILD ?= build-ubsan
CHAOS_SECONDS ?= 60
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
CTEST_FLAGS ?= --output-on-failure
BENCH_ARGS ?=
LOAD_SIGNAL_ARGS ?=
BENCH_SFU_RUNS ?= 3
BENCH_SFU_ARGS ?=
NETBENCH_RUNS ?= 3
NETBENCH_SCENARIOS ?=
DEMO_ARGS ?=

LIB := $(abspath $(BUILD))/libparley.so

# Debian installs openh264's headers in /usr/include/wels; the Go wrappers
# include <openh264/codec_api.h>. Same directory as CMakeLists.txt makes.
# Set unconditionally: on a fresh machine deps.sh installs libopenh264-dev
# only after make has read this file, and the deps target makes the link.
CGO_INCLUDE := $(abspath $(BUILD))/cgo-include
export CGO_CFLAGS ?= -O2 -g -I$(CGO_INCLUDE)
export CGO_CXXFLAGS ?= -O2 -g -I$(CGO_INCLUDE)

FUZZTIME ?= 60s

.PHONY: soak load-signal load-signal-ci bench-sfu load-media-ci fuzz all deps cgo-include lib c test test-go test-c test-asan test-chaos memcheck demo bench clean
# The tests measure real-time calls: never run two of these steps at once.
.NOTPARALLEL:

all: lib

deps: cgo-include
	scripts/deps.sh

# The link may dangle until deps.sh has installed the headers; cgo then
# simply finds nothing there.
cgo-include:
	mkdir -p $(CGO_INCLUDE) && ln -sfn /usr/include/wels $(CGO_INCLUDE)/openh264

lib: deps
	$(CMAKE) -S . -B $(BUILD) $(CMAKE_FLAGS)
	$(CMAKE) --build $(BUILD) --target parley_lib

# The library and the C test programs.
c: deps
	$(CMAKE) -S . -B $(BUILD) $(CMAKE_FLAGS)
	$(CMAKE) --build $(BUILD) -j $(JOBS)

test: deps
	$(MAKE) --no-print-directory test-go test-c test-asan test-chaos fuzz soak load-signal-ci load-media-ci test-network test-netns test-unity test-cocos test-interop test-whip

test-go: cgo-include
	@unformatted="$$(gofmt -l $$(git ls-files '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	scripts/pulse-test-server.sh run $(GO) test -race -count=1 ./...

# Real calls over impaired links (tests/network): loss, jitter, outages,
# measured against frame-rate and audio targets; real time, so no -race.
test-network: cgo-include
	PARLEY_NETWORK=1 $(GO) test -count=1 -v ./tests/network/

# The weak-network benchmark (tests/network, TestNetbench): loss, heavy loss,
# a bandwidth cap on the publisher's link and on the player's, and an outage,
# each with Parley's mechanisms all on and with NACK, congestion control,
# pacing, adaptation, the congestion window, temporal layers or the server's
# downlink estimate turned off; NETBENCH_SCENARIOS (loss, heavyloss, cap,
# downcap, outage; comma-separated, empty for all) picks links;
# NETBENCH_RUNS runs, a markdown table of medians (docs/benchmarks.md).
# About 20 minutes a run, hence the time limit of 30 minutes a run.
.PHONY: netbench
netbench: cgo-include
	PARLEY_NETBENCH=1 PARLEY_NETBENCH_RUNS=$(NETBENCH_RUNS) PARLEY_NETBENCH_SCENARIOS=$(NETBENCH_SCENARIOS) \
		$(GO) test -count=1 -v -timeout $$(( $(NETBENCH_RUNS) * 30 + 10 ))m -run '^TestNetbench$$' ./tests/network/

# Reconnection with real processes (tests/netns, docs/reconnection.md):
# parleyd and two engines, each in its own network namespace joined to the
# server's by a veth pair; links cut, the server killed. Needs root and
# iproute2 (deps.sh); real time, so no -race.
.PHONY: test-netns test-netns-long
test-netns: deps
	PARLEY_NETNS=1 $(GO) test -count=1 -v -timeout 5m ./tests/netns/

# The outage beyond the reconnect window at full length (60 s, a 30 s
# window) and a 300 kbit/s tbf cap on the publisher's link.
test-netns-long: deps
	PARLEY_NETNS=1 PARLEY_NETNS_LONG=1 $(GO) test -count=1 -v -timeout 5m -run '^(TestOutageBeyondWindow|TestBandwidthCap)$$' ./tests/netns/

test-c: c
	scripts/pulse-test-server.sh run $(CTEST) --test-dir $(BUILD) $(CTEST_FLAGS)

# The C programs again, built with AddressSanitizer, against the same library.
test-asan: c
	$(CMAKE) -S . -B $(ASAN_BUILD) -DPARLEY_SANITIZE=address -DPARLEY_PREBUILT_LIBRARY=$(LIB) $(CMAKE_FLAGS)
	$(CMAKE) --build $(ASAN_BUILD) -j $(JOBS)
	scripts/pulse-test-server.sh run $(CTEST) --test-dir $(ASAN_BUILD) -L '^c$$' $(CTEST_FLAGS)

# The chaos driver (tests/c/chaos.c) for CHAOS_SECONDS and the view lifetime
# test, built with clang under AddressSanitizer and UndefinedBehaviorSanitizer
# against the same library; cgocheck=1 has the Go runtime check the pointers
# it is handed (the ASan options Go needs are set in CMakeLists.txt).
test-chaos: c
	$(CMAKE) -S . -B $(UBSAN_BUILD) -DCMAKE_C_COMPILER=clang -DPARLEY_SANITIZE=address,undefined \
		-DPARLEY_PREBUILT_LIBRARY=$(LIB) -DPARLEY_CHAOS_SECONDS=$(CHAOS_SECONDS) $(CMAKE_FLAGS)
	$(CMAKE) --build $(UBSAN_BUILD) -j $(JOBS)
	GODEBUG=cgocheck=1 scripts/pulse-test-server.sh run \
		$(CTEST) --test-dir $(UBSAN_BUILD) -R '^(chaos|view_lifetime)$$' $(CTEST_FLAGS)

# The Unity package's C# built with mcs (core alone, then with the Unity parts
# against stand-ins) and its NUnit suite run by nunit-console under Mono, with
# DllImport("parley") mapped to build/libparley.so (bindings/unity/Tools~).
.PHONY: test-unity
test-unity: lib
	bindings/unity/Tools~/test-mono.sh $(LIB) $(BUILD)/unity

# The Cocos Creator binding: npm ci, tsc against Cocos' declarations (the ported
# quick start with a project's default settings), the Node tests through koffi
# against build/libparley.so, and the plugin's C++ glue built through its CMake
# config against stub se:: headers and run (bindings/cocos/tools/test.sh).
.PHONY: test-cocos
test-cocos: lib
	bindings/cocos/tools/test.sh $(LIB) $(BUILD)/cocos

# The browser debug page (web/): tsc (pinned in web/package.json) builds
# web/src into web/js, which is committed, so go build needs no npm.
.PHONY: web web-check test-interop
NPM_CI := npm ci --no-audit --no-fund --loglevel=error
web:
	cd web && $(NPM_CI) && node_modules/.bin/tsc -p tsconfig.json

# Fails when the committed web/js is not what tsc builds from web/src.
web-check:
	cd web && $(NPM_CI) && node tools/check-build.mjs

# Browser interop (tests/interop): Debian's Chromium (scripts/deps.sh) driven by
# playwright-core (npm ci there) on the debug page of a real parleyd --dev, with
# native engines in the test process: each way, all at once, VP8 and H.264.
test-interop: deps web-check
	cd tests/interop && $(NPM_CI)
	PARLEY_INTEROP=1 $(GO) test -race -count=1 -v -timeout 5m ./tests/interop/

# WHIP and WHEP interop (tests/interop, docs/whip-whep.md): Debian's
# simple-whip-client (GStreamer's webrtcbin, scripts/deps.sh) publishes the
# test picture and a tone to a real parleyd and a native engine plays it;
# headless Chromium plays an engine's stream on parleyd's WHEP player
# (web/whep.html). VP8 and H.264 each.
.PHONY: test-whip
test-whip: deps web-check
	cd tests/interop && $(NPM_CI)
	PARLEY_INTEROP=1 PARLEY_WHIP=1 $(GO) test -race -count=1 -v -timeout 5m -run '^TestWH(IP|EP)' ./tests/interop/

# The C programs under valgrind memcheck (tests/c/go.supp hides the Go runtime).
memcheck: c
	$(CMAKE) -S . -B $(VALGRIND_BUILD) -DPARLEY_VALGRIND=ON -DPARLEY_PREBUILT_LIBRARY=$(LIB) $(CMAKE_FLAGS)
	$(CMAKE) --build $(VALGRIND_BUILD) -j $(JOBS)
	scripts/pulse-test-server.sh run $(CTEST) --test-dir $(VALGRIND_BUILD) -L '^c$$' $(CTEST_FLAGS)

demo: deps
	$(GO) run ./cmd/parley-demo $(DEMO_ARGS)

bench: deps
	$(GO) test -run '^$$' -bench . -count 5 ./render/ ./engine/codec/... ./engine/audio/
	$(GO) run ./cmd/parley-demo --bench 5 --codec vp8 $(BENCH_ARGS)
	$(GO) run ./cmd/parley-demo --bench 5 --codec h264 $(BENCH_ARGS)

# 300 lifecycles of an engine (create, log in, publish, play a frame into a
# view, log out, destroy) in one process against one server, then the
# goroutines, fds and RSS must be back (tests/soak). Without -race: the race
# detector's shadow memory would drown the RSS figure.
soak: cgo-include
	PARLEY_SOAK=1 $(GO) test -count=1 -v -timeout 5m -run '^TestSoak$$' ./tests/soak/

# Signaling load (cmd/parley-sigload): builds and starts parleyd --dev, then
# 200 clients log in to and out of 50 rooms for 60 s (docs/benchmarks.md);
# fails on any error or a room or session left behind. The CI-sized run of
# make test is the same for 15 s.
load-signal: cgo-include
	$(GO) run ./cmd/parley-sigload $(LOAD_SIGNAL_ARGS)

load-signal-ci: cgo-include
	$(GO) run ./cmd/parley-sigload --clients 200 --rooms 50 --duration 15s

# The SFU under media load (cmd/parley-load, docs/benchmarks.md): a fresh
# parleyd --dev per run; one 720p publisher to 10, 50, 100, 200, 300 viewers,
# ten audio publishers to 10, 50, 100 viewers each, a room of 20 publishers
# playing each other; BENCH_SFU_RUNS runs each, a markdown table of medians.
bench-sfu: cgo-include
	$(GO) run ./cmd/parley-load --bench --runs $(BENCH_SFU_RUNS) $(BENCH_SFU_ARGS)

# make test's media load: one 720p publisher to 20 viewers for 10 s against a
# parleyd; fails unless every viewer receives media without an error.
load-media-ci: cgo-include
	$(GO) run ./cmd/parley-load --subscribers 20 --warmup 1s --duration 10s

# Fuzz targets, each for FUZZTIME (CI: 60 s); found inputs stay in the
# package's testdata/fuzz corpus and run as plain tests from then on.
fuzz: cgo-include
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./server/protocol/
	$(GO) test -run '^$$' -fuzz '^FuzzDirectory$$' -fuzztime $(FUZZTIME) ./server/room/

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(VALGRIND_BUILD) $(UBSAN_BUILD)
