/* The FS base really reaches the host thread. */
#include <kn/arch.h>
#include <kn/ktest.h>
#include <kn/linuxu_syscall.h>

#define ARCH_GET_FS 0x1003

static uintptr_t host_fs(void)
{
	uintptr_t v = 1;
	kn_linuxu_syscall(KN_SYS_arch_prctl, ARCH_GET_FS, &v, 0);
	return v;
}

KN_TEST(plat_linuxu, fs_base_is_loaded)
{
	uintptr_t saved = host_fs();
	static const uintptr_t values[] = {0x123456789000, 0, 0x7fffffff0000};
	for (unsigned i = 0; i < KN_ARRAY_SIZE(values); i++) {
		kn_arch_set_tls(values[i]);
		KN_EXPECT(host_fs() == values[i]);
	}
	kn_arch_set_tls(saved);
}
