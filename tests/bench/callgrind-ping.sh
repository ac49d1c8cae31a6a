#!/bin/sh

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# Instructions a server spends per request (guest-ping unless told), counted by callgrind (repeatable, whatever else
# the machine does): runs the server twice under callgrind, once answering 1 request and once
# QTGA_RUNS + 1 (default 20,001), and divides the difference. Not a pass/fail test.
#   QTGA_SOCKET=/tmp/p.sock tests/bench/callgrind-ping.sh build/agent/qtga-agent -m unix-listen -p /tmp/p.sock -t STATEDIR
#   QTGA_SOCKET=/tmp/p.sock tests/bench/callgrind-ping.sh build/tests/bench/qtfloor /tmp/p.sock
# QTGA_SOCKET names the socket the server listens on (the SOCKET above); QTGA_REQUEST, when set,
# is the request counted instead of guest-ping (one JSON text whose answer is one line).
set -eu
socket=${QTGA_SOCKET:?set QTGA_SOCKET to the socket path the server listens on}
request=${QTGA_REQUEST:-'{"execute":"guest-ping"}'}
runs=${QTGA_RUNS:-20000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count() {
    tag=$1
    shift
    rm -f "$socket"
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.$tag" "$@" >/dev/null 2>&1 &
    pid=$!
    i=0
    while [ ! -S "$socket" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
    python3 - "$socket" "$n" "$request" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
request = sys.argv[3].encode() + b'\n'
for _ in range(int(sys.argv[2])):
    s.sendall(request)
    answer = b''
    while not answer.endswith(b'\n'):
        answer += s.recv(65536)
PY
    kill -TERM $pid
    wait $pid 2>/dev/null || true
    callgrind_annotate "$out/cg.$tag" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}'
}
n=1
one=$(count 1 "$@")
n=$((runs + 1))
many=$(count many "$@")
echo "instructions per request: $(( (many - one) / runs ))"
