/* nl_rt: rtnetlink requests for netlink/: one blocking socket with a receive timeout,
 * one request at a time, each answered up to its ACK or NLMSG_DONE by sequence number;
 * plus the parsers of the address and link messages that dumps and events carry. */
#ifndef PHAROS_NL_RT_H
#define PHAROS_NL_RT_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

struct nl_rt;

/* nl_rt_open: a bound request socket; the caller frees it with nl_rt_close(). NULL with
 * errno set on failure. */
struct nl_rt *nl_rt_open(void);

/* nl_rt_close: close and free rt. NULL-tolerant. */
void nl_rt_close(struct nl_rt *rt);

/* nl_rt_portid: the socket's netlink port id, which the kernel puts in the notifications
 * our requests cause. */
uint32_t nl_rt_portid(const struct nl_rt *rt);

/* nl_rt_addr: add (RTM_NEWADDR, exclusive; IPv6 with IFA_F_NODAD; always
 * IFA_F_NOPREFIXROUTE) or remove (RTM_DELADDR) host prefix p on ifindex; 0 or -errno. */
int nl_rt_addr(struct nl_rt *rt, bool add, unsigned ifindex, const struct prefix *p);

/* nl_rt_dump_addrs: every address on ifindex, as a new array *out of *n that the caller
 * frees; a dump the kernel marks interrupted is retried. 0 or -errno. */
int nl_rt_dump_addrs(struct nl_rt *rt, unsigned ifindex, struct prefix **out, size_t *n);

/* nl_rt_get_link: the index and flags (IFF_*) of interface ifname; 0 or -errno (-ENODEV
 * when there is none). */
int nl_rt_get_link(struct nl_rt *rt, const char *ifname, unsigned *ifindex, unsigned *flags);

/* nl_rt_create_dummy: create dummy interface ifname, administratively up; 0 or -errno. */
int nl_rt_create_dummy(struct nl_rt *rt, const char *ifname);

/* nl_rt_parse_addr: the interface index and prefix of an RTM_NEWADDR/RTM_DELADDR
 * message; 0, or -1 when it is malformed or not IPv4/IPv6. */
int nl_rt_parse_addr(const struct nlmsghdr *h, unsigned *ifindex, struct prefix *p);

/* nl_rt_parse_link: the index and flags of an RTM_NEWLINK/RTM_DELLINK message and, in
 * name (IF_NAMESIZE bytes), its IFLA_IFNAME or "" when absent; 0 or -1. */
int nl_rt_parse_link(const struct nlmsghdr *h, unsigned *ifindex, unsigned *flags, char *name);

#endif
