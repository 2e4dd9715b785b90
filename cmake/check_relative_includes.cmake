# cmake -DROOT=<source dir> -DSTAMP=<file> -P check_relative_includes.cmake
# Fails, naming each line, when a file of src, include, tools, bench or python/src includes a path
# with "..": the layers' include roots (SoastoreLayers.cmake) decide what a file can include, and
# an include relative to the including file would get around them. Touches STAMP when all is well.
set(files)
foreach(directory src include tools bench python/src)
  file(GLOB_RECURSE found ${ROOT}/${directory}/*.hpp ${ROOT}/${directory}/*.cpp)
  list(APPEND files ${found})
endforeach()
set(problems)
foreach(file IN LISTS files)
  file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"][^\">]*\\.\\.[/\\\\]")
  foreach(line IN LISTS lines)
    file(RELATIVE_PATH name ${ROOT} ${file})
    string(APPEND problems "  ${name}: ${line}\n")
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "includes with '..' get around the layers' include roots (docs/architecture.md):\n${problems}")
endif()
file(TOUCH ${STAMP})
