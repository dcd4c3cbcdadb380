#!/usr/bin/env python3
"""A small local HTTP server for http-get and http-post (section 15.4).

Run:  python3 tests/py/http_peer.py [PORT]     (PORT 0 or none: any free port)
The first line printed ends with the address it listens on (127.0.0.1 only).

Routes (GET unless said otherwise):
  /              a UTF-8 page (also /utf8)
  /gbk-header    a GBK page, charset in the Content-Type header
  /gbk-meta      a GBK page, charset only in <meta http-equiv>
  /missing       404 with a page
  /gzip          a gzip-compressed page
  /chunked       a page sent with Transfer-Encoding: chunked
  /redirect      302 to /utf8
  /binary        image/png bytes
  /control       a page with terminal escape sequences in it
  /big           11 MB of text (more than the programs print)
  /silent        never answers
  /gbk-plain     a GBK page that declares no charset at all
  /chain         302 to /chain2, which 302s to /missing (a 404)
  /goto?to=URL   302 to URL, whatever it is (file:///etc/passwd, another port)
  /to-file       302 to file:///etc/passwd (a URL that does not show it)
  /hostile       302 with a Location holding U+202E and U+009B, raw
  /big-header    a header line of 1 MB
  /many-headers  100,000 headers
  /fill/HEX      10 MB of text/plain made of the bytes HEX (090a: tabs
                 and line feeds; 01: control characters; ff: not UTF-8)
  /loop          302 to itself, for ever
  /slow-redirect/N  waits 1.2 s, then 302 to /slow-redirect/N-1 (GET or
                 POST); /slow-redirect/0 is the UTF-8 page
  /deflate       a page with Content-Encoding: deflate (zlib, as httpbin)
  /brotli        Content-Encoding: br (bytes this program does not undo)
  /bad-length    Content-Length: abc
  /chunk-overflow  a chunk size too large for any number
  POST /echo     answers with the form fields it decoded, and prints them
                 on stdout as: FORM <content-type> <fields as JSON>
  POST /get-only 405 Method Not Allowed (GET works)
  POST /moved307 307 to /echo (a client must not send the form again)

With --static, it is Python's own `python3 -m http.server` handler instead
(a folder served for GET; POST answers 501), started the same way.
"""

import functools
import gzip
import zlib
import json
import os
import sys
import time
from http.server import (
    BaseHTTPRequestHandler,
    SimpleHTTPRequestHandler,
    ThreadingHTTPServer,
)
from urllib.parse import parse_qs, parse_qsl

UTF8_PAGE = "<html><body><h1>你好，HTTP</h1><p>第十五章 网络编程</p></body></html>\n"
GBK_TEXT = "中文网页：国标编码"
GBK_META_PAGE = (
    '<html><head><meta http-equiv="Content-Type" '
    'content="text/html; charset=gb2312"></head>'
    "<body>" + GBK_TEXT + "</body></html>\n"
)
# A few sentences in GBK with no charset anywhere: a guess must find it.
GBK_PLAIN_PAGE = (
    "<html><head><title>网络编程</title></head><body>"
    "<p>套接字是网络通信的基础，服务端先绑定地址，再开始监听。</p>"
    "<p>客户端连接服务端以后，双方就可以收发数据了。</p>"
    "</body></html>\n"
)
BODY_10MB = 10 * 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def reply(self, status, content_type, body, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass  # the client stopped reading (http-get reads 10 MB at most)

    def raw(self, data):
        """Sends bytes as they are (what send_header cannot send)."""
        self.close_connection = True
        try:
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up, as it should

    def redirect(self, location):
        self.reply(302, "text/plain", b"moved\n", [("Location", location)])

    def do_GET(self):
        path, _, query = self.path.partition("?")
        if path in ("/", "/utf8"):
            self.reply(200, "text/html; charset=utf-8", UTF8_PAGE.encode())
        elif path == "/gbk-header":
            self.reply(200, "text/html; charset=gbk", GBK_TEXT.encode("gbk"))
        elif path == "/gbk-meta":
            self.reply(200, "text/html", GBK_META_PAGE.encode("gbk"))
        elif path == "/missing":
            page = "<h1>404 页面不存在</h1>\n".encode()
            self.reply(404, "text/html; charset=utf-8", page)
        elif path == "/gzip":
            body = gzip.compress(("压缩过的页面\n" * 50).encode())
            self.reply(
                200,
                "text/plain; charset=utf-8",
                body,
                [("Content-Encoding", "gzip")],
            )
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in ["分块", "传输", "完成\n"]:
                data = part.encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/redirect":
            self.reply(302, "text/plain", b"moved\n", [("Location", "/utf8")])
        elif path == "/binary":
            body = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
            self.reply(200, "image/png", body)
        elif path == "/control":
            body = "before\x1b[2J\x07after\r\nline2\n".encode()
            self.reply(200, "text/plain; charset=utf-8", body)
        elif path == "/big":
            self.reply(200, "text/plain", b"a" * (11 * 1024 * 1024))
        elif path == "/silent":
            time.sleep(120)
        elif path == "/gbk-plain":
            self.reply(200, "text/html", GBK_PLAIN_PAGE.encode("gbk"))
        elif path == "/chain":
            self.redirect("/chain2")
        elif path == "/chain2":
            self.redirect("/missing")
        elif path == "/goto":
            self.redirect(parse_qs(query).get("to", ["/"])[0])
        elif path == "/to-file":
            self.redirect("file:///etc/passwd")
        elif path == "/hostile":
            location = "/ok\u202eevil\u009b".encode()
            self.raw(
                b"HTTP/1.1 302 Found\r\nLocation: " + location
                + b"\r\nContent-Length: 0\r\n\r\n"
            )
        elif path == "/big-header":
            self.raw(
                b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (1024 * 1024)
                + b"\r\nContent-Length: 0\r\n\r\n"
            )
        elif path == "/many-headers":
            headers = b"".join(b"X-%d: 1\r\n" % i for i in range(100_000))
            self.raw(
                b"HTTP/1.1 200 OK\r\n" + headers
                + b"Content-Length: 0\r\n\r\n"
            )
        elif path.startswith("/fill/"):
            unit = bytes.fromhex(path[len("/fill/"):])
            body = (unit * (BODY_10MB // len(unit) + 1))[:BODY_10MB]
            self.reply(200, "text/plain", body)
        elif path == "/get-only":
            self.reply(200, "text/plain", b"GET is fine here\n")
        elif path == "/loop":
            self.redirect("/loop")
        elif path.startswith("/slow-redirect/"):
            self.slow_redirect(path)
        elif path == "/deflate":
            body = zlib.compress(("压缩过的页面\n" * 50).encode())
            self.reply(
                200,
                "text/plain; charset=utf-8",
                body,
                [("Content-Encoding", "deflate")],
            )
        elif path == "/brotli":
            # Bytes labelled br: http-get names the encoding, whatever they are.
            body = bytes.fromhex("0b028068656c6c6f0a03")
            self.reply(
                200, "application/json", body, [("Content-Encoding", "br")]
            )
        elif path == "/bad-length":
            self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nhi")
        elif path == "/chunk-overflow":
            self.raw(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"fffffffffffffffffffffff\r\nhi\r\n0\r\n\r\n"
            )
        else:
            self.reply(404, "text/plain", b"no such route\n")

    def slow_redirect(self, path):
        left = int(path.rsplit("/", 1)[1] or 0)
        if left <= 0:
            self.reply(200, "text/html; charset=utf-8", UTF8_PAGE.encode())
            return
        time.sleep(1.2)
        self.redirect("/slow-redirect/%d" % (left - 1))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace")
        if self.path.startswith("/slow-redirect/"):
            self.slow_redirect(self.path)
            return
        fields = parse_qsl(raw, keep_blank_values=True)
        content_type = self.headers.get("Content-Type", "-")
        report = json.dumps(fields, ensure_ascii=False)
        print("FORM", content_type, report, flush=True)
        if self.path.split("?")[0] == "/moved307":
            self.reply(307, "text/plain", b"moved\n", [("Location", "/echo")])
            return
        if self.path.split("?")[0] == "/get-only":
            self.send_error(405, "only GET here")
            return
        if self.path.split("?")[0] != "/echo":
            self.reply(404, "text/plain", b"POST to /echo\n")
            return
        body = "服务端收到的表单 / form received: " + report + "\n"
        self.reply(200, "text/plain; charset=utf-8", body.encode())


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that hangs up is no news here


class StaticHandler(SimpleHTTPRequestHandler):
    """What `python3 -m http.server` runs, quiet."""

    def log_message(self, format, *args):
        pass


def main():
    args = [a for a in sys.argv[1:] if a != "--static"]
    port = int(args[0]) if args else 0
    handler = Handler
    if "--static" in sys.argv:
        here = os.path.dirname(os.path.abspath(__file__))
        handler = functools.partial(StaticHandler, directory=here)
    serve(Server(("127.0.0.1", port), handler), "http_peer")


def serve(server, name):
    """Prints the line the tests wait for (ending with the address), then
    serves until interrupted."""
    host, port = server.server_address[:2]
    print("%s listening on %s:%d" % (name, host, port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
