// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// A stand-in for a slow directory service (sssd, LDAP behind NSS), preloaded into the agent by
// tst_statusserver: getgrnam_r() of the group "qtga-test-gated" does not return until the file
// named by $QTGA_GROUP_GATE exists, and then finds no such group. Every other lookup goes to
// the C library.
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <dlfcn.h>
#include <grp.h>
#include <unistd.h>

extern "C" int getgrnam_r(const char *name, struct group *entry, char *buffer, size_t size, struct group **result)
{
    if (name && std::strcmp(name, "qtga-test-gated") == 0) {
        const char *gate = std::getenv("QTGA_GROUP_GATE");
        while (gate && ::access(gate, F_OK) != 0)
            ::usleep(10000);
        *result = nullptr;
        return 0;
    }
    using Real = int (*)(const char *, struct group *, char *, size_t, struct group **);
    static const Real real = reinterpret_cast<Real>(::dlsym(RTLD_NEXT, "getgrnam_r"));
    if (!real)
        return ENOSYS;
    return real(name, entry, buffer, size, result);
}
