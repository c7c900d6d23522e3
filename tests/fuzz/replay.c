/* Runs a fuzz target over its committed inputs without libFuzzer: the seed corpus and the
 * reproducers of fixed crashes (tests/fuzz/{corpus,regress}/NAME), or the files and directories
 * given as arguments. Built in every configuration, so `make check` (and the sanitizer build)
 * replays them; a regression aborts or trips a sanitizer. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "util/fs.h"

#define PAGE 4096u

/* The input copied to the end of its pages, before an inaccessible guard page, so a read past
 * its end faults even in builds without ASan. The start stays 8-byte aligned (netlink buffers
 * are); the few bytes of slack before the guard are non-zero, so an unterminated string runs
 * on into the guard. */
static char *guarded_copy(const char *data, size_t len, size_t *ret_map_len)
{
	size_t slack = (8 - len % 8) % 8;
	size_t used = len + slack, pages = (used + PAGE - 1) / PAGE;
	size_t map_len = (pages + 1) * PAGE;
	char *map = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *copy;

	if (map == MAP_FAILED || mprotect(map + pages * PAGE, PAGE, PROT_NONE) < 0)
		abort();
	copy = map + pages * PAGE - used;
	memcpy(copy, data, len);
	memset(copy + len, 0xaa, slack);
	*ret_map_len = map_len;
	return copy;
}

static int replay_file(int dirfd, const char *name)
{
	struct sheep_err *err = NULL;
	char *buf = NULL, *copy;
	size_t len = 0, map_len;

	if (sheep_read_file_at(dirfd, name, 64u << 20, &buf, &len, &err) < 0) {
		fprintf(stderr, "replay: %s\n", err->msg);
		sheep_err_free(err);
		return -1;
	}
	copy = guarded_copy(buf, len, &map_len);
	free(buf);
	LLVMFuzzerTestOneInput((const uint8_t *)copy, len);
	munmap(copy + len + (8 - len % 8) % 8 + PAGE - map_len, map_len);
	return 1;
}

/* Every file of a directory. */
static int replay_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0, r;

	if (d == NULL) {
		fprintf(stderr, "replay: open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		printf("replay %s/%s\n", path, de->d_name);
		fflush(stdout);
		r = replay_file(dirfd(d), de->d_name);
		if (r < 0) {
			closedir(d);
			return -1;
		}
		n += r;
	}
	closedir(d);
	return n;
}

/* A default directory may be missing (a target without reproducers); a path given may not. */
static int replay_path(const char *path, bool may_be_missing)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT && may_be_missing)
			return 0;
		fprintf(stderr, "replay: stat '%s': %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return replay_dir(path);
	return replay_file(AT_FDCWD, path);
}

int main(int argc, char **argv)
{
	const char *dflt[] = {FUZZ_INPUTS "/corpus/" FUZZ_NAME, FUZZ_INPUTS "/regress/" FUZZ_NAME};
	int n = 0, r;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		if ((r = replay_path(argv[i], false)) < 0)
			return 1;
		n += r;
	}
	for (size_t i = 0; argc == 1 && i < sizeof(dflt) / sizeof(dflt[0]); i++) {
		if ((r = replay_path(dflt[i], true)) < 0)
			return 1;
		n += r;
	}
	printf("%s: %d inputs replayed\n", FUZZ_NAME, n);
	/* no inputs at all means the corpus went missing: that must not pass silently */
	return n > 0 ? 0 : 1;
}
