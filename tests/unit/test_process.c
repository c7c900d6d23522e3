/* core/process.c: sheep_process_validate messages and sheep_process_find_exec (PATH taken from the
 * process env, absolute paths, entries that are not executable files). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/process.h"
#include "test_core.h"
#include "util/cleanup.h"

#define PREFIX "config.json: process."

static char *args[] = {"/bin/sh", "-c", "true"};

static struct oci_process valid(void)
{
	return (struct oci_process){.args = args, .args_len = 3, .cwd = (char *)"/"};
}

static void invalid(const struct oci_process *p, const char *msg)
{
	struct sheep_err *e = NULL;

	assert_int_equal(sheep_process_validate(p, PREFIX, &e), -1);
	assert_err(e, 0, msg);
}

static void test_validate_ok(void **state)
{
	struct oci_rlimit rl[] = {{(char *)"RLIMIT_NOFILE", 1024, 1024},
				  {(char *)"RLIMIT_CORE", 0, 0},
				  {(char *)"RLIMIT_STACK", 1, UINT64_MAX}};
	struct oci_process p = valid();
	struct sheep_err *e = NULL;

	(void)state;
	p.rlimits = rl;
	p.rlimits_len = 3;
	assert_int_equal(sheep_process_validate(&p, PREFIX, &e), 0);
	assert_null(e);
}

static void test_validate_unknown_rlimit(void **state)
{
	struct oci_rlimit rl[] = {{(char *)"RLIMIT_NOFILE", 1, 1}, {(char *)"RLIMIT_FOO", 1, 1}};
	struct oci_process p = valid();

	(void)state;
	p.rlimits = rl;
	p.rlimits_len = 2;
	invalid(&p, PREFIX "rlimits[1].type: unknown rlimit 'RLIMIT_FOO'");
	/* names are case-sensitive, as in the spec's pattern */
	rl[1].type = (char *)"rlimit_nofile";
	invalid(&p, PREFIX "rlimits[1].type: unknown rlimit 'rlimit_nofile'");
}

static void test_validate_soft_above_hard(void **state)
{
	struct oci_rlimit rl[] = {{(char *)"RLIMIT_NOFILE", 2048, 1024}};
	struct oci_process p = valid();

	(void)state;
	p.rlimits = rl;
	p.rlimits_len = 1;
	invalid(&p, PREFIX "rlimits[0]: soft limit 2048 is above the hard limit 1024");
}

static void test_validate_duplicate(void **state)
{
	struct oci_rlimit rl[] = {{(char *)"RLIMIT_NOFILE", 1, 1},
				  {(char *)"RLIMIT_CORE", 1, 1},
				  {(char *)"RLIMIT_NOFILE", 2, 2}};
	struct oci_process p = valid();

	(void)state;
	p.rlimits = rl;
	p.rlimits_len = 3;
	invalid(&p, PREFIX "rlimits[2].type: duplicate rlimit 'RLIMIT_NOFILE'");
}

static void test_validate_args_and_cwd(void **state)
{
	struct oci_process p = valid();

	(void)state;
	p.args_len = 0;
	invalid(&p, PREFIX "args: at least one argument is required");
	p = valid();
	p.cwd = (char *)"tmp";
	invalid(&p, PREFIX "cwd: must be an absolute path");
	p.cwd = (char *)"";
	invalid(&p, PREFIX "cwd: must be an absolute path");
	p.cwd = NULL;
	invalid(&p, PREFIX "cwd: must be an absolute path");
	/* the prefix is the caller's: exec names process.json */
	struct sheep_err *e = NULL;
	assert_int_equal(sheep_process_validate(&p, "process.json: ", &e), -1);
	assert_err(e, 0, "process.json: cwd: must be an absolute path");
}

static void test_validate_env(void **state)
{
	char *env[] = {(char *)"A=1", (char *)"EMPTY=", (char *)"NOEQ"};
	struct oci_process p = valid();
	struct sheep_err *e = NULL;

	(void)state;
	p.env = env;
	p.env_len = 2;
	assert_int_equal(sheep_process_validate(&p, PREFIX, &e), 0);
	p.env_len = 3;
	invalid(&p, PREFIX "env[2]: 'NOEQ' is not NAME=VALUE");
	env[2] = (char *)"=value";
	invalid(&p, PREFIX "env[2]: '=value' is not NAME=VALUE");
}

/* Values the kernel would refuse deep in the init, or (ioPriority) read as I/O hint bits. */
static void test_validate_ranges(void **state)
{
	struct oci_io_priority io = {.class_ = (char *)"IOPRIO_CLASS_BE", .priority = 7};
	struct oci_scheduler sched = {.policy = (char *)"SCHED_FIFO", .priority = 99};
	struct oci_process p = valid();
	struct sheep_err *e = NULL;

	(void)state;
	p.io_priority = &io;
	p.scheduler = &sched;
	p.has_oom_score_adj = true;
	p.oom_score_adj = -1000;
	assert_int_equal(sheep_process_validate(&p, PREFIX, &e), 0);
	p.oom_score_adj = 1000;
	assert_int_equal(sheep_process_validate(&p, PREFIX, &e), 0);
	io.priority = 8;
	invalid(&p, PREFIX "ioPriority.priority: 8 is not in 0-7");
	io.priority = -1;
	invalid(&p, PREFIX "ioPriority.priority: -1 is not in 0-7");
	io.priority = 0;
	p.oom_score_adj = 1001;
	invalid(&p, PREFIX "oomScoreAdj: 1001 is not in -1000..1000");
	p.oom_score_adj = -1001;
	invalid(&p, PREFIX "oomScoreAdj: -1001 is not in -1000..1000");
	p.oom_score_adj = 0;
	sched.priority = 0;
	invalid(&p, PREFIX "scheduler.priority: SCHED_FIFO needs 1-99, not 0");
	sched.policy = (char *)"SCHED_RR";
	sched.priority = 100;
	invalid(&p, PREFIX "scheduler.priority: SCHED_RR needs 1-99, not 100");
	sched.policy = (char *)"SCHED_BATCH";
	sched.priority = 5;
	invalid(&p, PREFIX "scheduler.priority: SCHED_BATCH takes none (0), not 5");
	sched.priority = 0;
	assert_int_equal(sheep_process_validate(&p, PREFIX, &e), 0);
}

struct tree {
	char dir[64];
	char a[96], b[96];
};

/* dir/a/prog is not executable, dir/b/prog is; dir/a/tool is a directory, dir/b/tool a program. */
static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	test_mkdtemp(t->dir, "test_process");
	snprintf(t->a, sizeof(t->a), "%s/a", t->dir);
	snprintf(t->b, sizeof(t->b), "%s/b", t->dir);
	assert_int_equal(mkdir(t->a, 0755), 0);
	assert_int_equal(mkdir(t->b, 0755), 0);
	free(test_put(t->a, "prog", "#!/bin/sh\n", 0644));
	free(test_put(t->b, "prog", "#!/bin/sh\n", 0755));
	free(test_put(t->b, "tool", "#!/bin/sh\n", 0755));
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/tool", t->a);
	assert_int_equal(mkdir(sub, 0755), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;

	test_rmtree(t->dir);
	free(t);
	return 0;
}

static int find(const char *name, const char *path_entry, char **ret, struct sheep_err **e)
{
	char *argv[] = {(char *)name};
	char *env[] = {(char *)"HOME=/", (char *)path_entry};
	struct oci_process p = {
	    .args = argv, .args_len = 1, .env = env, .env_len = path_entry ? 2 : 1};

	*ret = NULL;
	return sheep_process_find_exec(&p, ret, e);
}

static void test_find_in_process_path(void **state)
{
	struct tree *t = *state;
	struct sheep_err *e = NULL;
	char env[256], want[128], *got;

	/* the runtime's own PATH must not be used */
	setenv("PATH", t->a, 1);
	snprintf(env, sizeof(env), "PATH=%s:%s", t->a, t->b);
	assert_int_equal(find("prog", env, &got, &e), 0);
	snprintf(want, sizeof(want), "%s/prog", t->b);
	assert_string_equal(got, want);
	free(got);
	/* a directory named like the program is not the program */
	assert_int_equal(find("tool", env, &got, &e), 0);
	snprintf(want, sizeof(want), "%s/tool", t->b);
	assert_string_equal(got, want);
	free(got);
	setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
}

static void test_find_not_found(void **state)
{
	struct tree *t = *state;
	struct sheep_err *e = NULL;
	char env[128], *got;

	snprintf(env, sizeof(env), "PATH=%s", t->a);
	assert_int_equal(find("prog", env, &got, &e), -1);
	assert_err(e, ENOENT, "'prog': executable file not found in $PATH");
	assert_null(got);
	assert_int_equal(find("tool", env, &got, &e), -1);
	assert_err(e, ENOENT, "'tool': executable file not found in $PATH");
	assert_int_equal(find("sh", "PATH=", &got, &e), -1);
	assert_err(e, ENOENT, "'sh': executable file not found in $PATH");
}

static void test_find_default_path(void **state)
{
	struct sheep_err *e = NULL;
	char *got;

	(void)state;
	/* no PATH in the process env: the spec's usual default list (sh is in /usr/bin or /bin) */
	assert_int_equal(find("sh", NULL, &got, &e), 0);
	assert_true(strcmp(got, "/usr/bin/sh") == 0 || strcmp(got, "/bin/sh") == 0 ||
		    strcmp(got, "/usr/local/bin/sh") == 0);
	free(got);
}

static void test_find_absolute(void **state)
{
	struct tree *t = *state;
	struct sheep_err *e = NULL;
	char path[128], want[192], *got;

	assert_int_equal(find("/bin/sh", "PATH=/nowhere", &got, &e), 0);
	assert_string_equal(got, "/bin/sh");
	free(got);
	assert_int_equal(find("/nonexistent/prog", NULL, &got, &e), -1);
	assert_err(e, ENOENT, "executable '/nonexistent/prog': No such file or directory");
	snprintf(path, sizeof(path), "%s/prog", t->a);
	assert_int_equal(find(path, NULL, &got, &e), -1);
	snprintf(want, sizeof(want), "executable '%s': Permission denied", path);
	assert_err(e, EACCES, want);
	snprintf(path, sizeof(path), "%s/tool", t->a);
	assert_int_equal(find(path, NULL, &got, &e), -1);
	snprintf(want, sizeof(want), "executable '%s': Permission denied", path);
	assert_err(e, EACCES, want);
}

static void assert_env(char **got, const char *const *want)
{
	size_t i;

	assert_non_null(got);
	for (i = 0; want[i]; i++) {
		assert_non_null(got[i]);
		assert_string_equal(got[i], want[i]);
	}
	assert_null(got[i]);
	free(got);
}

/* A name given twice keeps its first place and its last value; the runtime's extras win; HOME is
 * added only when no entry names it. */
static void test_env(void **state)
{
	char *env[] = {"A=1", "X=0", "A=2", "NOEQ", "B=", "NOEQ", "AB=3"};
	char *extra[] = {"LISTEN_FDS=2", "X=9"};
	char *with_home[] = {"PATH=/bin", "HOME=/srv"};

	(void)state;
	assert_env(sheep_process_env(env, 7, NULL, 0, NULL),
		   (const char *const[]){"A=2", "X=0", "NOEQ", "B=", "AB=3", NULL});
	assert_env(sheep_process_env(env, 3, extra, 2, "HOME=/root"),
		   (const char *const[]){"A=2", "X=9", "LISTEN_FDS=2", "HOME=/root", NULL});
	assert_env(sheep_process_env(with_home, 2, NULL, 0, "HOME=/root"),
		   (const char *const[]){"PATH=/bin", "HOME=/srv", NULL});
	assert_env(sheep_process_env(NULL, 0, NULL, 0, "HOME=/"),
		   (const char *const[]){"HOME=/", NULL});
	/* an empty HOME counts as unset: the passwd home takes its place (as runc) */
	char *empty_home[] = {"HOME=", "PATH=/bin"};
	assert_env(sheep_process_env(empty_home, 2, NULL, 0, "HOME=/root"),
		   (const char *const[]){"HOME=/root", "PATH=/bin", NULL});
	assert_env(sheep_process_env(empty_home, 2, NULL, 0, NULL),
		   (const char *const[]){"HOME=", "PATH=/bin", NULL});
}

/* The last PATH is the one searched: the one the process gets. */
static void test_find_last_path(void **state)
{
	struct tree *t = *state;
	char first[128], last[128], *argv[] = {"prog"}, *got = NULL;
	char *env[] = {first, last};
	struct oci_process p = {.args = argv, .args_len = 1, .env = env, .env_len = 2};
	struct sheep_err *e = NULL;

	snprintf(first, sizeof(first), "PATH=%s", t->dir);
	snprintf(last, sizeof(last), "PATH=%s", t->b);
	assert_int_equal(sheep_process_find_exec(&p, &got, &e), 0);
	assert_true(strncmp(got, t->b, strlen(t->b)) == 0);
	free(got);
}

/* HOME of a uid from the root's etc/passwd; "/" for an unknown uid, an empty directory field,
 * a missing file. */
static void test_home(void **state)
{
	struct tree *t = *state;
	char etc[128], buf[64];
	_cleanup_close_ int root = open(t->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	(void)state;
	assert_true(root >= 0);
	sheep_process_home(root, 0, buf, sizeof(buf));
	assert_string_equal(buf, "HOME=/");
	snprintf(etc, sizeof(etc), "%s/etc", t->dir);
	assert_int_equal(mkdir(etc, 0755), 0);
	free(test_put(etc, "passwd",
		      "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n"
		      "nodir:x:1001:1001:::/bin/sh\n",
		      0644));
	sheep_process_home(root, 0, buf, sizeof(buf));
	assert_string_equal(buf, "HOME=/root");
	sheep_process_home(root, 1000, buf, sizeof(buf));
	assert_string_equal(buf, "HOME=/home/user");
	sheep_process_home(root, 1001, buf, sizeof(buf));
	assert_string_equal(buf, "HOME=/");
	sheep_process_home(root, 4321, buf, sizeof(buf));
	assert_string_equal(buf, "HOME=/");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_validate_ok),
	    cmocka_unit_test(test_validate_unknown_rlimit),
	    cmocka_unit_test(test_validate_soft_above_hard),
	    cmocka_unit_test(test_validate_duplicate),
	    cmocka_unit_test(test_validate_args_and_cwd),
	    cmocka_unit_test(test_validate_env),
	    cmocka_unit_test(test_validate_ranges),
	    cmocka_unit_test_setup_teardown(test_find_in_process_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_find_not_found, setup, teardown),
	    cmocka_unit_test(test_find_default_path),
	    cmocka_unit_test_setup_teardown(test_find_absolute, setup, teardown),
	    cmocka_unit_test(test_env),
	    cmocka_unit_test_setup_teardown(test_find_last_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_home, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
