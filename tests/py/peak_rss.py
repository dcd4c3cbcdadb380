#!/usr/bin/env python3
"""Runs a command and reports the peak resident memory it used.

Run:  python3 tests/py/peak_rss.py PROGRAM [ARGS...]
The program's stdout is thrown away; its stderr passes through. The last
line printed is: peak_rss_kb <KiB> exit <status>
Linux only (ru_maxrss is in KiB there).
"""

import resource
import subprocess
import sys


def main():
    done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print("peak_rss_kb %d exit %d" % (peak, done.returncode), flush=True)


if __name__ == "__main__":
    main()
