//! 连接数上限与超时：一个学生（或一段脚本）不能占满整个服务端。
//!
//! `--max-clients N`: the server never has more than N connection threads.
//! Connection N+1 is told so in one line and closed from the accept loop,
//! without a thread. Too many threads is what made a flood of connections
//! abort the server: every thread takes memory maps, and the per-process
//! limit ran out in the middle of a spawn.
//!
//! `--idle-timeout S`: a connection silent that long is closed, with a line
//! to the client. A reply is written by [`send_all`] within
//! [`write_timeout`] in total, so a client that never reads frees its
//! thread in that time (a timeout per write would start again after every
//! partial write: measured, about twice as long).

use std::io::{self, ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::cli::MAX_CLIENTS;
use common::{explain, output};

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
    /// 按 --max-clients 计数；默认值超出打开文件数上限时调低，并打印一行说明。
    ///
    /// `given` is `--max-clients` as given (`None`: [`MAX_CLIENTS`]). Call
    /// it after the server's first line: a note about the limit follows it.
    pub fn new(given: Option<usize>) -> Self {
        let wanted = given.unwrap_or(MAX_CLIENTS);
        let (max, note) = fit(wanted, given.is_some(), open_files_limit());
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
        }
    }

    /// 还有空位就占一个；满了返回 None。
    pub fn admit(&self) -> Option<Slot> {
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
            "服务端已满 / server full",
            format!("拒绝了 {peer}：{line}"),
        );
    }
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
            "不读回复 / not reading",
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
            "空闲 / idle",
            format!(
                "{peer} 空闲太久，已断开 / {peer} was idle too long, closed"
            ),
        );
        return;
    }
    let kind = match err.kind() {
        ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted
        | ErrorKind::BrokenPipe => "断开 / reset",
        _ => "出错 / errors",
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
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line["Max open files".len()..].split_whitespace().next()?;
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
    use std::cell::Cell;

    #[test]
    fn slots_are_counted_and_given_back() {
        let clients = Clients::with_max(2);
        let a = clients.admit().unwrap();
        let b = clients.admit().unwrap();
        assert!(clients.admit().is_none());
        assert_eq!(clients.active(), 2);
        drop(a);
        let c = clients.admit().unwrap();
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
