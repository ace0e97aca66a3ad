#!/usr/bin/env bash
# The PyTorch eager reference for the executor's speed (README, execute → Speed). Not part of the build, the tests or CI:
# it installs Debian's python3-torch (1.13.1) and OpenBLAS with apt-get when they are missing, then runs
# bench/pytorch_reference.py with the arguments given (e.g. --steps 20 --threads 2). Without libopenblas0-pthread, python3-torch
# links Debian's reference (netlib) BLAS, which runs a 1024×256×1024 fp32 matmul at 3 GFLOP/s here against OpenBLAS's 44.
set -euo pipefail
cd "$(dirname "$0")"
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    bash ../tools/apt-install.sh "the PyTorch reference" python3-torch libopenblas0-pthread
fi
exec /usr/bin/python3 pytorch_reference.py "$@"
