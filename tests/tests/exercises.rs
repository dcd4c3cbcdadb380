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
use std::thread;
use std::time::{Duration, Instant};

use chapter_tests::{LIMIT, assert_clean, workspace};

mod support;
use support::*;

#[test]
fn list_names_every_exercise_with_its_file_in_order() {
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

/// Ctrl-C in the terminal stops the checker and the student's program
/// with it (they share the terminal's process group).
#[cfg(unix)]
#[test]
fn an_interrupted_checker_leaves_no_student_program_behind() {
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
