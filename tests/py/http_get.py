"""The 15.4 GET client as the chapter writes it with urllib, for the book.

Usage: http_get.py [URL]  (default: the chapter's http://www.baidu.com).
The same calls and the same printing as the text's program; only the URL
comes from the command line and the request gives up after 30 s.
"""
import sys
from urllib import request

url = sys.argv[1] if len(sys.argv) > 1 else "http://www.baidu.com"
with request.urlopen(url, timeout=30) as req:
    data = req.read()
    print(req.status, req.reason)
    for k, v in req.getheaders():
        print(k, "--", v)
print(data.decode("utf8"))
