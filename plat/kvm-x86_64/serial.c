/* The console: a 16550 UART at COM1, 115200 8N1, polled both ways.
 * Input is read from the receive FIFO when someone asks (a reader or a
 * poller re-checks every KN_CONSOLE_INPUT_POLL_NS): the receive IRQ
 * would need IOAPIC routing, which irq.c does not do yet. A serial line
 * has no end of input, so reads never return 0. */
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/arch.h>
#include "io.h"
#include "kvm.h"

#define COM1 0x3f8
#define UART_DATA 0
#define UART_IER 1
#define UART_FCR 2 /* write */
#define UART_IIR 2 /* read */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define LSR_DR 0x01 /* data ready: the receive FIFO holds a byte */
#define LSR_THRE 0x20
#define IIR_FIFO_ON 0xc0

/* Bytes we may send each time the transmitter reports empty: the whole
 * FIFO when it works, which saves a port read (a VM exit) per byte. */
static unsigned kn_kvm_uart_burst = 1;

void kn_kvm_serial_init(void)
{
	kn_kvm_outb(COM1 + UART_IER, 0);
	kn_kvm_outb(COM1 + UART_LCR, LCR_DLAB);
	kn_kvm_outb(COM1 + UART_DATA, 1); /* divisor 1: 115200 baud */
	kn_kvm_outb(COM1 + UART_IER, 0);
	kn_kvm_outb(COM1 + UART_LCR, LCR_8N1);
	kn_kvm_outb(COM1 + UART_FCR, 0x07); /* FIFOs on and cleared */
	kn_kvm_outb(COM1 + UART_MCR, 0x03); /* DTR, RTS; no IRQ */
	if ((kn_kvm_inb(COM1 + UART_IIR) & IIR_FIFO_ON) == IIR_FIFO_ON)
		kn_kvm_uart_burst = 16;
}

static void kn_kvm_uart_put(char c, unsigned *room)
{
	if (*room == 0) {
		while (!(kn_kvm_inb(COM1 + UART_LSR) & LSR_THRE))
			kn_arch_pause();
		*room = kn_kvm_uart_burst;
	}
	kn_kvm_outb(COM1 + UART_DATA, (uint8_t)c);
	(*room)--;
}

void kn_kvm_serial_write(const char *s, size_t n)
{
	unsigned room = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			kn_kvm_uart_put('\r', &room);
		kn_kvm_uart_put(s[i], &room);
	}
}

KN_CONSOLE_DRIVER(serial, kn_kvm_serial_write);

static long kn_kvm_serial_read(void *buf, size_t n)
{
	size_t got = 0;
	/* One LSR read per byte: each is a VM exit, but input is slow. */
	while (got < n && (kn_kvm_inb(COM1 + UART_LSR) & LSR_DR))
		((uint8_t *)buf)[got++] = kn_kvm_inb(COM1 + UART_DATA);
	return got ? (long)got : -KN_EAGAIN;
}

KN_CONSOLE_INPUT(serial, kn_kvm_serial_read);
