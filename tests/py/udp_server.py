"""A UDP server that behaves as the chapter's 15.3.2 server, for tests.

The same calls, the same printed line and the same reply bytes as the text's
program. It binds 127.0.0.1 (or argv[1]) on a port the system picks and
prints that address as its first line, so a test can find it.
"""
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
family = socket.AF_INET6 if ":" in host else socket.AF_INET
soc = socket.socket(family, socket.SOCK_DGRAM)
soc.bind((host, 0))
bound = soc.getsockname()[:2]
print("python udp server listening",
      "%s:%d" % bound if family == socket.AF_INET else "[%s]:%d" % bound,
      flush=True)

while True:
    data, add = soc.recvfrom(1024)
    val = data.decode("utf-8")
    print("客户端地址：", add, "客户端数据", val, flush=True)
    soc.sendto(("服务端接收到数据：%s" % val).encode("utf-8"), add)
