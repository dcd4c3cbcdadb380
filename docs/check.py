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
    values that change from run to run are masked before comparing, and so
    are values that differ between systems (error numbers such as Linux's
    111 and 11, the system's wording of an error, paths under /tmp);
  * a page shows program output written by hand instead of captured: a
    block with a bilingual line ("中文 / English"), the servers' reply
    ("服务端接收到数据：") or a "$ " prompt, that is not an {{#include}} of
    output/. Capture it in a scenario below; a block that really is meant as
    hand-written gets `<!-- hand-written: why -->` on the line above it;
  * a line break in a page's prose falls between two Chinese characters
    (the browser shows it as a stray space: "直接 从");
  * a sentence that speaks of a measurement (实测, 测得, measured …) quotes a
    number that bench/results.md does not have (rounding allowed), or says
    "一半"-style words where the results give a figure;
  * a page (or a source comment) says something the book once got wrong
    (FORBIDDEN below: each phrase with why it is wrong), or uses a word the
    book has replaced (讲师/老师 for 教师, 回答 for an HTTP 响应);
  * an answer is labelled other than 参考答案, or an exercise is not a
    `### 练习 N` heading;
  * one section has two titles: SUMMARY's entry, the page's own heading and
    a table cell naming the section ("15.1 套接字与 socket 模块") differ.

`--self-test` runs these page checks on small broken examples and fails
unless each is caught; it runs no program.

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


def py_peer(script, *args):
    """Starts tests/py/SCRIPT and waits for its first line; returns (proc,
    the host:port that line ends with)."""
    proc = Proc([sys.executable, "-u", str(ROOT / "tests/py" / script), *args])
    proc.wait_for("\n", proc.stdout)
    return proc, proc.stdout().splitlines()[0].rsplit(" ", 1)[1]


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
    # The client the book tells students to run.
    srv, port = server("udp-server", "--trace")
    client = Proc([sys.executable, str(ROOT / "tests/py/udp_apart.py"), "127.0.0.1", port]).finish()
    # The last line of the last block: the reply's UTF-8 line after "three".
    srv.wait_until(lambda err: err.count("UTF-8:") == 2, srv.stderr)
    srv.p.kill()
    return {"udp-apart.txt": as_default_port(srv.stderr(), port), "udp-apart-client.txt": client.stdout()}


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


def udp_loss():
    # Seed 53 at one half: the 1st datagram passes, the 2nd and 3rd are
    # lost, then two pass. The plain client stops at the 2nd; the retry
    # answer sends it three times.
    lossy = ("--drop", "0.5", "--seed", "53")
    srv, port = server("udp-server", *lossy)
    plain = run("udp-client", "--host", "127.0.0.1", "--port", port, "--delay-ms", "0", "--timeout", "1")
    srv.wait_for("不回复", srv.stdout)
    srv.p.kill()
    srv2, port2 = server("udp-server", *lossy)
    retry = Proc([str(TARGET / "examples" / ("retry" + EXE)),
                  "--host", "127.0.0.1", "--port", port2, "--delay-ms", "0"]).finish()
    srv2.wait_for("客户端数据 53\n", srv2.stdout)
    srv2.p.kill()
    return {
        "udp-loss-server.txt": as_default_port(srv.stdout(), port),
        "udp-loss-client.txt": plain.stdout() + as_default_port(plain.stderr(), port),
        "udp-loss-retry.txt": retry.stdout(),
        "udp-loss-retry-server.txt": as_default_port(srv2.stdout(), port2),
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
    peer, address = py_peer("http_peer.py", "0")
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
    peer, address = py_peer("http_raw_peer.py", "0")
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
    # The last pair: the answer to the page's exercise 3.
    for old, new in [*zip(STAGES, STAGES[1:]), ("4-pool", "4-pool-idle")]:
        a = (source / f"{old}.rs").read_text(encoding="utf-8").splitlines(keepends=True)
        b = (source / f"{new}.rs").read_text(encoding="utf-8").splitlines(keepends=True)
        diff = difflib.unified_diff(a, b, f"{old}.rs", f"{new}.rs", n=1)
        outputs[f"stage-{new}.diff"] = "".join(diff)
    # The step from the last typed stage to the finished server, in one diff.
    a = (source / "3-threads.rs").read_text(encoding="utf-8").splitlines(keepends=True)
    b = (ROOT / "tcp-server/src/main.rs").read_text(encoding="utf-8").splitlines(keepends=True)
    b = [line for line in b if "ANCHOR" not in line]  # the book's markers, not code
    diff = difflib.unified_diff(a, b, "examples/3-threads.rs", "src/main.rs", n=1)
    outputs["stage-main.diff"] = "".join(diff)

    def start(name):
        proc = Proc([str(TARGET / "examples" / (name + EXE)), "127.0.0.1:0"])
        proc.wait_for("\n", proc.stdout)
        return proc, int(proc.stdout().splitlines()[0].rsplit(":", 1)[1])

    def as_stage_default(text, port):
        """As `cargo run -p tcp-server --example NAME` prints it: the
        stages listen on 0.0.0.0:10000 unless given an address."""
        text = text.replace(f"正在监听 127.0.0.1:{port}", "正在监听 0.0.0.0:10000")
        return as_default_port(text, port)

    srv, port = start("1-accept")
    for _ in range(2):
        with socket.create_connection(("127.0.0.1", port), timeout=DEADLINE) as s:
            s.recv(16)  # the server closes at once
    srv.wait_until(lambda out: out.count("连接") == 2, srv.stdout)
    srv.p.kill()
    outputs["stage-1-accept.txt"] = as_stage_default(srv.stdout(), port)

    srv, port = start("2-echo")
    for message in ("第一位", "第二位"):
        run("tcp-client", "--host", "127.0.0.1", "--port", str(port), message)
    srv.wait_until(lambda out: out.count("服务端处理完成") == 2, srv.stdout)
    srv.p.kill()
    outputs["stage-2-echo.txt"] = as_stage_default(srv.stdout(), port)

    # 5-nonblocking: three clients at once, one thread.
    srv, port = start("5-nonblocking")
    held = []
    for message in ("第一位", "第二位", "第三位"):
        s = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
        s.sendall(message.encode())
        recv_until(s, lambda d, m=message: d.endswith(m.encode()))
        held.append(s)
    for s in held:
        s.sendall(b"end")
        s.close()
    srv.wait_until(lambda out: out.count("服务端处理完成") == 3, srv.stdout)
    tasks = len(os.listdir(f"/proc/{srv.p.pid}/task")) if os.path.isdir("/proc") else 2
    srv.p.kill()
    text = as_stage_default(srv.stdout(), port)
    outputs["stage-5-nonblocking.txt"] = text + f"$ ls /proc/$(pgrep -f 5-nonblocking)/task | wc -l\n{tasks}\n"

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


def usage_error():
    """Wrong options: the usage errors every program prints (exit 2), as
    `cargo run -p tcp-client -- ...` shows them: cargo sets CARGO and
    CARGO_PKG_NAME for the program it runs, and the program names itself
    by them."""
    env = {"CARGO": "cargo", "CARGO_PKG_NAME": "tcp-client"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        bad_value = run("tcp-client", "--port", "abc").stderr()
        near_miss = run("tcp-client", "--prot", "1").stderr()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {"usage-error.txt": bad_value + "\n" + near_miss}


def recv_until(sock, done):
    data = b""
    end = time.monotonic() + DEADLINE
    while not done(data) and time.monotonic() < end:
        chunk = sock.recv(1024)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace")


def tcp_nc():
    """The `nc -N` session of 15.2 as the reader types it: 你好, end, then
    one more Enter. The server's replies are the real ones."""
    srv, port = server("tcp-server", "--delay-ms", "0")
    with socket.create_connection(("127.0.0.1", int(port)), timeout=DEADLINE) as s:
        s.sendall("你好\n".encode())
        reply = recv_until(s, lambda d: d.endswith(b"\n"))
        s.sendall(b"end\n")
        rest = recv_until(s, lambda d: False)  # until the server closes
    srv.p.kill()
    return {"tcp-nc.txt": f"$ nc -N 127.0.0.1 10000\n你好\n{reply}end\n{rest}\n$\n"}


# --- the demos of the section pages (15.2.1, 15.2.2, 15.3) --------------


def ss(*args):
    """`ss` output, trailing blanks trimmed (Linux; what the pages show)."""
    out = subprocess.run(["ss", *args], capture_output=True, text=True, check=True).stdout
    return "".join(line.rstrip() + "\n" for line in out.splitlines())


def wait_true(done, what, deadline=DEADLINE):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if done():
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def python_peers():
    """The project's Python peers talking to the Rust programs."""
    srv, port = server("tcp-server", "--delay-ms", "0")
    py_client = Proc([sys.executable, "-u", str(ROOT / "tests/py/tcp_client.py"), "127.0.0.1", port]).finish()
    srv.p.kill()
    py, py_address = py_peer("tcp_server.py")
    py_port = py_address.rsplit(":", 1)[1]
    run("tcp-client", "--host", "127.0.0.1", "--port", py_port)
    py.wait_for("done\n", py.stdout)
    py.p.kill()
    return {
        "tcp-client-py.txt": py_client.stdout(),
        "tcp-server-py.txt": as_default_port(py.stdout(), py_port),
    }


def backlog():
    """listen(5) vs listen(1024) while the server waits 10 s before each accept.

    Clients give up after --timeout 3, long before the first accept: those
    left out of the queue while connecting, those in it while waiting for a
    reply. The two messages tell the two groups apart."""
    runs = []
    for n in (5, 1024):
        srv, port = server("examples/backlog", "--backlog", str(n), "--accept-delay-ms", "10000")
        clients = [Proc([binary("tcp-client"), "--host", "127.0.0.1", "--port", port, "--timeout", "3"])
                   for _ in range(20)]
        runs.append((n, port, clients))
    outputs = {}
    for n, port, clients in runs:
        queued = min(20, n + 1)
        listen_cmd = ["-ltn", f"sport = :{port}"]
        syn_cmd = ["-tn", "state", "syn-sent", f"dport = :{port}"]

        def settled():
            listen = [line.split() for line in ss(*listen_cmd).splitlines() if line.startswith("LISTEN")]
            return listen and listen[0][1] == str(queued) and ss(*syn_cmd).count("\n") - 1 == 20 - queued
        wait_true(settled, f"{queued} queued connections with backlog {n}")
        text = "$ ss -ltn 'sport = :10000'\n" + ss(*listen_cmd)
        text += "$ ss -tn state syn-sent 'dport = :10000' | tail -n +2 | wc -l\n"
        text += f"{ss(*syn_cmd).count(chr(10)) - 1}\n"
        outputs[n] = [port, text, clients]
    for n, (port, text, clients) in outputs.items():
        wait_true(lambda: all(c.p.poll() is not None for c in clients), f"20 clients ending (backlog {n})")
        time.sleep(0.1)
        groups = {}
        for c in clients:
            groups.setdefault(c.stderr(), []).append(c)
        for message, group in sorted(groups.items(), key=lambda g: -len(g[1])):
            text += f"# {len(group)} 个客户端这样退出 / {len(group)} clients ended with:\n{message}"
        outputs[n][1] = as_default_port(text, port)
    return {f"backlog-{n}.txt": text for n, (_, text, _) in outputs.items()}


def reuse():
    """A server stopped while a client is connected leaves TIME_WAIT; a restart still binds."""
    srv, port = server("tcp-server", "--delay-ms", "0")
    client = socket.create_connection(("127.0.0.1", int(port)), timeout=DEADLINE)
    srv.wait_for("连接", srv.stdout)
    srv.p.kill()
    srv.p.wait()
    client.recv(16)  # the FIN of the stopped server
    client.close()
    tw_cmd = ["-tan", "state", "time-wait", f"( sport = :{port} )"]
    wait_true(lambda: ss(*tw_cmd).count("\n") == 2, "a TIME-WAIT line")
    tw = ss(*tw_cmd)
    again, _ = server("tcp-server", "--delay-ms", "0", "--port", port)
    first = again.stdout().splitlines()[0] + "\n"
    again.p.kill()
    text = "$ ss -tan state time-wait '( sport = :10000 )'\n" + tw + "$ cargo run -p tcp-server\n" + first
    subprocess.run(["cargo", "build", "--quiet", "-p", "tcp-server", "--example", "reuse"], cwd=ROOT, check=True)
    example = Proc([str(TARGET / "examples" / ("reuse" + EXE))]).finish()
    return {"reuse-restart.txt": as_default_port(text, port), "reuse-example.txt": example.stdout()}


def http_python():
    """The text's urllib GET (tests/py/http_get.py) against the local test server."""
    peer, address = py_peer("http_peer.py", "0")
    got = Proc([sys.executable, str(ROOT / "tests/py/http_get.py"), f"http://{address}/"]).finish()
    peer.p.kill()
    return {"http-get-py.txt": got.stdout()}


def exercises():
    """`cargo run -p exercises -- list`, and `check greet-peer` on the
    untouched starter (every case ✗, with what was expected, what came and
    a hint) and on the reference answer (every case ✓)."""
    listing = run("exercises", "list")
    starter = run("exercises", "check", "greet-peer")
    answer = run("exercises", "check", "greet-peer", "--solution")
    if starter.p.returncode != 1 or answer.p.returncode != 0:
        raise SystemExit(f"exercises: starter exit {starter.p.returncode}, "
                         f"answer exit {answer.p.returncode}\n{starter.stdout()}")
    return {
        "exercises-list.txt": listing.stdout(),
        "exercises-check-starter.txt": starter.stdout(),
        "exercises-check-solution.txt": answer.stdout(),
    }


# --- message boundaries, ports, connected UDP ----------------------------


def boundaries():
    """The page on message boundaries: one message in six sends against the
    chapter's server, then both framings against their Rust servers and
    against the Python peer that splits every reply into single bytes."""
    subprocess.run(["cargo", "build", "--quiet", "-p", "tcp-client", "--examples"], cwd=ROOT, check=True)
    outputs = {}
    srv, port = server("tcp-server", "--delay-ms", "0")
    split = Proc([sys.executable, str(ROOT / "tests/py/tcp_split.py"), "127.0.0.1", port]).finish()
    srv.p.kill()
    outputs["boundaries-split.txt"] = split.stdout()

    def example(name, *args):
        return Proc([str(TARGET / "examples" / (name + EXE)), *args])

    for framing in ("lines", "length"):
        srv = example(f"{framing}-server", "127.0.0.1:0")
        srv.wait_for("\n", srv.stdout)
        port = srv.stdout().splitlines()[0].rsplit(":", 1)[1]
        client = example(f"{framing}-client", f"127.0.0.1:{port}").finish()
        srv.wait_for("服务端处理完成", srv.stdout)
        srv.p.kill()
        server_text = srv.stdout().replace(f"正在监听 127.0.0.1:{port}", "正在监听 0.0.0.0:10000")
        outputs[f"boundaries-{framing}-server.txt"] = as_default_port(server_text, port)
        outputs[f"boundaries-{framing}.txt"] = client.stdout()
        peer, address = py_peer("framing_peer.py", "server", framing, "split")
        against = example(f"{framing}-client", address).finish()
        peer.p.kill()
        outputs[f"boundaries-{framing}-py-split.txt"] = against.stdout()
    return outputs


def ports():
    """Two clients of one server: `ss -tn` shows one listening port and two
    connections, told apart by the clients' ephemeral ports."""
    srv, port = server("tcp-server", "--delay-ms", "0")
    clients = [socket.create_connection(("127.0.0.1", int(port)), timeout=DEADLINE) for _ in range(2)]
    srv.wait_until(lambda out: out.count("连接") >= 2, srv.stdout)
    cmd = ["-tn", "state", "established", f"( sport = :{port} or dport = :{port} )"]
    wait_true(lambda: ss(*cmd).count("\n") == 5, "four ESTAB lines")
    text = "$ ss -tn state established '( sport = :10000 or dport = :10000 )'\n" + ss(*cmd)
    for c in clients:
        c.close()
    srv.p.kill()
    return {"ports-ss.txt": as_default_port(text, port)}


def udp_connected():
    """udp-client --example connected: against udp-server, and against a
    port nothing listens on (refused at once on Linux)."""
    subprocess.run(["cargo", "build", "--quiet", "-p", "udp-client", "--example", "connected"], cwd=ROOT, check=True)
    exe = str(TARGET / "examples" / ("connected" + EXE))
    srv, port = server("udp-server")
    talk = Proc([exe, f"127.0.0.1:{port}"]).finish()
    srv.p.kill()
    closed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    refused = Proc([exe, f"127.0.0.1:{closed_port}"]).finish()
    text = f"$ cargo run -p udp-client --example connected -- 127.0.0.1:9999\n"
    text += refused.stdout() + refused.stderr()
    return {
        "udp-connected.txt": as_default_port(talk.stdout(), port),
        "udp-connected-refused.txt": as_default_port(text, str(closed_port), "9999"),
    }


SCENARIOS = [
    tcp_session, tcp_merge, udp_apart, udp_session, socket_basics,
    socket_basics_raw, http, http_raw, stages, usage_error, tcp_nc,
    udp_loss,
    python_peers, backlog, reuse, http_python,
    exercises,
    boundaries, ports, udp_connected,
]
# Captured by the Rust test that already runs the same demo, not here
# (tests/src/lib.rs book_output; UPDATE_BOOK=1 cargo test -p chapter-tests
# demos:: rewrites them): the merge and apart examples' outputs.
FROM_TESTS = ["tcp-send-all-first.txt", "udp-send-all-first-client.txt", "udp-send-all-first-server.txt"]

# What changes from run to run, masked before comparing.
MASKS = [
    (re.compile(r"(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]|localhost):\d+"), r"\1:PORT"),
    (re.compile(r"端口 \d+"), "端口 PORT"),
    (re.compile(r"^(date|server) -- .*$", re.M | re.I), r"\1 -- …"),
    (re.compile(r"(SO_RCVBUF.*)"), lambda m: re.sub(r"\d+", "N", m.group(1))),
    (re.compile(r"\d+(\.\d+)? ?(ms|µs|s)\b"), "TIME"),
    (re.compile(r"(fd|fileno|SOCKET|描述符)(\D{0,12})\d+"), r"\1\2N"),
    (re.compile(r"/tmp/\S+"), "/tmp/…"),
    # Values that differ between systems. An error number (connection
    # refused is 111 on Linux, 61 on macOS, 10061 on Windows) and the
    # system's sentence for it; a read timeout is WouldBlock on Unix and
    # TimedOut on Windows.
    (re.compile(r"[A-Za-z][^()（）:：\n]*? \(os error \d+\)"), "OS-MESSAGE (os error ERRNO)"),
    (re.compile(r"(返回 / returns) [1-9]\d*"), r"\1 ERRNO"),
    (re.compile(r"\b(?:WouldBlock|TimedOut)\b"), "WouldBlock|TimedOut"),
]


def masked(text):
    for pattern, repl in MASKS:
        text = pattern.sub(repl, text)
    return text


def capture():
    subprocess.run(["cargo", "build", "--quiet", "--workspace", "--bins"], cwd=ROOT, check=True)
    for package, example in (("udp-client", "retry"), ("tcp-server", "backlog")):
        subprocess.run(["cargo", "build", "--quiet", "-p", package, "--example", example], cwd=ROOT, check=True)
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


CODE_SPAN = re.compile(r"(?<![`\\])`([^`\n]+)`(?!`)")
FENCE = re.compile(r"^ *```.*?^ *```", re.M | re.S)
# A call, a path, or a name with an underscore (`CONNECT_TIMEOUT`, `do_tcp`).
CALL = re.compile(r"[A-Za-z_]\w*(?:\(|::)|^[A-Za-z]\w*_\w+$")
COMMAND = re.compile(r"^(cargo|nc|ncat|socat|python3?|printf|echo|ss|for|ip|curl|head|kill)\b|^std::")
# The pages that lay the text's calls beside the listings; others may join.
QUOTING_PAGES = [
    "ch15-02-1-tcp-client.md", "ch15-02-2-tcp-server.md", "ch15-03-udp.md", "ch15-04-http.md", "teachers.md",
]


def check_quoted_calls():
    """A call quoted in a page's prose or tables (`soc.listen(5)`,
    `Socket::new`) still occurs in the sources: the listings (whose comments
    carry the text's Python calls), the examples and the Python peers."""
    files = [*ROOT.glob("*/src/**/*.rs"), *ROOT.glob("*/examples/*.rs"), *ROOT.glob("tests/py/*.py")]
    sources = "".join(f.read_text(encoding="utf-8") for f in files)
    pages = [(str((SRC / name).relative_to(ROOT)), (SRC / name).read_text(encoding="utf-8"))
             for name in QUOTING_PAGES]
    return quoted_call_problems(pages, sources)


def quoted_call_problems(pages, sources):
    """Parts around `...`/`…` are looked up separately; blanks do not count."""
    sources = re.sub(r"\s+", "", sources)
    problems = []
    for name, text in pages:
        for span in CODE_SPAN.findall(FENCE.sub("", text)):
            span = span.replace("\\|", "|")
            if not CALL.search(span) or COMMAND.match(span):
                continue
            parts = [re.sub(r"\s+", "", p) for p in re.split(r"\.\.\.|…", span)]
            if not all(part in sources for part in parts if part):
                problems.append(f"{name}: `{span}` is quoted but no longer in the sources")
    return problems


def check_build():
    """mdBook builds the book, Pagefind indexes it (docs/build.py), and no
    page shows a directive mdBook left unexpanded."""
    out = TARGET.parent / "book-check"  # not docs/book, which `mdbook serve` rebuilds
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


# --- checks of the pages' text -------------------------------------------

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^`\s]*)")
SHELL = {"sh", "bash", "shell", "console", "zsh", "powershell", "ps1", "cmd", "bat"}
# Not program output: code.
CODE = {"rust", "python", "py", "toml", "json", "c", "diff", "html", "js", "css"}
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
BILINGUAL = re.compile(f"[{HAN}][^/\n]*\\s/\\s[^/\n]*[A-Za-z]{{2,}}")
REPLY = "服务端接收到数据："


def blocks(lines):
    """Fenced blocks of a page: (first line number, info, body lines, line above)."""
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info, start = m.group(2), m.group(3).split(",")[0].lower(), i
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            j += 1
        above = next((lines[k] for k in range(start - 1, -1, -1) if lines[k].strip()), "")
        out.append((start + 1, info, lines[start + 1:j], above))
        i = j + 1
    return out


def output_like(line, info):
    if info in SHELL:
        line = re.sub(r"\s#\s.*$", "", line)  # a comment on a command
    return bool(BILINGUAL.search(line)) or REPLY in line or (
        info not in SHELL and line.startswith("$ "))


def check_handwritten(pages):
    """Output blocks come from output/ (captured), not from someone's hand."""
    problems = []
    for name, text in pages:
        for number, info, body, above in blocks(text.splitlines()):
            if info in CODE or "hand-written:" in above:
                continue
            if all(not l.strip() or l.strip().startswith("{{#include") for l in body):
                continue
            hits = [l for l in body if not l.strip().startswith("{{#") and output_like(l, info)]
            if hits:
                problems.append(
                    f"{name}:{number}: program output written by hand: {hits[0].strip()[:70]!r}. "
                    "Capture it: add a scenario to docs/check.py, run it with --update and "
                    "{{#include output/NAME.txt}} (or mark the block <!-- hand-written: why -->)")
    return problems


def visible_ends(line):
    """A source line's first and last characters as they will show."""
    line = re.sub(r"\]\([^)]*\)", "]", line)  # [text](target) shows text
    line = re.sub(r"^\s*(>\s*)*", "", line)
    return line.strip(" \t*_~[]"), line


# A Chinese character, or punctuation that sits inside a Chinese sentence.
# Not after 。？！ (a sentence ended), and not next to a `code span`, where a
# space is the usual spacing.
IN_SENTENCE = re.compile(f"[{HAN}，、：；（）《》「」“”‘’…—]")


def in_sentence(c):
    return bool(IN_SENTENCE.match(c))


def check_line_breaks(pages):
    """No line break between two Chinese characters in prose: the browser
    shows it as a space."""
    problems = []
    block_start = re.compile(r"^\s*(#|\||<|\{\{#|[-*+]\s|\d+\.\s|```|~~~|$)")
    for name, text in pages:
        lines = text.splitlines()
        in_fence = None
        for i, line in enumerate(lines[:-1]):
            m = FENCE.match(line)
            if m:
                in_fence = None if in_fence and line.strip().startswith(in_fence) else (in_fence or m.group(2))
                continue
            if in_fence or not line.strip() or re.match(r"^\s*(#|\||<|\{\{#)", line):
                continue
            nxt = lines[i + 1]
            if line.endswith("  ") or line.endswith("\\") or (
                    block_start.match(nxt) and not nxt.startswith("  ")) or FENCE.match(nxt):
                continue
            left, _ = visible_ends(line)
            right, _ = visible_ends(nxt)
            if not left or not right:
                continue
            a, b = left[-1], right[0]
            han = re.compile(f"[{HAN}]")
            if in_sentence(a) and in_sentence(b) and (han.match(a) or han.match(b)):
                problems.append(
                    f"{name}:{i + 1}: a line break between {a!r} and {b!r} shows as a stray space: "
                    f"join the lines (…{left[-12:]}⏎{right[:12]}…)")
    return problems


MEASURED = re.compile(r"实测|测得|测出|测量结果|\bmeasured\b", re.I)
VAGUE = re.compile(r"大约一半|约一半|一半|大半|大多数|绝大多数|少数|几乎所有|about half|most of")
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:/\d+)?(?![\w.])")


def figures(results):
    return set(NUMBER.findall(results))


def agrees(quoted, known):
    if quoted in known:
        return True
    if "/" in quoted:
        return False
    places = len(quoted.split(".")[1]) if "." in quoted else 0
    value = float(quoted)
    return any("/" not in k and round(float(k), places) == value for k in known)


def claims(text):
    """The sentences of a page's prose that speak of a measurement."""
    prose, in_fence = [], None
    for line in text.splitlines():
        m = FENCE.match(line)
        if m:
            in_fence = None if in_fence and line.strip().startswith(in_fence) else (in_fence or m.group(2))
            continue
        if not in_fence and not line.lstrip().startswith(("{{#", "|", "<!--")):
            prose.append(line)
    body = re.sub(r"\]\([^)]*\)", "]", "\n".join(prose))  # link targets are not figures
    for sentence in re.split(r"[。！？；\n]", body):
        # Code spans are not figures either: `listen(5)`.
        bare = re.sub(r"`[^`]*`", lambda m: "·" * len(m.group(0)), sentence)
        for m in MEASURED.finditer(bare):
            # Inside parentheses, the claim is the parenthetical.
            opened = max(bare.rfind("（", 0, m.start()), bare.rfind("(", 0, m.start()))
            close = len(bare)
            if opened >= 0:
                ends = [c for c in (bare.find("）", m.end()), bare.find(")", m.end())) if c >= 0]
                close = min(ends) + 1 if ends else len(bare)
            start = max(opened, 0)
            yield sentence[start:close], bare[start:close]
            break


def check_bench_figures(pages, results):
    """A measured claim in prose quotes figures bench/results.md has."""
    known = figures(results)
    problems = []
    for name, text in pages:
        for claim, bare in claims(text):
            wrong = [n for n in NUMBER.findall(bare) if not agrees(n, known)]
            if wrong:
                problems.append(
                    f"{name}: {claim.strip()!r} quotes {', '.join(wrong)}, which bench/results.md "
                    "does not have: quote the figure from bench/results.md (rerun bench/run if it is new)")
            vague = VAGUE.search(bare)
            if vague:
                problems.append(
                    f"{name}: {claim.strip()!r} says {vague.group(0)!r} of a measurement: "
                    "quote the figure from bench/results.md instead")
    return problems


def check_svgs():
    """Diagrams are SVG text that scales to a phone: a viewBox, no fixed
    width or height, CJK fonts named, no text smaller than 12 px."""
    import xml.etree.ElementTree as ET
    problems = []
    for svg in sorted(SRC.rglob("*.svg")):
        name = svg.relative_to(ROOT).as_posix()
        text = svg.read_text(encoding="utf-8")
        try:
            root = ET.fromstring(text)
        except ET.ParseError as err:
            problems.append(f"{name}: not well-formed XML: {err}")
            continue
        if "viewBox" not in root.attrib:
            problems.append(f"{name}: no viewBox, so it cannot scale to a phone")
        if {"width", "height"} & root.attrib.keys():
            problems.append(f"{name}: a fixed width/height on <svg>; size it with the page (width:100%)")
        if "Noto Sans CJK SC" not in text or "sans-serif" not in text:
            problems.append(f"{name}: name a CJK font and a generic fallback in font-family")
        small = [s for s in re.findall(r"font-size:\s*([\d.]+)px", text) if float(s) < 12]
        if small:
            problems.append(f"{name}: text of {small[0]} px, too small at 390 px wide")
    return problems


# Statements the book once made that are wrong, each with why. A phrase is a
# regular expression; "sources" also searches the comments of the listings.
FORBIDDEN = [
    (r"会让一部分同学连接超时|重试几次后超时|重试，最后超时", "pages",
     "a full listen(5) queue makes clients wait: a server that accepts at once empties it in "
     "microseconds and a dropped SYN is retried after about 1 s; clients time out only when the "
     "queue stays full for their whole timeout (500 at once on 2 loaded cores)"),
    (r"隔 ?1 ?秒重发一次", "pages",
     "Linux backs off: the SYN is resent about 1, 3, 7 and 15 s after the first"),
    (r"一个也不会丢|从不丢|never loses? a datagram", "sources",
     "loopback drops datagrams when the receive buffer is full (the benchmark lost some at 500 clients)"),
    (r"每次的结果就一样了", "pages",
     "--seed repeats a run only if the server is restarted: the random state lives in the server"),
    (r"Windows 上是 `?WinError 10048", "pages",
     "TIME_WAIT does not block rebinding on Windows; 60 s is Linux, macOS is about 30 s"),
    (r"Python 程序对此一无所知", "pages",
     "on Windows recvfrom(1024) of a longer datagram fails with WSAEMSGSIZE (10040): "
     "the text's server crashes"),
    (r"手写不了", "pages",
     "the HTTP inside TLS is the same text: openssl s_client -connect host:443 -crlf takes the "
     "same typed request; say that http-raw does not do TLS"),
    (r"`urlopen` 不解压", "pages",
     "urllib sends Accept-Encoding: identity, so a correct server never gzips for it; "
     "the test peer does on purpose"),
    (r"很多中文网站用 GBK", "pages",
     "most Chinese sites serve UTF-8 today; say where GBK is still met"),
    (r"`connect` 马上失败|客户端马上知道", "pages",
     "a refused connect takes about 1-2 s on Windows (it retries the SYN), and a firewall that "
     "drops packets gives a timeout instead"),
    (r"每一步只比上一步多几行", "pages",
     "not true of every step (step 2 adds some fifty lines)"),
    (r"洪水问题|收到的原样|印在 stderr 上|提示会检查原因", "pages",
     "unclear wording: say what happens plainly"),
    (r"讲师|老师", "pages", "the book's word for the teacher is 教师"),
]
# On the HTTP pages the answer of a server is a 响应 (回复 is the chapter's
# own protocol). Program messages quoted in `code` keep their words.
HTTP_PAGES = re.compile(r"ch15-04")
HTTP_ANSWER = re.compile(r"回答|答完")


def prose_lines(text):
    """(line number, line) of a page outside fenced blocks, code spans blanked."""
    in_fence = None
    for number, line in enumerate(text.splitlines(), 1):
        m = FENCE.match(line)
        if m:
            in_fence = None if in_fence and line.strip().startswith(in_fence) else (in_fence or m.group(2))
            continue
        if not in_fence:
            yield number, re.sub(r"`[^`]*`", lambda c: "·" * len(c.group(0)), line)


def check_phrases(pages, sources=()):
    """No page repeats a statement of FORBIDDEN; the HTTP pages say 响应."""
    problems = []
    for phrase, scope, why in FORBIDDEN:
        pattern = re.compile(phrase)
        for name, text in [*pages, *(sources if scope == "sources" else ())]:
            for number, line in enumerate(text.splitlines(), 1):
                m = pattern.search(line)
                if m:
                    problems.append(f"{name}:{number}: says {m.group(0)!r}, which is wrong: {why}")
    for name, text in pages:
        if not HTTP_PAGES.search(name):
            continue
        for number, line in prose_lines(text):
            m = HTTP_ANSWER.search(line)
            if m:
                problems.append(f"{name}:{number}: {m.group(0)!r} of HTTP: the book says 响应 "
                                "(回复 is the chapter's own protocol)")
    return problems


ANSWER_LABEL = "参考答案"
SUMMARY_TAG = re.compile(r"<summary>(.*?)</summary>")


def check_exercises(pages):
    """One answer label, and exercises as `### 练习 N` headings."""
    problems = []
    for name, text in pages:
        in_exercises = False
        for number, line in enumerate(text.splitlines(), 1):
            for label in SUMMARY_TAG.findall(line):
                if "答案" in label and label != ANSWER_LABEL:
                    problems.append(f"{name}:{number}: an answer labelled {label!r}: "
                                    f"the book labels every answer {ANSWER_LABEL!r}")
            if line.startswith("## "):
                in_exercises = line.strip() == "## 练习"
            elif in_exercises and (re.match(r"\d+\.\s", line) or re.match(r"\*\*练习", line)):
                problems.append(f"{name}:{number}: an exercise as {line[:12]!r}: "
                                "write each as a heading `### 练习 N`")
    return problems


SECTION = re.compile(r"^(\d+(?:\.\d+)+) (.+)$")


def check_titles(pages, summary, readme=""):
    """Each section has one title: SUMMARY's entry is the page's heading, and
    a table cell "N title" that names a section with a page uses it too."""
    plain = lambda t: re.sub(r"[`*]", "", t).strip()
    headings = {}
    for name, text in pages:
        first = next((l for l in text.splitlines() if l.startswith("# ")), "")
        headings[Path(name).name] = plain(first[2:])
    titles, problems = {}, []
    for entry, target in re.findall(r"\[([^\]]+)\]\(([^)]+\.md)\)", summary):
        heading = headings.get(Path(target).name)
        if heading is not None and plain(entry) != heading:
            problems.append(f"SUMMARY.md: {entry!r} names {target}, whose heading is {heading!r}: "
                            "give the section one title")
        m = SECTION.match(heading or "")
        if m:
            titles[m.group(1)] = m.group(2)
    for name, text in [*pages, ("README.md", readme)]:
        for number, line in enumerate(text.splitlines(), 1):
            if not line.lstrip().startswith("|"):
                continue
            for cell in line.strip().strip("|").split("|"):
                m = SECTION.match(plain(cell))
                han = m and re.search(f"[{HAN}]", m.group(2))
                if han and m.group(1) in titles and m.group(2) != titles[m.group(1)]:
                    problems.append(
                        f"{name}:{number}: {plain(cell)!r}: section {m.group(1)} is titled "
                        f"{titles[m.group(1)]!r} on its page; give the section one title")
    return problems


def source_comments():
    """The listings and examples, for the phrases that code comments repeat."""
    files = [*ROOT.glob("*/src/**/*.rs"), *ROOT.glob("*/examples/*.rs")]
    return [(f.relative_to(ROOT).as_posix(), f.read_text(encoding="utf-8")) for f in sorted(files)]


def book_pages():
    return [(page.relative_to(ROOT).as_posix(), page.read_text(encoding="utf-8"))
            for page in sorted(SRC.rglob("*.md"))]


def check_text():
    pages = book_pages()
    results = ROOT / "bench" / "results.md"
    bench = results.read_text(encoding="utf-8") if results.is_file() else ""
    summary = (SRC / "SUMMARY.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return (check_handwritten(pages) + check_line_breaks(pages) + check_bench_figures(pages, bench)
            + check_phrases(pages, source_comments()) + check_exercises(pages)
            + check_titles(pages, summary, readme))


def self_test():
    """Each page check catches a small broken example, and passes its fixed twin."""
    results = "| C | Rust | Python |\n| 500 | 0/500 | 454/500 |\n| ratio | 7.54× | 0.30× |\n"
    cases = [
        ("hand-written output", check_handwritten,
         "```text\n用法错误 / usage error: --port 需要一个数\n```\n",
         "```text\n{{#include output/usage-error.txt}}\n```\n"),
        ("hand-written reply in a session", check_handwritten,
         "```text\n$ nc -N 127.0.0.1 10000\n你好\n服务端接收到数据：你好\n```\n",
         "<!-- hand-written: what a reader types -->\n```text\n$ nc -N 127.0.0.1 10000\n服务端接收到数据：你好\n```\n"),
        ("line break between Chinese characters", check_line_breaks,
         "我们直接\n从 crate 开始。\n", "我们直接从\ncrate 开始。\n"),
        ("line break before a Chinese quote", check_line_breaks,
         "不保证\n“一次发送”对应一次接收。\n", "不保证“一次发送”对应一次接收，\nTCP 只保证顺序。\n"),
        ("line break in a list item", check_line_breaks,
         "- 先启动\n  服务端。\n", "- 先启动服务端。\n- 再启动客户端。\n"),
        ("a figure bench/results.md does not have", None,
         "我们实测：500 个连接时 190 个失败。\n", "我们实测：500 个连接时 454/500 失败，快 7.5 倍。\n"),
        ("a vague word for a measured figure", None,
         "（我们实测：500 个同时连接，`listen(5)` 的 Python 服务端大约一半超时）\n",
         "（我们实测：500 个同时连接，`listen(5)` 的 Python 服务端 454/500 失败）\n"),
        ("a quoted call that is no longer in the sources",
         lambda pages: quoted_call_problems(pages, "do_tcp(sock, peer, settings) // Python: soc.listen(5)"),
         "换成直接调用 `do_tcp(sock, peer, delay, trace)`，改 `CONNECT_TIMEOUT`；原文：`soc.listen(5)`\n",
         "换成直接调用 `do_tcp(sock, peer, settings)`；原文：`soc.listen(5)`\n"),
        ("an answer labelled 答案", check_exercises,
         "## 练习\n\n### 练习 1\n\n<details><summary>答案</summary>\n",
         "## 练习\n\n### 练习 1\n\n<details><summary>参考答案</summary>\n"),
        ("an exercise as a numbered item", check_exercises,
         "## 练习\n\n1. 运行它。\n", "## 练习\n\n### 练习 1\n\n运行它。\n"),
        ("an exercise as bold text", check_exercises,
         "## 练习\n\n**练习 1**　运行它。\n", "## 练习\n\n### 练习 1\n\n运行它。\n"),
        ("HTTP's 回答 on an HTTP page",
         lambda pages: check_phrases([("ch15-04-x.md", pages[0][1])]),
         "服务器回一个回答：状态行。程序报 `回答不是 HTTP`。\n",
         "服务器回一个响应：状态行。程序报 `回答不是 HTTP`。\n"),
        ("a section with two titles",
         lambda pages: check_titles(
             [("a.md", "# 15.1 套接字与 socket 模块\n"), *pages], "- [15.1 套接字与 socket 模块](a.md)\n"),
         "| 15.1 套接字与六个步骤 | `socket-basics` |\n", "| 15.1 套接字与 socket 模块 | `socket-basics` |\n"),
        ("SUMMARY naming a page by another title",
         lambda pages: check_titles([("a.md", "# 15.2.1 TCP 客户端\n")], pages[0][1]),
         "- [15.2.1 客户端](a.md)\n", "- [15.2.1 TCP 客户端](a.md)\n"),
    ]
    # Every forbidden phrase: the planted statement is caught, the fix passes.
    fixes = {
        "会让一部分同学连接超时": "会让一部分同学多等大约一秒",
        "隔 1 秒重发一次": "约 1、3、7、15 秒后重发",
        "一个也不会丢": "接收缓冲区满时也会丢",
        "每次的结果就一样了": "每次重启服务端，结果就一样了",
        "Windows 上是 `WinError 10048`": "Windows 上 TIME_WAIT 不妨碍重新绑定",
        "Python 程序对此一无所知": "Windows 上 Python 程序会报 WSAEMSGSIZE",
        "手写不了": "http-raw 不做 TLS",
        "`urlopen` 不解压": "urllib 声明 `Accept-Encoding: identity`",
        "很多中文网站用 GBK": "老网站还会用 GBK",
        "`connect` 马上失败": "`connect` 在 Linux 上马上失败",
        "每一步只比上一步多几行": "每一步都能单独运行",
        "洪水问题": "连接太多的问题",
        "讲师": "教师",
    }
    for broken, fixed in fixes.items():
        cases.append((f"the forbidden phrase {broken!r}", check_phrases,
                      f"这里说{broken}。\n", f"这里说{fixed}。\n"))
    sources = [("x/src/loss.rs", "//! Loopback never loses a datagram.\n")]
    cases.append(("a forbidden phrase in a source comment",
                  lambda pages: check_phrases([], sources if "never" in pages[0][1] else []),
                  "never", "fixed"))
    caught_all = {p for p, _, _ in FORBIDDEN if any(re.search(p, f"这里说{b}。") for b in fixes)}
    if caught_all != {p for p, _, _ in FORBIDDEN}:
        print("book check self-test: a FORBIDDEN phrase has no planted copy: FAILED")
        return 1
    failed = 0
    for what, check, broken, fixed in cases:
        def run_check(text):
            pages = [("example.md", text)]
            return check(pages) if check else check_bench_figures(pages, results)
        caught, clean = run_check(broken), run_check(fixed)
        ok = bool(caught) and not clean
        failed += not ok
        print(f"book check self-test: {what}: " + (
            "ok" if ok else f"FAILED (broken: {caught}, fixed: {clean})"))
    sample = "返回 / returns 111（ConnectionRefused: Connection refused (os error 111)）"
    windows = "返回 / returns 10061（ConnectionRefused: No connection could be made because the target machine actively refused it. (os error 10061)）"
    ok = masked(sample) == masked(windows)
    failed += not ok
    print("book check self-test: Linux and Windows error numbers mask alike: " + ("ok" if ok else "FAILED"))
    total = len(cases) + 1
    print(f"book check self-test: {total - failed} passed, {failed} failed")
    return 1 if failed else 0


def main():
    if "--self-test" in sys.argv:
        return self_test()
    try:
        outputs = capture()
        if "--update" in sys.argv:
            OUTPUT.mkdir(parents=True, exist_ok=True)
            for name, text in outputs.items():
                (OUTPUT / name).write_text(text, encoding="utf-8")
            print(f"wrote {len(outputs)} files to {OUTPUT.relative_to(ROOT)}")
        problems = [f"docs/src/output/{name} is missing (UPDATE_BOOK=1 cargo test -p chapter-tests demos::)"
                    for name in FROM_TESTS if not (OUTPUT / name).is_file()]
        problems += (check_includes() + check_quoted_calls() + check_outputs(outputs) + check_text()
                    + check_svgs() + check_build())
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
    print(f"book check: ok ({len(outputs)} outputs compared; includes, page text and build fine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
