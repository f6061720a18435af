/* The newc reader (see cpio.h). Layout of one entry, from the cpio(5)
 * description of the "new ASCII" format:
 *   110-byte header: "070701" then 13 fields of 8 hex digits
 *   name (namesize bytes, NUL included), padded to a multiple of 4
 *   data (filesize bytes), padded to a multiple of 4
 * Offsets are relative to the start of the archive. */
#include "cpio.h"

#define S_IFMT 0170000
#define S_IFDIR 0040000
#define S_IFREG 0100000
#define S_IFLNK 0120000
#define S_IFCHR 0020000
#define S_IFBLK 0060000
#define S_IFIFO 0010000
#define S_IFSOCK 0140000

enum {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK,
	F_COUNT
};

/* "bad hex digit in c_mode", one string per field: messages are static. */
static const char *const bad_hex[F_COUNT] = {
	"bad hex digit in c_ino",       "bad hex digit in c_mode",
	"bad hex digit in c_uid",       "bad hex digit in c_gid",
	"bad hex digit in c_nlink",     "bad hex digit in c_mtime",
	"bad hex digit in c_filesize",  "bad hex digit in c_devmajor",
	"bad hex digit in c_devminor",  "bad hex digit in c_rdevmajor",
	"bad hex digit in c_rdevminor", "bad hex digit in c_namesize",
	"bad hex digit in c_check",
};

static const char HINT_REBUILD[] = "corrupt archive; rebuild it with kiln build";
static const char HINT_TRUNCATED[] = "the archive is truncated; rebuild it with kiln build";
static const char HINT_NOT_NEWC[] = "not a newc cpio; rebuild it with kiln build";
static const char HINT_NAME[] = "fix the file names in the rootfs folder";

static int fail(struct kn_cpio_reader *r, size_t offset, const char *what, const char *hint,
		const char *name)
{
	r->err = (struct kn_cpio_error){offset, what, hint, name, 0};
	r->state = -1;
	return -1;
}

void kn_cpio_open(struct kn_cpio_reader *r, const void *base, size_t len)
{
	r->base = base;
	r->len = len;
	r->pos = 0;
	r->state = 1;
	r->err = (struct kn_cpio_error){0, 0, 0, 0, 0};
	r->path[0] = '\0';
}

/* memchr is not among the mem functions boot guarantees without a libc. */
static const void *find_nul(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (!b[i])
			return b + i;
	return NULL;
}

static int hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses the 13 fields; on a bad digit returns the field's index + 1. */
static int parse_fields(const uint8_t *h, uint32_t *f)
{
	for (int i = 0; i < F_COUNT; i++) {
		uint32_t v = 0;
		for (int k = 0; k < 8; k++) {
			int d = hex_value(h[6 + 8 * i + k]);
			if (d < 0)
				return i + 1;
			v = v << 4 | (uint32_t)d;
		}
		f[i] = v;
	}
	return 0;
}

/* Copies name into r->path without empty and "." components; returns
 * NULL or the problem. */
static const char *normalise(struct kn_cpio_reader *r, const char *name, size_t n)
{
	size_t out = 0, i = 0;

	while (i < n) {
		while (i < n && name[i] == '/')
			i++;
		size_t start = i;
		while (i < n && name[i] != '/')
			i++;
		size_t len = i - start;
		if (len == 0 || (len == 1 && name[start] == '.'))
			continue;
		if (len == 2 && name[start] == '.' && name[start + 1] == '.')
			return "'..' in the name";
		if (len > KN_CPIO_NAME_MAX)
			return "a name component longer than 255 bytes";
		if (out + (out != 0) + len + 1 + 1 > KN_CPIO_PATH_MAX)
			return "a name longer than 4095 bytes";
		if (out)
			r->path[out++] = '/';
		__builtin_memcpy(r->path + out, name + start, len);
		out += len;
	}
	r->path[out] = '\0';
	return NULL;
}

static enum kn_cpio_type type_of(uint32_t mode, int *ok)
{
	*ok = 1;
	switch (mode & S_IFMT) {
	case S_IFDIR: return KN_CPIO_DIR;
	case S_IFREG: return KN_CPIO_FILE;
	case S_IFLNK: return KN_CPIO_SYMLINK;
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK: return KN_CPIO_SPECIAL;
	default: *ok = 0; return KN_CPIO_SPECIAL;
	}
}

int kn_cpio_next(struct kn_cpio_reader *r, struct kn_cpio_entry *e)
{
	if (r->state <= 0)
		return r->state;

	const uint8_t *b = r->base;
	size_t at = r->pos, len = r->len;

	if (at >= len)
		return fail(r, len, "archive ends without a TRAILER!!! entry", HINT_TRUNCATED, 0);
	if (len - at < KN_CPIO_HEADER_SIZE)
		return fail(r, at, "truncated header", HINT_TRUNCATED, 0);
	const uint8_t *h = b + at;
	if (__builtin_memcmp(h, "07070", 5) || (h[5] != '1' && h[5] != '2'))
		return fail(r, at, "bad magic", HINT_NOT_NEWC, 0);
	int crc = h[5] == '2';

	uint32_t f[F_COUNT];
	int bad = parse_fields(h, f);
	if (bad)
		return fail(r, at + 6 + 8 * (size_t)(bad - 1), bad_hex[bad - 1], HINT_REBUILD, 0);

	/* The name: namesize counts its NUL. Sizes are at most 2^32 - 1, so
	 * none of the sums below can overflow a 64-bit size_t. */
	size_t name_at = at + KN_CPIO_HEADER_SIZE, namesize = f[F_NAMESIZE];
	size_t namesize_at = at + 6 + 8 * F_NAMESIZE;
	if (namesize < 2)
		return fail(r, namesize_at, "empty name (c_namesize below 2)", HINT_REBUILD, 0);
	if (namesize > KN_CPIO_PATH_MAX)
		return fail(r, namesize_at, "name longer than 4095 bytes (c_namesize)",
			    HINT_REBUILD, 0);
	if (namesize > len - name_at)
		return fail(r, name_at, "name runs past the end of the archive", HINT_TRUNCATED, 0);
	const char *name = (const char *)b + name_at;
	if (name[namesize - 1] != '\0')
		return fail(r, name_at + namesize - 1, "name without its NUL terminator",
			    HINT_REBUILD, 0);
	const char *nul = find_nul(name, namesize - 1);
	if (nul)
		return fail(r, name_at + (size_t)(nul - name), "NUL byte inside the name",
			    HINT_REBUILD, 0);
	if (namesize == 11 && !__builtin_memcmp(name, "TRAILER!!!", 11)) {
		r->state = 0;
		r->pos = len;
		return 0;
	}

	size_t data_at = (name_at + namesize + 3) & ~(size_t)3, size = f[F_FILESIZE];
	if (data_at > len || size > len - data_at)
		return fail(r, data_at > len ? len : data_at,
			    "file data runs past the end of the archive", HINT_TRUNCATED, name);

	uint32_t mode = f[F_MODE];
	int known;
	enum kn_cpio_type type = type_of(mode, &known);
	size_t mode_at = at + 6 + 8 * F_MODE;
	if (!known || mode > 0xffff)
		return fail(r, mode_at, "bad file type in c_mode", HINT_REBUILD, name);
	if (type == KN_CPIO_DIR && size)
		return fail(r, at + 6 + 8 * F_FILESIZE, "directory with data (c_filesize)",
			    HINT_REBUILD, name);
	if (type == KN_CPIO_SYMLINK) {
		if (size == 0 || size >= KN_CPIO_PATH_MAX)
			return fail(r, at + 6 + 8 * F_FILESIZE,
				    "symlink target empty or longer than 4095 bytes", HINT_REBUILD,
				    name);
		if (find_nul(b + data_at, size))
			return fail(r, data_at, "NUL byte inside the symlink target", HINT_REBUILD,
				    name);
	}
	if (crc && type == KN_CPIO_FILE) {
		uint32_t sum = 0;
		for (size_t i = 0; i < size; i++)
			sum += b[data_at + i];
		if (sum != f[F_CHECK])
			return fail(r, data_at, "checksum mismatch (070702 archive)", HINT_REBUILD,
				    name);
	}

	const char *why = normalise(r, name, namesize - 1);
	if (why)
		return fail(r, name_at, why, HINT_NAME, name);
	if (!r->path[0] && type != KN_CPIO_DIR)
		return fail(r, name_at, "entry for / that is not a directory", HINT_REBUILD, name);

	*e = (struct kn_cpio_entry){
		.path = r->path,
		.type = type,
		.mode = mode,
		.ino = f[F_INO],
		.nlink = f[F_NLINK],
		.devmajor = f[F_DEVMAJOR],
		.devminor = f[F_DEVMINOR],
		.data = b + data_at,
		.size = size,
		.offset = at,
	};
	/* The next header starts 4-aligned; past the end is fine here, the
	 * next call reports the missing trailer. */
	r->pos = (data_at + size + 3) & ~(size_t)3;
	return 1;
}
