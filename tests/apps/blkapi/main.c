/* Drives vda through the blkdev API alone (tests/boot/test_blk.py):
 *   (no argument)  16 reads submitted at once, then waited for; threads
 *                  writing and reading their own regions at the same time;
 *                  a flush; prints what it saw, exit 0 when all held
 *   eio            the disk fails every read (QEMU's blkdebug): a read
 *                  must say -KN_EIO */
#include <stdint.h>
#include <kn/alloc.h>
#include <kn/blkdev.h>
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/sched.h>

#define INFLIGHT 16
#define THREADS 4
#define REGION (256u << 10) /* bytes per thread: several requests each */

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			kn_console_printf("FAIL line %d: ", __LINE__);                             \
			kn_console_printf(__VA_ARGS__);                                            \
			kn_console_printf("\n");                                                   \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static struct kn_blkdev *dev;
static struct kn_waitq all_done = KN_WAITQ_INIT_IRQ;
static unsigned completed;

static void one_done(struct kn_blkreq *req)
{
	CHECK(req->status == 0, "request %llu: %d", (unsigned long long)req->sector, req->status);
	if (++completed == INFLIGHT)
		kn_waitq_wake(&all_done, 1);
}

/* Submits INFLIGHT reads before waiting for any: how many were still in
 * flight when the last was queued. */
static unsigned in_flight(void)
{
	static struct kn_blkreq reqs[INFLIGHT];
	char *buf = kn_palloc(INFLIGHT);
	for (unsigned i = 0; i < INFLIGHT; i++) {
		reqs[i] = (struct kn_blkreq){.op = KN_BLK_READ,
					     .sector = i * 64,
					     .count = 8,
					     .buf = buf + i * 4096,
					     .done = one_done};
		CHECK(kn_blkdev_submit(dev, &reqs[i]) == 0, "submit %u", i);
	}
	unsigned pending = INFLIGHT - completed;
	while (completed < INFLIGHT)
		kn_waitq_wait(&all_done, 0);
	kn_console_printf("in flight together: %u of %u\n", pending, INFLIGHT);
	kn_pfree(buf, INFLIGHT);
	return pending;
}

/* Whether a thread waiting for its disk lets the CPU idle (a spinning
 * wait never would): large reads until one wait outlasts the device's
 * answer, which a slow enough device makes the first. */
static void idles(void)
{
	size_t pages = 1024; /* 4 MiB */
	char *buf = kn_palloc(pages);
	uint64_t idle = kn_sched_idle_count();
	unsigned rounds = 0;
	while (kn_sched_idle_count() == idle && rounds < 1000) {
		CHECK(kn_blkdev_io(dev, KN_BLK_READ, 0, buf, pages * 4096 / dev->sector_size) == 0,
		      "read");
		rounds++;
	}
	kn_console_printf("idled while waiting: %s\n", kn_sched_idle_count() > idle ? "yes" : "no");
	kn_pfree(buf, pages);
}

static uint8_t pattern(unsigned thread, uint32_t i)
{
	return (uint8_t)(i * 13 + thread * 101 + (i >> 12));
}

static void *writer(void *arg)
{
	unsigned t = (unsigned)(uintptr_t)arg;
	uint8_t *buf = kn_malloc(REGION);
	uint64_t sector = (uint64_t)t * (REGION / dev->sector_size) + 4096;
	for (uint32_t i = 0; i < REGION; i++)
		buf[i] = pattern(t, i);
	CHECK(kn_blkdev_io(dev, KN_BLK_WRITE, sector, buf, REGION / dev->sector_size) == 0,
	      "thread %u write", t);
	__builtin_memset(buf, 0, REGION);
	CHECK(kn_blkdev_io(dev, KN_BLK_READ, sector, buf, REGION / dev->sector_size) == 0,
	      "thread %u read", t);
	unsigned bad = 0;
	for (uint32_t i = 0; i < REGION; i++)
		bad += buf[i] != pattern(t, i);
	CHECK(!bad, "thread %u: %u bytes differ", t, bad);
	kn_free(buf);
	return (void *)(uintptr_t)bad;
}

static void threads(void)
{
	struct kn_thread *th[THREADS];
	for (unsigned t = 0; t < THREADS; t++)
		th[t] = kn_thread_create("writer", writer, (void *)(uintptr_t)t, 0);
	unsigned intact = 0;
	for (unsigned t = 0; t < THREADS; t++) {
		void *bad = (void *)1;
		kn_thread_join(th[t], &bad);
		intact += !bad;
	}
	kn_console_printf("threads: %u of %u wrote and read back intact\n", intact, THREADS);
}

int main(int argc, char *argv[])
{
	dev = kn_blkdev_get(0);
	if (!dev) {
		kn_printk("blkapi: no disk\n");
		return 2;
	}
	if (argc > 1 && argv[1][0] == 'e') { /* eio */
		char *buf = kn_palloc(1);
		int err = kn_blkdev_io(dev, KN_BLK_READ, 0, buf, 8);
		kn_console_printf("read error: %s\n", err == -KN_EIO ? "EIO" : "not EIO");
		return err == -KN_EIO ? 0 : 1;
	}
	if (in_flight()) /* a device that answers on submit has no wait to idle in */
		idles();
	threads();
	CHECK(kn_blkdev_flush(dev) == 0, "flush");
	kn_console_printf("flushes %llu, device errors %llu\n",
			  (unsigned long long)dev->stats.flushes,
			  (unsigned long long)dev->stats.errors);
	kn_console_printf(failures ? "blkapi: %d failures\n" : "blkapi: ok\n", failures);
	return failures ? 1 : 0;
}
