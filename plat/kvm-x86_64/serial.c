/* The console: 16550 UARTs, 115200 8N1, written by polling.
 *   COM1: standard output and console input;
 *   COM2: standard error (fd 2 and kernel messages), so the host can keep
 *         them apart; a VM without COM2 gets them on COM1;
 *   COM3: the exit status record (exit.c), when the VM has the port.
 * Bytes go out as written: no '\r' is added before '\n' (a host
 * terminal's own output processing does that), so the host receives
 * exactly what the program wrote.
 * Input raises COM1's "received data available" interrupt (ISA IRQ 4,
 * routed through the IOAPIC once it is up); its handler drains the
 * receive FIFO into the console's input buffer, which wakes the readers
 * and pollers of the console. A reader that finds that buffer empty
 * still looks at the FIFO itself. A serial line has no end of input, so
 * reads never return 0. */
#include <kn/console.h>
#ifdef CONFIG_HAVE_CONSOLE_INPUT
#include <kn/console_input.h>
#endif
#include <kn/errno.h>
#include <kn/arch.h>
#include "io.h"
#include "kvm.h"

#define COM1 0x3f8
#define COM2 0x2f8
#define COM3 0x3e8
#define UART_DATA 0
#define UART_IER 1
#define UART_FCR 2 /* write */
#define UART_IIR 2 /* read */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define LSR_DR 0x01  /* data ready: the receive FIFO holds a byte */
#define IER_RDA 0x01 /* interrupt when received data is available */
#define MCR_DTR_RTS 0x03
#define MCR_OUT2 0x08 /* gates the IRQ line on PC-compatible boards */
#define COM1_IRQ 4
#define LSR_THRE 0x20
#define IIR_FIFO_ON 0xc0

struct kn_kvm_uart {
	uint16_t port;
	/* Bytes we may send each time the transmitter reports empty: the
	 * whole FIFO when it works, which saves a port read (a VM exit)
	 * per byte. */
	unsigned burst;
};

static struct kn_kvm_uart kn_kvm_com1 = {COM1, 1};
static struct kn_kvm_uart kn_kvm_com2 = {COM1, 1}; /* COM2 when present */
static struct kn_kvm_uart kn_kvm_com3 = {0, 1};    /* none until found */

/* Whether a UART answers at `port`: its scratch register keeps what is
 * written, where an absent port reads back all ones. */
static int kn_kvm_uart_present(uint16_t port)
{
	kn_outb(port + UART_SCR, 0x5a);
	return kn_inb(port + UART_SCR) == 0x5a;
}

static void kn_kvm_uart_init(struct kn_kvm_uart *u, uint16_t port)
{
	u->port = port;
	kn_outb(port + UART_IER, 0);
	kn_outb(port + UART_LCR, LCR_DLAB);
	kn_outb(port + UART_DATA, 1); /* divisor 1: 115200 baud */
	kn_outb(port + UART_IER, 0);
	kn_outb(port + UART_LCR, LCR_8N1);
	kn_outb(port + UART_FCR, 0x07); /* FIFOs on and cleared */
	kn_outb(port + UART_MCR, 0x03); /* DTR, RTS; no IRQ */
	if ((kn_inb(port + UART_IIR) & IIR_FIFO_ON) == IIR_FIFO_ON)
		u->burst = 16;
}

void kn_kvm_serial_init(void)
{
	kn_kvm_uart_init(&kn_kvm_com1, COM1);
	kn_kvm_com2 = kn_kvm_com1;
	if (kn_kvm_uart_present(COM2))
		kn_kvm_uart_init(&kn_kvm_com2, COM2);
	if (kn_kvm_uart_present(COM3))
		kn_kvm_uart_init(&kn_kvm_com3, COM3);
}

static void kn_kvm_uart_write(const struct kn_kvm_uart *u, const char *s, size_t n)
{
	unsigned room = 0;
	for (size_t i = 0; i < n; i++) {
		if (room == 0) {
			while (!(kn_inb(u->port + UART_LSR) & LSR_THRE))
				kn_arch_pause();
			room = u->burst;
		}
		kn_outb(u->port + UART_DATA, (uint8_t)s[i]);
		room--;
	}
}

void kn_kvm_serial_write(const char *s, size_t n)
{
	kn_kvm_uart_write(&kn_kvm_com1, s, n);
}

void kn_kvm_serial_write_err(const char *s, size_t n)
{
	kn_kvm_uart_write(&kn_kvm_com2, s, n);
}

int kn_kvm_serial_write_status(const char *s, size_t n)
{
	if (!kn_kvm_com3.port)
		return -KN_ENODEV;
	kn_kvm_uart_write(&kn_kvm_com3, s, n);
	return 0;
}

KN_CONSOLE_DRIVER(serial, kn_kvm_serial_write, kn_kvm_serial_write_err);

/* Takes what the receive FIFO holds, at most n bytes. Reading LSR also
 * clears an overrun (the bytes lost to it are gone either way). */
static size_t kn_kvm_uart_drain(uint8_t *buf, size_t n)
{
	size_t got = 0;
	/* One LSR read per byte: each is a VM exit, but input is slow. */
	while (got < n && (kn_inb(COM1 + UART_LSR) & LSR_DR))
		buf[got++] = kn_inb(COM1 + UART_DATA);
	return got;
}

void kn_kvm_serial_irq_enable(void)
{
	if (kn_kvm_ioapic_route(COM1_IRQ, KN_KVM_VEC_SERIAL, false))
		return;
	kn_outb(COM1 + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
	kn_outb(COM1 + UART_IER, IER_RDA);
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
#ifdef CONFIG_HAVE_CONSOLE_INPUT /* else nobody reads: the bytes are dropped */
		kn_console_input_push(buf, n);
#endif
	}
}

#ifdef CONFIG_HAVE_CONSOLE_INPUT
static long kn_kvm_serial_read(void *buf, size_t n)
{
	size_t got = kn_kvm_uart_drain(buf, n);
	return got ? (long)got : -KN_EAGAIN;
}

KN_CONSOLE_INPUT(serial, kn_kvm_serial_read);
#endif
