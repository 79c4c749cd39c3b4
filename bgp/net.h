/* bgp/net: the socket side of BGP sessions: connecting and listening sockets with the
 * options routers use (TCP-MD5, GTSM, DSCP CS6, TCP_NODELAY). Internal to bgp/. */
#ifndef PHAROS_BGP_NET_H
#define PHAROS_BGP_NET_H

#include <stdint.h>

#include "bgp/bgp.h"
#include "lib/addr.h"

/* bgp_net_connect: a non-blocking socket to the peer with every option set before
 * connect(); returns the fd (connect in progress or done) or -1 (logged). With a
 * password, failing to set the key fails closed. */
int bgp_net_connect(const struct bgp_peer_conf *c);

/* bgp_net_connect_result: after EPOLLOUT, 0 if connected, else -1 with errno set. */
int bgp_net_connect_result(int fd);

/* bgp_net_listen: a listening socket for family af on port (IPV6_V6ONLY for IPv6);
 * -1 on error (logged). */
int bgp_net_listen(int af, const struct addr *bind_addr, uint16_t port);

/* bgp_net_listen_key: install (len > 0) or remove (len == 0) the TCP-MD5 key for peer on
 * a listener, before the peer's SYN can arrive. 0 or -1. */
int bgp_net_listen_key(int lfd, const struct addr *peer, const uint8_t *key, size_t len);

/* bgp_net_accepted: set per-peer options on an accepted socket (GTSM, DSCP, nodelay,
 * non-blocking). 0 or -1. */
int bgp_net_accepted(int fd, const struct bgp_peer_conf *c);

/* bgp_net_local: the local address of a connected socket. 0 or -1. */
int bgp_net_local(int fd, struct addr *a);

/* bgp_net_linklocal_for: the fe80:: address on the interface holding local, if any. */
int bgp_net_linklocal_for(const struct addr *local, struct addr *ll);

/* bgp_net_global6_for: a global IPv6 address on the interface holding the IPv4 address
 * local (the IPv6 next hop for IPv6 routes on an IPv4 session). */
int bgp_net_global6_for(const struct addr *local, struct addr *g6);

/* bgp_net_ipv4_for: an IPv4 address on the interface holding the IPv6 address local (the
 * NEXT_HOP for IPv4 routes on an IPv6 session). 0 or -1. */
int bgp_net_ipv4_for(const struct addr *local, struct addr *a4);

#endif
