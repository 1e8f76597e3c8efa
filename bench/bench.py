#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench.py - per-action and scale benchmarks of ocf:ovn:ovndb-servers
against OVN's own ovndb-servers.ocf (the reference agent).

Run by bench/run.sh, which creates the two network namespaces (only "lo"
up, no route off the machine) and removes them afterwards.  Our agent runs
in one, the reference agent in the other, each with private directories
under --work, master_ip 127.0.0.1 and the same ports.  Neither has a
cluster: their crm_attribute calls exit 102.

Every figure is taken from interleaved runs (ours, ref, ours, ref, ...),
each run an agent process spawned with the OCF environment Pacemaker
passes and reaped with wait4(): wall time from spawn to reap, CPU time
(user+sys) of the agent and every child it reaped.  Programs executed and
crm_attribute calls come from separate runs under strace.  Results go to
--out as JSON; bench/report.py turns them into the table.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovsdb  # noqa: E402

OURS_PROGRAM = "/usr/lib/ocf/resource.d/ovn/ovndb-servers"
REF_PROGRAM = "/usr/share/ovn/scripts/ovndb-servers.ocf"
OVN_CTL = "/usr/share/ovn/scripts/ovn-ctl"
STRACE = shutil.which("strace") or "/usr/bin/strace"
VIP = "127.0.0.1"
PORTS_M = (6641, 6642)          # the cluster with an active and a backup
PORTS_P = (7641, 7642)          # the node that is promoted and demoted
TIMEOUTS = {"start": 60000, "stop": 60000, "promote": 50000,
            "demote": 50000, "notify": 20000, "monitor": 30000,
            "meta-data": 5000, "validate-all": 20000}


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


def now_ms():
    return time.time() * 1000.0


class Agent:
    """One of the two agents, in its own network namespace."""

    def __init__(self, name, ns, work, program):
        self.name = name
        self.ns = ns
        self.nsfd = os.open("/run/netns/%s" % ns, os.O_RDONLY)
        self.root = os.path.join(work, name)
        self.program = program
        self.logfile = os.path.join(work, "%s-agent.log" % name)
        os.makedirs(self.root, exist_ok=True)

    def node_dir(self, group, node):
        return os.path.join(self.root, group, node)

    def paths(self, group, node):
        d = self.node_dir(group, node)
        return {"db": d + "/db", "run": d + "/run", "log": d + "/log",
                "etc": d + "/etc"}

    def ctl(self, group, node, which):
        return "%s/ovn%s_db.ctl" % (self.paths(group, node)["run"], which)

    def sock(self, group, node, which):
        return "%s/ovn%s_db.sock" % (self.paths(group, node)["run"], which)

    def pidfile(self, group, node, which):
        return "%s/ovn%s_db.pid" % (self.paths(group, node)["run"], which)

    def env(self, group, node, ports, action, extra):
        p = self.paths(group, node)
        env = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "OCF_ROOT": "/usr/lib/ocf",
            "OCF_RA_VERSION_MAJOR": "1", "OCF_RA_VERSION_MINOR": "1",
            "OCF_RESOURCE_INSTANCE": "ovndb_servers",
            "OCF_RESOURCE_TYPE": "ovndb-servers",
            "OCF_RESOURCE_PROVIDER": "ovn",
            "OCF_EXIT_REASON_PREFIX": "ocf-exit-reason:",
            "OCF_RESKEY_master_ip": VIP,
            "OCF_RESKEY_nb_master_port": str(ports[0]),
            "OCF_RESKEY_sb_master_port": str(ports[1]),
            "OCF_RESKEY_manage_northd": "no",
            "OCF_RESKEY_CRM_meta_on_node": node,
            "OCF_RESKEY_CRM_meta_timeout": str(TIMEOUTS.get(action, 20000)),
            "OCF_RESKEY_CRM_meta_clone_max": "3",
            "OCF_RESKEY_CRM_meta_clone_node_max": "1",
            "OCF_RESKEY_CRM_meta_promoted_max": "1",
            "OCF_RESKEY_CRM_meta_master_max": "1",
            "OCF_RESKEY_CRM_meta_promoted_node_max": "1",
            "OCF_RESKEY_CRM_meta_master_node_max": "1",
            "OCF_RESKEY_CRM_meta_notify": "true",
            "OCF_RESKEY_CRM_meta_globally_unique": "false",
            "HA_LOGFILE": self.logfile,
            "HA_LOGFACILITY": "none",
            "HA_debug": "0",
        }
        if self.name == "ours":
            env.update({"OCF_RESKEY_db_dir": p["db"],
                        "OCF_RESKEY_run_dir": p["run"],
                        "OCF_RESKEY_log_dir": p["log"]})
        else:
            # ovn-ctl honours these: a fully private instance.
            env.update({"OCF_RESKEY_ovn_ctl": OVN_CTL,
                        "OVN_RUNDIR": p["run"], "OVN_LOGDIR": p["log"],
                        "OVN_DBDIR": p["db"], "OVN_SYSCONFDIR": p["etc"]})
        env.update(extra)
        return env

    def pids(self, group, node):
        out = []
        for which in ("nb", "sb"):
            try:
                with open(self.pidfile(group, node, which)) as f:
                    pid = int(f.read().strip() or 0)
            except (OSError, ValueError):
                continue
            if pid > 1 and alive(pid):
                out.append(pid)
        return out


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def cpu_ns(pids):
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/schedstat" % pid) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def lists(promoted=" ", unpromoted=" ", start=" ", stop=" ", promote=" ",
          demote=" ", active=" ", all_=" "):
    """The notify lists Pacemaker puts in every operation of a notify=true
    clone (old and new names)."""
    return {
        "OCF_RESKEY_CRM_meta_notify_start_uname": start,
        "OCF_RESKEY_CRM_meta_notify_stop_uname": stop,
        "OCF_RESKEY_CRM_meta_notify_promote_uname": promote,
        "OCF_RESKEY_CRM_meta_notify_demote_uname": demote,
        "OCF_RESKEY_CRM_meta_notify_promoted_uname": promoted,
        "OCF_RESKEY_CRM_meta_notify_master_uname": promoted,
        "OCF_RESKEY_CRM_meta_notify_unpromoted_uname": unpromoted,
        "OCF_RESKEY_CRM_meta_notify_slave_uname": unpromoted,
        "OCF_RESKEY_CRM_meta_notify_active_uname": active,
        "OCF_RESKEY_CRM_meta_notify_all_uname": all_,
    }


BACKUP_MON = {"OCF_RESKEY_CRM_meta_interval": "30000",
              "OCF_RESKEY_CRM_meta_role": "Unpromoted"}
ACTIVE_MON = {"OCF_RESKEY_CRM_meta_interval": "10000",
              "OCF_RESKEY_CRM_meta_role": "Promoted"}


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = args.work
        self.agents = [Agent("ours", args.ns_ours, self.work,
                             args.ours_program),
                       Agent("ref", args.ns_ref, self.work, REF_PROGRAM)]
        self.cur_ns = None
        self.tmpl = {}
        self.started = []           # (agent, group, node, ports)
        self.results = {"figures": {}, "scale": {}, "notes": [],
                        "errors": []}
        self.outdir = os.path.join(self.work, "out")
        os.makedirs(self.outdir, exist_ok=True)

    # ----------------------------------------------------------- plumbing

    def enter(self, agent):
        if self.cur_ns != agent.name:
            ovsdb.setns(agent.nsfd)
            self.cur_ns = agent.name

    def run(self, agent, group, node, ports, action, extra=None,
            strace=None, tag=None):
        """Runs one action; returns wall/cpu/rc (and the strace file)."""
        env = agent.env(group, node, ports, action, extra or {})
        argv = [agent.program, action]
        if strace:
            argv = [STRACE, "-I", "2", "-f", "-q", "-s", "256", "-e", "trace=execve",
                    "-o", strace] + argv
        out = os.path.join(self.outdir, "%s.%s.out" % (agent.name,
                                                        tag or action))
        fl = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        fa = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
              (os.POSIX_SPAWN_OPEN, 1, out, fl, 0o644),
              (os.POSIX_SPAWN_OPEN, 2, out, fl, 0o644)]
        self.enter(agent)
        if strace:
            return self.run_strace(argv, env, fa, strace)
        t0 = time.perf_counter_ns()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=fa)
        _, status, ru = os.wait4(pid, 0)
        t1 = time.perf_counter_ns()
        return {"wall": (t1 - t0) / 1e6,
                "cpu": (ru.ru_utime + ru.ru_stime) * 1000.0,
                "user": ru.ru_utime * 1000.0, "sys": ru.ru_stime * 1000.0,
                "rc": os.waitstatus_to_exitcode(status)}

    def run_strace(self, argv, env, fa, trace):
        """Runs an action under strace -f.  strace would wait for the
        daemons the action starts (it traces them too): once the trace
        shows the agent's own exit, strace is given a moment to end by
        itself, then told to detach (SIGTERM)."""
        pid = os.posix_spawn(argv[0], argv, env, file_actions=fa)
        rc = None
        first = None
        end = time.monotonic() + 120
        while time.monotonic() < end:
            if os.waitpid(pid, os.WNOHANG)[0]:
                break
            try:
                with open(trace) as f:
                    text = f.read()
            except OSError:
                text = ""
            if first is None and " " in text:
                first = text.split(None, 1)[0]
            if first is not None:
                m = re.search(r"^%s\s+\+\+\+ (exited with|killed by) "
                              r"(\w+)" % first, text, re.M)
                if m:
                    rc = int(m.group(2)) if m.group(1) == "exited with" \
                        else -1
                    grace = time.monotonic() + 1.0
                    while time.monotonic() < grace:
                        if os.waitpid(pid, os.WNOHANG)[0]:
                            break
                        time.sleep(0.01)
                    else:
                        os.kill(pid, 15)
                        os.waitpid(pid, 0)
                    break
            time.sleep(0.01)
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        if rc is None:
            try:
                with open(trace) as f:
                    text = f.read()
                first = text.split(None, 1)[0]
                m = re.search(r"^%s\s+\+\+\+ exited with (\d+)" % first,
                              text, re.M)
                rc = int(m.group(1)) if m else -1
            except (OSError, IndexError):
                rc = -1
        return {"rc": rc}

    def spawn_nowait(self, agent, group, node, ports, action, extra=None,
                     tag=None):
        env = agent.env(group, node, ports, action, extra or {})
        out = os.path.join(self.outdir, "%s.%s.out" % (agent.name,
                                                        tag or action))
        fl = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        fa = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
              (os.POSIX_SPAWN_OPEN, 1, out, fl, 0o644),
              (os.POSIX_SPAWN_OPEN, 2, out, fl, 0o644)]
        self.enter(agent)
        return os.posix_spawn(agent.program, [agent.program, action], env,
                              file_actions=fa)

    def must(self, r, want, what):
        if r["rc"] != want:
            raise RuntimeError("%s: rc %d, expected %d" % (what, r["rc"],
                                                            want))

    def template(self, rows):
        if rows not in self.tmpl:
            d = os.path.join(self.work, "tmpl", str(rows))
            os.makedirs(d, exist_ok=True)
            t0 = time.time()
            for which in ("nb", "sb"):
                ovsdb.make_db(os.path.join(d, "ovn%s_db.db" % which), which,
                              rows)
            log("template databases with %d rows each in %.1f s"
                % (rows, time.time() - t0))
            self.tmpl[rows] = d
        return self.tmpl[rows]

    def prepare(self, agent, group, node, rows):
        """Fresh directories for a node; a copy of the template databases
        unless 'rows' is None (a node that creates its own, empty)."""
        d = agent.node_dir(group, node)
        if agent.pids(group, node):
            raise RuntimeError("%s %s/%s still runs" % (agent.name, group,
                                                         node))
        shutil.rmtree(d, ignore_errors=True)
        for sub in agent.paths(group, node).values():
            os.makedirs(sub)
        if rows is not None:
            t = self.template(rows)
            for which in ("nb", "sb"):
                shutil.copyfile(os.path.join(t, "ovn%s_db.db" % which),
                                "%s/ovn%s_db.db" % (agent.paths(group, node)
                                                    ["db"], which))

    def note_started(self, agent, group, node, ports):
        key = (agent.name, group, node)
        if key not in [(a.name, g, n) for a, g, n, _ in self.started]:
            self.started.append((agent, group, node, ports))

    def stop_node(self, agent, group, node, ports):
        r = self.run(agent, group, node, ports, "stop",
                     lists(stop=node, all_=node), tag="teardown")
        self.started = [s for s in self.started
                        if not (s[0] is agent and s[1] == group
                                and s[2] == node)]
        for pid in agent.pids(group, node):
            log("%s %s/%s: pid %d survived stop; killing it"
                % (agent.name, group, node, pid))
            os.kill(pid, 9)
        return r

    def teardown(self):
        for agent, group, node, ports in list(self.started):
            try:
                self.stop_node(agent, group, node, ports)
            except Exception as e:     # noqa: BLE001 - keep tearing down
                log("teardown %s %s/%s: %s" % (agent.name, group, node, e))

    def wait_for(self, what, cond, secs):
        end = time.monotonic() + secs
        while True:
            try:
                if cond():
                    return True
            except (OSError, ovsdb.RpcError, KeyError, IndexError,
                    TypeError):
                pass
            if time.monotonic() >= end:
                raise RuntimeError("timed out after %d s waiting for %s"
                                   % (secs, what))
            time.sleep(0.01)

    def in_sync(self, agent, group, node, rows):
        for which in ("nb", "sb"):
            st = ovsdb.sync_status(agent.ctl(group, node, which))
            if st.get("state") != "backup" or "replicating" not in st:
                return False
            if ovsdb.bench_rows(agent.sock(group, node, which),
                                which) != rows:
                return False
        return True

    def settled(self, agent, group, node):
        """Five sync-status round trips in a row under 1 ms each."""
        for _ in range(5):
            for which in ("nb", "sb"):
                t0 = time.perf_counter()
                ovsdb.sync_status(agent.ctl(group, node, which))
                if time.perf_counter() - t0 > 0.001:
                    time.sleep(0.05)
                    return False
        return True

    def is_active(self, agent, group, node):
        return all(ovsdb.sync_status(agent.ctl(group, node, w))
                   .get("state") == "active" for w in ("nb", "sb"))

    def is_backup(self, agent, group, node):
        return all(ovsdb.sync_status(agent.ctl(group, node, w))
                   .get("state") == "backup" for w in ("nb", "sb"))

    # ------------------------------------------------------------ figures

    def figure(self, names, body, runs, strace_runs=3, warm=1, store=None):
        """Interleaved runs of body(agent, strace) -> {name: result}."""
        res = {n: {a.name: {"runs": [], "strace": []} for a in self.agents}
               for n in names}
        log("%s: %d runs per agent (+%d warm-up, %d under strace)"
            % (", ".join(names), runs, warm, strace_runs))
        for i in range(warm + runs):
            for a in self.agents:
                out = body(a, None)
                if i >= warm:
                    for n, r in out.items():
                        res[n][a.name]["runs"].append(r)
        for i in range(strace_runs):
            for a in self.agents:
                tr = {n: os.path.join(self.outdir, "%s.%s.strace.%d"
                                      % (a.name, n.replace(" ", "_"), i))
                      for n in names}
                out = body(a, tr)
                for n, r in out.items():
                    r.update(parse_strace(tr[n]))
                    res[n][a.name]["strace"].append(r)
        dest = self.results["figures"] if store is None else store
        for n in names:
            dest[n] = res[n]
            summ = {a: statistics.median([r["wall"] for r in
                                          res[n][a]["runs"]])
                    for a in res[n]}
            log("  %s: median ours %.2f ms, ref %.2f ms"
                % (n, summ["ours"], summ["ref"]))
        return res

    def simple_figure(self, name, group, node, ports, action, extra, want,
                      runs, server_nodes=(), store=None):
        def body(a, tr):
            pids = []
            for sn in server_nodes:
                pids += a.pids(group, sn)
            c0 = cpu_ns(pids)
            r = self.run(a, group, node, ports, action, extra,
                         strace=tr and tr[name], tag=name.replace(" ", "_"))
            r["server_cpu"] = (cpu_ns(pids) - c0) / 1e6
            self.must(r, want, "%s %s" % (a.name, name))
            time.sleep(0.02)
            return {name: r}
        return self.figure([name], body, runs, store=store)

    # ------------------------------------------------------------- phases

    def harness_floor(self):
        """What spawning and reaping /bin/true costs here."""
        walls = []
        a = self.agents[0]
        self.enter(a)
        for _ in range(self.args.runs):
            t0 = time.perf_counter_ns()
            pid = os.posix_spawn("/bin/true", ["true"], {})
            os.wait4(pid, 0)
            walls.append((time.perf_counter_ns() - t0) / 1e6)
        self.results["floor_ms"] = statistics.median(walls)

    def decomposition(self, group):
        """Where our monitor's time goes: exec alone, a shell that execs,
        the helper run directly (without the shell agent)."""
        if not self.args.ours_helper:
            return
        a = self.agents[0]
        sh = os.path.join(self.work, "sh-exec-true")
        with open(sh, "w") as f:
            f.write("#!/bin/sh\nexec /bin/true\n")
        os.chmod(sh, 0o755)
        st = self.steady(group)
        envb = a.env(group, "m2", PORTS_M, "monitor", dict(st, **BACKUP_MON))
        enva = a.env(group, "m1", PORTS_M, "monitor", dict(st, **ACTIVE_MON))
        h = self.args.ours_helper
        cases = [("exec /bin/true", ["/bin/true"], envb),
                 ("/bin/sh script that execs /bin/true", [sh], envb),
                 ("helper meta-data, no shell", [h, "meta-data"], envb),
                 ("helper monitor on the backup, no shell", [h, "monitor"],
                  envb),
                 ("agent monitor on the backup", [a.program, "monitor"],
                  envb),
                 ("helper monitor on the active, no shell", [h, "monitor"],
                  enva),
                 ("agent monitor on the active", [a.program, "monitor"],
                  enva)]
        res = {c[0]: {"wall": [], "cpu": []} for c in cases}
        fa = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
              (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
              (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)]
        self.enter(a)
        log("decomposition of our monitor: %d runs each" % self.args.runs)
        for _ in range(self.args.runs + 1):
            for name, argv, env in cases:
                t0 = time.perf_counter_ns()
                pid = os.posix_spawn(argv[0], argv, env, file_actions=fa)
                _, status, ru = os.wait4(pid, 0)
                res[name]["wall"].append((time.perf_counter_ns() - t0) / 1e6)
                res[name]["cpu"].append((ru.ru_utime + ru.ru_stime) * 1000)
                time.sleep(0.01)
        self.results["decomposition"] = [
            (name, statistics.median(res[name]["wall"][1:]),
             statistics.median(res[name]["cpu"][1:])) for name, _, _ in cases]

    def setup_pair(self, group, rows, ports):
        """An active a-node ("m1") and a backup ("m2") replicating from it,
        for each agent."""
        act, bak = group_nodes(group)
        allx = "%s %s" % (act, bak)
        for a in self.agents:
            self.prepare(a, group, act, rows)
            self.note_started(a, group, act, ports)
            r = self.run(a, group, act, ports, "start",
                         lists(start=act, all_=allx), tag="setup")
            self.must(r, 0, "%s start %s" % (a.name, act))
            r = self.run(a, group, act, ports, "promote",
                         lists(promote=act, unpromoted=act, active=act,
                               all_=allx), tag="setup")
            self.must(r, 0, "%s promote %s" % (a.name, act))
            self.prepare(a, group, bak, rows)
            self.note_started(a, group, bak, ports)
            r = self.run(a, group, bak, ports, "start",
                         lists(start=bak, promoted=act, active=act,
                               all_=allx), tag="setup")
            self.must(r, 0, "%s start %s" % (a.name, bak))
        for a in self.agents:
            self.wait_for("%s %s in sync" % (a.name, bak),
                          lambda a=a: self.in_sync(a, group, bak, rows), 300)
            self.wait_for("%s %s active" % (a.name, act),
                          lambda a=a: self.is_active(a, group, act), 30)
        # After a large initial sync ovsdb-server answers every request
        # slowly (several ms) for a while; the steady state comes after.
        t0 = time.monotonic()
        for a in self.agents:
            for node in (act, bak):
                try:
                    self.wait_for("%s %s settled" % (a.name, node),
                                  lambda a=a, node=node:
                                  self.settled(a, group, node), 120)
                except RuntimeError as e:
                    self.results["notes"].append(str(e))
                    log("  %s" % e)
        settle = time.monotonic() - t0
        self.results.setdefault("settle_s", {})[group] = settle
        if settle > 1:
            log("  servers settled %.1f s after the sync" % settle)

    def steady(self, group):
        act, bak = group_nodes(group)
        return lists(promoted=act, unpromoted=bak,
                     active="%s %s" % (act, bak),
                     all_="%s %s s1 m3" % (act, bak))

    def monitors(self, group, ports, runs, prefix="", store=None):
        act, bak = group_nodes(group)
        env = self.steady(group)
        self.simple_figure(prefix + "monitor, backup", group, bak, ports,
                           "monitor", dict(env, **BACKUP_MON), 0, runs,
                           server_nodes=(act, bak), store=store)
        self.simple_figure(prefix + "monitor, active", group, act, ports,
                           "monitor", dict(env, **ACTIVE_MON), 8, runs,
                           server_nodes=(act, bak), store=store)

    def promote_demote(self, group, rows, runs, prefix="", store=None):
        node = "p1"
        for a in self.agents:
            self.prepare(a, group, node, rows)
            self.note_started(a, group, node, PORTS_P)
            r = self.run(a, group, node, PORTS_P, "start",
                         lists(start=node, all_=node), tag="setup")
            self.must(r, 0, "%s start p1" % a.name)
            self.wait_for("%s p1 backup" % a.name,
                          lambda a=a: self.is_backup(a, group, node), 30)
        pro = lists(promote=node, unpromoted=node, active=node, all_=node)
        dem = lists(demote=node, promoted=node, active=node, all_=node)

        def body(a, tr):
            r1 = self.run(a, group, node, PORTS_P, "promote", pro,
                          strace=tr and tr[prefix + "promote"],
                          tag="promote")
            self.must(r1, 0, "%s promote" % a.name)
            self.wait_for("%s p1 active" % a.name,
                          lambda: self.is_active(a, group, node), 10)
            time.sleep(0.02)
            r2 = self.run(a, group, node, PORTS_P, "demote", dem,
                          strace=tr and tr[prefix + "demote"], tag="demote")
            self.must(r2, 0, "%s demote" % a.name)
            self.wait_for("%s p1 backup" % a.name,
                          lambda: self.is_backup(a, group, node), 10)
            time.sleep(0.02)
            return {prefix + "promote": r1, prefix + "demote": r2}
        self.figure([prefix + "promote", prefix + "demote"], body, runs,
                    store=store)
        # What ovsdb-server itself needs: the bare unixctl and commit-probe
        # round trips of a promotion and a demotion, on our p1's servers.
        a = self.agents[0]
        pro_ms, dem_ms = [], []
        for _ in range(runs):
            pro_ms.append(bare_promote(a, group, node))
            dem_ms.append(bare_demote(a, group, node))
        bare = {"promote": statistics.median(pro_ms),
                "demote": statistics.median(dem_ms)}
        (store if store is not None else self.results)[
            prefix + "bare"] = bare
        log("  bare ovsdb-server promote %.2f ms, demote %.2f ms"
            % (bare["promote"], bare["demote"]))
        for a in self.agents:
            self.stop_node(a, group, node, PORTS_P)

    def micro(self):
        R = self.args.runs
        rows = self.args.rows
        group = "micro"
        ports = PORTS_M
        self.harness_floor()
        self.simple_figure("meta-data", group, "m1", ports, "meta-data", {},
                           0, R)
        self.setup_pair(group, rows, ports)
        env = self.steady(group)
        self.simple_figure("validate-all", group, "m1", ports,
                           "validate-all", env, 0, R)
        for a in self.agents:
            self.prepare(a, group, "m3", None)
        self.simple_figure("monitor, probe (stopped node)", group, "m3",
                           ports, "monitor", env, 7, R,
                           server_nodes=("m1", "m2"))
        self.monitors(group, ports, R)
        self.decomposition(group)

        # start and stop of a backup joining the active (fresh copy of the
        # same database each time).
        st = lists(start="s1", promoted="m1", unpromoted="m2",
                   active="m1 m2", all_="m1 m2 s1 m3")
        sp = lists(stop="s1", promoted="m1", unpromoted="m2 s1",
                   active="m1 m2 s1", all_="m1 m2 s1 m3")

        def start_stop(a, tr):
            self.prepare(a, group, "s1", rows)
            self.note_started(a, group, "s1", ports)
            r1 = self.run(a, group, "s1", ports, "start", st,
                          strace=tr and tr["start"], tag="start")
            self.must(r1, 0, "%s start" % a.name)
            self.wait_for("%s s1 in sync" % a.name,
                          lambda: self.in_sync(a, group, "s1", rows), 60)
            r2 = self.run(a, group, "s1", ports, "stop", sp,
                          strace=tr and tr["stop"], tag="stop")
            self.must(r2, 0, "%s stop" % a.name)
            if a.pids(group, "s1"):
                raise RuntimeError("%s stop left a server" % a.name)
            return {"start": r1, "stop": r2}
        self.figure(["start", "stop"], start_stop, R)

        # post-promote notification on a backup (another node promoted):
        # both agents re-point the backup at master_ip.
        nt = lists(promote="m1", unpromoted="m2", active="m1 m2",
                   all_="m1 m2 s1 m3")
        nt.update({"OCF_RESKEY_CRM_meta_notify_type": "post",
                   "OCF_RESKEY_CRM_meta_notify_operation": "promote"})

        def notify(a, tr):
            r = self.run(a, group, "m2", ports, "notify", nt,
                         strace=tr and tr["notify post-promote (backup)"],
                         tag="notify")
            self.must(r, 0, "%s notify" % a.name)
            self.wait_for("%s m2 in sync" % a.name,
                          lambda: self.in_sync(a, group, "m2", rows), 60)
            return {"notify post-promote (backup)": r}
        self.figure(["notify post-promote (backup)"], notify, R)

        self.promote_demote(group, rows, R)
        for a in self.agents:
            for node in ("m2", "m1"):
                self.stop_node(a, group, node, ports)

    def scale(self):
        for rows in self.args.scale_sizes:
            R = self.args.scale_runs
            group = "s%d" % rows
            store = self.results["scale"].setdefault(str(rows), {})
            log("scale: %d rows" % rows)
            self.template(rows)
            self.setup_pair(group, rows, PORTS_M)
            self.monitors(group, PORTS_M, R, store=store)
            self.fresh_backup(group, rows, store)
            for a in self.agents:
                for node in ("m2", "m1"):
                    self.stop_node(a, group, node, PORTS_M)
            self.promote_demote(group, rows, R, store=store)

    def fresh_backup(self, group, rows, store):
        """Start of an empty backup until it replicates and holds every
        row, NB and SB."""
        runs = self.args.fresh_runs
        st = lists(start="f1", promoted="m1", unpromoted="m2",
                   active="m1 m2", all_="m1 m2 f1")
        res = {a.name: [] for a in self.agents}
        log("fresh backup at %d rows: %d runs per agent" % (rows, runs))
        for _ in range(runs):
            for a in self.agents:
                self.prepare(a, group, "f1", None)
                self.note_started(a, group, "f1", PORTS_M)
                t0 = time.perf_counter()
                pid = self.spawn_nowait(a, group, "f1", PORTS_M, "start", st,
                                        tag="fresh-start")
                agent_ms = None
                rc = None
                done = None
                deadline = t0 + 300
                while time.perf_counter() < deadline:
                    if agent_ms is None:
                        p, status = os.waitpid(pid, os.WNOHANG)
                        if p:
                            agent_ms = (time.perf_counter() - t0) * 1000
                            rc = os.waitstatus_to_exitcode(status)
                    try:
                        if self.in_sync(a, group, "f1", rows):
                            done = (time.perf_counter() - t0) * 1000
                            break
                    except (OSError, ovsdb.RpcError, KeyError, IndexError,
                            TypeError):
                        pass
                    time.sleep(0.005)
                if agent_ms is None:
                    _, status = os.waitpid(pid, 0)
                    agent_ms = (time.perf_counter() - t0) * 1000
                    rc = os.waitstatus_to_exitcode(status)
                counts = None
                if done is not None:
                    counts = [ovsdb.count_rows(a.sock(group, "f1", w), w)
                              for w in ("nb", "sb")]
                    if counts != [rows, rows]:
                        self.results["errors"].append(
                            "%s fresh backup at %d rows holds %s rows"
                            % (a.name, rows, counts))
                res[a.name].append({"ms": done, "agent_ms": agent_ms,
                                    "rc": rc, "rows": counts})
                self.stop_node(a, group, "f1", PORTS_M)
        store["fresh backup"] = res
        for a in res:
            ok = [r["ms"] for r in res[a] if r["ms"] is not None]
            log("  %s: median %.0f ms" % (a, statistics.median(ok)
                                           if ok else -1))


def group_nodes(group):
    return "m1", "m2"


def bare_promote(a, group, node):
    t0 = time.perf_counter()
    for w in ("nb", "sb"):
        ovsdb.rpc(a.ctl(group, node, w),
                  "ovsdb-server/disconnect-active-ovsdb-server", [])
        while not ovsdb.writable(a.sock(group, node, w), w):
            time.sleep(0.001)
    return (time.perf_counter() - t0) * 1000


def bare_demote(a, group, node):
    t0 = time.perf_counter()
    for w, port in (("nb", 7998), ("sb", 7999)):
        ctl = a.ctl(group, node, w)
        ovsdb.rpc(ctl, "ovsdb-server/set-active-ovsdb-server",
                  ["tcp:127.0.0.1:%d" % port])
        ovsdb.rpc(ctl, "ovsdb-server/connect-active-ovsdb-server", [])
        while ovsdb.writable(a.sock(group, node, w), w):
            time.sleep(0.001)
    return (time.perf_counter() - t0) * 1000


EXEC_RE = re.compile(r'^(\d+)\s+execve\("([^"]*)", \[(.*?)\](.*)$')
RESUMED_RE = re.compile(r'^(\d+)\s+<\.\.\. execve resumed>(.*)$')


def parse_strace(path):
    """Programs executed (successful execve) and crm_attribute calls."""
    progs = []
    pending = {}
    try:
        lines = open(path).read().splitlines()
    except OSError:
        lines = []
    for line in lines:
        m = EXEC_RE.match(line)
        if m:
            pid, prog, args, rest = m.groups()
            argv = re.findall(r'"((?:[^"\\]|\\.)*)"', args)
            if rest.endswith("<unfinished ...>"):
                pending[pid] = (prog, argv)
            elif re.search(r"= 0$", rest):
                progs.append((prog, argv))
            continue
        m = RESUMED_RE.match(line)
        if m and m.group(1) in pending:
            item = pending.pop(m.group(1))
            if re.search(r"= 0$", m.group(2)):
                progs.append(item)
    # The first program is the agent, started by strace.
    names = {}
    writes = reads = 0
    for prog, argv in progs:
        base = os.path.basename(prog)
        names[base] = names.get(base, 0) + 1
        if base == "crm_attribute":
            if any(x in ("-v", "--update", "-D", "--delete")
                   or x.startswith("--update=") for x in argv):
                writes += 1
            else:
                reads += 1
    return {"execve": len(progs), "programs": names, "cib_writes": writes,
            "cib_reads": reads}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ns-ours", required=True)
    ap.add_argument("--ns-ref", required=True)
    ap.add_argument("--ours-program", default=OURS_PROGRAM,
                    help="our agent (default: the installed one)")
    ap.add_argument("--ours-helper",
                    help="our helper, to time it without the shell agent")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--scale-sizes", default="0,10000,100000")
    ap.add_argument("--scale-runs", type=int, default=15)
    ap.add_argument("--fresh-runs", type=int, default=5)
    ap.add_argument("--parts", default="micro,scale")
    args = ap.parse_args()
    args.scale_sizes = [int(x) for x in args.scale_sizes.split(",") if x]
    parts = args.parts.split(",")

    b = Bench(args)
    b.results["config"] = {"runs": args.runs, "rows": args.rows,
                           "scale_sizes": args.scale_sizes,
                           "scale_runs": args.scale_runs,
                           "fresh_runs": args.fresh_runs}
    t0 = time.time()
    status = 0
    try:
        if "micro" in parts:
            p0 = time.time()
            b.micro()
            b.results["micro_s"] = time.time() - p0
        if "scale" in parts:
            p0 = time.time()
            b.scale()
            b.results["scale_s"] = time.time() - p0
    except Exception as e:      # noqa: BLE001 - reported, then torn down
        import traceback
        traceback.print_exc()
        b.results["errors"].append("aborted: %s" % e)
        status = 1
    finally:
        b.teardown()
        b.results["seconds"] = time.time() - t0
        with open(args.out, "w") as f:
            json.dump(b.results, f, indent=1)
    return status


if __name__ == "__main__":
    sys.exit(main())
