/* The memory functions the compiler may call on its own (freestanding C
 * requires memcpy, memmove, memset and memcmp; __builtin_strlen may become
 * strlen). They are weak so a libc's faster versions replace them, and the
 * kernel still links when the image has no libc at all. */
#include <stddef.h>
#include <kn/compiler.h>

/* no-tree-loop-distribute-patterns: the loops below must not be turned
 * back into calls to the very functions they implement. */
#define KN_NO_LIBCALL_LOOPS optimize("no-tree-loop-distribute-patterns")
#define KN_MEM_FN KN_WEAK __attribute__((visibility("default"), KN_NO_LIBCALL_LOOPS))

KN_MEM_FN void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *ret = dst;
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	return ret;
}

KN_MEM_FN void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlapping with dst above src: copy backwards. */
	unsigned char *d_last = d + n - 1;
	const unsigned char *s_last = s + n - 1;
	__asm__ volatile("std\n\trep movsb\n\tcld"
			 : "+D"(d_last), "+S"(s_last), "+c"(n)
			 :
			 : "memory");
	return dst;
}

KN_MEM_FN void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;
	__asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
	return ret;
}

KN_MEM_FN int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

KN_MEM_FN size_t strlen(const char *s)
{
	const char *p = s;
	while (*p)
		p++;
	return p - s;
}
