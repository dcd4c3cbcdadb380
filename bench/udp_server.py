#! /usr/bin/python3
# -*-coding:UTF-8-*-
"""The text's 15.3.2 UDP server, for bench/run.

Exactly the text's program except: it binds 127.0.0.1 port 0 and prints the
bound address as its first line.
"""
import socket

# 创建 套接字 ,类型为 报文
soc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
soc.bind(('127.0.0.1', 0))
host, port = soc.getsockname()
print('Python UDP 服务端已启动，正在监听 %s:%d' % (host, port), flush=True)
while True:
    data, add = soc.recvfrom(1024)
    val = data.decode('utf-8')
    print('客户端地址：', add, '客户端数据', val)

    soc.sendto(('服务端接收到数据：%s' % val).encode('utf-8'), add)
