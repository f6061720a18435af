/* In-kernel tests of whichever allocator is in the image, on the real heap
 * the platform handed over at boot. */
#include <kn/alloc.h>
#include <kn/ktest.h>

KN_TEST(alloc, heap_is_consistent_after_boot)
{
	struct kn_alloc_stats st;
	kn_alloc_stats(&st);
	KN_EXPECT(st.total > 0);
	KN_EXPECT(st.free > 0 && st.free <= st.total);
	KN_EXPECT(kn_alloc_check() == 0);
}

KN_TEST(alloc, malloc_free_alignment_and_content)
{
	void *blocks[64];
	for (int i = 0; i < 64; i++) {
		size_t size = 1 + (size_t)i * 97;
		blocks[i] = kn_malloc(size);
		KN_ASSERT(blocks[i]);
		KN_EXPECT(((uintptr_t)blocks[i] & (KN_ALLOC_ALIGN - 1)) == 0);
		KN_EXPECT(kn_malloc_usable_size(blocks[i]) >= size);
		__builtin_memset(blocks[i], i, size);
	}
	for (int i = 0; i < 64; i++) {
		unsigned char *p = blocks[i];
		size_t size = 1 + (size_t)i * 97;
		KN_EXPECT(p[0] == i && p[size - 1] == i);
		kn_free(p);
	}
	KN_EXPECT(kn_alloc_check() == 0);
}

KN_TEST(alloc, memalign_palloc_realloc)
{
	void *a = kn_memalign(4096, 100);
	KN_ASSERT(a);
	KN_EXPECT(((uintptr_t)a & 4095) == 0);
	void *pages = kn_palloc(3);
	KN_ASSERT(pages);
	KN_EXPECT(((uintptr_t)pages & (KN_PAGE_SIZE - 1)) == 0);
	__builtin_memset(pages, 0xab, 3 * KN_PAGE_SIZE);
	char *r = kn_realloc(0, 10);
	KN_ASSERT(r);
	__builtin_memcpy(r, "123456789", 10);
	r = kn_realloc(r, 100000);
	KN_ASSERT(r);
	KN_EXPECT(__builtin_memcmp(r, "123456789", 10) == 0);
	kn_free(r);
	kn_pfree(pages, 3);
	kn_free(a);
	KN_EXPECT(kn_alloc_check() == 0);
}

KN_TEST(alloc, out_of_memory_returns_null)
{
	KN_EXPECT(kn_malloc((size_t)-1) == 0);
	KN_EXPECT(kn_calloc((size_t)1 << 40, (size_t)1 << 40) == 0);
	struct kn_alloc_stats st;
	kn_alloc_stats(&st);
	KN_EXPECT(kn_malloc(st.total + 1) == 0);
	KN_EXPECT(kn_alloc_check() == 0);
}
