/* Unit tests of the exec trampoline (core/proc/exec_tramp.c): it runs a program by its path
 * under the path's name, keeps argv[0] and the environment, reports a failed execve as the init
 * does, refuses to run when reached through /proc/self/exe (the CVE-2019-5736 swap), and its
 * memfd is sealed. Each run is a forked child whose stdout and stderr go to a pipe. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/proc/exec_tramp.h"
#include "test_core.h"
#include "util/cleanup.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	test_mkdtemp(dir, "test_exec_tramp");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_rmtree(dir);
	return 0;
}

/* Runs PATH with ARGV and ENVP through a new trampoline in a child; returns its exit status and
 * its stdout + stderr in out. */
static int run(const char *path, char *const *argv, char *const *envp, char *out, size_t size)
{
	_cleanup_err_ struct sheep_err *err = NULL;
	int fd = sheep_exec_tramp_open(&err), p[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	if (fd < 0)
		fail_msg("%s", err->msg);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		sheep_exec_tramp_run(fd, path, argv, envp);
		_exit(99); /* the trampoline itself did not run */
	}
	close(p[1]);
	close(fd);
	while (got < (ssize_t)size - 1 && (n = read(p[0], out + got, size - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A link to a multi-call program (busybox's applets): the process is named after the link. */
static void test_named_after_path(void **state)
{
	_cleanup_free_ char *link = NULL;
	char out[256];

	(void)state;
	assert_true(asprintf(&link, "%s/myapplet", dir) > 0);
	assert_int_equal(symlink("/bin/cat", link), 0);
	char *argv[] = {(char *)"anything", (char *)"/proc/self/comm", NULL};
	char *envp[] = {NULL};
	assert_int_equal(run(link, argv, envp, out, sizeof(out)), 0);
	assert_string_equal(out, "myapplet\n");
}

/* argv[0] is the process's own (not the path), the environment is the one given */
static void test_argv_and_env_pass(void **state)
{
	char out[256];
	char *argv[] = {(char *)"zero", (char *)"-c",
			(char *)"echo $V; tr '\\0' ' ' </proc/$$/cmdline", NULL};
	char *envp[] = {(char *)"V=vee", NULL};

	(void)state;
	assert_int_equal(run("/bin/sh", argv, envp, out, sizeof(out)), 0);
	assert_string_equal(out, "vee\nzero -c echo $V; tr '\\0' ' ' </proc/$$/cmdline ");
}

static void test_failures_as_init_reports(void **state)
{
	_cleanup_free_ char *text = NULL;
	char out[256];
	char *argv[] = {(char *)"x", NULL};
	char *envp[] = {NULL};

	(void)state;
	assert_int_equal(run("/nonexistent/prog", argv, envp, out, sizeof(out)), 127);
	assert_string_equal(out, "exec /nonexistent/prog: No such file or directory\n");
	text = test_put(dir, "text", "not a program\n", 0755);
	assert_int_equal(run(text, argv, envp, out, sizeof(out)), 126);
	assert_non_null(strstr(out, ": Exec format error\n"));
}

/* The swap the trampoline is for: the path is (now) a link to /proc/self/exe, or a script with
 * it as interpreter. Either reaches the trampoline again, which refuses; nothing of the runtime
 * runs. */
static void test_proc_self_exe_refused(void **state)
{
	_cleanup_free_ char *link = NULL, *script = NULL;
	char out[256];
	char *argv[] = {(char *)"sleep", (char *)"1", NULL};
	char *envp[] = {NULL};

	(void)state;
	assert_true(asprintf(&link, "%s/evil", dir) > 0);
	assert_int_equal(symlink("/proc/self/exe", link), 0);
	assert_int_equal(run(link, argv, envp, out, sizeof(out)), 126);
	assert_string_equal(out, "sheep-oci-exec-trampoline: not to be run directly\n");
	script = test_put(dir, "evil.sh", "#!/proc/self/exe\necho hi\n", 0755);
	assert_int_equal(run(script, argv, envp, out, sizeof(out)), 126);
	assert_string_equal(out, "sheep-oci-exec-trampoline: not to be run directly\n");
}

/* Sealed: what a process that got hold of it could do to it, it cannot. */
static void test_sealed(void **state)
{
	_cleanup_err_ struct sheep_err *err = NULL;
	_cleanup_close_ int fd = sheep_exec_tramp_open(&err);
	char path[64];
	int rw;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GET_SEALS) & F_SEAL_WRITE, F_SEAL_WRITE);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rw = open(path, O_RDWR | O_CLOEXEC);
	if (rw >= 0) {
		assert_int_equal(write(rw, "x", 1), -1);
		assert_int_equal(errno, EPERM);
		close(rw);
	}
	assert_int_equal(ftruncate(fd, 0), -1);
	assert_int_equal(errno, EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_named_after_path, setup, teardown),
	    cmocka_unit_test(test_argv_and_env_pass),
	    cmocka_unit_test_setup_teardown(test_failures_as_init_reports, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_proc_self_exe_refused, setup, teardown),
	    cmocka_unit_test(test_sealed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
