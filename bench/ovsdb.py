# SPDX-License-Identifier: Apache-2.0
"""Small helpers shared by the bench scripts: database templates, a
JSON-RPC client for ovsdb-server's unixctl and database sockets, and the
network-namespace switch.  Standard library only."""

import ctypes
import hashlib
import json
import os
import socket
import time
import uuid

NB_SCHEMA = "/usr/share/ovn/ovn-nb.ovsschema"
SB_SCHEMA = "/usr/share/ovn/ovn-sb.ovsschema"
DB_NAMES = {"nb": "OVN_Northbound", "sb": "OVN_Southbound"}

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    """Moves the calling thread into the network namespace open as 'fd'."""
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "setns: %s" % os.strerror(err))


def _record(obj):
    text = json.dumps(obj, separators=(",", ":")).encode() + b"\n"
    return b"OVSDB JSON %d %s\n" % (len(text),
                                    hashlib.sha1(text).hexdigest().encode()) \
        + text


def make_db(path, which, rows):
    """Writes a standalone database file for 'which' ("nb" or "sb") with its
    global row and 'rows' rows (NB: Logical_Switch, SB: Logical_Flow), in
    ovsdb-server's own file format (a schema record, then one transaction
    record).  The global row's external_ids carry bench_rows=ROWS."""
    schema_file = NB_SCHEMA if which == "nb" else SB_SCHEMA
    with open(schema_file) as f:
        schema = json.load(f)
    rnd = uuid.UUID(int=0x0bec0000000000000000000000000000)
    txn = {"_date": 1700000000000, "_comment": "ovndbbench template"}
    glob = "NB_Global" if which == "nb" else "SB_Global"
    txn[glob] = {str(uuid.uuid5(rnd, glob)): {
        "external_ids": ["map", [["bench_rows", str(rows)]]]}}
    table = {}
    for i in range(rows):
        key = str(uuid.uuid5(rnd, "%s%d" % (which, i)))
        if which == "nb":
            table[key] = {"name": "ls%d" % i,
                          "external_ids": ["map", [["bench", str(i)]]]}
        else:
            table[key] = {"pipeline": "ingress" if i % 2 else "egress",
                          "table_id": i % 30, "priority": 100 + i % 1000,
                          "match": "ip4.dst == 10.%d.%d.%d" % (
                              (i >> 16) & 255, (i >> 8) & 255, i & 255),
                          "actions": "next;"}
    if rows:
        txn["Logical_Switch" if which == "nb" else "Logical_Flow"] = table
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(_record(schema))
        f.write(_record(txn))
    os.rename(tmp, path)


class RpcError(Exception):
    pass


def rpc(path, method, params, timeout=5.0):
    """One JSON-RPC request on the Unix socket 'path'; returns the reply's
    result.  Raises RpcError or OSError."""
    deadline = time.monotonic() + timeout
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall(json.dumps({"id": 1, "method": method,
                              "params": params}).encode())
        buf = b""
        dec = json.JSONDecoder()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RpcError("timeout")
            s.settimeout(left)
            data = s.recv(1 << 20)
            if not data:
                raise RpcError("connection closed")
            buf += data
            text = buf.decode("utf-8", "replace").lstrip()
            while text:
                try:
                    msg, end = dec.raw_decode(text)
                except ValueError:
                    break
                text = text[end:].lstrip()
                if isinstance(msg, dict) and msg.get("id") == 1:
                    if msg.get("error") is not None:
                        raise RpcError(str(msg["error"]))
                    return msg.get("result")
            buf = text.encode()
    finally:
        s.close()


def sync_status(ctl, timeout=2.0):
    """{'state': ..., 'replicating': ..., 'connecting': ...} of a server."""
    out = {}
    text = rpc(ctl, "ovsdb-server/sync-status", [], timeout)
    for line in (text or "").splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            out.setdefault(k.strip(), v.strip())
    return out


def bench_rows(sock, which, timeout=2.0):
    """The bench_rows marker of the database behind 'sock', or None."""
    glob = "NB_Global" if which == "nb" else "SB_Global"
    res = rpc(sock, "transact",
              [DB_NAMES[which], {"op": "select", "table": glob, "where": [],
                                 "columns": ["external_ids"]}], timeout)
    for row in res[0].get("rows", []):
        for k, v in row["external_ids"][1]:
            if k == "bench_rows":
                return int(v)
    return None


def count_rows(sock, which, timeout=30.0):
    """Number of rows of the bench table (Logical_Switch / Logical_Flow)."""
    table = "Logical_Switch" if which == "nb" else "Logical_Flow"
    # Not "columns": []: identical (empty) rows would be merged.
    res = rpc(sock, "transact",
              [DB_NAMES[which], {"op": "select", "table": table,
                                 "where": [], "columns": ["_uuid"]}],
              timeout)
    return len(res[0].get("rows", []))


def writable(sock, which, timeout=2.0):
    """True if the database accepts a (side-effect-free) commit."""
    try:
        res = rpc(sock, "transact",
                  [DB_NAMES[which], {"op": "commit", "durable": False}],
                  timeout)
    except RpcError:
        return False
    return res == [{}]
