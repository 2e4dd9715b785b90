# The options table of docs/options.md must be what `soastore options --markdown` prints now.
# Run with -DSOASTORE=<program> -DDOC=<docs/options.md>.
execute_process(COMMAND ${SOASTORE} options --markdown OUTPUT_VARIABLE generated RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "soastore options --markdown failed (${status})")
endif()
file(READ ${DOC} doc)
string(FIND "${doc}" "${generated}" position)
if(position EQUAL -1)
  message(FATAL_ERROR "the options table in ${DOC} is out of date; paste this there:\n${generated}")
endif()
