//! `loadgen`: the load generator behind `bench/run`.
//!
//! It talks the chapter's protocol to a server on this machine — send a
//! message, read back `服务端接收到数据：` + message, and at the end send
//! `end` (TCP) — from C client threads at once, and reports messages per
//! second, p50/p99 round-trip latency and failed connections.
//!
//! ```text
//! loadgen --port 40000 --clients 50 --messages 400          # TCP
//! loadgen --mode udp --port 40001 --clients 50 --messages 400
//! loadgen --mode idle --port 40000 --clients 500 --hold-s 30
//! loadgen --mode sessions --port 40000 --duration-ms 3000
//! loadgen --port 40000 --vs-port 40002 --clients 50 --duration-ms 4000
//! ```
//!
//! With `--vs-port`, two servers are loaded in turns: C clients each, the
//! two groups taking turns every `--slice-ms`, so both sides of a ratio
//! see the same moments of a busy machine.
//!
//! Loopback only: a target that is not 127.0.0.0/8 or ::1 is refused, so a
//! mistyped host never loads someone else's machine. Everything is bounded:
//! clients, messages, a per-operation timeout and a deadline for the run.
//!
//! The last line of stdout is machine-readable (`RESULT key=value …`); the
//! lines before it are for people.

use std::collections::BTreeMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::net::{ToSocketAddrs, UdpSocket};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant};

const HELP: &str = "\
loadgen — load generator for the chapter's servers (loopback only)

usage: loadgen --port P [options]

  --mode M         tcp (default), udp, idle (open C connections, one
                   round trip each, then hold them for --hold-s seconds), or
                   sessions (each round trip on a new connection: connect,
                   send, read the reply, send end, close)
  --host H         server address, must be loopback (default 127.0.0.1)
  --port P         server port (required)
  --clients C      concurrent clients, 1..=20000 (default 1; one thread
                   each, so mind ulimit -n and the thread limit)
  --messages N     round trips per client, 1..=1000000 (default 100)
  --message TEXT   message body; ' <n>' is appended to make each one
                   unique (default 'Python TCP 第一个DEMO')
  --timeout-ms T   per connect/read timeout; for UDP, after it a datagram
                   counts as lost (default 5000)
  --duration-ms D  stop starting new round trips D ms after the start
                   (so fast and slow servers take the same time); without
                   it each client does all --messages
  --max-s S        deadline for the whole run; clients stop starting new
                   round trips after it (default 60, at most 600)
  --hold-s S       idle mode: how long to hold the connections (default 30)
  --vs-port P2     tcp mode: load a second server too, in turns with the
                   first: C clients each, connected first, then each group
                   runs for --slice-ms while the other waits, until
                   --duration-ms; rates are over each group's own turns
  --slice-ms S     length of one turn with --vs-port (default 100)
  -h, --help       this help
  -V, --version    version

The last line of stdout is `RESULT key=value ...` for scripts.
Exit status: 0 when the run finished (failures are reported, not fatal),
1 when it could not start, 2 for a usage error.
";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Tcp,
    Udp,
    Idle,
    Sessions,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Tcp => "tcp",
            Mode::Udp => "udp",
            Mode::Idle => "idle",
            Mode::Sessions => "sessions",
        }
    }
}

struct Options {
    mode: Mode,
    host: String,
    port: Option<u16>,
    clients: usize,
    messages: usize,
    message: String,
    timeout: Duration,
    max: Duration,
    duration: Option<Duration>,
    hold: Duration,
    vs_port: Option<u16>,
    slice: Duration,
}

enum Parsed {
    Run(Options),
    Help,
    Version,
}

fn parse() -> Result<Parsed, lexopt::Error> {
    use lexopt::prelude::*;
    let mut o = Options {
        mode: Mode::Tcp,
        host: "127.0.0.1".to_owned(),
        port: None,
        clients: 1,
        messages: 100,
        message: "Python TCP 第一个DEMO".to_owned(),
        timeout: Duration::from_millis(5000),
        max: Duration::from_secs(60),
        duration: None,
        hold: Duration::from_secs(30),
        vs_port: None,
        slice: Duration::from_millis(100),
    };
    let mut parser = lexopt::Parser::from_env();
    while let Some(arg) = parser.next()? {
        match arg {
            Short('h') | Long("help") => return Ok(Parsed::Help),
            Short('V') | Long("version") => return Ok(Parsed::Version),
            Long("mode") => {
                o.mode = match parser.value()?.string()?.as_str() {
                    "tcp" => Mode::Tcp,
                    "udp" => Mode::Udp,
                    "idle" => Mode::Idle,
                    "sessions" => Mode::Sessions,
                    other => {
                        return Err(format!(
                            "--mode must be tcp, udp, idle or sessions, not {other:?}"
                        )
                        .into());
                    }
                }
            }
            Long("host") => o.host = parser.value()?.string()?,
            Long("port") => o.port = Some(parser.value()?.parse()?),
            Long("clients") => {
                o.clients =
                    bounded(parser.value()?.parse()?, 20_000, "clients")?;
            }
            Long("messages") => {
                o.messages =
                    bounded(parser.value()?.parse()?, 1_000_000, "messages")?;
            }
            Long("message") => o.message = parser.value()?.string()?,
            Long("timeout-ms") => {
                let ms =
                    bounded(parser.value()?.parse()?, 600_000, "timeout-ms")?;
                o.timeout = Duration::from_millis(ms as u64);
            }
            Long("max-s") => {
                let s = bounded(parser.value()?.parse()?, 600, "max-s")?;
                o.max = Duration::from_secs(s as u64);
            }
            Long("duration-ms") => {
                let ms =
                    bounded(parser.value()?.parse()?, 600_000, "duration-ms")?;
                o.duration = Some(Duration::from_millis(ms as u64));
            }
            Long("hold-s") => {
                let s = bounded(parser.value()?.parse()?, 600, "hold-s")?;
                o.hold = Duration::from_secs(s as u64);
            }
            Long("vs-port") => o.vs_port = Some(parser.value()?.parse()?),
            Long("slice-ms") => {
                let ms = bounded(parser.value()?.parse()?, 10_000, "slice-ms")?;
                o.slice = Duration::from_millis(ms as u64);
            }
            _ => return Err(arg.unexpected()),
        }
    }
    if o.port.is_none() {
        return Err("--port is required (the server prints its port)".into());
    }
    if o.vs_port.is_some() && o.mode != Mode::Tcp {
        return Err("--vs-port works with --mode tcp only".into());
    }
    if o.message.trim() == "end" || o.message.len() > 900 {
        return Err("--message must not be `end` and at most 900 bytes".into());
    }
    Ok(Parsed::Run(o))
}

fn bounded(n: usize, max: usize, what: &str) -> Result<usize, lexopt::Error> {
    if n == 0 || n > max {
        return Err(format!("--{what} must be in 1..={max}, not {n}").into());
    }
    Ok(n)
}

fn main() -> ExitCode {
    let opts = match parse() {
        Ok(Parsed::Run(opts)) => opts,
        Ok(Parsed::Help) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Ok(Parsed::Version) => {
            println!("loadgen {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("loadgen: {err}\n(try --help)");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("loadgen: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves the target and refuses anything that is not loopback.
fn target(opts: &Options) -> io::Result<SocketAddr> {
    let port = opts.port.unwrap_or(0);
    let addrs: Vec<SocketAddr> = (opts.host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", opts.host)))?
        .collect();
    match addrs.first() {
        None => Err(io::Error::other(format!("{}: no address", opts.host))),
        Some(_) if addrs.iter().any(|a| !a.ip().is_loopback()) => {
            Err(io::Error::other(format!(
                "拒绝：{} 不是本机回环地址 / refused: {} is not loopback \
                 (loadgen only loads this machine)",
                opts.host, opts.host
            )))
        }
        Some(addr) => Ok(*addr),
    }
}

/// What one client thread did.
#[derive(Default)]
struct Outcome {
    ok: u64,
    lost: u64,
    error: Option<String>,
    latencies_us: Vec<u32>,
}

impl Outcome {
    fn fail(mut self, err: &io::Error, step: &str) -> Self {
        self.error = Some(format!("{step}: {}", err.kind()));
        self
    }

    /// One round trip on an open connection, its latency recorded; `Err`
    /// names the step that failed.
    fn round_trip(
        &mut self,
        sock: &mut TcpStream,
        buf: &mut [u8],
        message: &str,
    ) -> Result<(), (io::Error, &'static str)> {
        let expected = reply(message);
        let sent = Instant::now();
        exchange(sock, buf, message, &expected)?;
        self.latencies_us.push(micros(sent.elapsed()));
        self.ok += 1;
        Ok(())
    }
}

/// Sends `message` and reads back its reply, which must be `expected`;
/// `Err` names the step that failed.
fn exchange(
    sock: &mut TcpStream,
    buf: &mut [u8],
    message: &str,
    expected: &str,
) -> Result<(), (io::Error, &'static str)> {
    sock.write_all(message.as_bytes())
        .map_err(|e| (e, "send"))?;
    read_reply(sock, buf, expected.as_bytes()).map_err(|e| (e, "recv"))
}

fn micros(d: Duration) -> u32 {
    u32::try_from(d.as_micros()).unwrap_or(u32::MAX)
}

fn run(opts: &Options) -> io::Result<()> {
    let addr = target(opts)?;
    if opts.mode == Mode::Idle {
        return idle(opts, addr);
    }
    if let Some(vs_port) = opts.vs_port {
        let mut other = addr;
        other.set_port(vs_port);
        return turns(opts, [addr, other]);
    }
    let deadline_after = opts.duration.unwrap_or(opts.max).min(opts.max);

    // Every client waits on this gate, so all of them connect at once —
    // as a class does when the instructor says "go".
    let gate = Arc::new(RwLock::new(()));
    let closed = gate.write();
    let mut handles = Vec::with_capacity(opts.clients);
    let mut spawn_failed = 0u64;
    let started = Instant::now();
    let spawn_deadline = started + deadline_after + Duration::from_secs(5);
    for id in 0..opts.clients {
        let gate = Arc::clone(&gate);
        let (mode, messages, timeout) =
            (opts.mode, opts.messages, opts.timeout);
        let message = opts.message.clone();
        let spawned = thread::Builder::new()
            .name(format!("client-{id}"))
            .stack_size(256 * 1024)
            .spawn(move || {
                drop(gate.read());
                let deadline = Instant::now() + deadline_after;
                let job = Job {
                    addr,
                    messages,
                    message: &message,
                    timeout,
                    deadline,
                };
                match mode {
                    Mode::Udp => udp_client(&job),
                    Mode::Sessions => session_client(&job),
                    _ => tcp_client(&job),
                }
            });
        match spawned {
            Ok(handle) => handles.push(handle),
            Err(_) => spawn_failed += 1,
        }
        if Instant::now() > spawn_deadline {
            break;
        }
    }
    let start = Instant::now();
    drop(closed);

    let mut total = Outcome::default();
    let mut failed = spawn_failed;
    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
    if spawn_failed > 0 {
        errors.insert("cannot spawn client thread".into(), spawn_failed);
    }
    for handle in handles {
        let outcome = handle.join().unwrap_or_else(|_| Outcome {
            error: Some("client thread panicked".into()),
            ..Outcome::default()
        });
        total.ok += outcome.ok;
        total.lost += outcome.lost;
        total.latencies_us.extend(outcome.latencies_us);
        if let Some(err) = outcome.error {
            failed += 1;
            *errors.entry(err).or_default() += 1;
        } else if outcome.lost > 0 {
            failed += 1;
        }
    }
    let elapsed = start.elapsed().as_secs_f64().max(1e-9);
    total.latencies_us.sort_unstable();
    let p50 = percentile(&total.latencies_us, 0.50);
    let p99 = percentile(&total.latencies_us, 0.99);
    let rate = total.ok as f64 / elapsed;

    println!(
        "loadgen {} {addr}: {} 个客户端 × {} 条 / {} clients × {} messages",
        opts.mode.name(),
        opts.clients,
        opts.messages,
        opts.clients,
        opts.messages
    );
    println!(
        "  {} 条成功，用时 {elapsed:.3} s：{rate:.0} msg/s；\
         延迟 p50 {p50} µs，p99 {p99} µs",
        total.ok
    );
    println!(
        "  失败的连接 / failed connections: {failed}/{}",
        opts.clients
    );
    if opts.mode == Mode::Udp {
        println!("  丢失的数据报 / lost datagrams: {}", total.lost);
    }
    for (err, n) in &errors {
        println!("  {n} × {err}");
    }
    println!(
        "RESULT mode={} clients={} messages={} ok={} lost={} failed={} \
         elapsed_s={elapsed:.3} msgs_per_s={rate:.0} p50_us={p50} p99_us={p99}",
        opts.mode.name(),
        opts.clients,
        opts.messages,
        total.ok,
        total.lost,
        failed
    );
    Ok(())
}

fn percentile(sorted: &[u32], q: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

struct Job<'a> {
    addr: SocketAddr,
    messages: usize,
    message: &'a str,
    timeout: Duration,
    deadline: Instant,
}

/// One TCP client: connect, N round trips, then `end`.
fn tcp_client(job: &Job) -> Outcome {
    let mut out = Outcome {
        latencies_us: Vec::with_capacity(job.messages),
        ..Outcome::default()
    };
    let mut sock = match TcpStream::connect_timeout(&job.addr, job.timeout) {
        Ok(sock) => sock,
        Err(err) => return out.fail(&err, "connect"),
    };
    let setup = sock
        .set_read_timeout(Some(job.timeout))
        .and_then(|()| sock.set_write_timeout(Some(job.timeout)))
        .and_then(|()| sock.set_nodelay(true));
    if let Err(err) = setup {
        return out.fail(&err, "setsockopt");
    }
    let mut buf = vec![0u8; 4096];
    for i in 0..job.messages {
        if Instant::now() >= job.deadline {
            break;
        }
        let message = format!("{} {i}", job.message);
        if let Err((err, step)) = out.round_trip(&mut sock, &mut buf, &message)
        {
            return out.fail(&err, step);
        }
    }
    if let Err(err) = sock.write_all(b"end") {
        return out.fail(&err, "send end");
    }
    out
}

/// One client of `--mode sessions`: each round trip is a whole session of
/// the text's client on a new connection, as when students run
/// `tcp-client` one after another. The first failure ends the client.
fn session_client(job: &Job) -> Outcome {
    let mut out = Outcome {
        latencies_us: Vec::with_capacity(job.messages.min(100_000)),
        ..Outcome::default()
    };
    let mut buf = vec![0u8; 4096];
    for i in 0..job.messages {
        if Instant::now() >= job.deadline {
            break;
        }
        let message = format!("{} {i}", job.message);
        let expected = reply(&message);
        let started = Instant::now();
        let mut sock = match TcpStream::connect_timeout(&job.addr, job.timeout)
        {
            Ok(sock) => sock,
            Err(err) => return out.fail(&err, "connect"),
        };
        let setup = sock
            .set_read_timeout(Some(job.timeout))
            .and_then(|()| sock.set_write_timeout(Some(job.timeout)));
        if let Err(err) = setup {
            return out.fail(&err, "setsockopt");
        }
        if let Err((err, step)) =
            exchange(&mut sock, &mut buf, &message, &expected)
        {
            return out.fail(&err, step);
        }
        if let Err(err) = sock.write_all(b"end") {
            return out.fail(&err, "send end");
        }
        out.latencies_us.push(micros(started.elapsed()));
        out.ok += 1;
    }
    out
}

/// Reads exactly one reply (its length is known) and checks it.
fn read_reply(
    sock: &mut TcpStream,
    buf: &mut [u8],
    expected: &[u8],
) -> io::Result<()> {
    let want = expected.len();
    let Some(window) = buf.get_mut(..want) else {
        return Err(io::Error::other("reply longer than the buffer"));
    };
    let mut got = 0;
    while got < want {
        match sock.read(&mut window[got..]) {
            Ok(0) => {
                return Err(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    "server closed the connection",
                ));
            }
            Ok(n) => got += n,
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    if window != expected {
        return Err(io::Error::new(ErrorKind::InvalidData, "wrong reply"));
    }
    Ok(())
}

/// One UDP client: its own socket, N datagrams, each waiting for its reply.
/// A reply that does not come within the timeout counts as lost.
fn udp_client(job: &Job) -> Outcome {
    let mut out = Outcome {
        latencies_us: Vec::with_capacity(job.messages),
        ..Outcome::default()
    };
    let local: IpAddr = match job.addr {
        SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
        SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
    };
    let sock = match UdpSocket::bind((local, 0)) {
        Ok(sock) => sock,
        Err(err) => return out.fail(&err, "bind"),
    };
    let setup = sock
        .connect(job.addr)
        .and_then(|()| sock.set_read_timeout(Some(job.timeout)));
    if let Err(err) = setup {
        return out.fail(&err, "connect");
    }
    // As the servers do: room for any datagram, so a long one is seen whole.
    let mut buf = vec![0u8; 65_536];
    for i in 0..job.messages {
        if Instant::now() >= job.deadline {
            break;
        }
        let message = format!("{} {i}", job.message);
        let expected = reply(&message);
        let sent = Instant::now();
        if let Err(err) = sock.send(message.as_bytes()) {
            return out.fail(&err, "sendto");
        }
        loop {
            match sock.recv(&mut buf) {
                // A late reply to an earlier, already counted-lost datagram.
                Ok(n) if buf[..n] != *expected.as_bytes() => {
                    if sent.elapsed() >= job.timeout {
                        out.lost += 1;
                        break;
                    }
                }
                Ok(_) => {
                    out.latencies_us.push(micros(sent.elapsed()));
                    out.ok += 1;
                    break;
                }
                Err(err)
                    if matches!(
                        err.kind(),
                        ErrorKind::WouldBlock | ErrorKind::TimedOut
                    ) =>
                {
                    out.lost += 1;
                    break;
                }
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) => return out.fail(&err, "recvfrom"),
            }
        }
    }
    out
}

/// Idle mode: open C connections one after another, do one round trip on
/// each (so the server has surely accepted it and started its thread), then
/// hold them open, doing nothing, for `--hold-s` seconds.
fn idle(opts: &Options, addr: SocketAddr) -> io::Result<()> {
    let deadline = Instant::now() + opts.max;
    let mut open = Vec::with_capacity(opts.clients);
    let mut failed = 0u64;
    let mut buf = vec![0u8; 4096];
    let message = format!("{} 0", opts.message);
    let expected = reply(&message);
    for _ in 0..opts.clients {
        if Instant::now() >= deadline {
            failed += 1;
            continue;
        }
        let opened = TcpStream::connect_timeout(&addr, opts.timeout).and_then(
            |mut sock| {
                sock.set_read_timeout(Some(opts.timeout))?;
                sock.write_all(message.as_bytes())?;
                read_reply(&mut sock, &mut buf, expected.as_bytes())?;
                Ok(sock)
            },
        );
        match opened {
            Ok(sock) => open.push(sock),
            Err(_) => failed += 1,
        }
    }
    println!(
        "READY open={} failed={failed} hold_s={}",
        open.len(),
        opts.hold.as_secs()
    );
    io::stdout().flush()?;
    thread::sleep(opts.hold);
    for sock in &mut open {
        // The server may be gone already; nothing to report then.
        let _ = sock.write_all(b"end");
    }
    println!(
        "RESULT mode=idle clients={} open={} failed={failed}",
        opts.clients,
        open.len()
    );
    Ok(())
}

/// The reply of the chapter's servers, as the text's
/// `'服务端接收到数据：%s' % data`.
fn reply(message: &str) -> String {
    format!("服务端接收到数据：{message}")
}

/// Whose turn it is in `--vs-port` mode: group 0, group 1, or over.
struct Turn {
    whose: Mutex<usize>,
    changed: Condvar,
}

const OVER: usize = 2;

impl Turn {
    fn set(&self, whose: usize) {
        if let Ok(mut w) = self.whose.lock() {
            *w = whose;
        }
        self.changed.notify_all();
    }

    /// Waits until it is `group`'s turn (true) or the run is over (false).
    fn wait_for(&self, group: usize) -> bool {
        let Ok(mut w) = self.whose.lock() else {
            return false;
        };
        while *w != group && *w != OVER {
            w = match self.changed.wait(w) {
                Ok(w) => w,
                Err(_) => return false,
            };
        }
        *w == group
    }
}

/// `--vs-port`: two servers, C clients each, loaded in turns of
/// `--slice-ms`. Every client connects first; then the groups take turns
/// until `--duration-ms`. A client starts a round trip only in its group's
/// turn, so at most one round trip per client runs into the other's turn.
/// Each group's rate is its round trips over the time of its own turns.
fn turns(opts: &Options, addrs: [SocketAddr; 2]) -> io::Result<()> {
    let turn = Arc::new(Turn {
        whose: Mutex::new(OVER + 1), // nobody's yet: clients connect
        changed: Condvar::new(),
    });
    let connected = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::with_capacity(2 * opts.clients);
    for (group, &addr) in addrs.iter().enumerate() {
        for id in 0..opts.clients {
            let mine = Arc::clone(&turn);
            let connected = Arc::clone(&connected);
            let message = opts.message.clone();
            let timeout = opts.timeout;
            let spawned = thread::Builder::new()
                .name(format!("client-{group}-{id}"))
                .stack_size(256 * 1024)
                .spawn(move || {
                    turn_client(
                        addr, &message, timeout, group, &mine, &connected,
                    )
                });
            match spawned {
                Ok(handle) => handles.push((group, handle)),
                Err(err) => {
                    turn.set(OVER);
                    return Err(io::Error::other(format!(
                        "cannot spawn client thread: {err}"
                    )));
                }
            }
        }
    }
    // Wait (bounded) until every client has connected or given up.
    let connect_deadline =
        Instant::now() + opts.timeout + Duration::from_secs(1);
    while connected.load(Ordering::SeqCst) < handles.len()
        && Instant::now() < connect_deadline
    {
        thread::sleep(Duration::from_millis(5));
    }
    let run_for = opts.duration.unwrap_or(opts.max).min(opts.max);
    let mut busy = [Duration::ZERO; 2];
    let start = Instant::now();
    let mut group = 0;
    while start.elapsed() < run_for {
        let began = Instant::now();
        turn.set(group);
        thread::sleep(opts.slice.min(run_for.saturating_sub(start.elapsed())));
        busy[group] += began.elapsed();
        group = 1 - group;
    }
    turn.set(OVER);

    let mut totals = [Outcome::default(), Outcome::default()];
    let mut failed = [0u64; 2];
    for (group, handle) in handles {
        let outcome = handle.join().unwrap_or_else(|_| Outcome {
            error: Some("client thread panicked".into()),
            ..Outcome::default()
        });
        let total = &mut totals[group];
        total.ok += outcome.ok;
        total.latencies_us.extend(outcome.latencies_us);
        if outcome.error.is_some() {
            failed[group] += 1;
        }
    }
    for (group, total) in totals.iter_mut().enumerate() {
        let secs = busy[group].as_secs_f64().max(1e-9);
        total.latencies_us.sort_unstable();
        let p50 = percentile(&total.latencies_us, 0.50);
        let p99 = percentile(&total.latencies_us, 0.99);
        let rate = total.ok as f64 / secs;
        let tag = if group == 0 { "RESULT" } else { "RESULT_VS" };
        println!(
            "  {}: {} 条成功，轮到它的 {secs:.3} s 里 {rate:.0} msg/s；\
             延迟 p50 {p50} µs，p99 {p99} µs；失败的连接 {}/{}",
            addrs[group], total.ok, failed[group], opts.clients
        );
        println!(
            "{tag} mode=tcp clients={} messages=0 ok={} lost=0 failed={} \
             elapsed_s={secs:.3} msgs_per_s={rate:.0} p50_us={p50} \
             p99_us={p99} port={}",
            opts.clients,
            total.ok,
            failed[group],
            addrs[group].port()
        );
    }
    Ok(())
}

/// One client of `--vs-port` mode: connect, then round trips in its
/// group's turns only, then `end`.
fn turn_client(
    addr: SocketAddr,
    message: &str,
    timeout: Duration,
    group: usize,
    turn: &Turn,
    connected: &AtomicUsize,
) -> Outcome {
    let mut out = Outcome::default();
    let opened = TcpStream::connect_timeout(&addr, timeout).and_then(|sock| {
        sock.set_read_timeout(Some(timeout))?;
        sock.set_write_timeout(Some(timeout))?;
        sock.set_nodelay(true)?;
        Ok(sock)
    });
    connected.fetch_add(1, Ordering::SeqCst);
    let mut sock = match opened {
        Ok(sock) => sock,
        Err(err) => return out.fail(&err, "connect"),
    };
    let mut buf = vec![0u8; 4096];
    let mut i = 0u64;
    while turn.wait_for(group) {
        let message = format!("{message} {i}");
        i += 1;
        if let Err((err, step)) = out.round_trip(&mut sock, &mut buf, &message)
        {
            return out.fail(&err, step);
        }
    }
    if let Err(err) = sock.write_all(b"end") {
        return out.fail(&err, "send end");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_picks_the_nearest_rank() {
        let sorted: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&sorted, 0.50), 51);
        assert_eq!(percentile(&sorted, 0.99), 99);
        assert_eq!(percentile(&[7], 0.99), 7);
        assert_eq!(percentile(&[], 0.5), 0);
    }

    #[test]
    fn clients_are_bounded_for_ten_thousand_connections() {
        assert_eq!(bounded(10_000, 20_000, "clients").ok(), Some(10_000));
        assert!(bounded(0, 20_000, "clients").is_err());
        assert!(bounded(20_001, 20_000, "clients").is_err());
    }

    #[test]
    fn the_reply_is_the_texts() {
        assert_eq!(reply("hi 1"), "服务端接收到数据：hi 1");
    }
}
