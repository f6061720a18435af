/* lwIP's port to Kiln: its clock, random numbers and the one libc
 * function its core calls. Memory comes from the heap (lwipopts.h). */
#include <kn/time.h>
#include "lwip/sys.h"
#include "kn_lwip_hooks.h"
#ifdef CONFIG_HAVE_POSIX_PROCESS
#include <kn/posix_process.h>
#endif

u32_t sys_now(void)
{
	return (u32_t)(kn_time_monotonic_ns() / KN_NSEC_PER_MSEC);
}

#ifndef CONFIG_HAVE_POSIX_PROCESS
/* xorshift64*, seeded from RDRAND when the CPU has it, else the TSC:
 * unpredictable enough for transaction IDs and initial sequence numbers
 * of an image without getrandom. */
static uint64_t kn_lwip_seed;

static uint64_t kn_lwip_seed_value(void)
{
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	uint64_t v = 0;
	unsigned char ok = 0;
	if (c & (1U << 30))
		__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok) : : "cc");
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return v ^ ((uint64_t)hi << 32 | lo) ^ 0x9e3779b97f4a7c15ULL;
}
#endif

uint32_t kn_lwip_rand(void)
{
#ifdef CONFIG_HAVE_POSIX_PROCESS
	uint32_t v;
	kn_random_bytes(&v, sizeof(v));
	return v;
#else
	if (!kn_lwip_seed)
		kn_lwip_seed = kn_lwip_seed_value() | 1;
	kn_lwip_seed ^= kn_lwip_seed >> 12;
	kn_lwip_seed ^= kn_lwip_seed << 25;
	kn_lwip_seed ^= kn_lwip_seed >> 27;
	return (uint32_t)((kn_lwip_seed * 0x2545f4914f6cdd1dULL) >> 32);
#endif
}

int kn_lwip_atoi(const char *s)
{
	int n = 0;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (*s++ - '0');
	return n;
}

/* RFC 6528 asks for an unpredictable number per connection; a fresh
 * random one per connection is that, and TIME_WAIT's recycling (short
 * MSL) needs nothing more of it. */
u32_t kn_lwip_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
		      u16_t remote_port)
{
	return kn_lwip_rand();
}
