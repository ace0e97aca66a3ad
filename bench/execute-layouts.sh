#!/usr/bin/env bash
# Predicted against measured step time and peak memory for single-process layouts of the bundled CPU scenario (README,
# "Predicted against measured"). Usage: bash bench/execute-layouts.sh PROFILE.json [STEPS]  (PROFILE from `scaleplan calibrate`).
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:?usage: bench/execute-layouts.sh PROFILE.json [STEPS]}
steps=${2:-6}
dotnet build Planner -c Release -v quiet -nologo >/dev/null
layouts=(
  "mb=4,precision=fp32,recompute=none,optimizer=adamw"
  "mb=4,precision=fp32,recompute=selective,optimizer=adamw"
  "mb=4,precision=fp32,recompute=full,optimizer=adamw"
  "mb=4,precision=bf16,recompute=none,optimizer=adamw"
  "mb=4,precision=bf16,recompute=full,optimizer=adamw"
  "mb=4,precision=fp16,recompute=none,optimizer=adamw"
  "mb=4,precision=fp16,recompute=selective,optimizer=adamw"
  "mb=1,precision=fp32,recompute=none,optimizer=adamw"
  "mb=16,precision=fp32,recompute=none,optimizer=adamw"
  "mb=16,precision=fp32,recompute=full,optimizer=adamw"
  "mb=4,precision=fp32,recompute=none,optimizer=sgd"
  "mb=4,precision=fp32,recompute=none,optimizer=lamb"
  "mb=4,precision=fp32,recompute=none,optimizer=adafactor"
)
echo "| layout (dp=1) | step predicted | step measured | error | memory predicted | memory measured | error |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for layout in "${layouts[@]}"; do
  out=$(dotnet Planner/bin/Release/net10.0/scaleplan.dll execute scenarios/tiny-gpt-cpu.json --layout "dp=1,$layout" --steps "$steps" --profile "$profile" 2>/dev/null)
  # The table row "│ step time (median after warm-up) │ predicted │ measured │ error │" and the "peak memory:" line.
  step=$(grep 'step time' <<<"$out" | awk -F'│' '{gsub(/^ +| +$/, "", $3); gsub(/^ +| +$/, "", $4); gsub(/^ +| +$/, "", $5); print $3 " | " $4 " | " $5}')
  memory=$(grep '^peak memory:' <<<"$out" | sed -E 's/.*measured ([0-9.,]+) MiB resident.*predicted ([0-9.,]+) MiB .*error ([-+0-9.]+ %).*/\2 MiB | \1 MiB | \3/')
  echo "| $layout | $step | $memory |"
done
