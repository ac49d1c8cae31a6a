#!/usr/bin/env bash

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# The tray's translations are complete: lupdate over today's sources finds no text that a .ts
# file lacks, and no message is unfinished, empty or left over from a removed text.
# Usage: test-translations.sh LUPDATE SOURCE_DIR
set -euo pipefail
lupdate=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
for ts in "$src"/tray/translations/*.ts; do
    copy="$work/$(basename "$ts")"
    cp "$ts" "$copy"
    "$lupdate" -silent -no-obsolete -locations none "$src"/tray/*.cpp "$src"/tray/*.h -ts "$copy"
    if ! cmp -s "$ts" "$copy"; then
        echo "FAIL: $(basename "$ts") is not up to date with the sources (run: cmake --build build --target update_translations):"
        diff "$ts" "$copy" | head -n 20
        failed=1
    fi
    python3 - "$copy" <<'PY' || failed=1
import sys, xml.etree.ElementTree as ET
path = sys.argv[1]
bad = []
for m in ET.parse(path).getroot().iter('message'):
    t = m.find('translation')
    texts = [f.text for f in t.findall('numerusform')] if m.get('numerus') == 'yes' else [t.text]
    if t.get('type') in ('unfinished', 'vanished', 'obsolete') or not all(x and x.strip() for x in texts):
        bad.append(m.find('source').text)
for s in bad:
    print(f"FAIL: {path.rsplit('/', 1)[-1]}: not translated: {s!r}")
n = sum(1 for _ in ET.parse(path).getroot().iter('message'))
print(f"{path.rsplit('/', 1)[-1]}: {n - len(bad)} of {n} messages translated")
sys.exit(1 if bad else 0)
PY
done
exit "$failed"
