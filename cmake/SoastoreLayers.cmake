# One static library per layer of src/ (docs/architecture.md, "Layers and targets").
#
# soastore_add_layer(LAYER [TARGET name] [DEPENDS lower layers...] [PUBLIC_HEADERS headers...])
#
# A layer's sources stay in src/LAYER. What a target can include is decided by include roots
# staged in the build tree, ${PROJECT_BINARY_DIR}/layers/LAYER/:
#   include/soastore/HEADER -> include/soastore/HEADER, one symlink per public header of the layer
#   private/LAYER           -> src/LAYER (the layer's private headers)
# The layer's target (soastore_LAYER unless TARGET says otherwise) compiles with its own two
# roots and with those of the layers it DEPENDS on (and theirs, transitively); nothing else. So
# "stores/file_names.hpp" or "soastore/numpy_store.hpp" is simply not found when src/core
# includes it, and <mpi.h> is not found in a layer that does not link MPI.
#
# Who links the layer target gets its public headers (and the lower layers'), never its
# private ones: tools, the Python module and installed users see include/soastore only.
# soastore_LAYER_internal adds the private roots (this layer's and the lower layers'): what
# upper layers compile with and what a test of the layer links (SoastoreTesting.cmake).
#
# Public headers: every header of include/soastore must be given to exactly one layer;
# soastore_check_layer_headers() (called after the last layer) fails the configure otherwise.
include_guard(GLOBAL)

# Makes `link` a symbolic link to `original` (replacing whatever was there).
function(soastore_stage_link original link)
  get_filename_component(directory ${link} DIRECTORY)
  file(MAKE_DIRECTORY ${directory})
  file(CREATE_LINK ${original} ${link} SYMBOLIC)
endfunction()

function(soastore_add_layer layer)
  cmake_parse_arguments(ARG "" "TARGET" "DEPENDS;PUBLIC_HEADERS" ${ARGN})
  set(target soastore_${layer})
  if(ARG_TARGET)
    set(target ${ARG_TARGET})
  endif()
  set(root ${PROJECT_BINARY_DIR}/layers/${layer})
  # Restaged on every configure, so a header given to another layer leaves no stale link behind
  # (REMOVE_RECURSE removes the links, not what they point at).
  file(REMOVE_RECURSE ${root})
  foreach(header IN LISTS ARG_PUBLIC_HEADERS)
    if(NOT EXISTS ${PROJECT_SOURCE_DIR}/include/soastore/${header})
      message(FATAL_ERROR "layer ${layer}: public header include/soastore/${header} does not exist")
    endif()
    soastore_stage_link(${PROJECT_SOURCE_DIR}/include/soastore/${header} ${root}/include/soastore/${header})
  endforeach()
  file(MAKE_DIRECTORY ${root}/include)
  soastore_stage_link(${PROJECT_SOURCE_DIR}/src/${layer} ${root}/private/${layer})

  # This layer's private root and those of every layer below it.
  set(private_roots ${root}/private)
  set(lower_targets)
  foreach(lower IN LISTS ARG_DEPENDS)
    get_property(lower_target GLOBAL PROPERTY SOASTORE_LAYER_TARGET_${lower})
    if(NOT lower_target)
      message(FATAL_ERROR "layer ${layer} depends on ${lower}, which is not (yet) a layer: add the lower layer first")
    endif()
    get_property(lower_roots GLOBAL PROPERTY SOASTORE_LAYER_PRIVATE_ROOTS_${lower})
    list(APPEND lower_targets ${lower_target})
    list(APPEND private_roots ${lower_roots})
  endforeach()
  list(REMOVE_DUPLICATES private_roots)

  add_library(${target} STATIC)
  if(NOT target STREQUAL "soastore")
    add_library(soastore::${layer} ALIAS ${target})
    set_target_properties(${target} PROPERTIES EXPORT_NAME ${layer})
  endif()
  soastore_set_warnings(${target})
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${root}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${private_roots})
  target_link_libraries(${target} PUBLIC ${lower_targets})

  add_library(soastore_${layer}_internal INTERFACE)
  target_include_directories(soastore_${layer}_internal INTERFACE ${private_roots})
  target_link_libraries(soastore_${layer}_internal INTERFACE ${target})

  set_property(GLOBAL APPEND PROPERTY SOASTORE_LAYERS ${layer})
  set_property(GLOBAL PROPERTY SOASTORE_LAYER_TARGET_${layer} ${target})
  set_property(GLOBAL PROPERTY SOASTORE_LAYER_PRIVATE_ROOTS_${layer} ${private_roots})
  set_property(GLOBAL PROPERTY SOASTORE_LAYER_HEADERS_${layer} ${ARG_PUBLIC_HEADERS})
endfunction()

# Fails unless every header under include/soastore belongs to exactly one layer.
function(soastore_check_layer_headers)
  file(GLOB_RECURSE headers RELATIVE ${PROJECT_SOURCE_DIR}/include/soastore CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/include/soastore/*.hpp)
  get_property(layers GLOBAL PROPERTY SOASTORE_LAYERS)
  set(assigned)
  foreach(layer IN LISTS layers)
    get_property(layer_headers GLOBAL PROPERTY SOASTORE_LAYER_HEADERS_${layer})
    foreach(header IN LISTS layer_headers)
      if(header IN_LIST assigned)
        message(FATAL_ERROR "public header soastore/${header} is given to two layers")
      endif()
      list(APPEND assigned ${header})
    endforeach()
  endforeach()
  foreach(header IN LISTS headers)
    if(NOT header IN_LIST assigned)
      message(FATAL_ERROR "public header include/soastore/${header} belongs to no layer: add it to a "
                          "soastore_add_layer(... PUBLIC_HEADERS) in src/CMakeLists.txt")
    endif()
  endforeach()
endfunction()

# A build step (part of `all`) that fails when a file of the library, the tools, the benchmarks
# or the bindings includes a path with "..": such an include is looked up next to the including
# file first, which would get around the staged include roots.
function(soastore_forbid_relative_includes)
  set(directories src include tools bench python/src)
  set(patterns)
  foreach(directory IN LISTS directories)
    list(APPEND patterns ${PROJECT_SOURCE_DIR}/${directory}/*.hpp ${PROJECT_SOURCE_DIR}/${directory}/*.cpp)
  endforeach()
  file(GLOB_RECURSE files CONFIGURE_DEPENDS ${patterns})
  set(stamp ${PROJECT_BINARY_DIR}/layers/relative_includes.stamp)
  add_custom_command(OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -DSTAMP=${stamp}
            -P ${PROJECT_SOURCE_DIR}/cmake/check_relative_includes.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/check_relative_includes.cmake
    COMMENT "Checking that no include goes around the layers with '..'" VERBATIM)
  add_custom_target(soastore_relative_includes ALL DEPENDS ${stamp})
endfunction()
