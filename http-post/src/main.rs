//! 15.4 urllib 模块 → ureq：用 POST 提交一个表单（原文此处“略”，这里补上）。
//!
//! 原文没有给出可以 POST 的网址，所以先在一个终端启动本项目的测试服务器，
//! 它会打印收到的表单：
//!
//! ```text
//! python3 tests/py/http_peer.py 8000
//! cargo run -p http-post -- http://127.0.0.1:8000/echo name=张三 "lang=rust & c"
//! ```
//!
//! 全部选项见 `cargo run -p http-post -- --help`。

use std::io;
use std::process::ExitCode;

use http_common::{Args, Spec};

const SPEC: Spec = Spec {
    name: env!("CARGO_PKG_NAME"),
    version: env!("CARGO_PKG_VERSION"),
    about: "15.4 HTTP POST：提交表单并打印回答 / send a form, print the answer",
    post: true,
};

fn main() -> ExitCode {
    let args = SPEC.parse();
    common::exit_code(run(&args))
}

fn run(args: &Args) -> io::Result<()> {
    http_common::check_url(args)?;
    let agent = http_common::agent(args.timeout);

    // 1. 把表单封装成 bytes 并发出 POST —
    //    Python: data = parse.urlencode({'name': '张三'}).encode('utf-8')
    //            req = request.urlopen(url, data=data)
    //    send_form 做同样的事：按 UTF-8 百分号编码（空格变 +），并设置
    //    Content-Type: application/x-www-form-urlencoded。
    let answer = agent
        .post(&args.url)
        .send_form(args.fields.iter().map(|(k, v)| (k, v)));
    //    重定向照 urllib 的做法跟随：301/302/303 之后改用 GET，
    //    307/308 要重发表单，不跟随（报错说明）。
    let mut req = http_common::followed(answer, &agent, args)?;

    // 2. 读取正文 — Python: data = req.read()（这里最多读 10 MB）
    let data = http_common::read_body(&mut req, args)?;

    // 3. 与 http-get 一样打印状态、响应头、正文。
    http_common::print_response(&req, &data)?;

    // 4. 状态码 ≥ 400：先打印服务器的页面，再报错并以 1 退出。
    http_common::explain::status(&req, args)
}
