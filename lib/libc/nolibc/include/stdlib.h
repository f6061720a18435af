#ifndef _STDLIB_H
#define _STDLIB_H

#include <features.h>
#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 0x7fffffff

typedef struct {
	int quot, rem;
} div_t;
typedef struct {
	long quot, rem;
} ldiv_t;
typedef struct {
	long long quot, rem;
} lldiv_t;

__NL_BEGIN
/* The heap is the image's allocator (kn/alloc.h); failures set ENOMEM. */
void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *ptr, size_t size);
void *aligned_alloc(size_t align, size_t size);
int posix_memalign(void **out, size_t align, size_t size);

/* exit runs the atexit handlers, flushes stdio and leaves the unikernel
 * with `code`; abort stops it as a panic (exit code 125). */
__nl_noreturn void exit(int code);
__nl_noreturn void _Exit(int code);
__nl_noreturn void abort(void);
int atexit(void (*fn)(void));

int abs(int v);
long labs(long v);
long long llabs(long long v);
div_t div(int num, int den);
ldiv_t ldiv(long num, long den);
lldiv_t lldiv(long long num, long long den);

int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);
double atof(const char *s);
long strtol(const char *__restrict s, char **__restrict end, int base);
unsigned long strtoul(const char *__restrict s, char **__restrict end, int base);
long long strtoll(const char *__restrict s, char **__restrict end, int base);
unsigned long long strtoull(const char *__restrict s, char **__restrict end, int base);
/* Within an ulp of the correctly rounded value (exact for up to 15
 * significant digits with small exponents). */
double strtod(const char *__restrict s, char **__restrict end);
float strtof(const char *__restrict s, char **__restrict end);
long double strtold(const char *__restrict s, char **__restrict end);

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *));

int rand(void);
void srand(unsigned int seed);

/* Boot's environment (kn/boot.h): PATH, HOME and what kiln run -e or
 * [run] env set. Read-only: there is no setenv. */
char *getenv(const char *name);
__NL_END

#endif
