/* What the scheduler needs from the rest of the kernel, on the host: a
 * fake clock that idling advances, page allocation from the C library,
 * and a kn_panic that exits with a recognizable status. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <kn/alloc.h>
#include <kn/arch.h>
#include <kn/console.h>
#include <kn/panic.h>
#include <kn/plat.h>
#include <kn/time.h>
#include "host_shim.h"

uint64_t fake_now;
long pages_live;
int idle_calls;
uintptr_t fake_tls;
int tls_loads;

void kn_arch_set_tls(uintptr_t base)
{
	fake_tls = base;
	tls_loads++;
}

uint64_t kn_time_monotonic_ns(void)
{
	return fake_now;
}

void (*idle_hook)(void);
void (*irq_poll_hook)(void);

void kn_plat_irq_poll(void)
{
	if (irq_poll_hook)
		irq_poll_hook();
}

void kn_plat_idle_until(uint64_t deadline)
{
	idle_calls++;
	if (idle_hook) { /* an interrupt comes first */
		idle_hook();
		return;
	}
	if (deadline == UINT64_MAX) {
		printf("FAIL: idled for ever\n");
		exit(3);
	}
	if (deadline > fake_now)
		fake_now = deadline;
}

/* The real host mprotect on the shim's page-aligned blocks: a stack handed
 * back to kn_pfree still guarded crashes the test (kn_pfree writes to every
 * page it takes back). */
long guards_live;

int kn_plat_protect(uintptr_t va, size_t len, int prot)
{
	int host = (prot & KN_PLAT_PROT_READ ? PROT_READ : 0) |
		   (prot & KN_PLAT_PROT_WRITE ? PROT_WRITE : 0) |
		   (prot & KN_PLAT_PROT_EXEC ? PROT_EXEC : 0);
	if (mprotect((void *)va, len, host))
		return -errno;
	guards_live += prot == KN_PLAT_PROT_NONE ? 1 : -1;
	return 0;
}

/* Backtraces ask before reading a frame; the host cannot tell cheaply. */
int kn_plat_protection(uintptr_t va)
{
	(void)va;
	return -ENOSYS;
}

void *kn_palloc(size_t n)
{
	void *p = aligned_alloc(KN_PAGE_SIZE, n * KN_PAGE_SIZE);
	if (p)
		pages_live += (long)n;
	return p;
}

void kn_pfree(void *p, size_t n)
{
	if (p) {
		for (size_t i = 0; i < n; i++) /* faults on a page left protected */
			((volatile char *)p)[i * KN_PAGE_SIZE] = 0;
		pages_live -= (long)n;
		free(p);
	}
}

void *kn_calloc(size_t n, size_t s)
{
	return calloc(n, s);
}
void kn_free(void *p)
{
	free(p);
}

int kn_printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void kn_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("PANIC: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	exit(PANIC_STATUS);
}
