"""A UDP client that behaves as the chapter's 15.3.1 client, for tests.

Usage: udp_client.py HOST PORT [MESSAGE...] (default: the text's 123 234 53).
A fresh socket per message, sendto, print the decoded reply, close, as the
text does; without the sleep(1), and with a 5 s timeout on the receive so a
broken server fails the test instead of hanging it.
"""
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
messages = sys.argv[3:] or ["123", "234", "53"]


def star_c_udp(c_name):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    soc = socket.socket(family, socket.SOCK_DGRAM)
    soc.settimeout(5)
    soc.sendto(c_name.encode("utf-8"), (host, port))
    print(soc.recv(1024).decode("utf-8"), flush=True)
    soc.close()


for i in messages:
    star_c_udp(i)
