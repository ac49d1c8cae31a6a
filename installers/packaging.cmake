# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# The packages, built by CPack from the install rules (included by the top-level CMakeLists.txt,
# which sets QTGA_MAINTAINER and QTGA_HOMEPAGE):
#   cpack -G DEB: qtga (the agent and everything around it) and qtga-tray (the desktop part, so
#                 that servers do not pull in Qt Widgets), the Debian way: deb-systemd-helper
#                 maintainer scripts, copyright and changelog, lintian-clean.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME qtga)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${QTGA_MAINTAINER}")
set(CPACK_PACKAGE_VENDOR "The qtga authors")
set(CPACK_PACKAGE_HOMEPAGE_URL "${QTGA_HOMEPAGE}")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL agent)
if(QTGA_BUILD_TRAY)
    list(APPEND CPACK_COMPONENTS_ALL tray)
endif()

# The replaced package's version scheme has an epoch: what qtga provides sorts after every
# qemu-guest-agent it can stand in for, so `Depends: qemu-guest-agent (>= 1:7.2)` is met.
set(QTGA_PROVIDES_VERSION "1:${QTGA_QEMU_COMPAT_VERSION}")

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${QTGA_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${QTGA_HOMEPAGE}")
# CPack has no variable for Multi-Arch; the field rides on the line of Priority.
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional\nMulti-Arch: foreign")

set(CPACK_DEBIAN_AGENT_PACKAGE_NAME qtga)
set(CPACK_DEBIAN_AGENT_PACKAGE_SECTION admin)
# deb-systemd-helper and deb-systemd-invoke in the maintainer scripts.
set(CPACK_DEBIAN_AGENT_PACKAGE_DEPENDS "init-system-helpers (>= 1.54~)")
set(CPACK_DEBIAN_AGENT_PACKAGE_CONFLICTS qemu-guest-agent)
set(CPACK_DEBIAN_AGENT_PACKAGE_REPLACES qemu-guest-agent)
set(CPACK_DEBIAN_AGENT_PACKAGE_PROVIDES "qemu-guest-agent (= ${QTGA_PROVIDES_VERSION})")
set(CPACK_DEBIAN_AGENT_DESCRIPTION "QEMU guest agent (drop-in replacement for qemu-ga)
qtga-agent answers the host's guest agent requests over virtio-serial, ISA
serial, unix or vsock sockets with qemu-ga's protocol, command line and
configuration file, serving every client at once. It adds an audit log,
systemd readiness and watchdog, a self-test, freeze hook time limits and a
read-only status socket.")
set(CPACK_DEBIAN_AGENT_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/installers/debian/postinst
    ${PROJECT_SOURCE_DIR}/installers/debian/prerm
    ${PROJECT_SOURCE_DIR}/installers/debian/postrm
    ${PROJECT_SOURCE_DIR}/installers/debian/conffiles)

set(CPACK_DEBIAN_TRAY_PACKAGE_NAME qtga-tray)
set(CPACK_DEBIAN_TRAY_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_TRAY_PACKAGE_RECOMMENDS qtga)
set(CPACK_DEBIAN_TRAY_DESCRIPTION "status tray for the QEMU guest agent qtga
qtga-tray shows the person at the guest's desktop whether the guest agent is
running, whether a host is connected and whether the filesystems are frozen for
a snapshot, with desktop notifications. It reads qtga-agent's status socket.")
set(CPACK_DEBIAN_TRAY_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_BINARY_DIR}/debian-tray/conffiles)
# CPack names control files after their source, so the tray's conffiles list needs its own dir.
configure_file(installers/debian/conffiles-tray ${CMAKE_CURRENT_BINARY_DIR}/debian-tray/conffiles COPYONLY)

include(CPack)
