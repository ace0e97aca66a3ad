#!/usr/bin/env bash
# How repeatable calibration is: QUICK consecutive `calibrate --quick` runs, then FULL full runs, each writing its profile; then
# per run kind, each fitted figure's value per run and its largest distance from the runs' median (the issue 20 target: peaks and
# the sustained fraction within ±5 %), each run's held-out errors (targets: whole blocks within 10 %, attention cores within 15 %)
# with the machine's state, and, from the raw repetitions the profiles keep, how far each held-out block's time moves between
# runs under four estimators (median, lower quartile, fastest-half mean, minimum): the measurement behind the lower quartile.
# Not part of the build, the tests or CI; meaningful only on an idle machine (each run records and prints the machine's load).
# Usage: bash bench/calibration-repeatability.sh [QUICK] [FULL]   (defaults 5 and 3; profiles go to reports/repeatability/)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=${1:-5}
full=${2:-3}
out=reports/repeatability
mkdir -p "$out"
rm -f "$out"/quick-*.json "$out"/full-*.json
dotnet build Planner -c Release -v quiet -nologo >/dev/null
scaleplan() { dotnet Planner/bin/Release/net10.0/scaleplan.dll "$@"; }
for i in $(seq 1 "$quick"); do
  start=$(date +%s); scaleplan calibrate --quick --out "$out/quick-$i.json" >/dev/null 2>"$out/quick-$i.log"
  echo "quick run $i: $(( $(date +%s) - start )) s"
done
for i in $(seq 1 "$full"); do
  start=$(date +%s); scaleplan calibrate --out "$out/full-$i.json" >/dev/null 2>"$out/full-$i.log"
  echo "full run $i: $(( $(date +%s) - start )) s"
done

python3 - "$out" <<'PY'
import glob, json, statistics, sys

folder = sys.argv[1]

def figures(p):
    f = {f"peak {k['precision']} TFLOP/s": k["tflops"] for k in p.get("peakTflops") or []}
    f["sustained fraction"] = p["sustainedClockFraction"]
    if p.get("memoryTBps"): f["memory TB/s"] = p["memoryTBps"]
    if p.get("intraNodeLink"):
        f["link GB/s"] = p["intraNodeLink"]["gBps"] if "gBps" in p["intraNodeLink"] else p["intraNodeLink"]["GBps"]
        f["link latency µs"] = p["intraNodeLink"]["latencySeconds"] * 1e6
    return f

def lower_quartile(xs):   # MathNet's R-8 quantile, as Calibration/Measurement/Statistics.cs computes it
    s = sorted(xs); n = len(s); h = (n + 1 / 3) * 0.25 + 1 / 3 - 1
    lo = max(0, min(n - 1, int(h // 1))); hi = min(n - 1, lo + 1)
    return s[0] if h < 0 else s[lo] + (h - lo) * (s[hi] - s[lo]) if h < n - 1 else s[-1]

estimators = {
    "median": statistics.median,
    "lower quartile": lower_quartile,
    "fastest-half mean": lambda xs: statistics.mean(sorted(xs)[: max(1, len(xs) // 2)]),
    "minimum": min,
}

def spread(values):
    m = statistics.median(values)
    return max(abs(v - m) for v in values) / m * 100 if m else float("nan")

for kind in ("quick", "full"):
    files = sorted(glob.glob(f"{folder}/{kind}-*.json"), key=lambda f: int(f.rsplit("-", 1)[1][:-5]))
    if not files: continue
    runs = [json.load(open(f)) for f in files]
    print(f"\n## {len(runs)} {kind} runs\n")
    names = list(figures(runs[0]))
    print("| figure | " + " | ".join(f"run {i + 1}" for i in range(len(runs))) + " | median | largest distance from median |")
    print("|---" * (len(runs) + 3) + "|")
    for n in names:
        vals = [figures(r).get(n) for r in runs]
        ok = [v for v in vals if v is not None]
        print(f"| {n} | " + " | ".join(f"{v:.4g}" if v is not None else "—" for v in vals) + f" | {statistics.median(ok):.4g} | ±{spread(ok):.1f} % |")
    checks = [v["name"] for v in runs[0].get("validation") or []]
    print("\n| run | machine | " + " | ".join(checks) + " | worst block | worst attention |")
    print("|---" * (len(checks) + 4) + "|")
    for i, r in enumerate(runs):
        m = r.get("machine") or {}
        state = (("busy" if m.get("busy") else "quiet") + f", load {m.get('loadAverageStart', float('nan')):.1f}, others {m.get('otherProcessesCores', float('nan')):.2f} cores") if m else "—"
        errs = {v["name"]: v["errorPercent"] for v in r.get("validation") or []}
        blocks = [abs(e) for n, e in errs.items() if not n.startswith("attention")]
        attention = [abs(e) for n, e in errs.items() if n.startswith("attention")]
        print(f"| {i + 1} | {state} | " + " | ".join(f"{errs[c]:+.1f} %" if c in errs else "—" for c in checks)
              + f" | {max(blocks, default=float('nan')):.1f} % | {max(attention, default=float('nan')):.1f} % |")
    # Estimators over the raw repetitions of the whole blocks (fitted and held out) each run measured in its interleaved rounds.
    timed = [{b["name"]: b["time"]["seconds"] for b in (r.get("calibration") or {}).get("blocks") or [] if b["time"].get("seconds")} for r in runs]
    gemm = [{(g["precision"], g["m"], g["n"], g["k"], g["batch"], g.get("weightGradient", False)): g["time"]["seconds"]
             for g in (r.get("calibration") or {}).get("gemm") or [] if g["time"].get("seconds")} for r in runs]
    if len(runs) < 2 or not timed[0]: continue
    blocks = [n for n in timed[0] if all(n in t for t in timed)]
    shapes = [s for s in gemm[0] if all(s in g for g in gemm)]
    print("\nLargest distance from the runs' median of each estimate, per estimator (whole blocks; matmul shapes: the mean over shapes)\n")
    print("| estimator | " + " | ".join(blocks) + " | matmul shapes (mean) |")
    print("|---" * (len(blocks) + 2) + "|")
    for name, estimate in estimators.items():
        cells = [spread([estimate(t[b]) for t in timed]) for b in blocks]
        shape_mean = statistics.mean(spread([estimate(g[s]) for g in gemm]) for s in shapes) if shapes else float("nan")
        print(f"| {name} | " + " | ".join(f"±{c:.1f} %" for c in cells) + f" | ±{shape_mean:.1f} % |")
PY
