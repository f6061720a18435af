/* N threads, created longest sleeper first, each sleeping a different
 * time: they must wake shortest first, and none before its deadline. */
#include <stdio.h>
#include <stdlib.h>
#include <kn/sched.h>
#include <kn/time.h>

#define STEP_MS 20

struct sleeper {
	int id;
	int sleep_ms;
	uint64_t woke_after_ns;
};

static int wake_order[64];
static int woken;

static void *sleeper_main(void *arg)
{
	struct sleeper *s = arg;
	uint64_t start = kn_time_monotonic_ns();
	kn_sleep_ns((uint64_t)s->sleep_ms * KN_NSEC_PER_MSEC);
	s->woke_after_ns = kn_time_monotonic_ns() - start;
	wake_order[woken++] = s->id;
	printf("thread %d woke after %d ms\n", s->id, s->sleep_ms);
	return s;
}

int main(int argc, char *argv[])
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	if (n < 1 || n > 64) {
		printf("usage: threads [N (1..64)]\n");
		return 2;
	}
	struct sleeper sleepers[64];
	struct kn_thread *threads[64];
	for (int i = 0; i < n; i++) {
		sleepers[i] = (struct sleeper){.id = i, .sleep_ms = (n - i) * STEP_MS};
		threads[i] = kn_thread_create("sleeper", sleeper_main, &sleepers[i], 0);
		if (!threads[i]) {
			printf("cannot create thread %d\n", i);
			return 1;
		}
	}
	int failures = 0;
	for (int i = 0; i < n; i++) {
		void *ret;
		if (kn_thread_join(threads[i], &ret) != 0 || ret != &sleepers[i])
			failures++;
		if (sleepers[i].woke_after_ns < (uint64_t)sleepers[i].sleep_ms * KN_NSEC_PER_MSEC) {
			printf("thread %d woke early\n", i);
			failures++;
		}
	}
	for (int i = 0; i < n; i++)
		if (wake_order[i] != n - 1 - i) {
			printf("wrong order: position %d is thread %d\n", i, wake_order[i]);
			failures++;
		}
	printf(failures ? "threads: FAILED\n" : "threads: %d woke in order\n", n);
	return failures ? 1 : 0;
}
