#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""writer.py HOST PORT ID ACKED STOPFILE [INTERVAL_MS]

Runs inside a lab node.  Commits one Logical_Switch row "bw<ID>-<SEQ>" per
transaction to the OVN_Northbound database at HOST:PORT (the VIP), one
every INTERVAL_MS (20), and appends "NAME EPOCH_MS" to ACKED for every
write the server acknowledged, EPOCH_MS being the wall-clock time of the
acknowledgement.  Connections time out fast (0.2 s to connect, 1 s for a
reply) and are retried at once, so that the first acknowledgement after a
failover comes within a few tens of milliseconds of the VIP answering.
Stops when STOPFILE exists (or after 600 s).  Standard library only."""

import json
import os
import socket
import sys
import time


def now_ms():
    return time.time_ns() // 1000000


class Conn:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=0.2)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = ""
        self.dec = json.JSONDecoder()

    def call(self, req_id, method, params, timeout):
        self.sock.sendall(json.dumps({"id": req_id, "method": method,
                                      "params": params}).encode())
        end = time.monotonic() + timeout
        while True:
            self.buf = self.buf.lstrip()
            while self.buf:
                try:
                    msg, n = self.dec.raw_decode(self.buf)
                except ValueError:
                    break
                self.buf = self.buf[n:].lstrip()
                if msg.get("method") == "echo" and "id" in msg:
                    self.sock.sendall(json.dumps(
                        {"id": msg["id"], "result": msg.get("params", []),
                         "error": None}).encode())
                elif msg.get("id") == req_id:
                    return msg
            left = end - time.monotonic()
            if left <= 0:
                raise OSError("timeout")
            self.sock.settimeout(left)
            data = self.sock.recv(65536)
            if not data:
                raise OSError("closed")
            self.buf += data.decode("utf-8", "replace")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def main():
    host, port, wid, acked, stop = sys.argv[1:6]
    interval = (int(sys.argv[6]) if len(sys.argv) > 6 else 20) / 1000.0
    fd = os.open(acked, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    end = time.monotonic() + 600
    conn = None
    seq = 0
    while time.monotonic() < end and not os.path.exists(stop):
        if conn is None:
            try:
                conn = Conn(host, int(port))
            except OSError:
                conn = None
                time.sleep(0.01)
                continue
        seq += 1
        name = "bw%s-%d" % (wid, seq)
        try:
            reply = conn.call(seq, "transact",
                              ["OVN_Northbound",
                               {"op": "insert", "table": "Logical_Switch",
                                "row": {"name": name}}], 1.0)
        except (OSError, ValueError):
            conn.close()
            conn = None
            continue
        result = reply.get("result")
        if reply.get("error") is None and isinstance(result, list) \
                and result and isinstance(result[0], dict) \
                and "uuid" in result[0] \
                and not any(isinstance(r, dict) and r.get("error")
                            for r in result):
            os.write(fd, ("%s %d\n" % (name, now_ms())).encode())
            time.sleep(interval)
        else:
            # Refused (a read-only backup behind the VIP): reconnect.
            conn.close()
            conn = None
            time.sleep(0.01)
    os.close(fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
