#!/usr/bin/env bash
# The main job: set up, start the embedded PostgreSQL (unless a server is configured), and
# run the pipeline on the bundled sample.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
fmpipe=${BUILD_DIR:-build}/fmpipe
"$fmpipe" db url >/dev/null
"$fmpipe" db status
"$fmpipe" sql "SELECT version()"
