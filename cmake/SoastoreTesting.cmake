# soastore_add_gtest(NAME LAYER layer SOURCES files... [RANKS 1 2 3 4] [TCP_RANKS 4] [LABELS ...])
#
# Builds a GoogleTest program with our MPI-aware main (tests/cpp/support/mpi_test_main.cpp).
# A test tests one LAYER (core, io, genericio, npz, mpi, stores): it links that layer and sees its
# private headers and those of the layers below it, as the layer's own sources do, and no others.
# Without RANKS it runs as a plain process (MPI as a singleton); with RANKS it runs once under
# mpiexec per rank count, as NAME.npN. TCP_RANKS runs it again per rank count as NAME.tcp.npN with
# the ranks talking over TCP instead of shared memory, as ranks on different nodes would (the same
# code paths in soastore, another transport below MPI). A failed assertion on any rank aborts the
# whole MPI job, so a failure never leaves the other ranks waiting in a collective; the timeout is
# a last resort.
find_package(GTest REQUIRED)

set(SOASTORE_TEST_ENVIRONMENT
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
  OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_io=romio321
  # Under LeakSanitizer: keep OpenMPI's plugins loaded and unwind fully, so that what OpenMPI
  # keeps until exit is attributed to its libraries and matched by tests/lsan.supp. use_tls=0:
  # LSan's tracer crashed reading other threads' TLS at exit ("Tracer caught signal 11", every
  # test_reliability run on 3 ranks); soastore keeps no heap pointers in thread-local storage.
  OMPI_MCA_mca_base_component_disable_dlclose=1
  SOASTORE_SHARED_DIR=${PROJECT_SOURCE_DIR}/../shared
  "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0:use_tls=0"
  "ASAN_OPTIONS=detect_odr_violation=0")
set(SOASTORE_TEST_TIMEOUT 300 CACHE STRING "Seconds before a test is killed")
# The extra rank counts of the quick store tests (RANKS 1 2 3 4 ${SOASTORE_MANY_RANKS}): what only
# shows with many ranks. Not in sanitizer builds, where 32 ranks each starting the sanitizer's
# runtime take 30-40 s per test program on two cores, and the 1-4 rank runs already check
# there what the sanitizers see.
if(SOASTORE_SANITIZE OR SOASTORE_TSAN)
  set(SOASTORE_MANY_RANKS)
else()
  set(SOASTORE_MANY_RANKS 16 32)
endif()

if(NOT TARGET soastore_test_support)
  add_library(soastore_test_support STATIC
    ${PROJECT_SOURCE_DIR}/tests/cpp/support/mpi_test_main.cpp
    ${PROJECT_SOURCE_DIR}/tests/cpp/support/test_paths.cpp)
  soastore_set_warnings(soastore_test_support)
  target_include_directories(soastore_test_support PUBLIC ${PROJECT_SOURCE_DIR}/tests/cpp)
  # Every test program runs under MPI (a singleton without RANKS), whatever layer it tests.
  target_link_libraries(soastore_test_support PUBLIC MPI::MPI_C GTest::gtest GTest::gmock)
  target_compile_definitions(soastore_test_support PUBLIC OMPI_SKIP_MPICXX MPICH_SKIP_MPICXX)
  target_compile_definitions(soastore_test_support PRIVATE SOASTORE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

  # The MPI call counter (tests/cpp/support/mpi_call_counter.hpp) for the programs that measure
  # soastore's communication. An object library: its MPI_* definitions must take the place of the
  # MPI library's in every program that links it, which an archive member only does when the
  # linker happens to need it.
  add_library(soastore_mpi_call_counter OBJECT ${PROJECT_SOURCE_DIR}/tests/cpp/support/mpi_call_counter.cpp)
  soastore_set_warnings(soastore_mpi_call_counter)
  target_include_directories(soastore_mpi_call_counter PUBLIC ${PROJECT_SOURCE_DIR}/tests/cpp)
  target_link_libraries(soastore_mpi_call_counter PUBLIC MPI::MPI_C)
  target_compile_definitions(soastore_mpi_call_counter PUBLIC OMPI_SKIP_MPICXX MPICH_SKIP_MPICXX)
endif()

# Over TCP: the same environment with OpenMPI's TCP transport (and the loopback transport, `self`,
# for a rank's messages to itself) in place of shared memory.
set(SOASTORE_TCP_TEST_ENVIRONMENT ${SOASTORE_TEST_ENVIRONMENT})
list(TRANSFORM SOASTORE_TCP_TEST_ENVIRONMENT REPLACE "^OMPI_MCA_btl=.*" "OMPI_MCA_btl=self,tcp")

# One run of `target` under mpiexec on `ranks` ranks, as the test `test`.
function(soastore_add_mpi_run test target ranks environment labels)
  add_test(NAME ${test}
           COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${ranks} ${MPIEXEC_PREFLAGS}
                   $<TARGET_FILE:${target}> ${MPIEXEC_POSTFLAGS})
  set_tests_properties(${test} PROPERTIES
    ENVIRONMENT "${environment}" TIMEOUT ${SOASTORE_TEST_TIMEOUT} LABELS "${labels}")
endfunction()

function(soastore_add_gtest name)
  cmake_parse_arguments(ARG "" "LAYER" "SOURCES;RANKS;TCP_RANKS;LABELS" ${ARGN})
  if(NOT TARGET soastore_${ARG_LAYER}_internal)
    message(FATAL_ERROR "soastore_add_gtest(${name}): LAYER must name a layer of src/ (got '${ARG_LAYER}')")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  soastore_set_warnings(${name})
  # Tests see the internal headers of their layer and the layers below: they test the layers,
  # not only the public API.
  target_link_libraries(${name} PRIVATE soastore_test_support soastore_${ARG_LAYER}_internal)
  foreach(ranks IN LISTS ARG_RANKS)
    soastore_add_mpi_run(${name}.np${ranks} ${name} ${ranks} "${SOASTORE_TEST_ENVIRONMENT}" "mpi;${ARG_LABELS}")
  endforeach()
  foreach(ranks IN LISTS ARG_TCP_RANKS)
    soastore_add_mpi_run(${name}.tcp.np${ranks} ${name} ${ranks} "${SOASTORE_TCP_TEST_ENVIRONMENT}"
                         "mpi;tcp;${ARG_LABELS}")
  endforeach()
  if(NOT ARG_RANKS AND NOT ARG_TCP_RANKS)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES
      ENVIRONMENT "${SOASTORE_TEST_ENVIRONMENT}" TIMEOUT ${SOASTORE_TEST_TIMEOUT} LABELS "serial;${ARG_LABELS}")
  endif()
endfunction()
