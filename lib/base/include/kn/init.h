/* The init table: libraries register start-up work here instead of being
 * named by the boot code. Entries run in class order, then priority order
 * (0..99, lower first), after the heap exists and before main().
 * The linker script sorts the .kn_init.* sections by name, so the section
 * name encodes "<class><priority>". */
#ifndef KN_INIT_H
#define KN_INIT_H

#include <kn/compiler.h>

/* Classes, in the order they run. Early runs before the heap exists. */
#define KN_INIT_EARLY 1 /* no heap yet: platform fix-ups */
#define KN_INIT_HEAP 2  /* the allocator takes the memory map */
#define KN_INIT_PLAT 3  /* drivers that allocate: timers, devices */
#define KN_INIT_CORE 4  /* scheduler, time, console extras */
#define KN_INIT_LIB 5   /* ordinary libraries */
#define KN_INIT_FS 6    /* filesystems and mounts */
#define KN_INIT_LATE 7  /* last work before main */
/* On main's own thread, with the scheduler running, just before main:
 * work that may wait for something to happen (the network's address). */
#define KN_INIT_THREAD 8

struct kn_init_entry {
	int (*fn)(void); /* returns 0, or a negative errno that stops boot */
	const char *name;
	int cls;
};

#define KN_INIT_SECTION_(cls, prio) ".kn_init." #cls "." #prio
/* prio must be written with two digits (e.g. 05) so names sort right. */
#define KN_INIT(fn, cls, prio)                                                                     \
	static const struct kn_init_entry KN_CAT(__kn_init_, fn) KN_USED KN_ALIGNED(8)             \
		KN_SECTION(KN_INIT_SECTION_(cls, prio)) = {fn, #fn, cls}

/* Teardown work, run by kn_exit() before the platform exit (not on panic),
 * in the reverse order of the init table: libc flushes stdio (class LIB)
 * before the platform (class PLAT) is torn down. */
#define KN_FINI_SECTION_(cls, prio) ".kn_fini." #cls "." #prio
struct kn_fini_entry {
	void (*fn)(void);
	const char *name;
};

#define KN_FINI(fn, cls, prio)                                                                     \
	static const struct kn_fini_entry KN_CAT(__kn_fini_, fn) KN_USED KN_ALIGNED(8)             \
		KN_SECTION(KN_FINI_SECTION_(cls, prio)) = {fn, #fn}

#endif
