#!/usr/bin/env bash
# Runs every command of the README and docs/ as written: each ```bash block of each page, in page order, as one bash
# script from the repository root (so a block may set a variable or loop), each within a time limit. Exits non-zero at the
# first block that fails, naming its page and line; the commands' own output goes to the log. ```text, ```shell and ```json blocks are shown, not run: synopses,
# outputs, and the README's set-up commands, which CI runs itself (.ci/run).
#   bash tools/run-docs.sh [PAGE.md ...]      (default: README.md, then every page under docs/)
# Needs `scaleplan` on PATH (the README's set-up) and Open MPI (tools/install-prerequisites.sh); writes under reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${SCALEPLAN_DOCS_TIMEOUT:-1200}"   # seconds per block; the slowest (a quick two-rank calibration and three runs) takes a few minutes

if ! command -v scaleplan >/dev/null 2>&1; then
  echo "error: scaleplan is not on PATH: run the README's set-up (bash tools/install.sh && export PATH=\"\$HOME/.local/bin:\$PATH\")" >&2
  exit 1
fi
# The docs say "as root, add --allow-run-as-root" to a hand-typed mpirun; Open MPI reads the same permission from these.
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi

if [ "$#" -gt 0 ]; then pages=("$@"); else pages=(README.md docs/commands/*.md docs/*.md); fi
blocks="$(mktemp -d)"
trap 'rm -rf "$blocks"' EXIT
mkdir -p reports
count=0
for page in "${pages[@]}"; do
  rm -f "$blocks"/*
  # One file per ```bash block, named by its first line's number.
  awk -v dir="$blocks" '
    /^```bash[[:space:]]*$/ { inside = 1; file = sprintf("%s/%06d", dir, NR + 1); printf "" > file; next }
    inside && /^```[[:space:]]*$/ { inside = 0; close(file); next }
    inside { print > file }
  ' "$page"
  for block in "$blocks"/*; do
    [ -e "$block" ] || continue
    line=$((10#$(basename "$block")))
    echo "== $page:$line" >&2
    sed 's/^/   /' "$block" >&2
    start=$SECONDS
    if ! timeout "$limit" bash -euo pipefail "$block"; then
      echo "error: the commands at $page:$line failed (their output is above)" >&2
      exit 1
    fi
    echo "   ok in $((SECONDS - start)) s" >&2
    count=$((count + 1))
  done
done
echo "ran $count blocks of commands from ${#pages[@]} pages" >&2
