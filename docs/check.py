#!/usr/bin/env python3
"""Checks that the book is right, and can refresh its captured outputs.

    python3 docs/check.py            # check (CI runs this)
    python3 docs/check.py --update   # rerun the programs, rewrite docs/src/output/

The check fails when
  * an {{#include}} names a file that does not exist or an anchor that is not
    in it (mdBook would silently leave the directive in the page);
  * the book does not build (docs/build.py: mdBook, then Pagefind's search
    index), or any page still contains an unexpanded `{{#`;
  * an expected-output block (docs/src/output/*.txt, included by the pages)
    no longer matches what the programs print now. Ports, dates and other
    values that change from run to run are masked before comparing.

Every program runs on 127.0.0.1 with ports picked by the system, and every
child process is killed at the end, also on failure.
"""
import difflib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # noqa: E402  (docs/build.py: mdBook, then the search index)

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SRC = DOCS / "src"
OUTPUT = SRC / "output"
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug"
DEADLINE = 20.0
EXE = ".exe" if os.name == "nt" else ""

children = []


def binary(name):
    return str(TARGET / (name + EXE))


class Proc:
    """A child whose stdout and stderr are collected by threads."""

    def __init__(self, args, stdin=subprocess.DEVNULL):
        self.p = subprocess.Popen(
            args, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        children.append(self.p)
        self.out, self.err = [], []
        for stream, sink in ((self.p.stdout, self.out), (self.p.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _read(stream, sink):
        for line in iter(stream.readline, b""):
            sink.append(line.decode("utf-8", "replace"))

    def stdout(self):
        return "".join(self.out)

    def stderr(self):
        return "".join(self.err)

    def wait_for(self, what, text_of, deadline=DEADLINE):
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if what in text_of():
                return
            time.sleep(0.02)
        raise SystemExit(f"timed out waiting for {what!r} from {self.p.args}")

    def wait_until(self, done, text_of, deadline=DEADLINE):
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if done(text_of()):
                return
            time.sleep(0.02)
        raise SystemExit(f"timed out waiting on {self.p.args}")

    def finish(self, deadline=DEADLINE):
        try:
            self.p.wait(deadline)
        except subprocess.TimeoutExpired:
            raise SystemExit(f"{self.p.args} did not finish in {deadline} s")
        time.sleep(0.1)  # let the reader threads take the last lines
        return self


def server(name, *args):
    """Starts a chapter server on 127.0.0.1:0; returns (proc, port)."""
    proc = Proc([binary(name), "--host", "127.0.0.1", "--port", "0", *args])
    proc.wait_for("\n", proc.stdout)
    port = proc.stdout().splitlines()[0].rsplit(":", 1)[1]
    return proc, port


def run(name, *args, stdin=None):
    if stdin is None:
        return Proc([binary(name), *args]).finish()
    proc = Proc([binary(name), *args], stdin=subprocess.PIPE)
    proc.p.stdin.write(stdin.encode())
    proc.p.stdin.close()
    return proc.finish()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


def as_default_port(text, port, default="10000"):
    """What the reader sees with the default port (which no command names)."""
    text = text.replace(f" --port {port}", "" if default == "10000" else f" --port {default}")
    return text.replace(f":{port}", f":{default}").replace(f"端口 {port}", f"端口 {default}")


# --- the scenarios: each returns {file name: captured text} -------------


def tcp_session():
    srv, port = server("tcp-server", "--delay-ms", "0")
    client = run("tcp-client", "--host", "127.0.0.1", "--port", port)
    srv.wait_for("服务端处理完成", srv.stdout)
    traced = run("tcp-client", "--host", "127.0.0.1", "--port", port, "--trace")
    refused_port = free_port()
    refused = run("tcp-client", "--host", "127.0.0.1", "--port", refused_port)
    busy = run("tcp-server", "--host", "127.0.0.1", "--port", port)
    srv.p.kill()
    server_out = "".join(srv.stdout().split("服务端处理完成\n", 1)[0]) + "服务端处理完成\n"
    return {
        "tcp-server.txt": as_default_port(server_out, port),
        "tcp-client.txt": client.stdout(),
        "tcp-client-trace.txt": as_default_port(traced.stderr(), port),
        "tcp-client-refused.txt": as_default_port(refused.stderr(), refused_port),
        "tcp-server-busy.txt": as_default_port(busy.stderr(), port),
    }


def tcp_merge():
    # The client the book tells students to run, against the default 1 s delay.
    srv, port = server("tcp-server", "--trace")
    client = Proc([sys.executable, str(ROOT / "tests/py/tcp_merge.py"), "127.0.0.1", port]).finish()
    srv.wait_for("65 6e 64", srv.stderr)  # the last block: the client's "end"
    srv.p.kill()
    return {"tcp-merge.txt": srv.stderr(), "tcp-merge-client.txt": client.stdout()}


def udp_apart():
    srv, port = server("udp-server", "--trace")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(DEADLINE)
        s.sendto(b"two", ("127.0.0.1", int(port)))
        s.sendto(b"three", ("127.0.0.1", int(port)))
        s.recv(1024)
        s.recv(1024)
    # The last line of the last block: the reply's UTF-8 line after "three".
    srv.wait_until(lambda err: err.count("UTF-8:") == 2, srv.stderr)
    srv.p.kill()
    return {"udp-apart.txt": as_default_port(srv.stderr(), port)}


def udp_session():
    srv, port = server("udp-server")
    client = run("udp-client", "--host", "127.0.0.1", "--port", port, "--delay-ms", "0")
    srv.wait_for("客户端数据 53\n", srv.stdout)
    traced = run(
        "udp-client", "--host", "127.0.0.1", "--port", port,
        "--delay-ms", "0", "--trace", "123", "中文",
    )
    silent_port = free_port()
    silent = run("udp-client", "--host", "127.0.0.1", "--port", silent_port, "--timeout", "1")
    srv.p.kill()
    # The first line, the hints after it, and the three datagrams.
    server_out = srv.stdout().split("客户端数据 53\n", 1)[0] + "客户端数据 53\n"
    return {
        "udp-server.txt": as_default_port(server_out, port),
        "udp-client.txt": client.stdout(),
        "udp-client-trace.txt": as_default_port(traced.stderr(), port),
        "udp-client-silent.txt": as_default_port(silent.stderr(), silent_port),
    }


def socket_basics():
    return {"socket-basics.txt": run("socket-basics").stdout()}


def socket_basics_raw():
    """--step raw as a student runs it (refused), and with root as well."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return {"socket-basics-raw.txt": run("socket-basics", "--step", "raw").stdout()}
    outputs = {"socket-basics-raw-root.txt": run("socket-basics", "--step", "raw").stdout()}
    if shutil.which("setpriv"):  # drop to the user nobody: no CAP_NET_RAW
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        proc = Proc([*nobody, binary("socket-basics"), "--step", "raw"]).finish()
        outputs["socket-basics-raw.txt"] = proc.stdout()
    return outputs


def http():
    peer = Proc([sys.executable, "-u", str(ROOT / "tests/py/http_peer.py"), "0"])
    peer.wait_for("\n", peer.stdout)
    address = peer.stdout().splitlines()[0].rsplit(" ", 1)[1]
    port = address.rsplit(":", 1)[1]
    base = "http://" + address
    get = run("http-get", base + "/")
    gbk = run("http-get", base + "/gbk-meta")
    missing = run("http-get", base + "/missing")
    post = run("http-post", base + "/echo", "name=张三", "lang=rust & c")
    dns = run("http-get", "http://no-such-host.invalid/")
    peer.p.kill()
    # The book runs the test server on port 8000.
    return {
        "http-get.txt": get.stdout(),
        "http-get-gbk.txt": gbk.stdout() + gbk.stderr(),
        "http-get-404.txt": as_default_port(missing.stdout() + missing.stderr(), port, "8000"),
        "http-post.txt": post.stdout(),
        "http-get-dns.txt": dns.stderr(),
    }


def http_raw():
    """http-raw and http-get on the same URLs of a peer with fixed answers."""
    peer = Proc([sys.executable, "-u", str(ROOT / "tests/py/http_raw_peer.py"), "0"])
    peer.wait_for("\n", peer.stdout)
    address = peer.stdout().splitlines()[0].rsplit(" ", 1)[1]
    port = address.rsplit(":", 1)[1]
    outputs = {}
    for path in ("chunked", "gzip", "redirect", "gbk"):
        for name, file in (("http-raw", "http-raw"), ("http-get", "http-raw-vs-get")):
            done = run(name, f"http://{address}/{path}")
            text = done.stdout() + done.stderr()
            outputs[f"{file}-{path}.txt"] = as_default_port(text, port, "8000")
    # From the first recv on: the request's hex spells the port, this does not.
    traced = run("http-raw", "--trace", f"http://{address}/").stderr()
    outputs["http-raw-trace.txt"] = as_default_port(traced[traced.index("←"):], port, "8000")
    outputs["http-raw-https.txt"] = run("http-raw", "https://www.baidu.com").stderr()
    peer.p.kill()
    return outputs


STAGES = ["1-accept", "2-echo", "3-threads", "4-pool"]


def stages():
    """tcp-server's live-coding stages: each one's diff from the one before
    (the book shows only what changed), and what each prints."""
    subprocess.run(
        ["cargo", "build", "--quiet", "-p", "tcp-server", "--examples"], cwd=ROOT, check=True
    )
    outputs = {}
    source = ROOT / "tcp-server" / "examples"
    for old, new in zip(STAGES, STAGES[1:]):
        a = (source / f"{old}.rs").read_text(encoding="utf-8").splitlines(keepends=True)
        b = (source / f"{new}.rs").read_text(encoding="utf-8").splitlines(keepends=True)
        diff = difflib.unified_diff(a, b, f"{old}.rs", f"{new}.rs", n=1)
        outputs[f"stage-{new}.diff"] = "".join(diff)

    def start(name):
        proc = Proc([str(TARGET / "examples" / (name + EXE)), "--host", "127.0.0.1", "--port", "0"])
        proc.wait_for("\n", proc.stdout)
        return proc, int(proc.stdout().splitlines()[0].rsplit(":", 1)[1])

    srv, port = start("1-accept")
    socket.create_connection(("127.0.0.1", port), timeout=DEADLINE).close()
    srv.finish()
    outputs["stage-1-accept.txt"] = as_default_port(srv.stdout(), port)

    srv, port = start("2-echo")
    for message in ("第一位", "第二位"):
        run("tcp-client", "--host", "127.0.0.1", "--port", str(port), message)
    srv.wait_until(lambda out: out.count("服务端处理完成") == 2, srv.stdout)
    srv.p.kill()
    outputs["stage-2-echo.txt"] = as_default_port(srv.stdout(), port)

    # 4-pool with its 8 workers busy and its queue of 32 full: one more.
    srv, port = start("4-pool")
    held = []
    for i in range(8 + 32):
        s = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
        held.append(s)
        if i < 8:
            s.sendall(b"hi")
            s.recv(1024)
    late = run("tcp-client", "--host", "127.0.0.1", "--port", str(port))
    srv.wait_for("refused", srv.stderr)
    for s in held:
        s.close()
    srv.p.kill()
    # Only stdout: the client next reports the closed connection, worded
    # as EPIPE or as a reset depending on timing.
    outputs["stage-4-pool.txt"] = late.stdout()
    outputs["stage-4-pool-server.txt"] = as_default_port(srv.stderr(), port)
    return outputs


SCENARIOS = [
    tcp_session, tcp_merge, udp_apart, udp_session, socket_basics,
    socket_basics_raw, http, http_raw, stages,
]

# What changes from run to run, masked before comparing.
MASKS = [
    (re.compile(r"(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]|localhost):\d+"), r"\1:PORT"),
    (re.compile(r"端口 \d+"), "端口 PORT"),
    (re.compile(r"^(date|server) -- .*$", re.M | re.I), r"\1 -- …"),
    (re.compile(r"(SO_RCVBUF.*)"), lambda m: re.sub(r"\d+", "N", m.group(1))),
    (re.compile(r"\d+(\.\d+)? ?(ms|µs|s)\b"), "TIME"),
    (re.compile(r"(fd|fileno|SOCKET|描述符)(\D{0,12})\d+"), r"\1\2N"),
    (re.compile(r"/tmp/\S+"), "/tmp/…"),
]


def masked(text):
    for pattern, repl in MASKS:
        text = pattern.sub(repl, text)
    return text


def capture():
    subprocess.run(["cargo", "build", "--quiet", "--workspace", "--bins"], cwd=ROOT, check=True)
    outputs = {}
    for scenario in SCENARIOS:
        outputs.update(scenario())
    return outputs


# --- the checks ---------------------------------------------------------

INCLUDE = re.compile(r"\{\{#(?:include|rustdoc_include)\s+([^}\s]+)\s*\}\}")


def check_includes():
    """Every include names a file that exists, and an anchor that is in it."""
    problems = []
    for page in sorted(SRC.rglob("*.md")):
        for target in INCLUDE.findall(page.read_text(encoding="utf-8")):
            path, _, anchor = target.partition(":")
            file = (page.parent / path).resolve()
            if not file.is_file():
                problems.append(f"{page.relative_to(ROOT)}: no file {path}")
                continue
            if anchor and not anchor[0].isdigit():
                text = file.read_text(encoding="utf-8")
                if f"ANCHOR: {anchor}" not in text or f"ANCHOR_END: {anchor}" not in text:
                    problems.append(f"{page.relative_to(ROOT)}: no anchor {anchor} in {path}")
    return problems


def check_build():
    """mdBook builds the book, Pagefind indexes it (docs/build.py), and no
    page shows a directive mdBook left unexpanded."""
    out = DOCS / "book"
    try:
        stderr, summary = build.build(out=out)
    except build.BuildError as err:
        return [str(err)]
    problems = []
    for page in sorted(out.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if "{{#" in html:
            problems.append(f"{page.relative_to(ROOT)}: an unexpanded {{{{# directive")
        if "ANCHOR:" in html or "ANCHOR_END:" in html:
            problems.append(f"{page.relative_to(ROOT)}: an ANCHOR comment shows (whole-file include of a file with anchors)")
    if "ERROR" in stderr:
        problems.append("mdbook reported errors:\n" + stderr)
    return problems


def check_outputs(outputs):
    problems = []
    for name, text in sorted(outputs.items()):
        file = OUTPUT / name
        if not file.is_file():
            problems.append(f"docs/src/output/{name} is missing (run with --update)")
            continue
        want = masked(file.read_text(encoding="utf-8"))
        got = masked(text)
        if want != got:
            diff = "".join(difflib.unified_diff(
                want.splitlines(keepends=True), got.splitlines(keepends=True),
                f"book: output/{name}", "programs now"))
            problems.append(f"output/{name} no longer matches the program:\n{diff}")
    return problems


def main():
    try:
        outputs = capture()
        if "--update" in sys.argv:
            OUTPUT.mkdir(parents=True, exist_ok=True)
            for name, text in outputs.items():
                (OUTPUT / name).write_text(text, encoding="utf-8")
            print(f"wrote {len(outputs)} files to {OUTPUT.relative_to(ROOT)}")
        problems = check_includes() + check_outputs(outputs) + check_build()
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    for problem in problems:
        print("book check:", problem, file=sys.stderr)
    if problems:
        print(f"book check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"book check: ok ({len(outputs)} outputs compared, includes and build fine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
