#!/bin/sh
# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# Every file in the source tree carries its copyright and licence (REUSE), and the licence
# texts are the GPL version 2 the headers name.
set -eu
src=$1
command -v reuse >/dev/null || { echo "reuse is not installed (./.ci/deps installs it)"; exit 1; }
reuse --root "$src" lint
for f in "$src/LICENSE" "$src/LICENSES/GPL-2.0-or-later.txt"; do
    grep -q "GNU GENERAL PUBLIC LICENSE" "$f" && grep -q "Version 2, June 1991" "$f" \
        || { echo "$f is not the GPL version 2"; exit 1; }
done
# Every header names the same licence: nothing "or later" was mixed with "only".
if grep -rIl --exclude-dir=.git --exclude-dir='build*' "SPDX-License-Identifier:" "$src" \
        | xargs grep -h "SPDX-License-Identifier:" | grep -v "GPL-2.0-or-later" | grep -v '"SPDX' ; then
    echo "a file names another licence"; exit 1
fi
echo "licensing: compliant"
