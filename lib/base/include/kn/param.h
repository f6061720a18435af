/* Kernel parameters: `lib.name=value` on the kernel command line (before
 * "--"; what follows "--" is the application's argv). A library declares a
 * parameter next to the variable it sets; boot parses the command line before
 * the init table runs. */
#ifndef KN_PARAM_H
#define KN_PARAM_H

#include <stdint.h>
#include <kn/compiler.h>

/* CALL: the parameter may come several times (a VMM's device list); each
 * value goes to a function, which returns 0 or -1 for a bad value. */
enum kn_param_type { KN_PARAM_BOOL, KN_PARAM_INT, KN_PARAM_U64, KN_PARAM_STR, KN_PARAM_CALL };
typedef int (*kn_param_fn)(const char *value);

struct kn_param {
	const char *lib;
	const char *name;
	enum kn_param_type type;
	void *var; /* BOOL, INT: int*; U64: uint64_t*; STR: const char **; CALL: kn_param_fn* */
	const char *help;
};

/* Reads a number at *s: decimal or 0x-hex, with an optional binary K/M/G
 * suffix, as parameter values take them (for CALL parameters that parse
 * their own syntax); *s moves past it. 0, or -1 when there is no number
 * or it overflows 64 bits. */
KN_API_BEGIN
int kn_param_parse_u64(const char **s, uint64_t *out);
KN_API_END

#define KN_PARAM(lib, name, type, var, help)                                                       \
	static const struct kn_param KN_CAT(__kn_param_##lib##_, name) KN_USED KN_ALIGNED(8)       \
		KN_SECTION(".kn_params") = {#lib, #name, type, &(var), help}

#endif
