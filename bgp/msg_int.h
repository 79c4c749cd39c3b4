/* bgp/msg_int: helpers shared by the bgp/msg*.c files only (not a public API). */
#ifndef PHAROS_BGP_MSG_INT_H
#define PHAROS_BGP_MSG_INT_H

#include "bgp/msg.h"

/* bgp_msg_begin: write the marker, a length placeholder and the type; returns the
 * offset of the message start. */
size_t bgp_msg_begin(struct wbuf *w, uint8_t type);

/* bgp_msg_end: patch the length of the message begun at start; 0, or -1 when the
 * writer overflowed or the message exceeds max_len. */
int bgp_msg_end(struct wbuf *w, size_t start, size_t max_len);

#endif
