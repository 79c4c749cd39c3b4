/* nl: the anycast host addresses on one interface, reconciled over rtnetlink (libmnl).
 *
 * The caller states the desired set of host prefixes (nl_sync); nl adds what is missing,
 * adopts what was already there (and never removes it), removes what it added and is no
 * longer wanted, and puts back an address removed behind its back. What it added is
 * recorded in STATE_DIR/addresses so that a restart after a crash neither duplicates nor
 * strands addresses. An address is matched by its address alone: one already there
 * with another prefix length is adopted too. An adopted address that someone removes
 * and nl puts back is nl's own from then on. nl knows nothing of services, probes or
 * BGP: it reports upward through the nl_event_cb the agent registers. */
#ifndef PHAROS_NL_H
#define PHAROS_NL_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/addr.h"
#include "lib/loop.h"

struct nl;

enum nl_event {
	NL_EV_RESTORED,  /* a wanted address was removed externally and put back */
	NL_EV_ERROR,     /* the kernel refused to add or remove an address (err set) */
	NL_EV_LINK_GONE, /* the interface disappeared (its addresses with it) */
	NL_EV_LINK_BACK, /* the interface reappeared; wanted addresses are being restored */
	NL_EV_LINK_DOWN, /* the interface was set administratively down */
	NL_EV_LINK_UP,   /* ... and up again */
};

/* p is the address concerned (NULL for link events, borrowed); err an errno value or 0.
 * The callback runs inside nl: it must not call nl_sync() or nl_close() (arm a timer). */
typedef void (*nl_event_cb)(enum nl_event ev, const struct prefix *p, int err, void *arg);

/* One tracked address as nl_status reports it. */
struct nl_addr_status {
	struct prefix prefix;
	bool owned;   /* added by pharosd (now or by an earlier run): removed on close */
	bool adopted; /* was already there: never removed */
	bool wanted;  /* in the last nl_sync set */
	bool present; /* on the interface as far as the last event or dump says */
};

typedef void (*nl_status_cb)(const struct nl_addr_status *st, void *arg);

/* nl_open: manage the addresses of ifname (a dummy interface is created and brought up
 * when it does not exist), with ownership recorded under state_dir (created 0755 when
 * missing); events arrive through l and are reported to cb. The caller frees the result
 * with nl_close(). NULL, after logging why, on failure. */
struct nl *nl_open(
    struct loop *l, const char *ifname, const char *state_dir, nl_event_cb cb, void *arg);

/* nl_sync: make the interface carry exactly the wanted host prefixes (/32, /128; others
 * are ignored with a warning) as far as nl is concerned: add the missing ones (IPv6 with
 * NODAD, never a prefix route), adopt those already present, remove owned ones no longer
 * wanted. want is borrowed. 0, or -1 when the kernel refused something (each logged). */
int nl_sync(struct nl *nl, const struct prefix *want, size_t n);

/* nl_status: call cb for each tracked address (wanted, owned or adopted), in prefix order. */
void nl_status(const struct nl *nl, nl_status_cb cb, void *arg);

/* nl_dump: read every address now on the interface from the kernel into a new array
 * *out of *n prefixes, which the caller frees. 0, or -1 after logging. */
int nl_dump(struct nl *nl, struct prefix **out, size_t *n);

/* nl_ifname: the managed interface's name (owned by nl). */
const char *nl_ifname(const struct nl *nl);

/* nl_link_up: whether the interface exists and is administratively up. */
bool nl_link_up(const struct nl *nl);

/* nl_close: remove the owned addresses unless keep_addresses, record what remains owned,
 * and free nl and everything it holds. NULL-tolerant. */
void nl_close(struct nl *nl, bool keep_addresses);

#endif
