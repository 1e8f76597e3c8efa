#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A TCP relay whose established connections can be silently stalled.

stallproxy.py LISTEN_ADDR TARGET_ADDR PORT... [--ready FILE] [--max-s N]

Listens on LISTEN_ADDR:PORT for each PORT and relays every connection to
TARGET_ADDR:PORT.  On SIGUSR1, every connection open at that moment stops
passing bytes in either direction, and neither side sees it closed (what a
firewall that drops a flow's packets looks like); connections accepted
later are relayed normally, until the next SIGUSR1.  SIGTERM (or --max-s
seconds, 300 by default) ends it.  Writes FILE once it listens.  Only for
loopback addresses the test owns.
"""

import selectors
import signal
import socket
import sys
import time

BUF = 65536


def main():
    args = sys.argv[1:]
    ready, max_s = None, 300.0
    if "--ready" in args:
        i = args.index("--ready")
        ready = args[i + 1]
        del args[i:i + 2]
    if "--max-s" in args:
        i = args.index("--max-s")
        max_s = float(args[i + 1])
        del args[i:i + 2]
    listen_addr, target_addr, ports = args[0], args[1], args[2:]
    if not ports:
        sys.exit("usage: stallproxy.py LISTEN TARGET PORT...")

    sel = selectors.DefaultSelector()
    frozen = []                 # sockets kept open, never serviced again
    pairs = {}                  # socket -> peer socket
    freeze = [False]
    stop = [False]

    signal.signal(signal.SIGUSR1, lambda *_: freeze.__setitem__(0, True))
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))

    for port in ports:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((listen_addr, int(port)))
        ls.listen(16)
        sel.register(ls, selectors.EVENT_READ, ("listen", int(port)))
    if ready:
        with open(ready, "w") as f:
            f.write("ready\n")

    def close_pair(s):
        peer = pairs.pop(s, None)
        for x in (s, peer):
            if x is None:
                continue
            pairs.pop(x, None)
            try:
                sel.unregister(x)
            except (KeyError, ValueError):
                pass
            x.close()

    end = time.monotonic() + max_s
    while not stop[0] and time.monotonic() < end:
        if freeze[0]:
            freeze[0] = False
            for s in list(pairs):
                try:
                    sel.unregister(s)
                except (KeyError, ValueError):
                    pass
                frozen.append(s)
            pairs.clear()
        for key, _ in sel.select(timeout=0.2):
            s, data = key.fileobj, key.data
            if data[0] == "listen":
                try:
                    c, _ = s.accept()
                except OSError:
                    continue
                t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                t.settimeout(2)
                try:
                    t.connect((target_addr, data[1]))
                except OSError:
                    c.close()
                    t.close()
                    continue
                t.setblocking(True)
                pairs[c], pairs[t] = t, c
                sel.register(c, selectors.EVENT_READ, ("relay",))
                sel.register(t, selectors.EVENT_READ, ("relay",))
                continue
            if s not in pairs:
                continue
            try:
                buf = s.recv(BUF)
            except OSError:
                buf = b""
            if not buf:
                close_pair(s)
                continue
            try:
                pairs[s].sendall(buf)
            except OSError:
                close_pair(s)
    for s in list(pairs) + frozen:
        s.close()


if __name__ == "__main__":
    main()
