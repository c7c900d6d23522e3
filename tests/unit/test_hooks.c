/* core/hooks.c: real hook scripts (sh) in a temporary directory: the state JSON on stdin, args and
 * env, exit status, signals, the timeout, a missing path, stopping at the first failure, and
 * sheep_hooks_run_warn logging instead of failing. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "core/hooks.h"
#include "core/log.h"
#include "test_core.h"
#include "util/cleanup.h"

#define STATE_JSON "{\"ociVersion\":\"1.2.0\",\"id\":\"web1\",\"status\":\"creating\",\"pid\":42}"

static char dir[64];
static char warnings[4096];

static void capture_log(enum sheep_log_level level, const char *msg)
{
	if (level == SHEEP_LOG_WARNING)
		snprintf(warnings + strlen(warnings), sizeof(warnings) - strlen(warnings), "%s\n",
			 msg);
}

static int setup(void **state)
{
	(void)state;
	test_mkdtemp(dir, "test_hooks");
	warnings[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_rmtree(dir);
	return 0;
}

/* dir/name, an executable sh script with body. */
static char *script(const char *name, const char *body)
{
	char text[1024];

	snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body);
	return test_put(dir, name, text, 0755);
}

static char *path_in_dir(const char *name)
{
	char *p = NULL;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static char *read_text(const char *path)
{
	char *buf = NULL;
	struct sheep_err *e = NULL;

	if (sheep_read_file_at(AT_FDCWD, path, 1 << 20, &buf, NULL, &e) < 0) {
		sheep_err_free(e);
		return NULL;
	}
	return buf;
}

static void test_state_on_stdin_args_env(void **state)
{
	_cleanup_free_ char *hook =
	    script("h", "/bin/cat > \"$1\"; echo \"$0 $2 $FOO\" > \"$1.args\"");
	_cleanup_free_ char *out = path_in_dir("out"), *outargs = path_in_dir("out.args");
	char *args[] = {(char *)"custom-argv0", out, (char *)"second"};
	char *env[] = {(char *)"FOO=bar"};
	struct oci_hook h = {.path = hook, .args = args, .args_len = 3, .env = env, .env_len = 1};
	struct sheep_err *e = NULL;
	char want[256];

	(void)state;
	assert_int_equal(sheep_hooks_run("prestart", &h, 1, STATE_JSON, &e), 0);
	assert_null(e);
	_cleanup_free_ char *got = read_text(out), *gotargs = read_text(outargs);
	assert_non_null(got);
	assert_string_equal(got, STATE_JSON);
	/* a script sees the path as $0: the kernel's interpreter call replaces argv[0] */
	snprintf(want, sizeof(want), "%s second bar\n", hook);
	assert_string_equal(gotargs, want);
}

static void test_no_args_no_env(void **state)
{
	_cleanup_free_ char *out = path_in_dir("env");
	char body[256];

	(void)state;
	/* no args: argv is just the path; no env: the hook gets an empty environment */
	snprintf(body, sizeof(body), "echo \"$# ${HOME-unset} ${FOO-unset}\" > %s", out);
	_cleanup_free_ char *hook = script("h", body);
	struct oci_hook h = {.path = hook};
	struct sheep_err *e = NULL;

	setenv("FOO", "leak", 1);
	assert_int_equal(sheep_hooks_run("poststart", &h, 1, STATE_JSON, &e), 0);
	unsetenv("FOO");
	_cleanup_free_ char *got = read_text(out);
	assert_string_equal(got, "0 unset unset\n");
}

static void test_exit_status(void **state)
{
	_cleanup_free_ char *ok = script("ok", "exit 0"), *bad = script("bad", "exit 3");
	_cleanup_free_ char *marker = path_in_dir("ran");
	char body[256], want[256];

	(void)state;
	snprintf(body, sizeof(body), ": > %s", marker);
	_cleanup_free_ char *after = script("after", body);
	struct oci_hook hooks[] = {{.path = ok}, {.path = bad}, {.path = after}};
	struct sheep_err *e = NULL;

	assert_int_equal(sheep_hooks_run("createRuntime", hooks, 3, STATE_JSON, &e), -1);
	snprintf(want, sizeof(want), "createRuntime hook 1 ('%s'): exited with status 3", bad);
	assert_err(e, 0, want);
	/* the list stops at the first failure */
	assert_int_equal(access(marker, F_OK), -1);

	assert_int_equal(sheep_hooks_run("createRuntime", hooks + 1, 1, STATE_JSON, &e), -1);
	snprintf(want, sizeof(want), "createRuntime hook 0 ('%s'): exited with status 3", bad);
	assert_err(e, 0, want);
}

static void test_killed_by_signal(void **state)
{
	_cleanup_free_ char *hook = script("sig", "kill -TERM $$");
	struct oci_hook h = {.path = hook};
	struct sheep_err *e = NULL;
	char want[256];

	(void)state;
	assert_int_equal(sheep_hooks_run("createContainer", &h, 1, STATE_JSON, &e), -1);
	snprintf(want, sizeof(want), "createContainer hook 0 ('%s'): killed by signal 15", hook);
	assert_err(e, 0, want);
}

static void test_timeout(void **state)
{
	_cleanup_free_ char *hook = script("slow", "exec /bin/sleep 30");
	struct oci_hook h = {.path = hook, .has_timeout = true, .timeout = 1};
	struct sheep_err *e = NULL;
	struct timespec t0, t1;
	char want[256];

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(sheep_hooks_run("prestart", &h, 1, STATE_JSON, &e), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	snprintf(want, sizeof(want), "prestart hook 0 ('%s'): timed out after 1 s", hook);
	assert_err(e, ETIMEDOUT, want);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	/* a hook that finishes in time is fine */
	_cleanup_free_ char *quick = script("quick", "exit 0");
	h.path = quick;
	assert_int_equal(sheep_hooks_run("prestart", &h, 1, STATE_JSON, &e), 0);
}

static void test_missing_path(void **state)
{
	_cleanup_free_ char *noexec = test_put(dir, "noexec", "#!/bin/sh\nexit 0\n", 0644);
	struct oci_hook h = {.path = (char *)"/nonexistent/hook"};
	struct sheep_err *e = NULL;
	char want[256];

	(void)state;
	assert_int_equal(sheep_hooks_run("poststop", &h, 1, STATE_JSON, &e), -1);
	/* execve's own errno, from the hook's close-on-exec pipe */
	assert_err(e, ENOENT,
		   "poststop hook 0 ('/nonexistent/hook'): exec '/nonexistent/hook': No such file "
		   "or directory");
	h.path = noexec;
	assert_int_equal(sheep_hooks_run("startContainer", &h, 1, STATE_JSON, &e), -1);
	snprintf(want, sizeof(want), "startContainer hook 0 ('%s'): exec '%s': Permission denied",
		 noexec, noexec);
	assert_err(e, EACCES, want);
}

/* A hook that never reads stdin: a state JSON larger than the pipe buffer must not block or kill
 * the runtime (the CLI ignores SIGPIPE; so does this test's main). */
static void test_hook_ignores_stdin(void **state)
{
	_cleanup_free_ char *hook = script("deaf", "exit 0");
	struct oci_hook h = {.path = hook};
	struct sheep_err *e = NULL;
	size_t n = 1 << 20;
	_cleanup_free_ char *big = malloc(n + 1);

	(void)state;
	memset(big, ' ', n);
	big[n] = '\0';
	assert_int_equal(sheep_hooks_run("prestart", &h, 1, big, &e), 0);
	assert_null(e);
}

/* The timeout counts while the state is still being written: a hook that neither reads its stdin
 * nor exits, given a state larger than the pipe buffer, is killed at its timeout (the runtime
 * used to sit in write(2) until the hook ended by itself). */
static void test_timeout_while_state_unread(void **state)
{
	_cleanup_free_ char *hook = script("deaf-slow", "exec /bin/sleep 30");
	struct oci_hook h = {.path = hook, .has_timeout = true, .timeout = 1};
	struct sheep_err *e = NULL;
	size_t n = 1 << 20;
	_cleanup_free_ char *big = malloc(n + 1);
	struct timespec t0, t1;
	char want[256];

	(void)state;
	memset(big, ' ', n);
	big[n] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(sheep_hooks_run("createRuntime", &h, 1, big, &e), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	snprintf(want, sizeof(want), "createRuntime hook 0 ('%s'): timed out after 1 s", hook);
	assert_err(e, ETIMEDOUT, want);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
}

static void test_stdout_goes_to_stderr(void **state)
{
	_cleanup_free_ char *hook = script("talk", "echo from-hook");
	_cleanup_free_ char *outf = path_in_dir("stdout"), *errf = path_in_dir("stderr");
	struct oci_hook h = {.path = hook};
	struct sheep_err *e = NULL;
	int saved_out = dup(1), saved_err = dup(2);
	int o = open(outf, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	int r = open(errf, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	(void)state;
	dup2(o, 1);
	dup2(r, 2);
	int ret = sheep_hooks_run("prestart", &h, 1, STATE_JSON, &e);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	close(o);
	close(r);
	assert_int_equal(ret, 0);
	_cleanup_free_ char *got_out = read_text(outf), *got_err = read_text(errf);
	assert_string_equal(got_out, "");
	assert_string_equal(got_err, "from-hook\n");
}

static void test_run_warn(void **state)
{
	_cleanup_free_ char *bad = script("bad", "exit 3");
	_cleanup_free_ char *marker = path_in_dir("ran");
	char body[256], want[512];

	(void)state;
	snprintf(body, sizeof(body), ": > %s", marker);
	_cleanup_free_ char *after = script("after", body);
	struct oci_hook hooks[] = {
	    {.path = bad}, {.path = (char *)"/nonexistent"}, {.path = after}};

	sheep_hooks_run_warn("poststop", hooks, 3, STATE_JSON);
	/* every hook runs; each failure is one warning */
	assert_int_equal(access(marker, F_OK), 0);
	snprintf(want, sizeof(want),
		 "poststop hook 0 ('%s'): exited with status 3\n"
		 "poststop hook 1 ('/nonexistent'): exec '/nonexistent': No such file or "
		 "directory\n",
		 bad);
	assert_string_equal(warnings, want);
	/* no hooks, no work */
	struct sheep_err *e = NULL;
	assert_int_equal(sheep_hooks_run("prestart", NULL, 0, STATE_JSON, &e), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_state_on_stdin_args_env),
	    T(test_no_args_no_env),
	    T(test_exit_status),
	    T(test_killed_by_signal),
	    T(test_timeout),
	    T(test_missing_path),
	    T(test_hook_ignores_stdin),
	    T(test_timeout_while_state_unread),
	    T(test_stdout_goes_to_stderr),
	    T(test_run_warn),
	};

	signal(SIGPIPE, SIG_IGN);
	sheep_log_set_handler(capture_log);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
