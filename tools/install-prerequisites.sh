#!/usr/bin/env bash
# Installs what ScalePlanner needs beyond the .NET SDK on Debian/Ubuntu: Open MPI (mpirun, libmpi.so.40) for the
# collective microbenchmarks and distributed execution. Does nothing when it is already there.
set -euo pipefail
if command -v mpirun >/dev/null 2>&1 && /sbin/ldconfig -p | grep -q 'libmpi.so.40'; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: Open MPI is missing and this is not a Debian/Ubuntu system; install Open MPI 4.x (mpirun, libmpi.so.40) yourself" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing Open MPI (openmpi-bin) with apt-get" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends openmpi-bin >/dev/null
