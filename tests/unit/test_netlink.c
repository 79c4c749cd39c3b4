/* test_netlink: netlink/ against the real kernel, each test in a fresh private network
 * namespace (unshare(CLONE_NEWNET) in the setup). Needs root: skipped otherwise, failed
 * when CI=true. Addresses are checked both with nl_dump and with `ip -j addr show`. */
#define _GNU_SOURCE /* unshare(2) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "lib/addr.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mono.h"
#include "lib/util.h"
#include "netlink/nl.h"
#include "netlink/nl_rt.h"
#include "netlink/nl_state.h"

struct t {
	struct loop *l;
	char dir[64];   /* temporary directory, removed by the teardown */
	char state[96]; /* dir/state: does not exist before the test */
	int events[NL_EV_LINK_UP + 1];
	struct prefix last;
	int last_err;
	int saved_stderr; /* while capturing */
	char capture[96];
};

static const char *A4 = "192.0.2.53/32";
static const char *B4 = "192.0.2.55/32";
static const char *A6 = "2001:db8::53/128";

static struct prefix
P(const char *s) {
	struct prefix p;
	const char *why;

	assert_int_equal(prefix_parse(s, &p, &why), 0);
	return p;
}

static void
on_event(enum nl_event ev, const struct prefix *p, int err, void *arg)
{
	struct t *t = arg;

	t->events[ev]++;
	if (p != NULL)
		t->last = *p;
	t->last_err = err;
}

static int sh(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* sh: run a shell command (ip ...) in the test's namespace; its exit status. */
static int
sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* cmd_out: the whole output of a command; the caller frees it. */
static char *
cmd_out(const char *cmd)
{
	char *s = NULL;
	size_t len = 0, n;
	char chunk[4096];
	FILE *f = popen(cmd, "r");

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		s = xreallocarray(s, len + n + 1, 1);
		memcpy(s + len, chunk, n);
		len += n;
	}
	pclose(f);
	if (s == NULL)
		s = xstrdup("");
	s[len] = '\0';
	return s;
}

static int
count_str(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* ip_count: how many times `ip -j addr show dev DEV` lists prefix s ("A/LEN"). */
static int
ip_count(const char *dev, const char *s)
{
	char cmd[128], needle[128], addr[ADDR_STRLEN];
	const char *slash = strchr(s, '/');
	char *out;
	int n;

	snprintf(addr, sizeof(addr), "%.*s", (int)(slash - s), s);
	snprintf(needle, sizeof(needle), "\"local\":\"%s\",\"prefixlen\":%s", addr, slash + 1);
	snprintf(cmd, sizeof(cmd), "ip -j addr show dev %s 2>/dev/null", dev);
	out = cmd_out(cmd);
	n = count_str(out, needle);
	free(out);
	return n;
}

/* dump_count: how many times nl_dump lists prefix s. */
static int
dump_count(struct nl *nl, const char *s)
{
	struct prefix *v, p = P(s);
	size_t n, i;
	int c = 0;

	assert_int_equal(nl_dump(nl, &v, &n), 0);
	for (i = 0; i < n; i++)
		if (prefix_eq(&v[i], &p))
			c++;
	free(v);
	return c;
}

struct find {
	struct prefix p;
	struct nl_addr_status st;
	int found;
};

static void
find_cb(const struct nl_addr_status *st, void *arg)
{
	struct find *f = arg;

	if (prefix_eq(&st->prefix, &f->p)) {
		f->st = *st;
		f->found++;
	}
}

/* status_of: nl_status's record of s; fails the test when absent. */
static struct nl_addr_status
status_of(struct nl *nl, const char *s)
{
	struct find f = {.p = P(s)};

	nl_status(nl, find_cb, &f);
	assert_int_equal(f.found, 1);
	return f.st;
}

static int
status_count(struct nl *nl, const char *s)
{
	struct find f = {.p = P(s)};

	nl_status(nl, find_cb, &f);
	return f.found;
}

/* run_until: run the loop until *counter reaches want or max_ms passes. */
static void
run_until(struct t *t, const int *counter, int want, int max_ms)
{
	usec_t end = mono_now() + MSEC(max_ms);

	while (*counter < want && mono_now() < end)
		loop_run_once(t->l, MSEC(20));
}

static void
run_for(struct t *t, int ms)
{
	usec_t end = mono_now() + MSEC(ms);

	while (mono_now() < end)
		loop_run_once(t->l, MSEC(20));
}

static char *
read_file(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "cat %s 2>/dev/null", path);
	return cmd_out(cmd);
}

static char *
state_file(struct t *t)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/addresses", t->state);
	return read_file(path);
}

/* capture_start/capture_end: collect what the module logs to stderr meanwhile. */
static void
capture_start(struct t *t)
{
	int fd;

	snprintf(t->capture, sizeof(t->capture), "%s/stderr", t->dir);
	fflush(stderr);
	fd = open(t->capture, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	t->saved_stderr = dup(2);
	dup2(fd, 2);
	close(fd);
}

static char *
capture_end(struct t *t)
{
	fflush(stderr);
	dup2(t->saved_stderr, 2);
	close(t->saved_stderr);
	return read_file(t->capture);
}

static struct nl *
open_lo(struct t *t)
{
	struct nl *nl = nl_open(t->l, "lo", t->state, on_event, t);

	assert_non_null(nl);
	return nl;
}

static void
sync_strs(struct nl *nl, int want_rc, size_t n, ...)
{
	struct prefix v[8];
	va_list ap;
	size_t i;

	assert_true(n <= nitems(v));
	va_start(ap, n);
	for (i = 0; i < n; i++)
		v[i] = P(va_arg(ap, const char *));
	va_end(ap);
	assert_int_equal(nl_sync(nl, v, n), want_rc);
}

/* ---- parsing kernel messages (no root needed) ---- */

/* A message under construction, in host order as the kernel sends it. */
struct msg {
	union {
		struct nlmsghdr h;
		uint8_t b[512];
	} u;
};

static struct nlmsghdr *
msg_start(struct msg *m, uint16_t type, const void *fam, size_t famlen)
{
	memset(m, 0, sizeof(*m));
	m->u.h.nlmsg_type = type;
	m->u.h.nlmsg_len = NLMSG_LENGTH(famlen);
	memcpy(NLMSG_DATA(&m->u.h), fam, famlen);
	m->u.h.nlmsg_len = NLMSG_ALIGN(m->u.h.nlmsg_len);
	return &m->u.h;
}

static void
msg_attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->u.b + m->u.h.nlmsg_len);

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
	m->u.h.nlmsg_len += NLA_ALIGN(a->nla_len);
}

static void
test_parse_addr_prefers_ifa_local_for_ipv4(void **state)
{
	struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_prefixlen = 32, .ifa_index = 7};
	static const uint8_t peer[4] = {198, 51, 100, 1}, local[4] = {192, 0, 2, 53};
	struct prefix p, want = P("192.0.2.53/32");
	unsigned ifindex = 0;
	struct msg m;

	(void)state;
	msg_start(&m, RTM_NEWADDR, &ifa, sizeof(ifa));
	msg_attr(&m, IFA_ADDRESS, peer, 4);
	msg_attr(&m, IFA_LOCAL, local, 4);
	assert_int_equal(nl_rt_parse_addr(&m.u.h, &ifindex, &p), 0);
	assert_int_equal(ifindex, 7);
	assert_true(prefix_eq(&p, &want));
}

static void
test_parse_addr_ipv6_from_ifa_address(void **state)
{
	struct ifaddrmsg ifa = {.ifa_family = AF_INET6, .ifa_prefixlen = 128, .ifa_index = 1};
	struct prefix p, want = P("2001:db8::53/128");
	unsigned ifindex = 0;
	struct msg m;

	(void)state;
	msg_start(&m, RTM_DELADDR, &ifa, sizeof(ifa));
	msg_attr(&m, IFA_ADDRESS, want.addr.u.b, 16);
	assert_int_equal(nl_rt_parse_addr(&m.u.h, &ifindex, &p), 0);
	assert_int_equal(ifindex, 1);
	assert_true(prefix_eq(&p, &want));
}

static void
test_parse_addr_rejects_malformed(void **state)
{
	struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_prefixlen = 32, .ifa_index = 1};
	static const uint8_t v4[4] = {192, 0, 2, 1}, v6[16] = {0x20, 0x01, 0x0d, 0xb8};
	struct prefix p;
	unsigned ifindex;
	struct msg m;

	(void)state;
	msg_start(&m, RTM_NEWADDR, &ifa, sizeof(ifa)); /* no address attribute */
	assert_int_equal(nl_rt_parse_addr(&m.u.h, &ifindex, &p), -1);
	msg_start(&m, RTM_NEWADDR, &ifa, sizeof(ifa));
	msg_attr(&m, IFA_LOCAL, v6, 16); /* IPv6-sized address in an IPv4 message */
	assert_int_equal(nl_rt_parse_addr(&m.u.h, &ifindex, &p), -1);
	ifa.ifa_prefixlen = 33;
	msg_start(&m, RTM_NEWADDR, &ifa, sizeof(ifa));
	msg_attr(&m, IFA_LOCAL, v4, 4);
	assert_int_equal(nl_rt_parse_addr(&m.u.h, &ifindex, &p), -1);
	ifa.ifa_prefixlen = 32;
	ifa.ifa_family = AF_PACKET;
	msg_start(&m, RTM_NEWADDR, &ifa, sizeof(ifa));
	msg_attr(&m, IFA_LOCAL, v4, 4);
	assert_int_equal(nl_rt_parse_addr(&m.u.h, &ifindex, &p), -1);
	ifa.ifa_family = AF_INET;
	msg_start(&m, RTM_NEWADDR, &ifa, sizeof(ifa));
	m.u.h.nlmsg_len = NLMSG_LENGTH(sizeof(ifa) - 1); /* header cut short */
	assert_int_equal(nl_rt_parse_addr(&m.u.h, &ifindex, &p), -1);
	msg_start(&m, RTM_NEWADDR, &ifa, sizeof(ifa));
	msg_attr(&m, IFA_LOCAL, v4, 4);
	m.u.h.nlmsg_len -= 4; /* the attribute runs past the (aligned) message end */
	assert_int_equal(nl_rt_parse_addr(&m.u.h, &ifindex, &p), -1);
}

static void
test_parse_link_name_and_flags(void **state)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = 4, .ifi_flags = IFF_UP};
	char name[IF_NAMESIZE];
	unsigned ifindex, flags;
	struct msg m;

	(void)state;
	msg_start(&m, RTM_NEWLINK, &ifi, sizeof(ifi));
	msg_attr(&m, IFLA_IFNAME, "pharos0", 8);
	assert_int_equal(nl_rt_parse_link(&m.u.h, &ifindex, &flags, name), 0);
	assert_int_equal(ifindex, 4);
	assert_true(flags & IFF_UP);
	assert_string_equal(name, "pharos0");
	msg_start(&m, RTM_NEWLINK, &ifi, sizeof(ifi));
	msg_attr(&m, IFLA_IFNAME, "abcdefghijklmnopq", 18); /* longer than IFNAMSIZ */
	assert_int_equal(nl_rt_parse_link(&m.u.h, &ifindex, &flags, name), 0);
	assert_string_equal(name, "");
	msg_start(&m, RTM_NEWLINK, &ifi, sizeof(ifi));
	msg_attr(&m, IFLA_IFNAME, "eth0", 4); /* not NUL-terminated */
	assert_int_equal(nl_rt_parse_link(&m.u.h, &ifindex, &flags, name), 0);
	assert_string_equal(name, "");
	m.u.h.nlmsg_len = NLMSG_LENGTH(sizeof(ifi) - 4);
	assert_int_equal(nl_rt_parse_link(&m.u.h, &ifindex, &flags, name), -1);
}

/* ---- the ownership record (no root needed) ---- */

static void
test_state_line_parse(void **state)
{
	char name[IF_NAMESIZE];
	struct prefix p, want = P("2001:db8::53/128");

	(void)state;
	assert_int_equal(nl_state_parse_line("lo 2001:db8::53/128\n", name, &p), 1);
	assert_string_equal(name, "lo");
	assert_true(prefix_eq(&p, &want));
	assert_int_equal(nl_state_parse_line("  pharos0\t192.0.2.53/32", name, &p), 1);
	assert_string_equal(name, "pharos0");
	assert_int_equal(nl_state_parse_line("# comment", name, &p), 0);
	assert_int_equal(nl_state_parse_line(" \t\r\n", name, &p), 0);
	assert_int_equal(nl_state_parse_line("", name, &p), 0);
	assert_int_equal(nl_state_parse_line("lo", name, &p), -1);
	assert_int_equal(nl_state_parse_line("lo 192.0.2.0/24", name, &p), -1); /* not a host */
	assert_int_equal(nl_state_parse_line("lo 192.0.2.1/32 extra", name, &p), -1);
	assert_int_equal(nl_state_parse_line("lo 192.0.2.300/32", name, &p), -1);
	assert_int_equal(nl_state_parse_line("abcdefghijklmnop 192.0.2.1/32", name, &p), -1);
}

struct collect {
	struct prefix v[4];
	size_t n;
};

static void
collect_cb(const struct prefix *p, void *arg)
{
	struct collect *c = arg;

	assert_true(c->n < nitems(c->v));
	c->v[c->n++] = *p;
}

static void
test_state_save_then_load_round_trips(void **state)
{
	char dir[64] = "/tmp/pharos-nl-state.XXXXXX", sub[96], *s;
	struct prefix v[2] = {P("192.0.2.53/32"), P("2001:db8::53/128")};
	struct nl_state st;
	struct collect c = {.n = 0};
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/state", dir);
	assert_int_equal(nl_state_load(&st, sub, "lo", collect_cb, &c), 0); /* creates sub */
	assert_int_equal(c.n, 0);
	assert_int_equal(nl_state_save(&st, "lo", v, 2), 0);
	nl_state_clear(&st);
	snprintf(sub, sizeof(sub), "%s/state/addresses", dir);
	assert_non_null(f = fopen(sub, "a"));
	fprintf(f, "eth1 198.51.100.7/32\n");
	fclose(f);
	snprintf(sub, sizeof(sub), "%s/state", dir);
	assert_int_equal(nl_state_load(&st, sub, "lo", collect_cb, &c), 0);
	assert_int_equal(c.n, 2);
	assert_true(prefix_eq(&c.v[0], &v[0]));
	assert_true(prefix_eq(&c.v[1], &v[1]));
	assert_int_equal(st.nforeign, 1);
	assert_int_equal(nl_state_save(&st, "lo", v, 1), 0);
	nl_state_clear(&st);
	snprintf(sub, sizeof(sub), "cat %s/state/addresses; ls %s/state", dir, dir);
	s = cmd_out(sub);
	assert_non_null(strstr(s, "eth1 198.51.100.7/32\nlo 192.0.2.53/32\n"));
	assert_null(strstr(s, "2001:db8::53"));
	assert_null(strstr(s, ".tmp")); /* the temporary file was renamed */
	free(s);
	snprintf(sub, sizeof(sub), "rm -rf %s", dir);
	assert_int_equal(system(sub), 0);
}

/* ---- setup: a fresh namespace per test ---- */

static int
ns_setup(void **state)
{
	struct t *t;

	if (geteuid() != 0) {
		const char *ci = getenv("CI");

		if (ci != NULL && strcmp(ci, "true") == 0) {
			fprintf(stderr, "test_netlink: must run as root (CI=true)\n");
			return -1;
		}
		*state = NULL;
		return 0;
	}
	if (unshare(CLONE_NEWNET) == -1) {
		perror("test_netlink: unshare(CLONE_NEWNET)");
		return -1;
	}
	if (sh("ip link set lo up") != 0)
		return -1;
	t = xcalloc(1, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "/tmp/pharos-nl-test.XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return -1;
	snprintf(t->state, sizeof(t->state), "%s/state", t->dir);
	if ((t->l = loop_new()) == NULL)
		return -1;
	*state = t;
	return 0;
}

static int
ns_teardown(void **state)
{
	struct t *t = *state;

	if (t == NULL)
		return 0;
	loop_free(t->l);
	sh("rm -rf %s", t->dir);
	free(t);
	return 0;
}

#define NEED_ROOT(state)                                                                           \
	do {                                                                                       \
		if (*(state) == NULL) {                                                            \
			fprintf(stderr, "test_netlink: not root, skipping\n");                     \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* ---- tests ---- */

static void
test_add_then_dump_and_ip_agree(void **state)
{
	struct t *t = *state;
	struct nl_addr_status st;
	struct stat sb;
	struct nl *nl;
	char *s;

	NEED_ROOT(state);
	nl = open_lo(t);
	assert_int_equal(stat(t->state, &sb), 0); /* created */
	assert_int_equal(sb.st_mode & 0777, 0755);
	sync_strs(nl, 0, 2, A4, A6);
	assert_int_equal(dump_count(nl, A4), 1);
	assert_int_equal(dump_count(nl, A6), 1);
	assert_int_equal(ip_count("lo", A4), 1);
	assert_int_equal(ip_count("lo", A6), 1);
	st = status_of(nl, A4);
	assert_true(st.owned && st.wanted && st.present && !st.adopted);
	s = state_file(t);
	assert_non_null(strstr(s, "lo 192.0.2.53/32\n"));
	assert_non_null(strstr(s, "lo 2001:db8::53/128\n"));
	free(s);
	nl_close(nl, true);
}

static void
test_ipv6_nodad_and_no_prefix_route(void **state)
{
	struct t *t = *state;
	struct nl *nl;
	char *out, *line;
	int kernel_routes = 0;

	NEED_ROOT(state);
	nl = open_lo(t);
	sync_strs(nl, 0, 1, A6);
	out = cmd_out("ip -j -6 addr show dev lo");
	assert_null(strstr(out, "tentative"));
	assert_non_null(strstr(out, "\"local\":\"2001:db8::53\",\"prefixlen\":128,\"scope\":"
	                            "\"global\",\"nodad\":true,\"noprefixroute\":true"));
	free(out);
	/* Only the "local" route of table local may name the address. */
	out = cmd_out("ip -6 route show table all");
	for (line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n"))
		if (strstr(line, "2001:db8::53") != NULL && strncmp(line, "local ", 6) != 0)
			kernel_routes++;
	free(out);
	assert_int_equal(kernel_routes, 0);
	nl_close(nl, false);
}

static void
test_external_delete_is_restored(void **state)
{
	struct t *t = *state;
	struct prefix want;
	struct nl *nl;
	char *log;

	NEED_ROOT(state);
	nl = open_lo(t);
	sync_strs(nl, 0, 2, A4, A6);
	run_for(t, 50); /* our own RTM_NEWADDR events: no reaction */
	assert_int_equal(t->events[NL_EV_RESTORED], 0);
	capture_start(t);
	assert_int_equal(sh("ip addr del %s dev lo", A4), 0);
	run_until(t, &t->events[NL_EV_RESTORED], 1, 2000);
	log = capture_end(t);
	assert_int_equal(t->events[NL_EV_RESTORED], 1);
	want = P(A4);
	assert_true(prefix_eq(&t->last, &want));
	assert_non_null(strstr(log, "address 192.0.2.53/32 removed from lo externally, restoring"));
	free(log);
	assert_int_equal(ip_count("lo", A4), 1);
	assert_int_equal(sh("ip addr del %s dev lo", A6), 0);
	run_until(t, &t->events[NL_EV_RESTORED], 2, 2000);
	assert_int_equal(t->events[NL_EV_RESTORED], 2);
	assert_int_equal(ip_count("lo", A6), 1);
	assert_true(status_of(nl, A6).present);
	run_for(t, 100); /* restoring caused no further restores */
	assert_int_equal(t->events[NL_EV_RESTORED], 2);
	nl_close(nl, false);
	assert_int_equal(ip_count("lo", A4), 0);
}

static void
test_several_removed_at_once_all_restored(void **state)
{
	static const char *const want[] = {"192.0.2.61/32", "192.0.2.62/32", "192.0.2.63/32",
	    "2001:db8::61/128", "2001:db8::62/128"};
	struct t *t = *state;
	struct nl *nl;
	size_t i;

	NEED_ROOT(state);
	nl = open_lo(t);
	sync_strs(nl, 0, 5, want[0], want[1], want[2], want[3], want[4]);
	run_for(t, 20);
	/* Queued while the loop sleeps: restoring the first must not lose the others. */
	assert_int_equal(sh("ip -batch - <<EOF\n"
	                    "addr del %s dev lo\naddr del %s dev lo\naddr del %s dev lo\n"
	                    "addr del %s dev lo\naddr del %s dev lo\nEOF",
	                     want[0], want[1], want[2], want[3], want[4]),
	    0);
	run_until(t, &t->events[NL_EV_RESTORED], 5, 2000);
	assert_int_equal(t->events[NL_EV_RESTORED], 5);
	for (i = 0; i < nitems(want); i++) {
		assert_int_equal(ip_count("lo", want[i]), 1);
		assert_true(status_of(nl, want[i]).present);
	}
	nl_close(nl, false);
}

static void
test_close_removes_owned(void **state)
{
	struct t *t = *state;
	struct nl *nl;
	char *s;

	NEED_ROOT(state);
	nl = open_lo(t);
	sync_strs(nl, 0, 2, A4, A6);
	run_for(t, 20);
	nl_close(nl, false);
	assert_int_equal(ip_count("lo", A4), 0);
	assert_int_equal(ip_count("lo", A6), 0);
	assert_int_equal(ip_count("lo", "127.0.0.1/8"), 1); /* not ours: untouched */
	s = state_file(t);
	assert_null(strstr(s, "lo "));
	free(s);
}

static void
test_keep_addresses_keeps_them_owned(void **state)
{
	struct t *t = *state;
	struct nl_addr_status st;
	struct nl *nl;

	NEED_ROOT(state);
	nl = open_lo(t);
	sync_strs(nl, 0, 1, A4);
	nl_close(nl, true);
	assert_int_equal(ip_count("lo", A4), 1);
	/* The next run knows they are its own, not adopted. */
	nl = open_lo(t);
	st = status_of(nl, A4);
	assert_true(st.owned && st.present && !st.adopted && !st.wanted);
	sync_strs(nl, 0, 1, A4);
	assert_true(status_of(nl, A4).owned);
	nl_close(nl, false);
	assert_int_equal(ip_count("lo", A4), 0);
}

static void
test_preexisting_address_adopted_and_kept(void **state)
{
	struct t *t = *state;
	struct nl_addr_status st;
	struct nl *nl;

	NEED_ROOT(state);
	assert_int_equal(sh("ip addr add %s dev lo", B4), 0);
	nl = open_lo(t);
	assert_int_equal(status_count(nl, B4), 0); /* not wanted yet: not tracked */
	sync_strs(nl, 0, 2, A4, B4);
	st = status_of(nl, B4);
	assert_true(st.adopted && !st.owned && st.present);
	assert_true(status_of(nl, A4).owned);
	assert_int_equal(ip_count("lo", B4), 1);
	/* No longer wanted: an adopted address stays. */
	sync_strs(nl, 0, 1, A4);
	assert_int_equal(ip_count("lo", B4), 1);
	assert_int_equal(status_count(nl, B4), 0);
	sync_strs(nl, 0, 2, A4, B4);
	nl_close(nl, false);
	assert_int_equal(ip_count("lo", B4), 1);
	assert_int_equal(ip_count("lo", A4), 0);
}

/* crash_child: in a child, open, sync and die by SIGKILL, as a crashed pharosd would. */
static void
crash_child(struct t *t, size_t n, const char *const *want)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct loop *l = loop_new();
		struct nl *nl = nl_open(l, "lo", t->state, NULL, NULL);
		struct prefix v[8];
		size_t i;

		for (i = 0; i < n; i++)
			v[i] = P(want[i]);
		if (nl == NULL || nl_sync(nl, v, n) != 0)
			_exit(1);
		kill(getpid(), SIGKILL);
		_exit(2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

static void
test_restart_after_sigkill_no_duplicates_nothing_stranded(void **state)
{
	static const char *const want[] = {"192.0.2.53/32", "192.0.2.55/32", "2001:db8::53/128"};
	struct t *t = *state;
	struct nl_addr_status st;
	struct nl *nl;
	size_t i;

	NEED_ROOT(state);
	crash_child(t, nitems(want), want);
	for (i = 0; i < nitems(want); i++)
		assert_int_equal(ip_count("lo", want[i]), 1);
	nl = open_lo(t);
	for (i = 0; i < nitems(want); i++) {
		st = status_of(nl, want[i]);
		assert_true(st.owned && !st.adopted && st.present);
	}
	sync_strs(nl, 0, 3, want[0], want[1], want[2]);
	for (i = 0; i < nitems(want); i++) {
		assert_int_equal(ip_count("lo", want[i]), 1);
		assert_int_equal(dump_count(nl, want[i]), 1);
		assert_true(status_of(nl, want[i]).owned);
	}
	nl_close(nl, false);
	for (i = 0; i < nitems(want); i++)
		assert_int_equal(ip_count("lo", want[i]), 0);
}

static void
test_restart_after_sigkill_removes_no_longer_wanted(void **state)
{
	static const char *const want[] = {"192.0.2.53/32", "192.0.2.55/32"};
	struct t *t = *state;
	struct nl *nl;
	char *s;

	NEED_ROOT(state);
	crash_child(t, nitems(want), want);
	nl = open_lo(t);
	sync_strs(nl, 0, 1, A4);
	assert_int_equal(ip_count("lo", A4), 1);
	assert_int_equal(ip_count("lo", B4), 0);
	s = state_file(t);
	assert_non_null(strstr(s, "lo 192.0.2.53/32\n"));
	assert_null(strstr(s, "192.0.2.55"));
	free(s);
	nl_close(nl, false);
}

static void
test_shrinking_want_removes_dropped_owned(void **state)
{
	struct t *t = *state;
	struct nl *nl;

	NEED_ROOT(state);
	nl = open_lo(t);
	sync_strs(nl, 0, 3, A4, B4, A6);
	sync_strs(nl, 0, 1, A4);
	assert_int_equal(ip_count("lo", A4), 1);
	assert_int_equal(ip_count("lo", B4), 0);
	assert_int_equal(ip_count("lo", A6), 0);
	assert_int_equal(status_count(nl, B4), 0);
	/* Our own removals are not "external": nothing comes back. */
	run_for(t, 100);
	assert_int_equal(t->events[NL_EV_RESTORED], 0);
	assert_int_equal(ip_count("lo", B4), 0);
	nl_close(nl, false);
}

static void
test_own_flapping_is_not_restored(void **state)
{
	struct t *t = *state;
	struct nl *nl;
	char *log;

	NEED_ROOT(state);
	nl = open_lo(t);
	/* The loop reads the events of all three syncs afterwards, in one batch: our own
	 * removal arrives while the address is wanted again, and is no "external" one. */
	capture_start(t);
	sync_strs(nl, 0, 1, A4);
	sync_strs(nl, 0, 0);
	sync_strs(nl, 0, 1, A4);
	run_for(t, 100);
	log = capture_end(t);
	assert_null(strstr(log, "externally"));
	free(log);
	assert_int_equal(t->events[NL_EV_RESTORED], 0);
	assert_int_equal(ip_count("lo", A4), 1);
	assert_true(status_of(nl, A4).present);
	sync_strs(nl, 0, 0);
	run_for(t, 100);
	assert_int_equal(t->events[NL_EV_RESTORED], 0);
	assert_int_equal(ip_count("lo", A4), 0);
	nl_close(nl, false);
}

static void
test_non_host_prefix_ignored(void **state)
{
	struct t *t = *state;
	struct nl *nl;

	NEED_ROOT(state);
	nl = open_lo(t);
	sync_strs(nl, 0, 2, "198.51.100.0/24", A4);
	assert_int_equal(ip_count("lo", "198.51.100.0/24"), 0);
	assert_int_equal(status_count(nl, "198.51.100.0/24"), 0);
	assert_int_equal(ip_count("lo", A4), 1);
	nl_close(nl, false);
}

static void
test_state_file_keeps_other_interfaces(void **state)
{
	struct t *t = *state;
	struct nl *nl;
	char *s;
	FILE *f;
	char path[128];

	NEED_ROOT(state);
	assert_int_equal(mkdir(t->state, 0755), 0);
	snprintf(path, sizeof(path), "%s/addresses", t->state);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "# comment\neth9 198.51.100.1/32\nlo garbage\nlo 192.0.2.99/32\n");
	fclose(f);
	nl = open_lo(t); /* 192.0.2.99 is not on lo: forgotten */
	assert_int_equal(status_count(nl, "192.0.2.99/32"), 0);
	sync_strs(nl, 0, 1, A4);
	s = state_file(t);
	assert_non_null(strstr(s, "eth9 198.51.100.1/32\n"));
	assert_non_null(strstr(s, "lo 192.0.2.53/32\n"));
	assert_null(strstr(s, "192.0.2.99"));
	assert_null(strstr(s, "garbage"));
	free(s);
	nl_close(nl, false);
	s = state_file(t);
	assert_non_null(strstr(s, "eth9 198.51.100.1/32\n"));
	assert_null(strstr(s, "lo 192.0.2.53"));
	free(s);
}

static void
test_missing_interface_created_as_dummy(void **state)
{
	struct t *t = *state;
	struct nl *nl;
	char *out, *log;

	NEED_ROOT(state);
	if (sh("ip link add pharos-probe type dummy 2>/dev/null") != 0) {
		/* This kernel has no dummy driver: pin the failure path instead. */
		fprintf(stderr, "test_netlink: kernel lacks dummy interfaces, "
		                "checking that nl_open fails cleanly\n");
		capture_start(t);
		nl = nl_open(t->l, "pharos0", t->state, on_event, t);
		log = capture_end(t);
		assert_null(nl);
		assert_non_null(strstr(log, "cannot create dummy interface pharos0: "));
		free(log);
		return;
	}
	sh("ip link del pharos-probe");
	nl = nl_open(t->l, "pharos0", t->state, on_event, t);
	assert_non_null(nl);
	out = cmd_out("ip -j link show dev pharos0");
	assert_non_null(strstr(out, "\"UP\""));
	assert_non_null(strstr(out, "\"link_type\":\"ether\""));
	free(out);
	out = cmd_out("ip -d link show dev pharos0");
	assert_non_null(strstr(out, "dummy"));
	free(out);
	sync_strs(nl, 0, 2, A4, A6);
	assert_int_equal(ip_count("pharos0", A4), 1);
	assert_int_equal(ip_count("pharos0", A6), 1);
	assert_null(strstr(out = cmd_out("ip -6 addr show dev pharos0"), "tentative"));
	free(out);
	nl_close(nl, false);
	assert_int_equal(ip_count("pharos0", A4), 0);
	/* A second open finds it. */
	nl = nl_open(t->l, "pharos0", t->state, on_event, t);
	assert_non_null(nl);
	nl_close(nl, false);
}

static void
test_kernel_error_names_address_and_interface(void **state)
{
	struct t *t = *state;
	struct prefix want;
	struct nl *nl;
	char *log;

	NEED_ROOT(state);
	assert_int_equal(sh("ip link add nlt0 type veth peer name nlt1"), 0);
	nl = nl_open(t->l, "nlt0", t->state, on_event, t);
	assert_non_null(nl);
	assert_int_equal(sh("ip link del nlt0"), 0);
	/* The loop has not seen the removal: the kernel refuses with ENODEV. */
	capture_start(t);
	sync_strs(nl, -1, 1, "192.0.2.77/32");
	log = capture_end(t);
	assert_non_null(strstr(log, "cannot add 192.0.2.77/32 to nlt0: No such device"));
	free(log);
	assert_int_equal(t->events[NL_EV_ERROR], 1);
	assert_int_equal(t->last_err, ENODEV);
	want = P("192.0.2.77/32");
	assert_true(prefix_eq(&t->last, &want));
	run_until(t, &t->events[NL_EV_LINK_GONE], 1, 2000);
	assert_int_equal(t->events[NL_EV_LINK_GONE], 1);
	/* It comes back: the wanted address follows. */
	assert_int_equal(sh("ip link add nlt0 type veth peer name nlt1"), 0);
	run_until(t, &t->events[NL_EV_LINK_BACK], 1, 2000);
	assert_int_equal(t->events[NL_EV_LINK_BACK], 1);
	run_for(t, 50);
	assert_int_equal(ip_count("nlt0", "192.0.2.77/32"), 1);
	assert_true(status_of(nl, "192.0.2.77/32").owned);
	nl_close(nl, false);
	assert_int_equal(ip_count("nlt0", "192.0.2.77/32"), 0);
}

static void
test_link_down_and_up_reported(void **state)
{
	struct t *t = *state;
	struct nl *nl;
	char *log;

	NEED_ROOT(state);
	assert_int_equal(sh("ip link add nlt2 type veth peer name nlt3"), 0);
	capture_start(t);
	nl = nl_open(t->l, "nlt2", t->state, on_event, t);
	log = capture_end(t);
	assert_non_null(nl);
	assert_non_null(strstr(log, "interface nlt2 is down: its addresses receive nothing"));
	free(log);
	assert_false(nl_link_up(nl));
	assert_string_equal(nl_ifname(nl), "nlt2");
	assert_int_equal(sh("ip link set nlt2 up"), 0);
	run_until(t, &t->events[NL_EV_LINK_UP], 1, 2000);
	assert_int_equal(t->events[NL_EV_LINK_UP], 1);
	assert_true(nl_link_up(nl));
	assert_int_equal(sh("ip link set nlt2 down"), 0);
	run_until(t, &t->events[NL_EV_LINK_DOWN], 1, 2000);
	assert_int_equal(t->events[NL_EV_LINK_DOWN], 1);
	assert_false(nl_link_up(nl));
	assert_int_equal(t->events[NL_EV_LINK_UP], 1);
	nl_close(nl, false);
}

static void
test_event_overflow_redumps_and_restores(void **state)
{
	struct t *t = *state;
	struct nl *nl;
	char *log, path[128];
	FILE *f;
	int i;

	NEED_ROOT(state);
	nl = open_lo(t);
	sync_strs(nl, 0, 1, "192.0.2.88/32");
	/* Unrelated changes while the loop sleeps overflow the event socket: its buffer is
	 * at most 2 MiB (1 MiB asked, doubled by the kernel) and about 3,000 IPv6 address
	 * notifications fill it here; 12,000 leave a wide margin. */
	snprintf(path, sizeof(path), "%s/batch", t->dir);
	assert_non_null(f = fopen(path, "w"));
	for (i = 1; i <= 12000; i++)
		fprintf(f, "addr add 2001:db8:1::%x/128 dev lo nodad\n", i);
	fprintf(f, "addr del 192.0.2.88/32 dev lo\n");
	fclose(f);
	assert_int_equal(sh("ip -batch %s", path), 0);
	capture_start(t);
	run_until(t, &t->events[NL_EV_RESTORED], 1, 5000);
	run_for(t, 50);
	log = capture_end(t);
	assert_non_null(strstr(log, "address events of lo were lost, re-reading them"));
	assert_non_null(strstr(log, "address 192.0.2.88/32 removed from lo externally, restoring"));
	free(log);
	assert_int_equal(t->events[NL_EV_RESTORED], 1);
	assert_int_equal(ip_count("lo", "192.0.2.88/32"), 1);
	assert_int_equal(dump_count(nl, "2001:db8:1::fa0/128"), 1);
	nl_close(nl, false);
	assert_int_equal(ip_count("lo", "192.0.2.88/32"), 0);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, ns_setup, ns_teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_addr_prefers_ifa_local_for_ipv4),
	    cmocka_unit_test(test_parse_addr_ipv6_from_ifa_address),
	    cmocka_unit_test(test_parse_addr_rejects_malformed),
	    cmocka_unit_test(test_parse_link_name_and_flags),
	    cmocka_unit_test(test_state_line_parse),
	    cmocka_unit_test(test_state_save_then_load_round_trips),
	    T(test_add_then_dump_and_ip_agree),
	    T(test_ipv6_nodad_and_no_prefix_route),
	    T(test_external_delete_is_restored),
	    T(test_several_removed_at_once_all_restored),
	    T(test_close_removes_owned),
	    T(test_keep_addresses_keeps_them_owned),
	    T(test_preexisting_address_adopted_and_kept),
	    T(test_restart_after_sigkill_no_duplicates_nothing_stranded),
	    T(test_restart_after_sigkill_removes_no_longer_wanted),
	    T(test_shrinking_want_removes_dropped_owned),
	    T(test_own_flapping_is_not_restored),
	    T(test_non_host_prefix_ignored),
	    T(test_state_file_keeps_other_interfaces),
	    T(test_missing_interface_created_as_dummy),
	    T(test_kernel_error_names_address_and_interface),
	    T(test_link_down_and_up_reported),
	    T(test_event_overflow_redumps_and_restores),
	};
#undef T

	log_init("test_netlink", LOG_LVL_WARN, 0);
	return cmocka_run_group_tests_name("netlink", tests, NULL, NULL);
}
