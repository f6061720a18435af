/* vfs-core: copies between descriptors inside the kernel: sendfile and
 * copy_file_range, through a bounce buffer (no page cache to splice). */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/syscall.h>
#include "vfs_internal.h"

#define COPY_CHUNK 16384

/* Copies up to n bytes from in at *ipos to out at *opos through a bounce
 * buffer; returns the count copied or, if none, the error. */
static long copy_data(struct kn_file *in, uint64_t *ipos, struct kn_file *out, uint64_t *opos,
		      size_t n)
{
	char *buf = n ? kn_malloc(COPY_CHUNK) : NULL;
	if (n && !buf)
		return -KN_ENOMEM;
	long total = 0;
	while (n) {
		size_t k = n < COPY_CHUNK ? n : COPY_CHUNK;
		long r = kn_vfs_read_at(in, buf, k, *ipos), w = r;
		if (r > 0)
			w = kn_vfs_write_at(out, buf, (size_t)r, opos, 0);
		if (w <= 0) {
			if (!total)
				total = w;
			break;
		}
		*ipos += (uint64_t)w;
		*opos += (uint64_t)w;
		total += w;
		n -= (size_t)w;
		if (w < r || (size_t)r < k)
			break;
	}
	kn_free(buf);
	return total;
}

static int readable(struct kn_file *f)
{
	return !(f->flags & KN_O_PATH) && (f->flags & KN_O_ACCMODE) != KN_O_WRONLY;
}

static int writable(struct kn_file *f)
{
	return !(f->flags & KN_O_PATH) && (f->flags & KN_O_ACCMODE) != KN_O_RDONLY;
}

static long send_checked(struct kn_file *in, uint64_t *ipos, int out_fd, size_t count)
{
	struct kn_file *out = kn_vfs_fget(out_fd);
	if (!out)
		return -KN_EBADF;
	long r = 0;
	if (!writable(out))
		r = -KN_EBADF;
	else if ((out->flags & KN_O_APPEND) && !KN_S_ISFIFO(out->vn->mode))
		r = -KN_EINVAL; /* Linux's splice refuses appending outputs */
	else if (count && KN_S_ISDIR(in->vn->mode))
		r = -KN_EINVAL;
	else
		r = copy_data(in, ipos, out, &out->off, count);
	kn_vfs_fput(out);
	return r;
}

/* From in_fd (at *offset, or its position) to out_fd's position. */
KN_SYSCALL(sendfile)(int out_fd, int in_fd, int64_t *offset, size_t count)
{
	int64_t pos = 0;
	if (offset) {
		if (kn_user_writable(offset, sizeof(*offset)))
			return -KN_EFAULT;
		pos = *offset;
	}
	struct kn_file *in = kn_vfs_fget(in_fd);
	if (!in)
		return -KN_EBADF;
	long r = 0;
	if (!readable(in))
		r = -KN_EBADF;
	else if (offset && kn_vfs_unseekable(in))
		r = -KN_ESPIPE;
	if (!offset)
		pos = (int64_t)in->off;
	if (!r && pos < 0)
		r = -KN_EINVAL;
	uint64_t ipos = (uint64_t)pos;
	if (!r)
		r = send_checked(in, &ipos, out_fd, count);
	if (r >= 0) {
		if (offset)
			*offset = (int64_t)ipos;
		else
			in->off = ipos;
	}
	kn_vfs_fput(in);
	return r;
}

/* generic_copy_file_checks of Linux: types, modes, bounds, overlap. */
static long copy_checks(struct kn_file *in, int64_t pi, struct kn_file *out, int64_t po,
			size_t *len)
{
	struct kn_stat st;
	if (KN_S_ISDIR(in->vn->mode) || KN_S_ISDIR(out->vn->mode))
		return -KN_EISDIR;
	if (!KN_S_ISREG(in->vn->mode) || !KN_S_ISREG(out->vn->mode))
		return -KN_EINVAL;
	if (!readable(in) || !writable(out) || (out->flags & KN_O_APPEND))
		return -KN_EBADF;
	if (pi < 0 || po < 0 || (uint64_t)pi + *len < (uint64_t)pi ||
	    (uint64_t)po + *len < (uint64_t)po)
		return -KN_EOVERFLOW;
	int r = kn_vfs_getattr(in->vn, &st);
	if (r)
		return r;
	uint64_t size = (uint64_t)st.st_size;
	*len = (uint64_t)pi >= size ? 0 : *len < size - (uint64_t)pi ? *len : size - (uint64_t)pi;
	if (in->vn == out->vn && po + (int64_t)*len > pi && po < pi + (int64_t)*len)
		return -KN_EINVAL;
	return 0;
}

static int load_pos(int64_t *user, struct kn_file *f, int64_t *pos)
{
	if (!user) {
		*pos = (int64_t)f->off;
		return 0;
	}
	if (kn_user_writable(user, sizeof(*user)))
		return -KN_EFAULT;
	*pos = *user;
	return 0;
}

static void store_pos(int64_t *user, struct kn_file *f, uint64_t pos)
{
	if (user)
		*user = (int64_t)pos;
	else
		f->off = pos;
}

static long copy_range(struct kn_file *in, int64_t *off_in, struct kn_file *out, int64_t *off_out,
		       size_t len, unsigned flags)
{
	int64_t pi, po;
	long r = load_pos(off_in, in, &pi);
	if (!r)
		r = load_pos(off_out, out, &po);
	if (!r && flags)
		r = -KN_EINVAL;
	if (!r)
		r = copy_checks(in, pi, out, po, &len);
	if (r || !len)
		return r;
	uint64_t ip = (uint64_t)pi, op = (uint64_t)po;
	r = copy_data(in, &ip, out, &op, len);
	if (r > 0) {
		store_pos(off_in, in, ip);
		store_pos(off_out, out, op);
	}
	return r;
}

KN_SYSCALL(copy_file_range)
(int in_fd, int64_t *off_in, int out_fd, int64_t *off_out, size_t len, unsigned flags)
{
	struct kn_file *in = kn_vfs_fget(in_fd), *out = kn_vfs_fget(out_fd);
	long r = -KN_EBADF;
	if (in && out && !(in->flags & KN_O_PATH) && !(out->flags & KN_O_PATH))
		r = copy_range(in, off_in, out, off_out, len, flags);
	if (in)
		kn_vfs_fput(in);
	if (out)
		kn_vfs_fput(out);
	return r;
}
