#!/usr/bin/env python3
"""http_peer.py's routes over HTTPS, with a certificate given to it.

Run:  python3 tests/py/https_peer.py CERT.pem KEY.pem
The test makes a self-signed certificate for it first:
  openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \\
      -keyout KEY.pem -out CERT.pem
The first line printed ends with the address it listens on (127.0.0.1 only).
"""

import os
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_peer import Handler, Server, serve  # noqa: E402


def main():
    cert, key = sys.argv[1], sys.argv[2]
    server = Server(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    # The handshake happens in each request's thread, so a client that
    # rejects the certificate never stops the server.
    server.socket = context.wrap_socket(
        server.socket, server_side=True, do_handshake_on_connect=False
    )
    serve(server, "https_peer")


if __name__ == "__main__":
    main()
