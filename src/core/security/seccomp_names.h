/* Private to src/core/security: the string <-> libseccomp/kernel value tables behind seccomp.c,
 * exposed so that unit tests can check every translation. */
#ifndef SHEEP_CORE_SECURITY_SECCOMP_NAMES_H
#define SHEEP_CORE_SECURITY_SECCOMP_NAMES_H

#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>

/* Entries of sheep_seccomp_flag_names (without the NULL). */
#define SHEEP_SECCOMP_FLAG_COUNT 4

/* The libseccomp action for an SCMP_ACT_* name, without its errno/trace data. -1 when unknown. */
int sheep_seccomp_action_lookup(const char *name, uint32_t *ret_action);
/* SCMP_ACT_ERRNO and SCMP_ACT_TRACE carry a 16-bit return value (errnoRet). */
bool sheep_seccomp_action_takes_errno(uint32_t action);
/* The comparison for an SCMP_CMP_* name. -1 when unknown. */
int sheep_seccomp_op_lookup(const char *name, enum scmp_compare *ret_op);
/* The libseccomp arch token (AUDIT_ARCH_*) for an SCMP_ARCH_* name. -1 when unknown. */
int sheep_seccomp_arch_lookup(const char *name, uint32_t *ret_arch);
/* The seccomp(2) SECCOMP_FILTER_FLAG_* bit for a flag name. -1 when unknown. */
int sheep_seccomp_flag_lookup(const char *name, unsigned int *ret_flag);

#endif
