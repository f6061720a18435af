#ifndef MMAP_HOST_SHIM_H
#define MMAP_HOST_SHIM_H
#include <stddef.h>
extern long shim_live_blocks;
extern size_t shim_page_budget;
#endif
