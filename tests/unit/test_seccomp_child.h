/* Running a check in a forked child, for the tests that load a filter or change credentials:
 * what the child does must not leak into the test process. The child exits with its check's
 * result (0 = pass, n = the n-th check failed) and may send one line of text back. */
#ifndef TEST_SECCOMP_CHILD_H
#define TEST_SECCOMP_CHILD_H

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs fn(fd) in a child; fd is the write end of a pipe whose text lands in out. Returns the
 * child's exit status, or 1000 + signal when it was killed. */
static inline int run_in_child(int (*fn)(int fd, void *arg), void *arg, char *out, size_t outlen)
{
	int p[2], status = 0;
	ssize_t n;
	size_t used = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(fn(p[1], arg));
	}
	close(p[1]);
	while (out && used + 1 < outlen && (n = read(p[0], out + used, outlen - 1 - used)) > 0)
		used += (size_t)n;
	if (out)
		out[used] = '\0';
	close(p[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

/* The value of a "Key:\tvalue" line of /proc/self/status, without trailing blanks. */
static inline int proc_status(const char *key, char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[512];
	size_t klen = strlen(key);
	int r = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			char *v = line + klen + 1;

			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			/* the Groups line ends with a space */
			for (size_t n = strlen(v); n > 0 && v[n - 1] == ' '; n--)
				v[n - 1] = '\0';
			snprintf(buf, len, "%s", v);
			r = 0;
			break;
		}
	}
	fclose(f);
	return r;
}

#endif
