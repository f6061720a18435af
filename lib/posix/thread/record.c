/* Per-thread records: the tid words and robust list Linux keeps per task. */
#include <kn/alloc.h>
#include "internal.h"

static struct posix_thread *records;

struct posix_thread *posix_thread_new(int tid)
{
	struct posix_thread *p = kn_calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->tid = tid;
	p->next = records;
	records = p;
	return p;
}

void posix_thread_free(struct posix_thread *p)
{
	for (struct posix_thread **link = &records; *link; link = &(*link)->next)
		if (*link == p) {
			*link = p->next;
			break;
		}
	kn_free(p);
}

struct posix_thread *posix_thread_self(bool create)
{
	struct posix_thread *p = kn_thread_ext(NULL);
	if (!p && create) {
		p = posix_thread_new(kn_thread_id(NULL));
		if (p)
			kn_thread_set_ext(NULL, p);
	}
	return p;
}

struct posix_thread *posix_thread_find(int tid)
{
	for (struct posix_thread *p = records; p; p = p->next)
		if (p->tid == tid)
			return p;
	return NULL;
}

bool posix_thread_known(int tid)
{
	return tid == 0 || tid == kn_thread_id(NULL) || tid == KN_MAIN_THREAD_ID ||
	       posix_thread_find(tid);
}
