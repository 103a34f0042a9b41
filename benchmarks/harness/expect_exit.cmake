# Runs COMMAND (a ;-list) and fails unless it exits with EXIT and its stderr matches STDERR:
# ctest alone can check an exit status or a message, not both. PRE (a ;-list), when given,
# runs first and must succeed (it builds what the case needs, e.g. an empty virtualenv).
if(DEFINED PRE)
  execute_process(COMMAND ${PRE} RESULT_VARIABLE pre_status ERROR_VARIABLE pre_err)
  if(NOT pre_status EQUAL 0)
    message(FATAL_ERROR "set-up failed (${pre_status}): ${pre_err}")
  endif()
endif()
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT status EQUAL EXIT)
  message(FATAL_ERROR "expected exit ${EXIT}, got ${status}; stderr: ${err}")
endif()
if(NOT err MATCHES "${STDERR}")
  message(FATAL_ERROR "stderr does not match '${STDERR}': ${err}")
endif()
