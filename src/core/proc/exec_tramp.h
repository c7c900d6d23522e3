/* The exec trampoline: how a process `exec`'d into a container is executed by its path without
 * the runtime's binary being in reach (see exec_tramp.c). */
#ifndef SHEEP_CORE_PROC_EXEC_TRAMP_H
#define SHEEP_CORE_PROC_EXEC_TRAMP_H

#include "util/err.h"

/* A sealed, close-on-exec memfd holding the trampoline, made in the runtime before the process
 * is cloned (a seccomp filter may forbid memfd_create later). -1 with *err where the trampoline
 * is not built (not x86-64) or the kernel refuses executable memfds (vm.memfd_noexec). */
int sheep_exec_tramp_open(struct sheep_err **err);
/* Executes path with argv and envp through the trampoline in fd. Returns only when the kernel
 * refused to execute the trampoline itself (errno set). */
void sheep_exec_tramp_run(int fd, const char *path, char *const *argv, char *const *envp);

#endif
