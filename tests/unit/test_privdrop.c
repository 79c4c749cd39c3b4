/* test_privdrop: lib/privdrop and agent/privdrop — the user switch, the capabilities kept,
 * the [agent] user key. The switches run in a forked child (they cannot be undone); they
 * need root: skipped otherwise, failed under CI=true. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/config.h"
#include "agent/privdrop.h"
#include "lib/log.h"
#include "lib/privdrop.h"
#include "lib/util.h"

#define NET_ADMIN PRIVDROP_CAP(CAP_NET_ADMIN)
#define NET_BIND  PRIVDROP_CAP(CAP_NET_BIND_SERVICE)

/* need_root: whether the test may run; under CI=true a non-root run fails instead. */
static int
need_root(void)
{
	const char *ci = getenv("CI");

	if (geteuid() == 0)
		return 1;
	if (ci != NULL && strcmp(ci, "true") == 0)
		fail_msg("test_privdrop: must run as root (CI=true)");
	return 0;
}

/* in_child: run fn in a forked child and return its exit status (0: all checks held). */
static int
in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	assert_true(pid != -1);
	if (pid == 0)
		_exit(fn(arg));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static uid_t
nobody_uid(void)
{
	struct passwd *pw = getpwnam("nobody");

	assert_non_null(pw);
	return pw->pw_uid;
}

static int
child_to_nobody(void *arg)
{
	uid_t want = *(uid_t *)arg;

	if (privdrop("nobody", NET_ADMIN) == -1)
		return 10;
	if (getuid() != want || geteuid() != want || getgid() == 0)
		return 11;
	if (privdrop_caps_effective() != NET_ADMIN)
		return 12;
	if (setuid(0) != -1)
		return 13;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 14;
	if (prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) != 0)
		return 15; /* gone from the bounding set too */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_ADMIN, 0, 0) != 0)
		return 16; /* a program we run would inherit it */
	return 0;
}

static void
test_switch_to_user_keeps_only_the_asked_capabilities(void **state)
{
	uid_t uid;

	(void)state;
	if (!need_root())
		skip();
	uid = nobody_uid();
	assert_int_equal(in_child(child_to_nobody, &uid), 0);
}

static int
child_stay(void *arg)
{
	(void)arg;
	if (privdrop(NULL, NET_BIND) == -1)
		return 10;
	if (getuid() != 0)
		return 11;
	if (privdrop_caps_effective() != NET_BIND)
		return 12;
	return 0;
}

static void
test_no_user_stays_but_narrows_capabilities(void **state)
{
	(void)state;
	if (!need_root())
		skip();
	assert_int_equal(in_child(child_stay, NULL), 0);
}

static int
child_unknown(void *arg)
{
	(void)arg;
	log_init("test_privdrop", LOG_LVL_ERR, 0);
	if (privdrop("pharos-no-such-user-here", 0) != -1)
		return 10;
	if (getuid() != 0 || privdrop_caps_effective() == 0)
		return 11; /* a failed lookup changes nothing */
	return 0;
}

static void
test_unknown_user_fails_and_changes_nothing(void **state)
{
	(void)state;
	if (!need_root())
		skip();
	assert_int_equal(in_child(child_unknown, NULL), 0);
}

static void
test_agent_keeps_net_admin_and_bind_service(void **state)
{
	(void)state;
	assert_int_equal(agent_privdrop_caps(), NET_ADMIN | NET_BIND);
}

struct dirs {
	char state[128];   /* named pharos: handed over */
	char sockdir[128]; /* named pharos: handed over */
	char foreign[128]; /* state_dir of the second run: not ours, kept */
	char file[160];    /* a state file: handed over */
	struct cfg cfg;
};

static int
child_agent(void *arg)
{
	struct dirs *d = arg;

	if (agent_privdrop(&d->cfg) == -1)
		return 10;
	if (privdrop_caps_effective() != (NET_ADMIN | NET_BIND))
		return 11;
	return 0;
}

static void
test_agent_hands_its_directories_to_the_user(void **state)
{
	char tmpl[] = "/tmp/test_privdrop.XXXXXX", sock[160];
	struct dirs d = {0};
	struct stat st;
	uid_t uid;
	FILE *f;

	(void)state;
	if (!need_root())
		skip();
	uid = nobody_uid();
	assert_non_null(mkdtemp(tmpl));
	assert_int_equal(chmod(tmpl, 0755), 0);
	snprintf(d.state, sizeof(d.state), "%s/pharos-state", tmpl);
	snprintf(d.sockdir, sizeof(d.sockdir), "%s/pharos-run", tmpl);
	snprintf(d.foreign, sizeof(d.foreign), "%s/var-lib", tmpl);
	snprintf(d.file, sizeof(d.file), "%s/owned", d.state);
	snprintf(sock, sizeof(sock), "%s/pharosd.sock", d.sockdir);
	assert_int_equal(mkdir(d.state, 0755), 0);
	assert_non_null(f = fopen(d.file, "w"));
	fclose(f);
	d.cfg.agent.state_dir = d.state;
	d.cfg.agent.control_socket = sock;
	d.cfg.agent.user = "nobody";
	assert_int_equal(in_child(child_agent, &d), 0);
	assert_int_equal(stat(d.state, &st), 0);
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(stat(d.file, &st), 0);
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(stat(d.sockdir, &st), 0); /* created, then handed over */
	assert_int_equal(st.st_uid, uid);

	assert_int_equal(mkdir(d.foreign, 0755), 0);
	d.cfg.agent.state_dir = d.foreign;
	assert_int_equal(in_child(child_agent, &d), 0);
	assert_int_equal(stat(d.foreign, &st), 0);
	assert_int_equal(st.st_uid, 0); /* not a pharos directory: left alone */

	assert_int_equal(unlink(d.file), 0);
	assert_int_equal(rmdir(d.state), 0);
	assert_int_equal(rmdir(d.sockdir), 0);
	assert_int_equal(rmdir(d.foreign), 0);
	assert_int_equal(rmdir(tmpl), 0);
}

/* load_text: cfg_load of ini written to a temporary file; the errors into *errs. */
static struct cfg *
load_text(const char *ini, char **errs)
{
	char path[] = "/tmp/test_privdrop_ini.XXXXXX";
	size_t len = 0;
	struct cfg *cfg;
	FILE *f, *e;
	int fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	fputs(ini, f);
	fclose(f);
	assert_non_null(e = open_memstream(errs, &len));
	cfg = cfg_load(path, e);
	fclose(e);
	unlink(path);
	return cfg;
}

static void
test_user_key_is_parsed_and_printed(void **state)
{
	struct cfg *cfg;
	char *errs, *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	cfg = load_text("[agent]\nasn = 64496\nrouter_id = 192.0.2.1\nuser = pharos\n", &errs);
	assert_string_equal(errs, "");
	assert_non_null(cfg);
	assert_string_equal(cfg->agent.user, "pharos");
	assert_non_null(f = open_memstream(&out, &len));
	cfg_print(cfg, f);
	fclose(f);
	assert_non_null(strstr(out, "\nuser = pharos\n"));
	cfg_free(cfg);
	free(out);
	free(errs);

	cfg = load_text("[agent]\nasn = 64496\nrouter_id = 192.0.2.1\n", &errs);
	assert_non_null(cfg);
	assert_null(cfg->agent.user); /* default: stay as started */
	cfg_free(cfg);
	free(errs);
}

static void
test_user_key_rejects_a_bad_name(void **state)
{
	struct cfg *cfg;
	char *errs;

	(void)state;
	cfg = load_text("[agent]\nasn = 64496\nrouter_id = 192.0.2.1\nuser = -rf /\n", &errs);
	assert_null(cfg);
	assert_non_null(strstr(errs, ":4: [agent] user: not a user name"));
	free(errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_switch_to_user_keeps_only_the_asked_capabilities),
	    cmocka_unit_test(test_no_user_stays_but_narrows_capabilities),
	    cmocka_unit_test(test_unknown_user_fails_and_changes_nothing),
	    cmocka_unit_test(test_agent_keeps_net_admin_and_bind_service),
	    cmocka_unit_test(test_agent_hands_its_directories_to_the_user),
	    cmocka_unit_test(test_user_key_is_parsed_and_printed),
	    cmocka_unit_test(test_user_key_rejects_a_bad_name),
	};

	log_init("test_privdrop", LOG_LVL_ERR, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
