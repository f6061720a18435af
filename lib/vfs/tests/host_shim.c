/* Host shim for the vfs unit tests: the kernel services vfs uses. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <kn/alloc.h>
#include <kn/console.h>
#include <kn/console_input.h>
#include <kn/errno.h>
#include <kn/syscall.h>
#include <kn/time.h>
#include <kn/vfs.h>

long live_allocs;

void *kn_malloc(size_t n)
{
	live_allocs++;
	return malloc(n ? n : 1);
}

void *kn_calloc(size_t a, size_t b)
{
	live_allocs++;
	return calloc(a ? a : 1, b ? b : 1);
}

void *kn_realloc(void *p, size_t n)
{
	if (!p)
		live_allocs++;
	return realloc(p, n ? n : 1);
}

void kn_free(void *p)
{
	if (p)
		live_allocs--;
	free(p);
}

void kn_console_write(const char *s, size_t n)
{
	fwrite(s, 1, n, stdout);
}

void kn_console_write_err(const char *s, size_t n)
{
	fwrite(s, 1, n, stderr);
}

/* No console input on the host: end of input at once, always ready. */
long kn_console_read(void *buf, size_t n)
{
	return 0;
}

int kn_console_input_ready(void)
{
	return 1;
}

void kn_console_input_wait(void)
{
}

struct kn_waitq *kn_console_input_waitq(void)
{
	return 0;
}

/* readiness.c's, for the tests that link devfs without it. */
KN_WEAK void kn_poll_register(struct kn_poll_table *pt, struct kn_waitq *q)
{
}

int kn_user_access(const void *ptr, size_t len, int access)
{
	uintptr_t p = (uintptr_t)ptr;
	return p < 4096 || p + len < p ? -KN_EFAULT : 0;
}

uint64_t kn_time_wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * KN_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

void kn_alloc_stats(struct kn_alloc_stats *st)
{
	st->total = 64 << 20;
	st->free = 48 << 20;
	st->allocated = 16 << 20;
	st->allocs = (size_t)live_allocs;
}
