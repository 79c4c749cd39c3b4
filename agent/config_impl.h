/* config_impl: what the parts of the config module share (config.c reads files,
 * config_keys.c parses each key, config_build.c builds and cross-checks the sections).
 * Not for use outside agent/config*.c. */
#ifndef PHAROS_CONFIG_IMPL_H
#define PHAROS_CONFIG_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "agent/config.h"
#include "lib/log.h"

#define MD5_KEY_MAX 80 /* TCP_MD5SIG_MAXKEYLEN */

struct diag {
	int file;
	unsigned line;
	size_t seq;
	char *text; /* everything after "FILE:LINE: " */
};

struct rawkv {
	char *key;
	char *value;
	unsigned line;
};

struct rawsec {
	char *name;
	int file;
	unsigned line;
	struct rawkv *kv;
	size_t n_kv;
};

struct loader {
	char **files;
	size_t n_files;
	struct diag *diags;
	size_t n_diags;
	unsigned errors;
	struct rawsec *secs;
	size_t n_secs;
};

/* A section as read: its keys in file order. */
struct build;
struct keydef;

/* A key parser: store v into obj (the section's struct); 0, or -1 with *why set. */
typedef int (*key_parser)(
    struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why);

enum {
	K_REQUIRED = 1, /* must be set */
	K_EMPTY = 2,    /* an empty value means unset */
};

struct keydef {
	const char *key;
	key_parser parse;
	size_t off;
	unsigned flags;
	unsigned types; /* probes: bit mask of the types that take this key; 0: all */
	long a, b;      /* parser arguments: integer range, default port, family */
};

/* Names listed by a service, resolved in pass 3. */
struct svc_refs {
	char **probes;
	size_t n_probes;
	char **peers;
	size_t n_peers;
};

struct build {
	struct loader *ld;
	struct cfg *cfg;
	const struct rawsec *agent_src;
	const struct rawsec **peer_src, **svc_src, **probe_src;
	struct svc_refs *refs;
	struct svc_refs *cur_refs;
};

/* cfg_diag: record a problem at file:line (line 0: the file as a whole). */
void cfg_diag(struct loader *ld, bool warning, int file, unsigned line, const char *fmt, ...)
    PRINTF_LIKE(5, 6);

/* cfg_kv_diag: record a problem with one key of a section, at the key's line. */
void cfg_kv_diag(struct loader *ld, bool warning, const struct rawsec *s, const struct rawkv *kv,
    const char *fmt, ...) PRINTF_LIKE(5, 6);

/* cfg_kv_lookup: the key of s called key, borrowed, or NULL. */
const struct rawkv *cfg_kv_lookup(const struct rawsec *s, const char *key);

/* cfg_name_ok: a section or list name: letters, digits, '-', '_', '.'. */
bool cfg_name_ok(const char *s);

/* The keys of each section kind, and the lookup in them. */
extern const struct keydef cfg_agent_keys[], cfg_peer_keys[], cfg_service_keys[], cfg_probe_keys[];
extern const size_t cfg_n_agent_keys, cfg_n_peer_keys, cfg_n_service_keys, cfg_n_probe_keys;
const struct keydef *cfg_keydef_find(const struct keydef *defs, size_t n, const char *key);

/* cfg_parse_probe_type: the type key, parsed before the others since it decides them. */
int cfg_parse_probe_type_key(const char *v, struct cfg_probe *p, const char **why);

/* cfg_build: passes 2 and 3 over the raw sections of b->ld into b->cfg. */
void cfg_build(struct build *b);

/* cfg_build_free: free what cfg_build kept aside (not b->cfg). */
void cfg_build_free(struct build *b);

#endif
