#!/usr/bin/env bash
# Installs the Debian packages the project needs (only those missing), then configures and
# builds a Release build with ccache. Idempotent: a second run only rebuilds what changed.
#   BUILD_DIR   build folder (default: build)
#   JOBS        parallel compile jobs (default: number of cores)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config ccache git
  libpqxx-dev libssl-dev postgresql-15 libopencv-dev libavformat-dev libavcodec-dev libswscale-dev libavutil-dev libeigen3-dev libtorch-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev libhdf5-dev libyaml-cpp-dev zlib1g-dev libcurl4-openssl-dev
  ffmpeg  # the command line: tests make Matroska and WebM videos with it
  python3-psycopg2 python3-numpy
  # DataJoint's own Python client (../shared/tools/datajoint-python), for interoperability tests
  python3-pandas python3-networkx python3-pydot python3-pymysql python3-deepdiff
  python3-pyparsing python3-fsspec python3-tqdm python3-packaging)

# The tests' S3-protocol server runs on node (Debian's, unless one is installed already).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Refresh the package lists only when an install from the current lists fails.
    apt-get install -y -q --no-install-recommends "${missing[@]}" ||
      { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; }
  else
    echo "setup: missing Debian packages; run as root:" >&2
    echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

# s3rver, the tests' S3-protocol server, from the npm registry at the version the lock file pins.
if [[ ! -d tests/peers/node_modules/s3rver ]]; then
  npm ci --prefix tests/peers --no-audit --no-fund --loglevel=error
fi

build_dir=${BUILD_DIR:-build}
jobs=${JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Paths inside the checkout are hashed relative to it, so that every clone shares the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(pwd)}
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build_dir" -j "$jobs"
