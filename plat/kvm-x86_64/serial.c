/* The console: a 16550 UART at COM1, 115200 8N1. Output is polled.
 * Input raises the "received data available" interrupt (ISA IRQ 4,
 * routed through the IOAPIC once it is up); its handler drains the
 * receive FIFO into the console's input buffer, which wakes the readers
 * and pollers of the console. A reader that finds that buffer empty
 * still looks at the FIFO itself. A serial line has no end of input, so
 * reads never return 0. */
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
#define IER_RDA 0x01 /* interrupt when received data is available */
#define MCR_DTR_RTS 0x03
#define MCR_OUT2 0x08 /* gates the IRQ line on PC-compatible boards */
#define COM1_IRQ 4
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

/* Takes what the receive FIFO holds, at most n bytes. Reading LSR also
 * clears an overrun (the bytes lost to it are gone either way). */
static size_t kn_kvm_uart_drain(uint8_t *buf, size_t n)
{
	size_t got = 0;
	/* One LSR read per byte: each is a VM exit, but input is slow. */
	while (got < n && (kn_kvm_inb(COM1 + UART_LSR) & LSR_DR))
		buf[got++] = kn_kvm_inb(COM1 + UART_DATA);
	return got;
}

static long kn_kvm_serial_read(void *buf, size_t n)
{
	size_t got = kn_kvm_uart_drain(buf, n);
	return got ? (long)got : -KN_EAGAIN;
}

void kn_kvm_serial_irq_enable(void)
{
	if (kn_kvm_ioapic_route(COM1_IRQ, KN_KVM_VEC_SERIAL))
		return;
	kn_kvm_outb(COM1 + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
	kn_kvm_outb(COM1 + UART_IER, IER_RDA);
}

/* Empties the FIFO, which lowers the interrupt line, so the next byte
 * raises a new edge. Spurious calls find nothing and wake nobody. The
 * bound keeps a flood from holding the CPU here; what it leaves in the
 * FIFO the next reader takes directly, which re-arms the edge. */
void kn_kvm_serial_irq(void)
{
	uint8_t buf[64];
	for (int round = 0; round < 64; round++) {
		size_t n = kn_kvm_uart_drain(buf, sizeof(buf));
		if (!n)
			return;
		kn_console_input_push(buf, n);
	}
}

KN_CONSOLE_INPUT(serial, kn_kvm_serial_read);
