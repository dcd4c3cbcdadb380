"""The two framings of the book's page on message boundaries, in Python,
and an unkind partner for each, for tests and for the book's captured runs.

    python3 framing_peer.py server FRAMING [MODE]
    python3 framing_peer.py client FRAMING HOST:PORT [MODE] MESSAGE...

FRAMING is `lines` (each message ends with b"\\n": sock.makefile().readline())
or `length` (a 4-byte big-endian length, struct.pack('!I', n), then the
bytes). MODE says how this peer writes:
  plain  each message (or reply) with one sendall;
  split  one byte per send, TCP_NODELAY and a pause between, so the other
         side's recv gets the pieces one at a time;
  merge  everything in one sendall (a client: all its messages; a server:
         the replies to three messages, or to all if fewer arrive).
The server binds 127.0.0.1 on a port the system picks and prints
"python framing server listening 127.0.0.1:PORT" first, then "got HEX" for
each message; both print "reply TEXT" for each reply they receive or send.
"""
import socket
import struct
import sys
import threading
import time

MAX = 1 << 20


def frame(framing, data):
    if framing == "lines":
        return data + b"\n"
    return struct.pack("!I", len(data)) + data


def recv_exactly(f, n):
    data = f.read(n)
    if len(data) < n:
        return None
    return data


def messages(framing, sock):
    """Yields each message of the stream, whatever pieces it came in."""
    f = sock.makefile("rb")
    while True:
        if framing == "lines":
            line = f.readline(MAX)
            if not line:
                return
            yield line.rstrip(b"\r\n")
        else:
            header = recv_exactly(f, 4)
            if header is None:
                return
            (n,) = struct.unpack("!I", header)
            data = recv_exactly(f, n)
            if data is None:
                return
            yield data


def send(sock, data, mode):
    if mode == "split":
        for i in range(len(data)):
            sock.sendall(data[i:i + 1])
            time.sleep(0.002)
    else:
        sock.sendall(data)


def serve(sock, framing, mode):
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    held = b""
    count = 0
    for data in messages(framing, sock):
        print("got", data.hex(), flush=True)
        if data.strip() == b"end":
            break
        reply = "服务端接收到数据：".encode() + data
        count += 1
        if mode == "merge":
            held += frame(framing, reply)
            if count % 3 == 0:
                sock.sendall(held)
                held = b""
        else:
            send(sock, frame(framing, reply), mode)
    if held:
        sock.sendall(held)
    sock.close()
    print("done", flush=True)


def server(framing, mode):
    soc = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    soc.bind(("127.0.0.1", 0))
    soc.listen(16)
    print("python framing server listening", "%s:%d" % soc.getsockname(), flush=True)
    while True:
        sock, _ = soc.accept()
        threading.Thread(target=serve, args=(sock, framing, mode), daemon=True).start()


def client(framing, address, mode, texts):
    host, port = address.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    frames = [frame(framing, t.encode()) for t in texts]
    if mode == "merge":
        sock.sendall(b"".join(frames))
    else:
        for f in frames:
            send(sock, f, mode)
    sock.shutdown(socket.SHUT_WR)  # I have finished sending
    for data in messages(framing, sock):
        print("reply", data.decode("utf-8", "replace"), flush=True)
    print("closed", flush=True)


if __name__ == "__main__":
    role, framing = sys.argv[1], sys.argv[2]
    if role == "server":
        server(framing, sys.argv[3] if len(sys.argv) > 3 else "plain")
    else:
        client(framing, sys.argv[3], sys.argv[4], sys.argv[5:])
