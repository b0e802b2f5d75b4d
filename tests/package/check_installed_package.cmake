# Installs the built project into a private prefix, then configures, builds and runs
# examples/lab_analysis against that installed package, as a lab would.
set(prefix "${BINARY_DIR}/package-test/prefix")
set(example_build "${BINARY_DIR}/package-test/lab_analysis")
file(REMOVE_RECURSE "${prefix}" "${example_build}")

function(run_step)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "step failed: ${ARGV}\n${out}\n${err}")
  endif()
  message("${out}")
endfunction()

run_step(${CMAKE_COMMAND} --install "${BINARY_DIR}" --prefix "${prefix}")
run_step(${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples/lab_analysis" -B "${example_build}"
  -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
run_step(${CMAKE_COMMAND} --build "${example_build}" -j2)
set(ENV{DATABASE_URL} "postgresql://postgres@/postgres?host=$ENV{FMPIPE_TEST_DB_DIR}")
run_step("${example_build}/lab_analysis")
