//! `common` holds only what two or more of the chapter's programs share.
//!
//! For every item `common` exports (a `pub` item at the top of one of its
//! modules, a re-export in lib.rs, an exported macro), this counts the
//! programs whose source names it: each `src/main.rs` with its modules and
//! each example is one program; what http-common names counts for both
//! http-get and http-post, which share it. A program names an item when it
//! imports it (`use common::{...}`) or writes its path (`explain::talk`,
//! `common::resolve`). An item named by fewer than two programs fails the
//! test, unless it is listed in `REACHED_OTHERWISE` with the reason it must
//! stay `pub` (a macro expands to it, or it is the type of a public
//! signature): such an item belongs in the one program that uses it, or in
//! common's private code.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use chapter_tests::{PROGRAMS, workspace};

/// Items that no program needs to name, and why they are `pub`.
const REACHED_OTHERWISE: &[(&str, &str)] = &[
    ("output::line", "println! and eprintln! expand to it"),
    ("output::To", "println! and eprintln! expand to it"),
    (
        "cli::Field",
        "the type of every option's `|args| &mut args.x`",
    ),
    (
        "messages::Each",
        "what `for message in &args.messages` iterates",
    ),
    (
        "cli::Parsed",
        "what Program::parse_from gives the programs' tests",
    ),
    (
        "usage::nearest",
        "every program's did-you-mean; socket-basics also asks it for --step",
    ),
    (
        "output::counted",
        "the counting half of the summarizer both servers use (repeated)",
    ),
    (
        "lan::local_addrs",
        "what both servers' LAN hints are made of; udp-server also reads it",
    ),
];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

/// Source without comments, so that a name in a comment is no use.
fn code(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    let lines = text.lines().map(|line| match line.find("//") {
        Some(at) => &line[..at],
        None => line,
    });
    lines.collect::<Vec<_>>().join("\n")
}

/// program name → its source, for every program (binary or example).
fn programs() -> BTreeMap<String, String> {
    let root = workspace();
    let shared = rust_files(&root.join("http-common/src"))
        .iter()
        .map(|p| code(p))
        .collect::<Vec<_>>()
        .join("\n");
    let mut programs = BTreeMap::new();
    for package in PROGRAMS {
        let mut main = rust_files(&root.join(package).join("src"))
            .iter()
            .map(|p| code(p))
            .collect::<Vec<_>>()
            .join("\n");
        if package.starts_with("http-get") || package.starts_with("http-post") {
            main = main + "\n" + &shared;
        }
        programs.insert(package.to_string(), main);
        for example in rust_files(&root.join(package).join("examples")) {
            let name = example.file_stem().unwrap().to_string_lossy();
            let mut text = code(&example);
            if package.starts_with("http-get") {
                text = text + "\n" + &shared;
            }
            programs.insert(format!("{package} --example {name}"), text);
        }
    }
    programs
}

/// `module::item` for everything common exports.
fn exported() -> BTreeSet<String> {
    let src = workspace().join("common/src");
    let mut items = BTreeSet::new();
    for file in rust_files(&src) {
        let module = file.file_stem().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&file).unwrap();
        let mut macro_next = false;
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let next = lines.get(i + 1).copied().unwrap_or("");
            if line.starts_with("#[cfg(test)]") && next.starts_with("mod ") {
                break;
            }
            if line.starts_with("#[macro_export]") {
                macro_next = true;
                continue;
            }
            if !line.starts_with("pub ") && !macro_next {
                continue;
            }
            let words: Vec<&str> = line
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .collect();
            let name = match words.as_slice() {
                ["macro_rules", name, ..] if macro_next => Some(*name),
                ["pub", "const", "fn", name, ..] => Some(*name),
                [
                    "pub",
                    "fn" | "struct" | "enum" | "const" | "type",
                    name,
                    ..,
                ] => Some(*name),
                _ => None,
            };
            macro_next = false;
            if let Some(name) = name {
                let module = if module == "lib" { "common" } else { &module };
                items.insert(format!("{module}::{name}"));
            }
        }
    }
    items
}

/// Whether `source` names `module::name`: by its path, or in a `use`.
fn names(source: &str, module: &str, name: &str) -> bool {
    let word = |text: &str, w: &str| {
        text.match_indices(w).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + w.len()..].chars().next();
            let boundary = |c: Option<char>| {
                !c.is_some_and(|c| c.is_alphanumeric() || c == '_')
            };
            boundary(before) && boundary(after)
        })
    };
    if word(source, &format!("{module}::{name}"))
        || word(source, &format!("common::{name}"))
    {
        return true;
    }
    // `use common::{BUFFER_SIZE, Utf8Stream, cli::Opt};` and the like.
    source.split("use common::").skip(1).any(|rest| {
        let statement = rest.split(';').next().unwrap_or("");
        word(statement, name)
    })
}

#[test]
fn every_export_of_common_is_used_by_two_programs() {
    let programs = programs();
    let mut lonely = Vec::new();
    for item in exported() {
        let (module, name) = item.split_once("::").unwrap();
        let users: Vec<&String> = programs
            .iter()
            .filter(|(_, source)| names(source, module, name))
            .map(|(program, _)| program)
            .collect();
        let excused = REACHED_OTHERWISE.iter().any(|(i, _)| *i == item);
        if users.len() < 2 && !excused {
            lonely.push(format!("{item}: {users:?}"));
        }
    }
    assert!(
        lonely.is_empty(),
        "used by fewer than two programs (move it to the program, or make \
         it private):\n{}",
        lonely.join("\n")
    );
}

#[test]
fn the_check_finds_what_it_looks_for() {
    let items = exported();
    for item in ["explain::talk", "cli::Program", "common::BUFFER_SIZE"] {
        assert!(items.contains(item), "{item} in {items:?}");
    }
    assert!(items.contains("output::println"), "the macros count");
    assert!(names(
        "use common::{a, explain};\nexplain::talk(e)",
        "explain",
        "talk"
    ));
    assert!(names(
        "use common::{BUFFER_SIZE, x};",
        "common",
        "BUFFER_SIZE"
    ));
    assert!(!names("explain::talker(e)", "explain", "talk"));
    assert!(!names("let talk = 1;", "explain", "talk"));
}
