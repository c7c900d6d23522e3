/* libocispec/ocispec.c: the public functions of ocispec.h, each a thin binding of one document
 * type's field table to the shared reader (json.c), decoder (decode.c) and writer (encode.c).
 */
#include <stdlib.h>
#include <string.h>

#include "ocispec.h"
#include "types.h"

static void *parse_fd(int fd, const char *name, const struct oci_type *t, char **ret_error)
{
	char *data = NULL;
	size_t len = 0;
	void *obj;

	if (oci_json_read_fd(fd, name, &data, &len, ret_error) < 0)
		return NULL;
	obj = oci_decode_document(data, len, name, t, ret_error);
	free(data);
	return obj;
}

static void *parse_file(const char *path, const char *name, const struct oci_type *t,
			char **ret_error)
{
	char *data = NULL;
	size_t len = 0;
	void *obj;

	if (oci_json_read_file(path, name, &data, &len, ret_error) < 0)
		return NULL;
	obj = oci_decode_document(data, len, name, t, ret_error);
	free(data);
	return obj;
}

static void free_document(const struct oci_type *t, void *obj)
{
	oci_free_fields(t, obj);
	free(obj);
}

struct oci_config *oci_config_parse_data(const char *data, size_t len, const char *name,
					 char **ret_error)
{
	return oci_decode_document(data, len, name, &oci_config_type, ret_error);
}

struct oci_config *oci_config_parse_file(const char *path, const char *name, char **ret_error)
{
	return parse_file(path, name, &oci_config_type, ret_error);
}

struct oci_config *oci_config_parse_fd(int fd, const char *name, char **ret_error)
{
	return parse_fd(fd, name, &oci_config_type, ret_error);
}

char *oci_config_to_json(const struct oci_config *config, size_t *ret_len, char **ret_error)
{
	return oci_encode_document(&oci_config_type, config, "config", ret_len, ret_error);
}

void oci_config_free(struct oci_config *config)
{
	free_document(&oci_config_type, config);
}

struct oci_state *oci_state_parse_data(const char *data, size_t len, const char *name,
				       char **ret_error)
{
	return oci_decode_document(data, len, name, &oci_state_type, ret_error);
}

struct oci_state *oci_state_parse_file(const char *path, const char *name, char **ret_error)
{
	return parse_file(path, name, &oci_state_type, ret_error);
}

struct oci_state *oci_state_parse_fd(int fd, const char *name, char **ret_error)
{
	return parse_fd(fd, name, &oci_state_type, ret_error);
}

char *oci_state_to_json(const struct oci_state *state, size_t *ret_len, char **ret_error)
{
	return oci_encode_document(&oci_state_type, state, "state", ret_len, ret_error);
}

void oci_state_free(struct oci_state *state)
{
	free_document(&oci_state_type, state);
}

struct oci_features *oci_features_parse_data(const char *data, size_t len, const char *name,
					     char **ret_error)
{
	return oci_decode_document(data, len, name, &oci_features_type, ret_error);
}

char *oci_features_to_json(const struct oci_features *features, size_t *ret_len, char **ret_error)
{
	return oci_encode_document(&oci_features_type, features, "features", ret_len, ret_error);
}

void oci_features_free(struct oci_features *features)
{
	free_document(&oci_features_type, features);
}

struct oci_process *oci_process_parse_data(const char *data, size_t len, const char *name,
					   char **ret_error)
{
	return oci_decode_document(data, len, name, &oci_process_type, ret_error);
}

struct oci_process *oci_process_parse_file(const char *path, const char *name, char **ret_error)
{
	return parse_file(path, name, &oci_process_type, ret_error);
}

void oci_process_free(struct oci_process *process)
{
	free_document(&oci_process_type, process);
}

void oci_mount_clear(struct oci_mount *mount)
{
	if (mount == NULL)
		return;
	oci_free_fields(&oci_mount_type, mount);
	memset(mount, 0, sizeof(*mount));
}

struct oci_resources *oci_resources_parse_data(const char *data, size_t len, const char *name,
					       char **ret_error)
{
	return oci_decode_document(data, len, name, &oci_resources_type, ret_error);
}

void oci_resources_free(struct oci_resources *resources)
{
	free_document(&oci_resources_type, resources);
}

const char *oci_map_get(const struct oci_map *map, const char *key)
{
	if (map == NULL || key == NULL)
		return NULL;
	for (size_t i = 0; i < map->len; i++)
		if (map->keys[i] != NULL && strcmp(map->keys[i], key) == 0)
			return map->values[i];
	return NULL;
}
