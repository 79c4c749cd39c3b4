/* privdrop: pharosd becomes [agent] user after the addresses and sockets exist.
 *
 * Why after agent_start(): the first netlink dump, the state file and the BGP listeners
 * are set up with full privileges, so a fresh host works whatever the directories'
 * owners; from then on pharosd needs CAP_NET_ADMIN (put a deleted address back, set
 * TCP-MD5 keys on new sockets) and CAP_NET_BIND_SERVICE (a reload adding a passive peer
 * listens on 179; keeping it always is simpler than making that reload fail, and it is
 * weaker than the CAP_NET_ADMIN we keep anyway). */
#include "agent/privdrop.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <libgen.h>
#include <stdlib.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/privdrop.h"
#include "lib/util.h"

uint64_t
agent_privdrop_caps(void)
{
	return PRIVDROP_CAP(CAP_NET_ADMIN) | PRIVDROP_CAP(CAP_NET_BIND_SERVICE);
}

/* chown_files: hand the regular files directly in dir (ours: state files) to uid. */
static void
chown_files(const char *dir, uid_t uid, gid_t gid)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode) || st.st_uid == uid)
			continue;
		if (fchownat(dirfd(d), e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) == -1)
			log_warn("cannot hand %s/%s to uid %u", dir, e->d_name, (unsigned)uid);
	}
	closedir(d);
}

/* hand_dir: make dir (created if missing) the user's. Only a directory of our own (its
 * name contains "pharos") changes owner: state_dir = /var/lib must not give away /var/lib.
 * Otherwise it must already be writable, or the user could not keep its state there. */
static int
hand_dir(const char *dir, mode_t mode, uid_t uid, gid_t gid, int files)
{
	char *copy = xstrdup(dir);
	const char *base = basename(copy);
	struct stat st;
	int rc = 0;

	if (mkdir(dir, mode) == -1 && errno != EEXIST) {
		log_warn("cannot create %s", dir);
		rc = -1;
	} else if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		log_warnx("%s: not a directory", dir);
		rc = -1;
	} else if (st.st_uid != uid && strstr(base, "pharos") != NULL) {
		if (chown(dir, uid, gid) == -1) {
			log_warn("cannot hand %s to uid %u", dir, (unsigned)uid);
			rc = -1;
		}
	} else if (st.st_uid != uid) {
		log_warnx("%s is not a pharos directory: not changing its owner; make it "
		          "writable by the user",
		    dir);
	}
	if (rc == 0 && files)
		chown_files(dir, uid, gid);
	free(copy);
	return rc;
}

/* prepare: state_dir and the control socket (directory and, if it exists, the socket). */
static int
prepare(const struct cfg *cfg, uid_t uid, gid_t gid)
{
	const char *sock = cfg->agent.control_socket;
	char *copy = xstrdup(sock);
	const char *sockdir = dirname(copy);
	int rc = 0;

	if (hand_dir(cfg->agent.state_dir, 0750, uid, gid, 1) == -1)
		rc = -1;
	if (hand_dir(sockdir, 0750, uid, gid, 0) == -1)
		rc = -1;
	if (lchown(sock, uid, gid) == -1 && errno != ENOENT)
		log_warn("cannot hand %s to uid %u", sock, (unsigned)uid);
	free(copy);
	return rc;
}

int
agent_privdrop(const struct cfg *cfg)
{
	const char *user = cfg->agent.user;
	uid_t uid;
	gid_t gid;

	if (user == NULL || user[0] == '\0') {
		if (geteuid() == 0)
			return 0; /* root, asked to stay root */
		if (privdrop(NULL, agent_privdrop_caps()) == -1)
			return -1;
		log_debug("running with capabilities %#llx",
		    (unsigned long long)privdrop_caps_effective());
		return 0;
	}
	if (privdrop_lookup(user, &uid, &gid) == -1)
		return -1;
	if (geteuid() == 0 && prepare(cfg, uid, gid) == -1)
		return -1;
	if (privdrop(user, agent_privdrop_caps()) == -1)
		return -1;
	log_info("running as %s with capabilities %#llx", user,
	    (unsigned long long)privdrop_caps_effective());
	return 0;
}
