/* recvtty: the other end of --console-socket for the tty tests. Listens on SOCKET, takes the
 * pseudo-terminal master a runtime sends (one SCM_RIGHTS fd, runtime-spec "Console socket"), writes
 * INPUT to it if given, then copies the container's terminal output to OUTFILE until every slave
 * is closed (read gives EIO). Usage: recvtty SOCKET OUTFILE [INPUT] */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	return 1;
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Receives one fd passed with SCM_RIGHTS on a connected socket. */
static int receive_fd(int conn)
{
	char data[256], control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {data, sizeof(data)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) < 0)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
		errno = EBADMSG;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static int copy_out(int master, int out)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(master, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && write(out, buf, (size_t)n) != n)
			return die("write output");
	/* EIO is how a master reports that the last slave was closed. */
	return n < 0 && errno != EIO ? die("read terminal") : 0;
}

int main(int argc, char **argv)
{
	int sock, conn, master, out;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: recvtty SOCKET OUTFILE [INPUT]\n");
		return 2;
	}
	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		return die(argv[2]);
	sock = listen_on(argv[1]);
	if (sock < 0)
		return die(argv[1]);
	conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return die("accept");
	master = receive_fd(conn);
	if (master < 0)
		return die("receive terminal fd");
	close(conn);
	close(sock);
	if (argc == 4 &&
	    (write(master, argv[3], strlen(argv[3])) < 0 || write(master, "\n", 1) < 0))
		return die("write input");
	return copy_out(master, out);
}
