/* zone: RFC 1035 master-file parser and the in-memory zone with its owner-name hash. */
#include "dnsd/zone.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/util.h"

#define MAX_TOKS        512
#define MAX_INCLUDE     8
#define MAX_ERRORS      100
#define RDATA_MAX       65535
#define TTL_MAX         0x7fffffffu
#define CNAME_IGNORE(t) ((t) == DNS_T_RRSIG || (t) == DNS_T_NSEC)

struct tok {
	const char *s;
	size_t n;
	bool quoted;
};

struct lexer {
	const char *file;
	const char *p;
	size_t len;
	size_t pos;
	unsigned line;
	int paren;
};

/* Per-file state: $INCLUDE gets a copy, so the including file's origin is unaffected. */
struct pstate {
	const char *file;
	uint8_t origin[DNS_NAME_MAX];
	uint8_t owner[DNS_NAME_MAX];
	bool have_owner;
	bool have_ttl;
	uint32_t ttl;    /* $TTL, or the last explicit TTL */
	bool dollar_ttl; /* ttl came from $TTL */
	unsigned depth;
};

struct loader {
	struct zone *z;
	zone_err_cb cb;
	void *arg;
	unsigned errors;
	unsigned lastline;
	uint8_t rdbuf[RDATA_MAX];
};

static void perr(struct loader *ld, const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
perr(struct loader *ld, const char *file, unsigned line, const char *fmt, ...)
{
	char msg[512];
	int n;
	va_list ap;

	ld->errors++;
	if (ld->errors > MAX_ERRORS)
		return;
	n = snprintf(msg, sizeof(msg), "%s:%u: ", file, line);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	if (ld->cb)
		ld->cb(ld->arg, msg);
	else
		log_warnx("%s", msg);
}

/* ---- the hash of owner names ---- */

static void
hash_insert(struct zone *z, struct zone_node *n)
{
	size_t i = n->hash & z->hmask;

	n->hnext = z->hash[i];
	z->hash[i] = n;
}

static void
hash_grow(struct zone *z)
{
	size_t size = (z->hmask + 1) * 2;

	free(z->hash);
	z->hash = xcalloc(size, sizeof(*z->hash));
	z->hmask = size - 1;
	for (size_t i = 0; i < z->nnodes; i++)
		hash_insert(z, z->nodes[i]);
}

const struct zone_node *
zone_lookup(const struct zone *z, const uint8_t *name)
{
	uint32_t h = dns_name_hash(name);

	for (const struct zone_node *n = z->hash[h & z->hmask]; n; n = n->hnext)
		if (n->hash == h && dns_name_eq(n->name, name))
			return n;
	return NULL;
}

const struct zone_rrset *
zone_node_rrset(const struct zone_node *n, uint16_t type)
{
	for (uint16_t i = 0; i < n->nsets; i++)
		if (n->sets[i].type == type)
			return &n->sets[i];
	return NULL;
}

/* The node for name, created with every missing ancestor up to the apex (empty
 * non-terminals exist as nodes so that they answer NODATA, RFC 4592 2.2.2). */
static struct zone_node *
node_get(struct zone *z, const uint8_t *name)
{
	struct zone_node *n = (struct zone_node *)zone_lookup(z, name);

	if (n != NULL)
		return n;
	if (dns_name_labels(name) > z->labels)
		node_get(z, dns_name_parent(name, 1));
	n = xcalloc(1, sizeof(*n));
	memcpy(n->name, name, dns_name_len(name));
	n->hash = dns_name_hash(name);
	if (z->nnodes % 64 == 0)
		z->nodes = xreallocarray(z->nodes, z->nnodes + 64, sizeof(*z->nodes));
	z->nodes[z->nnodes++] = n;
	if (z->nnodes * 4 > (z->hmask + 1) * 3)
		hash_grow(z);
	else
		hash_insert(z, n);
	return n;
}

static void
node_free(struct zone_node *n)
{
	for (uint16_t i = 0; i < n->nsets; i++) {
		for (uint16_t k = 0; k < n->sets[i].count; k++)
			free(n->sets[i].rr[k].data);
		free(n->sets[i].rr);
	}
	free(n->sets);
	free(n);
}

void
zone_free(struct zone *z)
{
	if (z == NULL)
		return;
	for (size_t i = 0; i < z->nnodes; i++)
		node_free(z->nodes[i]);
	free(z->nodes);
	free(z->hash);
	free(z->path);
	free(z);
}

/* ---- the lexer: entries of tokens, parentheses joining lines, comments dropped ---- */

static bool
is_delim(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '(' ||
	       c == ')' || c == '"';
}

/* lex_entry: the tokens of the next entry; 1, 0 at the end, -1 with *why on error. */
static int
lex_entry(
    struct lexer *lx, struct tok *t, size_t *nt, bool *blank, unsigned *line, const char **why)
{
	bool bol = lx->pos == 0 || lx->p[lx->pos - 1] == '\n';

	*nt = 0;
	while (lx->pos < lx->len) {
		char c = lx->p[lx->pos];
		size_t start;

		if (bol && *nt == 0)
			*blank = c == ' ' || c == '\t';
		bol = false;
		if (c == '\n') {
			lx->line++;
			lx->pos++;
			bol = true;
			if (lx->paren == 0 && *nt > 0)
				return 1;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			lx->pos++;
			continue;
		}
		if (c == ';') {
			while (lx->pos < lx->len && lx->p[lx->pos] != '\n')
				lx->pos++;
			continue;
		}
		if (c == '(' || c == ')') {
			if (c == ')' && lx->paren == 0) {
				*why = "unbalanced ')'";
				return -1;
			}
			lx->paren += c == '(' ? 1 : -1;
			lx->pos++;
			continue;
		}
		if (*nt == MAX_TOKS) {
			*why = "too many fields";
			return -1;
		}
		if (*nt == 0)
			*line = lx->line;
		if (c == '"') {
			start = ++lx->pos;
			while (lx->pos < lx->len && lx->p[lx->pos] != '"') {
				if (lx->p[lx->pos] == '\\' && lx->pos + 1 < lx->len)
					lx->pos++;
				if (lx->p[lx->pos] == '\n')
					lx->line++;
				lx->pos++;
			}
			if (lx->pos >= lx->len) {
				*why = "unterminated quoted string";
				return -1;
			}
			t[*nt] = (struct tok){lx->p + start, lx->pos - start, true};
			lx->pos++;
		} else {
			start = lx->pos;
			while (lx->pos < lx->len && !is_delim(lx->p[lx->pos])) {
				if (lx->p[lx->pos] == '\\' && lx->pos + 1 < lx->len &&
				    lx->p[lx->pos + 1] != '\n')
					lx->pos++;
				lx->pos++;
			}
			t[*nt] = (struct tok){lx->p + start, lx->pos - start, false};
		}
		(*nt)++;
	}
	if (lx->paren > 0) {
		*why = "unbalanced '(' at end of file";
		return -1;
	}
	return *nt > 0;
}

/* ---- field parsers ---- */

static bool
tok_is(const struct tok *t, const char *s)
{
	return !t->quoted && strlen(s) == t->n && strncasecmp(t->s, s, t->n) == 0;
}

static int
parse_u32(const struct tok *t, uint32_t max, uint32_t *v)
{
	uint64_t x = 0;

	if (t->n == 0 || t->n > 10 || t->quoted)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(t->s[i] - '0');
	}
	if (x > max)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* A TTL: seconds, or BIND-style units ("1h30m", "2d", "1w"). */
static int
parse_ttl(const struct tok *t, uint32_t *v)
{
	uint64_t total = 0, cur = 0;
	bool digits = false, unit = false;

	if (t->n == 0 || t->quoted || t->s[0] < '0' || t->s[0] > '9')
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		char c = t->s[i];
		uint64_t mul;

		if (c >= '0' && c <= '9') {
			cur = cur * 10 + (uint64_t)(c - '0');
			digits = true;
			if (cur > TTL_MAX)
				return -1;
			continue;
		}
		switch (c | 0x20) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		case 'w': mul = 604800; break;
		default: return -1;
		}
		if (!digits)
			return -1;
		total += cur * mul;
		cur = 0;
		digits = false;
		unit = true;
	}
	if (digits && unit)
		return -1; /* "1h30" */
	total += cur;
	if (total > TTL_MAX)
		return -1;
	*v = (uint32_t)total;
	return 0;
}

static int
parse_name(const struct pstate *ps, const struct tok *t, uint8_t *out, const char **why)
{
	size_t len;

	if (t->quoted) {
		*why = "a name cannot be quoted";
		return -1;
	}
	return dns_name_from_text(t->s, t->n, ps->origin, out, &len, why);
}

static void
put_name(struct wbuf *w, const uint8_t *name)
{
	wbuf_bytes(w, name, dns_name_len(name));
}

/* A <character-string>: \DDD and \X escapes resolved, at most 255 bytes. */
static int
put_charstr(struct wbuf *w, const struct tok *t, size_t maxlen, bool prefix, const char **why)
{
	size_t at = prefix ? wbuf_reserve(w, 1) : 0, n = 0;

	for (size_t i = 0; i < t->n; i++) {
		unsigned c = (unsigned char)t->s[i];

		if (c == '\\' && i + 1 < t->n) {
			if (t->s[i + 1] >= '0' && t->s[i + 1] <= '9') {
				if (i + 3 >= t->n) {
					*why = "bad \\DDD escape";
					return -1;
				}
				c = 0;
				for (size_t k = 1; k <= 3; k++) {
					if (t->s[i + k] < '0' || t->s[i + k] > '9') {
						*why = "bad \\DDD escape";
						return -1;
					}
					c = c * 10 + (unsigned)(t->s[i + k] - '0');
				}
				if (c > 255) {
					*why = "bad \\DDD escape";
					return -1;
				}
				i += 3;
			} else {
				c = (unsigned char)t->s[++i];
			}
		}
		wbuf_u8(w, (uint8_t)c);
		n++;
	}
	if (n > maxlen) {
		*why = "character string longer than 255";
		return -1;
	}
	if (prefix)
		wbuf_put_u8_at(w, at, (uint8_t)n);
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* RFC 3597 5: \# LENGTH HEX..., the hex possibly split into several fields. */
static int
rdata_generic(const struct tok *t, size_t n, struct wbuf *w, const char **why)
{
	uint32_t len;
	size_t got = 0;
	int hi = -1;

	if (n < 2 || parse_u32(&t[1], 65535, &len)) {
		*why = "bad \\# length";
		return -1;
	}
	for (size_t i = 2; i < n; i++) {
		for (size_t k = 0; k < t[i].n; k++) {
			int v = hexval(t[i].s[k]);

			if (v < 0 || t[i].quoted) {
				*why = "bad hex in \\# data";
				return -1;
			}
			if (hi < 0) {
				hi = v;
			} else {
				wbuf_u8(w, (uint8_t)(hi << 4 | v));
				hi = -1;
				got++;
			}
		}
	}
	if (hi >= 0 || got != len) {
		*why = "\\# data does not match its length";
		return -1;
	}
	return 0;
}

static int
want_fields(size_t n, size_t want, const char **why)
{
	if (n < want) {
		*why = "missing RDATA fields";
		return -1;
	}
	if (n > want) {
		*why = "too many RDATA fields";
		return -1;
	}
	return 0;
}

static int
rdata_parse(const struct pstate *ps, uint16_t type, const struct tok *t, size_t n, struct wbuf *w,
    const char **why)
{
	uint8_t name[DNS_NAME_MAX], addr[16];
	uint32_t v[5];
	char tmp[64];

	if (n >= 1 && tok_is(&t[0], "\\#"))
		return rdata_generic(t, n, w, why);
	switch (type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (want_fields(n, 1, why))
			return -1;
		if (t[0].n >= sizeof(tmp) || t[0].quoted)
			goto bad_addr;
		memcpy(tmp, t[0].s, t[0].n);
		tmp[t[0].n] = '\0';
		if (inet_pton(type == DNS_T_A ? AF_INET : AF_INET6, tmp, addr) != 1)
			goto bad_addr;
		wbuf_bytes(w, addr, type == DNS_T_A ? 4 : 16);
		return 0;
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR:
		if (want_fields(n, 1, why) || parse_name(ps, &t[0], name, why))
			return -1;
		put_name(w, name);
		return 0;
	case DNS_T_MX:
		if (want_fields(n, 2, why))
			return -1;
		if (parse_u32(&t[0], 65535, &v[0])) {
			*why = "bad MX preference";
			return -1;
		}
		if (parse_name(ps, &t[1], name, why))
			return -1;
		wbuf_u16(w, (uint16_t)v[0]);
		put_name(w, name);
		return 0;
	case DNS_T_TXT:
		if (n == 0) {
			*why = "missing RDATA fields";
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			if (put_charstr(w, &t[i], 255, true, why))
				return -1;
		return 0;
	case DNS_T_SOA:
		if (want_fields(n, 7, why) || parse_name(ps, &t[0], name, why))
			return -1;
		put_name(w, name);
		if (parse_name(ps, &t[1], name, why))
			return -1;
		put_name(w, name);
		if (parse_u32(&t[2], 0xffffffffu, &v[0])) {
			*why = "bad SOA serial";
			return -1;
		}
		for (int i = 1; i < 5; i++) {
			if (parse_ttl(&t[2 + i], &v[i])) {
				*why = "bad SOA timer";
				return -1;
			}
		}
		for (int i = 0; i < 5; i++)
			wbuf_u32(w, v[i]);
		return 0;
	case DNS_T_SRV:
		if (want_fields(n, 4, why))
			return -1;
		for (int i = 0; i < 3; i++) {
			if (parse_u32(&t[i], 65535, &v[i])) {
				*why = "bad SRV priority, weight or port";
				return -1;
			}
		}
		if (parse_name(ps, &t[3], name, why))
			return -1;
		for (int i = 0; i < 3; i++)
			wbuf_u16(w, (uint16_t)v[i]);
		put_name(w, name);
		return 0;
	case DNS_T_CAA:
		/* RFC 8659 4.1.1: flags tag value */
		if (want_fields(n, 3, why))
			return -1;
		if (parse_u32(&t[0], 255, &v[0])) {
			*why = "bad CAA flags";
			return -1;
		}
		if (t[1].quoted || t[1].n == 0 || t[1].n > 255)
			goto bad_tag;
		for (size_t i = 0; i < t[1].n; i++) {
			char c = t[1].s[i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			        (c >= '0' && c <= '9')))
				goto bad_tag;
		}
		wbuf_u8(w, (uint8_t)v[0]);
		wbuf_u8(w, (uint8_t)t[1].n);
		wbuf_bytes(w, t[1].s, t[1].n);
		return put_charstr(w, &t[2], RDATA_MAX, false, why);
	default: {
		char tb[DNS_TYPE_TEXTMAX];
		static char msg[64];

		snprintf(msg, sizeof(msg), "type %s needs the \\# generic form",
		    dns_type_to_text(type, tb));
		*why = msg;
		return -1;
	}
	}
bad_addr:
	*why = type == DNS_T_A ? "bad IPv4 address" : "bad IPv6 address";
	return -1;
bad_tag:
	*why = "bad CAA tag";
	return -1;
}

/* ---- adding records ---- */

static bool
rdata_eq(const struct zone_rdata *r, const uint8_t *d, size_t len)
{
	return r->len == len && memcmp(r->data, d, len) == 0;
}

static int
node_add(struct loader *ld, const struct pstate *ps, unsigned line, const uint8_t *owner,
    uint16_t type, uint32_t ttl, const uint8_t *rd, size_t rdlen)
{
	struct zone *z = ld->z;
	struct zone_node *n;
	struct zone_rrset *set = NULL;
	char nt[DNS_NAME_TEXTMAX];

	if (!dns_name_is_sub(owner, z->origin)) {
		dns_name_to_text(owner, nt, sizeof(nt));
		perr(ld, ps->file, line, "%s is outside the zone", nt);
		return -1;
	}
	n = node_get(z, owner);
	for (uint16_t i = 0; i < n->nsets; i++) {
		uint16_t t = n->sets[i].type;

		if (t == type)
			set = &n->sets[i];
		else if ((type == DNS_T_CNAME && !CNAME_IGNORE(t)) ||
		         (t == DNS_T_CNAME && !CNAME_IGNORE(type)))
			goto cname;
	}
	if (type == DNS_T_SOA && (n != z->apex || (set && !rdata_eq(&set->rr[0], rd, rdlen)))) {
		perr(ld, ps->file, line, n != z->apex ? "SOA outside the zone apex" : "second SOA");
		return -1;
	}
	if (set == NULL) {
		n->sets = xreallocarray(n->sets, n->nsets + 1u, sizeof(*n->sets));
		set = &n->sets[n->nsets++];
		*set = (struct zone_rrset){.type = type, .ttl = ttl};
	}
	for (uint16_t i = 0; i < set->count; i++)
		if (rdata_eq(&set->rr[i], rd, rdlen))
			return 0; /* RFC 2181 5: an RRset has no duplicates */
	if (type == DNS_T_CNAME && set->count > 0)
		goto cname;
	if (set->count == UINT16_MAX) {
		perr(ld, ps->file, line, "too many records in one RRset");
		return -1;
	}
	if (ttl < set->ttl)
		set->ttl = ttl; /* RFC 2181 5.2: one TTL per RRset */
	set->rr = xreallocarray(set->rr, set->count + 1u, sizeof(*set->rr));
	set->rr[set->count].len = (uint16_t)rdlen;
	set->rr[set->count].data = xmalloc(rdlen ? rdlen : 1);
	memcpy(set->rr[set->count].data, rd, rdlen);
	set->count++;
	z->nrecords++;
	return 0;
cname:
	dns_name_to_text(owner, nt, sizeof(nt));
	perr(ld, ps->file, line, "CNAME beside other data at %s", nt);
	return -1;
}

/* ---- entries and files ---- */

static int parse_file(struct loader *ld, struct pstate *ps, const char *path, unsigned line);

static int
directive(struct loader *ld, struct pstate *ps, const struct tok *t, size_t n, unsigned line)
{
	const char *why;
	char path[4096];

	if (tok_is(&t[0], "$ORIGIN")) {
		uint8_t origin[DNS_NAME_MAX];

		if (n != 2) {
			perr(ld, ps->file, line, "$ORIGIN takes one name");
			return -1;
		}
		/* a relative name extends the current origin: not parsed in place over it */
		if (parse_name(ps, &t[1], origin, &why)) {
			perr(ld, ps->file, line, "bad $ORIGIN: %s", why);
			return -1;
		}
		memcpy(ps->origin, origin, sizeof(origin));
		return 0;
	}
	if (tok_is(&t[0], "$TTL")) {
		if (n != 2 || parse_ttl(&t[1], &ps->ttl)) {
			perr(ld, ps->file, line, "bad $TTL");
			return -1;
		}
		ps->have_ttl = ps->dollar_ttl = true;
		return 0;
	}
	if (tok_is(&t[0], "$INCLUDE")) {
		struct pstate sub = *ps;
		const char *slash = strrchr(ps->file, '/');
		int len;

		if (n < 2 || n > 3) {
			perr(ld, ps->file, line, "$INCLUDE takes a file and an optional origin");
			return -1;
		}
		if (n == 3 && parse_name(ps, &t[2], sub.origin, &why)) {
			perr(ld, ps->file, line, "bad $INCLUDE origin: %s", why);
			return -1;
		}
		/* a relative path is relative to the including file's directory */
		if (t[1].s[0] == '/' || slash == NULL)
			len = snprintf(path, sizeof(path), "%.*s", (int)t[1].n, t[1].s);
		else
			len = snprintf(path, sizeof(path), "%.*s/%.*s", (int)(slash - ps->file),
			    ps->file, (int)t[1].n, t[1].s);
		if (len < 0 || (size_t)len >= sizeof(path)) {
			perr(ld, ps->file, line, "$INCLUDE path too long");
			return -1;
		}
		if (ps->depth >= MAX_INCLUDE) {
			perr(ld, ps->file, line, "$INCLUDE nested too deeply");
			return -1;
		}
		sub.depth++;
		return parse_file(ld, &sub, path, line);
	}
	perr(ld, ps->file, line, "unknown directive %.*s", (int)t[0].n, t[0].s);
	return -1;
}

static int
record(
    struct loader *ld, struct pstate *ps, const struct tok *t, size_t n, bool blank, unsigned line)
{
	size_t i = 0;
	uint32_t ttl = ps->ttl;
	bool have_ttl = false, have_class = false;
	uint16_t cls, type;
	const char *why;
	struct wbuf w;

	if (!blank) {
		uint8_t owner[DNS_NAME_MAX];

		/* parsed aside: a name that fails half written must not become the owner */
		if (parse_name(ps, &t[0], owner, &why)) {
			perr(ld, ps->file, line, "bad owner name: %s", why);
			return -1;
		}
		memcpy(ps->owner, owner, sizeof(owner));
		ps->have_owner = true;
		i = 1;
	} else if (!ps->have_owner) {
		perr(ld, ps->file, line, "no owner name");
		return -1;
	}
	for (int k = 0; k < 2 && i < n; k++) {
		if (!have_ttl && !t[i].quoted && t[i].s[0] >= '0' && t[i].s[0] <= '9') {
			if (parse_ttl(&t[i], &ttl)) {
				perr(ld, ps->file, line, "bad TTL %.*s", (int)t[i].n, t[i].s);
				return -1;
			}
			have_ttl = true;
			i++;
		} else if (!have_class && !t[i].quoted &&
		           dns_class_from_text(t[i].s, t[i].n, &cls) == 0) {
			if (cls != DNS_C_IN) {
				perr(ld, ps->file, line, "class %.*s is not supported", (int)t[i].n,
				    t[i].s);
				return -1;
			}
			have_class = true;
			i++;
		}
	}
	if (i >= n) {
		perr(ld, ps->file, line, "missing type");
		return -1;
	}
	if (t[i].quoted || dns_type_from_text(t[i].s, t[i].n, &type)) {
		perr(ld, ps->file, line, "unknown type %.*s", (int)t[i].n, t[i].s);
		return -1;
	}
	if (type == DNS_T_OPT || (type >= DNS_T_IXFR && type <= DNS_T_ANY) || type == 0) {
		perr(ld, ps->file, line, "type %.*s cannot be in a zone", (int)t[i].n, t[i].s);
		return -1;
	}
	if (have_ttl) {
		if (!ps->dollar_ttl) {
			ps->ttl = ttl; /* RFC 1035 5.1: the last explicit TTL */
			ps->have_ttl = true;
		}
	} else if (!ps->have_ttl) {
		perr(ld, ps->file, line, "no TTL and no $TTL before it");
		return -1;
	}
	wbuf_init(&w, ld->rdbuf, sizeof(ld->rdbuf));
	if (rdata_parse(ps, type, t + i + 1, n - i - 1, &w, &why)) {
		char tb[DNS_TYPE_TEXTMAX];

		perr(ld, ps->file, line, "bad %s: %s", dns_type_to_text(type, tb), why);
		return -1;
	}
	if (w.err) {
		perr(ld, ps->file, line, "RDATA longer than 65535 bytes");
		return -1;
	}
	return node_add(ld, ps, line, ps->owner, type, ttl, ld->rdbuf, w.len);
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *p = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL)
		return NULL;
	for (;;) {
		size_t got;

		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			p = xreallocarray(p, cap, 1);
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*len = n;
	return p;
}

static int
parse_file(struct loader *ld, struct pstate *ps, const char *path, unsigned incline)
{
	struct lexer lx = {.file = path, .line = 1};
	struct tok *t = xcalloc(MAX_TOKS, sizeof(*t));
	char *text;
	size_t n;
	bool blank = false;
	unsigned line = 1;
	const char *why;
	int rc;

	text = read_file(path, &lx.len);
	if (text == NULL) {
		perr(ld, ps->depth ? ps->file : path, incline, "cannot read %s: %s", path,
		    strerror(errno));
		free(t);
		return -1;
	}
	lx.p = text;
	ps->file = path;
	while ((rc = lex_entry(&lx, t, &n, &blank, &line, &why)) > 0) {
		if (!blank && !t[0].quoted && t[0].n > 0 && t[0].s[0] == '$')
			directive(ld, ps, t, n, line);
		else
			record(ld, ps, t, n, blank, line);
	}
	if (rc < 0)
		perr(ld, path, lx.line, "%s", why);
	ld->lastline = lx.line;
	free(text);
	free(t);
	return rc;
}

struct zone *
zone_load(const char *origin, const char *path, zone_err_cb cb, void *arg)
{
	struct loader *ld = xcalloc(1, sizeof(*ld));
	struct pstate ps = {.file = path};
	struct zone *z = xcalloc(1, sizeof(*z));
	const struct zone_rrset *soa;
	const char *why;

	ld->z = z;
	ld->cb = cb;
	ld->arg = arg;
	z->path = xstrdup(path);
	z->hmask = 63;
	z->hash = xcalloc(z->hmask + 1, sizeof(*z->hash));
	if (dns_name_from_text(origin, strlen(origin), NULL, z->origin, &z->originlen, &why)) {
		perr(ld, path, 0, "bad zone name %s: %s", origin, why);
		goto fail;
	}
	z->labels = dns_name_labels(z->origin);
	z->apex = node_get(z, z->origin);
	memcpy(ps.origin, z->origin, z->originlen);
	parse_file(ld, &ps, path, 0);
	soa = zone_node_rrset(z->apex, DNS_T_SOA);
	if (soa == NULL && ld->errors == 0)
		perr(ld, path, ld->lastline, "no SOA record at the zone apex");
	if (ld->errors)
		goto fail;
	z->soa = soa;
	{
		const uint8_t *rd = soa->rr[0].data;
		size_t off = dns_name_len(rd);
		uint32_t min;

		off += dns_name_len(rd + off) + 16;
		min = (uint32_t)rd[off] << 24 | (uint32_t)rd[off + 1] << 16 |
		      (uint32_t)rd[off + 2] << 8 | rd[off + 3];
		z->neg_ttl = MIN(soa->ttl, min);
	}
	for (size_t i = 0; i < z->nnodes; i++)
		z->nodes[i]->cut = z->nodes[i] != z->apex && zone_node_rrset(z->nodes[i], DNS_T_NS);
	free(ld);
	return z;
fail:
	free(ld);
	zone_free(z);
	return NULL;
}

const struct zone *
zone_set_find(const struct zone_set *zs, const uint8_t *name)
{
	const struct zone *best = NULL;

	if (zs == NULL)
		return NULL;
	for (size_t i = 0; i < zs->n; i++) {
		const struct zone *z = zs->z[i];

		if ((best == NULL || z->labels > best->labels) && dns_name_is_sub(name, z->origin))
			best = z;
	}
	return best;
}

void
zone_set_free(struct zone_set *zs)
{
	if (zs == NULL)
		return;
	for (size_t i = 0; i < zs->n; i++)
		zone_free(zs->z[i]);
	free(zs->z);
	free(zs);
}
