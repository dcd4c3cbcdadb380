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

use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
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
    http_common::check_url(args)?;
    // 跟随重定向、解压 gzip；整个请求最多 --timeout 秒；404 也当作响应打印。
    let agent = http_common::agent(args.timeout);

    // ANCHOR: urlopen
    // 1. 发出请求 — Python: req = request.urlopen('http://www.baidu.com')
    //    和 urlopen 一样，ureq 自己跟随重定向；每一跳在 stderr 上说一声。
    let answer = agent.get(&args.url).call();
    let mut req = http_common::followed(answer, &agent, args)?;
    // ANCHOR_END: urlopen

    // ANCHOR: read
    // 2. 读取正文 — Python: data = req.read()（这里最多读 10 MB）
    let data = http_common::read_body(&mut req, args)?;
    // ANCHOR_END: read

    // ANCHOR: print
    // 3. 打印状态码和原因 — Python: print(req.status, req.reason)
    println!("{}", http_common::status_line(req.status()));

    // 4. 打印响应头 — Python: for k, v in req.getheaders(): print(k, '--', v)
    //    （ureq 按 HTTP/2 的习惯把头名统一成小写。）
    for (k, v) in req.headers() {
        println!("{k} -- {}", http_common::header_text(v));
    }

    // 5. 打印正文 — Python: print(data.decode('utf8'))
    //    这里按响应声明的字符集解码（GBK 的网页也能读），控制字符转义显示。
    http_common::print_body(&req, &data)?;
    // ANCHOR_END: print

    // ANCHOR: status
    // 6. 状态码 ≥ 400：Python 的 urlopen 会直接抛出 HTTPError；
    //    这里先把服务器的页面打印出来，再报错并以 1 退出。
    http_common::explain::status(&req, args)
    // 没有 close()：req 离开作用域时连接关闭，相当于 Python 的 with 块结束。
    // ANCHOR_END: status
}
// ANCHOR_END: steps
