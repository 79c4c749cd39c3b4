/* dnswire: the DNS wire format, names, EDNS and presentation of RDATA. */
#include "lib/dnswire.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"

/*
 *  0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * |                      ID                       |
 * |QR|  Opcode   |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
 * |         QDCOUNT / ANCOUNT / NSCOUNT / ARCOUNT |
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+   RFC 1035 4.1.1
 */
int
dns_header_get(struct buf *b, struct dns_header *h)
{
	if (buf_get_u16(b, &h->id) || buf_get_u16(b, &h->flags) || buf_get_u16(b, &h->qdcount) ||
	    buf_get_u16(b, &h->ancount) || buf_get_u16(b, &h->nscount) ||
	    buf_get_u16(b, &h->arcount))
		return -1;
	return 0;
}

void
dns_header_put(struct wbuf *w, const struct dns_header *h)
{
	wbuf_u16(w, h->id);
	wbuf_u16(w, h->flags);
	wbuf_u16(w, h->qdcount);
	wbuf_u16(w, h->ancount);
	wbuf_u16(w, h->nscount);
	wbuf_u16(w, h->arcount);
}

static inline uint8_t
lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

static bool
label_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

/* RFC 1035 4.1.4: a label is 00xxxxxx (length) or 11xxxxxx xxxxxxxx (pointer to an
 * offset from the start of the message). Every pointer must point before the start of the
 * run of labels that led to it, so targets strictly decrease and loops are impossible. */
int
dns_name_get(struct buf *b, uint8_t out[DNS_NAME_MAX], size_t *outlen)
{
	size_t pos = b->off, limit = b->off, after = 0, n = 0;
	bool jumped = false;

	for (;;) {
		uint8_t c;

		if (pos >= b->len)
			return -1;
		c = b->p[pos];
		if ((c & 0xc0) == 0xc0) {
			size_t ptr;

			if (pos + 1 >= b->len)
				return -1;
			ptr = (size_t)(c & 0x3f) << 8 | b->p[pos + 1];
			if (ptr >= limit)
				return -1;
			if (!jumped)
				after = pos + 2;
			jumped = true;
			limit = ptr;
			pos = ptr;
			continue;
		}
		if (c & 0xc0)
			return -1;
		if (pos + 1 + c > b->len || n + 1 + c > DNS_NAME_MAX)
			return -1;
		memcpy(out + n, b->p + pos, 1 + (size_t)c);
		n += 1 + (size_t)c;
		pos += 1 + (size_t)c;
		if (c == 0)
			break;
	}
	b->off = jumped ? after : pos;
	*outlen = n;
	return 0;
}

/* Whether the (possibly compressed, self-written) name at off in w equals suffix s. */
static bool
ctable_match(const struct wbuf *w, size_t off, const uint8_t *s)
{
	unsigned hops = 0;

	for (;;) {
		uint8_t c;

		if (off >= w->len)
			return false;
		c = w->p[off];
		if ((c & 0xc0) == 0xc0) {
			if (off + 1 >= w->len || ++hops > 128)
				return false;
			off = (size_t)(c & 0x3f) << 8 | w->p[off + 1];
			continue;
		}
		if (c != *s)
			return false;
		if (c == 0)
			return true;
		if (off + 1 + c > w->len || !label_eq(w->p + off + 1, s + 1, c))
			return false;
		off += 1 + (size_t)c;
		s += 1 + (size_t)c;
	}
}

void
dns_name_put(struct wbuf *w, const uint8_t *name, struct dns_ctable *ct)
{
	size_t i = 0;

	while (name[i] != 0) {
		if (ct != NULL && !w->err) {
			for (size_t k = 0; k < ct->n; k++) {
				if (ctable_match(w, ct->off[k], name + i)) {
					wbuf_u16(w, (uint16_t)(0xc000 | ct->off[k]));
					return;
				}
			}
			if (w->len < 0x4000 && ct->n < DNS_CTABLE_MAX)
				ct->off[ct->n++] = (uint16_t)w->len;
		}
		wbuf_bytes(w, name + i, 1 + (size_t)name[i]);
		i += 1 + (size_t)name[i];
	}
	wbuf_u8(w, 0);
}

size_t
dns_name_len(const uint8_t *name)
{
	size_t i = 0;

	while (name[i] != 0)
		i += 1 + (size_t)name[i];
	return i + 1;
}

bool
dns_name_check(const uint8_t *name, size_t len)
{
	size_t i = 0;

	if (len > DNS_NAME_MAX)
		return false;
	while (i < len) {
		if (name[i] > DNS_LABEL_MAX)
			return false;
		if (name[i] == 0)
			return i + 1 == len;
		i += 1 + (size_t)name[i];
	}
	return false;
}

bool
dns_name_eq(const uint8_t *a, const uint8_t *b)
{
	for (;;) {
		if (*a != *b)
			return false;
		if (*a == 0)
			return true;
		if (!label_eq(a + 1, b + 1, *a))
			return false;
		a += 1 + (size_t)*a;
		b += 1 + (size_t)*b;
	}
}

unsigned
dns_name_labels(const uint8_t *name)
{
	unsigned n = 0;

	while (*name != 0) {
		name += 1 + (size_t)*name;
		n++;
	}
	return n;
}

const uint8_t *
dns_name_parent(const uint8_t *name, unsigned n)
{
	while (n-- > 0 && *name != 0)
		name += 1 + (size_t)*name;
	return name;
}

bool
dns_name_is_sub(const uint8_t *name, const uint8_t *parent)
{
	unsigned nl = dns_name_labels(name), pl = dns_name_labels(parent);

	if (nl < pl)
		return false;
	return dns_name_eq(dns_name_parent(name, nl - pl), parent);
}

void
dns_name_lower(uint8_t *name)
{
	while (*name != 0) {
		size_t n = *name;

		for (size_t i = 1; i <= n; i++)
			name[i] = lower(name[i]);
		name += 1 + n;
	}
}

uint32_t
dns_name_hash(const uint8_t *name)
{
	uint32_t h = 2166136261u;
	size_t len = dns_name_len(name);

	for (size_t i = 0; i < len; i++) {
		h ^= lower(name[i]);
		h *= 16777619u;
	}
	return h;
}

/* Presentation form (RFC 1035 5.1): labels separated by dots, "\X" quotes X, "\DDD" is a
 * decimal byte value, a trailing dot makes the name absolute, "@" alone is the origin. */
int
dns_name_from_text(const char *s, size_t n, const uint8_t *origin, uint8_t out[DNS_NAME_MAX],
    size_t *outlen, const char **why)
{
	size_t o, lab = 0, i = 0;
	bool absolute = false;

	*why = "name too long";
	if (n == 0) {
		*why = "empty name";
		return -1;
	}
	if (n == 1 && s[0] == '@') {
		if (origin == NULL) {
			*why = "@ without an origin";
			return -1;
		}
		*outlen = dns_name_len(origin);
		memcpy(out, origin, *outlen);
		return 0;
	}
	if (n == 1 && s[0] == '.') {
		out[0] = 0;
		*outlen = 1;
		return 0;
	}
	out[0] = 0;
	while (i < n) {
		unsigned c = (unsigned char)s[i++];

		if (c == '.') {
			if (out[lab] == 0) {
				*why = "empty label";
				return -1;
			}
			if (i == n)
				absolute = true;
			lab += 1 + (size_t)out[lab];
			if (lab >= DNS_NAME_MAX)
				return -1;
			out[lab] = 0;
			continue;
		}
		if (c == '\\') {
			if (i >= n) {
				*why = "trailing backslash";
				return -1;
			}
			if (s[i] >= '0' && s[i] <= '9') {
				if (i + 3 > n || s[i + 1] < '0' || s[i + 1] > '9' ||
				    s[i + 2] < '0' || s[i + 2] > '9') {
					*why = "bad \\DDD escape";
					return -1;
				}
				c = (unsigned)(s[i] - '0') * 100 + (unsigned)(s[i + 1] - '0') * 10 +
				    (unsigned)(s[i + 2] - '0');
				if (c > 255) {
					*why = "bad \\DDD escape";
					return -1;
				}
				i += 3;
			} else {
				c = (unsigned char)s[i++];
			}
		}
		if (out[lab] == DNS_LABEL_MAX) {
			*why = "label longer than 63";
			return -1;
		}
		if (lab + 1 + out[lab] + 1 >= DNS_NAME_MAX)
			return -1;
		out[lab + 1 + out[lab]] = (uint8_t)c;
		out[lab]++;
	}
	/* close the last label */
	if (out[lab] != 0)
		lab += 1 + out[lab];
	o = lab;
	if (absolute || origin == NULL) {
		if (o + 1 > DNS_NAME_MAX)
			return -1;
		out[o++] = 0;
	} else {
		size_t ol = dns_name_len(origin);

		if (o + ol > DNS_NAME_MAX)
			return -1;
		memcpy(out + o, origin, ol);
		o += ol;
	}
	*outlen = o;
	return 0;
}

static bool
special(uint8_t c)
{
	return c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' || c == '@' ||
	       c == '$';
}

/* A bounded text writer: a sticky error when out of room, like struct wbuf. */
struct text {
	char *p;
	size_t cap;
	size_t len;
	bool err;
};

static void
text_putc(struct text *t, char c)
{
	if (t->err || t->len + 1 >= t->cap) {
		t->err = true;
		return;
	}
	t->p[t->len++] = c;
	t->p[t->len] = '\0';
}

static void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->cap - t->len) {
		t->err = true;
		t->p[t->len] = '\0';
		return;
	}
	t->len += (size_t)n;
}

static void
text_init(struct text *t, char *p, size_t cap)
{
	t->p = p;
	t->cap = cap;
	t->len = 0;
	t->err = cap == 0;
	if (cap)
		p[0] = '\0';
}

static int
text_done(const struct text *t)
{
	return t->err ? -1 : (int)t->len;
}

static void
text_name(struct text *t, const uint8_t *name)
{
	if (*name == 0) {
		text_putc(t, '.');
		return;
	}
	while (*name != 0) {
		size_t n = *name;

		for (size_t i = 1; i <= n; i++) {
			uint8_t c = name[i];

			if (c <= 0x20 || c >= 0x7f)
				text_printf(t, "\\%03u", c);
			else if (special(c)) {
				text_putc(t, '\\');
				text_putc(t, (char)c);
			} else
				text_putc(t, (char)c);
		}
		text_putc(t, '.');
		name += 1 + n;
	}
}

int
dns_name_to_text(const uint8_t *name, char *out, size_t cap)
{
	struct text t;

	text_init(&t, out, cap);
	text_name(&t, name);
	return text_done(&t);
}

int
dns_question_get(struct buf *b, struct dns_question *q)
{
	if (dns_name_get(b, q->name, &q->namelen) || buf_get_u16(b, &q->qtype) ||
	    buf_get_u16(b, &q->qclass))
		return -1;
	return 0;
}

void
dns_question_put(struct wbuf *w, const struct dns_question *q, struct dns_ctable *ct)
{
	dns_name_put(w, q->name, ct);
	wbuf_u16(w, q->qtype);
	wbuf_u16(w, q->qclass);
}

/* RFC 1035 4.1.3: NAME, TYPE, CLASS, TTL (32), RDLENGTH, RDATA. */
int
dns_rr_get(struct buf *b, struct dns_rr *rr)
{
	if (dns_name_get(b, rr->name, &rr->namelen) || buf_get_u16(b, &rr->type) ||
	    buf_get_u16(b, &rr->rclass) || buf_get_u32(b, &rr->ttl) || buf_get_u16(b, &rr->rdlen) ||
	    buf_left(b) < rr->rdlen)
		return -1;
	rr->rdata.p = b->p;
	rr->rdata.off = b->off;
	rr->rdata.len = b->off + rr->rdlen;
	b->off += rr->rdlen;
	return 0;
}

int
dns_msg_skip_sections(struct buf *b, const struct dns_header *h, unsigned sections)
{
	struct dns_question q;
	struct dns_rr rr;
	const uint16_t counts[3] = {h->qdcount, h->ancount, h->nscount};

	for (unsigned s = 0; s < sections && s < 3; s++) {
		for (unsigned i = 0; i < counts[s]; i++) {
			if (s == 0 ? dns_question_get(b, &q) : dns_rr_get(b, &rr))
				return -1;
		}
	}
	return 0;
}

/* RFC 6891 6.1.2: OPT owner is the root; CLASS is the payload size; TTL is extended
 * rcode (8), version (8), DO (1), Z (15); RDATA is {code (16), length (16), data}*. */
int
dns_edns_parse(const struct dns_rr *rr, struct dns_edns *e)
{
	struct buf rd = rr->rdata;

	memset(e, 0, sizeof(*e));
	if (rr->name[0] != 0 || rr->type != DNS_T_OPT)
		return -1;
	e->present = true;
	e->udp_size = rr->rclass;
	e->ext_rcode = (uint8_t)(rr->ttl >> 24);
	e->version = (uint8_t)(rr->ttl >> 16);
	e->do_bit = (rr->ttl & DNS_EDNS_DO) != 0;
	while (buf_left(&rd) > 0) {
		uint16_t code, len;

		if (buf_get_u16(&rd, &code) || buf_get_u16(&rd, &len) || buf_left(&rd) < len)
			return -1;
		if (code == DNS_EDNS_OPT_NSID) {
			e->nsid = true;
		} else if (code == DNS_EDNS_OPT_COOKIE) {
			/* RFC 7873: an 8-byte client cookie, plus 8 to 32 of server cookie */
			if (len != 8 && (len < 16 || len > 40))
				return -1;
			e->cookie = true;
			e->cookie_len = (uint8_t)len;
			memcpy(e->cookie_data, buf_cur(&rd), len);
		}
		rd.off += len;
	}
	return 0;
}

void
dns_opt_put(struct wbuf *w, uint16_t udp_size, uint8_t ext_rcode, uint8_t version, bool do_bit,
    const uint8_t *nsid, size_t nsidlen)
{
	wbuf_u8(w, 0);
	wbuf_u16(w, DNS_T_OPT);
	wbuf_u16(w, udp_size);
	wbuf_u32(
	    w, (uint32_t)ext_rcode << 24 | (uint32_t)version << 16 | (do_bit ? DNS_EDNS_DO : 0));
	if (nsid == NULL) {
		wbuf_u16(w, 0);
		return;
	}
	wbuf_u16(w, (uint16_t)(4 + nsidlen));
	wbuf_u16(w, DNS_EDNS_OPT_NSID);
	wbuf_u16(w, (uint16_t)nsidlen);
	wbuf_bytes(w, nsid, nsidlen);
}

int
dns_query_build(struct wbuf *w, uint16_t id, uint16_t flags, const uint8_t *qname, uint16_t qtype,
    uint16_t edns_udp, bool nsid)
{
	struct dns_header h = {.id = id, .flags = flags, .qdcount = 1, .arcount = edns_udp ? 1 : 0};
	static const uint8_t empty[1];

	dns_header_put(w, &h);
	dns_name_put(w, qname, NULL);
	wbuf_u16(w, qtype);
	wbuf_u16(w, DNS_C_IN);
	if (edns_udp)
		dns_opt_put(w, edns_udp, 0, 0, false, nsid ? empty : NULL, 0);
	return w->err ? -1 : (int)w->len;
}

/* ---- mnemonics ---- */

struct mnemonic {
	uint16_t v;
	const char *s;
};

static const struct mnemonic types[] = {
    {1, "A"},
    {2, "NS"},
    {3, "MD"},
    {4, "MF"},
    {5, "CNAME"},
    {6, "SOA"},
    {7, "MB"},
    {8, "MG"},
    {9, "MR"},
    {10, "NULL"},
    {11, "WKS"},
    {12, "PTR"},
    {13, "HINFO"},
    {14, "MINFO"},
    {15, "MX"},
    {16, "TXT"},
    {17, "RP"},
    {18, "AFSDB"},
    {24, "SIG"},
    {25, "KEY"},
    {28, "AAAA"},
    {29, "LOC"},
    {33, "SRV"},
    {35, "NAPTR"},
    {36, "KX"},
    {37, "CERT"},
    {39, "DNAME"},
    {41, "OPT"},
    {42, "APL"},
    {43, "DS"},
    {44, "SSHFP"},
    {45, "IPSECKEY"},
    {46, "RRSIG"},
    {47, "NSEC"},
    {48, "DNSKEY"},
    {49, "DHCID"},
    {50, "NSEC3"},
    {51, "NSEC3PARAM"},
    {52, "TLSA"},
    {53, "SMIMEA"},
    {55, "HIP"},
    {59, "CDS"},
    {60, "CDNSKEY"},
    {61, "OPENPGPKEY"},
    {62, "CSYNC"},
    {63, "ZONEMD"},
    {64, "SVCB"},
    {65, "HTTPS"},
    {99, "SPF"},
    {249, "TKEY"},
    {250, "TSIG"},
    {251, "IXFR"},
    {252, "AXFR"},
    {253, "MAILB"},
    {254, "MAILA"},
    {255, "ANY"},
    {256, "URI"},
    {257, "CAA"},
};

static const struct mnemonic classes[] = {
    {1, "IN"},
    {3, "CH"},
    {4, "HS"},
    {254, "NONE"},
    {255, "ANY"},
};

static const struct mnemonic rcodes[] = {
    {0, "NOERROR"},
    {1, "FORMERR"},
    {2, "SERVFAIL"},
    {3, "NXDOMAIN"},
    {4, "NOTIMP"},
    {5, "REFUSED"},
    {6, "YXDOMAIN"},
    {7, "YXRRSET"},
    {8, "NXRRSET"},
    {9, "NOTAUTH"},
    {10, "NOTZONE"},
    {16, "BADVERS"},
};

static const char *
mnemonic_to_text(const struct mnemonic *m, size_t nm, const char *prefix, uint16_t v, char *buf)
{
	for (size_t i = 0; i < nm; i++)
		if (m[i].v == v)
			return m[i].s;
	snprintf(buf, DNS_TYPE_TEXTMAX, "%s%u", prefix, v);
	return buf;
}

static int
mnemonic_from_text(
    const struct mnemonic *m, size_t nm, const char *prefix, const char *s, size_t n, uint16_t *v)
{
	size_t pl = strlen(prefix);
	unsigned long x = 0;

	for (size_t i = 0; i < nm; i++) {
		if (strlen(m[i].s) == n && strncasecmp(m[i].s, s, n) == 0) {
			*v = m[i].v;
			return 0;
		}
	}
	if (n <= pl || n > pl + 5 || strncasecmp(s, prefix, pl) != 0)
		return -1;
	for (size_t i = pl; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (unsigned long)(s[i] - '0');
	}
	if (x > 65535)
		return -1;
	*v = (uint16_t)x;
	return 0;
}

const char *
dns_type_to_text(uint16_t t, char *buf)
{
	return mnemonic_to_text(types, nitems(types), "TYPE", t, buf);
}

int
dns_type_from_text(const char *s, size_t n, uint16_t *t)
{
	return mnemonic_from_text(types, nitems(types), "TYPE", s, n, t);
}

const char *
dns_class_to_text(uint16_t c, char *buf)
{
	return mnemonic_to_text(classes, nitems(classes), "CLASS", c, buf);
}

int
dns_class_from_text(const char *s, size_t n, uint16_t *c)
{
	return mnemonic_from_text(classes, nitems(classes), "CLASS", s, n, c);
}

const char *
dns_rcode_to_text(uint16_t r, char *buf)
{
	return mnemonic_to_text(rcodes, nitems(rcodes), "RCODE", r, buf);
}

int
dns_rcode_from_text(const char *s, size_t n, uint16_t *r)
{
	return mnemonic_from_text(rcodes, nitems(rcodes), "RCODE", s, n, r);
}

/* ---- RDATA presentation ---- */

/* A <character-string> (RFC 1035 3.3) in double quotes, '"' and '\' escaped. */
static int
text_charstr(struct text *t, struct buf *rd)
{
	uint8_t len, c;

	if (buf_get_u8(rd, &len) || buf_left(rd) < len)
		return -1;
	text_putc(t, '"');
	for (unsigned i = 0; i < len; i++) {
		buf_get_u8(rd, &c);
		if (c < 0x20 || c >= 0x7f)
			text_printf(t, "\\%03u", c);
		else if (c == '"' || c == '\\') {
			text_putc(t, '\\');
			text_putc(t, (char)c);
		} else
			text_putc(t, (char)c);
	}
	text_putc(t, '"');
	return 0;
}

static int
text_rdname(struct text *t, struct buf *rd)
{
	uint8_t name[DNS_NAME_MAX];
	size_t n;

	if (dns_name_get(rd, name, &n))
		return -1;
	text_name(t, name);
	return 0;
}

static int
rdata_known(struct text *t, uint16_t type, struct buf *rd)
{
	char ip[INET6_ADDRSTRLEN];
	uint8_t a[16], u8, tl;
	uint16_t u16[3];
	uint32_t u32[5];

	switch (type) {
	case DNS_T_A:
	case DNS_T_AAAA: {
		size_t n = type == DNS_T_A ? 4 : 16;

		if (buf_get_bytes(rd, a, n))
			return -1;
		inet_ntop(type == DNS_T_A ? AF_INET : AF_INET6, a, ip, sizeof(ip));
		text_printf(t, "%s", ip);
		return 0;
	}
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR:
	case DNS_T_DNAME: return text_rdname(t, rd);
	case DNS_T_MX:
		if (buf_get_u16(rd, &u16[0]))
			return -1;
		text_printf(t, "%u ", u16[0]);
		return text_rdname(t, rd);
	case DNS_T_TXT:
		if (buf_left(rd) == 0)
			return -1;
		for (bool first = true; buf_left(rd) > 0; first = false) {
			if (!first)
				text_putc(t, ' ');
			if (text_charstr(t, rd))
				return -1;
		}
		return 0;
	case DNS_T_SOA:
		if (text_rdname(t, rd))
			return -1;
		text_putc(t, ' ');
		if (text_rdname(t, rd))
			return -1;
		for (int i = 0; i < 5; i++)
			if (buf_get_u32(rd, &u32[i]))
				return -1;
		text_printf(t, " %u %u %u %u %u", u32[0], u32[1], u32[2], u32[3], u32[4]);
		return 0;
	case DNS_T_SRV:
		if (buf_get_u16(rd, &u16[0]) || buf_get_u16(rd, &u16[1]) ||
		    buf_get_u16(rd, &u16[2]))
			return -1;
		text_printf(t, "%u %u %u ", u16[0], u16[1], u16[2]);
		return text_rdname(t, rd);
	case DNS_T_CAA: {
		/* RFC 8659: flags (8), tag length (8), tag, value */
		struct buf tag;

		if (buf_get_u8(rd, &u8) || buf_get_u8(rd, &tl) || tl == 0 || buf_sub(rd, tl, &tag))
			return -1;
		text_printf(t, "%u ", u8);
		for (unsigned i = 0; i < tl; i++) {
			uint8_t c = tag.p[i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			        (c >= '0' && c <= '9')))
				return -1;
			text_putc(t, (char)c);
		}
		text_printf(t, " \"");
		while (buf_left(rd) > 0) {
			buf_get_u8(rd, &u8);
			if (u8 < 0x20 || u8 >= 0x7f)
				text_printf(t, "\\%03u", u8);
			else if (u8 == '"' || u8 == '\\')
				text_printf(t, "\\%c", u8);
			else
				text_putc(t, (char)u8);
		}
		text_putc(t, '"');
		return 0;
	}
	default: return -1;
	}
}

/* RFC 3597 5: \# <length> <hex>, with no hex when the length is 0. */
static void
rdata_generic(struct text *t, const struct buf *rdata)
{
	size_t len = buf_left(rdata);

	text_printf(t, "\\# %zu", len);
	if (len)
		text_putc(t, ' ');
	for (size_t i = 0; i < len; i++)
		text_printf(t, "%02X", rdata->p[rdata->off + i]);
}

int
dns_rdata_to_text(uint16_t type, const struct buf *rdata, char *out, size_t cap)
{
	struct buf rd = *rdata;
	struct text t;
	int rc;

	text_init(&t, out, cap);
	rc = rdata_known(&t, type, &rd);
	if (t.err)
		return -1;
	if (rc == 0 && buf_left(&rd) == 0)
		return text_done(&t);
	text_init(&t, out, cap);
	rdata_generic(&t, rdata);
	return text_done(&t);
}
