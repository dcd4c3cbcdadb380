//! 客户端要发送的消息：命令行给的（没给就用原文的），或 `-i` 时逐行读的。
//!
//! What both clients (and their examples) send. [`crate::cli`] fills a
//! [`Messages`] from `[MESSAGE]...` and `-i`; a listing goes through it
//! with `for message in &args.messages`.

use std::io::{self, BufRead, IsTerminal};

use crate::eprintln;

/// 客户端要发送的消息：命令行给的（没给就用原文的），或 `-i` 时逐行读的。
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Messages {
    pub(crate) given: Vec<String>,
    pub(crate) interactive: bool,
}

impl<'a> IntoIterator for &'a Messages {
    type Item = io::Result<String>;
    type IntoIter = Each<'a>;

    /// The messages of the command line, or with `-i` the lines typed (or
    /// piped) on stdin, until a line `end` or end of input.
    fn into_iter(self) -> Each<'a> {
        if !self.interactive {
            return Each::Given(self.given.iter());
        }
        let terminal = io::stdin().is_terminal();
        if terminal {
            eprintln!(
                "逐行输入消息，回车发送；输入 end 或按 Ctrl-D 结束 \
                 / type a message per line; end or Ctrl-D to finish"
            );
        }
        Each::Typed {
            stdin: io::stdin().lock(),
            prompt: terminal,
        }
    }
}

/// 一条一条取出要发送的消息（`for message in &args.messages`）。
pub enum Each<'a> {
    Given(std::slice::Iter<'a, String>),
    Typed {
        stdin: io::StdinLock<'static>,
        prompt: bool,
    },
}

impl Iterator for Each<'_> {
    type Item = io::Result<String>;

    fn next(&mut self) -> Option<Self::Item> {
        let (stdin, prompt) = match self {
            Each::Given(given) => return given.next().cloned().map(Ok),
            Each::Typed { stdin, prompt } => (stdin, *prompt),
        };
        loop {
            if prompt {
                use io::Write as _;
                let _ = io::stderr().write_all(b"> ");
            }
            let mut line = Vec::new();
            match stdin.read_until(b'\n', &mut line) {
                Ok(0) => return None, // Ctrl-D or the end of a pipe
                Ok(_) => {}
                Err(err) => return Some(Err(err)),
            }
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\r', '\n']);
            if line.trim() == "end" {
                return None;
            }
            // An empty line would be a send of 0 bytes: nothing to send.
            if !line.is_empty() {
                return Some(Ok(line.to_string()));
            }
        }
    }
}
