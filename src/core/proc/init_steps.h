/* The step table of the container's init (init.c) and the steps that live in init_run.c. */
#ifndef SHEEP_CORE_PROC_INIT_STEPS_H
#define SHEEP_CORE_PROC_INIT_STEPS_H

#include "core/proc/init.h"
#include "util/err.h"

struct sheep_init_step {
	const char
	    *key; /* the step's fault-injection point (util/fault.h): init:KEY, exec-init:KEY */
	const char *name; /* wraps the step's error; NULL when the step names its intent itself */
	int (*run)(struct sheep_init_ctx *ctx, struct sheep_err **err);
};

/* create's steps, and exec's: the same functions, fewer of them (no rootfs, hooks, start gate). */
extern const struct sheep_init_step sheep_init_steps[];
extern const struct sheep_init_step sheep_exec_steps[];

int sheep_init_step_console(struct sheep_init_ctx *ctx, struct sheep_err **err);
/* HOME from the container's /etc/passwd when process.env has none (runc does the same) */
int sheep_init_step_env(struct sheep_init_ctx *c, struct sheep_err **err);
int sheep_init_step_find_exec(struct sheep_init_ctx *ctx, struct sheep_err **err);
int sheep_init_step_prepare_start(struct sheep_init_ctx *ctx, struct sheep_err **err);
int sheep_init_step_wait_start(struct sheep_init_ctx *ctx, struct sheep_err **err);

#endif
