/* In-kernel tests of the time API, against whichever platform provides it. */
#include <kn/ktest.h>
#include <kn/plat.h>
#include <kn/time.h>

KN_TEST(time, monotonic_never_goes_back)
{
	uint64_t prev = kn_time_monotonic_ns();
	for (int i = 0; i < 100000; i++) {
		uint64_t now = kn_time_monotonic_ns();
		KN_ASSERT(now >= prev);
		prev = now;
	}
	KN_EXPECT(prev > 0);
}

KN_TEST(time, idle_until_reaches_the_deadline)
{
	uint64_t deadline = kn_time_monotonic_ns() + 3 * KN_NSEC_PER_MSEC;
	while (kn_time_monotonic_ns() < deadline)
		kn_plat_idle_until(deadline);
	uint64_t late = kn_time_monotonic_ns() - deadline;
	KN_EXPECT(late < 50 * KN_NSEC_PER_MSEC);
}

KN_TEST(time, wall_clock_is_current_and_settable)
{
	const uint64_t y2024 = 1704067200ULL * KN_NSEC_PER_SEC;
	const uint64_t y2100 = 4102444800ULL * KN_NSEC_PER_SEC;
	uint64_t wall = kn_time_wall_ns();
	KN_EXPECT(wall > y2024 && wall < y2100);
	kn_time_set_wall_ns(y2100);
	uint64_t moved = kn_time_wall_ns();
	KN_EXPECT(moved >= y2100 && moved - y2100 < KN_NSEC_PER_SEC);
	kn_time_set_wall_ns(wall);
	KN_EXPECT(kn_time_wall_ns() - wall < KN_NSEC_PER_SEC);
}
