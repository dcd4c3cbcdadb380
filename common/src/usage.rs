//! 用法错误和帮助文字的排版，所有程序共用（由 [`crate::cli`] 调用）。
//!
//! A usage error is a Chinese line, an English line and a line naming
//! `--help`; what was wrong is quoted and escaped, a near miss gets "did you
//! mean". `--help` has the conventional layout (`Usage:`, `Options:`,
//! `<VALUE>`), each entry in both languages. The program is named as it was
//! started: `cargo run -p NAME --` under cargo, the binary's name otherwise.

use std::ffi::OsStr;
use std::fmt;
use std::path::Path;
use std::process;

use crate::escape_control;
use crate::explain::Bilingual;

/// 把 lexopt 的错误说成中英两句。
///
/// A lexopt error in both languages. `known` lists the options the
/// program accepts (`--port`…), for "did you mean".
pub(crate) fn from_lexopt(err: lexopt::Error, known: &[&str]) -> Bilingual {
    use lexopt::Error as E;
    match err {
        E::MissingValue {
            option: Some(option),
        } => {
            let option = escape_control(&option).into_owned();
            Bilingual::new(
                format!("选项 {option} 后面缺少值，写成 {option} 值"),
                format!("missing value for option {option}"),
            )
        }
        E::MissingValue { option: None } => {
            Bilingual::new("缺少一个值", "a value is missing")
        }
        E::UnexpectedOption(option) => {
            let shown = quote(OsStr::new(&option));
            let (zh_hint, en_hint) = hint(&option, known);
            Bilingual::new(
                format!("不认识的选项 {shown}{zh_hint}"),
                format!("unknown option {shown}{en_hint}"),
            )
        }
        E::UnexpectedArgument(value) => {
            let shown = quote(&value);
            let word = format!("--{}", value.to_string_lossy());
            let (zh_hint, en_hint) = match suggest(&word, known) {
                Some(_) => hint(&word, known),
                None => (
                    "：本程序用不到它（选项以 -- 开头）".to_string(),
                    ": this program takes no such argument".to_string(),
                ),
            };
            Bilingual::new(
                format!("多余的参数 {shown}{zh_hint}"),
                format!("unexpected argument {shown}{en_hint}"),
            )
        }
        E::UnexpectedValue { option, value } => {
            let option = escape_control(&option).into_owned();
            let value = quote(&value);
            Bilingual::new(
                format!("选项 {option} 不带值，却收到了 {value}"),
                format!("option {option} takes no value, got {value}"),
            )
        }
        E::ParsingFailed { value, error } => {
            let value = quote(OsStr::new(&value));
            let error = escape_control(&error.to_string()).into_owned();
            Bilingual::new(
                format!("无法理解 {value}：{error}"),
                format!("cannot parse {value}: {error}"),
            )
        }
        E::NonUnicodeValue(value) => {
            let value = quote(&value);
            Bilingual::new(
                format!(
                    "参数 {value} 不是合法的 Unicode 文字（终端的编码设置对吗？）"
                ),
                format!("argument {value} is not valid Unicode"),
            )
        }
        E::Custom(inner) => match inner.downcast::<Bilingual>() {
            Ok(said) => *said,
            Err(other) => {
                let text = escape_control(&other.to_string()).into_owned();
                Bilingual::new(text.clone(), text)
            }
        },
    }
}

impl From<Bilingual> for lexopt::Error {
    fn from(said: Bilingual) -> Self {
        lexopt::Error::Custom(Box::new(said))
    }
}

/// 给值加上引号，并转义控制字符。
///
/// `"value"`, quoted as Rust quotes it, with every control character and
/// bidirectional mark escaped.
pub fn quote(value: &OsStr) -> String {
    escape_control(&format!("{value:?}")).into_owned()
}

/// "did you mean --port?" for `word`, in both languages, or nothing.
fn hint(word: &str, known: &[&str]) -> (String, String) {
    match suggest(word, known) {
        Some(near) => (
            format!("，你是想写 {near} 吗？"),
            format!("; did you mean {near}?"),
        ),
        None => (String::new(), String::new()),
    }
}

/// 和写错的选项最接近的已知选项。
///
/// The known option nearest to `word`, if at most 2 edits away.
/// Short options (`-x`) get none: every one is near every other.
pub(crate) fn suggest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
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

/// 和 `word` 最接近的候选（最多差两个字母）。
///
/// The candidate nearest to `word` (case ignored), if at most 2 edits
/// away: for "did you mean".
pub fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (distance(&word, &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance, in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// 不带值的选项却带了值（`--help=x`）：用法错误。
///
/// `--help=x`: an option that takes no value was given one. Call it in
/// the arm of an option that returns at once (`--help`, `--version`);
/// lexopt itself reports the others when it reads the next argument.
pub(crate) fn reject_value(
    parser: &mut lexopt::Parser,
    option: &str,
) -> Result<(), lexopt::Error> {
    match parser.optional_value() {
        Some(value) => Err(lexopt::Error::UnexpectedValue {
            option: option.to_string(),
            value,
        }),
        None => Ok(()),
    }
}

/// 程序是怎样启动的：`cargo run -p NAME --`，或直接运行的程序名。
///
/// How to start this program again, as it was started: `cargo run -p NAME
/// --` when cargo ran it (cargo sets `CARGO` and `CARGO_PKG_NAME` for the
/// program it runs), otherwise the name of the binary. `name` is the crate
/// name, possibly followed by more (`tcp-server --example 1-accept`).
pub(crate) fn invocation(name: &str) -> String {
    let package = std::env::var_os("CARGO_PKG_NAME")
        .filter(|_| std::env::var_os("CARGO").is_some());
    let arg0 = std::env::args_os().next();
    started_as(name, package.as_deref(), arg0.as_deref())
}

/// 同 [`invocation`]，但环境由参数给出（便于测试）。
///
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
    let binary = arg0.and_then(|arg0| {
        let file = Path::new(arg0).file_name()?.to_string_lossy().into_owned();
        let file = match file.strip_suffix(".exe") {
            Some(stem) if cfg!(windows) => stem.to_string(),
            _ => file,
        };
        Some(escape_control(&file).into_owned())
    });
    binary
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| package.to_string())
}

/// 打印用法错误，以状态 2 退出。
///
/// Prints a usage error (its two lines, then where to find the help) and
/// exits with status 2.
pub fn exit(name: &str, wrong: &Bilingual) -> ! {
    crate::eprintln!(
        "用法错误：{}\nusage error: {}\n全部选项见 / see: {} --help",
        wrong.zh,
        wrong.en,
        invocation(name)
    );
    process::exit(2)
}

/// 帮助里的一项：选项（或参数）、中文说明、英文说明。
///
/// One entry of `--help`: the option as written (`--port <PORT>`), what it
/// does in Chinese and in English.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub flags: String,
    pub zh: String,
    pub en: String,
}

impl Entry {
    /// 一项：选项的写法、中文说明、英文说明。
    pub fn new(
        flags: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Entry {
            flags: flags.into(),
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// 加上默认值，中英文都写。
    ///
    /// The same entry with its default written out in both languages.
    pub fn default(
        mut self,
        zh: impl fmt::Display,
        en: impl fmt::Display,
    ) -> Self {
        self.zh += &format!("（默认：{zh}）");
        self.en += &format!(" [default: {en}]");
        self
    }
}

/// 帮助里列出的全部选项名。
///
/// The long options among `entries` (`--port`, `--help`…).
pub(crate) fn known(entries: &[Entry]) -> Vec<&str> {
    entries
        .iter()
        .flat_map(|e| e.flags.split([',', ' ']))
        .filter(|word| word.starts_with('-'))
        .collect()
}

/// 排好版的帮助文字。
///
/// The help text: `about`, the usage line (`program`, from
/// [`invocation`], then `usage`), the arguments and options, then `after`
/// (examples), each entry a Chinese line and an English line.
pub(crate) fn help(
    about: &str,
    program: &str,
    usage: &str,
    arguments: &[Entry],
    options: &[Entry],
    after: &str,
) -> String {
    let width = arguments
        .iter()
        .chain(options)
        .map(|e| e.flags.chars().count())
        .max()
        .unwrap_or(0)
        .min(22)
        + 5;
    let mut text = format!("{about}\n\n用法 / Usage: {program} {usage}\n");
    for (title, entries) in [
        ("参数 / Arguments:", arguments),
        ("选项 / Options:", options),
    ] {
        if entries.is_empty() {
            continue;
        }
        text += &format!("\n{title}\n");
        for entry in entries {
            let flags = format!("  {}", entry.flags);
            let pad = width.saturating_sub(flags.chars().count()).max(1);
            if flags.chars().count() >= width {
                text += &format!("{flags}\n{:width$}{}\n", "", entry.zh);
            } else {
                text += &format!("{flags}{:pad$}{}\n", "", entry.zh);
            }
            text += &format!("{:width$}{}\n", "", entry.en);
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

    const KNOWN: &[&str] = &["--host", "--port", "--trace", "--help", "-h"];

    fn usage(args: &[&str]) -> Bilingual {
        let mut parser = lexopt::Parser::from_args(args);
        let result = (|| -> Result<(), lexopt::Error> {
            use lexopt::prelude::*;
            while let Some(arg) = parser.next()? {
                match arg {
                    Long("help") => reject_value(&mut parser, "--help")?,
                    Long("port") => {
                        parser.value()?;
                    }
                    Long("trace") => {}
                    _ => return Err(arg.unexpected()),
                }
            }
            Ok(())
        })();
        from_lexopt(result.unwrap_err(), KNOWN)
    }

    #[test]
    fn near_misses_get_did_you_mean() {
        let u = usage(&["--prot"]);
        assert_eq!(u.zh, "不认识的选项 \"--prot\"，你是想写 --port 吗？");
        assert_eq!(u.en, "unknown option \"--prot\"; did you mean --port?");
        assert!(usage(&["--tarce"]).en.ends_with("did you mean --trace?"));
        assert!(usage(&["--hots=x"]).en.ends_with("did you mean --host?"));
        let far = usage(&["--verbose"]);
        assert_eq!(far.en, "unknown option \"--verbose\"");
        let u = usage(&["-x"]);
        assert_eq!(u.zh, "不认识的选项 \"-x\"");
    }

    #[test]
    fn each_lexopt_error_in_both_languages() {
        let u = usage(&["--port"]);
        assert_eq!(u.zh, "选项 --port 后面缺少值，写成 --port 值");
        assert_eq!(u.en, "missing value for option --port");
        let u = usage(&["extra"]);
        assert!(u.zh.starts_with("多余的参数 \"extra\"："), "{}", u.zh);
        assert!(u.en.starts_with("unexpected argument \"extra\""));
        let u = usage(&["port"]);
        assert!(u.en.ends_with("did you mean --port?"), "{}", u.en);
        let u = usage(&["--help=x"]);
        assert_eq!(u.zh, "选项 --help 不带值，却收到了 \"x\"");
        assert_eq!(u.en, "option --help takes no value, got \"x\"");
        let u = usage(&["--trace=1"]);
        assert_eq!(u.en, "option --trace takes no value, got \"1\"");
    }

    #[cfg(unix)]
    #[test]
    fn non_unicode_is_quoted_escaped() {
        use std::ffi::OsString;
        use std::os::unix::ffi::OsStringExt;
        let bad = OsString::from_vec(b"a\xff\x1b".to_vec());
        let u = from_lexopt(lexopt::Error::NonUnicodeValue(bad), KNOWN);
        assert_eq!(u.en, "argument \"a\\xFF\\u{1b}\" is not valid Unicode");
        assert!(u.zh.starts_with("参数 \"a\\xFF\\u{1b}\" 不是合法的 Unicode"));
    }

    #[test]
    fn hostile_text_is_escaped() {
        let u = usage(&["--\u{202e}x\u{1b}"]);
        assert!(!u.zh.contains('\u{202e}') && !u.zh.contains('\u{1b}'));
        assert!(u.en.contains("\\u{202e}"), "{}", u.en);
    }

    #[test]
    fn our_own_messages_pass_through() {
        let own = Bilingual::new("中文", "English");
        let back = from_lexopt(own.clone().into(), KNOWN);
        assert_eq!(back, own);
        // A plain message (none of ours) is shown, escaped, in both halves.
        let text: lexopt::Error = "x\u{1b}".into();
        assert_eq!(
            from_lexopt(text, KNOWN),
            Bilingual::new("x\\x1b", "x\\x1b")
        );
    }

    #[test]
    fn named_as_started() {
        let bin = Some(OsStr::new("/x/target/debug/tcp-client"));
        let cargo = Some(OsStr::new("tcp-client"));
        assert_eq!(
            started_as("tcp-client", cargo, bin),
            "cargo run -p tcp-client --"
        );
        assert_eq!(started_as("tcp-client", None, bin), "tcp-client");
        let other = Some(OsStr::new("chapter-tests"));
        assert_eq!(started_as("tcp-client", other, bin), "tcp-client");
        assert_eq!(started_as("tcp-client", None, None), "tcp-client");
        let example = Some(OsStr::new("/x/examples/1-accept"));
        assert_eq!(
            started_as("tcp-server --example 1-accept", None, example),
            "1-accept"
        );
    }

    #[test]
    fn distances() {
        assert_eq!(distance("--prot", "--port"), 2);
        assert_eq!(distance("--port", "--port"), 0);
        assert_eq!(distance("--hst", "--host"), 1);
        assert_eq!(distance("", "ab"), 2);
    }

    #[test]
    fn help_layout() {
        let options = [
            Entry::new("--port <PORT>", "端口", "the port")
                .default(10000, 10000),
            Entry::new("-i, --interactive", "逐行读", "read lines"),
        ];
        let text = help("about", "x", "[OPTIONS]", &[], &options, "例子");
        let want = "about\n\n\
            用法 / Usage: x [OPTIONS]\n\n\
            选项 / Options:\n  \
            --port <PORT>       端口（默认：10000）\n                      \
            the port [default: 10000]\n  \
            -i, --interactive   逐行读\n                      \
            read lines\n\n\
            例子";
        assert_eq!(text, want);
        assert_eq!(known(&options), ["--port", "-i", "--interactive"]);
    }
}
