/* dnswire: the DNS wire format (RFC 1035, 3597, 6891): header, names, questions, resource
 * records, EDNS(0), type/class/rcode mnemonics and the presentation form of RDATA.
 *
 * Names are held in uncompressed wire form (length-prefixed labels ending with the root
 * label), at most DNS_NAME_MAX bytes, case preserved. Readers are pure functions over a
 * struct buf whose p is the start of the DNS message (compression pointers are offsets
 * from it); writers append to a struct wbuf whose p is the start of the message. */
#ifndef PHAROS_DNSWIRE_H
#define PHAROS_DNSWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define DNS_NAME_MAX     255 /* wire length of a name, root label included */
#define DNS_LABEL_MAX    63
#define DNS_NAME_TEXTMAX 1024 /* presentation form, every byte escaped as \DDD */
#define DNS_HDR_LEN      12
#define DNS_UDP_DEFAULT  1232 /* our EDNS payload size (DNS flag day 2020) */
#define DNS_UDP_MIN      512
#define DNS_TYPE_TEXTMAX 16
#define DNS_CTABLE_MAX   64

/* Header flags (the second 16-bit word); opcode and rcode are fields inside it. */
#define DNS_F_QR            0x8000
#define DNS_F_AA            0x0400
#define DNS_F_TC            0x0200
#define DNS_F_RD            0x0100
#define DNS_F_RA            0x0080
#define DNS_F_AD            0x0020
#define DNS_F_CD            0x0010
#define DNS_OPCODE(flags)   (((flags) >> 11) & 0xf)
#define DNS_RCODE(flags)    ((flags)&0xf)
#define DNS_EDNS_DO         0x8000 /* in the OPT TTL's low 16 bits */
#define DNS_EDNS_OPT_NSID   3      /* RFC 5001 */
#define DNS_EDNS_OPT_COOKIE 10     /* RFC 7873 */
#define DNS_EDNS_NSID_MAX   128

enum dns_type {
	DNS_T_A = 1,
	DNS_T_NS = 2,
	DNS_T_CNAME = 5,
	DNS_T_SOA = 6,
	DNS_T_PTR = 12,
	DNS_T_HINFO = 13,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
	DNS_T_SRV = 33,
	DNS_T_DNAME = 39,
	DNS_T_OPT = 41,
	DNS_T_DS = 43,
	DNS_T_RRSIG = 46,
	DNS_T_NSEC = 47,
	DNS_T_IXFR = 251,
	DNS_T_AXFR = 252,
	DNS_T_MAILB = 253,
	DNS_T_MAILA = 254,
	DNS_T_ANY = 255,
	DNS_T_CAA = 257,
};

enum dns_class {
	DNS_C_IN = 1,
	DNS_C_CH = 3,
	DNS_C_HS = 4,
	DNS_C_NONE = 254,
	DNS_C_ANY = 255,
};

enum dns_opcode {
	DNS_OP_QUERY = 0,
	DNS_OP_IQUERY = 1,
	DNS_OP_STATUS = 2,
	DNS_OP_NOTIFY = 4,
	DNS_OP_UPDATE = 5,
};

enum dns_rcode {
	DNS_R_NOERROR = 0,
	DNS_R_FORMERR = 1,
	DNS_R_SERVFAIL = 2,
	DNS_R_NXDOMAIN = 3,
	DNS_R_NOTIMP = 4,
	DNS_R_REFUSED = 5,
	DNS_R_YXDOMAIN = 6,
	DNS_R_YXRRSET = 7,
	DNS_R_NXRRSET = 8,
	DNS_R_NOTAUTH = 9,
	DNS_R_NOTZONE = 10,
	DNS_R_BADVERS = 16, /* extended: upper 8 bits in the OPT TTL */
};

struct dns_header {
	uint16_t id;
	uint16_t flags; /* QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode */
	uint16_t qdcount;
	uint16_t ancount;
	uint16_t nscount;
	uint16_t arcount;
};

struct dns_question {
	uint8_t name[DNS_NAME_MAX];
	size_t namelen;
	uint16_t qtype;
	uint16_t qclass;
};

/* One resource record read from a message; rdata borrows the message: rdata.p is the
 * message start, rdata.off the first RDATA byte and rdata.len one past the last, so names
 * inside it decompress against the whole message. */
struct dns_rr {
	uint8_t name[DNS_NAME_MAX];
	size_t namelen;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdlen;
	struct buf rdata;
};

/* EDNS(0) as carried in an OPT record (RFC 6891). */
struct dns_edns {
	bool present;
	uint16_t udp_size; /* the requestor's payload size, as sent */
	uint8_t ext_rcode; /* upper 8 bits of the 12-bit rcode */
	uint8_t version;
	bool do_bit;
	bool nsid; /* the NSID option was present (a request, RFC 5001) */
	bool cookie;
	uint8_t cookie_len;
	uint8_t cookie_data[40];
};

/* Offsets of names already written in a message, for compression (RFC 1035 4.1.4). */
struct dns_ctable {
	size_t n;
	uint16_t off[DNS_CTABLE_MAX];
};

/* dns_header_get: read the 12-byte header; 0 or -1 when short. */
int dns_header_get(struct buf *b, struct dns_header *h);

/* dns_header_put: append the 12-byte header. */
void dns_header_put(struct wbuf *w, const struct dns_header *h);

/* dns_name_get: read a possibly compressed name at b's cursor into out (uncompressed, case
 * kept), leaving the cursor after it. Pointers must point strictly backwards, labels must
 * be plain (no 01/10 types), the result at most DNS_NAME_MAX bytes; 0 or -1. */
int dns_name_get(struct buf *b, uint8_t out[DNS_NAME_MAX], size_t *outlen);

/* dns_name_put: append name, compressed against the names recorded in ct (NULL: never
 * compress), recording the new suffixes in ct. */
void dns_name_put(struct wbuf *w, const uint8_t *name, struct dns_ctable *ct);

/* dns_name_len: the wire length of a well-formed uncompressed name. */
size_t dns_name_len(const uint8_t *name);

/* dns_name_check: whether [name, name+len) is one well-formed uncompressed name. */
bool dns_name_check(const uint8_t *name, size_t len);

/* dns_name_eq: whether two uncompressed names are equal, ignoring ASCII case. */
bool dns_name_eq(const uint8_t *a, const uint8_t *b);

/* dns_name_is_sub: whether name equals parent or lies below it (case-insensitive). */
bool dns_name_is_sub(const uint8_t *name, const uint8_t *parent);

/* dns_name_labels: how many labels precede the root label (the root has 0). */
unsigned dns_name_labels(const uint8_t *name);

/* dns_name_parent: the name with its first n labels removed (a pointer into name). */
const uint8_t *dns_name_parent(const uint8_t *name, unsigned n);

/* dns_name_lower: ASCII-lowercase name in place. */
void dns_name_lower(uint8_t *name);

/* dns_name_hash: a case-insensitive hash of an uncompressed name (FNV-1a). */
uint32_t dns_name_hash(const uint8_t *name);

/* dns_name_from_text: parse presentation form s (n bytes; "\DDD" and "\X" escapes, "@")
 * into out. A name without a trailing dot is relative to origin (an uncompressed name;
 * NULL makes it absolute). 0, or -1 with *why set to a static reason. */
int dns_name_from_text(const char *s, size_t n, const uint8_t *origin, uint8_t out[DNS_NAME_MAX],
    size_t *outlen, const char **why);

/* dns_name_to_text: the absolute presentation form of name ("." for the root) with
 * special bytes escaped, NUL-terminated in out; its length, or -1 if cap is too small. */
int dns_name_to_text(const uint8_t *name, char *out, size_t cap);

/* dns_question_get: read a question (name, type, class); 0 or -1. */
int dns_question_get(struct buf *b, struct dns_question *q);

/* dns_question_put: append a question, its name compressed through ct (may be NULL). */
void dns_question_put(struct wbuf *w, const struct dns_question *q, struct dns_ctable *ct);

/* dns_rr_get: read one resource record and step over its RDATA; 0 or -1. */
int dns_rr_get(struct buf *b, struct dns_rr *rr);

/* dns_msg_skip_sections: from just after the header, step over the first `sections`
 * sections (1: question, 2: and answer, 3: and authority); 0 or -1. */
int dns_msg_skip_sections(struct buf *b, const struct dns_header *h, unsigned sections);

/* dns_edns_parse: fill e from an OPT record (its owner must be the root); 0, or -1 when
 * the options are malformed. */
int dns_edns_parse(const struct dns_rr *rr, struct dns_edns *e);

/* dns_opt_put: append an OPT record: payload size, extended rcode, version, DO, and an
 * NSID option when nsid is non-NULL (nsidlen bytes, possibly 0). */
void dns_opt_put(struct wbuf *w, uint16_t udp_size, uint8_t ext_rcode, uint8_t version, bool do_bit,
    const uint8_t *nsid, size_t nsidlen);

/* dns_query_build: write a whole query: id, flags (e.g. DNS_F_RD), one question qname/qtype
 * in class IN, and an OPT record when edns_udp is non-zero (with an empty NSID option when
 * nsid is set). Returns the message length, or -1 when it does not fit. */
int dns_query_build(struct wbuf *w, uint16_t id, uint16_t flags, const uint8_t *qname,
    uint16_t qtype, uint16_t edns_udp, bool nsid);

/* dns_type_to_text: the mnemonic of t ("AAAA") or "TYPEnnn" (RFC 3597), written into
 * buf (DNS_TYPE_TEXTMAX bytes) and returned. */
const char *dns_type_to_text(uint16_t t, char *buf);

/* dns_type_from_text: a mnemonic or "TYPEnnn", case-insensitive, n bytes; 0 or -1. */
int dns_type_from_text(const char *s, size_t n, uint16_t *t);

/* dns_class_to_text / dns_class_from_text: the same for classes ("IN", "CLASSnnn"). */
const char *dns_class_to_text(uint16_t c, char *buf);
int dns_class_from_text(const char *s, size_t n, uint16_t *c);

/* dns_rcode_to_text / dns_rcode_from_text: the same for rcodes ("NXDOMAIN", "RCODEnnn"). */
const char *dns_rcode_to_text(uint16_t r, char *buf);
int dns_rcode_from_text(const char *s, size_t n, uint16_t *r);

/* dns_rdata_to_text: the presentation form of RDATA of type (A, AAAA, NS, CNAME, PTR, MX,
 * TXT, SOA, SRV, CAA; "\# len hex" per RFC 3597 for others or malformed data) from rdata
 * (as set by dns_rr_get; the cursor is not moved), NUL-terminated in out; its length, or
 * -1 if cap is too small. */
int dns_rdata_to_text(uint16_t type, const struct buf *rdata, char *out, size_t cap);

#endif
