/* core/proc/sync.c: the parent/child protocol over a real socketpair: every message type with its
 * payload, fds passed with SCM_RIGHTS, SYNC_ERROR turned back into an error, EOF and protocol
 * violations. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "core/proc/sync.h"
#include "test_core.h"

static int setup(void **state)
{
	struct sync_pair *p = calloc(1, sizeof(*p));
	struct sheep_err *e = NULL;

	assert_int_equal(sync_pair_open(p, &e), 0);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct sync_pair *p = *state;

	sync_close_parent(p);
	sync_close_child(p);
	free(p);
	return 0;
}

static void test_pair_open_close(void **state)
{
	struct sync_pair *p = *state;
	int type = 0;
	socklen_t len = sizeof(type);

	assert_true(fcntl(p->parent, F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(p->child, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(getsockopt(p->parent, SOL_SOCKET, SO_TYPE, &type, &len), 0);
	assert_int_equal(type, SOCK_SEQPACKET);
	int fd = p->child;
	sync_close_child(p);
	assert_int_equal(p->child, -1);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	sync_close_child(p); /* twice is harmless */
	assert_int_equal(p->child, -1);
}

static void test_each_type_round_trip(void **state)
{
	struct sync_pair *p = *state;

	for (int t = SYNC_GO; t <= SYNC_ERROR; t++) {
		struct sheep_err *e = NULL;
		struct sync_msg m;
		char text[32];
		int n = snprintf(text, sizeof(text), "payload of %d", t);

		/* both directions: the protocol does not care who sends */
		int from = t % 2 ? p->parent : p->child, to = t % 2 ? p->child : p->parent;
		assert_int_equal(sync_send(from, t, text, (size_t)n, -1, &e), 0);
		assert_int_equal(sync_recv(to, &m, &e), 0);
		assert_null(e);
		assert_int_equal(m.type, t);
		assert_int_equal(m.errnum, 0);
		assert_int_equal(m.len, (size_t)n);
		assert_string_equal(m.payload, text);
		assert_int_equal(m.fd, -1);
		sync_msg_clear(&m);
		assert_null(m.payload);
	}
}

static void test_no_payload(void **state)
{
	struct sync_pair *p = *state;
	struct sheep_err *e = NULL;
	struct sync_msg m;

	assert_int_equal(sync_send(p->child, SYNC_READY, NULL, 0, -1, &e), 0);
	assert_int_equal(sync_expect(p->parent, SYNC_READY, &m, &e), 0);
	assert_int_equal(m.type, SYNC_READY);
	assert_null(m.payload);
	assert_int_equal(m.len, 0);
	assert_int_equal(m.fd, -1);
}

static char *filled(size_t n)
{
	char *big = malloc(n + 1);

	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	big[n] = '\0';
	return big;
}

/* A state JSON of SYNC_MAX_PAYLOAD bytes goes in one packet (above the default send buffer). */
static void test_large_payload(void **state)
{
	struct sync_pair *p = *state;
	struct sheep_err *e = NULL;
	struct sync_msg m;
	char *big = filled(SYNC_MAX_PAYLOAD);

	assert_int_equal(sync_send(p->parent, SYNC_GO, big, SYNC_MAX_PAYLOAD, -1, &e), 0);
	assert_null(e);
	assert_int_equal(sync_expect(p->child, SYNC_GO, &m, &e), 0);
	assert_int_equal(m.len, SYNC_MAX_PAYLOAD);
	assert_string_equal(m.payload, big);
	sync_msg_clear(&m);
	free(big);
}

/* One byte more is refused by the receiver rather than cut off, and its fd is not leaked. */
static void test_oversized_payload(void **state)
{
	struct sync_pair *p = *state;
	struct sheep_err *e = NULL;
	struct sync_msg m;
	char *big = filled(SYNC_MAX_PAYLOAD + 1);
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), before;

	assert_int_equal(sync_send(p->parent, SYNC_GO, big, SYNC_MAX_PAYLOAD + 1, fd, &e), 0);
	close(fd);
	before = test_count_fds();
	assert_int_equal(sync_recv(p->child, &m, &e), -1);
	assert_err(e, EMSGSIZE, "sync message longer than 262144 bytes");
	assert_null(m.payload);
	assert_int_equal(m.fd, -1);
	assert_int_equal(test_count_fds(), before);
	free(big);
}

static void pass_fd(struct sync_pair *p, enum sync_type type)
{
	struct sheep_err *e = NULL;
	struct sync_msg m;
	int pipefd[2];
	char c = 0;

	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	assert_int_equal(sync_send(p->child, type, NULL, 0, pipefd[1], &e), 0);
	close(pipefd[1]);
	assert_int_equal(sync_expect(p->parent, type, &m, &e), 0);
	assert_true(m.fd >= 0);
	assert_true(fcntl(m.fd, F_GETFD) & FD_CLOEXEC);
	/* the received fd is the write end: what goes in comes out of the read end we kept */
	assert_int_equal(write(m.fd, "x", 1), 1);
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	int fd = m.fd;
	sync_msg_clear(&m);
	assert_int_equal(m.fd, -1);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	/* every write end is closed now: EOF */
	assert_int_equal(read(pipefd[0], &c, 1), 0);
	close(pipefd[0]);
}

static void test_pty_fd(void **state)
{
	pass_fd(*state, SYNC_PTY);
}

static void test_seccomp_fd_with_payload(void **state)
{
	struct sync_pair *p = *state;
	struct sheep_err *e = NULL;
	struct sync_msg m;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	pass_fd(p, SYNC_SECCOMP);
	assert_int_equal(sync_send(p->child, SYNC_SECCOMP, "{\"meta\":1}", 10, fd, &e), 0);
	close(fd);
	assert_int_equal(sync_expect(p->parent, SYNC_SECCOMP, &m, &e), 0);
	assert_true(m.fd >= 0);
	assert_string_equal(m.payload, "{\"meta\":1}");
	sync_msg_clear(&m);
}

static void test_error_becomes_error(void **state)
{
	struct sync_pair *p = *state;
	struct sheep_err *sent = NULL, *e = NULL;
	struct sync_msg m;

	sheep_err_set(&sent, EACCES, "mount '%s' on '%s'", "proc", "/proc");
	sheep_err_wrap(&sent, "set up rootfs");
	sync_send_error(p->child, sent);
	sheep_err_freep(&sent);
	assert_int_equal(sync_expect(p->parent, SYNC_GO, &m, &e), -1);
	/* the text already holds strerror: it is not appended twice */
	assert_err(e, EACCES, "set up rootfs: mount 'proc' on '/proc': Permission denied");
	assert_null(m.payload);
	assert_int_equal(m.fd, -1);

	/* parent -> child, and no error object at all */
	sync_send_error(p->parent, NULL);
	assert_int_equal(sync_expect(p->child, SYNC_HOOKS_DONE, &m, &e), -1);
	assert_err(e, 0, "unknown error");

	/* sync_recv hands SYNC_ERROR over as a message */
	sheep_err_code(&sent, ENOENT, "hook missing");
	sync_send_error(p->child, sent);
	sheep_err_freep(&sent);
	assert_int_equal(sync_recv(p->parent, &m, &e), 0);
	assert_int_equal(m.type, SYNC_ERROR);
	assert_int_equal(m.errnum, ENOENT);
	assert_string_equal(m.payload, "hook missing");
	sync_msg_clear(&m);
}

static void test_eof(void **state)
{
	struct sync_pair *p = *state;
	struct sheep_err *e = NULL;
	struct sync_msg m;

	sync_close_child(p);
	assert_int_equal(sync_expect(p->parent, SYNC_READY, &m, &e), -1);
	assert_err(e, ECONNRESET,
		   "the other side of the sync socket exited: Connection reset by peer");
	assert_int_equal(m.fd, -1);
	assert_null(m.payload);
	/* sending to a closed peer is an error too, not a SIGPIPE */
	assert_int_equal(sync_send(p->parent, SYNC_GO, "x", 1, -1, &e), -1);
	assert_err(e, EPIPE, "send sync message 1: Broken pipe");
}

static void test_unexpected_type(void **state)
{
	struct sync_pair *p = *state;
	struct sheep_err *e = NULL;
	struct sync_msg m;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int before;

	assert_int_equal(sync_send(p->child, SYNC_READY, "late", 4, -1, &e), 0);
	assert_int_equal(sync_expect(p->parent, SYNC_USERMAP, &m, &e), -1);
	assert_err(e, EPROTO, "unexpected sync message 8 (wanted 2): Protocol error");
	assert_null(m.payload);
	/* an fd that came with the wrong message is closed, not leaked */
	assert_int_equal(sync_send(p->child, SYNC_PTY, NULL, 0, fd, &e), 0);
	close(fd);
	before = test_count_fds();
	assert_int_equal(sync_expect(p->parent, SYNC_SECCOMP, &m, &e), -1);
	assert_err(e, EPROTO, "unexpected sync message 6 (wanted 7): Protocol error");
	assert_int_equal(m.fd, -1);
	assert_int_equal(test_count_fds(), before);
}

static void test_short_message(void **state)
{
	struct sync_pair *p = *state;
	struct sheep_err *e = NULL;
	struct sync_msg m;

	assert_int_equal(send(p->child, "abc", 3, 0), 3);
	assert_int_equal(sync_recv(p->parent, &m, &e), -1);
	assert_err(e, EPROTO, "short sync message: Protocol error");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_pair_open_close),	     T(test_each_type_round_trip), T(test_no_payload),
	    T(test_large_payload),	     T(test_oversized_payload),	   T(test_pty_fd),
	    T(test_seccomp_fd_with_payload), T(test_error_becomes_error),  T(test_eof),
	    T(test_unexpected_type),	     T(test_short_message),
	};

	alarm(60); /* a protocol bug shows as a blocked recv: fail instead of hanging */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
