/* buf: bounds-checked reading and sticky writing. */
#include "lib/buf.h"

#include <string.h>

int
buf_get_u8(struct buf *b, uint8_t *v)
{
	if (buf_left(b) < 1)
		return -1;
	*v = b->p[b->off++];
	return 0;
}

int
buf_peek_u8(const struct buf *b, uint8_t *v)
{
	if (buf_left(b) < 1)
		return -1;
	*v = b->p[b->off];
	return 0;
}

int
buf_get_u16(struct buf *b, uint16_t *v)
{
	if (buf_left(b) < 2)
		return -1;
	*v = (uint16_t)(b->p[b->off] << 8 | b->p[b->off + 1]);
	b->off += 2;
	return 0;
}

int
buf_get_u32(struct buf *b, uint32_t *v)
{
	const uint8_t *p = b->p + b->off;

	if (buf_left(b) < 4)
		return -1;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	b->off += 4;
	return 0;
}

int
buf_get_bytes(struct buf *b, void *dst, size_t n)
{
	if (buf_left(b) < n)
		return -1;
	if (n)
		memcpy(dst, b->p + b->off, n);
	b->off += n;
	return 0;
}

int
buf_skip(struct buf *b, size_t n)
{
	if (buf_left(b) < n)
		return -1;
	b->off += n;
	return 0;
}

int
buf_sub(struct buf *b, size_t n, struct buf *sub)
{
	if (buf_left(b) < n)
		return -1;
	buf_init(sub, b->p + b->off, n);
	b->off += n;
	return 0;
}

int
buf_seek(struct buf *b, size_t off)
{
	if (off > b->len)
		return -1;
	b->off = off;
	return 0;
}

static int
wbuf_ensure(struct wbuf *w, size_t n)
{
	if (w->err || w->cap - w->len < n) {
		w->err = true;
		return -1;
	}
	return 0;
}

void
wbuf_u8(struct wbuf *w, uint8_t v)
{
	if (wbuf_ensure(w, 1) == 0)
		w->p[w->len++] = v;
}

void
wbuf_u16(struct wbuf *w, uint16_t v)
{
	if (wbuf_ensure(w, 2) == 0) {
		w->p[w->len++] = (uint8_t)(v >> 8);
		w->p[w->len++] = (uint8_t)v;
	}
}

void
wbuf_u32(struct wbuf *w, uint32_t v)
{
	if (wbuf_ensure(w, 4) == 0) {
		w->p[w->len++] = (uint8_t)(v >> 24);
		w->p[w->len++] = (uint8_t)(v >> 16);
		w->p[w->len++] = (uint8_t)(v >> 8);
		w->p[w->len++] = (uint8_t)v;
	}
}

void
wbuf_bytes(struct wbuf *w, const void *src, size_t n)
{
	if (n && wbuf_ensure(w, n) == 0) {
		memcpy(w->p + w->len, src, n);
		w->len += n;
	}
}

void
wbuf_fill(struct wbuf *w, uint8_t v, size_t n)
{
	if (n && wbuf_ensure(w, n) == 0) {
		memset(w->p + w->len, v, n);
		w->len += n;
	}
}

size_t
wbuf_reserve(struct wbuf *w, size_t n)
{
	size_t off = w->len;

	wbuf_fill(w, 0, n);
	return off;
}

void
wbuf_put_u8_at(struct wbuf *w, size_t off, uint8_t v)
{
	if (!w->err && off + 1 <= w->len)
		w->p[off] = v;
}

void
wbuf_put_u16_at(struct wbuf *w, size_t off, uint16_t v)
{
	if (!w->err && off + 2 <= w->len) {
		w->p[off] = (uint8_t)(v >> 8);
		w->p[off + 1] = (uint8_t)v;
	}
}
