/* linux.seccomp (runtime-spec config-linux.md#seccomp): compiled to a BPF program in the runtime
 * process before clone, loaded with seccomp(2) in the container process just before execve. */
#ifndef SHEEP_CORE_SECCOMP_H
#define SHEEP_CORE_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

#include "ocispec.h"
#include "util/err.h"

/* A compiled filter: the BPF program, the seccomp(2) flags and whether it needs a listener. */
struct sheep_seccomp;

/* In the runtime process before clone (the heavy libseccomp work happens here, once): validate and
 * translate linux.seccomp to BPF (one libseccomp context, one export into memory).
 * cfg NULL -> *ret = NULL and 0. Errors name the JSON path, e.g.
 *   "config.json: linux.seccomp.syscalls[2].args[0].index: 7 is not a syscall argument index (0-5)"
 * Syscall names the installed libseccomp does not know are skipped: see
 * sheep_seccomp_skipped_names(). */
int sheep_seccomp_compile(const struct oci_seccomp *cfg, struct sheep_seccomp **ret,
			  struct sheep_err **err);

/* sheep_seccomp_compile() through a cache of compiled filters in cache_dir (created 0700 when
 * missing; its parent must exist). The key is a canonical text of the whole profile plus the
 * libseccomp version and native arch; a hit requires that text byte-identical and the file owned
 * by the caller with mode 0600. Every cache problem (unusable dir, malformed or foreign file,
 * failed write) falls back to a plain compile: the only errors are sheep_seccomp_compile()'s.
 * cache_dir NULL -> plain compile. The runtime uses <state root>/SHEEP_SECCOMP_CACHE_DIR (a dot
 * name: `list` skips it and it cannot clash with an ordinary container id). */
#define SHEEP_SECCOMP_CACHE_DIR ".seccomp-cache"
/* Entries kept; after a miss the least recently used beyond this are removed. */
#define SHEEP_SECCOMP_CACHE_MAX 64
int sheep_seccomp_compile_cached(const struct oci_seccomp *cfg, const char *cache_dir,
				 struct sheep_seccomp **ret, struct sheep_err **err);

/* In the container process, the last step before execve: load the program with seccomp(2)
 * (SECCOMP_SET_MODE_FILTER + the flags). For SCMP_ACT_NOTIFY rules *ret_listener_fd receives the
 * listener fd (O_CLOEXEC, set by the kernel), else -1. Never allocates after the filter is loaded.
 * s NULL -> nothing loaded, *ret_listener_fd = -1, 0.
 * The kernel requires no_new_privs or CAP_SYS_ADMIN: without process.noNewPrivileges call this
 * before the capabilities are dropped (the profile must then allow the remaining init syscalls). */
int sheep_seccomp_install(const struct sheep_seccomp *s, int *ret_listener_fd,
			  struct sheep_err **err);

bool sheep_seccomp_needs_listener(const struct sheep_seccomp *s);
/* Syscall names skipped at compile time (unknown to libseccomp), for a debug log line. The array
 * belongs to s. */
const char *const *sheep_seccomp_skipped_names(const struct sheep_seccomp *s, size_t *ret_len);
/* Size of the exported BPF program in bytes (8 per instruction); 0 for NULL. */
size_t sheep_seccomp_bpf_size(const struct sheep_seccomp *s);
void sheep_seccomp_free(struct sheep_seccomp *s);

/* NULL-terminated name tables for `sheep-oci features`. */
extern const char *const sheep_seccomp_action_names[];
extern const char *const sheep_seccomp_operator_names[];
extern const char *const sheep_seccomp_arch_names[];
extern const char *const sheep_seccomp_flag_names[];

/* Flags the running kernel supports (probed once with seccomp(2)). *ret_names is a static
 * array owned by the module (do not free). Returns 0, or -1 with errno when probing failed. */
int sheep_seccomp_supported_flags(const char ***ret_names, size_t *ret_len);

#endif
