#!/usr/bin/env bash
# Multi-node runs predicted against measured, on two emulated nodes (tools/emulated-nodes.sh: a network namespace each,
# shared memory inside, TCP across a tc-shaped link) at two link rates, 200 Mbit/s and 1 Gbit/s. For each rate: calibrate
# two profiles with --hostfile (one rank per node with 2 ranks side by side for dp=2 and pp=2 across the nodes; two ranks
# per node with 4 side by side for tp=2 inside and dp=2 across), run the three layouts with execute --hostfile, and print
# predicted, measured and error of the step time, then whether the cost model orders the layouts as the measurements do.
# The link's latency cannot be emulated (this kernel has no netem): the profiles keep calibration's small-message fit.
# Not part of the build, the tests or CI; needs root; meaningful only on an idle machine (it prints the load).
# Usage: sudo bash bench/multi-node.sh [STEPS] [RATES...]   (defaults: 16 steps, rates 0.2 1 in Gbit/s)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-16}
shift || true
rates=("${@:-0.2 1}")
read -r -a rates <<<"${rates[*]}"
out=reports/bench/multi-node
mkdir -p "$out"
scenario=scenarios/tiny-gpt-cpu-2-nodes.json
dotnet build Planner -c Release -v quiet -nologo >/dev/null
scaleplan() { dotnet Planner/bin/Release/net10.0/scaleplan.dll "$@"; }
trap 'tools/emulated-nodes.sh down >/dev/null 2>&1 || true' EXIT
export OMPI_MCA_mca_base_param_files=/run/scaleplan-nodes/mca-params.conf   # the emulation's rsh agent and interfaces

# name | ranks per node | layout
runs=(
  "dp=2 across|1|dp=2,mb=2,precision=fp32,overlap=off"
  "tp=2 inside, dp=2 across|2|dp=2,tp=2,mb=2,precision=fp32,overlap=off"
  "pp=2 across|1|pp=2,mb=2,precision=fp32"
)
rm -f "$out"/run-*.json
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $steps steps per run (2 warm-up)"
for rate in "${rates[@]}"; do
  tools/emulated-nodes.sh up 2 --link-gbps "$rate" --slots 2 >/dev/null
  cp /run/scaleplan-nodes/hostfile "$out/hosts-2"
  sed 's/slots=[0-9]*/slots=1/' /run/scaleplan-nodes/hostfile > "$out/hosts-1"
  for per in 1 2; do
    profile="$out/profile-$rate-$per.json"
    echo "link $rate Gbit/s: calibrate --quick --ranks $((2 * per)) --hostfile hosts-$per (log: $profile.log)"
    scaleplan calibrate --quick --ranks $((2 * per)) --hostfile "$out/hosts-$per" --out "$profile" >"$profile.log" 2>&1
    grep "cluster keys" "$profile.log" || true
  done
  index=0
  for run in "${runs[@]}"; do
    IFS='|' read -r name per layout <<<"$run"
    index=$((index + 1))
    stem="$out/run-$rate-$index"   # stem.json: execute's comparison; stem.log: its progress and tables
    if scaleplan execute "$scenario" --layout "$layout" --steps "$steps" --profile "$out/profile-$rate-$per.json" \
        --hostfile "$out/hosts-$per" --format json >"$stem.out" 2>"$stem.log"; then
      python3 -c 'import json, sys; print(json.dumps({"rate": sys.argv[1], "name": sys.argv[2], "layout": sys.argv[3], "result": json.load(open(sys.argv[4]))}))' \
        "$rate" "$name" "$layout" "$stem.out" >"$stem.json"
    else
      echo "failed: $layout at $rate Gbit/s (see $stem.log)" >&2
    fi
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" <<'PY'
import glob, json, os, sys
runs = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(sys.argv[1], "run-*.json")))]
print("| link | layout | step predicted | step measured | error |")
print("| --- | --- | --- | --- | --- |")
by_rate = {}
for run in runs:
    rate, name, layout, step = run["rate"], run["name"], run["layout"], run["result"]["stepTimeSeconds"]
    by_rate.setdefault(rate, []).append((name, step["predicted"], step["measured"]))
    print(f"| {float(rate) * 1000:.0f} Mbit/s | {name} (`{layout}`) | {step['predicted']:.3f} s | {step['measured']:.3f} s | {step['errorPercent']:+.1f} % |")
print()
for rate, runs in by_rate.items():
    predicted = [n for n, p, m in sorted(runs, key=lambda r: r[1])]
    measured = [n for n, p, m in sorted(runs, key=lambda r: r[2])]
    verdict = "same order" if predicted == measured else "ORDER DIFFERS"
    print(f"{float(rate) * 1000:.0f} Mbit/s, fastest first: predicted {' < '.join(predicted)}; measured {' < '.join(measured)}: {verdict}")
PY
