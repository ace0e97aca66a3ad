#!/usr/bin/env bash
# How much a one-process step slows when something else keeps both cores busy: the same fp32 run of
# scenarios/tiny-gpt-cpu.json on an idle machine, then beside two busy loops (one per core), and the ratio of the
# median measured step times. Not part of the build, the tests or CI; start it on an idle machine (it prints the load).
# Usage: bash bench/execute-under-load.sh [STEPS] [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-8}
repeats=${2:-3}
dotnet build Planner -c Release -v quiet -nologo >/dev/null
scaleplan() { dotnet Planner/bin/Release/net10.0/scaleplan.dll "$@"; }
layout="dp=1,mb=4,precision=fp32"
measured() { scaleplan execute scenarios/tiny-gpt-cpu.json --layout "$layout" --steps "$steps" --format json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["stepTimeSeconds"]["measured"])'; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $steps steps per run (2 warm-up), $repeats repeats"
idle=(); busy=()
for r in $(seq "$repeats"); do idle+=("$(measured)"); done
pids=()
for c in $(seq "$(nproc)"); do (while :; do :; done) & pids+=($!); done
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
for r in $(seq "$repeats"); do busy+=("$(measured)"); done
kill "${pids[@]}" 2>/dev/null || true
python3 - "${idle[*]}" "${busy[*]}" "$(nproc)" <<'PY'
import statistics, sys
idle = [float(x) for x in sys.argv[1].split()]
busy = [float(x) for x in sys.argv[2].split()]
print(f"idle step: median {statistics.median(idle):.3f} s (runs {', '.join(f'{x:.3f}' for x in idle)})")
print(f"beside {sys.argv[3]} busy loops: median {statistics.median(busy):.3f} s (runs {', '.join(f'{x:.3f}' for x in busy)})")
print(f"slowdown: {statistics.median(busy) / statistics.median(idle):.2f}x")
PY
