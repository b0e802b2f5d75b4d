#!/usr/bin/env bash
# The main job: set up (packages, build), then run the whole pipeline on a bundled sample (a
# synthetic face video with ground truth and the demo keypoint model) against the embedded
# PostgreSQL (or the server in DATABASE_URL / PGHOST / the config file), and print a summary.
#   DEMO_DIR   where the sample and results go (default: build/demo)
#   DEMO_FRAMES  frames of the sample video (default: 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build_dir=${BUILD_DIR:-build}
"$build_dir/fmpipe" db status
"$build_dir/fmpipe" init > /dev/null
exec "$build_dir/fmpipe" demo --data-dir "${DEMO_DIR:-$build_dir/demo}" --frames "${DEMO_FRAMES:-1000}" \
  --model-dir models
