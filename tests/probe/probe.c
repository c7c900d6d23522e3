/* probe: the payload of the integration tests. A static program that runs in an empty rootfs and
 * reports what a container sees (ids, capabilities, fds, namespaces, limits, tty) in plain lines
 * that bats can match. Commands chain with a ";" argument: `probe write /tmp/ready 1 ; pause`.
 * Usage errors exit 2; a failed command exits 1 after printing "probe: CMD: reason" on stderr. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "tests/probe/probe.h"

static int fail(const char *cmd, const char *what)
{
	fprintf(stderr, "probe: %s: %s: %s\n", cmd, what, strerror(errno));
	return 1;
}

static int cmd_true(int argc, char **argv)
{
	return 0;
}

static int cmd_false(int argc, char **argv)
{
	return 1;
}

static int cmd_exit(int argc, char **argv)
{
	return atoi(argv[1]) & 0xff;
}

static int cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
	return 0;
}

static int cmd_sleep(int argc, char **argv)
{
	double secs = strtod(argv[1], NULL);
	struct timespec ts = {(time_t)secs, (long)((secs - (time_t)secs) * 1e9)};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

/* Copies a file to stdout; used for /proc files too, whose size stat() does not know. */
static int cat_path(const char *cmd, const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(cmd, path);
	fflush(stdout);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			break;
	close(fd);
	return n < 0 ? fail(cmd, path) : 0;
}

static int cmd_cat(int argc, char **argv)
{
	return cat_path("cat", argv[1]);
}

/* Copies stdin to stdout until end of file (tty and stdin-forwarding tests). */
static int cmd_stdin(int argc, char **argv)
{
	return cat_path("stdin", "/proc/self/fd/0");
}

static int cmd_write(int argc, char **argv)
{
	FILE *f = fopen(argv[1], "we");

	if (f == NULL)
		return fail("write", argv[1]);
	fprintf(f, "%s\n", argv[2]);
	if (fclose(f) != 0)
		return fail("write", argv[1]);
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints the names in DIR sorted (without . and ..) so the output is stable. */
static int cmd_ls(int argc, char **argv)
{
	char *names[1024];
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir(argv[1]);

	if (d == NULL)
		return fail("ls", argv[1]);
	while ((de = readdir(d)) != NULL && n < 1024)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), compare_names);
	for (size_t i = 0; i < n; i++) {
		printf("%s\n", names[i]);
		free(names[i]);
	}
	return 0;
}

/* Lists the open fds as "FD -> TARGET", leaving out the directory stream used for the listing. */
static int cmd_fds(int argc, char **argv)
{
	char target[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");

	if (d == NULL)
		return fail("fds", "/proc/self/fd");
	while ((de = readdir(d)) != NULL) {
		ssize_t n;

		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		printf("%s -> %s\n", de->d_name, target);
	}
	closedir(d);
	return 0;
}

static int cmd_status(int argc, char **argv)
{
	static const char *const keys[] = {"Cap", "NoNewPrivs", "Seccomp", "Uid",
					   "Gid", "Groups",	"Sig",	   "Shd"};
	char line[1024];
	FILE *f = fopen("/proc/self/status", "re");

	if (f == NULL)
		return fail("status", "/proc/self/status");
	while (fgets(line, sizeof(line), f))
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0 && strchr(line, ':')) {
				fputs(line, stdout);
				break;
			}
	fclose(f);
	return 0;
}

static int cmd_id(int argc, char **argv)
{
	gid_t groups[256];
	int n = getgroups(256, groups);

	printf("uid=%u gid=%u euid=%u egid=%u groups=", getuid(), getgid(), geteuid(), getegid());
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", groups[i]);
	printf("\n");
	return 0;
}

static int cmd_env(int argc, char **argv)
{
	extern char **environ;

	for (char **e = environ; *e; e++)
		printf("%s\n", *e);
	return 0;
}

static int cmd_cwd(int argc, char **argv)
{
	char buf[PATH_MAX];

	if (getcwd(buf, sizeof(buf)) == NULL)
		return fail("cwd", "getcwd");
	printf("%s\n", buf);
	return 0;
}

static int cmd_hostname(int argc, char **argv)
{
	struct utsname u;

	if (uname(&u) < 0)
		return fail("hostname", "uname");
	printf("%s\n", u.nodename);
	if (argc > 1 && strcmp(argv[1], "--domain") == 0)
		printf("%s\n", u.domainname);
	return 0;
}

static int cmd_umask(int argc, char **argv)
{
	mode_t m = umask(0);

	umask(m);
	printf("%04o\n", (unsigned)m);
	return 0;
}

static int cmd_pid(int argc, char **argv)
{
	printf("pid=%d ppid=%d\n", (int)getpid(), (int)getppid());
	return 0;
}

/* Prints "NAME -> TARGET" for every /proc/self/ns entry, e.g. "pid -> pid:[4026531836]". */
static int cmd_ns(int argc, char **argv)
{
	static const char *const names[] = {"cgroup", "ipc",  "mnt",  "net",
					    "pid",    "time", "user", "uts"};
	char path[64], target[128];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue; /* older kernels have no time namespace */
		target[n] = '\0';
		printf("%s -> %s\n", names[i], target);
	}
	return 0;
}

static int cmd_tty(int argc, char **argv)
{
	struct winsize ws;

	for (int fd = 0; fd < 3; fd++) {
		const char *name = isatty(fd) ? ttyname(fd) : NULL;

		printf("%d: isatty=%d ttyname=%s\n", fd, isatty(fd), name ? name : "-");
	}
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		printf("winsize=%ux%u\n", ws.ws_row, ws.ws_col);
	else
		printf("winsize=none\n");
	return 0;
}

static const char *file_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "file";
	case S_IFDIR:
		return "dir";
	case S_IFLNK:
		return "symlink";
	case S_IFCHR:
		return "char";
	case S_IFBLK:
		return "block";
	case S_IFIFO:
		return "fifo";
	default:
		return "socket";
	}
}

/* lstat(PATH) as "type=char mode=0666 uid=0 gid=0 rdev=1:3 size=0". */
static int cmd_stat(int argc, char **argv)
{
	struct stat st;

	if (lstat(argv[1], &st) < 0)
		return fail("stat", argv[1]);
	printf("type=%s mode=%04o uid=%u gid=%u rdev=%u:%u size=%lld\n", file_type(st.st_mode),
	       (unsigned)(st.st_mode & 07777), st.st_uid, st.st_gid, major(st.st_rdev),
	       minor(st.st_rdev), (long long)st.st_size);
	return 0;
}

/* Runs PATH with ARGS in place of the probe (exec of an ignored-signal state, a shell...). */
static int cmd_exec(int argc, char **argv)
{
	fflush(stdout);
	execv(argv[1], argv + 1);
	return fail("exec", argv[1]);
}

/* Waits until PATH exists (polling, 10 ms), at most SECS seconds (default 10); exit 1 on timeout. */
static int cmd_wait_file(int argc, char **argv)
{
	double limit = argc > 2 ? strtod(argv[2], NULL) : 10;
	struct timespec tick = {0, 10 * 1000 * 1000};

	for (double waited = 0; waited < limit; waited += 0.01) {
		if (access(argv[1], F_OK) == 0)
			return 0;
		nanosleep(&tick, NULL);
	}
	fprintf(stderr, "probe: wait-file: %s: timed out\n", argv[1]);
	return 1;
}

static const struct probe_cmd commands[] = {
    {"true", 0, 0, cmd_true, "exit 0"},
    {"false", 0, 0, cmd_false, "exit 1"},
    {"exit", 1, 1, cmd_exit, "N: exit with status N"},
    {"echo", 0, -1, cmd_echo, "ARGS...: print ARGS on one line"},
    {"sleep", 1, 1, cmd_sleep, "SECS: sleep (fractions allowed)"},
    {"pause", 0, -1, probe_cmd_pause, "[--term-ok] [-n COUNT] [--ready FILE]: wait for signals"},
    {"sig-ignore", 1, -1, probe_cmd_sig_ignore, "SIG...: ignore these signals"},
    {"kill", 2, 2, probe_cmd_kill, "PID SIG: send a signal"},
    {"cat", 1, 1, cmd_cat, "FILE: print FILE"},
    {"stdin", 0, 0, cmd_stdin, "copy stdin to stdout"},
    {"write", 2, 2, cmd_write, "FILE TEXT: write TEXT and a newline to FILE"},
    {"ls", 1, 1, cmd_ls, "DIR: list DIR sorted"},
    {"fds", 0, 0, cmd_fds, "list open fds as 'FD -> TARGET'"},
    {"status", 0, 0, cmd_status, "Cap*, NoNewPrivs, Seccomp, Uid, Gid, Groups, Sig* of status"},
    {"id", 0, 0, cmd_id, "uid, gid, euid, egid, groups"},
    {"env", 0, 0, cmd_env, "print the environment"},
    {"cwd", 0, 0, cmd_cwd, "print the working directory"},
    {"hostname", 0, 1, cmd_hostname, "[--domain]: print the host (and domain) name"},
    {"rlimits", 0, 0, probe_cmd_rlimits, "print 'RLIMIT_X soft hard' for every limit"},
    {"umask", 0, 0, cmd_umask, "print the umask"},
    {"mounts", 0, 0, probe_cmd_mounts, "print 'TARGET FSTYPE OPTIONS' per mount"},
    {"pid", 0, 0, cmd_pid, "print pid and ppid"},
    {"ns", 0, 0, cmd_ns, "print the namespace links of /proc/self/ns"},
    {"pidns", 0, 0, cmd_ns, "same as ns"},
    {"tty", 0, 0, cmd_tty, "isatty and ttyname of 0, 1, 2 and the window size"},
    {"stat", 1, 1, cmd_stat, "PATH: type, mode, owner, device numbers"},
    {"syscall", 1, 1, probe_cmd_syscall, "NAME: try a syscall, print 'NAME: ok|errno'"},
    {"exec", 1, -1, cmd_exec, "PATH ARGS...: exec PATH"},
    {"wait-file", 1, 2, cmd_wait_file, "PATH [SECS]: wait until PATH exists"},
    {NULL, 0, 0, NULL, NULL},
};

static void usage(void)
{
	fprintf(stderr, "usage: probe CMD [ARGS] [; CMD [ARGS]]...\n");
	for (const struct probe_cmd *c = commands; c->name; c++)
		fprintf(stderr, "  %-10s %s\n", c->name, c->help);
}

/* Runs one command of argc words; returns its exit status. */
static int run_one(int argc, char **argv)
{
	for (const struct probe_cmd *c = commands; c->name; c++) {
		if (strcmp(c->name, argv[0]) != 0)
			continue;
		if (argc - 1 < c->min_args || (c->max_args >= 0 && argc - 1 > c->max_args)) {
			fprintf(stderr, "probe: %s: wrong number of arguments\n", c->name);
			return 2;
		}
		return c->fn(argc, argv);
	}
	fprintf(stderr, "probe: unknown command '%s'\n", argv[0]);
	usage();
	return 2;
}

int main(int argc, char **argv)
{
	int start = 1, status = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		usage();
		return 2;
	}
	/* Each ";"-separated command runs in turn; the first failure ends the chain. */
	for (int i = 1; i <= argc && status == 0; i++) {
		if (i < argc && strcmp(argv[i], ";") != 0)
			continue;
		argv[i < argc ? i : argc] = NULL;
		if (i > start)
			status = run_one(i - start, argv + start);
		start = i + 1;
	}
	fflush(stdout);
	return status;
}
