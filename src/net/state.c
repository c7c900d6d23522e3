/* What the verbs share: the nft lock and table upkeep (rebuilt from the lease stores, the single
 * source of truth), the liveness test of a lease, and reclaiming a dead container's resources.
 * Lock order: a network's lease lock, then the nft lock; never the other way round. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/link.h"
#include "net/nft.h"
#include "net/verbs.h"
#include "util/cleanup.h"
#include "util/fs.h"

int sheep_net_lock_nft(const char *run_dir, struct sheep_err **err)
{
	_cleanup_free_ char *path = NULL;
	int fd;

	if (asprintf(&path, "%s/nft.lock", run_dir) < 0)
		return sheep_err_set(err, ENOMEM, "lock nft");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 && errno == ENOENT) {
		if (sheep_mkdir_p(run_dir, 0700, err) < 0)
			return -1;
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		return sheep_err_set(err, errno, "open '%s'", path);
	if (flock(fd, LOCK_EX) < 0) {
		int e = errno;

		close(fd);
		return sheep_err_set(err, e, "flock '%s'", path);
	}
	return fd;
}

static int script_store(FILE *f, const char *run_dir, const char *name, struct sheep_err **err)
{
	_cleanup_ipam_ struct sheep_ipam *s = NULL;

	if (sheep_ipam_open(run_dir, name, NULL, false, &s, err) < 0)
		return -1;
	sheep_nft_script_network(f, &s->net);
	for (size_t i = 0; i < s->len; i++)
		sheep_nft_script_ports(f, "add", s->leases[i].addr, s->leases[i].ports,
				       s->leases[i].ports_len);
	return 0;
}

int sheep_net_nft_rebuild(const char *run_dir, struct sheep_err **err)
{
	_cleanup_free_ char *table = sheep_nft_script_table(), *script = NULL;
	DIR *d = opendir(run_dir);
	size_t size = 0;
	struct dirent *de;
	FILE *f;
	int r = 0;

	if (d == NULL)
		return sheep_err_set(err, errno, "open '%s'", run_dir);
	f = open_memstream(&script, &size);
	if (f == NULL || table == NULL) {
		closedir(d);
		if (f != NULL)
			fclose(f);
		return sheep_err_set(err, ENOMEM, "build nft script");
	}
	fputs(table, f);
	while (r == 0 && (de = readdir(d)) != NULL)
		if (de->d_type == DT_DIR && de->d_name[0] != '.')
			r = script_store(f, run_dir, de->d_name, err);
	closedir(d);
	fclose(f);
	if (r < 0)
		return -1;
	return sheep_nft_run(script, err);
}

int sheep_net_nft_ensure(const char *run_dir, const struct sheep_net_network *net, bool new_net,
			 struct sheep_err **err)
{
	_cleanup_close_ int lock = -1;
	_cleanup_free_ char *script = NULL;
	size_t size = 0;
	FILE *f;
	int ok = sheep_nft_table_ok(err);

	/* the common case, table there and network known, needs no lock: one nfnetlink query */
	if (ok != 0 && !new_net)
		return ok < 0 ? -1 : 0;
	lock = sheep_net_lock_nft(run_dir, err);
	if (lock < 0)
		return -1;
	ok = sheep_nft_table_ok(err); /* again, under the lock: someone may have rebuilt it */
	if (ok == 0 && sheep_net_nft_rebuild(run_dir, err) < 0)
		return sheep_err_wrap(err, "create nft table 'ip %s'", SHEEP_NFT_TABLE);
	if (ok != 1 || !new_net)
		return ok < 0 ? -1 : 0;
	f = open_memstream(&script, &size);
	if (f == NULL)
		return sheep_err_set(err, errno, "open_memstream");
	sheep_nft_script_network(f, net);
	fclose(f);
	if (sheep_nft_run(script, err) < 0)
		return sheep_err_wrap(err, "add network '%s' to nft table 'ip %s'", net->name,
				      SHEEP_NFT_TABLE);
	return 0;
}

int sheep_net_proc_identity(pid_t pid, uint64_t *ret_start, uint64_t *ret_netns_ino)
{
	char path[64], buf[1024], *p;
	_cleanup_close_ int fd = -1;
	struct stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* comm may contain spaces and parentheses: fields restart after the last ')' */
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 2,
				"%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
				"%*d %*d %*d %*d %" SCNu64,
				ret_start) != 1)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &st) < 0)
		return -1;
	*ret_netns_ino = st.st_ino;
	return 0;
}

static bool lease_alive(const struct sheep_net_lease *l)
{
	uint64_t start, ino;

	if (l->pid <= 0 || sheep_net_proc_identity((pid_t)l->pid, &start, &ino) < 0)
		return false;
	return start == l->start_time && ino == l->netns_ino;
}

int sheep_net_gc_store(struct sheep_ipam *s, const char *run_dir, size_t *ret_reclaimed,
		       struct sheep_err **err)
{
	struct sheep_nl nl = {0};
	int r = 0;

	if (sheep_nl_open(&nl, NETLINK_ROUTE, err) < 0)
		return -1;
	for (size_t i = 0; r == 0 && i < s->len;) {
		struct sheep_net_lease old;
		char veth[SHEEP_NET_IFNAMSIZ];

		if (lease_alive(&s->leases[i])) {
			i++;
			continue;
		}
		sheep_ipam_release(s, s->leases[i].id, &old);
		sheep_net_veth_name(old.id, veth);
		/* a namespace kept alive by a bind mount keeps the veth too: remove it ourselves */
		r = sheep_link_delete(&nl, veth, err);
		if (r == 0 && old.ports_len > 0) {
			_cleanup_close_ int lock = sheep_net_lock_nft(run_dir, err);

			r = lock < 0
				? -1
				: sheep_nft_ports_delete(old.addr, old.ports, old.ports_len, err);
		}
		sheep_net_lease_clear(&old);
		(*ret_reclaimed)++;
	}
	sheep_nl_close(&nl);
	if (r < 0)
		return -1;
	return sheep_ipam_save(s, err);
}
