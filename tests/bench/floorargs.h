// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The Qt floors' command line: `FLOOR SOCKET`, or qemu-ga's `-m unix-listen -p SOCKET [-t DIR]`
// as the benchmarks pass it to every server (only -p is read).
#pragma once

#include <cstring>

inline const char *floorSocketPath(int argc, char **argv)
{
    const char *path = argc == 2 ? argv[1] : nullptr;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "-p") == 0)
            path = argv[i + 1];
    }
    return path;
}
