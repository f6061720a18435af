/* The heap: one anonymous mapping, reserved (not committed) at boot. */
#include <stdint.h>
#include <kn/config.h>
#include <kn/param.h>
#include <kn/plat.h>
#include "linuxu.h"

#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 0x02
#define MAP_ANONYMOUS 0x20
#define MAP_NORESERVE 0x4000

static uint64_t heap_bytes = (uint64_t)CONFIG_PLAT_LINUXU_HEAP_SIZE << 20;
KN_PARAM(linuxu, mem, KN_PARAM_U64, heap_bytes, "heap size in bytes (K/M/G suffixes allowed)");

size_t kn_plat_mem_regions(struct kn_mem_region *out, size_t max)
{
	static uintptr_t heap;
	if (!heap) {
		long p =
			kn_linuxu_syscall6(KN_SYS_mmap, 0, (long)heap_bytes, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p < 0 && p > -4096)
			return 0; /* boot reports that there is no memory */
		heap = (uintptr_t)p;
	}
	if (max)
		out[0] = (struct kn_mem_region){heap, (size_t)heap_bytes};
	return 1;
}
