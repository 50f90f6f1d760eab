#!/usr/bin/env bash
# One-command local demo of the documented topology in configs/: a master and two replicas
# (127.0.0.5, .6, .7 on port 6379) and three Sentinels (the same addresses, port 26379).
#
#   configs/demo.sh start      # build (unless SKIP_BUILD=1), start the 3 servers then the 3
#                              # Sentinels, wait until the group is formed, print the topology
#   configs/demo.sh failover   # kill -9 the current master, wait for +switch-master, show the
#                              # Sentinel log lines and the new master
#   configs/demo.sh status     # processes, roles and what every Sentinel thinks
#   configs/demo.sh stop       # stop everything (by the pid files the configs write)
#
# Environment:
#   REDACTOR_BIN=target/release   where redactor-server / redactor-sentinel are
#   REAL=1                        the same demo with the installed redis-server / redis-sentinel
#   SKIP_BUILD=1                  do not run cargo build on start
#   DOWN_AFTER=1000               on start, SENTINEL SET mymaster down-after-milliseconds 1000 on
#                                 every Sentinel (the shipped configs say 30000, as the tutorial)
#
# The shipped configs are rewritten by CONFIG REWRITE and by Sentinel, so `start` copies each of
# them into its run directory, configs/run/<name>/ (gitignored), after emptying it, and starts
# the binary from the repository root on the copy: the configs say `dir ./configs/run/<name>`,
# relative to the repository root, and their logfile (redis.log / sentinel.log) and pidfile
# (redis.pid / sentinel.pid) are relative to that dir.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

REDACTOR_BIN=${REDACTOR_BIN:-target/release}
PASS=redis
MASTER_NAME=mymaster
WAIT=${WAIT:-60}

NAMES=(master replica-1 replica-2 sentinel-1 sentinel-2 sentinel-3)
declare -A CONF=(
  [master]=redis-master.conf [replica-1]=redis-replica-1.conf [replica-2]=redis-replica-2.conf
  [sentinel-1]=sentinel-1.conf [sentinel-2]=sentinel-2.conf [sentinel-3]=sentinel-3.conf
)
declare -A IP=(
  [master]=127.0.0.5 [replica-1]=127.0.0.6 [replica-2]=127.0.0.7
  [sentinel-1]=127.0.0.5 [sentinel-2]=127.0.0.6 [sentinel-3]=127.0.0.7
)
declare -A PORT=(
  [master]=6379 [replica-1]=6379 [replica-2]=6379
  [sentinel-1]=26379 [sentinel-2]=26379 [sentinel-3]=26379
)
declare -A PIDFILE=(
  [master]=redis.pid [replica-1]=redis.pid [replica-2]=redis.pid
  [sentinel-1]=sentinel.pid [sentinel-2]=sentinel.pid [sentinel-3]=sentinel.pid
)
declare -A LOG=(
  [master]=redis.log [replica-1]=redis.log [replica-2]=redis.log
  [sentinel-1]=sentinel.log [sentinel-2]=sentinel.log [sentinel-3]=sentinel.log
)
SERVERS=(master replica-1 replica-2)
SENTINELS=(sentinel-1 sentinel-2 sentinel-3)

if [ -n "${REAL:-}" ]; then
  SERVER_BIN=$(command -v redis-server) SENTINEL_BIN=$(command -v redis-sentinel) KIND="real Redis"
else
  SERVER_BIN=$REDACTOR_BIN/redactor-server SENTINEL_BIN=$REDACTOR_BIN/redactor-sentinel KIND=Redactor
fi

rundir() { echo "configs/run/$1"; }
copy_of() { echo "configs/run/$1/${CONF[$1]}"; }

die() {
  echo "demo.sh: $*" >&2
  exit 1
}

cli() { # name args... (authenticates to the servers, not to the Sentinels)
  local n=$1; shift
  local auth=()
  [[ $n == sentinel-* ]] || auth=(-a "$PASS" --no-auth-warning)
  timeout 5 redis-cli -h "${IP[$n]}" -p "${PORT[$n]}" "${auth[@]}" "$@" 2>&1 | tr -d '\r'
}

# The pid in <name>'s pid file if that process is alive and is ours: its working directory is
# the run dir (Redis changes into `dir`) or its command line names the config copy.
pid_of() {
  local n=$1 f p
  f="$(rundir "$n")/${PIDFILE[$n]}"
  [ -f "$f" ] || return 1
  p=$(tr -dc 0-9 <"$f")
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 1
  if [ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$ROOT/$(rundir "$n")" ] ||
    tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$(copy_of "$n")"; then
    echo "$p"
  else
    return 1
  fi
}

field() { # field <name> in a flat field/value reply on stdin
  sed -n "/^$1\$/{n;p;q}"
}

info_field() { # info_field <name>: from INFO text on stdin
  sed -n "s/^$1://p"
}

# wait_for <what> <function>: calls the function (it sets LAST, returns 0 when done) every
# 100 ms for up to <timeout> seconds (default WAIT).
wait_for() {
  local what=$1 fn=$2 limit=${3:-$WAIT} deadline
  deadline=$((SECONDS + limit))
  LAST=
  until "$fn"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "demo.sh: timed out after ${limit}s waiting for $what" >&2
      echo "  last seen: ${LAST:-nothing}" >&2
      return 1
    fi
    sleep 0.1
  done
}

tail_logs() {
  local n
  for n in "$@"; do
    echo "  --- $(rundir "$n")/${LOG[$n]}" >&2
    tail -n 8 "$(rundir "$n")/${LOG[$n]}" 2>/dev/null | sed 's/^/    /' >&2 || true
  done
}

# --- start -------------------------------------------------------------------------------------

servers_up() {
  local n r
  for n in "${SERVERS[@]}"; do
    r=$(cli "$n" ping)
    LAST="$n (${IP[$n]}:${PORT[$n]}): ${r:-no answer}"
    [ "$r" = PONG ] || return 1
  done
}

links_up() {
  local n st
  for n in replica-1 replica-2; do
    st=$(cli "$n" info replication | info_field master_link_status)
    LAST="$n master_link_status=${st:-?}"
    [ "$st" = up ] || return 1
  done
}

sentinels_up() {
  local n r
  for n in "${SENTINELS[@]}"; do
    r=$(cli "$n" ping)
    LAST="$n (${IP[$n]}:${PORT[$n]}): ${r:-no answer}"
    [ "$r" = PONG ] || return 1
  done
}

group_formed() {
  local n out s o
  for n in "${SENTINELS[@]}"; do
    out=$(cli "$n" sentinel master "$MASTER_NAME")
    s=$(field num-slaves <<<"$out")
    o=$(field num-other-sentinels <<<"$out")
    LAST="$n: num-slaves=${s:-?} num-other-sentinels=${o:-?}"
    [ "$s" = 2 ] && [ "$o" = 2 ] || return 1
  done
}

# Fails when an address the topology listens on is taken (the master also binds 127.0.0.1).
check_ports() {
  local busy
  busy=$(python3 - <<'EOF'
import socket
busy = []
for ip, port in [("127.0.0.5", 6379), ("127.0.0.1", 6379), ("127.0.0.6", 6379), ("127.0.0.7", 6379),
                 ("127.0.0.5", 26379), ("127.0.0.6", 26379), ("127.0.0.7", 26379)]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Redis does
    try:
        s.bind((ip, port))
    except OSError:
        busy.append("%s:%d" % (ip, port))
    finally:
        s.close()
print(" ".join(busy))
EOF
  )
  if [ -n "$busy" ]; then
    echo "demo.sh: in use: $busy" >&2
    ss -ltnp 2>/dev/null | grep -E ':(6379|26379)\b' | sed 's/^/  /' >&2 || true
    die "the demo needs ports 6379 and 26379 on 127.0.0.5-7 (and 6379 on 127.0.0.1); stop whatever holds them first"
  fi
}

launch() { # name binary
  local n=$1 bin=$2
  # From the repository root, on the copy; detached so the demo outlives this shell.
  setsid "$bin" "$(copy_of "$n")" </dev/null >"$(rundir "$n")/stdout" 2>&1 &
}

print_topology() {
  local out n
  out=$(cli sentinel-1 sentinel master "$MASTER_NAME")
  echo "redis-cli -h 127.0.0.5 -p 26379 sentinel master $MASTER_NAME:"
  for f in name ip port flags num-slaves num-other-sentinels quorum down-after-milliseconds failover-timeout parallel-syncs config-epoch; do
    printf '  %-24s %s\n' "$f" "$(field "$f" <<<"$out")"
  done
  echo "INFO replication:"
  for n in "${SERVERS[@]}"; do
    server_line "$n"
  done
}

server_line() { # name
  local n=$1 info role p
  p=$(pid_of "$n") || { printf '  %-10s %-15s down\n' "$n" "${IP[$n]}:${PORT[$n]}"; return 0; }
  info=$(cli "$n" info replication)
  role=$(info_field role <<<"$info")
  if [ "$role" = master ]; then
    printf '  %-10s %-15s pid %-7s role master, connected_slaves %s\n' "$n" "${IP[$n]}:${PORT[$n]}" "$p" \
      "$(info_field connected_slaves <<<"$info")"
  else
    printf '  %-10s %-15s pid %-7s role %s of %s:%s, link %s\n' "$n" "${IP[$n]}:${PORT[$n]}" "$p" "${role:-?}" \
      "$(info_field master_host <<<"$info")" "$(info_field master_port <<<"$info")" \
      "$(info_field master_link_status <<<"$info")"
  fi
}

cmd_start() {
  local n p
  for n in "${NAMES[@]}"; do
    if p=$(pid_of "$n"); then
      die "$n is already running (pid $p): configs/demo.sh status / configs/demo.sh stop"
    fi
  done
  check_ports
  if [ -z "${REAL:-}" ]; then
    if [ -z "${SKIP_BUILD:-}" ]; then
      cargo build --release --bin redactor-server --bin redactor-sentinel >&2
    fi
    [ -x "$SERVER_BIN" ] && [ -x "$SENTINEL_BIN" ] || die "no $SERVER_BIN / $SENTINEL_BIN (build them or set REDACTOR_BIN)"
  fi
  [ -x "$SERVER_BIN" ] || die "no server binary $SERVER_BIN"
  echo "Starting the $KIND topology ($SERVER_BIN, $SENTINEL_BIN)"
  for n in "${NAMES[@]}"; do
    # A fresh copy in an emptied run dir (only its .gitignore is kept).
    find "$(rundir "$n")" -mindepth 1 ! -name .gitignore -delete
    cp "configs/${CONF[$n]}" "$(copy_of "$n")"
  done
  for n in "${SERVERS[@]}"; do launch "$n" "$SERVER_BIN"; done
  wait_for "the servers to answer" servers_up || { tail_logs "${SERVERS[@]}"; die "start failed; configs/demo.sh stop cleans up"; }
  wait_for "the replicas to sync" links_up || { tail_logs "${SERVERS[@]}"; die "start failed; configs/demo.sh stop cleans up"; }
  for n in "${SENTINELS[@]}"; do launch "$n" "$SENTINEL_BIN"; done
  wait_for "the Sentinels to answer" sentinels_up || { tail_logs "${SENTINELS[@]}"; die "start failed; configs/demo.sh stop cleans up"; }
  wait_for "every Sentinel to see 2 replicas and 2 other Sentinels" group_formed ||
    { tail_logs "${SENTINELS[@]}"; die "start failed; configs/demo.sh stop cleans up"; }
  if [ -n "${DOWN_AFTER:-}" ]; then
    for n in "${SENTINELS[@]}"; do
      [ "$(cli "$n" sentinel set "$MASTER_NAME" down-after-milliseconds "$DOWN_AFTER")" = OK ] ||
        die "SENTINEL SET down-after-milliseconds $DOWN_AFTER failed on $n"
    done
    echo "SENTINEL SET $MASTER_NAME down-after-milliseconds $DOWN_AFTER on every Sentinel"
  fi
  echo
  print_topology
  local down
  down=$(cli sentinel-1 sentinel master "$MASTER_NAME" | field down-after-milliseconds)
  echo
  echo "Logs: configs/run/<name>/redis.log and sentinel.log; pids: redis.pid / sentinel.pid there."
  echo "Try a failover:  configs/demo.sh failover   (kills the master with kill -9)"
  if [ "${down:-0}" -ge 5000 ]; then
    echo "  down-after-milliseconds is $down: the Sentinels wait $((down / 1000)) s before they flag the"
    echo "  master down, so the switch takes ~$((down / 1000 + 2)) s; for a quick one:"
    echo "  configs/demo.sh stop && DOWN_AFTER=1000 configs/demo.sh start"
  fi
  echo "Watch:  configs/demo.sh status  |  redis-cli -h 127.0.0.5 -p 26379 subscribe +switch-master"
  echo "Stop:   configs/demo.sh stop"
}

# --- failover ----------------------------------------------------------------------------------

live_sentinel() {
  local n
  for n in "${SENTINELS[@]}"; do
    pid_of "$n" >/dev/null && { echo "$n"; return 0; }
  done
  return 1
}

name_at() { # ip port -> instance name
  local n
  for n in "${SERVERS[@]}"; do
    [ "${IP[$n]}:${PORT[$n]}" = "$1:$2" ] && { echo "$n"; return 0; }
  done
  return 1
}

switched() {
  local n
  for n in "${SENTINELS[@]}"; do
    if tail -n +"$((${START_LINE[$n]} + 1))" "$(rundir "$n")/${LOG[$n]}" 2>/dev/null | grep -q '+switch-master'; then
      T_SWITCH=$EPOCHREALTIME
      return 0
    fi
  done
  local out
  out=$(cli "$SENT" sentinel master "$MASTER_NAME")
  LAST="$SENT: flags=$(field flags <<<"$out") failover-state=$(field failover-state <<<"$out") ip=$(field ip <<<"$out")"
  return 1
}

reconfigured() { # the surviving replica follows the new master with its link up
  local n info
  for n in "${SERVERS[@]}"; do
    [ "$n" = "$NEW" ] && continue
    pid_of "$n" >/dev/null || continue
    info=$(cli "$n" info replication)
    LAST="$n: role=$(info_field role <<<"$info") master=$(info_field master_host <<<"$info"):$(info_field master_port <<<"$info") link=$(info_field master_link_status <<<"$info")"
    [ "$(info_field master_host <<<"$info"):$(info_field master_port <<<"$info")" = "${IP[$NEW]}:${PORT[$NEW]}" ] &&
      [ "$(info_field master_link_status <<<"$info")" = up ] || return 1
  done
}

cmd_failover() {
  SENT=$(live_sentinel) || die "no Sentinel is running (configs/demo.sh start)"
  local addr ip port old pid down
  addr=$(cli "$SENT" sentinel get-master-addr-by-name "$MASTER_NAME")
  ip=$(sed -n 1p <<<"$addr") port=$(sed -n 2p <<<"$addr")
  old=$(name_at "$ip" "$port") || die "the master $ip:$port (from $SENT) is not one of the demo's servers"
  pid=$(pid_of "$old") || die "the master is $old ($ip:$port) but it is not running; configs/demo.sh status"
  down=$(cli "$SENT" sentinel master "$MASTER_NAME" | field down-after-milliseconds)
  declare -gA START_LINE
  local n
  for n in "${SENTINELS[@]}"; do
    START_LINE[$n]=$(wc -l <"$(rundir "$n")/${LOG[$n]}" 2>/dev/null || echo 0)
  done
  echo "The master is $old ($ip:$port, pid $pid); kill -9 $pid"
  local t0=$EPOCHREALTIME
  kill -9 "$pid"
  echo "down-after-milliseconds is $down: the Sentinels flag it down after $((down / 1000)) s; expect the switch in ~$((down / 1000 + 2)) s..."
  if ! wait_for "+switch-master in a Sentinel log" switched $((down / 1000 + 60)); then
    for n in "${SENTINELS[@]}"; do
      echo "  --- $(rundir "$n")/${LOG[$n]} since the kill" >&2
      tail -n +"$((${START_LINE[$n]} + 1))" "$(rundir "$n")/${LOG[$n]}" | sed 's/^/    /' >&2
    done
    exit 1
  fi
  # Let the other Sentinels catch up through the hellos before showing their logs.
  sleep 2
  echo "+switch-master $(awk -v a="$T_SWITCH" -v b="$t0" 'BEGIN{printf "%.1f", a - b}') s after the kill. Sentinel log lines since the kill:"
  for n in "${SENTINELS[@]}"; do
    echo "--- $n ($(rundir "$n")/${LOG[$n]})"
    tail -n +"$((${START_LINE[$n]} + 1))" "$(rundir "$n")/${LOG[$n]}" | grep -v 'configuration saved on disk' | sed 's/^/  /'
  done
  addr=$(cli "$SENT" sentinel get-master-addr-by-name "$MASTER_NAME")
  ip=$(sed -n 1p <<<"$addr") port=$(sed -n 2p <<<"$addr")
  NEW=$(name_at "$ip" "$port") || die "the new master $ip:$port is not one of the demo's servers"
  echo
  echo "New master (SENTINEL GET-MASTER-ADDR-BY-NAME $MASTER_NAME): $NEW $ip:$port"
  wait_for "the other replica to follow $NEW" reconfigured 30 || echo "(not yet reconfigured)"
  for n in "${SERVERS[@]}"; do server_line "$n"; done
  echo
  echo "$old stays down. Restarted, the Sentinels turn it into a replica of $NEW:"
  echo "  (cd $ROOT && setsid $SERVER_BIN $(copy_of "$old") </dev/null >>$(rundir "$old")/stdout 2>&1 &)"
}

# --- status / stop -----------------------------------------------------------------------------

cmd_status() {
  local n p out any=
  echo "Servers:"
  for n in "${SERVERS[@]}"; do
    pid_of "$n" >/dev/null && any=1
    server_line "$n"
  done
  echo "Sentinels:"
  for n in "${SENTINELS[@]}"; do
    if p=$(pid_of "$n"); then
      any=1
      out=$(cli "$n" sentinel master "$MASTER_NAME")
      printf '  %-10s %-15s pid %-7s master %s:%s flags %s, num-slaves %s, num-other-sentinels %s, down-after %s ms, epoch %s\n' \
        "$n" "${IP[$n]}:${PORT[$n]}" "$p" "$(field ip <<<"$out")" "$(field port <<<"$out")" "$(field flags <<<"$out")" \
        "$(field num-slaves <<<"$out")" "$(field num-other-sentinels <<<"$out")" \
        "$(field down-after-milliseconds <<<"$out")" "$(field config-epoch <<<"$out")"
    else
      printf '  %-10s %-15s down\n' "$n" "${IP[$n]}:${PORT[$n]}"
    fi
  done
  [ -n "$any" ] || echo "(nothing running: configs/demo.sh start)"
}

cmd_stop() {
  local n p pids=() names=()
  for n in "${SENTINELS[@]}" "${SERVERS[@]}"; do
    if p=$(pid_of "$n"); then
      echo "stopping $n (pid $p)"
      kill "$p" 2>/dev/null || true
      pids+=("$p") names+=("$n")
    fi
  done
  [ "${#pids[@]}" -gt 0 ] || { echo "nothing running"; return 0; }
  local i deadline=$((SECONDS + 20)) left
  while :; do
    left=()
    for i in "${!pids[@]}"; do kill -0 "${pids[$i]}" 2>/dev/null && left+=("${names[$i]}(${pids[$i]})"); done
    [ "${#left[@]}" -eq 0 ] && break
    [ "$SECONDS" -lt "$deadline" ] || die "still running after 20 s: ${left[*]}"
    sleep 0.1
  done
  echo "stopped"
}

case "${1:-}" in
  start) cmd_start ;;
  failover) cmd_failover ;;
  status) cmd_status ;;
  stop) cmd_stop ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
