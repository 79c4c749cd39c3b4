/* nl: the anycast host addresses on one interface, reconciled over rtnetlink.
 *
 * Requests go through nl_rt (a blocking socket, one request at a time); a non-blocking
 * event socket on the loop is subscribed to address and link notifications. The kernel
 * stamps a notification with the port id of the socket whose request caused it, so our
 * own changes are recognised and ignored. When the event socket overflows (ENOBUFS)
 * events were lost: a full dump re-establishes the truth. */
#include "netlink/nl.h"

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "lib/log.h"
#include "lib/util.h"
#include "netlink/nl_rt.h"
#include "netlink/nl_state.h"

#ifndef TAILQ_FOREACH_SAFE /* glibc's <sys/queue.h> lacks it */
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)                                                 \
	for ((var) = TAILQ_FIRST(head); (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);     \
	     (var) = (tvar))
#endif

#define NL_EV_RCVBUF (1024 * 1024)
#define NL_EV_READS  16    /* reads of the event socket per loop turn */
#define NL_EV_BUFSZ  32768 /* a page of messages is 8 KiB */

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
	struct nl_rt *rt;
	struct mnl_socket *ev;
	struct nl_entries entries;
	struct nl_state state;
	struct loop_timer resync;
	uint8_t evbuf[NL_EV_BUFSZ];
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

/* ---- requests, logged ---- */

/* nl_addr_add: put p on the interface; 0, or -errno after logging it (EEXIST silently). */
static int
nl_addr_add(struct nl *nl, const struct prefix *p)
{
	char s[ADDR_STRLEN];
	int rc;

	rc = nl->ifindex == 0 ? -ENODEV : nl_rt_addr(nl->rt, true, nl->ifindex, p);
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
	rc = nl_rt_addr(nl->rt, false, nl->ifindex, p);
	if (rc == -EADDRNOTAVAIL || rc == -ENOENT || rc == -ENODEV)
		rc = 0;
	if (rc == 0)
		log_info("removed %s from %s", prefix_ntop(p, s), nl->ifname);
	else
		log_warnx(
		    "cannot remove %s from %s: %s", prefix_ntop(p, s), nl->ifname, strerror(-rc));
	return rc;
}

int
nl_dump(struct nl *nl, struct prefix **out, size_t *n)
{
	int rc;

	*out = NULL;
	*n = 0;
	if (nl->ifindex == 0)
		return 0;
	if ((rc = nl_rt_dump_addrs(nl->rt, nl->ifindex, out, n)) != 0) {
		log_warnx("cannot read the addresses of %s: %s", nl->ifname, strerror(-rc));
		return -1;
	}
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

	if (nl_rt_parse_addr(h, &ifindex, &p) == -1 || ifindex != nl->ifindex || ifindex == 0)
		return;
	if ((e = entry_find(nl, &p.addr)) == NULL)
		return;
	if (h->nlmsg_type == RTM_NEWADDR) {
		e->present = true;
		return;
	}
	e->present = false;
	if (h->nlmsg_pid == nl_rt_portid(nl->rt))
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

/* ev_link: our interface disappearing, changing state, or (by name) coming back. */
static void
ev_link(struct nl *nl, const struct nlmsghdr *h)
{
	char name[IF_NAMESIZE];
	unsigned ifindex, flags;
	struct nl_entry *e;

	if (nl_rt_parse_link(h, &ifindex, &flags, name) == -1)
		return;
	if (nl->ifindex != 0 && ifindex == nl->ifindex) {
		if (h->nlmsg_type == RTM_NEWLINK) {
			ev_link_flags(nl, flags);
			return;
		}
		log_warnx("interface %s disappeared", nl->ifname);
		nl->ifindex = 0;
		TAILQ_FOREACH(e, &nl->entries, link)
		{
			e->present = false;
		}
		nl_report(nl, NL_EV_LINK_GONE, NULL, 0);
		return;
	}
	if (h->nlmsg_type != RTM_NEWLINK || nl->ifindex != 0 || strcmp(name, nl->ifname) != 0)
		return;
	nl->ifindex = ifindex;
	nl->up = (flags & IFF_UP) != 0;
	log_info("interface %s is back, restoring its addresses", nl->ifname);
	nl_report(nl, NL_EV_LINK_BACK, NULL, 0);
	loop_timer_set(nl->loop, &nl->resync, 0);
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

/* nl_sockets: the request channel and the event socket, registered on the loop. */
static int
nl_sockets(struct nl *nl)
{
	static const int groups[] = {RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR};
	int fd, g, bufsz = NL_EV_RCVBUF;
	size_t i;

	if ((nl->rt = nl_rt_open()) == NULL ||
	    (nl->ev = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK)) == NULL ||
	    mnl_socket_bind(nl->ev, 0, MNL_SOCKET_AUTOPID) == -1) {
		log_warn("cannot open a netlink socket");
		return -1;
	}
	for (i = 0; i < nitems(groups); i++) {
		g = groups[i];
		if (mnl_socket_setsockopt(nl->ev, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) == -1) {
			log_warn("cannot subscribe to netlink group %d", g);
			return -1;
		}
	}
	/* Fewer overflows; an overflow costs a full dump, not correctness. */
	fd = mnl_socket_get_fd(nl->ev);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	if (loop_fd_add(nl->loop, fd, EPOLLIN, ev_read, nl) == -1) {
		log_warn("cannot watch the netlink event socket");
		return -1;
	}
	return 0;
}

/* nl_find_link: our interface's index, creating a dummy one when it is missing. */
static int
nl_find_link(struct nl *nl)
{
	unsigned flags;
	int rc;

	if ((rc = nl_rt_get_link(nl->rt, nl->ifname, &nl->ifindex, &flags)) == -ENODEV) {
		if ((rc = nl_rt_create_dummy(nl->rt, nl->ifname)) != 0 && rc != -EEXIST) {
			log_warnx(
			    "cannot create dummy interface %s: %s", nl->ifname, strerror(-rc));
			return -1;
		}
		log_info("created dummy interface %s", nl->ifname);
		rc = nl_rt_get_link(nl->rt, nl->ifname, &nl->ifindex, &flags);
	}
	if (rc != 0) {
		log_warnx("cannot find interface %s: %s", nl->ifname, strerror(-rc));
		return -1;
	}
	nl->up = (flags & IFF_UP) != 0;
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
	if (!keep_addresses && nl->rt != NULL) {
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
	nl_rt_close(nl->rt);
	while ((e = TAILQ_FIRST(&nl->entries)) != NULL)
		entry_free(nl, e);
	nl_state_clear(&nl->state);
	free(nl);
}
