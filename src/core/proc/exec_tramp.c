/* A process `exec`'d into a container runs next to processes the container controls, which can
 * swap its executable's path between the runtime's check and execve(2) for a link to
 * /proc/self/exe (or a script naming it as interpreter): the runtime would then execute its own
 * binary in the container, whose processes could open it through /proc/PID/exe and overwrite the
 * host's copy (CVE-2019-5736). Executing the checked fd closed that window, but the kernel then
 * names the process after the file, not the path: a busybox applet showed as "busybox".
 *
 * So the runtime executes a trampoline first: a program of about 1.5 KiB of its own
 * (tramp/sheep-exec-tramp.c, embedded at build time), from a sealed memfd, which executes the
 * process by its path. While the trampoline runs, /proc/self/exe is that memfd: a swapped link
 * leads to the trampoline, which refuses to run without the runtime's marker, and nothing can
 * be written through it (sealed, and no file of the host). The process gets its path's name, as
 * with runc (which re-executes a sealed copy of its whole binary to the same end). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/proc/exec_tramp.h"
#include "util/cleanup.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define TRAMP_MARKER "sheep-oci-exec-trampoline" /* its argv[0]; tramp/sheep-exec-tramp.c */

#ifdef HAVE_EXEC_TRAMPOLINE
static const unsigned char tramp_elf[] = {
#include "core/proc/exec_tramp_blob.h"
};

int sheep_exec_tramp_open(struct sheep_err **err)
{
	const unsigned seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
	_cleanup_close_ int fd =
	    memfd_create("sheep-oci-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

	/* MFD_EXEC is from Linux 6.3; before it, memfds are executable anyway */
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("sheep-oci-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return sheep_err_set(err, errno, "memfd_create for the exec trampoline");
	if (write(fd, tramp_elf, sizeof(tramp_elf)) != (ssize_t)sizeof(tramp_elf))
		return sheep_err_set(err, errno ? errno : EIO, "write the exec trampoline");
	if (fcntl(fd, F_ADD_SEALS, seals) < 0)
		return sheep_err_set(err, errno, "seal the exec trampoline");
	return TAKE_FD(fd);
}
#else
int sheep_exec_tramp_open(struct sheep_err **err)
{
	return sheep_err_set(err, ENOSYS, "no exec trampoline for this architecture");
}
#endif

void sheep_exec_tramp_run(int fd, const char *path, char *const *argv, char *const *envp)
{
	size_t n = 0;
	char **targv;

	while (argv[n] != NULL)
		n++;
	targv = calloc(n + 3, sizeof(*targv));
	if (targv == NULL)
		return;
	targv[0] = (char *)TRAMP_MARKER;
	targv[1] = (char *)path;
	memcpy(targv + 2, argv, n * sizeof(*targv));
	syscall(SYS_execveat, fd, "", targv, envp, AT_EMPTY_PATH);
	free(targv);
}
