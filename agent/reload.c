/* reload: apply a new configuration by difference. An unchanged probe keeps running, an
 * unchanged service keeps its state and routes (no UPDATE at all), an unchanged peer keeps
 * its session; what changed is replaced alone, what is gone is withdrawn and then its
 * addresses removed. An invalid file changes nothing. */
#define _GNU_SOURCE /* open_memstream */
#include "agent/agent_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/util.h"

/* load_logged: cfg_load with every error and warning line logged (and copied to errs). */
static struct cfg *
load_logged(const char *path, FILE *errs)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct cfg *cfg;

	if (m == NULL)
		return NULL;
	cfg = cfg_load(path, m);
	fclose(m);
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		log_warnx("reload: %s", line);
	if (errs != NULL && buf != NULL)
		fputs(buf, errs);
	free(buf);
	return cfg;
}

static struct aprobe *
old_probe_named(struct agent *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->cfg->n_probes; i++)
		if (strcmp(a->cfg->probes[i].name, name) == 0)
			return a->probes[i];
	return NULL;
}

/* reuse_probes: the running probes for nc; unchanged ones move over, the rest are new. */
static struct aprobe **
reuse_probes(struct agent *a, struct cfg *nc, bool *kept)
{
	struct aprobe **np = xcalloc(nc->n_probes + 1, sizeof(*np));
	size_t i, j;

	for (i = 0; i < nc->n_probes; i++) {
		struct aprobe *old = old_probe_named(a, nc->probes[i].name);

		if (old != NULL && cfg_probe_equal(old->c, &nc->probes[i])) {
			np[i] = old;
			old->c = &nc->probes[i];
			for (j = 0; j < a->cfg->n_probes; j++)
				if (a->probes[j] == old)
					kept[j] = true;
		} else {
			np[i] = NULL; /* created once the old config is gone from view */
		}
	}
	return np;
}

static struct asvc *
old_svc_named(struct agent *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->cfg->n_services; i++)
		if (strcmp(a->cfg->services[i].name, name) == 0)
			return a->svcs[i];
	return NULL;
}

/* svc_probes_kept: every probe of old service s survived unchanged into np. */
static bool
svc_probes_kept(const struct asvc *s, const struct cfg_service *nc, struct aprobe **np, size_t nnp)
{
	size_t i, j;

	if (s->c->n_probes != nc->n_probes)
		return false;
	for (i = 0; i < s->c->n_probes; i++) {
		bool found = false;

		for (j = 0; j < nnp; j++)
			if (np[j] == s->probes[i])
				found = true;
		if (!found)
			return false;
	}
	return true;
}

static void
apply_peers(struct agent *a, struct cfg *nc, struct apeer *npeers)
{
	bool *kept = xcalloc(a->cfg->n_peers + 1, sizeof(*kept));
	struct bgp_peer_conf oc, ncf;
	size_t i, j;

	/* The agent's AS and router id are part of every peer's configuration. */
	for (i = 0; i < nc->n_peers; i++) {
		npeers[i].c = &nc->peers[i];
		for (j = 0; j < a->cfg->n_peers; j++) {
			if (strcmp(a->cfg->peers[j].name, nc->peers[i].name) != 0 ||
			    a->peers[j].p == NULL)
				continue;
			oc = *bgp_peer_get_conf(a->peers[j].p);
			agent_peer_conf(&(struct agent){.cfg = nc}, &nc->peers[i], &ncf);
			if (bgp_peer_conf_equal(&oc, &ncf)) {
				npeers[i].p = a->peers[j].p;
				kept[j] = true;
			} else {
				log_info("peer %s: configuration changed, resetting the session",
				    nc->peers[i].name);
			}
			explicit_bzero(&oc, sizeof(oc));
			explicit_bzero(&ncf, sizeof(ncf));
		}
	}
	for (j = 0; j < a->cfg->n_peers; j++) {
		if (!kept[j] && a->peers[j].p != NULL) {
			log_info("peer %s: removed or changed", a->cfg->peers[j].name);
			bgp_peer_remove(a->peers[j].p);
		}
	}
	free(kept);
}

/* What a reload keeps, replaces and builds, computed while the old configuration is
 * still in view. */
struct plan {
	struct aprobe **probes; /* parallel to nc->probes; NULL: to build */
	bool *probe_kept;       /* parallel to the old probes */
	struct asvc **svcs;     /* parallel to nc->services; NULL: to build */
	struct asvc **prev;     /* the old version of a changed service, or NULL */
	struct apeer *peers;    /* parallel to nc->peers; p NULL: to start */
};

static void
plan_make(struct agent *a, struct cfg *nc, struct plan *pl)
{
	size_t i;

	pl->svcs = xcalloc(nc->n_services + 1, sizeof(*pl->svcs));
	pl->prev = xcalloc(nc->n_services + 1, sizeof(*pl->prev));
	pl->probe_kept = xcalloc(a->cfg->n_probes + 1, sizeof(*pl->probe_kept));
	pl->probes = reuse_probes(a, nc, pl->probe_kept);
	for (i = 0; i < nc->n_services; i++) {
		struct asvc *old = old_svc_named(a, nc->services[i].name);

		if (old != NULL && cfg_service_equal(old->c, &nc->services[i]) &&
		    svc_probes_kept(old, &nc->services[i], pl->probes, nc->n_probes)) {
			pl->svcs[i] = old;
			old->c = &nc->services[i];
		} else {
			pl->prev[i] = old; /* changed (or NULL: new) */
		}
	}
	pl->peers = xcalloc(nc->n_peers + 1, sizeof(*pl->peers));
	apply_peers(a, nc, pl->peers);
}

/* drop_old: free the services and probes the new configuration no longer has. */
static void
drop_old(struct agent *a, struct cfg *nc, const struct plan *pl)
{
	const struct cfg *oc = a->cfg;
	size_t i, k;

	for (i = 0; i < oc->n_services; i++) {
		bool kept = false;

		for (k = 0; k < nc->n_services; k++)
			kept |= pl->svcs[k] == a->svcs[i] || pl->prev[k] == a->svcs[i];
		if (!kept) {
			log_info("service %s: removed", oc->services[i].name);
			agent_svc_free(a->svcs[i]);
		}
	}
	for (i = 0; i < oc->n_probes; i++)
		if (!pl->probe_kept[i])
			agent_probe_free(a->probes[i]);
}

/* build_new: with nc in place, start new probes and peers and build new services. */
static void
build_new(struct agent *a, struct plan *pl)
{
	struct cfg *nc = a->cfg;
	size_t i;

	for (i = 0; i < nc->n_probes; i++)
		if (pl->probes[i] == NULL)
			pl->probes[i] = agent_probe_new(a, &nc->probes[i]);
	for (i = 0; i < nc->n_peers; i++)
		if (pl->peers[i].p == NULL)
			pl->peers[i].p = agent_peer_add(a, &nc->peers[i]);
	for (i = 0; i < nc->n_services; i++) {
		struct asvc *s, *prev = pl->prev[i];

		if (pl->svcs[i] != NULL)
			continue;
		s = pl->svcs[i] = agent_svc_new(a, &nc->services[i]);
		if (prev == NULL) {
			log_info("service %s: new, starts down", nc->services[i].name);
			continue;
		}
		/* A changed service goes on from where it was: its peers get the new
		 * attributes in one UPDATE, not a withdrawal and an announcement. */
		log_info("service %s: changed", nc->services[i].name);
		s->mode = prev->mode;
		s->since = prev->since;
		s->admin_drained = prev->admin_drained;
		s->transitions = prev->transitions;
		agent_svc_free(prev);
	}
}

int
agent_reload(struct agent *a, FILE *errs)
{
	struct cfg *nc = load_logged(a->config_path, errs), *oc = a->cfg;
	struct plan pl;
	size_t i;

	if (nc == NULL) {
		a->reload_failures++;
		log_warnx(
		    "reload: %s has errors, keeping the running configuration", a->config_path);
		return -1;
	}
	a->reloads++;
	if (strcmp(nc->agent.interface, oc->agent.interface) != 0 ||
	    strcmp(nc->agent.state_dir, oc->agent.state_dir) != 0)
		log_warnx("reload: interface and state_dir changes take effect at restart");
	log_set_level(nc->agent.log_level);
	plan_make(a, nc, &pl);
	drop_old(a, nc, &pl);
	free(a->svcs);
	free(a->probes);
	free(a->peers);
	free(pl.probe_kept);
	a->cfg = nc;
	a->svcs = pl.svcs;
	a->probes = pl.probes;
	a->peers = pl.peers;
	build_new(a, &pl);
	free(pl.prev);
	/* Withdraw what is gone before its addresses go; new services start down. */
	agent_reconcile(a);
	agent_drained_save(a);
	for (i = 0; i < nc->n_services; i++)
		agent_svc_update(a->svcs[i], NULL);
	if (agent_sync_addresses(a) == -1)
		log_warnx("reload: not every address could be put on %s", nc->agent.interface);
	cfg_free(oc);
	log_info("reloaded %s: %zu services, %zu peers, %zu probes", a->config_path, nc->n_services,
	    nc->n_peers, nc->n_probes);
	return 0;
}
