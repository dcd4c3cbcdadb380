"""Two datagrams sent back to back arrive as two: UDP keeps the boundaries.

Usage: python3 tests/py/udp_apart.py [HOST [PORT]]   (default 127.0.0.1 10000)

Run it against `cargo run -p udp-server -- --trace`. It sends "two" and then
"three" at once, without waiting for a reply in between, then reads the two
replies. The server's --trace shows two recvfrom calls, 3 and 5 bytes; they
are never merged into "twothree" as TCP may merge two sends.
"""
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
soc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
soc.settimeout(5)
soc.sendto(b"two", (host, port))
soc.sendto(b"three", (host, port))
print("发送了 / sent: two, three（两次 sendto，中间不等回复 / two sendto calls）")
for _ in range(2):
    data = soc.recv(1024)
    print("收到 / received:", data.decode("utf-8", "replace"))
soc.close()
