// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-network-get-interfaces and guest-network-get-route.
#include "dispatch/commandregistry.h"
#include "engines/procparsers.h"

#include <QLoggingCategory>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcNetwork, "qtga.network")

namespace qtga {

namespace {

struct Interface
{
    QByteArray name;
    std::optional<QByteArray> hardwareAddress;
    JsonValue::Array addresses;
    std::optional<InterfaceStatistics> statistics;
    bool statisticsTried = false;
};

// SIOCGIFHWADDR: devices without a MAC (lo) report zeros. False only when no socket can be made.
bool readHardwareAddress(const char *name, std::optional<QByteArray> *address, QByteArray *error)
{
    const int sock = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        *error = "failed to create socket" + errnoSuffix(errno);
        return false;
    }
    ifreq request{};
    std::strncpy(request.ifr_name, name, IF_NAMESIZE - 1);
    if (::ioctl(sock, SIOCGIFHWADDR, &request) < 0) {
        if (errno == EADDRNOTAVAIL)
            qCDebug(lcNetwork, "failed to get MAC address of %s: %s", name, strerror(errno));
        else
            qCWarning(lcNetwork, "failed to get MAC address of %s: %s", name, strerror(errno));
    } else {
        const auto *mac = reinterpret_cast<const uchar *>(request.ifr_hwaddr.sa_data);
        char text[18];
        std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
                      mac[5]);
        *address = QByteArray(text);
    }
    ::close(sock);
    return true;
}

int prefixLength(const sockaddr *netmask)
{
    if (!netmask)
        return 0;
    if (netmask->sa_family == AF_INET) {
        return __builtin_popcount(reinterpret_cast<const sockaddr_in *>(netmask)->sin_addr.s_addr);
    }
    int bits = 0;
    for (uchar byte : reinterpret_cast<const sockaddr_in6 *>(netmask)->sin6_addr.s6_addr)
        bits += __builtin_popcount(byte);
    return bits;
}

CommandOutcome guestNetworkGetInterfaces(const JsonValue &, CommandContext &)
{
    ifaddrs *list = nullptr;
    if (::getifaddrs(&list) < 0)
        return CommandOutcome::fail("getifaddrs failed" + errnoSuffix(errno));
    QByteArray devText;
    const bool haveDev = readSystemFile("/proc/net/dev", &devText);
    std::vector<Interface> interfaces;  // in order of first appearance
    QByteArray error;
    for (ifaddrs *ifa = list; ifa && error.isEmpty(); ifa = ifa->ifa_next) {
        auto it = std::find_if(interfaces.begin(), interfaces.end(),
                               [ifa](const Interface &i) { return i.name == ifa->ifa_name; });
        if (it == interfaces.end()) {
            interfaces.push_back(Interface{ifa->ifa_name, {}, {}, {}, false});
            it = interfaces.end() - 1;
        }
        Interface &iface = *it;
        if (!iface.hardwareAddress && !readHardwareAddress(ifa->ifa_name, &iface.hardwareAddress, &error))
            break;
        const int family = ifa->ifa_addr ? ifa->ifa_addr->sa_family : AF_UNSPEC;
        if (family != AF_INET && family != AF_INET6)
            continue;
        char text[INET6_ADDRSTRLEN];
        const void *raw = family == AF_INET
            ? static_cast<const void *>(&reinterpret_cast<const sockaddr_in *>(ifa->ifa_addr)->sin_addr)
            : static_cast<const void *>(&reinterpret_cast<const sockaddr_in6 *>(ifa->ifa_addr)->sin6_addr);
        if (!inet_ntop(family, raw, text, sizeof text)) {
            error = "inet_ntop failed" + errnoSuffix(errno);
            break;
        }
        JsonValue address = JsonValue::object();
        address.insert("ip-address", QByteArray(text));
        address.insert("ip-address-type", family == AF_INET ? "ipv4" : "ipv6");
        address.insert("prefix", prefixLength(ifa->ifa_netmask));
        iface.addresses.push_back(std::move(address));
        // Statistics only for interfaces with an address, looked up once.
        if (!iface.statisticsTried && haveDev)
            iface.statistics = parseNetDev(devText, iface.name);
        iface.statisticsTried = true;
    }
    ::freeifaddrs(list);
    if (!error.isEmpty())
        return CommandOutcome::fail(error);

    JsonValue result = JsonValue::array();
    for (Interface &iface : interfaces) {
        JsonValue entry = JsonValue::object();
        entry.insert("name", iface.name);
        if (iface.hardwareAddress)
            entry.insert("hardware-address", *iface.hardwareAddress);
        if (!iface.addresses.empty())
            entry.insert("ip-addresses", JsonValue(std::move(iface.addresses)));
        if (iface.statistics)
            entry.insert("statistics", interfaceStatisticsJson(*iface.statistics));
        result.append(std::move(entry));
    }
    return CommandOutcome::ok(std::move(result));
}

CommandOutcome guestNetworkGetRoute(const JsonValue &, CommandContext &)
{
    JsonValue routes = JsonValue::array();
    QByteArray text;
    int err = 0;
    QByteArray error;
    if (readSystemFile("/proc/net/route", &text, &err)) {
        for (JsonValue &route : parseIpv4Routes(text))
            routes.append(std::move(route));
    } else {
        error = "open(\"/proc/net/route\")" + errnoSuffix(err);
    }
    // A kernel without IPv6 has no ipv6_route; qemu-ga then fails as for the IPv4 table.
    if (readSystemFile("/proc/net/ipv6_route", &text, &err)) {
        for (JsonValue &route : parseIpv6Routes(text))
            routes.append(std::move(route));
    } else if (error.isEmpty()) {
        error = "open(\"/proc/net/ipv6_route\")" + errnoSuffix(err);
    }
    if (!error.isEmpty())
        return CommandOutcome::fail(error);
    return CommandOutcome::ok(std::move(routes));
}

} // namespace

void registerNetworkCommands(CommandRegistry &registry)
{
    // /proc and socket ioctls only: nothing that can block on storage.
    registry.add({"guest-network-get-interfaces", {}, guestNetworkGetInterfaces});
    registry.add({"guest-network-get-route", {}, guestNetworkGetRoute});
}

} // namespace qtga
