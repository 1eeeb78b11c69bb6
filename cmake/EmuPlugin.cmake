# emu_add_plugin(NAME SOURCES...) builds one plugin shared object.
#
# In the emu source tree the plugin lands in build/plugins and is installed into the system
# plugin directory; out of tree (find_package(emu), which installs this file next to
# emuConfig.cmake) it lands in the caller's binary dir and is not installed: the caller may
# install(TARGETS NAME LIBRARY DESTINATION ${EMU_PLUGIN_INSTALL_DIR}) itself.
# Plugins link only the public SDK (emu::sdk), which needs C++20, and export nothing but their
# descriptor.
function(emu_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  set(sources ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  add_library(${name} MODULE ${sources})
  target_link_libraries(${name} PRIVATE emu::sdk ${ARG_LIBRARIES})
  target_compile_features(${name} PRIVATE cxx_std_20)
  if(TARGET emu_warnings)
    target_link_libraries(${name} PRIVATE emu_warnings)
  endif()
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${name}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED EMU_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${EMU_PLUGIN_OUTPUT_DIR})
  endif()
  # Test plugins (anything under tests/) are never installed, so no package carries them.
  set(tests_dir "${PROJECT_SOURCE_DIR}/tests")
  cmake_path(IS_PREFIX tests_dir "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE in_tests)
  if(DEFINED EMU_INSTALL_PLUGIN_DIR AND NOT ARG_NO_INSTALL AND NOT in_tests)
    install(TARGETS ${name} LIBRARY DESTINATION ${EMU_INSTALL_PLUGIN_DIR} COMPONENT runtime)
  endif()
endfunction()
