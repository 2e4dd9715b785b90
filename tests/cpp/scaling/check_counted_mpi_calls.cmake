# Fails when src/ calls an MPI function that may communicate and tests/cpp/support/
# mpi_call_counter.cpp does not count: the scaling counts (docs/scaling.md) would silently miss
# it. Run as: cmake -DROOT=<source dir> -P check_counted_mpi_calls.cmake
cmake_minimum_required(VERSION 3.20)

# Calls that never communicate: queries of a communicator or of MPI's state, and those that
# complete or free what a counted call started.
set(local_calls
  Cart_coords Cart_get Cart_rank Cartdim_get Comm_free Comm_rank Comm_size Dims_create Error_string
  Finalize Finalized Init Init_thread Initialized Test Testall Topo_test Type_size Wait Waitall)

file(GLOB_RECURSE sources ${ROOT}/src/*.cpp ${ROOT}/src/*.hpp ${ROOT}/include/*.hpp)
set(called)
foreach(source IN LISTS sources)
  file(STRINGS ${source} lines REGEX "MPI_[A-Z][a-z_]+\\(")
  string(REGEX MATCHALL "MPI_[A-Z][a-z_]+\\(" calls "${lines}")
  list(APPEND called ${calls})
endforeach()
list(REMOVE_DUPLICATES called)

file(READ ${ROOT}/tests/cpp/support/mpi_call_counter.cpp counter)
set(uncounted)
foreach(call IN LISTS called)
  string(REGEX REPLACE "^MPI_(.*)\\($" "\\1" name "${call}")
  if(name IN_LIST local_calls)
    continue()
  endif()
  string(FIND "${counter}" "int MPI_${name}(" position)
  if(position EQUAL -1)
    list(APPEND uncounted MPI_${name})
  endif()
endforeach()
if(uncounted)
  message(FATAL_ERROR "src/ calls MPI functions that tests/cpp/support/mpi_call_counter.cpp does not count: "
                      "${uncounted} (wrap them there, or list them in ${CMAKE_CURRENT_LIST_FILE} if they never "
                      "communicate)")
endif()
list(LENGTH called count)
message(STATUS "every MPI function src/ calls (${count}) is counted or never communicates")
