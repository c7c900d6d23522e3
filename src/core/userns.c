/* Writing /proc/PID/{uid,gid}_map. Root writes any mapping itself; an unprivileged caller can map
 * only its own ids (after "deny" in setgroups) unless Debian's setuid newuidmap/newgidmap, which
 * check /etc/subuid and /etc/subgid, write them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/userns.h"
#include "util/cleanup.h"
#include "util/fs.h"

static char *format_map(const struct oci_id_mapping *m, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
	fclose(f);
	return buf;
}

/* newuidmap PID cid hid size ... */
static int run_helper(const char *helper, pid_t pid, const struct oci_id_mapping *m, size_t n,
		      struct sheep_err **err)
{
	_cleanup_free_ char **argv = calloc(3 * n + 3, sizeof(char *));
	char pidbuf[16];
	int status;
	pid_t child;

	if (argv == NULL)
		return sheep_err_set(err, ENOMEM, "%s", helper);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	argv[0] = (char *)helper;
	argv[1] = pidbuf;
	for (size_t i = 0; i < n; i++)
		if (asprintf(&argv[2 + 3 * i], "%u", m[i].container_id) < 0 ||
		    asprintf(&argv[3 + 3 * i], "%u", m[i].host_id) < 0 ||
		    asprintf(&argv[4 + 3 * i], "%u", m[i].size) < 0)
			return sheep_err_set(err, ENOMEM, "%s", helper);
	child = fork();
	if (child == 0) {
		execvp(helper, argv);
		_exit(127);
	}
	for (size_t i = 2; argv[i]; i++)
		free(argv[i]);
	if (child < 0)
		return sheep_err_set(err, errno, "fork %s", helper);
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return sheep_err_set(err, EPERM, "%s failed (is the range in /etc/sub%cid?)",
				     helper, helper[3] == 'u' ? 'u' : 'g');
	return 0;
}

static int write_map(pid_t pid, const char *which, const struct oci_id_mapping *m, size_t n,
		     struct sheep_err **err)
{
	_cleanup_free_ char *text = format_map(m, n);
	char path[64];
	struct sheep_err *e = NULL;

	if (text == NULL)
		return sheep_err_set(err, ENOMEM, "format %s", which);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, which);
	if (sheep_write_file(path, text, strlen(text), &e) == 0)
		return 0;
	if (e->errnum == EPERM && geteuid() != 0) {
		sheep_err_free(e);
		return run_helper(which[0] == 'u' ? "newuidmap" : "newgidmap", pid, m, n, err);
	}
	*err = e;
	return sheep_err_wrap(err, "write %s", which);
}

static bool maps_only_self(const struct oci_id_mapping *m, size_t n, unsigned id)
{
	return n == 1 && m[0].size == 1 && m[0].host_id == id;
}

int sheep_userns_write_maps(pid_t pid, const struct oci_linux *l, struct sheep_err **err)
{
	char path[64];

	/* An unprivileged process may write a gid map only after denying setgroups. */
	if (geteuid() != 0 && maps_only_self(l->gid_mappings, l->gid_mappings_len, getegid())) {
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		if (sheep_write_file(path, "deny", 4, err) < 0)
			return sheep_err_wrap(err, "set up user namespace");
	}
	if (write_map(pid, "uid_map", l->uid_mappings, l->uid_mappings_len, err) < 0 ||
	    write_map(pid, "gid_map", l->gid_mappings, l->gid_mappings_len, err) < 0)
		return sheep_err_wrap(err, "set up user namespace");
	return 0;
}
