"""The seed's redis-py session, run by tests/seed_session.rs.

usage: seed_session.py HOST PORT PROTOCOL   (PROTOCOL: default, 2 or 3)
Prints SEED-SESSION-OK at the end; any failed check raises.
"""
import sys

import redis
import redis.backoff
import redis.retry

host, port, proto = sys.argv[1], int(sys.argv[2]), sys.argv[3]
kw = {} if proto == "default" else {"protocol": int(proto)}

# The seed's session, as written.
r = redis.Redis(host=host, port=port, password="redis", **kw)
result = r.set("QF", "www.qfedu.com")
assert result is True, result
value = r.get("QF")
assert value == b"www.qfedu.com", value
assert value.decode() == "www.qfedu.com", value.decode()
print("get QF:", value.decode())

# One pool shared by two clients.
pool = redis.ConnectionPool(host=host, port=port, password="redis", **kw)
r1 = redis.Redis(connection_pool=pool)
r2 = redis.Redis(connection_pool=pool)
assert r1.set("foo", "bar") is True
assert r2.get("foo") == b"bar", r2.get("foo")
assert r1.get("foo") == b"bar"
print("pool get foo:", r2.get("foo").decode())

# A few more of what a client session does.
assert r.ping() is True
assert r.exists("QF", "foo", "nosuch") == 2
assert r.get("nosuch") is None
assert r.incr("counter") == 1
assert r.incrby("counter", 41) == 42
assert r.expire("QF", 100) is True
ttl = r.ttl("QF")
assert 99 <= ttl <= 100, ttl
assert r.delete("counter") == 1
text = redis.Redis(host=host, port=port, password="redis", decode_responses=True, **kw)
assert text.get("QF") == "www.qfedu.com"
assert text.info("replication")["role"] == "master"

# Wrong and missing passwords (no retries: they would only wait).
no_retry = redis.retry.Retry(redis.backoff.NoBackoff(), 0)
try:
    redis.Redis(host=host, port=port, password="wrong", retry=no_retry, **kw).ping()
    raise SystemExit("a wrong password was accepted")
except redis.exceptions.AuthenticationError as e:
    print("wrong password:", e)
try:
    redis.Redis(host=host, port=port, retry=no_retry, **kw).get("QF")
    raise SystemExit("no password was accepted")
except redis.exceptions.AuthenticationError as e:
    print("no password:", e)

pool.disconnect()
print("SEED-SESSION-OK", proto)
