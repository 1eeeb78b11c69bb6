# Packages built from this tree with CPack (`cmake --build build --target package`, or
# `cd build && cpack -G DEB` / `cpack -G TGZ`):
#
#   emu_<version>-1_<arch>.deb       component "runtime": bin/emu, libemu.so.N, the in-tree plugins
#                                    in <libdir>/emu/plugins, emu(1), bash completion
#   emu-dev_<version>-1_<arch>.deb   component "dev": SDK headers, libemu.so, CMake package, emu.pc
#   emu-<version>-Linux-<cpu>.tar.gz both components in one relocatable tree (bin/emu finds
#                                    libemu through $ORIGIN, libemu finds its plugins next to it)
#
# The Debian packages install under /usr with the multiarch libdir the tree was configured with
# (the root CMakeLists.txt defaults CMAKE_INSTALL_LIBDIR to lib/<triplet> on Debian).
# Test programs have no install rules and emu_add_plugin never installs a plugin under tests/,
# so no package carries them (tests/packaging checks).
set(EMU_PACKAGE_MAINTAINER "emu developers <emu@example.org>" CACHE STRING
  "Maintainer field (and changelog signature) of the Debian packages")
set(EMU_DEB_RELEASE 1)
set(EMU_DEB_VERSION ${PROJECT_VERSION}-${EMU_DEB_RELEASE})

set(CPACK_PACKAGE_NAME emu)
set(CPACK_PACKAGE_VENDOR "the emu developers")
set(CPACK_PACKAGE_CONTACT "${EMU_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# CPackDeb prepends the summary to each component's description unless it is CPack's default;
# keep the default, so that each package's synopsis is the first line of its own description.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_FILE_NAME emu-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR})
set(CPACK_GENERATOR DEB TGZ)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_STRIP_FILES ON)  # plugins keep .dynsym, which is all the loader reads
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/")

# ---- Debian -----------------------------------------------------------------------------------
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${EMU_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_SOURCE emu)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME emu)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION otherosfs)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "seabios, ipxe-qemu, u-boot-qemu")
# libemu is a public library: a shlibs file for packages that link it (third-party plugins) and
# the ldconfig trigger. (CPack's GENERATE_SHLIBS would do both, but warns about every plugin,
# which rightly has no SONAME, and writes ldconfig maintainer scripts instead of a trigger.)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/deb/shlibs
  "libemu ${PROJECT_VERSION_MAJOR} emu (>= ${PROJECT_VERSION})\n")
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/deb/triggers "activate-noawait ldconfig\n")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
  ${CMAKE_CURRENT_BINARY_DIR}/deb/shlibs ${CMAKE_CURRENT_BINARY_DIR}/deb/triggers)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "plugin-based machine emulator
emu emulates whole machines in the spirit of QEMU's system emulation,
around a small core: every machine, device, CPU model, accelerator and
network or character back end is a plugin loaded at start-up. The
command line follows QEMU's conventions.

This package contains the emu program, its core library libemu and the
plugins built with it, in the system plugin directory emu/plugins next
to libemu. Firmware (SeaBIOS, iPXE option ROMs, U-Boot) comes from
Debian's packages.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME emu-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "emu (= ${EMU_DEB_VERSION}), libboost-dev (>= 1.74)")
set(CPACK_DEBIAN_DEV_DESCRIPTION "plugin SDK for the emu machine emulator
emu emulates whole machines around a small core; every machine, device
and back end is a plugin. This package contains what third parties need
to build plugins out of tree: the SDK headers, the libemu link library,
the CMake package (find_package(emu)) and the pkg-config file emu.pc.")

# Debian wants a copyright file and a compressed changelog in /usr/share/doc/<package>.
string(TIMESTAMP EMU_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)  # honours SOURCE_DATE_EPOCH
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/changelog.Debian.in
  ${CMAKE_CURRENT_BINARY_DIR}/changelog.Debian @ONLY)
add_custom_command(
  OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/changelog.Debian.gz
  COMMAND ${EMU_GZIP} -9nkf ${CMAKE_CURRENT_BINARY_DIR}/changelog.Debian
  DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/changelog.Debian
  VERBATIM)
add_custom_target(emu_changelog ALL DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/changelog.Debian.gz)
set(EMU_DEB_DOCS ${CMAKE_CURRENT_SOURCE_DIR}/copyright ${CMAKE_CURRENT_BINARY_DIR}/changelog.Debian.gz)
install(FILES ${EMU_DEB_DOCS} DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/emu COMPONENT runtime)
install(FILES ${EMU_DEB_DOCS} DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/emu-dev COMPONENT dev)

include(CPack)
