# Smoke test of `soastore bench --quick`: runs it under mpiexec and checks that the table came out
# whole. No timing is checked: the machine is shared and a quick run measures little.
# Usage: cmake -DMPIEXEC=... -DRANKS=n -DSOASTORE=... -DDIR=... -P check_bench_output.cmake
execute_process(
  COMMAND ${MPIEXEC} -n ${RANKS} ${SOASTORE} bench --quick --dir ${DIR}
  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
message("${output}${errors}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "soastore bench exited with ${status}")
endif()
foreach(expected "workload +contender +op" "catalog 4 MB +raw write/read +set" "merger tree 3x4x10000 +memcpy"
                 "memory mode [^\n]+GenericIOStore +set" "memory mode [^\n]+NumpyStore +get")
  if(NOT output MATCHES "${expected}")
    message(FATAL_ERROR "the table has no line matching '${expected}'")
  endif()
endforeach()
# A store that threw or returned other data than it was given is a bug, not a slow result.
if(output MATCHES "failed: ")
  message(FATAL_ERROR "a contender failed (see the table)")
endif()
