/* control: the control socket pharosctl talks to, served from the agent's loop.
 *
 * Line-based: each request line (`status`, `drain SERVICE|all`, `undrain SERVICE|all`,
 * `reload`) gets one reply line holding one JSON object, {"ok":true,...} or
 * {"ok":false,"error":"..."}; a client may send further lines or close. Requests and
 * clients are bounded, and a client that does not read its replies is dropped. */
#ifndef PHAROS_CONTROL_H
#define PHAROS_CONTROL_H

#include <stdio.h>

#include "agent/agent.h"
#include "lib/loop.h"

#define CTL_LINE_MAX    4096        /* longest request line */
#define CTL_CLIENTS_MAX 16          /* connected clients at once */
#define CTL_OUT_MAX     (16u << 20) /* unsent reply bytes before a client is dropped */
#define CTL_IDLE        SEC(30)     /* a client making no progress this long is dropped */

struct ctl;

/* ctl_reload_fn: how the server reloads (main wraps agent_reload to tell systemd);
 * returns what agent_reload returns, error lines written to errs. */
typedef int (*ctl_reload_fn)(void *arg, FILE *errs);

/* ctl_open: listen on path (mode 0660, its directory created 0755 when missing, a stale
 * socket replaced) for agent a on loop l; reload may be NULL (agent_reload is used). The
 * caller frees the server with ctl_close(). NULL, after logging, on failure. */
struct ctl *ctl_open(
    struct loop *l, struct agent *a, const char *path, ctl_reload_fn reload, void *arg);

/* ctl_close: drop every client, close and unlink the socket, free; NULL ok. */
void ctl_close(struct ctl *c);

/* ctl_handle: run one request line (without its newline) against a and write the one-line
 * JSON reply, newline included, to out; the pure core of the server. */
void ctl_handle(struct agent *a, const char *line, FILE *out, ctl_reload_fn reload, void *arg);

#endif
