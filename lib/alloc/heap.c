/* Shared by every alloc implementation: at boot, hand the platform's free
 * RAM to the allocator (init class HEAP, before anything allocates). */
#include <kn/alloc.h>
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/init.h>
#include <kn/plat.h>

static int kn_heap_init(void)
{
	struct kn_mem_region regions[32];
	size_t n = kn_plat_mem_regions(regions, KN_ARRAY_SIZE(regions));
	size_t total = 0;
	if (n > KN_ARRAY_SIZE(regions)) {
		kn_printk("kn: warning: %lu memory regions, using the first %lu\n",
			  (unsigned long)n, (unsigned long)KN_ARRAY_SIZE(regions));
		n = KN_ARRAY_SIZE(regions);
	}
	for (size_t i = 0; i < n; i++)
		total += kn_alloc_add_region((void *)regions[i].base, regions[i].len);
	return total ? 0 : -KN_ENOMEM; /* no usable RAM at all */
}
KN_INIT(kn_heap_init, KN_INIT_HEAP, 00);
