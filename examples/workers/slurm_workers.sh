#!/usr/bin/env bash
# A Slurm array job: N workers on N nodes share one PostgreSQL server and its job queue.
#   sbatch --array=1-16 examples/workers/slurm_workers.sh
# Each task runs one fmpipe worker; keys are reserved atomically, so no two workers compute the
# same key, and a task that is killed (time limit, preemption, node failure) leaves its key to
# the others. A task whose worker had a failed key ends FAILED (exit status 1; `fmpipe jobs
# list` shows why). Point every task at the shared server with DATABASE_URL (or PGHOST/PGUSER and a
# ~/.pgpass file readable only by you); never put the password on the command line.
#SBATCH --job-name=facemap-workers
#SBATCH --cpus-per-task=8
#SBATCH --mem=16G
#SBATCH --time=12:00:00
#SBATCH --signal=TERM@120
set -euo pipefail
export DATABASE_URL=${DATABASE_URL:-postgresql://facemap@db.lab.example.org/facemap}
export FACEMAP_ROOT_DATA_DIR=${FACEMAP_ROOT_DATA_DIR:-/lab/data}
export FACEMAP_PROCESSED_DATA_DIR=${FACEMAP_PROCESSED_DATA_DIR:-/lab/processed}
# --signal=TERM@120 gives the worker two minutes to return its key to pending before the end.
exec fmpipe worker --time-limit 11h50m --stop-file "$HOME/facemap-workers.stop"
