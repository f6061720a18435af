/* The stack musl's __unmapself (patched src/thread/x86_64/__unmapself.s)
 * switches to before it unmaps the exiting thread's own stack. */
#include <stdint.h>

static _Alignas(16) unsigned char stack[4096];

__attribute__((visibility("default"))) void *const kn_musl_unmapself_stack = stack + sizeof(stack);
