#!/bin/sh

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# fetch-qemu-ga.sh [CACHE_DIR]: prints the root of Debian's qemu-guest-agent package unpacked
# into a private cache (default ~/.cache/qtga/qemu-guest-agent), one folder per version. The
# compatibility tests and the benchmarks run the reference qemu-ga and its freeze hook from
# there (the CMake cache variable QTGA_REFERENCE_ROOT): the package is fetched with
# `apt-get download` and unpacked with `dpkg-deb -x`, never installed, so a machine where qtga
# replaced qemu-guest-agent keeps it. The candidate version is fetched once; without a package
# list (offline, no apt) the newest version already in the cache is used. Exit 1 when there is
# none; what went wrong is on stderr.
set -eu
cache=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/qtga/qemu-guest-agent}
package=qemu-guest-agent

candidate() { apt-cache policy "$package" 2>/dev/null | sed -n 's/^ *Candidate: //p'; }
candidate=$(candidate)
# A fresh container has no package lists; root may read them (.ci/deps does the same).
if { [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; } && [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >&2 || true
    candidate=$(candidate)
fi
if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
    newest=$(ls -1 "$cache" 2>/dev/null | grep -v '^\.' | sort -V | tail -n 1 || true)
    [ -n "$newest" ] && [ -x "$cache/$newest/root/usr/sbin/qemu-ga" ] || {
        echo "fetch-qemu-ga: apt knows no $package candidate and $cache is empty" >&2; exit 1; }
    echo "$cache/$newest/root"
    exit 0
fi

# An epoch's colon is kept out of the folder name, as apt does in its archive.
dir=$cache/$(echo "$candidate" | sed 's/:/%3a/g')
if [ -x "$dir/root/usr/sbin/qemu-ga" ]; then
    echo "$dir/root"
    exit 0
fi

mkdir -p "$cache"
work=$(mktemp -d "$cache/.fetch.XXXXXX")
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
# As root apt would hand the download to its unprivileged _apt user, who cannot write here.
(cd "$work" && apt-get download -q -o APT::Sandbox::User=root "$package=$candidate" >&2) || {
    echo "fetch-qemu-ga: apt-get download $package=$candidate failed" >&2; exit 1; }
dpkg-deb -x "$work"/"$package"_*.deb "$work/root"
mv "$work"/"$package"_*.deb "$work/$package.deb"
# Another build may have fetched the same version meanwhile: either copy is the same.
mv -T "$work" "$dir" 2>/dev/null || [ -x "$dir/root/usr/sbin/qemu-ga" ]
echo "$dir/root"
