/* The user namespace behind an idmapped mount (mount_setattr MOUNT_ATTR_IDMAP wants an fd of one):
 * a child created for the purpose unshares a user namespace and waits; we write its maps, keep an
 * fd of the namespace, then let the child exit and reap it. No process outlives the call. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/rootfs/rootfs_int.h"
#include "util/cleanup.h"
#include "util/fs.h"

static int write_map(pid_t pid, const char *file, const struct oci_id_mapping *m, size_t len,
		     struct sheep_err **err)
{
	char path[64], buf[4096];
	size_t off = 0;

	for (size_t i = 0; i < len; i++) {
		int n = snprintf(buf + off, sizeof(buf) - off, "%u %u %u\n", m[i].container_id,
				 m[i].host_id, m[i].size);

		if (n < 0 || (size_t)n >= sizeof(buf) - off)
			return sheep_err_set(err, E2BIG, "write %s", file);
		off += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return sheep_write_file(path, buf, off, err);
}

/* The child: unshare, tell the parent its pid, wait for the parent to close its end, exit. Its own
 * copy of that end is closed first, or the read below would never see EOF. The pid it sends is the
 * one /proc shows: in a new pid namespace before pivot_root, /proc is still the host's, where
 * fork's return value would name another process. */
static void __attribute__((noreturn)) child(const int ready[2], const int hold[2])
{
	char c = 0, self[32];
	ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);
	pid_t procpid;

	close(ready[0]);
	close(hold[1]);
	if (n <= 0)
		_exit(1);
	self[n] = '\0';
	procpid = (pid_t)atoi(self);
	if (unshare(CLONE_NEWUSER) < 0)
		_exit(1);
	if (write(ready[1], &procpid, sizeof(procpid)) != sizeof(procpid))
		_exit(1);
	while (read(hold[0], &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static int userns_of(int ready_rd, const struct oci_id_mapping *uids, size_t uids_len,
		     const struct oci_id_mapping *gids, size_t gids_len, struct sheep_err **err)
{
	char path[64];
	pid_t pid;
	int fd;

	if (read(ready_rd, &pid, sizeof(pid)) != sizeof(pid))
		return sheep_err_set(err, ECHILD, "create idmap user namespace");
	if (write_map(pid, "uid_map", uids, uids_len, err) < 0 ||
	    write_map(pid, "gid_map", gids, gids_len, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sheep_err_set(err, errno, "open '%s'", path);
	return fd;
}

int rootfs_idmap_userns(const struct oci_id_mapping *uids, size_t uids_len,
			const struct oci_id_mapping *gids, size_t gids_len, struct sheep_err **err)
{
	int ready[2] = {-1, -1}, hold[2] = {-1, -1};
	int fd = -1, status;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(hold, O_CLOEXEC) < 0) {
		fd = sheep_err_set(err, errno, "pipe2");
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		fd = sheep_err_set(err, errno, "fork");
		goto out;
	}
	if (pid == 0)
		child(ready, hold);
	sheep_closep(&ready[1]);
	ready[1] = -1;
	fd = userns_of(ready[0], uids, uids_len, gids, gids_len, err);
	sheep_closep(&hold[1]); /* the child's read returns 0: it exits */
	hold[1] = -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
out:
	for (int i = 0; i < 2; i++) {
		sheep_closep(&ready[i]);
		sheep_closep(&hold[i]);
	}
	return fd;
}
