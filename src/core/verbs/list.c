/* list: every container under the root with its derived status. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/container.h"
#include "core/verbs/lookup.h"
#include "util/cleanup.h"

static int append(struct sheep_list_entry **l, size_t *n, struct sheep_state *st,
		  enum sheep_status status)
{
	struct sheep_list_entry *nl = realloc(*l, (*n + 1) * sizeof(**l));

	if (nl == NULL)
		return -1;
	nl[*n] = (struct sheep_list_entry){st, status};
	*l = nl;
	(*n)++;
	return 0;
}

int sheep_container_list(const char *root, struct sheep_list_entry **ret, size_t *ret_len,
			 struct sheep_err **err)
{
	_cleanup_close_ int rootfd = -1;
	struct sheep_list_entry *l = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;

	*ret = NULL;
	*ret_len = 0;
	if (sheep_state_root_open(root ? root : sheep_state_default_root(), false, &rootfd, err) <
	    0) {
		if ((*err)->errnum != ENOENT)
			return -1;
		sheep_err_freep(err); /* no root yet: no containers */
		return 0;
	}
	d = fdopendir(dup(rootfd));
	if (d == NULL)
		return sheep_err_set(err, errno, "list '%s'", root);
	while ((de = readdir(d)) != NULL) {
		struct sheep_state *st = NULL;
		struct sheep_err *e = NULL;
		int dirfd = -1;

		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		if (sheep_state_load(rootfd, de->d_name, &st, &dirfd, &e) < 0) {
			sheep_err_free(e); /* removed meanwhile, or not ours */
			continue;
		}
		if (append(&l, &n, st, container_status(st, dirfd, NULL)) < 0) {
			close(dirfd);
			sheep_state_free(st);
			closedir(d);
			sheep_container_list_free(l, n);
			return sheep_err_set(err, ENOMEM, "list");
		}
		close(dirfd);
	}
	closedir(d);
	*ret = l;
	*ret_len = n;
	return 0;
}

void sheep_container_list_free(struct sheep_list_entry *l, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sheep_state_free(l[i].state);
	free(l);
}
