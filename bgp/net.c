/* bgp/net: sockets for BGP sessions. */
#include "bgp/net.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"

#define DSCP_CS6 0xc0 /* routers mark BGP as network control */

static int
set_md5(int fd, const struct addr *peer, const uint8_t *key, size_t len)
{
	struct tcp_md5sig md5;
	struct endpoint e = {.addr = *peer, .port = 0};

	memset(&md5, 0, sizeof(md5));
	endpoint_to_sa(&e, (struct sockaddr_storage *)&md5.tcpm_addr);
	if (len > TCP_MD5SIG_MAXKEYLEN) {
		errno = EINVAL;
		return -1;
	}
	md5.tcpm_keylen = (uint16_t)len;
	memcpy(md5.tcpm_key, key, len);
	if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5)) == -1) {
		explicit_bzero(&md5, sizeof(md5));
		/* Removing a key that is not there is fine. */
		return len == 0 && errno == ENOENT ? 0 : -1;
	}
	explicit_bzero(&md5, sizeof(md5));
	return 0;
}

static int
set_int(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v));
}

/* RFC 5082 GTSM: send with TTL 255 and accept only 256 - hops or more. Without it, eBGP
 * sends with TTL = ebgp_multihop like routers do. */
static int
set_ttl(int fd, int af, const struct bgp_peer_conf *c)
{
	int hops = c->ebgp_multihop ? c->ebgp_multihop : 1;
	int ttl = c->ttl_security ? 255 : (c->local_as == c->remote_as ? 64 : hops);
	int v6 = af == AF_INET6;

	if (set_int(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_UNICAST_HOPS : IP_TTL, ttl) == -1)
		return -1;
	if (!c->ttl_security)
		return 0;
	return set_int(
	    fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_MINHOPCOUNT : IP_MINTTL, 256 - hops);
}

static int
set_common(int fd, int af)
{
	int v6 = af == AF_INET6;

	if (fd_nonblock_cloexec(fd) == -1)
		return -1;
	if (set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1) == -1)
		return -1;
	/* DSCP is best effort: a failure here is not worth refusing the session. */
	set_int(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_TCLASS : IP_TOS, DSCP_CS6);
	return 0;
}

int
bgp_net_connect(const struct bgp_peer_conf *c)
{
	struct endpoint re = {.addr = c->remote, .port = c->port};
	struct sockaddr_storage ss;
	socklen_t sl;
	char a[ADDR_STRLEN];
	int fd, af = c->remote.af;

	fd = socket(af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_warn("peer %s: socket", c->name);
		return -1;
	}
	if (set_common(fd, af) == -1 || set_ttl(fd, af, c) == -1) {
		log_warn("peer %s: socket options", c->name);
		goto fail;
	}
	if (c->local.af != AF_UNSPEC) {
		struct endpoint le = {.addr = c->local, .port = 0};

		set_int(fd, SOL_IP, IP_FREEBIND, 1);
		sl = endpoint_to_sa(&le, &ss);
		if (bind(fd, (struct sockaddr *)&ss, sl) == -1) {
			log_warn("peer %s: bind %s", c->name, addr_ntop(&c->local, a));
			goto fail;
		}
	}
	if (c->password_len > 0 && set_md5(fd, &c->remote, c->password, c->password_len) == -1) {
		/* Fail closed: never talk to a peer unauthenticated when a key is configured. */
		log_warn("peer %s: cannot set TCP-MD5 key, not connecting", c->name);
		goto fail;
	}
	sl = endpoint_to_sa(&re, &ss);
	if (connect(fd, (struct sockaddr *)&ss, sl) == -1 && errno != EINPROGRESS) {
		log_debug("peer %s: connect: %s", c->name, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

int
bgp_net_connect_result(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return -1;
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

int
bgp_net_listen(int af, const struct addr *bind_addr, uint16_t port)
{
	struct endpoint e = {.port = port};
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd;

	if (bind_addr != NULL && bind_addr->af == af) {
		e.addr = *bind_addr;
	} else {
		e.addr.af = (sa_family_t)af; /* the zero address: any */
	}
	fd = socket(af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_warn("bgp listener socket");
		return -1;
	}
	set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (af == AF_INET6)
		set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	/* Like FRR: a listener sends with TTL 255 so GTSM peers accept its SYN-ACK. MINTTL is
	 * per accepted socket, never on the shared listener. */
	set_int(fd, af == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP,
	    af == AF_INET6 ? IPV6_UNICAST_HOPS : IP_TTL, 255);
	sl = endpoint_to_sa(&e, &ss);
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1 || listen(fd, 16) == -1) {
		char a[ADDR_STRLEN];

		log_warn("bgp listener %s", endpoint_ntop(&e, a));
		close(fd);
		return -1;
	}
	return fd;
}

int
bgp_net_listen_key(int lfd, const struct addr *peer, const uint8_t *key, size_t len)
{
	return set_md5(lfd, peer, key, len);
}

int
bgp_net_accepted(int fd, const struct bgp_peer_conf *c)
{
	if (set_common(fd, c->remote.af) == -1 || set_ttl(fd, c->remote.af, c) == -1)
		return -1;
	return 0;
}

int
bgp_net_local(int fd, struct addr *a)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct endpoint e;

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1 ||
	    endpoint_from_sa((struct sockaddr *)&ss, &e) == -1)
		return -1;
	/* An IPv4 peer on an IPv6 socket would show up v4-mapped; we use separate sockets. */
	*a = e.addr;
	return 0;
}

/* find_on_iface: the first address of family af on the interface holding `local` that
 * satisfies want(). */
static int
find_on_iface(const struct addr *local, int af, int (*want)(const struct addr *), struct addr *out)
{
	struct ifaddrs *ifa, *i, *j;
	int rc = -1;

	if (getifaddrs(&ifa) == -1)
		return -1;
	for (i = ifa; i != NULL && rc == -1; i = i->ifa_next) {
		struct endpoint e;

		if (i->ifa_addr == NULL || endpoint_from_sa(i->ifa_addr, &e) == -1 ||
		    !addr_eq(&e.addr, local))
			continue;
		for (j = ifa; j != NULL; j = j->ifa_next) {
			if (j->ifa_addr == NULL || j->ifa_addr->sa_family != af ||
			    strcmp(j->ifa_name, i->ifa_name) != 0 ||
			    endpoint_from_sa(j->ifa_addr, &e) == -1 || !want(&e.addr))
				continue;
			*out = e.addr;
			rc = 0;
			break;
		}
	}
	freeifaddrs(ifa);
	return rc;
}

static int
is_linklocal(const struct addr *a)
{
	return addr_is_linklocal(a);
}

static int
is_global6(const struct addr *a)
{
	return a->af == AF_INET6 && !addr_is_linklocal(a) && !IN6_IS_ADDR_LOOPBACK(&a->u.v6) &&
	       !IN6_IS_ADDR_V4MAPPED(&a->u.v6) && !IN6_IS_ADDR_UNSPECIFIED(&a->u.v6);
}

int
bgp_net_linklocal_for(const struct addr *local, struct addr *ll)
{
	return find_on_iface(local, AF_INET6, is_linklocal, ll);
}

int
bgp_net_global6_for(const struct addr *local, struct addr *g6)
{
	return find_on_iface(local, AF_INET6, is_global6, g6);
}

static int
is_ipv4(const struct addr *a)
{
	return a->af == AF_INET && a->u.v4.s_addr != htonl(INADDR_ANY) &&
	       (ntohl(a->u.v4.s_addr) >> 24) != 127;
}

int
bgp_net_ipv4_for(const struct addr *local, struct addr *a4)
{
	return find_on_iface(local, AF_INET, is_ipv4, a4);
}
