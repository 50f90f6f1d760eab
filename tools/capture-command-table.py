#!/usr/bin/env python3
"""Captures real Redis's command metadata (COMMAND INFO and COMMAND DOCS, as RESP3 bytes) into
actors/src/cmd/server/meta/, where the COMMAND command serves it for the commands Redactor has.

    redis-server --port 7777 --bind 127.0.0.1 --save '' &
    tools/capture-command-table.py 7777

The files are facts about Redis 7.0.15 (names, arities, flags, key specs, documentation), so
COMMAND INFO/DOCS answer byte for byte as Redis does, and redis-cli gets its hints.
"""
import os
import socket
import sys


def read_reply(sock, buf):
    """Reads one complete RESP3 reply; returns (raw bytes, rest of buffer)."""
    def need(n):
        nonlocal buf
        while len(buf) < n:
            chunk = sock.recv(1 << 16)
            if not chunk:
                raise EOFError
            buf += chunk

    def line(pos):
        while True:
            i = buf.find(b"\r\n", pos)
            if i >= 0:
                return i
            need(len(buf) + 1)

    def skip(pos):
        need(pos + 1)
        t = buf[pos:pos + 1]
        end = line(pos)
        head = buf[pos + 1:end]
        pos = end + 2
        if t in b"$=!":
            n = int(head)
            if n < 0:
                return pos
            need(pos + n + 2)
            return pos + n + 2
        if t in b"*~>":
            n = int(head)
            for _ in range(max(n, 0)):
                pos = skip(pos)
            return pos
        if t in b"%|":
            for _ in range(2 * int(head)):
                pos = skip(pos)
            if t == b"|":
                pos = skip(pos)
            return pos
        return pos

    end = skip(0)
    return buf[:end], buf[end:]


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 6379
    s = socket.create_connection(("127.0.0.1", port))
    buf = b""
    out = {}
    for name, cmd in [("hello", b"HELLO 3\r\n"), ("version", b"INFO server\r\n"),
                      ("info", b"COMMAND INFO\r\n"), ("docs", b"COMMAND DOCS\r\n")]:
        s.sendall(cmd)
        out[name], buf = read_reply(s, buf)
    if b"redis_version:7.0.15" not in out["version"]:
        sys.exit("expected redis_version:7.0.15")
    here = os.path.dirname(os.path.abspath(__file__))
    dest = os.path.join(here, "..", "actors", "src", "cmd", "server", "meta")
    os.makedirs(dest, exist_ok=True)
    for name in ("info", "docs"):
        with open(os.path.join(dest, f"command-{name}.resp3"), "wb") as f:
            f.write(out[name])
        print(name, len(out[name]), "bytes")


if __name__ == "__main__":
    main()
