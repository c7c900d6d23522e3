/* core/proc/sync.c: the parent/child protocol over a real socketpair: every message type with its
 * payload, fds passed with SCM_RIGHTS, payloads over SYNC_INLINE_MAX in a sealed memfd (and
 * memfds a peer should not have sent refused), SYNC_ERROR turned back into an error, EOF and
 * protocol violations. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

/* The largest inline payload still goes in the packet: no fd arrives with it. */
static void test_inline_max(void **state)
{
	struct sync_pair *p = *state;
	struct sheep_err *e = NULL;
	struct sync_msg m;
	char *big = filled(SYNC_INLINE_MAX);

	assert_int_equal(sync_send(p->parent, SYNC_GO, big, SYNC_INLINE_MAX, -1, &e), 0);
	assert_null(e);
	assert_int_equal(sync_expect(p->child, SYNC_GO, &m, &e), 0);
	assert_int_equal(m.len, SYNC_INLINE_MAX);
	assert_string_equal(m.payload, big);
	assert_int_equal(m.fd, -1);
	sync_msg_clear(&m);
	free(big);
}

/* A payload of LEN bytes (over SYNC_INLINE_MAX: in a memfd) arrives whole, with the message's
 * own fd beside it; neither side keeps a descriptor afterwards. */
static void memfd_round_trip(struct sync_pair *p, size_t len)
{
	struct sheep_err *e = NULL;
	struct sync_msg m;
	char *big = filled(len);
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), before;
	struct stat want, got;

	assert_int_equal(fstat(fd, &want), 0);
	before = test_count_fds();
	assert_int_equal(sync_send(p->parent, SYNC_GO, big, len, fd, &e), 0);
	assert_null(e);
	assert_int_equal(test_count_fds(), before); /* the sender's memfd is closed */
	assert_int_equal(sync_expect(p->child, SYNC_GO, &m, &e), 0);
	assert_int_equal(m.len, len);
	assert_int_equal(strlen(m.payload), len);
	assert_memory_equal(m.payload, big, len);
	/* the fd the caller passed is the one handed over, not the memfd */
	assert_true(m.fd >= 0);
	assert_int_equal(fstat(m.fd, &got), 0);
	assert_int_equal(got.st_ino, want.st_ino);
	assert_true(fcntl(m.fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(test_count_fds(), before + 1);
	sync_msg_clear(&m);
	assert_int_equal(test_count_fds(), before);
	close(fd);
	free(big);
}

static void test_memfd_just_over_inline(void **state)
{
	memfd_round_trip(*state, SYNC_INLINE_MAX + 1);
}

static void test_memfd_1mib(void **state)
{
	memfd_round_trip(*state, 1024 * 1024);
}

static void test_memfd_16mib(void **state)
{
	memfd_round_trip(*state, 16 * 1024 * 1024);
}

static void test_memfd_max(void **state)
{
	struct sync_pair *p = *state;
	struct sheep_err *e = NULL;
	struct sync_msg m;
	char *big = filled(SYNC_MAX_PAYLOAD);
	int before = test_count_fds();

	assert_int_equal(sync_send(p->parent, SYNC_GO, big, SYNC_MAX_PAYLOAD, -1, &e), 0);
	assert_int_equal(sync_expect(p->child, SYNC_GO, &m, &e), 0);
	assert_int_equal(m.len, SYNC_MAX_PAYLOAD);
	assert_int_equal(m.fd, -1);
	assert_memory_equal(m.payload, big, SYNC_MAX_PAYLOAD);
	sync_msg_clear(&m);
	assert_int_equal(test_count_fds(), before);
	/* one byte more is refused before anything is sent */
	assert_int_equal(sync_send(p->parent, SYNC_GO, big, SYNC_MAX_PAYLOAD + 1, -1, &e), -1);
	assert_err(e, EMSGSIZE, "sync message 1: 34603009 bytes, more than 34603008");
	assert_int_equal(test_count_fds(), before);
	free(big);
}

/* A message built by hand: header, inline bytes and up to two fds, as a hostile or buggy peer
 * could send it. */
static void send_raw(int sock, uint64_t memfd_len, const char *text, size_t len, int fd1, int fd2)
{
	struct sync_hdr hdr = {.type = SYNC_GO, .memfd_len = memfd_len};
	struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {(void *)text, len}};
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} ctl = {{0}};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
	int fds[2] = {fd1, fd2}, n = (fd1 >= 0) + (fd2 >= 0);

	if (n > 0) {
		struct cmsghdr *c;

		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fd1 >= 0 ? fds : fds + 1, n * sizeof(int));
	}
	assert_true(sendmsg(sock, &mh, 0) >= 0);
}

/* A memfd holding LEN bytes of 'x' with SEALS added (0: none). */
static int make_memfd(size_t len, int seals)
{
	int fd = memfd_create("test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	char *text = filled(len);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	if (seals)
		assert_int_equal(fcntl(fd, F_ADD_SEALS, seals), 0);
	free(text);
	return fd;
}

/* The receiver refuses MEMFD announced as LEN bytes with MSG, closing both fds it got. */
static void refuse_raw(struct sync_pair *p, uint64_t len, const char *text, int memfd, int errnum,
		       const char *msg)
{
	struct sheep_err *e = NULL;
	struct sync_msg m;
	int own = open("/dev/null", O_RDONLY | O_CLOEXEC), before;

	send_raw(p->parent, len, text, text ? strlen(text) : 0, own, memfd);
	close(own);
	if (memfd >= 0)
		close(memfd);
	before = test_count_fds();
	assert_int_equal(sync_recv(p->child, &m, &e), -1);
	assert_err(e, errnum, msg);
	assert_null(m.payload);
	assert_int_equal(m.fd, -1);
	assert_int_equal(test_count_fds(), before);
}

static void test_memfd_refused(void **state)
{
	const int all = F_SEAL_SEAL | F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW;
	struct sync_pair *p = *state;
	struct sheep_err *e = NULL;
	struct sync_msg m;

	/* the sender wrote less than it announced */
	refuse_raw(p, 100000, NULL, make_memfd(99999, all), EPROTO,
		   "sync payload memfd holds 99999 bytes, not 100000: Protocol error");
	refuse_raw(p, 100000, NULL, make_memfd(100001, all), EPROTO,
		   "sync payload memfd holds 100001 bytes, not 100000: Protocol error");
	/* unsealed, or a seal missing: the sender could still change what is read */
	refuse_raw(p, 100000, NULL, make_memfd(100000, 0), EPROTO,
		   "sync payload memfd is not sealed: Protocol error");
	refuse_raw(p, 100000, NULL, make_memfd(100000, all & ~F_SEAL_WRITE), EPROTO,
		   "sync payload memfd is not sealed: Protocol error");
	refuse_raw(p, 100000, NULL, make_memfd(100000, all & ~F_SEAL_SEAL), EPROTO,
		   "sync payload memfd is not sealed: Protocol error");
	/* not a memfd at all */
	refuse_raw(p, 100000, NULL, open("/dev/zero", O_RDONLY | O_CLOEXEC), EPROTO,
		   "sync payload memfd is not sealed: Protocol error");
	/* the memfd is the last fd: the message's own fd alone is not taken for it */
	refuse_raw(p, 100000, NULL, -1, EPROTO, "sync payload memfd is not sealed: Protocol error");
	send_raw(p->parent, 100000, NULL, 0, -1, -1);
	assert_int_equal(sync_recv(p->child, &m, &e), -1);
	assert_err(e, EPROTO, "sync message without its payload memfd: Protocol error");
	assert_null(m.payload);
	refuse_raw(p, (uint64_t)SYNC_MAX_PAYLOAD + 1, NULL, make_memfd(10, all), EMSGSIZE,
		   "sync message longer than 34603008 bytes");
	refuse_raw(p, 100000, "inline too", make_memfd(100000, all), EPROTO,
		   "sync payload both inline and in a memfd: Protocol error");
}

/* An inline packet over SYNC_INLINE_MAX is refused rather than cut off, its fd not leaked. */
static void test_oversized_inline(void **state)
{
	struct sync_pair *p = *state;
	char *big = filled(SYNC_INLINE_MAX + 1);

	refuse_raw(p, 0, big, -1, EMSGSIZE, "sync message longer than 65536 bytes");
	free(big);
}

/* An error text over SYNC_INLINE_MAX is cut, not lost (the peer would see only EOF). */
static void test_long_error_cut(void **state)
{
	struct sync_pair *p = *state;
	struct sheep_err *sent = NULL, *e = NULL;
	struct sync_msg m;
	char *big = filled(SYNC_INLINE_MAX * 2);

	sheep_err_code(&sent, EINVAL, "%s", big);
	sync_send_error(p->child, sent);
	sheep_err_freep(&sent);
	assert_int_equal(sync_expect(p->parent, SYNC_GO, &m, &e), -1);
	assert_int_equal(e->errnum, EINVAL);
	assert_int_equal(strlen(e->msg), SYNC_INLINE_MAX);
	assert_memory_equal(e->msg, big, SYNC_INLINE_MAX);
	sheep_err_freep(&e);
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
	    T(test_pair_open_close),
	    T(test_each_type_round_trip),
	    T(test_no_payload),
	    T(test_inline_max),
	    T(test_memfd_just_over_inline),
	    T(test_memfd_1mib),
	    T(test_memfd_16mib),
	    T(test_memfd_max),
	    T(test_memfd_refused),
	    T(test_oversized_inline),
	    T(test_long_error_cut),
	    T(test_pty_fd),
	    T(test_seccomp_fd_with_payload),
	    T(test_error_becomes_error),
	    T(test_eof),
	    T(test_unexpected_type),
	    T(test_short_message),
	};

	alarm(60); /* a protocol bug shows as a blocked recv: fail instead of hanging */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
