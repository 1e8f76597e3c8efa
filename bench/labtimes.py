#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""labtimes.py LAB_DIR FAULT VICTIM T0_MS

Reads the lab nodes' corosync and Pacemaker logs (millisecond timestamps,
local time) and prints, as one JSON object, when the cluster saw a fault
injected at T0_MS (epoch ms) and what it did next, each in ms after T0:

  detect        crash: the first new corosync membership formed on a
                surviving node; kill: the first failed result of the
                victim's monitor (any rc other than 0 and 8)
  decide        the first action the cluster initiated on the clone or
                the VIP (a new DC is elected first if the victim was it)
  promoted      the first successful promote of ovndb_servers after T0,
                and its node
  vip_started   the first successful start of the VIP after T0

Missing events are null."""

import glob
import json
import os
import re
import sys
import time
from datetime import datetime

STAMP = re.compile(r"^([A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d\.\d{3}) ")


def stamp_ms(text, year):
    dt = datetime.strptime("%d %s" % (year, text), "%Y %b %d %H:%M:%S.%f")
    return int(dt.timestamp() * 1000)


def events(path, year, t0, pattern):
    """(ms, match) of every line after t0 matching 'pattern'."""
    out = []
    try:
        f = open(path, errors="replace")
    except OSError:
        return out
    with f:
        for line in f:
            m = pattern.search(line)
            if not m:
                continue
            s = STAMP.match(line)
            if not s:
                continue
            ms = stamp_ms(s.group(1), year)
            if ms >= t0:
                out.append((ms, m))
    return out


def first(items):
    return min(items, key=lambda x: x[0]) if items else None


def main():
    lab, fault, victim, t0 = sys.argv[1], sys.argv[2], sys.argv[3], \
        int(sys.argv[4])
    year = time.localtime(t0 / 1000).tm_year
    nodes = sorted(os.path.basename(d) for d in glob.glob(lab + "/node*"))
    pm = {n: "%s/%s/var-log-pacemaker/pacemaker.log" % (lab, n)
          for n in nodes}
    cs = {n: "%s/%s/var-log-corosync/corosync.log" % (lab, n) for n in nodes}
    out = {"detect": None, "decide": None, "promoted": None,
           "promoted_node": None, "vip_started": None}

    if fault == "crash":
        pat = re.compile(r"A new membership \(.*\) was formed\. Members left")
        ev = first([e for n in nodes if n != victim
                    for e in events(cs[n], year, t0, pat)])
    else:
        pat = re.compile(r"Result of monitor operation for ovndb_servers on "
                         r"%s: .* rc=(\d+)" % re.escape(victim))
        ev = first([e for e in events(pm[victim], year, t0, pat)
                    if e[1].group(1) not in ("0", "8")])
    if ev:
        out["detect"] = ev[0] - t0

    # The cluster decided to act: the first action the DC initiates on the
    # clone or its VIP (after a new DC is elected, if the victim was it).
    pat = re.compile(r"Initiating \S+ operation ovndb_servers")
    ev = first([e for n in nodes for e in events(pm[n], year, t0, pat)])
    if ev:
        out["decide"] = ev[0] - t0

    pat = re.compile(r"Result of promote operation for ovndb_servers on "
                     r"(\S+): ok")
    ev = first([e for n in nodes for e in events(pm[n], year, t0, pat)])
    if ev:
        out["promoted"] = ev[0] - t0
        out["promoted_node"] = ev[1].group(1)

    pat = re.compile(r"Result of start operation for ovndb_servers_vip on "
                     r"(\S+): ok")
    ev = first([e for n in nodes for e in events(pm[n], year, t0, pat)])
    if ev:
        out["vip_started"] = ev[0] - t0
    print(json.dumps(out))


if __name__ == "__main__":
    main()
