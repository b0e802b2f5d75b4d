# Installs the built project into a private prefix and moves it elsewhere (the package is
# relocatable: RUNPATHs relative to $ORIGIN), checks the RUNPATHs, runs the moved fmpipe, then
# configures, builds and runs examples/lab_analysis against the moved package, as a lab would;
# all without LD_LIBRARY_PATH.
cmake_minimum_required(VERSION 3.25)  # IN_LIST and other policies of today in script mode
set(installed "${BINARY_DIR}/package-test/installed")
set(prefix "${BINARY_DIR}/package-test/moved/prefix")
set(example_build "${BINARY_DIR}/package-test/lab_analysis")
file(REMOVE_RECURSE "${installed}" "${BINARY_DIR}/package-test/moved" "${example_build}")
unset(ENV{LD_LIBRARY_PATH})

function(run_step)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "step failed: ${ARGV}\n${out}\n${err}")
  endif()
  message("${out}")
endfunction()

run_step(${CMAKE_COMMAND} --install "${BINARY_DIR}" --prefix "${installed}")
file(MAKE_DIRECTORY "${BINARY_DIR}/package-test/moved")
file(RENAME "${installed}" "${prefix}")

# fmpipe finds the libraries from its own folder, and each library the others beside it.
function(check_runpath file expected)
  execute_process(COMMAND readelf -d "${file}" RESULT_VARIABLE result OUTPUT_VARIABLE dynamic
    ERROR_VARIABLE err)
  string(REGEX MATCH "\\(RUNPATH\\)[^[]*\\[([^\n]*)\\]" found "${dynamic}")
  string(REPLACE ":" ";" runpath "${CMAKE_MATCH_1}")
  if(NOT result EQUAL 0 OR NOT expected IN_LIST runpath)
    message(FATAL_ERROR "${file}: RUNPATH '${CMAKE_MATCH_1}' lacks ${expected}\n${err}")
  endif()
endfunction()
check_runpath("${prefix}/bin/fmpipe" "$ORIGIN/../lib")
foreach(layer dj facemap pipeline)
  check_runpath("${prefix}/lib/libfmpipe_${layer}.so" "$ORIGIN")
endforeach()
run_step("${prefix}/bin/fmpipe" --help)
execute_process(COMMAND "${prefix}/bin/fmpipe" --version RESULT_VARIABLE result
  OUTPUT_VARIABLE version ERROR_VARIABLE err)
if(NOT result EQUAL 0 OR NOT version MATCHES "^fmpipe [0-9]+\\.[0-9]+\\.[0-9]+\n$")
  message(FATAL_ERROR "fmpipe --version from ${prefix}: exit ${result}: '${version}' ${err}")
endif()

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
