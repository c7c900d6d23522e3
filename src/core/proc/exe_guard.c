/* The checks before execve: the process about to run is not the runtime's own binary (executed
 * through the fd that was checked, execveat, so a path swapped after the check cannot point
 * elsewhere; a #! script's interpreter is resolved by path in this process, where /proc/self/exe is
 * still the runtime), and its interpreter (#! or ELF PT_INTERP) exists, so create fails naming it. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
static void read_interpreter(int fd, char *buf, size_t size)
{
	ssize_t n = fd >= 0 ? pread(fd, buf, size - 1, 0) : -1;
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

/* The machines this kernel runs itself; another's PT_INTERP is for an emulator registered with
 * binfmt_misc (qemu-user), which may look it up elsewhere. */
static bool native_machine(unsigned int m)
{
#if defined(__x86_64__)
	return m == EM_X86_64 || m == EM_386;
#elif defined(__aarch64__)
	return m == EM_AARCH64 || m == EM_ARM;
#else
	return false;
#endif
}

/* PT_INTERP of a native ELF executable ("" when there is none or the file is not one). */
static void read_elf_interpreter(int fd, char *buf, size_t size)
{
	union {
		Elf64_Ehdr e64;
		Elf32_Ehdr e32;
	} h = {0};
	bool is64 = false;
	size_t phsize;

	buf[0] = '\0';
	if (pread(fd, &h, sizeof(h), 0) < (ssize_t)sizeof(h.e32) ||
	    memcmp(h.e64.e_ident, ELFMAG, SELFMAG) != 0 || !native_machine(h.e64.e_machine))
		return;
	is64 = h.e64.e_ident[EI_CLASS] == ELFCLASS64;
	phsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if ((is64 ? h.e64.e_phentsize : h.e32.e_phentsize) != phsize)
		return;
	for (unsigned int i = 0; i < (is64 ? h.e64.e_phnum : h.e32.e_phnum); i++) {
		off_t at = (off_t)(is64 ? h.e64.e_phoff : h.e32.e_phoff) + (off_t)(i * phsize);
		union {
			Elf64_Phdr p64;
			Elf32_Phdr p32;
		} ph;
		if (pread(fd, &ph, phsize, at) != (ssize_t)phsize)
			return;
		if ((is64 ? ph.p64.p_type : ph.p32.p_type) != PT_INTERP)
			continue;
		size_t len = is64 ? ph.p64.p_filesz : ph.p32.p_filesz;
		off_t from = (off_t)(is64 ? ph.p64.p_offset : ph.p32.p_offset);
		if (len < 2 || len > size || pread(fd, buf, len, from) != (ssize_t)len ||
		    buf[len - 1] != '\0')
			buf[0] = '\0';
		return;
	}
}

/* execve fails with the interpreter's errno (ENOENT for a missing ELF loader) but names only the
 * program; "no such file" for a file that is there is the classic puzzle, so say which is missing. */
static int check_interpreter(int fd, const char *path, const char *script_interp,
			     struct sheep_err **err)
{
	char elf_interp[PATH_MAX];
	const char *interp = script_interp;

	if (interp[0] == '\0') {
		read_elf_interpreter(fd, elf_interp, sizeof(elf_interp));
		interp = elf_interp;
	}
	if (interp[0] != '\0' && faccessat(AT_FDCWD, interp, X_OK, AT_EACCESS) < 0)
		return sheep_err_set(err, errno, "interpreter '%s' of '%s'", interp, path);
	return 0;
}

int sheep_exe_guard_open(const char *path, const struct sheep_exe_id *self, bool *ret_script,
			 struct sheep_err **err)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
	/* unreadable (mode 0111 for a user without CAP_DAC_OVERRIDE): execve alone decides */
	_cleanup_close_ int rfd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char interp[256];
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return sheep_err_set(err, errno, "open executable '%s'", path);
	if (is_self(&st, self))
		return sheep_err_code(err, EPERM, "executable '%s' is the runtime's own binary",
				      path);
	read_interpreter(rfd, interp, sizeof(interp));
	*ret_script = interp[0] != '\0';
	if (*ret_script && stat(interp, &st) == 0 && is_self(&st, self))
		return sheep_err_code(err, EPERM,
				      "interpreter '%s' of '%s' is the runtime's own binary",
				      interp, path);
	if (rfd >= 0 && check_interpreter(rfd, path, interp, err) < 0)
		return -1;
	return TAKE_FD(fd);
}
