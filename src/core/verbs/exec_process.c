/* exec: the process to run. Either a process document (--process) or the container's own process
 * with the command line's overrides; the result borrows strings from its sources. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/lsm.h"
#include "core/verbs/exec_job.h"

/* Environment: the container's, then the overrides (a later NAME= replaces an earlier one). */
static int merge_env(struct exec_job *j, const struct oci_process *base, struct sheep_err **err)
{
	const struct sheep_exec_opts *o = j->opts;
	size_t n = 0;

	j->env = calloc(base->env_len + o->env_len + 1, sizeof(char *));
	if (j->env == NULL)
		return sheep_err_set(err, ENOMEM, "exec environment");
	for (size_t i = 0; i < base->env_len; i++) {
		const char *eq = strchr(base->env[i], '=');
		size_t klen = eq ? (size_t)(eq - base->env[i]) : strlen(base->env[i]);
		bool overridden = false;

		for (size_t k = 0; k < o->env_len; k++)
			overridden |= strncmp(o->env[k], base->env[i], klen) == 0 &&
				      (o->env[k][klen] == '=' || o->env[k][klen] == '\0');
		if (!overridden)
			j->env[n++] = base->env[i];
	}
	for (size_t k = 0; k < o->env_len; k++)
		j->env[n++] = o->env[k];
	j->proc.env = j->env;
	j->proc.env_len = n;
	return 0;
}

/* --additional-gids adds to the container's supplementary groups, as in runc. */
static int add_gids(struct exec_job *j, const struct oci_process *base, struct sheep_err **err)
{
	const struct sheep_exec_opts *o = j->opts;
	size_t n = base->user.additional_gids_len;

	if (o->additional_gids_len == 0)
		return 0;
	j->gids = calloc(n + o->additional_gids_len, sizeof(uint32_t));
	if (j->gids == NULL)
		return sheep_err_set(err, ENOMEM, "exec additional gids");
	if (n)
		memcpy(j->gids, base->user.additional_gids, n * sizeof(uint32_t));
	memcpy(j->gids + n, o->additional_gids, o->additional_gids_len * sizeof(uint32_t));
	j->proc.user.additional_gids = j->gids;
	j->proc.user.additional_gids_len = n + o->additional_gids_len;
	return 0;
}

static int from_command_line(struct exec_job *j, struct sheep_err **err)
{
	const struct sheep_exec_opts *o = j->opts;
	/* a container created without a process (config.md allows it) gives nothing to inherit */
	static const struct oci_process none = {.cwd = (char *)"/"};
	const struct oci_process *base = j->config->process ? j->config->process : &none;

	j->proc = *base;
	j->proc.args = o->args;
	j->proc.args_len = o->args_len;
	j->proc.terminal = o->tty;
	j->proc.console_size = NULL;
	j->proc.no_new_privileges = base->no_new_privileges || o->no_new_privs;
	if (o->cwd)
		j->proc.cwd = (char *)o->cwd;
	/* like runc: --user sets the ids only (the container's groups and umask stay) */
	if (o->has_user) {
		j->proc.user.uid = o->uid;
		j->proc.user.gid = o->gid;
		j->proc.has_user = true;
	}
	if (add_gids(j, base, err) < 0)
		return -1;
	return merge_env(j, base, err);
}

int exec_build_process(struct exec_job *j, struct sheep_err **err)
{
	char *msg = NULL;

	if (j->opts->process_file) {
		j->proc_file = oci_process_parse_file(j->opts->process_file, "process.json", &msg);
		if (j->proc_file == NULL)
			return sheep_err_take(err, EINVAL, msg);
		j->proc = *j->proc_file;
		/* a document without "capabilities" gets the container's, as runc does (an explicit
		 * {} still means none): the process stays within what the init was given */
		if (j->proc.capabilities == NULL && j->config->process)
			j->proc.capabilities = j->config->process->capabilities;
		if (j->opts->tty)
			j->proc.terminal = true;
	} else if (from_command_line(j, err) < 0) {
		return -1;
	}
	if (j->opts->apparmor_profile)
		j->proc.apparmor_profile = (char *)j->opts->apparmor_profile;
	if (j->opts->process_label)
		j->proc.selinux_label = (char *)j->opts->process_label;
	if (sheep_lsm_check(j->proc.apparmor_profile, j->proc.selinux_label,
			    j->opts->process_file ? "process.json: " : "process.", err) < 0)
		return -1;
	if (sheep_process_validate(&j->proc, j->opts->process_file ? "process.json: " : "process.",
				   err) < 0)
		return -1;
	if (sheep_caps_parse(j->proc.capabilities,
			     j->opts->process_file ? "process.json: " : "process.", &j->ctx.caps,
			     err) < 0)
		return -1;
	for (size_t i = 0; i < j->opts->caps_len; i++)
		if (sheep_caps_add(j->ctx.caps, j->opts->caps[i], err) < 0)
			return sheep_err_wrap(err, "--cap");
	sheep_caps_warn_ungrantable(j->ctx.caps);
	j->view = *j->config;
	j->view.process = &j->proc;
	j->ctx.config = &j->view;
	return 0;
}
