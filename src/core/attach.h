/* Foreground run and exec: signal forwarding, terminal relay, waiting for the exit status. */
#ifndef SHEEP_CORE_ATTACH_H
#define SHEEP_CORE_ATTACH_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "util/err.h"

/* Blocks the signals that are forwarded (and SIGCHLD) and returns a signalfd for them; the old
 * mask goes to *old. Call before the child is made so that no signal is lost. */
int sheep_attach_block_signals(sigset_t *old, struct sheep_err **err);
/* Copies the caller's terminal size to the pty (SIGWINCH). */
void sheep_attach_copy_winsize(int pty);
/* With a pty and a terminal on stdin: puts stdin in raw mode (the container's terminal does the
 * echo, line editing and ^C) and copies its size to the pty. Returns whether *saved holds the
 * settings sheep_attach_restore must put back. */
bool sheep_attach_raw(int pty, struct termios *saved);
void sheep_attach_restore(bool raw, const struct termios *saved);
/* Relays pty <-> stdio (pty -1: none), forwards signals to pid, and returns its exit status
 * (128+N when killed by signal N) once it has exited. */
int sheep_attach_wait(pid_t pid, int sigfd, int pty);

#endif
