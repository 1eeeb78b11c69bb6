#!/usr/bin/env bash
# The SDK as a third party sees it: install emu from a build tree into a fresh prefix, build
# sdk/examples/example-ticker against that prefix with CMake (find_package(emu)) and with its
# Makefile (pkg-config), then drive the example plugin with the INSTALLED emu.
#
# usage: out_of_tree_test.sh --source-dir DIR --build-dir DIR [--libdir LIBDIR] [--cmake CMAKE]
#            [--cxx COMPILER] [--launcher CCACHE] [--generator GEN] [--make-program PROG]
#
# Needs no network. Set EMU_SDK_TEST_KEEP=1 to keep the temporary directory for inspection.
set -euo pipefail

source_dir='' build_dir='' libdir=lib cmake=cmake cxx='' launcher='' generator='' make_program=''
while (($#)); do
    case $1 in
        --source-dir) source_dir=$2 ;;
        --build-dir) build_dir=$2 ;;
        --libdir) libdir=$2 ;;
        --cmake) cmake=$2 ;;
        --cxx) cxx=$2 ;;
        --launcher) launcher=$2 ;;
        --generator) generator=$2 ;;
        --make-program) make_program=$2 ;;
        *) echo "out_of_tree_test.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift 2
done
[[ -n $source_dir && -n $build_dir ]] || { echo "usage: $0 --source-dir DIR --build-dir DIR ..." >&2; exit 2; }
example_src=$source_dir/sdk/examples/example-ticker

# ---- helpers -------------------------------------------------------------------------------
source "$source_dir/tests/support/shell_helpers.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-sdk-test.XXXXXX")
tmp=$(cd "$tmp" && pwd -P)  # emu prints canonical paths
emu_pid=
cleanup() {
    if [[ -n $emu_pid ]] && kill -0 "$emu_pid" 2>/dev/null; then
        kill -KILL "$emu_pid" 2>/dev/null || true
        wait "$emu_pid" 2>/dev/null || true
    fi
    if [[ ${EMU_SDK_TEST_KEEP:-0} == 1 ]]; then
        echo "keeping $tmp"
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT

# Only the plugins this test chooses: no user plugin directory, no EMU_PLUGIN_PATH.
unset EMU_PLUGIN_PATH
export XDG_DATA_HOME=$tmp/xdg-data
# pkg-config must see the installed emu.pc and nothing the caller's environment points at.
unset PKG_CONFIG_PATH PKG_CONFIG_LIBDIR CMAKE_PREFIX_PATH

prefix=$tmp/prefix
emu=$prefix/bin/emu
plugin_dir=$prefix/$libdir/emu/plugins

# ---- 1. install ----------------------------------------------------------------------------
step "install $build_dir into $prefix"
run "$tmp/install.log" "$cmake" --install "$build_dir" --prefix "$prefix"
for f in "$emu" "$prefix/$libdir/libemu.so" "$prefix/include/emu/plugin.h" \
         "$prefix/$libdir/cmake/emu/emuConfig.cmake" "$prefix/$libdir/cmake/emu/emuConfigVersion.cmake" \
         "$prefix/$libdir/cmake/emu/EmuPlugin.cmake" "$prefix/$libdir/pkgconfig/emu.pc"; do
    [[ -e $f ]] || { echo "FAIL: not installed: $f" >&2; show "install log" "$tmp/install.log"; exit 1; }
done
compgen -G "$prefix/$libdir/libemu.so.*" >/dev/null || fail "no versioned libemu.so.* in $prefix/$libdir"
[[ -d $plugin_dir ]] || fail "system plugin directory $plugin_dir not installed"

# The installed emu must run from the prefix (its RPATH finds libemu; checked below).
run "$tmp/version.log" "$emu" --version
expect_grep '^emu version ' "$tmp/version.log" "installed emu --version"

# ---- 2. build the example with CMake --------------------------------------------------------
step "build the example with CMake (find_package(emu))"
cmake_args=(-S "$example_src" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$prefix"
            -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
            -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Werror")
[[ -n $generator ]] && cmake_args+=(-G "$generator")
[[ -n $make_program ]] && cmake_args+=(-DCMAKE_MAKE_PROGRAM="$make_program")
[[ -n $cxx ]] && cmake_args+=(-DCMAKE_CXX_COMPILER="$cxx")
[[ -n $launcher ]] && cmake_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")
run "$tmp/configure.log" "$cmake" "${cmake_args[@]}"
emu_dir=$(sed -n 's/^emu_DIR:PATH=//p' "$tmp/build/CMakeCache.txt")
[[ $emu_dir -ef $prefix/$libdir/cmake/emu ]] ||
    fail "find_package(emu) used '$emu_dir', not the installed package in $prefix/$libdir/cmake/emu"
run "$tmp/build.log" "$cmake" --build "$tmp/build"
[[ -f $tmp/build/example.so ]] || { echo "FAIL: $tmp/build/example.so was not built" >&2; show "build log" "$tmp/build.log"; exit 1; }
# Hidden visibility: the descriptor is the only symbol the plugin defines for others.
nm -D --defined-only "$tmp/build/example.so" >"$tmp/nm.log" 2>&1 || true
expect_grep ' emu_plugin_descriptor$' "$tmp/nm.log" "example.so does not export the descriptor"
if grep -Eq ' [TWVD] .*(Ticker|register_types)' "$tmp/nm.log"; then
    echo "FAIL: example.so exports implementation symbols (visibility is not hidden)" >&2
    show "nm -D" "$tmp/nm.log"; exit 1
fi

# ---- 3. build the example with its Makefile (pkg-config) -----------------------------------
step "build the example with make (pkg-config emu)"
mkdir -p "$tmp/make"
cp "$example_src/Makefile" "$example_src/ticker.cpp" "$tmp/make/"
make_cxx=${cxx:-c++}
[[ -n $launcher ]] && make_cxx="$launcher $make_cxx"
PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig run "$tmp/make.log" \
    make -C "$tmp/make" CXX="$make_cxx" CXXFLAGS="-O2 -Wall -Wextra -Wpedantic -Werror"
[[ -f $tmp/make/example.so ]] || fail "make did not build example.so"
PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig run "$tmp/pc.log" pkg-config --variable=pluginsdir emu
[[ $(cat "$tmp/pc.log") -ef $plugin_dir ]] ||
    fail "emu.pc pluginsdir is '$(cat "$tmp/pc.log")', expected $plugin_dir"
run "$tmp/make-list.log" "$emu" --plugin-dir "$tmp/make" --list-plugins
expect_grep "^example .*$tmp/make/example\\.so" "$tmp/make-list.log" "the make-built plugin does not load"

# ---- 4. drive the plugin with the installed emu --------------------------------------------
step "emu --list-plugins"
run "$tmp/list.log" "$emu" --plugin-dir "$tmp/build" --list-plugins
expect_grep "^example 1\\.0\\.0 .*$tmp/build/example\\.so" "$tmp/list.log" "--list-plugins does not list plugin 'example'"
expect_grep '^ +misc: .*example-ticker' "$tmp/list.log" "--list-plugins does not list type 'example-ticker'"
expect_grep "^ +$plugin_dir\$" "$tmp/list.log" "--list-plugins does not search the system plugin dir $plugin_dir"
expect_grep "^core [0-9.]+  $prefix/(bin/\\.\\./)?$libdir/libemu\\.so\\.[0-9]+\$" "$tmp/list.log" \
    "the installed emu does not use the installed libemu"
if grep -Eq '(FAILED|SKIPPED) .*example\.so' "$tmp/list.log"; then
    echo "FAIL: --list-plugins reports example.so as not loaded" >&2; show output "$tmp/list.log"; exit 1
fi

step "emu -device help"
run "$tmp/device-help.log" "$emu" --plugin-dir "$tmp/build" -device help
expect_grep '"example-ticker"' "$tmp/device-help.log" "-device help does not list example-ticker"
expect_grep 'Example out-of-tree device: prints a tick on the host clock' "$tmp/device-help.log" \
    "-device help does not show the description"

step "emu -device example-ticker,help"
run "$tmp/props.log" "$emu" --plugin-dir "$tmp/build" -device example-ticker,help
expect_grep '^ +interval=<uint32> .*\(default: 1000\)' "$tmp/props.log" "no 'interval' property"
expect_grep '^ +message=<str> .*\(default: tick\)' "$tmp/props.log" "no 'message' property"
expect_grep '^ +count=<uint32> .*\(default: 0\)' "$tmp/props.log" "no 'count' property"

step "emu -M none -device example-ticker,interval=50 (then SIGINT)"
"$emu" --plugin-dir "$tmp/build" -M none -device example-ticker,interval=50 \
    >"$tmp/run.out" 2>"$tmp/run.err" &
emu_pid=$!
# Wait (generously, for loaded machines) for realize, then expect a tick within ~2 s.
realized=0 ticked=0
for ((i = 0; i < 200; i++)); do
    if ((!realized)) && grep -q '^example-ticker: realized (interval 50 ms)$' "$tmp/run.err"; then
        realized=1 i=180
    fi
    if grep -q '^example-ticker: tick 1$' "$tmp/run.err"; then ticked=1; break; fi
    kill -0 "$emu_pid" 2>/dev/null || break
    sleep 0.1
done
if ((!ticked)); then
    if kill -0 "$emu_pid" 2>/dev/null; then
        what="no tick within 2 s of realize"; ((realized)) || what="did not realize within 18 s"
    else
        wait "$emu_pid" && status=0 || status=$?
        what="emu exited early with status $status"
    fi
    echo "FAIL: example-ticker: $what" >&2
    show stderr "$tmp/run.err"; show stdout "$tmp/run.out"
    echo "    (is $build_dir built from the current sources? cmake --install copies the SDK" \
         "headers from the source tree, so stale binaries and new headers do not match)" >&2
    exit 1
fi
kill -INT "$emu_pid"
status=0
for ((i = 0; i < 100; i++)); do kill -0 "$emu_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$emu_pid" 2>/dev/null; then
    echo "FAIL: emu did not exit within 10 s of SIGINT" >&2
    show stderr "$tmp/run.err"; exit 1
fi
wait "$emu_pid" || status=$?
emu_pid=
if ((status != 0)); then
    echo "FAIL: emu exited with status $status after SIGINT, expected 0" >&2
    show stderr "$tmp/run.err"; exit 1
fi
expect_grep '^example-ticker: unrealized after [1-9][0-9]* ticks$' "$tmp/run.err" \
    "no 'unrealized after N ticks' after SIGINT"

step "emu -M none -device example-ticker,message= (realize error)"
status=0
# (timeout: if realize wrongly succeeded, emu would run until killed)
timeout -k 5 20 "$emu" --plugin-dir "$tmp/build" -M none -device example-ticker,message= \
    >"$tmp/bad.out" 2>"$tmp/bad.err" || status=$?
((status != 124)) || fail "message= did not fail realize: emu was still running after 20 s"
expected='emu: example-ticker: message must not be empty'
if ((status != 1)) || [[ $(cat "$tmp/bad.err") != "$expected" ]] || [[ $(wc -l <"$tmp/bad.err") != 1 ]]; then
    echo "FAIL: message= should exit 1 with exactly one stderr line '$expected'; got status $status" >&2
    show stderr "$tmp/bad.err"; show stdout "$tmp/bad.out"
    exit 1
fi

# ---- 5. install the plugin where the installed emu looks by default ------------------------
step "cmake --install the example into EMU_PLUGIN_INSTALL_DIR"
run "$tmp/example-install.log" "$cmake" --install "$tmp/build"
[[ -f $plugin_dir/example.so ]] || { echo "FAIL: example.so not installed into $plugin_dir" >&2;
                                     show "install log" "$tmp/example-install.log"; exit 1; }
run "$tmp/list-system.log" "$emu" --list-plugins
expect_grep "^example 1\\.0\\.0 .*$plugin_dir/example\\.so" "$tmp/list-system.log" \
    "emu does not find example.so in the system plugin dir without --plugin-dir"

echo "PASS: out-of-tree example plugin builds and runs against the installed SDK"
