/* libocispec/checks.h: per-field validators used by the field tables (see codec.h). */
#ifndef OCISPEC_CHECKS_H
#define OCISPEC_CHECKS_H

#include "codec.h"

int oci_check_file_mode(struct oci_decoder *d, const void *v);
int oci_check_hook_timeout(struct oci_decoder *d, const void *v);
int oci_check_pid(struct oci_decoder *d, const void *v);
int oci_check_rlimit_type(struct oci_decoder *d, const void *v);
int oci_check_page_size(struct oci_decoder *d, const void *v);
int oci_check_cpu_list(struct oci_decoder *d, const void *v);
int oci_check_mem_bw_schema(struct oci_decoder *d, const void *v);
int oci_check_not_empty(struct oci_decoder *d, const void *v);
int oci_check_version(struct oci_decoder *d, const void *v);

#endif
