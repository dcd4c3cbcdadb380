"""Opens TCP connections to HOST PORT until this side runs out (descriptors
or ports) or SECONDS pass, holds them a moment, then closes them all.

    python3 flood.py HOST PORT SECONDS

Prints `opened N` and why it stopped, then `closed`.
"""

import resource
import socket
import sys
import time

host, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if hard == resource.RLIM_INFINITY:
    hard = 65536
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

held = []
why = "time"
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    try:
        s = socket.create_connection((host, port), timeout=2)
    except OSError as err:
        why = str(err)
        break
    held.append(s)
print("opened", len(held), "limit", hard, "stopped:", why, flush=True)
time.sleep(0.5)
for s in held:
    s.close()
print("closed", flush=True)
