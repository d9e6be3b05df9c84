/*
 * api/listen.h — the server's listening socket (internal to api/; see listen.c).
 *
 * api_listen_parse is declared in server.h, where cmd_serve finds it.
 */
#ifndef CSPD_API_LISTEN_H
#define CSPD_API_LISTEN_H

#include <stdbool.h>

#include "api/server.h"

/*
 * Create a non-blocking socket bound to the numeric `addr` and `port` and listening. On
 * success *fd_out is owned by the caller, *bound_port is the real port (the kernel's choice
 * when port is 0) and *ipv6 tells the family.
 */
int api_listen_open(const char *addr, unsigned port, int *fd_out, unsigned *bound_port,
                    bool *ipv6, struct err *err);

#endif
