/* See proctitle.h. The kernel reports the bytes from its arg_start to arg_end: the strings of
 * the original argv, laid out one after another. Only that span is written, so nothing beyond
 * it (the environment) is touched, and as its last byte stays NUL the kernel reads no further. */
#include <stdlib.h>
#include <string.h>

#include "util/proctitle.h"

static char *area;
static size_t area_len; /* bytes, the last string's NUL included */

int sheep_proctitle_init(int argc, char **argv)
{
	char **copies;
	char *end;

	if (argc <= 0 || argv == NULL || argv[0] == NULL)
		return -1;
	copies = calloc((size_t)argc, sizeof(*copies));
	if (copies == NULL)
		return -1;
	for (int i = 0; i < argc; i++) {
		copies[i] = strdup(argv[i]);
		if (copies[i] == NULL) {
			while (i-- > 0)
				free(copies[i]);
			free(copies);
			return -1;
		}
	}
	end = argv[0] + strlen(argv[0]) + 1;
	/* the strings are contiguous as the kernel laid them out; stop at the first that is not */
	for (int i = 1; i < argc && argv[i] == end; i++)
		end += strlen(argv[i]) + 1;
	area = argv[0];
	area_len = (size_t)(end - area);
	memcpy(argv, copies, (size_t)argc * sizeof(*argv));
	free(copies); /* the array; the strings live on in argv */
	return 0;
}

void sheep_proctitle_set(const char *const *words, int n)
{
	size_t used = 0;

	if (area == NULL)
		return;
	for (int i = 0; i < n && used + 1 < area_len; i++) {
		size_t len = strnlen(words[i], area_len - used - 1);

		memcpy(area + used, words[i], len);
		used += len;
		area[used++] = '\0';
	}
	memset(area + used, 0, area_len - used);
}
