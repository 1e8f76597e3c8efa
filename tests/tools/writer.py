#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Saturating OVSDB writer for the switchover test.

Connects over TCP to an ovsdb-server (through the virtual IP) and commits
numbered Logical_Switch rows "w<ID>-<SEQ>" as fast as it can, one
transaction per row, with raw JSON-RPC (bare JSON objects, parsed
incrementally; "echo" requests are answered, notifications ignored).

Every name is written to exactly one of three files, one line each
("NAME EPOCH_NS"), written unbuffered as soon as the outcome is known, so
that nothing is lost when the writer is stopped:

  ACKED     the server replied and no operation of the transaction failed
            (the only writes that must survive a switchover);
  UNKNOWN   the request was (maybe) sent but no reply came: timeout,
            connection reset or closed; it may or may not have committed;
  REFUSED   the server replied with an error ("not allowed" from a
            read-only backup, ...): not committed.

A failed row is never retried under the same name: the next attempt takes
the next sequence number.  After any failure the writer reconnects after a
short pause (10-50 ms).  It stops when the stop file exists or the time
limit passes, and prints its counts as one JSON line.

With --burst-file, the writer commits as fast as it can only while that
file exists and at most --idle-rate rows a second otherwise (it keeps its
connection and keeps writing): the test bursts around each switchover and
keeps the database small in between, since every backup resynchronises
the whole database from each new active.

Standard library only.
"""

import argparse
import codecs
import json
import os
import random
import socket
import sys
import time


class Failure(Exception):
    """The connection failed once the request may have left: its outcome
    is unknown."""


def now_ns():
    return time.time_ns()


class Conn:
    """One JSON-RPC connection with an incremental reader."""

    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = ""
        self.decoder = json.JSONDecoder()
        self.dec = codecs.getincrementaldecoder("utf-8")()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, obj):
        self.sock.sendall(json.dumps(obj, separators=(",", ":"))
                          .encode("utf-8"))

    def _next_message(self):
        """Returns one complete message from the buffer, or None."""
        self.buf = self.buf.lstrip()
        if not self.buf:
            return None
        try:
            msg, end = self.decoder.raw_decode(self.buf)
        except ValueError:
            if len(self.buf) > 64 * 1024 * 1024:
                raise Failure("reply too large or malformed")
            return None         # Incomplete: read more.
        self.buf = self.buf[end:]
        return msg

    def call(self, req_id, method, params, deadline):
        """Sends a request and returns its reply, answering echo requests
        and skipping notifications.  Raises Failure on any problem once the
        request may have left (timeout at 'deadline' included)."""
        try:
            self.send({"id": req_id, "method": method, "params": params})
        except OSError as e:
            # Part of it may have been sent: treat as unknown.
            raise Failure("send: %s" % e) from e
        while True:
            msg = self._next_message()
            while msg is not None:
                if not isinstance(msg, dict):
                    raise Failure("not a JSON object: %r" % (msg,))
                if msg.get("method") == "echo" and "id" in msg:
                    try:
                        self.send({"id": msg["id"],
                                   "result": msg.get("params", []),
                                   "error": None})
                    except OSError as e:
                        raise Failure("echo reply: %s" % e) from e
                elif "method" in msg:
                    pass        # A notification (or a request we ignore).
                elif msg.get("id") == req_id:
                    return msg
                msg = self._next_message()
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure("timeout")
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout as e:
                raise Failure("timeout") from e
            except OSError as e:
                raise Failure("recv: %s" % e) from e
            if not data:
                raise Failure("connection closed")
            self.buf += self.dec.decode(data)


def outcome(reply):
    """'acked' or 'refused' (with a reason) for a transact reply."""
    if reply.get("error") is not None:
        return "refused", str(reply.get("error"))
    result = reply.get("result")
    if not isinstance(result, list):
        return "refused", "result is not an array"
    for op in result:
        if isinstance(op, dict) and op.get("error") is not None:
            return "refused", str(op.get("error"))
    if not result or not isinstance(result[0], dict) \
            or "uuid" not in result[0]:
        return "refused", "no uuid for the insert"
    return "acked", ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, default=6641)
    ap.add_argument("--id", required=True, help="writer id (name prefix)")
    ap.add_argument("--acked", required=True)
    ap.add_argument("--unknown", required=True)
    ap.add_argument("--refused", required=True)
    ap.add_argument("--stop-file", required=True)
    ap.add_argument("--duration", type=float, default=300.0,
                    help="time limit in seconds")
    ap.add_argument("--timeout", type=float, default=2.0,
                    help="per-call (connect, transact) timeout, seconds")
    ap.add_argument("--burst-file",
                    help="full speed only while this file exists")
    ap.add_argument("--idle-rate", type=float, default=20.0,
                    help="rows a second outside bursts (with --burst-file)")
    args = ap.parse_args()

    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    fd_acked = os.open(args.acked, flags, 0o644)
    fd_unknown = os.open(args.unknown, flags, 0o644)
    fd_refused = os.open(args.refused, flags, 0o644)

    def record(fd, name):
        os.write(fd, ("%s %d\n" % (name, now_ns())).encode())

    counts = {"acked": 0, "unknown": 0, "refused": 0, "connect_failures": 0,
              "connections": 0}
    reasons = {}
    start = time.monotonic()
    end = start + args.duration
    seq = 0
    req_id = 0
    conn = None
    checked = 0.0
    burst = True
    next_write = 0.0

    def pause():
        time.sleep(random.uniform(0.010, 0.050))

    while True:
        t = time.monotonic()
        if t >= end:
            break
        if t - checked >= 0.01:         # Cheap enough: 100 stats a second.
            checked = t
            if os.path.exists(args.stop_file):
                break
            burst = (args.burst_file is None
                     or os.path.exists(args.burst_file))
        if not burst:
            if t < next_write:
                time.sleep(min(next_write - t, 0.01))
                continue
            next_write = t + 1.0 / max(args.idle_rate, 0.1)
        if conn is None:
            try:
                conn = Conn(args.host, args.port,
                            min(args.timeout, max(end - t, 0.01)))
                counts["connections"] += 1
            except OSError as e:
                counts["connect_failures"] += 1
                key = "connect: %s" % (e.strerror or type(e).__name__)
                reasons[key] = reasons.get(key, 0) + 1
                conn = None
                pause()
                continue
        seq += 1
        req_id += 1
        name = "w%s-%d" % (args.id, seq)
        params = ["OVN_Northbound",
                  {"op": "insert", "table": "Logical_Switch",
                   "row": {"name": name}}]
        try:
            reply = conn.call(req_id, "transact", params,
                              time.monotonic() + args.timeout)
        except Failure as e:
            counts["unknown"] += 1
            record(fd_unknown, name)
            key = "unknown: %s" % e
            reasons[key] = reasons.get(key, 0) + 1
            conn.close()
            conn = None
            pause()
            continue
        kind, why = outcome(reply)
        if kind == "acked":
            counts["acked"] += 1
            record(fd_acked, name)
        else:
            counts["refused"] += 1
            record(fd_refused, name)
            key = "refused: %s" % why
            reasons[key] = reasons.get(key, 0) + 1
            conn.close()
            conn = None
            pause()

    if conn is not None:
        conn.close()
    for fd in (fd_acked, fd_unknown, fd_refused):
        os.close(fd)
    elapsed = time.monotonic() - start
    counts["seconds"] = round(elapsed, 3)
    counts["rate"] = round(counts["acked"] / elapsed, 1) if elapsed else 0
    counts["reasons"] = reasons
    print(json.dumps({"writer": args.id, **counts}, sort_keys=True))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
