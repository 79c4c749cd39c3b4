/* privdrop: pharosd's switch to an unprivileged user once it is set up. */
#ifndef PHAROS_AGENT_PRIVDROP_H
#define PHAROS_AGENT_PRIVDROP_H

#include <stdint.h>

#include "agent/config.h"

/* The capabilities pharosd keeps: CAP_NET_ADMIN (addresses over netlink) and
 * CAP_NET_BIND_SERVICE (a passive peer's listener on port 179, which a reload may add). */
uint64_t agent_privdrop_caps(void);

/* agent_privdrop: call after agent_start(). With [agent] user set: hand state_dir and the
 * control socket's directory to that user, switch to it and keep only
 * agent_privdrop_caps(). Without it: as root, nothing changes; as another user (systemd's
 * User=), the capabilities are still narrowed and the ambient ones cleared, so probes and
 * on_change programs run with none. 0, or -1 (logged). */
int agent_privdrop(const struct cfg *cfg);

#endif
