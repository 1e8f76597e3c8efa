#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""livemon.py - the steady-state monitor in a live lab node (bench part 5;
bench/livemon.sh drives it).

  livemon.py run --env FILE --agent PATH --runs N --out FILE
      inside a lab node: runs "PATH monitor" N times (after one warm-up
      run) with exactly the environment in FILE (NUL-separated, as
      /proc/PID/environ: one real recurring monitor's, captured from
      Pacemaker), each spawned and reaped like pacemaker-execd does
      (fork/exec, wait4): wall time from spawn to reap, CPU (user+sys of
      the agent and every child it reaped), exit code, and after each run
      the same for /bin/true (a program start).  Then 3 more runs
      under strace -f -e trace=execve (programs executed, attrd/CIB write
      requests).
  livemon.py perf --script FILE --execd NODE=PID... --agent PATH
      parses "perf script" output of the sched_process_fork/exec/exit and
      sys_exit_wait4 tracepoints: every process pacemaker-execd forked to
      run an agent, from its fork to execd's wait4() that reaped it, with
      the programs its process tree executed.
  livemon.py cibstate --cib FILE --node NODE...
      the CIB's version and what a monitor could write: the nodes'
      transient and permanent attributes, the status records of the
      resources' operations.
  livemon.py collect --dir DIR --agent NAME --agent-path PATH --floor PATH
      one JSON line of everything bench/livemon.sh left in DIR.
"""

import argparse
import json
import os
import re
import shutil
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import parse_strace  # noqa: E402

STRACE = shutil.which("strace") or "/usr/bin/strace"


def read_env(path):
    env = {}
    with open(path, "rb") as f:
        for item in f.read().split(b"\0"):
            if b"=" in item:
                k, v = item.split(b"=", 1)
                env[k.decode()] = v.decode()
    return env


def spawn(argv, env, cwd, out):
    """One run as pacemaker-execd makes it: stdin /dev/null, stdout and
    stderr to a file (execd: pipes it reads), reaped with wait4()."""
    fl = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    fa = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
          (os.POSIX_SPAWN_OPEN, 1, out, fl, 0o644),
          (os.POSIX_SPAWN_OPEN, 2, out, fl, 0o644)]
    os.chdir(cwd)
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=fa)
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter_ns()
    return {"wall": (t1 - t0) / 1e6,
            "cpu": (ru.ru_utime + ru.ru_stime) * 1000.0,
            "rc": os.waitstatus_to_exitcode(status)}


def cmd_run(args):
    env = read_env(args.env)
    out = args.out + ".agent-output"
    argv = [args.agent, "monitor"]
    spawn(argv, env, args.cwd, out)            # warm-up, not counted
    runs = []
    starts = []
    for _ in range(args.runs):
        runs.append(spawn(argv, env, args.cwd, out))
        # What starting any program costs in the node at that moment:
        # /bin/true, spawned the same way, between two monitors.
        starts.append(spawn(["/bin/true"], env, args.cwd, out))
        time.sleep(args.pause)
    traces = []
    for i in range(args.strace_runs):
        trace = "%s.strace.%d" % (args.out, i)
        r = spawn([STRACE, "-f", "-q", "-s", "256", "-e", "trace=execve",
                   "-o", trace] + argv, env, args.cwd, out)
        p = parse_strace(trace)
        p["rc"] = r["rc"]
        traces.append(p)
        time.sleep(args.pause)
    with open(args.out, "w") as f:
        json.dump({"runs": runs, "strace": traces, "true": starts}, f)
    return 0


FORK = re.compile(r"^\s*(\S.*?)\s+(\d+)/(\d+)\s+([\d.]+):\s+"
                  r"sched:sched_process_fork: comm=.* pid=(\d+) "
                  r"child_comm=.* child_pid=(\d+)")
EXEC = re.compile(r"^\s*(\S.*?)\s+(\d+)/(\d+)\s+([\d.]+):\s+"
                  r"sched:sched_process_exec: filename=(\S+) pid=(\d+)")
EXIT = re.compile(r"^\s*(\S.*?)\s+(\d+)/(\d+)\s+([\d.]+):\s+"
                  r"sched:sched_process_exit: comm=.* pid=(\d+) ")
WAIT = re.compile(r"^\s*(\S.*?)\s+(\d+)/(\d+)\s+([\d.]+):\s+"
                  r"syscalls:sys_exit_wait4: (0x[0-9a-f]+)")


def cmd_perf(args):
    """Every agent run pacemaker-execd made in the window: fork → the
    wait4() that reaped it, per node and agent path."""
    execd = {}
    for item in args.execd:
        node, pid = item.split("=")
        execd[int(pid)] = node
    parent = {}           # pid -> parent pid (forks seen)
    forked = {}           # child of execd -> (node, fork time)
    execs = {}            # pid -> [filename...]
    exited = {}           # pid -> exit time
    waits = {}            # execd -> [(time, PID in the node)] of wait4()
    with open(args.script, errors="replace") as f:
        for line in f:
            m = FORK.match(line)
            if m:
                child = int(m.group(6))
                parent[child] = int(m.group(2))
                if int(m.group(2)) in execd:
                    forked[child] = (execd[int(m.group(2))],
                                     float(m.group(4)))
                continue
            m = EXEC.match(line)
            if m:
                execs.setdefault(int(m.group(6)), []).append(m.group(5))
                continue
            m = EXIT.match(line)
            if m:
                exited.setdefault(int(m.group(5)), float(m.group(4)))
                continue
            m = WAIT.match(line)
            if m and int(m.group(2)) in execd:
                ret = int(m.group(5), 16)
                if 0 < ret < 1 << 31:
                    waits.setdefault(int(m.group(2)), []).append(
                        (float(m.group(4)), ret))
    # wait4() returns the PID in the node's PID namespace, the tracepoints
    # give the machine's: each child is matched to the first wait4() of
    # its execd that returned a child after the child's exit (execd reaps
    # on SIGCHLD; two children ending within one of its loops could be
    # swapped, by microseconds).
    reaped = {}
    for epid, ws in waits.items():
        ws.sort()
        used = [False] * len(ws)
        kids = sorted((exited[c], c) for c in forked
                      if c in exited and parent.get(c) == epid)
        j0 = 0
        for t_exit, c in kids:
            for j in range(j0, len(ws)):
                if not used[j] and ws[j][0] >= t_exit:
                    used[j] = True
                    reaped[c] = ws[j][0]
                    break
            while j0 < len(ws) and used[j0]:
                j0 += 1
    # Descendants of each execd child: walk the parent map up.
    tree = {}
    for pid in parent:
        p, seen = pid, 0
        while p in parent and p not in forked and seen < 64:
            p = parent[p]
            seen += 1
        if p in forked:
            tree.setdefault(p, []).append(pid)
    runs = []
    for child, (node, t_fork) in sorted(forked.items(),
                                         key=lambda kv: kv[1][1]):
        files = execs.get(child, [])
        if not files:
            continue
        progs = len(files) + sum(len(execs.get(d, []))
                                 for d in tree.get(child, []) if d != child)
        runs.append({
            "node": node, "agent": files[0], "t": t_fork,
            "reap_ms": (reaped[child] - t_fork) * 1000.0
            if child in reaped else None,
            "exit_ms": (exited[child] - t_fork) * 1000.0
            if child in exited else None,
            "programs": progs})
    json.dump({"runs": runs}, sys.stdout)
    return 0


def cmd_cibstate(args):
    import xml.etree.ElementTree as ET
    root = ET.parse(args.cib).getroot()
    out = {k: root.get(k) for k in ("admin_epoch", "epoch", "num_updates")}
    out["nodes"] = {}
    ids = {}
    for n in root.iter("node"):
        ids[n.get("id")] = n.get("uname")
        if n.get("uname") in args.node:
            d = out["nodes"].setdefault(n.get("uname"), {})
            for nv in n.iter("nvpair"):
                d["node:" + nv.get("name")] = nv.get("value")
    for st in root.iter("node_state"):
        name = st.get("uname") or ids.get(st.get("id"))
        if name not in args.node:
            continue
        d = out["nodes"].setdefault(name, {})
        for ta in st.iter("transient_attributes"):
            for nv in ta.iter("nvpair"):
                d["transient:" + nv.get("name")] = nv.get("value")
        for r in st.iter("lrm_resource"):
            for op in r.iter("lrm_rsc_op"):
                d["op:" + op.get("id")] = {
                    k: op.get(k) for k in ("call-id", "rc-code",
                                           "exec-time", "queue-time",
                                           "last-rc-change", "interval")}
    json.dump(out, sys.stdout)
    return 0


def load(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def lines(path):
    try:
        with open(path) as f:
            return [x.strip() for x in f if x.strip()]
    except OSError:
        return []


def cmd_collect(args):
    """One JSON line: everything livemon.sh left in --dir for one agent."""
    d = args.dir
    out = {"agent": args.agent, "agent_path": args.agent_path,
           "not_measured": args.not_measured,
           "notes": lines(os.path.join(d, "notes")),
           "promoted": (lines(os.path.join(d, "promoted")) or [None])[0],
           "unpromoted": lines(os.path.join(d, "unpromoted")),
           "window_s": int((lines(os.path.join(d, "window")) or [0])[0]),
           "runs": int((lines(os.path.join(d, "runs")) or [0])[0]),
           "seconds": int((lines(os.path.join(d, "seconds")) or [0])[0])}
    nodes = [out["promoted"]] + out["unpromoted"] if out["promoted"] else []
    out["env"] = {}
    for n in nodes:
        try:
            env = read_env(os.path.join(d, "env-" + n))
        except OSError:
            continue
        if env:
            out["env"][n] = env
    perf = load(os.path.join(d, "perf.json"), {}).get("runs", [])
    out["pacemaker"] = {}
    for n in nodes:
        mine = [r for r in perf if r["node"] == n]
        out["pacemaker"][n] = {
            "agent": [r for r in mine if r["agent"] == args.agent_path],
            "floor": [r for r in mine if r["agent"] == args.floor]}
    out["cib_window"] = {
        "before": load(os.path.join(d, "window-before.json")),
        "after": load(os.path.join(d, "window-after.json"))}
    out["inode"] = {}
    for n in nodes:
        r = load(os.path.join(d, "run-%s.json" % n))
        if r is None:
            continue
        r["cib_before"] = load(os.path.join(d, "cib-%s-before.json" % n))
        r["cib_after"] = load(os.path.join(d, "cib-%s-after.json" % n))
        out["inode"][n] = r
    print(json.dumps(out))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--env", required=True)
    r.add_argument("--agent", required=True)
    r.add_argument("--runs", type=int, default=30)
    r.add_argument("--strace-runs", type=int, default=3)
    r.add_argument("--pause", type=float, default=0.05)
    r.add_argument("--cwd", default="/")
    r.add_argument("--out", required=True)
    p = sub.add_parser("perf")
    p.add_argument("--script", required=True)
    p.add_argument("--execd", nargs="+", required=True)
    c = sub.add_parser("cibstate")
    c.add_argument("--cib", required=True)
    c.add_argument("--node", nargs="+", required=True)
    k = sub.add_parser("collect")
    k.add_argument("--dir", required=True)
    k.add_argument("--agent", required=True)
    k.add_argument("--agent-path", required=True)
    k.add_argument("--floor", required=True)
    k.add_argument("--not-measured")
    args = ap.parse_args()
    return {"run": cmd_run, "perf": cmd_perf, "cibstate": cmd_cibstate,
            "collect": cmd_collect}[args.cmd](args)


if __name__ == "__main__":
    raise SystemExit(main())
