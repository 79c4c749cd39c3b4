/* privdrop: become an unprivileged user while keeping a chosen set of capabilities. */
#ifndef PHAROS_PRIVDROP_H
#define PHAROS_PRIVDROP_H

#include <stdint.h>
#include <sys/types.h>

/* A capability set: bit n is capability n (CAP_NET_ADMIN is 12). */
#define PRIVDROP_CAP(n) ((uint64_t)1 << (n))

/* privdrop_lookup: the uid and primary gid of user; 0, or -1 (logged) when unknown. */
int privdrop_lookup(const char *user, uid_t *uid, gid_t *gid);

/* privdrop: switch to user (NULL or "": stay who we are) and keep only the capabilities in
 * keep (effective and permitted; none inheritable or ambient, so programs we run get none);
 * drops the others from the bounding set when allowed, and sets no_new_privs. Running as
 * the user already is fine (systemd's User=). 0, or -1 (logged). */
int privdrop(const char *user, uint64_t keep);

/* privdrop_caps_effective: this process's effective capability set, or 0 on error. */
uint64_t privdrop_caps_effective(void);

#endif
