"""Two sends, one recv: a TCP client that sends without waiting for replies.

Usage: python3 tests/py/tcp_merge.py [HOST [PORT]]   (default 127.0.0.1 10000)

Run it against `cargo run -p tcp-server -- --trace`, which sleeps 1 s after
each recv (the text's sleep(1)). It sends "one"; while the server sleeps it
sends "two" and then "three" as two separate sends, 50 ms apart (TCP_NODELAY,
so the system does not hold either back). The server's next recv takes both
at once: its --trace shows "twothree", 8 bytes, and only one reply comes
back for the two sends. Then it sends "end" and closes, as the text's client.
"""
import socket
import sys
import time

host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
soc = socket.create_connection((host, port), timeout=10)
soc.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
soc.sendall(b"one")
time.sleep(0.3)  # the server has taken "one" and is sleeping now
soc.sendall(b"two")
time.sleep(0.05)
soc.sendall(b"three")
print("发送了 / sent: one, two, three（三次 send / three sends）")
replies = b""
while b"three" not in replies:
    data = soc.recv(1024)
    if not data:
        break
    replies += data
    print("收到 / received:", data.decode("utf-8", "replace"))
soc.sendall(b"end")
soc.close()
