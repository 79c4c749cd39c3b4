/* privdrop: setgroups/setgid/setuid with PR_SET_KEEPCAPS, then capset(2) to what we keep.
 *
 * The raw capget/capset syscalls (version 3, 64-bit sets) avoid a libcap dependency for
 * the three calls we need. The order matters: bounding set first (needs CAP_SETPCAP, lost
 * with the uid), then the uid change with KEEPCAPS so the permitted set survives it, then
 * capset to raise the kept ones into the effective set (setuid cleared it). */
#include "lib/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/log.h"

static int
caps_get(uint64_t *eff, uint64_t *prm)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &h, d) == -1)
		return -1;
	*eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	*prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	return 0;
}

static int
caps_set(uint64_t set)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {
	    {(uint32_t)set, (uint32_t)set, 0},
	    {(uint32_t)(set >> 32), (uint32_t)(set >> 32), 0},
	};

	return (int)syscall(SYS_capset, &h, d);
}

uint64_t
privdrop_caps_effective(void)
{
	uint64_t eff, prm;

	return caps_get(&eff, &prm) == -1 ? 0 : eff;
}

int
privdrop_lookup(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		if (errno != 0)
			log_warn("user %s", user);
		else
			log_warnx("user %s: unknown", user);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

/* bounding_drop: take everything not in keep out of the bounding set, so nothing can
 * come back even through a file capability. Only possible with CAP_SETPCAP (as root). */
static void
bounding_drop(uint64_t keep, uint64_t prm)
{
	int c;

	if (!(prm & PRIVDROP_CAP(CAP_SETPCAP)))
		return;
	for (c = 0; c <= CAP_LAST_CAP; c++) {
		if (keep & PRIVDROP_CAP(c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1 && errno != EINVAL)
			log_warn("cannot drop capability %d from the bounding set", c);
	}
}

/* become: the uid/gid switch, keeping the permitted set across it. */
static int
become(const char *user, uid_t uid, gid_t gid)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1) {
		log_warn("prctl(PR_SET_KEEPCAPS)");
		return -1;
	}
	if (setgroups(1, &gid) == -1 || setgid(gid) == -1 || setuid(uid) == -1) {
		log_warn("cannot switch to user %s", user);
		return -1;
	}
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1) {
		log_warn("prctl(PR_SET_KEEPCAPS)");
		return -1;
	}
	if (setuid(0) != -1) { /* paranoia: there must be no way back */
		log_warnx("still able to become root after switching to %s", user);
		return -1;
	}
	return 0;
}

int
privdrop(const char *user, uint64_t keep)
{
	uint64_t eff, prm;
	uid_t uid;
	gid_t gid;

	if (caps_get(&eff, &prm) == -1) {
		log_warn("capget");
		return -1;
	}
	keep &= prm; /* we can only keep what we have */
	if (user != NULL && user[0] != '\0') {
		if (privdrop_lookup(user, &uid, &gid) == -1)
			return -1;
		if (getuid() != uid || geteuid() != uid) {
			bounding_drop(keep, prm);
			if (become(user, uid, gid) == -1)
				return -1;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 && errno != EINVAL) {
		log_warn("cannot clear the ambient capabilities");
		return -1;
	}
	if (caps_set(keep) == -1) {
		log_warn("capset");
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		log_warn("prctl(PR_SET_NO_NEW_PRIVS)");
		return -1;
	}
	return 0;
}
