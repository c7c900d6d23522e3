/* probe: the commands that exercise signals, resource limits, mounts and single syscalls.
 * pause blocks every signal and takes them with sigwaitinfo: a PID 1 without handlers would have
 * the kernel drop the signals sent from its own namespace, so a handler-less wait would lie. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tests/probe/probe.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const signames[] = {
    [SIGHUP] = "HUP",	    [SIGINT] = "INT",	[SIGQUIT] = "QUIT",   [SIGILL] = "ILL",
    [SIGTRAP] = "TRAP",	    [SIGABRT] = "ABRT", [SIGBUS] = "BUS",     [SIGFPE] = "FPE",
    [SIGKILL] = "KILL",	    [SIGUSR1] = "USR1", [SIGSEGV] = "SEGV",   [SIGUSR2] = "USR2",
    [SIGPIPE] = "PIPE",	    [SIGALRM] = "ALRM", [SIGTERM] = "TERM",   [SIGCHLD] = "CHLD",
    [SIGCONT] = "CONT",	    [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",   [SIGTTIN] = "TTIN",
    [SIGTTOU] = "TTOU",	    [SIGURG] = "URG",	[SIGXCPU] = "XCPU",   [SIGXFSZ] = "XFSZ",
    [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH", [SIGIO] = "IO",
    [SIGPWR] = "PWR",	    [SIGSYS] = "SYS",
};

/* "TERM", "SIGTERM" or "15" -> 15; -1 if unknown. */
static int parse_signal(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && *end == '\0')
		return n > 0 && n < NSIG ? (int)n : -1;
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 1; i < ARRAY_LEN(signames); i++)
		if (signames[i] && strcmp(signames[i], s) == 0)
			return (int)i;
	return -1;
}

static const char *signal_name(int sig)
{
	return sig > 0 && (size_t)sig < ARRAY_LEN(signames) && signames[sig] ? signames[sig] : "RT";
}

struct pause_opts {
	int term_ok;
	long count;
	const char *ready;
};

static int parse_pause(int argc, char **argv, struct pause_opts *o)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--term-ok") == 0)
			o->term_ok = 1;
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			o->count = atol(argv[++i]);
		else if (strcmp(argv[i], "--ready") == 0 && i + 1 < argc)
			o->ready = argv[++i];
		else {
			fprintf(stderr, "probe: pause: unknown argument '%s'\n", argv[i]);
			return -1;
		}
	}
	return 0;
}

/* Waits for COUNT signals (default 1), printing "signal N (NAME)" for each; exits 128+N for the
 * last one, or 0 for SIGTERM with --term-ok. --ready FILE is created once the signals are
 * blocked, so a test that waits for it can signal without racing the start-up. */
int probe_cmd_pause(int argc, char **argv)
{
	struct pause_opts o = {0, 1, NULL};
	sigset_t all;
	siginfo_t si;
	int sig = 0;

	if (parse_pause(argc, argv, &o) < 0)
		return 2;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	if (o.ready) {
		int fd = open(o.ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0) {
			fprintf(stderr, "probe: pause: %s: %s\n", o.ready, strerror(errno));
			return 1;
		}
		close(fd);
	}
	for (long n = 0; n < o.count; n++) {
		sig = sigwaitinfo(&all, &si);
		if (sig < 0) {
			n--;
			continue;
		}
		printf("signal %d (%s)\n", sig, signal_name(sig));
	}
	return o.term_ok && sig == SIGTERM ? 0 : 128 + sig;
}

int probe_cmd_sig_ignore(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int sig = parse_signal(argv[i]);

		if (sig < 0 || signal(sig, SIG_IGN) == SIG_ERR) {
			fprintf(stderr, "probe: sig-ignore: bad signal '%s'\n", argv[i]);
			return 2;
		}
	}
	return 0;
}

int probe_cmd_kill(int argc, char **argv)
{
	int sig = parse_signal(argv[2]);

	if (sig < 0) {
		fprintf(stderr, "probe: kill: bad signal '%s'\n", argv[2]);
		return 2;
	}
	if (kill(atoi(argv[1]), sig) < 0) {
		fprintf(stderr, "probe: kill: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}

static const struct {
	const char *name;
	int resource;
} rlimits[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static void print_limit(rlim_t v)
{
	if (v == RLIM_INFINITY)
		printf(" unlimited");
	else
		printf(" %llu", (unsigned long long)v);
}

/* One "RLIMIT_NOFILE SOFT HARD" line per limit, names as in config.json process.rlimits. */
int probe_cmd_rlimits(int argc, char **argv)
{
	for (size_t i = 0; i < ARRAY_LEN(rlimits); i++) {
		struct rlimit rl;

		if (getrlimit(rlimits[i].resource, &rl) < 0)
			continue;
		printf("%s", rlimits[i].name);
		print_limit(rl.rlim_cur);
		print_limit(rl.rlim_max);
		printf("\n");
	}
	return 0;
}

/* "TARGET FSTYPE OPTIONS" per line of /proc/self/mounts (the source is left out: it varies). */
int probe_cmd_mounts(int argc, char **argv)
{
	char src[4096], target[4096], type[256], opts[4096];
	FILE *f = fopen("/proc/self/mounts", "re");

	if (f == NULL) {
		fprintf(stderr, "probe: mounts: /proc/self/mounts: %s\n", strerror(errno));
		return 1;
	}
	while (fscanf(f, "%4095s %4095s %255s %4095s %*d %*d", src, target, type, opts) == 4)
		printf("%s %s %s\n", target, type, opts);
	fclose(f);
	return 0;
}

/* Each entry makes one harmless call of its syscall; its result is what seccomp, capabilities
 * or the keyring setup allowed. Calls that changed something undo it. */
static long try_mkdir(void)
{
	long r = mkdir("/tmp/.probe-mkdir", 0700);

	if (r == 0)
		rmdir("/tmp/.probe-mkdir");
	return r;
}

static long try_mknod(void)
{
	long r = mknod("/tmp/.probe-null", S_IFCHR | 0666, makedev(1, 3));

	if (r == 0)
		unlink("/tmp/.probe-null");
	return r;
}

static long try_mount(void)
{
	long r = mount("probe", "/tmp", "tmpfs", 0, NULL);

	if (r == 0)
		umount("/tmp");
	return r;
}

static long try_sethostname(void)
{
	char name[256] = "";

	gethostname(name, sizeof(name) - 1);
	return sethostname(name, strlen(name));
}

static long try_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

static long try_getpid(void)
{
	return syscall(SYS_getpid) < 0 ? -1 : 0;
}

static long try_chown(void)
{
	return chown("/", (uid_t)-1, (gid_t)-1);
}

static long try_chroot(void)
{
	return chroot("/");
}

static long try_unshare(void)
{
	return unshare(CLONE_NEWUTS);
}

static long try_keyctl(void)
{
	/* KEYCTL_GET_KEYRING_ID (0) of KEY_SPEC_SESSION_KEYRING (-3), without creating one. */
	return syscall(SYS_keyctl, 0, -3, 0) < 0 ? -1 : 0;
}

static long try_personality(void)
{
	return personality(0xffffffff) < 0 ? -1 : 0;
}

static const struct {
	const char *name;
	long (*fn)(void);
} syscalls[] = {
    {"getpid", try_getpid},
    {"mkdir", try_mkdir},
    {"mknod", try_mknod},
    {"mount", try_mount},
    {"chown", try_chown},
    {"chroot", try_chroot},
    {"unshare", try_unshare},
    {"keyctl", try_keyctl},
    {"personality", try_personality},
    {"sethostname", try_sethostname},
    {"socket", try_socket},
};

static const char *errno_name(int e)
{
	static char buf[32];

	switch (e) {
	case EPERM:
		return "EPERM";
	case EACCES:
		return "EACCES";
	case ENOSYS:
		return "ENOSYS";
	case EINVAL:
		return "EINVAL";
	case EROFS:
		return "EROFS";
	case ENOENT:
		return "ENOENT";
	default:
		snprintf(buf, sizeof(buf), "errno %d", e);
		return buf;
	}
}

/* Prints "NAME: ok" or "NAME: EPERM"; exits 0 either way, the output is the result. */
int probe_cmd_syscall(int argc, char **argv)
{
	for (size_t i = 0; i < ARRAY_LEN(syscalls); i++) {
		if (strcmp(syscalls[i].name, argv[1]) != 0)
			continue;
		errno = 0;
		if (syscalls[i].fn() < 0)
			printf("%s: %s\n", argv[1], errno_name(errno));
		else
			printf("%s: ok\n", argv[1]);
		return 0;
	}
	fprintf(stderr, "probe: syscall: unknown syscall '%s'\n", argv[1]);
	return 2;
}
