#! /usr/bin/python3
# -*-coding:UTF-8-*-
"""The text's 15.2.2 TCP server, for bench/run.

Exactly the text's program except: no sleep(1), it binds 127.0.0.1 port 0
(the system picks a port) and prints the bound address as its first line.
`listen(5)` as the text; `python3 tcp_server.py 1024` uses a larger backlog
(the fair comparison with tcp-server's default).
"""
import socket
import sys
import threading

backlog = int(sys.argv[1]) if len(sys.argv) > 1 else 5

# 创建 套接字
soc = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
soc.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
# 创建 服务端
soc.bind(('127.0.0.1', 0))
# 设置 最大连接数
soc.listen(backlog)
host, port = soc.getsockname()
print('Python TCP 服务端 listen(%d) 已启动，正在监听 %s:%d'
      % (backlog, host, port), flush=True)


def do_tcp(sock, addr):
    print('接受到:', addr, '连接')

    while True:
        data = sock.recv(1024)
        if not data or data.decode('utf-8') == 'end':
            break
        print(type(data))
        data_val = data.decode('utf-8')
        print(type(data_val), data_val)
        sock.send(('服务端接收到数据：%s' % data_val).encode('utf-8'))
    sock.close()
    print('服务端处理完成')


# 接收 服务端发来的数据
while True:
    # 接受一个连接
    sock, addr = soc.accept()
    threading.Thread(target=do_tcp, args=(sock, addr)).start()
