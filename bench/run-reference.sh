#!/usr/bin/env bash
# The PyTorch eager reference for the executor's speed (README, execute → Speed). Not part of the build, the tests or CI:
# it installs Debian's python3-torch (1.13.1, OpenBLAS) with apt-get when it is missing, then runs bench/pytorch_reference.py
# with the arguments given (e.g. --steps 20 --threads 2).
set -euo pipefail
cd "$(dirname "$0")"
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    sudo_if_needed=""
    [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y --no-install-recommends python3-torch
fi
exec /usr/bin/python3 pytorch_reference.py "$@"
