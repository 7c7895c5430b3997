# HipCoach: the two commands are `make run` and `make test`.
#   make run    install what is missing, build Release into build/, serve on http://127.0.0.1:8080
#   make test   install, build, run the unit tests, again under ASan+UBSan (clang), each fuzz
#               target for FUZZ_TEST_SECONDS, then the browser tests
#   make build  install and build only
#   make bench  benchmarks (Google Benchmark and wrk on 127.0.0.1), report in build/bench/report.md
#   make fuzz   the libFuzzer targets (clang), FUZZ_SECONDS each (default 600), from fuzz/corpus/

SHELL := /bin/bash
.DEFAULT_GOAL := run
JOBS ?= $(shell nproc)
LISTEN ?= 127.0.0.1:8080
CMAKE_FLAGS ?=
CI_FLAGS := $(if $(CI),-DHIPCOACH_WERROR=ON,)
FUZZ_SECONDS ?= 600
# How long `make test` runs each fuzz target on its seed corpus.
FUZZ_TEST_SECONDS ?= 10

.PHONY: run test build deps npm-deps configure test-unit test-asan test-sanitized test-fuzz test-browser bench fuzz fuzzers format clean

deps:
	@./scripts/install-deps.sh

npm-deps: deps
	@./scripts/install-deps.sh --npm

build/build.ninja: CMakeLists.txt
	cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release $(CI_FLAGS) $(CMAKE_FLAGS)

# The sanitizer tree: clang with ASan, UBSan and libFuzzer's coverage, so that the
# same build runs the unit tests and the fuzz targets (make test-fuzz).
build-asan/build.ninja: CMakeLists.txt
	CC=clang-14 CXX=clang++-14 cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DHIPCOACH_SANITIZE=ON -DHIPCOACH_FUZZ=ON -DHIPCOACH_BUILD_BENCH=OFF $(CI_FLAGS) $(CMAKE_FLAGS)

# The fuzz tree: clang with libFuzzer's coverage, ASan and UBSan; no tests or benchmarks.
build-fuzz/build.ninja: CMakeLists.txt
	CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DHIPCOACH_FUZZ=ON -DHIPCOACH_BUILD_TESTS=OFF -DHIPCOACH_BUILD_BENCH=OFF $(CMAKE_FLAGS)

build: deps build/build.ninja
	cmake --build build -j $(JOBS)

run: build
	@mkdir -p -m 700 var
	./build/hipcoach serve --listen $(LISTEN) --data data --web web --db sqlite:var/hipcoach.sqlite

# After the unit tests, the sanitizer chain (a clang build, its tests, the fuzz targets) and the
# browser tests run side by side: the browser tests mostly wait on the browser, so they fill the
# sanitizer build's idle time. The build runs niced so that the pages' timers are not starved.
# Their output interleaves line by line; a failure names its test either way.
test: test-unit
	@$(MAKE) --no-print-directory -j2 test-sanitized test-browser
	@echo "make test: all tests passed"

test-sanitized: test-asan
	@$(MAKE) --no-print-directory test-fuzz

# The storage tests run against a throwaway PostgreSQL server too (scripts/with-postgres.sh).
test-unit: build
	cd build && ../scripts/with-postgres.sh ctest --output-on-failure -j $(JOBS) --timeout 300

test-asan: deps build-asan/build.ninja
	nice -n 10 cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ../scripts/with-postgres.sh ctest --output-on-failure -j $(JOBS) --timeout 600

fuzzers: deps build-fuzz/build.ninja
	cmake --build build-fuzz --target fuzzers -j $(JOBS)

# Each fuzz target for a bounded time on its committed seed corpus, as built in the
# sanitizer tree (test-asan builds them with everything else).
test-fuzz: deps build-asan/build.ninja
	cmake --build build-asan --target fuzzers -j $(JOBS)
	FUZZ_BUILD=build-asan ./scripts/fuzz.sh $(FUZZ_TEST_SECONDS)

fuzz: fuzzers
	./scripts/fuzz.sh $(FUZZ_SECONDS)

test-browser: build npm-deps
	node --test --test-concurrency=1 tests/browser/*.spec.mjs

bench: build
	./bench/run.sh

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf build build-asan build-fuzz
