/* probe: the command table entry and the commands that live in probe_sys.c (signals, limits,
 * mounts, syscalls). */
#ifndef SHEEP_PROBE_H
#define SHEEP_PROBE_H

struct probe_cmd {
	const char *name;
	int min_args;
	int max_args; /* -1: any number */
	int (*fn)(int argc, char **argv);
	const char *help;
};

int probe_cmd_pause(int argc, char **argv);
int probe_cmd_sig_ignore(int argc, char **argv);
int probe_cmd_kill(int argc, char **argv);
int probe_cmd_rlimits(int argc, char **argv);
int probe_cmd_mounts(int argc, char **argv);
int probe_cmd_syscall(int argc, char **argv);

#endif
