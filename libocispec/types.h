/* libocispec/types.h: the field tables of the runtime-spec documents (types.c), for the public
 * functions in ocispec.c and for tests that compare documents with oci_equal().
 */
#ifndef OCISPEC_TYPES_H
#define OCISPEC_TYPES_H

#include "codec.h"

extern const struct oci_type oci_config_type;
extern const struct oci_type oci_process_type;
extern const struct oci_type oci_resources_type;
extern const struct oci_type oci_mount_type;
extern const struct oci_type oci_state_type;
extern const struct oci_type oci_features_type;
extern const struct oci_type oci_linux_type;
extern const struct oci_type oci_id_mapping_type;

extern const struct oci_enum oci_namespace_enum;
extern const struct oci_enum oci_seccomp_action_enum;
extern const struct oci_enum oci_seccomp_arch_enum;
extern const struct oci_enum oci_seccomp_flag_enum;
extern const struct oci_enum oci_seccomp_operator_enum;

#endif
