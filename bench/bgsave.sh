#!/usr/bin/env bash
# Snapshot cost, real redis-server vs redactor-server in the same run. For each server: load
# KEYS keys, run a probe client (PING/GET in a tight loop, every round trip timed) while BGSAVE
# runs, then restart on the dump and time the load. Prints a table and redactor/redis ratios.
#
#   bench/bgsave.sh                   # KEYS=1000000
#   KEYS=100000 SKIP_BUILD=1 bench/bgsave.sh
#   MODE=fork ROUNDS=5 bench/bgsave.sh   # Redis only: the fork stall (latest_fork_usec) per BGSAVE
#
# If a server answers BGSAVE with an error, SAVE is used instead and labelled "SAVE (blocking)":
# the probe then measures the whole save as a stall, which is the honest comparison.
# Servers bind 127.0.0.2 / 127.0.0.3 on free ports, each in its own temp dir, and only the
# pids started here are killed (trap on exit).
set -euo pipefail
cd "$(dirname "$0")/.."

KEYS=${KEYS:-1000000}
MODE=${MODE:-full}
ROUNDS=${ROUNDS:-3}
# The lead builds with the default target dir; build only when the binary is missing.
REDACTOR=${REDACTOR:-$PWD/target/release/redactor-server}
if [ ! -x "$REDACTOR" ] && [ -z "${SKIP_BUILD:-}" ]; then
  cargo build --release --bin redactor-server >&2
fi
WORK=$(mktemp -d)
declare -A PID
cleanup() {
  for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PID[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # so the EXIT trap runs on ^C or kill too

# The client side is Python (redis-py): one script, several subcommands.
cat >"$WORK/b.py" <<'EOF'
import json, multiprocessing as mp, os, random, socket, sys, time, redis

def resp(*a):
    return b'*%d\r\n' % len(a) + b''.join(b'$%d\r\n%s\r\n' % (len(x), x) for x in a)

def gen(n):
    # ~100-byte values; 90% strings, the rest hashes/lists/zsets of 5 x 20 bytes. Random
    # letters so LZF (which both servers apply to strings > 20 bytes) gains little.
    rnd = random.Random(1); pool = bytes(rnd.choice(b'abcdefghijklmnopqrstuvwxyz') for _ in range(1 << 16))
    v = lambda n: pool[(o := rnd.randrange(len(pool) - n)):o + n]
    out, w = [], sys.stdout.buffer
    for i in range(int(n)):
        k, kind = b'key:%d' % i, i % 10
        if kind < 9: out.append(resp(b'SET', k, v(100)))
        elif i % 30 == 9: out.append(resp(b'HSET', k, *[x for j in range(5) for x in (b'f%d' % j, v(20))]))
        elif i % 30 == 19: out.append(resp(b'RPUSH', k, *[v(20) for _ in range(5)]))
        else: out.append(resp(b'ZADD', k, *[x for j in range(5) for x in (b'%d' % j, v(20))]))
        if len(out) >= 10000: w.write(b''.join(out)); out = []
    w.write(b''.join(out))

def probe(host, port, stop, q):
    # A separate process, so the main flow's polling never holds its GIL. Alternates PING
    # and GET; each round trip's latency is one sample.
    r, lat, i = redis.Redis(host=host, port=port), [], 0
    while not stop.is_set():
        t = time.perf_counter_ns()
        r.ping() if i & 1 else r.get('key:1')
        lat.append(time.perf_counter_ns() - t); i += 1
    lat.sort(); pick = lambda f: lat[min(len(lat) - 1, int(len(lat) * f))] / 1e6
    q.put(dict(probes=len(lat), max_ms=lat[-1] / 1e6, p99_ms=pick(.99), p999_ms=pick(.999)))

def save(host, port, out):
    r = redis.Redis(host=host, port=int(port))
    stop, q = mp.Event(), mp.Queue()
    p = mp.Process(target=probe, args=(host, int(port), stop, q)); p.start()
    time.sleep(0.3)  # a baseline before the save, so the percentiles are not all save
    before, t0 = r.lastsave(), time.perf_counter()
    try:
        r.bgsave(); mode, seen = 'BGSAVE', False
        # Done when in_progress drops (having been seen set, or LASTSAVE moved: a fast save).
        while time.perf_counter() - t0 < 3600:
            if r.info('persistence').get('rdb_bgsave_in_progress', 0): seen = True
            elif seen or r.lastsave() != before: break
            time.sleep(0.002)
    except redis.ResponseError:
        mode, t0 = 'SAVE (blocking)', time.perf_counter(); r.save()
    wall = time.perf_counter() - t0
    time.sleep(0.3)
    stop.set(); res = q.get(); p.join()
    info = r.info()
    res.update(mode=mode, keys=r.dbsize(), save_s=wall, bgsave_time_sec=info.get('rdb_last_bgsave_time_sec', '-'),
               fork_ms=info.get('latest_fork_usec', 0) / 1000, status=info.get('rdb_last_bgsave_status', '-'))
    note(out, res)

def ready(host, port, t0file, out):
    # Started (and its imports done) before the server, so only the server's own startup is
    # timed: says it is armed, waits for the shell to write the start time, then polls until
    # PONG (Redis answers -LOADING while it loads; a socket not listening yet is refused).
    open(t0file + '.armed', 'w').close()
    while not os.path.exists(t0file): time.sleep(0.0005)
    t0_us, deadline = int(open(t0file).read()), time.time() + 900
    while time.time() < deadline:
        try:
            with socket.create_connection((host, int(port)), timeout=600) as s:
                s.sendall(b'PING\r\n')
                if s.recv(64).startswith(b'+PONG'): break
        except OSError: pass
        time.sleep(0.001)
    else: sys.exit(f'{host}:{port} did not answer PING within 900 s')
    note(out, dict(ready_s=(time.time_ns() // 1000 - t0_us) / 1e6))

def put(out, *kv):  # key value pairs from the shell; numbers stay numbers, empty ones are left out
    note(out, {k: json.loads(v) for k, v in zip(kv[::2], kv[1::2]) if v})

def note(out, d):
    try: cur = json.load(open(out))
    except FileNotFoundError: cur = {}
    cur.update(d); json.dump(cur, open(out, 'w'))

def report(a, b):
    a, b = json.load(open(a)), json.load(open(b))
    for x in (a, b):
        mb = x['dump_bytes'] / 1e6
        x['dump_mb'], x['save_mbps'] = mb, mb / x['save_s']
        x['ready_mbps'] = mb / x['ready_s']
        if x.get('loaded_s'): x['load_mbps'] = mb / x['loaded_s']
    rows = [('save command', 'mode'), ('keys', 'keys'), ('dump size (MB)', 'dump_mb'),
            ('save wall, measured (s)', 'save_s'), ('rdb_last_bgsave_time_sec', 'bgsave_time_sec'),
            ('save throughput (MB/s)', 'save_mbps'), ('latest_fork_usec (ms)', 'fork_ms'),
            ('probe max latency (ms)', 'max_ms'), ('probe p99 (ms)', 'p99_ms'), ('probe p99.9 (ms)', 'p999_ms'),
            ('probes', 'probes'), ('keys after reload', 'keys_reloaded'), ('start to PONG (s)', 'ready_s'),
            ('"DB loaded from disk" (s)', 'loaded_s'), ('load MB/s (log)', 'load_mbps'),
            ('load MB/s (start to PONG)', 'ready_mbps')]
    f = lambda v: f'{v:.3f}' if isinstance(v, float) else str(v)
    print(f"{'':28}{'redis':>18}{'redactor':>18}{'redactor/redis':>16}")
    for label, k in rows:
        x, y = a.get(k, '-'), b.get(k, '-')
        ok = all(isinstance(v, (int, float)) and v for v in (x, y))  # no ratio with a zero
        print(f"{label:28}{f(x):>18}{f(y):>18}{(f'{y / x:.2f}x' if ok else ''):>16}")

def fork(host, port, rounds, out):
    for i in range(int(rounds)):
        save(host, port, out); x = json.load(open(out))
        print(f"round {i + 1}: latest_fork_usec {x['fork_ms'] * 1000:.0f}  bgsave {x['save_s']:.3f}s  "
              f"probe max {x['max_ms']:.3f}ms p99.9 {x['p999_ms']:.3f}ms ({x['probes']} probes)")

if __name__ == '__main__':
    globals()[sys.argv[1]](*sys.argv[2:])
EOF
py() { python3 "$WORK/b.py" "$@"; }

free_port() { # ip
  python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"
}

start() { # name binary ip port
  mkdir -p "$WORK/$1"
  "$2" --bind "$3" --port "$4" --save "" --appendonly no --dir "$WORK/$1" \
    --dbfilename dump.rdb --logfile "$WORK/$1/log" &
  PID[$1]=$!
}

wait_ping() { # ip port
  for _ in $(seq 300); do [ "$(redis-cli -h "$1" -p "$2" ping 2>/dev/null)" = PONG ] && return; sleep 0.1; done
  echo "server on $1:$2 did not answer" >&2; exit 1
}

stop() { # name
  kill "${PID[$1]}" 2>/dev/null || true
  wait "${PID[$1]}" 2>/dev/null || true
  unset "PID[$1]"
}

load_keys() { # ip port
  echo "loading $KEYS keys into $1:$2" >&2
  py gen "$KEYS" | redis-cli -h "$1" -p "$2" --pipe >/dev/null
}

bench() { # name binary ip
  local port out=$WORK/$1.json
  port=$(free_port "$3")
  start "$1" "$2" "$3" "$port"
  wait_ping "$3" "$port"
  load_keys "$3" "$port"
  echo "$1: saving" >&2
  py save "$3" "$port" "$out"
  py put "$out" dump_bytes "$(stat -c %s "$WORK/$1/dump.rdb")"
  # Keep the dump aside: a server must not overwrite it on the way down.
  cp "$WORK/$1/dump.rdb" "$WORK/$1.rdb"
  stop "$1"
  cp "$WORK/$1.rdb" "$WORK/$1/dump.rdb"
  : >"$WORK/$1/log"
  echo "$1: reloading" >&2
  rm -f "$WORK/t0" "$WORK/t0.armed"
  py ready "$3" "$port" "$WORK/t0" "$out" &
  local poller=$! loaded keys
  while [ ! -e "$WORK/t0.armed" ]; do sleep 0.01; done
  echo "${EPOCHREALTIME/./}" >"$WORK/t0.tmp" && mv "$WORK/t0.tmp" "$WORK/t0"
  start "$1" "$2" "$3" "$port"
  wait "$poller"
  loaded=$(grep -o 'DB loaded from disk: [0-9.]* seconds' "$WORK/$1/log" | grep -o '[0-9.]*' | tail -n 1 || true)
  keys=$(redis-cli -h "$3" -p "$port" dbsize)
  py put "$out" keys_reloaded "$keys" loaded_s "$loaded"
  stop "$1"
}

if [ "$MODE" = fork ]; then
  port=$(free_port 127.0.0.2)
  start redis redis-server 127.0.0.2 "$port"
  wait_ping 127.0.0.2 "$port"
  load_keys 127.0.0.2 "$port"
  py fork 127.0.0.2 "$port" "$ROUNDS" "$WORK/fork.json"
  exit 0
fi

bench redis redis-server 127.0.0.2
bench redactor "$REDACTOR" 127.0.0.3
echo "KEYS=$KEYS  redis: $(redis-server --version | grep -o 'v=[0-9.]*')  redactor: $REDACTOR"
py report "$WORK/redis.json" "$WORK/redactor.json"
