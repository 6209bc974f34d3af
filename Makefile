# Dihya — the two commands: `make run` and `make test`.
BUILD     ?= build
ASAN_BUILD ?= build-asan
JOBS      ?= $(shell nproc)
WERROR    ?= $(if $(CI),ON,OFF)
LISTEN    ?= 127.0.0.1:8080
DATA_DIR  ?= ./var
CMAKE_FLAGS ?=
# Paths relative to the checkout in ccache's keys: clones and worktrees share cached objects.
export CCACHE_BASEDIR ?= $(CURDIR)

.PHONY: all run test test-matrix test-matrix-quick build bootstrap console unit sanitize fuzz fuzz-long bench bench-http bench-generate bench-auth bench-compression bench-realtime bench-plugins bench-tools openapi eval-analyze format lint tidy clean

all: build

bootstrap:
	@scripts/bootstrap

$(BUILD)/build.ninja:
	cmake -G Ninja -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DDIHYA_WERROR=$(WERROR) $(CMAKE_FLAGS)

build: bootstrap $(BUILD)/build.ninja console
	cmake --build $(BUILD) -j $(JOBS)

## The web console served at / (web/console → web/console/dist; npm ci when its lock changed, then Vite).
console: bootstrap
	@scripts/build-console

## Serve on $(LISTEN) with SQLite under $(DATA_DIR); a throwaway secret unless DIHYA_SECRET is set.
run: build
	$(BUILD)/dihya serve --listen $(LISTEN) --data-dir $(DATA_DIR) $(if $(DIHYA_SECRET),,--dev)

## Every test: unit (SQLite), storage again on a real PostgreSQL, black-box with real clients.
test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 900 -j $(JOBS)

## The stack matrix (tests/matrix/README.md): every stack with a pack generated beside other stacks for every
## domain, each project checked with its stacks' own toolchains. test-matrix is the full rotation (29 projects: every
## stack with three domains and three feature profiles; about 31 minutes on 2 cores with the installs cached);
## test-matrix-quick is the rotation `make test` runs as matrix.quick (17 projects: every stack and every domain at
## least once; 6½ minutes).
## Builds first; DIHYA=path runs that binary as it is. MATRIX_ARGS: e.g. --jobs 2, --only vue, --keep, --json FILE.
test-matrix: $(if $(DIHYA),,build)
	DIHYA_BIN=$(or $(DIHYA),$(BUILD)/dihya) node tests/matrix/matrix.mjs --full $(MATRIX_ARGS)

test-matrix-quick: $(if $(DIHYA),,build)
	DIHYA_BIN=$(or $(DIHYA),$(BUILD)/dihya) node tests/matrix/matrix.mjs $(MATRIX_ARGS)

FUZZ_REPLAYS = fuzz_http_request fuzz_json_dto fuzz_spec fuzz_analyze fuzz_pack fuzz_archive fuzz_jwt fuzz_realtime_message fuzz_collab_update fuzz_graphql_parse fuzz_cron_parse fuzz_pack_document fuzz_search_words

## Unit and storage tests, and the fuzz corpora replayed, built with AddressSanitizer + UndefinedBehaviorSanitizer.
sanitize: bootstrap
	cmake -G Ninja -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DDIHYA_UNIT_ONLY=ON \
	    -DDIHYA_SANITIZE=address,undefined -DDIHYA_WERROR=$(WERROR) $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target dihya_unit_tests $(FUZZ_REPLAYS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ctest --output-on-failure --timeout 900 -j $(JOBS)

## libFuzzer targets (clang, ASan + UBSan) for every parser of outside input, FUZZ_SECONDS each (docs/security.md).
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 20
fuzz: bootstrap
	cmake -G Ninja -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDIHYA_FUZZ=ON \
	    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DDIHYA_WERROR=$(WERROR) $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	scripts/fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS)

## The same, 10 minutes per target.
fuzz-long:
	$(MAKE) fuzz FUZZ_SECONDS=600

## Benchmarks with a peer in the same run (results: docs/performance.md): all of them, one after the other.
bench: bench-tools
	bench/http/run.sh $(BUILD)/dihya
	bench/generate/run.sh $(BUILD)
	bench/auth/run.sh $(BUILD)/dihya
	node bench/realtime/run.mjs $(BUILD)/dihya
	bench/plugins/run.sh $(BUILD)
	bench/compression/run.sh $(BUILD)/dihya

## A plugin hook through the sandbox (dihya-js) against the same JavaScript in process.
bench-plugins: bench-tools
	bench/plugins/run.sh $(BUILD)

## /healthz against nginx, idle RSS, start-up.
bench-http: build
	bench/http/run.sh $(BUILD)/dihya

## 5-entity generation (in process and CLI) against JHipster (installed into ~/.cache/dihya-bench on first use).
bench-generate: bench-tools
	bench/generate/run.sh $(BUILD)

## gzip and Brotli answers (kept and per request) against nginx's gzip on the same document.
bench-compression: build
	bench/compression/run.sh $(BUILD)/dihya

## Authenticated list endpoint against Flask + gunicorn.
bench-auth: build
	bench/auth/run.sh $(BUILD)/dihya

## 10,000 idle WebSocket connections and the fan-out of one event to all of them, against a Node ws server.
bench-realtime: build
	node bench/realtime/run.mjs $(BUILD)/dihya

bench-tools: build
	cmake --build $(BUILD) -j $(JOBS) --target dihya_bench_generate dihya_bench_plugins

openapi: build
	$(BUILD)/dihya openapi

## The analyser on the evaluation set (tests/analyzer-eval): per language, dev and held-out apart (docs/analyzer.md).
## Builds first; DIHYA=path scores that binary as it is instead. EVAL_ARGS: e.g. --json FILE, --verbose.
eval-analyze: $(if $(DIHYA),,build)
	scripts/eval-analyze --self-check
	scripts/eval-analyze --dihya $(or $(DIHYA),$(BUILD)/dihya) $(EVAL_ARGS)

format:
	clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.hpp')

## Formatting check (CI).
lint:
	clang-format --dry-run -Werror $$(git ls-files 'src/*.cpp' 'src/*.hpp')

## clang-tidy over the sources (slow: ~20 s a file).
tidy: $(BUILD)/build.ninja
	git ls-files 'src/*.cpp' | xargs -P $(JOBS) -n 1 clang-tidy -p $(BUILD) --quiet --extra-arg=-Wno-unknown-warning-option

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
