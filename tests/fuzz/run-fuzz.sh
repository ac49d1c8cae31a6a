#!/usr/bin/env bash

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# Builds the fuzz targets with clang (libFuzzer, ASan, UBSan) and runs each for a bounded time,
# starting from its corpus in the repository (tests/fuzz/corpus/<target>/). Fails on any crash,
# leak, sanitizer report or broken property.
#   tests/fuzz/run-fuzz.sh [seconds]           each target for that long (default 60) on a copy
#                                              of its corpus; the checkout is not written to
#   tests/fuzz/run-fuzz.sh --merge [seconds]   the same, then the inputs that reach code the
#                                              corpus does not are merged into it (libFuzzer's
#                                              -merge=1 on edge coverage: only those, smallest
#                                              first); commit them
# A failing input is kept in build-fuzz/artifacts/<target>/ and replays with
#   build-fuzz/tests/fuzz/<target> FILE
set -euo pipefail
merge=0
if [ "${1:-}" = "--merge" ]; then
    merge=1
    shift
fi
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-fuzz
targets=(fuzz_dispatch fuzz_config fuzz_status)
CXX=clang++ CC=clang cmake -S "$root" -B "$build" -DQTGA_FUZZ=ON -DQTGA_BUILD_TESTS=OFF -DQTGA_BUILD_TRAY=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target "${targets[@]}" -j"$(nproc)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1

# The longest input each target takes: a request may be large, a config file or a status line
# of a few KiB is already far beyond real ones.
max_len() {
    case $1 in
        fuzz_dispatch) echo 65536 ;;
        *) echo 16384 ;;
    esac
}

for target in "${targets[@]}"; do
    corpus=$root/tests/fuzz/corpus/$target
    binary=$build/tests/fuzz/$target
    artifacts=$build/artifacts/$target
    mkdir -p "$work/$target" "$artifacts"
    cp "$corpus"/* "$work/$target/"
    dict=()
    [ -f "$root/tests/fuzz/$target.dict" ] && dict=(-dict="$root/tests/fuzz/$target.dict")
    echo "== $target: ${seconds}s from $(ls "$corpus" | wc -l) corpus inputs"
    start=$SECONDS
    set +e
    (cd "$work" && "$binary" -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" "$work/$target" \
        >"$work/$target.log" 2>&1)
    status=$?
    set -e
    grep -E "^(#[0-9]+[[:space:]]+(DONE|INITED)|stat::(number_of_executed_units|new_units_added)|==|SUMMARY|.*ERROR)" \
        "$work/$target.log" || true
    if [ "$status" -ne 0 ]; then
        echo "$target failed (exit $status); see the output above" >&2
        tail -60 "$work/$target.log" >&2
        echo "the failing input is in $artifacts/" >&2
        exit 1
    fi
    echo "$target: no crash, leak, sanitizer report or broken property in $((SECONDS - start))s"
    if [ "$merge" -eq 1 ]; then
        before=$(ls "$corpus" | wc -l)
        # Edges only (no hit counts), so that the corpus keeps one input per piece of code reached.
        "$binary" -merge=1 -use_counters=0 -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 \
            "$corpus" "$work/$target" \
            >"$work/$target.merge.log" 2>&1 || { tail -30 "$work/$target.merge.log" >&2; exit 1; }
        echo "$target: corpus $before -> $(ls "$corpus" | wc -l) inputs ($corpus)"
    fi
done
