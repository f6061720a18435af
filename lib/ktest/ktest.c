/* Runs the KN_TEST cases linked into the image and reports each one. */
#include <kn/console.h>
#include <kn/ktest.h>

extern const struct kn_ktest __kn_tests_start[], __kn_tests_end[];

static const struct kn_ktest *running;
static int running_failures;

void kn_ktest_fail(const char *file, int line, const char *expr)
{
	running_failures++;
	kn_printk("ktest: FAIL %s.%s: %s:%d: %s\n", running->suite, running->name, file, line,
		  expr);
}

/* A filter selects tests whose "suite.name" starts with it. */
static int selected(const struct kn_ktest *t, const char *filter)
{
	if (!filter || !*filter)
		return 1;
	const char *f = filter, *s = t->suite;
	for (; *f && *s; f++, s++)
		if (*f != *s)
			return 0;
	if (!*f)
		return 1;
	if (*f++ != '.')
		return 0;
	for (s = t->name; *f && *s; f++, s++)
		if (*f != *s)
			return 0;
	return !*f;
}

int kn_ktest_run_all(const char *filter)
{
	int passed = 0, failed = 0;
	for (const struct kn_ktest *t = __kn_tests_start; t < __kn_tests_end; t++) {
		if (!selected(t, filter))
			continue;
		running = t;
		running_failures = 0;
		t->fn();
		if (running_failures)
			failed++;
		else {
			passed++;
			kn_printk("ktest: PASS %s.%s\n", t->suite, t->name);
		}
	}
	running = 0;
	kn_printk("ktest: %d passed, %d failed\n", passed, failed);
	return failed;
}
