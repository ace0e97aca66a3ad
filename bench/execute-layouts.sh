#!/usr/bin/env bash
# Every layout family the executor runs, once each, predicted against measured: step time, peak memory and MFU, and the mean
# absolute percentage error (MAPE) of the step time per family. One-process layouts run scenarios/tiny-gpt-cpu.json with a
# one-process profile; two-rank layouts run scenarios/tiny-gpt-cpu-mpi.json with a profile of one of two ranks side by side
# (docs/calibration.md). Not part of the build, the tests or CI; meaningful only on an idle machine (it prints the load).
# Usage: bash bench/execute-layouts.sh [STEPS] [REPEATS]   (16 steps by default: two-rank steps settle over their first 6–8; calibrates both profiles into reports/bench/ when they are missing)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-16}
repeats=${2:-1}
out=reports/bench
mkdir -p "$out"
dotnet build Planner -c Release -v quiet -nologo >/dev/null
scaleplan() { dotnet Planner/bin/Release/net10.0/scaleplan.dll "$@"; }
source bench/execute-run.sh
[ -f "$out/profile-1.json" ] || scaleplan calibrate --quick --out "$out/profile-1.json" >/dev/null
[ -f "$out/profile-2.json" ] || scaleplan calibrate --quick --ranks 2 --out "$out/profile-2.json" >/dev/null

# family | ranks | layout
runs=(
  "one process fp32|1|dp=1,mb=4,precision=fp32"
  "one process fp32|1|dp=1,mb=4,precision=fp32,recompute=selective"
  "one process fp32|1|dp=1,mb=4,precision=fp32,recompute=full"
  "one process bf16|1|dp=1,mb=4,precision=bf16"
  "one process bf16|1|dp=1,mb=4,precision=bf16,recompute=selective"
  "one process bf16|1|dp=1,mb=4,precision=bf16,recompute=full"
  "one process fp16|1|dp=1,mb=4,precision=fp16"
  "data parallel|2|dp=2,mb=4,precision=fp32"
  "data parallel|2|dp=2,mb=4,precision=bf16"
  "data parallel|2|dp=2,mb=4,precision=fp32,recompute=full"
  "ZeRO|2|dp=2,mb=4,precision=fp32,zero=1"
  "ZeRO|2|dp=2,mb=4,precision=fp32,zero=2"
  "ZeRO|2|dp=2,mb=4,precision=fp32,zero=3"
  "ZeRO|2|dp=2,mb=4,precision=bf16,zero=3"
  "tensor parallel|2|tp=2,mb=4,precision=fp32"
  "tensor parallel|2|tp=2,mb=4,precision=fp32,sp=on"
  "pipeline|2|pp=2,mb=2,precision=fp32"
  "pipeline|2|pp=2,vp=2,schedule=interleaved,mb=2,precision=fp32"
  "context parallel|2|cp=2,mb=4,precision=fp32"
  "context parallel|2|cp=2,mb=4,precision=bf16"
)
results="$out/execute-layouts.tsv"
begin_runs "$results" "$steps steps per run (2 warm-up), $repeats repeat(s)"
for run in "${runs[@]}"; do
  IFS='|' read -r family ranks layout <<<"$run"
  scenario=scenarios/tiny-gpt-cpu.json; profile=$out/profile-1.json
  if [ "$ranks" -gt 1 ]; then scenario=scenarios/tiny-gpt-cpu-mpi.json; profile=$out/profile-2.json; fi
  for r in $(seq "$repeats"); do
    execute_run "$results" "$family" "$ranks" "$layout" "$scenario" "$profile" "$steps"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" <<'PY'
import json, sys, statistics
rows = [line.rstrip('\n').split('\t') for line in open(sys.argv[1])]
families = {}
# "at the machine's speed now": the prediction times the machine's measured slowdown since calibration (execute's machineSpeed),
# to read the cost model's error apart from the machine's drift; scaleplan itself never rescales a prediction.
print("| family | ranks | layout | step predicted | step measured | error | machine now / calibrated | error at the machine's speed now | memory predicted | memory measured | error | MFU predicted | MFU measured |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for family, ranks, layout, text in rows:
    j = json.loads(text)
    step, mem, mfu = j["stepTimeSeconds"], j["peakMemoryBytes"], j["mfu"]
    slowdown = j.get("machineSpeed", {}).get("slowdown", 1.0)
    drifted = (step["predicted"] * slowdown - step["measured"]) / step["measured"] * 100
    families.setdefault(family, []).append((abs(step["errorPercent"]), abs(drifted)))
    short = layout.replace(",precision=", " ").replace("dp=1,", "")
    print(f"| {family} | {ranks} | `{short}` | {step['predicted']:.3f} s | {step['measured']:.3f} s | {step['errorPercent']:+.1f} % "
          f"| {slowdown:.2f} | {drifted:+.1f} % "
          f"| {mem['predicted']/2**20:,.0f} MiB | {mem['measured']/2**20:,.0f} MiB | {mem['errorPercent']:+.1f} % "
          f"| {mfu['predicted']*100:.1f} % | {mfu['measured']*100:.1f} % |")
print()
print("| family | runs | step-time MAPE | MAPE at the machine's speed now |")
print("| --- | --- | --- | --- |")
for family, errors in families.items():
    print(f"| {family} | {len(errors)} | {statistics.mean(e for e, _ in errors):.1f} % | {statistics.mean(d for _, d in errors):.1f} % |")
PY
