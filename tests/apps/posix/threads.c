/* pthreads over clone/futex/TLS: mutexes, condition variables, rwlocks,
 * thread-local storage, keys, join and detach, and a thread blocked in
 * read() on a pipe woken by another thread's write. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <unistd.h>

#include "check.h"

#define WORKERS 4
#define ROUNDS 2000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long tls_value = 7;

static void *add(void *arg)
{
	tls_value = (long)(intptr_t)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		long c = counter;
		if (i % 100 == 0)
			sched_yield(); /* make lost updates likely without the lock */
		counter = c + 1;
		pthread_mutex_unlock(&lock);
	}
	return (void *)(intptr_t)(tls_value * 10);
}

static void test_mutex_tls(void)
{
	pthread_t t[WORKERS];
	for (long i = 0; i < WORKERS; i++)
		CHECK(pthread_create(&t[i], NULL, add, (void *)(intptr_t)(i + 1)) == 0);
	for (long i = 0; i < WORKERS; i++) {
		void *ret;
		CHECK(pthread_join(t[i], &ret) == 0 && (intptr_t)ret == (i + 1) * 10);
	}
	CHECK(counter == WORKERS * ROUNDS);
	CHECK(tls_value == 7); /* the main thread's copy is untouched */
	CHECK(pthread_mutex_trylock(&lock) == 0);
	CHECK(pthread_mutex_trylock(&lock) == EBUSY);
	pthread_mutex_unlock(&lock);
}

static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int queue[8], head, tail, done;

static void *produce(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 100; i++) {
		pthread_mutex_lock(&lock);
		while (tail - head == 8)
			pthread_cond_wait(&cond, &lock);
		queue[tail++ % 8] = i;
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	done = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void test_cond(void)
{
	pthread_t t;
	long sum = 0;
	CHECK(pthread_create(&t, NULL, produce, NULL) == 0);
	pthread_mutex_lock(&lock);
	for (;;) {
		while (head == tail && !done)
			pthread_cond_wait(&cond, &lock);
		if (head == tail && done)
			break;
		sum += queue[head++ % 8];
		pthread_cond_broadcast(&cond);
	}
	pthread_mutex_unlock(&lock);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(sum == 5050);

	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&lock);
	CHECK(pthread_cond_timedwait(&cond, &lock, &ts) == ETIMEDOUT);
	pthread_mutex_unlock(&lock);
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static void *reader(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)pthread_rwlock_tryrdlock(&rw);
}

static void test_rwlock(void)
{
	pthread_t t;
	void *ret;
	CHECK(pthread_rwlock_rdlock(&rw) == 0);
	CHECK(pthread_create(&t, NULL, reader, NULL) == 0 && pthread_join(t, &ret) == 0);
	CHECK(ret == 0);            /* readers share */
	pthread_rwlock_unlock(&rw); /* ours */
	pthread_rwlock_unlock(&rw); /* the reader thread's, still held */
	CHECK(pthread_rwlock_wrlock(&rw) == 0);
	CHECK(pthread_create(&t, NULL, reader, NULL) == 0 && pthread_join(t, &ret) == 0);
	CHECK((intptr_t)ret == EBUSY);
	CHECK(pthread_rwlock_unlock(&rw) == 0);
}

static pthread_key_t key;
static int destructed;

static void destructor(void *v)
{
	destructed += (int)(intptr_t)v;
}

static void *keyed(void *arg)
{
	pthread_setspecific(key, arg);
	return pthread_getspecific(key);
}

static int detached_ran;

static void *detached(void *arg)
{
	(void)arg;
	detached_ran = 1;
	return NULL;
}

static void test_keys_detach(void)
{
	pthread_t t;
	void *ret;
	CHECK(pthread_key_create(&key, destructor) == 0);
	CHECK(pthread_setspecific(key, (void *)1) == 0);
	CHECK(pthread_create(&t, NULL, keyed, (void *)5) == 0 && pthread_join(t, &ret) == 0);
	CHECK(ret == (void *)5 && destructed == 5);
	CHECK(pthread_getspecific(key) == (void *)1);

	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	CHECK(pthread_create(&t, &attr, detached, NULL) == 0);
	for (int i = 0; i < 1000 && !detached_ran; i++)
		usleep(1000);
	CHECK(detached_ran == 1);
	CHECK(pthread_equal(pthread_self(), pthread_self()));
}

static int pipe_fds[2];

static void *late_writer(void *arg)
{
	(void)arg;
	usleep(10000);
	write(pipe_fds[1], "w", 1);
	return NULL;
}

static void test_blocking_read(void)
{
	pthread_t t;
	char c = 0;
	CHECK(pipe(pipe_fds) == 0);
	CHECK(pthread_create(&t, NULL, late_writer, NULL) == 0);
	CHECK(read(pipe_fds[0], &c, 1) == 1 && c == 'w'); /* blocks until written */
	CHECK(pthread_join(t, NULL) == 0);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}

void test_threads(void)
{
	test_mutex_tls();
	test_cond();
	test_rwlock();
	test_keys_detach();
	test_blocking_read();
}
