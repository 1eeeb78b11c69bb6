#!/usr/bin/env bash
# The hostile-guest tests under AddressSanitizer and UBSan: a second build tree configured with
# -DEMU_SANITIZE=ON in which only what the NIC fuzzers (tests/fuzz, fixed seeds) and the
# device tests over the qtest accelerator (tests/qtest: ne2k_isa probing and hostile remote
# DMA/ring pointers, PCI and virtio-mmio devices) need is built, then those tests. Any ASan or
# UBSan report fails them: emu aborts, and the fuzzer checks emu's exit and output.
# Usage: tests/run-asan.sh [build-dir]     (default: build-asan)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}

# -O0 without debug info: the tests here run for seconds, so the tree is built for compile time
# (ASan and UBSan work at any optimisation level; reports name functions, not lines).
cmake -S . -B "$build" -G Ninja -DEMU_WERROR=ON -DEMU_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O0 -g0" "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O0 -g0" > /dev/null
cmake --build "$build" --target emu_nic_fuzz emu_qtest_tests
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure -j2 -L "fuzz|qtest"
