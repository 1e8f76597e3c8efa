# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Shared helpers for the shell test suites (sourced, bash): the one library
# of tests/integration, ocf-tester and tests/offline.
#
#   pass NAME / fail NAME / skip NAME   count (or not) one result
#   check NAME CMD...       run CMD, count a pass or a failure named NAME
#   expect_rc RC NAME CMD...  same, CMD must exit with RC
#   wait_until SECS CMD...  run CMD every 50 ms until it succeeds, at most
#                           SECS seconds; returns 1 on timeout.  CMD runs
#                           anew each time: pass a function, never
#                           `test "$(...)"` (its $(...) is expanded once,
#                           before wait_until runs, and never polled)
#   now_ms                  the time in ms
#   alive PID               PID runs and is not a zombie
#   is_ours PID DIR [COMM]  PID is alive, has DIR in its command line
#                           (and is named COMM): not a reused PID
#   live_pids DIR / kill_leftovers DIR  the processes a test started in DIR
#   port_listening PORT [ADDR] / port_free PORT [ADDR]  from `ss`
#   score NODE              a promotion score in $CIB_file, or "none"
#   show [FILE...]          print indented, as TAP comments
#   on_exit CMD...          queue a cleanup command (run in reverse order)
#   summary                 print "N passed, N failed" and return non-zero
#                           on any failure

TESTS_PASSED=0
TESTS_FAILED=0
_CLEANUPS=()

pass() {
    TESTS_PASSED=$((TESTS_PASSED + 1))
    echo "ok - $1"
}

fail() {
    TESTS_FAILED=$((TESTS_FAILED + 1))
    echo "not ok - $1"
}

skip() {
    echo "skip - $1"
}

check() {
    local name=$1
    shift
    if "$@"; then
        pass "$name"
    else
        fail "$name"
    fi
}

expect_rc() {
    local want=$1 name=$2 rc
    shift 2
    "$@"
    rc=$?
    if [ "$rc" = "$want" ]; then
        pass "$name (rc $rc)"
    else
        fail "$name (rc $rc, expected $want)"
    fi
}

now_ms() {
    echo $(( $(date +%s%N) / 1000000 ))
}

# Bounded twice: by the clock, and by a number of polls (at least one)
# that covers SECS even if the clock jumps.
wait_until() {
    local secs=$1 end polls
    shift
    end=$(( $(now_ms) + secs * 1000 ))
    polls=$(( secs * 20 + 1 ))
    while [ "$polls" -gt 0 ]; do
        if "$@"; then
            return 0
        fi
        polls=$((polls - 1))
        if [ "$(now_ms)" -ge "$end" ]; then
            return 1
        fi
        sleep 0.05
    done
    return 1
}

show() {
    sed 's/^/    # /' "$@"
}

# --- processes --------------------------------------------------------------

# alive PID: the process exists and is not a zombie (nothing reaps
# daemons here when PID 1 does not).
alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# is_ours PID DIR [COMM]: PID is alive and still one of the processes a
# test started with DIR in its command line (named COMM if given).
is_ours() {
    alive "$1" || return 1
    if [ -n "${3:-}" ] &&
       [ "$(cat "/proc/$1/comm" 2>/dev/null)" != "$3" ]; then
        return 1
    fi
    tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"
}

# live_pids DIR: pids of live processes started with DIR in their command
# line or listed in a pidfile under DIR/run.
live_pids() {
    local dir=$1 f pid
    {
        for f in "$dir"/run/*.pid; do
            [ -f "$f" ] || continue
            pid=$(head -c 20 "$f" | tr -cd 0-9)
            [ -n "$pid" ] && [ "$pid" -gt 1 ] && echo "$pid"
        done
        pgrep -f -- "$dir/"
    } | sort -un | while read -r pid; do
        alive "$pid" && echo "$pid"
    done
}

_gone() {
    ! alive "$1"
}

# kill_leftovers DIR: kills, by pid, whatever live_pids DIR lists: SIGTERM,
# then SIGKILL after 5 s.  Returns 1 if there was anything to kill.
kill_leftovers() {
    local dir=$1 pids pid
    pids=$(live_pids "$dir")
    [ -z "$pids" ] && return 0
    for pid in $pids; do
        echo "    # left running: pid $pid: $(tr '\0' ' ' \
            <"/proc/$pid/cmdline" 2>/dev/null)"
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in $pids; do
        wait_until 5 _gone "$pid" || kill -KILL "$pid" 2>/dev/null
        wait_until 5 _gone "$pid"
    done
    return 1
}

# --- sockets ----------------------------------------------------------------

# port_listening PORT [ADDR]: a TCP socket listens on PORT (on ADDR if
# given, as ss shows it: 127.0.0.1, 0.0.0.0, [::1], *), in this network
# namespace.  Returns 0 if one does, 1 if a successful ss listing shows
# none, 2 if ss is missing or fails: absence is never concluded from no
# listing at all.
port_listening() {
    local port=$1 addr=${2:-} out
    if ! out=$(ss -Hltn 2>&1); then
        echo "    # ss -Hltn failed: $out" >&2
        return 2
    fi
    printf '%s\n' "$out" | awk -v p="$port" -v a="$addr" '
        { n = split($4, f, ":"); local_port = f[n]
          local_addr = substr($4, 1, length($4) - length(local_port) - 1) }
        local_port == p && (a == "" || local_addr == a) { found = 1 }
        END { exit !found }'
}

# port_free PORT [ADDR]: a successful ss listing shows nothing listening
# on PORT (on ADDR).
port_free() {
    port_listening "$@"
    [ $? = 1 ]
}

# --- Pacemaker --------------------------------------------------------------

# score NODE: NODE's promotion score (transient attribute
# master-$RSC, RSC defaults to ovndb_servers) in $CIB_file; "none" when
# there is no such attribute (crm_attribute's 105), "error (rc N)" when the
# query failed otherwise.
score() {
    local out rc
    out=$(crm_attribute --promotion="${RSC:-ovndb_servers}" -N "$1" -G -q \
        2>/dev/null)
    rc=$?
    case $rc in
        0) echo "$out" ;;
        105) echo none ;;
        *) echo "error (rc $rc)" ;;
    esac
}

# --- cleanups ---------------------------------------------------------------

on_exit() {
    _CLEANUPS+=("$*")
}

run_cleanups() {
    local i
    for (( i=${#_CLEANUPS[@]}-1; i>=0; i-- )); do
        eval "${_CLEANUPS[$i]}" || true
    done
    _CLEANUPS=()
}

trap run_cleanups EXIT

summary() {
    echo "$TESTS_PASSED passed, $TESTS_FAILED failed"
    [ "$TESTS_FAILED" = 0 ]
}
