"""Opens TCP connections to HOST PORT until this side runs out (descriptors
or ports) or SECONDS pass (or COUNT are open), holds them a moment (HOLD
seconds, default 0.5), then closes them all.

    python3 flood.py HOST PORT SECONDS [COUNT [HOLD]]

Prints `opened N` and why it stopped, then `closed`.
"""

import resource
import socket
import sys
import time

host, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
count = int(sys.argv[4]) if len(sys.argv) > 4 else None
hold = float(sys.argv[5]) if len(sys.argv) > 5 else 0.5
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if hard == resource.RLIM_INFINITY:
    hard = 65536
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

IP_BIND_ADDRESS_NO_PORT = 24  # Linux: pick the port at connect, by 4-tuple


def connect(i):
    """The i-th connection. To IPv4 loopback, from 127.0.x.y, 250 to each
    source address: with one source the kernel searches ever longer for a
    free ephemeral port (measured: 19,000 connects took 14 s, spread over
    source addresses 2.5 s)."""
    if not host.startswith("127."):
        return socket.create_connection((host, port), timeout=2)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1)
        s.bind(("127.0.%d.%d" % (1 + i // 62500, 2 + (i // 250) % 250), 0))
    except (OSError, AttributeError):
        # Not Linux (only 127.0.0.1 exists): one source address it is.
        s.close()
        return socket.create_connection((host, port), timeout=2)
    try:
        s.settimeout(2)
        s.connect((host, port))
    except OSError:
        s.close()
        raise
    return s


held = []
why = "time"
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    if count is not None and len(held) >= count:
        why = "count"
        break
    try:
        s = connect(len(held))
    except OSError as err:
        why = str(err)
        break
    held.append(s)
print("opened", len(held), "limit", hard, "stopped:", why, flush=True)
time.sleep(hold)
for s in held:
    s.close()
print("closed", flush=True)
