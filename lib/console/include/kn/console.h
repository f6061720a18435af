/* The console API: kernel output and the formatting engine libc reuses.
 *
 * The console has two output streams, as a Unix process has: standard
 * output (kn_console_write: what fd 1 writes) and standard error
 * (kn_console_write_err: fd 2 and every kernel message, so a host can
 * keep diagnostics apart from the program's output). Platforms (and
 * later drivers) register console drivers with KN_CONSOLE_DRIVER; each
 * write goes to every registered one. A driver without an error stream
 * (write_err NULL) gets both streams through write. */
#ifndef KN_CONSOLE_H
#define KN_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <kn/compiler.h>

struct kn_console_driver {
	const char *name;
	void (*write)(const char *s, size_t n);
	void (*write_err)(const char *s, size_t n);
};

#define KN_CONSOLE_DRIVER(id, writefn, errfn)                                  \
	static const struct kn_console_driver __kn_console_##id KN_USED KN_ALIGNED(8)       \
		KN_SECTION(".kn_console") = {#id, writefn, errfn}

/* Console input: a platform registers at most one source with
 * KN_CONSOLE_INPUT. Its read never blocks: it returns the bytes it got
 * (> 0), 0 at end of input, or -KN_EAGAIN when nothing is there yet.
 * Input is raw (no line discipline, no echo), like a serial line in
 * -icanon mode. Nobody polls the source on a timer: readers and pollers
 * sleep on the console's input wait queue, and the platform wakes them
 * when input may have arrived, from its interrupt handling (kvm: the
 * UART's receive interrupt, which also pushes the bytes it drained with
 * kn_console_input_push) or its idle wait (linuxu: the host says stdin
 * is readable; kn_console_input_notify). */
struct kn_console_input {
	const char *name;
	long (*read)(void *buf, size_t n);
};

#define KN_CONSOLE_INPUT(id, readfn)                                           \
	static const struct kn_console_input __kn_console_in_##id KN_USED KN_ALIGNED(8) \
		KN_SECTION(".kn_console_in") = {#id, readfn}

struct kn_waitq;

/* Where formatted output goes: called with each piece, in order. */
typedef void (*kn_fmt_sink)(void *ctx, const char *s, size_t n);

KN_API_BEGIN
/* Standard output, and standard error (where kn_printk writes). */
void kn_console_write(const char *s, size_t n);
void kn_console_write_err(const char *s, size_t n);
/* Reads console input without blocking: bytes read, 0 at end of input
 * (always, in an image without an input source), -KN_EAGAIN when none is
 * there yet. */
long kn_console_read(void *buf, size_t n);
/* Whether kn_console_read would return at once (input buffered, or end
 * of input): what poll reports as POLLIN. */
int kn_console_input_ready(void);
/* Blocks until input may have arrived (then read again): on the input
 * wait queue with a scheduler, else idling the CPU until an interrupt. */
void kn_console_input_wait(void);
/* The queue readers and pollers of console input wait on (sched's
 * wait queue, woken from interrupt handling). */
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

/* printf-style formatting for the kernel and for libc. Supports the C99
 * conversions d i u o x X c s p n % f F e E g G a A, the flags - + space # 0,
 * width and precision (also as *), and the length modifiers hh h l ll z j t L.
 * Returns the number of bytes produced. */
int kn_vformat(kn_fmt_sink sink, void *ctx, const char *fmt, va_list ap);
KN_PRINTF(3, 0) int kn_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
KN_PRINTF(3, 4) int kn_snprintf(char *buf, size_t size, const char *fmt, ...);
KN_PRINTF(1, 0) int kn_vprintk(const char *fmt, va_list ap);
/* Kernel messages: written to the console's error stream as they are
 * (no prefix added). */
KN_PRINTF(1, 2) int kn_printk(const char *fmt, ...);
/* A program's own output without a libc: to the console's standard
 * output, as printf would. */
KN_PRINTF(1, 2) int kn_console_printf(const char *fmt, ...);
KN_API_END

#endif
