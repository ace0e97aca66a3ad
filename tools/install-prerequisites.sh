#!/usr/bin/env bash
# Installs what ScalePlanner needs beyond the .NET SDK on Debian/Ubuntu: Open MPI (mpirun, libmpi.so.40) for the
# collective microbenchmarks and distributed execution. Does nothing when it is already there.
set -euo pipefail
if command -v mpirun >/dev/null 2>&1 && /sbin/ldconfig -p | grep -q 'libmpi.so.40'; then
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" "Open MPI 4.x (mpirun, libmpi.so.40)" openmpi-bin
