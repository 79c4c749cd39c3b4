/* ctlfmt: pharosctl's human-readable tables of the agent's status JSON. */
#ifndef PHAROS_CTLFMT_H
#define PHAROS_CTLFMT_H

#include <stdio.h>

#include "lib/json.h"

/* ctlfmt_status: print the status object (the "status" member of a control reply) as
 * tables of the agent, services with their probes, peers and addresses to out. */
void ctlfmt_status(const struct json *status, FILE *out);

/* ctlfmt_duration: seconds as a short age ("45s", "3m12s", "2h5m", "4d3h") into buf. */
const char *ctlfmt_duration(double secs, char *buf, size_t len);

#endif
