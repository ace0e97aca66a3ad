# Sourced by the execute benches (bench/execute-layouts.sh, bench/execute-moe.sh), after they define `scaleplan`.

# begin_runs RESULTS NOTE: prints the load average before the runs (they mean something only on an idle machine) and NOTE,
# and empties RESULTS.
begin_runs() {
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $2"
  : > "$1"
}

# execute_run RESULTS FAMILY RANKS LAYOUT SCENARIO PROFILE STEPS: executes the layout once with --format json and appends
# "FAMILY<TAB>RANKS<TAB>LAYOUT<TAB>JSON" to RESULTS; a run that fails is named on stderr and left out.
execute_run() {
  local results=$1 family=$2 ranks=$3 layout=$4 scenario=$5 profile=$6 steps=$7 json
  json=$(scaleplan execute "$scenario" --layout "$layout" --steps "$steps" --profile "$profile" --format json 2>/dev/null) \
    || { echo "failed: $layout" >&2; return 0; }
  printf '%s\t%s\t%s\t%s\n' "$family" "$ranks" "$layout" "$(tr -d '\n' <<<"$json")" >>"$results"
}
