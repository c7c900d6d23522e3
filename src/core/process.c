/* Process attributes applied in the container's init (and exec) before execve. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/process.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/idlist.h"
#include "util/path.h"
#include "util/strv.h"

static const struct {
	const char *name;
	int resource;
} rlimit_table[] = {
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

static int rlimit_resource(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_table); i++)
		if (strcmp(rlimit_table[i].name, name) == 0)
			return rlimit_table[i].resource;
	return -1;
}

/* The list of execCPUAffinity.initial or .final (NULL when absent or empty). */
static const char *affinity_list(const struct oci_process *p, const char *which)
{
	const struct oci_exec_cpu_affinity *a = p->exec_cpu_affinity;
	const char *s = a == NULL ? NULL : strcmp(which, "initial") == 0 ? a->initial : a->final;

	return s && *s ? s : NULL;
}

static int affinity_mask(const struct oci_process *p, const char *which, cpu_set_t *set)
{
	const char *s = affinity_list(p, which);
	bool any;

	CPU_ZERO(set);
	return s == NULL || (sheep_id_list_parse(s, (unsigned long *)set, CPU_SETSIZE, &any) && any)
		   ? 0
		   : -1;
}

static int check_affinity(const struct oci_process *p, const char *prefix, struct sheep_err **err)
{
	static const char *const which[] = {"initial", "final"};
	cpu_set_t set;

	for (size_t i = 0; i < 2; i++)
		if (affinity_mask(p, which[i], &set) < 0)
			return sheep_err_code(
			    err, EINVAL,
			    "%sexecCPUAffinity.%s: '%s' is not a list of CPUs like "
			    "0-3,7",
			    prefix, which[i], affinity_list(p, which[i]));
	return 0;
}

int sheep_process_exec_affinity(const struct oci_process *p, pid_t init, cpu_set_t *final,
				bool *has_final, struct sheep_err **err)
{
	cpu_set_t initial;

	*has_final = false;
	if (affinity_list(p, "initial") != NULL) {
		if (affinity_mask(p, "initial", &initial) < 0)
			return sheep_err_set(err, EINVAL, "execCPUAffinity.initial");
		if (sched_setaffinity(0, sizeof(initial), &initial) < 0)
			return sheep_err_set(err, errno, "set the initial CPU affinity '%s'",
					     affinity_list(p, "initial"));
		/* without a final list the process returns to the container's default, which
		 * its init has (a cpuset join with unchanged CPUs leaves the affinity alone) */
		if (affinity_list(p, "final") == NULL) {
			if (sched_getaffinity(init, sizeof(*final), final) < 0)
				return sheep_err_set(err, errno, "read the CPU affinity of %d",
						     (int)init);
			*has_final = true;
		}
	}
	if (affinity_list(p, "final") != NULL) {
		if (affinity_mask(p, "final", final) < 0)
			return sheep_err_set(err, EINVAL, "execCPUAffinity.final");
		*has_final = true;
	}
	return 0;
}

static bool is_realtime(const char *policy)
{
	return strcmp(policy, "SCHED_FIFO") == 0 || strcmp(policy, "SCHED_RR") == 0;
}

/* Values the kernel would refuse deep inside the container's init (or, for ioPriority, turn into
 * something else: bits above the level are I/O hints since Linux 6.5) are refused here, naming
 * the field. */
static int check_ranges(const struct oci_process *p, const char *prefix, struct sheep_err **err)
{
	const struct oci_scheduler *s = p->scheduler;

	/* config.md ioPriority: "an integer ranging from 0 (highest) to 7 (lowest)" */
	if (p->io_priority && (p->io_priority->priority < 0 || p->io_priority->priority > 7))
		return sheep_err_set(err, 0, "%sioPriority.priority: %lld is not in 0-7", prefix,
				     (long long)p->io_priority->priority);
	/* proc(5) oom_score_adj: -1000 to 1000 */
	if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000))
		return sheep_err_set(err, 0, "%soomScoreAdj: %lld is not in -1000..1000", prefix,
				     (long long)p->oom_score_adj);
	/* sched(7): real-time policies take a static priority of 1-99, the others 0 */
	if (s && s->policy && is_realtime(s->policy) && (s->priority < 1 || s->priority > 99))
		return sheep_err_set(err, 0, "%sscheduler.priority: %s needs 1-99, not %lld",
				     prefix, s->policy, (long long)s->priority);
	if (s && s->policy && !is_realtime(s->policy) && s->priority != 0)
		return sheep_err_set(err, 0, "%sscheduler.priority: %s takes none (0), not %lld",
				     prefix, s->policy, (long long)s->priority);
	return 0;
}

int sheep_process_validate(const struct oci_process *p, const char *prefix, struct sheep_err **err)
{
	for (size_t i = 0; i < p->rlimits_len; i++) {
		const struct oci_rlimit *r = &p->rlimits[i];

		if (rlimit_resource(r->type) < 0)
			return sheep_err_set(err, 0, "%srlimits[%zu].type: unknown rlimit '%s'",
					     prefix, i, r->type);
		if (r->soft > r->hard)
			return sheep_err_set(err, 0,
					     "%srlimits[%zu]: soft limit %llu is above the hard "
					     "limit %llu",
					     prefix, i, (unsigned long long)r->soft,
					     (unsigned long long)r->hard);
		for (size_t j = 0; j < i; j++)
			if (strcmp(p->rlimits[j].type, r->type) == 0)
				return sheep_err_set(err, 0,
						     "%srlimits[%zu].type: duplicate rlimit '%s'",
						     prefix, i, r->type);
	}
	if (p->args_len == 0)
		return sheep_err_set(err, 0, "%sargs: at least one argument is required", prefix);
	/* config.md: env entries are "KEY=value" (as runc, which refuses the rest at start) */
	for (size_t i = 0; i < p->env_len; i++) {
		const char *eq = strchr(p->env[i], '=');

		if (eq == NULL || eq == p->env[i])
			return sheep_err_set(err, 0, "%senv[%zu]: '%s' is not NAME=VALUE", prefix,
					     i, p->env[i]);
	}
	if (check_affinity(p, prefix, err) < 0 || check_ranges(p, prefix, err) < 0)
		return -1;
	if (p->cwd == NULL || p->cwd[0] != '/')
		return sheep_err_set(err, 0, "%scwd: must be an absolute path", prefix);
	return 0;
}

int sheep_process_set_rlimits(const struct oci_process *p, struct sheep_err **err)
{
	for (size_t i = 0; i < p->rlimits_len; i++) {
		const struct oci_rlimit *r = &p->rlimits[i];
		struct rlimit rl = {.rlim_cur = r->soft, .rlim_max = r->hard};

		struct rlimit now;

		if (setrlimit(rlimit_resource(r->type), &rl) == 0)
			continue;
		/* Raising a hard limit needs CAP_SYS_RESOURCE (these hosts lack it even for root):
		 * say so rather than a bare EPERM. */
		if (errno == EPERM && getrlimit(rlimit_resource(r->type), &now) == 0 &&
		    rl.rlim_max > now.rlim_max)
			return sheep_err_set(
			    err, 0,
			    "process.rlimits[%zu]: hard limit %llu of %s is above the "
			    "runtime's own %llu, and raising it needs "
			    "CAP_SYS_RESOURCE",
			    i, (unsigned long long)r->hard, r->type,
			    (unsigned long long)now.rlim_max);
		return sheep_err_set(err, errno, "set rlimit %s to soft %llu hard %llu", r->type,
				     (unsigned long long)r->soft, (unsigned long long)r->hard);
	}
	return 0;
}

int sheep_process_set_oom_score_adj(const struct oci_process *p, struct sheep_err **err)
{
	char buf[32];
	int n;

	if (!p->has_oom_score_adj)
		return 0;
	n = snprintf(buf, sizeof(buf), "%lld", (long long)p->oom_score_adj);
	if (sheep_write_file("/proc/self/oom_score_adj", buf, (size_t)n, err) < 0)
		/* proc(5): going below the lowest value the process ever had (the runtime's)
		 * needs CAP_SYS_RESOURCE */
		return sheep_err_wrap(err, "set oomScoreAdj %s%s", buf,
				      (*err)->errnum == EACCES
					  ? " (below the runtime's own: needs CAP_SYS_RESOURCE)"
					  : "");
	return 0;
}

static const struct {
	const char *name;
	int value;
} sched_policies[] = {
    {"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH}, {"SCHED_ISO", 4},	      {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", 6},
};

static const struct {
	const char *name;
	unsigned long long value;
} sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},	 {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},	 {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},	 {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

/* struct sched_attr of sched_setattr(2); glibc 2.36 has no wrapper. */
struct sheep_sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

int sheep_process_set_scheduler(const struct oci_process *p, struct sheep_err **err)
{
	const struct oci_scheduler *s = p->scheduler;
	struct sheep_sched_attr a = {.size = sizeof(a)};
	bool found = false;

	if (s == NULL)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(sched_policies); i++)
		if (strcmp(sched_policies[i].name, s->policy) == 0) {
			a.sched_policy = (uint32_t)sched_policies[i].value;
			found = true;
		}
	if (!found)
		return sheep_err_set(err, 0, "unknown scheduler policy '%s'", s->policy);
	for (size_t i = 0; i < s->flags_len; i++)
		for (size_t j = 0; j < ARRAY_SIZE(sched_flags); j++)
			if (strcmp(sched_flags[j].name, s->flags[i]) == 0)
				a.sched_flags |= sched_flags[j].value;
	a.sched_nice = s->nice;
	a.sched_priority = (uint32_t)s->priority;
	a.sched_runtime = s->runtime;
	a.sched_deadline = s->deadline;
	a.sched_period = s->period;
	if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
		return sheep_err_set(err, errno, "sched_setattr policy %s", s->policy);
	return 0;
}

int sheep_process_set_io_priority(const struct oci_process *p, struct sheep_err **err)
{
	static const char *const classes[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
					      "IOPRIO_CLASS_IDLE"};
	const struct oci_io_priority *io = p->io_priority;

	if (io == NULL)
		return 0;
	for (int c = 0; c < 3; c++) {
		if (strcmp(classes[c], io->class_) != 0)
			continue;
		/* IOPRIO_PRIO_VALUE(class, data): class in the top 3 bits of 16 */
		int value = ((c + 1) << 13) | (io->priority & 0x1fff);
		if (syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, value) < 0)
			return sheep_err_set(err, errno, "ioprio_set %s %d", io->class_,
					     io->priority);
		return 0;
	}
	return sheep_err_set(err, 0, "unknown io priority class '%s'", io->class_);
}

int sheep_process_set_personality(const struct oci_linux *l, struct sheep_err **err)
{
	const struct oci_personality *pers = l ? l->personality : NULL;
	unsigned long domain;

	if (pers == NULL || pers->domain == NULL)
		return 0;
	if (strcmp(pers->domain, "LINUX") == 0)
		domain = PER_LINUX;
	else if (strcmp(pers->domain, "LINUX32") == 0)
		domain = PER_LINUX32;
	else
		return sheep_err_set(err, 0, "unknown personality domain '%s'", pers->domain);
	if (personality(domain) < 0)
		return sheep_err_set(err, errno, "personality %s", pers->domain);
	return 0;
}

/* execve(2) needs a regular file: a directory passes access(X_OK) (always for root) yet fails
 * with EACCES, so PATH lookup goes on to the next entry, as execvp does. */
static bool is_executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	if (!S_ISREG(st.st_mode)) {
		errno = EACCES;
		return false;
	}
	return access(path, X_OK) == 0;
}

int sheep_process_find_exec(const struct oci_process *p, char **ret_path, struct sheep_err **err)
{
	const char *name = p->args[0];
	const char *path_env = NULL;
	_cleanup_free_ char *dirs = NULL;
	char *save = NULL;

	/* the last PATH, the one the process gets (sheep_process_env) */
	for (size_t i = p->env_len; i-- > 0 && path_env == NULL;)
		path_env = sheep_strv_env_get(&p->env[i], 1, "PATH");
	if (strchr(name, '/')) {
		if (!is_executable(name))
			return sheep_err_set(err, errno, "executable '%s'", name);
		*ret_path = strdup(name);
		return *ret_path ? 0 : sheep_err_set(err, ENOMEM, "find executable");
	}
	dirs = strdup(path_env ? path_env
			       : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	if (dirs == NULL)
		return sheep_err_set(err, ENOMEM, "find executable");
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *candidate = NULL;

		if (asprintf(&candidate, "%s/%s", *d ? d : ".", name) < 0)
			return sheep_err_set(err, ENOMEM, "find executable");
		if (is_executable(candidate)) {
			*ret_path = candidate;
			return 0;
		}
		free(candidate);
	}
	/* the wording podman (and Docker) match to report "command not found", exit 127 */
	return sheep_err_code(err, ENOENT, "'%s': executable file not found in $PATH", name);
}

/* The length of an entry's name: up to '=', or all of it (an entry without one). */
static size_t env_name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');

	return eq ? (size_t)(eq - entry) : strlen(entry);
}

static bool env_same_name(const char *a, const char *b)
{
	size_t n = env_name_len(a);

	return n == env_name_len(b) && strncmp(a, b, n) == 0;
}

char **sheep_process_env(char *const *env, size_t n, char *const *extra, size_t n_extra,
			 const char *home)
{
	char **out = calloc(n + n_extra + 2, sizeof(char *));
	size_t len = 0, j, home_at = SIZE_MAX;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n + n_extra; i++) {
		char *e = i < n ? env[i] : extra[i - n];

		for (j = 0; j < len && !env_same_name(out[j], e); j++)
			;
		out[j] = e;
		len += j == len;
		if (env_same_name(e, "HOME="))
			home_at = j;
	}
	/* an empty HOME counts as unset (as runc): the passwd home takes its place */
	if (home && home_at == SIZE_MAX)
		out[len] = (char *)home;
	else if (home && strcmp(out[home_at], "HOME=") == 0)
		out[home_at] = (char *)home;
	return out;
}

/* The image's /etc/passwd is untrusted: a FIFO there must not block the init (O_NONBLOCK), a
 * link to /dev/zero must not be read for ever (regular files only, and a bounded read). */
#define PASSWD_MAX (4u << 20)

void sheep_process_home(int rootfd, uid_t uid, char *buf, size_t size)
{
	_cleanup_err_ struct sheep_err *ignored = NULL;
	_cleanup_close_ int fd = sheep_path_open_in_root(
	    rootfd, "etc/passwd", O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, &ignored);
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	struct passwd *pw;
	FILE *f;

	snprintf(buf, size, "HOME=/");
	if (fd < 0 ||
	    sheep_read_regular_fd(fd, "/etc/passwd", PASSWD_MAX, &data, &len, &ignored) < 0 ||
	    len == 0)
		return;
	f = fmemopen(data, len, "r");
	if (f == NULL)
		return;
	while ((pw = fgetpwent(f)) != NULL) {
		if (pw->pw_uid == uid) {
			if (pw->pw_dir && *pw->pw_dir)
				snprintf(buf, size, "HOME=%s", pw->pw_dir);
			break;
		}
	}
	fclose(f);
}
