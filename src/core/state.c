/* The state store: <root>/<id>/state.json, exclusive creation, locking, and status derivation.
 * state.json is this runtime's own record (written only by it, root-owned), read back with yajl. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "core/state.h"
#include "util/cleanup.h"
#include "util/fs.h"

const char *sheep_state_default_root(void)
{
	static char buf[4096];
	const char *xdg;

	if (geteuid() == 0)
		return SHEEP_DEFAULT_ROOT;
	xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg && *xdg)
		snprintf(buf, sizeof(buf), "%s/sheep-oci", xdg);
	else
		snprintf(buf, sizeof(buf), "/run/user/%u/sheep-oci", (unsigned)geteuid());
	return buf;
}

int sheep_state_root_open(const char *root, bool create, int *ret_fd, struct sheep_err **err)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && create) {
		if (sheep_mkdir_p(root, 0711, err) < 0)
			return sheep_err_wrap(err, "create state root");
		fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0)
		return sheep_err_set(err, errno, "open state root '%s'", root);
	*ret_fd = fd;
	return 0;
}

int sheep_state_check_id(const char *id, struct sheep_err **err)
{
	size_t len = strlen(id);

	if (len == 0)
		return sheep_err_code(err, EINVAL, "invalid container id '': it is empty");
	if (len > 1024)
		return sheep_err_code(err, EINVAL, "invalid container id: longer than 1024 bytes");
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0 || strchr(id, '/'))
		return sheep_err_code(err, EINVAL, "invalid container id '%s': it is a path", id);
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		if (*p >= 0x80)
			return sheep_err_code(
			    err, EINVAL,
			    "invalid container id: it has a character that is not ASCII");
		else if (!isgraph(*p))
			return sheep_err_code(
			    err, EINVAL,
			    "invalid container id: it has a space or control character");
	return 0;
}

int sheep_state_dir_create(int rootfd, const char *id, int *ret_dirfd, struct sheep_err **err)
{
	int fd;

	if (mkdirat(rootfd, id, 0711) < 0) {
		if (errno == EEXIST)
			return sheep_err_code(err, EEXIST, "container '%s' already exists", id);
		return sheep_err_set(err, errno, "create state directory '%s'", id);
	}
	fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		int saved = errno;
		if (fd >= 0)
			close(fd);
		unlinkat(rootfd, id, AT_REMOVEDIR);
		return sheep_err_set(err, saved, "open state directory '%s'", id);
	}
	*ret_dirfd = fd;
	return 0;
}

int sheep_pid_start_time(pid_t pid, unsigned long long *ret, struct sheep_err **err)
{
	char path[64], *p;
	_cleanup_free_ char *buf = NULL;
	struct sheep_err *ignored = NULL;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (sheep_read_file_at(AT_FDCWD, path, 4096, &buf, NULL, &ignored) < 0) {
		int e = ignored->errnum;
		sheep_err_free(ignored);
		return sheep_err_set(err, e, "read '%s'", path);
	}
	/* comm may hold spaces and ')': the fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (p == NULL)
		return sheep_err_set(err, EINVAL, "parse '%s'", path);
	p += 2; /* field 3: state */
	if (*p == 'Z' || *p == 'X')
		return sheep_err_set(err, ESRCH, "process %d is a zombie", (int)pid);
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (p == NULL)
			return sheep_err_set(err, EINVAL, "parse '%s'", path);
		p++;
	}
	*ret = strtoull(p, NULL, 10);
	return 0;
}

bool sheep_pid_alive(pid_t pid, unsigned long long start_time)
{
	unsigned long long now;
	struct sheep_err *e = NULL;

	if (pid <= 0)
		return false;
	if (sheep_pid_start_time(pid, &now, &e) < 0) {
		/* Gone (ENOENT) or a zombie (ESRCH) is dead. Any other failure (EMFILE, ENOMEM) says
		 * nothing about the process: ask the kernel instead of calling a live one stopped. */
		bool unknown = e->errnum != ENOENT && e->errnum != ESRCH;

		sheep_err_free(e);
		return unknown && (kill(pid, 0) == 0 || errno == EPERM);
	}
	return now == start_time;
}

const char *sheep_status_name(enum sheep_status s)
{
	static const char *const names[] = {"creating", "created", "running", "paused", "stopped"};
	return names[s];
}

enum sheep_status sheep_state_status(const struct sheep_state *st, int dirfd)
{
	if (!sheep_pid_alive(st->pid, st->start_time))
		return SHEEP_STOPPED;
	if (st->creating)
		return SHEEP_CREATING;
	if (faccessat(dirfd, SHEEP_EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return SHEEP_CREATED;
	return SHEEP_RUNNING;
}
