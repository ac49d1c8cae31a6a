#!/usr/bin/env bash
# Builds the fuzz target with clang (libFuzzer, ASan, UBSan) and runs it for a bounded time on
# a copy of the seed corpus. Fails on any crash, leak or sanitizer report.
#   tests/fuzz/run-fuzz.sh [seconds]   (default 60)
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-fuzz
CXX=clang++ CC=clang cmake -S "$root" -B "$build" -DQTGA_FUZZ=ON -DQTGA_BUILD_TESTS=OFF -DQTGA_BUILD_TRAY=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzz_dispatch -j"$(nproc)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root"/tests/fuzz/corpus/* "$work/"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
cd "$work"
"$build/tests/fuzz/fuzz_dispatch" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$work" 2>&1 | tee fuzz.log | grep -E "^(#[0-9]+ +(DONE|INITED)|stat::|==|SUMMARY|.*ERROR)" || true
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
    echo "fuzz_dispatch failed (exit $status); see the output above" >&2
    tail -50 fuzz.log >&2
    exit 1
fi
echo "fuzz_dispatch: no crash, leak or sanitizer report in ${seconds}s"
