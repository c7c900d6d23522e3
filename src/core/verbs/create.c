/* create: load and check the bundle, make the state directory, cgroup and exec fifo, clone the
 * container's init, serve it until it waits on the fifo, record the state. On any failure
 * everything made so far is undone: no state directory, cgroup or process is left. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#include "core/container.h"
#include "core/hooks.h"
#include "core/log.h"
#include "core/proc/spawn.h"
#include "core/rootfs.h"
#include "core/verbs/create_job.h"
#include "util/cleanup.h"
#include "util/fault.h"
#include "util/fs.h"
#include "util/utctime.h"

static char *now_rfc3339(void)
{
	char buf[SHEEP_UTC_LEN];

	sheep_utc_now(buf);
	return strdup(buf);
}

static int copy_annotations(struct create_job *j, struct sheep_err **err)
{
	const struct oci_map *a = j->config->annotations;
	struct oci_map *m = &j->st.annotations;

	if (a == NULL || a->len == 0)
		return 0;
	m->keys = calloc(a->len, sizeof(char *));
	m->values = calloc(a->len, sizeof(char *));
	if (!m->keys || !m->values)
		return sheep_err_set(err, ENOMEM, "annotations");
	for (size_t i = 0; i < a->len; i++, m->len++)
		if (!(m->keys[i] = strdup(a->keys[i])) || !(m->values[i] = strdup(a->values[i])))
			return sheep_err_set(err, ENOMEM, "annotations");
	return 0;
}

static int make_state_dir(struct create_job *j, struct sheep_err **err)
{
	const char *root = j->opts->root ? j->opts->root : sheep_state_default_root();

	if (sheep_state_root_open(root, true, &j->rootfd, err) < 0)
		return -1;
	if (sheep_state_dir_create(j->rootfd, j->opts->id, &j->dirfd, err) < 0)
		return -1;
	if (sheep_write_file_atomic_at(j->dirfd, SHEEP_CONFIG_FILE, j->raw_config,
				       j->raw_config_len, 0600, err) < 0)
		return -1;
	if (mkfifoat(j->dirfd, SHEEP_EXEC_FIFO, 0600) < 0)
		return sheep_err_set(err, errno, "mkfifo '%s'", SHEEP_EXEC_FIFO);
	/* O_RDWR: init keeps a writer open itself, so its read blocks until start writes a byte
	 * instead of seeing end-of-file. */
	j->ctx.fifo_fd = openat(j->dirfd, SHEEP_EXEC_FIFO, O_RDWR | O_CLOEXEC);
	if (j->ctx.fifo_fd < 0)
		return sheep_err_set(err, errno, "open '%s'", SHEEP_EXEC_FIFO);
	j->st.id = (char *)j->opts->id;
	j->st.bundle = j->bundle;
	j->st.rootfs = j->rootfs;
	j->st.owner = geteuid();
	j->st.creating = true;
	j->st.own_pidns = j->ctx.ns.new_pid;
	j->st.no_process = j->ctx.no_process;
	j->st.host_mount_ns = !j->ctx.ns.has_mount;
	if (j->st.host_mount_ns) {
		if (mkdirat(j->dirfd, SHEEP_HOST_ROOTFS, 0700) < 0)
			return sheep_err_set(err, errno, "mkdir '%s'", SHEEP_HOST_ROOTFS);
		j->ctx.host_mount_dirfd = j->dirfd;
	}
	j->st.hooks = sheep_state_hooks_of(j->config);
	j->st.created = now_rfc3339();
	return copy_annotations(j, err);
}

/* The planned cgroup goes into the state file before the first mkdir: a create killed after that
 * leaves a state that `delete --force` cleans up, never a cgroup nothing records. */
static int record_cgroup(const struct sheep_cgroup *planned, void *data, struct sheep_err **err)
{
	struct create_job *j = data;

	free(j->st.cgroup);
	j->st.cgroup = sheep_cgroup_serialize(planned);
	if (j->st.cgroup == NULL)
		return sheep_err_set(err, ENOMEM, "record cgroup");
	if (sheep_state_save(j->dirfd, &j->st, err) < 0)
		return -1;
	sheep_fault_point("create:", "cgroup-planned");
	return 0;
}

/* linux.devices nodes are made with mknod inside the container's cgroup, so its device rules
 * must allow mknod ("m") of each, whatever the config's own rules say about using them: the
 * spec makes the nodes part of the container, runc allows mknod of any node by default. Returns
 * res itself when there is nothing to add, else *copy with the extra rules (*rules to free). */
static const struct oci_resources *with_node_rules(const struct oci_linux *l,
						   struct oci_resources *copy,
						   struct oci_device_cgroup **rules)
{
	const struct oci_resources *res = l ? l->resources : NULL;
	size_t n = res ? res->devices_len : 0;

	*rules = NULL;
	if (l == NULL || l->devices_len == 0)
		return res;
	*rules = calloc(n + l->devices_len, sizeof(**rules));
	if (*rules == NULL)
		return res;
	if (n > 0)
		memcpy(*rules, res->devices, n * sizeof(**rules));
	for (size_t i = 0; i < l->devices_len; i++) {
		const struct oci_device *d = &l->devices[i];

		if (!d->has_major || !d->has_minor || d->type == NULL || strcmp(d->type, "p") == 0)
			continue;
		(*rules)[n++] = (struct oci_device_cgroup){
		    .allow = true,
		    .type = strcmp(d->type, "b") == 0 ? "b" : "c",
		    .has_major = true,
		    .major = d->major,
		    .has_minor = true,
		    .minor = d->minor,
		    .access = "m",
		};
	}
	*copy = res ? *res : (struct oci_resources){0};
	copy->devices = *rules;
	copy->devices_len = n;
	return copy;
}

static bool has_option(const struct oci_mount *m, const char *opt)
{
	for (size_t i = 0; i < m->options_len; i++)
		if (strcmp(m->options[i], opt) == 0)
			return true;
	return false;
}

/* config-linux.md "Cgroup ownership": the process user may own its cgroup when the container has
 * a cgroup namespace of its own and mounts /sys/fs/cgroup read-write (source "cgroup"). Its host
 * uid, through linux.uidMappings; false when that is root (nothing to change) or unmapped. */
static bool cgroup_owner(const struct create_job *j, uid_t *ret_uid)
{
	const struct oci_config *c = j->config;
	const struct oci_linux *l = c->linux_;
	uint32_t uid = c->process->has_user ? c->process->user.uid : 0;
	bool rw = false, mapped = l == NULL || l->uid_mappings_len == 0;

	if (!j->ctx.ns.new_cgroup)
		return false;
	for (size_t i = 0; i < c->mounts_len; i++) {
		const struct oci_mount *m = &c->mounts[i];

		if (m->source && strcmp(m->source, "cgroup") == 0 && m->destination &&
		    strcmp(m->destination, "/sys/fs/cgroup") == 0)
			rw = !has_option(m, "ro");
	}
	for (size_t i = 0; !mapped && i < l->uid_mappings_len; i++) {
		const struct oci_id_mapping *im = &l->uid_mappings[i];

		if (uid >= im->container_id && uid - im->container_id < im->size) {
			uid = im->host_id + (uid - im->container_id);
			mapped = true;
		}
	}
	*ret_uid = uid;
	return rw && mapped && uid != 0;
}

static int make_cgroup(struct create_job *j, struct sheep_err **err)
{
	const struct oci_linux *l = j->config->linux_;
	_cleanup_free_ struct oci_device_cgroup *node_rules = NULL;
	struct oci_resources res_copy;
	const struct oci_resources *res = with_node_rules(l, &res_copy, &node_rules);
	uid_t owner;
	struct sheep_cgroup_opts o = {
	    .id = j->opts->id,
	    .cgroups_path = l ? l->cgroups_path : NULL,
	    .rootless = geteuid() != 0,
	    .systemd = j->opts->systemd_cgroup,
	    .record = record_cgroup,
	    .record_data = j,
	};

	if (sheep_cgroup_create(&o, res, &j->cgroup, err) < 0)
		return -1;
	sheep_fault_point("create:", "cgroup");
	if (j->cgroup == NULL)
		return 0;
	if (sheep_cgroup_note(j->cgroup))
		sheep_log(SHEEP_LOG_DEBUG, "cgroup: %s", sheep_cgroup_note(j->cgroup));
	if (!o.rootless && cgroup_owner(j, &owner) &&
	    sheep_cgroup_delegate(j->cgroup, owner, err) < 0)
		return sheep_err_wrap(err, "delegate cgroup");
	/* what was really made (a rootless caller may have dropped hierarchies); saved with the pid */
	free(j->st.cgroup);
	j->st.cgroup = sheep_cgroup_serialize(j->cgroup);
	if (j->st.cgroup == NULL)
		return sheep_err_set(err, ENOMEM, "record cgroup");
	return sheep_cgroup_mounts(j->cgroup, &j->ctx.cgroup_mounts, &j->ctx.cgroup_mounts_len,
				   err);
}

/* A pid namespace given by path is not joined by the init (see sheep_spawn): it comes out of the
 * plan and goes to the clone. */
static int take_pidns_join(struct sheep_ns_plan *p)
{
	for (int i = 0; i < p->njoins; i++) {
		if (p->joins[i].flag == CLONE_NEWPID) {
			int fd = p->joins[i].fd;

			p->joins[i] = p->joins[--p->njoins];
			return fd;
		}
	}
	return -1;
}

static int start_init(struct create_job *j, struct sheep_err **err)
{
	_cleanup_free_ char *state = NULL;
	_cleanup_close_ int pidns = take_pidns_join(&j->ctx.ns);

	if (sync_pair_open(&j->sync, err) < 0)
		return -1;
	if (sheep_rootfs_premake_binds(j->config, j->bundle, j->ctx.ns.has_user,
				       &j->ctx.premade_binds, err) < 0)
		return -1;
	j->pid = sheep_spawn(&j->ctx, &j->sync, j->ctx.ns.clone_flags,
			     j->cgroup ? sheep_cgroup_clone_fd(j->cgroup) : -1, pidns, err);
	/* the init has its own copies (the fd table is copied at clone) */
	sheep_rootfs_premade_close(j->ctx.premade_binds, j->config->mounts_len);
	j->ctx.premade_binds = NULL;
	if (j->pid < 0)
		return -1;
	j->poststop_due = true;
	sheep_fault_point("create:", "clone");
	sync_close_child(&j->sync);
	sheep_closep(&j->ctx.fifo_fd);
	j->ctx.fifo_fd = -1;
	if (j->cgroup && sheep_cgroup_clone_fd(j->cgroup) < 0 &&
	    sheep_cgroup_enter(j->cgroup, NULL, j->pid, err) < 0)
		return -1;
	j->st.pid = j->pid;
	/* read while the init waits for GO: once going, a failing init may be a zombie already */
	if (sheep_pid_start_time(j->pid, &j->st.start_time, err) < 0)
		return -1;
	state = sheep_state_oci_json(&j->st, SHEEP_CREATING, err);
	if (state == NULL)
		return -1;
	/* GO first: the init creates its namespaces (a network namespace alone takes ~0.4 ms)
	 * while the pid is recorded here. Until create_serve the init asks nothing of us (an error
	 * it sends waits there), and a runtime killed before the save takes its init along
	 * (PDEATHSIG set before it waits for GO). */
	if (sync_send(j->sync.parent, SYNC_GO, state, strlen(state), -1, err) < 0 ||
	    sheep_state_save(j->dirfd, &j->st, err) < 0)
		return -1;
	sheep_fault_point("create:", "state-pid");
	return 0;
}

static void undo(struct create_job *j)
{
	struct sheep_err *ignored = NULL;

	if (j->pid > 0) {
		kill(j->pid, SIGKILL);
		waitpid(j->pid, NULL, 0);
	}
	/* runtime-spec lifecycle: a create that fails once the container exists (a hook, a mount,
	 * the executable) continues at "destroy" and then runs poststop, as runc does; what a
	 * createRuntime hook set up (an address lease, say) is released by its poststop pair. */
	if (j->poststop_due && j->config->hooks) {
		char *state = sheep_state_oci_json(&j->st, SHEEP_STOPPED, &ignored);
		if (state)
			sheep_hooks_run_warn("poststop", j->config->hooks->poststop,
					     j->config->hooks->poststop_len, state);
		free(state);
		sheep_err_freep(&ignored);
	}
	if (j->cgroup)
		sheep_cgroup_destroy(j->cgroup, &ignored);
	sheep_err_freep(&ignored);
	if (j->pid > 0 && j->st.host_mount_ns)
		sheep_rootfs_host_ns_release(j->dirfd, &ignored);
	sheep_err_freep(&ignored);
	if (j->dirfd >= 0)
		sheep_state_remove(j->rootfd, j->opts->id, &ignored);
	sheep_err_freep(&ignored);
}

static void job_free(struct create_job *j)
{
	sheep_ns_plan_close(&j->ctx.ns);
	sheep_caps_free(j->ctx.caps);
	sheep_seccomp_free(j->ctx.seccomp);
	sheep_cgroup_mounts_free(j->ctx.cgroup_mounts, j->ctx.cgroup_mounts_len);
	sheep_cgroup_free(j->cgroup);
	oci_config_free(j->config);
	free(j->raw_config);
	free(j->bundle);
	free(j->rootfs);
	/* id, bundle and rootfs are borrowed from the job */
	j->st.id = j->st.bundle = j->st.rootfs = NULL;
	sheep_state_clear(&j->st);
	sheep_closep(&j->rootfd);
	sheep_closep(&j->dirfd);
	sheep_closep(&j->console_sock);
	sheep_closep(&j->ctx.fifo_fd);
	sync_close_parent(&j->sync);
	sync_close_child(&j->sync);
}

static int create_steps(struct create_job *j, struct sheep_err **err)
{
	if (sheep_state_check_id(j->opts->id, err) < 0 || create_load(j, err) < 0)
		return -1;
	if (make_state_dir(j, err) < 0)
		return -1;
	sheep_fault_point("create:", "state-dir");
	if (make_cgroup(j, err) < 0 || start_init(j, err) < 0)
		return -1;
	if (create_serve(j, err) < 0)
		return -1;
	sheep_fault_point("create:", "served");
	j->st.creating = false;
	if (sheep_state_save(j->dirfd, &j->st, err) < 0)
		return -1;
	sheep_fault_point("create:", "state-created");
	if (j->opts->pid_file && sheep_write_pid_file(j->opts->pid_file, j->pid, err) < 0)
		return -1;
	sheep_fault_point("create:", "pid-file");
	return 0;
}

int sheep_container_create(const struct sheep_create_opts *opts, struct sheep_created *ret,
			   struct sheep_err **err)
{
	struct create_job j = {.opts = opts,
			       .rootfd = -1,
			       .dirfd = -1,
			       .console_sock = -1,
			       .sync = {-1, -1},
			       .pty_master = -1,
			       .ctx = {.fifo_fd = -1,
				       .root_fd = -1,
				       .exec_fd = -1,
				       .tramp_fd = -1,
				       .sync_fd = -1,
				       .preserve_fds = opts->preserve_fds,
				       .listen_fds = opts->listen_fds,
				       .no_pivot = opts->no_pivot,
				       .no_new_keyring = opts->no_new_keyring}};
	int r = create_steps(&j, err);

	if (r < 0) {
		undo(&j);
		sheep_closep(&j.pty_master);
	} else if (ret) {
		ret->pid = j.pid;
		ret->pty_master = j.pty_master;
	} else {
		sheep_closep(&j.pty_master);
	}
	job_free(&j);
	return r;
}
