/* A strict reader of cpio "newc" archives (magic 070701, and 070702 with
 * its checksum), the format `kiln build` and `cpio -o -H newc` write.
 * It only reads: it allocates nothing and depends on nothing but the
 * compiler's headers, so the host tests compile it as it is.
 *
 * Every header field is checked; the first problem stops the walk with
 * the byte offset it was found at, a cause and a hint for the user. */
#ifndef KN_INITRD_CPIO_H
#define KN_INITRD_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define KN_CPIO_HEADER_SIZE 110
#define KN_CPIO_PATH_MAX 4096 /* KN_PATH_MAX: with the NUL */
#define KN_CPIO_NAME_MAX 255  /* KN_NAME_MAX: one path component */

enum kn_cpio_type {
	KN_CPIO_DIR,
	KN_CPIO_FILE,
	KN_CPIO_SYMLINK,
	KN_CPIO_SPECIAL, /* device, fifo or socket: nothing to create them with */
};

struct kn_cpio_entry {
	/* Normalised: relative to "/", single slashes, no "." components, no
	 * trailing slash; "" for the root directory itself. */
	const char *path;
	enum kn_cpio_type type;
	uint32_t mode; /* type and permission bits, as in the archive */
	uint32_t ino, nlink, devmajor, devminor;
	const uint8_t *data; /* file contents or symlink target (no NUL) */
	size_t size;
	size_t offset; /* of the entry's header */
};

struct kn_cpio_error {
	size_t offset;    /* where the problem was found */
	const char *what; /* the cause, e.g. "bad magic" */
	const char *hint; /* what to do about it */
	const char *name; /* the entry's path when known, else NULL */
	int errnum;       /* a positive errno when the cause came from the VFS */
};

struct kn_cpio_reader {
	const uint8_t *base;
	size_t len;
	size_t pos;
	int state; /* 1 reading, 0 trailer seen, -1 failed */
	struct kn_cpio_error err;
	char path[KN_CPIO_PATH_MAX];
};

void kn_cpio_open(struct kn_cpio_reader *r, const void *base, size_t len);

/* Reads the next entry: 1 and fills *e, 0 at TRAILER!!! (whatever follows
 * it is ignored: GNU cpio pads archives to 512-byte blocks), or -1 with
 * r->err filled. After -1 or 0 it keeps returning the same. */
int kn_cpio_next(struct kn_cpio_reader *r, struct kn_cpio_entry *e);

#endif
