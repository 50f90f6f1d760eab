"""redis-py's Sentinel client, driven one command per stdin line by tests/sentinel.rs.

Usage: sentinel_client.py HOST:PORT...   (the Sentinels)

Commands and answers (one line each, `OK ...` or `ERR ...`):
  master          -> OK <ip>:<port>            Sentinel.discover_master
  write KEY VALUE -> OK <ip>:<port>            master_for(...).set, retried on connection
                                               errors for up to 30 s; the address written to
  read KEY        -> OK <value> <ip>:<port>    slave_for(...).get, retried until the value
                                               is there (30 s); the address read from
  quit            -> OK bye
"""

import sys
import time

import redis
from redis.sentinel import Sentinel

NAME = "mymaster"
PASSWORD = "redis"
RETRY_FOR = 30.0
# Errors a client sees while the master is dead or being replaced.
TRANSIENT = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.ReadOnlyError,
    redis.exceptions.ResponseError,
)


def say(line):
    print(line, flush=True)


def peer(client):
    """Address of the connection the last command used."""
    pool = client.connection_pool
    try:
        conn = pool.get_connection()
    except TypeError:  # redis-py before 5.3 wants a command name
        conn = pool.get_connection("PING")
    try:
        return "%s:%s" % (conn.host, conn.port)
    finally:
        pool.release(conn)


def main():
    sentinels = []
    for a in sys.argv[1:]:
        host, port = a.rsplit(":", 1)
        sentinels.append((host, int(port)))
    sentinel = Sentinel(sentinels, socket_timeout=1.0)
    master = sentinel.master_for(NAME, password=PASSWORD, socket_timeout=1.0)
    replica = sentinel.slave_for(NAME, password=PASSWORD, socket_timeout=1.0)

    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        cmd, args = words[0], words[1:]
        deadline = time.monotonic() + RETRY_FOR
        last = None
        while True:
            try:
                if cmd == "master":
                    ip, port = sentinel.discover_master(NAME)
                    say("OK %s:%s" % (ip, port))
                elif cmd == "write":
                    assert master.set(args[0], args[1]) is True
                    assert master.get(args[0]) == args[1].encode()
                    say("OK %s" % peer(master))
                elif cmd == "read":
                    got = replica.get(args[0])
                    if got is None:
                        raise redis.exceptions.ConnectionError("not there yet")
                    say("OK %s %s" % (got.decode(), peer(replica)))
                elif cmd == "quit":
                    say("OK bye")
                    return
                else:
                    say("ERR unknown command %r" % cmd)
                break
            except TRANSIENT as e:
                last = e
                say("retry %s: %r" % (cmd, e))
                if time.monotonic() > deadline:
                    say("ERR %s gave up after %.0fs: %r" % (cmd, RETRY_FOR, last))
                    break
                time.sleep(0.2)


if __name__ == "__main__":
    main()
