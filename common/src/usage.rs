//! 用法错误和帮助的排版，所有程序共用（由 [`crate::cli`] 调用）。
//!
//! A usage error is a Chinese line, an English line and a line naming
//! `--help`; the bad value is quoted and escaped, a near miss gets "did you
//! mean", and the exit status is 2. `--help` lists each entry in both
//! languages. The program is named as it was started: `cargo run -p NAME
//! --` under cargo, the binary's name otherwise.

use std::ffi::OsStr;
use std::path::Path;

use crate::escape_control;
use crate::explain::Bilingual;

/// 把 lexopt 的错误说成中英两句；`known` 是本程序的选项，用来猜“你是想写”。
pub(crate) fn from_lexopt(err: lexopt::Error, known: &[&str]) -> Bilingual {
    use lexopt::Error as E;
    let escaped = |text: &str| escape_control(text).into_owned();
    if let E::Custom(inner) = err {
        match inner.downcast::<Bilingual>() {
            Ok(said) => return *said, // our own message, already in two
            Err(other) => {
                return Bilingual::new(
                    escaped(&other.to_string()),
                    escaped(&other.to_string()),
                );
            }
        }
    }
    let (zh, en) = match err {
        E::MissingValue {
            option: Some(option),
        } => {
            let option = escaped(&option);
            let zh = format!("选项 {option} 后面缺少值，写成 {option} 值");
            (zh, format!("missing value for option {option}"))
        }
        E::UnexpectedOption(option) => {
            let (shown, [zh, en]) =
                (quote(option.as_ref()), hint(&option, known));
            (
                format!("不认识的选项 {shown}{zh}"),
                format!("unknown option {shown}{en}"),
            )
        }
        E::UnexpectedArgument(value) => {
            let shown = quote(&value);
            let word = format!("--{}", value.to_string_lossy());
            let [zh, en] = match suggest(&word, known) {
                Some(_) => hint(&word, known),
                None => [
                    "：本程序用不到它（选项以 -- 开头）".into(),
                    ": this program takes no such argument".into(),
                ],
            };
            (
                format!("多余的参数 {shown}{zh}"),
                format!("unexpected argument {shown}{en}"),
            )
        }
        E::UnexpectedValue { option, value } => {
            let (option, value) = (escaped(&option), quote(&value));
            let zh = format!("选项 {option} 不带值，却收到了 {value}");
            (zh, format!("option {option} takes no value, got {value}"))
        }
        E::NonUnicodeValue(value) => {
            let value = quote(&value);
            let zh = "不是合法的 Unicode 文字（终端的编码设置对吗？）";
            let en = "is not valid Unicode";
            (
                format!("参数 {value} {zh}"),
                format!("argument {value} {en}"),
            )
        }
        // What the table never asks lexopt for (`parse()`, a value with
        // no option before it), or a plain message: shown as lexopt says it.
        other => (escaped(&other.to_string()), escaped(&other.to_string())),
    };
    Bilingual::new(zh, en)
}

impl From<Bilingual> for lexopt::Error {
    fn from(said: Bilingual) -> Self {
        lexopt::Error::Custom(Box::new(said))
    }
}

/// 给值加上引号，并转义控制字符和双向控制符：`"a\u{1b}"`。
pub fn quote(value: &OsStr) -> String {
    escape_control(&format!("{value:?}")).into_owned()
}

/// "did you mean --port?" for `word`, in both languages, or nothing.
fn hint(word: &str, known: &[&str]) -> [String; 2] {
    match suggest(word, known) {
        Some(near) => [
            format!("，你是想写 {near} 吗？"),
            format!("; did you mean {near}?"),
        ],
        None => Default::default(),
    }
}

/// The long option nearest to `word`; short ones (`-x`) get none: every
/// one is near every other.
fn suggest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    if !word.starts_with("--") || word.len() < 4 {
        return None;
    }
    let word = word.split('=').next().unwrap_or(word);
    let long: Vec<&str> = known
        .iter()
        .copied()
        .filter(|k| k.starts_with("--"))
        .collect();
    nearest(word, &long)
}

/// 和 `word` 最接近的候选（不分大小写，最多差两个字母），用于“你是想写”。
pub fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word: Vec<char> = word.to_lowercase().chars().collect();
    let distance = |candidate: &str| {
        // Levenshtein distance, one row at a time.
        let mut row: Vec<usize> = (0..=word.len()).collect();
        for (i, c) in candidate.to_lowercase().chars().enumerate() {
            let mut diagonal = std::mem::replace(&mut row[0], i + 1);
            for (j, w) in word.iter().enumerate() {
                let substitute = diagonal + usize::from(c != *w);
                diagonal = row[j + 1];
                row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
            }
        }
        row[word.len()]
    };
    let scored = candidates.iter().map(|c| (distance(c), *c));
    scored
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `--help=x`: lexopt reports a value given to a switch only when it reads
/// the next argument, so the options that return at once check here.
pub(crate) fn reject_value(
    parser: &mut lexopt::Parser,
    option: &str,
) -> Result<(), lexopt::Error> {
    match parser.optional_value() {
        Some(value) => {
            let option = option.to_string();
            Err(lexopt::Error::UnexpectedValue { option, value })
        }
        None => Ok(()),
    }
}

/// 程序是怎样启动的：`cargo run -p NAME --`，或直接运行的程序名。
///
/// Cargo sets `CARGO` and `CARGO_PKG_NAME` for the program it runs. `name`
/// is the crate name, possibly with more (`tcp-server --example 1-accept`).
pub(crate) fn invocation(name: &str) -> String {
    let package = std::env::var_os("CARGO_PKG_NAME")
        .filter(|_| std::env::var_os("CARGO").is_some());
    started_as(
        name,
        package.as_deref(),
        std::env::args_os().next().as_deref(),
    )
}

/// [`invocation`], given the package cargo ran (if any) and `argv[0]`.
pub(crate) fn started_as(
    name: &str,
    cargo_ran: Option<&OsStr>,
    arg0: Option<&OsStr>,
) -> String {
    let package = name.split(' ').next().unwrap_or(name);
    if cargo_ran.is_some_and(|p| p == package) {
        return format!("cargo run -p {name} --");
    }
    let file = arg0.and_then(|arg0| Path::new(arg0).file_name());
    let file = file
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = match file.strip_suffix(".exe") {
        Some(stem) if cfg!(windows) => stem.to_string(),
        _ => file,
    };
    match file.is_empty() {
        true => package.to_string(),
        false => escape_control(&file).into_owned(),
    }
}

/// 打印用法错误（两种语言，再说帮助在哪），以状态 2 退出。
pub fn exit(name: &str, wrong: &Bilingual) -> ! {
    let program = invocation(name);
    let (zh, en) = (&wrong.zh, &wrong.en);
    crate::eprintln!(
        "用法错误：{zh}\nusage error: {en}\n全部选项见 / see: {program} --help"
    );
    std::process::exit(2)
}

/// 帮助里的一项：写法（`--port <PORT>`）、中文说明、英文说明，各带默认值。
pub(crate) struct Entry {
    pub flags: String,
    zh: String,
    en: String,
}

impl Entry {
    pub fn new(
        flags: &str,
        zh: &str,
        en: &str,
        default: Option<(&str, &str)>,
    ) -> Self {
        let (zh, en) = match default {
            Some((dz, de)) => (
                format!("{zh}（默认：{dz}）"),
                format!("{en} [default: {de}]"),
            ),
            None => (zh.to_string(), en.to_string()),
        };
        Entry {
            flags: flags.to_string(),
            zh,
            en,
        }
    }
}

/// The long and short options among `entries` (`--port`, `-h`…).
pub(crate) fn known(entries: &[Entry]) -> Vec<&str> {
    let words = entries.iter().flat_map(|e| e.flags.split([',', ' ']));
    words.filter(|word| word.starts_with('-')).collect()
}

/// The help text: `about`, the usage line, the arguments and options (a
/// Chinese line and an English line each), then `after` (examples).
pub(crate) fn help(
    about: &str,
    usage: &str,
    arguments: &[Entry],
    options: &[Entry],
    after: &str,
) -> String {
    let all = arguments.iter().chain(options);
    let width = all.map(|e| e.flags.chars().count()).max().unwrap_or(0);
    let width = width.min(22) + 5;
    let mut text = format!("{about}\n\n用法 / Usage: {usage}\n");
    let sections = [
        ("参数 / Arguments:", arguments),
        ("选项 / Options:", options),
    ];
    for (title, entries) in sections.iter().filter(|(_, e)| !e.is_empty()) {
        text += &format!("\n{title}\n");
        for entry in entries.iter() {
            let flags = format!("  {}", entry.flags);
            let used = flags.chars().count();
            let (zh, en) = (&entry.zh, &entry.en);
            match used >= width {
                true => text += &format!("{flags}\n{:width$}{zh}\n", ""),
                false => {
                    text +=
                        &format!("{flags}{:pad$}{zh}\n", "", pad = width - used)
                }
            }
            text += &format!("{:width$}{en}\n", "");
        }
    }
    if !after.is_empty() {
        text += &format!("\n{}\n", after.trim_end());
    }
    text.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_as_started() {
        let bin = Some(OsStr::new("/x/target/debug/tcp-client"));
        let cargo = Some(OsStr::new("tcp-client"));
        let named = |cargo, arg0| started_as("tcp-client", cargo, arg0);
        assert_eq!(named(cargo, bin), "cargo run -p tcp-client --");
        assert_eq!(named(None, bin), "tcp-client");
        assert_eq!(named(Some(OsStr::new("chapter-tests")), bin), "tcp-client");
        assert_eq!(named(None, None), "tcp-client");
        let example = Some(OsStr::new("/x/examples/1-accept"));
        let stage = "tcp-server --example 1-accept";
        assert_eq!(started_as(stage, None, example), "1-accept");
        let cargo = Some(OsStr::new("tcp-server"));
        let shown = started_as(stage, cargo, example);
        assert_eq!(shown, "cargo run -p tcp-server --example 1-accept --");
    }
}
