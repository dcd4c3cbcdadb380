#!/usr/bin/env python3
"""Counts the lines of option-parsing code in the workspace (python3 bench/option_lines.py [--code]).

Counted, without #[cfg(test)] modules: common's CLI and usage code
(common/src/cli.rs, common/src/usage.rs), the HTTP programs' option files
(http-common/src/cli.rs, http-raw/src/cli.rs), and in every other program
(src/main.rs and examples) its option table: from the `struct Args` (with
its attributes and doc lines) to the end of the `const PROGRAM` item, plus
the functions that table calls to check a value (named below)."""
import pathlib, re, sys

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
ROOT = pathlib.Path(ARGS[0] if ARGS else ".")
WHOLE = ["common/src/cli.rs", "common/src/usage.rs", "http-common/src/cli.rs", "http-raw/src/cli.rs"]
# Functions and items outside the table that read or check an option's value.
HELPERS = {
    "udp-server/src/main.rs": ["fn fraction"],
    "socket-basics/src/main.rs": ["fn step"],
    "socket-basics/src/rows.rs": ["pub fn find"],
    "tcp-server/src/classroom.rs": ["pub const MAX_CLIENTS_OPTION", "pub const IDLE_TIMEOUT_OPTION", "fn idle_timeout"],
}

CODE = "--code" in sys.argv

def counted(lines):
    """All lines, or with --code only lines of code (no blank or comment-only lines)."""
    if not CODE:
        return len(lines)
    return sum(1 for l in lines if l.strip() and not l.strip().startswith("//"))

def without_tests(lines):
    for i, line in enumerate(lines):
        if line.startswith("#[cfg(test)]"):
            return lines[:i]
    return lines

def item_end(lines, start):
    """The index after the item starting at `start`: where its brackets close
    again and the line ends the item (`}`, `};`, or `...);` of a
    `const X: T = f(...);`). String literals and comments are skipped."""
    depth = 0
    for i in range(start, len(lines)):
        line, in_str, j = lines[i], False, 0
        while j < len(line):
            c = line[j]
            if in_str:
                if c == "\\":
                    j += 1
                elif c == '"':
                    in_str = False
            elif c == '"':
                in_str = True
            elif line.startswith("//", j):
                break
            elif c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
            j += 1
        code = line.split("//")[0].rstrip()
        if depth == 0 and i > start - 1 and (code.endswith("}") or code.endswith(";")):
            return i + 1
    return len(lines)

def with_docs(lines, start):
    while start > 0 and (lines[start - 1].startswith("///") or lines[start - 1].startswith("#[")):
        start -= 1
    return start

total = 0
rows = []
for rel in WHOLE:
    n = counted(without_tests((ROOT / rel).read_text().splitlines()))
    rows.append((rel, n)); total += n
files = sorted(set(ROOT.glob("*/src/main.rs")) | set(ROOT.glob("*/examples/*.rs")))
for path in files:
    rel = str(path.relative_to(ROOT))
    lines = without_tests(path.read_text().splitlines())
    n = 0
    starts = [i for i, l in enumerate(lines) if re.match(r"(pub )?struct Args\b", l)]
    prog = [i for i, l in enumerate(lines) if re.match(r"(pub )?const PROGRAM\b", l)]
    if starts and prog:
        n += counted(lines[with_docs(lines, starts[0]):item_end(lines, prog[0])])
    elif prog:
        n += counted(lines[with_docs(lines, prog[0]):item_end(lines, prog[0])])
    if n:
        rows.append((rel, n)); total += n
for rel, names in HELPERS.items():
    lines = without_tests((ROOT / rel).read_text().splitlines())
    n = 0
    for name in names:
        for i, l in enumerate(lines):
            if l.startswith(name):
                n += counted(lines[with_docs(lines, i):item_end(lines, i)])
    rows.append((rel + " (" + ", ".join(names) + ")", n)); total += n
for rel, n in rows:
    print(f"{n:5}  {rel}")
print(f"{total:5}  total")
