/* Names of seccomp actions, comparison operators, architectures and filter flags as the runtime-spec
 * writes them (config-linux.md#seccomp: "strings that match the definitions in seccomp.h from
 * libseccomp"), their values, and the NULL-terminated lists that `sheep-oci features` reports. */
#include <linux/seccomp.h>
#include <string.h>

#include "core/seccomp.h"
#include "core/security/seccomp_names.h"
#include "util/cleanup.h"

struct name_value {
	const char *name;
	uint32_t value;
};

/* SCMP_ACT_KILL is the historical name of KILL_THREAD (the kernel's SECCOMP_RET_KILL). */
static const struct name_value actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
};

static const struct name_value operators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* The architectures of runtime-spec 1.2 that the installed libseccomp (>= 2.5) can build for. */
static const struct name_value arches[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
};

/* The flags of runtime-spec 1.2; NEW_LISTENER and TSYNC_ESRCH are set by the runtime itself. */
static const struct name_value flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

const char *const sheep_seccomp_action_names[] = {
    "SCMP_ACT_KILL",	    "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO",	    "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW",	    "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",	    NULL,
};

const char *const sheep_seccomp_operator_names[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",	"SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

const char *const sheep_seccomp_arch_names[] = {
    "SCMP_ARCH_X86",	 "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",		"SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",	"SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",	 "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",	 "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",	"SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",	 "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",	NULL,
};

const char *const sheep_seccomp_flag_names[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NULL,
};

static int lookup(const struct name_value *table, size_t len, const char *name, uint32_t *ret)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (strcmp(table[i].name, name) == 0) {
			*ret = table[i].value;
			return 0;
		}
	}
	return -1;
}

int sheep_seccomp_action_lookup(const char *name, uint32_t *ret_action)
{
	return lookup(actions, ARRAY_SIZE(actions), name, ret_action);
}

bool sheep_seccomp_action_takes_errno(uint32_t action)
{
	uint32_t kind = action & 0xffff0000u;

	return kind == SCMP_ACT_ERRNO(0) || kind == SCMP_ACT_TRACE(0);
}

int sheep_seccomp_op_lookup(const char *name, enum scmp_compare *ret_op)
{
	uint32_t v;

	if (lookup(operators, ARRAY_SIZE(operators), name, &v) < 0)
		return -1;
	*ret_op = (enum scmp_compare)v;
	return 0;
}

int sheep_seccomp_arch_lookup(const char *name, uint32_t *ret_arch)
{
	return lookup(arches, ARRAY_SIZE(arches), name, ret_arch);
}

int sheep_seccomp_flag_lookup(const char *name, unsigned int *ret_flag)
{
	uint32_t v;

	if (lookup(flags, ARRAY_SIZE(flags), name, &v) < 0)
		return -1;
	*ret_flag = v;
	return 0;
}
