//! Every exercise's starter and answer checked at once (see exercises.rs):
//! dozens of programs in parallel, so it holds `heavy()`.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::thread;

use chapter_tests::{Finished, LIMIT, assert_clean, heavy};

#[path = "../exercises/support.rs"]
mod support;
use support::*;

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
