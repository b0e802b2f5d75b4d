#!/usr/bin/env bash
# A populate script: register recordings from a manifest, create processing tasks, compute
# everything with two worker processes, and export one recording's results.
#   FACEMAP_ROOT_DATA_DIR=/lab/data DATABASE_URL=... examples/scripts/populate.sh manifest.csv
set -euo pipefail
manifest=${1:?usage: populate.sh manifest.csv}
fmpipe init
fmpipe ingest "$manifest"
# One processing task per recording of the manifest's first subject (adapt the regions):
fmpipe task processing --subject m1 --session "2024-05-06 07:08:09" --recording 0 \
  --mode trigger --sbin 4 --roi pupil:100:160:300:400:80 --roi motion:200:400:450:750 --movie-svd
fmpipe populate --workers 2
fmpipe status
fmpipe jobs list
fmpipe export --subject m1 --session "2024-05-06 07:08:09" --recording 0 -o exported
