/* Private to src/core/security: the compiled filter, shared by the compile (parent) and install
 * (container) halves of the seccomp module. */
#ifndef SHEEP_CORE_SECURITY_SECCOMP_PRIV_H
#define SHEEP_CORE_SECURITY_SECCOMP_PRIV_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

struct sheep_seccomp {
	struct sock_filter *prog; /* exported by libseccomp, ready for seccomp(2) */
	size_t prog_len;	  /* in instructions */
	unsigned int flags;	  /* SECCOMP_FILTER_FLAG_*, NEW_LISTENER included when needed */
	bool needs_listener;
	char **skipped; /* syscall names unknown to libseccomp */
	size_t skipped_len;
};

#endif
