/* Host tests of pipes and eventfd, compared with the host kernel. */
#include "harness.h"
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

static char big[200000];

static void kpipe(int *k, int flags)
{
	EQ(kn_sys_pipe2(k, flags), 0);
}

static void hpipe(int *h, int flags)
{
	EQ(HOST(pipe2, h, flags), 0);
}

static void pipe_basic(void)
{
	int k[2], h[2];
	kpipe(k, 0);
	hpipe(h, 0);
	char kb[16] = {0}, hb[16] = {0};
	SAME(kn_sys_write(k[1], "hello", 5), write(h[1], "hello", 5));
	int kn = -1, hn = -2;
	SAME(kn_sys_ioctl(k[0], KN_FIONREAD, (unsigned long)&kn), ioctl(h[0], FIONREAD, &hn));
	EQ(kn, hn);
	SAME(kn_sys_read(k[0], kb, 3), read(h[0], hb, 3));
	SAME(kn_sys_read(k[0], kb + 3, 10), read(h[0], hb + 3, 10)); /* short read: 2 */
	CHECK(!memcmp(kb, "hello", 5) && !memcmp(hb, "hello", 5));
	/* The wrong direction, positions, metadata. */
	SAME(kn_sys_write(k[0], "x", 1), write(h[0], "x", 1));
	SAME(kn_sys_read(k[1], kb, 1), read(h[1], hb, 1));
	SAME(kn_sys_lseek(k[0], 0, KN_SEEK_CUR), lseek(h[0], 0, SEEK_CUR));
	SAME(kn_sys_pread64(k[0], kb, 1, 0), pread(h[0], hb, 1, 0));
	SAME(kn_sys_pwrite64(k[1], "x", 1, 0), pwrite(h[1], "x", 1, 0));
	SAME(kn_sys_fcntl(k[0], KN_F_GETFL, 0), fcntl(h[0], F_GETFL));
	SAME(kn_sys_fcntl(k[1], KN_F_GETFL, 0), fcntl(h[1], F_GETFL));
	SAME(kn_sys_fcntl(k[0], KN_F_GETFD, 0), fcntl(h[0], F_GETFD));
	SAME(kn_sys_ioctl(k[0], KN_TCGETS, (unsigned long)kb), ioctl(h[0], TCGETS, hb));
	struct kn_stat ks;
	struct stat hs;
	SAME(kn_sys_fstat(k[0], &ks), fstat(h[0], &hs));
	EQ(ks.st_mode, hs.st_mode);
	struct kn_stat ks1;
	EQ(kn_sys_fstat(k[1], &ks1), 0);
	EQ(ks1.st_ino, ks.st_ino); /* both ends are one inode */
	/* O_NONBLOCK through fcntl: an empty pipe says EAGAIN. */
	SAME(kn_sys_fcntl(k[0], KN_F_SETFL, KN_O_NONBLOCK), fcntl(h[0], F_SETFL, O_NONBLOCK));
	SAME(kn_sys_read(k[0], kb, 4), read(h[0], hb, 4));
	/* All writers closed: end of file, also when a dup of the write end
	 * lived longer than the original. */
	int kd = (int)kn_sys_dup(k[1]), hd = dup(h[1]);
	SAME(kn_sys_close(k[1]), close(h[1]));
	SAME(kn_sys_read(k[0], kb, 4), read(h[0], hb, 4)); /* still EAGAIN */
	SAME(kn_sys_write(kd, "ab", 2), write(hd, "ab", 2));
	SAME(kn_sys_close(kd), close(hd));
	SAME(kn_sys_read(k[0], kb, 4), read(h[0], hb, 4)); /* the data, then EOF */
	SAME(kn_sys_read(k[0], kb, 4), read(h[0], hb, 4));
	SAME(kn_sys_close(k[0]), close(h[0]));
	/* Flags and descriptors. */
	kpipe(k, KN_O_CLOEXEC | KN_O_NONBLOCK);
	hpipe(h, O_CLOEXEC | O_NONBLOCK);
	SAME(kn_sys_fcntl(k[0], KN_F_GETFD, 0), fcntl(h[0], F_GETFD));
	SAME(kn_sys_fcntl(k[1], KN_F_GETFL, 0), fcntl(h[1], F_GETFL));
	SAME(kn_sys_read(k[0], kb, 4), read(h[0], hb, 4));
	SAME(kn_sys_close(k[0]), close(h[0]));
	SAME(kn_sys_close(k[1]), close(h[1]));
	EQ(kn_sys_pipe(k), 0);
	EQ(k[1], k[0] + 1); /* the lowest free descriptors, read end first */
	kn_sys_close(k[0]);
	kn_sys_close(k[1]);
}

static void pipe_errors(void)
{
	int k[2], h[2];
	SAME(kn_sys_pipe2(k, 0x1), HOST(pipe2, h, 0x1));
	SAME(kn_sys_pipe2(k, KN_O_RDWR), HOST(pipe2, h, O_RDWR));
	SAME(kn_sys_pipe(NULL), HOST(pipe, NULL));
	SAME(kn_sys_pipe2((int *)8, 0), HOST(pipe2, (int *)8, 0));
	SAME(kn_sys_read(900, big, 1), read(900, big, 1));
	/* O_DIRECT (packet mode) is refused rather than silently ignored:
	 * Linux would accept it. */
	EQ(kn_sys_pipe2(k, 040000), -KN_EINVAL);
	/* NULL buffers. */
	kpipe(k, KN_O_NONBLOCK);
	hpipe(h, O_NONBLOCK);
	SAME(kn_sys_write(k[1], NULL, 1), HOST(write, h[1], NULL, 1));
	SAME(kn_sys_write(k[1], "a", 1), write(h[1], "a", 1));
	SAME(kn_sys_read(k[0], NULL, 1), HOST(read, h[0], NULL, 1));
	SAME(kn_sys_write(k[1], "a", 0), write(h[1], "a", 0));
	SAME(kn_sys_read(k[0], big, 0), read(h[0], big, 0));
	kn_sys_close(k[0]);
	kn_sys_close(k[1]);
	/* A full descriptor table: EMFILE and nothing leaked (main checks
	 * the allocations). */
	static int dups[KN_FD_MAX];
	int n = 0;
	for (long fd; (fd = kn_sys_dup(0)) >= 0;)
		dups[n++] = (int)fd;
	EQ(kn_sys_pipe(k), -KN_EMFILE);
	EQ(kn_sys_eventfd(0), -KN_EMFILE);
	kn_sys_close(dups[--n]);
	EQ(kn_sys_pipe(k), -KN_EMFILE); /* one free slot is not enough */
	long e = kn_sys_eventfd(0);
	EQ(e, dups[n]);
	kn_sys_close((int)e);
	while (n)
		kn_sys_close(dups[--n]);
	close(h[0]);
	close(h[1]);
}

/* Capacity 64 KiB and the PIPE_BUF rules, in page-sized steps where the
 * host's page-based buffer and Kiln's byte ring agree. */
static void pipe_capacity(void)
{
	int k[2], h[2];
	kpipe(k, KN_O_NONBLOCK);
	hpipe(h, O_NONBLOCK);
	int kw = 0, hw = 0;
	while (kn_sys_write(k[1], big, 4096) == 4096)
		kw++;
	while (write(h[1], big, 4096) == 4096)
		hw++;
	EQ(kw, 16);
	EQ(hw, 16);
	SAME(kn_sys_write(k[1], big, 1), write(h[1], big, 1));
	SAME(kn_sys_read(k[0], big, 4096), read(h[0], big, 4096));
	SAME(kn_sys_write(k[1], big, 8192), write(h[1], big, 8192)); /* partial: 4096 */
	SAME(kn_sys_read(k[0], big, sizeof(big)), read(h[0], big, sizeof(big)));
	SAME(kn_sys_write(k[1], big, 100000), write(h[1], big, 100000)); /* 65536 */
	/* Content survives the ring's wrap-around. */
	char out[65536];
	for (int round = 0; round < 3; round++) {
		EQ(kn_sys_read(k[0], out, 30000), 30000);
		for (int i = 0; i < 30000; i++)
			big[i] = (char)(i * 7 + round);
		EQ(kn_sys_write(k[1], big, 30000), 30000);
	}
	long got = kn_sys_read(k[0], out, sizeof(out));
	EQ(got, 65536);
	for (int i = 0; i < 30000; i++)
		if (out[65536 - 30000 + i] != (char)(i * 7 + 2)) {
			CHECK(!"data intact after wrap-around");
			break;
		}
	/* Byte-exact rules of Kiln's ring (the host's page slots differ
	 * here): an atomic write needs room for all of it, a long write takes
	 * what fits. */
	memset(big, 0, sizeof(big));
	EQ(kn_sys_write(k[1], big, 65536 - 100), 65536 - 100);
	EQ(kn_sys_write(k[1], big, 101), -KN_EAGAIN);
	EQ(kn_sys_write(k[1], big, 5000), 100);
	EQ(kn_sys_read(k[0], big, 4095), 4095);
	EQ(kn_sys_write(k[1], big, 4096), -KN_EAGAIN);
	EQ(kn_sys_write(k[1], big, 4095), 4095);
	kn_sys_close(k[0]);
	kn_sys_close(k[1]);
	close(h[0]);
	close(h[1]);
}

/* F_GETPIPE_SZ / F_SETPIPE_SZ, with data kept across resizes. */
static void pipe_resize(void)
{
	int k[2], h[2];
	kpipe(k, KN_O_NONBLOCK);
	hpipe(h, O_NONBLOCK);
	SAME(kn_sys_fcntl(k[0], KN_F_GETPIPE_SZ, 0), fcntl(h[0], F_GETPIPE_SZ));
	SAME(kn_sys_fcntl(k[1], KN_F_SETPIPE_SZ, 1000), fcntl(h[1], F_SETPIPE_SZ, 1000));
	SAME(kn_sys_fcntl(k[1], KN_F_SETPIPE_SZ, 0), fcntl(h[1], F_SETPIPE_SZ, 0));
	SAME(kn_sys_fcntl(k[1], KN_F_GETPIPE_SZ, 0), fcntl(h[1], F_GETPIPE_SZ));
	for (int i = 0; i < 8192; i++)
		big[i] = (char)(i * 13);
	SAME(kn_sys_write(k[1], big, 4096), write(h[1], big, 4096));
	SAME(kn_sys_write(k[1], big, 1), write(h[1], big, 1)); /* full */
	SAME(kn_sys_fcntl(k[0], KN_F_SETPIPE_SZ, 3 * 4096), fcntl(h[0], F_SETPIPE_SZ, 3 * 4096));
	SAME(kn_sys_write(k[1], big + 4096, 4096), write(h[1], big + 4096, 4096));
	SAME(kn_sys_fcntl(k[0], KN_F_SETPIPE_SZ, 4096), fcntl(h[0], F_SETPIPE_SZ, 4096));
	SAME(kn_sys_fcntl(k[0], KN_F_SETPIPE_SZ, 1 << 20), fcntl(h[0], F_SETPIPE_SZ, 1 << 20));
	static char kout[8192], hout[8192];
	SAME(kn_sys_read(k[0], kout, sizeof(kout)), read(h[0], hout, sizeof(hout)));
	CHECK(!memcmp(kout, big, 8192) && !memcmp(hout, big, 8192));
	/* Not a pipe. */
	int ke = (int)kn_sys_eventfd(0), he = (int)HOST(eventfd, 0);
	SAME(kn_sys_fcntl(ke, KN_F_GETPIPE_SZ, 0), fcntl(he, F_GETPIPE_SZ));
	SAME(kn_sys_fcntl(0, KN_F_SETPIPE_SZ, 4096), fcntl(he, F_SETPIPE_SZ, 4096));
	SAME(kn_sys_close(ke), close(he));
	/* Beyond pipe-max-size: refused as for an unprivileged Linux process
	 * (the host may be privileged). */
	EQ(kn_sys_fcntl(k[0], KN_F_SETPIPE_SZ, (1 << 20) + 1), -KN_EPERM);
	SAME(kn_sys_close(k[0]), close(h[0]));
	SAME(kn_sys_close(k[1]), close(h[1]));
}

static void pipe_epipe(void)
{
	int k[2], h[2];
	kpipe(k, 0);
	hpipe(h, 0);
	SAME(kn_sys_write(k[1], "abc", 3), write(h[1], "abc", 3));
	SAME(kn_sys_close(k[0]), close(h[0]));
	SAME(kn_sys_write(k[1], "x", 1), write(h[1], "x", 1));
	SAME(kn_sys_write(k[1], big, 70000), write(h[1], big, 70000));
	SAME(kn_sys_close(k[1]), close(h[1]));
}

/* Blocking calls wake when "another thread" acts. */
struct side {
	int fd;
	long result;
	size_t n;
};

static void reader_drains(void *arg)
{
	struct side *s = arg;
	static char sink[65536];
	s->result = kn_sys_read(s->fd, sink, s->n);
}

static void writer_writes(void *arg)
{
	struct side *s = arg;
	s->result = kn_sys_write(s->fd, "wake", 4);
}

static void closer(void *arg)
{
	struct side *s = arg;
	s->result = kn_sys_close(s->fd);
}

static void pipe_blocking(void)
{
	int k[2];
	kpipe(k, 0);
	char buf[16];
	struct side w = {k[1], 0, 0};
	then_run(writer_writes, &w);
	blocks = 0;
	EQ(kn_sys_read(k[0], buf, sizeof(buf)), 4);
	EQ(blocks, 1);
	EQ(w.result, 4);
	/* A write longer than the pipe waits for a reader, then completes. */
	struct side r = {k[0], 0, 65536};
	then_run(reader_drains, &r);
	blocks = 0;
	EQ(kn_sys_write(k[1], big, 100000), 100000);
	EQ(blocks, 1);
	EQ(r.result, 65536);
	EQ(kn_sys_read(k[0], big, sizeof(big)), 100000 - 65536);
	/* A full pipe: an atomic write waits for room. */
	EQ(kn_sys_write(k[1], big, 65536), 65536);
	r.n = 10;
	then_run(reader_drains, &r);
	blocks = 0;
	EQ(kn_sys_write(k[1], big, 10), 10);
	EQ(blocks, 1);
	/* The reader goes away while a long write waits: the part written,
	 * then EPIPE. */
	EQ(kn_sys_read(k[0], big, 100), 100);
	struct side c = {k[0], 1, 0};
	then_run(closer, &c);
	blocks = 0;
	EQ(kn_sys_write(k[1], big, 5000), 100);
	EQ(blocks, 1);
	EQ(c.result, 0);
	EQ(kn_sys_write(k[1], big, 1), -KN_EPIPE);
	kn_sys_close(k[1]);
	/* A reader blocked on an empty pipe gets EOF when the writer closes. */
	kpipe(k, 0);
	c.fd = k[1];
	then_run(closer, &c);
	EQ(kn_sys_read(k[0], buf, 4), 0);
	EQ(c.result, 0);
	kn_sys_close(k[0]);
}

static void eventfd_counter(void)
{
	uint64_t kv = 0, hv = 0;
	int k = (int)kn_sys_eventfd2(5, KN_EFD_NONBLOCK);
	int h = (int)HOST(eventfd2, 5, EFD_NONBLOCK);
	CHECK(k >= 0 && h >= 0);
	SAME(kn_sys_read(k, &kv, 8), read(h, &hv, 8));
	EQ(kv, hv);
	SAME(kn_sys_read(k, &kv, 8), read(h, &hv, 8)); /* 0: EAGAIN */
	uint64_t three = 3, four = 4, zero = 0;
	SAME(kn_sys_write(k, &three, 8), write(h, &three, 8));
	SAME(kn_sys_write(k, &four, 8), write(h, &four, 8));
	SAME(kn_sys_write(k, &zero, 8), write(h, &zero, 8));
	uint64_t kw[2] = {0, 9}, hw[2] = {0, 9};
	SAME(kn_sys_read(k, kw, 16), read(h, hw, 16)); /* 8: one value */
	EQ(kw[0], 7);
	EQ(hw[0], 7);
	EQ(kw[1], 9);
	/* Size rules. */
	SAME(kn_sys_read(k, &kv, 4), read(h, &hv, 4));
	SAME(kn_sys_write(k, &three, 7), write(h, &three, 7));
	char wide[12] = {1};
	SAME(kn_sys_write(k, wide, 12), write(h, wide, 12));
	SAME(kn_sys_read(k, &kv, 8), read(h, &hv, 8));
	EQ(kv, hv);
	/* Overflow: the counter stops at 2^64-2. */
	uint64_t max = UINT64_MAX, almost = UINT64_MAX - 1, one = 1;
	SAME(kn_sys_write(k, &max, 8), write(h, &max, 8));
	SAME(kn_sys_write(k, &almost, 8), write(h, &almost, 8));
	SAME(kn_sys_write(k, &one, 8), write(h, &one, 8));
	SAME(kn_sys_write(k, &zero, 8), write(h, &zero, 8));
	SAME(kn_sys_read(k, &kv, 8), read(h, &hv, 8));
	EQ(kv, hv);
	/* Metadata and flags. */
	struct kn_stat ks;
	struct stat hs;
	SAME(kn_sys_fstat(k, &ks), fstat(h, &hs));
	EQ(ks.st_mode, hs.st_mode);
	SAME(kn_sys_fcntl(k, KN_F_GETFL, 0), fcntl(h, F_GETFL));
	SAME(kn_sys_fcntl(k, KN_F_GETFD, 0), fcntl(h, F_GETFD));
	SAME(kn_sys_lseek(k, 0, KN_SEEK_SET), lseek(h, 0, SEEK_SET));
	SAME(kn_sys_close(k), close(h));
	/* Semaphore mode hands out 1 at a time. */
	k = (int)kn_sys_eventfd2(2, KN_EFD_SEMAPHORE | KN_EFD_NONBLOCK | KN_EFD_CLOEXEC);
	h = (int)HOST(eventfd2, 2, EFD_SEMAPHORE | EFD_NONBLOCK | O_CLOEXEC);
	for (int i = 0; i < 3; i++) {
		kv = hv = 9;
		SAME(kn_sys_read(k, &kv, 8), read(h, &hv, 8));
		EQ(kv, hv);
	}
	SAME(kn_sys_fcntl(k, KN_F_GETFD, 0), fcntl(h, F_GETFD));
	SAME(kn_sys_close(k), close(h));
	/* Bad flags; eventfd() is eventfd2(.., 0): blocking. */
	SAME(kn_sys_eventfd2(0, 2), HOST(eventfd2, 0, 2));
	SAME(kn_sys_eventfd2(0, KN_O_RDWR), HOST(eventfd2, 0, O_RDWR));
	k = (int)kn_sys_eventfd(0);
	h = (int)HOST(eventfd, 0);
	SAME(kn_sys_fcntl(k, KN_F_GETFL, 0), fcntl(h, F_GETFL));
	/* Kiln checks the buffer first; Linux would block before looking. */
	EQ(kn_sys_read(k, NULL, 8), -KN_EFAULT);
	SAME(kn_sys_write(k, NULL, 8), HOST(write, h, NULL, 8));
	SAME(kn_sys_close(k), close(h));
}

static void poster(void *arg)
{
	struct side *s = arg;
	uint64_t v = s->n;
	s->result = kn_sys_write(s->fd, &v, 8);
}

static void eventfd_blocking(void)
{
	int k = (int)kn_sys_eventfd(0);
	uint64_t v = 0;
	struct side s = {k, 0, 42};
	then_run(poster, &s);
	blocks = 0;
	EQ(kn_sys_read(k, &v, 8), 8);
	EQ(v, 42);
	EQ(blocks, 1);
	/* A write that would overflow waits for a read. */
	uint64_t almost = UINT64_MAX - 1;
	EQ(kn_sys_write(k, &almost, 8), 8);
	s.n = 0;
	then_run(reader_drains, &(struct side){k, 0, 8});
	blocks = 0;
	uint64_t five = 5;
	EQ(kn_sys_write(k, &five, 8), 8);
	EQ(blocks, 1);
	EQ(kn_sys_read(k, &v, 8), 8);
	EQ(v, 5);
	kn_sys_close(k);
}

void pipe_scenarios(const char *name, int *found)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} all[] = {
		{"pipe_basic", pipe_basic},           {"pipe_errors", pipe_errors},
		{"pipe_capacity", pipe_capacity},     {"pipe_epipe", pipe_epipe},
		{"pipe_resize", pipe_resize},         {"pipe_blocking", pipe_blocking},
		{"eventfd_counter", eventfd_counter}, {"eventfd_blocking", eventfd_blocking},
	};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(all[i].name, name)) {
			all[i].fn();
			*found = 1;
		}
}
