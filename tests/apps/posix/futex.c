/* The futex system call directly: value mismatch, timeouts, wake counts. */
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* The futex ABI (linux/futex.h is a kernel header that musl does not ship). */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static long futex(int *uaddr, int op, int val, const struct timespec *ts, int *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static int word, woken;

static void *waiter(void *arg)
{
	(void)arg;
	while (__atomic_load_n(&word, __ATOMIC_SEQ_CST) == 0)
		futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	__atomic_add_fetch(&woken, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

void test_futex(void)
{
	int v = 1;
	struct timespec ts = {0, 10 * 1000 * 1000};
	CHECK_ERR(futex(&v, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0), EAGAIN);
	CHECK_ERR(futex(&v, FUTEX_WAIT_PRIVATE, 1, &ts, NULL, 0), ETIMEDOUT);
	CHECK(futex(&v, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0); /* nobody waits */
	CHECK_ERR(futex((int *)((char *)&v + 1), FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0), EINVAL);
	CHECK_ERR(futex(NULL, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0), EFAULT);
	CHECK_ERR(futex(&v, 99, 1, NULL, NULL, 0), ENOSYS);

	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		CHECK(pthread_create(&t[i], NULL, waiter, NULL) == 0);
	/* Let them block: they yield the CPU in FUTEX_WAIT. */
	for (int i = 0; i < 20; i++)
		usleep(1000);
	__atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
	long n = futex(&word, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0);
	CHECK(n >= 0 && n <= 2);
	futex(&word, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0);
	for (int i = 0; i < 3; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	CHECK(woken == 3);
}
