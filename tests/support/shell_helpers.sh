# Helpers for the shell-driven tests (tests/sdk, tests/packaging): source this file.
# step prints a progress line; fail, run, expect_grep and expect_no_grep stop the test with one
# FAIL line and the relevant output.
step() { echo "--- [${SECONDS}s] $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
# show LABEL FILE: a file's contents (indented) after a failure message.
show() {
    local label=$1 file=$2
    echo "    $label:" >&2
    if [[ -s $file ]]; then sed 's/^/    | /' "$file" >&2; else echo "    | (empty)" >&2; fi
}
# run LOG CMD...: run a command with its output in LOG; on failure show LOG and stop.
run() {
    local log=$1; shift
    if ! "$@" >"$log" 2>&1; then
        echo "FAIL: command failed: $*" >&2
        show output "$log"
        exit 1
    fi
}
# expect_grep PATTERN FILE WHAT: FILE has a line matching the extended regex PATTERN.
expect_grep() {
    grep -Eq -- "$1" "$2" || { echo "FAIL: $3 (no line matching /$1/)" >&2; show output "$2"; exit 1; }
}
# expect_no_grep PATTERN FILE WHAT: FILE has no such line.
expect_no_grep() {
    if grep -Eq -- "$1" "$2"; then echo "FAIL: $3" >&2; show output "$2"; exit 1; fi
}
