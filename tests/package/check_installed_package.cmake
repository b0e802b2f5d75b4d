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

# The engines' installed headers: only the shared value types at the top of facemap/, every
# subsystem in its folder, and nothing of the synthetic face (a test tool, not API).
set(engine_headers "${prefix}/include/facemap_pipeline/facemap")
file(GLOB top_headers RELATIVE "${engine_headers}" "${engine_headers}/*.hpp")
list(SORT top_headers)
if(NOT top_headers STREQUAL "crop_box.hpp;results.hpp;version.hpp")
  message(FATAL_ERROR "unexpected headers at the top of ${engine_headers}: ${top_headers}")
endif()
foreach(subsystem video svd roi pose io figures)
  if(NOT IS_DIRECTORY "${engine_headers}/${subsystem}")
    message(FATAL_ERROR "${engine_headers}/${subsystem} is not installed")
  endif()
endforeach()
file(GLOB_RECURSE synthetic_headers "${prefix}/include/*synth*")
if(synthetic_headers)
  message(FATAL_ERROR "the synthetic face's headers are installed: ${synthetic_headers}")
endif()
run_step(${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples/lab_analysis" -B "${example_build}"
  -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
run_step(${CMAKE_COMMAND} --build "${example_build}" -j2)
set(ENV{DATABASE_URL} "postgresql://postgres@/postgres?host=$ENV{FMPIPE_TEST_DB_DIR}")
run_step("${example_build}/lab_analysis")
