//! 服务端的输出：交给一个写线程，终端卡住也不耽误服务。
//!
//! A server prints a line per connection and per message. Written straight
//! from the connection threads, one paused terminal (Ctrl-S), a slow one, or
//! a pipe nobody reads would stop every client at once: the thread holding
//! stdout blocks, and every other thread waits for it.
//!
//! After [`start`], [`println!`](crate::println) and
//! [`eprintln!`](crate::eprintln) only put the line into a bounded queue
//! and return at once; one writer thread takes lines out and writes them.
//! When the queue is full the line is dropped and counted, and once output
//! flows again one line says how many were skipped
//! (`……省略了 N 行输出 / N lines skipped`). The queue is first in, first
//! out, so the lines of one connection keep their order. A closed stdout or
//! stderr is ignored: the line is lost, the server goes on.
//!
//! Before [`start`] (and in the clients, which never call it) a line is
//! written at once, also never panicking.
//!
//! [`repeated`] is for errors a class can cause by the thousand (resets,
//! too many open files, server full): a few lines a second at most, then one
//! line with the count of those left out.

use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// How many lines may wait for the terminal. A paused terminal fills it in
/// a moment; after that lines are counted, not kept.
pub(crate) const QUEUE_LINES: usize = 1024;

/// How often the writer looks for notes to print when nothing else comes.
const TICK: Duration = Duration::from_millis(200);

/// After a write, the writer waits this long for more lines, so that a busy
/// server's lines are written in batches. A person does not see 2 ms.
const GATHER: Duration = Duration::from_millis(2);

/// At most this many bytes are gathered into one write.
const BATCH_BYTES: usize = 64 * 1024;

/// Where a line goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum To {
    Stdout,
    Stderr,
}

struct Line {
    to: To,
    text: String,
}

static QUEUE: OnceLock<SyncSender<Line>> = OnceLock::new();
static SKIPPED_OUT: AtomicU64 = AtomicU64::new(0);
static SKIPPED_ERR: AtomicU64 = AtomicU64::new(0);

/// 从这里起，输出都经过队列和写线程（服务端在打印第一行之后调用）。
///
/// Starts the writer thread; later calls do nothing. If the thread cannot
/// be started, lines keep being written directly.
pub fn start() {
    if QUEUE.get().is_some() {
        return;
    }
    let (sender, receiver) = mpsc::sync_channel(QUEUE_LINES);
    let spawned = thread::Builder::new()
        .name("output".into())
        .spawn(move || writer(receiver));
    if spawned.is_ok() {
        let _ = QUEUE.set(sender);
    }
}

/// Whether lines go through the queue (after [`start`]).
#[cfg(test)]
fn queued() -> bool {
    QUEUE.get().is_some()
}

/// 打印一行（末尾的换行由这里加上）。Never blocks once [`start`] ran, never
/// panics.
pub fn line(to: To, text: String) {
    let Some(queue) = QUEUE.get() else {
        write_now(to, &text);
        return;
    };
    match queue.try_send(Line { to, text }) {
        Ok(()) => {}
        Err(mpsc::TrySendError::Full(_)) => {
            skipped(to).fetch_add(1, Ordering::Relaxed);
        }
        // The writer is gone (it never returns while the queue lives, so
        // this is only for completeness): write directly.
        Err(mpsc::TrySendError::Disconnected(line)) => {
            write_now(line.to, &line.text);
        }
    }
}

fn skipped(to: To) -> &'static AtomicU64 {
    match to {
        To::Stdout => &SKIPPED_OUT,
        To::Stderr => &SKIPPED_ERR,
    }
}

fn write_now(to: To, text: &str) {
    let mut bytes = Vec::with_capacity(text.len() + 1);
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(b'\n');
    write_bytes(to, &bytes);
}

/// One write of whole lines; errors (a closed pipe, a closed terminal) are
/// ignored on purpose.
fn write_bytes(to: To, bytes: &[u8]) {
    let _ = match to {
        To::Stdout => {
            let mut out = io::stdout().lock();
            out.write_all(bytes).and_then(|()| out.flush())
        }
        To::Stderr => io::stderr().lock().write_all(bytes),
    };
}

/// 一大段输出（网页的正文）：经缓冲写到 stdout；读的一方走了（`| head`）不算错。
///
/// The buffered variant of [`println!`](crate::println) for a page of
/// output: `write` writes into a 64 KiB buffer in front of stdout. `None`
/// when the reader went away (a closed pipe), as `println!` ignores it.
pub fn print_all<T>(
    write: impl FnOnce(&mut dyn Write) -> io::Result<T>,
) -> io::Result<Option<T>> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    match write(&mut out).and_then(|done| out.flush().map(|()| done)) {
        Ok(done) => Ok(Some(done)),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(None),
        Err(e) => Err(e),
    }
}

/// The note written once output flows again.
pub(crate) fn skipped_note(n: u64) -> String {
    format!("……省略了 {n} 行输出 / {n} lines skipped")
}

fn writer(queue: Receiver<Line>) {
    let mut batch: Vec<u8> = Vec::new();
    loop {
        let first = match queue.recv_timeout(TICK) {
            Ok(line) => Some(line),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if let Some(first) = first {
            // Take what else is waiting, and write each run of lines for
            // the same stream with one call.
            let mut to = first.to;
            push_line(&mut batch, &first.text);
            while batch.len() < BATCH_BYTES {
                let Ok(next) = queue.try_recv() else { break };
                if next.to != to {
                    write_bytes(to, &batch);
                    batch.clear();
                    to = next.to;
                }
                push_line(&mut batch, &next.text);
            }
            write_bytes(to, &batch);
            batch.clear();
            // Let the next lines gather: a server printing a line per
            // message would otherwise wake this thread once per line, and
            // on two cores those wake-ups cost the server a third of its
            // speed (measured with udp-server at 50 clients).
            thread::sleep(GATHER);
        }
        for to in [To::Stdout, To::Stderr] {
            let n = skipped(to).swap(0, Ordering::Relaxed);
            if n > 0 {
                write_now(to, &skipped_note(n));
            }
        }
        for summary in REPEATED.due(Instant::now()) {
            write_now(To::Stderr, &summary);
        }
    }
}

fn push_line(batch: &mut Vec<u8>, text: &str) {
    batch.extend_from_slice(text.as_bytes());
    batch.push(b'\n');
}

/// 同 std 的 `println!`，但 stdout 被关掉时不 panic，服务端里也不会等终端。
///
/// `println!` that never panics and, in a server after
/// [`output::start`](start), never waits for the terminal. The listings
/// import it with `use common::println;` and so still read like ordinary
/// Rust.
#[macro_export]
macro_rules! println {
    () => {
        $crate::println!("")
    };
    ($($arg:tt)*) => {
        $crate::output::line(
            $crate::output::To::Stdout,
            ::std::format!($($arg)*),
        )
    };
}

/// 同 std 的 `eprintln!`，但 stderr 被关掉时不 panic，服务端里也不会等终端。
///
/// `eprintln!` that never panics (the standard one panics on a closed
/// stderr) and, after [`output::start`](start), never waits.
#[macro_export]
macro_rules! eprintln {
    () => {
        $crate::eprintln!("")
    };
    ($($arg:tt)*) => {
        $crate::output::line(
            $crate::output::To::Stderr,
            ::std::format!($($arg)*),
        )
    };
}

// ---------------------------------------------------------------------------
// Repeated errors

/// 同一种错误成批出现时只打印几行，其余计数后汇总成一行。
///
/// Prints `text` on stderr unless lines of the same `kind` (a short label
/// in Chinese and English, shown in the summary: `["断开", "reset"]`) came
/// too often:
/// at most [`PER_SECOND`] a second; the rest are counted, and one summary
/// line gives the count once they stop for a second (or every
/// [`SUMMARY_EVERY`] while they go on).
pub fn repeated(kind: Label, text: String) {
    let now = Instant::now();
    let (print, summary) = REPEATED.event(kind, PER_SECOND, now);
    if let Some(summary) = summary {
        line(To::Stderr, summary);
    }
    if print {
        line(To::Stderr, text);
    }
}

/// 只计数、不逐条打印：汇总行说一共发生了多少次（`--quiet` 时的丢包）。
///
/// Counts one event of `kind` without a line of its own; the same summary
/// line as [`repeated`]'s gives the count once they stop for a second (or
/// every [`SUMMARY_EVERY`] while they go on). For what `--quiet` silences
/// but should not hide entirely.
pub fn counted(kind: Label) {
    let (_, summary) = REPEATED.event(kind, 0, Instant::now());
    if let Some(summary) = summary {
        line(To::Stderr, summary);
    }
}

/// 程序结束前：还没汇总的同类消息，现在就各打印一行汇总。
///
/// Prints at once the summaries still pending (a client that exits does
/// not wait for a quiet second; [`crate::exit_code`] calls this).
pub(crate) fn flush_summaries() {
    for summary in REPEATED.all_pending() {
        line(To::Stderr, summary);
    }
}

/// Lines of one kind printed per second before the rest are counted.
pub(crate) const PER_SECOND: u32 = 3;
/// While a flood goes on, a summary at most this often.
pub(crate) const SUMMARY_EVERY: Duration = Duration::from_secs(5);
const WINDOW: Duration = Duration::from_secs(1);
/// A flood is over when no line of its kind came for this long.
const QUIET: Duration = Duration::from_secs(1);

static REPEATED: Limiter = Limiter::new();

/// 一类消息的名字，中文和英文各一半：`["断开", "reset"]`。
type Label = [&'static str; 2];

/// The summary of `n` lines of `kind` left out, each language in its half.
pub(crate) fn summary([zh, en]: Label, n: u64) -> String {
    format!(
        "……另有 {n} 条同类消息未显示（{zh}）/ {n} more like this not shown ({en})"
    )
}

#[derive(Clone, Copy, Debug)]
struct Kind {
    name: Label,
    /// Lines printed per window before the rest are counted.
    allowed: u32,
    window: Instant,
    printed: u32,
    suppressed: u64,
    first_suppressed: Instant,
    last: Instant,
}

/// The counts behind [`repeated`]; `now` is passed in so tests can step
/// through time.
struct Limiter {
    kinds: Mutex<Vec<Kind>>,
}

impl Limiter {
    const fn new() -> Self {
        Limiter {
            kinds: Mutex::new(Vec::new()),
        }
    }

    /// Whether to print this line, and a summary to print before it.
    fn event(
        &self,
        name: Label,
        allowed: u32,
        now: Instant,
    ) -> (bool, Option<String>) {
        let mut kinds = match self.kinds.lock() {
            Ok(kinds) => kinds,
            Err(poisoned) => poisoned.into_inner(),
        };
        let kind = match kinds.iter().position(|k| k.name == name) {
            Some(i) => &mut kinds[i],
            None => {
                kinds.push(Kind {
                    name,
                    allowed,
                    window: now,
                    printed: 0,
                    suppressed: 0,
                    first_suppressed: now,
                    last: now,
                });
                let last = kinds.len() - 1;
                &mut kinds[last]
            }
        };
        let summary = summary_due(kind, now);
        kind.last = now;
        if kind.suppressed == 0 {
            if now.duration_since(kind.window) >= WINDOW {
                kind.window = now;
                kind.printed = 0;
            }
            if kind.printed < kind.allowed {
                kind.printed += 1;
                return (true, summary);
            }
            kind.first_suppressed = now;
        }
        kind.suppressed += 1;
        (false, summary)
    }

    /// Every pending summary, due or not; resets the counts.
    fn all_pending(&self) -> Vec<String> {
        let mut kinds = match self.kinds.lock() {
            Ok(kinds) => kinds,
            Err(poisoned) => poisoned.into_inner(),
        };
        kinds
            .iter_mut()
            .filter(|k| k.suppressed > 0)
            .map(|k| {
                let n = std::mem::take(&mut k.suppressed);
                summary(k.name, n)
            })
            .collect()
    }

    /// Summaries whose time has come (called by the writer thread).
    fn due(&self, now: Instant) -> Vec<String> {
        let mut kinds = match self.kinds.lock() {
            Ok(kinds) => kinds,
            Err(poisoned) => poisoned.into_inner(),
        };
        kinds
            .iter_mut()
            .filter_map(|k| summary_due(k, now))
            .collect()
    }
}

/// The summary of `kind`, if lines were left out and the flood stopped (or
/// has gone on for [`SUMMARY_EVERY`]); resets the count.
fn summary_due(kind: &mut Kind, now: Instant) -> Option<String> {
    if kind.suppressed == 0 {
        return None;
    }
    let quiet = now.duration_since(kind.last) >= QUIET;
    let long = now.duration_since(kind.first_suppressed) >= SUMMARY_EVERY;
    if !quiet && !long {
        return None;
    }
    let n = kind.suppressed;
    kind.suppressed = 0;
    // After a pause lines print again at once; in a flood that goes on,
    // only from the next window.
    kind.window = now;
    kind.printed = if quiet { 0 } else { kind.allowed };
    Some(summary(kind.name, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_burst_prints_a_few_lines_then_one_summary() {
        let limiter = Limiter::new();
        let t0 = Instant::now();
        let mut printed = 0;
        let mut summaries = Vec::new();
        // 1,000 resets within 0.5 s.
        for i in 0..1000 {
            let (print, summary) =
                limiter.event(["reset", "reset"], PER_SECOND, t0 + ms(i / 2));
            printed += usize::from(print);
            summaries.extend(summary);
        }
        assert_eq!(printed, PER_SECOND as usize);
        assert!(summaries.is_empty());
        // Still within a second of the last one: nothing yet.
        assert!(limiter.due(t0 + ms(900)).is_empty());
        let due = limiter.due(t0 + ms(1600));
        assert_eq!(
            due,
            [summary(["reset", "reset"], 1000 - u64::from(PER_SECOND))]
        );
        assert!(limiter.due(t0 + ms(5000)).is_empty(), "counted once");
    }

    #[test]
    fn a_long_flood_is_summarized_every_few_seconds() {
        let limiter = Limiter::new();
        let t0 = Instant::now();
        let mut lines = 0;
        // One line every 10 ms for 30 s.
        for i in 0..3000 {
            let now = t0 + ms(i * 10);
            let (print, summary) =
                limiter.event(["emfile", "emfile"], PER_SECOND, now);
            lines += usize::from(print) + usize::from(summary.is_some());
            lines += limiter.due(now).len();
        }
        lines += limiter.due(t0 + ms(40_000)).len();
        // A few lines each SUMMARY_EVERY, not 3,000.
        assert!((6..=40).contains(&lines), "{lines}");
    }

    #[test]
    fn kinds_are_counted_apart_and_slow_lines_all_print() {
        let limiter = Limiter::new();
        let t0 = Instant::now();
        for i in 0..10 {
            // One a second of each: every one printed.
            assert!(limiter.event(["a", "a"], PER_SECOND, t0 + ms(i * 1000)).0);
            assert!(
                limiter
                    .event(["b", "b"], PER_SECOND, t0 + ms(i * 1000 + 1))
                    .0
            );
        }
    }

    #[test]
    fn lines_print_again_after_a_summary() {
        let limiter = Limiter::new();
        let t0 = Instant::now();
        for i in 0..10 {
            limiter.event(["x", "x"], PER_SECOND, t0 + ms(i));
        }
        let (print, note) =
            limiter.event(["x", "x"], PER_SECOND, t0 + ms(3000));
        assert_eq!(note, Some(summary(["x", "x"], 7)));
        assert!(print, "the flood is over: lines print again");
        assert!(limiter.event(["x", "x"], PER_SECOND, t0 + ms(3001)).0);
    }

    #[test]
    fn pending_summaries_can_be_had_at_once() {
        let limiter = Limiter::new();
        let t0 = Instant::now();
        for i in 0..100 {
            limiter.event(["stray", "stray"], PER_SECOND, t0 + ms(i));
        }
        assert!(limiter.due(t0 + ms(100)).is_empty(), "not due yet");
        let n = 100 - u64::from(PER_SECOND);
        assert_eq!(limiter.all_pending(), [summary(["stray", "stray"], n)]);
        assert!(limiter.all_pending().is_empty(), "counted once");
    }

    #[test]
    fn counted_events_print_only_summaries() {
        let limiter = Limiter::new();
        let t0 = Instant::now();
        let mut lines = 0;
        // 3,000 drops within 3 s: no line each, a summary now and then.
        for i in 0..3000 {
            let now = t0 + ms(i);
            let (print, summary) =
                limiter.event(["dropped", "dropped"], 0, now);
            assert!(!print);
            lines += usize::from(summary.is_some());
            lines += limiter.due(now).len();
        }
        let due = limiter.due(t0 + ms(4100));
        assert_eq!(due.len(), 1, "{due:?}");
        // Shorter than SUMMARY_EVERY: one summary at the end, with all.
        assert_eq!(lines, 0);
        assert_eq!(due, [summary(["dropped", "dropped"], 3000)]);
    }

    #[test]
    fn notes_name_the_count_in_both_languages() {
        assert_eq!(skipped_note(3), "……省略了 3 行输出 / 3 lines skipped");
        let text = summary(["accept()", "accept()"], 12);
        assert!(text.contains("12 条") && text.contains("12 more"), "{text}");
        assert_eq!(
            summary(["已满", "full"], 2),
            "……另有 2 条同类消息未显示（已满）/ 2 more like this not shown (full)"
        );
    }

    #[test]
    fn lines_before_start_are_written_directly() {
        // Unit tests never call start(): a line goes out at once and a
        // closed stream would only lose it (tested end to end in tests/).
        assert!(!queued());
        line(To::Stdout, "unit test line".into());
    }
}
