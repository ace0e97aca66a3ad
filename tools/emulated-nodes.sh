#!/usr/bin/env bash
# Emulates several machines ("nodes") on this one for Open MPI runs: one network namespace per node (with its own hostname
# through a UTS namespace entered at launch), a veth pair from each node into a bridge on a private subnet, tc tbf shaping on
# both ends of each node's link, a hostfile and an rsh agent that starts Open MPI's daemons inside the namespaces (no ssh).
#
#   tools/emulated-nodes.sh up N [--link-gbps G] [--slots S]   create or re-shape N nodes (root only; G may be 0.2;
#                                 [--burst-kbit B]             defaults G=1, S=2, B=max(1024, 1 ms at G): less falls short)
#   tools/emulated-nodes.sh down                               remove everything this script made
#   tools/emulated-nodes.sh status                             what is up, the hostfile and the mpirun options
#   tools/emulated-nodes.sh options                            print only the mpirun options (one per line)
#   tools/emulated-nodes.sh drop NODE | undrop NODE            silently drop every packet on node NODE's link (index,
#                                                              spnodeI or address): a dead link, not a dead machine
#
# Everything is named with the project's prefix: namespaces spnode0.., bridge spbr0, veths spvI (bridge side) / spvIp
# (node side), the nftables table "inet spdrop" inside a node's namespace. Nothing else is touched.
# See tools/emulated-nodes.md.
set -euo pipefail

NET="${SCALEPLAN_NODES_NET:-10.213.7}"        # first three octets of the private /24
SUBNET="$NET.0/24"
BRIDGE=spbr0
BRIDGE_IP="$NET.1"                            # mpirun (root namespace) talks to the daemons through this address
NS_PREFIX=spnode
VETH_PREFIX=spv
FIRST_HOST=10                                 # node i is $NET.(10 + i)
MAX_NODES=64
RUN_DIR="${SCALEPLAN_NODES_DIR:-/run/scaleplan-nodes}"
HOSTFILE="$RUN_DIR/hostfile"
AGENT="$RUN_DIR/rsh-agent"
STATE="$RUN_DIR/state"
ARGS_FILE="$RUN_DIR/mpirun-args"
PARAMS_FILE="$RUN_DIR/mca-params.conf"
BURST_KBIT=""                                 # default: 1 Mbit or 1 ms at the rate, whichever is larger (smaller bursts
                                              # fall short of the rate: 32 kbit gave 256 of 1,000 Mbit/s)
LATENCY_MS=50                                 # tbf queue: how long a packet may wait before it is dropped
DROP_TABLE=spdrop
LOCK=/run/scaleplan-nodes.lock                # one up/down at a time
LOCKED=""

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { echo "emulated-nodes: $*" >&2; exit 1; }
log() { echo "emulated-nodes: $*" >&2; }

usage() {
  awk 'NR > 1 && /^set -euo/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}" >&2
  exit 2
}

take_lock() {
  [ -n "$LOCKED" ] && return 0
  exec 9> "$LOCK"
  flock -w 60 9 || die "another emulated-nodes.sh up/down is running"
  LOCKED=1
}

need_root() { [ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces, links and tc need CAP_NET_ADMIN)"; }

ensure_tools() {
  local missing=()
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  command -v tc >/dev/null 2>&1 || { [[ " ${missing[*]} " == *" iproute2 "* ]] || missing+=(iproute2); }
  command -v nft >/dev/null 2>&1 || missing+=(nftables)
  command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
  if [ ${#missing[@]} -gt 0 ]; then
    bash "$here/apt-install.sh" "tools for emulated nodes" "${missing[@]}"
  fi
}

# Our namespaces, links: by name only, never anything else.
our_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${NS_PREFIX}[0-9]+$" | sort -V || true; }
our_links() { ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^(${VETH_PREFIX}[0-9]+p?|${BRIDGE})$" || true; }

node_ns() {   # NODE given as index, spnodeI or address -> namespace name
  local n="$1"
  case "$n" in
    "$NS_PREFIX"[0-9]*) echo "$n" ;;
    "$NET".*) echo "$NS_PREFIX$(( ${n##*.} - FIRST_HOST ))" ;;
    *[!0-9]*|"") die "not a node: $n (give an index, ${NS_PREFIX}I or $NET.X)" ;;
    *) echo "$NS_PREFIX$n" ;;
  esac
}

kill_namespace_processes() {
  local ns="$1" pids
  pids="$(ip netns pids "$ns" 2>/dev/null || true)"
  [ -z "$pids" ] && return 0
  log "killing processes left in $ns: $(echo "$pids" | tr '\n' ' ')"
  # shellcheck disable=SC2086
  kill -9 $pids 2>/dev/null || true
  for _ in $(seq 50); do
    [ -z "$(ip netns pids "$ns" 2>/dev/null || true)" ] && return 0
    sleep 0.1
  done
  log "warning: processes still in $ns: $(ip netns pids "$ns" | tr '\n' ' ')"
}

remove_node() {
  local ns="$1" i="${1#"$NS_PREFIX"}"
  kill_namespace_processes "$ns"
  ip link del "$VETH_PREFIX$i" 2>/dev/null || true     # removes its peer inside the namespace too
  ip netns del "$ns" 2>/dev/null || true             # removes the namespace's nftables tables with it
}

do_down() {
  need_root
  take_lock
  local ns l
  for ns in $(our_namespaces); do remove_node "$ns"; done
  for l in $(our_links); do ip link del "$l" 2>/dev/null || true; done
  rm -f "$HOSTFILE" "$AGENT" "$STATE" "$ARGS_FILE" "$PARAMS_FILE"
  rmdir "$RUN_DIR" 2>/dev/null || true
  rm -f "$LOCK"
}

# tbf rate in kbit from a Gbit/s figure such as 0.2 or 10
rate_kbit() {
  awk -v g="$1" 'BEGIN { if (g !~ /^[0-9]*\.?[0-9]+$/ || g <= 0) exit 1; printf "%d", g * 1000000 + 0.5 }'
}

shape() {   # shape DEV [netns]: tbf on DEV's egress
  local dev="$1" ns="${2:-}" limit_bytes
  # queue: burst + LATENCY_MS of traffic at the rate
  limit_bytes=$(( BURST_KBIT * 1000 / 8 + RATE_KBIT * LATENCY_MS / 8 ))
  local cmd=(tc qdisc replace dev "$dev" root tbf rate "${RATE_KBIT}kbit" burst "${BURST_KBIT}kbit" limit "$limit_bytes")
  if [ -n "$ns" ]; then ip netns exec "$ns" "${cmd[@]}"; else "${cmd[@]}"; fi
}

write_agent() {
  local tmp="$AGENT.tmp"
  cat > "$tmp" <<EOF
#!/bin/sh
# Open MPI rsh agent for emulated nodes (written by tools/emulated-nodes.sh): called as AGENT [options] HOST COMMAND...,
# like ssh. Runs COMMAND inside HOST's network namespace under a UTS namespace whose hostname is the namespace's name.
# As with ssh, the words of COMMAND are joined with spaces and read by a shell (Open MPI sends shell syntax: "VAR=..;
# export VAR; orted ... \"quoted\"").
NET='$NET'
FIRST_HOST=$FIRST_HOST
NS_PREFIX='$NS_PREFIX'
EOF
  cat >> "$tmp" <<'EOF'
while [ $# -gt 0 ]; do
  case "$1" in
    -l|-p|-o|-i|-F|-E|-c|-m|-b) shift 2 ;;   # ssh options that take a value
    -*) shift ;;                             # other ssh options (-x, -T, -n, ...): ignored
    *) break ;;
  esac
done
[ $# -ge 2 ] || { echo "rsh-agent: usage: rsh-agent [options] HOST COMMAND..." >&2; exit 255; }
host="$1"; shift
case "$host" in
  *@*) host="${host#*@}" ;;
esac
case "$host" in
  "$NET".*) ns="$NS_PREFIX$(( ${host##*.} - FIRST_HOST ))" ;;
  "$NS_PREFIX"[0-9]*) ns="$host" ;;
  *) echo "rsh-agent: $host is not an emulated node ($NET.X or ${NS_PREFIX}I)" >&2; exit 255 ;;
esac
[ -n "${SCALEPLAN_NODES_AGENT_LOG:-}" ] && printf '%s %s: %s\n' "$(date +%T.%N)" "$ns" "$*" >> "$SCALEPLAN_NODES_AGENT_LOG"
# The daemon inherits mpirun's whole environment here, which ssh would not give it; SCALEPLAN_NODES_SSH_ENV=1 starts it
# with about what a non-interactive ssh login gets instead, to catch a launcher that relies on its environment reaching
# other machines (it must forward such variables with mpirun -x).
if [ "${SCALEPLAN_NODES_SSH_ENV:-0}" = 1 ]; then
  exec env -i HOME="${HOME:-/root}" USER="$(id -un)" LOGNAME="$(id -un)" SHELL=/bin/sh LANG=C.UTF-8 \
    PATH=/usr/local/bin:/usr/bin:/bin ip netns exec "$ns" unshare --uts /bin/sh -c "hostname $ns && $*"
fi
exec ip netns exec "$ns" unshare --uts /bin/sh -c "hostname $ns && $*"
EOF
  chmod 755 "$tmp"
  mv -f "$tmp" "$AGENT"
}

mpirun_options() {
  cat <<EOF
--hostfile
$HOSTFILE
--mca
plm_rsh_agent
$AGENT
--mca
plm_rsh_no_tree_spawn
1
--mca
oob_tcp_if_include
$SUBNET
--mca
btl_tcp_if_include
$SUBNET
--mca
oob_tcp_keepalive_time
2
--mca
oob_tcp_keepalive_intvl
1
--mca
oob_tcp_keepalive_probes
3
--mca
mpi_yield_when_idle
1
--mca
hwloc_base_binding_policy
none
EOF
}

write_options() {
  mpirun_options > "$ARGS_FILE"
  # the same MCA parameters in Open MPI's param-file format (for OMPI_MCA_mca_base_param_files or ~/.openmpi)
  mpirun_options | awk 'prev == "--mca" { name = $0 } prev != "--mca" && name != "" { print name " = " $0; name = "" } { prev = $0 }' > "$PARAMS_FILE"
}

do_up() {
  need_root
  local n="" gbps=1 slots=2
  while [ $# -gt 0 ]; do
    case "$1" in
      --link-gbps) [ $# -ge 2 ] || usage; gbps="$2"; shift 2 ;;
      --link-gbps=*) gbps="${1#*=}"; shift ;;
      --slots) [ $# -ge 2 ] || usage; slots="$2"; shift 2 ;;
      --burst-kbit) [ $# -ge 2 ] || usage; BURST_KBIT="$2"; shift 2 ;;
      --slots=*) slots="${1#*=}"; shift ;;
      -*) usage ;;
      *) [ -z "$n" ] || usage; n="$1"; shift ;;
    esac
  done
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le $MAX_NODES ] || die "N must be 1..$MAX_NODES (got '${n}')"
  [[ "$slots" =~ ^[0-9]+$ ]] && [ "$slots" -ge 1 ] || die "--slots must be a positive integer (got '$slots')"
  RATE_KBIT="$(rate_kbit "$gbps")" || die "--link-gbps must be a positive number such as 0.2 or 10 (got '$gbps')"
  [ -n "$BURST_KBIT" ] || BURST_KBIT=$(( RATE_KBIT / 1000 > 1024 ? RATE_KBIT / 1000 : 1024 ))
  [[ "$BURST_KBIT" =~ ^[0-9]+$ ]] && [ "$BURST_KBIT" -ge 8 ] || die "--burst-kbit must be an integer >= 8 (got '$BURST_KBIT')"
  ensure_tools

  # the subnet must be ours alone: no address in it on any interface but our bridge, no route into it but the bridge's
  local clash
  clash="$(ip -4 -o addr show | awk -v net="$NET." -v br="$BRIDGE" '$2 != br && index($4, net) == 1 { print $2 " " $4 }')"
  [ -z "$clash" ] || die "$SUBNET is already used on this machine ($clash): set SCALEPLAN_NODES_NET to another 10.x.y"
  clash="$(ip -4 route show | awk -v net="$NET." -v br="$BRIDGE" 'index($1, net) == 1 && $0 !~ ("dev " br " ") { print }')"
  [ -z "$clash" ] || die "a route into $SUBNET exists that is not ours ($clash): set SCALEPLAN_NODES_NET to another 10.x.y"

  take_lock
  mkdir -p "$RUN_DIR"

  # from here on, a failing step removes everything this script made
  # shellcheck disable=SC2154  # rc is set inside the trap
  trap 'rc=$?; if [ $rc -ne 0 ]; then log "up failed (exit $rc): removing what was made"; do_down; fi' EXIT

  # the bridge, in the root namespace: mpirun runs here and its daemons must reach it on the subnet (its address is
  # mpirun's out-of-band endpoint); a bridge in a namespace of its own would need one more veth into the root namespace
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
  fi
  ip link set "$BRIDGE" type bridge stp_state 0 forward_delay 0
  ip addr replace "$BRIDGE_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up

  # nodes beyond N left by an earlier, larger `up`
  local ns i
  for ns in $(our_namespaces); do
    i="${ns#"$NS_PREFIX"}"
    if [ "$i" -ge "$n" ]; then log "removing $ns (beyond N=$n)"; remove_node "$ns"; fi
  done
  local l
  for l in $(our_links); do
    if [[ "$l" =~ ^${VETH_PREFIX}([0-9]+)p?$ ]] && [ "${BASH_REMATCH[1]}" -ge "$n" ]; then ip link del "$l" 2>/dev/null || true; fi
  done

  : > "$HOSTFILE.tmp"
  for ((i = 0; i < n; i++)); do
    ns="$NS_PREFIX$i"
    local host="$VETH_PREFIX$i" peer="$VETH_PREFIX${i}p" addr="$NET.$((FIRST_HOST + i))"
    ip netns list | awk '{print $1}' | grep -qx "$ns" || ip netns add "$ns"
    ip -n "$ns" link set lo up
    if ! ip link show "$host" >/dev/null 2>&1; then
      ip link del "$peer" 2>/dev/null || true          # a half-made pair from a failed run
      ip link add "$host" type veth peer name "$peer"
      ip link set "$peer" netns "$ns"
    fi
    ip -n "$ns" link show "$peer" >/dev/null 2>&1 || die "$peer is not in $ns (a stale $host? run '$0 down' first)"
    ip link set "$host" master "$BRIDGE"
    ip link set "$host" up
    ip -n "$ns" addr replace "$addr/24" dev "$peer"
    ip -n "$ns" link set "$peer" up
    ip -n "$ns" route replace default via "$BRIDGE_IP" dev "$peer" 2>/dev/null || true
    shape "$host"                 # traffic into node i
    shape "$peer" "$ns"           # traffic out of node i
    echo "$addr slots=$slots" >> "$HOSTFILE.tmp"
  done
  mv -f "$HOSTFILE.tmp" "$HOSTFILE"
  write_agent
  write_options
  printf 'nodes=%s\nlink_gbps=%s\nrate_kbit=%s\nburst_kbit=%s\nslots=%s\nsubnet=%s\n' \
    "$n" "$gbps" "$RATE_KBIT" "$BURST_KBIT" "$slots" "$SUBNET" > "$STATE"

  # every node must answer on the subnet
  for ((i = 0; i < n; i++)); do
    answers "$i" || die "node $i ($NET.$((FIRST_HOST + i))) does not answer on the subnet"
  done
  trap - EXIT
  do_status
}

# Does node I reach mpirun's address (the bridge) over its link? A TCP connect to a closed port on the bridge address is
# refused at once when the link works and times out when it does not (no ping needed).
answers() {
  local i="$1" out
  out="$(ip netns exec "$NS_PREFIX$i" timeout 3 bash -c "exec 3<>/dev/tcp/$BRIDGE_IP/9" 2>&1)" && return 0
  [[ "$out" == *"refused"* ]]
}

do_status() {
  local nss
  nss="$(our_namespaces)"
  if [ -z "$nss" ]; then echo "no emulated nodes are up"; return 0; fi
  [ -f "$STATE" ] && sed 's/^/  /' "$STATE" | sed '1i state:'
  local ns
  echo "nodes:"
  for ns in $nss; do
    local i="${ns#"$NS_PREFIX"}" addr dropped="" npids
    addr="$(ip -n "$ns" -4 -o addr show dev "$VETH_PREFIX${i}p" 2>/dev/null | awk '{print $4}')"
    ip netns exec "$ns" nft list table inet "$DROP_TABLE" >/dev/null 2>&1 && dropped=" LINK DROPS ALL PACKETS"
    npids="$(ip netns pids "$ns" 2>/dev/null | wc -l)"
    printf '  %s %s  in: %s  out: %s  processes: %s%s\n' "$ns" "${addr:-?}" \
      "$(tc qdisc show dev "$VETH_PREFIX$i" 2>/dev/null | awk '/tbf/ {print $8}')" \
      "$(ip netns exec "$ns" tc qdisc show dev "$VETH_PREFIX${i}p" 2>/dev/null | awk '/tbf/ {print $8}')" \
      "$npids" "$dropped"
  done
  if [ -f "$HOSTFILE" ]; then
    echo "hostfile: $HOSTFILE"
    echo "mpirun options (also one per line in $ARGS_FILE, and as MCA params in $PARAMS_FILE):"
    echo "  $(mpirun_options | tr '\n' ' ')"
  fi
}

do_drop() {
  need_root
  [ $# -eq 1 ] || usage
  local ns; ns="$(node_ns "$1")"
  ip netns list | awk '{print $1}' | grep -qx "$ns" || die "no such node: $ns"
  ip netns exec "$ns" nft -f - <<EOF
table inet $DROP_TABLE {
  chain in { type filter hook input priority -300; policy accept; iifname "$VETH_PREFIX${ns#"$NS_PREFIX"}p" drop; }
  chain out { type filter hook output priority -300; policy accept; oifname "$VETH_PREFIX${ns#"$NS_PREFIX"}p" drop; }
}
EOF
  log "$ns now drops every packet (undrop: $0 undrop $1)"
}

do_undrop() {
  need_root
  [ $# -eq 1 ] || usage
  local ns; ns="$(node_ns "$1")"
  ip netns exec "$ns" nft delete table inet "$DROP_TABLE" 2>/dev/null || true
  log "$ns passes packets again"
}

[ $# -ge 1 ] || usage
command_="$1"; shift
case "$command_" in
  up) do_up "$@" ;;
  down) [ $# -eq 0 ] || usage; do_down ;;
  status) do_status ;;
  options) mpirun_options ;;
  drop) do_drop "$@" ;;
  undrop) do_undrop "$@" ;;
  *) usage ;;
esac
