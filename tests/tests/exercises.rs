//! `cargo run -p exercises -- check`: every untouched starter fails its
//! check and every answer passes; an answer copied over its starter (in a
//! scratch copy, not in the tree) passes; a program that prints the right
//! text without the network fails; and the checker leaves no process
//! behind, when a student's program hangs and when the checker itself is
//! interrupted.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use chapter_tests::{Finished, LIMIT, assert_clean, bin, workspace};
use chapter_tests::{heavy, shared};

/// Every exercise, as `exercises -- list` gives them.
const NAMES: [&str; 9] = [
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
fn alone() -> MutexGuard<'static, ()> {
    static ONE: Mutex<()> = Mutex::new(());
    ONE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `cmd` to its end; on Unix in a process group of its own, so that
/// a failing test kills the checker and every program it started.
fn finished(cmd: Command, deadline: Duration) -> Finished {
    #[cfg(unix)]
    return chapter_tests::run_pipeline(cmd, deadline);
    #[cfg(not(unix))]
    chapter_tests::run(cmd, deadline)
}

fn checker(args: &[&str]) -> Command {
    let mut cmd = Command::new(bin("exercises"));
    cmd.args(args);
    cmd
}

/// `(passed, total)` of each exercise's `结果 / result: a/b` line.
fn results(out: &str) -> Vec<(usize, usize)> {
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
fn running(exe: &Path) -> Option<Vec<u32>> {
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
fn starter_exe(name: &str) -> PathBuf {
    let mut path = bin("exercises").with_file_name(name).into_os_string();
    path.push(std::env::consts::EXE_SUFFIX);
    path.into()
}

#[test]
fn list_names_every_exercise_with_its_file_in_order() {
    let _shared = shared();
    let done = finished(checker(&["list"]), LIMIT);
    assert!(done.status.success(), "{done:?}");
    let names: Vec<&str> = done
        .stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names, NAMES);
    for (line, name) in done.stdout.lines().zip(NAMES) {
        let path = format!("exercises/src/bin/{name}.rs");
        assert!(line.contains(&path), "{line}");
        assert!(workspace().join(&path).is_file(), "{path}");
        assert!(line.contains(" / "), "no two-language title: {line}");
    }
}

#[test]
fn a_wrong_name_or_option_is_a_usage_error_that_suggests_the_nearest() {
    let _shared = shared();
    let done = finished(checker(&["check", "udp-rety"]), LIMIT);
    assert_eq!(done.status.code(), Some(2), "{done:?}");
    assert!(
        done.stderr.contains("did you mean udp-retry?"),
        "{}",
        done.stderr
    );
    assert!(done.stderr.contains("http-get-by-hand"), "{}", done.stderr);
    let done = finished(checker(&["check", "--soluton", "udp-retry"]), LIMIT);
    assert_eq!(done.status.code(), Some(2), "{done:?}");
    let done = finished(checker(&["check"]), LIMIT);
    assert_eq!(done.status.code(), Some(2), "{done:?}");
    assert_clean(&done.stderr);
}

/// Starters and answers, all exercises at once; then no program of a
/// starter is left running (the client-timeout starter hangs on purpose
/// in one of its cases and is stopped at the deadline).
#[test]
fn every_starter_fails_every_answer_passes_and_nothing_is_left_running() {
    let _heavy = heavy();
    let _alone = alone();
    let starters =
        thread::spawn(|| finished(checker(&["check", "--all"]), LIMIT));
    let answers = finished(checker(&["check", "--all", "--solution"]), LIMIT);
    let starters: Finished = starters.join().unwrap();

    assert_eq!(answers.status.code(), Some(0), "{}", answers.stdout);
    let passed = results(&answers.stdout);
    assert_eq!(passed.len(), NAMES.len(), "{}", answers.stdout);
    assert!(passed.iter().all(|(a, b)| a == b), "{}", answers.stdout);

    assert_eq!(starters.status.code(), Some(1), "{}", starters.stdout);
    let failed = results(&starters.stdout);
    assert_eq!(failed.len(), NAMES.len(), "{}", starters.stdout);
    for ((a, b), name) in failed.iter().zip(NAMES) {
        assert!(
            a < b,
            "the starter of {name} passes its check (this test expects \
             untouched starters: git checkout exercises/src/bin)"
        );
    }
    assert!(
        starters.stdout.contains("did not finish within 4 s"),
        "{}",
        starters.stdout
    );
    assert_clean(&starters.stdout);
    assert_clean(&answers.stdout);

    match running(&starter_exe("client-timeout")) {
        None => println!("skipped: no /proc to look for processes left"),
        Some(left) => {
            let every: Vec<u32> = NAMES
                .iter()
                .flat_map(|n| running(&starter_exe(n)).unwrap_or_default())
                .collect();
            assert!(left.is_empty() && every.is_empty(), "left: {every:?}");
        }
    }
}

/// Ctrl-C in the terminal stops the checker and the student's program
/// with it (they share the terminal's process group).
#[cfg(unix)]
#[test]
fn an_interrupted_checker_leaves_no_student_program_behind() {
    let _shared = shared();
    use chapter_tests::Running;
    if !cfg!(target_os = "linux") {
        println!("skipped: no /proc to look for processes");
        return;
    }
    let _alone = alone();
    let exe = starter_exe("client-timeout");
    let mut check =
        Running::spawn_pipeline(checker(&["check", "client-timeout"]));
    let end = Instant::now() + LIMIT;
    // The starter hangs in one case for 4 s: wait until it runs.
    while running(&exe).unwrap().is_empty() {
        assert!(Instant::now() < end, "the starter never ran");
        assert!(check.is_running(), "{}", check.stdout.text());
        thread::sleep(Duration::from_millis(10));
    }
    let group = format!("-{}", check.id());
    let status = Command::new("kill").args(["-INT", "--", &group]).status();
    assert!(status.unwrap().success());
    let (status, took) = check.wait(LIMIT);
    assert!(!status.success());
    assert!(took < Duration::from_secs(2), "{took:?}");
    let end = Instant::now() + Duration::from_secs(2);
    while !running(&exe).unwrap().is_empty() {
        assert!(Instant::now() < end, "{:?} left", running(&exe));
        thread::sleep(Duration::from_millis(10));
    }
}

/// A scratch workspace with only the exercises crate, removed on drop.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The workspace manifest with `exercises` its only member and no
/// dependency table (the exercises have none).
fn scratch_manifest() -> String {
    let real = fs::read_to_string(workspace().join("Cargo.toml")).unwrap();
    let mut kept = String::from(
        "[workspace]\nresolver = \"3\"\nmembers = [\"exercises\"]\n",
    );
    let mut keep = false;
    for line in real.lines() {
        if line.starts_with('[') {
            keep = line != "[workspace]" && line != "[workspace.dependencies]";
        }
        if keep {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

#[test]
fn answers_copied_over_starters_pass_in_a_scratch_copy() {
    let _shared = shared();
    let dir = std::env::temp_dir()
        .join(format!("exercises-scratch-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let scratch = Scratch(dir);
    let crate_dir = scratch.0.join("exercises");
    copy_dir(&workspace().join("exercises"), &crate_dir);
    fs::write(scratch.0.join("Cargo.toml"), scratch_manifest()).unwrap();
    for name in NAMES {
        fs::copy(
            crate_dir.join(format!("solutions/{name}.rs")),
            crate_dir.join(format!("src/bin/{name}.rs")),
        )
        .unwrap();
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let check = |args: &[&str]| {
        let mut cmd = Command::new(&cargo);
        cmd.args(["run", "-q", "-p", "exercises", "--", "check"])
            .args(args)
            .current_dir(&scratch.0)
            .env("CARGO_TARGET_DIR", scratch.0.join("target"))
            .env("CARGO_NET_OFFLINE", "true");
        finished(cmd, Duration::from_secs(180))
    };

    let start = Instant::now();
    let done = check(&["--all"]);
    println!("scratch build and check --all: {:?}", start.elapsed());
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}\n{}",
        done.stdout,
        done.stderr
    );
    let passed = results(&done.stdout);
    assert_eq!(passed.len(), NAMES.len(), "{}", done.stdout);
    assert!(passed.iter().all(|(a, b)| a == b), "{}", done.stdout);

    // Right text, no network: it must fail.
    let liar = "fn main() {\n    println!(\"服务端接收到数据：Python TCP 第一个DEMO\");\n}\n";
    fs::write(crate_dir.join("src/bin/client-timeout.rs"), liar).unwrap();
    let done = check(&["client-timeout"]);
    assert_eq!(
        done.status.code(),
        Some(1),
        "{}\n{}",
        done.stdout,
        done.stderr
    );
    assert!(done.stdout.contains("✗"), "{}", done.stdout);

    // A compile error: the compiler's own message, and a ✗.
    let broken = "fn main() {\n    let x: u32 = \"text\";\n}\n";
    fs::write(crate_dir.join("src/bin/client-timeout.rs"), broken).unwrap();
    let done = check(&["client-timeout"]);
    assert_eq!(
        done.status.code(),
        Some(1),
        "{}\n{}",
        done.stdout,
        done.stderr
    );
    assert!(done.stderr.contains("mismatched types"), "{}", done.stderr);
    assert!(done.stdout.contains("does not compile"), "{}", done.stdout);
}
