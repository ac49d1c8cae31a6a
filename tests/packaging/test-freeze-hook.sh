#!/bin/sh

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# test-freeze-hook.sh SOURCE_DIR WORK_DIR: our freeze hook against the one of Debian's
# qemu-guest-agent package (taken from the package unpacked under QTGA_REFERENCE_ROOT), run in
# turn from the same folder on the same fsfreeze-hook.d fixtures: scripts that succeed, fail,
# are not executable, are backup or package manager leftovers, have a blank in their name, or
# leave a background process holding their output. Their log files must be the same byte for
# byte (with `date` pinned) and so must their exit statuses. Both hooks write to a fixed log
# file; the test checks that it is the same one, then points the copies it runs at its own.
# Exit 77 (skip) without the reference package.
set -eu
src=$1
work=$2
ours=$src/installers/fsfreeze-hook
theirs=${QTGA_REFERENCE_ROOT:-}/etc/qemu/fsfreeze-hook
[ -n "${QTGA_REFERENCE_ROOT:-}" ] && [ -f "$theirs" ] || {
    echo "SKIP: no reference qemu-guest-agent package (QTGA_REFERENCE_ROOT)"; exit 77; }

. "$(dirname "$0")/checks.sh"

rm -rf "$work"
mkdir -p "$work/bin"
logfile_line='LOGFILE=/var/log/qga-fsfreeze-hook.log'
for hook in "$theirs" "$ours"; do
    if [ "$(grep -c "^$logfile_line\$" "$hook")" -eq 1 ]; then
        ok "$hook logs to /var/log/qga-fsfreeze-hook.log"
    else
        bad "$hook does not set $logfile_line exactly once"
    fi
done
# The date in every log line, pinned so that the two logs can be compared byte for byte.
printf '#!/bin/sh\necho "Sun Dec  6 12:00:00 UTC 2026"\n' >"$work/bin/date"
chmod 755 "$work/bin/date"

# fixtures DIR: a fresh fsfreeze-hook.d in DIR.
fixtures() {
    d=$1/fsfreeze-hook.d
    rm -rf "$1"
    mkdir -p "$d"
    printf '#!/bin/sh\necho "10-ok ran with $*"\n' >"$d/10-ok"
    printf '#!/bin/sh\necho "20-fails: cannot quiesce for $1" >&2\nexit 3\n' >"$d/20-fails"
    printf '#!/bin/sh\necho "30-not-executable ran"\n' >"$d/30-not-executable"
    # Holds its output (the hook's log, or the hook's own stdout if the hook let it) until the
    # test releases it through the FIFO; its pid tells the test which descriptor it holds.
    printf '#!/bin/sh\nsh -c '"'"'read line <"%s/release"'"'"' &\necho $! >"%s/bg.pid"\necho "40-background started"\n' \
        "$1" "$1" >"$d/40-background"
    printf '#!/bin/sh\necho "50 with blank ran"\n' >"$d/50 with blank"
    for leftover in '~' .bak .orig .rpmnew .rpmorig .rpmsave .sample .dpkg-old .dpkg-new .dpkg-tmp \
        .dpkg-dist .dpkg-bak .dpkg-backup .dpkg-remove; do
        printf '#!/bin/sh\necho "leftover %s ran"\n' "$leftover" >"$d/10-ok$leftover"
    done
    chmod 755 "$d"/*
    chmod 644 "$d/30-not-executable"
    mkfifo "$1/release"
}

# run HOOK NAME ARG...: runs a copy of HOOK in $work/NAME.run, prints its exit status; the log
# is $work/NAME.log. The background fixture is released once the hook has returned, after the
# test looked at what its process holds as standard output.
run() {
    hook=$1 name=$2
    shift 2
    dir=$work/run
    fixtures "$dir"
    sed "s|^$logfile_line\$|LOGFILE=$work/$name.log|" "$hook" >"$dir/fsfreeze-hook"
    chmod 755 "$dir/fsfreeze-hook"
    # The hook's own output goes to a file: a pipe here would make the test wait for the
    # background process if the hook let it keep the hook's stdout.
    set +e
    PATH=$work/bin:$PATH "$dir/fsfreeze-hook" "$@" >"$work/$name.stdout" 2>"$work/$name.stderr"
    echo $? >"$work/$name.status"
    set -e
    if [ -s "$dir/bg.pid" ]; then
        bg=$(cat "$dir/bg.pid")
        readlink "/proc/$bg/fd/1" >"$work/$name.bg-stdout" || true
        echo released >"$dir/release"
    fi
}

compare() {
    what=$1
    shift
    run "$theirs" "theirs-$what" "$@"
    run "$ours" "ours-$what" "$@"
    if cmp -s "$work/theirs-$what.log" "$work/ours-$what.log"; then
        ok "$what: the same log ($(wc -l <"$work/ours-$what.log") lines)"
    else
        bad "$what: the logs differ"
        diff -u "$work/theirs-$what.log" "$work/ours-$what.log" || true
    fi
    if [ "$(cat "$work/theirs-$what.status")" = "$(cat "$work/ours-$what.status")" ]; then
        ok "$what: the same exit status ($(cat "$work/ours-$what.status"))"
    else
        bad "$what: exit status $(cat "$work/theirs-$what.status") (qemu-guest-agent), $(cat "$work/ours-$what.status") (ours)"
    fi
    for side in theirs ours; do
        [ ! -s "$work/$side-$what.stdout" ] || bad "$what: the $side hook printed on stdout"
    done
    # The background process writes into the log file, never into the agent's pipe.
    if [ "$(cat "$work/ours-$what.bg-stdout" 2>/dev/null)" = "$work/ours-$what.log" ]; then
        ok "$what: the background process holds the log file, not the hook's stdout"
    else
        bad "$what: the background process holds $(cat "$work/ours-$what.bg-stdout" 2>/dev/null) as stdout"
    fi
}

# The agent passes one argument. (With more, or a % in a name, the reference's log lines come
# out garbled: it uses them as printf's format. Ours does not, and is not compared there.)
compare freeze freeze
compare thaw thaw

# What the logs say, so that the comparison is not of two empty files.
log=$work/ours-freeze.log
for line in "Sun Dec  6 12:00:00 UTC 2026: execute $work/run/fsfreeze-hook.d/10-ok freeze" \
    "10-ok ran with freeze" \
    "20-fails: cannot quiesce for freeze" \
    "Sun Dec  6 12:00:00 UTC 2026: $work/run/fsfreeze-hook.d/20-fails finished with status=3" \
    "40-background started" \
    "50 with blank ran"; do
    if grep -qxF "$line" "$log"; then ok "the log has: $line"; else bad "the log lacks: $line"; fi
done
if grep -q "leftover\|30-not-executable" "$log"; then bad "a leftover or a non-executable ran"; else ok "no leftover and no non-executable ran"; fi
[ "$(cat "$work/ours-freeze.status")" = 0 ] && ok "a failing script leaves the exit status 0" || bad "exit status $(cat "$work/ours-freeze.status")"

# Without fsfreeze-hook.d both do nothing and succeed.
for side in theirs ours; do
    eval hook=\$$side
    mkdir -p "$work/empty-$side"
    sed "s|^$logfile_line\$|LOGFILE=$work/empty-$side.log|" "$hook" >"$work/empty-$side/fsfreeze-hook"
    if sh "$work/empty-$side/fsfreeze-hook" freeze && [ ! -e "$work/empty-$side.log" ]; then
        ok "$side: no fsfreeze-hook.d: exit 0, no log"
    else
        bad "$side: no fsfreeze-hook.d"
    fi
done

[ $fail -eq 0 ] || { echo "FAILED"; exit 1; }
echo "the freeze hook behaves as qemu-guest-agent's"
