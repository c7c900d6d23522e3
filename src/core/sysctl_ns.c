/* Which kernel namespace a sysctl belongs to, and whether the container has that namespace to
 * itself. The lists follow the kernel: ipc/ipc_sysctl.c and ipc/mq_sysctl.c for IPC, the "net."
 * tree for the network namespace, kernel/utsname_sysctl.c for UTS. Everything else under
 * /proc/sys is one value for the whole machine, so writing it from a container would change the
 * host (runc refuses the same set). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "core/sysctl_ns.h"

static const char *const ipc_sysctls[] = {
    "kernel.msgmax",	  "kernel.msgmnb",	"kernel.msgmni",      "kernel.sem",
    "kernel.shmall",	  "kernel.shmmax",	"kernel.shmmni",      "kernel.shm_rmid_forced",
    "kernel.msg_next_id", "kernel.sem_next_id", "kernel.shm_next_id",
};

/* key with '/' as the separator turned into '.', as sysctl(8) reads it; false when too long */
static bool dotted(const char *key, char *buf, size_t len)
{
	if (strlen(key) >= len)
		return false;
	for (size_t i = 0;; i++) {
		buf[i] = key[i] == '/' ? '.' : key[i];
		if (key[i] == '\0')
			return true;
	}
}

int sheep_sysctl_ns(const char *key)
{
	char name[256];

	if (!dotted(key, name, sizeof(name)))
		return 0;
	if (strncmp(name, "net.", 4) == 0)
		return CLONE_NEWNET;
	if (strncmp(name, "fs.mqueue.", 10) == 0)
		return CLONE_NEWIPC;
	for (size_t i = 0; i < sizeof(ipc_sysctls) / sizeof(ipc_sysctls[0]); i++)
		if (strcmp(name, ipc_sysctls[i]) == 0)
			return CLONE_NEWIPC;
	if (strcmp(name, "kernel.hostname") == 0 || strcmp(name, "kernel.domainname") == 0)
		return CLONE_NEWUTS;
	return 0;
}

static int check_one(const struct oci_config *config, const struct sheep_ns_plan *plan,
		     const char *key, struct sheep_err **err)
{
	int flag = sheep_sysctl_ns(key);
	char name[256];

	if (flag == 0)
		return sheep_err_set(err, 0,
				     "config.json: linux.sysctl: '%s' is not in a separate kernel "
				     "namespace: it would change the host",
				     key);
	if (!sheep_ns_plan_private(plan, flag))
		return sheep_err_set(err, 0,
				     "config.json: linux.sysctl: '%s' needs the container's own %s "
				     "namespace (a new one, or a path other than the runtime's)",
				     key,
				     flag == CLONE_NEWNET ? "network" : sheep_ns_proc_name(flag));
	if (!dotted(key, name, sizeof(name)))
		return 0;
	if (strcmp(name, "kernel.hostname") == 0 && config->hostname && *config->hostname)
		return sheep_err_set(err, 0,
				     "config.json: linux.sysctl: '%s' conflicts with the hostname "
				     "field",
				     key);
	if (strcmp(name, "kernel.domainname") == 0 && config->domainname && *config->domainname)
		return sheep_err_set(
		    err, 0,
		    "config.json: linux.sysctl: '%s' conflicts with the domainname "
		    "field",
		    key);
	return 0;
}

int sheep_sysctl_check(const struct oci_config *config, const struct sheep_ns_plan *plan,
		       struct sheep_err **err)
{
	const struct oci_map *sysctl = config->linux_ ? config->linux_->sysctl : NULL;

	for (size_t i = 0; sysctl && i < sysctl->len; i++)
		if (check_one(config, plan, sysctl->keys[i], err) < 0)
			return -1;
	return 0;
}
