#!/usr/bin/env bash
# The whole test suite from a clean clone: install dependencies, build with -Werror, run ctest;
# the NIC fuzzers and device tests also run in a sanitizer build (tests/run-asan.sh).
# Usage: tests/run-all.sh [build-dir]     (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

tests/setup/install-deps.sh
tests/setup/fetch-guests.sh
tests/setup/fetch-x86-guests.sh
cmake -S . -B "$build" -G Ninja -DEMU_WERROR=ON
cmake --build "$build"
# The hostile-guest tests under AddressSanitizer and UBSan (their own build tree) first, so that
# the last summary line is the whole suite's.
tests/run-asan.sh "$build-asan"
ctest --test-dir "$build" --output-on-failure -j2
