/* metrics_http: the Prometheus endpoint, GET /metrics over HTTP, served by libmicrohttpd
 * in external-event-loop mode (its epoll fd and timeout driven by the agent's loop). */
#ifndef PHAROS_METRICS_HTTP_H
#define PHAROS_METRICS_HTTP_H

#include "agent/agent.h"
#include "lib/addr.h"
#include "lib/loop.h"

#define METRICS_HTTP_CLIENTS_MAX 16 /* connections at once */
#define METRICS_HTTP_TIMEOUT_S   10 /* an idle connection is closed after this */

struct metrics_http;

/* metrics_http_open: serve agent a's metrics on listen (an address and port) from loop l.
 * The caller frees it with metrics_http_close(). NULL, after logging, on failure. */
struct metrics_http *metrics_http_open(
    struct loop *l, struct agent *a, const struct endpoint *listen);

/* metrics_http_close: stop serving, close every connection, free; NULL ok. */
void metrics_http_close(struct metrics_http *m);

#endif
