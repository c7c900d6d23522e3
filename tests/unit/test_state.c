/* core/state.c and core/state_json.c: container ids, the state directory in a temporary root
 * (exclusive creation, locking, round trip, removal), status derivation against a real child
 * process, and the runtime-spec state document. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "core/state.h"
#include "test_core.h"
#include "util/cleanup.h"

struct root {
	char path[64];
	int fd;
};

static int setup(void **state)
{
	struct root *r = calloc(1, sizeof(*r));
	struct sheep_err *e = NULL;

	test_mkdtemp(r->path, "test_state");
	assert_int_equal(sheep_state_root_open(r->path, false, &r->fd, &e), 0);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct root *r = *state;

	close(r->fd);
	test_rmtree(r->path);
	free(r);
	return 0;
}

static void id_bad(const char *id, const char *msg)
{
	struct sheep_err *e = NULL;

	assert_int_equal(sheep_state_check_id(id, &e), -1);
	assert_err(e, EINVAL, msg);
}

static void id_good(const char *id)
{
	struct sheep_err *e = NULL;

	assert_int_equal(sheep_state_check_id(id, &e), 0);
	assert_null(e);
}

static void test_check_id(void **state)
{
	char longid[1026];

	(void)state;
	id_bad("", "invalid container id '': it is empty");
	id_bad("a/b", "invalid container id 'a/b': it is a path");
	id_bad("/", "invalid container id '/': it is a path");
	id_bad(".", "invalid container id '.': it is a path");
	id_bad("..", "invalid container id '..': it is a path");
	id_bad("a b", "invalid container id: it has a space or control character");
	id_bad("a\tb", "invalid container id: it has a space or control character");
	id_bad("a\x1b[0m", "invalid container id: it has a space or control character");
	id_bad("del\x7f", "invalid container id: it has a space or control character");
	id_bad("caf\xc3\xa9", "invalid container id: it has a character that is not ASCII");
	memset(longid, 'a', 1025);
	longid[1025] = '\0';
	id_bad(longid, "invalid container id: longer than 1024 bytes");
	longid[1024] = '\0';
	id_good(longid);
	id_good("web1");
	id_good("a.b-c_d:e@f+g");
	id_good("...");
	id_good(".hidden");
	id_good("a..b");
}

static void test_root_open(void **state)
{
	struct root *r = *state;
	struct sheep_err *e = NULL;
	char path[128];
	int fd = -1;

	snprintf(path, sizeof(path), "%s/no/such", r->path);
	assert_int_equal(sheep_state_root_open(path, false, &fd, &e), -1);
	char want[192];
	snprintf(want, sizeof(want), "open state root '%s': No such file or directory", path);
	assert_err(e, ENOENT, want);
	assert_int_equal(sheep_state_root_open(path, true, &fd, &e), 0);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

static void test_default_root(void **state)
{
	(void)state;
	if (geteuid() == 0) {
		assert_string_equal(sheep_state_default_root(), "/run/sheep-oci");
		return;
	}
	setenv("XDG_RUNTIME_DIR", "/tmp/xdg", 1);
	assert_string_equal(sheep_state_default_root(), "/tmp/xdg/sheep-oci");
	unsetenv("XDG_RUNTIME_DIR");
	char want[64];
	snprintf(want, sizeof(want), "/run/user/%u/sheep-oci", (unsigned)geteuid());
	assert_string_equal(sheep_state_default_root(), want);
}

static void test_dir_create_twice(void **state)
{
	struct root *r = *state;
	struct sheep_err *e = NULL;
	int fd = -1, fd2 = -1;

	assert_int_equal(sheep_state_dir_create(r->fd, "x", &fd, &e), 0);
	assert_true(fd >= 0);
	assert_int_equal(sheep_state_dir_create(r->fd, "x", &fd2, &e), -1);
	assert_err(e, EEXIST, "container 'x' already exists");
	assert_int_equal(fd2, -1);
	close(fd);
}

static char *k_annot[] = {"org.example.a", "b"};
static char *v_annot[] = {"1", "two \"quoted\""};

static void fill(struct sheep_state *st, const char *id)
{
	*st = (struct sheep_state){
	    .id = (char *)id,
	    .bundle = (char *)"/srv/bundle",
	    .rootfs = (char *)"/srv/bundle/rootfs",
	    .pid = 4242,
	    .start_time = 1234567890123ULL,
	    .created = (char *)"2024-01-02T03:04:05.000000006Z",
	    .owner = 1000,
	    .creating = false,
	    .own_pidns = true,
	    .no_process = true,
	    .cgroup = (char *)"v1:/sheep/x",
	    .annotations = {.keys = k_annot, .values = v_annot, .len = 2},
	    .hooks = SHEEP_HOOKS_START_CONTAINER | SHEEP_HOOKS_POSTSTOP,
	};
}

static void test_save_load_round_trip(void **state)
{
	struct root *r = *state;
	struct sheep_err *e = NULL;
	struct sheep_state in, *out = NULL;
	int dirfd = -1, lfd = -1, other;

	fill(&in, "rt");
	assert_int_equal(sheep_state_dir_create(r->fd, "rt", &dirfd, &e), 0);
	assert_int_equal(sheep_state_save(dirfd, &in, &e), 0);
	assert_null(e);
	close(dirfd);
	assert_int_equal(sheep_state_load(r->fd, "rt", &out, &lfd, &e), 0);
	assert_string_equal(out->id, "rt");
	assert_string_equal(out->bundle, "/srv/bundle");
	assert_string_equal(out->rootfs, "/srv/bundle/rootfs");
	assert_int_equal(out->pid, 4242);
	assert_true(out->start_time == 1234567890123ULL);
	assert_string_equal(out->created, "2024-01-02T03:04:05.000000006Z");
	assert_int_equal(out->owner, 1000);
	assert_false(out->creating);
	assert_true(out->own_pidns);
	assert_true(out->no_process);
	assert_string_equal(out->cgroup, "v1:/sheep/x");
	assert_int_equal(out->annotations.len, 2);
	assert_string_equal(out->annotations.keys[0], "org.example.a");
	assert_string_equal(out->annotations.values[0], "1");
	assert_string_equal(out->annotations.keys[1], "b");
	assert_string_equal(out->annotations.values[1], "two \"quoted\"");
	assert_int_equal(out->hooks, SHEEP_HOOKS_START_CONTAINER | SHEEP_HOOKS_POSTSTOP);
	/* the directory stays locked while the caller holds the fd */
	other = openat(r->fd, "rt", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(other >= 0);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	close(lfd);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), 0);
	close(other);
	sheep_state_free(out);
}

static void test_save_absent_fields(void **state)
{
	struct root *r = *state;
	struct sheep_err *e = NULL;
	struct sheep_state in = {.id = (char *)"bare", .creating = true, .hooks = -1}, *out = NULL;
	int dirfd = -1;

	assert_int_equal(sheep_state_dir_create(r->fd, "bare", &dirfd, &e), 0);
	assert_int_equal(sheep_state_save(dirfd, &in, &e), 0);
	close(dirfd);
	assert_int_equal(sheep_state_load(r->fd, "bare", &out, &dirfd, &e), 0);
	assert_string_equal(out->id, "bare");
	assert_null(out->bundle);
	assert_null(out->cgroup);
	assert_true(out->creating);
	assert_false(out->own_pidns);
	assert_false(out->no_process);
	assert_int_equal(out->annotations.len, 0);
	/* not recorded (a state from before the field): unknown, so start/delete read the config */
	assert_int_equal(out->hooks, -1);
	close(dirfd);
	sheep_state_free(out);
}

static void test_load_missing(void **state)
{
	struct root *r = *state;
	struct sheep_err *e = NULL;
	struct sheep_state *out = NULL;
	int fd = -1;

	assert_int_equal(sheep_state_load(r->fd, "x", &out, &fd, &e), -1);
	assert_err(e, ENOENT, "container 'x' does not exist");
	assert_null(out);
	assert_int_equal(sheep_state_load(r->fd, "../x", &out, &fd, &e), -1);
	assert_err(e, EINVAL, "invalid container id '../x': it is a path");
}

static void test_load_dir_without_state(void **state)
{
	struct root *r = *state;
	struct sheep_err *e = NULL;
	struct sheep_state *out = NULL;
	int fd = -1;

	assert_int_equal(mkdirat(r->fd, "half", 0700), 0);
	assert_int_equal(sheep_state_load(r->fd, "half", &out, &fd, &e), 0);
	assert_string_equal(out->id, "half");
	assert_true(out->creating);
	assert_int_equal(out->pid, 0);
	assert_int_equal(sheep_state_status(out, fd), SHEEP_STOPPED);
	assert_int_equal(out->hooks, -1);
	close(fd);
	sheep_state_free(out);
}

/* A load waiting for the lock of a container that the holder (a delete) then removes finds no
 * container (it used to load the removed directory as a "creating" one, so a second concurrent
 * delete succeeded too). The child holds the lock, the parent's load waits, the child removes
 * the directory and exits. */
static void test_load_after_removal_by_holder(void **state)
{
	struct root *r = *state;
	struct sheep_err *e = NULL;
	struct sheep_state *out = NULL;
	int fd = -1, p[2], status;
	char c;
	pid_t child;

	assert_int_equal(mkdirat(r->fd, "gone", 0700), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int dfd = openat(r->fd, "gone", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd < 0 || flock(dfd, LOCK_EX) < 0 || write(p[1], "l", 1) != 1)
			_exit(1);
		usleep(200000); /* the parent is in flock by now */
		_exit(sheep_state_remove(r->fd, "gone", NULL) == 0 ? 0 : 1);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	assert_int_equal(sheep_state_load(r->fd, "gone", &out, &fd, &e), -1);
	assert_err(e, ENOENT, "container 'gone' does not exist");
	assert_null(out);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(status, 0);
}

static void test_hooks_of(void **state)
{
	struct oci_hook h = {.path = (char *)"/bin/true"};
	struct oci_hooks none = {0}, some = {.start_container = &h,
					     .start_container_len = 1,
					     .poststart = &h,
					     .poststart_len = 1};
	struct oci_hooks stop = {
	    .poststop = &h, .poststop_len = 1, .prestart = &h, .prestart_len = 1};
	struct oci_config c = {0};

	(void)state;
	assert_int_equal(sheep_state_hooks_of(&c), 0);
	c.hooks = &none;
	assert_int_equal(sheep_state_hooks_of(&c), 0);
	c.hooks = &some;
	assert_int_equal(sheep_state_hooks_of(&c),
			 SHEEP_HOOKS_START_CONTAINER | SHEEP_HOOKS_POSTSTART);
	c.hooks = &stop; /* prestart runs in create only: not recorded */
	assert_int_equal(sheep_state_hooks_of(&c), SHEEP_HOOKS_POSTSTOP);
}

static void test_load_corrupt(void **state)
{
	struct root *r = *state;
	struct sheep_err *e = NULL;
	struct sheep_state *out = NULL;
	char dir[128];
	int fd = -1;

	snprintf(dir, sizeof(dir), "%s/bad", r->path);
	assert_int_equal(mkdir(dir, 0700), 0);
	free(test_put(dir, "state.json", "{\"pid\": 1}", 0600));
	assert_int_equal(sheep_state_load(r->fd, "bad", &out, &fd, &e), -1);
	assert_err(e, EINVAL, "parse state.json: missing id or out of memory");
	free(test_put(dir, "state.json", "{\"id\": ", 0600));
	assert_int_equal(sheep_state_load(r->fd, "bad", &out, &fd, &e), -1);
	assert_non_null(e);
	assert_int_equal(e->errnum, EINVAL);
	assert_true(strncmp(e->msg, "parse state.json: ", 18) == 0);
	assert_null(strchr(e->msg, '\n'));
	sheep_err_freep(&e);
	assert_null(out);
}

/* A child that waits to be killed; teardown kills it if a failed assertion left it running. */
static pid_t sleeper = -1;

static pid_t spawn_sleeper(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	sleeper = pid;
	return pid;
}

static int teardown_sleeper(void **state)
{
	if (sleeper > 0) {
		kill(sleeper, SIGKILL);
		waitpid(sleeper, NULL, 0);
		sleeper = -1;
	}
	return teardown(state);
}

static void test_status(void **state)
{
	struct root *r = *state;
	struct sheep_err *e = NULL;
	struct sheep_state st = {.id = (char *)"s"};
	siginfo_t si; /* NULL is allowed on Linux, but valgrind reports it as unaddressable */
	int dirfd = -1;
	pid_t pid = spawn_sleeper();

	assert_int_equal(sheep_state_dir_create(r->fd, "s", &dirfd, &e), 0);
	st.pid = pid;
	assert_int_equal(sheep_pid_start_time(pid, &st.start_time, &e), 0);
	assert_true(st.start_time > 0);
	assert_true(sheep_pid_alive(pid, st.start_time));
	assert_int_equal(sheep_state_status(&st, dirfd), SHEEP_RUNNING);
	st.creating = true;
	assert_int_equal(sheep_state_status(&st, dirfd), SHEEP_CREATING);
	st.creating = false;
	assert_int_equal(mkfifoat(dirfd, SHEEP_EXEC_FIFO, 0600), 0);
	assert_int_equal(sheep_state_status(&st, dirfd), SHEEP_CREATED);
	/* the same pid with another start time is a recycled pid: the container is gone */
	st.start_time++;
	assert_false(sheep_pid_alive(pid, st.start_time));
	assert_int_equal(sheep_state_status(&st, dirfd), SHEEP_STOPPED);
	st.start_time--;

	/* a zombie is not alive either */
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(sheep_state_status(&st, dirfd), SHEEP_STOPPED);
	unsigned long long t;
	char want[64];
	assert_int_equal(sheep_pid_start_time(pid, &t, &e), -1);
	snprintf(want, sizeof(want), "process %d is a zombie: No such process", (int)pid);
	assert_err(e, ESRCH, want);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	sleeper = -1;
	assert_int_equal(sheep_state_status(&st, dirfd), SHEEP_STOPPED);
	assert_int_equal(sheep_pid_start_time(pid, &t, &e), -1);
	assert_non_null(e);
	assert_int_equal(e->errnum, ENOENT);
	sheep_err_freep(&e);
	st.pid = 0;
	assert_false(sheep_pid_alive(0, 0));
	close(dirfd);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(sheep_status_name(SHEEP_CREATING), "creating");
	assert_string_equal(sheep_status_name(SHEEP_CREATED), "created");
	assert_string_equal(sheep_status_name(SHEEP_RUNNING), "running");
	assert_string_equal(sheep_status_name(SHEEP_PAUSED), "paused");
	assert_string_equal(sheep_status_name(SHEEP_STOPPED), "stopped");
}

static void test_remove(void **state)
{
	struct root *r = *state;
	struct sheep_err *e = NULL;
	struct sheep_state in;
	char dir[128];
	int dirfd = -1;

	fill(&in, "gone");
	assert_int_equal(sheep_state_dir_create(r->fd, "gone", &dirfd, &e), 0);
	assert_int_equal(sheep_state_save(dirfd, &in, &e), 0);
	assert_int_equal(mkfifoat(dirfd, SHEEP_EXEC_FIFO, 0600), 0);
	snprintf(dir, sizeof(dir), "%s/gone", r->path);
	free(test_put(dir, SHEEP_CONFIG_FILE, "{}", 0600));
	/* left over by a create that was killed while writing state.json */
	free(test_put(dir, ".state.json.tmp", "{", 0600));
	close(dirfd);
	assert_int_equal(sheep_state_remove(r->fd, "gone", &e), 0);
	assert_null(e);
	assert_int_equal(faccessat(r->fd, "gone", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(errno, ENOENT);
	/* removing what is not there is not an error */
	assert_int_equal(sheep_state_remove(r->fd, "gone", &e), 0);
	assert_null(e);
}

/* A create that failed with EMFILE still holds the directory's fd and has no fd to spare: removal
 * must not need a new one (the state directory was left behind). */
static void test_remove_without_free_fd(void **state)
{
	struct root *r = *state;
	struct sheep_err *e = NULL;
	struct sheep_state in;
	struct rlimit saved, low;
	int dirfd = -1, fds[256], n = 0, ret;

	fill(&in, "full");
	assert_int_equal(sheep_state_dir_create(r->fd, "full", &dirfd, &e), 0);
	assert_int_equal(sheep_state_save(dirfd, &in, &e), 0);
	assert_int_equal(mkfifoat(dirfd, SHEEP_EXEC_FIFO, 0600), 0);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	low = (struct rlimit){.rlim_cur = 64, .rlim_max = saved.rlim_max};
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (n < 256 && (fds[n] = fcntl(0, F_DUPFD_CLOEXEC, 0)) >= 0)
		n++;
	assert_int_equal(errno, EMFILE);
	ret = sheep_state_remove(r->fd, "full", &e);
	while (n > 0)
		close(fds[--n]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
	close(dirfd);
	assert_null(e);
	assert_int_equal(ret, 0);
	assert_int_equal(faccessat(r->fd, "full", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(errno, ENOENT);
}

static struct oci_state *oci_json(const struct sheep_state *st, enum sheep_status s)
{
	struct sheep_err *e = NULL;
	_cleanup_free_ char *json = sheep_state_oci_json(st, s, &e);
	char *perr = NULL;
	struct oci_state *o;

	assert_null(e);
	assert_non_null(json);
	o = oci_state_parse_data(json, strlen(json), "state", &perr);
	if (o == NULL)
		fail_msg("%s: %s", json, perr);
	return o;
}

static void test_oci_json(void **state)
{
	struct sheep_state st;
	struct oci_state *o;

	(void)state;
	fill(&st, "web1");
	o = oci_json(&st, SHEEP_RUNNING);
	assert_string_equal(o->oci_version, OCI_SPEC_VERSION);
	assert_string_equal(o->id, "web1");
	assert_string_equal(o->status, "running");
	assert_true(o->has_pid);
	assert_int_equal(o->pid, 4242);
	assert_string_equal(o->bundle, "/srv/bundle");
	assert_non_null(o->annotations);
	assert_int_equal(o->annotations->len, 2);
	assert_string_equal(o->annotations->keys[1], "b");
	assert_string_equal(o->annotations->values[1], "two \"quoted\"");
	oci_state_free(o);

	/* stopped: no pid (runtime-spec "pid ... REQUIRED when status is created or running") */
	st.bundle = NULL;
	st.annotations = (struct oci_map){0};
	o = oci_json(&st, SHEEP_STOPPED);
	assert_string_equal(o->status, "stopped");
	assert_false(o->has_pid);
	assert_string_equal(o->bundle, "");
	assert_null(o->annotations);
	oci_state_free(o);

	o = oci_json(&st, SHEEP_CREATED);
	assert_string_equal(o->status, "created");
	assert_true(o->has_pid);
	assert_int_equal(o->pid, 4242);
	oci_state_free(o);
}

/* A hook in the container's namespaces gets the pid as the container sees it and the status of
 * that moment; everything else (annotations included) is the runtime's document unchanged. */
static void test_oci_json_in_container(void **state)
{
	struct sheep_state st;
	struct sheep_err *e = NULL;
	_cleanup_free_ char *host = NULL, *inside = NULL;
	struct oci_state *o;
	char *perr = NULL;

	(void)state;
	fill(&st, "web1");
	host = sheep_state_oci_json(&st, SHEEP_CREATING, &e);
	assert_non_null(host);
	inside = sheep_state_oci_json_in_container(host, SHEEP_CREATED, 1, &e);
	assert_non_null(inside);
	assert_null(e);
	o = oci_state_parse_data(inside, strlen(inside), "state", &perr);
	assert_non_null(o);
	assert_string_equal(o->status, "created");
	assert_true(o->has_pid);
	assert_int_equal(o->pid, 1);
	assert_string_equal(o->id, "web1");
	assert_string_equal(o->bundle, "/srv/bundle");
	assert_int_equal(o->annotations->len, 2);
	assert_string_equal(o->annotations->values[1], "two \"quoted\"");
	oci_state_free(o);

	assert_null(sheep_state_oci_json_in_container("{\"id\": 5", SHEEP_CREATED, 1, &e));
	assert_non_null(e);
	assert_int_equal(e->errnum, EINVAL);
	sheep_err_free(e);
}

/* A state a little over OCI_MAX_INPUT_SIZE (a config.json's annotations) is written, read back
 * and given to in-container hooks; one over STATE_MAX_SIZE is refused, not left unreadable. */
static void test_save_limit(void **state)
{
	const size_t max = OCI_MAX_INPUT_SIZE + 1024 * 1024;
	struct root *r = *state;
	struct sheep_err *e = NULL;
	struct sheep_state in, *out = NULL;
	char *vals[2] = {(char *)"1", (char *)""}, msg[128];
	_cleanup_free_ char *big = malloc(max + 1), *host = NULL, *inside = NULL;
	int dirfd = -1, lfd = -1;
	struct stat st;
	size_t base;

	assert_non_null(big);
	memset(big, 'x', max);
	big[max] = '\0';
	fill(&in, "big");
	in.annotations.values = vals;
	assert_int_equal(sheep_state_dir_create(r->fd, "big", &dirfd, &e), 0);
	assert_int_equal(sheep_state_save(dirfd, &in, &e), 0);
	assert_int_equal(fstatat(dirfd, SHEEP_STATE_FILE, &st, 0), 0);
	base = (size_t)st.st_size;
	/* 16 MiB + 512 KiB of annotation: written, loaded, and its indented form (over the 16 MiB
	 * parser limit) still makes the in-container state */
	vals[1] = big + max - OCI_MAX_INPUT_SIZE - 512 * 1024;
	assert_int_equal(sheep_state_save(dirfd, &in, &e), 0);
	close(dirfd); /* unlocked for the load, whose fd (locked again) is used from here on */
	assert_int_equal(sheep_state_load(r->fd, "big", &out, &dirfd, &e), 0);
	assert_int_equal(strlen(out->annotations.values[1]), OCI_MAX_INPUT_SIZE + 512 * 1024);
	host = sheep_state_oci_json(out, SHEEP_CREATING, &e);
	assert_non_null(host);
	inside = sheep_state_oci_json_in_container(host, SHEEP_CREATED, 1, &e);
	assert_non_null(inside);
	assert_non_null(strstr(inside, vals[1]));
	sheep_state_free(out);
	/* the largest state is written; one byte more is refused and the old state stays */
	vals[1] = big + base;
	assert_int_equal(sheep_state_save(dirfd, &in, &e), 0);
	vals[1] = big + base - 1;
	assert_int_equal(sheep_state_save(dirfd, &in, &e), -1);
	snprintf(msg, sizeof(msg), "write state: %zu bytes, more than %zu", max + 1, max);
	assert_err(e, EFBIG, msg);
	assert_int_equal(fstatat(dirfd, SHEEP_STATE_FILE, &st, 0), 0);
	assert_int_equal((size_t)st.st_size, max);
	close(dirfd);
	assert_int_equal(sheep_state_load(r->fd, "big", &out, &lfd, &e), 0);
	close(lfd);
	sheep_state_free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_id),
	    cmocka_unit_test_setup_teardown(test_root_open, setup, teardown),
	    cmocka_unit_test(test_default_root),
	    cmocka_unit_test_setup_teardown(test_dir_create_twice, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_save_load_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_save_absent_fields, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_dir_without_state, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_after_removal_by_holder, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_corrupt, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_status, setup, teardown_sleeper),
	    cmocka_unit_test(test_status_names),
	    cmocka_unit_test(test_hooks_of),
	    cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_remove_without_free_fd, setup, teardown),
	    cmocka_unit_test(test_oci_json),
	    cmocka_unit_test(test_oci_json_in_container),
	    cmocka_unit_test_setup_teardown(test_save_limit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
