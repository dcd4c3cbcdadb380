//! 15.4 urllib 模块 → ureq：用 GET 取一个网页，打印状态、响应头和正文。
//!
//! ```text
//! cargo run -p http-get                            # 原文的 http://www.baidu.com
//! cargo run -p http-get -- https://www.rust-lang.org
//! ```
//!
//! 没有网络时（教室的虚拟机常常如此），在本机起一个服务器再取：
//!
//! ```text
//! python3 -m http.server 8000
//! cargo run -p http-get -- http://127.0.0.1:8000/
//! ```
//!
//! 全部选项见 `cargo run -p http-get -- --help`。

use std::io;
use std::process::ExitCode;

use http_common::{Args, Spec};

const SPEC: Spec = Spec {
    name: env!("CARGO_PKG_NAME"),
    version: env!("CARGO_PKG_VERSION"),
    about: "15.4 HTTP GET：取一个网页并打印 / fetch a page and print it",
    post: false,
};

fn main() -> ExitCode {
    let args = SPEC.parse();
    common::exit_code(run(&args))
}

// ANCHOR: steps
fn run(args: &Args) -> io::Result<()> {
    http_common::check_url(&args.url)?;
    // 解压 gzip、最多等 --timeout 秒；404 也当作回答打印出来。
    let agent = http_common::agent(args.timeout);

    // ANCHOR: urlopen
    // 1. 发出请求 — Python: req = request.urlopen('http://www.baidu.com')
    //    urlopen 会跟随重定向；follow_redirects 也跟随，并在 stderr 上报告每一跳。
    let first = agent.get(&args.url).call();
    let mut req = http_common::follow_redirects(&agent, first, args)?;
    // ANCHOR_END: urlopen

    // ANCHOR: read
    // 2. 读取正文 — Python: data = req.read()（这里最多读 10 MB）
    let data = http_common::read_body(&mut req, args)?;
    // ANCHOR_END: read

    // ANCHOR: print
    // 3. 打印状态、响应头、正文 — Python: print(req.status, req.reason)
    //    for k, v in req.getheaders(): print(k, '--', v)
    //    print(data.decode('utf8'))
    http_common::print_response(&req, &data)?;
    // ANCHOR_END: print

    // ANCHOR: status
    // 4. 状态码 ≥ 400：Python 的 urlopen 会直接抛出 HTTPError；
    //    这里先把服务器的页面打印出来，再报错并以 1 退出。
    http_common::explain::status(&req, args)
    // 没有 close()：req 离开作用域时连接关闭，相当于 Python 的 with 块结束。
    // ANCHOR_END: status
}
// ANCHOR_END: steps
