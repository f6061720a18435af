/* Console input: one source a platform registers, the bytes it delivers,
 * and the wait queue its readers (devfs: fd 0 and /dev/console) and
 * pollers sleep on. It waits on the scheduler, so it is a library of its
 * own: the console's output stays free of the scheduler, which prints.
 *
 * A platform registers at most one source with KN_CONSOLE_INPUT. Its read
 * never blocks: it returns the bytes it got (> 0), 0 at end of input, or
 * -KN_EAGAIN when nothing is there yet. Input is raw (no line
 * discipline, no echo), like a serial line in -icanon mode. Nobody polls
 * the source on a timer: the platform wakes the readers when input may
 * have arrived, from its interrupt handling (kvm: the UART's receive
 * interrupt, which also pushes the bytes it drained with
 * kn_console_input_push) or its idle wait (linuxu: the host says stdin
 * is readable; kn_console_input_notify). The platform cannot require
 * this library (it requires the scheduler, which requires the platform):
 * it calls it only when the image has it (CONFIG_HAVE_CONSOLE_INPUT). */
#ifndef KN_CONSOLE_INPUT_H
#define KN_CONSOLE_INPUT_H

#include <stddef.h>
#include <kn/compiler.h>

struct kn_console_input {
	const char *name;
	long (*read)(void *buf, size_t n);
};

#define KN_CONSOLE_INPUT(id, readfn)                                                               \
	static const struct kn_console_input __kn_console_in_##id KN_USED KN_ALIGNED(8)            \
		KN_SECTION(".kn_console_in") = {#id, readfn}

struct kn_waitq;

KN_API_BEGIN
/* For readers. Reads without blocking: bytes read, 0 at end of input
 * (always, in an image without an input source), -KN_EAGAIN when none is
 * there yet. */
long kn_console_read(void *buf, size_t n);
/* Whether kn_console_read would return at once (input buffered, or end
 * of input): what poll reports as POLLIN. */
int kn_console_input_ready(void);
/* Blocks on the input wait queue until input may have arrived (then
 * read again). */
void kn_console_input_wait(void);
/* The queue readers and pollers of console input wait on (woken from
 * interrupt handling). */
struct kn_waitq *kn_console_input_waitq(void);

/* For the platform: bytes its interrupt handler drained from the device
 * (kept until read; dropped, and counted, when the buffer is full), and
 * a wake-up of everyone waiting for input. Thread or idle context only:
 * Kiln enables interrupts only while the CPU idles. */
void kn_console_input_push(const void *buf, size_t n);
void kn_console_input_notify(void);
/* Whether a thread is waiting for console input: a platform watches its
 * input device only then (an unread stdin must not keep it awake). */
int kn_console_input_wanted(void);
/* Bytes pushed while the buffer was full, lost. */
unsigned long kn_console_input_dropped(void);
KN_API_END

#endif
