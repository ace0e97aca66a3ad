#!/usr/bin/env bash
# Installs what ScalePlanner needs beyond the .NET SDK on Debian/Ubuntu: Open MPI (mpirun, libmpi.so.40) for the
# collective microbenchmarks and distributed execution, and as root the tools of the emulated nodes the multi-node tests
# bring up (tools/emulated-nodes.sh: ip and tc from iproute2, nft from nftables, unshare from util-linux). Does nothing
# when it is all there.
set -euo pipefail
here="$(dirname "$0")"
if ! { command -v mpirun >/dev/null 2>&1 && /sbin/ldconfig -p | grep -q 'libmpi.so.40'; }; then
  bash "$here/apt-install.sh" "Open MPI 4.x (mpirun, libmpi.so.40)" openmpi-bin
fi
# Without root the emulated nodes cannot be made and their tests report themselves skipped; nothing to install then.
if [ "$(id -u)" -eq 0 ]; then
  missing=()
  { command -v ip >/dev/null 2>&1 && command -v tc >/dev/null 2>&1; } || missing+=(iproute2)
  command -v nft >/dev/null 2>&1 || missing+=(nftables)
  command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
  if [ ${#missing[@]} -gt 0 ]; then bash "$here/apt-install.sh" "tools for the emulated nodes" "${missing[@]}"; fi
fi
exit 0
