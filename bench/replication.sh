#!/usr/bin/env bash
# Replication cost, real redis-server vs redactor-server in the same run:
#  1. write throughput on a master with 0, 1 and 2 replicas attached (redis-benchmark SET,
#     -c 50, -P 1 and -P 16);
#  2. full-sync throughput: a replica of a master holding KEYS keys, from REPLICAOF to
#     master_link_status:up, as MB/s of the master's RDB.
#
#   bench/replication.sh                    # KEYS=1000000 REQUESTS=300000
#   SKIP_BUILD=1 KEYS=200000 bench/replication.sh
#
# Masters and replicas of a kind are of the same kind (a Redactor master has Redactor replicas).
# Every server binds 127.0.0.1 on a free port in its own temp dir; only pids started here are
# killed.
set -euo pipefail
cd "$(dirname "$0")/.."

KEYS=${KEYS:-1000000}
REQUESTS=${REQUESTS:-300000}
REDACTOR=${REDACTOR:-$PWD/target/release/redactor-server}
if [ ! -x "$REDACTOR" ] || [ -z "${SKIP_BUILD:-}" ]; then
  cargo build --release --bin redactor-server >&2
fi
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start <kind> <name> [args...] -> prints the port
start() {
  local kind=$1 name=$2; shift 2
  local port; port=$(free_port)
  local bin=redis-server
  [ "$kind" = redactor ] && bin=$REDACTOR
  mkdir -p "$WORK/$name"
  "$bin" --port "$port" --bind 127.0.0.1 --save "" --dir "$WORK/$name" \
    --logfile "$WORK/$name/log" --repl-diskless-sync no "$@" >/dev/null 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 200); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.05
  done
  echo "$port"
}

info_field() { redis-cli -p "$1" info "$2" | tr -d '\r' | sed -n "s/^$3://p"; }

wait_up() {
  local port=$1
  for _ in $(seq 1 6000); do
    [ "$(info_field "$port" replication master_link_status)" = up ] && return 0
    sleep 0.01
  done
  echo "replica on $port never came up" >&2
  return 1
}

ops() { # ops <port> <pipeline>
  redis-benchmark -p "$1" -t set -n "$REQUESTS" -r 100000 -c 50 -P "$2" -q 2>/dev/null \
    | tr '\r' '\n' | sed -n 's/^SET: \([0-9.]*\) requests per second.*/\1/p' | tail -1
}

declare -A RES
for kind in redis redactor; do
  m=$(start "$kind" "$kind-m")
  for n in 0 1 2; do
    if [ "$n" -gt 0 ]; then
      r=$(start "$kind" "$kind-r$n" --replicaof 127.0.0.1 "$m")
      wait_up "$r"
    fi
    for p in 1 16; do
      RES[$kind,$n,$p]=$(ops "$m" "$p")
    done
  done
  # Full sync: fill a fresh master, then time a new replica's sync.
  f=$(start "$kind" "$kind-full")
  redis-benchmark -p "$f" -t set -n "$KEYS" -r 100000000 -d 100 -P 64 -q >/dev/null 2>&1
  redis-cli -p "$f" save >/dev/null
  size=$(stat -c %s "$WORK/$kind-full/dump.rdb")
  keys=$(redis-cli -p "$f" dbsize)
  rep=$(start "$kind" "$kind-fullr")
  t0=$(date +%s.%N)
  redis-cli -p "$rep" replicaof 127.0.0.1 "$f" >/dev/null
  wait_up "$rep"
  t1=$(date +%s.%N)
  RES[$kind,sync_s]=$(python3 -c "print(f'{$t1-$t0:.3f}')")
  RES[$kind,sync_mb]=$(python3 -c "print(f'{$size/1e6:.1f}')")
  RES[$kind,sync_keys]=$keys
  RES[$kind,sync_rate]=$(python3 -c "print(f'{$size/1e6/($t1-$t0):.1f}')")
done

ratio() { python3 -c "a,b=float('$1' or 0),float('$2' or 0); print(f'{b/a:.2f}x' if a else '-')"; }
printf '%-28s %14s %14s %10s\n' "SET ops/s (-c 50)" redis redactor ratio
for n in 0 1 2; do
  for p in 1 16; do
    a=${RES[redis,$n,$p]}; b=${RES[redactor,$n,$p]}
    printf '%-28s %14s %14s %10s\n' "$n replicas, -P $p" "$a" "$b" "$(ratio "$a" "$b")"
  done
done
printf '%-28s %14s %14s\n' "full sync: keys" "${RES[redis,sync_keys]}" "${RES[redactor,sync_keys]}"
printf '%-28s %14s %14s\n' "full sync: RDB MB" "${RES[redis,sync_mb]}" "${RES[redactor,sync_mb]}"
printf '%-28s %14s %14s %10s\n' "full sync: seconds" "${RES[redis,sync_s]}" "${RES[redactor,sync_s]}" \
  "$(ratio "${RES[redactor,sync_s]}" "${RES[redis,sync_s]}")"
printf '%-28s %14s %14s %10s\n' "full sync: MB/s" "${RES[redis,sync_rate]}" "${RES[redactor,sync_rate]}" \
  "$(ratio "${RES[redis,sync_rate]}" "${RES[redactor,sync_rate]}")"
