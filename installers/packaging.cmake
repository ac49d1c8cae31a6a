# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# The packages, built by CPack from the install rules (included by the top-level CMakeLists.txt,
# which sets QTGA_MAINTAINER and QTGA_HOMEPAGE):
#   cpack -G DEB: qtga (the agent and everything around it) and qtga-tray (the desktop part, so
#                 that servers do not pull in Qt Widgets), the Debian way: deb-systemd-helper
#                 maintainer scripts, copyright and changelog, lintian-clean.
#   cpack -G RPM: the same two packages with Fedora's conventions (installers/rpm/): the
#                 staged tree is rearranged by fedora-layout.cmake, systemd scriptlets as
#                 Fedora's macros expand, rpmlint-clean.
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
set(CPACK_DEBIAN_TRAY_PACKAGE_DEPENDS libqt6svg6)  # the SVG icon engine plugin, loaded at run time
set(CPACK_DEBIAN_TRAY_DESCRIPTION "status tray for the QEMU guest agent qtga
qtga-tray shows the person at the guest's desktop whether the guest agent is
running, whether a host is connected and whether the filesystems are frozen for
a snapshot, with desktop notifications. It reads qtga-agent's status socket.")
set(CPACK_DEBIAN_TRAY_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_BINARY_DIR}/debian-tray/conffiles)
# CPack names control files after their source, so the tray's conffiles list needs its own dir.
configure_file(installers/debian/conffiles-tray ${CMAKE_CURRENT_BINARY_DIR}/debian-tray/conffiles COPYONLY)

# RPM (Fedora, RHEL). Fedora's qemu-guest-agent carries epoch 2: qtga provides the version it
# reproduces and obsoletes the ones below it.
set(QTGA_RPM_PROVIDES_VERSION "2:${QTGA_QEMU_COMPAT_VERSION}-1")
set(CPACK_QTGA_SOURCE_DIR ${PROJECT_SOURCE_DIR})
set(CPACK_PRE_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/installers/rpm/fedora-layout.cmake)
set(CPACK_RPM_COMPONENT_INSTALL ON)
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_PACKAGE_RELOCATABLE OFF)
# The man pages are gzip-compressed already (Fedora's choice); Debian's brp-compress is not
# POSIX sh and would fail under dash. The packager tag from the one place it is set.
set(CPACK_RPM_SPEC_MORE_DEFINE "%define __brp_compress /bin/true
%define packager ${QTGA_MAINTAINER}")
set(CPACK_RPM_PACKAGE_RELEASE 1)
set(CPACK_RPM_PACKAGE_RELEASE_DIST ON)
set(CPACK_RPM_PACKAGE_LICENSE "GPL-2.0-or-later")
set(CPACK_RPM_PACKAGE_URL "${QTGA_HOMEPAGE}")
set(CPACK_RPM_PACKAGE_VENDOR "${QTGA_MAINTAINER}")
# Fedora no longer uses Group; rpm drops "Unspecified", and rpmlint wants one.
set(CPACK_RPM_PACKAGE_GROUP "System Environment/Daemons")
set(CPACK_RPM_CHANGELOG_FILE ${CMAKE_CURRENT_BINARY_DIR}/installers/rpm/changelog)
configure_file(installers/rpm/changelog.in ${CMAKE_CURRENT_BINARY_DIR}/installers/rpm/changelog @ONLY)
# Directories the system owns (filesystem, systemd, udev packages), not ours.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /usr/lib/systemd /usr/lib/systemd/system /usr/lib/udev /usr/lib/udev/rules.d /etc/sysconfig
    /usr/share/licenses /usr/share/applications /usr/share/icons /usr/share/icons/hicolor
    /usr/share/icons/hicolor/scalable /usr/share/icons/hicolor/scalable/apps /etc/xdg /etc/xdg/autostart
    /usr/share/man /usr/share/man/man1 /usr/share/man/man8)

set(CPACK_RPM_AGENT_PACKAGE_NAME qtga)
set(CPACK_RPM_AGENT_PACKAGE_SUMMARY "QEMU guest agent, a drop-in replacement for qemu-ga")
set(CPACK_RPM_AGENT_PACKAGE_DESCRIPTION "${CPACK_DEBIAN_AGENT_DESCRIPTION}")
set(CPACK_RPM_AGENT_PACKAGE_PROVIDES "qemu-guest-agent = ${QTGA_RPM_PROVIDES_VERSION}")
set(CPACK_RPM_AGENT_PACKAGE_OBSOLETES "qemu-guest-agent < ${QTGA_RPM_PROVIDES_VERSION}")
set(CPACK_RPM_AGENT_PACKAGE_REQUIRES_POST "systemd")
set(CPACK_RPM_AGENT_PACKAGE_REQUIRES_PREUN "systemd")
set(CPACK_RPM_AGENT_PACKAGE_REQUIRES_POSTUN "systemd")
set(CPACK_RPM_AGENT_POST_INSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/installers/rpm/post.sh)
set(CPACK_RPM_AGENT_PRE_UNINSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/installers/rpm/preun.sh)
set(CPACK_RPM_AGENT_POST_UNINSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/installers/rpm/postun.sh)
set(CPACK_RPM_AGENT_USER_FILELIST
    "%config(noreplace) /etc/sysconfig/qemu-ga"
    "%license /usr/share/licenses/qtga/LICENSE")

set(CPACK_RPM_TRAY_PACKAGE_NAME qtga-tray)
set(CPACK_RPM_TRAY_PACKAGE_SUMMARY "Status tray for the QEMU guest agent qtga")
set(CPACK_RPM_TRAY_PACKAGE_DESCRIPTION "${CPACK_DEBIAN_TRAY_DESCRIPTION}")
set(CPACK_RPM_TRAY_PACKAGE_REQUIRES "qt6-qtsvg")  # the SVG icon engine plugin, loaded at run time
set(CPACK_RPM_TRAY_USER_FILELIST
    "%config(noreplace) /etc/xdg/autostart/qtga-tray.desktop"
    "%license /usr/share/licenses/qtga-tray/LICENSE")

include(CPack)
