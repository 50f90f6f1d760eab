#!/usr/bin/env bash
# Sentinel failover time, real redis-server/redis-sentinel vs redactor-server/redactor-sentinel
# in the same run.
#
#   bench/failover.sh                     # RUNS=3 per kind
#   SKIP_BUILD=1 RUNS=5 bench/failover.sh
#   KEEP=1 bench/failover.sh              # keep the temp dir (configs, logs) and print its path
#
# Each run builds a fresh topology of one kind (servers and Sentinels of the same kind):
#   - a master and two replicas on 127.0.0.85, .86, .87 (requirepass/masterauth redis,
#     bind-source-addr = own IP), each on a free port;
#   - three Sentinels on 127.0.0.95, .96, .97 (announce-ip = own IP), monitoring the master with
#     quorum 2, auth-pass redis, down-after-milliseconds 1000, failover-timeout 10000,
#     parallel-syncs 1.
# Once every Sentinel sees num-slaves 2 and num-other-sentinels 2, a redis-py client
# (Sentinel(...).master_for('mymaster', password='redis', socket_timeout=0.2)) writes every
# ~10 ms and logs each success (with the address written to) or failure, and a subscriber
# listens for +switch-master on the first Sentinel. SETTLE seconds later (default 3: steady
# state, see below) the master gets kill -9 and the run measures
#   switch-master: kill -> first +switch-master seen by the subscriber;
#   first-write:   kill -> first successful write through the Sentinel client to a master other
#                  than the killed one (the client rediscovers it through the Sentinels).
# The client's own retry policy is turned off (Retry(NoBackoff(), 0)): the loop itself retries
# every 10 ms, so redis-py's exponential backoff does not blur the figure.
# Kinds alternate (the kind going first alternates too); per-run figures, medians and the
# ratio redactor/real are printed. Every wait is bounded by WAIT (default 60 s) and a timeout
# fails with what was last seen and the tails of the logs.
#
# Config files, logs and data live in a temp dir; only pids started here are killed.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
WAIT=${WAIT:-60}
SETTLE=${SETTLE:-3}
BIN=${REDACTOR_BIN:-$PWD/target/release}
if [ -z "${SKIP_BUILD:-}" ] || [ ! -x "$BIN/redactor-server" ] || [ ! -x "$BIN/redactor-sentinel" ]; then
  cargo build --release --bin redactor-server --bin redactor-sentinel >&2
fi
for b in redis-server redis-sentinel redis-cli python3; do
  command -v "$b" >/dev/null || { echo "failover.sh: $b not found" >&2; exit 1; }
done

SERVER_IPS=(127.0.0.85 127.0.0.86 127.0.0.87)
SENTINEL_IPS=(127.0.0.95 127.0.0.96 127.0.0.97)

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "${KEEP:-}" ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The redis-py client and the +switch-master subscriber.
cat >"$WORK/helper.py" <<'EOF'
import sys
import time

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from redis.sentinel import Sentinel


def addrs(args):
    out = []
    for a in args:
        host, port = a.rsplit(":", 1)
        out.append((host, int(port)))
    return out


def say(line):
    print("%.6f %s" % (time.time(), line), flush=True)


def client(sentinels):
    sentinel = Sentinel(addrs(sentinels), socket_timeout=0.2)
    master = sentinel.master_for(
        "mymaster", password="redis", socket_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    pool = master.connection_pool
    i = 0
    while True:
        i += 1
        try:
            master.set("failover-bench", i)
            conn = pool.get_connection()
            try:
                peer = "%s:%s" % (conn.host, conn.port)
            finally:
                pool.release(conn)
            say("ok %s" % peer)
        except Exception as e:  # every failure is a data point, whatever its kind
            say("err %s: %s" % (type(e).__name__, str(e).replace("\n", " ")[:200]))
        time.sleep(0.01)


def sub(sentinel):
    (host, port), = addrs([sentinel])
    r = redis.Redis(host=host, port=port, socket_timeout=None)
    p = r.pubsub()
    p.subscribe("+switch-master")
    for m in p.listen():
        if m["type"] == "subscribe":
            say("ready")
        elif m["type"] == "message":
            say("switch %s" % m["data"].decode())


if __name__ == "__main__":
    {"client": client, "sub": lambda a: sub(a[0])}[sys.argv[1]](sys.argv[2:])
EOF

free_port() { # ip
  python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"
}

cli() { redis-cli --no-auth-warning "$@" 2>&1 | tr -d '\r'; }

RUN_PIDS=()
spawn() { # logfile cmd... -> sets SPAWNED
  local out=$1; shift
  "$@" >"$out" 2>&1 &
  SPAWNED=$!
  PIDS+=("$SPAWNED")
  RUN_PIDS+=("$SPAWNED")
}

stop_run() { # client and subscriber first, then Sentinels, then servers
  local i p
  for ((i = ${#RUN_PIDS[@]} - 1; i >= 0; i--)); do
    p=${RUN_PIDS[$i]}
    kill "$p" 2>/dev/null || true
    { wait "$p"; } 2>/dev/null || true
  done
  RUN_PIDS=()
}

fail() { # message
  echo "failover.sh: $KIND run $RUN: $1" >&2
  echo "  last seen: ${LAST:-nothing}" >&2
  for f in "$D"/*/log "$D"/client.out "$D"/sub.out; do
    [ -f "$f" ] || continue
    echo "  --- tail $f" >&2
    tail -n 15 "$f" | sed 's/^/    /' >&2
  done
  exit 1
}

# wait_for <what> <function>: calls the function (which sets LAST and returns 0 when done)
# every 50 ms for up to WAIT seconds.
wait_for() {
  local what=$1 fn=$2 deadline=$((SECONDS + WAIT))
  LAST=
  until "$fn"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out after ${WAIT}s waiting for $what"
    sleep 0.05
  done
}

ping_all() {
  local i
  for i in 0 1 2; do
    LAST="${SERVER_IPS[$i]}:${SPORT[$i]} -> $(cli -h "${SERVER_IPS[$i]}" -p "${SPORT[$i]}" -a redis ping)"
    [ "${LAST##* }" = PONG ] || return 1
  done
  for i in 0 1 2; do
    if [ -n "${SNPORT[$i]:-}" ]; then
      LAST="${SENTINEL_IPS[$i]}:${SNPORT[$i]} -> $(cli -h "${SENTINEL_IPS[$i]}" -p "${SNPORT[$i]}" ping)"
      [ "${LAST##* }" = PONG ] || return 1
    fi
  done
}

links_up() {
  local i st
  for i in 1 2; do
    st=$(cli -h "${SERVER_IPS[$i]}" -p "${SPORT[$i]}" -a redis info replication | sed -n 's/^master_link_status://p')
    LAST="replica ${SERVER_IPS[$i]}:${SPORT[$i]} master_link_status=${st:-?}"
    [ "$st" = up ] || return 1
  done
}

sentinels_ready() {
  local i out slaves others
  for i in 0 1 2; do
    out=$(cli -h "${SENTINEL_IPS[$i]}" -p "${SNPORT[$i]}" sentinel master mymaster)
    slaves=$(echo "$out" | sed -n '/^num-slaves$/{n;p}')
    others=$(echo "$out" | sed -n '/^num-other-sentinels$/{n;p}')
    LAST="sentinel ${SENTINEL_IPS[$i]}:${SNPORT[$i]}: num-slaves=${slaves:-?} num-other-sentinels=${others:-?} ($(echo "$out" | head -c 300 | tr '\n' ' '))"
    [ "$slaves" = 2 ] && [ "$others" = 2 ] || return 1
  done
}

sub_ready() {
  LAST="subscriber: $(tail -n 2 "$D/sub.out" 2>/dev/null | tr '\n' ' ')"
  grep -qs ' ready$' "$D/sub.out"
}

client_ready() {
  LAST="client: $(tail -n 2 "$D/client.out" 2>/dev/null | tr '\n' ' ')"
  [ "$(grep -cs " ok ${SERVER_IPS[0]}:${SPORT[0]}\$" "$D/client.out")" -ge 10 ]
}

switched() {
  LAST="subscriber: $(tail -n 2 "$D/sub.out" 2>/dev/null | tr '\n' ' '); sentinel 1: $(cli -h "${SENTINEL_IPS[0]}" -p "${SNPORT[0]}" sentinel get-master-addr-by-name mymaster | tr '\n' ' ')"
  T_SWITCH=$(awk -v k="$T_KILL" '$2 == "switch" && $1 > k {print $1; exit}' "$D/sub.out")
  [ -n "$T_SWITCH" ]
}

wrote() {
  LAST="client: $(tail -n 2 "$D/client.out" 2>/dev/null | tr '\n' ' ')"
  T_WRITE=$(awk -v k="$T_KILL" -v old="${SERVER_IPS[0]}:${SPORT[0]}" \
    '$2 == "ok" && $1 > k && $3 != old {print $1 " " $3; exit}' "$D/client.out")
  [ -n "$T_WRITE" ]
}

# run_one <kind> <run>: appends "kind run switch write" to $WORK/results
run_one() {
  KIND=$1 RUN=$2
  D=$WORK/$KIND-$RUN
  local server=redis-server sentinel=redis-sentinel i ip
  if [ "$KIND" = redactor ]; then
    server=$BIN/redactor-server sentinel=$BIN/redactor-sentinel
  fi
  SPORT=() SNPORT=() SPID=()
  for i in 0 1 2; do
    ip=${SERVER_IPS[$i]}
    SPORT[$i]=$(free_port "$ip")
    mkdir -p "$D/s$i"
    {
      echo "port ${SPORT[$i]}"
      echo "bind $ip"
      echo "bind-source-addr $ip"
      echo "dir $D/s$i"
      echo "logfile $D/s$i/log"
      echo 'save ""'
      echo "appendonly no"
      echo "repl-diskless-sync no"
      echo "requirepass redis"
      echo "masterauth redis"
      [ "$i" = 0 ] || echo "replicaof ${SERVER_IPS[0]} ${SPORT[0]}"
    } >"$D/s$i/redis.conf"
    spawn "$D/s$i/stdout" "$server" "$D/s$i/redis.conf"
    SPID[$i]=$SPAWNED
  done
  wait_for "the servers to answer" ping_all
  wait_for "both replicas' links to come up" links_up
  for i in 0 1 2; do
    ip=${SENTINEL_IPS[$i]}
    SNPORT[$i]=$(free_port "$ip")
    mkdir -p "$D/sn$i"
    {
      echo "port ${SNPORT[$i]}"
      echo "bind $ip"
      echo "daemonize no"
      echo "dir $D/sn$i"
      echo "logfile $D/sn$i/log"
      echo "sentinel announce-ip $ip"
      echo "sentinel monitor mymaster ${SERVER_IPS[0]} ${SPORT[0]} 2"
      echo "sentinel auth-pass mymaster redis"
      echo "sentinel down-after-milliseconds mymaster 1000"
      echo "sentinel failover-timeout mymaster 10000"
      echo "sentinel parallel-syncs mymaster 1"
    } >"$D/sn$i/sentinel.conf"
    spawn "$D/sn$i/stdout" "$sentinel" "$D/sn$i/sentinel.conf"
  done
  wait_for "the sentinels to answer" ping_all
  wait_for "every sentinel to see num-slaves 2 and num-other-sentinels 2" sentinels_ready

  local sentinels=()
  for i in 0 1 2; do sentinels+=("${SENTINEL_IPS[$i]}:${SNPORT[$i]}"); done
  spawn "$D/sub.out" python3 -u "$WORK/helper.py" sub "${sentinels[0]}"
  wait_for "the +switch-master subscriber" sub_ready
  spawn "$D/client.out" python3 -u "$WORK/helper.py" client "${sentinels[@]}"
  wait_for "the client's first 10 writes to the master" client_ready
  # Steady state before the kill: a Sentinel reconnects a lost link at most once a second after
  # the last (re)connection, so a master killed within a second of the Sentinels' start is
  # noticed later; Redactor's Sentinels discover the topology in well under a second.
  sleep "$SETTLE"

  T_KILL=$EPOCHREALTIME
  kill -9 "${SPID[0]}"
  { wait "${SPID[0]}"; } 2>/dev/null || true # reaped here: no "Killed" notice
  echo "$T_KILL" >"$D/kill_time"
  wait_for "+switch-master on ${sentinels[0]}" switched
  wait_for "a write through the Sentinel client to a new master" wrote
  local new=${T_WRITE#* }
  T_WRITE=${T_WRITE%% *}
  local sw wr
  sw=$(awk -v a="$T_SWITCH" -v k="$T_KILL" 'BEGIN{printf "%.2f", a - k}')
  wr=$(awk -v a="$T_WRITE" -v k="$T_KILL" 'BEGIN{printf "%.2f", a - k}')
  echo "$KIND run $RUN: killed ${SERVER_IPS[0]}:${SPORT[0]}; $(awk '$2 == "switch" {sub(/^[^ ]+ switch /, "+switch-master "); print; exit}' "$D/sub.out"); first write to $new" >&2
  echo "$KIND $RUN $sw $wr" >>"$WORK/results"
  stop_run
}

: >"$WORK/results"
for r in $(seq 1 "$RUNS"); do
  if [ $((r % 2)) = 1 ]; then order="real redactor"; else order="redactor real"; fi
  for k in $order; do run_one "$k" "$r"; done
done

printf '%-9s %-4s %-14s %s\n' kind run switch-master first-write
for k in real redactor; do
  awk -v k="$k" '$1 == k {printf "%-9s %-4s %-14s %s\n", $1, $2, $3 " s", $4 " s"}' "$WORK/results"
done
python3 - "$WORK/results" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
med = {}
for kind in ("real", "redactor"):
    med[kind] = tuple(statistics.median(float(r[i]) for r in rows if r[0] == kind) for i in (2, 3))
def ratio(a, b):
    return "%.2fx" % (b / a) if a else "-"
(rs, rw), (ds, dw) = med["real"], med["redactor"]
print("median real: switch %.2f s, write %.2f s; redactor: switch %.2f s, write %.2f s; "
      "ratio redactor/real: switch %s, write %s" % (rs, rw, ds, dw, ratio(rs, ds), ratio(rw, dw)))
EOF
