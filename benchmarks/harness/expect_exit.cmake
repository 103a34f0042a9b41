# Runs COMMAND (a ;-list) and fails unless it exits with EXIT and its stderr matches STDERR:
# ctest alone can check an exit status or a message, not both.
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT status EQUAL EXIT)
  message(FATAL_ERROR "expected exit ${EXIT}, got ${status}; stderr: ${err}")
endif()
if(NOT err MATCHES "${STDERR}")
  message(FATAL_ERROR "stderr does not match '${STDERR}': ${err}")
endif()
