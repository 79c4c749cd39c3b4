/* server: pharos-dnsd at run time: UDP workers (one SO_REUSEPORT socket per thread and
 * address, recvmmsg/sendmmsg), TCP and AXFR on the main loop, and zone reloads swapped in
 * with a grace period so that queries never take a lock. */
#ifndef PHAROS_DNSD_SERVER_H
#define PHAROS_DNSD_SERVER_H

#include "dnsd/conf.h"

struct dnsd_server;

/* dnsd_server_new: load every zone and bind every socket of c (borrowed; it must outlive
 * the server). The caller frees the result with dnsd_server_free(); NULL on failure. */
struct dnsd_server *dnsd_server_new(const struct dnsd_conf *c);

/* dnsd_server_run: drop privileges, start the workers and serve until SIGTERM or SIGINT
 * (SIGHUP reloads the zones); 0, or -1 on a fatal error. */
int dnsd_server_run(struct dnsd_server *s);

/* dnsd_server_free: close and free everything; NULL is fine. */
void dnsd_server_free(struct dnsd_server *s);

#endif
