//! 连接数上限与超时：一个学生（或一段脚本）不能占满整个服务端。
//!
//! `--max-clients N`: the server never has more than N connection threads.
//! Connection N+1 is told so in one line and closed from the accept loop,
//! without a thread. Too many threads is what made a flood of connections
//! abort the server: every thread takes memory maps, and the per-process
//! limit ran out in the middle of a spawn. So N is lowered, even when
//! given, to the threads the machine can start ([`thread_room`]: memory
//! maps, `threads-max`, `pid_max`, `ulimit -u`), and a note names the limit.
//!
//! `--idle-timeout S`: a connection silent that long is closed, with a line
//! to the client. A reply is written by [`send_all`] within
//! [`write_timeout`] in total, so a client that never reads frees its
//! thread in that time (a timeout per write would start again after every
//! partial write: measured, about twice as long).

use std::io::{self, ErrorKind, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::cli::{Initial, Opt, Set, Value};
use common::lan;

use crate::Args;
use common::{Bilingual, explain, output};

/// Default of `--max-clients` (its help says so: see main.rs).
pub const MAX_CLIENTS: usize = 1000;

/// 每个连接线程的栈大小：一个连接只用到几 KiB，不必用默认的 2 MiB。
///
/// The stack of a connection thread. A connection needs a few KiB (a
/// 1024-byte buffer and the reply, on the heap); 2 MiB each (std's default)
/// would reserve 40 GiB for 20,000 clients. Smaller stacks do not mean
/// fewer memory maps, which [`thread_room`] counts.
pub const THREAD_STACK: usize = 256 * 1024;

/// 给一个连接开线程用的 Builder：栈只要 [`THREAD_STACK`]（256 KiB，std 默认
/// 2 MiB），全班连上来也不占多少内存。
pub fn thread() -> std::thread::Builder {
    std::thread::Builder::new().stack_size(THREAD_STACK)
}

/// How long a reply may wait for a client that does not read.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// Descriptors a server needs besides its connections: stdin, stdout,
/// stderr, the listening socket, and a few to spare.
const SPARE_FILES: u64 = 24;

/// 当前的连接数，和它的上限（--max-clients）。
#[derive(Clone, Debug)]
pub struct Clients {
    active: Arc<AtomicUsize>,
    max: usize,
    /// Whether the last accept failed (reported once).
    failing: std::cell::Cell<bool>,
}

/// One admitted connection; the count goes down when it is dropped (when
/// the connection's thread ends, or its spawn failed).
#[derive(Debug)]
pub struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Clients {
    /// 按 --max-clients 计数；默认值超出打开文件数上限、或任何值超出本机能开的
    /// 线程数时调低，并打印一行说明。
    ///
    /// `given` is `--max-clients` as given (`None`: [`MAX_CLIENTS`]). Call
    /// it after the server's first line: a note about the limit follows it.
    pub fn new(given: Option<usize>) -> Self {
        let wanted = given.unwrap_or(MAX_CLIENTS);
        let (max, note) = fit(wanted, given.is_some(), open_files_limit());
        if let Some(note) = note {
            common::println!("{note}");
        }
        // A thread the machine cannot give aborts the whole process, so
        // this cap holds for a number given on the command line too.
        let (max, note) = fit_threads(max, thread_room());
        if let Some(note) = note {
            common::println!("{note}");
        }
        Self::with_max(max)
    }

    /// At most `max` connections, whatever the open-files limit.
    pub fn with_max(max: usize) -> Self {
        Clients {
            active: Arc::new(AtomicUsize::new(0)),
            max: max.max(1),
            failing: std::cell::Cell::new(false),
        }
    }

    /// 收下 accept() 接受的连接：还有空位就占一个；满了告诉对方“已满”并断开；
    /// accept 出错（例如打开的连接太多，EMFILE）时只报告一次，稍等再试。
    /// 后两种情况返回 None，服务端接着等下一个连接。
    ///
    /// An accept failure is reported when it starts, not again until an
    /// accept succeeds; the pause keeps a lasting one (no descriptors
    /// left) from spinning.
    pub fn admit(
        &self,
        accepted: io::Result<(TcpStream, SocketAddr)>,
    ) -> Option<(TcpStream, SocketAddr, Slot)> {
        let err = match accepted {
            Ok((sock, peer)) => {
                self.failing.set(false);
                let Some(slot) = self.take_slot() else {
                    self.turn_away(sock, peer);
                    return None;
                };
                return Some((sock, peer, slot));
            }
            Err(err) => err,
        };
        if !self.failing.replace(true) {
            let line =
                format!("accept() 出错，稍后重试 / accept failed: {err}");
            output::repeated(["accept()", "accept()"], line);
        }
        std::thread::sleep(Duration::from_millis(100));
        None
    }

    /// 还有空位就占一个；满了返回 None。
    fn take_slot(&self) -> Option<Slot> {
        let taken = self.active.fetch_update(
            Ordering::AcqRel,
            Ordering::Acquire,
            |n| (n < self.max).then_some(n + 1),
        );
        taken.ok().map(|_| Slot(Arc::clone(&self.active)))
    }

    /// Connections open now.
    #[cfg(test)]
    fn active(&self) -> usize {
        self.active.load(Ordering::Acquire)
    }

    /// 服务端已满：告诉对方一行，然后断开（不开线程，不等待）。
    ///
    /// The line is written without blocking (a fresh connection always has
    /// room for it); the log line is rate-limited, as a full class may try
    /// again and again.
    pub fn turn_away(&self, sock: TcpStream, peer: SocketAddr) {
        let line = full_line(self.max);
        if sock.set_nonblocking(true).is_ok() {
            let _ = (&sock).write_all(format!("{line}\n").as_bytes());
        }
        drop(sock);
        output::repeated(
            ["服务端已满", "server full"],
            format!("拒绝了 {peer}：{line}"),
        );
    }
}

/// 每个连接的线程都要用的设置（--delay-ms、--trace、--quiet、--idle-timeout），
/// 复制给每个线程。
#[derive(Clone, Copy, Default)]
pub struct Settings {
    pub delay: Duration,
    pub trace: bool,
    pub quiet: bool,
    pub idle: Option<Duration>,
}

/// 绑定 `::` 时也接受 IPv4 客户端（双栈）— Python: soc.setsockopt(
/// socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)。
///
/// Linux and macOS do so by default, Windows takes only IPv6 unless told;
/// where the system refuses, the server takes IPv6 only ([`open`] asks
/// the socket which, for the LAN hint).
pub fn dual_stack(soc: &socket2::Socket, addr: SocketAddr) {
    if addr.is_ipv6() {
        let _ = soc.set_only_v6(false);
    }
}

/// 课堂层的开始：输出交给写线程，告诉学生怎么连，按 --max-clients 计数。
///
/// Call it after the server's first line. From here on output goes
/// through the writer thread, so a paused terminal (Ctrl-S) or an unread
/// pipe never stops serving; then one line per LAN address (or "only this
/// machine can connect") and, when a limit cannot hold `--max-clients`, a
/// note.
pub fn open(
    listener: &TcpListener,
    max_clients: Option<usize>,
) -> io::Result<Clients> {
    output::start();
    let addr = listener.local_addr()?;
    let v6only = socket2::SockRef::from(listener).only_v6();
    let dual_stack = addr.is_ipv6() && matches!(v6only, Ok(false));
    for line in lan::hints(addr, lan::Kind::Tcp, dual_stack) {
        common::println!("{line}");
    }
    Ok(Clients::new(max_clients))
}

/// `--max-clients N`：最多同时服务的连接数（帮助里写的默认值由测试核对）。
#[rustfmt::skip] // 和 main.rs 的选项表一样排版（不超过 100 列）
pub const MAX_CLIENTS_OPTION: Opt<Args> = Opt::new("--max-clients <N>",
    ["最多同时服务的连接数，多出的被告知“已满”", "most clients at once; more are told it is full"],
    Initial::Said("1000，不超过 ulimit -n", "1000, within ulimit -n"),
    Set::With(|args, v| v.at_least_one().map(|n| args.max_clients = Some(n))));

/// `--idle-timeout S`：空闲多久断开。
#[rustfmt::skip]
pub const IDLE_TIMEOUT_OPTION: Opt<Args> = Opt::new("--idle-timeout <SECS>",
    ["连接空闲多少秒后断开，0 = 不断开", "close a connection silent that long, 0 = never"],
    Initial::Value("600"),
    Set::With(|args, v| idle_timeout(v).map(|idle| args.settings.idle = idle)));

/// `--idle-timeout S`: 0 means never; otherwise at least 1 ms (a shorter
/// one would become a zero timeout, which a socket refuses) and at most a
/// day.
fn idle_timeout(value: &Value) -> Result<Option<Duration>, Bilingual> {
    let (option, got) = (value.option, value.quoted());
    let seconds: f64 = value.number("秒")?;
    if seconds == 0.0 {
        return Ok(None);
    }
    if !(0.0..=86_400.0).contains(&seconds) {
        return Err(Bilingual::new(
            format!("{option} 应在 0 到 86400 秒之间"),
            format!("{option} must be 0 to 86400 s"),
        ));
    }
    if seconds < 0.001 {
        return Err(Bilingual::new(
            format!(
                "{option} 至少 0.001 秒（1 毫秒），0 表示不断开，收到 {got}"
            ),
            format!(
                "{option} must be at least 0.001 s (1 ms), or 0 for never, got {got}"
            ),
        ));
    }
    Ok(Some(Duration::from_secs_f64(seconds)))
}

/// 一个连接出错结束时记一行（成批时只记几行）；空闲超时的先告诉对方一声。
///
/// A timeout of the read is an idle client: it is told so in one line.
/// A reply not taken in time ([`send_all`]) is a client that does not
/// read: there is no point telling it anything.
pub fn report(
    sock: &TcpStream,
    peer: SocketAddr,
    err: io::Error,
    idle: Option<Duration>,
) {
    if is_not_read(&err) {
        output::repeated(
            ["不读回复", "not reading"],
            format!(
                "{peer} 一直不读回复，已断开 / {peer} does not read its replies, closed"
            ),
        );
        return;
    }
    if is_timeout(&err) {
        // The read timed out: an idle client, told so if it still listens.
        let line = format!("{}\n", idle_line(idle.unwrap_or(WRITE_TIMEOUT)));
        if sock.set_nonblocking(true).is_ok() {
            let _ = (&*sock).write(line.as_bytes());
        }
        output::repeated(
            ["空闲", "idle"],
            format!(
                "{peer} 空闲太久，已断开 / {peer} was idle too long, closed"
            ),
        );
        return;
    }
    let kind = match err.kind() {
        ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted
        | ErrorKind::BrokenPipe => ["断开", "reset"],
        _ => ["出错", "errors"],
    };
    output::repeated(kind, explain::one_line(&explain::talk(err, peer)));
}

/// What connection N+1 reads before it is closed.
pub fn full_line(max: usize) -> String {
    format!(
        "服务端已满（{max} 个连接），请稍后再试 / server full ({max} clients), try again later"
    )
}

/// What an idle connection reads before it is closed.
pub fn idle_line(idle: Duration) -> String {
    let s = idle.as_secs_f64();
    format!("{s} 秒没有收到数据，服务端断开连接 / idle for {s} s, closing")
}

/// A read or write that ran into its timeout (the kind differs between
/// Unix, `WouldBlock`, and Windows, `TimedOut`).
pub fn is_timeout(err: &io::Error) -> bool {
    matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// 设好读的超时（--idle-timeout），返回一条回复最多能等多久（见 [`send_all`]）。
pub fn timeouts(
    sock: &TcpStream,
    idle: Option<Duration>,
) -> io::Result<Duration> {
    sock.set_read_timeout(idle)?;
    Ok(write_timeout(idle))
}

/// The write timeout for replies: [`WRITE_TIMEOUT`], or the idle timeout
/// if that is shorter (a client that takes nothing for that long is idle
/// too).
pub fn write_timeout(idle: Option<Duration>) -> Duration {
    idle.map_or(WRITE_TIMEOUT, |idle| idle.min(WRITE_TIMEOUT))
}

/// 把整条回复发完，总共最多等 `total` — Python 的 `sock.sendall()`，加上期限。
///
/// `write_all` with the socket's write timeout waits that long for each
/// write; a client that reads a little now and then (or a kernel that
/// takes a partial write just before the timeout) would restart the wait
/// every time. Here each write gets only what is left of one deadline, and
/// the deadline passing is a `TimedOut` error, which [`report`] logs as a
/// client that does not read.
pub fn send_all(
    sock: &TcpStream,
    bytes: &[u8],
    total: Duration,
) -> io::Result<()> {
    let deadline = Instant::now() + total;
    let left = || deadline.checked_duration_since(Instant::now());
    write_within(&mut &*sock, bytes, left, |t| {
        sock.set_write_timeout(Some(t))
    })
}

/// [`send_all`] over any writer: `left` says how long is left of the
/// deadline (`None`: it has passed), `set_timeout` bounds the next write.
fn write_within<W: Write>(
    writer: &mut W,
    mut bytes: &[u8],
    mut left: impl FnMut() -> Option<Duration>,
    mut set_timeout: impl FnMut(Duration) -> io::Result<()>,
) -> io::Result<()> {
    while !bytes.is_empty() {
        // Below a millisecond is as good as passed (and a zero timeout
        // would mean "wait forever" to the system).
        let Some(left) = left().filter(|l| *l >= Duration::from_millis(1))
        else {
            return Err(not_read());
        };
        set_timeout(left)?;
        match writer.write(bytes) {
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if is_timeout(&e) => return Err(not_read()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The error of a reply the client did not take in time: a `TimedOut`
/// that [`report`] tells apart from a read's timeout (an idle client).
#[derive(Debug)]
struct NotRead;

impl std::fmt::Display for NotRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the client did not take its reply in time")
    }
}

impl std::error::Error for NotRead {}

fn not_read() -> io::Error {
    io::Error::new(ErrorKind::TimedOut, NotRead)
}

fn is_not_read(err: &io::Error) -> bool {
    err.get_ref().is_some_and(|inner| inner.is::<NotRead>())
}

/// 开线程失败时记一行（成批时只记几行）；这个连接随之关闭，服务端照常运行。
pub fn cannot_spawn(peer: SocketAddr, err: &io::Error) {
    output::repeated(
        ["无法开线程", "cannot spawn"],
        format!(
            "无法为 {peer} 开线程，已断开 / cannot spawn a thread for {peer}: {err}"
        ),
    );
}

/// Memory maps one more thread takes (Linux, glibc): its stack and guard
/// page, and the signal stack and guard page std gives every thread.
/// Measured by `a_thread_takes_at_most_maps_per_thread`.
pub const MAPS_PER_THREAD: u64 = 4;

/// Maps and threads kept free for everything else the server does (the
/// heap arenas of busy threads, the output thread, a trace).
const SPARE_MAPS: u64 = 2048;
const SPARE_THREADS: u64 = 256;

/// A limit of the machine on how many threads this process can start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadLimit {
    /// `vm.max_map_count`: memory maps per process.
    MapCount { max: u64 },
    /// `kernel.threads-max`: threads on the whole system.
    ThreadsMax { max: u64 },
    /// `kernel.pid_max`: every thread takes a process id.
    PidMax { max: u64 },
    /// `ulimit -u`: processes and threads of this user.
    UserProcesses { max: u64 },
}

/// 本机还能为这个进程开多少个线程，以及是哪一项限制的（只在 Linux 上知道）。
///
/// How many more threads this process can start, and the limit that says
/// so: the smallest of what `vm.max_map_count` (less the maps in use),
/// `kernel.threads-max` and `kernel.pid_max` (less the threads running on
/// the system) and `ulimit -u` (not for root, whom it does not bind)
/// leave. `None` where `/proc` does not tell (macOS, Windows: no such
/// small limits there).
pub fn thread_room() -> Option<(u64, ThreadLimit)> {
    let read = |path: &str| -> Option<u64> {
        std::fs::read_to_string(path).ok()?.trim().parse().ok()
    };
    let maps_used = std::fs::read_to_string("/proc/self/maps")
        .ok()
        .map(|maps| maps.lines().count() as u64);
    let running = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|load| threads_running(&load));
    let mut rooms = Vec::new();
    if let (Some(max), Some(used)) =
        (read("/proc/sys/vm/max_map_count"), maps_used)
    {
        let free = max.saturating_sub(used).saturating_sub(SPARE_MAPS);
        rooms.push((free / MAPS_PER_THREAD, ThreadLimit::MapCount { max }));
    }
    if let Some(running) = running {
        let free = |max: u64| {
            max.saturating_sub(running).saturating_sub(SPARE_THREADS)
        };
        if let Some(max) = read("/proc/sys/kernel/threads-max") {
            rooms.push((free(max), ThreadLimit::ThreadsMax { max }));
        }
        if let Some(max) = read("/proc/sys/kernel/pid_max") {
            rooms.push((free(max), ThreadLimit::PidMax { max }));
        }
        let limits = std::fs::read_to_string("/proc/self/limits").ok();
        let status = std::fs::read_to_string("/proc/self/status").ok();
        let root = status.as_deref().is_some_and(is_root);
        // Root is not bound by ulimit -u.
        let user_max = limits.as_deref().and_then(parse_processes);
        if let Some(max) = user_max.filter(|_| !root) {
            rooms.push((free(max), ThreadLimit::UserProcesses { max }));
        }
    }
    rooms.into_iter().min_by_key(|(room, _)| *room)
}

/// Threads on the whole system: the number after the `/` in
/// `/proc/loadavg` (`0.54 0.91 0.58 1/90 25612`).
fn threads_running(loadavg: &str) -> Option<u64> {
    loadavg
        .split_whitespace()
        .nth(3)?
        .split_once('/')?
        .1
        .parse()
        .ok()
}

/// Whether `/proc/self/status` says the real user is root.
fn is_root(status: &str) -> bool {
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().next())
        == Some("0")
}

/// The soft `ulimit -u` in `/proc/self/limits`.
fn parse_processes(limits: &str) -> Option<u64> {
    soft_limit(limits, "Max processes")
}

/// `--max-clients` lowered to the threads the machine can start (`room`),
/// and a note naming the limit and how to raise it. Applies to a number
/// given on the command line too: one thread too many aborts the process
/// (measured: "failed to set up alternative stack guard page" after
/// ~16,000 threads with `vm.max_map_count` 65530).
pub fn fit_threads(
    wanted: usize,
    room: Option<(u64, ThreadLimit)>,
) -> (usize, Option<String>) {
    let Some((room, limit)) = room else {
        return (wanted, None);
    };
    if wanted as u64 <= room {
        return (wanted, None);
    }
    let fits = usize::try_from(room.max(1)).unwrap_or(usize::MAX);
    let (zh, en) = match limit {
        ThreadLimit::MapCount { max } => (
            format!(
                "vm.max_map_count 为 {max}（每个线程占 {MAPS_PER_THREAD} 个内存映射）"
            ),
            format!(
                "vm.max_map_count {max} ({MAPS_PER_THREAD} memory maps a thread); \
                 raise it with sysctl -w vm.max_map_count=262144"
            ),
        ),
        ThreadLimit::ThreadsMax { max } => (
            format!("kernel.threads-max 为 {max}"),
            format!("kernel.threads-max {max}; raise it with sysctl"),
        ),
        ThreadLimit::PidMax { max } => (
            format!("kernel.pid_max 为 {max}"),
            format!("kernel.pid_max {max}; raise it with sysctl"),
        ),
        ThreadLimit::UserProcesses { max } => (
            format!("进程数上限（ulimit -u）为 {max}"),
            format!("ulimit -u {max}; raise it with ulimit -u"),
        ),
    };
    let note = format!(
        "{zh}，本机最多还能开 {fits} 个线程，最多连接数降为 {fits} \
         / {en}: room for {fits} more threads, --max-clients lowered to {fits}"
    );
    (fits, Some(note))
}

/// The open-files limit of this process (the soft `ulimit -n`), if known.
///
/// Read from `/proc/self/limits` on Linux. Elsewhere (macOS, Windows)
/// there is no way to ask without `unsafe` code, which this workspace
/// forbids, so it is `None` and the default stays as it is; Windows has no
/// such small per-process limit on sockets anyway.
pub fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    parse_open_files(&limits)
}

fn parse_open_files(limits: &str) -> Option<u64> {
    soft_limit(limits, "Max open files")
}

/// The soft limit on the line of `/proc/self/limits` that starts with
/// `name` (`unlimited` is `u64::MAX`).
fn soft_limit(limits: &str, name: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with(name))?;
    let soft = line[name.len()..].split_whitespace().next()?;
    match soft {
        "unlimited" => Some(u64::MAX),
        n => n.parse().ok(),
    }
}

/// The `--max-clients` to use, and a note when the open-files limit
/// `files` cannot hold `wanted` connections. A default (`given` false) is
/// lowered to fit; a number given on the command line is kept, with a
/// warning.
pub fn fit(
    wanted: usize,
    given: bool,
    files: Option<u64>,
) -> (usize, Option<String>) {
    let Some(files) = files else {
        return (wanted, None);
    };
    let room = files.saturating_sub(SPARE_FILES).max(1);
    if wanted as u64 <= room {
        return (wanted, None);
    }
    let fits = usize::try_from(room).unwrap_or(usize::MAX);
    if given {
        let note = format!(
            "注意：打开文件数上限（ulimit -n）为 {files}，容纳不下 {wanted} 个连接 \
             / note: the open-files limit {files} cannot hold {wanted} \
             connections; raise it with ulimit -n"
        );
        return (wanted, Some(note));
    }
    let note = format!(
        "打开文件数上限（ulimit -n）为 {files}，最多连接数降为 {fits} \
         / open-files limit {files}: --max-clients lowered to {fits}"
    );
    (fits, Some(note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_say_their_defaults_and_check_their_values() {
        let Initial::Said(zh, en) = MAX_CLIENTS_OPTION.default else {
            panic!("--max-clients shows its default")
        };
        let max = MAX_CLIENTS.to_string();
        assert!(zh.starts_with(&max) && en.starts_with(&max), "{zh} {en}");
        let idle = |text: &str| {
            idle_timeout(&Value {
                option: "--idle-timeout",
                raw: text.as_ref(),
            })
        };
        assert_eq!(idle("0"), Ok(None));
        assert_eq!(idle("1.5"), Ok(Some(Duration::from_millis(1500))));
        assert_eq!(idle("0.001"), Ok(Some(Duration::from_millis(1))));
        for bad in ["-1", "nan", "86401", "1e-10", "0.0009", "x"] {
            assert!(idle(bad).is_err(), "{bad}");
        }
        assert!(idle("1e-10").unwrap_err().en.contains("(1 ms)"));
    }
    use std::cell::Cell;

    #[test]
    fn slots_are_counted_and_given_back() {
        let clients = Clients::with_max(2);
        let a = clients.take_slot().unwrap();
        let b = clients.take_slot().unwrap();
        assert!(clients.take_slot().is_none());
        assert_eq!(clients.active(), 2);
        drop(a);
        let c = clients.take_slot().unwrap();
        drop((b, c));
        assert_eq!(clients.active(), 0);
    }

    #[test]
    fn the_limit_is_read_from_proc() {
        let text = "Limit                     Soft Limit           Hard Limit           Units     \n\
                    Max processes             63448                63448                processes \n\
                    Max open files            1024                 524288               files     \n";
        assert_eq!(parse_open_files(text), Some(1024));
        let text = "Max open files            unlimited            unlimited            files\n";
        assert_eq!(parse_open_files(text), Some(u64::MAX));
        assert_eq!(parse_open_files("nothing"), None);
        if cfg!(target_os = "linux") {
            assert!(open_files_limit().is_some());
        }
    }

    #[test]
    fn the_default_is_lowered_to_fit_and_says_so() {
        assert_eq!(fit(1000, false, Some(20_000)), (1000, None));
        assert_eq!(fit(1000, false, None), (1000, None));
        let (n, note) = fit(1000, false, Some(256));
        assert_eq!(n, 232);
        let note = note.unwrap();
        assert!(note.contains("256") && note.contains("232"), "{note}");
        let (n, note) = fit(5000, true, Some(1024));
        assert_eq!(n, 5000, "a number given is kept");
        assert!(note.unwrap().contains("ulimit -n"));
        assert_eq!(fit(1000, false, Some(3)).0, 1);
    }

    /// A peer that takes one byte per write, and only at the very end of
    /// the timeout it was given: the worst case for a timeout per write.
    #[derive(Default)]
    struct Trickle {
        clock: Cell<Duration>,
        timeout: Cell<Duration>,
    }

    impl Write for &Trickle {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            self.clock.set(self.clock.get() + self.timeout.get());
            Ok(1)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_write_timeout_is_a_total_not_per_partial_write() {
        for idle in [None, Some(Duration::from_secs(2))] {
            let total = write_timeout(idle);
            let peer = Trickle::default();
            let left = || total.checked_sub(peer.clock.get());
            let set = |t| {
                peer.timeout.set(t);
                Ok(())
            };
            let reply = [b'x'; 1051];
            let err = write_within(&mut &peer, &reply, left, set).unwrap_err();
            assert!(is_not_read(&err) && is_timeout(&err), "{err}");
            // Per write, this reply would have waited 1,051 × 30 s; now
            // it waits the total at most (30 s by default).
            assert!(peer.clock.get() <= total, "{:?}", peer.clock.get());
        }
        assert_eq!(write_timeout(None), Duration::from_secs(30));
    }

    #[test]
    fn a_reply_that_fits_is_written_whole() {
        let mut out = Vec::new();
        let left = || Some(Duration::from_secs(30));
        write_within(&mut out, b"hello", left, |_| Ok(())).unwrap();
        assert_eq!(out, b"hello");
    }

    #[test]
    fn the_thread_cap_names_the_real_limit_even_for_a_given_number() {
        let maps = ThreadLimit::MapCount { max: 65_530 };
        assert_eq!(fit_threads(1000, Some((15_000, maps))), (1000, None));
        assert_eq!(fit_threads(19_500, None), (19_500, None));
        let (n, note) = fit_threads(19_500, Some((15_000, maps)));
        assert_eq!(n, 15_000, "lowered even when given");
        let note = note.unwrap();
        for part in ["vm.max_map_count", "65530", "15000", "sysctl"] {
            assert!(note.contains(part), "{part}: {note}");
        }
        assert!(!note.contains("ulimit -n"), "{note}");
        let users = ThreadLimit::UserProcesses { max: 4096 };
        let note = fit_threads(5000, Some((3000, users))).1.unwrap();
        assert!(note.contains("ulimit -u 4096"), "{note}");
        assert_eq!(fit_threads(10, Some((0, maps))).0, 1);
    }

    #[test]
    fn the_machine_limits_are_read_from_proc() {
        assert_eq!(threads_running("0.54 0.91 0.58 1/90 25612"), Some(90));
        assert_eq!(threads_running("garbage"), None);
        assert!(is_root("Name:\tx\nUid:\t0\t0\t0\t0\n"));
        assert!(!is_root("Uid:\t1000\t1000\t1000\t1000\n"));
        let limits = "Max processes             63448                63448                processes \n";
        assert_eq!(parse_processes(limits), Some(63_448));
        if cfg!(target_os = "linux") {
            let (room, limit) = thread_room().unwrap();
            assert!(room > 0, "{limit:?}");
        }
    }

    /// A hundred parked threads with the server's stack size take at most
    /// MAPS_PER_THREAD maps each (Linux, where /proc/self/maps says).
    ///
    /// /proc/self/maps counts every thread of the process, and the test
    /// harness starts a thread for each test it runs beside this one: so
    /// the count is taken in a child, this test binary run again with
    /// only [`maps_of_100_threads`] and one test thread.
    #[test]
    fn a_thread_takes_at_most_maps_per_thread() {
        let exe = std::env::current_exe().unwrap();
        let child = std::process::Command::new(exe)
            .args(["--exact", "classroom::tests::maps_of_100_threads"])
            .args(["--test-threads", "1", "--include-ignored"])
            .env("MAPS_OF_100_THREADS", "1")
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&child.stdout);
        assert!(child.status.success(), "{out}");
        assert!(out.contains("1 passed"), "{out}");
    }

    /// The measurement of [`a_thread_takes_at_most_maps_per_thread`], run
    /// alone in a child process.
    #[test]
    #[ignore = "run by a_thread_takes_at_most_maps_per_thread, alone"]
    fn maps_of_100_threads() {
        if std::env::var_os("MAPS_OF_100_THREADS").is_none() {
            return;
        }
        let count = || {
            std::fs::read_to_string("/proc/self/maps")
                .map(|m| m.lines().count() as u64)
                .ok()
        };
        let Some(before) = count() else {
            return; // not Linux: nothing to measure
        };
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let stop_rx = Arc::new(std::sync::Mutex::new(stop_rx));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let threads: Vec<_> = (0..100)
            .map(|_| {
                let (stop, ready) = (stop_rx.clone(), ready_tx.clone());
                std::thread::Builder::new()
                    .stack_size(THREAD_STACK)
                    .spawn(move || {
                        ready.send(()).unwrap();
                        let _ = stop.lock().map(|rx| rx.recv());
                    })
                    .unwrap()
            })
            .collect();
        for _ in 0..100 {
            ready_rx.recv().unwrap();
        }
        let during = count().unwrap();
        drop(stop_tx);
        for t in threads {
            t.join().unwrap();
        }
        // Besides, glibc gives threads up to 8 heap arenas per core (one
        // or two maps each): a bounded number, covered by SPARE_MAPS.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let arenas = 2 * 8 * cores as u64;
        let extra = during.saturating_sub(before);
        assert!(
            extra <= 100 * MAPS_PER_THREAD + arenas,
            "{extra} maps for 100 threads"
        );
        assert!(arenas <= SPARE_MAPS);
    }

    #[test]
    fn lines_for_the_client() {
        assert_eq!(
            full_line(50),
            "服务端已满（50 个连接），请稍后再试 / server full (50 clients), try again later"
        );
        assert!(idle_line(Duration::from_secs(600)).contains("600 秒"));
        assert_eq!(write_timeout(None), WRITE_TIMEOUT);
        assert_eq!(
            write_timeout(Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
    }
}
