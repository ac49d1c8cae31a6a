#!/usr/bin/env bash

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# What the repository's fuzz corpora reach: builds the fuzz targets with clang's source-based
# coverage (build-coverage/, no libFuzzer: every corpus file runs once, nothing is generated, so
# the numbers are the same on every run), replays tests/fuzz/corpus/<target>/ and prints the
# line coverage per file. Fails when the framer's or the dispatcher's line coverage, summed
# over their files, is below the bar (90 %).
#   tests/fuzz/coverage.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-coverage
bar=90
targets=(fuzz_dispatch fuzz_config fuzz_status)
llvm_cov=${LLVM_COV:-llvm-cov}
llvm_profdata=${LLVM_PROFDATA:-llvm-profdata}

framer=(common/qgaframer.cpp common/jsonlexer.cpp common/jsonparser.cpp common/simplemessage.cpp)
dispatcher=()
for f in "$root"/agent/dispatch/*.cpp; do dispatcher+=("agent/dispatch/$(basename "$f")"); done
# Shown for information, without a bar.
others=(agent/keyfile.cpp agent/config.cpp common/statusprotocol.cpp)

CXX=clang++ CC=clang cmake -S "$root" -B "$build" -DQTGA_FUZZ_COVERAGE=ON -DQTGA_BUILD_TESTS=OFF \
    -DQTGA_BUILD_TRAY=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" --target "${targets[@]}" -j"$(nproc)" >/dev/null

profiles=$build/profiles
rm -rf "$profiles"
mkdir -p "$profiles"
objects=()
for target in "${targets[@]}"; do
    binary=$build/tests/fuzz/$target
    # What the targets print (getopt's complaints are theirs to discard) goes to a log.
    if ! LLVM_PROFILE_FILE="$profiles/$target.profraw" "$binary" "$root/tests/fuzz/corpus/$target" \
        >"$profiles/$target.log" 2>&1; then
        echo "$target failed on its own corpus:" >&2
        tail -20 "$profiles/$target.log" >&2
        exit 1
    fi
    tail -1 "$profiles/$target.log"
    [ ${#objects[@]} -eq 0 ] && objects+=("$binary") || objects+=(-object "$binary")
done
"$llvm_profdata" merge -sparse "$profiles"/*.profraw -o "$profiles/corpus.profdata"

report() {
    (cd "$root" && "$llvm_cov" report "${objects[@]}" -instr-profile="$profiles/corpus.profdata" \
        -show-region-summary=false -show-branch-summary=false -show-instantiation-summary=false "$@")
}

# Lines covered of the TOTAL row, as "covered total".
totals() {
    report "$@" | awk '$1 == "TOTAL" { print $5 - $6, $5 }'
}

echo
# llvm-cov draws its rules as wide as the columns left out; they are cut to the table's width.
report "${framer[@]}" "${dispatcher[@]}" "${others[@]}" | awk 'NR == 1 { width = length($0) } /^-+$/ { $0 = substr($0, 1, width) } 1'
echo
status=0
for group in framer dispatcher; do
    declare -n files=$group
    read -r covered total < <(totals "${files[@]}")
    if [ -z "${total:-}" ] || [ "$total" -eq 0 ]; then
        echo "FAIL: no $group lines in the coverage report" >&2
        exit 1
    fi
    percent=$(awk -v c="$covered" -v t="$total" 'BEGIN { printf "%.2f", 100 * c / t }')
    if [ $((covered * 100)) -lt $((total * bar)) ]; then
        echo "FAIL: $group line coverage $percent % ($covered of $total lines) is below $bar %" >&2
        status=1
    else
        echo "$group line coverage: $percent % ($covered of $total lines; the bar is $bar %)"
    fi
done
exit $status
