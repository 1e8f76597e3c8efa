# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Shared helpers for the shell test suites (sourced, bash).
#
#   check NAME CMD...       run CMD, count a pass or a failure named NAME
#   expect_rc RC NAME CMD...  same, CMD must exit with RC
#   wait_until SECS CMD...  poll CMD every 50 ms until it succeeds, at most
#                           SECS seconds; returns 1 on timeout
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

wait_until() {
    local secs=$1 end
    shift
    end=$(( $(date +%s%N) / 1000000 + secs * 1000 ))
    while :; do
        if "$@"; then
            return 0
        fi
        if [ $(( $(date +%s%N) / 1000000 )) -ge "$end" ]; then
            return 1
        fi
        sleep 0.05
    done
}

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
