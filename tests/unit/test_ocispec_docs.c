/* Unit tests of libocispec's other documents: the container state, the runtime features document
 * and bare process documents (`exec --process`). Written output is also checked with jq.
 */
#include <fcntl.h>
#include <unistd.h>

#include "test_ocispec.h"
#include "types.h"

/* a string literal and its length */
#define LIT(s) s, strlen(s)

static char *read_fixture(const char *name, size_t *ret_len)
{
	char path[512];
	FILE *f;
	char *buf = malloc(1 << 16);

	snprintf(path, sizeof(path), "%s/%s", OCISPEC_FIXTURES, name);
	f = fopen(path, "re");
	assert_non_null(f);
	assert_non_null(buf);
	*ret_len = fread(buf, 1, (1 << 16) - 1, f);
	buf[*ret_len] = '\0';
	fclose(f);
	return buf;
}

/* jq must accept what the writer produced, and see the same document as `expected_file`. */
static void assert_jq_same(const char *json, const char *expected_file)
{
	char path[] = "/tmp/test_ocispec_jq_XXXXXX", cmd[1024];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "jq -e . %s >/dev/null && [ \"$(jq -S -c . %s)\" = \"$(jq -S -c . %s/%s)\" ]",
		 path, path, OCISPEC_FIXTURES, expected_file);
	assert_int_equal(system(cmd), 0);
	unlink(path);
}

static void test_state(void **state)
{
	size_t len;
	char *data = read_fixture("state.json", &len), *err = NULL, *json;
	struct oci_state *s = oci_state_parse_data(data, len, "state.json", &err), *back;

	assert_non_null(s);
	assert_string_equal(s->oci_version, "1.3.0");
	assert_string_equal(s->id, "web1");
	assert_string_equal(s->status, "running");
	assert_true(s->has_pid && s->pid == 4422);
	assert_string_equal(s->bundle, "/var/lib/sheep/bundles/web1");
	assert_string_equal(oci_map_get(s->annotations, "org.example.owner"), "shepherd");
	json = oci_state_to_json(s, &len, &err);
	assert_non_null(json);
	assert_jq_same(json, "state.json");
	back = oci_state_parse_data(json, len, "state.json", &err);
	assert_true(oci_equal(&oci_state_type, s, back));
	oci_state_free(back);
	free(json);
	oci_state_free(s);
	free(data);
}

static void test_state_file_fd_and_no_pid(void **state)
{
	char *err = NULL, *json;
	int fd = open(OCISPEC_FIXTURES "/state.json", O_RDONLY | O_CLOEXEC);
	struct oci_state *s = oci_state_parse_fd(fd, "state.json", &err);
	struct oci_state *f = oci_state_parse_file(OCISPEC_FIXTURES "/state.json", "state", &err);
	struct oci_state creating = {
	    .oci_version = "1.3.0", .id = "a", .status = "creating", .bundle = "/b"};

	close(fd);
	assert_non_null(s);
	assert_non_null(f);
	assert_true(oci_equal(&oci_state_type, s, f));
	oci_state_free(s);
	oci_state_free(f);
	/* no pid yet: none written */
	json = oci_state_to_json(&creating, NULL, &err);
	assert_string_equal(json, "{\n\t\"ociVersion\": \"1.3.0\",\n\t\"id\": \"a\",\n"
				  "\t\"status\": \"creating\",\n\t\"bundle\": \"/b\"\n}\n");
	free(json);
}

/* runc's "paused" (not in the schema) reads back: sheep-oci writes it for a frozen container */
static void test_state_paused(void **state)
{
	static const char paused[] = "{\"ociVersion\": \"1.0.0\", \"id\": \"a\", \"status\": "
				     "\"paused\", \"pid\": 1, \"bundle\": \"/b\"}";
	char *err = NULL;
	struct oci_state *s = oci_state_parse_data(LIT(paused), "state.json", &err);

	assert_non_null(s);
	assert_string_equal(s->status, "paused");
	oci_state_free(s);
}

static void expect_state_error(const char *json, const char *want)
{
	char *err = NULL;

	assert_null(oci_state_parse_data(json, strlen(json), "state.json", &err));
	assert_string_equal(err, want);
	free(err);
}

static void test_state_errors(void **state)
{
	expect_state_error("{\"ociVersion\": \"1.0.0\", \"id\": \"a\", \"status\": \"frozen\", "
			   "\"bundle\": \"/b\"}",
			   "state.json: status: unknown status 'frozen'");
	expect_state_error(
	    "{\"ociVersion\": \"1.0.0\", \"status\": \"created\", \"bundle\": \"/b\"}",
	    "state.json: id: required");
	expect_state_error("{\"ociVersion\": \"1.0.0\", \"id\": \"a\", \"status\": \"created\"}",
			   "state.json: bundle: required");
	expect_state_error("{\"ociVersion\": \"1.0.0\", \"id\": \"a\", \"status\": \"created\", "
			   "\"bundle\": \"/b\", \"pid\": -1}",
			   "state.json: pid: pid -1 out of range (minimum 0)");
	expect_state_error("{\"id\": \"a\", \"id\": \"b\"}",
			   "state.json: duplicate key 'id' at byte 12");
}

static void test_features(void **state)
{
	size_t len;
	char *data = read_fixture("features.json", &len), *err = NULL, *json;
	struct oci_features *f = oci_features_parse_data(data, len, "features.json", &err), *back;
	const struct oci_features_linux *l;

	assert_non_null(f);
	l = f->linux_;
	assert_string_equal(f->oci_version_min, "1.0.0");
	assert_string_equal(f->oci_version_max, "1.3.0");
	assert_int_equal(f->hooks_len, 6);
	assert_string_equal(f->mount_options[4], "idmap");
	assert_string_equal(oci_map_get(f->annotations, "org.sheep-oci.commit"), "unknown");
	assert_string_equal(f->potentially_unsafe_config_annotations[1],
			    "run.oci.keep_original_groups");
	assert_int_equal(l->namespaces_len, 8);
	assert_string_equal(l->capabilities[1], "CAP_KILL");
	assert_true(l->cgroup->has_v1 && l->cgroup->v1 && l->cgroup->has_systemd_user);
	assert_false(l->cgroup->systemd);
	assert_true(l->cgroup->has_rdma && l->cgroup->rdma);
	assert_true(l->seccomp->has_enabled && l->seccomp->enabled);
	assert_string_equal(l->seccomp->actions[2], "SCMP_ACT_NOTIFY");
	assert_string_equal(l->seccomp->operators[1], "SCMP_CMP_MASKED_EQ");
	assert_string_equal(l->seccomp->archs[1], "SCMP_ARCH_AARCH64");
	assert_int_equal(l->seccomp->known_flags_len, 2);
	assert_string_equal(l->seccomp->supported_flags[0], "SECCOMP_FILTER_FLAG_LOG");
	assert_true(l->apparmor->has_enabled && !l->apparmor->enabled);
	assert_true(l->selinux->enabled);
	assert_false(l->intel_rdt->has_enabled);
	assert_true(l->idmap_mounts->has_enabled && l->idmap_mounts->enabled);
	assert_true(l->net_devices->enabled);
	json = oci_features_to_json(f, &len, &err);
	assert_non_null(json);
	assert_jq_same(json, "features.json");
	back = oci_features_parse_data(json, len, "features.json", &err);
	assert_true(oci_equal(&oci_features_type, f, back));
	oci_features_free(back);
	free(json);
	oci_features_free(f);
	free(data);
}

static void test_features_minimal_and_errors(void **state)
{
	static const char min[] = "{\"ociVersionMin\": \"1.0.0\", \"ociVersionMax\": \"1.3.0\", "
				  "\"linux\": {\"mountExtensions\": {}}}";
	char *err = NULL, *json;
	struct oci_features *f = oci_features_parse_data(min, strlen(min), "features.json", &err);

	assert_non_null(f);
	assert_null(f->linux_->idmap_mounts);
	/* nothing inside mountExtensions: the key is not written */
	json = oci_features_to_json(f, NULL, &err);
	assert_string_equal(json,
			    "{\n\t\"ociVersionMin\": \"1.0.0\",\n\t\"ociVersionMax\": \"1.3.0\","
			    "\n\t\"linux\": {\n\n\t}\n}\n");
	free(json);
	oci_features_free(f);
	assert_null(
	    oci_features_parse_data(LIT("{\"ociVersionMin\": \"1.0.0\"}"), "features.json", &err));
	assert_string_equal(err, "features.json: ociVersionMax: required");
	free(err);
	assert_null(oci_features_parse_data(
	    LIT("{\"ociVersionMin\": \"1.0.0\", \"ociVersionMax\": \"1.3.0\", \"linux\": "
		"{\"mountExtensions\": {\"idmap\": {\"enabled\": 1}}}}"),
	    "features.json", &err));
	assert_string_equal(err,
			    "features.json: linux.mountExtensions.idmap.enabled: expected boolean, "
			    "got number");
	free(err);
}

static void test_process(void **state)
{
	char *err = NULL;
	struct oci_process *p =
	    oci_process_parse_file(OCISPEC_FIXTURES "/process.json", "process.json", &err);
	static const char bad[] = "{\"cwd\": \"/\", \"args\": \"sh\"}";

	assert_non_null(p);
	assert_true(p->has_user);
	assert_int_equal(p->user.uid, 33);
	assert_int_equal(p->user.additional_gids[0], 4);
	assert_string_equal(p->args[2], "echo baa");
	assert_null(p->args[3]);
	assert_string_equal(p->cwd, "/");
	assert_string_equal(p->capabilities->bounding[0], "CAP_KILL");
	assert_true(p->no_new_privileges);
	assert_int_equal(p->rlimits[0].soft, 64);
	oci_process_free(p);
	/* paths in errors start at the top of the process file */
	assert_null(oci_process_parse_data(bad, strlen(bad), "process.json", &err));
	assert_string_equal(err, "process.json: args: expected array, got string");
	free(err);
	assert_null(oci_process_parse_data(LIT("{\"args\": []}"), "process.json", &err));
	assert_string_equal(err, "process.json: cwd: required");
	free(err);
	assert_null(oci_process_parse_data(LIT("{\"cwd\": \"/\", \"user\": {\"uid\": -5}}"),
					   "process.json", &err));
	assert_string_equal(err, "process.json: user.uid: number -5 out of range for uint32");
	free(err);
	assert_null(oci_process_parse_file("/nonexistent", "process.json", &err));
	assert_string_equal(err, "process.json: open '/nonexistent': No such file or directory");
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_state),	 cmocka_unit_test(test_state_file_fd_and_no_pid),
	    cmocka_unit_test(test_state_paused), cmocka_unit_test(test_state_errors),
	    cmocka_unit_test(test_features),	 cmocka_unit_test(test_features_minimal_and_errors),
	    cmocka_unit_test(test_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
