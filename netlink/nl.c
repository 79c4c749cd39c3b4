/* nl: the anycast host addresses on one interface, reconciled over rtnetlink.
 *
 * Two sockets: a blocking request socket (with a receive timeout) that sends one request
 * at a time and reads its reply up to the ACK or NLMSG_DONE by sequence number, and a
 * non-blocking event socket on the loop subscribed to address and link notifications.
 * The kernel stamps a notification with the port id of the socket whose request caused
 * it, so our own changes are recognised and ignored. When the event socket overflows
 * (ENOBUFS) events were lost: a full dump re-establishes the truth. */
#include "netlink/nl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "lib/log.h"
#include "lib/util.h"
#include "netlink/nl_state.h"

#ifndef TAILQ_FOREACH_SAFE /* glibc's <sys/queue.h> lacks it */
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)                                                 \
	for ((var) = TAILQ_FIRST(head); (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);     \
	     (var) = (tvar))
#endif

#define NL_REQ_TIMEOUT_MS 2000
#define NL_EV_RCVBUF      (1024 * 1024)
#define NL_EV_READS       16 /* reads of the event socket per loop turn */
#define NL_DUMP_TRIES     3
#define NL_BUFSZ          32768 /* a page of replies is 8 KiB; dumps fill more */

enum nl_own {
	NL_OWN_NONE,
	NL_OWN_OWNED,
	NL_OWN_ADOPTED,
};

struct nl_entry {
	TAILQ_ENTRY(nl_entry) link;
	struct prefix pfx;
	enum nl_own own;
	bool wanted;
	bool present;
};

TAILQ_HEAD(nl_entries, nl_entry);

struct nl {
	struct loop *loop;
	char ifname[IF_NAMESIZE];
	unsigned ifindex; /* 0 while the interface is gone */
	bool up;          /* IFF_UP */
	nl_event_cb cb;
	void *arg;
	struct mnl_socket *req, *ev;
	uint32_t req_portid;
	uint32_t seq;
	struct nl_entries entries;
	struct nl_state state;
	struct loop_timer resync;
	uint8_t buf[NL_BUFSZ];   /* requests and their replies */
	uint8_t evbuf[NL_BUFSZ]; /* events being handled, which may make requests */
};

/* ---- tracked addresses ---- */

static struct nl_entry *
entry_find(const struct nl *nl, const struct addr *a)
{
	struct nl_entry *e;

	TAILQ_FOREACH(e, &nl->entries, link)
	{
		if (addr_eq(&e->pfx.addr, a))
			return e;
	}
	return NULL;
}

/* entry_get: find or insert, keeping the list in prefix order for nl_status. */
static struct nl_entry *
entry_get(struct nl *nl, const struct prefix *p)
{
	struct nl_entry *e, *at;

	if ((e = entry_find(nl, &p->addr)) != NULL)
		return e;
	e = xcalloc(1, sizeof(*e));
	e->pfx = *p;
	TAILQ_FOREACH(at, &nl->entries, link)
	{
		if (prefix_cmp(p, &at->pfx) < 0)
			break;
	}
	if (at != NULL)
		TAILQ_INSERT_BEFORE(at, e, link);
	else
		TAILQ_INSERT_TAIL(&nl->entries, e, link);
	return e;
}

static void
entry_free(struct nl *nl, struct nl_entry *e)
{
	TAILQ_REMOVE(&nl->entries, e, link);
	free(e);
}

static void
nl_report(struct nl *nl, enum nl_event ev, const struct prefix *p, int err)
{
	if (nl->cb != NULL)
		nl->cb(ev, p, err, nl->arg);
}

/* ---- the ownership record ---- */

static void
state_owned(const struct prefix *p, void *arg)
{
	struct nl *nl = arg;

	entry_get(nl, p)->own = NL_OWN_OWNED;
}

/* state_save: record the owned addresses (called whenever ownership changed). */
static int
state_save(const struct nl *nl)
{
	struct prefix *v = NULL;
	struct nl_entry *e;
	size_t n = 0;
	int rc;

	TAILQ_FOREACH(e, &nl->entries, link)
	{
		if (e->own == NL_OWN_OWNED) {
			v = xreallocarray(v, n + 1, sizeof(*v));
			v[n++] = e->pfx;
		}
	}
	rc = nl_state_save(&nl->state, nl->ifname, v, n);
	free(v);
	return rc;
}

/* ---- requests ---- */

typedef void (*nl_msg_cb)(struct nl *nl, const struct nlmsghdr *h, void *arg);

/* nl_reply: read replies to request seq until its ACK or NLMSG_DONE, passing the data
 * messages to cb; replies to earlier (timed out) requests are skipped. 0 or -errno. */
static int
nl_reply(struct nl *nl, uint32_t seq, nl_msg_cb cb, void *arg)
{
	const struct nlmsghdr *h;
	const struct nlmsgerr *err;
	bool intr = false;
	ssize_t n;
	int left;

	for (;;) {
		n = mnl_socket_recvfrom(nl->req, nl->buf, sizeof(nl->buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		left = (int)n;
		for (h = (const struct nlmsghdr *)nl->buf; mnl_nlmsg_ok(h, left);
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
					cb(nl, h, arg);
			}
		}
	}
}

/* nl_request: send the request in nl->buf and wait for its outcome; 0 or -errno. */
static int
nl_request(struct nl *nl, struct nlmsghdr *h, nl_msg_cb cb, void *arg)
{
	uint32_t seq = ++nl->seq;

	h->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->req, h, h->nlmsg_len) == -1)
		return -errno;
	return nl_reply(nl, seq, cb, arg);
}

/* nl_addr_msg: an RTM_NEWADDR/RTM_DELADDR request for p on our interface.
 * IFA_F_NODAD and IFA_F_NOPREFIXROUTE do not fit the 8-bit ifa_flags: IFA_FLAGS. */
static struct nlmsghdr *
nl_addr_msg(struct nl *nl, uint16_t type, uint16_t flags, const struct prefix *p)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(nl->buf);
	struct ifaddrmsg *ifa;
	uint32_t fl = IFA_F_NOPREFIXROUTE;
	size_t alen = p->addr.af == AF_INET ? 4 : 16;

	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)p->addr.af;
	ifa->ifa_prefixlen = p->len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = nl->ifindex;
	if (p->addr.af == AF_INET6)
		fl |= IFA_F_NODAD;
	ifa->ifa_flags = (uint8_t)(fl & 0xff);
	mnl_attr_put(h, IFA_LOCAL, alen, p->addr.u.b);
	mnl_attr_put(h, IFA_ADDRESS, alen, p->addr.u.b);
	if (type == RTM_NEWADDR)
		mnl_attr_put_u32(h, IFA_FLAGS, fl);
	return h;
}

/* nl_addr_add: put p on the interface; 0, or -errno after logging it. */
static int
nl_addr_add(struct nl *nl, const struct prefix *p)
{
	char s[ADDR_STRLEN];
	int rc;

	if (nl->ifindex == 0)
		rc = -ENODEV;
	else
		rc = nl_request(
		    nl, nl_addr_msg(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, p), NULL, NULL);
	if (rc == 0)
		log_info("added %s to %s", prefix_ntop(p, s), nl->ifname);
	else if (rc != -EEXIST)
		log_warnx("cannot add %s to %s: %s", prefix_ntop(p, s), nl->ifname, strerror(-rc));
	return rc;
}

/* nl_addr_del: remove p from the interface; an address already gone counts as removed. */
static int
nl_addr_del(struct nl *nl, const struct prefix *p)
{
	char s[ADDR_STRLEN];
	int rc;

	if (nl->ifindex == 0)
		return 0;
	rc = nl_request(nl, nl_addr_msg(nl, RTM_DELADDR, 0, p), NULL, NULL);
	if (rc == -EADDRNOTAVAIL || rc == -ENOENT || rc == -ENODEV)
		rc = 0;
	if (rc == 0)
		log_info("removed %s from %s", prefix_ntop(p, s), nl->ifname);
	else
		log_warnx(
		    "cannot remove %s from %s: %s", prefix_ntop(p, s), nl->ifname, strerror(-rc));
	return rc;
}

/* ---- parsing kernel messages ---- */

static int
attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, IFA_MAX) > 0)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

/* msg_addr: the interface index and address of an RTM_NEWADDR/RTM_DELADDR message;
 * IPv4 names its own address in IFA_LOCAL (IFA_ADDRESS is the peer on point-to-point). */
static int
msg_addr(const struct nlmsghdr *h, unsigned *ifindex, struct prefix *p)
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
	if (mnl_attr_parse(h, sizeof(*ifa), attr_cb, tb) != MNL_CB_OK)
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

/* ---- dumps ---- */

struct dump {
	struct prefix *v;
	size_t n;
};

static void
dump_msg(struct nl *nl, const struct nlmsghdr *h, void *arg)
{
	struct dump *d = arg;
	struct prefix p;
	unsigned ifindex;

	if (h->nlmsg_type != RTM_NEWADDR || msg_addr(h, &ifindex, &p) == -1 ||
	    ifindex != nl->ifindex)
		return;
	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	d->v[d->n++] = p;
}

int
nl_dump(struct nl *nl, struct prefix **out, size_t *n)
{
	struct dump d;
	struct nlmsghdr *h;
	struct ifaddrmsg *ifa;
	int rc = -EINTR, tries;

	for (tries = 0; tries < NL_DUMP_TRIES && rc == -EINTR; tries++) {
		d = (struct dump){NULL, 0};
		h = mnl_nlmsg_put_header(nl->buf);
		h->nlmsg_type = RTM_GETADDR;
		h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
		ifa->ifa_family = AF_UNSPEC;
		if (nl->ifindex == 0)
			rc = 0;
		else if ((rc = nl_request(nl, h, dump_msg, &d)) != 0)
			free(d.v);
	}
	if (rc != 0) {
		log_warnx("cannot read the addresses of %s: %s", nl->ifname, strerror(-rc));
		return -1;
	}
	*out = d.v;
	*n = d.n;
	return 0;
}

static bool
dump_has(const struct prefix *v, size_t n, const struct addr *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (addr_eq(&v[i].addr, a))
			return true;
	return false;
}

/* nl_refresh: set each entry's present flag from a fresh dump; 0 or -1. */
static int
nl_refresh(struct nl *nl)
{
	struct prefix *v;
	struct nl_entry *e;
	size_t n;

	if (nl_dump(nl, &v, &n) == -1)
		return -1;
	TAILQ_FOREACH(e, &nl->entries, link)
	{
		e->present = dump_has(v, n, &e->pfx.addr);
	}
	free(v);
	return 0;
}

/* ---- reconciling ---- */

/* nl_ensure: a wanted entry that is not on the interface: (re)add it; what we add is
 * ours. An owned or adopted one was there and vanished: someone removed it. */
static int
nl_ensure(struct nl *nl, struct nl_entry *e)
{
	bool restore = e->own != NL_OWN_NONE;
	char s[ADDR_STRLEN];
	int rc;

	if (restore)
		log_warnx("address %s removed from %s externally, restoring",
		    prefix_ntop(&e->pfx, s), nl->ifname);
	rc = nl_addr_add(nl, &e->pfx);
	if (rc == -EEXIST) {
		/* Someone put it back first (or the event was stale): it is there. */
		e->present = true;
		if (e->own == NL_OWN_NONE)
			e->own = NL_OWN_ADOPTED;
		return 0;
	}
	if (rc != 0) {
		nl_report(nl, NL_EV_ERROR, &e->pfx, -rc);
		return -1;
	}
	e->present = true;
	e->own = NL_OWN_OWNED;
	if (restore)
		nl_report(nl, NL_EV_RESTORED, &e->pfx, 0);
	return 0;
}

/* nl_reconcile: act on the difference between the entries' wanted and present flags;
 * *changed is set when ownership changed (the state file must be rewritten). */
static int
nl_reconcile(struct nl *nl, bool *changed)
{
	struct nl_entry *e, *next;
	char s[ADDR_STRLEN];
	enum nl_own was;
	int rc = 0, r;

	TAILQ_FOREACH_SAFE(e, &nl->entries, link, next)
	{
		was = e->own;
		if (e->wanted && e->present && e->own == NL_OWN_NONE) {
			log_info("adopting %s already on %s", prefix_ntop(&e->pfx, s), nl->ifname);
			e->own = NL_OWN_ADOPTED;
		} else if (e->wanted && !e->present) {
			if (nl_ensure(nl, e) == -1)
				rc = -1;
		} else if (!e->wanted && e->own == NL_OWN_OWNED && e->present) {
			if ((r = nl_addr_del(nl, &e->pfx)) != 0) {
				nl_report(nl, NL_EV_ERROR, &e->pfx, -r);
				rc = -1;
				continue;
			}
			e->own = NL_OWN_NONE;
		} else if (!e->wanted) {
			e->own = NL_OWN_NONE;
		}
		if ((was == NL_OWN_OWNED) != (e->own == NL_OWN_OWNED))
			*changed = true;
		if (!e->wanted && e->own == NL_OWN_NONE)
			entry_free(nl, e);
	}
	return rc;
}

int
nl_sync(struct nl *nl, const struct prefix *want, size_t n)
{
	struct nl_entry *e;
	bool changed = false;
	char s[ADDR_STRLEN];
	size_t i;
	int rc;

	TAILQ_FOREACH(e, &nl->entries, link)
	{
		e->wanted = false;
	}
	for (i = 0; i < n; i++) {
		if (!prefix_is_host(&want[i])) {
			log_warnx("not putting %s on %s: not a host prefix",
			    prefix_ntop(&want[i], s), nl->ifname);
			continue;
		}
		entry_get(nl, &want[i])->wanted = true;
	}
	rc = nl_refresh(nl);
	if (nl_reconcile(nl, &changed) == -1)
		rc = -1;
	if (changed && state_save(nl) == -1)
		rc = -1;
	return rc;
}

/* nl_resync: after lost events or the interface's return, re-read and repair. */
static void
nl_resync(void *arg)
{
	struct nl *nl = arg;
	bool changed = false;

	if (nl_refresh(nl) == -1)
		return;
	nl_reconcile(nl, &changed);
	if (changed)
		state_save(nl);
}

/* ---- events ---- */

static void
ev_addr(struct nl *nl, const struct nlmsghdr *h)
{
	struct nl_entry *e;
	struct prefix p;
	unsigned ifindex;
	bool changed = false;

	if (msg_addr(h, &ifindex, &p) == -1 || ifindex != nl->ifindex || ifindex == 0)
		return;
	if ((e = entry_find(nl, &p.addr)) == NULL)
		return;
	if (h->nlmsg_type == RTM_NEWADDR) {
		e->present = true;
		return;
	}
	e->present = false;
	if (h->nlmsg_pid == nl->req_portid)
		return; /* our own removal */
	if (e->wanted) {
		changed = e->own != NL_OWN_OWNED;
		nl_ensure(nl, e);
		changed = changed && e->own == NL_OWN_OWNED;
	} else if (e->own == NL_OWN_OWNED) {
		e->own = NL_OWN_NONE;
		entry_free(nl, e);
		changed = true;
	}
	if (changed)
		state_save(nl);
}

/* ev_link_flags: an administrative up/down change of our interface. */
static void
ev_link_flags(struct nl *nl, unsigned flags)
{
	bool up = (flags & IFF_UP) != 0;

	if (up == nl->up)
		return;
	nl->up = up;
	if (up)
		log_info("interface %s is up", nl->ifname);
	else
		log_warnx("interface %s went down", nl->ifname);
	nl_report(nl, up ? NL_EV_LINK_UP : NL_EV_LINK_DOWN, NULL, 0);
}

static void
ev_link(struct nl *nl, const struct nlmsghdr *h)
{
	const struct ifinfomsg *ifi;
	struct nl_entry *e;
	const char *name;
	struct nlattr *a;

	if (mnl_nlmsg_get_payload_len(h) < sizeof(*ifi))
		return;
	ifi = mnl_nlmsg_get_payload(h);
	if (h->nlmsg_type == RTM_DELLINK && nl->ifindex != 0 &&
	    (unsigned)ifi->ifi_index == nl->ifindex) {
		log_warnx("interface %s disappeared", nl->ifname);
		nl->ifindex = 0;
		TAILQ_FOREACH(e, &nl->entries, link)
		{
			e->present = false;
		}
		nl_report(nl, NL_EV_LINK_GONE, NULL, 0);
		return;
	}
	if (h->nlmsg_type == RTM_NEWLINK && nl->ifindex != 0 &&
	    (unsigned)ifi->ifi_index == nl->ifindex) {
		ev_link_flags(nl, ifi->ifi_flags);
		return;
	}
	if (h->nlmsg_type != RTM_NEWLINK || nl->ifindex != 0)
		return;
	mnl_attr_for_each(a, h, sizeof(*ifi))
	{
		if (mnl_attr_get_type(a) != IFLA_IFNAME ||
		    mnl_attr_validate(a, MNL_TYPE_STRING) < 0)
			continue;
		name = mnl_attr_get_str(a);
		if (strcmp(name, nl->ifname) != 0)
			return;
		nl->ifindex = (unsigned)ifi->ifi_index;
		nl->up = (ifi->ifi_flags & IFF_UP) != 0;
		log_info("interface %s is back, restoring its addresses", nl->ifname);
		nl_report(nl, NL_EV_LINK_BACK, NULL, 0);
		loop_timer_set(nl->loop, &nl->resync, 0);
		return;
	}
}

static void
ev_msgs(struct nl *nl, ssize_t n)
{
	const struct nlmsghdr *h;
	int left = (int)n;

	for (h = (const struct nlmsghdr *)nl->evbuf; mnl_nlmsg_ok(h, left);
	     h = mnl_nlmsg_next(h, &left)) {
		switch (h->nlmsg_type) {
		case RTM_NEWADDR:
		case RTM_DELADDR: ev_addr(nl, h); break;
		case RTM_NEWLINK:
		case RTM_DELLINK: ev_link(nl, h); break;
		default: break;
		}
	}
}

static void
ev_read(int fd, uint32_t events, void *arg)
{
	struct nl *nl = arg;
	ssize_t n;
	int i;

	UNUSED(fd);
	UNUSED(events);
	for (i = 0; i < NL_EV_READS; i++) {
		n = mnl_socket_recvfrom(nl->ev, nl->evbuf, sizeof(nl->evbuf));
		if (n == -1 && errno == ENOBUFS) {
			log_warnx("address events of %s were lost, re-reading them", nl->ifname);
			loop_timer_set(nl->loop, &nl->resync, 0);
			continue;
		}
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("netlink event socket");
			return;
		}
		ev_msgs(nl, n);
	}
}

/* ---- opening and closing ---- */

static struct mnl_socket *
sock_open(int flags, uint32_t *portid)
{
	struct mnl_socket *s;
	int one = 1;

	if ((s = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | flags)) == NULL)
		return NULL;
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) == -1) {
		mnl_socket_close(s);
		return NULL;
	}
	/* Short ACKs: do not echo the whole request back. */
	mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &one, sizeof(one));
	if (portid != NULL)
		*portid = mnl_socket_get_portid(s);
	return s;
}

static int
nl_sockets(struct nl *nl)
{
	static int groups[] = {RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR};
	struct timeval tv = {NL_REQ_TIMEOUT_MS / 1000, (NL_REQ_TIMEOUT_MS % 1000) * 1000};
	int fd, bufsz = NL_EV_RCVBUF;
	size_t i;

	if ((nl->req = sock_open(0, &nl->req_portid)) == NULL ||
	    (nl->ev = sock_open(SOCK_NONBLOCK, NULL)) == NULL) {
		log_warn("cannot open a netlink socket");
		return -1;
	}
	fd = mnl_socket_get_fd(nl->req);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1) {
		log_warn("netlink request socket timeout");
		return -1;
	}
	for (i = 0; i < nitems(groups); i++) {
		if (mnl_socket_setsockopt(
		        nl->ev, NETLINK_ADD_MEMBERSHIP, &groups[i], sizeof(groups[i])) == -1) {
			log_warn("cannot subscribe to netlink group %d", groups[i]);
			return -1;
		}
	}
	fd = mnl_socket_get_fd(nl->ev);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	if (loop_fd_add(nl->loop, fd, EPOLLIN, ev_read, nl) == -1) {
		log_warn("cannot watch the netlink event socket");
		return -1;
	}
	return 0;
}

/* nl_create_dummy: RTM_NEWLINK for a new dummy interface named ifname, up. */
static int
nl_create_dummy(struct nl *nl)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(nl->buf);
	struct ifinfomsg *ifi;
	struct nlattr *info;
	int rc;

	h->nlmsg_type = RTM_NEWLINK;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(h, IFLA_IFNAME, nl->ifname);
	info = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "dummy");
	mnl_attr_nest_end(h, info);
	if ((rc = nl_request(nl, h, NULL, NULL)) != 0 && rc != -EEXIST) {
		log_warnx("cannot create dummy interface %s: %s", nl->ifname, strerror(-rc));
		return -1;
	}
	if (rc == 0)
		log_info("created dummy interface %s", nl->ifname);
	return 0;
}

struct link_info {
	unsigned ifindex;
	unsigned flags;
};

static void
link_msg(struct nl *nl, const struct nlmsghdr *h, void *arg)
{
	struct link_info *li = arg;
	const struct ifinfomsg *ifi;

	UNUSED(nl);
	if (h->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(h) < sizeof(*ifi))
		return;
	ifi = mnl_nlmsg_get_payload(h);
	li->ifindex = (unsigned)ifi->ifi_index;
	li->flags = ifi->ifi_flags;
}

/* nl_get_link: the index and flags of our interface; 0, or -errno (-ENODEV: missing). */
static int
nl_get_link(struct nl *nl, struct link_info *li)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(nl->buf);
	struct ifinfomsg *ifi;
	int rc;

	h->nlmsg_type = RTM_GETLINK;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(h, IFLA_IFNAME, nl->ifname);
	memset(li, 0, sizeof(*li));
	if ((rc = nl_request(nl, h, link_msg, li)) == 0 && li->ifindex == 0)
		rc = -ENODEV;
	return rc;
}

/* nl_find_link: our interface's index, creating a dummy one when it is missing. */
static int
nl_find_link(struct nl *nl)
{
	struct link_info li;
	int rc;

	if ((rc = nl_get_link(nl, &li)) == -ENODEV) {
		if (nl_create_dummy(nl) == -1)
			return -1;
		rc = nl_get_link(nl, &li);
	}
	if (rc != 0) {
		log_warnx("cannot find interface %s: %s", nl->ifname, strerror(-rc));
		return -1;
	}
	nl->ifindex = li.ifindex;
	nl->up = (li.flags & IFF_UP) != 0;
	if (!nl->up)
		log_warnx("interface %s is down: its addresses receive nothing", nl->ifname);
	return 0;
}

/* nl_adopt_state: candidates from the state file that are on the interface are owned
 * (a previous run added them); the others are forgotten. */
static void
nl_adopt_state(struct nl *nl)
{
	struct nl_entry *e, *next;
	bool changed = false;

	TAILQ_FOREACH_SAFE(e, &nl->entries, link, next)
	{
		if (!e->present) {
			entry_free(nl, e);
			changed = true;
		}
	}
	if (changed)
		state_save(nl);
}

struct nl *
nl_open(struct loop *l, const char *ifname, const char *state_dir, nl_event_cb cb, void *arg)
{
	struct nl *nl;

	if (strlen(ifname) == 0 || strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/') ||
	    strpbrk(ifname, " \t\n")) {
		log_warnx("invalid interface name \"%s\"", ifname);
		return NULL;
	}
	nl = xcalloc(1, sizeof(*nl));
	nl->loop = l;
	memcpy(nl->ifname, ifname, strlen(ifname) + 1);
	nl->cb = cb;
	nl->arg = arg;
	nl->seq = (uint32_t)time(NULL);
	TAILQ_INIT(&nl->entries);
	loop_timer_init(&nl->resync, nl_resync, nl);
	/* Subscribe before the first dump so that no change falls between the two. */
	if (nl_sockets(nl) == -1 || nl_find_link(nl) == -1 ||
	    nl_state_load(&nl->state, state_dir, ifname, state_owned, nl) == -1 ||
	    nl_refresh(nl) == -1)
		goto fail;
	nl_adopt_state(nl);
	return nl;
fail:
	nl_close(nl, true);
	return NULL;
}

const char *
nl_ifname(const struct nl *nl)
{
	return nl->ifname;
}

bool
nl_link_up(const struct nl *nl)
{
	return nl->ifindex != 0 && nl->up;
}

void
nl_status(const struct nl *nl, nl_status_cb cb, void *arg)
{
	struct nl_addr_status st;
	struct nl_entry *e;

	TAILQ_FOREACH(e, &nl->entries, link)
	{
		st.prefix = e->pfx;
		st.owned = e->own == NL_OWN_OWNED;
		st.adopted = e->own == NL_OWN_ADOPTED;
		st.wanted = e->wanted;
		st.present = e->present;
		cb(&st, arg);
	}
}

void
nl_close(struct nl *nl, bool keep_addresses)
{
	struct nl_entry *e, *next;
	bool changed = false;

	if (nl == NULL)
		return;
	if (!keep_addresses && nl->req != NULL) {
		TAILQ_FOREACH_SAFE(e, &nl->entries, link, next)
		{
			if (e->own != NL_OWN_OWNED)
				continue;
			if (nl_addr_del(nl, &e->pfx) == 0) {
				entry_free(nl, e);
				changed = true;
			}
		}
		if (changed)
			state_save(nl);
	}
	loop_timer_cancel(nl->loop, &nl->resync);
	if (nl->ev != NULL) {
		loop_fd_del(nl->loop, mnl_socket_get_fd(nl->ev));
		mnl_socket_close(nl->ev);
	}
	if (nl->req != NULL)
		mnl_socket_close(nl->req);
	while ((e = TAILQ_FIRST(&nl->entries)) != NULL)
		entry_free(nl, e);
	nl_state_clear(&nl->state);
	free(nl);
}
