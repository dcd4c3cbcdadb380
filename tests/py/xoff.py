"""Runs a server on a pseudo-terminal, types Ctrl-S (XOFF) on it, and checks
that clients are still answered while the terminal is paused.

    python3 xoff.py SERVER_BINARY SESSIONS

Prints `answered N` (sessions answered while paused), then, after Ctrl-Q,
`resumed` and the text the terminal showed (`screen: ...`, one line each).
Everything is bounded in time; the server is killed at the end.
"""

import os
import pty
import select
import socket
import subprocess
import sys
import termios
import time

binary, sessions = sys.argv[1], int(sys.argv[2])
REPLY = "服务端接收到数据：".encode()


def read_screen(fd, until, deadline):
    """What the terminal shows, until `until` is in it or the deadline."""
    seen = b""
    while until not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


master, slave = pty.openpty()
attrs = termios.tcgetattr(slave)
attrs[0] |= termios.IXON  # iflag: Ctrl-S / Ctrl-Q pause and resume output
termios.tcsetattr(slave, termios.TCSANOW, attrs)

server = subprocess.Popen(
    [binary, "--host", "127.0.0.1", "--port", "0", "--delay-ms", "0"],
    stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
)
os.close(slave)
try:
    first = read_screen(master, b"\n", time.monotonic() + 20)
    line = first.decode("utf-8", "replace").splitlines()[0]
    port = int(line.rsplit(":", 1)[1])
    print("first", line, flush=True)

    os.write(master, b"\x13")  # Ctrl-S, as typed by the instructor
    time.sleep(0.2)
    answered = 0
    worst = 0.0
    for i in range(sessions):
        start = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.settimeout(2)
                msg = f"m{i}".encode()
                s.sendall(msg)
                want = len(REPLY) + len(msg)
                got = b""
                while len(got) < want:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    got += chunk
                s.sendall(b"end")
                if got == REPLY + msg:
                    answered += 1
        except OSError as err:
            print("error", i, err, flush=True)
            break
        worst = max(worst, time.monotonic() - start)
    print("answered", answered, flush=True)
    print("worst", f"{worst:.3f}", flush=True)

    os.write(master, b"\x11")  # Ctrl-Q: output flows again
    print("resumed", flush=True)
    screen = read_screen(master, b"lines skipped", time.monotonic() + 20)
    for text in screen.decode("utf-8", "replace").splitlines():
        if "skipped" in text:
            print("screen:", text.strip(), flush=True)
finally:
    server.kill()
    server.wait()
