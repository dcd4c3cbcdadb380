//! 参考答案 http-get-by-hand（15.4.1）：按 Content-Length 读响应体。
//!
//! 运行：cargo run -p exercises --example http-get-by-hand-solution -- 127.0.0.1:8000 /
//! 服务端：python3 tests/py/http_peer.py 8000
//! 检查：cargo run -p exercises -- check http-get-by-hand --solution

use std::io::{self, BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;

/// 响应头最长多少字节：更长的当作出错。
const MAX_HEAD: usize = 64 * 1024;
/// 响应体最长多少字节：更长的不去分配。
const MAX_BODY: usize = 16 << 20;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    // 服务端地址和路径：第一、第二个参数（检查程序会传入它们）
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8000".into());
    let path = args.next().unwrap_or_else(|| "/".into());
    let failed = |e: io::Error| format!("{addr}：{e}\n{addr}: {e}");

    // 1. 连接 — Python: soc.connect((host, 80))
    let mut soc = TcpStream::connect(&addr).map_err(failed)?;

    // 2. 发请求：请求行、Host 头、一个空行，每行以 \r\n 结尾
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    soc.write_all(request.as_bytes()).map_err(failed)?;

    // 3. 一行一行读响应头，直到空行；记下状态行和 Content-Length
    let mut reader = BufReader::new(soc);
    let mut status = String::new();
    let mut length: Option<usize> = None;
    let mut head_size = 0;
    loop {
        let mut line = Vec::new();
        let n = reader.read_until(b'\n', &mut line).map_err(failed)?;
        head_size += n;
        if n == 0 || head_size > MAX_HEAD {
            return Err(format!(
                "{addr} 的响应头不完整\nincomplete response head from {addr}"
            ));
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end();
        if line.is_empty() {
            break; // 空行：响应头结束
        }
        if status.is_empty() {
            status = line.to_string();
        } else if let Some((name, value)) = line.split_once(':') {
            // 头字段名不分大小写
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let length = length.filter(|&n| n <= MAX_BODY).ok_or(format!(
        "响应里没有可用的 Content-Length（最大 {MAX_BODY}）\n\
         no usable Content-Length in the response (at most {MAX_BODY})"
    ))?;

    // 4. 正好读 length 个字节的响应体（BufReader 里剩下的也算在内）
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|e| match e.kind() {
        ErrorKind::UnexpectedEof => format!(
            "响应体不完整：应有 {length} 字节，连接就断了\n\
             incomplete body: the connection closed before {length} bytes"
        ),
        _ => failed(e),
    })?;

    // 5. 打印状态行和响应体的每一行（控制字符转义）
    println!("{}", status.escape_debug());
    for line in String::from_utf8_lossy(&body).lines() {
        println!("{}", line.escape_debug());
    }
    Ok(())
}
