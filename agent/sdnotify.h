/* sdnotify: the systemd notify protocol without libsystemd: datagrams to $NOTIFY_SOCKET
 * (a path, or @name for the abstract namespace). READY=1 once the loop runs, STATUS=
 * with the agent's one-line summary when it changes, WATCHDOG=1 at half of
 * $WATCHDOG_USEC, RELOADING=1 / READY=1 around reloads, STOPPING=1 on the way out. */
#ifndef PHAROS_SDNOTIFY_H
#define PHAROS_SDNOTIFY_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "agent/agent.h"
#include "lib/loop.h"

#define SDNOTIFY_STATUS_EVERY SEC(2) /* how often STATUS= is compared and resent */

struct sdnotify;

/* sdnotify_addr: the socket address for a $NOTIFY_SOCKET value ("/path" or "@name");
 * the address length, or 0 when the value is unusable. */
socklen_t sdnotify_addr(const char *env, struct sockaddr_un *sun);

/* sdnotify_watchdog_usec: the watchdog period from $WATCHDOG_USEC when $WATCHDOG_PID is
 * unset or ours, else 0. */
usec_t sdnotify_watchdog_usec(void);

/* sdnotify_open: when $NOTIFY_SOCKET is set, a notifier for agent a on loop l that sends
 * READY=1 from the first loop turn; NULL when not under systemd (every other call
 * accepts NULL). The caller frees it with sdnotify_close(). */
struct sdnotify *sdnotify_open(struct loop *l, struct agent *a);

/* sdnotify_send: send one notification (lines "KEY=VALUE"); 0 or -1. */
int sdnotify_send(struct sdnotify *n, const char *msg);

/* sdnotify_reloading / sdnotify_ready / sdnotify_stopping: the lifecycle messages. */
void sdnotify_reloading(struct sdnotify *n);
void sdnotify_ready(struct sdnotify *n);
void sdnotify_stopping(struct sdnotify *n);

/* sdnotify_close: stop the timers, close the socket, free; NULL ok. */
void sdnotify_close(struct sdnotify *n);

#endif
