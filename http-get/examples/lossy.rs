//! 15.4 练习 3 的答案：不看字符集，把正文当作 UTF-8 打印，GBK 的中文就成了 `�`。
//!
//! ```text
//! python3 tests/py/http_peer.py 8000                                   # 终端 1
//! cargo run -p http-get --example lossy -- http://127.0.0.1:8000/gbk-meta
//! ```

use std::io;
use std::process::ExitCode;

use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
use http_common::{Args, Spec};

const SPEC: Spec = Spec {
    name: "http-get --example lossy",
    version: env!("CARGO_PKG_VERSION"),
    about: "15.4 练习 3：正文一律按 UTF-8 打印 / print the body as UTF-8",
    post: false,
};

fn main() -> ExitCode {
    let args = SPEC.parse();
    common::exit_code(run(&args))
}

fn run(args: &Args) -> io::Result<()> {
    http_common::check_url(args)?;
    let agent = http_common::agent(args.timeout);
    let answer = agent.get(&args.url).call();
    let mut req = http_common::followed(answer, &agent, args)?;
    let data = http_common::read_body(&mut req, args)?;
    // ANCHOR: lossy
    // 原来是第 3–5 步：状态、响应头，和 http_common::print_body(&req, &data)?;
    // 现在不管字符集，一律按 UTF-8 解码（坏字节变成 �）。
    // escape_control：收到的控制字符仍然转义后才打印。
    let text = String::from_utf8_lossy(&data.bytes);
    println!("{}", common::escape_control(text.trim_end()));
    // ANCHOR_END: lossy
    Ok(())
}
