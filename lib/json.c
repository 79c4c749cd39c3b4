/* json: a small recursive-descent JSON reader over a buf cursor, and string escaping. */
#include "lib/json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

struct jp {
	struct buf *b;
	const char *why;
	int depth;
};

static struct json *parse_value(struct jp *p);

static void
skip_ws(struct buf *b)
{
	uint8_t c;

	while (buf_peek_u8(b, &c) == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\r'))
		buf_skip(b, 1);
}

static int
fail(struct jp *p, const char *why)
{
	if (p->why == NULL)
		p->why = why;
	return -1;
}

static struct json *
node(enum json_type t)
{
	struct json *j = xcalloc(1, sizeof(*j));

	j->type = t;
	return j;
}

static int
expect_word(struct jp *p, const char *w)
{
	size_t n = strlen(w);

	if (buf_left(p->b) < n || memcmp(buf_cur(p->b), w, n) != 0)
		return fail(p, "unexpected character");
	return buf_skip(p->b, n);
}

static int
hex4(struct jp *p, uint32_t *v)
{
	uint8_t c;
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (buf_get_u8(p->b, &c) == -1)
			return fail(p, "truncated \\u escape");
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return fail(p, "bad \\u escape");
	}
	return 0;
}

static void
put_utf8(char *out, size_t *n, uint32_t cp)
{
	if (cp < 0x80) {
		out[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*n)++] = (char)(0xC0 | cp >> 6);
		out[(*n)++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		out[(*n)++] = (char)(0xE0 | cp >> 12);
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*n)++] = (char)(0x80 | (cp & 0x3F));
	} else {
		out[(*n)++] = (char)(0xF0 | cp >> 18);
		out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*n)++] = (char)(0x80 | (cp & 0x3F));
	}
}

/* unicode_escape: after "\u": one code point, a surrogate pair taking a second escape. */
static int
unicode_escape(struct jp *p, uint32_t *cp)
{
	uint32_t lo;

	if (hex4(p, cp) == -1)
		return -1;
	if (*cp >= 0xDC00 && *cp <= 0xDFFF)
		return fail(p, "lone low surrogate");
	if (*cp < 0xD800 || *cp > 0xDBFF)
		return 0;
	if (expect_word(p, "\\u") == -1 || hex4(p, &lo) == -1)
		return fail(p, "lone high surrogate");
	if (lo < 0xDC00 || lo > 0xDFFF)
		return fail(p, "bad surrogate pair");
	*cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
	return 0;
}

/* parse_string: after the opening quote; the decoded text is never longer than the
 * escaped one, so one allocation of the remaining length bounds it. */
static char *
parse_string(struct jp *p)
{
	static const char esc_in[] = "\"\\/bfnrt", esc_out[] = "\"\\/\b\f\n\r\t";
	char *out = xmalloc(buf_left(p->b) + 1);
	size_t n = 0;
	uint32_t cp;
	uint8_t c;
	const char *e;

	for (;;) {
		if (buf_get_u8(p->b, &c) == -1) {
			fail(p, "unterminated string");
			goto bad;
		}
		if (c == '"')
			break;
		if (c < 0x20) {
			fail(p, "control character in string");
			goto bad;
		}
		if (c != '\\') {
			out[n++] = (char)c;
			continue;
		}
		if (buf_get_u8(p->b, &c) == -1) {
			fail(p, "unterminated string");
			goto bad;
		}
		if (c == 'u') {
			if (unicode_escape(p, &cp) == -1)
				goto bad;
			put_utf8(out, &n, cp);
		} else if (c != '\0' && (e = strchr(esc_in, c)) != NULL) {
			out[n++] = esc_out[e - esc_in];
		} else {
			fail(p, "bad escape");
			goto bad;
		}
	}
	out[n] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/* number = [-] int [frac] [exp], checked strictly, then converted with strtod. */
static struct json *
parse_number(struct jp *p)
{
	size_t start = p->b->off, i = start, end = p->b->len;
	const uint8_t *s = p->b->p;
	char tmp[64];
	struct json *j;

#define DIGITS()                                                                                   \
	do {                                                                                       \
		if (i >= end || s[i] < '0' || s[i] > '9')                                          \
			goto bad;                                                                  \
		while (i < end && s[i] >= '0' && s[i] <= '9')                                      \
			i++;                                                                       \
	} while (0)
	if (i < end && s[i] == '-')
		i++;
	if (i < end && s[i] == '0')
		i++;
	else
		DIGITS();
	if (i < end && s[i] == '.') {
		i++;
		DIGITS();
	}
	if (i < end && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < end && (s[i] == '+' || s[i] == '-'))
			i++;
		DIGITS();
	}
#undef DIGITS
	if (i - start >= sizeof(tmp))
		goto bad;
	memcpy(tmp, s + start, i - start);
	tmp[i - start] = '\0';
	buf_seek(p->b, i);
	j = node(JSON_NUMBER);
	j->num = strtod(tmp, NULL);
	return j;
bad:
	fail(p, "bad number");
	return NULL;
}

static void
add_item(struct json *parent, struct json *child)
{
	parent->items = xreallocarray(parent->items, parent->n + 1, sizeof(*parent->items));
	parent->items[parent->n++] = child;
}

/* parse_container: after '[' or '{', members separated by ',' up to close. */
static struct json *
parse_container(struct jp *p, bool object)
{
	struct json *j = node(object ? JSON_OBJECT : JSON_ARRAY), *v;
	uint8_t c, close = object ? '}' : ']';
	char *key = NULL;

	if (++p->depth > JSON_MAX_DEPTH) {
		fail(p, "too deeply nested");
		goto bad;
	}
	skip_ws(p->b);
	if (buf_peek_u8(p->b, &c) == 0 && c == close) {
		buf_skip(p->b, 1);
		p->depth--;
		return j;
	}
	for (;;) {
		skip_ws(p->b);
		if (object) {
			if (buf_get_u8(p->b, &c) == -1 || c != '"' ||
			    (key = parse_string(p)) == NULL) {
				fail(p, "expected a member name");
				goto bad;
			}
			skip_ws(p->b);
			if (buf_get_u8(p->b, &c) == -1 || c != ':') {
				fail(p, "expected ':'");
				goto bad;
			}
		}
		if ((v = parse_value(p)) == NULL)
			goto bad;
		v->key = key;
		key = NULL;
		add_item(j, v);
		skip_ws(p->b);
		if (buf_get_u8(p->b, &c) == -1) {
			fail(p, "unterminated container");
			goto bad;
		}
		if (c == close)
			break;
		if (c != ',') {
			fail(p, "expected ',' or a closing bracket");
			goto bad;
		}
	}
	p->depth--;
	return j;
bad:
	free(key);
	json_free(j);
	return NULL;
}

static struct json *
parse_value(struct jp *p)
{
	struct json *j;
	uint8_t c;

	skip_ws(p->b);
	if (buf_peek_u8(p->b, &c) == -1) {
		fail(p, "unexpected end");
		return NULL;
	}
	switch (c) {
	case '{': buf_skip(p->b, 1); return parse_container(p, true);
	case '[': buf_skip(p->b, 1); return parse_container(p, false);
	case '"':
		buf_skip(p->b, 1);
		j = node(JSON_STRING);
		if ((j->str = parse_string(p)) == NULL) {
			free(j);
			return NULL;
		}
		return j;
	case 't':
	case 'f':
		if (expect_word(p, c == 't' ? "true" : "false") == -1)
			return NULL;
		j = node(JSON_BOOL);
		j->b = c == 't';
		return j;
	case 'n': return expect_word(p, "null") == -1 ? NULL : node(JSON_NULL);
	default: return parse_number(p);
	}
}

struct json *
json_parse(struct buf *b, const char **why)
{
	struct jp p = {.b = b};
	struct json *j = parse_value(&p);

	if (j != NULL) {
		skip_ws(b);
		if (buf_left(b) != 0) {
			fail(&p, "trailing garbage");
			json_free(j);
			j = NULL;
		}
	}
	if (why != NULL)
		*why = p.why;
	return j;
}

void
json_free(struct json *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < j->n; i++)
		json_free(j->items[i]);
	free(j->items);
	free(j->str);
	free(j->key);
	free(j);
}

const struct json *
json_get(const struct json *j, const char *key)
{
	size_t i;

	if (j == NULL || j->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < j->n; i++)
		if (strcmp(j->items[i]->key, key) == 0)
			return j->items[i];
	return NULL;
}

const char *
json_str(const struct json *j, const char *def)
{
	return j != NULL && j->type == JSON_STRING ? j->str : def;
}

double
json_num(const struct json *j, double def)
{
	return j != NULL && j->type == JSON_NUMBER ? j->num : def;
}

bool
json_bool(const struct json *j, bool def)
{
	return j != NULL && j->type == JSON_BOOL ? j->b : def;
}

void
json_write_str(FILE *f, const char *s)
{
	const unsigned char *c;

	fputc('"', f);
	for (c = (const unsigned char *)s; c != NULL && *c != '\0'; c++) {
		switch (*c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*c < 0x20 || *c == 0x7F)
				fprintf(f, "\\u%04x", *c);
			else
				fputc(*c, f);
		}
	}
	fputc('"', f);
}
