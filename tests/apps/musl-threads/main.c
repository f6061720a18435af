/* musl's pthreads on posix-thread. Prints "ok <what>" per check, "FAIL
 * <what>: ..." otherwise; exits 0 when every check passed. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int failures;

#define CHECK(what, cond, ...)                                                                     \
	do {                                                                                       \
		if (cond) {                                                                        \
			printf("ok %s\n", what);                                                   \
		} else {                                                                           \
			printf("FAIL %s: ", what);                                                 \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#define THREADS 6
#define ROUNDS 2000

/* Mutex: every thread adds ROUNDS times, yielding inside the critical
 * section so that the others really contend. */
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *add(void *arg)
{
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&counter_lock);
		long v = counter;
		if (i % 64 == 0)
			sched_yield();
		counter = v + 1;
		pthread_mutex_unlock(&counter_lock);
	}
	return arg;
}

static void check_mutex_and_join(void)
{
	pthread_t t[THREADS];
	int made = 0;
	for (long i = 0; i < THREADS; i++)
		made += pthread_create(&t[i], NULL, add, (void *)(i + 100)) == 0;
	int joined_right = 1;
	for (long i = 0; i < made; i++) {
		void *ret = NULL;
		joined_right &= pthread_join(t[i], &ret) == 0 && ret == (void *)(i + 100);
	}
	CHECK("pthread_create", made == THREADS, "made %d", made);
	CHECK("pthread_join", joined_right, "a join failed or returned the wrong value");
	CHECK("mutex", counter == (long)made * ROUNDS, "counter %ld, want %ld", counter,
	      (long)made * ROUNDS);
	pthread_mutex_t m;
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&m, &a);
	int rec = pthread_mutex_lock(&m) == 0 && pthread_mutex_lock(&m) == 0 &&
		  pthread_mutex_unlock(&m) == 0 && pthread_mutex_unlock(&m) == 0;
	CHECK("mutex-recursive", rec, "lock/unlock twice failed");
	pthread_mutex_lock(&counter_lock);
	CHECK("mutex-trylock-busy", pthread_mutex_trylock(&counter_lock) == EBUSY, "not EBUSY");
	pthread_mutex_unlock(&counter_lock);
}

/* Condition variable: a producer hands items one at a time to consumers. */
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_nonfull = PTHREAD_COND_INITIALIZER;
static int q_item, q_full, q_done, consumed_sum, consumed_count;

static void *consume(void *arg)
{
	for (;;) {
		pthread_mutex_lock(&q_lock);
		while (!q_full && !q_done)
			pthread_cond_wait(&q_nonempty, &q_lock);
		if (!q_full && q_done) {
			pthread_mutex_unlock(&q_lock);
			return NULL;
		}
		consumed_sum += q_item;
		consumed_count++;
		q_full = 0;
		pthread_cond_signal(&q_nonfull);
		pthread_mutex_unlock(&q_lock);
	}
}

static void check_condvar(void)
{
	pthread_t c[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&c[i], NULL, consume, NULL);
	for (int i = 1; i <= 100; i++) {
		pthread_mutex_lock(&q_lock);
		while (q_full)
			pthread_cond_wait(&q_nonfull, &q_lock);
		q_item = i;
		q_full = 1;
		pthread_cond_signal(&q_nonempty);
		pthread_mutex_unlock(&q_lock);
	}
	pthread_mutex_lock(&q_lock);
	while (q_full)
		pthread_cond_wait(&q_nonfull, &q_lock);
	q_done = 1;
	pthread_cond_broadcast(&q_nonempty);
	pthread_mutex_unlock(&q_lock);
	for (int i = 0; i < 3; i++)
		pthread_join(c[i], NULL);
	CHECK("condvar", consumed_count == 100 && consumed_sum == 5050, "count %d sum %d",
	      consumed_count, consumed_sum);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&q_lock);
	int rc = pthread_cond_timedwait(&q_nonempty, &q_lock, &ts);
	pthread_mutex_unlock(&q_lock);
	CHECK("cond-timedwait", rc == ETIMEDOUT, "returned %d", rc);
}

/* rwlock: readers overlap, a writer excludes them. */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int readers_inside, max_readers, writer_saw_reader, shared_value;

static void *reader(void *arg)
{
	for (int i = 0; i < 50; i++) {
		pthread_rwlock_rdlock(&rw);
		__atomic_add_fetch(&readers_inside, 1, __ATOMIC_SEQ_CST);
		if (readers_inside > max_readers)
			max_readers = readers_inside;
		sched_yield();
		__atomic_sub_fetch(&readers_inside, 1, __ATOMIC_SEQ_CST);
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void *writer(void *arg)
{
	for (int i = 0; i < 50; i++) {
		pthread_rwlock_wrlock(&rw);
		if (readers_inside)
			writer_saw_reader = 1;
		shared_value++;
		sched_yield();
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void check_rwlock(void)
{
	pthread_t t[5];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, reader, NULL);
	pthread_create(&t[4], NULL, writer, NULL);
	for (int i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	CHECK("rwlock-readers-share", max_readers > 1, "at most %d reader inside", max_readers);
	CHECK("rwlock-writer-alone", !writer_saw_reader && shared_value == 50,
	      "writer saw a reader %d, value %d", writer_saw_reader, shared_value);
}

/* TLS: a __thread variable with an initial value and a zeroed one, and a
 * pthread_key with a destructor. */
static __thread int tls_init = 42;
static __thread long tls_zero;
static pthread_key_t key;
static int destructor_runs;

static void destroy(void *p)
{
	__atomic_add_fetch(&destructor_runs, 1, __ATOMIC_SEQ_CST);
	free(p);
}

static void *tls_worker(void *arg)
{
	long id = (long)arg;
	int ok = tls_init == 42 && tls_zero == 0;
	tls_init += (int)id;
	tls_zero = id * 1000;
	int *mine = malloc(sizeof(int));
	*mine = (int)id;
	pthread_setspecific(key, mine);
	sched_yield();
	ok &= tls_init == 42 + id && tls_zero == id * 1000;
	ok &= *(int *)pthread_getspecific(key) == id;
	ok &= errno == 0 || 1;
	return (void *)(long)ok;
}

static void check_tls(void)
{
	pthread_key_create(&key, destroy);
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, tls_worker, (void *)(i + 1));
	int ok = 1;
	for (int i = 0; i < 4; i++) {
		void *ret;
		pthread_join(t[i], &ret);
		ok &= ret == (void *)1L;
	}
	CHECK("tls-thread-variables", ok && tls_init == 42 && tls_zero == 0,
	      "a thread saw another's value (main: %d %ld)", tls_init, tls_zero);
	CHECK("pthread-key-destructor", destructor_runs == 4, "%d runs", destructor_runs);
	errno = 0;
	close(-1);
	CHECK("errno-per-thread", errno == EBADF, "errno %d", errno);
}

/* Detach: detached threads run to the end on their own. */
static int detached_done;

static void *detached(void *arg)
{
	sched_yield();
	__atomic_add_fetch(&detached_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void check_detach(void)
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_t t;
	int made = 0;
	for (int i = 0; i < 3; i++)
		made += pthread_create(&t, &a, detached, NULL) == 0;
	pthread_t u;
	pthread_create(&u, NULL, detached, NULL);
	made += pthread_detach(u) == 0;
	for (int i = 0; i < 100 && detached_done < 4; i++)
		usleep(1000);
	CHECK("detach", made == 4 && detached_done == 4, "made %d done %d", made, detached_done);
}

/* exit() while another thread waits on a condition variable (Redis's
 * background threads do, when SHUTDOWN calls exit): musl's exit takes its
 * locks for good, so it must run once; the buffered line must come out and
 * the status must be ours. */
static pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cond = PTHREAD_COND_INITIALIZER;

static void *idle_forever(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&idle_lock);
	for (;;)
		pthread_cond_wait(&idle_cond, &idle_lock);
	return NULL;
}

static void announce_exit(void)
{
	printf("then the atexit handler\n");
}

static void exit_with_thread(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, idle_forever, NULL) != 0) {
		printf("FAIL exit-with-thread: pthread_create\n");
		exit(1);
	}
	atexit(announce_exit);
	fputs("buffered before exit, ", stdout); /* no newline: exit must flush it */
	exit(7);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exit-with-thread") == 0)
		exit_with_thread();
	check_mutex_and_join();
	check_condvar();
	check_rwlock();
	check_tls();
	check_detach();
	printf("%s\n", failures ? "musl-threads: FAILED" : "musl-threads: all passed");
	return failures ? 1 : 0;
}
