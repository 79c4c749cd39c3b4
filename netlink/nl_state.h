/* nl_state: the record of the addresses pharosd added, STATE_DIR/addresses, one
 * "IFNAME PREFIX" line each, rewritten atomically whenever ownership changes, so that a
 * restart after a crash knows which addresses on the interface are its own. */
#ifndef PHAROS_NL_STATE_H
#define PHAROS_NL_STATE_H

#include <net/if.h>
#include <stddef.h>

#include "lib/addr.h"

struct nl_state {
	char *dir;      /* owned */
	char **foreign; /* lines about other interfaces, kept verbatim for rewriting */
	size_t nforeign;
};

typedef void (*nl_state_cb)(const struct prefix *p, void *arg);

/* nl_state_parse_line: one line of the record into ifname and a host prefix: 1, or 0 for
 * a blank or comment line, or -1 when malformed. line is not modified. */
int nl_state_parse_line(const char *line, char ifname[IF_NAMESIZE], struct prefix *p);

/* nl_state_load: create dir (0755) when missing and read its record: cb gets each prefix
 * recorded for ifname; other interfaces' lines are kept in st (which copies dir). The
 * caller releases st with nl_state_clear(). 0, or -1 after logging. */
int nl_state_load(
    struct nl_state *st, const char *dir, const char *ifname, nl_state_cb cb, void *arg);

/* nl_state_save: replace the record with the kept lines plus "ifname v[i]" for each of the
 * n prefixes: temp file, fsync, rename, fsync of the directory. 0, or -1 after logging. */
int nl_state_save(const struct nl_state *st, const char *ifname, const struct prefix *v, size_t n);

/* nl_state_clear: free what st holds. */
void nl_state_clear(struct nl_state *st);

#endif
