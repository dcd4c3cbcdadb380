//! lines-server: answer each newline-framed line, whatever the chunking.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;

use super::REPLY;
use crate::catalog::Case;
use crate::net::{self, PAUSE, STEP};
use crate::{Failure, Outcome};

pub static CASES: &[Case] = &[
    Case {
        zh: "两行在一次写里，得到两行回复",
        en: "two lines in one write get two reply lines",
        check: together,
    },
    Case {
        zh: "一次只写一个字节，汉字被切开",
        en: "one byte per write, characters cut",
        check: bytewise,
    },
    Case {
        zh: "end（带 \\r\\n）结束会话，服务端关闭连接",
        en: "end (with \\r\\n) ends the session: the server closes",
        check: end,
    },
    Case {
        zh: "有人半行就走、有人重置连接，下一个照样被服务",
        en: "one leaves mid-line, one resets; the next is served",
        check: rude,
    },
];

const HINT: (&str, &str) = (
    "用 BufReader::new(&conn) 和 read_until(b'\\n', ...) 一次读一整行；去掉行尾的 \\n 和 \\r 再回复，回复也以 \\n 结尾。",
    "wrap the connection in a BufReader and read_until(b'\\n', ...) one whole line; drop \\n and \\r before replying; end each reply with \\n.",
);

fn replies_to(stream: &mut TcpStream, lines: &[String]) -> Result<(), Failure> {
    let want: String = lines.iter().map(|l| format!("{REPLY}{l}\n")).collect();
    let got = net::read_len(stream, want.len(), STEP);
    if got == want.as_bytes() {
        return Ok(());
    }
    Err(net::step_failed(&want, "", &got, HINT))
}

fn line(label: &str) -> String {
    format!("{label} {}", net::nonce())
}

fn client(addr: SocketAddr) -> Result<TcpStream, Failure> {
    net::connect(addr).map_err(net::server_gone)
}

fn together(exe: &Path) -> Outcome {
    net::server_case(exe, |addr, _| {
        let mut stream = client(addr)?;
        let lines = [line("第一行"), line("第二行")];
        let wire = format!("{}\n{}\n", lines[0], lines[1]);
        stream
            .write_all(wire.as_bytes())
            .map_err(net::server_gone)?;
        replies_to(&mut stream, &lines)
    })
}

fn bytewise(exe: &Path) -> Outcome {
    net::server_case(exe, |addr, _| {
        let mut stream = client(addr)?;
        let lines = [line("一个字节"), line("汉字")];
        let wire = format!("{}\n{}\n", lines[0], lines[1]);
        net::send_bytewise(&mut stream, wire.as_bytes())
            .map_err(net::server_gone)?;
        replies_to(&mut stream, &lines)
    })
}

fn end(exe: &Path) -> Outcome {
    net::server_case(exe, |addr, _| {
        let mut stream = client(addr)?;
        let first = line("最后一句");
        let wire = format!("{first}\nend\r\n");
        let (head, tail) = net::cut_in_char(&wire);
        net::send_pieces(&mut stream, &[head, tail], PAUSE)
            .map_err(net::server_gone)?;
        replies_to(&mut stream, std::slice::from_ref(&first))?;
        let (after, closed) = net::read_to_close(&mut stream, STEP);
        if after.is_empty() && closed {
            return Ok(());
        }
        Err(net::step_failed(
            "",
            "end 之后没有回复，连接关闭 / no reply after end, the connection closes",
            &after,
            (
                "比较之前先去掉行尾的空白（trim），因为 nc 和 telnet 发 end\\r\\n；然后从这个客户端的循环里 break。",
                "trim the line before comparing (nc and telnet send end\\r\\n), then break out of this client's loop.",
            ),
        ))
    })
}

fn rude(exe: &Path) -> Outcome {
    net::server_case(exe, |addr, _| {
        let mut half = client(addr)?;
        half.write_all("半行".as_bytes())
            .map_err(net::server_gone)?;
        drop(half);
        let mut resetter = client(addr)?;
        let first = line("我问完就走");
        resetter
            .write_all(format!("{first}\n{first}\n").as_bytes())
            .map_err(net::server_gone)?;
        net::reset(resetter);
        let mut next = client(addr)?;
        let lines = [line("下一个")];
        next.write_all(format!("{}\n", lines[0]).as_bytes())
            .map_err(net::server_gone)?;
        replies_to(&mut next, &lines)
    })
}
