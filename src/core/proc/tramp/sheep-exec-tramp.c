/* The exec trampoline: a program of its own, without libc, that the runtime embeds and executes
 * from a sealed memfd just before a process `exec`'d into a container runs (exec_tramp.c says
 * why). It executes argv[1] with argv[2...] and its environment; a failure is reported as the
 * runtime's init reports it ("exec PATH: reason", status 127 for a missing file, else 126).
 * Run in any other way (argv[0] is not the runtime's marker: through /proc/self/exe from the
 * container, say) it does nothing but refuse. x86-64 Linux only; built -nostdlib -static. */
#include <asm/unistd.h>
#include <errno.h>

#define MARKER "sheep-oci-exec-trampoline"

static long sys3(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

static unsigned long len(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	sys3(__NR_write, 2, (long)s, (long)len(s));
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* strerror's words for what execve(2) returns */
static const char *reason(long e)
{
	switch (e) {
	case ENOENT:
		return "No such file or directory";
	case EACCES:
		return "Permission denied";
	case ENOEXEC:
		return "Exec format error";
	case E2BIG:
		return "Argument list too long";
	case ENOMEM:
		return "Cannot allocate memory";
	case ETXTBSY:
		return "Text file busy";
	case ELOOP:
		return "Too many levels of symbolic links";
	case ENOTDIR:
		return "Not a directory";
	case EPERM:
		return "Operation not permitted";
	case ENAMETOOLONG:
		return "File name too long";
	case EISDIR:
		return "Is a directory";
	case EINVAL:
		return "Invalid argument";
	default:
		return "execve failed";
	}
}

__attribute__((noreturn, used)) void sheep_tramp_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
	long r;

	if (argc < 3 || !same(argv[0], MARKER)) {
		say("sheep-oci-exec-trampoline: not to be run directly\n");
		sys3(__NR_exit_group, 126, 0, 0);
	}
	r = sys3(__NR_execve, (long)argv[1], (long)(argv + 2), (long)envp);
	say("exec ");
	say(argv[1]);
	say(": ");
	say(reason(-r));
	say("\n");
	sys3(__NR_exit_group, -r == ENOENT ? 127 : 126, 0, 0);
	__builtin_unreachable();
}

/* the stack pointer at entry points at argc; the call needs it 16-byte aligned */
__asm__(".globl _start\n"
	"_start:\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call sheep_tramp_main\n"
	"	hlt\n");
