"""A TCP client that talks as the chapter's 15.2.1 client does, for tests.

Usage: tcp_client.py HOST PORT. Same calls and bytes as the text's program;
it also prints the reply's bytes in hex so a test can compare them exactly.
"""
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
soc = socket.socket(family, socket.SOCK_STREAM)
soc.connect((host, port))
soc.send("Python TCP 第一个DEMO".encode("utf-8"))
data = soc.recv(1024)
print(data.decode("utf-8"))
print("hex", data.hex())
soc.send(b"end")
soc.close()
