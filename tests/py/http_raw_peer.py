#!/usr/bin/env python3
"""A tiny HTTP server that writes its answers byte for byte, for http-raw.

Run:  python3 tests/py/http_raw_peer.py [PORT]   (PORT 0 or none: any free port)
The first line printed ends with the address it listens on (127.0.0.1 only).

Each answer is fixed (no Date, no Server header), so the book can show
http-raw's and http-get's output for the same URL and check it stays true:
  /           a small UTF-8 page with Content-Length
  /chunked    Transfer-Encoding: chunked, three chunks
  /gzip       Content-Encoding: gzip (sent whatever the client asks)
  /redirect   301 to /chunked
  /gbk        a page in GBK, charset in the Content-Type header
  anything    404
"""

import gzip
import socket
import sys
import threading

PAGE = "<h1>你好，HTTP</h1>\n"
GBK = "中文网页：国标编码\n"


def answer(status, headers, body):
    head = "HTTP/1.1 %s\r\n" % status
    for name, value in headers:
        head += "%s: %s\r\n" % (name, value)
    return head.encode() + b"\r\n" + body


def fixed(status, content_type, body, extra=()):
    headers = [("Content-Type", content_type), *extra, ("Content-Length", len(body))]
    return answer(status, headers, body)


def chunked():
    body = b""
    for part in ["分块", "传输", "完成\n"]:
        data = part.encode()
        body += b"%x\r\n%s\r\n" % (len(data), data)
    body += b"0\r\n\r\n"
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Transfer-Encoding", "chunked")]
    return answer("200 OK", headers, body)


ROUTES = {
    "/": lambda: fixed("200 OK", "text/html; charset=utf-8", PAGE.encode()),
    "/chunked": chunked,
    "/gzip": lambda: fixed(
        "200 OK", "text/plain; charset=utf-8",
        gzip.compress(("压缩过的正文\n" * 3).encode(), mtime=0),
        [("Content-Encoding", "gzip")],
    ),
    "/redirect": lambda: fixed(
        "301 Moved Permanently", "text/plain", b"moved\n", [("Location", "/chunked")]
    ),
    "/gbk": lambda: fixed("200 OK", "text/html; charset=gbk", GBK.encode("gbk")),
}


def serve(conn):
    with conn:
        conn.settimeout(5)
        request = b""
        try:
            while b"\r\n\r\n" not in request and len(request) < 65536:
                data = conn.recv(1024)
                if not data:
                    return
                request += data
            line = request.split(b"\r\n", 1)[0].decode("latin-1").split()
            path = line[1].split("?")[0] if len(line) > 1 else "/"
            route = ROUTES.get(path)
            if route is None:
                conn.sendall(fixed("404 Not Found", "text/plain", b"no such page\n"))
            else:
                conn.sendall(route())
        except OSError:
            pass  # a client that hangs up or stalls is no news here


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    listener = socket.socket()
    if sys.platform != "win32":
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    print("http_raw_peer listening on %s:%d" % listener.getsockname(), flush=True)
    try:
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
