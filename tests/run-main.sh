#!/usr/bin/env bash
# The main job: install dependencies, build emu and its plugins, then show what this build
# can do (plugins, machines, devices) and run the example device until it has ticked a few
# times. The boot of a real guest replaces this once the first machine lands.
# Usage: tests/run-main.sh [build-dir]     (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

tests/setup/install-deps.sh
cmake -S . -B "$build" -G Ninja
cmake --build "$build"
"$build"/emu --list-plugins
"$build"/emu -M help
"$build"/emu -device help
