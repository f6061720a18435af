/* Console input, driven by tests/boot/test_console_input.py:
 *   1. nothing is sent until "ready": poll(fd 0) times out, a non-blocking
 *      read says EAGAIN;
 *   2. the test sends "hello\n" (once the ticker thread, which runs only
 *      while main is blocked, said "ready"): poll wakes, the line comes back as "got HELLO"
 *      while another thread keeps yielding (the CPU never idles);
 *   3. "blocking": a read of fd 0 with nothing arriving for a while (the
 *      test waits ~300 ms) must sleep, not spin: the scheduler's idle
 *      count over that read is printed ("idle N in M ms"; a reader that
 *      re-checked every millisecond would idle about M times);
 *   4. the test sends a few bytes and then ends the input (linuxu: closes
 *      stdin; kvm: a serial line cannot, so a 0x04 byte): "end N". */
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/poll.h>
#include <kn/sched.h>
#include <kn/time.h>
#include <kn/vfs.h>

static volatile int stop, main_waits;
static int ticks;

/* Never lets the CPU idle: input must reach the blocked reader anyway
 * (the scheduler polls for device events at each switch). It says
 * "ready" (the test's cue to send) once main is blocked for input: the
 * threads are cooperative, so the ticker runs only when main waits, and
 * input cannot arrive before main does. */
static void *ticker(void *arg)
{
	int announced = 0;
	while (!stop) {
		if (main_waits && !announced) {
			kn_printk("ready\n");
			announced = 1;
		}
		kn_yield();
		ticks += announced;
	}
	return 0;
}

static int fail(const char *what, long v)
{
	kn_printk("FAIL %s (%ld)\n", what, v);
	return 1;
}

int main(int argc, char *argv[])
{
	struct kn_pollfd p = {0, KN_POLLIN, 0};
	uint64_t t0 = kn_time_monotonic_ns();
	long r = kn_sys_poll(&p, 1, 50);
	if (r != 0 || p.revents)
		return fail("poll with nothing sent", r);
	if (kn_time_monotonic_ns() - t0 < 50 * KN_NSEC_PER_MSEC)
		return fail("poll returned early", 0);
	p.events = KN_POLLOUT;
	if (kn_sys_poll(&p, 1, 0) != 1 || p.revents != KN_POLLOUT)
		return fail("console not writable", p.revents);
	char buf[64];
	kn_sys_fcntl(0, KN_F_SETFL, KN_O_NONBLOCK);
	r = kn_sys_read(0, buf, sizeof(buf));
	if (r != -KN_EAGAIN)
		return fail("non-blocking read", r);
	kn_sys_fcntl(0, KN_F_SETFL, 0);
	/* The ticker says "ready", the only cue for the test to send, once
	 * this poll blocks. */
	struct kn_thread *t = kn_thread_create("ticker", ticker, 0, 0);
	main_waits = 1;
	p.events = KN_POLLIN;
	r = kn_sys_poll(&p, 1, -1); /* the test sends after "ready" */
	if (r != 1 || !(p.revents & KN_POLLIN))
		return fail("poll for input", r);
	char line[32];
	size_t len = 0;
	while (len < sizeof(line) && (len == 0 || line[len - 1] != '\n')) {
		r = kn_sys_read(0, line + len, sizeof(line) - len);
		if (r <= 0)
			return fail("read line", r);
		len += (size_t)r;
	}
	for (size_t i = 0; i < len; i++)
		if (line[i] >= 'a' && line[i] <= 'z')
			line[i] = (char)(line[i] - 'a' + 'A');
	kn_printk("got %.*s", (int)len, line);
	stop = 1;
	kn_thread_join(t, 0);
	kn_printk("ticks while blocked: %s\n", ticks > 0 ? "yes" : "no");

	kn_printk("blocking\n");
	uint64_t idles = kn_sched_idle_count();
	t0 = kn_time_monotonic_ns();
	len = 0;
	while (len < sizeof(line) && (len == 0 || line[len - 1] != '\n')) {
		r = kn_sys_read(0, line + len, sizeof(line) - len);
		if (r <= 0)
			return fail("blocking read", r);
		if (len == 0) /* the first byte ends the quiet time */
			kn_printk("idle %llu in %llu ms\n",
				  (unsigned long long)(kn_sched_idle_count() - idles),
				  (unsigned long long)((kn_time_monotonic_ns() - t0) /
						       KN_NSEC_PER_MSEC));
		len += (size_t)r;
	}
	kn_printk("got %.*s", (int)len, line);

	size_t total = 0;
	for (;;) {
		r = kn_sys_read(0, buf, sizeof(buf));
		if (r < 0)
			return fail("read rest", r);
		if (r == 0)
			break;
		long i = 0;
		while (i < r && buf[i] != 4)
			i++;
		total += (size_t)i;
		if (i < r)
			break;
	}
	kn_printk("end %zu\n", total);
	return 0;
}
