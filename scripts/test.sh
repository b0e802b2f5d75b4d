#!/usr/bin/env bash
# Sets up (packages, build), then runs the tests. Arguments go to ctest, e.g.
#   scripts/test.sh -L core        scripts/test.sh -R Blob
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build_dir=${BUILD_DIR:-build}
cd "$build_dir"
exec ctest --output-on-failure -j "${JOBS:-$(nproc)}" "$@"
