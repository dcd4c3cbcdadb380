/* The ceiling for bench/run: the chapter's TCP server as a minimal C
 * program — one thread per connection, recv(1024), reply
 * "服务端接收到数据：" + message, stop on "end" or EOF. No logging, no
 * decoding: what a thread-per-connection server can do on this machine.
 *
 *   gcc -O2 -pthread -o ceiling bench/ceiling.c && ./ceiling [backlog]
 *
 * Binds 127.0.0.1 port 0 and prints the bound address as its first line.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char PREFIX[] = "服务端接收到数据：";

static void *do_tcp(void *arg) {
    int fd = (int)(long)arg;
    char buf[1024], out[sizeof PREFIX + 1024];
    size_t plen = sizeof PREFIX - 1;
    memcpy(out, PREFIX, plen);
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0 || (n == 3 && memcmp(buf, "end", 3) == 0))
            break;
        memcpy(out + plen, buf, (size_t)n);
        size_t len = plen + (size_t)n, sent = 0;
        while (sent < len) {
            ssize_t w = send(fd, out + sent, len - sent, MSG_NOSIGNAL);
            if (w <= 0)
                goto done;
            sent += (size_t)w;
        }
    }
done:
    close(fd);
    return NULL;
}

int main(int argc, char **argv) {
    int backlog = argc > 1 ? atoi(argv[1]) : 1024;
    int soc = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in addr = {.sin_family = AF_INET};
    socklen_t alen = sizeof addr;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(soc, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (soc < 0 || bind(soc, (struct sockaddr *)&addr, sizeof addr) < 0 ||
        listen(soc, backlog) < 0 ||
        getsockname(soc, (struct sockaddr *)&addr, &alen) < 0) {
        perror("ceiling");
        return 1;
    }
    printf("C 服务端 listen(%d) 已启动，正在监听 127.0.0.1:%d\n", backlog,
           ntohs(addr.sin_port));
    fflush(stdout);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (;;) {
        int fd = accept(soc, NULL, NULL);
        if (fd < 0) {
            usleep(100000); /* EMFILE and the like: wait, go on */
            continue;
        }
        pthread_t t;
        if (pthread_create(&t, &attr, do_tcp, (void *)(long)fd) != 0)
            close(fd);
    }
}
