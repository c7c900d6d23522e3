/* The container-side half of the seccomp module: loading a compiled program with seccomp(2), and
 * what the running kernel supports (for `sheep-oci features`). No libseccomp call happens here:
 * the program was built in the runtime process, and nothing may allocate once it is loaded. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/seccomp.h"
#include "core/security/seccomp_names.h"
#include "core/security/seccomp_priv.h"

int sheep_seccomp_install(const struct sheep_seccomp *s, int *ret_listener_fd,
			  struct sheep_err **err)
{
	struct sock_fprog prog;
	long r;

	*ret_listener_fd = -1;
	if (s == NULL)
		return 0;
	prog.len = (unsigned short)s->prog_len;
	prog.filter = s->prog;
	if (s->prog_len > BPF_MAXINSNS)
		return sheep_err_set(err, E2BIG,
				     "seccomp(SECCOMP_SET_MODE_FILTER): %zu instructions (max %d)",
				     s->prog_len, BPF_MAXINSNS);
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, s->flags, &prog);
	if (r < 0)
		return sheep_err_set(err, errno, "seccomp(SECCOMP_SET_MODE_FILTER, 0x%x)",
				     s->flags);
	if (s->needs_listener) {
		*ret_listener_fd = (int)r; /* created O_CLOEXEC by the kernel */
		return 0;
	}
	/* TSYNC without TSYNC_ESRCH reports a thread that could not be synchronised by its id,
	 * and then the filter was not loaded at all. */
	if (r > 0)
		return sheep_err_set(
		    err, 0, "seccomp(SECCOMP_SET_MODE_FILTER): thread %ld cannot be synchronised",
		    r);
	return 0;
}

bool sheep_seccomp_needs_listener(const struct sheep_seccomp *s)
{
	return s != NULL && s->needs_listener;
}

const char *const *sheep_seccomp_skipped_names(const struct sheep_seccomp *s, size_t *ret_len)
{
	static const char *const none[] = {NULL};

	if (s == NULL || s->skipped == NULL) {
		*ret_len = 0;
		return none;
	}
	*ret_len = s->skipped_len;
	return (const char *const *)s->skipped;
}

size_t sheep_seccomp_bpf_size(const struct sheep_seccomp *s)
{
	return s == NULL ? 0 : s->prog_len * sizeof(struct sock_filter);
}

void sheep_seccomp_free(struct sheep_seccomp *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->skipped_len; i++)
		free(s->skipped[i]);
	free(s->skipped);
	free(s->prog);
	free(s);
}

/* seccomp(2) validates the flags before it reads the program: a NULL program gives EFAULT for a
 * supported flag and EINVAL for an unknown one, without loading anything and without privilege. */
static bool flag_supported(unsigned int flag)
{
	/* WAIT_KILLABLE_RECV is only valid together with NEW_LISTENER. */
	if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
		flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	errno = 0;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

int sheep_seccomp_supported_flags(const char ***ret_names, size_t *ret_len)
{
	static const char *supported[SHEEP_SECCOMP_FLAG_COUNT + 1];
	static size_t len;
	static bool probed;

	if (!probed) {
		for (size_t i = 0; sheep_seccomp_flag_names[i] != NULL; i++) {
			unsigned int f;

			if (sheep_seccomp_flag_lookup(sheep_seccomp_flag_names[i], &f) == 0 &&
			    flag_supported(f))
				supported[len++] = sheep_seccomp_flag_names[i];
		}
		probed = true;
	}
	*ret_names = supported;
	*ret_len = len;
	return 0;
}
