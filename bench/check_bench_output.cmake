# Smoke tests of `soastore bench`: run it and check that its table came out whole. No timing is
# checked: the machine is shared and a quick run measures little.
#  * default: `soastore bench --quick` under mpiexec on RANKS ranks;
#  * MODE=memory-limited: `soastore bench --quick --memory-limit 200M --ranks RANKS`, run without
#    mpiexec (it starts the job itself, in a cgroup v1 memory group). Without such groups (no
#    cgroup v1 memory controller, not root) the mode says "not run" and exits 0: the test passes,
#    and the test's SKIP_REGULAR_EXPRESSION can report it as skipped.
#  * MODE=budget: `soastore bench --quick --workloads budget --plot DIR/budget.png` under mpiexec:
#    the budget table for both stores, and the plot drawn (bench/plot_budget.py, matplotlib).
# Usage: cmake -DMPIEXEC=... -DRANKS=n -DSOASTORE=... -DDIR=... [-DMODE=memory-limited|budget] -P check_bench_output.cmake
if(MODE STREQUAL "memory-limited")
  # 336 MB of data on 2 ranks against a 200 MB limit; the ranks themselves hold about 130 MB.
  set(command ${SOASTORE} bench --quick --memory-limit 200M --ranks ${RANKS} --mpiexec ${MPIEXEC} --dir ${DIR})
  set(expected "memory group [^\n]+; running" "workload +contender +total +write +write cpu s +write peak"
               "merger tree [0-9x]+ +raw O_DIRECT +([0-9.]+ GB/s|not run: )" "merger tree [0-9x]+ +raw write/read +[0-9.]+ GB/s"
               "merger tree [0-9x]+ +GenericIOStore +[0-9.]+ GB/s" "merger tree [0-9x]+ +NumpyStore +[0-9.]+ GB/s"
               # The data is larger than the limit, so charges must have hit it: the group was in force.
               "memory group over the whole job: [^\n]+ failcnt [1-9][0-9]*, OOM kills 0; removed")
elseif(MODE STREQUAL "budget")
  file(REMOVE ${DIR}/budget.png)
  set(command ${MPIEXEC} -n ${RANKS} ${SOASTORE} bench --quick --workloads budget --dir ${DIR} --plot ${DIR}/budget.png)
  set(expected "memory budget: merger tree 3x4x10000" "GenericIOStore +memory +[0-9.]+ " "GenericIOStore +disk +[0-9.]+ "
               "NumpyStore +budget 25% +[0-9.]+ MB" "NumpyStore +budget 100% [^
]+no file: met")
else()
  set(command ${MPIEXEC} -n ${RANKS} ${SOASTORE} bench --quick --dir ${DIR})
  set(expected "workload +contender +op" "catalog 4 MB +raw write/read +set" "merger tree 3x4x10000 +memcpy"
               "memory mode [^\n]+GenericIOStore +set" "memory mode [^\n]+NumpyStore +get")
endif()
execute_process(COMMAND ${command} RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
message("${output}${errors}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "soastore bench exited with ${status}")
endif()
if(MODE STREQUAL "memory-limited" AND output MATCHES "memory-limited mode: not run: ")
  return()  # no memory groups here: nothing more to check
endif()
foreach(line IN LISTS expected)
  if(NOT output MATCHES "${line}")
    message(FATAL_ERROR "the output has no line matching '${line}'")
  endif()
endforeach()
# A store that threw or returned other data than it was given is a bug, not a slow result.
if(output MATCHES "failed: ")
  message(FATAL_ERROR "a contender failed (see the table)")
endif()
if(MODE STREQUAL "budget" AND NOT EXISTS ${DIR}/budget.png)
  message(FATAL_ERROR "--plot drew no ${DIR}/budget.png")
endif()
# The group and the scratch directory are gone (DIR is this test's own: no other run is in it).
if(MODE STREQUAL "memory-limited")
  if(output MATCHES "memory group (/[^;\n]+); running" AND EXISTS "${CMAKE_MATCH_1}")
    message(FATAL_ERROR "the memory group ${CMAKE_MATCH_1} was left behind")
  endif()
  file(GLOB left "${DIR}/run-*")
  if(left)
    message(FATAL_ERROR "scratch directories were left behind: ${left}")
  endif()
endif()
