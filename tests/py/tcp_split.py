"""One message, one byte per send: a TCP client for the book's page on
message boundaries.

Usage: python3 tests/py/tcp_split.py [HOST [PORT [MESSAGE]]]
       (default 127.0.0.1 10000 你好)

Run it against `cargo run -p tcp-server -- --delay-ms 0`. It sends the
message's UTF-8 bytes one send at a time (TCP_NODELAY, 50 ms apart, so each
byte leaves as a segment of its own), then "end", and prints every reply:
a server that takes one recv for one message answers each piece.
"""
import socket
import sys
import time

host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
message = (sys.argv[3] if len(sys.argv) > 3 else "你好").encode("utf-8")
soc = socket.create_connection((host, port), timeout=10)
soc.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for i in range(len(message)):
    soc.sendall(message[i:i + 1])
    time.sleep(0.05)
print("发送了 1 条消息，分 %d 次 send / 1 message in %d sends" % (len(message), len(message)))
time.sleep(0.3)
soc.sendall(b"end")
replies = b""
while True:
    data = soc.recv(1024)
    if not data:
        break
    replies += data
soc.close()
parts = replies.decode("utf-8", "replace").split("服务端接收到数据：")[1:]
for part in parts:
    print("收到回复 / reply:", repr(part))
print("收到回复 %d 条 / replies: %d" % (len(parts), len(parts)))
