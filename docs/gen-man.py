#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Builds the man page ocf_ovn_ovndb-servers(7) from the agent's meta-data.

    ovndb-servers-helper meta-data | \\
        docs/gen-man.py [--version V] [--date YYYY-MM-DD] TEMPLATE > page.7

TEMPLATE is docs/ocf_ovn_ovndb-servers.7.in, roff with these placeholders,
filled from the meta-data XML read on stdin:

    @SHORTDESC@   the agent's shortdesc
    @LONGDESC@    the agent's longdesc
    @PARAMETERS@  one entry per parameter: name, type, required, default,
                  shortdesc and longdesc
    @ACTIONS@     one entry per action: timeout, interval, role
    @VERSION@     --version (the package version)
    @DATE@        --date, else SOURCE_DATE_EPOCH, else today (UTC)

"make man" runs it, so the page always says what the built agent says.
Python 3 standard library only.
"""

import argparse
import datetime
import os
import re
import sys
import xml.etree.ElementTree as ET


def roff(text):
    """Escapes plain text for roff: backslashes, minus signs (so that
    commands and paths copy as typed), a leading dot or quote."""
    text = " ".join(text.split())
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def desc(elem, tag):
    child = elem.find(tag)
    return "" if child is None or child.text is None else child.text


def parameters(root):
    out = []
    for p in root.findall("./parameters/parameter"):
        content = p.find("content")
        ptype = content.get("type", "string") if content is not None else \
            "string"
        default = content.get("default") if content is not None else None
        attrs = [ptype]
        if p.get("required") == "1":
            attrs.append("required")
        if default is None:
            attrs.append("no default")
        else:
            attrs.append("default \\fB%s\\fR" % roff(default))
        if p.get("reloadable") == "1":
            attrs.append("reloadable")
        out.append(".TP")
        out.append("\\fB%s\\fR (%s)" % (roff(p.get("name")), ", ".join(attrs)))
        shortdesc = desc(p, "shortdesc").strip().rstrip(".")
        out.append(roff(shortdesc + "."))
        out.append(roff(desc(p, "longdesc")))
    if not out:
        raise ValueError("the meta-data has no parameters")
    return "\n".join(out)


def actions(root):
    out = []
    for a in root.findall("./actions/action"):
        name = a.get("name")
        if a.get("role"):
            name += ", role " + a.get("role")
        what = []
        if a.get("interval"):
            what.append("every " + a.get("interval"))
        what.append("timeout " + a.get("timeout", "?"))
        out.append(".TP")
        out.append("\\fB%s\\fR" % roff(name))
        out.append(roff(", ".join(what).capitalize()))
    return "\n".join(out)


def page_date(arg):
    if arg:
        datetime.date.fromisoformat(arg)
        return arg
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        when = datetime.datetime.fromtimestamp(int(epoch),
                                               datetime.timezone.utc)
    else:
        when = datetime.datetime.now(datetime.timezone.utc)
    return when.strftime("%Y-%m-%d")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--version", default="")
    ap.add_argument("--date")
    ap.add_argument("template")
    args = ap.parse_args()

    root = ET.fromstring(sys.stdin.buffer.read())
    if root.tag != "resource-agent":
        raise ValueError("stdin is not OCF meta-data (root <%s>)" % root.tag)
    with open(args.template, encoding="utf-8") as f:
        page = f.read()
    values = {
        "SHORTDESC": roff(desc(root, "shortdesc")),
        "LONGDESC": roff(desc(root, "longdesc")),
        "PARAMETERS": parameters(root),
        "ACTIONS": actions(root),
        "VERSION": roff(args.version),
        "DATE": page_date(args.date),
    }
    page = re.sub(r"@([A-Z]+)@",
                  lambda m: values[m.group(1)] if m.group(1) in values
                  else m.group(0), page)
    left = re.findall(r"@[A-Z]+@", page)
    if left:
        raise ValueError("unknown placeholders in %s: %s"
                         % (args.template, " ".join(sorted(set(left)))))
    sys.stdout.write(page)


if __name__ == "__main__":
    try:
        main()
    except (ValueError, OSError, ET.ParseError) as e:
        sys.exit("gen-man.py: %s" % e)
