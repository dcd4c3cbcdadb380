//! Helpers that exercises.rs and load/exercises.rs share.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chapter_tests::{Finished, bin};

/// Every exercise, as `exercises -- list` gives them.
pub const NAMES: [&str; 9] = [
    "client-timeout",
    "greet-peer",
    "capped-server",
    "nonblocking-server",
    "lines-client",
    "lines-server",
    "length-prefix",
    "udp-retry",
    "http-get-by-hand",
];

/// The tests that look for the starters' processes run one at a time, so
/// that one does not see the other's.
pub fn alone() -> MutexGuard<'static, ()> {
    static ONE: Mutex<()> = Mutex::new(());
    ONE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn checker(args: &[&str]) -> Command {
    let mut cmd = Command::new(bin("exercises"));
    cmd.args(args);
    cmd
}

/// Runs `cmd` to its end; on Unix in a process group of its own, so that
/// a failing test kills the checker and every program it started.
pub fn finished(cmd: Command, deadline: Duration) -> Finished {
    #[cfg(unix)]
    return chapter_tests::run_pipeline(cmd, deadline);
    #[cfg(not(unix))]
    chapter_tests::run(cmd, deadline)
}

/// `(passed, total)` of each exercise's `结果 / result: a/b` line.
pub fn results(out: &str) -> Vec<(usize, usize)> {
    out.lines()
        .filter_map(|line| line.trim().strip_prefix("结果 / result: "))
        .map(|rest| {
            let counts = rest.split(' ').next().unwrap();
            let (a, b) = counts.split_once('/').unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect()
}

/// The processes running `exe` now (Linux: from /proc; `None` elsewhere).
pub fn running(exe: &Path) -> Option<Vec<u32>> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let exe = fs::canonicalize(exe).unwrap_or_else(|_| exe.to_path_buf());
    let mut pids = Vec::new();
    for entry in fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|p| p.parse().ok())
        else {
            continue;
        };
        if fs::read_link(entry.path().join("exe")).is_ok_and(|p| p == exe) {
            pids.push(pid);
        }
    }
    Some(pids)
}

/// The starter's executable beside the checker's.
pub fn starter_exe(name: &str) -> PathBuf {
    let mut path = bin("exercises").with_file_name(name).into_os_string();
    path.push(std::env::consts::EXE_SUFFIX);
    path.into()
}
