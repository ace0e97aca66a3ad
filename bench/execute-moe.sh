#!/usr/bin/env bash
# Mixture-of-experts layouts of scenarios/tiny-moe-cpu-mpi.json (4 routed experts, top-2, a shared expert), each executed once,
# predicted against measured: step time and tokens/s, with the router's measured load imbalance (busiest expert's tokens over
# the mean; the cost model prices model.moe.loadImbalance, 1 unless the scenario sets it) and the step-time MAPE. One process,
# data parallel (ep=1), expert parallel over 2 ranks, and over 4 ranks with expert data parallelism or pipeline stages; each
# with a device profile calibrated for that many ranks side by side (docs/calibration.md). Not part of the build, the tests
# or CI; meaningful only on an idle machine (it prints the load).
# Usage: bash bench/execute-moe.sh [STEPS]   (calibrates the 1-, 2- and 4-rank profiles into reports/bench/ when missing;
# delete reports/bench/profile-*.json first if they were calibrated on a busy machine)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-16}
out=reports/bench
scenario=scenarios/tiny-moe-cpu-mpi.json
mkdir -p "$out"
dotnet build Planner -c Release -v quiet -nologo >/dev/null
scaleplan() { dotnet Planner/bin/Release/net10.0/scaleplan.dll "$@"; }
source bench/execute-run.sh
export OMP_WAIT_POLICY=PASSIVE   # LibTorch's spinning threads slow ranks sharing cores 10× (/work/shared/ENVIRONMENT.md)
for ranks in 1 2 4; do
  [ -f "$out/profile-$ranks.json" ] || scaleplan calibrate --quick --ranks "$ranks" --out "$out/profile-$ranks.json" >/dev/null
done

# family | ranks | layout
runs=(
  "one process|1|dp=1,mb=2,precision=fp32"
  "one process|1|dp=1,mb=2,precision=bf16"
  "data parallel, all experts on each rank|2|dp=2,mb=2,precision=fp32"
  "expert parallel|2|dp=2,ep=2,mb=2,precision=fp32"
  "expert parallel|2|dp=2,ep=2,mb=2,precision=bf16"
  "expert parallel|2|dp=2,ep=2,mb=1,precision=fp32,recompute=full"
  "expert parallel + expert data parallel|4|dp=4,ep=2,mb=2,precision=fp32"
  "expert parallel + pipeline|4|dp=2,pp=2,ep=2,mb=1,precision=fp32"
)
results="$out/execute-moe.tsv"
begin_runs "$results" "$steps steps per run (2 warm-up)"
for run in "${runs[@]}"; do
  IFS='|' read -r family ranks layout <<<"$run"
  execute_run "$results" "$family" "$ranks" "$layout" "$scenario" "$out/profile-$ranks.json" "$steps"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" <<'PY'
import json, sys, statistics
errors = []
print("| layout family | ranks | layout | step predicted | step measured | error | tokens/s predicted | tokens/s measured | measured imbalance | tokens per expert (MoE layer 0) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for family, ranks, layout, text in (line.rstrip('\n').split('\t') for line in open(sys.argv[1])):
    result = json.loads(text)
    step, rate, experts = result["stepTimeSeconds"], result["tokensPerSecond"], result["experts"]
    errors.append(abs(step["errorPercent"]))
    print(f"| {family} | {ranks} | `{layout}` | {step['predicted']:.3f} s | {step['measured']:.3f} s | {step['errorPercent']:+.1f} % "
          f"| {rate['predicted']:,.0f} | {rate['measured']:,.0f} | {experts['imbalance']:.3f} | {' '.join(map(str, experts['tokensPerExpert'][0]))} |")
if errors:
    print(f"\nstep-time MAPE over {len(errors)} MoE runs: {statistics.mean(errors):.1f} %")
PY
