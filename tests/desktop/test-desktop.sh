#!/usr/bin/env bash

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# qtga-tray in a real desktop stack: Xvfb, a session bus of its own (dbus-run-session), the
# notification daemon dunst and the panel xfce4-panel with its system tray (StatusNotifier host
# and XEmbed tray). Checks, with the real agent:
#   - started at login with no tray there: no window; the stopped agent is announced to dunst
#     (seen on the bus with its "Show details" action, and displayed by dunst);
#   - "Show details" (dunstctl action) opens the status window;
#   - a second start hands over to the first instance and exits;
#   - once the panel runs, the icon is in its tray (a StatusNotifierItem of the tray's process,
#     or an XEmbed window inside the panel);
#   - a status socket this user may not read shows "no access".
# With an output directory as second argument it also takes the README's pictures there: the
# tray icon in each state, the status window light, dark, at QT_SCALE_FACTOR=2 and without access.
#
# Usage: test-desktop.sh BUILD_DIR [SCREENSHOT_DIR]
set -euo pipefail

build=$(cd "${1:?usage: test-desktop.sh BUILD_DIR [SCREENSHOT_DIR]}" && pwd)
shots=${2:-}
[ -z "$shots" ] || shots=$(mkdir -p "$shots" && cd "$shots" && pwd)
if [ -z "${QTGA_DESKTOP_BUS:-}" ]; then
    # A session bus of our own, gone with the test. Its output goes through a file: services
    # the bus starts (xfconfd) hold on to it for a while after the bus has gone, and a pipe to
    # ctest would stay open until they leave.
    out=$(mktemp)
    status=0
    QTGA_DESKTOP_BUS=1 NO_AT_BRIDGE=1 dbus-run-session -- "$0" "$build" ${shots:+"$shots"} >"$out" 2>&1 || status=$?
    grep -v -e '^dbus-daemon\[' -e 'Failed to set fd limit' "$out" || true
    rm -f "$out"
    exit "$status"
fi

work=$(mktemp -d /tmp/qtga-desktop.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
    local status=$?
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "$status" -ne 0 ]; then
        for log in "$work"/*.log; do echo "--- $log"; tail -n 40 "$log"; done
    fi
    rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
start=$EPOCHREALTIME
stamp() { awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%5.1f s", b - a }'; }
ok() { echo "ok   $(stamp)  $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $(stamp)  $*"; failed=$((failed + 1)); }
# wait_for LIMIT_SECONDS COMMAND...: runs COMMAND until it succeeds; the limit only bounds a hang.
wait_for() {
    local limit=$(($1 * 10))
    shift
    for ((n = 0; n < limit; n++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}
check() {  # check WHAT LIMIT COMMAND...
    local what=$1
    shift
    if wait_for "$@"; then ok "$what"; else fail "$what"; fi
}

# --- the display and the desktop's environment
exec 7>"$work/display"
Xvfb -displayfd 7 -screen 0 2800x1600x24 -nolisten tcp -ac >"$work/xvfb.log" 2>&1 &
pids+=($!)
wait_for 20 test -s "$work/display" || { echo "Xvfb did not start"; exit 1; }
export DISPLAY=":$(head -n1 "$work/display")"
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data"
export XDG_RUNTIME_DIR="$work/run"
mkdir -p "$XDG_CONFIG_HOME/dunst" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export QT_QPA_PLATFORM=xcb LANG=C.UTF-8 LC_ALL=C.UTF-8
unset QT_SCALE_FACTOR QT_QPA_PLATFORMTHEME
export QT_LOGGING_RULES="qtga.*=true"

# --- the notification daemon; notifications stay until acted on
cat >"$XDG_CONFIG_HOME/dunst/dunstrc" <<'EOF'
[global]
    font = DejaVu Sans 10
    geometry = "360x5-12+44"
    width = 360
    offset = 12x44
    show_indicators = no
[urgency_low]
    timeout = 0
[urgency_normal]
    timeout = 0
[urgency_critical]
    timeout = 0
EOF
dbus-monitor --session "type='method_call',interface='org.freedesktop.Notifications',member='Notify'" \
    >"$work/notify.log" 2>&1 &
pids+=($!)
dunst >"$work/dunst.log" 2>&1 &
pids+=($!)
# Asked without starting it: D-Bus activation would start a dunst without our display.
dunst_up() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications | grep -q "boolean true"
}
wait_for 10 dunst_up || { echo "dunst did not start"; exit 1; }

# --- the agent
status_sock="$work/status.sock"
agent_pid=""
start_agent() {
    : >"$work/agent.log"
    "$build/agent/qtga-agent" -m unix-listen -p "$work/qga.sock" -t "$work/state" -v \
        --status-socket "$status_sock" --status-socket-group "$(id -g)" 2>>"$work/agent.log" &
    agent_pid=$!
    pids+=("$agent_pid")
    wait_for 10 test -S "$status_sock"
}
stop_agent() { kill "$agent_pid"; wait "$agent_pid" || true; agent_pid=""; }
mkdir -p "$work/state"
start_agent

# --- 1. at login, no tray yet: no window, notifications straight to dunst
"$build/tray/qtga-tray" --autostart --status-socket "$status_sock" >"$work/tray.log" 2>&1 &
tray_pid=$!
pids+=("$tray_pid")
check "tray connected to the agent" 10 grep -q "status reader .*pid $tray_pid.* connected" "$work/agent.log"
grep -q "no system tray yet" "$work/tray.log" && ok "tray noticed there is no system tray" \
    || fail "tray noticed there is no system tray"
stop_agent
check "tray announced the stopped agent" 10 grep -q "sent: Guest agent stopped" "$work/tray.log"
grep -q '"Guest agent stopped"' "$work/notify.log" && grep -q '"Show details"' "$work/notify.log" \
    && ok "Notify on the bus with a \"Show details\" action" || fail "Notify on the bus with a \"Show details\" action"
[ "$(dunstctl count displayed)" -ge 1 ] && ok "dunst displays the notification" || fail "dunst displays the notification"
window_visible() { xdotool search --all --onlyvisible --pid "$tray_pid" --name '^QEMU Guest Agent Status$'; }
if window_visible >/dev/null 2>&1; then fail "no window at login without a tray"; else ok "no window at login without a tray"; fi

# --- 2. "Show details" opens the window
dunstctl action 0
check "\"Show details\" opened the status window" 10 window_visible

# --- 3. a second start hands over to the first
if timeout 20 "$build/tray/qtga-tray" --status-socket "$status_sock" >"$work/tray2.log" 2>&1; then
    ok "a second start exits"
else
    fail "a second start exits"
fi
check "the first instance was asked to show its window" 10 grep -q "started again" "$work/tray.log"

# --- 4. the panel arrives: the icon goes into its tray
xfce4-panel --disable-wm-check >"$work/panel.log" 2>&1 &
pids+=($!)
check "tray noticed the panel's tray" 20 grep -q "a system tray appeared" "$work/tray.log"
embedded() {
    # StatusNotifierItem registered by the tray's process...
    local items
    items=$(dbus-send --session --print-reply --dest=org.kde.StatusNotifierWatcher /StatusNotifierWatcher \
        org.freedesktop.DBus.Properties.Get string:org.kde.StatusNotifierWatcher \
        string:RegisteredStatusNotifierItems 2>/dev/null | grep -o '"[^"]*"' | tr -d '"' | cut -d/ -f1)
    for item in $items; do
        local pid
        pid=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.GetConnectionUnixProcessID "string:$item" 2>/dev/null | awk '/uint32/ {print $2}')
        [ "$pid" = "$tray_pid" ] && { echo "sni $item"; return 0; }
    done
    # ... or one of its windows embedded (XEmbed) in a window of the panel.
    local w
    for w in $(xdotool search --pid "$tray_pid" 2>/dev/null); do
        local parent
        parent=$(xwininfo -id "$w" -children 2>/dev/null | awk '/Parent window id/ {print $4}')
        if [ -n "$parent" ] && ! xwininfo -root | grep -q "Window id: $parent "; then
            xwininfo -id "$w" | grep -q "IsViewable" && { echo "xembed $w"; return 0; }
        fi
    done
    return 1
}
if wait_for 20 embedded; then ok "icon in the panel's tray ($(embedded))"; else fail "icon in the panel's tray"; fi

# --- 5. no access: the socket is there, this user may not connect
start_agent
check "tray back to the agent" 10 grep -q "state: Guest agent running, no host connected" "$work/tray.log"
noaccess_sock="$work/noaccess/status.sock"
mkdir -p "$work/noaccess" "$work/state2"
chmod 755 "$work/noaccess"
runas=()
if [ "$(id -u)" -eq 0 ]; then
    # root may connect anyway: the tray runs as nobody, the socket belongs to another group.
    "$build/agent/qtga-agent" -m unix-listen -p "$work/qga2.sock" -t "$work/state2" \
        --status-socket "$noaccess_sock" --status-socket-group 0 2>"$work/agent2.log" &
    pids+=($!)
    runas=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    mkdir -p "$work/nobody/run"
    chmod 700 "$work/nobody/run"
    chown -R 65534:65534 "$work/nobody"
else
    "$build/agent/qtga-agent" -m unix-listen -p "$work/qga2.sock" -t "$work/state2" \
        --status-socket "$noaccess_sock" --status-socket-group "$(id -g)" 2>"$work/agent2.log" &
    pids+=($!)
    mkdir -p "$work/nobody/run"
    chmod 700 "$work/nobody/run"
fi
wait_for 10 test -S "$noaccess_sock"
[ "$(id -u)" -eq 0 ] || chmod 000 "$noaccess_sock"
HOME="$work/nobody" XDG_RUNTIME_DIR="$work/nobody/run" XDG_CONFIG_HOME="$work/nobody" \
    DBUS_SESSION_BUS_ADDRESS=disabled: ${runas[@]+"${runas[@]}"} \
    "$build/tray/qtga-tray" --show-window --status-socket "$noaccess_sock" >"$work/tray-noaccess.log" 2>&1 &
noaccess_pid=$!
pids+=("$noaccess_pid")
check "no-access state shown" 10 grep -q "state: No access to the guest agent's status" "$work/tray-noaccess.log"

# --- pictures for the README
if [ -n "$shots" ]; then
    . "$(dirname "$0")/screenshots.sh"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
