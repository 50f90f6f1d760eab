#!/usr/bin/env bash
# Runs redis-benchmark against real redis-server and redactor-server in the same run and prints,
# per test and pipeline depth, throughput and server CPU time per operation for both, and the
# ratios (redactor / redis: throughput higher is better, CPU per op lower is better).
#
#   bench/compare.sh                      # set,get,incr,lpush,lpop,sadd,hset,zadd,lrange_100;
#                                         # -c 50; -P 1 and -P 16
#   TESTS=set,get REQUESTS=500000 ROUNDS=5 bench/compare.sh   (median of ROUNDS runs each)
#   METRICS_OFF=1 bench/compare.sh        # also a redactor-server with `mailbox-metrics no`:
#                                         # the mailbox metrics' cost, on/off, same run
#
# TESTS are redis-benchmark's test names (-t; `redis-benchmark --help`). lpop/rpop run on a list
# filled beforehand with REQUESTS elements; lrange_N runs `LRANGE mylist 0 N-1` as a custom
# command on such a list: the fill is not measured (redis-benchmark's own lrange tests would
# count their LPUSH phase in the server CPU time).
#
# Builds redactor-server in release mode first. Servers bind 127.0.0.1 on free ports and are
# killed by pid on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

TESTS=${TESTS:-set,get,incr,lpush,lpop,sadd,hset,zadd,lrange_100}
REQUESTS=${REQUESTS:-300000}
CLIENTS=${CLIENTS:-50}
PIPELINES=${PIPELINES:-"1 16"}
ROUNDS=${ROUNDS:-3}
EXTRA_ARGS=${EXTRA_ARGS:-}

[ -n "${SKIP_BUILD:-}" ] || cargo build --release --bin redactor-server >&2
REDACTOR=target/release/redactor-server
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  # Let them exit (they write their last log lines) before their directory goes.
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_ping() {
  for _ in $(seq 100); do
    redis-cli -p "$1" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server on port $1 did not answer" >&2
  return 1
}

# CPU time in ns of all a process's threads, from the scheduler's accounting.
cpu_ns() {
  cat /proc/"$1"/task/*/schedstat | awk '{s += $1} END {printf "%.0f", s}'
}

start() { # name binary -> sets PORT_<name> PID_<name>
  local port; port=$(free_port)
  mkdir -p "$WORK/$1"
  "$2" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK/$1" \
    --logfile "$WORK/$1/log" $EXTRA_ARGS &
  local pid=$!
  PIDS+=("$pid")
  wait_ping "$port"
  printf -v "PORT_$1" '%s' "$port"
  printf -v "PID_$1" '%s' "$pid"
}

start redis redis-server
start redactor "$REDACTOR"
if [ -n "${METRICS_OFF:-}" ]; then
  EXTRA_ARGS="$EXTRA_ARGS --mailbox-metrics no" start nometrics "$REDACTOR"
fi

# Fills mylist (the key of redis-benchmark's list tests) with REQUESTS elements.
fill_list() { # port
  redis-benchmark -p "$1" -t lpush -n "$REQUESTS" -c "$CLIENTS" -P 16 -q >/dev/null 2>&1 || true
}

run() { # name test pipeline -> "ops_per_sec ns_per_op"
  local port_var="PORT_$1" pid_var="PID_$1"
  local port=${!port_var} pid=${!pid_var}
  redis-cli -p "$port" flushall >/dev/null
  local what=(-t "$2")
  case "$2" in
    lpop | rpop) fill_list "$port" ;;
    lrange_*)
      fill_list "$port"
      what=(LRANGE mylist 0 $((${2#lrange_} - 1)))
      ;;
  esac
  local before; before=$(cpu_ns "$pid")
  local csv
  csv=$(redis-benchmark -p "$port" -n "$REQUESTS" -c "$CLIENTS" -P "$3" -q --csv "${what[@]}" 2>/dev/null | tail -n 1 || true)
  local after; after=$(cpu_ns "$pid")
  local ops
  ops=$(echo "$csv" | awk -F'","' '{gsub(/"/,"",$2); print $2}')
  [[ "$ops" =~ ^[0-9.]+$ ]] || ops=0
  local ns
  ns=$(awk -v t=$((after - before)) -v n="$REQUESTS" 'BEGIN{printf "%.0f", t / n}')
  echo "$ops $ns"
}

# The median round by CPU per op: single runs on a 2-core machine shared with the client are noisy.
best_of() {
  for _ in $(seq "$ROUNDS"); do run "$@"; done | sort -n -k2 | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "n/a"}'; }

if [ -n "${METRICS_OFF:-}" ]; then
  printf '%-10s %3s | %12s %8s | %12s %8s | %12s %8s | %8s %8s | %9s %9s\n' test P redis_ops/s ns/op \
    redactor_ops/s ns/op metrics_off_ops/s ns/op tput_x cpu_x on/off_tput on/off_cpu
else
  printf '%-10s %3s | %12s %8s | %12s %8s | %8s %8s\n' test P redis_ops/s ns/op redactor_ops/s ns/op tput_x cpu_x
fi
IFS=',' read -ra tests <<<"$TESTS"
for t in "${tests[@]}"; do
  for p in $PIPELINES; do
    read -r rops rns < <(best_of redis "$t" "$p")
    read -r dops dns < <(best_of redactor "$t" "$p")
    tput=$(ratio "$dops" "$rops")
    cpux=$(ratio "$dns" "$rns")
    if [ -n "${METRICS_OFF:-}" ]; then
      read -r nops nns < <(best_of nometrics "$t" "$p")
      printf '%-10s %3s | %12s %8s | %12s %8s | %12s %8s | %8s %8s | %9s %9s\n' "$t" "$p" "$rops" "$rns" \
        "$dops" "$dns" "$nops" "$nns" "$tput" "$cpux" "$(ratio "$dops" "$nops")" "$(ratio "$dns" "$nns")"
    else
      printf '%-10s %3s | %12s %8s | %12s %8s | %8s %8s\n' "$t" "$p" "$rops" "$rns" "$dops" "$dns" "$tput" "$cpux"
    fi
  done
done
echo "(server CPU per op: scheduler time of all server threads / requests; a test the server does not know reports 0 ops/s)"
[ -z "${METRICS_OFF:-}" ] || echo "(on/off: redactor with mailbox metrics / with mailbox-metrics no; the metrics' cost is on/off_cpu - 1)"
