/* getrandom: a ChaCha20 generator with fast key erasure (the key is
 * replaced after every request, so a later state leak does not reveal
 * earlier output). Keyed from RDSEED/RDRAND when CPUID offers them, always
 * mixed with TSC jitter and the clocks, and RDRAND is mixed in again on
 * every request. */
#include <kn/arch.h>
#include <kn/errno.h>
#include <kn/posix_process.h>
#include <kn/syscall.h>
#include <kn/time.h>
#include "chacha20.h"

/* Linux returns at most this much per call (33554431 bytes). */
#define GETRANDOM_MAX ((1u << 25) - 1)

static uint32_t key[8];
static uint32_t nonce[3];
static int seeded, has_rdrand;

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/* RDRAND may transiently fail (CF clear); give up after a few tries. */
static int rdrand64(uint64_t *v)
{
	for (int i = 0; i < 10; i++) {
		unsigned char ok;
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
		if (ok)
			return 1;
	}
	return 0;
}

/* Replaces the key with keystream of (old key xor input): every input
 * word changes the whole key. */
static void absorb(const uint32_t in[8])
{
	uint32_t k[8];
	uint8_t out[64];
	for (int i = 0; i < 8; i++)
		k[i] = key[i] ^ in[i];
	kn_chacha20_block(k, 0xffffffffu, nonce, out);
	for (int i = 0; i < 8; i++)
		key[i] = (uint32_t)out[4 * i] | (uint32_t)out[4 * i + 1] << 8 |
			 (uint32_t)out[4 * i + 2] << 16 | (uint32_t)out[4 * i + 3] << 24;
	__builtin_memset(k, 0, sizeof(k));
	__builtin_memset(out, 0, sizeof(out));
}

static void mix_rdrand(void)
{
	uint32_t in[8] = {0};
	for (int i = 0; i < 8; i += 2) {
		uint64_t v;
		if (!rdrand64(&v))
			return;
		in[i] = (uint32_t)v;
		in[i + 1] = (uint32_t)(v >> 32);
	}
	absorb(in);
}

/* Timing jitter: the low bits of TSC deltas around memory accesses vary
 * with caches, interrupts and the host's scheduling. 64 words of deltas
 * are absorbed along with the clocks. */
static void mix_jitter(void)
{
	static volatile uint8_t scratch[4096];
	uint32_t in[8];
	for (int round = 0; round < 8; round++) {
		for (int i = 0; i < 8; i++) {
			uint64_t t0 = kn_arch_rdtsc();
			for (int j = 0; j < 64; j++)
				scratch[(t0 + (uint64_t)j * 67) & 4095] += (uint8_t)j;
			uint64_t t1 = kn_arch_rdtsc();
			in[i] = (uint32_t)(t1 - t0) ^ (uint32_t)(t1 << 13) ^ (uint32_t)(t0 >> 7);
		}
		uint64_t w = kn_time_wall_ns(), m = kn_time_monotonic_ns();
		in[0] ^= (uint32_t)w;
		in[1] ^= (uint32_t)(w >> 32);
		in[2] ^= (uint32_t)m;
		in[3] ^= (uint32_t)(uintptr_t)&in;
		absorb(in);
	}
}

static void seed(void)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	if (r[0] >= 1) {
		cpuid(1, 0, r);
		has_rdrand = (r[2] >> 30) & 1;
	}
	mix_jitter();
	if (has_rdrand)
		mix_rdrand();
	seeded = 1;
}

void kn_random_bytes(void *buf, size_t n)
{
	if (!seeded)
		seed();
	else if (has_rdrand)
		mix_rdrand();
	uint8_t *p = buf, block[64];
	uint32_t counter = 0;
	nonce[0]++; /* each request its own stream, even before rekeying */
	while (n) {
		if (counter == 0xfffffffeu) { /* 256 GiB: rekey rather than wrap */
			uint32_t none[8] = {0};
			absorb(none);
			counter = 0;
		}
		kn_chacha20_block(key, counter++, nonce, block);
		size_t take = n < 64 ? n : 64;
		__builtin_memcpy(p, block, take);
		p += take;
		n -= take;
	}
	uint32_t none[8] = {0};
	absorb(none); /* fast key erasure */
	__builtin_memset(block, 0, sizeof(block));
}

KN_SYSCALL(getrandom)(void *buf, size_t len, unsigned flags)
{
	if (flags & ~(KN_GRND_NONBLOCK | KN_GRND_RANDOM | KN_GRND_INSECURE))
		return -KN_EINVAL;
	if ((flags & KN_GRND_INSECURE) && (flags & KN_GRND_RANDOM))
		return -KN_EINVAL;
	if (len > GETRANDOM_MAX)
		len = GETRANDOM_MAX;
	if (!len)
		return 0;
	if (kn_user_writable(buf, len))
		return -KN_EFAULT;
	/* The pool is ready from the first call, so no flag ever blocks. */
	kn_random_bytes(buf, len);
	return (long)len;
}
