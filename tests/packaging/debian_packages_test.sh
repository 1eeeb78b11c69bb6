#!/usr/bin/env bash
# emu as Debian's users get it. From a built tree:
#   1. cpack -G DEB builds emu and emu-dev (into a temporary directory, not the build tree);
#      their contents, Depends (dpkg-shlibdeps) and Recommends are checked;
#   2. dpkg -x unpacks both into a temporary root; the unpacked emu finds its system plugin
#      directory next to the unpacked libemu (--list-plugins proves it), a plugin in the user's
#      directory is found without flags, and a plugin present twice is loaded once;
#   3. man -l reads emu(1), which lists every option of `emu --help`;
#   4. the bash completion completes options, -M machines and -device types;
#   5. sdk/examples/example-ticker builds against the unpacked emu-dev with CMake
#      (CMAKE_PREFIX_PATH) and with its Makefile (pkg-config, relocatable emu.pc);
#   6. lintian reports no errors (its warnings are printed);
#   7. cpack -G TGZ gives a relocatable tree: moved elsewhere, its emu still finds its plugins.
#
# usage: debian_packages_test.sh --source-dir DIR --build-dir DIR --libdir LIBDIR [--multiarch TRIPLET]
#            [--cmake CMAKE] [--cpack CPACK] [--cxx COMPILER] [--launcher CCACHE]
#            [--generator GEN] [--make-program PROG]
# Exit status 77 (skipped) where there is no dpkg. EMU_PACKAGING_TEST_KEEP=1 keeps the temporary
# directory.
set -euo pipefail

source_dir='' build_dir='' libdir='' multiarch='' cmake=cmake cpack=cpack cxx='' launcher=''
generator='' make_program=''
while (($#)); do
    case $1 in
        --source-dir) source_dir=$2 ;;
        --build-dir) build_dir=$2 ;;
        --libdir) libdir=$2 ;;
        --multiarch) multiarch=$2 ;;
        --cmake) cmake=$2 ;;
        --cpack) cpack=$2 ;;
        --cxx) cxx=$2 ;;
        --launcher) launcher=$2 ;;
        --generator) generator=$2 ;;
        --make-program) make_program=$2 ;;
        *) echo "debian_packages_test.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift 2
done
[[ -n $source_dir && -n $build_dir && -n $libdir ]] ||
    { echo "usage: $0 --source-dir DIR --build-dir DIR --libdir LIBDIR ..." >&2; exit 2; }

# ---- helpers -------------------------------------------------------------------------------
source "$source_dir/tests/support/shell_helpers.sh"
# Regex-quote a path.
re() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }

for tool in dpkg dpkg-deb dpkg-shlibdeps; do
    command -v "$tool" >/dev/null || { echo "SKIP: no $tool (not a Debian system)"; exit 77; }
done
for tool in man lintian pkg-config make; do
    command -v "$tool" >/dev/null || fail "$tool is missing: run tests/setup/install-deps.sh"
done
[[ -x $build_dir/emu && -f $build_dir/CPackConfig.cmake ]] ||
    fail "$build_dir is not a built emu tree (no emu or CPackConfig.cmake)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-packaging-test.XXXXXX")
tmp=$(cd "$tmp" && pwd -P)  # emu prints canonical paths
cleanup() {
    if [[ ${EMU_PACKAGING_TEST_KEEP:-0} == 1 ]]; then echo "keeping $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# Only the plugins this test chooses.
unset EMU_PLUGIN_PATH PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR CMAKE_PREFIX_PATH
export XDG_DATA_HOME=$tmp/xdg-data HOME=$tmp/home
mkdir -p "$HOME"
export LC_ALL=C.UTF-8

# ---- 1. build the Debian packages ----------------------------------------------------------
step "cpack -G DEB"
run "$tmp/cpack-deb.log" "$cpack" -G DEB --config "$build_dir/CPackConfig.cmake" -B "$tmp/deb"
runtime_deb=$(compgen -G "$tmp/deb/emu_*.deb" || true)
dev_deb=$(compgen -G "$tmp/deb/emu-dev_*.deb" || true)
[[ -f $runtime_deb && -f $dev_deb ]] || { ls -l "$tmp/deb" >&2; fail "cpack did not build emu_*.deb and emu-dev_*.deb"; }
echo "    $(basename "$runtime_deb") $(basename "$dev_deb")"

usr_lib=usr/$libdir
[[ -z $multiarch || $libdir == "lib/$multiarch" ]] ||
    fail "this build tree installs libraries into '$libdir', not Debian's multiarch lib/$multiarch" \
         "(it was configured before the multiarch default: reconfigure with -DCMAKE_INSTALL_LIBDIR=lib/$multiarch)"

dpkg-deb -c "$runtime_deb" | awk '{print $6}' | sed 's|^\./||' >"$tmp/runtime.files"
dpkg-deb -c "$dev_deb" | awk '{print $6}' | sed 's|^\./||' >"$tmp/dev.files"
for f in usr/bin/emu "$usr_lib/libemu.so.0" "$usr_lib/emu/plugins/" usr/share/man/man1/emu.1.gz \
         usr/share/bash-completion/completions/emu usr/share/doc/emu/copyright \
         usr/share/doc/emu/changelog.Debian.gz; do
    grep -qxF "$f" "$tmp/runtime.files" || { show "emu contents" "$tmp/runtime.files"; fail "emu does not ship $f"; }
done
for f in usr/include/emu/plugin.h "$usr_lib/libemu.so" "$usr_lib/cmake/emu/emuConfig.cmake" \
         "$usr_lib/cmake/emu/EmuPlugin.cmake" "$usr_lib/pkgconfig/emu.pc" usr/share/doc/emu-dev/copyright; do
    grep -qxF "$f" "$tmp/dev.files" || { show "emu-dev contents" "$tmp/dev.files"; fail "emu-dev does not ship $f"; }
done
expect_no_grep '^usr/include/|/cmake/|/pkgconfig/|/libemu\.so$' "$tmp/runtime.files" "the emu package ships SDK files"
expect_no_grep "^usr/bin/.|^$(re "$usr_lib")/emu/plugins/." "$tmp/dev.files" "the emu-dev package ships programs or plugins"
# Nothing but emu in bin, and exactly the in-tree plugins of build/plugins (no test plugins).
grep '^usr/bin/.' "$tmp/runtime.files" | grep -vxF usr/bin/emu >"$tmp/extra-bin" || true
[[ ! -s $tmp/extra-bin ]] || { show "extra programs" "$tmp/extra-bin"; fail "emu ships programs other than emu"; }
sed -n "s|^$(re "$usr_lib")/emu/plugins/\\(.*\\.so\\)\$|\\1|p" "$tmp/runtime.files" | sort >"$tmp/deb-plugins"
(cd "$build_dir/plugins" && ls -1 -- *.so) | sort >"$tmp/tree-plugins"
diff "$tmp/tree-plugins" "$tmp/deb-plugins" >"$tmp/plugins.diff" ||
    { show "build/plugins (<) vs. packaged plugins (>)" "$tmp/plugins.diff"; fail "the packaged plugins differ from build/plugins"; }
[[ -s $tmp/deb-plugins ]] || fail "no plugins packaged"
expect_no_grep '(^|/)(testkit|wrong_abi|throws_on_register|duplicate_type|no_name|no_descriptor|unresolved_symbol|net_test_nic)\.so$|_tests?$' \
    "$tmp/runtime.files" "a test plugin or test program is packaged"

dpkg-deb -f "$runtime_deb" Depends >"$tmp/depends"
dpkg-deb -f "$runtime_deb" Recommends >"$tmp/recommends"
echo "    emu Depends: $(cat "$tmp/depends")"
for lib in libc6 'libstdc\+\+6' 'libglib2\.0-0' 'libboost-filesystem1\.[0-9.]+' libfdt1; do
    expect_grep "(^|, )$lib( |,|$)" "$tmp/depends" "emu's Depends (dpkg-shlibdeps) lacks $lib"
done
[[ $(cat "$tmp/recommends") == "seabios, ipxe-qemu, u-boot-qemu" ]] ||
    { show Recommends "$tmp/recommends"; fail "emu should recommend seabios, ipxe-qemu, u-boot-qemu"; }
version=$(dpkg-deb -f "$runtime_deb" Version)
dpkg-deb -f "$dev_deb" Depends >"$tmp/dev-depends"
expect_grep "(^|, )emu \\(= $(re "$version")\\)" "$tmp/dev-depends" "emu-dev does not depend on emu (= $version)"

# ---- 2. unpack and run ---------------------------------------------------------------------
step "dpkg -x into a temporary root"
root=$tmp/root
dpkg -x "$runtime_deb" "$root"
dpkg -x "$dev_deb" "$root"
emu=$root/usr/bin/emu
system_dir=$root/$usr_lib/emu/plugins

step "emu --list-plugins from the unpacked package"
run "$tmp/list.log" "$emu" --list-plugins
expect_grep "^core [0-9.]+  $(re "$root/$usr_lib")/libemu\\.so\\.0\$" "$tmp/list.log" \
    "the unpacked emu does not use the unpacked libemu"
expect_grep "^    $(re "$system_dir")\$" "$tmp/list.log" \
    "the system plugin directory next to the unpacked libemu is not on the search path"
first_plugin=$(head -n 1 "$tmp/deb-plugins")
expect_grep " $(re "$system_dir/$first_plugin")\$" "$tmp/list.log" "$first_plugin is not loaded from $system_dir"
loaded=$(grep -c " $(re "$system_dir")/[^/]*\\.so\$" "$tmp/list.log" || true)
[[ $loaded == "$(wc -l <"$tmp/deb-plugins")" ]] ||
    { show output "$tmp/list.log"; fail "$loaded of $(wc -l <"$tmp/deb-plugins") packaged (stripped) plugins loaded"; }
expect_no_grep '^Not loaded:' "$tmp/list.log" "a packaged plugin failed to load"
run "$tmp/machines.log" "$emu" -M help
expect_grep '^virt ' "$tmp/machines.log" "-M help does not list virt"

step "a plugin in the user's directory, and the same plugin twice"
user_dir=$XDG_DATA_HOME/emu/plugins
mkdir -p "$user_dir"
cp "$system_dir/$first_plugin" "$user_dir/"
run "$tmp/twice.log" "$emu" --list-plugins
expect_grep " $(re "$user_dir/$first_plugin")\$" "$tmp/twice.log" "the copy in \$XDG_DATA_HOME/emu/plugins did not win"
expect_grep "^    SKIPPED $(re "$system_dir/$first_plugin"): plugin '.*' is already loaded from $(re "$user_dir/$first_plugin"); this copy is skipped\$" \
    "$tmp/twice.log" "--list-plugins does not say which copy won"
[[ $(grep -c "$(re "/$first_plugin")\$" "$tmp/twice.log") == 1 ]] || fail "$first_plugin listed as loaded twice"
# A shadowed copy is no reason to warn when running.
"$emu" -M help >/dev/null 2>"$tmp/twice-run.err" || fail "emu -M help failed with a plugin present twice"
[[ ! -s $tmp/twice-run.err ]] || { show stderr "$tmp/twice-run.err"; fail "a plugin present twice is warned about"; }
rm -r "$XDG_DATA_HOME"
# Without XDG_DATA_HOME: ~/.local/share/emu/plugins.
mkdir -p "$HOME/.local/share/emu/plugins"
cp "$system_dir/$first_plugin" "$HOME/.local/share/emu/plugins/"
env -u XDG_DATA_HOME "$emu" --list-plugins >"$tmp/home.log" 2>&1 || fail "emu --list-plugins failed"
expect_grep " $(re "$HOME/.local/share/emu/plugins/$first_plugin")\$" "$tmp/home.log" \
    "a plugin in ~/.local/share/emu/plugins is not found"
rm -r "$HOME/.local"

# ---- 3. the man page -----------------------------------------------------------------------
step "man -l emu.1.gz"
man_page=$root/usr/share/man/man1/emu.1.gz
MANWIDTH=100 MANPAGER=cat PAGER=cat LC_ALL=C man -l "$man_page" >"$tmp/man.txt" 2>"$tmp/man.err" ||
    { show stderr "$tmp/man.err"; fail "man -l $man_page failed"; }
expect_grep '^NAME' "$tmp/man.txt" "man page has no NAME section"
expect_grep 'emu - a plugin-based machine emulator' "$tmp/man.txt" "man page NAME line"
expect_grep "$(re "$libdir/emu/plugins")" "$tmp/man.txt" "man page does not name the system plugin directory"
# Every option of --help is on the page (both come from option_table()).
"$emu" --help | sed -n 's/^  \(-[^ ,]*\)\(, \(-[^ ]*\)\)\{0,1\}.*/\1/p' >"$tmp/options"
[[ $(wc -l <"$tmp/options") -ge 20 ]] || { show "emu --help" "$tmp/options"; fail "could not read options from emu --help"; }
while read -r option; do
    grep -Eq -- "^ +$(re "$option")(,| |\$)" "$tmp/man.txt" || { show "man page" "$tmp/man.txt"; fail "option $option is not in the man page"; }
done <"$tmp/options"
# groff must have nothing to say (lintian runs the same check).
LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$man_page" >/dev/null 2>"$tmp/groff.err" || true
[[ ! -s $tmp/groff.err ]] || { show "groff warnings" "$tmp/groff.err"; fail "the man page has groff warnings"; }

# ---- 4. bash completion --------------------------------------------------------------------
step "bash completion"
complete_words() {  # complete_words WORD...: what completing the last word offers
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _emu; printf "%s\n" "${COMPREPLY[@]}"' \
        complete "$root/usr/share/bash-completion/completions/emu" "$@" 2>&1
}
complete_words "$emu" -no >"$tmp/c-options"
expect_grep '^-nographic$' "$tmp/c-options" "completing -no does not offer -nographic"
expect_grep '^-no-reboot$' "$tmp/c-options" "completing -no does not offer -no-reboot"
complete_words "$emu" --list-pl >"$tmp/c-long"
expect_grep '^--list-plugins$' "$tmp/c-long" "completing --list-pl does not offer --list-plugins"
complete_words "$emu" -M '' >"$tmp/c-machines"
expect_grep '^virt$' "$tmp/c-machines" "completing -M does not offer virt"
expect_grep '^none$' "$tmp/c-machines" "completing -M does not offer none"
device=$("$emu" -device help | sed -n 's/^name "\([^"]*\)".*/\1/p' | head -n 1)
[[ -n $device ]] || fail "emu -device help lists no device"
complete_words "$emu" -device "${device:0:3}" >"$tmp/c-devices"
expect_grep "^$(re "$device")\$" "$tmp/c-devices" "completing -device ${device:0:3} does not offer $device"
property=$("$emu" -device "$device,help" | sed -n 's/^  \([A-Za-z0-9_.-]*\)=<.*/\1/p' | head -n 1)
if [[ -n $property ]]; then
    complete_words "$emu" -device "$device," >"$tmp/c-props"
    expect_grep "^$(re "$device,$property")=\$" "$tmp/c-props" "completing -device $device, does not offer $property="
fi

# ---- 5. the SDK: build the example plugin against the unpacked emu-dev ----------------------
example_src=$source_dir/sdk/examples/example-ticker
step "example plugin with CMake (CMAKE_PREFIX_PATH=$root/usr)"
cmake_args=(-S "$example_src" -B "$tmp/ex-cmake" -DCMAKE_PREFIX_PATH="$root/usr"
            -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
            -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Werror")
[[ -n $generator ]] && cmake_args+=(-G "$generator")
[[ -n $make_program ]] && cmake_args+=(-DCMAKE_MAKE_PROGRAM="$make_program")
[[ -n $cxx ]] && cmake_args+=(-DCMAKE_CXX_COMPILER="$cxx")
[[ -n $launcher ]] && cmake_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")
run "$tmp/ex-configure.log" "$cmake" "${cmake_args[@]}"
emu_dir=$(sed -n 's/^emu_DIR:PATH=//p' "$tmp/ex-cmake/CMakeCache.txt")
[[ $emu_dir -ef $root/$usr_lib/cmake/emu ]] || fail "find_package(emu) used '$emu_dir', not the unpacked emu-dev"
run "$tmp/ex-build.log" "$cmake" --build "$tmp/ex-cmake"
[[ -f $tmp/ex-cmake/example.so ]] || fail "CMake did not build example.so"
run "$tmp/ex-cmake-list.log" "$emu" --plugin-dir "$tmp/ex-cmake" --list-plugins
expect_grep "^example 1\\.0\\.0 .*$(re "$tmp/ex-cmake/example.so")\$" "$tmp/ex-cmake-list.log" \
    "the CMake-built example does not load into the unpacked emu"

step "example plugin with make (pkg-config, emu.pc relocated by \${pcfiledir})"
pc_dir=$root/$usr_lib/pkgconfig
mkdir -p "$tmp/ex-make"
cp "$example_src/Makefile" "$example_src/ticker.cpp" "$tmp/ex-make/"
make_cxx=${cxx:-c++}
[[ -n $launcher ]] && make_cxx="$launcher $make_cxx"
PKG_CONFIG_LIBDIR=$pc_dir run "$tmp/pc-cflags.log" pkg-config --cflags --libs emu
pc_include=$(grep -o -- '-I[^ ]*' "$tmp/pc-cflags.log" | head -n 1) pc_lib=$(grep -o -- '-L[^ ]*' "$tmp/pc-cflags.log" | head -n 1)
[[ ${pc_include#-I} -ef $root/usr/include ]] ||
    { show "pkg-config --cflags --libs emu" "$tmp/pc-cflags.log"; fail "emu.pc's include directory is not the unpacked usr/include"; }
[[ ${pc_lib#-L} -ef $root/$usr_lib ]] ||
    { show "pkg-config --cflags --libs emu" "$tmp/pc-cflags.log"; fail "emu.pc's library directory is not the unpacked $usr_lib"; }
pluginsdir=$(PKG_CONFIG_LIBDIR=$pc_dir pkg-config --variable=pluginsdir emu)
[[ $pluginsdir -ef $system_dir ]] || fail "emu.pc pluginsdir is '$pluginsdir', expected $system_dir"
PKG_CONFIG_LIBDIR=$pc_dir run "$tmp/ex-make.log" \
    make -C "$tmp/ex-make" CXX="$make_cxx" CXXFLAGS="-O2 -Wall -Wextra -Wpedantic -Werror"
[[ -f $tmp/ex-make/example.so ]] || fail "make did not build example.so"
# Installed into the user's directory, the plugin is found without flags.
mkdir -p "$XDG_DATA_HOME/emu/plugins"
cp "$tmp/ex-make/example.so" "$XDG_DATA_HOME/emu/plugins/"
run "$tmp/ex-make-help.log" "$emu" -device example-ticker,help
expect_grep '^ +interval=<uint32> ' "$tmp/ex-make-help.log" \
    "the make-built example in \$XDG_DATA_HOME/emu/plugins is not found without flags"
rm -r "$XDG_DATA_HOME"

# ---- 6. lintian ----------------------------------------------------------------------------
step "lintian"
lintian_status=0
lintian --fail-on error --tag-display-limit 0 "$runtime_deb" "$dev_deb" >"$tmp/lintian.log" 2>&1 ||
    lintian_status=$?
sed 's/^/    /' "$tmp/lintian.log"
if grep -q '^E: ' "$tmp/lintian.log" || ((lintian_status != 0)); then
    fail "lintian reports errors (status $lintian_status)"
fi

# ---- 7. the relocatable tarball ------------------------------------------------------------
step "cpack -G TGZ, unpacked and moved"
run "$tmp/cpack-tgz.log" "$cpack" -G TGZ --config "$build_dir/CPackConfig.cmake" -B "$tmp/tgz"
tarball=$(compgen -G "$tmp/tgz/emu-*.tar.gz" || true)
[[ -f $tarball ]] || { show "cpack output" "$tmp/cpack-tgz.log"; fail "cpack -G TGZ built no emu-*.tar.gz"; }
mkdir -p "$tmp/tar"
tar -xzf "$tarball" -C "$tmp/tar"
top=$(compgen -G "$tmp/tar/emu-*" || true)
[[ -d $top ]] || fail "the tarball has no top-level emu-* directory"
mv "$top" "$tmp/moved"
run "$tmp/tgz-list.log" "$tmp/moved/bin/emu" --list-plugins
expect_grep "^core [0-9.]+  $(re "$tmp/moved/$libdir")/libemu\\.so\\.0\$" "$tmp/tgz-list.log" \
    "the moved tarball's emu does not use its own libemu"
expect_grep " $(re "$tmp/moved/$libdir/emu/plugins/$first_plugin")\$" "$tmp/tgz-list.log" \
    "the moved tarball's emu does not find its plugins"
[[ -f $tmp/moved/include/emu/plugin.h && -f $tmp/moved/$libdir/pkgconfig/emu.pc ]] ||
    fail "the tarball lacks the SDK"

echo "PASS: Debian packages and tarball build, install, run and pass lintian (${SECONDS}s)"
