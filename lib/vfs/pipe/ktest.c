/* In-kernel tests of pipes and eventfd: threads of the real scheduler
 * block in read and write and wake each other up. Every blocking call in
 * here has a thread that will wake it, so a bug shows as a failure or as
 * the scheduler's deadlock panic, never as a hang. */
#include <kn/errno.h>
#include <kn/ktest.h>
#include <kn/pipe.h>
#include <kn/sched.h>
#include <kn/time.h>
#include <kn/vfs.h>

struct job {
	int fd;
	long n;         /* bytes to move */
	uint64_t delay; /* ns to sleep first, so that the other side blocks */
	long result;
	uint64_t value;
};

static char data[3 * KN_PIPE_SIZE];

static void *late_writer(void *arg)
{
	struct job *j = arg;
	kn_sleep_ns(j->delay);
	j->result = kn_sys_write(j->fd, data, (size_t)j->n);
	return NULL;
}

static void *late_reader(void *arg)
{
	struct job *j = arg;
	static char sink[3 * KN_PIPE_SIZE];
	kn_sleep_ns(j->delay);
	long got = 0;
	while (got < j->n) {
		long r = kn_sys_read(j->fd, sink + got, (size_t)(j->n - got));
		if (r <= 0) {
			j->result = r;
			return NULL;
		}
		got += r;
	}
	j->result = got;
	for (long i = 0; i < got; i++)
		if (sink[i] != data[i])
			j->result = -1000;
	return NULL;
}

static void *late_closer(void *arg)
{
	struct job *j = arg;
	kn_sleep_ns(j->delay);
	j->result = kn_sys_close(j->fd);
	return NULL;
}

static struct kn_thread *spawn(kn_thread_fn fn, struct job *j)
{
	return kn_thread_create("pipe-ktest", fn, j, 0);
}

KN_TEST(pipe, reader_blocks_until_a_writer_writes)
{
	int p[2];
	KN_ASSERT(kn_sys_pipe(p) == 0);
	struct job w = {p[1], 5, 5 * KN_NSEC_PER_MSEC, 0, 0};
	__builtin_memcpy(data, "hello", 5);
	struct kn_thread *t = spawn(late_writer, &w);
	KN_ASSERT(t);
	char buf[16];
	uint64_t t0 = kn_time_monotonic_ns();
	KN_EXPECT(kn_sys_read(p[0], buf, sizeof(buf)) == 5);
	KN_EXPECT(kn_time_monotonic_ns() - t0 >= 5 * KN_NSEC_PER_MSEC); /* it did wait */
	KN_EXPECT(!__builtin_memcmp(buf, "hello", 5));
	KN_EXPECT(kn_thread_join(t, 0) == 0 && w.result == 5);
	kn_sys_close(p[0]);
	kn_sys_close(p[1]);
}

KN_TEST(pipe, long_write_waits_for_the_reader)
{
	int p[2];
	KN_ASSERT(kn_sys_pipe(p) == 0);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 31 + 7);
	struct job r = {p[0], (long)sizeof(data), 2 * KN_NSEC_PER_MSEC, 0, 0};
	struct kn_thread *t = spawn(late_reader, &r);
	KN_ASSERT(t);
	/* Three times the pipe's size: the writer blocks at least twice. */
	KN_EXPECT(kn_sys_write(p[1], data, sizeof(data)) == (long)sizeof(data));
	KN_EXPECT(kn_thread_join(t, 0) == 0);
	KN_EXPECT(r.result == (long)sizeof(data));
	kn_sys_close(p[0]);
	kn_sys_close(p[1]);
}

KN_TEST(pipe, closing_the_write_end_wakes_the_reader_with_eof)
{
	int p[2];
	KN_ASSERT(kn_sys_pipe(p) == 0);
	struct job c = {p[1], 0, 2 * KN_NSEC_PER_MSEC, -1, 0};
	struct kn_thread *t = spawn(late_closer, &c);
	KN_ASSERT(t);
	char buf[4];
	KN_EXPECT(kn_sys_read(p[0], buf, sizeof(buf)) == 0);
	KN_EXPECT(kn_thread_join(t, 0) == 0 && c.result == 0);
	kn_sys_close(p[0]);
}

KN_TEST(pipe, closing_the_read_end_wakes_the_writer_with_epipe)
{
	int p[2];
	KN_ASSERT(kn_sys_pipe(p) == 0);
	KN_ASSERT(kn_sys_write(p[1], data, KN_PIPE_SIZE) == KN_PIPE_SIZE);
	struct job c = {p[0], 0, 2 * KN_NSEC_PER_MSEC, -1, 0};
	struct kn_thread *t = spawn(late_closer, &c);
	KN_ASSERT(t);
	KN_EXPECT(kn_sys_write(p[1], data, 10) == -KN_EPIPE);
	KN_EXPECT(kn_thread_join(t, 0) == 0 && c.result == 0);
	kn_sys_close(p[1]);
}

KN_TEST(pipe, nonblocking_and_errors)
{
	int p[2];
	KN_ASSERT(kn_sys_pipe2(p, KN_O_NONBLOCK | KN_O_CLOEXEC) == 0);
	char c;
	KN_EXPECT(kn_sys_read(p[0], &c, 1) == -KN_EAGAIN);
	KN_EXPECT(kn_sys_fcntl(p[0], KN_F_GETFD, 0) == KN_FD_CLOEXEC);
	KN_EXPECT(kn_sys_lseek(p[0], 0, KN_SEEK_SET) == -KN_ESPIPE);
	KN_EXPECT(kn_sys_write(p[0], "x", 1) == -KN_EBADF);
	KN_EXPECT(kn_sys_pipe((int *)0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_pipe2(p, 1) == -KN_EINVAL);
	kn_sys_close(p[0]);
	kn_sys_close(p[1]);
}

static void *eventfd_taker(void *arg)
{
	struct job *j = arg;
	j->result = kn_sys_read(j->fd, &j->value, 8);
	return NULL;
}

KN_TEST(eventfd, semaphore_wakes_one_reader_per_count)
{
	int fd = (int)kn_sys_eventfd2(0, KN_EFD_SEMAPHORE);
	KN_ASSERT(fd >= 0);
	struct job j[3];
	struct kn_thread *t[3];
	for (int i = 0; i < 3; i++) {
		j[i] = (struct job){fd, 8, 0, -1, 0};
		t[i] = kn_thread_create("efd", eventfd_taker, &j[i], 0);
		KN_ASSERT(t[i]);
	}
	kn_sleep_ns(KN_NSEC_PER_MSEC); /* all three block on a zero count */
	for (int i = 0; i < 3; i++)
		KN_EXPECT(j[i].result == -1);
	uint64_t three = 3;
	KN_EXPECT(kn_sys_write(fd, &three, 8) == 8);
	for (int i = 0; i < 3; i++) {
		KN_EXPECT(kn_thread_join(t[i], 0) == 0);
		KN_EXPECT(j[i].result == 8 && j[i].value == 1);
	}
	uint64_t v;
	KN_EXPECT(kn_sys_fcntl(fd, KN_F_SETFL, KN_O_NONBLOCK) == 0);
	KN_EXPECT(kn_sys_read(fd, &v, 8) == -KN_EAGAIN);
	KN_EXPECT(kn_sys_read(fd, &v, 4) == -KN_EINVAL);
	kn_sys_close(fd);
}
