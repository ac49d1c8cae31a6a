# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# Sourced by test-desktop.sh at its end when it is given a directory for pictures: takes the
# README's pictures from the running desktop (ImageMagick's import, convert and montage):
#   tray-icon.png            the icon in the panel's tray in each of its five states
#   status-window.png        the window with a host connected (light theme)
#   status-window-dark.png   the same in a dark theme (Qt's GTK platform theme, Adwaita:dark)
#   status-window-2x.png     the same at QT_SCALE_FACTOR=2
#   status-window-no-access.png  the window of a user who may not read the status socket
# Waits here are for the picture only (a repaint); nothing is asserted.

for tool in import convert montage; do
    command -v "$tool" >/dev/null || { echo "screenshots need ImageMagick ($tool)"; exit 1; }
done

# since MARK PATTERN FILE: the pattern appeared in FILE after line MARK
since() { tail -n +"$(($1 + 1))" "$3" | grep -q "$2"; }
lines() { wc -l <"$1"; }
qga() {  # sends requests over a fresh connection and waits for each answer
    python3 - "$work/qga.sock" "$@" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
for r in sys.argv[2:]:
    s.sendall(r.encode()); s.recv(65536)
PY
}
geometry() {  # WxH+X+Y of a window on the screen
    xwininfo -id "$1" | awk '/Absolute upper-left X/ {x = $NF} /Absolute upper-left Y/ {y = $NF}
        /^ *Width:/ {w = $NF} /^ *Height:/ {h = $NF} END {printf "%dx%d+%d+%d", w, h, x, y}'
}
window_of() {  # the tray's status window: its big window, not the icon's
    local w
    for w in $(xdotool search --all --onlyvisible --pid "$1" --name 'QEMU'); do
        [ "$(geometry "$w" | cut -dx -f1)" -gt 200 ] && { echo "$w"; return 0; }
    done
    return 1
}
shoot_window() {  # shoot_window PID FILE: with the other trays' windows out of the way (no window manager)
    local w other hidden=()
    w=$(window_of "$1")
    for other in "$tray_pid" "$noaccess_pid" ${second_pid:+"$second_pid"}; do
        [ "$other" = "$1" ] && continue
        x=$(window_of "$other") && xdotool windowunmap "$x" && hidden+=("$x")
    done
    xdotool windowmove "$w" 0 40 windowraise "$w"
    sleep 0.7
    import -window root -crop "$(geometry "$w")" +repage "$work/shot.png"
    convert "$work/shot.png" -bordercolor '#9aa0a6' -border 1 "$2"
    for x in ${hidden[@]+"${hidden[@]}"}; do xdotool windowmap "$x"; done
}

# The icon's place in the panel: the tray's window embedded there (XEmbed).
icon_window=$(embedded | awk '/^xembed/ {print $2}')
icon_shot() {  # icon_shot CAPTION N [SHIFT]: SHIFT moves the crop left, to the icon beside ours
    local w=${icon_window}
    sleep 0.8
    eval "$(xdotool getwindowgeometry --shell "$w")"
    import -window root -crop "$((WIDTH + 16))x$((HEIGHT + 12))+$((X - 8 - ${3:-0} * WIDTH))+$((Y - 6))" +repage "$work/icon.png"
    convert "$work/icon.png" -scale 300% -gravity center -background '#3c3f41' -extent 150x100 \
        \( -size 190x30 -background '#ffffff' -fill '#222222' -font DejaVu-Sans -pointsize 14 \
           -gravity center label:"$1" \) -background '#ffffff' -gravity center -append "$work/tray-$2.png"
}

# A host that stays connected, after a few commands for the table.
mark=$(lines "$work/tray.log")
qga '{"execute":"guest-sync","arguments":{"id":1}}' '{"execute":"guest-info"}' '{"execute":"guest-get-osinfo"}' \
    '{"execute":"guest-get-host-name"}' '{"execute":"guest-file-open","arguments":{"path":"/nonexistent"}}' \
    '{"execute":"guest-get-fsinfo"}' '{"execute":"guest-network-get-interfaces"}' '{"execute":"guest-get-time"}' \
    '{"execute":"guest-get-vcpus"}' '{"execute":"guest-ping"}'
python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); time.sleep(600)' \
    "$work/qga.sock" &
host=$!
pids+=("$host")
wait_for 10 since "$mark" "state: Host connected" "$work/tray.log"
icon_shot "Host connected" 1
shoot_window "$tray_pid" "$shots/status-window.png"

# The same window, dark and at twice the scale: more instances of their own (own runtime dir).
second_tray() {  # second_tray NAME ENV...
    local name=$1
    shift
    mkdir -p "$work/$name"
    chmod 700 "$work/$name"
    env XDG_RUNTIME_DIR="$work/$name" DBUS_SESSION_BUS_ADDRESS=disabled: "$@" \
        "$build/tray/qtga-tray" --show-window --status-socket "$status_sock" >"$work/tray-$name.log" 2>&1 &
    pids+=($!)
    second_pid=$!
    wait_for 10 grep -q "state: Host connected" "$work/tray-$name.log"
    wait_for 10 window_of "$second_pid"
}
second_tray dark QT_QPA_PLATFORMTHEME=gtk3 GTK_THEME=Adwaita:dark
shoot_window "$second_pid" "$shots/status-window-dark.png"
kill "$second_pid"
second_tray scaled QT_SCALE_FACTOR=2
shoot_window "$second_pid" "$shots/status-window-2x.png"
kill "$second_pid"

shoot_window "$noaccess_pid" "$shots/status-window-no-access.png"

# The icon in its other states.
mark=$(lines "$work/tray.log")
kill "$host"
wait_for 10 since "$mark" "state: Guest agent running, no host connected" "$work/tray.log"
icon_shot "No host" 2
stop_agent
: >"$work/state/qga.state.isfrozen"   # starts frozen, without freezing anything
mark=$(lines "$work/tray.log")
start_agent
wait_for 10 since "$mark" "state: Filesystems frozen" "$work/tray.log"
icon_shot "Filesystems frozen" 3
qga '{"execute":"guest-fsfreeze-thaw"}'
mark=$(lines "$work/tray.log")
stop_agent
wait_for 10 since "$mark" "state: Guest agent not running" "$work/tray.log"
icon_shot "Agent not running" 4
# The no-access tray (another user's instance) sits right before ours in the panel.
icon_shot "No access" 5 1
montage "$work"/tray-{1,2,3,5,4}.png -tile 5x1 -geometry +10+10 -background '#ffffff' "$shots/tray-icon.png"
echo "pictures in $shots"
