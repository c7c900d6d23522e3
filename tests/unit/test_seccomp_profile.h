/* The docker-default-sized seccomp profile fixture of test_seccomp.c. */
#ifndef TEST_SECCOMP_PROFILE_H
#define TEST_SECCOMP_PROFILE_H

#include "ocispec.h"

struct oci_seccomp *test_profile_docker_like(void);
void test_profile_free(struct oci_seccomp *p);

#endif
