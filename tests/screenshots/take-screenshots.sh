#!/usr/bin/env bash

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# Takes the README's pictures of qtga-tray on a virtual X display: the status window with a host
# connected, and the tray icon in each of its four states. A one-off, not a CI step.
# Needs: Xvfb (xvfb), trayer (a small system tray host), ImageMagick (import, convert, montage),
# xdotool, python3, and a build in ./build (or BUILD=dir). Writes docs/status-window.png and
# docs/tray-icon.png.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
for tool in Xvfb trayer import convert montage xdotool python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool; skipping screenshots"; exit 0; }
done
[ -x "$build/tray/qtga-tray" ] || { echo "no $build/tray/qtga-tray; build first"; exit 1; }

work=$(mktemp -d)
pids=()
agent_pid=""
cleanup() {
    for p in "${pids[@]}" ${agent_pid:+"$agent_pid"}; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

export DISPLAY=:93
Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp &
pids+=($!)
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
trayer --edge bottom --align right --widthtype request --height 44 --SetDockType false \
    --transparent true --alpha 0 --tint 0x2b303b --padding 8 &
pids+=($!)
sleep 1

mkdir -p "$work/state"
status="$work/status.sock"
start_agent() {
    "$build/agent/qtga-agent" -m unix-listen -p "$work/qga.sock" -t "$work/state" \
        --channel "unix-listen:$work/admin.sock" --status-socket "$status" --status-socket-group "$(id -g)" &
    agent_pid=$!
    for _ in $(seq 50); do [ -S "$status" ] && break; sleep 0.1; done
}
stop_agent() { kill "$agent_pid"; wait "$agent_pid" || true; agent_pid=""; }
qga() {  # sends requests over a fresh connection and waits for the answers
    python3 - "$work/qga.sock" "$@" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
for r in sys.argv[2:]:
    s.sendall(r.encode()); s.recv(65536); time.sleep(0.05)
PY
}

# Notification balloons would cover the panel in the pictures.
mkdir -p "$work/config/qtga"
printf '[notifications]\nenabled=false\n' > "$work/config/qtga/qtga-tray.conf"
XDG_CONFIG_HOME="$work/config" "$build/tray/qtga-tray" --status-socket "$status" --show-window &
pids+=($!)
start_agent
qga '{"execute":"guest-sync","arguments":{"id":1}}' '{"execute":"guest-info"}' '{"execute":"guest-get-osinfo"}' \
    '{"execute":"guest-get-host-name"}' '{"execute":"guest-file-open","arguments":{"path":"/nonexistent"}}' \
    '{"execute":"guest-get-fsinfo"}' '{"execute":"guest-network-get-interfaces"}' '{"execute":"guest-get-time"}' \
    '{"execute":"guest-get-vcpus"}' '{"execute":"guest-ping"}'
# A host that stays connected.
python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); time.sleep(600)' "$work/qga.sock" &
host=$!
pids+=($host)
sleep 1.5

window=$(xdotool search --onlyvisible --name '^QEMU Guest Agent Status$' | head -1)
import -window "$window" "$work/window.png"
convert "$work/window.png" -bordercolor '#b9bec5' -border 1 docs/status-window.png

panel=$(xdotool search --onlyvisible --name '^panel$' | head -1)
tray_shot() {  # the panel with the icon, enlarged twice, and a caption
    sleep 1.2
    import -window "$panel" "$work/panel.png"
    convert "$work/panel.png" -scale 200% -gravity center -background '#2b303b' -extent 130x88 \
        \( -size 190x30 -background '#ffffff' -fill '#222222' -font DejaVu-Sans -pointsize 14 \
           -gravity center label:"$1" \) \
        -background '#ffffff' -gravity center -append "$work/tray-$2.png"
}
tray_shot "Host connected" 1
kill "$host"
tray_shot "No host" 2
stop_agent
: > "$work/state/qga.state.isfrozen"   # starts frozen without freezing anything
start_agent
tray_shot "Filesystems frozen" 3
qga '{"execute":"guest-fsfreeze-thaw"}'
stop_agent
tray_shot "Agent not running" 4
montage "$work"/tray-{1,2,3,4}.png -tile 4x1 -geometry +10+10 -background '#ffffff' docs/tray-icon.png
echo "wrote docs/status-window.png docs/tray-icon.png"
