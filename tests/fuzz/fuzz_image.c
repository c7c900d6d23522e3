/* Fuzz target: the image-spec documents sheep-oci unpack reads from an untrusted image: oci-layout,
 * index.json, manifests, image configs and docker-archive manifest.json. Every input goes through
 * every parser; each must either return a document or an error message, never both or neither. */
#include "fuzz.h"
#include "image.h"

#define PARSE(parse, free_fn, name)                                                                \
	do {                                                                                       \
		char *error = NULL;                                                                \
		void *doc = parse((const char *)data, size, name, &error);                         \
		if ((doc == NULL) == (error == NULL))                                              \
			abort();                                                                   \
		free(error);                                                                       \
		free_fn(doc);                                                                      \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	PARSE(oci_image_layout_parse_data, oci_image_layout_free, "oci-layout");
	PARSE(oci_image_index_parse_data, oci_image_index_free, "index.json");
	PARSE(oci_image_manifest_parse_data, oci_image_manifest_free, "manifest");
	PARSE(oci_image_config_parse_data, oci_image_config_free, "config");
	PARSE(oci_docker_archive_manifest_parse_data, oci_docker_archive_manifest_free,
	      "manifest.json");
	return 0;
}
