# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# What "pcs resource describe" and "crm ra info" show of an agent, as facts
# to compare with its meta-data (sourced by deb.sh and layouts.sh).  Each
# fact is one line "KIND NAME VALUE":
#
#   agent - SHORTDESC            the agent's heading
#   param NAME required|optional
#   longdesc NAME TEXT           blanks squeezed, as in normalize-space()
#   shortdesc NAME TEXT          (crm only)
#   type NAME TYPE, default NAME VALUE
#                                (crm, and pcs 0.12; pcs 0.11 shows neither)
#   op NAME KEY=VALUE...         an action, its attributes sorted; neither
#                                tool shows meta-data and validate-all; pcs
#                                shows interval=0s where the meta-data has
#                                none and leaves out depth=0
#
# Both layouts of each tool are read:
#   pcs 0.11  "  name (required): longdesc", operations one attribute a line;
#   pcs 0.12  "  name (required)", then "    Description: longdesc",
#             "    Type: type", "    Default: value", operations on one line;
#   crm 4     heading "SHORTDESC (ocf:P:A)", "Parameters (...):";
#   crm 5     heading "ocf:P:A - SHORTDESC", "## Parameters (...):";
#   both crm: "name* (type, [default]): shortdesc", longdesc indented below,
#             "    op  timeout=T interval=I ..." under "Operations' defaults".
# The parsers also print "layout pcs-0.11", "layout pcs-0.12", "layout crm-4"
# or "layout crm-5" (several or none: a layout they do not know).
#
#   ra_md_facts MD                         every fact of the meta-data MD
#                                          (the attributes of an op unsorted)
#   ra_want pcs-0.11|pcs-0.12|crm FACTS    those the tool shows, as it does
#   ra_pcs_facts RA FILE / ra_crm_facts RA FILE   what it showed, RA being
#                                          the agent, e.g. ocf:ovn:ovndb-servers
#   ra_layout FACTS                        the layout line(s), "unknown" if none
#   ra_same KINDS WANT GOT                 the facts of the kinds KINDS (a
#                                          regex, e.g. "param|longdesc") are
#                                          the same in both files, and WANT
#                                          has some; else prints what is
#                                          missing and what is extra

# One python3 run (a build dependency: docs/gen-man.py): xmllint would take
# one run per attribute, some seconds in all.
ra_md_facts() {
    python3 - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET


def squeeze(text):
    return " ".join((text or "").split())


ra = ET.parse(sys.argv[1]).getroot()
print("agent -", squeeze(ra.findtext("shortdesc")))
for p in ra.iterfind("parameters/parameter"):
    n = p.get("name")
    print("param", n, "required" if p.get("required") == "1" else "optional")
    print("longdesc", n, squeeze(p.findtext("longdesc")))
    print("shortdesc", n, squeeze(p.findtext("shortdesc")))
    content = p.find("content")
    content = {} if content is None else content.attrib
    print("type", n, content.get("type", "string"))
    if "default" in content:
        print("default", n, content["default"])
for a in ra.iterfind("actions/action"):
    print(" ".join(["op", a.get("name")] +
                   ["%s=%s" % kv for kv in a.attrib.items() if kv[0] != "name"]))
EOF
}

# ra_want pcs-0.11|pcs-0.12|crm FACTS: of the meta-data's facts (from
# ra_md_facts), those the tool in that layout shows, as it shows them.
ra_want() {
    awk -v mode="$1" "$_RA_AWK_LIB"'
$1 == "op" && ($2 == "meta-data" || $2 == "validate-all") { next }
$1 == "shortdesc" && mode != "crm" { next }
($1 == "type" || $1 == "default") && mode == "pcs-0.11" { next }
$1 == "op" && mode ~ /^pcs/ {
    attrs = ""; interval = 0
    for (i = 3; i <= NF; i++) {
        if ($i == "depth=0") continue
        if ($i ~ /^interval=/) interval = 1
        attrs = attrs " " $i
    }
    if (!interval) attrs = attrs " interval=0s"
    print "op " $2 " " sorted(attrs)
    next
}
$1 == "op" {
    attrs = ""
    for (i = 3; i <= NF; i++) attrs = attrs " " $i
    print "op " $2 " " sorted(attrs)
    next
}
{ print }' "$2"
}

# The awk parts: squeeze() as normalize-space(); sorted() the blank-separated
# words of a string in order (an insertion sort: mawk has no asort).
_RA_AWK_LIB='
function squeeze(s) {
    gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s); return s
}
function sorted(s,    a, n, i, j, t, out) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++) {
        t = a[i]
        for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
        a[j + 1] = t
    }
    for (i = 1; i <= n; i++) out = out (i > 1 ? " " : "") a[i]
    return out
}'

ra_pcs_facts() {
    awk -v ra="$1" "$_RA_AWK_LIB"'
function flush() {
    if (field != "") print field " " name " " squeeze(text)
    field = ""; text = ""
}
function flushop() {
    if (op != "") print "op " op " " sorted(attrs)
    op = ""; attrs = ""
}
NR == 1 {
    if (index($0, ra " - ") == 1)
        print "agent - " squeeze(substr($0, length(ra) + 4))
    next
}
/^[^ ]/ {
    flush(); flushop()
    sec = $0 == "Resource options:" ? "p" : $0 == "Default operations:" ? "o" : ""
    next
}
/^$/ { flush(); next }
sec == "p" && /^  [^ ]/ {
    flush()
    s = substr($0, 3); rest = ""
    if ((i = index(s, ":")) > 0) { rest = substr(s, i + 1); s = substr(s, 1, i - 1) }
    req = "optional"
    if (sub(/ \(required\)$/, "", s)) req = "required"
    name = s
    print "param " name " " req
    if (rest != "") { old = 1; field = "longdesc"; text = rest }
    next
}
sec == "p" && /^    Description: / {
    flush(); new = 1; field = "longdesc"; text = substr($0, 18); next
}
sec == "p" && /^    (Type|Default): / {
    flush(); s = substr($0, 5); i = index(s, ": ")
    print tolower(substr(s, 1, i - 1)) " " name " " substr(s, i + 2)
    next
}
sec == "p" && /^    / { if (field != "") text = text " " $0; next }
sec == "o" && /^  [^ ].*:$/ {
    flushop(); op = substr($0, 3, length($0) - 3); next
}
sec == "o" && /^    / { attrs = attrs " " $0; next }
END {
    flush(); flushop()
    if (old) print "layout pcs-0.11"
    if (new) print "layout pcs-0.12"
}' "$2"
}

ra_crm_facts() {
    awk -v ra="$1" "$_RA_AWK_LIB"'
function flush() {
    if (name != "") print "longdesc " name " " squeeze(text)
    name = ""; text = ""
}
NR == 1 {
    h = " (" ra ")"
    if (index($0, ra " - ") == 1) {
        print "agent - " squeeze(substr($0, length(ra) + 4)); print "layout crm-5"
    } else if (length($0) > length(h) &&
               substr($0, length($0) - length(h) + 1) == h) {
        print "agent - " squeeze(substr($0, 1, length($0) - length(h)))
        print "layout crm-4"
    }
    next
}
/^(## )?Parameters \(/ { flush(); sec = "p"; next }
/^(## )?Operations. defaults/ { flush(); sec = "o"; next }
/^$/ { flush(); next }
sec == "p" && /^[^ ]/ {
    flush()
    if ((i = index($0, " (")) == 0 || (j = index($0, "):")) < i) next
    name = substr($0, 1, i - 1); inner = substr($0, i + 2, j - i - 2)
    req = "optional"
    if (sub(/\*$/, "", name)) req = "required"
    print "param " name " " req
    if ((k = index(inner, ", [")) > 0) {
        def = substr(inner, k + 3); sub(/\]$/, "", def)
        print "type " name " " substr(inner, 1, k - 1)
        print "default " name " " def
    } else {
        print "type " name " " inner
    }
    print "shortdesc " name " " squeeze(substr($0, j + 2))
    next
}
sec == "p" && /^    / { if (name != "") text = text " " $0; next }
sec == "o" && /^    [^ ]/ {
    attrs = ""
    for (i = 2; i <= NF; i++) attrs = attrs " " $i
    print "op " $1 " " sorted(attrs)
    next
}
/^[^ ]/ { flush(); sec = "" }
END { flush() }' "$2"
}

ra_layout() {
    local l
    l=$(sed -n 's/^layout //p' "$1" | xargs)
    echo "${l:-unknown}"
}

ra_same() {
    local kinds=$1 want=$2 got=$3 diff
    if ! grep -qE "^($kinds) " "$want"; then
        echo "    # no fact of the kinds $kinds in $want"
        return 1
    fi
    diff=$(diff <(grep -E "^($kinds) " "$want" | sort -u) \
                <(grep -E "^($kinds) " "$got" | sort -u) |
           sed -n 's/^< /    # missing: /p; s/^> /    # extra:   /p')
    [ -z "$diff" ] && return 0
    printf '%s\n' "$diff" | head -20
    return 1
}
