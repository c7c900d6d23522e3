/* IPAM: the lease store of one network. The file is small text, one lease a line:
 *   network NAME A.B.C.D/N | last A.B.C.D | lease ID ADDR NETNS_INO CREATED PID START PORTS
 * It is read and replaced whole under an flock on a separate lock file (rename swaps the inode,
 * so the lock cannot live on the leases file itself). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/ipam.h"
#include "net/ports.h"
#include "util/cleanup.h"
#include "util/fs.h"

int sheep_ipam_next_free(const struct sheep_net_network *net, uint32_t last, const uint32_t *used,
			 size_t n, uint32_t *ret)
{
	uint32_t first = net->subnet + 2, end = sheep_net_broadcast(net); /* [first, end) */
	uint32_t size = end - first, start;
	_cleanup_free_ uint8_t *map = calloc(size / 8 + 1, 1);

	if (map == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (used[i] >= first && used[i] < end)
			map[(used[i] - first) / 8] |= (uint8_t)(1u << ((used[i] - first) % 8));
	start = (last >= first && last < end) ? last - first + 1 : 0;
	for (uint32_t k = 0; k < size; k++) {
		uint32_t off = (start + k) % size;

		if (!(map[off / 8] & (1u << (off % 8)))) {
			*ret = first + off;
			return 0;
		}
	}
	errno = ENOSPC;
	return -1;
}

static int parse_lease(char *line, struct sheep_net_lease *l)
{
	char id[1025], addr[16], ports[4096];
	struct sheep_err *e = NULL;

	memset(l, 0, sizeof(*l));
	if (sscanf(line, "lease %1024s %15s %" SCNu64 " %" SCNd64 " %" SCNd64 " %" SCNu64 " %4095s",
		   id, addr, &l->netns_ino, &l->created, &l->pid, &l->start_time, ports) != 7 ||
	    sheep_net_aton(addr, &l->addr) < 0)
		return -1;
	if (sheep_net_ports_parse_list(ports, &l->ports, &l->ports_len, &e) < 0) {
		sheep_err_free(e);
		return -1;
	}
	l->id = strdup(id);
	return l->id == NULL ? -1 : 0;
}

int sheep_ipam_parse(struct sheep_ipam *s, char *text, struct sheep_err **err)
{
	char *save = NULL, name[32], cidr[32], addr[16];
	int lineno = 0;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct sheep_net_lease *grown;

		lineno++;
		if (sscanf(line, "network %31s %31s", name, cidr) == 2) {
			if (sheep_net_parse_subnet(name, cidr, &s->net, err) < 0)
				return sheep_err_wrap(err, "line %d", lineno);
			continue;
		}
		if (sscanf(line, "last %15s", addr) == 1 && sheep_net_aton(addr, &s->last) == 0)
			continue;
		grown = realloc(s->leases, (s->len + 1) * sizeof(*grown));
		if (grown == NULL)
			return sheep_err_set(err, ENOMEM, "line %d", lineno);
		s->leases = grown;
		if (parse_lease(line, &s->leases[s->len]) < 0)
			return sheep_err_set(err, 0, "line %d: invalid lease", lineno);
		s->len++;
	}
	return 0;
}

char *sheep_ipam_format(const struct sheep_ipam *s)
{
	char *buf = NULL, a[16], b[16];
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (f == NULL)
		return NULL;
	fprintf(f, "network %s %s/%u\nlast %s\n", s->net.name, sheep_net_ntoa(s->net.subnet, a),
		s->net.prefix, sheep_net_ntoa(s->last, b));
	for (size_t i = 0; i < s->len; i++) {
		const struct sheep_net_lease *l = &s->leases[i];
		_cleanup_free_ char *ports = sheep_net_ports_format_list(l->ports, l->ports_len);

		fprintf(f, "lease %s %s %" PRIu64 " %" PRId64 " %" PRId64 " %" PRIu64 " %s\n",
			l->id, sheep_net_ntoa(l->addr, a), l->netns_ino, l->created, l->pid,
			l->start_time, ports ? ports : "-");
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int open_locked(const char *dir, const char *name, bool lock, struct sheep_ipam *s,
		       struct sheep_err **err)
{
	_cleanup_free_ char *path = NULL;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return sheep_err_set(err, ENOMEM, "open lease store");
	s->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0 && errno == ENOENT) { /* first use of this network */
		if (sheep_mkdir_p(path, 0700, err) < 0)
			return -1;
		s->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (s->dirfd < 0)
		return sheep_err_set(err, errno, "open '%s'", path);
	if (!lock)
		return 0;
	s->lockfd = openat(s->dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lockfd < 0)
		return sheep_err_set(err, errno, "open '%s/lock'", path);
	if (flock(s->lockfd, LOCK_EX) < 0)
		return sheep_err_set(err, errno, "flock '%s/lock'", path);
	return 0;
}

int sheep_ipam_open(const char *dir, const char *name, const struct sheep_net_network *def,
		    bool lock, struct sheep_ipam **ret, struct sheep_err **err)
{
	_cleanup_ipam_ struct sheep_ipam *s = calloc(1, sizeof(*s));
	_cleanup_free_ char *text = NULL;
	struct sheep_err *nf = NULL;

	if (s == NULL)
		return sheep_err_set(err, ENOMEM, "network '%s'", name);
	s->dirfd = s->lockfd = -1;
	if (open_locked(dir, name, lock, s, err) < 0)
		return sheep_err_wrap(err, "network '%s': lock leases", name);
	if (sheep_read_file_at(s->dirfd, "leases", 16u << 20, &text, NULL, &nf) < 0) {
		int e = nf->errnum;

		sheep_err_free(nf);
		if (e != ENOENT)
			return sheep_err_set(err, e, "network '%s': read '%s/%s/leases'", name, dir,
					     name);
		if (def == NULL) {
			char *msg = NULL;

			if (asprintf(&msg, "network '%s': unknown network", name) < 0)
				msg = NULL;
			return sheep_err_take(err, ENOENT, msg);
		}
		s->net = *def;
		s->dirty = true;
	} else if (sheep_ipam_parse(s, text, err) < 0) {
		return sheep_err_wrap(err, "network '%s': parse '%s/%s/leases'", name, dir, name);
	}
	if (def != NULL && s->len == 0 && memcmp(&s->net, def, sizeof(*def)) != 0) {
		s->net = *def;
		s->dirty = true;
	}
	*ret = TAKE_PTR(s);
	return 0;
}

int sheep_ipam_alloc(struct sheep_ipam *s, const struct sheep_net_lease *tmpl, uint32_t *ret_addr,
		     struct sheep_err **err)
{
	_cleanup_free_ uint32_t *used = calloc(s->len + 1, sizeof(*used));
	struct sheep_net_lease *grown, *l;
	char a[16];

	if (sheep_ipam_find(s, tmpl->id) != NULL)
		return sheep_err_set(err, EEXIST,
				     "network '%s': container '%s' already has a lease",
				     s->net.name, tmpl->id);
	if (used == NULL)
		return sheep_err_set(err, ENOMEM, "network '%s': allocate", s->net.name);
	for (size_t i = 0; i < s->len; i++)
		used[i] = s->leases[i].addr;
	if (sheep_ipam_next_free(&s->net, s->last, used, s->len, ret_addr) < 0)
		return errno == ENOSPC
			   ? sheep_err_set(err, 0, "network '%s': no free address in %s/%u",
					   s->net.name, sheep_net_ntoa(s->net.subnet, a),
					   s->net.prefix)
			   : sheep_err_set(err, errno, "network '%s': allocate", s->net.name);
	grown = realloc(s->leases, (s->len + 1) * sizeof(*grown));
	if (grown == NULL)
		return sheep_err_set(err, ENOMEM, "network '%s': allocate", s->net.name);
	s->leases = grown;
	l = &s->leases[s->len];
	*l = *tmpl;
	l->addr = *ret_addr;
	l->id = strdup(tmpl->id);
	l->ports = tmpl->ports_len ? malloc(tmpl->ports_len * sizeof(*l->ports)) : NULL;
	if (l->id == NULL || (tmpl->ports_len && l->ports == NULL)) {
		sheep_net_lease_clear(l);
		return sheep_err_set(err, ENOMEM, "network '%s': allocate", s->net.name);
	}
	if (tmpl->ports_len)
		memcpy(l->ports, tmpl->ports, tmpl->ports_len * sizeof(*l->ports));
	s->len++;
	s->last = *ret_addr;
	s->dirty = true;
	return 0;
}

struct sheep_net_lease *sheep_ipam_find(struct sheep_ipam *s, const char *id)
{
	for (size_t i = 0; i < s->len; i++)
		if (strcmp(s->leases[i].id, id) == 0)
			return &s->leases[i];
	return NULL;
}

int sheep_ipam_release(struct sheep_ipam *s, const char *id, struct sheep_net_lease *ret_old)
{
	struct sheep_net_lease *l = sheep_ipam_find(s, id);

	if (l == NULL)
		return 0;
	if (ret_old != NULL)
		*ret_old = *l;
	else
		sheep_net_lease_clear(l);
	*l = s->leases[--s->len];
	s->dirty = true;
	return 1;
}

int sheep_ipam_save(struct sheep_ipam *s, struct sheep_err **err)
{
	_cleanup_free_ char *text = NULL;

	if (!s->dirty)
		return 0;
	text = sheep_ipam_format(s);
	if (text == NULL)
		return sheep_err_set(err, ENOMEM, "network '%s': write leases", s->net.name);
	if (sheep_write_file_atomic_at(s->dirfd, "leases", text, strlen(text), 0600, err) < 0)
		return sheep_err_wrap(err, "network '%s': write leases", s->net.name);
	s->dirty = false;
	return 0;
}

void sheep_ipam_close(struct sheep_ipam *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->len; i++)
		sheep_net_lease_clear(&s->leases[i]);
	free(s->leases);
	if (s->lockfd >= 0)
		close(s->lockfd); /* releases the flock */
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s);
}
