/* The features document. Every list comes from the table the implementing module itself uses
 * (mount options, seccomp names, capabilities, namespaces), so it cannot drift from what works. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/caps.h"
#include "core/features.h"
#include "core/rootfs.h"
#include "core/seccomp.h"
#include "git-commit.h"
#include "ocispec.h"

static char *const hooks[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
    NULL};
static char *const namespaces[] = {"cgroup", "ipc", "mount", "network", "pid",
				   "user",   "uts", "time",  NULL};

static size_t count(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

#define LIST(field, v)                                                                             \
	do {                                                                                       \
		(field) = (char **)(v);                                                            \
		field##_len = count((const char *const *)(v));                                     \
	} while (0)

char *sheep_features_json(struct sheep_err **err)
{
	struct oci_features_enabled yes = {.has_enabled = true, .enabled = true};
	struct oci_features_enabled no = {.has_enabled = true, .enabled = false};
	struct oci_features_cgroup cg = {.has_v1 = true,
					 .v1 = true,
					 .has_v2 = true,
					 .v2 = true,
					 .has_systemd = true,
					 .has_systemd_user = true,
					 .has_rdma = true,
					 .rdma = true};
	struct oci_features_seccomp sc = {.has_enabled = true, .enabled = true};
	struct oci_features_linux l = {.cgroup = &cg,
				       .seccomp = &sc,
				       /* supported (applied where the host runs them): the spec's
				        * features-linux.md makes this independent of the host */
				       .apparmor = &yes,
				       .selinux = &yes,
				       .intel_rdt = &no,
				       .idmap_mounts = &yes,
				       .net_devices = &yes};
	struct oci_features f = {
	    .oci_version_min = "1.0.0", .oci_version_max = OCI_SPEC_VERSION, .linux_ = &l};
	const struct scmp_version *sv = seccomp_version();
	char seccomp_ver[32];
	char *ann_keys[] = {"io.github.seccomp.libseccomp.version", "org.sheep-oci.version",
			    "org.sheep-oci.commit"};
	char *ann_values[] = {seccomp_ver, PACKAGE_VERSION, GIT_COMMIT};
	/* the implementation and dependency versions, as the spec suggests for annotations */
	struct oci_map ann = {.keys = ann_keys, .values = ann_values, .len = 3};
	const char **flags = NULL;
	char *msg = NULL, *json;

	snprintf(seccomp_ver, sizeof(seccomp_ver), "%u.%u.%u", sv->major, sv->minor, sv->micro);
	f.annotations = &ann;
	LIST(f.hooks, hooks);
	LIST(f.mount_options, sheep_mount_option_names());
	LIST(l.namespaces, namespaces);
	LIST(l.capabilities, sheep_caps_all_names());
	LIST(sc.actions, sheep_seccomp_action_names);
	LIST(sc.operators, sheep_seccomp_operator_names);
	LIST(sc.archs, sheep_seccomp_arch_names);
	LIST(sc.known_flags, sheep_seccomp_flag_names);
	sheep_seccomp_supported_flags(&flags, &sc.supported_flags_len);
	sc.supported_flags = (char **)flags;
	json = oci_features_to_json(&f, NULL, &msg);
	if (json == NULL)
		sheep_err_take(err, EINVAL, msg);
	return json;
}
