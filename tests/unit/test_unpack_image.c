/* The image side of the unpacker: image-spec parsing, digests and verified blob reads, User
 * resolution in the unpacked root, the config conversion and sheep_unpack()'s bundle rules. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "image.h"
#include "unpack/digest.h"
#include "unpack/source.h"
#include "unpack/unpack.h"
#include "unpack/user.h"
#include "unpack_fixture.h"

#define EMPTY_SHA "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static int setup(void **state)
{
	struct fx_dir *d = calloc(1, sizeof(*d));

	fx_dir_setup(d);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	fx_dir_teardown(*state);
	free(*state);
	return 0;
}

static void put(int dirfd, const char *path, const char *data)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
}

static void expect_parse_error(const char *json, const char *expected)
{
	char *error = NULL;
	struct oci_image_index *idx =
	    oci_image_index_parse_data(json, strlen(json), "index.json", &error);

	assert_null(idx);
	assert_string_equal(error, expected);
	free(error);
}

static void test_parse_index(void **state)
{
	const char *ok =
	    "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" OCI_MEDIA_MANIFEST
	    "\",\"digest\":\"" EMPTY_SHA "\",\"size\":0,\"annotations\":{\"" OCI_ANNOTATION_REF_NAME
	    "\":\"v1\"},\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}]}";
	char *error = NULL;
	struct oci_image_index *idx =
	    oci_image_index_parse_data(ok, strlen(ok), "index.json", &error);

	assert_non_null(idx);
	assert_int_equal(idx->manifests_len, 1);
	assert_string_equal(idx->manifests[0].digest, EMPTY_SHA);
	assert_string_equal(oci_map_get(idx->manifests[0].annotations, OCI_ANNOTATION_REF_NAME),
			    "v1");
	assert_string_equal(idx->manifests[0].platform->architecture, "arm64");
	oci_image_index_free(idx);
	expect_parse_error("{\"schemaVersion\":2}", "index.json: manifests: required");
	expect_parse_error("{\"schemaVersion\":3,\"manifests\":[]}",
			   "index.json: schemaVersion: unsupported schema version 3 (expected 2)");
	expect_parse_error("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":"
			   "\"sha256\",\"size\":1}]}",
			   "index.json: manifests[0].digest: invalid digest 'sha256'");
	expect_parse_error("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":"
			   "\"" EMPTY_SHA "\",\"size\":-1}]}",
			   "index.json: manifests[0].size: must not be negative");
}

static void test_parse_config_and_docker(void **state)
{
	const char *cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":null,"
			  "\"ExposedPorts\":{\"80/tcp\":{}},\"Env\":[\"A=1\"]},"
			  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
	const char *docker =
	    "[{\"Config\":\"c.json\",\"RepoTags\":null,\"Layers\":[\"a/layer.tar\"]}]";
	char *error = NULL;
	struct oci_image_config *c =
	    oci_image_config_parse_data(cfg, strlen(cfg), "config", &error);
	struct oci_docker_archive_manifest *m;

	assert_non_null(c);
	assert_int_equal(c->config->cmd_len, 0);
	assert_string_equal(c->config->exposed_ports->keys[0], "80/tcp");
	oci_image_config_free(c);
	m = oci_docker_archive_manifest_parse_data(docker, strlen(docker), "manifest.json", &error);
	assert_non_null(m);
	assert_string_equal(m->images[0].layers[0], "a/layer.tar");
	oci_docker_archive_manifest_free(m);
	m = oci_docker_archive_manifest_parse_data("[{}]", 4, "manifest.json", &error);
	assert_null(m);
	assert_string_equal(error, "manifest.json: images[0].Config: required");
	free(error);
}

static void test_digest_check(void **state)
{
	struct sheep_err *err = NULL;

	assert_int_equal(unpack_digest_check(EMPTY_SHA, &err), 0);
	assert_int_equal(unpack_digest_check("sha512:abcd", &err), -1);
	assert_string_equal(err->msg, "digest 'sha512:abcd': unsupported algorithm 'sha512'");
	sheep_err_free(err);
	err = NULL;
	assert_int_equal(unpack_digest_check("sha256:ABCD", &err), -1);
	assert_string_equal(err->msg, "invalid digest 'sha256:ABCD'");
	sheep_err_free(err);
}

static void test_blob_read(void **state)
{
	struct fx_dir *d = *state;
	struct unpack_blob_want
	    good = {.digest = EMPTY_SHA, .size = 0},
	    big = {.digest = EMPTY_SHA, .size = 5},
	    bad = {.digest =
		       "sha256:0000000000000000000000000000000000000000000000000000000000000000",
		   .size = 0};
	struct sheep_err *err = NULL;
	char *data = NULL;
	size_t len;

	put(d->rootfd, "empty", "");
	assert_int_equal(unpack_blob_read(d->rootfd, "empty", &good, 100, &data, &len, &err), 0);
	assert_int_equal(len, 0);
	free(data);
	assert_int_equal(unpack_blob_read(d->rootfd, "empty", &big, 100, &data, &len, &err), -1);
	assert_string_equal(err->msg, "'empty': size mismatch: expected 5 bytes, got 0");
	sheep_err_free(err);
	err = NULL;
	assert_int_equal(unpack_blob_read(d->rootfd, "empty", &bad, 100, &data, &len, &err), -1);
	assert_string_equal(
	    err->msg,
	    "'empty': digest mismatch: expected sha256:"
	    "0000000000000000000000000000000000000000000000000000000000000000, got " EMPTY_SHA);
	sheep_err_free(err);
	err = NULL;
	assert_int_equal(unpack_blob_read(d->rootfd, "nope", &good, 100, &data, &len, &err), -1);
	assert_string_equal(err->msg, "open blob 'nope': No such file or directory");
	sheep_err_free(err);
	err = NULL;
	/* an image archive can put a FIFO where index.json goes: refused, not opened (it blocked) */
	assert_int_equal(mkfifoat(d->rootfd, "index.json", 0644), 0);
	assert_int_equal(unpack_blob_read(d->rootfd, "index.json", &good, 100, &data, &len, &err),
			 -1);
	assert_string_equal(err->msg, "blob 'index.json': not a regular file");
	sheep_err_free(err);
}

static void test_user(void **state)
{
	struct fx_dir *d = *state;
	struct sheep_err *err = NULL;
	struct unpack_user u;
	char outside[160];

	mkdirat(d->rootfd, "etc", 0755);
	put(d->rootfd, "etc/passwd", "root:x:0:0::/root:/bin/sh\nweb:x:1000:1001::/:/bin/sh\n");
	put(d->rootfd, "etc/group", "root:x:0:\nweb:x:1001:\naudio:x:29:web,x\nvideo:x:44:x\n");
	/* without a group: the primary gid first (podman's and initgroups(3)'s list), then the
	 * groups that name the user */
	assert_int_equal(unpack_user_resolve(d->rootfd, "web", &u, &err), 0);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 1001);
	assert_int_equal(u.ngroups, 2);
	assert_int_equal(u.groups[0], 1001);
	assert_int_equal(u.groups[1], 29);
	assert_int_equal(unpack_user_resolve(d->rootfd, "web:audio", &u, &err), 0);
	assert_int_equal(u.gid, 29);
	assert_int_equal(u.ngroups, 0);
	/* a uid found in /etc/passwd gets its entry's group and supplementary groups (the podman
	 * round trip of `USER 1000` found them missing) */
	assert_int_equal(unpack_user_resolve(d->rootfd, "1000", &u, &err), 0);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 1001);
	assert_int_equal(u.ngroups, 2);
	assert_int_equal(u.groups[1], 29);
	assert_int_equal(unpack_user_resolve(d->rootfd, "4242", &u, &err), 0);
	assert_int_equal(u.uid, 4242);
	assert_int_equal(u.gid, 0);
	assert_int_equal(u.ngroups, 1);
	assert_int_equal(u.groups[0], 0);
	assert_int_equal(unpack_user_resolve(d->rootfd, "4242:77", &u, &err), 0);
	assert_int_equal(u.uid, 4242);
	assert_int_equal(u.gid, 77);
	assert_int_equal(u.ngroups, 0);
	/* no user is root, with root's groups */
	assert_int_equal(unpack_user_resolve(d->rootfd, "", &u, &err), 0);
	assert_int_equal(u.uid, 0);
	assert_int_equal(u.gid, 0);
	assert_int_equal(u.ngroups, 1);
	assert_int_equal(unpack_user_resolve(d->rootfd, ":audio", &u, &err), 0);
	assert_int_equal(u.uid, 0);
	assert_int_equal(u.gid, 29);
	assert_int_equal(u.ngroups, 0);
	assert_int_equal(unpack_user_resolve(d->rootfd, "nobody", &u, &err), -1);
	assert_string_equal(err->msg, "user 'nobody': not found in /etc/passwd");
	sheep_err_free(err);
	err = NULL;
	assert_int_equal(unpack_user_resolve(d->rootfd, "web:wheel", &u, &err), -1);
	assert_string_equal(err->msg, "group 'wheel': not found in /etc/group");
	sheep_err_free(err);
	err = NULL;
	/* a passwd planted as a symlink to a host path is read inside the root (and is missing) */
	unlinkat(d->rootfd, "etc/passwd", 0);
	snprintf(outside, sizeof(outside), "%s/outside/secret", d->path);
	assert_int_equal(symlinkat(outside, d->rootfd, "etc/passwd"), 0);
	assert_int_equal(unpack_user_resolve(d->rootfd, "secret", &u, &err), -1);
	assert_string_equal(err->msg, "user 'secret': not found in /etc/passwd");
	sheep_err_free(err);
	err = NULL;
	/* a FIFO is not opened (it would block for ever), nor a device (it would be the host's) */
	unlinkat(d->rootfd, "etc/passwd", 0);
	assert_int_equal(mkfifoat(d->rootfd, "etc/passwd", 0644), 0);
	assert_int_equal(unpack_user_resolve(d->rootfd, "web", &u, &err), -1);
	assert_string_equal(err->msg, "'/etc/passwd' is not a regular file");
	sheep_err_free(err);
}

/* The default spec of these tests filled from the image config cfg (img->digest as given). */
static struct oci_config *fill(const char *cfg, struct unpack_image *img, int rootfd, bool rootless)
{
	const char *def = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"process\":{"
			  "\"cwd\":\"/\",\"args\":[\"sh\"],\"env\":[\"PATH=/bin\",\"TERM=xterm\"],"
			  "\"user\":{\"uid\":0,\"gid\":0}}}";
	char *error = NULL;
	struct oci_config *c = oci_config_parse_data(def, strlen(def), "config.json", &error);
	struct sheep_err *err = NULL;

	assert_non_null(c);
	img->config = oci_image_config_parse_data(cfg, strlen(cfg), "config", &error);
	assert_non_null(img->config);
	assert_int_equal(unpack_config_fill(c, img, rootfd, rootless, &err), 0);
	return c;
}

static void test_config_fill(void **state)
{
	struct fx_dir *d = *state;
	const char *cfg =
	    "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{"
	    "\"Entrypoint\":[\"/bin/app\"],\"Cmd\":[\"--flag\"],\"Env\":[\"A=1\"],"
	    "\"WorkingDir\":\"/srv\",\"User\":\"7:8\",\"StopSignal\":\"SIGINT\","
	    "\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}},\"Labels\":{\"l\":\"v\","
	    "\"org.opencontainers.image.stopSignal\":\"SIGTERM\",\"io.sheep-oci.image.digest\":"
	    "\"x\"},"
	    "\"Volumes\":{\"/data\":{},\"/logs\":{}}},\"variant\":\"v3\",\"os.version\":\"6.1\","
	    "\"os.features\":[\"f1\",\"f2\"],"
	    "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
	struct unpack_image img = {.digest = strdup(EMPTY_SHA)};
	struct oci_config *c;

	c = fill(cfg, &img, d->rootfd, false);
	assert_int_equal(c->process->args_len, 2);
	assert_string_equal(c->process->args[0], "/bin/app");
	assert_string_equal(c->process->args[1], "--flag");
	assert_int_equal(c->process->env_len, 2);
	assert_string_equal(c->process->env[0], "PATH=/bin"); /* kept: the image has no PATH */
	assert_string_equal(c->process->env[1], "A=1");
	assert_string_equal(c->process->cwd, "/srv");
	assert_int_equal(c->process->user.uid, 7);
	assert_int_equal(c->process->user.gid, 8);
	assert_string_equal(oci_map_get(c->annotations, "org.opencontainers.image.exposedPorts"),
			    "80/tcp,53/udp");
	/* conversion.md: a label "MUST take precedence" over an implicit annotation; our own
	 * digest cannot be overridden by one */
	assert_string_equal(oci_map_get(c->annotations, "org.opencontainers.image.stopSignal"),
			    "SIGTERM");
	assert_string_equal(oci_map_get(c->annotations, "org.opencontainers.image.variant"), "v3");
	assert_string_equal(oci_map_get(c->annotations, "org.opencontainers.image.os.version"),
			    "6.1");
	assert_string_equal(oci_map_get(c->annotations, "org.opencontainers.image.os.features"),
			    "f1,f2");
	assert_string_equal(oci_map_get(c->annotations, "io.sheep-oci.image.volumes"),
			    "/data,/logs");
	assert_string_equal(oci_map_get(c->annotations, "l"), "v");
	assert_null(oci_map_get(c->annotations, "io.sheep-oci.image.user"));
	unpack_image_clear(&img);
	oci_config_free(c);
	/* rootless: the container's root (the one mapped id), the image's user kept aside */
	img.digest = strdup(EMPTY_SHA);
	c = fill(cfg, &img, d->rootfd, true);
	assert_int_equal(c->process->user.uid, 0);
	assert_int_equal(c->process->user.gid, 0);
	assert_int_equal(c->process->user.additional_gids_len, 0);
	assert_string_equal(oci_map_get(c->annotations, "io.sheep-oci.image.user"), "7:8");
	assert_string_equal(oci_map_get(c->annotations, "io.sheep-oci.image.digest"), EMPTY_SHA);
	unpack_image_clear(&img);
	oci_config_free(c);
}

/* An Env name set twice keeps its last value once; an image PATH replaces the default; a relative
 * WorkingDir is below /; no Entrypoint/Cmd keeps the default args; no User is root with the
 * groups /etc/group gives root. */
static void test_config_env_cwd_user(void **state)
{
	struct fx_dir *d = *state;
	const char *cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{"
			  "\"Env\":[\"A=1\",\"PATH=/img\",\"B=2\",\"A=3\"],\"WorkingDir\":\"srv\","
			  "\"Entrypoint\":null,\"Cmd\":[]},"
			  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
	struct unpack_image img = {0};
	struct oci_config *c;

	mkdirat(d->rootfd, "etc", 0755);
	put(d->rootfd, "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
	put(d->rootfd, "etc/group", "root:x:0:\nvideo:x:44:x,root\n");
	c = fill(cfg, &img, d->rootfd, false);
	assert_int_equal(c->process->env_len, 3);
	assert_string_equal(c->process->env[0], "PATH=/img");
	assert_string_equal(c->process->env[1], "B=2");
	assert_string_equal(c->process->env[2], "A=3");
	assert_string_equal(c->process->cwd, "/srv");
	assert_int_equal(c->process->args_len, 1);
	assert_string_equal(c->process->args[0], "sh");
	assert_int_equal(c->process->user.uid, 0);
	assert_int_equal(c->process->user.gid, 0);
	assert_int_equal(c->process->user.additional_gids_len, 2);
	assert_int_equal(c->process->user.additional_gids[0], 0);
	assert_int_equal(c->process->user.additional_gids[1], 44);
	assert_null(oci_map_get(c->annotations, "io.sheep-oci.image.digest"));
	unpack_image_clear(&img);
	oci_config_free(c);
}

/* Errors of sheep_unpack itself leave neither the bundle nor a staging directory. */
static void test_unpack_errors(void **state)
{
	struct fx_dir *d = *state;
	struct sheep_unpack_opts opts = {.rootless = true, .platform = "linux/amd64"};
	char image[128], bundle[128], expected[512];
	struct sheep_err *err = NULL;
	struct oci_config c = {0};

	snprintf(image, sizeof(image), "%s/root", d->path); /* a directory that is no image */
	snprintf(bundle, sizeof(bundle), "%s/bundle", d->path);
	assert_int_equal(sheep_unpack(image, bundle, &opts, &c, &err), -1);
	snprintf(expected, sizeof(expected),
		 "image '%s': '%s': not an image (no oci-layout or manifest.json)", image, image);
	assert_string_equal(err->msg, expected);
	sheep_err_free(err);
	err = NULL;
	assert_int_equal(access(bundle, F_OK), -1);
	opts.platform = "linux";
	assert_int_equal(sheep_unpack(image, bundle, &opts, &c, &err), -1);
	snprintf(expected, sizeof(expected),
		 "image '%s': platform 'linux': expected OS/ARCH[/VARIANT]", image);
	assert_string_equal(err->msg, expected);
	sheep_err_free(err);
	err = NULL;
	opts.platform = NULL;
	snprintf(bundle, sizeof(bundle), "%s/outside/secret", d->path);
	assert_int_equal(sheep_unpack(image, bundle, &opts, &c, &err), -1);
	snprintf(expected, sizeof(expected),
		 "image '%s': bundle '%s' exists and is not an empty directory", image, bundle);
	assert_string_equal(err->msg, expected);
	sheep_err_free(err);
	assert_true(fx_outside_intact(d));
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -q unpack-", d->path);
	assert_int_not_equal(system(cmd), 0);
}

static void mkdir_aged(const char *dir, const char *name, time_t age)
{
	char p[256];
	struct timespec t[2] = {{time(NULL) - age, 0}, {time(NULL) - age, 0}};

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(utimensat(AT_FDCWD, p, t, 0), 0);
}

/* A cancel fails the unpack with the bare "interrupted (SIGINT)" (no "image '...'": the
 * interruption is not the image's fault), after the stale staging directory of the bundle went
 * and before anything else stayed; the signal mask is as it was. */
static void test_unpack_cancel_and_stale(void **state)
{
	static volatile sig_atomic_t cancel = SIGINT;
	struct fx_dir *d = *state;
	struct sheep_unpack_opts opts = {.rootless = true, .cancel = &cancel};
	char image[128], bundle[128], cmd[300];
	struct sheep_err *err = NULL;
	struct oci_config c = {0};
	sigset_t set, after;

	snprintf(image, sizeof(image), "%s/root", d->path);
	snprintf(bundle, sizeof(bundle), "%s/bundle", d->path);
	mkdir_aged(d->path, ".bundle.unpack-Ab12Yz", 60);  /* stale: goes */
	mkdir_aged(d->path, ".bundle.unpack-Ab12Yz7", 60); /* one character too many */
	mkdir_aged(d->path, ".bundle.unpack-Ab.2Yz", 60);  /* not what mkdtemp makes */
	mkdir_aged(d->path, ".bundle2.unpack-Ab12Yz", 60); /* another bundle's */
	mkdir_aged(d->path, ".bundle.unpack-future", -60); /* newer than this unpack */
	sheep_unpack_signals(&set);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	assert_int_equal(sheep_unpack(image, bundle, &opts, &c, &err), -1);
	sigprocmask(SIG_SETMASK, NULL, &after);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&set, sig))
			assert_false(sigismember(&after, sig));
	assert_string_equal(err->msg, "interrupted (SIGINT)");
	sheep_err_free(err);
	assert_int_equal(access(bundle, F_OK), -1);
	snprintf(cmd, sizeof(cmd),
		 "test \"$(ls -A '%s' | grep unpack- | sort | tr '\\n' ' ')\" = "
		 "'.bundle.unpack-Ab.2Yz .bundle.unpack-Ab12Yz7 .bundle.unpack-future "
		 ".bundle2.unpack-Ab12Yz '",
		 d->path);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_index),
	    cmocka_unit_test(test_parse_config_and_docker),
	    cmocka_unit_test(test_digest_check),
	    cmocka_unit_test_setup_teardown(test_blob_read, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_user, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_fill, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_env_cwd_user, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unpack_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unpack_cancel_and_stale, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
