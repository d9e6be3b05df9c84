/*
 * api/listen.c — the listening socket: parse "ADDR:PORT", bind exactly that address.
 *
 * The server opens its own socket instead of letting libmicrohttpd do it, for three reasons:
 * the address is bound as given (no silent fallback to all interfaces), a bind failure comes
 * back as a sentence naming the address, and with port 0 getsockname tells which port the
 * kernel chose. Only numeric addresses (and the word "localhost") are accepted: a listen
 * address resolved through DNS could change under a running server.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/listen.h"

/* Digits only, 1..5 of them, value <= 65535 (no strtol on outside input: STYLE.md rule 9). */
static int parse_port(const char *s, unsigned *out)
{
    unsigned v = 0;
    size_t n = 0;

    for (; s[n]; n++) {
        if (s[n] < '0' || s[n] > '9' || n >= 5)
            return -1;
        v = v * 10 + (unsigned)(s[n] - '0');
    }
    if (n == 0 || v > 65535)
        return -1;
    *out = v;
    return 0;
}

int api_listen_parse(const char *text, char addr[API_ADDR_MAX], unsigned *port,
                     struct err *err)
{
    const char *colon, *host = text;
    size_t hlen;
    unsigned char probe[sizeof(struct in6_addr)];

    if (text[0] == '[') {
        const char *close = strchr(text, ']');

        if (!close || close[1] != ':')
            return err_set(err, ERR_INVALID, "listen",
                           "'%.80s' is not ADDR:PORT (IPv6 form: [::1]:8080)", text);
        host = text + 1;
        hlen = (size_t)(close - host);
        colon = close + 1;
    } else {
        colon = strrchr(text, ':');
        if (!colon)
            return err_set(err, ERR_INVALID, "listen",
                           "'%.80s' is not ADDR:PORT (for example 127.0.0.1:8080)", text);
        hlen = (size_t)(colon - text);
        if (memchr(text, ':', hlen))
            return err_set(err, ERR_INVALID, "listen",
                           "'%.80s': write IPv6 addresses in brackets, [::1]:8080", text);
    }
    if (hlen == 0 || hlen >= API_ADDR_MAX)
        return err_set(err, ERR_INVALID, "listen", "'%.80s' has no valid address part", text);
    if (parse_port(colon + 1, port) != 0)
        return err_set(err, ERR_INVALID, "listen",
                       "'%.80s': the port must be a number from 0 to 65535", text);
    memcpy(addr, host, hlen);
    addr[hlen] = '\0';
    if (strcmp(addr, "localhost") == 0)
        snprintf(addr, API_ADDR_MAX, "127.0.0.1");
    if (inet_pton(AF_INET, addr, probe) == 1 && text[0] != '[')
        return 0;
    if (inet_pton(AF_INET6, addr, probe) == 1 && text[0] == '[')
        return 0;
    return err_set(err, ERR_INVALID, "listen",
                   "'%.80s': the address must be a numeric IPv4 address or a bracketed IPv6 "
                   "address", text);
}

int api_listen_open(const char *addr, unsigned port, int *fd_out, unsigned *bound_port,
                    bool *ipv6, struct err *err)
{
    struct sockaddr_storage ss;
    socklen_t sslen;
    int fd = -1, one = 1;

    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        sslen = sizeof(*sin);
        *ipv6 = false;
    } else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        sslen = sizeof(*sin6);
        *ipv6 = true;
    } else {
        return err_set(err, ERR_INVALID, "listen", "'%.64s' is not a numeric address", addr);
    }

    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return err_set(err, ERR_IO, "listen", "cannot create a socket: %s", strerror(errno));
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        (*ipv6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0)) {
        err_set(err, ERR_IO, "listen", "cannot set socket options: %s", strerror(errno));
        goto fail;
    }
    if (bind(fd, (struct sockaddr *)&ss, sslen) != 0) {
        err_set(err, ERR_IO, "listen", "cannot listen on %s%s%s:%u: %s", *ipv6 ? "[" : "",
                addr, *ipv6 ? "]" : "", port, strerror(errno));
        goto fail;
    }
    if (listen(fd, 128) != 0) {
        err_set(err, ERR_IO, "listen", "listen() failed: %s", strerror(errno));
        goto fail;
    }
    sslen = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sslen) != 0) {
        err_set(err, ERR_IO, "listen", "getsockname() failed: %s", strerror(errno));
        goto fail;
    }
    *bound_port = ntohs(*ipv6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                              : ((struct sockaddr_in *)&ss)->sin_port);
    *fd_out = fd;
    return 0;

fail:
    close(fd);
    return -1;
}
