# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# CPack pre-build script: turns the staged install tree (Debian's layout, which the install rules
# produce) into Fedora's before `cpack -G RPM` packs it, and does nothing for other generators:
# the agent in /usr/bin with qemu-ga next to it, units and udev rule under /usr/lib, the unit
# and rule under qemu-guest-agent's names, /etc/sysconfig/qemu-ga, the hook in /etc/qemu-ga,
# the licence in /usr/share/licenses instead of Debian's copyright and changelog files.
# (file(COPY), not file(INSTALL): CPack runs this with DESTDIR set.)
if(NOT CPACK_GENERATOR STREQUAL "RPM")
    return()
endif()

set(rpm_dir ${CPACK_QTGA_SOURCE_DIR}/installers/rpm)
foreach(component agent tray)
    set(root ${CPACK_TEMPORARY_DIRECTORY}/${component})
    if(NOT IS_DIRECTORY ${root})
        continue()
    endif()
    set(package qtga)
    if(component STREQUAL tray)
        set(package qtga-tray)
    endif()
    file(REMOVE ${root}/usr/share/doc/${package}/copyright ${root}/usr/share/doc/${package}/changelog.gz)
    file(GLOB left ${root}/usr/share/doc/${package}/*)
    if(NOT left)
        file(REMOVE_RECURSE ${root}/usr/share/doc/${package})
    endif()
    file(COPY ${CPACK_QTGA_SOURCE_DIR}/LICENSE DESTINATION ${root}/usr/share/licenses/${package})
    if(NOT component STREQUAL agent)
        continue()
    endif()

    file(MAKE_DIRECTORY ${root}/usr/bin)
    file(RENAME ${root}/usr/sbin/qtga-agent ${root}/usr/bin/qtga-agent)
    file(REMOVE ${root}/usr/sbin/qemu-ga)
    file(REMOVE_RECURSE ${root}/usr/sbin)
    file(CREATE_LINK qtga-agent ${root}/usr/bin/qemu-ga SYMBOLIC)

    set(unit_dir ${root}/usr/lib/systemd/system)
    file(MAKE_DIRECTORY ${unit_dir})
    file(GLOB units ${root}/lib/systemd/system/* ${root}/usr/lib/systemd/system/qtga-*)
    foreach(unit ${units})
        get_filename_component(name ${unit} NAME)
        file(READ ${unit} text)
        string(REPLACE "/usr/sbin/qtga-agent" "/usr/bin/qtga-agent" text "${text}")
        file(REMOVE ${unit})
        # Fedora's qemu-guest-agent.service takes the place of qtga-agent.service and its alias.
        if(NOT name STREQUAL "qtga-agent.service")
            file(WRITE ${unit_dir}/${name} "${text}")
        endif()
    endforeach()
    file(COPY ${rpm_dir}/qemu-guest-agent.service DESTINATION ${unit_dir})

    file(REMOVE_RECURSE ${root}/lib/udev ${root}/usr/lib/udev/rules.d/60-qtga-agent.rules)
    file(COPY ${rpm_dir}/99-qemu-guest-agent.rules DESTINATION ${root}/usr/lib/udev/rules.d)
    file(REMOVE_RECURSE ${root}/lib)

    file(MAKE_DIRECTORY ${root}/etc/qemu-ga ${root}/etc/sysconfig)
    file(RENAME ${root}/etc/qemu/fsfreeze-hook ${root}/etc/qemu-ga/fsfreeze-hook)
    file(RENAME ${root}/etc/qemu/fsfreeze-hook.d ${root}/etc/qemu-ga/fsfreeze-hook.d)
    file(REMOVE_RECURSE ${root}/etc/qemu)
    configure_file(${rpm_dir}/qemu-ga.sysconfig ${root}/etc/sysconfig/qemu-ga COPYONLY)
    # Fedora's qemu-guest-agent ships no logrotate file (the agent logs to the journal unless told
    # otherwise), and rpmlint wants a package with one to own the log folder: none here either.
    file(REMOVE_RECURSE ${root}/etc/logrotate.d)
endforeach()
