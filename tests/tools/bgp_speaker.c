/* bgp_speaker: drive bgp/ alone against a real router, for integration tests and the
 * bench. Routes are given on the command line; commands arrive one per line on stdin:
 *   announce | withdraw | status | shutdown [MSG] | exit [MSG]
 * Each command answers one line on stdout ("ok", or the status). */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/util.h"

struct speaker {
	struct loop *l;
	struct bgp *b;
	struct bgp_peer *p;
	struct bgp_route *routes;
	size_t nroutes, cap;
	char line[512];
	size_t llen;
	int rc;
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bgp_speaker --asn AS --id A.B.C.D --peer ADDR --peer-as AS [--port N]\n"
	    "       [--local ADDR] [--hold S] [--password K] [--ttl-security] [--passive]\n"
	    "       [--multihop N] [--families ipv4,ipv6] [--med N] [--prepend N]\n"
	    "       [--community A:B]... [--large A:B:C]... [--nh4 A] [--nh6 A]\n"
	    "       [--count N] [-d] PREFIX...\n");
	exit(2);
}

static void
state_change(struct bgp_peer *p, enum bgp_state old, enum bgp_state new, const char *why, void *arg)
{
	(void)arg;
	fprintf(stderr, "state %s %s -> %s (%s)\n", bgp_peer_name(p), bgp_state_name(old),
	    bgp_state_name(new), why);
}

static void
print_status(struct speaker *s)
{
	struct bgp_peer_stats st;

	bgp_peer_get_stats(s->p, &st);
	printf("state=%s announced=%llu rx4=%llu rx6=%llu wd4=%llu wd6=%llu est=%u "
	       "hold=%lld err=\"%s\"\n",
	    bgp_state_name(st.state), (unsigned long long)st.prefixes_announced,
	    (unsigned long long)st.rx_prefixes[0], (unsigned long long)st.rx_prefixes[1],
	    (unsigned long long)st.rx_withdrawn[0], (unsigned long long)st.rx_withdrawn[1],
	    st.established_count, (long long)(st.hold_time / USEC_PER_SEC), st.last_error);
	fflush(stdout);
}

static void
command(struct speaker *s, char *cmd)
{
	char *arg = strchr(cmd, ' ');

	if (arg != NULL)
		*arg++ = '\0';
	if (strcmp(cmd, "announce") == 0) {
		bgp_peer_set_routes(s->p, s->routes, s->nroutes);
	} else if (strcmp(cmd, "withdraw") == 0) {
		bgp_peer_set_routes(s->p, NULL, 0);
	} else if (strcmp(cmd, "status") == 0) {
		print_status(s);
		return;
	} else if (strcmp(cmd, "shutdown") == 0) {
		bgp_peer_shutdown(s->p, arg);
	} else if (strcmp(cmd, "exit") == 0) {
		bgp_free(s->b, arg);
		s->b = NULL;
		loop_break(s->l);
	} else if (cmd[0] != '\0') {
		printf("unknown command\n");
		fflush(stdout);
		return;
	}
	printf("ok\n");
	fflush(stdout);
}

static void
on_stdin(int fd, uint32_t ev, void *arg)
{
	struct speaker *s = arg;
	ssize_t n;
	char *nl;

	(void)ev;
	n = read(fd, s->line + s->llen, sizeof(s->line) - 1 - s->llen);
	if (n <= 0) {
		loop_fd_del(s->l, fd);
		return;
	}
	s->llen += (size_t)n;
	s->line[s->llen] = '\0';
	while ((nl = strchr(s->line, '\n')) != NULL) {
		*nl = '\0';
		command(s, s->line);
		if (s->b == NULL)
			return;
		memmove(s->line, nl + 1, s->llen - (size_t)(nl + 1 - s->line) + 1);
		s->llen = strlen(s->line);
	}
	if (s->llen == sizeof(s->line) - 1)
		s->llen = 0;
}

static uint32_t
parse_as(const char *s)
{
	return (uint32_t)strtoul(s, NULL, 10);
}

static void
add_route(struct speaker *s, const struct prefix *p, const struct bgp_pathattrs *a)
{
	if (s->nroutes == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->routes = xreallocarray(s->routes, s->cap, sizeof(*s->routes));
	}
	s->routes[s->nroutes].prefix = *p;
	s->routes[s->nroutes].attrs = *a;
	s->nroutes++;
}

/* add_count: n host prefixes counting up from base (for scale tests). */
static void
add_count(
    struct speaker *s, const struct prefix *base, unsigned long n, const struct bgp_pathattrs *a)
{
	struct prefix p = *base;
	unsigned long i;
	int k;

	for (i = 0; i < n; i++) {
		add_route(s, &p, a);
		for (k = (int)addr_maxlen(&p.addr) / 8 - 1; k >= 0; k--)
			if (++p.addr.u.b[k] != 0)
				break;
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"asn", required_argument, NULL, 'a'},
	    {"id", required_argument, NULL, 'i'},
	    {"peer", required_argument, NULL, 'p'},
	    {"peer-as", required_argument, NULL, 'A'},
	    {"port", required_argument, NULL, 'P'},
	    {"local", required_argument, NULL, 'l'},
	    {"hold", required_argument, NULL, 'H'},
	    {"password", required_argument, NULL, 'k'},
	    {"ttl-security", no_argument, NULL, 'g'},
	    {"passive", no_argument, NULL, 's'},
	    {"multihop", required_argument, NULL, 'm'},
	    {"families", required_argument, NULL, 'f'},
	    {"med", required_argument, NULL, 'M'},
	    {"prepend", required_argument, NULL, 'r'},
	    {"community", required_argument, NULL, 'c'},
	    {"large", required_argument, NULL, 'L'},
	    {"nh4", required_argument, NULL, '4'},
	    {"nh6", required_argument, NULL, '6'},
	    {"count", required_argument, NULL, 'n'},
	    {NULL, 0, NULL, 0},
	};
	struct speaker s = {0};
	struct bgp_peer_conf pc = {0};
	struct bgp_pathattrs a = {0};
	struct bgp_callbacks cb = {.state_change = state_change};
	struct addr id;
	struct prefix pfx;
	const char *why;
	unsigned long count = 0;
	unsigned x, y, z;
	int ch, i, debug = 0;

	snprintf(pc.name, sizeof(pc.name), "upstream");
	pc.hold_time = SEC(9);
	pc.connect_retry = SEC(1);
	pc.ebgp_multihop = 1;
	pc.family[BGP_FAM_IPV4] = pc.family[BGP_FAM_IPV6] = true;
	while ((ch = getopt_long(argc, argv, "d", opts, NULL)) != -1) {
		switch (ch) {
		case 'a': pc.local_as = parse_as(optarg); break;
		case 'i':
			if (addr_parse(optarg, &id) == -1 || id.af != AF_INET)
				usage();
			pc.router_id = ntohl(id.u.v4.s_addr);
			break;
		case 'p':
			if (addr_parse(optarg, &pc.remote) == -1)
				usage();
			break;
		case 'A': pc.remote_as = parse_as(optarg); break;
		case 'P': pc.port = (uint16_t)atoi(optarg); break;
		case 'l':
			if (addr_parse(optarg, &pc.local) == -1)
				usage();
			break;
		case 'H': pc.hold_time = SEC(atoi(optarg)); break;
		case 'k':
			pc.password_len = MIN(strlen(optarg), sizeof(pc.password));
			memcpy(pc.password, optarg, pc.password_len);
			break;
		case 'g': pc.ttl_security = true; break;
		case 's': pc.passive = true; break;
		case 'm': pc.ebgp_multihop = (uint8_t)atoi(optarg); break;
		case 'f':
			pc.family[BGP_FAM_IPV4] = strstr(optarg, "ipv4") != NULL;
			pc.family[BGP_FAM_IPV6] = strstr(optarg, "ipv6") != NULL;
			break;
		case 'M':
			a.has_med = true;
			a.med = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'r': a.prepend = (uint8_t)atoi(optarg); break;
		case 'c':
			if (sscanf(optarg, "%u:%u", &x, &y) != 2 || a.ncomm == BGP_MAX_COMM)
				usage();
			a.comm[a.ncomm++] = x << 16 | (y & 0xffff);
			break;
		case 'L':
			if (sscanf(optarg, "%u:%u:%u", &x, &y, &z) != 3 ||
			    a.nlcomm == BGP_MAX_LCOMM)
				usage();
			a.lcomm[a.nlcomm++] = (struct bgp_lcomm){x, y, z};
			break;
		case '4': addr_parse(optarg, &pc.next_hop[BGP_FAM_IPV4]); break;
		case '6': addr_parse(optarg, &pc.next_hop[BGP_FAM_IPV6]); break;
		case 'n': count = strtoul(optarg, NULL, 10); break;
		case 'd': debug = 1; break;
		default: usage();
		}
	}
	if (pc.local_as == 0 || pc.remote_as == 0 || pc.router_id == 0 || pc.remote.af == 0)
		usage();
	log_init("bgp_speaker", debug ? LOG_LVL_DEBUG : LOG_LVL_INFO, 0);
	for (i = optind; i < argc; i++) {
		if (prefix_parse(argv[i], &pfx, &why) == -1)
			fatalx("%s: %s", argv[i], why);
		if (count > 0)
			add_count(&s, &pfx, count, &a);
		else
			add_route(&s, &pfx, &a);
	}
	s.l = loop_new();
	if (s.l == NULL)
		fatal("loop");
	s.b = bgp_new(s.l, &cb, &s);
	s.p = bgp_peer_add(s.b, &pc);
	if (s.p == NULL)
		fatalx("cannot add peer");
	bgp_peer_set_routes(s.p, s.routes, s.nroutes);
	fd_nonblock_cloexec(0);
	loop_fd_add(s.l, 0, EPOLLIN, on_stdin, &s);
	loop_run(s.l);
	if (s.b != NULL)
		bgp_free(s.b, NULL);
	loop_free(s.l);
	free(s.routes);
	return s.rc;
}
