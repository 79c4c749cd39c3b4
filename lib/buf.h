/* buf: bounds-checked cursors over untrusted bytes (reading) and fixed buffers (writing).
 *
 * Readers return 0 or -1 on a short read and never move past the end; parsers chain them
 * and take one `goto bad_len`. Writers are sticky: an overflow sets w->err and later
 * writes do nothing, so an encoder checks once at the end. All values are network order
 * on the wire and host order in C. */
#ifndef PHAROS_BUF_H
#define PHAROS_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	const uint8_t *p;
	size_t len;
	size_t off;
};

struct wbuf {
	uint8_t *p;
	size_t cap;
	size_t len;
	bool err;
};

/* buf_init: a reader over [p, p+len); borrows p. */
static inline void
buf_init(struct buf *b, const void *p, size_t len)
{
	b->p = (const uint8_t *)p;
	b->len = len;
	b->off = 0;
}

static inline size_t
buf_left(const struct buf *b)
{
	return b->len - b->off;
}

static inline const uint8_t *
buf_cur(const struct buf *b)
{
	return b->p + b->off;
}

int buf_get_u8(struct buf *b, uint8_t *v);
int buf_get_u16(struct buf *b, uint16_t *v);
int buf_get_u32(struct buf *b, uint32_t *v);
int buf_get_bytes(struct buf *b, void *dst, size_t n);
int buf_skip(struct buf *b, size_t n);
int buf_peek_u8(const struct buf *b, uint8_t *v);

/* buf_sub: carve the next n bytes into *sub (borrowing the same memory) and skip them. */
int buf_sub(struct buf *b, size_t n, struct buf *sub);

/* buf_seek: move to absolute offset off (<= len). */
int buf_seek(struct buf *b, size_t off);

/* wbuf_init: a writer over [p, p+cap); borrows p. */
static inline void
wbuf_init(struct wbuf *w, void *p, size_t cap)
{
	w->p = (uint8_t *)p;
	w->cap = cap;
	w->len = 0;
	w->err = false;
}

void wbuf_u8(struct wbuf *w, uint8_t v);
void wbuf_u16(struct wbuf *w, uint16_t v);
void wbuf_u32(struct wbuf *w, uint32_t v);
void wbuf_bytes(struct wbuf *w, const void *src, size_t n);
void wbuf_fill(struct wbuf *w, uint8_t v, size_t n);

/* wbuf_reserve: skip n bytes to be patched later; returns their offset. */
size_t wbuf_reserve(struct wbuf *w, size_t n);

/* wbuf_put_u8_at/u16_at: patch a value at an offset inside what was written. */
void wbuf_put_u8_at(struct wbuf *w, size_t off, uint8_t v);
void wbuf_put_u16_at(struct wbuf *w, size_t off, uint16_t v);

/* wbuf_room: bytes that can still be written. */
static inline size_t
wbuf_room(const struct wbuf *w)
{
	return w->err ? 0 : w->cap - w->len;
}

#endif
