#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks C sources against the OVS/OVN coding style, the part a script can
check without judgement.

    scripts/check-style.py FILE...     check whole files
    scripts/check-style.py --self-test run the built-in table of snippets

Each hit is printed as "path:line: rule: message".  Exit status: 0 when
nothing is found, 1 when something is, 2 on a usage error.

The model is Open vSwitch's Documentation/internals/contributing/
coding-style.rst and utilities/checkpatch.py (this is an independent
implementation, over whole files rather than patches).  Rules:

    line-length      a line longer than 79 columns
    tab              a tab character
    trailing-space   whitespace at the end of a line
    final-newline    the file does not end with a newline
    crlf             a line ends with CR LF
    c99-comment      a // comment (only /* */ comments)
    braces           an if/else/for/while/do body without braces
    else-newline     "else" at the start of a line instead of "} else"
    keyword-space    no space between if/for/while/switch/return and "("
    call-space       a space between a function's name and "("
    func-def         a function definition whose return type is not on its
                     own line, whose name is not at column 0, or whose "{"
                     is not alone at column 0
    typedef-struct   a typedef of a struct or union
    pointer-space    "char* p" or "char * p" instead of "char *p"
    cast-space       no space between a cast and its operand: "(int) x"
    ternary-break    a line ending with "?" or ":" of a ?: (break before)
    assign-in-cond   an assignment inside an if/while condition
    license          the first line is not the SPDX license line
    header-comment   a header without a comment saying what the module is,
                     between the license line and the include guard
    include-guard    a header without an #ifndef/#define/#endif guard

Left out on purpose (docs/style.md says why): the rules of OVS's own
library (xmalloc() and the other x*/ovs_* replacements, ovs_assert(),
<config.h> first, OVS_* macros and thread-safety annotations, ARRAY_SIZE,
PRIuSIZE, sparse annotations, VLOG conventions), checkpatch's patch and
commit-message rules (Signed-off-by, Change-Id), whitespace around binary
operators (needs a C parser to tell unary from binary), and everything
needing judgement (comment sentences, naming, function order, sizeof on
types, spelling).

The checks work on a copy of each line with comments and string and
character literals blanked out, and skip preprocessor lines where the rule
is about C statements.
"""

import re
import sys

LICENSE_LINE = "/* SPDX-License-Identifier: Apache-2.0 */"
MAX_COLUMNS = 79

# Words that may legitimately be followed by " (".
NOT_FUNCTIONS = frozenset("""
    if for while switch return sizeof case do else goto typeof __typeof__
    alignof _Alignof __alignof__ __attribute__ asm __asm__ defined
    _Static_assert _Generic void char short int long float double signed
    unsigned bool _Bool const volatile restrict static extern inline
    register struct union enum auto
""".split())

TYPE_WORDS = (r"(?:\b(?:void|char|short|int|long|float|double|bool|_Bool|"
              r"signed|unsigned|[A-Za-z_]\w*_t)|"
              r"\b(?:struct|union|enum)\s+[A-Za-z_]\w*)")
POINTER_GLUED_RE = re.compile(TYPE_WORDS + r"(?:\s+const)?\*")
POINTER_SPACED_RE = re.compile(TYPE_WORDS + r"(?:\s+const)?\s+\*+\s+\w")
# Iteration macros (jansson's json_array_foreach(), OVS's LIST_FOR_EACH())
# are written like "for": a space before "(", and braces around the body.
LOOP_MACRO = r"[A-Za-z_]\w*(?:foreach|for_each|FOR_EACH)\w*"
LOOP_MACRO_RE = re.compile(LOOP_MACRO + "$")
KEYWORD_NOSPACE_RE = re.compile(r"\b(if|for|while|switch|return)\(")
LOOP_NOSPACE_RE = re.compile(r"\b(" + LOOP_MACRO + r")\(")
CALL_SPACE_RE = re.compile(r"\b([A-Za-z_]\w*)[ \t]+\(")
CONTROL_RE = re.compile(r"\b(if|for|while|" + LOOP_MACRO + r")\s*\(")
ELSE_RE = re.compile(r"\belse\b")
DO_RE = re.compile(r"\bdo\b")
TYPEDEF_STRUCT_RE = re.compile(r"\btypedef\s+(?:const\s+)?(struct|union)\b")
CAST_RE = re.compile(r"\((?:(?:const|volatile|struct|union|enum|unsigned|"
                     r"signed|long|short)\s+)*[A-Za-z_]\w*"
                     r"(?:\s*\*+(?:\s*const)?)?\)(?=[\w(&*!~-])")
LABEL_RE = re.compile(r"\s*(?:case\b|default\b|[A-Za-z_]\w*:$)")
IDENT_BEFORE_RE = re.compile(r"([A-Za-z_]\w*)\s*$")
# A comment, or a string or character literal (possibly unterminated).
TOKEN_RE = re.compile(r"/\*.*?(?:\*/|\Z)|//[^\n]*"
                      r"|\"(?:\\.|[^\"\\\n])*\"?|'(?:\\.|[^'\\\n])*'?",
                      re.S)


class Source:
    """A file's lines, with 'code' the same lines with comments and string
    and character literals replaced by spaces (same columns)."""

    def __init__(self, path, text):
        self.path = path
        self.text = text
        self.lines = text.replace("\r\n", "\n").split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.c99_comments = []      # (line index, column) of each "//".
        self.code = self._blank()
        self.preproc = self._find_preproc()
        self.is_header = path.endswith(".h")

    def _blank(self):
        text = "\n".join(self.lines)

        def blank(m):
            tok = m.group(0)
            if tok.startswith("//"):
                n = text.count("\n", 0, m.start())
                col = m.start() - (text.rfind("\n", 0, m.start()) + 1)
                self.c99_comments.append((n, col))
            if tok[0] in "\"'":
                closed = len(tok) > 1 and tok[-1] == tok[0]
                body = tok[1:-1] if closed else tok[1:]
                return (tok[0] + re.sub(r"[^\n]", " ", body)
                        + (tok[0] if closed else ""))
            return re.sub(r"[^\n]", " ", tok)

        return TOKEN_RE.sub(blank, text).split("\n")

    def _find_preproc(self):
        flags = []
        continued = False
        for line, code in zip(self.lines, self.code):
            is_pp = continued or code.lstrip().startswith("#")
            flags.append(is_pp)
            continued = is_pp and line.endswith("\\")
        return flags

    def next_code_line(self, n):
        """The index of the first line after 'n' with code, or None."""
        for m in range(n + 1, len(self.code)):
            if self.code[m].strip():
                return m
        return None

    def match_paren(self, n, col):
        """Given an "(" at line 'n', column 'col', returns (line, column)
        of its matching ")", or None."""
        depth = 0
        while n < len(self.code):
            line = self.code[n]
            while col < len(line):
                if line[col] == "(":
                    depth += 1
                elif line[col] == ")":
                    depth -= 1
                    if depth == 0:
                        return n, col
                col += 1
            n += 1
            col = 0
        return None


# ---------------------------------------------------------------------------
# Rules.  Each takes a Source and yields (line index, rule, message).

def check_line_length(src):
    for n, line in enumerate(src.lines):
        if len(line) > MAX_COLUMNS:
            yield n, "line-length", "%d columns (at most %d)" % (
                len(line), MAX_COLUMNS)


def check_tabs(src):
    for n, line in enumerate(src.lines):
        if "\t" in line:
            yield n, "tab", "tab character (indent with spaces)"


def check_trailing_space(src):
    for n, line in enumerate(src.lines):
        if line != line.rstrip():
            yield n, "trailing-space", "whitespace at the end of the line"


def check_line_ends(src):
    if src.text and not src.text.endswith("\n"):
        yield len(src.lines) - 1, "final-newline", "no newline at the end"
    if "\r" in src.text:
        for n, raw in enumerate(src.text.split("\n")):
            if raw.endswith("\r"):
                yield n, "crlf", "line ends with CR LF"


def check_c99_comments(src):
    for n, _ in src.c99_comments:
        yield n, "c99-comment", "// comment (use /* */)"


def _body_braced(src, n, col):
    """True if the statement body starting after line 'n', column 'col'
    (just after a control statement's head) opens with "{"."""
    rest = src.code[n][col:].strip()
    if rest:
        return rest.startswith("{")
    m = src.next_code_line(n)
    return m is not None and src.code[m].strip().startswith("{")


def _conditions(src):
    """Yields (keyword, line, column of "(", close line, close column) for
    each if/for/while outside the preprocessor."""
    for n, code in enumerate(src.code):
        if src.preproc[n]:
            continue
        pos = 0
        while True:
            m = CONTROL_RE.search(code, pos)
            if not m:
                break
            open_col = m.end() - 1
            close = src.match_paren(n, open_col)
            if close is None:
                break
            yield m.group(1), n, m.start(), open_col, close
            if close[0] != n:
                break
            pos = close[1] + 1


def check_braces(src):
    for kw, n, kw_col, _, (cn, cc) in _conditions(src):
        rest = src.code[cn][cc + 1:].strip()
        if kw == "while" and rest.startswith(";"):
            if src.code[n][:kw_col].strip().endswith("}"):
                continue        # The end of a do-while.
        if not _body_braced(src, cn, cc + 1):
            yield n, "braces", "'%s' body without braces" % kw
    for n, code in enumerate(src.code):
        if src.preproc[n]:
            continue
        for m in ELSE_RE.finditer(code):
            if code[m.end():].lstrip().startswith("if"):
                continue
            if not _body_braced(src, n, m.end()):
                yield n, "braces", "'else' body without braces"
        for m in DO_RE.finditer(code):
            if not _body_braced(src, n, m.end()):
                yield n, "braces", "'do' body without braces"


def check_else_newline(src):
    for n, code in enumerate(src.code):
        if not src.preproc[n] and code.lstrip().startswith("else"):
            if ELSE_RE.match(code.lstrip()):
                yield n, "else-newline", "'else' goes on the line of '}'"


def check_keyword_space(src):
    for n, code in enumerate(src.code):
        found = list(KEYWORD_NOSPACE_RE.finditer(code))
        if not src.preproc[n]:
            found += LOOP_NOSPACE_RE.finditer(code)
        for m in found:
            yield n, "keyword-space", "no space between '%s' and '('" % (
                m.group(1))


def check_call_space(src):
    for n, code in enumerate(src.code):
        if src.preproc[n]:
            continue
        for m in CALL_SPACE_RE.finditer(code):
            name = m.group(1)
            after = code[m.end():].lstrip()
            if (name in NOT_FUNCTIONS or LOOP_MACRO_RE.match(name)
                    or after.startswith(("*", "^"))):
                continue        # Keyword, loop macro, function pointer.
            yield n, "call-space", "space between '%s' and '('" % name


def _top_level_statements(src):
    """Yields (first line, "{" line, "{" column) for each statement at file
    scope that ends with "{" (not ";"), outside the preprocessor."""
    depth = 0
    start = None
    for n, code in enumerate(src.code):
        if src.preproc[n]:
            continue
        for col, c in enumerate(code):
            if depth == 0 and start is None and not c.isspace():
                start = n
            if c == "{":
                if depth == 0 and start is not None:
                    yield start, n, col
                    start = None
                depth += 1
            elif c == "}":
                depth = max(depth - 1, 0)
            elif c == ";" and depth == 0:
                start = None


def check_func_def(src):
    for start, bn, bc in _top_level_statements(src):
        head = "\n".join(src.code[start:bn + 1])
        head = head[:head.rfind("{")].rstrip()
        if not head.endswith(")") or "=" in head.split("(", 1)[0]:
            continue            # Not a function (struct, initializer...).
        first_paren = None
        for n in range(start, bn + 1):
            col = src.code[n].find("(")
            if col >= 0:
                first_paren = n, col
                break
        n, col = first_paren
        m = IDENT_BEFORE_RE.search(src.code[n][:col])
        if not m:
            continue
        name = m.group(1)
        if n == start:
            yield n, "func-def", "return type of %s() not on its own " \
                "line" % name
        elif m.start() != 0:
            yield n, "func-def", "name %s() not at column 0" % name
        if bc != 0 or src.code[bn].strip() != "{":
            yield bn, "func-def", "'{' of %s() not alone at column 0" % name


def check_typedef_struct(src):
    for n, code in enumerate(src.code):
        m = TYPEDEF_STRUCT_RE.search(code)
        if m:
            yield n, "typedef-struct", "typedef of a %s (use the %s " \
                "name)" % (m.group(1), m.group(1))


def check_pointer_space(src):
    for n, code in enumerate(src.code):
        if POINTER_GLUED_RE.search(code) or POINTER_SPACED_RE.search(code):
            yield n, "pointer-space", "write 'type *name', the '*' " \
                "against the name"


def check_cast_space(src):
    for n, code in enumerate(src.code):
        if src.preproc[n]:
            continue
        for m in CAST_RE.finditer(code):
            before = code[:m.start()].rstrip()
            if before and (before[-1].isalnum() or before[-1] in "_)]"):
                continue        # A call or a condition, not a cast.
            yield n, "cast-space", "no space between the cast %s and " \
                "its operand" % " ".join(m.group(0).split())


def check_ternary_break(src):
    for n, code in enumerate(src.code):
        if src.preproc[n]:
            continue
        end = code.rstrip()
        if end.endswith("?") or (end.endswith(":")
                                 and not LABEL_RE.match(end)):
            yield n, "ternary-break", "break the line before '?' and " \
                "':', not after"


def _assignments(text):
    """Columns of the assignment operators in 'text'."""
    for i, c in enumerate(text):
        if c != "=":
            continue
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if nxt == "=" or prev == "=":
            continue            # "==".
        if prev in "!<>" and text[max(i - 2, 0):i] not in ("<<", ">>"):
            continue            # "!=", "<=", ">=".
        yield i


def check_assign_in_cond(src):
    for kw, n, _, open_col, (cn, cc) in _conditions(src):
        if kw not in ("if", "while"):
            continue
        if cn == n:
            cond = src.code[n][open_col + 1:cc]
        else:
            parts = [src.code[n][open_col + 1:]]
            parts += src.code[n + 1:cn]
            parts.append(src.code[cn][:cc])
            cond = "\n".join(parts)
        if any(True for _ in _assignments(cond)):
            yield n, "assign-in-cond", "assignment inside the '%s' " \
                "condition" % kw


def check_license(src):
    if not src.lines or src.lines[0] != LICENSE_LINE:
        yield 0, "license", "first line is not '%s'" % LICENSE_LINE


def _directives(src):
    """(line index, directive words) of each preprocessor directive."""
    out = []
    for n, code in enumerate(src.code):
        s = code.strip()
        if s.startswith("#") and (n == 0 or not src.preproc[n - 1]
                                  or not src.lines[n - 1].endswith("\\")):
            out.append((n, s[1:].split()))
    return out


def check_header_comment(src):
    if not src.is_header:
        return
    for n in range(1, len(src.lines)):
        line = src.lines[n].strip()
        if not line:
            continue
        if not line.startswith("/*"):
            yield n, "header-comment", "no comment saying what the " \
                "module is, between the license line and the guard"
        return


def check_include_guard(src):
    if not src.is_header:
        return
    dirs = _directives(src)
    ok = (len(dirs) >= 3 and dirs[0][1][:1] == ["ifndef"]
          and len(dirs[0][1]) == 2 and dirs[1][1][:2] == ["define",
                                                          dirs[0][1][1]]
          and dirs[-1][1][:1] == ["endif"])
    if ok:
        # Nothing but blank lines and comments after the #endif.
        ok = all(not c.strip() for c in src.code[dirs[-1][0] + 1:])
    if not ok:
        line = dirs[0][0] if dirs else 0
        yield line, "include-guard", "no #ifndef X / #define X ... " \
            "#endif include guard around the header"


RULES = [
    check_line_length, check_tabs, check_trailing_space, check_line_ends,
    check_c99_comments, check_braces, check_else_newline,
    check_keyword_space, check_call_space, check_func_def,
    check_typedef_struct, check_pointer_space, check_cast_space,
    check_ternary_break, check_assign_in_cond,
    check_license, check_header_comment, check_include_guard,
]


def check(src):
    """Returns the sorted (line number, rule, message) hits in 'src'."""
    hits = set()
    for rule in RULES:
        for n, name, msg in rule(src):
            hits.add((n + 1, name, msg))
    return sorted(hits)


# ---------------------------------------------------------------------------
# Self-test: (rule, file name, snippet, expected lines of that rule's hits).
# Only the hits of the named rule are compared, so snippets can stay short;
# the "clean" cases expect no hit of any rule.

L = LICENSE_LINE + "\n"
GOOD_C = L + """#include "foo.h"

#include <stdio.h>

struct point {
    int x, y;                   /* Not a // comment. */
};

/* Returns ... "if(" in a comment.
 * else */
static int
add(const struct point *p, char *const name, int (*cb)(int))
{
    static const char *s = "while(x) // not code";
    char c = '{';
    int i;

    if (p->x == 1 && p->y != 2
        && p->x <= p->y) {
        return cb(p->x);
    } else if (p->y >= 0) {
        return (int) sizeof(struct point *);
    } else {
        i = p->x * p->y;
    }
    for (i = 0; i < 3; i++) {
        printf("%s %c\\n", s, c);
    }
    do {
        i--;
    } while (i > 0);
    while (i < 3)
    {
        i++;
    }
    switch (i) {
    case 1:
        return i;
    }
    return i;
}
"""
GOOD_H = L + """/* What the module is. */
#ifndef FOO_H
#define FOO_H 1

typedef int foo_func(int);
int foo_add(int a, int b);

#endif /* foo.h */
"""

SELF_TESTS = [
    ("*", "a.c", GOOD_C, []),
    ("*", "a.h", GOOD_H, []),
    ("line-length", "a.c", L + "int x;" + " " * 73 + "\n" + "/*" + "x" * 76
     + "*/\n", [3]),
    ("tab", "a.c", L + "int x;\n\tint y;\n", [3]),
    ("trailing-space", "a.c", L + "int x;\nint y; \n", [3]),
    ("final-newline", "a.c", L + "int x;\nint y;", [3]),
    ("final-newline", "a.c", L + "int x;\n", []),
    ("crlf", "a.c", L + "int x;\r\nint y;\n", [2]),
    ("c99-comment", "a.c", L + 'int x; // no\nchar *s = "//";\n'
     "/* // */\n", [2]),
    ("braces", "a.c", L + "f()\n{\n    if (x)\n        y();\n"
     "    if (a\n        && b) c();\n    for (;;) {\n    }\n"
     "    while (x)\n    {\n    }\n}\n", [4, 6]),
    ("braces", "a.c", L + "f()\n{\n    if (x) {\n        y();\n"
     "    } else\n        z();\n    do\n        x++;\n"
     "    while (x);\n    do {\n    } while (y);\n}\n", [6, 8, 10]),
    ("else-newline", "a.c", L + "f()\n{\n    if (x) {\n    }\n"
     "    else {\n    }\n    if (y) {\n    } else {\n    }\n}\n", [6]),
    ("keyword-space", "a.c", L + "f()\n{\n    if(x) {\n"
     "        return(1);\n    }\n    switch (x) {\n    }\n"
     "    while(0) {\n    }\n}\n", [4, 5, 9]),
    ("call-space", "a.c", L + "f()\n{\n    g (1);\n    h(2);\n"
     "    return (x) + sizeof (y);\n    void (*p)(void);\n"
     "    json_array_foreach (a, i, v) {\n    }\n}\n", [4]),
    ("keyword-space", "a.c", L + "#define X_FOR_EACH(x) for (;;)\n"
     "f()\n{\n    json_array_foreach(a, i, v) {\n    }\n"
     "    LIST_FOR_EACH (x, y) {\n    }\n}\n", [5]),
    ("braces", "a.c", L + "f()\n{\n    json_array_foreach (a, i, v)\n"
     "        g(v);\n    LIST_FOR_EACH (x, y) {\n    }\n}\n", [4]),
    ("func-def", "a.c", L + "static int f(void)\n{\n}\n\n"
     "static int\n  g(void) {\n}\n\nint\nh(int a,\n  int b)\n{\n}\n"
     "struct s {\n    int a;\n};\nint t[] = {\n    f(1),\n};\n",
     [2, 7]),
    ("typedef-struct", "a.c", L + "typedef struct foo foo;\n"
     "typedef struct {\n    int x;\n} bar;\ntypedef int baz;\n"
     "typedef union u u;\n", [2, 3, 7]),
    ("pointer-space", "a.c", L + "char* p;\nstruct foo * q;\n"
     "char *r;\nx = (char*) y;\nz = a * b;\nsize_t n = sizeof(int) * 2;\n"
     "const char *const *v;\nuint8_t** w;\n", [2, 3, 5, 9]),
    ("cast-space", "a.c", L + "x = (int)y;\nx = (int) y;\n"
     "p = (struct foo *)q;\nn = f(a)(b);\nn = (a) - (b);\n"
     "p = (const char *)&c;\nn = sizeof(int) * 2;\n", [2, 4, 7]),
    ("ternary-break", "a.c", L + "f()\n{\n    x = a ?\n        b :\n"
     "        c;\n    x = a\n        ? b\n        : c;\n"
     "    switch (x) {\n    case 1:\n    default:\n    }\nout:\n"
     "    return;\n}\n", [4, 5]),
    ("assign-in-cond", "a.c", L + "f()\n{\n    if ((x = g())) {\n    }\n"
     "    if (x == 1 && y != 2 && a <= b && c >= d) {\n    }\n"
     "    while (n\n           -= 1) {\n    }\n"
     "    if (c == '=') {\n    }\n    if (n <<= 1) {\n    }\n"
     "    for (i = 0; i < 2; i++) {\n    }\n}\n", [4, 8, 13]),
    ("license", "a.c", "/* Copyright. */\nint x;\n", [1]),
    ("license", "a.c", L + "int x;\n", []),
    ("header-comment", "a.h", L + "#ifndef A_H\n#define A_H 1\n#endif\n",
     [2]),
    ("header-comment", "a.h", L + "\n/* Module. */\n#ifndef A_H\n"
     "#define A_H 1\n#endif\n", []),
    ("include-guard", "a.h", L + "/* Module. */\nint x;\n", [1]),
    ("include-guard", "a.h", L + "/* Module. */\n#ifndef A_H\n"
     "#define B_H 1\n#endif\n", [3]),
    ("include-guard", "a.h", L + "/* Module. */\n#ifndef A_H\n"
     "#define A_H 1\n#endif\nint x;\n", [3]),
]


def self_test():
    failed = 0
    for i, (rule, path, text, want) in enumerate(SELF_TESTS):
        hits = check(Source(path, text))
        if rule == "*":
            got = [(n, r) for n, r, _ in hits]
            want_hits = []
        else:
            got = sorted({n for n, r, _ in hits if r == rule})
            want_hits = want
        if got != want_hits:
            failed += 1
            print("self-test %d (%s): expected %s, got %s"
                  % (i, rule, want_hits, got))
    # Every rule needs a positive and a negative case (the clean files are
    # the negative case of every rule).
    for name in RULE_NAMES:
        if not any(r == name and w for r, _, _, w in SELF_TESTS):
            failed += 1
            print("self-test: no positive case for %s" % name)
    print("self-test: %d cases, %d failed" % (len(SELF_TESTS), failed))
    return 1 if failed else 0


RULE_NAMES = [
    "line-length", "tab", "trailing-space", "final-newline", "crlf",
    "c99-comment", "braces", "else-newline", "keyword-space", "call-space",
    "func-def", "typedef-struct", "pointer-space", "cast-space",
    "ternary-break", "assign-in-cond",
    "license", "header-comment", "include-guard",
]


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) < 2 or argv[1].startswith("-"):
        sys.stderr.write("usage: %s FILE... | --self-test\n" % argv[0])
        return 2
    found = False
    for path in argv[1:]:
        with open(path, encoding="utf-8", errors="replace",
                  newline="") as f:
            text = f.read()
        for line, rule, msg in check(Source(path, text)):
            print("%s:%d: %s: %s" % (path, line, rule, msg))
            found = True
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
