//! After `cargo test --workspace`, the README's `cargo run -p NAME` must
//! start at once: no dependency compiled again because the workspace and a
//! single package resolved features differently, or because a build script
//! saw other environment variables.
//!
//! `cargo test --workspace` has built every dependency before this test
//! runs, so `cargo build -p NAME` may compile NAME's own binary (the test
//! build does not make it) but nothing it depends on.

// Test code: a failed assumption should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chapter_tests::{PROGRAMS, cargo, workspace};

#[test]
fn each_readme_program_builds_without_compiling_a_dependency() {
    let readme = std::fs::read_to_string(workspace().join("README.md"))
        .expect("README.md");
    let mut rebuilt = Vec::new();
    for name in PROGRAMS {
        assert!(
            readme.contains(&format!("cargo run -p {name}")),
            "README no longer runs {name}: update this list"
        );
        let out = cargo()
            .args(["build", "--message-format=json", "-p", name])
            .output()
            .expect("run cargo build");
        assert!(out.status.success(), "cargo build -p {name} failed");
        let stdout = String::from_utf8_lossy(&out.stdout);
        for line in stdout.lines() {
            let artifact = line.contains(r#""reason":"compiler-artifact""#);
            let compiled = line.contains(r#""fresh":false"#);
            // The program's own binary is not a dependency.
            let own = line.contains(&format!("/{name}#"))
                || line.contains(&format!("/{name})"));
            if artifact && compiled && !own {
                let id = line
                    .split(r#""package_id":""#)
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .unwrap_or(line);
                rebuilt.push(format!("{name}: {id}"));
            }
        }
    }
    assert!(
        rebuilt.is_empty(),
        "compiled again after cargo test --workspace:\n{}",
        rebuilt.join("\n")
    );
}
