/* bgp/msg_int: helpers shared by the bgp/msg*.c files only (not a public API). */
#ifndef PHAROS_BGP_MSG_INT_H
#define PHAROS_BGP_MSG_INT_H

#include "bgp/msg.h"

/* Path attribute flags (RFC 4271 §4.3) and the type codes the codec knows. */
#define F_OPTIONAL   0x80
#define F_TRANSITIVE 0x40
#define F_PARTIAL    0x20
#define F_EXTLEN     0x10

#define A_ORIGIN        1 /* RFC 4271 */
#define A_AS_PATH       2
#define A_NEXT_HOP      3
#define A_MED           4
#define A_LOCAL_PREF    5
#define A_ATOMIC_AGG    6
#define A_AGGREGATOR    7
#define A_COMMUNITIES   8 /* RFC 1997 */
#define A_ORIGINATOR_ID 9 /* RFC 4456 */
#define A_CLUSTER_LIST  10
#define A_MP_REACH      14 /* RFC 4760 */
#define A_MP_UNREACH    15
#define A_EXT_COMM      16 /* RFC 4360 */
#define A_AS4_PATH      17 /* RFC 6793 */
#define A_AS4_AGGR      18
#define A_LARGE_COMM    32 /* RFC 8092 */

/* bgp_msg_begin: write the marker, a length placeholder and the type; returns the
 * offset of the message start. */
size_t bgp_msg_begin(struct wbuf *w, uint8_t type);

/* bgp_msg_end: patch the length of the message begun at start; 0, or -1 when the
 * writer overflowed or the message exceeds max_len. */
int bgp_msg_end(struct wbuf *w, size_t start, size_t max_len);

#endif
