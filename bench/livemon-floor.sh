#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/livemon-floor.sh - a trivial OCF agent: what running any agent
# costs under pacemaker-execd (bench part 5 installs it in the lab as
# ocf:ovnbench:livemon-floor).  monitor is one /bin/sh and a builtin test;
# start and stop keep a state file in the node's private /run, so that a
# probe finds it stopped (7) before its start.
f=/run/livemon-floor.${OCF_RESOURCE_INSTANCE:-x}
case ${1:-} in
    meta-data)
        cat <<'XML'
<?xml version="1.0"?>
<resource-agent name="livemon-floor" version="1.0">
  <version>1.1</version>
  <shortdesc lang="en">bench floor: does nothing</shortdesc>
  <longdesc lang="en">bench floor: does nothing</longdesc>
  <parameters/>
  <actions>
    <action name="start" timeout="20s"/>
    <action name="stop" timeout="20s"/>
    <action name="monitor" timeout="20s" interval="10s"/>
    <action name="meta-data" timeout="5s"/>
    <action name="validate-all" timeout="5s"/>
  </actions>
</resource-agent>
XML
        ;;
    start) : > "$f" ;;
    stop) rm -f "$f" ;;
    monitor) [ -e "$f" ] || exit 7 ;;
    validate-all) ;;
    *) exit 3 ;;
esac
exit 0
