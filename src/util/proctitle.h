/* The process's command line as ps(1) and /proc/PID/cmdline show it. The container's init is a
 * clone of the runtime, so until its execve it would show the runtime's whole command line
 * (`sheep-oci --root R create --bundle B ID`) for as long as the container stays created; runc's
 * shows as `runc init`. The argv strings the kernel reports are rewritten in place. */
#pragma once

/* Records where argv's strings lie (main's argc and argv, first thing, before getopt permutes
 * them) and points argv's entries at copies, so that what the options parser hands out (optarg,
 * the id) stays intact when the original strings are overwritten. Returns -1, recording nothing,
 * when the copies cannot be made. */
int sheep_proctitle_init(int argc, char **argv);

/* Replaces the command line by the given words, each a NUL-terminated string, cut to fit the
 * original; the rest is zeroed. Does nothing before sheep_proctitle_init. */
void sheep_proctitle_set(const char *const *words, int n);
