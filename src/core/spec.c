/* `spec`: the default config.json. It is kept as JSON text (what a user reads and edits) and parsed
 * through libocispec, so the written file always round-trips through the same parser as create. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/spec.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const char default_config[] =
    "{\"ociVersion\":\"" OCI_SPEC_VERSION "\","
    "\"process\":{\"terminal\":true,\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
    "\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
    "\"TERM=xterm\"],\"cwd\":\"/\","
    "\"capabilities\":{"
    "\"bounding\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "\"effective\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "\"permitted\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "\"ambient\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]},"
    "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],"
    "\"noNewPrivileges\":true},"
    "\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
    "\"hostname\":\"sheep\","
    "\"mounts\":["
    "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
    "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
    "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\",\"gid=5\"]}"
    ","
    "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
    "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
    "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}],"
    "\"linux\":{"
    "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},"
    "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
    "{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"cgroup\"}],"
    "\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\","
    "\"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sched_debug\","
    "\"/sys/firmware\",\"/sys/devices/virtual/powercap\",\"/proc/scsi\"],"
    "\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\","
    "\"/proc/sysrq-trigger\"]}}";

/* Rootless (like runc's): a user namespace mapping the caller to root, no network namespace (an
 * unprivileged user cannot create the veth it would need), /sys bound from the host (sysfs needs
 * a network namespace of one's own), no cgroup mount, no resources, no gid=5 on devpts (gid 5 is
 * not mapped). */
static int make_rootless(struct oci_config *c, uid_t uid, gid_t gid, struct sheep_err **err)
{
	struct oci_linux *l = c->linux_;
	size_t n = 0;

	for (size_t i = 0; i < l->namespaces_len; i++) {
		if (strcmp(l->namespaces[i].type, "network") == 0) {
			free(l->namespaces[i].type);
			free(l->namespaces[i].path);
			continue;
		}
		l->namespaces[n++] = l->namespaces[i];
	}
	l->namespaces[n].type = strdup("user"); /* the network slot freed above has room */
	l->namespaces[n].path = NULL;
	l->namespaces_len = n + 1;
	l->uid_mappings = calloc(1, sizeof(*l->uid_mappings));
	l->gid_mappings = calloc(1, sizeof(*l->gid_mappings));
	if (l->namespaces[n].type == NULL || !l->uid_mappings || !l->gid_mappings)
		return sheep_err_set(err, ENOMEM, "rootless spec");
	*l->uid_mappings = (struct oci_id_mapping){.container_id = 0, .host_id = uid, .size = 1};
	*l->gid_mappings = (struct oci_id_mapping){.container_id = 0, .host_id = gid, .size = 1};
	l->uid_mappings_len = l->gid_mappings_len = 1;
	return 0;
}

static int rootless_mounts(struct oci_config *c, struct sheep_err **err)
{
	size_t n = 0;

	for (size_t i = 0; i < c->mounts_len; i++) {
		struct oci_mount *m = &c->mounts[i];

		if (strcmp(m->destination, "/sys/fs/cgroup") == 0) {
			oci_mount_clear(m);
			continue;
		}
		if (strcmp(m->destination, "/sys") == 0) {
			static const char *const sys_opts[] = {"rbind", "nosuid", "noexec", "nodev",
							       "ro"};
			for (size_t j = 0; j < m->options_len; j++)
				free(m->options[j]);
			free(m->options);
			free(m->type);
			free(m->source);
			m->type = strdup("none");
			m->source = strdup("/sys");
			m->options = calloc(ARRAY_SIZE(sys_opts) + 1, sizeof(char *));
			if (!m->type || !m->source || !m->options)
				return sheep_err_set(err, ENOMEM, "rootless spec");
			m->options_len = ARRAY_SIZE(sys_opts);
			for (size_t j = 0; j < m->options_len; j++)
				if ((m->options[j] = strdup(sys_opts[j])) == NULL)
					return sheep_err_set(err, ENOMEM, "rootless spec");
		}
		if (strcmp(m->destination, "/dev/pts") == 0 && m->options_len > 0 &&
		    strcmp(m->options[m->options_len - 1], "gid=5") == 0)
			free(m->options[--m->options_len]);
		c->mounts[n++] = *m;
	}
	c->mounts_len = n;
	return 0;
}

struct oci_config *sheep_spec_default(const struct sheep_spec_opts *opts, struct sheep_err **err)
{
	char *msg = NULL;
	struct oci_config *c =
	    oci_config_parse_data(default_config, sizeof(default_config) - 1, "default spec", &msg);

	if (c == NULL) {
		sheep_err_take(err, EINVAL, msg);
		return NULL;
	}
	if (opts->rootless) {
		oci_resources_free(c->linux_->resources);
		c->linux_->resources = NULL;
		if (make_rootless(c, opts->uid, opts->gid, err) < 0 ||
		    rootless_mounts(c, err) < 0) {
			oci_config_free(c);
			return NULL;
		}
	}
	return c;
}

int sheep_spec_write(const char *bundle_dir, const struct oci_config *config,
		     struct sheep_err **err)
{
	_cleanup_free_ char *json = NULL, *path = NULL;
	_cleanup_close_ int fd = -1;
	char *msg = NULL;
	size_t len = 0;

	json = oci_config_to_json(config, &len, &msg);
	if (json == NULL)
		return sheep_err_take(err, EINVAL, msg);
	if (asprintf(&path, "%s/config.json", bundle_dir) < 0)
		return sheep_err_set(err, ENOMEM, "spec");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && errno == EEXIST)
		return sheep_err_set(err, 0, "'%s' already exists, not overwriting it", path);
	if (fd < 0)
		return sheep_err_set(err, errno, "create '%s'", path);
	if (sheep_write_all(fd, json, len) < 0 || sheep_write_all(fd, "\n", 1) < 0) {
		int saved = errno;
		unlink(path);
		return sheep_err_set(err, saved, "write '%s'", path);
	}
	return 0;
}
