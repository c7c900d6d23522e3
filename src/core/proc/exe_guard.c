/* The check before execve that the process about to run is not the runtime's own binary. The
 * binary is executed through the fd that was checked (execveat), so a path swapped after the check
 * cannot point elsewhere; a #! script is checked for its interpreter, which the kernel resolves
 * by path in this process, where /proc/self/exe is still the runtime. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/proc/exe_guard.h"
#include "util/cleanup.h"

int sheep_exe_guard_self(struct sheep_exe_id *ret, struct sheep_err **err)
{
	struct stat st;

	if (stat("/proc/self/exe", &st) < 0)
		return sheep_err_set(err, errno, "stat '/proc/self/exe'");
	ret->dev = st.st_dev;
	ret->ino = st.st_ino;
	return 0;
}

static bool is_self(const struct stat *st, const struct sheep_exe_id *self)
{
	return st->st_dev == self->dev && st->st_ino == self->ino;
}

/* The interpreter of a #! script ("" when the file is not a script or cannot be read). */
static void read_interpreter(const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;
	char *p, *end;

	if (n < 2 || buf[0] != '#' || buf[1] != '!') {
		buf[0] = '\0';
		return;
	}
	buf[n] = '\0';
	for (p = buf + 2; *p == ' ' || *p == '\t'; p++)
		;
	end = p + strcspn(p, " \t\n");
	*end = '\0';
	memmove(buf, p, (size_t)(end - p) + 1);
}

int sheep_exe_guard_open(const char *path, const struct sheep_exe_id *self, bool *ret_script,
			 struct sheep_err **err)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
	char interp[256];
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return sheep_err_set(err, errno, "open executable '%s'", path);
	if (is_self(&st, self))
		return sheep_err_code(err, EPERM, "executable '%s' is the runtime's own binary", path);
	read_interpreter(path, interp, sizeof(interp));
	*ret_script = interp[0] != '\0';
	if (*ret_script && stat(interp, &st) == 0 && is_self(&st, self))
		return sheep_err_code(err, EPERM, "interpreter '%s' of '%s' is the runtime's own binary",
				      interp, path);
	return TAKE_FD(fd);
}
