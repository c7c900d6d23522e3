/* create, phase 1: read the bundle and check every part of the config that can be checked before
 * anything is made, so a bad bundle leaves nothing behind. */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/caps.h"
#include "core/log.h"
#include "core/intelrdt.h"
#include "core/lsm.h"
#include "core/mempolicy.h"
#include "core/netdev.h"
#include "core/process.h"
#include "core/rootfs.h"
#include "core/seccomp.h"
#include "core/sysctl_ns.h"
#include "core/verbs/create_job.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/socket.h"

/* config.json must be a regular file: opening a FIFO would block create until some writer
 * appeared (O_NONBLOCK opens it at once, and the check refuses it), a device would be read as is. */
static int read_config(const char *path, char **ret, size_t *ret_len, struct sheep_err **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return sheep_err_set(err, errno, "open '%s'", path);
	return sheep_read_regular_fd(fd, path, OCI_MAX_INPUT_SIZE, ret, ret_len, err);
}

/* runtime-spec config.md, mounts: a relative Linux destination is deprecated but allowed, and
 * means the path below "/" (runc warns and does the same). Made absolute here, before anything
 * looks at it. */
static int absolute_destinations(struct oci_config *c, struct sheep_err **err)
{
	for (size_t i = 0; i < c->mounts_len; i++) {
		char *d = c->mounts[i].destination, *abs = NULL;

		if (d == NULL || d[0] == '\0' || d[0] == '/')
			continue;
		if (asprintf(&abs, "/%s", d) < 0)
			return sheep_err_set(err, ENOMEM, "load config");
		sheep_log(SHEEP_LOG_WARNING,
			  "config.json: mounts[%zu].destination: '%s' is relative (deprecated): "
			  "taken as '%s'",
			  i, d, abs);
		free(d);
		c->mounts[i].destination = abs;
	}
	return 0;
}

/* config.md: process is "REQUIRED when start is called", so a config without one can be
 * created: the init gets an empty process (cwd "/", no args, nothing to apply) to build the
 * container with, and `start` refuses. */
static int no_process(struct create_job *j, struct sheep_err **err)
{
	struct oci_process *p = calloc(1, sizeof(*p));

	if (p == NULL || (p->cwd = strdup("/")) == NULL) {
		free(p);
		return sheep_err_set(err, ENOMEM, "load config");
	}
	j->config->process = p;
	j->ctx.no_process = true;
	return 0;
}

static int load_config(struct create_job *j, struct sheep_err **err)
{
	_cleanup_free_ char *path = NULL;
	char *msg = NULL;

	if (asprintf(&path, "%s/config.json", j->bundle) < 0)
		return sheep_err_set(err, ENOMEM, "load config");
	if (read_config(path, &j->raw_config, &j->raw_config_len, err) < 0)
		return -1;
	j->config = oci_config_parse_data(j->raw_config, j->raw_config_len, "config.json", &msg);
	if (j->config == NULL)
		return sheep_err_take(err, EINVAL, msg);
	if (j->config->process == NULL && no_process(j, err) < 0)
		return -1;
	if (j->config->root == NULL || j->config->root->path == NULL)
		return sheep_err_set(err, 0, "config.json: root.path: required");
	return absolute_destinations(j->config, err);
}

/* root.path, relative to the bundle, with its symlinks resolved: the init binds the rootfs onto
 * itself and move_mount(2) does not follow a symlink at the target, so "rootfs -> /images/x"
 * must become /images/x here. The host's own root is refused: the container would share it. */
static int resolve_rootfs(struct create_job *j, struct sheep_err **err)
{
	const char *p = j->config->root->path;
	_cleanup_free_ char *given = NULL;
	struct stat sb;

	if (p[0] == '/')
		given = strdup(p);
	else if (asprintf(&given, "%s/%s", j->bundle, p) < 0)
		given = NULL;
	if (given == NULL)
		return sheep_err_set(err, ENOMEM, "resolve rootfs");
	if (stat(given, &sb) < 0)
		return sheep_err_set(err, 0, "rootfs '%s' does not exist", given);
	if (!S_ISDIR(sb.st_mode))
		return sheep_err_set(err, 0, "rootfs '%s' is not a directory", given);
	j->rootfs = realpath(given, NULL);
	if (j->rootfs == NULL)
		return sheep_err_set(err, errno, "resolve rootfs '%s'", given);
	if (strcmp(j->rootfs, "/") == 0)
		return sheep_err_set(err, 0, "rootfs '%s' is the host's root directory", given);
	return 0;
}

static int check_namespaces(struct create_job *j, struct sheep_err **err)
{
	const struct sheep_ns_plan *ns = &j->ctx.ns;
	const struct oci_config *c = j->config;
	bool own_uts = sheep_ns_plan_private(ns, CLONE_NEWUTS);

	/* in the runtime's uts namespace they would rename the host; one joined by path (a pod's)
	 * is the container's to name, as with runc */
	if (c->hostname && *c->hostname && !own_uts)
		return sheep_err_set(err, 0,
				     "config.json: hostname: setting it needs a uts namespace "
				     "other than the runtime's");
	if (c->domainname && *c->domainname && !own_uts)
		return sheep_err_set(err, 0,
				     "config.json: domainname: setting it needs a uts namespace "
				     "other than the runtime's");
	return 0;
}

/* config.md "POSIX-platform Hooks": path MUST be absolute. A relative one would be looked up
 * from whatever directory the runtime happens to run in (the manager's, not the bundle). */
static int check_hook_list(const struct oci_hook *h, size_t len, const char *name,
			   struct sheep_err **err)
{
	for (size_t i = 0; i < len; i++)
		if (h[i].path == NULL || h[i].path[0] != '/')
			return sheep_err_set(err, 0,
					     "config.json: hooks.%s[%zu].path: must be an absolute "
					     "path, got '%s'",
					     name, i, h[i].path ? h[i].path : "");
	return 0;
}

static int check_hooks(const struct oci_hooks *h, struct sheep_err **err)
{
	if (h == NULL)
		return 0;
	const struct {
		const struct oci_hook *list;
		size_t len;
		const char *name;
	} kinds[] = {
	    {h->prestart, h->prestart_len, "prestart"},
	    {h->create_runtime, h->create_runtime_len, "createRuntime"},
	    {h->create_container, h->create_container_len, "createContainer"},
	    {h->start_container, h->start_container_len, "startContainer"},
	    {h->poststart, h->poststart_len, "poststart"},
	    {h->poststop, h->poststop_len, "poststop"},
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (check_hook_list(kinds[i].list, kinds[i].len, kinds[i].name, err) < 0)
			return -1;
	return 0;
}

static int connect_console(struct create_job *j, struct sheep_err **err)
{
	const char *path = j->opts->console_socket;

	if (!j->config->process->terminal) {
		if (path)
			return sheep_err_set(err, 0,
					     "--console-socket given but process.terminal is "
					     "false");
		return 0;
	}
	if (path == NULL) {
		if (j->opts->foreground)
			return 0;
		return sheep_err_set(err, 0,
				     "process.terminal is true: --console-socket is "
				     "required when the runtime does not stay attached");
	}
	j->console_sock = sheep_unix_connect(path, err);
	return j->console_sock < 0 ? sheep_err_wrap(err, "console socket") : 0;
}

static int prepare_security(struct create_job *j, struct sheep_err **err)
{
	const struct oci_process *p = j->config->process;
	const struct oci_linux *l = j->config->linux_;
	const char *root = j->opts->root ? j->opts->root : sheep_state_default_root();
	char cache[PATH_MAX];
	int n = snprintf(cache, sizeof(cache), "%s/" SHEEP_SECCOMP_CACHE_DIR, root);

	if (sheep_caps_parse(p->capabilities, "config.json: process.", &j->ctx.caps, err) < 0)
		return -1;
	sheep_caps_warn_ungrantable(j->ctx.caps);
	if (l && l->seccomp &&
	    sheep_seccomp_compile_cached(l->seccomp, n < (int)sizeof(cache) ? cache : NULL,
					 &j->ctx.seccomp, err) < 0)
		return -1;
	if (j->ctx.seccomp) {
		size_t skipped = 0;
		const char *const *names = sheep_seccomp_skipped_names(j->ctx.seccomp, &skipped);

		/* as runc: a profile may name syscalls newer than the installed libseccomp */
		for (size_t i = 0; i < skipped; i++)
			sheep_log(SHEEP_LOG_DEBUG,
				  "seccomp: syscall '%s' unknown to libseccomp, skipped", names[i]);
	}
	return 0;
}

int create_load(struct create_job *j, struct sheep_err **err)
{
	char buf[PATH_MAX];
	const char *bundle = j->opts->bundle ? j->opts->bundle : ".";
	struct sheep_mempolicy mp;

	if (realpath(bundle, buf) == NULL)
		return sheep_err_set(err, errno, "bundle '%s'", bundle);
	j->bundle = strdup(buf);
	if (j->bundle == NULL)
		return sheep_err_set(err, ENOMEM, "bundle");
	if (load_config(j, err) < 0 || resolve_rootfs(j, err) < 0)
		return -1;
	if (!j->ctx.no_process &&
	    sheep_process_validate(j->config->process, "config.json: process.", err) < 0)
		return -1;
	if (sheep_ns_plan_make(j->config->linux_, &j->ctx.ns, err) < 0)
		return -1;
	if (check_namespaces(j, err) < 0 || sheep_rootfs_validate(j->config, err) < 0 ||
	    check_hooks(j->config->hooks, err) < 0)
		return -1;
	if (sheep_sysctl_check(j->config, &j->ctx.ns, err) < 0)
		return -1;
	if (j->config->linux_ &&
	    sheep_netdev_check(j->config->linux_->net_devices, j->ctx.ns.has_net, err) < 0)
		return -1;
	if (j->config->linux_ &&
	    sheep_intelrdt_check(j->config->linux_->intel_rdt, "/proc/self/mountinfo", err) < 0)
		return -1;
	if (j->config->linux_ && j->config->linux_->memory_policy &&
	    sheep_mempolicy_parse(j->config->linux_->memory_policy, &mp, err) < 0)
		return -1;
	if (prepare_security(j, err) < 0)
		return -1;
	if (sheep_lsm_check(j->config->process->apparmor_profile, j->config->process->selinux_label,
			    "config.json: process.", err) < 0)
		return -1;
	if (sheep_exe_guard_self(&j->ctx.self_exe, err) < 0)
		return -1;
	j->ctx.config = j->config;
	j->ctx.bundle = j->bundle;
	j->ctx.rootfs = j->rootfs;
	return connect_console(j, err);
}
