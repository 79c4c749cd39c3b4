/* nl_rt: rtnetlink requests and message parsing for netlink/ (libmnl).
 *
 * The request socket is blocking with a receive timeout: it talks to the local kernel,
 * which answers at once, and a reply that is late is skipped by sequence number when it
 * finally arrives. Events use a separate non-blocking socket (nl.c). */
#include "netlink/nl_rt.h"

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "lib/util.h"

#define NL_RT_TIMEOUT_MS 2000
#define NL_RT_DUMP_TRIES 3
#define NL_RT_BUFSZ      32768 /* a page of replies is 8 KiB; dumps fill more */

struct nl_rt {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint8_t buf[NL_RT_BUFSZ];
};

typedef void (*nl_rt_msg_cb)(const struct nlmsghdr *h, void *arg);

struct nl_rt *
nl_rt_open(void)
{
	struct timeval tv = {NL_RT_TIMEOUT_MS / 1000, (NL_RT_TIMEOUT_MS % 1000) * 1000};
	struct nl_rt *rt = xcalloc(1, sizeof(*rt));
	int one = 1, saved;

	if ((rt->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)) == NULL)
		goto fail;
	if (mnl_socket_bind(rt->sock, 0, MNL_SOCKET_AUTOPID) == -1 ||
	    setsockopt(mnl_socket_get_fd(rt->sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1)
		goto fail;
	/* Short ACKs: do not echo the whole request back. */
	mnl_socket_setsockopt(rt->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	rt->portid = mnl_socket_get_portid(rt->sock);
	rt->seq = (uint32_t)time(NULL);
	return rt;
fail:
	saved = errno;
	nl_rt_close(rt);
	errno = saved;
	return NULL;
}

void
nl_rt_close(struct nl_rt *rt)
{
	if (rt == NULL)
		return;
	if (rt->sock != NULL)
		mnl_socket_close(rt->sock);
	free(rt);
}

uint32_t
nl_rt_portid(const struct nl_rt *rt)
{
	return rt->portid;
}

/* rt_reply: read replies to request seq until its ACK or NLMSG_DONE, passing the data
 * messages to cb; replies to earlier (timed out) requests are skipped. 0 or -errno. */
static int
rt_reply(struct nl_rt *rt, uint32_t seq, nl_rt_msg_cb cb, void *arg)
{
	const struct nlmsghdr *h;
	const struct nlmsgerr *err;
	bool intr = false;
	ssize_t n;
	int left;

	for (;;) {
		n = mnl_socket_recvfrom(rt->sock, rt->buf, sizeof(rt->buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		left = (int)n;
		for (h = (const struct nlmsghdr *)rt->buf; mnl_nlmsg_ok(h, left);
		     h = mnl_nlmsg_next(h, &left)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			switch (h->nlmsg_type) {
			case NLMSG_NOOP: break;
			case NLMSG_DONE: return intr ? -EINTR : 0;
			case NLMSG_ERROR:
				if (mnl_nlmsg_get_payload_len(h) < sizeof(*err))
					return -EBADMSG;
				err = mnl_nlmsg_get_payload(h);
				return err->error;
			default:
				if (cb != NULL)
					cb(h, arg);
			}
		}
	}
}

/* rt_request: send the request built in rt->buf and wait for its outcome; 0 or -errno. */
static int
rt_request(struct nl_rt *rt, struct nlmsghdr *h, nl_rt_msg_cb cb, void *arg)
{
	uint32_t seq = ++rt->seq;

	h->nlmsg_seq = seq;
	if (mnl_socket_sendto(rt->sock, h, h->nlmsg_len) == -1)
		return -errno;
	return rt_reply(rt, seq, cb, arg);
}

/* IFA_F_NODAD and IFA_F_NOPREFIXROUTE do not both fit the 8-bit ifa_flags: IFA_FLAGS. */
int
nl_rt_addr(struct nl_rt *rt, bool add, unsigned ifindex, const struct prefix *p)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(rt->buf);
	struct ifaddrmsg *ifa;
	uint32_t fl = IFA_F_NOPREFIXROUTE;
	size_t alen = p->addr.af == AF_INET ? 4 : 16;

	h->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (add)
		h->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)p->addr.af;
	ifa->ifa_prefixlen = p->len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	if (p->addr.af == AF_INET6)
		fl |= IFA_F_NODAD;
	ifa->ifa_flags = (uint8_t)(fl & 0xff);
	mnl_attr_put(h, IFA_LOCAL, alen, p->addr.u.b);
	mnl_attr_put(h, IFA_ADDRESS, alen, p->addr.u.b);
	if (add)
		mnl_attr_put_u32(h, IFA_FLAGS, fl);
	return rt_request(rt, h, NULL, NULL);
}

static int
addr_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, IFA_MAX) > 0)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

/* IPv4 names the address itself in IFA_LOCAL (IFA_ADDRESS is the peer on point-to-point
 * links); IPv6 in IFA_ADDRESS. */
int
nl_rt_parse_addr(const struct nlmsghdr *h, unsigned *ifindex, struct prefix *p)
{
	const struct nlattr *tb[IFA_MAX + 1] = {NULL};
	const struct ifaddrmsg *ifa;
	const struct nlattr *a;
	size_t alen;

	if (mnl_nlmsg_get_payload_len(h) < sizeof(*ifa))
		return -1;
	ifa = mnl_nlmsg_get_payload(h);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return -1;
	if (mnl_attr_parse(h, sizeof(*ifa), addr_attr_cb, tb) != MNL_CB_OK)
		return -1;
	alen = ifa->ifa_family == AF_INET ? 4 : 16;
	a = ifa->ifa_family == AF_INET ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (a == NULL)
		a = tb[IFA_ADDRESS] != NULL ? tb[IFA_ADDRESS] : tb[IFA_LOCAL];
	if (a == NULL || mnl_attr_get_payload_len(a) != alen || ifa->ifa_prefixlen > alen * 8)
		return -1;
	memset(p, 0, sizeof(*p));
	p->addr.af = ifa->ifa_family;
	memcpy(p->addr.u.b, mnl_attr_get_payload(a), alen);
	p->len = ifa->ifa_prefixlen;
	*ifindex = ifa->ifa_index;
	return 0;
}

struct dump {
	unsigned ifindex;
	struct prefix *v;
	size_t n;
};

static void
dump_msg(const struct nlmsghdr *h, void *arg)
{
	struct dump *d = arg;
	struct prefix p;
	unsigned ifindex;

	if (h->nlmsg_type != RTM_NEWADDR || nl_rt_parse_addr(h, &ifindex, &p) == -1 ||
	    ifindex != d->ifindex)
		return;
	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	d->v[d->n++] = p;
}

int
nl_rt_dump_addrs(struct nl_rt *rt, unsigned ifindex, struct prefix **out, size_t *n)
{
	struct dump d;
	struct nlmsghdr *h;
	struct ifaddrmsg *ifa;
	int rc = -EINTR, tries;

	for (tries = 0; tries < NL_RT_DUMP_TRIES && rc == -EINTR; tries++) {
		d = (struct dump){ifindex, NULL, 0};
		h = mnl_nlmsg_put_header(rt->buf);
		h->nlmsg_type = RTM_GETADDR;
		h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
		ifa->ifa_family = AF_UNSPEC;
		if ((rc = rt_request(rt, h, dump_msg, &d)) != 0)
			free(d.v);
	}
	if (rc != 0)
		return rc;
	*out = d.v;
	*n = d.n;
	return 0;
}

struct link_info {
	unsigned ifindex;
	unsigned flags;
	char name[IF_NAMESIZE];
};

int
nl_rt_parse_link(const struct nlmsghdr *h, unsigned *ifindex, unsigned *flags, char *name)
{
	const struct ifinfomsg *ifi;
	const struct nlattr *a;

	if (mnl_nlmsg_get_payload_len(h) < sizeof(*ifi))
		return -1;
	ifi = mnl_nlmsg_get_payload(h);
	*ifindex = (unsigned)ifi->ifi_index;
	*flags = ifi->ifi_flags;
	name[0] = '\0';
	mnl_attr_for_each(a, h, sizeof(*ifi))
	{
		if (mnl_attr_get_type(a) != IFLA_IFNAME ||
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0 ||
		    mnl_attr_get_payload_len(a) > IF_NAMESIZE)
			continue;
		memcpy(name, mnl_attr_get_str(a), mnl_attr_get_payload_len(a));
	}
	return 0;
}

static void
link_msg(const struct nlmsghdr *h, void *arg)
{
	struct link_info *li = arg;

	if (h->nlmsg_type == RTM_NEWLINK)
		nl_rt_parse_link(h, &li->ifindex, &li->flags, li->name);
}

int
nl_rt_get_link(struct nl_rt *rt, const char *ifname, unsigned *ifindex, unsigned *flags)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(rt->buf);
	struct link_info li = {0, 0, ""};
	struct ifinfomsg *ifi;
	int rc;

	h->nlmsg_type = RTM_GETLINK;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(h, IFLA_IFNAME, ifname);
	if ((rc = rt_request(rt, h, link_msg, &li)) == 0 && li.ifindex == 0)
		rc = -ENODEV;
	*ifindex = li.ifindex;
	*flags = li.flags;
	return rc;
}

int
nl_rt_create_dummy(struct nl_rt *rt, const char *ifname)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(rt->buf);
	struct ifinfomsg *ifi;
	struct nlattr *info;

	h->nlmsg_type = RTM_NEWLINK;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(h, IFLA_IFNAME, ifname);
	info = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "dummy");
	mnl_attr_nest_end(h, info);
	return rt_request(rt, h, NULL, NULL);
}
