/* Host harness for the newc reader alone: lists an archive's entries, or
 * prints the error exactly as the boot step would. Exits 0 when the
 * archive is valid, 2 when it is rejected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../cpio.h"

static const char *const types[] = {"dir", "file", "symlink", "special"};

/* Random byte changes and cuts of a valid archive: every variant must be
 * read to an end (trailer or error) within its own bounds. */
static int fuzz(const unsigned char *orig, size_t len, unsigned seed, int rounds)
{
	static struct kn_cpio_reader r;
	struct kn_cpio_entry e;
	int ok = 0, bad = 0;

	srand(seed);
	for (int i = 0; i < rounds; i++) {
		size_t n = rand() % 4 ? len : (size_t)rand() % (len + 1);
		unsigned char *buf = malloc(n ? n : 1);
		memcpy(buf, orig, n);
		for (int k = rand() % 4; k >= 0 && n; k--) {
			size_t at = (size_t)rand() % n;
			buf[at] = rand() % 2 ? (unsigned char)rand()
					     : (unsigned char)"0fF/.\0"[rand() % 6];
		}
		kn_cpio_open(&r, buf, n);
		int rc, steps = 0;
		while ((rc = kn_cpio_next(&r, &e)) > 0) {
			if (e.size && (e.data < buf || e.data + e.size > buf + n))
				return 4;
			if (++steps > 100000)
				return 5; /* no progress: a loop */
		}
		if (rc < 0 && (r.err.offset > n || !r.err.what || !r.err.hint))
			return 6;
		rc < 0 ? bad++ : ok++;
		free(buf);
	}
	printf("fuzz: %d accepted, %d rejected\n", ok, bad);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2 && !(argc == 5 && !strcmp(argv[2], "fuzz"))) {
		fprintf(stderr, "usage: %s ARCHIVE [fuzz SEED ROUNDS]\n", argv[0]);
		return 1;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	/* An exact-size heap copy, so ASan catches a read past the end. */
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc(len ? (size_t)len : 1);
	if (len && fread(buf, 1, (size_t)len, f) != (size_t)len)
		return 1;
	fclose(f);

	if (argc == 5) {
		int rc = fuzz(buf, (size_t)len, (unsigned)atoi(argv[3]), atoi(argv[4]));
		free(buf);
		if (rc)
			printf("fuzz: failed check %d\n", rc);
		return rc;
	}

	static struct kn_cpio_reader r;
	struct kn_cpio_entry e;
	int rc, n = 0;
	kn_cpio_open(&r, len ? buf : NULL, (size_t)len);
	while ((rc = kn_cpio_next(&r, &e)) > 0) {
		printf("entry %s /%s %o %zu offset %zu nlink %u\n", types[e.type], e.path, e.mode,
		       e.size, e.offset, e.nlink);
		n++;
	}
	if (kn_cpio_next(&r, &e) != rc) /* the end is sticky */
		return 3;
	free(buf);
	if (rc < 0) {
		printf("error offset=%zu what=%s hint=%s name=%s\n", r.err.offset, r.err.what,
		       r.err.hint, r.err.name ? "set" : "-");
		return 2;
	}
	printf("ok %d entries\n", n);
	return 0;
}
