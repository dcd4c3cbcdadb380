"""A TCP server that answers as the chapter's 15.2.2 server does, for tests.

Same steps and the same reply bytes as the text's program, without the
sleep(1). It binds 127.0.0.1 (or argv[1]) on a port the system picks and
prints the address as its first line, then one line per recv with the bytes
received in hex, so a test can check exactly what a client put on the wire.
"""
import socket
import sys
import threading

host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
family = socket.AF_INET6 if ":" in host else socket.AF_INET
soc = socket.socket(family, socket.SOCK_STREAM)
soc.bind((host, 0))
soc.listen(5)
print("python tcp server listening", "%s:%d" % soc.getsockname()[:2]
      if family == socket.AF_INET else "[%s]:%d" % soc.getsockname()[:2],
      flush=True)


def do_tcp(sock, addr):
    while True:
        data = sock.recv(1024)
        print("recv", data.hex(), flush=True)
        if not data or data.decode("utf-8") == "end":
            break
        data_val = data.decode("utf-8")
        sock.send(("服务端接收到数据：%s" % data_val).encode("utf-8"))
    sock.close()
    print("done", flush=True)


while True:
    sock, addr = soc.accept()
    threading.Thread(target=do_tcp, args=(sock, addr), daemon=True).start()
